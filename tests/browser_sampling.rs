//! Browser tests of the Sampling lab (headless Chromium via wasm-bindgen-test): mount the real
//! app, open `#sampling`, drive it through the transport buttons, the URL hash and pointer
//! events, and read the read-outs' raw numbers (`data-*`) and canvas pixels back.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlCanvasElement, HtmlElement, HtmlSelectElement, PointerEvent, PointerEventInit};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{current_hash, doc, el, pixels, status, wait};

/// Waits for a few animation frames.
async fn frames() {
    wait(150).await;
}

async fn open(hash: &str) {
    support::open_with(hash, 150, 150).await;
}

/// The raw number a read-out carries in `data-value`, if any.
fn value(id: &str) -> Option<f64> {
    el(id)
        .get_attribute("data-value")
        .and_then(|v| v.parse().ok())
}

fn transport(label: &str) -> HtmlElement {
    let bs = doc()
        .query_selector_all("header .transport button")
        .expect("buttons");
    for i in 0..bs.length() {
        let b: HtmlElement = bs.get(i).expect("b").dyn_into().expect("button");
        if b.text_content().unwrap_or_default().contains(label) {
            return b;
        }
    }
    panic!("no transport button {label}");
}

async fn step(n: usize) {
    let b = transport("Step");
    for _ in 0..n {
        b.click();
    }
    frames().await;
}

async fn play(ms: i32) {
    transport("Play").click();
    wait(ms).await;
    transport("Pause").click();
    frames().await;
}

fn canvas(sel: &str) -> HtmlCanvasElement {
    doc()
        .query_selector(sel)
        .expect("query")
        .unwrap_or_else(|| panic!("{sel} exists"))
        .dyn_into()
        .expect("canvas")
}

/// Pixels of a histogram canvas in the bars' blue (rgba(0,114,178,0.55) on white).
fn blue_pixels(c: &HtmlCanvasElement) -> usize {
    pixels(c)
        .chunks_exact(4)
        .filter(|p| {
            let (r, g, b) = (i32::from(p[0]), i32::from(p[1]), i32::from(p[2]));
            b > 180 && b - r > 60 && g > r && r < 170
        })
        .count()
}

fn pointer(c: &HtmlCanvasElement, kind: &str, x: f64, y: f64, button: i16, shift: bool) {
    let init = PointerEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_client_x(x as i32);
    init.set_client_y(y as i32);
    init.set_button(button);
    init.set_shift_key(shift);
    init.set_pointer_id(1);
    init.set_is_primary(true);
    let e = PointerEvent::new_with_event_init_dict(kind, &init).expect("event");
    c.dispatch_event(&e).expect("dispatch");
}

#[wasm_bindgen_test]
async fn steps_advance_the_readouts_and_fill_the_histograms() {
    open("#sampling?seed=11&view=mcmc&target=banana&sampler=rwmh&sigma=1&compare=0").await;
    assert!(!el("lab-sampling").class_list().contains("hidden"));
    let hist = canvas("#lab-sampling canvas.hist-x1");
    let empty = blue_pixels(&hist);
    assert_eq!(value("sampling-steps-a"), Some(0.0));
    step(5).await;
    assert_eq!(value("sampling-steps-a"), Some(5.0), "five Step clicks");
    let acc = value("sampling-accept-a").expect("acceptance after 5 steps");
    assert!((0.0..=1.0).contains(&acc), "acceptance {acc}");
    play(700).await;
    let steps = value("sampling-steps-a").expect("steps");
    assert!(steps > 20.0, "playing advanced the chain: {steps} steps");
    let acc = value("sampling-accept-a").expect("acceptance");
    assert!(acc > 0.0 && acc <= 1.0, "acceptance {acc} in (0, 1]");
    // The sample mean and the exact (grid) mean are both shown.
    assert!(value("sampling-mean1-a").is_some());
    let exact = value("sampling-exact1").expect("exact mean");
    assert!(exact.abs() < 1e-6, "the banana's E[x₁] is 0, got {exact}");
    // The histogram has bars now.
    let bars = blue_pixels(&hist);
    assert!(
        bars > empty + 300,
        "histogram painted: {empty} → {bars} blue pixels"
    );
    // Autocorrelation and ESS appear within about a second.
    wait(1100).await;
    let ess = value("sampling-ess-a").expect("ESS after a second");
    assert!(ess > 0.0 && ess <= steps * 2.0, "ESS {ess}");
    // The settings are in the link.
    let h = current_hash();
    for k in [
        "view=mcmc",
        "target=banana",
        "sampler=rwmh",
        "T=1",
        "sigma=1",
    ] {
        assert!(h.contains(k), "{k} in {h}");
    }
}

