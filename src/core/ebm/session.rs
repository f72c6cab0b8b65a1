//! The "Train an energy" lab without the browser: the training data (a preset or points placed
//! by hand), the contrastive-divergence trainer, the loss and mean-energy traces, the energy on a
//! grid for the heatmap (evaluated in slices over frames), and "sample from the model" — Langevin
//! particles of the Sampling lab's registry running on the trained network as an
//! [`Energy2d`](crate::landscape::Energy2d) ([`LearnedEnergy`]). Every parameter is a row
//! of [`TABLE`].
//!
//! A run is a function of its settings and its seed: [`EnergySession::restart`] redraws the
//! preset and the network from the seed, so a link replays exactly.

use crate::landscape::{energy_grid, Bounds};
use crate::params::Params;
use crate::rng::Rng;
use crate::sampler::StepSchedule;
use crate::sampling::registry::{Engine, Particles};
use crate::sampling::ring::Ring;
use crate::settings::{opt, Opt, Range, Setting, Show, Table};
use crate::trace::Trace;

use super::{Dataset, EbmError, LearnedEnergy, Preset, TrainConfig, TrainStats, Trainer};

/// The presets (link key, label), in [`Preset::ALL`] order.
pub const PRESETS: [Opt; 5] = [
    opt("moons", "two moons"),
    opt("rings", "concentric rings"),
    opt("8gauss", "8 Gaussians"),
    opt("spiral", "spiral"),
    opt("2gauss", "two Gaussians"),
];
/// Default preset: eight well separated modes train quickly.
pub const DEFAULT_PRESET: usize = 2;
/// Hidden widths offered.
pub const HIDDEN: [usize; 3] = [32, 64, 128];
/// Iterations per run: Play stops after this many, and pressing it again continues.
pub const PLAN: usize = 2000;
/// Points drawn by "Sample from the model", and their Langevin steps from uniform starts.
pub const SAMPLE_POINTS: usize = 500;
/// Langevin steps of "Sample from the model".
pub const SAMPLE_STEPS: usize = 200;
/// Most points a student may place by hand.
pub const MAX_USER_POINTS: usize = 10_000;
/// Side of the energy grid behind the heatmap.
pub const FIELD_N: usize = 64;
/// Rows of the grid evaluated per slice.
const BAND: usize = 8;
/// Least time between the starts of two passes over the grid while training (ms, on the
/// caller's clock): the heatmap follows training about eight times a second, and the frames
/// in between spend their time on training and drawing, not on the grid and recolouring.
pub const FIELD_EVERY_MS: f64 = 125.0;
/// Points a trace keeps.
const TRACE_CAP: usize = 800;
/// Iterations the energy gap is averaged over.
pub const GAP_WINDOW: usize = 25;

/// The energy on a grid over the training box, computed a band of rows at a time from a
/// snapshot of the network, then shown whole.
struct Field {
    next: Vec<f64>,
    shown: Vec<f64>,
    row: usize,
    /// Training iteration of the pass under way (`None`: start a new pass now).
    iter: Option<usize>,
    /// When the last pass started (`None`: the next may start at once).
    started: Option<f64>,
    energy: Option<LearnedEnergy>,
    version: u64,
}

/// What a frame of training did.
#[derive(Clone, Debug, PartialEq)]
pub enum Trained {
    /// Iterations ran and Play goes on.
    Going,
    /// The planned iterations are done (Play stops).
    Planned(usize),
    /// Nothing could run: the reason.
    Stopped(String),
}

/// The lab's state.
pub struct EnergySession {
    seed: u64,
    rng: Rng,
    preset: usize,
    n_points: usize,
    hidden: usize,
    lr: f64,
    step: f64,
    data: Vec<f32>,
    custom: bool,
    data_pending: bool,
    trainer: Option<Trainer>,
    stop_at: usize,
    /// The loss against iterations.
    pub loss: Trace,
    /// Mean energy of the data batch.
    pub e_data: Trace,
    /// Mean energy of the negatives.
    pub e_neg: Trace,
    gaps: Ring<f64>,
    samples: Option<Particles>,
    sample_energy: Option<LearnedEnergy>,
    sample_steps: usize,
    sample_rng: Rng,
    show: [bool; 3],
    field: Field,
    note: Option<String>,
}

