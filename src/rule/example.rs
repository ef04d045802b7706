//! The example runner behind `fundwatch rules test` and `cargo test`: every rule's
//! `[[examples]]` rows are turned into a tiny ledger and the rule must flag exactly the
//! `flag` rows. `todo-flag` / `todo-ok` mark known gaps: reported, not failed, and they
//! fail once the gap closes so the marker gets updated.

use chrono::NaiveDate;

use serde::Deserialize;

use super::file::{CaseSpec, ExampleSpec, Expect, Money};
use super::keywords::{HitCache, KeywordSet};
use super::{Rule, RuleSet};
use crate::calendar::Calendar;
use crate::detector::Detector;
use crate::ledger::{ChartVersion, Direction, LedgerFile, Row, chart, value};
use crate::reference::References;
use crate::reference::budget::{Budget, BudgetLine};
use crate::reference::units::{UnitInfo, Units};

/// Default date of an example row without one: a plain Wednesday, no festival near.
const DEFAULT_DATE: (i32, u32, u32) = (2025, 6, 11);

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
    example_rows_ledger(std::slice::from_ref(example), display)
}

/// Builds a ledger from example rows; row *n* is on line *n*.
pub fn example_rows_ledger(examples: &[ExampleSpec], display: &str) -> Result<LedgerFile, String> {
    let mut file = LedgerFile::empty(display);
    for (idx, example) in examples.iter().enumerate() {
        let date = match &example.date {
            Some(text) => value::parse_date(text, None)?,
            None => NaiveDate::from_ymd_opt(DEFAULT_DATE.0, DEFAULT_DATE.1, DEFAULT_DATE.2)
                .ok_or("bad default date")?,
        };
        let debit = money(&example.debit)?;
        let credit = money(&example.credit)?;
        let attachments_plus_one = match example.attachments {
            None => None,
            Some(count) => {
                Some(Row::stored_attachments(count).ok_or("attachments: count too large")?)
            }
        };
        let account = chart::full_path(
            ChartVersion::for_date(date),
            &example.account_code,
            &example.account,
        );
        let s = &mut file.strings;
        let row = Row {
            line: idx as u32 + 1,
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
            attachments_plus_one,
            unit: s.intern(example.unit.as_deref().unwrap_or(EXAMPLE_UNIT)),
            closing: example.closing,
        };
        file.rows.push(row);
    }
    file.rows_read = file.rows.len() as u64;
    Ok(file)
}

/// Which rows of `file` the rule flags (`params` overrides detector parameters) (a detector flags its evidence rows), and how
/// many findings it produces.
pub fn flagged(
    rule: &Rule,
    keywords: &KeywordSet,
    file: LedgerFile,
    case: Option<&CaseSpec>,
) -> Result<(Vec<bool>, usize), String> {
    let params = case.and_then(|c| c.params.as_ref());
    let refs = case.map_or_else(References::builtin, case_references);
    let mut flags = vec![false; file.rows.len()];
    let Some(detector) = &rule.detector else {
        let mut hits = HitCache::new(keywords, &file);
        let mut count = 0;
        for (idx, row) in file.rows.iter().enumerate() {
            if rule.check(row, &file, &mut hits).is_some() {
                flags[idx] = true;
                count += 1;
            }
        }
        return Ok((flags, count));
    };
    let detector = match (params, &rule.detector_table) {
        (Some(params), Some(table)) => {
            let mut merged = table.clone();
            merged.extend(params.clone());
            Detector::deserialize(toml::Value::Table(merged)).map_err(|e| e.to_string())?
        }
        _ => detector.clone(),
    };
    let files = [file];
    let mut count = 0;
    for (_, out) in crate::scan::detector_outputs(
        rule,
        &detector,
        keywords,
        &files,
        Calendar::builtin(),
        &refs,
    ) {
        count += out.hits.len();
        for hit in out.hits {
            for r in hit.rows {
                flags[r.row as usize] = true;
            }
        }
    }
    Ok((flags, count))
}

fn judge(test: &mut RuleTest, label: &str, expect: Expect, flagged: bool) {
    match (expect, flagged) {
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

/// The unit name of example rows without one.
const EXAMPLE_UNIT: &str = "示例工会";

/// Reference tables as a case describes them: members, province and budget lines of
/// the example unit.
fn case_references(case: &CaseSpec) -> References {
    let mut refs = References::builtin();
    if case.members.is_some() || case.province.is_some() {
        let info = UnitInfo {
            members: case.members,
            level: None,
            province: case
                .province
                .as_deref()
                .map(crate::reference::units::normalize_province),
            source: "example".to_string(),
        };
        refs.units = Some(Units {
            units: std::collections::BTreeMap::from([(EXAMPLE_UNIT.to_string(), info)]),
        });
    }
    if !case.budget.is_empty() {
        let mut budget = Budget::default();
        for line in &case.budget {
            let version = if line.year <= 2021 {
                ChartVersion::Y2009
            } else {
                ChartVersion::Y2021
            };
            let original = money(&Some(line.amount.clone())).unwrap_or(0);
            let adjusted = line
                .adjusted
                .as_ref()
                .and_then(|m| money(&Some(m.clone())).ok());
            budget
                .lines
                .entry((EXAMPLE_UNIT.to_string(), line.year))
                .or_default()
                .push(BudgetLine {
                    unit: EXAMPLE_UNIT.to_string(),
                    year: line.year,
                    account_code: line.account_code.clone(),
                    account: chart::full_path(version, &line.account_code, &line.account),
                    amount: adjusted.unwrap_or(original),
                    original,
                    adjusted,
                    source: "example".to_string(),
                });
        }
        refs.budget = Some(budget);
    }
    refs
}

/// Runs one rule's examples and cases.
pub fn test_rule(rule: &Rule, keywords: &KeywordSet) -> RuleTest {
    let mut test = RuleTest {
        rule_id: rule.id.to_string(),
        source: rule.source.clone(),
        examples: rule.examples.len() + rule.cases.len(),
        failures: Vec::new(),
        known_gaps: Vec::new(),
    };
    for (idx, example) in rule.examples.iter().enumerate() {
        let label = format!(
            "example {} 「{}」{}",
            idx + 1,
            example.summary,
            note(&example.note)
        );
        match example_ledger(example, &rule.source)
            .and_then(|file| flagged(rule, keywords, file, None))
        {
            Ok((flags, _)) => judge(&mut test, &label, example.expect, flags[0]),
            Err(e) => test.failures.push(format!("{label}: bad example row: {e}")),
        }
    }
    for (idx, case) in rule.cases.iter().enumerate() {
        let label = format!("case {}{}", idx + 1, note(&case.note));
        let result = example_rows_ledger(&case.rows, &rule.source)
            .and_then(|file| flagged(rule, keywords, file, Some(case)));
        let (flags, count) = match result {
            Ok(pair) => pair,
            Err(e) => {
                test.failures.push(format!("{label}: bad case: {e}"));
                continue;
            }
        };
        if let Some(want) = case.findings
            && want != count
        {
            test.failures
                .push(format!("{label}: expected {want} finding(s), got {count}"));
        }
        for (row_idx, row) in case.rows.iter().enumerate() {
            judge(
                &mut test,
                &format!("{label} row {} 「{}」", row_idx + 1, row.summary),
                row.expect,
                flags[row_idx],
            );
        }
    }
    test
}

fn note(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(" ({text})")
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
