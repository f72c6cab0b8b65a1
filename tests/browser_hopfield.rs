//! Browser test of the Hopfield lab (headless Chromium): draw a pattern with synthetic pointer
//! events on the real canvas, store it, corrupt it, recall it, and check the grid's pixels and
//! the energy trace.
#![cfg(target_arch = "wasm32")]

mod support;

use energy_playground::web;
use support::{
    attr_of, button, current_hash, el, mounted, num_of, pixels, query, set_hash, stroke, wait,
};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Clicks the Hopfield lab's button labelled `text`.
fn click(text: &str) {
    button("#lab-hopfield", text).click();
}

fn grid() -> HtmlCanvasElement {
    query("#lab-hopfield canvas.grid")
}

/// Draws a straight line from cell `from` to cell `to` of the grid with the left button.
fn line(canvas: &HtmlCanvasElement, from: (u32, u32), to: (u32, u32)) {
    stroke(canvas, canvas.width(), &[from, to], 0);
}

/// The grid as ±1 spins read back from its pixels (ink = +1).
fn spins(canvas: &HtmlCanvasElement) -> Vec<i8> {
    pixels(canvas)
        .chunks_exact(4)
        .map(|p| if p[..3] == web::canvas::INK { 1 } else { -1 })
        .collect()
}

#[wasm_bindgen_test]
async fn draw_store_corrupt_recall() {
    mounted();
    set_hash("#hopfield?n=16&seed=7&noise=0.25&mode=async&rule=hebbian");
    wait(150).await;
    click("Forget all");
    click("Clear");
    wait(50).await;
    let canvas = grid();
    assert_eq!(canvas.width(), 16);
    // Draw a frame and a diagonal.
    line(&canvas, (2, 2), (13, 2));
    line(&canvas, (13, 2), (13, 13));
    line(&canvas, (13, 13), (2, 13));
    line(&canvas, (2, 13), (2, 2));
    line(&canvas, (4, 4), (11, 11));
    wait(80).await;
    let drawn = spins(&canvas);
    let on = drawn.iter().filter(|&&v| v > 0).count();
    assert_eq!(
        on,
        44 + 8,
        "a 12×12 frame (44 cells) and an 8-cell diagonal inside it"
    );
    click("Store drawing");
    wait(50).await;
    assert_eq!(attr_of("hopfield-library", "data-count"), "1");

    // Corrupt: 25 % noise (exactly 64 flips).
    click("Add noise");
    wait(80).await;
    let noisy = spins(&canvas);
    let flipped = noisy.iter().zip(&drawn).filter(|(a, b)| a != b).count();
    assert_eq!(flipped, 64);
    let e0 = num_of("hopfield-readout", "data-energy");

    // Recall one neuron at a time for a while: energy never rises.
    for _ in 0..40 {
        click("One neuron");
    }
    wait(80).await;
    let e1 = num_of("hopfield-readout", "data-energy");
    assert!(e1 <= e0 + 1e-9, "energy rose from {e0} to {e1}");

    click("To a fixed point");
    wait(120).await;
    assert_eq!(attr_of("hopfield-outcome", "data-state"), "done");
    let outcome = el("hopfield-outcome").text_content().unwrap_or_default();
    assert!(outcome.contains("stored pattern #1"), "{outcome}");
    assert_eq!(
        spins(&canvas),
        drawn,
        "the grid shows the stored drawing again"
    );
    let e2 = num_of("hopfield-readout", "data-energy");
    assert!(e2 < e0, "recall lowered the energy: {e0} → {e2}");
    // The energy trace recorded the descent and never rose.
    let plot: Element = query("#lab-hopfield canvas.plot");
    assert_eq!(plot.get_attribute("data-rose").as_deref(), Some("0"));
    let points: usize = plot
        .get_attribute("data-points")
        .unwrap_or_default()
        .parse()
        .expect("points");
    assert!(points >= 3, "trace has {points} points");
}

#[wasm_bindgen_test]
async fn overlap_mode_recalls_a_256_grid() {
    mounted();
    set_hash("#hopfield?n=256&mem=AHOU&cue=O&noise=0.3&seed=3");
    wait(200).await;
    let st = el("status").text_content().unwrap_or_default();
    let h = current_hash();
    assert_eq!(grid().width(), 256, "status {st:?}, hash {h:?}");
    click("To a fixed point");
    wait(200).await;
    let outcome = el("hopfield-outcome").text_content().unwrap_or_default();
    assert!(outcome.contains("stored pattern O"), "{outcome}");
}

#[wasm_bindgen_test]
async fn gradient_training_updates_the_memory_table() {
    mounted();
    set_hash("#hopfield?n=16&rule=hebbian&mode=async&noise=0.2&mem=ABCDE&cue=C&seed=1");
    wait(200).await;
    let stable = || {
        support::doc()
            .query_selector_all("#hopfield-energies td[data-stable=\"1\"]")
            .expect("q")
            .length()
    };
    // Hebbian weights keep only B of the five correlated glyphs.
    assert_eq!(stable(), 1);
    set_hash("#hopfield?n=16&rule=grad-c&mode=async&noise=0.2&mem=ABCDE&cue=C&seed=1");
    // The gradient rule trains for 150 steps in slices across frames.
    for _ in 0..100 {
        wait(100).await;
        if attr_of("hopfield-train", "data-iterations") == "150" {
            break;
        }
    }
    assert_eq!(attr_of("hopfield-train", "data-iterations"), "150");
    wait(100).await;
    let trained: u32 = attr_of("hopfield-train", "data-stable")
        .parse()
        .expect("stable count");
    assert_eq!(
        stable(),
        trained,
        "the table agrees with the trainer's count"
    );
    assert!(
        trained >= 4,
        "the gradient rule stabilises most of the correlated set ({trained} of 5)"
    );
}
