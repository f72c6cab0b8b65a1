//! Energy Playground: energy-based models from the lecture, runnable in the browser.
//!
//! `core` is the math (native and wasm); `web` is the browser shell (wasm only).

/// The model math: the `energy-core` crate (sources in `src/core/`).
pub use energy_core as core;

#[cfg(target_arch = "wasm32")]
pub mod web;
