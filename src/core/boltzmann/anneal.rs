//! Simulated annealing of the stochastic Hopfield network (lecture, "Stochastic Hopfield Network:
//! Annealing"; Kirkpatrick, Gelatt & Vecchi, "Optimization by simulated annealing", Science 220,
//! 1983): Gibbs sweeps at a temperature that falls from `T_max`, then a zero-temperature quench.
//!
//! Conventions: spins `±1`, `k = 1`; the Gibbs update is `P(yᵢ=+1 | rest) = σ(2hᵢ/T)`
//! ([`super::gibbs`]). One *level* is one temperature held for `k` sweeps (the lecture's "repeat a
//! few cycles"); `t` counts sweeps.
//!
//! Schedules, temperature at level `ℓ = 0, 1, 2, …`:
//! - geometric (the lecture's `T ← αT`): `T(ℓ) = T_max αˡ`;
//! - linear: `T(ℓ) = T_max − ℓ (T_max − T_min)/(L − 1)` over `L` levels;
//! - logarithmic (Geman & Geman, IEEE PAMI 6, 1984, Theorem B: `T(ℓ) ≥ c / log(1 + ℓ)` with `c`
//!   at least N times the largest energy jump guarantees convergence to the ground states):
//!   `T(ℓ) = T_max ln 2 / ln(ℓ + 2)`. It reaches `T_min` only after `2^{T_max/T_min} − 2` levels,
//!   which is why practice uses the geometric one.
//!
//! Annealing stops at the first level with `T ≤ T_min`; then sequential sweeps at `T = 0` run
//! until one makes no flip (a local minimum: every `yᵢ = Θ(hᵢ)`), and the annealer reports
//! convergence.

use serde::{Deserialize, Serialize};

use super::gibbs::{gibbs_sweep, GibbsOrder, SpinUpdate, Temperature};
use super::{check_state, BoltzmannError, Network, State};
use crate::rng::Rng;

/// Largest number of sweeps per temperature level.
pub const MAX_SWEEPS_PER_LEVEL: usize = 1_000_000;

/// Zero-temperature sweeps after which the final quench gives up waiting for a sweep without a
/// flip (it cannot cycle in exact arithmetic; this guards against f32 rounding of the fields).
pub const MAX_QUENCH_SWEEPS: usize = 10_000;

/// A temperature schedule. Build it with [`Schedule::geometric`], [`Schedule::linear`] or
/// [`Schedule::logarithmic`], which validate the parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Schedule {
    /// `T(ℓ) = T_max αˡ` (the lecture's scheme).
    Geometric {
        /// Starting temperature.
        t_max: f64,
        /// Final temperature.
        t_min: f64,
        /// Cooling factor α ∈ (0, 1).
        alpha: f64,
        /// Sweeps per level k.
        sweeps_per_level: usize,
    },
    /// `T(ℓ) = T_max − ℓ (T_max − T_min)/(L − 1)`, `ℓ = 0..L`.
    Linear {
        /// Starting temperature.
        t_max: f64,
        /// Final temperature.
        t_min: f64,
        /// Number of levels L ≥ 2.
        levels: u64,
        /// Sweeps per level k.
        sweeps_per_level: usize,
    },
    /// `T(ℓ) = T_max ln 2 / ln(ℓ + 2)` (Geman & Geman 1984).
    Logarithmic {
        /// Starting temperature (the constant is `c = T_max ln 2`).
        t_max: f64,
        /// Final temperature.
        t_min: f64,
        /// Sweeps per level k.
        sweeps_per_level: usize,
    },
}

fn check_range(t_max: f64, t_min: f64, k: usize) -> Result<(), BoltzmannError> {
    if !(t_max.is_finite() && t_max > 0.0) {
        return Err(BoltzmannError::Temperature {
            value: t_max,
            rule: "> 0 and finite for T_max",
        });
    }
    if !(t_min.is_finite() && t_min > 0.0 && t_min <= t_max) {
        return Err(BoltzmannError::Temperature {
            value: t_min,
            rule: "> 0 and ≤ T_max for T_min",
        });
    }
    if k == 0 || k > MAX_SWEEPS_PER_LEVEL {
        return Err(BoltzmannError::Parameter {
            name: "sweeps per temperature",
            value: k as f64,
            rule: "in 1..=1000000",
        });
    }
    Ok(())
}

