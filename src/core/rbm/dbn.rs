//! A two-layer deep belief net (Hinton, Osindero & Teh 2006, "A fast learning algorithm for
//! deep belief nets"): a bottom RBM `v ↔ h¹` and a top RBM `h¹ ↔ h²`, trained greedily layer by
//! layer (lecture, "Deep Boltzmann Machine — practical trick: layer-by-layer pretraining").
//!
//! The generative model is `P(v, h¹, h²) = P(v | h¹) · P_top(h¹, h²)`: the top two layers form
//! an undirected RBM (an associative memory) and the bottom connections are directed,
//! top-down, using the bottom RBM's weights (`P(vᵢ=1|h¹) = σ(bᵥᵢ + Σⱼ wᵢⱼh¹ⱼ)`). Hence:
//! - generation (top-down): Gibbs sampling in the top RBM, then one down pass `v ~ P(v|h¹)`;
//! - recognition (bottom-up): `h¹ ← P(h¹|v)`, `h² ← P(h²|h¹)` with the bottom and top RBMs'
//!   up conditionals (the approximate posterior of the paper, without up-down fine-tuning).
//!
//! Units are 0/1. The top RBM is trained on the bottom RBM's hidden probabilities `P(h¹|v)`
//! (Hinton 2010, §3.4 recommends probabilities as the data of the next layer) or on samples.

use serde::{Deserialize, Serialize};

use super::cd::{check_epochs, CdConfig, TrainEvent, TrainStats, Trainer};
use super::exact::{state_from_index, visible_distribution};
use super::gibbs::{bernoulli_into, GibbsChain, GibbsEvent};
use super::model::{check_len, Rbm, RbmError};
use crate::rng::Rng;

/// A deep belief net of two stacked RBMs; `top.nv() == bottom.nh()`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dbn {
    /// The bottom RBM, `v ↔ h¹`.
    pub bottom: Rbm,
    /// The top RBM, `h¹ ↔ h²`.
    pub top: Rbm,
}

impl Dbn {
    /// Stacks two RBMs; the top's visible layer must be the bottom's hidden layer.
    pub fn new(bottom: Rbm, top: Rbm) -> Result<Self, RbmError> {
        check_len(
            "top RBM visible layer (= bottom hidden layer)",
            bottom.nh(),
            top.nv(),
        )?;
        Ok(Self { bottom, top })
    }

    /// A DBN `nv → n1 → n2` with N(0, `sigma`²) weights and zero biases.
    pub fn with_random_weights(
        nv: usize,
        n1: usize,
        n2: usize,
        sigma: f32,
        rng: &mut Rng,
    ) -> Result<Self, RbmError> {
        let bottom = Rbm::with_random_weights(nv, n1, sigma, rng)?;
        let top = Rbm::with_random_weights(n1, n2, sigma, rng)?;
        Self::new(bottom, top)
    }

    /// Bottom-up recognition pass for a batch: `h1 ← P(h¹=1|v)` (`rows × n1`), then
    /// `h2 ← P(h²=1|h¹ = h1)` (`rows × n2`), deterministic (mean-field).
    pub fn recognize(&self, v: &[f32], h1: &mut [f32], h2: &mut [f32]) -> Result<(), RbmError> {
        self.bottom.hidden_probs(v, h1)?;
        self.top.hidden_probs(h1, h2)
    }

    /// Top-down pass: `pv ← P(v=1|h¹)` for a batch of `h1` (`rows × n1`).
    pub fn down(&self, h1: &[f32], pv: &mut [f32]) -> Result<(), RbmError> {
        self.bottom.visible_probs(h1, pv)
    }

    /// The exact marginal `P(v) = Σ_{h¹} P_top(h¹) P(v|h¹)` of the generative model, indexed
    /// in [`state_from_index`] order. Only for tiny nets: nv + n1 ≤ 24.
    pub fn exact_visible_distribution(&self) -> Result<Vec<f64>, RbmError> {
        let (nv, n1) = (self.bottom.nv(), self.bottom.nh());
        if nv + n1 > 24 {
            return Err(RbmError::TooLargeForExact {
                nv,
                nh: n1,
                max_bits: 24,
            });
        }
        let p_top = visible_distribution(&self.top)?;
        let mut out = vec![0.0f64; 1 << nv];
        let (mut h, mut pv) = (vec![0.0f32; n1], vec![0.0f32; nv]);
        for (y, &ph) in p_top.iter().enumerate() {
            state_from_index(y, &mut h);
            self.bottom.visible_probs_into(&h, &mut pv);
            for (x, o) in out.iter_mut().enumerate() {
                // P(v|h¹) = Πᵢ pᵢ^{vᵢ} (1−pᵢ)^{1−vᵢ}
                let mut p = ph;
                for (i, &q) in pv.iter().enumerate() {
                    p *= if (x >> i) & 1 == 1 {
                        f64::from(q)
                    } else {
                        1.0 - f64::from(q)
                    };
                }
                *o += p;
            }
        }
        Ok(out)
    }
}

