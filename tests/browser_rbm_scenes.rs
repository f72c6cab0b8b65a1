//! Browser tests of the RBM lab's lecture scenes (headless Chromium via wasm-bindgen-test): each
//! scene is applied as the lecture menu does and its note checked against the read-outs, and a
//! model trained to the end in one scene is kept by the next scene that needs a trained model.
#![cfg(target_arch = "wasm32")]

mod rbm_scene;
mod support;

use rbm_scene::{canvas, scene, step, CD1, COMPLETE, DBN, GAUSS, LABELS};
use support::{attr_of, frames, num_of, pixel};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn scene_cd1_starts_fresh_and_the_error_falls_epoch_by_epoch() {
    scene(CD1).await;
    let r = "rbm-train-readout";
    assert_eq!(attr_of(r, "data-origin"), "fresh");
    assert_eq!(num_of(r, "data-epoch"), 0.0);
    for _ in 0..4 {
        step();
    }
    frames().await;
    assert_eq!(num_of(r, "data-epoch"), 4.0);
    let (e1, e4) = (num_of(r, "data-err0"), num_of(r, "data-err"));
    assert!(e4 < 0.8 * e1, "the reconstruction error falls: {e1} → {e4}");
    let f = canvas("rbm-filters");
    let coloured = (1..f.width() - 1)
        .step_by(3)
        .map(|x| pixel(&f, x, 4))
        .filter(|p| p[0] != p[2])
        .count();
    assert!(coloured > 5, "the filters show signed weights ({coloured})");
}

#[wasm_bindgen_test]
async fn scene_completion_starts_trained_and_fills_in_a_held_out_digit() {
    scene(COMPLETE).await;
    let r = "rbm-train-readout";
    assert_eq!(attr_of(r, "data-origin"), "shipped");
    assert_eq!(num_of(r, "data-finished"), 1.0);
    assert_eq!(num_of(r, "data-epoch"), 30.0);
    let c = "rbm-complete-readout";
    assert_eq!(attr_of(c, "data-region"), "top");
    assert_eq!(num_of(c, "data-known"), 32.0);
    let m = num_of(c, "data-match");
    assert!(
        m > 0.8,
        "the completion gets the held-out bottom half right ({m})"
    );
    let free = num_of(c, "data-free-mean");
    assert!(
        free > 0.05 && free < 0.95,
        "grey levels in the free half ({free})"
    );
    let comp = canvas("rbm-completion");
    let darkest = (4..8)
        .flat_map(|y| (0..8).map(move |x| (x, y)))
        .map(|(x, y)| pixel(&comp, x, y)[0])
        .min()
        .unwrap_or(255);
    assert!(darkest < 128, "the sampler inks the free half ({darkest})");
    let s0 = num_of(c, "data-steps");
    for _ in 0..10 {
        step();
    }
    frames().await;
    assert_eq!(num_of(c, "data-steps"), s0 + 10.0, "Step keeps sampling");
    assert_eq!(
        num_of(c, "data-agree"),
        1.0,
        "the known pixels stay clamped"
    );
    assert!(num_of(c, "data-match") > 0.75);
}

#[wasm_bindgen_test]
async fn scene_labels_starts_trained_classifies_and_generates_the_clamped_class() {
    scene(LABELS).await;
    let acc = num_of("rbm-accuracy", "data-acc");
    assert!(
        acc > 0.9,
        "held-out accuracy of the shipped label RBM {acc}"
    );
    assert_eq!(attr_of("rbm-train-readout", "data-origin"), "shipped");
    assert_eq!(
        attr_of("rbm-class", "data-class"),
        attr_of("rbm-class", "data-truth"),
        "the held-out digit in the pad is classified right"
    );
    assert!(num_of("rbm-class", "data-p") > 0.5);
    let g = "rbm-cond-readout";
    assert_eq!(attr_of(g, "data-label"), "3");
    let s0 = num_of(g, "data-steps");
    for _ in 0..100 {
        step();
    }
    frames().await;
    assert_eq!(num_of(g, "data-steps"), s0 + 100.0, "Step samples");
    let n = num_of(g, "data-as-label");
    assert!(n >= 6.0, "{n} of 10 generated digits read as a 3");
}

#[wasm_bindgen_test]
async fn scene_dbn_starts_pretrained_and_generates_digit_like_samples() {
    scene(DBN).await;
    let d = "rbm-dbn-readout";
    assert_eq!(num_of(d, "data-layer"), 2.0, "both layers pretrained");
    assert_eq!(attr_of("rbm-train-readout", "data-origin"), "shipped");
    let s0 = num_of(d, "data-steps");
    for _ in 0..30 {
        step();
    }
    frames().await;
    assert_eq!(num_of(d, "data-steps"), s0 + 30.0);
    let (ink, data) = (num_of(d, "data-ink"), num_of(d, "data-ink-data"));
    assert!(
        (ink - data).abs() < 0.35 * data,
        "the net inks like the digits: {ink} vs {data}"
    );
    assert!(
        num_of(d, "data-distinct") > 10.0,
        "the chains draw different digits"
    );
}

#[wasm_bindgen_test]
async fn scene_gaussian_rbm_samples_spread_over_the_blobs() {
    scene(GAUSS).await;
    let g = "rbm-gauss-readout";
    assert_eq!(num_of(g, "data-epoch"), 0.0);
    // 100 epochs of training, then 20 Gibbs steps of the trained model.
    for _ in 0..120 {
        step();
    }
    frames().await;
    assert_eq!(num_of(g, "data-epoch"), 100.0);
    let share = num_of(g, "data-min-share");
    assert!(
        share > 0.1,
        "every blob holds over 10 % of the samples ({share})"
    );
    let ll = num_of(g, "data-ll");
    assert!(ll.is_finite() && ll > -3.0, "exact log-likelihood {ll}");
}

#[wasm_bindgen_test]
async fn a_model_trained_to_the_end_in_the_scene_before_is_kept() {
    scene(CD1).await;
    let r = "rbm-train-readout";
    for _ in 0..30 {
        step();
    }
    frames().await;
    assert_eq!(num_of(r, "data-finished"), 1.0);
    let (e1, e30) = (num_of(r, "data-err0"), num_of(r, "data-err"));
    scene(COMPLETE).await;
    assert_eq!(attr_of(r, "data-origin"), "kept");
    assert_eq!(num_of(r, "data-err0"), e1, "its training curve comes along");
    assert_eq!(num_of(r, "data-err"), e30);
    assert!(num_of("rbm-complete-readout", "data-match") > 0.75);
    // From another seed's run the scene starts from the shipped model.
    support::set_hash("#rbm?view=train&seed=2");
    frames().await;
    scene(COMPLETE).await;
    assert_eq!(attr_of(r, "data-origin"), "shipped");
}
