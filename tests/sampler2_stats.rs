//! Statistical tests of the adaptive and population samplers (seeded), each with a negative
//! control.
//!
//! Every check compares an estimate with an exact value — closed-form moments, or moments and
//! ln Z by grid integration — with a tolerance of `Z` standard errors, the standard error coming
//! from the run itself: `sd(f)/√ESS(f)` for a chain (Geyer's initial monotone sequence ESS),
//! `sd/√n` for n independent particles or chains, the sampler's own error estimate for ln Z.
//! Each check is then repeated with one plausible bug switched on through the hidden
//! [`Fault`] switch, and must fail: that is the evidence the check can see the bug.
//!
//! Run with `--nocapture` to see every estimate against its exact value.

use energy_playground::core::landscape::{
    grid_moments, Banana, DataPosterior, DoubleWell, Energy2d, Gaussian, GaussianPosterior,
    LogisticPosterior,
};
use energy_playground::core::rng::Rng;
use energy_playground::core::sampler::diagnostics::effective_sample_size;
use energy_playground::core::sampler::fault::Fault;
use energy_playground::core::sampler::{
    ignore, AdaptiveHamiltonian, AdaptiveMetropolis, Ais, AisSettings, DeMcmcZ, DeSettings,
    Event2d, Mchmc, NestedSampling, NestedSettings, ParallelTempering, Population2d, Sampler2d,
    Sgld, StepSchedule, Svgd, Warmup,
};

/// Tolerance in standard errors.
const Z: f64 = 5.0;

/// Smallest effective sample size with which a check is trusted.
const MIN_ESS: f64 = 100.0;

/// One estimate against its exact value.
#[derive(Clone, Debug)]
struct Check {
    what: String,
    est: f64,
    exact: f64,
    se: f64,
    /// Effective sample size behind `se` (for chains; the particle count otherwise).
    ess: f64,
    /// A systematic allowance added to `Z·se`, for quantities an algorithm only approaches;
    /// 0 for exact expectations.
    band: f64,
}

impl Check {
    fn z(&self) -> f64 {
        (self.est - self.exact) / self.se
    }

    /// `ESS > 100` (else the standard error itself is not trustworthy) and
    /// `|est − exact| < Z·se + band` (false for a NaN estimate).
    fn passes(&self) -> bool {
        self.ess > MIN_ESS && (self.est - self.exact).abs() < Z * self.se + self.band
    }

    fn line(&self) -> String {
        let band = if self.band > 0.0 {
            format!(", band ±{}", self.band)
        } else {
            String::new()
        };
        format!(
            "{}: estimate {:.5} vs exact {:.5} (se {:.2e}, ESS {:.0}, z = {:+.2}{band}) {}",
            self.what,
            self.est,
            self.exact,
            self.se,
            self.ess,
            self.z(),
            if self.passes() {
                "ok"
            } else if self.ess <= MIN_ESS {
                "FAIL (ESS too small to trust)"
            } else {
                "FAIL"
            }
        )
    }
}

/// The sample mean of a chain's `f` against `exact`, with `se = sd/√ESS`.
fn chain_mean(what: &str, f: &[f64], exact: f64) -> Check {
    let n = f.len() as f64;
    let mean = f.iter().sum::<f64>() / n;
    let var = f.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    let ess = effective_sample_size(f);
    Check {
        what: what.to_string(),
        est: mean,
        exact,
        se: (var / ess).sqrt(),
        ess,
        band: 0.0,
    }
}

/// A check that always fails: the sampler halted (the NaN guard fired) before it finished.
fn halted_check(what: &str, why: &str) -> Check {
    Check {
        what: format!("{what} halted ({why})"),
        est: f64::NAN,
        exact: 0.0,
        se: 1.0,
        ess: 0.0,
        band: 0.0,
    }
}

/// E[x₁], E[x₂], Var x₁, Var x₂ and Cov of a chain's trace against exact values.
fn chain_moments(
    what: &str,
    xs: &[f64],
    ys: &[f64],
    mean: [f64; 2],
    cov: [[f64; 2]; 2],
) -> Vec<Check> {
    let dx: Vec<f64> = xs.iter().map(|v| v - mean[0]).collect();
    let dy: Vec<f64> = ys.iter().map(|v| v - mean[1]).collect();
    let prod = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(u, v)| u * v).collect::<Vec<_>>();
    vec![
        chain_mean(&format!("{what} E[x₁]"), xs, mean[0]),
        chain_mean(&format!("{what} E[x₂]"), ys, mean[1]),
        chain_mean(&format!("{what} Var x₁"), &prod(&dx, &dx), cov[0][0]),
        chain_mean(&format!("{what} Var x₂"), &prod(&dy, &dy), cov[1][1]),
        chain_mean(&format!("{what} Cov"), &prod(&dx, &dy), cov[0][1]),
    ]
}

