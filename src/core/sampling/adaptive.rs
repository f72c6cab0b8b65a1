//! Registry entries of the adaptive and microcanonical chains (issue 13): adaptive Metropolis
//! (Haario, Saksman & Tamminen 2001) with its proposal ellipse, microcanonical HMC (Robnik et
//! al. 2023), and HMC and NUTS whose step size is tuned by dual averaging during a warm-up
//! and then frozen (Hoffman & Gelman 2014, Algorithms 5 and 6). Each is one [`SamplerEntry`]
//! listed in the registry's `ENTRIES`; its parameters are `knob!` rows of the lab's table.

use crate::landscape::Energy2d;
use crate::rng::Rng;
use crate::sampler::{
    AdaptiveHamiltonian, AdaptiveMetropolis, Event2d, Mchmc, Sampler2d, SamplerError, Warmup,
};
use crate::settings::opt;
use crate::trace::Trace;

use super::look::Look;
use super::registry::{chain_with, Draw, Engine, Family, Knobs, SamplerEntry, Shows};
use super::show;

/// The regulariser ε of adaptive Metropolis's `C_t = s_d(Cov + εI)` (squared view units).
pub const AM_REGULARISER: f64 = 1e-6;

fn retune_am(m: &mut AdaptiveMetropolis, _: &Knobs, t: f64) -> Result<(), SamplerError> {
    m.set_temperature(t)
}

/// Adaptive Metropolis: `σ₀` ("sigma") for the first `t₀` ("t0") proposals, then the scaled
/// covariance of the chain's history.
pub const AM: SamplerEntry = SamplerEntry {
    opt: opt("am", "adaptive Metropolis"),
    short: "AM",
    family: Family::Chain,
    knobs: &["sigma", "t0"],
    restart_on: &["sigma", "t0"],
    build: |s, k, _| {
        Ok(chain_with(
            AdaptiveMetropolis::new(
                s.x0,
                k.get("sigma"),
                u64::from(k.count("t0").max(1)),
                AM_REGULARISER,
                s.t,
            )?,
            retune_am,
            Shows {
                look: |m| Look::Ellipse {
                    at: m.position(),
                    cov: m.proposal_cov(),
                    adapted: m.is_adapting(),
                },
                readout: |m| Some(am_readout(m)),
                figure: |m, key| {
                    let c = m.proposal_cov();
                    match key {
                        "c11" => Some(c[0][0]),
                        "c12" => Some(c[0][1]),
                        "c22" => Some(c[1][1]),
                        "adapted" => Some(f64::from(u8::from(m.is_adapting()))),
                        _ => None,
                    }
                },
                ..Shows::none()
            },
        ))
    },
    about: |k, _| {
        format!(
            "RWMH whose proposal N(0, C) is learned: C₀ = σ₀²I with σ₀ = {} for the first t₀ = {} \
             steps, then C = (2.38²/2)(Cov(history) + εI) (Haario et al. 2001).",
            show(k.get("sigma")),
            k.count("t0")
        )
    },
};

/// The proposal covariance as the read-out shows it.
pub fn am_readout(m: &AdaptiveMetropolis) -> String {
    let c = m.proposal_cov();
    let state = if m.is_adapting() {
        format!("learned from {} states", m.history_len())
    } else {
        "C₀ = σ₀²I until t₀".into()
    };
    format!(
        "Proposal covariance C = [[{}, {}], [{}, {}]] ({state}).",
        show(c[0][0]),
        show(c[0][1]),
        show(c[1][0]),
        show(c[1][1])
    )
}

/// Microcanonical HMC: step ε ("mceps") and momentum decoherence length L ("mcL").
pub const MCHMC: SamplerEntry = SamplerEntry {
    opt: opt("mchmc", "microcanonical HMC"),
    short: "MCHMC",
    family: Family::Chain,
    knobs: &["mceps", "mcL"],
    restart_on: &[],
    build: |s, k, _| {
        Ok(chain_with(
            Mchmc::new(s.x0, k.get("mceps"), k.get("mcL"), s.t)?,
            |m, k, t| {
                m.set_params(k.get("mceps"), k.get("mcL"))?;
                m.set_temperature(t)
            },
            Shows {
                readout: |m| {
                    Some(format!(
                        "Last step's energy error {} (it should stay small).",
                        show(m.last_energy_error())
                    ))
                },
                ..Shows::none()
            },
        ))
    },
    about: |k, _| {
        format!(
            "a unit-speed velocity moved by the gradient (no accept/reject), steps ε = {}, the \
             direction partly refreshed over a length L = {} (Robnik et al. 2023).",
            show(k.get("mceps")),
            show(k.get("mcL"))
        )
    },
};

