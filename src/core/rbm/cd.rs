//! Contrastive divergence CD-k (Hinton 2002) and persistent CD (Tieleman 2008) on mini-batches.
//!
//! The lecture's maximum-likelihood gradient for an RBM is
//! `∇wᵢⱼ L = ⟨vᵢ hⱼ⟩_data − ⟨vᵢ hⱼ⟩_model`; CD replaces the model average by the state after
//! k block-Gibbs steps started at the data (the slide's `v₀h₀ − v₁h₁` is k = 1; the slide text
//! "only 3 Gibbs steps" refers to v₀ → h₀ → v₁ → h₁). PCD keeps the negative chains
//! ("fantasy particles") between updates instead of restarting them at the data.
//!
//! Statistics follow Hinton's "A practical guide to training RBMs" (UTML TR 2010-003, §3):
//! the positive phase uses `P(h=1|v₀)` (not a sample), and the chain is always driven by
//! sampled binary states, `h ~ P(h|v)` and `v ~ P(v|h)` — also the persistent chains of PCD,
//! which therefore remain Gibbs chains of the model whatever enters the statistics. By default
//! the negative statistics pair the sampled `v_k` with `P(h=1|v_k)` (as scikit-learn's
//! `BernoulliRBM` does); with [`NegativeVisible::Probabilities`] they pair `P(v=1|h_{k−1})` with
//! the hidden sample `h_{k−1}` it was computed from. Both are conditional expectations of the
//! sampled pair `(v_k, h_k)` given half of it, so at stationarity both estimate
//! `⟨vᵢhⱼ⟩_model` without bias, the probabilities with less noise (§3.2). (Pairing the visible
//! probabilities with `P(h|P(v|h_{k−1}))`, a mean-field pass, is biased: on a 4 × 3 test model
//! with weights of scale 2 its CD-20 estimate missed the exact gradient by 0.06.) Units are 0/1;
//! the learning rate multiplies the batch-averaged gradient; weight decay is L2 on W only (biases
//! are not decayed, §10).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::gibbs::bernoulli_into;
use super::model::{
    add_outer_products, add_rows, axpy, check_finite, check_range, check_unit_interval, ones,
    sum_rows, Rbm, RbmError,
};
use crate::fastmath::sigmoid_in_place;
use crate::rng::Rng;

/// Which visible values enter the negative statistics at the last Gibbs step (the chain itself
/// always runs on sampled states).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NegativeVisible {
    /// The sampled 0/1 reconstruction `v_k`, with `P(h=1|v_k)` (lecture, scikit-learn).
    Sampled,
    /// The probabilities `P(v=1|h_{k−1})`, with the hidden sample `h_{k−1}` they were computed
    /// from: less sampling noise (Hinton 2010, §3.2), still unbiased at stationarity. (The
    /// Gaussian–Bernoulli trainer reads this as "the mean `b + Wh` with `P(h|mean)`"; see
    /// [`super::GaussianTrainer`].)
    Probabilities,
}

/// Settings of contrastive-divergence training (validated by [`CdConfig::validate`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CdConfig {
    /// Gibbs steps per update, 1..=1000 (CD-k / PCD-k).
    pub k: usize,
    /// Persistent CD (Tieleman 2008): negative chains survive between updates.
    pub persistent: bool,
    /// Number of persistent chains, 0..=4096 (0 = the batch size). Ignored for plain CD.
    pub chains: usize,
    /// Learning rate η, in (0, 10].
    pub learning_rate: f32,
    /// Momentum α in [0, 0.99]: `Δθ ← αΔθ + η∇` (Hinton 2010, §9).
    pub momentum: f32,
    /// L2 weight decay λ in [0, 1] with η·λ < 1: the weight gradient gets `−λW`.
    pub weight_decay: f32,
    /// Rows per mini-batch, 1..=4096 (the last batch of an epoch may be smaller).
    pub batch_size: usize,
    /// Visible values used in the negative statistics.
    pub negative_visible: NegativeVisible,
    /// Shuffle the row order at the start of each epoch (with the caller's RNG).
    pub shuffle: bool,
    /// Measure the reconstruction error `|v₀ − P(v|h₀)|²` per batch (free for CD; one extra
    /// top-down pass for PCD).
    pub track_reconstruction: bool,
}

impl Default for CdConfig {
    /// CD-1, η = 0.1, no momentum or decay, batches of 10, sampled reconstructions, shuffled.
    fn default() -> Self {
        Self {
            k: 1,
            persistent: false,
            chains: 0,
            learning_rate: 0.1,
            momentum: 0.0,
            weight_decay: 0.0,
            batch_size: 10,
            negative_visible: NegativeVisible::Sampled,
            shuffle: true,
            track_reconstruction: true,
        }
    }
}

/// Largest mini-batch and chain count.
pub const MAX_BATCH: usize = 4096;
/// Largest k.
pub const MAX_K: usize = 1000;

impl CdConfig {
    /// Checks every setting's range (see the field docs).
    pub fn validate(&self) -> Result<(), RbmError> {
        check_range(
            "k (Gibbs steps)",
            self.k as f64,
            1.0,
            MAX_K as f64,
            false,
            "an integer in 1..=1000",
        )?;
        check_range(
            "learning rate",
            f64::from(self.learning_rate),
            0.0,
            10.0,
            true,
            "> 0, ≤ 10 and finite",
        )?;
        check_range(
            "momentum",
            f64::from(self.momentum),
            0.0,
            0.99,
            false,
            "in [0, 0.99]",
        )?;
        check_range(
            "weight decay",
            f64::from(self.weight_decay),
            0.0,
            1.0,
            false,
            "in [0, 1]",
        )?;
        if self.learning_rate * self.weight_decay >= 1.0 {
            return Err(RbmError::Parameter {
                name: "learning rate × weight decay",
                value: f64::from(self.learning_rate * self.weight_decay),
                constraint: "< 1 (otherwise the decay overshoots and the weights blow up)",
            });
        }
        check_range(
            "batch size",
            self.batch_size as f64,
            1.0,
            MAX_BATCH as f64,
            false,
            "an integer in 1..=4096",
        )?;
        check_range(
            "number of persistent chains",
            self.chains as f64,
            0.0,
            MAX_BATCH as f64,
            false,
            "an integer in 0..=4096",
        )
    }

    /// Number of negative chains per update: `chains` (or the batch size) for PCD.
    fn negative_rows(&self, batch_rows: usize) -> usize {
        if self.persistent {
            if self.chains == 0 {
                self.batch_size
            } else {
                self.chains
            }
        } else {
            batch_rows
        }
    }
}

/// A gradient (or update) with the model's shapes: `w` hidden-major `nh × nv` like
/// [`Rbm::weights`], `bv` of nv, `bh` of nh. As returned by the estimators it is the *ascent*
/// direction of the log-likelihood.
#[derive(Clone, Debug, PartialEq)]
pub struct Gradient {
    /// ∂L/∂wᵢⱼ at `w[j·nv + i]`.
    pub w: Vec<f32>,
    /// ∂L/∂bᵥ.
    pub bv: Vec<f32>,
    /// ∂L/∂bₕ.
    pub bh: Vec<f32>,
}

