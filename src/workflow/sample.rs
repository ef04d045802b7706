//! `fundwatch sample`: draws expense lines for the half-yearly 票据抽查, by simple random
//! sampling or monetary-unit sampling (probability proportional to amount), optionally
//! per unit.
//!
//! Every line gets a key from SHA-256(seed, the line's content): random sampling takes
//! the smallest uniform keys, MUS the smallest exponential keys −ln(u)/amount
//! (Efraimidis–Spirakis weighted sampling without replacement). Because the key of a line
//! never depends on the others, the draw is reproducible from the seed, independent of
//! file names and order, and extendable: asking for more keeps the first picks.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ledger::{LedgerFile, value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Simple random sampling: every line equally likely.
    Random,
    /// Monetary-unit sampling: probability proportional to amount.
    Mus,
}

/// One drawn line.
#[derive(Debug, Clone, Serialize)]
pub struct Pick {
    pub rank: usize,
    pub unit: String,
    pub file: String,
    pub sheet: String,
    pub line: u64,
    pub date: String,
    pub voucher: String,
    pub account: String,
    pub summary: String,
    pub payee: String,
    pub amount: String,
    #[serde(skip)]
    key: f64,
}

fn uniform(seed: u64, identity: &str) -> f64 {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(identity.as_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    // (0, 1]: never zero, so ln() is finite.
    ((u64::from_le_bytes(bytes) >> 11) as f64 + 1.0) / (1u64 << 53) as f64
}

/// Draws `size` lines (per unit when `per_unit`) from the expense lines of `files`.
pub fn draw(
    files: &[LedgerFile],
    size: usize,
    seed: u64,
    method: Method,
    per_unit: bool,
) -> Vec<Pick> {
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut population: Vec<Pick> = Vec::new();
    let mut ordered: Vec<(&LedgerFile, &crate::ledger::Row)> = files
        .iter()
        .flat_map(|f| f.rows.iter().map(move |r| (f, r)))
        .filter(|(f, r)| f.is_expense(r))
        .collect();
    // Identical lines get an ordinal; order them by content so file order does not matter.
    ordered.sort_by_key(|(f, r)| {
        (
            f.strings.get(r.unit),
            r.date,
            f.strings.get(r.voucher),
            f.strings.get(r.summary),
            r.debit,
            f.display.clone(),
            r.line,
        )
    });
    for (file, row) in ordered {
        let s = |sym| file.strings.get(sym).to_string();
        let identity = format!(
            "{}|{}|{}|{}|{}|{}|{}",
            s(row.unit),
            row.date,
            s(row.voucher),
            s(row.account),
            s(row.summary),
            s(row.payee),
            row.debit
        );
        let n = seen.entry(identity.clone()).or_insert(0);
        *n += 1;
        let u = uniform(seed, &format!("{identity}#{n}"));
        let key = match method {
            Method::Random => u,
            Method::Mus => -u.ln() / row.debit as f64,
        };
        population.push(Pick {
            rank: 0,
            unit: s(row.unit),
            file: file.display.to_string(),
            sheet: file.sheet_name(row).unwrap_or("").to_string(),
            line: u64::from(row.line),
            date: row.date.format("%Y-%m-%d").to_string(),
            voucher: s(row.voucher),
            account: s(row.account),
            summary: s(row.summary),
            payee: s(row.payee),
            amount: value::fen_to_decimal(row.debit),
            key,
        });
    }
    population.sort_by(|a, b| {
        a.key
            .total_cmp(&b.key)
            .then_with(|| (&a.unit, &a.file, a.line).cmp(&(&b.unit, &b.file, b.line)))
    });
    let mut picks: Vec<Pick> = if per_unit {
        let mut taken: BTreeMap<String, usize> = BTreeMap::new();
        population
            .into_iter()
            .filter(|p| {
                let n = taken.entry(p.unit.clone()).or_insert(0);
                *n += 1;
                *n <= size
            })
            .collect()
    } else {
        population.into_iter().take(size).collect()
    };
    for (i, p) in picks.iter_mut().enumerate() {
        p.rank = i + 1;
    }
    picks
}

const HEADERS: [&str; 11] = [
    "序号",
    "单位",
    "文件",
    "工作表",
    "行号",
    "日期",
    "凭证号",
    "科目",
    "摘要",
    "往来单位",
    "金额",
];

fn cells(p: &Pick) -> [String; 11] {
    [
        p.rank.to_string(),
        p.unit.clone(),
        p.file.clone(),
        p.sheet.clone(),
        p.line.to_string(),
        p.date.clone(),
        p.voucher.clone(),
        p.account.clone(),
        crate::report::neutralize_formula(&p.summary).into_owned(),
        crate::report::neutralize_formula(&p.payee).into_owned(),
        p.amount.clone(),
    ]
}

/// Writes the picks as CSV (UTF-8 with BOM, for Excel).
pub fn write_csv(out: &mut dyn Write, picks: &[Pick]) -> std::io::Result<()> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADERS)?;
    for p in picks {
        w.write_record(cells(p))?;
    }
    w.flush()
}

