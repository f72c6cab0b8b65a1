//! The neural energy `E_θ : ℝ² → ℝ`, a multilayer perceptron `2 → H → H → 1` with SiLU
//! activations:
//!
//! ```text
//! z₁ = W₁ x + b₁,   a₁ = silu(z₁)          (H units)
//! z₂ = W₂ a₁ + b₂,  a₂ = silu(z₂)          (H units)
//! E  = w₃ · a₂ + b₃                         (scalar energy)
//! ```
//!
//! `silu(z) = z·σ(z)` (the "swish" of Ramachandran, Zoph & Le 2017; Elfwing, Uchibe & Doya
//! 2018), with `σ` the logistic sigmoid. It is smooth, so `∇ₓE` — which drives Langevin
//! dynamics — is continuous, unlike with ReLU.
//!
//! Numbers are `f32`: single precision halves memory traffic and doubles the SIMD width (4 lanes
//! in WebAssembly `simd128`, 8 with AVX) for the matrix–vector products that dominate training,
//! and the stochastic training noise is far above f32 rounding. Sums over a batch (mean energy,
//! norms) are accumulated in `f64`. The non-finite guard in [`crate::ebm::train`] keeps a
//! NaN from ever entering the parameters.
//!
//! All parameters live in one flat `Vec<f32>` in this order (row-major):
//! `W₁ [H×2]`, `b₁ [H]`, `W₂ᵀ [H×H]` (row `i` = weights out of hidden unit `i` of layer 1, so the
//! forward pass is a vectorisable sum of rows), `b₂ [H]`, `w₃ [H]`, `b₃ [1]` —
//! `H² + 5H + 1` numbers (4 417 for `H = 64`).

use super::{check_range, EbmError};
use crate::rng::Rng;

/// Default hidden width H.
pub const DEFAULT_HIDDEN: usize = 64;
/// Largest hidden width H.
pub const MAX_HIDDEN: usize = 256;

/// The energy network `E_θ(x)`, parameters in one flat vector.
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    hidden: usize,
    params: Vec<f32>,
}

/// Scratch activations for one sample, reused across calls so no call allocates.
/// Make one with [`Mlp::workspace`]; it fits every network of the same hidden width.
#[derive(Clone, Debug)]
pub struct Workspace {
    hidden: usize,
    /// σ(z₁), a₁, σ(z₂), a₂ and z₁, z₂.
    s1: Vec<f32>,
    a1: Vec<f32>,
    s2: Vec<f32>,
    a2: Vec<f32>,
    z1: Vec<f32>,
    z2: Vec<f32>,
    /// Backward signals ∂E/∂z₂ and ∂E/∂z₁.
    dz2: Vec<f32>,
    dz1: Vec<f32>,
}

impl Workspace {
    /// Scratch space for networks of hidden width `hidden`.
    pub fn new(hidden: usize) -> Self {
        let v = || vec![0.0; hidden];
        Self {
            hidden,
            s1: v(),
            a1: v(),
            s2: v(),
            a2: v(),
            z1: v(),
            z2: v(),
            dz2: v(),
            dz1: v(),
        }
    }
}

/// Offsets of each parameter block in the flat vector.
#[derive(Clone, Copy, Debug)]
struct Layout {
    h: usize,
    w1: usize,
    b1: usize,
    w2t: usize,
    b2: usize,
    w3: usize,
    b3: usize,
    len: usize,
}

impl Layout {
    fn new(h: usize) -> Self {
        let w1 = 0;
        let b1 = w1 + 2 * h;
        let w2t = b1 + h;
        let b2 = w2t + h * h;
        let w3 = b2 + h;
        let b3 = w3 + h;
        Self {
            h,
            w1,
            b1,
            w2t,
            b2,
            w3,
            b3,
            len: b3 + 1,
        }
    }
}

/// Logistic sigmoid `σ(z) = 1/(1 + e^{−z})`: [`crate::fastmath::sigmoid_f32`], branch-free
/// and the same bits in wasm and natively (below z ≈ −88 it gives a number under 10⁻³⁸, not 0).
#[inline(always)]
fn sigmoid(z: f32) -> f32 {
    crate::fastmath::sigmoid_f32(z)
}

