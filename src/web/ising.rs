//! The Ising lab: where the lecture's energy comes from ("Ising model of magnetic materials
//! (Ising and Lenz, 1924)"). The run — lattice, dynamics, traces, temperature scan — is
//! [`IsingRun`] in the core, its parameters the rows of [`TABLE`]; this file lays out the
//! controls built from those rows, paints the lattice and draws the charts.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlProgressElement};

use super::app::{lab_names, Lab};
use super::canvas::PixelLayer;
use super::grid::{self, Paintable};
use super::plot::{Axes, Plot, RefLine, Series, SeriesData, PALETTE};
use super::settings::{self, Action, Controls, Tabled};
use super::{dom, status};
use crate::core::ising::run::{IsingRun, ScanState, SCAN_T, TABLE, T_RANGE};
use crate::core::ising::{internal_energy, spontaneous_magnetisation, CRITICAL_TEMPERATURE};
use crate::core::params::Params;

/// Colour of an up spin (+1): a deep blue.
pub const UP: [u8; 3] = [0, 84, 147];
/// Colour of a down spin (−1): amber; differs from [`UP`] in hue and in lightness.
pub const DOWN: [u8; 3] = [247, 196, 64];
/// Milliseconds of sweeping per animation frame (the rest of a 60 Hz frame is for painting).
const FRAME_BUDGET_MS: f64 = 12.0;
/// At most this many spin updates per frame, whatever the speed setting.
const MAX_UPDATES_PER_FRAME: usize = 8_000_000;
/// Points on the exact curves drawn beside the scan.
const EXACT_POINTS: usize = 151;

/// DOM pieces of the temperature scan.
struct ScanView {
    run: HtmlButtonElement,
    cancel: HtmlButtonElement,
    progress: HtmlProgressElement,
    text: HtmlElement,
    plots: [Plot; 4],
}

/// The Ising lab: the core run, its controls and its views.
pub struct IsingLab {
    panel: HtmlElement,
    layer: PixelLayer,
    run: IsingRun,
    controls: Controls,
    paint_down: bool,
    /// The lattice changed since the last paint.
    dirty: bool,
    /// The traces or the temperature changed since the charts were drawn.
    charts_dirty: bool,
    scan_dirty: bool,
    /// Sweep-rate window: (start time in ms, sweeps at that time).
    rate_t0: f64,
    rate_s0: u64,
    readout: HtmlElement,
    cells: [HtmlElement; 4],
    ro_exact: HtmlElement,
    e_plot: Plot,
    m_plot: Plot,
    exact_e: Vec<(f64, f64)>,
    exact_m: Vec<(f64, f64)>,
    scan_view: Option<ScanView>,
}

/// The lab's buttons beside the temperature and field sliders.
static ACTIONS: &[Action<IsingLab>] = &[
    Action {
        key: "tc",
        label: "Critical T",
        tip: "Set T to the critical temperature 2/ln(1+√2) ≈ 2.269 (Onsager 1944)",
        run: |l| l.set("T", CRITICAL_TEMPERATURE),
    },
    Action {
        key: "h0",
        label: "h = 0",
        tip: "Switch the external field off",
        run: |l| l.set("h", 0.0),
    },
    Action {
        key: "up",
        label: "All up",
        tip: "Cold start: every spin +1 (the ground state at h ≥ 0)",
        run: |l| {
            l.run.all_up();
            l.touched();
        },
    },
    Action {
        key: "random",
        label: "Random",
        tip: "Hot start: every spin an independent fair coin (the T = ∞ state)",
        run: |l| {
            l.run.randomize();
            l.touched();
        },
    },
];

static SCAN_ACTIONS: &[Action<IsingLab>] = &[
    Action {
        key: "scan",
        label: "Run scan",
        tip: "Start the sweep over temperatures (runs a slice per frame; the page stays live)",
        run: IsingLab::start_scan,
    },
    Action {
        key: "cancel-scan",
        label: "Cancel",
        tip: "Stop the scan (results so far stay)",
        run: IsingLab::cancel_scan,
    },
];

impl IsingLab {
    /// Builds the lab (hidden until its tab is chosen).
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let panel = dom::lab_panel("ising", "ising")?;
        let (left, right, more) = dom::stage(&panel, "")?;

