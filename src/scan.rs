//! The scan: read every input in parallel, evaluate every rule on every row in one pass,
//! and collect findings. This is the one place with parallelism: rayon over files, each
//! file read and scanned by one task (see ARCHITECTURE.md, "Threads").

use rayon::prelude::*;

use crate::error::FileError;
use crate::finding::{self, Finding};
use crate::input::InputFile;
use crate::ledger::LedgerFile;
use crate::ledger::read::{ReadOptions, read_file};
use crate::rule::RuleSet;
use crate::rule::keywords::HitCache;

/// Everything a scan produced.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    /// Files read, in input order.
    pub files: Vec<LedgerFile>,
    /// Files that could not be read at all.
    pub errors: Vec<FileError>,
    /// Findings, sorted.
    pub findings: Vec<Finding>,
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
    for row in &file.rows {
        for rule in &rules.rules {
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
    finding::finalize(&mut outcome.findings);
    outcome
}
