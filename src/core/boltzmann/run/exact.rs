//! The exact-distribution view's run: a small network (N = 4…12) whose Boltzmann distribution
//! `P(y) = exp(−E(y)/T)/Z` is enumerated over all 2ᴺ states (or, at `T = 0`, its limit: uniform
//! on the ground states), a Gibbs chain whose visited states are counted, and the
//! total-variation distance `TV = ½ Σ_y |f(y) − P(y)|` traced against the number of samples.
//! The chart's two curves (exact and sampled, states sorted by energy, optionally on a log
//! scale) are computed here too.

use super::{Say, Tick};
use crate::boltzmann::{
    gibbs_sweep, ground_states, random_network, zero_temperature_limit, BoltzmannError,
    ExactBoltzmann, GibbsOrder, Network, State, StateHistogram, Temperature,
};
use crate::hopfield::{hebbian, HebbianScale};
use crate::pattern;
use crate::rng::Rng;
use crate::settings::{opt, Opt};
use crate::trace::Trace;

/// Smallest network offered.
pub const N_MIN: usize = 4;
/// Largest network offered (4096 states).
pub const N_MAX: usize = 12;
/// Default network size.
pub const DEFAULT_N: usize = 8;
/// Default σ of random weights.
pub const DEFAULT_SIGMA: f64 = 0.7;
/// Most sweeps (one sample each) per tick.
const MAX_SWEEPS_PER_TICK: usize = 20_000;
/// Points kept by the TV trace.
const TRACE_CAP: usize = 1500;
/// Lowest log₁₀ probability the log chart shows.
const LOG_FLOOR: f64 = -8.0;

/// How the weights are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightKind {
    /// `wᵢⱼ ~ N(0, σ²)`: a small spin glass.
    Random,
    /// Hebb's rule with one random pattern.
    Hebb1,
    /// Hebb's rule with two random patterns.
    Hebb2,
}

/// Weight kinds in menu order.
pub const KINDS: [WeightKind; 3] = [WeightKind::Random, WeightKind::Hebb1, WeightKind::Hebb2];
pub(super) const KIND_OPTS: [Opt; 3] = [
    opt("rand", "random  wᵢⱼ ~ N(0, σ²)"),
    opt("hebb1", "Hebbian, 1 random pattern"),
    opt("hebb2", "Hebbian, 2 random patterns"),
];

/// The exact view's state.
pub struct ExactRun {
    n: usize,
    sigma: f64,
    kind: WeightKind,
    t: Temperature,
    /// Show log₁₀ P(y) (display only).
    pub log_y: bool,
    net: Network,
    state: State,
    exact: ExactBoltzmann,
    /// The distribution the sampler is compared with: `P(y)` at T, or its `T → 0` limit.
    target: Vec<f64>,
    /// State indices sorted by energy (lowest first): the chart's x axis.
    order: Vec<usize>,
    hist: StateHistogram,
    /// `(samples, log₁₀ TV)`.
    tv: Trace,
    last_tv: f64,
    ground: (f64, Vec<usize>),
    memories: Vec<Vec<i8>>,
    rng: Rng,
}

impl ExactRun {
    /// The default network (N = 8, random weights, T = 1), drawn from `rng`.
    pub fn new(rng: Rng) -> Self {
        fn fail<T>(e: impl std::fmt::Display) -> T {
            panic!("default exact network: {e}")
        }
        let mut rng = rng;
        let net = random_network(DEFAULT_N, DEFAULT_SIGMA, 0.0, &mut rng).unwrap_or_else(fail);
        let mut run = Self {
            n: DEFAULT_N,
            sigma: DEFAULT_SIGMA,
            kind: WeightKind::Random,
            t: Temperature::ONE,
            log_y: false,
            state: State::new(&net, vec![-1; DEFAULT_N]).unwrap_or_else(fail),
            exact: ExactBoltzmann::new(&net, Temperature::ONE).unwrap_or_else(fail),
            hist: StateHistogram::new(DEFAULT_N).unwrap_or_else(fail),
            net,
            target: Vec::new(),
            order: Vec::new(),
            tv: Trace::new(TRACE_CAP),
            last_tv: 1.0,
            ground: (0.0, Vec::new()),
            memories: Vec::new(),
            rng,
        };
        run.new_network();
        run
    }

    /// Starts over with `rng`: a new network drawn with the current settings.
    pub fn restart(&mut self, rng: Rng) {
        self.rng = rng;
        self.new_network();
    }

    // ----- reading ---------------------------------------------------------------------------

    /// Neurons N.
    pub fn n(&self) -> usize {
        self.n
    }

    /// σ of random weights.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// How the weights are drawn.
    pub fn kind(&self) -> WeightKind {
        self.kind
    }

    /// T (0: the deterministic limit).
    pub fn temperature(&self) -> f64 {
        self.t.value()
    }

