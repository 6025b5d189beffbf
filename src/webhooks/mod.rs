//! Webhook delivery. A change writes its event and one pending delivery per
//! subscribed endpoint in its own transaction (`store::events`); the worker
//! in every instance (`worker.rs`) leases endpoints with deliveries due and
//! sends each endpoint's deliveries one at a time, in order, signed
//! (`signature.rs`), through a client that reaches only addresses the
//! operator allows (`address.rs`, `sender.rs`), retrying on the configured
//! schedule.

pub mod address;
pub mod sender;
pub mod signature;
pub mod worker;

pub use worker::Worker;
