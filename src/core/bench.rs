//! Benchmark workloads: deterministic, pure, and shared by the native runner
//! (`examples/bench.rs`) and the page's Speed tab, so both time exactly the same code.
//! Nothing here reads a clock; the caller times `run`.

use crate::hopfield::{bench_recall_setup, Dense, Dynamics, Network, Order, OverlapNetwork, State};
use crate::ising::{bench_lattice, bench_one_sweep, Lattice};
use crate::pattern::{flip_fraction, random_pattern};
use crate::rng::Rng;
use crate::sampler::batch::bench_batch;
use crate::sampler::bench::bench_langevin_particles;
use crate::sampler::{bench_population, bench_sgld, bench_steps};

/// One benchmark workload: `prepare` builds the inputs (untimed), the returned closure does one
/// repetition of the timed work and returns a checksum (so the optimiser cannot drop it).
pub struct Workload {
    /// Row name in the table.
    pub name: &'static str,
    /// What one repetition does.
    pub what: &'static str,
    /// Builds the inputs from a seed and returns the timed repetition.
    pub prepare: fn(u64) -> Box<dyn FnMut() -> f64>,
}

/// Every workload, in table order.
pub fn workloads() -> Vec<Workload> {
    vec![
        Workload {
            name: "hopfield_energy_n1024",
            what: "E(y) = −½ yᵀWy for a dense random symmetric W, N = 1024",
            prepare: |seed| {
                let (net, y) = energy_inputs(seed);
                Box::new(move || net.energy(&y))
            },
        },
        Workload {
            name: "hopfield_recall_64x64",
            what: "recall to a fixed point: N = 4096, 10 Hebbian patterns, 20 % noise, sequential async updates",
            prepare: |seed| {
                let (net, start) = recall_inputs(seed);
                let mut dynamics = match Dynamics::new(net.n(), Order::Sequential, &mut Rng::new(seed)) {
                    Ok(d) => d,
                    Err(e) => unreachable!("N = 4096 fits the schedule: {e}"),
                };
                let mut state = start.clone();
                let mut rng = Rng::new(seed);
                Box::new(move || {
                    state.clone_from(&start);
                    dynamics.restart(&mut rng);
                    recall_checksum(&net, &mut state, &mut dynamics, &mut rng)
                })
            },
        },
        Workload {
            name: "ising_metropolis_512x512_10_sweeps",
            what: "10 checkerboard Metropolis sweeps of a 512×512 lattice at T = 2.5 (plus its random start)",
            prepare: |seed| Box::new(move || crate::ising::bench_ising_sweeps(512, 10, seed)),
        },
        Workload {
            name: "ising_metropolis_1024x1024_sweep",
            what: "one checkerboard Metropolis sweep of a 1024×1024 lattice at T = 2.5 (the vectorised \
                   plane kernel), from a fixed state restored by a copy",
            prepare: |seed| ising_sweep_workload(seed, false),
        },
        Workload {
            name: "ising_heat_bath_1024x1024_sweep",
            what: "one checkerboard heat-bath sweep of a 1024×1024 lattice at T = 2.5, from a fixed \
                   state restored by a copy",
            prepare: |seed| ising_sweep_workload(seed, true),
        },
        Workload {
            name: "ising_paint_rgba_1024x1024",
            what: "paint a 1024×1024 lattice into an RGBA u32 buffer (branch-free select per pixel)",
            prepare: |seed| {
                let lat = ising_start(seed);
                let mut buf = vec![0u32; lat.n()];
                Box::new(move || {
                    lat.paint_rgba(&mut buf, 0xFF93_5400, 0xFF40_C4F7);
                    // a sample of the pixels, so the work cannot be dropped
                    buf.iter().step_by(4097).map(|&p| f64::from(p & 0xFF)).sum()
                })
            },
        },
        Workload {
            name: "heatmap_paint_bilinear_64_to_800",
            what: "colour an 800×800 heatmap from a 64×64 grid (bilinear, viridis table), as the \
                   planes recolour when their landscape changes",
            prepare: |seed| {
                let mut rng = Rng::new(seed);
                let (n, side) = (64, 800);
                let grid: Vec<f32> = (0..n * n).map(|_| rng.uniform() as f32).collect();
                let lut: Vec<[u8; 3]> = (0..256)
                    .map(|i| crate::chart::viridis(f64::from(i) / 255.0))
                    .collect();
                let mut rgba = vec![0u8; 4 * side * side];
                Box::new(move || {
                    crate::landscape::paint_bilinear(&grid, n, side, &lut, &mut rgba);
                    // a sample of the pixels, so the work cannot be dropped
                    rgba.iter().step_by(4099).map(|&b| f64::from(b)).sum()
                })
            },
        },
        Workload {
            name: "ebm_cd_20_steps_batch128",
            what: "20 contrastive-divergence steps of the 2→64→64→1 energy, batch 128, 20 Langevin steps each",
            prepare: |seed| Box::new(move || crate::ebm::bench_ebm_train_steps(20, 128, seed)),
        },
        Workload {
            name: "rbm_cd1_epoch_digits",
            what: "one CD-1 epoch (scikit-learn's per-batch arithmetic): 1797 binarised digits, 100 hidden, batch 10",
            prepare: |seed| {
                let data = digits_binarised();
                Box::new(move || crate::rbm::bench_cd1_epoch(&data, 100, 10, seed))
            },
        },
        Workload {
            name: "hopfield_overlap_recall_256x256",
            what: "overlap-mode recall to a fixed point: N = 65536, 10 patterns, 20 % noise (W never stored)",
            prepare: |seed| {
                let mut rng = Rng::new(seed);
                let n = 256 * 256;
                let pats: Vec<Vec<i8>> = (0..10).map(|_| random_pattern(n, &mut rng)).collect();
                let mut cue = pats[0].clone();
                if let Err(e) = flip_fraction(&mut cue, 0.2, &mut rng) {
                    unreachable!("0.2 is a valid fraction: {e}");
                }
                let mut net = match OverlapNetwork::new(&pats, &cue) {
                    Ok(o) => o,
                    Err(e) => unreachable!("valid patterns: {e}"),
                };
                let mut dynamics = match Dynamics::new(n, Order::Sequential, &mut rng) {
                    Ok(d) => d,
                    Err(e) => unreachable!("N = 65536 fits the schedule: {e}"),
                };
                Box::new(move || {
                    if net.set_state(&cue).is_err() {
                        return f64::NAN;
                    }
                    dynamics.restart(&mut rng);
                    match dynamics.run_to_fixed_point(100, &mut net, &mut rng, &mut |_| {}) {
                        Ok(r) => r.sweeps as f64,
                        Err(_) => f64::NAN,
                    }
                })
            },
        },
        Workload {
            name: "normal_draws_20k",
            what: "20 000 standard normal draws (the ziggurat every single-chain sampler draws its \
                   noise from: two per step)",
            prepare: |seed| {
                Box::new(move || {
                    let mut rng = Rng::new(seed);
                    (0..20_000).map(|_| rng.normal()).sum()
                })
            },
        },
        Workload {
            name: "rwmh_banana_10k",
            what: "10 000 random-walk Metropolis steps (σ = 1) on the banana",
            prepare: |seed| Box::new(move || bench_steps("rwmh", 10_000, seed)),
        },
        Workload {
            name: "rwmh_batch_10k_chains_banana",
            what: "10 steps of 10 000 random-walk Metropolis chains (σ = 1) on the banana as one \
                   batch (structure of arrays, 100 000 chain-steps)",
            prepare: |seed| bench_batch("rwmh", 10_000, 10, seed),
        },
        Workload {
            name: "langevin_batch_10k_particles_banana",
            what: "10 unadjusted Langevin steps (ε = 0.05) of 10 000 particles on the banana as one \
                   batch (structure of arrays, 100 000 particle-steps)",
            prepare: |seed| bench_batch("langevin", 10_000, 10, seed),
        },
        Workload {
            name: "langevin_particles_10k_banana",
            what: "the same 10 Langevin steps of 10 000 particles through langevin_particles \
                   (interleaved positions, one landscape call per block of 64 particles, two normal \
                   draws per particle)",
            prepare: |seed| bench_langevin_particles(10_000, 10, seed),
        },
        Workload {
            name: "mala_banana_10k",
            what: "10 000 MALA steps (ε = 0.1) on the banana",
            prepare: |seed| Box::new(move || bench_steps("mala", 10_000, seed)),
        },
        Workload {
            name: "hmc_banana_1k",
            what: "1 000 HMC transitions (Δt = 0.15, L = 10) on the banana",
            prepare: |seed| Box::new(move || bench_steps("hmc", 1_000, seed)),
        },
        Workload {
            name: "adaptive_mh_banana_10k",
            what: "10 000 Adaptive Metropolis steps (σ₀ = 1, t₀ = 100, ε = 10⁻⁶) on the banana",
            prepare: |seed| Box::new(move || bench_steps("adaptive_mh", 10_000, seed)),
        },
        Workload {
            name: "hmc_dual_averaging_banana_1k",
            what: "1 000 HMC transitions (λ = 1.5) on the banana, the first 500 a dual-averaging warm-up with a diagonal metric",
            prepare: |seed| Box::new(move || bench_steps("hmc_dual_averaging", 1_000, seed)),
        },
        Workload {
            name: "nuts_dual_averaging_banana_1k",
            what: "1 000 NUTS transitions (depth ≤ 10) on the banana, the first 500 a dual-averaging warm-up with a diagonal metric",
            prepare: |seed| Box::new(move || bench_steps("nuts_dual_averaging", 1_000, seed)),
        },
        Workload {
            name: "de_mcmc_z_banana_3x3k",
            what: "3 000 DE-MCMC-Z iterations of 3 chains (archive of 30 from [−6, 6]², K = 10, snooker 10 %) on the banana",
            prepare: |seed| Box::new(move || bench_population("de_mcmc_z", 3_000, seed)),
        },
        Workload {
            name: "svgd_banana_100x200",
            what: "200 SVGD steps of 100 particles (RBF kernel, median bandwidth, ε = 0.05) on the banana",
            prepare: |seed| Box::new(move || bench_population("svgd", 200, seed)),
        },
        Workload {
            name: "nested_banana_100live_1k",
            what: "1 000 nested-sampling iterations with 100 live points on [−6, 6]² (RadFriends, 20 bootstrap rounds every 10 iterations) on the banana",
            prepare: |seed| Box::new(move || bench_population("nested", 1_000, seed)),
        },
        Workload {
            name: "parallel_tempering_banana_5x2k",
            what: "2 000 parallel-tempering iterations of 5 replicas (T = 1 … 16, one RWMH move each, even/odd neighbour swaps) on the banana",
            prepare: |seed| Box::new(move || bench_population("parallel_tempering", 2_000, seed)),
        },
        Workload {
            name: "ais_banana_500x100",
            what: "annealed importance sampling of 500 particles from N(0, 4²I) through 100 stages (β = (j/J)⁴, 2 RWMH steps each) on the banana",
            prepare: |seed| Box::new(move || bench_population("ais", 100, seed)),
        },
        Workload {
            name: "sgld_logistic_100pts_10k",
            what: "10 000 SGLD steps (mini-batch 10 of 100 labelled points, decaying ε) on the logistic-regression posterior",
            prepare: |seed| Box::new(move || bench_sgld(10_000, seed)),
        },
        Workload {
            name: "mchmc_banana_10k",
            what: "10 000 microcanonical Langevin steps (ε = 0.1, L = 1.5) on the banana",
            prepare: |seed| Box::new(move || bench_steps("mchmc", 10_000, seed)),
        },
    ]
}

