//! Metropolis particles: a population of random-walk Metropolis chains moved together by the
//! batched step [`ChainBatch`] (structure of arrays, random numbers in 16 lock-step lanes, one
//! call of the landscape for every chain) — the Metropolis counterpart of
//! [`super::registry::Particles`] (unadjusted Langevin).
//!
//! Each particle is a chain of the lecture's Metropolis–Hastings with a symmetric Gaussian
//! proposal, `s′ = s + σz`, accepted with `α = min(1, e^{−(E(s′) − E(s))/T})`, so the
//! population's law tends to `p(x) ∝ e^{−E(x)/T}` for any σ. Side by side with Langevin
//! particles at a large ε it shows what the accept/reject step buys: ULA's population settles
//! on a biased law, this one on the target.

use crate::landscape::{Bounds, Energy2d};
use crate::rng::Rng;
use crate::sampler::{BatchKernel, ChainBatch, Event2d, SamplerError};
use crate::settings::opt;

use super::registry::{
    centroid, population_moved, population_size, uniform, Draw, Engine, Family, Knobs, SamplerEntry,
};
use super::{fmt_count, show};

/// `n` random-walk Metropolis chains at temperature T, stepped as one batch.
pub struct MhParticles {
    batch: ChainBatch,
    /// The chains' positions, interleaved for the plane and the histograms (rewritten after
    /// every step, no allocation).
    points: Vec<[f64; 2]>,
}

impl MhParticles {
    /// `n` chains (1 to 10 000) uniform in `view`, drawn from `rng`, with proposal step σ > 0
    /// at temperature `T > 0`.
    pub fn new(
        n: usize,
        view: Bounds,
        sigma: f64,
        t: f64,
        rng: &mut Rng,
    ) -> Result<Self, SamplerError> {
        let points = uniform(population_size(n)?, view, rng);
        let batch = ChainBatch::new(points.as_flattened(), BatchKernel::RandomWalk { sigma }, t)?;
        Ok(Self { batch, points })
    }
}

impl Engine for MhParticles {
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        _: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError> {
        let done = self.batch.step(1, target, rng);
        self.batch.write_positions(self.points.as_flattened_mut());
        population_moved(
            done.frozen == done.moves,
            "energy of every particle",
            || self.position(),
        )
    }
    fn position(&self) -> [f64; 2] {
        centroid(&self.points)
    }
    fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError> {
        let starts: Vec<f64> = std::iter::repeat_n(x, self.points.len())
            .flatten()
            .collect();
        self.batch.set_positions(&starts)?;
        self.batch.write_positions(self.points.as_flattened_mut());
        Ok(())
    }
    fn retune(&mut self, k: &Knobs, t: f64) -> Result<(), SamplerError> {
        // Both checked before either changes.
        let kernel = BatchKernel::RandomWalk {
            sigma: k.get("sigma"),
        };
        crate::sampler::check_temperature(t)?;
        self.batch.set_kernel(kernel)?;
        self.batch.set_temperature(t)
    }
    fn acceptance(&self) -> Option<f64> {
        self.batch.acceptance().rate()
    }
    fn forget(&mut self) {
        self.batch.reset_stats();
    }
    fn points(&self) -> &[[f64; 2]] {
        &self.points
    }
}

