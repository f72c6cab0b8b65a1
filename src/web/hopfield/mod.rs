//! The Hopfield lab (lecture part 1): draw a pattern, store memories with a chosen learning
//! rule, corrupt a cue, and watch recall lower the energy until it reaches a stored pattern,
//! its inverse, or a spurious state. The run is [`HopfieldRun`] in the core, its parameters the
//! rows of [`TABLE`]; this lab keeps the user's library in browser storage, shows a link's
//! memories without touching it, and draws.
//!
//! `ui.rs` lays out the controls and buttons, `views.rs` draws, `capacity.rs` is the capacity
//! panel.

mod capacity;
mod ui;
mod views;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::app::{lab_names, mark_dirty, Lab};
use super::canvas::PixelLayer;
use super::grid::Paintable;
use super::settings::{self, Controls, Tabled};
use super::{dom, status, storage};
use crate::core::hopfield::file;
use crate::core::hopfield::run::{HopfieldRun, Mode, Origin, Outcome, TABLE};
use crate::core::params::Params;

/// Where the library and drawing are kept between visits (versioned with the file format).
pub const STORAGE_KEY: &str = "energy-playground/hopfield/v1";
/// Milliseconds of each frame spent building or training W.
const LEARN_BUDGET_MS: f64 = 8.0;

/// The starter library: four glyphs Hebbian learning holds apart.
const STARTER: &str = "AHOU";

/// The lab's state: the core run, its controls and views, and the storage bookkeeping.
pub struct HopfieldLab {
    panel: HtmlElement,
    ui: ui::Ui,
    grid: PixelLayer,
    run: HopfieldRun,
    controls: Controls,
    capacity: capacity::CapacityPanel,
    erase: bool,
    /// Neuron updates per frame last asked for (the next neuron is highlighted when slow).
    speed_hint: u32,
    /// W as f64 for the heatmap, reused between redraws.
    wbuf: Vec<f64>,
    /// Each memory's energy and stability under the current W, filled a few per frame (each
    /// is O(N²)); `None` until computed.
    mem_rows: Vec<Option<(f64, bool)>>,
    /// The table of memory energies needs a redraw.
    mem_rows_new: bool,
    /// The saved entry could not be read nor set aside: never write over it.
    save_blocked: bool,
    /// Said at start-up (a restored or set-aside library), repeated with the first link's news.
    notice: Option<String>,
}

impl HopfieldLab {
    /// Builds the lab (hidden until its tab is chosen) with the saved library, or the starter
    /// set with a noisy cue, so Play shows recall at once.
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let run = HopfieldRun::new(seed);
        let (panel, ui, grid, cap_root) = ui::Ui::build(run.side())?;
        let capacity = capacity::CapacityPanel::new(&cap_root)?;
        let lab = Rc::new(RefCell::new(Self {
            panel,
            ui,
            grid,
            run,
            controls: Controls::default(),
            capacity,
            erase: false,
            speed_hint: 1,
            wbuf: Vec::new(),
            mem_rows: Vec::new(),
            mem_rows_new: false,
            save_blocked: false,
            notice: None,
        }));
        lab.borrow_mut().show_saved_library();
        ui::wire(&lab)?;
        super::grid::wire(&lab)?;
        capacity::wire(&lab)?;
        {
            // Another tab saved the library: show it here too (never write a stale one over it).
            let l = lab.clone();
            storage::on_change(move |key| {
                if key == STORAGE_KEY {
                    if let Ok(mut lab) = l.try_borrow_mut() {
                        lab.other_tab_saved();
                    }
                }
            })?;
        }
        Ok(lab)
    }

    /// Shows the user's saved library (or the starter set if there is none, or it is damaged).
    fn show_saved_library(&mut self) {
        let restored = match storage::load(STORAGE_KEY) {
            None => None,
            Some(text) => match file::parse(&text)
                .map_err(|e| e.to_string())
                .and_then(|lib| self.run.import(lib))
            {
                Ok(k) => Some(format!(
                    "restored {k} memories and your drawing from the last visit"
                )),
                Err(e) => {
                    let msg = match storage::set_aside(STORAGE_KEY) {
                        Ok(aside) => format!(
                            "the saved Hopfield library could not be read ({e}); it was kept under {aside:?} and the page started fresh"
                        ),
                        Err(why) => {
                            self.save_blocked = true;
                            format!(
                                "the saved Hopfield library could not be read ({e}); {why}. This page will not save over it: export your library to keep changes"
                            )
                        }
                    };
                    status::warn(&msg);
                    self.notice = Some(msg);
                    self.starter();
                    self.run.set_origin(Origin::Saved);
                    return;
                }
            },
        };
        match restored {
            Some(msg) => {
                status::info(&msg);
                self.notice = Some(msg);
            }
            None => self.starter(),
        }
        self.run.set_origin(Origin::Saved);
        let _ = self.run.wants_save();
    }

    fn starter(&mut self) {
        self.run.set_glyphs(STARTER);
        let _ = self.run.load_glyph('H');
        let _ = self.run.add_noise();
    }

    /// Another tab wrote the saved library: if this tab shows it, show the new one.
    fn other_tab_saved(&mut self) {
        if self.run.origin() != Origin::Saved || self.save_blocked {
            self.run.set_origin(self.run.origin());
            return;
        }
        if let Some(lib) = storage::load(STORAGE_KEY).and_then(|t| file::parse(&t).ok()) {
            if self.run.import(lib).is_ok() {
                let _ = self.run.wants_save();
                status::info("the library was changed in another tab; this tab now shows it");
            }
        }
    }

    /// Keeps the memories a link brought as the user's library (saved from now on).
    fn keep_link_library(&mut self) {
        self.run.keep_link_library();
        status::info("kept these memories as your library; it is saved in this browser");
        mark_dirty();
    }

    /// Leaves a link's memories and shows the user's saved library again.
    fn back_to_saved(&mut self) {
        self.show_saved_library();
        status::info("showing your saved library");
        mark_dirty();
    }

    /// Number of memories in the saved entry (for the banner), if it reads.
    fn saved_count(&self) -> Option<usize> {
        storage::load(STORAGE_KEY)
            .and_then(|t| file::parse(&t).ok())
            .map(|l| l.memories.len())
    }

    /// Saves the library and drawing in browser storage when the user's own library changed.
    fn persist(&mut self) {
        if !self.run.wants_save() || self.save_blocked {
            return;
        }
        if let Err(e) = storage::save(STORAGE_KEY, &file::to_json(&self.run.library(), None)) {
            status::warn(&e);
        }
    }

    /// Reports a core result in the status line.
    fn say(r: Result<String, String>) {
        match r {
            Ok(m) => status::info(&m),
            Err(e) => status::warn(&e),
        }
    }

    /// Stores glyphs and says what happened.
    fn store_glyphs(&mut self, text: &str, replace: bool) {
        let (added, refused) = if replace {
            self.run.set_glyphs(text)
        } else {
            self.run.store_glyphs(text)
        };
        if !refused.is_empty() {
            status::warn(&refused.join("; "));
        } else if !added.is_empty() {
            status::info(&format!(
                "stored {} with the {} rule",
                added.join(", "),
                self.run.rule_name()
            ));
        }
        mark_dirty();
    }

    /// `k` recall updates; a stop with an error is said.
    fn recall(&mut self, k: usize) {
        if let Err(e) = self.run.recall(k) {
            status::warn(&e);
        }
    }
}

