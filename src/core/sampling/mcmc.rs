//! "MCMC on the plane": one target, one sampler (or two side by side on the same target), and
//! the exact references they are judged by. Every setting has one owner here: the temperature
//! lives only in [`Mcmc`] (the samplers get it through their setters), the sampler parameters
//! only in its [`Knobs`].
//!
//! What a change does: a new temperature or sampler parameter retunes the running samplers in
//! place — the chains and their samples stay, and each trace marks the step of the change; a
//! new target (or drawing) or a new sampler starts the affected chains afresh and leaves a note
//! saying so ([`Mcmc::take_note`]).

use crate::ebm::LearnedSlot;
use crate::landscape::{grid_moments, marginals, Bounds, Bump, Energy2d};
use crate::sampler::SamplerError;

use super::registry::{index_of, Family, Knobs, Setup, SAMPLERS};
use super::run::Run;
use super::targets::{
    snap, square_view, start_point, Landscapes, BANANA, BUMP_DEPTH, BUMP_WIDTH, DRAWN, LEARNED,
    TARGETS,
};

/// Grid side of the exact marginals (a costly target uses [`EXACT_N_COSTLY`]).
pub const EXACT_N: usize = 240;
/// Grid side of the exact marginals of a costly target (the learned energy).
pub const EXACT_N_COSTLY: usize = 80;

/// Exact references of the current target and temperature.
#[derive(Clone, Debug, Default)]
pub struct Exact {
    /// Marginal density of x₁ over the view (grid integration).
    pub px: Vec<f64>,
    /// Marginal density of x₂ over the view.
    pub py: Vec<f64>,
    /// `E[x]`, if known.
    pub mean: Option<[f64; 2]>,
    /// `Cov[x]`, if known.
    pub cov: Option<[[f64; 2]; 2]>,
    /// Mass outside the integration box (grid moments only).
    pub edge_mass: f64,
    /// Whether the moments are in closed form.
    pub closed_form: bool,
    /// Why they could not be computed, if they could not.
    pub failed: Option<String>,
}

/// What a frame of sampling did to one run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Advanced {
    /// Steps taken.
    pub done: u64,
    /// Why it stopped, if the NaN guard fired.
    pub halted: Option<String>,
}

/// The MCMC view's state.
pub struct Mcmc {
    seed: u64,
    /// Every landscape (the drawing and the learned energy included).
    pub land: Landscapes,
    learned: LearnedSlot,
    target: usize,
    t: f64,
    knobs: Knobs,
    kinds: [usize; 2],
    compare: bool,
    shade: usize,
    contours: bool,
    bump_depth: f64,
    bump_width: f64,
    runs: [Run; 2],
    exact: Exact,
    exact_stale: bool,
    picture: u64,
    note: Option<String>,
}

impl Mcmc {
    /// The banana sampled by random-walk MH (MALA second), knobs `knobs`, chains from `seed`;
    /// the learned energy is taken from `learned` when it is chosen.
    pub fn new(seed: u64, knobs: Knobs, learned: LearnedSlot) -> Result<Self, SamplerError> {
        let land = Landscapes::new();
        let kinds = [index_of("rwmh").unwrap_or(0), index_of("mala").unwrap_or(0)];
        let setup = Self::setup_for(&land, BANANA, 1.0, seed);
        let runs = [
            Run::new(kinds[0], &setup, &knobs, seed)?,
            Run::new(kinds[1], &setup, &knobs, seed)?,
        ];
        Ok(Self {
            seed,
            land,
            learned,
            target: BANANA,
            t: 1.0,
            knobs,
            kinds,
            compare: false,
            shade: 0,
            contours: true,
            bump_depth: BUMP_DEPTH,
            bump_width: BUMP_WIDTH,
            runs,
            exact: Exact::default(),
            exact_stale: true,
            picture: 0,
            note: None,
        })
    }

    fn setup_for(land: &Landscapes, target: usize, t: f64, seed: u64) -> Setup {
        let view = square_view(land.get(target).bounds());
        Setup {
            x0: start_point(seed, view),
            view,
            t,
        }
    }

    fn setup(&self) -> Setup {
        Self::setup_for(&self.land, self.target, self.t, self.seed)
    }

