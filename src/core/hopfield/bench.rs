//! A fixed benchmark workload for recall (pure functions, no timing inside), so native
//! benchmarks and browser frame-time measurements run exactly the same work.
//!
//! Workload: N = 4096 (a 64×64 image), 10 random patterns stored with the Hebbian rule (1/N_p),
//! cue = pattern 0 with exactly 20 % of the pixels flipped, asynchronous dynamics in random order
//! run to a fixed point.

use super::dynamics::{run_to_fixed_point, Dynamics, Order};
use super::learning::{hebbian, HebbianScale};
use super::network::{Network, State};
use crate::pattern::{flip_fraction, random_pattern};
use crate::rng::Rng;

/// Side of the benchmark image (64×64 = 4096 neurons).
pub const BENCH_SIDE: usize = 64;
/// Stored patterns in the benchmark.
pub const BENCH_PATTERNS: usize = 10;
/// Fraction of cue pixels flipped.
pub const BENCH_NOISE: f64 = 0.2;
/// Seed of the visiting order used by [`bench_recall_run`].
pub const BENCH_ORDER_SEED: u64 = 0x5eed;

/// Builds the workload from `seed`: the Hebbian network, its stored patterns and the cue.
pub fn bench_recall_setup(seed: u64) -> (Network, Vec<Vec<i8>>, Vec<i8>) {
    let n = BENCH_SIDE * BENCH_SIDE;
    let mut rng = Rng::new(seed);
    let patterns: Vec<Vec<i8>> = (0..BENCH_PATTERNS)
        .map(|_| random_pattern(n, &mut rng))
        .collect();
    let mut net = match Network::new(n) {
        Ok(net) => net,
        Err(e) => unreachable!("4096 neurons is within the dense limit: {e}"),
    };
    if let Err(e) = hebbian(&mut net, &patterns, HebbianScale::PerPattern) {
        unreachable!("patterns are valid by construction: {e}");
    }
    let mut cue = patterns[0].clone();
    if let Err(e) = flip_fraction(&mut cue, BENCH_NOISE, &mut rng) {
        unreachable!("0.2 is a valid fraction: {e}");
    }
    (net, patterns, cue)
}

/// A fresh state at `cue` and a random-order schedule for the benchmark network.
pub fn bench_recall_state(net: &Network, cue: &[i8]) -> (State, Dynamics) {
    let mut rng = Rng::new(BENCH_ORDER_SEED);
    let state = match State::new(net, cue.to_vec()) {
        Ok(s) => s,
        Err(e) => unreachable!("the cue matches the network: {e}"),
    };
    let dynamics = match Dynamics::new(net.n(), Order::Random, &mut rng) {
        Ok(d) => d,
        Err(e) => unreachable!("N is within the schedule limit: {e}"),
    };
    (state, dynamics)
}

/// Runs the recall to a fixed point (at most 100 sweeps) with a fixed visiting-order stream.
/// Returns the number of sweeps (including the final sweep without flips); 0 if the sizes of
/// `net`, `state` and `dynamics` do not match.
pub fn bench_recall_run(net: &Network, state: &mut State, dynamics: &mut Dynamics) -> usize {
    let mut rng = Rng::new(BENCH_ORDER_SEED);
    run_to_fixed_point(net, state, dynamics, 100, &mut rng, &mut |_| {}).map_or(0, |r| r.sweeps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::overlap;

    #[test]
    fn bench_workload_recalls_pattern_zero_deterministically() {
        let (net, pats, cue) = bench_recall_setup(1);
        assert_eq!(net.n(), 4096);
        let (mut s, mut d) = bench_recall_state(&net, &cue);
        let sweeps = bench_recall_run(&net, &mut s, &mut d);
        assert!((2..=10).contains(&sweeps), "sweeps {sweeps}");
        assert_eq!(overlap(&pats[0], s.y()).expect("len"), 1.0);
        let (net2, _, cue2) = bench_recall_setup(1);
        let (mut s2, mut d2) = bench_recall_state(&net2, &cue2);
        assert_eq!(bench_recall_run(&net2, &mut s2, &mut d2), sweeps);
        assert_eq!(s.y(), s2.y());
    }
}