/// The same quantities from several independent chains (each `(xs, ys)`): the estimate is the
/// average of the chains' means and its standard error `√(Σ seᵢ²)/N`, each `seᵢ` from that
/// chain's own ESS.
fn pooled_moments(
    what: &str,
    traces: &[(Vec<f64>, Vec<f64>)],
    mean: [f64; 2],
    cov: [[f64; 2]; 2],
) -> Vec<Check> {
    let per_chain: Vec<Vec<Check>> = traces
        .iter()
        .map(|(xs, ys)| chain_moments(what, xs, ys, mean, cov))
        .collect();
    let n = traces.len() as f64;
    (0..per_chain[0].len())
        .map(|k| {
            let cs: Vec<&Check> = per_chain.iter().map(|c| &c[k]).collect();
            Check {
                what: format!("{} ({} chains)", cs[0].what, traces.len()),
                est: cs.iter().map(|c| c.est).sum::<f64>() / n,
                exact: cs[0].exact,
                se: cs.iter().map(|c| c.se * c.se).sum::<f64>().sqrt() / n,
                ess: cs.iter().map(|c| c.ess).sum(),
                band: 0.0,
            }
        })
        .collect()
}

/// E[x₁], E[x₂], Var x₁, Var x₂ and Cov of a particle set against exact values, with the
/// standard errors of n independent draws from the target (`sd(f)/√n`, `sd(f)` from the
/// particles): the accuracy of an i.i.d. sample of the same size.
fn particle_moments(
    what: &str,
    pts: &[[f64; 2]],
    mean: [f64; 2],
    cov: [[f64; 2]; 2],
) -> Vec<Check> {
    let n = pts.len() as f64;
    let one = |name: &str, f: &dyn Fn([f64; 2]) -> f64, exact: f64| {
        let vals: Vec<f64> = pts.iter().map(|&p| f(p)).collect();
        let m = vals.iter().sum::<f64>() / n;
        let var = vals.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
        Check {
            what: format!("{what} {name}"),
            est: m,
            exact,
            se: (var / n).sqrt(),
            ess: n,
            band: 0.0,
        }
    };
    vec![
        one("E[x₁]", &|p| p[0], mean[0]),
        one("E[x₂]", &|p| p[1], mean[1]),
        one("Var x₁", &|p| (p[0] - mean[0]).powi(2), cov[0][0]),
        one("Var x₂", &|p| (p[1] - mean[1]).powi(2), cov[1][1]),
        one("Cov", &|p| (p[0] - mean[0]) * (p[1] - mean[1]), cov[0][1]),
    ]
}

/// Prints every check; asserts all pass.
fn assert_pass(checks: &[Check]) {
    for c in checks {
        println!("{}", c.line());
    }
    for c in checks {
        assert!(c.passes(), "{}", c.line());
    }
}

/// Prints every check of a negative control; asserts at least one fails.
fn assert_some_fail(control: &str, checks: &[Check]) {
    println!("negative control: {control}");
    for c in checks {
        println!("  {}", c.line());
    }
    assert!(
        checks.iter().any(|c| !c.passes()),
        "negative control {control}: every check passed, so the check cannot see this bug"
    );
}

