//! findings.xlsx: the workbook the supervision group works in. Sheets 汇总 (units × rules),
//! 明细 (every finding with its evidence, plus empty 处理意见 / 责任人 / 整改期限 columns
//! for the group to fill in), 规则 (the rules that ran) and 数据质量 (the reconciliation).
//! Sheet names and headers are Chinese in every language and must stay stable: a later
//! step reads the filled-in columns back, matched by 指纹. Ledger text is untrusted: it
//! is written with `write_string` under the text number format `@`, so a 摘要 such as
//! `=HYPERLINK(…)` stays a string. The creation date is fixed so the bytes are
//! identical across runs.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::figures::{Figures, UnitRisk, score_text};
use super::{ReportContext, xlsx_sheets};
use crate::finding::Finding;

pub const SUMMARY_SHEET: &str = "汇总";
pub const DETAIL_SHEET: &str = "明细";
pub const RULES_SHEET: &str = "规则";
pub const QUALITY_SHEET: &str = "数据质量";

/// Headers of 汇总.
pub const SUMMARY_HEADERS: [&str; 8] = [
    "排名",
    "单位",
    "风险分",
    "规则编号",
    "规则名称",
    "级别",
    "发现数",
    "涉及金额（元）",
];

/// Headers of 明细; the last three are filled in by the group and read back later.
pub const DETAIL_HEADERS: [&str; 23] = [
    "序号",
    "指纹",
    "状态",
    "级别",
    "规则编号",
    "规则名称",
    "单位",
    "日期",
    "期间",
    "凭证号",
    "科目",
    "摘要",
    "对方单位",
    "金额（元）",
    "说明",
    "依据",
    "文件",
    "工作表",
    "行号",
    "证据",
    "处理意见",
    "责任人",
    "整改期限",
];

/// Excel's limit on one cell's text (UTF-16 units), with room to spare.
const MAX_CELL_CHARS: usize = 32_000;

/// The shared cell formats.
pub struct Formats {
    pub header: Format,
    pub text: Format,
    pub money: Format,
    pub int: Format,
    pub total: Format,
    pub total_money: Format,
    pub section: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0x00F3_E8E2))
                .set_border_bottom(FormatBorder::Thin),
            text: Format::new().set_num_format("@"),
            money: Format::new().set_num_format("#,##0.00"),
            int: Format::new().set_num_format("0"),
            total: Format::new().set_bold().set_border_top(FormatBorder::Thin),
            total_money: Format::new()
                .set_bold()
                .set_num_format("#,##0.00")
                .set_border_top(FormatBorder::Thin),
            section: Format::new().set_bold().set_font_size(12),
        }
    }
}

/// Writes untrusted text as a string cell in text format (never a formula).
pub fn text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    let value: String = if value.chars().count() > MAX_CELL_CHARS {
        value
            .chars()
            .take(MAX_CELL_CHARS)
            .chain("…".chars())
            .collect()
    } else {
        value.to_string()
    };
    ws.write_string_with_format(row, col, value, &f.text)?;
    Ok(())
}

/// Money in fen as a number of yuan.
pub fn money(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    fen: i64,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.write_number_with_format(row, col, fen as f64 / 100.0, &f.money)?;
    Ok(())
}

/// A header row at `row` with the given widths; frozen and filtered when `row` is 0.
pub fn header(
    ws: &mut Worksheet,
    row: u32,
    headers: &[&str],
    widths: &[f64],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &f.header)?;
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    if row == 0 {
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(())
}

fn to_io(e: XlsxError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// The workbook's bytes.
pub fn render(ctx: &ReportContext, figs: &Figures) -> std::io::Result<Vec<u8>> {
    build(ctx, figs).map_err(to_io)
}

fn build(ctx: &ReportContext, figs: &Figures) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed date keeps the file byte-identical across runs.
    let created = ExcelDateTime::from_ymd(2025, 1, 1)?.and_hms(0, 0, 0)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("工会经费风险报告 · 问题清单")
            .set_author("fundwatch")
            .set_comment(format!(
                "fundwatch {} · rule pack {}",
                ctx.provenance.tool_version, ctx.provenance.rule_pack
            ))
            .set_creation_datetime(&created),
    );
    let f = Formats::new();
    summary_sheet(wb.add_worksheet(), figs, &f)?;
    detail_sheet(wb.add_worksheet(), &ctx.outcome.findings, &f)?;
    xlsx_sheets::rules_sheet(wb.add_worksheet(), ctx, &f)?;
    xlsx_sheets::quality_sheet(wb.add_worksheet(), ctx, figs, &f)?;
    wb.save_to_buffer()
}

