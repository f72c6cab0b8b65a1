//! A resumable storage-capacity experiment, and the theory lines it is compared with.
//!
//! Conventions: N visible neurons (spins ±1), P random patterns (independent uniform pixels),
//! load `α = P/N` (always relative to the *visible* N, also when hidden units are added, so
//! curves with and without hidden units share an axis). Each trial stores P fresh patterns; each
//! start is a stored pattern (optionally with exactly `round(noise·N)` flipped pixels) evolved by
//! asynchronous deterministic dynamics (random order) to a fixed point. The final overlap
//! `m = ξ·y/N` is measured on the visible units, and a start counts as **recalled** when
//! `m ≥ threshold` (default [`DEFAULT_RECALL_THRESHOLD`] = 0.95). The retrieval state of Amit,
//! Gutfreund & Sompolinsky has a small fraction of wrong pixels that grows with the load: its
//! overlap [`ags_retrieval_overlap`] falls from 1 to 0.967 at α_c, and below 0.99 already at
//! α ≈ 0.126. A threshold under 0.967 counts every start that ends in the retrieval state, so the
//! large-N recall curve stays near 1 up to α_c and can be read against the `α_c N` line; 0.99
//! made it drop before α_c (N = 1000, α = 0.12: recall 0.70 at 0.99, 0.99 at 0.95, with mean
//! overlap 0.985–0.993 against the theory's 0.993). The mean final overlap is the quantity the
//! theory predicts directly.
//!
//! Theory lines from the lecture: `α_c N ≈ 0.138 N` (Amit, Gutfreund & Sompolinsky, Phys. Rev.
//! Lett. 55, 1985 and Ann. Phys. 173, 1987; retrieval with a small fraction of errors) and
//! `N / (4 ln N)` (McEliece, Posner, Rodemich & Venkatesh, IEEE Trans. Inf. Theory 33, 1987; all
//! patterns exactly stable with high probability — the slide writes `log`, it is the natural log).

use super::dynamics::{update_neuron, Dense, Dynamics, Order};
use super::hidden::{ExpandedNetwork, StoreRule};
use super::learning::{check_count, HebbianScale, LearnError};
use super::network::{State, MAX_DENSE_NEURONS};
use crate::pattern::{dot, flip_exact};
use crate::rng::Rng;
use crate::sampler::direct::normal_cdf;

/// The critical load of the Hebbian Hopfield network, α_c ≈ 0.138 (Amit, Gutfreund &
/// Sompolinsky 1985/87).
pub const ALPHA_C: f64 = 0.138;

/// `0.138·N`: how many random patterns a Hebbian network of N neurons retrieves (with a small
/// fraction of wrong pixels) in the large-N limit (Amit, Gutfreund & Sompolinsky 1985/87).
pub fn amit_capacity(n: usize) -> f64 {
    ALPHA_C * n as f64
}

/// `erf(y) = 2Φ(y√2) − 1`.
fn erf(y: f64) -> f64 {
    2.0 * normal_cdf(y * std::f64::consts::SQRT_2) - 1.0
}

/// `g(y) = erf(y)/y − (2/√π) e^{−y²}`: the zero-temperature saddle-point equations of Amit,
/// Gutfreund & Sompolinsky reduce to `g(y) = √(2α)` (see [`ags_retrieval_overlap`]).
fn ags_g(y: f64) -> f64 {
    erf(y) / y - 2.0 / std::f64::consts::PI.sqrt() * (-y * y).exp()
}

/// Where `g` peaks (`g` rises from 0 at `y → 0` and falls like `1/y` for large `y`), by a
/// golden-section search on [0.5, 3] to machine precision.
fn ags_peak() -> f64 {
    let r = 0.5 * (5f64.sqrt() - 1.0);
    let (mut a, mut b) = (0.5f64, 3.0f64);
    let (mut c, mut d) = (b - r * (b - a), a + r * (b - a));
    while b - a > 1e-12 {
        if ags_g(c) > ags_g(d) {
            b = d;
        } else {
            a = c;
        }
        c = b - r * (b - a);
        d = a + r * (b - a);
    }
    0.5 * (a + b)
}

/// The critical load `α_c` of the Hebbian network at zero temperature, solved from the
/// replica-symmetric saddle-point equations of Amit, Gutfreund & Sompolinsky (Ann. Phys. 173,
/// 1987) rather than quoted: the largest α for which [`ags_retrieval_overlap`] has a solution,
/// `α_c = max_y g(y)² / 2 ≈ 0.1379` (the 0.138 of [`ALPHA_C`]).
pub fn ags_critical_load() -> f64 {
    let g = ags_g(ags_peak());
    0.5 * g * g
}

