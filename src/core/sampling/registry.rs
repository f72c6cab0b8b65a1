//! The samplers on offer, one [`SamplerEntry`] each: its link key and menu label, what kind of
//! draws it makes ([`Family`]), the parameter rows it reads ([`Knobs`] by link key), how it is
//! built and retuned in place, and the line that explains it in the lecture's words.
//!
//! **Adding a sampler** is one entry in `ENTRIES` plus a number row for each new parameter in
//! the lab's table ([`super::lab::TABLE`], where `knob(…)` rows read and write [`Knobs`]): the
//! menu, the link, the shown-when-used parameter rows, in-place retuning and the read-outs all
//! follow from the entry. A single chain wraps any [`Sampler2d`] with [`chain`] (give it the
//! function that applies changed knobs through the sampler's own setters); independent weighted
//! draws return [`Draw::Weighted`]; a sampler that moves many points at once (SVGD, DE-MCMC-Z,
//! parallel tempering, nested sampling, AIS…) is a [`Family::Population`] engine whose
//! [`Engine::points`] the plane draws and whose histograms show the population now: wrap any
//! [`Population2d`] with [`crowd`] (its tuning function and how a click moves its members), as
//! [`Particles`] is wired by hand. [`chain_with`] and [`crowd_with`] also take what the sampler
//! shows ([`Shows`]: its picture on the plane, [`Look`], its read-out line and named figures);
//! the entries added for issue 13 live in [`super::adaptive`], [`super::crowds`],
//! [`super::evidence`] and [`super::data`].

use crate::landscape::{Bounds, Energy2d};
use crate::rng::Rng;
use crate::sampler::gibbs2d::DEFAULT_GRID_CELLS;
use crate::sampler::{
    langevin_particles, Event2d, GaussianWalk, Gibbs2d, Hmc, ImportanceProposal, ImportanceSampler,
    Langevin, Mala, Metropolis, Nuts, Population2d, Sampler2d, SamplerError, StepSchedule,
};
use crate::settings::{opt, Opt};

pub use super::look::{Look, Shows, FIGURES};
use super::{fmt_count, show};

/// The sampler parameters, by the link key of their row ("sigma", "eps", …). Rows write them,
/// samplers read them; the two samplers of a comparison share them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Knobs {
    vals: Vec<(&'static str, f64)>,
}

impl Knobs {
    /// The value of `key` (NaN if no row set it: a sampler built from it then refuses).
    pub fn get(&self, key: &str) -> f64 {
        self.vals
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(f64::NAN, |(_, v)| *v)
    }

    /// `key` as a whole number (0 if unset or not finite).
    pub fn count(&self, key: &str) -> u32 {
        let v = self.get(key);
        if v.is_finite() {
            v.round().clamp(0.0, f64::from(u32::MAX)) as u32
        } else {
            0
        }
    }

    /// Sets `key`; returns whether the value changed.
    pub fn set(&mut self, key: &'static str, v: f64) -> bool {
        match self.vals.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) if *old == v => false,
            Some((_, old)) => {
                *old = v;
                true
            }
            None => {
                self.vals.push((key, v));
                true
            }
        }
    }

    /// The Langevin step schedule of knobs `eps` and `sched` (0: constant, 1: decaying
    /// `ε_t = a(b + t)^−γ` with `a` chosen so that `ε₀ = ε`).
    pub fn schedule(&self) -> Result<StepSchedule, SamplerError> {
        let eps = self.get("eps");
        if self.count("sched") == 1 {
            StepSchedule::decaying(
                eps * crate::fastmath::powf(DECAY_B, DECAY_GAMMA),
                DECAY_B,
                DECAY_GAMMA,
            )
        } else {
            StepSchedule::constant(eps)
        }
    }
}

/// Offset b of the decaying schedule.
pub const DECAY_B: f64 = 10.0;
/// γ of the decaying schedule (in (0.5, 1], as Welling & Teh 2011 require).
pub const DECAY_GAMMA: f64 = 0.55;

/// What a sampler's draws are, and so how a run records them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// One Markov chain: every state is a sample (trace, autocorrelation, ESS = n/τ).
    Chain,
    /// Independent weighted draws (self-normalised estimates, ESS = (Σw)²/Σw²).
    Weighted,
    /// Many points moved together: the histograms show the population now.
    Population,
}

