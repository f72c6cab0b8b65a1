//! The Hopfield lab's controls: built once, wired to the lab through `Rc<RefCell<…>>`.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};

use super::{HopfieldLab, Mode, Rule, MODES, RULES, SIDES};
use crate::core::pattern::{Half, GLYPH_CHARS};
use crate::web::app::mark_dirty;
use crate::web::canvas::PixelLayer;
use crate::web::dom;
use crate::web::plot::Plot;

/// Elements the lab updates after it is built.
pub struct Ui {
    pub side_sel: HtmlSelectElement,
    pub rule_sel: HtmlSelectElement,
    pub mode_sel: HtmlSelectElement,
    pub noise: Option<dom::Slider>,
    pub train_info: HtmlElement,
    pub train_row: HtmlElement,
    pub readout: HtmlElement,
    pub outcome: HtmlElement,
    pub library: HtmlElement,
    pub energy_plot: Plot,
    pub overlap_plot: Plot,
    pub weights_plot: Plot,
    pub weights_note: HtmlElement,
    pub energies: HtmlElement,
}

impl Ui {
    /// Builds the panel. Returns it, the UI handles, the grid layer and the capacity panel's root.
    pub fn build(side: usize) -> Result<(HtmlElement, Ui, PixelLayer, HtmlElement), JsValue> {
        let doc = dom::document()?;
        let panel = doc.create_element("section")?.dyn_into::<HtmlElement>()?;
        panel.set_class_name("lab hidden hopfield");
        panel.set_id("lab-hopfield");
        let cols = dom::el(&panel, "div", "cols")?;
        let left = dom::el(&cols, "div", "col grid-col")?;
        let mid = dom::el(&cols, "div", "col side-col")?;
        let right = dom::el(&cols, "div", "col plot-col")?;

        let grid = PixelLayer::new(&left, "grid", side as u32, side as u32)?;
        dom::img_label(&grid.canvas, "neuron grid: draw with the pointer (right button or Shift erases); orange marks the neuron updated next")?;
        let readout = dom::text(&left, "div", "readout", "")?;
        readout.set_id("hopfield-readout");
        let outcome = dom::text(&left, "div", "outcome", "")?;
        outcome.set_id("hopfield-outcome");

        // Draw.
        let draw = dom::el(&mid, "div", "controls")?;
        dom::text(&draw, "h3", "", "Draw")?;
        let sides: Vec<String> = SIDES
            .iter()
            .map(|s| {
                if *s > super::DENSE_MAX_SIDE {
                    format!("{s} × {s} (overlap mode)")
                } else {
                    format!("{s} × {s}")
                }
            })
            .collect();
        let side_refs: Vec<&str> = sides.iter().map(|s| s.as_str()).collect();
        let chosen = SIDES.iter().position(|&s| s == side).unwrap_or(0);
        let side_sel = dom::select(&draw, "Grid", &side_refs, chosen, |_| {})?;
        side_sel.set_id("hopfield-side");

        // Memories.
        let mem = dom::el(&mid, "div", "controls")?;
        dom::text(&mem, "h3", "", "Memories")?;
        let rule_labels: Vec<&str> = RULES.iter().map(|r| r.1).collect();
        let rule_sel = dom::select(&mem, "Rule", &rule_labels, 0, |_| {})?;
        rule_sel.set_id("hopfield-rule");
        let train_row = dom::el(&mem, "div", "row hidden")?;
        let train_info = dom::text(&mem, "div", "muted small", "")?;
        train_info.set_id("hopfield-train");
        let library = dom::el(&mem, "div", "library")?;
        library.set_id("hopfield-library");

        // Corrupt.
        let cor = dom::el(&mid, "div", "controls")?;
        dom::text(&cor, "h3", "", "Corrupt the cue")?;

        // Recall.
        let rec = dom::el(&mid, "div", "controls")?;
        dom::text(&rec, "h3", "", "Recall")?;
        let mode_labels: Vec<&str> = MODES.iter().map(|m| m.1).collect();
        let mode_sel = dom::select(&rec, "Updates", &mode_labels, 0, |_| {})?;
        mode_sel.set_id("hopfield-mode");

        // Live plots under the grid.
        let energy_plot = Plot::new(&left, "plot", 440.0, 190.0)?;
        energy_plot
            .canvas
            .set_attribute("aria-label", "energy against sweeps")?;
        let overlap_plot = Plot::new(&left, "plot", 440.0, 150.0)?;
        overlap_plot.canvas.set_attribute(
            "aria-label",
            "overlap m = ξ·y/N with each memory: +1 is the memory, −1 its inverse",
        )?;
        let weights_plot = Plot::new(&right, "plot", 440.0, 300.0)?;
        weights_plot
            .canvas
            .set_attribute("aria-label", "weight matrix W as a heatmap")?;
        let weights_note = dom::text(&right, "p", "muted small", "")?;
        let energies = dom::el(&right, "table", "mem-energies")?;
        energies.set_id("hopfield-energies");

        // Capacity panel (below the columns).
        let cap_root = dom::el(&panel, "div", "controls capacity")?;

        let ui = Ui {
            side_sel,
            rule_sel,
            mode_sel,
            noise: None,
            train_info,
            train_row,
            readout,
            outcome,
            library,
            energy_plot,
            overlap_plot,
            weights_plot,
            weights_note,
            energies,
        };
        // Remember where the per-section buttons go (wired in `wire`).
        draw.set_id("hopfield-draw");
        cor.set_id("hopfield-corrupt");
        rec.set_id("hopfield-recall");
        Ok((panel, ui, grid, cap_root))
    }

