//! Measurements: blocked averages with error bars, and a resumable temperature scan.
//!
//! Per-site observables `e = E/N` and `m = Σsᵢ/N` are read in O(1) from the lattice after every
//! sweep. Estimators (k = 1, N = L²):
//! - `⟨e⟩`, `⟨|m|⟩`;
//! - heat capacity per site `C = N (⟨e²⟩ − ⟨e⟩²) / T²`;
//! - susceptibility per site `χ = N (⟨m²⟩ − ⟨|m|⟩²) / T` (the finite-lattice form that uses
//!   `|m|`, since `⟨m⟩ = 0` on a finite lattice at `h = 0`).
//!
//! Error bars: the measurement run is cut into [`BLOCKS`] consecutive blocks ("binning",
//! Flyvbjerg & Petersen 1989, J. Chem. Phys. 91, 461); block means are treated as independent.
//! `⟨e⟩` and `⟨|m|⟩` use the standard error of the block means; `C` and `χ` (non-linear in the
//! averages) use the jackknife over blocks (Efron 1982). Blocks must be longer than the
//! autocorrelation time for the error bars to be honest.

use super::lattice::Lattice;
use super::wolff::Wolff;
use super::{check_temperature, Dynamics, IsingError};
use crate::rng::Rng;

/// Number of blocks a measurement run is cut into.
pub const BLOCKS: usize = 32;

/// Largest number of temperatures one scan accepts.
pub const MAX_SCAN_TEMPERATURES: usize = 10_000;

/// One temperature's results, each with its standard error.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScanPoint {
    /// Temperature T.
    pub temperature: f64,
    /// Number of measurement sweeps averaged.
    pub sweeps: usize,
    /// `⟨e⟩`, energy per site.
    pub energy: f64,
    /// Standard error of `⟨e⟩`.
    pub energy_err: f64,
    /// `⟨|m|⟩`, absolute magnetisation per site.
    pub abs_magnetisation: f64,
    /// Standard error of `⟨|m|⟩`.
    pub abs_magnetisation_err: f64,
    /// `C = N(⟨e²⟩ − ⟨e⟩²)/T²`.
    pub heat_capacity: f64,
    /// Jackknife standard error of `C`.
    pub heat_capacity_err: f64,
    /// `χ = N(⟨m²⟩ − ⟨|m|⟩²)/T`.
    pub susceptibility: f64,
    /// Jackknife standard error of `χ`.
    pub susceptibility_err: f64,
}

/// Accumulates `e, e², |m|, m²` into [`BLOCKS`] blocks of fixed length; no allocation.
#[derive(Clone, Debug)]
pub struct BlockAverager {
    block_len: usize,
    samples: usize,
    /// Per block: Σe, Σe², Σ|m|, Σm².
    sums: [[f64; 4]; BLOCKS],
}

impl BlockAverager {
    /// An empty accumulator whose blocks hold `block_len ≥ 1` samples each (0 is raised to 1).
    pub fn new(block_len: usize) -> Self {
        Self {
            block_len: block_len.max(1),
            samples: 0,
            sums: [[0.0; 4]; BLOCKS],
        }
    }

    /// Forgets all samples.
    pub fn clear(&mut self) {
        self.samples = 0;
        self.sums = [[0.0; 4]; BLOCKS];
    }

    /// Number of samples a full run holds (`BLOCKS · block_len`).
    pub fn capacity(&self) -> usize {
        BLOCKS * self.block_len
    }

    /// Samples pushed so far.
    pub fn samples(&self) -> usize {
        self.samples
    }

    /// Whether all blocks are full (further pushes are ignored).
    pub fn is_full(&self) -> bool {
        self.samples >= self.capacity()
    }

    /// Adds one measurement of energy per site `e` and magnetisation per site `m`.
    pub fn push(&mut self, e: f64, m: f64) {
        if self.is_full() {
            return;
        }
        let b = &mut self.sums[self.samples / self.block_len];
        b[0] += e;
        b[1] += e * e;
        b[2] += m.abs();
        b[3] += m * m;
        self.samples += 1;
    }

