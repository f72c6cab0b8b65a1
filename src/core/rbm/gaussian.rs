//! Gaussian–Bernoulli RBM: continuous visible units, 0/1 hidden units — the lecture's remark
//! that RBMs extend to continuous values whenever each conditional is easy to sample, i.e. an
//! exponential-family harmonium (Welling, Rosen-Zvi & Hinton 2004).
//!
//! Energy (the parametrisation of Cho, Raiko & Ilin 2011, "Improved learning of
//! Gaussian-Bernoulli RBMs"):
//! `E(v, h) = Σᵢ (vᵢ − bᵢ)² / (2σᵢ²) − Σᵢⱼ (vᵢ/σᵢ²) wᵢⱼ hⱼ − Σⱼ cⱼ hⱼ`, giving
//! - `v | h ~ N(b + Wh, diag σ²)` (each visible an independent Gaussian),
//! - `P(hⱼ = 1 | v) = σ(cⱼ + Σᵢ wᵢⱼ vᵢ/σᵢ²)`.
//!
//! The noise levels σᵢ are **fixed** by the caller (not learned); with standardised data σ = 1
//! is the usual choice (Hinton 2010, §13.2). Summing out v shows the marginal is a mixture of
//! 2^nh Gaussians with common covariance diag σ², means `b + Wh` and weights
//! `π_h ∝ exp(cᵀh + Σᵢ ((b + Wh)ᵢ² − bᵢ²)/(2σᵢ²))`, which [`GaussianRbm::mixture`] returns
//! exactly for small nh. Parameters are stored in an [`Rbm`] (same hidden-major layout).

use super::cd::{
    accumulate_phase, apply_gradient, check_data, CdConfig, Gradient, NegativeVisible, Schedule,
    TrainEvent, TrainStats,
};
use super::gibbs::bernoulli_into;
use super::model::{check_finite, check_len, check_range, softplus, Rbm, RbmError};
use crate::rng::Rng;

/// Largest |value| accepted in Gaussian training data (keeps every energy finite in f32).
pub const MAX_ABS_DATA: f32 = 1.0e4;
/// Largest nh for the exact mixture (2^nh components).
pub const MAX_MIXTURE_BITS: usize = 16;

/// Largest number of points [`blob_data`] draws.
pub const MAX_BLOB_POINTS: usize = 100_000;

/// `n` points in the plane (flat `[x₀, y₀, x₁, y₁, …]`) from an equal-weight mixture of
/// isotropic Gaussians: point k comes from blob `k mod centres.len()`,
/// `x = centre + sd · N(0, I)`. Training data for a 2-visible Gaussian RBM, whose marginal is
/// itself such a mixture. Needs 1..=64 finite centres, `sd` finite in (0, 100] and
/// 1 ≤ n ≤ [`MAX_BLOB_POINTS`].
pub fn blob_data(
    centres: &[[f32; 2]],
    sd: f32,
    n: usize,
    rng: &mut Rng,
) -> Result<Vec<f32>, RbmError> {
    if centres.is_empty() || centres.len() > 64 {
        return Err(RbmError::Size {
            what: "number of blob centres",
            n: centres.len(),
            max: 64,
        });
    }
    if n == 0 || n > MAX_BLOB_POINTS {
        return Err(RbmError::Size {
            what: "number of points",
            n,
            max: MAX_BLOB_POINTS,
        });
    }
    check_range(
        "blob standard deviation",
        f64::from(sd),
        0.0,
        100.0,
        true,
        "in (0, 100]",
    )?;
    let flat: Vec<f32> = centres.iter().flatten().copied().collect();
    check_finite("blob centres", &flat)?;
    let mut out = Vec::with_capacity(2 * n);
    for k in 0..n {
        let c = centres[k % centres.len()];
        out.push(c[0] + sd * rng.normal() as f32);
        out.push(c[1] + sd * rng.normal() as f32);
    }
    Ok(out)
}

/// A Gaussian–Bernoulli RBM with fixed visible noise levels σᵢ.
#[derive(Clone, Debug, PartialEq)]
pub struct GaussianRbm {
    params: Rbm,
    sigma: Vec<f32>,
    /// 1/σᵢ².
    inv_var: Vec<f32>,
}

