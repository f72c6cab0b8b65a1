//! A run of the Ising lab, without the browser: the lattice and its dynamics, the live traces of
//! e and |m|, and a temperature scan that advances in slices. Every parameter is a row of
//! [`TABLE`] (link key, label, range, default, validated setter), so the page's controls, its
//! link and the lecture scenes all read and write the run through the same rows.
//!
//! A run is a function of its settings and its seed: [`IsingRun::restart`] draws a hot start
//! from the seed, so a link replays exactly.

use super::{
    internal_energy, spontaneous_magnetisation, Dynamics, IsingError, Lattice, ScanConfig,
    TemperatureScan, Wolff, CRITICAL_TEMPERATURE,
};
use crate::rng::Rng;
use crate::settings::{opt, Opt, Range, Setting, Show, Table};
use crate::trace::Trace;

/// Lattice side lengths offered (powers of two, so a canvas scales each spin to whole pixels).
pub const SIDES: [usize; 6] = [32, 64, 128, 256, 512, 1024];
const SIDE_OPTS: [Opt; 6] = [
    opt("32", "32 × 32"),
    opt("64", "64 × 64"),
    opt("128", "128 × 128"),
    opt("256", "256 × 256"),
    opt("512", "512 × 512"),
    opt("1024", "1024 × 1024"),
];
/// Default side length (an index into [`SIDES`]).
pub const DEFAULT_SIDE: usize = 2;
/// Temperature range of the controls (units of J/k).
pub const T_RANGE: (f64, f64) = (0.5, 5.0);
/// Default temperature: below T_c, so a hot start coarsens into growing domains.
pub const DEFAULT_T: f64 = 2.0;
/// Largest |h| offered.
pub const H_MAX: f64 = 1.0;

/// Dynamics in menu order.
pub const DYNAMICS: [Dynamics; 3] = [Dynamics::Metropolis, Dynamics::HeatBath, Dynamics::Wolff];
const DYNAMICS_OPTS: [Opt; 3] = [
    opt("metropolis", "Metropolis"),
    opt("heatbath", "Heat bath (Gibbs)"),
    opt("wolff", "Wolff clusters (h = 0)"),
];

/// Lattice sides a temperature scan offers.
pub const SCAN_SIDES: [usize; 4] = [16, 32, 64, 128];
const SCAN_SIDE_OPTS: [Opt; 4] = [
    opt("16", "16 × 16"),
    opt("32", "32 × 32"),
    opt("64", "64 × 64"),
    opt("128", "128 × 128"),
];
/// Numbers of temperatures a scan offers.
pub const SCAN_COUNTS: [usize; 3] = [11, 21, 41];
const SCAN_COUNT_OPTS: [Opt; 3] = [opt("11", "11"), opt("21", "21"), opt("41", "41")];
/// Measurement sweeps per temperature a scan offers (multiples of the 32 blocks).
pub const SCAN_SWEEPS: [usize; 3] = [320, 1024, 4096];
const SCAN_SWEEP_OPTS: [Opt; 3] = [opt("320", "320"), opt("1024", "1024"), opt("4096", "4096")];
/// The scan cools from the high to the low end, so each T starts near equilibrium.
pub const SCAN_T: (f64, f64) = (1.0, 4.0);
/// Points a live trace keeps (it decimates beyond that).
const TRACE_CAP: usize = 600;
/// Spin updates per slice of a scan (a slice is the unit of work between clock checks).
const SCAN_SLICE: usize = 262_144;

/// The measured curves of a scan, one (T, value) list per observable, filled as temperatures
/// finish.
#[derive(Default)]
pub struct ScanCurves {
    /// ⟨e⟩ against T.
    pub energy: Vec<(f64, f64)>,
    /// ⟨|m|⟩ against T.
    pub abs_m: Vec<(f64, f64)>,
    /// Heat capacity per site against T.
    pub heat: Vec<(f64, f64)>,
    /// Susceptibility per site against T.
    pub chi: Vec<(f64, f64)>,
}

impl ScanCurves {
    fn clear(&mut self) {
        self.energy.clear();
        self.abs_m.clear();
        self.heat.clear();
        self.chi.clear();
    }

    /// Temperatures measured so far.
    pub fn len(&self) -> usize {
        self.energy.len()
    }

    /// Whether nothing was measured yet.
    pub fn is_empty(&self) -> bool {
        self.energy.is_empty()
    }
}

