//! The budget table: per unit, year and account (name path and/or code), the budget and
//! an optional adjusted budget (调整后预算数). A line covers its account and every
//! sub-account (a budget on 职工活动支出 covers 职工活动支出/会员活动支出).

use std::collections::BTreeMap;
use std::path::Path;

use super::{Column, read_table, read_table_bytes};
use crate::error::ConfigError;
use crate::ledger::{ChartVersion, chart, value};

/// One budget line.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetLine {
    pub unit: String,
    pub year: i32,
    pub account_code: String,
    /// Full name path (completed from the chart like ledger rows).
    pub account: String,
    /// The budget in force: the adjusted budget when given, else the original, in fen.
    pub amount: i64,
    pub original: i64,
    pub adjusted: Option<i64>,
    /// `path:line`, for provenance in messages.
    pub source: String,
}

impl BudgetLine {
    /// True when a row with this account path and code falls under the line: by name
    /// path first (the line's path or any sub-account), by code otherwise.
    pub fn covers(&self, account: &str, code: &str) -> bool {
        if !self.account.is_empty() {
            return account == self.account
                || account.starts_with(&format!("{}/", self.account))
                || account.ends_with(&format!("/{}", self.account))
                || account.contains(&format!("/{}/", self.account));
        }
        !self.account_code.is_empty() && code.starts_with(&self.account_code)
    }

    pub fn label(&self) -> &str {
        if self.account.is_empty() {
            &self.account_code
        } else {
            &self.account
        }
    }
}

/// All budget lines, by (unit, year).
#[derive(Debug, Clone, Default)]
pub struct Budget {
    pub lines: BTreeMap<(String, i32), Vec<BudgetLine>>,
}

const COLUMNS: &[Column] = &[
    Column {
        key: "unit",
        aliases: &["单位名称", "单位", "工会名称", "核算单位"],
        required: true,
    },
    Column {
        key: "year",
        aliases: &["年度", "预算年度", "年份"],
        required: true,
    },
    Column {
        key: "code",
        aliases: &["科目编码", "科目代码", "预算科目编码"],
        required: false,
    },
    Column {
        key: "account",
        aliases: &["科目名称", "预算科目", "科目", "科目全名"],
        required: false,
    },
    Column {
        key: "budget",
        aliases: &[
            "预算数",
            "本年预算数",
            "预算金额",
            "年初预算数",
            "预算数(元)",
            "本年预算数(元)",
        ],
        required: true,
    },
    Column {
        key: "adjusted",
        aliases: &[
            "调整后预算数",
            "调整预算数",
            "调整后预算",
            "调整后预算数(元)",
        ],
        required: false,
    },
];

impl Budget {
    /// Reads and validates a budget table; every bad line is an error.
    pub fn load(path: &Path) -> Result<Budget, Vec<ConfigError>> {
        let table = read_table(path, COLUMNS).map_err(|e| vec![e])?;
        Self::from_table(&table)
    }

    /// [`Self::load`] on a table held in memory (`display` names it in errors).
    pub fn load_bytes(bytes: &[u8], display: &str) -> Result<Budget, Vec<ConfigError>> {
        let table = read_table_bytes(bytes, display, COLUMNS).map_err(|e| vec![e])?;
        Self::from_table(&table)
    }

    fn from_table(table: &super::Table) -> Result<Budget, Vec<ConfigError>> {
        let mut lines: BTreeMap<(String, i32), Vec<BudgetLine>> = BTreeMap::new();
        let mut errors = Vec::new();
        for (line, cells) in &table.lines {
            let unit = table.cell(cells, "unit");
            let year_text = table.cell(cells, "year").trim_end_matches('年');
            let Ok(year) = year_text.trim_end_matches(".0").parse::<i32>() else {
                errors.push(table.error(
                    *line,
                    "year",
                    format!("年度无法识别 (year): `{year_text}`"),
                ));
                continue;
            };
            if unit.is_empty() {
                errors.push(table.error(*line, "unit", "单位名称为空 (unit name is blank)"));
                continue;
            }
            let code = table.cell(cells, "code").to_string();
            let name = table.cell(cells, "account");
            if code.is_empty() && name.is_empty() {
                errors.push(table.error(*line, "account", "科目编码和科目名称都为空 (no account)"));
                continue;
            }
            let version = if year <= 2021 {
                ChartVersion::Y2009
            } else {
                ChartVersion::Y2021
            };
            let account = if name.is_empty() {
                chart::full_path(version, &code, "")
            } else {
                chart::full_path(version, "", name)
            };
            let original = match value::parse_amount(table.cell(cells, "budget")) {
                Ok(v) => v,
                Err(reason) => {
                    errors.push(table.error(*line, "budget", reason));
                    continue;
                }
            };
            let adjusted_text = table.cell(cells, "adjusted");
            let adjusted = if adjusted_text.is_empty() {
                None
            } else {
                match value::parse_amount(adjusted_text) {
                    Ok(v) => Some(v),
                    Err(reason) => {
                        errors.push(table.error(*line, "adjusted", reason));
                        continue;
                    }
                }
            };
            let entry = lines.entry((unit.to_string(), year)).or_default();
            if let Some(dup) = entry
                .iter()
                .find(|l| l.account == account && l.account_code == code)
            {
                errors.push(table.error(
                    *line,
                    "account",
                    format!(
                        "预算行重复 (duplicate budget line; first at {})",
                        dup.source
                    ),
                ));
                continue;
            }
            entry.push(BudgetLine {
                unit: unit.to_string(),
                year,
                account_code: code,
                account,
                amount: adjusted.unwrap_or(original),
                original,
                adjusted,
                source: format!("{}:{line}", table.display),
            });
        }
        if errors.is_empty() {
            Ok(Budget { lines })
        } else {
            Err(errors)
        }
    }

    /// The lines of a unit and year (empty when none).
    pub fn lines_for(&self, unit: &str, year: i32) -> &[BudgetLine] {
        self.lines
            .get(&(unit.to_string(), year))
            .map_or(&[], Vec::as_slice)
    }

    /// True when the unit has any budget line in any year.
    pub fn has_unit(&self, unit: &str) -> bool {
        self.lines.keys().any(|(u, _)| u == unit)
    }
}
