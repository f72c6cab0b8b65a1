//! The network (weights, bias), its energy, and a state whose local fields are kept current.

use std::cell::OnceCell;
use std::fmt;

/// Largest network the dense representation accepts (N² weights of 4 bytes: 64 MiB at 4096).
pub const MAX_DENSE_NEURONS: usize = 4096;

/// What can be wrong with a requested network or state.
#[derive(Clone, Debug, PartialEq)]
pub enum HopfieldError {
    /// N was zero or above [`MAX_DENSE_NEURONS`].
    Size {
        /// The size given.
        n: usize,
        /// The largest allowed value.
        max: usize,
    },
    /// A buffer's length does not match the network.
    Shape {
        /// Which quantity (a short name for the message).
        what: &'static str,
        /// What was expected.
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// A weight or bias is NaN or infinite.
    NotFinite {
        /// Which quantity (a short name for the message).
        what: &'static str,
        /// Index of the offending entry.
        index: usize,
    },
    /// `W` is not symmetric or has a non-zero diagonal.
    NotSymmetric {
        /// Row of the offending entry.
        i: usize,
        /// Column of the offending entry.
        j: usize,
    },
    /// A state entry is not ±1.
    NotSpin {
        /// Index of the offending entry.
        index: usize,
        /// The value given.
        value: i8,
    },
    /// A self-coupling `wᵢᵢ` is negative (the energy would no longer fall under the dynamics).
    NegativeSelfCoupling {
        /// Index of the offending entry.
        index: usize,
        /// The value given.
        value: f32,
    },
}

impl fmt::Display for HopfieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Size { n, max } => write!(f, "network size {n} is outside 1..={max}"),
            Self::Shape {
                what,
                expected,
                got,
            } => {
                write!(f, "{what} has {got} entries, expected {expected}")
            }
            Self::NotFinite { what, index } => write!(f, "{what}[{index}] is not a finite number"),
            Self::NotSymmetric { i, j } => {
                write!(
                    f,
                    "weights must be symmetric with a zero diagonal (w[{i}][{j}])"
                )
            }
            Self::NotSpin { index, value } => {
                write!(f, "state[{index}] = {value}; neurons must be −1 or +1")
            }
            Self::NegativeSelfCoupling { index, value } => {
                write!(
                    f,
                    "self-coupling w[{index}][{index}] = {value}; it must be ≥ 0"
                )
            }
        }
    }
}

impl std::error::Error for HopfieldError {}

