//! Drawing the Hopfield lab: the grid (with the neuron updated next), read-outs, the live
//! energy trace, overlap bars, the weight matrix, the memory library and each memory's energy.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::HopfieldLab;
use crate::core::hopfield::run::{Mode, Outcome};
use crate::web::canvas::{paint_spins, PixelLayer};
use crate::web::dom;
use crate::web::plot::{Axes, RefLine, Series, SeriesData, PALETTE};

/// Full W is drawn up to this N; above it, the row of the highlighted neuron.
const FULL_W_MAX: usize = 1024;
/// Work (N² · memories) up to which the table of memory energies is computed at once.
const SYNC_TABLE_WORK: u64 = 16_000_000;

impl HopfieldLab {
    /// Repaints what changed since the last frame.
    pub(super) fn draw_views(&mut self) -> Result<(), JsValue> {
        let ch = self.run.take_changes();
        if ch.grid {
            // Highlight the next neuron only when updates are slow enough to follow.
            let hl = if self.speed_hint <= 64 {
                self.run.highlight()
            } else {
                None
            };
            let side = self.run.side() as u32;
            if self.grid.width() != side {
                self.grid.resize(side, side);
            }
            paint_spins(&mut self.grid.buf, self.run.y(), hl);
            self.grid.blit()?;
        }
        if ch.library {
            self.draw_library()?;
            self.draw_banner();
        }
        if ch.weights {
            self.draw_weights()?;
            // Recomputed for the new W: small networks at once, large ones a few per frame.
            self.mem_rows = vec![None; self.run.memories().len()];
            let (n, k) = (self.run.n() as u64, self.mem_rows.len() as u64);
            let small = n * n * k <= SYNC_TABLE_WORK;
            if small && !self.run.training_pending() {
                self.fill_memory_rows(&mut || true);
            }
            self.mem_rows_new = true;
        }
        if std::mem::take(&mut self.mem_rows_new) {
            self.draw_memory_energies()?;
            self.ui.show_training(self.run.training());
        }
        if ch.views || ch.weights {
            self.ui.show_learning(&self.run);
        }
        if ch.views {
            self.draw_readouts()?;
            self.draw_energy()?;
            self.draw_overlaps();
        }
        self.draw_capacity()
    }

    fn draw_readouts(&self) -> Result<(), JsValue> {
        let r = &self.run;
        let n = r.n();
        let e = r.energy();
        let sweeps = r.updates() as f64 / n as f64;
        let text = format!(
            "N = {n} neurons · {} memories · energy E = {e:.3} · {sweeps:.2} sweeps · {} flips",
            r.memories().len(),
            r.flips()
        );
        let ro = &self.ui.readout;
        ro.set_text_content(Some(&text));
        ro.set_attribute("data-energy", &format!("{e}"))?;
        ro.set_attribute("data-sweeps", &format!("{sweeps}"))?;
        ro.set_attribute(
            "data-on",
            &r.y().iter().filter(|&&v| v > 0).count().to_string(),
        )?;
        let (text, state) = match r.outcome() {
            // Beside the picture, where the lecturer looks (the bar and Cancel are in Memories).
            _ if r.training_pending() => (
                match r.learning() {
                    Some(l) => format!(
                        "Learning W with {}: {:.0} % — recall starts when W is ready.",
                        l.rule,
                        100.0 * l.fraction
                    ),
                    None => "Training W with the gradient rule — recall starts when it is done."
                        .to_string(),
                },
                "learning",
            ),
            Outcome::Running if r.updates() == 0 => (
                "Press Space (play) or n (one neuron) to recall.".to_string(),
                "ready",
            ),
            Outcome::Running => ("Recalling…".to_string(), "running"),
            Outcome::Done(s) => (s.clone(), "done"),
        };
        self.ui.outcome.set_text_content(Some(&text));
        self.ui.outcome.set_attribute("data-state", state)?;
        Ok(())
    }

