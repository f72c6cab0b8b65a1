//! Sub-view "Temperature & annealing": a grid of ±1 neurons with Hebbian memories, Gibbs sampling
//! at temperature T (`P(yᵢ = +1 | rest) = σ(2hᵢ/T)`), retrieval from the last state and from the
//! average of the last M samples, overlaps with every memory, and simulated annealing with the
//! energy and temperature traces. Annealing runs are in [`anneal`], the controls are built in
//! [`controls`], the painting is in [`draw`].

mod anneal;
mod controls;
mod draw;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlProgressElement};

use super::{load_f64, load_temperature, load_usize};
use super::{progress, url_num, TempControl};
use crate::core::boltzmann::{
    gibbs_sweep, Annealer, GibbsOrder, Network, SpinAverage, State, Temperature,
};
use crate::core::hopfield::{hebbian, HebbianScale};
use crate::core::params::Params;
use crate::core::pattern::{self, TEACHING_SET};
use crate::core::rng::Rng;
use crate::core::trace::Trace;
use crate::web::canvas::PixelLayer;
use crate::web::dom;
use crate::web::grid::{self, Paintable};
use crate::web::plot::{Css, Plot, PALETTE};
use crate::web::status;

/// Grid sides offered (N = side² neurons).
const SIDES: [usize; 5] = [8, 12, 16, 24, 32];
/// Most memories (two bars each in the overlap chart).
const MAX_MEMORIES: usize = 8;
/// Work budget per animation frame, in weight-row updates (a sweep at high T flips about N/2
/// neurons, each costing one row of N): bounds the sweeps per frame on large grids.
const WORK_PER_FRAME: f64 = 4.0e6;
/// Points kept by the live traces.
const TRACE_CAP: usize = 1500;

/// Temperature schedules offered, as (URL id, label).
const SCHEDULES: [(&str, &str); 3] = [
    ("geometric", "geometric T ← αT"),
    ("linear", "linear"),
    ("log", "logarithmic"),
];

/// Annealing settings.
#[derive(Clone, Copy, Debug)]
struct AnnealParams {
    t_max: f64,
    alpha: f64,
    k: usize,
    t_min: f64,
    schedule: usize,
}

/// Handles to the controls that URL parameters move.
struct Controls {
    side: web_sys::HtmlSelectElement,
    t: TempControl,
    window: dom::Slider,
    noise: dom::Slider,
    t_max: dom::Slider,
    alpha: dom::Slider,
    k: dom::Slider,
    t_min: dom::Slider,
    schedule: web_sys::HtmlSelectElement,
    anneal_btn: HtmlButtonElement,
}

/// The sub-view's state.
pub(super) struct TempView {
    grid: PixelLayer,
    avg_grid: PixelLayer,
    bars: Plot,
    e_plot: Plot,
    t_plot: Plot,
    readout: HtmlElement,
    anneal_out: HtmlElement,
    anneal_bar: HtmlProgressElement,
    ctl: Option<Controls>,
    side: usize,
    net: Network,
    state: State,
    memories: Vec<Vec<i8>>,
    names: Vec<String>,
    labels: Vec<String>,
    colors: Vec<Css>,
    overlaps: Vec<f64>,
    e_stored: Option<f64>,
    avg: SpinAverage,
    avg_out: Vec<i8>,
    window: usize,
    t: f64,
    noise: f64,
    cue_next: usize,
    anneal: AnnealParams,
    annealer: Option<Annealer>,
    /// Whether the last anneal converged (its result is shown until the next one).
    anneal_result: bool,
    energy: Trace,
    temps: Trace,
    sweeps: u64,
    last_flips: usize,
    capped: Option<usize>,
    rng: Rng,
    erase: bool,
    dirty: bool,
}

impl Paintable for TempView {
    fn layer(&self) -> &PixelLayer {
        &self.grid
    }
    fn erasing(&self) -> bool {
        self.erase
    }
    fn paint(&mut self, x: usize, y: usize, v: i8) {
        let i = y * self.side + x;
        if i < self.state.y().len() && self.state.y()[i] != v {
            // One flip keeps the fields and the energy current (O(N)).
            self.state.flip(&self.net, i);
            self.dirty = true;
        }
    }
}

