//! Many chains of one kernel stepped together, structure of arrays: the Sampling lab's
//! "Metropolis particles" ([`crate::sampling::mh_particles`]) and the benchmark's batched rows
//! (its "Langevin particles" run [`super::langevin_particles`]).
//!
//! [`ChainBatch`] keeps the x and y coordinates of N chains in two flat arrays and moves all of
//! them with one kernel per step: random-walk Metropolis ([`BatchKernel::RandomWalk`], as
//! [`super::Metropolis`] with a [`super::GaussianWalk`]) or unadjusted Langevin
//! ([`BatchKernel::Langevin`], as [`super::langevin_particles`]). A step makes one dynamic call
//! to the target for all chains ([`Energy2d::energies`] / [`Energy2d::energies_and_grads`],
//! whose loop over the points is compiled per landscape), and the rest — proposals, acceptance,
//! moves — are loops over the arrays that the compiler vectorises. There are no events: the
//! renderer reads the positions.
//!
//! Random numbers: each step seeds 16 lock-step streams ([`RngLanes`]) from the caller's
//! [`Rng`], so a run replays from its seed; chain `k` takes lane `k mod 16`. Gaussian noise is
//! Box–Muller in single precision ([`crate::fastmath::box_muller_f32`]: symmetric, cut off at
//! radius 5.77), the Metropolis uniforms have 52 bits (compared in single precision first, and
//! in double precision wherever that could differ, see `ChainBatch::accept`).
//!
//! Non-finite values (the NaN guard of the module [`super`]): a chain whose current energy is
//! NaN or −∞, or whose move or proposal would leave the finite plane or land on a NaN/−∞
//! energy, stays where it is for that step and is counted in [`BatchStep::frozen`]. A
//! Metropolis proposal with `E = +∞` is rejected.

use super::diagnostics::AcceptanceCounter;
use super::{check_positive, check_temperature, SamplerError};
use crate::fastmath::{exp, F32Kernels};
use crate::landscape::Energy2d;
use crate::lanes::{open_unit_f32, unit_f64, RngLanes, LANES};
use crate::rng::Rng;

/// Largest number of chains in one batch.
pub const MAX_BATCH_CHAINS: usize = 1 << 20;

/// The transition every chain of a [`ChainBatch`] makes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BatchKernel {
    /// Random-walk Metropolis: propose `s′ = s + σz`, `z ~ N(0, I)`, accept with
    /// `min(1, e^{−(E(s′) − E(s))/T})`.
    RandomWalk {
        /// Proposal step size σ > 0.
        sigma: f64,
    },
    /// Unadjusted Langevin: `s′ = s − (ε/2T)∇E(s) + √ε z`.
    Langevin {
        /// Step size ε > 0.
        eps: f64,
    },
}

/// What one call of [`ChainBatch::step`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchStep {
    /// Chain-steps taken (chains × steps).
    pub moves: u64,
    /// Metropolis proposals accepted (0 for Langevin).
    pub accepted: u64,
    /// Chain-steps left in place by the NaN guard.
    pub frozen: u64,
}

/// N chains of one kernel at temperature T, positions in two arrays (structure of arrays).
#[derive(Clone, Debug)]
pub struct ChainBatch {
    kernel: BatchKernel,
    t: f64,
    x: Vec<f64>,
    y: Vec<f64>,
    stats: AcceptanceCounter,
    // per-step buffers
    e: Vec<f64>,
    px: Vec<f64>,
    py: Vec<f64>,
    pe: Vec<f64>,
    gx: Vec<f64>,
    gy: Vec<f64>,
    la: Vec<f64>,
    a32: Vec<f32>,
    hi: Vec<u32>,
    lo: Vec<u32>,
}

