//! The one-shot learning rules as resumable jobs: [`Learner`] builds `W` row by row, so a caller
//! with a frame budget can run it in slices (`advance` with a "more time?" test) and show its
//! progress, while a caller without one runs it to the end ([`Learner::finish`]; the functions
//! [`hebbian`](super::hebbian), [`storkey`](super::storkey) and
//! [`pseudo_inverse`](super::pseudo_inverse) do exactly that). There is one implementation of each
//! rule: sliced or not, every weight receives the same floating-point operations in the same
//! order, so the result is bitwise the same however the work is cut (a test checks it).
//!
//! Why rows: each rule's update of row i reads only row i and vectors computed before the pass
//! (Storkey's fields g, the pseudo-inverse's `C = G⁻¹Ξᵀ`), so rows are independent units of
//! O(N·K) (Hebbian, pseudo-inverse) or O(N) (one Storkey pattern) work. At N = 64² a row is
//! 4 096 multiply-adds per pattern: well under a millisecond.

use super::learning::{check_patterns, HebbianScale, LearnError};
use super::network::{HopfieldError, Network, MAX_DENSE_NEURONS};

/// Floats of W's buffer zero-filled per unit of work (1 MiB).
pub const FILL_FLOATS: usize = 1 << 18;

/// Which one-shot rule a [`Learner`] runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OneShot {
    /// `wᵢⱼ = c Σ_p ξᵢᵖ ξⱼᵖ` (see [`hebbian`](super::hebbian)).
    Hebbian(HebbianScale),
    /// Storkey (1997), one pattern after another (see [`storkey`](super::storkey)).
    Storkey,
    /// The projection rule (see [`pseudo_inverse`](super::pseudo_inverse)).
    PseudoInverse,
}

/// A learning rule part-way through building `W`.
#[derive(Clone, Debug)]
pub struct Learner {
    rule: OneShot,
    n: usize,
    k: usize,
    /// The patterns, `K × N` row-major.
    pats: Vec<i8>,
    /// The network being built (the caller's own stays untouched until it takes this one);
    /// made once `zeros` holds N² zeros, so a job replaced before it starts costs no N² buffer.
    net: Option<Network>,
    /// W's buffer while it is being zero-filled, [`FILL_FLOATS`] per unit: the first write to
    /// fresh wasm memory is what costs (60–200 ms for 64 MiB in headless Chromium on the
    /// development machine), so it is spread over slices like the rows.
    zeros: Vec<f32>,
    /// Pass and row of the next unit of work.
    pass: usize,
    row: usize,
    /// Storkey: `gᵢ = Σ_k wᵢₖ ξₖ` of the current pattern (old weights).
    g: Vec<f32>,
    /// Pseudo-inverse: the Cholesky factor L of the Gram matrix (K × K, lower).
    l: Vec<f64>,
    /// Pseudo-inverse: `C` with row j = `G⁻¹ (ξⱼ¹…ξⱼᴷ)ᵀ` (N × K).
    c: Vec<f64>,
    /// Pseudo-inverse: the diagonal `Pᵢᵢ`, set as self-couplings at the end.
    diag: Vec<f32>,
    /// Work done and in all, in multiply-adds (for progress).
    done: u64,
    total: u64,
}

