//! Reference tables that some rules need besides the ledgers: the units table (会员人数,
//! 级别, 省份), the budget table, and the provincial parameter sets shipped in the pack.
//!
//! Tables are read like ledgers (any container, any encoding, header found by aliases)
//! and validated line by line: every problem is a located error (`path:line:col`).

pub mod budget;
pub mod params;
pub mod units;

use std::path::Path;

use crate::error::ConfigError;
use crate::ledger::dialect::normalize_header;
use crate::ledger::grid;

/// A column a table may have: key, header aliases, required.
pub struct Column {
    pub key: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// The data lines of a table, with the column index of each key found.
pub struct Table {
    pub display: String,
    pub lines: Vec<(u64, Vec<String>)>,
    cols: Vec<(&'static str, usize)>,
}

impl Table {
    /// The trimmed cell of `key` on a line ("" when the column is absent).
    pub fn cell<'a>(&self, cells: &'a [String], key: &str) -> &'a str {
        self.cols
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, idx)| cells.get(*idx))
            .map_or("", |c| c.trim())
    }

    /// 1-based column of `key`, for error locations.
    pub fn column(&self, key: &str) -> usize {
        self.cols
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(1, |(_, idx)| idx + 1)
    }

    pub fn error(&self, line: u64, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            path: self.display.clone(),
            line: line as usize,
            column: self.column(key),
            message: message.into(),
            hint: None,
        }
    }
}

/// Reads the first sheet of `path` that has a header with every required column.
pub fn read_table(path: &Path, columns: &[Column]) -> Result<Table, ConfigError> {
    let display = path.display().to_string();
    let fail = |message: String| ConfigError {
        path: display.clone(),
        line: 1,
        column: 1,
        message,
        hint: None,
    };
    let opened = grid::open(path, None).map_err(fail)?;
    for mut sheet in opened.sheets {
        let mut cells = Vec::new();
        let mut header: Option<Vec<(&'static str, usize)>> = None;
        let mut lines = Vec::new();
        while let Some((line, res)) = sheet.next_record(&mut cells) {
            if res.is_err() {
                return Err(ConfigError {
                    path: display.clone(),
                    line: line as usize,
                    column: 1,
                    message: "无法解码该行 (undecodable line)".to_string(),
                    hint: None,
                });
            }
            match &header {
                None => {
                    let found: Vec<(&'static str, usize)> = columns
                        .iter()
                        .filter_map(|c| {
                            cells
                                .iter()
                                .position(|cell| {
                                    c.aliases.contains(&normalize_header(cell).as_str())
                                })
                                .map(|idx| (c.key, idx))
                        })
                        .collect();
                    if columns
                        .iter()
                        .filter(|c| c.required)
                        .all(|c| found.iter().any(|(k, _)| *k == c.key))
                    {
                        header = Some(found);
                    } else if line > 30 {
                        break;
                    }
                }
                Some(_) => {
                    if cells.iter().any(|c| !c.trim().is_empty()) {
                        lines.push((line, cells.clone()));
                    }
                }
            }
        }
        if let Some(cols) = header {
            return Ok(Table {
                display,
                lines,
                cols,
            });
        }
    }
    let required: Vec<&str> = columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.aliases[0])
        .collect();
    Err(fail(format!(
        "找不到表头：需要列 {} (no header with the required columns)",
        required.join("、")
    )))
}

/// Everything rules may consult besides the ledgers.
#[derive(Debug, Clone, Default)]
pub struct References {
    pub units: Option<units::Units>,
    pub budget: Option<budget::Budget>,
    pub params: params::Params,
    /// `--province`: for units the units table does not place.
    pub province: Option<String>,
}

impl References {
    /// The built-in parameter sets and nothing else (for rule examples and tests).
    pub fn builtin() -> References {
        References {
            params: params::Params::builtin().unwrap_or_default(),
            ..References::default()
        }
    }

    pub fn province_of(&self, unit: &str) -> Option<String> {
        self.units
            .as_ref()
            .and_then(|u| u.get(unit))
            .and_then(|i| i.province.clone())
            .or_else(|| self.province.as_deref().map(units::normalize_province))
    }

    pub fn members(&self, unit: &str) -> Option<u32> {
        self.units
            .as_ref()
            .and_then(|u| u.get(unit))
            .and_then(|i| i.members)
    }

    pub fn level(&self, unit: &str) -> Option<&str> {
        self.units
            .as_ref()
            .and_then(|u| u.get(unit))
            .and_then(|i| i.level.as_deref())
    }
}