    /// Both chains afresh from the seeded start point with `seed` (replays exactly). On the
    /// learned energy, the network as trained now is taken again.
    pub fn restart(&mut self, seed: u64) {
        self.seed = seed;
        if self.target == LEARNED {
            if let Some(l) = self.learned.borrow().clone() {
                self.land.learned = Some(l);
            }
        }
        let setup = self.setup();
        for i in 0..2 {
            match Run::new(self.kinds[i], &setup, &self.knobs, seed) {
                Ok(r) => self.runs[i] = r,
                Err(e) => self.note = Some(format!("could not start the sampler: {e}")),
            }
        }
        self.exact_stale = true;
        self.picture += 1;
    }

    /// Run `i` afresh with its sampler at its current position (or the seeded start point if
    /// that left the view), keeping its random stream.
    fn rebuild(&mut self, i: usize) -> Result<(), SamplerError> {
        let mut setup = self.setup();
        let x = self.runs[i].position();
        if x[0].is_finite() && x[1].is_finite() && setup.view.expanded(0.5).contains(x) {
            setup.x0 = x;
        }
        self.runs[i].rebuild(self.kinds[i], &setup, &self.knobs)
    }

    /// The note about the last change (a restart), to show once.
    pub fn take_note(&mut self) -> Option<String> {
        self.note.take()
    }

    /// Number of samplers shown (1, or 2 when comparing).
    pub fn active(&self) -> usize {
        if self.compare {
            2
        } else {
            1
        }
    }

    /// The runs (the second only matters when comparing).
    pub fn runs(&self) -> &[Run; 2] {
        &self.runs
    }

    /// The target (an index into [`TARGETS`]).
    pub fn target(&self) -> usize {
        self.target
    }

    /// The target's landscape.
    pub fn landscape(&self) -> &dyn Energy2d {
        self.land.get(self.target)
    }

    /// The square view box.
    pub fn view(&self) -> Bounds {
        square_view(self.landscape().bounds())
    }

    /// Grows whenever the picture of the landscape changes (target, temperature, drawing,
    /// shading), so a view knows to render it again.
    pub fn picture(&self) -> u64 {
        self.picture
    }

    /// Whether a learned energy can be chosen.
    pub fn learned_available(&self) -> bool {
        self.learned.borrow().is_some()
    }

    /// Chooses target `i`: both chains start afresh from the seeded start point. The learned
    /// energy is taken from the "Train an energy" lab now (refused if nothing was trained).
    pub fn set_target(&mut self, i: usize) -> Result<(), String> {
        if i >= TARGETS.len() {
            return Err("no such target".into());
        }
        if i == LEARNED {
            let Some(l) = self.learned.borrow().clone() else {
                return Err(
                    "no trained energy yet: train one in the “Train an energy” lab \
                            first"
                        .into(),
                );
            };
            self.land.learned = Some(l);
        }
        self.target = i;
        self.restart(self.seed);
        let what = match (&self.land.learned, i) {
            (Some(l), LEARNED) => format!(
                "the learned energy (after {} training iterations)",
                l.iteration()
            ),
            _ => TARGETS[i].label.to_string(),
        };
        self.note = Some(format!(
            "new target, {what}: the chains restart from the seeded start point"
        ));
        Ok(())
    }

    /// The posteriors' data size (an index into [`super::data::DATA_SIZES`]).
    pub fn data_size(&self) -> usize {
        self.land.data_size()
    }

    /// Uses data size `i` for the posterior targets; on one of them the chains restart.
    pub fn set_data_size(&mut self, i: usize) -> Result<(), String> {
        if i == self.land.data_size() {
            return Ok(());
        }
        self.land.set_data_size(i)?;
        if Landscapes::is_posterior(self.target) {
            self.restart(self.seed);
            self.note =
                Some("new data: the posterior and its view changed, the chains restart".into());
        }
        Ok(())
    }

    /// Temperature T.
    pub fn t(&self) -> f64 {
        self.t
    }

    /// Sets T: the samplers are retuned in place (chains and samples kept).
    pub fn set_t(&mut self, t: f64) -> Result<(), String> {
        crate::sampler::check_temperature(t).map_err(|e| e.to_string())?;
        let old = self.t;
        self.t = t;
        if let Err(e) = self.retune_all() {
            self.t = old;
            let _ = self.retune_all();
            return Err(e.to_string());
        }
        self.exact_stale = true;
        self.picture += 1;
        Ok(())
    }

    fn retune_all(&mut self) -> Result<(), SamplerError> {
        for r in self.runs.iter_mut() {
            r.retune(&self.knobs, self.t)?;
        }
        Ok(())
    }

    /// The knobs.
    pub fn knobs(&self) -> &Knobs {
        &self.knobs
    }

