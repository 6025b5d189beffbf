//! The `banata` commands besides serving: accounts (`user`) and the JWT
//! signing key (`jwt`), straight to the database; keys (`keys`), through the
//! admin API like any application.

pub mod jwt;
pub mod keys;
pub mod user;
