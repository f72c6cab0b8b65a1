//! Nested sampling (Skilling, "Nested sampling for general Bayesian computation", Bayesian
//! Analysis 1(4), 833–859, 2006) with the RadFriends constrained-prior sampler (Buchner, "A
//! statistical test for nested sampling algorithms", Statistics and Computing 26, 383–392,
//! 2016).
//!
//! The prior π is uniform on a box B and the likelihood is the landscape's Boltzmann factor
//! `L(x) = exp(−E(x)/T)`, so the evidence is
//!
//! `Z = ∫ L(x) π(x) dx = (1/|B|) ∫_B exp(−E(x)/T) dx`,
//!
//! the partition function over the box divided by its area (what [`grid_moments`] integrates,
//! minus `ln |B|`). Nested sampling turns this 2-D integral into a 1-D one over the prior
//! volume `X(λ) = π({L > λ})`, `Z = ∫₀¹ L(X) dX`. It keeps N live points drawn from the prior;
//! at iteration i it discards the worst, `L_i = min L`, whose contour encloses a volume that
//! shrinks by a factor `t ~ Beta(N, 1)` per iteration, estimated by `X_i = e^{−i/N}` (Skilling
//! §5), and adds its shell to the evidence:
//!
//! `Z ← Z + L_i w_i`,  `w_i = X_{i−1} − X_i`,
//!
//! then replaces it with a new prior draw inside the contour, `L > L_i`. The information
//! `H = ∫ P ln(P/π)` is accumulated alongside (Skilling §9), and `√(H/N)` is the standard error
//! of `ln Z`. The run stops when the live points can no longer change `Z` by more than a
//! fraction `tol`: `L_max X_i < tol · Z`; the estimate always includes the live points'
//! remaining contribution `X_i · mean(L_live)`. All sums are kept in logarithms.
//!
//! **RadFriends.** The new point must be uniform over `{x ∈ B : L(x) > L_i}`. RadFriends covers
//! the live points with balls of radius r, chosen by bootstrapping so the balls around a random
//! subset reach the points left out (repeated `rounds` times, largest r kept), draws uniformly
//! from the union of balls (pick a live point, a uniform point in its ball, keep it with
//! probability 1/(number of balls covering it)), and rejects draws outside B or below the
//! contour. A larger r is always safe (only slower); so the radius is recomputed every
//! `refresh` iterations, in between a slightly stale (larger) radius is used. The draw's
//! uniformity is checked by the insertion-rank test of Fowlie, Handley & Su ("Nested sampling
//! cross-checks using order statistics", MNRAS 497, 2020): the rank of each new likelihood
//! among the live ones must be uniform on `0..N` ([`NestedSampling::last_insertion_rank`]).
//!
//! [`grid_moments`]: crate::landscape::grid_moments

use super::fault::Fault;
use super::{
    check_temperature, log_add_exp, log_sub_exp, Event2d, Evolve, OnMember, Population2d,
    SamplerError, StepResult, WHOLE,
};
use crate::fastmath::{exp, hypot, ln, sin_cos};
use crate::landscape::{Bounds, Energy2d};
use crate::rng::Rng;

/// Largest number of live points.
pub const MAX_LIVE: usize = 10_000;

/// Candidates tried for one constrained draw before giving up.
pub const MAX_TRIES: u64 = 1_000_000;

/// Settings of [`NestedSampling`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NestedSettings {
    /// Live points N, 2 to 10⁴ (the error of ln Z shrinks as 1/√N).
    pub n_live: usize,
    /// Stop when `L_max X_i < tol · Z`; `tol` in (0, 1) (10⁻³).
    pub tol: f64,
    /// RadFriends bootstrap rounds, ≥ 1 (Buchner 2016 uses 50; 20 here).
    pub rounds: u32,
    /// Recompute the radius every `refresh` iterations, ≥ 1 (N/10 is a good choice).
    pub refresh: u32,
}

impl NestedSettings {
    /// N live points with `tol = 10⁻³`, 20 bootstrap rounds and a refresh every N/10
    /// iterations.
    pub fn with_live(n_live: usize) -> Self {
        Self {
            n_live,
            tol: 1e-3,
            rounds: 20,
            refresh: (n_live / 10).clamp(1, u32::MAX as usize) as u32,
        }
    }
}