    /// Knob `key`.
    pub fn knob(&self, key: &str) -> f64 {
        self.knobs.get(key)
    }

    /// Sets knob `key`: samplers that read it are retuned in place (chains and samples kept);
    /// one that must start afresh for it (a new population size) does so, and says so. A value
    /// a sampler refuses changes nothing.
    pub fn set_knob(&mut self, key: &'static str, v: f64) -> Result<(), String> {
        let old = self.knobs.get(key);
        if !self.knobs.set(key, v) {
            return Ok(());
        }
        for i in 0..2 {
            let e = &SAMPLERS[self.kinds[i]];
            if !e.uses(key) {
                continue;
            }
            let done = if e.restart_on.contains(&key) {
                let r = self.rebuild(i);
                if r.is_ok() && i < self.active() {
                    self.note = Some(format!("{}: the population starts afresh", e.short));
                }
                r
            } else {
                self.runs[i].retune(&self.knobs, self.t)
            };
            if let Err(err) = done {
                self.knobs.set(key, old);
                for r in self.runs.iter_mut() {
                    let _ = r.retune(&self.knobs, self.t);
                }
                return Err(err.to_string());
            }
        }
        Ok(())
    }

    /// Whether a shown sampler reads knob `key` (its row is then shown).
    pub fn uses(&self, key: &str) -> bool {
        self.kinds[..self.active()]
            .iter()
            .any(|&k| SAMPLERS[k].uses(key))
    }

    /// The sampler of run `i` (an index into [`SAMPLERS`]).
    pub fn kind(&self, i: usize) -> usize {
        self.kinds[i.min(1)]
    }

    /// Chooses the sampler of run `i`: it starts afresh where the chain is.
    pub fn set_kind(&mut self, i: usize, k: usize) -> Result<(), String> {
        if k >= SAMPLERS.len() {
            return Err("no such sampler".into());
        }
        let old = self.kinds[i];
        self.kinds[i] = k;
        if let Err(e) = self.rebuild(i) {
            self.kinds[i] = old;
            return Err(e.to_string());
        }
        if i < self.active() {
            self.note = Some(format!(
                "sampler {}: its samples start afresh from where the chain is",
                SAMPLERS[k].opt.label
            ));
        }
        Ok(())
    }

    /// Whether a second sampler runs beside the first.
    pub fn compare(&self) -> bool {
        self.compare
    }

    /// Runs a second sampler beside the first (or not): both start together from the seeded
    /// start point.
    pub fn set_compare(&mut self, on: bool) {
        self.compare = on;
        self.restart(self.seed);
        self.note = Some(if on {
            "two samplers side by side: both restart from the seeded start point".into()
        } else {
            "one sampler: it restarts from the seeded start point".into()
        });
    }

    /// What the heatmap shows: 0 the density p, 1 the energy E.
    pub fn shade(&self) -> usize {
        self.shade
    }

    /// Shows the density (0) or the energy (1).
    pub fn set_shade(&mut self, s: usize) {
        self.shade = s.min(1);
        self.picture += 1;
    }

    /// Whether contour lines are drawn.
    pub fn contours(&self) -> bool {
        self.contours
    }

    /// Draws contour lines (or not).
    pub fn set_contours(&mut self, on: bool) {
        self.contours = on;
        self.picture += 1;
    }

    /// Depth of new wells (height of new hills).
    pub fn bump_depth(&self) -> f64 {
        self.bump_depth
    }

    /// Sets the depth of new bumps.
    pub fn set_bump_depth(&mut self, v: f64) {
        self.bump_depth = v;
    }

    /// Width of new bumps.
    pub fn bump_width(&self) -> f64 {
        self.bump_width
    }

    /// Sets the width of new bumps.
    pub fn set_bump_width(&mut self, v: f64) {
        self.bump_width = v;
    }

    /// Replaces the drawing (from its link text): the chains start afresh where they are.
    pub fn set_bumps(&mut self, bumps: &[Bump]) -> Result<(), String> {
        if bumps == self.land.drawn.bumps() {
            return Ok(());
        }
        self.land.set_bumps(bumps)?;
        self.drawing_done();
        Ok(())
    }

    /// Adds a well (or, with `hill`, a hill) of the current depth and width at `w`.
    pub fn add_bump(&mut self, w: [f64; 2], hill: bool) -> Result<(), String> {
        let a = if hill {
            self.bump_depth
        } else {
            -self.bump_depth
        };
        let b =
            Bump::new([snap(w[0]), snap(w[1])], a, self.bump_width).map_err(|e| e.to_string())?;
        self.land.drawn.add_bump(b).map_err(|e| e.to_string())?;
        self.drawing_done();
        Ok(())
    }

