// Plain-JavaScript versions of the benchmark workloads, written the way a careful JS developer
// would (typed arrays, no allocation in the loop), so the Speed tab compares like with like.
// A classic script, not a module: the Speed tab's worker loads it with importScripts beside the
// benchmark module (src/bench/lib.rs), whose imports find these functions as globals.

// E(y) = −½ yᵀWy for a dense symmetric W (row-major Float32Array), y an Int8Array of ±1.
function jsEnergy(w, y, n) {
  let pair = 0.0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let s = 0.0;
    for (let j = 0; j < i; j++) s += w[row + j] * y[j];
    pair += s * y[i];
  }
  return -pair;
}

function now() {
  return performance.now();
}

// Asynchronous recall to a fixed point, sequential order, with incrementally kept local fields
// (the same algorithm as the Rust core): visit i = 0..N−1; y_i ← Θ(h_i) (+1 if h_i > 0 else −1);
// on a flip add 2·y_i·W[i,·] to every field. Stops after a sweep without flips (max 100 sweeps).
// w: Float32Array N×N, y0: Int8Array, h0: Float32Array of the cue's fields. Returns
// sweeps·10⁶ + flips, the same checksum as the Rust version.
function jsRecall(w, y0, h0, n) {
  const y = y0.slice();
  const h = h0.slice();
  let sweeps = 0, flips = 0;
  while (sweeps < 100) {
    let sweepFlips = 0;
    for (let i = 0; i < n; i++) {
      const v = h[i] > 0 ? 1 : -1;
      if (v !== y[i]) {
        y[i] = v;
        const s = 2 * v;
        const row = i * n;
        for (let j = 0; j < n; j++) h[j] += s * w[row + j];
        sweepFlips++;
      }
    }
    sweeps++;
    flips += sweepFlips;
    if (sweepFlips === 0) break;
  }
  return sweeps * 1e6 + flips;
}

// The banana of `core::landscape::Banana` (a = 2, b = 0.4) at T = 1:
// E(x) = x₁²/(2a²) + u²/2 with u = x₂ + b x₁² − b a²; writes ∇E into g, returns E.
const BANANA_A2 = 4.0, BANANA_B = 0.4;
function bananaEnergy(x1, x2) {
  const u = x2 + BANANA_B * x1 * x1 - BANANA_B * BANANA_A2;
  return 0.5 * x1 * x1 / BANANA_A2 + 0.5 * u * u;
}
function bananaGrad(x1, x2, g) {
  const u = x2 + BANANA_B * x1 * x1 - BANANA_B * BANANA_A2;
  g[0] = x1 / BANANA_A2 + 2.0 * BANANA_B * x1 * u;
  g[1] = u;
  return 0.5 * x1 * x1 / BANANA_A2 + 0.5 * u * u;
}

// A small seeded generator (sfc32, seeded through splitmix32) with Box–Muller normals,
// the kind of RNG a JS page would carry instead of Math.random for replayable runs.
function makeRng(seed) {
  let s = seed >>> 0;
  const mix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix(), b = mix(), c = mix(), d = mix();
  let spare = 0.0, hasSpare = false;
  const uniform = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  const normal = () => {
    if (hasSpare) { hasSpare = false; return spare; }
    const u1 = 1.0 - uniform(), u2 = uniform();
    const r = Math.sqrt(-2.0 * Math.log(u1)), th = 2.0 * Math.PI * u2;
    spare = r * Math.sin(th); hasSpare = true;
    return r * Math.cos(th);
  };
  return { uniform, normal };
}

