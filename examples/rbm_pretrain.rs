//! Trains the models the RBM lab ships (`www/data/rbm-digits.json`, `rbm-labels.json`,
//! `rbm-dbn-top.json`) with the default settings and a fixed seed, as the page would, and
//! writes them in the format the lab exports and imports:
//!
//! ```text
//! cargo run --example rbm_pretrain
//! ```

use energy_core::rbm::file::to_json;
use energy_core::rbm::session::shipped::{pretrain, PRETRAIN_SEED};
use energy_core::rbm::session::DigitData;

fn main() -> Result<(), String> {
    let data = DigitData::shipped()?;
    let (digit, label, top) = pretrain(&data, PRETRAIN_SEED).map_err(|e| e.to_string())?;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/www/data");
    for (name, rbm) in [
        ("rbm-digits.json", &digit),
        ("rbm-labels.json", &label),
        ("rbm-dbn-top.json", &top),
    ] {
        let text = to_json(rbm);
        let path = format!("{dir}/{name}");
        std::fs::write(&path, &text).map_err(|e| format!("{path}: {e}"))?;
        println!("{path}: {} × {}, {} bytes", rbm.nv(), rbm.nh(), text.len());
    }
    Ok(())
}
