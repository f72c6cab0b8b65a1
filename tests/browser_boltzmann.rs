//! Browser tests of the Boltzmann lab (headless Chromium via wasm-bindgen-test): mount the real
//! app, open `#boltzmann`, drive it through the shell's transport and the lab's own controls, and
//! read the read-outs' `data-*` attributes.
#![cfg(target_arch = "wasm32")]

mod support;

use energy_playground::web;
use energy_playground::web::{app, lecture};
use support::{
    attr_of, button, current_hash, el, mounted, num_of, open_with, pixel_rgb, query, set_hash,
    status, stroke, wait,
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

#[wasm_bindgen_test]
async fn view_tabs_and_the_t_zero_box_go_through_the_settings() {
    open("view=temp&seed=21&T=0.2").await;
    query::<HtmlElement>("#bz-tab-learn").click();
    wait(150).await;
    assert!(!el("bz-learn").class_list().contains("hidden"));
    assert!(el("bz-temp").class_list().contains("hidden"));
    assert!(current_hash().contains("view=learn"), "{}", current_hash());
    query::<HtmlElement>("#bz-tab-temp").click();
    wait(150).await;
    let zero: HtmlInputElement = query("#bz-temp label[data-key=T] input[type=checkbox]");
    assert!(!zero.checked());
    zero.click();
    wait(150).await;
    assert_eq!(num_of("bz-temp-readout", "data-t"), 0.0);
    assert!(current_hash().contains("T=0&"), "{}", current_hash());
    zero.click();
    wait(150).await;
    assert_eq!(
        num_of("bz-temp-readout", "data-t"),
        0.2,
        "back to the slider's T"
    );
}

// ---------------------------------------------------------------------------------------------
// Lecture scenes of part 2: each applied as the menu does, played, and its note's claim read
// from the read-outs.

/// Applies the lecture scene titled `title` and checks that it applied cleanly.
async fn scene(title: &str) {
    mounted();
    wait(60).await;
    let i = lecture::SCENES
        .iter()
        .position(|s| s.title == title)
        .unwrap_or_else(|| panic!("no scene {title:?}"));
    app::with_app(|a| a.choose_scene(i));
    wait(150).await;
    let (msg, class) = status();
    assert_eq!(class, "status info", "scene {title:?}: {msg}");
    assert!(!el("lab-boltzmann").class_list().contains("hidden"));
}

/// Plays until `done()` holds (polling every 100 ms, at most `max_ms`), then pauses.
async fn play_until(max_ms: i32, mut done: impl FnMut() -> bool) -> bool {
    if !playing() {
        play_button().click();
    }
    let mut t = 0;
    let ok = loop {
        if done() {
            break true;
        }
        if t >= max_ms {
            break false;
        }
        wait(100).await;
        t += 100;
    };
    if playing() {
        play_button().click();
    }
    wait(60).await;
    ok
}

/// A comma-separated list of numbers from a read-out's attribute.
fn nums(id: &str, name: &str) -> Vec<f64> {
    attr_of(id, name)
        .split(',')
        .map(|x| x.parse().unwrap_or_else(|_| panic!("{name}: {x:?}")))
        .collect()
}

#[wasm_bindgen_test]
async fn scene_boltzmann_distribution_tv_distance_falls() {
    scene("The Boltzmann distribution P(y) = exp(−E/T)/Z").await;
    assert!(!el("bz-exact").class_list().contains("hidden"));
    assert_eq!(num_of("bz-tv", "data-samples"), 0.0);
    play_for(200).await;
    let (n1, tv1) = (num_of("bz-tv", "data-samples"), num_of("bz-tv", "data-tv"));
    assert!(n1 > 0.0, "Play samples");
    assert!(
        play_until(10_000, || num_of("bz-tv", "data-samples") >= 1000.0).await,
        "1000 samples"
    );
    let (n2, tv2) = (num_of("bz-tv", "data-samples"), num_of("bz-tv", "data-tv"));
    // The samples pile up on the exact distribution: the distance falls by more than half.
    assert!(
        tv2 < 0.5 * tv1 && tv2 < 0.15,
        "TV {tv1} after {n1} samples → {tv2} after {n2}"
    );
}

#[wasm_bindgen_test]
async fn scene_stochastic_hopfield_average_retrieves_a() {
    scene("A stochastic Hopfield network at temperature T").await;
    assert!(!el("bz-temp").class_list().contains("hidden"));
    assert_eq!(attr_of("bz-temp-readout", "data-memories"), "A,1");
    assert_eq!(num_of("bz-temp-readout", "data-t"), 0.5);
    // The cue is a noisy A.
    let m0 = nums("bz-temp-readout", "data-m-last");
    assert!(m0[0] > 0.5 && m0[0] < 1.0, "a noisy A: {m0:?}");
    assert!(
        play_until(10_000, || num_of("bz-temp-readout", "data-sweeps") >= 40.0).await,
        "40 sweeps"
    );
    // Keep playing and read the overlaps a dozen times.
    play_button().click();
    let mut last = Vec::new();
    for _ in 0..12 {
        wait(120).await;
        assert_eq!(num_of("bz-temp-readout", "data-averaged"), 20.0);
        let avg = nums("bz-temp-readout", "data-m-avg");
        assert_eq!(avg[0], 1.0, "the average of the last 20 is A: {avg:?}");
        assert!(avg[1] < 0.3, "and not 1: {avg:?}");
        last.push(nums("bz-temp-readout", "data-m-last")[0]);
    }
    if playing() {
        play_button().click();
    }
    wait(60).await;
    let mean = last.iter().sum::<f64>() / last.len() as f64;
    assert!(
        mean > 0.8 && mean < 0.98 && last.iter().any(|&m| m < 1.0),
        "single samples stay noisy: {last:?}"
    );
}

#[wasm_bindgen_test]
async fn scene_annealing_settles_in_a_stored_memory_at_the_lowest_energy() {
    scene("Annealing finds the lowest energy").await;
    assert_eq!(
        el("bz-anneal-btn").text_content().as_deref(),
        Some("Stop annealing")
    );
    assert_eq!(attr_of("bz-anneal", "data-state"), "running");
    assert!(
        play_until(20_000, || attr_of("bz-anneal", "data-state") == "converged").await,
        "annealing converges"
    );
    assert_eq!(attr_of("bz-anneal", "data-result"), "stored");
    let (e, e_mem) = (
        num_of("bz-anneal", "data-energy"),
        num_of("bz-anneal", "data-e-memories"),
    );
    assert!((e - e_mem).abs() < 1e-6, "E = {e}, memories at {e_mem}");
    assert!(!playing(), "the shell pauses at convergence");
}

/// Plays a learning scene to the end of its plan; returns (L at W = 0, L, best possible L).
async fn learn_to_the_plan(steps: f64) -> (f64, f64, f64) {
    assert!(!el("bz-learn").class_list().contains("hidden"));
    assert_eq!(num_of("bz-ll", "data-steps"), 0.0);
    assert!(
        play_until(60_000, || num_of("bz-ll", "data-steps") >= steps).await,
        "{steps} steps"
    );
    assert_eq!(num_of("bz-ll", "data-steps"), steps);
    (
        num_of("bz-ll", "data-ll0"),
        num_of("bz-ll", "data-ll"),
        num_of("bz-ll", "data-best"),
    )
}

#[wasm_bindgen_test]
async fn scene_learning_climbs_towards_log_one_fourteenth() {
    scene("Boltzmann-machine learning: clamped minus free phase").await;
    let (ll0, ll, best) = learn_to_the_plan(300.0).await;
    assert!(
        (ll0 + 9.0 * std::f64::consts::LN_2).abs() < 1e-9,
        "from −6.2: {ll0}"
    );
    assert!((best + 14f64.ln()).abs() < 1e-12, "log(1/14): {best}");
    // Towards the bound: more than 90 % of the way from W = 0, never past it.
    assert!(
        ll > ll0 + 0.9 * (best - ll0) && ll <= best + 1e-9,
        "L {ll0} → {ll}, bound {best}"
    );
}

#[wasm_bindgen_test]
async fn scene_hidden_units_climb_close_to_log_one_quarter() {
    scene("Learning with hidden units").await;
    let (ll0, ll, best) = learn_to_the_plan(600.0).await;
    assert!((ll0 + 8.0 * std::f64::consts::LN_2).abs() < 1e-9, "{ll0}");
    assert!((best + 4f64.ln()).abs() < 1e-12, "log(1/4): {best}");
    assert!(
        (best - ll).abs() < 0.1 && ll <= best + 1e-9,
        "close to log(1/4): L = {ll}"
    );
}