/// What the top RBM is trained on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LayerData {
    /// `P(h¹=1|v)` of every training row (default).
    Probabilities,
    /// One 0/1 sample `h¹ ~ P(h¹|v)` per training row.
    Samples,
}

/// Progress of greedy layer-wise training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DbnProgress {
    /// 0 while the bottom RBM trains, 1 for the top RBM.
    pub layer: usize,
    /// The current layer's trainer statistics.
    pub layer_stats: TrainStats,
    /// Overall fraction done in [0, 1] (each layer counts half).
    pub progress: f64,
    /// True when both layers are trained.
    pub finished: bool,
}

/// What a [`DbnTrainer`] reports to an observer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DbnEvent {
    /// An event of the layer being trained.
    Train {
        /// Index of the layer, from the bottom.
        layer: usize,
        /// The layer's training event.
        event: TrainEvent,
    },
    /// A layer finished training.
    LayerDone {
        /// Index of the layer, from the bottom.
        layer: usize,
    },
}

/// Resumable greedy layer-wise pretraining of a [`Dbn`]: first the bottom RBM on the data,
/// then the top RBM on the bottom RBM's hidden codes.
#[derive(Clone, Debug)]
pub struct DbnTrainer {
    layer: usize,
    bottom: Trainer,
    top: Option<Trainer>,
    top_cfg: CdConfig,
    top_epochs: usize,
    codes: LayerData,
}

impl DbnTrainer {
    /// A trainer for `dbn` on `data` (`rows × nv`, values in [0, 1]): `bottom_epochs` of
    /// `bottom_cfg` then `top_epochs` of `top_cfg` on codes of kind `codes`.
    pub fn new(
        dbn: &Dbn,
        data: &[f32],
        bottom_cfg: CdConfig,
        bottom_epochs: usize,
        top_cfg: CdConfig,
        top_epochs: usize,
        codes: LayerData,
    ) -> Result<Self, RbmError> {
        top_cfg.validate()?;
        check_epochs(top_epochs)?;
        Ok(Self {
            layer: 0,
            bottom: Trainer::new(&dbn.bottom, data, bottom_cfg, bottom_epochs)?,
            top: None,
            top_cfg,
            top_epochs,
            codes,
        })
    }

    /// The layer being trained (0 bottom, 1 top; 2 when finished).
    pub fn layer(&self) -> usize {
        self.layer
    }

    fn progress(&self) -> DbnProgress {
        match &self.top {
            Some(t) => {
                let s = t.stats();
                DbnProgress {
                    layer: 1,
                    layer_stats: s,
                    progress: 0.5 + 0.5 * s.progress,
                    finished: s.finished,
                }
            }
            None => {
                let s = self.bottom.stats();
                DbnProgress {
                    layer: 0,
                    layer_stats: s,
                    progress: 0.5 * s.progress,
                    finished: false,
                }
            }
        }
    }

    /// Does up to `batches` mini-batch updates (across the layer switch) and reports progress.
    pub fn step(
        &mut self,
        dbn: &mut Dbn,
        batches: usize,
        rng: &mut Rng,
    ) -> Result<DbnProgress, RbmError> {
        self.step_observed(dbn, batches, rng, &mut |_| {})
    }

    /// [`DbnTrainer::step`] with an observer.
    pub fn step_observed(
        &mut self,
        dbn: &mut Dbn,
        batches: usize,
        rng: &mut Rng,
        on: &mut dyn FnMut(DbnEvent),
    ) -> Result<DbnProgress, RbmError> {
        let mut left = batches;
        if self.layer == 0 && left > 0 {
            let before = self.bottom.stats().batches_done;
            let s = self
                .bottom
                .step_observed(&mut dbn.bottom, left, rng, &mut |event| {
                    on(DbnEvent::Train { layer: 0, event })
                })?;
            left -= (s.batches_done - before) as usize;
            if s.finished {
                on(DbnEvent::LayerDone { layer: 0 });
                let codes = self.layer_codes(&dbn.bottom, rng)?;
                self.top = Some(Trainer::new(
                    &dbn.top,
                    &codes,
                    self.top_cfg.clone(),
                    self.top_epochs,
                )?);
                self.layer = 1;
            }
        }
        if self.layer == 1 {
            if let Some(t) = self.top.as_mut() {
                let s = t.step_observed(&mut dbn.top, left, rng, &mut |event| {
                    on(DbnEvent::Train { layer: 1, event })
                })?;
                if s.finished {
                    on(DbnEvent::LayerDone { layer: 1 });
                    self.layer = 2;
                }
            }
        }
        Ok(self.progress())
    }

