//! Browser test of the RBM lab's lecture scenes replaying exactly: every RBM scene shows the same
//! link and the same first read-outs whichever RBM scene came before (headless Chromium via
//! wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

mod rbm_scene;
mod support;

use rbm_scene::{first_frame, scene, CD1, COMPLETE, DBN, GAUSS, LABELS};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn every_rbm_scene_shows_the_same_after_every_other() {
    let titles = [CD1, COMPLETE, LABELS, DBN, GAUSS];
    let mut seen: Vec<Option<Vec<String>>> = vec![None; titles.len()];
    for (a, before) in titles.iter().enumerate() {
        for (b, title) in titles.iter().enumerate() {
            scene(before).await;
            scene(title).await;
            let got = first_frame();
            match &seen[b] {
                None => seen[b] = Some(got),
                Some(first) => assert_eq!(first, &got, "{title} after {}", titles[a]),
            }
        }
    }
}
