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
    scan_file(rules, file).0
}

/// One pass over the rows of `file`: row findings, and for each rule (in the order of
/// `rules.rules`; empty for row rules and for rules that take another's candidates, see
/// [`RuleSet::candidate_sources`]) the set of its candidate rows. Keyword hits are
/// computed once per distinct string and shared by all rules.
///
/// A large file is cut into one block of rows per worker thread, scanned in parallel,
/// each with its own hit cache (sized by the file's distinct strings, so few of them);
/// blocks are put back in row order, so the result does not depend on the number of
/// threads.
pub fn scan_file(rules: &RuleSet, file: &LedgerFile) -> (Vec<Finding>, Vec<RowSet>) {
    /// Below this many rows per block, splitting costs more than it saves.
    const MIN_BLOCK: usize = 32 * 1024;
    // A multiple of 64, so the blocks' candidate sets join word by word.
    let block = file
        .rows
        .len()
        .div_ceil(rayon::current_num_threads().max(1))
        .max(MIN_BLOCK)
        .next_multiple_of(64);
    let index = RuleIndex::new(rules);
    let blocks: Vec<(Vec<Finding>, Vec<RowSet>)> = file
        .rows
        .par_chunks(block)
        .map(|rows| {
            let mut hits = HitCache::new(&rules.keywords, file);
            scan_block(rules, &index, file, &mut hits, rows)
        })
        .collect();
    let mut findings = Vec::new();
    let mut candidates: Vec<RowSet> = vec![RowSet::default(); rules.rules.len()];
    for (mut block_findings, block_candidates) in blocks {
        findings.append(&mut block_findings);
        for (all, part) in candidates.iter_mut().zip(block_candidates) {
            all.words.extend_from_slice(&part.words);
        }
    }
    (findings, candidates)
}

/// Row indices of one file, one bit per row: a detector rule that admits every expense
/// line would otherwise keep millions of 4-byte indices (about 20 MB per rule per 10
/// million rows, against 1.25 MB here). A unit's rows are read from it a word at a time (`rows_in`).
#[derive(Clone, Debug, Default)]
pub struct RowSet {
    words: Vec<u64>,
}

impl RowSet {
    /// An empty set for rows `0..rows`.
    pub fn for_rows(rows: usize) -> RowSet {
        RowSet {
            words: vec![0; rows.div_ceil(64)],
        }
    }

    /// Adds `row`, which must be below the size the set was made for.
    pub fn insert(&mut self, row: usize) {
        self.words[row / 64] |= 1 << (row % 64);
    }

    /// How many rows are in the set.
    fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The rows of the set within `range`, ascending (rows beyond its size are not in it).
    pub fn rows_in(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = usize> + '_ {
        let end = range.end.min(self.words.len() * 64);
        let start = range.start.min(end);
        let words = if start < end {
            start / 64..end.div_ceil(64)
        } else {
            0..0
        };
        words.flat_map(move |w| {
            let mut word = self.words[w];
            // Clear the bits before `start` and from `end` on.
            if w == start / 64 {
                word &= u64::MAX << (start % 64);
            }
            if w == (end - 1) / 64 && !end.is_multiple_of(64) {
                word &= u64::MAX >> (64 - end % 64);
            }
            std::iter::from_fn(move || {
                (word != 0).then(|| {
                    let bit = word.trailing_zeros() as usize;
                    word &= word - 1;
                    w * 64 + bit
                })
            })
        })
    }
}

/// Which rules can match a row, from the keywords found in it: a rule whose keyword
/// condition needs a hit (`any`, `all`, `groups`) is only tried on rows where one of its
/// keywords occurs; the others (scope and `where` only, `none` only) on every row. Most
/// rows contain no keyword, so most keyword rules are never tried on them. A filter
/// only: the rule's scope and [`Rule::check_admitted`] still decide.
///
/// A detector rule that takes another's candidates ([`RuleSet::candidate_sources`]) is
/// not tried at all; its candidate set stays empty.
struct RuleIndex {
    /// Rules tried on every row.
    always: Vec<usize>,
    /// Keyword id → rules that need it or one of its siblings.
    by_keyword: Vec<Vec<usize>>,
    /// Rule → the rule whose candidates it takes (itself when it is tried).
    sources: Vec<usize>,
}

