//! Statistical tests of the samplers against exact or analytic targets (seeded).
//!
//! Every MCMC check compares a sample average of some f(x) with its exact expectation, with a
//! tolerance of Z standard errors, the standard error being `sd(f)/√ESS(f)` from the chain's own
//! effective sample size (Geyer's initial monotone sequence). A sampler with the wrong
//! stationary distribution fails these; see the report for the deliberate breakages tried.

use energy_playground::core::landscape::{
    grid_moments, Banana, Donut, DoubleWell, Energy2d, Gaussian, GaussianMixture,
};
use energy_playground::core::rng::Rng;
use energy_playground::core::sampler::direct::{
    box_muller, clt_normal, normal_cdf, Categorical, MvNormal, TabulatedCdf,
};
use energy_playground::core::sampler::gibbs2d::DEFAULT_GRID_CELLS;
use energy_playground::core::sampler::{
    autocorrelation, effective_sample_size, ignore, integrated_autocorrelation_time,
    langevin_particles, DriftedGaussianWalk, Event2d, Gibbs2d, Hmc, ImportanceProposal,
    ImportanceSampler, Langevin, Mala, Metropolis, Nuts, Sampler2d, StepSchedule,
};

/// Tolerance in standard errors.
const Z: f64 = 5.0;

/// Runs `burn + n` steps and returns the last `n` states as two coordinate series.
fn run(
    s: &mut dyn Sampler2d,
    target: &dyn Energy2d,
    seed: u64,
    burn: usize,
    n: usize,
) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng::new(seed);
    for _ in 0..burn {
        s.step(target, &mut rng, &mut ignore);
    }
    let (mut xs, mut ys) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let x = s.step(target, &mut rng, &mut ignore);
        xs.push(x[0]);
        ys.push(x[1]);
    }
    assert!(
        s.halted().is_none(),
        "{} halted: {:?}",
        s.name(),
        s.halted()
    );
    (xs, ys)
}

/// Checks the sample mean of `f` against `exact` within Z·sd/√ESS; returns the z-score.
fn check_mean(what: &str, f: &[f64], exact: f64) -> f64 {
    let n = f.len() as f64;
    let mean = f.iter().sum::<f64>() / n;
    let var = f.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    let ess = effective_sample_size(f);
    assert!(
        ess > 100.0,
        "{what}: ESS only {ess:.0}: chain too sticky to test"
    );
    let se = (var / ess).sqrt();
    let z = (mean - exact) / se;
    assert!(
        z.abs() < Z,
        "{what}: estimate {mean:.5} vs exact {exact:.5} (se {se:.2e}, ESS {ess:.0}, z = {z:.1})"
    );
    z
}

/// Checks E[x], Var and Cov of a trace against exact values.
fn check_moments(what: &str, xs: &[f64], ys: &[f64], mean: [f64; 2], cov: [[f64; 2]; 2]) {
    check_mean(&format!("{what} E[x₁]"), xs, mean[0]);
    check_mean(&format!("{what} E[x₂]"), ys, mean[1]);
    let dx: Vec<f64> = xs.iter().map(|v| v - mean[0]).collect();
    let dy: Vec<f64> = ys.iter().map(|v| v - mean[1]).collect();
    let sq = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(u, v)| u * v).collect::<Vec<f64>>();
    check_mean(&format!("{what} Var x₁"), &sq(&dx, &dx), cov[0][0]);
    check_mean(&format!("{what} Var x₂"), &sq(&dy, &dy), cov[1][1]);
    check_mean(&format!("{what} Cov"), &sq(&dx, &dy), cov[0][1]);
}

fn scaled(c: [[f64; 2]; 2], t: f64) -> [[f64; 2]; 2] {
    [[t * c[0][0], t * c[0][1]], [t * c[1][0], t * c[1][1]]]
}

/// Kolmogorov–Smirnov statistic of `xs` (sorted in place) against the CDF `f`.
fn ks(xs: &mut [f64], f: impl Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter()
        .enumerate()
        .map(|(i, &x)| {
            let c = f(x);
            (c - i as f64 / n).abs().max((c - (i + 1) as f64 / n).abs())
        })
        .fold(0.0, f64::max)
}

/// KS critical value at level 0.001: 1.95/√n.
fn ks_crit(n: usize) -> f64 {
    1.95 / (n as f64).sqrt()
}

