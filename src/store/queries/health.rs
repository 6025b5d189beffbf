//! A round trip that touches no table, for readiness checks.

pub(in crate::store) const PING: &str = "SELECT 1";
