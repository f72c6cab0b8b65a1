//! Browser tests of the samplers added to the Sampling lab for issue 13 (adaptive Metropolis,
//! MCHMC, HMC and NUTS with dual averaging, SVGD, DE-MCMC-Z, parallel tempering, nested
//! sampling, AIS, SGLD on a data posterior): each is offered in the sampler menu, runs from a link without a warning,
//! reads out its own quantity (in the info line and as a `data-*` number), and draws its
//! overlay on the plane.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use web_sys::{HtmlCanvasElement, HtmlOptionElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{el, maybe_num, open_with, pixels, query, query_all, status, step};

fn info() -> String {
    el("sampling-info-a").text_content().unwrap_or_default()
}

fn figure(name: &str) -> Option<f64> {
    maybe_num("sampling-info-a", &format!("data-{name}"))
}

/// Opens the MCMC view with `sampler` (and more settings) on a fresh seed and checks that
/// the menu offers it.
async fn open(seed: u32, rest: &str) {
    open_with(
        &format!("#sampling?seed={seed}&view=mcmc&compare=0&{rest}"),
        120,
        120,
    )
    .await;
    let offered: Vec<String> = query_all::<HtmlOptionElement>("#lab-sampling select option")
        .iter()
        .map(|o| o.text_content().unwrap_or_default())
        .collect();
    for label in [
        "adaptive Metropolis",
        "microcanonical HMC",
        "HMC (adaptive ε)",
        "NUTS (adaptive ε)",
        "SVGD",
        "DE-MCMC-Z",
        "parallel tempering",
        "nested sampling",
        "AIS (annealed IS)",
        "SGLD (mini-batches)",
    ] {
        assert!(offered.iter().any(|v| v == label), "menu offers {label}");
    }
}

/// Steps `n` times and checks that nothing was refused or halted.
async fn steps_cleanly(n: usize) {
    step(n).await;
    assert_eq!(maybe_num("sampling-steps-a", "data-value"), Some(n as f64));
    let (msg, class) = status();
    assert!(!class.contains("warn"), "no warning: {msg}");
    assert!(!info().contains("STOPPED"), "{}", info());
}

fn plane() -> HtmlCanvasElement {
    query("#lab-sampling canvas.plane")
}

/// Pixels of the plane close to `rgb`.
fn near(rgb: [i32; 3], tol: i32) -> usize {
    pixels(&plane())
        .chunks_exact(4)
        .filter(|p| (0..3).all(|k| (i32::from(p[k]) - rgb[k]).abs() <= tol))
        .count()
}

#[wasm_bindgen_test]
async fn adaptive_metropolis_reads_out_its_covariance_and_draws_the_ellipse() {
    open(31, "target=banana&sampler=am&t0=20").await;
    steps_cleanly(5).await;
    assert_eq!(figure("adapted"), Some(0.0), "σ₀²I for the first t₀ steps");
    assert!(info().contains("C₀ = σ₀²I until t₀"), "{}", info());
    let pink = near([204, 121, 167], 12);
    assert!(pink > 200, "the proposal ellipse is drawn: {pink} pixels");
    step(40).await;
    assert_eq!(figure("adapted"), Some(1.0));
    assert!(info().contains("learned from"), "{}", info());
    assert_ne!(
        figure("c12"),
        Some(0.0),
        "the learned covariance has a correlation"
    );
}

#[wasm_bindgen_test]
async fn mchmc_steps_and_reads_out_its_energy_error() {
    open(32, "target=banana&sampler=mchmc&mceps=0.3&mcL=2").await;
    steps_cleanly(10).await;
    assert!(info().contains("energy error"), "{}", info());
    assert!(el("sampling-accept-a")
        .text_content()
        .unwrap_or_default()
        .contains("no MH"));
}

#[wasm_bindgen_test]
async fn hmc_and_nuts_with_dual_averaging_show_the_warm_up_then_freeze() {
    for key in ["hmcda", "nutsda"] {
        open(33, &format!("target=gauss&sampler={key}&warm=20&delta=0.8")).await;
        steps_cleanly(5).await;
        assert_eq!(figure("warmup"), Some(1.0), "{key}: warming up");
        assert!(info().contains("Warm-up 5/20"), "{key}: {}", info());
        step(20).await;
        assert_eq!(figure("warmup"), Some(0.0), "{key}: frozen");
        assert!(info().contains("Frozen after 20"), "{key}: {}", info());
        let eps = figure("eps").expect("ε");
        assert!(eps > 0.05 && eps < 10.0, "{key}: ε = {eps}");
    }
}