fn summary_sheet(ws: &mut Worksheet, figs: &Figures, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY_SHEET)?;
    header(
        ws,
        0,
        &SUMMARY_HEADERS,
        &[6.0, 22.0, 9.0, 11.0, 44.0, 7.0, 8.0, 16.0],
        f,
    )?;
    // (unit, rule) → (severity, title, count, fen), active findings only.
    let mut cells: BTreeMap<(&str, &str), (&Finding, u64, i64)> = BTreeMap::new();
    for finding in &figs.active {
        let e = cells
            .entry((&*finding.unit, &*finding.rule_id))
            .or_insert((finding, 0, 0));
        e.1 += 1;
        e.2 += finding.amount_fen;
    }
    let mut row = 1u32;
    let mut total = (0u64, 0i64);
    let unit_row = |ws: &mut Worksheet, row: u32, u: &UnitRisk| -> Result<(), XlsxError> {
        ws.write_number_with_format(row, 0, u.rank as f64, &f.int)?;
        text(ws, row, 1, &u.unit, f)?;
        ws.write_number(row, 2, score_text(u.score).parse::<f64>().unwrap_or(0.0))?;
        Ok(())
    };
    for u in &figs.units {
        let mut lines: Vec<(&Finding, u64, i64)> = cells
            .range((u.unit.as_str(), "")..)
            .take_while(|((unit, _), _)| *unit == u.unit)
            .map(|(_, v)| *v)
            .collect();
        lines.sort_by(|a, b| {
            b.0.severity
                .cmp(&a.0.severity)
                .then(b.1.cmp(&a.1))
                .then(a.0.rule_id.cmp(&b.0.rule_id))
        });
        if lines.is_empty() {
            unit_row(ws, row, u)?;
            ws.write_number_with_format(row, 6, 0.0, &f.int)?;
            money(ws, row, 7, 0, f)?;
            row += 1;
        }
        for (finding, count, fen) in lines {
            unit_row(ws, row, u)?;
            text(ws, row, 3, &finding.rule_id, f)?;
            text(ws, row, 4, &finding.title, f)?;
            ws.write_string(row, 5, finding.severity.label_zh())?;
            ws.write_number_with_format(row, 6, count as f64, &f.int)?;
            money(ws, row, 7, fen, f)?;
            total.0 += count;
            total.1 += fen;
            row += 1;
        }
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 7)?;
    // Totals below the filtered range, after a blank row.
    let total_row = row + 1;
    ws.write_string_with_format(total_row, 0, "合计", &f.total)?;
    for c in 1..6 {
        ws.write_blank(total_row, c, &f.total)?;
    }
    ws.write_number_with_format(total_row, 6, total.0 as f64, &f.total)?;
    ws.write_number_with_format(total_row, 7, total.1 as f64 / 100.0, &f.total_money)?;
    Ok(())
}

/// One line per evidence row: `file[sheet]:line 凭证 日期 金额`.
fn evidence_text(finding: &Finding) -> String {
    finding
        .evidence
        .iter()
        .map(|e| {
            let sheet = e
                .sheet
                .as_deref()
                .map(|s| format!("[{s}]"))
                .unwrap_or_default();
            format!(
                "{}{sheet}:{} {} {} {}",
                e.file,
                e.line,
                e.voucher,
                e.date,
                crate::ledger::value::fen_to_decimal(e.amount_fen)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn detail_sheet(ws: &mut Worksheet, findings: &[Finding], f: &Formats) -> Result<(), XlsxError> {
    ws.set_name(DETAIL_SHEET)?;
    header(
        ws,
        0,
        &DETAIL_HEADERS,
        &[
            6.0, 19.0, 7.0, 6.0, 10.0, 30.0, 16.0, 11.0, 9.0, 9.0, 24.0, 30.0, 20.0, 14.0, 50.0,
            40.0, 30.0, 9.0, 7.0, 40.0, 24.0, 10.0, 12.0,
        ],
        f,
    )?;
    for (i, finding) in findings.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_number_with_format(row, 0, (i + 1) as f64, &f.int)?;
        text(ws, row, 1, &finding.fingerprint, f)?;
        let status = if finding.status == crate::rule::Status::Draft {
            "草稿"
        } else {
            "正式"
        };
        ws.write_string(row, 2, status)?;
        ws.write_string(row, 3, finding.severity.label_zh())?;
        text(ws, row, 4, &finding.rule_id, f)?;
        text(ws, row, 5, &finding.title, f)?;
        text(ws, row, 6, &finding.unit, f)?;
        text(ws, row, 7, &finding.date, f)?;
        text(ws, row, 8, finding.period.as_deref().unwrap_or(""), f)?;
        text(ws, row, 9, &finding.voucher, f)?;
        text(ws, row, 10, &finding.account, f)?;
        text(ws, row, 11, &finding.summary, f)?;
        text(ws, row, 12, &finding.payee, f)?;
        money(ws, row, 13, finding.amount_fen, f)?;
        text(ws, row, 14, &finding.message, f)?;
        text(ws, row, 15, &finding.basis, f)?;
        text(ws, row, 16, &finding.file, f)?;
        text(ws, row, 17, finding.sheet.as_deref().unwrap_or(""), f)?;
        if finding.line > 0 {
            ws.write_number_with_format(row, 18, finding.line as f64, &f.int)?;
        }
        text(ws, row, 19, &evidence_text(finding), f)?;
        // 处理意见 / 责任人 / 整改期限: empty, in text format, for the group to fill in.
        for c in 20..23 {
            ws.write_blank(row, c, &f.text)?;
        }
    }
    ws.autofilter(0, 0, (findings.len() as u32).max(1), 22)?;
    Ok(())
}
