//! The learning view's session: a Boltzmann machine with visible and hidden units trained by
//! maximum likelihood on a small data set ([`BmTrainer`]: clamped phase, free phase,
//! `W ← W + η (⟨yᵢyⱼ⟩_data − ⟨yᵢyⱼ⟩_model)`), with the two correlation matrices of the last step
//! and the exact log-likelihood `L = (1/N_P) Σ log P(v)` traced from `W = 0`.
//!
//! Changing the data or the number of hidden units changes the model: training starts again
//! from `W = 0`. Changing η, M, K or the persistence of the free chain keeps `W` and the trace
//! (a new free chain continues the same run).

use super::{Say, Tick};
use crate::boltzmann::{bars_and_stripes, random_patterns, BmConfig, BmTrainer, Network, State};
use crate::rng::Rng;
use crate::settings::{opt, Opt};
use crate::trace::Trace;

/// Work budget per tick (≈ multiply-adds): bounds the training steps per animation frame.
const WORK_PER_TICK: f64 = 3.0e6;
/// Points kept by the likelihood trace.
const TRACE_CAP: usize = 1500;
/// Bars and stripes are 3 × 3.
const BARS_SIDE: usize = 3;

/// The training data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataKind {
    /// Bars and stripes on 3 × 3 (14 distinct patterns).
    BarsAndStripes,
    /// Distinct random patterns drawn from the run's stream.
    Random,
}

/// Data sets in menu order.
pub const DATA: [DataKind; 2] = [DataKind::BarsAndStripes, DataKind::Random];
pub(super) const DATA_OPTS: [Opt; 2] = [
    opt("bs", "bars and stripes 3×3 (14 patterns)"),
    opt("rand", "random patterns"),
];

/// The training session's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LearnSettings {
    /// Which data.
    pub data: DataKind,
    /// Bits per random pattern.
    pub nv: usize,
    /// Number of random patterns.
    pub np: usize,
    /// Hidden units.
    pub hidden: usize,
    /// Learning rate η.
    pub eta: f64,
    /// Free-phase samples M.
    pub m: usize,
    /// Clamped-phase samples K per pattern.
    pub kc: usize,
    /// Keep the free chain between steps.
    pub persistent: bool,
    /// Steps planned (Play stops there).
    pub planned: usize,
}

impl Default for LearnSettings {
    fn default() -> Self {
        Self {
            data: DataKind::BarsAndStripes,
            nv: 8,
            np: 4,
            hidden: 2,
            eta: 0.05,
            m: 200,
            kc: 10,
            persistent: false,
            planned: 300,
        }
    }
}

/// The learning view's state.
pub struct LearnRun {
    set: LearnSettings,
    data: Vec<i8>,
    n_v: usize,
    net: Network,
    trainer: BmTrainer,
    /// Steps of earlier trainers of this run (a retune starts a new trainer on the same W).
    steps_before: usize,
    data_corr: Vec<f64>,
    model_corr: Vec<f64>,
    ll: Trace,
    ll0: f64,
    last_ll: f64,
    grad: f64,
    rng: Rng,
}

impl LearnRun {
    /// Bars and stripes with 2 hidden units, `W = 0`, chains drawn from `rng`.
    pub fn new(rng: Rng) -> Self {
        let mut rng = rng;
        let set = LearnSettings::default();
        let n_v = BARS_SIDE * BARS_SIDE;
        let (net, trainer) = Network::new(n_v + set.hidden)
            .map_err(|e| e.to_string())
            .and_then(|net| {
                BmTrainer::new(&net, BmConfig::new(n_v), &mut rng)
                    .map(|t| (net, t))
                    .map_err(|e| e.to_string())
            })
            .unwrap_or_else(|e| panic!("default Boltzmann machine: {e}"));
        let mut run = Self {
            set,
            data: Vec::new(),
            n_v,
            net,
            trainer,
            steps_before: 0,
            data_corr: Vec::new(),
            model_corr: Vec::new(),
            ll: Trace::new(TRACE_CAP),
            ll0: 0.0,
            last_ll: 0.0,
            grad: 0.0,
            rng,
        };
        run.new_data();
        run.restart_training();
        run
    }

    /// Starts over with `rng`: new random data (if chosen) and `W = 0`.
    pub fn restart(&mut self, rng: Rng) {
        self.rng = rng;
        self.new_data();
        self.restart_training();
    }

    // ----- reading ---------------------------------------------------------------------------

    /// The settings.
    pub fn settings(&self) -> &LearnSettings {
        &self.set
    }

    /// The data: flat ±1 patterns of `n_visible()` entries.
    pub fn data(&self) -> &[i8] {
        &self.data
    }

    /// Visible units.
    pub fn n_visible(&self) -> usize {
        self.n_v
    }

    /// All units N = visible + hidden.
    pub fn n(&self) -> usize {
        self.n_v + self.set.hidden
    }

