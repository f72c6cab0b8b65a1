//! Gibbs sampling of the stochastic Hopfield network at temperature `T` (lecture, "Stochastic
//! Hopfield Network"; Geman & Geman, "Stochastic relaxation, Gibbs distributions, and the
//! Bayesian restoration of images", IEEE PAMI 6, 1984).
//!
//! Conventions: spins `yᵢ = ±1`, `k = 1`, `E(y) = −½ yᵀWy − bᵀy`, `hᵢ = Σ_{j≠i} wᵢⱼ yⱼ + bᵢ`.
//!
//! # The conditional, derived from E (the slide has a slip)
//! Let `y⁺` and `y⁻` agree everywhere except `yᵢ = +1` in `y⁺` and `yᵢ = −1` in `y⁻`. The terms
//! of `E` that contain `yᵢ` are `−yᵢ (Σ_{j≠i} wᵢⱼ yⱼ + bᵢ) = −yᵢ hᵢ` (`wᵢᵢ = 0`, so `hᵢ` does not
//! depend on `yᵢ`), hence `E(y⁺) = R − hᵢ` and `E(y⁻) = R + hᵢ` with the same rest `R`. So
//!
//! `log P(y⁺)/P(y⁻) = (E(y⁻) − E(y⁺)) / T = 2 hᵢ / T = 2 (Σⱼ wᵢⱼ yⱼ + bᵢ) / T`,
//!
//! and since `P(y⁺)/P(y⁻) = P(yᵢ=+1 | rest) / (1 − P(yᵢ=+1 | rest))`,
//!
//! `P(yᵢ = +1 | y_{j≠i}) = σ(2 hᵢ / T)`, `σ(z) = 1 / (1 + e^{−z})`.
//!
//! The lecture's slide writes the log-odds as `−Σⱼ wᵢⱼ yⱼ − 2bᵢ` (sign flipped, and a factor 2 on
//! the bias only); the field it then uses, `zᵢ = Σⱼ wᵢⱼ yⱼ + 2bᵢ`, is still off by the factor 2 on
//! the weights. Equivalently, flipping neuron `i` changes the energy by `ΔE = 2 yᵢ hᵢ`
//! ([`State::flip_delta`]). With 0/1 units `sᵢ` and `E = −½ sᵀWs − bᵀs` the same argument gives
//! `E(sᵢ=0) − E(sᵢ=1) = hᵢ`, so there the conditional is `σ(hᵢ / T)` — the lecture's Boltzmann
//! machine slide form `zᵢ = (1/T) Σⱼ wⱼᵢ yⱼ`. Using `σ(hᵢ/T)` with ±1 spins samples at `2T`.
//!
//! Limits: `T = 0` is the deterministic Hopfield update `yᵢ = Θ(hᵢ)` with the lecture's tie rule
//! (`hᵢ = 0 → −1`); `T = +∞` makes every update a fair coin. Self-couplings `wᵢᵢ`
//! ([`Network::self_couplings`], set only by the projection rule) shift every energy by the same
//! constant, so they do not enter the conditional at any `T`.

use std::ops::Range;

use super::{check_state, BoltzmannError, Network, State};
use crate::rng::Rng;
/// The temperature type shared by the whole core (see [`crate::temperature`]).
pub use crate::temperature::Temperature;

/// `P(yᵢ = +1 | rest) = σ(2hᵢ/T)` for local field `h` (see the module docs for the derivation).
/// At `T = 0` (or `β` overflowing to `+∞`) this is `Θ(h)` with `Θ(0) = 0` (tie → −1).
#[inline]
pub fn p_plus(h: f64, t: Temperature) -> f64 {
    if t.is_deterministic() {
        // Deterministic limit yᵢ = Θ(hᵢ), with the lecture's tie rule h = 0 → −1.
        return if h > 0.0 { 1.0 } else { 0.0 };
    }
    // σ(2βh) = 1 / (1 + exp(−2hᵢ/T)); exp overflow gives 1/∞ = 0, the correct limit.
    1.0 / (1.0 + (-2.0 * t.beta() * h).exp())
}