/// `silu'(z) = σ(z)(1 + z(1 − σ(z)))`, from `σ = silu/z` stored in the forward pass.
#[inline(always)]
fn silu_prime(z: f32, s: f32) -> f32 {
    s * (1.0 + z * (1.0 - s))
}

/// `Σ aᵢbᵢ` with eight partial sums, so the compiler can vectorise the reduction.
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// `y ← y + α x` (vectorises).
#[inline]
fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
}

/// `out += Σᵢ cᵢ · (row i of `rows`)` for the `c.len()` rows of width `out.len()`, each entry
/// summed in row order as [`axpy`] row after row would (the same bits). Columns are taken 32 at
/// a time (then 8, 4, 1) with their partial sums held in registers across all rows, so `out` is
/// read and written once instead of once per row.
#[inline]
fn add_scaled_rows(out: &mut [f32], rows: &[f32], c: &[f32]) {
    let n = out.len();
    let rows = &rows[..n * c.len()];
    let mut col = 0;
    while col + 32 <= n {
        add_scaled_rows_block::<32>(out, rows, c, col);
        col += 32;
    }
    while col + 8 <= n {
        add_scaled_rows_block::<8>(out, rows, c, col);
        col += 8;
    }
    while col + 4 <= n {
        add_scaled_rows_block::<4>(out, rows, c, col);
        col += 4;
    }
    while col < n {
        add_scaled_rows_block::<1>(out, rows, c, col);
        col += 1;
    }
}

/// Columns `col .. col + B` of [`add_scaled_rows`].
#[inline(always)]
fn add_scaled_rows_block<const B: usize>(out: &mut [f32], rows: &[f32], c: &[f32], col: usize) {
    let n = out.len();
    let mut acc = [0.0f32; B];
    acc.copy_from_slice(&out[col..col + B]);
    for (row, &ci) in rows.chunks_exact(n).zip(c) {
        let r = &row[col..col + B];
        for l in 0..B {
            acc[l] += ci * r[l];
        }
    }
    out[col..col + B].copy_from_slice(&acc);
}

impl Mlp {
    /// A network of hidden width `hidden` (1..=256) with Xavier/Glorot-uniform weights
    /// (Glorot & Bengio 2010: `U(±√(6/(fan_in + fan_out)))`) and zero biases, drawn from `rng`.
    pub fn new(hidden: usize, rng: &mut Rng) -> Result<Self, EbmError> {
        check_hidden(hidden)?;
        let lay = Layout::new(hidden);
        let mut params = vec![0.0f32; lay.len];
        let mut fill = |range: std::ops::Range<usize>, fan_in: usize, fan_out: usize| {
            // Xavier uniform: limit = √(6 / (fan_in + fan_out))
            let limit = (6.0 / (fan_in + fan_out) as f64).sqrt();
            for p in &mut params[range] {
                *p = rng.range(-limit, limit) as f32;
            }
        };
        fill(lay.w1..lay.b1, 2, hidden);
        fill(lay.w2t..lay.b2, hidden, hidden);
        fill(lay.w3..lay.b3, hidden, 1);
        Ok(Self { hidden, params })
    }

    /// A network from explicit parameters (layout in the module docs; all finite).
    pub fn from_params(hidden: usize, params: Vec<f32>) -> Result<Self, EbmError> {
        check_hidden(hidden)?;
        let len = Layout::new(hidden).len;
        if params.len() != len {
            return Err(EbmError::Shape {
                what: "parameter vector",
                expected: len,
                got: params.len(),
            });
        }
        if params.iter().any(|p| !p.is_finite()) {
            return Err(EbmError::Parameter {
                name: "every parameter",
                value: f64::NAN,
                allowed: "finite",
            });
        }
        Ok(Self { hidden, params })
    }

    /// Number of parameters for hidden width `hidden`: `H² + 5H + 1`.
    pub fn num_params_for(hidden: usize) -> usize {
        Layout::new(hidden).len
    }

    /// Hidden width H.
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    /// The flat parameter vector θ.
    pub fn params(&self) -> &[f32] {
        &self.params
    }

    /// Mutable θ (for optimisers; callers keep every entry finite).
    pub fn params_mut(&mut self) -> &mut [f32] {
        &mut self.params
    }

    /// A workspace that fits this network.
    pub fn workspace(&self) -> Workspace {
        Workspace::new(self.hidden)
    }

