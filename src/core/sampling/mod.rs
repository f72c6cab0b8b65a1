//! The Sampling lab without the browser (lecture part 3, "Sampling Methods" to "Stochastic
//! Gradient MCMC"): the lab's state and settings table ([`lab`]), the MCMC view's targets and
//! exact references ([`targets`], [`mcmc`]), the sampler registry ([`registry`]), one sampler
//! at work with its statistics ([`run`], over [`ring`] buffers and [`hist`] histograms), and
//! the direct-sampling and Markov-chain runs ([`direct`], [`markov`]); the entries of the
//! adaptive chains ([`adaptive`]), of the population samplers ([`crowds`], [`evidence`] for those that estimate ln Z) and of SGLD
//! with its data sets ([`data`]), and what the
//! plane draws for them ([`look`]).
//!
//! All randomness comes from seeded [`crate::rng::Rng`]s, so a link replays exactly.

pub mod adaptive;
pub mod crowds;
pub mod data;
pub mod direct;
pub mod evidence;
pub mod hist;
pub mod lab;
pub mod look;
pub mod markov;
pub mod mcmc;
pub mod mh_particles;
pub mod registry;
pub mod ring;
pub mod run;
pub mod targets;

pub use lab::{Sampling, TABLE};

use crate::settings::fmt_sig;

/// A count with thin-space thousands separators ("12 345").
pub fn fmt_count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    out
}

/// A number with three significant digits, "—" if it is not finite.
pub fn show(v: f64) -> String {
    if v.is_finite() {
        fmt_sig(v, 3).replace('-', "−")
    } else {
        "—".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt_count(1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(fmt_count(12), "12");
        assert_eq!(show(0.012345), "0.0123");
        assert_eq!(show(-2.0), "−2.00");
        assert_eq!(show(f64::NAN), "—");
    }
}
