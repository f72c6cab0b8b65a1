//! Browser tests of the Boltzmann lab (headless Chromium via wasm-bindgen-test): mount the real
//! app, open `#boltzmann`, drive it through the shell's transport and the lab's own controls, and
//! read the read-outs' `data-*` attributes.
#![cfg(target_arch = "wasm32")]

use energy_playground::web;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement, HtmlInputElement, PointerEvent,
    PointerEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("document")
}

/// Waits `ms` milliseconds (the app advances and repaints in its rAF loop meanwhile).
async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let w = web_sys::window().expect("window");
        w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("timeout");
    });
    wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect("timer");
}

/// Mounts the app once per test page (with the page's own style sheet).
fn mounted() -> web_sys::Element {
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

/// Opens the lab with URL state `query` and waits for it to load.
async fn open(query: &str) {
    mounted();
    // Let the shell write its own hash first (it does so in its first frame after mounting).
    sleep(60).await;
    let w = web_sys::window().expect("window");
    w.location()
        .set_hash(&format!("#boltzmann?{query}"))
        .expect("hash");
    sleep(150).await;
    let panel = doc().get_element_by_id("lab-boltzmann").expect("panel");
    assert!(!panel.class_list().contains("hidden"), "the lab is shown");
}

fn el(id: &str) -> web_sys::Element {
    doc()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("#{id}"))
}

fn num(id: &str, attr: &str) -> f64 {
    let v = el(id)
        .get_attribute(&format!("data-{attr}"))
        .unwrap_or_else(|| panic!("#{id} has data-{attr}"));
    v.parse::<f64>()
        .unwrap_or_else(|_| panic!("#{id} data-{attr}={v:?} is a number"))
}

/// Clicks the first button under `scope` whose text is `label`.
fn click(scope: &str, label: &str) {
    let list = doc()
        .query_selector_all(&format!("{scope} button"))
        .expect("buttons");
    for i in 0..list.length() {
        let b: HtmlElement = list.get(i).expect("b").dyn_into().expect("button");
        if b.text_content().as_deref() == Some(label) {
            b.click();
            return;
        }
    }
    panic!("no button {label:?} under {scope}");
}

/// The shell's play/pause button.
fn play_button() -> HtmlElement {
    doc()
        .query_selector("header .transport .btn.primary")
        .expect("q")
        .expect("play button")
        .dyn_into()
        .expect("button")
}

fn playing() -> bool {
    play_button()
        .text_content()
        .unwrap_or_default()
        .contains("Pause")
}

async fn play_for(ms: i32) {
    if !playing() {
        play_button().click();
    }
    sleep(ms).await;
    if playing() {
        play_button().click();
    }
    sleep(60).await;
}

#[wasm_bindgen_test]
async fn temperature_view_steps_and_reports_a_finite_energy() {
    open("view=temp&seed=11").await;
    let sweeps0 = num("bz-temp-readout", "sweeps");
    let e0 = num("bz-temp-readout", "energy");
    assert_eq!(sweeps0, 0.0);
    assert!(
        e0.is_finite() && e0 < 0.0,
        "a noisy cue of a memory has E < 0: {e0}"
    );
    // The shell's Step button: one sweep each.
    for _ in 0..3 {
        click("header .transport", "Step");
    }
    sleep(120).await;
    assert_eq!(num("bz-temp-readout", "sweeps"), 3.0);
    play_for(400).await;
    let sweeps = num("bz-temp-readout", "sweeps");
    let e = num("bz-temp-readout", "energy");
    assert!(sweeps > 3.0, "Play advanced the sweeps: {sweeps}");
    assert!(e.is_finite(), "energy {e}");
    // At T = 0.2 the cue relaxes towards the memory: the energy fell.
    assert!(e < e0, "energy {e0} → {e}");
    // The overlap chart and both grids are visible.
    let grid = el("lab-boltzmann")
        .query_selector("canvas.bz-live")
        .expect("q")
        .expect("live grid");
    assert!(grid.get_bounding_client_rect().width() > 100.0);
}

#[wasm_bindgen_test]
async fn extreme_temperatures_stay_finite() {
    // Huge T and T = 0 both sample without NaN.
    for t in ["1000", "0"] {
        open(&format!("view=temp&seed=3&T={t}&speed=20")).await;
        play_for(250).await;
        let e = num("bz-temp-readout", "energy");
        assert!(e.is_finite(), "T={t}: energy {e}");
        assert!(num("bz-temp-readout", "sweeps") > 0.0);
        assert_eq!(num("bz-temp-readout", "t"), t.parse::<f64>().expect("T"));
    }
}

#[wasm_bindgen_test]
async fn annealing_converges_and_names_the_final_state() {
    open("view=temp&seed=5&n=8&tmax=3&alpha=0.7&k=2&tmin=0.05&speed=50").await;
    click("#bz-temp", "Anneal");
    sleep(60).await;
    assert_eq!(
        el("bz-anneal").get_attribute("data-state").as_deref(),
        Some("running")
    );
    play_for(800).await;
    let a = el("bz-anneal");
    assert_eq!(a.get_attribute("data-state").as_deref(), Some("converged"));
    let kind = a.get_attribute("data-result").unwrap_or_default();
    assert!(
        ["stored", "inverse", "other"].contains(&kind.as_str()),
        "{kind}"
    );
    assert!(num("bz-anneal", "energy").is_finite());
    assert!(!playing(), "the shell pauses when annealing converges");
}

