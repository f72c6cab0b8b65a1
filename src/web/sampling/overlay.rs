//! What the Sampling lab draws on the shared plane view ([`crate::web::plane`]) for one run:
//! the samples as dots (discs sized by weight for weighted draws, the population for a
//! population), then from the sampler's events the recent path, the last proposal with its
//! accept/reject colour, the Langevin drift, Hamiltonian leapfrog paths and the momentum, the
//! exact mean (+) against the estimate (×), and the bumps of a drawing.

use wasm_bindgen::prelude::*;

use crate::core::landscape::Bump;
use crate::core::sampler::Event2d;
use crate::core::sampling::look::Look;
use crate::core::sampling::registry::Family;
use crate::core::sampling::run::Run;
use crate::web::plane::PlaneView;
use crate::web::plot;

use super::draw::{arrow, circle};
use super::looks;

const PATH: &str = "#E69F00";
const ACCEPT: &str = "#009E73";
const REJECT: &str = "#D55E00";
const LEAPFROG: &str = "#CC79A7";
const INK: &str = "#101828";

/// What the overlay draws besides the run itself.
pub struct Decor<'a> {
    /// Corner label (sampler name).
    pub label: &'a str,
    /// The exact mean, drawn as +.
    pub exact_mean: Option<[f64; 2]>,
    /// Bumps of a drawn landscape (circles: wells blue, hills red).
    pub bumps: &'a [Bump],
    /// Importance proposal (mean, σ), drawn as 1σ and 2σ circles.
    pub proposal: Option<([f64; 2], f64)>,
    /// Opacity of the last step's drawing (fades after a single step; 0 hides it).
    pub flash: f64,
    /// Nested sampling's contour segments (world coordinates), if the sampler draws one.
    pub contour: &'a [[f64; 4]],
}

/// Draws one frame of `run` on `plane`.
pub fn compose(plane: &mut PlaneView, run: &Run, decor: &Decor) -> Result<(), JsValue> {
    plane.begin();
    let dpr = plane.dpr();
    let r = (dpr * 0.75).round().max(1.0) as isize;
    match run.entry().family {
        Family::Population => {
            let pts = run.points();
            // A population's dots are twice as wide in presenter mode (drawing scale 1.5), so
            // a projector still shows sparse particles; a chain's samples pile up and need not.
            let r = (dpr * 0.75 * (2.0 * plot::scale() - 1.0).max(1.0))
                .round()
                .max(1.0) as isize;
            // Many particles get small translucent dots, so dense regions still show.
            let (rr, alpha) = if pts.len() > 3000 {
                (r - 1, 0.45)
            } else {
                (r, 0.8)
            };
            for &p in pts {
                plane.splat(p, rr, [213, 94, 0], alpha);
            }
        }
        Family::Weighted => {
            // Disc area ∝ weight: radius ∝ √(w / w_max).
            let max = run.max_logw();
            let rmax = 7.0 * dpr;
            for (x, lw) in run.dots.iter().zip(run.dot_logw.iter()) {
                let w = (lw - max).exp();
                let rad = (rmax * w.sqrt()).max(0.8 * dpr);
                plane.disc(*x, rad, [16, 24, 40], if w > 1e-3 { 0.55 } else { 0.3 });
            }
        }
        Family::Chain => {
            for x in run.dots.iter() {
                plane.splat(*x, r, [16, 24, 40], 0.22);
            }
        }
    }
    looks::splat_under(plane, run);
    plane.blit()?;
    overlay(plane, run, decor);
    Ok(())
}

