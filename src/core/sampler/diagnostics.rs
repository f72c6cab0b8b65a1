//! Diagnostics for a chain's output: running moments, acceptance rate, autocorrelation and
//! effective sample size.
//!
//! For a stationary series `x₁ … x_n` with autocorrelations `ρ_k`, the variance of the sample
//! mean is `Var(x)·τ/n` with the integrated autocorrelation time `τ = 1 + 2 Σ_{k≥1} ρ_k`, and the
//! effective sample size is `ESS = n/τ`. We estimate `τ` with Geyer's initial monotone sequence
//! estimator (Geyer, "Practical Markov chain Monte Carlo", Statistical Science 7, 1992, §3.3):
//! pair sums `Γ_m = ρ_{2m} + ρ_{2m+1}` are summed while positive, each clipped to the previous
//! one so the sequence is monotone; `τ = −1 + 2 Σ_m Γ_m`.

use super::SamplerError;
use crate::fastmath::sin_cos;

/// Proposals and acceptances of a sampler. An accept/reject sampler credits each proposal with
/// 1 (accepted) or 0 ([`AcceptanceCounter::record`]); NUTS, which has no single accept/reject
/// step, credits each transition with its acceptance statistic in [0, 1]
/// ([`AcceptanceCounter::record_statistic`]), as Stan reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AcceptanceCounter {
    /// Proposals made (transitions, for NUTS).
    pub proposed: u64,
    /// Proposals accepted (for NUTS: the sum of the acceptance statistics). A whole number for
    /// accept/reject samplers, exact up to 2⁵³ proposals.
    pub accepted: f64,
}

impl AcceptanceCounter {
    /// Records one proposal.
    #[inline]
    pub fn record(&mut self, accepted: bool) {
        self.proposed += 1;
        self.accepted += if accepted { 1.0 } else { 0.0 };
    }

    /// Records one proposal credited with an acceptance statistic `a` (clamped to [0, 1]; NaN
    /// counts as 0).
    #[inline]
    pub fn record_statistic(&mut self, a: f64) {
        self.proposed += 1;
        self.accepted += if a.is_nan() { 0.0 } else { a.clamp(0.0, 1.0) };
    }

    /// accepted / proposed, or `None` before the first proposal.
    pub fn rate(&self) -> Option<f64> {
        (self.proposed > 0).then(|| self.accepted / self.proposed as f64)
    }

    /// Zeroes both counts.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Running mean and covariance of 2-D points (Welford's algorithm: numerically stable, O(1)
/// per point, no storage).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunningMoments {
    n: u64,
    mean: [f64; 2],
    /// Σ (x − x̄)(x − x̄)ᵀ as `[s₁₁, s₁₂, s₂₂]`.
    m2: [f64; 3],
}

impl RunningMoments {
    /// No points yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a point (non-finite points are ignored, so one bad sample cannot poison the mean).
    pub fn push(&mut self, x: [f64; 2]) {
        if !(x[0].is_finite() && x[1].is_finite()) {
            return;
        }
        self.n += 1;
        let n = self.n as f64;
        let d0 = [x[0] - self.mean[0], x[1] - self.mean[1]];
        self.mean[0] += d0[0] / n;
        self.mean[1] += d0[1] / n;
        let d1 = [x[0] - self.mean[0], x[1] - self.mean[1]];
        // Welford: M₂ += (x − x̄_old)(x − x̄_new)ᵀ.
        self.m2[0] += d0[0] * d1[0];
        self.m2[1] += d0[0] * d1[1];
        self.m2[2] += d0[1] * d1[1];
    }

    /// Number of points.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The sample mean (zeros before the first point).
    pub fn mean(&self) -> [f64; 2] {
        self.mean
    }

    /// The sample covariance with divisor n − 1, or `None` with fewer than 2 points.
    pub fn cov(&self) -> Option<[[f64; 2]; 2]> {
        (self.n >= 2).then(|| {
            let d = (self.n - 1) as f64;
            let [a, b, c] = self.m2;
            [[a / d, b / d], [b / d, c / d]]
        })
    }

