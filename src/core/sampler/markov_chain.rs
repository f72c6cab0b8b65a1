//! Finite-state Markov chains (lecture, "Markov Chain").
//!
//! States `0 … n−1`; the transition matrix is row-stochastic: `T_ij = T(s_i → s_j) = P(s_j | s_i)`,
//! stored row-major. A distribution over states is a row vector, and one step is
//! `π_{t+1} = π_t T`, i.e. `π_{t+1}(j) = Σ_i π_t(i) T_ij`. (The slide writes `π_{t+1} = T π_t`;
//! with its own convention `T_ij = P(s_j | s_i)` that product would need `Tᵀ`, so we use the
//! row-vector form.)
//!
//! - Stationary distribution: `π = π T`, found by power iteration on the lazy chain
//!   `(I + T)/2` (same stationary distribution, but it also converges for periodic chains) or
//!   by a linear solve.
//! - Detailed balance `π(s) T(s → s′) = π(s′) T(s′ → s)` is sufficient for stationarity.
//! - Ergodicity here means irreducible (every state reachable from every state) and aperiodic
//!   (period 1); then the stationary distribution is unique and `π_t → π` from any start.
//!   (The slide's garbled condition is the textbook `T(z → z′) ≥ δ p(z′)` minorisation, a
//!   stronger sufficient condition.)

use super::{SamplerError, SamplerError as E};
use crate::rng::Rng;

/// Largest number of states.
pub const MAX_STATES: usize = 1024;

/// A finite-state Markov chain with a row-stochastic transition matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkovChain {
    n: usize,
    t: Vec<f64>,
}

