//! The models the RBM lab trains, each with its resumable trainer, its own random streams and
//! the history its charts draw. All numbers come from `crate::core::rbm`; this file only
//! schedules the work in slices (so a frame stays short) and books the results.
//!
//! Replay: every run draws its streams from one `u64` derived from the page seed, and a
//! trainer's result does not depend on how its batches are sliced into frames, so a run is a
//! function of (seed, settings) however fast the page happens to play it.

use crate::core::digits::{gather_rows, Digits, CLASSES};
use crate::core::rbm::{
    blob_data, CdConfig, Dbn, DbnEvent, DbnProgress, DbnSampler, DbnTrainer, GaussianChain,
    GaussianRbm, GaussianTrainer, GibbsChain, LabelRbm, LayerData, Rbm, RbmError, TrainEvent,
    TrainStats, Trainer,
};
use crate::core::rng::Rng;
use crate::core::trace::Trace;

/// Pixels per digit (8 × 8).
pub const PIXELS: usize = 64;
/// Grey level (of 0..=16) from which a pixel counts as ink.
pub const THRESHOLD: u8 = 8;
/// Fraction of the digits held out for testing (a fixed split, the same for every seed, so
/// accuracies of different runs compare).
pub const HELD_OUT: f64 = 0.2;
/// Seed of the train / held-out split.
pub const SPLIT_SEED: u64 = 1;
/// Momentum of every digit trainer (Hinton 2010, §9, recommends 0.5 early in training).
pub const MOMENTUM: f32 = 0.5;
/// Initial weights N(0, 0.01²) (Hinton 2010, §8).
pub const INIT_SIGMA: f32 = 0.01;
/// Free-running chains shown in the training view.
pub const SAMPLE_CHAINS: usize = 10;
/// Clamped chains of the completion view.
pub const COMPLETION_CHAINS: usize = 16;
/// Gibbs steps run at once after the drawing or the clamp changes.
pub const COMPLETION_BURN_IN: usize = 10;
/// Label-clamped chains of conditional generation.
pub const COND_CHAINS: usize = 10;
/// Top-down chains of the deep belief net.
pub const DBN_CHAINS: usize = 20;
/// Model samples in the Gaussian view.
pub const GAUSS_CHAINS: usize = 300;
/// Training points in the Gaussian view.
pub const GAUSS_POINTS: usize = 400;
/// Mini-batch of the Gaussian RBM.
pub const GAUSS_BATCH: usize = 20;
/// Spread of every blob, and the Gaussian RBM's fixed visible noise σ.
pub const BLOB_SD: f32 = 0.4;
/// Work budget of the held-out pseudo-likelihood per epoch, in hidden units × passes: one-flip
/// estimates are averaged over `(PL_WORK / nh).clamp(1, 4)` passes (less noise in the chart
/// while the cost stays below a few milliseconds for wide models).
pub const PL_WORK: usize = 256;
/// Mini-batches per trainer call: the time budget is checked between calls, so one large
/// batch (100 rows, 200 hidden units, k = 3) cannot push a frame far past its budget.
pub const CHUNK: usize = 1;

/// Learning rates offered by the sliders.
pub const LR_STEPS: [f64; 10] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0];

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
    /// Parses and prepares the digits file.
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

    /// Number of held-out images.
    pub fn test_len(&self) -> usize {
        self.test_labels.len()
    }

    /// Number of training images.
    pub fn train_len(&self) -> usize {
        self.train_labels.len()
    }
}

/// Milliseconds since the page loaded (0 where there is no clock).
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// How much training a call may do: a number of mini-batches, a wall-clock deadline, or up to
/// the end of the current epoch.
pub struct Budget {
    left: usize,
    deadline: f64,
    one_epoch: bool,
}

impl Budget {
    /// At most `batches` mini-batches, stopping once `ms` milliseconds have passed.
    pub fn timed(batches: usize, ms: f64) -> Self {
        Self {
            left: batches,
            deadline: now() + ms,
            one_epoch: false,
        }
    }

