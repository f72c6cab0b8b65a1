//! The exact-distribution view's layout and drawing: `P(y)` of all 2ᴺ states (sorted by energy)
//! against the sampled frequencies, the total-variation distance against the number of samples,
//! the ground states and the chain's state. The run is [`ExactRun`].

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::{controls_box, formula, note, readout, BoltzmannLab};
use crate::core::boltzmann::run::annealing::fmt_t;
use crate::core::boltzmann::run::exact::ExactRun;
use crate::web::dom;
use crate::web::plot::{Axes, Plot, Series, SeriesData, PALETTE};
use crate::web::settings::{self, Action};
use crate::web::status;

/// The view's charts and read-outs.
pub(super) struct ExactView {
    dist_plot: Plot,
    tv_plot: Plot,
    tv_out: HtmlElement,
    ground_out: HtmlElement,
    chain_out: HtmlElement,
    ys_exact: Vec<f64>,
    ys_samp: Vec<f64>,
}

static NETWORK: &[Action<BoltzmannLab>] = &[Action {
    key: "new-network",
    label: "New network",
    tip: "Draw new weights (or new memories) from the lab's random stream",
    run: |l| {
        l.run.exact.new_network();
        status::info("new network drawn");
        l.touched();
    },
}];

static SAMPLES: &[Action<BoltzmannLab>] = &[Action {
    key: "clear-samples",
    label: "Clear samples",
    tip: "Forget the sampled frequencies and restart the TV trace (the chain continues)",
    run: |l| {
        l.run.exact.clear_samples();
        l.touched();
    },
}];

/// A state as a row of squares: ■ = +1, □ = −1 (neuron 0 first).
fn squares(y: impl Iterator<Item = i8>) -> String {
    y.map(|v| if v > 0 { '■' } else { '□' }).collect()
}

fn index_squares(s: usize, n: usize) -> String {
    squares((0..n).map(|i| if (s >> i) & 1 == 1 { 1 } else { -1 }))
}

/// `n` in superscript digits (2⁸).
fn superscript(n: usize) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .bytes()
        .map(|b| SUP[usize::from(b - b'0')])
        .collect()
}

impl ExactView {
    /// Lays out the view inside `section`; returns it and the column for the controls.
    pub(super) fn new(section: &HtmlElement) -> Result<(Self, HtmlElement), JsValue> {
        let stage = dom::el(section, "div", "stage")?;
        let left = dom::el(&stage, "div", "stage-pic")?;
        let right = dom::el(&stage, "div", "stage-side")?;
        let more = dom::el(&stage, "div", "stage-more")?;
        let dist_plot = Plot::new(&left, "bz-plot main-plot", 680.0, 420.0)?;
        dom::img_label(
            &dist_plot.canvas,
            "exact probability and sampled frequency of every state, sorted by energy",
        )?;
        let tv_out = dom::text(&left, "div", "readout", "")?;
        tv_out.set_id("bz-tv");
        let tv_plot = Plot::new(&more, "bz-plot", 680.0, 220.0)?;
        dom::img_label(
            &tv_plot.canvas,
            "total-variation distance between sampled frequencies and the exact distribution",
        )?;
        let ground_out = dom::text(&left, "div", "readout bz-states", "")?;
        ground_out.set_id("bz-ground");
        let chain_out = dom::text(&left, "div", "readout bz-states", "")?;
        chain_out.set_id("bz-chain");
        let view = Self {
            dist_plot,
            tv_plot,
            tv_out,
            ground_out,
            chain_out,
            ys_exact: Vec::new(),
            ys_samp: Vec::new(),
        };
        Ok((view, right))
    }

