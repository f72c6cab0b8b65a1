//! Overlap-mode recall: Hebbian Hopfield dynamics for large images without storing `W`.
//!
//! Conventions: spins ±1, no bias, Hebbian weights in the `1/N` convention
//! `wᵢⱼ = (1/N) Σ_p ξᵢᵖ ξⱼᵖ` (i ≠ j), `wᵢᵢ = 0` (Hopfield 1982; Amit, Gutfreund & Sompolinsky,
//! Phys. Rev. A 32, 1985). With the overlaps `m_p = ξᵖ·y / N` the local field is
//!
//! `hᵢ = Σ_{j≠i} wᵢⱼ yⱼ = Σ_p ξᵢᵖ m_p − (P/N) yᵢ`
//!
//! (the last term removes the `j = i` contribution, since `wᵢᵢ = 0`), and the energy is
//!
//! `E = −½ Σ_{i≠j} wᵢⱼ yᵢ yⱼ = −(N/2) Σ_p m_p² + P/2`
//!
//! (the `+P/2` is the diagonal correction: `Σ_p (ξᵖ·y)² = Σ_{i,j} Σ_p ξᵢᵖξⱼᵖ yᵢyⱼ` contains the
//! `N·P` terms with `i = j`, each equal to 1, which `wᵢᵢ = 0` excludes). The overlaps are kept as exact integers `M_p = ξᵖ·y = N m_p`; a flip of neuron i
//! changes each by `2 yᵢ⁺ ξᵢᵖ` — O(P) per flip and O(P) per visit, so a 256×256 image with ten
//! memories sweeps in well under a millisecond, and the memory is `N·P` bytes instead of `4N²`.
//! Because `sign(hᵢ) = sign(Σ_p ξᵢᵖ M_p − P yᵢ)` is computed in integers, ties `hᵢ = 0` are exact
//! and the trajectory equals dense recall with the same Hebbian (1/N or 1/N_p) weights and the
//! same visiting order whenever the dense fields are exact.

use super::dynamics::AsyncNeurons;
use super::learning::{check_patterns, LearnError};
use crate::pattern::dot;

/// Largest N in overlap mode (256×256).
pub const MAX_OVERLAP_NEURONS: usize = 1 << 16;
/// Largest number of stored patterns in overlap mode.
pub const MAX_OVERLAP_PATTERNS: usize = 1024;

/// Stored patterns and a state, with the overlaps `M_p = ξᵖ·y` kept current.
#[derive(Clone, Debug, PartialEq)]
pub struct OverlapNetwork {
    n: usize,
    p: usize,
    /// Neuron-major `N×P`: `xi[i·P + p] = ξᵢᵖ` (the P values a visit reads are contiguous).
    xi: Vec<i8>,
    y: Vec<i8>,
    /// `M_p = ξᵖ·y` (so `m_p = M_p / N`).
    m: Vec<i32>,
}

impl OverlapNetwork {
    /// Stores `patterns` (1…[`MAX_OVERLAP_PATTERNS`] of them, each ±1 of the same length
    /// N ≤ [`MAX_OVERLAP_NEURONS`]) and starts in state `y0` (±1, length N).
    pub fn new<P: AsRef<[i8]>>(patterns: &[P], y0: &[i8]) -> Result<Self, LearnError> {
        let n = patterns.first().map_or(0, |p| p.as_ref().len());
        if n == 0 || n > MAX_OVERLAP_NEURONS {
            return Err(LearnError::Count {
                name: "pattern length N",
                value: n,
                constraint: "between 1 and 65536",
            });
        }
        check_patterns(n, patterns)?;
        if patterns.len() > MAX_OVERLAP_PATTERNS {
            return Err(LearnError::TooManyPatterns {
                count: patterns.len(),
                max: MAX_OVERLAP_PATTERNS,
            });
        }
        let p = patterns.len();
        let mut xi = vec![0i8; n * p];
        for (k, pat) in patterns.iter().enumerate() {
            for (i, &v) in pat.as_ref().iter().enumerate() {
                xi[i * p + k] = v;
            }
        }
        let mut net = Self {
            n,
            p,
            xi,
            y: vec![-1; n],
            m: vec![0; p],
        };
        net.set_state(y0)?;
        Ok(net)
    }

