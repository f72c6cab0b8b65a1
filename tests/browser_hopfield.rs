//! Browser test of the Hopfield lab (headless Chromium): draw a pattern with synthetic pointer
//! events on the real canvas, store it, corrupt it, recall it, and check the grid's pixels and
//! the energy trace.
#![cfg(target_arch = "wasm32")]

use energy_playground::web;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement, PointerEvent, PointerEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("document")
}

async fn wait(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("timeout");
    });
    wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect("timer");
}

fn mounted() {
    if doc().get_element_by_id("app").is_some() {
        return;
    }
    let style = doc().create_element("style").expect("style");
    style.set_text_content(Some(include_str!("../www/style.css")));
    doc()
        .head()
        .expect("head")
        .append_child(&style)
        .expect("append style");
    let root = doc().create_element("div").expect("div");
    root.set_id("app");
    doc()
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    web::mount(&root).expect("mount");
}

fn click(text: &str) {
    let buttons = doc()
        .query_selector_all("#lab-hopfield button")
        .expect("buttons");
    for i in 0..buttons.length() {
        let b: HtmlElement = buttons.get(i).expect("b").dyn_into().expect("button");
        if b.text_content().as_deref() == Some(text) {
            b.click();
            return;
        }
    }
    panic!("no button {text:?}");
}

fn attr(id: &str, name: &str) -> String {
    doc()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("#{id}"))
        .get_attribute(name)
        .unwrap_or_default()
}

fn grid() -> HtmlCanvasElement {
    doc()
        .query_selector("#lab-hopfield canvas.grid")
        .expect("q")
        .expect("grid")
        .dyn_into()
        .expect("canvas")
}

fn pointer(canvas: &HtmlCanvasElement, kind: &str, cell: (f64, f64)) {
    let r = canvas.get_bounding_client_rect();
    let side = canvas.width() as f64;
    let init = PointerEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((r.left() + (cell.0 + 0.5) * r.width() / side) as i32);
    init.set_client_y((r.top() + (cell.1 + 0.5) * r.height() / side) as i32);
    init.set_pointer_id(1);
    init.set_is_primary(true);
    let e = PointerEvent::new_with_event_init_dict(kind, &init).expect("event");
    canvas.dispatch_event(&e).expect("dispatch");
}

fn stroke(canvas: &HtmlCanvasElement, from: (f64, f64), to: (f64, f64)) {
    pointer(canvas, "pointerdown", from);
    pointer(canvas, "pointermove", to);
    pointer(canvas, "pointerup", to);
}

/// The grid as ±1 spins read back from its pixels (ink = +1).
fn spins(canvas: &HtmlCanvasElement) -> Vec<i8> {
    let ctx = canvas
        .get_context("2d")
        .expect("ctx")
        .expect("ctx")
        .dyn_into::<CanvasRenderingContext2d>()
        .expect("2d");
    let (w, h) = (canvas.width(), canvas.height());
    let d = ctx
        .get_image_data(0.0, 0.0, w as f64, h as f64)
        .expect("pixels")
        .data();
    d.chunks_exact(4)
        .map(|p| if p[..3] == web::canvas::INK { 1 } else { -1 })
        .collect()
}

#[wasm_bindgen_test]
async fn draw_store_corrupt_recall() {
    mounted();
    web_sys::window()
        .expect("w")
        .location()
        .set_hash("#hopfield?n=16&seed=7&noise=0.25&mode=async")
        .expect("hash");
    wait(150).await;
    click("Forget all");
    click("Clear");
    wait(50).await;
    let canvas = grid();
    assert_eq!(canvas.width(), 16);
    // Draw a frame and a diagonal.
    stroke(&canvas, (2.0, 2.0), (13.0, 2.0));
    stroke(&canvas, (13.0, 2.0), (13.0, 13.0));
    stroke(&canvas, (13.0, 13.0), (2.0, 13.0));
    stroke(&canvas, (2.0, 13.0), (2.0, 2.0));
    stroke(&canvas, (4.0, 4.0), (11.0, 11.0));
    wait(80).await;
    let drawn = spins(&canvas);
    let on = drawn.iter().filter(|&&v| v > 0).count();
    assert_eq!(
        on,
        44 + 8,
        "a 12×12 frame (44 cells) and an 8-cell diagonal inside it"
    );
    click("Store drawing");
    wait(50).await;
    assert_eq!(attr("hopfield-library", "data-count"), "1");

    // Corrupt: 25 % noise (exactly 64 flips).
    click("Add noise");
    wait(80).await;
    let noisy = spins(&canvas);
    let flipped = noisy.iter().zip(&drawn).filter(|(a, b)| a != b).count();
    assert_eq!(flipped, 64);
    let e0: f64 = attr("hopfield-readout", "data-energy")
        .parse()
        .expect("energy");

    // Recall one neuron at a time for a while: energy never rises.
    for _ in 0..40 {
        click("One neuron");
    }
    wait(80).await;
    let e1: f64 = attr("hopfield-readout", "data-energy")
        .parse()
        .expect("energy");
    assert!(e1 <= e0 + 1e-9, "energy rose from {e0} to {e1}");

    click("To a fixed point");
    wait(120).await;
    assert_eq!(attr("hopfield-outcome", "data-state"), "done");
    let outcome = doc()
        .get_element_by_id("hopfield-outcome")
        .expect("o")
        .text_content()
        .unwrap_or_default();
    assert!(outcome.contains("stored pattern #1"), "{outcome}");
    assert_eq!(
        spins(&canvas),
        drawn,
        "the grid shows the stored drawing again"
    );
    let e2: f64 = attr("hopfield-readout", "data-energy")
        .parse()
        .expect("energy");
    assert!(e2 < e0, "recall lowered the energy: {e0} → {e2}");
    // The energy trace recorded the descent and never rose.
    let plot = doc()
        .query_selector("#lab-hopfield canvas.plot")
        .expect("q")
        .expect("energy plot");
    assert_eq!(plot.get_attribute("data-rose").as_deref(), Some("0"));
    let points: usize = plot
        .get_attribute("data-points")
        .unwrap_or_default()
        .parse()
        .expect("points");
    assert!(points >= 3, "trace has {points} points");
}

#[wasm_bindgen_test]
async fn overlap_mode_recalls_a_256_grid() {
    mounted();
    web_sys::window()
        .expect("w")
        .location()
        .set_hash("#hopfield?n=256&mem=AHOU&cue=O&noise=0.3&seed=3")
        .expect("hash");
    wait(200).await;
    let st = doc()
        .get_element_by_id("status")
        .expect("s")
        .text_content()
        .unwrap_or_default();
    let h = web_sys::window().expect("w").location().hash().expect("h");
    assert_eq!(grid().width(), 256, "status {st:?}, hash {h:?}");
    click("To a fixed point");
    wait(200).await;
    let outcome = doc()
        .get_element_by_id("hopfield-outcome")
        .expect("o")
        .text_content()
        .unwrap_or_default();
    assert!(outcome.contains("stored pattern O"), "{outcome}");
}
