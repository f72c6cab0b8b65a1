//! The "Markov chain" view's run: a 3- or 4-state chain, the distribution
//! `π_{t+1} = π_t T` converging (or not) to the stationary π, and a simulated walker with its
//! visit frequencies — for an ergodic, a periodic, a reducible and a Metropolis–Hastings chain.

use crate::rng::Rng;
use crate::sampler::MarkovChain;
use crate::settings::{opt, Opt};
use crate::trace::Trace;

/// The example chains (link key, menu label).
pub const EXAMPLES: [Opt; 4] = [
    opt("0", "ergodic: weather (3 states)"),
    opt("1", "periodic: a 3-cycle"),
    opt("2", "reducible: two islands (4 states)"),
    opt("3", "MH chain for p = (0.1, 0.2, 0.3, 0.4)"),
];
/// The start distributions (link key, menu label); "3" is uniform.
pub const STARTS: [Opt; 4] = [
    opt("0", "all mass on state 1"),
    opt("1", "all mass on state 2"),
    opt("2", "all mass on state 3"),
    opt("3", "uniform"),
];
/// The example built by Metropolis–Hastings.
pub const MH_EXAMPLE: usize = 3;

/// Example chain `i` and its state names.
pub fn example(i: usize) -> Result<(MarkovChain, Vec<String>), String> {
    let s = |n: usize| (1..=n).map(|k| format!("s{k}")).collect::<Vec<_>>();
    Ok(match i {
        0 => (
            MarkovChain::example_ergodic(),
            vec!["sunny".into(), "cloudy".into(), "rainy".into()],
        ),
        1 => (MarkovChain::example_periodic(), s(3)),
        2 => (MarkovChain::example_reducible(), s(4)),
        _ => {
            // Proposal: step to a neighbour on a ring with probability ½ each.
            let q = MarkovChain::new(
                4,
                vec![
                    0.0, 0.5, 0.0, 0.5, 0.5, 0.0, 0.5, 0.0, 0.0, 0.5, 0.0, 0.5, 0.5, 0.0, 0.5, 0.0,
                ],
            )
            .map_err(|e| e.to_string())?;
            let c = MarkovChain::metropolis_hastings(&[0.1, 0.2, 0.3, 0.4], &q)
                .map_err(|e| e.to_string())?;
            (c, s(4))
        }
    })
}

/// A chain, its distribution π_t and a walker.
pub struct MarkovRun {
    rng: Rng,
    which: usize,
    start: usize,
    /// The chain.
    pub chain: MarkovChain,
    /// State names.
    pub names: Vec<String>,
    /// The distribution at time t.
    pub pi_t: Vec<f64>,
    scratch: Vec<f64>,
    /// The unique stationary distribution, if the chain is irreducible.
    pub stationary: Option<Vec<f64>>,
    t: u64,
    /// The walker's state.
    pub walker: usize,
    /// The walker's last move.
    pub last_edge: Option<(usize, usize)>,
    /// Visits per state.
    pub visits: Vec<u64>,
    /// log₁₀ of the distance against t.
    pub dist: Trace,
    dist_now: f64,
}

impl MarkovRun {
    /// The weather chain from state 1, walking with `seed`.
    pub fn new(seed: u64) -> Self {
        let (chain, names) = example(0).unwrap_or_else(|e| panic!("{e}"));
        let n = chain.n();
        let mut m = Self {
            rng: Rng::new(seed),
            which: 0,
            start: 0,
            chain,
            names,
            pi_t: vec![0.0; n],
            scratch: vec![0.0; n],
            stationary: None,
            t: 0,
            walker: 0,
            last_edge: None,
            visits: vec![0; n],
            dist: Trace::new(1000),
            dist_now: f64::NAN,
        };
        m.restart(seed);
        m
    }

    /// The example shown (an index into [`EXAMPLES`]).
    pub fn which(&self) -> usize {
        self.which
    }

    /// The start distribution (an index into [`STARTS`]).
    pub fn start(&self) -> usize {
        self.start
    }

