//! Training the neural energy by contrastive divergence with Langevin negatives.
//!
//! Maximum likelihood for `p_θ(x) = exp(−E_θ(x))/Z(θ)` has the gradient
//! `∇θ log p_θ(x) = −∇θE_θ(x) − ∇θ log Z(θ) = −∇θE_θ(x) + E_{x'∼p_θ}[∇θE_θ(x')]`.
//! (The lecture slide writes `L(θ) = log P(x) = −E(x; θ) log Z(θ)`; the correct form is
//! `−E(x; θ) − log Z(θ)`.) Contrastive divergence replaces the expectation by samples
//! (lecture: `∇θ L ≈ ∇θ(−E(x_train; θ) + E(x_sample; θ))`), so we *minimise*
//!
//! `loss = mean E(x_data) − mean E(x_neg) + α (mean E(x_data)² + mean E(x_neg)²)`,
//!
//! where the `α` term (mean of squared energies) keeps energies near zero so they cannot drift
//! off to ±∞ (Du & Mordatch 2019, "Implicit generation and generalization in energy-based
//! models", NeurIPS). Negatives `x_neg` come from Langevin dynamics on the current energy
//! (lecture, after Welling & Teh 2011):
//!
//! `x ← x − (ε/2) ∇ₓE_θ(x) + σ ξ`,  `ξ ∼ N(0, I)`,
//!
//! with `σ = √ε` by default, which makes `exp(−E)` the stationary density for small `ε`. Like Du &
//! Mordatch, a separate `σ` may be set (`σ < √ε` samples a sharpened density `∝ exp(−E·ε/σ²)` and
//! gives crisper negatives at the price of bias). Each `∇ₓE` is clipped to a maximum norm and
//! points are clamped to the box `[−w, w]²`. Chains persist in a replay buffer: each negative
//! continues a random buffer entry with probability 0.95 and starts fresh, uniformly in the box,
//! otherwise (Du & Mordatch 2019); the result is written back to that entry.
//!
//! Parameters are updated by Adam (Kingma & Ba 2015, "Adam: a method for stochastic
//! optimization", ICLR) on the flat parameter vector after clipping the gradient's global norm.
//! If a loss, gradient, sample or parameter becomes non-finite, the step is not applied, the
//! parameters are restored and the trainer stops with [`EbmError::Diverged`].

use super::data::Dataset;
use super::mlp::{Mlp, Workspace, DEFAULT_HIDDEN, MAX_HIDDEN};
use super::{check_range, EbmError};
use crate::rng::Rng;

/// Largest batch size.
pub const MAX_BATCH: usize = 4096;
/// Largest replay buffer.
pub const MAX_BUFFER: usize = 1_000_000;
/// Largest number of Langevin steps per call (per iteration or per sampling call).
pub const MAX_LANGEVIN_STEPS: usize = 10_000;
/// Largest number of points [`Trainer::sample`] produces in one call.
pub const MAX_SAMPLE_POINTS: usize = 100_000;
/// Largest side of an energy grid.
pub const MAX_GRID_SIDE: usize = 4096;

/// Settings of Langevin dynamics `x ← x − (ε/2)∇ₓE + σξ`, clamped to `[−w, w]²`.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LangevinParams {
    /// Step size ε, in (0, 1].
    pub step_size: f32,
    /// Noise scale σ, in [0, 10] (`√ε` for exact Langevin dynamics).
    pub noise_scale: f32,
    /// Largest norm of `∇ₓE` used in one step, > 0.
    pub grad_clip: f32,
    /// Half-width w of the box, in (0, 1000].
    pub half_width: f32,
}

impl LangevinParams {
    /// Validated settings; `noise_scale = None` means `√ε` (the lecture's form).
    pub fn new(
        step_size: f32,
        noise_scale: Option<f32>,
        grad_clip: f32,
        half_width: f32,
    ) -> Result<Self, EbmError> {
        check_range(
            "Langevin step size ε",
            step_size.into(),
            1e-12,
            1.0,
            "in (0, 1]",
        )?;
        let noise_scale = noise_scale.unwrap_or(step_size.sqrt());
        check_range(
            "Langevin noise scale σ",
            noise_scale.into(),
            0.0,
            10.0,
            "in [0, 10]",
        )?;
        check_range(
            "Langevin gradient clip",
            grad_clip.into(),
            1e-12,
            1e6,
            "in (0, 10⁶]",
        )?;
        check_range(
            "box half-width",
            half_width.into(),
            1e-6,
            1000.0,
            "in (0, 1000]",
        )?;
        Ok(Self {
            step_size,
            noise_scale,
            grad_clip,
            half_width,
        })
    }
}