fn corr_gauss() -> Gaussian {
    Gaussian::correlated(1.0, 1.5, 0.8).expect("valid")
}

// ---------------------------------------------------------------- direct sampling

#[test]
fn box_muller_normals_pass_ks_and_are_independent() {
    let mut rng = Rng::new(101);
    let n = 100_000;
    let (mut a, mut b, mut r2) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let d = box_muller(&mut rng);
        a.push(d.n1);
        b.push(d.n2);
        r2.push(d.n1 * d.n1 + d.n2 * d.n2);
    }
    let c = a.iter().zip(&b).map(|(x, y)| x * y).sum::<f64>() / n as f64;
    // Independent N(0,1): E[n₁n₂] = 0 with sd 1/√n.
    assert!(c.abs() < 5.0 / (n as f64).sqrt(), "corr {c}");
    // n₁² + n₂² ~ χ²₂: CDF 1 − e^{−r²/2}.
    let d = ks(&mut r2, |v| 1.0 - (-v / 2.0).exp());
    assert!(d < ks_crit(n), "KS(r²) {d}");
    let d = ks(&mut a, normal_cdf);
    assert!(d < ks_crit(n), "KS(n₁) {d}");
    let d = ks(&mut b, normal_cdf);
    assert!(d < ks_crit(n), "KS(n₂) {d}");
}

#[test]
fn categorical_inverse_cdf_frequencies_pass_chi_square() {
    let w = [0.1, 0.0, 0.35, 0.05, 0.3, 0.2];
    let c = Categorical::new(&w).expect("valid");
    let mut rng = Rng::new(102);
    let n = 200_000;
    let mut counts = [0usize; 6];
    for _ in 0..n {
        let d = c.sample(&mut rng);
        assert!(d.u >= 0.0 && d.u < 1.0);
        counts[d.index] += 1;
    }
    assert_eq!(counts[1], 0);
    let chi2: f64 = w
        .iter()
        .zip(counts)
        .filter(|(p, _)| **p > 0.0)
        .map(|(p, k)| {
            let e = p * n as f64;
            (k as f64 - e).powi(2) / e
        })
        .sum();
    // χ² with 4 dof: 0.999 quantile 18.47.
    assert!(chi2 < 18.47, "chi2 {chi2}");
}

#[test]
fn tabulated_inverse_cdf_passes_ks_on_a_logistic() {
    // p(x) ∝ e^{−x}/(1 + e^{−x})², F(x) = 1/(1 + e^{−x}).
    let mut t = TabulatedCdf::new(2048).expect("size");
    t.fill(-40.0, 40.0, |x| -x - 2.0 * (-x).exp().ln_1p())
        .expect("fill");
    let mut rng = Rng::new(103);
    let n = 100_000;
    let mut xs: Vec<f64> = (0..n).map(|_| t.sample(&mut rng).1).collect();
    let d = ks(&mut xs, |x| 1.0 / (1.0 + (-x).exp()));
    assert!(d < ks_crit(n), "KS {d}");
}

#[test]
fn central_limit_construction_is_standardised() {
    let mut rng = Rng::new(104);
    let (n_flips, n) = (1024, 50_000);
    let mut xs: Vec<f64> = (0..n)
        .map(|_| clt_normal(n_flips, &mut rng).expect("valid").value)
        .collect();
    let m = xs.iter().sum::<f64>() / n as f64;
    let v = xs.iter().map(|x| x * x).sum::<f64>() / n as f64 - m * m;
    // Exactly mean 0 and variance 1: se of the mean 1/√n, of the variance √(2/n).
    assert!(m.abs() < 5.0 / (n as f64).sqrt(), "mean {m}");
    assert!((v - 1.0).abs() < 5.0 * (2.0 / n as f64).sqrt(), "var {v}");
    // Close to normal: a lattice of spacing 2/√N = 0.0625 adds at most ~half a jump
    // (≈ 0.0125) to the KS distance.
    let d = ks(&mut xs, normal_cdf);
    assert!(d < ks_crit(n) + 0.0125, "KS {d}");
    // Standardised for any N, e.g. N = 100.
    let ys: Vec<f64> = (0..n)
        .map(|_| clt_normal(100, &mut rng).expect("valid").value)
        .collect();
    let m = ys.iter().sum::<f64>() / n as f64;
    let v = ys.iter().map(|x| x * x).sum::<f64>() / n as f64 - m * m;
    assert!(
        (v - 1.0).abs() < 5.0 * (2.0 / n as f64).sqrt(),
        "N = 100: var {v}"
    );
}

