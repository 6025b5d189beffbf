//! The shared test harness, by concern.
#![allow(dead_code)]

mod app;
mod app_browser;
mod audit;
mod dates;
mod db;
mod json;
pub mod lost_answers;
mod people;
mod pg_admin;
mod poll;
mod real_server;
mod receiver;
pub mod smtp;

pub use app::*;
pub use app_browser::*;
pub use audit::*;
pub use dates::*;
pub use db::*;
pub use json::*;
pub use people::*;
pub use pg_admin::*;
pub use poll::*;
pub use real_server::*;
pub use receiver::*;

/// Runs a test body once per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::support::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::support::Backend::Postgres).await })*
        }
    };
}