impl EnergySession {
    /// The defaults, drawn from `seed`.
    pub fn new(seed: u64) -> Self {
        let d = TrainConfig::default();
        let mut s = Self {
            seed,
            rng: Rng::new(seed),
            preset: DEFAULT_PRESET,
            n_points: 1000,
            hidden: d.hidden,
            lr: f64::from(d.learning_rate),
            step: f64::from(d.step_size),
            data: Vec::new(),
            custom: false,
            data_pending: false,
            trainer: None,
            stop_at: PLAN,
            loss: Trace::new(TRACE_CAP),
            e_data: Trace::new(TRACE_CAP),
            e_neg: Trace::new(TRACE_CAP),
            gaps: Ring::new(GAP_WINDOW),
            samples: None,
            sample_energy: None,
            sample_steps: 0,
            sample_rng: Rng::new(seed),
            show: [true; 3],
            field: Field {
                next: vec![0.0; FIELD_N * FIELD_N],
                shown: vec![0.0; FIELD_N * FIELD_N],
                row: 0,
                iter: None,
                started: None,
                energy: None,
                version: 0,
            },
            note: None,
        };
        TABLE.load(&mut s, &Params::new("energy"));
        s.restart(seed);
        s
    }

    fn config(&self) -> TrainConfig {
        TrainConfig {
            hidden: self.hidden,
            learning_rate: self.lr as f32,
            step_size: self.step as f32,
            total_iterations: PLAN,
            ..TrainConfig::default()
        }
    }

    /// The note about the last change, to show once.
    pub fn take_note(&mut self) -> Option<String> {
        self.note.take()
    }

    /// Starts over from `seed`: the preset's points (unless placed by hand), a fresh network
    /// and replay buffer, empty traces, no samples.
    pub fn restart(&mut self, seed: u64) {
        self.seed = seed;
        self.rng = Rng::new(seed);
        if !self.custom {
            match Dataset::preset(Preset::ALL[self.preset], self.n_points, &mut self.rng) {
                Ok(d) => {
                    self.data.clear();
                    self.data.extend_from_slice(d.points());
                }
                Err(e) => self.note = Some(e.to_string()),
            }
        }
        self.data_pending = false;
        self.trainer = None;
        if !self.data.is_empty() {
            let built = Dataset::from_flat(&self.data)
                .and_then(|d| Trainer::new(self.config(), &d, &mut self.rng));
            match built {
                Ok(t) => self.trainer = Some(t),
                Err(e) => self.note = Some(format!("cannot train: {e}")),
            }
        }
        self.stop_at = PLAN;
        self.loss.clear();
        self.e_data.clear();
        self.e_neg.clear();
        self.gaps.clear();
        self.samples = None;
        self.sample_steps = 0;
        // The first landscape is computed at once; later ones are spread over frames.
        self.field.row = 0;
        self.field.iter = None;
        self.advance_field(f64::INFINITY, &mut || 0.0);
        self.field.started = None;
    }

    /// The seed the run started from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The training points, flat `[x₀, y₀, …]`.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// The trainer (none without data).
    pub fn trainer(&self) -> Option<&Trainer> {
        self.trainer.as_ref()
    }

    /// Iterations done.
    pub fn iteration(&self) -> usize {
        self.trainer.as_ref().map_or(0, |t| t.iteration())
    }

    /// Statistics of the last iteration.
    pub fn stats(&self) -> Option<TrainStats> {
        self.trainer.as_ref().and_then(|t| t.last_stats())
    }

    /// Whether training stopped on an error.
    pub fn failed(&self) -> bool {
        self.trainer.as_ref().is_some_and(|t| t.failure().is_some())
    }

    /// Fraction of the current run of [`PLAN`] iterations done.
    pub fn progress(&self) -> f64 {
        (self.iteration() as f64 / self.stop_at.max(1) as f64).min(1.0)
    }

    /// The training box.
    pub fn view(&self) -> Bounds {
        let w = f64::from(
            self.trainer
                .as_ref()
                .map_or(TrainConfig::default().half_width, |t| t.config().half_width),
        );
        Bounds {
            x_min: -w,
            x_max: w,
            y_min: -w,
            y_max: w,
        }
    }

    /// The network as an energy on the plane (for the Sampling lab), once it has trained.
    pub fn learned(&self) -> Option<LearnedEnergy> {
        let t = self.trainer.as_ref().filter(|t| t.iteration() > 0)?;
        Some(LearnedEnergy::new(
            t.model().clone(),
            t.config().half_width,
            t.iteration(),
        ))
    }

