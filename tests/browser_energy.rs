//! Browser tests of the "Train an energy" lab (headless Chromium via wasm-bindgen-test): mount the
//! real app, train through the shell's Step button, type bad settings, draw points with pointer
//! events, sample from the model, and read back the `data-*` read-outs and canvas pixels.
#![cfg(target_arch = "wasm32")]

mod support;

use support::{
    attr, button, current_hash, el, frames, num, open, pixels, pointer, query, query_all, status,
    type_into,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement, HtmlInputElement, HtmlProgressElement};

wasm_bindgen_test_configure!(run_in_browser);

fn field() -> HtmlCanvasElement {
    query("#lab-energy canvas.energy-field")
}

/// The text field whose label reads `name`.
fn field_input(name: &str) -> HtmlInputElement {
    query_all::<Element>("#lab-energy label.ctl")
        .into_iter()
        .find(|l| {
            l.query_selector(".ctl-name")
                .ok()
                .flatten()
                .and_then(|s| s.text_content())
                .as_deref()
                == Some(name)
        })
        .and_then(|l| l.query_selector("input").ok().flatten())
        .unwrap_or_else(|| panic!("field {name:?}"))
        .dyn_into()
        .expect("input")
}

fn step(n: usize) {
    let b = button("header .transport", "Step");
    for _ in 0..n {
        b.click();
    }
}

#[wasm_bindgen_test]
async fn training_steps_advance_with_finite_losses() {
    open("#energy?seed=21&preset=moons&n=200&hidden=32").await;
    assert!(!el("lab-energy").class_list().contains("hidden"));
    let r = el("energy-readout");
    assert_eq!(attr(&r, "data-iteration"), "0");
    assert_eq!(attr(&r, "data-points"), "200");
    step(4);
    frames().await;
    assert_eq!(attr(&r, "data-iteration"), "4");
    assert_eq!(el("energy-iter").text_content().as_deref(), Some("4"));
    for k in ["data-loss", "data-edata", "data-eneg"] {
        let v = num(&r, k);
        assert!(v.is_finite(), "{k} = {v}");
    }
    assert_eq!(attr(&r, "data-failed"), "0");
    let progress: HtmlProgressElement = el("energy-progress").dyn_into().expect("progress");
    assert!(progress.value() > 0.0 && progress.value() < 0.01);

    // The field is painted: opaque everywhere, with white data dots and vermillion negatives.
    let canvas = field();
    let px = pixels(&canvas);
    assert!(px.chunks_exact(4).all(|p| p[3] == 255), "opaque");
    let count = |rgb: [u8; 3]| px.chunks_exact(4).filter(|p| p[..3] == rgb).count();
    assert!(count([255, 255, 255]) > 100, "data dots drawn");
    assert!(count([213, 94, 0]) > 100, "negatives drawn");
    // Hiding the data removes the white dots.
    let data_box = query_all::<HtmlInputElement>("#lab-energy .energy-shows input")
        .into_iter()
        .next()
        .expect("data");
    data_box.click();
    frames().await;
    assert_eq!(count_after(&canvas, [255, 255, 255]), 0);
    data_box.click();
    frames().await;

    // The same seed and settings replay the same numbers.
    let loss = attr(&r, "data-loss");
    button("header .transport", "Reset").click();
    frames().await;
    assert_eq!(attr(&r, "data-iteration"), "0");
    step(4);
    frames().await;
    assert_eq!(attr(&r, "data-loss"), loss, "replayed from the seed");
}

fn count_after(canvas: &HtmlCanvasElement, rgb: [u8; 3]) -> usize {
    pixels(canvas)
        .chunks_exact(4)
        .filter(|p| p[..3] == rgb)
        .count()
}

#[wasm_bindgen_test]
async fn bad_settings_are_refused_or_clamped() {
    open("#energy?seed=22&preset=rings&n=100&hidden=32&lr=0.003&step=0.01").await;
    let lr = field_input("Learning rate");
    type_into(&lr, "abc");
    let (msg, class) = status();
    assert!(
        msg.contains("not a number") && class.contains("warn"),
        "{msg}"
    );
    assert_eq!(lr.value(), "0.003", "kept");
    type_into(&lr, "5");
    let (msg, class) = status();
    assert!(msg.contains("too large") && class.contains("warn"), "{msg}");
    assert_eq!(lr.value(), "0.1", "clamped");
    let eps = field_input("Langevin ε");
    type_into(&eps, "-1");
    assert!(status().0.contains("too small"), "{}", status().0);
    assert_eq!(eps.value(), "1e-4");
    let n = field_input("Points");
    type_into(&n, "1e9");
    assert!(status().0.contains("clamped"), "{}", status().0);
    assert_eq!(n.value(), "10000");
    frames().await;
    let r = el("energy-readout");
    assert_eq!(attr(&r, "data-points"), "10000");
    let hash = current_hash();
    assert!(
        hash.contains("lr=0.1") && hash.contains("n=10000"),
        "the link carries the accepted values: {hash}"
    );
    // Training still works with the clamped values.
    step(2);
    frames().await;
    assert_eq!(attr(&r, "data-iteration"), "2");
    // Bad link values are refused with a message.
    open("#energy?seed=23&hidden=48&lr=-3").await;
    let (msg, class) = status();
    assert!(
        msg.contains("hidden width 48") && msg.contains("lr=") && class.contains("warn"),
        "{msg}"
    );
}