/// The 1024² lattice of the Ising rows: 20 Metropolis sweeps from a random start.
fn ising_start(seed: u64) -> Lattice {
    match bench_lattice(1024, 20, seed) {
        Ok(l) => l,
        Err(e) => unreachable!("1024 is a valid side: {e}"),
    }
}

fn ising_sweep_workload(seed: u64, heat_bath: bool) -> Box<dyn FnMut() -> f64> {
    let start = ising_start(seed);
    let mut lat = start.clone();
    Box::new(move || bench_one_sweep(&mut lat, &start, heat_bath, seed))
}

/// The shipped digits (www/data/digits8x8.bin), pixel ≥ 8 → 1, as 1797 rows of 64.
pub fn digits_binarised() -> Vec<f32> {
    match crate::data::digits()
        .and_then(|b| crate::digits::Digits::parse(b).map_err(|e| e.to_string()))
        .and_then(|d| d.binarized(8).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => unreachable!("the shipped digits file is valid (tested): {e}"),
    }
}

/// Inputs of `hopfield_recall_64x64`: the Hebbian network and the cue's state (fields computed),
/// also handed to the page's plain-JS version of the same recall.
pub fn recall_inputs(seed: u64) -> (Network, State) {
    let (net, _, cue) = bench_recall_setup(seed);
    match State::new(&net, cue) {
        Ok(s) => (net, s),
        Err(e) => unreachable!("the cue matches the network: {e}"),
    }
}