    /// The chain's state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// `ln Z` at T (meaningless at T = 0).
    pub fn log_z(&self) -> f64 {
        self.exact.log_z()
    }

    /// Counts of the visited states.
    pub fn histogram(&self) -> &StateHistogram {
        &self.hist
    }

    /// `(samples, log₁₀ TV)` after each tick.
    pub fn tv_trace(&self) -> &Trace {
        &self.tv
    }

    /// The latest TV distance (1 before any sample).
    pub fn tv(&self) -> f64 {
        self.last_tv
    }

    /// The lowest energy and the states (indices) that have it.
    pub fn ground(&self) -> (f64, &[usize]) {
        (self.ground.0, &self.ground.1)
    }

    /// The patterns stored by Hebb's rule (empty for random weights).
    pub fn memories(&self) -> &[Vec<i8>] {
        &self.memories
    }

    /// The distribution sampled against: `P(y)` or its `T → 0` limit, by state index.
    pub fn target(&self) -> &[f64] {
        &self.target
    }

    /// The chart's curves, states sorted by energy (lowest first): exact and sampled
    /// probabilities, or their log₁₀ with never-sampled states on the floor (so the sampled
    /// curve stays one connected line). Returns the y range of the log chart.
    pub fn chart(&self, exact: &mut Vec<f64>, sampled: &mut Vec<f64>) -> (f64, f64) {
        // Log scale: from the least probable state (down to 10⁻⁸) to 1.
        let lo = self
            .target
            .iter()
            .filter(|&&p| p > 0.0)
            .fold(0.0f64, |m, &p| m.min(p.log10()))
            .max(LOG_FLOOR)
            - 0.2;
        exact.clear();
        sampled.clear();
        for &s in &self.order {
            let (p, f) = (self.target[s], self.hist.frequency(s));
            if self.log_y {
                exact.push(p.log10());
                sampled.push(if f > 0.0 { f.log10() } else { lo });
            } else {
                exact.push(p);
                sampled.push(f);
            }
        }
        (lo, 0.1)
    }

    // ----- settings --------------------------------------------------------------------------

    /// Sets N (a new network).
    pub fn set_n(&mut self, n: usize) -> Result<(), String> {
        if !(N_MIN..=N_MAX).contains(&n) {
            return Err(format!("N must be in {N_MIN}..={N_MAX}, got {n}"));
        }
        self.n = n;
        self.new_network();
        Ok(())
    }

    /// Sets how the weights are drawn (a new network).
    pub fn set_kind(&mut self, kind: WeightKind) {
        self.kind = kind;
        self.new_network();
    }

    /// Sets σ of random weights (a new network if they are random).
    pub fn set_sigma(&mut self, sigma: f64) -> Result<(), String> {
        if !(sigma.is_finite() && sigma > 0.0) {
            return Err(format!("σ must be positive, got {sigma}"));
        }
        self.sigma = sigma;
        if self.kind == WeightKind::Random {
            self.new_network();
        }
        Ok(())
    }

    /// Sets T: the exact distribution is recomputed and the samples cleared (the chain
    /// continues). NaN and negative values are refused and T stays as it was.
    pub fn set_temperature(&mut self, t: f64) -> Result<(), BoltzmannError> {
        let t = Temperature::new(t)?;
        if t.value() > 0.0 {
            self.exact.compute(&self.net, t)?;
            self.target.copy_from_slice(self.exact.probabilities());
        } else {
            // T = 0: the limit of exp(−E/T)/Z, uniform on the ground states.
            zero_temperature_limit(self.exact.energies(), &mut self.target)?;
        }
        self.t = t;
        self.clear_samples();
        Ok(())
    }

    // ----- actions ---------------------------------------------------------------------------

    /// Draws a network of the chosen kind and size from the run's stream and enumerates it.
    pub fn new_network(&mut self) {
        let n = self.n;
        self.memories.clear();
        let net = match self.kind {
            WeightKind::Random => random_network(n, self.sigma, 0.0, &mut self.rng),
            WeightKind::Hebb1 | WeightKind::Hebb2 => {
                let count = if self.kind == WeightKind::Hebb1 { 1 } else { 2 };
                self.memories = (0..count)
                    .map(|_| pattern::random_pattern(n, &mut self.rng))
                    .collect();
                Network::new(n)
                    .map_err(BoltzmannError::from)
                    .map(|mut net| {
                        // Random ±1 patterns of N ≥ 4 neurons are valid Hebbian input.
                        let _ = hebbian(&mut net, &self.memories, HebbianScale::PerNeuron);
                        net
                    })
            }
        };
        let y = pattern::random_pattern(n, &mut self.rng);
        let parts = net.and_then(|net| {
            Ok((
                State::new(&net, y)?,
                ExactBoltzmann::new(&net, Temperature::ONE)?,
                StateHistogram::new(n)?,
                ground_states(&net)?,
                net,
            ))
        });
        // N ≤ 12 and σ > 0 are checked by the setters: building cannot fail.
        let Ok((state, exact, hist, ground, net)) = parts else {
            return;
        };
        self.net = net;
        self.state = state;
        self.exact = exact;
        self.hist = hist;
        self.ground = ground;
        // States sorted by energy, lowest first (ties by index): the x axis.
        let e = self.exact.energies();
        self.order = (0..1usize << n).collect();
        self.order
            .sort_by(|&a, &b| e[a].total_cmp(&e[b]).then(a.cmp(&b)));
        self.target = vec![0.0; 1 << n];
        let _ = self.set_temperature(self.t.value());
    }