/// What one step produced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Draw {
    /// The chain's new state.
    Point([f64; 2]),
    /// An independent draw and its log importance weight.
    Weighted {
        /// The draw.
        x: [f64; 2],
        /// `ln w`.
        log_w: f64,
    },
    /// The population moved ([`Engine::points`]).
    Population,
}

/// Self-normalised estimates of weighted draws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weighted {
    /// Draws so far.
    pub count: u64,
    /// `Σwx/Σw`.
    pub mean: Option<[f64; 2]>,
    /// Weighted covariance.
    pub cov: Option<[[f64; 2]; 2]>,
    /// `(Σw)²/Σw²`.
    pub ess: f64,
}

/// Where and how a sampler starts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setup {
    /// The start point of a chain.
    pub x0: [f64; 2],
    /// The view box (a population starts uniformly in it).
    pub view: Bounds,
    /// Temperature T.
    pub t: f64,
}

/// A sampler at work, whatever its family.
pub trait Engine {
    /// One step on `target`, reporting its inner events to `on`; `Err` is why it stopped (the
    /// NaN guard), after which it does nothing until [`Engine::set_position`].
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError>;
    /// The chain's state (the last draw of independent draws, the mean of a population).
    fn position(&self) -> [f64; 2];
    /// Moves the chain (every member of a population) to `x` and clears a halt.
    fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError>;
    /// Applies changed knobs and temperature through the sampler's own setters, keeping its
    /// state (on error nothing changed).
    fn retune(&mut self, k: &Knobs, t: f64) -> Result<(), SamplerError>;
    /// Acceptance rate of an accept/reject step so far.
    fn acceptance(&self) -> Option<f64> {
        None
    }
    /// The step size the next step uses, where it varies (Langevin schedules).
    fn step_size(&self) -> Option<f64> {
        None
    }
    /// The members of a population.
    fn points(&self) -> &[[f64; 2]] {
        &[]
    }
    /// Estimates of weighted draws.
    fn weighted(&self) -> Option<Weighted> {
        None
    }
    /// Forgets accumulated estimates (the state stays).
    fn forget(&mut self) {}
    /// What the plane draws for it beyond the samples ([`Look`]).
    fn look(&self) -> Look<'_> {
        Look::Plain
    }
    /// Its own quantities for the read-out (proposal covariance, ε and warm-up, ln Z …).
    fn readout(&self) -> Option<String> {
        None
    }
    /// One of its own quantities by name ([`FIGURES`]), for scripts and tests.
    fn figure(&self, _key: &str) -> Option<f64> {
        None
    }
}

/// What the explanation line of a sampler reads from its run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Status {
    /// Steps since the samples were cleared.
    pub steps: u64,
    /// The step size in use (Langevin schedules).
    pub eps_now: Option<f64>,
    /// ΔH of the last Hamiltonian trajectory.
    pub delta_h: Option<f64>,
    /// Depth and leapfrog count of the last NUTS tree.
    pub tree: Option<(u32, u32)>,
    /// Divergent NUTS transitions.
    pub divergences: u64,
    /// Effective sample size of weighted draws.
    pub ess: Option<f64>,
    /// Members of a population.
    pub members: usize,
}

/// How a registry entry builds its sampler.
pub type Build = fn(&Setup, &Knobs, &mut Rng) -> Result<Box<dyn Engine>, SamplerError>;

/// One sampler on offer.
pub struct SamplerEntry {
    /// Link key and menu label.
    pub opt: Opt,
    /// Name in read-outs ("RWMH").
    pub short: &'static str,
    /// Its family.
    pub family: Family,
    /// Link keys of the knobs it reads: their rows show while it runs, and a change retunes it.
    pub knobs: &'static [&'static str],
    /// Knobs whose change needs a fresh start (a new population size).
    pub restart_on: &'static [&'static str],
    /// Builds it.
    pub build: Build,
    /// One line on what it is doing, in the lecture's words.
    pub about: fn(&Knobs, &Status) -> String,
}

