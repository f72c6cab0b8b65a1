//! An RBM with label units: the visible layer is `[pixels ‖ one-hot label]`, the lecture's
//! `y = (v, h, c)` with `c` a one-hot vector of C classes. The C label units form one softmax
//! group, as in both papers this follows: the top-level associative memory of Hinton, Osindero &
//! Teh ("A fast learning algorithm for deep belief nets", Neural Computation 18, 2006), whose
//! ten label units are "a softmax group", trained by contrastive divergence; and the
//! "classification RBM" of Larochelle & Bengio ("Classification using discriminative restricted
//! Boltzmann machines", ICML 2008), `p(y, x, h) ∝ exp(−E)` with a one-hot `y`, here trained
//! generatively.
//!
//! Layout: visible units `0..P` are the pixels (0/1), units `P..P+C` the label, exactly one
//! of which is 1 — the model has no other label states. Training is CD on the concatenated rows
//! with the label as a softmax group ([`super::CdWorkspace::set_softmax_group`]): the negative
//! phase draws the label from `P(c | h) = softmax_c(b_c + Σⱼ w_{c,j} hⱼ)`, always one-hot, and
//! the pixels from their independent Bernoulli conditionals. Classification is exact: with the
//! hiddens summed out, `P(c | v) ∝ exp(−F(v, c))`, where
//! `F(v, c) = −bᵥᵀv − b_c − Σⱼ softplus(bₕⱼ + Σᵢ wᵢⱼvᵢ + w_{c,j})`, so
//! `P(c|v) = softmax_c(−F(v, c))` — no sampling needed (exact because the model's labels are
//! one-hot). Conditional generation clamps the label units and Gibbs-samples the pixels.

use super::cd::{CdConfig, Trainer};
use super::gibbs::GibbsChain;
use super::model::{check_finite, check_len, dot, softplus, Rbm, RbmError};
use crate::rng::Rng;

/// An RBM over `[pixels ‖ one-hot label]`.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelRbm {
    /// The underlying RBM (nv = pixels + classes). Train it with [`LabelRbm::trainer`].
    pub rbm: Rbm,
    pixels: usize,
    classes: usize,
}

impl LabelRbm {
    /// A label RBM for `pixels` pixel units, `classes` (2..=1000) label units and `nh` hidden
    /// units, weights N(0, `sigma`²) (0.01 is the usual choice).
    pub fn new(
        pixels: usize,
        classes: usize,
        nh: usize,
        sigma: f32,
        rng: &mut Rng,
    ) -> Result<Self, RbmError> {
        Self::check_classes(classes)?;
        let rbm = Rbm::with_random_weights(pixels + classes, nh, sigma, rng)?;
        Self::from_rbm(rbm, pixels, classes)
    }

    /// Wraps an existing RBM whose visible layer is `pixels + classes` units.
    pub fn from_rbm(rbm: Rbm, pixels: usize, classes: usize) -> Result<Self, RbmError> {
        Self::check_classes(classes)?;
        if pixels == 0 {
            return Err(RbmError::Size {
                what: "number of pixels",
                n: 0,
                max: rbm.nv(),
            });
        }
        check_len(
            "visible layer (pixels + classes)",
            pixels + classes,
            rbm.nv(),
        )?;
        Ok(Self {
            rbm,
            pixels,
            classes,
        })
    }

    fn check_classes(classes: usize) -> Result<(), RbmError> {
        if (2..=1000).contains(&classes) {
            Ok(())
        } else {
            Err(RbmError::Size {
                what: "number of classes",
                n: classes,
                max: 1000,
            })
        }
    }

    /// Number of pixel units P.
    pub fn pixels(&self) -> usize {
        self.pixels
    }

    /// Number of classes C.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Concatenates images (`N × P`, values in [0, 1]) and labels (`N`, each < C) into training
    /// rows `N × (P + C)` = `[pixels ‖ one-hot label]`.
    pub fn training_rows(&self, images: &[f32], labels: &[u8]) -> Result<Vec<f32>, RbmError> {
        let n = self.rows_of(images, labels)?;
        let width = self.pixels + self.classes;
        let mut out = vec![0.0f32; n * width];
        for ((row, img), &c) in out
            .chunks_exact_mut(width)
            .zip(images.chunks_exact(self.pixels))
            .zip(labels)
        {
            row[..self.pixels].copy_from_slice(img);
            row[self.pixels + usize::from(c)] = 1.0;
        }
        Ok(out)
    }