    /// Estimates from the completed blocks for a lattice of `n_sites` spins at temperature
    /// `t > 0`. At least two complete blocks are needed for error bars (otherwise they are NaN),
    /// and one for the averages (otherwise everything is NaN).
    pub fn point(&self, t: f64, n_sites: usize) -> ScanPoint {
        let full = (self.samples / self.block_len).min(BLOCKS);
        let nb = full as f64;
        let n = n_sites as f64;
        let len = self.block_len as f64;
        let mut total = [0.0; 4];
        for b in &self.sums[..full] {
            for k in 0..4 {
                total[k] += b[k];
            }
        }
        let mean = |k: usize| total[k] / (nb * len);
        // C = N(⟨e²⟩ − ⟨e⟩²)/T²,  χ = N(⟨m²⟩ − ⟨|m|⟩²)/T
        let c_of = |e: f64, e2: f64| n * (e2 - e * e) / (t * t);
        let chi_of = |am: f64, m2: f64| n * (m2 - am * am) / t;
        let (e, e2, am, m2) = (mean(0), mean(1), mean(2), mean(3));
        // standard error of the mean of independent block means
        let block_err = |k: usize| {
            let mu = mean(k);
            let ss: f64 = self.sums[..full]
                .iter()
                .map(|b| (b[k] / len - mu).powi(2))
                .sum();
            (ss / (nb * (nb - 1.0))).sqrt()
        };
        // jackknife over blocks: leave block b out, recompute, spread × (B−1)/B
        let jackknife = |f: &dyn Fn(&[f64; 4]) -> f64, full_value: f64| {
            let ss: f64 = self.sums[..full]
                .iter()
                .map(|b| {
                    let mut loo = [0.0; 4];
                    for k in 0..4 {
                        loo[k] = (total[k] - b[k]) / ((nb - 1.0) * len);
                    }
                    (f(&loo) - full_value).powi(2)
                })
                .sum();
            ((nb - 1.0) / nb * ss).sqrt()
        };
        let c = c_of(e, e2);
        let chi = chi_of(am, m2);
        let (e_err, am_err, c_err, chi_err) = if full >= 2 {
            (
                block_err(0),
                block_err(2),
                jackknife(&|a| c_of(a[0], a[1]), c),
                jackknife(&|a| chi_of(a[2], a[3]), chi),
            )
        } else {
            (f64::NAN, f64::NAN, f64::NAN, f64::NAN)
        };
        ScanPoint {
            temperature: t,
            sweeps: full * self.block_len,
            energy: e,
            energy_err: e_err,
            abs_magnetisation: am,
            abs_magnetisation_err: am_err,
            heat_capacity: c,
            heat_capacity_err: c_err,
            susceptibility: chi,
            susceptibility_err: chi_err,
        }
    }
}

/// What a [`TemperatureScan`] runs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScanConfig {
    /// Temperatures in the order visited (each finite and > 0; 1 to 10 000 of them). Each
    /// temperature starts from the previous one's final state (annealing when decreasing).
    pub temperatures: Vec<f64>,
    /// Sweeps discarded at each temperature before measuring.
    pub burn_in_sweeps: usize,
    /// Measurement sweeps per temperature (≥ [`BLOCKS`]; rounded up to a multiple of it).
    pub measure_sweeps: usize,
    /// The Markov chain. `Wolff` needs `h = 0` and `burn_in_sweeps ≥ 1`: a Wolff "sweep" is a
    /// fixed number `n_c` of cluster flips, chosen at the end of each temperature's burn-in as
    /// `N / ⟨cluster size⟩` (so a sweep flips about N spins); during burn-in a sweep flips
    /// clusters until ≥ N spins have flipped. `n_c` stays fixed while measuring, because
    /// measuring at a state-dependent stopping time would bias the averages.
    pub dynamics: Dynamics,
}

/// A resumable temperature scan: for each T, burn-in then measurement sweeps, run in slices by
/// [`TemperatureScan::step`] so a page never freezes.
#[derive(Clone, Debug)]
pub struct TemperatureScan {
    lattice: Lattice,
    wolff: Wolff,
    config: ScanConfig,
    index: usize,
    sweeps_at_t: usize,
    blocks: BlockAverager,
    results: Vec<ScanPoint>,
    done: usize,
    total: usize,
    /// Wolff burn-in tally at the current T: (spins flipped, clusters).
    wolff_tally: (usize, usize),
    /// Wolff clusters per measurement sweep at the current T.
    wolff_clusters: usize,
}

