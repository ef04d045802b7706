//! Everything `scan` writes: the summary figures and the table, CSV, JSON and JSONL
//! renderings of the same findings, and the risk report (`--report DIR`: report.html,
//! findings.xlsx, report.md, all from [`write_reports`]). Only this module and `inspect`
//! write results.

mod context;
pub mod figures;
pub mod html;
mod html_findings;
mod html_quality;
mod html_sections;
mod json_line;
pub mod markdown;
pub mod provenance;
pub mod rules;
pub mod svg;
pub mod table;
pub mod text;
pub mod xlsx;
mod xlsx_sheets;

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::error::FileError;
use crate::finding::Finding;
use crate::ledger::{LedgerFile, Reject, value};
use crate::rule::{RuleSet, Severity, Status};
use crate::scan::ScanOutcome;

pub use context::{Lang, REPORT_FILES, ReportContext, write_reports};
pub use provenance::{Provenance, sha256_hex};

/// Version of the JSON document layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Per-file reconciliation: read = accepted + skipped + rejected.
#[derive(Debug, Serialize)]
pub struct FileSummary {
    pub path: String,
    pub container: String,
    pub encoding: String,
    pub dialect: String,
    pub units: Vec<String>,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_skipped: u64,
    pub rows_rejected: u64,
    pub rejects: Vec<Reject>,
}

/// Findings per rule.
#[derive(Debug, Serialize)]
pub struct RuleCount {
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    pub findings: u64,
    pub amount: String,
}

/// The headline figures of a scan.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub files_read: u64,
    pub files_failed: u64,
    pub units: u64,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_skipped: u64,
    pub rows_rejected: u64,
    /// Expense lines (positive debits on 支出 accounts, closing entries left out).
    pub expense_rows: u64,
    pub expense_amount: String,
    pub findings: u64,
    pub findings_by_severity: BTreeMap<Severity, u64>,
    pub draft_findings: u64,
    pub amount_flagged: String,
    pub by_rule: Vec<RuleCount>,
    pub rules_run: u64,
    pub rule_pack: String,
    pub fail_on: Severity,
    pub failed: bool,
    /// Findings set aside by a valid exception (listed under `suppressed`).
    pub suppressed: u64,
    /// Findings back because their exception expired.
    pub lapsed_exceptions: u64,
    /// Exception entries that matched nothing.
    pub stale_exceptions: u64,
    /// New / open / resolved against `--baseline`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::workflow::baseline::Counts>,
    pub fail_on_new: bool,
}

/// The `--format json` document.
#[derive(Debug, Serialize)]
pub struct Document<'a> {
    pub schema_version: u32,
    pub tool_version: &'static str,
    pub findings: &'a [Finding],
    pub summary: &'a Summary,
    pub files: &'a [FileSummary],
    /// Detector remarks: tests not applicable, computed calendars.
    pub notes: &'a [crate::scan::Note],
    /// Findings set aside by exceptions, each with its exception.
    pub suppressed: &'a [crate::workflow::exceptions::Suppressed],
    /// Exception entries that matched no finding.
    pub stale_exceptions: &'a [crate::workflow::exceptions::Stale],
    /// Findings of the baseline that are gone.
    pub resolved: &'a [crate::workflow::baseline::Resolved],
    pub errors: &'a [FileError],
}

pub fn file_summary(file: &LedgerFile) -> FileSummary {
    FileSummary {
        path: file.display.to_string(),
        container: file.container.clone(),
        encoding: file.encoding.clone(),
        dialect: file.dialect.clone(),
        units: file.units().into_iter().map(str::to_string).collect(),
        rows_read: file.rows_read,
        rows_accepted: file.rows_accepted(),
        rows_skipped: file.rows_skipped(),
        rows_rejected: file.rows_rejected(),
        rejects: file.rejects.clone(),
    }
}

/// True when a finding makes a scheduled check fail.
pub fn fails(finding: &Finding, fail_on: Severity) -> bool {
    finding.status == Status::Active && finding.severity >= fail_on
}

