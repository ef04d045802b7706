//! The auditor's monthly workflow around a scan: exceptions with expiry, month-over-month
//! baselines, sampling for 票据抽查, JUnit output for CI dashboards, and `fundwatch init`.

pub mod baseline;
pub mod exceptions;
pub mod init;
pub mod junit;
pub mod sample;
