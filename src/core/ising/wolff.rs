//! The Wolff single-cluster algorithm (U. Wolff 1989, "Collective Monte Carlo updating for spin
//! systems", Phys. Rev. Lett. 62, 361), a rejection-free cluster version of Swendsen & Wang 1987.
//!
//! One step: pick a random seed site with spin `s`; grow a cluster by adding each neighbour that
//! also has spin `s` through its bond with probability `p_add = 1 − exp(−2J/T)`; flip the whole
//! cluster. Valid for `h = 0` only (a field would need an extra acceptance step). Near `T_c` it
//! beats critical slowing down of single-spin dynamics. Conventions: spins ±1, `J = 1`, `k = 1`;
//! at `T = 0`, `p_add = 1` (the deterministic limit: the whole aligned domain flips).
//!
//! A site is flipped the moment it joins the cluster, so its sign is the "visited" mark: a
//! flipped site no longer has spin `s` and is never added twice. The work list is preallocated.

use super::lattice::Lattice;
use super::IsingError;
use crate::rng::Rng;

/// Reusable scratch space for Wolff cluster steps (a work list of N site indices).
///
/// Buffers are sized on first use with a lattice and reused afterwards; a step allocates only if
/// the lattice size changed.
#[derive(Clone, Debug, Default)]
pub struct Wolff {
    /// Sites of the last cluster, in the order they joined; `members[head..len]` is the work list.
    members: Vec<u32>,
    len: usize,
}

/// Bond-activation probability `p_add = 1 − exp(−2J/T)` (Wolff 1989), `J = 1`, `T ≥ 0`.
pub fn bond_probability(t: f64) -> f64 {
    if t == 0.0 {
        1.0
    } else {
        // p_add = 1 − e^{−2J/T}
        -crate::fastmath::exp_m1(-2.0 / t)
    }
}

impl Wolff {
    /// Empty scratch space; it sizes itself on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// The sites (row-major indices) of the most recent cluster, for the UI to highlight.
    pub fn cluster(&self) -> &[u32] {
        &self.members[..self.len]
    }

    /// Grows and flips one Wolff cluster on `lat`. Returns the cluster size. Errors if `h ≠ 0`.
    pub fn step(&mut self, lat: &mut Lattice, rng: &mut Rng) -> Result<usize, IsingError> {
        if lat.field() != 0.0 {
            return Err(IsingError::WolffNeedsZeroField { h: lat.field() });
        }
        let n = lat.n();
        if self.members.len() != n {
            self.members.resize(n, 0);
        }
        let p_add = bond_probability(lat.temperature());
        let seed = rng.below(n);
        let s = lat.spins()[seed];
        lat.flip_unchecked(seed);
        self.members[0] = seed as u32;
        let mut len = 1;
        let mut head = 0;
        while head < len {
            let j = self.members[head] as usize;
            head += 1;
            for k in lat.neighbours(j) {
                // add an aligned neighbour through its bond with probability 1 − e^{−2J/T}
                if lat.spins()[k] == s && (p_add >= 1.0 || rng.uniform() < p_add) {
                    lat.flip_unchecked(k);
                    self.members[len] = k as u32;
                    len += 1;
                }
            }
        }
        self.len = len;
        Ok(len)
    }

    /// `clusters` Wolff steps in a row (a batch call). Returns the total number of spins flipped.
    /// Errors if `h ≠ 0`.
    ///
    /// The count is fixed in advance on purpose: stopping when a state-dependent quantity (such
    /// as the number of spins flipped so far) reaches a threshold would sample the chain at a
    /// stopping time and bias the measured averages.
    pub fn steps(
        &mut self,
        lat: &mut Lattice,
        clusters: usize,
        rng: &mut Rng,
    ) -> Result<usize, IsingError> {
        let mut flipped = 0;
        for _ in 0..clusters {
            flipped += self.step(lat, rng)?;
        }
        Ok(flipped)
    }

    /// One Wolff "sweep" for display and burn-in: flips clusters until at least `N` spins have
    /// flipped in total, so a sweep moves about as many spins as a single-spin sweep does.
    /// Returns `(spins flipped, clusters)`. Errors if `h ≠ 0`.
    ///
    /// The stopping rule depends on the state, so averages measured once per such sweep are
    /// slightly biased; measurements should use a fixed cluster count ([`Wolff::steps`]).
    pub fn sweep(
        &mut self,
        lat: &mut Lattice,
        rng: &mut Rng,
    ) -> Result<(usize, usize), IsingError> {
        let n = lat.n();
        let (mut flipped, mut clusters) = (0, 0);
        while flipped < n {
            flipped += self.step(lat, rng)?;
            clusters += 1;
        }
        Ok((flipped, clusters))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_field() {
        let mut rng = Rng::new(1);
        let mut lat = Lattice::new(4, 2.0, 0.1).expect("valid");
        let err = Wolff::new().step(&mut lat, &mut rng).expect_err("h ≠ 0");
        assert!(err.to_string().contains("h = 0"));
    }

    #[test]
    fn zero_temperature_flips_whole_domain() {
        let mut rng = Rng::new(2);
        let mut lat = Lattice::new(8, 0.0, 0.0).expect("valid");
        let mut w = Wolff::new();
        assert_eq!(w.step(&mut lat, &mut rng), Ok(64));
        assert_eq!(lat.magnetisation(), -1.0);
        assert_eq!(w.cluster().len(), 64);
    }

    #[test]
    fn sweep_flips_at_least_n_spins() {
        let mut rng = Rng::new(4);
        let mut lat = Lattice::random(16, 3.0, 0.0, &mut rng).expect("valid");
        let mut w = Wolff::new();
        let (flipped, clusters) = w.sweep(&mut lat, &mut rng).expect("h = 0");
        assert!(flipped >= 256, "{flipped}");
        assert!(clusters >= 1);
        // at T = 0 one cluster is the whole (aligned) lattice
        let mut cold = Lattice::new(16, 0.0, 0.0).expect("valid");
        assert_eq!(w.sweep(&mut cold, &mut rng), Ok((256, 1)));
        let mut field = Lattice::new(4, 2.0, 0.1).expect("valid");
        assert!(w.sweep(&mut field, &mut rng).is_err());
    }

    #[test]
    fn cluster_is_connected_and_sums_tracked() {
        let mut rng = Rng::new(3);
        let mut lat = Lattice::random(12, 2.3, 0.0, &mut rng).expect("valid");
        let mut w = Wolff::new();
        for _ in 0..200 {
            let before: Vec<i8> = lat.spins().to_vec();
            let size = w.step(&mut lat, &mut rng).expect("h = 0");
            let changed = before
                .iter()
                .zip(lat.spins())
                .filter(|(a, b)| a != b)
                .count();
            assert_eq!(changed, size);
            // all cluster members had the same spin before
            let s0 = before[w.cluster()[0] as usize];
            assert!(w.cluster().iter().all(|&i| before[i as usize] == s0));
            assert!((lat.energy() - lat.energy_recomputed()).abs() < 1e-9);
        }
        assert!(bond_probability(1e-300) == 1.0);
        assert!((bond_probability(2.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-15);
    }
}
