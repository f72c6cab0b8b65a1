//! Stein variational gradient descent (Liu & Wang, "Stein Variational Gradient Descent: A
//! General Purpose Bayesian Inference Algorithm", NeurIPS 2016).
//!
//! A set of n particles is moved deterministically, all together, along the direction that
//! most decreases their KL divergence to `p ∝ exp(−E/T)` within the unit ball of an RBF kernel's
//! RKHS (the paper's eq. (8) and Algorithm 1):
//!
//! `x_i ← x_i + ε φ(x_i)`,  `φ(x) = (1/n) Σ_j [ k(x_j, x) ∇log p(x_j) + ∇_{x_j} k(x_j, x) ]`,
//!
//! with `k(x, x′) = exp(−‖x − x′‖²/h)`, so `∇_{x_j} k(x_j, x) = (2/h)(x − x_j) k(x_j, x)`. The
//! first sum (the **drive**) is a kernel-smoothed score that pulls particles towards high
//! density; the second (the **repulsion**) pushes them apart, which is what keeps them from
//! collapsing onto the mode and makes them a sample. The bandwidth follows the paper's median
//! heuristic, `h = med²/ln n` with `med` the median distance between distinct particles
//! (§5), chosen so that `Σ_j k(x_i, x_j) ≈ n exp(−med²/h) = 1`: a particle's own score and
//! the others' influence on it are balanced.
//!
//! Each step is O(n²) (every pair once, using `k(x_i, x_j) = k(x_j, x_i)`) in flat buffers that
//! are allocated by the constructor and reused. The step is `ε φ` by default; the paper's
//! experiments use AdaGrad ([`Svgd::set_adagrad`]), which matters in practice: φ carries a
//! factor 1/n, so an isolated particle in a tail moves n times slower than the crowd, and a
//! fixed step takes thousands of iterations to populate a banana's arms. Both forces of every
//! particle are reported as [`Event2d::SteinForce`] and kept in [`Svgd::drive`] and
//! [`Svgd::repulsion`].
//!
//! With finitely many particles the fixed point φ = 0 is not an exact sample: SVGD with the
//! median bandwidth tends to underestimate variances (the "variance collapse" studied by Ba et
//! al., "Understanding the variance collapse of SVGD in high dimensions", ICLR 2022), mildly
//! in two dimensions (a few per cent on a Gaussian with 300 particles, more on the banana).

use super::fault::Fault;
use super::{
    check_point, check_positive, check_temperature, is_finite2, potential_and_grad, Event2d,
    Evolve, OnMember, Population2d, SamplerError, StepResult, WHOLE,
};
use crate::fastmath::{exp, ln};
use crate::landscape::Energy2d;
use crate::rng::Rng;

/// Largest number of particles (each step costs n² kernel evaluations).
pub const MAX_PARTICLES: usize = 4096;

/// An SVGD particle set.
#[derive(Clone, Debug, PartialEq)]
pub struct Svgd {
    x: Vec<[f64; 2]>,
    /// ∇log p at each particle.
    score: Vec<[f64; 2]>,
    /// (1/n) Σ_j k(x_j, x_i) ∇log p(x_j).
    drive: Vec<[f64; 2]>,
    /// (1/n) Σ_j ∇_{x_j} k(x_j, x_i).
    repulsion: Vec<[f64; 2]>,
    /// Pairwise squared distances (n(n−1)/2), scratch for the median.
    dist2: Vec<f64>,
    /// AdaGrad's running mean of φ², per particle and coordinate.
    hist: Vec<[f64; 2]>,
    /// AdaGrad's decay α, or `None` for a fixed step.
    adagrad: Option<f64>,
    eps: f64,
    t: f64,
    h: f64,
    iteration: u64,
    halted: Option<SamplerError>,
    fault: Fault,
}

impl Svgd {
    /// Particles at `start` (2 to 4096 finite points) moved with step size `ε > 0` towards
    /// `p ∝ exp(−E/T)`, `T > 0`.
    pub fn new(start: &[[f64; 2]], eps: f64, t: f64) -> Result<Self, SamplerError> {
        let n = start.len();
        if !(2..=MAX_PARTICLES).contains(&n) {
            return Err(SamplerError::Length {
                what: "SVGD particles (2 to 4096)",
                expected: MAX_PARTICLES,
                got: n,
            });
        }
        for &p in start {
            check_point(p)?;
        }
        Ok(Self {
            x: start.to_vec(),
            score: vec![[0.0; 2]; n],
            drive: vec![[0.0; 2]; n],
            repulsion: vec![[0.0; 2]; n],
            dist2: vec![0.0; n * (n - 1) / 2],
            hist: vec![[0.0; 2]; n],
            adagrad: None,
            eps: check_positive("step size ε", eps)?,
            t: check_temperature(t)?.0,
            h: f64::NAN,
            iteration: 0,
            halted: None,
            fault: Fault::None,
        })
    }

