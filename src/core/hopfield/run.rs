//! A run of the Hopfield lab, without the browser: the grid's state, the memory library, the
//! learning rule that builds W from it, corruption of the cue, and recall — asynchronous
//! (random or sequential order) or synchronous, on a dense network (N ≤ 64²) or through the
//! overlaps mₚ (128², 256²). Its parameters are the rows of [`TABLE`].
//!
//! **The library shown and the library saved.** A link or a lecture scene that brings memories
//! (`mem=`) shows them as a [`Origin::Link`] library: nothing the user saved is touched, and
//! edits to it are not saved until the user keeps it ([`HopfieldRun::keep_link_library`]). The
//! user's own library ([`Origin::Saved`]) is saved after each edit. A change of grid size keeps
//! every memory's original (as drawn, at its own size) and the last drawing, and resamples only
//! what is shown, so going 16 → 8 → 16 gives back exactly what was drawn.
//!
//! **Learning once per change.** Storing several glyphs, importing a library or changing the
//! size rebuilds W once, not once per memory.

use super::file::Library;
use super::{
    energy_and_stability, Dense, Dynamics, GradientTrainer, GradientVariant, Learner, Network,
    Order, OverlapNetwork, RecallEvent, SpuriousCount, State, SyncDynamics, SyncOutcome,
};
use crate::pattern::{self, Half};
use crate::rng::Rng;
use crate::settings::{opt, Opt, Range, Setting, Show, Table};
use crate::trace::Trace;

mod learn;
pub use learn::{Learned, Learning, SYNC_WORK};

/// Grid side lengths offered; sides above [`DENSE_MAX_SIDE`] use overlap mode.
pub const SIDES: [usize; 9] = [8, 12, 16, 24, 32, 48, 64, 128, 256];
const SIDE_OPTS: [Opt; 9] = [
    opt("8", "8 × 8"),
    opt("12", "12 × 12"),
    opt("16", "16 × 16"),
    opt("24", "24 × 24"),
    opt("32", "32 × 32"),
    opt("48", "48 × 48"),
    opt("64", "64 × 64"),
    opt("128", "128 × 128 (overlap mode)"),
    opt("256", "256 × 256 (overlap mode)"),
];
/// Largest side with a dense weight matrix (N = 4096).
pub const DENSE_MAX_SIDE: usize = 64;
/// Most memories the library holds.
pub const MAX_MEMORIES: usize = super::file::MAX_MEMORIES;
/// Random starts of "Count fake memories".
pub const SPURIOUS_STARTS: usize = 300;
/// Gradient-rule iterations run after the rule is chosen or the memories change.
pub const GRADIENT_STEPS: usize = 150;

/// How W is built from the memories.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `w_ij = (1/N_p) Σ_p y_i^p y_j^p` (the lecture's normalisation).
    Hebbian,
    /// Storkey (1997).
    Storkey,
    /// Projection W = Ξ(ΞᵀΞ)⁻¹Ξᵀ.
    PseudoInverse,
    /// The lecture's gradient rule, one of its variants (trained from Hebbian weights).
    Gradient(GradientVariant),
}

/// Rules in menu order.
pub const RULES: [Rule; 7] = [
    Rule::Hebbian,
    Rule::Storkey,
    Rule::PseudoInverse,
    Rule::Gradient(GradientVariant::RandomStates),
    Rule::Gradient(GradientVariant::Valleys),
    Rule::Gradient(GradientVariant::ValleysFromPatterns),
    Rule::Gradient(GradientVariant::Neighbourhood),
];
const RULE_OPTS: [Opt; 7] = [
    opt("hebbian", "Hebbian (1/Nₚ)"),
    opt("storkey", "Storkey"),
    opt("pinv", "Pseudo-inverse (projection)"),
    opt("grad-a", "Gradient (a): raise random states"),
    opt("grad-b", "Gradient (b): raise valleys from random starts"),
    opt(
        "grad-b2",
        "Gradient (b′): raise valleys reached from the patterns",
    ),
    opt("grad-c", "Gradient (c): SGD, raise the neighbourhood"),
];

/// How recall updates neurons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// One neuron at a time, a fresh random order every sweep.
    AsyncRandom,
    /// One neuron at a time, 0, 1, …, N−1.
    AsyncSequential,
    /// All neurons at once: y ← Θ(Wy + b).
    Sync,
}

/// Recall modes in menu order.
pub const MODES: [Mode; 3] = [Mode::AsyncRandom, Mode::AsyncSequential, Mode::Sync];
const MODE_OPTS: [Opt; 3] = [
    opt("async", "Asynchronous, random order"),
    opt("seq", "Asynchronous, sequential"),
    opt("sync", "Synchronous (all at once)"),
];

/// One stored memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Memory {
    /// The pattern at the grid's current size (±1).
    pub y: Vec<i8>,
    /// A short label: the glyph's character or "#k" for a drawn one.
    pub label: String,
    /// The glyph it came from (then a link can carry it, and every size draws it afresh).
    pub glyph: Option<char>,
    /// The pattern as stored, at the side it was stored at.
    original: (usize, Vec<i8>),
}

impl Memory {
    /// A memory stored at `side`.
    pub fn new(side: usize, y: Vec<i8>, label: String, glyph: Option<char>) -> Self {
        Self {
            original: (side, y.clone()),
            y,
            label,
            glyph,
        }
    }

    /// The pattern as stored and its side.
    pub fn original(&self) -> (usize, &[i8]) {
        (self.original.0, &self.original.1)
    }

    /// The pattern shown at `side`: the glyph drawn afresh, the original itself, or the original
    /// resampled.
    fn at(&self, side: usize) -> Vec<i8> {
        if let Some(g) = self.glyph.and_then(|c| pattern::glyph(c, side, side)) {
            return g;
        }
        resampled(&self.original.1, self.original.0, side)
    }
}