        let run = IsingRun::new(seed);
        let l = run.lattice().l() as u32;
        let layer = PixelLayer::new(&left, "grid ising-lattice main-pic", l, l)?;
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
        let cells = [
            cell(
                "e = E/N",
                "ising-e",
                "Energy per site e = (−Σ⟨ij⟩ sᵢsⱼ − h Σ sᵢ)/N",
            )?,
            cell("|m| = |Σs|/N", "ising-m", "Absolute magnetisation per site")?,
            cell(
                "sweeps",
                "ising-sweeps",
                "Sweeps done (one sweep = N spin updates; for Wolff, clusters until N spins flipped)",
            )?,
            cell(
                "sweeps/s",
                "ising-rate",
                "Sweeps per second of wall-clock time (independent of the frame rate)",
            )?,
        ];
        let ro_exact = dom::text(&left, "div", "readout muted", "")?;
        ro_exact.set_id("ising-exact");

        let controls_box = dom::el(&right, "div", "controls")?;
        let live = dom::el(&more, "div", "controls ising-live")?;
        dom::text(&live, "h3", "", "Live traces")?;
        let e_plot = Plot::new(&live, "plot", 500.0, 230.0)?;
        dom::img_label(
            &e_plot.canvas,
            "energy per site against sweeps, with the exact Onsager value dashed",
        )?;
        let m_plot = Plot::new(&live, "plot", 500.0, 230.0)?;
        dom::img_label(
            &m_plot.canvas,
            "absolute magnetisation per site against sweeps, with Yang's exact value dashed",
        )?;
        let scan_box = dom::el(&panel, "div", "controls ising-scan")?;

