//! The temperature view's run: a grid of ±1 neurons storing glyph memories by Hebb's rule,
//! Gibbs sampling at temperature `T` (`P(yᵢ = +1 | rest) = σ(2hᵢ/T)`, [`super::super::gibbs`]),
//! retrieval by averaging the last `M` samples (lecture: `yᵢ = I[(1/M) Σ_{t=L−M+1}^{L} yᵢ(t) > 0]`)
//! with the overlap `m = ξ·y/N` of the last sample and of the average with every memory, and the
//! energy and temperature traces. Simulated annealing of the same state is in `annealing.rs`
//! ([`TempRun::toggle_anneal`]).
//!
//! The temperature is a validated [`Temperature`] stored once: a refused value (NaN, negative)
//! leaves it unchanged and says why.

use super::{Say, Tick};
use crate::boltzmann::{
    gibbs_sweep, Annealer, BoltzmannError, GibbsOrder, Network, SpinAverage, State, Temperature,
};
use crate::hopfield::{hebbian, HebbianScale};
use crate::pattern::{self, GLYPH_CHARS};
use crate::rng::Rng;
use crate::settings::{opt, Opt};
use crate::trace::Trace;

/// Grid sides offered (N = side² neurons).
pub const SIDES: [usize; 5] = [8, 12, 16, 24, 32];
pub(super) const SIDE_OPTS: [Opt; 5] = [
    opt("8", "8 × 8"),
    opt("12", "12 × 12"),
    opt("16", "16 × 16"),
    opt("24", "24 × 24"),
    opt("32", "32 × 32"),
];
/// Default grid side (an index into [`SIDES`]).
pub const DEFAULT_SIDE: usize = 2;
/// Most memories (glyphs and hand-stored states together).
pub const MAX_MEMORIES: usize = 8;
/// The default memories: glyphs that are Hebbian fixed points together at every grid side.
pub const DEFAULT_GLYPHS: &str = "AHOU";
/// Default temperature: low enough that a noisy cue relaxes towards its memory.
pub const DEFAULT_T: f64 = 0.2;
/// Default averaging window M.
pub const DEFAULT_M: usize = 20;
/// Default cue noise p.
pub const DEFAULT_NOISE: f64 = 0.15;
/// Work budget per tick, in weight-row updates (a sweep at high T flips about N/2 neurons, each
/// costing one row of N): bounds the sweeps per animation frame on large grids.
const WORK_PER_TICK: f64 = 4.0e6;
/// Points kept by the live traces.
const TRACE_CAP: usize = 1500;

/// How the annealing temperature falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScheduleKind {
    /// `T ← αT` (the lecture's scheme).
    Geometric,
    /// Equal steps over as many levels as the geometric schedule.
    Linear,
    /// `T(ℓ) = T_max ln 2 / ln(ℓ + 2)` (Geman & Geman 1984).
    Logarithmic,
}

/// Schedules in menu order.
pub const SCHEDULES: [ScheduleKind; 3] = [
    ScheduleKind::Geometric,
    ScheduleKind::Linear,
    ScheduleKind::Logarithmic,
];
pub(super) const SCHEDULE_OPTS: [Opt; 3] = [
    opt("geometric", "geometric T ← αT"),
    opt("linear", "linear"),
    opt("log", "logarithmic"),
];

/// Annealing settings (used when an anneal starts).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AnnealSettings {
    /// Starting temperature T_max.
    pub t_max: f64,
    /// Cooling factor α of the geometric schedule.
    pub alpha: f64,
    /// Sweeps per temperature level.
    pub k: usize,
    /// Cooling stops at the first level with T ≤ T_min.
    pub t_min: f64,
    /// How T falls.
    pub schedule: ScheduleKind,
}

impl Default for AnnealSettings {
    fn default() -> Self {
        Self {
            t_max: 5.0,
            alpha: 0.9,
            k: 5,
            t_min: 0.05,
            schedule: ScheduleKind::Geometric,
        }
    }
}