#[test]
fn cholesky_transform_has_covariance_sigma_and_sigma_z_does_not() {
    let (s11, s12, s22) = (2.0, 1.2, 1.5);
    let mv = MvNormal::new(&[1.0, -1.0], &[s11, s12, s12, s22]).expect("spd");
    let mut rng = Rng::new(105);
    let n = 100_000;
    let (mut good, mut slide) = ([0.0; 3], [0.0; 3]);
    let mut x = [0.0; 2];
    for _ in 0..n {
        let z = [rng.normal(), rng.normal()];
        mv.transform(&z, &mut x);
        let d = [x[0] - 1.0, x[1] + 1.0];
        good[0] += d[0] * d[0];
        good[1] += d[0] * d[1];
        good[2] += d[1] * d[1];
        // The slide's x = Σz + μ.
        let w = [s11 * z[0] + s12 * z[1], s12 * z[0] + s22 * z[1]];
        slide[0] += w[0] * w[0];
        slide[1] += w[0] * w[1];
        slide[2] += w[1] * w[1];
    }
    let good = good.map(|v| v / n as f64);
    let slide = slide.map(|v| v / n as f64);
    // Σ² = [[s11² + s12², s12(s11 + s22)], [·, s12² + s22²]].
    let sigma = [s11, s12, s22];
    let sigma2 = [
        s11 * s11 + s12 * s12,
        s12 * (s11 + s22),
        s12 * s12 + s22 * s22,
    ];
    for k in 0..3 {
        // se of a second moment ≤ ~√(2/n)·scale; 0.05 is > 5 se here.
        assert!((good[k] - sigma[k]).abs() < 0.05, "Lz+μ cov {good:?} vs Σ");
        assert!(
            (slide[k] - sigma2[k]).abs() < 0.12,
            "Σz+μ cov {slide:?} vs Σ²"
        );
    }
    assert!(
        (slide[0] - sigma[0]).abs() > 1.0,
        "Σz+μ would have had covariance Σ"
    );
}

// ---------------------------------------------------------------- importance sampling

#[test]
fn importance_sampling_is_consistent_and_z_hat_unbiased() {
    let mix = GaussianMixture::default();
    let (m, c) = mix.moments();
    let mut rng = Rng::new(106);
    // A broad Gaussian proposal covering the mixture.
    let q = ImportanceProposal::gaussian([0.0, 0.5], [[6.0, 0.0], [0.0, 6.0]]).expect("q");
    let mut is = ImportanceSampler::new(q.clone(), 1.0).expect("valid");
    let n = 200_000;
    for _ in 0..n {
        is.draw(&mix, &mut rng).expect("finite");
    }
    let est = is.mean().expect("weights");
    let ess = is.ess();
    assert!(ess > 0.2 * n as f64, "good proposal, ESS {ess}");
    for k in 0..2 {
        let se = (c[k][k] / ess).sqrt();
        assert!(
            (est[k] - m[k]).abs() < Z * se,
            "E[x{k}] {} vs {}",
            est[k],
            m[k]
        );
    }
    let cov = is.cov().expect("weights");
    assert!((cov[0][0] - c[0][0]).abs() < 0.05 && (cov[0][1] - c[0][1]).abs() < 0.05);
    // E = −ln p₁ exactly, so Z = 1; Ẑ = mean of w is unbiased: average 200 small runs.
    let (mut zs, reps) = (Vec::new(), 200);
    for _ in 0..reps {
        let mut small = ImportanceSampler::new(q.clone(), 1.0).expect("valid");
        for _ in 0..50 {
            small.draw(&mix, &mut rng).expect("finite");
        }
        zs.push(small.log_z().exp());
    }
    let zm = zs.iter().sum::<f64>() / reps as f64;
    let zsd = (zs.iter().map(|z| (z - zm).powi(2)).sum::<f64>() / (reps - 1) as f64).sqrt();
    assert!(
        (zm - 1.0).abs() < Z * zsd / (reps as f64).sqrt(),
        "Ẑ {zm} ± {zsd}"
    );
}