impl RuleIndex {
    fn new(rules: &RuleSet) -> RuleIndex {
        let mut index = RuleIndex {
            always: Vec::new(),
            by_keyword: vec![Vec::new(); rules.keywords.keywords.len()],
            sources: rules.candidate_sources(),
        };
        for (rule_idx, rule) in rules.rules.iter().enumerate() {
            if index.sources[rule_idx] != rule_idx {
                continue;
            }
            let needed = rule.keywords.iter().find(|cond| {
                !cond.any.is_empty() || !cond.all.is_empty() || !cond.groups.is_empty()
            });
            match needed {
                // A condition on no field never matches: the rule is never tried.
                Some(cond) if cond.field.is_none() => {}
                Some(cond) => {
                    let ids = cond
                        .any
                        .iter()
                        .chain(&cond.all)
                        .chain(cond.groups.iter().flatten());
                    for &id in ids {
                        if let Some(list) = index.by_keyword.get_mut(id as usize)
                            && list.last() != Some(&rule_idx)
                        {
                            list.push(rule_idx);
                        }
                    }
                }
                None => index.always.push(rule_idx),
            }
        }
        index
    }

    /// The rules to try on `row`, ascending, into `out`.
    fn rules_for(&self, row: &crate::ledger::Row, hits: &mut HitCache, out: &mut Vec<usize>) {
        out.clear();
        out.extend_from_slice(&self.always);
        let before = out.len();
        for sym in [row.summary, row.payee, row.account] {
            for &id in hits.hits(sym) {
                if let Some(list) = self.by_keyword.get(id as usize) {
                    out.extend_from_slice(list);
                }
            }
        }
        if out.len() > before {
            out.sort_unstable();
            out.dedup();
        }
    }
}

/// Row findings and detector candidates of `rows`, one block of the rows of `file`;
/// candidates are numbered within the block.
fn scan_block(
    rules: &RuleSet,
    index: &RuleIndex,
    file: &LedgerFile,
    hits: &mut HitCache,
    rows: &[crate::ledger::Row],
) -> (Vec<Finding>, Vec<RowSet>) {
    let mut findings = Vec::new();
    let mut candidates: Vec<RowSet> = rules
        .rules
        .iter()
        .enumerate()
        .map(|(rule_idx, rule)| match rule.detector {
            Some(_) if index.sources[rule_idx] == rule_idx => RowSet::for_rows(rows.len()),
            _ => RowSet::default(),
        })
        .collect();
    let mut to_try: Vec<usize> = Vec::new();
    let mut account_hits: Vec<u32> = Vec::new();
    for (offset, row) in rows.iter().enumerate() {
        index.rules_for(row, hits, &mut to_try);
        if to_try.is_empty() {
            continue;
        }
        let class = hits.account_class(row.account);
        account_hits.clear();
        account_hits.extend_from_slice(hits.hits(row.account));
        for &rule_idx in &to_try {
            let rule = &rules.rules[rule_idx];
            if !rule.scope.admits(row, class, &account_hits) {
                continue;
            }
            let Some(ids) = rule.check_admitted(row, file, hits) else {
                continue;
            };
            if rule.detector.is_some() {
                candidates[rule_idx].insert(offset);
                continue;
            }
            let matched: Vec<String> = ids
                .iter()
                .filter_map(|&id| rules.keywords.keywords.get(id as usize).cloned())
                .collect();
            findings.push(Finding::for_row(rule, row, file, &matched));
        }
    }
    (findings, candidates)
}

