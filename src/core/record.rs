//! Recording a run: the animated-GIF encoder behind the shell's "Record" control, the capture
//! clock and the file name. No browser here: the shell hands in RGBA frames (read from the lab's
//! main picture) with their capture times, and calls [`GifRecording::encode_for`] once per
//! animation frame with a small time budget, so encoding never freezes the page.
//!
//! Each frame gets its own palette (a GIF local colour table): the exact colours when a frame
//! has at most 256 of them (pixel grids, the Ising lattice), otherwise 256 colours found by
//! median cut over the colours at 5 bits per channel (heatmaps with dots). Frame delays come from the capture times, so the GIF plays at the speed it was
//! recorded. Colours are composited over white (a transparent pixel is white).
//!
//! ```
//! use energy_core::record::GifRecording;
//! let mut rec = GifRecording::new(2, 1, 10.0).expect("test input is valid");
//! rec.push_frame(&[0, 0, 0, 255, 255, 255, 255, 255], 0.0).expect("test input is valid"); // black, white
//! rec.push_frame(&[255, 255, 255, 255, 0, 0, 0, 255], 100.0).expect("test input is valid"); // white, black
//! let gif = rec.finish().expect("test input is valid");
//! assert_eq!(&gif[..6], b"GIF89a");
//! ```

use std::collections::VecDeque;
use std::fmt;

use gif::{Encoder, Frame, Repeat};

/// Why a recording cannot go on.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordError {
    /// Width or height is 0 or above 65 535 (the GIF format's limit).
    BadSize {
        /// Frame width in pixels.
        width: usize,
        /// Frame height in pixels.
        height: usize,
    },
    /// The frame rate is not a finite number in 1 ..= 60.
    BadFrameRate(f64),
    /// A frame's buffer is not `width × height × 4` bytes of RGBA.
    BadFrame {
        /// Bytes expected.
        expected: usize,
        /// Bytes given.
        got: usize,
    },
    /// The encoder failed (it writes to memory, so this means a bug).
    Encode(String),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::BadSize { width, height } => {
                write!(f, "a GIF frame of {width}×{height} pixels is not possible")
            }
            RecordError::BadFrameRate(r) => write!(f, "frame rate {r} is not in 1 … 60 fps"),
            RecordError::BadFrame { expected, got } => {
                write!(f, "frame has {got} bytes of RGBA, expected {expected}")
            }
            RecordError::Encode(e) => write!(f, "GIF encoding failed: {e}"),
        }
    }
}

impl std::error::Error for RecordError {}

impl From<gif::EncodingError> for RecordError {
    fn from(e: gif::EncodingError) -> Self {
        RecordError::Encode(e.to_string())
    }
}

/// An animated GIF being recorded: frames queue up as they are captured and are encoded one at
/// a time, so the caller decides how much work runs per animation frame.
pub struct GifRecording {
    width: u16,
    height: u16,
    /// Nominal frame interval in ms (the last frame's delay).
    interval_ms: f64,
    encoder: Encoder<Vec<u8>>,
    /// Captured frames not yet encoded, with their capture times (ms).
    queue: VecDeque<(Vec<u8>, f64)>,
    captured: usize,
    encoded: usize,
    /// The capture time of the first frame, and the last one's (ms).
    first_t: Option<f64>,
    last_t: f64,
    /// Centiseconds already given out as delays (delays follow the capture clock exactly).
    written_cs: u64,
    quant: Quantizer,
}

impl GifRecording {
    /// A recording of `width × height` frames captured at about `fps` frames per second
    /// (1 ..= 60); the GIF loops forever.
    pub fn new(width: usize, height: usize, fps: f64) -> Result<Self, RecordError> {
        if width == 0 || height == 0 || width > 65_535 || height > 65_535 {
            return Err(RecordError::BadSize { width, height });
        }
        if !fps.is_finite() || !(1.0..=60.0).contains(&fps) {
            return Err(RecordError::BadFrameRate(fps));
        }
        let mut encoder = Encoder::new(Vec::new(), width as u16, height as u16, &[])?;
        encoder.set_repeat(Repeat::Infinite)?;
        Ok(Self {
            width: width as u16,
            height: height as u16,
            interval_ms: 1000.0 / fps,
            encoder,
            queue: VecDeque::new(),
            captured: 0,
            encoded: 0,
            first_t: None,
            last_t: 0.0,
            written_cs: 0,
            quant: Quantizer::new(),
        })
    }