#[wasm_bindgen_test]
async fn the_hash_switches_target_and_refuses_bad_values() {
    open("#sampling?seed=3&view=mcmc&target=donut&sampler=mala&compare=0").await;
    // The target select (the one offering "donut") shows it: option 4.
    let all = doc()
        .query_selector_all("#lab-sampling select")
        .expect("selects");
    let sel: HtmlSelectElement = (0..all.length())
        .filter_map(|i| all.get(i)?.dyn_into::<HtmlSelectElement>().ok())
        .find(|s| s.text_content().unwrap_or_default().contains("donut"))
        .expect("target select");
    assert_eq!(sel.value(), "4");
    assert!(current_hash().contains("target=donut"));
    // The donut's hole is light, its ring dark (the density heatmap).
    let plane = canvas("#lab-sampling canvas.plane");
    let px = pixels(&plane);
    let w = plane.width() as usize;
    let lum = |x: f64, y: f64| {
        let (i, j) = ((x * w as f64) as usize, (y * w as f64) as usize);
        let p = &px[4 * (j * w + i)..4 * (j * w + i) + 3];
        u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2])
    };
    // View ±1.15·(2.5 + 4·0.3): the ring (r = 2.5) sits at 0.5 ± 2.5/8.51 of the width.
    let off = 2.5 / (2.0 * 1.15 * 3.7);
    let ring = [
        lum(0.5 - off, 0.5),
        lum(0.5 + off, 0.5),
        lum(0.5, 0.5 - off),
        lum(0.5, 0.5 + off),
    ];
    // Inside the hole at radius 1.1, off the axes (the exact-mean marker sits at the centre).
    let d = 0.45 * off / std::f64::consts::SQRT_2;
    let hole = lum(0.5 + d, 0.5 - d);
    let darkest_ring = ring.iter().copied().max().expect("four");
    assert!(hole > darkest_ring + 120, "hole {hole} vs ring {ring:?}");
    let exact = value("sampling-exact2").expect("exact mean");
    assert!(exact.abs() < 1e-6, "donut E[x₂] = 0, got {exact}");

    // T = 0 is clamped with a message naming the key.
    web_sys::window()
        .expect("w")
        .location()
        .set_hash("#sampling?seed=3&view=mcmc&target=donut&T=0")
        .expect("hash");
    frames().await;
    let (msg, class) = status();
    assert!(msg.contains("T=0") && class.contains("warn"), "{msg}");
    assert!(current_hash().contains("T=0.01"), "{}", current_hash());
    // A non-number is refused.
    web_sys::window()
        .expect("w")
        .location()
        .set_hash("#sampling?seed=3&view=mcmc&target=donut&T=1&eps=NaN")
        .expect("hash");
    frames().await;
    let (msg, _) = status();
    assert!(msg.contains("eps="), "{msg}");
}

#[wasm_bindgen_test]
async fn a_diverging_hmc_stops_and_says_so() {
    open("#sampling?seed=5&view=mcmc&target=banana&sampler=hmc&dt=1e9&L=10&compare=0").await;
    step(1).await;
    let (msg, class) = status();
    assert!(
        msg.contains("HMC stopped") && msg.contains("diverged") && class.contains("warn"),
        "{msg}"
    );
    assert_eq!(value("sampling-steps-a"), Some(0.0), "no step was recorded");
    let info = el("sampling-info-a").text_content().unwrap_or_default();
    assert!(info.contains("STOPPED"), "{info}");
    // Play does not run a halted chain: the shell pauses at once.
    transport("Play").click();
    frames().await;
    assert!(transport("Play")
        .text_content()
        .unwrap_or_default()
        .contains("Play"));
    assert_eq!(value("sampling-steps-a"), Some(0.0));
}