/// Reads and scans all inputs.
pub fn scan(
    inputs: &[InputFile],
    opts: &ReadOptions,
    rules: &RuleSet,
    refs: &crate::reference::References,
    progress: &indicatif::ProgressBar,
) -> ScanOutcome {
    type PerFile = (Result<LedgerFile, FileError>, Vec<Finding>, Vec<RowSet>);
    let has_detectors = rules.rules.iter().any(|rule| rule.detector.is_some());
    let results: Vec<PerFile> = inputs
        .par_iter()
        .map(|input| {
            let started = std::time::Instant::now();
            let mut res = read_file(&input.path, &input.display, opts);
            let read = started.elapsed();
            // Only detectors walk rows unit by unit (a keyword pack needs no grouping,
            // nor the second copy of the rows it makes for a moment).
            if let Ok(file) = &mut res
                && has_detectors
            {
                group_rows_by_unit(file);
            }
            let grouped = started.elapsed();
            let (findings, candidates) = match &res {
                Ok(file) => scan_file(rules, file),
                Err(_) => (Vec::new(), Vec::new()),
            };
            tracing::debug!(
                file = %input.display,
                read_ms = read.as_millis() as u64,
                group_ms = (grouped - read).as_millis() as u64,
                rules_ms = (started.elapsed() - grouped).as_millis() as u64,
                "file read and scanned"
            );
            progress.inc(1);
            (res, findings, candidates)
        })
        .collect();
    let mut outcome = ScanOutcome::default();
    let mut candidates = Vec::new();
    for (res, mut findings, file_candidates) in results {
        match res {
            Ok(file) => {
                outcome.files.push(file);
                candidates.push(file_candidates);
            }
            Err(e) => outcome.errors.push(e),
        }
        outcome.findings.append(&mut findings);
    }
    let started = std::time::Instant::now();
    let (mut findings, notes) = run_detectors(
        rules,
        &outcome.files,
        &candidates,
        Calendar::builtin(),
        refs,
    );
    let detectors = started.elapsed();
    // Append the shorter list to the longer (order does not matter: sorted below).
    if findings.len() > outcome.findings.len() {
        std::mem::swap(&mut findings, &mut outcome.findings);
    }
    outcome.findings.append(&mut findings);
    outcome.notes = notes;
    finding::finalize(&mut outcome.findings);
    tracing::debug!(
        detectors_ms = detectors.as_millis() as u64,
        finalize_ms = (started.elapsed() - detectors).as_millis() as u64,
        findings = outcome.findings.len(),
        "detectors run, findings sorted"
    );
    outcome
}