/// The order in which a sweep visits the neurons. Both leave the Boltzmann distribution
/// invariant (Geman & Geman 1984).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum GibbsOrder {
    /// `i = 0, 1, …, N−1` (the lecture's "cycle over yᵢ").
    Sequential,
    /// `N` sites drawn uniformly at random with replacement (random-scan Gibbs).
    Random,
}

/// What one Gibbs update did; passed to observers so a view can animate single updates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpinUpdate {
    /// The neuron updated.
    pub i: usize,
    /// `P(yᵢ = +1 | rest)` that was used.
    pub p_plus: f64,
    /// Whether the neuron changed sign.
    pub flipped: bool,
    /// The energy after the update.
    pub energy: f64,
}

/// One Gibbs update of neuron `i`: draws `yᵢ = +1` with probability `σ(2hᵢ/T)`, else `−1`,
/// updating the state's fields and energy incrementally (one row of W if it flips).
/// At `T = 0` no random number is drawn. `i` must be `< N` and `state` must belong to `net`:
/// this hot-loop primitive panics on an out-of-range `i` (the sweep functions check both and
/// return an error instead).
#[inline]
pub fn gibbs_update(
    net: &Network,
    state: &mut State,
    i: usize,
    t: Temperature,
    rng: &mut Rng,
) -> SpinUpdate {
    debug_assert!(i < net.n() && state.y().len() == net.n());
    let p = p_plus(state.fields()[i], t);
    // yᵢ ~ Bernoulli(σ(2hᵢ/T)) on {−1, +1}; at T = 0, p ∈ {0, 1} and no draw is needed.
    let up = if t.is_deterministic() {
        p > 0.5
    } else {
        rng.uniform() < p
    };
    let target: i8 = if up { 1 } else { -1 };
    let flipped = state.y()[i] != target;
    if flipped {
        state.flip(net, i);
    }
    SpinUpdate {
        i,
        p_plus: p,
        flipped,
        energy: state.energy(),
    }
}

/// One sweep of Gibbs updates over the neurons in `sites` (e.g. `n_v..N` to sample the hidden
/// units with the visible ones clamped). `Sequential` visits each site once in order; `Random`
/// makes `sites.len()` updates at uniformly drawn sites. Calls `on_update` after every update;
/// returns the number of flips. No allocation.
///
/// Errors if `state` does not match `net` or `sites` is not inside `0..N`.
pub fn gibbs_sweep_sites(
    net: &Network,
    state: &mut State,
    t: Temperature,
    sites: Range<usize>,
    order: GibbsOrder,
    rng: &mut Rng,
    on_update: &mut dyn FnMut(SpinUpdate),
) -> Result<usize, BoltzmannError> {
    check_state(net, state)?;
    if sites.start > sites.end || sites.end > net.n() {
        return Err(BoltzmannError::Shape {
            what: "sweep range end",
            expected: net.n(),
            got: sites.end,
        });
    }
    let len = sites.end - sites.start;
    let mut flips = 0;
    for k in 0..len {
        let i = match order {
            GibbsOrder::Sequential => sites.start + k,
            GibbsOrder::Random => sites.start + rng.below(len),
        };
        let u = gibbs_update(net, state, i, t, rng);
        flips += usize::from(u.flipped);
        on_update(u);
    }
    Ok(flips)
}

/// One Gibbs sweep over all `N` neurons (see [`gibbs_sweep_sites`]); returns the number of flips.
pub fn gibbs_sweep(
    net: &Network,
    state: &mut State,
    t: Temperature,
    order: GibbsOrder,
    rng: &mut Rng,
    on_update: &mut dyn FnMut(SpinUpdate),
) -> Result<usize, BoltzmannError> {
    gibbs_sweep_sites(net, state, t, 0..net.n(), order, rng, on_update)
}

