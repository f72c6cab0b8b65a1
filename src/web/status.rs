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

/// Shows `msg` in the status line (and logs warnings and errors to the console).
pub fn show(level: Level, msg: &str) {
    if let Ok(doc) = dom::document() {
        if let Some(el) = doc.get_element_by_id("status") {
            el.set_text_content(Some(msg));
            el.set_class_name(match level {
                Level::Info => "status info",
                Level::Warn => "status warn",
                Level::Error => "status error",
            });
        }
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
