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

use energy_playground::core::landscape::{Banana, Energy2d, Gaussian};
use energy_playground::core::rng::Rng;
use energy_playground::core::sampler::diagnostics::effective_sample_size;
use energy_playground::core::sampler::fault::Fault;
use energy_playground::core::sampler::{ignore, AdaptiveMetropolis, Sampler2d};

/// Tolerance in standard errors.
const Z: f64 = 5.0;

/// One estimate against its exact value.
#[derive(Clone, Debug)]
struct Check {
    what: String,
    est: f64,
    exact: f64,
    se: f64,
    /// Effective sample size behind `se` (for chains; the particle count otherwise).
    ess: f64,
}

impl Check {
    fn z(&self) -> f64 {
        (self.est - self.exact) / self.se
    }

    fn passes(&self) -> bool {
        self.z().abs() < Z
    }

    fn line(&self) -> String {
        format!(
            "{}: estimate {:.5} vs exact {:.5} (se {:.2e}, ESS {:.0}, z = {:+.2}) {}",
            self.what,
            self.est,
            self.exact,
            self.se,
            self.ess,
            self.z(),
            if self.passes() { "ok" } else { "FAIL" }
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

/// Prints every check; asserts all pass, each with an ESS above 100.
fn assert_pass(checks: &[Check]) {
    for c in checks {
        println!("{}", c.line());
    }
    for c in checks {
        assert!(c.ess > 100.0, "{}: ESS only {:.0}", c.what, c.ess);
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

/// Runs `burn + n` steps of a chain and returns the last `n` states as two series.
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
