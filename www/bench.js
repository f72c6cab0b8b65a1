// Plain-JavaScript versions of the benchmark workloads, written the way a careful JS developer
// would (typed arrays, no allocation in the loop), so the Speed tab compares like with like.

// E(y) = −½ yᵀWy for a dense symmetric W (row-major Float32Array), y an Int8Array of ±1.
export function jsEnergy(w, y, n) {
  let pair = 0.0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let s = 0.0;
    for (let j = 0; j < i; j++) s += w[row + j] * y[j];
    pair += s * y[i];
  }
  return -pair;
}

export function now() {
  return performance.now();
}

// Asynchronous recall to a fixed point, sequential order, with incrementally kept local fields
// (the same algorithm as the Rust core): visit i = 0..N−1; y_i ← Θ(h_i) (+1 if h_i > 0 else −1);
// on a flip add 2·y_i·W[i,·] to every field. Stops after a sweep without flips (max 100 sweeps).
// w: Float32Array N×N, y0: Int8Array, h0: Float32Array of the cue's fields. Returns
// sweeps·10⁶ + flips, the same checksum as the Rust version.
export function jsRecall(w, y0, h0, n) {
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
