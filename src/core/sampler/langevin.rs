//! Unadjusted Langevin dynamics (lecture, "Stochastic Gradient MCMC"; Welling & Teh,
//! "Bayesian learning via stochastic gradient Langevin dynamics", ICML 2011).
//!
//! The lecture's update, with the full gradient of `log p(θ) = −E(θ)/T + const`:
//!
//! `θ′ = θ + (ε/2) ∇log p(θ) + η`, `η ~ N(0, ε I)`, i.e. `θ′ = θ − (ε/(2T)) ∇E(θ) + √ε z`.
//!
//! There is no accept/reject step, so at a constant ε the chain samples a slightly wrong
//! distribution: on a Gaussian target of variance σ² (at T = 1) its stationary variance is
//! `σ² / (1 − ε/(4σ²))` (from `v = (1 − ε/(2σ²))² v + ε`), stable only for ε < 4σ². A decaying
//! schedule `ε_t = a (b + t)^(−γ)` with `γ ∈ (0.5, 1]` has `Σ ε_t = ∞` and `Σ ε_t² < ∞`, the
//! conditions under which Welling & Teh's iterates converge to the target. MALA
//! ([`super::mala`]) removes the bias with an MH correction instead.

use super::{
    check_positive, check_temperature, is_finite2, potential_and_grad, ChainState, Event2d,
    OnEvent, Sampler2d, SamplerError, StepResult, Transition,
};
use crate::landscape::Energy2d;
use crate::rng::Rng;
use crate::temperature::IntoTemperature;

/// How the step size ε evolves with the iteration t = 0, 1, 2, ….
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StepSchedule {
    /// `ε_t = ε` (biased at any ε > 0, see the module doc).
    Constant {
        /// ε > 0.
        eps: f64,
    },
    /// `ε_t = a (b + t)^(−γ)` (Welling & Teh 2011, §3), `a > 0`, `b > 0`, `γ ∈ (0.5, 1]`.
    Decaying {
        /// Scale a.
        a: f64,
        /// Offset b.
        b: f64,
        /// Decay exponent γ.
        gamma: f64,
    },
}

impl StepSchedule {
    /// A constant step size ε > 0 (finite).
    pub fn constant(eps: f64) -> Result<Self, SamplerError> {
        Ok(Self::Constant {
            eps: check_positive("step size ε", eps)?,
        })
    }

    /// The decaying schedule `ε_t = a (b + t)^(−γ)`; `a, b > 0` finite, `0.5 < γ ≤ 1` so that
    /// `Σ ε_t = ∞` and `Σ ε_t² < ∞`.
    pub fn decaying(a: f64, b: f64, gamma: f64) -> Result<Self, SamplerError> {
        let a = check_positive("schedule scale a", a)?;
        let b = check_positive("schedule offset b", b)?;
        if !(gamma > 0.5 && gamma <= 1.0) {
            return Err(SamplerError::OutOfRange {
                what: "decay exponent γ",
                value: gamma,
                allowed: "in (0.5, 1] (so that Σε = ∞ and Σε² < ∞)",
            });
        }
        Ok(Self::Decaying { a, b, gamma })
    }

    /// ε at iteration `t`.
    pub fn eps_at(&self, t: u64) -> f64 {
        match *self {
            Self::Constant { eps } => eps,
            // ε_t = a (b + t)^(−γ).
            Self::Decaying { a, b, gamma } => a * crate::fastmath::powf(b + t as f64, -gamma),
        }
    }
}

/// One unadjusted Langevin step from `x` with step ε at temperature T:
/// `x′ = x + (ε/2)∇log p(x) + √ε z`, `∇log p = −∇E/T`. Emits `Drift` (to the end of the gradient
/// step) and `Move`. Errors for invalid ε or T, a zero-density start, or a non-finite result
/// (the NaN guard).
pub fn langevin(
    x: [f64; 2],
    target: &dyn Energy2d,
    eps: f64,
    t: impl IntoTemperature,
    rng: &mut Rng,
    on: &mut dyn FnMut(Event2d),
) -> Result<[f64; 2], SamplerError> {
    let eps = check_positive("step size ε", eps)?;
    let (_, inv_t) = check_temperature(t)?;
    let mut g = [0.0; 2];
    // g = ∇U = ∇E/T = −∇log p.
    potential_and_grad(target, x, inv_t, &mut g)?;
    let (_, y) = langevin_move(x, g, eps, rng, on)?;
    on(Event2d::Move { from: x, to: y });
    Ok(y)
}

/// The Langevin move shared by ULA and MALA's proposal, from `x` with `g = ∇U(x)`: the drift
/// `m = x + (ε/2)∇log p(x) = x − (ε/2)g` and `y = m + √ε z`, `z ~ N(0, I)`. Emits `Drift` and
/// returns `(m, y)`; errors (the NaN guard) if either point is not finite.
#[inline(always)]
pub(crate) fn langevin_move(
    x: [f64; 2],
    g: [f64; 2],
    eps: f64,
    rng: &mut Rng,
    on: &mut dyn FnMut(Event2d),
) -> Result<([f64; 2], [f64; 2]), SamplerError> {
    // Drift: θ + (ε/2)∇log p(θ).
    let drift = [x[0] - 0.5 * eps * g[0], x[1] - 0.5 * eps * g[1]];
    // Noise N(0, εI): standard deviation √ε.
    let s = eps.sqrt();
    let y = [drift[0] + s * rng.normal(), drift[1] + s * rng.normal()];
    if !is_finite2(drift) || !is_finite2(y) {
        return Err(SamplerError::Diverged {
            what: "position",
            at: x,
        });
    }
    on(Event2d::Drift { from: x, to: drift });
    Ok((drift, y))
}

