//! Exact enumeration of all `2ᴺ` states of a small network (`N ≤ 16`): the Boltzmann
//! distribution `P(y) = exp(−E(y)/T) / Z`, `log Z`, the moments `⟨yᵢ⟩` and `⟨yᵢyⱼ⟩`, visible
//! marginals and log-likelihoods — the ground truth that samplers and learning are tested against.
//!
//! Conventions: spins `±1`, `k = 1`, `E(y) = −½ yᵀWy − bᵀy`. State `s ∈ 0..2ᴺ` has bit `i` set
//! iff neuron `i` is `+1` ([`state_index`]). With hidden units, visible neurons are `0..n_v`,
//! so the visible index of a state is its low `n_v` bits. Energies are enumerated in Gray-code
//! order (one flip, O(N), per state) and normalised with log-sum-exp, so no `exp` overflows
//! however large `|E|/T` is.

use super::{check_patterns, BoltzmannError, Network, Temperature};

/// Largest network that exact enumeration accepts (`2¹⁶ = 65 536` states).
pub const MAX_EXACT_NEURONS: usize = 16;

fn check_size(n: usize) -> Result<(), BoltzmannError> {
    if n == 0 || n > MAX_EXACT_NEURONS {
        return Err(BoltzmannError::TooLarge {
            n,
            max: MAX_EXACT_NEURONS,
        });
    }
    Ok(())
}

/// The index of state `y` (bit `i` set iff `yᵢ = +1`). Errors if `y` has more than
/// [`MAX_EXACT_NEURONS`] entries.
pub fn state_index(y: &[i8]) -> Result<usize, BoltzmannError> {
    check_size(y.len().max(1))?;
    Ok(index_unchecked(y))
}

#[inline]
fn index_unchecked(y: &[i8]) -> usize {
    y.iter()
        .enumerate()
        .fold(0usize, |s, (i, &v)| s | (usize::from(v > 0) << i))
}

/// Writes the spins of state `index` into `out` (neuron `i` is `+1` iff bit `i` is set; bits
/// beyond `out.len()` are ignored).
pub fn state_from_index(index: usize, out: &mut [i8]) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = if (index >> i) & 1 == 1 { 1 } else { -1 };
    }
}

/// Writes `E(y)` of every state `y` (by index) into `out` (length `2ᴺ`), walking the states in
/// Gray-code order so that each costs one flip: `ΔE = 2 yᵢ hᵢ`, then `hⱼ += 2 yᵢ' wᵢⱼ`.
/// Errors if `N > 16` or `out` has the wrong length.
pub fn enumerate_energies(net: &Network, out: &mut [f64]) -> Result<(), BoltzmannError> {
    let n = net.n();
    check_size(n)?;
    if out.len() != 1 << n {
        return Err(BoltzmannError::Shape {
            what: "energy table",
            expected: 1 << n,
            got: out.len(),
        });
    }
    // Start at index 0: every neuron −1. Fields in f64: h = W y + b.
    let mut y = [-1i8; MAX_EXACT_NEURONS];
    let mut h = [0f64; MAX_EXACT_NEURONS];
    for (i, hi) in h.iter_mut().enumerate().take(n) {
        let row = net.row(i);
        *hi = f64::from(net.bias()[i]) - row.iter().map(|&w| f64::from(w)).sum::<f64>();
    }
    let mut e = net.energy(&y[..n]);
    out[0] = e;
    for k in 1usize..(1 << n) {
        // Gray code g(k) = k ⊕ (k >> 1) differs from g(k−1) in bit trailing_zeros(k).
        let i = k.trailing_zeros() as usize;
        e += 2.0 * f64::from(y[i]) * h[i]; // ΔE of flipping i = 2 yᵢ hᵢ
        y[i] = -y[i];
        let s = 2.0 * f64::from(y[i]);
        for (hj, &w) in h.iter_mut().zip(net.row(i)) {
            *hj += s * f64::from(w); // hⱼ += 2 yᵢ(new) wᵢⱼ
        }
        out[k ^ (k >> 1)] = e;
    }
    Ok(())
}

