//! Sub-view "Exact distribution": a small network (N = 4…12) whose Boltzmann distribution
//! `P(y) = exp(−E(y)/T)/Z` is enumerated over all 2ᴺ states and compared, live, with the
//! frequencies of a Gibbs sampler; the total-variation distance falls as samples accumulate.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::TempControl;
use super::{fmt_t, formula, load_f64, load_temperature, load_usize, note, readout, tip, url_num};
use crate::core::boltzmann::{
    gibbs_sweep, ground_states, random_network, zero_temperature_limit, ExactBoltzmann, GibbsOrder,
    Network, State, StateHistogram, Temperature,
};
use crate::core::hopfield::{hebbian, HebbianScale};
use crate::core::params::Params;
use crate::core::pattern;
use crate::core::rng::Rng;
use crate::core::trace::Trace;
use crate::web::app::mark_dirty;
use crate::web::dom;
use crate::web::plot::{Axes, Plot, Series, SeriesData, PALETTE};
use crate::web::status;

/// Sizes offered.
const N_MIN: usize = 4;
const N_MAX: usize = 12;
/// Most sweeps (one sample each) per animation frame.
const MAX_SWEEPS_PER_FRAME: usize = 20_000;
/// Weight kinds, as (URL id, label).
const KINDS: [(&str, &str); 3] = [
    ("rand", "random  wᵢⱼ ~ N(0, σ²)"),
    ("hebb1", "Hebbian, 1 random pattern"),
    ("hebb2", "Hebbian, 2 random patterns"),
];

struct Controls {
    n: dom::Slider,
    sigma: dom::Slider,
    kind: HtmlSelectElement,
    t: TempControl,
    log: HtmlInputElement,
}

/// The sub-view's state.
pub(super) struct ExactView {
    dist_plot: Plot,
    tv_plot: Plot,
    tv_out: HtmlElement,
    ground_out: HtmlElement,
    chain_out: HtmlElement,
    ctl: Option<Controls>,
    n: usize,
    sigma: f64,
    kind: usize,
    t: f64,
    log_y: bool,
    net: Network,
    state: State,
    exact: ExactBoltzmann,
    /// The distribution the sampler is compared with: `P(y)` at T, or its `T → 0` limit.
    target: Vec<f64>,
    /// State indices sorted by energy (lowest first): the x axis of the distribution chart.
    order: Vec<usize>,
    ys_exact: Vec<f64>,
    ys_samp: Vec<f64>,
    hist: StateHistogram,
    /// `(samples, log₁₀ TV)`.
    tv: Trace,
    last_tv: f64,
    ground: (f64, Vec<usize>),
    memories: Vec<Vec<i8>>,
    title: String,
    rng: Rng,
    dirty: bool,
}

/// A state as a row of squares: ■ = +1, □ = −1 (neuron 0 first).
fn squares(y: impl Iterator<Item = i8>) -> String {
    y.map(|v| if v > 0 { '■' } else { '□' }).collect()
}

/// `n` in superscript digits (2⁸).
fn superscript(n: usize) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .bytes()
        .map(|b| SUP[usize::from(b - b'0')])
        .collect()
}

fn index_squares(s: usize, n: usize) -> String {
    squares((0..n).map(|i| if (s >> i) & 1 == 1 { 1 } else { -1 }))
}

