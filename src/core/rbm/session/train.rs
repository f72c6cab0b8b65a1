//! What every run of the RBM session shares: the shipped digits (binarised and split), the
//! digit models' settings and seeds, the work [`Budget`] of one call, the [`History`] the
//! charts draw, and [`Resume`], the epoch bookkeeping of a run that may start from a model
//! trained elsewhere (the trained model shipped with the page, or one kept from before).

use crate::digits::{gather_rows, Digits, CLASSES};
use crate::rbm::{CdConfig, RbmError, TrainEvent, TrainStats};
use crate::rng::Rng;
use crate::trace::Trace;

/// Pixels per digit (8 × 8).
pub const PIXELS: usize = 64;
/// Grey level (of 0..=16) from which a pixel counts as ink.
pub const THRESHOLD: u8 = 8;
/// Fraction of the digits held out for testing (a fixed split, the same for every seed, so
/// accuracies of different runs compare).
pub const HELD_OUT: f64 = 0.2;
/// Seed of the train / held-out split.
pub const SPLIT_SEED: u64 = 1;
/// Momentum of every trainer (Hinton 2010, §9, recommends 0.5 early in training).
pub const MOMENTUM: f32 = 0.5;
/// Initial weights N(0, 0.01²) (Hinton 2010, §8).
pub const INIT_SIGMA: f32 = 0.01;
/// Work budget of the held-out pseudo-likelihood per epoch, in hidden units × passes: one-flip
/// estimates are averaged over `(PL_WORK / nh).clamp(1, 4)` passes (less noise in the chart
/// while the cost stays below a few milliseconds for wide models).
pub const PL_WORK: usize = 256;
/// Mini-batches per trainer call: the clock is read between calls, so one large batch (100
/// rows, 200 hidden units, k = 3) cannot push a frame far past its budget.
pub const CHUNK: usize = 1;

/// The shipped digits, binarised and split.
pub struct DigitData {
    /// Training images, `rows × 64`, 0/1.
    pub train: Vec<f32>,
    /// Their labels.
    pub train_labels: Vec<u8>,
    /// Held-out images.
    pub test: Vec<f32>,
    /// Their labels.
    pub test_labels: Vec<u8>,
    /// The first held-out image of each class 0..9 (`10 × 64`), for reconstructions.
    pub examples: Vec<f32>,
}

impl DigitData {
    /// Parses and prepares a digits file (see [`crate::digits`]).
    pub fn load(bytes: &[u8]) -> Result<Self, String> {
        let d = Digits::parse(bytes).map_err(|e| format!("digits data: {e}"))?;
        if d.pixels_per_image() != PIXELS {
            return Err(format!(
                "digits data: images have {} pixels, expected {PIXELS}",
                d.pixels_per_image()
            ));
        }
        let x = d.binarized(THRESHOLD).map_err(|e| e.to_string())?;
        let split = d.split(HELD_OUT, SPLIT_SEED).map_err(|e| e.to_string())?;
        let test_labels = gather_rows(d.labels(), 1, &split.held_out);
        let test = gather_rows(&x, PIXELS, &split.held_out);
        let mut examples = Vec::with_capacity(CLASSES * PIXELS);
        for c in 0..CLASSES as u8 {
            if let Some(k) = test_labels.iter().position(|&l| l == c) {
                examples.extend_from_slice(&test[k * PIXELS..(k + 1) * PIXELS]);
            }
        }
        Ok(Self {
            train: gather_rows(&x, PIXELS, &split.train),
            train_labels: gather_rows(d.labels(), 1, &split.train),
            test,
            test_labels,
            examples,
        })
    }

    /// The digits shipped with the page.
    pub fn shipped() -> Result<Self, String> {
        Self::load(crate::data::digits()?)
    }

    /// Number of held-out images.
    pub fn test_len(&self) -> usize {
        self.test_labels.len()
    }

    /// Number of training images.
    pub fn train_len(&self) -> usize {
        self.train_labels.len()
    }

    /// Held-out image `i` (64 values, 0/1).
    pub fn test_image(&self, i: usize) -> &[f32] {
        &self.test[i * PIXELS..(i + 1) * PIXELS]
    }

