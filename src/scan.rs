//! The scan: read every input in parallel, evaluate every rule on every row in one pass,
//! and collect findings. This is the one place with parallelism: rayon over files, each
//! file read and scanned by one task (see ARCHITECTURE.md, "Threads").

use rayon::prelude::*;

use std::collections::BTreeMap;

use crate::calendar::Calendar;
use crate::detector::{Ctx, Output, RowRef, UnitRows};
use crate::error::FileError;
use crate::finding::{self, Finding};
use crate::input::InputFile;
use crate::ledger::LedgerFile;
use crate::ledger::read::{ReadOptions, read_file};
use crate::rule::keywords::{HitCache, KeywordSet};
use crate::rule::{Rule, RuleSet};

/// A remark of a detector about a unit (e.g. a test that was not applicable).
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    pub unit: String,
    pub rule_id: String,
    pub message: String,
}

/// Everything a scan produced.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    /// Files read, in input order.
    pub files: Vec<LedgerFile>,
    /// Files that could not be read at all.
    pub errors: Vec<FileError>,
    /// Findings, sorted.
    pub findings: Vec<Finding>,
    /// Detector remarks, sorted.
    pub notes: Vec<Note>,
    /// What the exceptions file and the baseline did (empty when not given).
    pub workflow: Workflow,
}

/// Results of exceptions and baseline comparison.
#[derive(Debug, Default, serde::Serialize)]
pub struct Workflow {
    pub suppressed: Vec<crate::workflow::exceptions::Suppressed>,
    pub stale_exceptions: Vec<crate::workflow::exceptions::Stale>,
    pub lapsed_exceptions: u64,
    pub baseline: Option<crate::workflow::baseline::Counts>,
    pub resolved: Vec<crate::workflow::baseline::Resolved>,
    /// `--fail-on-new`: only new findings fail a check.
    pub fail_on_new: bool,
    /// Malformed exception entries (`path:line:col: …`); they suppress nothing.
    pub exception_problems: Vec<String>,
}

/// Reads files in parallel, keeping input order.
pub fn read_all(
    inputs: &[InputFile],
    opts: &ReadOptions,
    progress: &indicatif::ProgressBar,
) -> Vec<Result<LedgerFile, FileError>> {
    inputs
        .par_iter()
        .map(|input| {
            let res = read_file(&input.path, &input.display, opts);
            progress.inc(1);
            res
        })
        .collect()
}

/// Applies every row rule to every row of `file`: one pass over the rows.
pub fn scan_rows(rules: &RuleSet, file: &LedgerFile) -> Vec<Finding> {
    let mut hits = HitCache::new(&rules.keywords, file);
    let mut findings = Vec::new();
    let row_rules: Vec<&Rule> = rules
        .rules
        .iter()
        .filter(|r| r.detector.is_none())
        .collect();
    for row in &file.rows {
        for rule in &row_rules {
            if let Some(ids) = rule.check(row, file, &mut hits) {
                let matched: Vec<String> = ids
                    .iter()
                    .filter_map(|&id| rules.keywords.keywords.get(id as usize).cloned())
                    .collect();
                findings.push(Finding::for_row(rule, row, file, &matched));
            }
        }
    }
    findings
}

/// Reads and scans all inputs.
pub fn scan(
    inputs: &[InputFile],
    opts: &ReadOptions,
    rules: &RuleSet,
    refs: &crate::reference::References,
    progress: &indicatif::ProgressBar,
) -> ScanOutcome {
    let results: Vec<(Result<LedgerFile, FileError>, Vec<Finding>)> = inputs
        .par_iter()
        .map(|input| {
            let res = read_file(&input.path, &input.display, opts);
            let findings = match &res {
                Ok(file) => scan_rows(rules, file),
                Err(_) => Vec::new(),
            };
            progress.inc(1);
            (res, findings)
        })
        .collect();
    let mut outcome = ScanOutcome::default();
    for (res, mut findings) in results {
        match res {
            Ok(file) => outcome.files.push(file),
            Err(e) => outcome.errors.push(e),
        }
        outcome.findings.append(&mut findings);
    }
    let (mut findings, notes) = run_detectors(rules, &outcome.files, Calendar::builtin(), refs);
    outcome.findings.append(&mut findings);
    outcome.notes = notes;
    finding::finalize(&mut outcome.findings);
    outcome
}