    /// The bottom RBM's hidden codes of the training data (`rows × n1`).
    fn layer_codes(&self, bottom: &Rbm, rng: &mut Rng) -> Result<Vec<f32>, RbmError> {
        let data = self.bottom.data();
        let rows = data.len() / bottom.nv();
        let mut codes = vec![0.0f32; rows * bottom.nh()];
        bottom.hidden_probs(data, &mut codes)?;
        if self.codes == LayerData::Samples {
            let p = codes.clone();
            bernoulli_into(&p, &mut codes, rng);
        }
        Ok(codes)
    }
}

/// Generates from a [`Dbn`]: `batch` Gibbs chains in the top RBM plus down-pass buffers.
#[derive(Clone, Debug)]
pub struct DbnSampler {
    top: GibbsChain,
    pv: Vec<f32>,
    v: Vec<f32>,
}

impl DbnSampler {
    /// `batch` chains, the top RBM's visible layer (h¹) started uniformly at random.
    pub fn new(dbn: &Dbn, batch: usize, rng: &mut Rng) -> Result<Self, RbmError> {
        let top = GibbsChain::random(&dbn.top, batch, rng)?;
        let n = batch * dbn.bottom.nv();
        Ok(Self {
            top,
            pv: vec![0.0; n],
            v: vec![0.0; n],
        })
    }

    /// `gibbs_steps` block-Gibbs steps in the top RBM (events of the top chain go to `on`), then
    /// one down pass: `pv ← P(v=1|h¹)`, `v ~ pv` with `h¹` the top chain's visible state.
    pub fn step(
        &mut self,
        dbn: &Dbn,
        gibbs_steps: usize,
        rng: &mut Rng,
        on: &mut dyn FnMut(GibbsEvent),
    ) -> Result<(), RbmError> {
        check_len(
            "DBN visible layer (sampler was made for another DBN)",
            self.v.len(),
            self.top.batch() * dbn.bottom.nv(),
        )?;
        self.top.step_many(&dbn.top, gibbs_steps, rng, on)?;
        dbn.bottom.visible_probs(self.top.visible(), &mut self.pv)?;
        bernoulli_into(&self.pv, &mut self.v, rng);
        Ok(())
    }

    /// The generated visible samples (`batch × nv`, 0/1) of the last [`DbnSampler::step`].
    pub fn visible(&self) -> &[f32] {
        &self.v
    }

    /// `P(v=1|h¹)` of the last step (grey-level images, nicer to display).
    pub fn visible_probs(&self) -> &[f32] {
        &self.pv
    }

    /// The top RBM's chains (h¹ is its visible layer, h² its hidden layer).
    pub fn top_chain(&self) -> &GibbsChain {
        &self.top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_training_switches_layers_and_finishes() {
        let mut rng = Rng::new(1);
        let mut dbn = Dbn::with_random_weights(6, 4, 3, 0.01, &mut rng).expect("ok");
        let data = [1., 1., 1., 0., 0., 0., 0., 0., 0., 1., 1., 1.];
        let cfg = CdConfig {
            batch_size: 2,
            ..CdConfig::default()
        };
        let mut t = DbnTrainer::new(
            &dbn,
            &data,
            cfg.clone(),
            3,
            cfg,
            2,
            LayerData::Probabilities,
        )
        .expect("ok");
        let mut done = Vec::new();
        let mut last = 0.0;
        loop {
            let p = t
                .step_observed(&mut dbn, 2, &mut rng, &mut |e| {
                    if let DbnEvent::LayerDone { layer } = e {
                        done.push(layer)
                    }
                })
                .expect("ok");
            assert!(p.progress >= last && p.progress <= 1.0);
            last = p.progress;
            if p.finished {
                break;
            }
        }
        assert_eq!(done, vec![0, 1]);
        assert_eq!(last, 1.0);
        assert_eq!(t.layer(), 2);
    }

    #[test]
    fn exact_distribution_sums_to_one_and_shapes_are_checked() {
        let mut rng = Rng::new(2);
        let dbn = Dbn::with_random_weights(5, 3, 2, 1.0, &mut rng).expect("ok");
        let p = dbn.exact_visible_distribution().expect("tiny");
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(Dbn::new(Rbm::new(5, 3).expect("ok"), Rbm::new(4, 2).expect("ok")).is_err());
        let (mut h1, mut h2) = (vec![0.0; 3], vec![0.0; 2]);
        dbn.recognize(&[1., 0., 1., 0., 1.], &mut h1, &mut h2)
            .expect("ok");
        assert!(h1.iter().chain(&h2).all(|p| (0.0..=1.0).contains(p)));
    }
}
