//! Sampling methods (lecture part 3, "Sampling Methods" to "Stochastic Gradient MCMC").
//!
//! Conventions used throughout:
//! - Targets are [`Energy2d`] landscapes; a sampler at temperature `T > 0` (finite, k = 1)
//!   targets `p(x) ∝ exp(−E(x)/T)`, i.e. `log p = −E/T` up to a constant. Temperatures are the
//!   core's one [`Temperature`](crate::temperature::Temperature) type; every parameter
//!   accepts one or a bare `f64`, validated the same way. We call
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
//! - Samplers whose state is a whole set of points moved together — SVGD particles, nested
//!   sampling's live points, parallel-tempering replicas, DE-MCMC-Z chains, AIS particles —
//!   implement [`Population2d`] instead of [`Sampler2d`]: the same step/event/NaN-guard shape,
//!   with `points()` in place of `position()` and events tagged with the member they concern.
//!
//! Files: [`direct`] (inverse CDF, central-limit construction, Box–Muller, `Lz + μ`),
//! [`importance`], [`markov_chain`], [`metropolis`], [`gibbs2d`], [`langevin`](mod@langevin), [`mala`],
//! [`hmc`], [`nuts`], [`chains`] (several chains at once), [`batch`] (many chains as arrays,
//! the particle mode), [`diagnostics`] (ESS, ACF, …),
//! [`bench`](mod@bench) (pure benchmark workloads); adaptive and population samplers:
//! [`adaptive_metropolis`], [`dual_averaging`] (step-size and mass-matrix warm-up for HMC and
//! NUTS), [`de_mcmc_z`], [`svgd`], [`nested`], [`tempering`], [`ais`], [`sgld`], [`mchmc`];
//! [`fault`] (deliberate defects for the tests' negative controls).

use std::fmt;

use super::fastmath::{exp, ln_1p};
use super::landscape::Energy2d;
use super::rng::Rng;
use super::temperature::{IntoTemperature, TemperatureError};

pub mod adaptive_metropolis;
pub mod ais;
pub mod batch;
pub mod bench;
pub mod chains;
pub mod de_mcmc_z;
pub mod diagnostics;
pub mod direct;
pub mod dual_averaging;
pub mod fault;
pub mod gibbs2d;
pub mod hmc;
pub mod importance;
pub mod langevin;
pub mod mala;
pub mod markov_chain;
pub mod mchmc;
pub mod metropolis;
pub mod nested;
pub mod nuts;
pub mod sgld;
pub mod svgd;
pub mod tempering;

