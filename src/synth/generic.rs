//! Writer for the generic layout (`日期 凭证号 摘要 科目编码 科目名称 借方金额
//! 贷方金额 往来单位 经办人 部门 附件数`): the 机械厂 ledger as a fake .xls
//! that is really GBK tab-separated text with mixed date styles.

use std::io;

use super::book::{Book, Voucher};
use super::rng::Rng;
use super::text::{plain, to_gbk};

pub const GENERIC_HEADER: [&str; 11] = [
    "日期",
    "凭证号",
    "摘要",
    "科目编码",
    "科目名称",
    "借方金额",
    "贷方金额",
    "往来单位",
    "经办人",
    "部门",
    "附件数",
];

/// How the generic layout names a voucher: `记-12`.
pub fn voucher_label(v: &Voucher) -> String {
    format!("记-{}", v.no)
}

fn blank_or(x: i64) -> String {
    if x == 0 { String::new() } else { plain(x) }
}

/// Tab-separated, CRLF, GBK; each voucher's date is written either as
/// `2022年3月5日` or as `20220305`.
pub fn tsv_gbk(book: &Book, rng: &mut Rng) -> io::Result<Vec<u8>> {
    let mut s = String::new();
    s.push_str(&GENERIC_HEADER.join("\t"));
    s.push_str("\r\n");
    for v in &book.vouchers {
        let date = if rng.chance(500) {
            v.date.chinese()
        } else {
            v.date.compact()
        };
        for l in &v.lines {
            let cells = [
                date.clone(),
                voucher_label(v),
                l.summary.clone(),
                l.account.code.to_string(),
                l.account.leaf().to_string(),
                blank_or(l.debit),
                blank_or(l.credit),
                l.party.name().to_string(),
                v.handler.to_string(),
                v.dept.to_string(),
                v.attachments.to_string(),
            ];
            s.push_str(&cells.join("\t"));
            s.push_str("\r\n");
        }
    }
    to_gbk(&s)
}
