//! A run of the Boltzmann lab, without the browser: its three sub-views' state and run logic —
//! [`temperature`] (Gibbs sampling of a stochastic Hopfield network at T, retrieval by averaging
//! the last M samples, simulated annealing), [`exact`] (a small network's exact Boltzmann
//! distribution against Gibbs samples, total-variation bookkeeping) and [`learning`] (a
//! Boltzmann-machine training session). Every parameter is a row of [`TABLE`] (link key, label,
//! range, default, validated setter), so the page's controls, its link and the lecture scenes all
//! read and write the run through the same rows.
//!
//! A run is a function of its settings and its seed: [`BoltzmannRun::restart`] forks one master
//! stream, in a fixed order, into the three sub-views, so a link replays exactly.

pub mod annealing;
pub mod exact;
pub mod learning;
mod table;
pub mod temperature;

pub use table::TABLE;

use crate::rng::Rng;
use crate::settings::{opt, Opt};
use exact::ExactRun;
use learning::LearnRun;
use temperature::TempRun;

/// The lab's sub-views, in the order of its segmented bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Gibbs sampling at T, retrieval by averaging, annealing.
    Temperature,
    /// All 2ᴺ states of a small network against a sampler.
    Exact,
    /// Boltzmann-machine learning.
    Learning,
}

/// The views in bar order.
pub const VIEWS: [View; 3] = [View::Temperature, View::Exact, View::Learning];
/// The views' link keys (`view=temp`) and titles.
pub const VIEW_OPTS: [Opt; 3] = [
    opt("temp", "Temperature & annealing"),
    opt("exact", "Exact distribution (N ≤ 16)"),
    opt("learn", "Learning"),
];

impl View {
    /// The view's link key (`temp`, `exact`, `learn`).
    pub fn key(self) -> &'static str {
        VIEW_OPTS[self as usize].key
    }

    /// What Play does in this view (said when the view is chosen).
    pub fn hint(self) -> &'static str {
        match self {
            View::Temperature => {
                "Play (Space): Gibbs sweeps at T from a noisy cue; Anneal, then Play, cools from T_max"
            }
            View::Exact => {
                "Play: Gibbs samples pile up against the exact distribution; the TV distance falls"
            }
            View::Learning => "Play: each step is a clamped phase, a free phase and W ← W + η∇L",
        }
    }
}

/// A message for the status line.
#[derive(Clone, Debug, PartialEq)]
pub enum Say {
    /// What happened.
    Info(String),
    /// Something was refused or adjusted.
    Warn(String),
    /// The run stopped on a numerical failure.
    Error(String),
}

/// What a slice of work asks of the shell: go on playing or pause, and what to say.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Keep playing.
    pub go_on: bool,
    /// A message for the status line.
    pub say: Option<Say>,
}

impl Tick {
    /// Keep playing, nothing to say.
    pub fn go() -> Self {
        Self {
            go_on: true,
            say: None,
        }
    }

    /// Pause and say why.
    pub fn stop(say: Say) -> Self {
        Self {
            go_on: false,
            say: Some(say),
        }
    }
}

/// The Boltzmann lab's state: the chosen view and the three sub-views' runs.
pub struct BoltzmannRun {
    view: View,
    /// Gibbs sampling at T and annealing.
    pub temp: TempRun,
    /// Exact distribution against samples.
    pub exact: ExactRun,
    /// Boltzmann-machine learning.
    pub learn: LearnRun,
    seed: u64,
    note: Option<String>,
}

impl BoltzmannRun {
    /// A run at the defaults, started from `seed`.
    pub fn new(seed: u64) -> Self {
        let mut master = Rng::new(seed);
        let mut run = Self {
            view: View::Temperature,
            temp: TempRun::new(master.fork()),
            exact: ExactRun::new(master.fork()),
            learn: LearnRun::new(master.fork()),
            seed,
            note: None,
        };
        run.restart(seed);
        run
    }

    /// The view shown.
    pub fn view(&self) -> View {
        self.view
    }

    /// Shows view `v` (the runs keep their state).
    pub fn set_view(&mut self, v: View) {
        self.view = v;
    }

    /// The seed of the last restart.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Starts every view over from `seed` with the current settings: one master stream forked in
    /// a fixed order (temperature, exact, learning), so each view replays on its own.
    pub fn restart(&mut self, seed: u64) {
        self.seed = seed;
        let mut master = Rng::new(seed);
        self.temp.restart(master.fork());
        self.exact.restart(master.fork());
        self.learn.restart(master.fork());
    }

    /// Up to `k` units of work in the shown view (sweeps, samples or training steps).
    pub fn tick(&mut self, k: usize) -> Tick {
        match self.view {
            View::Temperature => self.temp.tick(k),
            View::Exact => self.exact.tick(k),
            View::Learning => self.learn.tick(k),
        }
    }

    /// What the last setting change did to a run (restarted it, redrew the network…), once.
    pub fn take_note(&mut self) -> Option<String> {
        self.note.take()
    }

