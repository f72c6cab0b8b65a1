//! Registry entries of the samplers that move many points (issue 13): SVGD (Liu & Wang 2016)
//! and DE-MCMC-Z (ter Braak & Vrugt 2008) through [`crowd_with`]; parallel tempering as a
//! chain whose draws are the T = 1 replica's (so the histograms, trace and ESS are the
//! target's) while the plane shows every replica; nested sampling (Skilling 2006) and annealed
//! importance sampling (Neal 2001) as populations that also estimate `ln Z`, read out beside
//! the exact `ln Z` by grid integration ([`grid_log_z`]).
//!
//! Nested sampling and AIS have no temperature setter and nested sampling needs the target to
//! draw its first live points, so both are (re)built on their next step, where the target and
//! the run's random stream are at hand; the grid `ln Z` is computed there too, once per start.

use crate::core::landscape::{Bounds, Energy2d};
use crate::core::rng::Rng;
use crate::core::sampler::{
    Ais, AisSettings, DeMcmcZ, DeSettings, Event2d, NestedSampling, NestedSettings,
    ParallelTempering, Population2d, SamplerError, Svgd,
};
use crate::core::settings::opt;

use super::look::{grid_log_z, Look};
use super::registry::{crowd_with, Draw, Engine, Family, Knobs, SamplerEntry, Setup, Shows};
use super::show;

/// Grid side of the exact `ln Z`.
pub const LOG_Z_GRID: usize = 240;

/// `n` points uniform in `view`.
fn uniform(n: usize, view: Bounds, rng: &mut Rng) -> Vec<[f64; 2]> {
    (0..n)
        .map(|_| {
            [
                rng.range(view.x_min, view.x_max),
                rng.range(view.y_min, view.y_max),
            ]
        })
        .collect()
}

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

/// Nested sampling on the view as a uniform prior box, rebuilt on its next step when started
/// or when T changes.
pub struct Nested {
    ns: NestedSampling,
    settings: NestedSettings,
    prior: Bounds,
    t: f64,
    fresh: bool,
    exact: f64,
}

/// A flat landscape (every likelihood 1), for the live points drawn before the first step.
struct Flat;

impl Energy2d for Flat {
    fn energy(&self, _: [f64; 2]) -> f64 {
        0.0
    }
    fn energy_and_grad(&self, _: [f64; 2], g: &mut [f64; 2]) -> f64 {
        *g = [0.0; 2];
        0.0
    }
    fn bounds(&self) -> Bounds {
        Bounds {
            x_min: -1.0,
            x_max: 1.0,
            y_min: -1.0,
            y_max: 1.0,
        }
    }
}

impl Nested {
    /// `n_live` live points on the prior box `prior` at temperature `t`.
    pub fn new(prior: Bounds, n_live: usize, t: f64, rng: &mut Rng) -> Result<Self, SamplerError> {
        let settings = NestedSettings::with_live(n_live);
        Ok(Self {
            ns: NestedSampling::new(&Flat, prior, settings, t, rng)?,
            settings,
            prior,
            t,
            fresh: true,
            exact: f64::NAN,
        })
    }

    /// The run itself.
    pub fn inner(&self) -> &NestedSampling {
        &self.ns
    }

    /// The exact `ln Z = ln ∫_B exp(−E/T) dx − ln|B|` (NaN before the first step).
    pub fn exact_log_z(&self) -> f64 {
        self.exact
    }
}

impl Engine for Nested {
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError> {
        if self.fresh {
            self.ns = NestedSampling::new(target, self.prior, self.settings, self.t, rng)?;
            self.exact =
                grid_log_z(target, self.t, self.prior, LOG_Z_GRID) - self.ns.log_prior_area();
            self.fresh = false;
        }
        self.ns.step(target, rng, &mut |_, e| on(e));
        match self.ns.halted() {
            Some(e) => Err(e.clone()),
            None => Ok(Draw::Population),
        }
    }
    fn position(&self) -> [f64; 2] {
        centre(self.ns.points())
    }
    fn set_position(&mut self, _: [f64; 2]) -> Result<(), SamplerError> {
        // The live points are prior draws: a click starts the run again.
        self.fresh = true;
        Ok(())
    }
    fn retune(&mut self, _: &Knobs, t: f64) -> Result<(), SamplerError> {
        crate::core::sampler::check_temperature(t)?;
        if t != self.t {
            self.t = t;
            self.fresh = true;
        }
        Ok(())
    }
    fn points(&self) -> &[[f64; 2]] {
        self.ns.points()
    }
    fn look(&self) -> Look<'_> {
        Look::Contour {
            energy: if self.fresh {
                f64::NEG_INFINITY
            } else {
                self.ns.contour_energy()
            },
        }
    }
    fn figure(&self, key: &str) -> Option<f64> {
        if self.fresh {
            return None;
        }
        match key {
            "logz" => Some(self.ns.log_z()),
            "logzerr" => Some(self.ns.log_z_err()),
            "logzexact" => Some(self.exact),
            _ => None,
        }
    }
    fn readout(&self) -> Option<String> {
        if self.fresh {
            return Some("Live points drawn from the prior; ln Z after the first step.".into());
        }
        Some(log_z_line(
            self.ns.log_z(),
            self.ns.log_z_err(),
            self.exact,
            true,
            &format!(
                "ln X = −i/N = {}{}",
                show(self.ns.log_volume()),
                if self.ns.is_finished() {
                    " (finished)"
                } else {
                    ""
                }
            ),
        ))
    }
}

