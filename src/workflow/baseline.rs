//! Month over month: compare a scan with the previous month's `--format json` output.
//! Each finding is `new` or still `open` (same fingerprint); findings of the baseline that
//! are gone are `resolved`. `--fail-on-new` makes a scheduled check fail only on new ones.
//!
//! Fingerprints do not depend on file names or line numbers, so a re-exported ledger
//! (other file name, other row order) keeps them.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::finding::Finding;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Open,
}

/// A finding of the baseline that no longer appears.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Resolved {
    pub fingerprint: String,
    #[serde(default)]
    pub rule_id: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub voucher: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub amount: String,
}

#[derive(Debug, Deserialize)]
struct Previous {
    findings: Vec<Resolved>,
    #[serde(default)]
    suppressed: Vec<PreviousSuppressed>,
}

#[derive(Debug, Deserialize)]
struct PreviousSuppressed {
    finding: Resolved,
}

/// Counts for the summary.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Counts {
    pub new: u64,
    pub open: u64,
    pub resolved: u64,
}

/// Loads the findings of a previous JSON document (suppressed ones included).
pub fn load(path: &Path) -> Result<Vec<Resolved>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::io(path, &e))?;
    let previous: Previous = serde_json::from_str(&text).map_err(|e| ConfigError {
        path: path.display().to_string(),
        line: e.line(),
        column: e.column(),
        message: format!("not a fundwatch JSON document (scan --format json): {e}"),
        hint: None,
    })?;
    let mut all = previous.findings;
    all.extend(previous.suppressed.into_iter().map(|s| s.finding));
    Ok(all)
}

/// Marks `findings` (and `suppressed`) new or open; returns the resolved ones.
pub fn compare<'a>(
    findings: impl Iterator<Item = &'a mut Finding>,
    previous: &[Resolved],
) -> (Counts, Vec<Resolved>) {
    let before: BTreeSet<&str> = previous.iter().map(|p| p.fingerprint.as_str()).collect();
    let mut now = BTreeSet::new();
    let mut counts = Counts::default();
    for f in findings {
        now.insert(f.fingerprint.clone());
        if before.contains(f.fingerprint.as_str()) {
            f.baseline = Some(Status::Open);
            counts.open += 1;
        } else {
            f.baseline = Some(Status::New);
            counts.new += 1;
        }
    }
    let mut resolved: Vec<Resolved> = previous
        .iter()
        .filter(|p| !now.contains(&p.fingerprint))
        .cloned()
        .collect();
    resolved.sort();
    resolved.dedup();
    counts.resolved = resolved.len() as u64;
    (counts, resolved)
}