/// Runs one detector rule over `files`, unit by unit: (unit, output) pairs in unit order.
/// `detector` is the rule's own or one with per-example parameters.
pub fn detector_outputs(
    rule: &Rule,
    detector: &crate::detector::Detector,
    keywords: &KeywordSet,
    files: &[LedgerFile],
    calendar: &Calendar,
    refs: &crate::reference::References,
) -> Vec<(String, Output)> {
    let ctx = Ctx {
        files,
        calendar,
        refs,
    };
    // Every row by unit, and the rule's candidates by unit.
    let mut units: BTreeMap<&str, (Vec<RowRef>, Vec<RowRef>)> = BTreeMap::new();
    for (file_idx, file) in files.iter().enumerate() {
        let mut hits = HitCache::new(keywords, file);
        for (row_idx, row) in file.rows.iter().enumerate() {
            let r = RowRef {
                file: file_idx as u32,
                row: row_idx as u32,
            };
            let entry = units.entry(file.strings.get(row.unit)).or_default();
            entry.0.push(r);
            if rule.check(row, file, &mut hits).is_some() {
                entry.1.push(r);
            }
        }
    }
    units
        .into_iter()
        .map(|(name, (mut all, mut candidates))| {
            ctx.sort_by_date(&mut all);
            ctx.sort_by_date(&mut candidates);
            let mut out = Output::default();
            detector.run(
                &ctx,
                &UnitRows {
                    name,
                    all: &all,
                    candidates: &candidates,
                },
                &mut out,
            );
            (name.to_string(), out)
        })
        .collect()
}

/// Sorts notes and merges the same remark about the same unit from several rules
/// (e.g. "no budget for unit X" from every budget rule) into one.
fn merge_notes(mut notes: Vec<Note>) -> Vec<Note> {
    notes.sort_by(|a, b| (&a.unit, &a.message, &a.rule_id).cmp(&(&b.unit, &b.message, &b.rule_id)));
    let mut merged: Vec<Note> = Vec::with_capacity(notes.len());
    for note in notes {
        match merged.last_mut() {
            Some(last) if last.unit == note.unit && last.message == note.message => {
                if !last.rule_id.split('、').any(|id| id == note.rule_id) {
                    last.rule_id = format!("{}、{}", last.rule_id, note.rule_id);
                }
            }
            _ => merged.push(note),
        }
    }
    merged.sort();
    merged
}

/// Runs every detector rule; detector rules run in parallel, units within a rule in order.
pub fn run_detectors(
    rules: &RuleSet,
    files: &[LedgerFile],
    calendar: &Calendar,
    refs: &crate::reference::References,
) -> (Vec<Finding>, Vec<Note>) {
    let per_rule: Vec<(Vec<Finding>, Vec<Note>)> = rules
        .rules
        .par_iter()
        .filter_map(|rule| rule.detector.as_ref().map(|d| (rule, d)))
        .map(|(rule, detector)| {
            let mut findings = Vec::new();
            let mut notes = Vec::new();
            for (unit, out) in
                detector_outputs(rule, detector, &rules.keywords, files, calendar, refs)
            {
                for hit in &out.hits {
                    findings.push(Finding::for_hit(rule, hit, files, &unit));
                }
                notes.extend(out.notes.into_iter().map(|message| Note {
                    unit: unit.clone(),
                    rule_id: rule.id.clone(),
                    message,
                }));
            }
            (findings, notes)
        })
        .collect();
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    for (mut f, mut n) in per_rule {
        findings.append(&mut f);
        notes.append(&mut n);
    }
    (findings, merge_notes(notes))
}