impl Learner {
    /// A job that learns `patterns` (each a ±1 vector of length `n`) with `rule` into a new
    /// network. Refuses what the rule refuses: no patterns, wrong lengths, non-spins; for the
    /// pseudo-inverse more than N patterns or linearly dependent ones (the Gram matrix is
    /// factorised here, O(K²N), before any row is written).
    pub fn new<P: AsRef<[i8]>>(
        rule: OneShot,
        n: usize,
        patterns: &[P],
    ) -> Result<Self, LearnError> {
        check_patterns(n, patterns)?;
        let k = patterns.len();
        let mut pats = Vec::with_capacity(k * n);
        for p in patterns {
            pats.extend_from_slice(p.as_ref());
        }
        let (nn, kk) = (n as u64, k as u64);
        let total = match rule {
            OneShot::Hebbian(_) => nn * nn * kk,
            OneShot::Storkey => 2 * nn * nn * kk,
            // C (N·K²) and the lower triangle of P (K·N(N − 1)/2).
            OneShot::PseudoInverse => nn * kk * kk + kk * nn * nn.saturating_sub(1) / 2,
        };
        // Refuse a size no network can have before any work (the buffer comes later).
        if n > MAX_DENSE_NEURONS {
            return Err(HopfieldError::Size {
                n,
                max: MAX_DENSE_NEURONS,
            }
            .into());
        }
        let mut job = Self {
            rule,
            n,
            k,
            pats,
            net: None,
            zeros: Vec::new(),
            pass: 0,
            row: 0,
            g: Vec::new(),
            l: Vec::new(),
            c: Vec::new(),
            diag: Vec::new(),
            done: 0,
            total: total.max(1),
        };
        match rule {
            OneShot::Hebbian(_) => {}
            OneShot::Storkey => job.g = vec![0.0; n],
            OneShot::PseudoInverse => {
                if k > n {
                    return Err(LearnError::TooManyPatterns { count: k, max: n });
                }
                job.l = job.gram_cholesky()?;
                job.c = vec![0.0; n * k];
                job.diag = vec![0.0; n];
            }
        }
        Ok(job)
    }

    /// The rule.
    pub fn rule(&self) -> OneShot {
        self.rule
    }

    /// Number of patterns.
    pub fn patterns(&self) -> usize {
        self.k
    }

    /// Work in all, in multiply-adds.
    pub fn work(&self) -> u64 {
        self.total
    }

    /// Fraction of the work done, in [0, 1].
    pub fn fraction(&self) -> f64 {
        (self.done as f64 / self.total as f64).min(1.0)
    }

    /// Whether `W` is complete.
    pub fn is_done(&self) -> bool {
        self.pass >= self.passes()
    }

    /// Works row by row while `more()` says there is time (asked after every row, so a slice
    /// overruns its budget by at most one row); returns whether the job is done.
    pub fn advance(&mut self, more: &mut dyn FnMut() -> bool) -> bool {
        while !self.is_done() {
            self.unit();
            if !more() {
                break;
            }
        }
        self.is_done()
    }

    /// Runs to the end and returns the network.
    pub fn finish(mut self) -> Network {
        self.advance(&mut || true);
        self.net.take().unwrap_or_else(|| self.new_network())
    }

    /// The finished network (`None` while rows are left).
    pub fn into_network(mut self) -> Option<Network> {
        self.is_done()
            .then(|| self.net.take().unwrap_or_else(|| self.new_network()))
    }

    fn new_network(&self) -> Network {
        // 0 < n ≤ MAX_DENSE_NEURONS was checked by `new` (n = 0 by `check_patterns`).
        Network::new(self.n).unwrap_or_else(|e| unreachable!("{e}"))
    }

    fn passes(&self) -> usize {
        match self.rule {
            OneShot::Hebbian(_) => 1,
            OneShot::Storkey => 2 * self.k,
            OneShot::PseudoInverse => 2,
        }
    }

