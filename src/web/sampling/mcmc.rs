//! "MCMC on the plane": the layout of the MCMC view (one plane, or two when comparing, beside
//! the controls, read-outs and charts), its controls built from the lab's rows, pointer input
//! (move the chain or the importance proposal, draw wells and hills), and what each frame
//! paints. The state is [`Mcmc`] in the core.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, PointerEvent};

use crate::core::landscape::drawn::MAX_BUMPS;
use crate::core::landscape::Bump;
use crate::core::sampling::look::{LevelSet, Look};
use crate::core::sampling::mcmc::Mcmc;
use crate::core::sampling::targets::{DRAWN, LEARNED};
use crate::core::settings::Value;
use crate::web::app::mark_dirty;
use crate::web::plane::{PlaneView, Shade};
use crate::web::settings::{self, Action};
use crate::web::{dom, status};

use super::charts::Charts;
use super::overlay::{compose, Decor};
use super::SamplingLab;

/// Plane side (CSS pixels) alone, and when two samplers are compared (at 1280 × 800).
const PLANE: f64 = 560.0;
const PLANE_SMALL: f64 = 340.0;
/// Heatmap grid while still, while a bump is dragged, and for a costly target.
const GRID: usize = 200;
const GRID_DRAG: usize = 90;
const GRID_COSTLY: usize = 100;
/// Milliseconds of sampling per animation frame (the rest is drawing).
const FRAME_BUDGET_MS: f64 = 12.0;
/// Pick radius for bumps, in CSS pixels.
const PICK_PX: f64 = 14.0;
/// Grid side of the energy behind nested sampling's contour.
const LEVEL_GRID: usize = 150;
/// Frames a proposal stays visible after a single step.
const FLASH_FRAMES: u32 = 50;

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

/// The MCMC view's buttons beside "compare".
static ACTIONS: &[Action<SamplingLab>] = &[
    Action {
        key: "preset-bias",
        label: "ULA bias vs MALA",
        tip: "Preset: unadjusted Langevin against MALA at the same ε on N(0, I)",
        run: SamplingLab::preset_ula_bias,
    },
    Action {
        key: "clear-samples",
        label: "Clear samples",
        tip: "Forget the samples so far (the chain stays where it is)",
        run: |l| {
            l.state.mcmc.clear_samples();
            l.mcmc.touch();
        },
    },
];

/// The drawing tools' button.
static DRAW_ACTIONS: &[Action<SamplingLab>] = &[Action {
    key: "clear-drawing",
    label: "Clear drawing",
    tip: "Remove every bump (the bowl stays)",
    run: |l| {
        settings::apply(l, "bumps", &Value::Text(String::new()));
    },
}];

/// Where the controls go (filled by [`McmcView::wire`]).
pub struct Boxes {
    target: HtmlElement,
    sampler: HtmlElement,
}

/// The MCMC view's elements and what needs repainting.
pub struct McmcView {
    planes: [PlaneView; 2],
    plane_b: HtmlElement,
    caption: HtmlElement,
    draw_box: HtmlElement,
    charts: Charts,
    flash: [u32; 2],
    picture: Option<u64>,
    frame_dirty: bool,
    stats_dirty: bool,
    acf_dirty: bool,
    last_acf: f64,
    /// A bump being dragged: (plane, bump index).
    drag: Option<(usize, usize)>,
    throttled: u32,
    throttle_noted: bool,
    learned_opt: Option<Element>,
    compare: bool,
    /// Energy grids for nested sampling's contour, and the picture they were filled for.
    levels: [LevelSet; 2],
    levels_pic: [Option<u64>; 2],
}

impl McmcView {
    /// The view's layout inside `parent`; the controls come later ([`McmcView::wire`]).
    pub fn new(parent: &Element) -> Result<(Self, Boxes), JsValue> {
        let cols = dom::el(parent, "div", "cols samp-cols")?;
        let left = dom::el(&cols, "div", "col samp-planes")?;
        let side = dom::el(&cols, "div", "col samp-side")?;
        let wrap_a = dom::el(&left, "div", "samp-plane")?;
        let plane_a = PlaneView::new(
            &wrap_a,
            "plane",
            plane_side(false),
            "the target density as a heatmap, with the sampler's samples, path and last proposal",
        )?;
        let plane_b = dom::el(&left, "div", "samp-plane hidden")?;
        let plane_b_view = PlaneView::new(
            &plane_b,
            "plane",
            plane_side(true),
            "the second sampler on the same target",
        )?;
        let caption = dom::text(&left, "p", "samp-caption muted", "")?;
        let ctlrow = dom::el(&side, "div", "samp-ctlrow")?;
        let target = dom::el(&ctlrow, "div", "controls")?;
        let sampler = dom::el(&ctlrow, "div", "controls")?;
        let draw_box = dom::el(&target, "div", "samp-drawbox hidden")?;
        let charts = Charts::new(&side)?;
        Ok((
            Self {
                planes: [plane_a, plane_b_view],
                plane_b,
                caption,
                draw_box,
                charts,
                flash: [0; 2],
                picture: None,
                frame_dirty: true,
                stats_dirty: true,
                acf_dirty: true,
                last_acf: 0.0,
                drag: None,
                throttled: 0,
                throttle_noted: false,
                learned_opt: None,
                compare: false,
                levels: Default::default(),
                levels_pic: [None; 2],
            },
            Boxes { target, sampler },
        ))
    }