// The same transitions as `core::sampler::bench_steps`: `nSteps` of random-walk Metropolis
// (σ = 1), MALA (ε = 0.1), HMC (Δt = 0.15, L = 10) or Adaptive Metropolis (σ₀ = 1, t₀ = 100,
// ε = 10⁻⁶) on the banana from the origin; returns
// the sum of all visited coordinates (a checksum, not comparable across RNGs).
function jsSamplerSteps(kind, nSteps, seed) {
  const rng = makeRng(seed);
  const g = new Float64Array(2), gy = new Float64Array(2);
  let x1 = 0.0, x2 = 0.0, sum = 0.0;
  if (kind === 'rwmh') {
    const sigma = 1.0;
    let e = bananaEnergy(x1, x2);
    for (let i = 0; i < nSteps; i++) {
      const y1 = x1 + sigma * rng.normal(), y2 = x2 + sigma * rng.normal();
      const ey = bananaEnergy(y1, y2);
      // α = min(1, exp(E(x) − E(y))).
      if (rng.uniform() < Math.exp(Math.min(0.0, e - ey))) { x1 = y1; x2 = y2; e = ey; }
      sum += x1 + x2;
    }
  } else if (kind === 'mala') {
    const eps = 0.1, s = Math.sqrt(eps);
    for (let i = 0; i < nSteps; i++) {
      const ux = bananaGrad(x1, x2, g);
      const m1 = x1 - 0.5 * eps * g[0], m2 = x2 - 0.5 * eps * g[1];
      const y1 = m1 + s * rng.normal(), y2 = m2 + s * rng.normal();
      const uy = bananaGrad(y1, y2, gy);
      const n1 = y1 - 0.5 * eps * gy[0], n2 = y2 - 0.5 * eps * gy[1];
      // ln q(y → x) − ln q(x → y) with q(a → b) = N(b; a − (ε/2)∇E(a), εI).
      const back = -((x1 - n1) ** 2 + (x2 - n2) ** 2) / (2.0 * eps);
      const fwd = -((y1 - m1) ** 2 + (y2 - m2) ** 2) / (2.0 * eps);
      const logA = Math.min(0.0, ux - uy + back - fwd);
      if (rng.uniform() < Math.exp(logA)) { x1 = y1; x2 = y2; }
      sum += x1 + x2;
    }
  } else if (kind === 'hmc') {
    const dt = 0.15, L = 10;
    for (let i = 0; i < nSteps; i++) {
      let u = bananaGrad(x1, x2, g);
      let p1 = rng.normal(), p2 = rng.normal();
      const h0 = u + 0.5 * (p1 * p1 + p2 * p2);
      let y1 = x1, y2 = x2;
      for (let k = 0; k < L; k++) {
        p1 -= 0.5 * dt * g[0]; p2 -= 0.5 * dt * g[1];
        y1 += dt * p1; y2 += dt * p2;
        u = bananaGrad(y1, y2, g);
        p1 -= 0.5 * dt * g[0]; p2 -= 0.5 * dt * g[1];
      }
      const dh = u + 0.5 * (p1 * p1 + p2 * p2) - h0;
      if (rng.uniform() < Math.exp(Math.min(0.0, -dh))) { x1 = y1; x2 = y2; }
      sum += x1 + x2;
    }
  } else if (kind === 'adaptive_mh') {
    sum = adaptiveMetropolis(rng, nSteps, 1.0, 100, 1e-6);
  } else {
    return NaN;
  }
  return sum;
}

// Adaptive Metropolis (Haario, Saksman & Tamminen 2001) on the banana from the origin: the
// proposal N(x, C_t) uses C₀ = σ₀²I for the first t₀ steps, then
// C_t = s_d (Cov(X₀ … X_{t−1}) + εI) with s_d = 2.38²/2, the history covariance kept by
// Welford's running update. Returns the sum of all visited coordinates.
function adaptiveMetropolis(rng, nSteps, sigma0, t0, reg) {
  const sd = 2.38 * 2.38 / 2.0;
  let x1 = 0.0, x2 = 0.0, sum = 0.0;
  // Running mean and Σ(x − x̄)(x − x̄)ᵀ of the history (X₀ = origin included).
  let n = 1, m1 = 0.0, m2 = 0.0, s11 = 0.0, s12 = 0.0, s22 = 0.0;
  let e = bananaEnergy(x1, x2);
  for (let i = 0; i < nSteps; i++) {
    let c11 = sigma0 * sigma0, c12 = 0.0, c22 = sigma0 * sigma0;
    if (n > t0) {
      c11 = sd * (s11 / (n - 1) + reg);
      c12 = sd * (s12 / (n - 1));
      c22 = sd * (s22 / (n - 1) + reg);
    }
    // Cholesky factor of C.
    const l11 = Math.sqrt(c11), l21 = c12 / l11, l22 = Math.sqrt(c22 - l21 * l21);
    const z1 = rng.normal(), z2 = rng.normal();
    const y1 = x1 + l11 * z1, y2 = x2 + l21 * z1 + l22 * z2;
    const ey = bananaEnergy(y1, y2);
    if (rng.uniform() < Math.exp(Math.min(0.0, e - ey))) { x1 = y1; x2 = y2; e = ey; }
    // Welford update with the new state.
    n++;
    const d1 = x1 - m1, d2 = x2 - m2;
    m1 += d1 / n; m2 += d2 / n;
    s11 += d1 * (x1 - m1); s12 += d1 * (x2 - m2); s22 += d2 * (x2 - m2);
    sum += x1 + x2;
  }
  return sum;
}