fn resampled(y: &[i8], from: usize, to: usize) -> Vec<i8> {
    if from == to {
        return y.to_vec();
    }
    pattern::resample(y, from, from, to, to).unwrap_or_else(|_| vec![-1; to * to])
}

/// The recall engine for the current grid: dense (W stored) or overlap mode.
enum Engine {
    Dense {
        net: Network,
        state: State,
    },
    Overlap {
        net: Option<OverlapNetwork>,
        y: Vec<i8>,
    },
}

/// What the last finished recall reached.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Still moving (or not started).
    Running,
    /// A fixed point (or a 2-cycle for synchronous updates) was reached: what, in words.
    Done(String),
}

/// Which library is on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The user's own library: saved after every edit.
    Saved,
    /// Memories a link or a lecture scene brought: shown, never saved unless kept.
    Link,
}

/// What changed since the browser last drew (taken with [`HopfieldRun::take_changes`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// The spins.
    pub grid: bool,
    /// Read-outs, the energy trace, overlaps.
    pub views: bool,
    /// The library's memories.
    pub library: bool,
    /// W (its heatmap, each memory's energy and stability).
    pub weights: bool,
    /// Something the saved entry holds (library or drawing) changed.
    pub store: bool,
}

/// Gradient training in progress or done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Training {
    /// Iterations done.
    pub iterations: usize,
    /// Memories that are fixed points after the last iteration.
    pub stable: usize,
    /// Memories.
    pub patterns: usize,
    /// Iterations still to run.
    pub left: usize,
}

/// The Hopfield lab's state.
pub struct HopfieldRun {
    side: usize,
    engine: Engine,
    memories: Vec<Memory>,
    origin: Origin,
    rule: Rule,
    mode: Mode,
    dynamics: Dynamics,
    sync: SyncDynamics,
    rng: Rng,
    seed: u64,
    /// The state recall starts from (the last edit); reset returns here.
    start: Vec<i8>,
    /// The last edit at the side it was made (resizing resamples from it).
    drawing: (usize, Vec<i8>),
    trace: Trace,
    updates: u64,
    /// Neurons changed by synchronous updates since recall started.
    sync_flips: usize,
    outcome: Outcome,
    highlight: Option<usize>,
    noise: f64,
    mix: f64,
    trainer: Option<GradientTrainer>,
    training: Option<Training>,
    /// W being built for the latest change, in slices (the engine keeps the old W meanwhile).
    job: Option<Learner>,
    /// Fake memories being counted, with the count's own random stream.
    counting: Option<(SpuriousCount, Rng)>,
    /// The memories, rule and side the engine's W was learnt from (Cancel returns to them).
    learned: Learned,
    /// The glyph a link's `cue=` corrupted (with `noise` and the seed), until the next edit.
    cue: Option<char>,
    changes: Changes,
}

fn n_of(side: usize) -> usize {
    side * side
}

