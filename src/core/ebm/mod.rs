//! A trained energy on the plane (lecture part 3, "Energy-Based Model: Training"): a small
//! neural energy `E_θ(x)` learned from 2-D points by contrastive divergence with Langevin
//! negatives.
//!
//! Conventions used throughout this module:
//! - points `x ∈ ℝ²` are stored flat and interleaved, `[x₀, y₀, x₁, y₁, …]`, as `f32`;
//! - the model density is `p_θ(x) = exp(−E_θ(x)) / Z(θ)` (temperature `T = 1`, `k = 1`): low
//!   energy = high probability;
//! - everything lives in a square box `[−w, w]²` (default `w = 4`): data must lie inside it,
//!   fresh negatives are drawn uniformly from it, and Langevin chains are clamped to it;
//! - all randomness comes from the caller's `&mut Rng`, so a run replays from its seed.
//!
//! Files: [`mlp`] (the network `E_θ`, its forward pass and both gradients), [`train`]
//! (Langevin sampling, contrastive divergence, Adam), [`data`] (dataset presets and user points),
//! [`learned`] (the trained network as an [`Energy2d`](crate::landscape::Energy2d)),
//! [`session`] (the "Train an energy" lab's run and its settings table).

pub mod data;
pub mod learned;
pub mod mlp;
pub mod session;
pub mod train;

use std::fmt;

pub use data::{Dataset, Preset, MAX_POINTS};
pub use learned::{LearnedEnergy, LearnedSlot};
pub use mlp::{Mlp, Workspace, DEFAULT_HIDDEN, MAX_HIDDEN};
pub use train::{
    contrastive_divergence, langevin, CdLoss, CdScratch, GridView, LangevinParams, TrainConfig,
    TrainEvent, TrainStats, Trainer,
};

/// What can go wrong when building, training or sampling the energy model.
#[derive(Clone, Debug, PartialEq)]
pub enum EbmError {
    /// A numeric setting is out of its allowed range.
    Parameter {
        /// The setting's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The allowed range, in words.
        allowed: &'static str,
    },
    /// A buffer has the wrong length.
    Shape {
        /// Which quantity (a short name for the message).
        what: &'static str,
        /// What was expected.
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// The dataset is empty or too large.
    PointCount {
        /// What was given.
        got: usize,
        /// The largest allowed value.
        max: usize,
    },
    /// A data point is NaN or infinite.
    NotFinite {
        /// Index of the offending entry.
        index: usize,
    },
    /// A data point lies outside the training box.
    OutsideBox {
        /// Index of the offending entry.
        index: usize,
        /// Half the side of the training box.
        half_width: f32,
    },
    /// Training produced a non-finite loss, gradient, sample or parameter; the update was not
    /// applied and the trainer stopped.
    Diverged {
        /// The training iteration.
        iteration: usize,
        /// Which quantity (a short name for the message).
        what: &'static str,
    },
    /// A Langevin chain left the finite numbers at the given step (the energy is too steep).
    SamplerDiverged {
        /// The step index.
        step: usize,
    },
}

impl fmt::Display for EbmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parameter {
                name,
                value,
                allowed,
            } => write!(f, "{name} must be {allowed}, got {value}"),
            Self::Shape {
                what,
                expected,
                got,
            } => write!(f, "{what} has {got} entries, expected {expected}"),
            Self::PointCount { got, max } => {
                write!(f, "a dataset needs between 1 and {max} points, got {got}")
            }
            Self::NotFinite { index } => {
                write!(
                    f,
                    "point {index} has a coordinate that is not a finite number"
                )
            }
            Self::OutsideBox { index, half_width } => write!(
                f,
                "point {index} lies outside the training box [−{half_width}, {half_width}]²"
            ),
            Self::Diverged { iteration, what } => write!(
                f,
                "training diverged at iteration {iteration}: {what} became infinite or NaN \
                 (try a smaller learning rate or Langevin step size); the model was left as it \
                 was before that step"
            ),
            Self::SamplerDiverged { step } => write!(
                f,
                "Langevin sampling diverged at step {step}: a sample became infinite or NaN \
                 (try a smaller step size)"
            ),
        }
    }
}

impl std::error::Error for EbmError {}

/// Checks `lo ≤ v ≤ hi` with `v` finite, naming the setting in the error.
pub(crate) fn check_range(
    name: &'static str,
    v: f64,
    lo: f64,
    hi: f64,
    allowed: &'static str,
) -> Result<(), EbmError> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(EbmError::Parameter {
            name,
            value: v,
            allowed,
        })
    }
}

/// Benchmark workload (no timing inside): `steps` contrastive-divergence iterations with the
/// default configuration and batch size `batch` (clamped to 1..=1024) on the two-Gaussian preset
/// (1 000 points), all seeded by `seed`. Returns a checksum (the sum of the losses), or NaN if
/// training stopped with an error.
pub fn bench_ebm_train_steps(steps: usize, batch: usize, seed: u64) -> f64 {
    let mut rng = crate::rng::Rng::new(seed);
    let config = TrainConfig {
        batch_size: batch.clamp(1, 1024),
        ..TrainConfig::default()
    };
    let Ok(data) = Dataset::preset(Preset::TwoGaussians, 1000, &mut rng) else {
        return f64::NAN;
    };
    let Ok(mut trainer) = Trainer::new(config, &data, &mut rng) else {
        return f64::NAN;
    };
    let mut sum = 0.0;
    for _ in 0..steps {
        match trainer.step(&mut rng) {
            Ok(s) => sum += s.loss,
            Err(_) => return f64::NAN,
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_is_deterministic() {
        let a = bench_ebm_train_steps(2, 16, 3);
        assert!(a.is_finite());
        assert_eq!(a, bench_ebm_train_steps(2, 16, 3));
    }

    #[test]
    fn errors_read_well() {
        let e = check_range("step size", f64::NAN, 0.0, 1.0, "in (0, 1]").expect_err("NaN");
        assert_eq!(e.to_string(), "step size must be in (0, 1], got NaN");
    }
}
