//! Statistical tests of the vectorised checkerboard kernel (even L) against the definition.
//!
//! The kernel updates a whole sublattice at once with integer thresholds and a two-stage random
//! comparison, so it is checked here at the level of its transition probabilities, with every
//! probability recomputed from `E = −Σ_⟨ij⟩ sᵢsⱼ − h Σ sᵢ` and the acceptance rules written out
//! independently of the library:
//! - after one sweep from a fixed state, each site of the first sublattice (`x + y` even) has
//!   flipped with probability `p(ΔE)` and independently of the others (L = 4, 6);
//! - on the 2×2 torus the whole one-sweep transition matrix (16 × 16) is known exactly;
//! - and the chain's long-run energy matches Onsager's exact solution on a 128² lattice.
//!
//! Chi-square statistics are compared with their 99.99 % quantiles (Wilson–Hilferty), and the
//! deviations are printed.

use energy_playground::core::ising::{internal_energy, Lattice};
use energy_playground::core::rng::Rng;

#[derive(Clone, Copy, Debug)]
enum Rule {
    Metropolis,
    HeatBath,
}

/// Flip probability from ΔE, written out from the definitions.
fn p_flip(rule: Rule, delta_e: f64, t: f64) -> f64 {
    match rule {
        // min(1, e^{−ΔE/T})
        Rule::Metropolis => (-delta_e / t).exp().min(1.0),
        // e^{−ΔE/T} / (1 + e^{−ΔE/T})
        Rule::HeatBath => 1.0 / (1.0 + (delta_e / t).exp()),
    }
}

/// Energy from the definition (right and down bond of every site, periodic).
fn energy_def(s: &[i8], l: usize, h: f64) -> f64 {
    let mut e = 0.0;
    for y in 0..l {
        for x in 0..l {
            let si = f64::from(s[y * l + x]);
            let right = f64::from(s[y * l + (x + 1) % l]);
            let down = f64::from(s[((y + 1) % l) * l + x]);
            e += -si * (right + down) - h * si;
        }
    }
    e
}

/// ΔE of flipping site i, from two energy evaluations.
fn delta_e(s: &[i8], i: usize, l: usize, h: f64) -> f64 {
    let mut t = s.to_vec();
    t[i] = -t[i];
    energy_def(&t, l, h) - energy_def(s, l, h)
}

/// Upper 99.99 % quantile of χ² with `k` degrees of freedom (Wilson–Hilferty).
fn chi2_quantile_9999(k: usize) -> f64 {
    let k = k as f64;
    let z = 3.719; // standard normal 99.99 % quantile
    k * (1.0 - 2.0 / (9.0 * k) + z * (2.0 / (9.0 * k)).sqrt()).powi(3)
}

fn sweep(lat: &mut Lattice, rule: Rule, rng: &mut Rng) {
    match rule {
        Rule::Metropolis => lat.metropolis_sweep(rng),
        Rule::HeatBath => lat.heat_bath_sweep(rng),
    };
}