/// Runs `steps` Langevin steps on every point of `xs` (flat `[x₀, y₀, …]`) in place, calling
/// `on(k, xs)` after step `k` (1-based) so a view can animate the chains. No allocation.
/// Errors if a point becomes non-finite (the energy blew up) or `steps` exceeds 10 000.
pub fn langevin(
    mlp: &Mlp,
    xs: &mut [f32],
    steps: usize,
    params: &LangevinParams,
    ws: &mut Workspace,
    rng: &mut Rng,
    on: &mut dyn FnMut(usize, &[f32]),
) -> Result<(), EbmError> {
    check_range(
        "Langevin steps",
        steps as f64,
        0.0,
        MAX_LANGEVIN_STEPS as f64,
        "at most 10 000",
    )?;
    let half_eps = 0.5 * params.step_size;
    let (sigma, w, clip) = (params.noise_scale, params.half_width, params.grad_clip);
    for k in 1..=steps {
        for x in xs.chunks_exact_mut(2) {
            let (_, mut g) = mlp.energy_and_grad_x([x[0], x[1]], ws)?;
            // clip ‖∇ₓE‖ to `clip`
            let norm = (g[0] * g[0] + g[1] * g[1]).sqrt();
            if norm > clip {
                let s = clip / norm;
                g = [g[0] * s, g[1] * s];
            }
            for d in 0..2 {
                // x ← x − (ε/2) ∇ₓE(x) + σ ξ,  then clamp to [−w, w]
                let next = x[d] - half_eps * g[d] + sigma * rng.normal() as f32;
                if !next.is_finite() {
                    return Err(EbmError::SamplerDiverged { step: k });
                }
                x[d] = next.clamp(-w, w);
            }
        }
        on(k, xs);
    }
    Ok(())
}

/// Per-point energies and loss weights of one contrastive-divergence batch, allocated once.
#[derive(Clone, Debug)]
pub struct CdScratch {
    e_pos: Vec<f32>,
    e_neg: Vec<f32>,
    c_pos: Vec<f32>,
    c_neg: Vec<f32>,
}

impl CdScratch {
    /// Buffers for `n_data` data points and `n_neg` negatives per batch.
    pub fn new(n_data: usize, n_neg: usize) -> Self {
        Self {
            e_pos: vec![0.0; n_data],
            e_neg: vec![0.0; n_neg],
            c_pos: vec![0.0; n_data],
            c_neg: vec![0.0; n_neg],
        }
    }

    /// Energies of the data points of the last batch.
    pub fn energies_data(&self) -> &[f32] {
        &self.e_pos
    }

    /// Energies of the negatives of the last batch.
    pub fn energies_negative(&self) -> &[f32] {
        &self.e_neg
    }
}

/// Loss terms of one contrastive-divergence batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CdLoss {
    /// `mean E(data) − mean E(neg) + α(mean E(data)² + mean E(neg)²)`.
    pub loss: f64,
    /// `mean E(data)`.
    pub energy_data: f64,
    /// `mean E(neg)`.
    pub energy_negative: f64,
}

/// The contrastive-divergence loss of one batch and its parameter gradient (written to `grad`,
/// which is overwritten): `loss = mean E(x⁺) − mean E(x⁻) + α(mean E(x⁺)² + mean E(x⁻)²)`
/// (lecture: `∇θL ≈ ∇θ(−E(x_train) + E(x_sample))` is the *ascent* direction of the
/// log-likelihood, so its negative is minimised; `α` term: Du & Mordatch 2019).
/// `pos` and `neg` are flat point batches sized as `scratch`; `α ∈ [0, 100]`. No allocation.
pub fn contrastive_divergence(
    mlp: &Mlp,
    pos: &[f32],
    neg: &[f32],
    alpha: f32,
    scratch: &mut CdScratch,
    grad: &mut [f32],
    ws: &mut Workspace,
) -> Result<CdLoss, EbmError> {
    check_range("regulariser α", alpha.into(), 0.0, 100.0, "in [0, 100]")?;
    let (bp, bn) = (scratch.e_pos.len(), scratch.e_neg.len());
    if bp == 0 || bn == 0 {
        return Err(EbmError::Shape {
            what: "contrastive-divergence batch",
            expected: 1,
            got: 0,
        });
    }
    mlp.energies(pos, &mut scratch.e_pos, ws)?;
    mlp.energies(neg, &mut scratch.e_neg, ws)?;
    let mean = |v: &[f32]| v.iter().map(|&e| f64::from(e)).sum::<f64>() / v.len() as f64;
    let mean_sq = |v: &[f32]| v.iter().map(|&e| f64::from(e).powi(2)).sum::<f64>() / v.len() as f64;
    let (ed, en) = (mean(&scratch.e_pos), mean(&scratch.e_neg));
    let a64 = f64::from(alpha);
    // loss = mean E(data) − mean E(neg) + α (mean E(data)² + mean E(neg)²)
    let loss = ed - en + a64 * (mean_sq(&scratch.e_pos) + mean_sq(&scratch.e_neg));
    // ∂loss/∂E(x⁺ₖ) = (1 + 2αE(x⁺ₖ))/B⁺,  ∂loss/∂E(x⁻ₖ) = (−1 + 2αE(x⁻ₖ))/B⁻
    for (c, &e) in scratch.c_pos.iter_mut().zip(&scratch.e_pos) {
        *c = (1.0 + 2.0 * alpha * e) / bp as f32;
    }
    for (c, &e) in scratch.c_neg.iter_mut().zip(&scratch.e_neg) {
        *c = (-1.0 + 2.0 * alpha * e) / bn as f32;
    }
    // ∇θ loss = Σₖ ∂loss/∂E(xₖ) ∇θE(xₖ)
    grad.fill(0.0);
    mlp.accumulate_param_grad(pos, &scratch.c_pos, grad, ws)?;
    mlp.accumulate_param_grad(neg, &scratch.c_neg, grad, ws)?;
    Ok(CdLoss {
        loss,
        energy_data: ed,
        energy_negative: en,
    })
}

