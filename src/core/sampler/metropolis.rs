//! The Metropolis–Hastings algorithm (lecture, "Metropolis Hastings Algorithm"; Metropolis et
//! al., J. Chem. Phys. 21, 1953; Hastings, Biometrika 57, 1970).
//!
//! Draw `s′ ~ q(s → s′)`, accept with probability
//! `α = min(1, p(s′) q(s′ → s) / (p(s) q(s → s′)))`, otherwise stay at `s`. With
//! `p ∝ exp(−E/T)` the ratio needs no partition function:
//! `ln α = min(0, −(E(s′) − E(s))/T + ln q(s′ → s) − ln q(s → s′))`.
//! The Hastings ratio `q(s′ → s)/q(s → s′)` is 1 for a symmetric random walk
//! ([`GaussianWalk`], the lecture's `s′ = s + noise`) but not for [`DriftedGaussianWalk`], whose
//! tests fail if the correction is dropped.

use super::diagnostics::AcceptanceCounter;
use super::{
    check_point, check_positive, check_temperature, is_finite2, ChainState, Event2d, OnEvent,
    Sampler2d, SamplerError, StepResult, Transition,
};
use crate::landscape::Energy2d;
use crate::rng::Rng;
use crate::temperature::IntoTemperature;

/// A proposal distribution `q(s → s′)` on the plane.
pub trait Proposal2d {
    /// Draws `s′ ~ q(from → ·)`.
    fn propose(&self, from: [f64; 2], rng: &mut Rng) -> [f64; 2];

    /// `ln q(from → to)` up to an additive constant that depends on neither point.
    fn log_q(&self, from: [f64; 2], to: [f64; 2]) -> f64;
}

/// The random-walk proposal `s′ = s + σ z`, `z ~ N(0, I)` (symmetric).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GaussianWalk {
    sigma: f64,
}

impl GaussianWalk {
    /// Step size σ > 0 (finite; huge values are allowed and simply get rejected).
    pub fn new(sigma: f64) -> Result<Self, SamplerError> {
        Ok(Self {
            sigma: check_positive("proposal step size σ", sigma)?,
        })
    }

    /// σ.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }
}

impl Proposal2d for GaussianWalk {
    #[inline(always)]
    fn propose(&self, from: [f64; 2], rng: &mut Rng) -> [f64; 2] {
        [
            from[0] + self.sigma * rng.normal(),
            from[1] + self.sigma * rng.normal(),
        ]
    }

    fn log_q(&self, from: [f64; 2], to: [f64; 2]) -> f64 {
        let d = [to[0] - from[0], to[1] - from[1]];
        -(d[0] * d[0] + d[1] * d[1]) / (2.0 * self.sigma * self.sigma)
    }
}

/// An asymmetric random walk `s′ = s + b + σ z`: a constant drift `b` (so
/// `q(s → s′) ≠ q(s′ → s)`). Valid in MH only with the Hastings correction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DriftedGaussianWalk {
    sigma: f64,
    drift: [f64; 2],
}

impl DriftedGaussianWalk {
    /// Step size σ > 0 and drift `b` (finite).
    pub fn new(sigma: f64, drift: [f64; 2]) -> Result<Self, SamplerError> {
        Ok(Self {
            sigma: check_positive("proposal step size σ", sigma)?,
            drift: check_point(drift)?,
        })
    }
}

impl Proposal2d for DriftedGaussianWalk {
    fn propose(&self, from: [f64; 2], rng: &mut Rng) -> [f64; 2] {
        [
            from[0] + self.drift[0] + self.sigma * rng.normal(),
            from[1] + self.drift[1] + self.sigma * rng.normal(),
        ]
    }

    fn log_q(&self, from: [f64; 2], to: [f64; 2]) -> f64 {
        // q(s → s′) = N(s′; s + b, σ² I).
        let d = [
            to[0] - from[0] - self.drift[0],
            to[1] - from[1] - self.drift[1],
        ];
        -(d[0] * d[0] + d[1] * d[1]) / (2.0 * self.sigma * self.sigma)
    }
}