impl Schedule {
    /// Geometric cooling `T ← αT` from `t_max` down to `t_min` (`0 < t_min ≤ t_max < ∞`,
    /// `0 < α < 1`), `k` sweeps per temperature (`1 ≤ k ≤ 10⁶`).
    pub fn geometric(t_max: f64, t_min: f64, alpha: f64, k: usize) -> Result<Self, BoltzmannError> {
        check_range(t_max, t_min, k)?;
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(BoltzmannError::Parameter {
                name: "cooling factor α",
                value: alpha,
                rule: "in (0, 1)",
            });
        }
        Ok(Self::Geometric {
            t_max,
            t_min,
            alpha,
            sweeps_per_level: k,
        })
    }

    /// Linear cooling over `levels ≥ 2` temperatures from `t_max` to `t_min`.
    pub fn linear(t_max: f64, t_min: f64, levels: u64, k: usize) -> Result<Self, BoltzmannError> {
        check_range(t_max, t_min, k)?;
        if levels < 2 {
            return Err(BoltzmannError::Parameter {
                name: "number of temperature levels",
                value: levels as f64,
                rule: "≥ 2",
            });
        }
        Ok(Self::Linear {
            t_max,
            t_min,
            levels,
            sweeps_per_level: k,
        })
    }

    /// Logarithmic cooling `T(ℓ) = T_max ln 2 / ln(ℓ + 2)` (Geman & Geman 1984) down to `t_min`.
    pub fn logarithmic(t_max: f64, t_min: f64, k: usize) -> Result<Self, BoltzmannError> {
        check_range(t_max, t_min, k)?;
        Ok(Self::Logarithmic {
            t_max,
            t_min,
            sweeps_per_level: k,
        })
    }

    /// Checks the parameters (for a schedule built as a literal or deserialised from a URL).
    pub fn validate(&self) -> Result<(), BoltzmannError> {
        match *self {
            Self::Geometric {
                t_max,
                t_min,
                alpha,
                sweeps_per_level,
            } => Self::geometric(t_max, t_min, alpha, sweeps_per_level).map(|_| ()),
            Self::Linear {
                t_max,
                t_min,
                levels,
                sweeps_per_level,
            } => Self::linear(t_max, t_min, levels, sweeps_per_level).map(|_| ()),
            Self::Logarithmic {
                t_max,
                t_min,
                sweeps_per_level,
            } => Self::logarithmic(t_max, t_min, sweeps_per_level).map(|_| ()),
        }
    }

    /// The temperature at level `ℓ` (never below `T_min` for the linear schedule; the others
    /// follow their formula past `T_min`).
    pub fn temperature(&self, level: u64) -> f64 {
        let l = level as f64;
        match *self {
            // T(ℓ) = T_max αˡ
            Self::Geometric { t_max, alpha, .. } => t_max * alpha.powf(l),
            // T(ℓ) = T_max − ℓ (T_max − T_min)/(L − 1)
            Self::Linear {
                t_max,
                t_min,
                levels,
                ..
            } => {
                let step = (t_max - t_min) / (levels - 1) as f64;
                (t_max - l * step).max(t_min)
            }
            // T(ℓ) = c / ln(ℓ + 2), c = T_max ln 2
            Self::Logarithmic { t_max, .. } => t_max * std::f64::consts::LN_2 / (l + 2.0).ln(),
        }
    }

    /// `T_min`.
    pub fn t_min(&self) -> f64 {
        match *self {
            Self::Geometric { t_min, .. }
            | Self::Linear { t_min, .. }
            | Self::Logarithmic { t_min, .. } => t_min,
        }
    }

    /// Sweeps per level `k`.
    pub fn sweeps_per_level(&self) -> usize {
        match *self {
            Self::Geometric {
                sweeps_per_level, ..
            }
            | Self::Linear {
                sweeps_per_level, ..
            }
            | Self::Logarithmic {
                sweeps_per_level, ..
            } => sweeps_per_level,
        }
    }

    /// Number of levels up to and including the first with `T ≤ T_min` (an `f64`, because the
    /// logarithmic schedule needs about `2^{T_max/T_min}`; may be `+∞`).
    pub fn levels(&self) -> f64 {
        match *self {
            // T_max αˡ ≤ T_min ⇔ ℓ ≥ ln(T_min/T_max) / ln α
            Self::Geometric {
                t_max,
                t_min,
                alpha,
                ..
            } => ((t_min / t_max).ln() / alpha.ln()).max(0.0).ceil() + 1.0,
            Self::Linear { levels, .. } => levels as f64,
            // T_max ln2 / ln(ℓ+2) ≤ T_min ⇔ ℓ ≥ 2^{T_max/T_min} − 2
            Self::Logarithmic { t_max, t_min, .. } => {
                ((t_max / t_min).exp2() - 2.0).max(0.0).ceil() + 1.0
            }
        }
    }

    /// Planned annealing sweeps, `levels × k` (before the final quench; may be `+∞`).
    pub fn planned_sweeps(&self) -> f64 {
        self.levels() * self.sweeps_per_level() as f64
    }
}

