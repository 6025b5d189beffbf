//! Who is asking: passwords, sessions, the sign-up/sign-in rules, and API
//! keys (format, issuing, verification, usage, failed-check limits).

pub mod accounts;
pub mod activity;
pub mod app_cookies;
pub mod cookie_signing;
pub mod forget_log;
pub mod forgetting_cache;
pub mod ids;
pub mod jwt;
pub mod key_cache;
pub mod keys;
pub mod known_device;
pub mod password;
pub mod rate_limit;
pub mod role_cache;
pub mod session;
pub mod session_cache;
pub mod tokens;
pub mod usage;
pub mod verified_key;
pub mod verify;
