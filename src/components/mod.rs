//! Reusable view pieces.

pub mod answer;
pub mod copy;
pub mod field;
pub mod icons;
pub mod key_status;
pub mod missing;
pub mod reveal;
pub mod shell;
pub mod table;
pub mod usage_chart;
pub mod verify_banner;