/// Metropolis particles: "n" chains uniform in the view, proposal step "sigma".
pub const MH_PARTICLES: SamplerEntry = SamplerEntry {
    opt: opt("mhparticles", "Metropolis particles"),
    short: "MH particles",
    family: Family::Population,
    knobs: &["sigma", "n"],
    restart_on: &["n"],
    build: |s, k, rng| {
        Ok(Box::new(MhParticles::new(
            k.count("n") as usize,
            s.view,
            k.get("sigma"),
            s.t,
            rng,
        )?))
    },
    about: |k, st| {
        format!(
            "{} particles, each a random-walk Metropolis chain with σ = {}, moved together in \
             one batched step; the accept/reject step makes e^(−E/T) their stationary law for \
             any σ (Langevin particles at a large ε settle on a biased one).",
            fmt_count(st.members as u64),
            show(k.get("sigma"))
        )
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Gaussian;

    fn gaussian() -> Gaussian {
        Gaussian::new([1.0, -0.5], [[1.0, 0.6], [0.6, 2.0]]).expect("gaussian")
    }

    fn sigma(p: &MhParticles) -> f64 {
        match p.batch.kernel() {
            BatchKernel::RandomWalk { sigma } => sigma,
            BatchKernel::Langevin { .. } => f64::NAN,
        }
    }

    fn view() -> Bounds {
        Bounds::new(-5.0, 5.0, -5.0, 5.0).expect("box")
    }

    /// Mean and covariance of the population.
    fn moments(p: &[[f64; 2]]) -> ([f64; 2], [[f64; 2]; 2]) {
        let n = p.len() as f64;
        let m = centroid(p);
        let mut c = [[0.0; 2]; 2];
        for x in p {
            let d = [x[0] - m[0], x[1] - m[1]];
            for i in 0..2 {
                for j in 0..2 {
                    c[i][j] += d[i] * d[j] / (n - 1.0);
                }
            }
        }
        (m, c)
    }

    /// After the burn-in the population is 4000 independent draws from `N(μ, T·Σ)`: its mean
    /// within 4 standard errors, each covariance entry within 4 of its standard error
    /// `√((Σᵢᵢ Σⱼⱼ + Σᵢⱼ²)/n)`. At T = 2 the variances double (a sampler that ignored T, or
    /// used T twice, misses by 25 standard errors).
    #[test]
    fn the_population_settles_on_the_tempered_gaussian() {
        let g = gaussian();
        for (t, seed) in [(1.0, 3), (2.0, 4)] {
            let mut rng = Rng::new(seed);
            let mut p = MhParticles::new(4000, view(), 1.2, t, &mut rng).expect("particles");
            for _ in 0..400 {
                p.step(&g, &mut rng, &mut |_| {}).expect("step");
            }
            let n = p.points().len() as f64;
            let (m, c) = moments(p.points());
            let s = [[t * 1.0, t * 0.6], [t * 0.6, t * 2.0]];
            for i in 0..2 {
                let se = (s[i][i] / n).sqrt();
                assert!(
                    (m[i] - [1.0, -0.5][i]).abs() < 4.0 * se,
                    "T = {t}: mean {i} = {} (se {se})",
                    m[i]
                );
                for j in 0..2 {
                    let se = ((s[i][i] * s[j][j] + s[i][j] * s[i][j]) / n).sqrt();
                    assert!(
                        (c[i][j] - s[i][j]).abs() < 4.0 * se,
                        "T = {t}: cov[{i}][{j}] = {} vs {} (se {se})",
                        c[i][j],
                        s[i][j]
                    );
                }
            }
            let a = p.acceptance().expect("a rate");
            assert!(a > 0.2 && a < 0.9, "acceptance {a}");
        }
    }

    #[test]
    fn a_seed_replays_and_knobs_retune_in_place() {
        let g = gaussian();
        let run = |seed| {
            let mut rng = Rng::new(seed);
            let mut p = MhParticles::new(100, view(), 0.5, 1.0, &mut rng).expect("particles");
            for _ in 0..20 {
                p.step(&g, &mut rng, &mut |_| {}).expect("step");
            }
            p.points().to_vec()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));

        let mut rng = Rng::new(1);
        let mut p = MhParticles::new(10, view(), 0.5, 1.0, &mut rng).expect("particles");
        let mut k = Knobs::default();
        k.set("sigma", 2.0);
        p.retune(&k, 3.0).expect("retune");
        assert_eq!((sigma(&p), p.batch.temperature()), (2.0, 3.0));
        // refused as a whole: neither σ nor T changes
        k.set("sigma", 0.7);
        assert!(p.retune(&k, 0.0).is_err());
        k.set("sigma", -1.0);
        assert!(p.retune(&k, 1.0).is_err());
        assert_eq!((sigma(&p), p.batch.temperature()), (2.0, 3.0));
        assert!(MhParticles::new(0, view(), 0.5, 1.0, &mut rng).is_err());
        assert!(MhParticles::new(10_001, view(), 0.5, 1.0, &mut rng).is_err());
        assert!(MhParticles::new(10, view(), f64::NAN, 1.0, &mut rng).is_err());
    }

    #[test]
    fn a_click_moves_every_particle_and_a_landscape_without_mass_halts_it() {
        let g = gaussian();
        let mut rng = Rng::new(2);
        let mut p = MhParticles::new(50, view(), 0.5, 1.0, &mut rng).expect("particles");
        p.set_position([0.25, -1.0]).expect("finite");
        assert!(p.points().iter().all(|x| *x == [0.25, -1.0]));
        assert_eq!(sigma(&p), 0.5);
        assert!(p.set_position([f64::NAN, 0.0]).is_err());
        p.step(&g, &mut rng, &mut |_| {}).expect("step");

        struct Nan;
        impl Energy2d for Nan {
            fn energy(&self, _: [f64; 2]) -> f64 {
                f64::NAN
            }
            fn energy_and_grad(&self, _: [f64; 2], g: &mut [f64; 2]) -> f64 {
                *g = [f64::NAN; 2];
                f64::NAN
            }
            fn bounds(&self) -> Bounds {
                Bounds::new(-1.0, 1.0, -1.0, 1.0).expect("box")
            }
        }
        let before = p.points().to_vec();
        assert!(matches!(
            p.step(&Nan, &mut rng, &mut |_| {}),
            Err(SamplerError::Diverged { .. })
        ));
        assert_eq!(
            p.points(),
            &before[..],
            "the NaN guard keeps every particle"
        );
    }
}