/// Symmetric weights with zero diagonal, a bias vector, and self-couplings `wᵢᵢ ≥ 0` kept apart
/// from the matrix (all zero unless a rule sets them; only the projection rule does).
///
/// A self-coupling adds the constant `−½ Σᵢ wᵢᵢ yᵢ² = −½ Σᵢ wᵢᵢ` to `−½ yᵀWy`, so it changes
/// neither the energy differences (the energy and fields below leave it out) nor the Boltzmann
/// distribution; it changes only the deterministic update, where neuron i sees
/// `Σⱼ wᵢⱼ yⱼ + bᵢ = hᵢ + wᵢᵢ yᵢ` including its own term (see [`crate::hopfield::dynamics`]).
#[derive(Clone, Debug)]
///
/// Store two patterns with Hebb's rule and recall one from a corrupted cue; the energy falls:
///
/// ```
/// use energy_core::hopfield::{
///     hebbian, run_to_fixed_point, Dynamics, HebbianScale, Network, Order, State,
/// };
/// use energy_core::rng::Rng;
/// let a: Vec<i8> = vec![1, 1, 1, 1, -1, -1, -1, -1];
/// let b: Vec<i8> = vec![1, -1, 1, -1, 1, -1, 1, -1];
/// let mut net = Network::new(8)?;
/// hebbian(&mut net, &[&a, &b], HebbianScale::PerPattern)?;
/// let mut cue = a.clone();
/// cue[0] = -1; // one flipped pixel
/// let mut rng = Rng::new(1);
/// let mut state = State::new(&net, cue)?;
/// let e0 = state.energy();
/// let mut dynamics = Dynamics::new(8, Order::Random, &mut rng)?;
/// let stats = run_to_fixed_point(&net, &mut state, &mut dynamics, 100, &mut rng, &mut |_| {})?;
/// assert!(stats.converged);
/// assert_eq!(state.y(), &a[..]);
/// assert!(state.energy() < e0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Network {
    n: usize,
    /// Row-major `N×N`; `w[i*N + j] = w[j*N + i]`, `w[i*N + i] = 0`. Unset until W is first
    /// written or read as a whole: a new network costs no N² buffer (64 MiB at N = 64²) while
    /// it is all zero, so switching the Hopfield lab to 64 × 64 allocates nothing a learning
    /// rule is about to replace. (The first write to fresh wasm memory is what costs: filling
    /// 64 MiB took 60–200 ms in headless Chromium on the development machine.)
    w: OnceCell<Vec<f32>>,
    /// N zeros: row i of W while `w` is unset.
    zero_row: Vec<f32>,
    b: Vec<f32>,
    /// Self-couplings `wᵢᵢ ≥ 0`.
    d: Vec<f32>,
    /// Known to be all zero (new or cleared, and not handed out for writing since): then every
    /// field is 0 and every energy 0 without an O(N²) pass, and clearing is free.
    zero: bool,
}

impl PartialEq for Network {
    fn eq(&self, other: &Self) -> bool {
        let same_w = match (self.w.get(), other.w.get()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => true,
            (Some(w), None) | (None, Some(w)) => w.iter().all(|&x| x == 0.0),
        };
        self.n == other.n && same_w && self.b == other.b && self.d == other.d
    }
}

impl Network {
    /// A network of `n` neurons with all weights and biases zero.
    pub fn new(n: usize) -> Result<Self, HopfieldError> {
        if n == 0 || n > MAX_DENSE_NEURONS {
            return Err(HopfieldError::Size {
                n,
                max: MAX_DENSE_NEURONS,
            });
        }
        Ok(Self {
            n,
            w: OnceCell::new(),
            zero_row: vec![0.0; n],
            b: vec![0.0; n],
            d: vec![0.0; n],
            zero: true,
        })
    }

    /// A network from explicit weights (row-major, symmetric, zero diagonal) and bias; no
    /// self-couplings.
    pub fn from_parts(n: usize, w: Vec<f32>, b: Vec<f32>) -> Result<Self, HopfieldError> {
        let mut net = Self::new(n)?;
        if w.len() != n * n {
            return Err(HopfieldError::Shape {
                what: "weights",
                expected: n * n,
                got: w.len(),
            });
        }
        if b.len() != n {
            return Err(HopfieldError::Shape {
                what: "bias",
                expected: n,
                got: b.len(),
            });
        }
        if let Some(index) = w.iter().position(|x| !x.is_finite()) {
            return Err(HopfieldError::NotFinite {
                what: "weights",
                index,
            });
        }
        if let Some(index) = b.iter().position(|x| !x.is_finite()) {
            return Err(HopfieldError::NotFinite {
                what: "bias",
                index,
            });
        }
        for i in 0..n {
            if w[i * n + i] != 0.0 {
                return Err(HopfieldError::NotSymmetric { i, j: i });
            }
            for j in 0..i {
                if w[i * n + j] != w[j * n + i] {
                    return Err(HopfieldError::NotSymmetric { i, j });
                }
            }
        }
        net.w = OnceCell::from(w);
        net.b = b;
        net.zero = false;
        Ok(net)
    }