/// `sweeps` Gibbs sweeps over all neurons (a batch call for one animation frame); `on_sweep`
/// receives `(sweep index, flips in that sweep, energy after it)`. Returns the total flips.
pub fn gibbs_sweeps(
    net: &Network,
    state: &mut State,
    t: Temperature,
    order: GibbsOrder,
    sweeps: usize,
    rng: &mut Rng,
    on_sweep: &mut dyn FnMut(usize, usize, f64),
) -> Result<usize, BoltzmannError> {
    let mut total = 0;
    for s in 0..sweeps {
        let flips = gibbs_sweep(net, state, t, order, rng, &mut |_| {})?;
        total += flips;
        on_sweep(s, flips, state.energy());
    }
    Ok(total)
}

/// The running average of the last `M` states of a chain, for retrieval by averaging
/// (lecture: `yᵢ = I[(1/M) Σ_{t=L−M+1}^{L} yᵢ(t) > 0]`, here mapped to ±1). A ring buffer of
/// `M × N` spins and integer sums, allocated once; [`SpinAverage::push`] is O(N).
#[derive(Clone, Debug)]
pub struct SpinAverage {
    n: usize,
    window: usize,
    ring: Vec<i8>,
    sums: Vec<i32>,
    next: usize,
    filled: usize,
}

impl SpinAverage {
    /// Averages over the last `window = M` samples of `n` neurons; `1 ≤ M ≤ 100 000`, `n ≥ 1`.
    pub fn new(n: usize, window: usize) -> Result<Self, BoltzmannError> {
        if n == 0 {
            return Err(BoltzmannError::Parameter {
                name: "number of neurons",
                value: 0.0,
                rule: "≥ 1",
            });
        }
        if window == 0 || window > 100_000 {
            return Err(BoltzmannError::Parameter {
                name: "averaging window M",
                value: window as f64,
                rule: "in 1..=100000",
            });
        }
        Ok(Self {
            n,
            window,
            ring: vec![0; n * window],
            sums: vec![0; n],
            next: 0,
            filled: 0,
        })
    }

    /// Adds a sample (length N); the oldest one leaves the window once `M` are held.
    pub fn push(&mut self, y: &[i8]) -> Result<(), BoltzmannError> {
        if y.len() != self.n {
            return Err(BoltzmannError::Shape {
                what: "sample",
                expected: self.n,
                got: y.len(),
            });
        }
        let slot = &mut self.ring[self.next * self.n..(self.next + 1) * self.n];
        for ((s, old), &new) in self.sums.iter_mut().zip(slot.iter_mut()).zip(y) {
            // Σ over the window: add the new sample, drop the one it overwrites (0 when empty).
            *s += i32::from(new) - i32::from(*old);
            *old = new;
        }
        self.next = (self.next + 1) % self.window;
        self.filled = (self.filled + 1).min(self.window);
        Ok(())
    }

    /// The window length `M`.
    pub fn window(&self) -> usize {
        self.window
    }

    /// Number of samples currently averaged (`≤ M`).
    pub fn count(&self) -> usize {
        self.filled
    }

    /// `(1/M) Σ yᵢ(t)` of neuron `i` over the window (0 when empty).
    pub fn mean(&self, i: usize) -> f64 {
        if self.filled == 0 {
            0.0
        } else {
            f64::from(self.sums[i]) / self.filled as f64
        }
    }

    /// Writes the retrieved pattern `yᵢ = +1 if (1/M) Σ yᵢ(t) > 0 else −1` into `out`
    /// (length N; a zero average maps to −1, as `I[· > 0] = 0` does).
    pub fn retrieve(&self, out: &mut [i8]) -> Result<(), BoltzmannError> {
        if out.len() != self.n {
            return Err(BoltzmannError::Shape {
                what: "output pattern",
                expected: self.n,
                got: out.len(),
            });
        }
        for (o, &s) in out.iter_mut().zip(&self.sums) {
            // yᵢ = I[(1/M) Σ yᵢ(t) > 0], mapped {0, 1} → {−1, +1}.
            *o = if s > 0 { 1 } else { -1 };
        }
        Ok(())
    }

