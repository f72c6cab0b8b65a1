//! Statistical tests of the stochastic Hopfield network / Boltzmann machine against exact
//! enumeration. Every test is seeded; each tolerance is derived below and is one that a wrong
//! implementation (checked inside the tests where possible) fails.

use energy_playground::core::boltzmann::{
    gibbs_sweep, ground_states, state_index, Annealer, BmConfig, BmTrainer, ExactBoltzmann,
    GibbsOrder, Network, Schedule, SpinUpdate, State, StateHistogram, Temperature,
};
use energy_playground::core::rng::Rng;

/// A random network: weights `wᵢⱼ ~ N(0, σ_w²)`, biases `bᵢ ~ N(0, σ_b²)`.
fn random_net(n: usize, sw: f64, sb: f64, rng: &mut Rng) -> Network {
    let mut net = Network::new(n).expect("size");
    for i in 0..n {
        for j in 0..i {
            net.set_weight(i, j, (sw * rng.normal()) as f32);
        }
        net.bias_mut()[i] = (sb * rng.normal()) as f32;
    }
    net
}

fn random_state(net: &Network, rng: &mut Rng) -> State {
    let y: Vec<i8> = (0..net.n()).map(|_| rng.spin()).collect();
    State::new(net, y).expect("state")
}

/// Expected total-variation distance between an i.i.d. sample of size `s` and `p`:
/// `E ½Σ|f − p| ≈ ½ Σ √(2/π) √(p(1−p)/s) = Σ √(p(1−p) / (2π s))` (normal approximation of each
/// multinomial count; for counts near zero it over-estimates, i.e. errs on the generous side).
fn expected_iid_tv(p: &[f64], s: u64) -> f64 {
    p.iter()
        .map(|&q| (q * (1.0 - q) / (2.0 * std::f64::consts::PI * s as f64)).sqrt())
        .sum()
}

/// Runs `sweeps` sweeps (after `burn` sweeps) with the library's Gibbs sampler and returns the
/// histogram of visited states, one per sweep.
fn sample_hist(
    net: &Network,
    t: f64,
    order: GibbsOrder,
    burn: usize,
    sweeps: usize,
    rng: &mut Rng,
) -> StateHistogram {
    let t = Temperature::new(t).expect("T");
    let mut s = random_state(net, rng);
    let mut h = StateHistogram::new(net.n()).expect("hist");
    for k in 0..burn + sweeps {
        gibbs_sweep(net, &mut s, t, order, rng, &mut |_| {}).expect("sweep");
        if k >= burn {
            h.record(s.y()).expect("record");
        }
    }
    h
}

/// The WRONG conditional for ±1 spins, `P(yᵢ=+1) = σ(hᵢ/T)` (the 0/1-unit formula), written out
/// here so the test can show that it fails the bound.
fn sample_hist_wrong_conditional(
    net: &Network,
    t: f64,
    burn: usize,
    sweeps: usize,
    rng: &mut Rng,
) -> StateHistogram {
    let mut s = random_state(net, rng);
    let mut h = StateHistogram::new(net.n()).expect("hist");
    for k in 0..burn + sweeps {
        for i in 0..net.n() {
            let p = 1.0 / (1.0 + (-s.fields()[i] / t).exp());
            let target = if rng.uniform() < p { 1 } else { -1 };
            if s.y()[i] != target {
                s.flip(net, i);
            }
        }
        if k >= burn {
            h.record(s.y()).expect("record");
        }
    }
    h
}