    fn check_ws(&self, ws: &Workspace) -> Result<(), EbmError> {
        if ws.hidden == self.hidden {
            Ok(())
        } else {
            Err(EbmError::Shape {
                what: "workspace",
                expected: self.hidden,
                got: ws.hidden,
            })
        }
    }

    /// Forward pass for one point, leaving activations in `ws`. Returns `E_θ(x)`.
    #[inline]
    fn forward(&self, x: [f32; 2], ws: &mut Workspace) -> f32 {
        let lay = Layout::new(self.hidden);
        let p = &self.params;
        let w1 = &p[lay.w1..lay.b1];
        let b1 = &p[lay.b1..lay.w2t];
        // z₁ = W₁ x + b₁,  a₁ = silu(z₁) = z₁ σ(z₁)
        for j in 0..lay.h {
            let z = w1[2 * j] * x[0] + w1[2 * j + 1] * x[1] + b1[j];
            let s = sigmoid(z);
            ws.z1[j] = z;
            ws.s1[j] = s;
            ws.a1[j] = z * s;
        }
        // z₂ = W₂ a₁ + b₂ = b₂ + Σᵢ a₁ᵢ (row i of W₂ᵀ)
        ws.z2.copy_from_slice(&p[lay.b2..lay.w3]);
        add_scaled_rows(&mut ws.z2, &p[lay.w2t..lay.b2], &ws.a1);
        // a₂ = silu(z₂)
        for j in 0..lay.h {
            let s = sigmoid(ws.z2[j]);
            ws.s2[j] = s;
            ws.a2[j] = ws.z2[j] * s;
        }
        // E = w₃ · a₂ + b₃
        dot(&p[lay.w3..lay.b3], &ws.a2) + p[lay.b3]
    }

    /// Backward pass to the first layer after [`Mlp::forward`]: fills `ws.dz2 = ∂E/∂z₂` and
    /// `ws.dz1 = ∂E/∂z₁`.
    #[inline]
    fn backward_signals(&self, ws: &mut Workspace) {
        let lay = Layout::new(self.hidden);
        let p = &self.params;
        let w3 = &p[lay.w3..lay.b3];
        // ∂E/∂z₂ = w₃ ⊙ silu'(z₂)
        for (((d, &w), &z), &s) in ws.dz2.iter_mut().zip(w3).zip(&ws.z2).zip(&ws.s2) {
            *d = w * silu_prime(z, s);
        }
        // ∂E/∂a₁ = W₂ᵀ ∂E/∂z₂ (row i of W₂ᵀ dotted with dz₂);  ∂E/∂z₁ = ∂E/∂a₁ ⊙ silu'(z₁)
        for i in 0..lay.h {
            let row = &p[lay.w2t + i * lay.h..lay.w2t + (i + 1) * lay.h];
            ws.dz1[i] = dot(row, &ws.dz2) * silu_prime(ws.z1[i], ws.s1[i]);
        }
    }

    /// `∇ₓE = W₁ᵀ ∂E/∂z₁` after [`Mlp::backward_signals`].
    #[inline]
    fn grad_x_from_signals(&self, ws: &Workspace) -> [f32; 2] {
        let lay = Layout::new(self.hidden);
        let w1 = &self.params[lay.w1..lay.b1];
        let mut g = [0.0f32; 2];
        for j in 0..lay.h {
            g[0] += w1[2 * j] * ws.dz1[j];
            g[1] += w1[2 * j + 1] * ws.dz1[j];
        }
        g
    }

    /// `E_θ(x)` for one point. Errors only if `ws` belongs to another hidden width.
    pub fn energy(&self, x: [f32; 2], ws: &mut Workspace) -> Result<f32, EbmError> {
        self.check_ws(ws)?;
        Ok(self.forward(x, ws))
    }

    /// `E_θ(x)` and `∇ₓE_θ(x)` for one point (what Langevin dynamics needs).
    pub fn energy_and_grad_x(
        &self,
        x: [f32; 2],
        ws: &mut Workspace,
    ) -> Result<(f32, [f32; 2]), EbmError> {
        self.check_ws(ws)?;
        let e = self.forward(x, ws);
        self.backward_signals(ws);
        Ok((e, self.grad_x_from_signals(ws)))
    }

