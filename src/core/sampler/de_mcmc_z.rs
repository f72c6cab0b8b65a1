//! DE-MCMC-Z: differential-evolution Markov chains that propose from an archive of past states
//! (ter Braak & Vrugt, "Differential Evolution Markov Chain with snooker updater and fewer
//! chains", Statistics and Computing 18, 435–446, 2008).
//!
//! A few chains (the paper uses N = 3) share an archive `Z` of past states, started with `M₀`
//! draws from an initial box and extended with the chains' current states every `K`
//! iterations. Each iteration moves every chain `i` by one Metropolis step with one of two
//! proposals:
//!
//! - **parallel direction** (the paper's eq. (2)): pick two archive points `z_R1 ≠ z_R2` and
//!   propose `x* = x_i + γ (z_R1 − z_R2) + e`, with `γ = 2.38/√(2d)` (γ = 1 with probability 0.1,
//!   to jump between modes) and a small `e ~ N(0, b² I)`. The jump is symmetric, so
//!   `α = min(1, p(x*)/p(x_i))`.
//! - **snooker** (with probability `p_s`, 0.1 in the paper; its Fig. 1): pick `z` and project
//!   `z_R1`, `z_R2` onto the line through `x_i` and `z`; propose
//!   `x* = x_i + γ_s (z_R1ᴾ − z_R2ᴾ)` with `γ_s ~ U[1.2, 2.2]` and accept with
//!   `α = min(1, p(x*) ‖x* − z‖^{d−1} / (p(x_i) ‖x_i − z‖^{d−1}))` — the extra factor is the
//!   Jacobian of moving along a line through `z` (its eq. (4)).
//!
//! Because proposals come from `Z` rather than from the other chains' current states, a few
//! chains suffice in any dimension. The archive grows without bound in the paper; here it
//! stops growing at `max_archive` points (capacity reserved up front, so a step never
//! allocates), after which the proposal keeps using the fixed archive — still a valid
//! Metropolis kernel.

use super::diagnostics::AcceptanceCounter;
use super::fault::Fault;
use super::metropolis::accept_or_reject;
use super::{
    check_point, check_positive, check_temperature, is_finite2, Event2d, Evolve, OnMember,
    Population2d, SamplerError, StepResult, WHOLE,
};
use crate::fastmath::{exp, hypot, ln};
use crate::landscape::{Bounds, Energy2d};
use crate::rng::Rng;

/// Dimension of the plane.
const D: f64 = 2.0;

/// Largest number of chains.
pub const MAX_CHAINS: usize = 64;

/// Largest archive size.
pub const MAX_ARCHIVE: usize = 1_000_000;

/// Settings of [`DeMcmcZ`] (defaults from ter Braak & Vrugt 2008).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeSettings {
    /// Archive thinning K ≥ 1: the chains' states join Z every K iterations (10).
    pub thin: u32,
    /// Probability of a snooker update, in [0, 1] (0.1).
    pub p_snooker: f64,
    /// Standard deviation b > 0 of the small jitter `e` of parallel-direction jumps (10⁻⁴).
    pub jitter: f64,
    /// Archive capacity, from the initial archive's size up to 10⁶ (100 000).
    pub max_archive: usize,
}

impl Default for DeSettings {
    fn default() -> Self {
        Self {
            thin: 10,
            p_snooker: 0.1,
            jitter: 1e-4,
            max_archive: 100_000,
        }
    }
}

/// A DE-MCMC-Z population: N chains and their shared past-states archive.
#[derive(Clone, Debug, PartialEq)]
pub struct DeMcmcZ {
    chains: Vec<[f64; 2]>,
    archive: Vec<[f64; 2]>,
    settings: DeSettings,
    t: f64,
    iteration: u64,
    parallel: AcceptanceCounter,
    snooker: AcceptanceCounter,
    halted: Option<SamplerError>,
    fault: Fault,
}

