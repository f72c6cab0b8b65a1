//! Controls built from a lab's settings table ([`crate::core::settings`]): one row makes its
//! widget (slider with its value and unit, menu, checkbox or text field), its tooltip, its
//! `data-key` (the stable id `hide=` and the lecture scenes use), its sync after any change,
//! and its part of the link. Buttons are [`Action`] rows in the same way.
//!
//! A lab implements [`Tabled`]: it names its table, hands out its state and its [`Controls`],
//! and says what to redraw after a change. Every change goes through the row's validated
//! setter and the table's combination check; a refused value is said in the status line and
//! the control moves back to the state's value.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::app::mark_dirty;
use super::{dom, status};
use crate::core::params::Params;
use crate::core::settings::{Kind, Setting, Table, Value};

/// A lab whose parameters are the rows of one settings table.
pub trait Tabled: 'static {
    /// The state the rows read and write (a core object).
    type State: 'static;
    /// The lab's table.
    fn table() -> &'static Table<Self::State>;
    /// The state, to read.
    fn state(&self) -> &Self::State;
    /// The state and the controls, to change and sync.
    fn parts(&mut self) -> (&mut Self::State, &mut Controls);
    /// Called after a control changed row `key` (mark views dirty, restart what must be).
    fn changed(&mut self, key: &'static str);
}

/// The three accessors of [`Tabled`] for a lab whose core state is the field `$field` (of type
/// `$state`), whose controls are `self.controls` and whose table is `$table`:
/// `tabled_parts!(IsingRun, TABLE, run);` inside `impl Tabled for …`.
macro_rules! tabled_parts {
    ($state:ty, $table:expr, $field:ident) => {
        type State = $state;
        fn table() -> &'static $crate::core::settings::Table<$state> {
            &$table
        }
        fn state(&self) -> &$state {
            &self.$field
        }
        fn parts(&mut self) -> (&mut $state, &mut $crate::web::settings::Controls) {
            (&mut self.$field, &mut self.controls)
        }
    };
}
pub(crate) use tabled_parts;

/// The widgets built for a lab, synced from its state after every change.
#[derive(Default)]
pub struct Controls {
    widgets: Vec<Widget>,
}

struct Widget {
    key: &'static str,
    wrap: HtmlElement,
    input: Input,
}

enum Input {
    /// The slider, its value, and for a range that also admits 0 the "= 0" checkbox and its
    /// label.
    Slider(
        HtmlInputElement,
        HtmlElement,
        Option<(HtmlInputElement, HtmlElement)>,
    ),
    Select(HtmlSelectElement),
    Check(HtmlInputElement),
    Text(HtmlInputElement),
    Field(HtmlInputElement),
    Segmented(Vec<web_sys::HtmlButtonElement>),
}

impl Controls {
    /// Moves every widget to the state's value and shows or hides it by its row's `visible`
    /// (without firing any handler).
    pub fn sync<S>(&self, table: &Table<S>, s: &S) {
        for w in &self.widgets {
            let Some(row) = table.row(w.key) else {
                continue;
            };
            let hidden = !(row.visible)(s);
            let _ = w.wrap.class_list().toggle_with_force("hidden", hidden);
            let v = row.get(s);
            match (&w.input, &row.kind, &v) {
                (Input::Slider(i, out, zero), Kind::Number { range, .. }, Value::Num(x)) => {
                    let pos = range.position(*x);
                    // At 0 the slider stays where it was (unchecking "= 0" returns there).
                    if i.value_as_number() != pos && !(zero.is_some() && *x == 0.0) {
                        i.set_value_as_number(pos);
                    }
                    out.set_text_content(Some(&range.display(*x)));
                    if let Some((c, label)) = zero {
                        c.set_checked(*x == 0.0);
                        let _ = label.class_list().toggle_with_force("hidden", hidden);
                    }
                }
                (Input::Select(sel), _, Value::Pick(k)) if sel.selected_index() != *k as i32 => {
                    sel.set_selected_index(*k as i32);
                }
                (Input::Check(c), _, Value::Flag(b)) => c.set_checked(*b),
                (Input::Segmented(bs), _, Value::Pick(k)) => {
                    for (i, b) in bs.iter().enumerate() {
                        let on = i == *k;
                        let _ = b.class_list().toggle_with_force("active", on);
                        let _ = b.set_attribute("aria-selected", if on { "true" } else { "false" });
                    }
                }
                (Input::Text(t), _, Value::Text(text)) if t.value() != *text => {
                    t.set_value(text);
                }
                (Input::Field(t), Kind::Number { range, .. }, Value::Num(x)) => {
                    let shown = range.display(*x);
                    if t.value() != shown {
                        t.set_value(&shown);
                    }
                }
                _ => {}
            }
        }
    }