impl Gradient {
    /// All zeros, shaped like `rbm`.
    pub fn zeros(rbm: &Rbm) -> Self {
        Self {
            w: vec![0.0; rbm.nv() * rbm.nh()],
            bv: vec![0.0; rbm.nv()],
            bh: vec![0.0; rbm.nh()],
        }
    }

    pub(crate) fn clear(&mut self) {
        self.w.fill(0.0);
        self.bv.fill(0.0);
        self.bh.fill(0.0);
    }
}

/// Adds `scale · Σ_rows hⱼ vᵢ` to `g.w[j·nv+i]`, `scale · Σ v` to `g.bv`, `scale · Σ h` to
/// `g.bh`: one phase of `⟨vᵢ hⱼ⟩`.
pub(crate) fn accumulate_phase(
    g: &mut Gradient,
    v: &[f32],
    h: &[f32],
    nv: usize,
    nh: usize,
    scale: f32,
) {
    // ⟨vᵢ hⱼ⟩: g[j·nv + i] += scale · Σ_rows hⱼ vᵢ
    add_outer_products(&mut g.w, h, nh, v, nv, scale);
    for vr in v.chunks_exact(nv) {
        axpy(scale, vr, &mut g.bv);
    }
    for hr in h.chunks_exact(nh) {
        axpy(scale, hr, &mut g.bh);
    }
}

/// What one mini-batch update measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchStats {
    /// Rows in the batch.
    pub rows: usize,
    /// Mean over the batch's pixels of `(v₀ − P(v=1|h₀))²`, if tracked.
    pub reconstruction_error: Option<f64>,
}

/// Buffers for CD/PCD updates, allocated once for a model shape and maximal batch.
#[derive(Clone, Debug)]
pub struct CdWorkspace {
    nv: usize,
    nh: usize,
    /// Capacity in rows of the negative-phase buffers.
    cap: usize,
    max_batch: usize,
    ph0: Vec<f32>,
    h: Vec<f32>,
    pv: Vec<f32>,
    vneg: Vec<f32>,
    phneg: Vec<f32>,
    neg_rows: usize,
    persistent_h: Vec<f32>,
    persistent_ready: bool,
    grad: Gradient,
    velocity: Gradient,
    /// Visible units that form one softmax group (exactly one of them is on), if any.
    softmax: Option<Range<usize>>,
    sparse: SparseBuffers,
}

/// Buffers of the sparse products with 0/1 rows (see `SparseRows`).
#[derive(Clone, Debug)]
struct SparseBuffers {
    /// The weights transposed (visible-major `nv × nh`).
    wt: Vec<f32>,
    /// A visible-major `nv × nh` part of the weight gradient.
    gt: Vec<f32>,
    /// Indices of the units that are on in one row (`max(nv, nh)`).
    on: Vec<u32>,
    /// A block of scaled hidden rows (`ROW_BLOCK × nh`).
    scaled: Vec<f32>,
    /// For each visible unit, the rows of the block in which it is on (`nv × ROW_BLOCK`)...
    by_unit: Vec<u32>,
    /// ... and how many (`nv`).
    counts: Vec<usize>,
}

/// Rows of a phase whose outer products are added together, unit by unit (see
/// `SparseRows::accumulate_phase`).
const ROW_BLOCK: usize = 64;

impl CdWorkspace {
    /// Buffers for `rbm` and batches of up to `cfg.batch_size` rows (validates `cfg`).
    pub fn new(rbm: &Rbm, cfg: &CdConfig) -> Result<Self, RbmError> {
        cfg.validate()?;
        let (nv, nh) = (rbm.nv(), rbm.nh());
        let max_batch = cfg.batch_size;
        let cap = max_batch.max(cfg.negative_rows(max_batch));
        Ok(Self {
            nv,
            nh,
            cap,
            max_batch,
            ph0: vec![0.0; max_batch * nh],
            h: vec![0.0; cap * nh],
            pv: vec![0.0; cap * nv],
            vneg: vec![0.0; cap * nv],
            phneg: vec![0.0; cap * nh],
            neg_rows: 0,
            persistent_h: vec![0.0; cap * nh],
            persistent_ready: false,
            grad: Gradient::zeros(rbm),
            velocity: Gradient::zeros(rbm),
            softmax: None,
            sparse: SparseBuffers {
                wt: vec![0.0; nv * nh],
                gt: vec![0.0; nv * nh],
                on: vec![0; nv.max(nh)],
                scaled: vec![0.0; ROW_BLOCK * nh],
                by_unit: vec![0; nv * ROW_BLOCK],
                counts: vec![0; nv],
            },
        })
    }

    /// Makes the visible units `group` (at least 2, inside `0..nv`) one softmax group: the model
    /// then only has states with exactly one unit of the group on, the group's conditional is
    /// `P(v_c = 1 | h) = exp(a_c) / Σ_{c'} exp(a_{c'})`, `a_c = b_c + Σⱼ w_cj hⱼ`, and the
    /// negative phase draws one-hot group states from it (Hinton, Osindero & Teh 2006; Larochelle
    /// & Bengio 2008: label units). The other units stay independent Bernoulli units. The training
    /// data must be one-hot on the group. Forgets the persistent chains.
    pub fn set_softmax_group(&mut self, group: Range<usize>) -> Result<(), RbmError> {
        if group.end > self.nv || group.start + 2 > group.end {
            return Err(RbmError::Size {
                what: "softmax group (at least 2 visible units inside the layer)",
                n: group.end.saturating_sub(group.start),
                max: self.nv,
            });
        }
        self.softmax = Some(group);
        self.persistent_ready = false;
        Ok(())
    }

    /// The softmax group of visible units, if one was set.
    pub fn softmax_group(&self) -> Option<Range<usize>> {
        self.softmax.clone()
    }

    /// The last gradient estimate.
    pub fn gradient(&self) -> &Gradient {
        &self.grad
    }

    /// The visible values that entered the negative statistics of the last update
    /// (`chains × nv`): the sampled `v_k`, or `P(v=1|h_{k−1})` with
    /// [`NegativeVisible::Probabilities`]. For PCD, what the fantasy particles currently
    /// "dream".
    pub fn negative_visible(&self) -> &[f32] {
        &self.vneg[..self.neg_rows * self.nv]
    }

    /// Forgets the persistent chains and the momentum.
    pub fn reset(&mut self) {
        self.persistent_ready = false;
        self.velocity.clear();
    }

    fn fits(&self, rbm: &Rbm, cfg: &CdConfig, rows: usize) -> Result<(), RbmError> {
        if rbm.nv() != self.nv || rbm.nh() != self.nh {
            return Err(RbmError::Shape {
                what: "model (workspace was made for another RBM shape)",
                expected: self.nv * self.nh,
                got: rbm.nv() * rbm.nh(),
            });
        }
        if rows == 0 || rows > self.max_batch || cfg.negative_rows(rows) > self.cap {
            return Err(RbmError::Size {
                what: "mini-batch rows (workspace capacity)",
                n: rows,
                max: self.max_batch,
            });
        }
        Ok(())
    }
}

