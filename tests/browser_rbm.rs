//! Browser tests of the RBM lab (headless Chromium via wasm-bindgen-test): mount the real app,
//! open `#rbm`, train on the embedded digits with the shell's Step, draw part of a digit on the
//! pad with synthetic pointer events and read the completion, and train the label RBM briefly.
//! (The lecture scenes of the lab are checked in `browser_rbm_scenes.rs`.)
#![cfg(target_arch = "wasm32")]

mod support;

use energy_playground::web;
use support::{choose, current_hash, el, frames, num_of, pixel, query, status, stroke, wait};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlCanvasElement, HtmlElement, HtmlProgressElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Opens the RBM tab with the given URL state (a new hash resets the lab).
async fn open(hash: &str) {
    support::open(hash).await;
    let panel = el("lab-rbm");
    assert!(
        !panel.class_list().contains("hidden"),
        "the RBM panel is shown for {hash}"
    );
}

/// Clicks the element with id `id` (one of the lab's view switches).
fn click(id: &str) {
    el(id)
        .dyn_into::<HtmlElement>()
        .expect("html element")
        .click();
}

/// The shell's Step (the `n` key).
fn step() {
    web::app::with_app(|a| a.step()).expect("app mounted");
}

fn canvas(id: &str) -> HtmlCanvasElement {
    el(id).dyn_into().expect("canvas")
}

#[wasm_bindgen_test]
async fn training_on_digits_lowers_the_reconstruction_error() {
    open("#rbm?seed=11&view=train&hidden=64&k=1&pcd=0&lr=0.1&batch=10&epochs=30").await;
    let readout = "rbm-train-readout";
    assert_eq!(
        el(readout).get_attribute("data-epoch").as_deref(),
        Some("0")
    );
    step();
    frames().await;
    assert_eq!(num_of(readout, "data-epoch"), 1.0);
    let e1 = num_of(readout, "data-err");
    assert!(
        e1.is_finite() && e1 > 0.0 && e1 < 0.5,
        "first epoch error {e1}"
    );
    let p1 = num_of("rbm-progress", "data-progress");
    assert!(
        (p1 - 1.0 / 30.0).abs() < 1e-9,
        "progress after one epoch {p1}"
    );
    for _ in 0..3 {
        step();
    }
    frames().await;
    assert_eq!(num_of(readout, "data-epoch"), 4.0);
    let e4 = num_of(readout, "data-err");
    assert!(e4.is_finite() && e4 < 0.8 * e1, "error fell: {e1} → {e4}");
    let pl = num_of(readout, "data-metric");
    assert!(pl.is_finite() && pl < 0.0, "pseudo-log-likelihood {pl}");
    let text = el(readout).text_content().unwrap_or_default();
    assert!(!text.contains("NaN"), "{text}");
    let progress: HtmlProgressElement = el("rbm-progress").dyn_into().expect("progress");
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
    let batches = num_of(readout, "data-batches");
    assert!(
        batches > 4.0 * 144.0,
        "playing trained on ({batches} mini-batches)"
    );
    assert!(num_of(readout, "data-err").is_finite());
}

#[wasm_bindgen_test]
async fn drawing_half_a_digit_is_completed_by_clamped_gibbs_sampling() {
    open("#rbm?seed=12&view=train&hidden=64&k=1&pcd=0&lr=0.1&batch=10&epochs=30").await;
    for _ in 0..5 {
        step();
    }
    click("rbm-view-complete");
    frames().await;
    let pad: HtmlCanvasElement = query("#lab-rbm canvas.rbm-pad");
    let rect = pad.get_bounding_client_rect();
    assert!(rect.width() > 50.0, "pad is visible ({}px)", rect.width());
    // The top of a zero: an arch in rows 1–3.
    stroke(
        &pad,
        8,
        &[(2, 3), (2, 2), (3, 1), (5, 1), (6, 2), (6, 3)],
        0,
    );
    frames().await;
    let r = "rbm-complete-readout";
    assert_eq!(el(r).get_attribute("data-region").as_deref(), Some("top"));
    assert_eq!(num_of(r, "data-known"), 32.0);
    let s0 = num_of(r, "data-steps");
    assert!(s0 >= 10.0, "burn-in ran at once ({s0} steps)");
    for _ in 0..20 {
        step();
    }
    frames().await;
    assert_eq!(num_of(r, "data-steps"), s0 + 20.0);
    assert_eq!(
        num_of(r, "data-agree"),
        1.0,
        "every chain keeps the known pixels at the drawing"
    );
    let free = num_of(r, "data-free-mean");
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
    let sel: web_sys::HtmlSelectElement = query("#lab-rbm select");
    choose(&sel, 4);
    frames().await;
    assert_eq!(el(r).get_attribute("data-region").as_deref(), Some("ink"));
    // Six drawn cells plus (4, 1), filled in between two pointer positions.
    assert_eq!(num_of(r, "data-known"), 7.0);
}

