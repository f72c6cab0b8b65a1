//! The donut: a ring-shaped valley of radius r and width w.
//!
//! `E(x) = (|x| − r)² / (2 w²)`, `∇E(x) = (|x| − r)/w² · x/|x|` (taken as 0 at the origin,
//! where `E` has a cone-shaped maximum and no gradient). The density concentrates on the circle
//! of radius ≈ r: a curved, hard-to-traverse shape for random-walk samplers.

use super::{finite, positive, Bounds, Energy2d, LandscapeError};
use crate::fastmath::hypot;

/// A ring-shaped valley.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Donut {
    r: f64,
    w: f64,
}

impl Donut {
    /// A ring of radius `r ≥ 0` and width `w > 0`.
    pub fn new(r: f64, w: f64) -> Result<Self, LandscapeError> {
        let r = finite("donut radius r", r)?;
        if r < 0.0 {
            return Err(LandscapeError::OutOfRange {
                what: "donut radius r",
                value: r,
                allowed: "≥ 0",
            });
        }
        Ok(Self {
            r,
            w: positive("donut width w", w)?,
        })
    }

    /// Radius r.
    pub fn radius(&self) -> f64 {
        self.r
    }

    /// Width w.
    pub fn width(&self) -> f64 {
        self.w
    }
}

impl Default for Donut {
    /// Radius 2.5, width 0.3.
    fn default() -> Self {
        Self { r: 2.5, w: 0.3 }
    }
}

impl Energy2d for Donut {
    fn energy(&self, x: [f64; 2]) -> f64 {
        let d = hypot(x[0], x[1]) - self.r;
        d * d / (2.0 * self.w * self.w)
    }

    fn energy_and_grad(&self, x: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        let rho = hypot(x[0], x[1]);
        let d = rho - self.r;
        let w2 = self.w * self.w;
        if rho > 0.0 {
            // ∇E = (|x| − r)/w² · x/|x|.
            let s = d / (w2 * rho);
            grad[0] = s * x[0];
            grad[1] = s * x[1];
        } else {
            *grad = [0.0; 2];
        }
        d * d / (2.0 * w2)
    }

    fn bounds(&self) -> Bounds {
        Bounds::square(1.15 * (self.r + 4.0 * self.w))
    }

    fn name(&self) -> &'static str {
        "donut"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::grid::grid_moments;
    use crate::landscape::testutil::check_gradient;

    #[test]
    fn gradient_matches_finite_differences() {
        check_gradient(&Donut::default(), 300, 7, 1e-6);
        check_gradient(&Donut::new(0.0, 1.0).expect("valid"), 100, 8, 1e-6);
        let mut g = [1.0; 2];
        Donut::default().energy_and_grad([0.0, 0.0], &mut g);
        assert_eq!(g, [0.0, 0.0]);
    }

    #[test]
    fn second_moment_matches_the_radial_integral() {
        // In polar coordinates p(ρ) ∝ ρ exp(−(ρ − r)²/(2w²T)), and E[x₁²] = E[ρ²]/2.
        let d = Donut::default();
        let t = 1.0;
        let (mut z, mut m2) = (0.0, 0.0);
        let n = 200_000;
        let h = 10.0 / n as f64;
        for k in 0..n {
            let rho = (k as f64 + 0.5) * h;
            let w = rho * (-(rho - 2.5f64).powi(2) / (2.0 * 0.09 * t)).exp();
            z += w;
            m2 += w * rho * rho;
        }
        let g = grid_moments(&d, t, d.bounds(), 800).expect("grid");
        assert!(g.mean[0].abs() < 1e-9 && g.mean[1].abs() < 1e-9);
        assert!((g.cov[0][0] - 0.5 * m2 / z).abs() < 1e-5, "{:?}", g.cov);
        assert!((g.cov[1][1] - 0.5 * m2 / z).abs() < 1e-5);
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(Donut::new(-1.0, 1.0).is_err());
        assert!(Donut::new(1.0, 0.0).is_err());
        assert!(Donut::new(f64::NAN, 1.0).is_err());
    }
}