/// What a scan slice did.
#[derive(Clone, Debug, PartialEq)]
pub enum ScanState {
    /// No scan is running.
    Idle,
    /// Running: fraction done, temperatures finished, of how many, the current T.
    Running {
        /// Fraction of the work done, 0…1.
        progress: f64,
        /// Temperatures finished.
        done: usize,
        /// Temperatures in all.
        total: usize,
        /// The temperature being measured.
        at: Option<f64>,
    },
    /// Finished in this slice.
    Finished {
        /// Temperatures measured.
        total: usize,
    },
    /// Stopped by an error.
    Failed(String),
}

/// The Ising lab's state.
pub struct IsingRun {
    lattice: Lattice,
    wolff: Wolff,
    dynamics: Dynamics,
    rng: Rng,
    seed: u64,
    sweeps: u64,
    /// Energy per site after each sweep.
    pub e_trace: Trace,
    /// |m| after each sweep.
    pub m_trace: Trace,
    scan: Option<TemperatureScan>,
    scan_rng: Rng,
    scan_choice: [usize; 3],
    /// The scan's measured curves.
    pub curves: ScanCurves,
}

impl IsingRun {
    /// A run at the defaults, hot start from `seed`.
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let lattice = Lattice::random(SIDES[DEFAULT_SIDE], DEFAULT_T, 0.0, &mut rng)
            .unwrap_or_else(|_| unreachable_lattice());
        let mut run = Self {
            lattice,
            wolff: Wolff::new(),
            dynamics: Dynamics::Metropolis,
            scan_rng: rng.fork(),
            rng,
            seed,
            sweeps: 0,
            e_trace: Trace::new(TRACE_CAP),
            m_trace: Trace::new(TRACE_CAP),
            scan: None,
            scan_choice: [1, 1, 1],
            curves: ScanCurves::default(),
        };
        run.fresh_start();
        run
    }

    /// The lattice.
    pub fn lattice(&self) -> &Lattice {
        &self.lattice
    }

    /// The dynamics moving the spins.
    pub fn dynamics(&self) -> Dynamics {
        self.dynamics
    }

    /// The dynamics' link key and menu label.
    pub fn dynamics_names(&self) -> (&'static str, &'static str) {
        let i = DYNAMICS
            .iter()
            .position(|&d| d == self.dynamics)
            .unwrap_or(0);
        (DYNAMICS_OPTS[i].key, DYNAMICS_OPTS[i].label)
    }

    /// The seed the run started from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Sweeps since the start.
    pub fn sweeps(&self) -> u64 {
        self.sweeps
    }

    /// Starts over from `seed`: a hot lattice at the current L, T and h, the scan stopped and
    /// its curves cleared (replays exactly).
    pub fn restart(&mut self, seed: u64) {
        self.seed = seed;
        self.rng = Rng::new(seed);
        self.scan_rng = self.rng.fork();
        self.scan = None;
        self.curves.clear();
        self.rebuild(self.lattice.l());
    }

    fn rebuild(&mut self, l: usize) {
        let (t, h) = (self.lattice.temperature(), self.lattice.field());
        if let Ok(lat) = Lattice::random(l, t, h, &mut self.rng) {
            self.lattice = lat;
        }
        self.sweeps = 0;
        self.fresh_start();
    }

    /// Clears the traces after the spins were replaced (a new start).
    pub fn fresh_start(&mut self) {
        self.e_trace.clear();
        self.m_trace.clear();
        self.record();
    }

    fn record(&mut self) {
        let t = self.sweeps as f64;
        self.e_trace.push(t, self.lattice.energy_per_site());
        self.m_trace.push(t, self.lattice.magnetisation().abs());
    }

    /// Every spin +1 (cold start).
    pub fn all_up(&mut self) {
        self.lattice.fill(1);
        self.fresh_start();
    }

    /// Every spin a fair coin (hot start).
    pub fn randomize(&mut self) {
        self.lattice.randomize(&mut self.rng);
        self.fresh_start();
    }

    /// Sets spin `(x, y)` by hand.
    pub fn paint(&mut self, x: usize, y: usize, s: i8) -> bool {
        let l = self.lattice.l();
        x < l && y < l && self.lattice.set_spin(y * l + x, s).is_ok()
    }

    /// Changes the side (a new hot start from the seed).
    pub fn set_side(&mut self, l: usize) -> Result<(), IsingError> {
        if l != self.lattice.l() {
            // Validate first: a refused side leaves the run as it was.
            Lattice::new(l, self.lattice.temperature(), self.lattice.field())?;
            self.rng = Rng::new(self.seed);
            self.rebuild(l);
        }
        Ok(())
    }

    /// Sets T (the chain continues at the new temperature).
    pub fn set_temperature(&mut self, t: f64) -> Result<(), IsingError> {
        self.lattice.set_temperature(t)
    }

    /// Sets the external field h (the chain continues).
    pub fn set_field(&mut self, h: f64) -> Result<(), IsingError> {
        self.lattice.set_field(h)
    }

    /// Chooses the dynamics (the chain continues with it).
    pub fn set_dynamics(&mut self, d: Dynamics) {
        self.dynamics = d;
    }

    /// One sweep with the chosen dynamics, recorded in the traces.
    pub fn sweep(&mut self) -> Result<(), IsingError> {
        match self.dynamics {
            Dynamics::Metropolis => {
                self.lattice.metropolis_sweep(&mut self.rng);
            }
            Dynamics::HeatBath => {
                self.lattice.heat_bath_sweep(&mut self.rng);
            }
            Dynamics::Wolff => {
                self.wolff.sweep(&mut self.lattice, &mut self.rng)?;
            }
        }
        self.sweeps += 1;
        self.record();
        Ok(())
    }

    /// Up to `k` sweeps, stopping early once `now()` (milliseconds) passes `deadline`; at least
    /// one sweep. Returns the sweeps done.
    pub fn sweeps_until(
        &mut self,
        k: usize,
        deadline: f64,
        now: &mut dyn FnMut() -> f64,
    ) -> Result<usize, IsingError> {
        for i in 0..k {
            self.sweep()?;
            if i + 1 < k && now() > deadline {
                return Ok(i + 1);
            }
        }
        Ok(k)
    }

    /// The exact infinite-lattice e and m at the current T (Onsager 1944, Yang 1952).
    pub fn exact(&self) -> Option<(f64, f64)> {
        let t = self.lattice.temperature();
        internal_energy(t)
            .ok()
            .zip(spontaneous_magnetisation(t).ok())
    }

    /// Where T lies with respect to T_c, in words.
    pub fn phase(&self) -> &'static str {
        let t = self.lattice.temperature();
        if (t - CRITICAL_TEMPERATURE).abs() < 0.005 {
            "at the critical temperature: domains of every size"
        } else if t < CRITICAL_TEMPERATURE {
            "below the critical temperature: ordered phase"
        } else {
            "above the critical temperature: disordered phase"
        }
    }

    // ----- temperature scan ------------------------------------------------------------------

    /// The scan's lattice side, number of temperatures and measurement sweeps per T.
    pub fn scan_config(&self) -> (usize, usize, usize) {
        let [s, c, w] = self.scan_choice;
        (SCAN_SIDES[s], SCAN_COUNTS[c], SCAN_SWEEPS[w])
    }

    /// Whether a scan is running.
    pub fn scanning(&self) -> bool {
        self.scan.is_some()
    }

    /// Starts a scan from hot to cold with the current dynamics and h; returns what it will do.
    pub fn start_scan(&mut self) -> Result<String, IsingError> {
        let (side, count, measure) = self.scan_config();
        let temperatures: Vec<f64> = (0..count)
            .map(|i| SCAN_T.1 - (SCAN_T.1 - SCAN_T.0) * i as f64 / (count - 1) as f64)
            .collect();
        let lat = Lattice::random(side, SCAN_T.1, self.lattice.field(), &mut self.scan_rng)?;
        let scan = TemperatureScan::new(
            lat,
            ScanConfig {
                temperatures,
                burn_in_sweeps: measure / 2,
                measure_sweeps: measure,
                dynamics: self.dynamics,
            },
        )?;
        self.curves.clear();
        self.scan = Some(scan);
        Ok(format!(
            "scan started: {side}×{side} lattice, {count} temperatures from 4 to 1, {measure} \
             sweeps each ({})",
            self.dynamics_names().1
        ))
    }

    /// Stops the scan (results so far stay); returns (done, total) if one was running.
    pub fn cancel_scan(&mut self) -> Option<(usize, usize)> {
        self.scan
            .take()
            .map(|s| (s.results().len(), s.config().temperatures.len()))
    }

    /// Advances the scan in slices until `now()` passes `deadline` (at least one slice) and
    /// collects finished temperatures into [`IsingRun::curves`].
    pub fn advance_scan(&mut self, deadline: f64, now: &mut dyn FnMut() -> f64) -> ScanState {
        let Some(scan) = self.scan.as_mut() else {
            return ScanState::Idle;
        };
        let chunk = (SCAN_SLICE / scan.lattice().n()).max(1);
        let mut failed = None;
        loop {
            if let Err(e) = scan.step(chunk, &mut self.scan_rng) {
                failed = Some(e);
                break;
            }
            if scan.is_done() || now() > deadline {
                break;
            }
        }
        let c = &mut self.curves;
        for p in &scan.results()[c.energy.len()..] {
            let t = p.temperature;
            c.energy.push((t, p.energy));
            c.abs_m.push((t, p.abs_magnetisation));
            c.heat.push((t, p.heat_capacity));
            c.chi.push((t, p.susceptibility));
        }
        let total = scan.config().temperatures.len();
        if let Some(e) = failed {
            self.scan = None;
            ScanState::Failed(e.to_string())
        } else if scan.is_done() {
            self.scan = None;
            ScanState::Finished { total }
        } else {
            ScanState::Running {
                progress: scan.progress(),
                done: scan.results().len(),
                total,
                at: scan.current_temperature(),
            }
        }
    }
}