#[wasm_bindgen_test]
async fn the_ula_vs_mala_preset_runs_two_samplers() {
    open("#sampling?seed=9&speed=200&view=mcmc&target=banana&sampler=rwmh&compare=0").await;
    let preset: HtmlElement = el("sampling-preset-bias").dyn_into().expect("button");
    preset.click();
    frames().await;
    assert!(current_hash().contains("compare=1"), "{}", current_hash());
    assert!(current_hash().contains("sampler=ula") && current_hash().contains("sampler2=mala"));
    let planes = doc()
        .query_selector_all("#lab-sampling canvas.plane")
        .expect("planes");
    let plane_b: HtmlCanvasElement = planes.get(1).expect("plane B").dyn_into().expect("canvas");
    assert!(
        plane_b.get_bounding_client_rect().width() > 100.0,
        "plane B shown"
    );
    step(3).await;
    assert_eq!(value("sampling-steps-a"), Some(3.0));
    assert_eq!(value("sampling-steps-b"), Some(3.0));
    // ULA has no accept/reject; MALA has a rate in [0, 1].
    assert_eq!(value("sampling-accept-a"), None);
    assert!(el("sampling-accept-a")
        .text_content()
        .unwrap_or_default()
        .contains("no MH"));
    let acc = value("sampling-accept-b").expect("MALA acceptance");
    assert!((0.0..=1.0).contains(&acc));
    // The lesson of the preset: at ε = 1 on N(0, I), ULA's spread is √(1/(1 − ε/4)) ≈ 1.15
    // times too wide, MALA's is right.
    play(1500).await;
    let n = value("sampling-steps-a").expect("steps");
    assert!(n > 2000.0, "{n} steps");
    assert_eq!(value("sampling-exactsd1"), Some(1.0));
    let (ula, mala) = (
        value("sampling-sd1-a").expect("ULA sd"),
        value("sampling-sd1-b").expect("MALA sd"),
    );
    assert!(ula > 1.08, "ULA sd of x₁ {ula} (stationary value 1.155)");
    assert!((mala - 1.0).abs() < 0.06, "MALA sd of x₁ {mala}");
}

#[wasm_bindgen_test]
async fn drawing_adds_and_removes_wells() {
    open("#sampling?seed=2&view=mcmc&target=draw&sampler=mala&compare=0").await;
    let count = || {
        let h = current_hash();
        let b = h
            .split("bumps=")
            .nth(1)
            .unwrap_or("")
            .split('&')
            .next()
            .unwrap_or("")
            .to_string();
        b.split("~").filter(|s| !s.is_empty()).count()
    };
    let before = count();
    assert_eq!(
        before,
        2,
        "the default drawing has two wells: {}",
        current_hash()
    );
    let plane = canvas("#lab-sampling canvas.plane");
    let r = plane.get_bounding_client_rect();
    // An empty spot near the bottom-right corner.
    let (x, y) = (r.left() + r.width() * 0.85, r.top() + r.height() * 0.85);
    pointer(&plane, "pointerdown", x, y, 0, false);
    pointer(&plane, "pointerup", x, y, 0, false);
    frames().await;
    assert_eq!(count(), 3, "a click adds a well: {}", current_hash());
    assert!(
        current_hash().contains(",-4,"),
        "a well has negative amplitude: {}",
        current_hash()
    );
    // Right-click on it removes it.
    pointer(&plane, "pointerdown", x, y, 2, false);
    pointer(&plane, "pointerup", x, y, 2, false);
    frames().await;
    assert_eq!(count(), 2, "right-click removes it: {}", current_hash());
    // Shift-click adds a hill.
    pointer(&plane, "pointerdown", x, y, 0, true);
    pointer(&plane, "pointerup", x, y, 0, true);
    frames().await;
    assert_eq!(count(), 3);
    assert!(
        current_hash().contains(",4,"),
        "a hill has positive amplitude: {}",
        current_hash()
    );
}