impl SamplerEntry {
    /// Whether it reads knob `key`.
    pub fn uses(&self, key: &str) -> bool {
        self.knobs.contains(&key)
    }
}

/// A [`Sampler2d`] as an [`Engine`]: `tune` applies changed knobs and T with the sampler's own
/// setters; `eps` reads the step size it is using, if that varies.
pub struct Chain<S> {
    s: S,
    tune: fn(&mut S, &Knobs, f64) -> Result<(), SamplerError>,
    shows: Shows<S>,
}

/// Wraps a single chain.
pub fn chain<S: Sampler2d + 'static>(
    s: S,
    tune: fn(&mut S, &Knobs, f64) -> Result<(), SamplerError>,
) -> Box<dyn Engine> {
    chain_with(s, tune, Shows::none())
}

/// Wraps a single chain that shows more of itself ([`Shows`]).
pub fn chain_with<S: Sampler2d + 'static>(
    s: S,
    tune: fn(&mut S, &Knobs, f64) -> Result<(), SamplerError>,
    shows: Shows<S>,
) -> Box<dyn Engine> {
    Box::new(Chain { s, tune, shows })
}

impl<S: Sampler2d> Engine for Chain<S> {
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError> {
        let x = self.s.step(target, rng, on);
        match self.s.halted() {
            Some(e) => Err(e.clone()),
            None => Ok(Draw::Point(x)),
        }
    }
    fn position(&self) -> [f64; 2] {
        self.s.position()
    }
    fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError> {
        self.s.set_position(x)
    }
    fn retune(&mut self, k: &Knobs, t: f64) -> Result<(), SamplerError> {
        (self.tune)(&mut self.s, k, t)
    }
    fn acceptance(&self) -> Option<f64> {
        self.s.acceptance().and_then(|a| a.rate())
    }
    fn step_size(&self) -> Option<f64> {
        (self.shows.eps)(&self.s)
    }
    fn look(&self) -> Look<'_> {
        (self.shows.look)(&self.s)
    }
    fn readout(&self) -> Option<String> {
        (self.shows.readout)(&self.s)
    }
    fn figure(&self, key: &str) -> Option<f64> {
        (self.shows.figure)(&self.s, key)
    }
}

/// A [`Population2d`] as an [`Engine`]: `tune` applies changed knobs and T with its own
/// setters; `place` moves every member to a clicked point.
pub struct Crowd<P> {
    p: P,
    tune: fn(&mut P, &Knobs, f64) -> Result<(), SamplerError>,
    place: fn(&mut P, [f64; 2]) -> Result<(), SamplerError>,
    shows: Shows<P>,
}

/// Wraps a population sampler (SVGD, DE-MCMC-Z, parallel tempering, nested sampling, AIS…).
pub fn crowd<P: Population2d + 'static>(
    p: P,
    tune: fn(&mut P, &Knobs, f64) -> Result<(), SamplerError>,
    place: fn(&mut P, [f64; 2]) -> Result<(), SamplerError>,
) -> Box<dyn Engine> {
    crowd_with(p, tune, place, Shows::none())
}

/// Wraps a population sampler that shows more of itself ([`Shows`]).
pub fn crowd_with<P: Population2d + 'static>(
    p: P,
    tune: fn(&mut P, &Knobs, f64) -> Result<(), SamplerError>,
    place: fn(&mut P, [f64; 2]) -> Result<(), SamplerError>,
    shows: Shows<P>,
) -> Box<dyn Engine> {
    Box::new(Crowd {
        p,
        tune,
        place,
        shows,
    })
}

/// The mean of `points` (the origin for none).
pub(crate) fn centroid(points: &[[f64; 2]]) -> [f64; 2] {
    let n = points.len().max(1) as f64;
    let s = points
        .iter()
        .fold([0.0, 0.0], |a, p| [a[0] + p[0], a[1] + p[1]]);
    [s[0] / n, s[1] / n]
}