    /// Whether the data (0), the negatives (1) or the model samples (2) are shown.
    pub fn shows(&self, what: usize) -> bool {
        self.show[what.min(2)]
    }

    // ----- data ------------------------------------------------------------------------------

    /// Adds a training point at `(x, y)` (kept inside the box); the model keeps training on
    /// the new set.
    pub fn add_point(&mut self, x: f64, y: f64) -> Result<(), String> {
        if self.data.len() / 2 >= MAX_USER_POINTS {
            return Err(format!(
                "at most {MAX_USER_POINTS} points can be placed by hand; clear some first"
            ));
        }
        let inner = self.view().x_max * 0.999;
        self.data.push(x.clamp(-inner, inner) as f32);
        self.data.push(y.clamp(-inner, inner) as f32);
        self.custom = true;
        self.data_pending = true;
        Ok(())
    }

    /// Removes every training point.
    pub fn clear_points(&mut self) {
        self.data.clear();
        self.custom = true;
        self.data_pending = true;
    }

    /// Forgets points placed by hand: the next restart draws the preset again (a link always
    /// means the preset's points).
    pub fn use_preset(&mut self) {
        self.custom = false;
    }

    /// Hands edited points to the trainer (keeping the model), or builds one if there was none.
    pub fn apply_data(&mut self) -> Result<(), String> {
        if !self.data_pending {
            return Ok(());
        }
        self.data_pending = false;
        if self.data.is_empty() {
            return Ok(());
        }
        let d = Dataset::from_flat(&self.data).map_err(|e| format!("points refused: {e}"))?;
        match self.trainer.as_mut() {
            Some(t) => t.set_data(&d),
            None => Trainer::new(self.config(), &d, &mut self.rng).map(|t| {
                self.trainer = Some(t);
                self.field.iter = None;
                self.field.started = None;
            }),
        }
        .map_err(|e| format!("points refused: {e}"))
    }

    // ----- settings --------------------------------------------------------------------------

    fn set_preset(&mut self, i: usize) {
        self.preset = i.min(PRESETS.len() - 1);
        self.custom = false;
        self.restart(self.seed);
        self.note = Some(format!(
            "{} points from “{}”; the model starts afresh",
            self.n_points, PRESETS[self.preset].label
        ));
    }

    fn set_n(&mut self, n: f64) {
        self.n_points = n as usize;
        self.custom = false;
        self.restart(self.seed);
        self.note = Some(format!(
            "{} points from “{}”; the model starts afresh",
            self.n_points, PRESETS[self.preset].label
        ));
    }

    fn set_hidden(&mut self, h: f64) -> Result<(), String> {
        let h = h as usize;
        if !HIDDEN.contains(&h) {
            return Err(format!("hidden width {h} is not one of 32, 64, 128"));
        }
        self.hidden = h;
        self.restart(self.seed);
        self.note = Some(format!(
            "energy network 2 → {h} → {h} → 1 (SiLU); the model starts afresh"
        ));
        Ok(())
    }

    /// After a divergence the trainer refuses to step; a new one continues from the last good
    /// network (fresh optimiser and replay buffer).
    fn revive(&mut self) {
        let failed = self.failed();
        if !failed || self.data.is_empty() {
            return;
        }
        let Some(old) = self.trainer.take() else {
            return;
        };
        let built = Dataset::from_flat(&self.data).and_then(|d| {
            Trainer::with_model(self.config(), old.model().clone(), &d, &mut self.rng)
        });
        match built {
            Ok(t) => {
                self.stop_at = t.iteration() + PLAN;
                self.trainer = Some(t);
            }
            Err(e) => {
                self.note = Some(format!("cannot continue: {e}"));
                self.trainer = Some(old);
            }
        }
    }

    fn set_lr(&mut self, lr: f64) -> Result<(), String> {
        if let Some(t) = self.trainer.as_mut() {
            t.set_learning_rate(lr as f32).map_err(|e| e.to_string())?;
        }
        self.lr = lr;
        self.revive();
        self.note = Some(format!("learning rate {lr}"));
        Ok(())
    }

    fn set_step(&mut self, eps: f64) -> Result<(), String> {
        if let Some(t) = self.trainer.as_mut() {
            t.set_step_size(eps as f32).map_err(|e| e.to_string())?;
        }
        self.step = eps;
        self.revive();
        self.note = Some(format!("Langevin step size ε = {eps}"));
        Ok(())
    }