    /// The rest of the current epoch.
    pub fn epoch() -> Self {
        Self {
            left: usize::MAX,
            deadline: f64::INFINITY,
            one_epoch: true,
        }
    }

    /// Takes up to `want` (≥ 1) batches for the next trainer call; 0 when spent.
    fn take(&mut self, want: usize) -> usize {
        if self.left == 0 || want == 0 {
            return 0;
        }
        if self.deadline.is_finite() && now() >= self.deadline {
            return 0;
        }
        let n = want.min(self.left).min(CHUNK);
        self.left -= n;
        n
    }
}

/// The trainers whose progress counts epochs of mini-batches (binary and Gaussian RBMs).
trait EpochTrainer {
    type Model;
    fn progress(&self) -> TrainStats;
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

epoch_trainer!(Trainer, Rbm);
epoch_trainer!(GaussianTrainer, GaussianRbm);

/// Trains the part `trained(model)` of `model` within `budget` (`bpe` mini-batches an epoch),
/// booking the trainer's events in `hist` and, at each epoch end, the quality measure
/// `metric(model)`. Returns whether any mini-batch was done.
#[allow(clippy::too_many_arguments)]
fn train_epochs<T: EpochTrainer, M>(
    trainer: &mut T,
    model: &mut M,
    trained: fn(&mut M) -> &mut T::Model,
    rng: &mut Rng,
    hist: &mut History,
    budget: &mut Budget,
    bpe: usize,
    mut metric: impl FnMut(&M) -> Result<f64, RbmError>,
) -> Result<bool, RbmError> {
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
            trainer.train_observed(trained(model), n, rng, &mut |e| hist.book(e, bpe, 0))?;
        any = true;
        if after.epoch > before.epoch {
            hist.push_metric(after.epoch, metric(model)?);
            if budget.one_epoch {
                break;
            }
        }
    }
    Ok(any)
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

impl History {
    fn new() -> Self {
        Self {
            smooth: Trace::new(400),
            epochs: Vec::new(),
            metric: Vec::new(),
            ema: None,
            dirty: true,
        }
    }

    /// Books a trainer event; `offset` epochs shift x (the second layer of the DBN).
    fn book(&mut self, e: TrainEvent, per_epoch: usize, offset: usize) {
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

    fn push_metric(&mut self, epoch: usize, v: f64) {
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

/// Settings of the digit models (the training view's controls).
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
    /// Epoch target (per layer for the DBN).
    pub epochs: usize,
}

/// Allowed hidden units.
pub const HIDDEN_RANGE: (usize, usize) = (16, 200);
/// Allowed k.
pub const K_RANGE: (usize, usize) = (1, 3);
/// Allowed learning rates.
pub const LR_RANGE: (f64, f64) = (0.001, 1.0);
/// Allowed batch sizes.
pub const BATCH_RANGE: (usize, usize) = (1, 100);
/// Allowed epoch targets.
pub const EPOCH_RANGE: (usize, usize) = (1, 500);

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
}

/// Per-run seeds drawn from the page seed.
#[derive(Clone, Copy, Debug)]
pub struct Seeds {
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
            main: r.next_u64(),
            label: r.next_u64(),
            dbn: r.next_u64(),
            gauss: r.next_u64(),
            completion: r.next_u64(),
        }
    }
}

/// The RBM on binarised digits, with free-running chains and reconstructions.
pub struct DigitRun {
    /// The model.
    pub rbm: Rbm,
    trainer: Trainer,
    rng: Rng,
    pl_rng: Rng,
    chain_rng: Rng,
    /// Persistent free-running chains (independent of training).
    pub chains: GibbsChain,
    /// Chart data.
    pub hist: History,
    recon_h: Vec<f32>,
    /// P(v | P(h | v)) of the example digits.
    pub recon: Vec<f32>,
}

