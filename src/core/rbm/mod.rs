//! Restricted Boltzmann machines (lecture part 2: "Restricted Boltzmann Machine", the label
//! units `y = (v, h, c)`, the exponential-family remark and the deep belief net).
//!
//! Conventions used throughout (unless a module says otherwise):
//! - units are **0/1** (not ±1), stored as `f32` 0.0/1.0 so probabilities and grey levels fit
//!   the same buffers; there is no temperature (T = 1);
//! - energy `E(v, h) = −vᵀWh − bᵥᵀv − bₕᵀh`, `P(v, h) = e^{−E}/Z`;
//! - weights are **hidden-major**: `w[j·nv + i] = wᵢⱼ` (visible i, hidden j), so row j is hidden
//!   unit j's receptive field and both Gibbs half-steps stream contiguous rows;
//! - batches are flat row-major `rows × units`;
//! - the slide's conditionals `P(hᵢ=1|v) = σ(Σⱼ wᵢⱼvⱼ)` omit the biases and index hidden units
//!   by i; we implement `P(hⱼ=1|v) = σ(bₕⱼ + Σᵢ wᵢⱼvᵢ)`, `P(vᵢ=1|h) = σ(bᵥᵢ + Σⱼ wᵢⱼhⱼ)`;
//! - the slide's CD gradient `(1/N_P) Σ v₀h₀ − v₁h₁` is CD-1 (k = 1) by default.
//!
//! Files: [`model`] (parameters, energy, free energy, conditionals), [`gibbs`] (block Gibbs,
//! mean field, clamped completion), [`cd`] (CD-k, PCD, resumable [`Trainer`]), [`exact`]
//! (enumeration for tiny models), [`label`] (classification RBM), [`dbn`] (deep belief net),
//! [`gaussian`] (Gaussian–Bernoulli RBM), [`session`] (the RBM lab's training session and its
//! settings table).

pub mod cd;
pub mod dbn;
pub mod exact;
pub mod file;
pub mod gaussian;
pub mod gibbs;
pub mod label;
pub mod model;
pub mod session;

pub use cd::{
    bench_cd1_epoch, cd_gradient, contrastive_divergence, BatchStats, CdConfig, CdWorkspace,
    Gradient, NegativeVisible, TrainEvent, TrainStats, Trainer,
};
pub use dbn::{Dbn, DbnEvent, DbnProgress, DbnSampler, DbnTrainer, LayerData};
pub use gaussian::{blob_data, GaussianChain, GaussianRbm, GaussianTrainer, Mixture};
pub use gibbs::{gibbs_step, mean_field_step, GibbsChain, GibbsEvent};
pub use label::LabelRbm;
pub use model::{sigmoid, softplus, Rbm, RbmError};
