//! The Hopfield lab's layout: controls built from the table's rows, buttons from [`Action`]
//! rows (stable keys for scenes and `hide=`), the grid, read-outs and plots.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, HtmlSelectElement};

use super::HopfieldLab;
use crate::core::hopfield::run::Origin;
use crate::core::pattern::{Half, GLYPH_CHARS};
use crate::web::app::{mark_dirty, Lab};
use crate::web::canvas::PixelLayer;
use crate::web::dom;
use crate::web::plot::Plot;
use crate::web::settings::{self, Action};
use crate::web::status;

/// Elements the lab updates after it is built.
pub struct Ui {
    pub train_info: HtmlElement,
    pub train_row: HtmlElement,
    /// Learning in progress: a bar, what is learnt, Cancel.
    pub learn_row: HtmlElement,
    learn_bar: web_sys::HtmlProgressElement,
    learn_text: HtmlElement,
    pub readout: HtmlElement,
    pub outcome: HtmlElement,
    pub library: HtmlElement,
    pub banner: HtmlElement,
    pub glyph: HtmlSelectElement,
    pub energy_plot: Plot,
    pub overlap_plot: Plot,
    pub weights_plot: Plot,
    pub weights_note: HtmlElement,
    pub energies: HtmlElement,
    draw: HtmlElement,
    mem: HtmlElement,
    cor: HtmlElement,
    rec: HtmlElement,
}

impl Ui {
    /// Builds the panel. Returns it, the UI handles, the grid layer and the capacity panel's root.
    pub fn build(side: usize) -> Result<(HtmlElement, Ui, PixelLayer, HtmlElement), JsValue> {
        let panel = dom::lab_panel("hopfield", "hopfield")?;
        let (left, mid, right) = dom::stage(&panel, "")?;

        let grid = PixelLayer::new(&left, "grid main-pic", side as u32, side as u32)?;
        dom::img_label(&grid.canvas, "neuron grid: draw with the pointer (right button or Shift erases); orange marks the neuron updated next")?;
        let readout = dom::text(&left, "div", "readout", "")?;
        readout.set_id("hopfield-readout");
        let outcome = dom::text(&left, "div", "outcome", "")?;
        outcome.set_id("hopfield-outcome");

        let section = |title: &str, id: &str| -> Result<HtmlElement, JsValue> {
            let s = dom::el(&mid, "div", "controls")?;
            s.set_id(id);
            dom::text(&s, "h3", "", title)?;
            Ok(s)
        };
        let draw = section("Draw", "hopfield-draw")?;
        let mem = section("Memories", "hopfield-memories")?;
        let learn_row = dom::el(&mem, "div", "row learning hidden")?;
        learn_row.set_id("hopfield-learning");
        learn_row.set_attribute("role", "status")?;
        let learn_bar =
            dom::el(&learn_row, "progress", "")?.dyn_into::<web_sys::HtmlProgressElement>()?;
        learn_bar.set_max(1.0);
        learn_bar.set_attribute("aria-label", "learning progress")?;
        let learn_text = dom::text(&learn_row, "span", "small", "")?;
        let train_row = dom::el(&mem, "div", "row hidden")?;
        let train_info = dom::text(&mem, "div", "muted small", "")?;
        train_info.set_id("hopfield-train");
        let banner = dom::el(&mem, "div", "banner hidden")?;
        banner.set_id("hopfield-link-banner");
        let library = dom::el(&mem, "div", "library")?;
        library.set_id("hopfield-library");
        let cor = section("Corrupt the cue", "hopfield-corrupt")?;
        let rec = section("Recall", "hopfield-recall")?;

        let energy_plot = Plot::new(&right, "plot", 440.0, 190.0)?;
        dom::img_label(&energy_plot.canvas, "energy against sweeps")?;
        let overlap_plot = Plot::new(&right, "plot", 440.0, 150.0)?;
        dom::img_label(
            &overlap_plot.canvas,
            "overlap m = ξ·y/N with each memory: +1 is the memory, −1 its inverse",
        )?;
        let weights_plot = Plot::new(&right, "plot", 440.0, 300.0)?;
        dom::img_label(&weights_plot.canvas, "weight matrix W as a heatmap")?;
        let weights_note = dom::text(&right, "p", "muted small", "")?;
        let energies = dom::el(&right, "table", "mem-energies")?;
        energies.set_id("hopfield-energies");
        let cap_root = dom::el(&panel, "div", "controls capacity")?;

        let glyph_row = dom::el(&draw, "div", "row")?;
        let chars: Vec<String> = GLYPH_CHARS.chars().map(|c| c.to_string()).collect();
        let refs: Vec<&str> = chars.iter().map(|s| s.as_str()).collect();
        let glyph = dom::select(&glyph_row, "Glyph", &refs, 10, |_| {})?;
        if let Some(p) = glyph.parent_element() {
            p.set_attribute("data-key", "glyph")?;
        }
        let ui = Ui {
            train_info,
            train_row,
            learn_row,
            learn_bar,
            learn_text,
            readout,
            outcome,
            library,
            banner,
            glyph,
            energy_plot,
            overlap_plot,
            weights_plot,
            weights_note,
            energies,
            draw,
            mem,
            cor,
            rec,
        };
        Ok((panel, ui, grid, cap_root))
    }

