//! The data files the page ships (`www/data/`): the digits the RBM lab learns and the trained
//! models its scenes start from.
//!
//! Natively and in the tests they are built in (the crate feature `embedded-data`, on by
//! default). The page is built without that feature: the files are fetched beside it (about
//! 70 KB of its download, gzipped, that the other labs do not need inside the WebAssembly) and
//! handed over with [`provide`] before the labs are built; the benchmark module hands over the
//! one it needs from its own build. Until then the accessors say what is missing instead of
//! returning data.

use std::sync::OnceLock;

/// The files' names under `www/data/` (copied to `data/` beside the built page).
pub const FILES: [&str; 4] = [
    "digits8x8.bin",
    "rbm-digits.json",
    "rbm-labels.json",
    "rbm-dbn-top.json",
];

#[cfg(feature = "embedded-data")]
static EMBEDDED: Option<[&[u8]; 4]> = Some([
    include_bytes!("../../www/data/digits8x8.bin"),
    include_bytes!("../../www/data/rbm-digits.json"),
    include_bytes!("../../www/data/rbm-labels.json"),
    include_bytes!("../../www/data/rbm-dbn-top.json"),
]);
#[cfg(not(feature = "embedded-data"))]
static EMBEDDED: Option<[&[u8]; 4]> = None;

/// What [`provide`] was given, per file (kept for the life of the page).
static PROVIDED: [OnceLock<Vec<u8>>; 4] = [
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
];

/// True if the files are part of this build (nothing to fetch).
pub fn embedded() -> bool {
    EMBEDDED.is_some()
}

/// Hands over the contents of the file `name` (one of [`FILES`]); the first call for a file
/// wins (a later one changes nothing). The contents are checked where they are read: a
/// malformed file is an error there.
pub fn provide(name: &str, contents: Vec<u8>) -> Result<(), String> {
    let k = FILES
        .iter()
        .position(|&f| f == name)
        .ok_or_else(|| format!("{name} is not one of the data files ({})", FILES.join(", ")))?;
    let _ = PROVIDED[k].set(contents);
    Ok(())
}

fn bytes(k: usize) -> Result<&'static [u8], String> {
    if let Some(b) = PROVIDED[k].get() {
        return Ok(b);
    }
    EMBEDDED
        .map(|e| e[k])
        .ok_or_else(|| format!("the data file {} has not been loaded", FILES[k]))
}

fn text(k: usize) -> Result<&'static str, String> {
    std::str::from_utf8(bytes(k)?)
        .map_err(|_| format!("the data file {} is not UTF-8 text", FILES[k]))
}

/// `digits8x8.bin`: the UCI optical digits (format in [`crate::digits`]).
pub fn digits() -> Result<&'static [u8], String> {
    bytes(0)
}

/// `rbm-digits.json`: the trained digit RBM (64 × 64).
pub fn rbm_digits() -> Result<&'static str, String> {
    text(1)
}

/// `rbm-labels.json`: the trained label RBM (64 pixels + 10 label units, 64 hidden).
pub fn rbm_labels() -> Result<&'static str, String> {
    text(2)
}

/// `rbm-dbn-top.json`: the top RBM of the deep belief net (64 → 32).
pub fn rbm_dbn_top() -> Result<&'static str, String> {
    text(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "embedded-data")]
    #[test]
    fn built_in_files_read() {
        assert!(embedded());
        assert_eq!(&digits().expect("digits")[..4], b"DIG8");
        for json in [rbm_digits(), rbm_labels(), rbm_dbn_top()] {
            assert!(json.expect("json").starts_with('{'));
        }
    }

    #[test]
    fn unknown_names_refused() {
        let e = provide("other.bin", vec![1]).expect_err("unknown name");
        assert!(e.contains("not one of the data files"), "{e}");
    }
}
