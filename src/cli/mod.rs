//! The `banata` commands besides serving: accounts (`user`, straight to the
//! database) and keys (`keys`, through the admin API like any application).

pub mod keys;
pub mod user;