    /// The widget's wrapper for row `key` (to move it in the layout).
    pub fn element(&self, key: &str) -> Option<&HtmlElement> {
        self.widgets.iter().find(|w| w.key == key).map(|w| &w.wrap)
    }
}

/// Applies a value from a control (or the scripting API) to row `key` of `lab`, then syncs the
/// controls and marks the link out of date. Refusals and notes go to the status line.
pub fn apply<L: Tabled>(lab: &mut L, key: &'static str, v: &Value) -> bool {
    let table = L::table();
    let (state, controls) = lab.parts();
    let result = table.set(state, key, v);
    controls.sync(table, state);
    match result {
        Ok(note) => {
            if let Some(n) = note {
                status::warn(&n);
            }
            lab.changed(key);
            mark_dirty();
            true
        }
        Err(e) => {
            status::warn(&e);
            false
        }
    }
}

/// Writes the lab's settings into the link.
pub fn save<L: Tabled>(lab: &L, p: &mut Params) {
    L::table().save(lab.state(), p);
}

/// Reads every setting from a link (unnamed ones to their defaults) and syncs the controls;
/// returns a message for each refused value.
pub fn load<L: Tabled>(lab: &mut L, p: &Params) -> Vec<String> {
    let table = L::table();
    let (state, controls) = lab.parts();
    let msgs = table.load(state, p);
    controls.sync(table, state);
    msgs
}

/// Re-syncs the lab's controls (after an action changed the state).
pub fn sync<L: Tabled>(lab: &mut L) {
    let (state, controls) = lab.parts();
    controls.sync(L::table(), state);
}

/// Builds the controls of rows `keys` (in that order) inside `parent`.
pub fn build<L: Tabled>(
    lab: &Rc<RefCell<L>>,
    parent: &Element,
    keys: &[&str],
) -> Result<(), JsValue> {
    for key in keys {
        let row = L::table()
            .row(key)
            .ok_or_else(|| JsValue::from_str(&format!("no setting {key:?}")))?;
        let w = widget(lab, parent, row)?;
        let mut l = lab.borrow_mut();
        let (state, controls) = l.parts();
        controls.widgets.push(w);
        controls.sync(L::table(), state);
    }
    Ok(())
}

/// Builds number rows `keys` as text fields (for values typed exactly, such as a learning
/// rate): a typed number outside the row's range is moved to its nearest end and the status
/// line says so; text that is not a number is refused and the field shows the state's value
/// again. The link and the scripting API treat the row as any number row.
pub fn fields<L: Tabled>(
    lab: &Rc<RefCell<L>>,
    parent: &Element,
    keys: &[&str],
) -> Result<(), JsValue> {
    for key in keys {
        let row = L::table()
            .row(key)
            .ok_or_else(|| JsValue::from_str(&format!("no setting {key:?}")))?;
        let Kind::Number { range, .. } = row.kind else {
            return Err(JsValue::from_str("a text field needs a number row"));
        };
        let wrap = dom::el(parent, "label", "ctl")?;
        wrap.set_attribute("data-key", row.key)?;
        wrap.set_title(row.tip);
        dom::text(&wrap, "span", "ctl-name", row.label)?;
        let t = dom::el(&wrap, "input", "ctl-num")?.dyn_into::<HtmlInputElement>()?;
        t.set_type("text");
        t.set_attribute("inputmode", "decimal")?;
        t.set_attribute("spellcheck", "false")?;
        let (l, t2, key) = (lab.clone(), t.clone(), row.key);
        dom::on(&t, "change", move |_: web_sys::Event| {
            let typed = t2.value();
            let typed = typed.trim();
            let mut lab = l.borrow_mut();
            match typed
                .parse::<f64>()
                .ok()
                .and_then(|v| Some((v, range.clamp_value(v)?)))
            {
                Some((v, c)) => {
                    let ok = apply(&mut *lab, key, &Value::Num(c));
                    if ok && c != v && !range.contains(v) {
                        let side = if v < range.min { "small" } else { "large" };
                        status::warn(&format!(
                            "{} {typed} is too {side}; clamped to {}",
                            row.label,
                            range.display(c)
                        ));
                    }
                }
                None => {
                    let kept = row.display(&row.get(lab.state()));
                    sync(&mut *lab);
                    status::warn(&format!(
                        "{} {typed:?} is not a number; kept {kept}",
                        row.label
                    ));
                }
            }
        })?;
        let mut l = lab.borrow_mut();
        let (state, controls) = l.parts();
        controls.widgets.push(Widget {
            key: row.key,
            wrap,
            input: Input::Field(t),
        });
        controls.sync(L::table(), state);
    }
    Ok(())
}