/// Everything that defines a training run (serialisable, e.g. into the page URL).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrainConfig {
    /// Hidden width H of the energy network, 1..=256 (default 64).
    pub hidden: usize,
    /// Data points and negatives per iteration, 1..=4096 (default 128).
    pub batch_size: usize,
    /// Langevin steps K per iteration, 1..=10 000 (default 20).
    pub langevin_steps: usize,
    /// Langevin step size ε, in (0, 1] (default 0.01).
    pub step_size: f32,
    /// Langevin noise scale σ in [0, 10]; `None` = `√ε` (the lecture's exact form, default).
    pub noise_scale: Option<f32>,
    /// Largest norm of `∇ₓE` in one Langevin step (default 20).
    pub langevin_grad_clip: f32,
    /// Fraction of negatives continued from the replay buffer, in [0, 1] (default 0.95).
    pub replay_fraction: f32,
    /// Replay-buffer size, `batch_size..=1 000 000` (default 10 000).
    pub buffer_size: usize,
    /// Energy-magnitude regulariser α, in [0, 100] (default 0.01: it bounds energies to about
    /// ±1/(2α) = ±50, room for the large energy differences a sharp 2-D density needs).
    pub alpha: f32,
    /// Adam learning rate, in (0, 1] (default 3e−3).
    pub learning_rate: f32,
    /// Adam β₁ in [0, 1) (default 0.9).
    pub beta1: f32,
    /// Adam β₂ in [0, 1) (default 0.999).
    pub beta2: f32,
    /// Adam ε in (0, 1] (default 1e−8).
    pub adam_eps: f32,
    /// Largest global norm of the parameter gradient (default 5).
    pub grad_clip: f32,
    /// Half-width w of the box `[−w, w]²`, in (0, 1000] (default 4).
    pub half_width: f32,
    /// Planned number of iterations, ≥ 1; only used for [`Trainer::progress`] (default 2000).
    pub total_iterations: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            hidden: DEFAULT_HIDDEN,
            batch_size: 128,
            langevin_steps: 20,
            step_size: 0.01,
            noise_scale: None,
            langevin_grad_clip: 20.0,
            replay_fraction: 0.95,
            buffer_size: 10_000,
            alpha: 0.01,
            learning_rate: 3e-3,
            beta1: 0.9,
            beta2: 0.999,
            adam_eps: 1e-8,
            grad_clip: 5.0,
            half_width: 4.0,
            total_iterations: 2000,
        }
    }
}

impl TrainConfig {
    /// Checks every setting; the error names the first bad one.
    pub fn validate(&self) -> Result<(), EbmError> {
        check_range(
            "hidden width",
            self.hidden as f64,
            1.0,
            MAX_HIDDEN as f64,
            "between 1 and 256",
        )?;
        check_range(
            "batch size",
            self.batch_size as f64,
            1.0,
            MAX_BATCH as f64,
            "between 1 and 4096",
        )?;
        check_range(
            "Langevin steps per iteration",
            self.langevin_steps as f64,
            1.0,
            MAX_LANGEVIN_STEPS as f64,
            "between 1 and 10 000",
        )?;
        self.langevin()?;
        check_range(
            "replay fraction",
            self.replay_fraction.into(),
            0.0,
            1.0,
            "in [0, 1]",
        )?;
        check_range(
            "replay buffer size",
            self.buffer_size as f64,
            self.batch_size as f64,
            MAX_BUFFER as f64,
            "between the batch size and 1 000 000",
        )?;
        check_range(
            "regulariser α",
            self.alpha.into(),
            0.0,
            100.0,
            "in [0, 100]",
        )?;
        check_range(
            "learning rate",
            self.learning_rate.into(),
            1e-12,
            1.0,
            "in (0, 1]",
        )?;
        check_range("Adam β₁", self.beta1.into(), 0.0, 0.999_999, "in [0, 1)")?;
        check_range("Adam β₂", self.beta2.into(), 0.0, 0.999_999_9, "in [0, 1)")?;
        check_range("Adam ε", self.adam_eps.into(), 1e-30, 1.0, "in (0, 1]")?;
        check_range(
            "gradient clip",
            self.grad_clip.into(),
            1e-12,
            1e6,
            "in (0, 10⁶]",
        )?;
        check_range(
            "planned iterations",
            self.total_iterations as f64,
            1.0,
            1e9,
            "between 1 and 10⁹",
        )?;
        Ok(())
    }

    /// The Langevin settings implied by this configuration.
    pub fn langevin(&self) -> Result<LangevinParams, EbmError> {
        LangevinParams::new(
            self.step_size,
            self.noise_scale,
            self.langevin_grad_clip,
            self.half_width,
        )
    }
}

/// What one training iteration measured.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrainStats {
    /// Iterations completed, including this one.
    pub iteration: usize,
    /// `mean E(data) − mean E(neg) + α(mean E(data)² + mean E(neg)²)`.
    pub loss: f64,
    /// Mean energy of the data batch.
    pub energy_data: f64,
    /// Mean energy of the negatives.
    pub energy_negative: f64,
    /// Global norm of the loss gradient before clipping.
    pub grad_norm: f64,
}

/// Events a view can animate during [`Trainer::step_observed`].
#[derive(Debug)]
pub enum TrainEvent<'a> {
    /// The negatives after Langevin step `step` of `of`.
    Langevin {
        /// The step index.
        step: usize,
        /// Langevin steps in all.
        of: usize,
        /// The negative samples as the trainer holds them (flat).
        negatives: &'a [f32],
    },
    /// The parameters were updated.
    Update(TrainStats),
}

