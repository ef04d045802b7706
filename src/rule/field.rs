//! The canonical fields a rule can read, with their Chinese aliases.
//!
//! This is the one list behind SQL conditions, message placeholders and the README's
//! field reference: an auditor may write `金额 >= 5000` or `amount >= 5000`.

use chrono::{Datelike, NaiveDate};

use crate::ledger::{LedgerFile, Row, value};

/// A field of a canonical row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Date,
    Year,
    Month,
    Day,
    Weekday,
    Voucher,
    Entry,
    Summary,
    AccountCode,
    Account,
    Debit,
    Credit,
    Direction,
    Amount,
    Payee,
    Handler,
    Department,
    Project,
    Attachments,
    Unit,
    Closing,
    File,
    Line,
}

/// The type of a field or expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Number,
    Text,
    Date,
}

impl Ty {
    pub fn label(self) -> &'static str {
        match self {
            Ty::Bool => "boolean",
            Ty::Number => "number",
            Ty::Text => "text",
            Ty::Date => "date",
        }
    }
}

/// (field, English name, Chinese aliases, type, description).
pub const FIELDS: &[(Field, &str, &[&str], Ty, &str)] = &[
    (
        Field::Date,
        "date",
        &["日期", "凭证日期", "记账日期"],
        Ty::Date,
        "记账日期",
    ),
    (
        Field::Year,
        "year",
        &["年度", "年"],
        Ty::Number,
        "年度 (from date)",
    ),
    (
        Field::Month,
        "month",
        &["月份", "月"],
        Ty::Number,
        "月份 1-12 (from date)",
    ),
    (
        Field::Day,
        "day",
        &["日"],
        Ty::Number,
        "日 1-31 (from date)",
    ),
    (
        Field::Weekday,
        "weekday",
        &["星期"],
        Ty::Number,
        "星期 1 (Mon) … 7 (Sun)",
    ),
    (
        Field::Voucher,
        "voucher",
        &["凭证号", "凭证字号"],
        Ty::Text,
        "凭证字号, normalised (记-12)",
    ),
    (
        Field::Entry,
        "entry",
        &["分录号", "分录序号"],
        Ty::Number,
        "分录序号 within the voucher, 0 if none",
    ),
    (Field::Summary, "summary", &["摘要"], Ty::Text, "摘要"),
    (
        Field::AccountCode,
        "account_code",
        &["科目编码", "科目代码"],
        Ty::Text,
        "科目编码",
    ),
    (
        Field::Account,
        "account",
        &["科目名称", "科目", "会计科目", "科目全名"],
        Ty::Text,
        "科目名称 as a full path joined with /",
    ),
    (
        Field::Debit,
        "debit",
        &["借方", "借方金额"],
        Ty::Number,
        "借方金额 (元)",
    ),
    (
        Field::Credit,
        "credit",
        &["贷方", "贷方金额"],
        Ty::Number,
        "贷方金额 (元)",
    ),
    (
        Field::Direction,
        "direction",
        &["方向"],
        Ty::Text,
        "借 or 贷",
    ),
    (
        Field::Amount,
        "amount",
        &["金额"],
        Ty::Number,
        "debit − credit (元); 红字 negative",
    ),
    (
        Field::Payee,
        "payee",
        &["往来单位", "对方单位", "收款单位"],
        Ty::Text,
        "往来单位 / 核算项目 / 供应商 / 客户",
    ),
    (
        Field::Handler,
        "handler",
        &["经办人", "经办"],
        Ty::Text,
        "经办人 (or 职员)",
    ),
    (Field::Department, "department", &["部门"], Ty::Text, "部门"),
    (Field::Project, "project", &["项目"], Ty::Text, "项目"),
    (
        Field::Attachments,
        "attachments",
        &["附件数"],
        Ty::Number,
        "附件数; NULL when not exported",
    ),
    (
        Field::Unit,
        "unit",
        &["单位", "单位名称"],
        Ty::Text,
        "单位 (the union the ledger belongs to)",
    ),
    (
        Field::Closing,
        "closing",
        &["结转"],
        Ty::Bool,
        "true on period-end closing entries",
    ),
    (Field::File, "file", &["文件"], Ty::Text, "input file path"),
    (
        Field::Line,
        "line",
        &["行号"],
        Ty::Number,
        "line in the file",
    ),
];

impl Field {
    /// Looks a field up by English name (case-insensitive) or Chinese alias.
    pub fn parse(name: &str) -> Option<Field> {
        let name = name.trim();
        FIELDS
            .iter()
            .find(|(_, en, zh, _, _)| en.eq_ignore_ascii_case(name) || zh.contains(&name))
            .map(|(f, ..)| *f)
    }