    // ----- training --------------------------------------------------------------------------

    /// One training iteration; `Err` says why none ran (no data, or training stopped).
    pub fn train_one(&mut self) -> Result<(), String> {
        self.apply_data()?;
        if self.data.is_empty() {
            return Err(
                "no training points: choose a preset or click on the plane to add some".into(),
            );
        }
        let Some(t) = self.trainer.as_mut() else {
            return Err("no model to train".into());
        };
        let s = t.step(&mut self.rng).map_err(|e: EbmError| {
            format!(
                "{e}. Training stopped: lower the learning rate or the Langevin step size to \
                 continue, or press Reset."
            )
        })?;
        let i = s.iteration as f64;
        self.loss.push(i, s.loss);
        self.e_data.push(i, s.energy_data);
        self.e_neg.push(i, s.energy_negative);
        self.gaps.push(s.energy_data - s.energy_negative);
        Ok(())
    }

    /// The energy gap `mean E(data) − mean E(negatives)` averaged over the last
    /// [`GAP_WINDOW`] iterations (single iterations fluctuate): negative once training has
    /// pushed the energy down on the data and up on the negatives. `None` before a full window.
    pub fn gap(&self) -> Option<f64> {
        (self.gaps.len() == GAP_WINDOW).then(|| self.gaps.iter().sum::<f64>() / GAP_WINDOW as f64)
    }

    /// Up to `speed` iterations (at least one) while the next is expected to end by `deadline`:
    /// an iteration starts only if the last one's duration still fits, so a frame's budget is
    /// kept rather than overrun by most of an iteration. A run stops after [`PLAN`] iterations
    /// (the next call continues for another [`PLAN`]).
    pub fn train(&mut self, speed: u32, deadline: f64, now: &mut dyn FnMut() -> f64) -> Trained {
        if self.iteration() >= self.stop_at {
            self.stop_at = self.iteration() + PLAN;
        }
        let mut t = now();
        for _ in 0..speed.max(1) {
            if let Err(e) = self.train_one() {
                return Trained::Stopped(e);
            }
            let it = self.iteration();
            if it >= self.stop_at {
                return Trained::Planned(it);
            }
            let t_end = now();
            if t_end + (t_end - t) > deadline {
                break;
            }
            t = t_end;
        }
        Trained::Going
    }

    // ----- the energy on a grid --------------------------------------------------------------

    /// Advances the heatmap's grid pass until `now()` passes `deadline` (at least one band);
    /// returns whether a new grid is ready ([`EnergySession::field`]). A new pass starts
    /// [`FIELD_EVERY_MS`] or more after the last one started.
    pub fn advance_field(&mut self, deadline: f64, now: &mut dyn FnMut() -> f64) -> bool {
        let it = self.iteration();
        let f = &mut self.field;
        if f.row == 0 {
            if f.iter == Some(it) && f.energy.is_some() {
                return false; // the shown landscape is current
            }
            let Some(t) = self.trainer.as_ref() else {
                return false;
            };
            let t0 = now();
            if f.started.is_some_and(|s| t0 < s + FIELD_EVERY_MS) {
                return false;
            }
            f.started = Some(t0);
            f.iter = Some(it);
            f.energy = Some(LearnedEnergy::new(
                t.model().clone(),
                t.config().half_width,
                it,
            ));
        }
        let Some(e) = &f.energy else {
            return false;
        };
        let full = e.bounds_box();
        let dy = full.height() / FIELD_N as f64;
        while f.row < FIELD_N {
            let (r0, r1) = (f.row, (f.row + BAND).min(FIELD_N));
            // Rows r0..r1 as their own box: the same cell centres as the full grid.
            let band = Bounds {
                y_max: full.y_max - r0 as f64 * dy,
                y_min: full.y_max - r1 as f64 * dy,
                ..full
            };
            let out = &mut f.next[r0 * FIELD_N..r1 * FIELD_N];
            if let Err(err) = energy_grid(e, band, FIELD_N, r1 - r0, out) {
                self.note = Some(format!("energy landscape not drawn: {err}"));
                f.row = 0;
                return false;
            }
            f.row = r1;
            if now() > deadline {
                break;
            }
        }
        if f.row < FIELD_N {
            return false;
        }
        f.row = 0;
        std::mem::swap(&mut f.next, &mut f.shown);
        f.version += 1;
        true
    }

