//! Direct sampling: "use easy distributions to draw a sample and apply a mathematical
//! transform" (lecture, "Sampling Methods").
//!
//! - [`Categorical`]: uniform draw, then the category whose cumulative probability first
//!   exceeds it (the inverse distribution function, or quantile function).
//! - [`clt_normal`]: the central-limit construction `√N (S_N − ½)/½ → N(0, 1)` from
//!   Bernoulli(½) draws.
//! - [`box_muller`]: two uniforms to two independent standard normals.
//! - [`MvNormal`]: `x = L z + μ` with `L` the Cholesky factor of Σ.
//! - [`TabulatedCdf`]: the inverse CDF of any 1-D density tabulated on a grid (used by Gibbs
//!   sampling for non-Gaussian conditionals).
//!
//! Each draw returns the uniforms it consumed alongside the result, so a UI can show the
//! transform.

use super::SamplerError;
use crate::fastmath::{exp, ln, sin_cos};
use crate::rng::Rng;

/// Largest number of categories of a [`Categorical`].
pub const MAX_CATEGORIES: usize = 1 << 20;

/// A categorical distribution sampled by inverse CDF.
#[derive(Clone, Debug, PartialEq)]
pub struct Categorical {
    /// Cumulative probabilities `F_k = p_0 + … + p_k`, with `F_{K−1} = 1` exactly.
    cdf: Vec<f64>,
}

/// One categorical draw: the uniform `u` and the category it selected.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CategoricalDraw {
    /// The uniform draw in [0, 1).
    pub u: f64,
    /// The smallest `k` with `u < F_k`.
    pub index: usize,
}

impl Categorical {
    /// From non-negative finite weights (not all zero; normalised here), 1 to 2²⁰ of them.
    pub fn new(weights: &[f64]) -> Result<Self, SamplerError> {
        if weights.is_empty() || weights.len() > MAX_CATEGORIES {
            return Err(SamplerError::Length {
                what: "categorical weights",
                expected: MAX_CATEGORIES,
                got: weights.len(),
            });
        }
        let mut cdf = Vec::with_capacity(weights.len());
        let mut acc = 0.0;
        for &w in weights {
            if !(w.is_finite() && w >= 0.0) {
                return Err(SamplerError::OutOfRange {
                    what: "categorical weight",
                    value: w,
                    allowed: "a finite number ≥ 0",
                });
            }
            acc += w;
            cdf.push(acc);
        }
        if !(acc > 0.0 && acc.is_finite()) {
            return Err(SamplerError::NotPositive {
                what: "sum of categorical weights",
                value: acc,
            });
        }
        for f in cdf.iter_mut() {
            *f /= acc;
        }
        // Guard against rounding: the last cumulative value is exactly 1, so every u < 1 maps
        // to a category.
        if let Some(last) = cdf.last_mut() {
            *last = 1.0;
        }
        Ok(Self { cdf })
    }

    /// The cumulative probabilities `F_0 … F_{K−1}`.
    pub fn cdf(&self) -> &[f64] {
        &self.cdf
    }

    /// Probability of category `k` (0 if out of range).
    pub fn prob(&self, k: usize) -> f64 {
        match k {
            0 => self.cdf.first().copied().unwrap_or(0.0),
            _ if k < self.cdf.len() => self.cdf[k] - self.cdf[k - 1],
            _ => 0.0,
        }
    }

    /// The inverse CDF: the smallest `k` with `u < F_k` (binary search, O(log K)).
    /// `u` is clamped into [0, 1).
    pub fn inverse_cdf(&self, u: f64) -> usize {
        let u = if u.is_nan() { 0.0 } else { u.clamp(0.0, 1.0) };
        // partition_point counts the k with F_k ≤ u: that count is the first k with u < F_k.
        self.cdf
            .partition_point(|&f| f <= u)
            .min(self.cdf.len() - 1)
    }

    /// Draws `u ~ U[0, 1)` and returns it with its category.
    pub fn sample(&self, rng: &mut Rng) -> CategoricalDraw {
        let u = rng.uniform();
        CategoricalDraw {
            u,
            index: self.inverse_cdf(u),
        }
    }
}