#[test]
fn importance_sampling_uniform_proposal_and_poor_proposal_ess() {
    let g = corr_gauss();
    let mut rng = Rng::new(107);
    let q = ImportanceProposal::uniform(g.bounds()).expect("box");
    let mut is = ImportanceSampler::new(q, 0.5).expect("valid");
    for _ in 0..100_000 {
        is.draw(&g, &mut rng).expect("finite");
    }
    let ess = is.ess();
    let cov = is.cov().expect("weights");
    let want = scaled(g.cov(), 0.5);
    for (i, j) in [(0, 0), (0, 1), (1, 1)] {
        // se of a weighted second moment ≈ √(2/ESS)·σ²-scale.
        let se = (2.0 / ess).sqrt() * want[i][i].max(want[j][j]);
        assert!(
            (cov[i][j] - want[i][j]).abs() < Z * se,
            "cov {cov:?} vs {want:?}"
        );
    }
    // A narrow proposal far from the mass: almost all weight on a few draws.
    let q = ImportanceProposal::gaussian([3.0, -3.0], [[0.2, 0.0], [0.0, 0.2]]).expect("q");
    let mut poor = ImportanceSampler::new(q, 1.0).expect("valid");
    for _ in 0..10_000 {
        poor.draw(&g, &mut rng).expect("finite");
    }
    assert!(
        poor.ess() < 0.01 * 10_000.0,
        "poor proposal ESS {}",
        poor.ess()
    );
    // For uniform q on a box of area A (holding the mass), ESS/n → 1/(A ∫p²) and
    // ∫p² = 1/(4π √det(TΣ)) for a normal.
    let b = g.bounds();
    let c = scaled(g.cov(), 0.5);
    let det = c[0][0] * c[1][1] - c[0][1] * c[0][1];
    let want = 4.0 * std::f64::consts::PI * det.sqrt() / (b.width() * b.height());
    assert!(
        (ess / 100_000.0 / want - 1.0).abs() < 0.05,
        "ESS/n {} vs {want}",
        ess / 1e5
    );
}

// ---------------------------------------------------------------- Metropolis–Hastings

#[test]
fn rwmh_samples_correlated_gaussian_at_two_temperatures() {
    let g = corr_gauss();
    for (t, seed) in [(1.0f64, 201), (0.4, 202)] {
        let mut s = Metropolis::random_walk([0.0, 0.0], 1.2 * t.sqrt(), t).expect("valid");
        let (xs, ys) = run(&mut s, &g, seed, 2_000, 400_000);
        check_moments(
            &format!("rwmh T={t}"),
            &xs,
            &ys,
            [0.0; 2],
            scaled(g.cov(), t),
        );
    }
}

#[test]
fn rwmh_samples_the_mixture() {
    let mix = GaussianMixture::default();
    let (m, c) = mix.moments();
    let mut s = Metropolis::random_walk([0.0, 0.0], 1.5, 1.0).expect("valid");
    let (xs, ys) = run(&mut s, &mix, 203, 5_000, 600_000);
    check_moments("rwmh mixture", &xs, &ys, m, c);
}

#[test]
fn mh_with_asymmetric_proposal_needs_the_hastings_ratio() {
    let g = corr_gauss();
    let q = DriftedGaussianWalk::new(0.9, [0.4, -0.3]).expect("valid");
    let mut s = Metropolis::new([0.0, 0.0], q, 1.0).expect("valid");
    let (xs, ys) = run(&mut s, &g, 204, 2_000, 400_000);
    check_moments("mh drifted", &xs, &ys, [0.0; 2], g.cov());
}

/// The closed-form stationary acceptance rate of RWMH with an isotropic Gaussian proposal of
/// scale σ on N(0, I_d): α = 2 P(|x + σz| < |x|) = 2 E[Φ(−σ|z|/2)]. d = 1: (2/π) atan(2/σ);
/// d = 2: 1 − σ/√(4 + σ²) (integrating Φ(−σr/2) against the Rayleigh density by parts).
fn rwmh_acceptance_2d(sigma: f64) -> f64 {
    1.0 - sigma / (4.0 + sigma * sigma).sqrt()
}