/// Estimates the log-likelihood gradient on one mini-batch by CD-k or PCD-k (per `cfg`) into
/// `ws` (read it with [`CdWorkspace::gradient`]); does not change the model.
/// `batch` is `rows × nv` with 1 ≤ rows ≤ `cfg.batch_size`, values in [0, 1].
pub fn cd_gradient(
    rbm: &Rbm,
    batch: &[f32],
    cfg: &CdConfig,
    ws: &mut CdWorkspace,
    rng: &mut Rng,
) -> Result<BatchStats, RbmError> {
    let (nv, nh) = (rbm.nv(), rbm.nh());
    if batch.is_empty() || batch.len() % nv != 0 {
        return Err(RbmError::Shape {
            what: "mini-batch (rows × nv)",
            expected: nv * (batch.len() / nv).max(1),
            got: batch.len(),
        });
    }
    let rows = batch.len() / nv;
    ws.fits(rbm, cfg, rows)?;
    let m = cfg.negative_rows(rows);
    ws.neg_rows = m;
    ws.grad.clear();
    // Rows of 0s and 1s (binarised data, sampled reconstructions) take the sparse products
    // (see `SparseRows`); anything else the dense ones.
    let mut sparse = SparseRows::new(rbm, &mut ws.sparse);

    // Positive phase: P(h=1|v₀) for the data.
    let ph0 = &mut ws.ph0[..rows * nh];
    sparse.hidden_probs(rbm, batch, ph0);
    // + (1/B) Σ v₀ P(h|v₀)
    sparse.accumulate_phase(&mut ws.grad, batch, ph0, 1.0 / rows as f32);

    let mut recon = None;
    if cfg.persistent {
        if cfg.track_reconstruction {
            // |v₀ − P(v|h₀)|² with h₀ ~ P(h|v₀), measured apart from the persistent chain.
            let hr = &mut ws.h[..rows * nh];
            bernoulli_into(&ws.ph0[..rows * nh], hr, rng);
            let pr = &mut ws.pv[..rows * nv];
            rbm.visible_probs_into(hr, pr);
            recon = Some(squared_error(batch, pr));
        }
        if !ws.persistent_ready {
            // Start the fantasy particles at samples of P(h|v) for data rows (cycling).
            for c in 0..m {
                let r = c % rows;
                let src = &ws.ph0[r * nh..(r + 1) * nh];
                bernoulli_into(src, &mut ws.persistent_h[c * nh..(c + 1) * nh], rng);
            }
            ws.persistent_ready = true;
        }
        ws.h[..m * nh].copy_from_slice(&ws.persistent_h[..m * nh]);
    } else {
        // CD: the chain starts at the data, h₀ ~ P(h|v₀) (here m = rows).
        bernoulli_into(&ws.ph0[..rows * nh], &mut ws.h[..rows * nh], rng);
    }

    // Negative phase: k block-Gibbs steps h → v → h, every state sampled.
    let (h, pv) = (&mut ws.h[..m * nh], &mut ws.pv[..m * nv]);
    let vneg = &mut ws.vneg[..m * nv];
    let phneg = &mut ws.phneg[..m * nh];
    let group = ws.softmax.clone();
    for t in 1..=cfg.k {
        // P(v=1|h_{t−1}) = σ(bᵥ + Wh) (softmax on a softmax group), then v_t ~ P(v|h_{t−1})
        sparse.visible_probs(rbm, h, pv);
        if let Some(g) = &group {
            softmax_group_probs(rbm, h, pv, g.clone());
        }
        if t == 1 && !cfg.persistent && cfg.track_reconstruction {
            recon = Some(squared_error(batch, pv));
        }
        bernoulli_into(pv, vneg, rng);
        if let Some(g) = &group {
            sample_softmax_group(pv, vneg, nv, g.clone(), rng);
        }
        // P(h=1|v_t) = σ(bₕ + Wᵀv_t)
        sparse.hidden_probs(rbm, vneg, phneg);
        if t < cfg.k {
            bernoulli_into(phneg, h, rng); // h_t ~ P(h|v_t)
        }
    }
    // Here `h` = h_{k−1}, `pv` = P(v|h_{k−1}), `vneg` = v_k, `phneg` = P(h|v_k).
    if cfg.persistent {
        // The chain continues from the sampled v_k: h_k ~ P(h|v_k).
        bernoulli_into(phneg, &mut ws.persistent_h[..m * nh], rng);
    }
    match cfg.negative_visible {
        // − (1/M) Σ v_k P(h|v_k)
        NegativeVisible::Sampled => {
            sparse.accumulate_phase(&mut ws.grad, vneg, phneg, -1.0 / m as f32);
        }
        // − (1/M) Σ P(v|h_{k−1}) h_{k−1}
        NegativeVisible::Probabilities => {
            vneg.copy_from_slice(pv);
            sparse.accumulate_phase(&mut ws.grad, vneg, h, -1.0 / m as f32);
        }
    }
    sparse.finish(&mut ws.grad);
    Ok(BatchStats {
        rows,
        reconstruction_error: recon,
    })
}

/// Overwrites the softmax group's entries of every row of `pv` (`rows × nv`) with
/// `P(v_c = 1 | h) = softmax_c(a)`, `a_c = b_c + Σⱼ w_cj hⱼ`, from the hidden rows `h`.
fn softmax_group_probs(rbm: &Rbm, h: &[f32], pv: &mut [f32], group: Range<usize>) {
    let (nv, nh) = (rbm.nv(), rbm.nh());
    let w = rbm.weights();
    for (hr, pr) in h.chunks_exact(nh).zip(pv.chunks_exact_mut(nv)) {
        let p = &mut pr[group.clone()];
        for (k, pc) in p.iter_mut().enumerate() {
            let c = group.start + k;
            // a_c = b_c + Σⱼ w_cj hⱼ
            let mut a = f64::from(rbm.visible_bias()[c]);
            for (j, &hj) in hr.iter().enumerate() {
                a += f64::from(w[j * nv + c]) * f64::from(hj);
            }
            *pc = a as f32;
        }
        // softmax, shifted by the largest field
        let max = p.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0f32;
        for pc in p.iter_mut() {
            *pc = (*pc - max).exp();
            sum += *pc;
        }
        for pc in p.iter_mut() {
            *pc /= sum;
        }
    }
}

/// Products with rows of 0s and 1s, done as sums of the weight rows of the units that are on:
/// `bₕ + Wᵀv = bₕ + Σ_{i: vᵢ=1} W[i, ·]` takes `|v|·nh` additions instead of `nv·nh`
/// multiply-adds, and `Σ_r v_r ⊗ p_r` adds `p_r` to the `|v_r|` rows `i` of a visible-major
/// gradient. Binarised digits have about a third of their pixels on, so this does about a sixth
/// of the arithmetic of the dense products, on contiguous rows that vectorise. It needs the
/// weights visible-major (a transposed copy made per call) and adds the visible-major gradient
/// back into the hidden-major one at the end. Rows that are not 0/1 use the dense products.
struct SparseRows<'a> {
    nv: usize,
    nh: usize,
    /// `wt[i·nh + j] = wᵢⱼ`, made on first use.
    wt: &'a mut [f32],
    wt_ready: bool,
    /// Visible-major gradient part, zeroed on first use.
    gt: &'a mut [f32],
    gt_used: bool,
    on: &'a mut [u32],
    /// `scale · h` for a block of rows.
    scaled: &'a mut [f32],
    by_unit: &'a mut [u32],
    counts: &'a mut [usize],
}