    /// Builds the controls from the lab's rows and wires the planes' pointer input.
    pub fn wire(lab: &Rc<RefCell<SamplingLab>>, b: Boxes) -> Result<(), JsValue> {
        dom::text(&b.target, "h3", "", "Target p(x) ∝ exp(−E(x)/T)")?;
        settings::build(
            lab,
            &b.target,
            &["target", "ndata", "T", "shade", "contours"],
        )?;
        let draw_box = lab.borrow().mcmc.draw_box.clone();
        b.target.append_child(&draw_box)?;
        dom::text(
            &draw_box,
            "p",
            "muted samp-hint",
            "Click: add a well · Shift-click: a hill · drag: move · right-click: remove",
        )?;
        settings::build(lab, &draw_box, &["bumpa", "bumpw"])?;
        settings::buttons(lab, &draw_box, DRAW_ACTIONS)?;
        dom::text(&b.sampler, "h3", "", "Sampler")?;
        settings::build(
            lab,
            &b.sampler,
            &[
                "sampler", "sigma", "eps", "sched", "dt", "L", "neps", "depth", "ismx", "ismy",
                "iss", "n", "t0", "mceps", "mcL", "lambda", "delta", "warm", "sveps", "svn",
                "dechains", "reps", "tmax", "live", "aisn", "stages", "sgeps", "batch",
            ],
        )?;
        let row = dom::el(&b.sampler, "div", "row")?;
        settings::build(lab, &row, &["compare"])?;
        let buttons = settings::buttons(lab, &row, ACTIONS)?;
        buttons[0].set_id("sampling-preset-bias");
        settings::build(lab, &b.sampler, &["sampler2"])?;
        {
            let mut l = lab.borrow_mut();
            let opt = l
                .controls
                .element("target")
                .and_then(|t| t.query_selector(&format!("option[value='{LEARNED}']")).ok())
                .flatten();
            l.mcmc.learned_opt = opt;
        }
        for i in 0..2 {
            wire_plane(lab, i)?;
        }
        Ok(())
    }

    /// Marks everything for repainting.
    pub fn touch(&mut self) {
        self.frame_dirty = true;
        self.stats_dirty = true;
        self.acf_dirty = true;
    }

    /// Re-renders the landscapes (after a resize).
    pub fn resize(&mut self, compare: bool) {
        let side = plane_side(compare);
        for p in self.planes.iter_mut() {
            let _ = p.resize(side);
        }
        self.picture = None;
        self.touch();
    }

    /// Shows what the settings call for: plane B and its read-outs when comparing, the
    /// drawing tools on the drawing, the caption, and the learned energy in the menu once one
    /// has been trained.
    pub fn layout(&mut self, m: &Mcmc) {
        if m.compare() != self.compare {
            self.compare = m.compare();
            self.resize(self.compare);
        }
        let cmp = self.compare;
        let _ = self.plane_b.class_list().toggle_with_force("hidden", !cmp);
        self.charts.set_compare(cmp);
        let _ = self
            .draw_box
            .class_list()
            .toggle_with_force("hidden", m.target() != DRAWN);
        let what = if m.target() == DRAWN {
            "Draw: click adds a well, Shift-click a hill, drag moves one, right-click removes it. "
        } else if m.weighted(0) {
            "Click the plane to move the proposal q there. "
        } else {
            "Click the plane to move the chain there. "
        };
        let is = if (0..m.active()).any(|i| m.weighted(i)) {
            "Importance draws: disc area ∝ weight p/q; dashed circles: q at 1σ and 2σ. "
        } else {
            ""
        };
        self.caption.set_text_content(Some(&format!(
            "{what}{is}Dots: samples · orange: path and current state · green/red arrow: \
             accepted/rejected proposal with α · pink: leapfrog path, black: momentum · + exact \
             mean, × estimate."
        )));
        self.touch();
    }

