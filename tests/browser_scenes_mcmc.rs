//! Browser tests of the lecture's Part 3 scenes with gradient-based samplers (Langevin, ULA
//! against MALA, HMC): each scene is applied as the lecture menu applies it, the test does what
//! the scene's note says (Play or Step), and checks the note's claim from the read-outs.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{el, maybe_num, play_until, scene, step};

/// The raw number a read-out carries in `data-value`, if any.
fn value(id: &str) -> Option<f64> {
    maybe_num(id, "data-value")
}

fn text(id: &str) -> String {
    el(id).text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn langevin_moves_without_accept_reject() {
    scene("Langevin dynamics uses the gradient").await;
    play_until("sampling-steps-a", "data-value", 200.0, 5000).await;
    assert!(value("sampling-steps-a").expect("steps") >= 200.0);
    assert_eq!(value("sampling-accept-a"), None);
    assert!(text("sampling-accept-a").contains("no MH"));
    assert_eq!(
        el("sampling-info-a")
            .get_attribute("data-verdict")
            .as_deref(),
        Some(""),
        "no accept/reject step"
    );
}

#[wasm_bindgen_test]
async fn unadjusted_langevin_is_too_wide_and_mala_matches() {
    scene("Unadjusted Langevin is biased; MALA corrects it").await;
    play_until("sampling-steps-a", "data-value", 4000.0, 9000).await;
    assert!(value("sampling-steps-a").expect("steps") >= 4000.0);
    assert_eq!(value("sampling-exactsd1"), Some(1.0));
    let (ula, mala) = (
        value("sampling-sd1-a").expect("ULA sd"),
        value("sampling-sd1-b").expect("MALA sd"),
    );
    assert!(
        ula > 1.08,
        "ULA's spread is too wide: sd {ula} (stationary 1.155)"
    );
    assert!((mala - 1.0).abs() < 0.06, "MALA's matches: sd {mala}");
}

#[wasm_bindgen_test]
async fn hmc_takes_long_moves_with_high_acceptance() {
    scene("Hamiltonian Monte Carlo (SGD with momentum)").await;
    step(20).await;
    assert_eq!(value("sampling-steps-a"), Some(20.0));
    let acc = value("sampling-accept-a").expect("acceptance");
    assert!(acc >= 0.7, "high acceptance: {acc}");
    assert_ne!(
        el("sampling-info-a")
            .get_attribute("data-verdict")
            .as_deref(),
        Some(""),
        "Step shows the verdict"
    );
    assert!(text("sampling-info-a").contains("L = 10 leapfrog steps"));
}