/// The retrieval overlap `m(α)` of the Hebbian network at zero temperature in the large-N limit
/// (Amit, Gutfreund & Sompolinsky, Phys. Rev. Lett. 55, 1985; Ann. Phys. 173, 1987): the
/// fraction `(1 − m)/2` of pixels is wrong in the retrieval state. `None` for `α > α_c`
/// ([`ags_critical_load`]), where no retrieval state exists, or for a negative or non-finite α;
/// `Some(1.0)` at α = 0.
///
/// At `T = 0` the saddle-point equations are `m = erf(y)`, `y = m / √(2αr)`,
/// `C = √(2/(παr)) e^{−y²}`, `r = 1/(1 − C)²`; eliminating `r` and `C` leaves one equation in `y`,
///
/// `erf(y) = y (√(2α) + (2/√π) e^{−y²})`, i.e. `g(y) = erf(y)/y − (2/√π) e^{−y²} = √(2α)`.
///
/// The retrieval state is the larger root (on the falling side of `g`), found by bisection to
/// machine precision. Values: `m ≈ 0.967` at α_c, and `m` falls below 0.99 near α ≈ 0.126.
pub fn ags_retrieval_overlap(alpha: f64) -> Option<f64> {
    if alpha == 0.0 {
        return Some(1.0);
    }
    ags_root(alpha).map(erf)
}

/// The retrieval root `y` of `g(y) = √(2α)` for `0 < α ≤ α_c` (see [`ags_retrieval_overlap`]).
fn ags_root(alpha: f64) -> Option<f64> {
    if !(alpha.is_finite() && alpha > 0.0) {
        return None;
    }
    let target = (2.0 * alpha).sqrt();
    let peak = ags_peak();
    if ags_g(peak) < target {
        return None;
    }
    // g(peak) ≥ √(2α) and g(y) < erf(y)/y ≤ 1/y, so g < √(2α) at y = 1/√(2α) + peak.
    let (mut lo, mut hi) = (peak, peak + 1.0 / target);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if ags_g(mid) >= target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-15 * hi {
            break;
        }
    }
    Some(0.5 * (lo + hi))
}

/// `N / (4 ln N)` (N ≥ 2; 0 below): the number of random patterns that are *all* exact fixed
/// points with probability → 1 (McEliece, Posner, Rodemich & Venkatesh 1987).
pub fn mceliece_capacity(n: usize) -> f64 {
    if n < 2 {
        return 0.0;
    }
    let nf = n as f64;
    nf / (4.0 * nf.ln())
}

/// The default recall threshold: a start is recalled when its final overlap is at least 0.95,
/// below the retrieval overlap at the critical load, `m(α_c) ≈ 0.967` (see the module docs).
pub const DEFAULT_RECALL_THRESHOLD: f64 = 0.95;

/// Pattern counts `P = max(1, round(α·N))` for a grid of loads α (non-finite or negative α
/// are skipped; duplicates kept in order).
pub fn loads_for_alphas(n: usize, alphas: &[f64]) -> Vec<usize> {
    alphas
        .iter()
        .filter(|a| a.is_finite() && **a >= 0.0)
        .map(|a| ((a * n as f64).round() as usize).max(1))
        .collect()
}

/// Experiment settings.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CapacityConfig {
    /// Visible neurons N (1…4096 together with `hidden`).
    pub n: usize,
    /// Hidden neurons K (0 = the plain network); patterns get a random hidden code.
    pub hidden: usize,
    /// Numbers of stored patterns P to test, one result row each (each 1…4096).
    pub loads: Vec<usize>,
    /// Independent trials per load (1…10000).
    pub trials: usize,
    /// Fraction of pixels flipped (exactly `round(noise·N)`) in each start, in [0, 0.5].
    pub noise: f64,
    /// Starts per trial: the first `min(P, starts_per_trial)` stored patterns; 0 = all P.
    pub starts_per_trial: usize,
    /// Final overlap needed to count as recalled, in (0, 1].
    pub threshold: f64,
    /// Sweep cap per start (1…100000).
    pub max_sweeps: usize,
    /// Storage rule (Hebbian by default; Storkey is also cheap).
    pub rule: StoreRule,
    /// With hidden units: update each hidden unit once with the visible cue held before the
    /// free evolution (see `hidden.rs`); no effect when `hidden = 0`.
    pub hidden_first: bool,
}

