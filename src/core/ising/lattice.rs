//! The periodic `L×L` lattice of ±1 spins, its energy, and the tracked sums that make energy and
//! magnetisation O(1) to read.
//!
//! The lattice also carries `T` and `h` and the two flip-probability tables built from them, so a
//! sweep can never use a table that belongs to another temperature.

use super::checkerboard::{plane_sweeps, PlaneScratch, Thresholds};
use super::{check_temperature, IsingError};
use crate::rng::Rng;
use crate::temperature::IntoTemperature;

/// Smallest accepted side length.
pub const MIN_SIDE: usize = 2;
/// Largest accepted side length (1024² ≈ 10⁶ spins, 1 MiB of `i8`).
pub const MAX_SIDE: usize = 1024;

/// A table of flip probabilities indexed by [`table_index`]`(s, Σ neighbours)`.
pub(crate) type FlipTable = [f64; 10];

/// Index into a [`FlipTable`] for the current spin `s ∈ {−1, +1}` and neighbour sum
/// `nb ∈ {−4, −2, 0, 2, 4}`: `5·(s+1)/2 + (nb+4)/2`.
#[inline(always)]
pub(crate) fn table_index(s: i8, nb: i32) -> usize {
    (5 * ((s as i32 + 1) >> 1) + ((nb + 4) >> 1)) as usize
}

/// Builds a flip table from a rule `p(ΔE, T)`, with `ΔE = 2 s (J·nb + h)`, `J = 1`.
pub(crate) fn build_table(t: f64, h: f64, p: fn(f64, f64) -> f64) -> FlipTable {
    let mut table = [0.0; 10];
    for s in [-1i8, 1] {
        for nb in [-4i32, -2, 0, 2, 4] {
            // ΔE of flipping sᵢ → −sᵢ:  ΔE = 2 sᵢ (J Σⱼ sⱼ + h)
            let delta_e = 2.0 * f64::from(s) * (f64::from(nb) + h);
            table[table_index(s, nb)] = p(delta_e, t);
        }
    }
    table
}

/// A periodic `L×L` Ising lattice at temperature `T` in field `h` (`J = 1`, `k = 1`).
///
/// Spins are `±1` in one row-major `Vec<i8>`. The bond sum `Σ_⟨ij⟩ sᵢsⱼ` and the spin sum `Σ sᵢ`
/// are updated on every flip, so [`Lattice::energy`] and [`Lattice::magnetisation`] cost O(1).
///
/// ```
/// use energy_core::ising::Lattice;
/// use energy_core::rng::Rng;
/// let mut rng = Rng::new(1);
/// // Well below T_c ≈ 2.269 a cold start stays magnetised; well above, order melts.
/// let mut cold = Lattice::new(32, 1.5, 0.0)?;
/// let mut hot = Lattice::new(32, 5.0, 0.0)?;
/// cold.metropolis_sweeps(200, &mut rng);
/// hot.metropolis_sweeps(200, &mut rng);
/// assert!(cold.magnetisation().abs() > 0.9);
/// assert!(hot.magnetisation().abs() < 0.3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Lattice {
    l: usize,
    spins: Vec<i8>,
    t: f64,
    h: f64,
    /// `Σ_⟨ij⟩ sᵢ sⱼ` over the 2N bonds.
    bond_sum: i64,
    /// `Σᵢ sᵢ`.
    spin_sum: i64,
    pub(crate) metropolis_table: FlipTable,
    pub(crate) heat_bath_table: FlipTable,
    /// The tables as integer thresholds for the plane sweep (even L).
    metropolis_thresholds: Thresholds,
    heat_bath_thresholds: Thresholds,
    /// The two sublattice planes and buffers of the plane sweep (empty for odd L). Every change
    /// of `spins` outside a plane sweep must call `scratch.invalidate()`.
    scratch: PlaneScratch,
}

impl Lattice {
    /// An ordered ("cold") lattice with every spin `+1`.
    ///
    /// `l` must lie in `2..=1024`; `temperature` must be finite and ≥ 0 (`0` is the deterministic
    /// limit of the single-spin rules); `field` must be finite.
    pub fn new(
        l: usize,
        temperature: impl IntoTemperature,
        field: f64,
    ) -> Result<Self, IsingError> {
        Self::from_spins(l, vec![1; checked_n(l)?], temperature, field)
    }