/// "ln Ẑ = a ± b; grid ln Z = c (k s.e.); rest" (the standard errors only if `done`).
pub fn log_z_line(log_z: f64, err: f64, exact: f64, done: bool, rest: &str) -> String {
    let z = if err > 0.0 && done {
        format!(" ({} s.e.)", show((log_z - exact) / err))
    } else {
        String::new()
    };
    format!(
        "ln Ẑ = {} ± {}; grid ln Z = {}{z}; {rest}.",
        show(log_z),
        show(err),
        show(exact)
    )
}

fn centre(p: &[[f64; 2]]) -> [f64; 2] {
    let n = p.len().max(1) as f64;
    let s = p.iter().fold([0.0; 2], |a, x| [a[0] + x[0], a[1] + x[1]]);
    [s[0] / n, s[1] / n]
}

/// Nested sampling: "live" live points on the view.
pub const NESTED: SamplerEntry = SamplerEntry {
    opt: opt("nested", "nested sampling"),
    short: "nested",
    family: Family::Population,
    knobs: &["live"],
    restart_on: &["live"],
    build: |s, k, rng| {
        Ok(Box::new(Nested::new(
            s.view,
            k.count("live") as usize,
            s.t,
            rng,
        )?))
    },
    about: |_, st| {
        format!(
            "{} live points from the uniform prior on the view; each step the lowest-likelihood \
             one dies, its contour E = E* (drawn) encloses prior volume X ≈ e^(−i/N), and a new \
             point is drawn inside it (RadFriends); Z = Σ Lᵢ(Xᵢ₋₁ − Xᵢ) (Skilling 2006).",
            st.members
        )
    },
};

/// Annealed importance sampling from `p₀ = N(view centre, (width/4)²I)`, rebuilt on its next
/// step after a change of T.
pub struct Annealed {
    ais: Ais,
    settings: AisSettings,
    t: f64,
    /// The exact ln Z is due (a start); `rebuild` also draws new particles (a new T).
    fresh: bool,
    rebuild: bool,
    exact: f64,
    view: Bounds,
}

impl Annealed {
    /// `n` particles, `stages` stages, over `view` at temperature `t`.
    pub fn new(
        view: Bounds,
        n: usize,
        stages: usize,
        t: f64,
        rng: &mut Rng,
    ) -> Result<Self, SamplerError> {
        let settings = AisSettings {
            particles: n,
            stages,
            power: 3.0,
            mcmc_steps: 2,
            mcmc_sigma: 0.05 * view.width(),
            start_mean: [
                0.5 * (view.x_min + view.x_max),
                0.5 * (view.y_min + view.y_max),
            ],
            start_sigma: 0.25 * view.width(),
        };
        Ok(Self {
            ais: Ais::new(settings, t, rng)?,
            settings,
            t,
            fresh: true,
            rebuild: false,
            exact: f64::NAN,
            view,
        })
    }

    /// The run itself.
    pub fn inner(&self) -> &Ais {
        &self.ais
    }

    /// The exact `ln ∫ exp(−E/T) dx` over three times the view (NaN before the first step).
    pub fn exact_log_z(&self) -> f64 {
        self.exact
    }
}