/// A nested-sampling run on a uniform prior box.
#[derive(Clone, Debug, PartialEq)]
pub struct NestedSampling {
    prior: Bounds,
    log_area: f64,
    t: f64,
    settings: NestedSettings,
    live: Vec<[f64; 2]>,
    log_l: Vec<f64>,
    /// Bootstrap scratch: whether a live point is in the resample.
    chosen: Vec<bool>,
    /// The bootstrap's chosen points as columns (reused, no allocation per round).
    chosen_x: Vec<f64>,
    chosen_y: Vec<f64>,
    /// Iterations i (dead points).
    iteration: u64,
    /// ln Z from the dead points.
    log_z_dead: f64,
    /// The information H.
    info: f64,
    log_l_star: f64,
    radius: f64,
    last_rank: Option<usize>,
    evaluations: u64,
    finished: bool,
    halted: Option<SamplerError>,
    fault: Fault,
}

/// `min_k |p − q_k|²` over the points `q_k = (xs[k], ys[k])` (`+∞` for none); finite inputs.
/// Four running minima side by side, so the loop has no branch and no chain of dependent
/// compares (it vectorises); the minimum is exact whatever the order.
fn nearest_squared(p: [f64; 2], xs: &[f64], ys: &[f64]) -> f64 {
    let lesser = |a: f64, b: f64| if b < a { b } else { a };
    let d2 = |qx: f64, qy: f64| (p[0] - qx) * (p[0] - qx) + (p[1] - qy) * (p[1] - qy);
    let mut m = [f64::INFINITY; 4];
    let (cx, cy) = (xs.chunks_exact(4), ys.chunks_exact(4));
    let (rx, ry) = (cx.remainder(), cy.remainder());
    for (qx, qy) in cx.zip(cy) {
        for k in 0..4 {
            m[k] = lesser(m[k], d2(qx[k], qy[k]));
        }
    }
    for (&qx, &qy) in rx.iter().zip(ry) {
        m[0] = lesser(m[0], d2(qx, qy));
    }
    lesser(lesser(m[0], m[1]), lesser(m[2], m[3]))
}

impl NestedSampling {
    /// Draws `settings.n_live` points uniformly from the prior box `prior` (finite, positive
    /// area) and evaluates their likelihood `exp(−E/T)` on `target` at temperature `T > 0`.
    pub fn new(
        target: &dyn Energy2d,
        prior: Bounds,
        settings: NestedSettings,
        t: f64,
        rng: &mut Rng,
    ) -> Result<Self, SamplerError> {
        let b = Bounds::new(prior.x_min, prior.x_max, prior.y_min, prior.y_max).map_err(|_| {
            SamplerError::OutOfRange {
                what: "prior box",
                value: prior.width() * prior.height(),
                allowed: "finite with min < max on both axes",
            }
        })?;
        let log_area = ln(b.width() * b.height());
        if !log_area.is_finite() {
            return Err(SamplerError::OutOfRange {
                what: "prior box area",
                value: b.width() * b.height(),
                allowed: "finite and > 0",
            });
        }
        let n = settings.n_live;
        if !(2..=MAX_LIVE).contains(&n) {
            return Err(SamplerError::Length {
                what: "live points (2 to 10000)",
                expected: MAX_LIVE,
                got: n,
            });
        }
        if !(settings.tol > 0.0 && settings.tol < 1.0) {
            return Err(SamplerError::OutOfRange {
                what: "termination tolerance",
                value: settings.tol,
                allowed: "strictly between 0 and 1",
            });
        }
        for (what, v) in [
            ("bootstrap rounds", settings.rounds),
            ("radius refresh interval", settings.refresh),
        ] {
            if v == 0 {
                return Err(SamplerError::OutOfRange {
                    what,
                    value: 0.0,
                    allowed: "at least 1",
                });
            }
        }
        let mut s = Self {
            prior: b,
            log_area,
            t: check_temperature(t)?.0,
            settings,
            live: vec![[0.0; 2]; n],
            log_l: vec![0.0; n],
            chosen: vec![false; n],
            chosen_x: Vec::with_capacity(n),
            chosen_y: Vec::with_capacity(n),
            iteration: 0,
            log_z_dead: f64::NEG_INFINITY,
            info: 0.0,
            log_l_star: f64::NEG_INFINITY,
            radius: f64::INFINITY,
            last_rank: None,
            evaluations: 0,
            finished: false,
            halted: None,
            fault: Fault::None,
        };
        s.reset(target, rng)?;
        Ok(s)
    }