/// Sampled histograms against exact enumeration, N = 8–10, T = 1 and 2.
///
/// Bound: `3 × E[TV]` of an i.i.d. sample of the same size. One sample per sweep is correlated
/// with the next, so the chain's TV is about `√τ` times the i.i.d. value (τ the integrated
/// autocorrelation time in sweeps, a few at these couplings; with these seeds the ratio was
/// 1.0–1.5 for sequential and up to 2.2 for random-scan sweeps); 3× leaves room for that. The same
/// bound is then shown to reject the wrong conditional `σ(hᵢ/T)` (≥ 9× the bound here) and a
/// 25 % wrong temperature (≥ 3.9× the bound).
#[test]
fn gibbs_histogram_matches_exact_distribution() {
    let sweeps = 400_000;
    let burn = 200;
    let mut rng = Rng::new(2024);
    for (case, &n) in [8usize, 9, 10].iter().enumerate() {
        let net = random_net(n, 0.5, 0.5, &mut rng);
        for &t in &[1.0, 2.0] {
            let exact = ExactBoltzmann::new(&net, Temperature::new(t).expect("T")).expect("exact");
            let bound = 3.0 * expected_iid_tv(exact.probabilities(), sweeps as u64);
            for order in [GibbsOrder::Sequential, GibbsOrder::Random] {
                let h = sample_hist(&net, t, order, burn, sweeps, &mut rng);
                let tv = h.tv_to_exact(&exact).expect("tv");
                eprintln!("case {case} N={n} T={t} {order:?}: TV {tv:.4}, bound {bound:.4}");
                assert!(tv < bound, "N={n} T={t} {order:?}: TV {tv} ≥ bound {bound}");
            }
            // The wrong conditional σ(hᵢ/T) samples at 2T: it must fail the same bound.
            let wrong = sample_hist_wrong_conditional(&net, t, burn, sweeps, &mut rng);
            let tv_wrong = wrong.tv_to_exact(&exact).expect("tv");
            eprintln!("   wrong conditional: TV {tv_wrong:.4}");
            assert!(tv_wrong > bound, "σ(h/T) passed: TV {tv_wrong} < {bound}");
            // A wrong temperature (25 % too hot) must fail it too.
            let hot = sample_hist(
                &net,
                1.25 * t,
                GibbsOrder::Sequential,
                burn,
                sweeps,
                &mut rng,
            );
            let tv_hot = hot.tv_to_exact(&exact).expect("tv");
            eprintln!("   T×1.25: TV {tv_hot:.4}");
            assert!(tv_hot > bound, "1.25T passed: TV {tv_hot} < {bound}");
        }
    }
}

/// `T = ∞`: every spin is a fair coin, so each sequential sweep is an independent uniform state;
/// the bound is 1.5× the i.i.d. expectation (TV sd ≈ 0.001 ≪ 0.5 × 0.028). `T = 4` (close, but
/// not uniform) must fail it.
#[test]
fn infinite_temperature_is_uniform() {
    let sweeps = 200_000;
    let mut rng = Rng::new(77);
    let net = random_net(10, 0.5, 0.5, &mut rng);
    let uniform = vec![1.0 / 1024.0; 1024];
    let bound = 1.5 * expected_iid_tv(&uniform, sweeps as u64);
    let h = sample_hist(
        &net,
        f64::INFINITY,
        GibbsOrder::Sequential,
        0,
        sweeps,
        &mut rng,
    );
    let tv = h.tv_to_uniform();
    eprintln!("T=inf: TV to uniform {tv:.4}, bound {bound:.4}");
    assert!(tv < bound, "TV {tv} ≥ {bound}");
    let warm = sample_hist(&net, 4.0, GibbsOrder::Sequential, 100, sweeps, &mut rng);
    let tv_warm = warm.tv_to_uniform();
    eprintln!("T=4: TV to uniform {tv_warm:.4}");
    assert!(tv_warm > bound, "T = 4 looked uniform: {tv_warm}");
}