#[wasm_bindgen_test]
async fn exact_view_total_variation_falls() {
    open("view=exact&seed=7&ne=8&sigma=0.7&te=1&speed=20").await;
    assert!(!el("bz-exact").class_list().contains("hidden"));
    assert_eq!(num("bz-tv", "samples"), 0.0);
    assert!(num("bz-ground", "count") >= 1.0);
    play_for(200).await;
    let (n1, tv1) = (num("bz-tv", "samples"), num("bz-tv", "tv"));
    assert!(
        n1 > 0.0 && tv1 > 0.0 && tv1 <= 1.0,
        "{n1} samples, TV {tv1}"
    );
    // Many more samples: the distance to the exact distribution shrinks.
    web_sys::window()
        .expect("window")
        .location()
        .set_hash("#boltzmann?view=exact&seed=7&ne=8&sigma=0.7&te=1&speed=2000")
        .expect("hash");
    sleep(150).await;
    play_for(900).await;
    let (n2, tv2) = (num("bz-tv", "samples"), num("bz-tv", "tv"));
    assert!(n2 > 20.0 * n1, "{n1} → {n2} samples");
    assert!(tv2 < 0.6 * tv1, "TV {tv1} after {n1} → {tv2} after {n2}");
}

#[wasm_bindgen_test]
async fn exact_view_at_zero_temperature_compares_with_the_ground_states() {
    open("view=exact&seed=2&ne=6&te=0&speed=10").await;
    play_for(200).await;
    let tv = num("bz-tv", "tv");
    assert!(tv.is_finite() && (0.0..=1.0).contains(&tv), "TV {tv}");
    let zero: HtmlInputElement = el("bz-exact")
        .query_selector("input[type=checkbox]")
        .expect("q")
        .expect("T = 0 box")
        .dyn_into()
        .expect("input");
    assert!(zero.checked(), "the T = 0 box shows the URL's T");
}

#[wasm_bindgen_test]
async fn learning_raises_the_log_likelihood() {
    open("view=learn&seed=1&hidden=1&eta=0.05&steps=300&speed=20").await;
    assert!(!el("bz-learn").class_list().contains("hidden"));
    let ll0 = num("bz-ll", "ll0");
    assert_eq!(num("bz-ll", "steps"), 0.0);
    // W = 0: every one of the 2⁹ visible states has probability 2⁻⁹.
    assert!((ll0 + 9.0 * std::f64::consts::LN_2).abs() < 1e-9, "{ll0}");
    play_for(1200).await;
    let steps = num("bz-ll", "steps");
    let ll = num("bz-ll", "ll");
    assert!(steps >= 40.0, "steps {steps}");
    assert!(ll > ll0 + 1.0, "L rose: {ll0} → {ll} after {steps} steps");
    assert!(ll <= -(14f64).ln() + 1e-9, "L ≤ log(1/14): {ll}");
}

#[wasm_bindgen_test]
async fn refused_url_values_warn_and_keep_defaults() {
    open("view=temp&seed=1&n=13&T=-1&alpha=2").await;
    let status = el("status");
    let msg = status.text_content().unwrap_or_default();
    assert!(status.class_name().contains("warn"), "{msg}");
    assert!(msg.contains("n=13") || msg.contains("13"), "{msg}");
    let grid: web_sys::HtmlCanvasElement = el("lab-boltzmann")
        .query_selector("canvas.bz-live")
        .expect("q")
        .expect("grid")
        .dyn_into()
        .expect("canvas");
    assert_eq!(grid.width(), 16, "kept the 16 × 16 grid");
    let hash = web_sys::window()
        .expect("window")
        .location()
        .hash()
        .expect("hash");
    assert!(hash.contains("view=temp"), "{hash}");
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

fn pixel(canvas: &HtmlCanvasElement, x: u32, y: u32) -> [u8; 3] {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("ctx")
        .expect("ctx")
        .dyn_into()
        .expect("2d");
    let d = ctx
        .get_image_data(x as f64, y as f64, 1.0, 1.0)
        .expect("pixels")
        .data();
    [d[0], d[1], d[2]]
}

#[wasm_bindgen_test]
async fn drawing_on_the_live_grid_sets_neurons() {
    open("view=temp&seed=4&n=8").await;
    let canvas: HtmlCanvasElement = el("lab-boltzmann")
        .query_selector("canvas.bz-live")
        .expect("q")
        .expect("live grid")
        .dyn_into()
        .expect("canvas");
    assert_eq!(canvas.width(), 8);
    let r = canvas.get_bounding_client_rect();
    let cell = r.width() / 8.0;
    let (x, y) = (r.left() + 0.5 * cell, r.top() + 0.5 * cell);
    // The right button erases (−1, paper), the left paints (+1, ink); the energy follows.
    pointer(&canvas, "pointerdown", x, y, 2);
    pointer(&canvas, "pointerup", x, y, 2);
    sleep(60).await;
    assert_eq!(pixel(&canvas, 0, 0), web::canvas::PAPER, "erased");
    let e_off = num("bz-temp-readout", "energy");
    pointer(&canvas, "pointerdown", x, y, 0);
    pointer(&canvas, "pointerup", x, y, 0);
    sleep(60).await;
    assert_eq!(pixel(&canvas, 0, 0), web::canvas::INK, "painted");
    let e_on = num("bz-temp-readout", "energy");
    assert!(e_on.is_finite() && e_on != e_off, "E {e_off} → {e_on}");
}
