//! The No-U-Turn Sampler (Hoffman & Gelman, "The No-U-Turn Sampler", JMLR 15, 2014),
//! the **efficient slice version, Algorithm 3** of the paper, with a fixed step size
//! (no dual averaging) and a maximum tree depth.
//!
//! Potential `U = E/T`, momentum `r ~ N(0, I)`, log joint `ℒ(θ, r) = −U(θ) − ½|r|²`.
//! Each transition draws a slice level `u ~ U[0, exp ℒ(θ, r)]`, then doubles a leapfrog
//! trajectory forwards or backwards in time (a random direction each time) until a sub-tree
//! makes a U-turn, `(θ⁺ − θ⁻)·r⁻ < 0` or `(θ⁺ − θ⁻)·r⁺ < 0`, a point's log joint falls more than
//! Δ_max = 1000 below `ln u` (a divergence), or the depth limit is reached. The next state is
//! drawn among the trajectory's points inside the slice (`ℒ ≥ ln u`), favouring the newest
//! half with probability `min(1, n′/n)` (the paper's "efficient" transition).
//!
//! NUTS has no single accept/reject step; as Stan does (`accept_stat__`), each transition
//! reports the mean over its leapfrog points of `min(1, exp(ℒ(θ', r') − ℒ(θ₀, r₀)))`, the
//! Metropolis acceptance probability each point would have had as an HMC proposal (the
//! statistic Hoffman & Gelman's Algorithm 6 adapts ε on). [`Sampler2d::acceptance`] sums them,
//! so its `rate()` is their mean over the transitions.

use super::diagnostics::AcceptanceCounter;
use super::{
    check_count, check_positive, check_temperature, is_finite2, potential_and_grad, ChainState,
    Event2d, OnEvent, Sampler2d, SamplerError, StepResult, Transition,
};
use crate::landscape::Energy2d;
use crate::rng::Rng;
use crate::temperature::IntoTemperature;

/// Largest allowed maximum tree depth (2¹² = 4096 leapfrog steps per transition).
pub const MAX_TREE_DEPTH: u32 = 12;

/// Δ_max: a point whose log joint is this far below the slice level signals a divergence.
const DELTA_MAX: f64 = 1000.0;

/// A point of phase space with its potential and gradient.
#[derive(Clone, Copy, Debug)]
struct PhasePoint {
    x: [f64; 2],
    r: [f64; 2],
    /// ∇U(x).
    g: [f64; 2],
    /// U(x).
    u: f64,
}

impl PhasePoint {
    /// ℒ = −U − ½|r|².
    fn log_joint(&self) -> f64 {
        -self.u - 0.5 * (self.r[0] * self.r[0] + self.r[1] * self.r[1])
    }
}

/// A built (sub)tree: its two ends, the candidate it proposes, the count of its points inside
/// the slice, and whether it may be extended.
#[derive(Clone, Copy, Debug)]
struct Tree {
    minus: PhasePoint,
    plus: PhasePoint,
    candidate: [f64; 2],
    n: u64,
    ok: bool,
    divergent: bool,
}

/// Everything the recursion needs besides the tree itself.
struct Ctx<'a> {
    target: &'a dyn Energy2d,
    rng: &'a mut Rng,
    on: &'a mut dyn FnMut(Event2d),
    inv_t: f64,
    eps: f64,
    log_u: f64,
    n_leapfrog: u32,
    /// ℒ(θ₀, r₀) of the transition's start.
    log_joint0: f64,
    /// Σ over the leapfrog points so far of min(1, exp(ℒ − ℒ₀)).
    sum_accept: f64,
}

/// No U-turn between the ends: `(θ⁺ − θ⁻)·r⁻ ≥ 0` and `(θ⁺ − θ⁻)·r⁺ ≥ 0`.
fn no_u_turn(minus: &PhasePoint, plus: &PhasePoint) -> bool {
    let d = [plus.x[0] - minus.x[0], plus.x[1] - minus.x[1]];
    d[0] * minus.r[0] + d[1] * minus.r[1] >= 0.0 && d[0] * plus.r[0] + d[1] * plus.r[1] >= 0.0
}

