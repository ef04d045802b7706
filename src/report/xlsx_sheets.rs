//! The two reference sheets of findings.xlsx: 规则 (every rule that ran, with its basis and
//! parameters) and 数据质量 (per-file reconciliation, rejected rows, unreadable files and
//! detector notes). Helpers and formats are in `xlsx.rs`.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::ReportContext;
use super::figures::Figures;
use super::xlsx::{Formats, QUALITY_SHEET, RULES_SHEET, header, money, text};
use crate::rule::Rule;
use crate::scan::Note;

/// Headers of 规则.
pub const RULES_HEADERS: [&str; 10] = [
    "规则编号",
    "规则名称",
    "级别",
    "状态",
    "类型",
    "依据",
    "可靠性",
    "参数",
    "发现数",
    "涉及金额（元）",
];

/// Headers of the first table of 数据质量.
pub const QUALITY_HEADERS: [&str; 9] = [
    "文件",
    "容器",
    "编码",
    "格式",
    "单位",
    "读取行数",
    "接受行数",
    "跳过行数",
    "拒绝行数",
];

/// What a rule is configured with: its detector table, or its scope and conditions.
pub fn rule_parameters(rule: &Rule) -> String {
    let mut parts = Vec::new();
    if let Some(table) = &rule.detector_table {
        let text = toml::to_string(table).unwrap_or_default();
        parts.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string),
        );
    }
    if !rule.scope.accounts.is_empty() {
        parts.push(format!("科目包含: {}", rule.scope.accounts.join("、")));
    }
    if !rule.scope.exclude_accounts.is_empty() {
        parts.push(format!(
            "排除科目: {}",
            rule.scope.exclude_accounts.join("、")
        ));
    }
    if let Some(w) = &rule.where_text {
        parts.push(format!("where: {}", w.trim()));
    }
    for (field, keywords) in &rule.keyword_text {
        parts.push(format!("{field}: {keywords}"));
    }
    parts.join("\n")
}

pub fn rules_sheet(ws: &mut Worksheet, ctx: &ReportContext, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(RULES_SHEET)?;
    header(
        ws,
        0,
        &RULES_HEADERS,
        &[10.0, 44.0, 6.0, 7.0, 16.0, 50.0, 7.0, 60.0, 8.0, 16.0],
        f,
    )?;
    let mut counts: BTreeMap<&str, (u64, i64)> = BTreeMap::new();
    for finding in &ctx.outcome.findings {
        let e = counts.entry(&*finding.rule_id).or_default();
        e.0 += 1;
        e.1 += finding.amount_fen;
    }
    let mut row = 1u32;
    for rule in &ctx.rules.rules {
        let (count, fen) = counts.get(&*rule.id).copied().unwrap_or_default();
        text(ws, row, 0, &rule.id, f)?;
        text(ws, row, 1, &rule.title, f)?;
        ws.write_string(row, 2, rule.severity.label_zh())?;
        ws.write_string(row, 3, rule.status.name())?;
        ws.write_string(row, 4, rule.kind())?;
        text(ws, row, 5, rule.basis_text(), f)?;
        ws.write_string(row, 6, format!("{:?}", rule.basis.source_tag))?;
        text(ws, row, 7, &rule_parameters(rule), f)?;
        ws.write_number_with_format(row, 8, count as f64, &f.int)?;
        money(ws, row, 9, fen, f)?;
        row += 1;
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 9)?;
    Ok(())
}

fn note_block(
    ws: &mut Worksheet,
    row: &mut u32,
    title: &str,
    notes: &[&Note],
    f: &Formats,
) -> Result<(), XlsxError> {
    *row += 1;
    ws.write_string_with_format(*row, 0, title, &f.section)?;
    *row += 1;
    header(ws, *row, &["单位", "规则", "说明"], &[], f)?;
    *row += 1;
    if notes.is_empty() {
        ws.write_string(*row, 0, "无")?;
        *row += 1;
    }
    for n in notes {
        text(ws, *row, 0, &n.unit, f)?;
        text(ws, *row, 1, &n.rule_id, f)?;
        text(ws, *row, 2, &n.message, f)?;
        *row += 1;
    }
    Ok(())
}

pub fn quality_sheet(
    ws: &mut Worksheet,
    ctx: &ReportContext,
    figs: &Figures,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(QUALITY_SHEET)?;
    header(
        ws,
        0,
        &QUALITY_HEADERS,
        &[44.0, 12.0, 12.0, 20.0, 50.0, 10.0, 10.0, 10.0, 10.0],
        f,
    )?;
    let mut row = 1u32;
    for file in &ctx.outcome.files {
        text(ws, row, 0, &file.display, f)?;
        text(ws, row, 1, &file.container, f)?;
        text(ws, row, 2, &file.encoding, f)?;
        text(ws, row, 3, &file.dialect, f)?;
        text(ws, row, 4, &file.units().join("、"), f)?;
        for (c, n) in [
            file.rows_read,
            file.rows_accepted(),
            file.rows_skipped(),
            file.rows_rejected(),
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_number_with_format(row, 5 + c as u16, n as f64, &f.int)?;
        }
        row += 1;
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 8)?;
    let s = ctx.summary;
    row += 1;
    ws.write_string_with_format(row, 0, "合计", &f.total)?;
    for c in 1..5 {
        ws.write_blank(row, c, &f.total)?;
    }
    for (c, n) in [
        s.rows_read,
        s.rows_accepted,
        s.rows_skipped,
        s.rows_rejected,
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_number_with_format(row, 5 + c as u16, n as f64, &f.total)?;
    }
    row += 2;

    ws.write_string_with_format(row, 0, "被拒绝的行", &f.section)?;
    row += 1;
    header(ws, row, &["文件", "工作表", "行号", "列", "原因"], &[], f)?;
    row += 1;
    let mut any = false;
    for file in &ctx.outcome.files {
        for r in &file.rejects {
            any = true;
            text(ws, row, 0, &file.display, f)?;
            text(ws, row, 1, r.sheet.as_deref().unwrap_or(""), f)?;
            ws.write_number_with_format(row, 2, r.line as f64, &f.int)?;
            if let Some(c) = r.column {
                ws.write_number_with_format(row, 3, c as f64, &f.int)?;
            }
            text(ws, row, 4, &r.reason, f)?;
            row += 1;
        }
    }
    if !any {
        ws.write_string(row, 0, "无")?;
        row += 1;
    }

    row += 1;
    ws.write_string_with_format(row, 0, "无法读取的文件", &f.section)?;
    row += 1;
    header(ws, row, &["文件", "原因"], &[], f)?;
    row += 1;
    if ctx.outcome.errors.is_empty() {
        ws.write_string(row, 0, "无")?;
        row += 1;
    }
    for e in &ctx.outcome.errors {
        text(ws, row, 0, &e.path, f)?;
        text(ws, row, 1, &e.message, f)?;
        row += 1;
    }
    note_block(
        ws,
        &mut row,
        "因缺少预算表、单位表或参数而跳过的检查",
        &figs.skipped_checks,
        f,
    )?;
    note_block(ws, &mut row, "不适用的检测", &figs.not_applicable, f)?;
    if !figs.other_notes.is_empty() {
        note_block(ws, &mut row, "其他说明", &figs.other_notes, f)?;
    }
    Ok(())
}
