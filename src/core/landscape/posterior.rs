//! Bayesian posteriors on the plane: two-parameter models whose parameters θ = (θ₁, θ₂) are the
//! point x of the landscape, with data the student places or loads (lecture, "Stochastic
//! Gradient MCMC"; Welling & Teh, "Bayesian learning via stochastic gradient Langevin
//! dynamics", ICML 2011).
//!
//! For data `x₁ … x_N` the posterior is `p(θ | x) ∝ p(θ) Π_i P(x_i | θ)`, so its energy (at
//! T = 1) is
//!
//! `E(θ) = −ln p(θ) − Σ_i ln P(x_i | θ)` (+ a constant),
//!
//! and every landscape tool — the heatmap, the grid's exact moments, every sampler — works on
//! it. [`DataPosterior`] also exposes the two pieces separately, `∇ln p(θ)` and each
//! `∇ln P(x_i | θ)`, which is what SGLD's mini-batch gradient needs.
//!
//! - [`LogisticPosterior`]: Bayesian logistic regression on labelled 1-D points, θ = (slope w,
//!   intercept b), `P(y = 1 | x, θ) = σ(w x + b)`, prior `θ ~ N(0, s² I)`.
//! - [`GaussianPosterior`]: a 1-D Gaussian's mean and log standard deviation, θ = (μ, ln σ),
//!   `P(x | θ) = N(x; μ, σ²)`, priors `μ ~ N(m₀, τ_μ²)`, `ln σ ~ N(0, τ_s²)`; curved like a
//!   banana when N is small.
//!
//! The default view box is centred on the posterior mode with ±6 Laplace standard deviations
//! (the mode by damped Newton steps on E, the curvature by central differences of the analytic
//! gradient — used for the view only), recomputed when the data change.

use super::{finite, positive, Bounds, Energy2d, LandscapeError};
use crate::fastmath::{exp, hypot, ln_1p};

/// Largest number of data points.
pub const MAX_DATA: usize = 100_000;

/// A posterior energy that also gives its prior and per-datum gradients.
pub trait DataPosterior: Energy2d {
    /// Number of data points N.
    fn n_data(&self) -> usize;

    /// `∇_θ ln p(θ)`, the prior's score.
    fn grad_log_prior(&self, theta: [f64; 2]) -> [f64; 2];

    /// `∇_θ ln P(x_i | θ)`, the score of data point `i < N`.
    fn grad_log_lik(&self, i: usize, theta: [f64; 2]) -> [f64; 2];

    /// `Σ_{i ∈ batch} ∇_θ ln P(x_i | θ)` (every index `< N`); one call per mini-batch.
    fn grad_log_lik_sum(&self, batch: &[usize], theta: [f64; 2]) -> [f64; 2] {
        let mut s = [0.0; 2];
        for &i in batch {
            let g = self.grad_log_lik(i, theta);
            s[0] += g[0];
            s[1] += g[1];
        }
        s
    }
}

/// `ln(1 + eᶻ)` without overflow: `max(z, 0) + ln(1 + e^{−|z|})`.
///
/// This and [`sigmoid`] pick a side by selects, not branches: the sign of `z` is a coin flip
/// per data point, and a branch on it is mispredicted about half the time.
#[inline]
fn softplus(z: f64) -> f64 {
    let t = ln_1p(exp(-z.abs()));
    (if z > 0.0 { z } else { 0.0 }) + t
}

/// `σ(z) = 1/(1 + e^{−z})` without overflow: `1/(1 + e^{−|z|})` for `z ≥ 0`,
/// `e^{−|z|}/(1 + e^{−|z|})` below.
#[inline]
fn sigmoid(z: f64) -> f64 {
    let e = exp(-z.abs());
    (if z >= 0.0 { 1.0 } else { e }) / (1.0 + e)
}

fn check_data(xs: &[f64], len_other: Option<usize>) -> Result<(), LandscapeError> {
    if xs.len() > MAX_DATA {
        return Err(LandscapeError::Length {
            what: "data points (at most 100000)",
            expected: MAX_DATA,
            got: xs.len(),
        });
    }
    if let Some(n) = len_other {
        if n != xs.len() {
            return Err(LandscapeError::Length {
                what: "labels (one per data point)",
                expected: xs.len(),
                got: n,
            });
        }
    }
    for &x in xs {
        finite("data point", x)?;
    }
    Ok(())
}

