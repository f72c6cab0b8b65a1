//! SGLD on data (lecture, "Stochastic Gradient MCMC"): two Bayesian models whose posterior
//! lives on the plane, each with a small seeded data set shipped with the page, and the SGLD
//! sampler's registry entry (Welling & Teh 2011).
//!
//! - Logistic regression θ = (w, b): N = 200 points `x ~ N(0, 1.5²)` with labels
//!   `y ~ Bernoulli(σ(1.5x − 0.5))`, prior `N(0, 3² I)`.
//! - A 1-D Gaussian θ = (μ, ln σ): N = 100 points `x ~ N(1, 0.7²)`, priors `μ ~ N(0, 3²)`,
//!   `ln σ ~ N(0, 1.5²)`.
//!
//! Both are landscapes (their energy is `−ln` of the unnormalised posterior), so the exact
//! posterior is the heatmap and its moments come from grid integration, like any target's.
//! SGLD reads the data through [`Energy2d::as_data`]; on a landscape without data it has only
//! the prior's gradient `−∇E/T` and is the Langevin step with its schedule.

use crate::landscape::{
    Bounds, DataPosterior, Energy2d, GaussianPosterior, LandscapeError, LogisticPosterior,
};
use crate::rng::Rng;
use crate::sampler::{Event2d, SamplerError, Sgld, StepSchedule};
use crate::settings::{opt, Opt};

use super::registry::{Draw, Engine, Family, Knobs, SamplerEntry, DECAY_B, DECAY_GAMMA};
use super::{fmt_count, show};

/// Seed of the shipped data sets (they are the same on every page).
pub const DATA_SEED: u64 = 2011;
/// Points of the logistic-regression data.
pub const N_LOGISTIC: usize = 200;
/// Points of the Gaussian data.
pub const N_GAUSS: usize = 100;

/// The data-set sizes on offer (link key, label): a tenth of the shipped set, the shipped
/// set, ten times as many points (each the start of the same seeded stream, so the smaller
/// sets are subsets of the larger).
pub const DATA_SIZES: [Opt; 3] = [
    opt("small", "N/10 points"),
    opt("base", "N points (shipped)"),
    opt("large", "10·N points"),
];
/// The shipped size in [`DATA_SIZES`].
pub const DATA_BASE: usize = 1;

/// How many points size `i` of [`DATA_SIZES`] holds when the shipped set holds `n`.
pub fn data_points(n: usize, i: usize) -> usize {
    match i {
        0 => n / 10,
        2 => n * 10,
        _ => n,
    }
}

/// The logistic-regression posterior on its shipped data.
pub fn logistic_posterior() -> Result<LogisticPosterior, LandscapeError> {
    logistic_posterior_n(N_LOGISTIC)
}

/// The (μ, ln σ) posterior on its shipped data.
pub fn gaussian_posterior() -> Result<GaussianPosterior, LandscapeError> {
    gaussian_posterior_n(N_GAUSS)
}

/// The logistic-regression posterior on the first `n` points of the seeded stream.
pub fn logistic_posterior_n(n: usize) -> Result<LogisticPosterior, LandscapeError> {
    let mut rng = Rng::new(DATA_SEED);
    let mut xs = Vec::with_capacity(n);
    let mut ys = Vec::with_capacity(n);
    for _ in 0..n {
        let x = 1.5 * rng.normal();
        // y ~ Bernoulli(σ(w x + b)) with w = 1.5, b = −0.5.
        let p = 1.0 / (1.0 + crate::fastmath::exp(-(1.5 * x - 0.5)));
        xs.push(x);
        ys.push(rng.range(0.0, 1.0) < p);
    }
    LogisticPosterior::new(&xs, &ys, 3.0)
}

/// The (μ, ln σ) posterior on the first `n` points of the seeded stream.
pub fn gaussian_posterior_n(n: usize) -> Result<GaussianPosterior, LandscapeError> {
    let mut rng = Rng::new(DATA_SEED + 1);
    let xs: Vec<f64> = (0..n).map(|_| 1.0 + 0.7 * rng.normal()).collect();
    GaussianPosterior::new(&xs, 0.0, 3.0, 1.5)
}

