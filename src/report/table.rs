//! The terminal table: counts by severity and by rule first, then each finding. Chinese
//! labels; CJK characters count as two columns when aligning.

use std::io::Write;

use super::Summary;
use crate::error::FileError;
use crate::finding::Finding;
use crate::ledger::value;

/// Display width: CJK and other wide characters take two columns.
pub fn width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Pads `text` with spaces to `cols` display columns.
pub fn pad(text: &str, cols: usize) -> String {
    let w = width(text);
    format!("{text}{}", " ".repeat(cols.saturating_sub(w)))
}

fn yuan(decimal: &str) -> String {
    value::parse_amount(decimal).map_or_else(|_| decimal.to_string(), value::format_fen)
}

/// The notes as the terminal shows them. A federation's scan gives every unit the same
/// remarks (no parameter for its province, year after year): 125 unions made 4,500
/// lines. So the years of a remark that starts with one (`2022 年：…`) are put together,
/// and a remark several units share is one line with the count and the first units
/// (`--format json` keeps every note of every unit).
fn note_lines(notes: &[crate::scan::Note]) -> Vec<String> {
    use std::collections::BTreeMap;
    // (unit, rule, remark without its year) → years.
    let mut years: BTreeMap<(&str, &str, &str), Vec<&str>> = BTreeMap::new();
    for n in notes {
        let (year, rest) = match n.message.split_once(" 年：") {
            Some((year, rest)) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => {
                (Some(year), rest)
            }
            _ => (None, n.message.as_str()),
        };
        let entry = years.entry((&n.unit, &n.rule_id, rest)).or_default();
        entry.extend(year);
    }
    // (rule, remark with its years) → units, in unit order.
    let mut units: BTreeMap<(&str, String), Vec<&str>> = BTreeMap::new();
    for ((unit, rule, rest), mut years) in years {
        years.sort_unstable();
        years.dedup();
        let message = if years.is_empty() {
            rest.to_string()
        } else {
            format!("{} 年：{rest}", years.join("、"))
        };
        units.entry((rule, message)).or_default().push(unit);
    }
    let mut lines: Vec<(&str, String)> = units
        .into_iter()
        .map(|((rule, message), units)| {
            let line = match units.as_slice() {
                [unit] => format!("{unit} {rule}: {message}"),
                [_, _] | [_, _, _] => format!("{} {rule}: {message}", units.join("、")),
                _ => format!(
                    "{} 等 {} 个单位 {rule}: {message}",
                    units[..3].join("、"),
                    units.len()
                ),
            };
            (units[0], line)
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, line)| line).collect()
}

