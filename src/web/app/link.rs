//! The link state of the shell: reading and writing the URL hash (the lab, the seed, the speed,
//! the lab's settings, `hide=` and `embed=`), lecture scenes, and what `hide=` and `embed=`
//! show.

use wasm_bindgen::prelude::*;
use web_sys::Element;

use super::{mark_dirty, App};
use crate::core::{params::Params, shell};
use crate::web::{lecture, status};

impl App {
    /// The shareable state of the active lab, as the URL hash would carry it.
    pub fn state_hash(&self) -> String {
        self.params().format()
    }

    /// The link state: the lab, the seed, the speed (if not 1), the lab's settings, `hide=` and
    /// `embed=`.
    pub(super) fn params(&self) -> Params {
        let mut p = Params::new(self.lab().borrow().id());
        p.set("seed", &self.seed.to_string());
        if self.speed != 1 {
            p.set("speed", &self.speed.to_string());
        }
        self.lab().borrow().save(&mut p);
        if !self.hide.is_empty() {
            p.set("hide", &self.hide.join(","));
        }
        shell::write(&mut p, self.embed.on());
        p
    }

    /// Applies lecture scene `i` ([`lecture::SCENES`]): its link (keeping the current `hide=`
    /// and `embed=` unless the scene sets its own), then the buttons it presses, then its note.
    pub fn choose_scene(&mut self, i: usize) {
        let Some(sc) = lecture::SCENES.get(i) else {
            return;
        };
        self.scene = Some(i);
        if let Some(m) = &self.scene_menu {
            m.set_value(&i.to_string());
        }
        let hash = shell::carry_over(sc.hash, &self.hide, self.embed.on());
        let clean = self.apply_hash(&hash);
        // Clicking runs the lab's own handlers, which borrow the lab: hold no borrow here.
        let panel = self.lab().borrow().panel().clone();
        let mut missing = Vec::new();
        for b in sc.press {
            if lecture::press(&panel, b) == 0 {
                missing.push(*b);
            }
        }
        let n = lecture::SCENES.len();
        if !missing.is_empty() {
            status::warn(&format!(
                "scene {}: no button {:?} in this lab",
                i + 1,
                missing
            ));
        } else if clean {
            // The note itself is in the scene panel, with its formulas typeset.
            status::info(&format!("Scene {}/{n} · {}", i + 1, sc.title));
        }
        self.scene_panel.set(i, n, sc.title, sc.note);
    }

    /// The scene chosen last (an index into [`lecture::SCENES`]).
    pub fn scene(&self) -> Option<usize> {
        self.scene
    }

    /// Goes `delta` scenes forward (or back); from no scene, `]` starts at the first.
    pub fn step_scene(&mut self, delta: i32) {
        let n = lecture::SCENES.len() as i32;
        let next = match self.scene {
            None if delta > 0 => 0,
            None => n - 1,
            Some(k) => k as i32 + delta,
        };
        if (0..n).contains(&next) {
            self.choose_scene(next as usize);
        } else {
            status::info(if next < 0 {
                "this is the first lecture scene"
            } else {
                "this is the last lecture scene"
            });
        }
    }

    /// The labels hidden by the link's `hide=`.
    pub fn hidden_labels(&self) -> &[String] {
        &self.hide
    }

    /// Hides what `hide=` names in the active lab, the header and the footer (and shows again
    /// what it no longer names), then shows only the main picture if `embed=1`; returns the
    /// labels that matched nothing.
    pub(super) fn apply_hide(&mut self) -> Vec<String> {
        lecture::unhide_all(&self.root);
        let panel = self.lab().borrow().panel().clone();
        let mut unknown = Vec::new();
        if !self.hide.is_empty() {
            let mut scopes: Vec<Element> = vec![panel.clone().into()];
            for sel in ["header.top", "footer.foot"] {
                if let Ok(Some(e)) = self.root.query_selector(sel) {
                    scopes.push(e);
                }
            }
            unknown = lecture::hide_in(&scopes, &self.hide);
        }
        self.embed.apply(&self.root, &panel);
        unknown
    }