impl DigitRun {
    /// A fresh model for `s`, streams from `seed`.
    pub fn new(data: &DigitData, s: &Settings, seed: u64) -> Result<Self, RbmError> {
        let mut root = Rng::new(seed);
        let mut init = root.fork();
        let rng = root.fork();
        let pl_rng = root.fork();
        let mut chain_rng = root.fork();
        let mut rbm = Rbm::with_random_weights(PIXELS, s.hidden, INIT_SIGMA, &mut init)?;
        rbm.init_visible_bias_from_data(&data.train)?;
        let trainer = Trainer::new(&rbm, &data.train, s.cd(), s.epochs)?;
        let mut chains = GibbsChain::random(&rbm, SAMPLE_CHAINS, &mut chain_rng)?;
        chains.gibbs_step(&rbm, &mut chain_rng)?;
        let n = data.examples.len() / PIXELS;
        let mut run = Self {
            recon_h: vec![0.0; n * rbm.nh()],
            recon: vec![0.0; n * PIXELS],
            rbm,
            trainer,
            rng,
            pl_rng,
            chain_rng,
            chains,
            hist: History::new(),
        };
        run.reconstruct(&data.examples)?;
        Ok(run)
    }

    /// Training progress.
    pub fn stats(&self) -> TrainStats {
        self.trainer.stats()
    }

    /// Changes the epoch target (a finished run can be extended).
    pub fn set_epochs(&mut self, epochs: usize) -> Result<(), RbmError> {
        self.trainer.set_epochs(epochs)
    }

    /// Trains within `budget`; at each epoch end measures the held-out pseudo-log-likelihood.
    /// Returns whether any mini-batch was done.
    pub fn train(&mut self, budget: &mut Budget, data: &DigitData) -> Result<bool, RbmError> {
        let bpe = self.trainer.batches_per_epoch();
        let (data_test, pl_rng) = (&data.test, &mut self.pl_rng);
        let any = train_epochs(
            &mut self.trainer,
            &mut self.rbm,
            |m| m,
            &mut self.rng,
            &mut self.hist,
            budget,
            bpe,
            |rbm| {
                let passes = (PL_WORK / rbm.nh()).clamp(1, 4);
                let mut pl = 0.0;
                for _ in 0..passes {
                    pl += rbm.pseudo_log_likelihood(data_test, pl_rng)?;
                }
                Ok(pl / passes as f64)
            },
        )?;
        if any {
            self.reconstruct(&data.examples)?;
        }
        Ok(any)
    }

    /// Advances the free-running chains by `steps` block-Gibbs steps.
    pub fn sample(&mut self, steps: usize) -> Result<(), RbmError> {
        self.chains
            .step_many(&self.rbm, steps, &mut self.chain_rng, &mut |_| {})
    }

    /// `recon ← P(v | h = P(h | v))` of `src` (the mean-field reconstruction).
    fn reconstruct(&mut self, src: &[f32]) -> Result<(), RbmError> {
        self.rbm.hidden_probs(src, &mut self.recon_h)?;
        self.rbm.visible_probs(&self.recon_h, &mut self.recon)
    }
}

/// Which visible pixels the completion view clamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Known {
    /// Rows 0–3.
    Top,
    /// Rows 4–7.
    Bottom,
    /// Columns 0–3.
    Left,
    /// Columns 4–7.
    Right,
    /// Exactly the drawn (ink) pixels; everything else is free.
    Ink,
}

impl Known {
    /// Menu order.
    pub const ALL: [Known; 5] = [
        Known::Top,
        Known::Bottom,
        Known::Left,
        Known::Right,
        Known::Ink,
    ];

    /// Menu text.
    pub fn label(self) -> &'static str {
        match self {
            Known::Top => "top half",
            Known::Bottom => "bottom half",
            Known::Left => "left half",
            Known::Right => "right half",
            Known::Ink => "drawn pixels only",
        }
    }

    /// URL id.
    pub fn id(self) -> &'static str {
        match self {
            Known::Top => "top",
            Known::Bottom => "bottom",
            Known::Left => "left",
            Known::Right => "right",
            Known::Ink => "ink",
        }
    }

    /// Whether pixel `i` of `image` is known.
    pub fn contains(self, i: usize, image: &[f32]) -> bool {
        let (r, c) = (i / 8, i % 8);
        match self {
            Known::Top => r < 4,
            Known::Bottom => r >= 4,
            Known::Left => c < 4,
            Known::Right => c >= 4,
            Known::Ink => image.get(i).is_some_and(|&x| x > 0.5),
        }
    }
}