/// One point of the annealing trace, one per sweep: what the UI plots as `T(t)` beside `E(t)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnealPoint {
    /// Sweeps done, including this one.
    pub t: u64,
    /// Temperature of this sweep (0 during the final quench).
    pub temperature: f64,
    /// Energy after the sweep.
    pub energy: f64,
    /// Neurons flipped in the sweep.
    pub flips: usize,
}

/// Where an [`Annealer`] stands.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnnealStatus {
    /// Fraction of the planned sweeps done, in [0, 1]; exactly 1 once converged (stays near 0
    /// for a logarithmic schedule whose plan is astronomically long).
    pub progress: f64,
    /// Sweeps done.
    pub t: u64,
    /// Current temperature level ℓ.
    pub level: u64,
    /// Temperature of the next sweep (0 in the quench).
    pub temperature: f64,
    /// Whether `T ≤ T_min` was reached and a zero-temperature sweep made no flip.
    pub converged: bool,
    /// Whether the quench hit [`MAX_QUENCH_SWEEPS`] instead of finding a sweep without a flip.
    pub quench_capped: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Cooling,
    Quench,
    Done,
}

/// A resumable annealing run: call [`Annealer::step`] with a sweep budget (e.g. once per animation
/// frame); it returns the trace points of the sweeps it made. The state and network stay owned by
/// the caller.
#[derive(Clone, Debug)]
pub struct Annealer {
    schedule: Schedule,
    order: GibbsOrder,
    level: u64,
    at_level: usize,
    t: u64,
    phase: Phase,
    quench_sweeps: usize,
    quench_capped: bool,
    points: Vec<AnnealPoint>,
}

impl Annealer {
    /// A run with `schedule` (validated) and the sweep `order` used while cooling (the final
    /// quench is always sequential, so that "no flip in a sweep" means a local minimum).
    pub fn new(schedule: Schedule, order: GibbsOrder) -> Result<Self, BoltzmannError> {
        schedule.validate()?;
        Ok(Self {
            schedule,
            order,
            level: 0,
            at_level: 0,
            t: 0,
            phase: Phase::Cooling,
            quench_sweeps: 0,
            quench_capped: false,
            points: Vec::with_capacity(256),
        })
    }

    /// Starts over from level 0 (the state is left as it is: randomise it for a hot start).
    pub fn reset(&mut self) {
        self.level = 0;
        self.at_level = 0;
        self.t = 0;
        self.phase = Phase::Cooling;
        self.quench_sweeps = 0;
        self.quench_capped = false;
        self.points.clear();
    }

    /// The schedule.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The temperature of the next sweep.
    pub fn temperature(&self) -> f64 {
        match self.phase {
            Phase::Cooling => self.schedule.temperature(self.level),
            Phase::Quench | Phase::Done => 0.0,
        }
    }

