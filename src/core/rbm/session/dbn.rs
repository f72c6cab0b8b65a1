//! The deep belief net of the session, 64 → h¹ → h²: greedy layer-wise pretraining (the bottom
//! RBM on the pixels, then the top RBM on the bottom one's P(h¹ | v)), then generation — Gibbs
//! in the top RBM, one directed pass down (Hinton, Osindero & Teh 2006).

use super::train::{mean, Budget, DigitData, History, Origin, Settings, INIT_SIGMA, PIXELS};
use crate::rbm::{Dbn, DbnEvent, DbnProgress, DbnSampler, DbnTrainer, LayerData, RbmError};
use crate::rng::Rng;

/// Top-down chains of the deep belief net.
pub const DBN_CHAINS: usize = 20;

/// Top hidden layer of the deep belief net for `n1` first-layer units.
pub fn dbn_top(n1: usize) -> usize {
    (n1 / 2).max(8)
}

/// A pretrained net a run starts from, with the epochs each layer was trained.
pub struct PretrainedDbn {
    /// Both layers.
    pub dbn: Dbn,
    /// Epochs per layer.
    pub epochs: usize,
    /// Mini-batches per epoch of the training that made it.
    pub per_epoch: usize,
    /// Where it came from.
    pub origin: Origin,
    /// Its charts (empty for a net read from files).
    pub hist: History,
}

/// The two-layer deep belief net: greedy pretraining, then top-down generation.
pub struct DbnRun {
    /// The model.
    pub dbn: Dbn,
    trainer: Option<DbnTrainer>,
    origin: Origin,
    settings: Settings,
    seed: u64,
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
    /// A net 64 → `s.hidden` → [`dbn_top`] for settings `s`: fresh weights with each layer to
    /// be trained `s.epochs` epochs, or the pretrained net `from`.
    pub fn new(
        data: &DigitData,
        s: &Settings,
        seed: u64,
        from: Option<PretrainedDbn>,
    ) -> Result<Self, RbmError> {
        let mut root = Rng::new(seed);
        let mut init = root.fork();
        let rng = root.fork();
        let mut sampler_rng = root.fork();
        let per_epoch = data.train_len().div_ceil(s.batch.max(1));
        let (dbn, trainer, hist, epochs, origin, done) = match from {
            None => {
                let mut dbn = Dbn::with_random_weights(
                    PIXELS,
                    s.hidden,
                    dbn_top(s.hidden),
                    INIT_SIGMA,
                    &mut init,
                )?;
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
                (
                    dbn,
                    Some(trainer),
                    History::default(),
                    s.epochs,
                    Origin::Fresh,
                    0,
                )
            }
            Some(p) => {
                let done = (2 * p.epochs * p.per_epoch) as u64;
                (p.dbn, None, p.hist, p.epochs, p.origin, done)
            }
        };
        let mut sampler = DbnSampler::new(&dbn, DBN_CHAINS, &mut sampler_rng)?;
        sampler.step(&dbn, 1, &mut sampler_rng, &mut |_| {})?;
        Ok(Self {
            dbn,
            trainer,
            origin,
            settings: s.clone(),
            seed,
            rng,
            sampler_rng,
            sampler,
            hist,
            progress: None,
            epochs,
            per_epoch,
            done,
        })
    }

    /// True once both layers are trained.
    pub fn finished(&self) -> bool {
        self.trainer.as_ref().is_none_or(|t| t.layer() >= 2)
    }

    /// Where the net came from.
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// Epochs per layer.
    pub fn epochs(&self) -> usize {
        self.epochs
    }

    /// Mini-batches done in all.
    pub fn batches(&self) -> u64 {
        self.done
    }

    /// The layer being trained (0 bottom, 1 top; 2 when both are trained).
    pub fn layer(&self) -> usize {
        if self.finished() {
            2
        } else {
            self.progress.map_or(0, |p| p.layer)
        }
    }

    /// Whether this run is the one `s` and `seed` start.
    pub fn is_run_of(&self, s: &Settings, seed: u64) -> bool {
        self.settings == *s && self.seed == seed
    }

    /// The trained net (a copy) and its charts (moved out), to start another run from.
    pub fn take_pretrained(&mut self) -> PretrainedDbn {
        PretrainedDbn {
            dbn: self.dbn.clone(),
            epochs: self.epochs,
            per_epoch: self.per_epoch,
            origin: if self.origin == Origin::Shipped {
                Origin::Shipped
            } else {
                Origin::Kept
            },
            hist: std::mem::take(&mut self.hist),
        }
    }

    /// Greedy layer-wise training within `budget`.
    pub fn train(&mut self, budget: &mut Budget) -> Result<bool, RbmError> {
        let bpe = self.per_epoch.max(1);
        let mut any = false;
        while !self.finished() {
            let Some(trainer) = self.trainer.as_mut() else {
                break;
            };
            let in_epoch = (self.done % bpe as u64) as usize;
            let n = budget.take(bpe - in_epoch);
            if n == 0 {
                break;
            }
            let (hist, epochs) = (&mut self.hist, self.epochs);
            let p = trainer.step_observed(&mut self.dbn, n, &mut self.rng, &mut |e| {
                if let DbnEvent::Train { layer, event } = e {
                    hist.book(event, bpe, layer * epochs);
                }
            })?;
            self.progress = Some(p);
            self.done += n as u64;
            any = true;
            if self.done % bpe as u64 == 0 && budget.one_epoch() {
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

    /// Mean of the generated P(v = 1 | h¹): the fraction of ink the net draws.
    pub fn ink(&self) -> f64 {
        mean(self.sampler.visible_probs())
    }

    /// Number of different binary images among the chains' last samples.
    pub fn distinct_samples(&self) -> usize {
        let v = self.sampler.visible();
        let row = |i: usize| &v[i * PIXELS..(i + 1) * PIXELS];
        let n = v.len() / PIXELS;
        (0..n).filter(|&i| (0..i).all(|j| row(j) != row(i))).count()
    }
}
