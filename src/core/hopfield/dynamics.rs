//! Deterministic Hopfield dynamics: asynchronous (one neuron at a time) and synchronous.
//!
//! Conventions: spins `yᵢ ∈ {−1, +1}`, zero temperature (no noise), local field
//! `zᵢ = hᵢ = Σ_{j≠i} wⱼᵢ yⱼ + bᵢ`, and the lecture's threshold
//! `Θ(z) = +1 if z > 0, −1 if z ≤ 0` (so a neuron with exactly zero field becomes −1).
//!
//! Asynchronous update `yᵢ ← Θ(hᵢ)` never raises the energy `E = −Σ_{i<j} wᵢⱼyᵢyⱼ − Σ bᵢyᵢ`
//! (Hopfield, PNAS 79, 1982): a flip changes E by `ΔE = 2 yᵢ⁻ hᵢ`, and a neuron only flips when
//! `yᵢ⁻ = +1, hᵢ ≤ 0` (ΔE = 2hᵢ ≤ 0) or `yᵢ⁻ = −1, hᵢ > 0` (ΔE = −2hᵢ < 0). The tie `hᵢ = 0`
//! flips `+1 → −1` at zero energy cost; since ties only ever move spins down, no cycle is possible
//! and the dynamics reach a fixed point in finitely many flips. A fixed point is declared after a
//! full sweep (every neuron visited once) without a single flip.
//!
//! The slide that says a neuron flips "if the sign of the neuron matches the sign of the field"
//! has a typo: it flips when the signs do *not* match, `yᵢ hᵢ < 0` (plus the tie case above).
//!
//! Self-couplings `wᵢᵢ ≥ 0` (set only by the projection rule) enter the update as part of the
//! neuron's own input: `yᵢ ← Θ(hᵢ + wᵢᵢ yᵢ)` ([`Network::drive`]). A neuron then flips only if
//! `yᵢ⁻ = +1, hᵢ ≤ −wᵢᵢ` (ΔE = 2hᵢ ≤ −2wᵢᵢ ≤ 0) or `yᵢ⁻ = −1, hᵢ > wᵢᵢ` (ΔE = −2hᵢ < 0), so both
//! statements above still hold; ties still only move spins down.
//!
//! Synchronous update `y ← Θ(Wy + b)` (all neurons at once) can end in a 2-cycle instead of a
//! fixed point (Goles-Chacc, Fogelman-Soulié & Pellegrin, Discrete Appl. Math. 12, 1985).

use std::fmt;

use super::network::{HopfieldError, Network, State};
use crate::rng::Rng;

/// Largest neuron count a [`Dynamics`] schedules (256×256 images in overlap mode).
pub const MAX_SCHEDULED_NEURONS: usize = 1 << 16;

/// The lecture's threshold `Θ(z) = +1 if z > 0, −1 if z ≤ 0` (NaN maps to −1).
#[inline]
pub fn theta(z: f64) -> i8 {
    if z > 0.0 {
        1
    } else {
        -1
    }
}

/// One asynchronous update of neuron `i` (`i < N`): `yᵢ ← Θ(hᵢ + wᵢᵢ yᵢ)` (`wᵢᵢ = 0` except
/// after the projection rule), using the fields the state keeps current. Returns whether the
/// neuron flipped; a flip updates every field and the energy in O(N).
#[inline]
pub fn update_neuron(net: &Network, state: &mut State, i: usize) -> bool {
    let target = theta(net.drive(i, state.fields()[i], state.y()[i])); // yᵢ ← Θ(hᵢ + wᵢᵢyᵢ)
    if target != state.y()[i] {
        state.flip(net, i);
        true
    } else {
        false
    }
}

/// Whether `state` (a state of `net`) is a fixed point of the dynamics: `Θ(hᵢ + wᵢᵢ yᵢ) = yᵢ`
/// for every neuron, read from the tracked fields (O(N)).
pub fn is_fixed_point(net: &Network, state: &State) -> bool {
    state
        .y()
        .iter()
        .zip(state.fields())
        .enumerate()
        .all(|(i, (&y, &h))| theta(net.drive(i, h, y)) == y)
}