impl<P: Population2d> Engine for Crowd<P> {
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError> {
        self.p.step(target, rng, &mut |_, e| on(e));
        match self.p.halted() {
            Some(e) => Err(e.clone()),
            None => Ok(Draw::Population),
        }
    }
    fn position(&self) -> [f64; 2] {
        centroid(self.p.points())
    }
    fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError> {
        (self.place)(&mut self.p, x)
    }
    fn retune(&mut self, k: &Knobs, t: f64) -> Result<(), SamplerError> {
        (self.tune)(&mut self.p, k, t)
    }
    fn points(&self) -> &[[f64; 2]] {
        self.p.points()
    }
    fn step_size(&self) -> Option<f64> {
        (self.shows.eps)(&self.p)
    }
    fn look(&self) -> Look<'_> {
        (self.shows.look)(&self.p)
    }
    fn readout(&self) -> Option<String> {
        (self.shows.readout)(&self.p)
    }
    fn figure(&self, key: &str) -> Option<f64> {
        (self.shows.figure)(&self.p, key)
    }
}

/// Self-normalised importance sampling with a Gaussian proposal `q = N(μ, σ²I)` from the knobs
/// `ismx`, `ismy`, `iss`. A change of q or T keeps the draws so far: each keeps the weight
/// `p̃/q` of the q and T it was drawn with, and the estimates stay consistent.
pub struct Importance {
    q: ImportanceProposal,
    t: f64,
    sums: ImportanceSampler,
    last: [f64; 2],
}

impl Importance {
    fn proposal(k: &Knobs) -> Result<ImportanceProposal, SamplerError> {
        let s2 = k.get("iss").powi(2);
        ImportanceProposal::gaussian([k.get("ismx"), k.get("ismy")], [[s2, 0.0], [0.0, s2]])
    }

    /// A sampler with the knobs' proposal at temperature `t`.
    pub fn new(k: &Knobs, t: f64) -> Result<Self, SamplerError> {
        let q = Self::proposal(k)?;
        let sums = ImportanceSampler::new(q.clone(), t)?;
        Ok(Self {
            q,
            t,
            sums,
            last: [k.get("ismx"), k.get("ismy")],
        })
    }
}

impl Engine for Importance {
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError> {
        let x = self.q.sample(rng);
        // ln w = ln p̃(x) − ln q(x) = −E(x)/T − ln q(x).
        let log_w = -target.energy(x) / self.t - self.q.log_density(x);
        if log_w.is_nan() || log_w == f64::INFINITY {
            return Err(SamplerError::Diverged {
                what: "energy",
                at: x,
            });
        }
        self.sums.add(x, log_w);
        self.last = x;
        on(Event2d::Weighted { x, log_w });
        Ok(Draw::Weighted { x, log_w })
    }
    fn position(&self) -> [f64; 2] {
        self.last
    }
    fn set_position(&mut self, _: [f64; 2]) -> Result<(), SamplerError> {
        Ok(())
    }
    fn retune(&mut self, k: &Knobs, t: f64) -> Result<(), SamplerError> {
        let q = Self::proposal(k)?;
        crate::sampler::check_temperature(t)?;
        self.q = q;
        self.t = t;
        Ok(())
    }
    fn weighted(&self) -> Option<Weighted> {
        Some(Weighted {
            count: self.sums.count(),
            mean: self.sums.mean(),
            cov: self.sums.cov(),
            ess: self.sums.ess(),
        })
    }
    fn forget(&mut self) {
        self.sums.reset();
    }
}

/// Many unadjusted Langevin chains moved together (a population): `n` particles start uniformly
/// in the view and each takes the step `x′ = x + (ε/2)∇log p + √ε ξ` every sweep.
pub struct Particles {
    xs: Vec<[f64; 2]>,
    schedule: StepSchedule,
    iter: u64,
    t: f64,
    frozen: usize,
}

impl Particles {
    /// `n` particles (1 to 10 000) uniform in `view`, drawn from `rng`.
    pub fn new(
        n: usize,
        view: Bounds,
        schedule: StepSchedule,
        t: f64,
        rng: &mut Rng,
    ) -> Result<Self, SamplerError> {
        crate::sampler::check_temperature(t)?;
        let xs = uniform(population_size(n)?, view, rng);
        Ok(Self {
            xs,
            schedule,
            iter: 0,
            t,
            frozen: 0,
        })
    }

    /// Particles the NaN guard left in place in the last sweep.
    pub fn frozen(&self) -> usize {
        self.frozen
    }
}

