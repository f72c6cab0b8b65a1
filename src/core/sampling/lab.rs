//! The Sampling lab's state and its settings table: three views (MCMC on the plane, direct
//! sampling, a Markov chain), every parameter one row of [`TABLE`] — link key, label, tooltip in
//! the lecture's words, range, default, getter and validated setter, when it is shown. The
//! page's controls, its link, `hide=` and the lecture scenes all go through these rows.
//!
//! A link replays exactly: [`Sampling::restart`] starts every run from the seed, and every row
//! a link does not name takes its default. Sampler parameters are `knob!` rows: adding one is
//! one line here (and the sampler's registry entry names it, [`super::registry`]). Numbers out
//! of range in a link are moved to the nearest end of their range, with a message.

use crate::ebm::LearnedSlot;
use crate::params::Params;
use crate::sampler::SamplerError;
use crate::settings::{opt, when, Opt, Range, Setting, Show, Table, Value};

use super::direct::{DirectRun, CAT_OPTS};
use super::markov::{MarkovRun, EXAMPLES, STARTS};
use super::mcmc::Mcmc;
use super::registry::{Knobs, SAMPLERS, SAMPLER_MENU};
use super::targets::{format_bumps, parse_bumps, DRAWN, GAUSS, TARGETS};

/// The views (link key, label).
pub const VIEWS: [Opt; 3] = [
    opt("mcmc", "MCMC on the plane"),
    opt("direct", "Direct sampling"),
    opt("markov", "Markov chain"),
];
/// The MCMC view.
pub const MCMC: usize = 0;
/// The direct-sampling view.
pub const DIRECT: usize = 1;
/// The Markov-chain view.
pub const MARKOV: usize = 2;

const SHADES: [Opt; 2] = [opt("p", "density p"), opt("E", "energy E")];
const SCHEDULES: [Opt; 2] = [opt("const", "constant ε"), opt("decay", "decaying ε_t")];

/// The Sampling lab's state.
pub struct Sampling {
    view: usize,
    seed: u64,
    /// MCMC on the plane.
    pub mcmc: Mcmc,
    /// Direct sampling.
    pub direct: DirectRun,
    /// The Markov chain.
    pub markov: MarkovRun,
}

impl Sampling {
    /// Every setting at its default, runs from `seed`; the learned energy comes from `learned`.
    pub fn new(seed: u64, learned: LearnedSlot) -> Result<Self, SamplerError> {
        let mut s = Self {
            view: MCMC,
            seed,
            mcmc: Mcmc::new(seed, default_knobs(), learned)?,
            direct: DirectRun::new(seed),
            markov: MarkovRun::new(seed),
        };
        TABLE.load(&mut s, &Params::new("sampling"));
        s.restart(seed);
        s.mcmc.take_note();
        Ok(s)
    }

    /// The view shown (an index into [`VIEWS`]).
    pub fn view(&self) -> usize {
        self.view
    }

    /// The seed the runs started from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Every run afresh from `seed` (replays exactly).
    pub fn restart(&mut self, seed: u64) {
        self.seed = seed;
        self.mcmc.restart(seed);
        self.direct.restart(seed);
        self.markov.restart(seed);
    }

    /// The lecture's preset: unadjusted Langevin against MALA at the same ε = 1 on N(0, I),
    /// side by side from the seed (other settings stay).
    pub fn preset_ula_bias(&mut self) -> Result<(), String> {
        for (k, v) in [
            ("view", "mcmc"),
            ("target", TARGETS[GAUSS].key),
            ("T", "1"),
            ("sampler", "ula"),
            ("sampler2", "mala"),
            ("compare", "1"),
            ("eps", "1"),
            ("sched", "const"),
        ] {
            TABLE.set_text(self, k, v)?;
        }
        self.restart(self.seed);
        self.mcmc.take_note();
        Ok(())
    }

    fn mcmc_shows(&self, key: &str) -> bool {
        self.view == MCMC && self.mcmc.uses(key)
    }
}

/// Every sampler parameter at the default of its row.
pub fn default_knobs() -> Knobs {
    let mut k = Knobs::default();
    for row in TABLE.rows {
        if SAMPLERS.iter().any(|e| e.uses(row.key)) {
            let v = match row.default_value() {
                Value::Num(v) => v,
                Value::Pick(i) => i as f64,
                Value::Flag(b) => f64::from(u8::from(b)),
                Value::Text(_) => continue,
            };
            k.set(row.key, v);
        }
    }
    k
}

