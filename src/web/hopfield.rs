//! The Hopfield lab: a grid of ±1 neurons to draw on (pointer events: mouse, touch, pen).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, PointerEvent};

use super::app::{mark_dirty, Lab};
use super::canvas::{paint_spins, PixelLayer};
use super::dom;
use crate::core::params::Params;
use crate::core::rng::Rng;

/// Grid side lengths offered.
pub const SIDES: [usize; 7] = [8, 12, 16, 24, 32, 48, 64];

/// The Hopfield lab's state.
pub struct HopfieldLab {
    panel: HtmlElement,
    grid: PixelLayer,
    readout: HtmlElement,
    side: usize,
    y: Vec<i8>,
    rng: Rng,
    dirty: bool,
    /// Pointer stroke: the value painted and the last cell, while a button is down.
    stroke: Option<(i8, (i32, i32))>,
    erase: bool,
}

impl HopfieldLab {
    /// Builds the lab (hidden until its tab is chosen).
    pub fn new(seed: u64) -> Result<Rc<RefCell<Self>>, JsValue> {
        let doc = dom::document()?;
        let panel = doc.create_element("section")?.dyn_into::<HtmlElement>()?;
        panel.set_class_name("lab hidden");
        panel.set_id("lab-hopfield");
        let cols = dom::el(&panel, "div", "cols")?;
        let left = dom::el(&cols, "div", "col grid-col")?;
        let right = dom::el(&cols, "div", "col side-col")?;
        let side = 16;
        let grid = PixelLayer::new(&left, "grid", side as u32, side as u32)?;
        grid.canvas
            .set_attribute("aria-label", "neuron grid: draw with the pointer")?;
        grid.canvas.set_attribute("role", "img")?;
        let readout = dom::text(&left, "div", "readout", "")?;
        readout.set_id("hopfield-readout");
        let lab = Rc::new(RefCell::new(Self {
            panel,
            grid,
            readout,
            side,
            y: vec![-1; side * side],
            rng: Rng::new(seed),
            dirty: true,
            stroke: None,
            erase: false,
        }));
        Self::wire(&lab, &right)?;
        Ok(lab)
    }

    fn wire(lab: &Rc<RefCell<Self>>, right: &HtmlElement) -> Result<(), JsValue> {
        let canvas = lab.borrow().grid.canvas.clone();
        {
            let l = lab.clone();
            let c = canvas.clone();
            dom::on(&canvas, "pointerdown", move |e: PointerEvent| {
                e.prevent_default();
                let _ = c.set_pointer_capture(e.pointer_id());
                let mut s = l.borrow_mut();
                let v = if s.erase || e.button() == 2 || e.shift_key() {
                    -1
                } else {
                    1
                };
                if let Some(cell) = s.cell(&e) {
                    s.stroke = Some((v, cell));
                    s.paint_line(cell, cell, v);
                }
            })?;
        }
        {
            let l = lab.clone();
            dom::on(&canvas, "pointermove", move |e: PointerEvent| {
                let mut s = l.borrow_mut();
                if let (Some((v, last)), Some(cell)) = (s.stroke, s.cell(&e)) {
                    s.paint_line(last, cell, v);
                    s.stroke = Some((v, cell));
                }
            })?;
        }
        for kind in ["pointerup", "pointercancel"] {
            let l = lab.clone();
            dom::on(&canvas, kind, move |_: PointerEvent| {
                let mut s = l.borrow_mut();
                if s.stroke.take().is_some() {
                    mark_dirty();
                }
            })?;
        }
        dom::on(&canvas, "contextmenu", |e: web_sys::Event| {
            e.prevent_default()
        })?;

        let box_ = dom::el(right, "div", "controls")?;
        dom::text(&box_, "h3", "", "Draw")?;
        {
            let l = lab.clone();
            let sides: Vec<String> = SIDES.iter().map(|s| format!("{s} × {s}")).collect();
            let refs: Vec<&str> = sides.iter().map(|s| s.as_str()).collect();
            let chosen = SIDES
                .iter()
                .position(|&s| s == lab.borrow().side)
                .unwrap_or(0);
            dom::select(&box_, "Grid", &refs, chosen, move |i| {
                l.borrow_mut().set_side(SIDES[i]);
                mark_dirty();
            })?;
        }
        {
            let l = lab.clone();
            dom::checkbox(&box_, "Erase (or right button / Shift)", false, move |on| {
                l.borrow_mut().erase = on;
            })?;
        }
        let row = dom::el(&box_, "div", "row")?;
        {
            let l = lab.clone();
            dom::button(&row, "Clear", "Set every neuron to −1", move || {
                let mut s = l.borrow_mut();
                s.y.fill(-1);
                s.dirty = true;
            })?;
        }
        {
            let l = lab.clone();
            dom::button(&row, "Invert", "Flip every neuron", move || {
                let mut s = l.borrow_mut();
                s.y.iter_mut().for_each(|v| *v = -*v);
                s.dirty = true;
            })?;
        }
        {
            let l = lab.clone();
            dom::button(
                &row,
                "Random",
                "Each neuron ±1 with probability ½",
                move || {
                    let mut s = l.borrow_mut();
                    let s = &mut *s;
                    for v in s.y.iter_mut() {
                        *v = s.rng.spin();
                    }
                    s.dirty = true;
                },
            )?;
        }
        Ok(())
    }