/// Puts each unit's rows of `file` together, by date, then sheet and line. Detectors walk
/// the rows unit by unit; a ledger that interleaves many units (a federation's combined
/// export) would otherwise have every row access land far from the last one. Each unit
/// is then one run of rows, already in the detectors' date order when the file has one
/// sheet (so [`rows_by_unit`]'s sort only checks it). Row order carries no meaning after
/// reading: findings are sorted by unit, file, sheet and line, and detectors see each
/// unit's rows in date order.
///
/// When every unit's rows come in date order (most exports, also a federation's that
/// interleaves its unions), the rows are moved once, into a new table, each to the next
/// place of its unit (a counting sort, which keeps that order); sorting the 72-byte rows
/// moved each of them about twenty times. Otherwise (an export ordered by account) the
/// rows are sorted in place, in parallel.
fn group_rows_by_unit(file: &mut LedgerFile) {
    let key = |r: &crate::ledger::Row| (r.date, r.sheet, r.line);
    let rows = &file.rows;
    if rows.is_sorted_by_key(|r| (r.unit, key(r))) {
        return;
    }
    // Units numbered densely as they appear (a file has few units and may have millions
    // of strings), and whether their rows come in order.
    struct Seen {
        unit: crate::ledger::Sym,
        in_order: bool,
        last: (chrono::NaiveDate, u16, u32),
    }
    // The same pass counts each unit's rows in each part of the table (the parts the
    // scatter below gives its workers).
    let parts = rayon::current_num_threads().clamp(1, 16);
    let part_len = rows.len().div_ceil(parts).max(1);
    let mut counts: Vec<Vec<usize>> = vec![Vec::new(); rows.len().div_ceil(part_len)];
    let mut dense = vec![u32::MAX; file.strings.len()];
    let mut units: Vec<Seen> = Vec::new();
    for (at, row) in rows.iter().enumerate() {
        let slot = &mut dense[row.unit.0 as usize];
        if *slot == u32::MAX {
            *slot = units.len() as u32;
            units.push(Seen {
                unit: row.unit,
                in_order: true,
                last: key(row),
            });
            counts.iter_mut().for_each(|count| count.push(0));
        }
        let seen = &mut units[*slot as usize];
        seen.in_order &= seen.last <= key(row);
        seen.last = key(row);
        counts[at / part_len][*slot as usize] += 1;
    }
    if !units.iter().all(|unit| unit.in_order) {
        // Some unit needs sorting anyway (an export ordered by account, as 明细账 are):
        // the rows are sorted in place, in parallel (no two rows share a sheet and line,
        // so the unstable sort is deterministic).
        file.rows.par_sort_unstable_by_key(|r| (r.unit, key(r)));
        return;
    }
    // Rows are moved by scattering: each worker reads its part of the table in order and
    // writes each row to the next free place of its unit. The reads are sequential and
    // the writes go to one sequential stream per unit; gathering (reading the rows in
    // grouped order) touched a new page for nearly every row of a file that interleaves
    // its units. Each part's rows of a unit go after the earlier parts' rows of it, so
    // the order within a unit is the file's.
    let mut by_sym: Vec<usize> = (0..units.len()).collect();
    by_sym.sort_unstable_by_key(|&u| units[u].unit);
    let mut grouped: Vec<crate::ledger::Row> =
        rayon::iter::repeat_n(rows[0].clone(), rows.len()).collect();
    // Each part's place for each unit: units in symbol order, parts in order within one.
    let mut places: Vec<Vec<std::slice::IterMut<crate::ledger::Row>>> = counts
        .iter()
        .map(|_| (0..units.len()).map(|_| Default::default()).collect())
        .collect();
    let mut rest = grouped.as_mut_slice();
    for &u in &by_sym {
        for (part, count) in counts.iter().enumerate() {
            let (place, tail) = rest.split_at_mut(count[u]);
            places[part][u] = place.iter_mut();
            rest = tail;
        }
    }
    rows.par_chunks(part_len)
        .zip(places.into_par_iter())
        .for_each(|(part, mut places)| {
            for row in part {
                let place = places[dense[row.unit.0 as usize] as usize].next();
                *place.expect("a place was counted for every row") = row.clone();
            }
        });
    file.rows = grouped;
}

/// The rows of one unit: all of them in date order, and the runs of consecutive rows of
/// each file they came from (one per file once [`group_rows_by_unit`] has run).
struct Unit<'a> {
    name: &'a str,
    all: Vec<RowRef>,
    /// (file, first row, end row).
    runs: Vec<(u32, u32, u32)>,
    /// `all` is its runs one after the other: rows taken from the runs in that order are
    /// in date order already (the usual case: one file with one sheet, or files of
    /// successive periods).
    runs_in_date_order: bool,
}

/// Every row of every file by unit: units in name order, rows in date order.
fn rows_by_unit<'a>(ctx: &Ctx<'a>) -> Vec<Unit<'a>> {
    let mut units: BTreeMap<&str, Unit<'a>> = BTreeMap::new();
    for (file_idx, file) in ctx.files.iter().enumerate() {
        let mut start = 0u32;
        for run in file.rows.chunk_by(|a, b| a.unit == b.unit) {
            let end = start + run.len() as u32;
            let name = file.strings.get(run[0].unit);
            let unit = units.entry(name).or_insert_with(|| Unit {
                name,
                all: Vec::new(),
                runs: Vec::new(),
                runs_in_date_order: true,
            });
            unit.all.extend((start..end).map(|row| RowRef {
                file: file_idx as u32,
                row,
            }));
            unit.runs.push((file_idx as u32, start, end));
            start = end;
        }
    }
    let mut units: Vec<Unit<'a>> = units.into_values().collect();
    units
        .par_iter_mut()
        .for_each(|unit| unit.runs_in_date_order = !ctx.sort_by_date(&mut unit.all));
    units
}

