//! Single-spin heat-bath dynamics, i.e. Gibbs sampling of one spin from its conditional
//! distribution (Glauber 1963; Geman & Geman 1984).
//!
//! Given its neighbours, spin `i` is `+1` with probability `σ(2fᵢ/T) = 1/(1 + e^{−2fᵢ/T})`,
//! `fᵢ = J Σⱼ sⱼ + h` — the same `σ(z/T)` rule as the lecture's Boltzmann-machine update.
//! Equivalently, the current spin flips with probability `1/(1 + e^{ΔE/T})`, `ΔE = 2 sᵢ fᵢ`,
//! which is how the table is stored. Conventions: spins ±1, `J = 1`, `k = 1`.

use super::lattice::Lattice;
use crate::core::rng::Rng;

/// Heat-bath flip probability `1/(1 + exp(ΔE/T))` for energy change `delta_e` at `t ≥ 0`.
/// At `T = 0` (deterministic limit): 1 if `ΔE < 0`, ½ if `ΔE = 0`, 0 if `ΔE > 0`.
pub fn flip_probability(delta_e: f64, t: f64) -> f64 {
    if t == 0.0 {
        if delta_e < 0.0 {
            1.0
        } else if delta_e > 0.0 {
            0.0
        } else {
            0.5
        }
    } else {
        // P(flip) = e^{−ΔE/T} / (1 + e^{−ΔE/T}) = 1 / (1 + e^{ΔE/T}); exp overflow gives 1/∞ = 0
        1.0 / (1.0 + (delta_e / t).exp())
    }
}

impl Lattice {
    /// One heat-bath (Gibbs) sweep in checkerboard order, probabilities looked up in a table
    /// precomputed for the current `(T, h)` (vectorised for even L, see [`super::checkerboard`]).
    /// No allocation. Returns the number of flips.
    pub fn heat_bath_sweep(&mut self, rng: &mut Rng) -> usize {
        self.sweeps(true, 1, rng)
    }

    /// The lecture's name for the same sweep: Gibbs sampling of every spin once.
    pub fn gibbs_sweep(&mut self, rng: &mut Rng) -> usize {
        self.heat_bath_sweep(rng)
    }

    /// `sweeps` heat-bath sweeps (a batch call for one animation frame). Returns flips.
    pub fn heat_bath_sweeps(&mut self, sweeps: usize, rng: &mut Rng) -> usize {
        self.sweeps(true, sweeps, rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flip_probability_values() {
        assert_eq!(flip_probability(0.0, 1.0), 0.5);
        assert_eq!(flip_probability(0.0, 0.0), 0.5);
        assert_eq!(flip_probability(-1.0, 0.0), 1.0);
        assert_eq!(flip_probability(1.0, 0.0), 0.0);
        assert_eq!(flip_probability(1e4, 1e-3), 0.0);
        assert_eq!(flip_probability(-1e4, 1e-3), 1.0);
        // P(flip | ΔE) + P(flip | −ΔE) = 1 (the two states of one spin)
        let p = flip_probability(2.4, 1.7) + flip_probability(-2.4, 1.7);
        assert!((p - 1.0).abs() < 1e-15);
    }

    #[test]
    fn strong_field_aligns_spins() {
        let mut rng = Rng::new(9);
        let mut lat = Lattice::random(16, 1.0, 10.0, &mut rng).expect("valid");
        lat.heat_bath_sweeps(5, &mut rng);
        assert!(lat.magnetisation() > 0.99);
    }
}
