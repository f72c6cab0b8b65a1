//! The trained models shipped with the page, so the completion, label and deep-belief-net
//! scenes start ready instead of waiting for training: the digit RBM, the label RBM and the
//! top RBM of the deep belief net (whose bottom RBM is the digit RBM — greedy pretraining's
//! first layer *is* an RBM on the pixels). They are `www/data/rbm-*.json` in the format the
//! lab exports and imports ([`crate::rbm::file`]), read through [`crate::data`].
//!
//! They were trained by [`pretrain`] with the default settings ([`Settings::default`]: 64
//! hidden units, CD-1, η = 0.1, momentum 0.5, batches of 10, 30 epochs) from seed
//! [`PRETRAIN_SEED`], and their parameters rounded to [`DIGITS`] significant digits (which
//! keeps the files small and changes no read-out visibly). Regenerate them with
//! `cargo run --example rbm_pretrain`.

use super::dbn::{dbn_top, PretrainedDbn};
use super::digit::{pseudo_likelihood, reconstruction_error, DigitRun, Trained};
use super::labels::LabelRun;
use super::train::{Budget, DigitData, History, Origin, Settings, INIT_SIGMA, PIXELS};
use crate::digits::CLASSES;
use crate::rbm::file;
use crate::rbm::{Dbn, LabelRbm, Rbm, RbmError, Trainer};
use crate::rng::Rng;

/// The seed the shipped models were trained from.
pub const PRETRAIN_SEED: u64 = 1;
/// Significant digits kept in the shipped parameters.
pub const DIGITS: u32 = 3;

/// The settings the shipped models were trained with.
pub fn settings() -> Settings {
    Settings::default()
}

/// Whether a trained model ships for the model settings of `s` (the epoch target may differ:
/// a run from the shipped model continues from its epochs).
pub fn available(s: &Settings) -> bool {
    settings().same_model(s)
}

/// Seed of the one-off measurements of the shipped models (sampled reconstruction error,
/// pseudo-likelihood): fixed, so what a trained start shows does not depend on the page seed.
pub const MEASURE_SEED: u64 = 7;

/// The shipped models, read and measured once: the charts of a run that starts from one show
/// where it stands (reconstruction error, held-out pseudo-likelihood or accuracy) at its 30th
/// epoch.
pub struct Shipped {
    digit: Rbm,
    digit_err: f64,
    digit_pl: f64,
    label: LabelRbm,
    label_err: f64,
    label_acc: f64,
    top: Rbm,
    top_err: f64,
    per_epoch: usize,
}

fn parse(json: &str) -> Result<Rbm, String> {
    file::parse(json).map_err(|e| format!("the shipped model: {e}"))
}

impl Shipped {
    /// Reads the shipped files and measures the models on `data`.
    pub fn load(data: &DigitData) -> Result<Self, String> {
        let msg = |e: RbmError| format!("the shipped model: {e}");
        let digit = parse(crate::data::rbm_digits()?)?;
        let label =
            LabelRbm::from_rbm(parse(crate::data::rbm_labels()?)?, PIXELS, CLASSES).map_err(msg)?;
        let top = parse(crate::data::rbm_dbn_top()?)?;
        Dbn::new(digit.clone(), top.clone()).map_err(msg)?;
        let mut rng = Rng::new(MEASURE_SEED);
        let rows = label
            .training_rows(&data.train, &data.train_labels)
            .map_err(msg)?;
        let mut codes = vec![0.0; data.train_len() * digit.nh()];
        digit.hidden_probs(&data.train, &mut codes).map_err(msg)?;
        Ok(Self {
            digit_err: reconstruction_error(&digit, &data.train, &mut rng).map_err(msg)?,
            digit_pl: pseudo_likelihood(&digit, &data.test, &mut rng).map_err(msg)?,
            label_err: reconstruction_error(&label.rbm, &rows, &mut rng).map_err(msg)?,
            label_acc: label.accuracy(&data.test, &data.test_labels).map_err(msg)?,
            top_err: reconstruction_error(&top, &codes, &mut rng).map_err(msg)?,
            digit,
            label,
            top,
            per_epoch: data.train_len().div_ceil(settings().batch),
        })
    }