    /// Number of patterns N_P.
    pub fn patterns(&self) -> usize {
        self.data.len() / self.n_v.max(1)
    }

    /// The best possible L for N_P distinct patterns: `log(1/N_P)`.
    pub fn best(&self) -> f64 {
        -(self.patterns().max(1) as f64).ln()
    }

    /// The machine.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The free-phase chain (its visible units: a sample of the model).
    pub fn free_state(&self) -> &State {
        self.trainer.free_state()
    }

    /// Steps done since `W = 0`.
    pub fn steps(&self) -> usize {
        self.steps_before + self.trainer.steps()
    }

    /// `⟨yᵢyⱼ⟩_data` of the last step (N×N; zero before the first).
    pub fn data_corr(&self) -> &[f64] {
        &self.data_corr
    }

    /// `⟨yᵢyⱼ⟩_model` of the last step (N×N; zero before the first).
    pub fn model_corr(&self) -> &[f64] {
        &self.model_corr
    }

    /// The exact log-likelihood after each step.
    pub fn ll_trace(&self) -> &Trace {
        &self.ll
    }

    /// L at `W = 0`.
    pub fn ll0(&self) -> f64 {
        self.ll0
    }

    /// L now.
    pub fn log_likelihood(&self) -> f64 {
        self.last_ll
    }

    /// Norm of the last gradient estimate.
    pub fn gradient_norm(&self) -> f64 {
        self.grad
    }

    /// How the data is tiled for display: (tile width, tile height, columns, rows) — bars and
    /// stripes as 3×3 images in rows of 7, random patterns as columns of N_v cells.
    pub fn tile_shape(&self) -> (usize, usize, usize, usize) {
        let np = self.patterns();
        let (tw, th, cols) = match self.set.data {
            DataKind::BarsAndStripes => (BARS_SIDE, BARS_SIDE, 7),
            DataKind::Random => (1, self.n_v, np.max(1)),
        };
        (tw, th, cols, np.div_ceil(cols).max(1))
    }

    // ----- settings --------------------------------------------------------------------------

    /// Changes the settings with `f`; says what that did to the run. A change of data or
    /// hidden units starts again from `W = 0`; of η, M, K or persistence keeps `W`.
    pub fn change(&mut self, f: impl FnOnce(&mut LearnSettings)) -> Option<String> {
        let before = self.set;
        f(&mut self.set);
        let s = self.set;
        let random = s.data == DataKind::Random;
        if s.data != before.data || (random && (s.nv, s.np) != (before.nv, before.np)) {
            self.new_data();
            self.restart_training();
            Some("new data set: training starts again from W = 0".into())
        } else if s.hidden != before.hidden {
            self.restart_training();
            Some(format!(
                "{} hidden units: training starts again from W = 0",
                s.hidden
            ))
        } else if (s.eta, s.m, s.kc, s.persistent)
            != (before.eta, before.m, before.kc, before.persistent)
        {
            self.retune();
            Some("training continues from the current W with the new settings".into())
        } else {
            None
        }
    }

    fn config(&self) -> BmConfig {
        let mut cfg = BmConfig::new(self.n_v);
        cfg.learning_rate = self.set.eta;
        cfg.samples = self.set.m;
        cfg.clamped_samples = self.set.kc;
        cfg.persistent = self.set.persistent;
        cfg.total_steps = self.set.planned.max(1);
        cfg
    }

    /// Builds the data set (random patterns come from the run's stream).
    pub fn new_data(&mut self) {
        let res = match self.set.data {
            DataKind::BarsAndStripes => {
                bars_and_stripes(BARS_SIDE).map(|d| (d, BARS_SIDE * BARS_SIDE))
            }
            DataKind::Random => {
                random_patterns(self.set.nv, self.set.np, &mut self.rng).map(|d| (d, self.set.nv))
            }
        };
        // The table's ranges (N_v 6…9, 2…8 patterns) are always valid sizes.
        if let Ok((d, n_v)) = res {
            self.data = d;
            self.n_v = n_v;
        }
    }

    /// A fresh run: `W = 0` and a new trainer.
    pub fn restart_training(&mut self) {
        let Ok(net) = Network::new(self.n()) else {
            return;
        };
        self.net = net;
        self.retune();
        self.steps_before = 0;
        let n = self.n();
        self.data_corr = vec![0.0; n * n];
        self.model_corr = vec![0.0; n * n];
        self.ll0 = self
            .trainer
            .exact_log_likelihood(&self.net, &self.data)
            .ok()
            .flatten()
            .unwrap_or(f64::NAN);
        self.ll.clear();
        self.ll.push(0.0, self.ll0);
        self.last_ll = self.ll0;
        self.grad = 0.0;
    }

    /// A new trainer with the current settings on the current W (the step count goes on).
    fn retune(&mut self) {
        let cfg = self.config();
        if let Ok(t) = BmTrainer::new(&self.net, cfg, &mut self.rng) {
            self.steps_before += self.trainer.steps();
            self.trainer = t;
        }
    }