    /// Starts again: new live points from the prior (e.g. after the target changed).
    pub fn reset(&mut self, target: &dyn Energy2d, rng: &mut Rng) -> StepResult {
        let (_, inv_t) = check_temperature(self.t)?;
        let b = self.prior;
        for (p, l) in self.live.iter_mut().zip(self.log_l.iter_mut()) {
            *p = [rng.range(b.x_min, b.x_max), rng.range(b.y_min, b.y_max)];
            *l = log_likelihood(target, *p, inv_t)?;
        }
        self.evaluations = self.live.len() as u64;
        self.iteration = 0;
        self.log_z_dead = f64::NEG_INFINITY;
        self.info = 0.0;
        self.log_l_star = f64::NEG_INFINITY;
        self.last_rank = None;
        self.finished = false;
        self.halted = None;
        self.update_radius(rng);
        Ok(())
    }

    /// `ln X_i = −i/N`, the estimated prior volume inside the current contour.
    pub fn log_volume(&self) -> f64 {
        -(self.iteration as f64) / self.live.len() as f64
    }

    /// The evidence estimate `ln Ẑ`: the dead points' shells plus the live points' remainder
    /// `X_i · mean(L_live)`.
    pub fn log_z(&self) -> f64 {
        let n = self.live.len() as f64;
        let lse = self
            .log_l
            .iter()
            .fold(f64::NEG_INFINITY, |a, &l| log_add_exp(a, l));
        log_add_exp(self.log_z_dead, self.log_volume() + lse - ln(n))
    }

    /// Standard error of `ln Ẑ`, `√(H/N)` (Skilling 2006, §9).
    pub fn log_z_err(&self) -> f64 {
        (self.info.max(0.0) / self.live.len() as f64).sqrt()
    }

    /// The information H (nats) accumulated so far.
    pub fn information(&self) -> f64 {
        self.info
    }

    /// ln L* of the current contour (the last discarded point); −∞ before the first iteration.
    pub fn log_l_star(&self) -> f64 {
        self.log_l_star
    }

    /// The energy level of the current contour, `E* = −T ln L*`: the UI draws the iso-line
    /// `E = E*` of the landscape.
    pub fn contour_energy(&self) -> f64 {
        -self.t * self.log_l_star
    }

    /// The live points' log-likelihoods (in the order of [`Population2d::points`]).
    pub fn live_log_l(&self) -> &[f64] {
        &self.log_l
    }

    /// The RadFriends ball radius in use.
    pub fn radius(&self) -> f64 {
        self.radius
    }

    /// Iterations (dead points) so far.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// Likelihood evaluations so far (live points included).
    pub fn evaluations(&self) -> u64 {
        self.evaluations
    }

    /// The prior box.
    pub fn prior(&self) -> Bounds {
        self.prior
    }

    /// `ln |B|`: what the grid's `ln ∫_B exp(−E/T)` exceeds `ln Z` by.
    pub fn log_prior_area(&self) -> f64 {
        self.log_area
    }

    /// The rank of the last new point's likelihood among the other live points (0 = lowest),
    /// uniform on `0..N` when the constrained draw is uniform (Fowlie, Handley & Su 2020).
    pub fn last_insertion_rank(&self) -> Option<usize> {
        self.last_rank
    }

