//! Writers for the two 用友 dialects: the U8 序时账 as a real .xlsx (single
//! 金额 column with 方向, monthly 本月合计/本年累计 rows, amounts sometimes as
//! text with 千分位) and the 三栏式明细账 as a fake .xls that is really an
//! HTML table (year/month/day columns, running balance, page-carry rows).

use std::collections::BTreeMap;
use std::io;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::book::{Book, Line, Voucher};
use super::chart::{self, Account};
use super::rng::Rng;
use super::text::thousands;

pub const U8_HEADER: [&str; 9] = [
    "日期",
    "凭证号数",
    "科目编码",
    "科目名称",
    "摘要",
    "方向",
    "数量",
    "外币",
    "金额",
];

pub const LEDGER_HEADER: [&str; 11] = [
    "年",
    "月",
    "日",
    "凭证号数",
    "摘要",
    "科目编码",
    "科目名称",
    "借方",
    "贷方",
    "方向",
    "余额",
];

/// How 用友 names a voucher: `记-0012`.
pub fn voucher_label(v: &Voucher) -> String {
    format!("记-{:04}", v.no)
}

fn xlsx_err(e: XlsxError) -> io::Error {
    io::Error::other(e.to_string())
}

/// 用友 U8 序时账 as .xlsx bytes; the creation date is fixed so the bytes are
/// reproducible.
pub fn u8_xlsx(book: &Book, rng: &mut Rng) -> io::Result<Vec<u8>> {
    u8_xlsx_inner(book, rng).map_err(xlsx_err)
}

fn u8_xlsx_inner(book: &Book, rng: &mut Rng) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2023, 1, 3)?.and_hms(9, 30, 0)?;
    wb.set_properties(
        &DocProperties::new()
            .set_author("用友U8")
            .set_creation_datetime(&created),
    );
    let money = Format::new().set_num_format("#,##0.00");
    let ws = wb.add_worksheet();
    ws.set_name("序时账")?;
    for (col, width) in [
        (0u16, 12.0),
        (1, 11.0),
        (2, 10.0),
        (3, 16.0),
        (4, 28.0),
        (8, 14.0),
    ] {
        ws.set_column_width(col, width)?;
    }
    ws.write_string(0, 0, "序时账")?;
    ws.write_string(1, 0, format!("单位名称:{}", book.unit.name))?;
    ws.write_string(2, 0, "期间: 2021.01-2022.12")?;
    for (c, h) in U8_HEADER.iter().enumerate() {
        ws.write_string(4, c as u16, *h)?;
    }
    let mut row = 5u32;
    let mut month_sum = 0i64;
    let mut year_sum = 0i64;
    let vs = &book.vouchers;
    for (idx, v) in vs.iter().enumerate() {
        for l in &v.lines {
            let (dir, amt) = if l.debit != 0 {
                ("借", l.debit)
            } else {
                ("贷", l.credit)
            };
            ws.write_string(row, 0, v.date.dotted())?;
            ws.write_string(row, 1, voucher_label(v))?;
            ws.write_string(row, 2, l.account.code)?;
            ws.write_string(row, 3, l.account.leaf())?;
            ws.write_string(row, 4, &l.summary)?;
            ws.write_string(row, 5, dir)?;
            if rng.chance(250) {
                ws.write_string(row, 8, thousands(amt))?;
            } else {
                ws.write_number_with_format(row, 8, amt as f64 / 100.0, &money)?;
            }
            month_sum += l.debit;
            year_sum += l.debit;
            row += 1;
        }
        let next = vs.get(idx + 1).map(|n| (n.date.y, n.date.m));
        if next != Some((v.date.y, v.date.m)) {
            for (label, sum) in [("本月合计", month_sum), ("本年累计", year_sum)] {
                ws.write_string(row, 4, label)?;
                ws.write_number_with_format(row, 8, sum as f64 / 100.0, &money)?;
                row += 1;
            }
            month_sum = 0;
            if next.map(|n| n.0) != Some(v.date.y) {
                year_sum = 0;
            }
        }
    }
    wb.save_to_buffer()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// 方向 and absolute 余额 of a debit-positive balance.
fn balance_cells(bal: i64) -> [String; 2] {
    let dir = match bal {
        0 => "平",
        b if b > 0 => "借",
        _ => "贷",
    };
    let amount = if bal == 0 {
        String::new()
    } else {
        thousands(bal.abs())
    };
    [dir.to_string(), amount]
}