pub use adaptive_metropolis::AdaptiveMetropolis;
pub use ais::{Ais, AisSettings};
pub use batch::{BatchKernel, BatchStep, ChainBatch};
pub use bench::{bench_population, bench_sgld, bench_steps};
pub use chains::Chains;
pub use de_mcmc_z::{DeMcmcZ, DeSettings};
pub use diagnostics::{
    autocorrelation, autocovariance, effective_sample_size, integrated_autocorrelation_time,
    monte_carlo_standard_error, AcceptanceCounter, RunningMoments,
};
pub use dual_averaging::{AdaptiveHamiltonian, DualAveraging, Warmup};
pub use gibbs2d::Gibbs2d;
pub use hmc::Hmc;
pub use importance::{ImportanceProposal, ImportanceSampler};
pub use langevin::{langevin, langevin_particles, Langevin, StepSchedule};
pub use mala::Mala;
pub use markov_chain::MarkovChain;
pub use mchmc::Mchmc;
pub use metropolis::{
    metropolis_hastings, DriftedGaussianWalk, GaussianWalk, Metropolis, Proposal2d,
};
pub use nested::{NestedSampling, NestedSettings};
pub use nuts::Nuts;
pub use sgld::Sgld;
pub use svgd::Svgd;
pub use tempering::ParallelTempering;

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
    /// The Gaussian proposal covariance an adaptive sampler uses from `at` (draw it as an
    /// ellipse centred on the current state).
    ProposalCovariance {
        /// The current state (the ellipse's centre).
        at: [f64; 2],
        /// The proposal covariance (symmetric positive definite).
        cov: [[f64; 2]; 2],
    },
    /// The step size ε used by iteration `iteration` (dual averaging, SGLD's schedule).
    StepSize {
        /// 0-based iteration.
        iteration: u64,
        /// The step size.
        eps: f64,
    },
    /// The acceptance statistic of one HMC/NUTS transition (dual averaging adapts ε so that
    /// its average during warm-up approaches the target δ).
    AcceptStat {
        /// The statistic, in [0, 1].
        value: f64,
        /// Whether this transition belonged to the warm-up (ε still adapting).
        warmup: bool,
    },
    /// DE-MCMC-Z: the archive pair `(a, b)` whose scaled difference `γ(a − b)` is the jump.
    ArchivePair {
        /// z_R1.
        a: [f64; 2],
        /// z_R2.
        b: [f64; 2],
        /// The scale γ.
        gamma: f64,
    },
    /// DE-MCMC-Z snooker update: the archive point `z` that fixes the jump's axis `x − z`.
    SnookerAxis {
        /// The archive point.
        z: [f64; 2],
    },
    /// DE-MCMC-Z appended the chains' current states to its past-states archive.
    ArchiveGrew {
        /// The archive's new size.
        size: usize,
    },
    /// SVGD: the two parts of the Stein direction φ at one particle (both already divided by n).
    SteinForce {
        /// The particle's position before the move.
        at: [f64; 2],
        /// Kernel-weighted average of the particles' scores `∇log p` (pulls towards mass).
        drive: [f64; 2],
        /// Average kernel gradient (pushes particles apart).
        repulsion: [f64; 2],
    },
    /// SVGD: the RBF bandwidth h of this step (median heuristic).
    Bandwidth {
        /// h in `k(x, x′) = exp(−|x − x′|²/h)`.
        h: f64,
    },
    /// Nested sampling: the lowest-likelihood live point died and a new one was drawn from
    /// the prior inside the contour `L > L*`.
    LivePointReplaced {
        /// The discarded point.
        dead: [f64; 2],
        /// Its log-likelihood ln L* (the current contour).
        log_l: f64,
        /// The replacement.
        born: [f64; 2],
    },
    /// Nested sampling: the prior volume inside the current contour, `ln X_i = −i/N`.
    PriorVolume {
        /// ln X.
        log_x: f64,
    },
    /// A running evidence (normalising constant) estimate with its standard error.
    Evidence {
        /// ln Ẑ.
        log_z: f64,
        /// Standard error of ln Ẑ.
        log_z_err: f64,
    },
    /// Parallel tempering: a swap attempt between replicas `lower` and `lower + 1`.
    Swap {
        /// The colder replica of the pair.
        lower: usize,
        /// Its acceptance probability α.
        prob: f64,
        /// Whether the states were exchanged.
        accepted: bool,
    },
    /// Annealed importance sampling moved on to inverse temperature β of its path.
    Anneal {
        /// β ∈ (0, 1].
        beta: f64,
    },
    /// SGLD: data point `index` is in this step's mini-batch.
    BatchMember {
        /// Index into the model's data.
        index: usize,
    },
    /// The NaN guard fired: the sampler stopped (see [`Sampler2d::halted`]).
    Halted(SamplerError),
}