/// A landscape without data seen as a data posterior: no data points, the prior's score is
/// `−∇E/T`.
struct NoData<'a> {
    e: &'a dyn Energy2d,
    inv_t: f64,
}

impl Energy2d for NoData<'_> {
    fn energy(&self, x: [f64; 2]) -> f64 {
        self.e.energy(x)
    }
    fn energy_and_grad(&self, x: [f64; 2], g: &mut [f64; 2]) -> f64 {
        self.e.energy_and_grad(x, g)
    }
    fn bounds(&self) -> Bounds {
        self.e.bounds()
    }
}

impl DataPosterior for NoData<'_> {
    fn n_data(&self) -> usize {
        0
    }
    fn grad_log_prior(&self, x: [f64; 2]) -> [f64; 2] {
        let mut g = [0.0; 2];
        self.e.energy_and_grad(x, &mut g);
        [-g[0] * self.inv_t, -g[1] * self.inv_t]
    }
    fn grad_log_lik(&self, _: usize, _: [f64; 2]) -> [f64; 2] {
        [0.0; 2]
    }
}

/// SGLD's schedule from knobs `sgeps` and `sched` (as [`Knobs::schedule`] builds ULA's).
pub fn sgld_schedule(k: &Knobs) -> Result<StepSchedule, SamplerError> {
    let eps = k.get("sgeps");
    if k.count("sched") == 1 {
        StepSchedule::decaying(
            eps * crate::fastmath::powf(DECAY_B, DECAY_GAMMA),
            DECAY_B,
            DECAY_GAMMA,
        )
    } else {
        StepSchedule::constant(eps)
    }
}

/// An SGLD chain as an [`Engine`].
pub struct SgldEngine {
    s: Sgld,
    t: f64,
    n: usize,
}

impl Engine for SgldEngine {
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError> {
        let x = match target.as_data() {
            Some(m) => {
                self.n = m.n_data();
                self.s.step(m, rng, on)
            }
            None => {
                self.n = 0;
                let m = NoData {
                    e: target,
                    inv_t: 1.0 / self.t,
                };
                self.s.step(&m, rng, on)
            }
        };
        match self.s.halted() {
            Some(e) => Err(e.clone()),
            None => Ok(Draw::Point(x)),
        }
    }
    fn position(&self) -> [f64; 2] {
        self.s.position()
    }
    fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError> {
        self.s.set_position(x)
    }
    fn retune(&mut self, k: &Knobs, t: f64) -> Result<(), SamplerError> {
        let sched = sgld_schedule(k)?;
        crate::sampler::check_temperature(t)?;
        self.s.set_batch(k.count("batch") as usize)?;
        if sched != self.s.schedule() {
            self.s.set_schedule(sched);
        }
        self.t = t;
        Ok(())
    }
    fn step_size(&self) -> Option<f64> {
        Some(self.s.current_eps())
    }
    fn readout(&self) -> Option<String> {
        Some(if self.n == 0 {
            "No data on this landscape: only the prior's gradient −∇E/T (the Langevin step); \
             pick a posterior target."
                .into()
        } else {
            let b = self.s.batch().min(self.n);
            format!(
                "Mini-batch B = {b} of N = {} (its gradient sum × N/B = {}); ε_t = {} at step {}.",
                fmt_count(self.n as u64),
                show(self.n as f64 / b.max(1) as f64),
                show(self.s.current_eps()),
                fmt_count(self.s.iteration())
            )
        })
    }
    fn figure(&self, key: &str) -> Option<f64> {
        match key {
            "eps" => Some(self.s.current_eps()),
            _ => None,
        }
    }
}

