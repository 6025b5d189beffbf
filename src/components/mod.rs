//! Reusable view pieces.

pub mod field;
pub mod shell;