    /// Mean of the training pixels (the fraction of ink in the data).
    pub fn ink(&self) -> f64 {
        mean(&self.train)
    }
}

/// Mean of a slice (0 for an empty one).
pub fn mean(xs: &[f32]) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.iter().map(|&x| f64::from(x)).sum::<f64>() / xs.len() as f64
}

/// Settings of the digit models (the digit RBM, the label RBM and the deep belief net).
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Hidden units.
    pub hidden: usize,
    /// Gibbs steps of CD-k.
    pub k: usize,
    /// Persistent CD.
    pub pcd: bool,
    /// Learning rate η.
    pub lr: f64,
    /// Rows per mini-batch.
    pub batch: usize,
    /// Epoch target (per layer for the deep belief net).
    pub epochs: usize,
}

impl Default for Settings {
    /// 64 hidden units, CD-1, η = 0.1, batches of 10, 30 epochs: on the 1437 training digits
    /// this reaches a reconstruction error of ≈ 0.05 and ≈ 93 % held-out accuracy (label RBM)
    /// in a few seconds.
    fn default() -> Self {
        Self {
            hidden: 64,
            k: 1,
            pcd: false,
            lr: 0.1,
            batch: 10,
            epochs: 30,
        }
    }
}

impl Settings {
    /// The trainer configuration.
    pub fn cd(&self) -> CdConfig {
        CdConfig {
            k: self.k,
            persistent: self.pcd,
            learning_rate: self.lr as f32,
            momentum: MOMENTUM,
            batch_size: self.batch,
            ..CdConfig::default()
        }
    }

    /// The same model settings (all but the epoch target).
    pub fn same_model(&self, other: &Settings) -> bool {
        Settings {
            epochs: other.epochs,
            ..self.clone()
        } == *other
    }
}

/// Per-run seeds drawn from the page seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seeds {
    /// The page seed they come from.
    pub page: u64,
    /// The digit RBM.
    pub main: u64,
    /// The label RBM.
    pub label: u64,
    /// The deep belief net.
    pub dbn: u64,
    /// The Gaussian RBM.
    pub gauss: u64,
    /// The completion chains.
    pub completion: u64,
}

impl Seeds {
    /// Seeds for page seed `seed`.
    pub fn new(seed: u64) -> Self {
        let mut r = Rng::new(seed);
        Self {
            page: seed,
            main: r.next_u64(),
            label: r.next_u64(),
            dbn: r.next_u64(),
            gauss: r.next_u64(),
            completion: r.next_u64(),
        }
    }
}

/// How much training a call may do: a number of mini-batches, a deadline on a clock, or up to
/// the end of the current epoch.
pub struct Budget<'a> {
    left: usize,
    deadline: f64,
    one_epoch: bool,
    now: Option<&'a mut dyn FnMut() -> f64>,
}

impl<'a> Budget<'a> {
    /// At most `batches` mini-batches, stopping once `now()` (milliseconds) passes `deadline`.
    pub fn timed(batches: usize, deadline: f64, now: &'a mut dyn FnMut() -> f64) -> Self {
        Self {
            left: batches,
            deadline,
            one_epoch: false,
            now: Some(now),
        }
    }

    /// The rest of the current epoch.
    pub fn epoch() -> Self {
        Self {
            left: usize::MAX,
            deadline: f64::INFINITY,
            one_epoch: true,
            now: None,
        }
    }

    /// At most `batches` mini-batches, without a clock.
    pub fn batches(batches: usize) -> Self {
        Self {
            left: batches,
            deadline: f64::INFINITY,
            one_epoch: false,
            now: None,
        }
    }

    /// Whether the budget stops at the end of an epoch.
    pub fn one_epoch(&self) -> bool {
        self.one_epoch
    }

    /// Takes up to `want` (≥ 1) batches for the next trainer call; 0 when spent.
    pub fn take(&mut self, want: usize) -> usize {
        if self.left == 0 || want == 0 {
            return 0;
        }
        if let Some(now) = self.now.as_mut() {
            if now() >= self.deadline {
                return 0;
            }
        }
        let n = want.min(self.left).min(CHUNK);
        self.left -= n;
        n
    }
}