/// χ² statistics of one sweep from `start`, repeated `reps` times: the sites of sublattice 0
/// flip independently, each with probability p(ΔE(start)). Returns the marginal statistic with
/// its degrees of freedom, and the statistic of "both flipped" for disjoint pairs of those sites
/// (independence: P(both) = p_a p_b) with its degrees of freedom.
fn first_half_chi2(
    l: usize,
    t: f64,
    h: f64,
    rule: Rule,
    start: &[i8],
    reps: usize,
) -> ((f64, usize), (f64, usize)) {
    let n = l * l;
    let sites: Vec<usize> = (0..n).filter(|i| (i % l + i / l) % 2 == 0).collect();
    let p: Vec<f64> = sites
        .iter()
        .map(|&i| p_flip(rule, delta_e(start, i, l, h), t))
        .collect();
    let mut flips = vec![0usize; sites.len()];
    let mut both = vec![0usize; sites.len() / 2];
    let mut rng = Rng::new(17);
    let mut lat = Lattice::from_spins(l, start.to_vec(), t, h).expect("valid");
    for _ in 0..reps {
        for (i, &s) in start.iter().enumerate() {
            lat.set_spin(i, s).expect("in range");
        }
        sweep(&mut lat, rule, &mut rng);
        let f: Vec<bool> = sites.iter().map(|&i| lat.spins()[i] != start[i]).collect();
        for k in 0..sites.len() {
            flips[k] += usize::from(f[k]);
        }
        for (k, b) in both.iter_mut().enumerate() {
            *b += usize::from(f[2 * k] && f[2 * k + 1]);
        }
    }
    let r = reps as f64;
    let term = |count: usize, q: f64| (count as f64 - r * q).powi(2) / (r * q * (1.0 - q));
    let (mut marginal, mut df_m) = (0.0, 0);
    for (k, &pk) in p.iter().enumerate() {
        if pk > 0.0 && pk < 1.0 {
            marginal += term(flips[k], pk);
            df_m += 1;
        } else {
            // certain outcomes are certain
            assert_eq!(flips[k] as f64, r * pk, "site {} p = {pk}", sites[k]);
        }
    }
    let (mut pairs, mut df_p) = (0.0, 0);
    for (k, &b) in both.iter().enumerate() {
        let q = p[2 * k] * p[2 * k + 1];
        if q > 0.0 && q < 1.0 {
            pairs += term(b, q);
            df_p += 1;
        }
    }
    ((marginal, df_m), (pairs, df_p))
}

#[test]
fn first_sublattice_flips_with_the_definitions_probabilities() {
    // Several (T, h) so that all ten (spin, neighbour-sum) cases and both rules appear, with
    // probabilities strictly between 0 and 1 whose 31-bit thresholds have non-zero low bits
    // (so the tie path of the two-stage comparison is exercised).
    let reps = 400_000;
    let mut rng = Rng::new(3);
    for (l, t, h, rule) in [
        (4, 2.3, 0.0, Rule::Metropolis),
        (4, 1.7, 0.35, Rule::Metropolis),
        (6, 3.1, -0.6, Rule::Metropolis),
        (4, 2.3, 0.0, Rule::HeatBath),
        (6, 1.3, 0.45, Rule::HeatBath),
    ] {
        let start: Vec<i8> = (0..l * l).map(|_| rng.spin()).collect();
        let tag = format!("{rule:?} L={l} T={t} h={h}");
        let ((chi2, df), (chi2_pairs, df_pairs)) = first_half_chi2(l, t, h, rule, &start, reps);
        let (q, q_pairs) = (chi2_quantile_9999(df), chi2_quantile_9999(df_pairs));
        println!(
            "{tag}: marginals χ² = {chi2:.1} on {df} df (99.99 % {q:.1}); \
             pairs χ² = {chi2_pairs:.1} on {df_pairs} df (99.99 % {q_pairs:.1})"
        );
        assert!(chi2 < q, "{tag}: marginal χ² = {chi2:.1} ≥ {q:.1}");
        assert!(
            chi2_pairs < q_pairs,
            "{tag}: pair χ² = {chi2_pairs:.1} ≥ {q_pairs:.1}"
        );
    }
}

/// Exact one-sweep transition probabilities on the 2×2 torus: sublattice 0 = sites 0 and 3,
/// sublattice 1 = sites 1 and 2; each half updates its two sites independently.
fn transition_2x2(t: f64, h: f64, rule: Rule, from: usize) -> Vec<f64> {
    let spins = |k: usize| -> Vec<i8> {
        (0..4)
            .map(|i| if k >> i & 1 == 1 { 1 } else { -1 })
            .collect()
    };
    let half = |dist: &[f64], sub: [usize; 2]| -> Vec<f64> {
        let mut out = vec![0.0; 16];
        for (k, &pk) in dist.iter().enumerate() {
            if pk == 0.0 {
                continue;
            }
            let s = spins(k);
            let p: Vec<f64> = sub
                .iter()
                .map(|&i| p_flip(rule, delta_e(&s, i, 2, h), t))
                .collect();
            for pattern in 0..4usize {
                let mut prob = pk;
                let mut k2 = k;
                for (b, &i) in sub.iter().enumerate() {
                    if pattern >> b & 1 == 1 {
                        prob *= p[b];
                        k2 ^= 1 << i;
                    } else {
                        prob *= 1.0 - p[b];
                    }
                }
                out[k2] += prob;
            }
        }
        out
    };
    let mut d = vec![0.0; 16];
    d[from] = 1.0;
    let d = half(&d, [0, 3]);
    half(&d, [1, 2])
}