    /// Shows the rule in the menu (without firing its handler).
    pub fn set_rule(&self, rule: Rule) {
        if let Some(i) = RULES.iter().position(|r| r.0 == rule) {
            self.rule_sel.set_selected_index(i as i32);
        }
        let _ = self
            .train_row
            .class_list()
            .toggle_with_force("hidden", !matches!(rule, Rule::Gradient(_)));
    }

    /// Shows the recall mode in the menu.
    pub fn set_mode(&self, mode: Mode) {
        if let Some(i) = MODES.iter().position(|m| m.0 == mode) {
            self.mode_sel.set_selected_index(i as i32);
        }
    }

    /// Shows the grid side in the menu.
    pub fn set_side(&self, side: usize) {
        if let Some(i) = SIDES.iter().position(|&s| s == side) {
            self.side_sel.set_selected_index(i as i32);
        }
    }

    /// Moves the noise slider.
    pub fn set_noise(&self, p: f64) {
        if let Some(s) = &self.noise {
            s.set(p);
        }
    }

    /// Greys out what overlap mode cannot do.
    pub fn set_overlap_mode(&self, on: bool) {
        self.rule_sel.set_disabled(on);
        // Synchronous updates need W: unavailable in overlap mode.
        if let Some(o) = self.mode_sel.item(2) {
            let _ = if on {
                o.set_attribute("disabled", "")
            } else {
                o.remove_attribute("disabled")
            };
        }
    }

    /// Reports gradient-rule training.
    pub fn show_training(&self, iters: usize, stable: usize, patterns: usize, running: bool) {
        self.train_info.set_text_content(Some(&format!(
            "{iters} gradient steps: {stable} of {patterns} memories are fixed points{}",
            if running { " — training…" } else { "" }
        )));
        let _ = self
            .train_info
            .set_attribute("data-stable", &stable.to_string());
        let _ = self
            .train_info
            .set_attribute("data-iterations", &iters.to_string());
    }
}

/// Finds an element of the panel by id (the panel is not in the document yet while wiring).
pub fn by_id(panel: &HtmlElement, id: &str) -> Result<HtmlElement, JsValue> {
    panel
        .query_selector(&format!("#{id}"))?
        .ok_or_else(|| JsValue::from_str(&format!("#{id} missing")))?
        .dyn_into::<HtmlElement>()
        .map_err(JsValue::from)
}