/// Builds every row of the lab's table inside `parent`, in table order.
pub fn build_all<L: Tabled>(lab: &Rc<RefCell<L>>, parent: &Element) -> Result<(), JsValue> {
    let keys: Vec<&str> = L::table().keys().collect();
    build(lab, parent, &keys)
}

/// Builds a choice row as a segmented bar of buttons (`role="tab"`, the chosen one `active`)
/// — for a lab's sub-views. Each button's id is `{id_prefix}-{option key}`; the bar gets
/// `class` and the row's `data-key`.
pub fn segmented<L: Tabled>(
    lab: &Rc<RefCell<L>>,
    parent: &Element,
    key: &str,
    class: &str,
    id_prefix: &str,
) -> Result<(), JsValue> {
    let row = L::table()
        .row(key)
        .ok_or_else(|| JsValue::from_str(&format!("no setting {key:?}")))?;
    let Kind::Choice { options, .. } = &row.kind else {
        return Err(JsValue::from_str("a segmented bar needs a choice row"));
    };
    let bar = dom::el(parent, "div", class)?;
    bar.set_attribute("role", "tablist")?;
    bar.set_attribute("aria-label", row.label)?;
    bar.set_attribute("data-key", row.key)?;
    let mut bs = Vec::with_capacity(options.len());
    for (i, o) in options.iter().enumerate() {
        let (l, k) = (lab.clone(), row.key);
        let b = dom::button(&bar, o.label, row.tip, move || {
            apply(&mut *l.borrow_mut(), k, &Value::Pick(i));
        })?;
        b.set_attribute("role", "tab")?;
        b.set_id(&format!("{id_prefix}-{}", o.key));
        bs.push(b);
    }
    let mut l = lab.borrow_mut();
    let (state, controls) = l.parts();
    controls.widgets.push(Widget {
        key: row.key,
        wrap: bar,
        input: Input::Segmented(bs),
    });
    controls.sync(L::table(), state);
    Ok(())
}