    /// Frame width and height in pixels.
    pub fn size(&self) -> (usize, usize) {
        (self.width.into(), self.height.into())
    }

    /// Queues one frame (`width × height` RGBA bytes, row-major) captured at `t_ms`.
    pub fn push_frame(&mut self, rgba: &[u8], t_ms: f64) -> Result<(), RecordError> {
        let expected = usize::from(self.width) * usize::from(self.height) * 4;
        if rgba.len() != expected {
            return Err(RecordError::BadFrame {
                expected,
                got: rgba.len(),
            });
        }
        let t = if t_ms.is_finite() {
            t_ms.max(self.last_t)
        } else {
            self.last_t
        };
        self.first_t.get_or_insert(t);
        self.last_t = t;
        self.queue.push_back((rgba.to_vec(), t));
        self.captured += 1;
        Ok(())
    }

    /// Frames captured so far.
    pub fn captured(&self) -> usize {
        self.captured
    }

    /// Frames encoded so far.
    pub fn encoded(&self) -> usize {
        self.encoded
    }

    /// Recorded time in seconds: from the first capture to the end of the last frame.
    pub fn duration_s(&self) -> f64 {
        match self.first_t {
            Some(t0) => (self.last_t - t0 + self.interval_ms) / 1000.0,
            None => 0.0,
        }
    }

    /// Encodes one queued frame if its delay is known (the next frame has been captured);
    /// returns whether it did.
    pub fn encode_next(&mut self) -> Result<bool, RecordError> {
        if self.queue.len() < 2 {
            return Ok(false);
        }
        let next_t = self.queue[1].1;
        self.encode_front(next_t)?;
        Ok(true)
    }

    /// Encodes queued frames until `budget_ms` has passed by the clock `now` (in ms), at least
    /// one if one is ready; returns how many it encoded. Call it once per animation frame.
    pub fn encode_for(
        &mut self,
        budget_ms: f64,
        now: &mut dyn FnMut() -> f64,
    ) -> Result<usize, RecordError> {
        let start = now();
        let mut n = 0;
        while self.encode_next()? {
            n += 1;
            if now() - start >= budget_ms {
                break;
            }
        }
        Ok(n)
    }

    /// Encodes every queued frame (the last one shown for one nominal interval) and returns the
    /// GIF file's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, RecordError> {
        while self.encode_next()? {}
        if !self.queue.is_empty() {
            let end = self.last_t + self.interval_ms;
            self.encode_front(end)?;
        }
        Ok(self.encoder.into_inner()?)
    }

    /// Encodes the frame at the front of the queue, shown until `until_ms`.
    fn encode_front(&mut self, until_ms: f64) -> Result<(), RecordError> {
        let Some((rgba, _)) = self.queue.pop_front() else {
            return Ok(());
        };
        let t0 = self.first_t.unwrap_or(0.0);
        // Delays in centiseconds follow the capture clock: each frame ends at the rounded time
        // of the next capture, so rounding errors never add up.
        let end_cs = ((until_ms - t0) / 10.0).round().max(0.0) as u64;
        let delay = end_cs.saturating_sub(self.written_cs).clamp(2, 65_535);
        self.written_cs += delay;
        let (palette, indices) = self.quant.quantize(&rgba);
        let mut frame = Frame::from_palette_pixels(
            self.width,
            self.height,
            indices.as_slice(),
            palette.as_slice(),
            None,
        );
        frame.delay = delay as u16;
        self.encoder.write_frame(&frame)?;
        self.encoded += 1;
        Ok(())
    }
}

/// The GIF size for a picture of `w × h` pixels: scaled down (aspect kept) so the longer side
/// is at most `max_side`, never up; at least 1 × 1.
pub fn fit_size(w: usize, h: usize, max_side: usize) -> (usize, usize) {
    let (w, h, m) = (w.max(1), h.max(1), max_side.max(1));
    let long = w.max(h);
    if long <= m {
        return (w, h);
    }
    let s = m as f64 / long as f64;
    (
        ((w as f64 * s).round() as usize).max(1),
        ((h as f64 * s).round() as usize).max(1),
    )
}

