//! The Hopfield lab's file format (JSON), used for export/import and for the page's saved
//! library in browser storage. Versioned; every field is validated on reading, so a damaged,
//! foreign or hostile file is refused with a message and changes nothing.
//!
//! ```json
//! {"format": "energy-playground/hopfield", "version": 1, "side": 16, "rule": "hebbian",
//!  "memories": [{"label": "A", "bits": "0011…"}], "drawing": "0101…",
//!  "weights": [0.0, 0.5, …]}
//! ```
//! `bits` holds one character per neuron, row-major, `1` for +1 and `0` for −1. `weights`
//! (row-major N×N) is written for inspection when N ≤ 1024 and ignored on reading: W is rebuilt
//! from the memories with `rule`.

use serde::{Deserialize, Serialize};

/// The `format` tag.
pub const FORMAT: &str = "energy-playground/hopfield";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;
/// Largest file accepted (bytes).
pub const MAX_BYTES: usize = 16 << 20;
/// Most memories in a file.
pub const MAX_MEMORIES: usize = 64;
/// Largest grid side.
pub const MAX_SIDE: usize = 256;

pub use crate::files::FileError;
use crate::files::FileKind;

/// The library format.
pub const KIND: FileKind = FileKind {
    noun: "Hopfield pattern library",
    tag: FORMAT,
    version: VERSION,
    max_bytes: MAX_BYTES,
};

#[derive(Serialize, Deserialize)]
struct RawMemory {
    label: String,
    bits: String,
}

#[derive(Serialize, Deserialize)]
struct Raw {
    format: String,
    version: u32,
    side: usize,
    #[serde(default)]
    rule: String,
    memories: Vec<RawMemory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    drawing: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weights: Option<Vec<f32>>,
}

/// A validated library.
#[derive(Clone, Debug, PartialEq)]
pub struct Library {
    /// Grid side (the patterns are `side × side`).
    pub side: usize,
    /// The learning rule's name as the page's URL writes it (e.g. `hebbian`); may be empty.
    pub rule: String,
    /// (label, ±1 pattern) pairs.
    pub memories: Vec<(String, Vec<i8>)>,
    /// The grid's drawing, if saved.
    pub drawing: Option<Vec<i8>>,
}

fn bits_of(s: &str, n: usize, what: &str) -> Result<Vec<i8>, FileError> {
    if s.len() != n {
        return Err(KIND.invalid(format!("{what} has {} cells, expected {n}", s.len())));
    }
    s.bytes()
        .map(|b| match b {
            b'1' => Ok(1),
            b'0' => Ok(-1),
            _ => Err(KIND.invalid(format!("{what} may hold only 0 and 1"))),
        })
        .collect()
}

fn string_of(y: &[i8]) -> String {
    y.iter().map(|&v| if v > 0 { '1' } else { '0' }).collect()
}

/// Reads and validates a library.
pub fn parse(text: &str) -> Result<Library, FileError> {
    let raw: Raw = KIND.read(text, |r: &Raw| (r.format.as_str(), r.version))?;
    if !(2..=MAX_SIDE).contains(&raw.side) {
        return Err(KIND.invalid(format!("side {} is outside 2…{MAX_SIDE}", raw.side)));
    }
    if raw.memories.len() > MAX_MEMORIES {
        return Err(KIND.invalid(format!(
            "{} memories; at most {MAX_MEMORIES}",
            raw.memories.len()
        )));
    }
    if raw.rule.len() > 16
        || !raw
            .rule
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(KIND.invalid("the rule name is not one of the page's"));
    }
    let n = raw.side * raw.side;
    let mut memories = Vec::with_capacity(raw.memories.len());
    for (k, m) in raw.memories.iter().enumerate() {
        let label: String = m
            .label
            .chars()
            .filter(|c| !c.is_control())
            .take(24)
            .collect();
        let label = if label.trim().is_empty() {
            format!("#{}", k + 1)
        } else {
            label
        };
        memories.push((label, bits_of(&m.bits, n, &format!("memory {}", k + 1))?));
    }
    let drawing = raw
        .drawing
        .as_deref()
        .map(|d| bits_of(d, n, "the drawing"))
        .transpose()?;
    Ok(Library {
        side: raw.side,
        rule: raw.rule,
        memories,
        drawing,
    })
}

/// Writes a library; `weights` (row-major N×N) is included when given.
pub fn to_json(lib: &Library, weights: Option<&[f32]>) -> String {
    let raw = Raw {
        format: FORMAT.into(),
        version: VERSION,
        side: lib.side,
        rule: lib.rule.clone(),
        memories: lib
            .memories
            .iter()
            .map(|(l, y)| RawMemory {
                label: l.clone(),
                bits: string_of(y),
            })
            .collect(),
        drawing: lib.drawing.as_deref().map(string_of),
        weights: weights.map(<[f32]>::to_vec),
    };
    serde_json::to_string(&raw).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn sample() -> Library {
        Library {
            side: 3,
            rule: "hebbian".into(),
            memories: vec![
                ("A".into(), vec![1, -1, 1, -1, 1, -1, 1, -1, 1]),
                ("<b>x</b>".into(), vec![-1; 9]),
            ],
            drawing: Some(vec![1; 9]),
        }
    }

    #[test]
    fn round_trip_and_weights_ignored_on_read() {
        let lib = sample();
        let text = to_json(&lib, Some(&[0.5; 81]));
        assert_eq!(parse(&text), Ok(lib));
    }

    #[test]
    fn refuses_bad_files_with_messages() {
        let good = to_json(&sample(), None);
        assert!(matches!(parse("not json"), Err(FileError::Json { .. })));
        assert!(matches!(
            parse(&good.replace("energy-playground/hopfield", "x")),
            Err(FileError::Format { .. })
        ));
        assert!(matches!(
            parse(&good.replace("\"version\":1", "\"version\":9")),
            Err(FileError::Version { got: 9, .. })
        ));
        assert!(matches!(
            parse(&good.replace("\"side\":3", "\"side\":4")),
            Err(FileError::Invalid { .. })
        ));
        assert!(matches!(
            parse(&good.replace("\"side\":3", "\"side\":100000")),
            Err(FileError::Invalid { .. })
        ));
        assert!(matches!(
            parse(&good.replace("101010101", "10101010x")),
            Err(FileError::Invalid { .. })
        ));
        assert!(matches!(
            parse(&good.replace("\"side\":3", "\"side\":NaN")),
            Err(FileError::Json { .. })
        ));
        let msg = parse(&good.replace("\"version\":1", "\"version\":9"))
            .expect_err("v9")
            .to_string();
        assert!(msg.contains("version 9"), "{msg}");
    }

    /// Property test over damaged files: random byte edits of a valid file never panic, and
    /// whatever is accepted is valid (right sizes, ±1 only).
    #[test]
    fn fuzz_damaged_files_never_panic() {
        let good = to_json(&sample(), None).into_bytes();
        let mut rng = Rng::new(17);
        let alphabet = b"{}[]\":,01-9aAvsx \\\xff";
        let mut accepted = 0;
        let mut b = Vec::new();
        for _ in 0..20_000 {
            crate::fuzz::mutate(&good, alphabet, &mut rng, &mut b);
            if let Ok(lib) = parse(&String::from_utf8_lossy(&b)) {
                accepted += 1;
                let n = lib.side * lib.side;
                assert!(lib
                    .memories
                    .iter()
                    .all(|(_, y)| y.len() == n && y.iter().all(|v| v.abs() == 1)));
            }
        }
        assert!(
            accepted > 0,
            "some harmless edits (e.g. in a label) are accepted"
        );
    }
}