impl ChainBatch {
    /// Chains started at `starts` (flat `[x₀, y₀, x₁, y₁, …]`, 1 to [`MAX_BATCH_CHAINS`] finite
    /// points) moving by `kernel` (σ or ε positive and finite) at temperature `T > 0`.
    pub fn new(starts: &[f64], kernel: BatchKernel, t: f64) -> Result<Self, SamplerError> {
        let n = starts.len() / 2;
        if starts.len() % 2 != 0 || n == 0 || n > MAX_BATCH_CHAINS {
            return Err(SamplerError::Length {
                what: "start points (2 numbers per chain, 1 to 1048576 chains)",
                expected: 2 * n.clamp(1, MAX_BATCH_CHAINS),
                got: starts.len(),
            });
        }
        let mut b = Self {
            kernel: check_kernel(kernel)?,
            t: check_temperature(t)?.0,
            x: vec![0.0; n],
            y: vec![0.0; n],
            stats: AcceptanceCounter::default(),
            e: Vec::new(),
            px: Vec::new(),
            py: Vec::new(),
            pe: Vec::new(),
            gx: Vec::new(),
            gy: Vec::new(),
            la: vec![0.0; n],
            a32: vec![0.0; n],
            hi: vec![0; n],
            lo: vec![0; n],
        };
        for v in [
            &mut b.e, &mut b.px, &mut b.py, &mut b.pe, &mut b.gx, &mut b.gy,
        ] {
            v.resize(n, 0.0);
        }
        b.set_positions(starts)?;
        Ok(b)
    }

    /// Number of chains.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Always false (a batch has at least one chain).
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// The kernel.
    pub fn kernel(&self) -> BatchKernel {
        self.kernel
    }

    /// Replaces the kernel (e.g. a new step size from a slider); σ or ε positive and finite.
    pub fn set_kernel(&mut self, kernel: BatchKernel) -> Result<(), SamplerError> {
        self.kernel = check_kernel(kernel)?;
        Ok(())
    }

    /// Temperature T.
    pub fn temperature(&self) -> f64 {
        self.t
    }

    /// Changes T (> 0, finite).
    pub fn set_temperature(&mut self, t: f64) -> Result<(), SamplerError> {
        self.t = check_temperature(t)?.0;
        Ok(())
    }

    /// The x coordinates of all chains.
    pub fn xs(&self) -> &[f64] {
        &self.x
    }

    /// The y coordinates of all chains.
    pub fn ys(&self) -> &[f64] {
        &self.y
    }

    /// Writes the positions interleaved, `[x₀, y₀, x₁, y₁, …]`, into `out` (2 per chain, as far
    /// as `out` reaches).
    pub fn write_positions(&self, out: &mut [f64]) {
        for ((p, &x), &y) in out.chunks_exact_mut(2).zip(&self.x).zip(&self.y) {
            p[0] = x;
            p[1] = y;
        }
    }

    /// Metropolis acceptance summed over chains since the start or [`ChainBatch::reset_stats`]
    /// (empty for Langevin).
    pub fn acceptance(&self) -> AcceptanceCounter {
        self.stats
    }

    /// Moves every chain to `starts` (flat `[x₀, y₀, x₁, y₁, …]`, one finite point per chain)
    /// and zeroes the acceptance counter, without allocating; on error nothing changes.
    pub fn set_positions(&mut self, starts: &[f64]) -> Result<(), SamplerError> {
        if starts.len() != 2 * self.len() {
            return Err(SamplerError::Length {
                what: "start points (2 numbers per chain)",
                expected: 2 * self.len(),
                got: starts.len(),
            });
        }
        if let Some(&v) = starts.iter().find(|v| !v.is_finite()) {
            return Err(SamplerError::NotFinite {
                what: "start position",
                value: v,
            });
        }
        for ((p, x), y) in starts.chunks_exact(2).zip(&mut self.x).zip(&mut self.y) {
            *x = p[0];
            *y = p[1];
        }
        self.reset_stats();
        Ok(())
    }

    /// Zeroes the acceptance counter.
    pub fn reset_stats(&mut self) {
        self.stats = AcceptanceCounter::default();
    }