    fn rows_of(&self, images: &[f32], labels: &[u8]) -> Result<usize, RbmError> {
        if labels.is_empty() {
            return Err(RbmError::Empty { what: "labels" });
        }
        check_len(
            "images (N × pixels)",
            labels.len() * self.pixels,
            images.len(),
        )?;
        check_finite("images", images)?;
        if let Some(&c) = labels.iter().find(|&&c| usize::from(c) >= self.classes) {
            return Err(RbmError::Label {
                label: usize::from(c),
                classes: self.classes,
            });
        }
        Ok(labels.len())
    }

    /// A resumable CD trainer on `[images ‖ one-hot labels]` for this model's `rbm`, with the
    /// label units as one softmax group (call `trainer.step(&mut label_rbm.rbm, batches, rng)`).
    pub fn trainer(
        &self,
        images: &[f32],
        labels: &[u8],
        cfg: CdConfig,
        epochs: usize,
    ) -> Result<Trainer, RbmError> {
        let rows = self.training_rows(images, labels)?;
        let mut t = Trainer::new(&self.rbm, &rows, cfg, epochs)?;
        t.set_softmax_group(self.pixels..self.pixels + self.classes)?;
        Ok(t)
    }

    /// `F(v, c)` for every class c into `out` (length C), for one image `v` (length P).
    /// `scratch` must have nh entries (it receives the pixel part of the hidden fields).
    pub fn class_free_energies(
        &self,
        image: &[f32],
        scratch: &mut [f32],
        out: &mut [f64],
    ) -> Result<(), RbmError> {
        check_len("image", self.pixels, image.len())?;
        check_len("scratch (nh)", self.rbm.nh(), scratch.len())?;
        check_len("output (classes)", self.classes, out.len())?;
        let (p, nv) = (self.pixels, self.rbm.nv());
        let w = self.rbm.weights();
        // Shared part: zⱼ = bₕⱼ + Σ_{i<P} wᵢⱼ vᵢ and −bᵥᵀv over the pixels.
        for (j, z) in scratch.iter_mut().enumerate() {
            *z = self.rbm.hidden_bias()[j] + dot(&w[j * nv..j * nv + p], image);
        }
        let pix_bias: f64 = self.rbm.visible_bias()[..p]
            .iter()
            .zip(image)
            .map(|(b, x)| f64::from(*b) * f64::from(*x))
            .sum();
        for (c, f) in out.iter_mut().enumerate() {
            let unit = p + c;
            // F(v,c) = −bᵥᵀv − b_c − Σⱼ softplus(zⱼ + w_{c,j})
            let mut e = -pix_bias - f64::from(self.rbm.visible_bias()[unit]);
            for (j, &z) in scratch.iter().enumerate() {
                e -= softplus(f64::from(z) + f64::from(w[j * nv + unit]));
            }
            *f = e;
        }
        Ok(())
    }

    /// Exact posterior `P(c | v) = softmax_c(−F(v, c))` into `probs` (length C); returns the
    /// most probable class. `scratch` has nh entries.
    pub fn class_probabilities(
        &self,
        image: &[f32],
        scratch: &mut [f32],
        probs: &mut [f64],
    ) -> Result<usize, RbmError> {
        self.class_free_energies(image, scratch, probs)?;
        // softmax of −F, shifted by the minimum free energy for stability
        let fmin = probs.iter().copied().fold(f64::INFINITY, f64::min);
        let mut s = 0.0;
        for p in probs.iter_mut() {
            *p = (fmin - *p).exp();
            s += *p;
        }
        let mut best = 0;
        for c in 0..probs.len() {
            probs[c] /= s;
            // argmax; ties go to the smaller class
            if probs[c] > probs[best] {
                best = c;
            }
        }
        Ok(best)
    }

    /// Convenience: the most probable class and all class probabilities of one image
    /// (allocates; use [`LabelRbm::class_probabilities`] in loops).
    pub fn classify(&self, image: &[f32]) -> Result<(usize, Vec<f64>), RbmError> {
        let mut scratch = vec![0.0f32; self.rbm.nh()];
        let mut probs = vec![0.0f64; self.classes];
        let c = self.class_probabilities(image, &mut scratch, &mut probs)?;
        Ok((c, probs))
    }

