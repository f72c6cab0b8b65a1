//! The RBM lab's session, without the browser (lecture part 2: "Restricted Boltzmann
//! Machine", the label units `y = (v, h, c)`, the deep belief net and the exponential-family
//! remark). It owns the digits, every model the lab trains — the digit RBM with its sample
//! chains, pattern completion, the label RBM, the deep belief net, the Gaussian–Bernoulli RBM
//! on 2-D points — and the drawing they complete and classify. Every parameter is a row of
//! [`TABLE`]; the page's controls, its link and the lecture scenes read and write the session
//! through those rows. All math is in [`crate::rbm`]; this module schedules it in
//! budgeted slices (so a frame stays short) and books the results.
//!
//! **Replay.** Every run draws its streams from one `u64` derived from the page seed, and a
//! trainer's result does not depend on how its batches are sliced into frames, so a run is a
//! function of (seed, settings) however fast the page plays it. A link applies every row
//! (unnamed ones to their defaults) and [`RbmSession::settle`] then rebuilds every model from
//! the settings and the seed.
//!
//! **Trained starts.** With `start=trained` the digit models start from the trained models
//! shipped with the page ([`shipped`]), so completion, labels and the deep belief net work at
//! once. A model trained here to the end with the same settings and seed is kept instead when
//! a link asks for a trained model (so a lecture scene that needs a trained model keeps the
//! one trained in the scene before); this is the one thing a link does not fix by itself.

pub mod dbn;
pub mod digit;
pub mod gauss;
pub mod labels;
pub mod shipped;
mod table;
#[cfg(test)]
mod tests;
pub mod train;

pub use dbn::{dbn_top, DbnRun, PretrainedDbn, DBN_CHAINS};
pub use digit::{Completion, DigitRun, Known, Trained, COMPLETION_CHAINS, SAMPLE_CHAINS};
pub use gauss::{GaussRun, GaussSettings, BLOB_SD, GAUSS_POINTS, PRESETS};
pub use labels::{LabelRun, COND_CHAINS};
pub use table::TABLE;
pub use train::{Budget, DigitData, History, Origin, Seeds, Settings, PIXELS};

use crate::digits::CLASSES;
use crate::rbm::{Rbm, RbmError};

/// The sub-views of the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Training, filters, samples, reconstructions.
    Train,
    /// Pattern completion.
    Complete,
    /// Label units.
    Labels,
    /// Deep belief net.
    Dbn,
    /// Gaussian–Bernoulli RBM on 2-D points.
    Gauss,
}

impl View {
    /// Bar order.
    pub const ALL: [View; 5] = [
        View::Train,
        View::Complete,
        View::Labels,
        View::Dbn,
        View::Gauss,
    ];

    /// Link id (`view=…`).
    pub fn id(self) -> &'static str {
        match self {
            View::Train => "train",
            View::Complete => "complete",
            View::Labels => "labels",
            View::Dbn => "dbn",
            View::Gauss => "gauss",
        }
    }

    /// What Play does here, for the status line.
    pub fn hint(self) -> &'static str {
        match self {
            View::Train => "Play trains the RBM on the training digits (CD-k): filters, free-running samples and reconstructions update live.",
            View::Complete => "Draw part of a digit (or load a held-out one); the known pixels are clamped and Play keeps Gibbs-sampling the rest (it also trains the RBM until its epochs are done).",
            View::Labels => "Play trains the label RBM, then samples digits with the chosen label clamped; draw a digit to see P(c | v).",
            View::Dbn => "Play pretrains the two layers one after the other, then generates top-down: Gibbs in the top RBM, one pass down.",
            View::Gauss => "Play trains the Gaussian–Bernoulli RBM on the blobs; orange points are samples of the model, crosses its mixture means.",
        }
    }

    /// Whether the view shows a digit model (all but the Gaussian one).
    pub fn digits(self) -> bool {
        self != View::Gauss
    }
}

/// What the digit models start from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Fresh weights N(0, 0.01²).
    Fresh,
    /// The trained models shipped with the page (or a run trained to the end here with the
    /// same settings and seed, when a link is applied).
    Trained,
}