impl DeMcmcZ {
    /// Chains at `starts` (1 to 64 finite points) with the initial archive `archive` (at least
    /// 3 finite points, at most `settings.max_archive`), at temperature `T > 0`.
    pub fn new(
        starts: &[[f64; 2]],
        archive: &[[f64; 2]],
        settings: DeSettings,
        t: f64,
    ) -> Result<Self, SamplerError> {
        if starts.is_empty() || starts.len() > MAX_CHAINS {
            return Err(SamplerError::Length {
                what: "DE-MCMC-Z chains (1 to 64)",
                expected: MAX_CHAINS,
                got: starts.len(),
            });
        }
        if settings.thin == 0 {
            return Err(SamplerError::OutOfRange {
                what: "archive thinning K",
                value: 0.0,
                allowed: "at least 1",
            });
        }
        if !(0.0..=1.0).contains(&settings.p_snooker) {
            return Err(SamplerError::OutOfRange {
                what: "snooker probability",
                value: settings.p_snooker,
                allowed: "between 0 and 1",
            });
        }
        check_positive("jitter b", settings.jitter)?;
        if settings.max_archive > MAX_ARCHIVE || archive.len() < 3 {
            return Err(SamplerError::Length {
                what: "DE-MCMC-Z archive (at least 3 points, capacity at most 10⁶)",
                expected: MAX_ARCHIVE,
                got: settings.max_archive.max(archive.len()),
            });
        }
        if archive.len() > settings.max_archive {
            return Err(SamplerError::Length {
                what: "initial archive (at most its capacity)",
                expected: settings.max_archive,
                got: archive.len(),
            });
        }
        for &p in starts.iter().chain(archive) {
            check_point(p)?;
        }
        let mut z = Vec::with_capacity(settings.max_archive);
        z.extend_from_slice(archive);
        Ok(Self {
            chains: starts.to_vec(),
            archive: z,
            settings,
            t: check_temperature(t)?.0,
            iteration: 0,
            parallel: AcceptanceCounter::default(),
            snooker: AcceptanceCounter::default(),
            halted: None,
            fault: Fault::None,
        })
    }

    /// The paper's start: `m0` archive points drawn uniformly from `bounds` (`m0 ≥ 3`), the
    /// chains starting at its last `n_chains` points (`1 ≤ n_chains ≤ min(64, m0)`).
    pub fn from_box(
        bounds: Bounds,
        n_chains: usize,
        m0: usize,
        settings: DeSettings,
        t: f64,
        rng: &mut Rng,
    ) -> Result<Self, SamplerError> {
        let b =
            Bounds::new(bounds.x_min, bounds.x_max, bounds.y_min, bounds.y_max).map_err(|_| {
                SamplerError::OutOfRange {
                    what: "initial box width",
                    value: bounds.width(),
                    allowed: "finite with min < max",
                }
            })?;
        if n_chains == 0 || n_chains > m0.min(MAX_CHAINS) || m0 > settings.max_archive {
            return Err(SamplerError::Length {
                what: "DE-MCMC-Z chains (1 to 64, at most the archive size M₀)",
                expected: m0.min(MAX_CHAINS),
                got: n_chains,
            });
        }
        let mut z = Vec::with_capacity(m0);
        for _ in 0..m0 {
            z.push([rng.range(b.x_min, b.x_max), rng.range(b.y_min, b.y_max)]);
        }
        let starts = z[m0.saturating_sub(n_chains)..].to_vec();
        Self::new(&starts, &z, settings, t)
    }

    /// The past-states archive Z.
    pub fn archive(&self) -> &[[f64; 2]] {
        &self.archive
    }

    /// Iterations taken.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// Acceptance counts of the parallel-direction and snooker proposals.
    pub fn acceptance(&self) -> (AcceptanceCounter, AcceptanceCounter) {
        (self.parallel, self.snooker)
    }

