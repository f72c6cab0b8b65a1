//! Registry entries of the samplers that estimate the evidence `ln Z` (issue 13): nested
//! sampling (Skilling 2006) and annealed importance sampling (Neal 2001), as populations whose
//! read-out puts `ln Ẑ ± err` beside the exact `ln Z` by grid integration ([`grid_log_z`]).
//!
//! Neither has a temperature setter and nested sampling needs the target to draw its first
//! live points, so both are (re)built on their next step, where the target and the run's random
//! stream are at hand; the grid `ln Z` is computed there too, once per start.

use crate::landscape::{Bounds, Energy2d};
use crate::rng::Rng;
use crate::sampler::{
    Ais, AisSettings, Event2d, NestedSampling, NestedSettings, Population2d, SamplerError,
};
use crate::settings::opt;

use super::look::{grid_log_z, Look};
use super::registry::{Draw, Engine, Family, Knobs, SamplerEntry, Setup};
use super::show;

/// Grid side of the exact `ln Z`.
pub const LOG_Z_GRID: usize = 240;

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
        crate::sampler::check_temperature(t)?;
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
        crate::sampler::check_temperature(t)?;
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
    use crate::landscape::{Banana, Gaussian};
    use crate::sampling::lab::default_knobs;

    fn view() -> Bounds {
        Bounds::new(-5.0, 5.0, -5.0, 5.0).expect("box")
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
}