/// The member index [`Population2d`] passes with events about the population as a whole
/// (evidence, bandwidth, archive growth, a halt).
pub const WHOLE: usize = usize::MAX;

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
    /// A rejection loop gave up (e.g. no prior draw above a nested-sampling contour).
    Stuck {
        /// What was being drawn.
        what: &'static str,
        /// How many candidates were tried.
        tries: u64,
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
            Self::Stuck { what, tries } => write!(
                f,
                "gave up drawing {what} after {tries} candidates: the region is too small \
                 (or the landscape too flat) for this sampler"
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

impl From<TemperatureError> for SamplerError {
    fn from(e: TemperatureError) -> Self {
        Self::Temperature(e.value)
    }
}

/// A Markov chain (or independent sampler) on the plane that reports its inner steps.
///
/// Every sampler keeps its position and halt reason in a `ChainState` and provides one
/// fallible transition (the crate-internal `Transition` trait); the NaN guard and the position
/// handling below are shared by all of them.
///
/// Sample the banana with MALA and measure the effective sample size:
///
/// ```
/// use energy_core::landscape::Banana;
/// use energy_core::rng::Rng;
/// use energy_core::sampler::{effective_sample_size, Mala, Sampler2d};
/// let target = Banana::default();
/// let mut chain = Mala::new([0.0, 0.0], 0.3, 1.0)?; // start, step size ε, temperature T
/// let mut rng = Rng::new(7);
/// let xs = chain.sample_n(2000, &target, &mut rng);
/// assert_eq!(xs.len(), 2000);
/// let x1: Vec<f64> = xs.iter().map(|x| x[0]).collect();
/// let ess = effective_sample_size(&x1);
/// assert!(ess > 10.0 && ess < 2000.0);
/// assert!(chain.acceptance().and_then(|a| a.rate()).is_some_and(|r| r > 0.5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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

    /// Draws `n` states into a new `Vec`: `n` steps on `target` (events ignored), keeping the
    /// state after each, as a script or a test wants them. If the NaN guard fires, the sampling
    /// stops there and the `Vec` holds only the states before the halt (check
    /// [`Sampler2d::halted`]). Consecutive states are correlated for the Markov-chain samplers;
    /// thin or use [`effective_sample_size`] accordingly.
    fn sample_n(&mut self, n: usize, target: &dyn Energy2d, rng: &mut Rng) -> Vec<[f64; 2]> {
        let mut out = Vec::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let x = self.step(target, rng, &mut ignore);
            if self.halted().is_some() {
                break;
            }
            out.push(x);
        }
        out
    }

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

/// A sampler whose state is a set of points moved together: SVGD particles, nested sampling's
/// live points, parallel-tempering replicas, DE-MCMC-Z chains, AIS particles.
///
/// The shape mirrors [`Sampler2d`]: `step` never draws on screen but reports [`Event2d`]s, here
/// tagged with the index of the member they concern ([`WHOLE`] for events about the whole
/// population); every random number comes from the caller's [`Rng`]; and the same NaN guard
/// applies (a non-finite position, energy or gradient stops the population with
/// [`Event2d::Halted`] until it is reset by the sampler's own methods). Points are read
/// without copying as `&[[f64; 2]]` (`.as_flattened()` gives the flat `[x₁, x₂, …]` view a
/// renderer wants). Samplers that end — nested sampling at its termination rule, AIS at β = 1
/// — report [`Population2d::is_finished`] and then leave their state alone.
pub trait Population2d: Evolve {
    /// One iteration on `target` (one SVGD move, one nested-sampling replacement, one sweep of
    /// every chain or replica, one annealing stage); events go to `on(member, event)`.
    /// Does nothing after a halt or once finished.
    fn step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut dyn FnMut(usize, Event2d)) {
        if self.halt_slot().is_none() && !self.is_finished() {
            if let Err(e) = self.try_evolve(target, rng, on) {
                on(WHOLE, Event2d::Halted(e.clone()));
                *self.halt_slot_mut() = Some(e);
            }
        }
    }

    /// `k` iterations (one animation frame's worth); stops early on a halt or at the end.
    fn step_many(
        &mut self,
        k: usize,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(usize, Event2d),
    ) {
        for _ in 0..k {
            if self.halted().is_some() || self.is_finished() {
                break;
            }
            self.step(target, rng, on);
        }
    }

    /// The members' current positions.
    fn points(&self) -> &[[f64; 2]];

    /// Why the population stopped, if the NaN guard fired.
    fn halted(&self) -> Option<&SamplerError> {
        self.halt_slot().as_ref()
    }

    /// Whether a sampler with an end (nested sampling, AIS) has reached it.
    fn is_finished(&self) -> bool {
        false
    }

    /// A short name ("svgd", "nested", …).
    fn name(&self) -> &'static str;
}