pub fn write_table(
    out: &mut dyn Write,
    findings: &[Finding],
    summary: &Summary,
    notes: &[crate::scan::Note],
    workflow: &crate::scan::Workflow,
    errors: &[FileError],
) -> std::io::Result<()> {
    writeln!(out, "fundwatch 扫描结果")?;
    writeln!(
        out,
        "  文件 {} 个（无法读取 {} 个），单位 {} 个；行数：读取 {} = 接受 {} + 跳过 {} + 拒绝 {}",
        summary.files_read + summary.files_failed,
        summary.files_failed,
        summary.units,
        summary.rows_read,
        summary.rows_accepted,
        summary.rows_skipped,
        summary.rows_rejected
    )?;
    writeln!(
        out,
        "  支出分录 {} 行，金额 {} 元；规则 {} 条",
        summary.expense_rows,
        yuan(&summary.expense_amount),
        summary.rules_run
    )?;
    let by_sev: Vec<String> = crate::rule::Severity::ALL
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s.label_zh(),
                summary.findings_by_severity.get(s).copied().unwrap_or(0)
            )
        })
        .collect();
    writeln!(
        out,
        "  发现问题 {} 项（{}），涉及金额 {} 元{}",
        summary.findings,
        by_sev.join(" · "),
        yuan(&summary.amount_flagged),
        if summary.draft_findings > 0 {
            format!("；草稿规则另有 {} 项（不计入）", summary.draft_findings)
        } else {
            String::new()
        }
    )?;
    if !errors.is_empty() {
        writeln!(out, "\n无法读取的文件:")?;
        for e in errors {
            writeln!(out, "  {e}")?;
        }
    }
    if summary.rows_rejected > 0 {
        writeln!(
            out,
            "  （有 {} 行被拒绝，详见 `fundwatch inspect` 或 --format json 的 files[].rejects）",
            summary.rows_rejected
        )?;
    }
    if !summary.by_rule.is_empty() {
        writeln!(out, "\n按规则:")?;
        for r in &summary.by_rule {
            writeln!(
                out,
                "  {} {} {} {:>5} 项 {:>16} 元",
                pad(r.severity.label_zh(), 4),
                pad(&r.rule_id, 10),
                pad(&r.title, 44),
                r.findings,
                yuan(&r.amount)
            )?;
        }
    }
    if let Some(b) = &summary.baseline {
        writeln!(
            out,
            "  与上期比较：新增 {} 项，仍未整改 {} 项，已整改 {} 项{}",
            b.new,
            b.open,
            b.resolved,
            if summary.fail_on_new {
                "（只有新增问题会使检查失败）"
            } else {
                ""
            }
        )?;
    }
    if summary.suppressed > 0 || summary.lapsed_exceptions > 0 || summary.stale_exceptions > 0 {
        writeln!(
            out,
            "  例外：已豁免 {} 项，例外过期重新列出 {} 项，过时（未匹配任何问题）的例外 {} 条",
            summary.suppressed, summary.lapsed_exceptions, summary.stale_exceptions
        )?;
    }
    for problem in &workflow.exception_problems {
        writeln!(out, "  例外清单有误（已忽略该条）：{problem}")?;
    }
    if !notes.is_empty() {
        writeln!(out, "\n说明:")?;
        for line in note_lines(notes) {
            writeln!(out, "  {line}")?;
        }
    }
    if !findings.is_empty() {
        writeln!(out, "\n问题明细:")?;
    }
    for f in findings {
        let draft = if f.status == crate::rule::Status::Draft {
            "（草稿）"
        } else {
            ""
        };
        writeln!(
            out,
            "[{}] {} {}{}",
            f.severity.label_zh(),
            f.rule_id,
            f.title,
            draft
        )?;
        if f.file.is_empty() {
            writeln!(out, "    {}  {}", f.unit, f.period.as_deref().unwrap_or(""))?;
        } else {
            let sheet = f
                .sheet
                .as_deref()
                .map(|s| format!("[{s}]"))
                .unwrap_or_default();
            let voucher = if f.voucher.is_empty() {
                "-"
            } else {
                &f.voucher
            };
            writeln!(
                out,
                "    {}  {}{}:{}  凭证 {}  {}  {} 元",
                f.unit,
                f.file,
                sheet,
                f.line,
                voucher,
                f.date,
                yuan(&f.amount)
            )?;
        }
        writeln!(out, "    {}", f.message)?;
        if let Some(status) = f.baseline {
            let label = match status {
                crate::workflow::baseline::Status::New => "新增",
                crate::workflow::baseline::Status::Open => "上期已有，仍未整改",
            };
            writeln!(out, "    状态：{label}")?;
        }
        if let Some(note) = &f.exception_note {
            writeln!(out, "    {note}")?;
        }
        if f.evidence.len() > 1 {
            let lines: Vec<String> = f
                .evidence
                .iter()
                .take(8)
                .map(|e| format!("{}:{}", e.file, e.line))
                .collect();
            let more = if f.evidence.len() > 8 {
                format!(" 等 {} 行", f.evidence.len())
            } else {
                String::new()
            };
            writeln!(out, "    证据：{}{more}", lines.join("，"))?;
        }
        writeln!(out, "    依据：{}", f.basis)?;
    }
    if !workflow.suppressed.is_empty() {
        writeln!(out, "\n已豁免（例外清单）:")?;
        for s in &workflow.suppressed {
            let e = &s.exception;
            writeln!(
                out,
                "  {} {} {} {} {} 元 — {}，{}，{}，至 {}",
                s.finding.rule_id,
                s.finding.unit,
                s.finding.date,
                s.finding.voucher,
                yuan(&s.finding.amount),
                e.reason.label(),
                e.approved_by,
                e.document,
                e.expires
            )?;
        }
    }
    if !workflow.stale_exceptions.is_empty() {
        writeln!(out, "\n过时的例外（没有匹配到任何问题，可删除）:")?;
        for s in &workflow.stale_exceptions {
            let e = &s.exception;
            let target = e.fingerprint.clone().unwrap_or_else(|| {
                format!(
                    "{} {} {}",
                    e.rule.as_deref().unwrap_or(""),
                    e.unit.as_deref().unwrap_or(""),
                    e.voucher.as_deref().unwrap_or("")
                )
            });
            writeln!(out, "  第 {} 条：{target}（{}）", s.index, e.document)?;
        }
    }
    if !workflow.resolved.is_empty() {
        writeln!(out, "\n已整改（上期有、本期没有）:")?;
        for r in &workflow.resolved {
            writeln!(
                out,
                "  {} {} {} {} 「{}」 {} 元",
                r.rule_id,
                r.unit,
                r.date,
                r.voucher,
                r.summary,
                yuan(&r.amount)
            )?;
        }
    }
    // After a long listing the counts at the top have scrolled away (a federation's scan
    // lists thousands of findings): the total and the check's verdict once more.
    if !findings.is_empty() {
        let level = format!(
            "「{}」级及以上的{}问题（--fail-on {}）",
            summary.fail_on.label_zh(),
            if summary.fail_on_new { "新增" } else { "" },
            summary.fail_on.name()
        );
        let verdict = if summary.failed {
            format!("检查未通过：有{level}")
        } else {
            format!("检查通过：没有{level}")
        };
        writeln!(
            out,
            "\n共 {} 项问题（{}）。{verdict}",
            summary.findings,
            by_sev.join(" · ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::Note;

    fn note(unit: &str, rule: &str, message: &str) -> Note {
        Note {
            unit: unit.to_string(),
            rule_id: rule.to_string(),
            message: message.to_string(),
        }
    }

    #[test]
    fn shared_notes_are_one_line_with_their_years_and_units() {
        let mut notes = Vec::new();
        for unit in ["甲工会", "乙工会", "丙工会", "丁工会"] {
            for year in ["2023", "2022"] {
                notes.push(note(unit, "CAP-002", &format!("{year} 年：没有适用的参数")));
            }
        }
        notes.push(note("乙工会", "PAT-010", "本福特检验不适用: 85 行 < 500"));
        notes.push(note("乙工会", "CAP-011", "2024 年：没有适用的参数"));
        notes.push(note("甲工会", "PAT-010", "本福特检验不适用: 85 行 < 500"));
        notes.sort();
        assert_eq!(
            note_lines(&notes),
            [
                "丁工会、丙工会、乙工会 等 4 个单位 CAP-002: 2022、2023 年：没有适用的参数",
                "乙工会 CAP-011: 2024 年：没有适用的参数",
                "乙工会、甲工会 PAT-010: 本福特检验不适用: 85 行 < 500",
            ]
        );
    }
}