    /// Energies of a batch of points `xs = [x₀, y₀, x₁, y₁, …]` into `out` (`out.len()` =
    /// `xs.len()/2`). No allocation.
    pub fn energies(
        &self,
        xs: &[f32],
        out: &mut [f32],
        ws: &mut Workspace,
    ) -> Result<(), EbmError> {
        self.check_ws(ws)?;
        check_batch(xs, out.len(), "energy output")?;
        for (x, e) in xs.chunks_exact(2).zip(out.iter_mut()) {
            *e = self.forward([x[0], x[1]], ws);
        }
        Ok(())
    }

    /// Energies and input gradients of a batch: `energies[k] = E(x_k)`, `grads[2k..2k+2] =
    /// ∇ₓE(x_k)`. No allocation.
    pub fn energies_and_grads_x(
        &self,
        xs: &[f32],
        energies: &mut [f32],
        grads: &mut [f32],
        ws: &mut Workspace,
    ) -> Result<(), EbmError> {
        self.check_ws(ws)?;
        check_batch(xs, energies.len(), "energy output")?;
        if grads.len() != xs.len() {
            return Err(EbmError::Shape {
                what: "gradient output",
                expected: xs.len(),
                got: grads.len(),
            });
        }
        for ((x, e), g) in xs
            .chunks_exact(2)
            .zip(energies.iter_mut())
            .zip(grads.chunks_exact_mut(2))
        {
            *e = self.forward([x[0], x[1]], ws);
            self.backward_signals(ws);
            let gx = self.grad_x_from_signals(ws);
            g[0] = gx[0];
            g[1] = gx[1];
        }
        Ok(())
    }

    /// Accumulates a weighted sum of parameter gradients: `grad += Σ_k c_k ∇θ E(x_k)`, with
    /// `coeffs.len() = xs.len()/2` and `grad.len() = ` number of parameters. No allocation.
    /// With `c_k = 1/B` this is `∇θ` of the mean energy; contrastive divergence uses signed
    /// weights for data and negatives.
    pub fn accumulate_param_grad(
        &self,
        xs: &[f32],
        coeffs: &[f32],
        grad: &mut [f32],
        ws: &mut Workspace,
    ) -> Result<(), EbmError> {
        self.check_ws(ws)?;
        check_batch(xs, coeffs.len(), "coefficients")?;
        let lay = Layout::new(self.hidden);
        if grad.len() != lay.len {
            return Err(EbmError::Shape {
                what: "parameter gradient",
                expected: lay.len,
                got: grad.len(),
            });
        }
        let h = lay.h;
        for (x, &c) in xs.chunks_exact(2).zip(coeffs) {
            if c == 0.0 {
                continue;
            }
            self.forward([x[0], x[1]], ws);
            self.backward_signals(ws);
            // ∂E/∂b₃ = 1,  ∂E/∂w₃ = a₂
            grad[lay.b3] += c;
            axpy(c, &ws.a2, &mut grad[lay.w3..lay.b3]);
            // ∂E/∂b₂ = ∂E/∂z₂,  ∂E/∂(W₂ᵀ)ᵢⱼ = a₁ᵢ ∂E/∂z₂ⱼ
            axpy(c, &ws.dz2, &mut grad[lay.b2..lay.w3]);
            for i in 0..h {
                let row = &mut grad[lay.w2t + i * h..lay.w2t + (i + 1) * h];
                axpy(c * ws.a1[i], &ws.dz2, row);
            }
            // ∂E/∂b₁ = ∂E/∂z₁,  ∂E/∂(W₁)ⱼₖ = ∂E/∂z₁ⱼ xₖ
            axpy(c, &ws.dz1, &mut grad[lay.b1..lay.w2t]);
            let g1 = &mut grad[lay.w1..lay.b1];
            for j in 0..h {
                g1[2 * j] += c * ws.dz1[j] * x[0];
                g1[2 * j + 1] += c * ws.dz1[j] * x[1];
            }
        }
        Ok(())
    }