/// The temperature view's state.
pub struct TempRun {
    side: usize,
    glyphs: String,
    /// States stored by hand ("Store current"), on the current grid.
    hand: Vec<Vec<i8>>,
    memories: Vec<Vec<i8>>,
    names: Vec<String>,
    pub(super) net: Network,
    pub(super) state: State,
    e_stored: Option<f64>,
    t: Temperature,
    avg: SpinAverage,
    retrieved: Vec<i8>,
    overlaps_last: Vec<f64>,
    overlaps_avg: Vec<f64>,
    noise: f64,
    cue_next: usize,
    /// Annealing settings (take effect at the next start).
    pub anneal: AnnealSettings,
    pub(super) annealer: Option<Annealer>,
    pub(super) converged: bool,
    energy: Trace,
    temps: Trace,
    pub(super) sweeps: u64,
    pub(super) last_flips: usize,
    capped: Option<usize>,
    pub(super) rng: Rng,
}

fn glyph_error(text: &str) -> String {
    format!("memories must be up to {MAX_MEMORIES} letters or digits (A–Z, 0–9), got {text:?}")
}

impl TempRun {
    /// The default grid with the teaching glyphs and a noisy cue of the first, drawn from `rng`.
    pub fn new(rng: Rng) -> Self {
        let side = SIDES[DEFAULT_SIDE];
        let n = side * side;
        let net = Network::new(n).unwrap_or_else(|e| panic!("default grid: {e}"));
        let state = State::new(&net, vec![-1; n]).unwrap_or_else(|e| panic!("default grid: {e}"));
        let avg = SpinAverage::new(n, DEFAULT_M).unwrap_or_else(|e| panic!("default M: {e}"));
        let mut run = Self {
            side,
            glyphs: DEFAULT_GLYPHS.to_string(),
            hand: Vec::new(),
            memories: Vec::new(),
            names: Vec::new(),
            net,
            state,
            e_stored: None,
            t: Temperature::new(DEFAULT_T).unwrap_or(Temperature::ONE),
            avg,
            retrieved: vec![-1; n],
            overlaps_last: Vec::new(),
            overlaps_avg: Vec::new(),
            noise: DEFAULT_NOISE,
            cue_next: 0,
            anneal: AnnealSettings::default(),
            annealer: None,
            converged: false,
            energy: Trace::new(TRACE_CAP),
            temps: Trace::new(TRACE_CAP),
            sweeps: 0,
            last_flips: 0,
            capped: None,
            rng,
        };
        run.store();
        run.start();
        run
    }

    /// Starts over with `rng`: annealing stopped, the first memory cued afresh, traces from 0
    /// (the memories stay).
    pub fn restart(&mut self, rng: Rng) {
        self.rng = rng;
        self.start();
    }

    fn start(&mut self) {
        self.annealer = None;
        self.converged = false;
        self.last_flips = 0;
        self.cue_next = 0;
        self.cue();
        self.restart_traces();
    }

    /// Drops the states stored by hand (a link names only glyphs).
    pub fn forget_hand_memories(&mut self) {
        if !self.hand.is_empty() {
            self.hand.clear();
            self.store();
        }
    }

    // ----- reading ---------------------------------------------------------------------------

    /// Grid side.
    pub fn side(&self) -> usize {
        self.side
    }

    /// Number of neurons N = side².
    pub fn n(&self) -> usize {
        self.side * self.side
    }

    /// The glyphs stored (the link's `mem`).
    pub fn glyphs(&self) -> &str {
        &self.glyphs
    }

    /// The memories ξᵖ: the glyphs, then the states stored by hand.
    pub fn memories(&self) -> &[Vec<i8>] {
        &self.memories
    }

    /// The memories' names (a glyph, or `#k` for a state stored by hand).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The chain's state (the last sample y_L).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The lowest energy of a memory, if any is stored.
    pub fn memory_energy(&self) -> Option<f64> {
        self.e_stored
    }

    /// The Gibbs temperature T (0 is the deterministic limit).
    pub fn temperature(&self) -> f64 {
        self.t.value()
    }