    /// `steps` steps of every chain on `target` (which must not change during the call; between
    /// calls it may). No allocation.
    pub fn step(&mut self, steps: usize, target: &dyn Energy2d, rng: &mut Rng) -> BatchStep {
        let mut out = BatchStep::default();
        if steps == 0 {
            return out;
        }
        let inv_t = 1.0 / self.t;
        match self.kernel {
            BatchKernel::RandomWalk { sigma } => {
                // E at the current points; afterwards carried along with the accepted moves
                target.energies(&self.x, &self.y, &mut self.e);
                for _ in 0..steps {
                    let mut lanes = RngLanes::<LANES>::from_rng(rng);
                    self.propose(sigma, &mut lanes);
                    target.energies(&self.px, &self.py, &mut self.pe);
                    let (acc, frozen) = self.accept(inv_t, &mut lanes);
                    out.accepted += acc;
                    out.frozen += frozen;
                }
                self.stats.proposed += (steps * self.len()) as u64 - out.frozen;
                self.stats.accepted += out.accepted as f64;
            }
            BatchKernel::Langevin { eps } => {
                for _ in 0..steps {
                    let mut lanes = RngLanes::<LANES>::from_rng(rng);
                    target.energies_and_grads(
                        &self.x,
                        &self.y,
                        &mut self.e,
                        &mut self.gx,
                        &mut self.gy,
                    );
                    out.frozen += self.langevin_move(eps, inv_t, &mut lanes);
                }
            }
        }
        out.moves = (steps * self.len()) as u64;
        out
    }

    /// Proposals `p = s + σz` for every chain into `px`, `py`.
    fn propose(&mut self, sigma: f64, lanes: &mut RngLanes<LANES>) {
        let (mut z0, mut z1) = ([0.0f32; LANES], [0.0f32; LANES]);
        let k = F32Kernels::for_loops();
        let chunks = self
            .x
            .chunks(LANES)
            .zip(self.y.chunks(LANES))
            .zip(self.px.chunks_mut(LANES).zip(self.py.chunks_mut(LANES)));
        for ((x, y), (px, py)) in chunks {
            lanes.normals_f32(&k, &mut z0, &mut z1);
            for k in 0..x.len().min(px.len()) {
                // s′ = s + σ z
                px[k] = x[k] + sigma * f64::from(z0[k]);
                py[k] = y[k] + sigma * f64::from(z1[k]);
            }
        }
    }

    /// The Metropolis decisions: accept with `α = min(1, e^{−(E(p) − E(s))/T})` iff `u < α` for
    /// a 52-bit uniform `u`; returns (accepted, frozen).
    ///
    /// The comparison is first made in single precision over the whole batch in simple
    /// vectorised passes: `u` rounded to 23 bits is within 6·10⁻⁸ of `u`, and [`F32Kernels::exp`] within
    /// 2.6·10⁻⁷ of `α` (absolute, for `ln α ≤ 0`), so wherever the two differ by more than 10⁻⁶
    /// the single-precision answer is the double-precision one. The rare chains inside that
    /// margin (about 2·10⁻⁶ of them) are decided again with the full `u` and [`exp`], so every
    /// decision is exactly `u < exp(ln α)`.
    fn accept(&mut self, inv_t: f64, lanes: &mut RngLanes<LANES>) -> (u64, u64) {
        let n = self.len();
        // ln α = min(0, −(E(p) − E(s))/T) (E(p) = +∞ gives α = 0), and α in single precision
        // (a compare and select, not `f64::min`: in wasm that is a call to `fmin` per chain, as
        // wasm's own `f64.min` treats NaN differently; a NaN gives 0 either way)
        for ((la, &e_old), &e_new) in self.la.iter_mut().zip(&self.e).zip(&self.pe) {
            let v = -(e_new - e_old) * inv_t;
            *la = if v < 0.0 { v } else { 0.0 };
        }
        let k = F32Kernels::for_loops();
        for (a, &la) in self.a32.iter_mut().zip(&self.la) {
            *a = k.exp(la as f32);
        }
        lanes.fill_u32(&mut self.hi);
        lanes.fill_u32(&mut self.lo);
        // Decided chains in one pass with every lane written (the old value kept by a bit
        // mask; as `if take { … }` the wasm build stored lane by lane behind a branch each);
        // the chains too close to call come after, one by one, in their rare pass. (The
        // single-precision call is made here rather than stored per chain in a pass of its
        // own: widening stored bytes to 64-bit masks cost the wasm build more than the call.)
        let (mut accepted, mut frozen) = (0u64, 0u64);
        let mut any_close = false;
        let current = self
            .x
            .iter_mut()
            .zip(self.y.iter_mut())
            .zip(self.e.iter_mut());
        let proposed = self.px.iter().zip(&self.py).zip(&self.pe);
        let calls = self.hi.iter().zip(&self.a32);
        for ((((x, y), e), ((&px, &py), &pe)), (&h, &a)) in current.zip(proposed).zip(calls) {
            let bad = frozen_step(*e, pe, px, py);
            let (yes, close) = single_precision_call(h, a);
            any_close |= close & !bad;
            let take = !bad & yes;
            let keep_new = u64::from(take).wrapping_neg();
            let pick = |new: f64, old: f64| {
                f64::from_bits((new.to_bits() & keep_new) | (old.to_bits() & !keep_new))
            };
            *x = pick(px, *x);
            *y = pick(py, *y);
            *e = pick(pe, *e);
            accepted += u64::from(take);
            frozen += u64::from(bad);
        }
        if any_close {
            for k in 0..n {
                if !single_precision_call(self.hi[k], self.a32[k]).1
                    || frozen_step(self.e[k], self.pe[k], self.px[k], self.py[k])
                {
                    continue;
                }
                if unit_f64(self.hi[k], self.lo[k]) < exp(self.la[k]) {
                    self.x[k] = self.px[k];
                    self.y[k] = self.py[k];
                    self.e[k] = self.pe[k];
                    accepted += 1;
                }
            }
        }
        (accepted, frozen)
    }

