//! The shipped handwritten-digits set: parser, binarisation and a seeded train/held-out split.
//!
//! The bytes are `www/data/digits8x8.bin`: the 1797 images of the UCI "Optical Recognition of
//! Handwritten Digits" test set (E. Alpaydin & C. Kaynak 1998, CC BY 4.0, DOI 10.24432/C50P49),
//! 8×8 pixels with grey levels 0..=16, labels 0..=9. The format (written by
//! `scripts/make_digits.py`, all integers little-endian):
//!
//! | offset | size | content                                                       |
//! |--------|------|---------------------------------------------------------------|
//! | 0      | 4    | magic `b"DIG8"`                                               |
//! | 4      | 1    | version = 1                                                   |
//! | 5      | 1    | width (1..=64)                                                |
//! | 6      | 1    | height (1..=64)                                               |
//! | 7      | 1    | max pixel value (1..=255; 16 for the shipped file)            |
//! | 8      | 4    | count N (≥ 1)                                                 |
//! | 12     | N·(1+w·h) | per image: label byte (0..=9), then w·h pixels, row-major |
//! | end    | 4    | FNV-1a 32-bit hash of every preceding byte                    |
//!
//! Parsing never panics: any truncation, stray byte, out-of-range value or hash mismatch is a
//! [`DigitsError`] whose `Display` says what is wrong.

use std::fmt;

use crate::rng::Rng;

/// The file's magic number.
pub const MAGIC: [u8; 4] = *b"DIG8";
/// The only format version this parser reads.
pub const VERSION: u8 = 1;
/// Number of classes (digits 0..=9).
pub const CLASSES: usize = 10;
/// Header bytes before the first record.
pub const HEADER_LEN: usize = 12;
/// Trailing hash bytes.
pub const TRAILER_LEN: usize = 4;
/// Largest accepted image side.
pub const MAX_SIDE: usize = 64;

/// What is wrong with a digits file or a request on it.
#[derive(Clone, Debug, PartialEq)]
pub enum DigitsError {
    /// Fewer bytes than a header and trailer need.
    TooShort {
        /// Bytes given.
        got: usize,
        /// Bytes needed at least.
        need: usize,
    },
    /// The first four bytes are not `DIG8`.
    BadMagic {
        /// The first four bytes.
        got: [u8; 4],
    },
    /// A format version this parser does not know.
    UnsupportedVersion {
        /// The version byte found.
        got: u8,
    },
    /// Width, height, max value or count is zero or too large.
    BadHeader {
        /// Which header field.
        field: &'static str,
        /// The value given.
        value: usize,
    },
    /// The byte length disagrees with what the header announces.
    Length {
        /// What was expected.
        expected: usize,
        /// What was given.
        got: usize,
    },
    /// A label outside 0..=9.
    BadLabel {
        /// Index of the image.
        image: usize,
        /// The value given.
        value: u8,
    },
    /// A pixel above the header's max value.
    BadPixel {
        /// Index of the image.
        image: usize,
        /// Index of the pixel within the image.
        pixel: usize,
        /// The value given.
        value: u8,
        /// The largest allowed value.
        max: u8,
    },
    /// The trailing hash does not match the content (corrupted or edited file).
    Checksum {
        /// The checksum stored in the file.
        stored: u32,
        /// The checksum of the content.
        computed: u32,
    },
    /// A split fraction outside (0, 1) or one that leaves a side empty.
    BadFraction {
        /// The value given.
        value: f64,
    },
    /// A binarisation threshold outside 1..=max.
    BadThreshold {
        /// The value given.
        value: u8,
        /// The largest allowed value.
        max: u8,
    },
}