    /// Shows learning under way — a one-shot rule building W, or gradient iterations — with its
    /// progress (hidden when W is ready).
    pub fn show_learning(&self, run: &crate::core::hopfield::run::HopfieldRun) {
        let busy = run.training_pending() || run.counting().is_some();
        let _ = self
            .learn_row
            .class_list()
            .toggle_with_force("hidden", !busy);
        // How far time-budgeted work has got follows the machine's speed, not the run: marked
        // so that comparisons of what a scene shows (the replay tests) leave it out.
        for e in [&self.learn_row, &self.train_info] {
            let _ = if busy {
                e.set_attribute("data-busy", "1")
            } else {
                e.remove_attribute("data-busy")
            };
        }
        if !busy {
            let _ = self.learn_row.remove_attribute("data-fraction");
            return;
        }
        let (fraction, text) = match (run.learning(), run.training()) {
            (Some(l), _) => (
                l.fraction,
                format!(
                    "Learning W with {} from {} memories: {:.0} % (recall waits)",
                    l.rule,
                    l.patterns,
                    100.0 * l.fraction
                ),
            ),
            (None, Some(t)) => {
                let all = (t.iterations + t.left).max(1);
                (
                    t.iterations as f64 / all as f64,
                    format!(
                        "Gradient rule: iteration {} of {all} (recall waits)",
                        (t.iterations + 1).min(all)
                    ),
                )
            }
            (None, None) => (0.0, "Learning W (recall waits)".to_string()),
        };
        let (fraction, text) = match run.counting() {
            Some((done, all)) if !run.training_pending() => (
                done as f64 / all.max(1) as f64,
                format!("Counting fake memories: {done} of {all} random starts"),
            ),
            _ => (fraction, text),
        };
        self.learn_bar.set_value(fraction);
        self.learn_text.set_text_content(Some(&text));
        let _ = self
            .learn_row
            .set_attribute("data-fraction", &format!("{fraction:.3}"));
    }

    /// Reports gradient-rule training (and shows its button only for a gradient rule).
    pub fn show_training(&self, t: Option<crate::core::hopfield::run::Training>) {
        let _ = self
            .train_row
            .class_list()
            .toggle_with_force("hidden", t.is_none());
        let Some(t) = t.filter(|t| t.iterations > 0) else {
            self.train_info.set_text_content(None);
            let _ = self.train_info.remove_attribute("data-stable");
            let _ = self.train_info.remove_attribute("data-iterations");
            return;
        };
        self.train_info.set_text_content(Some(&format!(
            "{} gradient steps: {} of {} memories are fixed points{}",
            t.iterations,
            t.stable,
            t.patterns,
            if t.left > 0 { " — training…" } else { "" }
        )));
        let _ = self
            .train_info
            .set_attribute("data-stable", &t.stable.to_string());
        let _ = self
            .train_info
            .set_attribute("data-iterations", &t.iterations.to_string());
    }
}