// The same work as `core::sampler::bench_population` for the population samplers on the
// banana: `nIter` iterations; returns the sum of all members' coordinates after every
// iteration (a checksum, not comparable across RNGs). NaN for an unknown kind.
function jsPopulation(kind, nIter, seed) {
  const rng = makeRng(seed);
  if (kind === 'de_mcmc_z') return deMcmcZ(rng, nIter, 3, 30, 10, 0.1, 1e-4);
  if (kind === 'svgd') return svgd(rng, nIter, 100, 2.0, 0.05);
  if (kind === 'nested') return nested(rng, nIter, 100, 20, 10);
  return NaN;
}

// DE-MCMC-Z (ter Braak & Vrugt 2008): nChains chains share an archive Z that starts with m0
// uniform draws from [−6, 6]² and gains the chains' states every K iterations. Each chain
// proposes either x* = x + γ(z_R1 − z_R2) + e (γ = 2.38/√(2d), or 1 with probability 0.1,
// e ~ N(0, b²I)), accepted with min(1, p(x*)/p(x)), or, with probability pSnooker, a snooker
// jump along the axis through an archive point z: x* = x + γ_s((z_R1 − z_R2)·u)u with
// u = (x − z)/‖x − z‖ and γ_s ~ U[1.2, 2.2], accepted with min(1, p(x*)‖x* − z‖/(p(x)‖x − z‖)).
function deMcmcZ(rng, nIter, nChains, m0, K, pSnooker, b) {
  const cap = m0 + nChains * Math.floor(nIter / K);
  const z = new Float64Array(2 * cap);
  for (let i = 0; i < 2 * m0; i++) z[i] = -6.0 + 12.0 * rng.uniform();
  let m = m0;
  const x = new Float64Array(2 * nChains);
  for (let c = 0; c < nChains; c++) {
    x[2 * c] = z[2 * (m0 - nChains + c)];
    x[2 * c + 1] = z[2 * (m0 - nChains + c) + 1];
  }
  const gamma0 = 2.38 / Math.sqrt(4.0);
  const pick = () => Math.floor(rng.uniform() * m);
  let sum = 0.0;
  for (let it = 1; it <= nIter; it++) {
    for (let c = 0; c < nChains; c++) {
      const x1 = x[2 * c], x2 = x[2 * c + 1];
      const e = bananaEnergy(x1, x2);
      let y1, y2, logJ = 0.0;
      if (rng.uniform() < pSnooker) {
        const iz = pick();
        let r1 = pick(); while (r1 === iz) r1 = pick();
        let r2 = pick(); while (r2 === iz || r2 === r1) r2 = pick();
        const d1 = x1 - z[2 * iz], d2 = x2 - z[2 * iz + 1];
        const len = Math.hypot(d1, d2);
        if (!(len > 0)) continue;
        const u1 = d1 / len, u2 = d2 / len;
        const g = 1.2 + rng.uniform();
        const along = (z[2 * r1] - z[2 * r2]) * u1 + (z[2 * r1 + 1] - z[2 * r2 + 1]) * u2;
        y1 = x1 + g * along * u1; y2 = x2 + g * along * u2;
        logJ = Math.log(Math.hypot(y1 - z[2 * iz], y2 - z[2 * iz + 1])) - Math.log(len);
      } else {
        const r1 = pick();
        let r2 = pick(); while (r2 === r1) r2 = pick();
        const g = rng.uniform() < 0.1 ? 1.0 : gamma0;
        y1 = x1 + g * (z[2 * r1] - z[2 * r2]) + b * rng.normal();
        y2 = x2 + g * (z[2 * r1 + 1] - z[2 * r2 + 1]) + b * rng.normal();
      }
      const ey = bananaEnergy(y1, y2);
      if (rng.uniform() < Math.exp(Math.min(0.0, e - ey + logJ))) { x[2 * c] = y1; x[2 * c + 1] = y2; }
    }
    if (it % K === 0 && m + nChains <= cap) {
      for (let i = 0; i < 2 * nChains; i++) z[2 * m + i] = x[i];
      m += nChains;
    }
    for (let i = 0; i < 2 * nChains; i++) sum += x[i];
  }
  return sum;
}