impl fmt::Display for DigitsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort { got, need } => write!(
                f,
                "digits file is too short: {got} bytes, a valid file has at least {need}"
            ),
            Self::BadMagic { got } => write!(
                f,
                "not a digits file: it should start with \"DIG8\", found bytes {got:?}"
            ),
            Self::UnsupportedVersion { got } => write!(
                f,
                "digits file version {got} is not supported (this reader knows version {VERSION})"
            ),
            Self::BadHeader { field, value } => {
                write!(f, "digits file header: {field} = {value} is not allowed")
            }
            Self::Length { expected, got } => write!(
                f,
                "digits file has {got} bytes but its header announces {expected} (truncated or padded)"
            ),
            Self::BadLabel { image, value } => {
                write!(f, "image {image} has label {value}; labels must be 0..=9")
            }
            Self::BadPixel {
                image,
                pixel,
                value,
                max,
            } => write!(
                f,
                "image {image}, pixel {pixel} has value {value}; pixels must be 0..={max}"
            ),
            Self::Checksum { stored, computed } => write!(
                f,
                "digits file is corrupted: stored hash {stored:#010x}, content hashes to {computed:#010x}"
            ),
            Self::BadFraction { value } => write!(
                f,
                "held-out fraction must be in (0, 1) and leave both sides non-empty, got {value}"
            ),
            Self::BadThreshold { value, max } => write!(
                f,
                "binarisation threshold must be in 1..={max}, got {value}"
            ),
        }
    }
}

impl std::error::Error for DigitsError {}

/// FNV-1a 32-bit hash (Fowler, Noll & Vo), the file's integrity check.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// A parsed, validated set of labelled grey-level images.
#[derive(Clone, Debug, PartialEq)]
pub struct Digits {
    width: usize,
    height: usize,
    max_value: u8,
    labels: Vec<u8>,
    /// `len × (width·height)`, row-major per image.
    pixels: Vec<u8>,
}

/// A partition of image indices into a training part and a held-out part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// Indices of the training images (in shuffled order).
    pub train: Vec<usize>,
    /// Indices of the held-out images (in shuffled order).
    pub held_out: Vec<usize>,
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    for (k, x) in b.iter_mut().enumerate() {
        *x = bytes.get(at + k).copied().unwrap_or(0);
    }
    u32::from_le_bytes(b)
}

impl Digits {
    /// Parses and validates the bytes of a digits file (format in the module docs).
    pub fn parse(bytes: &[u8]) -> Result<Self, DigitsError> {
        let need = HEADER_LEN + TRAILER_LEN;
        if bytes.len() < need {
            return Err(DigitsError::TooShort {
                got: bytes.len(),
                need,
            });
        }
        let magic = [bytes[0], bytes[1], bytes[2], bytes[3]];
        if magic != MAGIC {
            return Err(DigitsError::BadMagic { got: magic });
        }
        if bytes[4] != VERSION {
            return Err(DigitsError::UnsupportedVersion { got: bytes[4] });
        }
        let width = usize::from(bytes[5]);
        let height = usize::from(bytes[6]);
        let max_value = bytes[7];
        let count = read_u32(bytes, 8) as usize;
        for (field, value, max) in [
            ("width", width, MAX_SIDE),
            ("height", height, MAX_SIDE),
            ("max value", usize::from(max_value), 255),
            ("count", count, 1 << 24),
        ] {
            if value == 0 || value > max {
                return Err(DigitsError::BadHeader { field, value });
            }
        }
        let record = 1 + width * height;
        let expected = HEADER_LEN + count * record + TRAILER_LEN;
        if bytes.len() != expected {
            return Err(DigitsError::Length {
                expected,
                got: bytes.len(),
            });
        }
        let body_end = expected - TRAILER_LEN;
        let stored = read_u32(bytes, body_end);
        let computed = fnv1a32(&bytes[..body_end]);
        if stored != computed {
            return Err(DigitsError::Checksum { stored, computed });
        }
        let mut labels = Vec::with_capacity(count);
        let mut pixels = Vec::with_capacity(count * (record - 1));
        for (image, rec) in bytes[HEADER_LEN..body_end].chunks_exact(record).enumerate() {
            let label = rec[0];
            if usize::from(label) >= CLASSES {
                return Err(DigitsError::BadLabel {
                    image,
                    value: label,
                });
            }
            if let Some(pixel) = rec[1..].iter().position(|&p| p > max_value) {
                return Err(DigitsError::BadPixel {
                    image,
                    pixel,
                    value: rec[1 + pixel],
                    max: max_value,
                });
            }
            labels.push(label);
            pixels.extend_from_slice(&rec[1..]);
        }
        Ok(Self {
            width,
            height,
            max_value,
            labels,
            pixels,
        })
    }