/// Runs `burn + n` steps of a chain and returns the last `n` states as two series; panics if
/// the chain halts.
fn run_chain(
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

/// Exact mean and covariance.
type Moments = ([f64; 2], [[f64; 2]; 2]);

/// A strongly correlated Gaussian, where a fixed isotropic random walk is slow.
fn corr_gauss() -> Gaussian {
    Gaussian::correlated(1.0, 2.5, 0.9).expect("valid")
}

// ---------------------------------------------------------------- Adaptive Metropolis

/// AM from a poor isotropic start (σ₀ = 0.1) on the correlated Gaussian and the banana.
fn adaptive_metropolis_checks(fault: Fault) -> Vec<Check> {
    let mut checks = Vec::new();
    let g = corr_gauss();
    let mut s = AdaptiveMetropolis::new([0.0, 0.0], 0.1, 500, 1e-6, 1.0).expect("valid");
    s.inject_fault(fault);
    let (xs, ys) = run_chain(&mut s, &g, 1101, 5_000, 300_000);
    checks.extend(chain_moments("am gaussian", &xs, &ys, [0.0; 2], g.cov()));
    let b = Banana::default();
    let (m, c) = b.moments(1.0);
    let mut s = AdaptiveMetropolis::new([0.0, 0.0], 0.1, 500, 1e-6, 1.0).expect("valid");
    s.inject_fault(fault);
    let (xs, ys) = run_chain(&mut s, &b, 1102, 5_000, 400_000);
    checks.extend(chain_moments("am banana", &xs, &ys, m, c));
    checks
}

#[test]
fn adaptive_metropolis_samples_correlated_gaussian_and_banana() {
    assert_pass(&adaptive_metropolis_checks(Fault::None));
}

#[test]
fn adaptive_metropolis_negative_control_proposal_centred_on_mean() {
    assert_some_fail(
        "AM proposal centred on the history mean without the Hastings ratio",
        &adaptive_metropolis_checks(Fault::AmCentredOnMean),
    );
}

#[test]
fn adaptive_metropolis_learns_the_target_covariance() {
    // After adaptation C_t → s_d (Σ + εI): the proposal ellipse has the target's shape.
    let g = corr_gauss();
    let mut s = AdaptiveMetropolis::new([0.0, 0.0], 0.1, 500, 1e-6, 1.0).expect("valid");
    let (xs, _) = run_chain(&mut s, &g, 1103, 0, 200_000);
    let c = s.proposal_cov();
    let sd = 2.38 * 2.38 / 2.0;
    let want = g.cov();
    // The history covariance is the chain's sample covariance: its relative error is about
    // √(2/ESS) for a variance.
    let ess = effective_sample_size(&xs);
    let rel = Z * (2.0 / ess).sqrt();
    for (i, j) in [(0, 0), (0, 1), (1, 1)] {
        let got = c[i][j] / sd;
        println!(
            "am learned Σ[{i}][{j}] = {got:.4} vs {:.4} (tolerance {:.4})",
            want[i][j],
            rel * want[i][i].max(want[j][j])
        );
        assert!((got - want[i][j]).abs() < rel * want[i][i].max(want[j][j]));
    }
}

// ---------------------------------------------------------------- dual averaging (HMC, NUTS)

/// Warm-up (ε₀ from Algorithm 4; with `metric`, 3000 iterations and Stan's windowed diagonal
/// mass matrix, else 1500), then `n` frozen transitions. Checks: the frozen chain's
/// moments against exact values; without `metric`, the mean acceptance statistic over the
/// second half of warm-up against δ (what dual averaging guarantees: `H̄_m` is the running
/// mean of `δ − α`, driven to 0); with `metric`, the learned inverse metric against the
/// target's marginal variances.
fn dual_averaging_checks(nuts: bool, metric: bool, fault: Fault) -> Vec<Check> {
    let m_adapt = if metric { 3000 } else { 1500 };
    let g = corr_gauss();
    let b = Banana::default();
    // The banana's narrow tips need a smaller step than its body: as Stan users do, ask for a
    // higher acceptance there (δ = 0.95), else the frozen chain rarely enters the tips.
    let targets: [(&dyn Energy2d, &str, Moments, f64, u64); 2] = [
        (&g, "gaussian", ([0.0; 2], g.cov()), 0.8, 1201),
        (&b, "banana", b.moments(1.0), 0.95, 1202),
    ];
    let mut checks = Vec::new();
    for (target, name, (mean, cov), delta, seed) in targets {
        let warmup = Warmup {
            eps0: None,
            delta,
            m_adapt,
            metric,
        };
        let (mut s, n) = if nuts {
            let s = AdaptiveHamiltonian::nuts([0.0, 0.0], 10, warmup, 1.0).expect("valid");
            (s, 20_000)
        } else {
            let s = AdaptiveHamiltonian::hmc([0.0, 0.0], 2.0, warmup, 1.0).expect("valid");
            (s, 30_000)
        };
        s.inject_fault(fault);
        let what = format!("{} {name}", s.name());
        let mut rng = Rng::new(seed);
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        let (mut warm_acc, mut post_acc) = (Vec::new(), Vec::new());
        for m in 0..m_adapt as usize + n {
            let x = s.step(target, &mut rng, &mut |e| {
                if let Event2d::AcceptStat { value, warmup } = e {
                    if warmup {
                        warm_acc.push(value);
                    } else {
                        post_acc.push(value);
                    }
                }
            });
            if m >= m_adapt as usize {
                xs.push(x[0]);
                ys.push(x[1]);
            }
        }
        if let Some(e) = s.halted() {
            checks.push(halted_check(&what, &e.to_string()));
            continue;
        }
        let post = post_acc.iter().sum::<f64>() / post_acc.len() as f64;
        println!(
            "{what}: frozen ε = {:.4}, inverse metric {:?} from {} draws; mean acceptance \
             statistic after warm-up {post:.3} (δ = {delta})",
            s.eps(),
            s.inverse_metric(),
            s.metric_window_len()
        );
        checks.extend(chain_moments(&what, &xs, &ys, mean, cov));
        if !metric {
            let half = &warm_acc[warm_acc.len() / 2..];
            checks.push(chain_mean(
                &format!("{what} mean acceptance statistic, warm-up second half"),
                half,
                delta,
            ));
            continue;
        }
        // The inverse metric is Stan's regularised variance of the last slow window's draws:
        // relative se ≈ √(2/ESS) for a variance, with the window's ESS taken at the frozen
        // chain's efficiency.
        let nw = s.metric_window_len() as f64;
        let m = s.inverse_metric();
        for (k, trace) in [&xs, &ys].into_iter().enumerate() {
            let sq: Vec<f64> = trace.iter().map(|v| (v - mean[k]).powi(2)).collect();
            let ess = nw * effective_sample_size(&sq) / sq.len() as f64;
            let want = (nw / (nw + 5.0)) * cov[k][k] + 1e-3 * 5.0 / (nw + 5.0);
            checks.push(Check {
                what: format!("{what} inverse metric M⁻¹[{k}]"),
                est: m[k],
                exact: want,
                se: want * (2.0 / ess).sqrt(),
                ess,
                band: 0.0,
            });
        }
    }
    checks
}

#[test]
fn hmc_dual_averaging_reaches_delta_and_samples_exactly() {
    assert_pass(&dual_averaging_checks(false, false, Fault::None));
}

#[test]
fn nuts_dual_averaging_reaches_delta_and_samples_exactly() {
    assert_pass(&dual_averaging_checks(true, false, Fault::None));
}

#[test]
fn hmc_and_nuts_windowed_metric_learns_the_variances() {
    let mut checks = dual_averaging_checks(false, true, Fault::None);
    checks.extend(dual_averaging_checks(true, true, Fault::None));
    assert_pass(&checks);
}

#[test]
fn dual_averaging_negative_control_sign_flipped() {
    for nuts in [false, true] {
        assert_some_fail(
            "log ε = μ + (√m/γ) H̄ (feedback sign flipped)",
            &dual_averaging_checks(nuts, false, Fault::DualAveragingSign),
        );
    }
}

#[test]
fn dual_averaging_negative_control_metric_inverted() {
    for nuts in [false, true] {
        assert_some_fail(
            "inverse metric set to 1/variance",
            &dual_averaging_checks(nuts, true, Fault::MetricInverted),
        );
    }
}

// ---------------------------------------------------------------- DE-MCMC-Z

/// Three chains and an archive of 30 uniform draws from the target's view box; snooker
/// updates with probability `p_snooker` (the tests use 0.25, the paper's 0.1 raised so that the
/// check has power against a snooker bug). Pooled moments of the chains after burn-in.
fn de_mcmc_z_checks(p_snooker: f64, fault: Fault) -> Vec<Check> {
    let settings = DeSettings {
        p_snooker,
        ..DeSettings::default()
    };
    let g = corr_gauss();
    let b = Banana::default();
    let targets: [(&dyn Energy2d, &str, Moments, u64); 2] = [
        (&g, "gaussian", ([0.0; 2], g.cov()), 1301),
        (&b, "banana", b.moments(1.0), 1302),
    ];
    let mut checks = Vec::new();
    for (target, name, (mean, cov), seed) in targets {
        let mut rng = Rng::new(seed);
        let mut de =
            DeMcmcZ::from_box(target.bounds(), 3, 30, settings, 1.0, &mut rng).expect("valid");
        de.inject_fault(fault);
        de.step_many(2_000, target, &mut rng, &mut |_, _| {});
        let n = 100_000;
        let mut traces = vec![(Vec::with_capacity(n), Vec::with_capacity(n)); 3];
        for _ in 0..n {
            de.step(target, &mut rng, &mut |_, _| {});
            for (tr, p) in traces.iter_mut().zip(de.points()) {
                tr.0.push(p[0]);
                tr.1.push(p[1]);
            }
        }
        if let Some(e) = de.halted() {
            checks.push(halted_check(name, &e.to_string()));
            continue;
        }
        let (par, snk) = de.acceptance();
        println!(
            "de_mcmc_z {name}: archive {} points, acceptance parallel {:.3}, snooker {:.3}",
            de.archive().len(),
            par.rate().unwrap_or(f64::NAN),
            snk.rate().unwrap_or(f64::NAN)
        );
        checks.extend(pooled_moments(
            &format!("de_mcmc_z {name}"),
            &traces,
            mean,
            cov,
        ));
    }
    checks
}

#[test]
fn de_mcmc_z_samples_correlated_gaussian_and_banana() {
    assert_pass(&de_mcmc_z_checks(0.25, Fault::None));
}

#[test]
fn de_mcmc_z_negative_control_snooker_without_jacobian() {
    assert_some_fail(
        "snooker update accepted without ‖x* − z‖^(d−1)/‖x − z‖^(d−1)",
        &de_mcmc_z_checks(0.25, Fault::SnookerNoJacobian),
    );
}

// ---------------------------------------------------------------- SVGD

/// 200 particles from N(0, 2² I), moved by SVGD with AdaGrad steps (α = 0.9, as in the
/// paper's experiments) until converged; their moments against exact values with the standard
/// errors of 200 independent draws (the check asks SVGD's particles to be as accurate as an
/// i.i.d. sample of the same size — no more: at finite n the fixed point underestimates
/// variances, see `core::sampler::svgd`).
fn svgd_checks(fault: Fault) -> Vec<Check> {
    let g = corr_gauss();
    let b = Banana::default();
    let targets: [(&dyn Energy2d, &str, Moments, u64); 2] = [
        (&g, "gaussian", ([0.0; 2], g.cov()), 1401),
        (&b, "banana", b.moments(1.0), 1402),
    ];
    let mut checks = Vec::new();
    for (target, name, (mean, cov), seed) in targets {
        let mut rng = Rng::new(seed);
        let mut s = Svgd::from_gaussian(200, [0.0, 0.0], 2.0, 0.05, 1.0, &mut rng).expect("ok");
        s.set_adagrad(Some(0.9)).expect("valid");
        s.inject_fault(fault);
        s.step_many(1_000, target, &mut rng, &mut |_, _| {});
        if let Some(e) = s.halted() {
            checks.push(halted_check(name, &e.to_string()));
            continue;
        }
        println!(
            "svgd {name}: bandwidth h = {:.4} after 1000 steps",
            s.bandwidth()
        );
        checks.extend(particle_moments(
            &format!("svgd {name}"),
            s.points(),
            mean,
            cov,
        ));
    }
    checks
}

#[test]
fn svgd_particles_match_correlated_gaussian_and_banana() {
    assert_pass(&svgd_checks(Fault::None));
}

#[test]
fn svgd_negative_control_kernel_gradient_halved() {
    assert_some_fail(
        "RBF kernel gradient with 1/h instead of 2/h",
        &svgd_checks(Fault::SvgdKernelGradientHalved),
    );
}

// ---------------------------------------------------------------- nested sampling

/// Exact `ln Z = ln ∫_B exp(−E/T) dx − ln |B|` for a uniform prior on B, by grid integration.
fn exact_log_evidence(
    target: &dyn Energy2d,
    t: f64,
    prior: energy_playground::core::landscape::Bounds,
) -> f64 {
    let r = grid_moments(target, t, prior, 1200).expect("grid");
    r.log_z - (prior.width() * prior.height()).ln()
}

/// Six runs of nested sampling with 200 live points on each target, prior = the target's view
/// box: every run's ln Ẑ against the exact value within Z of its own √(H/N), and the mean of
/// the six within Z·√(Σσ̂²)/6. Also returns the insertion ranks of every new point.
fn nested_checks(fault: Fault) -> (Vec<Check>, Vec<usize>) {
    let g = corr_gauss();
    let b = Banana::default();
    let targets: [(&dyn Energy2d, &str, u64); 2] = [(&g, "gaussian", 1501), (&b, "banana", 1502)];
    let (runs, n_live) = (6, 200);
    let mut checks = Vec::new();
    let mut ranks = Vec::new();
    for (target, name, seed) in targets {
        let prior = target.bounds();
        let exact = exact_log_evidence(target, 1.0, prior);
        let mut rng = Rng::new(seed);
        let (mut sum, mut var) = (0.0, 0.0);
        for r in 0..runs {
            let settings = NestedSettings::with_live(n_live);
            let mut ns = NestedSampling::new(target, prior, settings, 1.0, &mut rng).expect("ok");
            ns.inject_fault(fault);
            while !ns.is_finished() && ns.halted().is_none() {
                ns.step(target, &mut rng, &mut |_, _| {});
                if r == 0 {
                    ranks.extend(ns.last_insertion_rank());
                }
            }
            if let Some(e) = ns.halted() {
                checks.push(halted_check(name, &e.to_string()));
                continue;
            }
            let (lz, err) = (ns.log_z(), ns.log_z_err());
            println!(
                "nested {name} run {r}: {} iterations, {} likelihood calls, H = {:.3}",
                ns.iteration(),
                ns.evaluations(),
                ns.information()
            );
            checks.push(Check {
                what: format!("nested {name} run {r} ln Z"),
                est: lz,
                exact,
                se: err,
                ess: n_live as f64,
                band: 0.0,
            });
            sum += lz;
            var += err * err;
        }
        checks.push(Check {
            what: format!("nested {name} mean of {runs} runs ln Z"),
            est: sum / runs as f64,
            exact,
            se: var.sqrt() / runs as f64,
            ess: (runs * n_live) as f64,
            band: 0.0,
        });
    }
    (checks, ranks)
}

#[test]
fn nested_sampling_evidence_matches_grid_integration() {
    let (checks, ranks) = nested_checks(Fault::None);
    assert_pass(&checks);
    // Insertion ranks of new points among the 199 others must be uniform on 0..200 if the
    // RadFriends draws are uniform inside the contour (Fowlie, Handley & Su 2020): χ² over 10
    // bins of 20 ranks, 9 degrees of freedom, 99.9 % quantile 27.88.
    let mut bins = [0usize; 10];
    for &r in &ranks {
        bins[r * 10 / 200] += 1;
    }
    let e = ranks.len() as f64 / 10.0;
    let chi2: f64 = bins.iter().map(|&k| (k as f64 - e).powi(2) / e).sum();
    println!(
        "nested insertion ranks: {} new points, bins {bins:?}, χ² = {chi2:.2}",
        ranks.len()
    );
    assert!(chi2 < 27.88, "insertion ranks not uniform: χ² = {chi2}");
}

#[test]
fn nested_sampling_negative_control_increment_after_replacement() {
    assert_some_fail(
        "evidence increment L·w read after the worst point was replaced",
        &nested_checks(Fault::NestedIncrementAfterReplacement).0,
    );
}

// ---------------------------------------------------------------- parallel tempering

/// The cold replica of a 5-rung geometric ladder (T = 1 … 16, σ = 0.8) on the correlated
/// Gaussian, the banana and a tilted double well with barrier 8 (where a lone random walk at
/// T = 1 stays in one well); moments against closed forms or grid integration.
fn tempering_checks(fault: Fault) -> Vec<Check> {
    let g = corr_gauss();
    let b = Banana::default();
    let dw = DoubleWell::new(8.0, 1.5, 0.5, 0.8).expect("valid");
    let r = grid_moments(&dw, 1.0, dw.bounds().expanded(0.5), 1000).expect("grid");
    let targets: [(&dyn Energy2d, &str, Moments, u64); 3] = [
        (&g, "gaussian", ([0.0; 2], g.cov()), 1601),
        (&b, "banana", b.moments(1.0), 1602),
        (&dw, "double well", (r.mean, r.cov), 1603),
    ];
    let mut checks = Vec::new();
    for (target, name, (mean, cov), seed) in targets {
        let mut pt = ParallelTempering::geometric([0.0, 0.0], 1.0, 16.0, 5, 0.8).expect("ok");
        pt.inject_fault(fault);
        let mut rng = Rng::new(seed);
        pt.step_many(2_000, target, &mut rng, &mut |_, _| {});
        let n = 80_000;
        let (mut xs, mut ys) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            pt.step(target, &mut rng, &mut |_, _| {});
            let c = pt.cold();
            xs.push(c[0]);
            ys.push(c[1]);
        }
        if let Some(e) = pt.halted() {
            checks.push(halted_check(name, &e.to_string()));
            continue;
        }
        let rates: Vec<String> = pt
            .swap_acceptance()
            .iter()
            .map(|a| format!("{:.2}", a.rate().unwrap_or(f64::NAN)))
            .collect();
        println!(
            "parallel tempering {name}: swap acceptance per pair [{}]",
            rates.join(", ")
        );
        checks.extend(chain_moments(
            &format!("pt {name} cold replica"),
            &xs,
            &ys,
            mean,
            cov,
        ));
    }
    checks
}