impl<'a> SparseRows<'a> {
    fn new(rbm: &Rbm, ws: &'a mut SparseBuffers) -> Self {
        Self {
            nv: rbm.nv(),
            nh: rbm.nh(),
            wt: &mut ws.wt,
            wt_ready: false,
            gt: &mut ws.gt,
            gt_used: false,
            on: &mut ws.on,
            scaled: &mut ws.scaled,
            by_unit: &mut ws.by_unit,
            counts: &mut ws.counts,
        }
    }

    /// `out ← P(h=1|v)` for a batch `v` (`rows × nv`), sparse for the rows of 0s and 1s.
    fn hidden_probs(&mut self, rbm: &Rbm, v: &[f32], out: &mut [f32]) {
        let (nv, nh) = (self.nv, self.nh);
        for (vr, zr) in v.chunks_exact(nv).zip(out.chunks_exact_mut(nh)) {
            match ones(self.on, vr) {
                Some(n) => {
                    if !self.wt_ready {
                        transpose(rbm.weights(), nh, nv, self.wt);
                        self.wt_ready = true;
                    }
                    // zⱼ = bₕⱼ + Σ_{i: vᵢ=1} wᵢⱼ
                    sum_rows(zr, rbm.hidden_bias(), self.wt, nh, &self.on[..n]);
                }
                None => rbm.hidden_field_into(vr, zr),
            }
        }
        sigmoid_in_place(out);
    }

    /// `out ← P(v=1|h)` for a batch `h` (`rows × nh`), sparse for the rows of 0s and 1s.
    fn visible_probs(&mut self, rbm: &Rbm, h: &[f32], out: &mut [f32]) {
        let (nv, nh) = (self.nv, self.nh);
        for (hr, zr) in h.chunks_exact(nh).zip(out.chunks_exact_mut(nv)) {
            match ones(self.on, hr) {
                // zᵢ = bᵥᵢ + Σ_{j: hⱼ=1} wᵢⱼ (rows of the hidden-major weights)
                Some(n) => sum_rows(zr, rbm.visible_bias(), rbm.weights(), nv, &self.on[..n]),
                None => rbm.visible_field_into(hr, zr),
            }
        }
        sigmoid_in_place(out);
    }

    /// `g += scale · Σ_r v_r ⊗ h_r` (and the bias sums), sparse for the rows of 0s and 1s.
    fn accumulate_phase(&mut self, g: &mut Gradient, v: &[f32], h: &[f32], scale: f32) {
        let (nv, nh) = (self.nv, self.nh);
        // a fold without an early exit: vectorised, where `all` is a branch per entry
        let all_binary = v.iter().fold(true, |b, &x| b & ((x == 0.0) | (x == 1.0)));
        if !all_binary {
            accumulate_phase(g, v, h, nv, nh, scale);
            return;
        }
        if !self.gt_used {
            self.gt.fill(0.0);
            self.gt_used = true;
        }
        // gᵢⱼ += scale · hⱼ for every row with vᵢ = 1: unit by unit over a block of rows, the
        // block's scaled rows summed in registers (`add_rows`), in row order as one row at a
        // time would add them (so the sums are the same to the bit)
        for (vb, hb) in v.chunks(ROW_BLOCK * nv).zip(h.chunks(ROW_BLOCK * nh)) {
            let scaled = &mut self.scaled[..hb.len()];
            for (t, &x) in scaled.iter_mut().zip(hb) {
                *t = scale * x;
            }
            self.counts.fill(0);
            for (r, vr) in vb.chunks_exact(nv).enumerate() {
                for (i, &x) in vr.iter().enumerate() {
                    // branch-free: the row is written, and kept only if vᵢ = 1
                    self.by_unit[i * ROW_BLOCK + self.counts[i]] = r as u32;
                    self.counts[i] += usize::from(x == 1.0);
                }
            }
            for (i, (&n, rows)) in self
                .counts
                .iter()
                .zip(self.by_unit.chunks_exact(ROW_BLOCK))
                .enumerate()
            {
                add_rows(&mut self.gt[i * nh..(i + 1) * nh], scaled, nh, &rows[..n]);
            }
        }
        for vr in v.chunks_exact(nv) {
            axpy(scale, vr, &mut g.bv);
        }
        for hr in h.chunks_exact(nh) {
            axpy(scale, hr, &mut g.bh);
        }
    }

    /// Adds the visible-major part into the hidden-major gradient.
    fn finish(self, g: &mut Gradient) {
        if self.gt_used {
            add_transposed(self.gt, self.nv, self.nh, &mut g.w);
        }
    }
}

/// Replaces the softmax group's entries of every row of `v` (`rows × nv`) by a one-hot draw
/// from the categorical distribution in the same entries of `pv` (one uniform per row).
fn sample_softmax_group(pv: &[f32], v: &mut [f32], nv: usize, group: Range<usize>, rng: &mut Rng) {
    for (pr, vr) in pv.chunks_exact(nv).zip(v.chunks_exact_mut(nv)) {
        let (p, out) = (&pr[group.clone()], &mut vr[group.clone()]);
        let u = rng.uniform();
        // the first c with u < P(1) + … + P(c); the last one if rounding leaves u above the sum
        let mut cum = 0.0f64;
        let mut pick = p.len() - 1;
        for (c, &pc) in p.iter().enumerate() {
            cum += f64::from(pc);
            if u < cum {
                pick = c;
                break;
            }
        }
        out.fill(0.0);
        out[pick] = 1.0;
    }
}

/// `out[i·rows + j] = a[j·cols + i]`: `a` is `rows × cols`, `out` is `cols × rows`.
fn transpose(a: &[f32], rows: usize, cols: usize, out: &mut [f32]) {
    transpose_with(a, rows, cols, out, |o, x| *o = x);
}

/// `out[i·rows + j] += a[j·cols + i]`: adds the transpose of `a` (`rows × cols`) to `out`.
fn add_transposed(a: &[f32], rows: usize, cols: usize, out: &mut [f32]) {
    transpose_with(a, rows, cols, out, |o, x| *o += x);
}

/// `f(&mut out[i·rows + j], a[j·cols + i])` for every entry, four rows of `a` at a time so each
/// write touches four contiguous entries of `out`.
#[inline(always)]
fn transpose_with(a: &[f32], rows: usize, cols: usize, out: &mut [f32], f: impl Fn(&mut f32, f32)) {
    let a = &a[..rows * cols];
    let out = &mut out[..rows * cols];
    let mut quads = a.chunks_exact(4 * cols);
    for (q, block) in (&mut quads).enumerate() {
        let (r0, rest) = block.split_at(cols);
        let (r1, rest) = rest.split_at(cols);
        let (r2, r3) = rest.split_at(cols);
        let j = 4 * q;
        for (i, o) in out.chunks_exact_mut(rows).enumerate() {
            let o = &mut o[j..j + 4];
            f(&mut o[0], r0[i]);
            f(&mut o[1], r1[i]);
            f(&mut o[2], r2[i]);
            f(&mut o[3], r3[i]);
        }
    }
    let done = rows - rows % 4;
    for (dj, ar) in quads.remainder().chunks_exact(cols).enumerate() {
        for (i, &x) in ar.iter().enumerate() {
            f(&mut out[i * rows + done + dj], x);
        }
    }
}