/// Whether `y` (length N, ±1) is a fixed point of `net`, computing each field afresh (O(N²),
/// stops at the first unstable neuron). Used to test whether a stored pattern is a memory.
pub fn is_stable(net: &Network, y: &[i8]) -> bool {
    y.len() == net.n()
        && (0..net.n()).all(|i| theta(net.drive(i, net.local_field(y, i), y[i])) == y[i])
}

/// `E(y)` and whether `y` is a fixed point, from one O(N²) pass over the fields: the energy as
/// [`State`] takes it from fresh fields, `E = −½ Σᵢ yᵢ (hᵢ − bᵢ) − Σᵢ bᵢ yᵢ` (the same value as
/// [`Network::energy`] up to rounding), stability as [`is_stable`]. Half the work of calling
/// both, for a table of memories at N = 64².
pub fn energy_and_stability(net: &Network, y: &[i8]) -> (f64, bool) {
    let (mut pair, mut bias, mut stable) = (0.0f64, 0.0f64, y.len() == net.n());
    for (i, (&yi, &bi)) in y.iter().zip(net.bias()).enumerate() {
        let h = net.local_field(y, i);
        stable &= theta(net.drive(i, h, yi)) == yi;
        let (yf, bf) = (f64::from(yi), f64::from(bi));
        pair += yf * (h - bf);
        bias += bf * yf;
    }
    (-0.5 * pair - bias, stable)
}

/// A model whose neurons can be updated asynchronously one at a time. Implemented by
/// [`Dense`] (a [`Network`] with a [`State`]) and by the overlap-mode network, so one
/// [`Dynamics`] schedule drives both.
pub trait AsyncNeurons {
    /// Number of neurons N.
    fn neuron_count(&self) -> usize;
    /// Applies `yᵢ ← Θ(hᵢ)` to neuron `i < N`; returns `Some(ΔE)` if it flipped, `None` if not.
    fn update_neuron(&mut self, i: usize) -> Option<f64>;
    /// The current spin of neuron `i`.
    fn spin(&self, i: usize) -> i8;
}

/// A dense network together with a state on it, viewed as [`AsyncNeurons`].
#[derive(Debug)]
pub struct Dense<'a> {
    net: &'a Network,
    state: &'a mut State,
}

impl<'a> Dense<'a> {
    /// Pairs `net` with `state` (their sizes must match).
    pub fn new(net: &'a Network, state: &'a mut State) -> Result<Self, HopfieldError> {
        if state.y().len() != net.n() {
            return Err(HopfieldError::Shape {
                what: "state",
                expected: net.n(),
                got: state.y().len(),
            });
        }
        Ok(Self { net, state })
    }
}

impl AsyncNeurons for Dense<'_> {
    #[inline]
    fn neuron_count(&self) -> usize {
        self.net.n()
    }

    #[inline]
    fn update_neuron(&mut self, i: usize) -> Option<f64> {
        let delta = self.state.flip_delta(i); // ΔE = 2 yᵢ⁻ hᵢ, read before the flip
        update_neuron(self.net, self.state, i).then_some(delta)
    }

    #[inline]
    fn spin(&self, i: usize) -> i8 {
        self.state.y()[i]
    }
}

/// The order in which a sweep visits the neurons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Order {
    /// 0, 1, …, N−1 every sweep.
    Sequential,
    /// A fresh uniformly random permutation every sweep.
    Random,
}

/// What a running recall reports to an observer (e.g. the view animating it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RecallEvent {
    /// A neuron flipped.
    Flip {
        /// Which neuron.
        neuron: usize,
        /// Its new value (±1).
        to: i8,
        /// The energy change of the flip (≤ 0).
        delta_e: f64,
    },
    /// A sweep ended.
    SweepDone {
        /// Sweeps completed since the last restart, counting this one.
        sweep: usize,
        /// Flips during this sweep.
        flips: usize,
    },
    /// A full sweep without a flip: the state is a fixed point.
    Converged {
        /// Sweeps completed since the last restart, including the quiet one.
        sweeps: usize,
    },
}

/// The outcome of one neuron update.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepInfo {
    /// The neuron that was updated.
    pub neuron: usize,
    /// Whether it flipped.
    pub flipped: bool,
    /// The energy change (0 if it did not flip).
    pub delta_e: f64,
    /// Whether this update completed a sweep.
    pub sweep_completed: bool,
}