impl CapacityConfig {
    /// The classic experiment: Hebbian (1/N), no hidden units, starts at the stored patterns,
    /// recall = final overlap ≥ [`DEFAULT_RECALL_THRESHOLD`].
    pub fn hebbian(n: usize, loads: Vec<usize>, trials: usize) -> Self {
        Self {
            n,
            hidden: 0,
            loads,
            trials,
            noise: 0.0,
            starts_per_trial: 0,
            threshold: DEFAULT_RECALL_THRESHOLD,
            max_sweeps: 1000,
            rule: StoreRule::Hebbian(HebbianScale::PerNeuron),
            hidden_first: true,
        }
    }

    /// Checks every field.
    pub fn validate(&self) -> Result<(), LearnError> {
        check_count("visible neurons n", self.n, 1, MAX_DENSE_NEURONS, "1…4096")?;
        check_count(
            "n + hidden",
            self.n.saturating_add(self.hidden),
            1,
            MAX_DENSE_NEURONS,
            "at most 4096",
        )?;
        if self.loads.is_empty() {
            return Err(LearnError::NoPatterns);
        }
        for &p in &self.loads {
            check_count("pattern count", p, 1, 4096, "between 1 and 4096")?;
        }
        check_count("trials", self.trials, 1, 10_000, "between 1 and 10000")?;
        check_count("max_sweeps", self.max_sweeps, 1, 100_000, "1…100000")?;
        if !(0.0..=0.5).contains(&self.noise) {
            return Err(LearnError::Parameter {
                name: "noise",
                value: self.noise,
                constraint: "between 0 and 0.5",
            });
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(LearnError::Parameter {
                name: "recall threshold",
                value: self.threshold,
                constraint: "in (0, 1]",
            });
        }
        if let StoreRule::PseudoInverse = self.rule {
            if let Some(&p) = self.loads.iter().find(|&&p| p > self.n + self.hidden) {
                return Err(LearnError::TooManyPatterns {
                    count: p,
                    max: self.n + self.hidden,
                });
            }
        }
        Ok(())
    }

    fn starts(&self, p: usize) -> usize {
        if self.starts_per_trial == 0 {
            p
        } else {
            self.starts_per_trial.min(p)
        }
    }
}

/// One result row (one load).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct CapacityRow {
    /// Stored patterns P.
    pub patterns: usize,
    /// Load α = P/N.
    pub alpha: f64,
    /// Fraction of starts recalled (final overlap ≥ threshold).
    pub recall_rate: f64,
    /// Standard error of `recall_rate`.
    pub recall_stderr: f64,
    /// Mean final overlap with the started-from pattern.
    pub mean_overlap: f64,
    /// Standard error of `mean_overlap`.
    pub overlap_stderr: f64,
    /// Trials finished.
    pub trials: usize,
    /// Starts finished.
    pub starts: usize,
}

/// Progress report of [`CapacityExperiment::step`].
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Progress {
    /// Fraction of all starts finished, in [0, 1].
    pub fraction: f64,
    /// Whether every row is complete.
    pub done: bool,
    /// Work units spent in this call.
    pub spent: usize,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    /// Draw and store the patterns of a new trial.
    Store,
    /// Prepare start number `s`.
    Start(usize),
    /// Evolve start `s`.
    Run(usize),
}

/// Running sums for one load.
#[derive(Clone, Copy, Debug, Default)]
struct Acc {
    trials: usize,
    starts: usize,
    // per-start sums (for T = 1)
    recalled: usize,
    ov: f64,
    ov2: f64,
    // per-trial sums of the trial means (for T ≥ 2)
    t_rate: f64,
    t_rate2: f64,
    t_ov: f64,
    t_ov2: f64,
    // current trial
    cur_recalled: usize,
    cur_ov: f64,
    cur_starts: usize,
}

fn stderr_of(sum: f64, sum2: f64, k: usize) -> f64 {
    if k < 2 {
        return f64::NAN;
    }
    let kf = k as f64;
    let mean = sum / kf;
    let var = ((sum2 - kf * mean * mean) / (kf - 1.0)).max(0.0);
    (var / kf).sqrt()
}

