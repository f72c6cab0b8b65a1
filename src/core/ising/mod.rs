//! The two-dimensional Ising model (Ising 1925, after Lenz 1920) — where the lecture's energy
//! comes from ("Ising model of magnetic materials (Ising and Lenz, 1924)").
//!
//! Conventions used throughout this module:
//! - spins `sᵢ ∈ {−1, +1}` stored as `i8` in one flat row-major `Vec<i8>`; site `(x, y)` has
//!   index `i = y·L + x`;
//! - an `L×L` square lattice with periodic boundaries, four nearest neighbours per site;
//! - coupling `J = 1`, external field `h`, Boltzmann constant `k = 1`, temperature `T` in units
//!   of `J/k`;
//! - energy `E(s) = −J Σ_⟨ij⟩ sᵢ sⱼ − h Σᵢ sᵢ`, where `⟨ij⟩` runs over the `2N` bonds (each
//!   site's right and down neighbour), `N = L²`; on the degenerate 2×2 torus the right and left
//!   neighbours coincide, so every pair is joined by two bonds (the same convention everywhere);
//! - target distribution `π(s) ∝ exp(−E(s)/T)`;
//! - "per site" observables divide by `N`: `e = E/N`, `m = Σ sᵢ / N`.
//!
//! Temperatures are the core's one [`Temperature`](crate::temperature::Temperature) type (a bare `f64` is accepted and validated the
//! same way); the lattice needs `T` finite.
//! `T = 0` is accepted by the single-spin dynamics as the deterministic limit (Metropolis: accept
//! iff `ΔE ≤ 0`; heat bath: flip iff `ΔE < 0`, fair coin at `ΔE = 0`; Wolff: bond probability 1).
//! Measurements of heat capacity and susceptibility divide by `T`, so [`TemperatureScan`] requires
//! `T > 0`.
//!
//! Files: [`lattice`] (state, energy, tracked sums), [`metropolis`] and [`heat_bath`]
//! (checkerboard single-spin sweeps with precomputed tables), [`checkerboard`] (the vectorised
//! sublattice kernel for even L, and the RGBA painter), [`wolff`] (cluster flips),
//! [`observables`] (binning, a resumable temperature scan), [`onsager`] (exact results).

pub mod checkerboard;
pub mod heat_bath;
pub mod lattice;
pub mod metropolis;
pub mod observables;
pub mod onsager;
pub mod run;
pub mod wolff;

use std::fmt;

use crate::temperature::IntoTemperature;

pub use checkerboard::{paint_rgba, paint_rgba_bytes};
pub use lattice::{Lattice, MAX_SIDE, MIN_SIDE};
pub use observables::{BlockAverager, ScanConfig, ScanPoint, TemperatureScan, BLOCKS};
pub use onsager::{
    critical_temperature, elliptic_k, internal_energy, spontaneous_magnetisation,
    CRITICAL_TEMPERATURE,
};
pub use wolff::Wolff;

/// Which Markov chain moves the spins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Dynamics {
    /// Single-spin Metropolis (Metropolis et al. 1953): flip with probability `min(1, e^{−ΔE/T})`.
    Metropolis,
    /// Single-spin heat bath / Gibbs sampling (Glauber 1963; Geman & Geman 1984): set the spin
    /// from its conditional distribution, i.e. flip with probability `1/(1 + e^{ΔE/T})`.
    HeatBath,
    /// Wolff single-cluster flips (Wolff 1989); only valid for `h = 0`.
    Wolff,
}

/// What can be wrong with a requested lattice, temperature, field or scan.
#[derive(Clone, Debug, PartialEq)]
pub enum IsingError {
    /// The side length L is outside `MIN_SIDE..=MAX_SIDE`.
    Side {
        /// The side length given.
        l: usize,
    },
    /// The temperature is negative, NaN or infinite (or zero where a measurement needs `T > 0`).
    Temperature {
        /// The temperature given.
        t: f64,
        /// Whether T = 0 is allowed where it was given.
        allow_zero: bool,
    },
    /// The external field is NaN or infinite.
    Field {
        /// The external field given.
        h: f64,
    },
    /// A spin buffer has the wrong length.
    SpinsLength {
        /// What was expected.
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// A spin entry is not ±1.
    NotSpin {
        /// Index of the offending entry.
        index: usize,
        /// The value given.
        value: i8,
    },
    /// A site index or coordinate lies outside the lattice.
    Site {
        /// Index of the offending entry.
        index: usize,
        /// Number of sites.
        n: usize,
    },
    /// The Wolff algorithm was asked to run with a non-zero field.
    WolffNeedsZeroField {
        /// The field in force.
        h: f64,
    },
    /// A temperature scan was configured badly.
    Scan {
        /// What is wrong, in words.
        reason: String,
    },
}

impl fmt::Display for IsingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Side { l } => write!(
                f,
                "lattice side must be between {MIN_SIDE} and {MAX_SIDE}, got {l}"
            ),
            Self::Temperature {
                t,
                allow_zero: true,
            } => {
                write!(f, "temperature must be ≥ 0 and finite, got {t}")
            }
            Self::Temperature {
                t,
                allow_zero: false,
            } => write!(f, "temperature must be > 0 and finite, got {t}"),
            Self::Field { h } => write!(f, "external field h must be finite, got {h}"),
            Self::SpinsLength { expected, got } => {
                write!(f, "spin buffer has {got} entries, expected L² = {expected}")
            }
            Self::NotSpin { index, value } => {
                write!(f, "spin[{index}] = {value}; Ising spins must be −1 or +1")
            }
            Self::Site { index, n } => {
                write!(f, "site {index} is outside the lattice of {n} sites")
            }
            Self::WolffNeedsZeroField { h } => write!(
                f,
                "the Wolff cluster algorithm needs h = 0 (got h = {h}); use Metropolis or heat bath"
            ),
            Self::Scan { reason } => write!(f, "temperature scan: {reason}"),
        }
    }
}