/// Builds a palette of at most 256 colours for each frame and the frame's indices. Its buffers
/// are kept between frames.
struct Quantizer {
    /// Open-addressed table of exact colours (0 = empty, else `rgb + 1`) and their index.
    keys: Vec<u32>,
    vals: Vec<u8>,
    /// Counts per 5-bit-per-channel bin (32 768 bins), and each used bin's palette index.
    bins: Vec<u32>,
    lookup: Vec<u16>,
    palette: Vec<u8>,
    indices: Vec<u8>,
}

const TABLE: usize = 1024;

impl Quantizer {
    fn new() -> Self {
        Self {
            keys: vec![0; TABLE],
            vals: vec![0; TABLE],
            bins: Vec::new(),
            lookup: Vec::new(),
            palette: Vec::with_capacity(768),
            indices: Vec::new(),
        }
    }

    /// The palette (RGB triples) and one index per pixel.
    fn quantize(&mut self, rgba: &[u8]) -> (&Vec<u8>, &Vec<u8>) {
        self.indices.clear();
        self.indices.reserve(rgba.len() / 4);
        if !self.exact(rgba) {
            self.median_cut(rgba);
        }
        (&self.palette, &self.indices)
    }

    /// The exact colours, if there are at most 256; false (and nothing kept) otherwise.
    fn exact(&mut self, rgba: &[u8]) -> bool {
        self.keys.fill(0);
        self.palette.clear();
        for px in rgba.chunks_exact(4) {
            let c = over_white(px);
            let key = c + 1;
            // Fibonacci hashing into the table; linear probing.
            let mut slot = (key.wrapping_mul(2_654_435_769) >> 22) as usize % TABLE;
            loop {
                let k = self.keys[slot];
                if k == key {
                    self.indices.push(self.vals[slot]);
                    break;
                }
                if k == 0 {
                    let n = self.palette.len() / 3;
                    if n == 256 {
                        self.indices.clear();
                        return false;
                    }
                    self.keys[slot] = key;
                    self.vals[slot] = n as u8;
                    self.palette
                        .extend_from_slice(&[(c >> 16) as u8, (c >> 8) as u8, c as u8]);
                    self.indices.push(n as u8);
                    break;
                }
                slot = (slot + 1) % TABLE;
            }
        }
        true
    }

    /// Median cut over the 5-bit colour histogram: the box with the widest channel range is
    /// split at its pixel-weighted median along that channel until there are 256 boxes; each
    /// box's colour is its pixels' mean, and every pixel takes its box's colour.
    fn median_cut(&mut self, rgba: &[u8]) {
        self.bins.clear();
        self.bins.resize(1 << 15, 0);
        for px in rgba.chunks_exact(4) {
            self.bins[bin(over_white(px))] += 1;
        }
        let mut used: Vec<(usize, u32)> = (0..1 << 15)
            .filter(|&b| self.bins[b] > 0)
            .map(|b| (b, self.bins[b]))
            .collect();
        let channel = |b: usize, k: usize| (b >> (10 - 5 * k)) & 31;
        // Boxes as ranges of `used`; each split sorts its range along the widest channel.
        let mut boxes: Vec<(usize, usize)> = vec![(0, used.len())];
        while boxes.len() < 256 {
            let widest = boxes
                .iter()
                .enumerate()
                .filter(|(_, (a, b))| b - a > 1)
                .map(|(i, &(a, b))| {
                    let (k, extent) = (0..3)
                        .map(|k| {
                            let vals = used[a..b].iter().map(|&(bn, _)| channel(bn, k));
                            let (lo, hi) = vals.fold((31, 0), |(lo, hi), v| (lo.min(v), hi.max(v)));
                            (k, hi.saturating_sub(lo))
                        })
                        .max_by_key(|&(k, e)| (e, 3 - k))
                        .unwrap_or((0, 0));
                    (i, k, extent)
                })
                .max_by_key(|&(i, _, e)| (e, usize::MAX - i));
            let Some((i, k, extent)) = widest else { break };
            if extent == 0 {
                break;
            }
            let (a, b) = boxes[i];
            used[a..b].sort_unstable_by_key(|&(bn, _)| (channel(bn, k), bn));
            let total: u64 = used[a..b].iter().map(|&(_, n)| u64::from(n)).sum();
            let mut acc = 0u64;
            let mut m = a + 1;
            for (j, &(_, n)) in used[a..b].iter().enumerate() {
                acc += u64::from(n);
                if 2 * acc >= total {
                    m = a + j + 1;
                    break;
                }
            }
            let m = m.clamp(a + 1, b - 1);
            boxes[i] = (a, m);
            boxes.push((m, b));
        }
        self.palette.clear();
        self.lookup.clear();
        self.lookup.resize(1 << 15, 0);
        for (i, &(a, b)) in boxes.iter().enumerate() {
            let mut sum = [0u64; 3];
            let mut count = 0u64;
            for &(bn, n) in &used[a..b] {
                let c = bin_colour(bn);
                for k in 0..3 {
                    sum[k] += u64::from(c[k]) * u64::from(n);
                }
                count += u64::from(n);
                self.lookup[bn] = i as u16;
            }
            let count = count.max(1);
            self.palette
                .extend(sum.iter().map(|&v| ((v + count / 2) / count) as u8));
        }
        for px in rgba.chunks_exact(4) {
            self.indices.push(self.lookup[bin(over_white(px))] as u8);
        }
    }
}