/// A sampler parameter: a number row read and written through [`Knobs`], shown while a shown
/// sampler reads it.
macro_rules! knob {
    ($key:literal, $label:literal, $tip:literal, $range:expr, $default:expr) => {
        when(
            |s: &Sampling| s.mcmc_shows($key),
            Setting::number(
                $key,
                $label,
                $tip,
                $range,
                $default,
                |s| s.mcmc.knob($key),
                |s, v| s.mcmc.set_knob($key, v),
            ),
        )
    };
}

mod knobs;

fn on_mcmc(s: &Sampling) -> bool {
    s.view == MCMC
}
fn on_drawing(s: &Sampling) -> bool {
    s.view == MCMC && s.mcmc.target() == DRAWN
}
fn on_direct(s: &Sampling) -> bool {
    s.view == DIRECT
}
fn on_markov(s: &Sampling) -> bool {
    s.view == MARKOV
}

/// The Sampling lab's settings, in the order a link applies them.
pub static TABLE: Table<Sampling> = Table {
    rows: &[
        Setting::choice(
            "view",
            "View",
            "Lecture part 3: samplers on a 2-D energy landscape, direct sampling by transforms, \
             or a small Markov chain",
            &VIEWS,
            MCMC,
            |s| s.view,
            |s, i| {
                s.view = i;
                Ok(())
            },
        ),
        when(
            on_mcmc,
            Setting::choice(
                "target",
                "Energy",
                "The energy landscape E(x) on the plane; the sampler targets p ∝ exp(−E/T). \
                 “Learned energy” is the network trained in the “Train an energy” lab",
                &TARGETS,
                super::targets::BANANA,
                |s| s.mcmc.target(),
                |s, i| s.mcmc.set_target(i),
            ),
        ),
        when(
            on_mcmc,
            Setting::number(
                "T",
                "T",
                "Temperature T (log scale): high T flattens p ∝ exp(−E/T), low T sharpens its \
                 modes; the chains keep running",
                Range::log(0.01, 100.0).clamped(),
                1.0,
                |s| s.mcmc.t(),
                |s, t| s.mcmc.set_t(t),
            ),
        ),
        when(
            on_mcmc,
            Setting::choice(
                "shade",
                "Show",
                "Heatmap of the density p ∝ exp(−E/T), or of the energy E itself (dark = low E)",
                &SHADES,
                0,
                |s| s.mcmc.shade(),
                |s, i| {
                    s.mcmc.set_shade(i);
                    Ok(())
                },
            ),
        ),
        when(
            on_mcmc,
            Setting::toggle(
                "contours",
                "contours",
                "Density view: lines enclosing 50 %, 90 % and 99 % of the mass; energy view: \
                 equal steps of E",
                true,
                |s| s.mcmc.contours(),
                |s, on| {
                    s.mcmc.set_contours(on);
                    Ok(())
                },
            ),
        ),
        when(
            on_drawing,
            Setting::text(
                "bumps",
                "Drawing",
                "The drawn landscape's bumps x,y,amplitude,width separated by ~",
                4096,
                "-1.6,1,-4,0.6~1.5,-1.2,-4,0.9",
                |s| format_bumps(s.mcmc.land.drawn.bumps()),
                |s, t| s.mcmc.set_bumps(&parse_bumps(t)?),
            ),
        ),
        when(
            on_drawing,
            Setting::number(
                "bumpa",
                "depth",
                "Amplitude |a| of new bumps a·exp(−|x − c|²/2s²) (energy units)",
                Range::log(0.5, 20.0).clamped(),
                super::targets::BUMP_DEPTH,
                |s| s.mcmc.bump_depth(),
                |s, v| {
                    s.mcmc.set_bump_depth(v);
                    Ok(())
                },
            ),
        ),
        when(
            on_drawing,
            Setting::number(
                "bumpw",
                "width",
                "Width s of new bumps",
                Range::lin(0.2, 2.0, 0.05).clamped().show(Show::Fixed(2)),
                super::targets::BUMP_WIDTH,
                |s| s.mcmc.bump_width(),
                |s, v| {
                    s.mcmc.set_bump_width(v);
                    Ok(())
                },
            ),
        ),
        when(
            on_mcmc,
            Setting::choice(
                "sampler",
                "Sampler",
                "The sampling method (lecture part 3); changing it starts its samples afresh",
                &SAMPLER_MENU,
                0,
                |s| s.mcmc.kind(0),
                |s, i| s.mcmc.set_kind(0, i),
            ),
        ),
        when(
            on_mcmc,
            Setting::toggle(
                "compare",
                "compare",
                "Run a second sampler on the same target, side by side",
                false,
                |s| s.mcmc.compare(),
                |s, on| {
                    s.mcmc.set_compare(on);
                    Ok(())
                },
            ),
        ),
        when(
            |s| on_mcmc(s) && s.mcmc.compare(),
            Setting::choice(
                "sampler2",
                "Second",
                "The sampler of the second plane (same target, same settings)",
                &SAMPLER_MENU,
                3,
                |s| s.mcmc.kind(1),
                |s, i| s.mcmc.set_kind(1, i),
            ),
        ),
        knob!(
            "sigma",
            "σ",
            "Random-walk proposal s′ = s + σ·noise: small σ is accepted often but moves little",
            Range::log(0.01, 10.0).clamped(),
            1.0
        ),
        knob!(
            "eps",
            "ε",
            "Langevin step: θ′ = θ + (ε/2)∇log p(θ) + N(0, εI)",
            Range::log(0.001, 3.0).clamped(),
            0.1
        ),
        when(
            |s| s.mcmc_shows("sched"),
            Setting::choice(
                "sched",
                "schedule",
                "Constant ε is biased; ε_t = a(b + t)^−0.55 has Σε_t = ∞, Σε_t² < ∞ (Welling & \
                 Teh)",
                &SCHEDULES,
                0,
                |s| s.mcmc.knobs().count("sched") as usize,
                |s, i| s.mcmc.set_knob("sched", i as f64),
            ),
        ),
        knob!(
            "dt",
            "Δt",
            "HMC leapfrog step size: too large and the energy H is not conserved (rejections, \
             divergence)",
            Range::log(0.001, 10.0).clamped(),
            0.15
        ),
        knob!(
            "L",
            "L",
            "HMC leapfrog steps per transition (trajectory length L·Δt)",
            Range::int(1.0, 100.0).clamped(),
            10.0
        ),
        knob!(
            "neps",
            "ε (NUTS)",
            "NUTS leapfrog step size; the trajectory length is chosen by the no-U-turn rule",
            Range::log(0.001, 10.0).clamped(),
            0.2
        ),
        knob!(
            "depth",
            "max depth",
            "NUTS doubles its trajectory at most this many times (≤ 2^depth leapfrog steps)",
            Range::int(1.0, 12.0).clamped(),
            8.0
        ),
        knob!(
            "ismx",
            "q mean x₁",
            "Mean of the proposal q(x) = N(μ, σ²I) (or click the plane)",
            Range::lin(-6.0, 6.0, 0.01).clamped().show(Show::Fixed(2)),
            0.0
        ),
        knob!(
            "ismy",
            "q mean x₂",
            "Mean of the proposal q(x) = N(μ, σ²I) (or click the plane)",
            Range::lin(-6.0, 6.0, 0.01).clamped().show(Show::Fixed(2)),
            0.0
        ),
        knob!(
            "iss",
            "q σ",
            "Width of q: too narrow misses mass (weights explode), too wide wastes draws",
            Range::log(0.1, 10.0).clamped(),
            2.0
        ),
        knob!(
            "n",
            "particles",
            "Number of particles (Langevin or Metropolis chains) moved at once (1 to 10 000); a \
             new number starts them afresh",
            Range::log_int(1.0, 10_000.0).clamped(),
            2000.0
        ),
        knobs::T0,
        knobs::MCEPS,
        knobs::MCL,
        knobs::LAMBDA,
        knobs::DELTA,
        knobs::WARM,
        knobs::SVEPS,
        knobs::SVN,
        knobs::DECHAINS,
        knobs::REPS,
        knobs::TMAX,
        knobs::LIVE,
        knobs::AISN,
        knobs::STAGES,
        knobs::NDATA,
        knobs::SGEPS,
        knobs::BATCH,
        when(
            on_direct,
            Setting::choice(
                "cat",
                "p",
                "The category probabilities p_k",
                &CAT_OPTS,
                0,
                |s| s.direct.cat_preset(),
                |s, i| s.direct.set_cat(i),
            ),
        ),
        when(
            on_direct,
            Setting::number(
                "clt",
                "N",
                "Coin flips per value: N = 1 gives ±1 only; the values lie on a lattice of \
                 spacing 2/√N",
                Range::log_int(1.0, 1000.0).clamped(),
                10.0,
                |s| s.direct.clt_n() as f64,
                |s, n| {
                    s.direct.set_clt_n(n as u64);
                    Ok(())
                },
            ),
        ),
        when(
            on_direct,
            Setting::number(
                "mvs1",
                "σ₁",
                "Standard deviation of x₁",
                Range::lin(0.3, 2.0, 0.01).clamped(),
                1.5,
                |s| s.direct.mv_sig()[0],
                |s, v| s.direct.set_mv(0, v),
            ),
        ),
        when(
            on_direct,
            Setting::number(
                "mvs2",
                "σ₂",
                "Standard deviation of x₂",
                Range::lin(0.3, 2.0, 0.01).clamped(),
                0.7,
                |s| s.direct.mv_sig()[1],
                |s, v| s.direct.set_mv(1, v),
            ),
        ),
        when(
            on_direct,
            Setting::number(
                "mvrho",
                "ρ",
                "Correlation: Σ = [[σ₁², ρσ₁σ₂], [ρσ₁σ₂, σ₂²]]",
                Range::lin(-0.95, 0.95, 0.01).clamped(),
                0.6,
                |s| s.direct.mv_sig()[2],
                |s, v| s.direct.set_mv(2, v),
            ),
        ),
        when(
            on_direct,
            Setting::toggle(
                "mvwrong",
                "also x = Σz + μ",
                "Also draw the slide's x = Σz + μ (red) from the same z, to see its covariance Σ²",
                true,
                |s| s.direct.mv_wrong(),
                |s, on| {
                    s.direct.set_mv_wrong(on);
                    Ok(())
                },
            ),
        ),
        when(
            on_markov,
            Setting::choice(
                "chain",
                "Chain",
                "Ergodic (irreducible and aperiodic): πₜ → π from any start; periodic or \
                 reducible: not",
                &EXAMPLES,
                0,
                |s| s.markov.which(),
                |s, i| s.markov.set_example(i, s.seed),
            ),
        ),
        when(
            on_markov,
            Setting::choice(
                "start",
                "π₀",
                "The starting distribution π₀ (the walker starts in state 1 for 'uniform')",
                &STARTS,
                0,
                |s| s.markov.start(),
                |s, i| {
                    s.markov.set_start(i, s.seed);
                    Ok(())
                },
            ),
        ),
    ],
    fix: |_| None,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::Bounds;
    use crate::sampling::registry::index_of;
    use crate::settings::Kind;
    use std::cell::RefCell;
    use std::rc::Rc;

    fn lab(seed: u64) -> Sampling {
        Sampling::new(seed, Rc::new(RefCell::new(None))).expect("defaults")
    }

    fn clock() -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += 1e-3;
            t
        }
    }

    fn link(s: &str) -> Params {
        Params::parse(s).expect("link")
    }

    #[test]
    fn table_is_well_formed_and_every_knob_has_a_row() {
        assert_eq!(TABLE.lint(), Vec::<String>::new());
        let k = default_knobs();
        for e in SAMPLERS {
            for key in e.knobs {
                assert!(TABLE.row(key).is_some(), "{}: no row {key}", e.short);
                assert!(!k.get(key).is_nan(), "{}: no default for {key}", e.short);
            }
        }
    }

    #[test]
    fn hmc_leapfrog_steps_have_one_range() {
        let Some(row) = TABLE.row("L") else {
            panic!("an L row")
        };
        let Kind::Number { range, .. } = row.kind else {
            panic!("a number")
        };
        assert_eq!((range.min, range.max), (1.0, 100.0));
        let mut s = lab(1);
        let msgs = TABLE.load(&mut s, &link("#sampling?sampler=hmc&L=10000"));
        assert!(msgs[0].contains("clamped to 100"), "{msgs:?}");
        assert_eq!(s.mcmc.knob("L"), 100.0);
    }

    /// The state a link leaves, as the link it writes back, plus the first steps it takes.
    fn replay(s: &mut Sampling, p: &Params) -> (Params, Vec<[f64; 2]>) {
        assert!(TABLE.load(s, p).is_empty());
        s.restart(7);
        let mut out = Params::new("sampling");
        TABLE.save(s, &mut out);
        s.mcmc.advance(25, f64::INFINITY, &mut clock());
        let xs = s.mcmc.runs().iter().map(|r| r.position()).collect();
        (out, xs)
    }

    #[test]
    fn a_link_replays_exactly_whatever_came_before() {
        let p = link("#sampling?view=mcmc&target=donut&sampler=hmc&dt=0.2&L=7&T=1.5");
        let mut a = lab(1);
        let mut b = lab(2);
        // b first wanders elsewhere: another target, a comparison, other knobs, some steps.
        TABLE.load(
            &mut b,
            &link("#sampling?target=gauss&compare=1&sampler2=nuts&eps=2&sigma=0.1&T=3"),
        );
        b.mcmc.advance(40, f64::INFINITY, &mut clock());
        assert_eq!(replay(&mut a, &p), replay(&mut b, &p));
        let (saved, _) = replay(&mut lab(3), &p);
        assert_eq!(saved.get("T"), Some("1.5"));
        assert_eq!(saved.get("compare"), Some("0"));
        assert_eq!(saved.get("sampler2"), None, "hidden at its default");
        assert_eq!(saved.get("sigma"), None, "not used by HMC");
    }

    #[test]
    fn temperature_and_step_size_keep_the_chain_and_its_samples() {
        let mut s = lab(4);
        s.mcmc.advance(200, f64::INFINITY, &mut clock());
        let (n, x) = (s.mcmc.runs()[0].steps(), s.mcmc.runs()[0].position());
        assert_eq!(n, 200);
        TABLE.set_text(&mut s, "T", "2.5").expect("T in range");
        TABLE.set_text(&mut s, "sigma", "0.3").expect("σ in range");
        let r = &s.mcmc.runs()[0];
        assert_eq!((r.steps(), r.position()), (n, x), "kept");
        assert_eq!(r.marks(), &[200.0], "one mark where the settings changed");
        assert!(s.mcmc.take_note().is_none(), "nothing restarted");
        s.mcmc.advance(10, f64::INFINITY, &mut clock());
        assert_eq!(s.mcmc.runs()[0].steps(), 210);
        // Only a new target or sampler restarts, and says so.
        TABLE.set_text(&mut s, "target", "mixture").expect("target");
        assert_eq!(s.mcmc.runs()[0].steps(), 0);
        assert!(s.mcmc.take_note().is_some_and(|n| n.contains("restart")));
        s.mcmc.advance(5, f64::INFINITY, &mut clock());
        TABLE.set_text(&mut s, "sampler", "mala").expect("sampler");
        assert_eq!(s.mcmc.runs()[0].steps(), 0);
        assert!(s.mcmc.take_note().is_some());
    }

    #[test]
    fn an_absurd_leapfrog_step_is_clamped_and_the_chain_halts_on_the_first_step() {
        let mut s = lab(5);
        let msgs = TABLE.load(
            &mut s,
            &link("#sampling?target=banana&sampler=hmc&dt=1e9&L=10&compare=0"),
        );
        assert!(
            msgs[0].contains("dt=1e9") && msgs[0].contains("clamped to 10"),
            "{msgs:?}"
        );
        s.restart(5);
        let done = s.mcmc.advance(1, f64::INFINITY, &mut clock());
        assert_eq!(done[0].done, 0);
        let why = done[0].halted.clone().unwrap_or_default();
        assert!(why.contains("diverged"), "{why}");
    }

    #[test]
    fn a_refused_knob_changes_nothing() {
        let mut s = lab(5);
        TABLE
            .set_text(&mut s, "sampler", "particles")
            .expect("particles");
        assert!(TABLE.set_text(&mut s, "n", "0").is_err(), "below the range");
        assert_eq!(s.mcmc.runs()[0].points().len(), 2000);
        TABLE.set_text(&mut s, "n", "50").expect("in range");
        assert_eq!(s.mcmc.runs()[0].points().len(), 50, "a new population");
        assert!(s.mcmc.take_note().is_some_and(|n| n.contains("afresh")));
    }

    #[test]
    fn the_learned_energy_is_refused_until_one_was_trained_then_every_sampler_runs_on_it() {
        use crate::ebm::{Dataset, LearnedEnergy, Preset, TrainConfig, Trainer};
        use crate::rng::Rng;
        let slot: LearnedSlot = Rc::new(RefCell::new(None));
        let mut s = Sampling::new(1, slot.clone()).expect("lab");
        let msgs = TABLE.load(&mut s, &link("#sampling?target=learned"));
        assert!(msgs[0].contains("no trained energy"), "{msgs:?}");
        let mut rng = Rng::new(2);
        let data = Dataset::preset(Preset::TwoGaussians, 200, &mut rng).expect("data");
        let cfg = TrainConfig {
            hidden: 16,
            batch_size: 32,
            langevin_steps: 5,
            ..TrainConfig::default()
        };
        let mut t = Trainer::new(cfg, &data, &mut rng).expect("trainer");
        for _ in 0..30 {
            t.step(&mut rng).expect("trains");
        }
        *slot.borrow_mut() = Some(LearnedEnergy::new(t.model().clone(), 4.0, 30));
        assert!(TABLE
            .load(&mut s, &link("#sampling?target=learned"))
            .is_empty());
        assert!(s.mcmc.land.costly(s.mcmc.target()));
        assert_eq!(
            s.mcmc.view(),
            Bounds::new(-4.0, 4.0, -4.0, 4.0).expect("box")
        );
        for (i, e) in SAMPLERS.iter().enumerate() {
            TABLE
                .set_text(&mut s, "sampler", e.opt.key)
                .expect("sampler");
            let done = s.mcmc.advance(60, f64::INFINITY, &mut clock());
            assert_eq!(done[0].done, 60, "{} on the learned energy", e.short);
            assert!(
                done[0].halted.is_none(),
                "{}: {:?}",
                e.short,
                done[0].halted
            );
            assert_eq!(s.mcmc.kind(0), i);
        }
        let ex = s.mcmc.exact();
        assert!(ex.failed.is_none() && ex.mean.is_some());
        assert!(ex.px.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn the_preset_compares_ula_and_mala_on_a_gaussian() {
        let mut s = lab(9);
        s.preset_ula_bias().expect("preset");
        let mut p = Params::new("sampling");
        TABLE.save(&s, &mut p);
        for (k, v) in [
            ("target", "gauss"),
            ("sampler", "ula"),
            ("sampler2", "mala"),
            ("compare", "1"),
            ("eps", "1"),
        ] {
            assert_eq!(p.get(k), Some(v), "{k}");
        }
        assert_eq!(index_of("ula"), Some(s.mcmc.kind(0)));
    }

    #[test]
    fn the_direct_and_markov_rows_drive_their_runs() {
        let mut s = lab(3);
        TABLE.load(
            &mut s,
            &link("#sampling?view=direct&cat=1&clt=100&mvs1=1.50&mvrho=-0.3&mvwrong=0"),
        );
        assert_eq!(s.view(), DIRECT);
        assert_eq!(s.direct.cat_preset(), 1);
        assert_eq!(s.direct.clt_n(), 100);
        assert_eq!(s.direct.mv_sig(), [1.5, 0.7, -0.3]);
        assert!(!s.direct.mv_wrong());
        let mut p = Params::new("sampling");
        TABLE.save(&s, &mut p);
        assert_eq!(p.get("target"), None, "MCMC rows hidden at their defaults");
        assert_eq!(p.get("mvs1"), Some("1.5"));
        TABLE.load(&mut s, &link("#sampling?view=markov&chain=1&start=3"));
        assert_eq!((s.markov.which(), s.markov.start()), (1, 3));
        assert_eq!(
            s.direct.cat_preset(),
            0,
            "unnamed rows back to their defaults"
        );
    }
}