/// A rectangle of the plane sampled on a `width × height` pixel grid. Pixel `(col, row)` is
/// centred at `x = x_min + (col + ½)(x_max − x_min)/width`,
/// `y = y_max − (row + ½)(y_max − y_min)/height` (row 0 at the top, as on a canvas).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GridView {
    /// Left edge.
    pub x_min: f32,
    /// Right edge (> `x_min`).
    pub x_max: f32,
    /// Bottom edge.
    pub y_min: f32,
    /// Top edge (> `y_min`).
    pub y_max: f32,
    /// Pixels per row, 1..=4096.
    pub width: usize,
    /// Rows, 1..=4096.
    pub height: usize,
}

/// Contrastive-divergence training of an [`Mlp`] energy on a [`Dataset`], resumable one
/// iteration at a time. All buffers are allocated in [`Trainer::new`].
#[derive(Clone, Debug)]
pub struct Trainer {
    config: TrainConfig,
    langevin: LangevinParams,
    mlp: Mlp,
    ws: Workspace,
    data: Vec<f32>,
    /// Persistent negative chains, flat.
    buffer: Vec<f32>,
    /// Buffer slot of each negative in the current batch.
    slots: Vec<usize>,
    pos: Vec<f32>,
    neg: Vec<f32>,
    cd: CdScratch,
    grad: Vec<f32>,
    adam_m: Vec<f32>,
    adam_v: Vec<f32>,
    backup: Vec<f32>,
    iteration: usize,
    last: Option<TrainStats>,
    failed: Option<EbmError>,
}

impl Trainer {
    /// A fresh model and replay buffer (uniform in the box), both drawn from `rng`.
    /// Errors on an invalid configuration or a data point outside the box.
    pub fn new(config: TrainConfig, data: &Dataset, rng: &mut Rng) -> Result<Self, EbmError> {
        config.validate()?;
        let mlp = Mlp::new(config.hidden, rng)?;
        Self::with_model(config, mlp, data, rng)
    }

    /// Like [`Trainer::new`] but starting from a given network (e.g. restored parameters);
    /// `config.hidden` is set to the network's width. The replay buffer is drawn from `rng`.
    pub fn with_model(
        mut config: TrainConfig,
        mlp: Mlp,
        data: &Dataset,
        rng: &mut Rng,
    ) -> Result<Self, EbmError> {
        config.hidden = mlp.hidden();
        config.validate()?;
        let langevin = config.langevin()?;
        let w = config.half_width;
        if let Some(k) = data.points().iter().position(|c| c.abs() > w) {
            return Err(EbmError::OutsideBox {
                index: k / 2,
                half_width: w,
            });
        }
        let p = mlp.params().len();
        let b = config.batch_size;
        let buffer = (0..2 * config.buffer_size)
            .map(|_| rng.range(-f64::from(w), f64::from(w)) as f32)
            .collect();
        Ok(Self {
            ws: mlp.workspace(),
            mlp,
            data: data.points().to_vec(),
            buffer,
            slots: vec![0; b],
            pos: vec![0.0; 2 * b],
            neg: vec![0.0; 2 * b],
            cd: CdScratch::new(b, b),
            grad: vec![0.0; p],
            adam_m: vec![0.0; p],
            adam_v: vec![0.0; p],
            backup: vec![0.0; p],
            iteration: 0,
            last: None,
            failed: None,
            config,
            langevin,
        })
    }

    /// One contrastive-divergence iteration (see the module docs). Returns its statistics.
    pub fn step(&mut self, rng: &mut Rng) -> Result<TrainStats, EbmError> {
        self.step_observed(rng, &mut |_| {})
    }

    /// `n` iterations (a batch call for one animation frame); returns the last statistics
    /// (or the previous ones if `n = 0`, `None` before any iteration).
    pub fn step_many(&mut self, n: usize, rng: &mut Rng) -> Result<Option<TrainStats>, EbmError> {
        for _ in 0..n {
            self.step(rng)?;
        }
        Ok(self.last)
    }