// The k-th smallest of a[0..m) (Hoare's quickselect, in place).
function select(a, m, k) {
  let lo = 0, hi = m - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else return a[k];
  }
  return a[k];
}

// SVGD (Liu & Wang 2016) on the banana: n particles from N(0, s²I) move by
// x_i ← x_i + ε φ(x_i), φ(x) = (1/n) Σ_j [k(x_j, x)∇log p(x_j) + (2/h)(x − x_j)k(x_j, x)],
// k(x, x′) = exp(−‖x − x′‖²/h), h = med²/ln n with med the median pairwise distance.
function svgd(rng, nIter, n, s, eps) {
  const x = new Float64Array(2 * n), y = new Float64Array(2 * n), sc = new Float64Array(2 * n);
  const phi = new Float64Array(2 * n), d2 = new Float64Array(n * (n - 1) / 2);
  const g = new Float64Array(2);
  for (let i = 0; i < 2 * n; i++) x[i] = s * rng.normal();
  const m = n * (n - 1) / 2;
  let sum = 0.0;
  for (let it = 0; it < nIter; it++) {
    for (let i = 0; i < n; i++) {
      bananaGrad(x[2 * i], x[2 * i + 1], g);
      sc[2 * i] = -g[0]; sc[2 * i + 1] = -g[1];
    }
    let p = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const a = x[2 * i] - x[2 * j], b = x[2 * i + 1] - x[2 * j + 1];
        d2[p++] = a * a + b * b;
      }
    }
    // Median of the squared distances (mean of the middle two for an even count).
    const hiMid = select(d2, m, m >> 1);
    let med2 = hiMid;
    if (m % 2 === 0) { let lo = -Infinity; for (let q = 0; q < (m >> 1); q++) if (d2[q] > lo) lo = d2[q]; med2 = 0.5 * (lo + hiMid); }
    let h = med2 / Math.log(n);
    if (!(h > 0 && isFinite(h))) h = 1.0;
    const c = 2.0 / h;
    for (let i = 0; i < 2 * n; i++) phi[i] = sc[i];
    for (let i = 0; i < n; i++) {
      const xi0 = x[2 * i], xi1 = x[2 * i + 1], si0 = sc[2 * i], si1 = sc[2 * i + 1];
      let p0 = phi[2 * i], p1 = phi[2 * i + 1];
      for (let j = i + 1; j < n; j++) {
        const a = xi0 - x[2 * j], b = xi1 - x[2 * j + 1];
        const k = Math.exp(-(a * a + b * b) / h);
        const r = c * k;
        p0 += k * sc[2 * j] + r * a; p1 += k * sc[2 * j + 1] + r * b;
        phi[2 * j] += k * si0 - r * a; phi[2 * j + 1] += k * si1 - r * b;
      }
      phi[2 * i] = p0; phi[2 * i + 1] = p1;
    }
    for (let i = 0; i < 2 * n; i++) { y[i] = x[i] + eps * phi[i] / n; sum += y[i]; }
    x.set(y);
  }
  return sum;
}