/// Bayesian logistic regression: θ = (w, b), `P(y = 1 | x) = σ(w x + b)`, prior `N(0, s² I)`.
///
/// `E(θ) = |θ|²/(2s²) + Σ_i [ln(1 + e^{z_i}) − y_i z_i]`, `z_i = w x_i + b`;
/// `∇ ln P(y_i | x_i, θ) = (y_i − σ(z_i)) (x_i, 1)`, `∇ ln p(θ) = −θ/s²`.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticPosterior {
    xs: Vec<f64>,
    ys: Vec<f64>,
    prior_sd: f64,
    view: Bounds,
}

impl LogisticPosterior {
    /// Points `xs` (finite) with labels `ys` (each `false`/`true` for y = 0/1, one per point, at
    /// most 100 000) and prior standard deviation `s > 0`.
    pub fn new(xs: &[f64], ys: &[bool], prior_sd: f64) -> Result<Self, LandscapeError> {
        let mut m = Self {
            xs: Vec::new(),
            ys: Vec::new(),
            prior_sd: positive("prior standard deviation s", prior_sd)?,
            view: Bounds::square(1.0),
        };
        m.set_data(xs, ys)?;
        Ok(m)
    }

    /// Replaces the data (validated as in [`LogisticPosterior::new`]).
    pub fn set_data(&mut self, xs: &[f64], ys: &[bool]) -> Result<(), LandscapeError> {
        check_data(xs, Some(ys.len()))?;
        self.xs.clear();
        self.xs.extend_from_slice(xs);
        self.ys.clear();
        self.ys.extend(ys.iter().map(|&y| f64::from(u8::from(y))));
        self.view = laplace_view(self, self.prior_sd);
        Ok(())
    }

    /// The points.
    pub fn xs(&self) -> &[f64] {
        &self.xs
    }

    /// The labels as 0.0 / 1.0.
    pub fn ys(&self) -> &[f64] {
        &self.ys
    }

    /// The prior standard deviation s.
    pub fn prior_sd(&self) -> f64 {
        self.prior_sd
    }
}

impl Energy2d for LogisticPosterior {
    fn energy(&self, t: [f64; 2]) -> f64 {
        let s2 = self.prior_sd * self.prior_sd;
        // −ln p(θ) = |θ|²/(2s²).
        let mut e = 0.5 * (t[0] * t[0] + t[1] * t[1]) / s2;
        for (&x, &y) in self.xs.iter().zip(&self.ys) {
            let z = t[0] * x + t[1];
            // −ln P(y | x, θ) = ln(1 + eᶻ) − y z.
            e += softplus(z) - y * z;
        }
        e
    }

    fn energy_and_grad(&self, t: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        let s2 = self.prior_sd * self.prior_sd;
        let mut e = 0.5 * (t[0] * t[0] + t[1] * t[1]) / s2;
        *grad = [t[0] / s2, t[1] / s2];
        for (&x, &y) in self.xs.iter().zip(&self.ys) {
            let z = t[0] * x + t[1];
            e += softplus(z) - y * z;
            // ∂/∂θ [ln(1 + eᶻ) − y z] = (σ(z) − y)(x, 1).
            let r = sigmoid(z) - y;
            grad[0] += r * x;
            grad[1] += r;
        }
        e
    }

    fn bounds(&self) -> Bounds {
        self.view
    }

    fn name(&self) -> &'static str {
        "logistic posterior"
    }

    fn as_data(&self) -> Option<&dyn DataPosterior> {
        Some(self)
    }
}

impl DataPosterior for LogisticPosterior {
    fn n_data(&self) -> usize {
        self.xs.len()
    }

    fn grad_log_prior(&self, t: [f64; 2]) -> [f64; 2] {
        let s2 = self.prior_sd * self.prior_sd;
        [-t[0] / s2, -t[1] / s2]
    }

