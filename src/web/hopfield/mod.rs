//! The Hopfield lab (lecture part 1): draw a pattern, store memories with a chosen learning
//! rule, corrupt a cue, and watch asynchronous (or synchronous) recall lower the energy until it
//! reaches a stored pattern, its inverse, or a spurious state. Large grids (128², 256²) recall
//! through the overlaps `m_p` without storing W. A capacity experiment runs in slices.
//!
//! This file holds the lab's state and what happens on each action; `ui.rs` builds the controls,
//! `views.rs` draws, `capacity.rs` is the capacity panel.

mod capacity;
mod ui;
mod views;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::app::{mark_dirty, Lab};
use super::canvas::PixelLayer;
use super::grid::Paintable;
use super::status;
use super::storage;
use crate::core::hopfield::file::{self, Library};
use crate::core::hopfield::{
    hebbian, pseudo_inverse, storkey, Dense, Dynamics, GradientTrainer, GradientVariant,
    HebbianScale, Network, Order, OverlapNetwork, RecallEvent, State, SyncDynamics, SyncOutcome,
};
use crate::core::params::Params;
use crate::core::pattern;
use crate::core::rng::Rng;
use crate::core::trace::Trace;

/// Grid side lengths offered; sides above [`DENSE_MAX_SIDE`] use overlap mode.
pub const SIDES: [usize; 9] = [8, 12, 16, 24, 32, 48, 64, 128, 256];
/// Largest side with a dense weight matrix (N = 4096).
pub const DENSE_MAX_SIDE: usize = 64;
/// Most memories the library holds.
pub const MAX_MEMORIES: usize = file::MAX_MEMORIES;
/// Where the library and drawing are kept between visits (versioned with the file format).
pub const STORAGE_KEY: &str = "energy-playground/hopfield/v1";

/// How W is built from the memories.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `w_ij = (1/N_p) Σ_p y_i^p y_j^p` (the lecture's normalisation).
    Hebbian,
    /// Storkey (1997).
    Storkey,
    /// Projection W = Ξ(ΞᵀΞ)⁻¹Ξᵀ.
    PseudoInverse,
    /// The lecture's gradient rule, one of its three variants (trained from Hebbian weights).
    Gradient(GradientVariant),
}