/// One leapfrog step of signed size `h`. A non-finite energy (including +∞, which for the
/// landscapes here only arises from overflow) stops the chain through the NaN guard.
fn leapfrog(a: &PhasePoint, h: f64, ctx: &mut Ctx) -> Result<PhasePoint, SamplerError> {
    ctx.n_leapfrog += 1;
    // r ← r − (h/2)∇U(θ);  θ ← θ + h r;  r ← r − (h/2)∇U(θ).
    let mut r = [a.r[0] - 0.5 * h * a.g[0], a.r[1] - 0.5 * h * a.g[1]];
    let x = [a.x[0] + h * r[0], a.x[1] + h * r[1]];
    if !is_finite2(x) || !is_finite2(r) {
        return Err(SamplerError::Diverged {
            what: "position",
            at: a.x,
        });
    }
    let mut g = [0.0; 2];
    let u = potential_and_grad(ctx.target, x, ctx.inv_t, &mut g).map_err(|_| {
        SamplerError::Diverged {
            what: "energy",
            at: a.x,
        }
    })?;
    r[0] -= 0.5 * h * g[0];
    r[1] -= 0.5 * h * g[1];
    (ctx.on)(Event2d::Leapfrog { x, p: r });
    Ok(PhasePoint { x, r, g, u })
}

/// BuildTree(θ, r, u, v, j, ε) of Algorithm 3.
fn build_tree(
    start: &PhasePoint,
    dir: f64,
    depth: u32,
    ctx: &mut Ctx,
) -> Result<Tree, SamplerError> {
    if depth == 0 {
        // Base case: one leapfrog step in direction v.
        let p = leapfrog(start, dir * ctx.eps, ctx)?;
        let lj = p.log_joint();
        // The point's acceptance probability as an HMC proposal: min(1, exp(ℒ′ − ℒ₀)).
        ctx.sum_accept += crate::fastmath::exp(lj - ctx.log_joint0).min(1.0);
        // n′ = 𝕀[u ≤ exp ℒ(θ′, r′)],  s′ = 𝕀[ℒ(θ′, r′) > ln u − Δ_max].
        let ok = lj > ctx.log_u - DELTA_MAX;
        return Ok(Tree {
            minus: p,
            plus: p,
            candidate: p.x,
            n: u64::from(ctx.log_u <= lj),
            ok,
            divergent: !ok,
        });
    }
    // Build the first half-tree, then (if it is fine) the second half from its outer end.
    let mut t = build_tree(start, dir, depth - 1, ctx)?;
    if t.ok {
        let t2 = if dir < 0.0 {
            let t2 = build_tree(&t.minus, dir, depth - 1, ctx)?;
            t.minus = t2.minus;
            t2
        } else {
            let t2 = build_tree(&t.plus, dir, depth - 1, ctx)?;
            t.plus = t2.plus;
            t2
        };
        // With probability n″/(n′ + n″) take the second half's candidate.
        let total = t.n + t2.n;
        if total > 0 && ctx.rng.uniform() * (total as f64) < t2.n as f64 {
            t.candidate = t2.candidate;
        }
        t.ok = t2.ok && no_u_turn(&t.minus, &t.plus);
        t.n = total;
        t.divergent |= t2.divergent;
    }
    Ok(t)
}

/// A NUTS chain (Hoffman & Gelman 2014, Algorithm 3) with a fixed step size.
#[derive(Clone, Debug, PartialEq)]
pub struct Nuts {
    state: ChainState,
    eps: f64,
    max_depth: u32,
    t: f64,
    last_depth: u32,
    last_n_leapfrog: u32,
    divergences: u64,
    stats: AcceptanceCounter,
}

