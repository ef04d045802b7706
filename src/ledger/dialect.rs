//! Vendor dialects and header aliases: which header text means which column.
//!
//! A dialect is a name, a signature (header texts that must all be present) and extra
//! aliases. The built-in ones cover 金蝶 K/3·KIS 凭证引出, 金蝶 精斗云/KIS 云, 用友 U8 序时账,
//! 用友 明细账/三栏式 and 用友 NC; anything else is read as `generic` through the shared
//! alias table. Users add their own in TOML without touching Rust (see README).

use std::path::Path;

use serde::Deserialize;

use crate::error::{self, ConfigError};

/// What a source column holds. Several kinds (e.g. `Year`/`Month`/`Day`, `VoucherWord`)
/// are combined into one canonical field by the reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Col {
    Date,
    Year,
    Month,
    Day,
    VoucherWord,
    Voucher,
    Entry,
    Summary,
    AccountCode,
    Account,
    Debit,
    Credit,
    Amount,
    Direction,
    Balance,
    Payee,
    Aux,
    Customer,
    Supplier,
    Staff,
    Handler,
    Department,
    Project,
    Attachments,
    Unit,
}

impl Col {
    pub const ALL: [Col; 25] = [
        Col::Date,
        Col::Year,
        Col::Month,
        Col::Day,
        Col::VoucherWord,
        Col::Voucher,
        Col::Entry,
        Col::Summary,
        Col::AccountCode,
        Col::Account,
        Col::Debit,
        Col::Credit,
        Col::Amount,
        Col::Direction,
        Col::Balance,
        Col::Payee,
        Col::Aux,
        Col::Customer,
        Col::Supplier,
        Col::Staff,
        Col::Handler,
        Col::Department,
        Col::Project,
        Col::Attachments,
        Col::Unit,
    ];