/// The exact marginal of a [`GaussianRbm`]: `p(v) = Σ_h π_h N(v; μ_h, diag σ²)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Mixture {
    /// Component weights π_h (sum to 1), indexed by hidden state h in bit order.
    pub weights: Vec<f64>,
    /// Component means μ_h = b + Wh, `2^nh × nv` row-major.
    pub means: Vec<f32>,
    /// The shared standard deviations σᵢ.
    pub sigma: Vec<f32>,
}

impl Mixture {
    /// The mixture's mean `Σ π_h μ_h` and covariance `diag σ² + Σ π_h μ_h μ_hᵀ − mean meanᵀ`
    /// (row-major nv × nv).
    pub fn moments(&self) -> (Vec<f64>, Vec<f64>) {
        let nv = self.sigma.len();
        let mut mean = vec![0.0f64; nv];
        let mut second = vec![0.0f64; nv * nv];
        for (pi, mu) in self.weights.iter().zip(self.means.chunks_exact(nv)) {
            for a in 0..nv {
                mean[a] += pi * f64::from(mu[a]);
                for b in 0..nv {
                    second[a * nv + b] += pi * f64::from(mu[a]) * f64::from(mu[b]);
                }
            }
        }
        let mut cov = second;
        for a in 0..nv {
            for b in 0..nv {
                cov[a * nv + b] -= mean[a] * mean[b];
            }
            cov[a * nv + a] += f64::from(self.sigma[a]) * f64::from(self.sigma[a]);
        }
        (mean, cov)
    }
}

fn check_sigma(sigma: &[f32]) -> Result<(), RbmError> {
    for &s in sigma {
        check_range(
            "visible noise sigma",
            f64::from(s),
            1e-3,
            1e3,
            false,
            "in [0.001, 1000]",
        )?;
    }
    Ok(())
}

impl GaussianRbm {
    /// `nv` Gaussian visibles with noise `sigma` (in [0.001, 1000]), `nh` binary hiddens, zero
    /// parameters.
    pub fn new(nv: usize, nh: usize, sigma: f32) -> Result<Self, RbmError> {
        Self::from_rbm(Rbm::new(nv, nh)?, vec![sigma; nv])
    }

    /// Weights N(0, `w_scale`²), zero biases, noise `sigma` on every visible.
    pub fn with_random_weights(
        nv: usize,
        nh: usize,
        sigma: f32,
        w_scale: f32,
        rng: &mut Rng,
    ) -> Result<Self, RbmError> {
        Self::from_rbm(
            Rbm::with_random_weights(nv, nh, w_scale, rng)?,
            vec![sigma; nv],
        )
    }

    /// From parameters held in an [`Rbm`] (W, b, c) and per-visible noise levels `sigma`.
    pub fn from_rbm(params: Rbm, sigma: Vec<f32>) -> Result<Self, RbmError> {
        check_len("sigma", params.nv(), sigma.len())?;
        check_sigma(&sigma)?;
        let inv_var = sigma.iter().map(|s| 1.0 / (s * s)).collect();
        Ok(Self {
            params,
            sigma,
            inv_var,
        })
    }

    /// Number of visible units.
    pub fn nv(&self) -> usize {
        self.params.nv()
    }

    /// Number of hidden units.
    pub fn nh(&self) -> usize {
        self.params.nh()
    }

    /// The parameters W (hidden-major), b (visible bias), c (hidden bias).
    pub fn params(&self) -> &Rbm {
        &self.params
    }

    /// Mutable parameters (keep them finite).
    pub fn params_mut(&mut self) -> &mut Rbm {
        &mut self.params
    }

    /// The fixed noise levels σᵢ.
    pub fn sigma(&self) -> &[f32] {
        &self.sigma
    }

    /// `E(v, h) = Σᵢ (vᵢ − bᵢ)²/(2σᵢ²) − Σᵢⱼ (vᵢ/σᵢ²) wᵢⱼ hⱼ − cᵀh`.
    pub fn energy(&self, v: &[f32], h: &[f32]) -> Result<f64, RbmError> {
        check_len("visible vector", self.nv(), v.len())?;
        check_len("hidden vector", self.nh(), h.len())?;
        let mut e = self.quadratic(v);
        for (j, &hj) in h.iter().enumerate() {
            // −hⱼ (cⱼ + Σᵢ wᵢⱼ vᵢ/σᵢ²)
            e -= f64::from(hj) * f64::from(self.field_one(j, v));
        }
        Ok(e)
    }

