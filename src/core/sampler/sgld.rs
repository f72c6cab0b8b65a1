//! Stochastic gradient Langevin dynamics on data (lecture, "Stochastic Gradient MCMC"; Welling &
//! Teh, "Bayesian learning via stochastic gradient Langevin dynamics", ICML 2011).
//!
//! The lecture's update, with the likelihood gradient estimated from a mini-batch `S_t` of B of
//! the N data points (Welling & Teh, eq. (4)):
//!
//! `θ′ = θ + (ε_t/2) (∇ln p(θ) + (N/B) Σ_{i ∈ S_t} ∇ln P(x_i | θ)) + η_t`,  `η_t ~ N(0, ε_t I)`,
//!
//! with a step size `ε_t = a (b + t)^{−γ}`, `γ ∈ (0.5, 1]`, so that `Σ ε_t = ∞` (the chain keeps
//! moving) and `Σ ε_t² < ∞` (the discretisation and mini-batch errors die out). The factor N/B
//! makes the mini-batch sum an unbiased estimate of the full-data sum. There is no
//! accept/reject step: early on (large ε, gradient ≫ noise) this is stochastic gradient ascent
//! on the log posterior; as ε_t shrinks the injected noise `√ε_t` dominates the mini-batch
//! noise `∝ ε_t` and the iterates sample the posterior (Welling & Teh §3). At a constant
//! large ε they sample a wider distribution than the posterior — the bias the page shows.
//!
//! The model is any [`DataPosterior`]: its energy is the posterior's, so the exact posterior is
//! drawn on the grid beside the samples. The mini-batch is drawn without replacement by a
//! partial Fisher–Yates shuffle of a reused index buffer (rebuilt only when N changes).
//! The posterior is sampled at T = 1.

use super::fault::Fault;
use super::langevin::StepSchedule;
use super::{check_point, is_finite2, Event2d, SamplerError};
use crate::landscape::DataPosterior;
use crate::rng::Rng;

/// Largest mini-batch size.
pub const MAX_BATCH: usize = 100_000;

/// An SGLD chain on a data posterior.
#[derive(Clone, Debug, PartialEq)]
pub struct Sgld {
    theta: [f64; 2],
    schedule: StepSchedule,
    batch: usize,
    /// A permutation of 0..N whose first B entries are the current mini-batch.
    perm: Vec<usize>,
    iteration: u64,
    halted: Option<SamplerError>,
    fault: Fault,
}

impl Sgld {
    /// A chain at `theta0` (finite) with step schedule `schedule` and mini-batch size
    /// `1 ≤ B ≤ 100 000` (a batch larger than the data uses all of it).
    pub fn new(
        theta0: [f64; 2],
        schedule: StepSchedule,
        batch: usize,
    ) -> Result<Self, SamplerError> {
        Ok(Self {
            theta: check_point(theta0)?,
            schedule,
            batch: check_batch(batch)?,
            perm: Vec::new(),
            iteration: 0,
            halted: None,
            fault: Fault::None,
        })
    }