    /// One unit of work: a slice of W's zero buffer while it is not complete, else one row of
    /// the current pass.
    fn unit(&mut self) {
        let (n, k, i) = (self.n, self.k, self.row);
        if self.net.is_none() {
            if self.zeros.capacity() < n * n {
                // Reserves the address space only: nothing is written yet.
                self.zeros = Vec::with_capacity(n * n);
            }
            let len = (self.zeros.len() + FILL_FLOATS).min(n * n);
            self.zeros.resize(len, 0.0);
            if len == n * n {
                let w = std::mem::take(&mut self.zeros);
                self.net = Some(
                    Network::with_zero_buffer(n, w).unwrap_or_else(|| unreachable!("N² zeros")),
                );
            }
            return;
        }
        if self.rule == OneShot::PseudoInverse && self.pass == 0 {
            self.solve_row(i);
            self.done += (k * k) as u64;
        } else if let Some(net) = self.net.as_mut() {
            match self.rule {
                OneShot::Hebbian(scale) => {
                    hebbian_row(net, &self.pats, k, i, scale);
                    self.done += (n * k) as u64;
                }
                OneShot::Storkey => {
                    let xi = &self.pats[self.pass / 2 * n..(self.pass / 2 + 1) * n];
                    if self.pass % 2 == 0 {
                        // gᵢ = Σ_k wᵢₖ ξₖ (wᵢᵢ = 0): hᵢⱼ = gᵢ − wᵢⱼ ξⱼ, hⱼᵢ = gⱼ − wⱼᵢ ξᵢ.
                        self.g[i] = net.local_field(xi, i) as f32;
                    } else {
                        storkey_row(net, xi, &self.g, i);
                    }
                    self.done += n as u64;
                }
                OneShot::PseudoInverse => {
                    projection_row(net, &self.pats, k, &self.c, &mut self.diag, i);
                    self.done += (i * k) as u64;
                }
            }
        }
        self.row += 1;
        if self.row == n {
            self.row = 0;
            self.pass += 1;
            if let (true, OneShot::PseudoInverse, Some(net)) =
                (self.is_done(), self.rule, self.net.as_mut())
            {
                // Pᵢᵢ ∈ [0, 1] was clamped as it was computed; the length is N.
                let _ = net.set_self_couplings(&self.diag);
            }
        }
    }

    /// The Gram matrix `G_ab = ξᵃ·ξᵇ` factorised as `G = L Lᵀ` (lower triangle, in f64); the
    /// pivot is the squared distance of ξᵃ from the span of ξ¹…ξᵃ⁻¹, so a pivot below `1e-9·N`
    /// means pattern a is linearly dependent on the ones before it.
    fn gram_cholesky(&self) -> Result<Vec<f64>, LearnError> {
        let (n, k) = (self.n, self.k);
        let mut l = vec![0.0f64; k * k];
        for a in 0..k {
            for b in 0..=a {
                let dot: i64 = self.pats[a * n..(a + 1) * n]
                    .iter()
                    .zip(&self.pats[b * n..(b + 1) * n])
                    .map(|(&x, &y)| i64::from(x) * i64::from(y))
                    .sum();
                l[a * k + b] = dot as f64;
            }
        }
        let tol = 1e-9 * n as f64;
        for a in 0..k {
            for b in 0..=a {
                let mut s = l[a * k + b];
                for c in 0..b {
                    s -= l[a * k + c] * l[b * k + c];
                }
                if a == b {
                    if s <= tol {
                        return Err(LearnError::LinearlyDependent { index: a });
                    }
                    l[a * k + a] = s.sqrt();
                } else {
                    l[a * k + b] = s / l[b * k + b];
                }
            }
        }
        Ok(l)
    }

    /// Row j of `C = G⁻¹ Ξᵀ` (transposed): solves `L z = (ξⱼ¹…ξⱼᴷ)`, then `Lᵀ c = z`.
    fn solve_row(&mut self, j: usize) {
        let (n, k) = (self.n, self.k);
        let cj = &mut self.c[j * k..(j + 1) * k];
        for (a, v) in cj.iter_mut().enumerate() {
            *v = f64::from(self.pats[a * n + j]);
        }
        let l = &self.l;
        for a in 0..k {
            let mut s = cj[a];
            for b in 0..a {
                s -= l[a * k + b] * cj[b];
            }
            cj[a] = s / l[a * k + a];
        }
        for a in (0..k).rev() {
            let mut s = cj[a];
            for b in a + 1..k {
                s -= l[b * k + a] * cj[b];
            }
            cj[a] = s / l[a * k + a];
        }
    }
}