/// Runs sequential asynchronous recall to a fixed point; the checksum is
/// `sweeps · 10⁶ + flips` (the plain-JS version returns the same number).
fn recall_checksum(
    net: &Network,
    state: &mut State,
    dynamics: &mut Dynamics,
    rng: &mut Rng,
) -> f64 {
    match Dense::new(net, state)
        .and_then(|mut m| dynamics.run_to_fixed_point(100, &mut m, rng, &mut |_| {}))
    {
        Ok(r) => r.sweeps as f64 * 1e6 + r.flips as f64,
        Err(_) => f64::NAN,
    }
}

/// Inputs of `hopfield_energy_n1024`: a random symmetric network and state (also handed to the
/// page's plain-JS version of the same computation).
pub fn energy_inputs(seed: u64) -> (Network, Vec<i8>) {
    let n = 1024;
    let mut rng = Rng::new(seed);
    let mut w = vec![0.0f32; n * n];
    for i in 0..n {
        for j in 0..i {
            let v = rng.normal() as f32 / (n as f32).sqrt();
            w[i * n + j] = v;
            w[j * n + i] = v;
        }
    }
    let net = match Network::from_parts(n, w, vec![0.0; n]) {
        Ok(net) => net,
        Err(e) => unreachable!("benchmark network is valid by construction: {e}"),
    };
    let y = (0..n).map(|_| rng.spin()).collect();
    (net, y)
}