#[wasm_bindgen_test]
async fn a_short_label_training_reports_held_out_accuracy() {
    open("#rbm?seed=13&view=labels&hidden=64&k=1&pcd=0&lr=0.1&batch=10&epochs=3").await;
    let acc = el("rbm-accuracy");
    assert_eq!(acc.get_attribute("data-acc").as_deref(), Some(""));
    for _ in 0..3 {
        step();
    }
    frames().await;
    let a = num_of("rbm-accuracy", "data-acc");
    assert!(a > 0.5 && a <= 1.0, "held-out accuracy after 3 epochs {a}");
    assert_eq!(num_of("rbm-accuracy", "data-epoch"), 3.0);
    assert_eq!(num_of("rbm-train-readout", "data-finished"), 1.0);
    // The class posterior of the (held-out) digit in the pad sums to one.
    click("rbm-view-labels");
    frames().await;
    let p = num_of("rbm-class", "data-p");
    assert!(p > 0.0 && p <= 1.0, "P(c|v) of the most probable class {p}");
}

#[wasm_bindgen_test]
async fn bad_link_values_are_refused_with_a_message() {
    open("#rbm?seed=14&hidden=5000&lr=abc&view=nowhere").await;
    let (msg, class) = status();
    assert!(class.contains("warn"), "{msg}");
    assert!(msg.contains("hidden=") && msg.contains("lr="), "{msg}");
    let hash = current_hash();
    assert!(!hash.contains("hidden=5000"), "{hash}");
}

#[wasm_bindgen_test]
async fn model_import_refuses_garbage_and_loads_a_valid_file() {
    open("#rbm?view=train&hidden=64&k=1&pcd=0&lr=0.1&batch=10&epochs=30&seed=5").await;
    support::upload(
        "#lab-rbm input[type=file]",
        "m.json",
        "{\"format\": \"energy-playground/rbm\", \"nv\": 64",
    )
    .await;
    let (msg, class) = status();
    assert!(
        msg.contains("import refused") && class.contains("warn"),
        "{msg}"
    );
    // A model of the wrong shape for the digits is refused too.
    let small = energy_playground::core::rbm::Rbm::with_random_weights(
        10,
        20,
        0.1,
        &mut energy_playground::core::rng::Rng::new(1),
    )
    .expect("rbm");
    support::upload(
        "#lab-rbm input[type=file]",
        "m.json",
        &energy_playground::core::rbm::file::to_json(&small),
    )
    .await;
    assert!(status().0.contains("64"), "{}", status().0);
    // A valid 64 × 32 model is taken, and the hidden-units setting follows it.
    let good = energy_playground::core::rbm::Rbm::with_random_weights(
        64,
        32,
        0.1,
        &mut energy_playground::core::rng::Rng::new(2),
    )
    .expect("rbm");
    support::upload(
        "#lab-rbm input[type=file]",
        "m.json",
        &energy_playground::core::rbm::file::to_json(&good),
    )
    .await;
    assert!(status().0.contains("32 hidden units"), "{}", status().0);
    frames().await;
    assert!(current_hash().contains("hidden=32"), "{}", current_hash());
}

#[wasm_bindgen_test]
async fn a_trained_start_draws_its_one_measured_point() {
    // From the shipped model the history holds one point per chart, at epoch 30: a series of
    // one point has no segment, and it is drawn as a dot. The pseudo-likelihood chart has one
    // series (PALETTE[2], #009E73) and no legend, so its colour appears only in that dot.
    open("#rbm?view=train&start=trained&seed=3").await;
    frames().await;
    assert_eq!(num_of("rbm-train-readout", "data-epoch"), 30.0);
    let c = canvas("rbm-metric-chart");
    let px = support::pixels(&c);
    let near = |v: u8, want: i32| (i32::from(v) - want).abs() < 12;
    let dot = px
        .chunks_exact(4)
        .filter(|p| near(p[0], 0x00) && near(p[1], 0x9E) && near(p[2], 0x73))
        .count();
    assert!(
        dot >= 12,
        "the one point is drawn ({dot} pixels of its colour)"
    );
}