/// Largest population.
pub const MAX_PARTICLES: usize = crate::sampler::chains::MAX_CHAINS;

/// `n` points uniform in `view`, drawn from `rng` (x then y for each point): where a
/// population starts.
pub(crate) fn uniform(n: usize, view: Bounds, rng: &mut Rng) -> Vec<[f64; 2]> {
    (0..n)
        .map(|_| {
            [
                rng.range(view.x_min, view.x_max),
                rng.range(view.y_min, view.y_max),
            ]
        })
        .collect()
}

/// A population's step: moved, or halted with `what` diverged at the centroid `at()` when the
/// NaN guard left every member in place.
pub(crate) fn population_moved(
    all_frozen: bool,
    what: &'static str,
    at: impl FnOnce() -> [f64; 2],
) -> Result<Draw, SamplerError> {
    if all_frozen {
        return Err(SamplerError::Diverged { what, at: at() });
    }
    Ok(Draw::Population)
}

/// `n` if it is a population size on offer (1 to [`MAX_PARTICLES`]).
pub(crate) fn population_size(n: usize) -> Result<usize, SamplerError> {
    if n == 0 || n > MAX_PARTICLES {
        return Err(SamplerError::OutOfRange {
            what: "number of particles",
            value: n as f64,
            allowed: "between 1 and 10 000",
        });
    }
    Ok(n)
}

impl Engine for Particles {
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        _: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError> {
        let eps = self.schedule.eps_at(self.iter);
        self.frozen = langevin_particles(self.xs.as_flattened_mut(), target, eps, self.t, rng)?;
        self.iter += 1;
        population_moved(
            self.frozen == self.xs.len(),
            "position of every particle",
            || self.position(),
        )
    }
    fn position(&self) -> [f64; 2] {
        centroid(&self.xs)
    }
    fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError> {
        if !(x[0].is_finite() && x[1].is_finite()) {
            return Err(SamplerError::NotFinite {
                what: "position",
                value: if x[0].is_finite() { x[1] } else { x[0] },
            });
        }
        self.xs.iter_mut().for_each(|p| *p = x);
        Ok(())
    }
    fn retune(&mut self, k: &Knobs, t: f64) -> Result<(), SamplerError> {
        let s = k.schedule()?;
        crate::sampler::check_temperature(t)?;
        if s != self.schedule {
            self.schedule = s;
            self.iter = 0;
        }
        self.t = t;
        Ok(())
    }
    fn step_size(&self) -> Option<f64> {
        Some(self.schedule.eps_at(self.iter))
    }
    fn points(&self) -> &[[f64; 2]] {
        &self.xs
    }
}

fn retune_langevin(s: &mut Langevin, k: &Knobs, t: f64) -> Result<(), SamplerError> {
    let sched = k.schedule()?;
    s.set_temperature(t)?;
    if sched != s.schedule() {
        // A new schedule restarts its clock at t = 0.
        s.set_schedule(sched);
    }
    Ok(())
}