impl Nuts {
    /// A chain at `x0` with leapfrog step `ε > 0` and maximum tree depth `1 ≤ max_depth ≤ 12`
    /// (at most 2^max_depth leapfrog steps per transition), at temperature `T > 0`.
    pub fn new(
        x0: [f64; 2],
        eps: f64,
        max_depth: u32,
        t: impl IntoTemperature,
    ) -> Result<Self, SamplerError> {
        Ok(Self {
            state: ChainState::new(x0)?,
            eps: check_positive("leapfrog step ε", eps)?,
            max_depth: check_depth(max_depth)?,
            t: check_temperature(t)?.0,
            last_depth: 0,
            last_n_leapfrog: 0,
            divergences: 0,
            stats: AcceptanceCounter::default(),
        })
    }

    /// Changes ε (> 0) and the maximum depth (1 to 12).
    pub fn set_params(&mut self, eps: f64, max_depth: u32) -> Result<(), SamplerError> {
        self.eps = check_positive("leapfrog step ε", eps)?;
        self.max_depth = check_depth(max_depth)?;
        Ok(())
    }

    /// Changes T (> 0, finite).
    pub fn set_temperature(&mut self, t: impl IntoTemperature) -> Result<(), SamplerError> {
        self.t = check_temperature(t)?.0;
        Ok(())
    }

    /// Tree depth and leapfrog count of the last transition.
    pub fn last_tree(&self) -> (u32, u32) {
        (self.last_depth, self.last_n_leapfrog)
    }

    /// Number of transitions that ended in a divergence.
    pub fn divergences(&self) -> u64 {
        self.divergences
    }
}

fn check_depth(d: u32) -> Result<u32, SamplerError> {
    check_count("maximum tree depth", d, MAX_TREE_DEPTH, "between 1 and 12")
}

impl Transition for Nuts {
    fn state(&self) -> &ChainState {
        &self.state
    }

    fn state_mut(&mut self) -> &mut ChainState {
        &mut self.state
    }

    fn try_step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut OnEvent) -> StepResult {
        let (_, inv_t) = check_temperature(self.t)?;
        let x0 = self.state.x;
        let mut g = [0.0; 2];
        let u = potential_and_grad(target, x0, inv_t, &mut g)?;
        // Resample momentum r₀ ~ N(0, I).
        let r = [rng.normal(), rng.normal()];
        on(Event2d::Momentum { at: x0, p: r });
        let start = PhasePoint { x: x0, r, g, u };
        // Slice: u ~ U[0, exp ℒ(θ, r₀)], i.e. ln u = ℒ + ln U(0, 1].
        let log_u = start.log_joint() + crate::fastmath::ln(rng.uniform_open0());
        let mut ctx = Ctx {
            target,
            rng,
            on,
            inv_t,
            eps: self.eps,
            log_u,
            n_leapfrog: 0,
            log_joint0: start.log_joint(),
            sum_accept: 0.0,
        };
        let (mut minus, mut plus) = (start, start);
        let mut candidate = x0;
        let mut n: u64 = 1;
        let mut depth = 0;
        let mut divergent = false;
        loop {
            // Choose a direction v ∈ {−1, +1} uniformly.
            let forward = ctx.rng.uniform() < 0.5;
            (ctx.on)(Event2d::TreeDoubling { depth, forward });
            let t = if forward {
                let t = build_tree(&plus, 1.0, depth, &mut ctx)?;
                plus = t.plus;
                t
            } else {
                let t = build_tree(&minus, -1.0, depth, &mut ctx)?;
                minus = t.minus;
                t
            };
            divergent |= t.divergent;
            // If s′ = 1, with probability min(1, n′/n) move to the new sub-tree's candidate.
            if t.ok && ctx.rng.uniform() * (n as f64) < t.n as f64 {
                candidate = t.candidate;
            }
            n += t.n;
            depth += 1;
            if !(t.ok && no_u_turn(&minus, &plus)) || depth >= self.max_depth {
                break;
            }
        }
        let n_leapfrog = ctx.n_leapfrog;
        // Stan's accept_stat: the mean of min(1, exp(ℒ′ − ℒ₀)) over the trajectory.
        self.stats
            .record_statistic(ctx.sum_accept / f64::from(n_leapfrog.max(1)));
        self.last_depth = depth;
        self.last_n_leapfrog = n_leapfrog;
        if divergent {
            self.divergences += 1;
        }
        on(Event2d::TreeDone {
            depth,
            n_leapfrog,
            divergent,
        });
        on(Event2d::Move {
            from: x0,
            to: candidate,
        });
        self.state.x = candidate;
        Ok(())
    }
}

