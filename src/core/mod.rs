//! Pure model math: no browser crate is visible here, so everything in `core` builds and is
//! tested natively with `cargo test`.

pub mod hopfield;
pub mod landscape;
pub mod rng;
pub mod sampler;
