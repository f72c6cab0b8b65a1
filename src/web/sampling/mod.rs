//! The Sampling lab (lecture part 3, "Sampling Methods" to "Stochastic Gradient MCMC"), in
//! three views chosen from a bar of buttons:
//!
//! - **MCMC on the plane** ([`mcmc`]): a target density on the plane (Gaussians, mixture,
//!   banana, donut, funnel, double well, ring of modes, a landscape drawn with the pointer, or
//!   the energy trained in the "Train an energy" lab) sampled live by the samplers of the core
//!   registry; every proposal, leapfrog path and momentum drawn from the events the samplers
//!   emit; marginal histograms against the exact marginals, trace, autocorrelation, ESS; a
//!   second sampler side by side.
//! - **Direct sampling** ([`direct_view`]): inverse CDF, the central-limit construction,
//!   Box–Muller, and `x = Lz + μ`.
//! - **Markov chain** ([`markov_view`]): a 3–4 state chain's graph, `π_t → π`, detailed
//!   balance and ergodicity.
//!
//! The state and every parameter are in `crate::core::sampling` ([`Sampling`] and its
//! settings table); this module lays out the controls built from the rows and draws.

mod charts;
mod direct_view;
mod draw;
mod looks;
mod markov_view;
mod mcmc;
mod overlay;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::app::{lab_names, Lab};
use super::settings::{self, Controls, Tabled};
use super::{dom, status};
use crate::core::ebm::LearnedSlot;
use crate::core::params::Params;
use crate::core::sampling::lab::{DIRECT, MARKOV, MCMC};
use crate::core::sampling::{Sampling, TABLE};

use direct_view::DirectView;
use markov_view::MarkovView;
use mcmc::McmcView;

/// The Sampling lab.
pub struct SamplingLab {
    panel: HtmlElement,
    state: Sampling,
    controls: Controls,
    boxes: [HtmlElement; 3],
    mcmc: McmcView,
    direct: DirectView,
    markov: MarkovView,
}

impl SamplingLab {
    /// Builds the lab (hidden until its tab is chosen); the learned energy comes from
    /// `learned`.
    pub fn new(seed: u64, learned: LearnedSlot) -> Result<Rc<RefCell<Self>>, JsValue> {
        let panel = dom::lab_panel("sampling", "samp")?;
        let bar = dom::el(&panel, "div", "")?;
        let boxes = [
            dom::el(&panel, "div", "samp-view")?,
            dom::el(&panel, "div", "samp-view hidden")?,
            dom::el(&panel, "div", "samp-view hidden")?,
        ];
        let state = Sampling::new(seed, learned).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let (mcmc, mcmc_boxes) = McmcView::new(&boxes[0])?;
        let (direct, direct_boxes) = DirectView::new(&boxes[1])?;
        let (markov, markov_box) = MarkovView::new(&boxes[2])?;
        let lab = Rc::new(RefCell::new(Self {
            panel,
            state,
            controls: Controls::default(),
            boxes,
            mcmc,
            direct,
            markov,
        }));
        settings::segmented(&lab, &bar, "view", "samp-modebar", "sampling-view")?;
        McmcView::wire(&lab, mcmc_boxes)?;
        DirectView::wire(&lab, direct_boxes)?;
        settings::build(&lab, &markov_box, &["chain", "start"])?;
        {
            let l = lab.clone();
            let w = web_sys::window().ok_or("no window")?;
            dom::on(&w, "resize", move |_: web_sys::Event| {
                let mut s = l.borrow_mut();
                let cmp = s.state.mcmc.compare();
                s.mcmc.resize(cmp);
            })?;
        }
        lab.borrow_mut().changed_all();
        Ok(lab)
    }

    /// Shows the chosen view and what the settings call for; marks everything for repainting.
    fn changed_all(&mut self) {
        let v = self.state.view();
        for (k, b) in self.boxes.iter().enumerate() {
            let _ = b.class_list().toggle_with_force("hidden", k != v);
        }
        self.mcmc.layout(&self.state.mcmc);
        self.direct.touch();
        self.markov.touch();
        settings::sync(self);
    }
}

impl Tabled for SamplingLab {
    settings::tabled_parts!(Sampling, TABLE, state);
    fn changed(&mut self, _key: &'static str) {
        if let Some(note) = self.state.mcmc.take_note() {
            self.mcmc.restarted();
            status::info(&note);
        }
        self.changed_all();
    }
}

lab_names!(SamplingLab, "sampling", "Sampling");

impl Lab for SamplingLab {
    lab_names!();
    fn relayout(&mut self) {
        self.mcmc.layout(&self.state.mcmc);
        self.direct.touch();
        self.markov.touch();
    }
    fn tick(&mut self, speed: u32) -> bool {
        match self.state.view() {
            MCMC => self.mcmc.tick(&mut self.state.mcmc, speed),
            DIRECT => self.direct.tick(&mut self.state.direct, speed),
            _ => self.markov.tick(&mut self.state.markov, speed),
        }
    }
    fn step(&mut self) {
        match self.state.view() {
            MCMC => self.mcmc.step(&mut self.state.mcmc),
            DIRECT => self.direct.step(&mut self.state.direct),
            _ => self.markov.step(&mut self.state.markov),
        }
    }
    fn reset(&mut self, seed: u64) {
        self.state.restart(seed);
        self.state.mcmc.take_note();
        self.mcmc.restarted();
        self.changed_all();
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        match self.state.view() {
            MCMC => self.mcmc.draw(&mut self.state.mcmc),
            DIRECT => self.direct.draw(&self.state.direct),
            MARKOV => self.markov.draw(&self.state.markov),
            _ => Ok(()),
        }
    }
    fn save(&self, p: &mut Params) {
        settings::save(self, p);
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let msgs = settings::load(self, p);
        // Settings first, then a fresh start from the seed: the link alone fixes the run.
        let seed = self.state.seed();
        self.reset(seed);
        msgs
    }
}
