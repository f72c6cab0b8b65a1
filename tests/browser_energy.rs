//! Browser tests of the "Train an energy" lab (headless Chromium via wasm-bindgen-test): mount the
//! real app, train through the shell's Step button, type bad settings, draw points with pointer
//! events, sample from the model, and read back the `data-*` read-outs and canvas pixels.
#![cfg(target_arch = "wasm32")]

use energy_playground::web;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    CanvasRenderingContext2d, Element, HtmlButtonElement, HtmlCanvasElement, HtmlInputElement,
    HtmlProgressElement, PointerEvent, PointerEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("document")
}

/// Waits a few animation frames (the app works and repaints in its rAF loop).
async fn frames() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let w = web_sys::window().expect("window");
        w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 120)
            .expect("timeout");
    });
    wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect("timer");
}

/// Mounts the app once per test page, with the page's own style sheet.
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

/// Opens the lab through the URL hash (each test uses its own seed so the hash changes).
async fn open(hash: &str) {
    mounted();
    frames().await;
    web_sys::window()
        .expect("window")
        .location()
        .set_hash(hash)
        .expect("hash");
    frames().await;
}

fn el(id: &str) -> Element {
    doc().get_element_by_id(id).expect(id)
}

fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name)
        .unwrap_or_else(|| panic!("missing {name}"))
}

fn num(e: &Element, name: &str) -> f64 {
    attr(e, name).parse().expect("a number")
}

/// The first button under `scope` whose label is `text`.
fn button(scope: &str, text: &str) -> HtmlButtonElement {
    let list = doc()
        .query_selector_all(&format!("{scope} button"))
        .expect("buttons");
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|n| n.dyn_into::<HtmlButtonElement>().ok())
        .find(|b| b.text_content().as_deref() == Some(text))
        .unwrap_or_else(|| panic!("button {text:?} in {scope}"))
}

/// All RGBA pixels of a canvas.
fn pixels(canvas: &HtmlCanvasElement) -> Vec<u8> {
    let ctx = canvas
        .get_context("2d")
        .expect("ctx")
        .expect("ctx")
        .dyn_into::<CanvasRenderingContext2d>()
        .expect("2d");
    ctx.get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .expect("pixels")
        .data()
        .to_vec()
}

fn pointer(canvas: &HtmlCanvasElement, kind: &str, x: f64, y: f64, button: i16) {
    let init = PointerEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_client_x(x as i32);
    init.set_client_y(y as i32);
    init.set_button(button);
    init.set_pointer_id(1);
    init.set_is_primary(true);
    let e = PointerEvent::new_with_event_init_dict(kind, &init).expect("event");
    canvas.dispatch_event(&e).expect("dispatch");
}

fn status() -> (String, String) {
    let s = el("status");
    (s.text_content().unwrap_or_default(), s.class_name())
}

fn field() -> HtmlCanvasElement {
    doc()
        .query_selector("#lab-energy canvas.energy-field")
        .expect("q")
        .expect("field canvas")
        .dyn_into()
        .expect("canvas")
}

