//! One running sampler and everything the views read from it: the last step's events, a
//! bounded buffer of samples (dots), the recent path, incrementally updated marginal
//! histograms, running moments, a decimating trace of x₁, and an autocorrelation estimate
//! refreshed about once a second. Buffers are allocated when a run is built, never per frame.

use crate::core::landscape::{Bounds, Energy2d};
use crate::core::rng::Rng;
use crate::core::sampler::diagnostics::{autocorrelation, integrated_autocorrelation_time};
use crate::core::sampler::{langevin_particles, Event2d, RunningMoments, SamplerError};
use crate::core::trace::Trace;

use super::setup::{build, Engine, SamplerKind, SamplerParams};

/// Samples kept for drawing as dots.
pub const MAX_DOTS: usize = 20_000;
/// Importance draws kept for drawing (their dots are discs sized by weight).
pub const MAX_WEIGHTED_DOTS: usize = 4_000;
/// Positions of the recent path.
pub const PATH_LEN: usize = 120;
/// Most recent x₁ values used for the autocorrelation and τ.
pub const ACF_WINDOW: usize = 16_384;
/// Largest lag of the autocorrelation plot.
pub const ACF_LAGS: usize = 80;
/// Histogram bins per axis.
pub const BINS: usize = 60;
/// Frames a proposal stays visible after a single step.
pub const FLASH_FRAMES: u32 = 50;

/// How many dots a run of `kind` keeps.
fn dots_cap(kind: SamplerKind) -> usize {
    if kind == SamplerKind::Importance {
        MAX_WEIGHTED_DOTS
    } else {
        MAX_DOTS
    }
}

/// A fixed-capacity ring buffer (oldest entries are overwritten).
pub struct Ring<T> {
    buf: Vec<T>,
    head: usize,
    cap: usize,
}

impl<T: Copy> Ring<T> {
    /// An empty ring of capacity `cap` (≥ 1), allocated now.
    pub fn new(cap: usize) -> Self {
        let cap = cap.max(1);
        Self {
            buf: Vec::with_capacity(cap),
            head: 0,
            cap,
        }
    }

    /// Appends, overwriting the oldest entry when full.
    pub fn push(&mut self, v: T) {
        if self.buf.len() < self.cap {
            self.buf.push(v);
        } else {
            self.buf[self.head] = v;
        }
        self.head = (self.head + 1) % self.cap;
    }

    /// Forgets every entry (keeps the allocation).
    pub fn clear(&mut self) {
        self.buf.clear();
        self.head = 0;
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Entries, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        let split = if self.buf.len() < self.cap {
            0
        } else {
            self.head
        };
        self.buf[split..].iter().chain(self.buf[..split].iter())
    }

    /// The newest entry.
    pub fn last(&self) -> Option<T> {
        if self.is_empty() {
            None
        } else {
            Some(self.buf[(self.head + self.cap - 1) % self.cap])
        }
    }
}

/// A sampler at work and its statistics.
pub struct Run {
    /// Which sampler.
    pub kind: SamplerKind,
    /// The sampler itself.
    pub engine: Engine,
    /// Its random stream (rebuilt from the seed on reset).
    pub rng: Rng,
    /// Temperature T.
    pub t: f64,
    /// The view box (histogram ranges).
    pub view: Bounds,
    /// Steps (transitions, draws or particle sweeps) since the samples were last cleared.
    pub steps: u64,
    /// Recent samples for the dot layer.
    pub dots: Ring<[f64; 2]>,
    /// Log-weights of the recent importance draws (same order as `dots`).
    pub dot_logw: Ring<f64>,
    /// Recent positions of the chain (including Gibbs half-steps).
    pub path: Ring<[f64; 2]>,
    /// Marginal histograms of x₁ and x₂ over the view (weighted for importance sampling).
    pub hist: [Vec<f64>; 2],
    hist_shift: f64,
    /// Running mean and covariance of the chain's samples.
    pub moments: RunningMoments,
    /// x₁ against step (the running estimate Ê[x₁] for importance sampling, the ensemble mean
    /// for particles).
    pub trace: Trace,
    x1s: Ring<f64>,
    scratch: Vec<f64>,
    /// Autocorrelation of x₁ at lags 0, 1, … (the first `acf_len` entries are valid).
    pub acf: Vec<f64>,
    /// Valid length of `acf`.
    pub acf_len: usize,
    /// Integrated autocorrelation time of x₁ (from the recent window).
    pub tau: f64,
    /// Milliseconds spent stepping since the samples were cleared.
    pub busy_ms: f64,
    /// The events of the last step (reused buffer).
    pub events: Vec<Event2d>,
    /// Frames the last proposal stays drawn.
    pub flash: u32,
    /// Why the run stopped (the NaN guard), if it did.
    pub halted: Option<String>,
    /// Leapfrog count and depth of the last NUTS tree.
    pub nuts_tree: Option<(u32, u32)>,
    /// NUTS transitions that ended in a divergence.
    pub divergences: u64,
    /// ΔH of the last HMC trajectory.
    pub delta_h: Option<f64>,
    /// Ensemble mean of the particles (updated each sweep).
    pub particle_mean: [f64; 2],
    /// Ensemble moments of the particles (updated each sweep).
    particle_moments: RunningMoments,
}