    /// Moves chain `i` to `x` (finite) and clears a halt.
    pub fn set_chain(&mut self, i: usize, x: [f64; 2]) -> Result<(), SamplerError> {
        let n = self.chains.len();
        let slot = self.chains.get_mut(i).ok_or(SamplerError::Length {
            what: "chain index",
            expected: n,
            got: i,
        })?;
        *slot = check_point(x)?;
        self.halted = None;
        Ok(())
    }

    /// Changes T (> 0, finite).
    pub fn set_temperature(&mut self, t: f64) -> Result<(), SamplerError> {
        self.t = check_temperature(t)?.0;
        Ok(())
    }

    /// Switches on a deliberate defect (tests' negative controls only; see [`Fault`]).
    #[doc(hidden)]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = fault;
    }

    /// `k` distinct archive indices (k ≤ 3 ≤ archive size).
    fn distinct(&self, rng: &mut Rng, k: usize) -> [usize; 3] {
        let m = self.archive.len();
        let mut idx = [0usize; 3];
        for j in 0..k {
            loop {
                let r = rng.below(m);
                if !idx[..j].contains(&r) {
                    idx[j] = r;
                    break;
                }
            }
        }
        idx
    }

    /// One Metropolis step of chain `i`; `Ok(())` also when the proposal is rejected.
    fn move_chain(
        &mut self,
        i: usize,
        target: &dyn Energy2d,
        inv_t: f64,
        rng: &mut Rng,
        on: &mut OnMember,
    ) -> StepResult {
        let x = self.chains[i];
        let e_old = target.energy(x);
        if e_old.is_nan() || e_old == f64::NEG_INFINITY {
            return Err(SamplerError::Diverged {
                what: "energy",
                at: x,
            });
        }
        let snooker = rng.uniform() < self.settings.p_snooker;
        // ln of the Jacobian factor ‖x* − z‖^{d−1}/‖x − z‖^{d−1} (0 for the parallel jump).
        let (y, log_jacobian) = if snooker {
            let [iz, r1, r2] = self.distinct(rng, 3);
            let (z, a, b) = (self.archive[iz], self.archive[r1], self.archive[r2]);
            on(i, Event2d::SnookerAxis { z });
            let d = [x[0] - z[0], x[1] - z[1]];
            let len = hypot(d[0], d[1]);
            if len == 0.0 || !len.is_finite() {
                // x sits on z: the snooker axis is undefined; stay.
                self.snooker.record(false);
                return Ok(());
            }
            let u = [d[0] / len, d[1] / len];
            // γ_s ~ U[1.2, 2.2].
            let gamma = rng.range(1.2, 2.2);
            on(i, Event2d::ArchivePair { a, b, gamma });
            // x* = x + γ_s (z_R1ᴾ − z_R2ᴾ): the difference projected on the axis x − z.
            let along = (a[0] - b[0]) * u[0] + (a[1] - b[1]) * u[1];
            let y = [x[0] + gamma * along * u[0], x[1] + gamma * along * u[1]];
            let len_y = hypot(y[0] - z[0], y[1] - z[1]);
            // ‖x* − z‖^{d−1} / ‖x − z‖^{d−1}.
            let lj = if self.fault == Fault::SnookerNoJacobian {
                0.0
            } else {
                (D - 1.0) * (ln(len_y) - ln(len))
            };
            (y, lj)
        } else {
            let [r1, r2, _] = self.distinct(rng, 2);
            let (a, b) = (self.archive[r1], self.archive[r2]);
            // γ = 2.38/√(2d), or 1 with probability 0.1.
            let gamma = if rng.uniform() < 0.1 {
                1.0
            } else {
                2.38 / (2.0 * D).sqrt()
            };
            on(i, Event2d::ArchivePair { a, b, gamma });
            let s = self.settings.jitter;
            // x* = x + γ (z_R1 − z_R2) + e,  e ~ N(0, b² I).
            let y = [
                x[0] + gamma * (a[0] - b[0]) + s * rng.normal(),
                x[1] + gamma * (a[1] - b[1]) + s * rng.normal(),
            ];
            (y, 0.0)
        };
        if !is_finite2(y) {
            return Err(SamplerError::Diverged {
                what: "position",
                at: x,
            });
        }
        on(i, Event2d::Proposal { from: x, to: y });
        let e_new = target.energy(y);
        if e_new.is_nan() || e_new == f64::NEG_INFINITY {
            return Err(SamplerError::Diverged {
                what: "energy",
                at: y,
            });
        }
        // ln α = min(0, −(E(x*) − E(x))/T + ln Jacobian); E(x*) = +∞ is rejected.
        let log_ratio = -(e_new - e_old) * inv_t + log_jacobian;
        let prob = if log_ratio.is_nan() {
            0.0
        } else {
            exp(log_ratio.min(0.0))
        };
        let accepted = accept_or_reject(prob, rng, &mut |e| on(i, e));
        if snooker {
            self.snooker.record(accepted);
        } else {
            self.parallel.record(accepted);
        }
        if accepted {
            self.chains[i] = y;
        }
        Ok(())
    }
}