    /// A network whose W is `w`, a buffer of N² zeros the caller filled (in slices across
    /// frames: see [`Learner`](super::Learner)); `None` if its length is not N². That it holds
    /// zeros is the caller's promise (checked in debug builds: an O(N²) scan is a frame's
    /// budget at N = 64²).
    pub(crate) fn with_zero_buffer(n: usize, w: Vec<f32>) -> Option<Self> {
        if w.len() != n * n {
            return None;
        }
        debug_assert!(w.iter().all(|&x| x == 0.0));
        let mut net = Self::new(n).ok()?;
        net.w = OnceCell::from(w);
        Some(net)
    }

    /// The N² buffer, allocated (zero) on first use.
    fn w_mut(&mut self) -> &mut Vec<f32> {
        let n = self.n;
        let _ = self.w.get_or_init(|| vec![0.0; n * n]);
        self.w
            .get_mut()
            .unwrap_or_else(|| unreachable!("initialised just above"))
    }

    /// Number of neurons N.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The weights, row-major `N×N` (a network never written allocates its zero buffer here;
    /// [`Network::row`] does not).
    pub fn weights(&self) -> &[f32] {
        self.w.get_or_init(|| vec![0.0; self.n * self.n])
    }

    /// Mutable weights, row-major. Callers must keep `W` symmetric with a zero diagonal
    /// (learning rules do; [`Network::symmetrize`] restores it).
    pub fn weights_mut(&mut self) -> &mut [f32] {
        self.zero = false;
        self.w_mut()
    }

    /// The bias b.
    pub fn bias(&self) -> &[f32] {
        &self.b
    }

    /// Mutable bias.
    pub fn bias_mut(&mut self) -> &mut [f32] {
        self.zero = false;
        &mut self.b
    }

    /// wᵢⱼ.
    #[inline]
    pub fn weight(&self, i: usize, j: usize) -> f32 {
        self.row(i)[j]
    }

    /// Sets wᵢⱼ = wⱼᵢ = v (ignored on the diagonal, which stays zero).
    pub fn set_weight(&mut self, i: usize, j: usize, v: f32) {
        if i != j {
            self.zero = false;
            let n = self.n;
            let w = self.w_mut();
            w[i * n + j] = v;
            w[j * n + i] = v;
        }
    }

    /// The self-couplings `wᵢᵢ` (length N, each ≥ 0).
    pub fn self_couplings(&self) -> &[f32] {
        &self.d
    }

    /// Sets the self-couplings `wᵢᵢ` (length N, each finite and ≥ 0). A network with
    /// self-couplings keeps every guarantee of the dynamics (the energy never rises; asynchronous
    /// updates reach a fixed point), and every state has the same energy as without them.
    pub fn set_self_couplings(&mut self, d: &[f32]) -> Result<(), HopfieldError> {
        if d.len() != self.n {
            return Err(HopfieldError::Shape {
                what: "self-couplings",
                expected: self.n,
                got: d.len(),
            });
        }
        if let Some(index) = d.iter().position(|x| !x.is_finite()) {
            return Err(HopfieldError::NotFinite {
                what: "self-couplings",
                index,
            });
        }
        if let Some(index) = d.iter().position(|&x| x < 0.0) {
            return Err(HopfieldError::NegativeSelfCoupling {
                index,
                value: d[index],
            });
        }
        self.zero = false;
        self.d.copy_from_slice(d);
        Ok(())
    }

    /// The input neuron i weighs against its threshold in the deterministic update,
    /// `Σⱼ wᵢⱼ yⱼ + bᵢ = hᵢ + wᵢᵢ yᵢ` with its own self-coupling included, given its local field
    /// `h` (`hᵢ` leaves `wᵢᵢ` out) and its current spin `y`.
    #[inline]
    pub fn drive(&self, i: usize, h: f64, y: i8) -> f64 {
        h + f64::from(self.d[i]) * f64::from(y)
    }