    /// Switches on a deliberate defect (tests' negative controls only; see [`Fault`]).
    #[doc(hidden)]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = fault;
    }

    /// The RadFriends radius by bootstrap (Buchner 2016, §3): for each round, resample the
    /// live points with replacement; the points left out must lie within r of a chosen one;
    /// r is the largest such distance over all rounds.
    fn update_radius(&mut self, rng: &mut Rng) {
        let n = self.live.len();
        let mut r2 = 0.0f64;
        for _ in 0..self.settings.rounds {
            self.chosen.fill(false);
            for _ in 0..n {
                self.chosen[rng.below(n)] = true;
            }
            // The chosen points, gathered into two flat columns: the nearest-neighbour search
            // below is then a branch-free loop over contiguous numbers (it vectorises in wasm
            // as natively).
            self.chosen_x.clear();
            self.chosen_y.clear();
            for (q, _) in self.live.iter().zip(&self.chosen).filter(|(_, &c)| c) {
                self.chosen_x.push(q[0]);
                self.chosen_y.push(q[1]);
            }
            for (p, _) in self.live.iter().zip(&self.chosen).filter(|(_, &c)| !c) {
                r2 = r2.max(nearest_squared(*p, &self.chosen_x, &self.chosen_y));
            }
        }
        let r = r2.sqrt();
        // All points chosen in every round (tiny N) or all coincident: fall back to the box.
        self.radius = if r > 0.0 && r.is_finite() {
            r
        } else {
            hypot(self.prior.width(), self.prior.height())
        };
    }

    /// A uniform draw from the prior inside the contour `ln L > ln L*` (RadFriends); returns
    /// the point and its ln L.
    fn constrained_draw(
        &mut self,
        target: &dyn Energy2d,
        inv_t: f64,
        log_l_star: f64,
        rng: &mut Rng,
    ) -> Result<([f64; 2], f64), SamplerError> {
        let (n, r) = (self.live.len(), self.radius);
        for _ in 0..MAX_TRIES {
            // A uniform point in a uniformly chosen ball: radius r√u, angle 2πv.
            let c = self.live[rng.below(n)];
            let (rho, phi) = (
                r * rng.uniform().sqrt(),
                std::f64::consts::TAU * rng.uniform(),
            );
            let (sin, cos) = sin_cos(phi);
            let y = [c[0] + rho * cos, c[1] + rho * sin];
            // Uniform on the union of balls: keep with probability 1/(balls covering y).
            let covering = self
                .live
                .iter()
                .filter(|q| (y[0] - q[0]).powi(2) + (y[1] - q[1]).powi(2) < r * r)
                .count()
                .max(1);
            if rng.uniform() * covering as f64 >= 1.0 || !self.prior.contains(y) {
                continue;
            }
            self.evaluations += 1;
            let l = log_likelihood(target, y, inv_t)?;
            if l > log_l_star {
                return Ok((y, l));
            }
        }
        Err(SamplerError::Stuck {
            what: "a prior point inside the likelihood contour",
            tries: MAX_TRIES,
        })
    }
}

/// `ln L = −E/T`; NaN or −∞ energies stop the run (the NaN guard), `E = +∞` is `ln L = −∞`.
fn log_likelihood(target: &dyn Energy2d, x: [f64; 2], inv_t: f64) -> Result<f64, SamplerError> {
    let e = target.energy(x);
    if e.is_nan() || e == f64::NEG_INFINITY {
        return Err(SamplerError::Diverged {
            what: "energy",
            at: x,
        });
    }
    Ok(-e * inv_t)
}

impl Evolve for NestedSampling {
    fn halt_slot(&self) -> &Option<SamplerError> {
        &self.halted
    }

    fn halt_slot_mut(&mut self) -> &mut Option<SamplerError> {
        &mut self.halted
    }