    /// Fraction of `images` (`N × P`) whose most probable class equals its label.
    pub fn accuracy(&self, images: &[f32], labels: &[u8]) -> Result<f64, RbmError> {
        let n = self.rows_of(images, labels)?;
        let mut scratch = vec![0.0f32; self.rbm.nh()];
        let mut probs = vec![0.0f64; self.classes];
        let mut right = 0usize;
        for (img, &c) in images.chunks_exact(self.pixels).zip(labels) {
            if self.class_probabilities(img, &mut scratch, &mut probs)? == usize::from(c) {
                right += 1;
            }
        }
        Ok(right as f64 / n as f64)
    }

    /// `batch` Gibbs chains for conditional generation of class `label`: label units clamped
    /// to the one-hot code, pixels started uniformly at random. Run them with
    /// `chain.step_many(&label_rbm.rbm, k, rng, on)`; the pixels are the first P entries of
    /// each row of `chain.visible()`.
    pub fn conditional_chain(
        &self,
        label: usize,
        batch: usize,
        rng: &mut Rng,
    ) -> Result<GibbsChain, RbmError> {
        if label >= self.classes {
            return Err(RbmError::Label {
                label,
                classes: self.classes,
            });
        }
        let nv = self.rbm.nv();
        let mut chain = GibbsChain::random(&self.rbm, batch, rng)?;
        let mut v = chain.visible().to_vec();
        for row in v.chunks_exact_mut(nv) {
            row[self.pixels..].fill(0.0);
            row[self.pixels + label] = 1.0;
        }
        chain.set_visible(&v)?;
        let mask: Vec<bool> = (0..nv).map(|i| i >= self.pixels).collect();
        chain.set_clamp(&mask)?;
        Ok(chain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rbm::exact::state_from_index;

    fn model() -> LabelRbm {
        let mut rng = Rng::new(21);
        let mut m = LabelRbm::new(4, 3, 3, 1.0, &mut rng).expect("ok");
        for b in m.rbm.visible_bias_mut() {
            *b = rng.normal() as f32;
        }
        for b in m.rbm.hidden_bias_mut() {
            *b = rng.normal() as f32;
        }
        m
    }

    #[test]
    fn posterior_equals_brute_force_joint_sums() {
        // P(c|v) = Σ_h e^{−E(v,c,h)} / Σ_{c'} Σ_h e^{−E(v,c',h)}
        let m = model();
        let mut h = vec![0.0; 3];
        for x in 0..16 {
            let mut img = vec![0.0; 4];
            state_from_index(x, &mut img);
            let mut joint = [0.0f64; 3];
            for (c, jc) in joint.iter_mut().enumerate() {
                let mut v = img.clone();
                v.extend((0..3).map(|k| if k == c { 1.0 } else { 0.0 }));
                for y in 0..8 {
                    state_from_index(y, &mut h);
                    *jc += (-m.rbm.energy(&v, &h).expect("ok")).exp();
                }
            }
            let z: f64 = joint.iter().sum();
            let (best, p) = m.classify(&img).expect("ok");
            for c in 0..3 {
                assert!((p[c] - joint[c] / z).abs() < 1e-6, "v={x} c={c}");
            }
            let arg = (0..3).fold(0, |b, c| if joint[c] > joint[b] { c } else { b });
            assert_eq!(best, arg);
        }
    }

    #[test]
    fn rows_validation_and_conditional_chain_clamps_label() {
        let m = model();
        let rows = m
            .training_rows(&[1., 0., 1., 0., 0., 0., 0., 1.], &[2, 0])
            .expect("ok");
        assert_eq!(
            rows,
            vec![1., 0., 1., 0., 0., 0., 1., 0., 0., 0., 1., 1., 0., 0.]
        );
        assert!(m.training_rows(&[0.0; 4], &[3]).is_err());
        assert!(m.training_rows(&[0.0; 5], &[1]).is_err());
        assert!(m.conditional_chain(3, 1, &mut Rng::new(1)).is_err());
        let mut rng = Rng::new(4);
        let mut ch = m.conditional_chain(1, 4, &mut rng).expect("ok");
        ch.step_many(&m.rbm, 20, &mut rng, &mut |_| {}).expect("ok");
        for row in ch.visible().chunks_exact(7) {
            assert_eq!(&row[4..], &[0.0, 1.0, 0.0]);
        }
        assert!(LabelRbm::from_rbm(Rbm::new(5, 2).expect("ok"), 4, 3).is_err());
    }
}
