//! Warm-up for HMC and NUTS: step-size adaptation by dual averaging (Hoffman & Gelman, "The
//! No-U-Turn Sampler", JMLR 15, 2014, §3.2, Algorithms 4, 5 and 6) and a diagonal mass matrix
//! estimated in warm-up windows as Stan does (Stan Reference Manual, "HMC algorithm
//! parameters": adaptation windows; `windowed_adaptation` in Stan's sources).
//!
//! **Dual averaging.** During the first `M_adapt` iterations the step size follows Nesterov's
//! dual averaging on the statistic `H_m = δ − α_m`, where `α_m` is the transition's acceptance
//! statistic and δ the target acceptance (the paper recommends δ = 0.65):
//!
//! `H̄_m = (1 − 1/(m + t₀)) H̄_{m−1} + (1/(m + t₀)) (δ − α_m)`,
//! `log ε_m = μ − (√m/γ) H̄_m`,
//! `log ε̄_m = m^{−κ} log ε_m + (1 − m^{−κ}) log ε̄_{m−1}`,
//!
//! with `μ = log(10 ε₀)`, `γ = 0.05`, `t₀ = 10`, `κ = 0.75`. After warm-up ε is frozen at
//! `ε̄_{M_adapt}`, so the chain from then on is an ordinary (exact) HMC or NUTS chain.
//! For HMC (Algorithm 5) `α_m = min(1, exp(−ΔH))` and the trajectory length `λ = εL` is kept,
//! `L_m = max(1, round(λ/ε_m))`. For NUTS (Algorithm 6) `α_m = (1/n_α) Σ min(1, exp(ℒ(θ′, r′) −
//! ℒ(θ, r₀)))` over the leapfrog points of the last doubling's subtree. That statistic is
//! computed here from the sampler's [`Event2d::Momentum`] and [`Event2d::Leapfrog`] reports (one
//! extra energy evaluation per leapfrog step), so the NUTS code stays untouched; it is also
//! reported after warm-up, for the page's acceptance plot.
//! ε₀ comes from the caller or from the paper's heuristic (Algorithm 4, [`find_reasonable_epsilon`]).
//!
//! **Diagonal mass matrix.** HMC with mass matrix `M = diag(1/s²)` is unit-mass HMC in the
//! coordinates `y = x ⊘ s` (Neal, "MCMC using Hamiltonian dynamics", 2011, §4.1), so the
//! inner sampler runs unchanged on the rescaled energy `E(s ∘ y)` and every reported point is
//! mapped back to `x`. Stan's schedule splits warm-up into a fast initial buffer (75
//! iterations), slow windows of 25, 50, 100, … iterations (the last one stretched to the end)
//! and a fast terminal buffer (50); for `M_adapt < 150` the buffers are 15 % and 10 % of
//! warm-up. At the end of each slow window the inverse metric `M⁻¹ = s²` becomes the
//! regularised window variance `(n/(n + 5)) Var + 10⁻³ · 5/(n + 5)`, ε is re-initialised by
//! Algorithm 4 and dual averaging restarts with `μ = log(10 ε)`.

use super::fault::Fault;
use super::hmc::MAX_LEAPFROG;
use super::nuts::MAX_TREE_DEPTH;
use super::{
    check_count, check_positive, check_temperature, is_finite2, potential_and_grad, ChainState,
    Event2d, Hmc, Nuts, OnEvent, RunningMoments, Sampler2d, SamplerError, StepResult, Transition,
};
use crate::fastmath::{exp, ln, powf};
use crate::landscape::{Bounds, Energy2d};
use crate::rng::Rng;

/// Largest warm-up length M_adapt.
pub const MAX_WARMUP: u64 = 10_000_000;

/// The paper's γ (how strongly ε is pulled towards μ).
pub const GAMMA: f64 = 0.05;
/// The paper's t₀ (stabilises the first iterations).
pub const T0: f64 = 10.0;
/// The paper's κ (decay of the averaging weights m^−κ).
pub const KAPPA: f64 = 0.75;

/// Nesterov's dual averaging of `log ε` (Hoffman & Gelman 2014, eq. (6) and the update of
/// `log ε̄` below it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DualAveraging {
    mu: f64,
    delta: f64,
    h_bar: f64,
    log_eps: f64,
    log_eps_bar: f64,
    m: u64,
    sign: f64,
}

