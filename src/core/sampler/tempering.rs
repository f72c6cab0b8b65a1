//! Parallel tempering, or replica exchange (Swendsen & Wang, "Replica Monte Carlo simulation of
//! spin glasses", Phys. Rev. Lett. 57, 1986; Geyer, "Markov chain Monte Carlo maximum
//! likelihood", 1991; Earl & Deem, "Parallel tempering: theory, applications, and new
//! perspectives", Phys. Chem. Chem. Phys. 7, 2005).
//!
//! K replicas sample the same landscape at a ladder of temperatures `T = T₁ < T₂ < … < T_K`
//! (geometric by default, `T_k = T (T_max/T)^{(k−1)/(K−1)}`): hot replicas see a flattened
//! landscape `exp(−E/T_k)` and cross barriers that trap the cold one. Each iteration
//!
//! 1. moves every replica by one random-walk Metropolis step at its own temperature (step
//!    `σ √(T_k/T)`, so every replica keeps a similar acceptance rate), then
//! 2. proposes to swap the states of neighbouring replicas `(k, k+1)` — all pairs with `k` even
//!    on even iterations, `k` odd on odd ones (the deterministic even–odd scheme; Okabe et al.,
//!    Chem. Phys. Lett. 335, 2001; Syed et al., "Non-reversible parallel tempering", JRSS B 84,
//!    2022) — accepted with the Metropolis ratio of the joint density `Π_k exp(−E(x_k)/T_k)`:
//!
//!    `α = min(1, exp[(1/T_k − 1/T_{k+1}) (E(x_k) − E(x_{k+1}))])`.
//!
//! Every move and every swap leaves the joint distribution invariant, so replica 1 (index 0,
//! the coldest) samples the target `exp(−E/T)` exactly. The acceptance of each pair is kept;
//! a pair that rarely swaps is a gap in the ladder.

use super::diagnostics::AcceptanceCounter;
use super::fault::Fault;
use super::metropolis::{accept_or_reject, metropolis_hastings, GaussianWalk};
use super::{
    check_point, check_positive, check_temperature, Event2d, Evolve, OnMember, Population2d,
    SamplerError, StepResult,
};
use crate::fastmath::{exp, powf};
use crate::landscape::Energy2d;
use crate::rng::Rng;

/// Largest number of replicas.
pub const MAX_REPLICAS: usize = 64;

/// A parallel-tempering population: one replica per temperature, index 0 the coldest.
#[derive(Clone, Debug, PartialEq)]
pub struct ParallelTempering {
    x: Vec<[f64; 2]>,
    temps: Vec<f64>,
    sigma: f64,
    moves: Vec<AcceptanceCounter>,
    swaps: Vec<AcceptanceCounter>,
    iteration: u64,
    halted: Option<SamplerError>,
    fault: Fault,
}

impl ParallelTempering {
    /// `k` replicas (2 to 64), all starting at `x0`, on the geometric ladder from the target
    /// temperature `T > 0` to `T_max > T` (finite), with random-walk step `σ > 0` at T.
    pub fn geometric(
        x0: [f64; 2],
        t: f64,
        t_max: f64,
        k: usize,
        sigma: f64,
    ) -> Result<Self, SamplerError> {
        let t = check_temperature(t)?.0;
        let t_max = check_temperature(t_max)?.0;
        if t_max <= t {
            return Err(SamplerError::OutOfRange {
                what: "hottest temperature T_max",
                value: t_max,
                allowed: "above the target temperature T",
            });
        }
        if !(2..=MAX_REPLICAS).contains(&k) {
            return Err(SamplerError::Length {
                what: "replicas (2 to 64)",
                expected: MAX_REPLICAS,
                got: k,
            });
        }
        // T_k = T (T_max/T)^{k/(K−1)}, k = 0 … K−1.
        let temps: Vec<f64> = (0..k)
            .map(|i| t * powf(t_max / t, i as f64 / (k - 1) as f64))
            .collect();
        Self::with_ladder(x0, &temps, sigma)
    }

    /// Replicas at `x0` on an explicit ladder `temps` (2 to 64 finite temperatures > 0,
    /// strictly increasing; the first is the target's), random-walk step `σ > 0` at `temps[0]`.
    pub fn with_ladder(x0: [f64; 2], temps: &[f64], sigma: f64) -> Result<Self, SamplerError> {
        let x0 = check_point(x0)?;
        if !(2..=MAX_REPLICAS).contains(&temps.len()) {
            return Err(SamplerError::Length {
                what: "temperature ladder (2 to 64 rungs)",
                expected: MAX_REPLICAS,
                got: temps.len(),
            });
        }
        for (i, &t) in temps.iter().enumerate() {
            check_temperature(t)?;
            if i > 0 && t <= temps[i - 1] {
                return Err(SamplerError::OutOfRange {
                    what: "temperature ladder rung",
                    value: t,
                    allowed: "strictly above the rung below",
                });
            }
        }
        let k = temps.len();
        Ok(Self {
            x: vec![x0; k],
            temps: temps.to_vec(),
            sigma: check_positive("proposal step size σ", sigma)?,
            moves: vec![AcceptanceCounter::default(); k],
            swaps: vec![AcceptanceCounter::default(); k - 1],
            iteration: 0,
            halted: None,
            fault: Fault::None,
        })
    }