    /// Samples while playing: `speed` steps per frame within the frame budget.
    pub fn tick(&mut self, m: &mut Mcmc, speed: u32) -> bool {
        let out = m.advance(u64::from(speed), FRAME_BUDGET_MS, &mut dom::now);
        let mut keep = true;
        for (i, o) in out.iter().enumerate().take(m.active()) {
            let name = m.runs()[i].entry().short;
            if o.done > 0 {
                self.flash[i] = FLASH_FRAMES;
                self.frame_dirty = true;
                self.stats_dirty = true;
            }
            if let Some(msg) = &o.halted {
                halted(name, msg);
                self.touch();
                keep = false;
            } else if o.done < u64::from(speed) {
                // Said once, when it persists (the first frames run unoptimised code).
                self.throttled += 1;
                if self.throttled >= 30 && !self.throttle_noted {
                    self.throttle_noted = true;
                    status::info(&format!(
                        "{name} manages about {} of the {speed} steps per frame asked for: it \
                         runs as many as fit in the frame budget, so the page stays responsive",
                        o.done
                    ));
                }
            }
        }
        keep
    }

    /// One step of each shown sampler, with its proposal drawn.
    pub fn step(&mut self, m: &mut Mcmc) {
        let out = m.advance(1, f64::INFINITY, &mut dom::now);
        for (i, o) in out.iter().enumerate().take(m.active()) {
            self.flash[i] = FLASH_FRAMES;
            if let Some(msg) = &o.halted {
                halted(m.runs()[i].entry().short, msg);
            }
        }
        self.touch();
    }

    /// After a restart: a new throttle note may be due.
    pub fn restarted(&mut self) {
        self.throttled = 0;
        self.throttle_noted = false;
        self.flash = [0; 2];
        self.picture = None;
        self.touch();
    }

    /// Repaints what changed.
    pub fn draw(&mut self, m: &mut Mcmc) -> Result<(), JsValue> {
        if let Some(o) = &self.learned_opt {
            let _ = o.toggle_attribute_with_force("disabled", !m.learned_available());
        }
        let n = m.active();
        if m.exact_stale() && self.drag.is_none() {
            if let Some(e) = &m.exact().failed {
                status::warn(e);
            }
            self.stats_dirty = true;
        }
        if self.picture != Some(m.picture()) {
            self.picture = Some(m.picture());
            let grid = if self.drag.is_some() {
                GRID_DRAG
            } else if m.land.costly(m.target()) {
                GRID_COSTLY
            } else {
                GRID
            };
            let shade = if m.shade() == 0 {
                Shade::Density
            } else {
                Shade::Energy
            };
            for p in self.planes.iter_mut().take(n) {
                p.set_view(m.view());
                if let Err(e) = p.render(m.landscape(), m.t(), shade, m.contours(), grid) {
                    status::warn(&format!("could not draw the landscape: {e}"));
                }
            }
            self.frame_dirty = true;
        }
        let flashing = self.flash[..n].iter().any(|&f| f > 0);
        if self.frame_dirty || flashing {
            let exact_mean = if m.exact_stale() {
                None
            } else {
                m.exact().mean
            };
            for i in 0..n {
                let r = &m.runs()[i];
                let label = if m.compare() {
                    format!("{} · {}", ["A", "B"][i], r.entry().short)
                } else {
                    format!(
                        "{} · T = {}",
                        r.entry().short,
                        crate::core::sampling::show(m.t())
                    )
                };
                let bumps: &[Bump] = if m.target() == DRAWN {
                    m.land.drawn.bumps()
                } else {
                    &[]
                };
                let k = m.knobs();
                let contour: &[[f64; 4]] = match r.look() {
                    Look::Contour { energy } => {
                        if self.levels_pic[i] != Some(m.picture()) {
                            self.levels[i].fill(m.landscape(), m.view(), LEVEL_GRID);
                            self.levels_pic[i] = Some(m.picture());
                        }
                        self.levels[i].segments(energy)
                    }
                    _ => &[],
                };
                let decor = Decor {
                    label: &label,
                    exact_mean,
                    bumps,
                    proposal: m
                        .weighted(i)
                        .then(|| ([k.get("ismx"), k.get("ismy")], k.get("iss"))),
                    flash: f64::from(self.flash[i]) / f64::from(FLASH_FRAMES) * 1.6,
                    contour,
                };
                compose(&mut self.planes[i], r, &decor)?;
            }
            for f in self.flash[..n].iter_mut() {
                *f = f.saturating_sub(1);
            }
            self.frame_dirty = false;
        }
        let now = dom::now();
        if self.acf_dirty || now - self.last_acf > 1000.0 {
            if self.acf_dirty || m.runs()[..n].iter().any(|r| r.steps() > 0) {
                m.update_acf();
                self.charts.draw_acf(m);
                self.stats_dirty = true;
            }
            self.last_acf = now;
            self.acf_dirty = false;
        }
        if self.stats_dirty && self.drag.is_none() {
            self.charts.draw_stats(m)?;
            self.stats_dirty = false;
        }
        Ok(())
    }
}