impl DualAveraging {
    /// Starts at `ε₀ > 0` with target acceptance `δ ∈ (0, 1)`; `μ = log(10 ε₀)`.
    pub fn new(eps0: f64, delta: f64) -> Result<Self, SamplerError> {
        let eps0 = check_positive("initial step size ε₀", eps0)?;
        let delta = check_delta(delta)?;
        Ok(Self {
            mu: ln(10.0 * eps0),
            delta,
            h_bar: 0.0,
            log_eps: ln(eps0),
            log_eps_bar: 0.0,
            m: 0,
            sign: 1.0,
        })
    }

    /// Restarts from `ε₀` (H̄ = 0, m = 0, μ = log(10 ε₀)); δ is kept.
    pub fn restart(&mut self, eps0: f64) {
        let sign = self.sign;
        *self = Self {
            mu: ln(10.0 * eps0),
            delta: self.delta,
            h_bar: 0.0,
            log_eps: ln(eps0),
            log_eps_bar: 0.0,
            m: 0,
            sign,
        };
    }

    /// Feeds the acceptance statistic `α_m ∈ [0, 1]` of iteration m and returns `ε_m`, the step
    /// size for the next iteration. A NaN statistic counts as 0.
    pub fn update(&mut self, alpha: f64) -> f64 {
        let alpha = if alpha.is_nan() {
            0.0
        } else {
            alpha.clamp(0.0, 1.0)
        };
        self.m += 1;
        let m = self.m as f64;
        // H̄_m = (1 − 1/(m + t₀)) H̄_{m−1} + (1/(m + t₀)) (δ − α_m).
        let w = 1.0 / (m + T0);
        self.h_bar = (1.0 - w) * self.h_bar + w * (self.delta - alpha);
        // log ε_m = μ − (√m/γ) H̄_m.
        self.log_eps = self.mu - self.sign * m.sqrt() / GAMMA * self.h_bar;
        // log ε̄_m = m^−κ log ε_m + (1 − m^−κ) log ε̄_{m−1}.
        let eta = powf(m, -KAPPA);
        self.log_eps_bar = eta * self.log_eps + (1.0 - eta) * self.log_eps_bar;
        self.eps()
    }

    /// The current iterate `ε_m`.
    pub fn eps(&self) -> f64 {
        exp(self.log_eps)
    }

    /// The averaged iterate `ε̄_m` (the step size frozen after warm-up); `ε₀`'s iterate before
    /// the first update.
    pub fn final_eps(&self) -> f64 {
        if self.m == 0 {
            self.eps()
        } else {
            exp(self.log_eps_bar)
        }
    }

    /// The target acceptance δ.
    pub fn delta(&self) -> f64 {
        self.delta
    }
}

fn check_delta(delta: f64) -> Result<f64, SamplerError> {
    if delta > 0.0 && delta < 1.0 {
        Ok(delta)
    } else {
        Err(SamplerError::OutOfRange {
            what: "target acceptance δ",
            value: delta,
            allowed: "strictly between 0 and 1",
        })
    }
}

/// The target in the coordinates `y = x ⊘ s`: `E_y(y) = E(s ∘ y)`, `∇_y E_y = s ∘ ∇E`.
struct Scaled<'a> {
    inner: &'a dyn Energy2d,
    s: [f64; 2],
}

impl Scaled<'_> {
    fn to_x(&self, y: [f64; 2]) -> [f64; 2] {
        [self.s[0] * y[0], self.s[1] * y[1]]
    }
}

impl Energy2d for Scaled<'_> {
    fn energy(&self, y: [f64; 2]) -> f64 {
        self.inner.energy(self.to_x(y))
    }

    fn energy_and_grad(&self, y: [f64; 2], grad: &mut [f64; 2]) -> f64 {
        let e = self.inner.energy_and_grad(self.to_x(y), grad);
        grad[0] *= self.s[0];
        grad[1] *= self.s[1];
        e
    }

    fn bounds(&self) -> Bounds {
        let b = self.inner.bounds();
        Bounds {
            x_min: b.x_min / self.s[0],
            x_max: b.x_max / self.s[0],
            y_min: b.y_min / self.s[1],
            y_max: b.y_max / self.s[1],
        }
    }
}