fn js(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

impl ExactView {
    /// Builds the view inside `section`.
    pub(super) fn new(section: &HtmlElement, mut rng: Rng) -> Result<Rc<RefCell<Self>>, JsValue> {
        let cols = dom::el(section, "div", "cols")?;
        let left = dom::el(&cols, "div", "col bz-wide-col")?;
        let right = dom::el(&cols, "div", "col side-col")?;
        let dist_plot = Plot::new(&left, "bz-plot", 680.0, 280.0)?;
        dom::img_label(
            &dist_plot.canvas,
            "exact probability and sampled frequency of every state, sorted by energy",
        )?;
        let tv_out = dom::text(&left, "div", "readout", "")?;
        tv_out.set_id("bz-tv");
        let tv_plot = Plot::new(&left, "bz-plot", 680.0, 220.0)?;
        dom::img_label(
            &tv_plot.canvas,
            "total-variation distance between sampled frequencies and the exact distribution",
        )?;
        let ground_out = dom::text(&left, "div", "readout bz-states", "")?;
        ground_out.set_id("bz-ground");
        let chain_out = dom::text(&left, "div", "readout bz-states", "")?;
        chain_out.set_id("bz-chain");

        let n = 8;
        let net = random_network(n, 0.7, 0.0, &mut rng).map_err(js)?;
        let state = State::new(&net, vec![-1; n]).map_err(js)?;
        let exact = ExactBoltzmann::new(&net, Temperature::ONE).map_err(js)?;
        let view = Rc::new(RefCell::new(Self {
            dist_plot,
            tv_plot,
            tv_out,
            ground_out,
            chain_out,
            ctl: None,
            n,
            sigma: 0.7,
            kind: 0,
            t: 1.0,
            log_y: false,
            net,
            state,
            exact,
            target: Vec::new(),
            order: Vec::new(),
            ys_exact: Vec::new(),
            ys_samp: Vec::new(),
            hist: StateHistogram::new(n).map_err(js)?,
            tv: Trace::new(1500),
            last_tv: 1.0,
            ground: (0.0, Vec::new()),
            memories: Vec::new(),
            title: String::new(),
            rng,
            dirty: true,
        }));
        let ctl = Self::controls(&view, &right)?;
        {
            let mut v = view.borrow_mut();
            v.ctl = Some(ctl);
            v.new_network();
        }
        Ok(view)
    }

    fn controls(view: &Rc<RefCell<Self>>, right: &HtmlElement) -> Result<Controls, JsValue> {
        let (n0, s0, k0, t0) = {
            let v = view.borrow();
            (v.n, v.sigma, v.kind, v.t)
        };
        let box1 = dom::el(right, "div", "controls")?;
        dom::text(&box1, "h3", "", "Small network")?;
        let n = dom::slider(
            &box1,
            "Neurons N",
            N_MIN as f64,
            N_MAX as f64,
            1.0,
            n0 as f64,
            |v| format!("{v:.0} ({:.0} states)", v.exp2()),
            {
                let v = view.clone();
                move |x| {
                    let mut s = v.borrow_mut();
                    s.n = (x.round() as usize).clamp(N_MIN, N_MAX);
                    s.new_network();
                    mark_dirty();
                }
            },
        )?;
        tip(
            &n.input,
            "Number of neurons; exact enumeration visits all 2ᴺ states",
        );
        let kind = {
            let v = view.clone();
            let labels: Vec<&str> = KINDS.iter().map(|k| k.1).collect();
            let sel = dom::select(&box1, "Weights", &labels, k0, move |i| {
                let mut s = v.borrow_mut();
                s.kind = i.min(KINDS.len() - 1);
                s.new_network();
                mark_dirty();
            })?;
            tip(
                &sel,
                "Random Gaussian couplings (a small spin glass) or Hebbian memories",
            );
            sel
        };
        let sigma = dom::slider(&box1, "σ", 0.1, 2.0, 0.05, s0, dom::fmt2, {
            let v = view.clone();
            move |x| {
                let mut s = v.borrow_mut();
                s.sigma = x.clamp(0.1, 2.0);
                s.new_network();
                mark_dirty();
            }
        })?;
        tip(
            &sigma.input,
            "Standard deviation of the random weights (larger σ: deeper valleys, slower mixing)",
        );
        {
            let v = view.clone();
            dom::button(
                &box1,
                "New network",
                "Draw new weights (or new memories) from the lab's random stream",
                move || {
                    v.borrow_mut().new_network();
                    status::info("new network drawn");
                },
            )?;
        }
        note(
            &box1,
            "E(y) = −½ yᵀWy − bᵀy (b = 0 here, so P(y) = P(−y)). \
             Hebbian: wᵢⱼ = (1/N) Σₚ ξᵢᵖ ξⱼᵖ; σ applies to random weights only.",
        )?;

        let box2 = dom::el(right, "div", "controls")?;
        dom::text(&box2, "h3", "", "Temperature and sampling")?;
        formula(&box2, "P(y) = exp(−E(y)/T) / Z,   Z = Σ_y exp(−E(y)/T)")?;
        let t = {
            let v = view.clone();
            TempControl::new(
                &box2,
                "T",
                t0,
                "Temperature T (log scale) of both the exact distribution and the sampler",
                move |t| {
                    v.borrow_mut().set_t(t);
                    mark_dirty();
                },
            )?
        };
        let log = {
            let v = view.clone();
            let c = dom::checkbox(&box2, "log₁₀ scale for P(y)", false, move |on| {
                let mut s = v.borrow_mut();
                s.log_y = on;
                s.dirty = true;
                mark_dirty();
            })?;
            tip(&c, "Show log₁₀ P(y): the improbable states become visible");
            c
        };
        {
            let v = view.clone();
            dom::button(
                &box2,
                "Clear samples",
                "Forget the sampled frequencies and restart the TV trace (the chain continues)",
                move || v.borrow_mut().clear_samples(),
            )?;
        }
        note(
            &box2,
            "Z sums over all 2ᴺ states. Gibbs sampling: each sweep updates every neuron with P(yᵢ = +1 | rest) = σ(2hᵢ/T) and \
             counts the state it reaches. TV = ½ Σ_y |f(y) − P(y)| falls like 1/√samples once the \
             chain mixes; at low T it stalls near ½ while the chain is stuck in one of the two \
             mirror-image valleys. At T = 0, P concentrates on the ground states and the sampler \
             becomes deterministic descent into a local minimum.",
        )?;
        Ok(Controls {
            n,
            sigma,
            kind,
            t,
            log,
        })
    }

    /// Forces a repaint.
    pub(super) fn touch(&mut self) {
        self.dirty = true;
    }

    fn temperature(&self) -> Temperature {
        Temperature::new(self.t).unwrap_or(Temperature::ZERO)
    }

    /// Draws a network of the chosen kind and size from the lab's stream, then enumerates it.
    fn new_network(&mut self) {
        let n = self.n;
        self.memories.clear();
        let net = match KINDS[self.kind.min(2)].0 {
            "rand" => random_network(n, self.sigma, 0.0, &mut self.rng).map_err(|e| e.to_string()),
            kind => {
                let count = if kind == "hebb1" { 1 } else { 2 };
                self.memories = (0..count)
                    .map(|_| pattern::random_pattern(n, &mut self.rng))
                    .collect();
                Network::new(n)
                    .map_err(|e| e.to_string())
                    .and_then(|mut net| {
                        hebbian(&mut net, &self.memories, HebbianScale::PerNeuron)
                            .map(|_| net)
                            .map_err(|e| e.to_string())
                    })
            }
        };
        let net = match net {
            Ok(net) => net,
            Err(e) => {
                status::warn(&format!("could not build the network: {e}"));
                return;
            }
        };
        let y = pattern::random_pattern(n, &mut self.rng);
        let parts = (
            State::new(&net, y),
            ExactBoltzmann::new(&net, Temperature::ONE),
            StateHistogram::new(n),
            ground_states(&net),
        );
        let (Ok(state), Ok(exact), Ok(hist), Ok(ground)) = parts else {
            status::warn(&format!("could not enumerate a network of {n} neurons"));
            return;
        };
        self.net = net;
        self.state = state;
        self.exact = exact;
        self.hist = hist;
        self.ground = ground;
        let states = 1usize << n;
        // States sorted by energy, lowest first (ties by index): the x axis.
        self.order = (0..states).collect();
        let e = self.exact.energies();
        self.order
            .sort_by(|&a, &b| e[a].total_cmp(&e[b]).then(a.cmp(&b)));
        self.target = vec![0.0; states];
        self.ys_exact = vec![0.0; states];
        self.ys_samp = vec![0.0; states];
        self.show_ground();
        self.title = format!(
            "P(y) of all 2{} = {states} states, lowest energy first",
            superscript(n)
        );
        if let Some(c) = &self.ctl {
            c.sigma.input.set_disabled(self.kind != 0);
        }
        self.set_t(self.t);
    }

    /// Recomputes the exact distribution at `t` and restarts the comparison.
    fn set_t(&mut self, t: f64) {
        self.t = if t.is_finite() && t > 0.0 {
            t.clamp(super::T_SLIDER_MIN, super::T_SLIDER_MAX)
        } else {
            0.0
        };
        let res = if self.t > 0.0 {
            self.exact
                .compute(&self.net, self.temperature())
                .map(|_| self.target.copy_from_slice(self.exact.probabilities()))
        } else {
            // T = 0: the limit of exp(−E/T)/Z, uniform on the ground states.
            zero_temperature_limit(self.exact.energies(), &mut self.target).map(|_| ())
        };
        if let Err(e) = res {
            status::warn(&format!("exact distribution unavailable: {e}"));
        }
        self.clear_samples();
    }

    fn clear_samples(&mut self) {
        self.hist.clear();
        self.tv.clear();
        self.last_tv = 1.0;
        self.dirty = true;
    }

    /// `k` Gibbs sweeps, each recorded as one sample; `false` pauses the shell.
    pub(super) fn tick(&mut self, k: usize) -> bool {
        let t = self.temperature();
        for _ in 0..k.min(MAX_SWEEPS_PER_FRAME) {
            let r = gibbs_sweep(
                &self.net,
                &mut self.state,
                t,
                GibbsOrder::Sequential,
                &mut self.rng,
                &mut |_| {},
            )
            .and_then(|_| self.hist.record(self.state.y()));
            if let Err(e) = r {
                status::warn(&format!("sampling stopped: {e}"));
                return false;
            }
        }
        match self.hist.tv_distance(&self.target) {
            Ok(tv) if tv.is_finite() => {
                self.last_tv = tv;
                self.tv
                    .push(self.hist.total() as f64, tv.max(1e-12).log10());
            }
            Ok(_) | Err(_) => {
                status::show(
                    status::Level::Error,
                    "the distance to the exact distribution is not a number; sampling stopped",
                );
                return false;
            }
        }
        self.dirty = true;
        true
    }

    /// Starts over with `rng`: a new network drawn with the current settings.
    pub(super) fn reset(&mut self, rng: Rng) {
        self.rng = rng;
        self.new_network();
    }

    /// Writes the ground states (and the stored patterns) once per network.
    fn show_ground(&self) {
        let (e_min, states) = (&self.ground.0, &self.ground.1);
        let shown: Vec<String> = states
            .iter()
            .take(4)
            .map(|&s| index_squares(s, self.n))
            .collect();
        let more = if states.len() > 4 { " …" } else { "" };
        let mems = if self.memories.is_empty() {
            String::new()
        } else {
            let m: Vec<String> = self
                .memories
                .iter()
                .map(|m| squares(m.iter().copied()))
                .collect();
            format!(" · stored patterns: {}", m.join("  "))
        };
        readout(
            &self.ground_out,
            &format!(
                "Ground state{} (E = {e_min:.3}): {}{more}{mems}",
                if states.len() == 1 { "" } else { "s" },
                shown.join("  ")
            ),
            &[
                ("count", states.len().to_string()),
                ("energy", format!("{e_min}")),
            ],
        );
    }

    /// Repaints the charts and read-outs.
    pub(super) fn draw(&mut self) -> Result<(), JsValue> {
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        // Log scale: from the least probable state (down to 10⁻⁸) to 1; states never sampled
        // are drawn on the bottom edge, so the sampled curve stays one connected line.
        let lo = self
            .target
            .iter()
            .filter(|&&p| p > 0.0)
            .fold(0.0f64, |m, &p| m.min(p.log10()))
            .max(-8.0)
            - 0.2;
        for (r, &s) in self.order.iter().enumerate() {
            let (p, f) = (self.target[s], self.hist.frequency(s));
            if self.log_y {
                self.ys_exact[r] = p.log10();
                self.ys_samp[r] = if f > 0.0 { f.log10() } else { lo };
            } else {
                self.ys_exact[r] = p;
                self.ys_samp[r] = f;
            }
        }
        let y_range = self.log_y.then_some((lo, 0.1));
        self.dist_plot.line_chart(
            &Axes {
                title: &self.title,
                x_label: "states y sorted by energy E(y) (rank)",
                y_label: if self.log_y { "log₁₀ P(y)" } else { "P(y)" },
                y_range,
                ..Default::default()
            },
            &[
                Series {
                    name: "sampled frequency",
                    color: PALETTE[0],
                    data: SeriesData::Uniform {
                        x0: 0.0,
                        dx: 1.0,
                        ys: &self.ys_samp,
                    },
                    dashed: false,
                },
                Series {
                    name: if self.t > 0.0 {
                        "exact P(y)"
                    } else {
                        "exact limit T → 0"
                    },
                    color: PALETTE[5],
                    data: SeriesData::Uniform {
                        x0: 0.0,
                        dx: 1.0,
                        ys: &self.ys_exact,
                    },
                    dashed: false,
                },
            ],
            &[],
            &[],
        );
        self.tv_plot.line_chart(
            &Axes {
                title: "Total variation ½ Σ |f(y) − P(y)| (log scale)",
                x_label: "samples (sweeps)",
                y_label: "log₁₀ TV",
                ..Default::default()
            },
            &[Series {
                name: "log₁₀ TV",
                color: PALETTE[0],
                data: SeriesData::Points(self.tv.points()),
                dashed: false,
            }],
            &[],
            &[],
        );
        let samples = self.hist.total();
        readout(
            &self.tv_out,
            &format!(
                "TV distance = {:.4} after {samples} samples · T = {} · log Z = {}",
                self.last_tv,
                fmt_t(self.t),
                if self.t > 0.0 {
                    format!("{:.3}", self.exact.log_z())
                } else {
                    "—".into()
                }
            ),
            &[
                ("tv", format!("{}", self.last_tv)),
                ("samples", samples.to_string()),
            ],
        );
        readout(
            &self.chain_out,
            &format!(
                "Chain now: {} · E = {:.3} (■ = +1, □ = −1, neuron 1 first)",
                squares(self.state.y().iter().copied()),
                self.state.energy()
            ),
            &[("energy", format!("{}", self.state.energy()))],
        );
        Ok(())
    }

    /// Writes this view's settings.
    pub(super) fn save(&self, p: &mut Params) {
        p.set("ne", &self.n.to_string());
        p.set("w", KINDS[self.kind.min(2)].0);
        p.set("sigma", &url_num(self.sigma));
        p.set("te", &url_num(self.t));
        if self.log_y {
            p.set("logp", "1");
        }
    }

    /// Applies settings from a URL; returns messages for refused values.
    pub(super) fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        let mut rebuild = false;
        if let Some(n) = load_usize(p, "ne", N_MIN, N_MAX, &mut msgs) {
            rebuild |= n != self.n;
            self.n = n;
        }
        let ids: Vec<&str> = KINDS.iter().map(|k| k.0).collect();
        match p.choice("w", &ids) {
            Ok(Some(id)) => {
                let k = ids.iter().position(|s| *s == id).unwrap_or(0);
                rebuild |= k != self.kind;
                self.kind = k;
            }
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        if let Some(s) = load_f64(p, "sigma", 0.1, 2.0, &mut msgs) {
            rebuild |= s != self.sigma;
            self.sigma = s;
        }
        match p.flag("logp") {
            Ok(Some(v)) => self.log_y = v,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        let t = load_temperature(p, "te", &mut msgs);
        if rebuild {
            if let Some(t) = t {
                self.t = t;
            }
            self.new_network();
        } else if let Some(t) = t {
            self.set_t(t);
        }
        if let Some(c) = &self.ctl {
            c.n.set(self.n as f64);
            c.sigma.set(self.sigma);
            c.kind.set_selected_index(self.kind as i32);
            c.t.set(self.t);
            c.log.set_checked(self.log_y);
        }
        self.dirty = true;
        msgs
    }
}
