//! Hopfield networks (lecture part 1).
//!
//! Conventions used throughout: neurons are spins `yᵢ ∈ {−1, +1}` stored as `i8`; weights are a
//! dense symmetric `N×N` matrix `W` with zero diagonal, stored row-major as `f32`; bias `b`.
//! The energy is `E(y) = −½ yᵀWy − bᵀy = −Σ_{i<j} wᵢⱼ yᵢ yⱼ − Σᵢ bᵢ yᵢ` and the local field of
//! neuron i is `hᵢ = Σ_{j≠i} wⱼᵢ yⱼ + bᵢ`.

pub mod network;

pub use network::{HopfieldError, Network, State};