        let exact_curve = |f: fn(f64) -> Result<f64, _>| -> Vec<(f64, f64)> {
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
            run,
            controls: Controls::default(),
            paint_down: false,
            dirty: true,
            charts_dirty: true,
            scan_dirty: true,
            rate_t0: dom::now(),
            rate_s0: 0,
            readout,
            cells,
            ro_exact,
            e_plot,
            m_plot,
            exact_e: exact_curve(internal_energy),
            exact_m: exact_curve(spontaneous_magnetisation),
            scan_view: None,
        }));
        Self::wire(&lab, &controls_box)?;
        Self::wire_scan(&lab, &scan_box)?;
        grid::wire(&lab)?;
        Ok(lab)
    }

    fn wire(lab: &Rc<RefCell<Self>>, box_: &HtmlElement) -> Result<(), JsValue> {
        dom::text(box_, "h3", "", "Lattice")?;
        settings::build(lab, box_, &["L", "dynamics", "T"])?;
        if let Some(t) = lab.borrow().controls.element("T") {
            // A tick on the slider itself at T_c (browsers draw datalist options as ticks).
            let ticks = dom::el(t, "datalist", "")?;
            ticks.set_id("ising-t-ticks");
            let o = dom::el(&ticks, "option", "")?;
            o.set_attribute("value", &format!("{CRITICAL_TEMPERATURE:.3}"))?;
            if let Ok(Some(input)) = t.query_selector("input") {
                input.set_attribute("list", "ising-t-ticks")?;
            }
        }
        // A mark under the slider at T_c (the note beside the button says what it divides).
        let scale = dom::el(box_, "div", "ising-scale")?;
        scale.set_attribute("aria-hidden", "true")?;
        let tc = dom::rich(&scale, "span", "ising-tc", "$T_c$ ≈ 2.269")?;
        let pct = 100.0 * (CRITICAL_TEMPERATURE - T_RANGE.0) / (T_RANGE.1 - T_RANGE.0);
        tc.style().set_property("left", &format!("{pct:.2}%"))?;
        let row = dom::el(box_, "div", "row")?;
        settings::buttons(lab, &row, &ACTIONS[..1])?;
        dom::rich(
            &row,
            "span",
            "muted ising-tc-note",
            r"$T_c = 2/\ln(1 + \sqrt{2})$ ≈ 2.269: order below, disorder above",
        )?;
        settings::build(lab, box_, &["h"])?;
        let row = dom::el(box_, "div", "row")?;
        settings::buttons(lab, &row, &ACTIONS[1..])?;
        let l = lab.clone();
        let c = dom::checkbox(
            box_,
            "Paint down spins (or right button / Shift)",
            false,
            move |on| l.borrow_mut().paint_down = on,
        )?;
        if let Some(p) = c.parent_element() {
            p.set_attribute("data-key", "paint-down")?;
            p.set_attribute(
                "title",
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
        settings::build(lab, &row, &["scanL", "scanT", "scanSweeps"])?;
        let row = dom::el(box_, "div", "row ising-scan-row")?;
        let b = settings::buttons(lab, &row, SCAN_ACTIONS)?;
        let (run, cancel) = (b[0].clone(), b[1].clone());
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
            dom::img_label(&p.canvas, label)?;
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

    /// Sets one numeric row through the table (the buttons' path).
    fn set(&mut self, key: &'static str, v: f64) {
        settings::apply(self, key, &crate::core::settings::Value::Num(v));
    }

    /// The spins were replaced: repaint and redraw the charts.
    fn touched(&mut self) {
        self.dirty = true;
        self.charts_dirty = true;
    }

    /// Up to `k` sweeps within the frame's time budget.
    fn run_sweeps(&mut self, k: usize) {
        let deadline = dom::now() + FRAME_BUDGET_MS;
        if let Err(e) = self.run.sweeps_until(k, deadline, &mut dom::now) {
            // Only Wolff can fail (h ≠ 0), which the table's check prevents; recover anyway.
            self.set_dynamics_metropolis(&e.to_string());
        }
        self.touched();
    }

    fn set_dynamics_metropolis(&mut self, why: &str) {
        settings::apply(self, "dynamics", &crate::core::settings::Value::Pick(0));
        status::warn(&format!("{why}; switched to Metropolis"));
    }

    fn start_scan(&mut self) {
        if self.run.scanning() {
            return;
        }
        match self.run.start_scan() {
            Ok(msg) => {
                self.scan_dirty = true;
                if let Some(v) = &self.scan_view {
                    v.run.set_disabled(true);
                    v.cancel.set_disabled(false);
                    v.progress.set_value(0.0);
                    let _ = v.text.set_attribute("data-done", "0");
                    let (_, count, _) = self.run.scan_config();
                    let _ = v.text.set_attribute("data-total", &count.to_string());
                }
                status::info(&msg);
            }
            Err(e) => status::warn(&format!("scan not started: {e}")),
        }
    }

    fn cancel_scan(&mut self) {
        if let Some((done, total)) = self.run.cancel_scan() {
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

    /// Advances the scan by one frame's slice and shows its progress.
    fn advance_scan(&mut self) {
        let before = self.run.curves.len();
        let state = self
            .run
            .advance_scan(dom::now() + FRAME_BUDGET_MS, &mut dom::now);
        let Some(v) = &self.scan_view else {
            return;
        };
        let c = &self.run.curves;
        if c.len() > before {
            self.scan_dirty = true;
            // The newest point, as raw numbers for tests and scripts.
            let i = c.len() - 1;
            for (k, x) in [
                ("data-last-t", c.energy[i].0),
                ("data-last-e", c.energy[i].1),
                ("data-last-m", c.abs_m[i].1),
                ("data-last-c", c.heat[i].1),
                ("data-last-chi", c.chi[i].1),
            ] {
                let _ = v.text.set_attribute(k, &x.to_string());
            }
        }
        match state {
            ScanState::Idle => {}
            ScanState::Running {
                progress,
                done,
                total,
                at,
            } => {
                v.progress.set_value(progress);
                let _ = v.text.set_attribute("data-done", &done.to_string());
                v.text.set_text_content(Some(&match at {
                    Some(t) => format!("T = {t:.2}: {done} of {total} temperatures done"),
                    None => format!("done: {total} temperatures"),
                }));
            }
            ScanState::Finished { total } => {
                v.progress.set_value(1.0);
                let _ = v.text.set_attribute("data-done", &total.to_string());
                v.text
                    .set_text_content(Some(&format!("done: {total} temperatures")));
                status::info(&format!(
                    "scan finished: {total} temperatures; the peaks of C and χ sit near the critical temperature ≈ 2.269"
                ));
                self.scan_finished_ui();
            }
            ScanState::Failed(e) => {
                status::warn(&format!("scan stopped: {e}"));
                self.scan_finished_ui();
            }
        }
    }

    fn paint(&mut self) -> Result<(), JsValue> {
        let lat = self.run.lattice();
        let l = lat.l() as u32;
        if self.layer.width() != l {
            self.layer.resize(l, l);
        }
        let up = [UP[0], UP[1], UP[2], 255];
        let down = [DOWN[0], DOWN[1], DOWN[2], 255];
        // The per-pixel loop is core's (built at opt-level 3, branch-free), not the shell's.
        crate::core::ising::paint_rgba_bytes(lat.spins(), &mut self.layer.buf, up, down);
        self.layer.blit()
    }

    fn update_readouts(&self) -> Result<(), JsValue> {
        let lat = self.run.lattice();
        let (e, m) = (lat.energy_per_site(), lat.magnetisation().abs());
        let sweeps = self.run.sweeps();
        self.cells[0].set_text_content(Some(&format!("{e:.4}")));
        self.cells[1].set_text_content(Some(&format!("{m:.4}")));
        self.cells[2].set_text_content(Some(&sweeps.to_string()));
        let (dyn_key, dyn_label) = self.run.dynamics_names();
        let (t, h, l) = (lat.temperature(), lat.field(), lat.l());
        for (k, v) in [
            ("data-energy", e.to_string()),
            ("data-mag", m.to_string()),
            ("data-sweeps", sweeps.to_string()),
            ("data-t", t.to_string()),
            ("data-h", h.to_string()),
            ("data-l", l.to_string()),
            ("data-dynamics", dyn_key.to_string()),
        ] {
            self.readout.set_attribute(k, &v)?;
        }
        self.ro_exact.set_text_content(Some(&format!(
            "T = {t:.3}, h = {h:+.2}, {dyn_label} on {l}×{l} — {}",
            self.run.phase()
        )));
        Ok(())
    }

    fn update_rate(&mut self) -> Result<(), JsValue> {
        let t = dom::now();
        let dt = t - self.rate_t0;
        if dt < 500.0 {
            return Ok(());
        }
        let sweeps = self.run.sweeps();
        let rate = sweeps.saturating_sub(self.rate_s0) as f64 * 1000.0 / dt;
        self.rate_t0 = t;
        self.rate_s0 = sweeps;
        self.cells[3].set_text_content(Some(&format!("{rate:.0}")));
        self.readout
            .set_attribute("data-rate", &format!("{rate:.1}"))
    }

    fn draw_live_charts(&self) {
        let lat = self.run.lattice();
        let h = lat.field().abs();
        let at = if lat.field() == 0.0 { "" } else { " (h = 0)" };
        let exact = self.run.exact();
        let (e_at, m_at) = exact.unwrap_or((f64::NAN, f64::NAN));
        let e_label = format!("Onsager e(T){at} = {e_at:.4}");
        let m_label = format!("Yang m(T){at} = {m_at:.4}");
        let n_ref = usize::from(exact.is_some());
        let chart = |plot: &Plot, axes: Axes, data: &[(f64, f64)], at: f64, label: &str| {
            let r = [RefLine {
                at,
                label,
                color: PALETTE[5],
            }];
            plot.line_chart(
                &axes,
                &[Series {
                    name: "",
                    color: PALETTE[0],
                    data: SeriesData::Points(data),
                    dashed: false,
                }],
                &r[..n_ref],
                &[],
            );
        };
        chart(
            &self.e_plot,
            Axes {
                title: "Energy per site e",
                x_label: "sweeps",
                y_label: "e",
                y_range: Some((-2.0 - h - 0.05, 0.1)),
                ..Default::default()
            },
            self.run.e_trace.points(),
            e_at,
            &e_label,
        );
        chart(
            &self.m_plot,
            Axes {
                title: "Magnetisation per site |m|",
                x_label: "sweeps",
                y_label: "|m|",
                // Room above m = 1 for the reference line's label.
                y_range: Some((0.0, 1.15)),
                ..Default::default()
            },
            self.run.m_trace.points(),
            m_at,
            &m_label,
        );
    }

    fn draw_scan_charts(&self) {
        let Some(v) = &self.scan_view else {
            return;
        };
        let tc = [RefLine {
            at: CRITICAL_TEMPERATURE,
            label: "critical T",
            color: PALETTE[7],
        }];
        let c = &self.run.curves;
        let zero_field = self.run.lattice().field() == 0.0;
        let exact_name = if zero_field {
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
                zero_field.then_some((-2.05, 0.1)),
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

impl Tabled for IsingLab {
    settings::tabled_parts!(IsingRun, TABLE, run);
    fn changed(&mut self, _key: &'static str) {
        self.touched();
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
        if self.run.paint(x, y, v) {
            self.dirty = true;
        }
    }
}

lab_names!(IsingLab, "ising", "Ising");

impl Lab for IsingLab {
    lab_names!();
    fn tick(&mut self, speed: u32) -> bool {
        let cap = (MAX_UPDATES_PER_FRAME / self.run.lattice().n()).max(1);
        self.run_sweeps((speed as usize).clamp(1, cap));
        true
    }
    fn step(&mut self) {
        self.run_sweeps(1);
    }
    fn reset(&mut self, seed: u64) {
        self.run.restart(seed);
        self.scan_finished_ui();
        if let Some(v) = &self.scan_view {
            v.progress.set_value(0.0);
            v.text.set_text_content(Some("not run yet"));
            let _ = v.text.set_attribute("data-done", "0");
        }
        self.touched();
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
        settings::save(self, p);
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let msgs = settings::load(self, p);
        // Settings first, then a fresh start from the seed: the link alone fixes the run.
        let seed = self.run.seed();
        self.reset(seed);
        msgs
    }
}
