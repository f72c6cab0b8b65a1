//! Single-spin heat-bath dynamics, i.e. Gibbs sampling of one spin from its conditional
//! distribution (Glauber 1963; Geman & Geman 1984).
//!
//! Given its neighbours, spin `i` is `+1` with probability `σ(2fᵢ/T) = 1/(1 + e^{−2fᵢ/T})`,
//! `fᵢ = J Σⱼ sⱼ + h`: the ±1-spin conditional derived in [`crate::boltzmann::gibbs`]
//! (`p_plus(fᵢ, T)` there), with the factor 2 that ±1 spins bring. It is *not* the lecture's
//! Boltzmann-machine form `σ(z/T)` with `z = Σⱼ wⱼᵢ yⱼ`, which is the conditional of 0/1 units;
//! applied to ±1 spins that form samples at temperature `2T` (see the same module).
//! Equivalently, the current spin flips with probability `1/(1 + e^{ΔE/T})`, `ΔE = 2 sᵢ fᵢ`,
//! which is how the table is stored. Conventions: spins ±1, `J = 1`, `k = 1`.

use super::lattice::Lattice;
use crate::rng::Rng;

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
        1.0 / (1.0 + crate::fastmath::exp(delta_e / t))
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
    use crate::ising::lattice::table_index;

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
    fn heat_bath_is_the_pm1_gibbs_conditional_sigma_2f_over_t() {
        use crate::boltzmann::{p_plus, Temperature};
        // P(sᵢ = +1 | neighbours) read from the sweep's own table equals σ(2fᵢ/T) =
        // boltzmann::p_plus(fᵢ, T): its log-odds are 2fᵢ/T, not the fᵢ/T of the 0/1-unit form
        // σ(fᵢ/T) (which is σ(2fᵢ/T') at T' = 2T).
        for &t in &[0.5, 1.0, 2.269, 4.0] {
            for &h in &[0.0, 0.3] {
                let lat = Lattice::new(4, t, h).expect("valid");
                for s in [1i8, -1] {
                    for nb in [-4i32, -2, 0, 2, 4] {
                        let f = f64::from(nb) + h;
                        let p_flip = lat.heat_bath_table[table_index(s, nb)];
                        let p_up = if s == 1 { 1.0 - p_flip } else { p_flip };
                        let gibbs = p_plus(f, Temperature::new(t).expect("T"));
                        assert!((p_up - gibbs).abs() < 1e-12, "T={t} h={h} s={s} nb={nb}");
                        let log_odds = (p_up / (1.0 - p_up)).ln();
                        assert!(
                            (log_odds - 2.0 * f / t).abs() < 1e-6 * (1.0 + f.abs() / t),
                            "T={t} f={f}: log-odds {log_odds}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn strong_field_aligns_spins() {
        let mut rng = Rng::new(9);
        let mut lat = Lattice::random(16, 1.0, 10.0, &mut rng).expect("valid");
        lat.heat_bath_sweeps(5, &mut rng);
        assert!(lat.magnetisation() > 0.99);
    }
}