    /// The Langevin move `s′ = s − (ε/2)∇E/T + √ε z` for every chain, with the energies and
    /// gradients at `s` in `e`, `gx`, `gy`; returns the number of chains left in place.
    fn langevin_move(&mut self, eps: f64, inv_t: f64, lanes: &mut RngLanes<LANES>) -> u64 {
        let half = 0.5 * eps * inv_t;
        let s = eps.sqrt();
        let (mut z0, mut z1) = ([0.0f32; LANES], [0.0f32; LANES]);
        let k = F32Kernels::for_loops();
        let mut frozen = 0u64;
        let n = self.len();
        let mut start = 0;
        while start < n {
            let end = (start + LANES).min(n);
            lanes.normals_f32(&k, &mut z0, &mut z1);
            let x = &mut self.x[start..end];
            let y = &mut self.y[start..end];
            let (e, gx, gy) = (
                &self.e[start..end],
                &self.gx[start..end],
                &self.gy[start..end],
            );
            for k in 0..x.len() {
                // θ′ = θ − (ε/2)∇U(θ) + √ε z,  U = E/T
                let nx = x[k] - half * gx[k] + s * f64::from(z0[k]);
                let ny = y[k] - half * gy[k] + s * f64::from(z1[k]);
                let ok = (e[k] * inv_t).is_finite()
                    & (gx[k] * inv_t).is_finite()
                    & (gy[k] * inv_t).is_finite()
                    & nx.is_finite()
                    & ny.is_finite();
                // every lane written, the old value kept by a bit mask: as `if ok { nx } else
                // { x[k] }` the wasm build stored lane by lane behind a branch each
                let keep_new = u64::from(ok).wrapping_neg();
                x[k] = f64::from_bits((nx.to_bits() & keep_new) | (x[k].to_bits() & !keep_new));
                y[k] = f64::from_bits((ny.to_bits() & keep_new) | (y[k].to_bits() & !keep_new));
                frozen += u64::from(!ok);
            }
            start = end;
        }
        frozen
    }
}

/// The Metropolis decision `u < α` made in single precision (see `ChainBatch::accept`) from
/// the high word `h` of the chain's 52-bit uniform and `α` from [`F32Kernels::exp`]: (sure to accept,
/// too close to call). Neither means sure to reject.
#[inline(always)]
fn single_precision_call(h: u32, a: f32) -> (bool, bool) {
    const MARGIN: f32 = 1e-6;
    let u = open_unit_f32(h);
    let yes = u < a - MARGIN;
    let no = u > a + MARGIN;
    (yes, !yes & !no)
}

