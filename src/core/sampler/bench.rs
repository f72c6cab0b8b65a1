//! Pure benchmark workloads: the same code is timed natively and in WebAssembly by the caller
//! (no clock in here).

use super::{ignore, Hmc, Mala, Metropolis, Sampler2d};
use crate::core::landscape::Banana;
use crate::core::rng::Rng;

/// Runs `n_steps` transitions of sampler `kind` — `"rwmh"` (σ = 1), `"mala"` (ε = 0.1) or
/// `"hmc"` (Δt = 0.15, L = 10) — on the default [`Banana`] at T = 1 from the origin with seed
/// `seed`, and returns a checksum (the sum of all visited coordinates) so the work cannot be
/// optimised away. Returns NaN for an unknown `kind`.
pub fn bench_steps(kind: &str, n_steps: usize, seed: u64) -> f64 {
    let target = Banana::default();
    let mut rng = Rng::new(seed);
    let x0 = [0.0, 0.0];
    let run = |s: &mut dyn Sampler2d, rng: &mut Rng| {
        let mut sum = 0.0;
        for _ in 0..n_steps {
            let x = s.step(&target, rng, &mut ignore);
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
        _ => f64::NAN,
    }
}

/// Runs `steps` unadjusted Langevin steps (ε = 0.05, T = 1) of `n` particles on the default
/// [`Banana`] through [`super::langevin_particles`], from the same grid of starts as
/// [`super::batch::bench_batch`], and returns the sum of the final coordinates.
pub fn bench_langevin_particles(n: usize, steps: usize, seed: u64) -> f64 {
    let target = Banana::default();
    let mut xs: Vec<f64> = (0..n)
        .flat_map(|k| [(k % 100) as f64 * 0.04 - 2.0, (k / 100) as f64 * 0.04 - 2.0])
        .collect();
    let mut rng = Rng::new(seed);
    for _ in 0..steps {
        if super::langevin_particles(&mut xs, &target, 0.05, 1.0, &mut rng).is_err() {
            return f64::NAN;
        }
    }
    xs.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_are_finite_and_replayable() {
        for kind in ["rwmh", "mala", "hmc"] {
            let a = bench_steps(kind, 200, 1);
            assert!(a.is_finite(), "{kind}");
            assert_eq!(a.to_bits(), bench_steps(kind, 200, 1).to_bits());
            assert_ne!(a, bench_steps(kind, 200, 2));
        }
        assert!(bench_steps("nope", 10, 1).is_nan());
        let a = bench_langevin_particles(50, 3, 1);
        assert!(a.is_finite() && a.to_bits() == bench_langevin_particles(50, 3, 1).to_bits());
    }
}