fn squared_error(v: &[f32], p: &[f32]) -> f64 {
    let s: f64 = v
        .iter()
        .zip(p)
        .map(|(a, b)| f64::from(a - b) * f64::from(a - b))
        .sum();
    s / v.len() as f64
}

/// Applies `Δθ ← αΔθ + η(∇θ − λθ)` (λ on W only), `θ ← θ + Δθ`, with the gradient in `ws`.
/// If any new value would be non-finite, nothing changes and [`RbmError::Diverged`] is returned.
pub fn apply_update(rbm: &mut Rbm, cfg: &CdConfig, ws: &mut CdWorkspace) -> Result<(), RbmError> {
    apply_gradient(rbm, cfg, &ws.grad, &mut ws.velocity)
}

/// `Δθ ← αΔθ + η(g − λθ)` (λ on W only), `θ ← θ + Δθ`; all-or-nothing on non-finite results.
pub(crate) fn apply_gradient(
    rbm: &mut Rbm,
    cfg: &CdConfig,
    grad: &Gradient,
    velocity: &mut Gradient,
) -> Result<(), RbmError> {
    let (eta, alpha, lambda) = (cfg.learning_rate, cfg.momentum, cfg.weight_decay);
    let mut ok = true;
    for ((d, g), w) in velocity.w.iter().zip(&grad.w).zip(rbm.weights()) {
        // Δw = αΔw + η(∇w − λw)
        let nd = alpha * d + eta * (g - lambda * w);
        // finite only if w and nd are (∞ or NaN in either makes the sum ∞ or NaN)
        ok &= (w + nd).is_finite();
    }
    for ((d, g), b) in velocity
        .bv
        .iter()
        .zip(&grad.bv)
        .zip(rbm.visible_bias())
        .chain(velocity.bh.iter().zip(&grad.bh).zip(rbm.hidden_bias()))
    {
        let nd = alpha * d + eta * g;
        ok &= (b + nd).is_finite();
    }
    if !ok {
        return Err(RbmError::Diverged);
    }
    for ((d, g), w) in velocity.w.iter_mut().zip(&grad.w).zip(rbm.weights_mut()) {
        *d = alpha * *d + eta * (g - lambda * *w);
        *w += *d;
    }
    for ((d, g), b) in velocity
        .bv
        .iter_mut()
        .zip(&grad.bv)
        .zip(rbm.visible_bias_mut())
    {
        *d = alpha * *d + eta * g;
        *b += *d;
    }
    for ((d, g), b) in velocity
        .bh
        .iter_mut()
        .zip(&grad.bh)
        .zip(rbm.hidden_bias_mut())
    {
        *d = alpha * *d + eta * g;
        *b += *d;
    }
    Ok(())
}

/// One CD-k / PCD-k parameter update on one mini-batch (`rows × nv`, rows ≤ batch size):
/// `wᵢⱼ ← wᵢⱼ + η(⟨vᵢhⱼ⟩_data − ⟨vᵢhⱼ⟩_k)` (lecture, "Restricted Boltzmann Machine —
/// Maximum Likelihood Estimate"), with optional momentum and weight decay.
pub fn contrastive_divergence(
    rbm: &mut Rbm,
    batch: &[f32],
    cfg: &CdConfig,
    ws: &mut CdWorkspace,
    rng: &mut Rng,
) -> Result<BatchStats, RbmError> {
    let stats = cd_gradient(rbm, batch, cfg, ws, rng)?;
    apply_update(rbm, cfg, ws)?;
    Ok(stats)
}

/// Progress of a [`Trainer`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrainStats {
    /// Completed epochs.
    pub epoch: usize,
    /// Target number of epochs.
    pub epochs: usize,
    /// Mini-batch updates done in total.
    pub batches_done: u64,
    /// Fraction of the current epoch done, in [0, 1].
    pub epoch_progress: f64,
    /// Fraction of the whole run done, in [0, 1].
    pub progress: f64,
    /// Mean reconstruction error over the current epoch so far (if tracked).
    pub reconstruction_error: Option<f64>,
    /// Mean reconstruction error of the last completed epoch (if tracked).
    pub last_epoch_error: Option<f64>,
    /// True once `epoch == epochs`.
    pub finished: bool,
}

/// What a [`Trainer`] reports to an observer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TrainEvent {
    /// A mini-batch update finished.
    Batch {
        /// The epoch.
        epoch: usize,
        /// Index of the mini-batch within the epoch.
        batch: usize,
        /// The mean reconstruction error, if it was measured.
        reconstruction_error: Option<f64>,
    },
    /// An epoch finished.
    Epoch {
        /// The epoch.
        epoch: usize,
        /// The mean reconstruction error, if it was measured.
        reconstruction_error: Option<f64>,
    },
}

/// Epoch bookkeeping shared by the resumable trainers: row order, cursor, counters and the
/// running reconstruction error.
#[derive(Clone, Debug)]
pub(crate) struct Schedule {
    rows: usize,
    batch_size: usize,
    shuffle: bool,
    order: Vec<usize>,
    cursor: usize,
    batch_in_epoch: usize,
    epoch: usize,
    epochs: usize,
    batches_done: u64,
    err_sum: f64,
    err_rows: usize,
    last_epoch_error: Option<f64>,
}

impl Schedule {
    pub(crate) fn new(
        rows: usize,
        batch_size: usize,
        epochs: usize,
        shuffle: bool,
    ) -> Result<Self, RbmError> {
        check_epochs(epochs)?;
        Ok(Self {
            rows,
            batch_size,
            shuffle,
            order: (0..rows).collect(),
            cursor: 0,
            batch_in_epoch: 0,
            epoch: 0,
            epochs,
            batches_done: 0,
            err_sum: 0.0,
            err_rows: 0,
            last_epoch_error: None,
        })
    }

    pub(crate) fn finished(&self) -> bool {
        self.epoch >= self.epochs
    }

    pub(crate) fn set_epochs(&mut self, epochs: usize) -> Result<(), RbmError> {
        check_epochs(epochs)?;
        self.epochs = epochs;
        Ok(())
    }

    pub(crate) fn batches_per_epoch(&self) -> usize {
        self.rows.div_ceil(self.batch_size)
    }

    /// Copies the next mini-batch's rows of `data` (`rows × width`) into `buf`; returns the
    /// number of rows. Shuffles the order with `rng` at the start of an epoch.
    pub(crate) fn next_batch(
        &mut self,
        data: &[f32],
        width: usize,
        buf: &mut [f32],
        rng: &mut Rng,
    ) -> usize {
        if self.cursor == 0 && self.shuffle {
            rng.shuffle(&mut self.order);
        }
        let end = (self.cursor + self.batch_size).min(self.rows);
        for (slot, &r) in self.order[self.cursor..end].iter().enumerate() {
            buf[slot * width..(slot + 1) * width]
                .copy_from_slice(&data[r * width..(r + 1) * width]);
        }
        end - self.cursor
    }

