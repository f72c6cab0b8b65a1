//! Single-spin Metropolis dynamics (Metropolis, Rosenbluth, Rosenbluth, Teller & Teller 1953,
//! "Equation of state calculations by fast computing machines").
//!
//! Proposal: flip one spin (symmetric, so no Hastings correction is needed). Acceptance:
//! `A = min(1, exp(−ΔE/T))` with `ΔE = 2 sᵢ (J Σⱼ sⱼ + h)`. Conventions as in the module
//! [`crate::ising`]: spins ±1, `J = 1`, `k = 1`.

use super::lattice::Lattice;
use crate::rng::Rng;

/// Metropolis acceptance probability `min(1, exp(−ΔE/T))` of a move with energy change
/// `delta_e` at temperature `t ≥ 0`. At `T = 0` (deterministic limit): 1 if `ΔE ≤ 0`, else 0.
pub fn acceptance(delta_e: f64, t: f64) -> f64 {
    if delta_e <= 0.0 {
        // downhill or level moves are always accepted
        1.0
    } else if t == 0.0 {
        0.0
    } else {
        // A = min(1, e^{−ΔE/T}); ΔE > 0 here so the exponential is < 1
        crate::fastmath::exp(-delta_e / t)
    }
}

impl Lattice {
    /// One Metropolis sweep in checkerboard order (N attempted flips, acceptance looked up in a
    /// table precomputed for the current `(T, h)` — no `exp` and no allocation in the loop;
    /// vectorised for even L, see [`super::checkerboard`]). Returns the number of accepted flips.
    pub fn metropolis_sweep(&mut self, rng: &mut Rng) -> usize {
        self.sweeps(false, 1, rng)
    }

    /// `sweeps` Metropolis sweeps (a batch call for one animation frame). Returns accepted flips.
    pub fn metropolis_sweeps(&mut self, sweeps: usize, rng: &mut Rng) -> usize {
        self.sweeps(false, sweeps, rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acceptance_values() {
        assert_eq!(acceptance(-4.0, 2.0), 1.0);
        assert_eq!(acceptance(0.0, 0.0), 1.0);
        assert_eq!(acceptance(4.0, 0.0), 0.0);
        assert!((acceptance(4.0, 2.0) - (-2.0f64).exp()).abs() < 1e-15);
        // tiny T: no overflow, no NaN
        assert_eq!(acceptance(8.0, 1e-300), 0.0);
    }

    #[test]
    fn zero_temperature_sweep_never_raises_energy() {
        let mut rng = Rng::new(3);
        let mut lat = Lattice::random(16, 0.0, 0.1, &mut rng).expect("valid");
        let mut e = lat.energy();
        for _ in 0..20 {
            lat.metropolis_sweep(&mut rng);
            assert!(lat.energy() <= e);
            e = lat.energy();
        }
    }

    #[test]
    fn high_temperature_flips_almost_everything() {
        let mut rng = Rng::new(4);
        let mut lat = Lattice::new(32, 1e6, 0.0).expect("valid");
        let flips = lat.metropolis_sweep(&mut rng);
        assert!(flips > 1000, "{flips}");
    }
}
