//! Serde structs that mirror a rule file exactly. Unknown keys are errors
//! (`deny_unknown_fields`), and values checked after parsing are `Spanned` so their
//! errors point at the value's line and column.

use serde::Deserialize;
use toml::Spanned;

use super::{Severity, Status};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub id: Spanned<String>,
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Required for row rules; detector rules write their own message.
    pub message: Option<Spanned<String>>,
    pub basis: BasisSpec,
    #[serde(default)]
    pub scope: ScopeSpec,
    #[serde(rename = "match", default)]
    pub matcher: MatchSpec,
    /// `[detector] kind = "…"` switches a pattern detector on (see src/detector/).
    pub detector: Option<Spanned<toml::Table>>,
    pub docs: DocsSpec,
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
    /// Multi-row examples, for detectors.
    #[serde(default)]
    pub cases: Vec<CaseSpec>,
}

/// A multi-row example: a small ledger whose rows each say whether they must be flagged.
#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSpec {
    #[serde(default)]
    pub note: String,
    /// Detector parameters overridden for this case only (e.g. a smaller `min_rows`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<toml::Table>,
    /// When set, the exact number of findings the case must produce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<usize>,
    /// 会员人数 of the example unit (as the units table would give it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<u32>,
    /// Province of the example unit (chooses the parameter set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// Budget lines of the example unit (as the budget table would give them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub budget: Vec<CaseBudgetLine>,
    pub rows: Vec<ExampleSpec>,
}

/// A budget line inside a case.
#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseBudgetLine {
    pub year: i32,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub account_code: String,
    pub amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjusted: Option<Money>,
}

#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct BasisSpec {
    pub document: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    pub source_tag: SourceTag,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Reliability of a fact, as tagged in the domain research (A primary … D unverified).
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum SourceTag {
    A,
    B,
    C,
    D,
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lines {
    #[default]
    Expense,
    Income,
    All,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ScopeSpec {
    #[serde(default)]
    pub lines: Lines,
    #[serde(default)]
    pub accounts: Vec<String>,
    #[serde(default)]
    pub exclude_accounts: Vec<String>,
    #[serde(default)]
    pub include_closing: bool,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MatchSpec {
    #[serde(rename = "where")]
    pub where_: Option<Spanned<String>>,
    pub summary: Option<Spanned<KeywordSpec>>,
    pub payee: Option<Spanned<KeywordSpec>>,
    pub account: Option<Spanned<KeywordSpec>>,
    pub text: Option<Spanned<KeywordSpec>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct KeywordSpec {
    #[serde(default)]
    pub any: Vec<String>,
    #[serde(default)]
    pub all: Vec<String>,
    #[serde(default)]
    pub groups: Vec<Vec<String>>,
    #[serde(default)]
    pub none: Vec<String>,
    pub any_file: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocsSpec {
    pub what: String,
    pub why: String,
    #[serde(default)]
    pub limitations: String,
}

/// What an example row must produce.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// Must be flagged.
    Flag,
    /// Must not be flagged.
    Ok,
    /// A known miss: reported, does not fail; fails once it starts being flagged.
    TodoFlag,
    /// A known false positive: reported, does not fail; fails once it stops being flagged.
    TodoOk,
}

/// A money value written as `5000`, `5000.00` or `"5,000.00"`.
#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(untagged)]
pub enum Money {
    Int(i64),
    Float(f64),
    Text(String),
}

/// One example ledger row with its expected outcome.
#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    pub expect: Expect,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub account_code: String,
    pub debit: Option<Money>,
    pub credit: Option<Money>,
    #[serde(default)]
    pub payee: String,
    pub date: Option<String>,
    #[serde(default)]
    pub voucher: String,
    #[serde(default)]
    pub handler: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub project: String,
    pub attachments: Option<u32>,
    pub unit: Option<String>,
    #[serde(default)]
    pub closing: bool,
}