/// A unit's candidates in its date order: the sets' rows within the unit's runs (a word
/// of a set at a time, so a rule with few candidates costs little), sorted as `all` is
/// (already so when `all` is its runs in order; the sort is stable, so ties keep `all`'s
/// order). `candidates[file]` is the rule's set of that file.
fn unit_candidates(ctx: &Ctx, unit: &Unit, candidates: &[&RowSet]) -> Vec<RowRef> {
    let mut rows: Vec<RowRef> = Vec::new();
    for &(file, start, end) in &unit.runs {
        rows.extend(
            candidates[file as usize]
                .rows_in(start as usize..end as usize)
                .map(|row| RowRef {
                    file,
                    row: row as u32,
                }),
        );
    }
    if !unit.runs_in_date_order {
        ctx.sort_by_date(&mut rows);
    }
    rows
}

/// Runs `detector` unit by unit over precomputed candidates (`candidates[file]`: the
/// rule's rows of that file), and `finish` on each unit's name and output while its rows
/// are still in cache: the results in unit order.
fn run_units<T: Send>(
    detector: &crate::detector::Detector,
    ctx: &Ctx,
    units: &[Unit],
    candidates: &[&RowSet],
    finish: impl Fn(&str, Output) -> T + Sync,
) -> Vec<T> {
    // Units in parallel too: one rule with many findings (split payments) would otherwise
    // run alone on one core at the end of the detector phase.
    units
        .par_iter()
        .map(|unit| {
            let unit_candidates = unit_candidates(ctx, unit, candidates);
            let (name, all) = (unit.name, &unit.all);
            let mut out = Output::default();
            detector.run(
                ctx,
                &UnitRows {
                    name,
                    all,
                    candidates: &unit_candidates,
                },
                &mut out,
            );
            finish(name, out)
        })
        .collect()
}