/// What the charts of one run draw.
pub struct History {
    /// (fractional epoch, moving average of the mini-batch reconstruction error).
    pub smooth: Trace,
    /// (epoch, mean reconstruction error of that epoch).
    pub epochs: Vec<(f64, f64)>,
    /// (epoch, the run's quality measure: pseudo-likelihood, accuracy or exact likelihood).
    pub metric: Vec<(f64, f64)>,
    ema: Option<f64>,
    /// Set when anything was added (cleared by the chart drawer).
    pub dirty: bool,
}

impl Default for History {
    fn default() -> Self {
        Self {
            smooth: Trace::new(400),
            epochs: Vec::new(),
            metric: Vec::new(),
            ema: None,
            dirty: true,
        }
    }
}

impl History {
    /// Books a trainer event; `offset` epochs shift x (the second layer of the DBN, or the
    /// epochs a model was trained before this run).
    pub fn book(&mut self, e: TrainEvent, per_epoch: usize, offset: usize) {
        match e {
            TrainEvent::Batch {
                epoch,
                batch,
                reconstruction_error: Some(err),
            } if err.is_finite() => {
                // exponential moving average over ≈ 20 mini-batches
                let m = self.ema.map_or(err, |m| 0.95 * m + 0.05 * err);
                self.ema = Some(m);
                let x = (offset + epoch) as f64 + (batch + 1) as f64 / per_epoch.max(1) as f64;
                self.smooth.push(x, m);
            }
            TrainEvent::Epoch {
                epoch,
                reconstruction_error: Some(err),
            } if err.is_finite() => {
                self.epochs.push(((offset + epoch + 1) as f64, err));
            }
            _ => return,
        }
        self.dirty = true;
    }

    /// Books an epoch's reconstruction error measured outside training (a loaded model).
    pub fn push_error(&mut self, epoch: usize, err: f64) {
        if err.is_finite() {
            self.epochs.push((epoch as f64, err));
            self.dirty = true;
        }
    }

    /// Books the quality measure at the end of `epoch`.
    pub fn push_metric(&mut self, epoch: usize, v: f64) {
        if v.is_finite() {
            self.metric.push((epoch as f64, v));
            self.dirty = true;
        }
    }

    /// The newest reconstruction error: the last epoch's mean, else the moving average.
    pub fn last_error(&self) -> Option<f64> {
        self.epochs.last().map(|p| p.1).or(self.ema)
    }

    /// The first epoch's mean reconstruction error.
    pub fn first_error(&self) -> Option<f64> {
        self.epochs.first().map(|p| p.1)
    }

    /// The newest quality measure.
    pub fn last_metric(&self) -> Option<f64> {
        self.metric.last().map(|p| p.1)
    }
}

/// Where a run's model came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Fresh weights N(0, 0.01²), trained in this page.
    Fresh,
    /// The trained model shipped with the page.
    Shipped,
    /// A model trained to the end in this page before a link was applied, kept because the
    /// link asks for a trained model with the same settings and seed.
    Kept,
    /// Parameters read from a file.
    Imported,
}

impl Origin {
    /// Short id (`data-origin`).
    pub fn id(self) -> &'static str {
        match self {
            Origin::Fresh => "fresh",
            Origin::Shipped => "shipped",
            Origin::Kept => "kept",
            Origin::Imported => "imported",
        }
    }

    /// In words, for the read-outs.
    pub fn words(self) -> &'static str {
        match self {
            Origin::Fresh => "from fresh weights",
            Origin::Shipped => "trained model shipped with the page",
            Origin::Kept => "the model trained to the end before, kept",
            Origin::Imported => "imported",
        }
    }
}

/// Epoch bookkeeping of a run whose trainer may start after `before` epochs (and
/// `before_batches` mini-batches) done elsewhere: the trainer itself counts from 0 to
/// `target − before`; when the target is not above `before`, the run is finished at once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resume {
    /// Epochs the model was trained before this run.
    pub before: usize,
    /// Mini-batches of those epochs.
    pub before_batches: u64,
    /// The run's epoch target.
    pub target: usize,
}

impl Resume {
    /// A run from scratch to `target` epochs.
    pub fn fresh(target: usize) -> Self {
        Self {
            before: 0,
            before_batches: 0,
            target,
        }
    }

    /// Whether the trainer has epochs to do.
    pub fn trains(&self) -> bool {
        self.target > self.before
    }