    pub(crate) fn say(&mut self, note: impl Into<String>) {
        self.note = Some(note.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn table_is_well_formed() {
        assert_eq!(TABLE.lint(), Vec::<String>::new());
    }

    /// Loads `link`, then restarts from `seed` (what the lab does with a link).
    fn open(run: &mut BoltzmannRun, link: &str, seed: u64) -> Vec<String> {
        let msgs = TABLE.load(run, &Params::parse(link).expect("parse"));
        run.temp.forget_hand_memories();
        run.restart(seed);
        msgs
    }

    #[test]
    fn a_link_replays_exactly_whatever_came_before() {
        let link = "#boltzmann?view=temp&n=12&mem=AHO&T=0.4&M=10&ne=6&w=hebb2&te=0.7\
                    &data=rand&nv=7&np=3&hidden=2&eta=0.1&m=50";
        let mut a = BoltzmannRun::new(1);
        assert_eq!(open(&mut a, link, 9), Vec::<String>::new());
        let mut b = BoltzmannRun::new(4);
        let other = "#boltzmann?view=learn&n=24&mem=XY&T=3&ne=10&w=rand&sigma=1.5&te=0\
                     &data=bs&hidden=4&pcd=1";
        assert_eq!(open(&mut b, other, 2), Vec::<String>::new());
        for v in [View::Temperature, View::Exact, View::Learning] {
            b.set_view(v);
            b.tick(3);
        }
        b.temp.store_current().expect("stores");
        assert_eq!(open(&mut b, link, 9), Vec::<String>::new());
        for v in [View::Temperature, View::Exact, View::Learning] {
            a.set_view(v);
            b.set_view(v);
            a.tick(4);
            b.tick(4);
        }
        assert_eq!(a.temp.state().y(), b.temp.state().y());
        assert_eq!(a.temp.names(), b.temp.names());
        assert_eq!(a.exact.histogram().counts(), b.exact.histogram().counts());
        assert_eq!(a.exact.state().y(), b.exact.state().y());
        assert_eq!(a.learn.network().weights(), b.learn.network().weights());
        assert_eq!(a.learn.log_likelihood(), b.learn.log_likelihood());
        let (mut pa, mut pb) = (Params::new("boltzmann"), Params::new("boltzmann"));
        TABLE.save(&a, &mut pa);
        TABLE.save(&b, &mut pb);
        assert_eq!(pa, pb);
        assert_eq!(pa.get("view"), Some("learn"));
        assert_eq!(
            pa.get("T"),
            Some("0.4"),
            "off its default, so saved though hidden"
        );
        assert_eq!(pa.get("tmax"), None, "hidden at its default");
    }

    #[test]
    fn a_saved_link_reads_back_to_the_same_settings() {
        let mut a = BoltzmannRun::new(3);
        for (k, v) in [
            ("view", "exact"),
            ("T", "0"),
            ("te", "0.35"),
            ("sched", "log"),
            ("w", "hebb1"),
            ("mem", "AU"),
        ] {
            TABLE.set_text(&mut a, k, v).expect("accepted");
        }
        let mut p = Params::new("boltzmann");
        TABLE.save(&a, &mut p);
        let mut b = BoltzmannRun::new(8);
        assert_eq!(open(&mut b, &p.format(), 3), Vec::<String>::new());
        let mut q = Params::new("boltzmann");
        TABLE.save(&b, &mut q);
        assert_eq!(p, q);
        assert_eq!(b.temp.temperature(), 0.0);
        assert_eq!(b.exact.temperature(), 0.35);
    }

    #[test]
    fn refused_link_values_keep_the_current_ones() {
        let mut r = BoltzmannRun::new(1);
        let msgs = open(&mut r, "#boltzmann?n=13&T=-1&alpha=2&te=NaN&mem=A%3F", 1);
        assert_eq!(msgs.len(), 5, "{msgs:?}");
        assert!(msgs[0].contains("n=13"), "{}", msgs[0]);
        assert!(msgs.iter().any(|m| m.contains("T=-1")), "{msgs:?}");
        assert_eq!(r.temp.side(), 16);
        assert_eq!(r.temp.temperature(), temperature::DEFAULT_T);
        assert_eq!(r.exact.temperature(), 1.0);
        assert_eq!(r.temp.glyphs(), "AHOU");
    }

    #[test]
    fn t_min_above_t_max_is_repaired_with_a_note() {
        let mut r = BoltzmannRun::new(1);
        let msgs = open(&mut r, "#boltzmann?tmax=0.5&tmin=0.8", 1);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("T_min"), "{}", msgs[0]);
        assert_eq!(r.temp.anneal.t_min, 0.5);
        let note = TABLE.set_text(&mut r, "tmax", "0.2").expect("in range");
        assert!(note.is_some());
        assert_eq!(r.temp.anneal.t_min, 0.2);
    }

    #[test]
    fn the_view_row_switches_views_and_hides_the_others_rows() {
        let mut r = BoltzmannRun::new(1);
        TABLE.set_text(&mut r, "view", "learn").expect("view");
        assert_eq!(r.view(), View::Learning);
        let visible = |r: &BoltzmannRun, key: &str| (TABLE.row(key).expect("row").visible)(r);
        assert!(visible(&r, "eta") && !visible(&r, "T") && !visible(&r, "te"));
        assert!(!visible(&r, "nv"), "random-set sizes only for random data");
        TABLE.set_text(&mut r, "data", "rand").expect("data");
        assert!(visible(&r, "nv") && visible(&r, "np"));
        TABLE.set_text(&mut r, "view", "exact").expect("view");
        assert!(visible(&r, "te") && visible(&r, "sigma"));
        TABLE.set_text(&mut r, "w", "hebb1").expect("w");
        assert!(!visible(&r, "sigma"), "σ applies to random weights only");
    }
}
