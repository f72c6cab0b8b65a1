//! The `knob!` rows of the samplers added for issue 13 (adaptive Metropolis, MCHMC, dual
//! averaging, SVGD, DE-MCMC-Z, parallel tempering, nested sampling, AIS, SGLD), listed in the lab's
//! table one line each.

use crate::settings::{when, Range, Setting, Show};

use super::super::data::{DATA_BASE, DATA_SIZES};
use super::super::targets::Landscapes;
use super::{Sampling, MCMC};

/// The data size of the posterior targets (SGLD on data).
pub const NDATA: Setting<Sampling> = when(
    |s| s.view == MCMC && Landscapes::is_posterior(s.mcmc.target()),
    Setting::choice(
        "ndata",
        "Data",
        "How many data points the posterior conditions on (the shipped seeded set, a tenth of \
         it, or ten times as many): more data, a narrower posterior and a larger N/B",
        &DATA_SIZES,
        DATA_BASE,
        |s| s.mcmc.data_size(),
        |s, i| s.mcmc.set_data_size(i),
    ),
);

/// AM's adaptation start t₀.
pub const T0: Setting<Sampling> = knob!(
    "t0",
    "t₀",
    "Adaptive Metropolis: the first t₀ proposals use σ₀²I (σ₀ = σ), then the scaled \
     covariance of the chain's history (Haario et al. 2001)",
    Range::log_int(1.0, 10_000.0).clamped(),
    200.0
);
/// MCHMC's step ε.
pub const MCEPS: Setting<Sampling> = knob!(
    "mceps",
    "ε (MCHMC)",
    "Microcanonical HMC step size: too large and the energy error grows",
    Range::log(0.01, 5.0).clamped(),
    0.4
);
/// MCHMC's decoherence length L.
pub const MCL: Setting<Sampling> = knob!(
    "mcL",
    "L (MCHMC)",
    "Momentum decoherence length: the velocity is partly redrawn over about this distance",
    Range::log(0.05, 50.0).clamped(),
    2.0
);
/// The trajectory length λ of HMC with dual averaging.
pub const LAMBDA: Setting<Sampling> = knob!(
    "lambda",
    "λ = εL",
    "HMC trajectory length: dual averaging picks ε, then L = λ/ε leapfrog steps",
    Range::log(0.1, 20.0).clamped(),
    1.5
);
/// Dual averaging's target acceptance δ.
pub const DELTA: Setting<Sampling> = knob!(
    "delta",
    "δ",
    "Target acceptance statistic of dual averaging (0.65 in the paper, 0.8 in Stan): higher δ, \
     smaller ε",
    Range::lin(0.5, 0.99, 0.01).clamped().show(Show::Fixed(2)),
    0.8
);
/// The warm-up length of dual averaging.
pub const WARM: Setting<Sampling> = knob!(
    "warm",
    "warm-up",
    "Warm-up iterations: ε (and a diagonal mass matrix) adapt, then are frozen",
    Range::log_int(20.0, 5000.0).clamped(),
    300.0
);
/// SVGD's step ε.
pub const SVEPS: Setting<Sampling> = knob!(
    "sveps",
    "ε (SVGD)",
    "SVGD step: x ← x + εφ(x)",
    Range::log(0.001, 2.0).clamped(),
    0.2
);
/// SVGD's number of particles.
pub const SVN: Setting<Sampling> = knob!(
    "svn",
    "particles (SVGD)",
    "SVGD particles, 2 to 300 (each step costs n² kernel terms); a new number starts them \
     afresh",
    Range::log_int(2.0, 300.0).clamped(),
    100.0
);
/// DE-MCMC-Z's number of chains.
pub const DECHAINS: Setting<Sampling> = knob!(
    "dechains",
    "chains",
    "DE-MCMC-Z chains (they share one archive of past states)",
    Range::int(3.0, 64.0).clamped(),
    8.0
);
/// Parallel tempering's number of replicas.
pub const REPS: Setting<Sampling> = knob!(
    "reps",
    "replicas",
    "Parallel tempering: replicas on a geometric ladder from T to T_max",
    Range::int(2.0, 16.0).clamped(),
    5.0
);
/// Parallel tempering's hottest temperature over T.
pub const TMAX: Setting<Sampling> = knob!(
    "tmax",
    "T_max/T",
    "The hottest replica's temperature over T: hot replicas cross barriers and hand their \
     states down by swaps",
    Range::log(1.5, 1000.0).clamped(),
    30.0
);
/// Nested sampling's live points.
pub const LIVE: Setting<Sampling> = knob!(
    "live",
    "live points",
    "Nested sampling's live points N: the error of ln Z shrinks as √(H/N)",
    Range::log_int(10.0, 2000.0).clamped(),
    200.0
);
/// AIS's particles.
pub const AISN: Setting<Sampling> = knob!(
    "aisn",
    "particles (AIS)",
    "Annealed importance sampling particles",
    Range::log_int(10.0, 5000.0).clamped(),
    500.0
);
/// AIS's stages J.
pub const STAGES: Setting<Sampling> = knob!(
    "stages",
    "stages J",
    "AIS stages from β = 0 to β = 1: more stages, more even weights",
    Range::log_int(10.0, 10_000.0).clamped(),
    300.0
);
/// SGLD's step ε (ε₀ of the decaying schedule).
pub const SGEPS: Setting<Sampling> = knob!(
    "sgeps",
    "ε (SGLD)",
    "SGLD step: θ′ = θ + (ε/2)(∇log p(θ) + (N/B)Σ_batch ∇log P(xᵢ|θ)) + N(0, εI); the \
     posterior's gradient grows with N, so ε must be small",
    Range::log(0.00001, 0.5).clamped(),
    0.002
);
/// SGLD's mini-batch size B.
pub const BATCH: Setting<Sampling> = knob!(
    "batch",
    "mini-batch B",
    "Data points per SGLD gradient (the sum is scaled by N/B): small B, noisy gradient",
    Range::log_int(1.0, 1000.0).clamped(),
    10.0
);

#[cfg(test)]
mod tests {
    use super::super::TABLE;
    use super::*;
    use crate::params::Params;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[test]
    fn the_data_size_row_shows_on_a_posterior_and_restarts_it() {
        let mut s = Sampling::new(3, Rc::new(RefCell::new(None))).expect("lab");
        let p = Params::parse("#sampling?target=logistic&sampler=sgld&ndata=large").expect("link");
        assert!(TABLE.load(&mut s, &p).is_empty());
        s.restart(3);
        let mut t = 0.0;
        s.mcmc.advance(5, f64::INFINITY, &mut || {
            t += 1e-3;
            t
        });
        assert!(
            s.mcmc.about(0).contains("of N = 2\u{202f}000"),
            "{}",
            s.mcmc.about(0)
        );
        let mut out = Params::new("sampling");
        TABLE.save(&s, &mut out);
        assert_eq!(out.get("ndata"), Some("large"));
        // Off a posterior the row is hidden (and not written at its default).
        TABLE.set_text(&mut s, "target", "gauss").expect("target");
        TABLE.set_text(&mut s, "ndata", "base").expect("size");
        let mut out = Params::new("sampling");
        TABLE.save(&s, &mut out);
        assert_eq!(out.get("ndata"), None);
    }
}