/// Rules in menu order with their labels and URL names.
pub const RULES: [(Rule, &str, &str); 7] = [
    (Rule::Hebbian, "Hebbian (1/Nₚ)", "hebbian"),
    (Rule::Storkey, "Storkey", "storkey"),
    (Rule::PseudoInverse, "Pseudo-inverse (projection)", "pinv"),
    (
        Rule::Gradient(GradientVariant::RandomStates),
        "Gradient (a): raise random states",
        "grad-a",
    ),
    (
        Rule::Gradient(GradientVariant::Valleys),
        "Gradient (b): raise valleys from random starts",
        "grad-b",
    ),
    (
        Rule::Gradient(GradientVariant::ValleysFromPatterns),
        "Gradient (b′): raise valleys reached from the patterns",
        "grad-b2",
    ),
    (
        Rule::Gradient(GradientVariant::Neighbourhood),
        "Gradient (c): SGD, raise the neighbourhood",
        "grad-c",
    ),
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

/// Recall modes in menu order with labels and URL names.
pub const MODES: [(Mode, &str, &str); 3] = [
    (Mode::AsyncRandom, "Asynchronous, random order", "async"),
    (Mode::AsyncSequential, "Asynchronous, sequential", "seq"),
    (Mode::Sync, "Synchronous (all at once)", "sync"),
];

/// One stored memory.
pub struct Memory {
    /// The pattern (±1, the grid's size).
    pub y: Vec<i8>,
    /// A short label: the glyph's character or "#k" for a drawn one.
    pub label: String,
    /// Whether it came from a glyph (then the URL can carry it).
    pub glyph: Option<char>,
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
    /// Still moving.
    Running,
    /// A fixed point (or a 2-cycle for synchronous updates) was reached.
    Done(String),
}

/// The lab's state.
pub struct HopfieldLab {
    panel: HtmlElement,
    ui: ui::Ui,
    grid: PixelLayer,
    side: usize,
    engine: Engine,
    memories: Vec<Memory>,
    rule: Rule,
    mode: Mode,
    dynamics: Dynamics,
    sync: SyncDynamics,
    rng: Rng,
    seed: u64,
    /// The state recall starts from (the last edit); reset returns here.
    start: Vec<i8>,
    trace: Trace,
    /// Neuron updates since the start (x axis of the trace is updates / N).
    updates: u64,
    outcome: Outcome,
    highlight: Option<usize>,
    speed_hint: u32,
    erase: bool,
    noise: f64,
    mix: f64,
    trainer: Option<GradientTrainer>,
    training_left: usize,
    train_iters: usize,
    capacity: capacity::CapacityPanel,
    dirty_grid: bool,
    dirty_views: bool,
    dirty_library: bool,
    /// W changed: redraw the weights and each memory's energy and stability.
    dirty_weights: bool,
    /// W as f64 for the heatmap, reused between redraws.
    wbuf: Vec<f64>,
    /// The library or drawing changed since it was last saved to storage.
    dirty_store: bool,
    /// The glyph a link's `cue=` corrupted (with `noise` and the seed), until the next edit.
    cue: Option<char>,
}

fn n_of(side: usize) -> usize {
    side * side
}

impl HopfieldLab {
    /// Builds the lab (hidden until its tab is chosen), with the teaching set stored and a
    /// noisy cue ready, so Play shows recall at once.
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let side = 16;
        let n = n_of(side);
        let mut rng = Rng::new(seed);
        let (panel, ui, grid, cap_root) = ui::Ui::build(side)?;
        let capacity = capacity::CapacityPanel::new(&cap_root)?;
        let net = Network::new(n).map_err(err)?;
        let state = State::new(&net, vec![-1; n]).map_err(err)?;
        let dynamics = Dynamics::new(n, Order::Random, &mut rng).map_err(err)?;
        let sync = SyncDynamics::new(n).map_err(err)?;
        let lab = Rc::new(RefCell::new(Self {
            panel,
            ui,
            grid,
            side,
            engine: Engine::Dense { net, state },
            memories: Vec::new(),
            rule: Rule::Hebbian,
            mode: Mode::AsyncRandom,
            dynamics,
            sync,
            rng,
            seed,
            start: vec![-1; n],
            trace: Trace::new(1200),
            updates: 0,
            outcome: Outcome::Running,
            highlight: None,
            speed_hint: 1,
            erase: false,
            noise: 0.25,
            mix: 0.3,
            trainer: None,
            training_left: 0,
            train_iters: 0,
            capacity,
            dirty_grid: true,
            dirty_views: true,
            dirty_library: true,
            dirty_weights: true,
            wbuf: Vec::new(),
            dirty_store: false,
            cue: None,
        }));
        {
            let mut l = lab.borrow_mut();
            if !l.restore() {
                l.store_glyphs("AHOU");
                l.load_glyph('H');
                l.add_noise();
            }
        }
        ui::wire(&lab)?;
        super::grid::wire(&lab)?;
        capacity::wire(&lab)?;
        Ok(lab)
    }

    // ----- state access -------------------------------------------------------------------

    /// The current spins.
    fn y(&self) -> &[i8] {
        match &self.engine {
            Engine::Dense { state, .. } => state.y(),
            Engine::Overlap { net: Some(o), .. } => o.y(),
            Engine::Overlap { y, .. } => y,
        }
    }

    /// The energy of the current state (overlap mode: the Hebbian 1/N energy; no memories: 0).
    fn energy(&self) -> f64 {
        match &self.engine {
            Engine::Dense { state, .. } => state.energy(),
            Engine::Overlap { net: Some(o), .. } => o.energy(),
            Engine::Overlap { .. } => 0.0,
        }
    }

    /// Replaces the state (after an edit): it becomes the new start of recall.
    fn set_state(&mut self, y: &[i8]) {
        match &mut self.engine {
            Engine::Dense { net, state } => {
                if let Err(e) = state.set(net, y) {
                    status::warn(&e.to_string());
                }
            }
            Engine::Overlap { net: Some(o), .. } => {
                if let Err(e) = o.set_state(y) {
                    status::warn(&e.to_string());
                }
            }
            Engine::Overlap { y: slot, .. } => slot.copy_from_slice(y),
        }
        self.edited();
    }

    /// Applies `f` to a copy of the state and installs the result as the new start.
    fn edit(&mut self, f: impl FnOnce(&mut Vec<i8>, &mut Rng, usize)) {
        let mut y = self.y().to_vec();
        f(&mut y, &mut self.rng, self.side);
        self.set_state(&y);
    }

    /// After any edit: the current state is the new start; recall starts over.
    fn edited(&mut self) {
        self.dirty_store = true;
        if self.cue.take().is_some() {
            mark_dirty();
        }
        let mut start = std::mem::take(&mut self.start);
        start.clear();
        start.extend_from_slice(self.y());
        self.start = start;
        self.restart_recall();
    }

    fn restart_recall(&mut self) {
        self.dynamics.restart(&mut self.rng);
        self.sync.restart();
        self.trace.clear();
        self.updates = 0;
        self.trace.push(0.0, self.energy());
        self.outcome = Outcome::Running;
        self.highlight = None;
        self.dirty_grid = true;
        self.dirty_views = true;
    }

    // ----- grid size ----------------------------------------------------------------------

    /// Switches to a `side × side` grid, resampling the drawing and every memory.
    pub fn set_side(&mut self, side: usize) {
        if side == self.side || !SIDES.contains(&side) {
            return;
        }
        let old = self.side;
        let resample = |src: &[i8]| {
            pattern::resample(src, old, old, side, side).unwrap_or_else(|_| vec![-1; side * side])
        };
        let y = resample(self.y());
        for m in &mut self.memories {
            m.y = match m.glyph.and_then(|c| pattern::glyph(c, side, side)) {
                Some(g) => g,
                None => resample(&m.y),
            };
        }
        let n = n_of(side);
        self.side = side;
        let engine = if side > DENSE_MAX_SIDE {
            Ok(Engine::Overlap {
                net: None,
                y: y.clone(),
            })
        } else {
            Network::new(n).and_then(|net| {
                State::new(&net, y.clone()).map(|state| Engine::Dense { net, state })
            })
        };
        match engine {
            Ok(e) => self.engine = e,
            Err(e) => {
                status::warn(&e.to_string());
                return;
            }
        }
        match (
            Dynamics::new(n, self.order(), &mut self.rng),
            SyncDynamics::new(n),
        ) {
            (Ok(d), Ok(s)) => {
                self.dynamics = d;
                self.sync = s;
            }
            (Err(e), _) | (_, Err(e)) => status::warn(&e.to_string()),
        }
        self.grid.resize(side as u32, side as u32);
        if side > DENSE_MAX_SIDE && self.rule != Rule::Hebbian {
            self.rule = Rule::Hebbian;
            self.ui.set_rule(Rule::Hebbian);
            status::info(&format!(
                "{side}×{side} recalls through the overlaps m_p = ξᵖ·y/N (Hebbian weights, W never stored)"
            ));
        }
        self.ui.set_overlap_mode(side > DENSE_MAX_SIDE);
        self.relearn();
        self.set_state(&y);
        self.dirty_library = true;
        mark_dirty();
    }

    fn order(&self) -> Order {
        if self.mode == Mode::AsyncSequential {
            Order::Sequential
        } else {
            Order::Random
        }
    }

    /// Changes how recall updates neurons.
    pub fn set_mode(&mut self, mode: Mode) {
        self.mode = mode;
        let order = self.order();
        self.dynamics.set_order(order, &mut self.rng);
        self.restart_from_start();
        mark_dirty();
    }

    // ----- memories -----------------------------------------------------------------------

    /// Stores the current drawing as a memory.
    pub fn store_current(&mut self) {
        let y = self.y().to_vec();
        if y.iter().all(|&v| v == y[0]) {
            status::warn(
                "an all-blank or all-filled grid is not worth storing: draw something first",
            );
            return;
        }
        let k = self.memories.len() + 1;
        self.push_memory(Memory {
            y,
            label: format!("#{k}"),
            glyph: None,
        });
    }

    fn push_memory(&mut self, m: Memory) -> bool {
        if self.memories.len() >= MAX_MEMORIES {
            status::warn(&format!(
                "the library holds at most {MAX_MEMORIES} memories; remove one first"
            ));
            return false;
        }
        if self.memories.iter().any(|o| o.y == m.y) {
            status::info(&format!("{} is already stored", m.label));
            return false;
        }
        self.memories.push(m);
        self.relearn();
        self.dirty_library = true;
        mark_dirty();
        true
    }

    /// Stores the glyphs of `text` (letters and digits).
    pub fn store_glyphs(&mut self, text: &str) {
        let mut added = Vec::new();
        for c in text.chars() {
            match pattern::glyph(c, self.side, self.side) {
                Some(y) => {
                    let label = c.to_ascii_uppercase().to_string();
                    if self.push_memory(Memory {
                        y,
                        label: label.clone(),
                        glyph: Some(c.to_ascii_uppercase()),
                    }) {
                        added.push(label);
                    }
                }
                None => status::warn(&format!("no glyph for {c:?}: use 0–9 or A–Z")),
            }
        }
        // Only when the tab is shown: at start-up another tab may be the one on screen.
        if !added.is_empty() && !self.panel.class_list().contains("hidden") {
            status::info(&format!(
                "stored {} with the {} rule",
                added.join(", "),
                self.rule_name()
            ));
        }
    }

    /// Removes memory `k`.
    pub fn remove_memory(&mut self, k: usize) {
        if k < self.memories.len() {
            self.memories.remove(k);
            self.relearn();
            self.dirty_library = true;
            mark_dirty();
        }
    }

    /// Forgets every memory (W = 0).
    pub fn clear_memories(&mut self) {
        self.memories.clear();
        self.relearn();
        self.dirty_library = true;
        mark_dirty();
    }

    /// Loads memory `k` into the grid (as a clean cue).
    pub fn load_memory(&mut self, k: usize) {
        if let Some(y) = self.memories.get(k).map(|m| m.y.clone()) {
            self.set_state(&y);
        }
    }

    /// Loads a glyph into the grid.
    pub fn load_glyph(&mut self, c: char) {
        match pattern::glyph(c, self.side, self.side) {
            Some(y) => self.set_state(&y),
            None => status::warn(&format!("no glyph for {c:?}")),
        }
    }

    fn rule_name(&self) -> &'static str {
        RULES
            .iter()
            .find(|r| r.0 == self.rule)
            .map(|r| r.1)
            .unwrap_or("?")
    }

    /// Chooses the learning rule and rebuilds W.
    pub fn set_rule(&mut self, rule: Rule) {
        if self.side > DENSE_MAX_SIDE && rule != Rule::Hebbian {
            status::warn("grids above 64×64 store no weight matrix: only the Hebbian rule (through overlaps) applies");
            self.ui.set_rule(Rule::Hebbian);
            return;
        }
        self.rule = rule;
        self.relearn();
        mark_dirty();
    }

    /// Rebuilds the weights from the memories with the current rule. Gradient rules start from
    /// Hebbian weights and are then trained with the Train button (or run 100 steps here).
    fn relearn(&mut self) {
        self.dirty_weights = true;
        self.trainer = None;
        self.training_left = 0;
        self.train_iters = 0;
        // New weights: the last training report no longer applies.
        self.ui.train_info.set_text_content(None);
        let pats: Vec<&[i8]> = self.memories.iter().map(|m| m.y.as_slice()).collect();
        let rule_name = self.rule_name();
        match &mut self.engine {
            Engine::Dense { net, state } => {
                net.clear();
                let result = if pats.is_empty() {
                    Ok(())
                } else {
                    match self.rule {
                        Rule::Hebbian | Rule::Gradient(_) => {
                            hebbian(net, &pats, HebbianScale::PerPattern)
                        }
                        Rule::Storkey => storkey(net, &pats),
                        Rule::PseudoInverse => pseudo_inverse(net, &pats),
                    }
                };
                if let Err(e) = result {
                    status::warn(&format!("{}: {e}; the weights are left at zero", rule_name));
                    net.clear();
                }
                state.refresh(net);
                if let (Rule::Gradient(v), false) = (self.rule, pats.is_empty()) {
                    match GradientTrainer::new(v, 0.01, 16, 3) {
                        Ok(t) => {
                            self.trainer = Some(t);
                            self.training_left = 150;
                        }
                        Err(e) => status::warn(&e.to_string()),
                    }
                }
            }
            Engine::Overlap { net, y } => {
                let cur = net
                    .as_ref()
                    .map(|o| o.y().to_vec())
                    .unwrap_or_else(|| y.clone());
                *net = if pats.is_empty() {
                    None
                } else {
                    match OverlapNetwork::new(&pats, &cur) {
                        Ok(o) => Some(o),
                        Err(e) => {
                            status::warn(&e.to_string());
                            None
                        }
                    }
                };
                *y = cur;
            }
        }
        self.restart_from_start();
    }

    /// Starts recall again from the saved start state (keeping the memories).
    fn restart_from_start(&mut self) {
        let start = self.start.clone();
        if start.len() == n_of(self.side) {
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
        self.restart_recall();
    }

    /// Runs up to `k` gradient-rule iterations (one frame's worth); returns whether more remain.
    fn train(&mut self, k: usize) {
        let Engine::Dense { net, state } = &mut self.engine else {
            return;
        };
        let Some(trainer) = self.trainer.as_mut() else {
            return;
        };
        let pats: Vec<&[i8]> = self.memories.iter().map(|m| m.y.as_slice()).collect();
        let mut last = None;
        for _ in 0..k.min(self.training_left) {
            match trainer.step(net, &pats, &mut self.rng) {
                Ok(s) => last = Some(s),
                Err(e) => {
                    status::warn(&format!("gradient rule stopped: {e}"));
                    self.training_left = 0;
                    break;
                }
            }
            self.training_left -= 1;
            self.train_iters += 1;
        }
        state.refresh(net);
        if let Some(s) = last {
            self.ui.show_training(
                self.train_iters,
                s.stable,
                s.patterns,
                self.training_left > 0,
            );
        }
        if self.training_left == 0 {
            self.restart_from_start();
        }
        self.dirty_views = true;
        self.dirty_weights = true;
    }

    /// Trains the gradient rule for `iters` more iterations (in slices across frames).
    pub fn train_more(&mut self, iters: usize) {
        if self.trainer.is_none() {
            status::warn("choose one of the gradient rules first (the others are one-shot)");
            return;
        }
        self.training_left += iters;
    }

    /// Evolves 300 random starts and reports where they end (stored, inverse, spurious).
    pub fn count_spurious(&mut self) {
        let Engine::Dense { net, .. } = &self.engine else {
            status::warn("spurious-state counting needs the dense network (grids up to 64×64)");
            return;
        };
        if self.memories.is_empty() {
            status::warn("store some memories first");
            return;
        }
        let pats: Vec<&[i8]> = self.memories.iter().map(|m| m.y.as_slice()).collect();
        match crate::core::hopfield::count_spurious(net, &pats, 300, &mut self.rng) {
            Ok(r) => status::info(&format!(
                "300 random starts with {}: {} reached a stored pattern, {} an inverse, {} a spurious state ({} distinct){}",
                self.rule_name(),
                r.to_pattern,
                r.to_inverse,
                r.spurious,
                r.distinct_spurious,
                if r.unconverged > 0 { format!(", {} did not converge", r.unconverged) } else { String::new() }
            )),
            Err(e) => status::warn(&e.to_string()),
        }
    }

    // ----- files and storage --------------------------------------------------------------

    /// The library, drawing and rule as a file.
    fn library(&self) -> Library {
        Library {
            side: self.side,
            rule: RULES
                .iter()
                .find(|r| r.0 == self.rule)
                .map(|r| r.2.to_string())
                .unwrap_or_default(),
            memories: self
                .memories
                .iter()
                .map(|m| (m.label.clone(), m.y.clone()))
                .collect(),
            drawing: Some(self.y().to_vec()),
        }
    }

    /// Downloads the library as JSON (with W when N ≤ 1024).
    pub fn export_json(&self) {
        let weights = match &self.engine {
            Engine::Dense { net, .. } if net.n() <= 1024 => Some(net.weights()),
            _ => None,
        };
        let text = file::to_json(&self.library(), weights);
        match storage::download_text("hopfield-library.json", "application/json", &text) {
            Ok(()) => status::info(&format!("exported {} memories", self.memories.len())),
            Err(e) => status::warn(&format!("export failed: {e:?}")),
        }
    }

    /// Replaces the library from a file's text; on any error nothing changes.
    pub fn import_text(&mut self, text: &str) -> Result<usize, String> {
        let lib = file::parse(text).map_err(|e| e.to_string())?;
        if !SIDES.contains(&lib.side) {
            return Err(format!(
                "grid side {} is not one the page offers ({SIDES:?})",
                lib.side
            ));
        }
        self.set_side(lib.side);
        self.ui.set_side(lib.side);
        if let Some(r) = RULES.iter().find(|r| r.2 == lib.rule) {
            if lib.side <= DENSE_MAX_SIDE || r.0 == Rule::Hebbian {
                self.rule = r.0;
                self.ui.set_rule(r.0);
            }
        }
        self.memories = lib
            .memories
            .into_iter()
            .map(|(label, y)| {
                let glyph = label.chars().next().filter(|c| {
                    label.len() == 1 && pattern::glyph(*c, lib.side, lib.side).as_ref() == Some(&y)
                });
                Memory { y, label, glyph }
            })
            .collect();
        self.relearn();
        if let Some(d) = lib.drawing {
            self.set_state(&d);
        }
        self.dirty_library = true;
        mark_dirty();
        Ok(self.memories.len())
    }

    /// Saves the library and drawing in browser storage.
    fn persist(&self) {
        if let Err(e) = storage::save(STORAGE_KEY, &file::to_json(&self.library(), None)) {
            status::warn(&e);
        }
    }

    /// Restores the saved library, if any; a damaged entry is set aside with a message.
    fn restore(&mut self) -> bool {
        let Some(text) = storage::load(STORAGE_KEY) else {
            return false;
        };
        match self.import_text(&text) {
            Ok(k) => {
                status::info(&format!(
                    "restored {k} memories and your drawing from the last visit"
                ));
                true
            }
            Err(e) => {
                let aside = storage::set_aside(STORAGE_KEY);
                status::warn(&format!("the saved Hopfield library could not be read ({e}); it was kept under {aside:?} and the page started fresh"));
                false
            }
        }
    }

    // ----- corruption ---------------------------------------------------------------------

    /// Flips exactly round(p·N) random neurons.
    pub fn add_noise(&mut self) {
        let p = self.noise;
        self.edit(|y, rng, _| {
            if let Err(e) = pattern::flip_fraction(y, p, rng) {
                status::warn(&e.to_string());
            }
        });
    }

    /// Blanks one half of the grid (the lecture's partial cue).
    pub fn occlude(&mut self, half: pattern::Half) {
        self.edit(|y, rng, side| {
            if let Err(e) = pattern::occlude_half(y, side, side, half, pattern::Fill::Off, rng) {
                status::warn(&e.to_string());
            }
        });
    }

    /// Covers the middle third of the grid with random pixels (an occluding rectangle).
    pub fn occlude_centre(&mut self) {
        self.edit(|y, rng, side| {
            let (x0, w) = (side / 3, side - 2 * (side / 3));
            let rect = pattern::Rect {
                x: x0,
                y: x0,
                w,
                h: w,
            };
            if let Err(e) = pattern::occlude_rect(y, side, side, rect, pattern::Fill::Random, rng) {
                status::warn(&e.to_string());
            }
        });
    }

    /// Mixes in a fraction of the next stored memory (the first one not equal to the grid).
    pub fn mix_memory(&mut self) {
        let Some(other) = self
            .memories
            .iter()
            .find(|m| m.y != self.y())
            .map(|m| m.y.clone())
        else {
            status::warn("store a memory different from the grid to mix it in");
            return;
        };
        let f = self.mix;
        self.edit(|y, rng, _| {
            if let Err(e) = pattern::mix(y, &other, f, rng) {
                status::warn(&e.to_string());
            }
        });
    }

    // ----- recall -------------------------------------------------------------------------

    /// `k` neuron updates (asynchronous) or `k` full updates (synchronous).
    fn recall(&mut self, k: usize) {
        if self.outcome != Outcome::Running {
            return;
        }
        let n = n_of(self.side);
        let mut finished = false;
        match self.mode {
            Mode::Sync => {
                if let Engine::Dense { net, state } = &mut self.engine {
                    for _ in 0..k {
                        match self.sync.step(net, state) {
                            Ok(step) => {
                                self.updates += n as u64;
                                self.trace
                                    .push(self.updates as f64 / n as f64, state.energy());
                                if step.outcome != SyncOutcome::Moving {
                                    self.outcome = Outcome::Done(match step.outcome {
                                        SyncOutcome::TwoCycle => format!(
                                            "a 2-cycle after {} synchronous updates: all-at-once updates need not converge, because the energy argument holds only for one flip at a time",
                                            self.sync.steps()
                                        ),
                                        _ => format!("a fixed point after {} synchronous updates", self.sync.steps()),
                                    });
                                    finished = true;
                                    break;
                                }
                            }
                            Err(e) => {
                                status::warn(&e.to_string());
                                finished = true;
                                break;
                            }
                        }
                    }
                } else {
                    status::warn("synchronous updates need the dense network (grids up to 64×64)");
                    self.mode = Mode::AsyncRandom;
                }
            }
            Mode::AsyncRandom | Mode::AsyncSequential => {
                // The energy trace records every flip (energy only changes at flips), and each
                // completed sweep.
                let mut e_now = self.energy();
                let mut on = |ev: RecallEvent| match ev {
                    RecallEvent::Flip { delta_e, .. } => {
                        e_now += delta_e;
                    }
                    RecallEvent::SweepDone { .. } | RecallEvent::Converged { .. } => {}
                };
                let result = match &mut self.engine {
                    Engine::Dense { net, state } => match Dense::new(net, state) {
                        Ok(mut model) => {
                            self.dynamics
                                .step_neurons(k, &mut model, &mut self.rng, &mut on)
                        }
                        Err(e) => Err(e),
                    },
                    Engine::Overlap { net: Some(o), .. } => {
                        self.dynamics.step_neurons(k, o, &mut self.rng, &mut on)
                    }
                    Engine::Overlap { .. } => {
                        status::warn(
                            "store a memory first: with no memories every state is a fixed point",
                        );
                        finished = true;
                        Ok(Default::default())
                    }
                };
                match result {
                    Ok(stats) => {
                        self.updates += stats.updates as u64;
                        let e = self.energy();
                        self.trace.push(self.updates as f64 / n as f64, e);
                        if stats.converged {
                            self.outcome = Outcome::Done(format!(
                                "a fixed point after {} sweeps ({} flips in all)",
                                self.dynamics.sweeps(),
                                self.dynamics.flips()
                            ));
                            finished = true;
                        }
                    }
                    Err(e) => {
                        status::warn(&e.to_string());
                        finished = true;
                    }
                }
                self.highlight = if finished {
                    None
                } else {
                    Some(self.dynamics.next_neuron())
                };
            }
        }
        if finished {
            if let Outcome::Done(how) = &self.outcome {
                let what = self.classify();
                self.outcome = Outcome::Done(format!("Reached {how}: {what}"));
            }
        }
        self.dirty_grid = true;
        self.dirty_views = true;
    }

    /// Names the current state: a stored pattern, an inverse, or a spurious state.
    fn classify(&self) -> String {
        let y = self.y();
        let n = y.len() as f64;
        let mut best = (0usize, 0.0f64);
        for (k, m) in self.memories.iter().enumerate() {
            let o: f64 =
                m.y.iter()
                    .zip(y)
                    .map(|(&a, &b)| f64::from(a * b))
                    .sum::<f64>()
                    / n;
            if o.abs() > best.1.abs() {
                best = (k, o);
            }
        }
        match self.memories.get(best.0) {
            None => "no memories are stored, so this is just where the dynamics stopped".into(),
            Some(m) if best.1 >= 1.0 - 1e-9 => format!("stored pattern {} ✓", m.label),
            Some(m) if best.1 <= -1.0 + 1e-9 => {
                format!(
                    "the inverse of {} (stored with it: E(−y) = E(y) when b = 0)",
                    m.label
                )
            }
            Some(m) => format!(
                "a spurious state (“fake memory”); closest is {} with overlap {:+.2}",
                m.label, best.1
            ),
        }
    }
}

