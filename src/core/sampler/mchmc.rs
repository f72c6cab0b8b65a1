//! Microcanonical Hamiltonian Monte Carlo (Robnik, De Luca, Silverstein & Seljak,
//! "Microcanonical Hamiltonian Monte Carlo", JMLR 24(311), 2023), with the Langevin-type
//! partial velocity refresh of Robnik & Seljak ("Microcanonical Langevin Monte Carlo",
//! arXiv:2303.18221, 2023).
//!
//! Instead of a Gaussian momentum, the particle moves at unit speed: its velocity `u` lives on
//! the unit circle and turns towards higher density,
//!
//! `ẋ = u`,  `u̇ = (I − u uᵀ) ∇ln p(x) / (d − 1)`  (d = 2 here),
//!
//! dynamics chosen so that, with a little noise on `u`, the x-marginal of their stationary
//! distribution is exactly `p ∝ exp(−E/T)` — no Metropolis correction and no momentum
//! resampling to a Gaussian. The velocity step has a closed form (the ESH update; MCHMC paper,
//! eq. (16)): with `e = ∇ln p/|∇ln p|` and `δ = ε|∇ln p|/(d − 1)`,
//!
//! `u ← (u + e (sinh δ + (e·u)(cosh δ − 1))) / (cosh δ + (e·u) sinh δ)`,
//!
//! computed here in the overflow-free form with `ζ = e^{−δ}` and a renormalisation. One step is
//! a leapfrog `V(ε/2) T(ε) V(ε/2)` with `T: x ← x + ε u`, then the partial refresh
//! `u ← (u + ν z)/|u + ν z|`, `z ~ N(0, I)`, `ν = √((e^{2ε/L} − 1)/d)`, which decorrelates the
//! direction over a distance of about L. The energy error of the step (the change of
//! `−ln p(x) + (d − 1) r`, r the kinetic term) is reported, as the paper uses it to tune ε.
//!
//! Like unadjusted Langevin, the chain is exact only as ε → 0 (bias O(ε²)); the tests use a
//! step small enough for the bias to sit below the Monte Carlo error.

use super::fault::Fault;
use super::{
    check_positive, check_temperature, is_finite2, potential_and_grad, ChainState, Event2d,
    OnEvent, Sampler2d, SamplerError, StepResult, Transition,
};
use crate::fastmath::{exp, exp_m1, hypot, ln, sin_cos};
use crate::landscape::Energy2d;
use crate::rng::Rng;

/// Dimension of the plane.
const D: f64 = 2.0;

/// A microcanonical (unit-speed) Langevin chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Mchmc {
    state: ChainState,
    /// Unit velocity; `[0, 0]` until the first step draws a random direction.
    u: [f64; 2],
    eps: f64,
    l: f64,
    t: f64,
    last_energy_error: f64,
    fault: Fault,
}

impl Mchmc {
    /// A chain at `x0` with step size `ε > 0`, momentum decoherence length `L > 0` and
    /// temperature `T > 0`.
    pub fn new(x0: [f64; 2], eps: f64, l: f64, t: f64) -> Result<Self, SamplerError> {
        Ok(Self {
            state: ChainState::new(x0)?,
            u: [0.0, 0.0],
            eps: check_positive("step size ε", eps)?,
            l: check_positive("decoherence length L", l)?,
            t: check_temperature(t)?.0,
            last_energy_error: 0.0,
            fault: Fault::None,
        })
    }

    /// The current unit velocity (zero before the first step).
    pub fn velocity(&self) -> [f64; 2] {
        self.u
    }

    /// The energy error of the last step.
    pub fn last_energy_error(&self) -> f64 {
        self.last_energy_error
    }