impl TemperatureScan {
    /// A scan that will move `lattice` (its spins are the start; its field is kept) through
    /// `config.temperatures`. Errors on an empty or invalid temperature list, too few measurement
    /// sweeps, or Wolff with `h ≠ 0`.
    pub fn new(mut lattice: Lattice, mut config: ScanConfig) -> Result<Self, IsingError> {
        if config.temperatures.is_empty() || config.temperatures.len() > MAX_SCAN_TEMPERATURES {
            return Err(IsingError::Scan {
                reason: format!(
                    "give between 1 and {MAX_SCAN_TEMPERATURES} temperatures, got {}",
                    config.temperatures.len()
                ),
            });
        }
        for &t in &config.temperatures {
            check_temperature(t, false)?;
        }
        if config.measure_sweeps < BLOCKS {
            return Err(IsingError::Scan {
                reason: format!(
                    "measurement sweeps must be at least {BLOCKS} (for error bars), got {}",
                    config.measure_sweeps
                ),
            });
        }
        if config.dynamics == Dynamics::Wolff && lattice.field() != 0.0 {
            return Err(IsingError::WolffNeedsZeroField { h: lattice.field() });
        }
        if config.dynamics == Dynamics::Wolff && config.burn_in_sweeps == 0 {
            return Err(IsingError::Scan {
                reason: "the Wolff scan needs at least one burn-in sweep to size its sweeps"
                    .to_string(),
            });
        }
        let block_len = config.measure_sweeps.div_ceil(BLOCKS);
        config.measure_sweeps = block_len * BLOCKS;
        let per_t = config
            .burn_in_sweeps
            .checked_add(config.measure_sweeps)
            .and_then(|s| s.checked_mul(config.temperatures.len()))
            .ok_or_else(|| IsingError::Scan {
                reason: "too many sweeps in total".to_string(),
            })?;
        lattice.set_temperature(config.temperatures[0])?;
        Ok(Self {
            lattice,
            wolff: Wolff::new(),
            results: Vec::with_capacity(config.temperatures.len()),
            blocks: BlockAverager::new(block_len),
            config,
            index: 0,
            sweeps_at_t: 0,
            done: 0,
            total: per_t,
            wolff_tally: (0, 0),
            wolff_clusters: 1,
        })
    }

    /// Runs at most `budget` sweeps and returns the progress in [0, 1]. Finished results appear
    /// in [`TemperatureScan::results`] as each temperature completes.
    pub fn step(&mut self, budget: usize, rng: &mut Rng) -> Result<f64, IsingError> {
        for _ in 0..budget {
            if self.is_done() {
                break;
            }
            match self.config.dynamics {
                Dynamics::Metropolis => {
                    self.lattice.metropolis_sweep(rng);
                }
                Dynamics::HeatBath => {
                    self.lattice.heat_bath_sweep(rng);
                }
                Dynamics::Wolff if self.sweeps_at_t < self.config.burn_in_sweeps => {
                    // burn-in: flip clusters until ≥ N spins flipped, tallying cluster sizes
                    let (flipped, clusters) = self.wolff.sweep(&mut self.lattice, rng)?;
                    self.wolff_tally.0 += flipped;
                    self.wolff_tally.1 += clusters;
                }
                Dynamics::Wolff => {
                    self.wolff
                        .steps(&mut self.lattice, self.wolff_clusters, rng)?;
                }
            }
            self.done += 1;
            self.sweeps_at_t += 1;
            if self.sweeps_at_t == self.config.burn_in_sweeps {
                // n_c = N / ⟨cluster size⟩ = N · clusters / flipped, fixed while measuring
                let (flipped, clusters) = self.wolff_tally;
                let n = self.lattice.n();
                self.wolff_clusters = if flipped == 0 {
                    1
                } else {
                    ((n * clusters) as f64 / flipped as f64)
                        .round()
                        .clamp(1.0, n as f64) as usize
                };
                self.wolff_tally = (0, 0);
            }
            if self.sweeps_at_t > self.config.burn_in_sweeps {
                self.blocks
                    .push(self.lattice.energy_per_site(), self.lattice.magnetisation());
            }
            if self.sweeps_at_t == self.config.burn_in_sweeps + self.config.measure_sweeps {
                let t = self.config.temperatures[self.index];
                self.results.push(self.blocks.point(t, self.lattice.n()));
                self.blocks.clear();
                self.sweeps_at_t = 0;
                self.index += 1;
                if let Some(&next) = self.config.temperatures.get(self.index) {
                    self.lattice.set_temperature(next)?;
                }
            }
        }
        Ok(self.progress())
    }