impl Engine for Annealed {
    fn step(
        &mut self,
        target: &dyn Energy2d,
        rng: &mut Rng,
        on: &mut dyn FnMut(Event2d),
    ) -> Result<Draw, SamplerError> {
        if self.rebuild {
            self.ais = Ais::new(self.settings, self.t, rng)?;
            self.rebuild = false;
        }
        if self.fresh {
            self.exact = grid_log_z(target, self.t, self.view.expanded(1.0), LOG_Z_GRID);
            self.fresh = false;
        }
        self.ais.step(target, rng, &mut |_, e| on(e));
        match self.ais.halted() {
            Some(e) => Err(e.clone()),
            None => Ok(Draw::Population),
        }
    }
    fn position(&self) -> [f64; 2] {
        centre(self.ais.points())
    }
    fn set_position(&mut self, _: [f64; 2]) -> Result<(), SamplerError> {
        Ok(())
    }
    fn retune(&mut self, _: &Knobs, t: f64) -> Result<(), SamplerError> {
        crate::core::sampler::check_temperature(t)?;
        if t != self.t {
            // No temperature setter: a fresh run at the new T on the next step.
            self.t = t;
            self.fresh = true;
            self.rebuild = true;
        }
        Ok(())
    }
    fn points(&self) -> &[[f64; 2]] {
        self.ais.points()
    }
    fn look(&self) -> Look<'_> {
        Look::Annealed {
            log_w: self.ais.log_weights(),
            beta: self.ais.beta(),
        }
    }
    fn figure(&self, key: &str) -> Option<f64> {
        match key {
            "logz" => Some(self.ais.log_z()),
            "logzerr" => Some(self.ais.log_z_err()),
            "logzexact" => Some(self.exact),
            "beta" => Some(self.ais.beta()),
            _ => None,
        }
    }
    fn readout(&self) -> Option<String> {
        Some(log_z_line(
            self.ais.log_z(),
            self.ais.log_z_err(),
            self.exact,
            self.ais.is_finished(),
            &format!(
                "β = {} (stage {}), weights' ESS {}{}",
                show(self.ais.beta()),
                self.ais.stage(),
                show(self.ais.ess()),
                if self.ais.is_finished() {
                    " (finished: Ẑ estimates Z)"
                } else {
                    " (Ẑ estimates Z_β so far)"
                }
            ),
        ))
    }
}

/// Annealed importance sampling: "aisn" particles, "stages" stages.
pub const AIS: SamplerEntry = SamplerEntry {
    opt: opt("ais", "AIS (annealed IS)"),
    short: "AIS",
    family: Family::Population,
    knobs: &["aisn", "stages"],
    restart_on: &["aisn", "stages"],
    build: |s: &Setup, k, rng| {
        Ok(Box::new(Annealed::new(
            s.view,
            k.count("aisn") as usize,
            k.count("stages") as usize,
            s.t,
            rng,
        )?))
    },
    about: |k, _| {
        format!(
            "particles from a broad Gaussian p₀ are carried through f_β = p₀^(1−β) f^β in {} \
             stages (β = (j/J)³), each a few Metropolis steps, with ln w += Δβ(ln f − ln p₀); \
             then Ẑ = mean w estimates Z (Neal 2001).",
            k.count("stages")
        )
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::landscape::{Banana, Gaussian};
    use crate::core::sampling::lab::default_knobs;

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
    fn nested_sampling_reads_out_ln_z_beside_the_grid_value() {
        let g = Gaussian::isotropic([0.3, -0.2], 0.8).expect("gauss");
        let mut rng = Rng::new(5);
        let mut e = Nested::new(view(), 200, 1.0, &mut rng).expect("nested");
        assert!(matches!(e.look(), Look::Contour { energy } if energy == f64::NEG_INFINITY));
        run(&mut e, &g, 3000, &mut rng);
        let ns = e.inner();
        assert!(ns.is_finished(), "the termination rule was reached");
        // Exact: ln(2π σ² / |B|) (the box holds all the mass).
        let exact = (std::f64::consts::TAU * 0.64 / 100.0).ln();
        assert!((e.exact_log_z() - exact).abs() < 1e-3);
        let (z, err) = (ns.log_z(), ns.log_z_err());
        assert!((z - exact).abs() < 4.0 * err, "{z} ± {err} vs {exact}");
        let line = e.readout().expect("a read-out");
        assert!(
            line.contains("ln Ẑ") && line.contains("grid ln Z"),
            "{line}"
        );
        let Look::Contour { energy } = e.look() else {
            panic!("a contour")
        };
        assert!(energy.is_finite());
        // A new T rebuilds on the next step, at the new temperature.
        e.retune(&default_knobs(), 2.0).expect("T");
        run(&mut e, &g, 1, &mut rng);
        let exact2 = (std::f64::consts::TAU * 0.64 * 2.0 / 100.0).ln();
        assert!((e.exact_log_z() - exact2).abs() < 1e-3);
    }

    #[test]
    fn ais_reaches_beta_one_and_its_ln_z_agrees_with_the_grid() {
        let b = Banana::default();
        let mut rng = Rng::new(8);
        let mut e = Annealed::new(view(), 400, 200, 1.0, &mut rng).expect("ais");
        run(&mut e, &b, 200, &mut rng);
        let a = e.inner();
        assert!(a.is_finished());
        assert_eq!(a.beta(), 1.0);
        let (z, err, exact) = (a.log_z(), a.log_z_err(), e.exact_log_z());
        assert!(exact.is_finite());
        assert!(
            (z - exact).abs() < 4.0 * err + 0.05,
            "{z} ± {err} vs {exact}"
        );
        assert!(e.readout().is_some_and(|l| l.contains("finished")));
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
