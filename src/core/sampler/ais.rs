//! Annealed importance sampling (Neal, "Annealed importance sampling", Statistics and
//! Computing 11, 125–139, 2001): the lecture's annealing (part 2) and importance sampling
//! (part 3) joined.
//!
//! Particles start from a tractable, normalised `p₀ = N(μ₀, σ₀² I)` and are carried to the
//! target `f(x) = exp(−E(x)/T)` through the geometric path (Neal's eq. (3))
//!
//! `f_j(x) = p₀(x)^{1−β_j} f(x)^{β_j}`,  `0 = β₀ < β₁ < … < β_J = 1`.
//!
//! At stage j every particle first takes its importance-weight increment at its current
//! position, then moves by a Markov transition that leaves `f_j` invariant (here `m` random-walk
//! Metropolis steps, step σ):
//!
//! `ln w ← ln w + (β_j − β_{j−1}) (ln f(x) − ln p₀(x))`,  then `x ~ T_j(x, ·)`.
//!
//! (Neal §2: the weight of the sequence `x₀ … x_{J−1}` is `Π_j f_j(x_{j−1})/f_{j−1}(x_{j−1})`
//! where `x_{j−1}` was produced by a transition leaving `f_{j−1}` invariant.) Then
//! `E[w] = Z_J/Z₀ = ∫ exp(−E/T) dx` since `p₀` is normalised, so
//!
//! `ln Ẑ = ln((1/n) Σ wᵢ)`, with standard error `√((r − 1)/n)`, `r = n Σw²/(Σw)²` (the delta
//! method; `n/r` is the weights' effective sample size, Kong 1992).
//!
//! The weighted particles also estimate expectations under the target. With `J = 1` and no
//! transitions this is plain importance sampling with proposal `p₀`; as J grows the weights
//! even out (the variance of ln w falls like 1/J for a smooth path).

use super::fault::Fault;
use super::{
    check_point, check_positive, check_temperature, is_finite2, log_add_exp, Event2d, Evolve,
    OnMember, Population2d, SamplerError, StepResult, WHOLE,
};
use crate::fastmath::{exp, ln, powf};
use crate::landscape::Energy2d;
use crate::rng::Rng;

/// Largest number of particles.
pub const MAX_PARTICLES: usize = 1_000_000;

/// Largest number of annealing stages J.
pub const MAX_STAGES: usize = 100_000;

/// Settings of [`Ais`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AisSettings {
    /// Particles n (1 to 10⁶).
    pub particles: usize,
    /// Stages J (1 to 10⁵), with `β_j = (j/J)^p`.
    pub stages: usize,
    /// Schedule exponent p ∈ [1, 10]: larger p spends more stages near β = 0, where the
    /// distributions change fastest for a broad p₀ (p = 1 is linear in β).
    pub power: f64,
    /// Metropolis steps per stage m (1 to 1000).
    pub mcmc_steps: u32,
    /// Random-walk step σ > 0 of the transitions.
    pub mcmc_sigma: f64,
    /// Mean μ₀ of the start distribution p₀.
    pub start_mean: [f64; 2],
    /// Standard deviation σ₀ > 0 of p₀ (wide enough to cover the target).
    pub start_sigma: f64,
}

/// An AIS run: particles, their log-weights, and the stage reached.
#[derive(Clone, Debug, PartialEq)]
pub struct Ais {
    x: Vec<[f64; 2]>,
    log_w: Vec<f64>,
    settings: AisSettings,
    t: f64,
    /// Stages done (0 … J).
    stage: usize,
    proposed: u64,
    accepted: u64,
    halted: Option<SamplerError>,
    fault: Fault,
}