/// Moves every particle of `xs` (flat `[x₁, x₂, x₁, x₂, …]`, 2n entries) by one unadjusted
/// Langevin step with step ε at temperature T (same update as [`langevin`]). Meant for
/// thousands of particles per animation frame: no allocation, no events.
///
/// Returns the number of particles the NaN guard left in place because their energy,
/// gradient or new position was not finite (0 normally); `Err` only for invalid ε, T or an odd
/// buffer length.
pub fn langevin_particles(
    xs: &mut [f64],
    target: &dyn Energy2d,
    eps: f64,
    t: impl IntoTemperature,
    rng: &mut Rng,
) -> Result<usize, SamplerError> {
    let eps = check_positive("step size ε", eps)?;
    let (_, inv_t) = check_temperature(t)?;
    if xs.len() % 2 != 0 {
        return Err(SamplerError::Length {
            what: "particle buffer (2 numbers per particle)",
            expected: xs.len() + 1,
            got: xs.len(),
        });
    }
    let s = eps.sqrt();
    let mut frozen = 0;
    // A block of particles at a time: their energies and gradients come from one call of the
    // landscape (not one dynamic call per particle), then each moves in order, drawing its
    // noise as before.
    const BLOCK: usize = 64;
    let (mut bx, mut by) = ([0.0; BLOCK], [0.0; BLOCK]);
    let (mut e, mut gx, mut gy) = ([0.0; BLOCK], [0.0; BLOCK], [0.0; BLOCK]);
    for block in xs.chunks_mut(2 * BLOCK) {
        let m = block.len() / 2;
        for (k, p) in block.chunks_exact(2).enumerate() {
            // A particle that is not finite stays put; the landscape sees (0, 0) in its place.
            let ok = is_finite2([p[0], p[1]]);
            bx[k] = if ok { p[0] } else { 0.0 };
            by[k] = if ok { p[1] } else { 0.0 };
        }
        target.energies_and_grads(&bx[..m], &by[..m], &mut e[..m], &mut gx[..m], &mut gy[..m]);
        for (k, p) in block.chunks_exact_mut(2).enumerate() {
            let x = [p[0], p[1]];
            // U = E/T and ∇U, refused as by `potential_and_grad`: E = +∞, U or ∇U not finite.
            let (u, g) = (e[k] * inv_t, [gx[k] * inv_t, gy[k] * inv_t]);
            if !is_finite2(x) || e[k] == f64::INFINITY || !u.is_finite() || !is_finite2(g) {
                frozen += 1;
                continue;
            }
            // θ′ = θ − (ε/2)∇U(θ) + √ε z.
            let y = [
                x[0] - 0.5 * eps * g[0] + s * rng.normal(),
                x[1] - 0.5 * eps * g[1] + s * rng.normal(),
            ];
            if is_finite2(y) {
                p[0] = y[0];
                p[1] = y[1];
            } else {
                frozen += 1;
            }
        }
    }
    Ok(frozen)
}

/// An unadjusted Langevin chain with a step-size schedule.
#[derive(Clone, Debug, PartialEq)]
pub struct Langevin {
    state: ChainState,
    schedule: StepSchedule,
    t: f64,
    iteration: u64,
}

impl Langevin {
    /// A chain at `x0` with `schedule` at temperature `T > 0`.
    pub fn new(
        x0: [f64; 2],
        schedule: StepSchedule,
        t: impl IntoTemperature,
    ) -> Result<Self, SamplerError> {
        Ok(Self {
            state: ChainState::new(x0)?,
            schedule,
            t: check_temperature(t)?.0,
            iteration: 0,
        })
    }

    /// The schedule.
    pub fn schedule(&self) -> StepSchedule {
        self.schedule
    }

    /// Replaces the schedule and restarts its clock at t = 0.
    pub fn set_schedule(&mut self, schedule: StepSchedule) {
        self.schedule = schedule;
        self.iteration = 0;
    }

    /// Iterations taken since the last schedule change.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// The step size the next step will use.
    pub fn current_eps(&self) -> f64 {
        self.schedule.eps_at(self.iteration)
    }

    /// Changes T (> 0, finite).
    pub fn set_temperature(&mut self, t: impl IntoTemperature) -> Result<(), SamplerError> {
        self.t = check_temperature(t)?.0;
        Ok(())
    }
}

impl Transition for Langevin {
    fn state(&self) -> &ChainState {
        &self.state
    }

    fn state_mut(&mut self) -> &mut ChainState {
        &mut self.state
    }

