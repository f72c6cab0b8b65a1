//! The RBM itself: parameters, energy, free energy and the two factorised conditionals.
//!
//! Weight layout: `w` is **hidden-major**, `nh × nv` row-major, so `w[j·nv + i] = wᵢⱼ` joins
//! visible i to hidden j and row j is hidden unit j's receptive field (what the UI draws as a
//! filter). Both directions then stream rows contiguously: the bottom-up field of hidden j is
//! a dot product with row j, and the top-down field of all visibles is `Σⱼ hⱼ·row j`, a sum of
//! contiguous axpy's. All math is f32 with f64 for energies and exact sums.

use std::fmt;

use crate::fastmath::sigmoid_in_place;
use crate::rng::Rng;

/// Largest layer the dense representation accepts.
pub const MAX_UNITS: usize = 4096;
/// Largest weight matrix (nv·nh) accepted: 4 Mi weights, 16 MiB.
pub const MAX_WEIGHTS: usize = 1 << 22;

/// What can be wrong with a requested RBM, buffer or training setting.
#[derive(Clone, Debug, PartialEq)]
pub enum RbmError {
    /// A layer size was zero or too large.
    Size {
        /// Which quantity (a short name for the message).
        what: &'static str,
        /// The size given.
        n: usize,
        /// The largest allowed value.
        max: usize,
    },
    /// A buffer's length does not match the model.
    Shape {
        /// Which quantity (a short name for the message).
        what: &'static str,
        /// What was expected.
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// A parameter, weight or data value is NaN or infinite.
    NotFinite {
        /// Which quantity (a short name for the message).
        what: &'static str,
        /// Index of the offending entry.
        index: usize,
    },
    /// A data value is finite but outside its allowed range.
    OutOfRange {
        /// Which quantity (a short name for the message).
        what: &'static str,
        /// Index of the offending entry.
        index: usize,
        /// The value given.
        value: f32,
        /// The constraint it breaks, in words.
        constraint: &'static str,
    },
    /// A scalar setting is out of its allowed range.
    Parameter {
        /// The setting's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The constraint it breaks, in words.
        constraint: &'static str,
    },
    /// Exact enumeration was requested for a model whose smaller layer is too wide.
    TooLargeForExact {
        /// Visible units.
        nv: usize,
        /// Hidden units.
        nh: usize,
        /// The widest smaller layer that exact enumeration allows.
        max_bits: usize,
    },
    /// A class label is not below the number of classes.
    Label {
        /// The label given.
        label: usize,
        /// Number of classes.
        classes: usize,
    },
    /// A data set had no rows.
    Empty {
        /// Which quantity (a short name for the message).
        what: &'static str,
    },
    /// A training step would have produced non-finite parameters; the model was left unchanged.
    Diverged,
}

impl fmt::Display for RbmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Size { what, n, max } => {
                write!(f, "{what} must be between 1 and {max}, got {n}")
            }
            Self::Shape {
                what,
                expected,
                got,
            } => write!(f, "{what} has {got} entries, expected {expected}"),
            Self::NotFinite { what, index } => {
                write!(f, "{what}[{index}] is not a finite number")
            }
            Self::OutOfRange {
                what,
                index,
                value,
                constraint,
            } => write!(f, "{what}[{index}] = {value}; values must be {constraint}"),
            Self::Parameter {
                name,
                value,
                constraint,
            } => write!(f, "{name} must be {constraint}, got {value}"),
            Self::TooLargeForExact { nv, nh, max_bits } => write!(
                f,
                "exact sums enumerate 2^min(nv, nh) states; with nv = {nv} and nh = {nh} \
                 one layer must have at most {max_bits} units"
            ),
            Self::Label { label, classes } => {
                write!(
                    f,
                    "label {label} is out of range: there are {classes} classes"
                )
            }
            Self::Empty { what } => write!(f, "{what} is empty"),
            Self::Diverged => write!(
                f,
                "training diverged (a weight became infinite or NaN); lower the learning rate"
            ),
        }
    }
}

impl std::error::Error for RbmError {}

/// Checks `len == expected`.
pub(crate) fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), RbmError> {
    if expected == got {
        Ok(())
    } else {
        Err(RbmError::Shape {
            what,
            expected,
            got,
        })
    }
}

/// Checks every entry is finite.
pub(crate) fn check_finite(what: &'static str, xs: &[f32]) -> Result<(), RbmError> {
    match xs.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(RbmError::NotFinite { what, index }),
        None => Ok(()),
    }
}