fn widget<L: Tabled>(
    lab: &Rc<RefCell<L>>,
    parent: &Element,
    row: &'static Setting<L::State>,
) -> Result<Widget, JsValue> {
    let check = matches!(row.kind, Kind::Toggle { .. });
    let wrap = dom::el(parent, "label", if check { "ctl ctl-check" } else { "ctl" })?;
    wrap.set_attribute("data-key", row.key)?;
    wrap.set_title(row.tip);
    let key = row.key;
    let input = match &row.kind {
        Kind::Number { range, .. } => {
            dom::text(&wrap, "span", "ctl-name", row.label)?;
            let i = dom::el(&wrap, "input", "")?.dyn_into::<HtmlInputElement>()?;
            i.set_type("range");
            let (lo, hi, step) = range.slider();
            i.set_min(&lo.to_string());
            i.set_max(&hi.to_string());
            i.set_step(&step.to_string());
            let out = dom::el(&wrap, "output", "ctl-value")?;
            let (l, i2, range) = (lab.clone(), i.clone(), *range);
            dom::on(&i, "input", move |_: web_sys::Event| {
                let pos = i2.value_as_number();
                if pos.is_finite() {
                    apply(
                        &mut *l.borrow_mut(),
                        key,
                        &Value::Num(range.from_position(pos)),
                    );
                }
            })?;
            let zero = match range.zero {
                Some(name) => Some(zero_box(lab, parent, row, name, &i, range)?),
                None => None,
            };
            Input::Slider(i, out, zero)
        }
        Kind::Choice { options, .. } => {
            dom::text(&wrap, "span", "ctl-name", row.label)?;
            let sel = dom::el(&wrap, "select", "")?.dyn_into::<HtmlSelectElement>()?;
            for (k, o) in options.iter().enumerate() {
                let e = dom::text(&sel, "option", "", o.label)?;
                e.set_attribute("value", &k.to_string())?;
            }
            let (l, s2) = (lab.clone(), sel.clone());
            dom::on(&sel, "change", move |_: web_sys::Event| {
                let k = s2.selected_index();
                if k >= 0 {
                    apply(&mut *l.borrow_mut(), key, &Value::Pick(k as usize));
                }
            })?;
            Input::Select(sel)
        }
        Kind::Toggle { .. } => {
            let c = dom::el(&wrap, "input", "")?.dyn_into::<HtmlInputElement>()?;
            c.set_type("checkbox");
            dom::text(&wrap, "span", "ctl-name", row.label)?;
            let (l, c2) = (lab.clone(), c.clone());
            dom::on(&c, "change", move |_: web_sys::Event| {
                apply(&mut *l.borrow_mut(), key, &Value::Flag(c2.checked()));
            })?;
            Input::Check(c)
        }
        Kind::Text { max_len, .. } => {
            dom::text(&wrap, "span", "ctl-name", row.label)?;
            let t = dom::el(&wrap, "input", "ctl-text")?.dyn_into::<HtmlInputElement>()?;
            t.set_type("text");
            t.set_max_length(*max_len as i32);
            t.set_attribute("spellcheck", "false")?;
            let (l, t2) = (lab.clone(), t.clone());
            dom::on(&t, "change", move |_: web_sys::Event| {
                apply(&mut *l.borrow_mut(), key, &Value::Text(t2.value()));
            })?;
            Input::Text(t)
        }
    };
    Ok(Widget { key, wrap, input })
}

/// The checkbox beside the slider of a range that also admits 0 (a temperature's T = 0 limit):
/// checked sets 0, unchecked the slider's value.
fn zero_box<L: Tabled>(
    lab: &Rc<RefCell<L>>,
    parent: &Element,
    row: &'static Setting<L::State>,
    name: &str,
    slider: &HtmlInputElement,
    range: crate::core::settings::Range,
) -> Result<(HtmlInputElement, HtmlElement), JsValue> {
    let wrap = dom::el(parent, "label", "ctl ctl-check")?;
    wrap.set_attribute("data-key", row.key)?;
    wrap.set_title(row.tip);
    let c = dom::el(&wrap, "input", "")?.dyn_into::<HtmlInputElement>()?;
    c.set_type("checkbox");
    dom::text(&wrap, "span", "ctl-name", name)?;
    let (l, c2, s2, key) = (lab.clone(), c.clone(), slider.clone(), row.key);
    dom::on(&c, "change", move |_: web_sys::Event| {
        let v = if c2.checked() {
            0.0
        } else {
            range.from_position(s2.value_as_number())
        };
        apply(&mut *l.borrow_mut(), key, &Value::Num(v));
    })?;
    Ok((c, wrap))
}

/// A button of a lab, described once: its stable key (for scenes and `hide=`), its text, its
/// tooltip and what it does.
pub struct Action<L: 'static> {
    /// Stable id (`data-key`).
    pub key: &'static str,
    /// The button's text.
    pub label: &'static str,
    /// Tooltip (names the keyboard shortcut if there is one).
    pub tip: &'static str,
    /// What pressing it does.
    pub run: fn(&mut L),
}

/// Builds the buttons of `actions` inside `parent`; after each press the lab's controls are
/// re-synced and the link marked out of date.
pub fn buttons<L: Tabled>(
    lab: &Rc<RefCell<L>>,
    parent: &Element,
    actions: &'static [Action<L>],
) -> Result<Vec<web_sys::HtmlButtonElement>, JsValue> {
    let mut out = Vec::with_capacity(actions.len());
    for a in actions {
        let l = lab.clone();
        let b = dom::button(parent, a.label, a.tip, move || {
            let mut lab = l.borrow_mut();
            (a.run)(&mut lab);
            sync(&mut *lab);
            mark_dirty();
        })?;
        b.set_attribute("data-key", a.key)?;
        out.push(b);
    }
    Ok(out)
}