/// What the side panel shows for the model of the current view.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// The model in words.
    pub model: String,
    /// Where it came from.
    pub origin: Origin,
    /// Fraction of training done.
    pub progress: f64,
    /// Epochs done.
    pub epoch: usize,
    /// Epoch target.
    pub epochs: usize,
    /// Mini-batches done.
    pub batches: u64,
    /// Training is over.
    pub finished: bool,
    /// Name of the quality measure ("" for none).
    pub metric_name: &'static str,
    /// Decimals it is shown with.
    pub metric_digits: usize,
}

/// Which parts must be rebuilt from the settings before the next use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Stale {
    digits: bool,
    dbn: bool,
    gauss: bool,
    completion: bool,
}

/// The RBM lab's state.
pub struct RbmSession {
    view: View,
    settings: Settings,
    start: Start,
    gsettings: GaussSettings,
    seeds: Seeds,
    data: DigitData,
    main: DigitRun,
    labels: LabelRun,
    dbn: DbnRun,
    gauss: GaussRun,
    completion: Completion,
    image: Vec<f32>,
    example: usize,
    shown: Option<usize>,
    stale: Stale,
    pending: bool,
    failed: Option<String>,
    shipped: Option<shipped::Shipped>,
}

fn msg(e: RbmError) -> String {
    e.to_string()
}

impl RbmSession {
    /// A session at the defaults (train view, fresh weights), streams from `seed`.
    pub fn new(seed: u64) -> Result<Self, String> {
        let data = DigitData::shipped()?;
        let settings = Settings::default();
        let gsettings = GaussSettings::default();
        let seeds = Seeds::new(seed);
        let main = DigitRun::new(&data, &settings, seeds.main, None).map_err(msg)?;
        let labels = LabelRun::new(&data, &settings, 3, seeds.label, None).map_err(msg)?;
        let dbn = DbnRun::new(&data, &settings, seeds.dbn, None).map_err(msg)?;
        let gauss = GaussRun::new(&gsettings, seeds.gauss).map_err(msg)?;
        let completion = Completion::new(&main.rbm, Known::Top, seeds.completion).map_err(msg)?;
        let mut s = Self {
            view: View::Train,
            settings,
            start: Start::Fresh,
            gsettings,
            seeds,
            data,
            main,
            labels,
            dbn,
            gauss,
            completion,
            image: vec![0.0; PIXELS],
            example: 0,
            shown: None,
            stale: Stale {
                completion: true,
                ..Stale::default()
            },
            pending: false,
            failed: None,
            shipped: None,
        };
        s.settle(false)?;
        Ok(s)
    }

    // ----- reading ------------------------------------------------------------------------

    /// The current sub-view.
    pub fn view(&self) -> View {
        self.view
    }

    /// The digit models' settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// What the digit models start from.
    pub fn start(&self) -> Start {
        self.start
    }

    /// The Gaussian view's settings.
    pub fn gauss_settings(&self) -> &GaussSettings {
        &self.gsettings
    }

    /// The page seed.
    pub fn seed(&self) -> u64 {
        self.seeds.page
    }

    /// The digits.
    pub fn data(&self) -> &DigitData {
        &self.data
    }

    /// The digit RBM run.
    pub fn main(&self) -> &DigitRun {
        &self.main
    }

    /// The label RBM run.
    pub fn labels(&self) -> &LabelRun {
        &self.labels
    }

    /// The deep belief net run.
    pub fn dbn(&self) -> &DbnRun {
        &self.dbn
    }

    /// The Gaussian RBM run.
    pub fn gauss(&self) -> &GaussRun {
        &self.gauss
    }

    /// The completion chains.
    pub fn completion(&self) -> &Completion {
        &self.completion
    }

    /// The drawing the completion clamps and the label RBM classifies (64 values, 0/1).
    pub fn image(&self) -> &[f32] {
        &self.image
    }

    /// The held-out digit the drawing is, while it is unedited: (index, label).
    pub fn shown_example(&self) -> Option<(usize, u8)> {
        self.shown
            .and_then(|i| self.data.test_labels.get(i).map(|&l| (i, l)))
    }

    /// Fraction of the free pixels the completion gets right, while the drawing is an
    /// unedited held-out digit (the truth is that digit).
    pub fn completion_match(&self) -> Option<f64> {
        let (i, _) = self.shown_example()?;
        self.completion.match_fraction(self.data.test_image(i))
    }