/// Runs one detector rule over `files`, unit by unit, selecting its candidates itself
/// (for rule examples). `detector` is the rule's own or one with per-example parameters.
pub fn detector_outputs(
    rule: &Rule,
    detector: &crate::detector::Detector,
    keywords: &KeywordSet,
    files: &[LedgerFile],
    calendar: &Calendar,
    refs: &crate::reference::References,
) -> Vec<(String, Output)> {
    let ids = crate::detector::ids::TextIds::new(files);
    let ctx = Ctx::new(files, calendar, refs, &ids);
    let candidates: Vec<RowSet> = files
        .iter()
        .map(|file| {
            let mut hits = HitCache::new(keywords, file);
            let mut set = RowSet::for_rows(file.rows.len());
            for (i, row) in file.rows.iter().enumerate() {
                if rule.check(row, file, &mut hits).is_some() {
                    set.insert(i);
                }
            }
            set
        })
        .collect();
    let slices: Vec<&RowSet> = candidates.iter().collect();
    run_units(detector, &ctx, &rows_by_unit(&ctx), &slices, |name, out| {
        (name.to_string(), out)
    })
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

/// Runs every detector rule: rules in parallel, the largest first, and the units of a rule
/// in parallel too; the outputs keep unit order.
/// `candidates[file][rule]` are the candidate rows [`scan_file`] found (none for a rule
/// that takes another's, see [`RuleSet::candidate_sources`]).
pub fn run_detectors(
    rules: &RuleSet,
    files: &[LedgerFile],
    candidates: &[Vec<RowSet>],
    calendar: &Calendar,
    refs: &crate::reference::References,
) -> (Vec<Finding>, Vec<Note>) {
    if rules.rules.iter().all(|rule| rule.detector.is_none()) {
        // Keyword packs: no text numbers or unit index to build.
        return (Vec::new(), Vec::new());
    }
    let started = std::time::Instant::now();
    let ids = crate::detector::ids::TextIds::new(files);
    let numbered = started.elapsed();
    let units = rows_by_unit(&Ctx::new(files, calendar, refs, &ids));
    tracing::debug!(
        text_ids_ms = numbered.as_millis() as u64,
        units_ms = (started.elapsed() - numbered).as_millis() as u64,
        "rows numbered and put in unit order"
    );
    // Rules with the most candidates first, so that a long rule does not start last and
    // run alone. Their order does not matter otherwise: findings are sorted afterwards.
    // `idx` is where a rule's candidates are: its own set or the one it shares.
    let sources = rules.candidate_sources();
    let mut order: Vec<(usize, &Rule, &crate::detector::Detector)> = rules
        .rules
        .iter()
        .enumerate()
        .filter_map(|(idx, rule)| rule.detector.as_ref().map(|d| (sources[idx], rule, d)))
        .collect();
    order.sort_by_cached_key(|&(idx, _, _)| {
        std::cmp::Reverse(
            candidates
                .iter()
                .map(|per_rule| per_rule.get(idx).map_or(0, RowSet::len))
                .sum::<usize>(),
        )
    });
    let per_rule: Vec<(Vec<Finding>, Vec<Note>)> = order
        .into_par_iter()
        .map(|(idx, rule, detector)| {
            let started = std::time::Instant::now();
            let empty = RowSet::default();
            let rule_candidates: Vec<&RowSet> = candidates
                .iter()
                .map(|per_rule| per_rule.get(idx).unwrap_or(&empty))
                .collect();
            let ctx = Ctx::new(files, calendar, refs, &ids);
            // A unit's findings are made as soon as its detector is done, while its rows
            // are in cache (made afterwards, most of their time went in waiting for rows).
            let per_unit = run_units(detector, &ctx, &units, &rule_candidates, |unit, out| {
                let findings: Vec<Finding> = (out.hits.into_iter())
                    .map(|hit| Finding::for_hit(rule, hit, files, unit))
                    .collect();
                let notes: Vec<Note> = (out.notes.into_iter())
                    .map(|message| Note {
                        unit: unit.to_string(),
                        rule_id: rule.id.to_string(),
                        message,
                    })
                    .collect();
                (findings, notes)
            });
            let mut findings = Vec::with_capacity(per_unit.iter().map(|(f, _)| f.len()).sum());
            let mut notes = Vec::new();
            for (mut f, mut n) in per_unit {
                findings.append(&mut f);
                notes.append(&mut n);
            }
            tracing::debug!(
                rule = %rule.id,
                findings = findings.len(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "detector done"
            );
            (findings, notes)
        })
        .collect();
    let mut findings = Vec::with_capacity(per_rule.iter().map(|(f, _)| f.len()).sum());
    let mut notes = Vec::new();
    for (mut f, mut n) in per_rule {
        findings.append(&mut f);
        notes.append(&mut n);
    }
    (findings, merge_notes(notes))
}

#[cfg(test)]
mod tests {
    use super::RowSet;

    fn sample_ledger(name: &str) -> crate::ledger::LedgerFile {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample-data/ledgers")
            .join(name);
        crate::ledger::read::read_file(&path, name, &Default::default()).expect("sample ledger")
    }

    /// Rules that select the same rows share one evaluation: each detector rule's
    /// candidates are still exactly the rows it admits on its own (the rules that differ
    /// only in a `where` or keyword list, such as large-cash's exclusions, are not merged).
    #[test]
    fn shared_candidates_are_each_rules_own() {
        let rules = crate::rule::load_rules(&[], false, &[]).expect("shipped pack");
        let sources = rules.candidate_sources();
        let shared = (sources.iter().enumerate())
            .filter(|&(rule, &of)| rule != of)
            .count();
        assert!(shared >= 5, "only {shared} rules share candidates");
        for name in [
            "一中工会.csv",
            "城建集团工会.csv",
            "人民医院工会-用友U8序时账.xlsx",
        ] {
            let file = sample_ledger(name);
            let (_, candidates) = super::scan_file(&rules, &file);
            let mut hits = crate::rule::keywords::HitCache::new(&rules.keywords, &file);
            for (idx, rule) in rules.rules.iter().enumerate() {
                if rule.detector.is_none() {
                    continue;
                }
                let set = &candidates[sources[idx]];
                let want: Vec<usize> = (0..file.rows.len())
                    .filter(|&i| rule.check(&file.rows[i], &file, &mut hits).is_some())
                    .collect();
                let got: Vec<usize> = set.rows_in(0..file.rows.len()).collect();
                assert_eq!(got, want, "{} in {name}", rule.id);
            }
        }
    }

    /// A unit's candidates come in the order of all its rows, also when the unit is in
    /// two files whose dates interleave (two runs, sorted) and when it is in one (one run,
    /// already in order).
    #[test]
    fn unit_candidates_follow_the_units_date_order() {
        for copies in [1, 2] {
            let files: Vec<_> = (0..copies).map(|_| sample_ledger("一中工会.csv")).collect();
            let ids = crate::detector::ids::TextIds::new(&files);
            let refs = crate::reference::References::default();
            let ctx = super::Ctx::new(&files, crate::calendar::Calendar::builtin(), &refs, &ids);
            let units = super::rows_by_unit(&ctx);
            assert_eq!(units.len(), 1);
            let unit = &units[0];
            assert_eq!(unit.runs_in_date_order, copies == 1);
            // Every third row of each file.
            let sets: Vec<RowSet> = files
                .iter()
                .map(|file| {
                    let mut set = RowSet::for_rows(file.rows.len());
                    (0..file.rows.len())
                        .step_by(3)
                        .for_each(|row| set.insert(row));
                    set
                })
                .collect();
            let set_refs: Vec<&RowSet> = sets.iter().collect();
            let want: Vec<_> = (unit.all.iter())
                .filter(|r| r.row % 3 == 0)
                .copied()
                .collect();
            let got = super::unit_candidates(&ctx, unit, &set_refs);
            assert_eq!(got, want, "{copies} file(s)");
        }
    }

    /// Grouping by unit gives what one sort by (unit, date, sheet, line) gives, whether
    /// each unit's rows come in date order (the counting sort and one move) or not (the
    /// rows sorted in place).
    #[test]
    fn rows_grouped_by_unit_are_rows_sorted_by_unit_and_date() {
        let key = |r: &crate::ledger::Row| (r.unit, r.date, r.sheet, r.line);
        for reversed in [false, true] {
            let mut file = sample_ledger("一中工会.csv");
            // Many interleaved units: the payee's text number stands in for the unit.
            for row in &mut file.rows {
                row.unit = row.payee;
            }
            if reversed {
                file.rows.reverse();
            }
            assert!(!file.rows.is_sorted_by_key(key));
            let mut want: Vec<_> = file.rows.iter().map(key).collect();
            want.sort();
            super::group_rows_by_unit(&mut file);
            let got: Vec<_> = file.rows.iter().map(key).collect();
            assert_eq!(got, want, "reversed: {reversed}");
        }
    }

    #[test]
    fn row_sets_hold_their_rows_and_join_by_word() {
        let mut a = RowSet::for_rows(128);
        for row in [127, 0, 63, 64, 5] {
            a.insert(row);
        }
        let members = |set: &RowSet| set.rows_in(0..200).collect::<Vec<_>>();
        assert_eq!(members(&a), vec![0, 5, 63, 64, 127]);
        assert_eq!(a.len(), 5);
        let mut b = RowSet::for_rows(3);
        b.insert(2);
        a.words.extend_from_slice(&b.words);
        assert_eq!(members(&a), vec![0, 5, 63, 64, 127, 130]);
        assert!(members(&RowSet::default()).is_empty());
    }

    /// `rows_in` gives exactly the members within the range, for ranges that start and
    /// end inside, on and across word edges, and past the set's end.
    #[test]
    fn rows_in_a_range_are_the_members_in_it() {
        let mut set = RowSet::for_rows(300);
        let members: Vec<usize> = (0..300).filter(|r| r % 7 == 0 || r % 64 == 63).collect();
        for &r in &members {
            set.insert(r);
        }
        let edges = [
            0, 1, 62, 63, 64, 65, 127, 128, 129, 200, 255, 256, 299, 300, 320, 400,
        ];
        for &start in &edges {
            for &end in &edges {
                let want: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|r| (start..end).contains(r))
                    .collect();
                let got: Vec<usize> = set.rows_in(start..end).collect();
                assert_eq!(got, want, "{start}..{end}");
            }
        }
    }
}