    /// Changes ε and L (both > 0, finite).
    pub fn set_params(&mut self, eps: f64, l: f64) -> Result<(), SamplerError> {
        self.eps = check_positive("step size ε", eps)?;
        self.l = check_positive("decoherence length L", l)?;
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

    /// The velocity update `V(h)` with `g = ∇U = −∇ln p`; returns the new `u` and the kinetic
    /// change `Δr`.
    fn turn(&self, u: [f64; 2], g: [f64; 2], h: f64) -> ([f64; 2], f64) {
        let norm = hypot(g[0], g[1]);
        if norm == 0.0 {
            return (u, 0.0);
        }
        // e = ∇ln p/|∇ln p|,  δ = h|∇ln p|/(d − 1).
        let e = [-g[0] / norm, -g[1] / norm];
        let dim = if self.fault == Fault::MchmcWrongDimension {
            D
        } else {
            D - 1.0
        };
        let delta = h * norm / dim;
        let ue = u[0] * e[0] + u[1] * e[1];
        let zeta = exp(-delta);
        // (u + e(sinh δ + (e·u)(cosh δ − 1)))·2ζ = e(1 − ζ)(1 + ζ + (e·u)(1 − ζ)) + 2ζu.
        let a = (1.0 - zeta) * (1.0 + zeta + ue * (1.0 - zeta));
        let v = [e[0] * a + 2.0 * zeta * u[0], e[1] * a + 2.0 * zeta * u[1]];
        let n = hypot(v[0], v[1]);
        // Δr = δ − ln 2 + ln(1 + e·u + (1 − e·u)ζ²).
        let dr = delta - std::f64::consts::LN_2 + ln(1.0 + ue + (1.0 - ue) * zeta * zeta);
        ([v[0] / n, v[1] / n], dr)
    }
}

impl Transition for Mchmc {
    fn state(&self) -> &ChainState {
        &self.state
    }

    fn state_mut(&mut self) -> &mut ChainState {
        &mut self.state
    }

    fn try_step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut OnEvent) -> StepResult {
        let (_, inv_t) = check_temperature(self.t)?;
        let (x, eps) = (self.state.x, self.eps);
        if self.u == [0.0, 0.0] {
            let a = std::f64::consts::TAU * rng.uniform();
            let (s, c) = sin_cos(a);
            self.u = [c, s];
            on(Event2d::Momentum { at: x, p: self.u });
        }
        let mut g = [0.0; 2];
        let u0 = potential_and_grad(target, x, inv_t, &mut g)?;
        // V(ε/2) T(ε) V(ε/2).
        let (u, dr1) = self.turn(self.u, g, 0.5 * eps);
        let y = [x[0] + eps * u[0], x[1] + eps * u[1]];
        if !is_finite2(y) {
            return Err(SamplerError::Diverged {
                what: "position",
                at: x,
            });
        }
        let u1 =
            potential_and_grad(target, y, inv_t, &mut g).map_err(|_| SamplerError::Diverged {
                what: "energy",
                at: x,
            })?;
        let (u, dr2) = self.turn(u, g, 0.5 * eps);
        on(Event2d::Leapfrog { x: y, p: u });
        // Energy error: Δ(−ln p) + (d − 1)(Δr₁ + Δr₂).
        let de = (u1 - u0) + (D - 1.0) * (dr1 + dr2);
        self.last_energy_error = de;
        on(Event2d::EnergyError { delta_h: de });
        // Partial refresh: u ← (u + νz)/|u + νz|, ν = √((e^{2ε/L} − 1)/d).
        let nu = (exp_m1(2.0 * eps / self.l) / D).sqrt();
        let w = [u[0] + nu * rng.normal(), u[1] + nu * rng.normal()];
        let n = hypot(w[0], w[1]);
        self.u = if n > 0.0 && n.is_finite() {
            [w[0] / n, w[1] / n]
        } else {
            u
        };
        if !is_finite2(self.u) {
            return Err(SamplerError::Diverged {
                what: "velocity",
                at: x,
            });
        }
        on(Event2d::Move { from: x, to: y });
        self.state.x = y;
        Ok(())
    }
}

impl Sampler2d for Mchmc {
    fn name(&self) -> &'static str {
        "mchmc"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;
    use crate::sampler::ignore;

