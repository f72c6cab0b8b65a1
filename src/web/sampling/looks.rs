//! What the plane draws for a sampler's own [`Look`]: adaptive Metropolis's proposal ellipse,
//! SVGD's drive and repulsion at a subset of particles, DE-MCMC-Z's archive (dimmed, splatted
//! under the chains), parallel tempering's replicas coloured by temperature, nested sampling's
//! current contour `E = E*` (segments from the core's [`crate::core::sampling::look::LevelSet`]),
//! AIS's β, and dual averaging's ε against iteration as a small inset. The geometry comes from the core; this file only strokes it.

use crate::core::sampling::look::{ellipse, Look};
use crate::core::sampling::run::Run;
use crate::core::sampling::show;
use crate::web::plane::PlaneView;

use super::draw::circle;

const DRIVE: &str = "#0072B2";
const REPULSION: &str = "#D55E00";
const ELLIPSE: &str = "#CC79A7";
const CONTOUR: &str = "#D55E00";
/// Archive points splatted under the chains (at most this many, the newest).
const ARCHIVE_SHOWN: usize = 4000;
/// Particles whose forces are drawn (evenly spaced over the population).
const FORCES_SHOWN: usize = 24;

/// Splats what goes into the pixel layer before the blit: the DE-MCMC-Z archive, and AIS's
/// particles as discs whose area is proportional to their importance weight.
pub fn splat_under(plane: &mut PlaneView, run: &Run) {
    match run.look() {
        Look::Archive(z) => {
            let r = (plane.dpr() * 0.75).round().max(1.0) as isize;
            for &p in &z[z.len().saturating_sub(ARCHIVE_SHOWN)..] {
                plane.splat(p, r, [90, 98, 112], 0.25);
            }
        }
        Look::Annealed { log_w, .. } => {
            let top = log_w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let rmax = 6.0 * plane.dpr();
            for (&p, &lw) in run.points().iter().zip(log_w) {
                let w = (lw - top).exp();
                plane.disc(
                    p,
                    (rmax * w.sqrt()).max(0.8 * plane.dpr()),
                    [16, 24, 40],
                    0.45,
                );
            }
        }
        _ => {}
    }
}

/// Blue (cold) to red (hot) for rung `i` of `n`.
fn ladder_colour(i: usize, n: usize) -> String {
    let f = if n > 1 {
        i as f64 / (n - 1) as f64
    } else {
        0.0
    };
    let (r, g, b) = (
        (0.0 + 213.0 * f).round(),
        (114.0 - 20.0 * f).round(),
        (178.0 - 178.0 * f).round(),
    );
    format!("rgb({r},{g},{b})")
}

