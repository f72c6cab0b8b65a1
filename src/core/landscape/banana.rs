//! The banana: Haario et al.'s twisted Gaussian.
//!
//! Haario, Saksman & Tamminen, "Adaptive proposal distribution for random walk Metropolis
//! algorithm", Computational Statistics 14 (1999): `f_b = f ∘ φ_b` with `f = N(0, diag(a², 1))`
//! and `φ_b(x) = (x₁, x₂ + b x₁² − b a²)` (the paper uses a² = 100, b = 0.03 or 0.1). So
//!
//! `E(x) = x₁² / (2a²) + (x₂ + b x₁² − b a²)² / 2`.
//!
//! `φ_b` has Jacobian 1, so at T = 1 the density is normalised exactly like `f` and its moments
//! are known in closed form (see [`Banana::moments`]). With `u = x₂ + b x₁² − b a²`:
//! `∂E/∂x₁ = x₁/a² + 2 b x₁ u`, `∂E/∂x₂ = u`.

use super::{finite, positive, Bounds, Energy2d, LandscapeError};

/// Haario's twisted Gaussian with width `a` along x₁ and bend `b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Banana {
    a: f64,
    b: f64,
}

impl Banana {
    /// A banana with x₁ standard deviation `a > 0` and curvature `b` (finite; b = 0 is a plain
    /// Gaussian, b > 0 bends the arms downwards).
    pub fn new(a: f64, b: f64) -> Result<Self, LandscapeError> {
        Ok(Self {
            a: positive("banana width a", a)?,
            b: finite("banana bend b", b)?,
        })
    }

    /// Haario et al.'s original scale: `a = 10`, bend `b` (they used 0.03 and 0.1).
    pub fn haario(b: f64) -> Result<Self, LandscapeError> {
        Self::new(10.0, b)
    }

    /// Width `a`.
    pub fn a(&self) -> f64 {
        self.a
    }

    /// Bend `b`.
    pub fn b(&self) -> f64 {
        self.b
    }

    /// Exact mean and covariance of `p ∝ exp(−E/T)`: x₁ ~ N(0, T a²) and `u ~ N(0, T)`
    /// independent, `x₂ = u − b x₁² + b a²`, so `E[x₂] = b a² (1 − T)`,
    /// `Var x₂ = T + 2 b² T² a⁴`, `Cov(x₁, x₂) = 0`.
    pub fn moments(&self, t: f64) -> ([f64; 2], [[f64; 2]; 2]) {
        let a2 = self.a * self.a;
        let v2 = t + 2.0 * self.b * self.b * t * t * a2 * a2;
        ([0.0, self.b * a2 * (1.0 - t)], [[t * a2, 0.0], [0.0, v2]])
    }
}

impl Default for Banana {
    /// `a = 2`, `b = 0.4`: clearly bent, with x₂ standard deviation ≈ 2.5.
    fn default() -> Self {
        Self { a: 2.0, b: 0.4 }
    }
}

impl Energy2d for Banana {
    fn energy(&self, x: [f64; 2]) -> f64 {
        let a2 = self.a * self.a;
        let u = x[1] + self.b * x[0] * x[0] - self.b * a2;
        // E = x₁²/(2a²) + u²/2.
        0.5 * x[0] * x[0] / a2 + 0.5 * u * u
    }

    fn energy_and_grad(&self, x: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        let a2 = self.a * self.a;
        let u = x[1] + self.b * x[0] * x[0] - self.b * a2;
        // ∂E/∂x₁ = x₁/a² + 2 b x₁ u,  ∂E/∂x₂ = u.
        grad[0] = x[0] / a2 + 2.0 * self.b * x[0] * u;
        grad[1] = u;
        0.5 * x[0] * x[0] / a2 + 0.5 * u * u
    }

    fn bounds(&self) -> Bounds {
        // x₁ within ±3a; x₂ from the arm tips at x₁ = ±2.5a to the top of the arch, ±3.
        let h = 3.0 * self.a;
        let top = self.b * self.a * self.a;
        let tip = top - self.b * 6.25 * self.a * self.a;
        Bounds {
            x_min: -h,
            x_max: h,
            y_min: top.min(tip) - 3.0,
            y_max: top.max(tip) + 3.0,
        }
    }

    fn axis_quadratic(&self, axis: usize, x: [f64; 2]) -> Option<(f64, f64)> {
        // Given x₁, E = ½ (x₂ − (b a² − b x₁²))² + const: Gaussian in x₂ with unit precision.
        (axis == 1).then(|| (self.b * self.a * self.a - self.b * x[0] * x[0], 1.0))
    }

    fn name(&self) -> &'static str {
        "banana"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::grid::grid_moments;
    use crate::landscape::testutil::check_gradient;

    #[test]
    fn gradient_matches_finite_differences() {
        check_gradient(&Banana::default(), 300, 4, 1e-6);
        check_gradient(&Banana::haario(0.1).expect("valid"), 300, 5, 1e-6);
        check_gradient(&Banana::new(1.0, -2.0).expect("valid"), 300, 6, 1e-6);
    }

    #[test]
    fn energy_is_the_stated_formula() {
        // Haario's parametrisation at a point worked by hand: a = 10, b = 0.1, x = (3, −1):
        // u = −1 + 0.9 − 10 = −10.1, E = 9/200 + 102.01/2 = 51.05.
        let e = Banana::haario(0.1).expect("valid").energy([3.0, -1.0]);
        assert!((e - 51.05).abs() < 1e-12, "{e}");
    }

    #[test]
    fn normalised_and_moments_match_the_closed_form() {
        let bn = Banana::new(1.5, 0.5).expect("valid");
        for t in [1.0, 0.6] {
            let b = Bounds::new(-12.0, 12.0, -60.0, 12.0).expect("box");
            let g = grid_moments(&bn, t, b, 1500).expect("grid");
            let (m, c) = bn.moments(t);
            // Z(T) = 2π a T (Jacobian 1).
            let z = (2.0 * std::f64::consts::PI * 1.5 * t).ln();
            assert!((g.log_z - z).abs() < 1e-4, "ln Z {} vs {z}", g.log_z);
            assert!((g.mean[0] - m[0]).abs() < 1e-4 && (g.mean[1] - m[1]).abs() < 1e-3);
            assert!((g.cov[0][0] - c[0][0]).abs() < 1e-3, "{:?}", g.cov);
            assert!((g.cov[1][1] - c[1][1]).abs() < 1e-2, "{:?} vs {c:?}", g.cov);
            assert!(g.cov[0][1].abs() < 1e-4);
        }
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(Banana::new(0.0, 1.0).is_err());
        assert!(Banana::new(1.0, f64::NAN).is_err());
        assert!(Banana::new(f64::INFINITY, 1.0).is_err());
    }
}