#[test]
fn parallel_tempering_cold_replica_samples_gaussian_banana_and_double_well() {
    assert_pass(&tempering_checks(Fault::None));
}

#[test]
fn parallel_tempering_negative_control_missing_swap_ratio() {
    assert_some_fail(
        "every swap accepted",
        &tempering_checks(Fault::PtAlwaysSwap),
    );
}

// ---------------------------------------------------------------- annealed importance sampling

/// AIS with 2000 particles from N(0, 4² I) through J stages `β_j = (j/J)⁴`, two random-walk
/// steps per stage: ln Ẑ against grid integration over a box holding all the mass, within Z of
/// the run's own delta-method standard error.
fn ais_checks(stages: usize, fault: Fault) -> Vec<Check> {
    let g = corr_gauss();
    let b = Banana::default();
    let targets: [(&dyn Energy2d, &str, u64); 2] = [(&g, "gaussian", 1701), (&b, "banana", 1702)];
    let mut checks = Vec::new();
    for (target, name, seed) in targets {
        let exact = grid_moments(target, 1.0, target.bounds().expanded(0.5), 1200)
            .expect("grid")
            .log_z;
        let settings = AisSettings {
            particles: 2_000,
            stages,
            power: 4.0,
            mcmc_steps: 2,
            mcmc_sigma: 0.7,
            start_mean: [0.0, 0.0],
            start_sigma: 4.0,
        };
        let mut rng = Rng::new(seed);
        let mut a = Ais::new(settings, 1.0, &mut rng).expect("valid");
        a.inject_fault(fault);
        a.step_many(stages, target, &mut rng, &mut |_, _| {});
        if let Some(e) = a.halted() {
            checks.push(halted_check(name, &e.to_string()));
            continue;
        }
        println!(
            "ais {name}, J = {stages}: weight ESS {:.0} of 2000, transition acceptance {:.2}",
            a.ess(),
            a.acceptance_rate().unwrap_or(f64::NAN)
        );
        checks.push(Check {
            what: format!("ais {name} J={stages} ln Z"),
            est: a.log_z(),
            exact,
            se: a.log_z_err(),
            ess: a.ess(),
            band: 0.0,
        });
    }
    checks
}