#[test]
fn acceptance_closed_forms_verified_by_direct_monte_carlo() {
    // Independent check of both formulas: E[min(1, p(y)/p(x))] with x ~ N(0, I), y = x + σz.
    let mut rng = Rng::new(205);
    let n = 400_000;
    for sigma in [0.5, 2.0, 4.0] {
        let (mut a1, mut a2) = (0.0, 0.0);
        for _ in 0..n {
            let (x1, z1, x2, z2) = (rng.normal(), rng.normal(), rng.normal(), rng.normal());
            let y1 = x1 + sigma * z1;
            a1 += (-(y1 * y1 - x1 * x1) / 2.0).exp().min(1.0);
            let y2 = x2 + sigma * z2;
            a2 += (-(y1 * y1 + y2 * y2 - x1 * x1 - x2 * x2) / 2.0)
                .exp()
                .min(1.0);
        }
        let (a1, a2) = (a1 / n as f64, a2 / n as f64);
        let d1 = 2.0 / std::f64::consts::PI * (2.0 / sigma).atan();
        assert!((a1 - d1).abs() < 0.004, "1-D σ={sigma}: {a1} vs {d1}");
        assert!(
            (a2 - rwmh_acceptance_2d(sigma)).abs() < 0.004,
            "2-D σ={sigma}: {a2}"
        );
    }
}

#[test]
fn rwmh_acceptance_rate_matches_closed_form() {
    // On N(0, T·I) a step σ acts like σ/√T on N(0, I).
    for (sigma, t, seed) in [
        (0.5, 1.0f64, 206),
        (2.4, 1.0, 207),
        (5.0, 1.0, 208),
        (2.0, 4.0, 209),
    ] {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut s = Metropolis::random_walk([0.0, 0.0], sigma, t).expect("valid");
        let mut rng = Rng::new(seed);
        for _ in 0..1000 {
            s.step(&g, &mut rng, &mut ignore);
        }
        let mut acc = Vec::with_capacity(200_000);
        for _ in 0..200_000 {
            let mut a = 0.0;
            s.step(&g, &mut rng, &mut |e| {
                if let Event2d::Accept { .. } = e {
                    a = 1.0;
                }
            });
            acc.push(a);
        }
        let exact = rwmh_acceptance_2d(sigma / t.sqrt());
        check_mean(&format!("acceptance σ={sigma} T={t}"), &acc, exact);
    }
}

// ---------------------------------------------------------------- Gibbs

#[test]
fn gibbs_analytic_conditionals_on_correlated_gaussian() {
    let g = corr_gauss();
    for (t, seed) in [(1.0, 301), (2.0, 302)] {
        let mut s = Gibbs2d::new([0.0, 0.0], t, DEFAULT_GRID_CELLS).expect("valid");
        let (xs, ys) = run(&mut s, &g, seed, 500, 200_000);
        check_moments(
            &format!("gibbs T={t}"),
            &xs,
            &ys,
            [0.0; 2],
            scaled(g.cov(), t),
        );
    }
}

#[test]
fn gibbs_numerical_conditionals_on_mixture_and_donut() {
    let mix = GaussianMixture::default();
    let (m, c) = mix.moments();
    let mut s = Gibbs2d::new([0.0, 0.0], 1.0, DEFAULT_GRID_CELLS).expect("valid");
    let (xs, ys) = run(&mut s, &mix, 303, 200, 15_000);
    check_moments("gibbs mixture", &xs, &ys, m, c);
    // At T = 0.5 the tempered mixture p₁² is no longer a mixture: grid reference.
    let r = grid_moments(&mix, 0.5, mix.bounds().expanded(0.2), 800).expect("grid");
    let mut s = Gibbs2d::new([0.0, 0.0], 0.5, DEFAULT_GRID_CELLS).expect("valid");
    let (xs, ys) = run(&mut s, &mix, 304, 200, 15_000);
    check_moments("gibbs mixture T=0.5", &xs, &ys, r.mean, r.cov);
    // Donut at T = 0.7, reference moments by grid integration.
    let d = Donut::default();
    let r = grid_moments(&d, 0.7, d.bounds(), 800).expect("grid");
    let mut s = Gibbs2d::new([2.5, 0.0], 0.7, DEFAULT_GRID_CELLS).expect("valid");
    let (xs, ys) = run(&mut s, &d, 305, 200, 10_000);
    check_moments("gibbs donut", &xs, &ys, r.mean, r.cov);
}

