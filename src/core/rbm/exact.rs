//! Exact sums for tiny RBMs: log Z, P(v), the log-likelihood and its exact gradient.
//!
//! One layer is summed out analytically (that is the free energy) and the other is enumerated,
//! so the cost is `2^min(nv, nh) · nv · nh`. With the visible layer enumerated,
//! `log Z = log Σ_v exp(−F(v))`; with the hidden layer enumerated,
//! `log Z = log Σ_h exp(−F_h(h))`, `F_h(h) = −bₕᵀh − Σᵢ softplus(bᵥᵢ + (Wh)ᵢ)`.
//! Enumeration order: state index x has unit k on iff bit k of x is 1.
//! All sums are in f64 with log-sum-exp, so large weights do not overflow.

use super::cd::Gradient;
use super::model::{check_finite, sigmoid, softplus, Rbm, RbmError};

/// Largest enumerated layer: 2¹⁶ states.
pub const MAX_EXACT_BITS: usize = 16;

fn check_exact(rbm: &Rbm) -> Result<(), RbmError> {
    if rbm.nv().min(rbm.nh()) > MAX_EXACT_BITS {
        Err(RbmError::TooLargeForExact {
            nv: rbm.nv(),
            nh: rbm.nh(),
            max_bits: MAX_EXACT_BITS,
        })
    } else {
        Ok(())
    }
}

/// Writes the bits of `x` into `out` as 0.0/1.0.
pub fn state_from_index(x: usize, out: &mut [f32]) {
    for (k, o) in out.iter_mut().enumerate() {
        *o = ((x >> k) & 1) as f32;
    }
}

/// `F_h(h) = −log Σ_v exp(−E(v, h)) = −bₕᵀh − Σᵢ softplus(bᵥᵢ + Σⱼ wᵢⱼhⱼ)`.
fn hidden_free_energy(rbm: &Rbm, h: &[f32], field: &mut [f32]) -> f64 {
    rbm.visible_field_into(h, field);
    let mut f: f64 = -rbm
        .hidden_bias()
        .iter()
        .zip(h)
        .map(|(b, x)| f64::from(*b) * f64::from(*x))
        .sum::<f64>();
    for &z in field.iter() {
        f -= softplus(f64::from(z));
    }
    f
}