    /// Row i of W (= column i, by symmetry).
    #[inline]
    pub fn row(&self, i: usize) -> &[f32] {
        match self.w.get() {
            Some(w) => &w[i * self.n..(i + 1) * self.n],
            None => {
                assert!(i < self.n, "row {i} of a network of {}", self.n);
                &self.zero_row
            }
        }
    }

    /// Replaces W by ½(W + Wᵀ) and zeroes the diagonal.
    pub fn symmetrize(&mut self) {
        let n = self.n;
        // W never written is zero, hence symmetric.
        let Some(w) = self.w.get_mut() else { return };
        for i in 0..n {
            w[i * n + i] = 0.0;
            for j in 0..i {
                let m = 0.5 * (w[i * n + j] + w[j * n + i]);
                w[i * n + j] = m;
                w[j * n + i] = m;
            }
        }
    }

    /// Sets all weights, biases and self-couplings to zero.
    pub fn clear(&mut self) {
        if self.zero {
            return;
        }
        if let Some(w) = self.w.get_mut() {
            w.fill(0.0);
        }
        self.b.fill(0.0);
        self.d.fill(0.0);
        self.zero = true;
    }

    /// The energy `E(y) = −Σ_{i<j} wᵢⱼ yᵢ yⱼ − Σᵢ bᵢ yᵢ` (lecture, "The Energy of Hopfield
    /// Network"), computed in O(N²) with f64 accumulation. Self-couplings would add the same
    /// constant `−½ Σᵢ wᵢᵢ` to every state and are left out.
    pub fn energy(&self, y: &[i8]) -> f64 {
        debug_assert_eq!(y.len(), self.n);
        let mut pair = 0.0f64;
        let mut bias = 0.0f64;
        for i in 0..self.n {
            let row = self.row(i);
            let mut s = 0.0f64;
            for j in 0..i {
                s += f64::from(row[j]) * f64::from(y[j]);
            }
            pair += s * f64::from(y[i]);
            bias += f64::from(self.b[i]) * f64::from(y[i]);
        }
        -pair - bias
    }

    /// The local field `hᵢ = Σ_{j≠i} wⱼᵢ yⱼ + bᵢ` of one neuron, in O(N), accumulated in f64
    /// (each product `wⱼᵢ yⱼ` is exact; the sum of N + 1 terms is within `(N + 1) u₆₄ Hᵢ` of the
    /// exact value, `Hᵢ = Σⱼ |wⱼᵢ| + |bᵢ|`, `u₆₄ = 2⁻⁵³`).
    #[inline]
    pub fn local_field(&self, y: &[i8], i: usize) -> f64 {
        let row = self.row(i);
        // Four independent partial sums (the adds pipeline and vectorise; the error bound
        // above holds for any order of summation).
        let mut s = [0.0f64; 4];
        let (wc, yc) = (row.chunks_exact(4), y.chunks_exact(4));
        let (wr, yr) = (wc.remainder(), yc.remainder());
        for (w4, y4) in wc.zip(yc) {
            for l in 0..4 {
                s[l] += f64::from(w4[l]) * f64::from(y4[l]);
            }
        }
        for (&w, &yj) in wr.iter().zip(yr) {
            s[0] += f64::from(w) * f64::from(yj);
        }
        (s[0] + s[1]) + (s[2] + s[3]) + f64::from(self.b[i])
    }

    /// All local fields `h = W y + b`, written into `h` (no allocation).
    pub fn local_fields(&self, y: &[i8], h: &mut [f64]) {
        for (i, hi) in h.iter_mut().enumerate().take(self.n) {
            *hi = self.local_field(y, i);
        }
    }
}

/// Flips between two recomputations of a [`State`]'s fields and energy, per neuron: the state
/// refreshes itself after `REFRESH_FLIPS_PER_NEURON · N` flips.
pub const REFRESH_FLIPS_PER_NEURON: usize = 256;