    /// Applies a hash such as `#hopfield?n=32&seed=1` (the same as following a link); returns
    /// false if some setting was refused (the status line then says which).
    pub fn apply_hash(&mut self, hash: &str) -> bool {
        let hash = if hash.starts_with('#') {
            hash.to_string()
        } else {
            format!("#{hash}")
        };
        let Some(w) = web_sys::window() else {
            return false;
        };
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&hash));
        }
        // Read back what the browser made of it (it may re-encode characters). A browser may
        // also drop the change (Chromium ignores history changes beyond ~100 in 10 s): then
        // apply what was asked, and take the address bar as it is so that the frame loop does
        // not mistake the old address for a link followed from outside.
        let loc = w.location().hash().unwrap_or_default();
        let same = Params::parse(&loc).ok() == Params::parse(&hash).ok();
        let ok = self.load_hash(if same { &loc } else { &hash });
        self.last_hash = loc;
        ok
    }

    /// Applies a link state; returns false if some setting was refused (and says so).
    pub(super) fn load_hash(&mut self, hash: &str) -> bool {
        self.last_hash = hash.to_string();
        let p = match Params::parse(hash) {
            Ok(p) => p,
            Err(e) => {
                status::warn(&e.to_string());
                self.select(self.active);
                return false;
            }
        };
        let raw_lab = hash
            .trim_start_matches('#')
            .trim_start_matches('/')
            .split('?')
            .next()
            .unwrap_or("");
        let found = self.index_of(&p.lab);
        // A fragment that is not a lab id at all (another page's `#a=b`) is simply ignored.
        let names_a_lab = !raw_lab.is_empty()
            && raw_lab.len() <= 32
            && raw_lab
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if found.is_none() && names_a_lab {
            // A mistyped lab: say so, and apply nothing of the link to the lab on screen.
            let name: String = raw_lab.chars().take(32).collect();
            status::warn(&format!(
                "no lab named {name:?}: the labs are {}; nothing was changed",
                self.lab_ids().join(", ")
            ));
            self.select(self.active);
            return false;
        }
        let idx = found.unwrap_or(self.active);
        let mut msgs = Vec::new();
        // `hide=` belongs to the link: a link without it shows everything again.
        let (hide, refused) = lecture::parse_hide(p.get("hide").unwrap_or(""));
        self.hide = hide;
        msgs.extend(refused);
        // So do `embed=` and `scene=`.
        let (link, refused) = shell::read(&p, lecture::SCENES.len());
        self.embed.set_on(link.embed);
        msgs.extend(refused);
        match p.u64_in("seed", 0, u64::MAX) {
            Ok(Some(s)) => {
                self.seed = s;
                self.seed_input.set_value(&s.to_string());
            }
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.u64_in("speed", 1, 10_000) {
            Ok(s) => {
                // A link without speed= plays at the default speed (scenes replay exactly).
                let s = s.unwrap_or(1);
                self.speed = s as u32;
                if let Some(sl) = &self.speed_slider {
                    sl.set((s as f64).log10());
                }
            }
            Err(e) => msgs.push(e.to_string()),
        }
        self.select(idx);
        {
            let mut lab = self.lab().borrow_mut();
            lab.reset(self.seed);
            msgs.extend(lab.load(&p));
        }
        // After the lab's load: it may have rebuilt some of its controls.
        let missed = self.apply_hide();
        let unknown = lecture::unknown_in(&self.root, &missed);
        if !unknown.is_empty() {
            msgs.push(format!(
                "hide=: no control or button is called {}",
                unknown.join(", ")
            ));
        }
        let clean = msgs.is_empty();
        if !clean {
            status::warn(&msgs.join("; "));
        }
        mark_dirty();
        if let Some(i) = link.scene {
            // The scene's own link replaces this one (keeping `hide=` and `embed=`).
            self.choose_scene(i);
        }
        clean
    }

    /// A hash set from outside (address bar, a preset link, a script) wins over pending state.
    pub(super) fn sync_from_location(&mut self) {
        let current = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        if current != self.last_hash {
            self.load_hash(&current);
        }
    }

    pub(super) fn save_hash(&mut self) {
        let p = self.params();
        let active = self.active;
        if let Some((lab, about)) = self.labs[active].built.as_mut() {
            let id = lab.borrow().id();
            about.show(id, p.get("view").unwrap_or(""));
        }
        if let Some(w) = web_sys::window() {
            if let Ok(h) = w.history() {
                let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&p.format()));
            }
            self.last_hash = w.location().hash().unwrap_or_default();
        }
    }
}
