//! Compare samplers on the banana (Haario's twisted Gaussian) by effective samples per second.
//!
//! Runs random-walk Metropolis, MALA, HMC and NUTS on the same target from the same start and
//! prints, for each: acceptance, the mean against the exact mean, the effective sample size
//! (ESS, Geyer's initial monotone sequence) of x₁ and x₂, and ESS per second of wall time.
//! A sampler that takes more gradient work per step can still win on ESS/s.
//!
//! ```text
//! cargo run --release --example banana_samplers [-- --steps 50000 --seed 1]
//! ```

use std::time::Instant;

use energy_core::landscape::{Banana, Energy2d};
use energy_core::rng::Rng;
use energy_core::sampler::{
    effective_sample_size, monte_carlo_standard_error, Hmc, Mala, Metropolis, Nuts, Sampler2d,
};

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let steps = arg("--steps", 50_000.0) as usize;
    let seed = arg("--seed", 1.0) as u64;
    let target = Banana::default();
    let (mean, _) = target.moments(1.0);
    let x0 = [0.0, 0.0];
    let mut samplers: Vec<Box<dyn Sampler2d>> = vec![
        Box::new(Metropolis::random_walk(x0, 1.0, 1.0)?),
        Box::new(Mala::new(x0, 0.3, 1.0)?),
        Box::new(Hmc::new(x0, 0.15, 10, 1.0)?),
        Box::new(Nuts::new(x0, 0.15, 8, 1.0)?),
    ];
    println!(
        "banana a = {}, b = {} at T = 1, {steps} steps each from {x0:?} (seed {seed}); exact mean ({:.3}, {:.3})",
        target.a(),
        target.b(),
        mean[0],
        mean[1]
    );
    println!(
        "{:<8} {:>7} {:>28} {:>9} {:>9} {:>9} {:>12}",
        "sampler", "accept", "mean ± 2 s.e.", "ESS x₁", "ESS x₂", "time", "min ESS / s"
    );
    for s in samplers.iter_mut() {
        let mut rng = Rng::new(seed);
        let t0 = Instant::now();
        let xs = s.sample_n(steps, &target as &dyn Energy2d, &mut rng);
        let secs = t0.elapsed().as_secs_f64().max(1e-9);
        if let Some(why) = s.halted() {
            println!("{:<8} halted: {why}", s.name());
            continue;
        }
        let burn = xs.len() / 10;
        let (x1, x2): (Vec<f64>, Vec<f64>) = xs[burn..].iter().map(|x| (x[0], x[1])).unzip();
        let m = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
        let (e1, e2) = (effective_sample_size(&x1), effective_sample_size(&x2));
        let accept = s
            .acceptance()
            .and_then(|a| a.rate())
            .map(|r| format!("{:.0} %", 100.0 * r))
            .unwrap_or_else(|| "—".into());
        println!(
            "{:<8} {:>7} {:>28} {:>9.0} {:>9.0} {:>7.1}ms {:>12.0}",
            s.name(),
            accept,
            format!(
                "({:+.2} ± {:.2}, {:+.2} ± {:.2})",
                m(&x1),
                2.0 * monte_carlo_standard_error(&x1),
                m(&x2),
                2.0 * monte_carlo_standard_error(&x2)
            ),
            e1,
            e2,
            secs * 1e3,
            e1.min(e2) / secs
        );
    }
    Ok(())
}
