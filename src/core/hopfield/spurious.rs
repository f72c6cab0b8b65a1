//! Counting fake memories: where random starts end up under the recall dynamics (Hopfield 1982;
//! Amit, Gutfreund & Sompolinsky 1985 describe the mixture and spin-glass states), as a job that
//! runs a sweep at a time ([`SpuriousCount`]), so a 64 × 64 network is counted across frames;
//! [`count_spurious`] runs the same job to the end.

use super::dynamics::{Dense, Dynamics, Order};
use super::learning::{check_count, check_patterns, LearnError};
use super::network::{Network, State};
use crate::rng::Rng;

/// Sweeps after which a start that has not reached a fixed point is given up.
pub const MAX_SWEEPS: usize = 10_000;

/// Where random starts end up (see [`count_spurious`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SpuriousReport {
    /// Random starts evolved.
    pub starts: usize,
    /// Ended exactly on a stored pattern.
    pub to_pattern: usize,
    /// Ended exactly on the inverse of a stored pattern.
    pub to_inverse: usize,
    /// Ended on a fixed point that is neither (a spurious memory).
    pub spurious: usize,
    /// Number of different spurious fixed points found (inverse pairs counted once).
    pub distinct_spurious: usize,
    /// Did not converge within the sweep cap ([`MAX_SWEEPS`]).
    pub unconverged: usize,
}

/// A count of where `starts` random states end, part-way done.
#[derive(Clone, Debug)]
pub struct SpuriousCount {
    report: SpuriousReport,
    /// Starts finished so far.
    done: usize,
    found: Vec<Vec<i8>>,
    state: State,
    dynamics: Dynamics,
    y0: Vec<i8>,
    /// Sweeps of the current start (`None` before it is drawn).
    sweeps: Option<usize>,
}

impl SpuriousCount {
    /// A count of `starts` (1…100000) uniformly random starts on `net` against `patterns`.
    pub fn new<P: AsRef<[i8]>>(
        net: &Network,
        patterns: &[P],
        starts: usize,
        rng: &mut Rng,
    ) -> Result<Self, LearnError> {
        let n = net.n();
        check_patterns(n, patterns)?;
        check_count("starts", starts, 1, 100_000, "between 1 and 100000")?;
        Ok(Self {
            report: SpuriousReport {
                starts,
                ..SpuriousReport::default()
            },
            done: 0,
            found: Vec::new(),
            state: State::new(net, vec![-1; n])?,
            dynamics: Dynamics::new(n, Order::Random, rng)?,
            y0: vec![-1; n],
            sweeps: None,
        })
    }

    /// Starts finished and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.report.starts)
    }

    /// Sweeps (asynchronous, random order) while `more()` says there is time, asked after each
    /// sweep (O(N) visits, O(N) per flip). Returns the report once every start is done. The same
    /// `net` and `patterns` must be passed until then.
    pub fn advance<P: AsRef<[i8]>>(
        &mut self,
        net: &Network,
        patterns: &[P],
        rng: &mut Rng,
        more: &mut dyn FnMut() -> bool,
    ) -> Result<Option<SpuriousReport>, LearnError> {
        while self.done < self.report.starts {
            let sweeps = match self.sweeps {
                Some(s) => s,
                None => {
                    for v in self.y0.iter_mut() {
                        *v = rng.spin();
                    }
                    self.state.set(net, &self.y0)?;
                    self.dynamics.restart(rng);
                    0
                }
            };
            self.dynamics
                .sweep(&mut Dense::new(net, &mut self.state)?, rng, &mut |_| {})?;
            let sweeps = sweeps + 1;
            self.sweeps = Some(sweeps);
            if self.dynamics.converged() || sweeps >= MAX_SWEEPS {
                self.classify(patterns);
            }
            if !more() {
                break;
            }
        }
        Ok((self.done == self.report.starts).then(|| self.report.clone()))
    }

    /// Files the current start's end state.
    fn classify<P: AsRef<[i8]>>(&mut self, patterns: &[P]) {
        self.done += 1;
        self.sweeps = None;
        let r = &mut self.report;
        if !self.dynamics.converged() {
            r.unconverged += 1;
            return;
        }
        let y = self.state.y();
        let is_inverse = |a: &[i8], b: &[i8]| a.iter().zip(b).all(|(x, z)| *x == -*z);
        if patterns.iter().any(|xi| xi.as_ref() == y) {
            r.to_pattern += 1;
        } else if patterns.iter().any(|xi| is_inverse(xi.as_ref(), y)) {
            r.to_inverse += 1;
        } else {
            r.spurious += 1;
            if !self.found.iter().any(|f| f == y || is_inverse(f, y)) {
                self.found.push(y.to_vec());
                r.distinct_spurious = self.found.len();
            }
        }
    }
}

/// Evolves `starts` uniformly random states (asynchronous, random order) to fixed points and
/// counts how many end on a stored pattern, on an inverse, or on a spurious fixed point.
/// `starts` must be 1…100000.
pub fn count_spurious<P: AsRef<[i8]>>(
    net: &Network,
    patterns: &[P],
    starts: usize,
    rng: &mut Rng,
) -> Result<SpuriousReport, LearnError> {
    let mut job = SpuriousCount::new(net, patterns, starts, rng)?;
    loop {
        if let Some(r) = job.advance(net, patterns, rng, &mut || true)? {
            return Ok(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hopfield::{hebbian, HebbianScale};
    use crate::pattern::random_pattern;

    #[test]
    fn a_count_in_single_sweeps_reports_as_one_at_once() {
        let mut rng = Rng::new(4);
        let pats: Vec<Vec<i8>> = (0..6).map(|_| random_pattern(60, &mut rng)).collect();
        let mut net = Network::new(60).expect("n");
        hebbian(&mut net, &pats, HebbianScale::PerPattern).expect("ok");
        let whole = count_spurious(&net, &pats, 80, &mut Rng::new(9)).expect("ok");
        assert!(
            whole.spurious > 0,
            "six patterns in 60 neurons leave fake memories"
        );
        let mut rng = Rng::new(9);
        let mut job = SpuriousCount::new(&net, &pats, 80, &mut rng).expect("ok");
        let mut calls = 0;
        let sliced = loop {
            calls += 1;
            if let Some(r) = job
                .advance(&net, &pats, &mut rng, &mut || false)
                .expect("ok")
            {
                break r;
            }
            let (done, all) = job.progress();
            assert!(done < all);
        };
        assert_eq!(sliced, whole);
        assert!(
            calls >= 2 * 80,
            "at least two sweeps per start (the last one flips nothing)"
        );
    }
}