    /// The temperatures, coldest first.
    pub fn temperatures(&self) -> &[f64] {
        &self.temps
    }

    /// The coldest replica's state (a draw from the target).
    pub fn cold(&self) -> [f64; 2] {
        self.x[0]
    }

    /// Acceptance of the swap proposals between replicas `k` and `k + 1`, for each k.
    pub fn swap_acceptance(&self) -> &[AcceptanceCounter] {
        &self.swaps
    }

    /// Acceptance of each replica's random-walk moves.
    pub fn move_acceptance(&self) -> &[AcceptanceCounter] {
        &self.moves
    }

    /// Iterations taken.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// Moves replica `k` to `x` (finite) and clears a halt.
    pub fn set_replica(&mut self, k: usize, x: [f64; 2]) -> Result<(), SamplerError> {
        let n = self.x.len();
        let slot = self.x.get_mut(k).ok_or(SamplerError::Length {
            what: "replica index",
            expected: n,
            got: k,
        })?;
        *slot = check_point(x)?;
        self.halted = None;
        Ok(())
    }

    /// Zeroes the acceptance counters.
    pub fn reset_stats(&mut self) {
        self.moves.fill(AcceptanceCounter::default());
        self.swaps.fill(AcceptanceCounter::default());
    }

    /// Switches on a deliberate defect (tests' negative controls only; see [`Fault`]).
    #[doc(hidden)]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = fault;
    }
}

/// E(x), with the NaN guard (E = +∞ is allowed: it never wins a swap into a colder rung).
fn energy(target: &dyn Energy2d, x: [f64; 2]) -> Result<f64, SamplerError> {
    let e = target.energy(x);
    if e.is_nan() || e == f64::NEG_INFINITY {
        return Err(SamplerError::Diverged {
            what: "energy",
            at: x,
        });
    }
    Ok(e)
}

impl Evolve for ParallelTempering {
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
        let t0 = self.temps[0];
        // 1. Within-temperature moves: RWMH at T_k with step σ √(T_k/T).
        for (k, (x, &tk)) in self.x.iter_mut().zip(&self.temps).enumerate() {
            let walk = GaussianWalk::new(self.sigma * (tk / t0).sqrt())?;
            let s = metropolis_hastings(*x, target, &walk, tk, rng, &mut |e| on(k, e))?;
            self.moves[k].record(s.accepted);
            *x = s.x;
        }
        // 2. Swaps between neighbours (k, k+1) of one parity, alternating.
        let first = (self.iteration % 2) as usize;
        for k in (first..self.x.len() - 1).step_by(2) {
            let (ek, ek1) = (energy(target, self.x[k])?, energy(target, self.x[k + 1])?);
            // ln α = (1/T_k − 1/T_{k+1}) (E(x_k) − E(x_{k+1})).
            let log_ratio = (1.0 / self.temps[k] - 1.0 / self.temps[k + 1]) * (ek - ek1);
            let prob = if self.fault == Fault::PtAlwaysSwap {
                1.0
            } else if log_ratio.is_nan() {
                0.0
            } else {
                exp(log_ratio.min(0.0))
            };
            let accepted = accept_or_reject(prob, rng, &mut |e| on(k, e));
            self.swaps[k].record(accepted);
            if accepted {
                self.x.swap(k, k + 1);
            }
            on(
                k,
                Event2d::Swap {
                    lower: k,
                    prob,
                    accepted,
                },
            );
        }
        self.iteration += 1;
        Ok(())
    }
}

impl Population2d for ParallelTempering {
    fn points(&self) -> &[[f64; 2]] {
        &self.x
    }

    fn name(&self) -> &'static str {
        "parallel_tempering"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::{DoubleWell, Gaussian};