impl TempView {
    /// Builds the view inside `section`.
    pub(super) fn new(section: &HtmlElement, rng: Rng) -> Result<Rc<RefCell<Self>>, JsValue> {
        let cols = dom::el(section, "div", "cols")?;
        let left = dom::el(&cols, "div", "col bz-grid-col")?;
        let mid = dom::el(&cols, "div", "col bz-chart-col")?;
        let right = dom::el(&cols, "div", "col side-col")?;

        let side = 16;
        let n = side * side;
        let grids = dom::el(&left, "div", "bz-grids")?;
        let live = dom::el(&grids, "figure", "bz-fig")?;
        let grid = PixelLayer::new(&live, "grid bz-live", side as u32, side as u32)?;
        dom::img_label(&grid.canvas, "live neuron grid (last state y_L); draw with the pointer, right button or Shift erases")?;
        dom::text(
            &live,
            "figcaption",
            "bz-caption",
            "last state y_L (draw on it)",
        )?;
        let avg_fig = dom::el(&grids, "figure", "bz-fig")?;
        let avg_grid = PixelLayer::new(&avg_fig, "bz-avg", side as u32, side as u32)?;
        dom::img_label(
            &avg_grid.canvas,
            "retrieved pattern: sign of the average of the last M samples",
        )?;
        dom::text(
            &avg_fig,
            "figcaption",
            "bz-caption",
            "yᵢ = I[(1/M) Σ yᵢ(t) > 0] over the last M samples",
        )?;
        let readout_el = dom::text(&left, "div", "readout", "")?;
        readout_el.set_id("bz-temp-readout");
        let bars = Plot::new(&left, "bz-plot", 470.0, 190.0)?;
        dom::img_label(
            &bars.canvas,
            "overlap m = ξ·y/N of the last state and of the averaged state with each memory",
        )?;
        let legend = dom::el(&left, "div", "bz-legend")?;
        dom::text(&legend, "span", "bz-key bz-key-a", "last state y_L")?;
        dom::text(&legend, "span", "bz-key bz-key-b", "average of the last M")?;

        let e_plot = Plot::new(&mid, "bz-plot", 400.0, 230.0)?;
        dom::img_label(&e_plot.canvas, "energy E(y) after each sweep")?;
        let t_plot = Plot::new(&mid, "bz-plot", 400.0, 170.0)?;
        dom::img_label(&t_plot.canvas, "temperature T of each sweep (the schedule)")?;
        let arow = dom::el(&mid, "div", "bz-anneal-row")?;
        let anneal_slot = dom::el(&arow, "div", "")?;
        let anneal_out = dom::text(&arow, "div", "readout bz-anneal", "")?;
        anneal_out.set_id("bz-anneal");
        let anneal_bar = progress(&mid, "annealing progress")?;

        let net = Network::new(n).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let state = State::new(&net, vec![-1; n]).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let window = 20;
        let avg = SpinAverage::new(n, window).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let view = Rc::new(RefCell::new(Self {
            grid,
            avg_grid,
            bars,
            e_plot,
            t_plot,
            readout: readout_el,
            anneal_out,
            anneal_bar,
            ctl: None,
            side,
            net,
            state,
            memories: Vec::new(),
            names: Vec::new(),
            labels: Vec::new(),
            colors: Vec::new(),
            overlaps: Vec::new(),
            e_stored: None,
            avg,
            avg_out: vec![-1; n],
            window,
            t: 0.2,
            noise: 0.15,
            cue_next: 0,
            anneal: AnnealParams {
                t_max: 5.0,
                alpha: 0.9,
                k: 5,
                t_min: 0.05,
                schedule: 0,
            },
            annealer: None,
            anneal_result: false,
            energy: Trace::new(TRACE_CAP),
            temps: Trace::new(TRACE_CAP),
            sweeps: 0,
            last_flips: 0,
            capped: None,
            rng,
            erase: false,
            dirty: true,
        }));
        grid::wire(&view)?;
        let ctl = Self::controls(&view, &right, &anneal_slot)?;
        {
            let mut v = view.borrow_mut();
            v.ctl = Some(ctl);
            v.load_teaching();
            v.cue();
        }
        Ok(view)
    }

    /// Forces a repaint (the view was shown again).
    pub(super) fn touch(&mut self) {
        self.dirty = true;
    }

    fn n(&self) -> usize {
        self.side * self.side
    }

    fn temperature(&self) -> Temperature {
        Temperature::new(self.t).unwrap_or(Temperature::ZERO)
    }

    /// Stores the teaching glyphs at the current grid size.
    fn load_teaching(&mut self) {
        match pattern::teaching_patterns(self.side, self.side) {
            Some(p) => {
                self.memories = p;
                self.names = TEACHING_SET.iter().map(|c| c.to_string()).collect();
            }
            None => status::warn(&format!(
                "no glyphs at {0}×{0}; memories unchanged",
                self.side
            )),
        }
        self.cue_next = 0;
        self.rebuild_net();
    }

    /// Recomputes W by Hebb's rule from the memories and everything that depends on them.
    fn rebuild_net(&mut self) {
        if self.memories.is_empty() {
            self.net.clear();
        } else if let Err(e) = hebbian(&mut self.net, &self.memories, HebbianScale::PerNeuron) {
            status::warn(&format!("could not store the memories: {e}"));
            self.net.clear();
        }
        self.state.refresh(&self.net);
        self.e_stored = self
            .memories
            .iter()
            .map(|m| self.net.energy(m))
            .reduce(f64::min);
        self.labels.clear();
        self.colors.clear();
        for name in &self.names {
            self.labels.push(name.clone());
            self.labels.push(String::new());
            self.colors.push(PALETTE[0]);
            self.colors.push(PALETTE[1]);
        }
        self.overlaps.resize(2 * self.memories.len(), 0.0);
        self.avg.clear();
        self.dirty = true;
    }

