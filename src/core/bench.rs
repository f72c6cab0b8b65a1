//! Benchmark workloads: deterministic, pure, and shared by the native runner
//! (`examples/bench.rs`) and the page's Speed tab, so both time exactly the same code.
//! Nothing here reads a clock; the caller times `run`.

use crate::core::hopfield::Network;
use crate::core::rng::Rng;
use crate::core::sampler::bench_steps;

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
            name: "rwmh_banana_10k",
            what: "10 000 random-walk Metropolis steps (σ = 1) on the banana",
            prepare: |seed| Box::new(move || bench_steps("rwmh", 10_000, seed)),
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
    ]
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
