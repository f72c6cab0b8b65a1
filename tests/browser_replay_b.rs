//! Lecture scenes replay exactly (part b of a seeded sample of scene pairs): see
//! `tests/replay/mod.rs`.
#![cfg(target_arch = "wasm32")]

mod replay;
mod support;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn scenes_show_the_same_after_any_other_scene_b() {
    replay::check_pairs(2, 100).await;
}