#[test]
fn ais_log_z_matches_grid_integration() {
    let mut checks = ais_checks(100, Fault::None);
    checks.extend(ais_checks(20, Fault::None));
    assert_pass(&checks);
}

#[test]
fn ais_negative_control_weight_after_the_move() {
    assert_some_fail(
        "weight increment taken after the transition at β_j",
        &ais_checks(20, Fault::AisWeightAfterMove),
    );
}

// ---------------------------------------------------------------- SGLD on data

/// 100 labelled points for logistic regression: x ~ N(0, 1.5²), y ~ Bernoulli(σ(1.2x − 0.4)).
fn logistic_model() -> LogisticPosterior {
    let mut rng = Rng::new(1801);
    let xs: Vec<f64> = (0..100).map(|_| 1.5 * rng.normal()).collect();
    let ys: Vec<bool> = xs
        .iter()
        .map(|&x| rng.uniform() < 1.0 / (1.0 + (0.4 - 1.2 * x).exp()))
        .collect();
    LogisticPosterior::new(&xs, &ys, 5.0).expect("valid")
}

/// 20 points from N(1, 0.7²) for the (μ, ln σ) model, priors N(0, 10²) and N(0, 2²): a
/// skewed, banana-like posterior.
fn gaussian_model() -> GaussianPosterior {
    let mut rng = Rng::new(1802);
    let xs: Vec<f64> = (0..20).map(|_| 1.0 + 0.7 * rng.normal()).collect();
    GaussianPosterior::new(&xs, 0.0, 10.0, 2.0).expect("valid")
}

