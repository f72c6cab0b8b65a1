//! Statistical tests of the batched chains (`core::sampler::batch`) against exact targets.
//!
//! After a burn-in, the N chains of a batch are N independent draws, so their final positions
//! are compared with the exact distribution directly: moments within 5 standard errors and a
//! Kolmogorov–Smirnov distance below its 99.9 % critical value. The targets are a correlated
//! Gaussian at T ≠ 1 (the covariance scales with T) and Haario's banana (closed-form moments),
//! and for unadjusted Langevin the known stationary variance of its discretisation.

use energy_playground::core::landscape::{Banana, Gaussian};
use energy_playground::core::rng::Rng;
use energy_playground::core::sampler::{BatchKernel, ChainBatch};

/// Standard normal CDF (erf by its series below 2.5 and the erfc continued fraction beyond).
fn phi(x: f64) -> f64 {
    let erf = |x: f64| -> f64 {
        if x.abs() < 2.5 {
            let (mut term, mut sum) = (x, x);
            for n in 1..80 {
                term *= -x * x / n as f64;
                sum += term / (2 * n + 1) as f64;
            }
            sum * 2.0 / std::f64::consts::PI.sqrt()
        } else {
            let ax = x.abs();
            let mut f = 0.0;
            for k in (1..60).rev() {
                f = (k as f64 / 2.0) / (ax + f);
            }
            (1.0 - (-ax * ax).exp() / std::f64::consts::PI.sqrt() / (ax + f)).copysign(x)
        }
    };
    0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2))
}

/// KS distance of `xs` from N(mean, sd²).
fn ks_normal(xs: &[f64], mean: f64, sd: f64) -> f64 {
    let mut v: Vec<f64> = xs.iter().map(|x| (x - mean) / sd).collect();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len() as f64;
    v.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = phi(x);
            (f - i as f64 / n).abs().max((f - (i + 1) as f64 / n).abs())
        })
        .fold(0.0, f64::max)
}

fn moments(xs: &[f64], ys: &[f64]) -> ([f64; 2], [[f64; 2]; 2]) {
    let n = xs.len() as f64;
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
        sxy += (x - mx) * (y - my);
    }
    ([mx, my], [[sxx / n, sxy / n], [sxy / n, syy / n]])
}

/// Starts spread over a square of side `w` around the origin.
fn starts(n: usize, w: f64, rng: &mut Rng) -> Vec<f64> {
    (0..2 * n).map(|_| rng.range(-w / 2.0, w / 2.0)).collect()
}

#[test]
fn random_walk_batch_samples_a_correlated_gaussian_at_t() {
    // π ∝ exp(−E/T) with E the N(μ, Σ) energy is N(μ, TΣ).
    let (mu, cov, t) = ([1.0, -2.0], [[2.0, 0.8], [0.8, 1.0]], 1.7);
    let g = Gaussian::new(mu, cov).expect("valid");
    let n = 20_000;
    let mut rng = Rng::new(7);
    let mut b = ChainBatch::new(
        &starts(n, 8.0, &mut rng),
        BatchKernel::RandomWalk { sigma: 1.2 },
        t,
    )
    .expect("valid");
    b.step(400, &g, &mut rng);
    let (m, c) = moments(b.xs(), b.ys());
    let nf = n as f64;
    let rate = b.acceptance().rate().expect("proposals");
    println!("mean {m:?} cov {c:?} acceptance {rate:.3}");
    for a in 0..2 {
        let var = t * cov[a][a];
        // SE of a mean √(var/n); of a variance var·√(2/n)
        assert!(
            (m[a] - mu[a]).abs() < 5.0 * (var / nf).sqrt(),
            "mean[{a}] {}",
            m[a]
        );
        assert!(
            (c[a][a] - var).abs() < 5.0 * var * (2.0 / nf).sqrt(),
            "var[{a}] {}",
            c[a][a]
        );
    }
    // SE of a covariance ≈ √((σₓ²σᵧ² + σₓᵧ²)/n)
    let sxy = t * cov[0][1];
    let se = ((t * t * cov[0][0] * cov[1][1] + sxy * sxy) / nf).sqrt();
    assert!((c[0][1] - sxy).abs() < 5.0 * se, "cov {}", c[0][1]);
    let d = ks_normal(b.xs(), mu[0], (t * cov[0][0]).sqrt());
    assert!(d < 1.95 / nf.sqrt(), "KS distance of x {d}");
}

