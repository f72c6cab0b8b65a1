//! Browser shell (filled in next).