    fn try_evolve(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut OnMember,
    ) -> StepResult {
        let (_, inv_t) = check_temperature(self.t)?;
        let n = self.live.len();
        // The worst live point: L_i = min L.
        let (worst, &log_l_i) = self
            .log_l
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .ok_or(SamplerError::Length {
                what: "live points",
                expected: 2,
                got: 0,
            })?;
        let dead = self.live[worst];
        if self.iteration > 0 && self.iteration % u64::from(self.settings.refresh) == 0 {
            self.update_radius(rng);
        }
        let (born, log_l_new) = self.constrained_draw(target, inv_t, log_l_i, rng)?;
        self.live[worst] = born;
        self.log_l[worst] = log_l_new;
        self.last_rank = Some(
            self.log_l
                .iter()
                .enumerate()
                .filter(|&(j, &l)| j != worst && l < log_l_new)
                .count(),
        );
        self.iteration += 1;
        let i = self.iteration as f64;
        let nf = n as f64;
        // ln w_i = ln(X_{i−1} − X_i) with X_i = e^{−i/N}.
        let log_w = log_sub_exp(-(i - 1.0) / nf, -i / nf);
        // Z ← Z + L_i w_i (the negative control reads L after the replacement).
        let log_l_inc = if self.fault == Fault::NestedIncrementAfterReplacement {
            self.log_l[worst]
        } else {
            log_l_i
        };
        let log_inc = log_w + log_l_inc;
        let log_z_new = log_add_exp(self.log_z_dead, log_inc);
        // H ← (L_i w_i/Z′) ln L_i + (Z/Z′)(H + ln Z) − ln Z′ (Skilling 2006, §9).
        if log_z_new > f64::NEG_INFINITY {
            let a = exp(log_inc - log_z_new);
            let first = if a > 0.0 { a * log_l_inc } else { 0.0 };
            let second = if self.log_z_dead > f64::NEG_INFINITY {
                exp(self.log_z_dead - log_z_new) * (self.info + self.log_z_dead)
            } else {
                0.0
            };
            self.info = first + second - log_z_new;
        }
        self.log_z_dead = log_z_new;
        self.log_l_star = log_l_i;
        on(
            worst,
            Event2d::LivePointReplaced {
                dead,
                log_l: log_l_i,
                born,
            },
        );
        let log_x = self.log_volume();
        on(WHOLE, Event2d::PriorVolume { log_x });
        let log_z = self.log_z();
        on(
            WHOLE,
            Event2d::Evidence {
                log_z,
                log_z_err: self.log_z_err(),
            },
        );
        // Stop when the live points could add at most a fraction tol: L_max X_i < tol · Z.
        let log_l_max = self.log_l.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if log_l_max + log_x < ln(self.settings.tol) + log_z {
            self.finished = true;
        }
        Ok(())
    }
}

impl Population2d for NestedSampling {
    fn points(&self) -> &[[f64; 2]] {
        &self.live
    }

    fn is_finished(&self) -> bool {
        self.finished
    }

    fn name(&self) -> &'static str {
        "nested"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_squared_is_the_minimum_over_every_point() {
        let mut rng = Rng::new(5);
        for n in 0..11 {
            let xs: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let ys: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let p = [rng.normal(), rng.normal()];
            let brute = xs
                .iter()
                .zip(&ys)
                .map(|(x, y)| (p[0] - x) * (p[0] - x) + (p[1] - y) * (p[1] - y))
                .fold(f64::INFINITY, f64::min);
            assert_eq!(nearest_squared(p, &xs, &ys), brute, "n = {n}");
        }
        // The nearest point last, in the remainder, or in any of the four lanes.
        for k in 0..7 {
            let mut xs = vec![10.0; 7];
            xs[k] = 1.0;
            assert_eq!(nearest_squared([0.0, 0.0], &xs, &[0.0; 7]), 1.0, "k = {k}");
        }
    }
    use crate::landscape::{grid_moments, Gaussian};

    fn box4() -> Bounds {
        Bounds::new(-4.0, 4.0, -4.0, 4.0).expect("box")
    }