/// Wires every control to the lab.
pub fn wire(lab: &Rc<RefCell<HopfieldLab>>) -> Result<(), JsValue> {
    let (panel, side_sel, rule_sel, mode_sel, train_row) = {
        let l = lab.borrow();
        (
            l.panel.clone(),
            l.ui.side_sel.clone(),
            l.ui.rule_sel.clone(),
            l.ui.mode_sel.clone(),
            l.ui.train_row.clone(),
        )
    };
    {
        let l = lab.clone();
        let s = side_sel.clone();
        dom::on(&side_sel, "change", move |_: web_sys::Event| {
            if let Some(&side) = SIDES.get(s.selected_index().max(0) as usize) {
                l.borrow_mut().set_side(side);
            }
        })?;
    }
    {
        let l = lab.clone();
        let s = rule_sel.clone();
        dom::on(&rule_sel, "change", move |_: web_sys::Event| {
            if let Some(r) = RULES.get(s.selected_index().max(0) as usize) {
                let mut lab = l.borrow_mut();
                lab.set_rule(r.0);
                lab.ui.set_rule(lab.rule);
            }
        })?;
    }
    {
        let l = lab.clone();
        let s = mode_sel.clone();
        dom::on(&mode_sel, "change", move |_: web_sys::Event| {
            if let Some(m) = MODES.get(s.selected_index().max(0) as usize) {
                l.borrow_mut().set_mode(m.0);
            }
        })?;
    }

    // Draw section.
    let draw = by_id(&panel, "hopfield-draw")?;
    {
        let l = lab.clone();
        dom::checkbox(&draw, "Erase (or right button / Shift)", false, move |on| {
            l.borrow_mut().erase = on
        })?;
    }
    let row = dom::el(&draw, "div", "row")?;
    {
        let l = lab.clone();
        dom::button(&row, "Clear", "Set every neuron to −1", move || {
            l.borrow_mut().edit(|y, _, _| y.fill(-1))
        })?;
    }
    {
        let l = lab.clone();
        dom::button(
            &row,
            "Invert",
            "Flip every neuron (y → −y has the same energy)",
            move || {
                l.borrow_mut()
                    .edit(|y, _, _| y.iter_mut().for_each(|v| *v = -*v))
            },
        )?;
    }
    {
        let l = lab.clone();
        dom::button(
            &row,
            "Random",
            "Each neuron ±1 with probability ½",
            move || {
                l.borrow_mut()
                    .edit(|y, rng, _| y.iter_mut().for_each(|v| *v = rng.spin()))
            },
        )?;
    }
    let glyph_row = dom::el(&draw, "div", "row")?;
    let chars: Vec<String> = GLYPH_CHARS.chars().map(|c| c.to_string()).collect();
    let char_refs: Vec<&str> = chars.iter().map(|s| s.as_str()).collect();
    let glyph_sel = dom::select(&glyph_row, "Glyph", &char_refs, 10, |_| {})?;
    {
        let l = lab.clone();
        let g = glyph_sel.clone();
        dom::button(
            &glyph_row,
            "Draw it",
            "Put this letter or digit on the grid",
            move || {
                if let Some(c) = GLYPH_CHARS.chars().nth(g.selected_index().max(0) as usize) {
                    l.borrow_mut().load_glyph(c);
                }
            },
        )?;
    }
    {
        let l = lab.clone();
        let g = glyph_sel;
        dom::button(
            &glyph_row,
            "Store it",
            "Store this glyph as a memory",
            move || {
                if let Some(c) = GLYPH_CHARS.chars().nth(g.selected_index().max(0) as usize) {
                    l.borrow_mut().store_glyphs(&c.to_string());
                }
            },
        )?;
    }

    // Memories section.
    let mem = by_id(&panel, "hopfield-library")?
        .parent_element()
        .ok_or("no memories box")?;
    let mrow = dom::el(&mem, "div", "row")?;
    let library = by_id(&panel, "hopfield-library")?;
    mem.insert_before(&mrow, Some(&library))?;
    {
        let l = lab.clone();
        dom::button(
            &mrow,
            "Store drawing",
            "Store the grid as a memory (k)",
            move || l.borrow_mut().store_current(),
        )?;
    }
    {
        let l = lab.clone();
        dom::button(
            &mrow,
            "A H O U",
            "Store four glyphs Hebbian learning holds apart",
            move || {
                let mut lab = l.borrow_mut();
                lab.memories.clear();
                lab.store_glyphs("AHOU");
            },
        )?;
    }
    {
        let l = lab.clone();
        dom::button(
            &mrow,
            "A–E (correlated)",
            "Five similar glyphs: Hebbian learning makes fake memories",
            move || {
                let mut lab = l.borrow_mut();
                lab.memories.clear();
                lab.store_glyphs("ABCDE");
            },
        )?;
    }
    {
        let l = lab.clone();
        dom::button(
            &mrow,
            "Forget all",
            "Remove every memory (W = 0)",
            move || l.borrow_mut().clear_memories(),
        )?;
    }
    let frow = dom::el(&mem, "div", "row")?;
    mem.insert_before(&frow, Some(&library))?;
    {
        let l = lab.clone();
        dom::button(
            &frow,
            "Export JSON",
            "Download the memories, the drawing and W (N ≤ 1024)",
            move || l.borrow().export_json(),
        )?;
    }
    {
        let l = lab.clone();
        crate::web::storage::file_button(
            &frow,
            "Import JSON",
            "Load a library exported from this page (replaces the current one)",
            ".json,application/json",
            crate::core::hopfield::file::MAX_BYTES as f64,
            move |text| {
                let result = text.and_then(|t| l.borrow_mut().import_text(&t));
                match result {
                    Ok(k) => crate::web::status::info(&format!("imported {k} memories")),
                    Err(e) => {
                        crate::web::status::warn(&format!("import refused, nothing changed: {e}"))
                    }
                }
            },
        )?;
    }
    {
        let l = lab.clone();
        dom::button(
            &train_row,
            "Train 100 steps",
            "Run the gradient rule 100 more iterations",
            move || l.borrow_mut().train_more(100),
        )?;
    }
    {
        let l = lab.clone();
        dom::button(
            &mrow,
            "Count fake memories",
            "Evolve 300 random starts and report where they end",
            move || l.borrow_mut().count_spurious(),
        )?;
    }

    // Corrupt section.
    let cor = by_id(&panel, "hopfield-corrupt")?;
    {
        let l = lab.clone();
        let p0 = lab.borrow().noise;
        let s = dom::slider(&cor, "Noise", 0.0, 0.5, 0.01, p0, dom::fmt_pct, move |v| {
            l.borrow_mut().noise = v.clamp(0.0, 0.5);
            mark_dirty();
        })?;
        lab.borrow_mut().ui.noise = Some(s);
    }
    let crow = dom::el(&cor, "div", "row")?;
    {
        let l = lab.clone();
        dom::button(
            &crow,
            "Add noise",
            "Flip exactly round(p·N) random neurons",
            move || l.borrow_mut().add_noise(),
        )?;
    }
    for (label, half) in [
        ("Hide left", Half::Left),
        ("Hide right", Half::Right),
        ("Hide top", Half::Top),
        ("Hide bottom", Half::Bottom),
    ] {
        let l = lab.clone();
        dom::button(&crow, label, "Blank one half: a partial cue", move || {
            l.borrow_mut().occlude(half)
        })?;
    }
    {
        let l = lab.clone();
        dom::button(
            &crow,
            "Scribble centre",
            "Cover the middle third with random pixels",
            move || l.borrow_mut().occlude_centre(),
        )?;
    }
    {
        let l = lab.clone();
        let f0 = lab.borrow().mix;
        dom::slider(&cor, "Mix", 0.0, 1.0, 0.05, f0, dom::fmt_pct, move |v| {
            l.borrow_mut().mix = v.clamp(0.0, 1.0)
        })?;
        let l = lab.clone();
        dom::button(
            &cor,
            "Mix in another memory",
            "Copy this fraction of pixels from another stored pattern",
            move || l.borrow_mut().mix_memory(),
        )?;
    }

    // Recall section.
    let rec = by_id(&panel, "hopfield-recall")?;
    let rrow = dom::el(&rec, "div", "row")?;
    {
        let l = lab.clone();
        dom::button(
            &rrow,
            "One neuron",
            "Update the highlighted neuron (n)",
            move || {
                use crate::web::app::Lab;
                l.borrow_mut().step()
            },
        )?;
    }
    {
        let l = lab.clone();
        dom::button(&rrow, "One sweep", "Update every neuron once", move || {
            let mut lab = l.borrow_mut();
            let n = lab.side * lab.side;
            lab.speed_hint = n as u32;
            let k = if lab.mode == Mode::Sync {
                1
            } else {
                n - lab.dynamics.position_in_sweep()
            };
            lab.recall(k);
        })?;
    }
    {
        let l = lab.clone();
        dom::button(
            &rrow,
            "To a fixed point",
            "Run until a sweep changes nothing",
            move || {
                let mut lab = l.borrow_mut();
                let n = lab.side * lab.side;
                lab.speed_hint = n as u32;
                for _ in 0..2000 {
                    lab.recall(n);
                    if lab.outcome != super::Outcome::Running {
                        break;
                    }
                }
            },
        )?;
    }
    {
        let l = lab.clone();
        dom::button(
            &rrow,
            "Back to the cue",
            "Return to the state recall started from (r)",
            move || l.borrow_mut().restart_from_start(),
        )?;
    }
    dom::text(
        &rec,
        "p",
        "muted small",
        "Θ(z) = +1 if z > 0 else −1, applied to the local field hᵢ = Σⱼ wᵢⱼyⱼ + bᵢ. Space plays; the speed \
         slider sets neuron updates per frame.",
    )?;
    Ok(())
}
