//! Settings described once: every parameter of a lab is one [`Setting`] row — its link key,
//! label, tooltip, kind (range, choice, toggle, text), range, default, getter and validated
//! setter, and when it is shown. From the rows alone come the widgets (in the browser shell),
//! their sync, writing and reading the link (`#lab?key=value…`), `hide=`, the scripting API and
//! the lecture scenes (by key, never by visible text). The link's range is the control's range
//! by construction, because both are the row's [`Range`].
//!
//! Reading a link sets *every* row: the ones the link names to their values, the rest to their
//! defaults (`load`), so the state after a link or a lecture scene does not depend on what
//! came before. Numbers are written in the shortest form that reads back to the same `f64`
//! ([`format_number`]), so a saved link replays exactly.
//!
//! Pure data and string handling (no browser types): tables are checked natively (every default
//! in range and readable back, keys unique, links round-trip).

use super::params::Params;

/// A number setting's range and how its slider moves.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Smallest value (inclusive).
    pub min: f64,
    /// Largest value (inclusive).
    pub max: f64,
    /// Slider step: in the value's units (linear), or in decades (log).
    pub step: f64,
    /// The slider moves `log10(value)` (for rates and step sizes spanning decades).
    pub log: bool,
    /// Values must be whole numbers.
    pub int: bool,
    /// How the value is shown beside the slider.
    pub show: Show,
    /// Unit named after the value ("sweeps / frame"); empty for none.
    pub unit: &'static str,
    /// A link value outside the range is moved to its nearest end (with a message) instead of
    /// being refused.
    pub clamp: bool,
    /// Also admits 0, set by a checkbox beside the slider with this label (a temperature whose
    /// log slider cannot reach its T = 0 limit); `None` for none.
    pub zero: Option<&'static str>,
}

/// How a number is shown on screen (the link always carries the exact value).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Show {
    /// As many decimals as the slider step has.
    Step,
    /// A fixed number of decimals.
    Fixed(u8),
    /// With a sign and a fixed number of decimals.
    Signed(u8),
    /// Three significant digits.
    Sig,
    /// A fraction as a percentage.
    Percent,
    /// The shortest exact decimal, with an exponent below 10⁻³ ("0.003", "1e-4"), in ASCII
    /// (for a text field, which reads it back).
    Short,
}

impl Range {
    /// A linear range stepping by `step`.
    pub const fn lin(min: f64, max: f64, step: f64) -> Self {
        Self {
            min,
            max,
            step,
            log: false,
            int: false,
            show: Show::Step,
            unit: "",
            clamp: false,
            zero: None,
        }
    }

    /// Whole numbers from `min` to `max`.
    pub const fn int(min: f64, max: f64) -> Self {
        Self {
            int: true,
            ..Self::lin(min, max, 1.0)
        }
    }

    /// A logarithmic range (`0 < min < max`): the slider moves in steps of 1/50 decade and the
    /// value is shown with three significant digits.
    pub const fn log(min: f64, max: f64) -> Self {
        Self {
            min,
            max,
            step: 0.02,
            log: true,
            int: false,
            show: Show::Sig,
            unit: "",
            clamp: false,
            zero: None,
        }
    }

    /// Whole numbers from `min` to `max` on a logarithmic slider (speeds, counts).
    pub const fn log_int(min: f64, max: f64) -> Self {
        Self {
            int: true,
            show: Show::Fixed(0),
            ..Self::log(min, max)
        }
    }

    /// The same range with `show` as its display.
    pub const fn show(self, show: Show) -> Self {
        Self { show, ..self }
    }

    /// The same range with a unit named after the value.
    pub const fn unit(self, unit: &'static str) -> Self {
        Self { unit, ..self }
    }

    /// The same range, moving a link value outside it to its nearest end (with a message)
    /// instead of refusing it.
    pub const fn clamped(self) -> Self {
        Self {
            clamp: true,
            ..self
        }
    }