    /// Σᵢ (vᵢ − bᵢ)² / (2σᵢ²), the visible units' Gaussian well.
    fn quadratic(&self, v: &[f32]) -> f64 {
        v.iter()
            .zip(self.params.visible_bias())
            .zip(&self.inv_var)
            .map(|((x, b), iv)| {
                let d = f64::from(*x) - f64::from(*b);
                // (vᵢ − bᵢ)² / (2σᵢ²)
                0.5 * d * d * f64::from(*iv)
            })
            .sum()
    }

    /// zⱼ = cⱼ + Σᵢ wᵢⱼ vᵢ/σᵢ² for one visible vector.
    fn field_one(&self, j: usize, v: &[f32]) -> f32 {
        let row = &self.params.weights()[j * self.nv()..(j + 1) * self.nv()];
        let mut s = 0.0f32;
        for ((w, x), iv) in row.iter().zip(v).zip(&self.inv_var) {
            s += w * x * iv;
        }
        self.params.hidden_bias()[j] + s
    }

    /// `F(v) = Σᵢ (vᵢ − bᵢ)²/(2σᵢ²) − Σⱼ softplus(cⱼ + Σᵢ wᵢⱼ vᵢ/σᵢ²)`.
    pub fn free_energy(&self, v: &[f32]) -> Result<f64, RbmError> {
        check_len("visible vector", self.nv(), v.len())?;
        let mut f = self.quadratic(v);
        for j in 0..self.nh() {
            f -= softplus(f64::from(self.field_one(j, v)));
        }
        Ok(f)
    }

    fn scale_into(&self, v: &[f32], out: &mut [f32]) {
        for (row_o, row_v) in out
            .chunks_exact_mut(self.nv())
            .zip(v.chunks_exact(self.nv()))
        {
            for ((o, x), iv) in row_o.iter_mut().zip(row_v).zip(&self.inv_var) {
                // vᵢ / σᵢ²
                *o = x * iv;
            }
        }
    }

    /// `P(hⱼ=1|v) = σ(cⱼ + Σᵢ wᵢⱼ vᵢ/σᵢ²)` for a batch (`rows × nv` → `rows × nh`);
    /// `scratch` has `rows × nv` entries (receives v/σ²).
    pub fn hidden_probs(
        &self,
        v: &[f32],
        scratch: &mut [f32],
        out: &mut [f32],
    ) -> Result<(), RbmError> {
        check_len("scratch", v.len(), scratch.len())?;
        self.scale_into(v, scratch);
        self.params.hidden_probs(scratch, out)
    }

    /// The conditional mean `E[v|h] = b + Wh` for a batch (`rows × nh` → `rows × nv`); the
    /// conditional variance is σᵢ².
    pub fn visible_mean(&self, h: &[f32], out: &mut [f32]) -> Result<(), RbmError> {
        self.params.visible_field(h, out)
    }

    /// Draws `v ~ N(b + Wh, diag σ²)` for a batch; `mean` receives b + Wh.
    pub fn sample_visible(
        &self,
        h: &[f32],
        mean: &mut [f32],
        v: &mut [f32],
        rng: &mut Rng,
    ) -> Result<(), RbmError> {
        check_len("visible output", mean.len(), v.len())?;
        self.visible_mean(h, mean)?;
        self.noise_into(mean, v, rng);
        Ok(())
    }

    fn noise_into(&self, mean: &[f32], v: &mut [f32], rng: &mut Rng) {
        for (row_v, row_m) in v
            .chunks_exact_mut(self.nv())
            .zip(mean.chunks_exact(self.nv()))
        {
            for ((x, m), s) in row_v.iter_mut().zip(row_m).zip(&self.sigma) {
                // vᵢ = μᵢ + σᵢ ε, ε ~ N(0, 1)
                *x = m + s * rng.normal() as f32;
            }
        }
    }

