//! The Ising lab: where the lecture's energy comes from ("Ising model of magnetic materials
//! (Ising and Lenz, 1924)"). A periodic L×L lattice of ±1 spins, one pixel per spin, moved by
//! Metropolis, heat-bath or Wolff dynamics at temperature T in field h; live traces of the energy
//! and magnetisation per site against the exact infinite-lattice results (Onsager 1944, Yang
//! 1952); and a sweep over T that measures ⟨e⟩, ⟨|m|⟩, C and χ. All model math is in
//! `crate::core::ising`; this file only wires controls, paints and plots.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlProgressElement, HtmlSelectElement};

use super::app::{mark_dirty, Lab};
use super::canvas::PixelLayer;
use super::grid::{self, Paintable};
use super::plot::{Axes, Plot, RefLine, Series, SeriesData, PALETTE};
use super::trace::Trace;
use super::{dom, status};
use crate::core::ising::{
    internal_energy, spontaneous_magnetisation, Dynamics, IsingError, Lattice, ScanConfig,
    TemperatureScan, Wolff, CRITICAL_TEMPERATURE,
};
use crate::core::params::Params;
use crate::core::rng::Rng;

/// Lattice side lengths offered (powers of two, so the 512-pixel canvas scales each spin to a
/// whole number of screen pixels).
pub const SIDES: [usize; 5] = [32, 64, 128, 256, 512];
/// Default side length.
pub const DEFAULT_SIDE: usize = 128;
/// Temperature slider range (units of J/k).
pub const T_RANGE: (f64, f64) = (0.5, 5.0);
/// Default temperature: below T_c, so a hot start coarsens into growing domains.
pub const DEFAULT_T: f64 = 2.0;
/// Largest |h| the field slider offers.
pub const H_MAX: f64 = 1.0;
/// Colour of an up spin (+1): a deep blue.
pub const UP: [u8; 3] = [0, 84, 147];
/// Colour of a down spin (−1): amber; differs from [`UP`] in hue and in lightness.
pub const DOWN: [u8; 3] = [247, 196, 64];

/// Dynamics offered, with their URL keys and menu labels.
const DYNAMICS: [(Dynamics, &str, &str); 3] = [
    (Dynamics::Metropolis, "metropolis", "Metropolis"),
    (Dynamics::HeatBath, "heatbath", "Heat bath (Gibbs)"),
    (Dynamics::Wolff, "wolff", "Wolff clusters (h = 0)"),
];

/// Milliseconds of sweeping per animation frame (the rest of a 60 Hz frame is for painting).
const FRAME_BUDGET_MS: f64 = 12.0;
/// At most this many spin updates per frame, whatever the speed setting.
const MAX_UPDATES_PER_FRAME: usize = 8_000_000;
/// Points a live trace keeps (it decimates beyond that).
const TRACE_CAP: usize = 600;

/// Lattice sides a temperature scan offers.
const SCAN_SIDES: [usize; 4] = [16, 32, 64, 128];
/// Numbers of temperatures a scan offers.
const SCAN_COUNTS: [usize; 3] = [11, 21, 41];
/// Measurement sweeps per temperature a scan offers (multiples of the 32 blocks).
const SCAN_SWEEPS: [usize; 3] = [320, 1024, 4096];
/// The scan runs from the high to the low end (annealing), so each T starts near equilibrium.
const SCAN_T: (f64, f64) = (1.0, 4.0);
/// Points on the exact curves drawn beside the scan.
const EXACT_POINTS: usize = 151;

/// Milliseconds since page load (0 if the clock is unavailable).
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Position of temperature `t` along the slider, in percent.
fn t_percent(t: f64) -> f64 {
    100.0 * (t - T_RANGE.0) / (T_RANGE.1 - T_RANGE.0)
}

fn fmt_t(v: f64) -> String {
    format!("{v:.3}")
}

fn fmt_h(v: f64) -> String {
    format!("{v:+.2}")
}

/// Puts a one-line explanation on a control's label (hovering name or control shows it).
fn tip(control: &web_sys::Element, text: &str) -> Result<(), JsValue> {
    match control.parent_element() {
        Some(label) => label.set_attribute("title", text),
        None => control.set_attribute("title", text),
    }
}

fn js_err(e: IsingError) -> JsValue {
    JsValue::from_str(&e.to_string())
}

