//! Gibbs sampling on the plane (lecture, "Gibbs Sampling"; Geman & Geman, IEEE PAMI 6, 1984).
//!
//! Each step redraws x₁ from `p(x₁ | x₂)`, then x₂ from `p(x₂ | x₁)` (systematic scan), with
//! `p ∝ exp(−E/T)`. Viewed as Metropolis–Hastings with proposal `q = p(s′ᵢ | s_{j≠i})`, the
//! acceptance ratio is exactly 1, so every move is taken.
//!
//! Exact conditionals:
//! - **Analytic** when the landscape reports that `E` is quadratic in that coordinate
//!   ([`Energy2d::axis_quadratic`] gives `a/2 (xᵢ − m)²`): `xᵢ | x_j ~ N(m, T/a)`, drawn as
//!   `m + √(T/a) z`. (Gaussians, the banana's x₂, the funnel's x, the double well's x₂.)
//! - **Numerical inverse CDF** otherwise: the 1-D density `exp(−E/T)` along the line is scanned
//!   on 256 cells over the view box extended by 50 % on each side, widened (doubling, up to
//!   12 times) while its ends still carry density above `e⁻³⁰` of the maximum, trimmed to the
//!   region above that level, and tabulated there on `n` cells (default 1024) for
//!   [`TabulatedCdf`]. Error: the sampled CDF is exact at the nodes up to the trapezoid error
//!   and linear in between, so its sup-distance to the exact conditional CDF is about
//!   `(h²/6 + h²/8)·max|p′|` for cell width `h`, plus the trimmed mass (relative density
//!   below e⁻³⁰ ≈ 1e-13 per node) — about 2e-5 for a normal conditional tabulated over ±8 sd
//!   with 1024 cells. Features narrower than about 1/256 of the scanned range may be missed by
//!   the coarse scan.

use super::direct::TabulatedCdf;
use super::{
    check_temperature, ChainState, Event2d, OnEvent, Sampler2d, SamplerError, StepResult,
    Transition,
};
use crate::landscape::Energy2d;
use crate::rng::Rng;
use crate::temperature::IntoTemperature;

/// Default number of cells of the fine conditional table.
pub const DEFAULT_GRID_CELLS: usize = 1024;

/// Cells of the coarse scan.
const COARSE_CELLS: usize = 256;

/// Densities below `e^{−CUT}` of the conditional's maximum are treated as zero.
const CUT: f64 = 30.0;

/// A coordinate-wise Gibbs sampler with exact 1-D conditionals.
#[derive(Clone, Debug, PartialEq)]
pub struct Gibbs2d {
    state: ChainState,
    t: f64,
    table: TabulatedCdf,
    coarse: Vec<f64>,
    force_numeric: bool,
}

impl Gibbs2d {
    /// A Gibbs chain at `x0` at temperature `T > 0`, whose numerical conditionals use
    /// `grid_cells` cells (64 to 65536; [`DEFAULT_GRID_CELLS`] is a good choice).
    pub fn new(
        x0: [f64; 2],
        t: impl IntoTemperature,
        grid_cells: usize,
    ) -> Result<Self, SamplerError> {
        if grid_cells < 64 {
            return Err(SamplerError::OutOfRange {
                what: "number of grid cells",
                value: grid_cells as f64,
                allowed: "between 64 and 65536",
            });
        }
        Ok(Self {
            state: ChainState::new(x0)?,
            t: check_temperature(t)?.0,
            table: TabulatedCdf::new(grid_cells)?,
            coarse: vec![0.0; COARSE_CELLS + 1],
            force_numeric: false,
        })
    }

    /// If `true`, always use the numerical inverse CDF, even where the analytic conditional
    /// is available (to compare the two, and to test the numerical path on Gaussians).
    pub fn set_force_numeric(&mut self, on: bool) {
        self.force_numeric = on;
    }

    /// Changes T (> 0, finite).
    pub fn set_temperature(&mut self, t: impl IntoTemperature) -> Result<(), SamplerError> {
        self.t = check_temperature(t)?.0;
        Ok(())
    }

    /// Draws coordinate `axis` (0 or 1) of `x` from `p(x_axis | x_other)`.
    pub fn sample_conditional(
        &mut self,
        target: &dyn Energy2d,
        x: [f64; 2],
        axis: usize,
        rng: &mut Rng,
    ) -> Result<f64, SamplerError> {
        let axis = axis.min(1);
        let (t, inv_t) = check_temperature(self.t)?;
        if !self.force_numeric {
            if let Some((m, a)) = target.axis_quadratic(axis, x) {
                if m.is_finite() && a.is_finite() && a > 0.0 {
                    // xᵢ | xⱼ ~ N(m, T/a).
                    let v = m + (t / a).sqrt() * rng.normal();
                    return if v.is_finite() {
                        Ok(v)
                    } else {
                        Err(SamplerError::Diverged {
                            what: "position",
                            at: x,
                        })
                    };
                }
            }
        }
        let log_p = |s: f64| {
            let mut y = x;
            y[axis] = s;
            -target.energy(y) * inv_t
        };
        let (lo, hi) = self.scan(target, x, axis, inv_t)?;
        self.table
            .fill(lo, hi, log_p)
            .map_err(|_| SamplerError::Diverged {
                what: "energy",
                at: x,
            })?;
        Ok(self.table.sample(rng).1)
    }

