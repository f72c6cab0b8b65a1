//! "Markov chain": a 3- or 4-state chain drawn as a graph (circles, arrows labelled with
//! transition probabilities), the distribution `πₜ₊₁ = πₜ T` converging (or not) to the
//! stationary π, a simulated walker and its visit frequencies, detailed balance and
//! ergodicity checks. The run is [`MarkovRun`] in the core.

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

use crate::core::sampling::markov::{MarkovRun, MH_EXAMPLE};
use crate::core::sampling::{fmt_count, show};
use crate::web::dom;
use crate::web::plot::{self, Axes, Plot, Series, SeriesData, PALETTE};

use super::draw::Canvas2d;

/// Steps per frame per unit of shell speed while playing (4 steps a second at speed 1).
const STEPS_PER_FRAME: f64 = 1.0 / 15.0;

const BLUE: &str = "#0072B2";
const ORANGE: &str = "#E69F00";
const INK: &str = "#182030";

/// The Markov chain view.
pub struct MarkovView {
    graph: Canvas2d,
    bars: Canvas2d,
    dist_plot: Plot,
    facts: HtmlElement,
    readout: HtmlElement,
    acc: f64,
    dirty: bool,
}

impl MarkovView {
    /// The view inside `parent`, and the row its controls go in.
    pub fn new(parent: &Element) -> Result<(Self, HtmlElement), JsValue> {
        let ctl = dom::el(parent, "div", "controls samp-markov-ctl")?;
        dom::text(&ctl, "h3", "", "Markov chain")?;
        dom::text(
            &ctl,
            "p",
            "samp-formula",
            "Tᵢⱼ = T(sᵢ → sⱼ) = P(sⱼ | sᵢ); one step of the distribution is πₜ₊₁ = πₜ T \
             (row vector). Play: 4 steps a second at speed 1.",
        )?;
        let row = dom::el(&ctl, "div", "row")?;
        let cols = dom::el(parent, "div", "cols")?;
        let left = dom::el(&cols, "div", "col")?;
        let right = dom::el(&cols, "div", "col")?;
        let graph = Canvas2d::new(
            &left,
            "mc-graph",
            560.0,
            430.0,
            "transition graph: states as circles shaded by πₜ, arrows labelled with transition \
             probabilities, the walker's state ringed",
        )?;
        let facts = dom::el(&left, "ul", "samp-facts")?;
        facts.set_id("markov-facts");
        let bars = Canvas2d::new(
            &right,
            "mc-bars",
            560.0,
            230.0,
            "bars of πₜ and the walker's visit frequencies against the stationary distribution",
        )?;
        let dist_plot = Plot::new(&right, "mc-dist", 560.0, 200.0)?;
        dom::img_label(
            &dist_plot.canvas,
            "distance of πₜ to the stationary distribution, log scale",
        )?;
        let readout = dom::text(&right, "p", "readout", "")?;
        readout.set_id("markov-readout");
        Ok((
            Self {
                graph,
                bars,
                dist_plot,
                facts,
                readout,
                acc: 0.0,
                dirty: true,
            },
            row,
        ))
    }

    /// Marks everything for redrawing.
    pub fn touch(&mut self) {
        self.dirty = true;
    }

    /// Steps while playing (a few per second, so the convergence can be watched).
    pub fn tick(&mut self, m: &mut MarkovRun, speed: u32) -> bool {
        self.acc += f64::from(speed) * STEPS_PER_FRAME;
        let mut k = 0;
        while self.acc >= 1.0 && k < 10_000 {
            m.step();
            self.acc -= 1.0;
            k += 1;
        }
        self.dirty |= k > 0;
        true
    }

    /// One step of πₜ and of the walker.
    pub fn step(&mut self, m: &mut MarkovRun) {
        m.step();
        self.dirty = true;
    }

    /// Repaints what changed.
    pub fn draw(&mut self, m: &MarkovRun) -> Result<(), JsValue> {
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        self.draw_graph(m);
        self.draw_bars(m);
        self.draw_dist(m);
        self.draw_facts(m)?;
        Ok(())
    }

