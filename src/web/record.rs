//! "Record": captures the active lab's main picture while it plays, as WebM (the browser's
//! `MediaRecorder` on `canvas.captureStream`) or as an animated GIF encoded in wasm
//! ([`crate::core::record`]), and downloads it as `<lab>-<scene or view>-seed-<seed>.<ext>`.
//!
//! Pressing Record starts the lab playing; the recording stops when Stop is pressed, when the
//! lab stops playing, on a tab switch, or at the time limit. The GIF is encoded while it is
//! recorded and after it stops, a few milliseconds per animation frame (with progress shown),
//! so the page never freezes.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Blob, BlobEvent, CanvasRenderingContext2d, Element, HtmlButtonElement, HtmlCanvasElement,
    HtmlElement, HtmlSelectElement, MediaRecorder, MediaRecorderOptions,
};

use super::{dom, status, storage};
use crate::core::record::{fit_size, FrameClock, GifRecording};

/// GIF frames per second (delays of 10 cs play at this rate everywhere).
pub const GIF_FPS: f64 = 10.0;
/// WebM frames per second asked of the canvas stream.
pub const WEBM_FPS: f64 = 30.0;
/// The GIF's longer side in pixels at most (the picture is scaled down, never up).
pub const GIF_MAX_SIDE: usize = 480;
/// Longest recordings in seconds.
const GIF_MAX_S: f64 = 30.0;
const WEBM_MAX_S: f64 = 120.0;
/// Encoding time per animation frame, in ms, while recording and after.
const BUDGET_RECORDING_MS: f64 = 4.0;
const BUDGET_AFTER_MS: f64 = 12.0;

/// The two file formats.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Format {
    /// Video through the browser's `MediaRecorder`.
    Webm,
    /// Animated GIF encoded in wasm.
    Gif,
}

enum State {
    Idle,
    Gif {
        rec: Box<GifRecording>,
        source: HtmlCanvasElement,
        ctx: CanvasRenderingContext2d,
        clock: FrameClock,
        start: f64,
        name: String,
        /// Stopped: only encoding is left.
        stopped: bool,
    },
    Webm {
        media: MediaRecorder,
        start: f64,
    },
}

/// The Record control and the recording in progress.
pub struct Recorder {
    button: HtmlButtonElement,
    format: HtmlSelectElement,
    info: HtmlElement,
    state: State,
}

impl Recorder {
    /// The format picker, the button (which calls `on_click`) and the read-out, in `parent`.
    pub fn new(parent: &Element, on_click: impl FnMut() + 'static) -> Result<Self, JsValue> {
        let format = dom::el(parent, "select", "rec-format")?.dyn_into::<HtmlSelectElement>()?;
        format.set_attribute("aria-label", "recording format")?;
        format.set_title("File format of a recording");
        let webm = dom::text(&format, "option", "", "WebM")?;
        webm.set_attribute("value", "webm")?;
        dom::text(&format, "option", "", "GIF")?.set_attribute("value", "gif")?;
        if !webm_supported() {
            webm.set_attribute("disabled", "")?;
            format.set_value("gif");
        }
        let button = dom::button(
            parent,
            "● Record",
            "Record the main picture while the lab plays (WebM video or animated GIF)",
            on_click,
        )?;
        button.set_attribute("data-key", "record")?;
        let info = dom::el(parent, "span", "rec-info")?;
        info.set_attribute("aria-live", "polite")?;
        Ok(Self {
            button,
            format,
            info,
            state: State::Idle,
        })
    }

    /// Whether frames are being captured now.
    pub fn recording(&self) -> bool {
        match &self.state {
            State::Idle => false,
            State::Gif { stopped, .. } => !stopped,
            State::Webm { .. } => true,
        }
    }

    /// The chosen format.
    pub fn format(&self) -> Format {
        if self.format.value() == "gif" {
            Format::Gif
        } else {
            Format::Webm
        }
    }

    /// Chooses the format (for scripts and tests).
    pub fn set_format(&self, f: Format) {
        self.format
            .set_value(if f == Format::Gif { "gif" } else { "webm" });
    }