    /// The trainer's own epoch target (at least 1, as trainers require).
    pub fn trainer_epochs(&self) -> usize {
        self.target.saturating_sub(self.before).max(1)
    }

    /// The run's progress from the trainer's.
    pub fn stats(&self, s: TrainStats) -> TrainStats {
        if !self.trains() {
            return TrainStats {
                epoch: self.before,
                epochs: self.before,
                batches_done: self.before_batches,
                epoch_progress: 1.0,
                progress: 1.0,
                reconstruction_error: None,
                last_epoch_error: s.last_epoch_error,
                finished: true,
            };
        }
        let epochs = self.before + s.epochs;
        TrainStats {
            epoch: self.before + s.epoch,
            epochs,
            batches_done: self.before_batches + s.batches_done,
            progress: if s.finished {
                1.0
            } else {
                (self.before as f64 + s.epoch as f64 + s.epoch_progress) / epochs as f64
            },
            ..s
        }
    }
}

/// The trainers whose progress counts epochs of mini-batches (binary and Gaussian RBMs).
pub trait EpochTrainer {
    /// The model the trainer updates.
    type Model;
    /// The trainer's own progress.
    fn progress(&self) -> TrainStats;
    /// Up to `batches` updates, events to `on`.
    fn train_observed(
        &mut self,
        model: &mut Self::Model,
        batches: usize,
        rng: &mut Rng,
        on: &mut dyn FnMut(TrainEvent),
    ) -> Result<TrainStats, RbmError>;
}

/// `impl EpochTrainer for $trainer` (whose model is `$model`) with its inherent methods.
macro_rules! epoch_trainer {
    ($trainer:ty, $model:ty) => {
        impl EpochTrainer for $trainer {
            type Model = $model;
            fn progress(&self) -> TrainStats {
                self.stats()
            }
            fn train_observed(
                &mut self,
                model: &mut $model,
                batches: usize,
                rng: &mut Rng,
                on: &mut dyn FnMut(TrainEvent),
            ) -> Result<TrainStats, RbmError> {
                self.step_observed(model, batches, rng, on)
            }
        }
    };
}

epoch_trainer!(crate::rbm::Trainer, crate::rbm::Rbm);
epoch_trainer!(crate::rbm::GaussianTrainer, crate::rbm::GaussianRbm);

/// One run's trainer, its model accessor and its bookkeeping, for [`train_epochs`].
pub struct Job<'a, T: EpochTrainer, M> {
    /// The trainer.
    pub trainer: &'a mut T,
    /// The whole model (the metric reads it).
    pub model: &'a mut M,
    /// The part of the model the trainer updates.
    pub trained: fn(&mut M) -> &mut T::Model,
    /// The training stream.
    pub rng: &'a mut Rng,
    /// Where events are booked.
    pub hist: &'a mut History,
    /// Mini-batches per epoch.
    pub per_epoch: usize,
    /// Epochs done before this trainer.
    pub resume: Resume,
}

/// Trains `job` within `budget`, booking the trainer's events in its history and, at each
/// epoch end, the quality measure `metric(model)`. Returns whether any mini-batch was done.
pub fn train_epochs<T: EpochTrainer, M>(
    job: Job<'_, T, M>,
    budget: &mut Budget,
    mut metric: impl FnMut(&M) -> Result<f64, RbmError>,
) -> Result<bool, RbmError> {
    let Job {
        trainer,
        model,
        trained,
        rng,
        hist,
        per_epoch,
        resume,
    } = job;
    if !resume.trains() {
        return Ok(false);
    }
    let (bpe, off) = (per_epoch.max(1), resume.before);
    let mut any = false;
    loop {
        let before = trainer.progress();
        if before.finished {
            break;
        }
        let in_epoch = (before.batches_done % bpe as u64) as usize;
        let n = budget.take(bpe - in_epoch);
        if n == 0 {
            break;
        }
        let after =
            trainer.train_observed(trained(model), n, rng, &mut |e| hist.book(e, bpe, off))?;
        any = true;
        if after.epoch > before.epoch {
            hist.push_metric(off + after.epoch, metric(model)?);
            if budget.one_epoch() {
                break;
            }
        }
    }
    Ok(any)
}
