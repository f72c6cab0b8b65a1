//! Browser tests of the RBM lab (headless Chromium via wasm-bindgen-test): mount the real app,
//! open `#rbm`, train on the embedded digits with the shell's Step, draw part of a digit on the
//! pad with synthetic pointer events and read the completion, and train the label RBM briefly.
#![cfg(target_arch = "wasm32")]

use energy_playground::web;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement, HtmlProgressElement,
    PointerEvent, PointerEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("document")
}

/// Waits `ms` milliseconds (the app repaints in its rAF loop).
async fn wait(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let w = web_sys::window().expect("window");
        w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("timeout");
    });
    wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect("timer");
}

async fn frames() {
    wait(120).await;
}

/// Mounts the app once per test page.
fn mounted() -> Element {
    if let Some(root) = doc().get_element_by_id("app") {
        return root;
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
    root
}

/// Opens the RBM tab with the given URL state (a new hash resets the lab).
async fn open(hash: &str) {
    mounted();
    frames().await;
    web_sys::window()
        .expect("window")
        .location()
        .set_hash(hash)
        .expect("hash");
    frames().await;
    let panel = doc().get_element_by_id("lab-rbm").expect("rbm panel");
    assert!(
        !panel.class_list().contains("hidden"),
        "the RBM panel is shown for {hash}"
    );
}

fn by_id(id: &str) -> Element {
    doc()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("#{id} exists"))
}

fn attr_f64(id: &str, name: &str) -> f64 {
    let v = by_id(id).get_attribute(name).unwrap_or_default();
    v.parse::<f64>()
        .unwrap_or_else(|_| panic!("#{id} {name}={v:?} is a number"))
}

fn click(id: &str) {
    by_id(id)
        .dyn_into::<HtmlElement>()
        .expect("html element")
        .click();
}

/// The shell's Step (the `n` key).
fn step() {
    web::app::with_app(|a| a.step()).expect("app mounted");
}

fn canvas(id: &str) -> HtmlCanvasElement {
    by_id(id).dyn_into().expect("canvas")
}

fn pixel(c: &HtmlCanvasElement, x: u32, y: u32) -> [u8; 4] {
    let ctx = c
        .get_context("2d")
        .expect("ctx")
        .expect("ctx")
        .dyn_into::<CanvasRenderingContext2d>()
        .expect("2d");
    let d = ctx
        .get_image_data(x as f64, y as f64, 1.0, 1.0)
        .expect("pixels")
        .data();
    [d[0], d[1], d[2], d[3]]
}

fn pointer(c: &HtmlCanvasElement, kind: &str, x: f64, y: f64) {
    let init = PointerEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_client_x(x as i32);
    init.set_client_y(y as i32);
    init.set_button(0);
    init.set_pointer_id(1);
    init.set_is_primary(true);
    let e = PointerEvent::new_with_event_init_dict(kind, &init).expect("event");
    c.dispatch_event(&e).expect("dispatch");
}

/// Draws a stroke through the centres of the given pad cells.
fn stroke(pad: &HtmlCanvasElement, cells: &[(u32, u32)]) {
    let r = pad.get_bounding_client_rect();
    assert!(r.width() > 50.0, "pad is visible ({}px)", r.width());
    let cell = r.width() / 8.0;
    let at = |(x, y): (u32, u32)| {
        (
            r.left() + cell * (x as f64 + 0.5),
            r.top() + cell * (y as f64 + 0.5),
        )
    };
    let (x0, y0) = at(cells[0]);
    pointer(pad, "pointerdown", x0, y0);
    for &c in &cells[1..] {
        let (x, y) = at(c);
        pointer(pad, "pointermove", x, y);
    }
    let (x1, y1) = at(cells[cells.len() - 1]);
    pointer(pad, "pointerup", x1, y1);
}

#[wasm_bindgen_test]
async fn training_on_digits_lowers_the_reconstruction_error() {
    open("#rbm?seed=11&view=train&hidden=64&k=1&pcd=0&lr=0.1&batch=10&epochs=30").await;
    let readout = "rbm-train-readout";
    assert_eq!(
        by_id(readout).get_attribute("data-epoch").as_deref(),
        Some("0")
    );
    step();
    frames().await;
    assert_eq!(attr_f64(readout, "data-epoch"), 1.0);
    let e1 = attr_f64(readout, "data-err");
    assert!(
        e1.is_finite() && e1 > 0.0 && e1 < 0.5,
        "first epoch error {e1}"
    );
    let p1 = attr_f64("rbm-progress", "data-progress");
    assert!(
        (p1 - 1.0 / 30.0).abs() < 1e-9,
        "progress after one epoch {p1}"
    );
    for _ in 0..3 {
        step();
    }
    frames().await;
    assert_eq!(attr_f64(readout, "data-epoch"), 4.0);
    let e4 = attr_f64(readout, "data-err");
    assert!(e4.is_finite() && e4 < 0.8 * e1, "error fell: {e1} → {e4}");
    let pl = attr_f64(readout, "data-metric");
    assert!(pl.is_finite() && pl < 0.0, "pseudo-log-likelihood {pl}");
    let text = by_id(readout).text_content().unwrap_or_default();
    assert!(!text.contains("NaN"), "{text}");
    let progress: HtmlProgressElement = by_id("rbm-progress").dyn_into().expect("progress");
    assert!((progress.value() - 4.0 / 30.0).abs() < 1e-6);
    // The filters are painted in colour (some weight is not zero after training).
    let f = canvas("rbm-filters");
    assert!(f.width() > 60);
    let coloured = (1..f.width() - 1)
        .step_by(3)
        .map(|x| pixel(&f, x, 4))
        .filter(|p| p[0] != p[2])
        .count();
    assert!(coloured > 5, "filters show signed weights ({coloured})");

    // Play runs in time-boxed slices: the page keeps producing frames and training advances.
    web::app::with_app(|a| a.toggle_play()).expect("app");
    wait(600).await;
    web::app::with_app(|a| a.toggle_play()).expect("app");
    frames().await;
    let batches = attr_f64(readout, "data-batches");
    assert!(
        batches > 4.0 * 144.0,
        "playing trained on ({batches} mini-batches)"
    );
    assert!(attr_f64(readout, "data-err").is_finite());
}