#[wasm_bindgen_test]
async fn points_are_cleared_and_drawn_by_hand() {
    open("#energy?seed=24&preset=spiral&n=100&hidden=32").await;
    let r = el("energy-readout");
    button("#lab-energy", "Clear points").click();
    frames().await;
    assert_eq!(attr(&r, "data-points"), "0");
    step(1);
    frames().await;
    assert_eq!(attr(&r, "data-iteration"), "0", "no data, no training");
    assert!(status().0.contains("no training points"), "{}", status().0);

    let add = query_all::<HtmlInputElement>("#lab-energy label.ctl-check input")
        .into_iter()
        .next()
        .expect("add checkbox");
    add.click();
    assert!(add.checked());
    let canvas = field();
    let b = canvas.get_bounding_client_rect();
    // A click at the centre and a short drag in the upper right quadrant.
    let (cx, cy) = (b.left() + b.width() / 2.0, b.top() + b.height() / 2.0);
    pointer(&canvas, "pointerdown", cx, cy, 0);
    pointer(&canvas, "pointerup", cx, cy, 0);
    let (x0, y0) = (b.left() + b.width() * 0.75, b.top() + b.height() * 0.25);
    pointer(&canvas, "pointerdown", x0, y0, 0);
    for k in 1..=5 {
        pointer(&canvas, "pointermove", x0 + 10.0 * k as f64, y0, 0);
    }
    pointer(&canvas, "pointerup", x0 + 50.0, y0, 0);
    frames().await;
    assert_eq!(attr(&r, "data-points"), "7", "1 click + a 6-point drag");
    // A white data dot sits at the centre of the field (within the rounding of client
    // coordinates to whole CSS pixels).
    // The field's backing store follows its laid-out size, so work in its own pixels.
    let px = pixels(&canvas);
    let w = canvas.width() as usize;
    assert_eq!(px.len(), 4 * w * canvas.height() as usize);
    let (mx, my) = (w / 2, canvas.height() as usize / 2);
    let white_near_centre = (my - 4..=my + 4).any(|y| {
        (mx - 4..=mx + 4).any(|x| {
            let k = 4 * (y * w + x);
            px[k..k + 3] == [255, 255, 255]
        })
    });
    assert!(white_near_centre, "a dot at the click");
    let corner = 4 * (10 * w + 10);
    assert_ne!(&px[corner..corner + 3], &[255, 255, 255], "no dot far away");
    step(3);
    frames().await;
    assert_eq!(
        attr(&r, "data-iteration"),
        "3",
        "trains on the drawn points"
    );
    assert!(num(&r, "data-loss").is_finite());
    add.click();
}

#[wasm_bindgen_test]
async fn sampling_from_the_model_completes() {
    open("#energy?seed=25&preset=2gauss&n=200&hidden=32").await;
    step(2);
    frames().await;
    button("#lab-energy", "Sample from the model").click();
    let r = el("energy-readout");
    let progress: HtmlProgressElement = el("energy-sample-progress").dyn_into().expect("progress");
    for _ in 0..100 {
        if progress.value() >= 1.0 {
            break;
        }
        frames().await;
    }
    assert_eq!(progress.value(), 1.0);
    assert_eq!(attr(&r, "data-samples"), "200", "200 Langevin steps done");
    assert!(status().0.contains("samples"), "{}", status().0);
    let count = count_after(&field(), [86, 180, 233]);
    assert!(count > 100, "sample dots drawn ({count} px)");
}

/// The trained network is an energy on the plane: the Sampling lab offers it as a target and
/// every sampler of its registry runs on it.
#[wasm_bindgen_test]
async fn every_sampler_runs_on_the_energy_trained_in_the_energy_lab() {
    open("#energy?seed=31&preset=2gauss&n=200&hidden=32").await;
    step(3);
    frames().await;
    open("#sampling?seed=31&view=mcmc&target=learned&sampler=rwmh").await;
    let (msg, _) = status();
    assert!(!msg.contains("no trained energy"), "{msg}");
    assert!(
        current_hash().contains("target=learned"),
        "{}",
        current_hash()
    );
    let opt = support::doc()
        .query_selector("#lab-sampling [data-key='target'] option[value='9']")
        .expect("query")
        .expect("option");
    assert!(!opt.has_attribute("disabled"), "chosen from the menu");
    assert!(
        support::maybe_num("sampling-exact1", "data-value").is_some(),
        "exact mean by grid integration"
    );
    for s in [
        "rwmh",
        "gibbs",
        "ula",
        "mala",
        "hmc",
        "nuts",
        "is",
        "particles",
    ] {
        open(&format!(
            "#sampling?seed=31&view=mcmc&target=learned&sampler={s}"
        ))
        .await;
        step(4);
        frames().await;
        assert_eq!(
            support::maybe_num("sampling-steps-a", "data-value"),
            Some(4.0),
            "{s} steps on it"
        );
        assert!(
            current_hash().contains("target=learned"),
            "{s}: {}",
            current_hash()
        );
        let (msg, _) = status();
        assert!(!msg.contains("stopped"), "{s}: {msg}");
    }
}
