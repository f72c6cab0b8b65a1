//! Browser tests of the lecture's Part 3 scenes with the samplers added for issue 13 (adaptive
//! Metropolis, parallel tempering, nested sampling, SGLD on data, SVGD) and the Metropolis
//! particles: each scene is applied as the lecture menu applies it, the test does what the
//! scene's note says (Play, a new setting, Clear samples), and checks the note's claim from the
//! read-outs.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{button, el, maybe_num, play_until, scene, wait};

/// The raw number a read-out carries in `data-value`, if any.
fn value(id: &str) -> Option<f64> {
    maybe_num(id, "data-value")
}

fn figure(run: &str, name: &str) -> Option<f64> {
    maybe_num(&format!("sampling-info-{run}"), &format!("data-{name}"))
}

fn info(run: &str) -> String {
    el(&format!("sampling-info-{run}"))
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn adaptive_metropolis_takes_the_targets_shape() {
    scene("Adaptive Metropolis learns its proposal").await;
    play_until("sampling-steps-a", "data-value", 100.0, 8000).await;
    assert_eq!(figure("a", "adapted"), Some(0.0), "a circle for t₀ steps");
    let early = value("sampling-accept-a").expect("acceptance");
    play_until("sampling-steps-a", "data-value", 800.0, 15000).await;
    assert_eq!(figure("a", "adapted"), Some(1.0));
    let (c11, c12, c22) = (
        figure("a", "c11").expect("C"),
        figure("a", "c12").expect("C"),
        figure("a", "c22").expect("C"),
    );
    let rho = c12 / (c11 * c22).sqrt();
    assert!(rho > 0.8, "C's correlation {rho} (target 0.9)");
    let late = value("sampling-accept-a").expect("acceptance");
    assert!(late > early, "acceptance rises: {early} → {late}");
}

#[wasm_bindgen_test]
async fn parallel_tempering_visits_both_wells_and_rwmh_does_not() {
    scene("Parallel tempering crosses barriers").await;
    play_until("sampling-steps-a", "data-value", 3000.0, 20000).await;
    let exact = value("sampling-exactsd1").expect("exact sd");
    assert!((exact - 1.46).abs() < 0.02, "exact sd {exact}");
    let (a, b) = (
        value("sampling-sd1-a").expect("RWMH sd"),
        value("sampling-sd1-b").expect("PT sd"),
    );
    assert!(a < 0.6 * exact, "RWMH stays in one well: sd {a}");
    assert!(
        (b / exact - 1.0).abs() < 0.1,
        "PT matches: sd {b} vs {exact}"
    );
    assert!(info("b").contains("swap acceptance per pair"));
}

#[wasm_bindgen_test]
async fn nested_sampling_finishes_with_ln_z_near_the_grid() {
    scene("Nested sampling computes the evidence Z").await;
    play_until("sampling-steps-a", "data-value", 2500.0, 20000).await;
    assert!(info("a").contains("finished"), "{}", info("a"));
    let (z, err, exact) = (
        figure("a", "logz").expect("ln Z"),
        figure("a", "logzerr").expect("error"),
        figure("a", "logzexact").expect("grid"),
    );
    assert!(err > 0.05 && err < 0.15, "error {err}");
    assert!((z - exact).abs() < 2.0 * err, "{z} ± {err} vs {exact}");
}

#[wasm_bindgen_test]
async fn sgld_is_too_wide_with_small_batches_and_exact_with_all_the_data() {
    scene("SGLD: mini-batches and step size bias the samples").await;
    play_until("sampling-steps-a", "data-value", 1500.0, 15000).await;
    let exact = value("sampling-exactsd2").expect("exact sd");
    let wide = value("sampling-sd2-a").expect("sd");
    assert!(wide > 1.5 * exact, "B = 5: sd {wide} vs exact {exact}");
    // The note: set B = 200, then Clear samples.
    support::set_hash(
        "#sampling?view=mcmc&target=logistic&sampler=sgld&T=1&sgeps=0.01&sched=const&batch=200&seed=1&speed=20",
    );
    wait(300).await;
    button("#lab-sampling", "Clear samples").click();
    play_until("sampling-steps-a", "data-value", 1500.0, 15000).await;
    let full = value("sampling-sd2-a").expect("sd");
    assert!(
        (full / exact - 1.0).abs() < 0.2,
        "B = 200: sd {full} vs exact {exact}"
    );
}

#[wasm_bindgen_test]
async fn svgd_particles_settle_with_the_exact_spread() {
    scene("SVGD: drive and repulsion").await;
    play_until("sampling-steps-a", "data-value", 300.0, 15000).await;
    for axis in ["1", "2"] {
        let exact = value(&format!("sampling-exactsd{axis}")).expect("exact sd");
        let got = value(&format!("sampling-sd{axis}-a")).expect("sd");
        assert!(
            (got / exact - 1.0).abs() < 0.08,
            "x{axis}: sd {got} vs {exact}"
        );
    }
}

/// ULA's stationary law on N(0, I) with step ε is N(0, I/(1 − ε/4)) (the recursion
/// v = (1 − ε/2)²v + ε): sd 1.155 at ε = 1. 2 000 particles give the population's sd to about
/// ±0.02, so each band below is about ±3 of those and the two bands are far apart.
#[wasm_bindgen_test]
async fn langevin_particles_settle_too_wide_and_metropolis_particles_exact() {
    scene("A population of chains: Langevin vs Metropolis particles").await;
    play_until("sampling-steps-a", "data-value", 200.0, 15000).await;
    for axis in ["1", "2"] {
        let exact = value(&format!("sampling-exactsd{axis}")).expect("exact sd");
        assert!((exact - 1.0).abs() < 0.01, "exact sd {exact}");
        let ula = value(&format!("sampling-sd{axis}-a")).expect("ULA sd");
        let mh = value(&format!("sampling-sd{axis}-b")).expect("MH sd");
        assert!(
            (ula - 1.155).abs() < 0.06,
            "x{axis}: ULA particles' sd {ula}"
        );
        assert!((mh - exact).abs() < 0.06, "x{axis}: MH particles' sd {mh}");
    }
    let acc = value("sampling-accept-b").expect("an acceptance rate");
    assert!(acc > 0.3 && acc < 0.8, "acceptance {acc}");
    assert!(info("b").contains("Metropolis chain"), "{}", info("b"));
}

#[wasm_bindgen_test]
async fn ais_reaches_beta_one_with_ln_z_near_the_grid_and_fewer_stages_cost_precision() {
    scene("Annealed importance sampling estimates Z").await;
    play_until("sampling-steps-a", "data-value", 300.0, 15000).await;
    assert_eq!(figure("a", "beta"), Some(1.0));
    let (z, err, exact) = (
        figure("a", "logz").expect("ln Z"),
        figure("a", "logzerr").expect("error"),
        figure("a", "logzexact").expect("grid"),
    );
    assert!((z - exact).abs() < 2.0 * err, "{z} ± {err} vs {exact}");
    // The note: J = 10 stages, a larger error.
    support::set_hash(
        "#sampling?view=mcmc&target=wells&sampler=ais&T=1&aisn=500&stages=10&seed=1&speed=10",
    );
    wait(300).await;
    play_until("sampling-steps-a", "data-value", 10.0, 8000).await;
    assert_eq!(figure("a", "beta"), Some(1.0));
    let coarse = figure("a", "logzerr").expect("error");
    assert!(coarse > 1.5 * err, "J = 10: error {coarse} against {err}");
}