    /// The latest complete energy grid: [`FIELD_N`]² values over [`EnergySession::view`], row
    /// 0 at the top, and a number that grows with each new grid.
    pub fn field(&self) -> (&[f64], u64) {
        (&self.field.shown, self.field.version)
    }

    // ----- sampling from the model -----------------------------------------------------------

    /// Starts [`SAMPLE_POINTS`] Langevin particles, uniform in the box, on the current network.
    pub fn start_sampling(&mut self) -> Result<String, String> {
        let Some(e) = self
            .trainer
            .as_ref()
            .map(|t| LearnedEnergy::new(t.model().clone(), t.config().half_width, t.iteration()))
        else {
            return Err("no model to sample from: add training points first".into());
        };
        // Its own stream (from the seed and the iteration), so sampling never changes training.
        self.sample_rng =
            Rng::new(self.seed ^ (e.iteration() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let sched = StepSchedule::constant(self.step).map_err(|e| e.to_string())?;
        let p = Particles::new(SAMPLE_POINTS, self.view(), sched, 1.0, &mut self.sample_rng)
            .map_err(|e| e.to_string())?;
        self.samples = Some(p);
        self.sample_energy = Some(e);
        self.sample_steps = 0;
        Ok(format!(
            "sampling: {SAMPLE_POINTS} Langevin chains from uniform starts, {SAMPLE_STEPS} steps \
             of x ← x − (ε/2)∇E + √ε ξ"
        ))
    }

    /// Whether sampling is under way.
    pub fn sampling(&self) -> bool {
        self.samples.is_some() && self.sample_steps < SAMPLE_STEPS
    }

    /// Langevin steps done by the samples (0 if there are none).
    pub fn sample_steps(&self) -> usize {
        if self.samples.is_some() {
            self.sample_steps
        } else {
            0
        }
    }

    /// The model samples.
    pub fn samples(&self) -> &[[f64; 2]] {
        self.samples.as_ref().map_or(&[], |p| p.points())
    }

    /// Advances the samples until `now()` passes `deadline`; returns a message when they are
    /// done or stopped.
    pub fn advance_sampling(
        &mut self,
        deadline: f64,
        now: &mut dyn FnMut() -> f64,
    ) -> Option<String> {
        if !self.sampling() {
            return None;
        }
        let (Some(p), Some(e)) = (self.samples.as_mut(), self.sample_energy.as_ref()) else {
            return None;
        };
        while self.sample_steps < SAMPLE_STEPS {
            if let Err(err) = p.step(e, &mut self.sample_rng, &mut |_| {}) {
                self.sample_steps = SAMPLE_STEPS;
                return Some(format!("sampling stopped: {err}"));
            }
            self.sample_steps += 1;
            if now() > deadline {
                break;
            }
        }
        (self.sample_steps >= SAMPLE_STEPS).then(|| {
            format!(
                "{SAMPLE_POINTS} samples after {SAMPLE_STEPS} Langevin steps (blue): where they \
                 gather, the model puts low energy"
            )
        })
    }
}

impl LearnedEnergy {
    /// The training box.
    fn bounds_box(&self) -> Bounds {
        crate::landscape::Energy2d::bounds(self)
    }
}

/// The lab's settings, in the order a link applies them.
pub static TABLE: Table<EnergySession> = Table {
    rows: &[
        Setting::choice(
            "preset",
            "Preset",
            "The training data x_train: points drawn from a toy density on the plane",
            &PRESETS,
            DEFAULT_PRESET,
            |s| s.preset,
            |s, i| {
                s.set_preset(i);
                Ok(())
            },
        ),
        Setting::number(
            "n",
            "Points",
            "How many points to draw from the preset (10 to 10 000)",
            Range::int(10.0, 10_000.0).show(Show::Short),
            1000.0,
            |s| s.n_points as f64,
            |s, n| {
                s.set_n(n);
                Ok(())
            },
        ),
        Setting::number(
            "hidden",
            "Hidden width",
            "Width H of the energy network E_θ: 2 → H → H → 1 with SiLU units; wider is more \
             flexible and slower",
            // Three stops, a factor 2 apart: 32, 64, 128.
            Range {
                step: std::f64::consts::LOG10_2,
                ..Range::log_int(32.0, 128.0).unit("units")
            },
            64.0,
            |s| s.hidden as f64,
            |s, h| s.set_hidden(h),
        ),
        Setting::number(
            "lr",
            "Learning rate",
            "Adam step size for θ in ∇θL ≈ ∇θ(−E(x_train) + E(x_sample)); 1e-5 to 0.1",
            Range::log(1e-5, 0.1).show(Show::Short),
            0.003,
            |s| s.lr,
            |s, v| s.set_lr(v),
        ),
        Setting::number(
            "step",
            "Langevin ε",
            "Langevin step size ε in x ← x − (ε/2)∇ₓE(x) + √ε·ξ (the negatives); 1e-4 to 0.5",
            Range::log(1e-4, 0.5).show(Show::Short),
            0.01,
            |s| s.step,
            |s, v| s.set_step(v),
        ),
        Setting::toggle(
            "showdata",
            "data",
            "Show the training points",
            true,
            |s| s.show[0],
            |s, on| {
                s.show[0] = on;
                Ok(())
            },
        ),
        Setting::toggle(
            "showneg",
            "negatives",
            "Show the current negatives x_sample (Langevin chains of the last iteration)",
            true,
            |s| s.show[1],
            |s, on| {
                s.show[1] = on;
                Ok(())
            },
        ),
        Setting::toggle(
            "showsamples",
            "samples",
            "Show the samples drawn by “Sample from the model”",
            true,
            |s| s.show[2],
            |s, on| {
                s.show[2] = on;
                Ok(())
            },
        ),
    ],
    fix: |_| None,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn link(s: &str) -> Params {
        Params::parse(s).expect("link")
    }

    fn never() -> impl FnMut() -> f64 {
        || 0.0
    }

    #[test]
    fn table_is_well_formed() {
        assert_eq!(TABLE.lint(), Vec::<String>::new());
    }

    #[test]
    fn training_starts_an_iteration_only_if_it_is_expected_to_fit_the_budget() {
        // A clock on which every iteration takes 5 ms.
        let ticking = || {
            let mut t = -5.0;
            move || {
                t += 5.0;
                t
            }
        };
        let mut s = EnergySession::new(3);
        let it0 = s.iteration();
        assert!(matches!(s.train(100, 9.0, &mut ticking()), Trained::Going));
        assert_eq!(
            s.iteration() - it0,
            1,
            "at least one, and a second would end at 10 > 9"
        );
        let it1 = s.iteration();
        s.train(100, 20.0, &mut ticking());
        assert_eq!(
            s.iteration() - it1,
            4,
            "ends at 5, 10, 15, 20; a fifth would overrun"
        );
        let it2 = s.iteration();
        s.train(2, 1e9, &mut ticking());
        assert_eq!(s.iteration() - it2, 2, "never more than `speed`");
    }

    #[test]
    fn a_link_replays_exactly_whatever_came_before() {
        let p = link("#energy?preset=moons&n=200&hidden=32&lr=0.01&step=0.02");
        let run = |s: &mut EnergySession| {
            assert!(TABLE.load(s, &p).is_empty());
            s.use_preset();
            s.restart(11);
            for _ in 0..3 {
                s.train_one().expect("trains");
            }
            (s.stats(), s.data().to_vec())
        };
        let mut a = EnergySession::new(1);
        let mut b = EnergySession::new(2);
        TABLE.load(&mut b, &link("#energy?preset=spiral&n=50&hidden=128"));
        b.clear_points();
        b.add_point(0.5, 0.5).expect("room");
        assert_eq!(run(&mut a), run(&mut b));
        let mut out = Params::new("energy");
        TABLE.save(&a, &mut out);
        assert_eq!(out.get("lr"), Some("0.01"));
        assert_eq!(out.get("hidden"), Some("32"));
    }

    #[test]
    fn refused_values_name_themselves() {
        let mut s = EnergySession::new(3);
        let msgs = TABLE.load(&mut s, &link("#energy?hidden=48&lr=-3"));
        let all = msgs.join("; ");
        assert!(
            all.contains("hidden width 48") && all.contains("lr="),
            "{all}"
        );
        assert_eq!(
            TABLE.row("hidden").map(|r| r.default_value()),
            Some(crate::settings::Value::Num(64.0))
        );
        // The slider has exactly three stops.
        let Some(crate::settings::Setting {
            kind: crate::settings::Kind::Number { range, .. },
            ..
        }) = TABLE.row("hidden")
        else {
            panic!("a number row")
        };
        let stops: Vec<f64> = (0..3)
            .map(|k| range.from_position(range.position(32.0) + k as f64 * range.step))
            .collect();
        assert_eq!(stops, [32.0, 64.0, 128.0]);
    }

    #[test]
    fn a_new_learning_rate_keeps_the_model() {
        let mut s = EnergySession::new(4);
        TABLE.load(&mut s, &link("#energy?n=100&hidden=32"));
        s.restart(4);
        for _ in 0..2 {
            s.train_one().expect("trains");
        }
        TABLE.set_text(&mut s, "lr", "0.01").expect("in range");
        assert_eq!(s.iteration(), 2, "training continues");
        TABLE.set_text(&mut s, "preset", "rings").expect("preset");
        assert_eq!(s.iteration(), 0, "new data: a fresh model");
        assert!(s.take_note().is_some_and(|n| n.contains("afresh")));
    }

    #[test]
    fn the_lecture_scene_pushes_the_data_below_the_negatives() {
        // The "Train an energy" scene: its averaged gap is negative from the first full window
        // on (single iterations swing both ways).
        let mut s = EnergySession::new(1);
        TABLE.load(
            &mut s,
            &link("#energy?preset=8gauss&n=1000&hidden=64&lr=0.003&step=0.01"),
        );
        s.use_preset();
        s.restart(1);
        for i in 1..=120 {
            s.train_one().expect("trains");
            assert_eq!(s.gap().is_some(), i >= GAP_WINDOW);
            if let Some(g) = s.gap() {
                assert!(g < 0.0, "iteration {i}: gap {g}");
            }
        }
    }

    #[test]
    fn points_by_hand_train_and_an_empty_set_says_so() {
        let mut s = EnergySession::new(5);
        s.clear_points();
        assert!(s
            .train_one()
            .is_err_and(|e| e.contains("no training points")));
        s.add_point(0.0, 0.0).expect("room");
        s.add_point(9.0, -9.0).expect("room");
        assert_eq!(s.data().len(), 4);
        assert!(
            s.data()[2] < 4.0 && s.data()[3] > -4.0,
            "kept inside the box"
        );
        s.train_one().expect("trains on the two points");
        assert_eq!(s.iteration(), 1);
    }

    /// 100 points, 32 hidden units, seed 6.
    fn small_session() -> EnergySession {
        let mut s = EnergySession::new(6);
        TABLE.load(&mut s, &link("#energy?n=100&hidden=32"));
        s.restart(6);
        s
    }

    #[test]
    fn a_new_field_pass_waits_until_field_every_ms_after_the_last_start() {
        let mut s = small_session();
        let (_, v0) = s.field();
        s.train_one().expect("trains");
        // right after a restart a pass starts at once (here at t = 1000)
        assert!(s.advance_field(f64::INFINITY, &mut || 1000.0));
        assert_eq!(s.field().1, v0 + 1);
        s.train_one().expect("trains");
        let early = 1000.0 + FIELD_EVERY_MS - 1.0;
        assert!(!s.advance_field(f64::INFINITY, &mut || early));
        assert_eq!(s.field().1, v0 + 1, "no pass before the interval");
        assert!(s.advance_field(f64::INFINITY, &mut || 1000.0 + FIELD_EVERY_MS));
        assert_eq!(s.field().1, v0 + 2);
        // a restart computes its landscape at once (its clock reads 0) and does not hold back
        // the next pass, even on a clock that reads 1
        s.restart(7);
        let v1 = s.field().1;
        s.train_one().expect("trains");
        assert!(s.advance_field(f64::INFINITY, &mut || 1.0));
        assert_eq!(s.field().1, v1 + 1);
    }

    #[test]
    fn the_field_is_computed_in_slices_and_sampling_finishes() {
        let mut s = small_session();
        let (_, v0) = s.field();
        assert!(s.field().0.iter().all(|e| e.is_finite()));
        s.train_one().expect("trains");
        let mut passes = 0;
        while !s.advance_field(0.0, &mut || 1.0) {
            passes += 1;
            assert!(passes < 100);
        }
        assert_eq!(passes, FIELD_N / BAND - 1, "one band per call");
        assert_eq!(s.field().1, v0 + 1);
        assert!(s.learned().is_some());
        s.start_sampling().expect("a model");
        let mut msg = None;
        while msg.is_none() {
            msg = s.advance_sampling(f64::INFINITY, &mut never());
        }
        assert_eq!(s.sample_steps(), SAMPLE_STEPS);
        assert_eq!(s.samples().len(), SAMPLE_POINTS);
        assert!(!s.sampling());
    }
}