    /// Books a finished batch of `rows` rows, telling `on` about the batch and, at the end
    /// of an epoch, about the epoch.
    pub(crate) fn record(&mut self, rows: usize, err: Option<f64>, on: &mut dyn FnMut(TrainEvent)) {
        if let Some(e) = err {
            self.err_sum += e * rows as f64;
            self.err_rows += rows;
        }
        on(TrainEvent::Batch {
            epoch: self.epoch,
            batch: self.batch_in_epoch,
            reconstruction_error: err,
        });
        self.batches_done += 1;
        self.batch_in_epoch += 1;
        self.cursor += rows;
        if self.cursor >= self.rows {
            let mean = (self.err_rows > 0).then(|| self.err_sum / self.err_rows as f64);
            on(TrainEvent::Epoch {
                epoch: self.epoch,
                reconstruction_error: mean,
            });
            self.last_epoch_error = mean;
            self.err_sum = 0.0;
            self.err_rows = 0;
            self.cursor = 0;
            self.batch_in_epoch = 0;
            self.epoch += 1;
        }
    }

    pub(crate) fn stats(&self) -> TrainStats {
        let ep = self.batch_in_epoch as f64 / self.batches_per_epoch() as f64;
        let finished = self.finished();
        TrainStats {
            epoch: self.epoch,
            epochs: self.epochs,
            batches_done: self.batches_done,
            epoch_progress: if finished { 1.0 } else { ep },
            progress: if finished {
                1.0
            } else {
                (self.epoch as f64 + ep) / self.epochs as f64
            },
            reconstruction_error: (self.err_rows > 0).then(|| self.err_sum / self.err_rows as f64),
            last_epoch_error: self.last_epoch_error,
            finished,
        }
    }
}

pub(crate) fn check_epochs(epochs: usize) -> Result<(), RbmError> {
    check_range(
        "epochs",
        epochs as f64,
        1.0,
        MAX_EPOCHS as f64,
        false,
        "an integer in 1..=1000000",
    )
}

/// Checks `data` is a non-empty, finite `rows × width` matrix; returns rows.
pub(crate) fn check_data(data: &[f32], width: usize) -> Result<usize, RbmError> {
    if data.is_empty() {
        return Err(RbmError::Empty {
            what: "training data",
        });
    }
    if data.len() % width != 0 {
        return Err(RbmError::Shape {
            what: "training data (rows × nv)",
            expected: width * (data.len() / width).max(1),
            got: data.len(),
        });
    }
    check_finite("training data", data)?;
    Ok(data.len() / width)
}

/// Resumable mini-batch training: owns a copy of the data, the row order and every buffer;
/// [`Trainer::step`] does a bounded number of updates so a page can train a few batches per
/// animation frame. The model is passed in on every call (the caller owns it).
#[derive(Clone, Debug)]
pub struct Trainer {
    nv: usize,
    nh: usize,
    data: Vec<f32>,
    cfg: CdConfig,
    ws: CdWorkspace,
    schedule: Schedule,
    batch_buf: Vec<f32>,
}

/// Largest epoch target.
pub const MAX_EPOCHS: usize = 1_000_000;

impl Trainer {
    /// A trainer for `rbm` on `data` (`rows × nv`, values in [0, 1]: binary states or
    /// probabilities) for `epochs` epochs (1..=[`MAX_EPOCHS`]).
    pub fn new(rbm: &Rbm, data: &[f32], cfg: CdConfig, epochs: usize) -> Result<Self, RbmError> {
        let nv = rbm.nv();
        let rows = check_data(data, nv)?;
        check_unit_interval("training data", data)?;
        let ws = CdWorkspace::new(rbm, &cfg)?;
        Ok(Self {
            nv,
            nh: rbm.nh(),
            data: data.to_vec(),
            batch_buf: vec![0.0; cfg.batch_size * nv],
            schedule: Schedule::new(rows, cfg.batch_size, epochs, cfg.shuffle)?,
            cfg,
            ws,
        })
    }

    /// The settings.
    pub fn config(&self) -> &CdConfig {
        &self.cfg
    }

    /// Changes the learning rate mid-run (validated like [`CdConfig::validate`]).
    pub fn set_learning_rate(&mut self, eta: f32) -> Result<(), RbmError> {
        let mut c = self.cfg.clone();
        c.learning_rate = eta;
        c.validate()?;
        self.cfg = c;
        Ok(())
    }

    /// Changes the epoch target (1..=[`MAX_EPOCHS`]); a finished run can be extended.
    pub fn set_epochs(&mut self, epochs: usize) -> Result<(), RbmError> {
        self.schedule.set_epochs(epochs)
    }

    /// The training rows (`rows × nv`), as copied at construction.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// Number of training rows.
    pub fn rows(&self) -> usize {
        self.data.len() / self.nv
    }

    /// Mini-batches per epoch (⌈rows / batch size⌉).
    pub fn batches_per_epoch(&self) -> usize {
        self.schedule.batches_per_epoch()
    }

    /// The workspace (last gradient, negative samples / fantasy particles).
    pub fn workspace(&self) -> &CdWorkspace {
        &self.ws
    }

    /// Makes the visible units `group` one softmax group (see
    /// [`CdWorkspace::set_softmax_group`]); every training row must be one-hot on it.
    pub fn set_softmax_group(&mut self, group: Range<usize>) -> Result<(), RbmError> {
        if group.end <= self.nv {
            for row in self.data.chunks_exact(self.nv) {
                let g = &row[group.clone()];
                let ones = g.iter().filter(|&&x| x == 1.0).count();
                let zeros = g.iter().filter(|&&x| x == 0.0).count();
                if ones != 1 || ones + zeros != g.len() {
                    return Err(RbmError::Parameter {
                        name: "training rows on the softmax group",
                        value: f64::from(g.iter().sum::<f32>()),
                        constraint: "one-hot (exactly one unit 1, the others 0)",
                    });
                }
            }
        }
        self.ws.set_softmax_group(group)
    }

    /// Current progress.
    pub fn stats(&self) -> TrainStats {
        self.schedule.stats()
    }

    /// Does up to `batches` mini-batch updates of `rbm` (stopping early when the epoch target
    /// is reached) and returns the progress.
    pub fn step(
        &mut self,
        rbm: &mut Rbm,
        batches: usize,
        rng: &mut Rng,
    ) -> Result<TrainStats, RbmError> {
        self.step_observed(rbm, batches, rng, &mut |_| {})
    }

    /// [`Trainer::step`] with an observer that hears about every batch and epoch.
    pub fn step_observed(
        &mut self,
        rbm: &mut Rbm,
        batches: usize,
        rng: &mut Rng,
        on: &mut dyn FnMut(TrainEvent),
    ) -> Result<TrainStats, RbmError> {
        if rbm.nv() != self.nv || rbm.nh() != self.nh {
            return Err(RbmError::Shape {
                what: "model (trainer was made for another RBM shape)",
                expected: self.nv * self.nh,
                got: rbm.nv() * rbm.nh(),
            });
        }
        for _ in 0..batches {
            if self.schedule.finished() {
                break;
            }
            let b = self
                .schedule
                .next_batch(&self.data, self.nv, &mut self.batch_buf, rng);
            let stats = contrastive_divergence(
                rbm,
                &self.batch_buf[..b * self.nv],
                &self.cfg,
                &mut self.ws,
                rng,
            )?;
            self.schedule.record(b, stats.reconstruction_error, on);
        }
        Ok(self.stats())
    }
}