/// A 32×32 lattice at the defaults cannot fail to build; this is the unreachable fallback.
fn unreachable_lattice() -> Lattice {
    Lattice::new(SIDES[0], DEFAULT_T, 0.0).unwrap_or_else(|e| panic!("default lattice: {e}"))
}

fn msg(e: IsingError) -> String {
    e.to_string()
}

/// Wolff cluster flips need h = 0: with a field the chain falls back to Metropolis.
fn fix(run: &mut IsingRun) -> Option<String> {
    (run.dynamics == Dynamics::Wolff && run.lattice.field() != 0.0).then(|| {
        run.dynamics = Dynamics::Metropolis;
        "Wolff cluster flips need h = 0 (a field would need an extra acceptance step); \
         switched to Metropolis"
            .to_string()
    })
}

/// The Ising lab's settings, in the order a link applies them.
pub static TABLE: Table<IsingRun> = Table {
    rows: &[
    Setting::choice(
        "L",
        "Size L",
        "Side L of the periodic L×L lattice (N = L² spins); changing it restarts from the seed",
        &SIDE_OPTS,
        DEFAULT_SIDE,
        |r| SIDES.iter().position(|&s| s == r.lattice.l()).unwrap_or(0),
        |r, i| r.set_side(SIDES[i]).map_err(msg),
    ),
    Setting::number(
        "T",
        "Temperature T",
        "Temperature T (units of J/k): low T favours low energy (order), high T disorder",
        Range::lin(T_RANGE.0, T_RANGE.1, 0.01).show(Show::Fixed(3)),
        DEFAULT_T,
        |r| r.lattice.temperature(),
        |r, t| r.set_temperature(t).map_err(msg),
    ),
    Setting::number(
        "h",
        "Field h",
        "External field h: the energy gains −h Σ sᵢ, so h > 0 favours up spins (like the \
         lecture's bias b)",
        Range::lin(-H_MAX, H_MAX, 0.01).show(Show::Signed(2)),
        0.0,
        |r| r.lattice.field(),
        |r, h| r.set_field(h).map_err(msg),
    ),
    Setting::choice(
        "dynamics",
        "Dynamics",
        "Markov chain with stationary law ∝ exp(−E/T): Metropolis accepts a flip with \
         min(1, exp(−ΔE/T)); heat bath sets a spin from its conditional; Wolff flips clusters",
        &DYNAMICS_OPTS,
        0,
        |r| DYNAMICS.iter().position(|&d| d == r.dynamics).unwrap_or(0),
        |r, i| {
            r.set_dynamics(DYNAMICS[i]);
            Ok(())
        },
    ),
    Setting::choice(
        "scanL",
        "Scan L",
        "Lattice side for the scan: larger L sharpens the peaks of C and χ at the critical temperature but takes longer",
        &SCAN_SIDE_OPTS,
        1,
        |r| r.scan_choice[0],
        |r, i| {
            r.scan_choice[0] = i;
            Ok(())
        },
    ),
    Setting::choice(
        "scanT",
        "Temperatures",
        "Number of evenly spaced temperatures between 4 and 1",
        &SCAN_COUNT_OPTS,
        1,
        |r| r.scan_choice[1],
        |r, i| {
            r.scan_choice[1] = i;
            Ok(())
        },
    ),
    Setting::choice(
        "scanSweeps",
        "Sweeps per T",
        "Measurement sweeps at each T (after half as many burn-in sweeps); more sweeps, smaller \
         error bars",
        &SCAN_SWEEP_OPTS,
        1,
        |r| r.scan_choice[2],
        |r, i| {
            r.scan_choice[2] = i;
            Ok(())
        },
    ),
],
    fix,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    #[test]
    fn table_is_well_formed() {
        assert_eq!(TABLE.lint(), Vec::<String>::new());
    }

    #[test]
    fn a_link_replays_exactly_whatever_came_before() {
        let link = Params::parse("#ising?L=64&T=2.269&h=0&dynamics=heatbath").expect("parse");
        let mut a = IsingRun::new(1);
        assert!(TABLE.load(&mut a, &link).is_empty());
        a.restart(7);
        let mut b = IsingRun::new(3);
        TABLE
            .load(
                &mut b,
                &Params::parse("#ising?L=32&T=4&h=0.5").expect("parse"),
            )
            .is_empty()
            .then_some(())
            .expect("clean");
        for _ in 0..3 {
            b.sweep().expect("sweep");
        }
        assert!(TABLE.load(&mut b, &link).is_empty());
        b.restart(7);
        for _ in 0..5 {
            a.sweep().expect("sweep");
            b.sweep().expect("sweep");
        }
        assert_eq!(a.lattice().spins(), b.lattice().spins());
        let (mut pa, mut pb) = (Params::new("ising"), Params::new("ising"));
        TABLE.save(&a, &mut pa);
        TABLE.save(&b, &mut pb);
        assert_eq!(pa, pb);
        assert_eq!(pa.get("T"), Some("2.269"));
    }

    #[test]
    fn wolff_with_a_field_falls_back_to_metropolis() {
        let mut r = IsingRun::new(1);
        let msgs = TABLE.load(
            &mut r,
            &Params::parse("#ising?h=0.5&dynamics=wolff").expect("parse"),
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert_eq!(r.dynamics(), Dynamics::Metropolis);
        // The reverse order of events: Wolff first, then a field.
        let mut r = IsingRun::new(1);
        TABLE.load(
            &mut r,
            &Params::parse("#ising?dynamics=wolff").expect("parse"),
        );
        assert_eq!(r.dynamics(), Dynamics::Wolff);
        let note = TABLE.set_text(&mut r, "h", "0.2").expect("h is in range");
        assert!(note.is_some_and(|n| n.contains("Metropolis")));
        assert_eq!(r.dynamics(), Dynamics::Metropolis);
    }

    #[test]
    fn changing_t_keeps_the_chain() {
        let mut r = IsingRun::new(2);
        r.sweep().expect("sweep");
        let before = r.lattice().spins().to_vec();
        TABLE.set_text(&mut r, "T", "3.1").expect("in range");
        assert_eq!(r.lattice().spins(), &before[..]);
        assert_eq!(r.sweeps(), 1);
    }

    #[test]
    fn scan_runs_in_slices_to_the_end() {
        let mut r = IsingRun::new(5);
        TABLE.load(
            &mut r,
            &Params::parse("#ising?scanL=16&scanT=11&scanSweeps=320").expect("parse"),
        );
        r.start_scan().expect("starts");
        let mut slices = 0;
        let mut clock = 0.0;
        loop {
            slices += 1;
            // A clock that runs out after each slice: one slice per call.
            let mut now = || {
                clock += 1.0;
                clock
            };
            match r.advance_scan(0.0, &mut now) {
                ScanState::Running { .. } => {}
                ScanState::Finished { total } => {
                    assert_eq!(total, 11);
                    break;
                }
                other => panic!("{other:?}"),
            }
            assert!(slices < 10_000, "the scan ends");
        }
        assert!(slices > 1, "ran in slices");
        assert_eq!(r.curves.len(), 11);
        // Cold end ordered, hot end disordered.
        assert!(r.curves.abs_m[10].1 > 0.8 && r.curves.abs_m[0].1 < 0.3);
    }
}
