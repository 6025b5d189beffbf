//! Who is asking: passwords, sessions, and the sign-up/sign-in rules.

pub mod accounts;
pub mod ids;
pub mod keys;
pub mod password;
pub mod session;
pub mod tokens;