/// Algorithm 4 of Hoffman & Gelman (2014), "FindReasonableEpsilon": from `ε`, doubles or halves
/// the step until the acceptance probability `p(θ′, r′)/p(θ, r)` of one leapfrog step from `x`
/// (momentum `r ~ N(0, I)`, unit mass) crosses ½. Stops after 100 doublings or halvings (e.g. on
/// a flat landscape, where every step is accepted).
pub fn find_reasonable_epsilon(
    x: [f64; 2],
    eps: f64,
    target: &dyn Energy2d,
    t: f64,
    rng: &mut Rng,
) -> Result<f64, SamplerError> {
    let mut eps = check_positive("initial step size ε", eps)?;
    let (_, inv_t) = check_temperature(t)?;
    let mut g = [0.0; 2];
    let u0 = potential_and_grad(target, x, inv_t, &mut g)?;
    let r = [rng.normal(), rng.normal()];
    let h0 = u0 + 0.5 * (r[0] * r[0] + r[1] * r[1]);
    // ln[p(θ′, r′)/p(θ, r)] = H(θ, r) − H(θ′, r′) after one leapfrog step of size ε.
    let log_ratio = |eps: f64| -> f64 {
        let mut p = [r[0] - 0.5 * eps * g[0], r[1] - 0.5 * eps * g[1]];
        let y = [x[0] + eps * p[0], x[1] + eps * p[1]];
        let mut gy = [0.0; 2];
        let Ok(u) = potential_and_grad(target, y, inv_t, &mut gy) else {
            return f64::NEG_INFINITY;
        };
        p[0] -= 0.5 * eps * gy[0];
        p[1] -= 0.5 * eps * gy[1];
        let d = h0 - (u + 0.5 * (p[0] * p[0] + p[1] * p[1]));
        if d.is_nan() || !is_finite2(y) {
            f64::NEG_INFINITY
        } else {
            d
        }
    };
    // a = 2 𝕀[p(θ′, r′)/p(θ, r) > ½] − 1.
    let half = -std::f64::consts::LN_2;
    let a = if log_ratio(eps) > half { 1.0 } else { -1.0 };
    // while (p(θ′, r′)/p(θ, r))^a > 2^−a: ε ← 2^a ε.
    for _ in 0..100 {
        if a * log_ratio(eps) <= -a * std::f64::consts::LN_2 {
            break;
        }
        let next = eps * powf(2.0, a);
        if !(next.is_finite() && next > 0.0) {
            break;
        }
        eps = next;
    }
    Ok(eps)
}

/// The inner sampler and its integration setting.
#[derive(Clone, Debug, PartialEq)]
enum Kernel {
    /// HMC with trajectory length λ = εL.
    Hmc { chain: Hmc, lambda: f64 },
    /// NUTS with a maximum tree depth.
    Nuts { chain: Nuts, max_depth: u32 },
}

/// Stan's warm-up windows for `m_adapt` iterations: where the slow (metric) windows lie.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Windows {
    m_adapt: u64,
    init: u64,
    term: u64,
    /// Size of the current slow window.
    size: u64,
    /// Last iteration (0-based) of the current slow window.
    next_end: u64,
}

impl Windows {
    fn new(m_adapt: u64) -> Self {
        let (mut init, mut term, mut base) = (75, 50, 25);
        if init + term + base > m_adapt {
            init = (0.15 * m_adapt as f64) as u64;
            term = (0.1 * m_adapt as f64) as u64;
            base = m_adapt - init - term;
        }
        let mut w = Self {
            m_adapt,
            init,
            term,
            size: base,
            next_end: init + base.saturating_sub(1),
        };
        w.stretch_if_last();
        w
    }

    /// The slow phase ends at `m_adapt − term − 1`.
    fn last_slow(&self) -> u64 {
        self.m_adapt.saturating_sub(self.term + 1)
    }

    /// A window whose successor would not fit is stretched to the end of the slow phase.
    fn stretch_if_last(&mut self) {
        if self.next_end != self.last_slow()
            && self.next_end + 2 * self.size >= self.m_adapt.saturating_sub(self.term)
        {
            self.next_end = self.last_slow();
        }
    }

    /// Whether iteration `m` (0-based) contributes a draw to the metric estimate.
    fn in_slow(&self, m: u64) -> bool {
        m >= self.init && m < self.m_adapt.saturating_sub(self.term)
    }

    /// Whether iteration `m` ends a slow window; if so, moves on to the next window.
    fn ends_window(&mut self, m: u64) -> bool {
        if m != self.next_end || !self.in_slow(m) {
            return false;
        }
        if self.next_end != self.last_slow() {
            self.size *= 2;
            self.next_end = m + self.size;
            self.stretch_if_last();
        }
        true
    }
}