    /// Starts recording `canvas`; `name` is the file name without its extension.
    pub fn start(&mut self, canvas: &HtmlCanvasElement, name: &str) -> Result<(), JsValue> {
        if !matches!(self.state, State::Idle) {
            return Err("a recording is still being saved".into());
        }
        let start = dom::now();
        self.state = match self.format() {
            Format::Gif => {
                let (w, h) = fit_size(
                    canvas.width() as usize,
                    canvas.height() as usize,
                    GIF_MAX_SIDE,
                );
                let rec = Box::new(GifRecording::new(w, h, GIF_FPS).map_err(|e| e.to_string())?);
                let source = dom::document()?
                    .create_element("canvas")?
                    .dyn_into::<HtmlCanvasElement>()?;
                source.set_width(w as u32);
                source.set_height(h as u32);
                let opts = js_sys::Object::new();
                js_sys::Reflect::set(&opts, &"willReadFrequently".into(), &true.into())?;
                let ctx = source
                    .get_context_with_context_options("2d", &opts)?
                    .ok_or("no 2d context")?
                    .dyn_into::<CanvasRenderingContext2d>()?;
                ctx.set_image_smoothing_enabled(false);
                State::Gif {
                    rec,
                    source: canvas.clone(),
                    ctx,
                    clock: FrameClock::new(GIF_FPS),
                    start,
                    name: format!("{name}.gif"),
                    stopped: false,
                }
            }
            Format::Webm => State::Webm {
                media: start_webm(canvas, format!("{name}.webm"))?,
                start,
            },
        };
        self.format.set_disabled(true);
        self.show(0.0);
        Ok(())
    }

    /// Stops capturing; the file downloads once it is encoded.
    pub fn stop(&mut self) {
        match &mut self.state {
            State::Idle => {}
            State::Gif { stopped, .. } => *stopped = true,
            State::Webm { media, .. } => {
                // The recorder's "stop" event assembles the file and downloads it.
                let _ = media.stop();
                self.state = State::Idle;
                self.idle();
            }
        }
    }

    /// Work for one animation frame at time `t` (ms): capture a frame if one is due, stop at
    /// the time limit or when the lab stopped playing, encode within the frame budget.
    pub fn frame(&mut self, t: f64, playing: bool) {
        if self.recording() && !playing {
            self.stop();
        }
        let elapsed_s = match &self.state {
            State::Idle => return,
            State::Gif { start, .. } | State::Webm { start, .. } => (t - start) / 1000.0,
        };
        let limit = match self.state {
            State::Gif { .. } => GIF_MAX_S,
            _ => WEBM_MAX_S,
        };
        if self.recording() && elapsed_s >= limit {
            self.stop();
            status::info(&format!("recordings stop after {limit:.0} s"));
        }
        let State::Gif {
            rec,
            source,
            ctx,
            clock,
            name,
            stopped,
            ..
        } = &mut self.state
        else {
            if self.recording() {
                self.show(elapsed_s);
            }
            return;
        };
        let result = if *stopped {
            rec.encode_for(BUDGET_AFTER_MS, &mut dom::now)
        } else {
            let mut r = Ok(0);
            if clock.due(t) {
                if let Err(e) = capture(rec, source, ctx, t) {
                    status::warn(&format!("recording failed: {e:?}"));
                    *stopped = true;
                }
            }
            if *stopped {
                // Fall through to saving what was captured.
            } else {
                r = rec.encode_for(BUDGET_RECORDING_MS, &mut dom::now);
            }
            r
        };
        if let Err(e) = result {
            status::warn(&e.to_string());
            self.state = State::Idle;
            self.idle();
            return;
        }
        if !*stopped {
            self.show(elapsed_s);
            return;
        }
        let (done, all) = (rec.encoded(), rec.captured());
        if done + 1 < all {
            self.info
                .set_text_content(Some(&format!("encoding GIF {done}/{all} frames…")));
            return;
        }
        // One frame left: finish (it needs no next frame) and download.
        let name = name.clone();
        let State::Gif { rec, .. } = std::mem::replace(&mut self.state, State::Idle) else {
            return;
        };
        let secs = rec.duration_s();
        let frames = rec.captured();
        match rec.finish() {
            Ok(bytes) => match download_bytes(&bytes, "image/gif", &name) {
                Ok(()) => status::info(&format!(
                    "saved {name}: {secs:.1} s, {frames} frames at {GIF_FPS:.0} fps, {} KB",
                    bytes.len().div_ceil(1024)
                )),
                Err(e) => status::warn(&format!("GIF download failed: {e:?}")),
            },
            Err(e) => status::warn(&e.to_string()),
        }
        self.idle();
    }