    /// The same range also admitting 0, set by a checkbox labelled `label` beside the slider.
    pub const fn or_zero(self, label: &'static str) -> Self {
        Self {
            zero: Some(label),
            ..self
        }
    }

    /// `v` moved into the range (rounded if the range is whole); `None` if `v` is not finite.
    pub fn clamp_value(&self, v: f64) -> Option<f64> {
        v.is_finite().then(|| {
            let v = if self.int { v.round() } else { v };
            v.clamp(self.min, self.max)
        })
    }

    /// The slider's position for value `v` (0 of an [`Range::or_zero`] range sits at `min`).
    pub fn position(&self, v: f64) -> f64 {
        if v == 0.0 && self.zero.is_some() {
            self.position(self.min)
        } else if self.log {
            v.max(f64::MIN_POSITIVE).log10()
        } else {
            v
        }
    }

    /// The slider's (min, max, step) in position units.
    pub fn slider(&self) -> (f64, f64, f64) {
        (self.position(self.min), self.position(self.max), self.step)
    }

    /// The value a slider position stands for: on the step grid (linear) or rounded to three
    /// significant digits (log), whole if the range is, inside the range.
    pub fn from_position(&self, pos: f64) -> f64 {
        let v = if self.log {
            round_sig(10f64.powf(pos), 3)
        } else {
            let k = ((pos - self.min) / self.step).round();
            round_decimals(self.min + k * self.step, decimals(self.step))
        };
        let v = if self.int { v.round() } else { v };
        v.clamp(self.min, self.max)
    }

    /// Whether `v` is a value of this range.
    pub fn contains(&self, v: f64) -> bool {
        (v == 0.0 && self.zero.is_some())
            || v.is_finite() && v >= self.min && v <= self.max && (!self.int || v.fract() == 0.0)
    }

    /// The value as shown beside the slider, with the unit.
    pub fn display(&self, v: f64) -> String {
        let s = match self.show {
            Show::Step if self.log => fmt_sig(v, 3),
            Show::Step => format!("{v:.*}", decimals(self.step) as usize),
            Show::Fixed(d) => format!("{v:.*}", d as usize),
            Show::Signed(d) => format!("{v:+.*}", d as usize),
            Show::Sig => fmt_sig(v, 3),
            Show::Percent => format!("{:.0} %", v * 100.0),
            Show::Short if v != 0.0 && v.abs() < 1e-3 => format!("{v:e}"),
            Show::Short => format!("{v}"),
        };
        // A typographic minus, except in the short form a text field must read back.
        let s = if self.show == Show::Short {
            s
        } else {
            s.replace('-', "−")
        };
        if self.unit.is_empty() {
            s
        } else {
            format!("{s} {}", self.unit)
        }
    }
}

/// One option of a choice: its link key and the label on screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Opt {
    /// Written in the link (stable).
    pub key: &'static str,
    /// Shown in the menu.
    pub label: &'static str,
}

/// An option (for tables).
pub const fn opt(key: &'static str, label: &'static str) -> Opt {
    Opt { key, label }
}

/// A setter's answer: `Err` says why a value was refused (the state is then unchanged).
pub type SetResult = Result<(), String>;

/// What a setting is, its default, and how the state reads and takes it.
pub enum Kind<S: 'static> {
    /// A number in a [`Range`] (a slider).
    Number {
        /// Values allowed, slider and display.
        range: Range,
        /// The value when a link does not name it.
        default: f64,
        /// Reads the current value.
        get: fn(&S) -> f64,
        /// Validated setter.
        set: fn(&mut S, f64) -> SetResult,
    },
    /// One of several options (a menu).
    Choice {
        /// The options, in menu order.
        options: &'static [Opt],
        /// Index of the default option.
        default: usize,
        /// Reads the index of the current option.
        get: fn(&S) -> usize,
        /// Validated setter (index into `options`).
        set: fn(&mut S, usize) -> SetResult,
    },
    /// On or off (a checkbox).
    Toggle {
        /// The value when a link does not name it.
        default: bool,
        /// Reads the current value.
        get: fn(&S) -> bool,
        /// Validated setter.
        set: fn(&mut S, bool) -> SetResult,
    },
    /// Short text (a text field), at most `max_len` characters; the setter validates it.
    Text {
        /// Longest text accepted.
        max_len: usize,
        /// The value when a link does not name it.
        default: &'static str,
        /// Reads the current value.
        get: fn(&S) -> String,
        /// Validated setter.
        set: fn(&mut S, &str) -> SetResult,
    },
}