/// Pattern completion: chains of the digit RBM with the known pixels clamped (`set_clamp`).
pub struct Completion {
    /// The clamped chains.
    pub chain: GibbsChain,
    rng: Rng,
    /// The clamped region.
    pub known: Known,
    /// Clamp mask (64).
    pub mask: Vec<bool>,
    rows: Vec<f32>,
    /// Mean over the chains of P(v = 1 | h) (known pixels show their value).
    pub mean: Vec<f32>,
    nh: usize,
}

impl Completion {
    /// Chains for `rbm`, streams from `seed`.
    pub fn new(rbm: &Rbm, known: Known, seed: u64) -> Result<Self, RbmError> {
        Ok(Self {
            chain: GibbsChain::new(rbm, COMPLETION_CHAINS)?,
            rng: Rng::new(seed),
            known,
            mask: vec![false; PIXELS],
            rows: vec![0.0; COMPLETION_CHAINS * PIXELS],
            mean: vec![0.0; PIXELS],
            nh: rbm.nh(),
        })
    }

    /// Restarts every chain at `image` with the known pixels clamped, then runs a short
    /// burn-in so the completion shows at once.
    pub fn restart(&mut self, rbm: &Rbm, image: &[f32]) -> Result<(), RbmError> {
        if rbm.nh() != self.nh {
            self.chain = GibbsChain::new(rbm, COMPLETION_CHAINS)?;
            self.nh = rbm.nh();
        }
        for (i, m) in self.mask.iter_mut().enumerate() {
            *m = self.known.contains(i, image);
        }
        for row in self.rows.chunks_exact_mut(PIXELS) {
            row.copy_from_slice(image);
        }
        self.chain.clear_clamp();
        self.chain.set_visible(&self.rows)?;
        self.chain.set_clamp(&self.mask)?;
        self.step(rbm, COMPLETION_BURN_IN)
    }

    /// `k` conditioned block-Gibbs steps.
    pub fn step(&mut self, rbm: &Rbm, k: usize) -> Result<(), RbmError> {
        self.chain.step_many(rbm, k, &mut self.rng, &mut |_| {})?;
        self.mean.fill(0.0);
        for row in self.chain.visible_probs().chunks_exact(PIXELS) {
            for (m, &p) in self.mean.iter_mut().zip(row) {
                *m += p;
            }
        }
        let b = self.chain.batch() as f32;
        self.mean.iter_mut().for_each(|m| *m /= b);
        Ok(())
    }

    /// Number of clamped pixels.
    pub fn known_count(&self) -> usize {
        self.mask.iter().filter(|&&m| m).count()
    }

    /// Fraction of (chain, known pixel) pairs whose current state equals `image` — 1 while the
    /// clamp holds (None when nothing is known).
    pub fn clamp_agreement(&self, image: &[f32]) -> Option<f64> {
        let (mut same, mut n) = (0usize, 0usize);
        for row in self.chain.visible().chunks_exact(PIXELS) {
            for ((&m, &v), &x) in self.mask.iter().zip(row).zip(image) {
                if m {
                    n += 1;
                    same += usize::from(v == x);
                }
            }
        }
        (n > 0).then(|| same as f64 / n as f64)
    }

    /// Mean completion probability over the free pixels (None when every pixel is known).
    pub fn free_mean(&self) -> Option<f64> {
        let (s, n) = self
            .mask
            .iter()
            .zip(&self.mean)
            .filter(|(m, _)| !**m)
            .fold((0.0f64, 0usize), |(s, n), (_, &p)| {
                (s + f64::from(p), n + 1)
            });
        (n > 0).then(|| s / n as f64)
    }
}