fn overlay(plane: &PlaneView, run: &Run, decor: &Decor) {
    let c = &plane.ctx;
    for b in decor.bumps {
        let at = plane.px(b.centre);
        let rad = b.width / plane.world_per_px();
        let col = if b.amplitude < 0.0 {
            "#0072B2"
        } else {
            "#D55E00"
        };
        c.set_line_width(2.0);
        circle(c, at, rad, None, Some(col));
        circle(c, at, 3.0, Some(col), None);
    }
    if let Some((m, s)) = decor.proposal {
        let at = plane.px(m);
        c.set_line_width(1.5);
        plane.dash(true);
        for k in [1.0, 2.0] {
            circle(c, at, k * s / plane.world_per_px(), None, Some(LEAPFROG));
        }
        plane.dash(false);
        plane.label("q", (at.0 + s / plane.world_per_px() + 4.0, at.1), LEAPFROG);
    }
    let chain = run.entry().family == Family::Chain;
    // The recent path, older segments fainter.
    if chain && run.path.len() > 1 {
        c.set_line_width(1.6);
        let n = run.path.len();
        let mut prev: Option<(f64, f64)> = None;
        for (i, x) in run.path.iter().enumerate() {
            let p = plane.px(*x);
            if let Some(a) = prev {
                let alpha = 0.15 + 0.8 * i as f64 / n as f64;
                c.set_stroke_style_str(&format!("rgba(230,159,0,{alpha:.2})"));
                c.begin_path();
                c.move_to(a.0, a.1);
                c.line_to(p.0, p.1);
                c.stroke();
            }
            prev = Some(p);
        }
    }
    let look_label = looks::stroke(plane, run, decor.contour);
    // AIS's per-particle weights and the replicas' many proposals would bury the picture.
    let busy = matches!(run.look(), Look::Annealed { .. } | Look::Ladder(_));
    if decor.flash > 0.0 && !run.events.is_empty() && !busy {
        c.set_global_alpha(decor.flash.min(1.0));
        // A population's many proposals get no α labels (they would bury one another).
        last_step(plane, &run.events, chain);
        c.set_global_alpha(1.0);
    }
    if chain {
        c.set_line_width(1.5);
        circle(c, plane.px(run.position()), 5.5, Some(PATH), Some(INK));
    }
    if let Some(m) = decor.exact_mean {
        let p = plane.px(m);
        plane.cross(p, 8.0, false, "#ffffff", 4.5);
        plane.cross(p, 8.0, false, INK, 2.0);
    }
    if let Some(m) = run.mean() {
        let p = plane.px(m);
        plane.cross(p, 7.0, true, "#ffffff", 4.5);
        plane.cross(p, 7.0, true, LEAPFROG, 2.5);
    }
    if run.halted().is_some() {
        let at = plane.px(run.position());
        plane.cross(at, 12.0, true, REJECT, 3.0);
        plane.label("stopped (diverged)", (at.0 + 14.0, at.1 - 10.0), REJECT);
    }
    if !decor.label.is_empty() {
        c.set_font("bold 14px system-ui, sans-serif");
        c.set_text_align("left");
        c.set_fill_style_str("rgba(255,255,255,0.85)");
        let w = c
            .measure_text(decor.label)
            .map(|m| m.width())
            .unwrap_or(80.0);
        c.fill_rect(6.0, 6.0, w + 12.0, 22.0);
        c.set_fill_style_str(INK);
        let _ = c.fill_text(decor.label, 12.0, 22.0);
    }
    if let Some(l) = look_label {
        c.set_font("13px system-ui, sans-serif");
        c.set_fill_style_str("rgba(255,255,255,0.85)");
        let w = c.measure_text(&l).map(|m| m.width()).unwrap_or(80.0);
        c.fill_rect(6.0, 30.0, w + 12.0, 20.0);
        c.set_fill_style_str(INK);
        let _ = c.fill_text(&l, 12.0, 45.0);
    }
}

