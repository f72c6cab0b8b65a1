//! The digit RBM (64 pixels ↔ h hidden units) with its free-running chains and
//! reconstructions, and pattern completion: chains of the same RBM with the known pixels
//! clamped (the lecture's "conditioned sampling").

use super::train::{
    mean, train_epochs, Budget, DigitData, History, Job, Origin, Resume, Settings, INIT_SIGMA,
    PIXELS, PL_WORK,
};
use crate::rbm::gibbs::sample_hidden;
use crate::rbm::{GibbsChain, Rbm, RbmError, TrainStats, Trainer};
use crate::rng::Rng;

/// Free-running chains shown in the training view.
pub const SAMPLE_CHAINS: usize = 10;
/// Clamped chains of the completion view.
pub const COMPLETION_CHAINS: usize = 16;
/// Gibbs steps run at once after the drawing or the clamp changes.
pub const COMPLETION_BURN_IN: usize = 10;

/// A model trained elsewhere that a run starts from, with what is known of its training.
pub struct Trained<M> {
    /// The parameters.
    pub model: M,
    /// Its charts so far (empty for a model read from a file).
    pub hist: History,
    /// Epochs it was trained.
    pub epochs: usize,
    /// Mini-batches it was trained.
    pub batches: u64,
    /// Where it came from.
    pub origin: Origin,
}

/// `|v − P(v | h)|²` per pixel with `h ~ P(h | v)` over the rows of `data` — the
/// reconstruction error CD-k reports per mini-batch, measured on a loaded model.
pub fn reconstruction_error(rbm: &Rbm, data: &[f32], rng: &mut Rng) -> Result<f64, RbmError> {
    let rows = data.len() / rbm.nv().max(1);
    let mut ph = vec![0.0; rows * rbm.nh()];
    let mut h = vec![0.0; rows * rbm.nh()];
    sample_hidden(rbm, data, &mut ph, &mut h, rng)?;
    let mut pv = vec![0.0; data.len()];
    rbm.visible_probs(&h, &mut pv)?;
    let s: f64 = data
        .iter()
        .zip(&pv)
        .map(|(&a, &b)| f64::from(a - b) * f64::from(a - b))
        .sum();
    Ok(s / data.len().max(1) as f64)
}

/// The held-out pseudo-log-likelihood, averaged over `(PL_WORK / nh).clamp(1, 4)` passes.
pub(super) fn pseudo_likelihood(rbm: &Rbm, test: &[f32], rng: &mut Rng) -> Result<f64, RbmError> {
    let passes = (PL_WORK / rbm.nh()).clamp(1, 4);
    let mut pl = 0.0;
    for _ in 0..passes {
        pl += rbm.pseudo_log_likelihood(test, rng)?;
    }
    Ok(pl / passes as f64)
}

/// The RBM on binarised digits, with free-running chains and reconstructions.
pub struct DigitRun {
    /// The model.
    pub rbm: Rbm,
    trainer: Trainer,
    resume: Resume,
    origin: Origin,
    settings: Settings,
    seed: u64,
    rng: Rng,
    pl_rng: Rng,
    chain_rng: Rng,
    /// Persistent free-running chains (independent of training).
    pub chains: GibbsChain,
    /// Chart data (metric: held-out pseudo-log-likelihood).
    pub hist: History,
    recon_h: Vec<f32>,
    /// P(v | P(h | v)) of the example digits.
    pub recon: Vec<f32>,
}

impl DigitRun {
    /// A run for settings `s` with streams from `seed`: fresh weights, or the model `from`.
    pub fn new(
        data: &DigitData,
        s: &Settings,
        seed: u64,
        from: Option<Trained<Rbm>>,
    ) -> Result<Self, RbmError> {
        let mut root = Rng::new(seed);
        let mut init = root.fork();
        let rng = root.fork();
        let pl_rng = root.fork();
        let mut chain_rng = root.fork();
        let (rbm, hist, resume, origin) = match from {
            None => {
                let mut rbm = Rbm::with_random_weights(PIXELS, s.hidden, INIT_SIGMA, &mut init)?;
                rbm.init_visible_bias_from_data(&data.train)?;
                (
                    rbm,
                    History::default(),
                    Resume::fresh(s.epochs),
                    Origin::Fresh,
                )
            }
            Some(t) => {
                let resume = Resume {
                    before: t.epochs,
                    before_batches: t.batches,
                    target: s.epochs,
                };
                (t.model, t.hist, resume, t.origin)
            }
        };
        let trainer = Trainer::new(&rbm, &data.train, s.cd(), resume.trainer_epochs())?;
        let mut chains = GibbsChain::random(&rbm, SAMPLE_CHAINS, &mut chain_rng)?;
        chains.gibbs_step(&rbm, &mut chain_rng)?;
        let n = data.examples.len() / PIXELS;
        let mut run = Self {
            recon_h: vec![0.0; n * rbm.nh()],
            recon: vec![0.0; n * PIXELS],
            rbm,
            trainer,
            resume,
            origin,
            settings: s.clone(),
            seed,
            rng,
            pl_rng,
            chain_rng,
            chains,
            hist,
        };
        run.reconstruct(&data.examples)?;
        Ok(run)
    }

