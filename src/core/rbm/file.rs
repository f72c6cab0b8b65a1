//! Saving and loading an RBM's parameters as JSON (export from the page, import back).
//!
//! ```json
//! {"format": "energy-playground/rbm", "version": 1, "nv": 64, "nh": 64,
//!  "w": [/* nh × nv, hidden-major: w[j·nv + i] = wᵢⱼ */], "bv": [/* nv */], "bh": [/* nh */]}
//! ```
//! Every field is validated on reading (shape, finiteness, size limits); a damaged or foreign
//! file is refused with a message and changes nothing.

use serde::{Deserialize, Serialize};

use super::model::Rbm;

/// The `format` tag.
pub const FORMAT: &str = "energy-playground/rbm";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;
/// Largest file accepted (bytes).
pub const MAX_BYTES: usize = 32 << 20;

pub use crate::files::FileError;
use crate::files::FileKind;

/// The RBM parameter format.
pub const KIND: FileKind = FileKind {
    noun: "saved RBM",
    tag: FORMAT,
    version: VERSION,
    max_bytes: MAX_BYTES,
};

#[derive(Serialize, Deserialize)]
struct Raw {
    format: String,
    version: u32,
    nv: usize,
    nh: usize,
    w: Vec<f32>,
    bv: Vec<f32>,
    bh: Vec<f32>,
}

/// Writes the model's parameters.
pub fn to_json(rbm: &Rbm) -> String {
    let raw = Raw {
        format: FORMAT.into(),
        version: VERSION,
        nv: rbm.nv(),
        nh: rbm.nh(),
        w: rbm.weights().to_vec(),
        bv: rbm.visible_bias().to_vec(),
        bh: rbm.hidden_bias().to_vec(),
    };
    serde_json::to_string(&raw).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Reads and validates a model (the model's own constructor checks sizes and finiteness).
pub fn parse(text: &str) -> Result<Rbm, FileError> {
    let raw: Raw = KIND.read(text, |r: &Raw| (r.format.as_str(), r.version))?;
    Rbm::from_parts(raw.nv, raw.nh, raw.w, raw.bv, raw.bh).map_err(|e| KIND.invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn round_trip() {
        let rbm = Rbm::with_random_weights(6, 3, 0.1, &mut Rng::new(1)).expect("rbm");
        let back = parse(&to_json(&rbm)).expect("parse");
        assert_eq!(back.weights(), rbm.weights());
        assert_eq!(back.visible_bias(), rbm.visible_bias());
        assert_eq!(back.hidden_bias(), rbm.hidden_bias());
    }

    #[test]
    fn refuses_bad_files() {
        let good = to_json(&Rbm::with_random_weights(2, 2, 0.1, &mut Rng::new(2)).expect("rbm"));
        assert!(matches!(parse("[]"), Err(FileError::Json { .. })));
        assert!(matches!(
            parse(&good.replace("energy-playground/rbm", "other")),
            Err(FileError::Format { .. })
        ));
        assert!(matches!(
            parse(&good.replace("\"version\":1", "\"version\":2")),
            Err(FileError::Version { got: 2, .. })
        ));
        assert!(matches!(
            parse(&good.replace("\"nv\":2", "\"nv\":3")),
            Err(FileError::Invalid { .. })
        ));
        assert!(matches!(
            parse(&good.replace("\"nh\":2", "\"nh\":0")),
            Err(FileError::Invalid { .. })
        ));
    }

    /// Property test over damaged files: random byte edits never panic; whatever is accepted
    /// is a model of consistent shape with finite parameters.
    #[test]
    fn fuzz_damaged_files_never_panic() {
        let good = to_json(&Rbm::with_random_weights(3, 2, 0.5, &mut Rng::new(3)).expect("rbm"))
            .into_bytes();
        let mut rng = Rng::new(4);
        let alphabet = b"{}[]\":,.-+eE0123456789nvhwb \\\xff";
        let mut b = Vec::new();
        for _ in 0..20_000 {
            crate::fuzz::mutate(&good, alphabet, &mut rng, &mut b);
            if let Ok(m) = parse(&String::from_utf8_lossy(&b)) {
                assert_eq!(m.weights().len(), m.nv() * m.nh());
                assert!(m
                    .weights()
                    .iter()
                    .chain(m.visible_bias())
                    .chain(m.hidden_bias())
                    .all(|x| x.is_finite()));
            }
        }
    }
}