    /// A disordered ("hot", `T = ∞`) start: every spin an independent fair coin.
    /// Constraints as in [`Lattice::new`].
    pub fn random(
        l: usize,
        temperature: impl IntoTemperature,
        field: f64,
        rng: &mut Rng,
    ) -> Result<Self, IsingError> {
        let n = checked_n(l)?;
        let spins = (0..n).map(|_| rng.spin()).collect();
        Self::from_spins(l, spins, temperature, field)
    }

    /// A lattice from explicit spins (row-major, `l²` entries, each ±1).
    /// Constraints as in [`Lattice::new`].
    pub fn from_spins(
        l: usize,
        spins: Vec<i8>,
        temperature: impl IntoTemperature,
        field: f64,
    ) -> Result<Self, IsingError> {
        let n = checked_n(l)?;
        let t = check_temperature(temperature, true)?;
        let h = check_field(field)?;
        if spins.len() != n {
            return Err(IsingError::SpinsLength {
                expected: n,
                got: spins.len(),
            });
        }
        if let Some(index) = spins.iter().position(|&s| s != 1 && s != -1) {
            return Err(IsingError::NotSpin {
                index,
                value: spins[index],
            });
        }
        let mut lat = Self {
            l,
            spins,
            t,
            h,
            bond_sum: 0,
            spin_sum: 0,
            metropolis_table: [0.0; 10],
            heat_bath_table: [0.0; 10],
            metropolis_thresholds: Thresholds::new(&[0.0; 10]),
            heat_bath_thresholds: Thresholds::new(&[0.0; 10]),
            scratch: if l % 2 == 0 {
                PlaneScratch::new(l)
            } else {
                PlaneScratch::default()
            },
        };
        lat.rebuild_tables();
        lat.recount();
        Ok(lat)
    }

    /// Side length L.
    #[inline]
    pub fn l(&self) -> usize {
        self.l
    }

    /// Number of spins N = L².
    #[inline]
    pub fn n(&self) -> usize {
        self.spins.len()
    }

    /// The spins, row-major (`(x, y)` at `y·L + x`), each ±1. The UI reads this without copying.
    #[inline]
    pub fn spins(&self) -> &[i8] {
        &self.spins
    }

    /// The spin at column `x`, row `y` (both taken modulo L, so neighbours of edge sites work).
    #[inline]
    pub fn spin(&self, x: usize, y: usize) -> i8 {
        self.spins[(y % self.l) * self.l + x % self.l]
    }

    /// Temperature T (≥ 0).
    #[inline]
    pub fn temperature(&self) -> f64 {
        self.t
    }

    /// External field h.
    #[inline]
    pub fn field(&self) -> f64 {
        self.h
    }

    /// Changes T (finite, ≥ 0) and rebuilds the flip tables; the spins are kept.
    pub fn set_temperature(&mut self, temperature: impl IntoTemperature) -> Result<(), IsingError> {
        self.t = check_temperature(temperature, true)?;
        self.rebuild_tables();
        Ok(())
    }

    /// Changes h (finite) and rebuilds the flip tables; the spins are kept.
    pub fn set_field(&mut self, field: f64) -> Result<(), IsingError> {
        self.h = check_field(field)?;
        self.rebuild_tables();
        Ok(())
    }

    /// Sets every spin to `s` (`s > 0` → +1, otherwise −1).
    pub fn fill(&mut self, s: i8) {
        let s = if s > 0 { 1 } else { -1 };
        self.spins.fill(s);
        self.scratch.invalidate();
        self.recount();
    }

    /// Redraws every spin as an independent fair coin (the `T = ∞` state).
    pub fn randomize(&mut self, rng: &mut Rng) {
        for s in &mut self.spins {
            *s = rng.spin();
        }
        self.scratch.invalidate();
        self.recount();
    }

    /// Sets the spin at site `i` to `s` (`s > 0` → +1, otherwise −1), e.g. when a student paints.
    pub fn set_spin(&mut self, i: usize, s: i8) -> Result<(), IsingError> {
        if i >= self.n() {
            return Err(IsingError::Site {
                index: i,
                n: self.n(),
            });
        }
        let s = if s > 0 { 1 } else { -1 };
        if self.spins[i] != s {
            self.flip_unchecked(i);
        }
        Ok(())
    }

    /// The indices of the four neighbours of site `i`: left, right, up, down (periodic).
    #[inline]
    pub fn neighbours(&self, i: usize) -> [usize; 4] {
        let l = self.l;
        let n = self.spins.len();
        let x = i % l;
        let left = if x == 0 { i + l - 1 } else { i - 1 };
        let right = if x == l - 1 { i + 1 - l } else { i + 1 };
        let up = if i < l { i + n - l } else { i - l };
        let down = if i + l >= n { i + l - n } else { i + l };
        [left, right, up, down]
    }

