//! Browser tests of the lecture's part 1 scenes (Hopfield lab and the Ising scene): each test
//! applies a scene as the menu does, does what its note says (Play, or wait for training) and
//! checks the note's claim from the read-outs.
#![cfg(target_arch = "wasm32")]

mod support;

use energy_playground::web::{self, lecture};
use support::{attr_of, mounted, num_of, query, status, wait};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Applies the scene titled `title` and checks it applied cleanly.
async fn scene(title: &str) {
    mounted();
    wait(100).await;
    let i = lecture::SCENES
        .iter()
        .position(|s| s.title == title)
        .unwrap_or_else(|| panic!("no scene {title:?}"));
    web::app::with_app(|a| a.choose_scene(i)).expect("app");
    support::frames().await;
    let (msg, class) = status();
    assert!(class.contains("info"), "{msg}");
}

/// Presses Play and waits until the Hopfield outcome says recall stopped (at most `ms`).
async fn play_to_the_end(ms: i32) -> String {
    web::app::with_app(|a| a.set_playing(true)).expect("app");
    let mut waited = 0;
    while attr_of("hopfield-outcome", "data-state") != "done" && waited < ms {
        wait(50).await;
        waited += 50;
    }
    web::app::with_app(|a| a.set_playing(false)).expect("app");
    assert_eq!(
        attr_of("hopfield-outcome", "data-state"),
        "done",
        "recall stopped"
    );
    support::el("hopfield-outcome")
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn synchronous_updates_end_in_a_two_cycle() {
    scene("A Hopfield network may not be stable").await;
    let what = play_to_the_end(10_000).await;
    assert!(
        what.contains("2-cycle after 3 synchronous updates"),
        "{what}"
    );
    assert!(
        !what.contains("fake memory"),
        "a cycle is not a memory: {what}"
    );
}

#[wasm_bindgen_test]
async fn asynchronous_recall_lowers_the_energy_and_returns_h() {
    scene("Energy falls: recall a corrupted memory").await;
    let e0 = num_of("hopfield-readout", "data-energy");
    let what = play_to_the_end(20_000).await;
    assert!(what.contains("stored pattern H"), "{what}");
    assert!(num_of("hopfield-readout", "data-energy") < e0);
    let plot: web_sys::Element = query("#lab-hopfield canvas.plot");
    assert_eq!(
        plot.get_attribute("data-rose").as_deref(),
        Some("0"),
        "the energy never rose"
    );
}

#[wasm_bindgen_test]
async fn a_partial_cue_is_filled_in() {
    scene("Recall from a partial cue").await;
    let what = play_to_the_end(20_000).await;
    assert!(what.contains("stored pattern U"), "{what}");
}

#[wasm_bindgen_test]
async fn correlated_glyphs_make_c_end_in_b_and_the_gradient_rule_mends_it() {
    scene("Fake memories: spurious minima").await;
    let what = play_to_the_end(20_000).await;
    assert!(
        what.contains("stored pattern B"),
        "the noisy C ends in B, not C: {what}"
    );
    scene("The gradient rule removes fake memories").await;
    // Wait for the rule's 150 training steps (the counter under the rule).
    for _ in 0..400 {
        if attr_of("hopfield-train", "data-iterations") == "150" {
            break;
        }
        wait(50).await;
    }
    assert_eq!(attr_of("hopfield-train", "data-iterations"), "150");
    let what = play_to_the_end(20_000).await;
    assert!(what.contains("stored pattern C"), "now C recalls C: {what}");
}

#[wasm_bindgen_test]
async fn a_256_grid_recalls_o_through_the_overlaps() {
    scene("Large images recall through overlaps").await;
    let what = play_to_the_end(30_000).await;
    assert!(what.contains("stored pattern O"), "{what}");
    assert_eq!(
        support::el("lab-hopfield")
            .query_selector("canvas.grid")
            .expect("q")
            .expect("grid")
            .get_attribute("width")
            .as_deref(),
        Some("256")
    );
}

#[wasm_bindgen_test]
async fn the_ising_lattice_at_tc_sits_at_onsagers_energy_without_ordering() {
    scene("The Ising model: magnetic dipoles at the critical temperature").await;
    let ro = "ising-readout";
    assert!((num_of(ro, "data-t") - 2.269).abs() < 1e-9);
    web::app::with_app(|a| a.set_playing(true)).expect("app");
    let mut waited = 0;
    while num_of(ro, "data-sweeps") < 300.0 && waited < 60_000 {
        wait(100).await;
        waited += 100;
    }
    web::app::with_app(|a| a.set_playing(false)).expect("app");
    assert!(num_of(ro, "data-sweeps") >= 300.0, "played 300 sweeps");
    // Onsager: e(T_c) = −√2 ≈ −1.414; at criticality domains of every size keep |m| away from
    // both 0 and 1 on a finite lattice, and far below the ordered value at T = 2.
    let e = num_of(ro, "data-energy");
    let m = num_of(ro, "data-mag");
    assert!((e + 2f64.sqrt()).abs() < 0.1, "e = {e}");
    assert!(m < 0.7, "|m| = {m}: no single domain has taken over");
    let phase = support::el("ising-exact")
        .text_content()
        .unwrap_or_default();
    assert!(
        phase.contains("at the critical temperature: domains of every size"),
        "{phase}"
    );
}