fn err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

impl Paintable for HopfieldLab {
    fn layer(&self) -> &PixelLayer {
        &self.grid
    }
    fn erasing(&self) -> bool {
        self.erase
    }
    fn paint(&mut self, x: usize, y: usize, v: i8) {
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
        self.dirty_grid = true;
    }
    fn stroke_done(&mut self) {
        self.edited();
    }
}

impl Lab for HopfieldLab {
    fn id(&self) -> &'static str {
        "hopfield"
    }
    fn title(&self) -> &'static str {
        "Hopfield"
    }
    fn panel(&self) -> &HtmlElement {
        &self.panel
    }
    fn tick(&mut self, speed: u32) -> bool {
        self.speed_hint = speed;
        let k = match self.mode {
            // One synchronous update every frame is already fast to watch.
            Mode::Sync => (speed as usize / n_of(self.side)).max(1),
            _ => speed as usize,
        };
        self.recall(k);
        self.outcome == Outcome::Running
    }
    fn step(&mut self) {
        self.speed_hint = 1;
        self.recall(1);
    }
    fn reset(&mut self, seed: u64) {
        self.seed = seed;
        self.rng = Rng::new(seed);
        self.restart_from_start();
    }
    fn background(&mut self) {
        if self.training_left > 0 {
            // About 10 ms of gradient steps per frame at N = 256.
            let k = (65_536 / n_of(self.side)).clamp(1, 16);
            self.train(k);
        }
        self.capacity_frame();
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        if self.dirty_library {
            self.dirty_store = true;
        }
        if self.dirty_store {
            self.dirty_store = false;
            self.persist();
        }
        self.draw_views()
    }
    fn save(&self, p: &mut Params) {
        p.set("n", &self.side.to_string());
        if let Some(r) = RULES.iter().find(|r| r.0 == self.rule) {
            p.set("rule", r.2);
        }
        if let Some(m) = MODES.iter().find(|m| m.0 == self.mode) {
            p.set("mode", m.2);
        }
        p.set("noise", &format!("{}", self.noise));
        // The cue replays from the seed only while it has not been edited since the link set it.
        if let Some(c) = self.cue {
            p.set("cue", &c.to_string());
        }
        if !self.memories.is_empty() && self.memories.iter().all(|m| m.glyph.is_some()) {
            let s: String = self.memories.iter().filter_map(|m| m.glyph).collect();
            p.set("mem", &s);
        }
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        let mut note = |r: Result<(), String>| {
            if let Err(e) = r {
                msgs.push(e);
            }
        };
        let sides: Vec<String> = SIDES.iter().map(|s| s.to_string()).collect();
        let side_refs: Vec<&str> = sides.iter().map(|s| s.as_str()).collect();
        note(
            p.choice("n", &side_refs)
                .map_err(|e| e.to_string())
                .map(|c| {
                    if let Some(s) = c.and_then(|s| s.parse().ok()) {
                        self.set_side(s);
                        self.ui.set_side(s);
                    }
                }),
        );
        let names: Vec<&str> = RULES.iter().map(|r| r.2).collect();
        note(
            p.choice("rule", &names)
                .map_err(|e| e.to_string())
                .map(|c| {
                    if let Some(r) = c.and_then(|c| RULES.iter().find(|r| r.2 == c)) {
                        self.rule = r.0;
                        self.ui.set_rule(r.0);
                    }
                }),
        );
        let modes: Vec<&str> = MODES.iter().map(|m| m.2).collect();
        note(
            p.choice("mode", &modes)
                .map_err(|e| e.to_string())
                .map(|c| {
                    if let Some(m) = c.and_then(|c| MODES.iter().find(|m| m.2 == c)) {
                        self.set_mode(m.0);
                        self.ui.set_mode(m.0);
                    }
                }),
        );
        note(
            p.f64_in("noise", 0.0, 0.5)
                .map_err(|e| e.to_string())
                .map(|v| {
                    if let Some(v) = v {
                        self.noise = v;
                        self.ui.set_noise(v);
                    }
                }),
        );
        if let Some(mem) = p.get("mem") {
            if mem.len() <= MAX_MEMORIES && mem.chars().all(|c| c.is_ascii_alphanumeric()) {
                self.memories.clear();
                self.store_glyphs(mem);
            } else {
                msgs.push(format!(
                    "link setting mem={mem:?} must be up to {MAX_MEMORIES} letters or digits"
                ));
            }
        }
        if let Some(cue) = p.get("cue") {
            match cue
                .chars()
                .next()
                .filter(|c| c.is_ascii_alphanumeric() && cue.len() == 1)
            {
                Some(c) => {
                    // Replays exactly: the corruption draws from the seed's stream.
                    self.rng = Rng::new(self.seed);
                    self.load_glyph(c);
                    self.add_noise();
                    self.cue = Some(c.to_ascii_uppercase());
                }
                None => msgs.push(format!(
                    "link setting cue={cue:?} must be one letter or digit"
                )),
            }
        } else {
            self.relearn();
        }
        msgs
    }
}