    /// The temperature of the next sweep: the schedule's while annealing, else T.
    pub fn current_temperature(&self) -> f64 {
        self.annealer
            .as_ref()
            .map_or(self.t.value(), |a| a.temperature())
    }

    /// The averaging window M.
    pub fn window(&self) -> usize {
        self.avg.window()
    }

    /// Samples currently averaged (≤ M).
    pub fn averaged(&self) -> usize {
        self.avg.count()
    }

    /// Cue noise p.
    pub fn noise(&self) -> f64 {
        self.noise
    }

    /// Sweeps since the last restart (or anneal start).
    pub fn sweeps(&self) -> u64 {
        self.sweeps
    }

    /// Neurons flipped in the last sweep.
    pub fn last_flips(&self) -> usize {
        self.last_flips
    }

    /// The sweeps per tick the work budget allows at this size, when it limits the speed.
    pub fn capped(&self) -> Option<usize> {
        self.capped
    }

    /// Energy after each sweep.
    pub fn energy_trace(&self) -> &Trace {
        &self.energy
    }

    /// Temperature of each sweep.
    pub fn temperature_trace(&self) -> &Trace {
        &self.temps
    }

    /// The retrieved pattern `yᵢ = I[(1/M) Σ yᵢ(t) > 0]` over the last M samples (the current
    /// state while nothing is averaged yet), as of the last [`TempRun::update_retrieval`].
    pub fn retrieved(&self) -> &[i8] {
        &self.retrieved
    }

    /// Overlap `m = ξ·y/N` of the last sample with each memory.
    pub fn overlaps_last(&self) -> &[f64] {
        &self.overlaps_last
    }

    /// Overlap `m = ξ·ȳ/N` of the retrieved (averaged) pattern with each memory.
    pub fn overlaps_avg(&self) -> &[f64] {
        &self.overlaps_avg
    }

    /// The memory the retrieved pattern is closest to, by |m|: (index, m).
    pub fn nearest(&self) -> Option<(usize, f64)> {
        self.overlaps_avg
            .iter()
            .copied()
            .enumerate()
            .reduce(|a, b| if b.1.abs() > a.1.abs() { b } else { a })
    }

    /// Recomputes the retrieved pattern and both rows of overlaps.
    pub fn update_retrieval(&mut self) {
        if self.avg.count() == 0 || self.avg.retrieve(&mut self.retrieved).is_err() {
            self.retrieved.copy_from_slice(self.state.y());
        }
        self.overlaps_last.clear();
        self.overlaps_avg.clear();
        for m in &self.memories {
            self.overlaps_last
                .push(pattern::overlap(m, self.state.y()).unwrap_or(0.0));
            self.overlaps_avg
                .push(pattern::overlap(m, &self.retrieved).unwrap_or(0.0));
        }
    }

    // ----- settings --------------------------------------------------------------------------

    /// Sets T (the chain continues at the new temperature). NaN and negative values are
    /// refused and T stays as it was.
    pub fn set_temperature(&mut self, t: f64) -> Result<(), BoltzmannError> {
        self.t = Temperature::new(t)?;
        Ok(())
    }

    /// Sets the averaging window M (1 ≤ M ≤ 100 000; the average starts empty).
    pub fn set_window(&mut self, m: usize) -> Result<(), BoltzmannError> {
        if m != self.avg.window() {
            self.avg = SpinAverage::new(self.n(), m)?;
        }
        Ok(())
    }

    /// Sets the cue noise p ∈ [0, 1].
    pub fn set_noise(&mut self, p: f64) -> Result<(), String> {
        if !(0.0..=1.0).contains(&p) {
            return Err(format!("noise p must be in [0, 1], got {p}"));
        }
        self.noise = p;
        Ok(())
    }

    /// Stores the glyphs of `text` (letters or digits, at most [`MAX_MEMORIES`] with the states
    /// stored by hand) by Hebb's rule; the chain keeps its state under the new weights. An empty
    /// text stores nothing (W = 0).
    pub fn set_glyphs(&mut self, text: &str) -> Result<(), String> {
        let up = text.to_ascii_uppercase();
        if up.chars().count() + self.hand.len() > MAX_MEMORIES
            || !up.chars().all(|c| GLYPH_CHARS.contains(c))
        {
            return Err(glyph_error(text));
        }
        self.glyphs = up;
        self.store();
        Ok(())
    }