fn warmup(k: &Knobs) -> Warmup {
    Warmup {
        eps0: None,
        delta: k.get("delta"),
        m_adapt: u64::from(k.count("warm")),
        metric: true,
    }
}

/// HMC or NUTS with dual averaging as an [`Engine`], keeping the step size ε against
/// iteration for the plane's small ε trace (decimated: a bounded buffer).
pub struct Tuned {
    h: AdaptiveHamiltonian,
    eps: Trace,
}

/// Points the ε trace keeps.
const EPS_TRACE: usize = 256;

impl Tuned {
    fn boxed(h: AdaptiveHamiltonian) -> Box<dyn Engine> {
        Box::new(Self {
            h,
            eps: Trace::new(EPS_TRACE),
        })
    }
}

impl Engine for Tuned {
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError> {
        let x = self.h.step(target, rng, on);
        if let Some(e) = self.h.halted() {
            return Err(e.clone());
        }
        // The ε the next iteration uses (during warm-up, dual averaging's latest).
        self.eps.push(self.h.iteration() as f64, self.h.eps());
        Ok(Draw::Point(x))
    }
    fn position(&self) -> [f64; 2] {
        self.h.position()
    }
    fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError> {
        self.h.set_position(x)
    }
    fn retune(&mut self, _: &Knobs, t: f64) -> Result<(), SamplerError> {
        self.h.set_temperature(t)
    }
    fn step_size(&self) -> Option<f64> {
        Some(self.h.eps())
    }
    fn look(&self) -> Look<'_> {
        Look::StepSizes {
            trace: self.eps.points(),
            warmup: self.h.warmup().m_adapt,
        }
    }
    fn readout(&self) -> Option<String> {
        Some(da_readout(&self.h))
    }
    fn figure(&self, key: &str) -> Option<f64> {
        match key {
            "eps" => Some(self.h.eps()),
            "warmup" => Some(f64::from(u8::from(self.h.in_warmup()))),
            _ => None,
        }
    }
}

/// ε now, warm-up or frozen, as the read-out shows it.
pub fn da_readout(h: &AdaptiveHamiltonian) -> String {
    let w = h.warmup();
    let m = h.inverse_metric();
    if h.in_warmup() {
        format!(
            "Warm-up {}/{}: ε = {} adapting towards acceptance δ = {} (last {}); M⁻¹ = diag({}, \
             {}).",
            h.iteration(),
            w.m_adapt,
            show(h.eps()),
            show(w.delta),
            show(h.last_accept_stat()),
            show(m[0]),
            show(m[1])
        )
    } else {
        format!(
            "Frozen after {} warm-up steps: ε = {}, mean acceptance {} (target δ = {}); M⁻¹ = \
             diag({}, {}).",
            w.m_adapt,
            show(h.eps()),
            h.mean_accept_stat().map_or("—".into(), show),
            show(w.delta),
            show(m[0]),
            show(m[1])
        )
    }
}

/// HMC with dual-averaging warm-up: trajectory length λ ("lambda"), target acceptance δ
/// ("delta"), warm-up length ("warm").
pub const HMC_DA: SamplerEntry = SamplerEntry {
    opt: opt("hmcda", "HMC (adaptive ε)"),
    short: "HMC-DA",
    family: Family::Chain,
    knobs: &["lambda", "delta", "warm"],
    restart_on: &["lambda", "delta", "warm"],
    build: |s, k, _| {
        Ok(Tuned::boxed(AdaptiveHamiltonian::hmc(
            s.x0,
            k.get("lambda"),
            warmup(k),
            s.t,
        )?))
    },
    about: |k, _| {
        format!(
            "HMC with trajectory length λ = εL = {}; during {} warm-up steps dual averaging \
             moves log ε until the mean acceptance is δ = {}, then ε is frozen (Hoffman & \
             Gelman 2014, Alg. 5).",
            show(k.get("lambda")),
            k.count("warm"),
            show(k.get("delta"))
        )
    },
};

