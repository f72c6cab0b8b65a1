//! The label RBM of the session: an RBM over `[pixels ‖ one-hot label]` (the lecture's
//! `y = (v, h, c)`), trained on the digits, classifying a drawing by the exact posterior
//! P(c | v) and generating digits of a chosen class with the label units clamped.

use super::digit::Trained;
use super::train::{
    train_epochs, Budget, DigitData, History, Job, Origin, Resume, Settings, INIT_SIGMA, PIXELS,
};
use crate::digits::CLASSES;
use crate::rbm::{GibbsChain, LabelRbm, RbmError, TrainStats, Trainer};
use crate::rng::Rng;

/// Label-clamped chains of conditional generation.
pub const COND_CHAINS: usize = 10;

/// The label RBM (pixels ‖ one-hot label): classification and conditional generation.
pub struct LabelRun {
    /// The model.
    pub model: LabelRbm,
    trainer: Trainer,
    resume: Resume,
    origin: Origin,
    settings: Settings,
    seed: u64,
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
    /// How many of the chains' current P(v | h) the model itself classifies as `label`.
    pub as_label: usize,
    scratch: Vec<f32>,
    sample_probs: Vec<f64>,
}

impl LabelRun {
    /// A label RBM for settings `s` (fresh weights, or the model `from`), its chains clamped
    /// to class `label`, streams from `seed`.
    pub fn new(
        data: &DigitData,
        s: &Settings,
        label: usize,
        seed: u64,
        from: Option<Trained<LabelRbm>>,
    ) -> Result<Self, RbmError> {
        let mut root = Rng::new(seed);
        let mut init = root.fork();
        let rng = root.fork();
        let mut chain_rng = root.fork();
        let (model, trainer, hist, resume, origin) = match from {
            None => {
                let mut model = LabelRbm::new(PIXELS, CLASSES, s.hidden, INIT_SIGMA, &mut init)?;
                let trainer = model.trainer(&data.train, &data.train_labels, s.cd(), s.epochs)?;
                model.rbm.init_visible_bias_from_data(trainer.data())?;
                let resume = Resume::fresh(s.epochs);
                (model, trainer, History::default(), resume, Origin::Fresh)
            }
            Some(t) => {
                let resume = Resume {
                    before: t.epochs,
                    before_batches: t.batches,
                    target: s.epochs,
                };
                let model = t.model;
                let trainer = model.trainer(
                    &data.train,
                    &data.train_labels,
                    s.cd(),
                    resume.trainer_epochs(),
                )?;
                (model, trainer, t.hist, resume, t.origin)
            }
        };
        let label = label.min(CLASSES - 1);
        let mut chains = model.conditional_chain(label, COND_CHAINS, &mut chain_rng)?;
        chains.gibbs_step(&model.rbm, &mut chain_rng)?;
        let mut run = Self {
            scratch: vec![0.0; model.rbm.nh()],
            probs: vec![1.0 / CLASSES as f64; CLASSES],
            sample_probs: vec![0.0; CLASSES],
            predicted: 0,
            as_label: 0,
            model,
            trainer,
            resume,
            origin,
            settings: s.clone(),
            seed,
            rng,
            chain_rng,
            chains,
            label,
            hist,
        };
        run.read_samples()?;
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

    /// Whether this run is the one `s` and `seed` start.
    pub fn is_run_of(&self, s: &Settings, seed: u64) -> bool {
        self.settings == *s && self.seed == seed
    }

    /// The trained model (a copy) and its charts (moved out), to start another run from.
    pub fn take_trained(&mut self) -> Trained<LabelRbm> {
        let st = self.stats();
        Trained {
            model: self.model.clone(),
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

    /// Changes the epoch target.
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

    /// Trains within `budget`; at each epoch end measures the held-out accuracy.
    pub fn train(&mut self, budget: &mut Budget, data: &DigitData) -> Result<bool, RbmError> {
        train_epochs(
            Job {
                per_epoch: self.trainer.batches_per_epoch(),
                trainer: &mut self.trainer,
                model: &mut self.model,
                trained: |m| &mut m.rbm,
                rng: &mut self.rng,
                hist: &mut self.hist,
                resume: self.resume,
            },
            budget,
            |model| model.accuracy(&data.test, &data.test_labels),
        )
    }

    /// Restarts the conditional chains with the label units clamped to class `c`.
    pub fn set_label(&mut self, c: usize) -> Result<(), RbmError> {
        let mut chains = self
            .model
            .conditional_chain(c, COND_CHAINS, &mut self.chain_rng)?;
        chains.gibbs_step(&self.model.rbm, &mut self.chain_rng)?;
        self.chains = chains;
        self.label = c;
        self.read_samples()
    }

    /// Advances the conditional chains.
    pub fn sample(&mut self, steps: usize) -> Result<(), RbmError> {
        self.chains
            .step_many(&self.model.rbm, steps, &mut self.chain_rng, &mut |_| {})?;
        self.read_samples()
    }

    /// Classifies the chains' P(v | h) with the model itself into [`LabelRun::as_label`].
    fn read_samples(&mut self) -> Result<(), RbmError> {
        let nv = self.model.rbm.nv();
        let mut n = 0;
        for row in self.chains.visible_probs().chunks_exact(nv) {
            let c = self.model.class_probabilities(
                &row[..PIXELS],
                &mut self.scratch,
                &mut self.sample_probs,
            )?;
            n += usize::from(c == self.label);
        }
        self.as_label = n;
        Ok(())
    }

    /// Mean of the chains' pixel probabilities (the fraction of ink they draw).
    pub fn sample_ink(&self) -> f64 {
        let nv = self.model.rbm.nv();
        let rows = self.chains.visible_probs().chunks_exact(nv);
        let n = rows.len() * PIXELS;
        let s: f64 = rows.flat_map(|r| &r[..PIXELS]).map(|&p| f64::from(p)).sum();
        s / n.max(1) as f64
    }

    /// The exact class posterior P(c | v) of `image` into `probs` / `predicted`.
    pub fn classify(&mut self, image: &[f32]) -> Result<(), RbmError> {
        self.predicted =
            self.model
                .class_probabilities(image, &mut self.scratch, &mut self.probs)?;
        Ok(())
    }
}