const ENTRIES: &[SamplerEntry] = &[
    SamplerEntry {
        opt: opt("rwmh", "random-walk MH"),
        short: "RWMH",
        family: Family::Chain,
        knobs: &["sigma"],
        restart_on: &[],
        build: |s, k, _| {
            Ok(chain(
                Metropolis::random_walk(s.x0, k.get("sigma"), s.t)?,
                |m, k, t| {
                    let walk = GaussianWalk::new(k.get("sigma"))?;
                    m.set_temperature(t)?;
                    m.set_proposal(walk);
                    Ok(())
                },
            ))
        },
        about: |k, _| {
            format!(
                "s′ = s + σ·noise with σ = {}; accept with α = min(1, p(s′)/p(s)). Aim for an \
                 acceptance around 0.2–0.5.",
                show(k.get("sigma"))
            )
        },
    },
    SamplerEntry {
        opt: opt("gibbs", "Gibbs"),
        short: "Gibbs",
        family: Family::Chain,
        knobs: &[],
        restart_on: &[],
        build: |s, _, _| {
            Ok(chain(
                Gibbs2d::new(s.x0, s.t, DEFAULT_GRID_CELLS)?,
                |g, _, t| g.set_temperature(t),
            ))
        },
        about: |_, _| {
            "each step redraws x₁ ~ p(x₁ | x₂), then x₂ ~ p(x₂ | x₁), exactly (analytic or \
             numerical inverse CDF); α = 1."
                .into()
        },
    },
    SamplerEntry {
        opt: opt("ula", "unadjusted Langevin"),
        short: "ULA",
        family: Family::Chain,
        knobs: &["eps", "sched"],
        restart_on: &[],
        build: |s, k, _| {
            Ok(chain_with(
                Langevin::new(s.x0, k.schedule()?, s.t)?,
                retune_langevin,
                Shows {
                    eps: |l| Some(l.current_eps()),
                    ..Shows::none()
                },
            ))
        },
        about: |k, st| {
            format!(
                "θ′ = θ + (ε/2)∇log p(θ) + N(0, εI) with ε = {} ({}), no accept/reject: a \
                 constant ε samples a slightly wrong density.",
                show(st.eps_now.unwrap_or(k.get("eps"))),
                if k.count("sched") == 1 {
                    "decaying"
                } else {
                    "constant"
                }
            )
        },
    },
    SamplerEntry {
        opt: opt("mala", "MALA"),
        short: "MALA",
        family: Family::Chain,
        knobs: &["eps"],
        restart_on: &[],
        build: |s, k, _| {
            Ok(chain(Mala::new(s.x0, k.get("eps"), s.t)?, |m, k, t| {
                m.set_eps(k.get("eps"))?;
                m.set_temperature(t)
            }))
        },
        about: |k, _| {
            format!(
                "the Langevin move with ε = {} as an MH proposal: the accept/reject step makes \
                 it exact.",
                show(k.get("eps"))
            )
        },
    },
    SamplerEntry {
        opt: opt("hmc", "HMC"),
        short: "HMC",
        family: Family::Chain,
        knobs: &["dt", "L"],
        restart_on: &[],
        build: |s, k, _| {
            Ok(chain(
                Hmc::new(s.x0, k.get("dt"), k.count("L"), s.t)?,
                |h, k, t| {
                    h.set_integrator(k.get("dt"), k.count("L"))?;
                    h.set_temperature(t)
                },
            ))
        },
        about: |k, st| {
            format!(
                "p ~ N(0, I), L = {} leapfrog steps of Δt = {}, accept with min(1, e^−ΔH); last \
                 ΔH = {}.",
                k.count("L"),
                show(k.get("dt")),
                st.delta_h.map_or("—".into(), show)
            )
        },
    },
    SamplerEntry {
        opt: opt("nuts", "NUTS"),
        short: "NUTS",
        family: Family::Chain,
        knobs: &["neps", "depth"],
        restart_on: &[],
        build: |s, k, _| {
            Ok(chain(
                Nuts::new(s.x0, k.get("neps"), k.count("depth"), s.t)?,
                |n, k, t| {
                    n.set_params(k.get("neps"), k.count("depth"))?;
                    n.set_temperature(t)
                },
            ))
        },
        about: |k, st| {
            let (d, l) = st.tree.unwrap_or((0, 0));
            format!(
                "ε = {}; last tree depth {d} with {l} leapfrog steps (max depth {}); {} \
                 divergent transitions.",
                show(k.get("neps")),
                k.count("depth"),
                st.divergences
            )
        },
    },
    SamplerEntry {
        opt: opt("is", "importance sampling"),
        short: "IS",
        family: Family::Weighted,
        knobs: &["ismx", "ismy", "iss"],
        restart_on: &[],
        build: |s, k, _| Ok(Box::new(Importance::new(k, s.t)?)),
        about: |k, st| {
            format!(
                "{} draws from q = N(({}, {}), {}²I), weights w = p̃/q; ESS = (Σw)²/Σw² = {} \
                 (the read-out's ESS/s counts draws).",
                fmt_count(st.steps),
                show(k.get("ismx")),
                show(k.get("ismy")),
                show(k.get("iss")),
                st.ess.map_or("—".into(), show)
            )
        },
    },
    SamplerEntry {
        opt: opt("particles", "Langevin particles"),
        short: "particles",
        family: Family::Population,
        knobs: &["eps", "sched", "n"],
        restart_on: &["n"],
        build: |s, k, rng| {
            Ok(Box::new(Particles::new(
                k.count("n") as usize,
                s.view,
                k.schedule()?,
                s.t,
                rng,
            )?))
        },
        about: |k, st| {
            format!(
                "{} particles, each an unadjusted Langevin chain at ε = {}; the histograms show \
                 the ensemble now.",
                fmt_count(st.members as u64),
                show(st.eps_now.unwrap_or(k.get("eps")))
            )
        },
    },
    super::mh_particles::MH_PARTICLES,
    super::adaptive::AM,
    super::adaptive::MCHMC,
    super::adaptive::HMC_DA,
    super::adaptive::NUTS_DA,
    super::crowds::SVGD,
    super::crowds::DE_MCMC_Z,
    super::crowds::TEMPERING,
    super::evidence::NESTED,
    super::evidence::AIS,
    super::data::SGLD,
];