/// The label RBM (pixels ‖ one-hot label): classification and conditional generation.
pub struct LabelRun {
    /// The model.
    pub model: LabelRbm,
    trainer: Trainer,
    rng: Rng,
    chain_rng: Rng,
    /// Chains with the label units clamped to `label`.
    pub chains: GibbsChain,
    /// The clamped class.
    pub label: usize,
    /// Chart data (metric: held-out accuracy).
    pub hist: History,
    /// P(c | v) of the last classified image.
    pub probs: Vec<f64>,
    /// The most probable class of the last classified image.
    pub predicted: usize,
    scratch: Vec<f32>,
}

impl LabelRun {
    /// A fresh label RBM with `s.hidden` hidden units.
    pub fn new(data: &DigitData, s: &Settings, label: usize, seed: u64) -> Result<Self, RbmError> {
        let mut root = Rng::new(seed);
        let mut init = root.fork();
        let rng = root.fork();
        let mut chain_rng = root.fork();
        let mut model = LabelRbm::new(PIXELS, CLASSES, s.hidden, INIT_SIGMA, &mut init)?;
        let trainer = model.trainer(&data.train, &data.train_labels, s.cd(), s.epochs)?;
        model.rbm.init_visible_bias_from_data(trainer.data())?;
        let label = label.min(CLASSES - 1);
        let mut chains = model.conditional_chain(label, COND_CHAINS, &mut chain_rng)?;
        chains.gibbs_step(&model.rbm, &mut chain_rng)?;
        Ok(Self {
            scratch: vec![0.0; model.rbm.nh()],
            probs: vec![1.0 / CLASSES as f64; CLASSES],
            predicted: 0,
            model,
            trainer,
            rng,
            chain_rng,
            chains,
            label,
            hist: History::new(),
        })
    }

    /// Training progress.
    pub fn stats(&self) -> TrainStats {
        self.trainer.stats()
    }

    /// Changes the epoch target.
    pub fn set_epochs(&mut self, epochs: usize) -> Result<(), RbmError> {
        self.trainer.set_epochs(epochs)
    }

    /// Trains within `budget`; at each epoch end measures the held-out accuracy.
    pub fn train(&mut self, budget: &mut Budget, data: &DigitData) -> Result<bool, RbmError> {
        let bpe = self.trainer.batches_per_epoch();
        let any = train_epochs(
            &mut self.trainer,
            &mut self.model,
            |m| &mut m.rbm,
            &mut self.rng,
            &mut self.hist,
            budget,
            bpe,
            |model| model.accuracy(&data.test, &data.test_labels),
        )?;
        Ok(any)
    }

    /// Restarts the conditional chains with the label units clamped to class `c`.
    pub fn set_label(&mut self, c: usize) -> Result<(), RbmError> {
        let mut chains = self
            .model
            .conditional_chain(c, COND_CHAINS, &mut self.chain_rng)?;
        chains.gibbs_step(&self.model.rbm, &mut self.chain_rng)?;
        self.chains = chains;
        self.label = c;
        Ok(())
    }

    /// Advances the conditional chains.
    pub fn sample(&mut self, steps: usize) -> Result<(), RbmError> {
        self.chains
            .step_many(&self.model.rbm, steps, &mut self.chain_rng, &mut |_| {})
    }

    /// The exact class posterior P(c | v) of `image` into `probs` / `predicted`.
    pub fn classify(&mut self, image: &[f32]) -> Result<(), RbmError> {
        self.predicted =
            self.model
                .class_probabilities(image, &mut self.scratch, &mut self.probs)?;
        Ok(())
    }
}

/// Top hidden layer of the deep belief net for `n1` first-layer units.
pub fn dbn_top(n1: usize) -> usize {
    (n1 / 2).max(8)
}

/// The two-layer deep belief net: greedy pretraining, then top-down generation.
pub struct DbnRun {
    /// The model.
    pub dbn: Dbn,
    trainer: DbnTrainer,
    rng: Rng,
    sampler_rng: Rng,
    /// Top-level Gibbs chains plus the down pass.
    pub sampler: DbnSampler,
    /// Chart data (both layers, the second shifted by the first's epochs).
    pub hist: History,
    /// The last progress report (None before the first batch).
    pub progress: Option<DbnProgress>,
    epochs: usize,
    per_epoch: usize,
    done: u64,
}