/// `0xRRGGBB` of a pixel composited over white.
fn over_white(px: &[u8]) -> u32 {
    let a = u32::from(px[3]);
    let ch = |c: u8| (u32::from(c) * a + 255 * (255 - a) + 127) / 255;
    (ch(px[0]) << 16) | (ch(px[1]) << 8) | ch(px[2])
}

/// The 15-bit bin of a colour (5 bits per channel).
fn bin(c: u32) -> usize {
    (((c >> 19) & 31) << 10 | ((c >> 11) & 31) << 5 | ((c >> 3) & 31)) as usize
}

/// A bin's centre colour.
fn bin_colour(b: usize) -> [u8; 3] {
    let ch = |v: usize| ((v & 31) << 3 | 4) as u8;
    [ch(b >> 10), ch(b >> 5), ch(b)]
}

/// Decides when to capture a frame for a recording at a given frame rate, from the animation
/// loop's timestamps (which come at the display's rate, usually faster).
///
/// ```
/// use energy_core::record::FrameClock;
/// let mut clock = FrameClock::new(10.0); // one frame every 100 ms
/// let due: Vec<bool> = [0.0, 16.7, 50.0, 100.0, 116.7, 200.0].iter().map(|&t| clock.due(t)).collect();
/// assert_eq!(due, [true, false, false, true, false, true]);
/// ```
#[derive(Clone, Debug)]
pub struct FrameClock {
    interval_ms: f64,
    next_ms: Option<f64>,
}

impl FrameClock {
    /// A clock for `fps` frames per second (clamped to 1 ..= 60).
    pub fn new(fps: f64) -> Self {
        let fps = if fps.is_finite() {
            fps.clamp(1.0, 60.0)
        } else {
            10.0
        };
        Self {
            interval_ms: 1000.0 / fps,
            next_ms: None,
        }
    }

    /// Whether a frame is due at `t_ms`; if so, schedules the next one. After a stall (more
    /// than one interval late) the schedule restarts from `t_ms` instead of catching up.
    pub fn due(&mut self, t_ms: f64) -> bool {
        // A small tolerance: display frames (16.7 ms) do not land exactly on the schedule.
        let slack = 1.0;
        match self.next_ms {
            Some(next) if t_ms + slack < next => false,
            Some(next) => {
                let after = next + self.interval_ms;
                self.next_ms = Some(if t_ms >= after {
                    t_ms + self.interval_ms
                } else {
                    after
                });
                true
            }
            None => {
                self.next_ms = Some(t_ms + self.interval_ms);
                true
            }
        }
    }
}