    /// `grad = ∇θ (1/B) Σ_k E(x_k)` (overwrites `grad`) and returns the mean energy.
    pub fn grad_mean_energy(
        &self,
        xs: &[f32],
        grad: &mut [f32],
        ws: &mut Workspace,
    ) -> Result<f64, EbmError> {
        self.check_ws(ws)?;
        let b = xs.len() / 2;
        if b == 0 || xs.len() % 2 != 0 {
            return Err(EbmError::Shape {
                what: "point batch",
                expected: 2 * b.max(1),
                got: xs.len(),
            });
        }
        grad.fill(0.0);
        let mut mean = 0.0f64;
        for x in xs.chunks_exact(2) {
            mean += f64::from(self.forward([x[0], x[1]], ws));
        }
        // coefficients 1/B, applied one point at a time (no coefficient buffer needed)
        let c = [1.0 / b as f32];
        for x in xs.chunks_exact(2) {
            self.accumulate_param_grad(x, &c, grad, ws)?;
        }
        Ok(mean / b as f64)
    }
}

fn check_hidden(hidden: usize) -> Result<(), EbmError> {
    check_range(
        "hidden width",
        hidden as f64,
        1.0,
        MAX_HIDDEN as f64,
        "between 1 and 256",
    )
}

/// `xs` must hold `2·n` coordinates for an output of `n` entries.
fn check_batch(xs: &[f32], n: usize, what: &'static str) -> Result<(), EbmError> {
    if xs.len() == 2 * n {
        Ok(())
    } else {
        Err(EbmError::Shape {
            what,
            expected: xs.len() / 2,
            got: n,
        })
    }
}

/// An f64 transcription of the energy written straight from the definition (independent of the
/// f32 code path), for finite-difference tests that are not limited by f32 rounding.
#[cfg(test)]
pub(crate) mod reference {
    use super::Layout;