    pub fn name(self) -> &'static str {
        FIELDS
            .iter()
            .find(|(f, ..)| *f == self)
            .map_or("?", |(_, en, ..)| en)
    }

    pub fn ty(self) -> Ty {
        FIELDS
            .iter()
            .find(|(f, ..)| *f == self)
            .map_or(Ty::Text, |(.., ty, _)| *ty)
    }

    /// All names (English and Chinese), for error hints.
    pub fn all_names() -> String {
        FIELDS
            .iter()
            .map(|(_, en, zh, ..)| format!("{en}/{}", zh.first().copied().unwrap_or("")))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A field value, borrowed from the row's file where possible.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Number(f64),
    Text(std::borrow::Cow<'a, str>),
    Date(NaiveDate),
}

impl Value<'_> {
    /// Text for message placeholders.
    pub fn display(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    format!("{}", *n as i64)
                } else {
                    format!("{n:.2}")
                }
            }
            Value::Text(t) => t.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

fn yuan(fen: i64) -> f64 {
    fen as f64 / 100.0
}

/// Reads `field` of `row`.
pub fn get<'a>(field: Field, row: &Row, file: &'a LedgerFile) -> Value<'a> {
    let text = |sym| Value::Text(std::borrow::Cow::Borrowed(file.strings.get(sym)));
    match field {
        Field::Date => Value::Date(row.date),
        Field::Year => Value::Number(f64::from(row.date.year())),
        Field::Month => Value::Number(f64::from(row.date.month())),
        Field::Day => Value::Number(f64::from(row.date.day())),
        Field::Weekday => Value::Number(f64::from(row.date.weekday().number_from_monday())),
        Field::Voucher => text(row.voucher),
        Field::Entry => Value::Number(f64::from(row.entry)),
        Field::Summary => text(row.summary),
        Field::AccountCode => text(row.account_code),
        Field::Account => text(row.account),
        Field::Debit => Value::Number(yuan(row.debit)),
        Field::Credit => Value::Number(yuan(row.credit)),
        Field::Direction => Value::Text(std::borrow::Cow::Borrowed(row.direction.label())),
        Field::Amount => Value::Number(yuan(row.amount())),
        Field::Payee => text(row.payee),
        Field::Handler => text(row.handler),
        Field::Department => text(row.department),
        Field::Project => text(row.project),
        Field::Attachments => row
            .attachments()
            .map_or(Value::Null, |n| Value::Number(f64::from(n))),
        Field::Unit => text(row.unit),
        Field::Closing => Value::Bool(row.closing),
        Field::File => Value::Text(std::borrow::Cow::Borrowed(&file.display)),
        Field::Line => Value::Number(row.line as f64),
    }
}

/// Reads the interned string of one text field of a row.
pub type SymReader = fn(&Row) -> crate::ledger::Sym;

/// How to read the interned string behind a text field, for per-string caches; `None`
/// for fields that are not interned (numbers, dates, direction, file).
pub fn sym_reader(field: Field) -> Option<SymReader> {
    Some(match field {
        Field::Voucher => |row| row.voucher,
        Field::Summary => |row| row.summary,
        Field::AccountCode => |row| row.account_code,
        Field::Account => |row| row.account,
        Field::Payee => |row| row.payee,
        Field::Handler => |row| row.handler,
        Field::Department => |row| row.department,
        Field::Project => |row| row.project,
        Field::Unit => |row| row.unit,
        _ => return None,
    })
}

/// Whether `field` is an interned text: [`sym`] gives its string for every row.
pub fn is_interned_text(field: Field) -> bool {
    sym_reader(field).is_some()
}

/// The interned string behind a text field of `row` ([`sym_reader`]).
pub fn sym(field: Field, row: &Row) -> Option<crate::ledger::Sym> {
    sym_reader(field).map(|read| read(row))
}

/// The text of a field for a message placeholder; money is shown with 千分位, a blank
/// field as （未填）.
pub fn placeholder(field: Field, row: &Row, file: &LedgerFile) -> String {
    match field {
        Field::Debit => value::format_fen(row.debit),
        Field::Credit => value::format_fen(row.credit),
        Field::Amount => value::format_fen(row.amount()),
        _ => match get(field, row, file).display() {
            // A blank cell would read as 「」 in the message; say it was not filled in.
            text if text.is_empty() => "（未填）".to_string(),
            text => text,
        },
    }
}
