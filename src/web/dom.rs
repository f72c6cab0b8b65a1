//! Small DOM helpers: element creation, labelled controls and event listeners.
//!
//! Text always goes in through `set_text_content` (never `innerHTML`), so names typed by users or
//! read from imported files cannot inject markup.

use wasm_bindgen::convert::FromWasmAbi;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, EventTarget, HtmlButtonElement, HtmlElement, HtmlInputElement,
    HtmlSelectElement,
};

/// The page's document.
pub fn document() -> Result<Document, JsValue> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))
}

/// Milliseconds since page load (0 if the clock is unavailable).
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// A thrown JS value as a person reads it: a string as it is, an `Error` by its message,
/// anything else as the console would show it.
pub fn describe(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => String::from(err.message()),
        None => format!("{e:?}"),
    }
}

/// When a canvas last read its on-screen size. Reading a size (`clientWidth`) makes the
/// browser lay the page out at once if text changed earlier in the frame, so a canvas drawn
/// every frame reads it only when [`SizeCheck::due`]: after a relayout (resize, presenter mode,
/// tab shown: [`SizeCheck::expire`]) and otherwise every [`SizeCheck::EVERY_MS`].
#[derive(Clone, Copy, Debug)]
pub struct SizeCheck {
    at: f64,
}

impl Default for SizeCheck {
    fn default() -> Self {
        Self {
            at: f64::NEG_INFINITY,
        }
    }
}

impl SizeCheck {
    /// Longest time between two readings without a relayout (ms).
    pub const EVERY_MS: f64 = 500.0;

    /// Whether to read the size now; if so, counts it as read.
    pub fn due(&mut self) -> bool {
        let t = now();
        let due = t - self.at >= Self::EVERY_MS;
        if due {
            self.at = t;
        }
        due
    }

    /// The size was just read.
    pub fn read(&mut self) {
        self.at = now();
    }

    /// The layout changed: the next [`SizeCheck::due`] says yes.
    pub fn expire(&mut self) {
        self.at = f64::NEG_INFINITY;
    }
}

/// A new element `<tag class=…>`, appended to `parent`.
pub fn el(parent: &Element, tag: &str, class: &str) -> Result<HtmlElement, JsValue> {
    let e = document()?.create_element(tag)?.dyn_into::<HtmlElement>()?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    parent.append_child(&e)?;
    Ok(e)
}

/// A lab's panel, `<section id="lab-{id}" class="lab {class} hidden">` (not yet in the page;
/// hidden until its tab is chosen).
pub fn lab_panel(id: &str, class: &str) -> Result<HtmlElement, JsValue> {
    let panel = document()?
        .create_element("section")?
        .dyn_into::<HtmlElement>()?;
    panel.set_class_name(&format!("lab {class} hidden"));
    panel.set_id(&format!("lab-{id}"));
    Ok(panel)
}

/// The stage layout in `panel`: the main picture's column (extra classes `pic_class`), the side
/// column and the column for more, in that order (see `.stage` in the style sheet).
pub fn stage(
    panel: &Element,
    pic_class: &str,
) -> Result<(HtmlElement, HtmlElement, HtmlElement), JsValue> {
    let stage = el(panel, "div", "stage")?;
    let pic = el(&stage, "div", format!("stage-pic {pic_class}").trim_end())?;
    let side = el(&stage, "div", "stage-side")?;
    let more = el(&stage, "div", "stage-more")?;
    Ok((pic, side, more))
}

/// A new element holding `text`.
pub fn text(parent: &Element, tag: &str, class: &str, text: &str) -> Result<HtmlElement, JsValue> {
    let e = el(parent, tag, class)?;
    e.set_text_content(Some(text));
    Ok(e)
}

/// Names a graphic (a canvas) for assistive technology: `aria-label` is `label`, `role` is
/// `img`.
pub fn img_label(graphic: &Element, label: &str) -> Result<(), JsValue> {
    graphic.set_attribute("aria-label", label)?;
    graphic.set_attribute("role", "img")
}