    /// Removes bump `k`.
    pub fn remove_bump(&mut self, k: usize) {
        if self.land.drawn.remove_bump(k).is_ok() {
            self.drawing_done();
        }
    }

    /// Moves bump `k` to `w` while it is dragged (the picture follows; the chains restart when
    /// the drag ends, [`Mcmc::drawing_done`]).
    pub fn drag_bump(&mut self, k: usize, w: [f64; 2]) {
        if self
            .land
            .drawn
            .move_bump(k, [snap(w[0]), snap(w[1])])
            .is_ok()
        {
            self.picture += 1;
        }
    }

    /// The drawing changed: references, picture and samples start again.
    pub fn drawing_done(&mut self) {
        self.picture += 1;
        self.exact_stale = true;
        if self.target == DRAWN {
            for i in 0..2 {
                let _ = self.rebuild(i);
            }
            self.note = Some("the drawing changed: the samples start afresh".into());
        }
    }

    /// Forgets the samples of both runs (the chains stay where they are).
    pub fn clear_samples(&mut self) {
        for r in self.runs.iter_mut() {
            r.clear_samples();
        }
    }

    /// Moves chain `i` to `w` (a click on its plane).
    pub fn move_chain(&mut self, i: usize, w: [f64; 2]) -> Result<(), String> {
        self.runs[i.min(1)]
            .set_position(w)
            .map_err(|e| e.to_string())
    }

    /// Whether run `i` draws weighted samples (a click then moves its proposal).
    pub fn weighted(&self, i: usize) -> bool {
        SAMPLERS[self.kind(i)].family == Family::Weighted
    }

    /// Up to `k` steps of each shown run within `budget_ms` in all (read from `now`).
    pub fn advance(
        &mut self,
        k: u64,
        budget_ms: f64,
        now: &mut dyn FnMut() -> f64,
    ) -> [Advanced; 2] {
        let n = self.active();
        let mut out = [Advanced::default(), Advanced::default()];
        let target = self.land.get(self.target);
        for (run, o) in self.runs[..n].iter_mut().zip(out.iter_mut()) {
            o.done = run.advance(target, k, budget_ms / n as f64, now);
            o.halted = run.halted().map(str::to_string);
        }
        out
    }

    /// Refreshes the autocorrelation of the shown runs.
    pub fn update_acf(&mut self) {
        let n = self.active();
        for r in self.runs[..n].iter_mut() {
            r.update_acf();
        }
    }

    /// One line on what run `i` does.
    pub fn about(&self, i: usize) -> String {
        self.runs[i.min(1)].about(&self.knobs)
    }

    /// The exact references, computed now if a change made them stale.
    pub fn exact(&mut self) -> &Exact {
        if self.exact_stale {
            self.exact_stale = false;
            self.exact = self.compute_exact();
        }
        &self.exact
    }

    /// Whether [`Mcmc::exact`] will compute.
    pub fn exact_stale(&self) -> bool {
        self.exact_stale
    }

    fn compute_exact(&self) -> Exact {
        let target = self.landscape();
        let view = self.view();
        let costly = self.land.costly(self.target);
        let n = if costly { EXACT_N_COSTLY } else { EXACT_N };
        let mut ex = Exact {
            px: vec![0.0; n],
            py: vec![0.0; n],
            ..Exact::default()
        };
        if let Err(e) = marginals(target, self.t, view, n, n, &mut ex.px, &mut ex.py) {
            ex.px.fill(f64::NAN);
            ex.py.fill(f64::NAN);
            ex.failed = Some(format!("could not integrate the marginals: {e}"));
        }
        if let Some((m, c)) = self.land.closed_form_moments(self.target, self.t) {
            ex.mean = Some(m);
            ex.cov = Some(c);
            ex.closed_form = true;
            return ex;
        }
        // A box three times wider than the view, so the tails count in the mean.
        match grid_moments(target, self.t, view.expanded(1.0), 2 * n) {
            Ok(m) => {
                ex.mean = Some(m.mean);
                ex.cov = Some(m.cov);
                ex.edge_mass = m.edge_mass;
            }
            Err(e) => ex.failed = Some(format!("could not integrate the moments: {e}")),
        }
        ex
    }
}