    /// Empties the window.
    pub fn clear(&mut self) {
        self.ring.fill(0);
        self.sums.fill(0);
        self.next = 0;
        self.filled = 0;
    }
}

/// Retrieval by averaging (lecture, "Stochastic Hopfield Network"): runs `burn_in` sweeps, then
/// `avg.window()` more sweeps pushing each state into `avg` (cleared first), and writes the
/// averaged pattern into `out`. The last state (the lecture's other option, `y_L`) is left in
/// `state`. No allocation.
#[allow(clippy::too_many_arguments)]
pub fn retrieve_by_average(
    net: &Network,
    state: &mut State,
    t: Temperature,
    order: GibbsOrder,
    burn_in: usize,
    avg: &mut SpinAverage,
    rng: &mut Rng,
    out: &mut [i8],
) -> Result<(), BoltzmannError> {
    check_state(net, state)?;
    if avg.n != net.n() {
        return Err(BoltzmannError::Shape {
            what: "average buffer",
            expected: net.n(),
            got: avg.n,
        });
    }
    for _ in 0..burn_in {
        gibbs_sweep(net, state, t, order, rng, &mut |_| {})?;
    }
    avg.clear();
    for _ in 0..avg.window {
        gibbs_sweep(net, state, t, order, rng, &mut |_| {})?;
        avg.push(state.y())?;
    }
    avg.retrieve(out)
}

