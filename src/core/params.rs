//! The page's shareable state, as carried in the URL hash: `#lab?key=value&key=value`.
//!
//! Pure string handling (no browser types), so the parser is tested and fuzzed natively. Every
//! getter validates: a value that is missing falls back to the caller's default, and a value that
//! is malformed or out of range is reported with a message naming the key, never trusted.

use std::fmt;

/// Longest hash the parser accepts; anything longer is refused whole (a shared link never needs it).
pub const MAX_HASH_LEN: usize = 8192;
/// Most key=value pairs accepted.
pub const MAX_PAIRS: usize = 128;

/// Why a hash or one of its values was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamError {
    /// The whole hash is longer than [`MAX_HASH_LEN`] or has more than [`MAX_PAIRS`] pairs.
    TooLong,
    /// A value could not be read as the expected type.
    Malformed {
        /// The link key.
        key: String,
        /// The value given.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A value is a number but outside the allowed range (or not finite).
    OutOfRange {
        /// The link key.
        key: String,
        /// The value given.
        value: String,
        /// The smallest allowed value.
        min: f64,
        /// The largest allowed value.
        max: f64,
    },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong => write!(f, "the link's state is too long (over {MAX_HASH_LEN} characters or {MAX_PAIRS} settings); it was ignored"),
            Self::Malformed { key, value, expected } => {
                write!(f, "link setting {key}={value:?} is not {expected}; kept the current value")
            }
            Self::OutOfRange { key, value, min, max } => write!(
                f,
                "link setting {key}={value:?} is outside {min}…{max}; kept the current value"
            ),
        }
    }
}

impl std::error::Error for ParamError {}

/// A parsed hash: the lab's id and its settings, in order.
///
/// ```
/// use energy_core::params::Params;
/// let p = Params::parse("#hopfield?n=32&noise=0.3&seed=1")?;
/// assert_eq!(p.lab, "hopfield");
/// assert_eq!(p.u64_in("n", 8, 256)?, Some(32));
/// assert_eq!(p.f64_in("noise", 0.0, 1.0)?, Some(0.3));
/// assert_eq!(p.format(), "#hopfield?n=32&noise=0.3&seed=1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    /// The lab id (the part before `?`), lower-case ASCII letters, digits and `-` only.
    pub lab: String,
    pairs: Vec<(String, String)>,
}

impl Params {
    /// An empty state for `lab`.
    pub fn new(lab: &str) -> Self {
        Self {
            lab: lab.to_string(),
            pairs: Vec::new(),
        }
    }

    /// Parses `#lab?k=v&k=v` (the leading `#` optional). Unknown characters in the lab id make it
    /// empty; pairs without `=` are kept with an empty value; percent-escapes are decoded
    /// (invalid escapes are kept literally).
    pub fn parse(hash: &str) -> Result<Self, ParamError> {
        if hash.len() > MAX_HASH_LEN {
            return Err(ParamError::TooLong);
        }
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let hash = hash.strip_prefix('/').unwrap_or(hash);
        let (lab, query) = match hash.split_once('?') {
            Some((l, q)) => (l, q),
            None => (hash, ""),
        };
        // Lab ids are matched without regard to case (`#HOPFIELD` is the Hopfield lab).
        let lab = lab.to_ascii_lowercase();
        let lab = lab.as_str();
        let lab_ok = lab.len() <= 32
            && lab
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let mut p = Params {
            lab: if lab_ok {
                lab.to_string()
            } else {
                String::new()
            },
            pairs: Vec::new(),
        };
        for part in query.split('&').filter(|s| !s.is_empty()) {
            if p.pairs.len() >= MAX_PAIRS {
                return Err(ParamError::TooLong);
            }
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            p.set(&decode(k), &decode(v));
        }
        Ok(p)
    }

    /// Formats as `#lab?k=v&…`, percent-encoding what needs it.
    pub fn format(&self) -> String {
        let mut s = format!("#{}", self.lab);
        for (i, (k, v)) in self.pairs.iter().enumerate() {
            s.push(if i == 0 { '?' } else { '&' });
            s.push_str(&encode(k));
            s.push('=');
            s.push_str(&encode(v));
        }
        s
    }