    /// Unnormalised log mixture weights `cᵀh + Σᵢ (μᵢ² − bᵢ²)/(2σᵢ²)` and means `μ_h = b + Wh`.
    fn log_weights(&self) -> Result<(Vec<f64>, Vec<f32>), RbmError> {
        let (nv, nh) = (self.nv(), self.nh());
        if nh > MAX_MIXTURE_BITS {
            return Err(RbmError::TooLargeForExact {
                nv,
                nh,
                max_bits: MAX_MIXTURE_BITS,
            });
        }
        let k = 1usize << nh;
        let mut means = vec![0.0f32; k * nv];
        let mut logw = vec![0.0f64; k];
        let mut h = vec![0.0f32; nh];
        let b = self.params.visible_bias();
        for (x, (lw, mu)) in logw.iter_mut().zip(means.chunks_exact_mut(nv)).enumerate() {
            for (j, hj) in h.iter_mut().enumerate() {
                *hj = ((x >> j) & 1) as f32;
            }
            // μ_h = b + Wh
            self.params.visible_field_into(&h, mu);
            // log π_h = cᵀh + Σᵢ (μᵢ² − bᵢ²)/(2σᵢ²) + const (∫ e^{−E(v,h)} dv, completing the square)
            *lw = self
                .params
                .hidden_bias()
                .iter()
                .zip(&h)
                .map(|(c, hj)| f64::from(*c) * f64::from(*hj))
                .sum();
            for i in 0..nv {
                let (m, bi) = (f64::from(mu[i]), f64::from(b[i]));
                *lw += 0.5 * (m * m - bi * bi) * f64::from(self.inv_var[i]);
            }
        }
        Ok((logw, means))
    }

    /// The exact marginal as a Gaussian mixture (requires nh ≤ [`MAX_MIXTURE_BITS`]).
    pub fn mixture(&self) -> Result<Mixture, RbmError> {
        let (logw, means) = self.log_weights()?;
        let mx = logw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let s: f64 = logw.iter().map(|l| (l - mx).exp()).sum();
        Ok(Mixture {
            weights: logw.iter().map(|l| (l - mx).exp() / s).collect(),
            means,
            sigma: self.sigma.clone(),
        })
    }

    /// `log Z = Σᵢ ½ log(2πσᵢ²) + log Σ_h exp(cᵀh + Σᵢ ((b+Wh)ᵢ² − bᵢ²)/(2σᵢ²))`, exact
    /// (nh ≤ [`MAX_MIXTURE_BITS`]).
    pub fn log_partition(&self) -> Result<f64, RbmError> {
        let (logw, _) = self.log_weights()?;
        let mx = logw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lse = mx + logw.iter().map(|l| (l - mx).exp()).sum::<f64>().ln();
        // Σᵢ ½ log(2πσᵢ²): the Gaussian normaliser of ∫ dv
        let gauss: f64 = self
            .sigma
            .iter()
            .map(|s| 0.5 * (2.0 * std::f64::consts::PI * f64::from(*s) * f64::from(*s)).ln())
            .sum();
        Ok(gauss + lse)
    }

    /// Exact mean log density `(1/N) Σ log p(v) = −(1/N) Σ F(v) − log Z` of the rows of `data`.
    pub fn log_likelihood(&self, data: &[f32]) -> Result<f64, RbmError> {
        let n = check_data(data, self.nv())?;
        let lz = self.log_partition()?;
        let mut s = 0.0;
        for v in data.chunks_exact(self.nv()) {
            s += self.free_energy(v)?;
        }
        Ok(-s / n as f64 - lz)
    }
}

/// B block-Gibbs chains of a [`GaussianRbm`] (continuous v, binary h), buffers allocated once.
#[derive(Clone, Debug)]
pub struct GaussianChain {
    nv: usize,
    nh: usize,
    v: Vec<f32>,
    scaled: Vec<f32>,
    mean: Vec<f32>,
    ph: Vec<f32>,
    h: Vec<f32>,
}

impl GaussianChain {
    /// Chains started at the given visible rows (`batch × nv`, finite).
    pub fn new(model: &GaussianRbm, v: &[f32]) -> Result<Self, RbmError> {
        let rows = check_data(v, model.nv())?;
        Ok(Self {
            nv: model.nv(),
            nh: model.nh(),
            v: v.to_vec(),
            scaled: vec![0.0; v.len()],
            mean: vec![0.0; v.len()],
            ph: vec![0.0; rows * model.nh()],
            h: vec![0.0; rows * model.nh()],
        })
    }

    /// Visible states (`batch × nv`).
    pub fn visible(&self) -> &[f32] {
        &self.v
    }

    /// The conditional means b + Wh of the last step.
    pub fn visible_mean(&self) -> &[f32] {
        &self.mean
    }

    /// Hidden states of the last step.
    pub fn hidden(&self) -> &[f32] {
        &self.h
    }

