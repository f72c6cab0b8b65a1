//! Small networks and data sets for demonstrations: a random network with Gaussian couplings
//! (a Sherrington–Kirkpatrick-like spin glass), the "bars and stripes" data set (MacKay,
//! "Information Theory, Inference, and Learning Algorithms", 2003, exercise 43.3) and distinct
//! random patterns.
//!
//! Conventions: spins `±1`; a data set is a flat row-major buffer of patterns (see the module
//! docs of [`super`]). Every function takes the caller's [`Rng`], so a page replays from its seed.

use super::exact::{state_from_index, MAX_EXACT_NEURONS};
use super::{BoltzmannError, Network};
use crate::rng::Rng;

/// Largest side of a bars-and-stripes grid (`side² ≤ 16` visible neurons, so exact enumeration
/// stays possible).
pub const MAX_BARS_SIDE: usize = 4;

/// Most patterns [`random_patterns`] draws.
pub const MAX_RANDOM_PATTERNS: usize = 64;

/// A network of `n` neurons with independent couplings `wᵢⱼ = wⱼᵢ ~ N(0, σ_w²)` (i < j, zero
/// diagonal) and biases `bᵢ ~ N(0, σ_b²)`. `1 ≤ n ≤ 4096`; `σ_w, σ_b` finite and `≥ 0`.
pub fn random_network(
    n: usize,
    sigma_w: f64,
    sigma_b: f64,
    rng: &mut Rng,
) -> Result<Network, BoltzmannError> {
    for (name, v) in [("weight scale σ", sigma_w), ("bias scale σ_b", sigma_b)] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(BoltzmannError::Parameter {
                name,
                value: v,
                rule: "finite and ≥ 0",
            });
        }
    }
    let mut net = Network::new(n)?;
    for i in 0..n {
        for j in 0..i {
            net.set_weight(i, j, (sigma_w * rng.normal()) as f32); // wᵢⱼ ~ N(0, σ²)
        }
    }
    for b in net.bias_mut() {
        *b = (sigma_b * rng.normal()) as f32; // bᵢ ~ N(0, σ_b²)
    }
    Ok(net)
}

/// The bars-and-stripes patterns on a `side × side` grid (`2 ≤ side ≤ 4`), flat, row-major:
/// every image whose rows are each all `+1` or all `−1` (stripes), then every image whose columns
/// are (bars) except the two already listed (all `−1`, all `+1`). `2^{side+1} − 2` distinct
/// patterns of `side²` neurons.
pub fn bars_and_stripes(side: usize) -> Result<Vec<i8>, BoltzmannError> {
    if !(2..=MAX_BARS_SIDE).contains(&side) {
        return Err(BoltzmannError::Parameter {
            name: "bars-and-stripes side",
            value: side as f64,
            rule: "in 2..=4",
        });
    }
    let n = side * side;
    let count = (1usize << (side + 1)) - 2;
    let mut out = Vec::with_capacity(count * n);
    let spin = |mask: usize, k: usize| if (mask >> k) & 1 == 1 { 1 } else { -1 };
    // Stripes: row r is on iff bit r of the mask is set.
    for mask in 0..1usize << side {
        for r in 0..side {
            out.extend(std::iter::repeat_n(spin(mask, r), side));
        }
    }
    // Bars: column c is on iff bit c is set; skip all-off and all-on (already stripes).
    for mask in 1..(1usize << side) - 1 {
        for _ in 0..side {
            out.extend((0..side).map(|c| spin(mask, c)));
        }
    }
    Ok(out)
}

