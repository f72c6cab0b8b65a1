//! Sampling methods (lecture part 3, "Sampling Methods" to "Stochastic Gradient MCMC").
//!
//! Conventions used throughout:
//! - Targets are [`Energy2d`] landscapes; a sampler at temperature `T > 0` (finite, k = 1)
//!   targets `p(x) ∝ exp(−E(x)/T)`, i.e. `log p = −E/T` up to a constant. We call
//!   `U(x) = E(x)/T` the potential. `T = 0` is rejected (there is no density to sample; use an
//!   optimiser for the deterministic limit).
//! - Every random number comes from the caller's [`Rng`], so a run replays from its seed.
//! - A sampler's `step` never draws on screen: it emits [`Event2d`]s (proposal, accept, reject,
//!   leapfrog points, …) through a callback that a UI may animate or ignore ([`ignore`]).
//! - The target may change between steps (a user dragging a bump): every step re-evaluates the
//!   energy at the current point instead of trusting a cached value.
//! - NaN guard: if a position, energy or gradient computed in a step becomes non-finite (e.g.
//!   a step size of 1e9), the sampler keeps its last finite position, emits
//!   [`Event2d::Halted`], and does nothing further until [`Sampler2d::set_position`]. A
//!   Metropolis–Hastings proposal (RWMH, MALA) with `E = +∞` at a finite point is a
//!   zero-density point and is simply rejected; a Hamiltonian trajectory or Langevin move that
//!   reaches `E = +∞` has overflowed (every landscape here is finite on the plane) and halts.
//!
//! Files: [`direct`] (inverse CDF, central-limit construction, Box–Muller, `Lz + μ`),
//! [`importance`], [`markov_chain`], [`metropolis`], [`gibbs2d`], [`langevin`](mod@langevin), [`mala`],
//! [`hmc`], [`nuts`], [`chains`] (several chains at once), [`batch`] (many chains as arrays,
//! the particle mode), [`diagnostics`] (ESS, ACF, …),
//! [`bench`](mod@bench) (pure benchmark workloads).

use std::fmt;

use super::landscape::Energy2d;
use super::rng::Rng;

pub mod batch;
pub mod bench;
pub mod chains;
pub mod diagnostics;
pub mod direct;
pub mod gibbs2d;
pub mod hmc;
pub mod importance;
pub mod langevin;
pub mod mala;
pub mod markov_chain;
pub mod metropolis;
pub mod nuts;

pub use batch::{BatchKernel, BatchStep, ChainBatch};
pub use bench::bench_steps;
pub use chains::Chains;
pub use diagnostics::{AcceptanceCounter, RunningMoments};
pub use gibbs2d::Gibbs2d;
pub use hmc::Hmc;
pub use importance::{ImportanceProposal, ImportanceSampler};
pub use langevin::{langevin, langevin_particles, Langevin, StepSchedule};
pub use mala::Mala;
pub use markov_chain::MarkovChain;
pub use metropolis::{
    metropolis_hastings, DriftedGaussianWalk, GaussianWalk, Metropolis, Proposal2d,
};
pub use nuts::Nuts;

/// What the renderer animates for one transition.
#[derive(Clone, Debug, PartialEq)]
pub enum Event2d {
    /// A Metropolis–Hastings style proposal `from → to`.
    Proposal {
        /// Current state.
        from: [f64; 2],
        /// Proposed state.
        to: [f64; 2],
    },
    /// The last proposal was accepted; `prob` is its acceptance probability α.
    Accept {
        /// α = min(1, …).
        prob: f64,
    },
    /// The last proposal was rejected; `prob` is its acceptance probability α.
    Reject {
        /// α = min(1, …).
        prob: f64,
    },
    /// The deterministic part of a Langevin move, `from → from + (ε/2)∇log p(from)`.
    Drift {
        /// Current state.
        from: [f64; 2],
        /// End of the gradient step (before the noise).
        to: [f64; 2],
    },
    /// An unconditional move (unadjusted Langevin).
    Move {
        /// Previous state.
        from: [f64; 2],
        /// New state.
        to: [f64; 2],
    },
    /// Gibbs sampling redrew coordinate `axis` from its exact conditional.
    AxisMove {
        /// 0 for x₁, 1 for x₂.
        axis: usize,
        /// State before.
        from: [f64; 2],
        /// State after.
        to: [f64; 2],
    },
    /// A fresh momentum `p ~ N(0, I)` drawn at `at` (HMC, NUTS).
    Momentum {
        /// Where the trajectory starts.
        at: [f64; 2],
        /// The momentum.
        p: [f64; 2],
    },
    /// One leapfrog position and momentum of a Hamiltonian trajectory.
    Leapfrog {
        /// Position after this leapfrog step.
        x: [f64; 2],
        /// Momentum after this leapfrog step.
        p: [f64; 2],
    },
    /// `H(end) − H(start)` of an HMC trajectory (0 for exact dynamics).
    EnergyError {
        /// The energy error ΔH.
        delta_h: f64,
    },
    /// NUTS doubles its trajectory (depth `depth`, towards `+` time if `forward`).
    TreeDoubling {
        /// Tree depth j being built (0-based).
        depth: u32,
        /// Direction of the doubling.
        forward: bool,
    },
    /// NUTS stopped: the trajectory made a U-turn, diverged, or hit its maximum depth.
    TreeDone {
        /// Final depth.
        depth: u32,
        /// Number of leapfrog steps used.
        n_leapfrog: u32,
        /// Whether a divergence (energy error > 1000) stopped it.
        divergent: bool,
    },
    /// Importance sampling drew `x` with log-weight `log_w = log p̃(x) − log q(x)`.
    Weighted {
        /// The draw from q.
        x: [f64; 2],
        /// Its log importance weight.
        log_w: f64,
    },
    /// The NaN guard fired: the sampler stopped (see [`Sampler2d::halted`]).
    Halted(SamplerError),
}