/// The general MH acceptance probability from log-densities:
/// `α = min(1, p(s′) q(s′ → s) / (p(s) q(s → s′)))`.
/// If the current state has zero density (`log_p_old = −∞`), any move is accepted.
pub fn acceptance_probability(
    log_p_new: f64,
    log_p_old: f64,
    log_q_reverse: f64,
    log_q_forward: f64,
) -> f64 {
    if log_p_old == f64::NEG_INFINITY {
        return 1.0;
    }
    // ln α = min(0, ln p(s′) − ln p(s) + ln q(s′→s) − ln q(s→s′)).
    let log_ratio = (log_p_new - log_p_old) + (log_q_reverse - log_q_forward);
    if log_ratio.is_nan() {
        return 0.0;
    }
    // α = e^{min(0, ln ratio)}: 1 without an exponential for uphill-in-density moves, and the
    // crate's own exp (inlined, the same bits in wasm and natively) otherwise
    if log_ratio >= 0.0 {
        1.0
    } else {
        crate::fastmath::exp(log_ratio)
    }
}

/// The accept/reject decision of a Metropolis–Hastings step with acceptance probability
/// `prob`: accepts with probability α (`u < α` for `u ~ U[0, 1)`) and emits `Accept` or
/// `Reject`.
pub(crate) fn accept_or_reject(prob: f64, rng: &mut Rng, on: &mut dyn FnMut(Event2d)) -> bool {
    let accepted = rng.uniform() < prob;
    if accepted {
        on(Event2d::Accept { prob });
    } else {
        on(Event2d::Reject { prob });
    }
    accepted
}

/// The result of one MH transition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MhStep {
    /// The new state (the proposal if accepted, else the old state).
    pub x: [f64; 2],
    /// Whether the proposal was accepted.
    pub accepted: bool,
    /// Its acceptance probability α.
    pub prob: f64,
}

/// One Metropolis–Hastings transition from `x` on `p ∝ exp(−E/T)` with proposal `q`.
/// Emits `Proposal` then `Accept`/`Reject`. Errors (the NaN guard) if the current energy is NaN
/// or −∞, or the proposal is not finite or has NaN/−∞ energy; a proposal with `E = +∞` is
/// rejected.
// Inlined into every caller (a chain's step, a tempering or annealing sweep): the closures
// they pass as `on` become visible, which saves two indirect calls per event in wasm.
#[inline(always)]
pub fn metropolis_hastings<P: Proposal2d + ?Sized>(
    x: [f64; 2],
    target: &dyn Energy2d,
    proposal: &P,
    t: impl IntoTemperature,
    rng: &mut Rng,
    on: &mut dyn FnMut(Event2d),
) -> Result<MhStep, SamplerError> {
    let (_, inv_t) = check_temperature(t)?;
    let e_old = target.energy(x);
    if e_old.is_nan() || e_old == f64::NEG_INFINITY {
        return Err(SamplerError::Diverged {
            what: "energy",
            at: x,
        });
    }
    // Draw s′ ~ q(s → s′).
    let y = proposal.propose(x, rng);
    if !is_finite2(y) {
        return Err(SamplerError::Diverged {
            what: "position",
            at: x,
        });
    }
    on(Event2d::Proposal { from: x, to: y });
    let e_new = target.energy(y);
    if e_new.is_nan() || e_new == f64::NEG_INFINITY {
        return Err(SamplerError::Diverged {
            what: "energy",
            at: y,
        });
    }
    // ln p = −E/T (+ const).
    let prob = acceptance_probability(
        -e_new * inv_t,
        -e_old * inv_t,
        proposal.log_q(y, x),
        proposal.log_q(x, y),
    );
    let accepted = accept_or_reject(prob, rng, on);
    Ok(MhStep {
        x: if accepted { y } else { x },
        accepted,
        prob,
    })
}

/// A Metropolis–Hastings chain with proposal `P` (random-walk Metropolis by default).
#[derive(Clone, Debug, PartialEq)]
pub struct Metropolis<P = GaussianWalk> {
    state: ChainState,
    proposal: P,
    t: f64,
    stats: AcceptanceCounter,
}

impl Metropolis<GaussianWalk> {
    /// Random-walk Metropolis from `x0` with Gaussian step size σ at temperature T.
    pub fn random_walk(
        x0: [f64; 2],
        sigma: f64,
        t: impl IntoTemperature,
    ) -> Result<Self, SamplerError> {
        Self::new(x0, GaussianWalk::new(sigma)?, t)
    }
}