    /// `n` particles drawn from `N(mean, σ² I)` (a common start), `σ > 0`.
    pub fn from_gaussian(
        n: usize,
        mean: [f64; 2],
        sigma: f64,
        eps: f64,
        t: f64,
        rng: &mut Rng,
    ) -> Result<Self, SamplerError> {
        let mean = check_point(mean)?;
        let sigma = check_positive("initial spread σ", sigma)?;
        let start: Vec<[f64; 2]> = (0..n.min(MAX_PARTICLES + 1))
            .map(|_| {
                [
                    mean[0] + sigma * rng.normal(),
                    mean[1] + sigma * rng.normal(),
                ]
            })
            .collect();
        Self::new(&start, eps, t)
    }

    /// The drive `(1/n) Σ_j k(x_j, x_i) ∇log p(x_j)` of every particle, from the last step.
    pub fn drive(&self) -> &[[f64; 2]] {
        &self.drive
    }

    /// The repulsion `(1/n) Σ_j ∇_{x_j} k(x_j, x_i)` of every particle, from the last step.
    pub fn repulsion(&self) -> &[[f64; 2]] {
        &self.repulsion
    }

    /// The bandwidth h of the last step (NaN before the first).
    pub fn bandwidth(&self) -> f64 {
        self.h
    }

    /// Steps taken.
    pub fn iteration(&self) -> u64 {
        self.iteration
    }

    /// Step size ε.
    pub fn eps(&self) -> f64 {
        self.eps
    }

    /// Changes ε (> 0, finite).
    pub fn set_eps(&mut self, eps: f64) -> Result<(), SamplerError> {
        self.eps = check_positive("step size ε", eps)?;
        Ok(())
    }

    /// Changes T (> 0, finite).
    pub fn set_temperature(&mut self, t: f64) -> Result<(), SamplerError> {
        self.t = check_temperature(t)?.0;
        Ok(())
    }

    /// Moves particle `i` to `x` (finite) and clears a halt.
    pub fn set_particle(&mut self, i: usize, x: [f64; 2]) -> Result<(), SamplerError> {
        let n = self.x.len();
        let slot = self.x.get_mut(i).ok_or(SamplerError::Length {
            what: "particle index",
            expected: n,
            got: i,
        })?;
        *slot = check_point(x)?;
        self.halted = None;
        Ok(())
    }

    /// Uses AdaGrad steps, as in the paper's experiments: per particle and coordinate,
    /// `x ← x + ε φ / (10⁻⁶ + √G)` with `G ← α G + (1 − α) φ²` (`G = φ²` at the first step),
    /// `α ∈ [0, 1)` (0.9 in Liu & Wang's code); `None` returns to the fixed step `x ← x + ε φ`.
    /// Either way the fixed points are those of φ = 0.
    pub fn set_adagrad(&mut self, alpha: Option<f64>) -> Result<(), SamplerError> {
        if let Some(a) = alpha {
            if !(0.0..1.0).contains(&a) {
                return Err(SamplerError::OutOfRange {
                    what: "AdaGrad decay α",
                    value: a,
                    allowed: "in [0, 1)",
                });
            }
        }
        self.adagrad = alpha;
        self.hist.fill([0.0; 2]);
        self.iteration = 0;
        Ok(())
    }

    /// Switches on a deliberate defect (tests' negative controls only; see [`Fault`]).
    #[doc(hidden)]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = fault;
    }

    /// The median heuristic `h = med²/ln n` (Liu & Wang 2016, §5); 1 if all particles coincide.
    fn median_bandwidth(&mut self) -> f64 {
        let mut k = 0;
        for (i, a) in self.x.iter().enumerate() {
            for b in &self.x[i + 1..] {
                let d = [a[0] - b[0], a[1] - b[1]];
                self.dist2[k] = d[0] * d[0] + d[1] * d[1];
                k += 1;
            }
        }
        let m = self.dist2.len();
        let mid = m / 2;
        let (lo, upper, _) = self.dist2.select_nth_unstable_by(mid, f64::total_cmp);
        let upper = *upper;
        // The median of the squared distances is med² (squaring is monotone); for an even
        // count, the mean of the two middle values.
        let med2 = if m % 2 == 1 {
            upper
        } else {
            let lower = lo.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            0.5 * (lower + upper)
        };
        let h = med2 / ln(self.x.len() as f64);
        if h > 0.0 && h.is_finite() {
            h
        } else {
            1.0
        }
    }
}