/// Warm-up settings of [`AdaptiveHamiltonian`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Warmup {
    /// Initial step size ε₀ (> 0); `None` runs Algorithm 4 at the first iteration.
    pub eps0: Option<f64>,
    /// Target acceptance statistic δ ∈ (0, 1) (0.65 in the paper; Stan uses 0.8).
    pub delta: f64,
    /// Warm-up length M_adapt (0 to 10⁷; 0 keeps ε₀ fixed).
    pub m_adapt: u64,
    /// Whether to estimate a diagonal mass matrix in Stan's windows (needs M_adapt ≥ 20).
    pub metric: bool,
}

impl Default for Warmup {
    /// Algorithm 4's ε₀, δ = 0.65, 1000 warm-up iterations, diagonal metric on.
    fn default() -> Self {
        Self {
            eps0: None,
            delta: 0.65,
            m_adapt: 1000,
            metric: true,
        }
    }
}

/// HMC (Algorithm 5) or NUTS (Algorithm 6) with dual-averaging step size and (optionally) a
/// windowed diagonal mass matrix during warm-up, frozen afterwards.
#[derive(Clone, Debug, PartialEq)]
pub struct AdaptiveHamiltonian {
    state: ChainState,
    kernel: Kernel,
    t: f64,
    warmup: Warmup,
    da: DualAveraging,
    windows: Windows,
    /// `s = √diag(M⁻¹)`.
    s: [f64; 2],
    window_draws: RunningMoments,
    last_window_len: u64,
    iteration: u64,
    eps: f64,
    find_eps: bool,
    last_accept: f64,
    /// Sum and count of the acceptance statistic after warm-up.
    post: (f64, u64),
    fault: Fault,
}

impl AdaptiveHamiltonian {
    /// HMC from `x0` keeping the trajectory length `λ = εL > 0` (L = max(1, round(λ/ε)), at
    /// most 10000), at temperature `T > 0`.
    pub fn hmc(x0: [f64; 2], lambda: f64, warmup: Warmup, t: f64) -> Result<Self, SamplerError> {
        let lambda = check_positive("trajectory length λ", lambda)?;
        let chain = Hmc::new([0.0, 0.0], 0.1, 1, t)?;
        Self::build(x0, Kernel::Hmc { chain, lambda }, warmup, t)
    }

    /// NUTS from `x0` with maximum tree depth `1 ≤ max_depth ≤ 12`, at temperature `T > 0`.
    pub fn nuts(
        x0: [f64; 2],
        max_depth: u32,
        warmup: Warmup,
        t: f64,
    ) -> Result<Self, SamplerError> {
        let max_depth = check_count(
            "maximum tree depth",
            max_depth,
            MAX_TREE_DEPTH,
            "between 1 and 12",
        )?;
        let chain = Nuts::new([0.0, 0.0], 0.1, max_depth, t)?;
        Self::build(x0, Kernel::Nuts { chain, max_depth }, warmup, t)
    }

    fn build(x0: [f64; 2], kernel: Kernel, w: Warmup, t: f64) -> Result<Self, SamplerError> {
        let state = ChainState::new(x0)?;
        let t = check_temperature(t)?.0;
        let eps0 = match w.eps0 {
            Some(e) => check_positive("initial step size ε₀", e)?,
            None => 1.0,
        };
        check_delta(w.delta)?;
        if w.m_adapt > MAX_WARMUP {
            return Err(SamplerError::OutOfRange {
                what: "warm-up length M_adapt",
                value: w.m_adapt as f64,
                allowed: "at most 10⁷",
            });
        }
        if w.metric && w.m_adapt < 20 {
            return Err(SamplerError::OutOfRange {
                what: "warm-up length M_adapt with a mass matrix",
                value: w.m_adapt as f64,
                allowed: "at least 20",
            });
        }
        Ok(Self {
            state,
            kernel,
            t,
            warmup: w,
            da: DualAveraging::new(eps0, w.delta)?,
            windows: Windows::new(w.m_adapt),
            s: [1.0, 1.0],
            window_draws: RunningMoments::new(),
            last_window_len: 0,
            iteration: 0,
            eps: eps0,
            find_eps: w.eps0.is_none(),
            last_accept: f64::NAN,
            post: (0.0, 0),
            fault: Fault::None,
        })
    }