    /// Fraction of all sweeps done, in [0, 1].
    pub fn progress(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.done as f64 / self.total as f64
        }
    }

    /// Whether every temperature has been measured.
    pub fn is_done(&self) -> bool {
        self.index >= self.config.temperatures.len()
    }

    /// The temperature being simulated now (`None` when done).
    pub fn current_temperature(&self) -> Option<f64> {
        self.config.temperatures.get(self.index).copied()
    }

    /// Results for the temperatures finished so far, in scan order.
    pub fn results(&self) -> &[ScanPoint] {
        &self.results
    }

    /// The lattice being simulated (for drawing its spins).
    pub fn lattice(&self) -> &Lattice {
        &self.lattice
    }

    /// The configuration (with `measure_sweeps` rounded up to a multiple of [`BLOCKS`]).
    pub fn config(&self) -> &ScanConfig {
        &self.config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_statistics_of_known_sequence() {
        // alternating blocks of constant value: the spread of block means is known exactly
        let mut b = BlockAverager::new(4);
        for k in 0..BLOCKS * 4 {
            let block = k / 4;
            let e = if block % 2 == 0 { -1.0 } else { -2.0 };
            b.push(e, 0.5);
        }
        assert!(b.is_full());
        let p = b.point(2.0, 10);
        assert!((p.energy + 1.5).abs() < 1e-12);
        // sd of block means 0.5·√(B/(B−1)), error = sd/√B = 0.5/√(B−1)
        assert!((p.energy_err - 0.5 / ((BLOCKS - 1) as f64).sqrt()).abs() < 1e-12);
        // Var(e) = 0.25, C = N·Var/T² = 10·0.25/4
        assert!((p.heat_capacity - 0.625).abs() < 1e-12);
        assert!(p.susceptibility.abs() < 1e-12);
        assert!(p.abs_magnetisation_err.abs() < 1e-12);
    }

    #[test]
    fn scan_validates_and_finishes() {
        let mut rng = Rng::new(1);
        let lat = Lattice::new(8, 1.0, 0.0).expect("valid");
        let bad = |temps: Vec<f64>, m: usize, d: Dynamics, h: f64| {
            let mut lat = lat.clone();
            lat.set_field(h).expect("finite");
            TemperatureScan::new(
                lat,
                ScanConfig {
                    temperatures: temps,
                    burn_in_sweeps: 1,
                    measure_sweeps: m,
                    dynamics: d,
                },
            )
            .is_err()
        };
        assert!(bad(vec![], 64, Dynamics::Metropolis, 0.0));
        assert!(bad(vec![0.0], 64, Dynamics::Metropolis, 0.0));
        assert!(bad(vec![f64::NAN], 64, Dynamics::Metropolis, 0.0));
        assert!(bad(vec![1.0], 3, Dynamics::Metropolis, 0.0));
        assert!(bad(vec![1.0], 64, Dynamics::Wolff, 0.5));
        let mut scan = TemperatureScan::new(
            lat,
            ScanConfig {
                temperatures: vec![3.0, 2.0, 1.0],
                burn_in_sweeps: 10,
                measure_sweeps: 40,
                dynamics: Dynamics::HeatBath,
            },
        )
        .expect("valid");
        assert_eq!(scan.config().measure_sweeps, 64);
        let mut last = 0.0;
        while !scan.is_done() {
            let p = scan.step(7, &mut rng).expect("runs");
            assert!(p >= last && p <= 1.0);
            last = p;
        }
        assert_eq!(last, 1.0);
        assert_eq!(scan.results().len(), 3);
        assert_eq!(scan.results()[2].temperature, 1.0);
        assert!(scan.results().iter().all(|p| p.energy_err.is_finite()));
        assert_eq!(scan.step(10, &mut rng), Ok(1.0));
    }
}
