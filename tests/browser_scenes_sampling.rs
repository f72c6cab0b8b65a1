//! Browser tests of the lecture's Part 3 scenes in the Sampling lab's direct-sampling, Markov
//! chain, importance-sampling, Metropolis–Hastings and Gibbs views: each scene is applied as the
//! lecture menu applies it, the test does what the scene's note says (Play or Step), and checks
//! the note's claim from the read-outs. (The MCMC scenes with gradients are in
//! `browser_scenes_mcmc.rs`: the test runner gives each file 20 s.)
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{el, maybe_num, num_of, play_until, scene, transport, wait};

/// The raw number a read-out carries in `data-value`, if any.
fn value(id: &str) -> Option<f64> {
    maybe_num(id, "data-value")
}

#[wasm_bindgen_test]
async fn easy_distributions_match_their_targets() {
    scene("Easy distributions: inverse CDF, CLT, Box–Muller").await;
    // Play: every card draws.
    play_until("direct-mv", "data-value", 3000.0, 8000).await;
    assert!(value("direct-cat").expect("draws") >= 3000.0);
    assert!(value("direct-bm").expect("pairs") >= 3000.0);
    // Sums of coin flips become normal: mean 0, variance 1.
    let (m, v) = (
        num_of("direct-clt", "data-mean"),
        num_of("direct-clt", "data-var"),
    );
    assert!(
        m.abs() < 0.1 && (v - 1.0).abs() < 0.1,
        "CLT mean {m}, variance {v}"
    );
    // x = Lz + μ has covariance Σ; the slide's Σz + μ has Σ².
    let cov = |attr: &str| -> Vec<f64> {
        el("direct-mv")
            .get_attribute(attr)
            .unwrap_or_default()
            .split(',')
            .map(|v| v.parse().expect("number"))
            .collect()
    };
    let (s1, s2, rho) = (1.5, 0.7, 0.6);
    let sigma = [s1 * s1, rho * s1 * s2, s2 * s2];
    let square = [
        sigma[0] * sigma[0] + sigma[1] * sigma[1],
        sigma[1] * (sigma[0] + sigma[2]),
        sigma[1] * sigma[1] + sigma[2] * sigma[2],
    ];
    for (got, want, what) in [
        (cov("data-cov"), sigma, "Cov(Lz + μ) = Σ"),
        (cov("data-cov-wrong"), square, "Cov(Σz + μ) = Σ²"),
    ] {
        for k in 0..3 {
            assert!(
                (got[k] - want[k]).abs() < 0.12 * want[0],
                "{what}: {got:?} against {want:?}"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn importance_sampling_shows_the_ess_and_estimates_the_mean() {
    scene("Importance sampling: weights p/q").await;
    play_until("sampling-steps-a", "data-value", 400.0, 8000).await;
    let n = value("sampling-steps-a").expect("draws");
    let ess = value("sampling-ess-a").expect("ESS shown");
    assert!(ess > 1.0 && ess < n, "1 < ESS = {ess} < {n} draws");
    // The self-normalised estimate is near the exact mean, within a few standard errors.
    for axis in ["1", "2"] {
        let est = value(&format!("sampling-mean{axis}-a")).expect("estimate");
        let exact = value(&format!("sampling-exact{axis}")).expect("exact");
        let sd = value(&format!("sampling-exactsd{axis}")).expect("exact sd");
        assert!(
            (est - exact).abs() < 4.0 * sd / ess.sqrt(),
            "x{axis}: estimate {est} against {exact} (sd {sd}, ESS {ess})"
        );
    }
}

#[wasm_bindgen_test]
async fn markov_chain_bars_converge_to_pi() {
    scene("Markov chains: a stationary distribution").await;
    let d0 = num_of("markov-readout", "data-dist");
    play_until("markov-readout", "data-t", 10.0, 8000).await;
    let d = num_of("markov-readout", "data-dist");
    assert!(
        num_of("markov-readout", "data-t") >= 10.0,
        "Play steps the chain"
    );
    assert!(d < 0.05 * d0, "π_t → π: {d0} → {d}");
}

#[wasm_bindgen_test]
async fn metropolis_hastings_accepts_and_rejects() {
    scene("Metropolis–Hastings on a banana").await;
    let mut seen = Vec::new();
    for _ in 0..20 {
        transport("Step").click();
        wait(40).await;
        seen.push(
            el("sampling-info-a")
                .get_attribute("data-verdict")
                .unwrap_or_default(),
        );
    }
    assert!(
        seen.iter().any(|v| v == "accept") && seen.iter().any(|v| v == "reject"),
        "Step shows accepted and rejected proposals: {seen:?}"
    );
    play_until("sampling-steps-a", "data-value", 150.0, 6000).await;
    let acc = value("sampling-accept-a").expect("acceptance rate");
    assert!(acc > 0.1 && acc < 0.9, "acceptance rate {acc}");
}

#[wasm_bindgen_test]
async fn gibbs_always_accepts() {
    scene("Gibbs sampling: always accepted").await;
    play_until("sampling-steps-a", "data-value", 60.0, 5000).await;
    assert!(value("sampling-steps-a").expect("steps") >= 60.0);
    assert_eq!(value("sampling-accept-a"), Some(1.0));
    assert!(el("sampling-accept-a")
        .text_content()
        .unwrap_or_default()
        .contains("always"));
}
