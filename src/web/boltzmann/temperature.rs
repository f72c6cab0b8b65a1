//! The temperature view's layout and drawing: the live grid (the last sample y_L, drawn on with
//! the pointer) beside the retrieved pattern (the sign of the average of the last M samples), the
//! overlap bars, the energy and temperature traces, and the annealing status. The run is
//! [`TempRun`]; the controls come from the table's rows and the action lists ([`MEMORY`],
//! [`STATE`], [`ANNEAL`]).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlProgressElement};

use super::{controls_box, figure, formula, note, progress, readout, say, BoltzmannLab};
use crate::core::boltzmann::run::annealing::fmt_t;
use crate::core::boltzmann::run::temperature::TempRun;
use crate::core::settings::Value;
use crate::web::canvas::{paint_spins, PixelLayer};
use crate::web::dom;
use crate::web::plot::{Axes, Css, Plot, RefLine, Series, SeriesData, PALETTE};
use crate::web::settings::{self, Action};
use crate::web::status;

/// The view's pictures and read-outs.
pub(super) struct TempView {
    pub(super) grid: PixelLayer,
    avg_grid: PixelLayer,
    bars: Plot,
    e_plot: Plot,
    t_plot: Plot,
    readout: HtmlElement,
    anneal_out: HtmlElement,
    anneal_bar: HtmlProgressElement,
    anneal_btn: Option<HtmlButtonElement>,
    labels: Vec<String>,
    colors: Vec<Css>,
    values: Vec<f64>,
}

/// Where [`wire`] puts the controls.
pub(super) struct Slots {
    right: HtmlElement,
    anneal: HtmlElement,
}

/// The memory buttons.
static MEMORY: &[Action<BoltzmannLab>] = &[
    Action {
        key: "teaching",
        label: "Teaching set A H O U",
        tip: "Store the glyphs A, H, O, U by Hebb's rule (replaces the memories)",
        run: |l| {
            settings::apply(l, "mem", &Value::Text("AHOU".into()));
        },
    },
    Action {
        key: "store",
        label: "Store current",
        tip: "Add the current state to the memories (Hebb's rule is recomputed)",
        run: |l| {
            match l.run.temp.store_current() {
                Ok(m) => status::info(&m),
                Err(e) => status::warn(&e),
            }
            l.touched();
        },
    },
    Action {
        key: "clear-memories",
        label: "Clear memories",
        tip: "Forget every memory: W = 0, every state has the same energy",
        run: |l| {
            l.run.temp.clear_memories();
            status::info("memories cleared: W = 0");
            l.touched();
        },
    },
];

/// The state buttons.
static STATE: &[Action<BoltzmannLab>] = &[
    Action {
        key: "cue",
        label: "Cue",
        tip: "Next memory with a fraction p of its neurons flipped: a noisy cue to retrieve from",
        run: |l| {
            let m = l.run.temp.cue();
            status::info(&m);
            l.touched();
        },
    },
    Action {
        key: "add-noise",
        label: "Add noise",
        tip: "Flip a fraction p of the current state's neurons",
        run: |l| {
            l.run.temp.corrupt();
            l.touched();
        },
    },
    Action {
        key: "random",
        label: "Random state",
        tip: "Every neuron ±1 with probability ½ (a hot start for annealing)",
        run: |l| {
            l.run.temp.randomize();
            l.touched();
        },
    },
];

/// The annealing button (its text follows the run: "Anneal" or "Stop annealing").
static ANNEAL: &[Action<BoltzmannLab>] = &[Action {
    key: "anneal",
    label: "Anneal",
    tip: "Start annealing from the current state (press Play to run it); press again to stop",
    run: |l| {
        say(l.run.temp.toggle_anneal());
        l.temp.sync_button(&l.run.temp);
        l.touched();
    },
}];