impl Evolve for DeMcmcZ {
    fn halt_slot(&self) -> &Option<SamplerError> {
        &self.halted
    }

    fn halt_slot_mut(&mut self) -> &mut Option<SamplerError> {
        &mut self.halted
    }

    fn try_evolve(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut OnMember,
    ) -> StepResult {
        let (_, inv_t) = check_temperature(self.t)?;
        for i in 0..self.chains.len() {
            self.move_chain(i, target, inv_t, rng, on)?;
        }
        self.iteration += 1;
        // Every K iterations the current states join the archive (while it has room).
        if self.iteration % u64::from(self.settings.thin) == 0
            && self.archive.len() + self.chains.len() <= self.settings.max_archive
        {
            self.archive.extend_from_slice(&self.chains);
            on(
                WHOLE,
                Event2d::ArchiveGrew {
                    size: self.archive.len(),
                },
            );
        }
        Ok(())
    }
}

impl Population2d for DeMcmcZ {
    fn points(&self) -> &[[f64; 2]] {
        &self.chains
    }

    fn name(&self) -> &'static str {
        "de_mcmc_z"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;

    fn pts(n: usize) -> Vec<[f64; 2]> {
        (0..n).map(|i| [i as f64, -(i as f64)]).collect()
    }

    #[test]
    fn constructor_rejects_bad_parameters() {
        let s = DeSettings::default();
        assert!(DeMcmcZ::new(&pts(3), &pts(10), s, 1.0).is_ok());
        assert!(DeMcmcZ::new(&[], &pts(10), s, 1.0).is_err());
        assert!(DeMcmcZ::new(&pts(65), &pts(100), s, 1.0).is_err());
        assert!(DeMcmcZ::new(&pts(3), &pts(2), s, 1.0).is_err());
        assert!(DeMcmcZ::new(&[[f64::NAN, 0.0]], &pts(10), s, 1.0).is_err());
        assert!(DeMcmcZ::new(
            &pts(3),
            &[[0.0, f64::INFINITY], [1.0, 1.0], [2.0, 2.0]],
            s,
            1.0
        )
        .is_err());
        for bad in [
            DeSettings { thin: 0, ..s },
            DeSettings {
                p_snooker: -0.1,
                ..s
            },
            DeSettings {
                p_snooker: f64::NAN,
                ..s
            },
            DeSettings {
                p_snooker: 1.5,
                ..s
            },
            DeSettings { jitter: 0.0, ..s },
            DeSettings {
                jitter: f64::INFINITY,
                ..s
            },
            DeSettings {
                max_archive: MAX_ARCHIVE + 1,
                ..s
            },
            DeSettings {
                max_archive: 5,
                ..s
            },
        ] {
            assert!(
                DeMcmcZ::new(&pts(3), &pts(10), bad, 1.0).is_err(),
                "{bad:?}"
            );
        }
        assert!(DeMcmcZ::new(&pts(3), &pts(10), s, 0.0).is_err());
        let b = Bounds::new(-1.0, 1.0, -1.0, 1.0).expect("box");
        let mut rng = Rng::new(1);
        assert!(DeMcmcZ::from_box(b, 3, 30, s, 1.0, &mut rng).is_ok());
        assert!(DeMcmcZ::from_box(b, 0, 30, s, 1.0, &mut rng).is_err());
        assert!(DeMcmcZ::from_box(b, 31, 30, s, 1.0, &mut rng).is_err());
        let e = DeMcmcZ::from_box(b, 3, 2, s, 1.0, &mut rng).expect_err("too few");
        assert!(!e.to_string().is_empty());
    }