    fn draw_energy(&self) -> Result<(), JsValue> {
        let trace = self.run.trace();
        let pts = trace.points();
        let sync = self.run.mode() == Mode::Sync;
        let rose = !sync && trace.ever_rose(1e-6 * (1.0 + self.run.energy().abs()));
        self.ui.energy_plot.line_chart(
            &Axes {
                title: if sync {
                    "Energy (synchronous updates may raise it)"
                } else {
                    "Energy: it never rises under asynchronous updates"
                },
                x_label: "sweeps",
                y_label: "E",
                ..Default::default()
            },
            &[Series {
                name: "E(y)",
                color: PALETTE[0],
                data: SeriesData::Points(pts),
                dashed: false,
            }],
            &[],
            &[],
        );
        self.ui
            .energy_plot
            .canvas
            .set_attribute("data-rose", if rose { "1" } else { "0" })?;
        self.ui
            .energy_plot
            .canvas
            .set_attribute("data-points", &pts.len().to_string())?;
        Ok(())
    }

    fn draw_overlaps(&mut self) {
        let mut values = std::mem::take(&mut self.wbuf);
        self.run.overlaps_into(&mut values);
        let labels: Vec<String> = self
            .run
            .memories()
            .iter()
            .map(|m| m.label.clone())
            .collect();
        let colors: Vec<&'static str> = values
            .iter()
            .map(|&v| {
                if v >= 0.999 {
                    PALETTE[2]
                } else if v <= -0.999 {
                    PALETTE[5]
                } else {
                    PALETTE[0]
                }
            })
            .collect();
        self.ui.overlap_plot.bars(
            &Axes {
                title: "Overlap with each memory",
                y_label: "m",
                y_range: Some((-1.0, 1.0)),
                ..Default::default()
            },
            &labels,
            &values,
            &colors,
            &[RefLine {
                at: 0.0,
                label: "",
                color: "#888",
            }],
        );
        let _ = self.ui.overlap_plot.canvas.set_attribute(
            "data-overlaps",
            &values
                .iter()
                .map(|v| format!("{v:.4}"))
                .collect::<Vec<_>>()
                .join(","),
        );
        self.wbuf = values;
    }

    fn draw_weights(&mut self) -> Result<(), JsValue> {
        let n = self.run.n();
        let side = self.run.side();
        let Some(net) = self.run.network() else {
            // No matrix to show: the note says why, instead of an empty chart.
            self.ui.weights_plot.set_visible(false);
            self.ui.weights_note.set_text_content(Some(
                "Overlap mode: hᵢ = Σₚ ξᵢᵖ mₚ (Hebbian, 1/N) — the N×N weight matrix is never stored, \
                 which is what lets 256×256 images recall at frame rate.",
            ));
            return Ok(());
        };
        self.ui.weights_plot.set_visible(true);
        if n <= FULL_W_MAX {
            // (Above this only a row is read: W may not even be allocated while it is zero.)
            let w = net.weights();
            // Reused buffer: during gradient training this redraws every frame.
            self.wbuf.clear();
            self.wbuf.extend(w.iter().map(|&v| f64::from(v)));
            self.ui.weights_plot.heatmap(
                &format!("Weights W ({n}×{n})"),
                &self.wbuf,
                n,
                n,
                None,
                true,
            )?;
            self.ui.weights_note.set_text_content(Some(
                "Symmetric, zero diagonal; blue negative, red positive. Row i, column j is wᵢⱼ.",
            ));
        } else {
            let i = self.run.highlight().unwrap_or(n / 2 + side / 2);
            self.wbuf.clear();
            self.wbuf.extend(net.row(i).iter().map(|&v| f64::from(v)));
            self.ui.weights_plot.heatmap(
                &format!("Weights into neuron {i} (row {i} of W)"),
                &self.wbuf,
                side,
                side,
                None,
                true,
            )?;
            self.ui.weights_note.set_text_content(Some(&format!(
                "W is {n}×{n} here, too big to show whole: this is one neuron's incoming weights laid out on the grid."
            )));
        }
        Ok(())
    }

    /// Computes memory energies while `more()` (one memory, O(N²), per unit); marks the table
    /// for a redraw when it is complete.
    pub(super) fn fill_memory_rows(&mut self, more: &mut dyn FnMut() -> bool) {
        for k in 0..self.mem_rows.len() {
            if self.mem_rows[k].is_none() {
                self.mem_rows[k] = self.run.memory_energy(k);
                if self.mem_rows[k].is_none() {
                    self.mem_rows.clear(); // no dense W
                    break;
                }
                if !more() {
                    break;
                }
            }
        }
        if self.mem_rows.iter().all(Option::is_some) {
            self.mem_rows_new = true;
        }
    }