impl TempView {
    /// Lays out the view inside `section`.
    pub(super) fn new(section: &HtmlElement) -> Result<(Self, Slots), JsValue> {
        let stage = dom::el(section, "div", "stage")?;
        let left = dom::el(&stage, "div", "stage-pic")?;
        let right = dom::el(&stage, "div", "stage-side")?;
        let mid = dom::el(&stage, "div", "stage-more")?;
        let grids = dom::el(&left, "div", "bz-grids")?;
        let grid = figure(
            &grids,
            "grid bz-live main-pic",
            "live neuron grid (last state y_L); draw with the pointer, right button or Shift erases",
            "last state y_L (draw on it)",
        )?;
        let avg_grid = figure(
            &grids,
            "bz-avg",
            "retrieved pattern: sign of the average of the last M samples",
            "yᵢ = I[(1/M) Σ yᵢ(t) > 0] over the last M samples",
        )?;
        let readout = dom::text(&left, "div", "readout", "")?;
        readout.set_id("bz-temp-readout");
        let bars = Plot::new(&mid, "bz-plot", 470.0, 190.0)?;
        dom::img_label(
            &bars.canvas,
            "overlap m = ξ·y/N of the last state and of the averaged state with each memory",
        )?;
        let legend = dom::el(&mid, "div", "bz-legend")?;
        dom::text(&legend, "span", "bz-key bz-key-a", "last state y_L")?;
        dom::text(&legend, "span", "bz-key bz-key-b", "average of the last M")?;

        let e_plot = Plot::new(&mid, "bz-plot", 400.0, 230.0)?;
        dom::img_label(&e_plot.canvas, "energy E(y) after each sweep")?;
        let t_plot = Plot::new(&mid, "bz-plot", 400.0, 170.0)?;
        dom::img_label(&t_plot.canvas, "temperature T of each sweep (the schedule)")?;
        let row = dom::el(&mid, "div", "bz-anneal-row")?;
        let anneal = dom::el(&row, "div", "")?;
        let anneal_out = dom::text(&row, "div", "readout bz-anneal", "")?;
        anneal_out.set_id("bz-anneal");
        let anneal_bar = progress(&mid, "annealing progress")?;
        let view = Self {
            grid,
            avg_grid,
            bars,
            e_plot,
            t_plot,
            readout,
            anneal_out,
            anneal_bar,
            anneal_btn: None,
            labels: Vec::new(),
            colors: Vec::new(),
            values: Vec::new(),
        };
        Ok((view, Slots { right, anneal }))
    }

    fn sync_button(&self, run: &TempRun) {
        if let Some(b) = &self.anneal_btn {
            let text = if run.annealing() {
                "Stop annealing"
            } else {
                "Anneal"
            };
            if b.text_content().as_deref() != Some(text) {
                b.set_text_content(Some(text));
            }
        }
    }

    /// Repaints grids, bars, traces and read-outs.
    pub(super) fn draw(&mut self, run: &mut TempRun) -> Result<(), JsValue> {
        let side = run.side() as u32;
        if self.grid.width() != side {
            self.grid.resize(side, side);
            self.avg_grid.resize(side, side);
        }
        run.update_retrieval();
        paint_spins(&mut self.grid.buf, run.state().y(), None);
        self.grid.blit()?;
        paint_spins(&mut self.avg_grid.buf, run.retrieved(), None);
        self.avg_grid.blit()?;
        self.draw_bars(run);
        self.draw_traces(run);
        self.draw_readouts(run);
        self.sync_button(run);
        Ok(())
    }

    fn draw_bars(&mut self, run: &TempRun) {
        let names = run.names();
        if self.labels.len() != 2 * names.len()
            || names
                .iter()
                .zip(self.labels.iter().step_by(2))
                .any(|(a, b)| a != b)
        {
            self.labels.clear();
            self.colors.clear();
            for name in names {
                self.labels.extend([name.clone(), String::new()]);
                self.colors.extend([PALETTE[0], PALETTE[1]]);
            }
        }
        self.values.clear();
        for (a, b) in run.overlaps_last().iter().zip(run.overlaps_avg()) {
            self.values.extend([*a, *b]);
        }
        self.bars.bars(
            &Axes {
                title: "Overlap m = ξ·y / N with each memory",
                y_label: "m",
                y_range: Some((-1.1, 1.1)),
                ..Default::default()
            },
            &self.labels,
            &self.values,
            &self.colors,
            &[RefLine {
                at: 0.0,
                label: "",
                color: "#888",
            }],
        );
    }

    fn draw_traces(&self, run: &TempRun) {
        let x_range = Some((0.0, (run.sweeps() as f64).max(10.0)));
        let line = |name, color, data| Series {
            name,
            color,
            data: SeriesData::Points(data),
            dashed: false,
        };
        let hl = run.memory_energy().map(|e| RefLine {
            at: e,
            label: "E of the memories",
            color: PALETTE[2],
        });
        self.e_plot.line_chart(
            &Axes {
                title: "Energy E(y) after each sweep",
                x_label: "sweeps t",
                y_label: "E",
                x_range,
                ..Default::default()
            },
            &[line("E(y)", PALETTE[0], run.energy_trace().points())],
            hl.as_slice(),
            &[],
        );
        let temps = run.temperature_trace().points();
        let t_hi = temps
            .iter()
            .map(|p| p.1)
            .fold(run.temperature(), f64::max)
            .max(0.1);
        self.t_plot.line_chart(
            &Axes {
                title: "Temperature T(t) (the schedule)",
                x_label: "sweeps t",
                y_label: "T",
                x_range,
                y_range: Some((0.0, t_hi * 1.3)),
            },
            &[line("T", PALETTE[5], temps)],
            &[],
            &[],
        );
    }