#[test]
fn gibbs_mixed_analytic_and_numerical_on_banana() {
    // x₁ | x₂ is quartic (numerical), x₂ | x₁ Gaussian (analytic); exact moments known.
    let b = Banana::new(1.5, 0.5).expect("valid");
    let t = 0.8;
    let (m, c) = b.moments(t);
    let mut s = Gibbs2d::new([0.0, 0.0], t, DEFAULT_GRID_CELLS).expect("valid");
    let (xs, ys) = run(&mut s, &b, 306, 200, 25_000);
    check_moments("gibbs banana", &xs, &ys, m, c);
}

// ---------------------------------------------------------------- Langevin and MALA

/// Stationary variance of unadjusted Langevin on N(0, s²) with the lecture's step
/// θ′ = θ − (ε/2)θ/s² + √ε z: v = (1 − ε/(2s²))² v + ε ⇒ v = s²/(1 − ε/(4s²)).
fn ula_variance(s2: f64, eps: f64) -> f64 {
    s2 / (1.0 - eps / (4.0 * s2))
}

#[test]
fn ula_shows_its_step_size_bias_and_mala_does_not() {
    let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
    for (eps, t, seed) in [(1.0, 1.0, 401), (2.0, 2.0, 402), (0.2, 1.0, 403)] {
        let sched = StepSchedule::constant(eps).expect("ε");
        let mut s = Langevin::new([0.0, 0.0], sched, t).expect("valid");
        let (xs, ys) = run(&mut s, &g, seed, 1_000, 200_000);
        let v = ula_variance(t, eps);
        check_moments(
            &format!("ula ε={eps} T={t}"),
            &xs,
            &ys,
            [0.0; 2],
            [[v, 0.0], [0.0, v]],
        );
        // MALA with the same ε samples the exact variance T.
        let mut m = Mala::new([0.0, 0.0], eps, t).expect("valid");
        let (xs, ys) = run(&mut m, &g, seed + 10, 1_000, 200_000);
        check_moments(
            &format!("mala ε={eps} T={t}"),
            &xs,
            &ys,
            [0.0; 2],
            [[t, 0.0], [0.0, t]],
        );
    }
}

#[test]
fn mala_samples_banana_and_correlated_gaussian() {
    let b = Banana::default();
    let (m, c) = b.moments(1.0);
    let mut s = Mala::new([0.0, 0.0], 0.15, 1.0).expect("valid");
    let (xs, ys) = run(&mut s, &b, 404, 5_000, 600_000);
    check_moments("mala banana", &xs, &ys, m, c);
    let g = corr_gauss();
    let mut s = Mala::new([0.0, 0.0], 0.5, 0.5).expect("valid");
    let (xs, ys) = run(&mut s, &g, 405, 2_000, 300_000);
    check_moments(
        "mala gaussian T=0.5",
        &xs,
        &ys,
        [0.0; 2],
        scaled(g.cov(), 0.5),
    );
}

#[test]
fn sgld_particles_with_decaying_steps_reach_the_target_variance() {
    // 4000 independent particles from N(0, 9): after 3000 steps of ε_t = 0.5(10 + t)^(−0.55)
    // (Σε ≈ 40 time units) the cloud has variance ≈ 1 (remaining bias ε/4 < 0.002); a
    // constant ε = 1.5 stays at the biased 1/(1 − 1.5/4) = 1.6.
    let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
    let n = 4000;
    let mut rng = Rng::new(406);
    let start: Vec<f64> = (0..2 * n).map(|_| 3.0 * rng.normal()).collect();
    let sched = StepSchedule::decaying(0.5, 10.0, 0.55).expect("valid");
    let mut xs = start.clone();
    for t in 0..3000 {
        let frozen =
            langevin_particles(&mut xs, &g, sched.eps_at(t), 1.0, &mut rng).expect("valid");
        assert_eq!(frozen, 0);
    }
    let var = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64;
    // 2n independent coordinates: se of the variance √(2/(2n)).
    let se = (1.0 / n as f64).sqrt();
    assert!(
        (var(&xs) - 1.0).abs() < Z * se,
        "decaying: var {}",
        var(&xs)
    );
    let mut ys = start;
    for _ in 0..300 {
        langevin_particles(&mut ys, &g, 1.5, 1.0, &mut rng).expect("valid");
    }
    assert!(
        (var(&ys) - ula_variance(1.0, 1.5)).abs() < Z * 1.6 * se,
        "{}",
        var(&ys)
    );
}

// ---------------------------------------------------------------- HMC and NUTS