/// `count` distinct uniformly random `±1` patterns of `n_v` neurons, flat. `1 ≤ n_v ≤ 16`,
/// `1 ≤ count ≤ min(64, 2^{n_v − 1})` (so that drawing without repeats stays quick).
pub fn random_patterns(n_v: usize, count: usize, rng: &mut Rng) -> Result<Vec<i8>, BoltzmannError> {
    if n_v == 0 || n_v > MAX_EXACT_NEURONS {
        return Err(BoltzmannError::Parameter {
            name: "number of visible neurons",
            value: n_v as f64,
            rule: "in 1..=16",
        });
    }
    let max = MAX_RANDOM_PATTERNS.min((1usize << n_v) / 2).max(1);
    if count == 0 || count > max {
        return Err(BoltzmannError::Parameter {
            name: "number of patterns",
            value: count as f64,
            rule: "in 1..=min(64, 2^(n_v − 1))",
        });
    }
    let mut chosen: Vec<usize> = Vec::with_capacity(count);
    while chosen.len() < count {
        // Rejection: at most half the states are taken, so each draw succeeds with p ≥ ½.
        let s = rng.below(1 << n_v);
        if !chosen.contains(&s) {
            chosen.push(s);
        }
    }
    let mut out = vec![0i8; count * n_v];
    for (row, &s) in out.chunks_exact_mut(n_v).zip(&chosen) {
        state_from_index(s, row);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_network_is_symmetric_with_the_requested_scale() {
        let mut rng = Rng::new(4);
        let net = random_network(40, 0.5, 0.0, &mut rng).expect("net");
        assert!(Network::from_parts(40, net.weights().to_vec(), net.bias().to_vec()).is_ok());
        assert!(net.bias().iter().all(|&b| b == 0.0));
        let w: Vec<f64> = (0..40)
            .flat_map(|i| (0..i).map(move |j| (i, j)))
            .map(|(i, j)| f64::from(net.weight(i, j)))
            .collect();
        let var = w.iter().map(|x| x * x).sum::<f64>() / w.len() as f64;
        // 780 draws of N(0, 0.25): the sample variance is within ±20 % with overwhelming odds.
        assert!((var - 0.25).abs() < 0.05, "variance {var}");
        // Same seed, same network.
        let again = random_network(40, 0.5, 0.0, &mut Rng::new(4)).expect("net");
        assert_eq!(net, again);
        assert!(random_network(4, f64::NAN, 0.0, &mut rng).is_err());
        assert!(random_network(4, 1.0, -1.0, &mut rng).is_err());
        assert!(random_network(0, 1.0, 0.0, &mut rng).is_err());
    }

    #[test]
    fn bars_and_stripes_3x3() {
        let d = bars_and_stripes(3).expect("bs");
        assert_eq!(d.len(), 14 * 9);
        let pats: Vec<&[i8]> = d.chunks_exact(9).collect();
        for (a, p) in pats.iter().enumerate() {
            // Rows uniform or columns uniform.
            let rows = (0..3).all(|r| p[r * 3..r * 3 + 3].iter().all(|&v| v == p[r * 3]));
            let cols = (0..3).all(|c| (0..3).all(|r| p[r * 3 + c] == p[c]));
            assert!(rows || cols, "pattern {a}");
            for q in &pats[..a] {
                assert_ne!(p, q, "pattern {a} repeats");
            }
        }
        assert_eq!(bars_and_stripes(2).expect("bs").len(), 6 * 4);
        assert!(bars_and_stripes(1).is_err());
        assert!(bars_and_stripes(5).is_err());
    }

    #[test]
    fn random_patterns_are_distinct_spins() {
        let mut rng = Rng::new(9);
        let d = random_patterns(6, 8, &mut rng).expect("patterns");
        assert_eq!(d.len(), 48);
        assert!(d.iter().all(|&v| v == 1 || v == -1));
        let pats: Vec<&[i8]> = d.chunks_exact(6).collect();
        for a in 0..pats.len() {
            for b in 0..a {
                assert_ne!(pats[a], pats[b]);
            }
        }
        // The most that is allowed: half the states.
        assert!(random_patterns(3, 4, &mut rng).is_ok());
        assert!(random_patterns(3, 5, &mut rng).is_err());
        assert!(random_patterns(0, 1, &mut rng).is_err());
        assert!(random_patterns(17, 1, &mut rng).is_err());
        assert!(random_patterns(9, 0, &mut rng).is_err());
    }
}