    /// Training progress (counting the epochs done before this run).
    pub fn stats(&self) -> TrainStats {
        self.resume.stats(self.trainer.stats())
    }

    /// Where the model came from.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// Whether this run is the one `s` and `seed` start (same model settings, seed and epoch
    /// target).
    pub fn is_run_of(&self, s: &Settings, seed: u64) -> bool {
        self.settings == *s && self.seed == seed
    }

    /// The trained model (a copy) and its charts (moved out), to start another run from.
    pub fn take_trained(&mut self) -> Trained<Rbm> {
        let st = self.stats();
        Trained {
            model: self.rbm.clone(),
            hist: std::mem::take(&mut self.hist),
            epochs: st.epoch,
            batches: st.batches_done,
            origin: if self.origin == Origin::Shipped {
                Origin::Shipped
            } else {
                Origin::Kept
            },
        }
    }

    /// Changes the epoch target (a finished run can be extended).
    pub fn set_epochs(&mut self, epochs: usize) -> Result<(), RbmError> {
        let r = Resume {
            target: epochs,
            ..self.resume
        };
        self.trainer.set_epochs(r.trainer_epochs())?;
        self.resume = r;
        self.settings.epochs = epochs;
        Ok(())
    }

    /// Replaces the model's parameters by `rbm` (same shape), as read from a file.
    pub fn import(&mut self, rbm: Rbm, data: &DigitData) -> Result<(), RbmError> {
        if rbm.nv() != self.rbm.nv() || rbm.nh() != self.rbm.nh() {
            return Err(RbmError::Shape {
                what: "imported model",
                expected: self.rbm.nv() * self.rbm.nh(),
                got: rbm.nv() * rbm.nh(),
            });
        }
        self.rbm = rbm;
        self.origin = Origin::Imported;
        self.hist = History::default();
        self.reconstruct(&data.examples)
    }

    /// Trains within `budget`; at each epoch end measures the held-out pseudo-log-likelihood.
    /// Returns whether any mini-batch was done.
    pub fn train(&mut self, budget: &mut Budget, data: &DigitData) -> Result<bool, RbmError> {
        let pl_rng = &mut self.pl_rng;
        let any = train_epochs(
            Job {
                per_epoch: self.trainer.batches_per_epoch(),
                trainer: &mut self.trainer,
                model: &mut self.rbm,
                trained: |m| m,
                rng: &mut self.rng,
                hist: &mut self.hist,
                resume: self.resume,
            },
            budget,
            |rbm| pseudo_likelihood(rbm, &data.test, pl_rng),
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
        self.recon_h.resize(src.len() / PIXELS * self.rbm.nh(), 0.0);
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

    /// Link id (`known=…`).
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
        let free: Vec<f32> = self.free(&self.mean).collect();
        (!free.is_empty()).then(|| mean(&free))
    }

    /// Fraction of the free pixels where the completion, read as ink when P > ½, equals
    /// `truth` (the digit the known pixels came from; None when every pixel is known).
    pub fn match_fraction(&self, truth: &[f32]) -> Option<f64> {
        let same: Vec<f32> = self
            .free(&self.mean)
            .zip(self.free(truth))
            .map(|(p, t)| f32::from(u8::from((p > 0.5) == (t > 0.5))))
            .collect();
        (!same.is_empty()).then(|| mean(&same))
    }

    /// The entries of `xs` at the free (unclamped) pixels.
    fn free<'a>(&'a self, xs: &'a [f32]) -> impl Iterator<Item = f32> + 'a {
        self.mask
            .iter()
            .zip(xs)
            .filter(|(m, _)| !**m)
            .map(|(_, &x)| x)
    }
}
