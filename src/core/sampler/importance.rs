//! Self-normalised importance sampling (lecture, "Importance Sampling").
//!
//! Draw `xᵢ ~ q` from an easy proposal and weight it by `wᵢ = p̃(xᵢ)/q(xᵢ)` with the
//! unnormalised target `p̃ = exp(−E/T)`. Since `E_p[f] = E_q[(p/q) f]` and the unknown `Z`
//! cancels in the ratio,
//!
//! `Ê[f] = Σ wᵢ f(xᵢ) / Σ wᵢ`  (consistent; bias O(1/n)),
//! `Ẑ = (1/n) Σ wᵢ`  (unbiased for `Z = ∫ p̃`),
//! `ESS = (Σ wᵢ)² / Σ wᵢ²`  (Kong 1992; n for a perfect proposal, ≈ 1 for a hopeless one).
//!
//! Weights are kept relative to the largest log-weight seen, so nothing overflows.

use super::direct::MvNormal;
use super::{
    check_temperature, ChainState, Event2d, OnEvent, Sampler2d, SamplerError, StepResult,
    Transition,
};
use crate::fastmath::{exp, ln};
use crate::landscape::{Bounds, Energy2d};
use crate::rng::Rng;
use crate::temperature::IntoTemperature;

/// The proposal `q` of importance sampling.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportanceProposal {
    /// A 2-D normal `N(μ, Σ)`.
    Gaussian(MvNormal),
    /// Uniform on a box (the lecture's example of an "easy" q).
    Uniform(Bounds),
}

impl ImportanceProposal {
    /// `N(mean, cov)` (cov symmetric positive definite).
    pub fn gaussian(mean: [f64; 2], cov: [[f64; 2]; 2]) -> Result<Self, SamplerError> {
        Ok(Self::Gaussian(MvNormal::new(
            &mean,
            &[cov[0][0], cov[0][1], cov[1][0], cov[1][1]],
        )?))
    }

    /// Uniform on `b` (finite edges, positive area).
    pub fn uniform(b: Bounds) -> Result<Self, SamplerError> {
        let ok = Bounds::new(b.x_min, b.x_max, b.y_min, b.y_max).is_ok();
        if !ok || !(b.width() * b.height()).is_finite() {
            return Err(SamplerError::OutOfRange {
                what: "uniform proposal box area",
                value: b.width() * b.height(),
                allowed: "finite and > 0",
            });
        }
        Ok(Self::Uniform(b))
    }

    /// Draws `x ~ q`.
    pub fn sample(&self, rng: &mut Rng) -> [f64; 2] {
        match self {
            Self::Gaussian(g) => {
                let mut x = [0.0; 2];
                g.sample(rng, &mut x);
                x
            }
            Self::Uniform(b) => [rng.range(b.x_min, b.x_max), rng.range(b.y_min, b.y_max)],
        }
    }

    /// `ln q(x)` (normalised; −∞ outside a uniform box).
    pub fn log_density(&self, x: [f64; 2]) -> f64 {
        match self {
            Self::Gaussian(g) => g.log_density(&x),
            Self::Uniform(b) => {
                if b.contains(x) {
                    -ln(b.width() * b.height())
                } else {
                    f64::NEG_INFINITY
                }
            }
        }
    }
}

/// One weighted draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeightedSample {
    /// `x ~ q`.
    pub x: [f64; 2],
    /// `ln w = −E(x)/T − ln q(x)`.
    pub log_w: f64,
}

/// A running self-normalised importance sampler: draws from `q` and accumulates weighted
/// estimates of the mean, covariance, `Z` and the effective sample size.
///
/// As a [`Sampler2d`], its position is the last draw: importance draws are independent, so
/// `set_position` has no effect on them (it only clears a halt).
#[derive(Clone, Debug, PartialEq)]
pub struct ImportanceSampler {
    q: ImportanceProposal,
    t: f64,
    n: u64,
    /// Reference log-weight: the sums below are of `wᵢ · e^{−shift}`.
    shift: f64,
    sw: f64,
    sw2: f64,
    swx: [f64; 2],
    /// `[Σ w x₁², Σ w x₁x₂, Σ w x₂²]`.
    swxx: [f64; 3],
    /// The last draw and the halt state.
    state: ChainState,
}

impl ImportanceSampler {
    /// A sampler with proposal `q` for the target at temperature `T > 0`.
    pub fn new(q: ImportanceProposal, t: impl IntoTemperature) -> Result<Self, SamplerError> {
        Ok(Self::empty(q, check_temperature(t)?.0))
    }

    fn empty(q: ImportanceProposal, t: f64) -> Self {
        Self {
            q,
            t,
            n: 0,
            shift: f64::NEG_INFINITY,
            sw: 0.0,
            sw2: 0.0,
            swx: [0.0; 2],
            swxx: [0.0; 3],
            state: ChainState::default(),
        }
    }

    /// The proposal.
    pub fn proposal(&self) -> &ImportanceProposal {
        &self.q
    }

    /// Forgets all draws (keeps q and T).
    pub fn reset(&mut self) {
        *self = Self::empty(self.q.clone(), self.t);
    }

    /// Draws `x ~ q`, weights it, and adds it to the running sums.
    pub fn draw(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
    ) -> Result<WeightedSample, SamplerError> {
        let (_, inv_t) = check_temperature(self.t)?;
        let x = self.q.sample(rng);
        let lq = self.q.log_density(x);
        let e = target.energy(x);
        // ln w = ln p̃(x) − ln q(x) = −E(x)/T − ln q(x).
        let log_w = -e * inv_t - lq;
        if log_w.is_nan() || log_w == f64::INFINITY {
            return Err(SamplerError::Diverged {
                what: "energy",
                at: x,
            });
        }
        self.add(x, log_w);
        Ok(WeightedSample { x, log_w })
    }

