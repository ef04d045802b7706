//! Rendering of rules for people and scripts: `rules list`, `rules show`, `rules test`.

use std::io::Write;

use serde::Serialize;

use super::table::pad;
use crate::cli::InspectFormat;
use crate::rule::example::RuleTest;
use crate::rule::{Rule, RuleSet, Severity};

#[derive(Serialize)]
struct ListEntry<'a> {
    id: &'a str,
    title: &'a str,
    severity: Severity,
    kind: &'static str,
    status: &'static str,
    basis: String,
    source_tag: crate::rule::file::SourceTag,
    tags: &'a [String],
    source: &'a str,
}

pub fn write_list(
    out: &mut dyn Write,
    set: &RuleSet,
    format: InspectFormat,
) -> std::io::Result<()> {
    let all: Vec<&Rule> = set.rules.iter().chain(&set.retired).collect();
    match format {
        InspectFormat::Json => {
            let entries: Vec<ListEntry> = all
                .iter()
                .map(|r| ListEntry {
                    id: &r.id,
                    title: &r.title,
                    severity: r.severity,
                    kind: r.kind(),
                    status: r.status.name(),
                    basis: r.basis_text().to_string(),
                    source_tag: r.basis.source_tag,
                    tags: &r.tags,
                    source: &r.source,
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut *out,
                &serde_json::json!({ "rules": entries, "pack_hash": set.pack_hash }),
            )?;
            writeln!(out)
        }
        InspectFormat::Text => {
            writeln!(
                out,
                "{} {} {} {} {} 依据",
                pad("编号", 10),
                pad("级别", 6),
                pad("状态", 8),
                pad("类型", 18),
                pad("标题", 44)
            )?;
            for r in all {
                writeln!(
                    out,
                    "{} {} {} {} {} {}",
                    pad(&r.id, 10),
                    pad(r.severity.label_zh(), 6),
                    pad(r.status.name(), 8),
                    pad(r.kind(), 18),
                    pad(&r.title, 44),
                    r.basis_text()
                )?;
            }
            Ok(())
        }
    }
}

pub fn write_show(out: &mut dyn Write, rule: &Rule) -> std::io::Result<()> {
    writeln!(out, "{}  {}", rule.id, rule.title)?;
    writeln!(
        out,
        "级别: {} ({})  状态: {}  标签: {}",
        rule.severity.label_zh(),
        rule.severity.name(),
        rule.status.name(),
        rule.tags.join("、")
    )?;
    writeln!(out, "来源文件: {}", rule.source)?;
    writeln!(out, "\n依据: {}", rule.basis_text())?;
    writeln!(out, "  可靠性: {:?}", rule.basis.source_tag)?;
    if let Some(note) = &rule.basis.note {
        writeln!(out, "  说明: {note}")?;
    }
    writeln!(out, "\n查什么 (what):\n  {}", rule.docs.what.trim())?;
    writeln!(out, "\n为什么 (why):\n  {}", rule.docs.why.trim())?;
    if !rule.docs.limitations.trim().is_empty() {
        writeln!(
            out,
            "\n局限 (limitations):\n  {}",
            rule.docs.limitations.trim()
        )?;
    }
    writeln!(out, "\n范围 (scope): lines = {:?}", rule.scope.lines)?;
    if !rule.scope.accounts.is_empty() {
        writeln!(out, "  科目包含: {}", rule.scope.accounts.join("、"))?;
    }
    if !rule.scope.exclude_accounts.is_empty() {
        writeln!(
            out,
            "  排除科目: {}",
            rule.scope.exclude_accounts.join("、")
        )?;
    }
    if let Some(table) = &rule.detector_table {
        writeln!(
            out,
            "检测器 (detector): {}",
            toml::to_string(table)
                .unwrap_or_default()
                .trim()
                .replace('\n', "; ")
        )?;
    }
    writeln!(out, "条件 (match):")?;
    if let Some(w) = &rule.where_text {
        writeln!(out, "  where: {w}")?;
    }
    for (field, text) in &rule.keyword_text {
        writeln!(out, "  {field}: {text}")?;
    }
    writeln!(out, "提示语 (message): {}", rule.message.source)?;
    writeln!(out, "\n示例 (examples):")?;
    for (idx, e) in rule.examples.iter().enumerate() {
        let amount = e
            .debit
            .as_ref()
            .map(|m| format!("借 {}", money_text(m)))
            .or_else(|| e.credit.as_ref().map(|m| format!("贷 {}", money_text(m))))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:>2}. [{}] 「{}」 {} {} {} {}",
            idx + 1,
            serde_json::to_value(e.expect)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            e.summary,
            e.account,
            amount,
            e.payee,
            if e.note.is_empty() {
                String::new()
            } else {
                format!("— {}", e.note)
            }
        )?;
    }
    Ok(())
}

fn money_text(m: &crate::rule::file::Money) -> String {
    match m {
        crate::rule::file::Money::Int(i) => i.to_string(),
        crate::rule::file::Money::Float(f) => format!("{f:.2}"),
        crate::rule::file::Money::Text(t) => t.clone(),
    }
}

pub fn write_tests(out: &mut dyn Write, results: &[RuleTest]) -> std::io::Result<()> {
    let mut passed = 0;
    let mut failed = 0;
    for t in results {
        let ok = t.passed();
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
        writeln!(
            out,
            "{} {} ({} examples{}) {}",
            if ok { "PASS" } else { "FAIL" },
            t.rule_id,
            t.examples,
            if t.known_gaps.is_empty() {
                String::new()
            } else {
                format!(", {} known gap(s)", t.known_gaps.len())
            },
            t.source
        )?;
        for f in &t.failures {
            writeln!(out, "    ✗ {f}")?;
        }
        for g in &t.known_gaps {
            writeln!(out, "    ~ {g}")?;
        }
    }
    writeln!(out, "rules: {passed} passed, {failed} failed")
}