/// The posteriors' exact moments by grid integration, computed once for all SGLD tests.
fn sgld_exact() -> &'static [Moments; 2] {
    static EXACT: std::sync::OnceLock<[Moments; 2]> = std::sync::OnceLock::new();
    EXACT.get_or_init(|| {
        let exact = |m: &dyn DataPosterior| {
            let r = grid_moments(m, 1.0, m.bounds().expanded(0.5), 350).expect("grid");
            assert!(
                r.edge_mass < 1e-6,
                "{}: the box cuts the posterior",
                m.name()
            );
            (r.mean, r.cov)
        };
        [exact(&logistic_model()), exact(&gaussian_model())]
    })
}

/// The final states of 400 independent SGLD chains (mini-batch B = 10) after `steps` steps of
/// `schedule`, from θ = (0, 0), against the posterior's moments by grid integration; standard
/// errors of 400 independent draws.
fn sgld_checks(schedule: StepSchedule, steps: usize, fault: Fault, tag: &str) -> Vec<Check> {
    let lm = logistic_model();
    let gm = gaussian_model();
    let models: [(&dyn DataPosterior, &str, u64); 2] =
        [(&lm, "logistic", 1803), (&gm, "gaussian (μ, ln σ)", 1804)];
    let mut checks = Vec::new();
    for ((model, name, seed), (mean, cov)) in models.into_iter().zip(sgld_exact()) {
        let mut rng = Rng::new(seed);
        let mut finals = Vec::with_capacity(400);
        let mut halted = None;
        for _ in 0..400 {
            let mut c = Sgld::new([0.0, 0.0], schedule, 10).expect("valid");
            c.inject_fault(fault);
            finals.push(c.step_many(steps, model, &mut rng));
            halted = halted.or(c.halted().map(|e| e.to_string()));
        }
        if let Some(e) = halted {
            checks.push(halted_check(name, &e));
            continue;
        }
        let what = format!("sgld {name} {tag}");
        checks.extend(particle_moments(&what, &finals, *mean, *cov));
    }
    checks
}

