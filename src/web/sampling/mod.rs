//! The Sampling lab (lecture part 3, "Sampling Methods" to "Stochastic Gradient MCMC"), in
//! three views chosen from a select:
//!
//! - **MCMC on the plane** ([`mcmc`]): a target density on the plane (Gaussians, mixture,
//!   banana, donut, funnel, double well, ring of modes, or a landscape drawn with the pointer)
//!   sampled live by random-walk Metropolis–Hastings, Gibbs, unadjusted Langevin, MALA, HMC,
//!   NUTS, importance sampling or thousands of Langevin particles; every proposal, leapfrog
//!   path and momentum drawn from the events the core samplers emit; marginal histograms
//!   against the exact marginals, trace, autocorrelation, ESS; a second sampler side by side.
//! - **Direct sampling** ([`direct_view`]): inverse CDF, the central-limit construction,
//!   Box–Muller, and `x = Lz + μ`.
//! - **Markov chain** ([`markov_view`]): a 3–4 state chain's graph, `π_t → π`, detailed
//!   balance and ergodicity.
//!
//! All math comes from `crate::core`; this module only draws and wires controls.

mod direct_view;
mod draw;
mod markov_view;
mod mcmc;
mod plane;
mod run;
mod setup;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlSelectElement};

use super::app::{mark_dirty, Lab};
use super::dom;
use crate::core::params::Params;

use direct_view::DirectView;
use markov_view::MarkovView;
use mcmc::Mcmc;

/// The lab's three views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Mcmc,
    Direct,
    Markov,
}

impl Mode {
    const ALL: [Mode; 3] = [Mode::Mcmc, Mode::Direct, Mode::Markov];
    fn id(self) -> &'static str {
        match self {
            Mode::Mcmc => "mcmc",
            Mode::Direct => "direct",
            Mode::Markov => "markov",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Mode::Mcmc => "MCMC on the plane",
            Mode::Direct => "Direct sampling",
            Mode::Markov => "Markov chain",
        }
    }
}

/// The Sampling lab.
pub struct SamplingLab {
    panel: HtmlElement,
    mode: Mode,
    boxes: [HtmlElement; 3],
    mode_select: HtmlSelectElement,
    mcmc: Rc<RefCell<Mcmc>>,
    direct: Rc<RefCell<DirectView>>,
    markov: Rc<RefCell<MarkovView>>,
}

impl SamplingLab {
    /// Builds the lab (hidden until its tab is chosen).
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let doc = dom::document()?;
        let panel = doc.create_element("section")?.dyn_into::<HtmlElement>()?;
        panel.set_class_name("lab hidden samp");
        panel.set_id("lab-sampling");
        let bar = dom::el(&panel, "div", "samp-modebar")?;
        let labels: Vec<&str> = Mode::ALL.iter().map(|m| m.label()).collect();
        let mode_select = dom::select(&bar, "View", &labels, 0, |_| {})?;
        titled(
            &mode_select,
            "Lecture part 3: samplers on a 2-D energy landscape, direct sampling by transforms, \
             or a small Markov chain",
        );
        let boxes = [
            dom::el(&panel, "div", "samp-view")?,
            dom::el(&panel, "div", "samp-view hidden")?,
            dom::el(&panel, "div", "samp-view hidden")?,
        ];
        let mcmc = Mcmc::new(&boxes[0], seed)?;
        let direct = DirectView::new(&boxes[1], seed)?;
        let markov = MarkovView::new(&boxes[2], seed)?;
        let lab = Rc::new(RefCell::new(Self {
            panel,
            mode: Mode::Mcmc,
            boxes,
            mode_select: mode_select.clone(),
            mcmc,
            direct,
            markov,
        }));
        {
            let l = lab.clone();
            let sel = mode_select.clone();
            dom::on(&mode_select, "change", move |_: web_sys::Event| {
                let i = sel.selected_index().max(0) as usize;
                l.borrow_mut().set_mode(Mode::ALL[i.min(2)]);
                mark_dirty();
            })?;
        }
        Ok(lab)
    }

    fn set_mode(&mut self, m: Mode) {
        self.mode = m;
        for (k, b) in Mode::ALL.iter().zip(&self.boxes) {
            let _ = b.class_list().toggle_with_force("hidden", *k != m);
        }
        self.mode_select
            .set_selected_index(Mode::ALL.iter().position(|k| *k == m).unwrap_or(0) as i32);
        match m {
            Mode::Mcmc => self.mcmc.borrow_mut().touch(),
            Mode::Direct => self.direct.borrow_mut().touch(),
            Mode::Markov => self.markov.borrow_mut().touch(),
        }
    }
}