    /// Sets (or replaces) a value.
    pub fn set(&mut self, key: &str, value: &str) {
        match self.pairs.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.to_string(),
            None => self.pairs.push((key.to_string(), value.to_string())),
        }
    }

    /// The raw value of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// All pairs, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// A finite number in `[min, max]`; `Ok(None)` when the key is absent.
    pub fn f64_in(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, ParamError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let x: f64 = v.trim().parse().map_err(|_| ParamError::Malformed {
            key: key.to_string(),
            value: v.to_string(),
            expected: "a number",
        })?;
        if !x.is_finite() || x < min || x > max {
            return Err(ParamError::OutOfRange {
                key: key.to_string(),
                value: v.to_string(),
                min,
                max,
            });
        }
        Ok(Some(x))
    }

    /// An integer in `[min, max]`; `Ok(None)` when the key is absent.
    pub fn u64_in(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, ParamError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let x: u64 = v.trim().parse().map_err(|_| ParamError::Malformed {
            key: key.to_string(),
            value: v.to_string(),
            expected: "a whole number",
        })?;
        if x < min || x > max {
            return Err(ParamError::OutOfRange {
                key: key.to_string(),
                value: v.to_string(),
                min: min as f64,
                max: max as f64,
            });
        }
        Ok(Some(x))
    }

    /// One of `choices`; `Ok(None)` when the key is absent.
    pub fn choice<'a>(
        &self,
        key: &str,
        choices: &[&'a str],
    ) -> Result<Option<&'a str>, ParamError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        choices
            .iter()
            .find(|c| **c == v)
            .map(|c| Some(*c))
            .ok_or_else(|| ParamError::Malformed {
                key: key.to_string(),
                value: v.to_string(),
                expected: "one of the listed options",
            })
    }

    /// A boolean written `1`/`0`; `Ok(None)` when the key is absent.
    pub fn flag(&self, key: &str) -> Result<Option<bool>, ParamError> {
        match self.get(key) {
            None => Ok(None),
            Some("1") | Some("true") => Ok(Some(true)),
            Some("0") | Some("false") => Ok(Some(false)),
            Some(v) => Err(ParamError::Malformed {
                key: key.to_string(),
                value: v.to_string(),
                expected: "0 or 1",
            }),
        }
    }
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b',' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn round_trip() {
        let mut p = Params::new("hopfield");
        p.set("seed", "42");
        p.set("name", "a b&c=d/é");
        let q = Params::parse(&p.format()).expect("parse");
        assert_eq!(p, q);
        assert_eq!(q.u64_in("seed", 0, u64::MAX), Ok(Some(42)));
    }

    #[test]
    fn validation_messages() {
        let p = Params::parse("#sampling?t=0&eps=1e9&n=abc&x=NaN&f=2").expect("parse");
        assert!(matches!(
            p.f64_in("t", 1e-3, 100.0),
            Err(ParamError::OutOfRange { .. })
        ));
        assert!(matches!(
            p.f64_in("eps", 0.0, 10.0),
            Err(ParamError::OutOfRange { .. })
        ));
        assert!(matches!(
            p.u64_in("n", 1, 10),
            Err(ParamError::Malformed { .. })
        ));
        assert!(matches!(
            p.f64_in("x", -1.0, 1.0),
            Err(ParamError::OutOfRange { .. })
        ));
        assert!(p.flag("f").is_err());
        assert_eq!(p.f64_in("missing", 0.0, 1.0), Ok(None));
        let msg = p.f64_in("t", 1e-3, 100.0).expect_err("range").to_string();
        assert!(msg.contains("t=\"0\""), "{msg}");
        assert_eq!(
            Params::parse(&"a".repeat(MAX_HASH_LEN + 1)),
            Err(ParamError::TooLong)
        );
        assert_eq!(Params::parse("#Bad Lab!?a=1").expect("parse").lab, "");
        assert_eq!(
            Params::parse("#HOPFIELD?n=8").expect("parse").lab,
            "hopfield"
        );
    }

    /// Property test over random byte strings: the parser never panics, and whatever it accepts
    /// formats to a string that parses back to the same state.
    #[test]
    fn fuzz_parse_never_panics_and_round_trips() {
        let mut rng = Rng::new(99);
        let alphabet: &[u8] = b"#?&=%+/abcAZ09-_.~ \x00\xff\xe2\x82\xac";
        for _ in 0..20_000 {
            let len = rng.below(64);
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let s = String::from_utf8_lossy(&bytes);
            if let Ok(p) = Params::parse(&s) {
                let again = Params::parse(&p.format()).expect("formatted state parses");
                assert_eq!(p, again, "input {s:?}");
                let _ = p.f64_in("a", 0.0, 1.0);
                let _ = p.u64_in("a", 0, 9);
            }
        }
    }
}