    /// One SGLD step on `model`; emits [`Event2d::StepSize`], one [`Event2d::BatchMember`] per
    /// mini-batch point, [`Event2d::Drift`] (the gradient step) and [`Event2d::Move`]; returns
    /// the new θ. After the NaN guard fired it does nothing and returns the last finite θ.
    pub fn step(
        &mut self,
        model: &dyn DataPosterior,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> [f64; 2] {
        if self.halted.is_none() {
            if let Err(e) = self.try_step(model, rng, on) {
                on(Event2d::Halted(e.clone()));
                self.halted = Some(e);
            }
        }
        self.theta
    }

    /// `k` steps without events.
    pub fn step_many(&mut self, k: usize, model: &dyn DataPosterior, rng: &mut Rng) -> [f64; 2] {
        for _ in 0..k {
            if self.halted.is_some() {
                break;
            }
            self.step(model, rng, &mut |_| {});
        }
        self.theta
    }

    fn try_step(
        &mut self,
        model: &dyn DataPosterior,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> Result<(), SamplerError> {
        let n = model.n_data();
        if self.perm.len() != n {
            self.perm.clear();
            self.perm.extend(0..n);
        }
        let b = self.batch.min(n);
        let eps = self.schedule.eps_at(self.iteration);
        on(Event2d::StepSize {
            iteration: self.iteration,
            eps,
        });
        let theta = self.theta;
        // ∇ln p(θ) + (N/B) Σ_{i ∈ S} ∇ln P(x_i | θ).
        let mut g = model.grad_log_prior(theta);
        for k in 0..b {
            // Partial Fisher–Yates: perm[k] becomes a uniform pick among perm[k..].
            let j = k + rng.below(n - k);
            self.perm.swap(k, j);
            on(Event2d::BatchMember {
                index: self.perm[k],
            });
        }
        if b > 0 {
            let lik = model.grad_log_lik_sum(&self.perm[..b], theta);
            let scale = if self.fault == Fault::SgldNoBatchScaling {
                1.0
            } else {
                n as f64 / b as f64
            };
            g[0] += scale * lik[0];
            g[1] += scale * lik[1];
        }
        if !is_finite2(g) {
            return Err(SamplerError::Diverged {
                what: "gradient",
                at: theta,
            });
        }
        // θ + (ε/2) ĝ, then + N(0, ε I).
        let drift = [theta[0] + 0.5 * eps * g[0], theta[1] + 0.5 * eps * g[1]];
        let s = eps.sqrt();
        let next = [drift[0] + s * rng.normal(), drift[1] + s * rng.normal()];
        if !is_finite2(drift) || !is_finite2(next) {
            return Err(SamplerError::Diverged {
                what: "position",
                at: theta,
            });
        }
        on(Event2d::Drift {
            from: theta,
            to: drift,
        });
        on(Event2d::Move {
            from: theta,
            to: next,
        });
        self.theta = next;
        self.iteration += 1;
        Ok(())
    }

    /// The current θ.
    pub fn position(&self) -> [f64; 2] {
        self.theta
    }

    /// Moves the chain to `theta` (finite) and clears a halt.
    pub fn set_position(&mut self, theta: [f64; 2]) -> Result<(), SamplerError> {
        self.theta = check_point(theta)?;
        self.halted = None;
        Ok(())
    }

    /// Why the chain stopped, if the NaN guard fired.
    pub fn halted(&self) -> Option<&SamplerError> {
        self.halted.as_ref()
    }

    /// Steps since the schedule (re)started.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// The step size the next step uses.
    pub fn current_eps(&self) -> f64 {
        self.schedule.eps_at(self.iteration)
    }

    /// The schedule.
    pub fn schedule(&self) -> StepSchedule {
        self.schedule
    }

    /// Replaces the schedule and restarts its clock at t = 0.
    pub fn set_schedule(&mut self, schedule: StepSchedule) {
        self.schedule = schedule;
        self.iteration = 0;
    }

    /// The mini-batch size B.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// Changes B (1 to 100 000).
    pub fn set_batch(&mut self, batch: usize) -> Result<(), SamplerError> {
        self.batch = check_batch(batch)?;
        Ok(())
    }

    /// Switches on a deliberate defect (tests' negative controls only; see [`Fault`]).
    #[doc(hidden)]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = fault;
    }
}

fn check_batch(b: usize) -> Result<usize, SamplerError> {
    if (1..=MAX_BATCH).contains(&b) {
        Ok(b)
    } else {
        Err(SamplerError::OutOfRange {
            what: "mini-batch size B",
            value: b as f64,
            allowed: "between 1 and 100000",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::{Energy2d, GaussianPosterior, LogisticPosterior};

    #[test]
    fn constructor_rejects_bad_parameters() {
        let s = StepSchedule::constant(0.01).expect("ε");
        assert!(Sgld::new([0.0, 0.0], s, 10).is_ok());
        assert!(Sgld::new([0.0, 0.0], s, 0).is_err());
        assert!(Sgld::new([0.0, 0.0], s, MAX_BATCH + 1).is_err());
        let e = Sgld::new([f64::NAN, 0.0], s, 10).expect_err("NaN");
        assert!(!e.to_string().is_empty());
        let mut c = Sgld::new([0.0, 0.0], s, 10).expect("valid");
        assert!(c.set_batch(0).is_err());
        assert!(c.set_position([0.0, f64::INFINITY]).is_err());
    }

    #[test]
    fn full_batch_step_is_the_lecture_formula() {
        // B = N: θ′ = θ + (ε/2)(∇ln p + Σ ∇ln P) + √ε z = θ − (ε/2)∇E + √ε z.
        let m = GaussianPosterior::new(&[0.5, 1.5, 1.0], 0.0, 2.0, 1.0).expect("valid");
        let (theta, eps) = ([0.8, 0.1], 0.04);
        let mut c = Sgld::new(theta, StepSchedule::constant(eps).expect("ε"), 3).expect("ok");
        let mut rng = Rng::new(1);
        let y = c.step(&m, &mut rng, &mut |_| {});
        // Replay the generator: three batch draws, then two normals.
        let mut rng = Rng::new(1);
        for k in 0..3 {
            rng.below(3 - k);
        }
        let z = [rng.normal(), rng.normal()];
        let mut g = [0.0; 2];
        m.energy_and_grad(theta, &mut g);
        for k in 0..2 {
            let want = theta[k] - 0.5 * eps * g[k] + 0.2 * z[k];
            assert!((y[k] - want).abs() < 1e-12);
        }
    }

    #[test]
    fn mini_batches_are_distinct_and_uniform() {
        let xs: Vec<f64> = (0..10).map(f64::from).collect();
        let ys = vec![true; 10];
        let m = LogisticPosterior::new(&xs, &ys, 1.0).expect("valid");
        let mut c = Sgld::new([0.0, 0.0], StepSchedule::constant(1e-6).expect("ε"), 4).expect("ok");
        let mut rng = Rng::new(2);
        let mut counts = [0usize; 10];
        for _ in 0..20_000 {
            let mut batch = Vec::new();
            c.step(&m, &mut rng, &mut |e| {
                if let Event2d::BatchMember { index } = e {
                    batch.push(index);
                }
            });
            assert_eq!(batch.len(), 4);
            batch.sort_unstable();
            batch.dedup();
            assert_eq!(batch.len(), 4, "a batch repeats a point");
            for i in batch {
                counts[i] += 1;
            }
        }
        // Each point is in a batch with probability 4/10: 8000 ± 69 times.
        for k in counts {
            assert!((k as f64 - 8000.0).abs() < 5.0 * 69.3, "{counts:?}");
        }
    }

    #[test]
    fn no_data_samples_the_prior_and_huge_steps_halt() {
        let m = GaussianPosterior::new(&[], 0.0, 1.0, 1.0).expect("valid");
        let mut c = Sgld::new([0.0, 0.0], StepSchedule::constant(0.01).expect("ε"), 5).expect("ok");
        let mut rng = Rng::new(3);
        c.step_many(100, &m, &mut rng);
        assert!(c.halted().is_none());
        let mut c =
            Sgld::new([0.0, 0.0], StepSchedule::constant(1e300).expect("ε"), 5).expect("ok");
        c.step_many(100, &m, &mut rng);
        assert!(c.halted().is_some());
        assert!(is_finite2(c.position()));
        c.set_position([0.0, 0.0]).expect("finite");
        assert!(c.halted().is_none());
    }
}
