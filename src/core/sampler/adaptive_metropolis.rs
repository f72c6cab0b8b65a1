//! Adaptive Metropolis (Haario, Saksman & Tamminen, "An adaptive Metropolis algorithm",
//! Bernoulli 7(2), 223–242, 2001).
//!
//! A random-walk Metropolis chain whose Gaussian proposal `N(X_{t−1}, C_t)` learns its
//! covariance from the chain's whole history (the paper's eq. (2)):
//!
//! `C_t = C₀` for `t ≤ t₀`,  `C_t = s_d Cov(X₀, …, X_{t−1}) + s_d ε I_d` for `t > t₀`,
//!
//! with `s_d = 2.38²/d` (the optimal scale of a Gaussian random walk on a Gaussian target,
//! Gelman, Roberts & Gilks 1996; Haario et al. round it to 2.4²/d) and a small `ε > 0` that
//! keeps `C_t` positive definite. `Cov` is the empirical covariance with divisor `t − 1`. The
//! paper updates it recursively (its eq. (3)); here the same recursion runs in Welford's
//! numerically stable form ([`RunningMoments`]), so a step costs O(1) and stores nothing.
//!
//! The proposal is a symmetric walk, so the lecture's acceptance rule applies unchanged:
//! `α = min(1, p(y)/p(x))`. The chain is not Markov (its proposal depends on the past), but the
//! adaptation diminishes like 1/t and Haario et al. (Theorem 2) prove the ergodic averages
//! converge to the target's expectations (for bounded support; Saksman & Vihola, Ann. Appl.
//! Probab. 20, 2010, remove that condition for targets with suitably decaying tails).
//! The current `C_t` is reported as [`Event2d::ProposalCovariance`] so the page can draw the
//! proposal ellipse as it adapts.

use super::diagnostics::{AcceptanceCounter, RunningMoments};
use super::fault::Fault;
use super::metropolis::{metropolis_hastings, Proposal2d};
use super::{
    check_positive, check_temperature, cholesky2, ChainState, Event2d, OnEvent, Sampler2d,
    SamplerError, StepResult, Transition,
};
use crate::landscape::Energy2d;
use crate::rng::Rng;

/// Dimension of the plane.
const D: f64 = 2.0;

/// `s_d = 2.38²/d` for d = 2.
pub const SCALE_2D: f64 = 2.38 * 2.38 / D;

/// Largest non-adaptive period t₀.
pub const MAX_T0: u64 = 10_000_000;

/// A Gaussian walk `y = c + L z` with `C = LLᵀ`, where the centre `c` is the current state.
/// (The [`Fault::AmCentredOnMean`] negative control moves the centre to the history mean.)
struct CovWalk {
    /// `[l₁₁, l₂₁, l₂₂]`.
    l: [f64; 3],
    centre: Option<[f64; 2]>,
}

impl Proposal2d for CovWalk {
    fn propose(&self, from: [f64; 2], rng: &mut Rng) -> [f64; 2] {
        let c = self.centre.unwrap_or(from);
        let (z1, z2) = (rng.normal(), rng.normal());
        let [l11, l21, l22] = self.l;
        [c[0] + l11 * z1, c[1] + l21 * z1 + l22 * z2]
    }

    fn log_q(&self, from: [f64; 2], to: [f64; 2]) -> f64 {
        // ln N(to; from, C) = −½ |L⁻¹(to − from)|² + const: symmetric in (from, to).
        let [l11, l21, l22] = self.l;
        let w1 = (to[0] - from[0]) / l11;
        let w2 = (to[1] - from[1] - l21 * w1) / l22;
        -0.5 * (w1 * w1 + w2 * w2)
    }
}

/// An Adaptive Metropolis chain (Haario, Saksman & Tamminen 2001).
#[derive(Clone, Debug, PartialEq)]
pub struct AdaptiveMetropolis {
    state: ChainState,
    t: f64,
    /// C₀ = σ₀² I.
    sigma0_sq: f64,
    t0: u64,
    /// The regulariser ε.
    reg: f64,
    /// Mean and covariance of X₀ … X_{t−1} (the current state included).
    history: RunningMoments,
    stats: AcceptanceCounter,
    fault: Fault,
}

