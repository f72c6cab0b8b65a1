//! What every file format of the page shares: a JSON object tagged with `format` and
//! `version`, a size limit, and one error type whose messages name the kind of file. A file
//! that is too large, not JSON, of another format or of another version is refused here, before
//! a format looks at its fields.

use std::fmt;

use serde::de::DeserializeOwned;

/// A file format: what it is called in messages, its tag, version and size limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileKind {
    /// Named in messages, e.g. "Hopfield pattern library".
    pub noun: &'static str,
    /// The `format` tag the file must carry.
    pub tag: &'static str,
    /// The version this build writes and reads.
    pub version: u32,
    /// Largest file accepted (bytes).
    pub max_bytes: usize,
}

/// Why a file was refused; the message names the kind of file.
#[derive(Clone, Debug, PartialEq)]
pub enum FileError {
    /// Larger than the format's size limit.
    TooLarge {
        /// The size given, in bytes.
        bytes: usize,
        /// The largest allowed value.
        max: usize,
    },
    /// Not JSON, or not an object of the expected shape.
    Json {
        /// What kind of file (for the message).
        noun: &'static str,
        /// The parser's message.
        error: String,
    },
    /// Another format's tag.
    Format {
        /// What kind of file (for the message).
        noun: &'static str,
        /// The tag found.
        tag: String,
    },
    /// A version this build cannot read.
    Version {
        /// What kind of file (for the message).
        noun: &'static str,
        /// The version found.
        got: u32,
        /// The newest version this build reads.
        reads: u32,
    },
    /// A field is out of range or inconsistent.
    Invalid {
        /// What kind of file (for the message).
        noun: &'static str,
        /// What is wrong, in words.
        why: String,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { bytes, max } => {
                write!(f, "the file has {bytes} bytes; at most {max} are accepted")
            }
            Self::Json { noun, error } => write!(f, "not a {noun} (JSON error: {error})"),
            Self::Format { noun, tag } => write!(f, "not a {noun} (format {tag:?})"),
            Self::Version { noun, got, reads } => write!(
                f,
                "this {noun} is version {got}; this page reads version {reads}"
            ),
            Self::Invalid { noun, why } => write!(f, "invalid {noun}: {why}"),
        }
    }
}

impl std::error::Error for FileError {}

impl FileKind {
    /// Parses `text` as `T` after checking its size, then its tag and version (read from the
    /// parsed value by `envelope`).
    pub fn read<T: DeserializeOwned>(
        &self,
        text: &str,
        envelope: impl Fn(&T) -> (&str, u32),
    ) -> Result<T, FileError> {
        if text.len() > self.max_bytes {
            return Err(FileError::TooLarge {
                bytes: text.len(),
                max: self.max_bytes,
            });
        }
        let raw: T = serde_json::from_str(text).map_err(|e| FileError::Json {
            noun: self.noun,
            error: e.to_string(),
        })?;
        let (tag, version) = envelope(&raw);
        if tag != self.tag {
            return Err(FileError::Format {
                noun: self.noun,
                tag: tag.chars().take(60).collect(),
            });
        }
        if version != self.version {
            return Err(FileError::Version {
                noun: self.noun,
                got: version,
                reads: self.version,
            });
        }
        Ok(raw)
    }

    /// An "invalid field" error for this format.
    pub fn invalid(&self, why: impl Into<String>) -> FileError {
        FileError::Invalid {
            noun: self.noun,
            why: why.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct T {
        format: String,
        version: u32,
    }

    const KIND: FileKind = FileKind {
        noun: "test file",
        tag: "t",
        version: 2,
        max_bytes: 100,
    };

    fn read(s: &str) -> Result<T, FileError> {
        KIND.read(s, |t: &T| (t.format.as_str(), t.version))
    }

    #[test]
    fn envelope_checks_in_order() {
        assert!(read(r#"{"format":"t","version":2}"#).is_ok());
        assert!(matches!(
            read(&" ".repeat(101)),
            Err(FileError::TooLarge { .. })
        ));
        assert!(matches!(read("{"), Err(FileError::Json { .. })));
        assert!(matches!(
            read(r#"{"format":"x","version":2}"#),
            Err(FileError::Format { .. })
        ));
        let e = read(r#"{"format":"t","version":3}"#)
            .map(|_| ())
            .expect_err("version");
        assert_eq!(
            e.to_string(),
            "this test file is version 3; this page reads version 2"
        );
    }
}