    /// Repaints the charts and read-outs.
    pub(super) fn draw(&mut self, run: &ExactRun) -> Result<(), JsValue> {
        let (lo, hi) = run.chart(&mut self.ys_exact, &mut self.ys_samp);
        let (n, t) = (run.n(), run.temperature());
        let title = format!(
            "P(y) of all 2{} = {} states, lowest energy first",
            superscript(n),
            1usize << n
        );
        let uniform = |name, color, ys| Series {
            name,
            color,
            data: SeriesData::Uniform {
                x0: 0.0,
                dx: 1.0,
                ys,
            },
            dashed: false,
        };
        self.dist_plot.line_chart(
            &Axes {
                title: &title,
                x_label: "states y sorted by energy E(y) (rank)",
                y_label: if run.log_y { "log₁₀ P(y)" } else { "P(y)" },
                y_range: run.log_y.then_some((lo, hi)),
                ..Default::default()
            },
            &[
                uniform("sampled frequency", PALETTE[0], &self.ys_samp),
                uniform(
                    if t > 0.0 {
                        "exact P(y)"
                    } else {
                        "exact limit T → 0"
                    },
                    PALETTE[5],
                    &self.ys_exact,
                ),
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
                data: SeriesData::Points(run.tv_trace().points()),
                dashed: false,
            }],
            &[],
            &[],
        );
        let samples = run.histogram().total();
        let log_z = if t > 0.0 {
            format!("{:.3}", run.log_z())
        } else {
            "—".into()
        };
        readout(
            &self.tv_out,
            &format!(
                "TV distance = {:.4} after {samples} samples · T = {} · log Z = {log_z}",
                run.tv(),
                fmt_t(t)
            ),
            &[
                ("tv", run.tv().to_string()),
                ("samples", samples.to_string()),
            ],
        );
        let (e_min, ground) = run.ground();
        let shown: Vec<String> = ground
            .iter()
            .take(4)
            .map(|&s| index_squares(s, n))
            .collect();
        let mems: Vec<String> = run
            .memories()
            .iter()
            .map(|m| squares(m.iter().copied()))
            .collect();
        readout(
            &self.ground_out,
            &format!(
                "Ground state{} (E = {e_min:.3}): {}{}{}",
                if ground.len() == 1 { "" } else { "s" },
                shown.join("  "),
                if ground.len() > 4 { " …" } else { "" },
                if mems.is_empty() {
                    String::new()
                } else {
                    format!(" · stored patterns: {}", mems.join("  "))
                }
            ),
            &[
                ("count", ground.len().to_string()),
                ("energy", e_min.to_string()),
            ],
        );
        let y = run.state();
        readout(
            &self.chain_out,
            &format!(
                "Chain now: {} · E = {:.3} (■ = +1, □ = −1, neuron 1 first)",
                squares(y.y().iter().copied()),
                y.energy()
            ),
            &[("energy", y.energy().to_string())],
        );
        Ok(())
    }
}

/// Builds the view's controls from the table's rows and its buttons.
pub(super) fn wire(lab: &Rc<RefCell<BoltzmannLab>>, right: &HtmlElement) -> Result<(), JsValue> {
    let b = controls_box(right, "Small network")?;
    settings::build(lab, &b, &["ne", "w", "sigma"])?;
    settings::buttons(lab, &b, NETWORK)?;
    note(
        &b,
        "E(y) = −½ yᵀWy − bᵀy (b = 0 here, so P(y) = P(−y)). \
         Hebbian: wᵢⱼ = (1/N) Σₚ ξᵢᵖ ξⱼᵖ; σ applies to random weights only.",
    )?;
    let b = controls_box(right, "Temperature and sampling")?;
    formula(
        &b,
        r"P(y) = \frac{e^{-E(y)/T}}{Z},\quad Z = \sum_y e^{-E(y)/T}",
    )?;
    settings::build(lab, &b, &["te", "logp"])?;
    settings::buttons(lab, &b, SAMPLES)?;
    note(
        &b,
        "Z sums over all 2ᴺ states. Gibbs sampling: each sweep updates every neuron with \
         P(yᵢ = +1 | rest) = σ(2hᵢ/T) and counts the state it reaches. $TV = \\frac{1}{2}\\sum_y |f(y) - P(y)|$ \
         falls like 1/√samples once the chain mixes; at low T it stalls near ½ while the chain is \
         stuck in one of the two mirror-image valleys. At T = 0, P concentrates on the ground \
         states and the sampler becomes deterministic descent into a local minimum.",
    )?;
    Ok(())
}
