//! Energy Playground: energy-based models from the lecture, runnable in the browser.
//!
//! `core` is the math (native and wasm); `web` is the browser shell (wasm only).

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;