#[test]
fn hmc_samples_gaussians_and_banana() {
    // Large steps (acceptance ≈ 0.85–0.95) so that the energy error, and hence the exactness
    // of the leapfrog map and of the accept rule, matters.
    let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
    let mut s = Hmc::new([0.0, 0.0], 1.0, 5, 1.0).expect("valid");
    let (xs, ys) = run(&mut s, &g, 501, 500, 50_000);
    check_moments("hmc isotropic", &xs, &ys, [0.0; 2], g.cov());
    let g = corr_gauss();
    let mut s = Hmc::new([0.0, 0.0], 0.45, 6, 1.0).expect("valid");
    let (xs, ys) = run(&mut s, &g, 502, 500, 50_000);
    check_moments("hmc correlated", &xs, &ys, [0.0; 2], g.cov());
    let b = Banana::default();
    let (m, c) = b.moments(0.6);
    let mut s = Hmc::new([0.0, 0.0], 0.12, 20, 0.6).expect("valid");
    let (xs, ys) = run(&mut s, &b, 503, 500, 40_000);
    check_moments("hmc banana T=0.6", &xs, &ys, m, c);
}

#[test]
fn nuts_samples_gaussians_double_well_and_banana() {
    // A large step on N(0, I) makes the slice and the candidate selection matter.
    let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
    let mut s = Nuts::new([0.0, 0.0], 1.2, 8, 1.0).expect("valid");
    let (xs, ys) = run(&mut s, &g, 601, 500, 150_000);
    check_moments("nuts isotropic", &xs, &ys, [0.0; 2], g.cov());
    let g = corr_gauss();
    let mut s = Nuts::new([0.0, 0.0], 0.3, 8, 0.5).expect("valid");
    let (xs, ys) = run(&mut s, &g, 602, 500, 40_000);
    check_moments(
        "nuts correlated T=0.5",
        &xs,
        &ys,
        [0.0; 2],
        scaled(g.cov(), 0.5),
    );
    let dw = DoubleWell::default();
    let r = grid_moments(&dw, 1.0, dw.bounds().expanded(0.5), 800).expect("grid");
    let mut s = Nuts::new([0.0, 0.0], 0.6, 8, 1.0).expect("valid");
    let (xs, ys) = run(&mut s, &dw, 603, 500, 100_000);
    check_moments("nuts double well", &xs, &ys, r.mean, r.cov);
    let b = Banana::default();
    let (m, c) = b.moments(1.0);
    let mut s = Nuts::new([0.0, 0.0], 0.15, 10, 1.0).expect("valid");
    let (xs, ys) = run(&mut s, &b, 604, 500, 40_000);
    check_moments("nuts banana", &xs, &ys, m, c);
}

/// The chain diagnostics sit side by side in `core::sampler`: the autocorrelations of an AR(1)
/// series `x_t = φ x_{t−1} + √(1−φ²) ξ_t` follow `ρ_k = φ^k` within 5 standard errors (Bartlett:
/// `n Var ρ̂_k ≈ (1+φ²)(1−φ^{2k})/(1−φ²) − 2kφ^{2k}`), and the ESS equals `n / τ` with the
/// integrated autocorrelation time `τ`.
#[test]
fn autocorrelation_sits_beside_effective_sample_size() {
    let (phi, n) = (0.8f64, 100_000usize);
    let mut rng = Rng::new(77);
    let mut x = rng.normal();
    let xs: Vec<f64> = (0..n)
        .map(|_| {
            x = phi * x + (1.0 - phi * phi).sqrt() * rng.normal();
            x
        })
        .collect();
    let mut acf = [0.0; 4];
    autocorrelation(&xs, &mut acf).expect("lags < n");
    for (k, &r) in acf.iter().enumerate().skip(1) {
        let p2k = phi.powi(2 * k as i32);
        let var =
            ((1.0 + phi * phi) * (1.0 - p2k) / (1.0 - phi * phi) - 2.0 * k as f64 * p2k) / n as f64;
        let exact = phi.powi(k as i32);
        assert!(
            (r - exact).abs() < Z * var.sqrt(),
            "ρ_{k} = {r} vs {exact} (se {})",
            var.sqrt()
        );
    }
    let ess = effective_sample_size(&xs);
    assert!((ess - n as f64 / integrated_autocorrelation_time(&xs)).abs() < 1e-6 * ess);
}