/// The minimum energy and every state that attains it (within `1e-9·(1 + |E|)`), by enumeration.
/// Errors if `N > 16`. Allocates the `2ᴺ` energy table (not for hot loops).
pub fn ground_states(net: &Network) -> Result<(f64, Vec<usize>), BoltzmannError> {
    check_size(net.n())?;
    let mut e = vec![0.0; 1 << net.n()];
    enumerate_energies(net, &mut e)?;
    let min = e.iter().copied().fold(f64::INFINITY, f64::min);
    let tol = 1e-9 * (1.0 + min.abs());
    let states = (0..e.len()).filter(|&s| e[s] <= min + tol).collect();
    Ok((min, states))
}

/// The `T → 0` limit of the Boltzmann distribution over the states whose energies are `energies`
/// (by index): `P₀(y) = 1/G` on the `G` states of minimum energy (within `1e-9·(1 + |E|)`, as in
/// [`ground_states`]) and 0 elsewhere, written into `out` (same length). Returns `G`. Errors if
/// the lengths differ, the table is empty or an energy is not finite.
pub fn zero_temperature_limit(energies: &[f64], out: &mut [f64]) -> Result<usize, BoltzmannError> {
    if out.len() != energies.len() || energies.is_empty() {
        return Err(BoltzmannError::Shape {
            what: "zero-temperature table",
            expected: energies.len().max(1),
            got: out.len(),
        });
    }
    if let Some(i) = energies.iter().position(|e| !e.is_finite()) {
        return Err(BoltzmannError::Parameter {
            name: "energy",
            value: energies[i],
            rule: "finite",
        });
    }
    let min = energies.iter().copied().fold(f64::INFINITY, f64::min);
    let tol = 1e-9 * (1.0 + min.abs());
    let g = energies.iter().filter(|&&e| e <= min + tol).count();
    // P₀(y) = I[E(y) = E_min] / G: the limit of exp(−E/T)/Z as T → 0.
    for (o, &e) in out.iter_mut().zip(energies) {
        *o = if e <= min + tol { 1.0 / g as f64 } else { 0.0 };
    }
    Ok(g)
}

