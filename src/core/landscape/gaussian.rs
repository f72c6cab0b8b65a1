//! The Gaussian energy (isotropic or correlated): the one landscape every sampler can be
//! checked against in closed form.
//!
//! `E(x) = ½ (x − μ)ᵀ Σ⁻¹ (x − μ)`, so `p(x) ∝ exp(−E/T)` is the normal `N(μ, T·Σ)`.
//! `∇E(x) = Σ⁻¹ (x − μ)`.

use super::{finite, positive, Bounds, Energy2d, LandscapeError, Spd2};
use crate::fastmath::ln;

/// A Gaussian energy with mean μ and covariance Σ (at T = 1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gaussian {
    mean: [f64; 2],
    s: Spd2,
}

impl Gaussian {
    /// `N(mean, cov)`; `cov = [[Σ₁₁, Σ₁₂], [Σ₂₁, Σ₂₂]]` must be symmetric positive definite.
    pub fn new(mean: [f64; 2], cov: [[f64; 2]; 2]) -> Result<Self, LandscapeError> {
        finite("mean x₁", mean[0])?;
        finite("mean x₂", mean[1])?;
        Ok(Self {
            mean,
            s: Spd2::new("covariance", cov)?,
        })
    }

    /// The isotropic Gaussian `N(mean, σ² I)`, σ > 0.
    pub fn isotropic(mean: [f64; 2], sigma: f64) -> Result<Self, LandscapeError> {
        let s = positive("standard deviation σ", sigma)?;
        Self::new(mean, [[s * s, 0.0], [0.0, s * s]])
    }

    /// The centred correlated Gaussian with standard deviations σ₁, σ₂ > 0 and correlation
    /// ρ ∈ (−1, 1): `Σ = [[σ₁², ρσ₁σ₂], [ρσ₁σ₂, σ₂²]]`.
    pub fn correlated(sigma1: f64, sigma2: f64, rho: f64) -> Result<Self, LandscapeError> {
        let s1 = positive("standard deviation σ₁", sigma1)?;
        let s2 = positive("standard deviation σ₂", sigma2)?;
        if rho.is_nan() || rho.abs() >= 1.0 {
            return Err(LandscapeError::OutOfRange {
                what: "correlation ρ",
                value: rho,
                allowed: "strictly between −1 and 1",
            });
        }
        let c = rho * s1 * s2;
        Self::new([0.0, 0.0], [[s1 * s1, c], [c, s2 * s2]])
    }

    /// The mean μ.
    pub fn mean(&self) -> [f64; 2] {
        self.mean
    }

    /// The covariance Σ at T = 1 (at temperature T it is T·Σ).
    pub fn cov(&self) -> [[f64; 2]; 2] {
        let [a, b, c] = self.s.cov;
        [[a, b], [b, c]]
    }

    /// The precision Σ⁻¹.
    pub fn precision(&self) -> [[f64; 2]; 2] {
        let [a, b, c] = self.s.prec;
        [[a, b], [b, c]]
    }

    /// `ln Z(T) = ln ∫ exp(−E/T) dx = ln(2π) + ½ ln det(TΣ)`.
    pub fn log_partition(&self, t: f64) -> f64 {
        ln(2.0 * std::f64::consts::PI) + 0.5 * (self.s.log_det + 2.0 * ln(t))
    }
}

impl Energy2d for Gaussian {
    fn energy(&self, x: [f64; 2]) -> f64 {
        let mut g = [0.0; 2];
        self.energy_and_grad(x, &mut g)
    }

    fn energy_and_grad(&self, x: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        let d = [x[0] - self.mean[0], x[1] - self.mean[1]];
        // E = ½ dᵀ Σ⁻¹ d,  ∇E = Σ⁻¹ d.
        0.5 * self.s.quad(d, grad)
    }

    fn bounds(&self) -> Bounds {
        // A square view of ±4.5 of the larger standard deviation around the mean.
        let h = 4.5 * self.s.cov[0].max(self.s.cov[2]).sqrt();
        Bounds {
            x_min: self.mean[0] - h,
            x_max: self.mean[0] + h,
            y_min: self.mean[1] - h,
            y_max: self.mean[1] + h,
        }
    }

    fn axis_quadratic(&self, axis: usize, x: [f64; 2]) -> Option<(f64, f64)> {
        let [p11, p12, p22] = self.s.prec;
        let (i, j) = if axis == 0 { (0, 1) } else { (1, 0) };
        let (pii, pij) = if axis == 0 { (p11, p12) } else { (p22, p12) };
        // E as a function of xᵢ: ½ Pᵢᵢ (xᵢ − m)² + const with m = μᵢ − (Pᵢⱼ/Pᵢᵢ)(xⱼ − μⱼ).
        Some((self.mean[i] - pij / pii * (x[j] - self.mean[j]), pii))
    }

    fn name(&self) -> &'static str {
        "gaussian"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::grid::grid_moments;
    use crate::landscape::testutil::check_gradient;

    #[test]
    fn gradient_matches_finite_differences() {
        check_gradient(
            &Gaussian::correlated(1.5, 0.7, 0.8).expect("valid"),
            200,
            1,
            1e-6,
        );
        check_gradient(
            &Gaussian::isotropic([1.0, -2.0], 0.3).expect("valid"),
            200,
            2,
            1e-6,
        );
    }

    #[test]
    fn grid_moments_match_analytic_at_two_temperatures() {
        let g = Gaussian::new([0.5, -1.0], [[2.0, -0.9], [-0.9, 1.0]]).expect("valid");
        for t in [1.0, 0.5] {
            let m = grid_moments(&g, t, g.bounds().expanded(0.3), 400).expect("grid");
            assert!((m.mean[0] - 0.5).abs() < 1e-6 && (m.mean[1] + 1.0).abs() < 1e-6);
            let c = g.cov();
            for (i, j) in [(0, 0), (0, 1), (1, 1)] {
                assert!(
                    (m.cov[i][j] - t * c[i][j]).abs() < 1e-4,
                    "T={t} cov[{i}][{j}] {} vs {}",
                    m.cov[i][j],
                    t * c[i][j]
                );
            }
            // Grid integral of exp(−E/T) against the closed form.
            assert!((m.log_z - g.log_partition(t)).abs() < 1e-6, "{}", m.log_z);
        }
    }

    #[test]
    fn conditional_is_the_textbook_one() {
        // x₁ | x₂ ~ N(μ₁ + Σ₁₂/Σ₂₂ (x₂ − μ₂), Σ₁₁ − Σ₁₂²/Σ₂₂).
        let g = Gaussian::correlated(2.0, 1.0, 0.6).expect("valid");
        let (m, a) = g.axis_quadratic(0, [9.0, 1.5]).expect("gaussian");
        assert!((m - 1.2 * 1.5).abs() < 1e-12);
        assert!((1.0 / a - (4.0 - 1.44)).abs() < 1e-12);
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(Gaussian::correlated(1.0, 1.0, 1.0).is_err());
        assert!(Gaussian::correlated(1.0, f64::NAN, 0.0).is_err());
        assert!(Gaussian::correlated(1.0, 1.0, f64::NAN).is_err());
        assert!(Gaussian::isotropic([0.0, 0.0], 0.0).is_err());
        assert!(Gaussian::new([0.0, 0.0], [[1.0, 0.5], [0.4, 1.0]]).is_err());
        assert!(Gaussian::new([f64::INFINITY, 0.0], [[1.0, 0.0], [0.0, 1.0]]).is_err());
        let e = Gaussian::correlated(1.0, 1.0, -1.5).expect_err("ρ out of range");
        assert!(e.to_string().contains("correlation"));
    }
}