impl HopfieldLab {
    fn glyph(&self) -> char {
        GLYPH_CHARS
            .chars()
            .nth(self.ui.glyph.selected_index().max(0) as usize)
            .unwrap_or('A')
    }

    fn occlude(&mut self, half: Half) {
        self.run.occlude(half);
    }
}

static DRAW: &[Action<HopfieldLab>] = &[
    Action {
        key: "clear",
        label: "Clear",
        tip: "Set every neuron to −1",
        run: |l| l.run.clear_grid(),
    },
    Action {
        key: "invert",
        label: "Invert",
        tip: "Flip every neuron (y → −y has the same energy)",
        run: |l| l.run.invert_grid(),
    },
    Action {
        key: "random",
        label: "Random",
        tip: "Each neuron ±1 with probability ½",
        run: |l| l.run.random_grid(),
    },
];

static GLYPHS: &[Action<HopfieldLab>] = &[
    Action {
        key: "draw-glyph",
        label: "Draw it",
        tip: "Put this letter or digit on the grid",
        run: |l| {
            let c = l.glyph();
            if let Err(e) = l.run.load_glyph(c) {
                status::warn(&e);
            }
        },
    },
    Action {
        key: "store-glyph",
        label: "Store it",
        tip: "Store this glyph as a memory",
        run: |l| {
            let c = l.glyph();
            l.store_glyphs(&c.to_string(), false);
        },
    },
];

static MEMORIES: &[Action<HopfieldLab>] = &[
    Action {
        key: "store",
        label: "Store drawing",
        tip: "Store the grid as a memory",
        run: |l| HopfieldLab::say(l.run.store_current()),
    },
    Action {
        key: "ahou",
        label: "A H O U",
        tip: "Store four glyphs Hebbian learning holds apart",
        run: |l| l.store_glyphs("AHOU", true),
    },
    Action {
        key: "ae",
        label: "A–E (correlated)",
        tip: "Five similar glyphs: Hebbian learning makes fake memories",
        run: |l| l.store_glyphs("ABCDE", true),
    },
    Action {
        key: "forget",
        label: "Forget all",
        tip: "Remove every memory (W = 0)",
        run: |l| l.run.clear_memories(),
    },
    Action {
        key: "count",
        label: "Count fake memories",
        tip: "Evolve 300 random starts and report where they end",
        run: |l| {
            HopfieldLab::say(l.run.count_spurious().map(|done| {
                done.unwrap_or_else(|| {
                    "counting where 300 random starts end, a few sweeps a frame (progress and \
                     Cancel under Memories)"
                        .into()
                })
            }))
        },
    },
];

static FILES: &[Action<HopfieldLab>] = &[Action {
    key: "export",
    label: "Export JSON",
    tip: "Download the memories, the drawing and W (N ≤ 1024)",
    run: HopfieldLab::export_json,
}];

static BANNER: &[Action<HopfieldLab>] = &[
    Action {
        key: "keep",
        label: "Keep as my library",
        tip: "Save these memories in this browser as your own library (it replaces the saved one)",
        run: HopfieldLab::keep_link_library,
    },
    Action {
        key: "mine",
        label: "Show my library",
        tip: "Leave the link's memories and show your saved library again",
        run: HopfieldLab::back_to_saved,
    },
];

static LEARN: &[Action<HopfieldLab>] = &[Action {
    key: "cancel-learning",
    label: "Cancel",
    tip: "Stop learning: a rule building W goes back to the memories W holds; gradient \
          training stops after the iteration under way",
    run: |l| {
        if let Some(msg) = l.run.cancel_learning() {
            status::info(&msg);
        }
    },
}];

static TRAIN: &[Action<HopfieldLab>] = &[Action {
    key: "train",
    label: "Train 100 steps",
    tip: "Run the gradient rule 100 more iterations",
    run: |l| {
        if let Err(e) = l.run.train_more(100) {
            status::warn(&e);
        }
    },
}];