/// A setting's value, whatever its kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number ([`Kind::Number`]).
    Num(f64),
    /// An option index ([`Kind::Choice`]).
    Pick(usize),
    /// On or off ([`Kind::Toggle`]).
    Flag(bool),
    /// Text ([`Kind::Text`]).
    Text(String),
}

/// One parameter of a lab, described once.
pub struct Setting<S: 'static> {
    /// Link key; also the stable id used by scenes, `hide=` and the scripting API.
    pub key: &'static str,
    /// What the user reads beside the control.
    pub label: &'static str,
    /// Tooltip, in the lecture's words.
    pub tip: &'static str,
    /// Kind, default, getter and setter.
    pub kind: Kind<S>,
    /// Whether the control is shown for the current state (others keep their values).
    pub visible: fn(&S) -> bool,
}

fn always<S>(_: &S) -> bool {
    true
}

/// `row`, shown only when `visible` holds (a free function, so that a table's element type
/// types the closures of both arguments).
pub const fn when<S: 'static>(visible: fn(&S) -> bool, row: Setting<S>) -> Setting<S> {
    Setting { visible, ..row }
}

impl<S: 'static> Setting<S> {
    /// A number row.
    pub const fn number(
        key: &'static str,
        label: &'static str,
        tip: &'static str,
        range: Range,
        default: f64,
        get: fn(&S) -> f64,
        set: fn(&mut S, f64) -> SetResult,
    ) -> Self {
        Self {
            key,
            label,
            tip,
            kind: Kind::Number {
                range,
                default,
                get,
                set,
            },
            visible: always::<S>,
        }
    }

    /// A choice row.
    pub const fn choice(
        key: &'static str,
        label: &'static str,
        tip: &'static str,
        options: &'static [Opt],
        default: usize,
        get: fn(&S) -> usize,
        set: fn(&mut S, usize) -> SetResult,
    ) -> Self {
        Self {
            key,
            label,
            tip,
            kind: Kind::Choice {
                options,
                default,
                get,
                set,
            },
            visible: always::<S>,
        }
    }

    /// A toggle row.
    pub const fn toggle(
        key: &'static str,
        label: &'static str,
        tip: &'static str,
        default: bool,
        get: fn(&S) -> bool,
        set: fn(&mut S, bool) -> SetResult,
    ) -> Self {
        Self {
            key,
            label,
            tip,
            kind: Kind::Toggle { default, get, set },
            visible: always::<S>,
        }
    }

    /// A text row.
    pub const fn text(
        key: &'static str,
        label: &'static str,
        tip: &'static str,
        max_len: usize,
        default: &'static str,
        get: fn(&S) -> String,
        set: fn(&mut S, &str) -> SetResult,
    ) -> Self {
        Self {
            key,
            label,
            tip,
            kind: Kind::Text {
                max_len,
                default,
                get,
                set,
            },
            visible: always::<S>,
        }
    }

    /// The value used when a link does not name this row.
    pub fn default_value(&self) -> Value {
        match &self.kind {
            Kind::Number { default, .. } => Value::Num(*default),
            Kind::Choice { default, .. } => Value::Pick(*default),
            Kind::Toggle { default, .. } => Value::Flag(*default),
            Kind::Text { default, .. } => Value::Text((*default).to_string()),
        }
    }

    /// The current value.
    pub fn get(&self, s: &S) -> Value {
        match &self.kind {
            Kind::Number { get, .. } => Value::Num(get(s)),
            Kind::Choice { get, .. } => Value::Pick(get(s)),
            Kind::Toggle { get, .. } => Value::Flag(get(s)),
            Kind::Text { get, .. } => Value::Text(get(s)),
        }
    }

    /// Checks `v` against the row's kind and range, then hands it to the setter.
    pub fn set(&self, s: &mut S, v: &Value) -> SetResult {
        match (&self.kind, v) {
            (Kind::Number { range, set, .. }, Value::Num(x)) => {
                if range.contains(*x) {
                    set(s, *x)
                } else {
                    Err(format!(
                        "{} must be {} from {} to {}{}",
                        self.label,
                        if range.int {
                            "a whole number"
                        } else {
                            "a number"
                        },
                        format_number(range.min),
                        format_number(range.max),
                        if range.zero.is_some() { " (or 0)" } else { "" }
                    ))
                }
            }
            (Kind::Choice { options, set, .. }, Value::Pick(i)) if *i < options.len() => set(s, *i),
            (Kind::Toggle { set, .. }, Value::Flag(b)) => set(s, *b),
            (Kind::Text { max_len, set, .. }, Value::Text(t)) if t.chars().count() <= *max_len => {
                set(s, t)
            }
            _ => Err(format!("{} cannot take that value", self.label)),
        }
    }

    /// Reads a link value of this row (the same range as the control's).
    pub fn parse(&self, raw: &str) -> Result<Value, String> {
        let shown = quote(raw);
        let bad = |what: &str| format!("link setting {}={shown} is not {what}", self.key);
        match &self.kind {
            Kind::Number { range, .. } => {
                let x: f64 = raw.trim().parse().map_err(|_| bad("a number"))?;
                if range.contains(x) {
                    Ok(Value::Num(x))
                } else if x.is_finite() && range.int && x.fract() != 0.0 {
                    Err(bad("a whole number"))
                } else {
                    Err(format!(
                        "link setting {}={shown} is outside {}…{}{}",
                        self.key,
                        format_number(range.min),
                        format_number(range.max),
                        if range.zero.is_some() { " (or 0)" } else { "" }
                    ))
                }
            }
            Kind::Choice { options, .. } => options
                .iter()
                .position(|o| o.key == raw)
                .map(Value::Pick)
                .ok_or_else(|| {
                    let keys: Vec<&str> = options.iter().map(|o| o.key).collect();
                    format!(
                        "link setting {}={shown} is not one of {}",
                        self.key,
                        keys.join(", ")
                    )
                }),
            Kind::Toggle { .. } => match raw {
                "1" | "true" => Ok(Value::Flag(true)),
                "0" | "false" => Ok(Value::Flag(false)),
                _ => Err(bad("0 or 1")),
            },
            Kind::Text { max_len, .. } => {
                if raw.chars().count() <= *max_len {
                    Ok(Value::Text(raw.to_string()))
                } else {
                    Err(format!(
                        "link setting {} is longer than {max_len} characters",
                        self.key
                    ))
                }
            }
        }
    }

    /// A link number outside a clamping row's range, moved to the nearest end (`None` for
    /// other rows, and for text that is not a finite number).
    pub fn clamp_link(&self, raw: &str) -> Option<Value> {
        match &self.kind {
            Kind::Number { range, .. } if range.clamp => raw
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(|x| range.clamp_value(x))
                .map(Value::Num),
            _ => None,
        }
    }

    /// Writes a value as the link carries it (reads back to the same value).
    pub fn format(&self, v: &Value) -> String {
        match (&self.kind, v) {
            (_, Value::Num(x)) => format_number(*x),
            (Kind::Choice { options, .. }, Value::Pick(i)) => {
                options.get(*i).map(|o| o.key).unwrap_or("").to_string()
            }
            (_, Value::Pick(i)) => i.to_string(),
            (_, Value::Flag(b)) => (if *b { "1" } else { "0" }).to_string(),
            (_, Value::Text(t)) => t.clone(),
        }
    }

    /// The value as shown on screen.
    pub fn display(&self, v: &Value) -> String {
        match (&self.kind, v) {
            (Kind::Number { range, .. }, Value::Num(x)) => range.display(*x),
            (Kind::Choice { options, .. }, Value::Pick(i)) => {
                options.get(*i).map(|o| o.label).unwrap_or("").to_string()
            }
            _ => self.format(v),
        }
    }
}