/// A network state `y` together with its local fields `h = W y + b`, kept current
/// incrementally: flipping neuron i adds `2 yᵢ⁺ wᵢⱼ` to every `hⱼ` (one row of W, O(N)), and the
/// energy change of that flip is `ΔE = −2 yᵢ⁺ hᵢ` (lecture: "every flip increases
/// `2yᵢ⁺(Σⱼ wⱼᵢ yⱼ + bᵢ)`" of `D = −E`), so no step recomputes the O(N²) energy.
///
/// # Rounding stays bounded however long a chain runs
/// Fields and energy are f64, and after every `R = `[`REFRESH_FLIPS_PER_NEURON`]` · N` flips
/// both are recomputed from `W`, `b` and `y` (an O(N²) refresh per O(N²) worth of flips, so the
/// amortised cost of a flip stays O(N), about 0.6 % more). Each flip adds the exact number
/// `±2wᵢⱼ` (an f32 widened to f64) to each field, with one rounding of at most `u₆₄ |hⱼ|`,
/// `u₆₄ = 2⁻⁵³`; with `Hⱼ = Σᵢ |wᵢⱼ| + |bⱼ|` (no field can be larger) and
/// `S = Σ_{i<j} |wᵢⱼ| + Σᵢ |bᵢ|` (no energy can be larger), at every moment, to first order in
/// `u₆₄`:
///
/// `|hⱼ − hⱼ^exact| ≤ (N + 1 + R) u₆₄ Hⱼ`,
/// `|E − E^exact| ≤ (N + 1 + R) u₆₄ S + 2R (N + 1 + R) u₆₄ maxⱼ Hⱼ`
///
/// (the first term of each is the refresh's own summation error). Fields kept in f32 without
/// a refresh drift instead: 10⁷ Gibbs sweeps of 8 units left them off by ~4·10⁻², and the
/// total-variation distance of successive 2·10⁶-sweep histograms to the exact distribution rose
/// from 0.002 to 0.010 (with this scheme it stays at its noise floor, 0.002–0.003).
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    y: Vec<i8>,
    h: Vec<f64>,
    energy: f64,
    /// Flips since the last full recomputation.
    since_refresh: usize,
}

impl State {
    /// The state `y` (validated: ±1 entries, length N) on network `net`.
    pub fn new(net: &Network, y: Vec<i8>) -> Result<Self, HopfieldError> {
        if y.len() != net.n() {
            return Err(HopfieldError::Shape {
                what: "state",
                expected: net.n(),
                got: y.len(),
            });
        }
        if let Some(index) = y.iter().position(|&v| v != 1 && v != -1) {
            return Err(HopfieldError::NotSpin {
                index,
                value: y[index],
            });
        }
        let mut s = Self {
            y,
            h: vec![0.0; net.n()],
            energy: 0.0,
            since_refresh: 0,
        };
        s.refresh(net);
        Ok(s)
    }

    /// Recomputes `h` and `E` from scratch in f64 (after the weights changed; [`State::flip`]
    /// also calls it on its schedule).
    pub fn refresh(&mut self, net: &Network) {
        self.since_refresh = 0;
        if net.zero {
            // W = 0 and b = 0: every field and the energy are exactly 0.
            self.h.fill(0.0);
            self.energy = 0.0;
            return;
        }
        net.local_fields(&self.y, &mut self.h);
        // E = −½ Σᵢ yᵢ (hᵢ − bᵢ) − Σᵢ bᵢ yᵢ from the fresh fields: O(N), not a second O(N²).
        let (mut pair, mut bias) = (0.0f64, 0.0f64);
        for ((&yi, &hi), &bi) in self.y.iter().zip(&self.h).zip(net.bias()) {
            let (yi, bi) = (f64::from(yi), f64::from(bi));
            pair += yi * (hi - bi);
            bias += bi * yi;
        }
        self.energy = -0.5 * pair - bias;
        self.since_refresh = 0;
    }