    /// Number of neurons N.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of stored patterns P.
    pub fn pattern_count(&self) -> usize {
        self.p
    }

    /// Writes stored pattern `p < P` into `out` (length N).
    pub fn write_pattern(&self, p: usize, out: &mut [i8]) {
        for (o, row) in out.iter_mut().zip(self.xi.chunks_exact(self.p)) {
            *o = row[p];
        }
    }

    /// The state.
    pub fn y(&self) -> &[i8] {
        &self.y
    }

    /// Replaces the state (±1, length N) and recomputes the overlaps (O(NP)).
    pub fn set_state(&mut self, y: &[i8]) -> Result<(), LearnError> {
        check_patterns(self.n, &[y])?;
        self.y.copy_from_slice(y);
        self.recompute_overlaps();
        Ok(())
    }

    /// Recomputes every `M_p = ξᵖ·y` from scratch.
    pub fn recompute_overlaps(&mut self) {
        self.m.fill(0);
        for (row, &yi) in self.xi.chunks_exact(self.p).zip(&self.y) {
            for (m, &x) in self.m.iter_mut().zip(row) {
                *m += i32::from(x) * i32::from(yi);
            }
        }
    }

    /// The integer overlaps `M_p = ξᵖ·y = N m_p`.
    pub fn overlap_sums(&self) -> &[i32] {
        &self.m
    }

    /// The overlap `m_p = ξᵖ·y / N` with stored pattern `p < P`.
    pub fn overlap(&self, p: usize) -> f64 {
        f64::from(self.m[p]) / self.n as f64
    }

    /// `N·hᵢ = Σ_p ξᵢᵖ M_p − P yᵢ` as an exact integer.
    #[inline]
    fn field_numerator(&self, i: usize) -> i32 {
        let row = &self.xi[i * self.p..(i + 1) * self.p];
        let s: i32 = row
            .iter()
            .zip(&self.m)
            .map(|(&x, &m)| i32::from(x) * m)
            .sum();
        s - self.p as i32 * i32::from(self.y[i]) // remove the j = i term (wᵢᵢ = 0)
    }

    /// The local field `hᵢ = Σ_p ξᵢᵖ m_p − (P/N) yᵢ` of neuron `i < N`.
    pub fn local_field(&self, i: usize) -> f64 {
        f64::from(self.field_numerator(i)) / self.n as f64
    }

    /// The energy `E = −(N/2) Σ_p m_p² + P/2` (exact, from the integer overlaps, O(P)).
    pub fn energy(&self) -> f64 {
        let s: f64 = self.m.iter().map(|&m| f64::from(m) * f64::from(m)).sum();
        -s / (2.0 * self.n as f64) + self.p as f64 / 2.0 // −(1/2N) Σ M_p² + P/2
    }

    /// Flips neuron `i < N` (e.g. the user paints a pixel), updating the overlaps in O(P):
    /// `M_p ← M_p + 2 yᵢ⁺ ξᵢᵖ`.
    #[inline]
    pub fn flip(&mut self, i: usize) {
        self.y[i] = -self.y[i];
        let s = 2 * i32::from(self.y[i]);
        for (m, &x) in self
            .m
            .iter_mut()
            .zip(&self.xi[i * self.p..(i + 1) * self.p])
        {
            *m += s * i32::from(x);
        }
    }

    /// Whether every neuron satisfies `Θ(hᵢ) = yᵢ` (O(NP)).
    pub fn is_fixed_point(&self) -> bool {
        (0..self.n).all(|i| Self::theta_num(self.field_numerator(i)) == self.y[i])
    }

    #[inline]
    fn theta_num(num: i32) -> i8 {
        // Θ(hᵢ) with hᵢ = num/N and N > 0: +1 iff the numerator is > 0.
        if num > 0 {
            1
        } else {
            -1
        }
    }