impl Tabled for HopfieldLab {
    settings::tabled_parts!(HopfieldRun, TABLE, run);
    fn changed(&mut self, _key: &'static str) {}
}

impl Paintable for HopfieldLab {
    fn layer(&self) -> &PixelLayer {
        &self.grid
    }
    fn erasing(&self) -> bool {
        self.erase
    }
    fn paint(&mut self, x: usize, y: usize, v: i8) {
        self.run.paint(x, y, v);
    }
    fn stroke_done(&mut self) {
        self.run.edited();
        mark_dirty();
    }
}

lab_names!(HopfieldLab, "hopfield", "Hopfield");

impl Lab for HopfieldLab {
    lab_names!();
    fn tick(&mut self, speed: u32) -> bool {
        self.speed_hint = speed;
        let k = match self.run.mode() {
            // One synchronous update every frame is already fast to watch.
            Mode::Sync => (speed as usize / self.run.n()).max(1),
            _ => speed as usize,
        };
        self.recall(k);
        *self.run.outcome() == Outcome::Running
    }
    fn step(&mut self) {
        self.speed_hint = 1;
        self.recall(1);
    }
    fn reset(&mut self, seed: u64) {
        self.run.reset(seed);
    }
    fn background(&mut self) {
        if self.run.training_pending() {
            // Learning gets a share of the frame, checked after every unit of work (a row of
            // W, a sweep, an energy: at most O(N²), about a millisecond at N = 64²).
            let deadline = dom::now() + LEARN_BUDGET_MS;
            if let Err(e) = self.run.learn_for(&mut || dom::now() < deadline) {
                status::warn(&e);
            }
        } else if self.run.counting().is_some() {
            let deadline = dom::now() + LEARN_BUDGET_MS;
            match self.run.count_for(&mut || dom::now() < deadline) {
                Ok(msg) if msg.is_empty() => {}
                r => Self::say(r),
            }
        } else if self.mem_rows.iter().any(Option::is_none) {
            let deadline = dom::now() + LEARN_BUDGET_MS;
            self.fill_memory_rows(&mut || dom::now() < deadline);
        }
        self.capacity_frame();
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        self.persist();
        self.draw_views()
    }
    fn save(&self, p: &mut Params) {
        settings::save(self, p);
        // A link's memories replay from the link; the user's own library stays in storage.
        if self.run.origin() == Origin::Link {
            let m = self.run.memories();
            if m.iter().all(|m| m.glyph.is_some()) {
                p.set("mem", &m.iter().filter_map(|m| m.glyph).collect::<String>());
            }
        }
        // The cue replays from the seed only while it has not been edited since the link set it.
        if let Some(c) = self.run.cue() {
            p.set("cue", &c.to_string());
        }
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = settings::load(self, p);
        if p.get("mem").is_none() && self.run.origin() == Origin::Link {
            self.show_saved_library();
        }
        msgs.extend(self.run.apply_link(p.get("mem"), p.get("cue")));
        if p.get("cue").is_none() {
            self.run.restart_from_start();
        }
        // News from start-up (a library set aside) is not lost under the link's messages.
        if let Some(n) = self.notice.take() {
            if !msgs.is_empty() || n.contains("could not be read") {
                msgs.insert(0, n);
            }
        }
        settings::sync(self);
        msgs
    }
}