    fn draw_readouts(&self, run: &TempRun) {
        let e = run.state().energy();
        let t_now = run.current_temperature();
        let cap = run
            .capped()
            .map(|c| format!(" · at most {c} sweeps/frame at this size"))
            .unwrap_or_default();
        let retrieved = match run.nearest() {
            Some((k, m)) => format!(" · average: nearest memory {} (m = {m:.2})", run.names()[k]),
            None => String::new(),
        };
        let list = |v: &[f64]| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        readout(
            &self.readout,
            &format!(
                "sweep {} · E = {e:.2} · T = {} · {} flips in the last sweep · M = {} ({} \
                 averaged){cap}{retrieved}",
                run.sweeps(),
                fmt_t(t_now),
                run.last_flips(),
                run.window(),
                run.averaged()
            ),
            &[
                ("sweeps", run.sweeps().to_string()),
                ("energy", e.to_string()),
                ("t", t_now.to_string()),
                ("flips", run.last_flips().to_string()),
                ("averaged", run.averaged().to_string()),
                ("memories", run.names().join(",")),
                ("m-last", list(run.overlaps_last())),
                ("m-avg", list(run.overlaps_avg())),
            ],
        );
        let e_mem = run
            .memory_energy()
            .map(|x| x.to_string())
            .unwrap_or_default();
        let data = |state: &str, result: &str| {
            [
                ("state", state.to_string()),
                ("result", result.to_string()),
                ("energy", e.to_string()),
                ("e-memories", e_mem.clone()),
            ]
        };
        if let Some((st, plan)) = run.anneal_status() {
            self.anneal_bar.set_value(st.progress);
            let phase = if st.temperature == 0.0 {
                "final quench at T = 0".to_string()
            } else {
                format!("level {} at T = {}", st.level, fmt_t(st.temperature))
            };
            let plan = if plan < 1.0e6 {
                format!("{plan:.0}")
            } else {
                format!("{plan:.1e}")
            };
            readout(
                &self.anneal_out,
                &format!("annealing: {phase} · {} of ≈{plan} sweeps", st.t),
                &data("running", ""),
            );
        } else if run.converged() {
            self.anneal_bar.set_value(1.0);
            let f = run.classify();
            readout(
                &self.anneal_out,
                &format!(
                    "converged: the final state is {}, E = {e:.2}",
                    run.describe(f)
                ),
                &data("converged", f.key()),
            );
        } else {
            self.anneal_bar.set_value(0.0);
            readout(
                &self.anneal_out,
                "not annealing — press Anneal, then Play",
                &data("idle", ""),
            );
        }
    }
}

/// Builds the view's controls from the table's rows and its buttons.
pub(super) fn wire(lab: &Rc<RefCell<BoltzmannLab>>, s: &Slots) -> Result<(), JsValue> {
    let b = controls_box(&s.right, "Memories (Hebbian)")?;
    settings::build(lab, &b, &["n", "mem"])?;
    let row = dom::el(&b, "div", "row")?;
    settings::buttons(lab, &row, MEMORY)?;
    settings::build(lab, &b, &["p"])?;
    let row = dom::el(&b, "div", "row")?;
    settings::buttons(lab, &row, STATE)?;
    let l = lab.clone();
    let erase = dom::checkbox(&b, "Erase when drawing", false, move |on| {
        l.borrow_mut().erase = on;
    })?;
    if let Some(p) = erase.parent_element() {
        p.set_attribute("data-key", "erase")?;
        p.set_attribute(
            "title",
            "Drawing sets neurons to −1 (also: right button or Shift)",
        )?;
    }
    note(
        &b,
        "Hebb: $w_{ij} = \\frac{1}{N}\\sum_p \\xi_i^p \\xi_j^p$, $w_{ii} = 0$; \
         $E(y) = -\\sum_{i<j} w_{ij} y_i y_j$. The glyphs share their background, so A and H lie \
         close together (m = 0.84).",
    )?;

    let b = controls_box(&s.right, "Gibbs sampling at T")?;
    formula(&b, r"P(y_i = +1 \mid y_{j \neq i}) = \sigma(2 h_i / T)")?;
    formula(&b, r"h_i = \sum_j w_{ij} y_j + b_i")?;
    settings::build(lab, &b, &["T", "M"])?;
    note(
        &b,
        "$\\sigma(z) = 1/(1 + e^{-z})$; flipping yᵢ changes E by 2yᵢhᵢ, hence the 2. \
         T = 0 is the deterministic Hopfield network yᵢ = Θ(hᵢ); as T → ∞ every neuron is a fair \
         coin. One sweep updates every neuron once, in order; Play runs (speed) sweeps per frame.",
    )?;

    let b = controls_box(&s.right, "Simulated annealing")?;
    settings::build(lab, &b, &["tmax", "alpha", "k", "tmin", "sched"])?;
    note(
        &b,
        "Lecture: initialise y, $T \\leftarrow T_{max}$; repeat a few sweeps at T, then \
         $T \\leftarrow \\alpha T$, until $T \\le T_{min}$; the final state is the retrieved \
         pattern (the most likely state — or a local minimum). Linear: equal steps over the same \
         number of levels. Logarithmic (Geman & Geman 1984) provably finds the ground state but \
         needs about $2^{T_{max}/T_{min}}$ levels.",
    )?;
    let btn = settings::buttons(lab, &s.anneal, ANNEAL)?.remove(0);
    btn.set_id("bz-anneal-btn");
    lab.borrow_mut().temp.anneal_btn = Some(btn);
    Ok(())
}