    /// Steps so far.
    pub fn t(&self) -> u64 {
        self.t
    }

    /// `‖π_t − π‖₁` if π is unique, else the last change `‖π_t − π_{t−1}‖₁`.
    pub fn distance(&self) -> f64 {
        self.dist_now
    }

    /// Chooses example `i` (a fresh start).
    pub fn set_example(&mut self, i: usize, seed: u64) -> Result<(), String> {
        let (c, names) = example(i)?;
        self.which = i.min(EXAMPLES.len() - 1);
        let n = c.n();
        self.chain = c;
        self.names = names;
        self.pi_t = vec![0.0; n];
        self.scratch = vec![0.0; n];
        self.visits = vec![0; n];
        self.restart(seed);
        Ok(())
    }

    /// Chooses the start distribution `i` (a fresh start).
    pub fn set_start(&mut self, i: usize, seed: u64) {
        self.start = i.min(STARTS.len() - 1);
        self.restart(seed);
    }

    /// π₀, the walker and the stationary distribution, from `seed`.
    pub fn restart(&mut self, seed: u64) {
        let n = self.chain.n();
        self.rng = Rng::new(seed);
        if self.start >= 3 || self.start >= n {
            self.pi_t.fill(1.0 / n as f64);
            self.walker = 0;
        } else {
            self.pi_t.fill(0.0);
            self.pi_t[self.start] = 1.0;
            self.walker = self.start;
        }
        self.visits.fill(0);
        self.visits[self.walker] = 1;
        self.last_edge = None;
        self.t = 0;
        self.stationary = if self.chain.is_irreducible() {
            self.chain.stationary_solve().ok()
        } else {
            None
        };
        self.dist.clear();
        self.dist_now = self.distance_to(None);
        self.dist.push(0.0, self.dist_now.max(1e-16).log10());
    }

    fn distance_to(&self, prev: Option<&[f64]>) -> f64 {
        match (&self.stationary, prev) {
            (Some(pi), _) => self.pi_t.iter().zip(pi).map(|(a, b)| (a - b).abs()).sum(),
            (None, Some(p)) => self.pi_t.iter().zip(p).map(|(a, b)| (a - b).abs()).sum(),
            (None, None) => f64::NAN,
        }
    }

    /// One step of π_t and of the walker.
    pub fn step(&mut self) {
        if self.chain.propagate(&self.pi_t, &mut self.scratch).is_err() {
            return;
        }
        std::mem::swap(&mut self.pi_t, &mut self.scratch);
        // scratch now holds π_{t−1}.
        self.dist_now = self.distance_to(Some(&self.scratch));
        let next = self.chain.step_state(self.walker, &mut self.rng);
        self.last_edge = Some((self.walker, next));
        self.walker = next;
        self.visits[next] += 1;
        self.t += 1;
        self.dist
            .push(self.t as f64, self.dist_now.max(1e-16).log10());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ergodic_chain_converges_and_the_periodic_one_cycles() {
        let mut m = MarkovRun::new(1);
        let d0 = m.distance();
        for _ in 0..8 {
            m.step();
        }
        assert_eq!(m.t(), 8);
        assert!(m.distance() < 0.1 * d0, "{d0} → {}", m.distance());
        assert_eq!(m.visits.iter().sum::<u64>(), 9);
        m.set_example(1, 1).expect("periodic");
        assert!(m.stationary.is_some(), "the 3-cycle is irreducible");
        let d = m.distance();
        for _ in 0..6 {
            m.step();
        }
        assert!((m.distance() - d).abs() < 1e-12, "period 3: π_t cycles");
        m.set_example(2, 1).expect("reducible");
        assert!(m.stationary.is_none());
    }

    #[test]
    fn a_restart_replays_the_walker() {
        let mut a = MarkovRun::new(4);
        a.set_start(3, 4);
        for _ in 0..20 {
            a.step();
        }
        let v = a.visits.clone();
        a.restart(4);
        for _ in 0..20 {
            a.step();
        }
        assert_eq!(a.visits, v);
        assert!(example(MH_EXAMPLE).is_ok());
    }
}