    /// `Σⱼ sⱼ` over the four neighbours of site `i` (one of −4, −2, 0, 2, 4).
    #[inline]
    pub fn neighbour_sum(&self, i: usize) -> i32 {
        self.neighbours(i)
            .iter()
            .map(|&j| i32::from(self.spins[j]))
            .sum()
    }

    /// The local field at site `i`: `fᵢ = J Σⱼ sⱼ + h` (the lecture's `f(pᵢ) = Σ_{j≠i} J xⱼ + bᵢ`).
    #[inline]
    pub fn local_field(&self, i: usize) -> f64 {
        f64::from(self.neighbour_sum(i)) + self.h
    }

    /// Energy change of flipping site `i`: `ΔE = 2 sᵢ fᵢ`.
    #[inline]
    pub fn delta_energy(&self, i: usize) -> f64 {
        2.0 * f64::from(self.spins[i]) * self.local_field(i)
    }

    /// Flips site `i` unconditionally, keeping the tracked sums current. Errors if `i ≥ N`.
    pub fn flip(&mut self, i: usize) -> Result<(), IsingError> {
        if i >= self.n() {
            return Err(IsingError::Site {
                index: i,
                n: self.n(),
            });
        }
        self.flip_unchecked(i);
        Ok(())
    }

    /// [`Lattice::flip`] for indices the caller's loop already bounds (panics if `i ≥ N`).
    #[inline]
    pub(crate) fn flip_unchecked(&mut self, i: usize) {
        let nb = i64::from(self.neighbour_sum(i));
        let s = i64::from(self.spins[i]);
        // Δ(Σ_⟨ij⟩ sᵢsⱼ) = −2 sᵢ Σⱼ sⱼ,  Δ(Σ sᵢ) = −2 sᵢ
        self.bond_sum -= 2 * s * nb;
        self.spin_sum -= 2 * s;
        self.spins[i] = -self.spins[i];
        self.scratch.invalidate();
    }

    /// `Σ_⟨ij⟩ sᵢ sⱼ` over the 2N bonds (tracked).
    #[inline]
    pub fn bond_sum(&self) -> i64 {
        self.bond_sum
    }

    /// `Σᵢ sᵢ` (tracked).
    #[inline]
    pub fn spin_sum(&self) -> i64 {
        self.spin_sum
    }

    /// Total energy `E = −J Σ_⟨ij⟩ sᵢsⱼ − h Σᵢ sᵢ` (tracked, O(1)).
    #[inline]
    pub fn energy(&self) -> f64 {
        -(self.bond_sum as f64) - self.h * self.spin_sum as f64
    }

    /// Energy per site `e = E/N`.
    #[inline]
    pub fn energy_per_site(&self) -> f64 {
        self.energy() / self.n() as f64
    }

    /// Magnetisation per site `m = Σᵢ sᵢ / N ∈ [−1, 1]`.
    #[inline]
    pub fn magnetisation(&self) -> f64 {
        self.spin_sum as f64 / self.n() as f64
    }

    /// Recomputes `E` from scratch in O(N) (for checks; [`Lattice::energy`] is the fast path).
    pub fn energy_recomputed(&self) -> f64 {
        let (bonds, sum) = self.count();
        -(bonds as f64) - self.h * sum as f64
    }

    /// The flip probability of site `i` in the current state under a single-spin rule
    /// (`Metropolis` or `HeatBath`; `Wolff` has no single-site probability and gives `None`).
    /// This reads the same table the sweeps use.
    pub fn flip_probability(&self, i: usize, dynamics: super::Dynamics) -> Option<f64> {
        let table = match dynamics {
            super::Dynamics::Metropolis => &self.metropolis_table,
            super::Dynamics::HeatBath => &self.heat_bath_table,
            super::Dynamics::Wolff => return None,
        };
        let s = *self.spins.get(i)?;
        Some(table[table_index(s, self.neighbour_sum(i))])
    }

    /// One update of site `i` under a single-spin rule: flip with the tabulated probability.
    /// Returns whether the spin flipped. Drawing `i` uniformly gives the random-site chain; the
    /// UI can call this to animate spin by spin. `Wolff` is not a single-spin rule: returns
    /// `Ok(false)` without change. Errors if `i ≥ N`.
    pub fn single_spin_update(
        &mut self,
        i: usize,
        dynamics: super::Dynamics,
        rng: &mut Rng,
    ) -> Result<bool, IsingError> {
        if dynamics == super::Dynamics::Wolff {
            return Ok(false);
        }
        let p = self.flip_probability(i, dynamics).ok_or(IsingError::Site {
            index: i,
            n: self.n(),
        })?;
        // accept with probability p (no random draw when the outcome is certain)
        let accept = p >= 1.0 || (p > 0.0 && rng.uniform() < p);
        if accept {
            self.flip_unchecked(i);
        }
        Ok(accept)
    }

