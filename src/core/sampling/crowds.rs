//! Registry entries of the samplers that move many points (issue 13): SVGD (Liu & Wang 2016)
//! and DE-MCMC-Z (ter Braak & Vrugt 2008) through [`crowd_with`]; parallel tempering as a
//! chain whose draws are the T = 1 replica's (so the histograms, trace and ESS are the
//! target's) while the plane shows every replica. Nested sampling and AIS, which also
//! estimate `ln Z`, are in [`super::evidence`].

use crate::landscape::Energy2d;
use crate::rng::Rng;
use crate::sampler::{
    DeMcmcZ, DeSettings, Event2d, ParallelTempering, Population2d, SamplerError, Svgd,
};
use crate::settings::opt;

use super::look::Look;
use super::registry::{crowd_with, uniform, Draw, Engine, Family, Knobs, SamplerEntry, Shows};
use super::show;

/// SVGD: "svn" particles uniform in the view, step "sveps".
pub const SVGD: SamplerEntry = SamplerEntry {
    opt: opt("svgd", "SVGD"),
    short: "SVGD",
    family: Family::Population,
    knobs: &["sveps", "svn"],
    restart_on: &["svn"],
    build: |s, k, rng| {
        let start = uniform(k.count("svn") as usize, s.view, rng);
        Ok(crowd_with(
            Svgd::new(&start, k.get("sveps"), s.t)?,
            |p, k, t| {
                p.set_eps(k.get("sveps"))?;
                p.set_temperature(t)
            },
            |p, x| (0..p.points().len()).try_for_each(|i| p.set_particle(i, x)),
            Shows {
                look: |p| Look::Forces {
                    drive: p.drive(),
                    repulsion: p.repulsion(),
                },
                readout: |p| {
                    Some(format!(
                        "RBF bandwidth h = {} (median heuristic) after {} steps.",
                        show(p.bandwidth()),
                        p.iteration()
                    ))
                },
                ..Shows::none()
            },
        ))
    },
    about: |k, st| {
        format!(
            "{} particles move along φ(x) = (1/n)Σⱼ[k(xⱼ, x)∇log p(xⱼ) + ∇ₓⱼk(xⱼ, x)] with ε = \
             {}: the drive (blue) pulls towards mass, the repulsion (red) keeps them apart.",
            st.members,
            show(k.get("sveps"))
        )
    },
};

/// DE-MCMC-Z: "dechains" chains, archive of 10 points per chain drawn uniformly in the view.
pub const DE_MCMC_Z: SamplerEntry = SamplerEntry {
    opt: opt("demcz", "DE-MCMC-Z"),
    short: "DE-MCMC-Z",
    family: Family::Population,
    knobs: &["dechains"],
    restart_on: &["dechains"],
    build: |s, k, rng| {
        let n = (k.count("dechains") as usize).max(1);
        Ok(crowd_with(
            DeMcmcZ::from_box(s.view, n, (10 * n).max(20), DeSettings::default(), s.t, rng)?,
            |p, _, t| p.set_temperature(t),
            |p, x| (0..p.points().len()).try_for_each(|i| p.set_chain(i, x)),
            Shows {
                look: |p| Look::Archive(p.archive()),
                readout: |p| {
                    let (par, sn) = p.acceptance();
                    Some(format!(
                        "Archive Z holds {} past states; acceptance {} (parallel), {} (snooker).",
                        p.archive().len(),
                        par.rate().map_or("—".into(), show),
                        sn.rate().map_or("—".into(), show)
                    ))
                },
                ..Shows::none()
            },
        ))
    },
    about: |_, st| {
        format!(
            "{} chains jump by γ(z₁ − z₂), the difference of two past states from the archive \
             (dimmed), so the jumps take the target's shape and scale (ter Braak & Vrugt 2008).",
            st.members
        )
    },
};

/// Parallel tempering: a chain whose draws are the coldest replica's.
pub struct Tempered {
    pt: ParallelTempering,
    ratio: f64,
    sigma: f64,
}

impl Tempered {
    /// `k` replicas at `x0` on the geometric ladder from `t` to `ratio·t`, step σ.
    pub fn new(
        x0: [f64; 2],
        t: f64,
        ratio: f64,
        k: usize,
        sigma: f64,
    ) -> Result<Self, SamplerError> {
        Ok(Self {
            pt: ParallelTempering::geometric(x0, t, ratio * t, k, sigma)?,
            ratio,
            sigma,
        })
    }

    /// The replica exchange itself.
    pub fn inner(&self) -> &ParallelTempering {
        &self.pt
    }
}