/// A file's expense lines (how many, their total debit in fen) and its units, in one
/// pass over its rows, a block of rows per worker (10 million rows: 0.15 s on one core,
/// 0.075 s in parallel; units and expense lines were two passes until 2026-12-06).
fn expense_lines_and_units(file: &LedgerFile) -> (u64, i64, Vec<&str>) {
    let (units, blocks) = file.units_and(
        || (file.expense_test(), 0, 0),
        |(is_expense, count, fen), row| {
            if is_expense(row) {
                *count += 1;
                *fen += row.debit;
            }
        },
    );
    let (count, fen) = (blocks.into_iter()).fold((0, 0), |a, (_, c, f)| (a.0 + c, a.1 + f));
    (count, fen, units)
}

pub fn summarize(outcome: &ScanOutcome, rules: &RuleSet, fail_on: Severity) -> Summary {
    let mut units: Vec<&str> = Vec::new();
    let mut expense_rows = 0;
    let mut expense_fen = 0i64;
    for file in &outcome.files {
        let (rows, fen, file_units) = expense_lines_and_units(file);
        expense_rows += rows;
        expense_fen += fen;
        units.extend(file_units);
    }
    units.sort_unstable();
    units.dedup();
    // Per rule: counted by the address of the rule id its findings share (a hash of a
    // number per finding, not a comparison of texts), then merged by text.
    let mut per_rule: rustc_hash::FxHashMap<usize, (&str, u64, i64)> = Default::default();
    let mut per_severity = [0u64; Severity::ALL.len()];
    let mut flagged_fen = 0i64;
    let mut draft = 0;
    for f in &outcome.findings {
        if f.status == Status::Draft {
            draft += 1;
            continue;
        }
        per_severity[f.severity as usize] += 1;
        let entry =
            (per_rule.entry(crate::finding::address(&f.rule_id))).or_insert((&f.rule_id, 0, 0));
        entry.1 += 1;
        entry.2 += f.amount_fen;
        flagged_fen += f.amount_fen;
    }
    let by_severity: BTreeMap<Severity, u64> = (Severity::ALL.iter())
        .map(|&s| (s, per_severity[s as usize]))
        .collect();
    let mut by_rule: BTreeMap<&str, (u64, i64)> = BTreeMap::new();
    for (id, count, fen) in per_rule.into_values() {
        let entry = by_rule.entry(id).or_default();
        entry.0 += count;
        entry.1 += fen;
    }
    let mut by_rule: Vec<RuleCount> = by_rule
        .into_iter()
        .map(|(id, (count, fen))| {
            let rule = rules.get(id);
            RuleCount {
                rule_id: id.to_string(),
                title: rule.map(|r| r.title.to_string()).unwrap_or_default(),
                severity: rule.map_or(Severity::Info, |r| r.severity),
                findings: count,
                amount: value::fen_to_decimal(fen),
            }
        })
        .collect();
    by_rule.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.findings.cmp(&a.findings))
            .then(a.rule_id.cmp(&b.rule_id))
    });
    Summary {
        files_read: outcome.files.len() as u64,
        files_failed: outcome.errors.len() as u64,
        units: units.len() as u64,
        rows_read: outcome.files.iter().map(|f| f.rows_read).sum(),
        rows_accepted: outcome.files.iter().map(LedgerFile::rows_accepted).sum(),
        rows_skipped: outcome.files.iter().map(LedgerFile::rows_skipped).sum(),
        rows_rejected: outcome.files.iter().map(LedgerFile::rows_rejected).sum(),
        expense_rows,
        expense_amount: value::fen_to_decimal(expense_fen),
        findings: outcome.findings.len() as u64 - draft,
        findings_by_severity: by_severity,
        draft_findings: draft,
        amount_flagged: value::fen_to_decimal(flagged_fen),
        by_rule,
        rules_run: rules.rules.len() as u64,
        rule_pack: rules.pack_hash.clone(),
        fail_on,
        failed: outcome.findings.iter().any(|f| {
            fails(f, fail_on)
                && (!outcome.workflow.fail_on_new
                    || f.baseline == Some(crate::workflow::baseline::Status::New))
        }),
        suppressed: outcome.workflow.suppressed.len() as u64,
        lapsed_exceptions: outcome.workflow.lapsed_exceptions,
        stale_exceptions: outcome.workflow.stale_exceptions.len() as u64,
        baseline: outcome.workflow.baseline.clone(),
        fail_on_new: outcome.workflow.fail_on_new,
    }
}