impl DbnRun {
    /// A fresh DBN 64 → `s.hidden` → [`dbn_top`], each layer trained `s.epochs` epochs.
    pub fn new(data: &DigitData, s: &Settings, seed: u64) -> Result<Self, RbmError> {
        let mut root = Rng::new(seed);
        let mut init = root.fork();
        let rng = root.fork();
        let mut sampler_rng = root.fork();
        let mut dbn =
            Dbn::with_random_weights(PIXELS, s.hidden, dbn_top(s.hidden), INIT_SIGMA, &mut init)?;
        dbn.bottom.init_visible_bias_from_data(&data.train)?;
        let trainer = DbnTrainer::new(
            &dbn,
            &data.train,
            s.cd(),
            s.epochs,
            s.cd(),
            s.epochs,
            LayerData::Probabilities,
        )?;
        let mut sampler = DbnSampler::new(&dbn, DBN_CHAINS, &mut sampler_rng)?;
        sampler.step(&dbn, 1, &mut sampler_rng, &mut |_| {})?;
        Ok(Self {
            dbn,
            trainer,
            rng,
            sampler_rng,
            sampler,
            hist: History::new(),
            progress: None,
            epochs: s.epochs,
            per_epoch: data.train_len().div_ceil(s.batch.max(1)),
            done: 0,
        })
    }

    /// True once both layers are trained.
    pub fn finished(&self) -> bool {
        self.trainer.layer() >= 2
    }

    /// Epochs per layer.
    pub fn epochs(&self) -> usize {
        self.epochs
    }

    /// Greedy layer-wise training within `budget`.
    pub fn train(&mut self, budget: &mut Budget) -> Result<bool, RbmError> {
        let bpe = self.per_epoch.max(1);
        let mut any = false;
        while !self.finished() {
            let in_epoch = (self.done % bpe as u64) as usize;
            let n = budget.take(bpe - in_epoch);
            if n == 0 {
                break;
            }
            let (hist, epochs) = (&mut self.hist, self.epochs);
            let p = self
                .trainer
                .step_observed(&mut self.dbn, n, &mut self.rng, &mut |e| {
                    if let DbnEvent::Train { layer, event } = e {
                        hist.book(event, bpe, layer * epochs);
                    }
                })?;
            self.progress = Some(p);
            self.done += n as u64;
            any = true;
            if self.done % bpe as u64 == 0 && budget.one_epoch {
                break;
            }
        }
        Ok(any)
    }

    /// Restarts the top-level chains from random states.
    pub fn regenerate(&mut self) -> Result<(), RbmError> {
        self.sampler = DbnSampler::new(&self.dbn, DBN_CHAINS, &mut self.sampler_rng)?;
        self.sample(1)
    }

    /// `steps` Gibbs steps in the top RBM, then one pass down to the pixels.
    pub fn sample(&mut self, steps: usize) -> Result<(), RbmError> {
        self.sampler
            .step(&self.dbn, steps, &mut self.sampler_rng, &mut |_| {})
    }
}

/// A blob layout of the Gaussian view.
pub struct Preset {
    /// URL id.
    pub id: &'static str,
    /// Menu text.
    pub label: &'static str,
    /// Blob centres.
    pub centres: &'static [[f32; 2]],
}

/// The Gaussian view's data sets.
pub const PRESETS: [Preset; 3] = [
    Preset {
        id: "2",
        label: "two blobs",
        centres: &[[-1.5, -1.0], [1.5, 1.2]],
    },
    Preset {
        id: "3",
        label: "three blobs",
        centres: &[[-1.8, -1.2], [1.8, -1.2], [0.0, 1.8]],
    },
    Preset {
        id: "4",
        label: "four blobs (square)",
        centres: &[[-1.5, -1.5], [1.5, -1.5], [-1.5, 1.5], [1.5, 1.5]],
    },
];

