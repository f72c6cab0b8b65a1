//! The double well: two valleys separated by a barrier, the classic picture of metastability.
//!
//! `E(x) = h (x₁² − d²)² / d⁴ + c x₁ + x₂² / (2 s²)`
//!
//! Without tilt (c = 0) the wells sit at x₁ = ±d with `E = 0` and the barrier at x₁ = 0 has
//! height `h`; at temperature T a local sampler crosses it at a rate ∝ `exp(−h/T)` (Arrhenius /
//! Kramers). The tilt `c` makes one well deeper. x₂ is an independent Gaussian of sd `s`.
//! `∂E/∂x₁ = 4h x₁ (x₁² − d²)/d⁴ + c`, `∂E/∂x₂ = x₂/s²`.

use super::{finite, positive, Bounds, Energy2d, LandscapeError};

/// A (possibly tilted) double well along x₁.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DoubleWell {
    h: f64,
    d: f64,
    c: f64,
    s: f64,
}

impl DoubleWell {
    /// Barrier height `h > 0`, well positions `±d` (`d > 0`), tilt `c` (finite), x₂ standard
    /// deviation `s > 0`.
    pub fn new(h: f64, d: f64, c: f64, s: f64) -> Result<Self, LandscapeError> {
        Ok(Self {
            h: positive("barrier height h", h)?,
            d: positive("well position d", d)?,
            c: finite("tilt c", c)?,
            s: positive("x₂ standard deviation s", s)?,
        })
    }

    /// Barrier height h.
    pub fn barrier(&self) -> f64 {
        self.h
    }
}

impl Default for DoubleWell {
    /// `h = 3`, `d = 1.5`, no tilt, `s = 0.8`.
    fn default() -> Self {
        Self {
            h: 3.0,
            d: 1.5,
            c: 0.0,
            s: 0.8,
        }
    }
}

impl Energy2d for DoubleWell {
    fn energy(&self, x: [f64; 2]) -> f64 {
        let d2 = self.d * self.d;
        let q = x[0] * x[0] - d2;
        self.h * q * q / (d2 * d2) + self.c * x[0] + 0.5 * x[1] * x[1] / (self.s * self.s)
    }

    fn energy_and_grad(&self, x: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        let d2 = self.d * self.d;
        let q = x[0] * x[0] - d2;
        // ∂E/∂x₁ = 4h x₁ (x₁² − d²)/d⁴ + c,  ∂E/∂x₂ = x₂/s².
        grad[0] = 4.0 * self.h * x[0] * q / (d2 * d2) + self.c;
        grad[1] = x[1] / (self.s * self.s);
        self.h * q * q / (d2 * d2) + self.c * x[0] + 0.5 * x[1] * x[1] / (self.s * self.s)
    }

    fn bounds(&self) -> Bounds {
        Bounds::square((1.9 * self.d).max(4.0 * self.s))
    }

    fn axis_quadratic(&self, axis: usize, _x: [f64; 2]) -> Option<(f64, f64)> {
        (axis == 1).then(|| (0.0, 1.0 / (self.s * self.s)))
    }

    fn name(&self) -> &'static str {
        "double well"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::testutil::check_gradient;

    #[test]
    fn gradient_matches_finite_differences() {
        check_gradient(&DoubleWell::default(), 300, 11, 1e-6);
        check_gradient(
            &DoubleWell::new(5.0, 0.7, 0.8, 2.0).expect("valid"),
            300,
            12,
            1e-6,
        );
    }

    #[test]
    fn wells_and_barrier_where_stated() {
        let w = DoubleWell::default();
        assert!(w.energy([1.5, 0.0]).abs() < 1e-12 && w.energy([-1.5, 0.0]).abs() < 1e-12);
        assert!((w.energy([0.0, 0.0]) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(DoubleWell::new(0.0, 1.0, 0.0, 1.0).is_err());
        assert!(DoubleWell::new(1.0, -1.0, 0.0, 1.0).is_err());
        assert!(DoubleWell::new(1.0, 1.0, f64::INFINITY, 1.0).is_err());
    }
}