    #[test]
    fn archive_grows_every_k_iterations_up_to_its_capacity() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let s = DeSettings {
            thin: 5,
            max_archive: 40,
            ..DeSettings::default()
        };
        let b = g.bounds();
        let mut rng = Rng::new(2);
        let mut de = DeMcmcZ::from_box(b, 3, 30, s, 1.0, &mut rng).expect("valid");
        let mut grew = Vec::new();
        for k in 1..=30 {
            de.step(&g, &mut rng, &mut |i, e| {
                if let Event2d::ArchiveGrew { size } = e {
                    assert_eq!(i, WHOLE);
                    grew.push(size);
                }
            });
            if k == 15 {
                assert_eq!(&de.archive()[36..39], de.points());
            }
        }
        assert_eq!(grew, vec![33, 36, 39]);
        assert_eq!(de.archive().len(), 39);
        assert_eq!(de.archive.capacity(), 40);
    }

    #[test]
    fn snooker_moves_along_the_axis_through_z() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let s = DeSettings {
            p_snooker: 1.0,
            ..DeSettings::default()
        };
        let mut rng = Rng::new(3);
        let mut de = DeMcmcZ::from_box(g.bounds(), 2, 20, s, 1.0, &mut rng).expect("valid");
        let mut z = None;
        let mut checked = 0;
        for _ in 0..50 {
            de.step(&g, &mut rng, &mut |_, e| match e {
                Event2d::SnookerAxis { z: c } => z = Some(c),
                Event2d::Proposal { from, to } => {
                    let c = z.expect("axis first");
                    // from, to and z are collinear.
                    let cross =
                        (from[0] - c[0]) * (to[1] - c[1]) - (from[1] - c[1]) * (to[0] - c[0]);
                    assert!(cross.abs() < 1e-9 * (1.0 + from[0].abs() + to[0].abs()));
                    checked += 1;
                }
                _ => {}
            });
        }
        // A chain starts on an archive point; when that point is drawn as z the axis is
        // undefined and the chain stays without a proposal.
        assert!((90..=100).contains(&checked), "{checked}");
        assert_eq!(de.acceptance().1.proposed, 100);
        assert_eq!(de.acceptance().0.proposed, 0);
    }

    #[test]
    fn replays_from_the_seed_and_halts_without_nan() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let run = |seed| {
            let mut rng = Rng::new(seed);
            let mut de = DeMcmcZ::from_box(g.bounds(), 3, 30, DeSettings::default(), 1.0, &mut rng)
                .expect("valid");
            de.step_many(100, &g, &mut rng, &mut |_, _| {});
            de.points().to_vec()
        };
        assert_eq!(run(4), run(4));
        assert_ne!(run(4), run(5));
        // An archive spread over 1e300 proposes infinite points: the guard stops the chains.
        let far = [[-1e300, 0.0], [1e300, 0.0], [0.0, 1e300]];
        let s = DeSettings {
            p_snooker: 0.0,
            ..DeSettings::default()
        };
        let mut de = DeMcmcZ::new(&[[0.0, 0.0]], &far, s, 1.0).expect("valid");
        let mut rng = Rng::new(6);
        de.step_many(100, &g, &mut rng, &mut |_, _| {});
        assert!(de
            .points()
            .iter()
            .all(|p| p[0].is_finite() && p[1].is_finite()));
    }
}