impl Evolve for Svgd {
    fn halt_slot(&self) -> &Option<SamplerError> {
        &self.halted
    }

    fn halt_slot_mut(&mut self) -> &mut Option<SamplerError> {
        &mut self.halted
    }

    fn try_evolve(
        &mut self,
        target: &dyn Energy2d,
        _rng: &mut Rng,
        on: &mut OnMember,
    ) -> StepResult {
        let (_, inv_t) = check_temperature(self.t)?;
        let n = self.x.len();
        // Scores ∇log p(x_j) = −∇U(x_j).
        let mut g = [0.0; 2];
        for (s, &x) in self.score.iter_mut().zip(&self.x) {
            potential_and_grad(target, x, inv_t, &mut g)?;
            *s = [-g[0], -g[1]];
        }
        let h = self.median_bandwidth();
        self.h = h;
        on(WHOLE, Event2d::Bandwidth { h });
        // ∇_{x_j} k(x_j, x_i) = (2/h)(x_i − x_j) k(x_j, x_i).
        let c = if self.fault == Fault::SvgdKernelGradientHalved {
            1.0 / h
        } else {
            2.0 / h
        };
        // The j = i terms: k(x_i, x_i) = 1 and a zero kernel gradient.
        self.drive.copy_from_slice(&self.score);
        self.repulsion.fill([0.0; 2]);
        for i in 0..n {
            let (xi, si) = (self.x[i], self.score[i]);
            // Particle i's sums accumulate in registers; particle j > i's in its slots.
            let (mut di, mut ri) = (self.drive[i], self.repulsion[i]);
            let later = self.x[i + 1..].iter().zip(&self.score[i + 1..]);
            let slots = self.drive[i + 1..]
                .iter_mut()
                .zip(self.repulsion[i + 1..].iter_mut());
            for ((xj, sj), (dj, rj)) in later.zip(slots) {
                let d = [xi[0] - xj[0], xi[1] - xj[1]];
                // k(x_i, x_j) = exp(−‖x_i − x_j‖²/h), used for both (i, j) and (j, i).
                let k = exp(-(d[0] * d[0] + d[1] * d[1]) / h);
                di[0] += k * sj[0];
                di[1] += k * sj[1];
                dj[0] += k * si[0];
                dj[1] += k * si[1];
                let r = c * k;
                ri[0] += r * d[0];
                ri[1] += r * d[1];
                rj[0] -= r * d[0];
                rj[1] -= r * d[1];
            }
            self.drive[i] = di;
            self.repulsion[i] = ri;
        }
        let inv_n = 1.0 / n as f64;
        for i in 0..n {
            let drive = [self.drive[i][0] * inv_n, self.drive[i][1] * inv_n];
            let repulsion = [self.repulsion[i][0] * inv_n, self.repulsion[i][1] * inv_n];
            self.drive[i] = drive;
            self.repulsion[i] = repulsion;
            let at = self.x[i];
            on(
                i,
                Event2d::SteinForce {
                    at,
                    drive,
                    repulsion,
                },
            );
            let phi = [drive[0] + repulsion[0], drive[1] + repulsion[1]];
            let step = match self.adagrad {
                None => [self.eps, self.eps],
                Some(alpha) => {
                    let g = &mut self.hist[i];
                    for k in 0..2 {
                        // G ← α G + (1 − α) φ² (G = φ² at the first step).
                        g[k] = if self.iteration == 0 {
                            phi[k] * phi[k]
                        } else {
                            alpha * g[k] + (1.0 - alpha) * phi[k] * phi[k]
                        };
                    }
                    [
                        self.eps / (1e-6 + g[0].sqrt()),
                        self.eps / (1e-6 + g[1].sqrt()),
                    ]
                }
            };
            // x_i ← x_i + ε φ(x_i),  φ = drive + repulsion.
            let y = [at[0] + step[0] * phi[0], at[1] + step[1] * phi[1]];
            if !is_finite2(y) {
                return Err(SamplerError::Diverged {
                    what: "position",
                    at,
                });
            }
            // Positions are written after every φ is known (all particles move together).
            self.score[i] = y;
        }
        // `score` held the new positions; swap them in (the next step recomputes scores).
        std::mem::swap(&mut self.x, &mut self.score);
        self.iteration += 1;
        Ok(())
    }
}

impl Population2d for Svgd {
    fn points(&self) -> &[[f64; 2]] {
        &self.x
    }

    fn name(&self) -> &'static str {
        "svgd"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;