/// What can be wrong with a sampler's parameters or state.
#[derive(Clone, Debug, PartialEq)]
pub enum SamplerError {
    /// The temperature is not a positive finite number.
    Temperature(f64),
    /// A parameter that must be strictly positive and finite is not.
    NotPositive {
        /// Which parameter.
        what: &'static str,
        /// Its value.
        value: f64,
    },
    /// A parameter is NaN or infinite.
    NotFinite {
        /// Which parameter.
        what: &'static str,
        /// Its value.
        value: f64,
    },
    /// A parameter is outside its allowed range.
    OutOfRange {
        /// Which parameter.
        what: &'static str,
        /// Its value.
        value: f64,
        /// The allowed range, in words.
        allowed: &'static str,
    },
    /// A buffer or list has the wrong length.
    Length {
        /// Which buffer.
        what: &'static str,
        /// Expected length (or the maximum).
        expected: usize,
        /// Given length.
        got: usize,
    },
    /// A matrix that must be symmetric positive definite is not.
    NotPositiveDefinite {
        /// Which matrix.
        what: &'static str,
    },
    /// A transition matrix row is not a probability distribution.
    NotStochastic {
        /// The offending row.
        row: usize,
        /// Its sum (or the offending entry).
        value: f64,
    },
    /// The NaN guard: a position, energy or gradient became non-finite.
    Diverged {
        /// What became non-finite ("position", "energy", "gradient").
        what: &'static str,
        /// Where it happened (the chain's last finite position if that point is not finite).
        at: [f64; 2],
    },
    /// The current point has zero density (E = +∞, possibly by overflow after a divergence),
    /// so a gradient-based move is undefined.
    ZeroDensity {
        /// The point.
        at: [f64; 2],
    },
}

impl fmt::Display for SamplerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Temperature(t) => write!(f, "temperature must be > 0 and finite, got {t}"),
            Self::NotPositive { what, value } => {
                write!(f, "{what} must be > 0 and finite, got {value}")
            }
            Self::NotFinite { what, value } => {
                write!(f, "{what} must be a finite number, got {value}")
            }
            Self::OutOfRange {
                what,
                value,
                allowed,
            } => write!(f, "{what} must be {allowed}, got {value}"),
            Self::Length {
                what,
                expected,
                got,
            } => write!(f, "{what} has length {got}, expected {expected}"),
            Self::NotPositiveDefinite { what } => {
                write!(f, "{what} must be symmetric positive definite")
            }
            Self::NotStochastic { row, value } => write!(
                f,
                "row {row} of the transition matrix must have entries ≥ 0 summing to 1 \
                 (found {value})"
            ),
            Self::Diverged { what, at } => write!(
                f,
                "the chain diverged: its {what} became infinite or NaN after ({:.4}, {:.4}); \
                 the step size is probably too large",
                at[0], at[1]
            ),
            Self::ZeroDensity { at } => write!(
                f,
                "the point ({:.4}, {:.4}) has zero density (infinite energy): the chain \
                 started outside the support or its step size is too large",
                at[0], at[1]
            ),
        }
    }
}

impl std::error::Error for SamplerError {}

/// A Markov chain (or independent sampler) on the plane that reports its inner steps.
///
/// Every sampler keeps its position and halt reason in a `ChainState` and provides one
/// fallible transition (the crate-internal `Transition` trait); the NaN guard and the position
/// handling below are shared by all of them.
pub trait Sampler2d: Transition {
    /// One transition of the chain on `target`; emits events to `on`; returns the new state.
    /// After the NaN guard fired it does nothing and returns the last finite state.
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> [f64; 2] {
        if self.state().halted.is_none() {
            if let Err(e) = self.try_step(target, rng, on) {
                halt(&mut self.state_mut().halted, e, on);
            }
        }
        self.state().x
    }

    /// The current state.
    fn position(&self) -> [f64; 2] {
        self.state().x
    }

    /// Moves the chain to `x` (finite) and clears a halt.
    fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError> {
        let state = self.state_mut();
        state.x = check_point(x)?;
        state.halted = None;
        Ok(())
    }

    /// Why the sampler stopped, if the NaN guard fired.
    fn halted(&self) -> Option<&SamplerError> {
        self.state().halted.as_ref()
    }