/// Settings of the Gaussian view.
#[derive(Clone, Debug, PartialEq)]
pub struct GaussSettings {
    /// Index into [`PRESETS`].
    pub preset: usize,
    /// Hidden units (the marginal mixes 2^hidden Gaussians).
    pub hidden: usize,
    /// Learning rate.
    pub lr: f64,
    /// Epoch target.
    pub epochs: usize,
}

/// Allowed hidden units of the Gaussian RBM.
pub const G_HIDDEN_RANGE: (usize, usize) = (1, 6);
/// Allowed learning rates of the Gaussian RBM.
pub const G_LR_RANGE: (f64, f64) = (0.001, 0.1);
/// Epochs of the Gaussian RBM.
pub const G_EPOCHS: usize = 100;

impl Default for GaussSettings {
    /// Four blobs on a square, two hidden units (2² = 4 mixture components whose means
    /// b, b + w₁, b + w₂, b + w₁ + w₂ form a parallelogram), η = 0.01.
    fn default() -> Self {
        Self {
            preset: 2,
            hidden: 2,
            lr: 0.01,
            epochs: G_EPOCHS,
        }
    }
}

/// The Gaussian–Bernoulli RBM on 2-D points.
pub struct GaussRun {
    /// The model.
    pub model: GaussianRbm,
    trainer: GaussianTrainer,
    rng: Rng,
    chain_rng: Rng,
    /// Training points, flat `[x, y, …]`.
    pub data: Vec<f32>,
    /// Model samples.
    pub chain: GaussianChain,
    /// Chart data (metric: exact log-likelihood per point).
    pub hist: History,
    /// Mixture component means (flat) and weights.
    pub means: Vec<f32>,
    /// Mixture weights.
    pub weights: Vec<f64>,
}

impl GaussRun {
    /// A fresh model and data set.
    pub fn new(g: &GaussSettings, seed: u64) -> Result<Self, RbmError> {
        let mut root = Rng::new(seed);
        let mut data_rng = root.fork();
        let mut init = root.fork();
        let rng = root.fork();
        let chain_rng = root.fork();
        let preset = PRESETS.get(g.preset).unwrap_or(&PRESETS[0]);
        let data = blob_data(preset.centres, BLOB_SD, GAUSS_POINTS, &mut data_rng)?;
        let model = GaussianRbm::with_random_weights(2, g.hidden, BLOB_SD, 0.01, &mut init)?;
        let cfg = CdConfig {
            learning_rate: g.lr as f32,
            momentum: MOMENTUM,
            batch_size: GAUSS_BATCH,
            ..CdConfig::default()
        };
        let trainer = GaussianTrainer::new(&model, &data, cfg, g.epochs)?;
        let chain = GaussianChain::new(&model, &[0.0; 2 * GAUSS_CHAINS])?;
        let mut run = Self {
            model,
            trainer,
            rng,
            chain_rng,
            data,
            chain,
            hist: History::new(),
            means: Vec::new(),
            weights: Vec::new(),
        };
        run.update_mixture()?;
        run.sample(1)?;
        Ok(run)
    }

    /// Training progress.
    pub fn stats(&self) -> TrainStats {
        self.trainer.stats()
    }

    fn update_mixture(&mut self) -> Result<(), RbmError> {
        let m = self.model.mixture()?;
        self.means = m.means;
        self.weights = m.weights;
        Ok(())
    }

    /// Trains within `budget`; at each epoch end books the exact log-likelihood.
    pub fn train(&mut self, budget: &mut Budget) -> Result<bool, RbmError> {
        let bpe = GAUSS_POINTS.div_ceil(GAUSS_BATCH);
        let data = &self.data;
        let any = train_epochs(
            &mut self.trainer,
            &mut self.model,
            |m| m,
            &mut self.rng,
            &mut self.hist,
            budget,
            bpe,
            |model| model.log_likelihood(data),
        )?;
        if any {
            self.update_mixture()?;
        }
        Ok(any)
    }

    /// Advances the model samples.
    pub fn sample(&mut self, steps: usize) -> Result<(), RbmError> {
        self.chain
            .step_many(&self.model, steps, &mut self.chain_rng)
    }
}
