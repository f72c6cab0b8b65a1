//! Browser tests of the shell (headless Chromium via wasm-bindgen-test): mount the real app,
//! draw on the real canvas with synthetic pointer events, and read the pixels back.
#![cfg(target_arch = "wasm32")]

mod support;

use energy_playground::web;
use support::{
    buttons, current_hash, doc, el, frames, mounted, pixel, pointer, query, set_hash, status,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

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
    let seed: web_sys::HtmlInputElement = query("footer .seed");
    assert!(seed.value().parse::<u64>().is_ok());
}

#[wasm_bindgen_test]
async fn drawing_on_the_grid_paints_pixels() {
    mounted();
    frames().await;
    let canvas: HtmlCanvasElement = query("#lab-hopfield canvas.grid");
    // Start from a clear grid.
    for b in buttons("#lab-hopfield", "Clear") {
        b.click();
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
    let readout = el("hopfield-readout");
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
    set_hash("#hopfield?seed=1234&n=32");
    frames().await;
    let hash = current_hash();
    assert!(hash.contains("seed=1234"), "{hash}");
    assert!(hash.contains("n=32"), "{hash}");
    let canvas: HtmlCanvasElement = query("#lab-hopfield canvas.grid");
    assert_eq!(canvas.width(), 32);
    // A malformed value is refused with a message and changes nothing.
    set_hash("#hopfield?seed=1234&n=1e9");
    frames().await;
    assert_eq!(canvas.width(), 32);
    let (msg, class) = status();
    assert!(msg.contains("n=") && class.contains("warn"), "{msg}");
    // A mistyped lab says so and applies nothing to the lab on screen.
    set_hash("#nosuchlab?n=8&seed=99");
    frames().await;
    let (msg, class) = status();
    assert!(
        msg.contains("no lab named \"nosuchlab\"") && class.contains("warn"),
        "{msg}"
    );
    assert_eq!(canvas.width(), 32, "nothing of the link was applied");
    // Lab ids ignore case.
    set_hash("#HOPFIELD?seed=1234&n=16");
    frames().await;
    assert_eq!(canvas.width(), 16);
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