/// A lab's settings: its rows in the order they are applied (what others depend on first) and
/// a check that repairs combinations the rows cannot refuse one at a time (e.g. Wolff cluster
/// flips need h = 0), saying what it changed.
pub struct Table<S: 'static> {
    /// The rows, in the order a link is applied.
    pub rows: &'static [Setting<S>],
    /// Repairs an inconsistent combination after a change; returns a note for the user.
    pub fix: fn(&mut S) -> Option<String>,
}

fn no_fix<S>(_: &mut S) -> Option<String> {
    None
}

impl<S: 'static> Table<S> {
    /// A table without a combination check.
    pub const fn new(rows: &'static [Setting<S>]) -> Self {
        Self {
            rows,
            fix: no_fix::<S>,
        }
    }

    /// The same table with a combination check.
    pub const fn with_fix(self, fix: fn(&mut S) -> Option<String>) -> Self {
        Self { fix, ..self }
    }

    /// The row with link key `key`.
    pub fn row(&self, key: &str) -> Option<&'static Setting<S>> {
        self.rows.iter().find(|r| r.key == key)
    }

    /// Sets one row from a value (the control's path): checks range, calls the setter, then
    /// the combination check. Returns a note to show, if any.
    pub fn set(&self, s: &mut S, key: &str, v: &Value) -> Result<Option<String>, String> {
        let row = self
            .row(key)
            .ok_or_else(|| format!("there is no setting called {key:?}"))?;
        if row.get(s) != *v {
            row.set(s, v)?;
        }
        Ok((self.fix)(s))
    }

    /// Sets one row from its link text (the scripting API's path).
    pub fn set_text(&self, s: &mut S, key: &str, raw: &str) -> Result<Option<String>, String> {
        let row = self
            .row(key)
            .ok_or_else(|| format!("there is no setting called {key:?}"))?;
        let v = row.parse(raw)?;
        self.set(s, key, &v)
    }

    /// Applies a link: every row the link names is set to its value, every row it does not name
    /// to its default — so the state after a link or a scene does not depend on what came
    /// before. A value the row refuses (malformed, out of range, or refused by the setter) is
    /// reported and the current value kept.
    pub fn load(&self, s: &mut S, p: &Params) -> Vec<String> {
        let mut msgs = Vec::new();
        // Values a setter refused in the first pass, retried once all other rows are set (a
        // value may only be valid together with a later row, e.g. a rule with a grid size).
        let mut retry = Vec::new();
        for row in self.rows {
            let v = match p.get(row.key) {
                None => row.default_value(),
                Some(raw) => match row.parse(raw) {
                    Ok(v) => v,
                    Err(e) => match row.clamp_link(raw) {
                        Some(v) => {
                            msgs.push(format!("{e}; clamped to {}", row.format(&v)));
                            v
                        }
                        None => {
                            msgs.push(format!("{e}; kept {}", row.format(&row.get(s))));
                            continue;
                        }
                    },
                },
            };
            if row.get(s) != v && row.set(s, &v).is_err() {
                retry.push((row, v));
            }
        }
        for (row, v) in retry {
            if row.get(s) != v {
                if let Err(e) = row.set(s, &v) {
                    msgs.push(format!(
                        "link setting {}: {e}; kept {}",
                        row.key,
                        row.format(&row.get(s))
                    ));
                }
            }
        }
        if let Some(note) = (self.fix)(s) {
            msgs.push(note);
        }
        msgs
    }

    /// Writes the state into a link: every row that is shown or differs from its default (a
    /// hidden row at its default reads back as the default, so the link still replays).
    pub fn save(&self, s: &S, p: &mut Params) {
        for row in self.rows {
            let v = row.get(s);
            if (row.visible)(s) || v != row.default_value() {
                p.set(row.key, &row.format(&v));
            }
        }
    }

    /// The link keys this table reads.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.rows.iter().map(|r| r.key)
    }

    /// Problems with the table itself (for tests): duplicate keys, defaults outside their
    /// range or not readable back from their link text, empty choices, labels with no text.
    pub fn lint(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            if self.rows[..i].iter().any(|r| r.key == row.key) {
                out.push(format!("{}: duplicate key", row.key));
            }
            if row.label.trim().is_empty() || row.tip.trim().is_empty() {
                out.push(format!("{}: label and tooltip must say something", row.key));
            }
            let d = row.default_value();
            match &row.kind {
                Kind::Number { range, default, .. } => {
                    if !range.contains(*default) {
                        out.push(format!("{}: default {default} outside its range", row.key));
                    }
                    if range.min >= range.max
                        || range.step <= 0.0
                        || (range.log && range.min <= 0.0)
                    {
                        out.push(format!("{}: empty or malformed range", row.key));
                    }
                }
                Kind::Choice {
                    options, default, ..
                } => {
                    if *default >= options.len() {
                        out.push(format!("{}: default option missing", row.key));
                    }
                    for (k, o) in options.iter().enumerate() {
                        if options[..k].iter().any(|p| p.key == o.key) {
                            out.push(format!("{}: duplicate option {}", row.key, o.key));
                        }
                    }
                }
                Kind::Toggle { .. } => {}
                Kind::Text {
                    max_len, default, ..
                } => {
                    if default.chars().count() > *max_len {
                        out.push(format!("{}: default longer than allowed", row.key));
                    }
                }
            }
            match row.parse(&row.format(&d)) {
                Ok(back) if back == d => {}
                _ => out.push(format!(
                    "{}: default does not read back from the link",
                    row.key
                )),
            }
        }
        out
    }
}