    #[test]
    fn constructor_rejects_bad_parameters() {
        let two = [[0.0, 0.0], [1.0, 1.0]];
        assert!(Svgd::new(&two, 0.1, 1.0).is_ok());
        assert!(Svgd::new(&two[..1], 0.1, 1.0).is_err());
        assert!(Svgd::new(&vec![[0.0; 2]; MAX_PARTICLES + 1], 0.1, 1.0).is_err());
        assert!(Svgd::new(&[[0.0, 0.0], [f64::NAN, 1.0]], 0.1, 1.0).is_err());
        for eps in [0.0, -0.1, f64::NAN, f64::INFINITY] {
            assert!(Svgd::new(&two, eps, 1.0).is_err());
        }
        for t in [0.0, -1.0, f64::NAN] {
            assert!(Svgd::new(&two, 0.1, t).is_err());
        }
        let mut rng = Rng::new(1);
        assert!(Svgd::from_gaussian(10, [0.0, 0.0], 0.0, 0.1, 1.0, &mut rng).is_err());
        let e = Svgd::from_gaussian(1, [0.0, 0.0], 1.0, 0.1, 1.0, &mut rng).expect_err("n = 1");
        assert!(!e.to_string().is_empty());
    }

    #[test]
    fn one_step_matches_the_direct_formula() {
        // φ(x_i) = (1/n) Σ_j [k(x_j, x_i) ∇log p(x_j) + (2/h)(x_i − x_j) k(x_j, x_i)], computed
        // naively (both orders of every pair, self term included).
        let g = Gaussian::correlated(1.0, 2.0, 0.5).expect("valid");
        let mut rng = Rng::new(2);
        let mut s = Svgd::from_gaussian(7, [0.5, -0.5], 1.5, 0.3, 0.8, &mut rng).expect("ok");
        let x0 = s.points().to_vec();
        s.step(&g, &mut rng, &mut |_, _| {});
        let h = s.bandwidth();
        // Median of the 21 pairwise distances (odd count: the middle one).
        let mut d: Vec<f64> = Vec::new();
        for i in 0..7 {
            for j in i + 1..7 {
                d.push(((x0[i][0] - x0[j][0]).powi(2) + (x0[i][1] - x0[j][1]).powi(2)).sqrt());
            }
        }
        d.sort_by(f64::total_cmp);
        assert!((h - d[10] * d[10] / 7f64.ln()).abs() < 1e-12);
        for i in 0..7 {
            let mut phi = [0.0; 2];
            for j in 0..7 {
                let mut gr = [0.0; 2];
                g.energy_and_grad(x0[j], &mut gr);
                let diff = [x0[i][0] - x0[j][0], x0[i][1] - x0[j][1]];
                let k = (-(diff[0] * diff[0] + diff[1] * diff[1]) / h).exp();
                for a in 0..2 {
                    phi[a] += (k * (-gr[a] / 0.8) + 2.0 / h * diff[a] * k) / 7.0;
                }
            }
            for a in 0..2 {
                let want = x0[i][a] + 0.3 * phi[a];
                assert!((s.points()[i][a] - want).abs() < 1e-12);
                let split = s.drive()[i][a] + s.repulsion()[i][a];
                assert!((split - phi[a]).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn two_particles_repel_on_a_flat_score_and_events_name_them() {
        // On N(0, I) with particles at ±a on x₁ the drive pulls them in, the repulsion pushes
        // them out; every particle gets one SteinForce event with its own index.
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut s = Svgd::new(&[[-0.1, 0.0], [0.1, 0.0]], 0.1, 1.0).expect("ok");
        let mut rng = Rng::new(3);
        let mut seen = Vec::new();
        s.step(&g, &mut rng, &mut |i, e| {
            if let Event2d::SteinForce { repulsion, .. } = e {
                seen.push((i, repulsion[0]));
            }
        });
        assert_eq!(seen.len(), 2);
        assert!(seen[0].0 == 0 && seen[0].1 < 0.0);
        assert!(seen[1].0 == 1 && seen[1].1 > 0.0);
    }

    #[test]
    fn coincident_particles_and_huge_steps_do_not_produce_nan() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("valid");
        let mut s = Svgd::new(&[[1.0, 1.0]; 5], 0.1, 1.0).expect("ok");
        let mut rng = Rng::new(4);
        s.step_many(10, &g, &mut rng, &mut |_, _| {});
        assert_eq!(s.bandwidth(), 1.0);
        assert!(s.points().iter().all(|p| is_finite2(*p)));
        let mut s = Svgd::new(&[[1.0, 1.0], [2.0, 0.0], [0.0, 3.0]], 1e300, 1.0).expect("ok");
        s.step_many(10, &g, &mut rng, &mut |_, _| {});
        assert!(s.halted().is_some());
        assert!(s.points().iter().all(|p| is_finite2(*p)));
    }
}