/// Checks every entry lies in [0, 1] (0/1 states or probabilities).
pub(crate) fn check_unit_interval(what: &'static str, xs: &[f32]) -> Result<(), RbmError> {
    match xs.iter().position(|x| !(0.0..=1.0).contains(x)) {
        Some(index) => Err(RbmError::OutOfRange {
            what,
            index,
            value: xs[index],
            constraint: "in [0, 1]",
        }),
        None => Ok(()),
    }
}

/// Checks `lo ≤ x ≤ hi` (or `lo < x` when `open_lo`) and finiteness of a scalar setting.
pub(crate) fn check_range(
    name: &'static str,
    x: f64,
    lo: f64,
    hi: f64,
    open_lo: bool,
    constraint: &'static str,
) -> Result<(), RbmError> {
    let ok = x.is_finite() && x <= hi && if open_lo { x > lo } else { x >= lo };
    if ok {
        Ok(())
    } else {
        Err(RbmError::Parameter {
            name,
            value: x,
            constraint,
        })
    }
}

/// Checks layer sizes `nv`, `nh`.
pub(crate) fn check_sizes(nv: usize, nh: usize) -> Result<(), RbmError> {
    for (what, n) in [("visible layer size", nv), ("hidden layer size", nh)] {
        if n == 0 || n > MAX_UNITS {
            return Err(RbmError::Size {
                what,
                n,
                max: MAX_UNITS,
            });
        }
    }
    if nv * nh > MAX_WEIGHTS {
        return Err(RbmError::Size {
            what: "number of weights nv·nh",
            n: nv * nh,
            max: MAX_WEIGHTS,
        });
    }
    Ok(())
}

/// The logistic function σ(x) = 1/(1 + e^(−x)), stable for any x (no overflow, σ(±∞) = 1, 0).
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// softplus(x) = log(1 + eˣ), computed as max(x, 0) + log1p(e^(−|x|)) so it never overflows.
#[inline]
pub fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// Dot product with eight independent partial sums (lets the compiler use SIMD lanes; a single
/// running sum cannot be vectorised because float addition is not associative).
#[inline]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// `y += a·x` over the common length.
#[inline]
pub(crate) fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// `y += x` over the common length.
#[inline]
pub(crate) fn add_into(x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += xi;
    }
}

/// `out = bias + Σ_{k ∈ rows} w[k·n .. (k+1)·n]`: the sum of the chosen rows of the row-major
/// matrix `w` (`· × n`), e.g. a layer's local fields given the units that are on (see
/// [`add_rows`]). `out` and `bias` have `n` entries; every index must be a row of `w`.
pub(crate) fn sum_rows(out: &mut [f32], bias: &[f32], w: &[f32], n: usize, rows: &[u32]) {
    out[..n].copy_from_slice(&bias[..n]);
    add_rows(out, w, n, rows);
}

/// `out += Σ_{k ∈ rows} w[k·n .. (k+1)·n]`, the rows added to each entry in the order given.
/// Columns are taken 32 at a time (then 8, 4, 1) with the partial sums held in registers across
/// all chosen rows, so each row is only loaded and `out` is read and written once. `out` has
/// `n` entries; every index must be a row of `w`.
pub(crate) fn add_rows(out: &mut [f32], w: &[f32], n: usize, rows: &[u32]) {
    let out = &mut out[..n];
    let mut c = 0;
    while c + 32 <= n {
        add_rows_block::<32>(out, w, n, c, rows);
        c += 32;
    }
    while c + 8 <= n {
        add_rows_block::<8>(out, w, n, c, rows);
        c += 8;
    }
    while c + 4 <= n {
        add_rows_block::<4>(out, w, n, c, rows);
        c += 4;
    }
    while c < n {
        add_rows_block::<1>(out, w, n, c, rows);
        c += 1;
    }
}

/// Columns `c .. c + B` of [`add_rows`].
#[inline(always)]
fn add_rows_block<const B: usize>(out: &mut [f32], w: &[f32], n: usize, c: usize, rows: &[u32]) {
    let mut acc = [0.0f32; B];
    acc.copy_from_slice(&out[c..c + B]);
    for &k in rows {
        let k = k as usize;
        let wr = &w[k * n + c..k * n + c + B];
        for l in 0..B {
            acc[l] += wr[l];
        }
    }
    out[c..c + B].copy_from_slice(&acc);
}