    /// Whether the tracked overlaps equal a recomputation (a consistency check for tests).
    pub fn overlaps_consistent(&self) -> bool {
        (0..self.p).all(|k| {
            let col: i64 = self
                .xi
                .chunks_exact(self.p)
                .zip(&self.y)
                .map(|(row, &yi)| i64::from(row[k]) * i64::from(yi))
                .sum();
            col == i64::from(self.m[k])
        })
    }

    /// The overlap of the state with an arbitrary ±1 pattern of length N.
    pub fn overlap_with(&self, xi: &[i8]) -> f64 {
        dot(xi, &self.y) as f64 / self.n as f64
    }
}

impl AsyncNeurons for OverlapNetwork {
    #[inline]
    fn neuron_count(&self) -> usize {
        self.n
    }

    #[inline]
    fn update_neuron(&mut self, i: usize) -> Option<f64> {
        let num = self.field_numerator(i);
        let target = Self::theta_num(num); // yᵢ ← Θ(hᵢ)
        if target == self.y[i] {
            return None;
        }
        // ΔE = 2 yᵢ⁻ hᵢ (≤ 0 whenever Θ asks for the flip).
        let delta = 2.0 * f64::from(self.y[i]) * f64::from(num) / self.n as f64;
        self.flip(i);
        Some(delta)
    }

    #[inline]
    fn spin(&self, i: usize) -> i8 {
        self.y[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hopfield::dynamics::{Dynamics, Order};
    use crate::hopfield::learning::{hebbian, HebbianScale};
    use crate::hopfield::network::Network;
    use crate::pattern::{flip_exact, random_pattern};
    use crate::rng::Rng;

    #[test]
    fn fields_and_energy_match_dense_hebbian() {
        let mut rng = Rng::new(1);
        let n = 64;
        let pats: Vec<Vec<i8>> = (0..6).map(|_| random_pattern(n, &mut rng)).collect();
        let mut net = Network::new(n).expect("n");
        hebbian(&mut net, &pats, HebbianScale::PerNeuron).expect("ok");
        let y = random_pattern(n, &mut rng);
        let ov = OverlapNetwork::new(&pats, &y).expect("ok");
        for i in 0..n {
            let dense = net.local_field(&y, i);
            assert!((ov.local_field(i) - dense).abs() < 1e-5, "neuron {i}");
        }
        assert!((ov.energy() - net.energy(&y)).abs() < 1e-4);
    }

    #[test]
    fn incremental_overlaps_match_recompute_and_energy_tracks_delta() {
        let mut rng = Rng::new(2);
        let n = 300;
        let pats: Vec<Vec<i8>> = (0..7).map(|_| random_pattern(n, &mut rng)).collect();
        let mut y = pats[0].clone();
        flip_exact(&mut y, 90, &mut rng).expect("count");
        let mut ov = OverlapNetwork::new(&pats, &y).expect("ok");
        for _ in 0..5000 {
            let i = rng.below(n);
            let e0 = ov.energy();
            match ov.update_neuron(i) {
                Some(d) => {
                    assert!(d <= 0.0);
                    assert!((ov.energy() - e0 - d).abs() < 1e-9);
                }
                None => ov.flip(rng.below(n)), // keep it moving
            }
        }
        assert!(ov.overlaps_consistent());
        let mut d = Dynamics::new(n, Order::Random, &mut rng).expect("n");
        let r = d
            .run_to_fixed_point(100, &mut ov, &mut rng, &mut |_| {})
            .expect("ok");
        assert!(r.converged && ov.is_fixed_point());
    }

    #[test]
    fn validation() {
        let empty: Vec<Vec<i8>> = vec![];
        assert!(OverlapNetwork::new(&empty, &[]).is_err());
        assert!(OverlapNetwork::new(&[vec![1i8, -1]], &[1]).is_err());
        assert!(OverlapNetwork::new(&[vec![1i8, -1], vec![1]], &[1, 1]).is_err());
        assert!(OverlapNetwork::new(&[vec![1i8, 2]], &[1, 1]).is_err());
    }
}