    fn cell(&self, e: &PointerEvent) -> Option<(i32, i32)> {
        self.grid
            .cell_at(f64::from(e.client_x()), f64::from(e.client_y()))
            .map(|(x, y)| (x as i32, y as i32))
    }

    /// Paints value `v` along the segment a→b (Bresenham), so fast strokes leave no gaps.
    fn paint_line(&mut self, a: (i32, i32), b: (i32, i32), v: i8) {
        let (mut x, mut y) = a;
        let (dx, dy) = ((b.0 - x).abs(), -(b.1 - y).abs());
        let (sx, sy) = (if x < b.0 { 1 } else { -1 }, if y < b.1 { 1 } else { -1 });
        let mut err = dx + dy;
        let side = self.side as i32;
        loop {
            if (0..side).contains(&x) && (0..side).contains(&y) {
                self.y[(y * side + x) as usize] = v;
            }
            if (x, y) == b {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
        self.dirty = true;
    }

    fn set_side(&mut self, side: usize) {
        if side == self.side {
            return;
        }
        // Resample the drawing (nearest neighbour) so nothing drawn is lost.
        let old = std::mem::take(&mut self.y);
        let os = self.side;
        self.y = (0..side * side)
            .map(|k| {
                let (r, c) = (k / side, k % side);
                old[(r * os / side) * os + c * os / side]
            })
            .collect();
        self.side = side;
        self.grid.resize(side as u32, side as u32);
        self.dirty = true;
    }
}

impl Lab for HopfieldLab {
    fn id(&self) -> &'static str {
        "hopfield"
    }
    fn title(&self) -> &'static str {
        "Hopfield"
    }
    fn panel(&self) -> &HtmlElement {
        &self.panel
    }
    fn tick(&mut self, _speed: u32) -> bool {
        false
    }
    fn step(&mut self) {}
    fn reset(&mut self, seed: u64) {
        self.rng = Rng::new(seed);
        self.dirty = true;
    }
    fn draw(&mut self) -> Result<(), JsValue> {
        if !self.dirty {
            return Ok(());
        }
        self.dirty = false;
        paint_spins(&mut self.grid.buf, &self.y, None);
        self.grid.blit()?;
        let on = self.y.iter().filter(|&&v| v > 0).count();
        self.readout
            .set_text_content(Some(&format!("{on} of {} neurons on", self.y.len())));
        self.readout.set_attribute("data-on", &on.to_string())?;
        Ok(())
    }
    fn save(&self, p: &mut Params) {
        p.set("n", &self.side.to_string());
    }
    fn load(&mut self, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        match p.u64_in("n", 8, 64) {
            Ok(Some(n)) if SIDES.contains(&(n as usize)) => self.set_side(n as usize),
            Ok(Some(n)) => msgs.push(format!(
                "grid size {n} is not one of {SIDES:?}; kept {}",
                self.side
            )),
            Ok(None) => {}
            Err(e) => msgs.push(e.to_string()),
        }
        msgs
    }
}
