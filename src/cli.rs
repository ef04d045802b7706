//! Command-line interface: clap derive types only. Parsing validates; `lib::run` works.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::rule::Severity;

/// Watches how trade-union funds (工会经费) are spent: reads 用友/金蝶 ledger exports,
/// applies the negative list and other rules, and reports what it flagged.
#[derive(Debug, Parser)]
#[command(name = "fundwatch", version, about)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
    /// More logging on stderr (-v, -vv). Results always go to stdout. RUST_LOG also works.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

// Parsed once per run: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan ledgers with the rules and report flagged rows.
    Scan(ScanArgs),
    /// Show how each ledger file was understood (format, header, mapping, row counts).
    Inspect(InspectArgs),
    /// List, show, check and test rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Draw a reproducible sample of expense lines for 票据抽查 (random or monetary-unit).
    Sample(SampleArgs),
    /// Write a commented fundwatch.toml, a local rules directory and an exceptions.toml.
    Init {
        /// Where to write them.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Write generated ledgers: the bundled sample set, or a large file for benchmarks.
    #[command(subcommand, hide = true)]
    Synth(SynthCommand),
}

#[derive(Debug, clap::Args)]
pub struct SampleArgs {
    /// Ledger files, directories or glob patterns.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// How many lines to draw (per unit with --per-unit).
    #[arg(long)]
    pub size: usize,
    /// The seed: the same seed and ledgers always give the same draw.
    #[arg(long)]
    pub seed: u64,
    /// random: every line equally likely; mus: probability proportional to amount.
    #[arg(long, value_enum, default_value_t = crate::workflow::sample::Method::Random)]
    pub method: crate::workflow::sample::Method,
    /// Draw `--size` lines from each unit.
    #[arg(long)]
    pub per_unit: bool,
    /// Write here (.csv or .xlsx) instead of CSV on stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// Options for reading ledgers, shared by `scan` and `inspect`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// Text encoding of CSV/TXT/HTML files (default: detected; utf-8, gbk, gb18030, utf-16le).
    #[arg(long, help_heading = "Reading")]
    pub encoding: Option<String>,
    /// Unit (单位) for every row, overriding the unit column, title row and file name.
    #[arg(long, help_heading = "Reading")]
    pub unit: Option<String>,
    /// A TOML file of extra column mappings (dialects); repeatable.
    #[arg(long = "mapping", value_name = "FILE", help_heading = "Reading")]
    pub mappings: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Ledger files, directories or glob patterns.
    pub paths: Vec<PathBuf>,
    /// A directory of extra rules; a rule with a shipped id overrides it. Repeatable.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Turn a rule off by id. Repeatable.
    #[arg(long = "disable", value_name = "ID")]
    pub disable: Vec<String>,
    /// Do not load the rules shipped inside the binary.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Output format.
    #[arg(long, value_enum, help_heading = "Output")]
    pub format: Option<Format>,
    /// Write the output here instead of stdout.
    #[arg(long, short, value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity exists (default: high).
    #[arg(long, value_enum, help_heading = "Output")]
    pub fail_on: Option<Severity>,
    /// Also write the risk report (report.html, findings.xlsx, report.md) into DIR.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub report: Option<PathBuf>,
    /// Language of report.html and report.md (default: zh).
    #[arg(long, value_enum, help_heading = "Output")]
    pub lang: Option<crate::report::Lang>,
    /// Settings file (default: ./fundwatch.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads (0 = one per core).
    #[arg(short = 'j', long, default_value_t = 0)]
    pub threads: usize,
    /// Units table (单位, 会员人数, 级别, 省份): enables per-member caps and provinces.
    #[arg(long, value_name = "FILE", help_heading = "Reference tables")]
    pub units: Option<PathBuf>,
    /// Budget table (单位, 年度, 科目, 预算数, 调整后预算数): enables budget checks.
    #[arg(long, value_name = "FILE", help_heading = "Reference tables")]
    pub budget: Option<PathBuf>,
    /// Province whose parameter set applies to units without one in the units table.
    #[arg(long, help_heading = "Reference tables")]
    pub province: Option<String>,
    /// Also use parameter sets whose source is secondary (tag C) or unverified (tag D).
    #[arg(long, help_heading = "Reference tables")]
    pub use_presets: bool,
    /// Exceptions file (fingerprint or rule+unit+voucher, reason, approver, 批文号, expiry).
    #[arg(long, value_name = "FILE", help_heading = "Workflow")]
    pub exceptions: Option<PathBuf>,
    /// Last month's `--format json` output: mark findings new / open and list resolved ones.
    #[arg(long, value_name = "FILE", help_heading = "Workflow")]
    pub baseline: Option<PathBuf>,
    /// Fail (exit 1) only on findings that are new against the baseline.
    #[arg(long, help_heading = "Workflow")]
    pub fail_on_new: bool,
    /// The date exceptions are checked against (default: today), YYYY-MM-DD.
    #[arg(long, value_name = "DATE", help_heading = "Workflow")]
    pub as_of: Option<chrono::NaiveDate>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Ledger files, directories or glob patterns.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    pub format: InspectFormat,
    /// How many rejected rows to show per file in text output.
    #[arg(long, default_value_t = 10)]
    pub max_rejects: usize,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule (id, title, severity, status, basis).
    List {
        /// Extra rule directories.
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
    /// Everything about one rule: what it finds, why, basis, conditions, examples.
    Show {
        id: String,
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Validate rule files without scanning; every error with file, line and column.
    Check {
        /// Rule directories (default: the shipped pack).
        dirs: Vec<PathBuf>,
    },
    /// Run every rule's embedded examples; exit non-zero on any failure.
    Test {
        /// Rule directories (default: the shipped pack).
        dirs: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SynthCommand {
    /// Regenerate the bundled sample data.
    Sample {
        #[arg(long, default_value = "sample-data")]
        out: PathBuf,
        #[arg(long, default_value_t = 20251)]
        seed: u64,
    },
    /// Write one large generic-layout CSV ledger (for benchmarks).
    Large {
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        rows: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// utf8 or gbk.
        #[arg(long, default_value = "utf8")]
        encoding: String,
    },
}

/// How `scan` prints findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Table,
    Csv,
    Json,
    Jsonl,
    /// JUnit XML: one test case per rule, for CI dashboards.
    Junit,
}

/// How `inspect` and `rules list` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum InspectFormat {
    #[default]
    Text,
    Json,
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        super::Args::command().debug_assert();
    }
}
