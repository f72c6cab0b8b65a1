//! The one random-number generator of the project.
//!
//! Every stochastic algorithm takes `&mut Rng`, so a run is replayed exactly from its `u64` seed
//! (the page carries the seed in its URL). The stream is xoshiro256++ (Blackman & Vigna,
//! "Scrambled linear pseudorandom number generators", ACM TOMS 2021), seeded through SplitMix64:
//! a named, portable algorithm whose output does not change between crate versions, and which
//! needs only 64-bit adds, shifts and rotations — cheap in WebAssembly.

use rand::{Rng as _, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A seeded, portable random stream. Cloning it forks an identical stream.
///
/// ```
/// use energy_core::rng::Rng;
/// let (mut a, mut b) = (Rng::new(42), Rng::new(42));
/// assert_eq!(a.next_u64(), b.next_u64()); // the same seed replays the same run
/// let u = a.uniform();
/// assert!((0.0..1.0).contains(&u));
/// assert!(matches!(a.spin(), -1 | 1));
/// ```
#[derive(Clone, Debug)]
pub struct Rng {
    inner: Xoshiro256PlusPlus,
}

impl Rng {
    /// A stream fully determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            inner: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// Uniform on [0, 1), with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on (0, 1]: safe to take the logarithm of.
    #[inline]
    pub fn uniform_open0(&mut self) -> f64 {
        1.0 - self.uniform()
    }

    /// Uniform on [lo, hi).
    #[inline]
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// A uniform integer in 0..n (Lemire's multiply-shift; bias below 2⁻³² for n < 2³²).
    /// `n` must be positive.
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// `true` with probability `p` (p outside [0, 1] saturates).
    #[inline]
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// A random ±1 spin with P(+1) = ½.
    #[inline]
    pub fn spin(&mut self) -> i8 {
        if self.next_u64() >> 63 == 1 {
            1
        } else {
            -1
        }
    }

    /// A standard normal draw N(0, 1) (ziggurat method, from `rand_distr`).
    #[inline]
    pub fn normal(&mut self) -> f64 {
        StandardNormal.sample(&mut self.inner)
    }

    /// Shuffles `xs` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i + 1);
            xs.swap(i, j);
        }
    }

    /// A child stream for a sub-task, deterministic given this stream's state.
    pub fn fork(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_pinned_values() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        let xs: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        // Value-stability vector: if this changes, every shared URL replays differently.
        assert_eq!(xs[0], PINNED_FIRST);
        assert_ne!(Rng::new(43).next_u64(), xs[0]);
    }
    // Checked against an independent Python transcription of SplitMix64 + xoshiro256++.
    const PINNED_FIRST: u64 = 15_021_278_609_987_233_951;

    #[test]
    fn uniform_mean_and_range() {
        let mut r = Rng::new(1);
        let n = 200_000;
        let mut s = 0.0;
        for _ in 0..n {
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            s += u;
        }
        // sd of the mean = sqrt(1/12/n) ≈ 6.5e-4; 5 sd.
        assert!((s / n as f64 - 0.5).abs() < 3.3e-3);
    }

    #[test]
    fn below_is_uniform() {
        let mut r = Rng::new(2);
        let mut c = [0usize; 7];
        let n = 70_000;
        for _ in 0..n {
            c[r.below(7)] += 1;
        }
        // chi-square with 6 dof; 99.9 % quantile is 22.46.
        let e = n as f64 / 7.0;
        let chi2: f64 = c.iter().map(|&k| (k as f64 - e).powi(2) / e).sum();
        assert!(chi2 < 22.46, "chi2 = {chi2}");
    }

    #[test]
    fn normal_moments() {
        let mut r = Rng::new(3);
        let n = 200_000;
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let z = r.normal();
            s += z;
            s2 += z * z;
        }
        let m = s / n as f64;
        let v = s2 / n as f64 - m * m;
        assert!(m.abs() < 0.012, "mean {m}");
        assert!((v - 1.0).abs() < 0.02, "var {v}");
    }
}