    #[test]
    fn constructor_rejects_bad_parameters() {
        assert!(Mchmc::new([0.0, 0.0], 0.1, 1.0, 1.0).is_ok());
        for (eps, l, t) in [
            (0.0, 1.0, 1.0),
            (-0.1, 1.0, 1.0),
            (f64::NAN, 1.0, 1.0),
            (f64::INFINITY, 1.0, 1.0),
            (0.1, 0.0, 1.0),
            (0.1, f64::NAN, 1.0),
            (0.1, 1.0, 0.0),
            (0.1, 1.0, f64::INFINITY),
        ] {
            let e = Mchmc::new([0.0, 0.0], eps, l, t).expect_err("invalid");
            assert!(!e.to_string().is_empty());
        }
        assert!(Mchmc::new([f64::NAN, 0.0], 0.1, 1.0, 1.0).is_err());
    }

    #[test]
    fn the_velocity_update_matches_the_sinh_cosh_form_and_keeps_unit_speed() {
        let m = Mchmc::new([0.0, 0.0], 0.1, 1.0, 1.0).expect("valid");
        for (u, g, h) in [
            ([1.0, 0.0], [0.3, -2.0], 0.2),
            ([0.6, 0.8], [-1.0, 0.5], 0.7),
            ([0.0, -1.0], [0.0, 4.0], 0.05),
        ] {
            let (v, _) = m.turn(u, g, h);
            let norm = g[0].hypot(g[1]);
            let e = [-g[0] / norm, -g[1] / norm];
            let d = h * norm / (D - 1.0);
            let ue = u[0] * e[0] + u[1] * e[1];
            let den = d.cosh() + ue * d.sinh();
            for k in 0..2 {
                let want = (u[k] + e[k] * (d.sinh() + ue * (d.cosh() - 1.0))) / den;
                assert!((v[k] - want).abs() < 1e-12, "{v:?}");
            }
            assert!((v[0].hypot(v[1]) - 1.0).abs() < 1e-12);
        }
        // A huge gradient turns u onto ∇ln p without overflow.
        let (v, dr) = m.turn([1.0, 0.0], [0.0, -1e300], 1.0);
        assert!((v[1] - 1.0).abs() < 1e-12 && dr.is_finite());
    }

    #[test]
    fn speed_is_one_and_the_run_replays() {
        let g = Gaussian::correlated(1.0, 2.0, 0.5).expect("valid");
        let run = |seed| {
            let mut s = Mchmc::new([0.3, -0.2], 0.1, 2.0, 1.0).expect("valid");
            let mut rng = Rng::new(seed);
            let mut prev = s.position();
            for _ in 0..100 {
                let x = s.step(&g, &mut rng, &mut ignore);
                // Every step moves exactly ε.
                assert!(((x[0] - prev[0]).hypot(x[1] - prev[1]) - 0.1).abs() < 1e-12);
                prev = x;
            }
            s.position()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }

    #[test]
    fn energy_error_shrinks_with_the_step() {
        // Leapfrog: the one-step energy error falls like ε³ locally; halving ε must cut the
        // mean |ΔE| by well over 2.
        let g = Gaussian::correlated(1.0, 2.0, 0.5).expect("valid");
        let err = |eps: f64| {
            let mut s = Mchmc::new([0.5, 0.5], eps, 1e9, 1.0).expect("valid");
            let mut rng = Rng::new(3);
            let mut sum = 0.0;
            for _ in 0..200 {
                s.step(&g, &mut rng, &mut ignore);
                sum += s.last_energy_error().abs();
            }
            sum
        };
        let r = err(0.2) / err(0.1);
        assert!(r > 3.0, "ratio {r}");
    }

    #[test]
    fn a_huge_step_halts_without_nan() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut s = Mchmc::new([0.0, 0.0], 1e308, 1.0, 1.0).expect("valid");
        let mut rng = Rng::new(4);
        s.step_many(10, &g, &mut rng, &mut ignore);
        assert!(s.halted().is_some());
        assert!(is_finite2(s.position()));
    }
}
