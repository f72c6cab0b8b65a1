//! Hamiltonian Monte Carlo (Duane, Kennedy, Pendleton & Roweth, Phys. Lett. B 195, 1987;
//! Neal, "MCMC using Hamiltonian dynamics", arXiv:1206.1901, 2011; Betancourt, "A conceptual
//! introduction to Hamiltonian Monte Carlo", arXiv:1701.02434, 2017). The lecture's further
//! reading, "SGD with momentum".
//!
//! Potential `U(x) = E(x)/T`, momentum `p ~ N(0, I)` (unit mass), Hamiltonian
//! `H(x, p) = U(x) + ½|p|²`. Each step: draw `p`, run `L` leapfrog steps of size Δt
//! (Neal 2011, eq. 5.18–5.20):
//!
//! `p ← p − (Δt/2)∇U(x)`;  `x ← x + Δt p`;  `p ← p − (Δt/2)∇U(x)`,
//!
//! then accept the end point with probability `min(1, exp(−(H_end − H_start)))`. The leapfrog
//! map is volume preserving and reversible, which is what makes this acceptance rule exact; the
//! energy error ΔH is reported so the UI can show how well the integrator conserves H.

use super::diagnostics::AcceptanceCounter;
use super::metropolis::accept_or_reject;
use super::{
    check_count, check_positive, check_temperature, is_finite2, potential_and_grad, ChainState,
    Event2d, OnEvent, Sampler2d, SamplerError, StepResult, Transition,
};
use crate::landscape::Energy2d;
use crate::rng::Rng;
use crate::temperature::IntoTemperature;

/// Largest number of leapfrog steps per HMC transition.
pub const MAX_LEAPFROG: u32 = 10_000;

/// A Hamiltonian Monte Carlo chain with fixed step size and trajectory length.
#[derive(Clone, Debug, PartialEq)]
pub struct Hmc {
    state: ChainState,
    dt: f64,
    n_leapfrog: u32,
    t: f64,
    stats: AcceptanceCounter,
    last_delta_h: f64,
}

impl Hmc {
    /// A chain at `x0` with leapfrog step `Δt > 0`, `1 ≤ L ≤ 10000` steps per transition, at
    /// temperature `T > 0`.
    pub fn new(
        x0: [f64; 2],
        dt: f64,
        n_leapfrog: u32,
        t: impl IntoTemperature,
    ) -> Result<Self, SamplerError> {
        Ok(Self {
            state: ChainState::new(x0)?,
            dt: check_positive("leapfrog step Δt", dt)?,
            n_leapfrog: check_leapfrog(n_leapfrog)?,
            t: check_temperature(t)?.0,
            stats: AcceptanceCounter::default(),
            last_delta_h: 0.0,
        })
    }

    /// Changes Δt (> 0, finite) and L (1 to 10000).
    pub fn set_integrator(&mut self, dt: f64, n_leapfrog: u32) -> Result<(), SamplerError> {
        self.dt = check_positive("leapfrog step Δt", dt)?;
        self.n_leapfrog = check_leapfrog(n_leapfrog)?;
        Ok(())
    }

    /// Changes T (> 0, finite).
    pub fn set_temperature(&mut self, t: impl IntoTemperature) -> Result<(), SamplerError> {
        self.t = check_temperature(t)?.0;
        Ok(())
    }

    /// `H_end − H_start` of the last trajectory.
    pub fn last_energy_error(&self) -> f64 {
        self.last_delta_h
    }

    /// Zeroes the acceptance counter.
    pub fn reset_stats(&mut self) {
        self.stats.reset();
    }
}

fn check_leapfrog(n: u32) -> Result<u32, SamplerError> {
    check_count(
        "number of leapfrog steps L",
        n,
        MAX_LEAPFROG,
        "between 1 and 10000",
    )
}

impl Transition for Hmc {
    fn state(&self) -> &ChainState {
        &self.state
    }

    fn state_mut(&mut self) -> &mut ChainState {
        &mut self.state
    }

