//! Writers for the two 金蝶 dialects: K/3·KIS 凭证引出 (GBK CSV, 37 columns,
//! full account paths joined with `_`, 核算项目 as `供应商---名称`) and
//! 精斗云/KIS 云 (UTF-8 CSV with BOM, `2021/3/5` dates, some `¥` amounts,
//! red-ink reversals as negative amounts).

use std::io;

use super::book::{Book, Line, Party, Voucher};
use super::chart::Nature;
use super::rng::Rng;
use super::text::{plain, to_gbk};

pub const K3_HEADER: [&str; 37] = [
    "凭证日期",
    "会计年度",
    "会计期间",
    "凭证字",
    "凭证号",
    "科目代码",
    "科目名称",
    "币别代码",
    "币别名称",
    "原币金额",
    "借方",
    "贷方",
    "制单",
    "审核",
    "核准",
    "出纳",
    "经办",
    "结算方式",
    "结算号",
    "凭证摘要",
    "数量",
    "数量单位",
    "单价",
    "参考信息",
    "业务日期",
    "往来业务编号",
    "附件数",
    "序号",
    "系统模块",
    "业务描述",
    "汇率类型",
    "汇率",
    "分录序号",
    "核算项目",
    "过账",
    "机制凭证",
    "现金流量",
];

pub const JDY_HEADER: [&str; 24] = [
    "日期",
    "凭证字",
    "凭证号",
    "附件数",
    "分录序号",
    "摘要",
    "科目代码",
    "科目名称",
    "借方金额",
    "贷方金额",
    "客户",
    "供应商",
    "职员",
    "项目",
    "部门",
    "存货",
    "是否限定",
    "自定义辅助核算类别",
    "自定义辅助核算编码",
    "数量",
    "单价",
    "原币金额",
    "币别",
    "汇率",
];

/// How both dialects name a voucher: `记-12`.
pub fn voucher_label(v: &Voucher) -> String {
    format!("记-{}", v.no)
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> io::Result<Vec<u8>> {
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

fn amount(l: &Line) -> i64 {
    if l.debit != 0 { l.debit } else { l.credit }
}

fn is_money_account(l: &Line) -> bool {
    matches!(l.account.code, "101" | "102")
}

/// 核算项目 as K/3 prints it.
fn k3_item(p: Party) -> String {
    match p {
        Party::None => String::new(),
        Party::Supplier(n) => format!("供应商---{n}"),
        Party::Staff(n) => format!("职员---{n}"),
        Party::Customer(n) => format!("客户---{n}"),
    }
}

/// 金蝶 K/3 凭证引出, GBK-encoded.
pub fn k3_csv(book: &Book) -> io::Result<Vec<u8>> {
    let u = book.unit;
    let mut w = csv_writer();
    w.write_record(K3_HEADER)?;
    for (k, v) in book.vouchers.iter().enumerate() {
        let date = v.date.iso();
        for (i, l) in v.lines.iter().enumerate() {
            let zero_or = |x: i64| if x == 0 { "0".to_string() } else { plain(x) };
            let cashier = if is_money_account(l) { u.cashier } else { "" };
            let rec: [String; 37] = [
                date.clone(),
                v.date.y.to_string(),
                v.date.m.to_string(),
                "记".into(),
                v.no.to_string(),
                l.account.code.into(),
                l.account.joined(),
                "RMB".into(),
                "人民币".into(),
                plain(amount(l)),
                zero_or(l.debit),
                zero_or(l.credit),
                u.preparer.into(),
                u.auditor.into(),
                String::new(),
                cashier.into(),
                v.handler.into(),
                String::new(),
                String::new(),
                l.summary.clone(),
                "0".into(),
                String::new(),
                "0".into(),
                String::new(),
                date.clone(),
                String::new(),
                v.attachments.to_string(),
                (k + 1).to_string(),
                String::new(),
                String::new(),
                "公司汇率".into(),
                "1".into(),
                (i + 1).to_string(),
                k3_item(l.party),
                "1".into(),
                String::new(),
                String::new(),
            ];
            w.write_record(&rec)?;
        }
    }
    let utf8 = finish(w)?;
    to_gbk(&String::from_utf8(utf8).map_err(io::Error::other)?)
}

/// 金蝶精斗云 凭证 export, UTF-8 with BOM.
pub fn jdy_csv(book: &Book, rng: &mut Rng) -> io::Result<Vec<u8>> {
    let mut w = csv_writer();
    w.write_record(JDY_HEADER)?;
    for v in &book.vouchers {
        let date = v.date.slash_short();
        for (i, l) in v.lines.iter().enumerate() {
            // Some positive amounts carry a yen sign, as when copied from the web UI.
            let yen = rng.chance(200);
            let side = |x: i64| match x {
                0 => String::new(),
                x if x > 0 && yen => format!("¥{}", plain(x)),
                x => plain(x),
            };
            let name_if = |want: fn(Party) -> bool| if want(l.party) { l.party.name() } else { "" };
            let dept = if l.account.nature == Nature::Debit && l.account.expense {
                v.dept
            } else {
                ""
            };
            let rec: [String; 24] = [
                date.clone(),
                "记".into(),
                v.no.to_string(),
                v.attachments.to_string(),
                (i + 1).to_string(),
                l.summary.clone(),
                l.account.code.into(),
                l.account.joined(),
                side(l.debit),
                side(l.credit),
                name_if(|p| matches!(p, Party::Customer(_))).into(),
                name_if(|p| matches!(p, Party::Supplier(_))).into(),
                name_if(|p| matches!(p, Party::Staff(_))).into(),
                String::new(),
                dept.into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                plain(amount(l)),
                "RMB".into(),
                "1".into(),
            ];
            w.write_record(&rec)?;
        }
    }
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend(finish(w)?);
    Ok(out)
}