fn money_cell(x: i64) -> String {
    if x == 0 { String::new() } else { thousands(x) }
}

/// One line of a voucher, as listed under its account.
type Entry<'a> = (&'a Voucher, &'a Line);

struct Html {
    out: String,
}

impl Html {
    fn row(&mut self, cells: &[&str]) {
        self.out.push_str("<tr>");
        for c in cells {
            self.out.push_str("<td>");
            self.out.push_str(&esc(c));
            self.out.push_str("</td>");
        }
        self.out.push_str("</tr>\n");
    }
}

/// Entry rows per printed page before a 过次页 / 承前页 pair.
const PAGE_ROWS: usize = 30;

/// 用友 三栏式明细账 for every account, as an HTML table saved as .xls.
pub fn detail_ledger_html(book: &Book) -> Vec<u8> {
    let mut h = Html { out: String::new() };
    h.out
        .push_str("<html><head><meta charset=\"utf-8\"></head><body><table border=\"1\">\n");
    h.out.push_str(&format!(
        "<tr><td colspan=\"11\">单位名称：{}</td></tr>\n",
        esc(book.unit.name)
    ));
    h.row(&LEDGER_HEADER);

    // Running balances by account code, debit-positive.
    let mut bal: BTreeMap<&'static str, i64> = BTreeMap::new();
    for (acct, amount) in &book.opening {
        *bal.entry(chart::resolve(*acct, 2021).code).or_default() += amount;
    }
    let mut years: Vec<u16> = book.vouchers.iter().map(|v| v.date.y).collect();
    years.dedup();
    for y in years {
        let mut accounts: BTreeMap<&'static str, (Account, Vec<Entry<'_>>)> = BTreeMap::new();
        for v in book.vouchers.iter().filter(|v| v.date.y == y) {
            for l in &v.lines {
                accounts
                    .entry(l.account.code)
                    .or_insert_with(|| (l.account, Vec::new()))
                    .1
                    .push((v, l));
            }
        }
        for (code, (account, entries)) in accounts {
            let b = bal.entry(code).or_default();
            account_block(&mut h, y, account, &entries, b);
        }
    }
    h.out.push_str("</table></body></html>\n");
    h.out.into_bytes()
}

fn account_block(h: &mut Html, y: u16, a: Account, entries: &[Entry<'_>], bal: &mut i64) {
    let ys = y.to_string();
    let name = a.leaf();
    let [dir, amount] = balance_cells(*bal);
    h.row(&[
        &ys,
        "",
        "",
        "",
        "期初余额",
        a.code,
        name,
        "",
        "",
        &dir,
        &amount,
    ]);
    let (mut md, mut mc, mut yd, mut yc) = (0i64, 0i64, 0i64, 0i64);
    let mut on_page = 0;
    for (i, (v, l)) in entries.iter().enumerate() {
        if on_page == PAGE_ROWS {
            let [dir, amount] = balance_cells(*bal);
            let (d, c) = (money_cell(md), money_cell(mc));
            h.row(&[
                "",
                "",
                "",
                "",
                "过次页",
                a.code,
                name,
                &d,
                &c,
                &dir,
                &amount,
            ]);
            h.row(&[
                "",
                "",
                "",
                "",
                "承前页",
                a.code,
                name,
                &d,
                &c,
                &dir,
                &amount,
            ]);
            on_page = 0;
        }
        *bal += l.debit - l.credit;
        md += l.debit;
        mc += l.credit;
        yd += l.debit;
        yc += l.credit;
        let [dir, amount] = balance_cells(*bal);
        let (m, d) = (format!("{:02}", v.date.m), format!("{:02}", v.date.d));
        let (dr, cr) = (money_cell(l.debit), money_cell(l.credit));
        h.row(&[
            &ys,
            &m,
            &d,
            &voucher_label(v),
            &l.summary,
            a.code,
            name,
            &dr,
            &cr,
            &dir,
            &amount,
        ]);
        on_page += 1;
        let month_ends = entries.get(i + 1).is_none_or(|(n, _)| n.date.m != v.date.m);
        if month_ends {
            for (label, d, c) in [("本月合计", md, mc), ("本年累计", yd, yc)] {
                let (d, c) = (money_cell(d), money_cell(c));
                h.row(&[&ys, &m, "", "", label, a.code, name, &d, &c, &dir, &amount]);
            }
            md = 0;
            mc = 0;
        }
    }
}