    fn trained<M>(&self, model: M, err: f64, metric: Option<f64>) -> Trained<M> {
        let epochs = settings().epochs;
        let mut hist = History::default();
        hist.push_error(epochs, err);
        if let Some(m) = metric {
            hist.push_metric(epochs, m);
        }
        Trained {
            model,
            hist,
            epochs,
            batches: (epochs * self.per_epoch) as u64,
            origin: Origin::Shipped,
        }
    }

    /// The digit RBM.
    pub fn digit_rbm(&self) -> Trained<Rbm> {
        self.trained(self.digit.clone(), self.digit_err, Some(self.digit_pl))
    }

    /// The label RBM.
    pub fn label_rbm(&self) -> Trained<LabelRbm> {
        self.trained(self.label.clone(), self.label_err, Some(self.label_acc))
    }

    /// The deep belief net: the digit RBM below, the top RBM above.
    pub fn dbn(&self) -> PretrainedDbn {
        let epochs = settings().epochs;
        let mut hist = History::default();
        hist.push_error(epochs, self.digit_err);
        hist.push_error(2 * epochs, self.top_err);
        PretrainedDbn {
            dbn: Dbn {
                bottom: self.digit.clone(),
                top: self.top.clone(),
            },
            epochs,
            per_epoch: self.per_epoch,
            origin: Origin::Shipped,
            hist,
        }
    }
}

/// `rbm` with every parameter rounded to `digits` significant digits.
pub fn rounded(rbm: &Rbm, digits: u32) -> Result<Rbm, RbmError> {
    let r = |xs: &[f32]| -> Vec<f32> {
        xs.iter()
            .map(|&x| crate::settings::round_sig(f64::from(x), digits) as f32)
            .collect()
    };
    Rbm::from_parts(
        rbm.nv(),
        rbm.nh(),
        r(rbm.weights()),
        r(rbm.visible_bias()),
        r(rbm.hidden_bias()),
    )
}

/// Trains the models to ship, as the page would with the default settings and page seed
/// `seed`: the digit RBM and the label RBM for 30 epochs each, then the deep belief net's top
/// RBM (64 → 32) for 30 epochs on the digit RBM's P(h | v) of the training digits. Returns
/// (digit RBM, label RBM, top RBM), rounded to [`DIGITS`] significant digits.
pub fn pretrain(data: &DigitData, seed: u64) -> Result<(Rbm, Rbm, Rbm), RbmError> {
    let s = settings();
    let seeds = super::train::Seeds::new(seed);
    let mut digit = DigitRun::new(data, &s, seeds.main, None)?;
    while digit.train(&mut Budget::batches(usize::MAX), data)? {}
    let mut label = LabelRun::new(data, &s, 0, seeds.label, None)?;
    while label.train(&mut Budget::batches(usize::MAX), data)? {}
    let bottom = rounded(&digit.rbm, DIGITS)?;
    // The top layer, as `DbnTrainer` trains it: CD on the codes P(h¹ | v).
    let mut codes = vec![0.0; data.train_len() * bottom.nh()];
    bottom.hidden_probs(&data.train, &mut codes)?;
    let mut root = Rng::new(seeds.dbn);
    let mut init = root.fork();
    let mut rng = root.fork();
    let mut top = Rbm::with_random_weights(bottom.nh(), dbn_top(s.hidden), INIT_SIGMA, &mut init)?;
    let mut t = Trainer::new(&top, &codes, s.cd(), s.epochs)?;
    while !t.step(&mut top, usize::MAX, &mut rng)?.finished {}
    Ok((
        bottom,
        rounded(&label.model.rbm, DIGITS)?,
        rounded(&top, DIGITS)?,
    ))
}