    fn store_current(&mut self) {
        let y = self.state.y();
        if let Some(k) = self
            .memories
            .iter()
            .position(|m| m.as_slice() == y || m.iter().zip(y).all(|(a, b)| *a == -*b))
        {
            status::info(&format!(
                "the current state is memory {} (or its inverse): nothing added",
                self.names[k]
            ));
            return;
        }
        if self.memories.len() >= MAX_MEMORIES {
            status::warn(&format!(
                "at most {MAX_MEMORIES} memories here (far beyond the Hebbian capacity of glyphs); clear some first"
            ));
            return;
        }
        self.memories.push(y.to_vec());
        let name = format!("#{}", self.memories.len());
        status::info(&format!("stored the current state as memory {name}"));
        self.names.push(name);
        self.rebuild_net();
    }

    /// Sets the state to the next memory with a fraction p of its neurons flipped.
    fn cue(&mut self) {
        if self.memories.is_empty() {
            self.randomize();
            status::info("no memories: started from a random state");
            return;
        }
        let k = self.cue_next % self.memories.len();
        self.cue_next = k + 1;
        let (mem, rng, noise) = (&self.memories[k], &mut self.rng, self.noise);
        let res = self.state.modify(&self.net, |y| {
            y.copy_from_slice(mem);
            let _ = pattern::flip_fraction(y, noise, rng);
        });
        if let Err(e) = res {
            status::warn(&e.to_string());
        }
        self.avg.clear();
        self.dirty = true;
    }

    fn corrupt(&mut self) {
        let (rng, noise) = (&mut self.rng, self.noise);
        let _ = self.state.modify(&self.net, |y| {
            let _ = pattern::flip_fraction(y, noise, rng);
        });
        self.avg.clear();
        self.dirty = true;
    }

    fn randomize(&mut self) {
        let rng = &mut self.rng;
        let _ = self.state.modify(&self.net, |y| pattern::randomize(y, rng));
        self.avg.clear();
        self.dirty = true;
    }

    fn set_t(&mut self, t: f64) {
        self.t = if t.is_finite() && t > 0.0 {
            t.clamp(super::T_SLIDER_MIN, super::T_SLIDER_MAX)
        } else {
            0.0
        };
        self.dirty = true;
    }

    fn set_window(&mut self, m: usize) {
        if m == self.window {
            return;
        }
        match SpinAverage::new(self.n(), m) {
            Ok(a) => {
                self.avg = a;
                self.window = m;
            }
            Err(e) => status::warn(&e.to_string()),
        }
        self.dirty = true;
    }

    fn set_side(&mut self, side: usize) {
        if side == self.side {
            return;
        }
        let (os, n) = (self.side, side * side);
        let teaching = self.names.len() == TEACHING_SET.len()
            && self
                .names
                .iter()
                .zip(TEACHING_SET)
                .all(|(a, c)| a.len() == 1 && a.starts_with(c));
        let resampled: Result<Vec<Vec<i8>>, _> = self
            .memories
            .iter()
            .map(|m| pattern::resample(m, os, os, side, side))
            .collect();
        let y = pattern::resample(self.state.y(), os, os, side, side);
        let (Ok(mems), Ok(y), Ok(net)) = (resampled, y, Network::new(n)) else {
            status::warn(&format!("cannot resize the grid to {side}×{side}"));
            return;
        };
        let (Ok(state), Ok(avg)) = (State::new(&net, y), SpinAverage::new(n, self.window)) else {
            status::warn(&format!("cannot resize the grid to {side}×{side}"));
            return;
        };
        self.side = side;
        self.net = net;
        self.state = state;
        self.avg = avg;
        self.avg_out = vec![-1; n];
        self.memories = mems;
        self.grid.resize(side as u32, side as u32);
        self.avg_grid.resize(side as u32, side as u32);
        self.stop_anneal();
        if teaching {
            // Re-render the glyphs crisply rather than resampling them.
            self.load_teaching();
        } else {
            self.rebuild_net();
        }
    }

