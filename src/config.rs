//! `fundwatch.toml`: the settings of a scheduled scan, so the job is one short command.
//! Paths in the file are relative to the file. Command-line flags override scalar
//! settings and add to list settings.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::Format;
use crate::error::{self, ConfigError};
use crate::rule::Severity;

/// The file's `[scan]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    #[serde(default)]
    pub disable: Vec<String>,
    #[serde(default)]
    pub no_default_rules: bool,
    pub format: Option<Format>,
    pub output: Option<PathBuf>,
    pub fail_on: Option<Severity>,
    /// Directory of the risk report (report.html, findings.xlsx, report.md).
    pub report: Option<PathBuf>,
    pub lang: Option<crate::report::Lang>,
    pub encoding: Option<String>,
    pub unit: Option<String>,
    #[serde(default)]
    pub mappings: Vec<PathBuf>,
    pub units: Option<PathBuf>,
    pub budget: Option<PathBuf>,
    pub province: Option<String>,
    #[serde(default)]
    pub use_presets: bool,
    pub exceptions: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    #[serde(default)]
    pub fail_on_new: bool,
    /// Stricter caps for named units: `[scan.caps."某工会"] festival_gift_per_member_year = 1500`.
    #[serde(default)]
    pub caps: std::collections::BTreeMap<String, std::collections::BTreeMap<String, f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    scan: ScanConfig,
}

/// The default settings file name, looked for in the current directory.
pub const DEFAULT_NAME: &str = "fundwatch.toml";

/// Loads `path`, or `./fundwatch.toml` when no path is given and it exists.
pub fn load(path: Option<&Path>) -> Result<ScanConfig, ConfigError> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => {
            let default = PathBuf::from(DEFAULT_NAME);
            if !default.is_file() {
                return Ok(ScanConfig::default());
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::io(&path, &e))?;
    let file: ConfigFile =
        toml::from_str(&text).map_err(|e| error::toml_error(&path, &text, &e))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let rebase = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
    let mut scan = file.scan;
    scan.paths = scan.paths.into_iter().map(rebase).collect();
    scan.rules = scan.rules.into_iter().map(rebase).collect();
    scan.mappings = scan.mappings.into_iter().map(rebase).collect();
    scan.output = scan.output.map(rebase);
    scan.report = scan.report.map(rebase);
    scan.units = scan.units.map(rebase);
    scan.budget = scan.budget.map(rebase);
    scan.exceptions = scan.exceptions.map(rebase);
    scan.baseline = scan.baseline.map(rebase);
    Ok(scan)
}
