//! The Metropolis-adjusted Langevin algorithm (Roberts & Tweedie, "Exponential convergence of
//! Langevin distributions and their discrete approximations", Bernoulli 2, 1996).
//!
//! Propose with the lecture's Langevin step, `s′ = s + (ε/2)∇log p(s) + √ε z`, i.e.
//! `q(s → s′) = N(s′; m(s), ε I)` with `m(s) = s − (ε/2)∇U(s)`, `U = E/T`; then accept with
//! the full Metropolis–Hastings ratio, whose proposal densities do **not** cancel:
//!
//! `ln α = min(0, −U(s′) + U(s) + ln q(s′ → s) − ln q(s → s′))`,
//! `ln q(a → b) = −|b − m(a)|² / (2ε)` (+ a constant that cancels).
//!
//! The correction makes `p` exactly stationary for every ε (unlike unadjusted Langevin).

use super::diagnostics::AcceptanceCounter;
use super::langevin::langevin_move;
use super::metropolis::{accept_or_reject, acceptance_probability};
use super::{
    check_positive, check_temperature, is_finite2, potential_and_grad, ChainState, Event2d,
    OnEvent, Sampler2d, SamplerError, StepResult, Transition,
};
use crate::landscape::Energy2d;
use crate::rng::Rng;
use crate::temperature::IntoTemperature;

/// `ln q(a → b)` for the Langevin proposal with mean `m(a)` (constant dropped).
#[inline]
fn log_q(mean_from_a: [f64; 2], b: [f64; 2], eps: f64) -> f64 {
    let d = [b[0] - mean_from_a[0], b[1] - mean_from_a[1]];
    -(d[0] * d[0] + d[1] * d[1]) / (2.0 * eps)
}

/// A MALA chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Mala {
    state: ChainState,
    eps: f64,
    t: f64,
    stats: AcceptanceCounter,
}

impl Mala {
    /// A chain at `x0` with step size `ε > 0` at temperature `T > 0`.
    pub fn new(x0: [f64; 2], eps: f64, t: impl IntoTemperature) -> Result<Self, SamplerError> {
        Ok(Self {
            state: ChainState::new(x0)?,
            eps: check_positive("step size ε", eps)?,
            t: check_temperature(t)?.0,
            stats: AcceptanceCounter::default(),
        })
    }

    /// Step size ε.
    pub fn eps(&self) -> f64 {
        self.eps
    }

    /// Changes ε (> 0, finite).
    pub fn set_eps(&mut self, eps: f64) -> Result<(), SamplerError> {
        self.eps = check_positive("step size ε", eps)?;
        Ok(())
    }

    /// Changes T (> 0, finite).
    pub fn set_temperature(&mut self, t: impl IntoTemperature) -> Result<(), SamplerError> {
        self.t = check_temperature(t)?.0;
        Ok(())
    }

    /// Zeroes the acceptance counter.
    pub fn reset_stats(&mut self) {
        self.stats.reset();
    }
}

impl Transition for Mala {
    fn state(&self) -> &ChainState {
        &self.state
    }

    fn state_mut(&mut self) -> &mut ChainState {
        &mut self.state
    }

    #[inline(always)]
    fn try_step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut OnEvent) -> StepResult {
        let (_, inv_t) = check_temperature(self.t)?;
        let (x, eps) = (self.state.x, self.eps);
        let mut gx = [0.0; 2];
        let ux = potential_and_grad(target, x, inv_t, &mut gx)?;
        // m(s) = s + (ε/2)∇log p(s) = s − (ε/2)∇U(s);  s′ = m(s) + √ε z.
        let (mx, y) = langevin_move(x, gx, eps, rng, on)?;
        on(Event2d::Proposal { from: x, to: y });
        let mut gy = [0.0; 2];
        let prob = match potential_and_grad(target, y, inv_t, &mut gy) {
            Ok(uy) => {
                let my = [y[0] - 0.5 * eps * gy[0], y[1] - 0.5 * eps * gy[1]];
                if !is_finite2(my) {
                    return Err(SamplerError::Diverged {
                        what: "gradient",
                        at: y,
                    });
                }
                // α = min(1, p(s′) q(s′→s) / (p(s) q(s→s′))).
                acceptance_probability(-uy, -ux, log_q(my, x, eps), log_q(mx, y, eps))
            }
            // Zero density at the proposal: reject.
            Err(SamplerError::ZeroDensity { .. }) => 0.0,
            Err(e) => return Err(e),
        };
        let accepted = accept_or_reject(prob, rng, on);
        self.stats.record(accepted);
        if accepted {
            self.state.x = y;
        }
        Ok(())
    }
}

impl Sampler2d for Mala {
    fn acceptance(&self) -> Option<AcceptanceCounter> {
        Some(self.stats)
    }

    fn name(&self) -> &'static str {
        "mala"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;
    use crate::sampler::ignore;

    #[test]
    fn acceptance_matches_a_hand_computation() {
        // E = x₁²/2 + x₂²/2 at T = 1, ε = 0.5, from x = (1, 0).
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut m = Mala::new([1.0, 0.0], 0.5, 1.0).expect("valid");
        let mut rng = Rng::new(3);
        let mut seen = None;
        let mut to = None;
        m.step(&g, &mut rng, &mut |e| match e {
            Event2d::Proposal { to: y, .. } => to = Some(y),
            Event2d::Accept { prob } | Event2d::Reject { prob } => seen = Some(prob),
            _ => {}
        });
        let (y, prob) = (to.expect("proposal"), seen.expect("decision"));
        // m(a) = a − (ε/2) a = 0.75 a.
        let lq = |a: [f64; 2], b: [f64; 2]| {
            -((b[0] - 0.75 * a[0]).powi(2) + (b[1] - 0.75 * a[1]).powi(2)) / 1.0
        };
        let la = -0.5 * (y[0] * y[0] + y[1] * y[1]) + 0.5 + lq(y, [1.0, 0.0]) - lq([1.0, 0.0], y);
        assert!((prob - la.min(0.0).exp()).abs() < 1e-12);
    }

    #[test]
    fn huge_step_halts_or_rejects_without_nan() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut m = Mala::new([1.0, 0.0], 1e9, 1.0).expect("valid");
        let mut rng = Rng::new(4);
        m.step_many(100, &g, &mut rng, &mut ignore);
        assert!(m.position().iter().all(|v| v.is_finite()));
        assert!(Mala::new([0.0, 0.0], 0.0, 1.0).is_err());
        assert!(Mala::new([0.0, 0.0], 0.1, f64::INFINITY).is_err());
    }
}