    /// Acceptance statistics, for samplers with an accept/reject step.
    fn acceptance(&self) -> Option<AcceptanceCounter> {
        None
    }

    /// A short name ("rwmh", "mala", …).
    fn name(&self) -> &'static str;

    /// `k` steps (one animation frame's worth); stops early if the sampler halts.
    fn step_many(
        &mut self,
        k: usize,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> [f64; 2] {
        for _ in 0..k {
            if self.halted().is_some() {
                break;
            }
            self.step(target, rng, on);
        }
        self.position()
    }
}

/// What [`Sampler2d`]'s shared methods are built on. The module is private, so code outside
/// the crate can neither call these methods (and so bypass the NaN guard or the finiteness
/// check of `set_position`) nor implement [`Sampler2d`] for its own types.
mod chain {
    use super::{Energy2d, Event2d, Rng, SamplerError};

    /// The part of a sampler that every sampler has: where the chain is, and why it stopped
    /// if the NaN guard fired.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct ChainState {
        /// The current state (for independent samplers: the last draw).
        pub x: [f64; 2],
        /// Set by the NaN guard; cleared by `set_position`.
        pub halted: Option<SamplerError>,
    }

    impl ChainState {
        /// A running chain at `x0` (finite).
        pub fn new(x0: [f64; 2]) -> Result<Self, SamplerError> {
            Ok(Self {
                x: super::check_point(x0)?,
                halted: None,
            })
        }
    }

    /// One sampler transition without the NaN guard, plus access to the chain state.
    pub trait Transition {
        /// The position and halt state.
        fn state(&self) -> &ChainState;

        /// The position and halt state, mutably.
        fn state_mut(&mut self) -> &mut ChainState;

        /// One transition on `target`, reporting to `on`; returns the NaN guard's reason to
        /// halt instead of halting. Only called while the chain is not halted.
        fn try_step(
            &mut self,
            target: &dyn Energy2d,
            rng: &mut Rng,
            on: &mut OnEvent,
        ) -> StepResult;
    }

    /// The observer a step reports its events to.
    pub type OnEvent<'a> = dyn FnMut(Event2d) + 'a;

    /// What [`Transition::try_step`] returns: `Err` is the reason the chain must halt.
    pub type StepResult = Result<(), SamplerError>;
}

pub(crate) use chain::{ChainState, OnEvent, StepResult, Transition};

/// An event callback that ignores everything (for batch runs and tests).
pub fn ignore(_: Event2d) {}

/// Validates a temperature: finite, > 0, with finite 1/T. Returns `(T, 1/T)`.
pub fn check_temperature(t: f64) -> Result<(f64, f64), SamplerError> {
    let inv = 1.0 / t;
    if t.is_finite() && t > 0.0 && inv.is_finite() {
        Ok((t, inv))
    } else {
        Err(SamplerError::Temperature(t))
    }
}

/// Validates a strictly positive finite parameter.
pub(crate) fn check_positive(what: &'static str, value: f64) -> Result<f64, SamplerError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(SamplerError::NotPositive { what, value })
    }
}

/// Validates a count in `1..=max`; `allowed` says that range in words for the error.
pub(crate) fn check_count(
    what: &'static str,
    n: u32,
    max: u32,
    allowed: &'static str,
) -> Result<u32, SamplerError> {
    if (1..=max).contains(&n) {
        Ok(n)
    } else {
        Err(SamplerError::OutOfRange {
            what,
            value: f64::from(n),
            allowed,
        })
    }
}

/// Validates a finite point.
pub(crate) fn check_point(x: [f64; 2]) -> Result<[f64; 2], SamplerError> {
    for v in x {
        if !v.is_finite() {
            return Err(SamplerError::NotFinite {
                what: "position",
                value: v,
            });
        }
    }
    Ok(x)
}

#[inline]
pub(crate) fn is_finite2(x: [f64; 2]) -> bool {
    x[0].is_finite() && x[1].is_finite()
}

/// `U = E/T` and `∇U` at `x`; `Err` for a NaN/−∞ energy or a non-finite gradient, and
/// `ZeroDensity` for `E = +∞` (gradient-based samplers cannot move from there).
#[inline]
pub(crate) fn potential_and_grad(
    target: &dyn Energy2d,
    x: [f64; 2],
    inv_t: f64,
    grad: &mut [f64; 2],
) -> Result<f64, SamplerError> {
    let e = target.energy_and_grad(x, grad);
    if e == f64::INFINITY {
        return Err(SamplerError::ZeroDensity { at: x });
    }
    let u = e * inv_t;
    grad[0] *= inv_t;
    grad[1] *= inv_t;
    if !u.is_finite() {
        return Err(SamplerError::Diverged {
            what: "energy",
            at: x,
        });
    }
    if !is_finite2(*grad) {
        return Err(SamplerError::Diverged {
            what: "gradient",
            at: x,
        });
    }
    Ok(u)
}

/// Records a halt and tells the observer.
pub(crate) fn halt(
    slot: &mut Option<SamplerError>,
    err: SamplerError,
    on: &mut dyn FnMut(Event2d),
) {
    on(Event2d::Halted(err.clone()));
    *slot = Some(err);
}
