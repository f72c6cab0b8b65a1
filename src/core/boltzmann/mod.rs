//! The stochastic Hopfield network and the Boltzmann machine (lecture, part 2, before the RBM).
//!
//! Conventions, used by every file of this module:
//! - Neurons are spins `yᵢ ∈ {−1, +1}` (stored as `i8`), on a [`Network`] with symmetric weights
//!   `W` (zero diagonal) and bias `b`. The energy is
//!   `E(y) = −½ yᵀWy − bᵀy = −Σ_{i<j} wᵢⱼ yᵢ yⱼ − Σᵢ bᵢ yᵢ` and the local field is
//!   `hᵢ = Σ_{j≠i} wᵢⱼ yⱼ + bᵢ`.
//! - Temperature `T` with Boltzmann's constant `k = 1`: `P(y) = exp(−E(y)/T) / Z`
//!   (lecture, "The Helmholtz Free Energy"; Ackley, Hinton & Sejnowski, "A learning algorithm
//!   for Boltzmann machines", Cognitive Science 9, 1985). `T = 0` is the deterministic Hopfield
//!   limit, `T = +∞` the uniform distribution. Learning uses `T = 1`, as in the lecture.
//! - A state of `N ≤ 16` neurons has an index with bit `i` set iff neuron `i` is `+1`
//!   ([`state_index`]).
//! - With hidden units, the visible neurons are the first `n_v` (indices `0..n_v`) and the hidden
//!   ones the rest (`n_v..N`); a data set is a flat row-major buffer of `±1` patterns of length
//!   `n_v` each.
//!
//! Files: [`gibbs`] (the σ(2hᵢ/T) update, sweeps, retrieval by averaging), [`anneal`]
//! (temperature schedules, a resumable annealer), [`exact`] (enumeration of all 2ᴺ states,
//! histograms, total variation), [`learning`] (maximum-likelihood learning with clamped and free
//! phases), [`presets`] (random networks and small data sets for demonstrations).

pub mod anneal;
pub mod exact;
pub mod gibbs;
pub mod learning;
pub mod presets;
pub mod run;

use std::fmt;

pub use crate::hopfield::{HopfieldError, Network, State};
pub use anneal::{AnnealPoint, AnnealStatus, Annealer, Schedule};
pub use exact::{
    ground_states, state_from_index, state_index, zero_temperature_limit, ExactBoltzmann,
    StateHistogram, MAX_EXACT_NEURONS,
};
pub use gibbs::{
    bench_gibbs_sweeps, gibbs_sweep, gibbs_sweep_sites, gibbs_sweeps, gibbs_update, p_plus,
    retrieve_by_average, GibbsOrder, SpinAverage, SpinUpdate, Temperature,
};
pub use learning::{BmConfig, BmStats, BmTrainer};
pub use presets::{bars_and_stripes, random_network, random_patterns};

/// What can be wrong with a request to this module. Every message names the parameter, the rule
/// it breaks and the value received.
#[derive(Clone, Debug, PartialEq)]
pub enum BoltzmannError {
    /// A temperature was NaN, negative, or (where a finite one is needed) zero or infinite.
    Temperature {
        /// The value received.
        value: f64,
        /// The rule, e.g. "≥ 0 (+∞ allowed)".
        rule: &'static str,
    },
    /// A numeric parameter is outside its allowed range.
    Parameter {
        /// The parameter's name as the UI shows it.
        name: &'static str,
        /// The value received.
        value: f64,
        /// The rule it breaks, e.g. "in (0, 1)".
        rule: &'static str,
    },
    /// Exact enumeration was asked for a network too large to enumerate.
    TooLarge {
        /// Neurons requested.
        n: usize,
        /// Largest N allowed.
        max: usize,
    },
    /// A buffer's length does not match the network.
    Shape {
        /// Which buffer.
        what: &'static str,
        /// Expected length (for data: a multiple of this).
        expected: usize,
        /// Length received.
        got: usize,
    },
    /// A data set has no patterns.
    EmptyData,
    /// A pattern entry is not ±1.
    NotSpin {
        /// Which buffer.
        what: &'static str,
        /// Flat index of the bad entry.
        index: usize,
        /// The value found.
        value: i8,
    },
    /// An error from the underlying Hopfield network or state.
    Hopfield(HopfieldError),
}

impl fmt::Display for BoltzmannError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Temperature { value, rule } => {
                write!(f, "temperature must be {rule}, got {value}")
            }
            Self::Parameter { name, value, rule } => {
                write!(f, "{name} must be {rule}, got {value}")
            }
            Self::TooLarge { n, max } => write!(
                f,
                "exact enumeration needs N ≤ {max} neurons (2^N states), got N = {n}"
            ),
            Self::Shape {
                what,
                expected,
                got,
            } => write!(f, "{what} has {got} entries, expected {expected}"),
            Self::EmptyData => write!(f, "the data set has no patterns"),
            Self::NotSpin { what, index, value } => {
                write!(f, "{what}[{index}] = {value}; neurons must be −1 or +1")
            }
            Self::Hopfield(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BoltzmannError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Hopfield(e) => Some(e),
            _ => None,
        }
    }
}

impl From<crate::temperature::TemperatureError> for BoltzmannError {
    fn from(e: crate::temperature::TemperatureError) -> Self {
        Self::Temperature {
            value: e.value,
            rule: "≥ 0 (0 = deterministic, +∞ = fair coin)",
        }
    }
}

impl From<HopfieldError> for BoltzmannError {
    fn from(e: HopfieldError) -> Self {
        Self::Hopfield(e)
    }
}

/// Checks that a state belongs to a network of the same size.
pub(crate) fn check_state(net: &Network, state: &State) -> Result<(), BoltzmannError> {
    if state.y().len() != net.n() {
        return Err(BoltzmannError::Shape {
            what: "state",
            expected: net.n(),
            got: state.y().len(),
        });
    }
    Ok(())
}

/// Checks a flat data set of `±1` patterns of length `width`; returns the number of patterns.
pub(crate) fn check_patterns(data: &[i8], width: usize) -> Result<usize, BoltzmannError> {
    if data.is_empty() {
        return Err(BoltzmannError::EmptyData);
    }
    if width == 0 || data.len() % width != 0 {
        return Err(BoltzmannError::Shape {
            what: "data (a multiple of the number of visible neurons)",
            expected: width,
            got: data.len(),
        });
    }
    if let Some(index) = data.iter().position(|&v| v != 1 && v != -1) {
        return Err(BoltzmannError::NotSpin {
            what: "data",
            index,
            value: data[index],
        });
    }
    Ok(data.len() / width)
}