/// Hebbian row i: `wᵢⱼ = c Σ_p ξᵢᵖ ξⱼᵖ` (sums of exact small integers in f32, scaled once),
/// `wᵢᵢ = 0`; `pats` holds the K patterns row-major.
fn hebbian_row(net: &mut Network, pats: &[i8], k: usize, i: usize, scale: HebbianScale) {
    let n = net.n();
    let c = match scale {
        HebbianScale::PerPattern => 1.0 / k as f32,
        HebbianScale::PerNeuron => 1.0 / n as f32,
    };
    let row = &mut net.weights_mut()[i * n..(i + 1) * n];
    for xi in pats.chunks_exact(n) {
        let s = f32::from(xi[i]);
        for (wij, &xi_j) in row.iter_mut().zip(xi) {
            *wij += s * f32::from(xi_j); // Σ_p ξᵢᵖ ξⱼᵖ
        }
    }
    for wij in row.iter_mut() {
        *wij *= c;
    }
    row[i] = 0.0;
}

/// Row i of the projection `Pᵢⱼ = Σ_a ξᵢᵃ (G⁻¹Ξᵀ)_{a j}` for j < i (row j of `c` holds
/// `G⁻¹(ξⱼ¹…ξⱼᴷ)ᵀ`), written to `wᵢⱼ` and `wⱼᵢ`; the matrix keeps a zero diagonal and
/// `Pᵢᵢ = ‖P eᵢ‖² ∈ [0, 1]` goes to `diag[i]`, the self-coupling wᵢᵢ.
fn projection_row(net: &mut Network, pats: &[i8], k: usize, c: &[f64], diag: &mut [f32], i: usize) {
    let n = net.n();
    let p = |j: usize| -> f64 {
        (0..k)
            .map(|a| f64::from(pats[a * n + i]) * c[j * k + a])
            .sum()
    };
    let w = net.weights_mut();
    for j in 0..i {
        let v = p(j) as f32;
        w[i * n + j] = v;
        w[j * n + i] = v;
    }
    w[i * n + i] = 0.0;
    diag[i] = p(i).clamp(0.0, 1.0) as f32;
}

