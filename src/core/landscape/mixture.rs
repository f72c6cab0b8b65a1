//! A Gaussian mixture: several wells of different weights, positions and shapes.
//!
//! `p₁(x) = Σₖ wₖ N(x; μₖ, Σₖ)` (weights normalised to sum to 1) and
//! `E(x) = −ln p₁(x) = −ln Σₖ exp(lₖ(x))`, `lₖ = ln wₖ − ln 2π − ½ ln det Σₖ − ½ (x−μₖ)ᵀΣₖ⁻¹(x−μₖ)`,
//! computed with a running log-sum-exp so no term overflows. At T = 1 the density is exactly the
//! mixture; at other T, `p ∝ p₁^{1/T}` is no longer a mixture (its moments come from
//! [`super::grid_moments`]).
//!
//! Gradient: `∇E(x) = Σₖ rₖ(x) Σₖ⁻¹ (x − μₖ)` with responsibilities `rₖ = exp(lₖ − ln p₁)`.

use super::{finite, Bounds, Energy2d, LandscapeError, Spd2};
use crate::fastmath::{exp, ln};

/// Largest number of mixture components.
pub const MAX_COMPONENTS: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Component {
    /// ln wₖ − ln 2π − ½ ln det Σₖ.
    log_coef: f64,
    weight: f64,
    mean: [f64; 2],
    s: Spd2,
}

/// A mixture of 2-D Gaussians (McLachlan & Peel, "Finite Mixture Models", 2000).
#[derive(Clone, Debug, PartialEq)]
pub struct GaussianMixture {
    comps: Vec<Component>,
    bounds: Bounds,
}

impl GaussianMixture {
    /// A mixture from parallel lists of weights (≥ 0, finite, not all zero; normalised
    /// internally), means and covariances (symmetric positive definite). 1 to
    /// [`MAX_COMPONENTS`] components.
    pub fn new(
        weights: &[f64],
        means: &[[f64; 2]],
        covs: &[[[f64; 2]; 2]],
    ) -> Result<Self, LandscapeError> {
        let k = weights.len();
        if k == 0 || k > MAX_COMPONENTS {
            return Err(LandscapeError::Length {
                what: "mixture weights (1 to 64 components)",
                expected: MAX_COMPONENTS,
                got: k,
            });
        }
        for (what, got) in [
            ("mixture means", means.len()),
            ("mixture covariances", covs.len()),
        ] {
            if got != k {
                return Err(LandscapeError::Length {
                    what,
                    expected: k,
                    got,
                });
            }
        }
        for &w in weights {
            finite("mixture weight", w)?;
            if w < 0.0 {
                return Err(LandscapeError::OutOfRange {
                    what: "mixture weight",
                    value: w,
                    allowed: "≥ 0",
                });
            }
        }
        let total: f64 = weights.iter().sum();
        if !(total > 0.0 && total.is_finite()) {
            return Err(LandscapeError::NotPositive {
                what: "sum of mixture weights",
                value: total,
            });
        }
        let mut parts = Vec::with_capacity(k);
        for i in 0..k {
            finite("mixture mean", means[i][0])?;
            finite("mixture mean", means[i][1])?;
            parts.push((
                weights[i] / total,
                means[i],
                Spd2::new("mixture covariance", covs[i])?,
            ));
        }
        Ok(Self::from_parts(&parts))
    }

    /// Builds from already validated `(normalised weight, mean, covariance)` triples.
    pub(crate) fn from_parts(parts: &[(f64, [f64; 2], Spd2)]) -> Self {
        let two_pi_ln = ln(2.0 * std::f64::consts::PI);
        let comps: Vec<Component> = parts
            .iter()
            .map(|&(weight, mean, s)| Component {
                log_coef: ln(weight) - two_pi_ln - 0.5 * s.log_det,
                weight,
                mean,
                s,
            })
            .collect();
        // View box: every component's mean ± 4 standard deviations, squared up.
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for c in &comps {
            let sd = [c.s.cov[0].sqrt(), c.s.cov[2].sqrt()];
            for a in 0..2 {
                lo[a] = lo[a].min(c.mean[a] - 4.0 * sd[a]);
                hi[a] = hi[a].max(c.mean[a] + 4.0 * sd[a]);
            }
        }
        let half = 0.5 * (hi[0] - lo[0]).max(hi[1] - lo[1]);
        let centre = [0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1])];
        let bounds = Bounds {
            x_min: centre[0] - half,
            x_max: centre[0] + half,
            y_min: centre[1] - half,
            y_max: centre[1] + half,
        };
        Self { comps, bounds }
    }

    /// Number of components.
    pub fn len(&self) -> usize {
        self.comps.len()
    }

    /// Always false (a mixture has at least one component).
    pub fn is_empty(&self) -> bool {
        self.comps.is_empty()
    }

    /// Component `k` as `(normalised weight, mean, covariance)`, if it exists.
    pub fn component(&self, k: usize) -> Option<(f64, [f64; 2], [[f64; 2]; 2])> {
        self.comps.get(k).map(|c| {
            let [a, b, d] = c.s.cov;
            (c.weight, c.mean, [[a, b], [b, d]])
        })
    }

    /// Exact mean and covariance of the mixture density at T = 1:
    /// `m = Σ wₖ μₖ`, `C = Σ wₖ (Σₖ + μₖμₖᵀ) − m mᵀ`.
    pub fn moments(&self) -> ([f64; 2], [[f64; 2]; 2]) {
        let mut m = [0.0; 2];
        let mut s = [[0.0; 2]; 2];
        for c in &self.comps {
            let [a, b, d] = c.s.cov;
            let cov = [[a, b], [b, d]];
            for i in 0..2 {
                m[i] += c.weight * c.mean[i];
                for j in 0..2 {
                    s[i][j] += c.weight * (cov[i][j] + c.mean[i] * c.mean[j]);
                }
            }
        }
        for i in 0..2 {
            for j in 0..2 {
                s[i][j] -= m[i] * m[j];
            }
        }
        (m, s)
    }
}