impl Ais {
    /// Draws `settings.particles` particles from p₀ for the target at temperature `T > 0`.
    pub fn new(settings: AisSettings, t: f64, rng: &mut Rng) -> Result<Self, SamplerError> {
        let s = settings;
        if !(1..=MAX_PARTICLES).contains(&s.particles) {
            return Err(SamplerError::Length {
                what: "AIS particles (1 to 10⁶)",
                expected: MAX_PARTICLES,
                got: s.particles,
            });
        }
        if !(1..=MAX_STAGES).contains(&s.stages) {
            return Err(SamplerError::Length {
                what: "AIS stages J (1 to 10⁵)",
                expected: MAX_STAGES,
                got: s.stages,
            });
        }
        if !(1.0..=10.0).contains(&s.power) {
            return Err(SamplerError::OutOfRange {
                what: "schedule exponent p",
                value: s.power,
                allowed: "between 1 and 10",
            });
        }
        if !(1..=1000).contains(&s.mcmc_steps) {
            return Err(SamplerError::OutOfRange {
                what: "Metropolis steps per stage",
                value: f64::from(s.mcmc_steps),
                allowed: "between 1 and 1000",
            });
        }
        check_positive("transition step σ", s.mcmc_sigma)?;
        check_point(s.start_mean)?;
        let s0 = check_positive("start spread σ₀", s.start_sigma)?;
        check_positive("start variance σ₀²", s0 * s0)?;
        let mut a = Self {
            x: vec![[0.0; 2]; s.particles],
            log_w: vec![0.0; s.particles],
            settings: s,
            t: check_temperature(t)?.0,
            stage: 0,
            proposed: 0,
            accepted: 0,
            halted: None,
            fault: Fault::None,
        };
        a.restart(rng);
        Ok(a)
    }

    /// Starts again: fresh draws from p₀, zero log-weights, β = 0.
    pub fn restart(&mut self, rng: &mut Rng) {
        let (m, s) = (self.settings.start_mean, self.settings.start_sigma);
        for p in self.x.iter_mut() {
            *p = [m[0] + s * rng.normal(), m[1] + s * rng.normal()];
        }
        self.log_w.fill(0.0);
        self.stage = 0;
        self.proposed = 0;
        self.accepted = 0;
        self.halted = None;
    }

    /// β of stage j: `(j/J)^p`.
    pub fn beta_at(&self, j: usize) -> f64 {
        powf(j as f64 / self.settings.stages as f64, self.settings.power)
    }

    /// The current β (0 before the first stage, 1 at the end).
    pub fn beta(&self) -> f64 {
        self.beta_at(self.stage)
    }

    /// Stages done.
    pub fn stage(&self) -> usize {
        self.stage
    }

    /// The particles' log-weights (aligned with [`Population2d::points`]).
    pub fn log_weights(&self) -> &[f64] {
        &self.log_w
    }

    /// `ln Ẑ_j = ln((1/n) Σ wᵢ)`: an estimate of `ln ∫ f_j` (of ln Z at the end, since p₀ is
    /// normalised).
    pub fn log_z(&self) -> f64 {
        let lse = self
            .log_w
            .iter()
            .fold(f64::NEG_INFINITY, |a, &l| log_add_exp(a, l));
        lse - ln(self.log_w.len() as f64)
    }

    /// `r = n Σw² / (Σw)²` (1 for equal weights; ∞ if every weight is 0).
    fn weight_ratio(&self) -> f64 {
        let (lse, lse2) = self
            .log_w
            .iter()
            .fold((f64::NEG_INFINITY, f64::NEG_INFINITY), |(a, b), &l| {
                (log_add_exp(a, l), log_add_exp(b, 2.0 * l))
            });
        exp(ln(self.log_w.len() as f64) + lse2 - 2.0 * lse)
    }

    /// Standard error of [`Ais::log_z`], `√((r − 1)/n)` (delta method).
    pub fn log_z_err(&self) -> f64 {
        ((self.weight_ratio() - 1.0).max(0.0) / self.log_w.len() as f64).sqrt()
    }

    /// Effective sample size of the weights, `(Σw)²/Σw²` (Kong 1992).
    pub fn ess(&self) -> f64 {
        self.log_w.len() as f64 / self.weight_ratio()
    }

    /// The weighted mean of the particles, an estimate of the target's mean at the end.
    pub fn weighted_mean(&self) -> [f64; 2] {
        let top = self.log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (mut sw, mut m) = (0.0, [0.0; 2]);
        for (p, &l) in self.x.iter().zip(&self.log_w) {
            let w = exp(l - top);
            sw += w;
            m[0] += w * p[0];
            m[1] += w * p[1];
        }
        [m[0] / sw, m[1] / sw]
    }

