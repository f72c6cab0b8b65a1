//! Pure model math: no browser crate is visible here, so everything in `core` builds and is
//! tested natively with `cargo test`.

#![warn(missing_docs)]

pub mod about;
pub mod bench;
pub mod boltzmann;
pub mod chart;
pub mod data;
pub mod digits;
pub mod ebm;
pub mod fastmath;
pub mod files;
pub mod fuzz;
pub mod hopfield;
pub mod ising;
pub mod landscape;
pub mod lanes;
pub mod math;
pub mod params;
pub mod pattern;
pub mod rbm;
pub mod record;
pub mod rng;
pub mod sampler;
pub mod sampling;
pub mod settings;
pub mod shell;
pub mod temperature;
pub mod trace;
