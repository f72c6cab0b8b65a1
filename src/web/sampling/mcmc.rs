//! "MCMC on the plane": one target, one sampler (or two side by side), the plane view, the
//! marginal histograms against the exact marginals, the trace and autocorrelation of x₁, and
//! the read-outs (steps, acceptance, ESS, ESS/s, sample mean against the exact mean).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement, PointerEvent};

use crate::core::landscape::drawn::MAX_BUMPS;
use crate::core::landscape::{grid_moments, marginals, Bounds, Bump, Energy2d};
use crate::core::params::Params;
use crate::core::rng::Rng;
use crate::web::app::mark_dirty;
use crate::web::dom::{self, Slider};
use crate::web::plot::{Axes, Plot, RefLine, Series, SeriesData, PALETTE};
use crate::web::status;

use super::plane::{Decor, PlaneView, Shade};
use super::run::{Run, FLASH_FRAMES};
use super::setup::{
    square_view, Engine, Landscapes, SamplerKind, SamplerParams, TargetKind, BUMP_DEPTH, BUMP_WIDTH,
};
use super::{fmt_count, fmt_num, now_ms, num_param, titled};

/// Plane side (CSS pixels) alone, and when two samplers are compared (at 1280 × 800).
const PLANE: f64 = 560.0;
const PLANE_SMALL: f64 = 340.0;

/// The plane side for the window size: the default at 1280 × 800, larger on a big screen
/// (a projector at 1920 × 1080), never wider than a narrow window.
fn plane_side(compare: bool) -> f64 {
    let (w, h) = web_sys::window()
        .map(|w| {
            let f =
                |v: Result<JsValue, JsValue>, d: f64| v.ok().and_then(|v| v.as_f64()).unwrap_or(d);
            (f(w.inner_width(), 1280.0), f(w.inner_height(), 800.0))
        })
        .unwrap_or((1280.0, 800.0));
    // The side column needs about 680 px beside the planes; below that it wraps under them.
    let room = w - 720.0;
    let side = if compare {
        ((h - 130.0) / 2.0).clamp(PLANE_SMALL, 460.0)
    } else if room < 400.0 {
        PLANE
    } else {
        (h - 170.0).min(room).clamp(PLANE, 720.0)
    };
    side.min(w - 40.0).max(240.0).round()
}
/// Heatmap grid while still, and while a bump is dragged.
const GRID: usize = 200;
const GRID_DRAG: usize = 90;
/// Grid for the exact marginals and moments.
const EXACT_N: usize = 240;
/// Plot size (CSS pixels).
const PLOT_W: f64 = 300.0;
const PLOT_H: f64 = 150.0;
/// Milliseconds of sampling per animation frame (the rest is drawing).
const FRAME_BUDGET_MS: f64 = 12.0;
/// Pick radius for bumps, in CSS pixels.
const PICK_PX: f64 = 14.0;

/// Read-out cells of one run.
struct Readout {
    row: HtmlElement,
    name: HtmlElement,
    steps: HtmlElement,
    accept: HtmlElement,
    ess: HtmlElement,
    ess_s: HtmlElement,
    mean: [HtmlElement; 2],
    sd: [HtmlElement; 2],
    info: HtmlElement,
}

/// Controls that code updates (when a link or preset changes settings).
struct Controls {
    target: HtmlSelectElement,
    temp: Slider,
    shade: HtmlSelectElement,
    contours: HtmlInputElement,
    sampler: [HtmlSelectElement; 2],
    compare: HtmlInputElement,
    /// The sliders of [`PARAMS`], in order.
    params: Vec<Slider>,
    sched: HtmlSelectElement,
    /// Parameter rows and the samplers that use them.
    rows: Vec<(Element, Vec<SamplerKind>)>,
    b_row: HtmlElement,
    draw_box: HtmlElement,
}

/// Exact references by grid integration.
struct Exact {
    px: Vec<f64>,
    py: Vec<f64>,
    mean: Option<[f64; 2]>,
    cov: Option<[[f64; 2]; 2]>,
    edge_mass: f64,
    closed_form: bool,
}

/// A bump being dragged: (plane, bump index).
type Drag = (usize, usize);

/// The MCMC view's state.
pub struct Mcmc {
    seed: u64,
    land: Landscapes,
    target: TargetKind,
    temp: f64,
    shade: Shade,
    contours: bool,
    params: SamplerParams,
    kinds: [SamplerKind; 2],
    compare: bool,
    runs: [Run; 2],
    planes: [PlaneView; 2],
    plane_b: HtmlElement,
    caption: HtmlElement,
    hists: [[Plot; 2]; 2],
    trace_plot: Plot,
    acf_plot: Plot,
    readouts: [Readout; 2],
    exact_cells: [HtmlElement; 4],
    exact_note: HtmlElement,
    exact: Exact,
    ctl: Option<Controls>,
    bg_dirty: bool,
    exact_dirty: bool,
    frame_dirty: bool,
    stats_dirty: bool,
    acf_dirty: bool,
    last_acf: f64,
    drag: Option<Drag>,
    bump_depth: f64,
    bump_width: f64,
    throttle_noted: bool,
    throttled: u32,
}

fn pow10_fmt(v: f64) -> String {
    fmt_num(10f64.powf(v))
}
fn pow10_int(v: f64) -> String {
    format!("{:.0}", 10f64.powf(v).round())
}
fn int_fmt(v: f64) -> String {
    format!("{v:.0}")
}
fn two_fmt(v: f64) -> String {
    format!("{v:.2}")
}

