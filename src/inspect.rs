//! `fundwatch inspect`: how each file was understood, so a month's exports can be checked
//! before a scan. Text for people, `--format json` for scripts.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::error::FileError;
use crate::ledger::{ChartVersion, LedgerFile, Reject, SkipKind};

/// One file as `inspect --format json` shows it.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub path: String,
    pub container: String,
    pub encoding: String,
    pub dialect: String,
    pub sheets: Vec<String>,
    pub header_line: Option<u64>,
    /// The unit(s) of the rows; one in the usual case.
    pub unit: String,
    pub units: Vec<String>,
    /// Where the unit came from: column, title row, file name or --unit.
    pub unit_source: String,
    /// Canonical field → header text.
    pub mapping: BTreeMap<String, String>,
    /// Canonical fields the file does not provide.
    pub missing: Vec<String>,
    /// Rows per chart of accounts in use (by date: ≤2021 → 2009, ≥2022 → 2021).
    pub chart_versions: BTreeMap<String, u64>,
    pub rows_read: u64,
    pub rows_accepted: u64,
    pub rows_skipped: u64,
    pub rows_rejected: u64,
    pub skipped: BTreeMap<SkipKind, u64>,
    pub rejects: Vec<Reject>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
struct FailedFile<'a> {
    path: &'a str,
    error: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Entry<'a> {
    Read(Box<FileReport>),
    Failed(FailedFile<'a>),
}

pub fn report(file: &LedgerFile) -> FileReport {
    let units: Vec<String> = file.units().into_iter().map(str::to_string).collect();
    let y2021 = file
        .rows
        .iter()
        .filter(|row| ChartVersion::for_date(row.date) == ChartVersion::Y2021)
        .count();
    let mut chart_versions = BTreeMap::new();
    for (key, count) in [("2009", file.rows.len() - y2021), ("2021", y2021)] {
        if count > 0 {
            chart_versions.insert(key.to_string(), count as u64);
        }
    }
    FileReport {
        path: file.display.to_string(),
        container: file.container.clone(),
        encoding: file.encoding.clone(),
        dialect: file.dialect.clone(),
        sheets: file
            .sheets
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect(),
        header_line: file.header_line,
        unit: units.join("、"),
        units,
        unit_source: file.unit_source.clone(),
        mapping: file
            .mapping
            .columns
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        missing: file.mapping.missing.clone(),
        chart_versions,
        rows_read: file.rows_read,
        rows_accepted: file.rows_accepted(),
        rows_skipped: file.rows_skipped(),
        rows_rejected: file.rows_rejected(),
        skipped: file.skipped.clone(),
        rejects: file.rejects.clone(),
        notes: file.notes.clone(),
    }
}

/// Units named on the terminal: a federation's combined export holds hundreds, so past
/// [`UNITS_SHOWN`] the line names the first ones and the count (`--format json` lists
/// them all).
fn units_line(units: &[String]) -> String {
    if units.len() <= UNITS_SHOWN {
        return units.join("、");
    }
    format!(
        "{} 等 {} 个单位（全部单位见 --format json）",
        units[..UNITS_SHOWN].join("、"),
        units.len()
    )
}

const UNITS_SHOWN: usize = 10;

pub fn write_json(
    out: &mut dyn Write,
    results: &[Result<LedgerFile, FileError>],
) -> std::io::Result<()> {
    let files: Vec<Entry> = results
        .iter()
        .map(|r| match r {
            Ok(file) => Entry::Read(Box::new(report(file))),
            Err(e) => Entry::Failed(FailedFile {
                path: &e.path,
                error: &e.message,
            }),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "files": files }))?;
    writeln!(out)
}

fn skip_label(kind: SkipKind) -> &'static str {
    match kind {
        SkipKind::Preamble => "标题/表头",
        SkipKind::Blank => "空行",
        SkipKind::Subtotal => "合计/小计",
        SkipKind::Carried => "期初/承前/过次",
        SkipKind::OtherSheet => "非账簿工作表",
    }
}

pub fn write_text(
    out: &mut dyn Write,
    results: &[Result<LedgerFile, FileError>],
    max_rejects: usize,
) -> std::io::Result<()> {
    for (idx, result) in results.iter().enumerate() {
        if idx > 0 {
            writeln!(out)?;
        }
        let file = match result {
            Ok(file) => report(file),
            Err(e) => {
                writeln!(out, "{}\n  无法读取 (cannot read): {}", e.path, e.message)?;
                continue;
            }
        };
        writeln!(out, "{}", file.path)?;
        writeln!(
            out,
            "  格式: {}，编码: {}，方言: {}{}",
            file.container,
            file.encoding,
            file.dialect,
            if file.sheets.is_empty() {
                String::new()
            } else {
                format!("，工作表: {}", file.sheets.join(", "))
            }
        )?;
        writeln!(
            out,
            "  表头: 第 {} 行；单位: {}（来自 {}）",
            file.header_line.map_or("-".to_string(), |l| l.to_string()),
            units_line(&file.units),
            file.unit_source
        )?;
        let charts: Vec<String> = file
            .chart_versions
            .iter()
            .map(|(v, n)| format!("{v} 版 {n} 行"))
            .collect();
        writeln!(
            out,
            "  科目体系: {}",
            if charts.is_empty() {
                "-".to_string()
            } else {
                charts.join("，")
            }
        )?;
        let mapping: Vec<String> = file
            .mapping
            .iter()
            .map(|(k, v)| format!("{k} ← {v}"))
            .collect();
        writeln!(out, "  列映射: {}", mapping.join("; "))?;
        if !file.missing.is_empty() {
            writeln!(out, "  缺少字段: {}", file.missing.join(", "))?;
        }
        let skipped: Vec<String> = file
            .skipped
            .iter()
            .map(|(k, n)| format!("{} {n}", skip_label(*k)))
            .collect();
        writeln!(
            out,
            "  行数: 读取 {} = 接受 {} + 跳过 {}（{}） + 拒绝 {}",
            file.rows_read,
            file.rows_accepted,
            file.rows_skipped,
            skipped.join("，"),
            file.rows_rejected
        )?;
        for note in &file.notes {
            writeln!(out, "  注: {note}")?;
        }
        for reject in file.rejects.iter().take(max_rejects) {
            let sheet = reject
                .sheet
                .as_deref()
                .map(|s| format!("[{s}] "))
                .unwrap_or_default();
            let column = reject
                .column
                .map(|c| format!(" 第 {c} 列"))
                .unwrap_or_default();
            writeln!(
                out,
                "  拒绝: {sheet}第 {} 行{column}: {}",
                reject.line, reject.reason
            )?;
        }
        if file.rejects.len() > max_rejects {
            writeln!(
                out,
                "  … 另有 {} 行被拒绝 (--max-rejects 或 --format json 查看全部)",
                file.rejects.len() - max_rejects
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_units_are_counted_not_all_named() {
        let units = |n: usize| (1..=n).map(|i| format!("单位{i}")).collect::<Vec<_>>();
        assert_eq!(units_line(&units(2)), "单位1、单位2");
        assert_eq!(
            units_line(&units(UNITS_SHOWN)),
            units(UNITS_SHOWN).join("、")
        );
        let line = units_line(&units(1250));
        assert!(
            line.starts_with("单位1、单位2、") && line.contains("单位10 等 1250 个单位"),
            "{line}"
        );
        assert!(!line.contains("单位11"), "{line}");
    }
}