impl Run {
    /// A new run of `kind` at `x0`, temperature `t`, histograms over `view`, seeded `seed`.
    pub fn new(
        kind: SamplerKind,
        p: &SamplerParams,
        x0: [f64; 2],
        t: f64,
        view: Bounds,
        seed: u64,
    ) -> Result<Self, SamplerError> {
        let mut rng = Rng::new(seed);
        let engine = build(kind, p, x0, t, view, &mut rng)?;
        let mut run = Self {
            kind,
            engine,
            rng,
            t,
            view,
            steps: 0,
            dots: Ring::new(dots_cap(kind)),
            dot_logw: Ring::new(dots_cap(kind)),
            path: Ring::new(PATH_LEN),
            hist: [vec![0.0; BINS], vec![0.0; BINS]],
            hist_shift: f64::NEG_INFINITY,
            moments: RunningMoments::new(),
            trace: Trace::new(2000),
            x1s: Ring::new(ACF_WINDOW),
            scratch: vec![0.0; ACF_WINDOW],
            acf: vec![0.0; ACF_LAGS + 1],
            acf_len: 0,
            tau: f64::NAN,
            busy_ms: 0.0,
            events: Vec::with_capacity(64),
            flash: 0,
            halted: None,
            nuts_tree: None,
            divergences: 0,
            delta_h: None,
            particle_mean: x0,
            particle_moments: RunningMoments::new(),
        };
        run.path.push(x0);
        run.update_particle_stats();
        Ok(run)
    }

    /// Replaces the sampler (new kind, settings, temperature or view) at `x0`, keeping the
    /// random stream, and forgets every sample.
    pub fn rebuild(
        &mut self,
        kind: SamplerKind,
        p: &SamplerParams,
        x0: [f64; 2],
        t: f64,
        view: Bounds,
    ) -> Result<(), SamplerError> {
        self.engine = build(kind, p, x0, t, view, &mut self.rng)?;
        if dots_cap(kind) != dots_cap(self.kind) {
            self.dots = Ring::new(dots_cap(kind));
            self.dot_logw = Ring::new(dots_cap(kind));
        }
        self.kind = kind;
        self.t = t;
        self.view = view;
        self.clear_samples();
        self.path.push(x0);
        self.update_particle_stats();
        Ok(())
    }

    /// Forgets every sample and statistic (the sampler keeps its state).
    fn clear_samples(&mut self) {
        self.steps = 0;
        self.dots.clear();
        self.dot_logw.clear();
        self.path.clear();
        for h in self.hist.iter_mut() {
            h.fill(0.0);
        }
        self.hist_shift = f64::NEG_INFINITY;
        self.moments.reset();
        self.trace.clear();
        self.x1s.clear();
        self.acf_len = 0;
        self.tau = f64::NAN;
        self.busy_ms = 0.0;
        self.events.clear();
        self.halted = None;
        self.nuts_tree = None;
        self.divergences = 0;
        self.delta_h = None;
        if let Engine::Importance(s) = &mut self.engine {
            s.reset();
        }
    }

    /// The chain's current state (the last draw for importance sampling, the ensemble mean for
    /// particles).
    pub fn position(&self) -> [f64; 2] {
        match &self.engine {
            Engine::Chain(s) => s.position(),
            Engine::Importance(_) => self.dots.last().unwrap_or([0.0, 0.0]),
            Engine::Particles(_) => self.particle_mean,
        }
    }

