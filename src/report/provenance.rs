//! Provenance of a risk report: tool version, rule-pack hash, the parameter sets and
//! provinces in force, the holiday table, every input with its SHA-256 and the command
//! line, so that a report can be traced to exactly what produced it.

use std::collections::BTreeMap;

use crate::reference::References;
use crate::rule::RuleSet;
use crate::scan::ScanOutcome;

/// Where a report came from: enough to reproduce it.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub tool_version: String,
    pub rule_pack: String,
    /// The command line, program name first (as `fundwatch`, not the binary's path).
    pub command_line: Vec<String>,
    /// Every input (ledgers, settings and mapping files) with the SHA-256 of its bytes.
    pub inputs: Vec<(String, String)>,
    /// The official holiday data in force: years covered and the table's hash.
    pub holiday_table: String,
    /// The parameter set and province in force, when one was chosen.
    pub parameter_set: Option<String>,
}

impl Provenance {
    /// Provenance of a scan: hashes every file in `inputs` (display name, path); a file
    /// that cannot be read gets its error instead of a hash.
    pub fn collect(
        rules: &RuleSet,
        command_line: Vec<String>,
        inputs: &[(String, std::path::PathBuf)],
        parameter_set: Option<String>,
    ) -> Provenance {
        let (first, last) = crate::calendar::Calendar::builtin().coverage();
        let table_hash = crate::rule::load::embedded_files()
            .iter()
            .find(|(p, _)| *p == "calendar/holidays-cn.csv")
            .map(|(_, text)| sha256_hex(text.as_bytes()))
            .unwrap_or_default();
        Provenance {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            rule_pack: rules.pack_hash.clone(),
            command_line,
            inputs: inputs
                .iter()
                .map(|(display, path)| {
                    let hash = std::fs::read(path)
                        .map(|bytes| sha256_hex(&bytes))
                        .unwrap_or_else(|e| format!("({e})"));
                    (display.clone(), hash)
                })
                .collect(),
            holiday_table: format!(
                "rules/calendar/holidays-cn.csv {first}–{last} (sha256 {})",
                &table_hash[..table_hash.len().min(16)]
            ),
            parameter_set,
        }
    }

    /// The command line as one shell-quoted string.
    pub fn command_text(&self) -> String {
        self.command_line
            .iter()
            .map(|arg| {
                let plain = !arg.is_empty()
                    && arg
                        .chars()
                        .all(|c| !c.is_whitespace() && !"'\"\\$`!*?[]{}()<>|&;#~".contains(c));
                if plain {
                    arg.clone()
                } else {
                    format!("'{}'", arg.replace('\'', "'\\''"))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The parameter sets and provinces in force, in one line: which province each unit is
/// placed in (units table or `--province`), the sets that may apply to them (national
/// sets included; presets only with `--use-presets`) and the units with stricter caps.
pub fn parameter_set_text(refs: &References, outcome: &ScanOutcome) -> String {
    let mut provinces: BTreeMap<String, u64> = BTreeMap::new();
    let mut units: Vec<&str> = outcome.files.iter().flat_map(|f| f.units()).collect();
    units.sort_unstable();
    units.dedup();
    for unit in &units {
        let province = refs.province_of(unit).unwrap_or_else(|| "未知".to_string());
        *provinces.entry(province).or_default() += 1;
    }
    let placed: Vec<String> = provinces
        .iter()
        .map(|(p, n)| format!("{p} {n} 个单位"))
        .collect();
    let mut sets: Vec<String> = refs
        .params
        .sets
        .iter()
        .filter(|s| s.province == "全国" || provinces.contains_key(&s.province))
        .filter(|s| refs.params.use_presets || !s.is_preset())
        .map(|s| s.describe())
        .collect();
    sets.sort();
    sets.dedup();
    format!(
        "省份：{}；可用参数集：{}；参考预设（来源 C/D）：{}；本单位严格限额：{} 个单位",
        if placed.is_empty() {
            "—".to_string()
        } else {
            placed.join("、")
        },
        if sets.is_empty() {
            "无".to_string()
        } else {
            sets.join("；")
        },
        if refs.params.use_presets {
            "使用"
        } else {
            "不使用"
        },
        refs.params.unit_caps.len()
    )
}