    /// The step size the next iteration uses.
    pub fn eps(&self) -> f64 {
        self.eps
    }

    /// Iterations taken (warm-up included).
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// Whether the next iteration still belongs to the warm-up.
    pub fn in_warmup(&self) -> bool {
        self.iteration < self.warmup.m_adapt
    }

    /// The warm-up settings.
    pub fn warmup(&self) -> Warmup {
        self.warmup
    }

    /// The diagonal of the inverse mass matrix `M⁻¹` (1, 1 unless a metric was learned).
    pub fn inverse_metric(&self) -> [f64; 2] {
        [self.s[0] * self.s[0], self.s[1] * self.s[1]]
    }

    /// Number of draws behind the current inverse metric (0 before the first slow window ends).
    pub fn metric_window_len(&self) -> u64 {
        self.last_window_len
    }

    /// The last transition's acceptance statistic (NaN before the first).
    pub fn last_accept_stat(&self) -> f64 {
        self.last_accept
    }

    /// Mean acceptance statistic of the transitions after warm-up (`None` before any).
    pub fn mean_accept_stat(&self) -> Option<f64> {
        (self.post.1 > 0).then(|| self.post.0 / self.post.1 as f64)
    }

    /// Restarts the warm-up from the current state (e.g. after the target changed).
    pub fn restart_warmup(&mut self) {
        self.iteration = 0;
        self.windows = Windows::new(self.warmup.m_adapt);
        self.s = [1.0, 1.0];
        self.window_draws.reset();
        self.last_window_len = 0;
        self.post = (0.0, 0);
        self.find_eps = self.warmup.eps0.is_none();
        self.eps = self.warmup.eps0.unwrap_or(1.0);
        self.da.restart(self.eps);
    }

    /// Changes T (> 0, finite).
    pub fn set_temperature(&mut self, t: f64) -> Result<(), SamplerError> {
        self.t = check_temperature(t)?.0;
        match &mut self.kernel {
            Kernel::Hmc { chain, .. } => chain.set_temperature(self.t),
            Kernel::Nuts { chain, .. } => chain.set_temperature(self.t),
        }
    }

    /// Switches on a deliberate defect (tests' negative controls only; see [`Fault`]).
    #[doc(hidden)]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = fault;
        self.da.sign = if fault == Fault::DualAveragingSign {
            -1.0
        } else {
            1.0
        };
    }

    /// Algorithm 4 from the current state in the current metric, then a fresh dual averaging.
    fn reinit_eps(&mut self, target: &Scaled, rng: &mut Rng) -> StepResult {
        let y = [self.state.x[0] / self.s[0], self.state.x[1] / self.s[1]];
        self.eps = find_reasonable_epsilon(y, self.eps, target, self.t, rng)?;
        self.da.restart(self.eps);
        Ok(())
    }
}

/// Maps a point of the y-coordinates back to x; momenta map as `p_x = p_y ⊘ s` (the momentum
/// of mass `M = diag(1/s²)` moving with velocity `s ∘ p_y`).
fn map_event(e: Event2d, s: [f64; 2]) -> Event2d {
    let x = |y: [f64; 2]| [s[0] * y[0], s[1] * y[1]];
    let p = |q: [f64; 2]| [q[0] / s[0], q[1] / s[1]];
    match e {
        Event2d::Momentum { at, p: q } => Event2d::Momentum { at: x(at), p: p(q) },
        Event2d::Leapfrog { x: y, p: q } => Event2d::Leapfrog { x: x(y), p: p(q) },
        Event2d::Proposal { from, to } => Event2d::Proposal {
            from: x(from),
            to: x(to),
        },
        Event2d::Move { from, to } => Event2d::Move {
            from: x(from),
            to: x(to),
        },
        other => other,
    }
}

impl Transition for AdaptiveHamiltonian {
    fn state(&self) -> &ChainState {
        &self.state
    }

    fn state_mut(&mut self) -> &mut ChainState {
        &mut self.state
    }