impl Mcmc {
    /// Builds the view inside `parent`.
    pub fn new(parent: &Element, seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let land = Landscapes::new().map_err(|e| JsValue::from_str(&e))?;
        let target = TargetKind::Banana;
        let params = SamplerParams::default();
        let kinds = [SamplerKind::Rwmh, SamplerKind::Mala];
        let view = square_view(land.get(target).bounds());
        let start = start_point(seed, view);
        let run = |k| {
            Run::new(k, &params, start, 1.0, view, seed)
                .map_err(|e| JsValue::from_str(&e.to_string()))
        };
        let runs = [run(kinds[0])?, run(kinds[1])?];

        let cols = dom::el(parent, "div", "cols samp-cols")?;
        let left = dom::el(&cols, "div", "col samp-planes")?;
        let side = dom::el(&cols, "div", "col samp-side")?;
        let wrap_a = dom::el(&left, "div", "samp-plane")?;
        let plane_a = PlaneView::new(
            &wrap_a,
            plane_side(false),
            "the target density as a heatmap, with the sampler's samples, path and last proposal",
        )?;
        let plane_b = dom::el(&left, "div", "samp-plane hidden")?;
        let plane_b_view = PlaneView::new(
            &plane_b,
            plane_side(true),
            "the second sampler on the same target",
        )?;
        let caption = dom::text(&left, "p", "samp-caption muted", "")?;

        let ctlrow = dom::el(&side, "div", "samp-ctlrow")?;
        let target_box = dom::el(&ctlrow, "div", "controls")?;
        let sampler_box = dom::el(&ctlrow, "div", "controls")?;

        // Read-outs.
        let table = dom::el(&side, "table", "samp-readouts")?;
        let head = dom::el(&table, "tr", "")?;
        for h in [
            "",
            "steps",
            "accept",
            "ESS (x₁)",
            "ESS/s",
            "mean x₁",
            "mean x₂",
            "sd x₁",
            "sd x₂",
        ] {
            let th = dom::text(&head, "th", "", h)?;
            let tip = match h {
                "accept" => "Fraction of proposals accepted (MH step); Gibbs always accepts",
                "ESS (x₁)" => "Effective sample size of x₁: steps / τ, τ the integrated autocorrelation time (Geyer); for importance sampling (Σw)²/Σw²",
                "ESS/s" => "Effective samples per second of sampling time (shown once at least 1 ms was measured)",
                "sd x₁" | "sd x₂" => "Standard deviation: sample estimate against the exact value",
                _ => "",
            };
            if !tip.is_empty() {
                th.set_title(tip);
            }
        }
        let exact_row = dom::el(&table, "tr", "")?;
        dom::text(&exact_row, "th", "", "exact")?;
        for _ in 0..4 {
            dom::text(&exact_row, "td", "", "")?;
        }
        let exact_cells = [
            dom::text(&exact_row, "td", "num", "")?,
            dom::text(&exact_row, "td", "num", "")?,
            dom::text(&exact_row, "td", "num", "")?,
            dom::text(&exact_row, "td", "num", "")?,
        ];
        for (c, id) in exact_cells
            .iter()
            .zip(["exact1", "exact2", "exactsd1", "exactsd2"])
        {
            c.set_id(&format!("sampling-{id}"));
        }
        let mut rows = Vec::new();
        for tag in ["a", "b"] {
            let row = dom::el(&table, "tr", if tag == "b" { "hidden" } else { "" })?;
            let name = dom::text(&row, "th", "", "")?;
            let mut cells = Vec::new();
            for id in [
                "steps", "accept", "ess", "esss", "mean1", "mean2", "sd1", "sd2",
            ] {
                let c = dom::text(&row, "td", "num", "—")?;
                c.set_id(&format!("sampling-{id}-{tag}"));
                cells.push(c);
            }
            rows.push((row, name, cells));
        }
        let exact_note = dom::text(&side, "p", "samp-note muted", "")?;
        let mut readouts = Vec::new();
        for (i, (row, name, cells)) in rows.into_iter().enumerate() {
            let info = dom::text(
                &side,
                "p",
                if i == 1 {
                    "samp-note hidden"
                } else {
                    "samp-note"
                },
                "",
            )?;
            info.set_id(if i == 0 {
                "sampling-info-a"
            } else {
                "sampling-info-b"
            });
            let [steps, accept, ess, ess_s, m1, m2, sd1, sd2]: [HtmlElement; 8] = cells
                .try_into()
                .map_err(|_| JsValue::from_str("read-out cells"))?;
            readouts.push(Readout {
                row,
                name,
                steps,
                accept,
                ess,
                ess_s,
                mean: [m1, m2],
                sd: [sd1, sd2],
                info,
            });
        }

        // Plots: x₁ and x₂ histograms of A (and B), trace, autocorrelation.
        let plots = dom::el(&side, "div", "samp-plots")?;
        let mk = |class: &str, label: &str| -> Result<Plot, JsValue> {
            let p = Plot::new(&plots, class, PLOT_W, PLOT_H)?;
            p.canvas.set_attribute("role", "img")?;
            p.canvas.set_attribute("aria-label", label)?;
            Ok(p)
        };
        let h_a1 = mk(
            "hist-x1",
            "histogram of x₁ samples against the exact marginal density",
        )?;
        let h_a2 = mk(
            "hist-x2",
            "histogram of x₂ samples against the exact marginal density",
        )?;
        let h_b1 = mk(
            "hist-x1-b hidden",
            "second sampler: histogram of x₁ against the exact marginal",
        )?;
        let h_b2 = mk(
            "hist-x2-b hidden",
            "second sampler: histogram of x₂ against the exact marginal",
        )?;
        let trace_plot = mk("trace", "trace of x₁ against the step")?;
        let acf_plot = mk("acf", "autocorrelation of x₁ against the lag")?;

        let [ra, rb]: [Readout; 2] = readouts
            .try_into()
            .map_err(|_| JsValue::from_str("read-outs"))?;
        let lab = Rc::new(RefCell::new(Self {
            seed,
            land,
            target,
            temp: 1.0,
            shade: Shade::Density,
            contours: true,
            params,
            kinds,
            compare: false,
            runs,
            planes: [plane_a, plane_b_view],
            plane_b,
            caption,
            hists: [[h_a1, h_a2], [h_b1, h_b2]],
            trace_plot,
            acf_plot,
            readouts: [ra, rb],
            exact_cells,
            exact_note,
            exact: Exact {
                px: vec![0.0; EXACT_N],
                py: vec![0.0; EXACT_N],
                mean: None,
                cov: None,
                edge_mass: 0.0,
                closed_form: false,
            },
            ctl: None,
            bg_dirty: true,
            exact_dirty: true,
            frame_dirty: true,
            stats_dirty: true,
            acf_dirty: true,
            last_acf: 0.0,
            drag: None,
            bump_depth: BUMP_DEPTH,
            bump_width: BUMP_WIDTH,
            throttle_noted: false,
            throttled: 0,
        }));
        let ctl = Self::wire(&lab, &target_box, &sampler_box)?;
        for i in 0..2 {
            Self::wire_plane(&lab, i)?;
        }
        {
            let l = lab.clone();
            let w = web_sys::window().ok_or("no window")?;
            dom::on(&w, "resize", move |_: web_sys::Event| {
                let mut s = l.borrow_mut();
                let side = plane_side(s.compare);
                for p in s.planes.iter_mut() {
                    let _ = p.resize(side);
                }
                s.touch();
            })?;
        }
        {
            let mut s = lab.borrow_mut();
            s.ctl = Some(ctl);
            s.sync_controls();
        }
        Ok(lab)
    }

