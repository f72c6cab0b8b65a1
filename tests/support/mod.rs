//! Shared plumbing of the browser tests (`tests/browser_*.rs`): each file says `mod support;`
//! and imports what it needs.
//!
//! The tests mount the real app into the test page, drive it the way a visitor would (the URL
//! hash, buttons, form fields, pointer strokes on canvases) and read back what it shows (`data-*`
//! attributes and canvas pixels). The app does its work and repaints in its own
//! `requestAnimationFrame` loop, so after acting a test waits ([`wait`], [`frames`]) before it
//! reads.
//!
//! Every lookup panics with the id, selector or attribute it was after, so a failing test says
//! what was missing.
#![cfg(target_arch = "wasm32")]
// Every test file compiles this module on its own and none uses all of it.
#![allow(dead_code)]

use energy_playground::web;
use wasm_bindgen::JsCast;
use web_sys::{
    CanvasRenderingContext2d, Document, Element, HtmlButtonElement, HtmlCanvasElement,
    HtmlInputElement, HtmlSelectElement, PointerEvent, PointerEventInit,
};

// ---------------------------------------------------------------------------------------------
// Page and timing

/// The test page's document.
pub fn doc() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("document")
}

/// Waits `ms` milliseconds on a browser timer; the app keeps running its frames meanwhile.
pub async fn wait(ms: i32) {
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

/// Waits a few animation frames (120 ms): long enough for the app to act on an input and
/// repaint.
pub async fn frames() {
    wait(120).await;
    at_least_frames(3).await;
}

/// Resolves in the next animation frame, after the app's own frame callback (which was
/// registered first): exactly one app frame has run since the call.
pub async fn next_frame() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("window")
            .request_animation_frame(&resolve)
            .expect("rAF");
    });
    wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect("frame");
}

/// Waits until the app has run `n` more animation frames (at most 3 s): on a busy machine a
/// frame can take longer than a fixed wait.
pub async fn at_least_frames(n: u64) {
    let Some(start) = web::app::with_app(|a| a.frame_count()) else {
        return;
    };
    for _ in 0..150 {
        if web::app::with_app(|a| a.frame_count()).unwrap_or(u64::MAX) >= start + n {
            return;
        }
        wait(20).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Mounting and the URL hash

/// Mounts the app once per test page into `<div id="app">`, with the page's own style sheet so
/// that canvases have their real on-screen size, and returns that root. Later calls return the
/// root already mounted.
pub fn mounted() -> Element {
    if let Some(root) = doc().get_element_by_id("app") {
        return root;
    }
    let style = doc().create_element("style").expect("style");
    style.set_text_content(Some(include_str!("../../www/style.css")));
    doc()
        .head()
        .expect("head")
        .append_child(&style)
        .expect("append style");
    mount_at("app")
}

/// Mounts a new instance of the app into a new `<div id="{id}">` at the end of the body (no
/// style sheet, no check for an earlier mount: as after a page load) and returns the root.
pub fn mount_at(id: &str) -> Element {
    let root = doc().create_element("div").expect("div");
    root.set_id(id);
    doc()
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    web::mount(&root).expect("mount");
    root
}

/// Sets the location hash (`#lab?key=value&…`), as following a link within the page does.
pub fn set_hash(hash: &str) {
    web_sys::window()
        .expect("window")
        .location()
        .set_hash(hash)
        .expect("hash");
}

/// The current location hash, with its leading `#`.
pub fn current_hash() -> String {
    web_sys::window()
        .expect("window")
        .location()
        .hash()
        .expect("hash")
}

/// Opens a lab through the URL hash: mounts the app (once), waits `settle_ms` (the shell writes
/// its own hash in its first frame after mounting), sets `hash` and waits `load_ms` for the lab
/// to load. A hash that differs from the current one reloads the lab's state, so each test uses
/// its own seed.
pub async fn open_with(hash: &str, settle_ms: i32, load_ms: i32) {
    mounted();
    wait(settle_ms).await;
    at_least_frames(2).await;
    set_hash(hash);
    wait(load_ms).await;
    // The hash is read and the lab redrawn in the app's frames.
    at_least_frames(3).await;
}

/// [`open_with`] waiting [`frames`] before and after setting the hash.
pub async fn open(hash: &str) {
    open_with(hash, 120, 120).await;
}

// ---------------------------------------------------------------------------------------------
// Finding elements and reading them

/// The element with id `id`.
pub fn el(id: &str) -> Element {
    doc()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("#{id}"))
}

/// The first element that matches the CSS `selector`, as a `T` (`HtmlCanvasElement`, …).
pub fn query<T: JsCast>(selector: &str) -> T {
    doc()
        .query_selector(selector)
        .expect("selector")
        .unwrap_or_else(|| panic!("no element matches {selector:?}"))
        .dyn_into()
        .unwrap_or_else(|e| {
            panic!(
                "{selector:?} matched {e:?}, not a {}",
                std::any::type_name::<T>()
            )
        })
}

/// All elements that match the CSS `selector`, in document order, as `T`s.
pub fn query_all<T: JsCast>(selector: &str) -> Vec<T> {
    let list = doc().query_selector_all(selector).expect("selector");
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|n| {
            n.dyn_into().unwrap_or_else(|n| {
                panic!(
                    "{selector:?} matched {n:?}, not a {}",
                    std::any::type_name::<T>()
                )
            })
        })
        .collect()
}

