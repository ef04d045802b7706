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
use crate::ledger::{grid, limits};

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
    read_table_from(
        grid::Source::Path(path),
        &path.display().to_string(),
        columns,
    )
}

/// [`read_table`] on bytes in memory (`display` names them in errors).
pub fn read_table_bytes(
    bytes: &[u8],
    display: &str,
    columns: &[Column],
) -> Result<Table, ConfigError> {
    read_table_from(grid::Source::Bytes(bytes), display, columns)
}

fn read_table_from(
    source: grid::Source<'_>,
    display: &str,
    columns: &[Column],
) -> Result<Table, ConfigError> {
    let fail = |line: u64, message: String| ConfigError {
        path: display.to_string(),
        line: usize::try_from(line).unwrap_or(usize::MAX).max(1),
        column: 1,
        message,
        hint: None,
    };
    // Per sheet: the header columns once found, and the data lines after it.
    let mut header: Option<Vec<(&'static str, usize)>> = None;
    let mut lines: Vec<(u64, Vec<String>)> = Vec::new();
    let mut error: Option<ConfigError> = None;
    let mut done = false;
    let result = grid::read(
        source,
        None,
        Some(limits::MAX_REFERENCE_BYTES),
        &mut |event| match event {
            grid::Event::Sheet { .. } => {
                if header.is_some() {
                    done = true;
                    return grid::Flow::Stop;
                }
                lines.clear();
                grid::Flow::Continue
            }
            grid::Event::Record { line, cells, .. } => {
                let cells = match cells {
                    Ok(cells) => cells,
                    Err(e) => {
                        error = Some(fail(
                            line,
                            format!("无法解码该行 (undecodable line): {}", e.reason),
                        ));
                        return grid::Flow::Stop;
                    }
                };
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
                            return grid::Flow::NextSheet;
                        }
                    }
                    Some(_) => {
                        if cells.iter().any(|c| !c.trim().is_empty()) {
                            if lines.len() >= limits::MAX_REFERENCE_LINES {
                                error = Some(fail(
                                    line,
                                    format!(
                                        "参照表超过 {} 行上限 (more than {} data lines)",
                                        limits::MAX_REFERENCE_LINES,
                                        limits::MAX_REFERENCE_LINES
                                    ),
                                ));
                                return grid::Flow::Stop;
                            }
                            lines.push((line, cells.iter().map(|c| (*c).to_string()).collect()));
                        }
                    }
                }
                grid::Flow::Continue
            }
            grid::Event::Opened { .. } | grid::Event::Note(_) => grid::Flow::Continue,
        },
    );
    if let Some(e) = error {
        return Err(e);
    }
    result.map_err(|message| fail(1, message))?;
    let _ = done;
    if let Some(cols) = header {
        return Ok(Table {
            display: display.to_string(),
            lines,
            cols,
        });
    }
    let required: Vec<&str> = columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.aliases[0])
        .collect();
    Err(fail(
        1,
        format!(
            "找不到表头：需要列 {} (no header with the required columns)",
            required.join("、")
        ),
    ))
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