    fn wire(
        lab: &Rc<RefCell<Self>>,
        tbox: &HtmlElement,
        sbox: &HtmlElement,
    ) -> Result<Controls, JsValue> {
        let s0 = lab.borrow();
        dom::text(tbox, "h3", "", "Target p(x) ∝ exp(−E(x)/T)")?;
        let labels: Vec<&str> = TargetKind::ALL.iter().map(|k| k.label()).collect();
        let chosen = TargetKind::ALL
            .iter()
            .position(|k| *k == s0.target)
            .unwrap_or(0);
        let target = {
            let l = lab.clone();
            dom::select(tbox, "Energy", &labels, chosen, move |i| {
                l.borrow_mut().set_target(TargetKind::ALL[i.min(8)]);
                mark_dirty();
            })?
        };
        titled(
            &target,
            "The energy landscape E(x) on the plane; the sampler targets p ∝ exp(−E/T)",
        );
        let temp = {
            let l = lab.clone();
            dom::slider(tbox, "T", -1.0, 1.0, 0.01, 0.0, pow10_fmt, move |v| {
                l.borrow_mut().set_temp(10f64.powf(v));
                mark_dirty();
            })?
        };
        titled(
            &temp.input,
            "Temperature T (log scale): high T flattens p ∝ exp(−E/T), low T sharpens its modes",
        );
        let shade = {
            let l = lab.clone();
            dom::select(tbox, "Show", &["density p", "energy E"], 0, move |i| {
                let mut s = l.borrow_mut();
                s.shade = if i == 0 {
                    Shade::Density
                } else {
                    Shade::Energy
                };
                s.bg_dirty = true;
                mark_dirty();
            })?
        };
        titled(
            &shade,
            "Heatmap of the density p ∝ exp(−E/T), or of the energy E itself (dark = low E)",
        );
        let contours = {
            let l = lab.clone();
            dom::checkbox(tbox, "contours", true, move |on| {
                let mut s = l.borrow_mut();
                s.contours = on;
                s.bg_dirty = true;
                mark_dirty();
            })?
        };
        titled(
            &contours,
            "Density view: lines enclosing 50 %, 90 % and 99 % of the mass; energy view: equal steps of E",
        );
        let draw_box = dom::el(tbox, "div", "samp-drawbox hidden")?;
        dom::text(
            &draw_box,
            "p",
            "muted samp-hint",
            "Click: add a well · Shift-click: a hill · drag: move · right-click: remove",
        )?;
        {
            let l = lab.clone();
            let s = dom::slider(
                &draw_box,
                "depth",
                -0.3,
                1.3,
                0.01,
                BUMP_DEPTH.log10(),
                pow10_fmt,
                move |v| {
                    l.borrow_mut().bump_depth = 10f64.powf(v);
                },
            )?;
            titled(
                &s.input,
                "Amplitude |a| of new bumps a·exp(−|x − c|²/2s²) (energy units)",
            );
        }
        {
            let l = lab.clone();
            let s = dom::slider(
                &draw_box,
                "width",
                0.2,
                2.0,
                0.05,
                BUMP_WIDTH,
                two_fmt,
                move |v| {
                    l.borrow_mut().bump_width = v;
                },
            )?;
            titled(&s.input, "Width s of new bumps");
        }
        {
            let l = lab.clone();
            dom::button(
                &draw_box,
                "Clear drawing",
                "Remove every bump (the bowl stays)",
                move || {
                    let mut s = l.borrow_mut();
                    s.land.drawn.clear();
                    s.landscape_edited(true);
                    mark_dirty();
                },
            )?;
        }

        dom::text(sbox, "h3", "", "Sampler")?;
        let klabels: Vec<&str> = SamplerKind::ALL.iter().map(|k| k.label()).collect();
        let pos = |k: SamplerKind| SamplerKind::ALL.iter().position(|x| *x == k).unwrap_or(0);
        let sampler_a = {
            let l = lab.clone();
            dom::select(sbox, "Sampler", &klabels, pos(s0.kinds[0]), move |i| {
                l.borrow_mut().set_kind(0, SamplerKind::ALL[i.min(7)]);
                mark_dirty();
            })?
        };
        titled(&sampler_a, "The sampling method (lecture part 3)");
        let mut rows: Vec<(Element, Vec<SamplerKind>)> = Vec::new();
        use SamplerKind as K;
        let p = s0.params;
        let mut params = param_sliders(lab, sbox, &p, &PARAMS[..2], &mut rows)?;
        let sched = {
            let l = lab.clone();
            let sel = dom::select(
                sbox,
                "schedule",
                &["constant ε", "decaying ε_t"],
                0,
                move |i| {
                    let mut s = l.borrow_mut();
                    s.params.decay = i == 1;
                    s.retune(&[K::Ula, K::Particles]);
                    mark_dirty();
                },
            )?;
            titled(&sel, "Constant ε is biased; ε_t = a(b + t)^−0.55 has Σε_t = ∞, Σε_t² < ∞ (Welling & Teh)");
            if let Some(p) = sel.parent_element() {
                rows.push((p, vec![K::Ula, K::Particles]));
            }
            sel
        };
        params.extend(param_sliders(lab, sbox, &p, &PARAMS[2..], &mut rows)?);

        let cmp_row = dom::el(sbox, "div", "row")?;
        let compare = {
            let l = lab.clone();
            dom::checkbox(&cmp_row, "compare", false, move |on| {
                l.borrow_mut().set_compare(on);
                mark_dirty();
            })?
        };
        titled(
            &compare,
            "Run a second sampler on the same target, side by side",
        );
        {
            let l = lab.clone();
            let b = dom::button(
                &cmp_row,
                "ULA bias vs MALA",
                "Preset: unadjusted Langevin against MALA at the same ε on N(0, I)",
                move || {
                    l.borrow_mut().preset_ula_bias();
                    mark_dirty();
                },
            )?;
            b.set_id("sampling-preset-bias");
        }
        {
            let l = lab.clone();
            dom::button(
                &cmp_row,
                "Clear samples",
                "Forget the samples so far (the chain stays where it is)",
                move || {
                    l.borrow_mut().clear_samples();
                },
            )?;
        }
        let b_row = dom::el(sbox, "div", "hidden")?;
        let sampler_b = {
            let l = lab.clone();
            dom::select(&b_row, "Second", &klabels, pos(s0.kinds[1]), move |i| {
                l.borrow_mut().set_kind(1, SamplerKind::ALL[i.min(7)]);
                mark_dirty();
            })?
        };
        titled(
            &sampler_b,
            "The sampler of the second plane (same target, same settings)",
        );
        drop(s0);
        Ok(Controls {
            target,
            temp,
            shade,
            contours,
            sampler: [sampler_a, sampler_b],
            compare,
            params,
            sched,
            rows,
            b_row,
            draw_box,
        })
    }

    fn wire_plane(lab: &Rc<RefCell<Self>>, i: usize) -> Result<(), JsValue> {
        let canvas = lab.borrow().planes[i].canvas.clone();
        {
            let l = lab.clone();
            let c = canvas.clone();
            dom::on(&canvas, "pointerdown", move |e: PointerEvent| {
                e.prevent_default();
                let mut s = l.borrow_mut();
                let Some(w) =
                    s.planes[i].to_world(f64::from(e.client_x()), f64::from(e.client_y()))
                else {
                    return;
                };
                if s.target == TargetKind::Drawn {
                    let pick = PICK_PX * s.planes[i].world_per_px();
                    let near = s.land.drawn.nearest_bump(w, pick);
                    if e.button() == 2 {
                        if let Some(k) = near {
                            let _ = s.land.drawn.remove_bump(k);
                            s.landscape_edited(true);
                            mark_dirty();
                        }
                    } else if let Some(k) = near {
                        let _ = c.set_pointer_capture(e.pointer_id());
                        s.drag = Some((i, k));
                    } else {
                        let a = if e.shift_key() {
                            s.bump_depth
                        } else {
                            -s.bump_depth
                        };
                        let added =
                            Bump::new(w, a, s.bump_width).and_then(|b| s.land.drawn.add_bump(b));
                        match added {
                            Ok(_) => {
                                s.landscape_edited(true);
                                mark_dirty();
                            }
                            Err(err) => status::warn(&format!(
                                "no bump added: {err} (at most {MAX_BUMPS}; right-click one to remove it)"
                            )),
                        }
                    }
                } else {
                    s.click_move(i, w);
                }
            })?;
        }
        {
            let l = lab.clone();
            dom::on(&canvas, "pointermove", move |e: PointerEvent| {
                let mut s = l.borrow_mut();
                let Some((p, k)) = s.drag else { return };
                if p != i {
                    return;
                }
                if let Some(w) =
                    s.planes[i].to_world(f64::from(e.client_x()), f64::from(e.client_y()))
                {
                    if s.land.drawn.move_bump(k, w).is_ok() {
                        s.landscape_edited(false);
                    }
                }
            })?;
        }
        for kind in ["pointerup", "pointercancel"] {
            let l = lab.clone();
            dom::on(&canvas, kind, move |_: PointerEvent| {
                let mut s = l.borrow_mut();
                if s.drag.take().is_some() {
                    s.landscape_edited(true);
                    mark_dirty();
                }
            })?;
        }
        dom::on(&canvas, "contextmenu", |e: web_sys::Event| {
            e.prevent_default()
        })?;
        Ok(())
    }