    // ----- running ---------------------------------------------------------------------------

    /// Up to `k` training steps (within the work budget and the plan).
    pub fn tick(&mut self, k: usize) -> Tick {
        let (done, planned) = (self.steps(), self.set.planned);
        if done >= planned {
            return Tick::stop(Say::Info(format!(
                "the {planned} planned steps are done; raise \"Plan\" to go on"
            )));
        }
        let (n, np) = (self.n() as f64, self.patterns() as f64);
        let s = &self.set;
        // Exact L (2ᴺ N²) + free phase ((burn-in + M) N²) + clamped phase (N_P (10 + K) N_h N).
        let cost = n.exp2() * n * n
            + (20.0 + s.m as f64) * n * n
            + np * (10.0 + s.kc as f64) * s.hidden as f64 * n;
        let cap = (WORK_PER_TICK / cost).max(1.0) as usize;
        for _ in 0..k.min(cap).min(planned - done) {
            let stats = match self.trainer.step(&mut self.net, &self.data, &mut self.rng) {
                Ok(s) => s,
                Err(e) => return Tick::stop(Say::Warn(format!("training stopped: {e}"))),
            };
            self.data_corr.copy_from_slice(stats.data_corr);
            self.model_corr.copy_from_slice(stats.model_corr);
            self.grad = stats.gradient_norm;
            let ll = stats.log_likelihood.unwrap_or(f64::NAN);
            if !ll.is_finite() || !self.grad.is_finite() {
                return Tick::stop(Say::Error(
                    "training diverged (the likelihood is not a finite number): lower η and \
                     press Restart"
                        .into(),
                ));
            }
            self.last_ll = ll;
            self.ll.push((self.steps_before + stats.step) as f64, ll);
        }
        if self.steps() >= planned {
            return Tick::stop(Say::Info(format!(
                "{planned} steps done: L = {:.3} (from {:.3})",
                self.last_ll, self.ll0
            )));
        }
        Tick::go()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_raises_the_exact_log_likelihood_towards_its_bound() {
        let mut r = LearnRun::new(Rng::new(3));
        r.change(|s| s.hidden = 0);
        // W = 0: every one of the 2⁹ visible states has probability 2⁻⁹.
        assert!((r.ll0() + 9.0 * std::f64::consts::LN_2).abs() < 1e-9);
        let mut ticks = 0;
        while r.tick(50).go_on {
            ticks += 1;
            assert!(ticks < 100);
        }
        assert_eq!(r.steps(), 300);
        let (ll, best) = (r.log_likelihood(), r.best());
        assert!((best + 14f64.ln()).abs() < 1e-12);
        assert!(
            ll <= best + 1e-9 && ll > r.ll0() + 2.0,
            "{} → {ll}",
            r.ll0()
        );
        assert_eq!(r.ll_trace().points().last(), Some(&(300.0, ll)));
        let stop = r.tick(1);
        assert!(!stop.go_on, "the plan is done");
    }

    #[test]
    fn a_retune_keeps_w_and_the_step_count() {
        let mut r = LearnRun::new(Rng::new(1));
        r.tick(5);
        let w = r.network().weights().to_vec();
        assert!(r
            .change(|s| s.eta = 0.1)
            .is_some_and(|m| m.contains("continues")));
        assert_eq!(r.network().weights(), &w[..]);
        assert_eq!(r.steps(), 5);
        r.tick(2);
        assert_eq!(r.steps(), 7);
        assert_eq!(r.ll_trace().points().last().map(|p| p.0), Some(7.0));
        assert!(r
            .change(|s| s.hidden = 3)
            .is_some_and(|m| m.contains("W = 0")));
        assert_eq!(r.steps(), 0);
        assert_eq!(r.n(), 12);
        assert!(r.network().weights().iter().all(|&w| w == 0.0));
        assert!(
            r.change(|s| s.planned = 50).is_none(),
            "the plan restarts nothing"
        );
    }

    #[test]
    fn random_data_comes_from_the_runs_stream() {
        let mut a = LearnRun::new(Rng::new(1));
        a.change(|s| {
            s.data = DataKind::Random;
            s.nv = 7;
            s.np = 5;
        });
        assert_eq!((a.n_visible(), a.patterns()), (7, 5));
        assert_eq!(a.tile_shape(), (1, 7, 5, 1));
        let mut b = LearnRun::new(Rng::new(2));
        b.change(|s| {
            s.data = DataKind::Random;
            s.nv = 7;
            s.np = 5;
        });
        a.restart(Rng::new(9));
        b.restart(Rng::new(9));
        assert_eq!(a.data(), b.data());
    }

    #[test]
    fn random_set_sizes_do_not_touch_bars_and_stripes() {
        let mut r = LearnRun::new(Rng::new(1));
        let d = r.data().to_vec();
        assert!(r.change(|s| s.nv = 6).is_none());
        assert_eq!(r.data(), &d[..]);
    }
}