/// What [`Sampler2d`]'s and [`Population2d`]'s shared methods are built on. The module is
/// private, so code outside the crate can neither call these methods (and so bypass the NaN
/// guard or the finiteness check of `set_position`) nor implement the traits for its own
/// types.
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

    /// The observer a population step reports its member-tagged events to.
    pub type OnMember<'a> = dyn FnMut(usize, Event2d) + 'a;

    /// One population iteration without the NaN guard, plus access to the halt slot.
    pub trait Evolve {
        /// Why the population stopped, if it did.
        fn halt_slot(&self) -> &Option<SamplerError>;

        /// The halt slot, mutably.
        fn halt_slot_mut(&mut self) -> &mut Option<SamplerError>;

        /// One iteration on `target`; `Err` is the NaN guard's reason to halt. Only called
        /// while the population is neither halted nor finished.
        fn try_evolve(
            &mut self,
            target: &dyn Energy2d,
            rng: &mut Rng,
            on: &mut OnMember,
        ) -> StepResult;
    }

    /// What [`Transition::try_step`] returns: `Err` is the reason the chain must halt.
    pub type StepResult = Result<(), SamplerError>;
}

pub(crate) use chain::{ChainState, Evolve, OnEvent, OnMember, StepResult, Transition};

/// An event callback that ignores everything (for batch runs and tests).
pub fn ignore(_: Event2d) {}

/// Validates a sampler's temperature (a [`crate::temperature::Temperature`] or an `f64`,
/// through [`crate::temperature::Temperature::new`]): it must also be finite and > 0,
/// with finite 1/T, for `exp(−E/T)` to be a density. Returns `(T, 1/T)`.
pub fn check_temperature(t: impl IntoTemperature) -> Result<(f64, f64), SamplerError> {
    let t = t.into_temperature()?;
    if t.is_positive_finite() {
        Ok((t.value(), t.beta()))
    } else {
        Err(SamplerError::Temperature(t.value()))
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

/// `ln(eᵃ + eᵇ)` without overflow (`−∞` is the identity).
#[inline]
pub(crate) fn log_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY {
        return hi;
    }
    hi + ln_1p(exp(lo - hi))
}

/// `ln(eᵃ − eᵇ)` for `a ≥ b` (`−∞` when equal).
#[inline]
pub(crate) fn log_sub_exp(a: f64, b: f64) -> f64 {
    if b == f64::NEG_INFINITY {
        return a;
    }
    a + ln_1p(-exp(b - a))
}

/// A 2×2 symmetric positive-definite matrix's lower Cholesky factor `[l₁₁, l₂₁, l₂₂]`
/// (`Σ = LLᵀ`), or `None` if it is not positive definite.
#[inline]
pub(crate) fn cholesky2(c: [[f64; 2]; 2]) -> Option<[f64; 3]> {
    let l11 = c[0][0].sqrt();
    if !(l11 > 0.0 && l11.is_finite()) {
        return None;
    }
    let l21 = c[1][0] / l11;
    let d = c[1][1] - l21 * l21;
    let l22 = d.sqrt();
    (l22 > 0.0 && l22.is_finite() && l21.is_finite()).then_some([l11, l21, l22])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;

    #[test]
    fn sample_n_collects_the_states_a_loop_of_steps_visits() {
        let g = Gaussian::isotropic([0.5, -1.0], 1.2).expect("valid");
        let mut a = Metropolis::random_walk([0.0, 0.0], 0.8, 1.0).expect("valid");
        let mut b = a.clone();
        let got = a.sample_n(500, &g, &mut Rng::new(9));
        let mut rng = Rng::new(9);
        let want: Vec<[f64; 2]> = (0..500)
            .map(|_| b.step(&g, &mut rng, &mut ignore))
            .collect();
        assert_eq!(got, want);
        assert_eq!(a.position(), b.position());
        // A chain that halts stops early: the Vec holds only the states before the halt.
        let mut h = Hmc::new([1.0, 0.0], 1e9, 50, 1.0).expect("valid");
        let got = h.sample_n(10, &g, &mut Rng::new(4));
        assert!(h.halted().is_some());
        assert!(got.is_empty(), "{got:?}");
    }
}