/// Every sampler, in menu order.
pub static SAMPLERS: &[SamplerEntry] = ENTRIES;

/// The sampler menu (link keys and labels), in the order of [`SAMPLERS`].
pub static SAMPLER_MENU: [Opt; ENTRIES.len()] = menu::<{ ENTRIES.len() }>(ENTRIES);

const fn menu<const N: usize>(entries: &[SamplerEntry]) -> [Opt; N] {
    let mut out = [opt("", ""); N];
    let mut i = 0;
    while i < N {
        out[i] = entries[i].opt;
        i += 1;
    }
    out
}

/// The index of the sampler with link key `key`.
pub fn index_of(key: &str) -> Option<usize> {
    SAMPLERS.iter().position(|e| e.opt.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knobs_store_by_key_and_report_changes() {
        let mut k = Knobs::default();
        assert!(k.get("eps").is_nan());
        assert_eq!(k.count("L"), 0);
        assert!(k.set("eps", 0.1));
        assert!(!k.set("eps", 0.1), "same value: no change");
        assert!(k.set("L", 9.6));
        assert_eq!(k.count("L"), 10);
        assert_eq!(k.schedule(), StepSchedule::constant(0.1));
        k.set("sched", 1.0);
        let s = k.schedule().expect("decaying");
        assert!((s.eps_at(0) - 0.1).abs() < 1e-12, "ε₀ = ε");
        assert!(s.eps_at(100) < 0.05);
    }

    #[test]
    fn a_population_sampler_plugs_in_through_crowd() {
        use crate::landscape::Gaussian;
        use crate::sampler::Svgd;
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("gauss");
        let start: Vec<[f64; 2]> = (0..20).map(|i| [f64::from(i) * 0.1, 1.0]).collect();
        let mut k = Knobs::default();
        k.set("eps", 0.1);
        let mut e = crowd(
            Svgd::new(&start, 0.1, 1.0).expect("svgd"),
            |s, k, t| {
                s.set_eps(k.get("eps"))?;
                s.set_temperature(t)
            },
            |s, x| (0..s.points().len()).try_for_each(|i| s.set_particle(i, x)),
        );
        let mut rng = Rng::new(1);
        for _ in 0..30 {
            assert_eq!(e.step(&g, &mut rng, &mut |_| {}), Ok(Draw::Population));
        }
        assert_eq!(e.points().len(), 20);
        k.set("eps", 0.05);
        e.retune(&k, 2.0).expect("in range");
        e.set_position([0.5, 0.5]).expect("finite");
        assert_eq!(e.position(), [0.5, 0.5]);
    }

    #[test]
    fn the_menu_follows_the_registry() {
        assert_eq!(SAMPLER_MENU.len(), SAMPLERS.len());
        for (m, e) in SAMPLER_MENU.iter().zip(SAMPLERS) {
            assert_eq!(m.key, e.opt.key);
        }
        assert_eq!(index_of("hmc"), Some(4));
        assert_eq!(index_of("nope"), None);
        for e in SAMPLERS {
            for r in e.restart_on {
                assert!(
                    e.uses(r),
                    "{}: restarts on a knob it does not read",
                    e.short
                );
            }
        }
    }
}
