//! Browser tests of the shell (headless Chromium via wasm-bindgen-test): mount the real app,
//! draw on the real canvas with synthetic pointer events, and read the pixels back.
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

/// Waits for a couple of animation frames (the app repaints in its rAF loop).
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

/// Mounts the app once per test page.
fn mounted() -> web_sys::Element {
    if let Some(root) = doc().get_element_by_id("app") {
        return root;
    }
    // The page's own style sheet, so canvases have their real on-screen size.
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

fn pixel(canvas: &HtmlCanvasElement, x: u32, y: u32) -> [u8; 4] {
    let ctx = canvas
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

#[wasm_bindgen_test]
async fn app_mounts_with_tabs_status_and_seed() {
    let root = mounted();
    frames().await;
    assert_eq!(root.get_attribute("data-ready").as_deref(), Some("1"));
    assert!(
        doc()
            .query_selector_all("nav.tabs .tab")
            .expect("tabs")
            .length()
            >= 2
    );
    assert!(doc().get_element_by_id("status").is_some());
    let seed = doc()
        .query_selector("footer .seed")
        .expect("q")
        .expect("seed input");
    let seed: web_sys::HtmlInputElement = seed.dyn_into().expect("input");
    assert!(seed.value().parse::<u64>().is_ok());
}

#[wasm_bindgen_test]
async fn drawing_on_the_grid_paints_pixels() {
    mounted();
    frames().await;
    let canvas: HtmlCanvasElement = doc()
        .query_selector("#lab-hopfield canvas.grid")
        .expect("q")
        .expect("grid canvas")
        .dyn_into()
        .expect("canvas");
    // Start from a clear grid.
    let clear = doc()
        .query_selector_all("#lab-hopfield button")
        .expect("buttons");
    for i in 0..clear.length() {
        let b: HtmlElement = clear.get(i).expect("b").dyn_into().expect("button");
        if b.text_content().as_deref() == Some("Clear") {
            b.click();
        }
    }
    frames().await;
    let side = canvas.width();
    assert!(side >= 8);
    let r = canvas.get_bounding_client_rect();
    assert!(r.width() > 50.0, "grid is visible ({}px)", r.width());
    let cell = r.width() / side as f64;
    // A horizontal stroke along row 2 from column 1 to column side-2, with only two move
    // events: the painter must fill the cells in between.
    let yc = r.top() + cell * 2.5;
    pointer(&canvas, "pointerdown", r.left() + cell * 1.5, yc, 0);
    pointer(
        &canvas,
        "pointermove",
        r.left() + cell * (side as f64 / 2.0),
        yc,
        0,
    );
    pointer(
        &canvas,
        "pointermove",
        r.left() + cell * (side as f64 - 1.5),
        yc,
        0,
    );
    pointer(
        &canvas,
        "pointerup",
        r.left() + cell * (side as f64 - 1.5),
        yc,
        0,
    );
    frames().await;
    for x in 1..side - 1 {
        let p = pixel(&canvas, x, 2);
        assert_eq!(&p[..3], &web::canvas::INK, "cell ({x}, 2) is painted");
    }
    assert_eq!(
        &pixel(&canvas, 0, 2)[..3],
        &web::canvas::PAPER,
        "cell (0, 2) untouched"
    );
    assert_eq!(
        &pixel(&canvas, 3, 5)[..3],
        &web::canvas::PAPER,
        "row 5 untouched"
    );
    let readout = doc()
        .get_element_by_id("hopfield-readout")
        .expect("readout");
    assert_eq!(
        readout.get_attribute("data-on"),
        Some((side - 2).to_string())
    );
    // Erasing with the right button clears one cell.
    pointer(&canvas, "pointerdown", r.left() + cell * 3.5, yc, 2);
    pointer(&canvas, "pointerup", r.left() + cell * 3.5, yc, 2);
    frames().await;
    assert_eq!(&pixel(&canvas, 3, 2)[..3], &web::canvas::PAPER, "erased");
    assert_eq!(
        readout.get_attribute("data-on"),
        Some((side - 3).to_string())
    );
}

#[wasm_bindgen_test]
async fn url_hash_carries_lab_and_seed() {
    mounted();
    frames().await;
    let w = web_sys::window().expect("window");
    w.location()
        .set_hash("#hopfield?seed=1234&n=32")
        .expect("hash");
    frames().await;
    let hash = w.location().hash().expect("hash");
    assert!(hash.contains("seed=1234"), "{hash}");
    assert!(hash.contains("n=32"), "{hash}");
    let canvas: HtmlCanvasElement = doc()
        .query_selector("#lab-hopfield canvas.grid")
        .expect("q")
        .expect("grid")
        .dyn_into()
        .expect("canvas");
    assert_eq!(canvas.width(), 32);
    // A malformed value is refused with a message and changes nothing.
    w.location()
        .set_hash("#hopfield?seed=1234&n=1e9")
        .expect("hash");
    frames().await;
    assert_eq!(canvas.width(), 32);
    let status = doc().get_element_by_id("status").expect("status");
    let msg = status.text_content().unwrap_or_default();
    assert!(
        msg.contains("n=") && status.class_name().contains("warn"),
        "{msg}"
    );
}

fn api(name: &str, arg: wasm_bindgen::JsValue) -> wasm_bindgen::JsValue {
    let w = web_sys::window().expect("window");
    let obj =
        js_sys::Reflect::get(&w, &"energyPlayground".into()).expect("window.energyPlayground");
    let f: js_sys::Function = js_sys::Reflect::get(&obj, &name.into())
        .expect(name)
        .dyn_into()
        .expect("function");
    f.call1(&obj, &arg).expect("call")
}

#[wasm_bindgen_test]
async fn scripting_api_drives_the_page() {
    mounted();
    frames().await;
    let labs: js_sys::Array = api("labs", wasm_bindgen::JsValue::UNDEFINED)
        .dyn_into()
        .expect("array");
    assert!(labs.includes(&"hopfield".into(), 0));
    api("set", "#hopfield?n=24&seed=99".into());
    frames().await;
    let state = api("state", wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .expect("string");
    assert!(
        state.contains("n=24") && state.contains("seed=99"),
        "{state}"
    );
    assert_eq!(api("seed", 5.0.into()).as_f64(), Some(5.0));
    assert_eq!(api("select", "nope".into()).as_bool(), Some(false));
    assert_eq!(api("select", "hopfield".into()).as_bool(), Some(true));
}