fn halted(name: &str, msg: &str) {
    status::warn(&format!(
        "{name} stopped: {msg}. Lower the step size, then click the plane or press Reset."
    ));
}

impl SamplingLab {
    /// The lecture's preset (a button): ULA against MALA at ε = 1 on N(0, I).
    fn preset_ula_bias(&mut self) {
        match self.state.preset_ula_bias() {
            Ok(()) => {
                self.changed_all();
                status::info(
                    "Preset: ULA (top) and MALA (bottom) at the same ε = 1 on N(0, I). Without \
                     the MH step ULA's stationary variance is 1/(1 − ε/4) = 1.33, so its \
                     histograms come out too wide; MALA's accept/reject removes the bias. Press \
                     Play (raise the speed).",
                );
            }
            Err(e) => status::warn(&e),
        }
    }

    /// A press on plane `i`: on the drawing, add, pick or remove a bump; elsewhere move the
    /// chain (or the importance proposal) there.
    fn pointer_down(&mut self, i: usize, e: &PointerEvent) -> bool {
        let plane = &self.mcmc.planes[i];
        let Some(w) = plane.to_world(f64::from(e.client_x()), f64::from(e.client_y())) else {
            return false;
        };
        let m = &mut self.state.mcmc;
        if m.target() != DRAWN {
            self.click_move(i, w);
            return false;
        }
        let near = m.land.drawn.nearest_bump(w, PICK_PX * plane.world_per_px());
        match (e.button(), near) {
            (2, Some(k)) => m.remove_bump(k),
            (2, None) => {}
            (_, Some(k)) => {
                self.mcmc.drag = Some((i, k));
                return true;
            }
            (_, None) => {
                if let Err(err) = m.add_bump(w, e.shift_key()) {
                    status::warn(&format!(
                        "no bump added: {err} (at most {MAX_BUMPS}; right-click one to remove it)"
                    ));
                }
            }
        }
        self.changed_all();
        mark_dirty();
        false
    }

    fn click_move(&mut self, i: usize, w: [f64; 2]) {
        let m = &mut self.state.mcmc;
        if i >= m.active() {
            return;
        }
        if m.weighted(i) {
            // The proposal's mean, on the sliders' grid.
            for (key, v) in [("ismx", w[0]), ("ismy", w[1])] {
                let v = ((v * 100.0).round() / 100.0).clamp(-6.0, 6.0);
                settings::apply(self, key, &Value::Num(v));
            }
            return;
        }
        match m.move_chain(i, w) {
            Ok(()) => {
                self.mcmc.flash[i] = 0;
                self.mcmc.frame_dirty = true;
                status::info(&format!(
                    "moved {} to ({:.2}, {:.2})",
                    m.runs()[i].entry().short,
                    w[0],
                    w[1]
                ));
            }
            Err(e) => status::warn(&e),
        }
    }

    fn pointer_move(&mut self, i: usize, e: &PointerEvent) {
        let Some((p, k)) = self.mcmc.drag else { return };
        if p != i {
            return;
        }
        if let Some(w) =
            self.mcmc.planes[i].to_world(f64::from(e.client_x()), f64::from(e.client_y()))
        {
            self.state.mcmc.drag_bump(k, w);
        }
    }

    fn pointer_up(&mut self) {
        if self.mcmc.drag.take().is_some() {
            self.state.mcmc.drawing_done();
            self.changed_all();
            mark_dirty();
        }
    }
}

fn wire_plane(lab: &Rc<RefCell<SamplingLab>>, i: usize) -> Result<(), JsValue> {
    let canvas = lab.borrow().mcmc.planes[i].canvas.clone();
    {
        let (l, c) = (lab.clone(), canvas.clone());
        dom::on(&canvas, "pointerdown", move |e: PointerEvent| {
            e.prevent_default();
            if l.borrow_mut().pointer_down(i, &e) {
                let _ = c.set_pointer_capture(e.pointer_id());
            }
        })?;
    }
    {
        let l = lab.clone();
        dom::on(&canvas, "pointermove", move |e: PointerEvent| {
            l.borrow_mut().pointer_move(i, &e);
        })?;
    }
    for kind in ["pointerup", "pointercancel"] {
        let l = lab.clone();
        dom::on(&canvas, kind, move |_: PointerEvent| {
            l.borrow_mut().pointer_up()
        })?;
    }
    dom::on(&canvas, "contextmenu", |e: web_sys::Event| {
        e.prevent_default()
    })?;
    Ok(())
}