/// `T = 0` is deterministic descent: over random orders the energy never rises (checked per
/// update against a fresh O(N²) recomputation at the end) and the chain stops in a state where
/// every neuron agrees with its field (`yᵢ = Θ(hᵢ)`, tie → −1).
#[test]
fn zero_temperature_is_deterministic_descent() {
    let mut rng = Rng::new(5);
    for _ in 0..20 {
        let net = random_net(40, 1.0, 0.3, &mut rng);
        let mut s = random_state(&net, &mut rng);
        let mut prev = s.energy();
        let mut rises = 0;
        let mut observe = |u: SpinUpdate| {
            if u.energy > prev + 1e-9 {
                rises += 1;
            }
            prev = u.energy;
        };
        // Random-order sweeps need not visit every neuron, so a sequential sweep without a flip
        // is what certifies the fixed point.
        let mut fixed = false;
        for _ in 0..1000 {
            gibbs_sweep(
                &net,
                &mut s,
                Temperature::ZERO,
                GibbsOrder::Random,
                &mut rng,
                &mut observe,
            )
            .expect("sweep");
            let f = gibbs_sweep(
                &net,
                &mut s,
                Temperature::ZERO,
                GibbsOrder::Sequential,
                &mut rng,
                &mut observe,
            )
            .expect("sweep");
            if f == 0 {
                fixed = true;
                break;
            }
        }
        assert!(fixed, "no fixed point reached");
        assert_eq!(rises, 0);
        assert!((s.energy() - net.energy(s.y())).abs() < 1e-3);
        for i in 0..net.n() {
            let h = net.local_field(s.y(), i);
            assert_eq!(s.y()[i], if h > 0.0 { 1 } else { -1 }, "neuron {i}");
        }
    }
}

/// Runs `T = 0` sequential sweeps until one makes no flip.
fn quench(net: &Network, s: &mut State, rng: &mut Rng) {
    for _ in 0..10_000 {
        let f = gibbs_sweep(
            net,
            s,
            Temperature::ZERO,
            GibbsOrder::Sequential,
            rng,
            &mut |_| {},
        )
        .expect("sweep");
        if f == 0 {
            return;
        }
    }
}

/// Annealing vs quench on a frustrated network (Sherrington–Kirkpatrick couplings
/// `wᵢⱼ ~ N(0, 1)`, no bias, N = 16): the global minimum is found by enumeration; from the same 40
/// random hot starts, geometric annealing must reach it at least 80 % of the time and at least
/// twice as often as a zero-temperature quench.
#[test]
fn annealing_finds_global_minimum_more_often_than_quench() {
    let mut rng = Rng::new(99);
    let n = 16;
    let net = random_net(n, 1.0, 0.0, &mut rng);
    let (e_min, ground) = ground_states(&net).expect("ground states");
    let tol = 1e-4 * (1.0 + e_min.abs());
    let sched = Schedule::geometric(3.0, 0.05, 0.9, 10).expect("schedule");
    let starts = 40;
    let (mut hits_anneal, mut hits_quench) = (0, 0);
    for k in 0..starts {
        let mut r = Rng::new(1000 + k);
        let y: Vec<i8> = (0..n).map(|_| r.spin()).collect();
        let mut a = State::new(&net, y.clone()).expect("state");
        let mut ann = Annealer::new(sched, GibbsOrder::Sequential).expect("annealer");
        let status = ann.run(&net, &mut a, 1_000_000, &mut r).expect("anneal");
        assert!(status.converged && !status.quench_capped);
        if (net.energy(a.y()) - e_min).abs() < tol {
            assert!(ground.contains(&state_index(a.y()).expect("index")));
            hits_anneal += 1;
        }
        let mut q = State::new(&net, y).expect("state");
        quench(&net, &mut q, &mut r);
        if (net.energy(q.y()) - e_min).abs() < tol {
            hits_quench += 1;
        }
    }
    eprintln!("anneal {hits_anneal}/{starts}, quench {hits_quench}/{starts}");
    assert!(
        hits_anneal * 10 >= starts * 8,
        "anneal {hits_anneal}/{starts}"
    );
    assert!(
        hits_anneal >= 2 * hits_quench,
        "quench {hits_quench} vs anneal {hits_anneal}"
    );
}