    /// Forgets all points.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

/// Writes the sample autocorrelations `ρ_0 = 1, ρ_1, …, ρ_L` of `xs` into `out`
/// (`out.len() = L + 1`, `L < xs.len()`), with the usual biased estimator
/// `ρ_k = Σ_t (x_t − x̄)(x_{t+k} − x̄) / Σ_t (x_t − x̄)²`. O(n·L); no allocation.
/// A constant series gives `ρ_0 = 1` and zeros.
pub fn autocorrelation(xs: &[f64], out: &mut [f64]) -> Result<(), SamplerError> {
    let n = xs.len();
    if out.is_empty() || out.len() > n {
        return Err(SamplerError::Length {
            what: "autocorrelation output (max lag + 1, at most the series length)",
            expected: n,
            got: out.len(),
        });
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let c0: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
    for (k, o) in out.iter_mut().enumerate() {
        let ck: f64 = xs[..n - k]
            .iter()
            .zip(&xs[k..])
            .map(|(a, b)| (a - mean) * (b - mean))
            .sum();
        *o = if c0 > 0.0 {
            ck / c0
        } else if k == 0 {
            1.0
        } else {
            0.0
        };
    }
    Ok(())
}

/// In-place iterative radix-2 FFT (`inverse` uses e^{+2πi/n} and no scaling). `re.len()` must be
/// a power of two equal to `im.len()`; `tw` holds `(cos, sin)(2πk/n)` for `k < n/2`.
fn fft(re: &mut [f64], im: &mut [f64], tw: &[(f64, f64)], inverse: bool) {
    let n = re.len();
    // Bit-reversal permutation.
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let sign = if inverse { 1.0 } else { -1.0 };
    let mut len = 2;
    while len <= n {
        let stride = n / len;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                // Twiddle e^{∓2πik/len} = table entry k·(n/len).
                let (c, s0) = tw[k * stride];
                let s = sign * s0;
                let (a, b) = (start + k, start + k + len / 2);
                let (tr, ti) = (re[b] * c - im[b] * s, re[b] * s + im[b] * c);
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        len <<= 1;
    }
}

/// Autocovariances `γ_k = (1/n) Σ_t (x_t − x̄)(x_{t+k} − x̄)` for all `k < n`, via FFT
/// (O(n log n), allocates two buffers of the next power of two ≥ 2n).
pub fn autocovariance(xs: &[f64]) -> Vec<f64> {
    let n = xs.len();
    if n == 0 {
        return Vec::new();
    }
    let m = (2 * n).next_power_of_two();
    let mean = xs.iter().sum::<f64>() / n as f64;
    let mut re = vec![0.0; m];
    let mut im = vec![0.0; m];
    for (r, x) in re.iter_mut().zip(xs) {
        *r = x - mean;
    }
    let tw: Vec<(f64, f64)> = (0..m / 2)
        .map(|k| {
            let (s, c) = sin_cos(2.0 * std::f64::consts::PI * k as f64 / m as f64);
            (c, s)
        })
        .collect();
    fft(&mut re, &mut im, &tw, false);
    // Power spectrum |X|², whose inverse transform is the (zero-padded, hence linear)
    // autocorrelation sum.
    for (r, i) in re.iter_mut().zip(im.iter_mut()) {
        *r = *r * *r + *i * *i;
        *i = 0.0;
    }
    fft(&mut re, &mut im, &tw, true);
    re.truncate(n);
    let scale = 1.0 / (m as f64 * n as f64);
    for r in re.iter_mut() {
        *r *= scale;
    }
    re
}

/// Integrated autocorrelation time `τ` by Geyer's initial monotone sequence (see module doc).
/// Returns `f64::INFINITY` for a constant or non-finite series (no information), and 1 for
/// fewer than 4 points.
pub fn integrated_autocorrelation_time(xs: &[f64]) -> f64 {
    let n = xs.len();
    if n < 4 {
        return 1.0;
    }
    if xs.iter().any(|x| !x.is_finite()) {
        return f64::INFINITY;
    }
    let g = autocovariance(xs);
    let g0 = g[0];
    if g0 <= 0.0 || !g0.is_finite() {
        return f64::INFINITY;
    }
    let mut sum = 0.0;
    let mut prev = f64::INFINITY;
    let mut m = 0;
    while 2 * m + 1 < n {
        // Γ_m = γ_{2m} + γ_{2m+1}, summed while positive, clipped to be non-increasing.
        let pair = g[2 * m] + g[2 * m + 1];
        if pair <= 0.0 {
            break;
        }
        let pair = pair.min(prev);
        sum += pair;
        prev = pair;
        m += 1;
    }
    // τ = −1 + 2 Σ Γ_m / γ_0 (Γ_0 contains ρ_0 = 1, hence the −1).
    (-1.0 + 2.0 * sum / g0).max(1.0 / n as f64)
}

/// Effective sample size `n/τ` of a series (Geyer's initial monotone sequence estimator).
/// 0 for a constant or non-finite series.
pub fn effective_sample_size(xs: &[f64]) -> f64 {
    let tau = integrated_autocorrelation_time(xs);
    if tau.is_finite() {
        xs.len() as f64 / tau
    } else {
        0.0
    }
}

/// Monte Carlo standard error of the mean of `xs`: `sd(x)/√ESS` (∞ when ESS = 0).
pub fn monte_carlo_standard_error(xs: &[f64]) -> f64 {
    let n = xs.len();
    if n < 2 {
        return f64::INFINITY;
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
    let ess = effective_sample_size(xs);
    if ess > 0.0 {
        (var / ess).sqrt()
    } else {
        f64::INFINITY
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn ar1(phi: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = Rng::new(seed);
        let mut x = 0.0;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            x = phi * x + rng.normal();
            out.push(x);
        }
        out
    }

    #[test]
    fn fft_autocovariance_matches_direct_sum() {
        let xs = ar1(0.7, 1000, 1);
        let g = autocovariance(&xs);
        let mean = xs.iter().sum::<f64>() / 1000.0;
        for k in [0, 1, 5, 100, 999] {
            let direct: f64 = (0..1000 - k)
                .map(|t| (xs[t] - mean) * (xs[t + k] - mean))
                .sum::<f64>()
                / 1000.0;
            assert!(
                (g[k] - direct).abs() < 1e-10,
                "lag {k}: {} vs {direct}",
                g[k]
            );
        }
        let mut acf = vec![0.0; 6];
        autocorrelation(&xs, &mut acf).expect("lags");
        assert!((acf[5] - g[5] / g[0]).abs() < 1e-12);
        assert!((acf[0] - 1.0).abs() < 1e-15);
    }

    #[test]
    fn ess_of_ar1_matches_the_exact_autocorrelation_time() {
        // AR(1) with coefficient φ: ρ_k = φ^k, τ = (1 + φ)/(1 − φ).
        for (phi, seed) in [(0.0, 2), (0.5, 3), (0.9, 4), (-0.5, 5)] {
            let xs = ar1(phi, 200_000, seed);
            let tau = integrated_autocorrelation_time(&xs);
            let exact = (1.0 + phi) / (1.0 - phi);
            assert!(
                (tau - exact).abs() < 0.08 * exact + 0.03,
                "φ={phi}: τ {tau} vs {exact}"
            );
        }
    }

    #[test]
    fn running_moments_match_two_pass() {
        let mut rng = Rng::new(6);
        let pts: Vec<[f64; 2]> = (0..500)
            .map(|_| {
                let z = rng.normal();
                [1e6 + z, 2.0 * z + rng.normal()]
            })
            .collect();
        let mut rm = RunningMoments::new();
        for p in &pts {
            rm.push(*p);
        }
        rm.push([f64::NAN, 0.0]);
        assert_eq!(rm.count(), 500);
        let m0 = pts.iter().map(|p| p[0]).sum::<f64>() / 500.0;
        let m1 = pts.iter().map(|p| p[1]).sum::<f64>() / 500.0;
        let c01 = pts.iter().map(|p| (p[0] - m0) * (p[1] - m1)).sum::<f64>() / 499.0;
        let c = rm.cov().expect("enough points");
        assert!((rm.mean()[0] - m0).abs() < 1e-8 && (rm.mean()[1] - m1).abs() < 1e-12);
        assert!((c[0][1] - c01).abs() < 1e-9);
        assert!(RunningMoments::new().cov().is_none());
    }

    #[test]
    fn edge_cases_do_not_panic() {
        assert_eq!(effective_sample_size(&[1.0; 100]), 0.0);
        assert_eq!(effective_sample_size(&[]), 0.0);
        assert_eq!(effective_sample_size(&[1.0, f64::NAN, 2.0, 3.0]), 0.0);
        assert!(autocorrelation(&[1.0, 2.0], &mut [0.0; 3]).is_err());
        let mut out = [0.0; 2];
        autocorrelation(&[3.0, 3.0, 3.0], &mut out).expect("ok");
        assert_eq!(out, [1.0, 0.0]);
        let mut a = AcceptanceCounter::default();
        assert_eq!(a.rate(), None);
        a.record(true);
        a.record(false);
        assert_eq!(a.rate(), Some(0.5));
    }
}