/// Adds a listener that lives as long as the page (the closure is leaked on purpose: controls
/// are created once and never removed).
pub fn on<E>(target: &EventTarget, kind: &str, f: impl FnMut(E) + 'static) -> Result<(), JsValue>
where
    E: FromWasmAbi + 'static,
{
    let cb = Closure::<dyn FnMut(E)>::new(f);
    target.add_event_listener_with_callback(kind, cb.as_ref().unchecked_ref())?;
    cb.forget();
    Ok(())
}

/// A button with a visible label and a tooltip (which also names the keyboard shortcut).
pub fn button(
    parent: &Element,
    label: &str,
    title: &str,
    f: impl FnMut() + 'static,
) -> Result<HtmlButtonElement, JsValue> {
    let b = el(parent, "button", "btn")?.dyn_into::<HtmlButtonElement>()?;
    b.set_type("button");
    b.set_text_content(Some(label));
    if !title.is_empty() {
        b.set_title(title);
    }
    let mut f = f;
    on(&b, "click", move |_: web_sys::Event| f())?;
    Ok(b)
}

/// A labelled range slider with its value shown beside it; `f` gets the new value.
/// `fmt` formats the shown value.
#[allow(clippy::too_many_arguments)]
pub fn slider(
    parent: &Element,
    label: &str,
    min: f64,
    max: f64,
    step: f64,
    value: f64,
    fmt: fn(f64) -> String,
    f: impl FnMut(f64) + 'static,
) -> Result<Slider, JsValue> {
    let wrap = el(parent, "label", "ctl")?;
    text(&wrap, "span", "ctl-name", label)?;
    let input = el(&wrap, "input", "")?.dyn_into::<HtmlInputElement>()?;
    input.set_type("range");
    input.set_min(&min.to_string());
    input.set_max(&max.to_string());
    input.set_step(&step.to_string());
    input.set_value(&value.to_string());
    let out = text(&wrap, "output", "ctl-value", &fmt(value))?;
    let mut f = f;
    let (i2, o2) = (input.clone(), out.clone());
    on(&input, "input", move |_: web_sys::Event| {
        let v = i2.value_as_number();
        if v.is_finite() {
            o2.set_text_content(Some(&fmt(v)));
            f(v);
        }
    })?;
    Ok(Slider { input, out, fmt })
}

/// A slider created by [`slider`], to update from code.
#[derive(Clone)]
pub struct Slider {
    /// The range input.
    pub input: HtmlInputElement,
    out: HtmlElement,
    fmt: fn(f64) -> String,
}

impl Slider {
    /// Moves the slider (without firing its handler).
    pub fn set(&self, v: f64) {
        self.input.set_value_as_number(v);
        self.out.set_text_content(Some(&(self.fmt)(v)));
    }

    /// Replaces the text shown beside the slider.
    pub fn show(&self, text: &str) {
        self.out.set_text_content(Some(text));
    }
}

/// A labelled drop-down; `f` gets the chosen index.
pub fn select(
    parent: &Element,
    label: &str,
    options: &[&str],
    chosen: usize,
    f: impl FnMut(usize) + 'static,
) -> Result<HtmlSelectElement, JsValue> {
    let wrap = el(parent, "label", "ctl")?;
    text(&wrap, "span", "ctl-name", label)?;
    let sel = el(&wrap, "select", "")?.dyn_into::<HtmlSelectElement>()?;
    for (i, o) in options.iter().enumerate() {
        let opt = text(&sel, "option", "", o)?;
        opt.set_attribute("value", &i.to_string())?;
    }
    sel.set_selected_index(chosen as i32);
    let mut f = f;
    let s2 = sel.clone();
    on(&sel, "change", move |_: web_sys::Event| {
        let i = s2.selected_index();
        if i >= 0 {
            f(i as usize);
        }
    })?;
    Ok(sel)
}

/// A labelled checkbox; `f` gets the new state.
pub fn checkbox(
    parent: &Element,
    label: &str,
    checked: bool,
    f: impl FnMut(bool) + 'static,
) -> Result<HtmlInputElement, JsValue> {
    let wrap = el(parent, "label", "ctl ctl-check")?;
    let input = el(&wrap, "input", "")?.dyn_into::<HtmlInputElement>()?;
    input.set_type("checkbox");
    input.set_checked(checked);
    text(&wrap, "span", "ctl-name", label)?;
    let mut f = f;
    let i2 = input.clone();
    on(&input, "change", move |_: web_sys::Event| f(i2.checked()))?;
    Ok(input)
}

/// Formats with a fixed number of decimals (for slider read-outs).
pub fn fmt0(v: f64) -> String {
    format!("{v:.0}")
}
/// Two decimals.
pub fn fmt2(v: f64) -> String {
    format!("{v:.2}")
}
/// A percentage of a fraction.
pub fn fmt_pct(v: f64) -> String {
    format!("{:.0} %", v * 100.0)
}

/// The MathML namespace.
const MATHML: &str = "http://www.w3.org/1998/Math/MathML";

/// Typesets `tex` (the subset [`crate::core::math`] reads) as a `<math>` element at the end of
/// `parent`, built element by element (no markup text is parsed). `display` sets block layout.
pub fn math(parent: &Element, tex: &str, display: bool) -> Result<Element, JsValue> {
    let tree = crate::core::math::parse(tex).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let doc = document()?;
    let root = doc.create_element_ns(Some(MATHML), "math")?;
    if display {
        root.set_attribute("display", "block")?;
    }
    build_math(&doc, &root, &tree)?;
    parent.append_child(&root)?;
    Ok(root)
}

fn build_math(
    doc: &Document,
    parent: &Element,
    node: &crate::core::math::Node,
) -> Result<(), JsValue> {
    let e = doc.create_element_ns(Some(MATHML), node.tag())?;
    match node.text() {
        Some(t) => {
            if t.chars().count() > 1 && node.tag() == "mi" {
                e.set_attribute("mathvariant", "normal")?;
            }
            e.set_text_content(Some(t));
        }
        None => {
            for c in node.children() {
                build_math(doc, &e, c)?;
            }
        }
    }
    parent.append_child(&e)?;
    Ok(())
}

/// A new element holding `text`, in which every `$…$` is a formula typeset as inline MathML
/// ([`math`]); a formula that does not parse is shown as written.
pub fn rich(parent: &Element, tag: &str, class: &str, text: &str) -> Result<HtmlElement, JsValue> {
    let e = el(parent, tag, class)?;
    set_rich(&e, text)?;
    Ok(e)
}

/// Replaces `e`'s content by `text` with its `$…$` formulas typeset (see [`rich`]).
pub fn set_rich(e: &Element, text: &str) -> Result<(), JsValue> {
    e.set_text_content(None);
    let doc = document()?;
    for (k, part) in text.split('$').enumerate() {
        if part.is_empty() {
            continue;
        }
        if k % 2 == 1 && math(e, part, false).is_ok() {
            continue;
        }
        e.append_child(&doc.create_text_node(part))?;
    }
    Ok(())
}