    /// One checkerboard sweep site by site: first every site with `x + y` even, then every site
    /// with `x + y` odd, each flipped with probability `table[s, Σ neighbours]`. Sites are
    /// updated one after the other, so each update sees the current neighbours and satisfies
    /// detailed balance; on odd L the order is simply a fixed deterministic order (even L uses
    /// the plane kernel through [`Lattice::sweeps`]). No allocation.
    pub(crate) fn checkerboard_sweep(&mut self, table: &FlipTable, rng: &mut Rng) -> usize {
        let l = self.l;
        let n = self.spins.len();
        let mut bonds = self.bond_sum;
        let mut sum = self.spin_sum;
        let mut flips = 0usize;
        self.scratch.invalidate();
        let s = &mut self.spins;
        for parity in 0..2 {
            for y in 0..l {
                let row = y * l;
                let up = if y == 0 { n - l } else { row - l };
                let down = if y == l - 1 { 0 } else { row + l };
                let mut x = (y + parity) & 1;
                while x < l {
                    let left = if x == 0 { l - 1 } else { x - 1 };
                    let right = if x == l - 1 { 0 } else { x + 1 };
                    let nb = i32::from(s[up + x])
                        + i32::from(s[down + x])
                        + i32::from(s[row + left])
                        + i32::from(s[row + right]);
                    let si = s[row + x];
                    // flip with probability p = table[s, Σ neighbours]; u ∈ [0,1) so p = 1 always
                    // flips and p = 0 never does. Branch-free: the outcome is unpredictable.
                    let flip = i64::from(rng.uniform() < table[table_index(si, nb)]);
                    // ΔΣ_⟨ij⟩ sᵢsⱼ = −2 sᵢ Σⱼ sⱼ ;  ΔΣ sᵢ = −2 sᵢ
                    bonds -= flip * 2 * i64::from(si) * i64::from(nb);
                    sum -= flip * 2 * i64::from(si);
                    s[row + x] = si * (1 - 2 * flip as i8);
                    flips += flip as usize;
                    x += 2;
                }
            }
        }
        self.bond_sum = bonds;
        self.spin_sum = sum;
        flips
    }

    /// `sweeps` checkerboard sweeps under a single-spin rule (`heat_bath` picks heat bath over
    /// Metropolis), the order of [`Lattice::checkerboard_sweep`]: sublattice `x + y` even, then
    /// odd. For even L every neighbour of a sublattice lies in the other one, so a whole
    /// sublattice is updated at once by the vectorised plane kernel
    /// ([`super::checkerboard`]); odd L (where the two colours meet across the periodic seam)
    /// uses the site-by-site sweep. Returns the number of accepted flips. No allocation.
    pub(crate) fn sweeps(&mut self, heat_bath: bool, sweeps: usize, rng: &mut Rng) -> usize {
        let table = if heat_bath {
            self.heat_bath_table
        } else {
            self.metropolis_table
        };
        if self.l % 2 == 1 {
            return (0..sweeps)
                .map(|_| self.checkerboard_sweep(&table, rng))
                .sum();
        }
        let thr = if heat_bath {
            self.heat_bath_thresholds
        } else {
            self.metropolis_thresholds
        };
        if sweeps == 0 {
            return 0;
        }
        let r = plane_sweeps(
            &mut self.spins,
            self.l,
            &thr,
            sweeps,
            &mut self.scratch,
            rng,
        );
        self.bond_sum = r.bond_sum;
        self.spin_sum = r.spin_sum;
        r.flips
    }

    /// Paints the lattice into an RGBA image (`L²` pixels, row-major like the spins) without
    /// per-pixel branching: see [`super::checkerboard::paint_rgba`].
    pub fn paint_rgba(&self, out: &mut [u32], up: u32, down: u32) {
        super::checkerboard::paint_rgba(&self.spins, out, up, down);
    }

    fn rebuild_tables(&mut self) {
        self.metropolis_table = build_table(self.t, self.h, super::metropolis::acceptance);
        self.heat_bath_table = build_table(self.t, self.h, super::heat_bath::flip_probability);
        self.metropolis_thresholds = Thresholds::new(&self.metropolis_table);
        self.heat_bath_thresholds = Thresholds::new(&self.heat_bath_table);
    }