/// What a batch of updates did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunStats {
    /// Sweeps completed during the call.
    pub sweeps: usize,
    /// Flips during the call.
    pub flips: usize,
    /// Neuron updates (visits) during the call.
    pub updates: usize,
    /// Whether the most recent completed sweep had no flip (and none happened since).
    pub converged: bool,
}

/// The asynchronous schedule: the visiting order (a permutation buffer reused every sweep), a
/// cursor inside the current sweep, and counters. The UI can advance one neuron
/// ([`Dynamics::step_neuron`], and highlight [`Dynamics::next_neuron`]), `k` neurons per frame
/// ([`Dynamics::step_neurons`]), one sweep, or run to a fixed point. No step allocates.
#[derive(Clone, Debug)]
pub struct Dynamics {
    order: Order,
    perm: Vec<usize>,
    cursor: usize,
    sweep_flips: usize,
    sweeps: usize,
    flips: usize,
    converged: bool,
    last: Option<usize>,
}

impl Dynamics {
    /// A schedule for `n` neurons (`1 ≤ n ≤` [`MAX_SCHEDULED_NEURONS`]); in random order the
    /// first sweep's permutation is drawn from `rng` now, so [`Dynamics::next_neuron`] is known.
    pub fn new(n: usize, order: Order, rng: &mut Rng) -> Result<Self, HopfieldError> {
        if n == 0 || n > MAX_SCHEDULED_NEURONS {
            return Err(HopfieldError::Size {
                n,
                max: MAX_SCHEDULED_NEURONS,
            });
        }
        let mut d = Self {
            order,
            perm: (0..n).collect(),
            cursor: 0,
            sweep_flips: 0,
            sweeps: 0,
            flips: 0,
            converged: false,
            last: None,
        };
        d.restart(rng);
        Ok(d)
    }

    /// Number of neurons scheduled.
    pub fn n(&self) -> usize {
        self.perm.len()
    }

    /// The visiting order.
    pub fn order(&self) -> Order {
        self.order
    }

    /// Changes the visiting order and restarts.
    pub fn set_order(&mut self, order: Order, rng: &mut Rng) {
        self.order = order;
        self.restart(rng);
    }

    /// Starts afresh (call after the state was changed from outside, e.g. a new cue): cursor and
    /// counters to zero, a new permutation in random order.
    pub fn restart(&mut self, rng: &mut Rng) {
        self.cursor = 0;
        self.sweep_flips = 0;
        self.sweeps = 0;
        self.flips = 0;
        self.converged = false;
        self.last = None;
        // Shuffle from the identity: the new order then depends on `rng` alone, not on the
        // permutation an earlier run left behind (a replayed seed gives the same recall).
        for (k, p) in self.perm.iter_mut().enumerate() {
            *p = k;
        }
        self.new_order(rng);
    }

    fn new_order(&mut self, rng: &mut Rng) {
        match self.order {
            Order::Sequential => {
                for (k, p) in self.perm.iter_mut().enumerate() {
                    *p = k;
                }
            }
            Order::Random => rng.shuffle(&mut self.perm),
        }
    }

    /// The neuron the next update will visit (for highlighting).
    pub fn next_neuron(&self) -> usize {
        self.perm[self.cursor]
    }

    /// The neuron visited by the latest update, if any since the last restart.
    pub fn last_neuron(&self) -> Option<usize> {
        self.last
    }

    /// How many neurons of the current sweep have been visited.
    pub fn position_in_sweep(&self) -> usize {
        self.cursor
    }

    /// Sweeps completed since the last restart.
    pub fn sweeps(&self) -> usize {
        self.sweeps
    }

    /// Flips since the last restart.
    pub fn flips(&self) -> usize {
        self.flips
    }

    /// Whether the latest completed sweep had no flip and nothing flipped since.
    pub fn converged(&self) -> bool {
        self.converged
    }

    fn check<M: AsyncNeurons + ?Sized>(&self, model: &M) -> Result<(), HopfieldError> {
        if model.neuron_count() == self.perm.len() {
            Ok(())
        } else {
            Err(HopfieldError::Shape {
                what: "model (neurons)",
                expected: self.perm.len(),
                got: model.neuron_count(),
            })
        }
    }

