//! Exceptions (`exceptions.toml`): findings the supervision group has dealt with, named by
//! fingerprint or by rule + unit + voucher, each with a reason from a fixed list, who
//! approved it, a document number (批文号) and an expiry date.
//!
//! Exceptions fail open: an entry that has expired or is malformed suppresses nothing, and
//! the finding it aimed at comes back with a note saying so. Entries that match no finding
//! are reported as stale. Suppressed findings are counted and listed separately.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{self, ConfigError};
use crate::finding::Finding;

/// Why a finding may be set aside; a fixed list so reports can count by reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    #[serde(rename = "经批准", alias = "approved")]
    Approved,
    #[serde(rename = "已整改", alias = "rectified")]
    Rectified,
    #[serde(rename = "误报", alias = "false-positive")]
    FalsePositive,
    #[serde(rename = "另案处理", alias = "handled-elsewhere")]
    HandledElsewhere,
}

impl Reason {
    pub fn label(self) -> &'static str {
        match self {
            Reason::Approved => "经批准",
            Reason::Rectified => "已整改",
            Reason::FalsePositive => "误报",
            Reason::HandledElsewhere => "另案处理",
        }
    }
}

/// One entry as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voucher: Option<String>,
    pub reason: Reason,
    pub approved_by: String,
    pub document: String,
    pub expires: toml::value::Datetime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Entry {
    pub fn expiry(&self) -> Option<NaiveDate> {
        let d = self.expires.date?;
        NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
    }

    fn matches(&self, f: &Finding) -> bool {
        if let Some(fp) = &self.fingerprint {
            return *fp == f.fingerprint;
        }
        self.rule.as_deref() == Some(&*f.rule_id)
            && self.unit.as_deref() == Some(&*f.unit)
            && self.voucher.as_deref() == Some(&*f.voucher)
    }
}

/// A parsed entry or why it could not be used, with its location.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub entries: Vec<(usize, Entry)>,
    /// Malformed entries: `path:line:col: message`. They suppress nothing.
    pub problems: Vec<ConfigError>,
    pub path: String,
}

#[derive(Debug, Deserialize)]
struct File {
    #[serde(default)]
    exception: Vec<toml::Spanned<toml::Table>>,
}

/// Loads `path`. A file that is not TOML at all is an error; a bad entry is a problem
/// that is reported while the rest still apply.
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::io(path, &e))?;
    let file: File = toml::from_str(&text).map_err(|e| error::toml_error(path, &text, &e))?;
    let mut loaded = Loaded {
        entries: Vec::new(),
        problems: Vec::new(),
        path: path.display().to_string(),
    };
    for (idx, spanned) in file.exception.into_iter().enumerate() {
        let start = spanned.span().start;
        // Round-trip through TOML text: converting a `Value` directly loses date types.
        let entry_text = toml::to_string(&spanned.into_inner()).unwrap_or_default();
        let entry = toml::from_str::<Entry>(&entry_text)
            .map_err(|e| e.message().trim().to_string())
            .and_then(|entry: Entry| {
                if entry.fingerprint.is_none()
                    && (entry.rule.is_none() || entry.unit.is_none() || entry.voucher.is_none())
                {
                    Err(
                        "an exception needs `fingerprint`, or `rule` + `unit` + `voucher`"
                            .to_string(),
                    )
                } else if entry.expiry().is_none() {
                    Err("`expires` must be a date such as 2026-06-30".to_string())
                } else if entry.approved_by.trim().is_empty() || entry.document.trim().is_empty() {
                    Err("`approved_by` and `document` (批文号) must not be empty".to_string())
                } else {
                    Ok(entry)
                }
            });
        match entry {
            Ok(entry) => loaded.entries.push((idx, entry)),
            Err(message) => loaded.problems.push(
                ConfigError::at(path, &text, start, format!("exception #{} ignored: {message}", idx + 1))
                    .with_hint("reasons: 经批准 / 已整改 / 误报 / 另案处理 (approved, rectified, false-positive, handled-elsewhere)"),
            ),
        }
    }
    Ok(loaded)
}

/// A finding set aside by an exception.
#[derive(Debug, Clone, Serialize)]
pub struct Suppressed {
    pub finding: Finding,
    pub exception: Entry,
}

/// An entry that matched no finding.
#[derive(Debug, Clone, Serialize)]
pub struct Stale {
    pub index: usize,
    pub exception: Entry,
}

/// What applying exceptions did.
#[derive(Debug, Default, Serialize)]
pub struct Applied {
    pub suppressed: Vec<Suppressed>,
    pub stale: Vec<Stale>,
    /// Findings that came back because their exception expired.
    pub lapsed: u64,
}

/// Sets aside findings covered by a valid exception on `today` (expiry inclusive);
/// findings whose exception expired stay, with a note.
pub fn apply(findings: &mut Vec<Finding>, loaded: &Loaded, today: NaiveDate) -> Applied {
    let mut applied = Applied::default();
    let mut used = vec![false; loaded.entries.len()];
    let mut kept = Vec::with_capacity(findings.len());
    for mut finding in findings.drain(..) {
        let hit = loaded
            .entries
            .iter()
            .enumerate()
            .find(|(_, (_, e))| e.matches(&finding));
        match hit {
            Some((pos, (_, entry))) => {
                used[pos] = true;
                let expiry = entry.expiry().unwrap_or(today);
                if expiry >= today {
                    applied.suppressed.push(Suppressed {
                        finding,
                        exception: entry.clone(),
                    });
                } else {
                    applied.lapsed += 1;
                    finding.exception_note = Some(format!(
                        "例外已于 {expiry} 到期，本项重新列为问题（{}，{}） (exception lapsed)",
                        entry.document, entry.approved_by
                    ));
                    kept.push(finding);
                }
            }
            None => kept.push(finding),
        }
    }
    *findings = kept;
    for (pos, (index, entry)) in loaded.entries.iter().enumerate() {
        if !used[pos] {
            applied.stale.push(Stale {
                index: index + 1,
                exception: entry.clone(),
            });
        }
    }
    applied
}