/// The indices of the entries equal to 1 of `row` into `on` (branch-free), returning how many;
/// `None` unless every entry is 0 or 1. `on` has at least `row.len()` entries.
#[inline]
pub(crate) fn ones(on: &mut [u32], row: &[f32]) -> Option<usize> {
    // the check first, as a fold of its own: it vectorises, where inside the index loop (whose
    // stores depend on the count) it was one scalar pair of compares per entry
    if !row.iter().fold(true, |b, &x| b & ((x == 0.0) | (x == 1.0))) {
        return None;
    }
    let on = &mut on[..row.len()];
    let mut n = 0;
    for (i, &x) in row.iter().enumerate() {
        on[n] = i as u32;
        n += usize::from(x == 1.0);
    }
    Some(n)
}

/// `g[j·n + i] += s · Σ_r a[r·m + j] · b[r·n + i]` for `j < m`, `i < n`: a sum of outer products
/// of the rows of `a` (`rows × m`) and `b` (`rows × n`), e.g. `⟨vᵢ hⱼ⟩` into a hidden-major
/// gradient. Blocked over two `j` and sixteen `i` so the partial sums stay in SIMD registers for
/// all rows and `g` is read and written once. `g` is `m × n`; `a.len()/m == b.len()/n`.
pub(crate) fn add_outer_products(g: &mut [f32], a: &[f32], m: usize, b: &[f32], n: usize, s: f32) {
    const W: usize = 16;
    let rows = a.len() / m;
    let (a, b) = (&a[..rows * m], &b[..rows * n]);
    let mut g_rows = g[..m * n].chunks_exact_mut(n);
    let mut j = 0;
    while j < m {
        let pair = j + 1 < m;
        let g0 = match g_rows.next() {
            Some(r) => r,
            None => return,
        };
        let mut spare = [0.0f32; 0];
        let g1: &mut [f32] = if pair {
            match g_rows.next() {
                Some(r) => r,
                None => return,
            }
        } else {
            &mut spare
        };
        let mut i = 0;
        while i + W <= n {
            let (mut acc0, mut acc1) = ([0.0f32; W], [0.0f32; W]);
            for (ar, br) in a.chunks_exact(m).zip(b.chunks_exact(n)) {
                let bs = &br[i..i + W];
                let h0 = ar[j];
                let h1 = if pair { ar[j + 1] } else { 0.0 };
                for l in 0..W {
                    acc0[l] += h0 * bs[l];
                    acc1[l] += h1 * bs[l];
                }
            }
            for (gl, al) in g0[i..i + W].iter_mut().zip(acc0) {
                *gl += s * al;
            }
            if pair {
                for (gl, al) in g1[i..i + W].iter_mut().zip(acc1) {
                    *gl += s * al;
                }
            }
            i += W;
        }
        // the last n mod 16 columns
        for (ar, br) in a.chunks_exact(m).zip(b.chunks_exact(n)) {
            let bs = &br[i..];
            axpy(s * ar[j], bs, &mut g0[i..]);
            if pair {
                axpy(s * ar[j + 1], bs, &mut g1[i..]);
            }
        }
        j += if pair { 2 } else { 1 };
    }
}

/// A restricted Boltzmann machine with 0/1 visible units v and 0/1 hidden units h
/// (Smolensky 1986, "harmonium"; Hinton 2002). Energy
/// `E(v, h) = −vᵀWh − bᵥᵀv − bₕᵀh`, probability `P(v, h) = exp(−E(v, h)) / Z`.
///
/// Train on two 4-pixel patterns with CD-1 and watch the exact log-likelihood rise:
///
/// ```
/// use energy_core::rbm::exact::log_likelihood;
/// use energy_core::rbm::{CdConfig, Rbm, Trainer};
/// use energy_core::rng::Rng;
/// let data: Vec<f32> = [[1., 1., 0., 0.], [0., 0., 1., 1.]].repeat(10).concat();
/// let mut rng = Rng::new(3);
/// let mut rbm = Rbm::with_random_weights(4, 3, 0.01, &mut rng)?;
/// let before = log_likelihood(&rbm, &data)?; // exact: Z summed over 2³ hidden states
/// let mut trainer = Trainer::new(&rbm, &data, CdConfig::default(), 200)?;
/// trainer.step(&mut rbm, usize::MAX, &mut rng)?; // all 200 epochs
/// let after = log_likelihood(&rbm, &data)?;
/// assert!(after > before + 1.0, "{before} → {after}");
/// assert!(rbm.free_energy(&[1., 1., 0., 0.])? < rbm.free_energy(&[1., 0., 1., 0.])?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Rbm {
    nv: usize,
    nh: usize,
    /// Hidden-major `nh × nv`: `w[j·nv + i] = wᵢⱼ`.
    w: Vec<f32>,
    bv: Vec<f32>,
    bh: Vec<f32>,
}