/// Fully visible BM, N = 6, a small data set: the exact log-likelihood rises and the exact model
/// correlations approach the data correlations (moment matching, the fixed point of ∇L = 0):
/// from a gap above 0.5 to below 0.1 (the Monte-Carlo gradient with M = 400 persistent samples
/// jitters the weights by about η/√M per step, which leaves the moments within a few 0.01).
#[test]
fn bm_learning_without_hidden_units_matches_moments() {
    let mut rng = Rng::new(3);
    let n = 6;
    // Two prototypes and one-flip variants of each.
    let protos: [[i8; 6]; 2] = [[1, 1, 1, -1, -1, -1], [1, -1, 1, -1, 1, -1]];
    let mut data = Vec::new();
    for p in &protos {
        data.extend_from_slice(p);
        for f in [0usize, 2, 4] {
            let mut q = *p;
            q[f] = -q[f];
            data.extend_from_slice(&q);
        }
    }
    let mut net = random_net(n, 0.1, 0.1, &mut rng);
    let mut cfg = BmConfig::new(n);
    cfg.learning_rate = 0.05;
    cfg.samples = 400;
    cfg.persistent = true;
    cfg.total_steps = 600;
    let mut tr = BmTrainer::new(&net, cfg, &mut rng).expect("trainer");
    let ll0 = tr
        .exact_log_likelihood(&net, &data)
        .expect("ll")
        .expect("exact");
    // Data correlations, straight from the patterns, and the initial gap to the model.
    let np = data.len() / n;
    let mut data_corr = vec![0.0; n * n];
    for v in data.chunks_exact(n) {
        for i in 0..n {
            for j in 0..n {
                data_corr[i * n + j] += f64::from(v[i] * v[j]) / np as f64;
            }
        }
    }
    let max_gap = |net: &Network| {
        let ex = ExactBoltzmann::new(net, Temperature::ONE).expect("exact");
        data_corr
            .iter()
            .zip(ex.correlations())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max)
    };
    let gap0 = max_gap(&net);
    let mut lls = Vec::new();
    for _ in 0..cfg.total_steps {
        let s = tr.step(&mut net, &data, &mut rng).expect("step");
        lls.push(s.log_likelihood.expect("exact ll"));
        for (a, b) in s.data_corr.iter().zip(&data_corr) {
            assert!((a - b).abs() < 1e-12, "data term must be the data average");
        }
    }
    let gap = max_gap(&net);
    let ll_end: f64 = lls[lls.len() - 50..].iter().sum::<f64>() / 50.0;
    let ll_mid: f64 = lls[50..100].iter().sum::<f64>() / 50.0;
    eprintln!(
        "LL {ll0:.4} → {ll_mid:.4} → {ll_end:.4}; max |C_data − C_model| {gap0:.4} → {gap:.4}"
    );
    assert!(
        gap0 > 0.5,
        "the test needs a model that starts far from the data: {gap0}"
    );
    assert!(
        ll_mid > ll0 + 0.1,
        "LL did not rise early: {ll0} → {ll_mid}"
    );
    assert!(
        ll_end > ll_mid,
        "LL did not keep rising: {ll_mid} → {ll_end}"
    );
    assert!(gap < 0.1, "moments not matched: {gap}");
}