    /// Overwrites the state with `y` (must be ±1, length N) and refreshes the fields.
    pub fn set(&mut self, net: &Network, y: &[i8]) -> Result<(), HopfieldError> {
        if y.len() != self.y.len() {
            return Err(HopfieldError::Shape {
                what: "state",
                expected: self.y.len(),
                got: y.len(),
            });
        }
        if let Some(index) = y.iter().position(|&v| v != 1 && v != -1) {
            return Err(HopfieldError::NotSpin {
                index,
                value: y[index],
            });
        }
        self.y.copy_from_slice(y);
        self.refresh(net);
        Ok(())
    }

    /// Edits the spins in place with `edit` (e.g. paint many pixels, or write a cue into part of
    /// the state), then checks they are all ±1 and refreshes `h` and `E` (O(N²)). If the edit
    /// leaves a value other than ±1, that entry is reset to −1 and an error is returned (fields
    /// are still refreshed, so the state stays consistent). No allocation.
    pub fn modify(
        &mut self,
        net: &Network,
        edit: impl FnOnce(&mut [i8]),
    ) -> Result<(), HopfieldError> {
        edit(&mut self.y);
        let bad = self.y.iter().position(|&v| v != 1 && v != -1);
        let mut result = Ok(());
        if let Some(index) = bad {
            result = Err(HopfieldError::NotSpin {
                index,
                value: self.y[index],
            });
            for v in self.y.iter_mut() {
                if *v != 1 {
                    *v = -1;
                }
            }
        }
        self.refresh(net);
        result
    }

    /// The spins.
    pub fn y(&self) -> &[i8] {
        &self.y
    }

    /// The local fields `h = W y + b` (within the bound in the type's docs).
    pub fn fields(&self) -> &[f64] {
        &self.h
    }

    /// The energy E(y), tracked through flips.
    pub fn energy(&self) -> f64 {
        self.energy
    }

    /// `ΔE` if neuron i were flipped: `−2 yᵢ⁺ hᵢ = 2 yᵢ hᵢ`.
    #[inline]
    pub fn flip_delta(&self, i: usize) -> f64 {
        2.0 * f64::from(self.y[i]) * self.h[i]
    }