/// Largest N for [`clt_normal`].
pub const MAX_CLT_N: u64 = 1 << 24;

/// One central-limit draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CltDraw {
    /// How many of the N Bernoulli(½) draws were 1.
    pub ones: u64,
    /// `√N (S_N − ½) / ½` with `S_N = ones/N`.
    pub value: f64,
}

/// The lecture's central-limit construction: `X_i ~ Bernoulli(½)` with `E[X] = ½`,
/// `Var[X] = ½²`, `S_N = (1/N) Σ X_i`; then `√N (S_N − ½) → N(0, ½²)`, so dividing by ½ gives
/// an approximately standard normal value (exactly mean 0, variance 1; a lattice of spacing
/// `2/√N`, so only approximately normal). `1 ≤ n ≤ 2²⁴`. The bits come 64 at a time from
/// `next_u64` (each bit is a fair coin).
pub fn clt_normal(n: u64, rng: &mut Rng) -> Result<CltDraw, SamplerError> {
    if n == 0 || n > MAX_CLT_N {
        return Err(SamplerError::OutOfRange {
            what: "number of coin flips N",
            value: n as f64,
            allowed: "between 1 and 16777216",
        });
    }
    let mut ones = 0u64;
    let mut left = n;
    while left >= 64 {
        ones += u64::from(rng.next_u64().count_ones());
        left -= 64;
    }
    if left > 0 {
        ones += u64::from((rng.next_u64() >> (64 - left)).count_ones());
    }
    let nf = n as f64;
    let s = ones as f64 / nf;
    // √N (S_N − ½) / ½.
    Ok(CltDraw {
        ones,
        value: nf.sqrt() * (s - 0.5) / 0.5,
    })
}

/// One Box–Muller draw: the two uniforms and the two normals they map to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoxMuller {
    /// `u₁ ∈ (0, 1]` (radius).
    pub u1: f64,
    /// `u₂ ∈ [0, 1)` (angle).
    pub u2: f64,
    /// `√(−2 ln u₁) cos(2π u₂)`.
    pub n1: f64,
    /// `√(−2 ln u₁) sin(2π u₂)`.
    pub n2: f64,
}

/// The Box–Muller transform (Box & Muller, "A note on the generation of random normal
/// deviates", Ann. Math. Statist. 29, 1958) of given uniforms, exactly the lecture's formula:
/// `n₁ = √(−2 ln u₁) cos(2π u₂)`, `n₂ = √(−2 ln u₁) sin(2π u₂)`. `u₁` must be in (0, 1]
/// (`u₁ = 0` would give ln 0); values outside are clamped.
pub fn box_muller_transform(u1: f64, u2: f64) -> BoxMuller {
    let u1 = if u1 > 0.0 {
        u1.min(1.0)
    } else {
        f64::MIN_POSITIVE
    };
    let r = (-2.0 * ln(u1)).sqrt();
    let (s, c) = sin_cos(2.0 * std::f64::consts::PI * u2);
    BoxMuller {
        u1,
        u2,
        n1: r * c,
        n2: r * s,
    }
}

/// Draws two independent standard normals by Box–Muller. The lecture's code loops until
/// `u₁ ≥ ε` to avoid `ln 0`; drawing `u₁` from (0, 1] achieves that without a loop.
pub fn box_muller(rng: &mut Rng) -> BoxMuller {
    let u1 = rng.uniform_open0();
    let u2 = rng.uniform();
    box_muller_transform(u1, u2)
}

/// The standard normal density `φ(x) = exp(−x²/2)/√(2π)` (the curve a histogram of normal
/// draws is compared with).
pub fn normal_pdf(x: f64) -> f64 {
    // 1/√(2π).
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
    INV_SQRT_2PI * exp(-0.5 * x * x)
}

/// The standard normal CDF `Φ(x) = ½ erfc(−x/√2)`, accurate to ~1e-15 absolute (power series
/// for |z| < 2.5, Laplace continued fraction beyond). Used for KS tests and closed forms.
pub fn normal_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let z = -x / std::f64::consts::SQRT_2;
    0.5 * erfc(z)
}