/// The NaN guard of a Metropolis step: a NaN/−∞ energy at the current point or the proposal,
/// or a non-finite proposal, leaves the chain where it is.
#[inline(always)]
fn frozen_step(e_old: f64, e_new: f64, px: f64, py: f64) -> bool {
    e_old.is_nan()
        | (e_old == f64::NEG_INFINITY)
        | e_new.is_nan()
        | (e_new == f64::NEG_INFINITY)
        | !(px.is_finite() & py.is_finite())
}

fn check_kernel(kernel: BatchKernel) -> Result<BatchKernel, SamplerError> {
    match kernel {
        BatchKernel::RandomWalk { sigma } => {
            check_positive("proposal step size σ", sigma)?;
        }
        BatchKernel::Langevin { eps } => {
            check_positive("step size ε", eps)?;
        }
    }
    Ok(kernel)
}

/// Benchmark workload (no timing inside): builds `n` chains of `kernel` (`"rwmh"`: σ = 1;
/// `"langevin"`: ε = 0.05) on the default banana at T = 1 once, and returns the timed
/// repetition: the chains start again from the same grid around the origin (no allocation),
/// take `steps` steps with seed `seed`, and the checksum is the sum of all final coordinates
/// plus the accepted moves (the same every repetition); NaN for an unknown kernel.
pub fn bench_batch(kind: &str, n: usize, steps: usize, seed: u64) -> Box<dyn FnMut() -> f64> {
    let kernel = match kind {
        "rwmh" => BatchKernel::RandomWalk { sigma: 1.0 },
        "langevin" => BatchKernel::Langevin { eps: 0.05 },
        _ => return Box::new(|| f64::NAN),
    };
    let starts = super::bench::grid_starts(n);
    let Ok(mut b) = ChainBatch::new(&starts, kernel, 1.0) else {
        return Box::new(|| f64::NAN);
    };
    let target = crate::landscape::Banana::default();
    Box::new(move || {
        if b.set_positions(&starts).is_err() {
            return f64::NAN;
        }
        let target: &dyn Energy2d = super::bench::opaque(&target);
        let mut rng = Rng::new(seed);
        let s = super::bench::opaque(&mut b).step(steps, target, &mut rng);
        b.xs().iter().chain(b.ys()).sum::<f64>() + s.accepted as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;

    #[test]
    fn validates_and_replays_from_the_seed() {
        let k = BatchKernel::RandomWalk { sigma: 0.5 };
        assert!(ChainBatch::new(&[], k, 1.0).is_err());
        assert!(ChainBatch::new(&[0.0], k, 1.0).is_err());
        assert!(ChainBatch::new(&[f64::NAN, 0.0], k, 1.0).is_err());
        assert!(ChainBatch::new(&[0.0, 0.0], k, 0.0).is_err());
        assert!(ChainBatch::new(&[0.0, 0.0], BatchKernel::Langevin { eps: -1.0 }, 1.0).is_err());
        let g = Gaussian::isotropic([1.0, -1.0], 1.0).expect("valid");
        let run = |seed| {
            let mut b = ChainBatch::new(&[0.0; 74], k, 1.0).expect("valid");
            let s = b.step(5, &g, &mut Rng::new(seed));
            let mut p = vec![0.0; 74];
            b.write_positions(&mut p);
            (p, s)
        };
        let (a, s) = run(3);
        assert_eq!(run(3), (a.clone(), s));
        assert_ne!(run(4).0, a);
        assert_eq!((s.moves, s.frozen), (5 * 37, 0));
        assert!(s.accepted > 0 && s.accepted < s.moves);
        for kind in ["rwmh", "langevin"] {
            let mut rep = bench_batch(kind, 300, 3, 1);
            let first = rep();
            assert!(first.is_finite(), "{kind}");
            assert_eq!(rep(), first, "{kind}: every repetition does the same work");
        }
        assert!(bench_batch("nope", 300, 3, 1)().is_nan());
    }

    #[test]
    fn set_positions_moves_every_chain_or_nothing() {
        let k = BatchKernel::RandomWalk { sigma: 0.5 };
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut b = ChainBatch::new(&[0.0; 6], k, 1.0).expect("valid");
        b.step(3, &g, &mut Rng::new(1));
        assert!(b.acceptance().proposed > 0);
        let before = (b.xs().to_vec(), b.ys().to_vec());
        assert!(b.set_positions(&[1.0; 4]).is_err(), "one point short");
        assert!(b
            .set_positions(&[1.0, 2.0, f64::NAN, 0.0, 1.0, 2.0])
            .is_err());
        assert_eq!(
            (b.xs().to_vec(), b.ys().to_vec()),
            before,
            "refused: unchanged"
        );
        b.set_positions(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
            .expect("three finite points");
        assert_eq!(
            (b.xs(), b.ys()),
            (&[1.0, 3.0, 5.0][..], &[2.0, 4.0, 6.0][..])
        );
        assert_eq!(b.acceptance().proposed, 0, "a fresh count");
    }

    #[test]
    fn every_metropolis_decision_is_u_below_alpha_in_double_precision() {
        // E(p) − E(s) = −ln u for the very u each chain will draw: α ≈ u, so nearly every
        // chain is too close to call in single precision and is decided in the second pass;
        // a few chains are frozen (NaN) or clear accepts and rejects
        let n = 203;
        let mut b = ChainBatch::new(
            &vec![0.0; 2 * n],
            BatchKernel::RandomWalk { sigma: 1.0 },
            1.0,
        )
        .expect("valid");
        let mut lanes = RngLanes::<LANES>::from_rng(&mut Rng::new(8));
        let (mut hi, mut lo) = (vec![0u32; n], vec![0u32; n]);
        let mut ahead = lanes.clone();
        ahead.fill_u32(&mut hi);
        ahead.fill_u32(&mut lo);
        let u: Vec<f64> = hi
            .iter()
            .zip(&lo)
            .map(|(&h, &l)| {
                let bits = (u64::from(h) << 32) | u64::from(l);
                f64::from_bits((bits >> 12) | 0x3FF0_0000_0000_0000) - 1.0
            })
            .collect();
        for (k, &uk) in u.iter().enumerate() {
            b.e[k] = 0.5;
            b.pe[k] = match k % 50 {
                0 => f64::NAN,
                1 => -5.0,
                2 => 1e3,
                _ => 0.5 - crate::fastmath::ln(uk.max(1e-300)),
            };
            b.px[k] = k as f64;
            b.py[k] = -(k as f64);
        }
        let (before_x, pe) = (b.x.clone(), b.pe.clone());
        let (accepted, frozen) = b.accept(1.0, &mut lanes);
        let mut want_accepted = 0;
        let mut close = 0;
        for k in 0..n {
            let la = (-(pe[k] - 0.5)).min(0.0);
            let take = !pe[k].is_nan() && u[k] < exp(la);
            close += usize::from(single_precision_call(b.hi[k], b.a32[k]).1);
            want_accepted += u64::from(take);
            let want_x = if take { k as f64 } else { before_x[k] };
            assert_eq!(b.x[k].to_bits(), want_x.to_bits(), "chain {k}");
            assert_eq!(b.e[k].to_bits(), if take { pe[k] } else { 0.5 }.to_bits());
        }
        assert!(close > n / 2, "{close} close calls");
        assert_eq!((accepted, frozen), (want_accepted, 5));
        assert!(accepted > 20 && accepted < n as u64 - 20, "{accepted}");
    }

    #[test]
    fn nan_guard_freezes_and_infinite_energy_rejects() {
        // points where E overflows to +∞ (zero density): Langevin cannot move from there
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut b = ChainBatch::new(
            &[1e200, 1e200, -1e200, 3.0],
            BatchKernel::Langevin { eps: 0.1 },
            1.0,
        )
        .expect("valid");
        let s = b.step(2, &g, &mut Rng::new(1));
        assert_eq!(s.frozen, 4);
        assert_eq!(b.xs(), &[1e200, -1e200]);
        // proposals 1e300 away have E = +∞ and are rejected, not frozen
        let mut b = ChainBatch::new(&[0.5, 0.5], BatchKernel::RandomWalk { sigma: 1e300 }, 1.0)
            .expect("valid");
        let s = b.step(10, &g, &mut Rng::new(2));
        assert_eq!((s.accepted, s.frozen, b.xs()[0]), (0, 0, 0.5));
    }
}