/// SGLD: mini-batch "batch", step "sgeps", schedule "sched".
pub const SGLD: SamplerEntry = SamplerEntry {
    opt: opt("sgld", "SGLD (mini-batches)"),
    short: "SGLD",
    family: Family::Chain,
    knobs: &["sgeps", "sched", "batch"],
    restart_on: &[],
    build: |s, k, _| {
        crate::sampler::check_temperature(s.t)?;
        Ok(Box::new(SgldEngine {
            s: Sgld::new(s.x0, sgld_schedule(k)?, k.count("batch") as usize)?,
            t: s.t,
            n: 0,
        }))
    },
    about: |k, st| {
        format!(
            "θ′ = θ + (ε_t/2)(∇log p(θ) + (N/B)Σ_batch ∇log P(xᵢ|θ)) + N(0, ε_t I) with ε = {} \
             ({}) and B = {}; no accept/reject (Welling & Teh 2011). The posterior is sampled \
             at T = 1.",
            show(st.eps_now.unwrap_or(k.get("sgeps"))),
            if k.count("sched") == 1 {
                "decaying: Σε_t = ∞, Σε_t² < ∞"
            } else {
                "constant: biased"
            },
            k.count("batch")
        )
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::{grid_moments, Gaussian};
    use crate::sampler::RunningMoments;

    #[test]
    fn the_shipped_data_are_seeded_and_their_posteriors_are_finite() {
        let a = logistic_posterior().expect("logistic");
        let b = logistic_posterior().expect("logistic");
        assert_eq!(a, b, "the same data every time");
        assert_eq!(a.n_data(), N_LOGISTIC);
        let g = gaussian_posterior().expect("gauss");
        assert_eq!(g.n_data(), N_GAUSS);
        // The Gaussian posterior's mode sits near the data's mean and log-sd.
        let m = grid_moments(&g, 1.0, g.bounds(), 200).expect("moments");
        let mean = g.xs().iter().sum::<f64>() / N_GAUSS as f64;
        assert!((m.mean[0] - mean).abs() < 0.02, "{:?}", m.mean);
        assert!((m.mean[1] - 0.7f64.ln()).abs() < 0.15, "{:?}", m.mean);
        assert!(
            a.as_data().is_some()
                && Gaussian::isotropic([0.0; 2], 1.0)
                    .expect("g")
                    .as_data()
                    .is_none()
        );
    }

    fn run_sgld(k: &Knobs, n: usize) -> ([f64; 2], [f64; 2]) {
        let post = logistic_posterior().expect("logistic");
        let mut e = (SGLD.build)(
            &super::super::registry::Setup {
                x0: [1.0, 0.0],
                view: post.bounds(),
                t: 1.0,
            },
            k,
            &mut Rng::new(1),
        )
        .expect("sgld");
        let mut rng = Rng::new(2);
        let mut m = RunningMoments::new();
        for i in 0..n {
            let Ok(Draw::Point(x)) = e.step(&post, &mut rng, &mut |_| {}) else {
                panic!("a point")
            };
            if i >= n / 5 {
                m.push(x);
            }
        }
        let c = m.cov().expect("cov");
        (m.mean(), [c[0][0].sqrt(), c[1][1].sqrt()])
    }

    #[test]
    fn sgld_with_a_small_step_matches_the_posterior_and_a_large_constant_step_is_too_wide() {
        let post = logistic_posterior().expect("logistic");
        let exact = grid_moments(&post, 1.0, post.bounds().expanded(0.5), 200).expect("grid");
        let sd = [exact.cov[0][0].sqrt(), exact.cov[1][1].sqrt()];
        let mut k = Knobs::default();
        k.set("batch", 20.0);
        k.set("sched", 0.0);
        k.set("sgeps", 0.0005);
        let (m, s) = run_sgld(&k, 40_000);
        for a in 0..2 {
            assert!(
                (m[a] - exact.mean[a]).abs() < 0.3 * sd[a],
                "mean {m:?} vs {:?}",
                exact.mean
            );
            assert!((s[a] / sd[a] - 1.0).abs() < 0.25, "sd {s:?} vs {sd:?}");
        }
        k.set("sgeps", 0.01);
        k.set("batch", 2.0);
        let (_, wide) = run_sgld(&k, 40_000);
        assert!(
            wide[0] > 1.3 * sd[0],
            "constant large ε, small B: {wide:?} vs {sd:?}"
        );
    }
}