/// The file name of a recording without its extension: `<lab>-<scene or view>-seed-<seed>`,
/// where the middle part is `scene-N` (1-based) for a lecture scene, else the lab's view, else
/// left out. Every character outside `[a-z0-9-]` becomes `-`.
///
/// ```
/// use energy_core::record::file_stem;
/// assert_eq!(file_stem("hopfield", Some(1), None, 7), "hopfield-scene-2-seed-7");
/// assert_eq!(file_stem("sampling", None, Some("mcmc"), 3), "sampling-mcmc-seed-3");
/// assert_eq!(file_stem("ising", None, None, 1), "ising-seed-1");
/// ```
pub fn file_stem(lab: &str, scene: Option<usize>, view: Option<&str>, seed: u64) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                let c = c.to_ascii_lowercase();
                if c.is_ascii_lowercase() || c.is_ascii_digit() {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    let middle = match (scene, view) {
        (Some(i), _) => format!("-scene-{}", i + 1),
        (None, Some(v)) if !v.is_empty() => format!("-{}", clean(v)),
        _ => String::new(),
    };
    format!("{}{middle}-seed-{seed}", clean(lab))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a GIF into its frames' RGBA pixels and delays (centiseconds).
    fn decode(bytes: &[u8]) -> Vec<(Vec<u8>, u16)> {
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::RGBA);
        let mut d = opts.read_info(bytes).expect("a GIF header");
        let mut out = Vec::new();
        while let Some(f) = d.read_next_frame().expect("a frame") {
            out.push((f.buffer.to_vec(), f.delay));
        }
        out
    }

    fn solid(w: usize, h: usize, rgb: [u8; 3]) -> Vec<u8> {
        (0..w * h)
            .flat_map(|_| [rgb[0], rgb[1], rgb[2], 255])
            .collect()
    }

    #[test]
    fn frames_round_trip_exactly_with_few_colours() {
        let (w, h) = (5, 3);
        let mut a = solid(w, h, [10, 20, 30]);
        a[4..8].copy_from_slice(&[200, 100, 0, 255]);
        let b = solid(w, h, [255, 255, 255]);
        let mut rec = GifRecording::new(w, h, 10.0).expect("test input is valid");
        rec.push_frame(&a, 1000.0).expect("test input is valid");
        rec.push_frame(&b, 1100.0).expect("test input is valid");
        rec.push_frame(&a, 1200.0).expect("test input is valid");
        assert_eq!(rec.captured(), 3);
        let frames = decode(&rec.finish().expect("test input is valid"));
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].0, a);
        assert_eq!(frames[1].0, b);
        assert_eq!(frames[2].0, a);
        assert_eq!(frames.iter().map(|f| f.1).collect::<Vec<_>>(), [10, 10, 10]);
    }

    #[test]
    fn delays_follow_the_capture_clock_without_drift() {
        // 15 fps: captures every 66.7 ms; the delays alternate 7/7/6 cs and add up exactly.
        let (w, h) = (2, 2);
        let mut rec = GifRecording::new(w, h, 15.0).expect("test input is valid");
        for k in 0..30 {
            let g = (k * 8) as u8;
            rec.push_frame(&solid(w, h, [g, g, g]), k as f64 * 1000.0 / 15.0)
                .expect("test input is valid");
        }
        assert!((rec.duration_s() - 2.0).abs() < 1e-9);
        let frames = decode(&rec.finish().expect("test input is valid"));
        let total: u32 = frames.iter().map(|f| u32::from(f.1)).sum();
        assert_eq!(frames.len(), 30);
        assert_eq!(total, 200, "2 s in centiseconds");
        assert!(frames.iter().all(|f| (6..=7).contains(&f.1)));
    }

    #[test]
    fn many_colours_map_to_nearby_palette_colours() {
        // A 64×64 gradient has 4096 colours; each decoded pixel is within half a 5-bit step of
        // some palette colour near its own (at most a few units per channel off).
        let (w, h) = (64, 64);
        let mut px = Vec::new();
        for y in 0..h {
            for x in 0..w {
                px.extend_from_slice(&[(x * 4) as u8, (y * 4) as u8, 128, 255]);
            }
        }
        let mut rec = GifRecording::new(w, h, 10.0).expect("test input is valid");
        rec.push_frame(&px, 0.0).expect("test input is valid");
        let frames = decode(&rec.finish().expect("test input is valid"));
        let worst = frames[0]
            .0
            .iter()
            .zip(&px)
            .map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs())
            .max()
            .expect("test input is valid");
        assert!(worst <= 12, "largest channel error {worst}");
        assert!(worst > 0, "4096 colours cannot all be exact");
    }

    #[test]
    fn a_rare_colour_survives_when_it_is_frequent_enough() {
        // A heatmap-like gradient with a few orange dots: the dots keep their colour.
        let (w, h) = (64, 64);
        let mut px = Vec::new();
        for y in 0..h {
            for x in 0..w {
                px.extend_from_slice(&[(x * 2) as u8, (y * 2 + 60) as u8, 90, 255]);
            }
        }
        for k in 0..40 {
            let i = (k * 97 % (w * h)) * 4;
            px[i..i + 4].copy_from_slice(&[213, 94, 0, 255]);
        }
        let mut rec = GifRecording::new(w, h, 10.0).expect("test input is valid");
        rec.push_frame(&px, 0.0).expect("test input is valid");
        let frames = decode(&rec.finish().expect("test input is valid"));
        let i = 97 * 4;
        let got = &frames[0].0[i..i + 3];
        assert!(
            got.iter()
                .zip([213u8, 94, 0])
                .all(|(a, b)| (i32::from(*a) - i32::from(b)).abs() <= 4),
            "dot became {got:?}"
        );
    }

    #[test]
    fn transparent_pixels_are_white() {
        let mut rec = GifRecording::new(1, 1, 10.0).expect("test input is valid");
        rec.push_frame(&[0, 0, 0, 0], 0.0)
            .expect("test input is valid");
        let frames = decode(&rec.finish().expect("test input is valid"));
        assert_eq!(frames[0].0, [255, 255, 255, 255]);
    }

    #[test]
    fn encoding_runs_in_slices_and_waits_for_the_next_frame() {
        let mut rec = GifRecording::new(4, 4, 10.0).expect("test input is valid");
        let mut clock = 0.0;
        let mut now = || {
            clock += 5.0;
            clock
        };
        rec.push_frame(&solid(4, 4, [1, 2, 3]), 0.0)
            .expect("test input is valid");
        assert_eq!(
            rec.encode_for(8.0, &mut now).expect("test input is valid"),
            0,
            "delay unknown yet"
        );
        for k in 1..6 {
            rec.push_frame(&solid(4, 4, [k, 2, 3]), f64::from(k) * 100.0)
                .expect("test input is valid");
        }
        // Each encode "takes" 5 ms of the 8 ms budget: two frames per slice.
        assert_eq!(
            rec.encode_for(8.0, &mut now).expect("test input is valid"),
            2
        );
        assert_eq!(rec.encoded(), 2);
        assert_eq!(
            rec.encode_for(8.0, &mut now).expect("test input is valid"),
            2
        );
        assert_eq!(
            rec.encode_for(8.0, &mut now).expect("test input is valid"),
            1
        );
        assert_eq!(rec.encoded(), 5);
        assert_eq!(decode(&rec.finish().expect("test input is valid")).len(), 6);
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(matches!(
            GifRecording::new(0, 5, 10.0),
            Err(RecordError::BadSize { .. })
        ));
        assert!(matches!(
            GifRecording::new(70_000, 5, 10.0),
            Err(RecordError::BadSize { .. })
        ));
        assert!(matches!(
            GifRecording::new(5, 5, 0.0),
            Err(RecordError::BadFrameRate(_))
        ));
        assert!(matches!(
            GifRecording::new(5, 5, f64::NAN),
            Err(RecordError::BadFrameRate(_))
        ));
        let mut rec = GifRecording::new(2, 2, 10.0).expect("test input is valid");
        let e = rec.push_frame(&[0; 15], 0.0).expect_err("must be refused");
        assert_eq!(
            e,
            RecordError::BadFrame {
                expected: 16,
                got: 15
            }
        );
        assert!(e.to_string().contains("16"));
    }

    #[test]
    fn sizes_fit_the_longest_side() {
        assert_eq!(fit_size(1000, 500, 480), (480, 240));
        assert_eq!(fit_size(300, 200, 480), (300, 200));
        assert_eq!(fit_size(1, 5000, 480), (1, 480));
        assert_eq!(fit_size(0, 0, 480), (1, 1));
    }

    #[test]
    fn the_clock_restarts_after_a_stall() {
        let mut c = FrameClock::new(10.0);
        assert!(c.due(0.0));
        assert!(!c.due(50.0));
        assert!(c.due(99.5), "within the slack");
        assert!(c.due(1000.0), "late");
        assert!(!c.due(1050.0));
        assert!(c.due(1100.0), "the schedule restarted at 1000 ms");
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_stem("RBM", None, Some("cd k"), 1), "rbm-cd-k-seed-1");
        assert_eq!(file_stem("hopfield", None, Some(""), 9), "hopfield-seed-9");
    }
}