/// Numerically stable log Σ exp(xₖ) of an iterator with a known maximum.
fn log_sum_exp(xs: &[f64]) -> f64 {
    let m = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + xs.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// Which layer to enumerate and its negative free energies −F of every state.
fn neg_free_energies(rbm: &Rbm) -> (bool, Vec<f64>) {
    let by_visible = rbm.nv() <= rbm.nh();
    if by_visible {
        let mut v = vec![0.0f32; rbm.nv()];
        let xs = (0..1usize << rbm.nv())
            .map(|x| {
                state_from_index(x, &mut v);
                -rbm.free_energy_unchecked(&v)
            })
            .collect();
        (true, xs)
    } else {
        let mut h = vec![0.0f32; rbm.nh()];
        let mut field = vec![0.0f32; rbm.nv()];
        let xs = (0..1usize << rbm.nh())
            .map(|x| {
                state_from_index(x, &mut h);
                -hidden_free_energy(rbm, &h, &mut field)
            })
            .collect();
        (false, xs)
    }
}

/// The exact log partition function `log Z = log Σ_{v,h} exp(−E(v, h))`, enumerating the
/// smaller layer. Requires `min(nv, nh) ≤` [`MAX_EXACT_BITS`].
pub fn log_partition(rbm: &Rbm) -> Result<f64, RbmError> {
    check_exact(rbm)?;
    Ok(log_sum_exp(&neg_free_energies(rbm).1))
}

/// Exact `P(v) = exp(−F(v)) / Z` of one visible vector (0/1 entries).
pub fn prob_visible(rbm: &Rbm, v: &[f32]) -> Result<f64, RbmError> {
    let log_z = log_partition(rbm)?;
    Ok((-rbm.free_energy(v)? - log_z).exp())
}

/// Exact P(v) of every visible state, indexed by [`state_from_index`] order. Requires
/// `nv ≤` [`MAX_EXACT_BITS`] (any nh).
pub fn visible_distribution(rbm: &Rbm) -> Result<Vec<f64>, RbmError> {
    if rbm.nv() > MAX_EXACT_BITS {
        return Err(RbmError::TooLargeForExact {
            nv: rbm.nv(),
            nh: rbm.nh(),
            max_bits: MAX_EXACT_BITS,
        });
    }
    let mut v = vec![0.0f32; rbm.nv()];
    let nf: Vec<f64> = (0..1usize << rbm.nv())
        .map(|x| {
            state_from_index(x, &mut v);
            -rbm.free_energy_unchecked(&v)
        })
        .collect();
    let log_z = log_sum_exp(&nf);
    Ok(nf.iter().map(|x| (x - log_z).exp()).collect())
}

fn data_rows(rbm: &Rbm, data: &[f32]) -> Result<usize, RbmError> {
    if data.is_empty() {
        return Err(RbmError::Empty { what: "data" });
    }
    if data.len() % rbm.nv() != 0 {
        return Err(RbmError::Shape {
            what: "data (rows × nv)",
            expected: rbm.nv() * (data.len() / rbm.nv()).max(1),
            got: data.len(),
        });
    }
    check_finite("data", data)?;
    Ok(data.len() / rbm.nv())
}

/// The exact mean log-likelihood `(1/N) Σ_{v∈data} log P(v) = −(1/N) Σ F(v) − log Z` of the
/// rows of `data` (`N × nv`), in nats per row.
pub fn log_likelihood(rbm: &Rbm, data: &[f32]) -> Result<f64, RbmError> {
    let n = data_rows(rbm, data)?;
    let log_z = log_partition(rbm)?;
    let s: f64 = data
        .chunks_exact(rbm.nv())
        .map(|v| rbm.free_energy_unchecked(v))
        .sum();
    Ok(-s / n as f64 - log_z)
}

/// The exact gradient of [`log_likelihood`]:
/// `∂L/∂wᵢⱼ = ⟨vᵢ P(hⱼ|v)⟩_data − ⟨vᵢ hⱼ⟩_model` with the model term enumerated
/// (lecture: the "first term" and "second term" of the maximum-likelihood gradient).
pub fn log_likelihood_gradient(rbm: &Rbm, data: &[f32]) -> Result<Gradient, RbmError> {
    let n = data_rows(rbm, data)?;
    check_exact(rbm)?;
    let (nv, nh) = (rbm.nv(), rbm.nh());
    let mut g = Gradient::zeros(rbm);
    let mut ph = vec![0.0f32; nh];
    // Data term: (1/N) Σ v P(h|v).
    let mut acc = vec![0.0f64; nv * nh + nv + nh];
    let add = |acc: &mut [f64], v: &[f32], h: &[f32], weight: f64| {
        for j in 0..nh {
            for i in 0..nv {
                acc[j * nv + i] += weight * f64::from(v[i]) * f64::from(h[j]);
            }
        }
        for i in 0..nv {
            acc[nv * nh + i] += weight * f64::from(v[i]);
        }
        for j in 0..nh {
            acc[nv * nh + nv + j] += weight * f64::from(h[j]);
        }
    };
    for v in data.chunks_exact(nv) {
        rbm.hidden_probs_into(v, &mut ph);
        add(&mut acc, v, &ph, 1.0 / n as f64);
    }
    // Model term: Σ P(state) · (the other layer's conditional mean).
    let (by_visible, nf) = neg_free_energies(rbm);
    let log_z = log_sum_exp(&nf);
    if by_visible {
        let mut v = vec![0.0f32; nv];
        for (x, f) in nf.iter().enumerate() {
            state_from_index(x, &mut v);
            rbm.hidden_probs_into(&v, &mut ph);
            add(&mut acc, &v, &ph, -(f - log_z).exp());
        }
    } else {
        let mut h = vec![0.0f32; nh];
        let mut pv = vec![0.0f32; nv];
        for (x, f) in nf.iter().enumerate() {
            state_from_index(x, &mut h);
            rbm.visible_field_into(&h, &mut pv);
            for p in pv.iter_mut() {
                *p = sigmoid(*p);
            }
            add(&mut acc, &pv, &h, -(f - log_z).exp());
        }
    }
    for (gw, a) in g.w.iter_mut().zip(&acc) {
        *gw = *a as f32;
    }
    for (gb, a) in g.bv.iter_mut().zip(&acc[nv * nh..]) {
        *gb = *a as f32;
    }
    for (gb, a) in g.bh.iter_mut().zip(&acc[nv * nh + nv..]) {
        *gb = *a as f32;
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn model(nv: usize, nh: usize, seed: u64) -> Rbm {
        let mut rng = Rng::new(seed);
        let mut m = Rbm::with_random_weights(nv, nh, 1.0, &mut rng).expect("ok");
        for b in m.visible_bias_mut() {
            *b = rng.normal() as f32;
        }
        for b in m.hidden_bias_mut() {
            *b = rng.normal() as f32;
        }
        m
    }

    fn brute_log_z(m: &Rbm) -> f64 {
        let (mut v, mut h) = (vec![0.0; m.nv()], vec![0.0; m.nh()]);
        let mut s = 0.0;
        for x in 0..1 << m.nv() {
            state_from_index(x, &mut v);
            for y in 0..1 << m.nh() {
                state_from_index(y, &mut h);
                s += (-m.energy(&v, &h).expect("ok")).exp();
            }
        }
        f64::ln(s)
    }

    #[test]
    fn log_z_by_either_layer_equals_the_double_sum() {
        for (nv, nh) in [(3, 5), (5, 3), (4, 4)] {
            let m = model(nv, nh, (nv * 10 + nh) as u64);
            let lz = log_partition(&m).expect("small");
            let b = brute_log_z(&m);
            assert!((lz - b).abs() < 1e-5, "{nv}×{nh}: {lz} vs {b}");
        }
        let p = visible_distribution(&model(5, 3, 1)).expect("ok");
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    /// All parameters flattened as (W, bᵥ, bₕ), and the inverse.
    fn params(m: &Rbm) -> Vec<f32> {
        let mut p = m.weights().to_vec();
        p.extend_from_slice(m.visible_bias());
        p.extend_from_slice(m.hidden_bias());
        p
    }

    fn with_params(m: &Rbm, p: &[f32]) -> Rbm {
        let (nw, nv) = (m.nv() * m.nh(), m.nv());
        Rbm::from_parts(
            m.nv(),
            m.nh(),
            p[..nw].to_vec(),
            p[nw..nw + nv].to_vec(),
            p[nw + nv..].to_vec(),
        )
        .expect("same shape")
    }

    #[test]
    fn exact_gradient_matches_finite_differences() {
        for (nv, nh) in [(4, 3), (3, 4)] {
            let m = model(nv, nh, 11);
            let data = [1., 0., 1., 1., 0., 1., 1., 0., 1., 1., 0., 0.];
            let data = &data[..nv * 3];
            let g = log_likelihood_gradient(&m, data).expect("ok");
            let analytic: Vec<f32> = g.w.iter().chain(&g.bv).chain(&g.bh).copied().collect();
            let p0 = params(&m);
            let eps = 1e-2f32;
            for k in 0..p0.len() {
                let (mut pa, mut pb) = (p0.clone(), p0.clone());
                pa[k] += eps;
                pb[k] -= eps;
                let la = log_likelihood(&with_params(&m, &pa), data).expect("ok");
                let lb = log_likelihood(&with_params(&m, &pb), data).expect("ok");
                let fd = (la - lb) / (2.0 * f64::from(eps));
                let an = f64::from(analytic[k]);
                assert!(
                    (fd - an).abs() < 2e-3,
                    "{nv}×{nh} param {k}: fd {fd} vs {an}"
                );
            }
        }
    }

    #[test]
    fn refuses_large_models() {
        let m = Rbm::new(20, 17).expect("ok");
        assert!(matches!(
            log_partition(&m),
            Err(RbmError::TooLargeForExact { .. })
        ));
        assert!(visible_distribution(&Rbm::new(17, 2).expect("ok")).is_err());
        assert!(log_partition(&Rbm::new(64, 10).expect("ok")).is_ok());
    }
}