/// `log Σ exp(xᵢ)` computed stably as `m + log Σ exp(xᵢ − m)`, `m = max xᵢ`.
fn log_sum_exp(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = xs.clone().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + xs.map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// The exact Boltzmann distribution of a network with `N ≤ 16` at a temperature `0 < T < ∞`:
/// all `2ᴺ` energies and probabilities, `log Z`, `⟨yᵢ⟩`, `⟨yᵢyⱼ⟩`, the entropy, mean energy and
/// free energy. Buffers are allocated by
/// [`ExactBoltzmann::new`]; [`ExactBoltzmann::compute`] refreshes them after the weights changed
/// without allocating.
#[derive(Clone, Debug)]
pub struct ExactBoltzmann {
    n: usize,
    t: f64,
    energies: Vec<f64>,
    log_probs: Vec<f64>,
    probs: Vec<f64>,
    log_z: f64,
    mean: Vec<f64>,
    corr: Vec<f64>,
    mean_energy: f64,
    entropy: f64,
}

impl ExactBoltzmann {
    /// Enumerates `net` (N ≤ 16) at temperature `t` (must be finite and > 0).
    pub fn new(net: &Network, t: Temperature) -> Result<Self, BoltzmannError> {
        let n = net.n();
        check_size(n)?;
        let states = 1 << n;
        let mut me = Self {
            n,
            t: 1.0,
            energies: vec![0.0; states],
            log_probs: vec![0.0; states],
            probs: vec![0.0; states],
            log_z: 0.0,
            mean: vec![0.0; n],
            corr: vec![0.0; n * n],
            mean_energy: 0.0,
            entropy: 0.0,
        };
        me.compute(net, t)?;
        Ok(me)
    }

    /// Recomputes everything for `net` (same N as at construction) at temperature `t`
    /// (finite, > 0). O(2ᴺ N²) time, no allocation.
    pub fn compute(&mut self, net: &Network, t: Temperature) -> Result<(), BoltzmannError> {
        if net.n() != self.n {
            return Err(BoltzmannError::Shape {
                what: "network",
                expected: self.n,
                got: net.n(),
            });
        }
        let tv = t.value();
        if !(tv > 0.0 && tv.is_finite()) {
            return Err(BoltzmannError::Temperature {
                value: tv,
                rule: "> 0 and finite for exact enumeration",
            });
        }
        self.t = tv;
        enumerate_energies(net, &mut self.energies)?;
        // log Z = log Σ_y exp(−E(y)/T) = m + log Σ_y exp(−E(y)/T − m), m = max −E/T = −E_min/T.
        let e_min = self.energies.iter().copied().fold(f64::INFINITY, f64::min);
        let m = -e_min / tv;
        let log_s = self
            .energies
            .iter()
            .map(|&e| (-e / tv - m).exp())
            .sum::<f64>()
            .ln();
        self.log_z = m + log_s;
        for ((lp, p), &e) in self
            .log_probs
            .iter_mut()
            .zip(self.probs.iter_mut())
            .zip(&self.energies)
        {
            // log P(y) = −E(y)/T − log Z, formed as (E_min − E(y))/T − log S so that no two
            // large numbers cancel when |E|/T is huge.
            *lp = (e_min - e) / tv - log_s;
            *p = lp.exp();
        }
        // U = Σ P(y) E(y),  H = −Σ P(y) log P(y) (a state whose P underflows adds 0·finite).
        self.mean_energy = self
            .probs
            .iter()
            .zip(&self.energies)
            .map(|(p, e)| p * e)
            .sum();
        self.entropy = -self
            .probs
            .iter()
            .zip(&self.log_probs)
            .map(|(p, lp)| p * lp)
            .sum::<f64>();
        let n = self.n;
        self.mean.fill(0.0);
        self.corr.fill(0.0);
        let mut y = [0f64; MAX_EXACT_NEURONS];
        for (s, &p) in self.probs.iter().enumerate() {
            for (i, yi) in y.iter_mut().enumerate().take(n) {
                *yi = if (s >> i) & 1 == 1 { 1.0 } else { -1.0 };
            }
            for i in 0..n {
                self.mean[i] += p * y[i]; // ⟨yᵢ⟩ = Σ_y P(y) yᵢ
                let pyi = p * y[i];
                let row = &mut self.corr[i * n..(i + 1) * n];
                for j in (i + 1)..n {
                    row[j] += pyi * y[j]; // ⟨yᵢyⱼ⟩ = Σ_y P(y) yᵢ yⱼ
                }
            }
        }
        for i in 0..n {
            self.corr[i * n + i] = 1.0; // yᵢ² = 1
            for j in (i + 1)..n {
                self.corr[j * n + i] = self.corr[i * n + j];
            }
        }
        Ok(())
    }

    /// Number of neurons N.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The temperature used.
    pub fn temperature(&self) -> f64 {
        self.t
    }

    /// `E(y)` for every state, by index.
    pub fn energies(&self) -> &[f64] {
        &self.energies
    }

    /// `P(y)` for every state, by index (sums to 1).
    pub fn probabilities(&self) -> &[f64] {
        &self.probs
    }

    /// `log P(y)` for every state, by index (finite even where `P(y)` underflows to 0).
    pub fn log_probabilities(&self) -> &[f64] {
        &self.log_probs
    }

    /// `log Z = log Σ_y exp(−E(y)/T)`.
    pub fn log_z(&self) -> f64 {
        self.log_z
    }

    /// `Z` (may overflow to `+∞` for large `|E|/T`; prefer [`ExactBoltzmann::log_z`]).
    pub fn z(&self) -> f64 {
        self.log_z.exp()
    }

    /// The entropy `H = −Σ_y P(y) log P(y)` in nats (`k = 1`), between 0 and `N ln 2`.
    pub fn entropy(&self) -> f64 {
        self.entropy
    }

    /// The mean (internal) energy `U = ⟨E⟩ = Σ_y P(y) E(y)`.
    pub fn mean_energy(&self) -> f64 {
        self.mean_energy
    }

    /// The Helmholtz free energy `F = −T log Z = U − T H` (lecture, "The Helmholtz Free Energy":
    /// `F_T = Σ P E + kT Σ P log P`, minimised by the Boltzmann distribution).
    pub fn free_energy(&self) -> f64 {
        -self.t * self.log_z
    }

    /// `⟨yᵢ⟩`, length N.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// `⟨yᵢyⱼ⟩`, row-major N×N (diagonal 1), ready for a heatmap.
    pub fn correlations(&self) -> &[f64] {
        &self.corr
    }

    fn check_visible(&self, n_v: usize) -> Result<(), BoltzmannError> {
        if n_v == 0 || n_v > self.n {
            return Err(BoltzmannError::Parameter {
                name: "number of visible neurons",
                value: n_v as f64,
                rule: "in 1..=N",
            });
        }
        Ok(())
    }

    /// `log P(v) = log Σ_h P(v, h)` of the visible state with index `v` (low `n_v` bits), by
    /// log-sum-exp over the `2^{N−n_v}` hidden states.
    fn log_marginal_index(&self, v: usize, n_v: usize) -> f64 {
        let n_h = self.n - n_v;
        let lp = &self.log_probs;
        log_sum_exp((0..1usize << n_h).map(move |h| lp[v | (h << n_v)]))
    }

    /// Writes `log P(v)` for every visible state `v` (index over the first `n_v` neurons) into
    /// `out` (length `2^{n_v}`). With `n_v = N` this is [`ExactBoltzmann::log_probabilities`].
    pub fn log_marginal_visible(&self, n_v: usize, out: &mut [f64]) -> Result<(), BoltzmannError> {
        self.check_visible(n_v)?;
        if out.len() != 1 << n_v {
            return Err(BoltzmannError::Shape {
                what: "marginal table",
                expected: 1 << n_v,
                got: out.len(),
            });
        }
        for (v, o) in out.iter_mut().enumerate() {
            *o = self.log_marginal_index(v, n_v);
        }
        Ok(())
    }

    /// The exact average log-likelihood `L = (1/N_P) Σ_{v∈P} log P(v)` of a data set of `±1`
    /// visible patterns (flat, `n_v` entries each; the lecture's objective). No allocation.
    pub fn log_likelihood(&self, data: &[i8], n_v: usize) -> Result<f64, BoltzmannError> {
        self.check_visible(n_v)?;
        let np = check_patterns(data, n_v)?;
        let total: f64 = data
            .chunks_exact(n_v)
            .map(|v| self.log_marginal_index(index_unchecked(v), n_v))
            .sum();
        Ok(total / np as f64)
    }

    /// The exact data (clamped) moments: `⟨yᵢ⟩_data` and `⟨yᵢyⱼ⟩_data = (1/N_P) Σ_{v∈P}
    /// E_{h∼P(h|v)}[yᵢyⱼ]` (lecture, "Boltzmann Machine with Hidden Neurons"; with no hidden units
    /// simply the data averages). Together with [`ExactBoltzmann::mean`] and
    /// [`ExactBoltzmann::correlations`] this gives the exact gradient of [`log_likelihood`] at
    /// `T = 1`: `∂L/∂wᵢⱼ = ⟨yᵢyⱼ⟩_data − ⟨yᵢyⱼ⟩_model`, `∂L/∂bᵢ = ⟨yᵢ⟩_data − ⟨yᵢ⟩_model`.
    ///
    /// [`log_likelihood`]: ExactBoltzmann::log_likelihood
    pub fn data_moments(
        &self,
        data: &[i8],
        n_v: usize,
        mean_out: &mut [f64],
        corr_out: &mut [f64],
    ) -> Result<(), BoltzmannError> {
        self.check_visible(n_v)?;
        let np = check_patterns(data, n_v)?;
        let n = self.n;
        if mean_out.len() != n || corr_out.len() != n * n {
            return Err(BoltzmannError::Shape {
                what: "moment buffers (N and N×N)",
                expected: n,
                got: mean_out.len(),
            });
        }
        mean_out.fill(0.0);
        corr_out.fill(0.0);
        let n_h = n - n_v;
        let mut y = [0f64; MAX_EXACT_NEURONS];
        for v in data.chunks_exact(n_v) {
            let vi = index_unchecked(v);
            // P(h | v) = P(v, h) / P(v): log P(v, h) − log P(v).
            let log_pv = self.log_marginal_index(vi, n_v);
            for hid in 0..1usize << n_h {
                let s = vi | (hid << n_v);
                let w = (self.log_probs[s] - log_pv).exp() / np as f64;
                for (i, yi) in y.iter_mut().enumerate().take(n) {
                    *yi = if (s >> i) & 1 == 1 { 1.0 } else { -1.0 };
                }
                for i in 0..n {
                    mean_out[i] += w * y[i];
                    for j in (i + 1)..n {
                        corr_out[i * n + j] += w * y[i] * y[j];
                    }
                }
            }
        }
        for i in 0..n {
            corr_out[i * n + i] = 1.0;
            for j in (i + 1)..n {
                corr_out[j * n + i] = corr_out[i * n + j];
            }
        }
        Ok(())
    }
}

/// Counts of sampled states by index (bit `i` set iff neuron `i` is `+1`), for comparing a
/// sampler with the exact distribution. `N ≤ 16`; recording a sample is O(N) with no allocation,
/// and [`StateHistogram::tv_distance`] is one O(2ᴺ) pass (65 536 terms at N = 16: cheap enough
/// for every animation frame).
#[derive(Clone, Debug)]
pub struct StateHistogram {
    n: usize,
    counts: Vec<u64>,
    total: u64,
}

impl StateHistogram {
    /// An empty histogram over the `2ⁿ` states of `n ≤ 16` neurons.
    pub fn new(n: usize) -> Result<Self, BoltzmannError> {
        check_size(n)?;
        Ok(Self {
            n,
            counts: vec![0; 1 << n],
            total: 0,
        })
    }

    /// Counts the state `y` (length N).
    #[inline]
    pub fn record(&mut self, y: &[i8]) -> Result<(), BoltzmannError> {
        if y.len() != self.n {
            return Err(BoltzmannError::Shape {
                what: "sample",
                expected: self.n,
                got: y.len(),
            });
        }
        self.counts[index_unchecked(y)] += 1;
        self.total += 1;
        Ok(())
    }

    /// Counts the state with index `s` (`< 2ᴺ`).
    #[inline]
    pub fn record_index(&mut self, s: usize) -> Result<(), BoltzmannError> {
        let states = self.counts.len();
        let c = self.counts.get_mut(s).ok_or(BoltzmannError::Shape {
            what: "state index (must be below 2^N)",
            expected: states,
            got: s,
        })?;
        *c += 1;
        self.total += 1;
        Ok(())
    }

    /// Number of neurons.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The counts, by state index.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Total number of samples recorded.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Empirical frequency of state `s` (0 if nothing was recorded or `s` is out of range).
    pub fn frequency(&self, s: usize) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        self.counts
            .get(s)
            .map_or(0.0, |&c| c as f64 / self.total as f64)
    }

    /// Forgets every sample.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.total = 0;
    }

    /// Total-variation distance `½ Σ_y |f(y) − p(y)|` between the empirical frequencies `f` and a
    /// distribution `p` (length `2ᴺ`). Returns 1 when no sample has been recorded.
    pub fn tv_distance(&self, p: &[f64]) -> Result<f64, BoltzmannError> {
        if p.len() != self.counts.len() {
            return Err(BoltzmannError::Shape {
                what: "distribution",
                expected: self.counts.len(),
                got: p.len(),
            });
        }
        if self.total == 0 {
            return Ok(1.0);
        }
        let inv = 1.0 / self.total as f64;
        let s: f64 = self
            .counts
            .iter()
            .zip(p)
            .map(|(&c, &q)| (c as f64 * inv - q).abs())
            .sum();
        Ok(0.5 * s)
    }

    /// Total-variation distance to an exact distribution of the same size.
    pub fn tv_to_exact(&self, exact: &ExactBoltzmann) -> Result<f64, BoltzmannError> {
        self.tv_distance(exact.probabilities())
    }

    /// Total-variation distance to the uniform distribution (the `T = ∞` limit).
    pub fn tv_to_uniform(&self) -> f64 {
        if self.total == 0 {
            return 1.0;
        }
        let u = 1.0 / self.counts.len() as f64;
        let inv = 1.0 / self.total as f64;
        0.5 * self
            .counts
            .iter()
            .map(|&c| (c as f64 * inv - u).abs())
            .sum::<f64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// N = 3: w01 = 0.5, w02 = −0.3, w12 = 0.8, b = (0.1, −0.2, 0.4), T = 1.5.
    fn net3() -> Network {
        let w = vec![0.0, 0.5, -0.3, 0.5, 0.0, 0.8, -0.3, 0.8, 0.0];
        Network::from_parts(3, w, vec![0.1, -0.2, 0.4]).expect("net")
    }

    /// E written out by hand from −Σ_{i<j} wᵢⱼ yᵢ yⱼ − Σ bᵢ yᵢ.
    fn e3(y: [f64; 3]) -> f64 {
        -(0.5f32 as f64) * y[0] * y[1]
            - (-0.3f32 as f64) * y[0] * y[2]
            - (0.8f32 as f64) * y[1] * y[2]
            - (0.1f32 as f64) * y[0]
            - (-0.2f32 as f64) * y[1]
            - (0.4f32 as f64) * y[2]
    }

    #[test]
    #[allow(clippy::needless_range_loop)] // index loops mirror the hand-written sums
    fn n3_by_hand() {
        let t = 1.5;
        let ex = ExactBoltzmann::new(&net3(), Temperature::new(t).expect("T")).expect("exact");
        // The 8 states in index order: bit i set ⇔ yᵢ = +1.
        let mut ys = [[0.0; 3]; 8];
        for (s, y) in ys.iter_mut().enumerate() {
            for (i, v) in y.iter_mut().enumerate() {
                *v = if (s >> i) & 1 == 1 { 1.0 } else { -1.0 };
            }
        }
        let z: f64 = ys.iter().map(|&y| (-e3(y) / t).exp()).sum();
        assert!((ex.log_z() - z.ln()).abs() < 1e-12);
        assert!((ex.z() - z).abs() < 1e-12 * z);
        let mut m = [0.0; 3];
        let mut c = [[0.0; 3]; 3];
        for (s, &y) in ys.iter().enumerate() {
            let p = (-e3(y) / t).exp() / z;
            assert!((ex.energies()[s] - e3(y)).abs() < 1e-12);
            assert!((ex.probabilities()[s] - p).abs() < 1e-14);
            for i in 0..3 {
                m[i] += p * y[i];
                for j in 0..3 {
                    c[i][j] += p * y[i] * y[j];
                }
            }
        }
        for i in 0..3 {
            assert!((ex.mean()[i] - m[i]).abs() < 1e-12);
            for j in 0..3 {
                assert!((ex.correlations()[i * 3 + j] - c[i][j]).abs() < 1e-12);
            }
        }
        // Marginal of the first two neurons (neuron 2 hidden): P(v) = Σ_{y2} P(v, y2).
        let mut lm = [0.0; 4];
        ex.log_marginal_visible(2, &mut lm).expect("marginal");
        for v in 0..4 {
            let pv = ex.probabilities()[v] + ex.probabilities()[v | 4];
            assert!((lm[v].exp() - pv).abs() < 1e-14);
        }
        // Log-likelihood of {(+,−), (+,+)}: mean of log P(v).
        let data = [1, -1, 1, 1];
        let ll = ex.log_likelihood(&data, 2).expect("ll");
        assert!((ll - 0.5 * (lm[1] + lm[3])).abs() < 1e-12);
        // Fully visible: the log-probability itself.
        let ll3 = ex.log_likelihood(&[-1, 1, 1], 3).expect("ll");
        assert!((ll3 - ex.probabilities()[6].ln()).abs() < 1e-12);
    }

    #[test]
    fn entropy_mean_energy_and_free_energy() {
        // H = −Σ P log P, U = Σ P E, F = −T log Z = U − T H (lecture: "The Helmholtz Free
        // Energy", F_T = Σ P E + kT Σ P log P).
        let net = net3();
        for &t in &[0.3, 1.0, 2.5] {
            let ex = ExactBoltzmann::new(&net, Temperature::new(t).expect("T")).expect("ok");
            let p = ex.probabilities();
            let h: f64 = -p
                .iter()
                .filter(|&&q| q > 0.0)
                .map(|q| q * q.ln())
                .sum::<f64>();
            let u: f64 = p.iter().zip(ex.energies()).map(|(q, e)| q * e).sum();
            assert!((ex.entropy() - h).abs() < 1e-12, "T = {t}");
            assert!((ex.mean_energy() - u).abs() < 1e-12, "T = {t}");
            assert!((ex.free_energy() + t * ex.log_z()).abs() < 1e-12);
            assert!((ex.free_energy() - (u - t * h)).abs() < 1e-9, "T = {t}");
            assert!(h > 0.0 && h < 8f64.ln());
        }
        // Huge |E|/T: every probability but the ground state's underflows; H → 0, finite.
        let mut big = Network::new(3).expect("n");
        big.set_weight(0, 1, 1e6);
        let ex = ExactBoltzmann::new(&big, Temperature::ONE).expect("ok");
        // Ground states: y₀ = y₁ (2 ways) × y₂ free (2 ways), equally likely: H = ln 4.
        assert!(ex.entropy().is_finite() && (ex.entropy() - 4f64.ln()).abs() < 1e-9);
    }

    #[test]
    fn gray_code_energies_match_direct() {
        let mut rng = Rng::new(4);
        let n = 11;
        let mut net = Network::new(n).expect("size");
        for i in 0..n {
            for j in 0..i {
                net.set_weight(i, j, rng.normal() as f32);
            }
            net.bias_mut()[i] = rng.normal() as f32;
        }
        let mut e = vec![0.0; 1 << n];
        enumerate_energies(&net, &mut e).expect("enumerate");
        let mut y = vec![0i8; n];
        for (s, &es) in e.iter().enumerate() {
            state_from_index(s, &mut y);
            assert_eq!(state_index(&y).expect("index"), s);
            assert!((es - net.energy(&y)).abs() < 1e-9, "state {s}");
        }
    }

    #[test]
    fn stable_for_huge_energies() {
        // |E|/T ≈ 10⁵: exp would overflow, log-sum-exp must not.
        let mut net = Network::new(4).expect("size");
        net.set_weight(0, 1, 1000.0);
        net.set_weight(2, 3, -1000.0);
        let ex = ExactBoltzmann::new(&net, Temperature::new(0.01).expect("T")).expect("exact");
        assert!(ex.log_z().is_finite());
        let s: f64 = ex.probabilities().iter().sum();
        assert!((s - 1.0).abs() < 1e-12, "ΣP = {s}");
        assert!((ex.correlations()[1] - 1.0).abs() < 1e-12);
        assert!((ex.correlations()[2 * 4 + 3] + 1.0).abs() < 1e-12);
        assert!(ex.log_probabilities().iter().all(|x| x.is_finite()));
    }

    #[test]
    fn exact_gradient_matches_finite_differences() {
        // L(W, b) at T = 1 with 2 hidden units; ∂L/∂θ = data (clamped) − model moments.
        let mut rng = Rng::new(21);
        let n = 5;
        let n_v = 3;
        let mut net = Network::new(n).expect("size");
        for i in 0..n {
            for j in 0..i {
                net.set_weight(i, j, (0.5 * rng.normal()) as f32);
            }
            net.bias_mut()[i] = (0.3 * rng.normal()) as f32;
        }
        let data = [1, 1, -1, -1, 1, 1, 1, -1, -1, 1, 1, -1];
        let ex = ExactBoltzmann::new(&net, Temperature::ONE).expect("exact");
        let mut dm = vec![0.0; n];
        let mut dc = vec![0.0; n * n];
        ex.data_moments(&data, n_v, &mut dm, &mut dc)
            .expect("moments");
        let ll = |net: &Network| {
            ExactBoltzmann::new(net, Temperature::ONE)
                .expect("exact")
                .log_likelihood(&data, n_v)
                .expect("ll")
        };
        let eps = 1e-2f32; // f32 weights: central differences, error O(eps²) ≈ 1e-4
        for i in 0..n {
            for j in 0..i {
                let w = net.weight(i, j);
                let mut a = net.clone();
                a.set_weight(i, j, w + eps);
                let mut b = net.clone();
                b.set_weight(i, j, w - eps);
                let fd = (ll(&a) - ll(&b)) / (2.0 * f64::from(eps));
                let g = dc[i * n + j] - ex.correlations()[i * n + j];
                assert!((fd - g).abs() < 1e-3, "w{i}{j}: fd {fd} vs {g}");
            }
            let mut a = net.clone();
            a.bias_mut()[i] += eps;
            let mut b = net.clone();
            b.bias_mut()[i] -= eps;
            let fd = (ll(&a) - ll(&b)) / (2.0 * f64::from(eps));
            let g = dm[i] - ex.mean()[i];
            assert!((fd - g).abs() < 1e-3, "b{i}: fd {fd} vs {g}");
        }
    }

    #[test]
    fn ground_states_of_ferromagnet() {
        let mut net = Network::new(4).expect("size");
        for i in 0..4 {
            for j in 0..i {
                net.set_weight(i, j, 1.0);
            }
        }
        let (e, s) = ground_states(&net).expect("gs");
        assert!((e + 6.0).abs() < 1e-12);
        assert_eq!(s, vec![0, 15]);
    }

    #[test]
    fn zero_temperature_limit_is_uniform_on_ground_states() {
        let mut net = Network::new(4).expect("size");
        for i in 0..4 {
            for j in 0..i {
                net.set_weight(i, j, 1.0);
            }
        }
        let ex = ExactBoltzmann::new(&net, Temperature::new(0.05).expect("T")).expect("exact");
        let mut p0 = vec![0.0; 16];
        let g = zero_temperature_limit(ex.energies(), &mut p0).expect("limit");
        assert_eq!(g, 2);
        assert_eq!(p0[0], 0.5);
        assert_eq!(p0[15], 0.5);
        assert_eq!(p0.iter().sum::<f64>(), 1.0);
        // At small T the exact distribution is already close to the limit.
        let tv: f64 = 0.5
            * ex.probabilities()
                .iter()
                .zip(&p0)
                .map(|(a, b)| (a - b).abs())
                .sum::<f64>();
        assert!(tv < 1e-6, "tv {tv}");
        assert!(zero_temperature_limit(ex.energies(), &mut [0.0; 3]).is_err());
        assert!(zero_temperature_limit(&[], &mut []).is_err());
        assert!(zero_temperature_limit(&[0.0, f64::NAN], &mut [0.0; 2]).is_err());
    }

    #[test]
    fn histogram_and_tv() {
        let mut h = StateHistogram::new(2).expect("hist");
        assert_eq!(h.tv_to_uniform(), 1.0);
        h.record(&[1, -1]).expect("rec"); // index 1
        h.record(&[1, 1]).expect("rec"); // index 3
        h.record_index(3).expect("rec");
        h.record_index(0).expect("rec");
        assert_eq!(h.counts(), &[1, 1, 0, 2]);
        assert!((h.frequency(3) - 0.5).abs() < 1e-12);
        let tv = h.tv_distance(&[0.25; 4]).expect("tv");
        assert!((tv - 0.25).abs() < 1e-12);
        assert!((h.tv_to_uniform() - 0.25).abs() < 1e-12);
        assert!(h.record(&[1]).is_err());
        assert!(h.record_index(4).is_err());
        assert!(h.tv_distance(&[0.5; 2]).is_err());
        h.clear();
        assert_eq!(h.total(), 0);
    }

    #[test]
    fn validation_messages() {
        let big = Network::new(17).expect("size");
        let e = ExactBoltzmann::new(&big, Temperature::ONE).expect_err("17");
        assert!(e.to_string().contains("N ≤ 16"), "{e}");
        assert!(StateHistogram::new(17).is_err());
        assert!(ground_states(&big).is_err());
        let net = net3();
        assert!(ExactBoltzmann::new(&net, Temperature::ZERO).is_err());
        assert!(ExactBoltzmann::new(&net, Temperature::INFINITE).is_err());
        let ex = ExactBoltzmann::new(&net, Temperature::ONE).expect("exact");
        let e = ex.log_likelihood(&[1, 1, 1, 1], 3).expect_err("len");
        assert!(e.to_string().contains("multiple"), "{e}");
        assert!(ex.log_likelihood(&[], 3).is_err());
        assert!(ex.log_likelihood(&[1, 0, 1], 3).is_err());
        assert!(ex.log_likelihood(&[1, 1, 1, 1], 4).is_err());
    }
}