/// A link value as a message shows it: control characters escaped, at most 40 characters.
fn quote(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars().take(40) {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    if raw.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Decimals needed to write multiples of `step` exactly (at most 9).
pub fn decimals(step: f64) -> u32 {
    (0..9)
        .find(|&d| {
            let x = step * 10f64.powi(d as i32);
            (x - x.round()).abs() < 1e-9 * x.abs().max(1.0)
        })
        .unwrap_or(9)
}

fn round_decimals(v: f64, d: u32) -> f64 {
    format!("{v:.*}", d as usize).parse().unwrap_or(v)
}

/// `v` rounded to `digits` significant digits.
pub fn round_sig(v: f64, digits: u32) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    format!("{v:.*e}", digits.saturating_sub(1) as usize)
        .parse()
        .unwrap_or(v)
}

/// `v` with three significant digits, without an exponent between 10⁻³ and 10⁶.
pub fn fmt_sig(v: f64, digits: u32) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let mag = v.abs().log10().floor() as i32;
    if (-3..6).contains(&mag) {
        let d = (digits as i32 - 1 - mag).max(0) as usize;
        format!("{v:.d$}")
    } else {
        format!("{v:.*e}", digits.saturating_sub(1) as usize)
    }
}

/// A number as a link carries it: the shortest text that reads back to the same `f64`
/// (exponent form for very small or large magnitudes).
pub fn format_number(v: f64) -> String {
    let a = v.abs();
    if v != 0.0 && !(1e-4..1e15).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Demo {
        t: f64,
        n: f64,
        pick: usize,
        on: bool,
        name: String,
    }

    const OPTS: [Opt; 3] = [opt("a", "Alpha"), opt("b", "Beta"), opt("c", "Gamma")];

    static ROWS: &[Setting<Demo>] = &[
        Setting::number(
            "T",
            "Temperature T",
            "temperature",
            Range::lin(0.5, 5.0, 0.01).show(Show::Fixed(3)),
            2.0,
            |s| s.t,
            |s, v| {
                s.t = v;
                Ok(())
            },
        ),
        Setting::number(
            "eps",
            "Step ε",
            "step size",
            Range::log(1e-6, 10.0),
            0.1,
            |s| s.n,
            |s, v| {
                s.n = v;
                Ok(())
            },
        ),
        Setting::choice(
            "pick",
            "Pick",
            "which",
            &OPTS,
            1,
            |s| s.pick,
            |s, i| {
                if i == 2 {
                    return Err("Gamma is not allowed here".into());
                }
                s.pick = i;
                Ok(())
            },
        ),
        when(
            |s| s.pick == 0,
            Setting::toggle(
                "on",
                "On",
                "switch",
                false,
                |s| s.on,
                |s, b| {
                    s.on = b;
                    Ok(())
                },
            ),
        ),
        Setting::text(
            "name",
            "Name",
            "a name",
            4,
            "ab",
            |s| s.name.clone(),
            |s, t| {
                s.name = t.to_string();
                Ok(())
            },
        ),
    ];

    static TABLE: Table<Demo> = Table::new(ROWS);

    #[test]
    fn table_is_well_formed() {
        assert_eq!(TABLE.lint(), Vec::<String>::new());
    }

    #[test]
    fn load_sets_named_rows_and_defaults_the_rest() {
        let mut s = Demo {
            t: 4.0,
            n: 3.0,
            pick: 0,
            on: true,
            name: "zz".into(),
        };
        let p = Params::parse("#demo?T=2.269&eps=1e-5").expect("parse");
        assert!(TABLE.load(&mut s, &p).is_empty());
        assert_eq!(s.t, 2.269);
        assert_eq!(s.n, 1e-5);
        assert_eq!(s.pick, 1, "unnamed rows go to their defaults");
        assert!(!s.on);
        assert_eq!(s.name, "ab");
    }

    #[test]
    fn refused_values_are_reported_and_the_current_value_kept() {
        let mut s = Demo {
            t: 3.0,
            pick: 0,
            ..Demo::default()
        };
        let p = Params::parse("#demo?T=9&eps=abc&pick=c&on=2&name=toolong").expect("parse");
        let msgs = TABLE.load(&mut s, &p);
        assert_eq!(msgs.len(), 5, "{msgs:?}");
        assert!(
            msgs[0].contains("T=9 ") && msgs[0].contains("0.5…5") && msgs[0].contains("kept 3"),
            "{}",
            msgs[0]
        );
        assert!(
            msgs.iter().any(|m| m.contains("Gamma is not allowed")),
            "{msgs:?}"
        );
        assert_eq!(s.t, 3.0);
        assert_eq!(s.pick, 0);
        assert_eq!(s.name, "");
    }

    #[test]
    fn save_round_trips_exactly_and_omits_hidden_defaults() {
        let mut s = Demo::default();
        TABLE.load(&mut s, &Params::new("demo"));
        s.t = 2.269_185_314_213_022;
        s.n = 1.234_567e-6;
        let mut p = Params::new("demo");
        TABLE.save(&s, &mut p);
        assert_eq!(p.get("on"), None, "hidden and at its default");
        let mut back = Demo::default();
        let q = Params::parse(&p.format()).expect("parse");
        assert!(TABLE.load(&mut back, &q).is_empty());
        assert_eq!(back.t, s.t);
        assert_eq!(back.n, s.n);
        s.on = true;
        let mut p = Params::new("demo");
        TABLE.save(&s, &mut p);
        assert_eq!(p.get("on"), Some("1"), "hidden but not at its default");
    }

    #[test]
    fn sliders_snap_to_their_grid_and_show_units() {
        let r = Range::lin(0.0, 0.5, 0.01);
        assert_eq!(r.from_position(0.30000000000000004), 0.3);
        assert_eq!(r.from_position(0.7), 0.5);
        let l = Range::log(1e-3, 10.0);
        assert_eq!(l.from_position(l.position(0.1234)), 0.123);
        let speed = Range::log_int(1.0, 10_000.0).unit("sweeps / frame");
        assert_eq!(speed.from_position(1.0), 10.0);
        assert_eq!(speed.display(10.0), "10 sweeps / frame");
        assert_eq!(
            Range::lin(-1.0, 1.0, 0.01)
                .show(Show::Signed(2))
                .display(-0.5),
            "−0.50"
        );
        assert!(!Range::int(1.0, 9.0).contains(2.5));
        let t = Range::log(0.01, 1000.0).or_zero("T = 0");
        assert!(t.contains(0.0) && t.contains(0.5) && !t.contains(0.001) && !t.contains(f64::NAN));
        assert!(!Range::log(0.01, 1000.0).contains(0.0));
        assert_eq!(
            t.position(0.0),
            t.position(0.01),
            "0 sits at the slider's left end"
        );
        assert_eq!(t.display(0.0), "0");
    }

    #[test]
    fn numbers_are_written_to_read_back_exactly() {
        for v in [
            0.0,
            1.0,
            0.1,
            2.269_185_314_213_022,
            1e-7,
            3e20,
            -0.25,
            1e-300,
        ] {
            let s = format_number(v);
            assert_eq!(s.parse::<f64>().expect("number"), v, "{s}");
            assert!(s.len() < 30, "{s}");
        }
        assert_eq!(fmt_sig(0.012345, 3), "0.0123");
        assert_eq!(fmt_sig(12345.0, 3), "12345");
        assert_eq!(decimals(0.05), 2);
        assert_eq!(decimals(1.0), 0);
    }

    static CLAMPED: Table<Demo> = Table::new(&[Setting::number(
        "T",
        "Temperature T",
        "temperature",
        Range::log(0.01, 100.0).clamped().show(Show::Short),
        1.0,
        |s| s.t,
        |s, v| {
            s.t = v;
            Ok(())
        },
    )]);

    #[test]
    fn clamping_rows_move_link_values_into_range_and_say_so() {
        assert_eq!(CLAMPED.lint(), Vec::<String>::new());
        let mut s = Demo::default();
        let msgs = CLAMPED.load(&mut s, &Params::parse("#demo?T=0").expect("parse"));
        assert_eq!(s.t, 0.01);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("T=0 ") && msgs[0].contains("clamped to 0.01"));
        CLAMPED.load(&mut s, &Params::parse("#demo?T=1e9").expect("parse"));
        assert_eq!(s.t, 100.0);
        // Not a number: refused, kept.
        let msgs = CLAMPED.load(&mut s, &Params::parse("#demo?T=NaN").expect("parse"));
        assert!(msgs[0].contains("kept 100"), "{msgs:?}");
        assert_eq!(s.t, 100.0);
        // Rows that do not clamp still refuse.
        let mut d = Demo::default();
        TABLE.load(&mut d, &Params::new("demo"));
        let msgs = TABLE.load(&mut d, &Params::parse("#demo?T=9").expect("parse"));
        assert!(msgs[0].contains("kept"), "{msgs:?}");
    }

    #[test]
    fn short_numbers_use_an_exponent_only_when_tiny() {
        let r = Range::log(1e-5, 0.1).show(Show::Short);
        assert_eq!(r.display(0.003), "0.003");
        assert_eq!(r.display(1e-4), "1e-4");
        assert_eq!(r.display(0.1), "0.1");
        assert_eq!(
            Range::int(10.0, 1e4).show(Show::Short).display(10_000.0),
            "10000"
        );
    }

    #[test]
    fn set_by_key_checks_range_and_kind() {
        let mut s = Demo::default();
        assert!(TABLE.set(&mut s, "T", &Value::Num(7.0)).is_err());
        assert!(TABLE.set(&mut s, "T", &Value::Flag(true)).is_err());
        assert!(TABLE.set(&mut s, "nope", &Value::Num(1.0)).is_err());
        assert_eq!(TABLE.set_text(&mut s, "T", "3.5"), Ok(None));
        assert_eq!(s.t, 3.5);
    }
}