    /// Why the session stopped, if it did.
    pub fn failed(&self) -> Option<&str> {
        self.failed.as_deref()
    }

    // ----- changing -----------------------------------------------------------------------

    /// Starts over from `seed`: every model is rebuilt from the settings at the next
    /// [`RbmSession::settle`], the drawing is cleared.
    pub fn restart(&mut self, seed: u64) {
        self.seeds = Seeds::new(seed);
        self.pending = true;
    }

    /// Rebuilds what the settings changed (everything after a restart). With `keep`, a model
    /// trained here to the end with the same settings and seed stays when the digit models
    /// start trained (the path of a link). Returns why a rebuild failed (the old models stay).
    pub fn settle(&mut self, keep: bool) -> Result<(), String> {
        if self.pending {
            self.pending = false;
            self.stale = Stale {
                digits: true,
                dbn: true,
                gauss: true,
                completion: true,
            };
            self.image.fill(0.0);
            self.example = 0;
            self.shown = None;
            self.failed = None;
        }
        let stale = std::mem::take(&mut self.stale);
        let result = self.rebuild(stale, keep);
        if let Err(e) = &result {
            self.failed = Some(format!("settings refused: {e}"));
        }
        result
    }

    fn rebuild(&mut self, stale: Stale, keep: bool) -> Result<(), String> {
        let trained = self.start == Start::Trained && shipped::available(&self.settings);
        if trained && (stale.digits || stale.dbn) && self.shipped.is_none() {
            self.shipped = Some(shipped::Shipped::load(&self.data)?);
        }
        let (s, seeds, data) = (&self.settings, self.seeds, &self.data);
        let ship = self.shipped.as_ref().filter(|_| trained);
        if stale.digits {
            let main_from = ship.map(|sh| {
                if keep && self.main.is_run_of(s, seeds.main) && self.main.stats().finished {
                    self.main.take_trained()
                } else {
                    sh.digit_rbm()
                }
            });
            let label_from = ship.map(|sh| {
                if keep && self.labels.is_run_of(s, seeds.label) && self.labels.stats().finished {
                    self.labels.take_trained()
                } else {
                    sh.label_rbm()
                }
            });
            let main = DigitRun::new(data, s, seeds.main, main_from).map_err(msg)?;
            let labels =
                LabelRun::new(data, s, self.labels.label, seeds.label, label_from).map_err(msg)?;
            self.main = main;
            self.labels = labels;
            self.labels.classify(&self.image).map_err(msg)?;
        }
        if stale.digits || stale.dbn {
            let from = ship.map(|sh| {
                if keep && self.dbn.is_run_of(s, seeds.dbn) && self.dbn.finished() {
                    self.dbn.take_pretrained()
                } else {
                    sh.dbn()
                }
            });
            self.dbn = DbnRun::new(data, s, seeds.dbn, from).map_err(msg)?;
        }
        if stale.gauss {
            self.gauss = GaussRun::new(&self.gsettings, seeds.gauss).map_err(msg)?;
        }
        if stale.digits || stale.completion {
            let known = self.completion.known;
            self.completion =
                Completion::new(&self.main.rbm, known, seeds.completion).map_err(msg)?;
            self.completion
                .restart(&self.main.rbm, &self.image)
                .map_err(msg)?;
        }
        Ok(())
    }

    /// Sets the digit models' settings; a change of anything but the epoch target rebuilds
    /// them (at the next settle), a new epoch target extends or shortens the digit and label
    /// runs and restarts the deep belief net (which trains its layers in sequence).
    fn set_settings(&mut self, s: Settings) -> Result<(), String> {
        if s == self.settings {
            return Ok(());
        }
        if !s.same_model(&self.settings) {
            // Validate before taking it: a refused value leaves the session as it was.
            s.cd().validate().map_err(msg)?;
            self.stale.digits = true;
        } else if !self.pending && !self.stale.digits {
            self.main.set_epochs(s.epochs).map_err(msg)?;
            self.labels.set_epochs(s.epochs).map_err(msg)?;
            self.stale.dbn = true;
        }
        self.settings = s;
        Ok(())
    }

    fn change(&mut self, f: impl FnOnce(&mut Settings)) -> Result<(), String> {
        let mut s = self.settings.clone();
        f(&mut s);
        self.set_settings(s)
    }