/// NUTS with dual-averaging warm-up: max depth ("depth"), δ ("delta"), warm-up ("warm").
pub const NUTS_DA: SamplerEntry = SamplerEntry {
    opt: opt("nutsda", "NUTS (adaptive ε)"),
    short: "NUTS-DA",
    family: Family::Chain,
    knobs: &["depth", "delta", "warm"],
    restart_on: &["depth", "delta", "warm"],
    build: |s, k, _| {
        Ok(Tuned::boxed(AdaptiveHamiltonian::nuts(
            s.x0,
            k.count("depth"),
            warmup(k),
            s.t,
        )?))
    },
    about: |k, st| {
        let (d, l) = st.tree.unwrap_or((0, 0));
        format!(
            "NUTS (no U-turn) whose ε is tuned by dual averaging for {} warm-up steps towards \
             δ = {}, then frozen (Alg. 6); last tree depth {d}, {l} leapfrog steps.",
            k.count("warm"),
            show(k.get("delta"))
        )
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::{Bounds, Gaussian};
    use crate::rng::Rng;
    use crate::sampling::lab::default_knobs;
    use crate::sampling::registry::Setup;

    fn setup() -> Setup {
        Setup {
            x0: [0.5, -0.5],
            view: Bounds::new(-4.0, 4.0, -4.0, 4.0).expect("box"),
            t: 1.0,
        }
    }

    #[test]
    fn the_am_ellipse_is_sigma0_then_learned() {
        let g = Gaussian::new([0.0, 0.0], [[1.0, 0.8], [0.8, 1.0]]).expect("gauss");
        let mut k = default_knobs();
        k.set("t0", 50.0);
        let mut e = (AM.build)(&setup(), &k, &mut Rng::new(1)).expect("am");
        let Look::Ellipse { cov, adapted, .. } = e.look() else {
            panic!("an ellipse")
        };
        assert!(!adapted);
        assert_eq!(cov, [[1.0, 0.0], [0.0, 1.0]], "σ₀²I with σ = 1");
        let mut rng = Rng::new(2);
        for _ in 0..2000 {
            e.step(&g, &mut rng, &mut |_| {}).expect("runs");
        }
        let Look::Ellipse { cov, adapted, at } = e.look() else {
            panic!("an ellipse")
        };
        assert!(adapted);
        assert_eq!(at, e.position());
        // C ≈ 2.83 Σ: the learned correlation shows.
        let rho = cov[0][1] / (cov[0][0] * cov[1][1]).sqrt();
        assert!(rho > 0.6, "ρ = {rho}");
        assert!(e.readout().is_some_and(|l| l.contains("learned from")));
    }

    #[test]
    fn dual_averaging_reads_out_warm_up_then_frozen() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("gauss");
        let mut k = default_knobs();
        k.set("warm", 100.0);
        for entry in [&HMC_DA, &NUTS_DA] {
            let mut e = (entry.build)(&setup(), &k, &mut Rng::new(1)).expect("builds");
            let mut rng = Rng::new(4);
            e.step(&g, &mut rng, &mut |_| {}).expect("runs");
            assert!(e.readout().is_some_and(|l| l.starts_with("Warm-up 1/100")));
            for _ in 0..150 {
                e.step(&g, &mut rng, &mut |_| {}).expect("runs");
            }
            let line = e.readout().expect("read-out");
            assert!(line.starts_with("Frozen after 100"), "{line}");
            let eps = e.step_size().expect("ε");
            assert!(eps > 0.05 && eps < 5.0, "{}: ε = {eps}", entry.short);
            let Look::StepSizes { trace, warmup } = e.look() else {
                panic!("the ε trace")
            };
            assert_eq!(warmup, 100);
            assert_eq!(trace.len(), 151, "ε after every iteration");
            assert_eq!(trace[150], (151.0, eps), "frozen: the last point is ε now");
        }
    }

    #[test]
    fn mchmc_retunes_in_place() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("gauss");
        let mut k = default_knobs();
        let mut e = (MCHMC.build)(&setup(), &k, &mut Rng::new(1)).expect("mchmc");
        let mut rng = Rng::new(4);
        for _ in 0..20 {
            e.step(&g, &mut rng, &mut |_| {}).expect("runs");
        }
        k.set("mceps", -1.0);
        assert!(e.retune(&k, 1.0).is_err(), "a refused ε");
        k.set("mceps", 0.2);
        e.retune(&k, 1.0).expect("in range");
        assert!(e.readout().is_some_and(|l| l.contains("energy error")));
    }
}