    // Inlined into the mini-batch sum: returning the pair from a call goes through memory in
    // wasm, which made the call cost more than the score itself.
    #[inline(always)]
    fn grad_log_lik(&self, i: usize, t: [f64; 2]) -> [f64; 2] {
        let (x, y) = (self.xs[i], self.ys[i]);
        // ∇ ln P(y | x, θ) = (y − σ(w x + b)) (x, 1).
        let r = y - sigmoid(t[0] * x + t[1]);
        [r * x, r]
    }

    // Two data points per pass: their σ's are independent work; the sums are still added in
    // batch order, so bit for bit the one-by-one sum.
    fn grad_log_lik_sum(&self, batch: &[usize], t: [f64; 2]) -> [f64; 2] {
        let mut s = [0.0; 2];
        let mut pairs = batch.chunks_exact(2);
        for p in &mut pairs {
            let (xa, ya) = (self.xs[p[0]], self.ys[p[0]]);
            let (xb, yb) = (self.xs[p[1]], self.ys[p[1]]);
            let ra = ya - sigmoid(t[0] * xa + t[1]);
            let rb = yb - sigmoid(t[0] * xb + t[1]);
            s[0] += ra * xa;
            s[1] += ra;
            s[0] += rb * xb;
            s[1] += rb;
        }
        for &i in pairs.remainder() {
            let g = self.grad_log_lik(i, t);
            s[0] += g[0];
            s[1] += g[1];
        }
        s
    }
}

/// The mean and log standard deviation of a 1-D Gaussian: θ = (μ, s = ln σ).
///
/// `E(θ) = (μ − m₀)²/(2τ_μ²) + s²/(2τ_s²) + Σ_i [s + (x_i − μ)² e^{−2s}/2]`;
/// `∇ ln P(x_i | θ) = ((x_i − μ) e^{−2s}, (x_i − μ)² e^{−2s} − 1)`.
#[derive(Clone, Debug, PartialEq)]
pub struct GaussianPosterior {
    xs: Vec<f64>,
    m0: f64,
    tau_mu: f64,
    tau_s: f64,
    view: Bounds,
}

impl GaussianPosterior {
    /// Data `xs` (finite, at most 100 000) with priors `μ ~ N(m₀, τ_μ²)` and
    /// `ln σ ~ N(0, τ_s²)` (`m₀` finite, `τ_μ, τ_s > 0`).
    pub fn new(xs: &[f64], m0: f64, tau_mu: f64, tau_s: f64) -> Result<Self, LandscapeError> {
        let mut m = Self {
            xs: Vec::new(),
            m0: finite("prior mean m₀", m0)?,
            tau_mu: positive("prior standard deviation τ_μ", tau_mu)?,
            tau_s: positive("prior standard deviation τ_s", tau_s)?,
            view: Bounds::square(1.0),
        };
        m.set_data(xs)?;
        Ok(m)
    }

    /// Replaces the data (finite, at most 100 000 points).
    pub fn set_data(&mut self, xs: &[f64]) -> Result<(), LandscapeError> {
        check_data(xs, None)?;
        self.xs.clear();
        self.xs.extend_from_slice(xs);
        let start = self.tau_mu.max(self.tau_s);
        self.view = laplace_view(self, start);
        Ok(())
    }

    /// The data.
    pub fn xs(&self) -> &[f64] {
        &self.xs
    }
}

impl Energy2d for GaussianPosterior {
    fn energy(&self, t: [f64; 2]) -> f64 {
        let mut g = [0.0; 2];
        self.energy_and_grad(t, &mut g)
    }

    fn energy_and_grad(&self, t: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        let (mu, s) = (t[0], t[1]);
        let (tm2, ts2) = (self.tau_mu * self.tau_mu, self.tau_s * self.tau_s);
        // −ln p(θ) = (μ − m₀)²/(2τ_μ²) + s²/(2τ_s²).
        let mut e = 0.5 * (mu - self.m0).powi(2) / tm2 + 0.5 * s * s / ts2;
        *grad = [(mu - self.m0) / tm2, s / ts2];
        let inv_var = exp(-2.0 * s);
        for &x in &self.xs {
            let d = x - mu;
            // −ln P(x | μ, s) = s + (x − μ)² e^{−2s}/2 (+ ½ ln 2π, dropped).
            e += s + 0.5 * d * d * inv_var;
            grad[0] -= d * inv_var;
            grad[1] += 1.0 - d * d * inv_var;
        }
        e
    }