    /// Acceptance rate of the transitions so far (`None` before any).
    pub fn acceptance_rate(&self) -> Option<f64> {
        (self.proposed > 0).then(|| self.accepted as f64 / self.proposed as f64)
    }

    /// Switches on a deliberate defect (tests' negative controls only; see [`Fault`]).
    #[doc(hidden)]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = fault;
    }

    /// `ln p₀(x)` for `N(μ₀, σ₀² I)`.
    fn log_p0(&self, x: [f64; 2]) -> f64 {
        let (m, s) = (self.settings.start_mean, self.settings.start_sigma);
        let d = [(x[0] - m[0]) / s, (x[1] - m[1]) / s];
        -0.5 * (d[0] * d[0] + d[1] * d[1]) - ln(std::f64::consts::TAU * s * s)
    }

    /// `ln f(x) = −E(x)/T` with the NaN guard (`E = +∞` gives −∞).
    fn log_f(target: &dyn Energy2d, x: [f64; 2], inv_t: f64) -> Result<f64, SamplerError> {
        let e = target.energy(x);
        if e.is_nan() || e == f64::NEG_INFINITY {
            return Err(SamplerError::Diverged {
                what: "energy",
                at: x,
            });
        }
        Ok(-e * inv_t)
    }
}

impl Evolve for Ais {
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
        let (b_prev, beta) = (self.beta_at(self.stage), self.beta_at(self.stage + 1));
        let (m, sigma) = (self.settings.mcmc_steps, self.settings.mcmc_sigma);
        let after = self.fault == Fault::AisWeightAfterMove;
        for i in 0..self.x.len() {
            let mut x = self.x[i];
            // ln f_j(x) − ln p₀(x) ratio pieces at x: ln f(x) and ln p₀(x).
            let mut lf = Self::log_f(target, x, inv_t)?;
            let mut l0 = self.log_p0(x);
            if !after {
                // ln w += (β_j − β_{j−1}) (ln f(x) − ln p₀(x)), before the transition.
                self.log_w[i] += (beta - b_prev) * (lf - l0);
            }
            // m Metropolis steps leaving f_j = p₀^{1−β} f^β invariant.
            for _ in 0..m {
                let y = [x[0] + sigma * rng.normal(), x[1] + sigma * rng.normal()];
                if !is_finite2(y) {
                    return Err(SamplerError::Diverged {
                        what: "position",
                        at: x,
                    });
                }
                let (lf_y, l0_y) = (Self::log_f(target, y, inv_t)?, self.log_p0(y));
                // ln α = min(0, ln f_j(y) − ln f_j(x)).
                let log_ratio = (1.0 - beta) * (l0_y - l0) + beta * (lf_y - lf);
                self.proposed += 1;
                if log_ratio >= 0.0 || rng.uniform() < exp(log_ratio) {
                    self.accepted += 1;
                    (x, lf, l0) = (y, lf_y, l0_y);
                }
            }
            if after {
                self.log_w[i] += (beta - b_prev) * (lf - l0);
            }
            if self.log_w[i].is_nan() {
                return Err(SamplerError::Diverged {
                    what: "importance weight",
                    at: x,
                });
            }
            self.x[i] = x;
            on(
                i,
                Event2d::Weighted {
                    x,
                    log_w: self.log_w[i],
                },
            );
        }
        self.stage += 1;
        on(WHOLE, Event2d::Anneal { beta });
        on(
            WHOLE,
            Event2d::Evidence {
                log_z: self.log_z(),
                log_z_err: self.log_z_err(),
            },
        );
        Ok(())
    }
}

impl Population2d for Ais {
    fn points(&self) -> &[[f64; 2]] {
        &self.x
    }

    fn is_finished(&self) -> bool {
        self.stage >= self.settings.stages
    }

    fn name(&self) -> &'static str {
        "ais"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;

    fn settings() -> AisSettings {
        AisSettings {
            particles: 100,
            stages: 10,
            power: 2.0,
            mcmc_steps: 2,
            mcmc_sigma: 0.5,
            start_mean: [0.0, 0.0],
            start_sigma: 3.0,
        }
    }