#[test]
fn one_sweep_transition_matrix_2x2() {
    let reps = 200_000;
    for (t, h, rule) in [
        (1.9, 0.3, Rule::Metropolis),
        (2.6, -0.5, Rule::HeatBath),
        (1.2, 0.0, Rule::HeatBath),
    ] {
        for from in [0usize, 5, 6, 9, 14] {
            let want = transition_2x2(t, h, rule, from);
            assert!((want.iter().sum::<f64>() - 1.0).abs() < 1e-12);
            let start: Vec<i8> = (0..4)
                .map(|i| if from >> i & 1 == 1 { 1 } else { -1 })
                .collect();
            let mut lat = Lattice::from_spins(2, start.clone(), t, h).expect("valid");
            let mut rng = Rng::new(from as u64 + 100);
            let mut counts = [0usize; 16];
            for _ in 0..reps {
                for (i, &s) in start.iter().enumerate() {
                    lat.set_spin(i, s).expect("in range");
                }
                sweep(&mut lat, rule, &mut rng);
                let k: usize = lat
                    .spins()
                    .iter()
                    .enumerate()
                    .map(|(i, &s)| usize::from(s > 0) << i)
                    .sum();
                counts[k] += 1;
            }
            let r = reps as f64;
            let mut chi2 = 0.0;
            let mut df = 0usize;
            for (k, &p) in want.iter().enumerate() {
                if p == 0.0 {
                    assert_eq!(counts[k], 0, "impossible state {k} reached");
                } else {
                    chi2 += (counts[k] as f64 - r * p).powi(2) / (r * p);
                    df += 1;
                }
            }
            let q = chi2_quantile_9999(df - 1);
            println!(
                "{rule:?} T={t} h={h} from {from}: χ² = {chi2:.1} on {} df (99.99 % {q:.1})",
                df - 1
            );
            assert!(
                chi2 < q,
                "{rule:?} T={t} h={h} from {from}: χ² = {chi2:.1} ≥ {q:.1}"
            );
        }
    }
}

#[test]
fn plane_kernel_energy_matches_onsager_l128() {
    // L = 128 ≫ ξ at these temperatures, so the finite-size correction to e is negligible
    // (≪ 1e−3); the error bar is from 40 blocks of sweeps. A rule with the wrong sign or a
    // factor 2 in ΔE changes e by far more than 0.01.
    let l = 128;
    for (t, rule, start_hot) in [
        (1.8, Rule::Metropolis, false),
        (3.2, Rule::Metropolis, true),
        (2.0, Rule::HeatBath, false),
        (2.6, Rule::HeatBath, true),
    ] {
        let mut rng = Rng::new(41);
        let mut lat = if start_hot {
            Lattice::random(l, t, 0.0, &mut rng).expect("valid")
        } else {
            Lattice::new(l, t, 0.0).expect("valid")
        };
        for _ in 0..500 {
            sweep(&mut lat, rule, &mut rng);
        }
        let (blocks, per_block) = (40, 100);
        let mut means = Vec::with_capacity(blocks);
        for _ in 0..blocks {
            let mut s = 0.0;
            for _ in 0..per_block {
                sweep(&mut lat, rule, &mut rng);
                s += lat.energy_per_site();
            }
            means.push(s / per_block as f64);
        }
        assert!(
            (lat.energy() - lat.energy_recomputed()).abs() < 1e-9,
            "tracked sums"
        );
        let mean = means.iter().sum::<f64>() / blocks as f64;
        let var = means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (blocks - 1) as f64;
        let err = (var / blocks as f64).sqrt();
        let u = internal_energy(t).expect("valid T");
        println!("{rule:?} T={t}: e = {mean:.5} ± {err:.5}, Onsager {u:.5}");
        assert!(
            (mean - u).abs() < 4.0 * err + 1e-3,
            "{rule:?} T={t}: e = {mean:.5} ± {err:.5} vs Onsager {u:.5}"
        );
    }
}
