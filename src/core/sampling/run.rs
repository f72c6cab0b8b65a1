//! One sampler at work and everything the views read from it: the last step's events, a
//! bounded buffer of samples (dots), the recent path, marginal histograms, running moments, a
//! decimating trace of x₁ with a mark wherever a setting changed, and an autocorrelation
//! estimate refreshed on demand. Buffers are allocated when a run is built, never per step.

use crate::landscape::{Bounds, Energy2d};
use crate::rng::Rng;
use crate::sampler::diagnostics::{autocorrelation, integrated_autocorrelation_time};
use crate::sampler::{Event2d, RunningMoments, SamplerError};
use crate::trace::Trace;

use super::hist::Marginals;
use super::look::Look;
use super::registry::{Draw, Engine, Family, Knobs, SamplerEntry, Setup, Status, SAMPLERS};
use super::ring::Ring;

/// Samples kept for drawing as dots.
pub const MAX_DOTS: usize = 20_000;
/// Weighted draws kept for drawing (their dots are discs sized by weight).
pub const MAX_WEIGHTED_DOTS: usize = 4_000;
/// Positions of the recent path.
pub const PATH_LEN: usize = 120;
/// Most recent x₁ values used for the autocorrelation and τ.
pub const ACF_WINDOW: usize = 16_384;
/// Largest lag of the autocorrelation.
pub const ACF_LAGS: usize = 80;
/// Histogram bins per axis.
pub const BINS: usize = 60;
/// Points the trace keeps.
const TRACE_CAP: usize = 2000;
/// Setting changes the trace remembers.
const MAX_MARKS: usize = 64;

fn dots_cap(family: Family) -> usize {
    if family == Family::Weighted {
        MAX_WEIGHTED_DOTS
    } else {
        MAX_DOTS
    }
}

/// A sampler at work and its statistics.
pub struct Run {
    entry: usize,
    engine: Box<dyn Engine>,
    rng: Rng,
    view: Bounds,
    steps: u64,
    /// Recent samples for the dot layer.
    pub dots: Ring<[f64; 2]>,
    /// Log-weights of the recent weighted draws (same order as `dots`).
    pub dot_logw: Ring<f64>,
    /// Recent positions of the chain (including Gibbs half-steps).
    pub path: Ring<[f64; 2]>,
    /// Marginal histograms over the view (weighted for weighted draws, the population now for
    /// a population).
    pub hist: Marginals,
    moments: RunningMoments,
    /// x₁ against step (the running estimate `Ê[x₁]` for weighted draws, the population mean).
    pub trace: Trace,
    marks: Vec<f64>,
    x1s: Ring<f64>,
    scratch: Vec<f64>,
    acf: Vec<f64>,
    acf_len: usize,
    tau: f64,
    busy_ms: f64,
    /// The events of the last step (reused buffer).
    pub events: Vec<Event2d>,
    halted: Option<String>,
    tree: Option<(u32, u32)>,
    divergences: u64,
    delta_h: Option<f64>,
    population: RunningMoments,
}

impl Run {
    /// A run of sampler `entry` (an index into [`SAMPLERS`]) from `setup`, seeded `seed`.
    pub fn new(entry: usize, setup: &Setup, k: &Knobs, seed: u64) -> Result<Self, SamplerError> {
        let entry = entry.min(SAMPLERS.len() - 1);
        let mut rng = Rng::new(seed);
        let engine = (SAMPLERS[entry].build)(setup, k, &mut rng)?;
        let cap = dots_cap(SAMPLERS[entry].family);
        let mut run = Self {
            entry,
            engine,
            rng,
            view: setup.view,
            steps: 0,
            dots: Ring::new(cap),
            dot_logw: Ring::new(cap),
            path: Ring::new(PATH_LEN),
            hist: Marginals::new(setup.view, BINS),
            moments: RunningMoments::new(),
            trace: Trace::new(TRACE_CAP),
            marks: Vec::new(),
            x1s: Ring::new(ACF_WINDOW),
            scratch: vec![0.0; ACF_WINDOW],
            acf: vec![0.0; ACF_LAGS + 1],
            acf_len: 0,
            tau: f64::NAN,
            busy_ms: 0.0,
            events: Vec::with_capacity(64),
            halted: None,
            tree: None,
            divergences: 0,
            delta_h: None,
            population: RunningMoments::new(),
        };
        run.path.push(setup.x0);
        run.note_population();
        Ok(run)
    }

