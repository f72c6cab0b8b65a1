//! Browser tests of the Boltzmann lab (headless Chromium via wasm-bindgen-test): mount the real
//! app, open `#boltzmann`, drive it through the shell's transport and the lab's own controls, and
//! read the read-outs' `data-*` attributes.
#![cfg(target_arch = "wasm32")]

mod support;

use energy_playground::web;
use support::{
    button, current_hash, el, num_of, open_with, pixel_rgb, query, set_hash, status, stroke, wait,
};
use wasm_bindgen_test::*;
use web_sys::{HtmlCanvasElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Opens the lab with URL state `query` and waits for it to load.
async fn open(query: &str) {
    // Let the shell write its own hash first (it does so in its first frame after mounting).
    open_with(&format!("#boltzmann?{query}"), 60, 150).await;
    let panel = el("lab-boltzmann");
    assert!(!panel.class_list().contains("hidden"), "the lab is shown");
}

/// The shell's play/pause button.
fn play_button() -> HtmlElement {
    query("header .transport .btn.primary")
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
    wait(ms).await;
    if playing() {
        play_button().click();
    }
    wait(60).await;
}

#[wasm_bindgen_test]
async fn temperature_view_steps_and_reports_a_finite_energy() {
    open("view=temp&seed=11").await;
    let sweeps0 = num_of("bz-temp-readout", "data-sweeps");
    let e0 = num_of("bz-temp-readout", "data-energy");
    assert_eq!(sweeps0, 0.0);
    assert!(
        e0.is_finite() && e0 < 0.0,
        "a noisy cue of a memory has E < 0: {e0}"
    );
    // The shell's Step button: one sweep each.
    for _ in 0..3 {
        button("header .transport", "Step").click();
    }
    wait(120).await;
    assert_eq!(num_of("bz-temp-readout", "data-sweeps"), 3.0);
    play_for(400).await;
    let sweeps = num_of("bz-temp-readout", "data-sweeps");
    let e = num_of("bz-temp-readout", "data-energy");
    assert!(sweeps > 3.0, "Play advanced the sweeps: {sweeps}");
    assert!(e.is_finite(), "energy {e}");
    // At T = 0.2 the cue relaxes towards the memory: the energy fell.
    assert!(e < e0, "energy {e0} → {e}");
    // The overlap chart and both grids are visible.
    let grid: web_sys::Element = query("#lab-boltzmann canvas.bz-live");
    assert!(grid.get_bounding_client_rect().width() > 100.0);
}

#[wasm_bindgen_test]
async fn extreme_temperatures_stay_finite() {
    // Huge T and T = 0 both sample without NaN.
    for t in ["1000", "0"] {
        open(&format!("view=temp&seed=3&T={t}&speed=20")).await;
        play_for(250).await;
        let e = num_of("bz-temp-readout", "data-energy");
        assert!(e.is_finite(), "T={t}: energy {e}");
        assert!(num_of("bz-temp-readout", "data-sweeps") > 0.0);
        assert_eq!(
            num_of("bz-temp-readout", "data-t"),
            t.parse::<f64>().expect("T")
        );
    }
}

#[wasm_bindgen_test]
async fn annealing_converges_and_names_the_final_state() {
    open("view=temp&seed=5&n=8&tmax=3&alpha=0.7&k=2&tmin=0.05&speed=50").await;
    button("#bz-temp", "Anneal").click();
    wait(60).await;
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
    assert!(num_of("bz-anneal", "data-energy").is_finite());
    assert!(!playing(), "the shell pauses when annealing converges");
}

#[wasm_bindgen_test]
async fn exact_view_total_variation_falls() {
    open("view=exact&seed=7&ne=8&sigma=0.7&te=1&speed=20").await;
    assert!(!el("bz-exact").class_list().contains("hidden"));
    assert_eq!(num_of("bz-tv", "data-samples"), 0.0);
    assert!(num_of("bz-ground", "data-count") >= 1.0);
    play_for(200).await;
    let (n1, tv1) = (num_of("bz-tv", "data-samples"), num_of("bz-tv", "data-tv"));
    assert!(
        n1 > 0.0 && tv1 > 0.0 && tv1 <= 1.0,
        "{n1} samples, TV {tv1}"
    );
    // Many more samples: the distance to the exact distribution shrinks.
    set_hash("#boltzmann?view=exact&seed=7&ne=8&sigma=0.7&te=1&speed=2000");
    wait(150).await;
    play_for(900).await;
    let (n2, tv2) = (num_of("bz-tv", "data-samples"), num_of("bz-tv", "data-tv"));
    assert!(n2 > 20.0 * n1, "{n1} → {n2} samples");
    assert!(tv2 < 0.6 * tv1, "TV {tv1} after {n1} → {tv2} after {n2}");
}

#[wasm_bindgen_test]
async fn exact_view_at_zero_temperature_compares_with_the_ground_states() {
    open("view=exact&seed=2&ne=6&te=0&speed=10").await;
    play_for(200).await;
    let tv = num_of("bz-tv", "data-tv");
    assert!(tv.is_finite() && (0.0..=1.0).contains(&tv), "TV {tv}");
    let zero: HtmlInputElement = query("#bz-exact input[type=checkbox]");
    assert!(zero.checked(), "the T = 0 box shows the URL's T");
}

#[wasm_bindgen_test]
async fn learning_raises_the_log_likelihood() {
    open("view=learn&seed=1&hidden=1&eta=0.05&steps=300&speed=20").await;
    assert!(!el("bz-learn").class_list().contains("hidden"));
    let ll0 = num_of("bz-ll", "data-ll0");
    assert_eq!(num_of("bz-ll", "data-steps"), 0.0);
    // W = 0: every one of the 2⁹ visible states has probability 2⁻⁹.
    assert!((ll0 + 9.0 * std::f64::consts::LN_2).abs() < 1e-9, "{ll0}");
    play_for(1200).await;
    let steps = num_of("bz-ll", "data-steps");
    let ll = num_of("bz-ll", "data-ll");
    assert!(steps >= 40.0, "steps {steps}");
    assert!(ll > ll0 + 1.0, "L rose: {ll0} → {ll} after {steps} steps");
    assert!(ll <= -(14f64).ln() + 1e-9, "L ≤ log(1/14): {ll}");
}

#[wasm_bindgen_test]
async fn refused_url_values_warn_and_keep_defaults() {
    open("view=temp&seed=1&n=13&T=-1&alpha=2").await;
    let (msg, class) = status();
    assert!(class.contains("warn"), "{msg}");
    assert!(msg.contains("n=13") || msg.contains("13"), "{msg}");
    let grid: HtmlCanvasElement = query("#lab-boltzmann canvas.bz-live");
    assert_eq!(grid.width(), 16, "kept the 16 × 16 grid");
    let hash = current_hash();
    assert!(hash.contains("view=temp"), "{hash}");
}

#[wasm_bindgen_test]
async fn drawing_on_the_live_grid_sets_neurons() {
    open("view=temp&seed=4&n=8").await;
    let canvas: HtmlCanvasElement = query("#lab-boltzmann canvas.bz-live");
    assert_eq!(canvas.width(), 8);
    // The right button erases (−1, paper), the left paints (+1, ink); the energy follows.
    stroke(&canvas, 8, &[(0, 0)], 2);
    wait(60).await;
    assert_eq!(pixel_rgb(&canvas, 0, 0), web::canvas::PAPER, "erased");
    let e_off = num_of("bz-temp-readout", "data-energy");
    stroke(&canvas, 8, &[(0, 0)], 0);
    wait(60).await;
    assert_eq!(pixel_rgb(&canvas, 0, 0), web::canvas::INK, "painted");
    let e_on = num_of("bz-temp-readout", "data-energy");
    assert!(e_on.is_finite() && e_on != e_off, "E {e_off} → {e_on}");
}
