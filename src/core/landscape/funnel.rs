//! Neal's funnel in two dimensions.
//!
//! Neal, "Slice sampling", Annals of Statistics 31 (2003), §8: `v ~ N(0, 3²)` and, given v,
//! `x ~ N(0, eᵛ)`. Here x₁ = x (horizontal) and x₂ = v (vertical), with the scale of v as a
//! parameter σ_v (Neal: 3). Minus the log of the joint density, up to a constant:
//!
//! `E(x, v) = v²/(2σ_v²) + x² e^{−v}/2 + v/2`
//!
//! (the `v/2` is `−ln` of the `e^{−v/2}` in the normalisation of `N(0, eᵛ)`; dropping it, a
//! classic bug, gives a different distribution). Gradient:
//! `∂E/∂x = x e^{−v}`, `∂E/∂v = v/σ_v² − x² e^{−v}/2 + ½`.

use super::{positive, Bounds, Energy2d, LandscapeError};
use crate::fastmath::exp;

/// Neal's funnel, `x₁ = x`, `x₂ = v`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Funnel {
    sigma_v: f64,
}

impl Funnel {
    /// A funnel whose neck variable v has standard deviation `sigma_v > 0` (Neal used 3).
    pub fn new(sigma_v: f64) -> Result<Self, LandscapeError> {
        Ok(Self {
            sigma_v: positive("funnel scale σ_v", sigma_v)?,
        })
    }

    /// σ_v.
    pub fn sigma_v(&self) -> f64 {
        self.sigma_v
    }

    /// Exact mean and covariance of `p ∝ exp(−E/T)`. Integrating x out,
    /// `p(v) ∝ exp(−v²/(2σ_v²T) − v/(2T)) · √(2πT eᵛ)`, a normal with mean `σ_v²(T − 1)/2` and
    /// variance `σ_v² T`; given v, `x ~ N(0, T eᵛ)`, so `E[x] = 0`, `Cov(x, v) = 0` and
    /// `Var x = T·E[eᵛ] = T·exp(m + s²/2)` (the log-normal mean) with m, s² those of v.
    /// Grid integration struggles here: the neck is narrower than any fixed grid.
    pub fn moments(&self, t: f64) -> ([f64; 2], [[f64; 2]; 2]) {
        let s2 = self.sigma_v * self.sigma_v;
        let m = 0.5 * s2 * (t - 1.0);
        let var_v = s2 * t;
        let var_x = t * exp(m + 0.5 * var_v);
        ([0.0, m], [[var_x, 0.0], [0.0, var_v]])
    }
}

impl Default for Funnel {
    /// Neal's σ_v = 3.
    fn default() -> Self {
        Self { sigma_v: 3.0 }
    }
}

impl Energy2d for Funnel {
    fn energy(&self, x: [f64; 2]) -> f64 {
        let (u, v) = (x[0], x[1]);
        // E = v²/(2σ²) + x² e^{−v}/2 + v/2.
        0.5 * v * v / (self.sigma_v * self.sigma_v) + 0.5 * u * u * exp(-v) + 0.5 * v
    }

    fn energy_and_grad(&self, x: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        let (u, v) = (x[0], x[1]);
        let s2 = self.sigma_v * self.sigma_v;
        let ev = exp(-v);
        // ∂E/∂x = x e^{−v};  ∂E/∂v = v/σ² − x² e^{−v}/2 + ½.
        grad[0] = u * ev;
        grad[1] = v / s2 - 0.5 * u * u * ev + 0.5;
        0.5 * v * v / s2 + 0.5 * u * u * ev + 0.5 * v
    }

    fn bounds(&self) -> Bounds {
        let s = self.sigma_v / 3.0;
        Bounds {
            x_min: -12.0 * s,
            x_max: 12.0 * s,
            y_min: -8.0 * s,
            y_max: 8.0 * s,
        }
    }

    fn axis_quadratic(&self, axis: usize, x: [f64; 2]) -> Option<(f64, f64)> {
        // Given v, E = ½ e^{−v} x² + const: x | v ~ N(0, T eᵛ).
        let a = exp(-x[1]);
        (axis == 0 && a.is_finite() && a > 0.0).then_some((0.0, a))
    }

    fn name(&self) -> &'static str {
        "funnel"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::grid::marginals;
    use crate::landscape::testutil::check_gradient;

    #[test]
    fn gradient_matches_finite_differences() {
        check_gradient(&Funnel::default(), 400, 9, 1e-6);
        check_gradient(&Funnel::new(1.0).expect("valid"), 200, 10, 1e-6);
    }

    #[test]
    fn v_marginal_is_normal_with_sd_sigma_v() {
        // Integrating x out must leave v ~ N(0, σ_v²): this fails if the v/2 term is dropped.
        let f = Funnel::new(1.5).expect("valid");
        let b = Bounds::new(-200.0, 200.0, -6.0, 6.0).expect("box");
        let (nx, ny) = (4000, 120);
        let (mut px, mut pv) = (vec![0.0; nx], vec![0.0; ny]);
        marginals(&f, 1.0, b, nx, ny, &mut px, &mut pv).expect("marginals");
        let dv = b.height() / ny as f64;
        for (j, p) in pv.iter().enumerate() {
            let v = b.y_min + (j as f64 + 0.5) * dv;
            let exact = (-v * v / 4.5).exp() / (4.5 * std::f64::consts::PI).sqrt();
            // Truncation at |v| = 6 (4σ) renormalises by 1/0.99994.
            assert!((p - exact).abs() < 2e-4, "p(v={v}) {p} vs {exact}");
        }
    }

    #[test]
    fn closed_form_moments_match_grid_integration() {
        // A narrow σ_v keeps the neck wide enough for a fine grid; T ≠ 1 shifts the v mean.
        let f = Funnel::new(1.0).expect("valid");
        let b = Bounds::new(-60.0, 60.0, -9.0, 13.0).expect("box");
        for t in [1.0, 2.0] {
            let g = crate::landscape::grid_moments(&f, t, b, 2400).expect("grid");
            let (m, c) = f.moments(t);
            assert!((g.mean[0] - m[0]).abs() < 1e-6, "T = {t}: E[x]");
            assert!(
                (g.mean[1] - m[1]).abs() < 1e-3,
                "T = {t}: E[v] {} vs {}",
                g.mean[1],
                m[1]
            );
            assert!(
                (g.cov[1][1] - c[1][1]).abs() < 2e-3 * c[1][1],
                "T = {t}: Var v"
            );
            assert!(
                (g.cov[0][0] - c[0][0]).abs() < 1e-2 * c[0][0],
                "T = {t}: Var x {} vs {}",
                g.cov[0][0],
                c[0][0]
            );
        }
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(Funnel::new(0.0).is_err());
        assert!(Funnel::new(f64::NAN).is_err());
    }
}