    fn draw_graph(&self, m: &MarkovRun) {
        let c = &self.graph;
        c.clear("#ffffff");
        let n = m.chain.n();
        // Nodes grow with the text in presenter mode.
        let r = 36.0 * plot::scale().sqrt();
        let centre = (280.0, 222.0);
        // Edges i → j, bent to the left of their direction so both directions show.
        for i in 0..n {
            for j in 0..n {
                let p = m.chain.transition(i, j);
                if p <= 0.0 {
                    continue;
                }
                let hot = m.last_edge == Some((i, j));
                let col = if hot { ORANGE } else { "#5b6270" };
                let w = if hot { 3.5 } else { 1.5 + 2.0 * p };
                if i == j {
                    // Self-loop outside the node, away from the centre.
                    let a = node_pos(m, i);
                    let (dx, dy) = (a.0 - centre.0, a.1 - centre.1);
                    let d = dx.hypot(dy).max(1e-9);
                    let (ux, uy) = (dx / d, dy / d);
                    let lc = (a.0 + ux * (r + 14.0), a.1 + uy * (r + 14.0));
                    c.ctx.set_line_width(w);
                    c.circle(lc, 17.0, None, Some(col));
                    // Label beside the loop (turned a quarter from the outward direction).
                    let lab = (lc.0 - uy * 38.0, lc.1 + ux * 38.0 + 4.0);
                    self.edge_label(&format!("{p:.2}"), lab, hot);
                    continue;
                }
                let (a, b) = (node_pos(m, i), node_pos(m, j));
                let (dx, dy) = (b.0 - a.0, b.1 - a.1);
                let d = dx.hypot(dy).max(1e-9);
                let (ux, uy) = (dx / d, dy / d);
                // Normal to the left of a → b (screen coordinates).
                let (nx, ny) = (uy, -ux);
                let bend = 34.0;
                let ctrl = ((a.0 + b.0) / 2.0 + nx * bend, (a.1 + b.1) / 2.0 + ny * bend);
                // Start and end on the node circles, pointing towards the control point.
                let s = unit_towards(a, ctrl, r);
                let e = unit_towards(b, ctrl, r + 3.0);
                c.ctx.set_stroke_style_str(col);
                c.ctx.set_line_width(w);
                c.ctx.begin_path();
                c.ctx.move_to(s.0, s.1);
                c.ctx.quadratic_curve_to(ctrl.0, ctrl.1, e.0, e.1);
                c.ctx.stroke();
                // Arrow head along the curve's end tangent (from the control point).
                let from = (e.0 + (ctrl.0 - e.0) * 0.2, e.1 + (ctrl.1 - e.1) * 0.2);
                c.arrow(from, e, col, 0.1, 11.0 + w);
                // Label at the curve's midpoint, pushed outwards.
                let mid = (
                    0.25 * s.0 + 0.5 * ctrl.0 + 0.25 * e.0 + nx * 10.0,
                    0.25 * s.1 + 0.5 * ctrl.1 + 0.25 * e.1 + ny * 10.0 + 4.0,
                );
                self.edge_label(&format!("{p:.2}"), mid, hot);
            }
        }
        // Nodes shaded by πₜ.
        let max = m.pi_t.iter().copied().fold(1e-12, f64::max);
        for i in 0..n {
            let at = node_pos(m, i);
            let a = 0.12 + 0.75 * m.pi_t[i] / max;
            c.ctx.set_line_width(2.0);
            c.circle(at, r, Some("#ffffff"), None);
            c.circle(at, r, Some(&format!("rgba(0,114,178,{a:.3})")), Some(INK));
            if i == m.walker {
                c.ctx.set_line_width(5.0);
                c.circle(at, r + 5.0, None, Some(ORANGE));
            }
            let txt = if a > 0.55 { "#ffffff" } else { INK };
            c.text(
                &m.names[i],
                (at.0, at.1 - 3.0),
                "600 14px system-ui, sans-serif",
                txt,
                "center",
            );
            c.text(
                &format!("{:.3}", m.pi_t[i]),
                (at.0, at.1 + 14.0 * plot::scale()),
                "12px system-ui, sans-serif",
                txt,
                "center",
            );
        }
        c.text(
            &format!("t = {}", m.t()),
            (12.0, 22.0),
            "600 15px system-ui, sans-serif",
            INK,
            "left",
        );
        c.text(
            "shading and number: πₜ(s) · orange ring: the walker",
            (12.0, 422.0),
            "12px system-ui, sans-serif",
            "#5b6270",
            "left",
        );
    }

