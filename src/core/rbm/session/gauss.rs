//! The Gaussian–Bernoulli RBM of the session on 2-D points: continuous visible units, the
//! lecture's exponential-family remark. Its marginal is an exact mixture of 2^hidden Gaussians,
//! so the chart shows the exact log-likelihood.

use super::train::{train_epochs, Budget, History, Job, Resume, MOMENTUM};
use crate::rbm::{
    blob_data, CdConfig, GaussianChain, GaussianRbm, GaussianTrainer, RbmError, TrainStats,
};
use crate::rng::Rng;

/// Model samples in the Gaussian view.
pub const GAUSS_CHAINS: usize = 300;
/// Training points in the Gaussian view.
pub const GAUSS_POINTS: usize = 400;
/// Mini-batch of the Gaussian RBM.
pub const GAUSS_BATCH: usize = 20;
/// Spread of every blob, and the Gaussian RBM's fixed visible noise σ.
pub const BLOB_SD: f32 = 0.4;
/// Epochs of the Gaussian RBM.
pub const G_EPOCHS: usize = 100;

/// A blob layout of the Gaussian view.
pub struct Preset {
    /// Link id.
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
}

impl Default for GaussSettings {
    /// Four blobs on a square, two hidden units (2² = 4 mixture components whose means
    /// b, b + w₁, b + w₂, b + w₁ + w₂ form a parallelogram), η = 0.01.
    fn default() -> Self {
        Self {
            preset: 2,
            hidden: 2,
            lr: 0.01,
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
    /// The blob centres of the data.
    pub centres: &'static [[f32; 2]],
    /// Training points, flat `[x, y, …]`.
    pub data: Vec<f32>,
    /// Model samples.
    pub chain: GaussianChain,
    /// Chart data (metric: exact log-likelihood per point).
    pub hist: History,
    /// Mixture component means (flat).
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
        let trainer = GaussianTrainer::new(&model, &data, cfg, G_EPOCHS)?;
        let chain = GaussianChain::new(&model, &[0.0; 2 * GAUSS_CHAINS])?;
        let mut run = Self {
            model,
            trainer,
            rng,
            chain_rng,
            centres: preset.centres,
            data,
            chain,
            hist: History::default(),
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
        let data = &self.data;
        let any = train_epochs(
            Job {
                per_epoch: GAUSS_POINTS.div_ceil(GAUSS_BATCH),
                trainer: &mut self.trainer,
                model: &mut self.model,
                trained: |m| m,
                rng: &mut self.rng,
                hist: &mut self.hist,
                resume: Resume::fresh(G_EPOCHS),
            },
            budget,
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

    /// The fraction of the model samples nearest to each blob centre (in centre order): how
    /// the samples spread over the data's blobs.
    pub fn shares(&self) -> Vec<f64> {
        let mut counts = vec![0usize; self.centres.len()];
        let mut n = 0usize;
        for p in self.chain.visible().chunks_exact(2) {
            let d = |c: &[f32; 2]| (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2);
            let nearest = (0..self.centres.len())
                .filter(|&i| d(&self.centres[i]).is_finite())
                .min_by(|&a, &b| d(&self.centres[a]).total_cmp(&d(&self.centres[b])));
            if let Some(i) = nearest {
                counts[i] += 1;
                n += 1;
            }
        }
        counts.iter().map(|&c| c as f64 / n.max(1) as f64).collect()
    }
}