/// Whether workload `name` is among those `only` asks for: its name contains one of the
/// comma-separated words of `only`, or `only` names none (blank: every workload).
pub fn selected(name: &str, only: &str) -> bool {
    let mut words = only
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_none() || words.any(|w| name.contains(w))
}

/// Times `run` with the clock `now` (milliseconds): repetitions are batched so one sample lasts
/// at least 10 ms (browser clocks are coarse, ~0.1 ms), samples are taken for about `budget_ms`
/// (at least 5), and the median time per repetition is returned with the last checksum.
pub fn measure(
    now: &mut dyn FnMut() -> f64,
    run: &mut dyn FnMut() -> f64,
    budget_ms: f64,
) -> (f64, f64) {
    let mut check = run(); // warm-up (JIT, caches)
    let mut batch = 1usize;
    loop {
        let t = now();
        for _ in 0..batch {
            check = run();
        }
        let dt = now() - t;
        if dt >= 10.0 || batch >= 1 << 20 {
            break;
        }
        batch *= if dt < 1.0 { 10 } else { 2 };
    }
    let mut samples = Vec::new();
    let start = now();
    while samples.len() < 5 || (samples.len() < 100 && now() - start < budget_ms) {
        let t = now();
        for _ in 0..batch {
            check = run();
        }
        samples.push((now() - t) / batch as f64);
    }
    (median(&mut samples), check)
}

/// The median of `xs` (sorted in place); NaN for an empty slice.
pub fn median(xs: &mut [f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[m]
    } else {
        0.5 * (xs[m - 1] + xs[m])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_selects_the_workloads_whose_names_contain_one_of_its_words() {
        let names: Vec<&str> = workloads().iter().map(|w| w.name).collect();
        let pick = |only: &str| -> Vec<&str> {
            names
                .iter()
                .copied()
                .filter(|n| selected(n, only))
                .collect()
        };
        assert_eq!(pick(""), names);
        assert_eq!(pick(" , "), names);
        assert_eq!(pick("mala"), ["mala_banana_10k"]);
        assert_eq!(
            pick("mala, parallel_tempering"),
            ["mala_banana_10k", "parallel_tempering_banana_5x2k"]
        );
        assert!(pick("no_such_workload").is_empty());
    }

    #[test]
    fn workloads_are_deterministic() {
        for w in workloads() {
            let a = (w.prepare)(5)();
            let b = (w.prepare)(5)();
            assert_eq!(a.to_bits(), b.to_bits(), "{}", w.name);
            assert!(a.is_finite());
        }
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