    /// Moves the chain to `x` (and clears a halt); particles all jump to `x`.
    pub fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError> {
        match &mut self.engine {
            Engine::Chain(s) => s.set_position(x)?,
            Engine::Importance(_) => {}
            Engine::Particles(p) => {
                for q in p.xs.chunks_exact_mut(2) {
                    q[0] = x[0];
                    q[1] = x[1];
                }
            }
        }
        self.halted = None;
        self.path.push(x);
        self.update_particle_stats();
        Ok(())
    }

    /// Up to `k` steps within about `budget_ms` (read from `now`); returns the steps taken.
    /// Stops early if the sampler halts (then `halted` says why).
    pub fn advance(
        &mut self,
        target: &dyn Energy2d,
        k: u64,
        budget_ms: f64,
        now: &dyn Fn() -> f64,
    ) -> u64 {
        if self.halted.is_some() {
            return 0;
        }
        let start = now();
        let chunk = match &self.engine {
            Engine::Particles(p) => (20_000 / p.xs.len().max(1)).clamp(1, 32) as u64,
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
        let Self {
            engine,
            rng,
            events,
            ..
        } = self;
        match engine {
            Engine::Chain(s) => {
                let x = s.step(target, rng, &mut |e| events.push(e));
                if let Some(err) = s.halted() {
                    self.halted = Some(err.to_string());
                    return false;
                }
                self.note_events();
                self.record(x);
            }
            Engine::Importance(s) => {
                use crate::core::sampler::Sampler2d;
                s.step(target, rng, &mut |e| events.push(e));
                if let Some(err) = s.halted() {
                    self.halted = Some(err.to_string());
                    return false;
                }
                let est = s.mean();
                if let Some(Event2d::Weighted { x, log_w }) = self.events.last().cloned() {
                    self.record_weighted(x, log_w, est);
                }
            }
            Engine::Particles(p) => {
                let eps = p.schedule.eps_at(p.iter);
                match langevin_particles(&mut p.xs, target, eps, self.t, rng) {
                    Ok(frozen) => {
                        p.frozen = frozen;
                        p.iter += 1;
                        if frozen * 2 == p.xs.len() {
                            self.halted = Some(format!(
                                "every particle diverged (its energy or gradient became \
                                 infinite or NaN) at ε = {eps:.3e}; the step size is too large"
                            ));
                            return false;
                        }
                    }
                    Err(e) => {
                        self.halted = Some(e.to_string());
                        return false;
                    }
                }
                self.steps += 1;
                self.update_particle_stats();
                self.trace.push(self.steps as f64, self.particle_mean[0]);
            }
        }
        true
    }

    /// Keeps what the read-outs show from the last step's events (Gibbs half-steps go into
    /// the path so the axis-parallel moves are visible).
    fn note_events(&mut self) {
        let mut depth = None;
        for e in &self.events {
            match e {
                Event2d::AxisMove { axis: 0, to, .. } => self.path.push(*to),
                Event2d::EnergyError { delta_h } => self.delta_h = Some(*delta_h),
                Event2d::TreeDone {
                    depth: d,
                    n_leapfrog,
                    divergent,
                } => {
                    depth = Some((*d, *n_leapfrog));
                    if *divergent {
                        self.divergences += 1;
                    }
                }
                _ => {}
            }
        }
        if depth.is_some() {
            self.nuts_tree = depth;
        }
    }

    fn bin(&self, axis: usize, v: f64) -> Option<usize> {
        let (lo, hi) = (self.view.lo(axis), self.view.hi(axis));
        let f = (v - lo) / (hi - lo);
        (0.0..1.0)
            .contains(&f)
            .then(|| ((f * BINS as f64) as usize).min(BINS - 1))
    }

    /// Adds one chain sample to every statistic.
    fn record(&mut self, x: [f64; 2]) {
        self.steps += 1;
        self.dots.push(x);
        self.path.push(x);
        self.moments.push(x);
        self.trace.push(self.steps as f64, x[0]);
        self.x1s.push(x[0]);
        for (axis, &v) in x.iter().enumerate() {
            if let Some(b) = self.bin(axis, v) {
                self.hist[axis][b] += 1.0;
            }
        }
    }

    /// Adds one importance draw with log-weight `log_w` (histograms weighted by
    /// `w = exp(log_w)`, kept relative to the largest log-weight so far).
    fn record_weighted(&mut self, x: [f64; 2], log_w: f64, estimate: Option<[f64; 2]>) {
        self.steps += 1;
        self.dots.push(x);
        self.dot_logw.push(log_w);
        self.path.push(x);
        if let Some(m) = estimate {
            self.trace.push(self.steps as f64, m[0]);
        }
        if log_w.is_nan() || log_w == f64::NEG_INFINITY {
            return;
        }
        if log_w > self.hist_shift {
            // Rescale to the new reference: c·e^{−old} = c·e^{−new}·e^{new − old}.
            let r = (self.hist_shift - log_w).exp();
            for h in self.hist.iter_mut() {
                h.iter_mut().for_each(|c| *c *= r);
            }
            self.hist_shift = log_w;
        }
        let w = (log_w - self.hist_shift).exp();
        for (axis, &v) in x.iter().enumerate() {
            if let Some(b) = self.bin(axis, v) {
                self.hist[axis][b] += w;
            }
        }
    }

    /// Refreshes the particles' ensemble mean (and rebuilds their histograms: for particles
    /// the histograms show the ensemble now, not a history).
    pub fn update_particle_stats(&mut self) {
        let Engine::Particles(p) = &self.engine else {
            return;
        };
        let mut m = RunningMoments::new();
        for h in self.hist.iter_mut() {
            h.fill(0.0);
        }
        for q in p.xs.chunks_exact(2) {
            m.push([q[0], q[1]]);
        }
        let (lo, hi) = (
            [self.view.x_min, self.view.y_min],
            [self.view.x_max, self.view.y_max],
        );
        for q in p.xs.chunks_exact(2) {
            for axis in 0..2 {
                let f = (q[axis] - lo[axis]) / (hi[axis] - lo[axis]);
                if (0.0..1.0).contains(&f) {
                    self.hist[axis][((f * BINS as f64) as usize).min(BINS - 1)] += 1.0;
                }
            }
        }
        if m.count() > 0 {
            self.particle_mean = m.mean();
        }
        self.particle_moments = m;
    }

    /// Recomputes the autocorrelation of x₁ and τ from the recent window (O(window · lags);
    /// call about once a second, not per frame).
    pub fn update_acf(&mut self) {
        let n = self.x1s.len();
        if n < 20 || !self.kind.is_chain() {
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

    /// Effective sample size: `steps/τ` for a chain, `(Σw)²/Σw²` for importance sampling.
    pub fn ess(&self) -> Option<f64> {
        match &self.engine {
            Engine::Chain(_) => {
                (self.tau.is_finite() && self.tau > 0.0).then(|| self.steps as f64 / self.tau)
            }
            Engine::Importance(s) => (s.count() > 0).then(|| s.ess()),
            Engine::Particles(_) => None,
        }
    }

    /// Acceptance rate (accepted / proposed) of samplers with an MH step.
    pub fn acceptance(&self) -> Option<f64> {
        match &self.engine {
            Engine::Chain(s) => s.acceptance().and_then(|a| a.rate()),
            _ => None,
        }
    }

    /// The estimate of E[x]: sample mean, self-normalised importance estimate, or the
    /// particles' ensemble mean.
    pub fn mean(&self) -> Option<[f64; 2]> {
        match &self.engine {
            Engine::Chain(_) => (self.moments.count() > 0).then(|| self.moments.mean()),
            Engine::Importance(s) => s.mean(),
            Engine::Particles(_) => Some(self.particle_mean),
        }
    }

    /// The estimate of Cov[x] (sample, importance-weighted, or ensemble).
    pub fn cov(&self) -> Option<[[f64; 2]; 2]> {
        match &self.engine {
            Engine::Chain(_) => self.moments.cov(),
            Engine::Importance(s) => s.cov(),
            Engine::Particles(_) => self.particle_moments.cov(),
        }
    }

    /// The Langevin step size the next step uses (ULA and particles).
    pub fn current_eps(&self, p: &SamplerParams) -> Option<f64> {
        match (&self.engine, self.kind) {
            (Engine::Particles(q), _) => Some(q.schedule.eps_at(q.iter)),
            (Engine::Chain(_), SamplerKind::Ula) => p.schedule().ok().map(|s| s.eps_at(self.steps)),
            _ => None,
        }
    }

    /// Largest log-weight among the kept importance draws (for sizing their dots).
    pub fn max_logw(&self) -> f64 {
        self.dot_logw
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }
}