// ln(eᵃ + eᵇ) without overflow.
function logAddExp(a, b) {
  const hi = Math.max(a, b), lo = Math.min(a, b);
  return lo === -Infinity ? hi : hi + Math.log1p(Math.exp(lo - hi));
}

// Nested sampling (Skilling 2006) on the banana with a uniform prior on [−6, 6]² and
// L = exp(−E): each iteration discards the worst live point, adds L_i w_i to Z with
// w_i = X_{i−1} − X_i, X_i = e^{−i/N}, and replaces it by a RadFriends draw (Buchner 2016):
// uniform in the union of balls of radius r around the live points (a random ball, a uniform
// point in it, kept with probability 1/covering balls), inside the box and above L_i. r is the
// bootstrap radius (largest distance from a left-out point to the nearest resampled one, over
// `rounds` resamples), recomputed every `refresh` iterations. Returns the sum of the live
// points' coordinates after every iteration.
function nested(rng, nIter, n, rounds, refresh) {
  const x = new Float64Array(2 * n), logL = new Float64Array(n);
  const chosen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = -6.0 + 12.0 * rng.uniform(); x[2 * i + 1] = -6.0 + 12.0 * rng.uniform();
    logL[i] = -bananaEnergy(x[2 * i], x[2 * i + 1]);
  }
  const radius = () => {
    let r2 = 0.0;
    for (let b = 0; b < rounds; b++) {
      chosen.fill(0);
      for (let k = 0; k < n; k++) chosen[Math.floor(rng.uniform() * n)] = 1;
      for (let i = 0; i < n; i++) {
        if (chosen[i]) continue;
        let best = Infinity;
        for (let j = 0; j < n; j++) {
          if (!chosen[j]) continue;
          const a = x[2 * i] - x[2 * j], c = x[2 * i + 1] - x[2 * j + 1];
          const d = a * a + c * c;
          if (d < best) best = d;
        }
        if (best > r2) r2 = best;
      }
    }
    const r = Math.sqrt(r2);
    return r > 0 && isFinite(r) ? r : Math.hypot(12.0, 12.0);
  };
  let r = radius();
  let logZ = -Infinity, sum = 0.0;
  const logShell = Math.log1p(-Math.exp(-1.0 / n));
  for (let it = 1; it <= nIter; it++) {
    let worst = 0;
    for (let i = 1; i < n; i++) if (logL[i] < logL[worst]) worst = i;
    const lStar = logL[worst];
    if (it > 1 && (it - 1) % refresh === 0) r = radius();
    let y0 = 0.0, y1 = 0.0, ly = -Infinity, found = false;
    for (let tries = 0; tries < 1000000 && !found; tries++) {
      const c = Math.floor(rng.uniform() * n);
      const rho = r * Math.sqrt(rng.uniform()), phi = 2.0 * Math.PI * rng.uniform();
      y0 = x[2 * c] + rho * Math.cos(phi); y1 = x[2 * c + 1] + rho * Math.sin(phi);
      let cover = 0;
      for (let j = 0; j < n; j++) {
        const a = y0 - x[2 * j], b = y1 - x[2 * j + 1];
        if (a * a + b * b < r * r) cover++;
      }
      if (rng.uniform() * Math.max(cover, 1) >= 1.0) continue;
      if (y0 < -6 || y0 > 6 || y1 < -6 || y1 > 6) continue;
      ly = -bananaEnergy(y0, y1);
      found = ly > lStar;
    }
    if (!found) return NaN;
    // Z ← Z + L_i (X_{i−1} − X_i).
    logZ = logAddExp(logZ, lStar - (it - 1) / n + logShell);
    x[2 * worst] = y0; x[2 * worst + 1] = y1; logL[worst] = ly;
    for (let i = 0; i < 2 * n; i++) sum += x[i];
  }
  return isFinite(logZ) ? sum : NaN;
}