impl<P: Proposal2d> Metropolis<P> {
    /// A chain at `x0` (finite) with proposal `proposal` at temperature `T > 0`.
    pub fn new(x0: [f64; 2], proposal: P, t: impl IntoTemperature) -> Result<Self, SamplerError> {
        Ok(Self {
            state: ChainState::new(x0)?,
            proposal,
            t: check_temperature(t)?.0,
            stats: AcceptanceCounter::default(),
        })
    }

    /// The proposal.
    pub fn proposal(&self) -> &P {
        &self.proposal
    }

    /// Replaces the proposal (e.g. a new step size from a slider).
    pub fn set_proposal(&mut self, proposal: P) {
        self.proposal = proposal;
    }

    /// Temperature T.
    pub fn temperature(&self) -> f64 {
        self.t
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

impl<P: Proposal2d> Transition for Metropolis<P> {
    fn state(&self) -> &ChainState {
        &self.state
    }

    fn state_mut(&mut self) -> &mut ChainState {
        &mut self.state
    }

    #[inline(always)]
    fn try_step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut OnEvent) -> StepResult {
        let s = metropolis_hastings(self.state.x, target, &self.proposal, self.t, rng, on)?;
        self.stats.record(s.accepted);
        self.state.x = s.x;
        Ok(())
    }
}

impl<P: Proposal2d> Sampler2d for Metropolis<P> {
    fn acceptance(&self) -> Option<AcceptanceCounter> {
        Some(self.stats)
    }

    fn name(&self) -> &'static str {
        "rwmh"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;
    use crate::sampler::ignore;

    #[test]
    fn acceptance_probability_cases() {
        assert_eq!(acceptance_probability(0.0, -1.0, 0.0, 0.0), 1.0);
        assert!((acceptance_probability(-1.0, 0.0, 0.0, 0.0) - (-1.0f64).exp()).abs() < 1e-15);
        // The Hastings ratio enters: q(s′→s)/q(s→s′) = e.
        assert!((acceptance_probability(-1.0, 0.0, 1.0, 0.0) - 1.0).abs() < 1e-15);
        assert_eq!(
            acceptance_probability(f64::NEG_INFINITY, 0.0, 0.0, 0.0),
            0.0
        );
        assert_eq!(
            acceptance_probability(-5.0, f64::NEG_INFINITY, 0.0, 0.0),
            1.0
        );
    }

    #[test]
    fn events_come_in_order_and_replay_from_the_seed() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let run = |seed| {
            let mut s = Metropolis::random_walk([0.5, 0.5], 1.0, 1.0).expect("valid");
            let mut rng = Rng::new(seed);
            let mut log = Vec::new();
            for _ in 0..20 {
                s.step(&g, &mut rng, &mut |e| log.push(e));
            }
            (s.position(), log)
        };
        let (a, log) = run(7);
        assert_eq!(a, run(7).0);
        assert_ne!(a, run(8).0);
        assert_eq!(log.len(), 40);
        for pair in log.chunks(2) {
            assert!(matches!(pair[0], Event2d::Proposal { .. }));
            assert!(matches!(
                pair[1],
                Event2d::Accept { .. } | Event2d::Reject { .. }
            ));
        }
    }

    #[test]
    fn huge_step_is_rejected_not_nan_and_bad_params_error() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut s = Metropolis::random_walk([0.1, 0.2], 1e9, 1.0).expect("valid");
        let mut rng = Rng::new(1);
        s.step_many(100, &g, &mut rng, &mut ignore);
        assert_eq!(s.position(), [0.1, 0.2]);
        assert!(s.halted().is_none());
        assert_eq!(s.acceptance().and_then(|a| a.rate()), Some(0.0));
        let mut s = Metropolis::random_walk([0.1, 0.2], 1e300, 1.0).expect("valid");
        s.step_many(10, &g, &mut rng, &mut ignore);
        assert!(s.position().iter().all(|v| v.is_finite()));
        assert!(Metropolis::random_walk([0.0, 0.0], 0.0, 1.0).is_err());
        assert!(Metropolis::random_walk([0.0, 0.0], f64::NAN, 1.0).is_err());
        assert!(Metropolis::random_walk([0.0, 0.0], 1.0, 0.0).is_err());
        assert!(Metropolis::random_walk([f64::NAN, 0.0], 1.0, 1.0).is_err());
        let e = Metropolis::random_walk([0.0, 0.0], 1.0, f64::NAN).expect_err("NaN T");
        assert_eq!(e.to_string(), "temperature must be > 0 and finite, got NaN");
    }
}
