//! Train an RBM on the shipped 8 × 8 digits and print the log-likelihood per epoch.
//!
//! 64 visible units (pixels binarised at half the grey range), 16 hidden units, CD-1 with
//! mini-batches of 20. With 16 hidden units the partition function Z is summed exactly over
//! the 2¹⁶ hidden states, so the mean log-likelihood `(1/N) Σ log P(v)` is exact, on the
//! training images and on held-out ones; the pseudo-log-likelihood (scikit-learn's
//! `score_samples` estimate) is printed beside it.
//!
//! ```text
//! cargo run --release --example rbm_digits [-- --epochs 20 --seed 1]
//! ```

use energy_core::digits::Digits;
use energy_core::rbm::exact::log_likelihood;
use energy_core::rbm::{CdConfig, Rbm, Trainer};
use energy_core::rng::Rng;

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let epochs = arg("--epochs", 20.0) as usize;
    let seed = arg("--seed", 1.0) as u64;
    let digits = Digits::parse(energy_core::data::digits()?)?;
    let nv = digits.pixels_per_image();
    let all = digits.binarized(digits.max_value().div_ceil(2))?;
    let split = digits.split(0.2, seed)?;
    let rows = |idx: &[usize]| -> Vec<f32> {
        idx.iter()
            .flat_map(|&i| all[i * nv..(i + 1) * nv].iter().copied())
            .collect()
    };
    let (train, test) = (rows(&split.train), rows(&split.held_out));

    let mut rng = Rng::new(seed);
    let mut rbm = Rbm::with_random_weights(nv, 16, 0.01, &mut rng)?;
    rbm.init_visible_bias_from_data(&train)?;
    let cfg = CdConfig {
        batch_size: 20,
        learning_rate: 0.1,
        ..CdConfig::default()
    };
    let mut trainer = Trainer::new(&rbm, &train, cfg, epochs)?;
    println!(
        "{} training and {} held-out digits, {nv} visible × {} hidden, CD-1, η = 0.1, batches of 20 (seed {seed})",
        split.train.len(),
        split.held_out.len(),
        rbm.nh()
    );
    println!(
        "{:>5} {:>14} {:>14} {:>14} {:>12}",
        "epoch", "log L (train)", "log L (test)", "pseudo-log L", "recon. err"
    );
    let report = |epoch: usize,
                  rbm: &Rbm,
                  err: Option<f64>,
                  rng: &mut Rng|
     -> Result<(), Box<dyn std::error::Error>> {
        println!(
            "{epoch:>5} {:>14.3} {:>14.3} {:>14.3} {:>12}",
            log_likelihood(rbm, &train)?,
            log_likelihood(rbm, &test)?,
            rbm.pseudo_log_likelihood(&train, rng)?,
            err.map(|e| format!("{e:.3}")).unwrap_or_else(|| "—".into())
        );
        Ok(())
    };
    report(0, &rbm, None, &mut rng)?;
    for epoch in 1..=epochs {
        let per_epoch = trainer.batches_per_epoch();
        let stats = trainer.step(&mut rbm, per_epoch, &mut rng)?;
        report(epoch, &rbm, stats.last_epoch_error, &mut rng)?;
    }
    println!("(nats per image; log L = −(1/N) Σ F(v) − log Z with Z summed exactly)");
    Ok(())
}
