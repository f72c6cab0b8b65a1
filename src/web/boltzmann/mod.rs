//! The Boltzmann lab (lecture part 2, up to the RBM): the stochastic Hopfield network, simulated
//! annealing, the exact Boltzmann distribution of a small network, and Boltzmann-machine
//! learning. Three sub-views share one tab; each lives in its own file and owns its state:
//! [`temperature`] (Gibbs sampling at T, retrieval by averaging, annealing), [`exact`] (all 2ᴺ
//! states against a sampler) and [`learning`] (clamped and free phases). All model math comes
//! from `crate::core::boltzmann`.

mod exact;
mod learning;
mod temperature;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlProgressElement};

use super::app::{mark_dirty, Lab};
use super::{dom, status};
use crate::core::params::{ParamError, Params};
use crate::core::rng::Rng;

use exact::ExactView;
use learning::LearnView;
use temperature::TempView;

/// The sub-views, in the order of the segmented control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SubView {
    Temperature,
    Exact,
    Learning,
}

impl SubView {
    const ALL: [SubView; 3] = [SubView::Temperature, SubView::Exact, SubView::Learning];
    const IDS: [&'static str; 3] = ["temp", "exact", "learn"];

    fn id(self) -> &'static str {
        Self::IDS[self as usize]
    }
    fn title(self) -> &'static str {
        match self {
            SubView::Temperature => "Temperature & annealing",
            SubView::Exact => "Exact distribution (N ≤ 16)",
            SubView::Learning => "Learning",
        }
    }
    /// What Play does here (shown when the view is chosen).
    fn hint(self) -> &'static str {
        match self {
            SubView::Temperature => {
                "Play (Space): Gibbs sweeps at T from a noisy cue; Anneal, then Play, cools from T_max"
            }
            SubView::Exact => {
                "Play: Gibbs samples pile up against the exact distribution; the TV distance falls"
            }
            SubView::Learning => {
                "Play: each step is a clamped phase, a free phase and W ← W + η∇L"
            }
        }
    }
    fn tip(self) -> &'static str {
        match self {
            SubView::Temperature => {
                "The stochastic Hopfield network: Gibbs sampling at temperature T, retrieval by averaging, simulated annealing"
            }
            SubView::Exact => {
                "A small network's exact Boltzmann distribution P(y) = exp(−E/T)/Z against Gibbs samples"
            }
            SubView::Learning => {
                "Boltzmann-machine maximum-likelihood learning: clamped phase minus free phase"
            }
        }
    }
}

/// The Boltzmann lab: a segmented control and three sub-views.
pub struct BoltzmannLab {
    panel: HtmlElement,
    active: SubView,
    seg: Vec<HtmlButtonElement>,
    sections: Vec<HtmlElement>,
    temp: Rc<RefCell<TempView>>,
    exact: Rc<RefCell<ExactView>>,
    learn: Rc<RefCell<LearnView>>,
    /// The seed of the last reset (a link's settings are applied, then the views replay from it).
    seed: u64,
}

impl BoltzmannLab {
    /// Builds the lab (hidden until its tab is chosen), seeded with `seed`.
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let doc = dom::document()?;
        let panel = doc.create_element("section")?.dyn_into::<HtmlElement>()?;
        panel.set_class_name("lab hidden bz");
        panel.set_id("lab-boltzmann");
        let seg_bar = dom::el(&panel, "div", "bz-seg")?;
        seg_bar.set_attribute("role", "tablist")?;
        seg_bar.set_attribute("aria-label", "Boltzmann lab views")?;
        let mut sections = Vec::new();
        for v in SubView::ALL {
            let s = dom::el(&panel, "section", "bz-view hidden")?;
            s.set_id(&format!("bz-{}", v.id()));
            s.set_attribute("aria-label", v.title())?;
            sections.push(s);
        }
        let mut master = Rng::new(seed);
        let temp = TempView::new(&sections[0], master.fork())?;
        let exact = ExactView::new(&sections[1], master.fork())?;
        let learn = LearnView::new(&sections[2], master.fork())?;
        let lab = Rc::new(RefCell::new(Self {
            panel,
            active: SubView::Temperature,
            seg: Vec::new(),
            sections,
            temp,
            exact,
            learn,
            seed,
        }));
        for v in SubView::ALL {
            let l = lab.clone();
            let b = dom::button(&seg_bar, v.title(), v.tip(), move || {
                l.borrow_mut().show(v);
                status::info(v.hint());
                mark_dirty();
            })?;
            b.set_attribute("role", "tab")?;
            b.set_id(&format!("bz-tab-{}", v.id()));
            lab.borrow_mut().seg.push(b);
        }
        lab.borrow_mut().show(SubView::Temperature);
        Ok(lab)
    }

    fn show(&mut self, v: SubView) {
        self.active = v;
        for (k, (s, b)) in self.sections.iter().zip(&self.seg).enumerate() {
            let on = k == v as usize;
            let _ = s.class_list().toggle_with_force("hidden", !on);
            let _ = b.class_list().toggle_with_force("active", on);
            let _ = b.set_attribute("aria-selected", if on { "true" } else { "false" });
        }
        match v {
            SubView::Temperature => self.temp.borrow_mut().touch(),
            SubView::Exact => self.exact.borrow_mut().touch(),
            SubView::Learning => self.learn.borrow_mut().touch(),
        }
    }
}