impl AdaptiveMetropolis {
    /// A chain at `x0` whose first `t0` proposals (`1 ≤ t0 ≤ 10⁷`) use `C₀ = σ₀² I`
    /// (`σ₀ > 0`, `σ₀²` finite), and afterwards `C_t = s_d (Cov + ε I)` with the regulariser
    /// `ε > 0` (finite; e.g. 10⁻⁶ times the target's squared scale), at temperature `T > 0`.
    pub fn new(x0: [f64; 2], sigma0: f64, t0: u64, eps: f64, t: f64) -> Result<Self, SamplerError> {
        let state = ChainState::new(x0)?;
        let sigma0 = check_positive("initial proposal scale σ₀", sigma0)?;
        let sigma0_sq = check_positive("initial proposal variance σ₀²", sigma0 * sigma0)?;
        if !(1..=MAX_T0).contains(&t0) {
            return Err(SamplerError::OutOfRange {
                what: "non-adaptive period t₀",
                value: t0 as f64,
                allowed: "between 1 and 10⁷",
            });
        }
        let reg = check_positive("regulariser ε", eps)?;
        let t = check_temperature(t)?.0;
        let mut history = RunningMoments::new();
        history.push(state.x);
        Ok(Self {
            state,
            t,
            sigma0_sq,
            t0,
            reg,
            history,
            stats: AcceptanceCounter::default(),
            fault: Fault::None,
        })
    }

    /// Whether the proposal is adapted (more than t₀ states in the history).
    pub fn is_adapting(&self) -> bool {
        self.history.count() > self.t0
    }

    /// The proposal covariance the next step will use: `C₀` during the first t₀ steps, then
    /// `s_d (Cov(X₀, …, X_{t−1}) + ε I)` (Haario et al. 2001, eq. (2)).
    pub fn proposal_cov(&self) -> [[f64; 2]; 2] {
        match self.history.cov() {
            Some(c) if self.is_adapting() => {
                // C_t = s_d Cov(X₀, …, X_{t−1}) + s_d ε I_d.
                let s = SCALE_2D;
                [
                    [s * (c[0][0] + self.reg), s * c[0][1]],
                    [s * c[1][0], s * (c[1][1] + self.reg)],
                ]
            }
            _ => [[self.sigma0_sq, 0.0], [0.0, self.sigma0_sq]],
        }
    }

    /// Number of states in the history (1 + steps since the last restart).
    pub fn history_len(&self) -> u64 {
        self.history.count()
    }

    /// Forgets the history (the next t₀ proposals use C₀ again), e.g. after the target changed.
    pub fn restart_adaptation(&mut self) {
        self.history.reset();
        self.history.push(self.state.x);
    }

    /// Temperature T.
    pub fn temperature(&self) -> f64 {
        self.t
    }

    /// Changes T (> 0, finite).
    pub fn set_temperature(&mut self, t: f64) -> Result<(), SamplerError> {
        self.t = check_temperature(t)?.0;
        Ok(())
    }

    /// Zeroes the acceptance counter.
    pub fn reset_stats(&mut self) {
        self.stats.reset();
    }

    /// Switches on a deliberate defect (tests' negative controls only; see [`Fault`]).
    #[doc(hidden)]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = fault;
    }
}

impl Transition for AdaptiveMetropolis {
    fn state(&self) -> &ChainState {
        &self.state
    }

    fn state_mut(&mut self) -> &mut ChainState {
        &mut self.state
    }

    fn try_step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut OnEvent) -> StepResult {
        let x = self.state.x;
        let cov = self.proposal_cov();
        let l = cholesky2(cov).ok_or(SamplerError::Diverged {
            what: "proposal covariance",
            at: x,
        })?;
        on(Event2d::ProposalCovariance { at: x, cov });
        let centre = (self.fault == Fault::AmCentredOnMean && self.is_adapting())
            .then(|| self.history.mean());
        // Y ~ N(X_{t−1}, C_t), accepted with min(1, p(Y)/p(X_{t−1})).
        let s = metropolis_hastings(x, target, &CovWalk { l, centre }, self.t, rng, on)?;
        self.stats.record(s.accepted);
        self.state.x = s.x;
        // The new state joins the history (repeated on a rejection, as in the paper).
        self.history.push(s.x);
        Ok(())
    }
}

impl Sampler2d for AdaptiveMetropolis {
    fn acceptance(&self) -> Option<AcceptanceCounter> {
        Some(self.stats)
    }

    fn name(&self) -> &'static str {
        "adaptive_mh"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;
    use crate::sampler::ignore;