    /// `E_θ(x)` in f64 for flat parameters `params` of hidden width `h`.
    pub(crate) fn energy_f64(params: &[f64], h: usize, x: [f64; 2]) -> f64 {
        let lay = Layout::new(h);
        let silu = |z: f64| z / (1.0 + (-z).exp());
        let a1: Vec<f64> = (0..h)
            .map(|j| {
                silu(
                    params[lay.w1 + 2 * j] * x[0]
                        + params[lay.w1 + 2 * j + 1] * x[1]
                        + params[lay.b1 + j],
                )
            })
            .collect();
        let mut e = params[lay.b3];
        for j in 0..h {
            let z2: f64 = params[lay.b2 + j]
                + (0..h)
                    .map(|i| params[lay.w2t + i * h + j] * a1[i])
                    .sum::<f64>();
            e += params[lay.w3 + j] * silu(z2);
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A network with non-trivial biases too (the Xavier init leaves them at zero).
    fn test_net(hidden: usize, seed: u64) -> Mlp {
        let mut rng = Rng::new(seed);
        let mut net = Mlp::new(hidden, &mut rng).expect("valid");
        for p in net.params_mut() {
            *p += 0.3 * rng.normal() as f32;
        }
        net
    }

    use super::reference::energy_f64;

    #[test]
    fn blocked_scaled_rows_are_the_row_by_row_axpys_bit_for_bit() {
        // widths through every block size and tail (32, 8, 4, 1 columns at a time)
        let mut rng = Rng::new(21);
        for (n, m) in [
            (1, 3),
            (3, 5),
            (4, 4),
            (5, 9),
            (13, 13),
            (32, 7),
            (37, 40),
            (64, 64),
        ] {
            let rows: Vec<f32> = (0..n * m).map(|_| rng.normal() as f32).collect();
            let c: Vec<f32> = (0..m).map(|_| rng.normal() as f32).collect();
            let start: Vec<f32> = (0..n).map(|_| rng.normal() as f32).collect();
            let mut want = start.clone();
            for (row, &ci) in rows.chunks_exact(n).zip(&c) {
                axpy(ci, row, &mut want);
            }
            let mut got = start;
            add_scaled_rows(&mut got, &rows, &c);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{n} columns, {m} rows");
        }
    }

    #[test]
    fn forward_matches_f64_reference() {
        let net = test_net(13, 1);
        let mut ws = net.workspace();
        let p64: Vec<f64> = net.params().iter().map(|&p| f64::from(p)).collect();
        for x in [[0.0f32, 0.0], [1.5, -2.0], [-3.9, 3.9]] {
            let e = net.energy(x, &mut ws).expect("ws fits");
            let r = energy_f64(&p64, 13, [f64::from(x[0]), f64::from(x[1])]);
            assert!(
                (f64::from(e) - r).abs() < 1e-5 * (1.0 + r.abs()),
                "{e} vs {r}"
            );
        }
    }

    #[test]
    fn param_gradient_matches_finite_differences() {
        for hidden in [5, 16] {
            let net = test_net(hidden, 2);
            let mut ws = net.workspace();
            let xs = [0.7f32, -1.2, -2.5, 0.4, 3.0, 2.2];
            let mut grad = vec![0.0; net.params().len()];
            net.grad_mean_energy(&xs, &mut grad, &mut ws)
                .expect("shapes");
            let p64: Vec<f64> = net.params().iter().map(|&p| f64::from(p)).collect();
            let mean_e = |p: &[f64]| {
                xs.chunks_exact(2)
                    .map(|x| energy_f64(p, hidden, [f64::from(x[0]), f64::from(x[1])]))
                    .sum::<f64>()
                    / 3.0
            };
            let step = 1e-6;
            let mut worst: f64 = 0.0;
            for k in 0..p64.len() {
                let mut plus = p64.clone();
                let mut minus = p64.clone();
                plus[k] += step;
                minus[k] -= step;
                let fd = (mean_e(&plus) - mean_e(&minus)) / (2.0 * step);
                let err = (fd - f64::from(grad[k])).abs() / (1e-3 + fd.abs());
                worst = worst.max(err);
            }
            assert!(worst < 1e-3, "H={hidden}: worst relative error {worst:e}");
        }
    }

    #[test]
    fn input_gradient_matches_finite_differences() {
        let net = test_net(24, 3);
        let mut ws = net.workspace();
        let p64: Vec<f64> = net.params().iter().map(|&p| f64::from(p)).collect();
        let step = 1e-6;
        for x in [[0.1f32, 0.2], [-3.0, 1.0], [2.5, -3.5]] {
            let (_, g) = net.energy_and_grad_x(x, &mut ws).expect("ws fits");
            let x64 = [f64::from(x[0]), f64::from(x[1])];
            for k in 0..2 {
                let (mut xp, mut xm) = (x64, x64);
                xp[k] += step;
                xm[k] -= step;
                let fd = (energy_f64(&p64, 24, xp) - energy_f64(&p64, 24, xm)) / (2.0 * step);
                assert!(
                    (fd - f64::from(g[k])).abs() < 1e-4 * (1.0 + fd.abs()),
                    "x={x:?} k={k}: fd {fd} vs analytic {}",
                    g[k]
                );
            }
        }
        // batch version agrees with the single-point version
        let xs = [0.1f32, 0.2, -3.0, 1.0];
        let (mut e, mut g) = ([0.0f32; 2], [0.0f32; 4]);
        net.energies_and_grads_x(&xs, &mut e, &mut g, &mut ws)
            .expect("shapes");
        let (e1, g1) = net.energy_and_grad_x([-3.0, 1.0], &mut ws).expect("fits");
        assert_eq!(e[1], e1);
        assert_eq!([g[2], g[3]], g1);
    }

    #[test]
    fn validation_and_shapes() {
        let mut rng = Rng::new(4);
        assert!(Mlp::new(0, &mut rng).is_err());
        assert!(Mlp::new(257, &mut rng).is_err());
        let net = Mlp::new(8, &mut rng).expect("valid");
        assert_eq!(net.params().len(), 8 * 8 + 5 * 8 + 1);
        assert_eq!(Mlp::num_params_for(64), 4417);
        let mut wrong_ws = Workspace::new(9);
        assert!(net.energy([0.0, 0.0], &mut wrong_ws).is_err());
        let mut ws = net.workspace();
        let mut out = [0.0f32; 2];
        assert!(net.energies(&[0.0; 5], &mut out, &mut ws).is_err());
        assert!(Mlp::from_params(8, vec![f32::NAN; 105]).is_err());
        assert!(Mlp::from_params(8, vec![0.0; 104]).is_err());
        let mut grad = vec![0.0; 3];
        assert!(net
            .accumulate_param_grad(&[0.0, 0.0], &[1.0], &mut grad, &mut ws)
            .is_err());
        // extreme inputs stay finite
        let e = net.energy([1e30, -1e30], &mut ws).expect("fits");
        assert!(!e.is_nan());
    }
}