    /// `k` block-Gibbs steps `h ~ P(h|v)`, `v ~ N(b + Wh, σ²)` (at most 10⁶ per call).
    pub fn step_many(
        &mut self,
        model: &GaussianRbm,
        k: usize,
        rng: &mut Rng,
    ) -> Result<(), RbmError> {
        check_len("model visible layer", self.nv, model.nv())?;
        check_len("model hidden layer", self.nh, model.nh())?;
        for _ in 0..k.min(1_000_000) {
            model.scale_into(&self.v, &mut self.scaled);
            model.params.hidden_probs_into(&self.scaled, &mut self.ph);
            bernoulli_into(&self.ph, &mut self.h, rng);
            model.params.visible_field_into(&self.h, &mut self.mean);
            model.noise_into(&self.mean, &mut self.v, rng);
        }
        Ok(())
    }
}

/// Resumable CD-k training of a [`GaussianRbm`] (σ fixed). Uses [`CdConfig`]; persistent CD
/// is not offered here (`persistent` must be false). With
/// [`NegativeVisible::Probabilities`] the last negative visible is the mean b + Wh.
/// Gradients: `∂(−F)/∂wᵢⱼ = (vᵢ/σᵢ²) P(hⱼ|v)`, `∂(−F)/∂bᵢ = (vᵢ − bᵢ)/σᵢ²`,
/// `∂(−F)/∂cⱼ = P(hⱼ|v)`; data minus model (the bᵢ/σᵢ² terms cancel).
#[derive(Clone, Debug)]
pub struct GaussianTrainer {
    nv: usize,
    nh: usize,
    data: Vec<f32>,
    cfg: CdConfig,
    schedule: Schedule,
    batch: Vec<f32>,
    scaled: Vec<f32>,
    ph0: Vec<f32>,
    h: Vec<f32>,
    mean: Vec<f32>,
    vneg: Vec<f32>,
    phneg: Vec<f32>,
    grad: Gradient,
    velocity: Gradient,
}

impl GaussianTrainer {
    /// A trainer on `data` (`rows × nv`, finite, |x| ≤ [`MAX_ABS_DATA`]) for `epochs` epochs.
    pub fn new(
        model: &GaussianRbm,
        data: &[f32],
        cfg: CdConfig,
        epochs: usize,
    ) -> Result<Self, RbmError> {
        cfg.validate()?;
        if cfg.persistent {
            return Err(RbmError::Parameter {
                name: "persistent",
                value: 1.0,
                constraint: "false for the Gaussian RBM (only CD-k is implemented)",
            });
        }
        let nv = model.nv();
        let rows = check_data(data, nv)?;
        if let Some(index) = data.iter().position(|x| x.abs() > MAX_ABS_DATA) {
            return Err(RbmError::OutOfRange {
                what: "training data",
                index,
                value: data[index],
                constraint: "between −10000 and 10000",
            });
        }
        let (b, nh) = (cfg.batch_size, model.nh());
        Ok(Self {
            nv,
            nh,
            data: data.to_vec(),
            schedule: Schedule::new(rows, b, epochs, cfg.shuffle)?,
            batch: vec![0.0; b * nv],
            scaled: vec![0.0; b * nv],
            ph0: vec![0.0; b * nh],
            h: vec![0.0; b * nh],
            mean: vec![0.0; b * nv],
            vneg: vec![0.0; b * nv],
            phneg: vec![0.0; b * nh],
            grad: Gradient::zeros(model.params()),
            velocity: Gradient::zeros(model.params()),
            cfg,
        })
    }

    /// Current progress.
    pub fn stats(&self) -> TrainStats {
        self.schedule.stats()
    }

    /// Up to `batches` CD-k updates.
    pub fn step(
        &mut self,
        model: &mut GaussianRbm,
        batches: usize,
        rng: &mut Rng,
    ) -> Result<TrainStats, RbmError> {
        self.step_observed(model, batches, rng, &mut |_| {})
    }