impl Sampler2d for Nuts {
    fn name(&self) -> &'static str {
        "nuts"
    }

    /// One "proposal" per transition, credited with the trajectory's mean acceptance
    /// statistic (see the module docs), so `rate()` is the mean statistic over transitions.
    fn acceptance(&self) -> Option<AcceptanceCounter> {
        Some(self.stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;
    use crate::sampler::ignore;

    #[test]
    fn tree_sizes_are_powers_of_two_and_capped() {
        let g = Gaussian::correlated(3.0, 0.3, 0.9).expect("valid");
        let mut s = Nuts::new([0.0, 0.0], 0.05, 6, 1.0).expect("valid");
        let mut rng = Rng::new(3);
        for _ in 0..50 {
            let mut leaps = 0u32;
            s.step(&g, &mut rng, &mut |e| {
                if matches!(e, Event2d::Leapfrog { .. }) {
                    leaps += 1;
                }
            });
            let (depth, n) = s.last_tree();
            assert!(depth <= 6);
            assert_eq!(n, leaps);
            // Without divergences a tree of depth j has up to 2^j − 1 leapfrog steps (a
            // U-turn inside the last doubling may stop it early).
            assert!(n < 1 << depth);
        }
    }

    #[test]
    fn acceptance_is_the_mean_acceptance_statistic_of_each_trajectory() {
        // Stan's accept_stat: the mean over the transition's leapfrog points of
        // min(1, exp(ℒ(θ', r') − ℒ(θ₀, r₀))), ℒ = −E/T − ½|r|², recomputed here from the events.
        let g = Gaussian::correlated(1.5, 0.5, 0.8).expect("valid");
        let t = 1.3;
        for eps in [0.1, 0.6] {
            let mut s = Nuts::new([0.3, -0.2], eps, 8, t).expect("valid");
            let mut rng = Rng::new(21);
            let mut total = 0.0;
            for k in 1..=200u64 {
                let mut l0 = f64::NAN;
                let (mut sum, mut count) = (0.0, 0u32);
                s.step(&g, &mut rng, &mut |e| match e {
                    Event2d::Momentum { at, p } => {
                        l0 = -g.energy(at) / t - 0.5 * (p[0] * p[0] + p[1] * p[1]);
                    }
                    Event2d::Leapfrog { x, p } => {
                        let l = -g.energy(x) / t - 0.5 * (p[0] * p[0] + p[1] * p[1]);
                        sum += (l - l0).exp().min(1.0);
                        count += 1;
                    }
                    _ => {}
                });
                total += sum / f64::from(count);
                let a = s
                    .acceptance()
                    .expect("NUTS reports its acceptance statistic");
                assert_eq!(a.proposed, k);
                assert!(
                    (a.accepted - total).abs() < 1e-9 * total.max(1.0),
                    "eps {eps}"
                );
            }
            let rate = s.acceptance().and_then(|a| a.rate()).expect("rate");
            eprintln!("ε = {eps}: mean acceptance statistic {rate:.3}");
            assert!(rate > 0.0 && rate < 1.0);
        }
    }

    #[test]
    fn huge_step_diverges_without_nan_and_bad_params_error() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut s = Nuts::new([1.0, 0.0], 1e9, 10, 1.0).expect("valid");
        let mut rng = Rng::new(4);
        s.step_many(10, &g, &mut rng, &mut ignore);
        assert_eq!(s.position(), [1.0, 0.0]);
        assert_eq!(s.divergences(), 10);
        assert!(Nuts::new([0.0, 0.0], 0.1, 0, 1.0).is_err());
        assert!(Nuts::new([0.0, 0.0], 0.1, 13, 1.0).is_err());
        assert!(Nuts::new([0.0, 0.0], 0.0, 5, 1.0).is_err());
    }
}