    /// Forgets the sampled frequencies and the TV trace (the chain continues).
    pub fn clear_samples(&mut self) {
        self.hist.clear();
        self.tv.clear();
        self.last_tv = 1.0;
    }

    /// `k` Gibbs sweeps at T, each recorded as one sample, then the TV distance.
    pub fn tick(&mut self, k: usize) -> Tick {
        for _ in 0..k.min(MAX_SWEEPS_PER_TICK) {
            let r = gibbs_sweep(
                &self.net,
                &mut self.state,
                self.t,
                GibbsOrder::Sequential,
                &mut self.rng,
                &mut |_| {},
            )
            .and_then(|_| self.hist.record(self.state.y()));
            if let Err(e) = r {
                return Tick::stop(Say::Warn(format!("sampling stopped: {e}")));
            }
        }
        match self.hist.tv_distance(&self.target) {
            Ok(tv) if tv.is_finite() => {
                self.last_tv = tv;
                self.tv
                    .push(self.hist.total() as f64, tv.max(1e-12).log10());
                Tick::go()
            }
            _ => Tick::stop(Say::Error(
                "the distance to the exact distribution is not a number; sampling stopped".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampled_frequencies_approach_the_exact_distribution() {
        let mut r = ExactRun::new(Rng::new(3));
        r.tick(100);
        let early = r.tv();
        assert!(early > 0.0 && early <= 1.0);
        for _ in 0..20 {
            r.tick(1000);
        }
        assert_eq!(r.histogram().total(), 20_100);
        assert!(r.tv() < 0.5 * early, "TV {early} → {}", r.tv());
        assert!(r.tv() < 0.1, "{}", r.tv());
        let p = r.tv_trace().points();
        assert_eq!(p.len(), 21, "one point per tick");
        assert_eq!(p[0].0, 100.0);
        assert!((p[20].1 - r.tv().log10()).abs() < 1e-12);
        let z: f64 = r.target().iter().sum();
        assert!((z - 1.0).abs() < 1e-9);
    }

    #[test]
    fn changing_t_clears_the_samples_but_keeps_the_chain() {
        let mut r = ExactRun::new(Rng::new(1));
        r.tick(50);
        let y = r.state().y().to_vec();
        r.set_temperature(0.5).expect("T");
        assert_eq!(r.state().y(), &y[..]);
        assert_eq!(r.histogram().total(), 0);
        assert!(r.tv_trace().points().is_empty());
        assert!(r.set_temperature(f64::NAN).is_err());
        assert_eq!(r.temperature(), 0.5, "a refused T leaves T as it was");
    }

    #[test]
    fn at_zero_temperature_the_target_is_uniform_on_the_ground_states() {
        let mut r = ExactRun::new(Rng::new(2));
        r.set_kind(WeightKind::Hebb1);
        r.set_temperature(0.0).expect("T = 0");
        let ground = r.ground().1.to_vec();
        assert_eq!(ground.len(), 2, "a memory and its inverse");
        for (s, &p) in r.target().iter().enumerate() {
            assert_eq!(p, if ground.contains(&s) { 0.5 } else { 0.0 });
        }
        // Deterministic descent ends in a ground state (one pattern: no other minimum).
        r.tick(20);
        let s = crate::boltzmann::state_index(r.state().y()).expect("index");
        assert!(ground.contains(&s));
    }

    #[test]
    fn the_chart_sorts_states_by_energy_and_floors_unsampled_ones() {
        let mut r = ExactRun::new(Rng::new(4));
        r.set_n(4).expect("N");
        let (mut e, mut f) = (Vec::new(), Vec::new());
        r.chart(&mut e, &mut f);
        assert_eq!(e.len(), 16);
        assert!(
            e.windows(2).all(|w| w[0] >= w[1] - 1e-12),
            "P falls as E rises"
        );
        assert!(f.iter().all(|&x| x == 0.0));
        r.log_y = true;
        let (lo, _) = r.chart(&mut e, &mut f);
        assert!(f.iter().all(|&x| x == lo), "never sampled: on the floor");
        assert!(r.set_n(13).is_err() && r.n() == 4);
    }
}