static CORRUPT: &[Action<HopfieldLab>] = &[
    Action {
        key: "add-noise",
        label: "Add noise",
        tip: "Flip exactly round(p·N) random neurons",
        run: |l| {
            if let Err(e) = l.run.add_noise() {
                status::warn(&e);
            }
        },
    },
    Action {
        key: "hide-left",
        label: "Hide left",
        tip: "Blank one half: a partial cue",
        run: |l| l.occlude(Half::Left),
    },
    Action {
        key: "hide-right",
        label: "Hide right",
        tip: "Blank one half: a partial cue",
        run: |l| l.occlude(Half::Right),
    },
    Action {
        key: "hide-top",
        label: "Hide top",
        tip: "Blank one half: a partial cue",
        run: |l| l.occlude(Half::Top),
    },
    Action {
        key: "hide-bottom",
        label: "Hide bottom",
        tip: "Blank one half: a partial cue",
        run: |l| l.occlude(Half::Bottom),
    },
    Action {
        key: "scribble",
        label: "Scribble centre",
        tip: "Cover the middle third with random pixels",
        run: |l| l.run.occlude_centre(),
    },
];

static MIX: &[Action<HopfieldLab>] = &[Action {
    key: "mix-in",
    label: "Mix in another memory",
    tip: "Copy this fraction of pixels from another stored pattern",
    run: |l| {
        if let Err(e) = l.run.mix_memory() {
            status::warn(&e);
        }
    },
}];

static RECALL: &[Action<HopfieldLab>] = &[
    Action {
        key: "one-neuron",
        label: "One neuron",
        tip: "Update the highlighted neuron (n)",
        run: |l| l.step(),
    },
    Action {
        key: "one-sweep",
        label: "One sweep",
        tip: "Update every neuron once",
        run: |l| {
            l.speed_hint = l.run.n() as u32;
            let k = l.run.left_in_sweep();
            l.recall(k);
        },
    },
    Action {
        key: "fixed-point",
        label: "To a fixed point",
        tip: "Run until a sweep changes nothing",
        run: |l| {
            l.speed_hint = l.run.n() as u32;
            if let Err(e) = l.run.to_fixed_point(2000) {
                status::warn(&e);
            }
        },
    },
    Action {
        key: "back",
        label: "Back to the cue",
        tip: "Return to the state recall started from (r)",
        run: |l| l.run.restart_from_start(),
    },
];

