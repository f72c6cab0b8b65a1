//! Browser test of the lecture's Part 3 scene "Train an energy": applied as the lecture menu
//! applies it, Play trains, and the energy of the data falls below that of the negatives, as
//! the scene's note says. (Training is the slowest work of the page; the test runner gives each
//! file 20 s, so this scene has a file of its own.)
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{num_of, play_until, scene};

#[wasm_bindgen_test]
async fn contrastive_divergence_pushes_data_down_and_negatives_up() {
    scene("Train an energy: contrastive divergence").await;
    play_until("energy-readout", "data-iteration", 40.0, 8000).await;
    assert!(
        num_of("energy-readout", "data-iteration") >= 40.0,
        "Play trains"
    );
    // Single iterations swing both ways; averaged over the last 25 the data sit lower.
    let gap = num_of("energy-readout", "data-gap");
    assert!(
        gap < 0.0,
        "E is pushed down on the data and up on the negatives: mean E(data) − mean E(neg) = {gap}"
    );
}