impl Rbm {
    /// An RBM with `nv` visible and `nh` hidden units, all weights and biases zero.
    /// Each size must be in 1..=[`MAX_UNITS`] and nv·nh ≤ [`MAX_WEIGHTS`].
    pub fn new(nv: usize, nh: usize) -> Result<Self, RbmError> {
        check_sizes(nv, nh)?;
        Ok(Self {
            nv,
            nh,
            w: vec![0.0; nv * nh],
            bv: vec![0.0; nv],
            bh: vec![0.0; nh],
        })
    }

    /// An RBM with weights drawn from N(0, `sigma`²) and zero biases. Hinton's "practical
    /// guide" (2010, §8) recommends `sigma = 0.01`. `sigma` must be finite and in [0, 10].
    pub fn with_random_weights(
        nv: usize,
        nh: usize,
        sigma: f32,
        rng: &mut Rng,
    ) -> Result<Self, RbmError> {
        check_range(
            "weight scale sigma",
            f64::from(sigma),
            0.0,
            10.0,
            false,
            "in [0, 10]",
        )?;
        let mut m = Self::new(nv, nh)?;
        for x in &mut m.w {
            *x = sigma * rng.normal() as f32;
        }
        Ok(m)
    }

    /// An RBM from explicit parameters: `w` hidden-major `nh × nv` (`w[j·nv + i] = wᵢⱼ`),
    /// `bv` of length nv, `bh` of length nh; all finite.
    pub fn from_parts(
        nv: usize,
        nh: usize,
        w: Vec<f32>,
        bv: Vec<f32>,
        bh: Vec<f32>,
    ) -> Result<Self, RbmError> {
        check_sizes(nv, nh)?;
        check_len("weights", nv * nh, w.len())?;
        check_len("visible bias", nv, bv.len())?;
        check_len("hidden bias", nh, bh.len())?;
        check_finite("weights", &w)?;
        check_finite("visible bias", &bv)?;
        check_finite("hidden bias", &bh)?;
        Ok(Self { nv, nh, w, bv, bh })
    }

    /// Number of visible units.
    pub fn nv(&self) -> usize {
        self.nv
    }

    /// Number of hidden units.
    pub fn nh(&self) -> usize {
        self.nh
    }

    /// All weights, hidden-major `nh × nv` (`w[j·nv + i] = wᵢⱼ`).
    pub fn weights(&self) -> &[f32] {
        &self.w
    }

    /// Mutable weights (same layout). Callers must keep them finite.
    pub fn weights_mut(&mut self) -> &mut [f32] {
        &mut self.w
    }

    /// The visible bias bᵥ.
    pub fn visible_bias(&self) -> &[f32] {
        &self.bv
    }

    /// Mutable visible bias.
    pub fn visible_bias_mut(&mut self) -> &mut [f32] {
        &mut self.bv
    }

    /// The hidden bias bₕ.
    pub fn hidden_bias(&self) -> &[f32] {
        &self.bh
    }

    /// Mutable hidden bias.
    pub fn hidden_bias_mut(&mut self) -> &mut [f32] {
        &mut self.bh
    }

    /// wᵢⱼ between visible `i` and hidden `j`, or `None` when out of range.
    pub fn weight(&self, i: usize, j: usize) -> Option<f32> {
        if i < self.nv && j < self.nh {
            Some(self.w[j * self.nv + i])
        } else {
            None
        }
    }

    /// Hidden unit `j`'s weights to all visibles (its "filter"), or `None` when out of range.
    pub fn receptive_field(&self, j: usize) -> Option<&[f32]> {
        self.w.get(j * self.nv..(j + 1) * self.nv)
    }

    /// True when every weight and bias is finite.
    pub fn is_finite(&self) -> bool {
        self.w
            .iter()
            .chain(&self.bv)
            .chain(&self.bh)
            .all(|x| x.is_finite())
    }