    /// The key used in mapping files and in `inspect` output.
    pub fn key(self) -> &'static str {
        match self {
            Col::Date => "date",
            Col::Year => "year",
            Col::Month => "month",
            Col::Day => "day",
            Col::VoucherWord => "voucher_word",
            Col::Voucher => "voucher",
            Col::Entry => "entry",
            Col::Summary => "summary",
            Col::AccountCode => "account_code",
            Col::Account => "account",
            Col::Debit => "debit",
            Col::Credit => "credit",
            Col::Amount => "amount",
            Col::Direction => "direction",
            Col::Balance => "balance",
            Col::Payee => "payee",
            Col::Aux => "aux",
            Col::Customer => "customer",
            Col::Supplier => "supplier",
            Col::Staff => "staff",
            Col::Handler => "handler",
            Col::Department => "department",
            Col::Project => "project",
            Col::Attachments => "attachments",
            Col::Unit => "unit",
        }
    }

    pub fn from_key(key: &str) -> Option<Col> {
        Col::ALL.into_iter().find(|c| c.key() == key)
    }

    /// Header texts (normalised, see [`normalize_header`]) that mean this column.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Col::Date => &[
                "日期",
                "凭证日期",
                "记账日期",
                "会计日期",
                "业务日期",
                "制单日期",
                "交易日期",
            ],
            Col::Year => &["年", "年度", "会计年度"],
            Col::Month => &["月", "月份", "会计期间", "期间"],
            Col::Day => &["日"],
            Col::VoucherWord => &["凭证字", "凭证类别", "凭证类型", "凭证类别字"],
            Col::Voucher => &["凭证号", "凭证号数", "凭证字号", "凭证编号", "凭证号码"],
            Col::Entry => &["分录序号", "分录号", "行号", "分录行号"],
            Col::Summary => &["摘要", "凭证摘要", "业务摘要", "摘要说明"],
            Col::AccountCode => &["科目编码", "科目代码", "会计科目编码", "科目编号"],
            Col::Account => &["科目名称", "科目全名", "科目全称", "会计科目", "科目"],
            Col::Debit => &["借方", "借方金额", "借方发生额", "借", "借方本币"],
            Col::Credit => &["贷方", "贷方金额", "贷方发生额", "贷", "贷方本币"],
            Col::Amount => &["金额", "发生额", "本币金额"],
            Col::Direction => &["方向", "借贷方向", "借贷"],
            Col::Balance => &["余额", "期末余额"],
            Col::Payee => &[
                "往来单位",
                "往来单位名称",
                "对方单位",
                "对方户名",
                "收款单位",
                "收款人",
                "客商",
                "客商名称",
                "客商-名称",
                "单位往来",
            ],
            Col::Aux => &["核算项目", "辅助核算", "辅助项", "辅助核算项目"],
            Col::Customer => &["客户", "客户名称"],
            Col::Supplier => &["供应商", "供应商名称"],
            Col::Staff => &["职员", "人员档案-名称", "个人往来", "人员"],
            Col::Handler => &["经办人", "经办", "报销人"],
            Col::Department => &["部门", "部门名称", "部门-名称"],
            Col::Project => &["项目", "项目名称", "项目-名称"],
            Col::Attachments => &["附件数", "附单据数", "单据数", "附件张数"],
            Col::Unit => &["单位名称", "核算单位", "账套名称", "工会名称"],
        }
    }

    /// English header texts (normalised: lower case, no spaces) that mean this column.
    fn english(self) -> &'static [&'static str] {
        match self {
            Col::Date => &[
                "date",
                "entrydate",
                "postingdate",
                "voucherdate",
                "transactiondate",
            ],
            Col::Year => &["year", "fiscalyear"],
            Col::Month => &["month", "period"],
            Col::Day => &["day"],
            Col::VoucherWord => &["vouchertype", "voucher_word", "voucherword"],
            Col::Voucher => &["voucher", "voucherno", "vouchernumber", "voucherno."],
            Col::Entry => &["entry", "entryno", "lineno"],
            Col::Summary => &["summary", "description", "memo", "narrative", "remark"],
            Col::AccountCode => &["account_code", "accountcode", "accountno", "accountnumber"],
            Col::Account => &["account", "accountname", "accounttitle"],
            Col::Debit => &["debit", "dr", "debitamount"],
            Col::Credit => &["credit", "cr", "creditamount"],
            Col::Amount => &["amount"],
            Col::Direction => &["direction", "dr/cr", "drcr"],
            Col::Balance => &["balance"],
            Col::Payee => &["payee", "counterparty"],
            Col::Aux => &["aux", "auxiliary"],
            Col::Customer => &["customer"],
            Col::Supplier => &["supplier", "vendor"],
            Col::Staff => &["staff", "employee"],
            Col::Handler => &["handler", "handledby"],
            Col::Department => &["department", "dept"],
            Col::Project => &["project"],
            Col::Attachments => &["attachments"],
            Col::Unit => &["unit", "unitname", "entity"],
        }
    }
}

/// Normalises header text for matching: half-width, no spaces, ASCII lower case, no
/// `(元)` suffix.
pub fn normalize_header(raw: &str) -> String {
    let half = super::value::to_half_width(raw);
    let mut text: String = half
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{FEFF}')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    for suffix in ["(元)", "(人民币)", ":"] {
        if let Some(stripped) = text.strip_suffix(suffix) {
            text = stripped.to_string();
        }
    }
    text
}

/// A dialect: built in or from a user mapping file.
#[derive(Clone, Debug)]
pub struct Dialect {
    pub name: String,
    /// Normalised header texts that must all be present for this dialect to apply.
    pub signature: Vec<String>,
    /// Extra aliases, checked before the shared table.
    pub columns: Vec<(Col, Vec<String>)>,
}

impl Dialect {
    fn builtin(name: &str, signature: &[&str], columns: &[(Col, &[&str])]) -> Dialect {
        Dialect {
            name: name.to_string(),
            signature: signature.iter().map(|s| normalize_header(s)).collect(),
            columns: columns
                .iter()
                .map(|(col, names)| (*col, names.iter().map(|s| normalize_header(s)).collect()))
                .collect(),
        }
    }