    fn try_step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut OnEvent) -> StepResult {
        let (_, inv_t) = check_temperature(self.t)?;
        let (x0, dt) = (self.state.x, self.dt);
        let mut g = [0.0; 2];
        let u0 = potential_and_grad(target, x0, inv_t, &mut g)?;
        // Momentum resampling: p ~ N(0, I).
        let mut p = [rng.normal(), rng.normal()];
        on(Event2d::Momentum { at: x0, p });
        // H = U(x) + ½|p|².
        let h0 = u0 + 0.5 * (p[0] * p[0] + p[1] * p[1]);
        let mut x = x0;
        let mut u = u0;
        for _ in 0..self.n_leapfrog {
            // Half step in momentum: p ← p − (Δt/2)∇U(x).
            p[0] -= 0.5 * dt * g[0];
            p[1] -= 0.5 * dt * g[1];
            // Full step in position: x ← x + Δt p.
            x = [x[0] + dt * p[0], x[1] + dt * p[1]];
            if !is_finite2(x) || !is_finite2(p) {
                return Err(SamplerError::Diverged {
                    what: "position",
                    at: x0,
                });
            }
            // E = +∞ along a trajectory means the integrator blew up (every landscape here is
            // finite on the plane): the NaN guard stops the chain.
            u = potential_and_grad(target, x, inv_t, &mut g).map_err(|_| {
                SamplerError::Diverged {
                    what: "energy",
                    at: x0,
                }
            })?;
            // Half step in momentum with the new gradient.
            p[0] -= 0.5 * dt * g[0];
            p[1] -= 0.5 * dt * g[1];
            on(Event2d::Leapfrog { x, p });
        }
        let delta_h = u + 0.5 * (p[0] * p[0] + p[1] * p[1]) - h0;
        if delta_h.is_nan() {
            return Err(SamplerError::Diverged {
                what: "energy",
                at: x0,
            });
        }
        self.last_delta_h = delta_h;
        on(Event2d::EnergyError { delta_h });
        on(Event2d::Proposal { from: x0, to: x });
        // α = min(1, exp(−ΔH)).
        let prob = crate::fastmath::exp((-delta_h).min(0.0));
        let accepted = accept_or_reject(prob, rng, on);
        self.stats.record(accepted);
        if accepted {
            self.state.x = x;
        }
        Ok(())
    }
}

impl Sampler2d for Hmc {
    fn acceptance(&self) -> Option<AcceptanceCounter> {
        Some(self.stats)
    }

    fn name(&self) -> &'static str {
        "hmc"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;
    use crate::sampler::ignore;

    #[test]
    fn leapfrog_on_a_harmonic_oscillator_matches_the_exact_map() {
        // For U = x²/2 the leapfrog map per step is linear:
        // [x′, p′] = [[1 − Δt²/2, Δt], [−Δt(1 − Δt²/4), 1 − Δt²/2]] [x, p] (Neal 2011, §5.2.3.3).
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let dt = 0.3;
        let mut h = Hmc::new([1.0, -0.5], dt, 5, 1.0).expect("valid");
        let mut rng = Rng::new(9);
        let mut p0 = [0.0; 2];
        let mut traj = Vec::new();
        h.step(&g, &mut rng, &mut |e| match e {
            Event2d::Momentum { p, .. } => p0 = p,
            Event2d::Leapfrog { x, p } => traj.push((x, p)),
            _ => {}
        });
        assert_eq!(traj.len(), 5);
        let (mut x, mut p) = ([1.0, -0.5], p0);
        for (xs, ps) in &traj {
            for k in 0..2 {
                let (a, b) = (x[k], p[k]);
                x[k] = (1.0 - dt * dt / 2.0) * a + dt * b;
                p[k] = -dt * (1.0 - dt * dt / 4.0) * a + (1.0 - dt * dt / 2.0) * b;
                assert!((xs[k] - x[k]).abs() < 1e-12 && (ps[k] - p[k]).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn energy_error_shrinks_as_dt_squared() {
        // Leapfrog's global energy error is O(Δt²) at fixed trajectory length LΔt.
        let g = Gaussian::correlated(1.0, 0.5, 0.6).expect("valid");
        let err = |dt: f64, l: u32| {
            let mut h = Hmc::new([1.0, 0.3], dt, l, 1.0).expect("valid");
            let mut rng = Rng::new(11);
            let mut s = 0.0;
            for _ in 0..50 {
                h.set_position([1.0, 0.3]).expect("finite");
                h.step(&g, &mut rng, &mut ignore);
                s += h.last_energy_error().abs();
            }
            s
        };
        let ratio = err(0.1, 10) / err(0.05, 20);
        assert!((ratio - 4.0).abs() < 0.6, "ratio {ratio}");
    }

    #[test]
    fn huge_step_halts_and_bad_params_error() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut h = Hmc::new([1.0, 0.0], 1e9, 50, 1.0).expect("valid");
        let mut rng = Rng::new(4);
        h.step_many(10, &g, &mut rng, &mut ignore);
        assert!(h.halted().is_some());
        assert_eq!(h.position(), [1.0, 0.0]);
        assert!(Hmc::new([0.0, 0.0], 0.1, 0, 1.0).is_err());
        assert!(Hmc::new([0.0, 0.0], 0.1, MAX_LEAPFROG + 1, 1.0).is_err());
        assert!(Hmc::new([0.0, 0.0], -0.1, 5, 1.0).is_err());
        assert!(Hmc::new([0.0, 0.0], 0.1, 5, -1.0).is_err());
    }
}