impl Lab for BoltzmannLab {
    fn id(&self) -> &'static str {
        "boltzmann"
    }
    fn title(&self) -> &'static str {
        "Boltzmann"
    }
    fn panel(&self) -> &HtmlElement {
        &self.panel
    }
    fn tick(&mut self, speed: u32) -> bool {
        let k = speed.max(1) as usize;
        match self.active {
            SubView::Temperature => self.temp.borrow_mut().tick(k),
            SubView::Exact => self.exact.borrow_mut().tick(k),
            SubView::Learning => self.learn.borrow_mut().tick(k),
        }
    }
    fn step(&mut self) {
        let _ = self.tick(1);
    }
    fn reset(&mut self, seed: u64) {
        self.seed = seed;
        // One master stream, forked in a fixed order: each view replays from the seed on its own.
        let mut master = Rng::new(seed);
        self.temp.borrow_mut().reset(master.fork());
        self.exact.borrow_mut().reset(master.fork());
        self.learn.borrow_mut().reset(master.fork());
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        match self.active {
            SubView::Temperature => self.temp.borrow_mut().draw(),
            SubView::Exact => self.exact.borrow_mut().draw(),
            SubView::Learning => self.learn.borrow_mut().draw(),
        }
    }
    fn save(&self, p: &mut Params) {
        p.set("view", self.active.id());
        match self.active {
            SubView::Temperature => self.temp.borrow().save(p),
            SubView::Exact => self.exact.borrow().save(p),
            SubView::Learning => self.learn.borrow().save(p),
        }
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        match p.choice("view", &SubView::IDS) {
            Ok(Some(id)) => {
                if let Some(v) = SubView::ALL.into_iter().find(|v| v.id() == id) {
                    self.show(v);
                }
            }
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        msgs.extend(self.temp.borrow_mut().load(p));
        msgs.extend(self.exact.borrow_mut().load(p));
        msgs.extend(self.learn.borrow_mut().load(p));
        // Settings first, then a fresh start from the seed: what the views drew in `reset` used
        // the settings from before the link, so the run would depend on what was shown before.
        self.reset(self.seed);
        msgs
    }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of the three views.

/// Lowest and highest temperature the sliders offer (log scale); `T = 0` has its own checkbox.
pub(super) const T_SLIDER_MIN: f64 = 0.01;
/// Highest slider temperature: every neuron is then nearly a fair coin.
pub(super) const T_SLIDER_MAX: f64 = 1000.0;

/// Formats a temperature for read-outs.
pub(super) fn fmt_t(t: f64) -> String {
    if t == 0.0 {
        "0".into()
    } else if t < 0.1 {
        format!("{t:.3}")
    } else if t < 10.0 {
        format!("{t:.2}")
    } else {
        format!("{t:.0}")
    }
}

fn fmt_log_t(v: f64) -> String {
    fmt_t(10f64.powf(v))
}

/// Sets a one-line tooltip on a control's label (and the control itself).
pub(super) fn tip(control: &Element, text: &str) {
    let _ = control.set_attribute("title", text);
    if let Some(p) = control.parent_element() {
        let _ = p.set_attribute("title", text);
    }
}

/// A small note in the lecture's terms, under the controls.
pub(super) fn note(parent: &Element, text: &str) -> Result<HtmlElement, JsValue> {
    dom::text(parent, "p", "bz-note", text)
}

/// The view's key formula, in readable type.
pub(super) fn formula(parent: &Element, text: &str) -> Result<HtmlElement, JsValue> {
    dom::text(parent, "p", "bz-formula", text)
}

/// A `<progress>` bar in [0, 1].
pub(super) fn progress(parent: &Element, label: &str) -> Result<HtmlProgressElement, JsValue> {
    let p = dom::el(parent, "progress", "bz-progress")?.dyn_into::<HtmlProgressElement>()?;
    p.set_max(1.0);
    p.set_value(0.0);
    p.set_attribute("aria-label", label)?;
    Ok(p)
}

/// A log-scale slider (the value shown as `10^v`); `f` gets the value itself, not its log.
#[allow(clippy::too_many_arguments)]
pub(super) fn log_slider(
    parent: &Element,
    label: &str,
    lo: f64,
    hi: f64,
    value: f64,
    title: &str,
    mut f: impl FnMut(f64) + 'static,
) -> Result<dom::Slider, JsValue> {
    let (a, b) = (lo.log10(), hi.log10());
    let s = dom::slider(
        parent,
        label,
        a,
        b,
        0.01,
        value.clamp(lo, hi).log10(),
        fmt_log_t,
        move |v| f(10f64.powf(v.clamp(a, b))),
    )?;
    tip(&s.input, title);
    Ok(s)
}

/// A temperature control: a log-scale slider over [`T_SLIDER_MIN`, `T_SLIDER_MAX`] and a
/// "T = 0" checkbox (the deterministic limit). Moving the slider unchecks the box.
pub(super) struct TempControl {
    slider: dom::Slider,
    zero: HtmlInputElement,
}

impl TempControl {
    /// Builds the control; `f` receives the effective temperature (0 when the box is checked).
    pub(super) fn new(
        parent: &Element,
        label: &str,
        t0: f64,
        title: &str,
        f: impl FnMut(f64) + 'static,
    ) -> Result<Self, JsValue> {
        let f = Rc::new(RefCell::new(f));
        let zero_slot: Rc<RefCell<Option<HtmlInputElement>>> = Rc::new(RefCell::new(None));
        let slider = {
            let (f, zs) = (f.clone(), zero_slot.clone());
            log_slider(
                parent,
                label,
                T_SLIDER_MIN,
                T_SLIDER_MAX,
                if t0 > 0.0 { t0 } else { 1.0 },
                title,
                move |t| {
                    if let Some(z) = zs.borrow().as_ref() {
                        z.set_checked(false);
                    }
                    (f.borrow_mut())(t);
                },
            )?
        };
        let zero = {
            let (f, inp) = (f.clone(), slider.input.clone());
            dom::checkbox(
                parent,
                "T = 0 (deterministic Hopfield network)",
                t0 == 0.0,
                move |on| {
                    let t = if on {
                        0.0
                    } else {
                        10f64.powf(inp.value_as_number())
                    };
                    (f.borrow_mut())(t);
                },
            )?
        };
        tip(
            &zero,
            "T = 0: yᵢ = Θ(hᵢ), the deterministic update of the Hopfield network",
        );
        *zero_slot.borrow_mut() = Some(zero.clone());
        Ok(Self { slider, zero })
    }

    /// Shows temperature `t` (without firing the handler).
    pub(super) fn set(&self, t: f64) {
        self.zero.set_checked(t == 0.0);
        if t > 0.0 {
            self.slider.set(t.clamp(T_SLIDER_MIN, T_SLIDER_MAX).log10());
        }
    }
}

/// Reads a temperature `T ∈ {0} ∪ [T_SLIDER_MIN, T_SLIDER_MAX]` from the URL: tiny positive values
/// are raised to the slider's minimum with a message; `Ok(None)` when absent.
pub(super) fn load_temperature(p: &Params, key: &str, msgs: &mut Vec<String>) -> Option<f64> {
    match p.f64_in(key, 0.0, T_SLIDER_MAX) {
        Ok(Some(t)) if t > 0.0 && t < T_SLIDER_MIN => {
            msgs.push(format!(
                "{key}={t} is below {T_SLIDER_MIN}; used {T_SLIDER_MIN} (or use {key}=0 for the deterministic limit)"
            ));
            Some(T_SLIDER_MIN)
        }
        Ok(v) => v,
        Err(e) => {
            msgs.push(e.to_string());
            None
        }
    }
}

/// Reads a number in `[lo, hi]` from the URL, pushing the message of a refused value.
pub(super) fn load_f64(
    p: &Params,
    key: &str,
    lo: f64,
    hi: f64,
    msgs: &mut Vec<String>,
) -> Option<f64> {
    keep(p.f64_in(key, lo, hi), msgs)
}

/// Reads a whole number in `[lo, hi]` from the URL, pushing the message of a refused value.
pub(super) fn load_usize(
    p: &Params,
    key: &str,
    lo: usize,
    hi: usize,
    msgs: &mut Vec<String>,
) -> Option<usize> {
    keep(p.u64_in(key, lo as u64, hi as u64), msgs).map(|v| v as usize)
}

fn keep<T>(r: Result<Option<T>, ParamError>, msgs: &mut Vec<String>) -> Option<T> {
    match r {
        Ok(v) => v,
        Err(e) => {
            msgs.push(e.to_string());
            None
        }
    }
}

/// Writes a number compactly for the URL (no trailing zeros).
pub(super) fn url_num(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Sets a read-out's text and its `data-*` attributes (raw numbers for tests and scripts).
pub(super) fn readout(el: &HtmlElement, text: &str, data: &[(&str, String)]) {
    el.set_text_content(Some(text));
    for (k, v) in data {
        let _ = el.set_attribute(&format!("data-{k}"), v);
    }
}
