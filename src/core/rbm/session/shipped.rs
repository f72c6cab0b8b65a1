//! The trained models shipped with the page, so the completion, label and deep-belief-net
//! scenes start ready instead of waiting for training: the digit RBM, the label RBM and the
//! top RBM of the deep belief net (whose bottom RBM is the digit RBM — greedy pretraining's
//! first layer *is* an RBM on the pixels). They are `www/data/rbm-*.json` in the format the
//! lab exports and imports ([`crate::core::rbm::file`]), embedded in the page.
//!
//! They were trained by [`pretrain`] with the default settings ([`Settings::default`]: 64
//! hidden units, CD-1, η = 0.1, momentum 0.5, batches of 10, 30 epochs) from seed
//! [`PRETRAIN_SEED`], and their parameters rounded to [`DIGITS`] significant digits (which
//! keeps the files small and changes no read-out visibly). Regenerate them with
//! `cargo run --release --example rbm_pretrain`.

use super::dbn::{dbn_top, PretrainedDbn};
use super::digit::{DigitRun, Trained};
use super::labels::LabelRun;
use super::train::{Budget, DigitData, Origin, Settings, INIT_SIGMA};
use crate::core::digits::CLASSES;
use crate::core::rbm::file::{self, FileError};
use crate::core::rbm::{Dbn, LabelRbm, Rbm, RbmError, Trainer};
use crate::core::rng::Rng;

/// `www/data/rbm-digits.json`: the digit RBM (64 × 64).
pub static DIGITS_JSON: &str = include_str!("../../../../www/data/rbm-digits.json");
/// `www/data/rbm-labels.json`: the label RBM (64 pixels + 10 label units, 64 hidden).
pub static LABELS_JSON: &str = include_str!("../../../../www/data/rbm-labels.json");
/// `www/data/rbm-dbn-top.json`: the top RBM of the deep belief net (64 → 32).
pub static DBN_TOP_JSON: &str = include_str!("../../../../www/data/rbm-dbn-top.json");

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

/// Mini-batches per epoch of the shipped models' training.
fn per_epoch(data: &DigitData) -> usize {
    data.train_len().div_ceil(settings().batch)
}

fn trained<M>(model: M, data: &DigitData) -> Trained<M> {
    let epochs = settings().epochs;
    Trained {
        model,
        hist: Default::default(),
        epochs,
        batches: (epochs * per_epoch(data)) as u64,
        origin: Origin::Shipped,
    }
}

/// The shipped digit RBM.
pub fn digit_rbm(data: &DigitData) -> Result<Trained<Rbm>, FileError> {
    Ok(trained(file::parse(DIGITS_JSON)?, data))
}

/// The shipped label RBM.
pub fn label_rbm(data: &DigitData) -> Result<Trained<LabelRbm>, FileError> {
    let rbm = file::parse(LABELS_JSON)?;
    let model = LabelRbm::from_rbm(rbm, super::train::PIXELS, CLASSES)
        .map_err(|e| file::KIND.invalid(e.to_string()))?;
    Ok(trained(model, data))
}

/// The shipped deep belief net: the digit RBM below, the shipped top RBM above.
pub fn dbn(data: &DigitData) -> Result<PretrainedDbn, FileError> {
    let bottom = file::parse(DIGITS_JSON)?;
    let top = file::parse(DBN_TOP_JSON)?;
    let dbn = Dbn::new(bottom, top).map_err(|e| file::KIND.invalid(e.to_string()))?;
    Ok(PretrainedDbn {
        dbn,
        epochs: settings().epochs,
        per_epoch: per_epoch(data),
        origin: Origin::Shipped,
        hist: Default::default(),
    })
}

/// `rbm` with every parameter rounded to `digits` significant digits.
pub fn rounded(rbm: &Rbm, digits: u32) -> Result<Rbm, RbmError> {
    let r = |xs: &[f32]| -> Vec<f32> {
        xs.iter()
            .map(|&x| crate::core::settings::round_sig(f64::from(x), digits) as f32)
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