/// The last step, from its events: proposal and verdict, drift, momentum and leapfrog path.
fn last_step(plane: &PlaneView, events: &[Event2d], labels: bool) {
    let c = &plane.ctx;
    // For Hamiltonian moves the path itself is the proposal: mark only its end, so a straight
    // arrow does not hide the leapfrog trajectory.
    let hamiltonian = events.iter().any(|e| matches!(e, Event2d::Leapfrog { .. }));
    let mut ends = ([0.0; 2], [0.0; 2]);
    let mut forward = true;
    let mut proposal: Option<([f64; 2], [f64; 2])> = None;
    // Momentum arrows are drawn at 1 unit of momentum = 8 % of the view width.
    let p_scale = 0.08 * plane.view().width();
    for e in events {
        match e {
            Event2d::Momentum { at, p } => {
                ends = (*at, *at);
                let tip = [at[0] + p_scale * p[0], at[1] + p_scale * p[1]];
                arrow(c, plane.px(*at), plane.px(tip), INK, 2.0, 9.0);
                plane.label("p", plane.px(tip), INK);
            }
            Event2d::TreeDoubling { forward: f, .. } => forward = *f,
            Event2d::Leapfrog { x, .. } => {
                let from = if forward { ends.0 } else { ends.1 };
                let (a, b) = (plane.px(from), plane.px(*x));
                c.set_stroke_style_str(LEAPFROG);
                c.set_line_width(2.0);
                c.begin_path();
                c.move_to(a.0, a.1);
                c.line_to(b.0, b.1);
                c.stroke();
                circle(c, b, 2.5, Some(LEAPFROG), None);
                if forward {
                    ends.0 = *x;
                } else {
                    ends.1 = *x;
                }
            }
            Event2d::Drift { from, to } => {
                plane.dash(true);
                arrow(c, plane.px(*from), plane.px(*to), "#5b6270", 1.5, 7.0);
                plane.dash(false);
            }
            Event2d::Proposal { from, to } => proposal = Some((*from, *to)),
            Event2d::Accept { prob } | Event2d::Reject { prob } => {
                if let Some((from, to)) = proposal {
                    let ok = matches!(e, Event2d::Accept { .. });
                    let col = if ok { ACCEPT } else { REJECT };
                    if hamiltonian {
                        c.set_line_width(3.0);
                        circle(c, plane.px(to), 8.0, None, Some(col));
                    } else {
                        arrow(c, plane.px(from), plane.px(to), col, 2.5, 10.0);
                    }
                    if labels {
                        let tip = plane.px(to);
                        let word = if ok { "accept" } else { "reject" };
                        plane.label(
                            &format!("{word}  α = {prob:.2}"),
                            (tip.0 + 8.0, tip.1 - 8.0),
                            col,
                        );
                    }
                }
            }
            Event2d::Move { from, to } => {
                if hamiltonian {
                    // NUTS: the point chosen among the trajectory's.
                    let at = plane.px(*to);
                    c.set_line_width(3.0);
                    circle(c, at, 8.0, None, Some(ACCEPT));
                    plane.label("chosen", (at.0 + 12.0, at.1 - 8.0), ACCEPT);
                } else {
                    arrow(c, plane.px(*from), plane.px(*to), ACCEPT, 2.5, 10.0);
                }
            }
            Event2d::AxisMove { from, to, .. } => {
                arrow(c, plane.px(*from), plane.px(*to), ACCEPT, 2.5, 9.0);
            }
            Event2d::Weighted { x, log_w } => {
                let at = plane.px(*x);
                c.set_line_width(2.0);
                circle(c, at, 9.0, None, Some(ACCEPT));
                plane.label(
                    &format!("ln w = {log_w:.2}"),
                    (at.0 + 12.0, at.1 - 8.0),
                    ACCEPT,
                );
            }
            _ => {}
        }
    }
}

/// The verdict of the last step, for read-outs: "accept", "reject" or "" (no accept/reject
/// step).
pub fn verdict(events: &[Event2d]) -> &'static str {
    events
        .iter()
        .rev()
        .find_map(|e| match e {
            Event2d::Accept { .. } => Some("accept"),
            Event2d::Reject { .. } => Some("reject"),
            _ => None,
        })
        .unwrap_or("")
}