    fn edge_label(&self, s: &str, at: (f64, f64), hot: bool) {
        let c = &self.graph.ctx;
        c.set_font(&plot::scaled_font("600 13px system-ui, sans-serif"));
        c.set_text_align("center");
        c.set_line_width(4.0);
        c.set_stroke_style_str("#ffffff");
        let _ = c.stroke_text(s, at.0, at.1);
        c.set_fill_style_str(if hot { "#a05a00" } else { INK });
        let _ = c.fill_text(s, at.0, at.1);
    }

    fn draw_bars(&self, m: &MarkovRun) {
        let c = &self.bars;
        c.clear("#ffffff");
        let n = m.chain.n();
        let (x0, y0, w, h) = (50.0, 30.0, 490.0, 160.0);
        let total: u64 = m.visits.iter().sum();
        let freq = |i: usize| m.visits[i] as f64 / total.max(1) as f64;
        let py = |v: f64| y0 + h - v * h;
        c.line((x0, y0 + h), (x0 + w, y0 + h), "#555", 1.0);
        c.line((x0, y0), (x0, y0 + h), "#555", 1.0);
        for t in [0.0, 0.5, 1.0] {
            c.note(&format!("{t}"), (x0 - 6.0, py(t) + 4.0), 11, "right");
        }
        let slot = w / n as f64;
        for i in 0..n {
            let gx = x0 + slot * i as f64;
            let bw = slot * 0.3;
            c.ctx.set_fill_style_str(BLUE);
            c.ctx
                .fill_rect(gx + slot * 0.18, py(m.pi_t[i]), bw, m.pi_t[i] * h);
            c.ctx.set_fill_style_str(ORANGE);
            c.ctx
                .fill_rect(gx + slot * 0.18 + bw, py(freq(i)), bw, freq(i) * h);
            if let Some(pi) = &m.stationary {
                c.line(
                    (gx + slot * 0.1, py(pi[i])),
                    (gx + slot * 0.9, py(pi[i])),
                    INK,
                    2.5,
                );
            }
            c.note(&m.names[i], (gx + slot / 2.0, y0 + h + 15.0), 12, "center");
        }
        let legend = if m.stationary.is_some() {
            "blue: πₜ · orange: walker's visits · line: stationary π"
        } else {
            "blue: πₜ · orange: walker's visits · (no unique π)"
        };
        c.note(legend, (x0, 16.0), 12, "left");
    }

    fn draw_dist(&self, m: &MarkovRun) {
        let unique = m.stationary.is_some();
        let series = [Series {
            name: "",
            color: PALETTE[0],
            data: SeriesData::Points(m.dist.points()),
            dashed: false,
        }];
        self.dist_plot.line_chart(
            &Axes {
                title: if unique {
                    "log₁₀ ‖πₜ − π‖₁ (distance to the stationary π)"
                } else {
                    "log₁₀ ‖πₜ − πₜ₋₁‖₁ (no unique π: change per step)"
                },
                x_label: "step t",
                y_label: "log₁₀ distance",
                ..Default::default()
            },
            &series,
            &[],
            &[],
        );
        let what = if unique {
            "‖πₜ − π‖₁"
        } else {
            "‖πₜ − πₜ₋₁‖₁"
        };
        self.readout.set_text_content(Some(&format!(
            "t = {} · {what} = {} · walker visits: {}",
            m.t(),
            show(m.distance()),
            fmt_count(m.visits.iter().sum())
        )));
        let _ = self.readout.set_attribute("data-t", &m.t().to_string());
        let _ = self
            .readout
            .set_attribute("data-dist", &m.distance().to_string());
    }