    fn bounds(&self) -> Bounds {
        self.view
    }

    fn name(&self) -> &'static str {
        "gaussian (μ, ln σ) posterior"
    }

    fn as_data(&self) -> Option<&dyn DataPosterior> {
        Some(self)
    }
}

impl DataPosterior for GaussianPosterior {
    fn n_data(&self) -> usize {
        self.xs.len()
    }

    fn grad_log_prior(&self, t: [f64; 2]) -> [f64; 2] {
        [
            -(t[0] - self.m0) / (self.tau_mu * self.tau_mu),
            -t[1] / (self.tau_s * self.tau_s),
        ]
    }

    // Inlined into the mini-batch sum: returning the pair from a call goes through memory in
    // wasm, which made the call cost more than the score itself.
    #[inline(always)]
    fn grad_log_lik(&self, i: usize, t: [f64; 2]) -> [f64; 2] {
        let d = self.xs[i] - t[0];
        let inv_var = exp(-2.0 * t[1]);
        // ∇ ln N(x; μ, e^{2s}) = ((x − μ) e^{−2s}, (x − μ)² e^{−2s} − 1).
        [d * inv_var, d * d * inv_var - 1.0]
    }
}

/// A view box: the posterior mode (damped Newton on E from the origin, or from the data's
/// mean for the Gaussian model) ± 6 Laplace standard deviations, at least ±0.5 wide; falls back
/// to `±3·fallback` around the origin if Newton fails.
fn laplace_view(m: &dyn Energy2d, fallback: f64) -> Bounds {
    let mut t = [0.0, 0.0];
    let mut g = [0.0; 2];
    let mut e = m.energy_and_grad(t, &mut g);
    let hessian = |t: [f64; 2]| -> [[f64; 2]; 2] {
        // Central differences of the analytic gradient (view box only).
        let mut h = [[0.0; 2]; 2];
        for k in 0..2 {
            let d = 1e-5 * (1.0 + t[k].abs());
            let (mut tp, mut tm) = (t, t);
            tp[k] += d;
            tm[k] -= d;
            let (mut gp, mut gm) = ([0.0; 2], [0.0; 2]);
            m.energy_and_grad(tp, &mut gp);
            m.energy_and_grad(tm, &mut gm);
            for j in 0..2 {
                h[j][k] = (gp[j] - gm[j]) / (2.0 * d);
            }
        }
        let off = 0.5 * (h[0][1] + h[1][0]);
        [[h[0][0], off], [off, h[1][1]]]
    };
    for _ in 0..100 {
        let h = hessian(t);
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        // A Newton step where E is convex, else a gradient step.
        let step = if h[0][0] > 0.0 && det > 0.0 {
            [
                (h[1][1] * g[0] - h[0][1] * g[1]) / det,
                (h[0][0] * g[1] - h[1][0] * g[0]) / det,
            ]
        } else {
            let s = 1.0 / (1.0 + g[0].abs() + g[1].abs());
            [s * g[0], s * g[1]]
        };
        let mut a = 1.0;
        let mut moved = false;
        for _ in 0..40 {
            let cand = [t[0] - a * step[0], t[1] - a * step[1]];
            let mut gc = [0.0; 2];
            let ec = m.energy_and_grad(cand, &mut gc);
            if ec.is_finite() && ec <= e {
                (t, e, g) = (cand, ec, gc);
                moved = true;
                break;
            }
            a *= 0.5;
        }
        if !moved || hypot(a * step[0], a * step[1]) < 1e-12 {
            break;
        }
    }
    let h = hessian(t);
    let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
    let ok = h[0][0] > 0.0 && det > 0.0 && t[0].is_finite() && t[1].is_finite();
    let (sd0, sd1) = if ok {
        ((h[1][1] / det).sqrt(), (h[0][0] / det).sqrt())
    } else {
        (fallback, fallback)
    };
    let (w0, w1) = ((6.0 * sd0).max(0.05), (6.0 * sd1).max(0.05));
    let c = if ok { t } else { [0.0, 0.0] };
    Bounds::new(c[0] - w0, c[0] + w0, c[1] - w1, c[1] + w1).unwrap_or(Bounds::square(3.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::grid::grid_moments;
    use crate::landscape::testutil::check_gradient;
    use crate::rng::Rng;

    #[test]
    fn softplus_and_sigmoid_are_the_two_sided_formulas_bit_for_bit() {
        // the formulas written with a branch on the sign of z, as the lecture's σ and ln(1 + eᶻ)
        let softplus_ref = |z: f64| {
            if z > 0.0 {
                z + ln_1p(exp(-z))
            } else {
                ln_1p(exp(z))
            }
        };
        let sigmoid_ref = |z: f64| {
            if z >= 0.0 {
                1.0 / (1.0 + exp(-z))
            } else {
                exp(z) / (1.0 + exp(z))
            }
        };
        let mut rng = Rng::new(5);
        let mut zs = vec![0.0, -0.0, 1e-300, -1e-300, 745.0, -745.0, 1e308, -1e308];
        zs.extend([f64::INFINITY, f64::NEG_INFINITY]);
        zs.extend((0..2000).map(|_| 60.0 * (rng.uniform() - 0.5)));
        for z in zs {
            assert_eq!(
                softplus(z).to_bits(),
                softplus_ref(z).to_bits(),
                "softplus({z})"
            );
            assert_eq!(sigmoid(z).to_bits(), sigmoid_ref(z).to_bits(), "σ({z})");
        }
        assert!(softplus(f64::NAN).is_nan() && sigmoid(f64::NAN).is_nan());
    }

    fn logistic_data(n: usize, seed: u64) -> (Vec<f64>, Vec<bool>) {
        let mut rng = Rng::new(seed);
        let xs: Vec<f64> = (0..n).map(|_| 1.5 * rng.normal()).collect();
        let ys = xs
            .iter()
            .map(|&x| rng.uniform() < sigmoid(1.2 * x - 0.4))
            .collect();
        (xs, ys)
    }

    #[test]
    fn the_logistic_batch_sum_is_the_one_by_one_sum_bit_for_bit() {
        // pairs in the kernel, the odd one out after them; repeated indices as a batch may not
        // have, but the sum must not care
        let (xs, ys) = logistic_data(37, 9);
        let lp = LogisticPosterior::new(&xs, &ys, 2.0).expect("valid");
        let mut rng = Rng::new(10);
        for len in [0, 1, 2, 3, 10, 11, 37] {
            for _ in 0..20 {
                let batch: Vec<usize> = (0..len).map(|_| rng.below(37)).collect();
                let t = [rng.range(-30.0, 30.0), rng.range(-30.0, 30.0)];
                let mut want = [0.0; 2];
                for &i in &batch {
                    let g = lp.grad_log_lik(i, t);
                    want[0] += g[0];
                    want[1] += g[1];
                }
                let got = lp.grad_log_lik_sum(&batch, t);
                assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{len} {t:?}");
            }
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        let (xs, ys) = logistic_data(40, 1);
        let lp = LogisticPosterior::new(&xs, &ys, 3.0).expect("valid");
        check_gradient(&lp, 200, 2, 1e-6);
        let gp = GaussianPosterior::new(&[0.3, 1.1, -0.4, 2.0, 0.9], 0.5, 4.0, 1.5).expect("ok");
        check_gradient(&gp, 200, 3, 1e-6);
        let empty = GaussianPosterior::new(&[], 0.0, 1.0, 1.0).expect("valid");
        check_gradient(&empty, 50, 4, 1e-6);
    }

    #[test]
    fn pieces_add_up_to_minus_the_energy_gradient() {
        // ∇E = −(∇ ln p(θ) + Σᵢ ∇ ln P(xᵢ | θ)) for both models.
        let (xs, ys) = logistic_data(25, 5);
        let lp = LogisticPosterior::new(&xs, &ys, 2.0).expect("valid");
        let gp = GaussianPosterior::new(&xs, -1.0, 3.0, 2.0).expect("valid");
        let models: [&dyn DataPosterior; 2] = [&lp, &gp];
        let mut rng = Rng::new(6);
        for m in models {
            for _ in 0..20 {
                let t = [rng.range(-2.0, 2.0), rng.range(-1.0, 1.0)];
                let mut g = [0.0; 2];
                m.energy_and_grad(t, &mut g);
                let mut sum = m.grad_log_prior(t);
                for i in 0..m.n_data() {
                    let gi = m.grad_log_lik(i, t);
                    sum[0] += gi[0];
                    sum[1] += gi[1];
                }
                for k in 0..2 {
                    assert!(
                        (g[k] + sum[k]).abs() < 1e-9 * (1.0 + g[k].abs()),
                        "{}",
                        m.name()
                    );
                }
            }
        }
    }

    #[test]
    fn energy_is_the_stated_formula() {
        // One point x = 2, y = 1, s = 1, θ = (0.5, −0.25): z = 0.75,
        // E = (0.25 + 0.0625)/2 + ln(1 + e^0.75) − 0.75.
        let lp = LogisticPosterior::new(&[2.0], &[true], 1.0).expect("valid");
        let want = 0.15625 + (1.0 + 0.75f64.exp()).ln() - 0.75;
        assert!((lp.energy([0.5, -0.25]) - want).abs() < 1e-12);
        // Gaussian model, x = 1, m₀ = 0, τ = 1: θ = (0.5, ln 2):
        // E = 0.125 + (ln 2)²/2 + ln 2 + 0.25/8.
        let gp = GaussianPosterior::new(&[1.0], 0.0, 1.0, 1.0).expect("valid");
        let l2 = 2f64.ln();
        let want = 0.125 + 0.5 * l2 * l2 + l2 + 0.25 / 8.0;
        assert!((gp.energy([0.5, l2]) - want).abs() < 1e-12);
        // Extreme logits do not overflow.
        assert!(lp.energy([1e3, 1e3]).is_finite() && lp.energy([-1e3, 0.0]).is_finite());
    }

    #[test]
    fn view_box_holds_the_posterior_mass() {
        let (xs, ys) = logistic_data(200, 7);
        let lp = LogisticPosterior::new(&xs, &ys, 5.0).expect("valid");
        let r = grid_moments(&lp, 1.0, lp.bounds(), 300).expect("grid");
        assert!(r.edge_mass < 1e-6, "edge mass {}", r.edge_mass);
        assert!((r.mean[0] - 1.2).abs() < 0.5 && (r.mean[1] + 0.4).abs() < 0.5);
        let mut rng = Rng::new(8);
        let data: Vec<f64> = (0..8).map(|_| 1.0 + 0.7 * rng.normal()).collect();
        let gp = GaussianPosterior::new(&data, 0.0, 10.0, 2.0).expect("valid");
        let r = grid_moments(&gp, 1.0, gp.bounds(), 300).expect("grid");
        assert!(r.edge_mass < 1e-4, "edge mass {}", r.edge_mass);
        let e = LogisticPosterior::new(&[], &[], 1.0).expect("prior only");
        assert!(e.bounds().contains([2.5, -2.5]));
    }

    #[test]
    fn bad_data_and_parameters_are_rejected() {
        assert!(LogisticPosterior::new(&[1.0, 2.0], &[true], 1.0).is_err());
        assert!(LogisticPosterior::new(&[f64::NAN], &[true], 1.0).is_err());
        assert!(LogisticPosterior::new(&[1.0], &[true], 0.0).is_err());
        assert!(LogisticPosterior::new(&[1.0], &[true], f64::INFINITY).is_err());
        assert!(
            LogisticPosterior::new(&vec![0.0; MAX_DATA + 1], &vec![true; MAX_DATA + 1], 1.0)
                .is_err()
        );
        assert!(GaussianPosterior::new(&[f64::INFINITY], 0.0, 1.0, 1.0).is_err());
        assert!(GaussianPosterior::new(&[1.0], f64::NAN, 1.0, 1.0).is_err());
        assert!(GaussianPosterior::new(&[1.0], 0.0, -1.0, 1.0).is_err());
        let e = GaussianPosterior::new(&[1.0], 0.0, 1.0, 0.0).expect_err("τ_s = 0");
        assert!(!e.to_string().is_empty());
        let mut gp = GaussianPosterior::new(&[1.0], 0.0, 1.0, 1.0).expect("valid");
        assert!(gp.set_data(&[1.0, f64::NAN]).is_err());
        assert_eq!(gp.n_data(), 1);
    }
}