    /// "A" / "B" for run `i` when comparing, else "".
    fn tag(&self, i: usize) -> &'static str {
        match (self.compare, i) {
            (false, _) => "",
            (true, 0) => "A",
            _ => "B",
        }
    }

    fn target(&self) -> &dyn Energy2d {
        self.land.get(self.target)
    }

    fn view(&self) -> Bounds {
        square_view(self.target().bounds())
    }

    fn active(&self) -> usize {
        if self.compare {
            2
        } else {
            1
        }
    }

    /// Marks everything for redrawing (after the view becomes visible again).
    pub fn touch(&mut self) {
        self.bg_dirty = true;
        self.stats_dirty = true;
        self.acf_dirty = true;
        self.frame_dirty = true;
    }

    /// Rebuilds both runs from the seed at the seeded start point (replayable).
    fn restart(&mut self) {
        let view = self.view();
        let start = start_point(self.seed, view);
        for i in 0..2 {
            match Run::new(
                self.kinds[i],
                &self.params,
                start,
                self.temp,
                view,
                self.seed,
            ) {
                Ok(r) => self.runs[i] = r,
                Err(e) => status::warn(&format!("could not start the sampler: {e}")),
            }
        }
        self.throttle_noted = false;
        self.throttled = 0;
        self.touch();
        self.exact_dirty = true;
        self.update_caption();
    }

    /// Rebuilds run `i` at its current position (new settings), keeping its random stream.
    fn rebuild_run(&mut self, i: usize) {
        let view = self.view();
        let mut x0 = self.runs[i].position();
        if !(x0[0].is_finite() && x0[1].is_finite() && view.expanded(0.5).contains(x0)) {
            x0 = start_point(self.seed, view);
        }
        let (k, t, p) = (self.kinds[i], self.temp, self.params);
        if let Err(e) = self.runs[i].rebuild(k, &p, x0, t, view) {
            status::warn(&format!("could not rebuild the sampler: {e}"));
        }
        self.touch();
    }

    /// Applies changed settings to the runs whose sampler uses them.
    fn retune(&mut self, kinds: &[SamplerKind]) {
        for i in 0..2 {
            if !kinds.contains(&self.kinds[i]) {
                continue;
            }
            // Particles keep their positions when only the step size changes.
            let n_same = matches!(&self.runs[i].engine, Engine::Particles(q) if q.xs.len() / 2 == self.params.particles);
            if n_same {
                if let (Engine::Particles(q), Ok(s)) =
                    (&mut self.runs[i].engine, self.params.schedule())
                {
                    q.schedule = s;
                    q.iter = 0;
                    continue;
                }
            }
            self.rebuild_run(i);
        }
        self.update_caption();
    }

    fn set_kind(&mut self, i: usize, k: SamplerKind) {
        self.kinds[i] = k;
        self.rebuild_run(i);
        self.update_visibility();
        self.update_caption();
    }

    fn set_target(&mut self, k: TargetKind) {
        self.target = k;
        self.restart();
        self.update_visibility();
    }

    fn set_temp(&mut self, t: f64) {
        if !(t.is_finite() && t > 0.0) {
            status::warn(&format!("temperature must be > 0; kept T = {}", self.temp));
            return;
        }
        self.temp = t;
        for i in 0..2 {
            self.rebuild_run(i);
        }
        self.exact_dirty = true;
    }

    fn set_compare(&mut self, on: bool) {
        self.compare = on;
        let side = plane_side(on);
        for p in self.planes.iter_mut() {
            let _ = p.resize(side);
        }
        self.update_visibility();
        // Both samplers start together from the same point with the same seed.
        self.restart();
    }

    fn clear_samples(&mut self) {
        for i in 0..2 {
            self.rebuild_run(i);
        }
    }

    /// A click on plane `i` (not drawing): moves the chain there, or the importance proposal.
    fn click_move(&mut self, i: usize, w: [f64; 2]) {
        if i >= self.active() {
            return;
        }
        if self.kinds[i] == SamplerKind::Importance {
            self.params.is_mean = w;
            if let Some(c) = &self.ctl {
                c.params[IS_MEAN].set(w[0]);
                c.params[IS_MEAN + 1].set(w[1]);
            }
            self.retune(&[SamplerKind::Importance]);
            mark_dirty();
            return;
        }
        match self.runs[i].set_position(w) {
            Ok(()) => {
                self.runs[i].flash = 0;
                self.frame_dirty = true;
                status::info(&format!(
                    "moved {} to ({:.2}, {:.2})",
                    self.kinds[i].short(),
                    w[0],
                    w[1]
                ));
            }
            Err(e) => status::warn(&e.to_string()),
        }
    }

    /// The drawn landscape changed; `done` at the end of an edit (full redraw, samples reset),
    /// otherwise a quick preview while dragging.
    fn landscape_edited(&mut self, done: bool) {
        self.bg_dirty = true;
        if done {
            self.exact_dirty = true;
            for i in 0..2 {
                self.rebuild_run(i);
            }
        }
    }

    fn preset_ula_bias(&mut self) {
        self.target = TargetKind::Gauss;
        self.temp = 1.0;
        self.params.eps = 1.0;
        self.params.decay = false;
        self.kinds = [SamplerKind::Ula, SamplerKind::Mala];
        self.compare = true;
        for p in self.planes.iter_mut() {
            let _ = p.resize(plane_side(true));
        }
        self.sync_controls();
        self.restart();
        status::info(
            "Preset: ULA (top) and MALA (bottom) at the same ε = 1 on N(0, I). Without the MH \
             step ULA's stationary variance is 1/(1 − ε/4) = 1.33, so its histograms come out \
             too wide; MALA's accept/reject removes the bias. Press Play (raise the speed).",
        );
    }

    /// Moves every control to the current settings (after a link or a preset).
    fn sync_controls(&mut self) {
        let Some(c) = &self.ctl else { return };
        let p = &self.params;
        let pos_t = TargetKind::ALL
            .iter()
            .position(|k| *k == self.target)
            .unwrap_or(0);
        c.target.set_selected_index(pos_t as i32);
        c.temp.set(self.temp.log10());
        c.shade
            .set_selected_index(if self.shade == Shade::Density { 0 } else { 1 });
        c.contours.set_checked(self.contours);
        for i in 0..2 {
            let k = SamplerKind::ALL
                .iter()
                .position(|k| *k == self.kinds[i])
                .unwrap_or(0);
            c.sampler[i].set_selected_index(k as i32);
        }
        c.compare.set_checked(self.compare);
        for (slider, param) in c.params.iter().zip(&PARAMS) {
            slider.set((param.get)(p));
        }
        c.sched.set_selected_index(i32::from(p.decay));
        self.update_visibility();
        self.update_caption();
    }

    /// Shows the parameter rows of the samplers in use, plane B and its plots when comparing,
    /// and the drawing tools for the drawn landscape.
    fn update_visibility(&self) {
        let Some(c) = &self.ctl else { return };
        let used = &self.kinds[..self.active()];
        for (row, ks) in &c.rows {
            let on = ks.iter().any(|k| used.contains(k));
            let _ = row.class_list().toggle_with_force("hidden", !on);
        }
        let cmp = self.compare;
        let _ = c.b_row.class_list().toggle_with_force("hidden", !cmp);
        let _ = self.plane_b.class_list().toggle_with_force("hidden", !cmp);
        for h in &self.hists[1] {
            h.set_visible(cmp);
        }
        let _ = self.readouts[1]
            .row
            .class_list()
            .toggle_with_force("hidden", !cmp);
        let _ = self.readouts[1]
            .info
            .class_list()
            .toggle_with_force("hidden", !cmp);
        let _ = c
            .draw_box
            .class_list()
            .toggle_with_force("hidden", self.target != TargetKind::Drawn);
    }

    fn update_caption(&self) {
        let what = match self.target {
            TargetKind::Drawn => {
                "Draw: click adds a well, Shift-click a hill, drag moves one, \
                                  right-click removes it. "
            }
            _ if self.kinds[0] == SamplerKind::Importance => {
                "Click the plane to move the proposal q there. "
            }
            _ => "Click the plane to move the chain there. ",
        };
        let is = if self.kinds[..self.active()].contains(&SamplerKind::Importance) {
            "Importance draws: disc area ∝ weight p/q; dashed circles: q at 1σ and 2σ. "
        } else {
            ""
        };
        self.caption.set_text_content(Some(&format!(
            "{what}{is}Dots: samples · orange: path and current state · green/red arrow: accepted/\
             rejected proposal with α · pink: leapfrog path, black: momentum · + exact mean, \
             × estimate."
        )));
    }

    /// Steps while playing: `speed` steps per frame within the frame budget.
    pub fn tick(&mut self, speed: u32) -> bool {
        let n = self.active();
        let budget = FRAME_BUDGET_MS / n as f64;
        let mut keep = true;
        for i in 0..n {
            let target = self.land.get(self.target);
            let done = self.runs[i].advance(target, u64::from(speed), budget, &now_ms);
            if done > 0 {
                self.runs[i].flash = FLASH_FRAMES;
                self.stats_dirty = true;
                self.frame_dirty = true;
            }
            if let Some(msg) = &self.runs[i].halted {
                status::warn(&format!(
                    "{} stopped: {msg}. Lower the step size, then click the plane or press Reset.",
                    self.kinds[i].short()
                ));
                self.stats_dirty = true;
                self.frame_dirty = true;
                keep = false;
            } else if done < u64::from(speed) {
                // Note it once, when it persists (the first frames run unoptimised code).
                self.throttled += 1;
                if self.throttled < 30 || self.throttle_noted {
                    continue;
                }
                self.throttle_noted = true;
                status::info(&format!(
                    "{} manages about {done} of the {speed} steps per frame asked for: it runs \
                     as many as fit in the frame budget, so the page stays responsive",
                    self.kinds[i].short()
                ));
            }
        }
        keep
    }

    /// One step of each visible sampler, with its proposal drawn.
    pub fn step(&mut self) {
        for i in 0..self.active() {
            let target = self.land.get(self.target);
            self.runs[i].advance(target, 1, f64::INFINITY, &now_ms);
            self.runs[i].flash = FLASH_FRAMES;
            if let Some(msg) = &self.runs[i].halted {
                status::warn(&format!(
                    "{} stopped: {msg}. Lower the step size, then click the plane or press Reset.",
                    self.kinds[i].short()
                ));
            }
        }
        self.stats_dirty = true;
        self.frame_dirty = true;
        self.acf_dirty = true;
    }

    /// Starts over with `seed`.
    pub fn reset(&mut self, seed: u64) {
        self.seed = seed;
        self.restart();
    }

    /// Repaints what changed.
    pub fn draw(&mut self) -> Result<(), JsValue> {
        let n = self.active();
        let view = self.view();
        if self.exact_dirty && self.drag.is_none() {
            self.compute_exact(view);
            self.exact_dirty = false;
            self.stats_dirty = true;
        }
        if self.bg_dirty {
            let g = if self.drag.is_some() { GRID_DRAG } else { GRID };
            let target = self.land.get(self.target);
            for p in self.planes.iter_mut().take(n) {
                p.set_view(view);
                if let Err(e) = p.render_background(target, self.temp, self.shade, self.contours, g)
                {
                    status::warn(&format!("could not draw the landscape: {e}"));
                }
            }
            self.bg_dirty = false;
            self.frame_dirty = true;
        }
        let flashing = self.runs[..n].iter().any(|r| r.flash > 0);
        if self.frame_dirty || flashing {
            for i in 0..n {
                let label = if self.compare {
                    format!(
                        "{} · {}",
                        if i == 0 { "A" } else { "B" },
                        self.kinds[i].short()
                    )
                } else {
                    format!("{} · T = {}", self.kinds[i].short(), fmt_num(self.temp))
                };
                let bumps: &[Bump] = if self.target == TargetKind::Drawn {
                    self.land.drawn.bumps()
                } else {
                    &[]
                };
                let decor = Decor {
                    label: &label,
                    exact_mean: self.exact.mean,
                    bumps,
                    proposal: (self.kinds[i] == SamplerKind::Importance)
                        .then_some((self.params.is_mean, self.params.is_sigma)),
                };
                self.planes[i].compose(&self.runs[i], &decor)?;
            }
            for r in self.runs[..n].iter_mut() {
                r.flash = r.flash.saturating_sub(1);
            }
            self.frame_dirty = false;
        }
        let now = now_ms();
        if self.acf_dirty || now - self.last_acf > 1000.0 {
            if self.acf_dirty || self.runs[..n].iter().any(|r| r.steps > 0) {
                for r in self.runs[..n].iter_mut() {
                    r.update_acf();
                }
                self.draw_acf();
                self.stats_dirty = true;
            }
            self.last_acf = now;
            self.acf_dirty = false;
        }
        if self.stats_dirty {
            self.draw_stats()?;
            self.stats_dirty = false;
        }
        Ok(())
    }

    fn compute_exact(&mut self, view: Bounds) {
        let target = self.land.get(self.target);
        let ok = marginals(
            target,
            self.temp,
            view,
            EXACT_N,
            EXACT_N,
            &mut self.exact.px,
            &mut self.exact.py,
        );
        if let Err(e) = ok {
            status::warn(&format!("could not integrate the marginals: {e}"));
            self.exact.px.fill(f64::NAN);
            self.exact.py.fill(f64::NAN);
        }
        self.exact.closed_form = false;
        if let Some((m, c)) = self.land.closed_form_moments(self.target, self.temp) {
            self.exact.mean = Some(m);
            self.exact.cov = Some(c);
            self.exact.edge_mass = 0.0;
            self.exact.closed_form = true;
            return;
        }
        // A box three times wider than the view, so the tails count in the mean.
        match grid_moments(target, self.temp, view.expanded(1.0), 2 * EXACT_N) {
            Ok(m) => {
                self.exact.mean = Some(m.mean);
                self.exact.cov = Some(m.cov);
                self.exact.edge_mass = m.edge_mass;
            }
            Err(e) => {
                self.exact.mean = None;
                self.exact.cov = None;
                status::warn(&format!("could not integrate the moments: {e}"));
            }
        }
    }

    fn draw_acf(&self) {
        let n = self.active();
        let mut series = Vec::new();
        let mut taus = String::new();
        for (i, r) in self.runs[..n].iter().enumerate() {
            if r.acf_len > 0 {
                series.push(Series {
                    name: self.tag(i),
                    color: PALETTE[i],
                    data: SeriesData::Uniform {
                        x0: 0.0,
                        dx: 1.0,
                        ys: &r.acf[..r.acf_len],
                    },
                    dashed: false,
                });
                if r.tau.is_finite() {
                    if !taus.is_empty() {
                        taus.push_str(", ");
                    }
                    taus.push_str(&format!("{:.1}", r.tau));
                }
            }
        }
        let title = if series.is_empty() {
            if self.kinds[..n].iter().any(|k| k.is_chain()) {
                "autocorrelation of x₁".to_string()
            } else {
                "no autocorrelation: independent draws".to_string()
            }
        } else {
            format!("autocorrelation of x₁ (τ ≈ {taus})")
        };
        self.acf_plot.line_chart(
            &Axes {
                title: &title,
                x_label: "lag",
                y_label: "ρ",
                y_range: Some((-0.3, 1.0)),
                ..Default::default()
            },
            &series,
            &[RefLine {
                at: 0.0,
                label: "",
                color: "#888",
            }],
            &[],
        );
    }

    fn draw_stats(&mut self) -> Result<(), JsValue> {
        let n = self.active();
        let view = self.view();
        let names = ["x₁", "x₂"];
        for i in 0..n {
            for (axis, name) in names.iter().enumerate() {
                let title = if self.compare {
                    format!(
                        "{}: {} marginal of {name}",
                        self.tag(i),
                        self.kinds[i].short()
                    )
                } else {
                    format!("marginal of {name}")
                };
                let exact = if axis == 0 {
                    &self.exact.px
                } else {
                    &self.exact.py
                };
                self.hists[i][axis].histogram(
                    &Axes {
                        title: &title,
                        x_label: name,
                        y_label: "density",
                        ..Default::default()
                    },
                    view.lo(axis),
                    view.hi(axis),
                    &self.runs[i].hist[axis],
                    Some(exact),
                );
            }
        }
        // Trace of x₁ (or the running importance estimate / particle mean).
        let mut series = Vec::new();
        for (i, r) in self.runs[..n].iter().enumerate() {
            series.push(Series {
                name: self.tag(i),
                color: PALETTE[i],
                data: SeriesData::Points(r.trace.points()),
                dashed: false,
            });
        }
        let exact_line: Vec<RefLine> = self
            .exact
            .mean
            .map(|m| RefLine {
                at: m[0],
                label: "exact E[x₁]",
                color: "#D55E00",
            })
            .into_iter()
            .collect();
        let title = match self.kinds[0] {
            SamplerKind::Importance => "running estimate Ê[x₁]",
            SamplerKind::Particles => "ensemble mean of x₁",
            _ => "trace of x₁",
        };
        self.trace_plot.line_chart(
            &Axes {
                title,
                x_label: "step",
                y_label: "x₁",
                ..Default::default()
            },
            &series,
            &exact_line,
            &[],
        );
        self.draw_readouts()
    }

    fn draw_readouts(&self) -> Result<(), JsValue> {
        let set = |el: &HtmlElement, text: &str, raw: Option<f64>| -> Result<(), JsValue> {
            el.set_text_content(Some(text));
            match raw {
                Some(v) if v.is_finite() => el.set_attribute("data-value", &v.to_string()),
                _ => el.remove_attribute("data-value"),
            }
        };
        let m = self.exact.mean;
        set(
            &self.exact_cells[0],
            &m.map_or("—".into(), |m| fmt_mean(m[0])),
            m.map(|m| m[0]),
        )?;
        set(
            &self.exact_cells[1],
            &m.map_or("—".into(), |m| fmt_mean(m[1])),
            m.map(|m| m[1]),
        )?;
        let sd = self.exact.cov.map(|c| [c[0][0].sqrt(), c[1][1].sqrt()]);
        for axis in 0..2 {
            set(
                &self.exact_cells[2 + axis],
                &sd.map_or("—".into(), |s| fmt_mean(s[axis])),
                sd.map(|s| s[axis]),
            )?;
        }
        let edge = self.exact.edge_mass;
        self.exact_note
            .set_text_content(Some(&if self.exact.closed_form {
                "Exact mean in closed form; exact marginals by grid integration over the view."
                    .to_string()
            } else if edge > 1e-3 {
                format!(
                    "Exact values by grid integration (about {:.1} % of the mass lies outside the \
                 integration box, so they are those of the truncated density).",
                    edge * 100.0
                )
            } else {
                "Exact values by grid integration (midpoint rule).".to_string()
            }));
        for i in 0..self.active() {
            let r = &self.runs[i];
            let o = &self.readouts[i];
            let tag = if self.compare {
                if i == 0 {
                    "A · "
                } else {
                    "B · "
                }
            } else {
                ""
            };
            o.name
                .set_text_content(Some(&format!("{tag}{}", self.kinds[i].short())));
            set(&o.steps, &fmt_count(r.steps), Some(r.steps as f64))?;
            let acc = r.acceptance();
            let acc_text = match (self.kinds[i], acc) {
                (_, Some(a)) => format!("{a:.3}"),
                (SamplerKind::Gibbs, _) => "1 (always)".into(),
                (SamplerKind::Ula | SamplerKind::Particles, _) => "no MH step".into(),
                (SamplerKind::Nuts, _) => "slice".into(),
                _ => "—".into(),
            };
            let acc_raw = if self.kinds[i] == SamplerKind::Gibbs && r.steps > 0 {
                Some(1.0)
            } else {
                acc
            };
            set(&o.accept, &acc_text, acc_raw)?;
            let ess = r.ess();
            set(
                &o.ess,
                &ess.map_or("—".into(), |e| fmt_count(e.round() as u64)),
                ess,
            )?;
            let ess_s = ess
                .filter(|_| r.busy_ms > 1.0)
                .map(|e| e / (r.busy_ms / 1000.0));
            set(
                &o.ess_s,
                &ess_s.map_or("—".into(), |e| fmt_count(e.round() as u64)),
                ess_s,
            )?;
            let mean = r.mean();
            for axis in 0..2 {
                set(
                    &o.mean[axis],
                    &mean.map_or("—".into(), |m| fmt_mean(m[axis])),
                    mean.map(|m| m[axis]),
                )?;
            }
            let sd = r.cov().map(|c| [c[0][0].sqrt(), c[1][1].sqrt()]);
            for axis in 0..2 {
                set(
                    &o.sd[axis],
                    &sd.map_or("—".into(), |s| fmt_mean(s[axis])),
                    sd.map(|s| s[axis]),
                )?;
            }
            o.info.set_text_content(Some(&self.info_line(i)));
        }
        Ok(())
    }

    /// One line about what sampler `i` is doing, in the lecture's terms.
    fn info_line(&self, i: usize) -> String {
        let r = &self.runs[i];
        let p = &self.params;
        let tag = if self.compare {
            if i == 0 {
                "A: "
            } else {
                "B: "
            }
        } else {
            ""
        };
        let body = match (&r.engine, self.kinds[i]) {
            (_, SamplerKind::Rwmh) => format!(
                "s′ = s + σ·noise with σ = {}; accept with α = min(1, p(s′)/p(s)). Aim for an \
                 acceptance around 0.2–0.5.",
                fmt_num(p.sigma)
            ),
            (_, SamplerKind::Gibbs) => "each step redraws x₁ ~ p(x₁ | x₂), then x₂ ~ p(x₂ | x₁), \
                 exactly (analytic or numerical inverse CDF); α = 1."
                .into(),
            (_, SamplerKind::Ula) => format!(
                "θ′ = θ + (ε/2)∇log p(θ) + N(0, εI) with ε = {} ({}), no accept/reject: a \
                 constant ε samples a slightly wrong density.",
                fmt_num(r.current_eps(p).unwrap_or(p.eps)),
                if p.decay { "decaying" } else { "constant" }
            ),
            (_, SamplerKind::Mala) => format!(
                "the Langevin move with ε = {} as an MH proposal: the accept/reject step makes \
                 it exact.",
                fmt_num(p.eps)
            ),
            (_, SamplerKind::Hmc) => format!(
                "p ~ N(0, I), L = {} leapfrog steps of Δt = {}, accept with min(1, e^−ΔH); last \
                 ΔH = {}.",
                p.n_leapfrog,
                fmt_num(p.dt),
                r.delta_h.map_or("—".into(), fmt_num)
            ),
            (_, SamplerKind::Nuts) => {
                let (d, l) = r.nuts_tree.unwrap_or((0, 0));
                format!(
                    "ε = {}; last tree depth {d} with {l} leapfrog steps (max depth {}); {} \
                     divergent transitions.",
                    fmt_num(p.nuts_eps),
                    p.depth,
                    r.divergences
                )
            }
            (Engine::Importance(s), _) => format!(
                "{} draws from q = N(({}, {}), {}²I), weights w = p̃/q; ESS = (Σw)²/Σw² = {} \
                 (the read-out's ESS/s counts draws).",
                fmt_count(s.count()),
                fmt_num(p.is_mean[0]),
                fmt_num(p.is_mean[1]),
                fmt_num(p.is_sigma),
                fmt_num(s.ess())
            ),
            (Engine::Particles(q), _) => format!(
                "{} particles, each an unadjusted Langevin chain at ε = {}; the histograms show \
                 the ensemble now{}.",
                fmt_count((q.xs.len() / 2) as u64),
                fmt_num(q.schedule.eps_at(q.iter)),
                if q.frozen > 0 {
                    format!(" ({} frozen by the NaN guard)", q.frozen)
                } else {
                    String::new()
                }
            ),
            _ => String::new(),
        };
        let halted = r
            .halted
            .as_ref()
            .map(|m| format!(" STOPPED: {m}"))
            .unwrap_or_default();
        format!("{tag}{body}{halted}")
    }

    /// Writes the settings into the URL state.
    pub fn save(&self, p: &mut Params) {
        let d = SamplerParams::default();
        let q = &self.params;
        p.set("target", self.target.id());
        p.set("sampler", self.kinds[0].id());
        p.set("T", &short(self.temp));
        if self.compare {
            p.set("compare", "1");
            p.set("sampler2", self.kinds[1].id());
        }
        if self.shade == Shade::Energy {
            p.set("shade", "E");
        }
        if !self.contours {
            p.set("contours", "0");
        }
        let used = &self.kinds[..self.active()];
        let uses = |ks: &[SamplerKind]| ks.iter().any(|k| used.contains(k));
        use SamplerKind as K;
        if uses(&[K::Rwmh]) || q.sigma != d.sigma {
            p.set("sigma", &short(q.sigma));
        }
        if uses(&[K::Ula, K::Mala, K::Particles]) || q.eps != d.eps {
            p.set("eps", &short(q.eps));
        }
        if q.decay {
            p.set("sched", "decay");
        }
        if uses(&[K::Hmc]) || q.dt != d.dt || q.n_leapfrog != d.n_leapfrog {
            p.set("dt", &short(q.dt));
            p.set("L", &q.n_leapfrog.to_string());
        }
        if uses(&[K::Nuts]) || q.nuts_eps != d.nuts_eps || q.depth != d.depth {
            p.set("neps", &short(q.nuts_eps));
            p.set("depth", &q.depth.to_string());
        }
        if uses(&[K::Importance]) || q.is_mean != d.is_mean || q.is_sigma != d.is_sigma {
            p.set("ismx", &short(q.is_mean[0]));
            p.set("ismy", &short(q.is_mean[1]));
            p.set("iss", &short(q.is_sigma));
        }
        if uses(&[K::Particles]) || q.particles != d.particles {
            p.set("n", &q.particles.to_string());
        }
        if self.target == TargetKind::Drawn {
            let b: Vec<String> = self
                .land
                .drawn
                .bumps()
                .iter()
                .map(|b| {
                    format!(
                        "{},{},{},{}",
                        short(b.centre[0]),
                        short(b.centre[1]),
                        short(b.amplitude),
                        short(b.width)
                    )
                })
                .collect();
            p.set("bumps", &b.join("~"));
        }
    }

    /// Applies settings from a URL; returns messages for refused or clamped values.
    pub fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        if let Some(v) = p.get("target") {
            match TargetKind::from_id(v) {
                Some(k) => self.target = k,
                None => msgs.push(format!(
                    "link setting target={v:?} is not one of {}; kept {}",
                    TargetKind::ids().join(", "),
                    self.target.id()
                )),
            }
        }
        for (key, i) in [("sampler", 0), ("sampler2", 1)] {
            if let Some(v) = p.get(key) {
                match SamplerKind::from_id(v) {
                    Some(k) => self.kinds[i] = k,
                    None => msgs.push(format!(
                        "link setting {key}={v:?} is not one of {}; kept {}",
                        SamplerKind::ids().join(", "),
                        self.kinds[i].id()
                    )),
                }
            }
        }
        if let Some(t) = num_param(p, "T", 0.01, 100.0, &mut msgs) {
            self.temp = t;
        }
        match p.flag("compare") {
            Ok(Some(on)) => self.compare = on,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.choice("shade", &["p", "E"]) {
            Ok(Some(s)) => {
                self.shade = if s == "E" {
                    Shade::Energy
                } else {
                    Shade::Density
                }
            }
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.flag("contours") {
            Ok(Some(on)) => self.contours = on,
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        match p.choice("sched", &["const", "decay"]) {
            Ok(Some(s)) => self.params.decay = s == "decay",
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        let q = &mut self.params;
        if let Some(v) = num_param(p, "sigma", 1e-4, 1e4, &mut msgs) {
            q.sigma = v;
        }
        if let Some(v) = num_param(p, "eps", 1e-6, 100.0, &mut msgs) {
            q.eps = v;
        }
        if let Some(v) = num_param(p, "dt", 1e-6, 1e9, &mut msgs) {
            q.dt = v;
        }
        if let Some(v) = num_param(p, "L", 1.0, 10_000.0, &mut msgs) {
            q.n_leapfrog = v.round() as u32;
        }
        if let Some(v) = num_param(p, "neps", 1e-6, 1e9, &mut msgs) {
            q.nuts_eps = v;
        }
        if let Some(v) = num_param(p, "depth", 1.0, 12.0, &mut msgs) {
            q.depth = v.round() as u32;
        }
        if let Some(v) = num_param(p, "ismx", -100.0, 100.0, &mut msgs) {
            q.is_mean[0] = v;
        }
        if let Some(v) = num_param(p, "ismy", -100.0, 100.0, &mut msgs) {
            q.is_mean[1] = v;
        }
        if let Some(v) = num_param(p, "iss", 1e-3, 1e3, &mut msgs) {
            q.is_sigma = v;
        }
        if let Some(v) = num_param(p, "n", 1.0, 10_000.0, &mut msgs) {
            q.particles = v.round() as usize;
        }
        if let Some(b) = p.get("bumps") {
            match parse_bumps(b) {
                Ok(bumps) => {
                    self.land.drawn.clear();
                    for bump in bumps {
                        if let Err(e) = self.land.drawn.add_bump(bump) {
                            msgs.push(format!("link setting bumps: {e}"));
                            break;
                        }
                    }
                }
                Err(e) => msgs.push(format!("link setting bumps: {e}; kept the drawing")),
            }
        }
        let side = plane_side(self.compare);
        for pl in self.planes.iter_mut() {
            let _ = pl.resize(side);
        }
        self.sync_controls();
        self.restart();
        msgs
    }
}

/// A parameter slider of the sampler box: label, range, step, display format and tooltip; how
/// its position is read from and stored into the settings; the samplers whose row shows it.
struct Param {
    label: &'static str,
    min: f64,
    max: f64,
    step: f64,
    fmt: fn(f64) -> String,
    tip: &'static str,
    get: fn(&SamplerParams) -> f64,
    set: fn(&mut SamplerParams, f64),
    kinds: &'static [SamplerKind],
}

/// Where the two sliders of the importance proposal's mean stand in [`PARAMS`].
const IS_MEAN: usize = 6;

/// The parameter sliders, in page order (the ε schedule menu stands after the first two).
const PARAMS: [Param; 10] = [
    Param {
        label: "σ",
        min: -2.0,
        max: 1.0,
        step: 0.01,
        fmt: pow10_fmt,
        tip: "Random-walk proposal s′ = s + σ·noise: small σ is accepted often but moves little",
        get: |p| p.sigma.log10(),
        set: |p, v| p.sigma = 10f64.powf(v),
        kinds: &[SamplerKind::Rwmh],
    },
    Param {
        label: "ε",
        min: -3.0,
        max: 0.5,
        step: 0.01,
        fmt: pow10_fmt,
        tip: "Langevin step: θ′ = θ + (ε/2)∇log p(θ) + N(0, εI)",
        get: |p| p.eps.log10(),
        set: |p, v| p.eps = 10f64.powf(v),
        kinds: &[SamplerKind::Ula, SamplerKind::Mala, SamplerKind::Particles],
    },
    Param {
        label: "Δt",
        min: -3.0,
        max: 1.0,
        step: 0.01,
        fmt: pow10_fmt,
        tip: "HMC leapfrog step size: too large and the energy H is not conserved (rejections, divergence)",
        get: |p| p.dt.log10(),
        set: |p, v| p.dt = 10f64.powf(v),
        kinds: &[SamplerKind::Hmc],
    },
    Param {
        label: "L",
        min: 1.0,
        max: 100.0,
        step: 1.0,
        fmt: int_fmt,
        tip: "HMC leapfrog steps per transition (trajectory length L·Δt)",
        get: |p| f64::from(p.n_leapfrog),
        set: |p, v| p.n_leapfrog = v.round().clamp(1.0, 10_000.0) as u32,
        kinds: &[SamplerKind::Hmc],
    },
    Param {
        label: "ε (NUTS)",
        min: -3.0,
        max: 1.0,
        step: 0.01,
        fmt: pow10_fmt,
        tip: "NUTS leapfrog step size; the trajectory length is chosen by the no-U-turn rule",
        get: |p| p.nuts_eps.log10(),
        set: |p, v| p.nuts_eps = 10f64.powf(v),
        kinds: &[SamplerKind::Nuts],
    },
    Param {
        label: "max depth",
        min: 1.0,
        max: 12.0,
        step: 1.0,
        fmt: int_fmt,
        tip: "NUTS doubles its trajectory at most this many times (≤ 2^depth leapfrog steps)",
        get: |p| f64::from(p.depth),
        set: |p, v| p.depth = v.round().clamp(1.0, 12.0) as u32,
        kinds: &[SamplerKind::Nuts],
    },
    Param {
        label: "q mean x₁",
        min: -6.0,
        max: 6.0,
        step: 0.01,
        fmt: two_fmt,
        tip: "Mean of the proposal q(x) = N(μ, σ²I) (or click the plane)",
        get: |p| p.is_mean[0],
        set: |p, v| p.is_mean[0] = v,
        kinds: &[SamplerKind::Importance],
    },
    Param {
        label: "q mean x₂",
        min: -6.0,
        max: 6.0,
        step: 0.01,
        fmt: two_fmt,
        tip: "Mean of the proposal q(x) = N(μ, σ²I) (or click the plane)",
        get: |p| p.is_mean[1],
        set: |p, v| p.is_mean[1] = v,
        kinds: &[SamplerKind::Importance],
    },
    Param {
        label: "q σ",
        min: -1.0,
        max: 1.0,
        step: 0.01,
        fmt: pow10_fmt,
        tip: "Width of q: too narrow misses mass (weights explode), too wide wastes draws",
        get: |p| p.is_sigma.log10(),
        set: |p, v| p.is_sigma = 10f64.powf(v),
        kinds: &[SamplerKind::Importance],
    },
    Param {
        label: "particles",
        min: 0.0,
        max: 4.0,
        step: 0.01,
        fmt: pow10_int,
        tip: "Number of Langevin particles moved at once (1 to 10 000)",
        get: |p| (p.particles as f64).log10(),
        set: |p, v| p.particles = 10f64.powf(v).round().clamp(1.0, 10_000.0) as usize,
        kinds: &[SamplerKind::Particles],
    },
];

/// The sliders of `params`, set from `init`, with their rows (shown only for the samplers `kinds`); a change
/// stores the value, then the runs using it are rebuilt.
fn param_sliders(
    lab: &Rc<RefCell<Mcmc>>,
    parent: &Element,
    init: &SamplerParams,
    params: &'static [Param],
    rows: &mut Vec<(Element, Vec<SamplerKind>)>,
) -> Result<Vec<Slider>, JsValue> {
    let mut out = Vec::with_capacity(params.len());
    for param in params {
        let l = lab.clone();
        let s = dom::slider(
            parent,
            param.label,
            param.min,
            param.max,
            param.step,
            (param.get)(init),
            param.fmt,
            move |v| {
                let mut m = l.borrow_mut();
                (param.set)(&mut m.params, v);
                m.retune(param.kinds);
                mark_dirty();
            },
        )?;
        titled(&s.input, param.tip);
        if let Some(p) = s.input.parent_element() {
            rows.push((p, param.kinds.to_vec()));
        }
        out.push(s);
    }
    Ok(out)
}

/// A mean for the read-outs: three decimals (no "−0.000").
fn fmt_mean(v: f64) -> String {
    if !v.is_finite() {
        "—".into()
    } else if v.abs() >= 1e4 {
        format!("{v:.2e}")
    } else if v.abs() < 5e-4 {
        "0.000".into()
    } else {
        format!("{v:.3}")
    }
}

/// The seeded start point: uniform in the central 60 % of the view.
fn start_point(seed: u64, view: Bounds) -> [f64; 2] {
    let mut rng = Rng::new(seed ^ 0x005E_ED0F_C4A1);
    [
        view.x_min + view.width() * rng.range(0.2, 0.8),
        view.y_min + view.height() * rng.range(0.2, 0.8),
    ]
}

/// A number for the URL: short but enough digits to replay.
fn short(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Parses `x,y,a,s~x,y,a,s~…` into validated bumps.
fn parse_bumps(s: &str) -> Result<Vec<Bump>, String> {
    let mut out = Vec::new();
    for part in s.split('~').filter(|p| !p.is_empty()) {
        let v: Vec<f64> = part
            .split(',')
            .map(|x| {
                x.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("{x:?} is not a number"))
            })
            .collect::<Result<_, _>>()?;
        if v.len() != 4 {
            return Err(format!("{part:?} needs four numbers x,y,amplitude,width"));
        }
        out.push(Bump::new([v[0], v[1]], v[2], v[3]).map_err(|e| e.to_string())?);
        if out.len() > MAX_BUMPS {
            return Err(format!("more than {MAX_BUMPS} bumps"));
        }
    }
    Ok(out)
}