    fn draw_facts(&self, m: &MarkovRun) -> Result<(), JsValue> {
        let f = &self.facts;
        f.set_text_content(None);
        let c = &m.chain;
        let irr = c.is_irreducible();
        let period = c.period();
        let ergodic = c.is_ergodic();
        let item = |text: &str, class: &str| dom::text(f, "li", class, text);
        item(
            &format!(
                "Irreducible (every state reachable from every state): {}",
                if irr { "yes" } else { "no" }
            ),
            "",
        )?;
        item(
            &match period {
                Some(1) => "Aperiodic (period 1): yes".to_string(),
                Some(d) => format!("Periodic with period {d}: πₜ cycles and never settles"),
                None => "Period: undefined (the chain is reducible)".to_string(),
            },
            "",
        )?;
        let e = item(
            &format!(
                "Ergodic: {}",
                if ergodic {
                    "yes — a unique π, and πₜ → π from any π₀"
                } else {
                    "no — πₜ need not converge to a unique π"
                }
            ),
            if ergodic { "ok" } else { "bad" },
        )?;
        e.set_attribute("data-ergodic", if ergodic { "1" } else { "0" })?;
        // Stationary π: unique, or (reducible) the one reached by the lazy chain from uniform.
        let mut lazy = vec![0.0; c.n()];
        let mut scratch = vec![0.0; c.n()];
        let pi = match &m.stationary {
            Some(p) => Some(p.clone()),
            None => c
                .stationary_power(1e-12, 100_000, &mut lazy, &mut scratch)
                .ok()
                .map(|_| lazy.clone()),
        };
        if let Some(pi) = &pi {
            let list: Vec<String> = pi.iter().map(|v| format!("{v:.3}")).collect();
            item(
                &if m.stationary.is_some() {
                    format!("Stationary π = π T: ({})", list.join(", "))
                } else {
                    format!(
                        "Not unique: e.g. ({}) from a uniform start; every mix of the islands' \
                         stationary distributions is stationary",
                        list.join(", ")
                    )
                },
                "",
            )?;
            match c.detailed_balance_violation(pi) {
                Ok(v) if v < 1e-12 => {
                    item(
                        &format!(
                            "Detailed balance π(s)T(s→s′) = π(s′)T(s′→s): holds (max violation \
                             {v:.1e})"
                        ),
                        "ok",
                    )?;
                }
                Ok(v) => {
                    item(
                        &format!(
                            "Detailed balance: violated (max |πᵢ Tᵢⱼ − πⱼ Tⱼᵢ| = {v:.3}); \
                             π is stationary all the same — detailed balance is sufficient, \
                             not necessary"
                        ),
                        "bad",
                    )?;
                }
                Err(e) => {
                    item(&e.to_string(), "")?;
                }
            }
        }
        if m.which() == MH_EXAMPLE {
            item(
                "Built by Metropolis–Hastings from a ring proposal q (½ to each neighbour): \
                 Tᵢⱼ = qᵢⱼ·min(1, pⱼ qⱼᵢ/(pᵢ qᵢⱼ)); rejected mass stays put",
                "",
            )?;
        }
        Ok(())
    }
}

fn node_pos(m: &MarkovRun, i: usize) -> (f64, f64) {
    let n = m.chain.n() as f64;
    let off = if m.chain.n() == 4 {
        -std::f64::consts::FRAC_PI_4
    } else {
        0.0
    };
    let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n + off;
    (280.0 + 140.0 * a.cos(), 222.0 + 140.0 * a.sin())
}

/// The point at distance `r` from `from` towards `to`.
fn unit_towards(from: (f64, f64), to: (f64, f64), r: f64) -> (f64, f64) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let d = dx.hypot(dy).max(1e-9);
    (from.0 + dx / d * r, from.1 + dy / d * r)
}
