//! Pure benchmark workloads: the same code is timed natively and in WebAssembly by the caller
//! (no clock in here).

use super::{
    ignore, AdaptiveHamiltonian, AdaptiveMetropolis, Ais, AisSettings, DeMcmcZ, DeSettings, Hmc,
    Mala, Mchmc, Metropolis, NestedSampling, NestedSettings, ParallelTempering, Population2d,
    Sampler2d, Sgld, StepSchedule, Svgd, Warmup,
};
use crate::landscape::{Banana, Bounds, DataPosterior, Energy2d, LogisticPosterior};
use crate::rng::Rng;

/// What the page sees of a sampler and its target: both are chosen at run time, so the page
/// calls them through their trait objects. `black_box` keeps the optimiser from seeing through
/// them in these loops too, on every target alike — otherwise a native build, in which the
/// benchmark is the only caller, inlines the whole step and the landscape into the loop and
/// times code the page never runs (for MALA natively 0.28 ms instead of 0.63 ms per 10 000
/// steps).
#[inline(always)]
pub(crate) fn opaque<T>(x: T) -> T {
    std::hint::black_box(x)
}

/// The warm-up of the dual-averaging rows.
const BENCH_WARMUP: Warmup = Warmup {
    eps0: None,
    delta: 0.8,
    m_adapt: 500,
    metric: true,
};

/// Runs `n_steps` transitions of sampler `kind` — `"rwmh"` (σ = 1), `"mala"` (ε = 0.1),
/// `"hmc"` (Δt = 0.15, L = 10), `"adaptive_mh"` (σ₀ = 1, t₀ = 100, ε = 10⁻⁶), or
/// `"hmc_dual_averaging"` (λ = 1.5) and `"nuts_dual_averaging"` (depth ≤ 10) with a 500-step
/// warm-up (δ = 0.8, diagonal metric) included in `n_steps`, or `"mchmc"` (ε = 0.1, L = 1.5)
/// — on the default [`Banana`] at
/// T = 1 from the origin with seed
/// `seed`, and returns a checksum (the sum of all visited coordinates) so the work cannot be
/// optimised away. Returns NaN for an unknown `kind`.
pub fn bench_steps(kind: &str, n_steps: usize, seed: u64) -> f64 {
    let target = Banana::default();
    let mut rng = Rng::new(seed);
    let x0 = [0.0, 0.0];
    let run = |s: &mut dyn Sampler2d, rng: &mut Rng| {
        let (s, target): (&mut dyn Sampler2d, &dyn Energy2d) = (opaque(s), opaque(&target));
        let mut sum = 0.0;
        for _ in 0..n_steps {
            let x = s.step(target, rng, &mut ignore);
            sum += x[0] + x[1];
        }
        sum
    };
    match kind {
        "rwmh" => {
            Metropolis::random_walk(x0, 1.0, 1.0).map_or(f64::NAN, |mut s| run(&mut s, &mut rng))
        }
        "mala" => Mala::new(x0, 0.1, 1.0).map_or(f64::NAN, |mut s| run(&mut s, &mut rng)),
        "hmc" => Hmc::new(x0, 0.15, 10, 1.0).map_or(f64::NAN, |mut s| run(&mut s, &mut rng)),
        "adaptive_mh" => AdaptiveMetropolis::new(x0, 1.0, 100, 1e-6, 1.0)
            .map_or(f64::NAN, |mut s| run(&mut s, &mut rng)),
        "hmc_dual_averaging" => AdaptiveHamiltonian::hmc(x0, 1.5, BENCH_WARMUP, 1.0)
            .map_or(f64::NAN, |mut s| run(&mut s, &mut rng)),
        "nuts_dual_averaging" => AdaptiveHamiltonian::nuts(x0, 10, BENCH_WARMUP, 1.0)
            .map_or(f64::NAN, |mut s| run(&mut s, &mut rng)),
        "mchmc" => Mchmc::new(x0, 0.1, 1.5, 1.0).map_or(f64::NAN, |mut s| run(&mut s, &mut rng)),
        _ => f64::NAN,
    }
}

