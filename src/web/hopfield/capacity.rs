//! The capacity experiment panel: store K random patterns for a range of loads α = K/N, start
//! from each, and plot the recall rate and the mean final overlap against α beside the theory:
//! the large-N retrieval overlap m(α) and the line α_c ≈ 0.138 (Amit, Gutfreund & Sompolinsky
//! 1985), and N/(4 ln N) (McEliece et al. 1987).
//! It runs in slices sized to ~12 ms per frame, with a progress bar; the page never freezes.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlProgressElement, HtmlSelectElement};

use super::HopfieldLab;
use crate::core::hopfield::{
    ags_critical_load, ags_retrieval_overlap, amit_capacity, loads_for_alphas, mceliece_capacity,
    CapacityConfig, CapacityExperiment, CapacityRow, ALPHA_C, DEFAULT_RECALL_THRESHOLD,
};
use crate::web::dom;
use crate::web::plot::{Axes, Plot, RefLine, Series, SeriesData, PALETTE};
use crate::web::status;

const SIZES: [usize; 4] = [64, 100, 256, 400];
const HIDDEN: [(&str, usize); 3] = [("none", 0), ("K = N/2", 1), ("K = N", 2)];

/// The panel's elements and the running experiment.
pub struct CapacityPanel {
    controls: HtmlElement,
    n_sel: HtmlSelectElement,
    hidden_sel: HtmlSelectElement,
    trials: u32,
    progress: HtmlProgressElement,
    info: HtmlElement,
    plot: Plot,
    exp: Option<CapacityExperiment>,
    budget: usize,
    dirty: bool,
    n: usize,
    running: bool,
}

impl CapacityPanel {
    /// Builds the panel inside `root`.
    pub fn new(root: &HtmlElement) -> Result<Self, JsValue> {
        dom::text(root, "h3", "", "Capacity experiment")?;
        let cols = dom::el(root, "div", "cols")?;
        let left = dom::el(&cols, "div", "col side-col")?;
        dom::text(
            &left,
            "p",
            "muted small",
            &format!(
                "Store K random patterns (Hebbian), start recall at each, and count a start as recalled when the \
                 final overlap is ≥ {DEFAULT_RECALL_THRESHOLD} (below the theory's retrieval overlap at α_c, \
                 0.967). Repeat over loads α = K/N; the dashed curve is the theory's overlap for N → ∞."
            ),
        )?;
        let sizes: Vec<String> = SIZES.iter().map(|n| format!("N = {n}")).collect();
        let refs: Vec<&str> = sizes.iter().map(|s| s.as_str()).collect();
        let n_sel = dom::select(&left, "Neurons", &refs, 2, |_| {})?;
        let hl: Vec<&str> = HIDDEN.iter().map(|h| h.0).collect();
        let hidden_sel = dom::select(&left, "Hidden units", &hl, 0, |_| {})?;
        let progress = dom::el(&left, "progress", "")?.dyn_into::<HtmlProgressElement>()?;
        progress.set_max(1.0);
        progress.set_value(0.0);
        progress.set_id("hopfield-capacity-progress");
        let info = dom::text(&left, "div", "muted small", "")?;
        info.set_id("hopfield-capacity-info");
        let right = dom::el(&cols, "div", "col")?;
        let plot = Plot::new(&right, "plot", 560.0, 260.0)?;
        plot.canvas.set_attribute(
            "aria-label",
            "recall rate and mean overlap against the load alpha",
        )?;
        left.set_id("hopfield-capacity-controls");
        Ok(Self {
            controls: left,
            n_sel,
            hidden_sel,
            trials: 4,
            progress,
            info,
            plot,
            exp: None,
            budget: 20_000,
            dirty: true,
            n: 256,
            running: false,
        })
    }

    fn start(&mut self, rng: &mut crate::core::rng::Rng) {
        let n = SIZES
            .get(self.n_sel.selected_index().max(0) as usize)
            .copied()
            .unwrap_or(256);
        let hidden = match HIDDEN
            .get(self.hidden_sel.selected_index().max(0) as usize)
            .map(|h| h.1)
        {
            Some(1) => n / 2,
            Some(2) => n,
            _ => 0,
        };
        let alphas: Vec<f64> = (1..=15).map(|k| 0.02 * k as f64).collect();
        let mut loads = loads_for_alphas(n, &alphas);
        loads.dedup();
        let mut cfg = CapacityConfig::hebbian(n, loads, self.trials as usize);
        cfg.hidden = hidden;
        // Each trial tests at most 20 of its stored patterns, so big loads stay quick.
        cfg.starts_per_trial = 20;
        match CapacityExperiment::new(cfg, rng) {
            Ok(e) => {
                self.exp = Some(e);
                self.n = n;
                self.budget = 20_000;
                self.running = true;
                status::info(&format!(
                    "capacity experiment started: N = {n}, hidden = {hidden}"
                ));
            }
            Err(e) => status::warn(&e.to_string()),
        }
        self.dirty = true;
    }
}