impl Default for GaussianMixture {
    /// Three wells of unequal weight and shape (a teaching example).
    fn default() -> Self {
        Self::from_parts(&[
            (
                0.5,
                [-2.0, -1.0],
                Spd2::from_valid([[0.6, 0.3], [0.3, 0.5]]),
            ),
            (0.3, [2.0, 0.5], Spd2::from_valid([[0.3, 0.0], [0.0, 0.8]])),
            (
                0.2,
                [0.0, 2.5],
                Spd2::from_valid([[0.8, -0.2], [-0.2, 0.2]]),
            ),
        ])
    }
}

impl Energy2d for GaussianMixture {
    fn energy(&self, x: [f64; 2]) -> f64 {
        let mut g = [0.0; 2];
        self.energy_and_grad(x, &mut g)
    }

    fn energy_and_grad(&self, x: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        // Running log-sum-exp: Σₖ e^{lₖ} = e^{m} · s, and Σₖ e^{lₖ} Σₖ⁻¹dₖ = e^{m} · g.
        let (mut m, mut s, mut g) = (f64::NEG_INFINITY, 0.0, [0.0; 2]);
        for c in &self.comps {
            let d = [x[0] - c.mean[0], x[1] - c.mean[1]];
            let mut pd = [0.0; 2];
            let l = c.log_coef - 0.5 * c.s.quad(d, &mut pd);
            if l == f64::NEG_INFINITY || l.is_nan() {
                continue;
            }
            if l > m {
                let r = exp(m - l);
                s *= r;
                g[0] *= r;
                g[1] *= r;
                m = l;
            }
            let e = exp(l - m);
            s += e;
            g[0] += e * pd[0];
            g[1] += e * pd[1];
        }
        if s > 0.0 {
            // ∇E = Σₖ rₖ Σₖ⁻¹ dₖ with rₖ = e^{lₖ−m}/s.
            grad[0] = g[0] / s;
            grad[1] = g[1] / s;
            -(m + ln(s))
        } else {
            // So far from every component that all densities underflow: zero density.
            *grad = [0.0; 2];
            f64::INFINITY
        }
    }

    fn bounds(&self) -> Bounds {
        self.bounds
    }

    fn axis_quadratic(&self, axis: usize, x: [f64; 2]) -> Option<(f64, f64)> {
        // A one-component mixture is a Gaussian.
        match self.comps.as_slice() {
            [c] => {
                let [p11, p12, p22] = c.s.prec;
                let (i, j, pii) = if axis == 0 { (0, 1, p11) } else { (1, 0, p22) };
                Some((c.mean[i] - p12 / pii * (x[j] - c.mean[j]), pii))
            }
            _ => None,
        }
    }

    fn name(&self) -> &'static str {
        "gaussian mixture"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::grid::grid_moments;
    use crate::landscape::testutil::check_gradient;

    #[test]
    fn gradient_matches_finite_differences() {
        check_gradient(&GaussianMixture::default(), 300, 3, 1e-6);
    }

    #[test]
    fn normalised_at_t1_and_moments_match_the_closed_form() {
        let mix = GaussianMixture::default();
        let g = grid_moments(&mix, 1.0, mix.bounds().expanded(0.25), 600).expect("grid");
        // E = −ln p₁ exactly, so ∫ exp(−E) = 1.
        assert!(g.log_z.abs() < 1e-6, "ln Z = {}", g.log_z);
        let (m, c) = mix.moments();
        for i in 0..2 {
            assert!((g.mean[i] - m[i]).abs() < 1e-6);
            for (gij, cij) in g.cov[i].iter().zip(c[i]) {
                assert!((gij - cij).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn far_away_is_zero_density_not_nan() {
        let mix = GaussianMixture::default();
        let mut g = [0.0; 2];
        let e = mix.energy_and_grad([1e200, -1e200], &mut g);
        assert_eq!(e, f64::INFINITY);
        assert!(g.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn rejects_bad_parameters() {
        let cov = [[1.0, 0.0], [0.0, 1.0]];
        assert!(GaussianMixture::new(&[], &[], &[]).is_err());
        assert!(GaussianMixture::new(&[1.0, 1.0], &[[0.0, 0.0]], &[cov]).is_err());
        assert!(GaussianMixture::new(&[-1.0], &[[0.0, 0.0]], &[cov]).is_err());
        assert!(GaussianMixture::new(&[0.0], &[[0.0, 0.0]], &[cov]).is_err());
        assert!(GaussianMixture::new(&[f64::NAN], &[[0.0, 0.0]], &[cov]).is_err());
        assert!(GaussianMixture::new(&[1.0], &[[0.0, 0.0]], &[[[1.0, 2.0], [2.0, 1.0]]]).is_err());
        let ok = GaussianMixture::new(&[2.0, 0.0], &[[0.0, 0.0], [1.0, 1.0]], &[cov, cov])
            .expect("zero weight allowed");
        assert!(ok.energy([3.0, 3.0]).is_finite());
    }
}