/// Strokes the vector part of the look; `contour` holds nested sampling's iso-line segments.
/// Returns a short label for the corner (β, the contour level, …), if any.
pub fn stroke(plane: &PlaneView, run: &Run, contour: &[[f64; 4]]) -> Option<String> {
    let c = &plane.ctx;
    match run.look() {
        Look::Plain | Look::Archive(_) => None,
        Look::Ellipse { at, cov, adapted } => {
            let mut pts = [[0.0; 2]; 65];
            c.set_stroke_style_str(ELLIPSE);
            for (k, width) in [(1.0, 2.5), (2.0, 1.5)] {
                ellipse(at, cov, k, &mut pts);
                c.set_line_width(width);
                c.begin_path();
                for (i, p) in pts.iter().enumerate() {
                    let q = plane.px(*p);
                    if i == 0 {
                        c.move_to(q.0, q.1);
                    } else {
                        c.line_to(q.0, q.1);
                    }
                }
                c.stroke();
            }
            Some(if adapted {
                "proposal C learned (1σ, 2σ)".into()
            } else {
                "proposal C₀ = σ₀²I (1σ, 2σ)".into()
            })
        }
        Look::Forces { drive, repulsion } => {
            let pts = run.points();
            let n = pts.len().min(drive.len()).min(repulsion.len());
            let every = n.div_ceil(FORCES_SHOWN).max(1);
            // One scale for both forces, so their lengths compare: the longest is 8 % of the view.
            let longest = (0..n)
                .step_by(every)
                .flat_map(|i| [drive[i], repulsion[i]])
                .map(|f| f[0].hypot(f[1]))
                .fold(0.0f64, f64::max);
            if longest > 0.0 && longest.is_finite() {
                let s = 0.08 * plane.view().width() / longest;
                c.set_line_width(2.0);
                for i in (0..n).step_by(every) {
                    let p = pts[i];
                    for (f, col) in [(drive[i], DRIVE), (repulsion[i], REPULSION)] {
                        let (a, b) = (plane.px(p), plane.px([p[0] + s * f[0], p[1] + s * f[1]]));
                        c.set_stroke_style_str(col);
                        c.begin_path();
                        c.move_to(a.0, a.1);
                        c.line_to(b.0, b.1);
                        c.stroke();
                    }
                }
            }
            Some("blue: drive · red: repulsion".into())
        }
        Look::Ladder(temps) => {
            let pts = run.points();
            let n = pts.len().min(temps.len());
            // Hottest first, so the T replica is on top.
            for i in (0..n).rev() {
                let col = ladder_colour(i, n);
                let at = plane.px(pts[i]);
                c.set_line_width(1.5);
                circle(
                    c,
                    at,
                    if i == 0 { 7.0 } else { 5.5 },
                    Some(&col),
                    Some("#101828"),
                );
                plane.label(
                    &format!("T = {}", show(temps[i])),
                    (at.0 + 9.0, at.1 - 6.0),
                    &col,
                );
            }
            Some("replicas: blue = T … red = T_max".into())
        }
        Look::Contour { energy } => {
            if contour.is_empty() {
                return energy.is_finite().then(|| "contour off the view".into());
            }
            c.set_stroke_style_str(CONTOUR);
            c.set_line_width(2.5);
            c.begin_path();
            for s in contour {
                let (a, b) = (plane.px([s[0], s[1]]), plane.px([s[2], s[3]]));
                c.move_to(a.0, a.1);
                c.line_to(b.0, b.1);
            }
            c.stroke();
            Some(format!("contour E = E* = {}", show(energy)))
        }
        Look::Annealed { beta, .. } => Some(format!("β = {} · disc area ∝ weight", show(beta))),
        Look::StepSizes { trace, warmup } => {
            eps_inset(plane, trace, warmup);
            None
        }
    }
}

/// A small inset (bottom left of the plane): ε against iteration, the warm-up's end dashed.
fn eps_inset(plane: &PlaneView, trace: &[(f64, f64)], warmup: u64) {
    let c = &plane.ctx;
    let side = plane.css();
    let (w, h) = (170.0, 72.0);
    let (x0, y0) = (8.0, side - h - 8.0);
    c.set_fill_style_str("rgba(255,255,255,0.88)");
    c.fill_rect(x0, y0, w, h);
    c.set_stroke_style_str("#5b6270");
    c.set_line_width(1.0);
    c.stroke_rect(x0, y0, w, h);
    c.set_font("12px system-ui, sans-serif");
    c.set_text_align("left");
    c.set_fill_style_str("#101828");
    let last = trace.last().map_or(f64::NAN, |p| p.1);
    let _ = c.fill_text(
        &format!("ε vs iteration: {}", show(last)),
        x0 + 5.0,
        y0 + 13.0,
    );
    if trace.len() < 2 {
        return;
    }
    let t_max = trace[trace.len() - 1].0.max(warmup as f64 * 1.1).max(1.0);
    let e_max = trace.iter().map(|p| p.1).fold(0.0f64, f64::max);
    if !(e_max > 0.0 && e_max.is_finite()) {
        return;
    }
    let (px, py, pw, ph) = (x0 + 6.0, y0 + 18.0, w - 12.0, h - 24.0);
    let at = |t: f64, e: f64| (px + pw * t / t_max, py + ph * (1.0 - e / e_max));
    // The warm-up's end: ε is frozen to its right.
    let xw = px + pw * (warmup as f64 / t_max).min(1.0);
    plane.dash(true);
    c.begin_path();
    c.move_to(xw, py);
    c.line_to(xw, py + ph);
    c.stroke();
    plane.dash(false);
    c.set_stroke_style_str(ELLIPSE);
    c.set_line_width(1.8);
    c.begin_path();
    for (i, &(t, e)) in trace.iter().enumerate() {
        let q = at(t, e);
        if i == 0 {
            c.move_to(q.0, q.1);
        } else {
            c.line_to(q.0, q.1);
        }
    }
    c.stroke();
}