/// BM with hidden units (4 visible + 2 hidden): the exact visible log-likelihood rises.
#[test]
fn bm_learning_with_hidden_units_raises_visible_likelihood() {
    let mut rng = Rng::new(8);
    let n_v = 4;
    let n = 6;
    let data: Vec<i8> = vec![
        1, 1, 1, 1, -1, -1, -1, -1, 1, 1, -1, -1, -1, -1, 1, 1, 1, 1, 1, 1,
    ];
    let mut net = random_net(n, 0.1, 0.1, &mut rng);
    let mut cfg = BmConfig::new(n_v);
    cfg.learning_rate = 0.05;
    cfg.samples = 300;
    cfg.clamped_samples = 20;
    cfg.persistent = true;
    cfg.total_steps = 400;
    let mut tr = BmTrainer::new(&net, cfg, &mut rng).expect("trainer");
    let ll0 = tr
        .exact_log_likelihood(&net, &data)
        .expect("ll")
        .expect("exact");
    let mut last = Vec::new();
    for k in 0..cfg.total_steps {
        let s = tr.step(&mut net, &data, &mut rng).expect("step");
        if k >= cfg.total_steps - 50 {
            last.push(s.log_likelihood.expect("ll"));
        }
    }
    let ll_end = last.iter().sum::<f64>() / last.len() as f64;
    eprintln!("hidden: LL {ll0:.4} → {ll_end:.4}");
    assert!(ll_end > ll0 + 0.3, "LL {ll0} → {ll_end}");
}

/// The Monte-Carlo phases estimate the exact gradient: with K and M large, the clamped-phase
/// correlations match the exact `E_{h|v}` moments and the free-phase ones the exact model moments.
/// Tolerance 0.05: each entry is an average of ≥ 20 000 correlated ±1 products (sd ≲ 0.02).
#[test]
fn clamped_and_free_phases_estimate_the_exact_moments() {
    let mut rng = Rng::new(12);
    let n = 7;
    let n_v = 4;
    let net0 = random_net(n, 0.6, 0.3, &mut rng);
    let data: Vec<i8> = vec![1, -1, 1, 1, -1, -1, 1, -1, 1, 1, 1, 1];
    let mut cfg = BmConfig::new(n_v);
    cfg.clamped_samples = 8000;
    cfg.samples = 30_000;
    cfg.burn_in = 100;
    cfg.learning_rate = 1e-9;
    let mut net = net0.clone();
    let mut tr = BmTrainer::new(&net, cfg, &mut rng).expect("trainer");
    let s = tr.step(&mut net, &data, &mut rng).expect("step");
    let exact = ExactBoltzmann::new(&net0, Temperature::ONE).expect("exact");
    let mut dm = vec![0.0; n];
    let mut dc = vec![0.0; n * n];
    exact
        .data_moments(&data, n_v, &mut dm, &mut dc)
        .expect("moments");
    let max_diff = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    };
    let d_data = max_diff(s.data_corr, &dc).max(max_diff(s.data_mean, &dm));
    let d_model =
        max_diff(s.model_corr, exact.correlations()).max(max_diff(s.model_mean, exact.mean()));
    eprintln!("clamped phase error {d_data:.4}, free phase error {d_model:.4}");
    assert!(d_data < 0.05, "clamped phase: {d_data}");
    assert!(d_model < 0.05, "free phase: {d_model}");
}

/// Invalid input gives errors a student can read.
#[test]
fn validation_errors_are_clear() {
    let e = Temperature::new(f64::NAN).expect_err("NaN");
    assert!(
        e.to_string().contains("temperature") && e.to_string().contains("NaN"),
        "{e}"
    );
    let big = Network::new(17).expect("size");
    let e = ExactBoltzmann::new(&big, Temperature::ONE).expect_err("N = 17");
    assert!(e.to_string().contains("N = 17"), "{e}");
    let mut net = Network::new(6).expect("size");
    let mut rng = Rng::new(1);
    let mut tr = BmTrainer::new(&net, BmConfig::new(6), &mut rng).expect("trainer");
    let e = tr
        .step(&mut net, &[1, -1, 1, 1, 1, 1, 1], &mut rng)
        .expect_err("length");
    assert!(e.to_string().contains("7 entries"), "{e}");
}