    /// Sets the visible biases to log(pᵢ/(1−pᵢ)) where pᵢ is the fraction of rows with vᵢ on
    /// (Hinton 2010, §8), clamped to pᵢ ∈ [0.01, 0.99]. `data` is `rows × nv` of values in [0, 1].
    pub fn init_visible_bias_from_data(&mut self, data: &[f32]) -> Result<(), RbmError> {
        if data.is_empty() || data.len() % self.nv != 0 {
            return Err(RbmError::Shape {
                what: "data (rows × nv)",
                expected: self.nv * (data.len() / self.nv).max(1),
                got: data.len(),
            });
        }
        check_finite("data", data)?;
        let rows = data.len() / self.nv;
        let mut p = vec![0.0f64; self.nv];
        for row in data.chunks_exact(self.nv) {
            for (pi, &x) in p.iter_mut().zip(row) {
                *pi += f64::from(x);
            }
        }
        for (b, pi) in self.bv.iter_mut().zip(&p) {
            let q = (pi / rows as f64).clamp(0.01, 0.99);
            *b = (q / (1.0 - q)).ln() as f32;
        }
        Ok(())
    }

    /// The energy `E(v, h) = −vᵀWh − bᵥᵀv − bₕᵀh` (lecture: the Boltzmann energy restricted
    /// to visible–hidden edges; every edge appears once, so there is no ½ as in `½ yᵀWy`).
    pub fn energy(&self, v: &[f32], h: &[f32]) -> Result<f64, RbmError> {
        check_len("visible vector", self.nv, v.len())?;
        check_len("hidden vector", self.nh, h.len())?;
        let mut e = 0.0f64;
        for (j, &hj) in h.iter().enumerate() {
            // −Σᵢ vᵢ wᵢⱼ hⱼ − bₕⱼ hⱼ
            e -= f64::from(hj) * (f64::from(dot(self.row(j), v)) + f64::from(self.bh[j]));
        }
        // −bᵥᵀv
        e -= self
            .bv
            .iter()
            .zip(v)
            .map(|(b, x)| f64::from(*b) * f64::from(*x))
            .sum::<f64>();
        Ok(e)
    }

    /// The free energy `F(v) = −log Σ_h exp(−E(v, h)) = −bᵥᵀv − Σⱼ softplus(bₕⱼ + (Wᵀv)ⱼ)`,
    /// so `P(v) = exp(−F(v)) / Z` (Hinton 2010, §16.1).
    pub fn free_energy(&self, v: &[f32]) -> Result<f64, RbmError> {
        check_len("visible vector", self.nv, v.len())?;
        Ok(self.free_energy_unchecked(v))
    }

    pub(crate) fn free_energy_unchecked(&self, v: &[f32]) -> f64 {
        let mut f = 0.0f64;
        for j in 0..self.nh {
            // −softplus(bₕⱼ + Σᵢ wᵢⱼ vᵢ): the hidden unit summed out exactly
            f -= softplus(f64::from(self.bh[j]) + f64::from(dot(self.row(j), v)));
        }
        // −bᵥᵀv
        f - self
            .bv
            .iter()
            .zip(v)
            .map(|(b, x)| f64::from(*b) * f64::from(*x))
            .sum::<f64>()
    }

    /// Stochastic pseudo-log-likelihood (Besag 1975) of 0/1 data, the estimator of
    /// scikit-learn's `BernoulliRBM.score_samples`: in each row one unit i, drawn uniformly with
    /// `rng`, is flipped to give ṽ, and since
    /// `P(vᵢ | v₋ᵢ) = e^{−F(v)} / (e^{−F(v)} + e^{−F(ṽ)}) = σ(F(ṽ) − F(v))`,
    /// `nv · log σ(F(ṽ) − F(v))` is an unbiased estimate of `Σᵢ log P(vᵢ | v₋ᵢ)`.
    /// Cheap (two free energies per row) where the likelihood itself needs Z. Returns the mean
    /// over rows, in nats per row (≤ 0). `data` is `rows × nv` of values 0 or 1.
    pub fn pseudo_log_likelihood(&self, data: &[f32], rng: &mut Rng) -> Result<f64, RbmError> {
        let rows = self.batch_rows("data (rows × nv)", data.len(), self.nv)?;
        if let Some(index) = data.iter().position(|&x| x != 0.0 && x != 1.0) {
            return Err(RbmError::OutOfRange {
                what: "data",
                index,
                value: data[index],
                constraint: "0 or 1",
            });
        }
        let mut flipped = vec![0.0f32; self.nv];
        let mut sum = 0.0f64;
        for v in data.chunks_exact(self.nv) {
            let i = rng.below(self.nv);
            flipped.copy_from_slice(v);
            flipped[i] = 1.0 - flipped[i];
            let d = self.free_energy_unchecked(&flipped) - self.free_energy_unchecked(v);
            // log σ(d) = −softplus(−d)
            sum -= self.nv as f64 * softplus(-d);
        }
        Ok(sum / rows as f64)
    }