/// Benchmark workload (no timing inside): one epoch of single-Gibbs-step training of a
/// 64-visible, `nh`-hidden RBM on `data` (rows × 64, e.g. the 1797 binarised digits) in
/// mini-batches of `batch` rows, in file order, η = 0.1, returning a checksum (sum of all
/// parameters) so the work cannot be optimised away. Returns NaN for unusable arguments.
///
/// It does exactly the per-batch arithmetic of scikit-learn's `BernoulliRBM._fit` (1.9.1),
/// which runs *persistent* CD-1 ("stochastic maximum likelihood"): positive phase `P(h|v)`,
/// `v' ~ P(v|h_persistent)` sampled, negative phase `P(h|v')`, update, then the persistent
/// `h ~ P(h|v')`. Its cost is that of CD-1 (the same four matrix products per batch); only the
/// chain's starting point differs. Weights start as N(0, 0.01²) like scikit-learn's.
pub fn bench_cd1_epoch(data: &[f32], nh: usize, batch: usize, seed: u64) -> f64 {
    const NV: usize = 64;
    let mut rng = Rng::new(seed);
    let Ok(mut rbm) = Rbm::with_random_weights(NV, nh, 0.01, &mut rng) else {
        return f64::NAN;
    };
    let cfg = CdConfig {
        k: 1,
        persistent: true,
        chains: batch,
        learning_rate: 0.1,
        momentum: 0.0,
        weight_decay: 0.0,
        batch_size: batch,
        negative_visible: NegativeVisible::Sampled,
        shuffle: false,
        track_reconstruction: false,
    };
    let Ok(mut trainer) = Trainer::new(&rbm, data, cfg, 1) else {
        return f64::NAN;
    };
    let n = trainer.batches_per_epoch();
    if trainer.step(&mut rbm, n, &mut rng).is_err() {
        return f64::NAN;
    }
    rbm.weights()
        .iter()
        .chain(rbm.visible_bias())
        .chain(rbm.hidden_bias())
        .map(|&x| f64::from(x))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Vec<f32> {
        vec![
            1., 1., 0., 0., 1., 0., //
            0., 0., 1., 1., 0., 1., //
            1., 1., 1., 0., 0., 0., //
        ]
    }

    #[test]
    fn blocked_phase_sums_equal_the_row_by_row_sums_to_the_bit() {
        // 150 rows = blocks of 64, 64 and 22; 45 hidden columns = 32 + 8 + 4 + 1
        let (nv, nh, rows) = (37, 45, 150);
        let mut rng = Rng::new(4);
        let m = Rbm::with_random_weights(nv, nh, 0.5, &mut rng).expect("ok");
        let v: Vec<f32> = (0..rows * nv)
            .map(|_| (rng.next_u64() >> 63) as f32)
            .collect();
        let h: Vec<f32> = (0..rows * nh).map(|_| rng.uniform() as f32).collect();
        let mut ws = CdWorkspace::new(&m, &CdConfig::default()).expect("ok");
        let mut sparse = SparseRows::new(&m, &mut ws.sparse);
        let mut g = Gradient::zeros(&m);
        sparse.accumulate_phase(&mut g, &v, &h, 0.3);
        sparse.accumulate_phase(&mut g, &v, &h, -0.7);
        sparse.finish(&mut g);
        // one row at a time, as the lecture's sum reads
        let mut want = vec![0.0f32; nv * nh];
        for scale in [0.3f32, -0.7] {
            for r in 0..rows {
                for i in (0..nv).filter(|&i| v[r * nv + i] == 1.0) {
                    for j in 0..nh {
                        want[i * nh + j] += scale * h[r * nh + j];
                    }
                }
            }
        }
        for i in 0..nv {
            for j in 0..nh {
                let (got, w) = (g.w[j * nv + i], want[i * nh + j]);
                assert_eq!(got.to_bits(), w.to_bits(), "w[{i}][{j}]: {got} vs {w}");
            }
        }
    }

    #[test]
    fn sparse_products_match_the_dense_ones() {
        let mut rng = Rng::new(11);
        for (nv, nh, rows) in [
            (6, 4, 3),
            (64, 100, 10),
            (37, 5, 2),
            (5, 70, 4),
            (64, 100, 150),
        ] {
            let mut m = Rbm::with_random_weights(nv, nh, 0.7, &mut rng).expect("ok");
            for b in m.visible_bias_mut() {
                *b = rng.normal() as f32;
            }
            for b in m.hidden_bias_mut() {
                *b = rng.normal() as f32;
            }
            let bits = |n: usize, rng: &mut Rng| -> Vec<f32> {
                (0..n).map(|_| (rng.next_u64() >> 63) as f32).collect()
            };
            let v = bits(rows * nv, &mut rng);
            let h = bits(rows * nh, &mut rng);
            let probs: Vec<f32> = (0..rows * nh).map(|_| rng.uniform() as f32).collect();
            let cfg = CdConfig::default();
            let mut ws = CdWorkspace::new(&m, &cfg).expect("ok");
            let mut sparse = SparseRows::new(&m, &mut ws.sparse);
            let (mut a, mut b) = (vec![0.0; rows * nh], vec![0.0; rows * nh]);
            sparse.hidden_probs(&m, &v, &mut a);
            m.hidden_probs_into(&v, &mut b);
            let close = |x: &[f32], y: &[f32]| {
                x.iter()
                    .zip(y)
                    .all(|(p, q)| (p - q).abs() <= 1e-5 * (1.0 + q.abs()))
            };
            assert!(close(&a, &b), "hidden {nv}×{nh}: {a:?} vs {b:?}");
            let (mut a, mut b) = (vec![0.0; rows * nv], vec![0.0; rows * nv]);
            sparse.visible_probs(&m, &h, &mut a);
            m.visible_probs_into(&h, &mut b);
            assert!(close(&a, &b), "visible {nv}×{nh}");
            let mut g1 = Gradient::zeros(&m);
            sparse.accumulate_phase(&mut g1, &v, &probs, 0.3);
            sparse.accumulate_phase(&mut g1, &v, &probs, -0.1);
            sparse.finish(&mut g1);
            let mut g2 = Gradient::zeros(&m);
            accumulate_phase(&mut g2, &v, &probs, nv, nh, 0.3);
            accumulate_phase(&mut g2, &v, &probs, nv, nh, -0.1);
            assert!(
                close(&g1.w, &g2.w),
                "gradient {nv}×{nh}: {:?} vs {:?}",
                g1.w,
                g2.w
            );
            assert!(close(&g1.bv, &g2.bv) && close(&g1.bh, &g2.bh));
            // rows that are not all bits (probabilities; bits with one 0.5) take the dense
            // products and give the same probabilities
            let mut vp = probs[..rows * nh.min(nv)].to_vec();
            vp.resize(rows * nv, 1.0);
            let mut hp = h.clone();
            hp[rows * nh / 2] = 0.5;
            let mut sparse = SparseRows::new(&m, &mut ws.sparse);
            let (mut a, mut b) = (vec![0.0; rows * nh], vec![0.0; rows * nh]);
            sparse.hidden_probs(&m, &vp, &mut a);
            m.hidden_probs_into(&vp, &mut b);
            assert!(close(&a, &b), "hidden, not bits, {nv}×{nh}");
            let (mut a, mut b) = (vec![0.0; rows * nv], vec![0.0; rows * nv]);
            sparse.visible_probs(&m, &hp, &mut a);
            m.visible_probs_into(&hp, &mut b);
            assert!(close(&a, &b), "visible, not bits, {nv}×{nh}");
        }
    }

    #[test]
    fn config_validation_messages() {
        let bad = CdConfig {
            learning_rate: f32::NAN,
            ..CdConfig::default()
        };
        assert_eq!(
            bad.validate().expect_err("NaN").to_string(),
            "learning rate must be > 0, ≤ 10 and finite, got NaN"
        );
        for c in [
            CdConfig {
                k: 0,
                ..CdConfig::default()
            },
            CdConfig {
                learning_rate: 0.0,
                ..CdConfig::default()
            },
            CdConfig {
                momentum: 1.0,
                ..CdConfig::default()
            },
            CdConfig {
                weight_decay: -1.0,
                ..CdConfig::default()
            },
            CdConfig {
                learning_rate: 5.0,
                weight_decay: 0.5,
                ..CdConfig::default()
            },
            CdConfig {
                batch_size: 0,
                ..CdConfig::default()
            },
            CdConfig {
                chains: 5000,
                persistent: true,
                ..CdConfig::default()
            },
        ] {
            assert!(c.validate().is_err(), "{c:?}");
        }
        assert!(CdConfig::default().validate().is_ok());
    }

    #[test]
    fn trainer_is_resumable_in_slices() {
        let d = data();
        let cfg = CdConfig {
            batch_size: 2,
            momentum: 0.5,
            ..CdConfig::default()
        };
        let mut r0 = Rng::new(3);
        let m0 = Rbm::with_random_weights(6, 4, 0.01, &mut r0).expect("ok");
        // 4 epochs × 2 batches, either in one call or in slices of 3.
        let (mut a, mut b) = (m0.clone(), m0.clone());
        let (mut ra, mut rb) = (Rng::new(7), Rng::new(7));
        let mut ta = Trainer::new(&a, &d, cfg.clone(), 4).expect("ok");
        let mut tb = Trainer::new(&b, &d, cfg, 4).expect("ok");
        let s = ta.step(&mut a, 100, &mut ra).expect("ok");
        assert!(s.finished && s.progress == 1.0 && s.batches_done == 8);
        let mut events = 0;
        loop {
            let s = tb
                .step_observed(&mut b, 3, &mut rb, &mut |e| {
                    if matches!(e, TrainEvent::Epoch { .. }) {
                        events += 1
                    }
                })
                .expect("ok");
            assert!((0.0..=1.0).contains(&s.progress));
            if s.finished {
                break;
            }
        }
        assert_eq!(events, 4);
        assert_eq!(a, b);
        assert_ne!(a, m0);
        assert!(ta.stats().last_epoch_error.is_some());
    }

    #[test]
    fn rejects_bad_data_and_foreign_models() {
        let m = Rbm::new(6, 4).expect("ok");
        assert!(Trainer::new(&m, &[], CdConfig::default(), 1).is_err());
        assert!(Trainer::new(&m, &[0.0; 7], CdConfig::default(), 1).is_err());
        assert!(Trainer::new(&m, &[f32::NAN; 6], CdConfig::default(), 1).is_err());
        let e = Trainer::new(&m, &[0., 1., 2., 0., 0., 0.], CdConfig::default(), 1)
            .expect_err("2 is not a 0/1 value");
        assert_eq!(
            e.to_string(),
            "training data[2] = 2; values must be in [0, 1]"
        );
        assert!(Trainer::new(&m, &[0.0; 6], CdConfig::default(), 0).is_err());
        let mut t = Trainer::new(&m, &data(), CdConfig::default(), 1).expect("ok");
        let mut other = Rbm::new(5, 4).expect("ok");
        assert!(t.step(&mut other, 1, &mut Rng::new(1)).is_err());
        let mut ws = CdWorkspace::new(&m, &CdConfig::default()).expect("ok");
        let mut mm = m.clone();
        let big = vec![0.0; 6 * 11];
        assert!(contrastive_divergence(
            &mut mm,
            &big,
            &CdConfig::default(),
            &mut ws,
            &mut Rng::new(1)
        )
        .is_err());
    }

    #[test]
    fn softmax_group_is_validated() {
        let m = Rbm::new(6, 4).expect("ok");
        let mut ws = CdWorkspace::new(&m, &CdConfig::default()).expect("ok");
        assert!(ws.set_softmax_group(4..7).is_err()); // past the layer
        assert!(ws.set_softmax_group(5..6).is_err()); // a group needs two units
        ws.set_softmax_group(4..6).expect("ok");
        assert_eq!(ws.softmax_group(), Some(4..6));
        // Training rows must be one-hot on the group.
        let rows = [1., 0., 1., 0., 0., 1., 0., 1., 1., 0., 1., 1.];
        let mut t = Trainer::new(&m, &rows, CdConfig::default(), 1).expect("ok");
        assert!(t.set_softmax_group(4..6).is_err());
        let rows = [1., 0., 1., 0., 0., 1., 0., 1., 1., 0., 1., 0.];
        let mut t = Trainer::new(&m, &rows, CdConfig::default(), 1).expect("ok");
        t.set_softmax_group(4..6).expect("one-hot rows");
    }

    #[test]
    fn divergence_is_reported_and_leaves_the_model_unchanged() {
        // With validated settings and data in [0, 1] the gradient is bounded, so only a model
        // that is already broken (here an infinite weight set by hand) can trip the guard.
        let mut m = Rbm::new(2, 1).expect("ok");
        m.weights_mut()[0] = f32::INFINITY;
        let before = m.clone();
        let cfg = CdConfig::default();
        let mut ws = CdWorkspace::new(&m, &cfg).expect("ok");
        let res = contrastive_divergence(&mut m, &[1.0, 1.0], &cfg, &mut ws, &mut Rng::new(1));
        assert_eq!(res, Err(RbmError::Diverged));
        assert_eq!(m.weights(), before.weights());
        assert_eq!(m.visible_bias(), before.visible_bias());
    }

    #[test]
    fn bench_workload_is_deterministic_and_rejects_bad_shapes() {
        let d: Vec<f32> = (0..64 * 25)
            .map(|k| ((k * 7) % 3 == 0) as u8 as f32)
            .collect();
        let a = bench_cd1_epoch(&d, 16, 10, 1);
        assert!(a.is_finite());
        assert_eq!(a, bench_cd1_epoch(&d, 16, 10, 1));
        assert!(bench_cd1_epoch(&d[..63], 16, 10, 1).is_nan());
        assert!(bench_cd1_epoch(&d, 0, 10, 1).is_nan());
    }
}
