//! The controls of the temperature view: memories and cues, the Gibbs temperature, annealing.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::{Controls, TempView, SCHEDULES, SIDES};
use crate::web::app::mark_dirty;
use crate::web::boltzmann::{formula, log_slider, note, tip, TempControl};
use crate::web::dom;
use crate::web::status;

impl TempView {
    pub(super) fn controls(
        view: &Rc<RefCell<Self>>,
        right: &HtmlElement,
        anneal_slot: &HtmlElement,
    ) -> Result<Controls, JsValue> {
        let (t0, noise0, window0, side0, a0) = {
            let v = view.borrow();
            (v.t, v.noise, v.window, v.side, v.anneal)
        };

        // --- Memories and cues.
        let box1 = dom::el(right, "div", "controls")?;
        dom::text(&box1, "h3", "", "Memories (Hebbian)")?;
        let side = {
            let v = view.clone();
            let labels: Vec<String> = SIDES.iter().map(|s| format!("{s} × {s}")).collect();
            let refs: Vec<&str> = labels.iter().map(|s| s.as_str()).collect();
            let chosen = SIDES.iter().position(|&s| s == side0).unwrap_or(2);
            let sel = dom::select(&box1, "Grid", &refs, chosen, move |i| {
                v.borrow_mut().set_side(SIDES[i.min(SIDES.len() - 1)]);
                mark_dirty();
            })?;
            tip(
                &sel,
                "Side of the neuron grid: N = side² neurons (memories are resampled)",
            );
            sel
        };
        let row = dom::el(&box1, "div", "row")?;
        {
            let v = view.clone();
            dom::button(
                &row,
                "Teaching set A H O U",
                "Store the glyphs A, H, O, U by Hebb's rule (replaces the memories)",
                move || {
                    let mut s = v.borrow_mut();
                    s.load_teaching();
                    status::info("stored the teaching set A, H, O, U");
                },
            )?;
        }
        {
            let v = view.clone();
            dom::button(
                &row,
                "Store current",
                "Add the current state to the memories (Hebb's rule is recomputed)",
                move || v.borrow_mut().store_current(),
            )?;
        }
        {
            let v = view.clone();
            dom::button(
                &row,
                "Clear memories",
                "Forget every memory: W = 0, every state has the same energy",
                move || {
                    let mut s = v.borrow_mut();
                    s.memories.clear();
                    s.names.clear();
                    s.rebuild_net();
                    status::info("memories cleared: W = 0");
                },
            )?;
        }
        let noise = dom::slider(&box1, "Noise p", 0.0, 0.5, 0.01, noise0, dom::fmt_pct, {
            let v = view.clone();
            move |p| {
                v.borrow_mut().noise = p.clamp(0.0, 0.5);
                mark_dirty();
            }
        })?;
        tip(
            &noise.input,
            "Fraction p of neurons flipped by \"Cue\" and \"Add noise\" (exactly round(pN) flips)",
        );
        let row = dom::el(&box1, "div", "row")?;
        {
            let v = view.clone();
            dom::button(
                &row,
                "Cue",
                "Next memory with a fraction p of its neurons flipped: a noisy cue to retrieve from",
                move || v.borrow_mut().cue(),
            )?;
        }
        {
            let v = view.clone();
            dom::button(
                &row,
                "Add noise",
                "Flip a fraction p of the current state's neurons",
                move || v.borrow_mut().corrupt(),
            )?;
        }
        {
            let v = view.clone();
            dom::button(
                &row,
                "Random state",
                "Every neuron ±1 with probability ½ (a hot start for annealing)",
                move || v.borrow_mut().randomize(),
            )?;
        }
        {
            let v = view.clone();
            let c = dom::checkbox(&box1, "Erase when drawing", false, move |on| {
                v.borrow_mut().erase = on;
            })?;
            tip(
                &c,
                "Drawing sets neurons to −1 (also: right button or Shift)",
            );
        }
        note(
            &box1,
            "Hebb: wᵢⱼ = (1/N) Σₚ ξᵢᵖ ξⱼᵖ, wᵢᵢ = 0; E(y) = −Σ_{i<j} wᵢⱼ yᵢ yⱼ. \
             The glyphs share their background, so A and H lie close together.",
        )?;

        // --- Gibbs sampling at T.
        let box2 = dom::el(right, "div", "controls")?;
        dom::text(&box2, "h3", "", "Gibbs sampling at T")?;
        formula(&box2, "P(yᵢ = +1 | y_{j≠i}) = σ(2hᵢ / T)")?;
        formula(&box2, "hᵢ = Σⱼ wᵢⱼ yⱼ + bᵢ")?;
        let t = {
            let v = view.clone();
            TempControl::new(
                &box2,
                "T",
                t0,
                "Temperature T (log scale): P(yᵢ = +1 | rest) = σ(2hᵢ/T)",
                move |t| {
                    v.borrow_mut().set_t(t);
                    mark_dirty();
                },
            )?
        };
        let window = dom::slider(
            &box2,
            "Average M",
            1.0,
            200.0,
            1.0,
            window0 as f64,
            dom::fmt0,
            {
                let v = view.clone();
                move |m| {
                    v.borrow_mut()
                        .set_window(m.round().clamp(1.0, 200.0) as usize);
                    mark_dirty();
                }
            },
        )?;
        tip(
            &window.input,
            "M: retrieval by averaging uses the last M samples (one per sweep)",
        );
        note(
            &box2,
            "σ(z) = 1/(1 + e^(−z)); flipping yᵢ changes E by 2yᵢhᵢ, hence the 2. \
             T = 0 is the deterministic Hopfield network yᵢ = Θ(hᵢ); as T → ∞ every neuron is a fair coin. \
             One sweep updates every neuron once, in order; Play runs (speed) sweeps per frame.",
        )?;

        // --- Annealing.
        let box3 = dom::el(right, "div", "controls")?;
        dom::text(&box3, "h3", "", "Simulated annealing")?;
        let t_max = {
            let v = view.clone();
            log_slider(
                &box3,
                "T_max",
                0.1,
                100.0,
                a0.t_max,
                "Starting temperature of the anneal",
                move |t| {
                    v.borrow_mut().anneal.t_max = t.clamp(0.1, 100.0);
                    mark_dirty();
                },
            )?
        };
        let alpha = dom::slider(&box3, "α (factor)", 0.5, 0.99, 0.01, a0.alpha, dom::fmt2, {
            let v = view.clone();
            move |a| {
                v.borrow_mut().anneal.alpha = a.clamp(0.5, 0.99);
                mark_dirty();
            }
        })?;
        tip(&alpha.input, "Cooling factor: T ← αT after each level");
        let k = dom::slider(
            &box3,
            "Sweeps / T",
            1.0,
            50.0,
            1.0,
            a0.k as f64,
            dom::fmt0,
            {
                let v = view.clone();
                move |k| {
                    v.borrow_mut().anneal.k = k.round().clamp(1.0, 50.0) as usize;
                    mark_dirty();
                }
            },
        )?;
        tip(
            &k.input,
            "Sweeps at each temperature (the lecture's \"repeat a few cycles\")",
        );
        let t_min = {
            let v = view.clone();
            log_slider(
                &box3,
                "T_min",
                0.01,
                1.0,
                a0.t_min,
                "Cooling stops at the first level with T ≤ T_min; then T = 0 until nothing flips",
                move |t| {
                    v.borrow_mut().anneal.t_min = t.clamp(0.01, 1.0);
                    mark_dirty();
                },
            )?
        };
        let schedule = {
            let v = view.clone();
            let labels: Vec<&str> = SCHEDULES.iter().map(|s| s.1).collect();
            let sel = dom::select(&box3, "Schedule", &labels, a0.schedule, move |i| {
                v.borrow_mut().anneal.schedule = i.min(SCHEDULES.len() - 1);
                mark_dirty();
            })?;
            tip(&sel, "How T falls from T_max to T_min");
            sel
        };
        // The Anneal button sits beside the annealing status, under the traces.
        let anneal_btn = {
            let v = view.clone();
            let b = dom::button(
                anneal_slot,
                "Anneal",
                "Start annealing from the current state (press Play to run it); press again to stop",
                move || v.borrow_mut().toggle_anneal(),
            )?;
            b.set_id("bz-anneal-btn");
            b
        };
        note(
            &box3,
            "Lecture: initialise y, T ← T_max; repeat a few sweeps at T, then T ← αT, until T ≤ T_min; \
             the final state is the retrieved pattern (the most likely state — or a local minimum). \
             Linear: equal steps over the same number of levels. Logarithmic (Geman & Geman 1984) \
             provably finds the ground state but needs about 2^(T_max/T_min) levels.",
        )?;
        Ok(Controls {
            side,
            t,
            window,
            noise,
            t_max,
            alpha,
            k,
            t_min,
            schedule,
            anneal_btn,
        })
    }
}