    /// [`GaussianTrainer::step`] with an observer.
    pub fn step_observed(
        &mut self,
        model: &mut GaussianRbm,
        batches: usize,
        rng: &mut Rng,
        on: &mut dyn FnMut(TrainEvent),
    ) -> Result<TrainStats, RbmError> {
        check_len("model visible layer", self.nv, model.nv())?;
        check_len("model hidden layer", self.nh, model.nh())?;
        let (nv, nh) = (self.nv, self.nh);
        for _ in 0..batches {
            if self.schedule.finished() {
                break;
            }
            let rows = self
                .schedule
                .next_batch(&self.data, nv, &mut self.batch, rng);
            let (n_v, n_h) = (rows * nv, rows * nh);
            self.grad.clear();
            // Positive phase: P(h|v₀), statistics of v₀/σ².
            model.scale_into(&self.batch[..n_v], &mut self.scaled[..n_v]);
            model
                .params
                .hidden_probs_into(&self.scaled[..n_v], &mut self.ph0[..n_h]);
            accumulate_phase(
                &mut self.grad,
                &self.scaled[..n_v],
                &self.ph0[..n_h],
                nv,
                nh,
                1.0 / rows as f32,
            );
            bernoulli_into(&self.ph0[..n_h], &mut self.h[..n_h], rng);
            let mut recon = None;
            for t in 1..=self.cfg.k {
                // E[v|h] = b + Wh
                model
                    .params
                    .visible_field_into(&self.h[..n_h], &mut self.mean[..n_v]);
                if t == 1 && self.cfg.track_reconstruction {
                    let s: f64 = self.batch[..n_v]
                        .iter()
                        .zip(&self.mean[..n_v])
                        .map(|(a, m)| f64::from(a - m) * f64::from(a - m))
                        .sum();
                    recon = Some(s / n_v as f64);
                }
                if t == self.cfg.k && self.cfg.negative_visible == NegativeVisible::Probabilities {
                    self.vneg[..n_v].copy_from_slice(&self.mean[..n_v]);
                } else {
                    model.noise_into(&self.mean[..n_v], &mut self.vneg[..n_v], rng);
                }
                model.scale_into(&self.vneg[..n_v], &mut self.scaled[..n_v]);
                model
                    .params
                    .hidden_probs_into(&self.scaled[..n_v], &mut self.phneg[..n_h]);
                if t < self.cfg.k {
                    bernoulli_into(&self.phneg[..n_h], &mut self.h[..n_h], rng);
                }
            }
            // Negative phase: statistics of v_k/σ² with P(h|v_k).
            accumulate_phase(
                &mut self.grad,
                &self.scaled[..n_v],
                &self.phneg[..n_h],
                nv,
                nh,
                -1.0 / rows as f32,
            );
            apply_gradient(&mut model.params, &self.cfg, &self.grad, &mut self.velocity)?;
            self.schedule.record(rows, recon, on);
        }
        Ok(self.stats())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(seed: u64) -> GaussianRbm {
        let mut rng = Rng::new(seed);
        let mut p = Rbm::with_random_weights(2, 3, 0.8, &mut rng).expect("ok");
        for b in p.visible_bias_mut() {
            *b = rng.normal() as f32;
        }
        for c in p.hidden_bias_mut() {
            *c = rng.normal() as f32;
        }
        GaussianRbm::from_rbm(p, vec![0.7, 1.3]).expect("ok")
    }

    #[test]
    fn hidden_conditional_equals_energy_ratio() {
        let m = model(1);
        let v = [0.3f32, -1.2];
        let mut scratch = [0.0f32; 2];
        let mut ph = [0.0f32; 3];
        m.hidden_probs(&v, &mut scratch, &mut ph).expect("ok");
        for (j, &p) in ph.iter().enumerate() {
            // P(hⱼ=1|v) = Σ_{h:hⱼ=1} e^{−E} / Σ_h e^{−E}
            let (mut num, mut den) = (0.0f64, 0.0f64);
            for x in 0..8usize {
                let h: Vec<f32> = (0..3).map(|k| ((x >> k) & 1) as f32).collect();
                let e = (-m.energy(&v, &h).expect("ok")).exp();
                den += e;
                if (x >> j) & 1 == 1 {
                    num += e;
                }
            }
            assert!((f64::from(p) - num / den).abs() < 1e-5);
        }
    }

    #[test]
    fn energy_implies_the_documented_visible_conditional() {
        // p(v|h) ∝ exp(−E(v, h)) integrated on a grid must have mean b + Wh and variance σ²
        // (ties the energy, `visible_mean` and the sampler's σ together).
        let m = model(3);
        let (lo, hi, n) = (-15.0f64, 15.0f64, 1500);
        let d = (hi - lo) / n as f64;
        for x in 0..8usize {
            let h: Vec<f32> = (0..3).map(|k| ((x >> k) & 1) as f32).collect();
            let mut mu = [0.0f32; 2];
            m.visible_mean(&h, &mut mu).expect("ok");
            for i in 0..2 {
                // Marginal in unit i: the other unit factorises out, so fix it at 0.
                let (mut z, mut s1, mut s2) = (0.0f64, 0.0f64, 0.0f64);
                for a in 0..n {
                    let t = lo + (a as f64 + 0.5) * d;
                    let mut v = [0.0f32; 2];
                    v[i] = t as f32;
                    let p = (-m.energy(&v, &h).expect("ok")).exp();
                    z += p;
                    s1 += p * t;
                    s2 += p * t * t;
                }
                let (mean, var) = (s1 / z, s2 / z - (s1 / z).powi(2));
                let s = f64::from(m.sigma()[i]);
                assert!(
                    (mean - f64::from(mu[i])).abs() < 1e-3,
                    "h={x} i={i}: {mean} vs {}",
                    mu[i]
                );
                assert!(
                    (var / (s * s) - 1.0).abs() < 1e-3,
                    "h={x} i={i}: var {var} vs {}",
                    s * s
                );
            }
        }
    }

    #[test]
    fn density_integrates_to_one() {
        // Riemann sum of p(v) = exp(−F(v) − log Z) on a wide 2-D grid.
        let m = model(2);
        let lz = m.log_partition().expect("ok");
        let (lo, hi, n) = (-12.0f64, 12.0f64, 600);
        let d = (hi - lo) / n as f64;
        let mut s = 0.0;
        for a in 0..n {
            for b in 0..n {
                let v = [
                    (lo + (a as f64 + 0.5) * d) as f32,
                    (lo + (b as f64 + 0.5) * d) as f32,
                ];
                s += (-m.free_energy(&v).expect("ok") - lz).exp() * d * d;
            }
        }
        assert!((s - 1.0).abs() < 2e-3, "∫p = {s}");
        let mix = m.mixture().expect("ok");
        assert!((mix.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn blob_data_is_centred_on_the_blobs() {
        let centres = [[-1.5f32, 1.0], [2.0, -0.5], [0.0, 3.0]];
        let mut rng = Rng::new(4);
        let d = blob_data(&centres, 0.3, 3000, &mut rng).expect("ok");
        assert_eq!(d.len(), 6000);
        for (b, c) in centres.iter().enumerate() {
            let (mut sx, mut sy, mut ss) = (0.0f64, 0.0f64, 0.0f64);
            for p in d.chunks_exact(2).skip(b).step_by(3) {
                let (dx, dy) = (f64::from(p[0] - c[0]), f64::from(p[1] - c[1]));
                sx += dx;
                sy += dy;
                ss += dx * dx + dy * dy;
            }
            // 1000 points per blob: the mean's sd is 0.3/√1000 ≈ 0.0095.
            assert!((sx / 1000.0).abs() < 0.04 && (sy / 1000.0).abs() < 0.04);
            let var = ss / 2000.0;
            assert!((var / 0.09 - 1.0).abs() < 0.1, "variance {var}");
        }
        assert!(blob_data(&[], 0.3, 10, &mut rng).is_err());
        assert!(blob_data(&centres, 0.0, 10, &mut rng).is_err());
        assert!(blob_data(&centres, f32::NAN, 10, &mut rng).is_err());
        assert!(blob_data(&centres, 0.3, 0, &mut rng).is_err());
        assert!(blob_data(&[[f32::INFINITY, 0.0]], 0.3, 10, &mut rng).is_err());
    }

    #[test]
    fn validation() {
        assert!(GaussianRbm::new(2, 2, 0.0).is_err());
        assert!(GaussianRbm::new(2, 2, f32::NAN).is_err());
        let m = GaussianRbm::new(2, 2, 1.0).expect("ok");
        let cfg = CdConfig {
            persistent: true,
            ..CdConfig::default()
        };
        assert!(GaussianTrainer::new(&m, &[0.0, 1.0], cfg, 1).is_err());
        assert!(GaussianTrainer::new(&m, &[0.0, 1e9], CdConfig::default(), 1).is_err());
        assert!(GaussianRbm::new(2, 17, 1.0).expect("ok").mixture().is_err());
    }
}
