//! The controls of the learning view: the data set and the machine's settings.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::{Controls, LearnView, DATA};
use crate::web::app::mark_dirty;
use crate::web::boltzmann::{formula, log_slider, note, tip};
use crate::web::dom;
use crate::web::status;

impl LearnView {
    pub(super) fn controls(
        view: &Rc<RefCell<Self>>,
        right: &HtmlElement,
    ) -> Result<Controls, JsValue> {
        let v0 = view.borrow();
        let (kind0, nv0, np0, h0, eta0, m0, kc0, pl0) = (
            v0.kind, v0.nv_rand, v0.np_rand, v0.hidden, v0.eta, v0.m, v0.kc, v0.planned,
        );
        drop(v0);
        // Every setting except the plan restarts training from W = 0.
        let restarting = |f: fn(&mut Self, f64)| {
            let v = view.clone();
            move |x: f64| {
                let mut s = v.borrow_mut();
                f(&mut s, x);
                s.restart();
                mark_dirty();
            }
        };

        let box1 = dom::el(right, "div", "controls")?;
        dom::text(&box1, "h3", "", "Data set P")?;
        let data = {
            let v = view.clone();
            let labels: Vec<&str> = DATA.iter().map(|d| d.1).collect();
            let sel = dom::select(&box1, "Patterns", &labels, kind0, move |i| {
                let mut s = v.borrow_mut();
                s.kind = i.min(DATA.len() - 1);
                s.new_data();
                s.restart();
                mark_dirty();
            })?;
            tip(
                &sel,
                "The visible patterns the machine should learn to generate",
            );
            sel
        };
        let nv = dom::slider(
            &box1,
            "Visible N_v",
            6.0,
            9.0,
            1.0,
            nv0 as f64,
            dom::fmt0,
            {
                let v = view.clone();
                move |x| {
                    let mut s = v.borrow_mut();
                    s.nv_rand = (x.round() as usize).clamp(6, 9);
                    s.new_data();
                    s.restart();
                    mark_dirty();
                }
            },
        )?;
        tip(
            &nv.input,
            "Bits per random pattern (bars and stripes has 9)",
        );
        let np = dom::slider(&box1, "Count", 2.0, 8.0, 1.0, np0 as f64, dom::fmt0, {
            let v = view.clone();
            move |x| {
                let mut s = v.borrow_mut();
                s.np_rand = (x.round() as usize).clamp(2, 8);
                s.new_data();
                s.restart();
                mark_dirty();
            }
        })?;
        tip(&np.input, "Number of distinct random patterns");
        {
            let v = view.clone();
            dom::button(
                &box1,
                "New random data",
                "Draw new random patterns from the lab's random stream",
                move || {
                    let mut s = v.borrow_mut();
                    if s.kind == 1 {
                        s.new_data();
                        s.restart();
                    } else {
                        status::info(
                            "choose \"random patterns\" first; bars and stripes are fixed",
                        );
                    }
                },
            )?;
        }

        let box2 = dom::el(right, "div", "controls")?;
        dom::text(&box2, "h3", "", "Boltzmann machine (T = 1)")?;
        formula(&box2, "wᵢⱼ ← wᵢⱼ + η (⟨yᵢyⱼ⟩_data − ⟨yᵢyⱼ⟩_model)")?;
        let hidden = dom::slider(
            &box2,
            "Hidden units",
            0.0,
            4.0,
            1.0,
            h0 as f64,
            dom::fmt0,
            restarting(|s, x| s.hidden = (x.round() as usize).min(4)),
        )?;
        tip(
            &hidden.input,
            "Hidden neurons h (latent variables): y = (v, h)",
        );
        let eta = log_slider(
            &box2,
            "η",
            0.005,
            0.5,
            eta0,
            "Learning rate: wᵢⱼ ← wᵢⱼ + η ∇L (gradient ascent)",
            restarting(|s, x| s.eta = x.clamp(0.005, 0.5)),
        )?;
        let m = dom::slider(
            &box2,
            "Free M",
            10.0,
            1000.0,
            10.0,
            m0 as f64,
            dom::fmt0,
            restarting(|s, x| s.m = (x.round() as usize).clamp(10, 1000)),
        )?;
        tip(
            &m.input,
            "M: free-phase samples (one per sweep, after 20 burn-in sweeps)",
        );
        let kc = dom::slider(
            &box2,
            "Clamped K",
            1.0,
            50.0,
            1.0,
            kc0 as f64,
            dom::fmt0,
            restarting(|s, x| s.kc = (x.round() as usize).clamp(1, 50)),
        )?;
        tip(
            &kc.input,
            "K: hidden-unit samples per pattern in the clamped phase",
        );
        let pcd = {
            let v = view.clone();
            let c = dom::checkbox(&box2, "Persistent free chain", false, move |on| {
                let mut s = v.borrow_mut();
                s.persistent = on;
                s.restart();
                mark_dirty();
            })?;
            tip(
                &c,
                "Keep the free chain between steps (Tieleman 2008) instead of a random restart",
            );
            c
        };
        let steps = dom::slider(&box2, "Plan", 50.0, 3000.0, 50.0, pl0 as f64, dom::fmt0, {
            let v = view.clone();
            move |x| {
                let mut s = v.borrow_mut();
                s.planned = (x.round() as usize).clamp(50, 3000);
                s.dirty = true;
                mark_dirty();
            }
        })?;
        tip(
            &steps.input,
            "Training steps planned; Play stops there (raise it to go on)",
        );
        {
            let v = view.clone();
            dom::button(
                &box2,
                "Restart training",
                "W = 0 and a fresh run",
                move || {
                    v.borrow_mut().restart();
                    status::info("training restarted from W = 0");
                },
            )?;
        }
        note(
            &box2,
            "Maximise L(W) = (1/N_P) Σ_{v∈P} log P(v), P(v) = Σ_h P(v, h). \
             Gradient: ∇_{wᵢⱼ}L = ⟨yᵢyⱼ⟩_data − ⟨yᵢyⱼ⟩_model. Clamped phase: fix the visible units to each \
             pattern, Gibbs-sample the hidden ones (K samples each). Free phase: run the whole network from \
             a random start, keep the last M samples. Then wᵢⱼ ← wᵢⱼ + η ∇L (biases likewise). \
             L is computed exactly over all 2ᴺ states (N ≤ 16). The best L for N_P distinct patterns is \
             log(1/N_P); without hidden units the machine only matches pairwise statistics. \
             When the weights grow the free chain mixes slowly and the estimates get noisy: \
             \"training is hard\".",
        )?;
        note(
            &box2,
            "Heatmaps: visible units first, then hidden; colour −1 (blue) … +1 (red). \
             Changing a setting restarts training.",
        )?;
        Ok(Controls {
            data,
            nv,
            np,
            hidden,
            eta,
            m,
            kc,
            pcd,
            steps,
        })
    }
}