    #[test]
    fn constructor_rejects_bad_parameters() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut rng = Rng::new(1);
        let s = NestedSettings::with_live(50);
        assert!(NestedSampling::new(&g, box4(), s, 1.0, &mut rng).is_ok());
        for bad in [
            NestedSettings::with_live(1),
            NestedSettings::with_live(MAX_LIVE + 1),
            NestedSettings { tol: 0.0, ..s },
            NestedSettings { tol: 1.0, ..s },
            NestedSettings { tol: f64::NAN, ..s },
            NestedSettings { rounds: 0, ..s },
            NestedSettings { refresh: 0, ..s },
        ] {
            assert!(
                NestedSampling::new(&g, box4(), bad, 1.0, &mut rng).is_err(),
                "{bad:?}"
            );
        }
        let flat = Bounds {
            x_min: 0.0,
            x_max: 0.0,
            y_min: 0.0,
            y_max: 1.0,
        };
        assert!(NestedSampling::new(&g, flat, s, 1.0, &mut rng).is_err());
        let huge = Bounds {
            x_min: -1e300,
            x_max: 1e300,
            y_min: -1e300,
            y_max: 1e300,
        };
        assert!(NestedSampling::new(&g, huge, s, 1.0, &mut rng).is_err());
        let nan = Bounds {
            x_min: f64::NAN,
            ..box4()
        };
        assert!(NestedSampling::new(&g, nan, s, 1.0, &mut rng).is_err());
        for t in [0.0, -1.0, f64::INFINITY] {
            let e = NestedSampling::new(&g, box4(), s, t, &mut rng).expect_err("bad T");
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn volumes_shrink_and_contours_rise() {
        let g = Gaussian::isotropic([0.5, -0.5], 0.7).expect("valid");
        let mut rng = Rng::new(2);
        let mut ns = NestedSampling::new(&g, box4(), NestedSettings::with_live(40), 1.0, &mut rng)
            .expect("valid");
        let mut last = f64::NEG_INFINITY;
        for k in 1..=200 {
            let mut replaced = 0;
            ns.step(&g, &mut rng, &mut |i, e| {
                if let Event2d::LivePointReplaced { log_l, born, .. } = e {
                    assert!(i < 40);
                    assert!(g.energy(born) < -log_l, "born below the contour");
                    replaced += 1;
                }
            });
            assert_eq!(replaced, 1);
            assert!(ns.log_l_star() >= last, "contours must rise");
            last = ns.log_l_star();
            assert!((ns.log_volume() + k as f64 / 40.0).abs() < 1e-12);
            assert!(ns.last_insertion_rank().is_some_and(|r| r < 40));
        }
        assert!(ns.live_log_l().iter().all(|&l| l > last));
        assert_eq!(ns.contour_energy(), -ns.log_l_star());
    }

    #[test]
    fn a_gaussian_run_terminates_near_the_exact_evidence() {
        let g = Gaussian::correlated(0.6, 1.0, 0.5).expect("valid");
        let mut rng = Rng::new(3);
        let mut ns = NestedSampling::new(&g, box4(), NestedSettings::with_live(100), 1.0, &mut rng)
            .expect("valid");
        ns.step_many(100_000, &g, &mut rng, &mut |_, _| {});
        assert!(ns.is_finished() && ns.halted().is_none());
        let exact = grid_moments(&g, 1.0, box4(), 800).expect("grid").log_z - ns.log_prior_area();
        let err = ns.log_z_err();
        assert!(err > 0.05 && err < 0.5, "error {err}");
        assert!(
            (ns.log_z() - exact).abs() < 5.0 * err,
            "{} vs {exact}",
            ns.log_z()
        );
        // Finished runs do nothing more.
        let it = ns.iteration();
        ns.step(&g, &mut rng, &mut |_, _| panic!("no events after the end"));
        assert_eq!(ns.iteration(), it);
    }

    #[test]
    fn an_unreachable_contour_stops_with_an_error_not_a_hang() {
        // A landscape that is flat at its minimum: once the contour reaches the flat floor no
        // prior point has L > L*, and the draw gives up.
        struct Floor;
        impl Energy2d for Floor {
            fn energy(&self, x: [f64; 2]) -> f64 {
                (x[0] * x[0] + x[1] * x[1] - 1.0).max(0.0)
            }
            fn energy_and_grad(&self, x: [f64; 2], g: &mut [f64; 2]) -> f64 {
                *g = [0.0; 2];
                self.energy(x)
            }
            fn bounds(&self) -> Bounds {
                Bounds::new(-4.0, 4.0, -4.0, 4.0).expect("box")
            }
        }
        let mut rng = Rng::new(4);
        let s = NestedSettings {
            tol: 1e-9,
            ..NestedSettings::with_live(20)
        };
        let mut ns = NestedSampling::new(&Floor, box4(), s, 1.0, &mut rng).expect("valid");
        ns.step_many(10_000, &Floor, &mut rng, &mut |_, _| {});
        assert!(ns.is_finished() || ns.halted().is_some());
        assert!(ns.log_z().is_finite());
    }
}