impl Acc {
    fn row(&self, patterns: usize, n: usize) -> CapacityRow {
        let (rate, ov) = if self.starts > 0 {
            (
                self.recalled as f64 / self.starts as f64,
                self.ov / self.starts as f64,
            )
        } else {
            (f64::NAN, f64::NAN)
        };
        // Starts inside one trial share a network, so the honest error bar is the spread of
        // trial means; with a single trial fall back to the per-start spread.
        let (rs, os) = if self.trials >= 2 {
            (
                stderr_of(self.t_rate, self.t_rate2, self.trials),
                stderr_of(self.t_ov, self.t_ov2, self.trials),
            )
        } else {
            let r = self.recalled as f64;
            (
                stderr_of(r, r, self.starts),
                stderr_of(self.ov, self.ov2, self.starts),
            )
        };
        CapacityRow {
            patterns,
            alpha: patterns as f64 / n as f64,
            recall_rate: rate,
            recall_stderr: rs,
            mean_overlap: ov,
            overlap_stderr: os,
            trials: self.trials,
            starts: self.starts,
        }
    }
}

/// The capacity experiment as a resumable job: call [`CapacityExperiment::step`] with a work
/// budget once per frame until `done`; read [`CapacityExperiment::rows`] at any time.
#[derive(Clone, Debug)]
pub struct CapacityExperiment {
    cfg: CapacityConfig,
    rng: Rng,
    load: usize,
    trial: usize,
    phase: Phase,
    net: ExpandedNetwork,
    patterns: Vec<Vec<i8>>,
    cue: Vec<i8>,
    state: State,
    dynamics: Dynamics,
    run_sweeps: usize,
    acc: Acc,
    rows: Vec<CapacityRow>,
    total_starts: usize,
    done_starts: usize,
}