/// The value of attribute `name` of `e`; panics if it is missing.
pub fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name)
        .unwrap_or_else(|| panic!("missing {name}"))
}

/// The value of attribute `name` of `e` as a number; panics if it is missing or not a number.
pub fn num(e: &Element, name: &str) -> f64 {
    let v = attr(e, name);
    v.parse()
        .unwrap_or_else(|_| panic!("{name}={v:?} is not a number"))
}

/// [`attr`] of the element with id `id`.
pub fn attr_of(id: &str, name: &str) -> String {
    attr(&el(id), name)
}

/// [`num`] of the element with id `id`.
pub fn num_of(id: &str, name: &str) -> f64 {
    num(&el(id), name)
}

/// The shell's status line: its text and its class (which holds `warn` for a refusal).
pub fn status() -> (String, String) {
    let s = el("status");
    (s.text_content().unwrap_or_default(), s.class_name())
}

// ---------------------------------------------------------------------------------------------
// Buttons and form fields

/// Every `<button>` under the elements that match `scope` whose text is exactly `text`, in
/// document order.
pub fn buttons(scope: &str, text: &str) -> Vec<HtmlButtonElement> {
    query_all::<HtmlButtonElement>(&format!("{scope} button"))
        .into_iter()
        .filter(|b| b.text_content().as_deref() == Some(text))
        .collect()
}

/// The first `<button>` under `scope` (a CSS selector: `"#lab-ising"`, `"header .transport"`)
/// whose text is exactly `text`; panics if there is none.
pub fn button(scope: &str, text: &str) -> HtmlButtonElement {
    buttons(scope, text)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("button {text:?} in {scope}"))
}

/// Dispatches a plain `kind` event (`"change"`, `"input"`) at `target`, as the browser does after
/// the visitor edits a field.
pub fn fire(target: &web_sys::EventTarget, kind: &str) {
    target
        .dispatch_event(&web_sys::Event::new(kind).expect("event"))
        .expect("dispatch");
}

/// Types `text` into a text field and commits it (a `change` event).
pub fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    fire(input, "change");
}

/// Chooses option `index` of a `<select>` (a `change` event).
pub fn choose(select: &HtmlSelectElement, index: i32) {
    select.set_selected_index(index);
    fire(select, "change");
}

// ---------------------------------------------------------------------------------------------
// Canvases: pointer input and pixels