    #[test]
    fn constructors_reject_bad_parameters() {
        assert!(ParallelTempering::geometric([0.0, 0.0], 1.0, 10.0, 5, 1.0).is_ok());
        for (t, tmax, k, s) in [
            (0.0, 10.0, 5, 1.0),
            (f64::NAN, 10.0, 5, 1.0),
            (1.0, 1.0, 5, 1.0),
            (1.0, 0.5, 5, 1.0),
            (1.0, f64::INFINITY, 5, 1.0),
            (1.0, 10.0, 1, 1.0),
            (1.0, 10.0, MAX_REPLICAS + 1, 1.0),
            (1.0, 10.0, 5, 0.0),
            (1.0, 10.0, 5, -1.0),
            (1.0, 10.0, 5, f64::NAN),
        ] {
            let e = ParallelTempering::geometric([0.0, 0.0], t, tmax, k, s).expect_err("bad");
            assert!(!e.to_string().is_empty());
        }
        assert!(ParallelTempering::with_ladder([0.0, 0.0], &[1.0, 1.0], 1.0).is_err());
        assert!(ParallelTempering::with_ladder([0.0, 0.0], &[2.0, 1.0], 1.0).is_err());
        assert!(ParallelTempering::with_ladder([0.0, 0.0], &[1.0], 1.0).is_err());
        assert!(ParallelTempering::with_ladder([f64::NAN, 0.0], &[1.0, 2.0], 1.0).is_err());
    }

    #[test]
    fn ladder_is_geometric_and_swaps_alternate_parity() {
        let pt = ParallelTempering::geometric([0.0, 0.0], 0.5, 8.0, 5, 1.0).expect("valid");
        let want = [0.5, 1.0, 2.0, 4.0, 8.0];
        for (a, b) in pt.temperatures().iter().zip(want) {
            assert!((a - b).abs() < 1e-12);
        }
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut pt = pt;
        let mut rng = Rng::new(1);
        for it in 0..6 {
            let mut pairs = Vec::new();
            pt.step(&g, &mut rng, &mut |i, e| {
                if let Event2d::Swap { lower, .. } = e {
                    assert_eq!(i, lower);
                    pairs.push(lower);
                }
            });
            let want: Vec<usize> = if it % 2 == 0 { vec![0, 2] } else { vec![1, 3] };
            assert_eq!(pairs, want);
        }
        assert_eq!(pt.swap_acceptance()[0].proposed, 3);
        assert_eq!(pt.move_acceptance()[4].proposed, 6);
    }

    #[test]
    fn swap_probability_is_the_joint_density_ratio() {
        // Two replicas at T = 1 and 4 on E = x₁²/2 + x₂²/2, placed by hand.
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut pt = ParallelTempering::with_ladder([0.0, 0.0], &[1.0, 4.0], 1e-9).expect("ok");
        pt.set_replica(0, [2.0, 0.0]).expect("finite");
        pt.set_replica(1, [0.0, 1.0]).expect("finite");
        let mut rng = Rng::new(2);
        let mut prob = None;
        pt.step(&g, &mut rng, &mut |_, e| {
            if let Event2d::Swap { prob: p, .. } = e {
                prob = Some(p);
            }
        });
        // E₀ = 2, E₁ = 0.5 (σ ≈ 0 keeps the states): α = exp((1 − 1/4)(2 − 0.5)) ≥ 1.
        assert_eq!(prob, Some(1.0));
        pt.set_replica(0, [0.0, 1.0]).expect("finite");
        pt.set_replica(1, [2.0, 0.0]).expect("finite");
        pt.step(&g, &mut rng, &mut |_, _| {});
        pt.step(&g, &mut rng, &mut |_, e| {
            if let Event2d::Swap { prob: p, .. } = e {
                prob = Some(p);
            }
        });
        let want = ((1.0 - 0.25) * (0.5 - 2.0f64)).exp();
        let p = prob.expect("swap");
        assert!((p - want).abs() < 1e-6, "{p} vs {want}");
    }

    #[test]
    fn hot_replicas_cross_the_barrier_and_bring_the_cold_one_along() {
        // A double well with barrier 8: at T = 1 a random walk stays in its well; with a
        // ladder up to T = 16 the cold replica visits both.
        let dw = DoubleWell::new(8.0, 1.5, 0.0, 0.8).expect("valid");
        let mut pt = ParallelTempering::geometric([-1.5, 0.0], 1.0, 16.0, 6, 0.5).expect("ok");
        let mut rng = Rng::new(3);
        let (mut left, mut right) = (0, 0);
        for _ in 0..20_000 {
            pt.step(&dw, &mut rng, &mut |_, _| {});
            if pt.cold()[0] < 0.0 {
                left += 1;
            } else {
                right += 1;
            }
        }
        assert!(left > 5_000 && right > 5_000, "{left} / {right}");
        assert!(pt
            .swap_acceptance()
            .iter()
            .all(|a| a.rate().is_some_and(|r| r > 0.1)));
    }
}