/// The complementary error function.
fn erfc(z: f64) -> f64 {
    if z < 0.0 {
        return 2.0 - erfc(-z);
    }
    if z < 2.5 {
        // erf z = (2/√π) Σ_k (−1)^k z^{2k+1} / (k! (2k+1)).
        let z2 = z * z;
        let mut term = z; // (−1)^k z^{2k+1}/k!
        let mut sum = z;
        let mut k = 0.0;
        while term.abs() > 1e-17 * sum.abs() {
            k += 1.0;
            term *= -z2 / k;
            sum += term / (2.0 * k + 1.0);
        }
        1.0 - sum * 2.0 / std::f64::consts::PI.sqrt()
    } else {
        // erfc z = e^{−z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + …))))),
        // evaluated bottom-up; 60 levels are ample for z ≥ 2.5.
        let mut f = z;
        for k in (1..=60).rev() {
            f = z + (k as f64 / 2.0) / f;
        }
        exp(-z * z) / (std::f64::consts::PI.sqrt() * f)
    }
}

/// Largest dimension of an [`MvNormal`] (draws use fixed stack buffers, no allocation).
pub const MAX_DIM: usize = 16;

/// The multivariate normal `N(μ, Σ)` sampled as `x = L z + μ`, `z ~ N(0, I)`, where `L` is the
/// lower-triangular Cholesky factor with `L Lᵀ = Σ`.
///
/// Why `L` and not Σ: `Cov(Az + μ) = A Aᵀ`. The lecture slide writes `x = Σ z + μ`, which has
/// covariance `Σ Σᵀ = Σ²`, not Σ (they agree only when Σ = I). Any `A` with `A Aᵀ = Σ` works;
/// the Cholesky factor is the cheapest. (A 1-D analogue: `x = σ z + μ` uses the standard
/// deviation σ, not the variance σ².)
#[derive(Clone, Debug, PartialEq)]
pub struct MvNormal {
    d: usize,
    mean: Vec<f64>,
    /// Row-major d×d, lower triangular.
    l: Vec<f64>,
    /// ln det Σ = 2 Σ ln L_ii.
    log_det: f64,
}

impl MvNormal {
    /// `mean` (length d, 1 ≤ d ≤ 16) and `cov` (row-major d×d, symmetric positive definite).
    pub fn new(mean: &[f64], cov: &[f64]) -> Result<Self, SamplerError> {
        let d = mean.len();
        if d == 0 || d > MAX_DIM {
            return Err(SamplerError::Length {
                what: "mean (dimension 1 to 16)",
                expected: MAX_DIM,
                got: d,
            });
        }
        if cov.len() != d * d {
            return Err(SamplerError::Length {
                what: "covariance (d·d entries)",
                expected: d * d,
                got: cov.len(),
            });
        }
        for &v in mean.iter().chain(cov) {
            if !v.is_finite() {
                return Err(SamplerError::NotFinite {
                    what: "mean or covariance entry",
                    value: v,
                });
            }
        }
        for i in 0..d {
            for j in 0..i {
                let (a, b) = (cov[i * d + j], cov[j * d + i]);
                if (a - b).abs() > 1e-12 * (1.0 + a.abs()) {
                    return Err(SamplerError::NotPositiveDefinite { what: "covariance" });
                }
            }
        }
        // Cholesky–Banachiewicz: L_ij = (Σ_ij − Σ_{k<j} L_ik L_jk) / L_jj,
        // L_ii = √(Σ_ii − Σ_{k<i} L_ik²).
        let mut l = vec![0.0; d * d];
        for i in 0..d {
            for j in 0..=i {
                let s: f64 = (0..j).map(|k| l[i * d + k] * l[j * d + k]).sum();
                if i == j {
                    let v = cov[i * d + i] - s;
                    if v.is_nan() || v <= 1e-12 * cov[i * d + i].abs() {
                        return Err(SamplerError::NotPositiveDefinite { what: "covariance" });
                    }
                    l[i * d + i] = v.sqrt();
                } else {
                    l[i * d + j] = (cov[i * d + j] - s) / l[j * d + j];
                }
            }
        }
        let log_det = 2.0 * (0..d).map(|i| ln(l[i * d + i])).sum::<f64>();
        Ok(Self {
            d,
            mean: mean.to_vec(),
            l,
            log_det,
        })
    }