    /// One update without the size check.
    #[inline]
    fn visit<M: AsyncNeurons + ?Sized>(
        &mut self,
        model: &mut M,
        rng: &mut Rng,
        on: &mut dyn FnMut(RecallEvent),
    ) -> StepInfo {
        let i = self.perm[self.cursor];
        self.last = Some(i);
        let outcome = model.update_neuron(i);
        if let Some(delta_e) = outcome {
            self.sweep_flips += 1;
            self.flips += 1;
            self.converged = false;
            on(RecallEvent::Flip {
                neuron: i,
                to: model.spin(i),
                delta_e,
            });
        }
        self.cursor += 1;
        let sweep_completed = self.cursor == self.perm.len();
        if sweep_completed {
            self.sweeps += 1;
            on(RecallEvent::SweepDone {
                sweep: self.sweeps,
                flips: self.sweep_flips,
            });
            // Convergence: a full sweep in which no neuron flipped.
            if self.sweep_flips == 0 {
                self.converged = true;
                on(RecallEvent::Converged {
                    sweeps: self.sweeps,
                });
            }
            self.sweep_flips = 0;
            self.cursor = 0;
            self.new_order(rng);
        }
        StepInfo {
            neuron: i,
            flipped: outcome.is_some(),
            delta_e: outcome.unwrap_or(0.0),
            sweep_completed,
        }
    }

    /// Updates the next neuron of the schedule.
    pub fn step_neuron<M: AsyncNeurons + ?Sized>(
        &mut self,
        model: &mut M,
        rng: &mut Rng,
        on: &mut dyn FnMut(RecallEvent),
    ) -> Result<StepInfo, HopfieldError> {
        self.check(model)?;
        Ok(self.visit(model, rng, on))
    }

    /// Up to `k` neuron updates (one animation frame); stops early when a sweep completes
    /// without flips (converged).
    pub fn step_neurons<M: AsyncNeurons + ?Sized>(
        &mut self,
        k: usize,
        model: &mut M,
        rng: &mut Rng,
        on: &mut dyn FnMut(RecallEvent),
    ) -> Result<RunStats, HopfieldError> {
        self.check(model)?;
        let mut stats = RunStats::default();
        for _ in 0..k {
            let s = self.visit(model, rng, on);
            stats.updates += 1;
            stats.flips += usize::from(s.flipped);
            if s.sweep_completed {
                stats.sweeps += 1;
                if self.converged {
                    break;
                }
            }
        }
        stats.converged = self.converged;
        Ok(stats)
    }

    /// Finishes the current sweep (a full sweep when called at its start). Returns the flips.
    pub fn sweep<M: AsyncNeurons + ?Sized>(
        &mut self,
        model: &mut M,
        rng: &mut Rng,
        on: &mut dyn FnMut(RecallEvent),
    ) -> Result<usize, HopfieldError> {
        self.check(model)?;
        let mut flips = 0;
        loop {
            let s = self.visit(model, rng, on);
            flips += usize::from(s.flipped);
            if s.sweep_completed {
                return Ok(flips);
            }
        }
    }

    /// Sweeps until a full sweep has no flip (a fixed point) or `max_sweeps` sweeps were done.
    /// Always sweeps at least once (unless `max_sweeps = 0`), so a state changed from outside is
    /// re-checked. Terminates: async dynamics reach a fixed point (module docs), and
    /// `max_sweeps` bounds the work regardless.
    pub fn run_to_fixed_point<M: AsyncNeurons + ?Sized>(
        &mut self,
        max_sweeps: usize,
        model: &mut M,
        rng: &mut Rng,
        on: &mut dyn FnMut(RecallEvent),
    ) -> Result<RunStats, HopfieldError> {
        self.check(model)?;
        let mut stats = RunStats::default();
        while stats.sweeps < max_sweeps {
            let start = self.cursor;
            let flips = self.sweep(model, rng, on)?;
            stats.updates += self.perm.len() - start;
            stats.flips += flips;
            stats.sweeps += 1;
            if self.converged {
                break;
            }
        }
        stats.converged = self.converged;
        Ok(stats)
    }
}

/// Sweeps a dense network's state once (see [`Dynamics::sweep`]). Returns the flips.
pub fn sweep(
    net: &Network,
    state: &mut State,
    dynamics: &mut Dynamics,
    rng: &mut Rng,
    on: &mut dyn FnMut(RecallEvent),
) -> Result<usize, HopfieldError> {
    dynamics.sweep(&mut Dense::new(net, state)?, rng, on)
}