/// Builds every control and button of the lab.
pub fn wire(lab: &Rc<RefCell<HopfieldLab>>) -> Result<(), JsValue> {
    let (draw, mem, cor, rec, banner, library, train_row, learn_row) = {
        let l = lab.borrow();
        let u = &l.ui;
        (
            u.draw.clone(),
            u.mem.clone(),
            u.cor.clone(),
            u.rec.clone(),
            u.banner.clone(),
            u.library.clone(),
            u.train_row.clone(),
            u.learn_row.clone(),
        )
    };
    let first = draw
        .first_element_child()
        .and_then(|h| h.next_element_sibling());
    settings::build(lab, &draw, &["n"])?;
    if let (Some(first), Some(n)) = (first, lab.borrow().controls.element("n")) {
        draw.insert_before(n, Some(&first))?;
    }
    {
        let l = lab.clone();
        let c = dom::checkbox(&draw, "Erase (or right button / Shift)", false, move |on| {
            l.borrow_mut().erase = on
        })?;
        if let Some(p) = c.parent_element() {
            p.set_attribute("data-key", "erase")?;
        }
    }
    let row = dom::el(&draw, "div", "row")?;
    settings::buttons(lab, &row, DRAW)?;
    if let Some(glyph_row) = lab
        .borrow()
        .ui
        .glyph
        .parent_element()
        .and_then(|p| p.parent_element())
    {
        draw.append_child(&glyph_row)?;
        settings::buttons(lab, &glyph_row, GLYPHS)?;
    }

    // Memories: rule, buttons, the link banner, the library.
    let top = mem
        .first_element_child()
        .and_then(|h| h.next_element_sibling());
    settings::build(lab, &mem, &["rule"])?;
    let mrow = dom::el(&mem, "div", "row")?;
    settings::buttons(lab, &mrow, MEMORIES)?;
    let frow = dom::el(&mem, "div", "row")?;
    settings::buttons(lab, &frow, FILES)?;
    {
        let l = lab.clone();
        crate::web::storage::file_button(
            &frow,
            "Import JSON",
            "Load a library exported from this page (replaces the current one)",
            ".json,application/json",
            crate::core::hopfield::file::MAX_BYTES as f64,
            move |text| l.borrow_mut().import_text(text),
        )?;
    }
    for node in [
        lab.borrow().controls.element("rule").cloned(),
        Some(mrow),
        Some(frow),
    ]
    .into_iter()
    .flatten()
    {
        mem.insert_before(&node, top.as_ref().map(|t| t.as_ref()))?;
    }
    settings::buttons(lab, &train_row, TRAIN)?;
    settings::buttons(lab, &learn_row, LEARN)?;
    dom::text(&banner, "p", "small", "")?;
    let brow = dom::el(&banner, "div", "row")?;
    settings::buttons(lab, &brow, BANNER)?;
    mem.append_child(&library)?;

    // Corrupt.
    settings::build(lab, &cor, &["noise"])?;
    let crow = dom::el(&cor, "div", "row")?;
    settings::buttons(lab, &crow, CORRUPT)?;
    settings::build(lab, &cor, &["mix"])?;
    settings::buttons(lab, &cor, MIX)?;

    // Recall.
    settings::build(lab, &rec, &["mode"])?;
    let rrow = dom::el(&rec, "div", "row")?;
    settings::buttons(lab, &rrow, RECALL)?;
    dom::text(
        &rec,
        "p",
        "muted small",
        "Θ(z) = +1 if z > 0 else −1, applied to the local field hᵢ = Σⱼ wᵢⱼyⱼ + bᵢ. Space plays; the speed \
         slider sets neuron updates per frame.",
    )?;
    // Ids the page's tests and scripts know.
    let l = lab.borrow();
    for (key, id) in [
        ("n", "hopfield-side"),
        ("rule", "hopfield-rule"),
        ("mode", "hopfield-mode"),
    ] {
        if let Some(Ok(Some(sel))) = l.controls.element(key).map(|e| e.query_selector("select")) {
            sel.set_id(id);
        }
    }
    drop(l);
    super::views::wire_library(lab)
}

impl HopfieldLab {
    /// Downloads the library as JSON (with W when N ≤ 1024).
    fn export_json(&mut self) {
        let weights = self
            .run
            .network()
            .filter(|n| n.n() <= 1024)
            .map(|n| n.weights());
        let text = crate::core::hopfield::file::to_json(&self.run.library(), weights);
        match crate::web::storage::download_text("hopfield-library.json", "application/json", &text)
        {
            Ok(()) => status::info(&format!("exported {} memories", self.run.memories().len())),
            Err(e) => status::warn(&format!("export failed: {e:?}")),
        }
    }

    /// Replaces the library from a file's text; on any error nothing changes. An import is an
    /// explicit act: the imported library becomes the user's own.
    fn import_text(&mut self, text: Result<String, String>) {
        let result = text.and_then(|t| {
            let lib = crate::core::hopfield::file::parse(&t).map_err(|e| e.to_string())?;
            self.run.import(lib)
        });
        match result {
            Ok(k) => {
                self.run.keep_link_library();
                status::info(&format!("imported {k} memories"));
            }
            Err(e) => status::warn(&format!("import refused, nothing changed: {e}")),
        }
        crate::web::settings::sync(self);
        mark_dirty();
    }

    /// Shows the banner while a link's memories are on screen.
    pub(super) fn draw_banner(&self) {
        let link = self.run.origin() == Origin::Link;
        let b = &self.ui.banner;
        let _ = b.class_list().toggle_with_force("hidden", !link);
        if !link {
            return;
        }
        let saved = match self.saved_count() {
            Some(k) => format!("your saved library ({k} memories) is untouched"),
            None => "nothing you saved is touched".to_string(),
        };
        if let Some(p) = b.first_element_child() {
            p.set_text_content(Some(&format!(
                "These memories came with the link; {saved}. Changes here are not saved unless you keep them."
            )));
        }
    }
}