impl Engine for Tempered {
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError> {
        self.pt.step(target, rng, &mut |_, e| on(e));
        match self.pt.halted() {
            Some(e) => Err(e.clone()),
            None => Ok(Draw::Point(self.pt.cold())),
        }
    }
    fn position(&self) -> [f64; 2] {
        self.pt.cold()
    }
    fn set_position(&mut self, x: [f64; 2]) -> Result<(), SamplerError> {
        (0..self.pt.points().len()).try_for_each(|i| self.pt.set_replica(i, x))
    }
    fn retune(&mut self, k: &Knobs, t: f64) -> Result<(), SamplerError> {
        let (ratio, sigma) = (k.get("tmax"), k.get("sigma"));
        let old = self.pt.temperatures()[0];
        if (ratio, sigma, t) == (self.ratio, self.sigma, old) {
            return Ok(());
        }
        // A new ladder with every replica where it was (the swap counts start again).
        let mut pt = ParallelTempering::geometric(
            self.pt.cold(),
            t,
            ratio * t,
            self.pt.points().len(),
            sigma,
        )?;
        for (i, &x) in self.pt.points().iter().enumerate() {
            pt.set_replica(i, x)?;
        }
        *self = Self { pt, ratio, sigma };
        Ok(())
    }
    fn acceptance(&self) -> Option<f64> {
        self.pt.move_acceptance().first().and_then(|a| a.rate())
    }
    fn points(&self) -> &[[f64; 2]] {
        self.pt.points()
    }
    fn look(&self) -> Look<'_> {
        Look::Ladder(self.pt.temperatures())
    }
    fn readout(&self) -> Option<String> {
        Some(pt_readout(&self.pt))
    }
    fn figure(&self, key: &str) -> Option<f64> {
        (key == "swapmin").then(|| {
            self.pt
                .swap_acceptance()
                .iter()
                .filter_map(|a| a.rate())
                .fold(f64::INFINITY, f64::min)
        })
    }
}

/// The ladder and the swap acceptance of each neighbouring pair.
pub fn pt_readout(pt: &ParallelTempering) -> String {
    let temps: Vec<String> = pt.temperatures().iter().map(|&t| show(t)).collect();
    let swaps: Vec<String> = pt
        .swap_acceptance()
        .iter()
        .map(|a| a.rate().map_or("—".into(), show))
        .collect();
    format!(
        "Ladder T = {}; swap acceptance per pair: {}.",
        temps.join(", "),
        swaps.join(" · ")
    )
}

/// Parallel tempering: "reps" replicas up to T_max = "tmax"·T, random-walk step "sigma".
pub const TEMPERING: SamplerEntry = SamplerEntry {
    opt: opt("pt", "parallel tempering"),
    short: "PT",
    family: Family::Chain,
    knobs: &["sigma", "reps", "tmax"],
    restart_on: &["reps"],
    build: |s, k, _| {
        Ok(Box::new(Tempered::new(
            s.x0,
            s.t,
            k.get("tmax"),
            k.count("reps") as usize,
            k.get("sigma"),
        )?))
    },
    about: |k, _| {
        format!(
            "{} random-walk replicas at temperatures from T to {}·T; neighbours swap states \
             with α = min(1, exp((1/Tₖ − 1/Tₖ₊₁)(E(xₖ) − E(xₖ₊₁)))). Samples, histograms and \
             trace are the T replica's.",
            k.count("reps"),
            show(k.get("tmax"))
        )
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::{Bounds, Gaussian};
    use crate::sampling::lab::default_knobs;
    use crate::sampling::registry::Setup;

    fn view() -> Bounds {
        Bounds::new(-5.0, 5.0, -5.0, 5.0).expect("box")
    }

    fn setup() -> Setup {
        Setup {
            x0: [0.5, -0.5],
            view: view(),
            t: 1.0,
        }
    }

    fn run(e: &mut dyn Engine, target: &dyn Energy2d, n: usize, rng: &mut Rng) {
        for _ in 0..n {
            e.step(target, rng, &mut |_| {}).expect("runs");
        }
    }

    #[test]
    fn tempering_draws_the_cold_replica_and_reads_out_every_swap_pair() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("gauss");
        let mut k = default_knobs();
        let mut e = (TEMPERING.build)(&setup(), &k, &mut Rng::new(1)).expect("pt");
        let mut rng = Rng::new(2);
        for _ in 0..200 {
            let d = e.step(&g, &mut rng, &mut |_| {}).expect("runs");
            assert_eq!(d, Draw::Point(e.position()));
            assert_eq!(e.points()[0], e.position(), "the coldest replica");
        }
        let Look::Ladder(temps) = e.look() else {
            panic!("a ladder")
        };
        assert_eq!(temps.len(), 5);
        assert!((temps[4] / temps[0] - 30.0).abs() < 1e-9);
        let line = e.readout().expect("read-out");
        assert_eq!(line.matches(" · ").count(), 3, "four pairs: {line}");
        // A new T_max keeps the replicas where they were.
        let before = e.points().to_vec();
        k.set("tmax", 10.0);
        e.retune(&k, 1.0).expect("retune");
        assert_eq!(e.points(), &before[..]);
    }

    #[test]
    fn svgd_and_de_mcmc_z_show_their_forces_and_archive() {
        let g = Gaussian::isotropic([0.0, 0.0], 1.0).expect("gauss");
        let k = default_knobs();
        let mut rng = Rng::new(3);
        let mut s = (SVGD.build)(&setup(), &k, &mut rng).expect("svgd");
        run(s.as_mut(), &g, 5, &mut rng);
        let Look::Forces { drive, repulsion } = s.look() else {
            panic!("forces")
        };
        assert_eq!((drive.len(), repulsion.len()), (100, 100));
        let mut d = (DE_MCMC_Z.build)(&setup(), &k, &mut rng).expect("de");
        run(d.as_mut(), &g, 30, &mut rng);
        let Look::Archive(z) = d.look() else {
            panic!("archive")
        };
        assert_eq!(
            z.len(),
            80 + 3 * 8,
            "M₀ = 10 per chain, then 8 every 10 steps"
        );
    }
}