    /// Replaces the sampler (another entry, or a fresh start of this one) at `setup`, keeping
    /// the random stream, and forgets every sample. On error the run is unchanged.
    pub fn rebuild(&mut self, entry: usize, setup: &Setup, k: &Knobs) -> Result<(), SamplerError> {
        let entry = entry.min(SAMPLERS.len() - 1);
        self.engine = (SAMPLERS[entry].build)(setup, k, &mut self.rng)?;
        let cap = dots_cap(SAMPLERS[entry].family);
        if cap != self.dots.capacity() {
            self.dots = Ring::new(cap);
            self.dot_logw = Ring::new(cap);
        }
        self.entry = entry;
        self.view = setup.view;
        self.clear_samples();
        self.path.push(setup.x0);
        self.note_population();
        Ok(())
    }

    /// Applies changed knobs and temperature in place: the chain and its samples stay, and the
    /// trace marks the step where the change happened.
    pub fn retune(&mut self, k: &Knobs, t: f64) -> Result<(), SamplerError> {
        self.engine.retune(k, t)?;
        let at = self.steps as f64;
        if self.marks.last() != Some(&at) {
            if self.marks.len() == MAX_MARKS {
                self.marks.remove(0);
            }
            self.marks.push(at);
        }
        Ok(())
    }

    /// Forgets every sample and statistic; the sampler keeps its state.
    pub fn clear_samples(&mut self) {
        self.steps = 0;
        self.dots.clear();
        self.dot_logw.clear();
        self.path.clear();
        self.hist.clear(self.view);
        self.moments.reset();
        self.trace.clear();
        self.marks.clear();
        self.x1s.clear();
        self.acf_len = 0;
        self.tau = f64::NAN;
        self.busy_ms = 0.0;
        self.events.clear();
        self.halted = None;
        self.tree = None;
        self.divergences = 0;
        self.delta_h = None;
        self.engine.forget();
        self.path.push(self.engine.position());
        self.note_population();
    }