impl HopfieldLab {
    /// One slice of the capacity experiment (about 12 ms), if it is running.
    pub(super) fn capacity_frame(&mut self) {
        if !self.capacity.running {
            return;
        }
        let Some(exp) = self.capacity.exp.as_mut() else {
            return;
        };
        let t0 = dom::now();
        let budget = self.capacity.budget;
        match exp.step(budget) {
            Ok(p) => {
                self.capacity.progress.set_value(p.fraction);
                if p.done {
                    self.capacity.running = false;
                    status::info("capacity experiment finished");
                }
            }
            Err(e) => {
                status::warn(&format!("capacity experiment stopped: {e}"));
                self.capacity.running = false;
            }
        }
        // Aim for ~12 ms of work per frame.
        let dt = (dom::now() - t0).max(0.1);
        let scale = (12.0 / dt).clamp(0.5, 2.0);
        self.capacity.budget = ((budget as f64 * scale) as usize).clamp(2_000, 50_000_000);
        self.capacity.dirty = true;
    }

    pub(super) fn draw_capacity(&mut self) -> Result<(), JsValue> {
        let c = &mut self.capacity;
        if !c.dirty {
            return Ok(());
        }
        c.dirty = false;
        let mut rows: Vec<CapacityRow> = c
            .exp
            .as_ref()
            .map(|e| e.rows().to_vec())
            .unwrap_or_default();
        if let Some(r) = c.exp.as_ref().and_then(|e| e.partial_row()) {
            rows.push(r);
        }
        let recall: Vec<(f64, f64)> = rows.iter().map(|r| (r.alpha, r.recall_rate)).collect();
        let overlap: Vec<(f64, f64)> = rows.iter().map(|r| (r.alpha, r.mean_overlap)).collect();
        let alpha_c = ags_critical_load();
        let theory: Vec<(f64, f64)> = (1..=60)
            .filter_map(|k| {
                let a = alpha_c * f64::from(k) / 60.0;
                ags_retrieval_overlap(a).map(|m| (a, m))
            })
            .collect();
        let n = c.n;
        let mc = mceliece_capacity(n) / n as f64;
        let amit = amit_capacity(n) / n as f64;
        let label_amit = format!("α_c ≈ {ALPHA_C} (0.138 N = {:.0})", amit * n as f64);
        let label_mc = format!("N/(4 ln N) = {:.1}", mc * n as f64);
        c.plot.line_chart(
            &Axes {
                title: "Recall against load α = K/N",
                x_label: "α = K/N",
                y_label: "rate / overlap",
                x_range: Some((0.0, 0.32)),
                y_range: Some((0.0, 1.05)),
            },
            &[
                Series {
                    name: "recall rate",
                    color: PALETTE[0],
                    data: SeriesData::Points(&recall),
                    dashed: false,
                },
                Series {
                    name: "mean final overlap",
                    color: PALETTE[1],
                    data: SeriesData::Points(&overlap),
                    dashed: false,
                },
                Series {
                    name: "AGS overlap m(α), N → ∞",
                    color: PALETTE[1],
                    data: SeriesData::Points(&theory),
                    dashed: true,
                },
            ],
            &[],
            &[
                RefLine {
                    at: amit,
                    label: &label_amit,
                    color: "#D55E00",
                },
                RefLine {
                    at: mc,
                    label: &label_mc,
                    color: "#009E73",
                },
            ],
        );
        c.plot.canvas.set_attribute(
            "data-rows",
            &rows
                .iter()
                .map(|r| format!("{:.3}:{:.3}:{:.3}", r.alpha, r.recall_rate, r.mean_overlap))
                .collect::<Vec<_>>()
                .join(","),
        )?;
        let text = match &c.exp {
            None => "Press Start to run (a few seconds; the page stays responsive).".to_string(),
            Some(e) if e.done() => format!(
                "Done: {} loads × {} trials at N = {n}.",
                rows.len(),
                c.trials
            ),
            Some(e) if c.running => format!("Running… {:.0} %", e.progress() * 100.0),
            Some(e) => format!(
                "Stopped at {:.0} %; the points so far are shown.",
                e.progress() * 100.0
            ),
        };
        c.info.set_text_content(Some(&text));
        Ok(())
    }
}

/// Wires the panel's buttons.
pub fn wire(lab: &Rc<RefCell<HopfieldLab>>) -> Result<(), JsValue> {
    let root = lab.borrow().capacity.controls.clone();
    {
        let l = lab.clone();
        dom::slider(&root, "Trials", 1.0, 20.0, 1.0, 4.0, dom::fmt0, move |v| {
            l.borrow_mut().capacity.trials = v.clamp(1.0, 20.0) as u32;
        })?;
    }
    let row = dom::el(&root, "div", "row")?;
    {
        let l = lab.clone();
        dom::button(&row, "Start", "Run the capacity experiment", move || {
            let mut lab = l.borrow_mut();
            let mut rng = crate::core::rng::Rng::new(lab.run.seed()).fork();
            lab.capacity.start(&mut rng);
        })?;
    }
    {
        let l = lab.clone();
        dom::button(
            &row,
            "Cancel",
            "Stop the experiment (results so far stay)",
            move || {
                let mut lab = l.borrow_mut();
                if lab.capacity.running {
                    lab.capacity.running = false;
                    lab.capacity.dirty = true;
                    status::info("capacity experiment cancelled");
                }
            },
        )?;
    }
    Ok(())
}