#[wasm_bindgen_test]
async fn drawing_half_a_digit_is_completed_by_clamped_gibbs_sampling() {
    open("#rbm?seed=12&view=train&hidden=64&k=1&pcd=0&lr=0.1&batch=10&epochs=30").await;
    for _ in 0..5 {
        step();
    }
    click("rbm-view-complete");
    frames().await;
    let pad: HtmlCanvasElement = doc()
        .query_selector("#lab-rbm canvas.rbm-pad")
        .expect("q")
        .expect("pad")
        .dyn_into()
        .expect("canvas");
    // The top of a zero: an arch in rows 1–3.
    stroke(&pad, &[(2, 3), (2, 2), (3, 1), (5, 1), (6, 2), (6, 3)]);
    frames().await;
    let r = "rbm-complete-readout";
    assert_eq!(
        by_id(r).get_attribute("data-region").as_deref(),
        Some("top")
    );
    assert_eq!(attr_f64(r, "data-known"), 32.0);
    let s0 = attr_f64(r, "data-steps");
    assert!(s0 >= 10.0, "burn-in ran at once ({s0} steps)");
    for _ in 0..20 {
        step();
    }
    frames().await;
    assert_eq!(attr_f64(r, "data-steps"), s0 + 20.0);
    assert_eq!(
        attr_f64(r, "data-agree"),
        1.0,
        "every chain keeps the known pixels at the drawing"
    );
    let free = attr_f64(r, "data-free-mean");
    assert!(
        free > 0.01 && free < 0.99,
        "the free half is completed with grey levels ({free})"
    );
    let comp = canvas("rbm-completion");
    // Known pixels keep the drawing (ink in the arch, blue paper elsewhere in the top half).
    assert_eq!(&pixel(&comp, 3, 1)[..3], &[0, 70, 140], "known ink");
    assert_eq!(&pixel(&comp, 0, 0)[..3], &[214, 230, 245], "known paper");
    // The bottom half is sampled: some pixel is neither white paper nor a known colour, and
    // the model inks at least one pixel there.
    let bottom: Vec<[u8; 4]> = (4..8)
        .flat_map(|y| (0..8).map(move |x| (x, y)))
        .map(|(x, y)| pixel(&comp, x, y))
        .collect();
    assert!(
        bottom
            .iter()
            .all(|p| p[..3] != [214, 230, 245] && p[..3] != [0, 70, 140]),
        "the bottom half is free (not clamped)"
    );
    let darkest = bottom.iter().map(|p| p[0]).min().unwrap_or(255);
    assert!(darkest < 200, "some completed pixel is inked ({darkest})");

    // Switching the known region to the drawn pixels only re-clamps.
    let sel: web_sys::HtmlSelectElement = doc()
        .query_selector("#lab-rbm select")
        .expect("q")
        .expect("known select")
        .dyn_into()
        .expect("select");
    sel.set_selected_index(4);
    sel.dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    frames().await;
    assert_eq!(
        by_id(r).get_attribute("data-region").as_deref(),
        Some("ink")
    );
    // Six drawn cells plus (4, 1), filled in between two pointer positions.
    assert_eq!(attr_f64(r, "data-known"), 7.0);
}

#[wasm_bindgen_test]
async fn a_short_label_training_reports_held_out_accuracy() {
    open("#rbm?seed=13&view=labels&hidden=64&k=1&pcd=0&lr=0.1&batch=10&epochs=3").await;
    let acc = by_id("rbm-accuracy");
    assert_eq!(acc.get_attribute("data-acc").as_deref(), Some(""));
    for _ in 0..3 {
        step();
    }
    frames().await;
    let a = attr_f64("rbm-accuracy", "data-acc");
    assert!(a > 0.5 && a <= 1.0, "held-out accuracy after 3 epochs {a}");
    assert_eq!(attr_f64("rbm-accuracy", "data-epoch"), 3.0);
    assert_eq!(attr_f64("rbm-train-readout", "data-finished"), 1.0);
    // The class posterior of the (held-out) digit in the pad sums to one.
    click("rbm-view-labels");
    frames().await;
    let p = attr_f64("rbm-class", "data-p");
    assert!(p > 0.0 && p <= 1.0, "P(c|v) of the most probable class {p}");
}

#[wasm_bindgen_test]
async fn bad_link_values_are_refused_with_a_message() {
    open("#rbm?seed=14&hidden=5000&lr=abc&view=nowhere").await;
    let status = by_id("status");
    let msg = status.text_content().unwrap_or_default();
    assert!(status.class_name().contains("warn"), "{msg}");
    assert!(msg.contains("hidden=") && msg.contains("lr="), "{msg}");
    let hash = web_sys::window()
        .expect("w")
        .location()
        .hash()
        .expect("hash");
    assert!(!hash.contains("hidden=5000"), "{hash}");
}