    /// Flips neuron i, updating every field with one row of W and the energy by `ΔE`; every
    /// `REFRESH_FLIPS_PER_NEURON · N` flips the fields and energy are recomputed instead, which
    /// bounds their rounding error (see the type's docs).
    #[inline]
    pub fn flip(&mut self, net: &Network, i: usize) {
        self.energy += self.flip_delta(i);
        self.y[i] = -self.y[i];
        let s = 2.0 * f64::from(self.y[i]);
        for (h, &w) in self.h.iter_mut().zip(net.row(i)) {
            *h += s * f64::from(w); // hⱼ += 2 yᵢ⁺ wᵢⱼ (the increment is exact in f64)
        }
        self.since_refresh += 1;
        if self.since_refresh >= REFRESH_FLIPS_PER_NEURON * self.y.len() {
            self.refresh(net);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn a_network_never_written_reads_as_zero_and_equals_a_written_zero_one() {
        let n = 6;
        let fresh = Network::new(n).expect("size");
        assert!(fresh.w.get().is_none(), "no N² buffer until W is used");
        assert_eq!(fresh.row(3), &[0.0; 6]);
        assert_eq!(fresh.weight(2, 5), 0.0);
        assert_eq!(fresh.energy(&[1, -1, 1, 1, -1, 1]), 0.0);
        let mut written = fresh.clone();
        written.set_weight(1, 2, 0.5);
        assert_ne!(written, fresh);
        written.set_weight(1, 2, 0.0);
        assert!(written.w.get().is_some());
        assert_eq!(
            written, fresh,
            "an allocated zero W equals one never written"
        );
        assert_eq!(fresh, written);
        let mut sym = fresh.clone();
        sym.symmetrize();
        sym.clear();
        assert!(
            sym.w.get().is_none(),
            "symmetrising or clearing a zero W allocates nothing"
        );
        assert_eq!(
            fresh.weights(),
            &[0.0; 36][..],
            "read whole, it is N² zeros"
        );
        assert!(Network::with_zero_buffer(n, vec![0.0; 35]).is_none());
        assert_eq!(Network::with_zero_buffer(n, vec![0.0; 36]), Some(fresh));
    }

    fn random_net(n: usize, rng: &mut Rng) -> Network {
        let mut net = Network::new(n).expect("size");
        for i in 0..n {
            for j in 0..i {
                net.set_weight(i, j, rng.normal() as f32);
            }
            net.bias_mut()[i] = rng.normal() as f32;
        }
        net
    }

    #[test]
    fn energy_matches_pair_sum() {
        let mut rng = Rng::new(7);
        let net = random_net(9, &mut rng);
        let y: Vec<i8> = (0..9).map(|_| rng.spin()).collect();
        let mut e = 0.0f64;
        for i in 0..9 {
            for j in (i + 1)..9 {
                e -= f64::from(net.weight(i, j)) * f64::from(y[i] * y[j]);
            }
            e -= f64::from(net.bias()[i]) * f64::from(y[i]);
        }
        assert!((net.energy(&y) - e).abs() < 1e-9);
    }

    #[test]
    fn incremental_fields_and_energy_match_recompute() {
        let mut rng = Rng::new(8);
        let net = random_net(40, &mut rng);
        let y: Vec<i8> = (0..40).map(|_| rng.spin()).collect();
        let mut s = State::new(&net, y).expect("state");
        for _ in 0..5000 {
            let i = rng.below(40);
            let before = s.energy();
            let d = s.flip_delta(i);
            s.flip(&net, i);
            assert!((s.energy() - before - d).abs() < 1e-9);
        }
        let mut h = vec![0.0; 40];
        net.local_fields(s.y(), &mut h);
        for (a, b) in h.iter().zip(s.fields()) {
            assert!((a - b).abs() < 1e-3, "{a} vs {b}");
        }
        // Rounding is bounded by the refresh schedule; 5000 flips stay well inside 1e-4 relative.
        let err = (net.energy(s.y()) - s.energy()).abs();
        assert!(err < 1e-4 * (1.0 + s.energy().abs()), "drift {err}");
    }

    #[test]
    fn self_couplings_are_validated_and_cleared() {
        let mut net = Network::new(3).expect("size");
        assert!(net.set_self_couplings(&[0.5, 0.0]).is_err());
        assert!(net.set_self_couplings(&[0.5, f32::NAN, 0.0]).is_err());
        assert_eq!(
            net.set_self_couplings(&[0.5, -0.1, 0.0]),
            Err(HopfieldError::NegativeSelfCoupling {
                index: 1,
                value: -0.1
            })
        );
        net.set_self_couplings(&[0.5, 0.25, 0.0]).expect("valid");
        assert_eq!(net.drive(0, 0.1, -1), 0.1 - 0.5);
        assert_eq!(net.drive(1, 0.1, 1), 0.1 + 0.25);
        // The energy ignores them (a constant shift).
        assert_eq!(net.energy(&[1, -1, 1]), 0.0);
        net.clear();
        assert_eq!(net.self_couplings(), &[0.0; 3]);
    }

    #[test]
    fn validation() {
        assert!(Network::new(0).is_err());
        assert!(Network::from_parts(2, vec![0.0, 1.0, 2.0, 0.0], vec![0.0; 2]).is_err());
        assert!(Network::from_parts(2, vec![0.0, f32::NAN, f32::NAN, 0.0], vec![0.0; 2]).is_err());
        let net = Network::new(3).expect("size");
        assert!(State::new(&net, vec![1, 0, 1]).is_err());
        assert!(State::new(&net, vec![1, 1]).is_err());
    }
}