    /// Dimension d.
    pub fn dim(&self) -> usize {
        self.d
    }

    /// The Cholesky factor L (row-major, lower triangular).
    pub fn cholesky(&self) -> &[f64] {
        &self.l
    }

    /// The mean μ.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// `x = L z + μ` for a given `z` (both length d). Returns `false` (and leaves `x`) on a
    /// length mismatch.
    pub fn transform(&self, z: &[f64], x: &mut [f64]) -> bool {
        let d = self.d;
        if z.len() != d || x.len() != d {
            return false;
        }
        for (i, (xi, mi)) in x.iter_mut().zip(&self.mean).enumerate() {
            // x_i = μ_i + Σ_{j≤i} L_ij z_j.
            *xi = mi + (0..=i).map(|j| self.l[i * d + j] * z[j]).sum::<f64>();
        }
        true
    }

    /// The slide's formula `x = Σ z + μ`, for comparison with [`MvNormal::transform`]: its
    /// covariance is `Σ Σᵀ = Σ²`, not Σ. `Σ z` is computed as `L (Lᵀ z)`. Returns `false` (and
    /// leaves `x`) on a length mismatch.
    pub fn transform_by_covariance(&self, z: &[f64], x: &mut [f64]) -> bool {
        let d = self.d;
        if z.len() != d || x.len() != d {
            return false;
        }
        let mut y = [0.0; MAX_DIM];
        for (j, yj) in y.iter_mut().enumerate().take(d) {
            // (Lᵀ z)_j = Σ_{i≥j} L_ij z_i.
            *yj = (j..d).map(|i| self.l[i * d + j] * z[i]).sum();
        }
        for (i, (xi, mi)) in x.iter_mut().zip(&self.mean).enumerate() {
            // x_i = μ_i + Σ_{j≤i} L_ij y_j = μ_i + (Σ z)_i.
            *xi = mi + (0..=i).map(|j| self.l[i * d + j] * y[j]).sum::<f64>();
        }
        true
    }

    /// Draws `x ~ N(μ, Σ)` into `x` (length d; returns `false` otherwise). No allocation.
    pub fn sample(&self, rng: &mut Rng, x: &mut [f64]) -> bool {
        let mut z = [0.0; MAX_DIM];
        for v in z.iter_mut().take(self.d) {
            *v = rng.normal();
        }
        self.transform(&z[..self.d], x)
    }

    /// `ln N(x; μ, Σ) = −½ (d ln 2π + ln det Σ + |L⁻¹(x − μ)|²)` (NaN on a length mismatch).
    pub fn log_density(&self, x: &[f64]) -> f64 {
        let d = self.d;
        if x.len() != d {
            return f64::NAN;
        }
        // Forward substitution L y = x − μ.
        let mut y = [0.0; MAX_DIM];
        let mut q = 0.0;
        for i in 0..d {
            let s: f64 = (0..i).map(|j| self.l[i * d + j] * y[j]).sum();
            y[i] = (x[i] - self.mean[i] - s) / self.l[i * d + i];
            q += y[i] * y[i];
        }
        -0.5 * (d as f64 * ln(2.0 * std::f64::consts::PI) + self.log_det + q)
    }
}

/// Smallest and largest number of cells of a [`TabulatedCdf`].
pub const TABLE_CELLS: (usize, usize) = (16, 1 << 16);