impl MarkovChain {
    /// From `n` (1 to 1024) and the row-major `n×n` matrix `T_ij = P(s_j | s_i)`: entries
    /// finite and ≥ 0, each row summing to 1 within 1e-9 (rows are then renormalised exactly).
    pub fn new(n: usize, mut t: Vec<f64>) -> Result<Self, SamplerError> {
        if n == 0 || n > MAX_STATES {
            return Err(E::Length {
                what: "number of states (1 to 1024)",
                expected: MAX_STATES,
                got: n,
            });
        }
        if t.len() != n * n {
            return Err(E::Length {
                what: "transition matrix (n·n entries)",
                expected: n * n,
                got: t.len(),
            });
        }
        for (i, row) in t.chunks_exact_mut(n).enumerate() {
            if let Some(&bad) = row.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                return Err(E::NotStochastic { row: i, value: bad });
            }
            let s: f64 = row.iter().sum();
            if (s - 1.0).abs() > 1e-9 {
                return Err(E::NotStochastic { row: i, value: s });
            }
            for v in row.iter_mut() {
                *v /= s;
            }
        }
        Ok(Self { n, t })
    }

    /// The Metropolis–Hastings chain for a discrete target `p` (weights ≥ 0, not all zero,
    /// normalised here) with proposal matrix `q` (row-stochastic, `q_ij = q(s_i → s_j)`):
    /// `T_ij = q_ij · min(1, p_j q_ji / (p_i q_ij))` for `j ≠ i`, and the rejected mass stays on
    /// the diagonal. It satisfies detailed balance with respect to `p` exactly.
    pub fn metropolis_hastings(p: &[f64], q: &MarkovChain) -> Result<Self, SamplerError> {
        let n = q.n;
        if p.len() != n {
            return Err(E::Length {
                what: "target distribution",
                expected: n,
                got: p.len(),
            });
        }
        let total: f64 = p.iter().sum();
        if p.iter().any(|v| !(v.is_finite() && *v >= 0.0)) || !(total > 0.0 && total.is_finite()) {
            return Err(E::NotPositive {
                what: "target weights (≥ 0, not all zero)",
                value: total,
            });
        }
        let mut t = vec![0.0; n * n];
        for i in 0..n {
            let mut stay = 1.0;
            for j in (0..n).filter(|&j| j != i) {
                let qij = q.t[i * n + j];
                if qij == 0.0 {
                    continue;
                }
                // α = min(1, p(s′) q(s′→s) / (p(s) q(s→s′))); from p_i = 0 always move.
                let a = if p[i] == 0.0 {
                    1.0
                } else {
                    (p[j] * q.t[j * n + i] / (p[i] * qij)).min(1.0)
                };
                t[i * n + j] = qij * a;
                stay -= qij * a;
            }
            t[i * n + i] = stay.max(0.0);
        }
        Self::new(n, t)
    }

    /// Number of states.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The matrix, row-major.
    pub fn matrix(&self) -> &[f64] {
        &self.t
    }

    /// `T(s_i → s_j)` (0 out of range).
    pub fn transition(&self, i: usize, j: usize) -> f64 {
        if i < self.n && j < self.n {
            self.t[i * self.n + j]
        } else {
            0.0
        }
    }

    fn check_len(&self, what: &'static str, v: &[f64]) -> Result<(), SamplerError> {
        if v.len() == self.n {
            Ok(())
        } else {
            Err(E::Length {
                what,
                expected: self.n,
                got: v.len(),
            })
        }
    }

    /// One step of the distribution: `out = π T` (`out(j) = Σ_i π(i) T_ij`). No allocation.
    pub fn propagate(&self, pi: &[f64], out: &mut [f64]) -> Result<(), SamplerError> {
        self.check_len("distribution π", pi)?;
        self.check_len("output distribution", out)?;
        out.fill(0.0);
        for (i, &pii) in pi.iter().enumerate() {
            let row = &self.t[i * self.n..(i + 1) * self.n];
            for (o, &tij) in out.iter_mut().zip(row) {
                // π_{t+1}(j) += π_t(i) T_ij.
                *o += pii * tij;
            }
        }
        Ok(())
    }

    /// Power iteration on the lazy chain `(I + T)/2` from the uniform distribution until the
    /// L1 change is below `tol` (> 0) or `max_iter` steps. Writes π into `out` and uses
    /// `scratch` (both length n); returns the iterations used, or `Err` if it did not converge.
    /// For a reducible chain the limit depends on the start (it is one of many stationary
    /// distributions).
    pub fn stationary_power(
        &self,
        tol: f64,
        max_iter: usize,
        out: &mut [f64],
        scratch: &mut [f64],
    ) -> Result<usize, SamplerError> {
        self.check_len("output distribution", out)?;
        self.check_len("scratch buffer", scratch)?;
        let tol = super::check_positive("tolerance", tol)?;
        out.fill(1.0 / self.n as f64);
        for it in 1..=max_iter {
            self.propagate(out, scratch)?;
            let mut change = 0.0;
            for (o, s) in out.iter_mut().zip(scratch.iter()) {
                // Lazy step: π ← (π + π T)/2.
                let v = 0.5 * (*o + s);
                change += (v - *o).abs();
                *o = v;
            }
            if change < tol {
                return Ok(it);
            }
        }
        Err(E::OutOfRange {
            what: "power iteration (did not converge; iterations used)",
            value: max_iter as f64,
            allowed: "enough to converge: raise max_iter",
        })
    }

    /// The stationary distribution by solving `π (T − I) = 0`, `Σ π = 1` (Gaussian elimination
    /// with partial pivoting, O(n³), allocates n² numbers). `Err` if it is not unique
    /// (reducible chain).
    pub fn stationary_solve(&self) -> Result<Vec<f64>, SamplerError> {
        let n = self.n;
        // Rows of A are the equations Σ_i π_i (T_ij − δ_ij) = 0 for j < n−1, plus Σ π_i = 1.
        let mut a = vec![0.0; n * (n + 1)];
        let w = n + 1;
        for j in 0..n - 1 {
            for i in 0..n {
                a[j * w + i] = self.t[i * n + j] - if i == j { 1.0 } else { 0.0 };
            }
        }
        for i in 0..n {
            a[(n - 1) * w + i] = 1.0;
        }
        a[(n - 1) * w + n] = 1.0;
        for col in 0..n {
            let piv = (col..n)
                .max_by(|&r, &s| a[r * w + col].abs().total_cmp(&a[s * w + col].abs()))
                .unwrap_or(col);
            if a[piv * w + col].abs() < 1e-12 {
                return Err(E::OutOfRange {
                    what: "stationary distribution uniqueness (pivot)",
                    value: a[piv * w + col],
                    allowed: "non-zero: the chain must be irreducible",
                });
            }
            for k in 0..w {
                a.swap(col * w + k, piv * w + k);
            }
            for r in 0..n {
                if r != col {
                    let f = a[r * w + col] / a[col * w + col];
                    if f != 0.0 {
                        for k in col..w {
                            a[r * w + k] -= f * a[col * w + k];
                        }
                    }
                }
            }
        }
        Ok((0..n).map(|i| a[i * w + n] / a[i * w + i]).collect())
    }

    /// Largest violation of detailed balance, `max_{i,j} |π_i T_ij − π_j T_ji|`.
    pub fn detailed_balance_violation(&self, pi: &[f64]) -> Result<f64, SamplerError> {
        self.check_len("distribution π", pi)?;
        let n = self.n;
        let mut worst = 0.0f64;
        for i in 0..n {
            for j in 0..i {
                // π(s) T(s → s′) = π(s′) T(s′ → s).
                worst = worst.max((pi[i] * self.t[i * n + j] - pi[j] * self.t[j * n + i]).abs());
            }
        }
        Ok(worst)
    }

    /// Whether `π` satisfies detailed balance within `tol`.
    pub fn satisfies_detailed_balance(&self, pi: &[f64], tol: f64) -> bool {
        self.detailed_balance_violation(pi).is_ok_and(|v| v <= tol)
    }

    /// States reachable from `start` following edges `T_ij > 0` (or reversed edges).
    fn reachable(&self, start: usize, reverse: bool) -> Vec<bool> {
        let n = self.n;
        let mut seen = vec![false; n];
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            for (j, sj) in seen.iter_mut().enumerate() {
                let edge = if reverse {
                    self.t[j * n + i]
                } else {
                    self.t[i * n + j]
                };
                if edge > 0.0 && !*sj {
                    *sj = true;
                    stack.push(j);
                }
            }
        }
        seen
    }

    /// Every state can reach every other with positive probability (strongly connected).
    pub fn is_irreducible(&self) -> bool {
        self.reachable(0, false).iter().all(|&b| b) && self.reachable(0, true).iter().all(|&b| b)
    }

    /// The period `gcd{k : (T^k)_ii > 0}` of an irreducible chain (the same for every state),
    /// or `None` if the chain is reducible. Computed from breadth-first levels: the gcd of
    /// `level(i) + 1 − level(j)` over all edges `i → j`.
    pub fn period(&self) -> Option<usize> {
        if !self.is_irreducible() {
            return None;
        }
        let n = self.n;
        let mut level = vec![usize::MAX; n];
        let mut queue = std::collections::VecDeque::from([0usize]);
        level[0] = 0;
        while let Some(i) = queue.pop_front() {
            for j in 0..n {
                if self.t[i * n + j] > 0.0 && level[j] == usize::MAX {
                    level[j] = level[i] + 1;
                    queue.push_back(j);
                }
            }
        }
        let gcd = |mut a: usize, mut b: usize| {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        };
        let mut g = 0;
        for i in 0..n {
            for j in 0..n {
                if self.t[i * n + j] > 0.0 {
                    g = gcd(g, (level[i] + 1).abs_diff(level[j]));
                }
            }
        }
        Some(g)
    }

    /// Irreducible and aperiodic: a unique stationary distribution that `π_t` converges to.
    pub fn is_ergodic(&self) -> bool {
        self.period() == Some(1)
    }

    /// One simulated transition from state `s` (inverse CDF on row s). `s` is clamped to the
    /// state range.
    pub fn step_state(&self, s: usize, rng: &mut Rng) -> usize {
        let s = s.min(self.n - 1);
        let u = rng.uniform();
        let row = &self.t[s * self.n..(s + 1) * self.n];
        let mut acc = 0.0;
        for (j, &p) in row.iter().enumerate() {
            acc += p;
            if u < acc {
                return j;
            }
        }
        // Rounding left a sliver: the last state with positive probability.
        row.iter().rposition(|&p| p > 0.0).unwrap_or(s)
    }

    /// Simulates `steps` transitions from `start`, adding the visits to `counts` (length n);
    /// returns the final state.
    pub fn simulate(
        &self,
        start: usize,
        steps: usize,
        rng: &mut Rng,
        counts: &mut [u64],
    ) -> Result<usize, SamplerError> {
        if counts.len() != self.n {
            return Err(E::Length {
                what: "visit counts",
                expected: self.n,
                got: counts.len(),
            });
        }
        let mut s = start.min(self.n - 1);
        for _ in 0..steps {
            s = self.step_state(s, rng);
            counts[s] += 1;
        }
        Ok(s)
    }

    /// An ergodic example: a 3-state "weather" chain (sunny, cloudy, rainy) with all
    /// transitions possible. Stationary distribution (7, 6, 5)/18.
    pub fn example_ergodic() -> Self {
        Self {
            n: 3,
            t: vec![0.6, 0.3, 0.1, 0.3, 0.4, 0.3, 0.2, 0.3, 0.5],
        }
    }

    /// A periodic example: the 3-cycle 0 → 1 → 2 → 0 (the lecture's "1.0" arrows).
    /// Irreducible with period 3: uniform is stationary but `π_t` rotates forever.
    pub fn example_periodic() -> Self {
        Self {
            n: 3,
            t: vec![0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0],
        }
    }

    /// A reducible example: states {0, 1} and {2, 3} never communicate, so every mixture of
    /// the two blocks' stationary distributions is stationary.
    pub fn example_reducible() -> Self {
        Self {
            n: 4,
            t: vec![
                0.5, 0.5, 0.0, 0.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.1, 0.9, 0.0, 0.0, 0.9, 0.1,
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stationary_distribution_by_both_methods() {
        let c = MarkovChain::example_ergodic();
        let exact = [7.0 / 18.0, 6.0 / 18.0, 5.0 / 18.0];
        let s = c.stationary_solve().expect("unique");
        let (mut p, mut scratch) = ([0.0; 3], [0.0; 3]);
        c.stationary_power(1e-14, 10_000, &mut p, &mut scratch)
            .expect("converges");
        for k in 0..3 {
            assert!((s[k] - exact[k]).abs() < 1e-12, "{s:?}");
            assert!((p[k] - exact[k]).abs() < 1e-12, "{p:?}");
        }
        // π T = π.
        let mut out = [0.0; 3];
        c.propagate(&exact, &mut out).expect("lengths");
        assert!(out.iter().zip(exact).all(|(a, b)| (a - b).abs() < 1e-15));
    }

    #[test]
    fn ergodicity_and_period() {
        assert!(MarkovChain::example_ergodic().is_ergodic());
        let per = MarkovChain::example_periodic();
        assert_eq!(per.period(), Some(3));
        assert!(per.is_irreducible() && !per.is_ergodic());
        // Plain iteration never converges from a point mass: it cycles with period 3.
        let (mut a, mut b) = ([1.0, 0.0, 0.0], [0.0; 3]);
        for _ in 0..3 {
            per.propagate(&a, &mut b).expect("lengths");
            a = b;
        }
        assert_eq!(a, [1.0, 0.0, 0.0]);
        // The lazy power iteration still finds the stationary (uniform) distribution.
        let (mut p, mut s) = ([0.0; 3], [0.0; 3]);
        per.stationary_power(1e-14, 10_000, &mut p, &mut s)
            .expect("lazy chain converges");
        assert!(p.iter().all(|v| (v - 1.0 / 3.0).abs() < 1e-12));
        let red = MarkovChain::example_reducible();
        assert!(!red.is_irreducible() && red.period().is_none() && !red.is_ergodic());
        assert!(red.stationary_solve().is_err());
        // Both block distributions are stationary.
        let mut out = [0.0; 4];
        red.propagate(&[0.5, 0.5, 0.0, 0.0], &mut out)
            .expect("lengths");
        assert_eq!(out, [0.5, 0.5, 0.0, 0.0]);
    }

    #[test]
    fn metropolis_hastings_chain_satisfies_detailed_balance_exactly() {
        let p = [0.1, 0.4, 0.2, 0.3];
        // An asymmetric proposal: mostly "move right" on a ring of 4 states.
        let q = MarkovChain::new(
            4,
            vec![
                0.1, 0.7, 0.1, 0.1, 0.1, 0.1, 0.7, 0.1, 0.1, 0.1, 0.1, 0.7, 0.7, 0.1, 0.1, 0.1,
            ],
        )
        .expect("stochastic");
        let mh = MarkovChain::metropolis_hastings(&p, &q).expect("valid");
        assert!(mh.satisfies_detailed_balance(&p, 1e-15));
        let s = mh.stationary_solve().expect("unique");
        assert!(s.iter().zip(p).all(|(a, b)| (a - b).abs() < 1e-12));
        // Dropping the Hastings ratio (α = min(1, p_j/p_i)) breaks stationarity here.
        let mut t = vec![0.0; 16];
        for i in 0..4 {
            let mut stay = 1.0;
            for j in (0..4).filter(|&j| j != i) {
                let m = q.transition(i, j) * (p[j] / p[i]).min(1.0);
                t[i * 4 + j] = m;
                stay -= m;
            }
            t[i * 4 + i] = stay;
        }
        let wrong = MarkovChain::new(4, t).expect("stochastic");
        assert!(!wrong.satisfies_detailed_balance(&p, 1e-3));
        let s = wrong.stationary_solve().expect("unique");
        assert!(s.iter().zip(p).any(|(a, b)| (a - b).abs() > 0.02), "{s:?}");
    }

    #[test]
    fn simulated_frequencies_approach_the_stationary_distribution() {
        let c = MarkovChain::example_ergodic();
        let mut rng = Rng::new(5);
        let mut counts = [0u64; 3];
        let n = 200_000;
        c.simulate(0, n, &mut rng, &mut counts).expect("lengths");
        let exact = [7.0 / 18.0, 6.0 / 18.0, 5.0 / 18.0];
        for k in 0..3 {
            // Generous: the chain is correlated (τ ≈ 2), sd ≈ √(2·0.25/n) ≈ 1.6e-3.
            assert!((counts[k] as f64 / n as f64 - exact[k]).abs() < 0.01);
        }
    }

    #[test]
    fn rejects_bad_matrices() {
        assert!(MarkovChain::new(0, vec![]).is_err());
        assert!(MarkovChain::new(2, vec![1.0, 0.0, 0.5]).is_err());
        assert!(MarkovChain::new(2, vec![1.0, 0.0, 0.6, 0.6]).is_err());
        assert!(MarkovChain::new(2, vec![1.5, -0.5, 0.5, 0.5]).is_err());
        assert!(MarkovChain::new(2, vec![f64::NAN, 1.0, 0.5, 0.5]).is_err());
        let e = MarkovChain::new(2, vec![1.0, 0.0, 0.6, 0.6]).expect_err("bad row");
        assert!(e.to_string().contains("row 1"));
    }
}
