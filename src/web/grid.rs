//! A drawable grid of ±1 neurons: pointer events (mouse, touch, pen) paint or erase cells,
//! with strokes interpolated so fast movements leave no gaps. Labs own the spins; they implement
//! [`Paintable`] and call [`wire`] once.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlCanvasElement, PointerEvent};

use super::canvas::PixelLayer;
use super::dom;

/// What a lab exposes so the grid can paint into it.
pub trait Paintable {
    /// The pixel layer the grid is drawn on (one pixel per neuron).
    fn layer(&self) -> &PixelLayer;
    /// Whether the erase tool is on.
    fn erasing(&self) -> bool;
    /// Sets neuron (x, y) to `v` (±1).
    fn paint(&mut self, x: usize, y: usize, v: i8);
    /// Called when a stroke ends (e.g. to record an undo step or update the URL).
    fn stroke_done(&mut self) {}
}

/// The state of a stroke in progress.
#[derive(Default)]
struct Stroke {
    value: i8,
    last: Option<(i32, i32)>,
}

/// Attaches pointer handlers to the lab's grid canvas.
pub fn wire<L: Paintable + 'static>(lab: &Rc<RefCell<L>>) -> Result<(), JsValue> {
    let canvas: HtmlCanvasElement = lab.borrow().layer().canvas.clone();
    let stroke = Rc::new(RefCell::new(Stroke::default()));
    {
        let (l, s, c) = (lab.clone(), stroke.clone(), canvas.clone());
        dom::on(&canvas, "pointerdown", move |e: PointerEvent| {
            e.prevent_default();
            let _ = c.set_pointer_capture(e.pointer_id());
            let mut lab = l.borrow_mut();
            let value = if lab.erasing() || e.button() == 2 || e.shift_key() {
                -1
            } else {
                1
            };
            let cell = cell_of(lab.layer(), &e);
            *s.borrow_mut() = Stroke { value, last: cell };
            if let Some(p) = cell {
                segment(&mut *lab, p, p, value);
            }
        })?;
    }
    {
        let (l, s) = (lab.clone(), stroke.clone());
        dom::on(&canvas, "pointermove", move |e: PointerEvent| {
            let mut st = s.borrow_mut();
            let Some(last) = st.last else { return };
            let mut lab = l.borrow_mut();
            if let Some(p) = cell_of(lab.layer(), &e) {
                segment(&mut *lab, last, p, st.value);
                st.last = Some(p);
            }
        })?;
    }
    for kind in ["pointerup", "pointercancel"] {
        let (l, s) = (lab.clone(), stroke.clone());
        dom::on(&canvas, kind, move |_: PointerEvent| {
            if s.borrow_mut().last.take().is_some() {
                l.borrow_mut().stroke_done();
            }
        })?;
    }
    dom::on(&canvas, "contextmenu", |e: web_sys::Event| {
        e.prevent_default()
    })?;
    Ok(())
}

fn cell_of(layer: &PixelLayer, e: &PointerEvent) -> Option<(i32, i32)> {
    layer
        .cell_at(f64::from(e.client_x()), f64::from(e.client_y()))
        .map(|(x, y)| (x as i32, y as i32))
}

/// Paints the cells of segment a→b (Bresenham's line algorithm).
fn segment<L: Paintable + ?Sized>(lab: &mut L, a: (i32, i32), b: (i32, i32), v: i8) {
    let (w, h) = (lab.layer().width() as i32, lab.layer().height() as i32);
    let (mut x, mut y) = a;
    let (dx, dy) = ((b.0 - x).abs(), -(b.1 - y).abs());
    let (sx, sy) = (if x < b.0 { 1 } else { -1 }, if y < b.1 { 1 } else { -1 });
    let mut err = dx + dy;
    loop {
        if (0..w).contains(&x) && (0..h).contains(&y) {
            lab.paint(x as usize, y as usize, v);
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
}