    /// Hidden unit j's weights as a slice (internal, j < nh).
    #[inline]
    pub(crate) fn row(&self, j: usize) -> &[f32] {
        &self.w[j * self.nv..(j + 1) * self.nv]
    }

    /// Bottom-up local fields `zⱼ = bₕⱼ + Σᵢ wᵢⱼ vᵢ` for a batch: `v` is `rows × nv`,
    /// `out` is `rows × nh`. Lengths must agree (checked by the public wrappers).
    pub(crate) fn hidden_field_into(&self, v: &[f32], out: &mut [f32]) {
        for (vr, zr) in v.chunks_exact(self.nv).zip(out.chunks_exact_mut(self.nh)) {
            for (j, z) in zr.iter_mut().enumerate() {
                // zⱼ = bₕⱼ + Σᵢ wᵢⱼ vᵢ
                *z = self.bh[j] + dot(self.row(j), vr);
            }
        }
    }

    /// Top-down local fields `zᵢ = bᵥᵢ + Σⱼ wᵢⱼ hⱼ` for a batch: `h` is `rows × nh`,
    /// `out` is `rows × nv`.
    pub(crate) fn visible_field_into(&self, h: &[f32], out: &mut [f32]) {
        for (hr, zr) in h.chunks_exact(self.nh).zip(out.chunks_exact_mut(self.nv)) {
            zr.copy_from_slice(&self.bv);
            for (j, &hj) in hr.iter().enumerate() {
                if hj == 1.0 {
                    // binary hⱼ = 1: zᵢ += wᵢⱼ without a multiply
                    add_into(self.row(j), zr);
                } else if hj != 0.0 {
                    // zᵢ += wᵢⱼ hⱼ (row j is contiguous; binary hⱼ skips zero rows)
                    axpy(hj, self.row(j), zr);
                }
            }
        }
    }

    /// `P(hⱼ = 1 | v) = σ(bₕⱼ + Σᵢ wᵢⱼ vᵢ)` for a batch (internal, lengths pre-checked).
    /// σ is the vectorised [`sigmoid_in_place`] (within a few ulp of [`sigmoid`]).
    pub(crate) fn hidden_probs_into(&self, v: &[f32], out: &mut [f32]) {
        self.hidden_field_into(v, out);
        sigmoid_in_place(out);
    }

    /// `P(vᵢ = 1 | h) = σ(bᵥᵢ + Σⱼ wᵢⱼ hⱼ)` for a batch (internal, lengths pre-checked).
    pub(crate) fn visible_probs_into(&self, h: &[f32], out: &mut [f32]) {
        self.visible_field_into(h, out);
        sigmoid_in_place(out);
    }

    fn batch_rows(&self, what: &'static str, len: usize, width: usize) -> Result<usize, RbmError> {
        if len == 0 || len % width != 0 {
            return Err(RbmError::Shape {
                what,
                expected: width * (len / width).max(1),
                got: len,
            });
        }
        Ok(len / width)
    }

    /// `P(hⱼ = 1 | v) = σ(bₕⱼ + Σᵢ wᵢⱼ vᵢ)` (lecture, "Computation Rules" slide, with the
    /// bias the slide omits) for a batch: `v` is `rows × nv` (values may be probabilities),
    /// `out` is `rows × nh`.
    pub fn hidden_probs(&self, v: &[f32], out: &mut [f32]) -> Result<(), RbmError> {
        let rows = self.batch_rows("visible batch", v.len(), self.nv)?;
        check_len("hidden output", rows * self.nh, out.len())?;
        self.hidden_probs_into(v, out);
        Ok(())
    }

    /// `P(vᵢ = 1 | h) = σ(bᵥᵢ + Σⱼ wᵢⱼ hⱼ)` for a batch: `h` is `rows × nh`, `out` `rows × nv`.
    pub fn visible_probs(&self, h: &[f32], out: &mut [f32]) -> Result<(), RbmError> {
        let rows = self.batch_rows("hidden batch", h.len(), self.nh)?;
        check_len("visible output", rows * self.nv, out.len())?;
        self.visible_probs_into(h, out);
        Ok(())
    }

    /// The bottom-up local fields `bₕ + Wᵀv` (the argument of σ) for a batch.
    pub fn hidden_field(&self, v: &[f32], out: &mut [f32]) -> Result<(), RbmError> {
        let rows = self.batch_rows("visible batch", v.len(), self.nv)?;
        check_len("hidden output", rows * self.nh, out.len())?;
        self.hidden_field_into(v, out);
        Ok(())
    }