/// ε_t = a (b + t)^{−0.75} falling from ≈ 0.003 to 10⁻⁴ over 4 000 steps: Σε = ∞, Σε² < ∞,
/// and by the end the injected noise √ε dwarfs the mini-batch noise (∝ ε N/√B).
fn small_decaying_schedule() -> StepSchedule {
    let (b, gamma) = (50.0f64, 0.75);
    let a = 1e-4 * (b + 4_000.0f64).powf(gamma);
    StepSchedule::decaying(a, b, gamma).expect("valid")
}

#[test]
fn sgld_with_a_decaying_step_samples_the_exact_posteriors() {
    let sched = small_decaying_schedule();
    println!(
        "schedule ε_0 = {:.2e}, ε_4000 = {:.2e}",
        sched.eps_at(0),
        sched.eps_at(4_000)
    );
    assert_pass(&sgld_checks(sched, 4_000, Fault::None, "decaying ε"));
}

#[test]
fn sgld_negative_control_missing_n_over_b() {
    assert_some_fail(
        "mini-batch gradient not scaled by N/B",
        &sgld_checks(
            small_decaying_schedule(),
            10_000,
            Fault::SgldNoBatchScaling,
            "decaying ε",
        ),
    );
}

#[test]
fn sgld_with_a_large_constant_step_is_biased() {
    // Not a bug but SGLD's known bias (Welling & Teh §3): at a constant ε = 0.02 with B = 10
    // the mini-batch noise and the discretisation widen the samples beyond the posterior.
    let checks = sgld_checks(
        StepSchedule::constant(0.02).expect("ε"),
        1_000,
        Fault::None,
        "constant ε = 0.02",
    );
    assert_some_fail(
        "SGLD at a large constant ε (bias shown, not a bug)",
        &checks,
    );
}