    /// Changes the grid side: glyphs are drawn again at the new size, the state and the states
    /// stored by hand are resampled; annealing stops.
    pub fn set_side(&mut self, side: usize) -> Result<(), String> {
        if side == self.side {
            return Ok(());
        }
        let (old, n) = (self.side, side * side);
        let resize = |y: &[i8]| pattern::resample(y, old, old, side, side);
        let hand: Result<Vec<Vec<i8>>, _> = self.hand.iter().map(|m| resize(m)).collect();
        let parts = (hand, resize(self.state.y()), Network::new(n));
        let (Ok(hand), Ok(y), Ok(net)) = parts else {
            return Err(format!("cannot resize the grid to {side}×{side}"));
        };
        let (Ok(state), Ok(avg)) = (State::new(&net, y), SpinAverage::new(n, self.window())) else {
            return Err(format!("cannot resize the grid to {side}×{side}"));
        };
        self.side = side;
        self.net = net;
        self.state = state;
        self.avg = avg;
        self.hand = hand;
        self.retrieved = vec![-1; n];
        self.annealer = None;
        self.store();
        Ok(())
    }

    /// Recomputes the memories and W by Hebb's rule, `wᵢⱼ = (1/N) Σₚ ξᵢᵖ ξⱼᵖ`, and what
    /// depends on them.
    fn store(&mut self) {
        let glyphs = pattern::glyphs(&self.glyphs, self.side, self.side).unwrap_or_default();
        self.names = self.glyphs.chars().map(String::from).collect();
        self.names.truncate(glyphs.len());
        self.memories = glyphs;
        for (k, h) in self.hand.iter().enumerate() {
            self.memories.push(h.clone());
            self.names.push(format!("#{}", k + 1));
        }
        if self.memories.is_empty()
            || hebbian(&mut self.net, &self.memories, HebbianScale::PerNeuron).is_err()
        {
            self.net.clear();
        }
        self.state.refresh(&self.net);
        self.e_stored = self
            .memories
            .iter()
            .map(|m| self.net.energy(m))
            .reduce(f64::min);
        self.cue_next = 0;
        self.avg.clear();
        self.update_retrieval();
    }

    // ----- actions ---------------------------------------------------------------------------

    /// Adds the current state to the memories (Hebb's rule is recomputed); says what happened.
    pub fn store_current(&mut self) -> Result<String, String> {
        let y = self.state.y();
        if let Some(k) = self
            .memories
            .iter()
            .position(|m| m.as_slice() == y || m.iter().zip(y).all(|(a, b)| *a == -*b))
        {
            return Ok(format!(
                "the current state is memory {} (or its inverse): nothing added",
                self.names[k]
            ));
        }
        if self.memories.len() >= MAX_MEMORIES {
            return Err(format!(
                "at most {MAX_MEMORIES} memories here (far beyond the Hebbian capacity of \
                 glyphs); clear some first"
            ));
        }
        self.hand.push(y.to_vec());
        self.store();
        Ok(format!(
            "stored the current state as memory #{} (drawn states are not part of the link)",
            self.hand.len()
        ))
    }

    /// Forgets every memory: W = 0.
    pub fn clear_memories(&mut self) {
        self.hand.clear();
        self.glyphs.clear();
        self.store();
    }

    /// Sets the state to the next memory with a fraction p of its neurons flipped (a random
    /// state if nothing is stored); says what it did.
    pub fn cue(&mut self) -> String {
        self.avg.clear();
        if self.memories.is_empty() {
            self.randomize();
            return "no memories: started from a random state".into();
        }
        let k = self.cue_next % self.memories.len();
        self.cue_next = k + 1;
        let (mem, rng, noise) = (&self.memories[k], &mut self.rng, self.noise);
        let _ = self.state.modify(&self.net, |y| {
            y.copy_from_slice(mem);
            let _ = pattern::flip_fraction(y, noise, rng);
        });
        self.update_retrieval();
        format!(
            "cue: memory {} with {:.0} % of its neurons flipped",
            self.names[k],
            100.0 * self.noise
        )
    }