/// Writes `--format json`.
pub fn write_json(
    out: &mut dyn Write,
    outcome: &ScanOutcome,
    summary: &Summary,
) -> std::io::Result<()> {
    let files: Vec<FileSummary> = outcome.files.iter().map(file_summary).collect();
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: &outcome.findings,
        summary,
        files: &files,
        notes: &outcome.notes,
        suppressed: &outcome.workflow.suppressed,
        stale_exceptions: &outcome.workflow.stale_exceptions,
        resolved: &outcome.workflow.resolved,
        errors: &outcome.errors,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// Writes `--format jsonl`: one finding per line.
pub fn write_jsonl(
    out: &mut dyn Write,
    findings: &[Finding],
    suppressed: &[crate::workflow::exceptions::Suppressed],
) -> std::io::Result<()> {
    // Lines are rendered in parallel, a block at a time, and written in order. The
    // buffers serve every block (fresh ones for each cost the kernel zeroed pages).
    use rayon::prelude::*;
    const PART: usize = 4096;
    let mut bufs: Vec<Vec<u8>> = Vec::new();
    for block in findings.chunks(16 * PART) {
        let parts = block.len().div_ceil(PART);
        bufs.resize_with(bufs.len().max(parts), Vec::new);
        block
            .par_chunks(PART)
            .zip(bufs[..parts].par_iter_mut())
            .try_for_each(|(part, buf)| {
                buf.clear();
                for f in part {
                    json_line::write_finding(buf, f)?;
                    buf.push(b'\n');
                }
                serde_json::Result::Ok(())
            })?;
        for buf in &bufs[..parts] {
            out.write_all(buf)?;
        }
    }
    // Suppressed findings follow, each with the exception that set it aside.
    for s in suppressed {
        let mut value = serde_json::to_value(&s.finding)?;
        if let Some(map) = value.as_object_mut() {
            map.insert(
                "suppressed".to_string(),
                serde_json::to_value(&s.exception)?,
            );
        }
        serde_json::to_writer(&mut *out, &value)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Column headers of `--format csv`.
pub const CSV_HEADERS: [&str; 20] = [
    "rule_id",
    "severity",
    "status",
    "title",
    "message",
    "basis",
    "unit",
    "file",
    "sheet",
    "line",
    "voucher",
    "date",
    "account",
    "summary",
    "payee",
    "amount",
    "fingerprint",
    "baseline",
    "disposition",
    "exception",
];

/// Writes `--format csv` (UTF-8 with BOM so Excel on Chinese Windows opens it correctly).
/// Suppressed findings follow the others with `disposition = suppressed`.
pub fn write_csv(
    out: &mut dyn Write,
    findings: &[Finding],
    suppressed: &[crate::workflow::exceptions::Suppressed],
) -> std::io::Result<()> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CSV_HEADERS)?;
    let rows = findings
        .iter()
        .map(|f| (f, "active", f.exception_note.clone().unwrap_or_default()))
        .chain(suppressed.iter().map(|s| {
            let e = &s.exception;
            (
                &s.finding,
                "suppressed",
                format!(
                    "{} {} {} 至 {}",
                    e.reason.label(),
                    e.approved_by,
                    e.document,
                    e.expires
                ),
            )
        }));
    for (f, disposition, exception) in rows {
        let line = f.line.to_string();
        let baseline = match f.baseline {
            Some(crate::workflow::baseline::Status::New) => "new",
            Some(crate::workflow::baseline::Status::Open) => "open",
            None => "",
        };
        writer.write_record([
            &*f.rule_id,
            f.severity.name(),
            f.status.name(),
            &f.title,
            &neutralize_formula(&f.message),
            &f.basis,
            &neutralize_formula(&f.unit),
            &f.file,
            f.sheet.as_deref().unwrap_or(""),
            &line,
            &neutralize_formula(&f.voucher),
            &f.date,
            &neutralize_formula(&f.account),
            &neutralize_formula(&f.summary),
            &neutralize_formula(&f.payee),
            &f.amount,
            &f.fingerprint,
            baseline,
            disposition,
            &neutralize_formula(&exception),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// Ledger text is untrusted: a cell starting with `=`, `+`, `-` or `@` would run as a
/// formula when the CSV is opened in Excel, so it gets a leading apostrophe.
pub fn neutralize_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}