    /// Finds an interval holding all the conditional mass above `e^{−CUT}` of its maximum.
    fn scan(
        &mut self,
        target: &dyn Energy2d,
        x: [f64; 2],
        axis: usize,
        inv_t: f64,
    ) -> Result<(f64, f64), SamplerError> {
        let b = target.bounds();
        let w = b.hi(axis) - b.lo(axis);
        let (mut lo, mut hi) = (b.lo(axis) - 0.5 * w, b.hi(axis) + 0.5 * w);
        // Make sure the current point is inside the scanned range.
        lo = lo.min(x[axis] - 0.5 * w);
        hi = hi.max(x[axis] + 0.5 * w);
        let n = COARSE_CELLS;
        let mut max = f64::NEG_INFINITY;
        for round in 0..=12 {
            let h = (hi - lo) / n as f64;
            max = f64::NEG_INFINITY;
            for (k, c) in self.coarse.iter_mut().enumerate() {
                let mut y = x;
                y[axis] = lo + k as f64 * h;
                let l = -target.energy(y) * inv_t;
                if l.is_nan() || l == f64::INFINITY {
                    return Err(SamplerError::Diverged {
                        what: "energy",
                        at: y,
                    });
                }
                *c = l;
                max = max.max(l);
            }
            if max == f64::NEG_INFINITY {
                return Err(SamplerError::ZeroDensity { at: x });
            }
            let grow_lo = self.coarse[0] > max - CUT;
            let grow_hi = self.coarse[n] > max - CUT;
            if !(grow_lo || grow_hi) || round == 12 {
                break;
            }
            let width = hi - lo;
            if grow_lo {
                lo -= width;
            }
            if grow_hi {
                hi += width;
            }
            if !(lo.is_finite() && hi.is_finite()) {
                return Err(SamplerError::Diverged {
                    what: "position",
                    at: x,
                });
            }
        }
        // Trim to the nodes above the cut, keeping one node of margin on each side.
        let h = (hi - lo) / n as f64;
        let first = self.coarse.iter().position(|&l| l > max - CUT).unwrap_or(0);
        let last = self
            .coarse
            .iter()
            .rposition(|&l| l > max - CUT)
            .unwrap_or(n);
        let a = lo + first.saturating_sub(1) as f64 * h;
        let z = lo + (last + 1).min(n) as f64 * h;
        Ok((a, z))
    }
}

impl Transition for Gibbs2d {
    fn state(&self) -> &ChainState {
        &self.state
    }

    fn state_mut(&mut self) -> &mut ChainState {
        &mut self.state
    }

    fn try_step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut OnEvent) -> StepResult {
        for axis in 0..2 {
            let v = self.sample_conditional(target, self.state.x, axis, rng)?;
            let from = self.state.x;
            self.state.x[axis] = v;
            on(Event2d::AxisMove {
                axis,
                from,
                to: self.state.x,
            });
        }
        Ok(())
    }
}

impl Sampler2d for Gibbs2d {
    fn name(&self) -> &'static str {
        "gibbs"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::{Donut, Gaussian};
    use crate::sampler::direct::normal_cdf;

    #[test]
    fn numerical_conditional_passes_a_ks_test_against_the_exact_normal() {
        // x₁ | x₂ = 1.5 for ρ = 0.8, σ = (1, 1): N(1.2, 0.36), at T = 0.5: N(1.2, 0.18).
        let g = Gaussian::correlated(1.0, 1.0, 0.8).expect("valid");
        let mut s = Gibbs2d::new([0.0, 1.5], 0.5, DEFAULT_GRID_CELLS).expect("valid");
        s.set_force_numeric(true);
        let mut rng = Rng::new(21);
        let n = 20_000;
        let mut xs: Vec<f64> = (0..n)
            .map(|_| {
                s.sample_conditional(&g, [0.0, 1.5], 0, &mut rng)
                    .expect("finite")
            })
            .collect();
        xs.sort_by(f64::total_cmp);
        let sd = 0.18f64.sqrt();
        let d = xs
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                let f = normal_cdf((x - 1.2) / sd);
                (f - i as f64 / n as f64)
                    .abs()
                    .max((f - (i + 1) as f64 / n as f64).abs())
            })
            .fold(0.0, f64::max);
        // Kolmogorov 0.999 critical value 1.95/√n.
        assert!(d < 1.95 / (n as f64).sqrt(), "KS D = {d}");
    }

    #[test]
    fn every_move_is_reported_and_zero_density_halts() {
        let d = Donut::default();
        let mut s = Gibbs2d::new([2.5, 0.0], 1.0, 256).expect("valid");
        let mut rng = Rng::new(1);
        let mut axes = Vec::new();
        s.step(&d, &mut rng, &mut |e| {
            if let Event2d::AxisMove { axis, .. } = e {
                axes.push(axis);
            }
        });
        assert_eq!(axes, vec![0, 1]);
        // A landscape with no mass anywhere: the sampler halts instead of looping or NaN-ing.
        struct Wall;
        impl Energy2d for Wall {
            fn energy(&self, _: [f64; 2]) -> f64 {
                f64::INFINITY
            }
            fn energy_and_grad(&self, _: [f64; 2], g: &mut [f64; 2]) -> f64 {
                *g = [0.0; 2];
                f64::INFINITY
            }
            fn bounds(&self) -> crate::landscape::Bounds {
                Donut::default().bounds()
            }
        }
        let mut halts = 0;
        s.step_many(5, &Wall, &mut rng, &mut |e| {
            if matches!(e, Event2d::Halted(_)) {
                halts += 1;
            }
        });
        assert_eq!(halts, 1);
        assert!(s.position().iter().all(|v| v.is_finite()));
        assert!(Gibbs2d::new([0.0, 0.0], 1.0, 10).is_err());
        assert!(Gibbs2d::new([0.0, 0.0], 0.0, 1024).is_err());
    }
}