impl Lab for SamplingLab {
    fn id(&self) -> &'static str {
        "sampling"
    }
    fn title(&self) -> &'static str {
        "Sampling"
    }
    fn panel(&self) -> &HtmlElement {
        &self.panel
    }
    fn tick(&mut self, speed: u32) -> bool {
        match self.mode {
            Mode::Mcmc => self.mcmc.borrow_mut().tick(speed),
            Mode::Direct => self.direct.borrow_mut().tick(speed),
            Mode::Markov => self.markov.borrow_mut().tick(speed),
        }
    }
    fn step(&mut self) {
        match self.mode {
            Mode::Mcmc => self.mcmc.borrow_mut().step(),
            Mode::Direct => self.direct.borrow_mut().step(),
            Mode::Markov => self.markov.borrow_mut().step(),
        }
    }
    fn reset(&mut self, seed: u64) {
        self.mcmc.borrow_mut().reset(seed);
        self.direct.borrow_mut().reset(seed);
        self.markov.borrow_mut().reset(seed);
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        match self.mode {
            Mode::Mcmc => self.mcmc.borrow_mut().draw(),
            Mode::Direct => self.direct.borrow_mut().draw(),
            Mode::Markov => self.markov.borrow_mut().draw(),
        }
    }
    fn save(&self, p: &mut Params) {
        p.set("view", self.mode.id());
        match self.mode {
            Mode::Mcmc => self.mcmc.borrow().save(p),
            Mode::Direct => self.direct.borrow().save(p),
            Mode::Markov => self.markov.borrow().save(p),
        }
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        let ids = Mode::ALL.map(|m| m.id());
        match p.choice("view", &ids) {
            Ok(Some(v)) => {
                let m = Mode::ALL
                    .into_iter()
                    .find(|m| m.id() == v)
                    .unwrap_or(Mode::Mcmc);
                self.set_mode(m);
            }
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        msgs.extend(self.mcmc.borrow_mut().load(p));
        msgs.extend(self.direct.borrow_mut().load(p));
        msgs.extend(self.markov.borrow_mut().load(p));
        msgs
    }
}

/// Sets the tooltip of a control's label (the one-line explanation in the lecture's terms).
fn titled(control: &Element, tip: &str) {
    if let Some(p) = control.parent_element() {
        let _ = p.set_attribute("title", tip);
    }
}

/// Milliseconds from the page's clock.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// A number from the URL: refused (with a message) if it is not a finite number, clamped
/// into `[lo, hi]` (with a message) if outside.
fn num_param(p: &Params, key: &str, lo: f64, hi: f64, msgs: &mut Vec<String>) -> Option<f64> {
    let raw = p.get(key)?;
    match raw.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => {
            let c = v.clamp(lo, hi);
            if c != v {
                msgs.push(format!(
                    "link setting {key}={raw} is outside {lo}…{hi}; clamped to {c}"
                ));
            }
            Some(c)
        }
        _ => {
            msgs.push(format!(
                "link setting {key}={raw:?} is not a finite number; kept the current value"
            ));
            None
        }
    }
}

/// A count with thin-space thousands separators ("12 345").
fn fmt_count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    out
}

/// A number with about three significant digits.
fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if !v.is_finite() {
        "—".into()
    } else if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e5).contains(&a) {
        format!("{v:.2e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}