impl std::error::Error for IsingError {}

/// Checks a temperature (a `Temperature` or an `f64`, validated by `Temperature::new`) for
/// the lattice: `0 ≤ T < ∞` (or `0 < T` when `allow_zero` is false). Returns `T`.
pub(crate) fn check_temperature(
    t: impl IntoTemperature,
    allow_zero: bool,
) -> Result<f64, IsingError> {
    let t = t
        .into_temperature()
        .map_err(|e| IsingError::Temperature {
            t: e.value,
            allow_zero,
        })?
        .value();
    let ok = t.is_finite() && (t > 0.0 || (allow_zero && t == 0.0));
    if ok {
        Ok(t)
    } else {
        Err(IsingError::Temperature { t, allow_zero })
    }
}

/// Benchmark workload (no timing inside): `sweeps` Metropolis checkerboard sweeps of an `l×l`
/// lattice at `T = 2.5`, `h = 0`, from a random start seeded by `seed`. Returns a checksum (the sum
/// of the energy per site after each sweep) so the work cannot be optimised away.
/// `l` is clamped into `MIN_SIDE..=MAX_SIDE`.
pub fn bench_ising_sweeps(l: usize, sweeps: usize, seed: u64) -> f64 {
    let mut rng = crate::rng::Rng::new(seed);
    let l = l.clamp(MIN_SIDE, MAX_SIDE);
    let Ok(mut lat) = Lattice::random(l, 2.5, 0.0, &mut rng) else {
        return f64::NAN;
    };
    let mut sum = 0.0;
    for _ in 0..sweeps {
        lat.metropolis_sweep(&mut rng);
        sum += lat.energy_per_site();
    }
    sum
}

/// Benchmark workload state: an `l×l` lattice at `T = 2.5`, `h = 0`, after `warm` sweeps from a
/// random start (seeded by `seed`), whose sublattice planes are current.
pub fn bench_lattice(l: usize, warm: usize, seed: u64) -> Result<Lattice, IsingError> {
    let mut rng = crate::rng::Rng::new(seed);
    let mut lat = Lattice::random(l, 2.5, 0.0, &mut rng)?;
    lat.metropolis_sweeps(warm, &mut rng);
    Ok(lat)
}

/// Benchmark workload (no timing inside): restores `lat` from `start` (a copy) and does one
/// checkerboard sweep with seed `seed` — Metropolis, or heat bath if `heat_bath` — as one
/// animation frame does. Returns a checksum: accepted flips + energy per site.
pub fn bench_one_sweep(lat: &mut Lattice, start: &Lattice, heat_bath: bool, seed: u64) -> f64 {
    lat.clone_from(start);
    let mut rng = crate::rng::Rng::new(seed);
    let flips = if heat_bath {
        lat.heat_bath_sweep(&mut rng)
    } else {
        lat.metropolis_sweep(&mut rng)
    };
    flips as f64 + lat.energy_per_site()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_well() {
        let e = check_temperature(f64::NAN, false).expect_err("NaN rejected");
        assert_eq!(e.to_string(), "temperature must be > 0 and finite, got NaN");
        assert!(check_temperature(0.0, true).is_ok());
        assert!(check_temperature(0.0, false).is_err());
        assert!(check_temperature(-1.0, true).is_err());
        assert!(check_temperature(f64::INFINITY, true).is_err());
    }

    #[test]
    fn bench_is_deterministic() {
        let a = bench_ising_sweeps(16, 5, 7);
        let b = bench_ising_sweeps(16, 5, 7);
        assert_eq!(a, b);
        assert!(a.is_finite());
        assert!(bench_ising_sweeps(0, 1, 1).is_finite());
    }
}