    fn change_gauss(&mut self, f: impl FnOnce(&mut GaussSettings)) -> Result<(), String> {
        let mut g = self.gsettings.clone();
        f(&mut g);
        if g != self.gsettings {
            self.gsettings = g;
            self.stale.gauss = true;
        }
        Ok(())
    }

    fn set_start(&mut self, start: Start) {
        if start != self.start {
            self.start = start;
            self.stale.digits = true;
        }
    }

    fn set_known(&mut self, k: Known) {
        if k != self.completion.known {
            self.completion.known = k;
            self.stale.completion = true;
        }
    }

    fn set_label(&mut self, c: usize) -> Result<(), String> {
        if c >= CLASSES {
            return Err(format!("there is no class {c}"));
        }
        self.labels.set_label(c).map_err(msg)
    }

    /// Fresh digit models from the current start (same seed: the same run again).
    pub fn restart_models(&mut self) -> Result<(), String> {
        self.stale.digits = true;
        self.settle(false)
    }

    /// Replaces the digit RBM by `rbm` (64 visible units, 16…200 hidden): the hidden-units
    /// setting follows it and training continues from its weights. On any error nothing
    /// changes. Returns the number of hidden units.
    pub fn import(&mut self, rbm: Rbm) -> Result<usize, String> {
        if rbm.nv() != PIXELS {
            return Err(format!(
                "the model has {} visible units; the digits need {PIXELS}",
                rbm.nv()
            ));
        }
        let nh = rbm.nh();
        if !(16..=200).contains(&nh) {
            return Err(format!("{nh} hidden units is outside the page's 16…200"));
        }
        let (old_settings, old_start) = (self.settings.clone(), self.start);
        self.change(|s| s.hidden = nh)?;
        self.set_start(Start::Fresh);
        self.stale.digits = true;
        if let Err(e) = self.settle(false) {
            self.settings = old_settings;
            self.start = old_start;
            return Err(e);
        }
        self.main.import(rbm, &self.data).map_err(msg)?;
        self.restart_completion()?;
        Ok(nh)
    }

    /// Sets the drawing (an edit by hand): restarts the completion and reclassifies.
    pub fn set_image(&mut self, image: &[f32]) -> Result<(), String> {
        if image.len() != PIXELS {
            return Err(format!(
                "a drawing has {PIXELS} pixels, not {}",
                image.len()
            ));
        }
        self.image.copy_from_slice(image);
        self.shown = None;
        self.restart_completion()
    }

    /// Puts the next held-out digit in the drawing; returns (index, label) and the image.
    pub fn next_example(&mut self) -> Result<(usize, u8), String> {
        let n = self.data.test_len();
        if n == 0 {
            return Err("there are no held-out digits".into());
        }
        let i = self.example % n;
        self.example = (i + 1) % n;
        self.image.copy_from_slice(self.data.test_image(i));
        self.shown = Some(i);
        self.restart_completion()?;
        Ok((i, self.data.test_labels[i]))
    }

    /// Restarts the completion chains at the drawing and reclassifies it.
    pub fn restart_completion(&mut self) -> Result<(), String> {
        self.completion
            .restart(&self.main.rbm, &self.image)
            .and_then(|_| self.labels.classify(&self.image))
            .map_err(msg)
    }

    /// Restarts the deep belief net's top-level chains from random states.
    pub fn regenerate(&mut self) -> Result<(), String> {
        self.dbn.regenerate().map_err(msg)
    }

    // ----- running ------------------------------------------------------------------------

    /// One slice of work for the current view: train its model within `budget` and advance
    /// its chains by `gibbs` steps (`stepping`: the shell's Step — an epoch, or one Gibbs step
    /// once training is done). A failure (e.g. a diverged run) stops the session; the message
    /// says why.
    pub fn work(
        &mut self,
        budget: &mut Budget,
        gibbs: usize,
        stepping: bool,
    ) -> Result<(), String> {
        if let Some(f) = &self.failed {
            return Err(f.clone());
        }
        self.settle(false)?;
        let r = self.work_view(budget, gibbs, stepping);
        r.map_err(|e| {
            let m = match e {
                RbmError::Diverged => "training diverged (a weight became infinite or NaN) and was stopped; lower the learning rate and press Reset".to_string(),
                e => format!("stopped: {e}"),
            };
            self.failed = Some(m.clone());
            m
        })
    }