    fn draw_memory_energies(&self) -> Result<(), JsValue> {
        let t = &self.ui.energies;
        t.set_text_content(None);
        if self.mem_rows.is_empty() || self.run.n() > FULL_W_MAX * 4 {
            return Ok(());
        }
        if self.mem_rows.iter().any(Option::is_none) {
            // Shown once every row is known (a large W takes a few frames; none while learning).
            return Ok(());
        }
        let head = dom::el(t, "tr", "")?;
        for h in ["memory", "energy E(ξ)", "fixed point?"] {
            dom::text(&head, "th", "", h)?;
        }
        for (m, &(e, stable)) in self
            .run
            .memories()
            .iter()
            .zip(self.mem_rows.iter().flatten())
        {
            let tr = dom::el(t, "tr", "")?;
            dom::text(&tr, "td", "", &m.label)?;
            dom::text(&tr, "td", "num", &format!("{e:.2}"))?;
            let cell = dom::text(
                &tr,
                "td",
                "",
                if stable {
                    "yes"
                } else {
                    "no — it will drift"
                },
            )?;
            cell.set_attribute("data-stable", if stable { "1" } else { "0" })?;
        }
        Ok(())
    }

    fn draw_library(&self) -> Result<(), JsValue> {
        let lib = &self.ui.library;
        lib.set_text_content(None);
        let side = self.run.side() as u32;
        if self.run.memories().is_empty() {
            dom::text(
                lib,
                "p",
                "muted small",
                "No memories yet: draw and store, or pick a set above.",
            )?;
        }
        for (k, m) in self.run.memories().iter().enumerate() {
            let item = dom::el(lib, "div", "thumb")?;
            item.set_attribute("data-k", &k.to_string())?;
            item.set_title(&format!("{}: click to load it as the cue", m.label));
            let mut layer = PixelLayer::new(&item, "thumb-img", side, side)?;
            layer.canvas.set_attribute("data-k", &k.to_string())?;
            layer.canvas.set_attribute("data-action", "load")?;
            layer.canvas.set_attribute("tabindex", "0")?;
            layer.canvas.set_attribute("role", "button")?;
            layer
                .canvas
                .set_attribute("aria-label", &format!("load memory {} as the cue", m.label))?;
            layer.canvas.set_attribute(
                "aria-label",
                &format!("memory {}: click to load it as the cue", m.label),
            )?;
            paint_spins(&mut layer.buf, &m.y, None);
            layer.blit()?;
            let cap = dom::el(&item, "div", "thumb-cap")?;
            dom::text(&cap, "span", "", &m.label)?;
            let x = dom::text(&cap, "button", "thumb-x", "×")?;
            x.set_attribute("data-k", &k.to_string())?;
            x.set_attribute("data-action", "remove")?;
            x.set_attribute("aria-label", &format!("remove memory {}", m.label))?;
        }
        lib.set_attribute("data-count", &self.run.memories().len().to_string())?;
        Ok(())
    }
}

/// One click listener on the library handles every thumbnail (load) and × (remove).
pub fn wire_library(lab: &Rc<RefCell<HopfieldLab>>) -> Result<(), JsValue> {
    let lib: HtmlElement = lab.borrow().ui.library.clone();
    {
        // Enter or Space on a focused thumbnail or × acts like a click.
        dom::on(&lib, "keydown", move |e: web_sys::KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                if let Some(t) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                    e.prevent_default();
                    e.stop_propagation();
                    t.click();
                }
            }
        })?;
    }
    let l = lab.clone();
    dom::on(&lib, "click", move |e: web_sys::Event| {
        let Some(t) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let (Some(k), Some(action)) = (t.get_attribute("data-k"), t.get_attribute("data-action"))
        else {
            return;
        };
        let Ok(k) = k.parse::<usize>() else { return };
        let mut lab = l.borrow_mut();
        match action.as_str() {
            "load" => lab.run.load_memory(k),
            "remove" => {
                if let Err(e) = lab.run.remove_memory(k) {
                    crate::web::status::warn(&e);
                }
            }
            _ => {}
        }
        crate::web::app::mark_dirty();
    })
}