#[wasm_bindgen_test]
async fn svgd_draws_its_particles_and_forces() {
    open(34, "target=banana&sampler=svgd&svn=60").await;
    steps_cleanly(3).await;
    assert!(info().contains("bandwidth"), "{}", info());
    // The drive segments in the Okabe–Ito blue (the heatmap's darkest blue is (33,102,172)).
    let blue = near([0, 114, 178], 8);
    assert!(blue > 50, "drive segments drawn: {blue} pixels");
}

#[wasm_bindgen_test]
async fn de_mcmc_z_grows_its_archive() {
    open(35, "target=banana&sampler=demcz&dechains=8").await;
    steps_cleanly(20).await;
    assert!(
        info().contains("Archive Z holds 96 past states"),
        "{}",
        info()
    );
}

#[wasm_bindgen_test]
async fn parallel_tempering_reads_out_each_pair_and_colours_the_replicas() {
    open(36, "target=mixture&sampler=pt&reps=4&tmax=20").await;
    steps_cleanly(30).await;
    let line = info();
    assert!(line.contains("swap acceptance per pair"), "{line}");
    assert_eq!(line.matches(" · ").count(), 2, "three pairs: {line}");
    let s = figure("swapmin").expect("swap rates");
    assert!((0.0..=1.0).contains(&s));
    // The hottest replica's red disc.
    assert!(near([213, 94, 0], 10) > 20, "replicas drawn");
}

#[wasm_bindgen_test]
async fn nested_sampling_draws_its_contour_and_reads_out_ln_z() {
    open(37, "target=gauss&sampler=nested&live=50").await;
    steps_cleanly(60).await;
    let (z, err, exact) = (
        figure("logz").expect("ln Z"),
        figure("logzerr").expect("error"),
        figure("logzexact").expect("grid ln Z"),
    );
    assert!(z.is_finite() && err >= 0.0 && exact.is_finite());
    assert!(info().contains("grid ln Z"), "{}", info());
    let contour = near([213, 94, 0], 10);
    assert!(
        contour > 100,
        "contour and live points drawn: {contour} pixels"
    );
}

#[wasm_bindgen_test]
async fn ais_anneals_to_beta_one_and_compares_ln_z_with_the_grid() {
    open(38, "target=gauss&sampler=ais&aisn=200&stages=40").await;
    steps_cleanly(10).await;
    let beta = figure("beta").expect("β");
    assert!(beta > 0.0 && beta < 1.0, "β = {beta}");
    step(35).await;
    assert_eq!(figure("beta"), Some(1.0));
    let (z, err, exact) = (
        figure("logz").expect("ln Z"),
        figure("logzerr").expect("error"),
        figure("logzexact").expect("grid ln Z"),
    );
    assert!(
        (z - exact).abs() < 4.0 * err + 0.1,
        "ln Ẑ = {z} ± {err} vs {exact}"
    );
    assert!(info().contains("finished"), "{}", info());
}

#[wasm_bindgen_test]
async fn sgld_samples_the_logistic_posterior_in_mini_batches() {
    open(
        39,
        "target=logistic&sampler=sgld&batch=5&sgeps=0.01&sched=decay",
    )
    .await;
    steps_cleanly(30).await;
    let line = info();
    assert!(line.contains("Mini-batch B = 5 of N = 200"), "{line}");
    assert!(line.contains("decaying"), "{line}");
    let eps = figure("eps").expect("ε_t");
    assert!(eps < 0.01, "the schedule decays: ε_t = {eps}");
    // The exact posterior's moments by grid integration sit beside the samples.
    assert!(maybe_num("sampling-exact1", "data-value").is_some_and(|m| m > 1.0));
}

#[wasm_bindgen_test]
async fn the_data_size_row_changes_the_posterior() {
    open(
        40,
        "target=gaussfit&ndata=small&sampler=sgld&batch=5&sgeps=0.002",
    )
    .await;
    let shown = query_all::<web_sys::Element>("#lab-sampling .ctl .ctl-name")
        .iter()
        .any(|e| e.text_content().as_deref() == Some("Data"));
    assert!(shown, "the data size row shows on a posterior");
    let few = maybe_num("sampling-exactsd1", "data-value").expect("exact sd");
    steps_cleanly(3).await;
    assert!(info().contains("of N = 10 "), "{}", info());
    open(
        40,
        "target=gaussfit&ndata=large&sampler=sgld&batch=5&sgeps=0.0002",
    )
    .await;
    let many = maybe_num("sampling-exactsd1", "data-value").expect("exact sd");
    assert!(
        many < 0.5 * few,
        "ten times as many points, a narrower posterior: sd {few} → {many}"
    );
}