    /// True when every signature header is among `headers` (normalised).
    pub fn matches(&self, headers: &[String]) -> bool {
        !self.signature.is_empty() && self.signature.iter().all(|s| headers.contains(s))
    }

    /// The column kind a normalised header maps to under this dialect.
    pub fn column_for(&self, header: &str) -> Option<Col> {
        self.columns
            .iter()
            .find(|(_, names)| names.iter().any(|n| n == header))
            .map(|(col, _)| *col)
            .or_else(|| {
                Col::ALL
                    .into_iter()
                    .find(|col| col.aliases().contains(&header))
                    .or_else(|| {
                        Col::ALL
                            .into_iter()
                            .find(|col| col.english().contains(&header))
                    })
            })
    }
}

/// The built-in dialects, most specific first.
pub fn builtin() -> Vec<Dialect> {
    vec![
        Dialect::builtin(
            "kingdee-k3-voucher",
            &[
                "会计年度",
                "会计期间",
                "凭证字",
                "凭证号",
                "科目代码",
                "借方",
                "贷方",
                "往来业务编号",
                "核算项目",
            ],
            &[
                (Col::Year, &[]),
                (Col::Month, &[]),
                (Col::Entry, &["分录序号"]),
            ],
        ),
        Dialect::builtin(
            "kingdee-jdy",
            &[
                "凭证字",
                "凭证号",
                "分录序号",
                "借方金额",
                "贷方金额",
                "客户",
                "供应商",
                "职员",
            ],
            &[],
        ),
        Dialect::builtin("yonyou-nc-journal", &["客商-名称"], &[]),
        Dialect::builtin("yonyou-u8-journal", &["凭证号数", "方向", "金额"], &[]),
        Dialect::builtin("yonyou-u8-ledger", &["方向", "余额"], &[]),
    ]
}

/// The fallback dialect: the shared alias table only.
pub fn generic() -> Dialect {
    Dialect {
        name: "generic".to_string(),
        signature: Vec::new(),
        columns: Vec::new(),
    }
}

/// A user mapping file: `[[dialect]]` entries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    dialect: Vec<DialectSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DialectSpec {
    name: String,
    signature: Vec<String>,
    columns: toml::Spanned<std::collections::BTreeMap<String, Vec<String>>>,
}

/// Loads user dialects from a mapping file (TOML). Errors carry path, line and column.
pub fn load_user_dialects(path: &Path) -> Result<Vec<Dialect>, ConfigError> {
    let size = std::fs::metadata(path)
        .map_err(|e| ConfigError::io(path, &e))?
        .len();
    if size > super::limits::MAX_RULE_FILE_BYTES {
        return Err(ConfigError {
            path: path.display().to_string(),
            line: 1,
            column: 1,
            message: format!(
                "mapping file is {}, larger than the {} limit",
                super::limits::human_bytes(size),
                super::limits::human_bytes(super::limits::MAX_RULE_FILE_BYTES)
            ),
            hint: None,
        });
    }
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::io(path, &e))?;
    let file: MappingFile =
        toml::from_str(&text).map_err(|e| error::toml_error(path, &text, &e))?;
    let mut dialects = Vec::new();
    for spec in file.dialect {
        let span = spec.columns.span();
        let mut columns = Vec::new();
        for (key, names) in spec.columns.into_inner() {
            let Some(col) = Col::from_key(&key) else {
                let known: Vec<&str> = Col::ALL.iter().map(|c| c.key()).collect();
                return Err(ConfigError::at(
                    path,
                    &text,
                    span.start,
                    format!(
                        "unknown canonical field `{key}` (known: {})",
                        known.join(", ")
                    ),
                ));
            };
            columns.push((col, names.iter().map(|n| normalize_header(n)).collect()));
        }
        dialects.push(Dialect {
            name: spec.name,
            signature: spec.signature.iter().map(|s| normalize_header(s)).collect(),
            columns,
        });
    }
    Ok(dialects)
}