    /// Up to `k` sweeps (capped by the frame's work budget); `false` pauses the shell.
    pub(super) fn tick(&mut self, k: usize) -> bool {
        let n = self.n() as f64;
        let cap = (WORK_PER_FRAME / (0.5 * n * n)).max(1.0) as usize;
        let k = k.min(cap);
        self.capped = (k == cap && cap < 10_000).then_some(cap);
        self.dirty = true;
        if self.annealer.is_some() {
            return self.anneal_sweeps(k);
        }
        let t = self.temperature();
        for _ in 0..k {
            match gibbs_sweep(
                &self.net,
                &mut self.state,
                t,
                GibbsOrder::Sequential,
                &mut self.rng,
                &mut |_| {},
            ) {
                Ok(f) => self.last_flips = f,
                Err(e) => {
                    status::warn(&format!("sampling stopped: {e}"));
                    return false;
                }
            }
            self.sweeps += 1;
            if !self.after_sweep(self.t) {
                return false;
            }
        }
        true
    }

    /// Book-keeping after one sweep at temperature `t`; `false` if the energy is not finite.
    fn after_sweep(&mut self, t: f64) -> bool {
        let e = self.state.energy();
        if !e.is_finite() {
            status::show(
                status::Level::Error,
                "the energy is not a finite number; sampling stopped (reset with r)",
            );
            return false;
        }
        let _ = self.avg.push(self.state.y());
        let x = self.sweeps as f64;
        self.energy.push(x, e);
        self.temps.push(x, t);
        true
    }

    /// Starts over with `rng`: the memories stay, the state becomes a fresh cue.
    pub(super) fn reset(&mut self, rng: Rng) {
        self.rng = rng;
        self.stop_anneal();
        self.anneal_result = false;
        self.last_flips = 0;
        self.cue_next = 0;
        self.cue();
        self.restart_traces();
        self.anneal_bar.set_value(0.0);
    }

    /// Empties the traces and starts them at sweep 0 from the current state.
    fn restart_traces(&mut self) {
        self.energy.clear();
        self.temps.clear();
        self.sweeps = 0;
        self.energy.push(0.0, self.state.energy());
        self.temps.push(0.0, self.t);
        self.dirty = true;
    }

    /// Writes this view's settings.
    pub(super) fn save(&self, p: &mut Params) {
        p.set("n", &self.side.to_string());
        p.set("T", &url_num(self.t));
        p.set("M", &self.window.to_string());
        p.set("p", &url_num(self.noise));
        p.set("tmax", &url_num(self.anneal.t_max));
        p.set("alpha", &url_num(self.anneal.alpha));
        p.set("k", &self.anneal.k.to_string());
        p.set("tmin", &url_num(self.anneal.t_min));
        p.set("sched", SCHEDULES[self.anneal.schedule.min(2)].0);
    }

    /// Applies settings from a URL; returns messages for refused values.
    pub(super) fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        if let Some(n) = load_usize(p, "n", 8, 32, &mut msgs) {
            if SIDES.contains(&n) {
                if n != self.side {
                    self.set_side(n);
                    self.cue_next = 0;
                    self.cue();
                }
            } else {
                msgs.push(format!(
                    "grid side n={n} is not one of {SIDES:?}; kept {}",
                    self.side
                ));
            }
        }
        if let Some(t) = load_temperature(p, "T", &mut msgs) {
            self.set_t(t);
        }
        if let Some(m) = load_usize(p, "M", 1, 200, &mut msgs) {
            self.set_window(m);
        }
        if let Some(v) = load_f64(p, "p", 0.0, 0.5, &mut msgs) {
            self.noise = v;
        }
        if let Some(v) = load_f64(p, "tmax", 0.1, 100.0, &mut msgs) {
            self.anneal.t_max = v;
        }
        if let Some(v) = load_f64(p, "alpha", 0.5, 0.99, &mut msgs) {
            self.anneal.alpha = v;
        }
        if let Some(v) = load_usize(p, "k", 1, 50, &mut msgs) {
            self.anneal.k = v;
        }
        if let Some(v) = load_f64(p, "tmin", 0.01, 1.0, &mut msgs) {
            self.anneal.t_min = v;
        }
        let ids: Vec<&str> = SCHEDULES.iter().map(|s| s.0).collect();
        match p.choice("sched", &ids) {
            Ok(Some(id)) => self.anneal.schedule = ids.iter().position(|s| *s == id).unwrap_or(0),
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        self.sync_controls();
        if self.sweeps == 0 {
            // Just reset: start the traces from the state and T the link asked for.
            self.restart_traces();
        }
        msgs
    }

    fn sync_controls(&self) {
        let Some(c) = &self.ctl else { return };
        c.side
            .set_selected_index(SIDES.iter().position(|&s| s == self.side).unwrap_or(2) as i32);
        c.t.set(self.t);
        c.window.set(self.window as f64);
        c.noise.set(self.noise);
        c.t_max.set(self.anneal.t_max.log10());
        c.alpha.set(self.anneal.alpha);
        c.k.set(self.anneal.k as f64);
        c.t_min.set(self.anneal.t_min.log10());
        c.schedule.set_selected_index(self.anneal.schedule as i32);
    }
}