/// The inverse CDF of a 1-D density tabulated on a uniform grid.
///
/// `fill` evaluates `log p` at the `n + 1` nodes `t_k = lo + k h` of `[lo, hi]`, takes cell
/// masses by the trapezoid rule, and accumulates them into the CDF at the nodes; `quantile`
/// inverts the CDF by binary search and linear interpolation inside a cell (so the sampled
/// density is piecewise constant per cell, with the trapezoid cell masses).
///
/// Error (cell width `h`, smooth density): at the nodes the cumulative trapezoid sum differs
/// from the exact integral by `(h²/12)(p′(x) − p′(lo)) + O(h⁴)` (Euler–Maclaurin), and between
/// nodes linear interpolation of the CDF adds at most `h²/8·max|p′|` — in total about
/// `(h²/6 + h²/8)·max|p′|` in the CDF (after renormalising by the total mass), plus the
/// mass outside `[lo, hi]`. For a standard normal on ±8 with 1024 cells (`h ≈ 0.016`) that is
/// ≈ 2e-5; the unit test measures below 1e-5.
#[derive(Clone, Debug, PartialEq)]
pub struct TabulatedCdf {
    lo: f64,
    h: f64,
    /// Unnormalised CDF at the nodes: `cdf[0] = 0`, `cdf[n]` = total mass.
    cdf: Vec<f64>,
    /// Density (relative to its max) at the nodes.
    p: Vec<f64>,
}

impl TabulatedCdf {
    /// A table of `n` cells (16 ≤ n ≤ 65536), allocated once.
    pub fn new(n: usize) -> Result<Self, SamplerError> {
        if !(TABLE_CELLS.0..=TABLE_CELLS.1).contains(&n) {
            return Err(SamplerError::OutOfRange {
                what: "number of grid cells",
                value: n as f64,
                allowed: "between 16 and 65536",
            });
        }
        Ok(Self {
            lo: 0.0,
            h: 1.0,
            cdf: vec![0.0; n + 1],
            p: vec![0.0; n + 1],
        })
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.cdf.len() - 1
    }

    /// Tabulates `exp(log_p(t))` on `[lo, hi]` (finite, lo < hi). `log_p` may return −∞
    /// (zero density). Fails if no node has positive finite density or one is NaN.
    pub fn fill(
        &mut self,
        lo: f64,
        hi: f64,
        mut log_p: impl FnMut(f64) -> f64,
    ) -> Result<(), SamplerError> {
        if !(lo.is_finite() && hi.is_finite() && lo < hi) {
            return Err(SamplerError::OutOfRange {
                what: "tabulation interval width",
                value: hi - lo,
                allowed: "finite and > 0",
            });
        }
        let n = self.cells();
        self.lo = lo;
        self.h = (hi - lo) / n as f64;
        let mut max = f64::NEG_INFINITY;
        for k in 0..=n {
            let l = log_p(lo + k as f64 * self.h);
            if l.is_nan() || l == f64::INFINITY {
                return Err(SamplerError::Diverged {
                    what: "energy",
                    at: [lo + k as f64 * self.h, f64::NAN],
                });
            }
            self.p[k] = l;
            max = max.max(l);
        }
        if max == f64::NEG_INFINITY {
            return Err(SamplerError::NotPositive {
                what: "tabulated density mass",
                value: 0.0,
            });
        }
        for v in self.p.iter_mut() {
            // Relative to the maximum: no overflow.
            *v = exp(*v - max);
        }
        self.cdf[0] = 0.0;
        for k in 0..n {
            // Trapezoid: mass of cell k = h (p_k + p_{k+1}) / 2.
            self.cdf[k + 1] = self.cdf[k] + 0.5 * self.h * (self.p[k] + self.p[k + 1]);
        }
        Ok(())
    }

    /// The quantile (inverse CDF) at `u ∈ [0, 1]` (clamped).
    pub fn quantile(&self, u: f64) -> f64 {
        let n = self.cells();
        let total = self.cdf[n];
        let target = if u.is_nan() { 0.0 } else { u.clamp(0.0, 1.0) } * total;
        // First node with cdf > target, minus one, is the cell holding target.
        let k = self.cdf.partition_point(|&c| c <= target).clamp(1, n) - 1;
        let mass = self.cdf[k + 1] - self.cdf[k];
        let frac = if mass > 0.0 {
            ((target - self.cdf[k]) / mass).clamp(0.0, 1.0)
        } else {
            0.5
        };
        // Linear interpolation of the CDF inside cell k.
        self.lo + (k as f64 + frac) * self.h
    }

    /// The tabulated CDF at `x` (0 below the interval, 1 above).
    pub fn cdf(&self, x: f64) -> f64 {
        let n = self.cells();
        let s = (x - self.lo) / self.h;
        if s.is_nan() || s <= 0.0 {
            return 0.0;
        }
        if s >= n as f64 {
            return 1.0;
        }
        let k = s.floor() as usize;
        let c = self.cdf[k] + (s - k as f64) * (self.cdf[k + 1] - self.cdf[k]);
        c / self.cdf[n]
    }