    /// Shows the running recording: format, frame rate, length.
    fn show(&self, elapsed_s: f64) {
        let (kind, fps) = match self.state {
            State::Gif { .. } => ("GIF", GIF_FPS),
            _ => ("WebM", WEBM_FPS),
        };
        self.button.set_text_content(Some("■ Stop"));
        self.button.set_attribute("aria-pressed", "true").ok();
        self.info
            .set_text_content(Some(&format!("● {kind} · {fps:.0} fps · {elapsed_s:.1} s")));
    }

    fn idle(&self) {
        self.button.set_text_content(Some("● Record"));
        self.button.set_attribute("aria-pressed", "false").ok();
        self.format.set_disabled(false);
        self.info.set_text_content(None);
    }
}

/// Reads one frame of `source`, scaled to the GIF's size, into the recording.
fn capture(
    rec: &mut GifRecording,
    source: &HtmlCanvasElement,
    ctx: &CanvasRenderingContext2d,
    t: f64,
) -> Result<(), JsValue> {
    let (w, h) = rec.size();
    let (w, h) = (w as f64, h as f64);
    ctx.set_fill_style_str("#fff");
    ctx.fill_rect(0.0, 0.0, w, h);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(source, 0.0, 0.0, w, h)?;
    let data = ctx.get_image_data(0.0, 0.0, w, h)?.data();
    rec.push_frame(&data, t).map_err(|e| e.to_string().into())
}

/// Whether this browser records canvases as video.
fn webm_supported() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let has = |o: &JsValue, k: &str| js_sys::Reflect::has(o, &k.into()).unwrap_or(false);
    let canvas_proto = js_sys::Reflect::get(&w, &"HTMLCanvasElement".into())
        .and_then(|c| js_sys::Reflect::get(&c, &"prototype".into()))
        .unwrap_or(JsValue::UNDEFINED);
    has(&w, "MediaRecorder") && canvas_proto.is_object() && has(&canvas_proto, "captureStream")
}

/// Starts a `MediaRecorder` on the canvas's stream; its chunks become `name` on stop.
fn start_webm(canvas: &HtmlCanvasElement, name: String) -> Result<MediaRecorder, JsValue> {
    let stream = canvas.capture_stream_with_frame_request_rate(WEBM_FPS)?;
    let mime = [
        "video/webm;codecs=vp9",
        "video/webm;codecs=vp8",
        "video/webm",
    ]
    .into_iter()
    .find(|m| MediaRecorder::is_type_supported(m))
    .ok_or("this browser cannot record WebM")?;
    let opts = MediaRecorderOptions::new();
    opts.set_mime_type(mime);
    let media = MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, &opts)?;
    let chunks: Rc<RefCell<Vec<Blob>>> = Rc::new(RefCell::new(Vec::new()));
    let c2 = chunks.clone();
    // The two handlers live as long as the MediaRecorder may call them, which is past the end
    // of this recording's state: they are leaked on purpose (two small closures per recording).
    let on_data = Closure::<dyn FnMut(BlobEvent)>::new(move |e: BlobEvent| {
        if let Some(b) = e.data() {
            if b.size() > 0.0 {
                c2.borrow_mut().push(b);
            }
        }
    });
    media.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
    on_data.forget();
    let started = dom::now();
    let on_stop = Closure::<dyn FnMut()>::new(move || {
        let parts = js_sys::Array::new();
        for b in chunks.borrow_mut().drain(..) {
            parts.push(&b);
        }
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("video/webm");
        let saved = Blob::new_with_blob_sequence_and_options(&parts, &opts)
            .and_then(|blob| storage::download_blob(&blob, &name).map(|()| blob.size()));
        match saved {
            Ok(size) => status::info(&format!(
                "saved {name}: {:.1} s at {WEBM_FPS:.0} fps, {:.0} KB",
                (dom::now() - started) / 1000.0,
                (size / 1024.0).ceil()
            )),
            Err(e) => status::warn(&format!("WebM download failed: {e:?}")),
        }
    });
    media.set_onstop(Some(on_stop.as_ref().unchecked_ref()));
    on_stop.forget();
    // Chunks every second, so a long recording is not held as one growing buffer.
    media.start_with_time_slice(1000)?;
    Ok(media)
}

/// Offers bytes as a file download.
fn download_bytes(bytes: &[u8], mime: &str, name: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &opts)?;
    storage::download_blob(&blob, name)
}
