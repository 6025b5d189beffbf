//! Server functions, one file per resource. Each is thin: find out who is
//! asking, check they may, call the store, map errors.

pub mod auth;

#[cfg(feature = "ssr")]
mod ctx;