/// Runs a dense network's state to a fixed point (see [`Dynamics::run_to_fixed_point`]).
pub fn run_to_fixed_point(
    net: &Network,
    state: &mut State,
    dynamics: &mut Dynamics,
    max_sweeps: usize,
    rng: &mut Rng,
    on: &mut dyn FnMut(RecallEvent),
) -> Result<RunStats, HopfieldError> {
    dynamics.run_to_fixed_point(max_sweeps, &mut Dense::new(net, state)?, rng, on)
}

/// What one synchronous step found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum SyncOutcome {
    /// The state changed and is not back where it was two steps ago.
    Moving,
    /// `Θ(Wy + b) = y`: nothing changed.
    FixedPoint,
    /// The new state equals the state two steps back (and differs from the previous one): the
    /// synchronous dynamics oscillate between two states forever.
    TwoCycle,
}

impl fmt::Display for SyncOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Moving => "moving",
            Self::FixedPoint => "fixed point",
            Self::TwoCycle => "2-cycle",
        })
    }
}

/// One synchronous step's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SyncStep {
    /// Neurons that changed.
    pub flips: usize,
    /// Fixed point, 2-cycle or still moving.
    pub outcome: SyncOutcome,
}

/// Synchronous (parallel) dynamics `y(t+1) = Θ(W y(t) + b)`, remembering `y(t−1)` to detect
/// 2-cycles. Buffers are allocated once.
#[derive(Clone, Debug)]
pub struct SyncDynamics {
    prev: Vec<i8>,
    next: Vec<i8>,
    has_prev: bool,
    steps: usize,
}

impl SyncDynamics {
    /// Buffers for `n` neurons (`1 ≤ n ≤` [`MAX_SCHEDULED_NEURONS`]).
    pub fn new(n: usize) -> Result<Self, HopfieldError> {
        if n == 0 || n > MAX_SCHEDULED_NEURONS {
            return Err(HopfieldError::Size {
                n,
                max: MAX_SCHEDULED_NEURONS,
            });
        }
        Ok(Self {
            prev: vec![0; n],
            next: vec![0; n],
            has_prev: false,
            steps: 0,
        })
    }

    /// Forgets the history (call after the state was changed from outside).
    pub fn restart(&mut self) {
        self.has_prev = false;
        self.steps = 0;
    }

    /// Synchronous steps since the last restart.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// One synchronous step: every neuron computes `Θ(hᵢ)` from the *old* state, then all change
    /// at once. The state's fields and energy stay current (changed neurons are applied one by
    /// one with `State::flip`, which gives the same final state since the targets were fixed
    /// beforehand).
    pub fn step(&mut self, net: &Network, state: &mut State) -> Result<SyncStep, HopfieldError> {
        let n = self.next.len();
        if net.n() != n || state.y().len() != n {
            return Err(HopfieldError::Shape {
                what: "network/state",
                expected: n,
                got: net.n().min(state.y().len()),
            });
        }
        let mut flips = 0;
        for (i, ((t, &h), &y)) in self
            .next
            .iter_mut()
            .zip(state.fields())
            .zip(state.y())
            .enumerate()
        {
            *t = theta(net.drive(i, h, y)); // y(t+1)ᵢ = Θ(Σ_j wⱼᵢ yⱼ(t) + bᵢ), j = i included
            flips += usize::from(*t != y);
        }
        if flips == 0 {
            return Ok(SyncStep {
                flips,
                outcome: SyncOutcome::FixedPoint,
            });
        }
        let cycle = self.has_prev && self.next == self.prev; // y(t+1) = y(t−1)
        self.prev.copy_from_slice(state.y());
        self.has_prev = true;
        for i in 0..n {
            if self.next[i] != state.y()[i] {
                state.flip(net, i);
            }
        }
        self.steps += 1;
        Ok(SyncStep {
            flips,
            outcome: if cycle {
                SyncOutcome::TwoCycle
            } else {
                SyncOutcome::Moving
            },
        })
    }