    /// The top-down local fields `bᵥ + Wh` for a batch.
    pub fn visible_field(&self, h: &[f32], out: &mut [f32]) -> Result<(), RbmError> {
        let rows = self.batch_rows("hidden batch", h.len(), self.nh)?;
        check_len("visible output", rows * self.nv, out.len())?;
        self.visible_field_into(h, out);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(x: usize, n: usize) -> Vec<f32> {
        (0..n).map(|k| ((x >> k) & 1) as f32).collect()
    }

    #[test]
    fn ones_lists_the_units_that_are_on_and_refuses_rows_that_are_not_bits() {
        let mut on = [u32::MAX; 8];
        assert_eq!(ones(&mut on, &[1.0, 0.0, -0.0, 1.0, 1.0, 0.0]), Some(3));
        assert_eq!(on[..3], [0, 3, 4]);
        assert_eq!(ones(&mut on, &[0.0; 8]), Some(0));
        for odd in [
            0.5,
            2.0,
            -1.0,
            f32::NAN,
            f32::INFINITY,
            1.0 + f32::EPSILON,
            1e-45,
        ] {
            // anywhere in the row, first, middle or last
            for at in [0, 3, 7] {
                let mut row = [1.0f32; 8];
                row[at] = odd;
                assert_eq!(ones(&mut on, &row), None, "{odd} at {at}");
            }
        }
    }

    fn tiny(seed: u64) -> Rbm {
        let mut rng = Rng::new(seed);
        let mut m = Rbm::with_random_weights(5, 3, 1.0, &mut rng).expect("valid");
        for b in m.visible_bias_mut() {
            *b = rng.normal() as f32;
        }
        for b in m.hidden_bias_mut() {
            *b = rng.normal() as f32;
        }
        m
    }

    #[test]
    fn pseudo_log_likelihood_is_unbiased_for_the_exact_conditionals() {
        // Σᵢ log P(vᵢ | v₋ᵢ) from exact marginals P(v) ∝ e^{−F(v)} (Z cancels), averaged over
        // the rows, against the mean of many one-flip estimates.
        let m = tiny(4);
        let data = [
            bits(0b10110, 5),
            bits(0b00001, 5),
            bits(0b11111, 5),
            bits(0b01010, 5),
        ]
        .concat();
        let mut exact = 0.0f64;
        for v in data.chunks_exact(5) {
            let pv = (-m.free_energy(v).expect("shape")).exp();
            for i in 0..5 {
                let mut w = v.to_vec();
                w[i] = 1.0 - w[i];
                let pw = (-m.free_energy(&w).expect("shape")).exp();
                exact += (pv / (pv + pw)).ln();
            }
        }
        exact /= 4.0;
        let mut rng = Rng::new(8);
        let n = 20_000;
        let mean = (0..n)
            .map(|_| m.pseudo_log_likelihood(&data, &mut rng).expect("0/1 data"))
            .sum::<f64>()
            / n as f64;
        assert!(exact < 0.0);
        assert!((mean - exact).abs() < 0.03, "mean {mean} vs exact {exact}");
        assert!(m.pseudo_log_likelihood(&[0.5; 5], &mut rng).is_err());
        assert!(m.pseudo_log_likelihood(&[1.0; 4], &mut rng).is_err());
    }

    #[test]
    fn free_energy_equals_brute_force_sum_over_h() {
        let m = tiny(1);
        for x in 0..32 {
            let v = bits(x, 5);
            let mut s = 0.0f64;
            for y in 0..8 {
                s += (-m.energy(&v, &bits(y, 3)).expect("shape")).exp();
            }
            let f = m.free_energy(&v).expect("shape");
            assert!(
                (f + s.ln()).abs() < 1e-5,
                "v={x}: F={f}, −log Σ={}",
                -s.ln()
            );
        }
    }

    #[test]
    fn conditionals_equal_brute_force_ratios() {
        let m = tiny(2);
        let mut ph = [0.0f32; 3];
        let mut pv = [0.0f32; 5];
        for x in 0..32 {
            let v = bits(x, 5);
            m.hidden_probs(&v, &mut ph).expect("shape");
            // P(hⱼ=1|v) = Σ_{h: hⱼ=1} e^{−E(v,h)} / Σ_h e^{−E(v,h)}
            for (j, &p) in ph.iter().enumerate() {
                let (mut num, mut den) = (0.0f64, 0.0f64);
                for y in 0..8 {
                    let e = (-m.energy(&v, &bits(y, 3)).expect("shape")).exp();
                    den += e;
                    if (y >> j) & 1 == 1 {
                        num += e;
                    }
                }
                assert!((f64::from(p) - num / den).abs() < 1e-5);
            }
        }
        for y in 0..8 {
            let h = bits(y, 3);
            m.visible_probs(&h, &mut pv).expect("shape");
            for (i, &p) in pv.iter().enumerate() {
                let (mut num, mut den) = (0.0f64, 0.0f64);
                for x in 0..32 {
                    let e = (-m.energy(&bits(x, 5), &h).expect("shape")).exp();
                    den += e;
                    if (x >> i) & 1 == 1 {
                        num += e;
                    }
                }
                assert!((f64::from(p) - num / den).abs() < 1e-5);
            }
        }
    }

    #[test]
    fn free_energy_gradient_matches_finite_differences() {
        // ∂(−F)/∂wᵢⱼ = vᵢ P(hⱼ=1|v), ∂(−F)/∂bᵥᵢ = vᵢ, ∂(−F)/∂bₕⱼ = P(hⱼ=1|v): the positive-phase
        // statistics of contrastive divergence.
        let m = tiny(3);
        let v = bits(0b10110, 5);
        let mut ph = [0.0f32; 3];
        m.hidden_probs(&v, &mut ph).expect("shape");
        let eps = 1e-2f32;
        for (j, &phj) in ph.iter().enumerate() {
            for (i, &vi) in v.iter().enumerate() {
                let mut a = m.clone();
                a.weights_mut()[j * 5 + i] += eps;
                let mut b = m.clone();
                b.weights_mut()[j * 5 + i] -= eps;
                let fd = -(a.free_energy(&v).expect("s") - b.free_energy(&v).expect("s"))
                    / (2.0 * f64::from(eps));
                let an = f64::from(vi * phj);
                assert!((fd - an).abs() < 1e-3, "w[{i}{j}]: fd {fd} vs {an}");
            }
            let mut a = m.clone();
            a.hidden_bias_mut()[j] += eps;
            let mut b = m.clone();
            b.hidden_bias_mut()[j] -= eps;
            let fd = -(a.free_energy(&v).expect("s") - b.free_energy(&v).expect("s"))
                / (2.0 * f64::from(eps));
            assert!((fd - f64::from(phj)).abs() < 1e-3);
        }
    }

    #[test]
    fn stable_helpers_and_validation() {
        assert_eq!(sigmoid(1e30), 1.0);
        assert_eq!(sigmoid(-1e30), 0.0);
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-7);
        assert_eq!(softplus(1e300), 1e300);
        assert!(softplus(-1e300) >= 0.0);
        assert!((softplus(0.0) - 2f64.ln()).abs() < 1e-15);
        let xs: Vec<f32> = (0..19).map(|k| k as f32 * 0.5).collect();
        let ys: Vec<f32> = (0..19).map(|k| 1.0 - k as f32).collect();
        let naive: f32 = xs.iter().zip(&ys).map(|(a, b)| a * b).sum();
        assert!((dot(&xs, &ys) - naive).abs() < 1e-3);
        assert!(Rbm::new(0, 3).is_err());
        assert!(Rbm::new(3, MAX_UNITS + 1).is_err());
        assert!(Rbm::new(4096, 4096).is_err());
        let mut rng = Rng::new(0);
        let e = Rbm::with_random_weights(2, 2, f32::NAN, &mut rng).expect_err("NaN sigma");
        assert_eq!(
            e.to_string(),
            "weight scale sigma must be in [0, 10], got NaN"
        );
        assert!(Rbm::from_parts(1, 1, vec![f32::INFINITY], vec![0.0], vec![0.0]).is_err());
        assert!(Rbm::from_parts(1, 1, vec![0.0, 1.0], vec![0.0], vec![0.0]).is_err());
        let m = tiny(4);
        assert!(m.free_energy(&[0.0; 4]).is_err());
        assert!(m.hidden_probs(&[0.0; 10], &mut [0.0; 3]).is_err());
        assert!(m.hidden_probs(&[0.0; 10], &mut [0.0; 6]).is_ok());
        assert_eq!(m.weight(5, 0), None);
        assert_eq!(m.receptive_field(3), None);
    }

    #[test]
    fn visible_bias_from_data_matches_log_odds() {
        let mut m = Rbm::new(2, 1).expect("ok");
        m.init_visible_bias_from_data(&[1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0])
            .expect("ok");
        // p = (3/4, 3/4)
        assert!((m.visible_bias()[0] - 3f32.ln()).abs() < 1e-6);
        assert!(m.init_visible_bias_from_data(&[1.0, 0.0, 1.0]).is_err());
    }
}
