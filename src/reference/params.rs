//! Provincial parameter sets: the numbers behind caps (节日慰问品 元/人/年, 生日 元/次 …),
//! shipped as data in `rules/params/provinces.toml`, each with its province, effective
//! date, document and source tag.
//!
//! The set in force for a unit and date is the latest one of its province whose
//! effective date is not after the date. Sets tagged A or B are defaults; C and D sets
//! are presets, used only with `--use-presets`. Keys missing from a province fall back
//! to the national set (`全国`). A unit may tighten a value in fundwatch.toml but never
//! loosen it.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{self, ConfigError};
use crate::rule::file::SourceTag;

/// One parameter set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSet {
    pub province: String,
    pub name: String,
    pub effective: toml::value::Datetime,
    pub document: String,
    #[serde(default)]
    pub number: Option<String>,
    pub source_tag: SourceTag,
    #[serde(default)]
    pub note: Option<String>,
    pub values: BTreeMap<String, f64>,
}

impl ParamSet {
    pub fn effective_date(&self) -> Option<NaiveDate> {
        let d = self.effective.date?;
        NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
    }

    pub fn is_preset(&self) -> bool {
        matches!(self.source_tag, SourceTag::C | SourceTag::D)
    }

    /// `山东省 2019（《…》，来源 B）` for messages.
    pub fn describe(&self) -> String {
        let tag = format!("{:?}", self.source_tag);
        let preset = if self.is_preset() {
            "，参考预设"
        } else {
            ""
        };
        format!("{}（《{}》，来源 {tag}{preset}）", self.name, self.document)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamsFile {
    set: Vec<ParamSet>,
}

/// Where a cap value came from.
#[derive(Debug, Clone)]
pub enum Source<'a> {
    Set(&'a ParamSet),
    /// A stricter value from fundwatch.toml for this unit.
    UnitConfig,
}

impl Source<'_> {
    pub fn describe(&self) -> String {
        match self {
            Source::Set(set) => set.describe(),
            Source::UnitConfig => "本单位配置（fundwatch.toml，严于省标准）".to_string(),
        }
    }
}

/// All sets plus the settings that choose among them.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub sets: Vec<ParamSet>,
    pub use_presets: bool,
    /// Unit → key → stricter value.
    pub unit_caps: BTreeMap<String, BTreeMap<String, f64>>,
}

/// The shipped parameter file.
pub fn builtin_text() -> &'static str {
    crate::rule::load::embedded_files()
        .iter()
        .find(|(p, _)| *p == "params/provinces.toml")
        .map_or("", |(_, t)| *t)
}

impl Params {
    pub fn parse(text: &str, path: &Path) -> Result<Params, ConfigError> {
        let file: ParamsFile =
            toml::from_str(text).map_err(|e| error::toml_error(path, text, &e))?;
        let mut sets = file.set;
        for set in &mut sets {
            set.province = super::units::normalize_province(&set.province);
        }
        Ok(Params {
            sets,
            ..Params::default()
        })
    }

    pub fn builtin() -> Result<Params, ConfigError> {
        Params::parse(builtin_text(), Path::new("<builtin>/params/provinces.toml"))
    }

    /// The value of `key` for `province` on `date`, and where it came from.
    pub fn value(
        &self,
        unit: &str,
        province: Option<&str>,
        date: NaiveDate,
        key: &str,
    ) -> Option<(f64, Source<'_>)> {
        let from_sets = |prov: &str| {
            self.sets
                .iter()
                .filter(|s| s.province == prov && s.values.contains_key(key))
                .filter(|s| self.use_presets || !s.is_preset())
                .filter(|s| s.effective_date().is_some_and(|d| d <= date))
                .max_by_key(|s| s.effective_date())
        };
        let set = province.and_then(from_sets).or_else(|| from_sets("全国"))?;
        let value = set.values.get(key).copied()?;
        match self.unit_caps.get(unit).and_then(|caps| caps.get(key)) {
            Some(&stricter) if stricter < value => Some((stricter, Source::UnitConfig)),
            _ => Some((value, Source::Set(set))),
        }
    }

    /// Checks unit overrides: each must be at most every value its province ever had.
    pub fn validate_unit_caps(
        &self,
        province_of: impl Fn(&str) -> Option<String>,
    ) -> Vec<ConfigError> {
        let mut errors = Vec::new();
        for (unit, caps) in &self.unit_caps {
            let province = province_of(unit);
            for (key, &v) in caps {
                let looser: Vec<&ParamSet> = self
                    .sets
                    .iter()
                    .filter(|s| Some(&s.province) == province.as_ref() || s.province == "全国")
                    .filter(|s| s.values.get(key).is_some_and(|&limit| v > limit))
                    .collect();
                let known = self.sets.iter().any(|s| s.values.contains_key(key));
                if !known {
                    errors.push(config_error(format!(
                        "[scan.caps.\"{unit}\"]: unknown parameter `{key}`"
                    )));
                } else if let Some(set) = looser.first() {
                    errors.push(config_error(format!(
                        "[scan.caps.\"{unit}\"] {key} = {v} is looser than {} ({}): a unit may tighten a cap, never loosen it",
                        set.name, set.values[key]
                    )));
                }
            }
        }
        errors
    }
}

fn config_error(message: String) -> ConfigError {
    ConfigError {
        path: crate::config::DEFAULT_NAME.to_string(),
        line: 1,
        column: 1,
        message,
        hint: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_sets_parse_and_choose_by_date() {
        let params = Params::builtin().unwrap();
        assert!(params.sets.len() >= 8);
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let (v, _) = params
            .value(
                "x",
                Some("山东"),
                d(2020, 1, 1),
                "festival_gift_per_member_year",
            )
            .unwrap();
        assert_eq!(v, 2000.0);
        let (v, _) = params
            .value(
                "x",
                Some("山东"),
                d(2019, 1, 1),
                "festival_gift_per_member_year",
            )
            .unwrap();
        assert_eq!(v, 1600.0);
        assert!(
            params
                .value(
                    "x",
                    Some("湖南"),
                    d(2022, 1, 1),
                    "festival_gift_per_member_year"
                )
                .is_none(),
            "C-grade presets are opt-in"
        );
        let mut with_presets = params.clone();
        with_presets.use_presets = true;
        assert!(
            with_presets
                .value(
                    "x",
                    Some("湖南"),
                    d(2022, 1, 1),
                    "festival_gift_per_member_year"
                )
                .is_some()
        );
    }

    #[test]
    fn units_may_tighten_not_loosen() {
        let mut params = Params::builtin().unwrap();
        params.unit_caps.insert(
            "甲".into(),
            BTreeMap::from([("festival_gift_per_member_year".to_string(), 1500.0)]),
        );
        assert!(
            params
                .validate_unit_caps(|_| Some("山东".into()))
                .is_empty()
        );
        let d = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
        assert_eq!(
            params
                .value("甲", Some("山东"), d, "festival_gift_per_member_year")
                .unwrap()
                .0,
            1500.0
        );
        params.unit_caps.insert(
            "乙".into(),
            BTreeMap::from([("festival_gift_per_member_year".to_string(), 5000.0)]),
        );
        let errors = params.validate_unit_caps(|_| Some("山东".into()));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("looser"));
    }
}