    #[test]
    fn constructor_rejects_bad_parameters() {
        let ok = AdaptiveMetropolis::new([0.0, 0.0], 1.0, 100, 1e-6, 1.0);
        assert!(ok.is_ok());
        for (s0, t0, eps, t) in [
            (f64::NAN, 100, 1e-6, 1.0),
            (0.0, 100, 1e-6, 1.0),
            (-1.0, 100, 1e-6, 1.0),
            (1e200, 100, 1e-6, 1.0),
            (1.0, 0, 1e-6, 1.0),
            (1.0, MAX_T0 + 1, 1e-6, 1.0),
            (1.0, 100, 0.0, 1.0),
            (1.0, 100, -1e-6, 1.0),
            (1.0, 100, f64::NAN, 1.0),
            (1.0, 100, f64::INFINITY, 1.0),
            (1.0, 100, 1e-6, 0.0),
            (1.0, 100, 1e-6, f64::NAN),
        ] {
            let e = AdaptiveMetropolis::new([0.0, 0.0], s0, t0, eps, t)
                .expect_err("invalid parameter accepted");
            assert!(!e.to_string().is_empty());
        }
        assert!(AdaptiveMetropolis::new([f64::NAN, 0.0], 1.0, 10, 1e-6, 1.0).is_err());
    }

    #[test]
    fn proposal_covariance_is_c0_then_the_scaled_history_covariance() {
        let g = Gaussian::correlated(1.0, 2.0, 0.7).expect("valid");
        let mut s = AdaptiveMetropolis::new([0.5, -0.5], 0.8, 50, 1e-3, 1.0).expect("valid");
        let mut rng = Rng::new(3);
        let mut trace = vec![[0.5, -0.5]];
        for _ in 0..49 {
            assert_eq!(s.proposal_cov(), [[0.8 * 0.8, 0.0], [0.0, 0.8 * 0.8]]);
            trace.push(s.step(&g, &mut rng, &mut ignore));
        }
        assert!(!s.is_adapting());
        for _ in 0..500 {
            trace.push(s.step(&g, &mut rng, &mut ignore));
        }
        assert!(s.is_adapting());
        assert_eq!(s.history_len(), trace.len() as u64);
        // Two-pass covariance with divisor n − 1.
        let n = trace.len() as f64;
        let m = [
            trace.iter().map(|p| p[0]).sum::<f64>() / n,
            trace.iter().map(|p| p[1]).sum::<f64>() / n,
        ];
        let c = |i: usize, j: usize| {
            trace
                .iter()
                .map(|p| (p[i] - m[i]) * (p[j] - m[j]))
                .sum::<f64>()
                / (n - 1.0)
        };
        let want = [
            [SCALE_2D * (c(0, 0) + 1e-3), SCALE_2D * c(0, 1)],
            [SCALE_2D * c(1, 0), SCALE_2D * (c(1, 1) + 1e-3)],
        ];
        let got = s.proposal_cov();
        for i in 0..2 {
            for j in 0..2 {
                assert!(
                    (got[i][j] - want[i][j]).abs() < 1e-10,
                    "{got:?} vs {want:?}"
                );
            }
        }
        s.restart_adaptation();
        assert_eq!(s.history_len(), 1);
        assert_eq!(s.proposal_cov(), [[0.8 * 0.8, 0.0], [0.0, 0.8 * 0.8]]);
    }

    #[test]
    fn events_in_order_and_replayable() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let run = |seed| {
            let mut s = AdaptiveMetropolis::new([0.0, 0.0], 1.0, 5, 1e-6, 1.0).expect("valid");
            let mut rng = Rng::new(seed);
            let mut log = Vec::new();
            for _ in 0..30 {
                s.step(&g, &mut rng, &mut |e| log.push(e));
            }
            (s.position(), log)
        };
        let (a, log) = run(7);
        assert_eq!(a, run(7).0);
        assert_ne!(a, run(8).0);
        assert_eq!(log.len(), 90);
        for ev in log.chunks(3) {
            assert!(matches!(ev[0], Event2d::ProposalCovariance { .. }));
            assert!(matches!(ev[1], Event2d::Proposal { .. }));
            assert!(matches!(
                ev[2],
                Event2d::Accept { .. } | Event2d::Reject { .. }
            ));
        }
    }

    #[test]
    fn a_huge_initial_scale_is_rejected_not_nan() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut s = AdaptiveMetropolis::new([0.1, 0.2], 1e100, 1000, 1e-6, 1.0).expect("ok");
        let mut rng = Rng::new(1);
        s.step_many(100, &g, &mut rng, &mut ignore);
        assert!(s.halted().is_none());
        assert_eq!(s.position(), [0.1, 0.2]);
    }
}
