//! Hopfield networks (lecture part 1).
//!
//! Conventions used throughout: neurons are spins `yᵢ ∈ {−1, +1}` stored as `i8`; weights are a
//! dense symmetric `N×N` matrix `W` with zero diagonal, stored row-major as `f32`; bias `b`;
//! optional self-couplings `wᵢᵢ ≥ 0` kept apart (only the projection rule sets them).
//! The energy is `E(y) = −½ yᵀWy − bᵀy = −Σ_{i<j} wᵢⱼ yᵢ yⱼ − Σᵢ bᵢ yᵢ` and the local field of
//! neuron i is `hᵢ = Σ_{j≠i} wⱼᵢ yⱼ + bᵢ` (kept in f64). Dynamics are deterministic (zero
//! temperature) with the lecture's threshold `Θ(z) = +1 if z > 0, −1 if z ≤ 0`, applied to
//! `hᵢ + wᵢᵢ yᵢ`.
//!
//! Modules: [`network`] (weights, energy, incrementally tracked fields), [`dynamics`]
//! (asynchronous and synchronous updates), [`learning`] (Hebbian, Storkey, pseudo-inverse, the
//! lecture's gradient rule), [`sliced`] (the one-shot rules as resumable jobs, for a frame
//! budget), [`overlap`] (recall of large images from the overlaps `m_p`,
//! without storing W), [`hidden`] (the expanded network with hidden neurons), [`capacity`]
//! (a resumable capacity experiment and the theory lines), [`bench`](mod@bench) (a fixed workload).

pub mod bench;
pub mod capacity;
pub mod dynamics;
pub mod file;
pub mod hidden;
pub mod learning;
pub mod network;
pub mod overlap;
pub mod run;
pub mod sliced;
pub mod spurious;

pub use bench::{bench_recall_run, bench_recall_setup, bench_recall_state};
pub use capacity::{
    ags_critical_load, ags_retrieval_overlap, amit_capacity, loads_for_alphas, mceliece_capacity,
    CapacityConfig, CapacityExperiment, CapacityRow, Progress, ALPHA_C, DEFAULT_RECALL_THRESHOLD,
};

pub use dynamics::{
    energy_and_stability, is_fixed_point, is_stable, run_to_fixed_point, sweep, theta,
    update_neuron, AsyncNeurons, Dense, Dynamics, Order, RecallEvent, RunStats, StepInfo,
    SyncDynamics, SyncOutcome, SyncStep,
};
pub use hidden::{ExpandedNetwork, RetrieveOptions, StoreRule};
pub use learning::{
    check_patterns, contrast_objective, hebbian, pseudo_inverse, storkey, GradientConfig,
    GradientTrainer, GradientVariant, HebbianScale, LearnError, TrainStats,
};
pub use network::{HopfieldError, Network, State};
pub use overlap::OverlapNetwork;
pub use sliced::{Learner, OneShot};
pub use spurious::{count_spurious, SpuriousCount, SpuriousReport};