    fn try_step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut OnEvent) -> StepResult {
        let eps = self.current_eps();
        self.state.x = langevin(self.state.x, target, eps, self.t, rng, on)?;
        self.iteration += 1;
        Ok(())
    }
}

impl Sampler2d for Langevin {
    fn name(&self) -> &'static str {
        "langevin"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::{Funnel, Gaussian};
    use crate::sampler::ignore;

    #[test]
    fn schedule_values_and_validation() {
        let s = StepSchedule::decaying(0.5, 10.0, 0.55).expect("valid");
        assert!((s.eps_at(0) - 0.5 * 10f64.powf(-0.55)).abs() < 1e-15);
        assert!((s.eps_at(90) - 0.5 * 100f64.powf(-0.55)).abs() < 1e-15);
        assert!(StepSchedule::decaying(0.5, 10.0, 0.5).is_err());
        assert!(StepSchedule::decaying(0.5, 10.0, 1.01).is_err());
        assert!(StepSchedule::decaying(0.5, 0.0, 0.7).is_err());
        assert!(StepSchedule::constant(0.0).is_err());
        assert!(StepSchedule::constant(f64::INFINITY).is_err());
    }

    #[test]
    fn one_step_is_the_lecture_formula() {
        // On E = |x|²/2 at T = 2: θ′ = θ − (ε/4)θ + √ε z with the same z as the RNG gives.
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let (x, eps) = ([1.0, -2.0], 0.09);
        let mut rng = Rng::new(5);
        let y = langevin(x, &g, eps, 2.0, &mut rng, &mut ignore).expect("step");
        let mut rng = Rng::new(5);
        let z = [rng.normal(), rng.normal()];
        for k in 0..2 {
            let want = x[k] - eps / 4.0 * x[k] + 0.3 * z[k];
            assert!((y[k] - want).abs() < 1e-15);
        }
    }

    #[test]
    fn nan_guard_halts_on_a_huge_step() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut s =
            Langevin::new([1.0, 1.0], StepSchedule::constant(1e9).expect("ε"), 1.0).expect("ok");
        let mut rng = Rng::new(1);
        let mut halted = 0;
        s.step_many(1000, &g, &mut rng, &mut |e| {
            if matches!(e, Event2d::Halted(_)) {
                halted += 1;
            }
        });
        assert_eq!(halted, 1);
        assert!(s.halted().is_some());
        assert!(s.position().iter().all(|v| v.is_finite()));
        s.set_position([0.0, 0.0]).expect("finite");
        assert!(s.halted().is_none());
    }

    #[test]
    fn particles_move_and_bad_ones_are_frozen() {
        let f = Funnel::default();
        let mut xs = vec![0.5, 0.0, -0.5, 1.0, f64::NAN, 0.0];
        let mut rng = Rng::new(2);
        let frozen = langevin_particles(&mut xs, &f, 0.01, 1.0, &mut rng).expect("valid");
        assert_eq!(frozen, 1);
        assert!(xs[0] != 0.5 && xs[2] != -0.5);
        assert!(xs[4].is_nan());
        assert!(langevin_particles(&mut xs[..5], &f, 0.01, 1.0, &mut rng).is_err());
        assert!(langevin_particles(&mut xs, &f, -0.01, 1.0, &mut rng).is_err());
        assert!(langevin_particles(&mut xs, &f, 0.01, 0.0, &mut rng).is_err());
    }

    #[test]
    fn particles_in_blocks_move_bit_for_bit_as_one_at_a_time() {
        // One particle at a time through `potential_and_grad`, the definition.
        let one_by_one = |xs: &mut [f64], target: &dyn Energy2d, eps: f64, rng: &mut Rng| {
            let mut frozen = 0;
            for p in xs.chunks_exact_mut(2) {
                let (x, mut g) = ([p[0], p[1]], [0.0; 2]);
                if !is_finite2(x) || potential_and_grad(target, x, 0.5, &mut g).is_err() {
                    frozen += 1;
                    continue;
                }
                let y = [
                    x[0] - 0.5 * eps * g[0] + eps.sqrt() * rng.normal(),
                    x[1] - 0.5 * eps * g[1] + eps.sqrt() * rng.normal(),
                ];
                if is_finite2(y) {
                    (p[0], p[1]) = (y[0], y[1]);
                } else {
                    frozen += 1;
                }
            }
            frozen
        };
        let f = Funnel::default();
        let mut rng = Rng::new(9);
        // 150 particles (two full blocks and a part), some not finite.
        let mut xs: Vec<f64> = (0..300).map(|_| 2.0 * rng.normal()).collect();
        xs[7] = f64::NAN;
        xs[200] = f64::INFINITY;
        let mut ys = xs.clone();
        let (mut r1, mut r2) = (Rng::new(4), Rng::new(4));
        for _ in 0..5 {
            let a = langevin_particles(&mut xs, &f, 0.05, 2.0, &mut r1).expect("valid");
            let b = one_by_one(&mut ys, &f, 0.05, &mut r2);
            assert_eq!(a, b);
            assert_eq!(a, 2);
        }
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&xs), bits(&ys));
        assert_eq!(r1.next_u64(), r2.next_u64());
    }
}