/// Writes the picks as an xlsx sheet 抽样.
pub fn write_xlsx(
    path: &std::path::Path,
    picks: &[Pick],
    method: Method,
    seed: u64,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2024, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    sheet.set_name("抽样")?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (r, p) in picks.iter().enumerate() {
        for (c, v) in cells(p).iter().enumerate() {
            if c == 10 {
                sheet.write_number(r as u32 + 1, c as u16, v.parse::<f64>().unwrap_or(0.0))?;
            } else {
                sheet.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let note_row = picks.len() as u32 + 2;
    sheet.write_string(note_row, 0, format!("抽样方法 {method:?}，种子 {seed}：同一种子、同样的账簿总能得到相同结果；增加样本量时已抽中的行保持不变。"))?;
    book.save(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger() -> Vec<LedgerFile> {
        let rows: Vec<crate::rule::ExampleSpec> = (0..200)
            .map(|i| {
                toml::from_str(&format!(
                    "expect = \"ok\"\nsummary = \"活动用品{i}\"\naccount = \"职工活动支出/会员活动支出\"\ndebit = {}\nunit = \"{}\"",
                    100 + i * 37 % 5000,
                    if i % 2 == 0 { "甲" } else { "乙" }
                ))
                .unwrap()
            })
            .collect();
        vec![crate::rule::example::example_rows_ledger(&rows, "x.csv").unwrap()]
    }

    #[test]
    fn reproducible_and_extendable() {
        let files = ledger();
        for method in [Method::Random, Method::Mus] {
            let a = draw(&files, 10, 7, method, false);
            let b = draw(&files, 10, 7, method, false);
            let more = draw(&files, 25, 7, method, false);
            let lines = |p: &[Pick]| p.iter().map(|p| p.line).collect::<Vec<_>>();
            assert_eq!(lines(&a), lines(&b));
            assert_eq!(
                lines(&a),
                lines(&more)[..10].to_vec(),
                "extending keeps the first picks"
            );
            assert_ne!(
                lines(&a),
                lines(&draw(&files, 10, 8, method, false)),
                "another seed, another draw"
            );
        }
        let per_unit = draw(&files, 5, 7, Method::Random, true);
        assert_eq!(per_unit.iter().filter(|p| p.unit == "甲").count(), 5);
        assert_eq!(per_unit.iter().filter(|p| p.unit == "乙").count(), 5);
    }

    #[test]
    fn mus_prefers_large_amounts() {
        let files = ledger();
        let picks = draw(&files, 40, 1, Method::Mus, false);
        let mean = |p: &[Pick]| {
            p.iter()
                .map(|p| p.amount.parse::<f64>().unwrap())
                .sum::<f64>()
                / p.len() as f64
        };
        let random = draw(&files, 40, 1, Method::Random, false);
        assert!(mean(&picks) > mean(&random));
    }
}