/// Runs `n_steps` SGLD steps (mini-batch B = 10, ε_t = 0.05 (10 + t)^{−0.55}) on the logistic
/// regression posterior of 100 labelled points drawn from the seed (x ~ N(0, 1.5²),
/// y ~ Bernoulli(σ(1.2x − 0.4)), prior sd 5) from θ = 0; returns the sum of all visited
/// coordinates.
pub fn bench_sgld(n_steps: usize, seed: u64) -> f64 {
    let mut rng = Rng::new(seed);
    let xs: Vec<f64> = (0..100).map(|_| 1.5 * rng.normal()).collect();
    let ys: Vec<bool> = xs
        .iter()
        .map(|&x| rng.uniform() < 1.0 / (1.0 + crate::fastmath::exp(0.4 - 1.2 * x)))
        .collect();
    let (Ok(model), Ok(schedule)) = (
        LogisticPosterior::new(&xs, &ys, 5.0),
        StepSchedule::decaying(0.05 * crate::fastmath::powf(10.0, 0.55), 10.0, 0.55),
    ) else {
        return f64::NAN;
    };
    let Ok(mut chain) = Sgld::new([0.0, 0.0], schedule, 10) else {
        return f64::NAN;
    };
    let (chain, model): (&mut Sgld, &dyn DataPosterior) = (opaque(&mut chain), opaque(&model));
    let mut sum = 0.0;
    for _ in 0..n_steps {
        let t = chain.step(model, &mut rng, &mut |_| {});
        sum += t[0] + t[1];
    }
    sum
}

/// The box population samplers start from in the benchmarks: `[−6, 6]²`.
pub const BENCH_BOX: Bounds = Bounds {
    x_min: -6.0,
    x_max: 6.0,
    y_min: -6.0,
    y_max: 6.0,
};

/// Runs `n_iter` iterations of population sampler `kind` on the default [`Banana`] at T = 1
/// with seed `seed` — `"de_mcmc_z"`: 3 chains, an archive of 30 uniform draws from
/// [`BENCH_BOX`], the paper's settings (K = 10, snooker probability 0.1); `"svgd"`: 100
/// particles from N(0, 2² I), fixed step ε = 0.05; `"nested"`: 100 live points on the prior
/// box [`BENCH_BOX`], RadFriends with 20 bootstrap rounds every 10 iterations (the run is cut
/// at `n_iter` iterations, before its termination rule); `"parallel_tempering"`: 5 replicas
/// on the geometric ladder T = 1 … 16 from the origin, σ = 0.8; `"ais"`: 500 particles from
/// N(0, 4² I) annealed over `n_iter` stages (β = (j/J)⁴, two RWMH steps of σ = 0.7 each) — and
/// returns a
/// checksum (the sum of all members' coordinates after every iteration). NaN for an unknown
/// `kind`.
pub fn bench_population(kind: &str, n_iter: usize, seed: u64) -> f64 {
    let target = Banana::default();
    let mut rng = Rng::new(seed);
    let run = |p: &mut dyn Population2d, rng: &mut Rng| {
        let (p, target): (&mut dyn Population2d, &dyn Energy2d) = (opaque(p), opaque(&target));
        let mut sum = 0.0;
        for _ in 0..n_iter {
            p.step(target, rng, &mut |_, _| {});
            sum += p.points().iter().map(|x| x[0] + x[1]).sum::<f64>();
        }
        sum
    };
    match kind {
        "de_mcmc_z" => DeMcmcZ::from_box(BENCH_BOX, 3, 30, DeSettings::default(), 1.0, &mut rng)
            .map_or(f64::NAN, |mut p| run(&mut p, &mut rng)),
        "svgd" => Svgd::from_gaussian(100, [0.0, 0.0], 2.0, 0.05, 1.0, &mut rng)
            .map_or(f64::NAN, |mut p| run(&mut p, &mut rng)),
        "nested" => {
            let settings = NestedSettings {
                tol: 1e-12,
                ..NestedSettings::with_live(100)
            };
            NestedSampling::new(&target, BENCH_BOX, settings, 1.0, &mut rng)
                .map_or(f64::NAN, |mut p| run(&mut p, &mut rng))
        }
        "parallel_tempering" => ParallelTempering::geometric([0.0, 0.0], 1.0, 16.0, 5, 0.8)
            .map_or(f64::NAN, |mut p| run(&mut p, &mut rng)),
        "ais" => {
            let settings = AisSettings {
                particles: 500,
                stages: n_iter.max(1),
                power: 4.0,
                mcmc_steps: 2,
                mcmc_sigma: 0.7,
                start_mean: [0.0, 0.0],
                start_sigma: 4.0,
            };
            Ais::new(settings, 1.0, &mut rng).map_or(f64::NAN, |mut p| run(&mut p, &mut rng))
        }
        _ => f64::NAN,
    }
}