// ---------------------------------------------------------------- microcanonical HMC

/// Unadjusted microcanonical Langevin dynamics with a small step (ε = 0.1, L = 1.5), so the
/// O(ε²) bias sits below the Monte Carlo error; moments of the trace against exact values.
fn mchmc_checks(fault: Fault) -> Vec<Check> {
    let g = corr_gauss();
    let b = Banana::default();
    let targets: [(&dyn Energy2d, &str, Moments, u64); 2] = [
        (&g, "gaussian", ([0.0; 2], g.cov()), 1901),
        (&b, "banana", b.moments(1.0), 1902),
    ];
    let mut checks = Vec::new();
    for (target, name, (mean, cov), seed) in targets {
        let mut s = Mchmc::new([0.0, 0.0], 0.1, 1.5, 1.0).expect("valid");
        s.inject_fault(fault);
        let (xs, ys) = run_chain(&mut s, target, seed, 10_000, 300_000);
        checks.extend(chain_moments(&format!("mchmc {name}"), &xs, &ys, mean, cov));
    }
    checks
}

#[test]
fn mchmc_samples_correlated_gaussian_and_banana() {
    assert_pass(&mchmc_checks(Fault::None));
}

#[test]
fn mchmc_negative_control_wrong_dimension_in_the_velocity_update() {
    assert_some_fail(
        "δ = ε|∇ln p|/d instead of /(d − 1)",
        &mchmc_checks(Fault::MchmcWrongDimension),
    );
}