#[wasm_bindgen_test]
async fn direct_sampling_and_markov_views_step() {
    open("#sampling?seed=4&view=direct").await;
    step(1).await;
    for id in ["direct-cat", "direct-clt", "direct-bm", "direct-mv"] {
        assert_eq!(value(id), Some(1.0), "{id} drew once");
    }
    play(300).await;
    assert!(value("direct-cat").expect("draws") > 10.0);

    open("#sampling?seed=4&view=markov&chain=0&start=0").await;
    let t = |a: &str| -> f64 {
        el("markov-readout")
            .get_attribute(a)
            .and_then(|v| v.parse().ok())
            .expect("readout")
    };
    assert_eq!(t("data-t"), 0.0);
    let d0 = t("data-dist");
    step(8).await;
    assert_eq!(t("data-t"), 8.0);
    let d8 = t("data-dist");
    assert!(d8 < 0.1 * d0, "the ergodic chain converges: {d0} → {d8}");
    let ergodic = |want: &str| {
        doc()
            .query_selector("#markov-facts [data-ergodic]")
            .expect("q")
            .expect("fact")
            .get_attribute("data-ergodic")
            .as_deref()
            == Some(want)
    };
    assert!(ergodic("1"));
    // The periodic 3-cycle is not ergodic, and π_t does not settle.
    open("#sampling?seed=4&view=markov&chain=1&start=0").await;
    assert!(ergodic("0"));
    let d0 = t("data-dist");
    step(6).await;
    assert!(
        (t("data-dist") - d0).abs() < 1e-12,
        "π_t cycles with period 3"
    );
}

/// The range input of the control with `data-key` `key`.
fn slider(key: &str) -> web_sys::HtmlInputElement {
    doc()
        .query_selector(&format!(
            "#lab-sampling [data-key='{key}'] input[type=range]"
        ))
        .expect("query")
        .unwrap_or_else(|| panic!("slider {key}"))
        .dyn_into()
        .expect("input")
}

/// Moves a slider to position `pos` as a visitor's drag does (an `input` event).
async fn drag_slider(key: &str, pos: f64) {
    let s = slider(key);
    s.set_value_as_number(pos);
    s.dispatch_event(&web_sys::Event::new("input").expect("event"))
        .expect("dispatch");
    frames().await;
}

fn info(run: &str, attr: &str) -> String {
    el(&format!("sampling-info-{run}"))
        .get_attribute(attr)
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn moving_the_step_size_or_temperature_slider_keeps_the_chain() {
    open("#sampling?seed=12&view=mcmc&target=banana&sampler=mala&eps=0.1").await;
    step(30).await;
    assert_eq!(value("sampling-steps-a"), Some(30.0));
    assert_eq!(info("a", "data-marks"), "0");
    // The step size ε (a log slider: position log₁₀ ε, on a grid of 1/50 decade).
    drag_slider("eps", -0.5).await;
    assert!(current_hash().contains("eps=0.316"), "{}", current_hash());
    assert_eq!(value("sampling-steps-a"), Some(30.0), "the samples stay");
    assert_eq!(info("a", "data-marks"), "1", "the trace marks the change");
    let line = el("sampling-info-a").text_content().unwrap_or_default();
    assert!(
        line.contains("ε = 0.316"),
        "the sampler runs with the new ε: {line}"
    );
    step(5).await;
    assert_eq!(value("sampling-steps-a"), Some(35.0), "the chain goes on");
    // The temperature.
    drag_slider("T", 0.2).await;
    assert!(current_hash().contains("T=1.58"), "{}", current_hash());
    assert_eq!(value("sampling-steps-a"), Some(35.0), "the samples stay");
    assert_eq!(info("a", "data-marks"), "2", "a second mark");
    step(5).await;
    assert_eq!(value("sampling-steps-a"), Some(40.0), "the chain goes on");
    let (msg, _) = status();
    assert!(!msg.contains("restart"), "nothing restarted: {msg}");
    // A new target starts the chain afresh and says so.
    let target: HtmlSelectElement = doc()
        .query_selector("#lab-sampling [data-key='target'] select")
        .expect("query")
        .expect("target")
        .dyn_into()
        .expect("select");
    target.set_selected_index(0);
    target
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    frames().await;
    assert_eq!(value("sampling-steps-a"), Some(0.0));
    let (msg, class) = status();
    assert!(msg.contains("restart") && class.contains("info"), "{msg}");
}