    /// Synchronous steps until a fixed point or a 2-cycle, at most `max_steps`.
    /// Returns the number of steps taken and the last outcome.
    pub fn run(
        &mut self,
        net: &Network,
        state: &mut State,
        max_steps: usize,
    ) -> Result<(usize, SyncOutcome), HopfieldError> {
        let mut outcome = SyncOutcome::Moving;
        for k in 0..max_steps {
            outcome = self.step(net, state)?.outcome;
            if outcome != SyncOutcome::Moving {
                return Ok((k + 1, outcome));
            }
        }
        Ok((max_steps, outcome))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop(_: RecallEvent) {}

    #[test]
    fn energy_and_stability_agree_with_energy_and_is_stable() {
        use crate::hopfield::{hebbian, HebbianScale};
        use crate::rng::Rng;
        let mut rng = Rng::new(5);
        let n = 60;
        let pats: Vec<Vec<i8>> = (0..4)
            .map(|_| (0..n).map(|_| rng.spin()).collect())
            .collect();
        let mut net = Network::new(n).expect("n");
        hebbian(&mut net, &pats, HebbianScale::PerPattern).expect("hebbian");
        for (i, b) in net.bias_mut().iter_mut().enumerate() {
            *b = (i % 7) as f32 * 0.01 - 0.03;
        }
        // Self-couplings (as the projection rule sets): stability reads hᵢ + wᵢᵢ yᵢ, not hᵢ.
        let d: Vec<f32> = (0..n).map(|i| if i % 3 == 0 { 1.5 } else { 0.0 }).collect();
        net.set_self_couplings(&d).expect("self-couplings");
        let mut seen = [false; 2];
        let randoms: Vec<Vec<i8>> = (0..20)
            .map(|_| (0..n).map(|_| rng.spin()).collect())
            .collect();
        for y in pats.iter().chain(&randoms) {
            let (e, stable) = energy_and_stability(&net, y);
            assert!((e - net.energy(y)).abs() <= 1e-9 * (1.0 + e.abs()), "{e}");
            assert_eq!(stable, is_stable(&net, y));
            seen[usize::from(stable)] = true;
        }
        assert_eq!(seen, [true, true], "both answers occur");
        // Strong self-couplings hold every spin where it is: every state is a fixed point.
        net.set_self_couplings(&vec![100.0; n])
            .expect("self-couplings");
        for y in &randoms {
            assert!(energy_and_stability(&net, y).1 && is_stable(&net, y));
        }
        // Never written: zero energy (bias aside), every pattern stable under a zero bias.
        let zero = Network::new(n).expect("n");
        assert_eq!(energy_and_stability(&zero, &pats[0]).0, 0.0);
    }

    #[test]
    fn theta_matches_lecture() {
        assert_eq!(theta(0.5), 1);
        assert_eq!(theta(0.0), -1);
        assert_eq!(theta(-0.0), -1);
        assert_eq!(theta(-2.0), -1);
        assert_eq!(theta(f64::NAN), -1);
    }

    #[test]
    fn tie_flips_plus_to_minus_at_zero_cost() {
        let net = Network::new(2).expect("size");
        let mut s = State::new(&net, vec![1, -1]).expect("state");
        assert!(update_neuron(&net, &mut s, 0));
        assert_eq!(s.y(), &[-1, -1]);
        assert_eq!(s.energy(), 0.0);
        assert!(!update_neuron(&net, &mut s, 1));
    }

    #[test]
    fn restart_order_depends_on_the_rng_alone() {
        let net = Network::new(16).expect("size");
        let mut s = State::new(&net, vec![1; 16]).expect("state");
        let mut used = Dynamics::new(16, Order::Random, &mut Rng::new(3)).expect("n");
        let mut model = Dense::new(&net, &mut s).expect("model");
        used.step_neurons(40, &mut model, &mut Rng::new(4), &mut noop)
            .expect("steps");
        used.restart(&mut Rng::new(9));
        let fresh = Dynamics::new(16, Order::Random, &mut Rng::new(9)).expect("n");
        assert_eq!(used.perm, fresh.perm);
    }

    #[test]
    fn sequential_sweeps_and_cursor() {
        let mut rng = Rng::new(1);
        // w01 = +1: neuron 1 follows neuron 0.
        let net = Network::from_parts(2, vec![0.0, 1.0, 1.0, 0.0], vec![0.0; 2]).expect("net");
        let mut s = State::new(&net, vec![1, -1]).expect("state");
        let mut d = Dynamics::new(2, Order::Sequential, &mut rng).expect("n");
        assert_eq!(d.next_neuron(), 0);
        let mut events = Vec::new();
        let st = d
            .step_neuron(
                &mut Dense::new(&net, &mut s).expect("dense"),
                &mut rng,
                &mut |e| events.push(e),
            )
            .expect("ok");
        // h0 = w01·y1 = −1 → y0 = −1.
        assert!(st.flipped && st.neuron == 0 && !st.sweep_completed);
        assert_eq!(d.next_neuron(), 1);
        let r = run_to_fixed_point(&net, &mut s, &mut d, 10, &mut rng, &mut |e| events.push(e))
            .expect("ok");
        assert!(r.converged);
        assert_eq!(s.y(), &[-1, -1]);
        assert!(matches!(
            events[0],
            RecallEvent::Flip {
                neuron: 0,
                to: -1,
                ..
            }
        ));
        assert!(events
            .iter()
            .any(|e| matches!(e, RecallEvent::Converged { sweeps: 2 })));
    }

    #[test]
    fn random_order_visits_each_neuron_once_per_sweep() {
        let mut rng = Rng::new(2);
        let n = 50;
        let net = Network::new(n).expect("size");
        let mut s = State::new(&net, vec![-1; n]).expect("state");
        let mut d = Dynamics::new(n, Order::Random, &mut rng).expect("n");
        let mut seen = vec![0usize; n];
        for _ in 0..3 * n {
            let i = d.next_neuron();
            let st = d
                .step_neuron(
                    &mut Dense::new(&net, &mut s).expect("dense"),
                    &mut rng,
                    &mut noop,
                )
                .expect("ok");
            assert_eq!(st.neuron, i);
            seen[i] += 1;
        }
        assert!(seen.iter().all(|&c| c == 3));
        assert!(d.converged());
    }

    #[test]
    fn sync_detects_two_cycle_and_fixed_point() {
        // W = −(11ᵀ − I): from all +1 every field is −3 → all −1 → fields +3 → all +1 …
        let n = 4;
        let mut w = vec![-1.0f32; n * n];
        for i in 0..n {
            w[i * n + i] = 0.0;
        }
        let net = Network::from_parts(n, w, vec![0.0; n]).expect("net");
        let mut s = State::new(&net, vec![1; n]).expect("state");
        let mut sd = SyncDynamics::new(n).expect("n");
        assert_eq!(
            sd.step(&net, &mut s).expect("ok").outcome,
            SyncOutcome::Moving
        );
        assert_eq!(s.y(), &[-1; 4]);
        let st = sd.step(&net, &mut s).expect("ok");
        assert_eq!(st.outcome, SyncOutcome::TwoCycle);
        assert_eq!(st.flips, 4);
        assert_eq!(s.y(), &[1; 4]);
        assert!((s.energy() - net.energy(s.y())).abs() < 1e-9);
        // The same network run asynchronously reaches a fixed point instead.
        let mut rng = Rng::new(3);
        let mut d = Dynamics::new(n, Order::Sequential, &mut rng).expect("n");
        let r = run_to_fixed_point(&net, &mut s, &mut d, 10, &mut rng, &mut noop).expect("ok");
        assert!(r.converged && is_fixed_point(&net, &s));
        // A ferromagnet: all +1 is a synchronous fixed point.
        let net = Network::from_parts(2, vec![0.0, 1.0, 1.0, 0.0], vec![0.0; 2]).expect("net");
        let mut s = State::new(&net, vec![1, 1]).expect("state");
        let mut sd = SyncDynamics::new(2).expect("n");
        assert_eq!(
            sd.run(&net, &mut s, 5).expect("ok"),
            (1, SyncOutcome::FixedPoint)
        );
    }

    #[test]
    fn validation() {
        let mut rng = Rng::new(4);
        assert!(Dynamics::new(0, Order::Random, &mut rng).is_err());
        assert!(SyncDynamics::new(0).is_err());
        let net = Network::new(3).expect("size");
        let mut s = State::new(&net, vec![1; 3]).expect("state");
        let mut d = Dynamics::new(4, Order::Random, &mut rng).expect("n");
        assert!(sweep(&net, &mut s, &mut d, &mut rng, &mut noop).is_err());
        let mut sd = SyncDynamics::new(4).expect("n");
        assert!(sd.step(&net, &mut s).is_err());
    }
}