    fn try_step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut OnEvent) -> StepResult {
        let (_, inv_t) = check_temperature(self.t)?;
        let s = self.s;
        let scaled = Scaled { inner: target, s };
        let warm = self.in_warmup();
        if self.find_eps {
            self.find_eps = false;
            self.reinit_eps(&scaled, rng)?;
        }
        let eps = self.eps;
        on(Event2d::StepSize {
            iteration: self.iteration,
            eps,
        });
        let y0 = [self.state.x[0] / s[0], self.state.x[1] / s[1]];
        // The acceptance statistic: HMC's α from its decision; NUTS's Σα/n_α over the last
        // doubling (Algorithm 6), from its reported phase-space points.
        let mut h0 = 0.0;
        let (mut sum_a, mut n_a, mut hmc_prob) = (0.0, 0u64, f64::NAN);
        let mut forward = |e: Event2d, nuts: bool| {
            if nuts {
                match e {
                    Event2d::Momentum { at, p } => {
                        h0 = scaled.energy(at) * inv_t + 0.5 * (p[0] * p[0] + p[1] * p[1]);
                    }
                    Event2d::TreeDoubling { .. } => (sum_a, n_a) = (0.0, 0),
                    Event2d::Leapfrog { x, p } => {
                        let h = scaled.energy(x) * inv_t + 0.5 * (p[0] * p[0] + p[1] * p[1]);
                        // min(1, exp(ℒ(θ′, r′) − ℒ(θ, r₀))) = min(1, exp(H₀ − H′)).
                        let a = exp((h0 - h).min(0.0));
                        sum_a += if a.is_nan() { 0.0 } else { a };
                        n_a += 1;
                    }
                    _ => {}
                }
            }
            if let Event2d::Accept { prob } | Event2d::Reject { prob } = e {
                hmc_prob = prob;
            }
            on(map_event(e, s));
        };
        let (y, halted, alpha) = match &mut self.kernel {
            Kernel::Hmc { chain, lambda } => {
                // L_m = max(1, round(λ/ε_m)).
                let l = (*lambda / eps).round().clamp(1.0, f64::from(MAX_LEAPFROG)) as u32;
                chain.set_integrator(eps, l)?;
                chain.set_position(y0)?;
                let y = chain.step(&scaled, rng, &mut |e| forward(e, false));
                (y, chain.halted().cloned(), hmc_prob)
            }
            Kernel::Nuts { chain, max_depth } => {
                chain.set_params(eps, *max_depth)?;
                chain.set_position(y0)?;
                let y = chain.step(&scaled, rng, &mut |e| forward(e, true));
                let a = if n_a > 0 {
                    sum_a / n_a as f64
                } else {
                    f64::NAN
                };
                (y, chain.halted().cloned(), a)
            }
        };
        if let Some(e) = halted {
            return Err(match e {
                SamplerError::Diverged { what, at } => SamplerError::Diverged {
                    what,
                    at: scaled.to_x(at),
                },
                SamplerError::ZeroDensity { at } => SamplerError::ZeroDensity {
                    at: scaled.to_x(at),
                },
                other => other,
            });
        }
        self.state.x = scaled.to_x(y);
        if !warm {
            self.last_accept = alpha;
            self.post.0 += alpha;
            self.post.1 += 1;
            on(Event2d::AcceptStat {
                value: alpha,
                warmup: false,
            });
            self.iteration += 1;
            return Ok(());
        }
        self.last_accept = alpha;
        on(Event2d::AcceptStat {
            value: alpha,
            warmup: true,
        });
        let m = self.iteration;
        self.eps = self.da.update(alpha);
        if self.warmup.metric {
            if self.windows.in_slow(m) {
                self.window_draws.push(self.state.x);
            }
            if self.windows.ends_window(m) {
                if let Some(c) = self.window_draws.cov() {
                    let n = self.window_draws.count() as f64;
                    for (k, sk) in self.s.iter_mut().enumerate() {
                        // Stan's regularised variance: (n/(n+5)) Var + 10⁻³ · 5/(n+5).
                        let v = (n / (n + 5.0)) * c[k][k] + 1e-3 * (5.0 / (n + 5.0));
                        let v = if self.fault == Fault::MetricInverted {
                            1.0 / v
                        } else {
                            v
                        };
                        if v.is_finite() && v > 0.0 {
                            *sk = v.sqrt();
                        }
                    }
                    self.last_window_len = self.window_draws.count();
                }
                self.window_draws.reset();
                let rescaled = Scaled {
                    inner: target,
                    s: self.s,
                };
                self.reinit_eps(&rescaled, rng)?;
            }
        }
        if m + 1 == self.warmup.m_adapt {
            // Freeze at ε̄_{M_adapt}.
            self.eps = self.da.final_eps();
        }
        self.iteration += 1;
        Ok(())
    }
}