    /// Progress and convergence.
    pub fn status(&self) -> AnnealStatus {
        let converged = self.phase == Phase::Done;
        let planned = self.schedule.planned_sweeps() + 1.0;
        AnnealStatus {
            progress: if converged {
                1.0
            } else {
                (self.t as f64 / planned).min(0.999)
            },
            t: self.t,
            level: self.level,
            temperature: self.temperature(),
            converged,
            quench_capped: self.quench_capped,
        }
    }

    /// Whether the run has converged.
    pub fn is_converged(&self) -> bool {
        self.phase == Phase::Done
    }

    /// Up to `sweeps` sweeps (fewer if the run converges); returns one trace point per sweep,
    /// borrowed from a buffer that is reused between calls (it grows only when a budget exceeds
    /// every earlier one).
    pub fn step(
        &mut self,
        net: &Network,
        state: &mut State,
        sweeps: usize,
        rng: &mut Rng,
    ) -> Result<&[AnnealPoint], BoltzmannError> {
        self.step_observed(net, state, sweeps, rng, &mut |_| {})
    }

    /// As [`Annealer::step`], calling `on_update` after every single-neuron update (to animate).
    pub fn step_observed(
        &mut self,
        net: &Network,
        state: &mut State,
        sweeps: usize,
        rng: &mut Rng,
        on_update: &mut dyn FnMut(SpinUpdate),
    ) -> Result<&[AnnealPoint], BoltzmannError> {
        check_state(net, state)?;
        self.points.clear();
        for _ in 0..sweeps {
            let (temperature, flips) = match self.phase {
                Phase::Done => break,
                Phase::Cooling => {
                    let tv = self.schedule.temperature(self.level);
                    let t = Temperature::new(tv)?;
                    let flips = gibbs_sweep(net, state, t, self.order, rng, on_update)?;
                    self.at_level += 1;
                    if self.at_level >= self.schedule.sweeps_per_level() {
                        // Level done: T ← next level (αT for the geometric schedule).
                        self.at_level = 0;
                        if tv <= self.schedule.t_min() || self.level == u64::MAX {
                            self.phase = Phase::Quench;
                            // Fields were updated incrementally in f32: re-sync before the quench.
                            state.refresh(net);
                        } else {
                            self.level += 1;
                        }
                    }
                    (tv, flips)
                }
                Phase::Quench => {
                    let flips = gibbs_sweep(
                        net,
                        state,
                        Temperature::ZERO,
                        GibbsOrder::Sequential,
                        rng,
                        on_update,
                    )?;
                    self.quench_sweeps += 1;
                    // Converged: T ≤ T_min and a zero-temperature sweep without a flip.
                    if flips == 0 {
                        self.phase = Phase::Done;
                    } else if self.quench_sweeps >= MAX_QUENCH_SWEEPS {
                        self.quench_capped = true;
                        self.phase = Phase::Done;
                    }
                    (0.0, flips)
                }
            };
            self.t += 1;
            self.points.push(AnnealPoint {
                t: self.t,
                temperature,
                energy: state.energy(),
                flips,
            });
        }
        Ok(&self.points)
    }