    /// Draws by inverse CDF; returns `(u, x)`.
    pub fn sample(&self, rng: &mut Rng) -> (f64, f64) {
        let u = rng.uniform();
        (u, self.quantile(u))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_pdf_integrates_to_one_and_is_the_cdf_slope() {
        let h = 1e-3;
        let total: f64 = (-8000..8000)
            .map(|k| normal_pdf((k as f64 + 0.5) * h) * h)
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        for x in [-2.0, -0.3, 0.0, 1.7] {
            let slope = (normal_cdf(x + 1e-5) - normal_cdf(x - 1e-5)) / 2e-5;
            assert!((normal_pdf(x) - slope).abs() < 1e-8, "φ({x})");
        }
    }

    #[test]
    fn sigma_z_has_covariance_sigma_squared() {
        // Σ = [[2, 1], [1, 1]], Σ² = [[5, 3], [3, 2]].
        let g = MvNormal::new(&[1.0, -1.0], &[2.0, 1.0, 1.0, 1.0]).expect("spd");
        let z = [0.3, -1.2];
        let mut x = [0.0; 2];
        assert!(g.transform_by_covariance(&z, &mut x));
        // Σz = (2·0.3 − 1.2, 0.3 − 1.2) = (−0.6, −0.9).
        assert!(
            (x[0] - 0.4).abs() < 1e-12 && (x[1] + 1.9).abs() < 1e-12,
            "{x:?}"
        );
        let mut rng = Rng::new(3);
        let n = 200_000;
        let (mut s, mut right) = ([0.0; 3], [0.0; 3]);
        let mut xr = [0.0; 2];
        for _ in 0..n {
            let z = [rng.normal(), rng.normal()];
            g.transform_by_covariance(&z, &mut x);
            g.transform(&z, &mut xr);
            let (a, b) = (x[0] - 1.0, x[1] + 1.0);
            s[0] += a * a;
            s[1] += a * b;
            s[2] += b * b;
            let (a, b) = (xr[0] - 1.0, xr[1] + 1.0);
            right[0] += a * a;
            right[1] += a * b;
            right[2] += b * b;
        }
        for (got, want) in s.iter().zip([5.0, 3.0, 2.0]) {
            assert!(
                (got / n as f64 - want).abs() < 0.05 * want,
                "Σ² entry {want}"
            );
        }
        for (got, want) in right.iter().zip([2.0, 1.0, 1.0]) {
            assert!(
                (got / n as f64 - want).abs() < 0.05 * want,
                "Σ entry {want}"
            );
        }
        assert!(!g.transform_by_covariance(&[0.0], &mut x));
    }

    #[test]
    fn normal_cdf_reference_values() {
        // Reference values of Φ = ½ erfc(−x/√2) from the C library's erfc (via Python's math.erfc).
        for (x, p) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746_068_542_9),
            (-1.96, 0.024_997_895_148_220_435),
            (2.5, 0.993_790_334_674_223_8),
            (-3.0, 0.001_349_898_031_630_095_7),
            (-6.0, 9.865_876_450_377_012e-10),
            (3.6, 0.999_840_891_409_842_4),
        ] {
            let got = normal_cdf(x);
            assert!(
                (got - p).abs() < 1e-14 * (1.0 + 1.0 / p),
                "Φ({x}) = {got}, expected {p}"
            );
        }
    }

    #[test]
    fn categorical_inverse_cdf_boundaries() {
        let c = Categorical::new(&[1.0, 0.0, 2.0, 1.0]).expect("valid");
        assert_eq!(c.cdf(), &[0.25, 0.25, 0.75, 1.0]);
        assert_eq!(c.inverse_cdf(0.0), 0);
        assert_eq!(c.inverse_cdf(0.2499), 0);
        // u = F_0 exactly belongs to the next category with positive mass (u < F_k rule).
        assert_eq!(c.inverse_cdf(0.25), 2);
        assert_eq!(c.inverse_cdf(0.9999), 3);
        assert_eq!(c.inverse_cdf(1.0), 3);
        assert_eq!(c.inverse_cdf(f64::NAN), 0);
        assert!((c.prob(2) - 0.5).abs() < 1e-15 && c.prob(9) == 0.0);
        assert!(Categorical::new(&[]).is_err());
        assert!(Categorical::new(&[0.0, 0.0]).is_err());
        assert!(Categorical::new(&[1.0, -1.0]).is_err());
        assert!(Categorical::new(&[f64::INFINITY]).is_err());
    }

    #[test]
    fn box_muller_is_the_lecture_formula() {
        let b = box_muller_transform(0.3, 0.1);
        let r = (-2.0 * 0.3f64.ln()).sqrt();
        assert!((b.n1 - r * (0.2 * std::f64::consts::PI).cos()).abs() < 1e-15);
        assert!((b.n2 - r * (0.2 * std::f64::consts::PI).sin()).abs() < 1e-15);
        assert!(box_muller_transform(0.0, 0.5).n1.is_finite());
    }

    #[test]
    fn clt_rejects_bad_n_and_counts_bits() {
        let mut rng = Rng::new(1);
        assert!(clt_normal(0, &mut rng).is_err());
        assert!(clt_normal(MAX_CLT_N + 1, &mut rng).is_err());
        let d = clt_normal(1, &mut rng).expect("n = 1");
        assert!(d.ones <= 1 && (d.value.abs() - 1.0).abs() < 1e-15);
        let d = clt_normal(100, &mut rng).expect("n = 100");
        assert!((d.value - 10.0 * (d.ones as f64 / 100.0 - 0.5) / 0.5).abs() < 1e-12);
    }

    #[test]
    fn cholesky_reproduces_sigma() {
        let cov = [4.0, 1.2, -0.4, 1.2, 2.0, 0.3, -0.4, 0.3, 1.0];
        let mv = MvNormal::new(&[0.0; 3], &cov).expect("spd");
        let l = mv.cholesky();
        for i in 0..3 {
            for j in 0..3 {
                let s: f64 = (0..3).map(|k| l[i * 3 + k] * l[j * 3 + k]).sum();
                assert!((s - cov[i * 3 + j]).abs() < 1e-12);
            }
        }
        // Density at the mean: (2π)^{-3/2} det Σ^{-1/2}.
        let det = 4.0 * (2.0 * 1.0 - 0.09) - 1.2 * (1.2 - 0.3 * -0.4) + -0.4 * (1.2 * 0.3 + 0.8);
        let want = -1.5 * (2.0 * std::f64::consts::PI).ln() - 0.5 * f64::ln(det);
        assert!((mv.log_density(&[0.0; 3]) - want).abs() < 1e-12);
        assert!(MvNormal::new(&[0.0, 0.0], &[1.0, 2.0, 2.0, 1.0]).is_err());
        assert!(MvNormal::new(&[0.0, 0.0], &[1.0, 0.0, 0.0]).is_err());
        assert!(MvNormal::new(&[f64::NAN], &[1.0]).is_err());
        assert!(MvNormal::new(&[], &[]).is_err());
    }

    #[test]
    fn tabulated_cdf_of_a_normal_is_accurate() {
        let mut t = TabulatedCdf::new(1024).expect("size");
        t.fill(-8.0, 8.0, |x| -0.5 * x * x).expect("fill");
        for x in [-3.0, -1.0, -0.3, 0.0, 0.7, 2.2] {
            assert!((t.cdf(x) - normal_cdf(x)).abs() < 1e-5, "F({x})");
        }
        for u in [0.001, 0.1, 0.5, 0.9, 0.999] {
            let x = t.quantile(u);
            assert!((normal_cdf(x) - u).abs() < 1e-5, "Q({u}) = {x}");
        }
        assert!(TabulatedCdf::new(4).is_err());
        assert!(t.fill(1.0, 1.0, |_| 0.0).is_err());
        assert!(t.fill(0.0, 1.0, |_| f64::NAN).is_err());
        assert!(t.fill(0.0, 1.0, |_| f64::NEG_INFINITY).is_err());
    }
}
