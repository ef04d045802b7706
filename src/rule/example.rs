//! The example runner behind `fundwatch rules test` and `cargo test`: every rule's
//! `[[examples]]` rows are turned into a tiny ledger and the rule must flag exactly the
//! `flag` rows. `todo-flag` / `todo-ok` mark known gaps: reported, not failed, and they
//! fail once the gap closes so the marker gets updated.

use chrono::NaiveDate;

use super::file::{ExampleSpec, Expect, Money};
use super::keywords::{HitCache, KeywordSet};
use super::{Rule, RuleSet};
use crate::ledger::{ChartVersion, Direction, LedgerFile, Row, chart, value};

/// Default date of an example row without one.
const DEFAULT_DATE: (i32, u32, u32) = (2025, 6, 15);

/// The result of one rule's examples.
#[derive(Debug)]
pub struct RuleTest {
    pub rule_id: String,
    pub source: String,
    pub examples: usize,
    pub failures: Vec<String>,
    pub known_gaps: Vec<String>,
}

impl RuleTest {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.examples > 0
    }
}

fn money(m: &Option<Money>) -> Result<i64, String> {
    match m {
        None => Ok(0),
        Some(Money::Int(i)) => i
            .checked_mul(100)
            .ok_or_else(|| "amount out of range".to_string()),
        Some(Money::Float(f)) => value::amount_from_f64(*f),
        Some(Money::Text(t)) => value::parse_amount(t),
    }
}

/// Builds the one-row ledger of an example.
pub fn example_ledger(example: &ExampleSpec, display: &str) -> Result<LedgerFile, String> {
    let mut file = LedgerFile::empty(display);
    let date = match &example.date {
        Some(text) => value::parse_date(text, None)?,
        None => NaiveDate::from_ymd_opt(DEFAULT_DATE.0, DEFAULT_DATE.1, DEFAULT_DATE.2)
            .ok_or("bad default date")?,
    };
    let debit = money(&example.debit)?;
    let credit = money(&example.credit)?;
    let account = chart::full_path(
        ChartVersion::for_date(date),
        &example.account_code,
        &example.account,
    );
    let s = &mut file.strings;
    let row = Row {
        line: 1,
        sheet: 0,
        date,
        voucher: s.intern(&value::normalize_voucher(&example.voucher, "")),
        entry: 0,
        summary: s.intern(&example.summary),
        account_code: s.intern(&example.account_code),
        account: s.intern(&account),
        debit,
        credit,
        direction: if debit == 0 && credit != 0 {
            Direction::Credit
        } else {
            Direction::Debit
        },
        payee: s.intern(&example.payee),
        handler: s.intern(&example.handler),
        department: s.intern(&example.department),
        project: s.intern(&example.project),
        attachments: example.attachments,
        unit: s.intern(example.unit.as_deref().unwrap_or("示例工会")),
        closing: example.closing,
    };
    file.rows.push(row);
    file.rows_read = 1;
    Ok(file)
}

/// Runs one rule's examples.
pub fn test_rule(rule: &Rule, keywords: &KeywordSet) -> RuleTest {
    let mut test = RuleTest {
        rule_id: rule.id.clone(),
        source: rule.source.clone(),
        examples: rule.examples.len(),
        failures: Vec::new(),
        known_gaps: Vec::new(),
    };
    for (idx, example) in rule.examples.iter().enumerate() {
        let label = format!(
            "example {} 「{}」{}",
            idx + 1,
            example.summary,
            note(example)
        );
        let file = match example_ledger(example, &rule.source) {
            Ok(file) => file,
            Err(e) => {
                test.failures.push(format!("{label}: bad example row: {e}"));
                continue;
            }
        };
        let mut hits = HitCache::new(keywords, &file);
        let flagged = file
            .rows
            .iter()
            .any(|row| rule.check(row, &file, &mut hits).is_some());
        match (example.expect, flagged) {
            (Expect::Flag, true) | (Expect::Ok, false) => {}
            (Expect::Flag, false) => test
                .failures
                .push(format!("{label}: expected flag, not flagged")),
            (Expect::Ok, true) => test
                .failures
                .push(format!("{label}: expected ok, but flagged")),
            (Expect::TodoFlag, false) => test
                .known_gaps
                .push(format!("{label}: known miss (todo-flag)")),
            (Expect::TodoOk, true) => test
                .known_gaps
                .push(format!("{label}: known false positive (todo-ok)")),
            (Expect::TodoFlag, true) => test.failures.push(format!(
                "{label}: marked todo-flag but is now flagged: change it to expect = \"flag\""
            )),
            (Expect::TodoOk, false) => test.failures.push(format!(
                "{label}: marked todo-ok but is no longer flagged: change it to expect = \"ok\""
            )),
        }
    }
    test
}

fn note(example: &ExampleSpec) -> String {
    if example.note.is_empty() {
        String::new()
    } else {
        format!(" ({})", example.note)
    }
}

/// Runs every rule's examples (retired rules included: their examples must stay true).
pub fn test_all(rules: &RuleSet) -> Vec<RuleTest> {
    rules
        .rules
        .iter()
        .chain(&rules.retired)
        .map(|rule| test_rule(rule, &rules.keywords))
        .collect()
}