/// Round to 4 decimals for the URL (slider steps are not exact binary fractions).
fn short(v: f64) -> String {
    let r = (v * 1e4).round() / 1e4;
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

/// The measured curves of a scan, one (T, value) list per observable, filled as temperatures
/// finish (allocated when a scan starts, never per frame).
#[derive(Default)]
struct ScanCurves {
    energy: Vec<(f64, f64)>,
    abs_m: Vec<(f64, f64)>,
    heat: Vec<(f64, f64)>,
    chi: Vec<(f64, f64)>,
}

impl ScanCurves {
    fn clear(&mut self) {
        self.energy.clear();
        self.abs_m.clear();
        self.heat.clear();
        self.chi.clear();
    }
}

/// DOM pieces of the temperature scan.
struct ScanView {
    run: HtmlButtonElement,
    cancel: HtmlButtonElement,
    progress: HtmlProgressElement,
    text: HtmlElement,
    plots: [Plot; 4],
}

/// The Ising lab's state.
pub struct IsingLab {
    panel: HtmlElement,
    layer: PixelLayer,
    seed: u64,
    rng: Rng,
    lattice: Lattice,
    wolff: Wolff,
    dynamics: Dynamics,
    sweeps: u64,
    paint_down: bool,
    /// The lattice changed since the last paint.
    dirty: bool,
    /// The traces or the temperature changed since the charts were drawn.
    charts_dirty: bool,
    e_trace: Trace,
    m_trace: Trace,
    /// Sweep-rate window: (start time in ms, sweeps at that time) and the last rate.
    rate_t0: f64,
    rate_s0: u64,
    rate: f64,
    /// Reference-line labels, rebuilt when T changes.
    e_label: String,
    m_label: String,
    readout: HtmlElement,
    ro_e: HtmlElement,
    ro_m: HtmlElement,
    ro_sweeps: HtmlElement,
    ro_rate: HtmlElement,
    ro_exact: HtmlElement,
    e_plot: Plot,
    m_plot: Plot,
    // Controls, set once in `wire`.
    t_slider: Option<dom::Slider>,
    h_slider: Option<dom::Slider>,
    side_sel: Option<HtmlSelectElement>,
    dyn_sel: Option<HtmlSelectElement>,
    // Temperature scan.
    scan: Option<TemperatureScan>,
    scan_rng: Rng,
    scan_choice: (usize, usize, usize),
    scan_curves: ScanCurves,
    scan_dirty: bool,
    exact_e: Vec<(f64, f64)>,
    exact_m: Vec<(f64, f64)>,
    scan_view: Option<ScanView>,
}

impl IsingLab {
    /// Builds the lab (hidden until its tab is chosen).
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let doc = dom::document()?;
        let panel = doc.create_element("section")?.dyn_into::<HtmlElement>()?;
        panel.set_class_name("lab ising hidden");
        panel.set_id("lab-ising");
        let cols = dom::el(&panel, "div", "cols")?;
        let left = dom::el(&cols, "div", "col ising-left")?;
        let right = dom::el(&cols, "div", "col side-col")?;

        let side = DEFAULT_SIDE;
        let layer = PixelLayer::new(&left, "grid ising-lattice", side as u32, side as u32)?;
        dom::img_label(
            &layer.canvas,
            "Ising lattice: blue = spin up, amber = spin down; paint spins with the pointer",
        )?;

        let readout = dom::el(&left, "div", "readout ising-readout")?;
        readout.set_id("ising-readout");
        let cell = |name: &str, id: &str, title: &str| -> Result<HtmlElement, JsValue> {
            let c = dom::el(&readout, "div", "ising-ro")?;
            c.set_title(title);
            dom::text(&c, "span", "ising-ro-name", name)?;
            let v = dom::text(&c, "span", "ising-ro-value", "–")?;
            v.set_id(id);
            Ok(v)
        };
        let ro_e = cell(
            "e = E/N",
            "ising-e",
            "Energy per site e = (−Σ⟨ij⟩ sᵢsⱼ − h Σ sᵢ)/N",
        )?;
        let ro_m = cell("|m| = |Σs|/N", "ising-m", "Absolute magnetisation per site")?;
        let ro_sweeps = cell(
            "sweeps",
            "ising-sweeps",
            "Sweeps done (one sweep = N spin updates; for Wolff, clusters until N spins flipped)",
        )?;
        let ro_rate = cell(
            "sweeps/s",
            "ising-rate",
            "Sweeps per second of wall-clock time (independent of the frame rate)",
        )?;
        let ro_exact = dom::text(&left, "div", "readout muted", "")?;
        ro_exact.set_id("ising-exact");

        let t = DEFAULT_T;
        let mut rng = Rng::new(seed);
        let lattice = Lattice::random(side, t, 0.0, &mut rng).map_err(js_err)?;

        // Live charts (right column, below the controls, created in `wire`'s order).
        let controls = dom::el(&right, "div", "controls")?;
        let live = dom::el(&right, "div", "controls ising-live")?;
        dom::text(&live, "h3", "", "Live traces")?;
        let e_plot = Plot::new(&live, "plot", 500.0, 170.0)?;
        e_plot.canvas.set_attribute(
            "aria-label",
            "energy per site against sweeps, with the exact Onsager value dashed",
        )?;
        let m_plot = Plot::new(&live, "plot", 500.0, 170.0)?;
        m_plot.canvas.set_attribute(
            "aria-label",
            "absolute magnetisation per site against sweeps, with Yang's exact value dashed",
        )?;

        let scan_box = dom::el(&panel, "div", "controls ising-scan")?;

        let exact_curve = |f: fn(f64) -> Result<f64, IsingError>| -> Vec<(f64, f64)> {
            (0..EXACT_POINTS)
                .map(|i| {
                    let t = SCAN_T.0 + (SCAN_T.1 - SCAN_T.0) * i as f64 / (EXACT_POINTS - 1) as f64;
                    (t, f(t).unwrap_or(f64::NAN))
                })
                .collect()
        };

        let lab = Rc::new(RefCell::new(Self {
            panel,
            layer,
            seed,
            rng,
            lattice,
            wolff: Wolff::new(),
            dynamics: Dynamics::Metropolis,
            sweeps: 0,
            paint_down: false,
            dirty: true,
            charts_dirty: true,
            e_trace: Trace::new(TRACE_CAP),
            m_trace: Trace::new(TRACE_CAP),
            rate_t0: now(),
            rate_s0: 0,
            rate: 0.0,
            e_label: String::new(),
            m_label: String::new(),
            readout,
            ro_e,
            ro_m,
            ro_sweeps,
            ro_rate,
            ro_exact,
            e_plot,
            m_plot,
            t_slider: None,
            h_slider: None,
            side_sel: None,
            dyn_sel: None,
            scan: None,
            scan_rng: Rng::new(seed),
            scan_choice: (1, 1, 1),
            scan_curves: ScanCurves::default(),
            scan_dirty: true,
            exact_e: exact_curve(internal_energy),
            exact_m: exact_curve(spontaneous_magnetisation),
            scan_view: None,
        }));
        Self::wire(&lab, &controls)?;
        Self::wire_scan(&lab, &scan_box)?;
        grid::wire(&lab)?;
        {
            let mut s = lab.borrow_mut();
            s.exact_labels();
            s.sync_controls();
        }
        Ok(lab)
    }

    fn wire(lab: &Rc<RefCell<Self>>, box_: &HtmlElement) -> Result<(), JsValue> {
        dom::text(box_, "h3", "", "Lattice")?;
        {
            let l = lab.clone();
            let names: Vec<String> = SIDES.iter().map(|s| format!("{s} × {s}")).collect();
            let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
            let chosen = SIDES.iter().position(|&s| s == DEFAULT_SIDE).unwrap_or(0);
            let sel = dom::select(box_, "Size L", &refs, chosen, move |i| {
                let mut s = l.borrow_mut();
                s.set_side(SIDES[i]);
                mark_dirty();
            })?;
            tip(
                &sel,
                "Side L of the periodic L×L lattice (N = L² spins); changing it restarts from the seed",
            )?;
            lab.borrow_mut().side_sel = Some(sel);
        }
        {
            let l = lab.clone();
            let names: Vec<&str> = DYNAMICS.iter().map(|d| d.2).collect();
            let sel = dom::select(box_, "Dynamics", &names, 0, move |i| {
                l.borrow_mut().set_dynamics(DYNAMICS[i].0);
                mark_dirty();
            })?;
            tip(
                &sel,
                "Markov chain with stationary law ∝ exp(−E/T): Metropolis accepts a flip with \
                 min(1, e^(−ΔE/T)); heat bath sets a spin from its conditional; Wolff flips clusters",
            )?;
            lab.borrow_mut().dyn_sel = Some(sel);
        }
        {
            let l = lab.clone();
            let s = dom::slider(
                box_,
                "Temperature T",
                T_RANGE.0,
                T_RANGE.1,
                0.01,
                DEFAULT_T,
                fmt_t,
                move |v| {
                    l.borrow_mut().set_temperature(v);
                    mark_dirty();
                },
            )?;
            tip(
                &s.input,
                "Temperature T (units of J/k): low T favours low energy (order), high T disorder",
            )?;
            // A tick on the slider itself at T_c (browsers draw datalist options as ticks).
            let ticks = dom::el(box_, "datalist", "")?;
            ticks.set_id("ising-t-ticks");
            let o = dom::el(&ticks, "option", "")?;
            o.set_attribute("value", &format!("{CRITICAL_TEMPERATURE:.3}"))?;
            s.input.set_attribute("list", "ising-t-ticks")?;
            lab.borrow_mut().t_slider = Some(s);
        }
        {
            // A scale under the slider: ordered | T_c | disordered.
            let scale = dom::el(box_, "div", "ising-scale")?;
            scale.set_attribute("aria-hidden", "true")?;
            dom::text(&scale, "span", "ising-scale-lo", "← ordered")?;
            dom::text(&scale, "span", "ising-scale-hi", "disordered →")?;
            let tc = dom::text(&scale, "span", "ising-tc", "T_c ≈ 2.269")?;
            tc.style()
                .set_property("left", &format!("{:.2}%", t_percent(CRITICAL_TEMPERATURE)))?;
        }
        let row = dom::el(box_, "div", "row")?;
        {
            let l = lab.clone();
            dom::button(
                &row,
                "T = T_c",
                "Set T to the critical temperature T_c = 2/ln(1+√2) ≈ 2.269 (Onsager 1944)",
                move || {
                    let mut s = l.borrow_mut();
                    s.set_temperature(CRITICAL_TEMPERATURE);
                    s.sync_controls();
                    mark_dirty();
                },
            )?;
        }
        dom::text(
            &row,
            "span",
            "muted ising-tc-note",
            "T_c = 2/ln(1+√2) ≈ 2.269: order below, disorder above",
        )?;
        {
            let l = lab.clone();
            let s = dom::slider(box_, "Field h", -H_MAX, H_MAX, 0.01, 0.0, fmt_h, move |v| {
                l.borrow_mut().set_field(v);
                mark_dirty();
            })?;
            tip(
                &s.input,
                "External field h: the energy gains −h Σ sᵢ, so h > 0 favours up spins (like the \
                 lecture's bias b)",
            )?;
            lab.borrow_mut().h_slider = Some(s);
        }
        let row = dom::el(box_, "div", "row")?;
        {
            let l = lab.clone();
            dom::button(&row, "h = 0", "Switch the external field off", move || {
                let mut s = l.borrow_mut();
                s.set_field(0.0);
                s.sync_controls();
                mark_dirty();
            })?;
        }
        {
            let l = lab.clone();
            dom::button(
                &row,
                "All up",
                "Cold start: every spin +1 (the ground state at h ≥ 0)",
                move || {
                    let mut s = l.borrow_mut();
                    s.lattice.fill(1);
                    s.fresh_start();
                },
            )?;
        }
        {
            let l = lab.clone();
            dom::button(
                &row,
                "Random",
                "Hot start: every spin an independent fair coin (the T = ∞ state)",
                move || {
                    let mut s = l.borrow_mut();
                    let s = &mut *s;
                    s.lattice.randomize(&mut s.rng);
                    s.fresh_start();
                },
            )?;
        }
        {
            let l = lab.clone();
            let c = dom::checkbox(
                box_,
                "Paint down spins (or right button / Shift)",
                false,
                move |on| l.borrow_mut().paint_down = on,
            )?;
            tip(
                &c,
                "Drag on the lattice to set spins by hand: up (+1) by default, down (−1) with this",
            )?;
        }
        Ok(())
    }

    fn wire_scan(lab: &Rc<RefCell<Self>>, box_: &HtmlElement) -> Result<(), JsValue> {
        dom::text(box_, "h3", "", "Sweep over T")?;
        dom::text(
            box_,
            "p",
            "muted ising-scan-note",
            "Cools a separate lattice from T = 4 to T = 1 and measures ⟨e⟩, ⟨|m|⟩, the heat \
             capacity C = N·Var(e)/T² and the susceptibility χ = N·Var(|m|)/T at each T, with the \
             current dynamics and h. Dashed: exact results for the infinite lattice at h = 0.",
        )?;
        let row = dom::el(box_, "div", "row ising-scan-row")?;
        let (s0, c0, w0) = lab.borrow().scan_choice;
        {
            let l = lab.clone();
            let names: Vec<String> = SCAN_SIDES.iter().map(|s| format!("{s} × {s}")).collect();
            let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
            let sel = dom::select(&row, "Scan L", &refs, s0, move |i| {
                l.borrow_mut().scan_choice.0 = i;
            })?;
            tip(
                &sel,
                "Lattice side for the scan: larger L sharpens the peaks of C and χ at T_c but takes longer",
            )?;
        }
        {
            let l = lab.clone();
            let names: Vec<String> = SCAN_COUNTS.iter().map(|s| s.to_string()).collect();
            let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
            let sel = dom::select(&row, "Temperatures", &refs, c0, move |i| {
                l.borrow_mut().scan_choice.1 = i;
            })?;
            tip(&sel, "Number of evenly spaced temperatures between 4 and 1")?;
        }
        {
            let l = lab.clone();
            let names: Vec<String> = SCAN_SWEEPS.iter().map(|s| s.to_string()).collect();
            let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
            let sel = dom::select(&row, "Sweeps per T", &refs, w0, move |i| {
                l.borrow_mut().scan_choice.2 = i;
            })?;
            tip(
                &sel,
                "Measurement sweeps at each T (after half as many burn-in sweeps); more sweeps, \
                 smaller error bars",
            )?;
        }
        let row = dom::el(box_, "div", "row ising-scan-row")?;
        let run = {
            let l = lab.clone();
            dom::button(
                &row,
                "Run scan",
                "Start the sweep over temperatures (runs a slice per frame; the page stays live)",
                move || l.borrow_mut().start_scan(),
            )?
        };
        let cancel = {
            let l = lab.clone();
            dom::button(
                &row,
                "Cancel",
                "Stop the scan (results so far stay)",
                move || l.borrow_mut().cancel_scan(),
            )?
        };
        cancel.set_disabled(true);
        let progress =
            dom::el(&row, "progress", "ising-progress")?.dyn_into::<HtmlProgressElement>()?;
        progress.set_id("ising-scan-progress");
        progress.set_max(1.0);
        progress.set_value(0.0);
        progress.set_attribute("aria-label", "scan progress")?;
        let text = dom::text(&row, "span", "muted", "not run yet")?;
        text.set_id("ising-scan-status");
        text.set_attribute("data-done", "0")?;
        let charts = dom::el(box_, "div", "ising-scan-charts")?;
        let mk = |label: &str| -> Result<Plot, JsValue> {
            let p = Plot::new(&charts, "plot", 290.0, 210.0)?;
            p.canvas.set_attribute("aria-label", label)?;
            Ok(p)
        };
        let plots = [
            mk("mean energy per site against temperature, with Onsager's exact curve")?,
            mk("mean absolute magnetisation against temperature, with Yang's exact curve")?,
            mk("heat capacity per site against temperature")?,
            mk("susceptibility per site against temperature")?,
        ];
        lab.borrow_mut().scan_view = Some(ScanView {
            run,
            cancel,
            progress,
            text,
            plots,
        });
        Ok(())
    }

    /// Re-seeds and starts over with a hot lattice at the current L, T, h (replays exactly).
    fn restart(&mut self) {
        self.rng = Rng::new(self.seed);
        self.scan_rng = self.rng.fork();
        let (l, t, h) = (
            self.lattice.l(),
            self.lattice.temperature(),
            self.lattice.field(),
        );
        match Lattice::random(l, t, h, &mut self.rng) {
            Ok(lat) => self.lattice = lat,
            Err(e) => status::warn(&e.to_string()),
        }
        self.layer.resize(l as u32, l as u32);
        self.sweeps = 0;
        self.rate_s0 = 0;
        self.fresh_start();
    }

    /// Clears the traces after the spins were replaced (a new start).
    fn fresh_start(&mut self) {
        self.e_trace.clear();
        self.m_trace.clear();
        self.e_trace
            .push(self.sweeps as f64, self.lattice.energy_per_site());
        self.m_trace
            .push(self.sweeps as f64, self.lattice.magnetisation().abs());
        self.dirty = true;
        self.charts_dirty = true;
    }

    fn set_side(&mut self, side: usize) {
        if side == self.lattice.l() {
            return;
        }
        match Lattice::new(side, self.lattice.temperature(), self.lattice.field()) {
            Ok(lat) => self.lattice = lat,
            Err(e) => {
                status::warn(&e.to_string());
                return;
            }
        }
        self.restart();
    }

    fn set_temperature(&mut self, t: f64) {
        let t = if t.is_finite() {
            t.clamp(T_RANGE.0, T_RANGE.1)
        } else {
            DEFAULT_T
        };
        if let Err(e) = self.lattice.set_temperature(t) {
            status::warn(&e.to_string());
            return;
        }
        self.exact_labels();
        self.dirty = true;
        self.charts_dirty = true;
    }

    fn set_field(&mut self, h: f64) {
        let h = if h.is_finite() {
            h.clamp(-H_MAX, H_MAX)
        } else {
            0.0
        };
        if let Err(e) = self.lattice.set_field(h) {
            status::warn(&e.to_string());
            return;
        }
        if h != 0.0 && self.dynamics == Dynamics::Wolff {
            self.dynamics = Dynamics::Metropolis;
            self.sync_controls();
            status::warn(
                "Wolff cluster flips need h = 0 (a field would need an extra acceptance step); \
                 switched to Metropolis",
            );
        }
        self.exact_labels();
        self.dirty = true;
        self.charts_dirty = true;
    }

    fn set_dynamics(&mut self, d: Dynamics) {
        if d == Dynamics::Wolff && self.lattice.field() != 0.0 {
            status::warn(&format!(
                "Wolff cluster flips need h = 0, but h = {:+.2}; kept {}. Set h = 0 first.",
                self.lattice.field(),
                self.dynamics_label()
            ));
            self.sync_controls();
            return;
        }
        self.dynamics = d;
        self.dirty = true;
    }

    fn dynamics_label(&self) -> &'static str {
        DYNAMICS
            .iter()
            .find(|x| x.0 == self.dynamics)
            .map(|x| x.2)
            .unwrap_or("Metropolis")
    }

    fn dynamics_key(&self) -> &'static str {
        DYNAMICS
            .iter()
            .find(|x| x.0 == self.dynamics)
            .map(|x| x.1)
            .unwrap_or("metropolis")
    }

    /// Rebuilds the exact-value labels for the current T.
    fn exact_labels(&mut self) {
        let t = self.lattice.temperature();
        let at = if self.lattice.field() == 0.0 {
            ""
        } else {
            " (h = 0)"
        };
        self.e_label.clear();
        self.m_label.clear();
        if let (Ok(e), Ok(m)) = (internal_energy(t), spontaneous_magnetisation(t)) {
            self.e_label = format!("Onsager e(T){at} = {e:.4}");
            self.m_label = format!("Yang m(T){at} = {m:.4}");
        }
    }

    /// Moves sliders and menus to the current settings (without firing their handlers).
    fn sync_controls(&mut self) {
        let t = self.lattice.temperature();
        if let Some(s) = &self.t_slider {
            s.set(t);
        }
        if let Some(s) = &self.h_slider {
            s.set(self.lattice.field());
        }
        if let Some(s) = &self.side_sel {
            if let Some(i) = SIDES.iter().position(|&x| x == self.lattice.l()) {
                s.set_selected_index(i as i32);
            }
        }
        if let Some(s) = &self.dyn_sel {
            if let Some(i) = DYNAMICS.iter().position(|x| x.0 == self.dynamics) {
                s.set_selected_index(i as i32);
            }
        }
    }

    /// One sweep with the chosen dynamics, recorded in the traces.
    fn sweep(&mut self) -> Result<(), IsingError> {
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
        let t = self.sweeps as f64;
        self.e_trace.push(t, self.lattice.energy_per_site());
        self.m_trace.push(t, self.lattice.magnetisation().abs());
        self.dirty = true;
        self.charts_dirty = true;
        Ok(())
    }

    /// Up to `k` sweeps, stopping early when the frame's time budget is spent.
    fn run_sweeps(&mut self, k: usize) {
        let t0 = now();
        for i in 0..k {
            if let Err(e) = self.sweep() {
                // Only Wolff can fail (h ≠ 0), which the controls prevent; recover anyway.
                self.dynamics = Dynamics::Metropolis;
                self.sync_controls();
                status::warn(&format!("{e}; switched to Metropolis"));
                return;
            }
            if i + 1 < k && now() - t0 > FRAME_BUDGET_MS {
                break;
            }
        }
    }

    fn start_scan(&mut self) {
        if self.scan.is_some() {
            return;
        }
        let (si, ci, wi) = self.scan_choice;
        let side = SCAN_SIDES[si.min(SCAN_SIDES.len() - 1)];
        let count = SCAN_COUNTS[ci.min(SCAN_COUNTS.len() - 1)];
        let measure = SCAN_SWEEPS[wi.min(SCAN_SWEEPS.len() - 1)];
        // From hot to cold: each temperature starts from the previous one's state.
        let temperatures: Vec<f64> = (0..count)
            .map(|i| SCAN_T.1 - (SCAN_T.1 - SCAN_T.0) * i as f64 / (count - 1) as f64)
            .collect();
        let h = self.lattice.field();
        let built = Lattice::random(side, SCAN_T.1, h, &mut self.scan_rng).and_then(|lat| {
            TemperatureScan::new(
                lat,
                ScanConfig {
                    temperatures,
                    burn_in_sweeps: measure / 2,
                    measure_sweeps: measure,
                    dynamics: self.dynamics,
                },
            )
        });
        match built {
            Ok(scan) => {
                self.scan_curves.clear();
                for v in [
                    &mut self.scan_curves.energy,
                    &mut self.scan_curves.abs_m,
                    &mut self.scan_curves.heat,
                    &mut self.scan_curves.chi,
                ] {
                    v.reserve(count);
                }
                self.scan = Some(scan);
                self.scan_dirty = true;
                if let Some(v) = &self.scan_view {
                    v.run.set_disabled(true);
                    v.cancel.set_disabled(false);
                    v.progress.set_value(0.0);
                    let _ = v.text.set_attribute("data-done", "0");
                    let _ = v.text.set_attribute("data-total", &count.to_string());
                }
                status::info(&format!(
                    "scan started: {side}×{side} lattice, {count} temperatures from 4 to 1, \
                     {measure} sweeps each ({})",
                    self.dynamics_label()
                ));
            }
            Err(e) => status::warn(&format!("scan not started: {e}")),
        }
    }

    fn cancel_scan(&mut self) {
        if let Some(scan) = self.scan.take() {
            let done = scan.results().len();
            let total = scan.config().temperatures.len();
            status::info(&format!(
                "scan cancelled: {done} of {total} temperatures measured"
            ));
        }
        self.scan_finished_ui();
    }

    fn scan_finished_ui(&mut self) {
        if let Some(v) = &self.scan_view {
            v.run.set_disabled(false);
            v.cancel.set_disabled(true);
        }
        self.scan_dirty = true;
    }

    /// Advances the scan by one frame's slice and collects finished temperatures.
    fn advance_scan(&mut self) {
        let Some(scan) = self.scan.as_mut() else {
            return;
        };
        let t0 = now();
        // Slices of about 2¹⁸ spin updates, until the frame budget is spent.
        let chunk = (262_144 / scan.lattice().n()).max(1);
        let mut failed = None;
        while !scan.is_done() && now() - t0 < FRAME_BUDGET_MS {
            if let Err(e) = scan.step(chunk, &mut self.scan_rng) {
                failed = Some(e);
                break;
            }
        }
        let results = scan.results();
        let c = &mut self.scan_curves;
        for p in &results[c.energy.len()..] {
            let t = p.temperature;
            c.energy.push((t, p.energy));
            c.abs_m.push((t, p.abs_magnetisation));
            c.heat.push((t, p.heat_capacity));
            c.chi.push((t, p.susceptibility));
            self.scan_dirty = true;
            // The newest point, as raw numbers for tests and scripts.
            if let Some(v) = &self.scan_view {
                for (k, x) in [
                    ("data-last-t", t),
                    ("data-last-e", p.energy),
                    ("data-last-m", p.abs_magnetisation),
                    ("data-last-c", p.heat_capacity),
                    ("data-last-chi", p.susceptibility),
                ] {
                    let _ = v.text.set_attribute(k, &x.to_string());
                }
            }
        }
        let (progress, done, total, current) = (
            scan.progress(),
            results.len(),
            scan.config().temperatures.len(),
            scan.current_temperature(),
        );
        let finished = scan.is_done();
        if let Some(v) = &self.scan_view {
            v.progress.set_value(progress);
            let _ = v.text.set_attribute("data-done", &done.to_string());
            v.text.set_text_content(Some(&match current {
                Some(t) => format!("T = {t:.2}: {done} of {total} temperatures done"),
                None => format!("done: {total} temperatures"),
            }));
        }
        if let Some(e) = failed {
            self.scan = None;
            status::warn(&format!("scan stopped: {e}"));
            self.scan_finished_ui();
        } else if finished {
            self.scan = None;
            status::info(&format!(
                "scan finished: {total} temperatures; the peaks of C and χ sit near T_c ≈ 2.269"
            ));
            self.scan_finished_ui();
        }
    }

    fn paint(&mut self) -> Result<(), JsValue> {
        let up = [UP[0], UP[1], UP[2], 255];
        let down = [DOWN[0], DOWN[1], DOWN[2], 255];
        for (px, &s) in self.layer.buf.chunks_exact_mut(4).zip(self.lattice.spins()) {
            px.copy_from_slice(if s > 0 { &up } else { &down });
        }
        self.layer.blit()
    }

    fn update_readouts(&mut self) -> Result<(), JsValue> {
        let e = self.lattice.energy_per_site();
        let m = self.lattice.magnetisation().abs();
        self.ro_e.set_text_content(Some(&format!("{e:.4}")));
        self.ro_m.set_text_content(Some(&format!("{m:.4}")));
        self.ro_sweeps
            .set_text_content(Some(&self.sweeps.to_string()));
        let r = &self.readout;
        r.set_attribute("data-energy", &e.to_string())?;
        r.set_attribute("data-mag", &m.to_string())?;
        r.set_attribute("data-sweeps", &self.sweeps.to_string())?;
        r.set_attribute("data-t", &self.lattice.temperature().to_string())?;
        r.set_attribute("data-h", &self.lattice.field().to_string())?;
        r.set_attribute("data-l", &self.lattice.l().to_string())?;
        r.set_attribute("data-dynamics", self.dynamics_key())?;
        let t = self.lattice.temperature();
        let phase = if (t - CRITICAL_TEMPERATURE).abs() < 0.005 {
            "at T_c: critical, domains of every size"
        } else if t < CRITICAL_TEMPERATURE {
            "below T_c: ordered phase"
        } else {
            "above T_c: disordered phase"
        };
        self.ro_exact.set_text_content(Some(&format!(
            "T = {t:.3}, h = {:+.2}, {} on {}×{} — {phase}",
            self.lattice.field(),
            self.dynamics_label(),
            self.lattice.l(),
            self.lattice.l()
        )));
        Ok(())
    }

    fn update_rate(&mut self) -> Result<(), JsValue> {
        let t = now();
        let dt = t - self.rate_t0;
        if dt < 500.0 {
            return Ok(());
        }
        self.rate = (self.sweeps.saturating_sub(self.rate_s0)) as f64 * 1000.0 / dt;
        self.rate_t0 = t;
        self.rate_s0 = self.sweeps;
        self.ro_rate
            .set_text_content(Some(&format!("{:.0}", self.rate)));
        self.readout
            .set_attribute("data-rate", &format!("{:.1}", self.rate))
    }

    fn draw_live_charts(&self) {
        let h = self.lattice.field().abs();
        let t = self.lattice.temperature();
        // The exact values as dashed reference lines (none if T were invalid); no allocation.
        let exact = internal_energy(t)
            .ok()
            .zip(spontaneous_magnetisation(t).ok());
        let (e_at, m_at) = exact.unwrap_or((f64::NAN, f64::NAN));
        let n_ref = usize::from(exact.is_some());
        let e_ref = [RefLine {
            at: e_at,
            label: &self.e_label,
            color: PALETTE[5],
        }];
        let m_ref = [RefLine {
            at: m_at,
            label: &self.m_label,
            color: PALETTE[5],
        }];
        self.e_plot.line_chart(
            &Axes {
                title: "Energy per site e",
                x_label: "sweeps",
                y_label: "e",
                y_range: Some((-2.0 - h - 0.05, 0.1)),
                ..Default::default()
            },
            &[Series {
                name: "",
                color: PALETTE[0],
                data: SeriesData::Points(self.e_trace.points()),
                dashed: false,
            }],
            &e_ref[..n_ref],
            &[],
        );
        self.m_plot.line_chart(
            &Axes {
                title: "Magnetisation per site |m|",
                x_label: "sweeps",
                y_label: "|m|",
                // Room above m = 1 for the reference line's label.
                y_range: Some((0.0, 1.15)),
                ..Default::default()
            },
            &[Series {
                name: "",
                color: PALETTE[0],
                data: SeriesData::Points(self.m_trace.points()),
                dashed: false,
            }],
            &m_ref[..n_ref],
            &[],
        );
    }

    fn draw_scan_charts(&self) {
        let Some(v) = &self.scan_view else {
            return;
        };
        let tc = [RefLine {
            at: CRITICAL_TEMPERATURE,
            label: "T_c",
            color: PALETTE[7],
        }];
        let c = &self.scan_curves;
        let exact_name = if self.lattice.field() == 0.0 {
            "exact, L = ∞"
        } else {
            "exact, L = ∞, h = 0"
        };
        let measured = |data| Series {
            name: "measured",
            color: PALETTE[0],
            data: SeriesData::Points(data),
            dashed: false,
        };
        let exact = |data| Series {
            name: exact_name,
            color: PALETTE[5],
            data: SeriesData::Points(data),
            dashed: true,
        };
        let axes = |title, y_label, y_range| Axes {
            title,
            x_label: "temperature T",
            y_label,
            x_range: Some(SCAN_T),
            y_range,
        };
        v.plots[0].line_chart(
            &axes(
                "⟨e⟩ energy per site",
                "⟨e⟩",
                // Head-room above the curve for the legend (at h = 0, −2 ≤ ⟨e⟩ < 0).
                (self.lattice.field() == 0.0).then_some((-2.05, 0.1)),
            ),
            &[exact(&self.exact_e), measured(&c.energy)],
            &[],
            &tc,
        );
        v.plots[1].line_chart(
            &axes("⟨|m|⟩ magnetisation", "⟨|m|⟩", Some((0.0, 1.05))),
            &[exact(&self.exact_m), measured(&c.abs_m)],
            &[],
            &tc,
        );
        v.plots[2].line_chart(
            &axes("C heat capacity per site", "C", None),
            &[measured(&c.heat)],
            &[],
            &tc,
        );
        v.plots[3].line_chart(
            &axes("χ susceptibility per site", "χ", None),
            &[measured(&c.chi)],
            &[],
            &tc,
        );
    }
}