    fn count(&self) -> (i64, i64) {
        let l = self.l;
        let mut bonds = 0i64;
        let mut sum = 0i64;
        for y in 0..l {
            for x in 0..l {
                let s = i64::from(self.spins[y * l + x]);
                // each site owns its right and down bond: 2N bonds in total
                let right = i64::from(self.spins[y * l + (x + 1) % l]);
                let down = i64::from(self.spins[((y + 1) % l) * l + x]);
                bonds += s * (right + down);
                sum += s;
            }
        }
        (bonds, sum)
    }

    fn recount(&mut self) {
        let (bonds, sum) = self.count();
        self.bond_sum = bonds;
        self.spin_sum = sum;
    }
}

fn checked_n(l: usize) -> Result<usize, IsingError> {
    if (MIN_SIDE..=MAX_SIDE).contains(&l) {
        Ok(l * l)
    } else {
        Err(IsingError::Side { l })
    }
}

fn check_field(h: f64) -> Result<f64, IsingError> {
    if h.is_finite() {
        Ok(h)
    } else {
        Err(IsingError::Field { h })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ising::Dynamics;

    #[test]
    fn validation() {
        assert!(matches!(
            Lattice::new(1, 1.0, 0.0),
            Err(IsingError::Side { l: 1 })
        ));
        assert!(Lattice::new(1025, 1.0, 0.0).is_err());
        assert!(Lattice::new(4, f64::NAN, 0.0).is_err());
        assert!(Lattice::new(4, -0.5, 0.0).is_err());
        assert!(Lattice::new(4, 0.0, 0.0).is_ok());
        assert!(Lattice::new(4, 1.0, f64::INFINITY).is_err());
        assert!(Lattice::from_spins(2, vec![1, 1, 0, 1], 1.0, 0.0).is_err());
        assert!(Lattice::from_spins(2, vec![1, 1, 1], 1.0, 0.0).is_err());
        let msg = Lattice::new(2000, 1.0, 0.0)
            .expect_err("too big")
            .to_string();
        assert!(msg.contains("between 2 and 1024"), "{msg}");
    }

    #[test]
    fn ground_state_energy() {
        let lat = Lattice::new(8, 1.0, 0.5).expect("valid");
        // all up: E/N = −2J − h
        assert_eq!(lat.energy_per_site(), -2.5);
        assert_eq!(lat.magnetisation(), 1.0);
    }

    #[test]
    fn neighbours_wrap() {
        let lat = Lattice::new(4, 1.0, 0.0).expect("valid");
        assert_eq!(lat.neighbours(0), [3, 1, 12, 4]);
        assert_eq!(lat.neighbours(15), [14, 12, 11, 3]);
        assert_eq!(lat.neighbours(5), [4, 6, 1, 9]);
    }

    #[test]
    fn tracked_sums_match_recompute() {
        let mut rng = Rng::new(5);
        for l in [2, 3, 5, 8] {
            let mut lat = Lattice::random(l, 2.0, 0.3, &mut rng).expect("valid");
            for k in 0..50 {
                let i = rng.below(lat.n());
                let before = lat.energy();
                let de = lat.delta_energy(i);
                lat.flip(i).expect("in range");
                assert!((lat.energy() - before - de).abs() < 1e-9);
                if k % 10 == 0 {
                    lat.metropolis_sweep(&mut rng);
                    lat.heat_bath_sweep(&mut rng);
                }
                assert!((lat.energy() - lat.energy_recomputed()).abs() < 1e-9);
            }
            let sum: i64 = lat.spins().iter().map(|&s| i64::from(s)).sum();
            assert_eq!(sum, lat.spin_sum());
        }
    }

    #[test]
    fn single_spin_update_checks_site() {
        let mut rng = Rng::new(1);
        let mut lat = Lattice::new(3, 1.0, 0.0).expect("valid");
        assert!(lat
            .single_spin_update(9, Dynamics::Metropolis, &mut rng)
            .is_err());
        assert_eq!(
            lat.single_spin_update(0, Dynamics::Wolff, &mut rng),
            Ok(false)
        );
        assert!(lat.set_spin(9, 1).is_err());
        lat.set_spin(4, -1).expect("in range");
        assert_eq!(lat.spin(1, 1), -1);
        assert!((lat.energy() - lat.energy_recomputed()).abs() < 1e-12);
    }
}