    /// Runs to convergence or until `max_sweeps` sweeps in total; returns the final status.
    pub fn run(
        &mut self,
        net: &Network,
        state: &mut State,
        max_sweeps: u64,
        rng: &mut Rng,
    ) -> Result<AnnealStatus, BoltzmannError> {
        while !self.is_converged() && self.t < max_sweeps {
            let budget = (max_sweeps - self.t).min(1024) as usize;
            self.step(net, state, budget, rng)?;
        }
        Ok(self.status())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_formulas() {
        let g = Schedule::geometric(10.0, 0.1, 0.5, 3).expect("g");
        assert!((g.temperature(3) - 1.25).abs() < 1e-12);
        // 10·0.5ˡ ≤ 0.1 first at ℓ = 7 (0.078): levels 0..=7.
        assert_eq!(g.levels(), 8.0);
        assert_eq!(g.planned_sweeps(), 24.0);
        let l = Schedule::linear(2.0, 0.5, 4, 1).expect("l");
        let ts: Vec<f64> = (0..5).map(|k| l.temperature(k)).collect();
        assert_eq!(ts, vec![2.0, 1.5, 1.0, 0.5, 0.5]);
        let lg = Schedule::logarithmic(1.0, 0.25, 1).expect("log");
        assert!((lg.temperature(0) - 1.0).abs() < 1e-12);
        // ℓ ≥ 2⁴ − 2 = 14: T(14) = ln2/ln16 = 0.25.
        assert!((lg.temperature(14) - 0.25).abs() < 1e-12);
        assert_eq!(lg.levels(), 15.0);
        assert!(Schedule::logarithmic(100.0, 0.01, 1)
            .expect("log")
            .levels()
            .is_infinite());
    }

    #[test]
    fn schedule_validation() {
        assert!(Schedule::geometric(f64::NAN, 0.1, 0.9, 1).is_err());
        assert!(Schedule::geometric(1.0, 0.0, 0.9, 1).is_err());
        assert!(Schedule::geometric(1.0, 2.0, 0.9, 1).is_err());
        let e = Schedule::geometric(1.0, 0.1, 1.0, 1).expect_err("α");
        assert!(e.to_string().contains("α"), "{e}");
        assert!(Schedule::geometric(1.0, 0.1, 0.9, 0).is_err());
        assert!(Schedule::linear(1.0, 0.1, 1, 1).is_err());
        assert!(Schedule::logarithmic(f64::INFINITY, 0.1, 1).is_err());
        let bad = Schedule::Geometric {
            t_max: 1.0,
            t_min: 0.1,
            alpha: -0.5,
            sweeps_per_level: 1,
        };
        assert!(Annealer::new(bad, GibbsOrder::Sequential).is_err());
    }

    #[test]
    fn annealer_trace_is_resumable_and_converges() {
        let mut rng = Rng::new(5);
        let n = 12;
        let mut net = Network::new(n).expect("size");
        for i in 0..n {
            for j in 0..i {
                net.set_weight(i, j, rng.normal() as f32);
            }
        }
        let y: Vec<i8> = (0..n).map(|_| rng.spin()).collect();
        let sched = Schedule::geometric(4.0, 0.05, 0.8, 5).expect("sched");
        let mut a = Annealer::new(sched, GibbsOrder::Random).expect("annealer");
        let mut s = State::new(&net, y.clone()).expect("state");
        let mut trace = Vec::new();
        let mut r1 = Rng::new(77);
        while !a.is_converged() {
            let pts = a.step(&net, &mut s, 7, &mut r1).expect("step");
            assert!(!pts.is_empty() && pts.len() <= 7);
            trace.extend_from_slice(pts);
            assert!((0.0..=1.0).contains(&a.status().progress));
        }
        assert_eq!(a.status().progress, 1.0);
        assert_eq!(a.step(&net, &mut s, 5, &mut r1).expect("step").len(), 0);
        // Temperatures never rise; sweeps are numbered 1, 2, …; the last sweep has no flip at T = 0.
        for w in trace.windows(2) {
            assert!(w[1].temperature <= w[0].temperature);
            assert_eq!(w[1].t, w[0].t + 1);
        }
        let last = trace.last().expect("trace");
        assert_eq!((last.temperature, last.flips), (0.0, 0));
        assert!((last.energy - net.energy(s.y())).abs() < 1e-4);
        // Same seed, one big step: the same trace.
        let mut b = Annealer::new(sched, GibbsOrder::Random).expect("annealer");
        let mut s2 = State::new(&net, y).expect("state");
        let all = b
            .step(&net, &mut s2, 100_000, &mut Rng::new(77))
            .expect("step");
        assert_eq!(all, &trace[..]);
        // Cooling sweeps match the schedule: 4·0.8ˡ ≤ 0.05 first at ℓ = 20, so 21 levels × 5 sweeps.
        let cooling = trace.iter().filter(|p| p.temperature > 0.0).count();
        assert_eq!(cooling as f64, sched.planned_sweeps());
    }
}