    /// Encodes images into the file format (the inverse of [`Digits::parse`]).
    /// `pixels` is `labels.len() × (width·height)`; the same validation as `parse` applies.
    pub fn encode(
        width: usize,
        height: usize,
        max_value: u8,
        labels: &[u8],
        pixels: &[u8],
    ) -> Result<Vec<u8>, DigitsError> {
        let count = labels.len();
        for (field, value, max) in [
            ("width", width, MAX_SIDE),
            ("height", height, MAX_SIDE),
            ("max value", usize::from(max_value), 255),
            ("count", count, 1 << 24),
        ] {
            if value == 0 || value > max {
                return Err(DigitsError::BadHeader { field, value });
            }
        }
        if pixels.len() != count * width * height {
            return Err(DigitsError::Length {
                expected: count * width * height,
                got: pixels.len(),
            });
        }
        let mut out = Vec::with_capacity(HEADER_LEN + count * (1 + width * height) + TRAILER_LEN);
        out.extend_from_slice(&MAGIC);
        // The header fields were range-checked above, so these narrowings are exact.
        out.extend_from_slice(&[VERSION, width as u8, height as u8, max_value]);
        out.extend_from_slice(&(count as u32).to_le_bytes());
        for (label, img) in labels.iter().zip(pixels.chunks_exact(width * height)) {
            out.push(*label);
            out.extend_from_slice(img);
        }
        let h = fnv1a32(&out);
        out.extend_from_slice(&h.to_le_bytes());
        // Validate labels and pixels by the one code path that defines them.
        Self::parse(&out)?;
        Ok(out)
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Always false for a parsed file (count ≥ 1); present for API completeness.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Image width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Image height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Pixels per image (width·height).
    pub fn pixels_per_image(&self) -> usize {
        self.width * self.height
    }

    /// Largest grey level (16 for the shipped file).
    pub fn max_value(&self) -> u8 {
        self.max_value
    }

    /// All labels, one per image.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// All pixels, `len × pixels_per_image`, row-major per image.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The label of image `i`, or `None` if `i ≥ len`.
    pub fn label(&self, i: usize) -> Option<u8> {
        self.labels.get(i).copied()
    }

    /// The grey levels of image `i`, or `None` if `i ≥ len`.
    pub fn image(&self, i: usize) -> Option<&[u8]> {
        let p = self.pixels_per_image();
        self.pixels.get(i * p..(i + 1) * p)
    }

    /// All images as 0/1 values: pixel ≥ `threshold` → 1.0, else 0.0 (`len × pixels_per_image`).
    /// `threshold` must be in 1..=max value; 8 (half of 16) is the usual choice.
    pub fn binarized(&self, threshold: u8) -> Result<Vec<f32>, DigitsError> {
        if threshold == 0 || threshold > self.max_value {
            return Err(DigitsError::BadThreshold {
                value: threshold,
                max: self.max_value,
            });
        }
        Ok(self
            .pixels
            .iter()
            .map(|&p| if p >= threshold { 1.0 } else { 0.0 })
            .collect())
    }

    /// All images scaled to [0, 1] (grey level / max value).
    pub fn scaled(&self) -> Vec<f32> {
        let m = f32::from(self.max_value);
        self.pixels.iter().map(|&p| f32::from(p) / m).collect()
    }

    /// A deterministic random split: shuffles the indices with `Rng::new(seed)` and puts the
    /// first `round(held_out_fraction · len)` of them in `held_out`. The fraction must be in
    /// (0, 1) and leave both sides non-empty.
    pub fn split(&self, held_out_fraction: f64, seed: u64) -> Result<Split, DigitsError> {
        let n = self.len();
        if !(held_out_fraction > 0.0 && held_out_fraction < 1.0) {
            return Err(DigitsError::BadFraction {
                value: held_out_fraction,
            });
        }
        let k = (held_out_fraction * n as f64).round() as usize;
        if k == 0 || k >= n {
            return Err(DigitsError::BadFraction {
                value: held_out_fraction,
            });
        }
        let mut idx: Vec<usize> = (0..n).collect();
        Rng::new(seed).shuffle(&mut idx);
        let train = idx.split_off(k);
        Ok(Split {
            train,
            held_out: idx,
        })
    }
}

/// Copies the rows `indices` of a row-major `rows × width` matrix into a new flat buffer
/// (e.g. the binarised training images of a [`Split`]). Out-of-range indices are skipped.
pub fn gather_rows<T: Copy>(data: &[T], width: usize, indices: &[usize]) -> Vec<T> {
    let mut out = Vec::with_capacity(indices.len() * width);
    for &i in indices {
        if let Some(row) = data.get(i * width..(i + 1) * width) {
            out.extend_from_slice(row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Vec<u8> {
        // Two 2×3 images.
        Digits::encode(2, 3, 16, &[3, 9], &[0, 1, 2, 3, 4, 16, 16, 8, 7, 0, 0, 1])
            .expect("valid tiny file")
    }

    #[test]
    fn round_trip() {
        let d = Digits::parse(&tiny()).expect("parses");
        assert_eq!(d.len(), 2);
        assert_eq!((d.width(), d.height()), (2, 3));
        assert_eq!(d.label(1), Some(9));
        assert_eq!(d.image(0), Some(&[0u8, 1, 2, 3, 4, 16][..]));
        assert_eq!(d.image(2), None);
        let b = d.binarized(8).expect("threshold ok");
        assert_eq!(b, vec![0., 0., 0., 0., 0., 1., 1., 1., 0., 0., 0., 0.]);
        assert!(d.binarized(0).is_err());
        assert!(d.binarized(17).is_err());
    }

    #[test]
    fn rejects_every_truncation_and_garbage() {
        let good = tiny();
        for cut in 0..good.len() {
            let e = Digits::parse(&good[..cut]).expect_err("truncated must fail");
            assert!(!e.to_string().is_empty());
        }
        let mut padded = good.clone();
        padded.push(0);
        assert!(matches!(
            Digits::parse(&padded),
            Err(DigitsError::Length { .. })
        ));
        // Flipping any single byte is caught (magic, version, header, label, pixel or hash).
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x40;
            assert!(Digits::parse(&bad).is_err(), "flip at byte {i} accepted");
        }
        let garbage: Vec<u8> = (0..500u32).map(|i| (i * 37 % 251) as u8).collect();
        assert!(matches!(
            Digits::parse(&garbage),
            Err(DigitsError::BadMagic { .. })
        ));
    }

    #[test]
    fn rejects_out_of_range_values_with_clear_messages() {
        let e = Digits::encode(1, 1, 16, &[10], &[0]).expect_err("label 10");
        assert_eq!(e.to_string(), "image 0 has label 10; labels must be 0..=9");
        let e = Digits::encode(1, 2, 16, &[1], &[0, 17]).expect_err("pixel 17");
        assert_eq!(
            e.to_string(),
            "image 0, pixel 1 has value 17; pixels must be 0..=16"
        );
        assert!(Digits::encode(0, 2, 16, &[1], &[]).is_err());
        // A correct hash over a bad pixel still fails on the pixel.
        let mut raw = tiny();
        raw[HEADER_LEN + 1] = 200;
        let n = raw.len() - TRAILER_LEN;
        let h = fnv1a32(&raw[..n]);
        raw[n..].copy_from_slice(&h.to_le_bytes());
        assert!(matches!(
            Digits::parse(&raw),
            Err(DigitsError::BadPixel { value: 200, .. })
        ));
    }

    #[test]
    fn split_is_deterministic_and_a_partition() {
        let labels: Vec<u8> = (0..50).map(|i| (i % 10) as u8).collect();
        let pixels = vec![0u8; 50 * 4];
        let d = Digits::parse(&Digits::encode(2, 2, 16, &labels, &pixels).expect("ok"))
            .expect("parses");
        let a = d.split(0.2, 7).expect("ok");
        let b = d.split(0.2, 7).expect("ok");
        assert_eq!(a, b);
        assert_eq!(a.held_out.len(), 10);
        let mut all: Vec<usize> = a.train.iter().chain(&a.held_out).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..50).collect::<Vec<_>>());
        assert_ne!(d.split(0.2, 8).expect("ok"), a);
        for f in [0.0, 1.0, f64::NAN, -0.1, 0.001] {
            assert!(d.split(f, 1).is_err(), "fraction {f}");
        }
    }
}
