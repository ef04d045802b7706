//! Rules: data written by auditors in TOML, compiled once, applied to every row.
//!
//! A rule names what it enforces (id, title, severity, legal basis, docs), where it looks
//! (scope: expense lines by default) and what it looks for (an SQL condition and keyword
//! lists). Loading never stops at the first error: every problem in every file is
//! collected with its file, line and column, and nothing is scanned while any remain.

pub mod example;
pub mod field;
pub mod file;
pub mod keywords;
pub mod load;
pub mod sql;
pub mod template;

use serde::{Deserialize, Serialize};

pub use file::{BasisSpec, CaseSpec, DocsSpec, ExampleSpec, Lines};
pub use load::{RuleSet, load_rules};

use crate::ledger::{LedgerFile, Row};
use keywords::{HitCache, KeywordCond};

/// How serious a finding is. Ordered: `info < low < medium < high < critical`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::Info => "提示",
            Severity::Low => "低",
            Severity::Medium => "中",
            Severity::High => "高",
            Severity::Critical => "严重",
        }
    }
}

/// Lifecycle of a rule: drafts run but never fail a check; retired rules do not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    #[default]
    Active,
    Retired,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Active => "active",
            Status::Retired => "retired",
        }
    }
}

/// Which rows a rule looks at.
#[derive(Debug, Clone)]
pub struct Scope {
    pub lines: Lines,
    pub accounts: Vec<String>,
    pub exclude_accounts: Vec<String>,
    pub include_closing: bool,
    /// Also admit 红字 reversals (negative debits), for detectors that net totals.
    pub include_reversals: bool,
    /// `accounts` and `exclude_accounts` as keyword ids matched on the account path.
    pub account_set: keywords::IdSet,
    pub exclude_set: keywords::IdSet,
}

impl Scope {
    /// True when `row` is in scope. Expense lines are positive debits on accounts whose
    /// name path contains 支出 (so 2009 and 2021 charts both work); a 红字 reversal
    /// (negative debit) is not flagged row by row. `class` is the account's (expense,
    /// income) class and `account_hits` the keyword ids found in its path.
    pub fn admits(&self, row: &Row, (expense, income): (bool, bool), account_hits: &[u32]) -> bool {
        if row.closing && !self.include_closing {
            return false;
        }
        let in_lines = match self.lines {
            Lines::Expense => {
                (row.debit > 0 || (self.include_reversals && row.debit < 0)) && expense
            }
            Lines::Income => row.credit > 0 && income,
            Lines::All => true,
        };
        in_lines
            && (self.accounts.is_empty() || self.account_set.any_in(account_hits))
            && !self.exclude_set.any_in(account_hits)
    }
}

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: std::sync::Arc<str>,
    pub title: std::sync::Arc<str>,
    pub severity: Severity,
    pub status: Status,
    pub tags: Vec<String>,
    pub message: template::Template,
    pub basis: BasisSpec,
    pub scope: Scope,
    pub docs: DocsSpec,
    pub where_text: Option<String>,
    pub condition: Option<sql::Condition>,
    pub keywords: Vec<KeywordCond>,
    /// The keyword lists as written, for `rules show`.
    pub keyword_text: Vec<(String, String)>,
    pub examples: Vec<ExampleSpec>,
    pub cases: Vec<CaseSpec>,
    /// The pattern detector, for detector rules; row rules have none.
    pub detector: Option<crate::detector::Detector>,
    /// The `[detector]` table as written, for per-case parameter overrides.
    pub detector_table: Option<toml::Table>,
    /// Where the rule came from: `<builtin>/negative-list/x.toml` or a disk path.
    pub source: String,
    /// The basis as one line ([`Rule::basis_text`]), made once at load: every finding
    /// shares it, as it shares `id` and `title`.
    pub basis_line: std::sync::Arc<str>,
}

impl Rule {
    /// `row` for rules that flag single rows, else the detector kind.
    pub fn kind(&self) -> &'static str {
        self.detector
            .as_ref()
            .map_or("row", crate::detector::Detector::kind)
    }

    /// Every example row, single-row examples and case rows alike.
    pub fn all_example_rows(&self) -> impl Iterator<Item = &ExampleSpec> {
        self.examples
            .iter()
            .chain(self.cases.iter().flat_map(|c| c.rows.iter()))
    }

    /// The basis as one line: `《文件》(文号) 条款`.
    pub fn basis_text(&self) -> &str {
        &self.basis_line
    }

    /// [`Rule::basis_text`] of `basis`.
    pub fn basis_line_of(basis: &file::BasisSpec) -> String {
        let mut text = format!("《{}》", basis.document);
        if let Some(number) = &basis.number {
            text.push_str(&format!("（{number}）"));
        }
        if let Some(article) = &basis.article {
            text.push(' ');
            text.push_str(article);
        }
        text
    }

    /// Evaluates the rule on one row; on a hit, the keyword ids that matched.
    pub fn check(&self, row: &Row, file: &LedgerFile, hits: &mut HitCache<'_>) -> Option<Vec<u32>> {
        let class = hits.account_class(row.account);
        if !self.scope.admits(row, class, hits.hits(row.account)) {
            return None;
        }
        let mut matched = Vec::new();
        self.check_admitted(row, file, hits, &mut matched)
            .then_some(matched)
    }

    /// [`Rule::check`] for a row its scope admits (the scan checks scopes itself, with the
    /// account's class and keywords looked up once per row for all rules), the matched
    /// keyword ids put in `matched` (cleared first; one list serves every row).
    pub fn check_admitted(
        &self,
        row: &Row,
        file: &LedgerFile,
        hits: &mut HitCache<'_>,
        matched: &mut Vec<u32>,
    ) -> bool {
        matched.clear();
        self.keywords_admit(row, hits, matched) && self.where_admits(row, file, hits)
    }

    /// The keyword conditions of [`Rule::check_admitted`], their matched ids appended to
    /// `matched`: they look at the row's summary, payee and account only.
    pub fn keywords_admit(
        &self,
        row: &Row,
        hits: &mut HitCache<'_>,
        matched: &mut Vec<u32>,
    ) -> bool {
        for cond in &self.keywords {
            let Some(field) = cond.field else {
                return false;
            };
            let found = hits.field_hits(field, row);
            if !cond.check_into(&found, matched) {
                return false;
            }
        }
        true
    }

    /// The `where` condition of [`Rule::check_admitted`] (true without one).
    pub fn where_admits(&self, row: &Row, file: &LedgerFile, hits: &mut HitCache<'_>) -> bool {
        match &self.condition {
            Some(condition) => condition.holds(row, file, &mut hits.like),
            None => true,
        }
    }

    /// Whether `other` admits exactly the rows this rule admits: the same scope, `where`
    /// and keyword conditions, so one evaluation serves both (nine rules of the shipped
    /// pack look at every expense line and nothing else).
    pub fn selects_as(&self, other: &Rule) -> bool {
        let (a, b) = (&self.scope, &other.scope);
        a.lines == b.lines
            && a.accounts == b.accounts
            && a.exclude_accounts == b.exclude_accounts
            && a.include_closing == b.include_closing
            && a.include_reversals == b.include_reversals
            && self.where_text == other.where_text
            && self.keywords.len() == other.keywords.len()
            && self
                .keywords
                .iter()
                .zip(&other.keywords)
                .all(|(x, y)| x.same_as(y))
    }
}
