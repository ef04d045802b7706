//! The risk report's entry point: [`write_reports`] renders report.html, findings.xlsx
//! and report.md from one [`ReportContext`] and one set of [`figures`](super::figures),
//! so the three cannot disagree.

use std::path::Path;

use serde::Serialize;

use super::{Provenance, Summary, figures, html, markdown, xlsx};
use crate::rule::RuleSet;
use crate::scan::ScanOutcome;

/// Language of report.html and report.md.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize, Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese (中文).
    #[default]
    Zh,
    /// English.
    En,
}

/// What the risk report is made of.
pub struct ReportContext<'a> {
    pub outcome: &'a ScanOutcome,
    pub summary: &'a Summary,
    pub rules: &'a RuleSet,
    pub lang: Lang,
    pub provenance: Provenance,
}

/// File names written by [`write_reports`].
pub const REPORT_FILES: [&str; 3] = ["report.html", "findings.xlsx", "report.md"];

/// Writes report.html, findings.xlsx and report.md into `dir` (created when missing).
/// The three are rendered from the same figures and are byte-identical across runs.
pub fn write_reports(dir: &Path, ctx: &ReportContext) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let figs = figures::compute(ctx.outcome);
    std::fs::write(dir.join("report.html"), html::render(ctx, &figs))?;
    std::fs::write(dir.join("findings.xlsx"), xlsx::render(ctx, &figs)?)?;
    std::fs::write(dir.join("report.md"), markdown::render(ctx, &figs))?;
    Ok(())
}
