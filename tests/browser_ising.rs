//! Browser tests of the Ising lab (headless Chromium via wasm-bindgen-test): mount the real app,
//! drive it through the shell's Step button, the URL hash, pointer strokes and the scan buttons,
//! and read back the canvas pixels and the `data-*` read-outs.
#![cfg(target_arch = "wasm32")]

mod support;

use energy_playground::web;
use support::{
    attr, button, choose, current_hash, el, fire, frames, num, open, pixels, query, query_all,
    status, stroke,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlProgressElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

fn lattice() -> HtmlCanvasElement {
    query("#lab-ising canvas.ising-lattice")
}

#[wasm_bindgen_test]
async fn step_advances_sweeps_and_paints_two_colours() {
    open("#ising?seed=11&L=32&T=2.5&h=0&dynamics=metropolis").await;
    let panel = el("lab-ising");
    assert!(
        !panel.class_list().contains("hidden"),
        "the Ising tab is shown"
    );
    let readout = el("ising-readout");
    assert_eq!(attr(&readout, "data-sweeps"), "0");
    let step = button("header .transport", "Step");
    for _ in 0..3 {
        step.click();
    }
    frames().await;
    assert_eq!(attr(&readout, "data-sweeps"), "3", "three sweeps done");
    assert_eq!(
        el("ising-sweeps").text_content().as_deref(),
        Some("3"),
        "the visible read-out follows"
    );
    let e = num(&readout, "data-energy");
    let m = num(&readout, "data-mag");
    assert!((-2.0..=2.0).contains(&e), "e = {e}");
    assert!((0.0..=1.0).contains(&m), "|m| = {m}");

    // The lattice canvas holds one pixel per spin, each in one of the two spin colours, and a
    // hot start at T = 2.5 shows plenty of both.
    let canvas = lattice();
    assert_eq!((canvas.width(), canvas.height()), (32, 32));
    let px = pixels(&canvas);
    let (mut up, mut down) = (0, 0);
    for p in px.chunks_exact(4) {
        assert_eq!(p[3], 255, "opaque");
        if p[..3] == web::ising::UP {
            up += 1;
        } else if p[..3] == web::ising::DOWN {
            down += 1;
        } else {
            panic!("pixel {p:?} is neither spin colour");
        }
    }
    assert!(up > 200 && down > 200, "up {up}, down {down}");
    // The canvas is shown large and crisp.
    let r = canvas.get_bounding_client_rect();
    assert!(r.width() >= 256.0, "lattice is {}px wide", r.width());
    // The spin fraction agrees with the magnetisation read-out.
    let m_pixels = (up as f64 - down as f64).abs() / 1024.0;
    assert!((m_pixels - m).abs() < 1e-9, "{m_pixels} vs {m}");
}

#[wasm_bindgen_test]
async fn url_hash_sets_temperature_size_and_dynamics() {
    open("#ising?seed=12&T=1.5&L=32").await;
    let readout = el("ising-readout");
    assert_eq!(attr(&readout, "data-t"), "1.5");
    assert_eq!(attr(&readout, "data-l"), "32");
    assert_eq!(lattice().width(), 32);
    let hash = current_hash();
    assert!(
        hash.contains("T=1.5") && hash.contains("L=32"),
        "the link carries the settings: {hash}"
    );

    // Out-of-range values are refused with a message; the settings stay.
    open("#ising?seed=13&T=99&L=33").await;
    let (msg, class) = status();
    assert!(class.contains("warn"), "{class}");
    assert!(msg.contains("T=") && msg.contains("L=33"), "{msg}");
    assert_eq!(attr(&readout, "data-t"), "1.5");
    assert_eq!(attr(&readout, "data-l"), "32");

    // Wolff clusters need h = 0: refused with a field, accepted without.
    open("#ising?seed=14&L=32&h=0.5&dynamics=wolff").await;
    let (msg, _) = status();
    assert!(msg.contains("Wolff") && msg.contains("h = 0"), "{msg}");
    assert_eq!(attr(&readout, "data-dynamics"), "metropolis");
    open("#ising?seed=15&L=32&h=0&T=1.8&dynamics=wolff").await;
    assert_eq!(attr(&readout, "data-dynamics"), "wolff");
    button("header .transport", "Step").click();
    frames().await;
    assert_eq!(attr(&readout, "data-sweeps"), "1");
    // Moving the field off zero while on Wolff switches back to Metropolis and says so.
    let h = query_all::<HtmlInputElement>("#lab-ising input[type=range]")
        .into_iter()
        .nth(1)
        .expect("h slider");
    h.set_value("0.3");
    fire(&h, "input");
    frames().await;
    assert_eq!(attr(&readout, "data-dynamics"), "metropolis");
    assert!(status().0.contains("Wolff"), "{}", status().0);

    // The "Critical T" button sets the critical temperature.
    button("#lab-ising", "Critical T").click();
    frames().await;
    let t = num(&readout, "data-t");
    assert!((t - 2.269_185_314_213_022).abs() < 1e-12, "T = {t}");
}

#[wasm_bindgen_test]
async fn painting_sets_spins() {
    open("#ising?seed=16&L=32&T=1&h=0&dynamics=metropolis").await;
    button("#lab-ising", "All up").click();
    frames().await;
    let readout = el("ising-readout");
    assert_eq!(num(&readout, "data-mag"), 1.0);
    let canvas = lattice();
    // A right-button stroke along row 4 paints down spins from column 2 to column 29.
    stroke(&canvas, 32, &[(2, 4), (29, 4)], 2);
    frames().await;
    let px = pixels(&canvas);
    let at = |x: usize, y: usize| px[4 * (y * 32 + x)..4 * (y * 32 + x) + 3].to_vec();
    for x in 2..30 {
        assert_eq!(at(x, 4), web::ising::DOWN.to_vec(), "cell ({x}, 4)");
    }
    assert_eq!(at(1, 4), web::ising::UP.to_vec());
    assert_eq!(at(5, 5), web::ising::UP.to_vec());
    // 28 of 1024 spins are down: |m| = (996 − 28)/1024.
    let m = num(&readout, "data-mag");
    assert!((m - 968.0 / 1024.0).abs() < 1e-12, "|m| = {m}");
}

#[wasm_bindgen_test]
async fn temperature_scan_measures_and_can_be_cancelled() {
    open("#ising?seed=17&L=32&T=2&h=0&dynamics=metropolis").await;
    let selects = query_all::<HtmlSelectElement>("#lab-ising .ising-scan select");
    let sel = |i: usize| selects.get(i).expect("select");
    // Smallest scan: 16×16, 11 temperatures, 320 sweeps each.
    choose(sel(0), 0);
    choose(sel(1), 0);
    choose(sel(2), 0);
    let run = button("#lab-ising", "Run scan");
    run.click();
    let text = el("ising-scan-status");
    let progress: HtmlProgressElement = el("ising-scan-progress").dyn_into().expect("progress");
    for _ in 0..100 {
        if text.get_attribute("data-done").as_deref() == Some("11") {
            break;
        }
        frames().await;
    }
    assert_eq!(attr(&text, "data-done"), "11", "all temperatures measured");
    assert_eq!(progress.value(), 1.0);
    assert!(!run.disabled(), "Run is available again");
    // The last temperature is T = 1, deep in the ordered phase: e ≈ −2, |m| ≈ 1 (exact:
    // −1.997, 0.9993).
    assert_eq!(num(&text, "data-last-t"), 1.0);
    let e = num(&text, "data-last-e");
    let m = num(&text, "data-last-m");
    assert!(e < -1.95, "⟨e⟩(T = 1) = {e}");
    assert!(m > 0.97, "⟨|m|⟩(T = 1) = {m}");
    assert!(num(&text, "data-last-c").is_finite());
    assert!(num(&text, "data-last-chi").is_finite());

    // A long scan is cancelled part-way; the page stays responsive and says so.
    choose(sel(0), 3);
    choose(sel(1), 2);
    choose(sel(2), 2);
    run.click();
    frames().await;
    assert!(run.disabled(), "Run is disabled while scanning");
    assert!(progress.value() < 1.0);
    let cancel = button("#lab-ising", "Cancel");
    cancel.click();
    frames().await;
    assert!(!run.disabled() && cancel.disabled());
    let (msg, _) = status();
    assert!(msg.contains("cancelled"), "{msg}");
    // The live lattice still steps.
    let readout = el("ising-readout");
    let before = num(&readout, "data-sweeps");
    button("header .transport", "Step").click();
    frames().await;
    assert_eq!(num(&readout, "data-sweeps"), before + 1.0);
}