impl HopfieldRun {
    /// An empty 16×16 network (no memories, every neuron −1) seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        let side = 16;
        let n = n_of(side);
        let mut rng = Rng::new(seed);
        let engine = dense_engine(n, vec![-1; n]).unwrap_or(Engine::Overlap {
            net: None,
            y: vec![-1; n],
        });
        let (dynamics, sync) = dynamics_for(n, Order::Random, &mut rng);
        Self {
            side,
            engine,
            memories: Vec::new(),
            origin: Origin::Saved,
            rule: Rule::Hebbian,
            mode: Mode::AsyncRandom,
            dynamics,
            sync,
            rng,
            seed,
            start: vec![-1; n],
            drawing: (side, vec![-1; n]),
            trace: Trace::new(1200),
            updates: 0,
            sync_flips: 0,
            outcome: Outcome::Running,
            highlight: None,
            noise: 0.25,
            mix: 0.3,
            trainer: None,
            training: None,
            job: None,
            counting: None,
            learned: Learned {
                memories: Vec::new(),
                rule: Rule::Hebbian,
                side,
            },
            cue: None,
            changes: Changes {
                grid: true,
                views: true,
                library: true,
                weights: true,
                store: false,
            },
        }
    }

    // ----- reading --------------------------------------------------------------------------

    /// Grid side.
    pub fn side(&self) -> usize {
        self.side
    }

    /// Number of neurons N = side².
    pub fn n(&self) -> usize {
        n_of(self.side)
    }

    /// The current spins.
    pub fn y(&self) -> &[i8] {
        match &self.engine {
            Engine::Dense { state, .. } => state.y(),
            Engine::Overlap { net: Some(o), .. } => o.y(),
            Engine::Overlap { y, .. } => y,
        }
    }

    /// Energy of the current state (overlap mode: the Hebbian 1/N energy; no memories: 0).
    pub fn energy(&self) -> f64 {
        match &self.engine {
            Engine::Dense { state, .. } => state.energy(),
            Engine::Overlap { net: Some(o), .. } => o.energy(),
            Engine::Overlap { .. } => 0.0,
        }
    }

    /// The dense network, if the grid has one (N ≤ 64²).
    pub fn network(&self) -> Option<&Network> {
        match &self.engine {
            Engine::Dense { net, .. } => Some(net),
            Engine::Overlap { .. } => None,
        }
    }

    /// Whether recall runs through the overlaps (no W stored).
    pub fn overlap_mode(&self) -> bool {
        self.side > DENSE_MAX_SIDE
    }

    /// The memories shown.
    pub fn memories(&self) -> &[Memory] {
        &self.memories
    }

    /// Which library is shown.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The learning rule.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// The rule's label.
    pub fn rule_name(&self) -> &'static str {
        let i = RULES.iter().position(|&r| r == self.rule).unwrap_or(0);
        RULE_OPTS[i].label
    }

    /// The rule's link key.
    pub fn rule_key(&self) -> &'static str {
        let i = RULES.iter().position(|&r| r == self.rule).unwrap_or(0);
        RULE_OPTS[i].key
    }

    /// How recall updates neurons.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Noise level p of "Add noise".
    pub fn noise(&self) -> f64 {
        self.noise
    }

    /// The energy trace (against sweeps).
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Neuron updates since recall started.
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// Neurons flipped since recall started (one at a time, or all at once).
    pub fn flips(&self) -> usize {
        if self.mode == Mode::Sync {
            self.sync_flips
        } else {
            self.dynamics.flips()
        }
    }

    /// What recall reached.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// The neuron updated next (asynchronous recall under way).
    pub fn highlight(&self) -> Option<usize> {
        self.highlight
    }

    /// Gradient training, if the rule is a gradient rule with memories.
    pub fn training(&self) -> Option<Training> {
        self.training
    }

    /// The glyph a link's `cue=` set, while it has not been edited.
    pub fn cue(&self) -> Option<char> {
        self.cue
    }

    /// The seed of the last reset.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// What changed since the last call.
    pub fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }

    /// The overlap m_p = ξᵖ·y/N of the state with each memory, into `out`.
    pub fn overlaps_into(&self, out: &mut Vec<f64>) {
        out.clear();
        let y = self.y();
        out.extend(
            self.memories
                .iter()
                .map(|m| pattern::overlap(&m.y, y).unwrap_or(0.0)),
        );
    }

    /// Memory k's energy E(ξᵏ) and whether it is a fixed point, under W (O(N²): at N = 64²
    /// a caller with a frame budget asks for one memory at a time). `None` without a dense W
    /// or for k out of range.
    pub fn memory_energy(&self, k: usize) -> Option<(f64, bool)> {
        let (net, m) = (self.network()?, self.memories.get(k)?);
        Some(energy_and_stability(net, &m.y))
    }

    // ----- editing the grid ----------------------------------------------------------------

    /// Replaces the state (after an edit): it becomes the new start of recall.
    pub fn set_state(&mut self, y: &[i8]) -> Result<(), String> {
        match &mut self.engine {
            Engine::Dense { net, state } => state.set(net, y).map_err(|e| e.to_string())?,
            Engine::Overlap { net: Some(o), .. } => o.set_state(y).map_err(|e| e.to_string())?,
            Engine::Overlap { y: slot, .. } => {
                if slot.len() != y.len() {
                    return Err(format!("{} cells for a grid of {}", y.len(), slot.len()));
                }
                slot.copy_from_slice(y);
            }
        }
        self.edited();
        Ok(())
    }

    /// Sets neuron `(x, y)` by hand (a stroke; call [`HopfieldRun::edited`] when it ends).
    pub fn paint(&mut self, x: usize, y: usize, v: i8) {
        if x >= self.side || y >= self.side {
            return;
        }
        let i = y * self.side + x;
        match &mut self.engine {
            Engine::Dense { net, state } => {
                if state.y()[i] != v {
                    state.flip(net, i);
                }
            }
            Engine::Overlap { net: Some(o), .. } => {
                if o.y()[i] != v {
                    o.flip(i);
                }
            }
            Engine::Overlap { y: ys, .. } => ys[i] = v,
        }
        self.changes.grid = true;
    }

    /// After any edit: the current state is the new start and the drawing; recall starts over.
    pub fn edited(&mut self) {
        self.changes.store = true;
        self.cue = None;
        let y = self.y().to_vec();
        self.drawing = (self.side, y.clone());
        self.start = y;
        self.restart_recall();
    }

    /// Applies `f` to a copy of the state and installs the result as the new start.
    fn edit(&mut self, f: impl FnOnce(&mut Vec<i8>, &mut Rng, usize) -> Result<(), String>) {
        let mut y = self.y().to_vec();
        let r = f(&mut y, &mut self.rng, self.side);
        if r.is_ok() {
            let _ = self.set_state(&y);
        }
    }

    /// Every neuron −1.
    pub fn clear_grid(&mut self) {
        self.edit(|y, _, _| {
            y.fill(-1);
            Ok(())
        });
    }

    /// Every neuron flipped (y → −y has the same energy).
    pub fn invert_grid(&mut self) {
        self.edit(|y, _, _| {
            pattern::invert(y);
            Ok(())
        });
    }

    /// Every neuron ±1 with probability ½.
    pub fn random_grid(&mut self) {
        self.edit(|y, rng, _| {
            pattern::randomize(y, rng);
            Ok(())
        });
    }

    /// Flips exactly round(p·N) random neurons.
    pub fn add_noise(&mut self) -> Result<(), String> {
        let p = self.noise;
        let mut out = Ok(());
        self.edit(|y, rng, _| {
            out = pattern::flip_fraction(y, p, rng)
                .map(|_| ())
                .map_err(|e| e.to_string());
            out.clone()
        });
        out
    }

    /// Blanks one half of the grid (the lecture's partial cue).
    pub fn occlude(&mut self, half: Half) {
        self.edit(|y, rng, side| {
            pattern::occlude_half(y, side, side, half, pattern::Fill::Off, rng)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
    }

    /// Covers the middle third of the grid with random pixels.
    pub fn occlude_centre(&mut self) {
        self.edit(|y, rng, side| {
            let (x0, w) = (side / 3, side - 2 * (side / 3));
            let rect = pattern::Rect {
                x: x0,
                y: x0,
                w,
                h: w,
            };
            pattern::occlude_rect(y, side, side, rect, pattern::Fill::Random, rng)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
    }

    /// Mixes in a fraction `mix` of the first stored memory that differs from the grid.
    pub fn mix_memory(&mut self) -> Result<(), String> {
        let other = self
            .memories
            .iter()
            .find(|m| m.y != self.y())
            .map(|m| m.y.clone())
            .ok_or("store a memory different from the grid to mix it in")?;
        let f = self.mix;
        self.edit(|y, rng, _| {
            pattern::mix(y, &other, f, rng)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
        Ok(())
    }

    /// Loads memory `k` into the grid (as a clean cue).
    pub fn load_memory(&mut self, k: usize) {
        if let Some(y) = self.memories.get(k).map(|m| m.y.clone()) {
            let _ = self.set_state(&y);
        }
    }

    /// Puts a glyph on the grid.
    pub fn load_glyph(&mut self, c: char) -> Result<(), String> {
        let y = pattern::glyph(c, self.side, self.side).ok_or(format!("no glyph for {c:?}"))?;
        self.set_state(&y)
    }

    // ----- size, mode, rule ----------------------------------------------------------------

    /// Switches to a `side × side` grid: memories are shown resampled from their originals (or
    /// drawn afresh if they are glyphs), the grid from the last drawing; W is rebuilt once.
    /// Nothing is saved by a change of size alone. Returns a note when the rule had to change.
    pub fn set_side(&mut self, side: usize) -> Result<Option<String>, String> {
        if side == self.side {
            return Ok(None);
        }
        if !SIDES.contains(&side) {
            return Err(format!("grid side {side} is not one of {SIDES:?}"));
        }
        let n = n_of(side);
        let y = resampled(&self.drawing.1, self.drawing.0, side);
        let engine = if side > DENSE_MAX_SIDE {
            Engine::Overlap {
                net: None,
                y: y.clone(),
            }
        } else {
            dense_engine(n, y.clone())?
        };
        self.engine = engine;
        let (d, s) = dynamics_for(n, self.order(), &mut self.rng);
        self.dynamics = d;
        self.sync = s;
        self.side = side;
        for m in &mut self.memories {
            m.y = m.at(side);
        }
        self.start = y;
        self.changes.library = true;
        self.relearn_quiet();
        Ok(None)
    }

    fn order(&self) -> Order {
        if self.mode == Mode::AsyncSequential {
            Order::Sequential
        } else {
            Order::Random
        }
    }

    /// Changes how recall updates neurons (recall restarts from the cue).
    pub fn set_mode(&mut self, mode: Mode) -> Result<(), String> {
        if mode == Mode::Sync && self.overlap_mode() {
            return Err("synchronous updates need the dense network (grids up to 64×64)".into());
        }
        self.mode = mode;
        let order = self.order();
        self.dynamics.set_order(order, &mut self.rng);
        self.restart_from_start();
        Ok(())
    }

    /// Chooses the learning rule and rebuilds W.
    pub fn set_rule(&mut self, rule: Rule) -> Result<(), String> {
        if self.overlap_mode() && rule != Rule::Hebbian {
            return Err(
                "grids above 64×64 store no weight matrix: only the Hebbian rule (through overlaps) applies"
                    .into(),
            );
        }
        self.rule = rule;
        self.relearn()
    }

    // ----- the library ---------------------------------------------------------------------

    fn library_edited(&mut self) {
        self.changes.library = true;
        self.changes.store = true;
    }

    /// Stores the current drawing as a memory.
    pub fn store_current(&mut self) -> Result<String, String> {
        let y = self.y().to_vec();
        if y.iter().all(|&v| v == y[0]) {
            return Err(
                "an all-blank or all-filled grid is not worth storing: draw something first".into(),
            );
        }
        let label = format!("#{}", self.memories.len() + 1);
        self.push(Memory::new(self.side, y, label.clone(), None))?;
        self.relearn()?;
        Ok(format!("stored {label} with the {} rule", self.rule_name()))
    }

    fn push(&mut self, m: Memory) -> Result<(), String> {
        if self.memories.len() >= MAX_MEMORIES {
            return Err(format!(
                "the library holds at most {MAX_MEMORIES} memories; remove one first"
            ));
        }
        if self.memories.iter().any(|o| o.y == m.y) {
            return Err(format!("{} is already stored", m.label));
        }
        self.memories.push(m);
        self.library_edited();
        Ok(())
    }

    /// Stores the glyphs of `text` (letters and digits), learning W once for all of them.
    /// Returns what was stored and what was refused.
    pub fn store_glyphs(&mut self, text: &str) -> (Vec<String>, Vec<String>) {
        let (mut added, mut refused) = (Vec::new(), Vec::new());
        for c in text.chars() {
            let c = c.to_ascii_uppercase();
            match pattern::glyph(c, self.side, self.side) {
                Some(y) => match self.push(Memory::new(self.side, y, c.to_string(), Some(c))) {
                    Ok(()) => added.push(c.to_string()),
                    Err(e) => refused.push(e),
                },
                None => refused.push(format!("no glyph for {c:?}: use 0–9 or A–Z")),
            }
        }
        if !added.is_empty() {
            if let Err(e) = self.relearn() {
                refused.push(e);
            }
        }
        (added, refused)
    }

    /// Replaces the memories by the glyphs of `text` (one learning pass).
    pub fn set_glyphs(&mut self, text: &str) -> (Vec<String>, Vec<String>) {
        self.memories.clear();
        self.library_edited();
        let r = self.store_glyphs(text);
        if r.0.is_empty() {
            let _ = self.relearn();
        }
        r
    }

    /// Removes memory `k`.
    pub fn remove_memory(&mut self, k: usize) -> Result<(), String> {
        if k < self.memories.len() {
            self.memories.remove(k);
            self.library_edited();
            self.relearn()?;
        }
        Ok(())
    }

    /// Forgets every memory (W = 0).
    pub fn clear_memories(&mut self) {
        self.memories.clear();
        self.library_edited();
        let _ = self.relearn();
    }

    /// Keeps the library a link brought as the user's own (it is saved from now on).
    pub fn keep_link_library(&mut self) {
        self.origin = Origin::Saved;
        self.changes.store = true;
        self.changes.library = true;
    }

    /// Marks the library shown as the user's saved one (after restoring it).
    pub fn set_origin(&mut self, origin: Origin) {
        self.origin = origin;
        self.changes.library = true;
    }

    /// Whether the saved entry should be rewritten now (the user's own library changed).
    pub fn wants_save(&mut self) -> bool {
        let store = std::mem::take(&mut self.changes.store);
        store && self.origin == Origin::Saved
    }

    /// The library, drawing and rule as a file, every memory at its original side when all
    /// share one (else at the current side).
    pub fn library(&self) -> Library {
        let side0 = self.memories.first().map(|m| m.original.0);
        let native = side0
            .filter(|s| self.memories.iter().all(|m| m.original.0 == *s) && self.drawing.0 == *s);
        let side = native.unwrap_or(self.side);
        Library {
            side,
            rule: self.rule_key().to_string(),
            memories: self
                .memories
                .iter()
                .map(|m| {
                    let y = if native.is_some() {
                        m.original.1.clone()
                    } else {
                        m.y.clone()
                    };
                    (m.label.clone(), y)
                })
                .collect(),
            drawing: Some(if native.is_some() {
                self.drawing.1.clone()
            } else {
                self.y().to_vec()
            }),
        }
    }

    /// Replaces the library, size, rule and drawing from a file (W learnt once); on any error
    /// nothing changes. Returns the number of memories.
    pub fn import(&mut self, lib: Library) -> Result<usize, String> {
        if !SIDES.contains(&lib.side) {
            return Err(format!(
                "grid side {} is not one the page offers ({SIDES:?})",
                lib.side
            ));
        }
        if lib.memories.len() > MAX_MEMORIES {
            return Err(format!("at most {MAX_MEMORIES} memories"));
        }
        let side = lib.side;
        let memories: Vec<Memory> = lib
            .memories
            .into_iter()
            .map(|(label, y)| {
                let glyph = label.chars().next().filter(|c| {
                    label.len() == 1 && pattern::glyph(*c, side, side).as_ref() == Some(&y)
                });
                Memory::new(side, y, label, glyph)
            })
            .collect();
        // The drawing first, so the resize shows it.
        if let Some(d) = &lib.drawing {
            self.drawing = (side, d.clone());
        }
        self.memories.clear();
        self.set_side(side)?;
        if let Some(i) = RULE_OPTS.iter().position(|o| o.key == lib.rule) {
            if side <= DENSE_MAX_SIDE || RULES[i] == Rule::Hebbian {
                self.rule = RULES[i];
            }
        }
        self.memories = memories;
        self.library_edited();
        self.relearn()?;
        if let Some(d) = lib.drawing {
            self.set_state(&d)?;
        }
        Ok(self.memories.len())
    }

    /// Shows the memories and cue a link brings, without touching the saved library: `mem`
    /// (glyphs) replaces the memories shown by a link library; `cue` puts that glyph on the grid
    /// and adds the noise from the seed (replays exactly). Returns messages for refused values.
    pub fn apply_link(&mut self, mem: Option<&str>, cue: Option<&str>) -> Vec<String> {
        let mut msgs = Vec::new();
        if let Some(mem) = mem {
            if mem.chars().count() <= MAX_MEMORIES && mem.chars().all(|c| c.is_ascii_alphanumeric())
            {
                self.origin = Origin::Link;
                let (_, refused) = self.set_glyphs(mem);
                msgs.extend(
                    refused
                        .into_iter()
                        .filter(|r| !r.contains("already stored")),
                );
            } else {
                msgs.push(format!(
                    "link setting mem={mem:?} must be up to {MAX_MEMORIES} letters or digits"
                ));
            }
        }
        if let Some(cue) = cue {
            match cue
                .chars()
                .next()
                .filter(|c| c.is_ascii_alphanumeric() && cue.len() == 1)
            {
                Some(c) => {
                    // Replays exactly: the corruption draws from the seed's stream.
                    self.rng = Rng::new(self.seed);
                    match self.load_glyph(c).and_then(|_| self.add_noise()) {
                        Ok(()) => self.cue = Some(c.to_ascii_uppercase()),
                        Err(e) => msgs.push(e),
                    }
                }
                None => msgs.push(format!(
                    "link setting cue={cue:?} must be one letter or digit"
                )),
            }
        }
        msgs
    }

    /// Starts counting where 300 random starts end (stored, inverse, spurious), with its own
    /// random stream forked from the run's. A small network is counted at once and the report
    /// returned; a large one is counted a sweep at a time by [`HopfieldRun::count_for`]
    /// (progress in [`HopfieldRun::counting`]), and `Ok(None)` says it has begun.
    pub fn count_spurious(&mut self) -> Result<Option<String>, String> {
        let Engine::Dense { net, .. } = &self.engine else {
            return Err(
                "spurious-state counting needs the dense network (grids up to 64×64)".into(),
            );
        };
        if self.memories.is_empty() {
            return Err("store some memories first".into());
        }
        if self.training_pending() {
            return Err("W is still being learnt: wait for it (or cancel it) first".into());
        }
        let pats: Vec<&[i8]> = self.memories.iter().map(|m| m.y.as_slice()).collect();
        let mut rng = self.rng.fork();
        let job =
            SpuriousCount::new(net, &pats, SPURIOUS_STARTS, &mut rng).map_err(|e| e.to_string())?;
        let small = (net.n() * net.n()) as u64 * SPURIOUS_STARTS as u64 <= learn::SYNC_WORK;
        self.counting = Some((job, rng));
        if small {
            return self.count_for(&mut || true).map(Some);
        }
        Ok(None)
    }

    /// Counting under way: starts done and in all.
    pub fn counting(&self) -> Option<(usize, usize)> {
        self.counting.as_ref().map(|(c, _)| c.progress())
    }

    /// Counts while `more()` (a sweep at a time); returns the report's sentence when done, an
    /// empty string while work is left (or nothing is being counted).
    pub fn count_for(&mut self, more: &mut dyn FnMut() -> bool) -> Result<String, String> {
        let (Engine::Dense { net, .. }, Some((job, rng))) = (&self.engine, self.counting.as_mut())
        else {
            return Ok(String::new());
        };
        let pats: Vec<&[i8]> = self.memories.iter().map(|m| m.y.as_slice()).collect();
        let done = job.advance(net, &pats, rng, more);
        self.changes.views = true; // the progress shown
        let r = match done {
            Ok(None) => return Ok(String::new()),
            Ok(Some(r)) => r,
            Err(e) => {
                self.counting = None;
                return Err(e.to_string());
            }
        };
        self.counting = None;
        Ok(format!(
            "{} random starts with {}: {} reached a stored pattern, {} an inverse, {} a spurious state ({} distinct){}",
            r.starts,
            self.rule_name(),
            r.to_pattern,
            r.to_inverse,
            r.spurious,
            r.distinct_spurious,
            if r.unconverged > 0 {
                format!(", {} did not converge", r.unconverged)
            } else {
                String::new()
            }
        ))
    }

    // ----- recall --------------------------------------------------------------------------

    /// Starts over from `seed`: recall returns to the cue with a fresh random order.
    pub fn reset(&mut self, seed: u64) {
        self.seed = seed;
        self.rng = Rng::new(seed);
        self.restart_from_start();
    }

    /// Starts recall again from the saved start state (keeping the memories).
    pub fn restart_from_start(&mut self) {
        let start = std::mem::take(&mut self.start);
        if start.len() != self.n() {
            if let Engine::Dense { net, state } = &mut self.engine {
                state.refresh(net);
            }
        } else {
            match &mut self.engine {
                Engine::Dense { net, state } => {
                    let _ = state.set(net, &start);
                }
                Engine::Overlap { net: Some(o), .. } => {
                    let _ = o.set_state(&start);
                }
                Engine::Overlap { y, .. } => y.copy_from_slice(&start),
            }
        }
        self.start = start;
        self.restart_recall();
    }

    fn restart_recall(&mut self) {
        self.dynamics.restart(&mut self.rng);
        self.sync.restart();
        self.trace.clear();
        self.updates = 0;
        self.sync_flips = 0;
        self.trace.push(0.0, self.energy());
        self.outcome = Outcome::Running;
        self.highlight = None;
        self.changes.grid = true;
        self.changes.views = true;
    }

    /// Neuron updates left in the current sweep (asynchronous; 1 for synchronous updates).
    pub fn left_in_sweep(&self) -> usize {
        if self.mode == Mode::Sync {
            1
        } else {
            self.n() - self.dynamics.position_in_sweep()
        }
    }

    /// `k` neuron updates (asynchronous) or `k` full updates (synchronous); stops at a fixed
    /// point or a 2-cycle and names what was reached.
    pub fn recall(&mut self, k: usize) -> Result<(), String> {
        // Recall waits while W is being built or trained.
        if self.outcome != Outcome::Running || self.training_pending() {
            return Ok(());
        }
        let n = self.n();
        let mut done: Option<String> = None;
        // A 2-cycle is not a state: it is not named as a memory or a spurious state.
        let mut cycle = false;
        let mut result = Ok(());
        match (self.mode, &mut self.engine) {
            (Mode::Sync, Engine::Dense { net, state }) => {
                for _ in 0..k {
                    match self.sync.step(net, state) {
                        Ok(step) => {
                            self.updates += n as u64;
                            self.sync_flips += step.flips;
                            self.trace
                                .push(self.updates as f64 / n as f64, state.energy());
                            let steps = self.sync.steps();
                            match step.outcome {
                                SyncOutcome::Moving => {}
                                SyncOutcome::TwoCycle => {
                                    cycle = true;
                                    done = Some(format!(
                                        "a 2-cycle after {steps} synchronous updates: all-at-once updates need not converge, because the energy argument holds only for one flip at a time"
                                    ));
                                    break;
                                }
                                _ => {
                                    done = Some(format!(
                                        "a fixed point after {steps} synchronous updates"
                                    ));
                                    break;
                                }
                            }
                        }
                        Err(e) => {
                            result = Err(e.to_string());
                            break;
                        }
                    }
                }
            }
            (Mode::Sync, Engine::Overlap { .. }) => {
                self.mode = Mode::AsyncRandom;
                return Err(
                    "synchronous updates need the dense network (grids up to 64×64)".into(),
                );
            }
            (_, engine) => {
                let mut sink = |_: RecallEvent| {};
                let stats = match engine {
                    Engine::Dense { net, state } => Dense::new(net, state).and_then(|mut m| {
                        self.dynamics
                            .step_neurons(k, &mut m, &mut self.rng, &mut sink)
                    }),
                    Engine::Overlap { net: Some(o), .. } => {
                        self.dynamics.step_neurons(k, o, &mut self.rng, &mut sink)
                    }
                    Engine::Overlap { .. } => {
                        self.outcome = Outcome::Done(
                            "no memories are stored, so every state is a fixed point".into(),
                        );
                        return Err(
                            "store a memory first: with no memories every state is a fixed point"
                                .into(),
                        );
                    }
                };
                match stats {
                    Ok(s) => {
                        self.updates += s.updates as u64;
                        let e = self.energy();
                        self.trace.push(self.updates as f64 / n as f64, e);
                        if s.converged {
                            done = Some(format!(
                                "a fixed point after {} sweeps ({} flips in all)",
                                self.dynamics.sweeps(),
                                self.dynamics.flips()
                            ));
                        }
                    }
                    Err(e) => result = Err(e.to_string()),
                }
            }
        }
        let stopped = done.is_some() || result.is_err();
        self.highlight = if stopped || self.mode == Mode::Sync {
            None
        } else {
            Some(self.dynamics.next_neuron())
        };
        if let Some(how) = done {
            self.outcome = Outcome::Done(if cycle {
                format!("Reached {how}. The state flips between two states forever.")
            } else {
                format!("Reached {how}: {}", self.classify())
            });
        } else if let Err(e) = &result {
            self.outcome = Outcome::Done(format!("Stopped: {e}"));
        }
        self.changes.grid = true;
        self.changes.views = true;
        result
    }

    /// Runs recall until it stops (at most `max_sweeps` sweeps).
    pub fn to_fixed_point(&mut self, max_sweeps: usize) -> Result<(), String> {
        let n = self.n();
        for _ in 0..max_sweeps {
            self.recall(if self.mode == Mode::Sync { 1 } else { n })?;
            if self.outcome != Outcome::Running {
                break;
            }
        }
        Ok(())
    }

    /// Names the current state: a stored pattern, an inverse, or a spurious state.
    pub fn classify(&self) -> String {
        let y = self.y();
        let best = self
            .memories
            .iter()
            .map(|m| (m, pattern::overlap(&m.y, y).unwrap_or(0.0)))
            .fold(None, |best: Option<(&Memory, f64)>, (m, o)| match best {
                Some((_, b)) if b.abs() >= o.abs() => best,
                _ => Some((m, o)),
            });
        match best {
            None => "no memories are stored, so this is just where the dynamics stopped".into(),
            Some((m, o)) if o >= 1.0 - 1e-9 => format!("stored pattern {} ✓", m.label),
            Some((m, o)) if o <= -1.0 + 1e-9 => format!(
                "the inverse of {} (stored with it: E(−y) = E(y) when b = 0)",
                m.label
            ),
            Some((m, o)) => format!(
                "a spurious state (“fake memory”); closest is {} with overlap {o:+.2}",
                m.label
            ),
        }
    }
}

impl HopfieldRun {
    /// Overlap mode (above 64 × 64) stores no W: only the Hebbian rule and asynchronous
    /// updates apply there. Repairs the rule and the mode after a change, saying what it did.
    fn fix(&mut self) -> Option<String> {
        if !self.overlap_mode() {
            return None;
        }
        let mut notes = Vec::new();
        if self.rule != Rule::Hebbian {
            self.rule = Rule::Hebbian;
            notes.push(format!(
                "{s}×{s} recalls through the overlaps m_p = ξᵖ·y/N (Hebbian weights, W never stored)",
                s = self.side
            ));
        }
        if self.mode == Mode::Sync {
            self.mode = Mode::AsyncRandom;
            let order = self.order();
            self.dynamics.set_order(order, &mut self.rng);
            notes.push(
                "synchronous updates need the dense network (grids up to 64×64); switched to asynchronous"
                    .into(),
            );
        }
        (!notes.is_empty()).then(|| notes.join("; "))
    }
}

fn dense_engine(n: usize, y: Vec<i8>) -> Result<Engine, String> {
    let net = Network::new(n).map_err(|e| e.to_string())?;
    let state = State::new(&net, y).map_err(|e| e.to_string())?;
    Ok(Engine::Dense { net, state })
}

fn dynamics_for(n: usize, order: Order, rng: &mut Rng) -> (Dynamics, SyncDynamics) {
    // n ≥ 64 here, which both constructors accept.
    let d = Dynamics::new(n.max(1), order, rng)
        .unwrap_or_else(|e| panic!("recall order for {n} neurons: {e}"));
    let s = SyncDynamics::new(n.max(1)).unwrap_or_else(|e| panic!("sync recall for {n}: {e}"));
    (d, s)
}

/// The Hopfield lab's settings, in the order a link applies them. The memories and cue a link
/// brings (`mem=`, `cue=`) are content, not settings: see [`HopfieldRun::apply_link`].
pub static TABLE: Table<HopfieldRun> = Table {
    rows: &[
        Setting::choice(
            "n",
            "Grid",
            "Grid side: N = side² neurons. Above 64 × 64 recall runs through the overlaps mₚ \
             without storing W",
            &SIDE_OPTS,
            2,
            |r| SIDES.iter().position(|&s| s == r.side).unwrap_or(0),
            |r, i| r.set_side(SIDES[i]).map(|_| ()),
        ),
        Setting::choice(
            "rule",
            "Rule",
            "How W is built from the memories: Hebb's rule, Storkey's, the projection, or the \
             lecture's gradient rule",
            &RULE_OPTS,
            0,
            |r| RULES.iter().position(|&x| x == r.rule).unwrap_or(0),
            |r, i| r.set_rule(RULES[i]),
        ),
        Setting::choice(
            "mode",
            "Updates",
            "Asynchronous: one neuron at a time (the energy never rises); synchronous: all at \
             once (may cycle)",
            &MODE_OPTS,
            0,
            |r| MODES.iter().position(|&m| m == r.mode).unwrap_or(0),
            |r, i| r.set_mode(MODES[i]),
        ),
        Setting::number(
            "noise",
            "Noise",
            "Fraction p of neurons “Add noise” flips (exactly round(p·N))",
            Range::lin(0.0, 0.5, 0.01).show(Show::Percent),
            0.25,
            |r| r.noise,
            |r, v| {
                r.noise = v;
                Ok(())
            },
        ),
        Setting::number(
            "mix",
            "Mix",
            "Fraction of pixels “Mix in another memory” copies from another stored pattern",
            Range::lin(0.0, 1.0, 0.05).show(Show::Percent),
            0.3,
            |r| r.mix,
            |r, v| {
                r.mix = v;
                Ok(())
            },
        ),
    ],
    fix: HopfieldRun::fix,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    fn starter(seed: u64) -> HopfieldRun {
        let mut r = HopfieldRun::new(seed);
        r.store_glyphs("AHOU");
        r.load_glyph('H').expect("glyph");
        r.add_noise().expect("noise");
        r
    }

    #[test]
    fn table_is_well_formed() {
        assert_eq!(TABLE.lint(), Vec::<String>::new());
    }

    #[test]
    fn resizing_keeps_drawn_originals() {
        let mut r = HopfieldRun::new(1);
        r.random_grid();
        r.store_current().expect("stored");
        let drawn = r.memories()[0].y.clone();
        r.set_side(8).expect("8");
        assert_eq!(r.memories()[0].y.len(), 64);
        r.set_side(16).expect("16");
        assert_eq!(
            r.memories()[0].y,
            drawn,
            "16 → 8 → 16 gives back the drawing"
        );
        assert_eq!(r.y(), &drawn[..], "and the grid too");
    }

    #[test]
    fn storing_glyphs_learns_once_and_recall_finds_them() {
        let mut r = starter(3);
        assert_eq!(r.memories().len(), 4);
        r.to_fixed_point(100).expect("recall");
        let Outcome::Done(what) = r.outcome() else {
            panic!("still running");
        };
        assert!(what.contains("stored pattern H"), "{what}");
    }

    #[test]
    fn a_link_library_is_never_saved_until_kept() {
        let mut r = starter(1);
        assert_eq!(r.origin(), Origin::Saved);
        let _ = r.wants_save();
        let msgs = r.apply_link(Some("ABCDE"), Some("C"));
        assert!(msgs.is_empty(), "{msgs:?}");
        assert_eq!(r.origin(), Origin::Link);
        assert!(!r.wants_save(), "a link's library is a view");
        r.store_current().expect("stored");
        assert!(!r.wants_save(), "edits to it are not saved either");
        r.keep_link_library();
        assert!(r.wants_save(), "kept: saved from now on");
        let _ = r.apply_link(Some(""), None);
        assert_eq!(r.memories().len(), 0, "an empty mem= shows no memories");
        assert!(!r.wants_save());
    }

    #[test]
    fn a_link_replays_exactly_whatever_came_before() {
        let link = Params::parse("#hopfield?n=32&rule=storkey&noise=0.3").expect("parse");
        let run = |seed_before: u64, side_before: &str| {
            let mut r = starter(seed_before);
            TABLE.set_text(&mut r, "n", side_before).expect("side");
            assert!(TABLE.load(&mut r, &link).is_empty());
            r.reset(9);
            r.apply_link(Some("AHOU"), Some("U"));
            r.to_fixed_point(100).expect("recall");
            (r.y().to_vec(), r.energy())
        };
        assert_eq!(run(1, "8"), run(2, "64"));
    }

    #[test]
    fn library_files_round_trip_at_the_original_side() {
        let mut r = HopfieldRun::new(4);
        r.random_grid();
        r.store_current().expect("stored");
        r.set_side(8).expect("8");
        let lib = r.library();
        assert_eq!(lib.side, 16, "written at the side it was drawn at");
        let mut back = HopfieldRun::new(5);
        assert_eq!(back.import(lib.clone()), Ok(1));
        assert_eq!(back.library(), lib);
    }

    #[test]
    fn a_two_cycle_is_named_as_such_with_its_flips() {
        let mut r = HopfieldRun::new(8);
        let _ = r.apply_link(Some("AHOU"), None);
        TABLE.set_text(&mut r, "mode", "sync").expect("sync");
        let _ = r.apply_link(None, Some("H"));
        // The lecture scene: 30 % noise on H, synchronous updates, seed 8.
        TABLE.set_text(&mut r, "noise", "0.3").expect("noise");
        r.reset(8);
        let _ = r.apply_link(None, Some("H"));
        r.to_fixed_point(50).expect("recall");
        let Outcome::Done(what) = r.outcome() else {
            panic!("running");
        };
        assert!(what.contains("2-cycle"), "{what}");
        assert!(
            !what.contains("spurious") && !what.contains("stored pattern"),
            "{what}"
        );
        assert!(r.flips() > 0, "flips are counted in synchronous mode");
    }

    #[test]
    fn refused_settings_leave_the_run_as_it_was() {
        let mut r = starter(1);
        TABLE.set_text(&mut r, "n", "128").expect("overlap mode");
        assert!(TABLE.set_text(&mut r, "rule", "storkey").is_err());
        assert!(TABLE.set_text(&mut r, "mode", "sync").is_err());
        assert_eq!(r.rule(), Rule::Hebbian);
        r.to_fixed_point(50).expect("recall");
        assert!(matches!(r.outcome(), Outcome::Done(_)));
    }
}