impl Sampler2d for AdaptiveHamiltonian {
    fn name(&self) -> &'static str {
        match self.kernel {
            Kernel::Hmc { .. } => "hmc_dual_averaging",
            Kernel::Nuts { .. } => "nuts_dual_averaging",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;
    use crate::sampler::ignore;

    #[test]
    fn dual_averaging_follows_the_paper_formulas() {
        let mut da = DualAveraging::new(0.5, 0.65).expect("valid");
        let mu = 5.0f64.ln();
        // m = 1, α = 0.2: H̄ = (δ − α)/(1 + t₀); log ε = μ − (1/γ) H̄; log ε̄ = log ε.
        let e1 = da.update(0.2);
        let h1 = 0.45 / 11.0;
        assert!((e1.ln() - (mu - h1 / GAMMA)).abs() < 1e-12);
        assert!((da.final_eps() - e1).abs() < 1e-12);
        // m = 2, α = 0.9.
        let e2 = da.update(0.9);
        let h2 = (1.0 - 1.0 / 12.0) * h1 + (0.65 - 0.9) / 12.0;
        assert!((e2.ln() - (mu - 2f64.sqrt() / GAMMA * h2)).abs() < 1e-12);
        let eta = 2f64.powf(-KAPPA);
        let bar = eta * e2.ln() + (1.0 - eta) * e1.ln();
        assert!((da.final_eps().ln() - bar).abs() < 1e-12);
        // Too low acceptance shrinks ε, too high grows it.
        let mut lo = DualAveraging::new(1.0, 0.8).expect("valid");
        let mut hi = DualAveraging::new(1.0, 0.8).expect("valid");
        for _ in 0..50 {
            lo.update(0.1);
            hi.update(1.0);
        }
        assert!(lo.final_eps() < 1.0 && hi.final_eps() > 1.0);
        assert!(lo.update(f64::NAN).is_finite());
    }

    #[test]
    fn constructors_reject_bad_parameters() {
        let w = Warmup::default();
        assert!(AdaptiveHamiltonian::hmc([0.0, 0.0], 1.0, w, 1.0).is_ok());
        assert!(AdaptiveHamiltonian::nuts([0.0, 0.0], 8, w, 1.0).is_ok());
        for lambda in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(AdaptiveHamiltonian::hmc([0.0, 0.0], lambda, w, 1.0).is_err());
        }
        for d in [0, 13] {
            assert!(AdaptiveHamiltonian::nuts([0.0, 0.0], d, w, 1.0).is_err());
        }
        for delta in [0.0, 1.0, -0.5, f64::NAN, 1e9] {
            let w = Warmup { delta, ..w };
            assert!(AdaptiveHamiltonian::hmc([0.0, 0.0], 1.0, w, 1.0).is_err());
        }
        for eps0 in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let w = Warmup {
                eps0: Some(eps0),
                ..w
            };
            assert!(AdaptiveHamiltonian::nuts([0.0, 0.0], 8, w, 1.0).is_err());
        }
        let w2 = Warmup {
            m_adapt: MAX_WARMUP + 1,
            ..w
        };
        assert!(AdaptiveHamiltonian::hmc([0.0, 0.0], 1.0, w2, 1.0).is_err());
        let w3 = Warmup { m_adapt: 10, ..w };
        assert!(AdaptiveHamiltonian::hmc([0.0, 0.0], 1.0, w3, 1.0).is_err());
        let w4 = Warmup {
            metric: false,
            ..w3
        };
        assert!(AdaptiveHamiltonian::hmc([0.0, 0.0], 1.0, w4, 1.0).is_ok());
        assert!(AdaptiveHamiltonian::hmc([0.0, 0.0], 1.0, w, 0.0).is_err());
        assert!(AdaptiveHamiltonian::hmc([f64::NAN, 0.0], 1.0, w, 1.0).is_err());
        assert!(DualAveraging::new(0.0, 0.5).is_err());
        assert!(DualAveraging::new(1.0, 1.5).is_err());
    }

    #[test]
    fn rescaled_energy_gradient_matches_finite_differences() {
        let b = crate::landscape::Banana::default();
        let scaled = Scaled {
            inner: &b,
            s: [2.5, 0.4],
        };
        crate::landscape::testutil::check_gradient(&scaled, 200, 8, 1e-6);
        let y = [0.3, -1.2];
        assert_eq!(scaled.energy(y), b.energy([0.75, -0.48]));
    }

    #[test]
    fn stan_windows_for_1000_and_100_iterations() {
        // 1000: buffers 75 and 50; slow windows end at 99, 149, 249, 449, 949.
        let mut w = Windows::new(1000);
        let ends: Vec<u64> = (0..1000).filter(|&m| w.ends_window(m)).collect();
        assert_eq!(ends, vec![99, 149, 249, 449, 949]);
        // 100 < 150: buffers 15 and 10, one slow window of 75 ending at 89.
        let mut w = Windows::new(100);
        let ends: Vec<u64> = (0..100).filter(|&m| w.ends_window(m)).collect();
        assert_eq!(ends, vec![89]);
    }

    #[test]
    fn reasonable_epsilon_brackets_acceptance_one_half() {
        let g = Gaussian::isotropic([0.0, 0.0], 0.01).expect("valid");
        let mut rng = Rng::new(2);
        let e = find_reasonable_epsilon([0.01, 0.0], 1.0, &g, 1.0, &mut rng).expect("ok");
        // Stability of leapfrog needs ε < 2σ = 0.02: from ε = 1 it must halve down there.
        assert!(e < 0.05 && e > 1e-4, "ε = {e}");
        assert!(find_reasonable_epsilon([0.0, 0.0], 0.0, &g, 1.0, &mut rng).is_err());
    }

    #[test]
    fn warmup_freezes_eps_and_learns_the_scales() {
        let g = Gaussian::new([1.0, -2.0], [[0.01, 0.0], [0.0, 25.0]]).expect("valid");
        for mut s in [
            AdaptiveHamiltonian::hmc([1.0, -2.0], 1.5, Warmup::default(), 1.0).expect("valid"),
            AdaptiveHamiltonian::nuts([1.0, -2.0], 8, Warmup::default(), 1.0).expect("valid"),
        ] {
            let mut rng = Rng::new(5);
            let mut eps_seen = Vec::new();
            for _ in 0..1200 {
                s.step(&g, &mut rng, &mut |e| {
                    if let Event2d::StepSize { eps, .. } = e {
                        eps_seen.push(eps);
                    }
                });
            }
            assert!(s.halted().is_none());
            assert_eq!(eps_seen.len(), 1200);
            // Frozen after warm-up.
            assert!(eps_seen[1000..].iter().all(|&e| e == eps_seen[1000]));
            let m = s.inverse_metric();
            assert!((m[0] / 0.01 - 1.0).abs() < 0.5 && (m[1] / 25.0 - 1.0).abs() < 0.5);
            assert!(s.mean_accept_stat().is_some());
            assert!(!s.in_warmup());
            s.restart_warmup();
            assert!(s.in_warmup());
            assert_eq!(s.inverse_metric(), [1.0, 1.0]);
        }
    }

    #[test]
    fn events_are_reported_in_x_coordinates() {
        // After the metric is learned, leapfrog points must lie near the target, not at x ⊘ s.
        let g = Gaussian::new([0.0, 0.0], [[100.0, 0.0], [0.0, 0.01]]).expect("valid");
        let mut s =
            AdaptiveHamiltonian::hmc([0.0, 0.0], 1.0, Warmup::default(), 1.0).expect("valid");
        let mut rng = Rng::new(6);
        s.step_many(1000, &g, &mut rng, &mut ignore);
        let mut spread = [0.0f64; 2];
        for _ in 0..200 {
            s.step(&g, &mut rng, &mut |e| {
                if let Event2d::Leapfrog { x, .. } = e {
                    spread[0] = spread[0].max(x[0].abs());
                    spread[1] = spread[1].max(x[1].abs());
                }
            });
        }
        assert!(spread[0] > 5.0 && spread[1] < 1.0, "{spread:?}");
    }

    #[test]
    fn huge_initial_step_is_tamed_or_halts_without_nan() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let w = Warmup {
            eps0: Some(1e6),
            ..Warmup::default()
        };
        let mut s = AdaptiveHamiltonian::nuts([0.5, 0.5], 6, w, 1.0).expect("valid");
        let mut rng = Rng::new(7);
        s.step_many(300, &g, &mut rng, &mut ignore);
        assert!(s.position().iter().all(|v| v.is_finite()));
        assert!(s.eps().is_finite());
    }
}