/// Storkey's update of row i for pattern ξ with fields g of the old weights:
/// `Δwᵢⱼ = (1/N)(ξᵢξⱼ − ξᵢ hⱼᵢ − hᵢⱼ ξⱼ)`, which with `hᵢⱼ = gᵢ − wᵢⱼξⱼ` and ξ² = 1 is
/// `(1/N)(ξᵢξⱼ − ξᵢgⱼ − gᵢξⱼ + 2wᵢⱼ)`; then `wᵢᵢ = 0`.
fn storkey_row(net: &mut Network, xi: &[i8], g: &[f32], i: usize) {
    let n = net.n();
    let inv_n = 1.0 / n as f32;
    let (xi_i, g_i) = (f32::from(xi[i]), g[i]);
    let row = &mut net.weights_mut()[i * n..(i + 1) * n];
    for ((wij, &xi_j), &g_j) in row.iter_mut().zip(xi).zip(g) {
        let xi_j = f32::from(xi_j);
        *wij += inv_n * (xi_i * xi_j - xi_i * g_j - g_i * xi_j + 2.0 * *wij);
    }
    row[i] = 0.0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn random_patterns(n: usize, k: usize, seed: u64) -> Vec<Vec<i8>> {
        let mut rng = Rng::new(seed);
        (0..k)
            .map(|_| (0..n).map(|_| rng.spin()).collect())
            .collect()
    }

    #[test]
    fn w_is_zero_filled_a_mebibyte_per_unit_before_the_first_row() {
        let n = 1024; // N² = 4 · FILL_FLOATS
        let pats = random_patterns(n, 2, 8);
        let mut job =
            Learner::new(OneShot::Hebbian(HebbianScale::PerPattern), n, &pats).expect("valid");
        for unit in 0..4 {
            assert!(!job.advance(&mut || false));
            assert_eq!(
                job.fraction(),
                0.0,
                "unit {unit} fills zeros, learns nothing"
            );
            if unit < 3 {
                assert_eq!(job.zeros.len(), (unit + 1) * FILL_FLOATS);
                assert!(job.net.is_none());
            }
        }
        assert!(job.net.is_some() && job.zeros.capacity() == 0);
        assert!(!job.advance(&mut || false));
        assert!(job.fraction() > 0.0, "then rows");
    }

    /// (That the whole job computes each rule is checked against the lecture's formulas in
    /// `learning`'s tests, which call it through `hebbian`, `storkey`, `pseudo_inverse`.)
    #[test]
    fn slices_of_any_size_give_bitwise_the_one_shot_weights() {
        let n = 48;
        let pats = random_patterns(n, 7, 3);
        for rule in [
            OneShot::Hebbian(HebbianScale::PerPattern),
            OneShot::Hebbian(HebbianScale::PerNeuron),
            OneShot::Storkey,
            OneShot::PseudoInverse,
        ] {
            let whole = Learner::new(rule, n, &pats).expect("valid").finish();
            for every in [1usize, 2, 5, 17, 1000] {
                let mut job = Learner::new(rule, n, &pats).expect("valid");
                let mut slices = 0;
                let mut last = 0.0;
                loop {
                    let mut left = every;
                    let done = job.advance(&mut || {
                        left -= 1;
                        left > 0
                    });
                    slices += 1;
                    assert!(job.fraction() >= last, "progress never goes back");
                    last = job.fraction();
                    if done {
                        break;
                    }
                    assert!(!job.is_done());
                }
                assert!(
                    (job.fraction() - 1.0).abs() < 1e-12,
                    "{rule:?}: all work counted"
                );
                let net = job.into_network().expect("done");
                assert_eq!(
                    net.weights(),
                    whole.weights(),
                    "{rule:?} in slices of {every}"
                );
                assert_eq!(net.self_couplings(), whole.self_couplings());
                if every == 1 {
                    assert!(slices >= n, "{rule:?}: one row per slice");
                }
            }
        }
    }

    #[test]
    fn every_independent_pattern_is_a_fixed_point_of_the_projection() {
        let n = 40;
        let pats = random_patterns(n, 12, 9);
        let net = Learner::new(OneShot::PseudoInverse, n, &pats)
            .expect("independent")
            .finish();
        for xi in &pats {
            assert!(crate::hopfield::is_stable(&net, xi));
        }
        // A plausible bug — the diagonal left out — breaks the two-patterns-one-pixel-apart case.
        let close = [vec![1i8, 1, 1], vec![1, 1, -1]];
        let net = Learner::new(OneShot::PseudoInverse, 3, &close)
            .expect("independent")
            .finish();
        assert!(close.iter().all(|xi| crate::hopfield::is_stable(&net, xi)));
        let mut no_diag = net.clone();
        no_diag.set_self_couplings(&[0.0; 3]).expect("length 3");
        assert!(!close
            .iter()
            .all(|xi| crate::hopfield::is_stable(&no_diag, xi)));
    }

    #[test]
    fn refusals_come_before_any_work() {
        let pats = random_patterns(8, 3, 1);
        assert_eq!(
            Learner::new(OneShot::Storkey, 8, &Vec::<Vec<i8>>::new()).err(),
            Some(LearnError::NoPatterns)
        );
        let twice = [pats[0].clone(), pats[0].clone()];
        assert_eq!(
            Learner::new(OneShot::PseudoInverse, 8, &twice).err(),
            Some(LearnError::LinearlyDependent { index: 1 })
        );
        let many = random_patterns(4, 5, 2);
        assert!(matches!(
            Learner::new(OneShot::PseudoInverse, 4, &many),
            Err(LearnError::TooManyPatterns { count: 5, max: 4 })
        ));
    }
}