    /// Adds a weighted point (for callers that draw themselves).
    pub fn add(&mut self, x: [f64; 2], log_w: f64) {
        self.n += 1;
        self.state.x = x;
        if log_w == f64::NEG_INFINITY || log_w.is_nan() {
            return;
        }
        if log_w > self.shift {
            // Rescale the sums to the new reference: w e^{−old} = w e^{−new} e^{new − old}.
            let r = exp(self.shift - log_w);
            self.sw *= r;
            self.sw2 *= r * r;
            for v in self.swx.iter_mut().chain(self.swxx.iter_mut()) {
                *v *= r;
            }
            self.shift = log_w;
        }
        let w = exp(log_w - self.shift);
        self.sw += w;
        self.sw2 += w * w;
        self.swx[0] += w * x[0];
        self.swx[1] += w * x[1];
        self.swxx[0] += w * x[0] * x[0];
        self.swxx[1] += w * x[0] * x[1];
        self.swxx[2] += w * x[1] * x[1];
    }

    /// Number of draws.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// `Ê[x] = Σ w x / Σ w` (`None` before any positive weight).
    pub fn mean(&self) -> Option<[f64; 2]> {
        (self.sw > 0.0).then(|| [self.swx[0] / self.sw, self.swx[1] / self.sw])
    }

    /// `Ĉov[x] = Σ w x xᵀ / Σ w − Ê[x] Ê[x]ᵀ`.
    pub fn cov(&self) -> Option<[[f64; 2]; 2]> {
        let m = self.mean()?;
        let c01 = self.swxx[1] / self.sw - m[0] * m[1];
        Some([
            [self.swxx[0] / self.sw - m[0] * m[0], c01],
            [c01, self.swxx[2] / self.sw - m[1] * m[1]],
        ])
    }

    /// `ESS = (Σ w)² / Σ w²` (0 before any positive weight).
    pub fn ess(&self) -> f64 {
        if self.sw2 > 0.0 {
            self.sw * self.sw / self.sw2
        } else {
            0.0
        }
    }

    /// `ln Ẑ = ln((1/n) Σ w)`, an estimate of `ln ∫ exp(−E/T) dx`.
    pub fn log_z(&self) -> f64 {
        if self.n == 0 {
            return f64::NEG_INFINITY;
        }
        self.shift + ln(self.sw / self.n as f64)
    }
}

/// Self-normalised estimate `Σ wᵢ fᵢ / Σ wᵢ` and `ESS = (Σw)²/Σw²` from log-weights
/// (stabilised by the largest). `None` if the lengths differ or no weight is positive.
pub fn self_normalised(log_w: &[f64], f: &[f64]) -> Option<(f64, f64)> {
    if log_w.len() != f.len() {
        return None;
    }
    let max = log_w
        .iter()
        .copied()
        .filter(|v| !v.is_nan())
        .fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return None;
    }
    let (mut sw, mut sw2, mut swf) = (0.0, 0.0, 0.0);
    for (&l, &fi) in log_w.iter().zip(f) {
        let w = exp(l - max);
        if w > 0.0 {
            sw += w;
            sw2 += w * w;
            swf += w * fi;
        }
    }
    Some((swf / sw, sw * sw / sw2))
}

impl Transition for ImportanceSampler {
    fn state(&self) -> &ChainState {
        &self.state
    }

    fn state_mut(&mut self) -> &mut ChainState {
        &mut self.state
    }

    fn try_step(&mut self, target: &dyn Energy2d, rng: &mut Rng, on: &mut OnEvent) -> StepResult {
        let s = self.draw(target, rng)?;
        on(Event2d::Weighted {
            x: s.x,
            log_w: s.log_w,
        });
        Ok(())
    }
}

impl Sampler2d for ImportanceSampler {
    fn name(&self) -> &'static str {
        "importance"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;

    #[test]
    fn perfect_proposal_has_full_ess_and_exact_z() {
        // q = p exactly: all weights equal Z = 2π·σ₁σ₂√(1−ρ²).
        let g = Gaussian::correlated(1.0, 2.0, 0.5).expect("valid");
        let q = ImportanceProposal::gaussian([0.0, 0.0], g.cov()).expect("valid");
        let mut is = ImportanceSampler::new(q, 1.0).expect("valid");
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            is.draw(&g, &mut rng).expect("finite");
        }
        assert!((is.ess() - 1000.0).abs() < 1e-6);
        assert!((is.log_z() - g.log_partition(1.0)).abs() < 1e-9);
    }

    #[test]
    fn weights_far_outside_do_not_overflow() {
        let q = ImportanceProposal::uniform(Bounds::square(1000.0)).expect("box");
        let mut is = ImportanceSampler::new(q, 1.0).expect("valid");
        is.add([5.0, 5.0], -1e5);
        is.add([0.0, 0.0], 800.0);
        is.add([1.0, 0.0], 790.0);
        let m = is.mean().expect("positive weights");
        assert!(m[0] > 0.0 && m[0] < 1e-3 && is.ess() > 1.0);
        assert!(ImportanceProposal::uniform(Bounds::square(1e300)).is_err());
        assert!(self_normalised(&[0.0], &[1.0, 2.0]).is_none());
        assert_eq!(self_normalised(&[0.0, 0.0], &[1.0, 3.0]), Some((2.0, 2.0)));
    }
}