    /// The registry entry of this run.
    pub fn entry(&self) -> &'static SamplerEntry {
        &SAMPLERS[self.entry]
    }

    /// Its index in [`SAMPLERS`].
    pub fn entry_index(&self) -> usize {
        self.entry
    }

    /// Steps (transitions, draws or sweeps) since the samples were last cleared.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Steps at which a setting changed since the samples were cleared (the trace's marks).
    pub fn marks(&self) -> &[f64] {
        &self.marks
    }

    /// Milliseconds spent stepping since the samples were cleared.
    pub fn busy_ms(&self) -> f64 {
        self.busy_ms
    }

    /// Why the sampler stopped (the NaN guard), if it did.
    pub fn halted(&self) -> Option<&str> {
        self.halted.as_deref()
    }

    /// What the plane draws for the sampler beyond its samples.
    pub fn look(&self) -> Look<'_> {
        self.engine.look()
    }

    /// One of the sampler's own quantities by name
    /// ([`super::registry::FIGURES`]).
    pub fn figure(&self, key: &str) -> Option<f64> {
        self.engine.figure(key)
    }

    /// The sampler's own read-out line, if it has one.
    pub fn readout(&self) -> Option<String> {
        self.engine.readout()
    }

    /// The members of a population (replicas of parallel tempering; empty for other chains).
    pub fn points(&self) -> &[[f64; 2]] {
        self.engine.points()
    }

    /// The chain's current state (the last draw of weighted draws, a population's mean).
    pub fn position(&self) -> [f64; 2] {
        self.engine.position()
    }

    /// Moves the chain (every member of a population) to `x` and clears a halt.
    pub fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError> {
        self.engine.set_position(x)?;
        self.halted = None;
        self.path.push(x);
        self.note_population();
        Ok(())
    }

    /// Up to `k` steps on `target` within about `budget_ms` of `now()` (milliseconds); returns
    /// the steps taken. Stops early if the sampler halts (then [`Run::halted`] says why).
    pub fn advance(
        &mut self,
        target: &dyn Energy2d,
        k: u64,
        budget_ms: f64,
        now: &mut dyn FnMut() -> f64,
    ) -> u64 {
        if self.halted.is_some() {
            return 0;
        }
        let start = now();
        let chunk = match self.entry().family {
            Family::Population => (20_000 / self.points().len().max(1)).clamp(1, 32) as u64,
            _ => 16,
        };
        let mut done = 0;
        'outer: while done < k {
            for _ in 0..chunk.min(k - done) {
                if !self.one_step(target) {
                    break 'outer;
                }
                done += 1;
            }
            if now() - start > budget_ms {
                break;
            }
        }
        self.busy_ms += now() - start;
        done
    }

    /// One step; `false` if the sampler halted.
    fn one_step(&mut self, target: &dyn Energy2d) -> bool {
        self.events.clear();
        let events = &mut self.events;
        let drawn = self
            .engine
            .step(target, &mut self.rng, &mut |e| events.push(e));
        match drawn {
            Err(e) => {
                self.halted = Some(e.to_string());
                false
            }
            Ok(Draw::Point(x)) => {
                self.note_events();
                self.steps += 1;
                self.dots.push(x);
                self.path.push(x);
                self.moments.push(x);
                self.hist.add(x);
                self.trace.push(self.steps as f64, x[0]);
                self.x1s.push(x[0]);
                true
            }
            Ok(Draw::Weighted { x, log_w }) => {
                self.steps += 1;
                self.dots.push(x);
                self.dot_logw.push(log_w);
                self.path.push(x);
                self.hist.add_weighted(x, log_w);
                if let Some(m) = self.engine.weighted().and_then(|w| w.mean) {
                    self.trace.push(self.steps as f64, m[0]);
                }
                true
            }
            Ok(Draw::Population) => {
                self.steps += 1;
                self.note_population();
                let m = self.population.mean();
                self.trace.push(self.steps as f64, m[0]);
                true
            }
        }
    }

    /// Keeps what the read-outs show from the last step's events (Gibbs half-steps go into
    /// the path so the axis-parallel moves are visible).
    fn note_events(&mut self) {
        for e in &self.events {
            match e {
                Event2d::AxisMove { axis: 0, to, .. } => self.path.push(*to),
                Event2d::EnergyError { delta_h } => self.delta_h = Some(*delta_h),
                Event2d::TreeDone {
                    depth,
                    n_leapfrog,
                    divergent,
                } => {
                    self.tree = Some((*depth, *n_leapfrog));
                    if *divergent {
                        self.divergences += 1;
                    }
                }
                _ => {}
            }
        }
    }

    /// Refreshes a population's moments and histograms (the population now, not a history).
    fn note_population(&mut self) {
        if self.entry().family != Family::Population {
            return;
        }
        let pts = self.engine.points();
        self.population.reset();
        for &p in pts {
            self.population.push(p);
        }
        self.hist.set_points(pts);
    }

    /// Recomputes the autocorrelation of x₁ and τ from the recent window (O(window · lags):
    /// call about once a second, not per frame).
    pub fn update_acf(&mut self) {
        let n = self.x1s.len();
        if n < 20 || self.entry().family != Family::Chain {
            self.acf_len = 0;
            self.tau = f64::NAN;
            return;
        }
        for (s, v) in self.scratch.iter_mut().zip(self.x1s.iter()) {
            *s = *v;
        }
        let lags = ACF_LAGS.min(n - 1);
        if autocorrelation(&self.scratch[..n], &mut self.acf[..=lags]).is_ok() {
            self.acf_len = lags + 1;
        }
        self.tau = integrated_autocorrelation_time(&self.scratch[..n]);
    }

    /// The autocorrelation of x₁ at lags 0, 1, … (empty until [`Run::update_acf`] had data).
    pub fn acf(&self) -> &[f64] {
        &self.acf[..self.acf_len]
    }

    /// The integrated autocorrelation time τ of x₁ (NaN before enough data).
    pub fn tau(&self) -> f64 {
        self.tau
    }

    /// Effective sample size: `steps/τ` for a chain, `(Σw)²/Σw²` for weighted draws.
    pub fn ess(&self) -> Option<f64> {
        match self.entry().family {
            Family::Chain => {
                (self.tau.is_finite() && self.tau > 0.0).then(|| self.steps as f64 / self.tau)
            }
            Family::Weighted => self
                .engine
                .weighted()
                .filter(|w| w.count > 0)
                .map(|w| w.ess),
            Family::Population => None,
        }
    }

    /// Acceptance rate of samplers with an accept/reject step.
    pub fn acceptance(&self) -> Option<f64> {
        self.engine.acceptance()
    }

    /// The estimate of `E[x]`: sample mean, self-normalised estimate, or population mean.
    pub fn mean(&self) -> Option<[f64; 2]> {
        match self.entry().family {
            Family::Chain => (self.moments.count() > 0).then(|| self.moments.mean()),
            Family::Weighted => self.engine.weighted().and_then(|w| w.mean),
            Family::Population => (self.population.count() > 0).then(|| self.population.mean()),
        }
    }

    /// The estimate of `Cov[x]` (sample, weighted, or population).
    pub fn cov(&self) -> Option<[[f64; 2]; 2]> {
        match self.entry().family {
            Family::Chain => self.moments.cov(),
            Family::Weighted => self.engine.weighted().and_then(|w| w.cov),
            Family::Population => self.population.cov(),
        }
    }

    /// Largest log-weight among the kept weighted draws (for sizing their dots).
    pub fn max_logw(&self) -> f64 {
        self.dot_logw
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// What the explanation line reads.
    pub fn status(&self) -> Status {
        Status {
            steps: self.steps,
            eps_now: self.engine.step_size(),
            delta_h: self.delta_h,
            tree: self.tree,
            divergences: self.divergences,
            ess: self.ess(),
            members: self.points().len(),
        }
    }

    /// One line on what the sampler is doing, in the lecture's words.
    pub fn about(&self, k: &Knobs) -> String {
        let mut body = (self.entry().about)(k, &self.status());
        if let Some(r) = self.engine.readout() {
            body.push(' ');
            body.push_str(&r);
        }
        match &self.halted {
            Some(m) => format!("{body} STOPPED: {m}"),
            None => body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;
    use crate::sampling::lab::default_knobs;
    use crate::sampling::registry::index_of;

    fn setup() -> Setup {
        Setup {
            x0: [0.5, -0.5],
            view: Bounds::new(-4.0, 4.0, -4.0, 4.0).expect("box"),
            t: 1.0,
        }
    }

    fn clock() -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += 1e-3;
            t
        }
    }

    #[test]
    fn every_sampler_runs_and_fills_its_statistics() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("gauss");
        let k = default_knobs();
        for (i, e) in SAMPLERS.iter().enumerate() {
            let mut r = Run::new(i, &setup(), &k, 3).expect("builds at the defaults");
            let n = r.advance(&g, 300, f64::INFINITY, &mut clock());
            assert_eq!(n, 300, "{}", e.short);
            assert_eq!(r.steps(), 300);
            assert!(r.halted().is_none());
            let m = r.mean().expect("a mean");
            // SGLD's default ε suits a data posterior (whose gradient grows with N): on
            // N(0, I) it is a slow random walk in 300 steps (data::tests check it).
            let far = if e.opt.key == "sgld" { 3.0 } else { 1.0 };
            assert!(
                m[0].abs() < far && m[1].abs() < far,
                "{}: mean {m:?}",
                e.short
            );
            let mass: f64 = r.hist.counts(0).iter().sum();
            assert!(mass > 0.0, "{}: histogram filled", e.short);
            assert!(!r.about(&k).is_empty());
            r.update_acf();
            assert_eq!(
                r.ess().is_some(),
                e.family != Family::Population,
                "{}",
                e.short
            );
        }
    }

    #[test]
    fn retuning_keeps_the_chain_and_marks_the_trace() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("gauss");
        let mut k = default_knobs();
        let hmc = index_of("hmc").expect("hmc");
        let mut r = Run::new(hmc, &setup(), &k, 1).expect("hmc");
        r.advance(&g, 50, f64::INFINITY, &mut clock());
        let x = r.position();
        k.set("dt", 0.3);
        k.set("L", 5.0);
        r.retune(&k, 2.0).expect("in range");
        assert_eq!(r.steps(), 50, "samples kept");
        assert_eq!(r.position(), x, "chain kept");
        assert_eq!(r.marks(), &[50.0]);
        // A refused value changes nothing.
        k.set("dt", -1.0);
        assert!(r.retune(&k, 1.0).is_err());
        assert_eq!(r.marks().len(), 1);
        r.clear_samples();
        assert_eq!((r.steps(), r.marks().len()), (0, 0));
        assert_eq!(r.position(), x, "clearing samples keeps the chain");
    }

    #[test]
    fn a_run_replays_from_its_seed() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("gauss");
        let k = default_knobs();
        let mala = index_of("mala").expect("mala");
        let go = || {
            let mut r = Run::new(mala, &setup(), &k, 9).expect("mala");
            r.advance(&g, 40, f64::INFINITY, &mut clock());
            (r.position(), r.acceptance())
        };
        assert_eq!(go(), go());
    }

    #[test]
    fn a_diverging_chain_halts_with_a_reason() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("gauss");
        let mut k = default_knobs();
        k.set("eps", 1e9);
        let ula = index_of("ula").expect("ula");
        let mut r = Run::new(ula, &setup(), &k, 2).expect("ula");
        let n = r.advance(&g, 100, f64::INFINITY, &mut clock());
        assert!(n < 100);
        assert!(r.halted().is_some(), "the NaN guard stopped it");
        assert_eq!(
            r.advance(&g, 5, f64::INFINITY, &mut clock()),
            0,
            "stays stopped"
        );
        r.set_position([0.0, 0.0]).expect("finite");
        assert!(r.halted().is_none());
    }
}
