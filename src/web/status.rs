//! The status line: one place where the page says what happened (info, warnings, errors).

use super::dom;

/// How a message is styled.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Level {
    /// Neutral news ("stored pattern 3").
    Info,
    /// Something was refused or clamped; nothing was lost.
    Warn,
    /// Something failed.
    Error,
}

thread_local! {
    /// The most important message said before the status line existed (while labs are built).
    static PENDING: std::cell::RefCell<Option<(Level, String)>> = const { std::cell::RefCell::new(None) };
}

fn rank(l: Level) -> u8 {
    match l {
        Level::Info => 0,
        Level::Warn => 1,
        Level::Error => 2,
    }
}

/// Shows `msg` in the status line (and logs warnings and errors to the console).
pub fn show(level: Level, msg: &str) {
    let el = dom::document()
        .ok()
        .and_then(|d| d.get_element_by_id("status"));
    match el {
        Some(el) => {
            el.set_text_content(Some(msg));
            el.set_class_name(match level {
                Level::Info => "status info",
                Level::Warn => "status warn",
                Level::Error => "status error",
            });
        }
        None => PENDING.with(|p| {
            let mut p = p.borrow_mut();
            if p.as_ref().is_none_or(|(l, _)| rank(level) >= rank(*l)) {
                *p = Some((level, msg.to_string()));
            }
        }),
    }
    match level {
        Level::Info => {}
        Level::Warn => web_sys::console::warn_1(&msg.into()),
        Level::Error => web_sys::console::error_1(&msg.into()),
    }
}

/// Shows an informational message.
pub fn info(msg: &str) {
    show(Level::Info, msg);
}

/// Shows a warning (input refused or clamped).
pub fn warn(msg: &str) {
    show(Level::Warn, msg);
}

/// Shows what was said before the status line existed (called once it is in the page).
pub fn flush_pending() {
    if let Some((level, msg)) = PENDING.with(|p| p.borrow_mut().take()) {
        show(level, &msg);
    }
}