/// A long Gibbs run keeps the state's tracked fields and energy equal to a fresh f64 recompute.
///
/// The run: 8 neurons, weights and biases N(0, 0.5²), T = 1, 300 000 sequential sweeps (≈ 5·10⁵
/// flips). Two bounds, with `H = maxᵢ (Σⱼ |wᵢⱼ| + |bᵢ|)` (no field
/// can exceed it) and `S = Σ_{i<j} |wᵢⱼ| + Σᵢ |bᵢ|` (no energy can exceed it):
/// - the representation floor of f32 fields, `16 u₃₂ H` (`u₃₂ = 2⁻²⁴`): one f32 rounding of
///   each term already costs up to `u₃₂ H`, so fields stored in f32 sit near this floor at the
///   start and only leave it by accumulating rounding flip after flip (the drift);
/// - the bound the refreshed f64 fields guarantee (see [`State`]): between two refreshes at most
///   `R = 256 N` flips, so `|Δh| ≤ (N + 1 + R) u₆₄ H` and `|ΔE| ≤ (N + 1 + R) u₆₄ S + 2 R (N + 1 +
///   R) u₆₄ H`, `u₆₄ = 2⁻⁵³`; both are asserted with a factor 2 for second-order terms.
#[test]
fn long_gibbs_run_keeps_tracked_fields_and_energy_exact() {
    let n = 8;
    let mut rng = Rng::new(77);
    let net = random_net(n, 0.5, 0.5, &mut rng);
    let mut s = random_state(&net, &mut rng);
    let exact_fields = |y: &[i8]| -> Vec<f64> {
        (0..n)
            .map(|i| {
                let row = &net.weights()[i * n..(i + 1) * n];
                let pair: f64 = row
                    .iter()
                    .zip(y)
                    .map(|(&w, &yj)| f64::from(w) * f64::from(yj))
                    .sum();
                pair + f64::from(net.bias()[i])
            })
            .collect()
    };
    let h_max = (0..n)
        .map(|i| {
            let row = &net.weights()[i * n..(i + 1) * n];
            row.iter().map(|w| f64::from(w.abs())).sum::<f64>() + f64::from(net.bias()[i].abs())
        })
        .fold(0.0, f64::max);
    let s_max = (0..n)
        .map(|i| {
            let row = &net.weights()[i * n..i * n + i];
            row.iter().map(|w| f64::from(w.abs())).sum::<f64>() + f64::from(net.bias()[i].abs())
        })
        .sum::<f64>();
    let (u32_, u64_) = (2f64.powi(-24), 2f64.powi(-53));
    let r = (256 * n) as f64;
    let k = n as f64 + 1.0 + r;
    let field_bound = 2.0 * k * u64_ * h_max;
    let energy_bound = 2.0 * (k * u64_ * s_max + 2.0 * r * k * u64_ * h_max);
    let mut flips = 0usize;
    for _ in 0..300_000 {
        flips += gibbs_sweep(
            &net,
            &mut s,
            Temperature::ONE,
            GibbsOrder::Sequential,
            &mut rng,
            &mut |_| {},
        )
        .expect("sweep");
    }
    let exact = exact_fields(s.y());
    let field_err = exact
        .iter()
        .zip(s.fields())
        .map(|(a, &b)| (a - b).abs())
        .fold(0.0, f64::max);
    let energy_err = (net.energy(s.y()) - s.energy()).abs();
    eprintln!(
        "{flips} flips: field error {field_err:.3e} (f32 floor {:.3e}, bound {field_bound:.3e}), \
         energy error {energy_err:.3e} (bound {energy_bound:.3e})",
        16.0 * u32_ * h_max
    );
    assert!(flips > 500_000, "the run must flip often: {flips}");
    assert!(
        field_err <= 16.0 * u32_ * h_max,
        "tracked fields drifted by {field_err:.3e} (f32 floor {:.3e})",
        16.0 * u32_ * h_max
    );
    assert!(
        field_err <= field_bound,
        "field error {field_err:.3e} > {field_bound:.3e}"
    );
    assert!(
        energy_err <= energy_bound,
        "energy error {energy_err:.3e} > {energy_bound:.3e}"
    );
}