    /// [`Trainer::step`] that reports every Langevin step and the update to `on`.
    pub fn step_observed(
        &mut self,
        rng: &mut Rng,
        on: &mut dyn FnMut(TrainEvent<'_>),
    ) -> Result<TrainStats, EbmError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match self.iterate(rng, on) {
            Ok(stats) => {
                self.last = Some(stats);
                on(TrainEvent::Update(stats));
                Ok(stats)
            }
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    fn iterate(
        &mut self,
        rng: &mut Rng,
        on: &mut dyn FnMut(TrainEvent<'_>),
    ) -> Result<TrainStats, EbmError> {
        let b = self.config.batch_size;
        let w = f64::from(self.config.half_width);
        let iteration = self.iteration + 1;
        let diverged = |what| EbmError::Diverged { iteration, what };
        // 1. a minibatch of data (with replacement)
        let n_data = self.data.len() / 2;
        for k in 0..b {
            let i = rng.below(n_data);
            self.pos[2 * k] = self.data[2 * i];
            self.pos[2 * k + 1] = self.data[2 * i + 1];
        }
        // 2. negatives: continue a buffer chain (prob. 0.95) or start fresh in the box
        let n_buf = self.buffer.len() / 2;
        for k in 0..b {
            let slot = rng.below(n_buf);
            self.slots[k] = slot;
            if rng.uniform() < f64::from(self.config.replay_fraction) {
                self.neg[2 * k] = self.buffer[2 * slot];
                self.neg[2 * k + 1] = self.buffer[2 * slot + 1];
            } else {
                self.neg[2 * k] = rng.range(-w, w) as f32;
                self.neg[2 * k + 1] = rng.range(-w, w) as f32;
            }
        }
        // 3. K Langevin steps on the negatives: x ← x − (ε/2)∇ₓE + σξ
        let of = self.config.langevin_steps;
        langevin(
            &self.mlp,
            &mut self.neg,
            of,
            &self.langevin,
            &mut self.ws,
            rng,
            &mut |step, negatives| {
                on(TrainEvent::Langevin {
                    step,
                    of,
                    negatives,
                })
            },
        )
        .map_err(|_| diverged("a Langevin sample"))?;
        for (k, &slot) in self.slots.iter().enumerate() {
            self.buffer[2 * slot] = self.neg[2 * k];
            self.buffer[2 * slot + 1] = self.neg[2 * k + 1];
        }
        // 4. loss and ∇θ loss
        let cd = contrastive_divergence(
            &self.mlp,
            &self.pos,
            &self.neg,
            self.config.alpha,
            &mut self.cd,
            &mut self.grad,
            &mut self.ws,
        )?;
        if !cd.loss.is_finite() {
            return Err(diverged("the loss"));
        }
        let grad_norm = self
            .grad
            .iter()
            .map(|&g| f64::from(g).powi(2))
            .sum::<f64>()
            .sqrt();
        if !grad_norm.is_finite() {
            return Err(diverged("the gradient"));
        }
        // 5. clip the global norm, then Adam
        let scale = if grad_norm > f64::from(self.config.grad_clip) {
            (f64::from(self.config.grad_clip) / grad_norm) as f32
        } else {
            1.0
        };
        self.backup.copy_from_slice(self.mlp.params());
        self.adam_update(iteration, scale);
        if self.mlp.params().iter().any(|p| !p.is_finite()) {
            self.mlp.params_mut().copy_from_slice(&self.backup);
            return Err(diverged("a parameter"));
        }
        self.iteration = iteration;
        Ok(TrainStats {
            iteration,
            loss: cd.loss,
            energy_data: cd.energy_data,
            energy_negative: cd.energy_negative,
            grad_norm,
        })
    }

    /// Adam (Kingma & Ba 2015) with bias correction, on `scale · grad`.
    fn adam_update(&mut self, t: usize, scale: f32) {
        let c = &self.config;
        let (b1, b2) = (c.beta1, c.beta2);
        // bias corrections 1 − β₁ᵗ, 1 − β₂ᵗ (f64: β₂ᵗ needs the precision for large t)
        let t = i32::try_from(t).unwrap_or(i32::MAX);
        let bc1 = (1.0 - f64::from(b1).powi(t)) as f32;
        let bc2 = (1.0 - f64::from(b2).powi(t)) as f32;
        let step = c.learning_rate / bc1;
        let params = self.mlp.params_mut();
        for (((p, &g), m), v) in params
            .iter_mut()
            .zip(&self.grad)
            .zip(&mut self.adam_m)
            .zip(&mut self.adam_v)
        {
            let g = g * scale;
            // m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            // θ ← θ − lr · m̂ / (√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
            *p -= step * *m / ((*v / bc2).sqrt() + c.adam_eps);
        }
    }

    /// The negatives of the last iteration, flat `[x₀, y₀, …]` (for drawing).
    pub fn negatives(&self) -> &[f32] {
        &self.neg
    }

    /// The data minibatch of the last iteration, flat.
    pub fn data_batch(&self) -> &[f32] {
        &self.pos
    }

    /// The whole replay buffer of persistent chains, flat.
    pub fn replay_buffer(&self) -> &[f32] {
        &self.buffer
    }

    /// The current energy network.
    pub fn model(&self) -> &Mlp {
        &self.mlp
    }

    /// The configuration.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// Iterations completed.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    /// Statistics of the last iteration (`None` before the first).
    pub fn last_stats(&self) -> Option<TrainStats> {
        self.last
    }

    /// `iteration / total_iterations`, capped at 1.
    pub fn progress(&self) -> f64 {
        (self.iteration as f64 / self.config.total_iterations as f64).min(1.0)
    }

    /// The error that stopped training, if any.
    pub fn failure(&self) -> Option<&EbmError> {
        self.failed.as_ref()
    }

    /// Changes the Adam learning rate mid-run (in (0, 1]); the model, Adam moments and replay
    /// buffer are kept. On error nothing changes.
    pub fn set_learning_rate(&mut self, learning_rate: f32) -> Result<(), EbmError> {
        let config = TrainConfig {
            learning_rate,
            ..self.config.clone()
        };
        config.validate()?;
        self.config = config;
        Ok(())
    }

    /// Changes the Langevin step size ε mid-run (in (0, 1]; the noise scale follows as `√ε`
    /// unless the configuration fixes it). The model and replay buffer are kept. On error nothing
    /// changes.
    pub fn set_step_size(&mut self, step_size: f32) -> Result<(), EbmError> {
        let config = TrainConfig {
            step_size,
            ..self.config.clone()
        };
        config.validate()?;
        self.langevin = config.langevin()?;
        self.config = config;
        Ok(())
    }

    /// Replaces the training data mid-run (e.g. points a student added); the model, optimiser
    /// and replay buffer are kept. Errors (and changes nothing) if a point lies outside the box.
    pub fn set_data(&mut self, data: &Dataset) -> Result<(), EbmError> {
        let w = self.config.half_width;
        if let Some(k) = data.points().iter().position(|c| c.abs() > w) {
            return Err(EbmError::OutsideBox {
                index: k / 2,
                half_width: w,
            });
        }
        self.data.clear();
        self.data.extend_from_slice(data.points());
        Ok(())
    }

    /// The training box as a grid view of the given size (for the heatmap's default view).
    pub fn default_view(&self, width: usize, height: usize) -> GridView {
        let w = self.config.half_width;
        GridView {
            x_min: -w,
            x_max: w,
            y_min: -w,
            y_max: w,
            width,
            height,
        }
    }

    /// Evaluates `E_θ` at every pixel centre of `view` into `out` (row-major, `width·height`
    /// entries, row 0 at the top). Returns `[min, max]` of the energies, for a colour scale.
    pub fn energy_grid(&mut self, view: &GridView, out: &mut [f32]) -> Result<[f32; 2], EbmError> {
        let finite_order = |lo: f32, hi: f32| lo.is_finite() && hi.is_finite() && lo < hi;
        if !finite_order(view.x_min, view.x_max) || !finite_order(view.y_min, view.y_max) {
            return Err(EbmError::Parameter {
                name: "grid view",
                value: f64::NAN,
                allowed: "finite with x_min < x_max and y_min < y_max",
            });
        }
        let side = "between 1 and 4096";
        check_range(
            "grid width",
            view.width as f64,
            1.0,
            MAX_GRID_SIDE as f64,
            side,
        )?;
        check_range(
            "grid height",
            view.height as f64,
            1.0,
            MAX_GRID_SIDE as f64,
            side,
        )?;
        if out.len() != view.width * view.height {
            return Err(EbmError::Shape {
                what: "energy grid",
                expected: view.width * view.height,
                got: out.len(),
            });
        }
        let dx = (view.x_max - view.x_min) / view.width as f32;
        let dy = (view.y_max - view.y_min) / view.height as f32;
        let mut range = [f32::INFINITY, f32::NEG_INFINITY];
        for (row, line) in out.chunks_exact_mut(view.width).enumerate() {
            let y = view.y_max - (row as f32 + 0.5) * dy;
            for (col, e) in line.iter_mut().enumerate() {
                let x = view.x_min + (col as f32 + 0.5) * dx;
                *e = self.mlp.energy([x, y], &mut self.ws)?;
                range = [range[0].min(*e), range[1].max(*e)];
            }
        }
        Ok(range)
    }

    /// Samples from the model: fills `out` (flat, even length, at most 2·100 000) with points
    /// uniform in the box, then runs `steps` (≤ 10 000) Langevin steps with the training
    /// settings.
    pub fn sample(&mut self, out: &mut [f32], steps: usize, rng: &mut Rng) -> Result<(), EbmError> {
        if out.len() % 2 != 0 || out.len() > 2 * MAX_SAMPLE_POINTS {
            return Err(EbmError::Parameter {
                name: "sample buffer length",
                value: out.len() as f64,
                allowed: "even and at most 200 000 (two numbers per point)",
            });
        }
        let w = f64::from(self.config.half_width);
        for c in out.iter_mut() {
            *c = rng.range(-w, w) as f32;
        }
        self.continue_langevin(out, steps, rng)
    }

    /// Allocating convenience for [`Trainer::sample`]: `n` points after `steps` steps.
    pub fn sample_points(
        &mut self,
        n: usize,
        steps: usize,
        rng: &mut Rng,
    ) -> Result<Vec<f32>, EbmError> {
        check_range(
            "sample count",
            n as f64,
            0.0,
            MAX_SAMPLE_POINTS as f64,
            "at most 100 000",
        )?;
        let mut out = vec![0.0; 2 * n];
        self.sample(&mut out, steps, rng)?;
        Ok(out)
    }

    /// Continues Langevin chains `xs` (flat) for `steps` more steps with the training settings —
    /// lets a view animate sampling a few steps per frame.
    pub fn continue_langevin(
        &mut self,
        xs: &mut [f32],
        steps: usize,
        rng: &mut Rng,
    ) -> Result<(), EbmError> {
        langevin(
            &self.mlp,
            xs,
            steps,
            &self.langevin,
            &mut self.ws,
            rng,
            &mut |_, _| {},
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ebm::Preset;

    fn small_config() -> TrainConfig {
        TrainConfig {
            hidden: 8,
            batch_size: 16,
            langevin_steps: 3,
            buffer_size: 64,
            ..TrainConfig::default()
        }
    }

    /// An H = 1 network that is exactly linear, `E(x) = c·x₀`, on |x₀| ≲ 10: a bias of 50 puts
    /// both SiLUs in their linear regime (σ(z) = 1 in f32 for z > 17).
    fn linear_energy(c: f32) -> Mlp {
        // layout for H = 1: W₁ [2], b₁, W₂ᵀ, b₂, w₃, b₃
        Mlp::from_params(1, vec![c, 0.0, 50.0, 1.0, 0.0, 1.0, -50.0]).expect("valid")
    }

    #[test]
    fn langevin_drift_and_noise_follow_the_update_rule() {
        // x ← x − (ε/2)∇ₓE + σξ with ∇ₓE = (c, 0): after K steps from 0,
        // x₀ ∼ N(−Kεc/2, Kσ²) and x₁ ∼ N(0, Kσ²).
        let c = 2.0f32;
        let mlp = linear_energy(c);
        let mut ws = mlp.workspace();
        let (_, g) = mlp.energy_and_grad_x([0.3, -0.2], &mut ws).expect("fits");
        assert!((g[0] - c).abs() < 1e-5 && g[1].abs() < 1e-6);
        let mut rng = Rng::new(1);
        let lp = LangevinParams::new(0.01, None, 10.0, 100.0).expect("valid");
        let n = 4000;
        let mut xs = vec![0.0f32; 2 * n];
        let mut calls = 0;
        langevin(&mlp, &mut xs, 25, &lp, &mut ws, &mut rng, &mut |_, _| {
            calls += 1
        })
        .expect("finite");
        assert_eq!(calls, 25);
        let mean0 = xs.iter().step_by(2).map(|&x| f64::from(x)).sum::<f64>() / n as f64;
        let var1 = xs
            .iter()
            .skip(1)
            .step_by(2)
            .map(|&x| f64::from(x).powi(2))
            .sum::<f64>()
            / n as f64;
        // mean −25·0.01·2/2 = −0.25 (sd 0.008); variance 25·0.01 = 0.25 (sd 0.0056)
        assert!((mean0 + 0.25).abs() < 0.03, "drift {mean0}");
        assert!((var1 - 0.25).abs() < 0.025, "variance {var1}");
        // separate noise scale σ = 0: pure gradient descent, exact drift
        let lp0 = LangevinParams::new(0.01, Some(0.0), 10.0, 100.0).expect("valid");
        let mut x = [0.0f32, 0.0];
        langevin(&mlp, &mut x, 25, &lp0, &mut ws, &mut rng, &mut |_, _| {}).expect("finite");
        assert!((x[0] + 0.25).abs() < 1e-4 && x[1] == 0.0, "{x:?}");
    }

    #[test]
    fn contrastive_divergence_gradient_matches_finite_differences() {
        use crate::ebm::mlp::reference::energy_f64;
        let mut rng = Rng::new(5);
        let h = 6;
        let mut mlp = Mlp::new(h, &mut rng).expect("valid");
        for p in mlp.params_mut() {
            *p += 0.5 * rng.normal() as f32;
        }
        let pos = [1.8f32, 0.1, -2.2, -0.3, 2.0, 0.4];
        let neg = [0.5f32, 3.0, -3.5, -1.0];
        let alpha = 0.7;
        let mut scratch = CdScratch::new(3, 2);
        let mut grad = vec![0.0; mlp.params().len()];
        let mut ws = mlp.workspace();
        let cd = contrastive_divergence(&mlp, &pos, &neg, alpha, &mut scratch, &mut grad, &mut ws)
            .expect("shapes");
        // the same loss in f64 from the reference energy
        let loss = |p: &[f64]| {
            let e = |xs: &[f32]| -> Vec<f64> {
                xs.chunks_exact(2)
                    .map(|x| energy_f64(p, h, [f64::from(x[0]), f64::from(x[1])]))
                    .collect()
            };
            let (ep, en) = (e(&pos), e(&neg));
            let m = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let m2 = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>() / v.len() as f64;
            m(&ep) - m(&en) + f64::from(alpha) * (m2(&ep) + m2(&en))
        };
        let p64: Vec<f64> = mlp.params().iter().map(|&p| f64::from(p)).collect();
        assert!((loss(&p64) - cd.loss).abs() < 1e-4 * (1.0 + cd.loss.abs()));
        let step = 1e-6;
        let mut worst: f64 = 0.0;
        for k in 0..p64.len() {
            let (mut plus, mut minus) = (p64.clone(), p64.clone());
            plus[k] += step;
            minus[k] -= step;
            let fd = (loss(&plus) - loss(&minus)) / (2.0 * step);
            worst = worst.max((fd - f64::from(grad[k])).abs() / (1e-3 + fd.abs()));
        }
        assert!(worst < 1e-3, "worst relative error {worst:e}");
    }

    #[test]
    fn config_validation() {
        let d = Dataset::preset(Preset::TwoGaussians, 10, &mut Rng::new(1)).expect("valid");
        let bad = |c: TrainConfig| Trainer::new(c, &d, &mut Rng::new(2)).is_err();
        assert!(bad(TrainConfig {
            step_size: f32::NAN,
            ..small_config()
        }));
        assert!(bad(TrainConfig {
            learning_rate: 0.0,
            ..small_config()
        }));
        assert!(bad(TrainConfig {
            batch_size: 0,
            ..small_config()
        }));
        assert!(bad(TrainConfig {
            buffer_size: 8,
            ..small_config()
        }));
        assert!(bad(TrainConfig {
            hidden: 300,
            ..small_config()
        }));
        assert!(bad(TrainConfig {
            noise_scale: Some(-1.0),
            ..small_config()
        }));
        let far = Dataset::from_points(&[[5.0, 0.0]]).expect("finite");
        let err = Trainer::new(small_config(), &far, &mut Rng::new(3)).expect_err("outside");
        assert!(err.to_string().contains("outside the training box"));
    }

    #[test]
    fn training_is_replayable_and_observable() {
        let d = Dataset::preset(Preset::Rings, 200, &mut Rng::new(1)).expect("valid");
        let run = || {
            let mut rng = Rng::new(9);
            let mut t = Trainer::new(small_config(), &d, &mut rng).expect("valid");
            let mut langevin_events = 0;
            let mut updates = 0;
            for _ in 0..5 {
                t.step_observed(&mut rng, &mut |ev| match ev {
                    TrainEvent::Langevin { negatives, .. } => {
                        assert_eq!(negatives.len(), 32);
                        langevin_events += 1;
                    }
                    TrainEvent::Update(_) => updates += 1,
                })
                .expect("finite");
            }
            assert_eq!((langevin_events, updates), (15, 5));
            (t.model().params().to_vec(), t.last_stats())
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn settings_change_mid_run() {
        let d = Dataset::preset(Preset::TwoGaussians, 50, &mut Rng::new(1)).expect("valid");
        let mut rng = Rng::new(2);
        let mut t = Trainer::new(small_config(), &d, &mut rng).expect("valid");
        t.step_many(2, &mut rng).expect("finite");
        // refused values change nothing
        assert!(t.set_learning_rate(f32::NAN).is_err());
        assert!(t.set_learning_rate(2.0).is_err());
        assert!(t.set_step_size(0.0).is_err());
        assert_eq!(t.config().learning_rate, small_config().learning_rate);
        assert_eq!(t.config().step_size, small_config().step_size);
        t.set_learning_rate(1e-2).expect("valid");
        t.set_step_size(0.04).expect("valid");
        assert_eq!(t.config().learning_rate, 1e-2);
        assert_eq!(t.langevin.step_size, 0.04);
        assert!((t.langevin.noise_scale - 0.2).abs() < 1e-6, "σ = √ε");
        // a changed step size changes the negatives; the same settings from the start replay
        let replay = |eps: f32| {
            let mut rng = Rng::new(3);
            let mut t = Trainer::new(small_config(), &d, &mut rng).expect("valid");
            t.set_step_size(eps).expect("valid");
            t.step(&mut rng).expect("finite");
            t.negatives().to_vec()
        };
        assert_eq!(replay(0.04), replay(0.04));
        assert_ne!(replay(0.04), replay(0.01));
        // new data: kept if inside the box, refused otherwise
        let far = Dataset::from_points(&[[0.0, 9.0]]).expect("finite");
        assert!(matches!(
            t.set_data(&far),
            Err(EbmError::OutsideBox { index: 0, .. })
        ));
        let one = Dataset::from_points(&[[1.0, -1.0]]).expect("finite");
        t.set_data(&one).expect("inside");
        t.step(&mut rng).expect("finite");
        assert!(t.data_batch().chunks_exact(2).all(|p| p == [1.0, -1.0]));
    }

    #[test]
    fn divergence_stops_without_nan() {
        // Enormous weights overflow the energy to ±∞: the trainer must stop with an error,
        // keep its (finite) parameters, and refuse further steps.
        let d = Dataset::preset(Preset::TwoGaussians, 100, &mut Rng::new(1)).expect("valid");
        let mut rng = Rng::new(2);
        let huge = vec![1e15f32; Mlp::num_params_for(8)];
        let mlp = Mlp::from_params(8, huge.clone()).expect("finite");
        let mut t = Trainer::with_model(small_config(), mlp, &d, &mut rng).expect("valid");
        let err = t.step(&mut rng).expect_err("overflow is caught");
        assert!(
            matches!(err, EbmError::Diverged { iteration: 1, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("diverged"));
        assert_eq!(t.model().params(), &huge[..]);
        assert!(t.step(&mut rng).is_err(), "stays stopped");
        assert_eq!(t.failure(), Some(&err));
        assert_eq!(t.iteration(), 0);
    }

    #[test]
    fn energy_grid_and_sampling_shapes() {
        let d = Dataset::preset(Preset::Spiral, 100, &mut Rng::new(1)).expect("valid");
        let mut rng = Rng::new(2);
        let mut t = Trainer::new(small_config(), &d, &mut rng).expect("valid");
        let view = t.default_view(7, 5);
        let mut out = vec![0.0; 35];
        let [lo, hi] = t.energy_grid(&view, &mut out).expect("valid");
        assert!(lo <= hi && out.iter().all(|e| (lo..=hi).contains(e)));
        // pixel (0, 0) is the top-left centre
        let e00 = t
            .model()
            .energy([-4.0 + 4.0 / 7.0, 4.0 - 0.8], &mut t.model().workspace())
            .expect("fits");
        assert!((out[0] - e00).abs() < 1e-6);
        assert!(t.energy_grid(&view, &mut out[..34]).is_err());
        let bad = GridView {
            x_min: 1.0,
            x_max: 1.0,
            ..view
        };
        assert!(t.energy_grid(&bad, &mut out).is_err());
        let pts = t.sample_points(50, 10, &mut rng).expect("valid");
        assert_eq!(pts.len(), 100);
        assert!(pts.iter().all(|c| c.abs() <= 4.0));
        assert!(t.sample(&mut [0.0; 3], 1, &mut rng).is_err());
        assert!(t.sample_points(10, 20_000, &mut rng).is_err());
    }
}