    fn work_view(
        &mut self,
        budget: &mut Budget,
        gibbs: usize,
        stepping: bool,
    ) -> Result<(), RbmError> {
        let data = &self.data;
        match self.view {
            View::Train => {
                let trained = self.main.train(budget, data)?;
                if !(stepping && trained) {
                    self.main.sample(gibbs)?;
                }
            }
            View::Complete => {
                // Play also trains the RBM until its epochs are done; the clamped chains
                // continue under the new weights.
                if !stepping && !self.main.stats().finished {
                    self.main.train(budget, data)?;
                }
                self.completion.step(&self.main.rbm, gibbs)?;
            }
            View::Labels => {
                let trained = self.labels.train(budget, data)?;
                if trained {
                    self.labels.classify(&self.image)?;
                }
                if !(stepping && trained) {
                    self.labels.sample(gibbs)?;
                }
            }
            View::Dbn => {
                if self.dbn.finished() {
                    self.dbn.sample(gibbs)?;
                } else if self.dbn.train(budget)? && self.dbn.finished() {
                    self.dbn.regenerate()?;
                }
            }
            View::Gauss => {
                let trained = self.gauss.train(budget)?;
                if !(stepping && trained) {
                    self.gauss.sample(gibbs)?;
                }
            }
        }
        Ok(())
    }

    /// The charts' data of the current view's model.
    pub fn history(&self) -> &History {
        match self.view {
            View::Train | View::Complete => &self.main.hist,
            View::Labels => &self.labels.hist,
            View::Dbn => &self.dbn.hist,
            View::Gauss => &self.gauss.hist,
        }
    }

    /// Whether the current view's charts have news (and forget it).
    pub fn take_history_dirty(&mut self) -> bool {
        let h = match self.view {
            View::Train | View::Complete => &mut self.main.hist,
            View::Labels => &mut self.labels.hist,
            View::Dbn => &mut self.dbn.hist,
            View::Gauss => &mut self.gauss.hist,
        };
        std::mem::replace(&mut h.dirty, false)
    }

    /// The current view's model, its origin and progress.
    pub fn summary(&self) -> Summary {
        let s = &self.settings;
        let cd = format!("CD-{}{}", s.k, if s.pcd { " (PCD)" } else { "" });
        let from = |st: crate::rbm::TrainStats, model: String, origin, name, digits| Summary {
            model,
            origin,
            progress: st.progress,
            epoch: st.epoch,
            epochs: st.epochs,
            batches: st.batches_done,
            finished: st.finished,
            metric_name: name,
            metric_digits: digits,
        };
        match self.view {
            View::Train | View::Complete => from(
                self.main.stats(),
                format!("digit RBM: 64 visible, {} hidden, {cd}", self.main.rbm.nh()),
                self.main.origin(),
                "held-out pseudo-log-likelihood",
                2,
            ),
            View::Labels => from(
                self.labels.stats(),
                format!(
                    "label RBM: 64 pixels + 10 label units, {} hidden, {cd}",
                    s.hidden
                ),
                self.labels.origin(),
                "held-out accuracy",
                3,
            ),
            View::Dbn => {
                let d = &self.dbn;
                let e = d.epochs();
                let finished = d.finished();
                let (progress, epoch) = match (&d.progress, finished) {
                    (_, true) => (1.0, 2 * e),
                    (Some(p), false) => (p.progress, p.layer * e + p.layer_stats.epoch),
                    (None, false) => (0.0, 0),
                };
                Summary {
                    model: format!(
                        "deep belief net 64 → {} → {}, {cd}, layer {} of 2",
                        s.hidden,
                        dbn_top(s.hidden),
                        if finished { 2 } else { d.layer() + 1 }
                    ),
                    origin: d.origin(),
                    progress,
                    epoch,
                    epochs: 2 * e,
                    batches: d.batches(),
                    finished,
                    metric_name: "",
                    metric_digits: 2,
                }
            }
            View::Gauss => from(
                self.gauss.stats(),
                format!(
                    "Gaussian–Bernoulli RBM: 2 visible (σ = {BLOB_SD}), {} hidden, CD-1",
                    self.gsettings.hidden
                ),
                Origin::Fresh,
                "exact log-likelihood per point",
                3,
            ),
        }
    }
}