/// The text field whose label reads `name`.
fn field_input(name: &str) -> HtmlInputElement {
    let labels = doc()
        .query_selector_all("#lab-energy label.ctl")
        .expect("labels");
    (0..labels.length())
        .filter_map(|i| labels.get(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .find(|l| {
            l.query_selector(".ctl-name")
                .ok()
                .flatten()
                .and_then(|s| s.text_content())
                .as_deref()
                == Some(name)
        })
        .and_then(|l| l.query_selector("input").ok().flatten())
        .unwrap_or_else(|| panic!("field {name:?}"))
        .dyn_into()
        .expect("input")
}

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    input
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
}

fn step(n: usize) {
    let b = button("header .transport", "Step");
    for _ in 0..n {
        b.click();
    }
}

#[wasm_bindgen_test]
async fn training_steps_advance_with_finite_losses() {
    open("#energy?seed=21&preset=moons&n=200&hidden=32").await;
    assert!(!el("lab-energy").class_list().contains("hidden"));
    let r = el("energy-readout");
    assert_eq!(attr(&r, "data-iteration"), "0");
    assert_eq!(attr(&r, "data-points"), "200");
    step(4);
    frames().await;
    assert_eq!(attr(&r, "data-iteration"), "4");
    assert_eq!(el("energy-iter").text_content().as_deref(), Some("4"));
    for k in ["data-loss", "data-edata", "data-eneg"] {
        let v = num(&r, k);
        assert!(v.is_finite(), "{k} = {v}");
    }
    assert_eq!(attr(&r, "data-failed"), "0");
    let progress: HtmlProgressElement = el("energy-progress").dyn_into().expect("progress");
    assert!(progress.value() > 0.0 && progress.value() < 0.01);

    // The field is painted: opaque everywhere, with white data dots and vermillion negatives.
    let canvas = field();
    let px = pixels(&canvas);
    assert!(px.chunks_exact(4).all(|p| p[3] == 255), "opaque");
    let count = |rgb: [u8; 3]| px.chunks_exact(4).filter(|p| p[..3] == rgb).count();
    assert!(count([255, 255, 255]) > 100, "data dots drawn");
    assert!(count([213, 94, 0]) > 100, "negatives drawn");
    // Hiding the data removes the white dots.
    let shows = doc()
        .query_selector_all("#lab-energy .energy-shows input")
        .expect("checkboxes");
    let data_box: HtmlInputElement = shows.get(0).expect("data").dyn_into().expect("input");
    data_box.click();
    frames().await;
    assert_eq!(count_after(&canvas, [255, 255, 255]), 0);
    data_box.click();
    frames().await;

    // The same seed and settings replay the same numbers.
    let loss = attr(&r, "data-loss");
    button("header .transport", "Reset").click();
    frames().await;
    assert_eq!(attr(&r, "data-iteration"), "0");
    step(4);
    frames().await;
    assert_eq!(attr(&r, "data-loss"), loss, "replayed from the seed");
}

fn count_after(canvas: &HtmlCanvasElement, rgb: [u8; 3]) -> usize {
    pixels(canvas)
        .chunks_exact(4)
        .filter(|p| p[..3] == rgb)
        .count()
}

#[wasm_bindgen_test]
async fn bad_settings_are_refused_or_clamped() {
    open("#energy?seed=22&preset=rings&n=100&hidden=32&lr=0.003&step=0.01").await;
    let lr = field_input("Learning rate");
    type_into(&lr, "abc");
    let (msg, class) = status();
    assert!(
        msg.contains("not a number") && class.contains("warn"),
        "{msg}"
    );
    assert_eq!(lr.value(), "0.003", "kept");
    type_into(&lr, "5");
    let (msg, class) = status();
    assert!(msg.contains("too large") && class.contains("warn"), "{msg}");
    assert_eq!(lr.value(), "0.1", "clamped");
    let eps = field_input("Langevin ε");
    type_into(&eps, "-1");
    assert!(status().0.contains("too small"), "{}", status().0);
    assert_eq!(eps.value(), "1e-4");
    let n = field_input("Points");
    type_into(&n, "1e9");
    assert!(status().0.contains("clamped"), "{}", status().0);
    assert_eq!(n.value(), "10000");
    frames().await;
    let r = el("energy-readout");
    assert_eq!(attr(&r, "data-points"), "10000");
    let hash = web_sys::window()
        .expect("w")
        .location()
        .hash()
        .expect("hash");
    assert!(
        hash.contains("lr=0.1") && hash.contains("n=10000"),
        "the link carries the accepted values: {hash}"
    );
    // Training still works with the clamped values.
    step(2);
    frames().await;
    assert_eq!(attr(&r, "data-iteration"), "2");
    // Bad link values are refused with a message.
    open("#energy?seed=23&hidden=48&lr=-3").await;
    let (msg, class) = status();
    assert!(
        msg.contains("hidden width 48") && msg.contains("lr=") && class.contains("warn"),
        "{msg}"
    );
}

#[wasm_bindgen_test]
async fn points_are_cleared_and_drawn_by_hand() {
    open("#energy?seed=24&preset=spiral&n=100&hidden=32").await;
    let r = el("energy-readout");
    button("#lab-energy", "Clear points").click();
    frames().await;
    assert_eq!(attr(&r, "data-points"), "0");
    step(1);
    frames().await;
    assert_eq!(attr(&r, "data-iteration"), "0", "no data, no training");
    assert!(status().0.contains("no training points"), "{}", status().0);

    let add = doc()
        .query_selector_all("#lab-energy label.ctl-check input")
        .expect("checks")
        .get(0)
        .expect("add checkbox")
        .dyn_into::<HtmlInputElement>()
        .expect("input");
    add.click();
    assert!(add.checked());
    let canvas = field();
    let b = canvas.get_bounding_client_rect();
    // A click at the centre and a short drag in the upper right quadrant.
    let (cx, cy) = (b.left() + b.width() / 2.0, b.top() + b.height() / 2.0);
    pointer(&canvas, "pointerdown", cx, cy, 0);
    pointer(&canvas, "pointerup", cx, cy, 0);
    let (x0, y0) = (b.left() + b.width() * 0.75, b.top() + b.height() * 0.25);
    pointer(&canvas, "pointerdown", x0, y0, 0);
    for k in 1..=5 {
        pointer(&canvas, "pointermove", x0 + 10.0 * k as f64, y0, 0);
    }
    pointer(&canvas, "pointerup", x0 + 50.0, y0, 0);
    frames().await;
    assert_eq!(attr(&r, "data-points"), "7", "1 click + a 6-point drag");
    // A white data dot sits at the centre of the field (within the rounding of client
    // coordinates to whole CSS pixels).
    let px = pixels(&canvas);
    let white_near_centre = (236..245).any(|y| {
        (236..245).any(|x| {
            let k = 4 * (y * 480 + x);
            px[k..k + 3] == [255, 255, 255]
        })
    });
    assert!(white_near_centre, "a dot at the click");
    let corner = 4 * (10 * 480 + 10);
    assert_ne!(&px[corner..corner + 3], &[255, 255, 255], "no dot far away");
    step(3);
    frames().await;
    assert_eq!(
        attr(&r, "data-iteration"),
        "3",
        "trains on the drawn points"
    );
    assert!(num(&r, "data-loss").is_finite());
    add.click();
}

#[wasm_bindgen_test]
async fn sampling_from_the_model_completes() {
    open("#energy?seed=25&preset=2gauss&n=200&hidden=32").await;
    step(2);
    frames().await;
    button("#lab-energy", "Sample from the model").click();
    let r = el("energy-readout");
    let progress: HtmlProgressElement = el("energy-sample-progress").dyn_into().expect("progress");
    for _ in 0..100 {
        if progress.value() >= 1.0 {
            break;
        }
        frames().await;
    }
    assert_eq!(progress.value(), 1.0);
    assert_eq!(attr(&r, "data-samples"), "200", "200 Langevin steps done");
    assert!(status().0.contains("samples"), "{}", status().0);
    let count = count_after(&field(), [86, 180, 233]);
    assert!(count > 100, "sample dots drawn ({count} px)");
}