#[test]
fn random_walk_batch_samples_the_banana() {
    let banana = Banana::default();
    let t = 1.0;
    let (mean, cov) = banana.moments(t);
    let n = 20_000;
    let mut rng = Rng::new(8);
    let mut b = ChainBatch::new(
        &starts(n, 2.0, &mut rng),
        BatchKernel::RandomWalk { sigma: 1.0 },
        t,
    )
    .expect("valid");
    b.step(1_500, &banana, &mut rng);
    let (m, c) = moments(b.xs(), b.ys());
    println!("banana mean {m:?} (exact {mean:?}), cov {c:?} (exact {cov:?})");
    let nf = n as f64;
    assert!(
        (m[0] - mean[0]).abs() < 5.0 * (cov[0][0] / nf).sqrt(),
        "mean x {}",
        m[0]
    );
    assert!(
        (m[1] - mean[1]).abs() < 5.0 * (cov[1][1] / nf).sqrt(),
        "mean y {}",
        m[1]
    );
    assert!(
        (c[0][0] - cov[0][0]).abs() < 5.0 * cov[0][0] * (2.0 / nf).sqrt(),
        "var x {}",
        c[0][0]
    );
    // x₁ ~ N(0, T a²) exactly
    let d = ks_normal(b.xs(), 0.0, cov[0][0].sqrt());
    assert!(d < 1.95 / nf.sqrt(), "KS distance of x₁ {d}");
    // u = x₂ + b x₁² − b a² ~ N(0, T), independent of x₁
    let u: Vec<f64> = b
        .xs()
        .iter()
        .zip(b.ys())
        .map(|(x, y)| y + banana.b() * x * x - banana.b() * banana.a() * banana.a())
        .collect();
    let d = ks_normal(&u, 0.0, t.sqrt());
    assert!(d < 1.95 / nf.sqrt(), "KS distance of u {d}");
}

#[test]
fn langevin_batch_has_the_discretisations_stationary_variance() {
    // On N(0, σ²) at T = 1, x′ = x − (ε/2σ²)x + √ε z is stationary at variance
    // σ²/(1 − ε/(4σ²)); for σ = 1, ε = 0.4 that is 1/0.9, well apart from the target's 1.
    let (sd, eps) = (1.0, 0.4);
    let g = Gaussian::isotropic([0.5, -0.5], sd).expect("valid");
    let n = 20_000;
    let mut rng = Rng::new(9);
    let mut b = ChainBatch::new(
        &starts(n, 4.0, &mut rng),
        BatchKernel::Langevin { eps },
        1.0,
    )
    .expect("valid");
    let s = b.step(200, &g, &mut rng);
    assert_eq!(s.frozen, 0);
    let (m, c) = moments(b.xs(), b.ys());
    let want = sd * sd / (1.0 - eps / (4.0 * sd * sd));
    let nf = n as f64;
    println!(
        "Langevin mean {m:?} var {:?} (stationary {want})",
        [c[0][0], c[1][1]]
    );
    for (a, mu) in [0.5, -0.5].into_iter().enumerate() {
        assert!(
            (m[a] - mu).abs() < 5.0 * (want / nf).sqrt(),
            "mean[{a}] {}",
            m[a]
        );
        assert!(
            (c[a][a] - want).abs() < 5.0 * want * (2.0 / nf).sqrt(),
            "var[{a}] {}",
            c[a][a]
        );
    }
    let d = ks_normal(b.xs(), 0.5, want.sqrt());
    assert!(d < 1.95 / nf.sqrt(), "KS distance {d}");
}
