//! The units table: one line per union (单位), with its member count (会员人数), level
//! (基层 / 县级以上) and province. Per-member caps need the member count; the province
//! chooses the parameter set.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Column, read_table, read_table_bytes};
use crate::error::ConfigError;

/// What the units table says about one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitInfo {
    pub members: Option<u32>,
    pub level: Option<String>,
    pub province: Option<String>,
    /// `path:line` of the table line, for provenance.
    pub source: String,
}

/// Units by name.
#[derive(Debug, Clone, Default)]
pub struct Units {
    pub units: BTreeMap<String, UnitInfo>,
}

const COLUMNS: &[Column] = &[
    Column {
        key: "unit",
        aliases: &["单位名称", "单位", "工会名称", "基层工会名称", "核算单位"],
        required: true,
    },
    Column {
        key: "members",
        aliases: &["会员人数", "会员数", "人数", "会员总数"],
        required: true,
    },
    Column {
        key: "level",
        aliases: &["级别", "单位级别", "层级", "工会级别"],
        required: false,
    },
    Column {
        key: "province",
        aliases: &["省份", "省", "所在省份", "省(区、市)"],
        required: false,
    },
];

/// Strips a trailing 省/市/自治区 so `山东省` and `山东` name the same parameter sets.
pub fn normalize_province(name: &str) -> String {
    let name = name.trim();
    for suffix in [
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "省",
        "市",
    ] {
        if let Some(stripped) = name.strip_suffix(suffix)
            && !stripped.is_empty()
        {
            return stripped.to_string();
        }
    }
    name.to_string()
}

impl Units {
    /// Reads and validates a units table; every bad line is an error.
    pub fn load(path: &Path) -> Result<Units, Vec<ConfigError>> {
        let table = read_table(path, COLUMNS).map_err(|e| vec![e])?;
        Self::from_table(&table)
    }

    /// [`Self::load`] on a table held in memory (`display` names it in errors).
    pub fn load_bytes(bytes: &[u8], display: &str) -> Result<Units, Vec<ConfigError>> {
        let table = read_table_bytes(bytes, display, COLUMNS).map_err(|e| vec![e])?;
        Self::from_table(&table)
    }

    fn from_table(table: &super::Table) -> Result<Units, Vec<ConfigError>> {
        let mut units = BTreeMap::new();
        let mut errors = Vec::new();
        for (line, cells) in &table.lines {
            let name = table.cell(cells, "unit");
            if name.is_empty() {
                errors.push(table.error(*line, "unit", "单位名称为空 (unit name is blank)"));
                continue;
            }
            let members_text = table.cell(cells, "members");
            let members = if members_text.is_empty() {
                None
            } else {
                match members_text.trim_end_matches(".0").parse::<u32>() {
                    Ok(0) | Err(_) => {
                        errors.push(table.error(*line, "members", format!("会员人数无法识别 (member count not a positive whole number): `{members_text}`")));
                        continue;
                    }
                    Ok(n) => Some(n),
                }
            };
            let level = Some(table.cell(cells, "level").to_string()).filter(|s| !s.is_empty());
            if let Some(level) = &level
                && level != "基层"
                && level != "县级以上"
            {
                errors.push(table.error(
                    *line,
                    "level",
                    format!(
                        "级别应为“基层”或“县级以上” (level must be 基层 or 县级以上): `{level}`"
                    ),
                ));
                continue;
            }
            let province =
                Some(normalize_province(table.cell(cells, "province"))).filter(|s| !s.is_empty());
            let info = UnitInfo {
                members,
                level,
                province,
                source: format!("{}:{line}", table.display),
            };
            if let Some(previous) = units.insert(name.to_string(), info) {
                errors.push(table.error(
                    *line,
                    "unit",
                    format!(
                        "单位「{name}」重复 (duplicate unit; first at {})",
                        previous.source
                    ),
                ));
            }
        }
        if errors.is_empty() {
            Ok(Units { units })
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, unit: &str) -> Option<&UnitInfo> {
        self.units.get(unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provinces() {
        assert_eq!(normalize_province("山东省"), "山东");
        assert_eq!(normalize_province("内蒙古自治区"), "内蒙古");
        assert_eq!(normalize_province("北京市"), "北京");
        assert_eq!(normalize_province("湖北"), "湖北");
    }
}