/// Benchmark workload (no timing inside): `sweeps` sequential Gibbs sweeps at `T = 1` on a random
/// network of `n` neurons (weights `N(0, 1/n)`, biases `N(0, 0.1²)`, seeded by `seed`).
/// Returns a checksum (sum of the energies after each sweep); `0.0` if `n` is not a valid size.
pub fn bench_gibbs_sweeps(n: usize, sweeps: usize, seed: u64) -> f64 {
    let mut rng = Rng::new(seed);
    let Ok(mut net) = Network::new(n) else {
        return 0.0;
    };
    let scale = 1.0 / (n as f64).sqrt();
    for i in 0..n {
        for j in 0..i {
            net.set_weight(i, j, (scale * rng.normal()) as f32);
        }
        net.bias_mut()[i] = (0.1 * rng.normal()) as f32;
    }
    let y: Vec<i8> = (0..n).map(|_| rng.spin()).collect();
    let Ok(mut state) = State::new(&net, y) else {
        return 0.0;
    };
    let mut checksum = 0.0;
    for _ in 0..sweeps {
        if gibbs_sweep(
            &net,
            &mut state,
            Temperature::ONE,
            GibbsOrder::Sequential,
            &mut rng,
            &mut |_| {},
        )
        .is_err()
        {
            return 0.0;
        }
        checksum += state.energy();
    }
    checksum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net_with(n: usize, w: &[(usize, usize, f32)], b: &[f32]) -> Network {
        let mut net = Network::new(n).expect("size");
        for &(i, j, v) in w {
            net.set_weight(i, j, v);
        }
        net.bias_mut().copy_from_slice(b);
        net
    }

    #[test]
    fn temperature_validation() {
        let e = Temperature::new(f64::NAN).expect_err("NaN");
        assert!(e.to_string().contains("NaN"), "{e}");
        assert!(Temperature::new(-1.0).is_err());
        assert!(Temperature::new(0.0).expect("0").is_deterministic());
        assert_eq!(Temperature::new(f64::INFINITY).expect("inf").beta(), 0.0);
        assert!(Temperature::new(1e-320)
            .expect("subnormal")
            .is_deterministic());
    }

    #[test]
    fn conditional_is_sigma_of_2h_over_t() {
        // Direct check of the derivation: P(+)/P(−) = exp((E(y⁻) − E(y⁺))/T).
        let net = net_with(
            3,
            &[(0, 1, 0.7), (1, 2, -0.4), (0, 2, 0.2)],
            &[0.3, -0.1, 0.5],
        );
        let t = Temperature::new(1.7).expect("T");
        let mut yp = [1i8, -1, 1];
        let mut ym = yp;
        ym[1] = -1;
        yp[1] = 1;
        let ratio = ((net.energy(&ym) - net.energy(&yp)) / 1.7).exp();
        let h = net.local_field(&yp, 1);
        let p = p_plus(h, t);
        assert!((p / (1.0 - p) - ratio).abs() < 1e-5 * ratio);
    }

    #[test]
    fn limits_of_p_plus() {
        assert_eq!(p_plus(0.0, Temperature::ZERO), 0.0); // tie → −1
        assert_eq!(p_plus(1e-9, Temperature::ZERO), 1.0);
        assert_eq!(p_plus(-3.0, Temperature::ZERO), 0.0);
        assert_eq!(p_plus(123.0, Temperature::INFINITE), 0.5);
        let tiny = Temperature::new(1e-300).expect("T");
        assert_eq!(p_plus(1.0, tiny), 1.0);
        assert_eq!(p_plus(-1.0, tiny), 0.0);
        assert!(!p_plus(0.0, tiny).is_nan());
    }

    #[test]
    fn zero_temperature_descends_and_is_deterministic() {
        let mut rng = Rng::new(11);
        let n = 30;
        let mut net = Network::new(n).expect("size");
        for i in 0..n {
            for j in 0..i {
                net.set_weight(i, j, rng.normal() as f32);
            }
        }
        for trial in 0..10 {
            let y: Vec<i8> = (0..n).map(|_| rng.spin()).collect();
            let mut a = State::new(&net, y.clone()).expect("state");
            let mut b = State::new(&net, y).expect("state");
            let (mut ra, mut rb) = (Rng::new(trial), Rng::new(1000 + trial));
            for _ in 0..20 {
                let mut last = a.energy();
                let mut rose = false;
                gibbs_sweep(
                    &net,
                    &mut a,
                    Temperature::ZERO,
                    GibbsOrder::Sequential,
                    &mut ra,
                    &mut |u| {
                        rose |= u.energy > last + 1e-9;
                        last = u.energy;
                    },
                )
                .expect("sweep");
                assert!(!rose, "energy rose at T = 0");
                gibbs_sweep(
                    &net,
                    &mut b,
                    Temperature::ZERO,
                    GibbsOrder::Sequential,
                    &mut rb,
                    &mut |_| {},
                )
                .expect("sweep");
            }
            assert_eq!(a.y(), b.y(), "T = 0 must not depend on the random stream");
        }
    }

    #[test]
    fn zero_field_tie_goes_to_minus_one() {
        let net = Network::new(2).expect("size");
        let mut s = State::new(&net, vec![1, 1]).expect("state");
        let mut rng = Rng::new(1);
        gibbs_sweep(
            &net,
            &mut s,
            Temperature::ZERO,
            GibbsOrder::Sequential,
            &mut rng,
            &mut |_| {},
        )
        .expect("sweep");
        assert_eq!(s.y(), &[-1, -1]);
    }

    #[test]
    fn single_spin_frequency_matches_sigma() {
        // One neuron with bias b: P(+1) = σ(2b/T). 200k draws, sd ≈ 0.0011; 5 sd.
        let net = net_with(1, &[], &[0.4]);
        let mut s = State::new(&net, vec![1]).expect("state");
        let t = Temperature::new(0.8).expect("T");
        let mut rng = Rng::new(5);
        let draws = 200_000;
        let mut ups = 0;
        for _ in 0..draws {
            gibbs_update(&net, &mut s, 0, t, &mut rng);
            ups += usize::from(s.y()[0] == 1);
        }
        let want = 1.0 / (1.0 + (-2.0 * 0.4 / 0.8f64).exp());
        let got = ups as f64 / draws as f64;
        assert!((got - want).abs() < 0.0055, "{got} vs {want}");
    }

    #[test]
    fn sweep_validates_shapes() {
        let net = Network::new(3).expect("size");
        let other = Network::new(4).expect("size");
        let mut s = State::new(&other, vec![1; 4]).expect("state");
        let mut rng = Rng::new(0);
        let e = gibbs_sweep(
            &net,
            &mut s,
            Temperature::ONE,
            GibbsOrder::Random,
            &mut rng,
            &mut |_| {},
        )
        .expect_err("mismatch");
        assert!(e.to_string().contains("state"), "{e}");
        let mut s3 = State::new(&net, vec![1; 3]).expect("state");
        assert!(gibbs_sweep_sites(
            &net,
            &mut s3,
            Temperature::ONE,
            1..5,
            GibbsOrder::Sequential,
            &mut rng,
            &mut |_| {}
        )
        .is_err());
    }

    #[test]
    fn clamped_sweep_leaves_other_sites_alone() {
        let mut rng = Rng::new(9);
        let net = net_with(4, &[(0, 3, 2.0), (1, 2, -1.0)], &[0.0; 4]);
        let mut s = State::new(&net, vec![1, -1, 1, -1]).expect("state");
        for _ in 0..100 {
            gibbs_sweep_sites(
                &net,
                &mut s,
                Temperature::ONE,
                2..4,
                GibbsOrder::Random,
                &mut rng,
                &mut |u| assert!(u.i >= 2),
            )
            .expect("sweep");
            assert_eq!(&s.y()[..2], &[1, -1]);
        }
    }

    #[test]
    fn spin_average_window_and_retrieval() {
        let mut avg = SpinAverage::new(2, 3).expect("avg");
        avg.push(&[1, -1]).expect("push");
        avg.push(&[1, 1]).expect("push");
        assert_eq!(avg.count(), 2);
        assert!((avg.mean(1) - 0.0).abs() < 1e-12);
        let mut out = [0i8; 2];
        avg.retrieve(&mut out).expect("retrieve");
        assert_eq!(out, [1, -1]); // zero average → −1
        avg.push(&[-1, 1]).expect("push");
        avg.push(&[-1, 1]).expect("push"); // drops the first sample [1, −1]
        assert_eq!(avg.count(), 3);
        assert!((avg.mean(0) - (-1.0 / 3.0)).abs() < 1e-12);
        assert!((avg.mean(1) - 1.0).abs() < 1e-12);
        avg.retrieve(&mut out).expect("retrieve");
        assert_eq!(out, [-1, 1]);
        assert!(avg.push(&[1]).is_err());
        assert!(SpinAverage::new(2, 0).is_err());
    }

    #[test]
    fn retrieval_by_average_recovers_stored_pattern() {
        // Hebbian storage of one pattern; at T = 0.5 the chain stays near ±ξ; start near ξ.
        let n = 20;
        let mut rng = Rng::new(3);
        let xi: Vec<i8> = (0..n).map(|_| rng.spin()).collect();
        let mut net = Network::new(n).expect("size");
        for i in 0..n {
            for j in 0..i {
                net.set_weight(i, j, f32::from(xi[i] * xi[j]) / n as f32);
            }
        }
        let mut start = xi.clone();
        for v in start.iter_mut().take(4) {
            *v = -*v;
        }
        let mut s = State::new(&net, start).expect("state");
        let mut avg = SpinAverage::new(n, 50).expect("avg");
        let mut out = vec![0i8; n];
        let t = Temperature::new(0.5).expect("T");
        retrieve_by_average(
            &net,
            &mut s,
            t,
            GibbsOrder::Sequential,
            20,
            &mut avg,
            &mut rng,
            &mut out,
        )
        .expect("retrieve");
        assert_eq!(out, xi);
    }

    #[test]
    fn bench_is_replayable() {
        let a = bench_gibbs_sweeps(16, 50, 7);
        assert_eq!(a, bench_gibbs_sweeps(16, 50, 7));
        assert!(a.is_finite() && a != 0.0);
        assert_eq!(bench_gibbs_sweeps(0, 5, 1), 0.0);
    }
}