/// Dispatches a primary pointer event `kind` (`"pointerdown"`, `"pointermove"`, `"pointerup"`)
/// with mouse button `button` (0 left, 2 right) at client coordinates (`x`, `y`) on `canvas`.
pub fn pointer(canvas: &HtmlCanvasElement, kind: &str, x: f64, y: f64, button: i16) {
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

/// Client coordinates of the centre of cell (`col`, `row`) of `canvas` shown on screen as a
/// `side × side` grid of cells.
pub fn cell_centre(canvas: &HtmlCanvasElement, side: u32, (col, row): (u32, u32)) -> (f64, f64) {
    let r = canvas.get_bounding_client_rect();
    let (w, h) = (r.width() / side as f64, r.height() / side as f64);
    (
        r.left() + w * (col as f64 + 0.5),
        r.top() + h * (row as f64 + 0.5),
    )
}

/// Draws a stroke with mouse button `button` through the centres of `cells` of `canvas` (a
/// `side × side` grid): down on the first cell, a move to each later one, up on the last. One
/// cell makes a click.
pub fn stroke(canvas: &HtmlCanvasElement, side: u32, cells: &[(u32, u32)], button: i16) {
    let (first, last) = (cells[0], cells[cells.len() - 1]);
    let (x, y) = cell_centre(canvas, side, first);
    pointer(canvas, "pointerdown", x, y, button);
    for &c in &cells[1..] {
        let (x, y) = cell_centre(canvas, side, c);
        pointer(canvas, "pointermove", x, y, button);
    }
    let (x, y) = cell_centre(canvas, side, last);
    pointer(canvas, "pointerup", x, y, button);
}

fn context(canvas: &HtmlCanvasElement) -> CanvasRenderingContext2d {
    canvas
        .get_context("2d")
        .expect("ctx")
        .expect("ctx")
        .dyn_into()
        .expect("2d")
}

/// All pixels of a canvas, row by row, four bytes (RGBA) each.
pub fn pixels(canvas: &HtmlCanvasElement) -> Vec<u8> {
    context(canvas)
        .get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .expect("pixels")
        .data()
        .to_vec()
}

/// The RGBA pixel at (`x`, `y`) of a canvas (canvas pixels, not CSS pixels).
pub fn pixel(canvas: &HtmlCanvasElement, x: u32, y: u32) -> [u8; 4] {
    let d = context(canvas)
        .get_image_data(x as f64, y as f64, 1.0, 1.0)
        .expect("pixels")
        .data();
    [d[0], d[1], d[2], d[3]]
}

/// The colour of the pixel at (`x`, `y`) of a canvas, without its alpha.
pub fn pixel_rgb(canvas: &HtmlCanvasElement, x: u32, y: u32) -> [u8; 3] {
    let [r, g, b, _] = pixel(canvas, x, y);
    [r, g, b]
}

/// Chooses a file holding `text` in the file input `selector` (as a user picking it) and waits
/// for the page to read it.
pub async fn upload(selector: &str, name: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let file = web_sys::File::new_with_str_sequence(&parts, name).expect("file");
    let dt = web_sys::DataTransfer::new().expect("data transfer");
    dt.items().add_with_file(&file).expect("add file");
    let input: HtmlInputElement = query(selector);
    input.set_files(dt.files().as_ref());
    fire(&input, "change");
    wait(150).await;
}

// ---------------------------------------------------------------------------------------------
// The transport and the lecture scenes

/// The transport button whose text contains `label` ("Play" matches "▶ Play").
pub fn transport(label: &str) -> HtmlButtonElement {
    query_all::<HtmlButtonElement>("header .transport button")
        .into_iter()
        .find(|b| b.text_content().unwrap_or_default().contains(label))
        .unwrap_or_else(|| panic!("no transport button {label}"))
}

/// Clicks Step `n` times and waits a few frames.
pub async fn step(n: usize) {
    let b = transport("Step");
    for _ in 0..n {
        b.click();
    }
    frames().await;
}

/// Applies the lecture scene titled `title` as the lecture menu does (mounting the app first)
/// and checks that it applied without a refused setting.
pub async fn scene(title: &str) {
    mounted();
    frames().await;
    let i = web::lecture::SCENES
        .iter()
        .position(|s| s.title == title)
        .unwrap_or_else(|| panic!("no scene {title:?}"));
    web::app::with_app(|a| a.choose_scene(i));
    frames().await;
    let (msg, class) = status();
    assert!(class.contains("info"), "the scene applies cleanly: {msg}");
}

/// The number attribute `name` of element `id`, if present and a number.
pub fn maybe_num(id: &str, name: &str) -> Option<f64> {
    el(id).get_attribute(name).and_then(|v| v.parse().ok())
}

/// Presses Play until attribute `name` of `id` reads at least `n` (or `ms` milliseconds pass),
/// then Pause.
pub async fn play_until(id: &str, name: &str, n: f64, ms: i32) {
    transport("Play").click();
    let mut waited = 0;
    while maybe_num(id, name).unwrap_or(0.0) < n && waited < ms {
        wait(50).await;
        waited += 50;
    }
    transport("Pause").click();
    frames().await;
}