    /// Flips a fraction p of the state's neurons.
    pub fn corrupt(&mut self) {
        let (rng, noise) = (&mut self.rng, self.noise);
        let _ = self.state.modify(&self.net, |y| {
            let _ = pattern::flip_fraction(y, noise, rng);
        });
        self.avg.clear();
        self.update_retrieval();
    }

    /// Every neuron ±1 with probability ½ (a hot start).
    pub fn randomize(&mut self) {
        let rng = &mut self.rng;
        let _ = self.state.modify(&self.net, |y| pattern::randomize(y, rng));
        self.avg.clear();
        self.update_retrieval();
    }

    /// Sets neuron (x, y) to `v` by hand; whether it changed.
    pub fn paint(&mut self, x: usize, y: usize, v: i8) -> bool {
        let i = y * self.side + x;
        if x < self.side && i < self.state.y().len() && self.state.y()[i] != v {
            // One flip keeps the fields and the energy current (O(N)).
            self.state.flip(&self.net, i);
            true
        } else {
            false
        }
    }

    // ----- running ---------------------------------------------------------------------------

    /// Up to `k` sweeps (capped by the work budget): Gibbs sweeps at T, or annealing sweeps
    /// while an anneal runs.
    pub fn tick(&mut self, k: usize) -> Tick {
        let n = self.n() as f64;
        let cap = (WORK_PER_TICK / (0.5 * n * n)).max(1.0) as usize;
        let k = k.min(cap);
        self.capped = (k == cap && cap < 10_000).then_some(cap);
        let tick = if self.annealer.is_some() {
            self.anneal_sweeps(k)
        } else {
            self.gibbs_sweeps(k)
        };
        self.update_retrieval();
        tick
    }

    fn gibbs_sweeps(&mut self, k: usize) -> Tick {
        for _ in 0..k {
            let r = gibbs_sweep(
                &self.net,
                &mut self.state,
                self.t,
                GibbsOrder::Sequential,
                &mut self.rng,
                &mut |_| {},
            );
            match r {
                Ok(f) => self.last_flips = f,
                Err(e) => return Tick::stop(Say::Warn(format!("sampling stopped: {e}"))),
            }
            self.sweeps += 1;
            if let Some(stop) = self.after_sweep(self.t.value()) {
                return stop;
            }
        }
        Tick::go()
    }

    /// Records one sweep at temperature `t`: the average and the traces. Stops on a
    /// non-finite energy.
    pub(super) fn after_sweep(&mut self, t: f64) -> Option<Tick> {
        let e = self.state.energy();
        if !e.is_finite() {
            return Some(Tick::stop(Say::Error(
                "the energy is not a finite number; sampling stopped (reset with r)".into(),
            )));
        }
        let _ = self.avg.push(self.state.y());
        let x = self.sweeps as f64;
        self.energy.push(x, e);
        self.temps.push(x, t);
        None
    }