impl Paintable for IsingLab {
    fn layer(&self) -> &PixelLayer {
        &self.layer
    }
    fn erasing(&self) -> bool {
        self.paint_down
    }
    fn paint(&mut self, x: usize, y: usize, v: i8) {
        let l = self.lattice.l();
        if self.lattice.set_spin(y * l + x, v).is_ok() {
            self.dirty = true;
        }
    }
}

impl Lab for IsingLab {
    fn id(&self) -> &'static str {
        "ising"
    }
    fn title(&self) -> &'static str {
        "Ising"
    }
    fn panel(&self) -> &HtmlElement {
        &self.panel
    }
    fn tick(&mut self, speed: u32) -> bool {
        let cap = (MAX_UPDATES_PER_FRAME / self.lattice.n()).max(1);
        self.run_sweeps((speed as usize).clamp(1, cap));
        true
    }
    fn step(&mut self) {
        self.run_sweeps(1);
    }
    fn reset(&mut self, seed: u64) {
        self.seed = seed;
        if self.scan.take().is_some() {
            self.scan_finished_ui();
        }
        self.scan_curves.clear();
        if let Some(v) = &self.scan_view {
            v.progress.set_value(0.0);
            v.text.set_text_content(Some("not run yet"));
            let _ = v.text.set_attribute("data-done", "0");
        }
        self.scan_dirty = true;
        self.restart();
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        // The scan runs a slice every frame while this tab is shown, playing or not.
        self.advance_scan();
        if self.dirty {
            self.dirty = false;
            self.paint()?;
            self.update_readouts()?;
        }
        self.update_rate()?;
        if self.charts_dirty {
            self.charts_dirty = false;
            self.draw_live_charts();
        }
        if self.scan_dirty {
            self.scan_dirty = false;
            self.draw_scan_charts();
        }
        Ok(())
    }
    fn save(&self, p: &mut Params) {
        p.set("L", &self.lattice.l().to_string());
        p.set("T", &short(self.lattice.temperature()));
        p.set("h", &short(self.lattice.field()));
        p.set("dynamics", self.dynamics_key());
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        match p.u64_in("L", SIDES[0] as u64, SIDES[SIDES.len() - 1] as u64) {
            Ok(Some(l)) if SIDES.contains(&(l as usize)) => {
                if l as usize != self.lattice.l() {
                    match Lattice::new(l as usize, self.lattice.temperature(), self.lattice.field())
                    {
                        Ok(lat) => self.lattice = lat,
                        Err(e) => msgs.push(e.to_string()),
                    }
                }
            }
            Ok(Some(l)) => msgs.push(format!(
                "lattice size L={l} is not one of {SIDES:?}; kept {}",
                self.lattice.l()
            )),
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.f64_in("h", -H_MAX, H_MAX) {
            Ok(Some(h)) => {
                if let Err(e) = self.lattice.set_field(h) {
                    msgs.push(e.to_string());
                }
            }
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.f64_in("T", T_RANGE.0, T_RANGE.1) {
            Ok(Some(t)) => {
                if let Err(e) = self.lattice.set_temperature(t) {
                    msgs.push(e.to_string());
                }
            }
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        let keys: Vec<&str> = DYNAMICS.iter().map(|d| d.1).collect();
        match p.choice("dynamics", &keys) {
            Ok(Some(k)) => {
                if let Some(d) = DYNAMICS.iter().find(|d| d.1 == k) {
                    if d.0 == Dynamics::Wolff && self.lattice.field() != 0.0 {
                        msgs.push(format!(
                            "Wolff cluster flips need h = 0 (link has h = {:+.2}); kept {}",
                            self.lattice.field(),
                            self.dynamics_label()
                        ));
                    } else {
                        self.dynamics = d.0;
                    }
                }
            }
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        if self.dynamics == Dynamics::Wolff && self.lattice.field() != 0.0 {
            self.dynamics = Dynamics::Metropolis;
            msgs.push("Wolff cluster flips need h = 0; switched to Metropolis".into());
        }
        self.exact_labels();
        self.sync_controls();
        // Settings first, then a fresh start from the seed: the link alone fixes the run.
        self.restart();
        msgs
    }
}