impl CapacityExperiment {
    /// A new experiment (validated); its random stream is forked from `rng`, so the whole run
    /// is determined by `rng`'s state now.
    pub fn new(cfg: CapacityConfig, rng: &mut Rng) -> Result<Self, LearnError> {
        cfg.validate()?;
        let mut rng = rng.fork();
        let net = ExpandedNetwork::new(cfg.n, cfg.hidden)?;
        let total = net.total();
        let state = State::new(net.network(), vec![-1; total])?;
        let dynamics = Dynamics::new(total, Order::Random, &mut rng)?;
        let total_starts = cfg.loads.iter().map(|&p| cfg.starts(p) * cfg.trials).sum();
        Ok(Self {
            cue: vec![-1; cfg.n],
            cfg,
            rng,
            load: 0,
            trial: 0,
            phase: Phase::Store,
            net,
            patterns: Vec::new(),
            state,
            dynamics,
            run_sweeps: 0,
            acc: Acc::default(),
            rows: Vec::new(),
            total_starts,
            done_starts: 0,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &CapacityConfig {
        &self.cfg
    }

    /// Finished rows, one per completed load, in the order of `config().loads`.
    pub fn rows(&self) -> &[CapacityRow] {
        &self.rows
    }

    /// The row of the load in progress, from the starts finished so far (`None` before the
    /// first start of that load or when done).
    pub fn partial_row(&self) -> Option<CapacityRow> {
        let p = *self.cfg.loads.get(self.load)?;
        let mut acc = self.acc;
        if acc.cur_starts > 0 {
            acc.starts += acc.cur_starts;
            acc.recalled += acc.cur_recalled;
            acc.ov += acc.cur_ov;
        }
        (acc.starts > 0).then(|| acc.row(p, self.cfg.n))
    }

    /// Fraction of starts finished, in [0, 1].
    pub fn progress(&self) -> f64 {
        if self.total_starts == 0 {
            1.0
        } else {
            self.done_starts as f64 / self.total_starts as f64
        }
    }

    /// Whether every load is finished.
    pub fn done(&self) -> bool {
        self.load >= self.cfg.loads.len()
    }

    /// Does at most about `budget` work units and returns. One unit is one neuron update; a
    /// trial's storage counts `P·(N+K)` units and preparing a start `N+K` units (both are done
    /// whole, so one call may overshoot by that much). Errors only if a storage rule fails
    /// (e.g. the projection rule on dependent patterns).
    pub fn step(&mut self, budget: usize) -> Result<Progress, LearnError> {
        let total = self.net.total();
        let mut spent = 0usize;
        while spent < budget && !self.done() {
            let p = self.cfg.loads[self.load];
            match self.phase {
                Phase::Store => {
                    self.patterns.resize_with(p, Vec::new);
                    for pat in &mut self.patterns {
                        pat.clear();
                        pat.extend((0..self.cfg.n).map(|_| self.rng.spin()));
                    }
                    self.net
                        .store(&self.patterns, &self.cfg.rule, &mut self.rng)?;
                    spent += p * total;
                    self.phase = Phase::Start(0);
                }
                Phase::Start(s) => {
                    self.cue.copy_from_slice(&self.patterns[s]);
                    let flips = (self.cfg.noise * self.cfg.n as f64).round() as usize;
                    flip_exact(&mut self.cue, flips.min(self.cfg.n), &mut self.rng).map_err(
                        |_| LearnError::Parameter {
                            name: "noise",
                            value: self.cfg.noise,
                            constraint: "between 0 and 0.5",
                        },
                    )?;
                    let (v, cue, rng) = (self.cfg.n, &self.cue, &mut self.rng);
                    self.state.modify(self.net.network(), |y| {
                        y[..v].copy_from_slice(cue); // visible ← (noisy) stored pattern
                        for h in &mut y[v..] {
                            *h = rng.spin(); // hidden ← random
                        }
                    })?;
                    // Hidden units first, with the visible cue held (see hidden.rs).
                    let first_end = if self.cfg.hidden_first { total } else { v };
                    for j in v..first_end {
                        update_neuron(self.net.network(), &mut self.state, j);
                    }
                    self.dynamics.restart(&mut self.rng);
                    self.run_sweeps = 0;
                    spent += total;
                    self.phase = Phase::Run(s);
                }
                Phase::Run(s) => {
                    let k = budget - spent;
                    let r = self.dynamics.step_neurons(
                        k,
                        &mut Dense::new(self.net.network(), &mut self.state)?,
                        &mut self.rng,
                        &mut |_| {},
                    )?;
                    spent += r.updates.max(1);
                    self.run_sweeps += r.sweeps;
                    if r.converged || self.run_sweeps >= self.cfg.max_sweeps {
                        self.finish_start(s, p);
                    }
                }
            }
        }
        Ok(Progress {
            fraction: self.progress(),
            done: self.done(),
            spent,
        })
    }

    /// Records the result of start `s` and moves on.
    fn finish_start(&mut self, s: usize, p: usize) {
        let n = self.cfg.n;
        let m = dot(&self.patterns[s], &self.state.y()[..n]) as f64 / n as f64; // m = ξ·y/N
        self.acc.cur_starts += 1;
        self.acc.cur_ov += m;
        self.acc.ov2 += m * m;
        self.acc.cur_recalled += usize::from(m >= self.cfg.threshold);
        self.done_starts += 1;
        if s + 1 < self.cfg.starts(p) {
            self.phase = Phase::Start(s + 1);
            return;
        }
        // Trial finished.
        let a = &mut self.acc;
        let k = a.cur_starts as f64;
        let (rate, ov) = (a.cur_recalled as f64 / k, a.cur_ov / k);
        a.t_rate += rate;
        a.t_rate2 += rate * rate;
        a.t_ov += ov;
        a.t_ov2 += ov * ov;
        a.starts += a.cur_starts;
        a.recalled += a.cur_recalled;
        a.ov += a.cur_ov;
        a.trials += 1;
        a.cur_starts = 0;
        a.cur_recalled = 0;
        a.cur_ov = 0.0;
        self.trial += 1;
        self.phase = Phase::Store;
        if self.trial == self.cfg.trials {
            self.rows.push(self.acc.row(p, n));
            self.acc = Acc::default();
            self.trial = 0;
            self.load += 1;
        }
    }

    /// Runs to completion (for tests and native tools; the UI should call `step`).
    pub fn run(&mut self) -> Result<&[CapacityRow], LearnError> {
        while !self.done() {
            self.step(1 << 20)?;
        }
        Ok(&self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theory_lines() {
        assert!((amit_capacity(1000) - 138.0).abs() < 1e-9);
        assert!((mceliece_capacity(1000) - 1000.0 / (4.0 * 1000f64.ln())).abs() < 1e-9);
        assert!((mceliece_capacity(1000) - 36.19).abs() < 0.01);
        assert_eq!(mceliece_capacity(1), 0.0);
        assert_eq!(
            loads_for_alphas(100, &[0.0, 0.05, 0.138, f64::NAN]),
            vec![1, 5, 14]
        );
    }

    #[test]
    fn ags_overlap_solves_the_saddle_point_equations() {
        let ac = ags_critical_load();
        // Amit, Gutfreund & Sompolinsky: α_c ≈ 0.138, m(α_c) ≈ 0.967.
        assert!((ac - 0.1379).abs() < 2e-4, "α_c = {ac}");
        let mc = ags_retrieval_overlap(ac).expect("a solution at α_c");
        eprintln!("α_c = {ac}, m(α_c) = {mc}");
        assert!((mc - 0.967).abs() < 2e-3, "m(α_c) = {mc}");
        assert_eq!(ags_retrieval_overlap(ac * 1.001), None);
        assert_eq!(ags_retrieval_overlap(-0.1), None);
        assert_eq!(ags_retrieval_overlap(0.0), Some(1.0));
        // The saddle-point equations hold at the root: m = erf(y), and C = (2/√π) y e^{−y²}/m,
        // r = 1/(1 − C)² satisfy C = √(2/(παr)) e^{−y²} and y = m/√(2αr).
        let mut last = 1.0;
        for k in 1..=40 {
            let alpha = ac * f64::from(k) / 40.0;
            let y = ags_root(alpha).expect("below α_c");
            let m = ags_retrieval_overlap(alpha).expect("below α_c");
            assert_eq!(m, erf(y));
            let c = 2.0 / std::f64::consts::PI.sqrt() * y * (-y * y).exp() / m;
            let r = 1.0 / (1.0 - c).powi(2);
            let c_eq = (2.0 / (std::f64::consts::PI * alpha * r)).sqrt() * (-y * y).exp();
            assert!((c - c_eq).abs() < 1e-9, "α = {alpha}: C {c} vs {c_eq}");
            assert!(
                (y - m / (2.0 * alpha * r).sqrt()).abs() < 1e-9,
                "α = {alpha}"
            );
            // m falls as the load rises.
            assert!(
                m < last || (m == 1.0 && last == 1.0),
                "α = {alpha}: m = {m} after {last}"
            );
            last = m;
        }
        // Below 0.99 from α ≈ 0.126 on.
        assert!(ags_retrieval_overlap(0.125).expect("ok") > 0.99);
        assert!(ags_retrieval_overlap(0.127).expect("ok") < 0.99);
    }

    #[test]
    fn default_recall_threshold_lies_below_the_retrieval_overlap_at_alpha_c() {
        // The curve is drawn beside α_c N: a start must count as recalled whenever the network
        // is in the retrieval state, whose overlap is m(α) ≥ m(α_c) ≈ 0.967 for every α ≤ α_c.
        let cfg = CapacityConfig::hebbian(400, vec![10], 1);
        let m_c = ags_retrieval_overlap(ags_critical_load()).expect("a solution at α_c");
        assert!(
            cfg.threshold < m_c,
            "recall threshold {} is above the retrieval overlap {m_c} at α_c",
            cfg.threshold
        );
    }

    #[test]
    fn slicing_does_not_change_results() {
        let cfg = CapacityConfig {
            noise: 0.1,
            ..CapacityConfig::hebbian(60, vec![3, 12], 3)
        };
        let mut a = CapacityExperiment::new(cfg.clone(), &mut Rng::new(9)).expect("cfg");
        let rows_a = a.run().expect("ok").to_vec();
        let mut b = CapacityExperiment::new(cfg, &mut Rng::new(9)).expect("cfg");
        let mut calls = 0;
        let mut last = 0.0;
        while !b.done() {
            let pr = b.step(37).expect("ok");
            assert!(pr.fraction >= last && pr.fraction <= 1.0);
            last = pr.fraction;
            calls += 1;
        }
        assert!(calls > 20);
        assert_eq!(rows_a, b.rows());
        assert_eq!(rows_a.len(), 2);
        assert_eq!(rows_a[0].starts, 9);
        assert_eq!(b.progress(), 1.0);
    }

    #[test]
    fn validation() {
        let mut rng = Rng::new(1);
        let ok = CapacityConfig::hebbian(50, vec![5], 2);
        assert!(CapacityExperiment::new(ok.clone(), &mut rng).is_ok());
        for bad in [
            CapacityConfig { n: 0, ..ok.clone() },
            CapacityConfig {
                loads: vec![],
                ..ok.clone()
            },
            CapacityConfig {
                loads: vec![0],
                ..ok.clone()
            },
            CapacityConfig {
                trials: 0,
                ..ok.clone()
            },
            CapacityConfig {
                noise: f64::NAN,
                ..ok.clone()
            },
            CapacityConfig {
                threshold: 0.0,
                ..ok.clone()
            },
            CapacityConfig {
                hidden: 4090,
                ..ok.clone()
            },
            CapacityConfig {
                rule: StoreRule::PseudoInverse,
                loads: vec![51],
                ..ok.clone()
            },
        ] {
            assert!(CapacityExperiment::new(bad, &mut rng).is_err());
        }
    }
}