    /// Empties the traces and the average and starts them at sweep 0 from the current state.
    pub(super) fn restart_traces(&mut self) {
        self.energy.clear();
        self.temps.clear();
        self.avg.clear();
        self.sweeps = 0;
        self.energy.push(0.0, self.state.energy());
        self.temps.push(0.0, self.current_temperature());
        self.update_retrieval();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(glyphs: &str, t: f64) -> TempRun {
        let mut r = TempRun::new(Rng::new(1));
        r.set_glyphs(glyphs).expect("glyphs");
        r.set_temperature(t).expect("T");
        r.restart(Rng::new(3));
        r
    }

    #[test]
    fn an_invalid_temperature_is_refused_and_t_kept() {
        let mut r = TempRun::new(Rng::new(1));
        r.set_temperature(0.7).expect("valid");
        for bad in [f64::NAN, -1.0, f64::NEG_INFINITY] {
            let e = r.set_temperature(bad).expect_err("refused");
            assert!(e.to_string().contains("temperature"), "{e}");
            assert_eq!(r.temperature(), 0.7);
        }
        r.set_temperature(0.0)
            .expect("T = 0 is the deterministic limit");
        assert_eq!(r.temperature(), 0.0);
    }

    #[test]
    fn averaging_uses_exactly_the_last_m_samples() {
        let mut r = run_with("A", 0.8);
        r.set_window(5).expect("M");
        r.restart(Rng::new(2));
        let mut samples = Vec::new();
        for _ in 0..12 {
            assert!(r.tick(1).go_on);
            samples.push(r.state().y().to_vec());
        }
        assert_eq!(r.averaged(), 5);
        let n = r.n();
        let last5 = &samples[samples.len() - 5..];
        for i in 0..n {
            let s: i32 = last5.iter().map(|y| i32::from(y[i])).sum();
            assert_eq!(r.retrieved()[i], if s > 0 { 1 } else { -1 }, "neuron {i}");
        }
        assert_eq!(r.sweeps(), 12);
        assert_eq!(r.energy_trace().points().len(), 13, "sweep 0 and 12 sweeps");
    }

    #[test]
    fn the_average_retrieves_a_memory_that_single_samples_only_approach() {
        // Two weakly overlapping glyphs (m(A, 1) = 0.25 on 16 × 16) at T = 0.5: single samples
        // keep a few percent of their neurons wrong, the average of the last 20 is A itself.
        let mut r = run_with("A1", 0.5);
        let mut last = Vec::new();
        for _ in 0..300 {
            r.tick(1);
            last.push(r.overlaps_last()[0]);
        }
        let mean_last = last[50..].iter().sum::<f64>() / (last.len() - 50) as f64;
        assert!(
            mean_last > 0.8 && mean_last < 0.97,
            "single samples: {mean_last}"
        );
        assert_eq!(r.overlaps_avg()[0], 1.0, "{:?}", r.overlaps_avg());
        assert!(r.overlaps_avg()[1] < 0.3, "{:?}", r.overlaps_avg());
        assert_eq!(r.nearest().map(|(k, _)| k), Some(0));
    }

    #[test]
    fn changing_t_or_noise_keeps_the_chain() {
        let mut r = run_with("AHOU", 0.2);
        r.tick(3);
        let y = r.state().y().to_vec();
        r.set_temperature(2.0).expect("T");
        r.set_noise(0.3).expect("p");
        assert_eq!(r.state().y(), &y[..]);
        assert_eq!(r.sweeps(), 3);
        assert_eq!(r.averaged(), 3);
    }

    #[test]
    fn glyph_memories_are_validated_and_resized_with_the_grid() {
        let mut r = TempRun::new(Rng::new(1));
        assert!(r.set_glyphs("A?").is_err());
        assert!(r.set_glyphs("ABCDEFGHI").is_err(), "more than 8");
        assert_eq!(r.glyphs(), "AHOU");
        r.set_glyphs("xo").expect("case-insensitive");
        assert_eq!(r.names(), ["X", "O"]);
        r.store_current().expect("stored");
        assert_eq!(r.memories().len(), 3);
        r.set_side(8).expect("resize");
        assert_eq!(r.memories().len(), 3);
        assert!(r.memories().iter().all(|m| m.len() == 64));
        assert_eq!(r.memories()[0], pattern::glyph('X', 8, 8).expect("glyph"));
        r.forget_hand_memories();
        assert_eq!(r.names(), ["X", "O"]);
        r.clear_memories();
        assert!(r.memories().is_empty() && r.memory_energy().is_none());
        assert!(r.network().weights().iter().all(|&w| w == 0.0));
    }

    #[test]
    fn cues_cycle_through_the_memories_with_exactly_pn_flips() {
        let mut r = run_with("AHOU", 0.2);
        r.set_noise(0.25).expect("p");
        r.cue();
        r.cue();
        // The restart cued A; these two cued H then O.
        let flips = pattern::hamming(&r.memories()[2], r.state().y()).expect("same size");
        assert_eq!(flips, 64, "round(0.25 · 256) neurons flipped");
    }
}
