//! A ring of modes: K equal, well-separated Gaussian wells on a circle.
//!
//! `p₁(x) = (1/K) Σₖ N(x; R(cos 2πk/K, sin 2πk/K), s² I)`, `E = −ln p₁` (a [`GaussianMixture`]).
//! When the spacing `2R sin(π/K)` is many `s` wide, local samplers get stuck in one mode: the
//! standard picture of poor mixing.

use super::{finite, positive, Bounds, Energy2d, GaussianMixture, LandscapeError, Spd2};
use crate::fastmath::sin_cos;

/// Largest number of modes on the ring.
pub const MAX_MODES: usize = 64;

/// K Gaussian modes of standard deviation s equally spaced on a circle of radius R.
#[derive(Clone, Debug, PartialEq)]
pub struct RingOfModes {
    mix: GaussianMixture,
    k: usize,
    r: f64,
    s: f64,
}

impl RingOfModes {
    /// `1 ≤ k ≤ 64` modes, ring radius `r ≥ 0`, mode standard deviation `s > 0`.
    pub fn new(k: usize, r: f64, s: f64) -> Result<Self, LandscapeError> {
        if k == 0 || k > MAX_MODES {
            return Err(LandscapeError::Length {
                what: "number of modes (1 to 64)",
                expected: MAX_MODES,
                got: k,
            });
        }
        let r = finite("ring radius R", r)?;
        if r < 0.0 {
            return Err(LandscapeError::OutOfRange {
                what: "ring radius R",
                value: r,
                allowed: "≥ 0",
            });
        }
        let s = positive("mode standard deviation s", s)?;
        Ok(Self::build(k, r, s))
    }

    fn build(k: usize, r: f64, s: f64) -> Self {
        let cov = Spd2::from_valid([[s * s, 0.0], [0.0, s * s]]);
        let parts: Vec<(f64, [f64; 2], Spd2)> = (0..k)
            .map(|i| {
                let a = 2.0 * std::f64::consts::PI * i as f64 / k as f64;
                let (sin, cos) = sin_cos(a);
                (1.0 / k as f64, [r * cos, r * sin], cov)
            })
            .collect();
        Self {
            mix: GaussianMixture::from_parts(&parts),
            k,
            r,
            s,
        }
    }

    /// The underlying mixture (exact moments via [`GaussianMixture::moments`]).
    pub fn mixture(&self) -> &GaussianMixture {
        &self.mix
    }

    /// `(K, R, s)`.
    pub fn params(&self) -> (usize, f64, f64) {
        (self.k, self.r, self.s)
    }
}

impl Default for RingOfModes {
    /// Eight modes of sd 0.35 on a circle of radius 3.
    fn default() -> Self {
        Self::build(8, 3.0, 0.35)
    }
}

impl Energy2d for RingOfModes {
    fn energy(&self, x: [f64; 2]) -> f64 {
        self.mix.energy(x)
    }

    fn energy_and_grad(&self, x: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        self.mix.energy_and_grad(x, grad)
    }

    fn bounds(&self) -> Bounds {
        Bounds::square(1.1 * (self.r + 4.0 * self.s))
    }

    fn name(&self) -> &'static str {
        "ring of modes"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::grid::grid_moments;
    use crate::landscape::testutil::check_gradient;

    #[test]
    fn gradient_matches_finite_differences() {
        check_gradient(&RingOfModes::default(), 300, 13, 1e-6);
    }

    #[test]
    fn moments_are_isotropic() {
        // For K ≥ 3 equally spaced modes: Cov = (s² + R²/2) I.
        let ring = RingOfModes::default();
        let (m, c) = ring.mixture().moments();
        assert!(m[0].abs() < 1e-12 && m[1].abs() < 1e-12);
        let v = 0.35f64 * 0.35 + 4.5;
        assert!((c[0][0] - v).abs() < 1e-12 && (c[1][1] - v).abs() < 1e-12);
        assert!(c[0][1].abs() < 1e-12);
        let g = grid_moments(&ring, 1.0, ring.bounds(), 600).expect("grid");
        assert!((g.cov[0][0] - v).abs() < 1e-5 && g.log_z.abs() < 1e-6);
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(RingOfModes::new(0, 1.0, 1.0).is_err());
        assert!(RingOfModes::new(65, 1.0, 1.0).is_err());
        assert!(RingOfModes::new(3, -1.0, 1.0).is_err());
        assert!(RingOfModes::new(3, 1.0, 0.0).is_err());
    }
}