/// `n` start points on a grid of spacing 0.04 around the origin (100 a row), flat
/// `[x₀, y₀, x₁, y₁, …]`: the starts of the batched benchmark rows.
pub(crate) fn grid_starts(n: usize) -> Vec<f64> {
    (0..n)
        .flat_map(|k| [(k % 100) as f64 * 0.04 - 2.0, (k / 100) as f64 * 0.04 - 2.0])
        .collect()
}

/// Benchmark workload: `steps` unadjusted Langevin steps (ε = 0.05, T = 1) of `n` particles on
/// the default [`Banana`] through [`super::langevin_particles`], from the same grid of starts
/// as [`super::batch::bench_batch`]; the buffers are made once and every repetition starts
/// again (no allocation). The checksum is the sum of the final coordinates.
pub fn bench_langevin_particles(n: usize, steps: usize, seed: u64) -> Box<dyn FnMut() -> f64> {
    let target = Banana::default();
    let starts = grid_starts(n);
    let mut xs = starts.clone();
    Box::new(move || {
        xs.copy_from_slice(&starts);
        let mut rng = Rng::new(seed);
        let target: &dyn Energy2d = opaque(&target);
        for _ in 0..steps {
            if super::langevin_particles(&mut xs, target, 0.05, 1.0, &mut rng).is_err() {
                return f64::NAN;
            }
        }
        xs.iter().sum()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_are_finite_and_replayable() {
        for kind in [
            "rwmh",
            "mala",
            "hmc",
            "adaptive_mh",
            "hmc_dual_averaging",
            "nuts_dual_averaging",
            "mchmc",
        ] {
            let a = bench_steps(kind, 200, 1);
            assert!(a.is_finite(), "{kind}");
            assert_eq!(a.to_bits(), bench_steps(kind, 200, 1).to_bits());
            assert_ne!(a, bench_steps(kind, 200, 2));
        }
        assert!(bench_steps("nope", 10, 1).is_nan());
        for kind in ["de_mcmc_z", "svgd", "nested", "parallel_tempering", "ais"] {
            let a = bench_population(kind, 50, 1);
            assert!(a.is_finite(), "{kind}");
            assert_eq!(a.to_bits(), bench_population(kind, 50, 1).to_bits());
            assert_ne!(a, bench_population(kind, 50, 2));
        }
        assert!(bench_population("nope", 10, 1).is_nan());
        let a = bench_sgld(100, 1);
        assert!(a.is_finite());
        assert_eq!(a.to_bits(), bench_sgld(100, 1).to_bits());
        let mut rep = bench_langevin_particles(50, 3, 1);
        let a = rep();
        assert!(a.is_finite() && a.to_bits() == rep().to_bits());
        assert_eq!(a.to_bits(), bench_langevin_particles(50, 3, 1)().to_bits());
    }
}