    #[test]
    fn constructor_rejects_bad_parameters() {
        let mut rng = Rng::new(1);
        assert!(Ais::new(settings(), 1.0, &mut rng).is_ok());
        let s = settings();
        for bad in [
            AisSettings { particles: 0, ..s },
            AisSettings {
                particles: MAX_PARTICLES + 1,
                ..s
            },
            AisSettings { stages: 0, ..s },
            AisSettings {
                stages: MAX_STAGES + 1,
                ..s
            },
            AisSettings { power: 0.5, ..s },
            AisSettings {
                power: f64::NAN,
                ..s
            },
            AisSettings { power: 11.0, ..s },
            AisSettings { mcmc_steps: 0, ..s },
            AisSettings {
                mcmc_steps: 1001,
                ..s
            },
            AisSettings {
                mcmc_sigma: 0.0,
                ..s
            },
            AisSettings {
                mcmc_sigma: -1.0,
                ..s
            },
            AisSettings {
                start_sigma: f64::INFINITY,
                ..s
            },
            AisSettings {
                start_sigma: 1e200,
                ..s
            },
            AisSettings {
                start_mean: [f64::NAN, 0.0],
                ..s
            },
        ] {
            let e = Ais::new(bad, 1.0, &mut rng).expect_err("invalid");
            assert!(!e.to_string().is_empty());
        }
        assert!(Ais::new(s, 0.0, &mut rng).is_err());
    }

    #[test]
    fn one_stage_is_importance_sampling_from_p0() {
        // J = 1: ln w = ln f(x₀) − ln p₀(x₀) at the start draw x₀ (the move comes after).
        let g = Gaussian::correlated(1.0, 2.0, 0.3).expect("valid");
        let s = AisSettings {
            stages: 1,
            ..settings()
        };
        let mut rng = Rng::new(2);
        let mut a = Ais::new(s, 0.7, &mut rng).expect("valid");
        let x0 = a.points().to_vec();
        a.step(&g, &mut rng, &mut |_, _| {});
        assert!(a.is_finished());
        assert_eq!(a.beta(), 1.0);
        for (p, &lw) in x0.iter().zip(a.log_weights()) {
            let want = -g.energy(*p) / 0.7 - a.log_p0(*p);
            assert!((lw - want).abs() < 1e-12);
        }
    }

    #[test]
    fn a_target_equal_to_p0_has_equal_weights_and_log_z_zero() {
        // E = −ln p₀ exactly: every increment is 0, ln Ẑ = 0 with zero error.
        struct P0;
        impl Energy2d for P0 {
            fn energy(&self, x: [f64; 2]) -> f64 {
                0.5 * (x[0] * x[0] + x[1] * x[1]) / 9.0 + (std::f64::consts::TAU * 9.0).ln()
            }
            fn energy_and_grad(&self, x: [f64; 2], g: &mut [f64; 2]) -> f64 {
                *g = [x[0] / 9.0, x[1] / 9.0];
                self.energy(x)
            }
            fn bounds(&self) -> crate::landscape::Bounds {
                crate::landscape::Bounds::new(-9.0, 9.0, -9.0, 9.0).expect("box")
            }
        }
        let mut rng = Rng::new(3);
        let mut a = Ais::new(settings(), 1.0, &mut rng).expect("valid");
        let mut betas = Vec::new();
        a.step_many(100, &P0, &mut rng, &mut |i, e| {
            if let Event2d::Anneal { beta } = e {
                assert_eq!(i, WHOLE);
                betas.push(beta);
            }
        });
        assert_eq!(betas.len(), 10);
        assert!((betas[4] - 0.25).abs() < 1e-12 && betas[9] == 1.0);
        assert!(a.log_z().abs() < 1e-12 && a.log_z_err() < 1e-6);
        assert!((a.ess() - 100.0).abs() < 1e-6);
        assert!(a.acceptance_rate().is_some());
    }

    #[test]
    fn huge_steps_halt_without_nan() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let s = AisSettings {
            mcmc_sigma: 1e308,
            ..settings()
        };
        let mut rng = Rng::new(4);
        let mut a = Ais::new(s, 1.0, &mut rng).expect("valid");
        a.step_many(10, &g, &mut rng, &mut |_, _| {});
        assert!(a.halted().is_some());
        assert!(a.points().iter().all(|p| is_finite2(*p)));
    }
}
