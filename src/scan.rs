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
    // A multiple of 64, so the blocks' candidate sets join word by word.
    let block = crate::ledger::rows_per_worker(file.rows.len()).next_multiple_of(64);
    let index = RuleIndex::new(rules);
    let blocks: Vec<(Vec<Finding>, Vec<RowSet>)> = file
        .rows
        .par_chunks(block)
        .map(|rows| {
            let mut hits = HitCache::new(&rules.keywords, file);
            scan_block(rules, &index, file, &mut hits, rows, RowMemo::MAX_KEYS)
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

    /// The keyword rules to try on `row` (those with one of its keywords in the row's
    /// summary, payee or account), ascending, into `out`; the rules tried on every row
    /// are [`ScopeMemo`]'s.
    fn keyword_rules_for(
        &self,
        row: &crate::ledger::Row,
        hits: &mut HitCache,
        out: &mut Vec<usize>,
    ) {
        out.clear();
        for sym in [row.summary, row.payee, row.account] {
            for &id in hits.hits(sym) {
                if let Some(list) = self.by_keyword.get(id as usize) {
                    out.extend_from_slice(list);
                }
            }
        }
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }
}

/// Which of the rules tried on every row ([`RuleIndex::always`]) admit a row by scope,
/// per account and sign of the row: a scope looks at nothing else (the account's path
/// and class, whether the row is a closing entry, the signs of debit and credit), and a
/// ledger has few accounts, so each scope is checked once per account and sign instead
/// of once per row.
#[derive(Default)]
struct ScopeMemo {
    /// (account, sign bits) → where its admitted rules are in `admitted`.
    ranges: rustc_hash::FxHashMap<(crate::ledger::Sym, u8), (u32, u32)>,
    admitted: Vec<usize>,
}

impl ScopeMemo {
    /// What a scope reads of a row besides its account: closing entry, debit > 0,
    /// debit < 0, credit > 0.
    fn signs(row: &crate::ledger::Row) -> u8 {
        u8::from(row.closing)
            | u8::from(row.debit > 0) << 1
            | u8::from(row.debit < 0) << 2
            | u8::from(row.credit > 0) << 3
    }

    /// The rules of `always` whose scope admits `row`, ascending.
    fn admitted(
        &mut self,
        rules: &RuleSet,
        always: &[usize],
        row: &crate::ledger::Row,
        hits: &mut HitCache,
    ) -> &[usize] {
        let key = (row.account, Self::signs(row));
        let (start, end) = match self.ranges.get(&key) {
            Some(&range) => range,
            None => {
                let class = hits.account_class(row.account);
                let account_hits = hits.hits(row.account);
                let start = self.admitted.len() as u32;
                (self.admitted).extend(
                    (always.iter())
                        .filter(|&&r| rules.rules[r].scope.admits(row, class, account_hits)),
                );
                let range = (start, self.admitted.len() as u32);
                self.ranges.insert(key, range);
                range
            }
        };
        &self.admitted[start as usize..end as usize]
    }
}

/// Row findings and detector candidates of `rows`, one block of the rows of `file`;
/// candidates are numbered within the block. At most `max_keys` rows' rules are kept
/// ([`RowMemo`]).
fn scan_block(
    rules: &RuleSet,
    index: &RuleIndex,
    file: &LedgerFile,
    hits: &mut HitCache,
    rows: &[crate::ledger::Row],
    max_keys: usize,
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
    let mut scopes = ScopeMemo::default();
    let mut memo = RowMemo::new(max_keys);
    let mut by_keyword: Vec<usize> = Vec::new();
    let mut to_try: Vec<usize> = Vec::new();
    for (offset, row) in rows.iter().enumerate() {
        let signs = ScopeMemo::signs(row);
        let key = (row.summary, row.payee, row.account, signs);
        let range = match memo.get(&key) {
            Some(range) => range,
            None => {
                memo.begin_miss();
                let start = memo.passed.len() as u32;
                index.keyword_rules_for(row, hits, &mut by_keyword);
                to_try.clear();
                to_try.extend_from_slice(scopes.admitted(rules, &index.always, row, hits));
                if !by_keyword.is_empty() {
                    let class = hits.account_class(row.account);
                    let account_hits = hits.hits(row.account);
                    to_try.extend(
                        (by_keyword.iter())
                            .filter(|&&r| rules.rules[r].scope.admits(row, class, account_hits)),
                    );
                }
                for &rule_idx in &to_try {
                    let at = memo.ids.len();
                    if rules.rules[rule_idx].keywords_admit(row, hits, &mut memo.ids) {
                        let ids = (at as u32, memo.ids.len() as u32);
                        memo.passed.push((rule_idx as u32, ids.0, ids.1));
                    } else {
                        memo.ids.truncate(at);
                    }
                }
                let range = (start, memo.passed.len() as u32);
                memo.remember(key, range);
                range
            }
        };
        for &(rule_idx, first_id, end_id) in &memo.passed[range.0 as usize..range.1 as usize] {
            let rule_idx = rule_idx as usize;
            let rule = &rules.rules[rule_idx];
            if !rule.where_admits(row, file, hits) {
                continue;
            }
            if rule.detector.is_some() {
                candidates[rule_idx].insert(offset);
                continue;
            }
            let matched: Vec<String> = memo.ids[first_id as usize..end_id as usize]
                .iter()
                .filter_map(|&id| rules.keywords.keywords.get(id as usize).cloned())
                .collect();
            findings.push(Finding::for_row(rule, row, file, &matched));
        }
    }
    (findings, candidates)
}

/// What the rules make of a row before its `where` conditions, per (summary, payee,
/// account, signs): scopes look at the account and the signs ([`ScopeMemo`]), keyword
/// conditions at the summary, payee and account, so rows that share those four pass the
/// same rules with the same keywords, and only `where` conditions (amounts, dates …) are
/// evaluated row by row. A ledger repeats its summaries, payees and accounts: most rows
/// find their rules here with one lookup. A ledger of distinct summaries fills the memo
/// up to [`RowMemo::MAX_KEYS`]; rows after that are worked out as before, with one failed
/// lookup more.
struct RowMemo {
    /// Key → where its rules are in `passed`.
    ranges: rustc_hash::FxHashMap<RowKey, (u32, u32)>,
    /// (rule, its matched keyword ids at `ids[start..end]`), in the order the rules are
    /// tried: the rules tried on every row, then the keyword rules (each ascending).
    passed: Vec<(u32, u32, u32)>,
    ids: Vec<u32>,
    /// Once full: the lengths of `passed` and `ids` the kept keys use; what a later row
    /// adds serves that row only.
    kept: Option<(usize, usize)>,
    /// The lengths of `passed` and `ids` before the row being worked out.
    row_start: (usize, usize),
    max_keys: usize,
    /// Rows found and not found since the memo is full; when most are not (a ledger of
    /// distinct summaries), it is no longer looked in.
    full_hits: u32,
    full_misses: u32,
}

type RowKey = (
    crate::ledger::Sym,
    crate::ledger::Sym,
    crate::ledger::Sym,
    u8,
);

impl RowMemo {
    const MAX_KEYS: usize = 1 << 16;

    fn new(max_keys: usize) -> RowMemo {
        RowMemo {
            ranges: Default::default(),
            passed: Vec::new(),
            ids: Vec::new(),
            kept: None,
            row_start: (0, 0),
            max_keys,
            full_hits: 0,
            full_misses: 0,
        }
    }

    /// The rules of a row with `key`, when kept; once full, a memo that rows keep missing
    /// (three in four of the first 4,096 rows after) is passed by.
    fn get(&mut self, key: &RowKey) -> Option<(u32, u32)> {
        if self.kept.is_none() {
            return self.ranges.get(key).copied();
        }
        if self.full_misses >= 3072 && self.full_misses >= 3 * self.full_hits {
            return None;
        }
        let found = self.ranges.get(key).copied();
        match found {
            Some(_) => self.full_hits = self.full_hits.saturating_add(1),
            None => self.full_misses = self.full_misses.saturating_add(1),
        }
        found
    }

    /// Before a row's rules are worked out: a full memo drops the last row's.
    fn begin_miss(&mut self) {
        if let Some((passed, ids)) = self.kept {
            self.passed.truncate(passed);
            self.ids.truncate(ids);
        }
        self.row_start = (self.passed.len(), self.ids.len());
    }

    /// Keeps `range`, the rules of the row just worked out, for `key` while there is room.
    fn remember(&mut self, key: RowKey, range: (u32, u32)) {
        if self.kept.is_some() {
            return;
        }
        if self.ranges.len() >= self.max_keys {
            self.kept = Some(self.row_start);
            return;
        }
        self.ranges.insert(key, range);
    }
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
            // Only detectors walk rows unit by unit: a keyword pack needs no grouping.
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
    let row_findings = std::mem::take(&mut outcome.findings);
    (outcome.findings, outcome.notes) = run_detectors(
        rules,
        &outcome.files,
        &candidates,
        Calendar::builtin(),
        refs,
        row_findings,
    );
    let detectors = started.elapsed();
    finding::finalize(&mut outcome.findings);
    tracing::debug!(
        detectors_ms = detectors.as_millis() as u64,
        finalize_ms = (started.elapsed() - detectors).as_millis() as u64,
        findings = outcome.findings.len(),
        "detectors run, findings sorted"
    );
    outcome
}

/// Puts each unit's rows of `file` together, in date order, in runs of at least
/// [`GROUP_BLOCK`] rows. Detectors walk the rows unit by unit; a ledger that interleaves
/// many units (a federation's combined export) would otherwise have every row access land
/// far from the last one. After this, a unit's rows are a few long runs, in the unit's
/// date order when read run after run (so [`rows_by_unit`]'s sort only checks it). Row
/// order carries no meaning after reading: findings are sorted by unit, file, sheet and
/// line, and detectors see each unit's rows in date order.
///
/// When every unit's rows come in date order (most exports, also a federation's that
/// interleaves its unions), the rows are distributed in place ([`distribute_in_place`]),
/// each worker over its part of the table: no second table (moving the rows into a new
/// one took 720 MB of fresh memory for 10 million rows, and a fresh page costs more than
/// the move). Otherwise (an export ordered by account), or when units are so many that
/// their runs would be short, the rows are sorted in place by (unit, date, sheet, line),
/// in parallel.
fn group_rows_by_unit(file: &mut LedgerFile) {
    let key = |r: &crate::ledger::Row| (r.date, r.sheet, r.line);
    let rows = &file.rows;
    if rows.is_sorted_by_key(|r| (r.unit, key(r))) {
        return;
    }
    // Units numbered densely as they appear (a file has few units and may have millions
    // of strings), and whether their rows come in order: each worker notes its part's
    // units (first and last key, in order within the part), and the parts are joined in
    // order, so the numbers and the verdicts are those of one pass over all the rows.
    type Key = (chrono::NaiveDate, u16, u32);
    struct Seen {
        in_order: bool,
        first: Key,
        last: Key,
    }
    let parts = rayon::current_num_threads().clamp(1, 16);
    let part_len = rows.len().div_ceil(parts).max(1);
    let strings = file.strings.len();
    let per_part: Vec<Vec<(crate::ledger::Sym, Seen)>> = rows
        .par_chunks(part_len)
        .map(|part| {
            let mut slot_of = vec![u32::MAX; strings];
            let mut seen: Vec<(crate::ledger::Sym, Seen)> = Vec::new();
            for row in part {
                let slot = &mut slot_of[row.unit.0 as usize];
                if *slot == u32::MAX {
                    *slot = seen.len() as u32;
                    let at = key(row);
                    seen.push((
                        row.unit,
                        Seen {
                            in_order: true,
                            first: at,
                            last: at,
                        },
                    ));
                }
                let unit = &mut seen[*slot as usize].1;
                unit.in_order &= unit.last <= key(row);
                unit.last = key(row);
            }
            seen
        })
        .collect();
    let mut dense = vec![u32::MAX; strings];
    let mut units: Vec<Seen> = Vec::new();
    for (sym, part) in per_part.into_iter().flatten() {
        let slot = &mut dense[sym.0 as usize];
        if *slot == u32::MAX {
            *slot = units.len() as u32;
            units.push(part);
        } else {
            let unit = &mut units[*slot as usize];
            unit.in_order &= part.in_order && unit.last <= part.first;
            unit.last = part.last;
        }
    }
    // Each worker stages a block per unit: at most a quarter of its part.
    let block = (part_len / 4 / units.len()).min(GROUP_BLOCK);
    if !units.iter().all(|unit| unit.in_order) || block < GROUP_BLOCK_MIN {
        // Some unit needs sorting anyway (an export ordered by account, as 明细账 are),
        // or the runs would be too short to matter: the rows are sorted in place, in
        // parallel (no two rows share a sheet and line, so the unstable sort is
        // deterministic).
        file.rows.par_sort_unstable_by_key(|r| (r.unit, key(r)));
        return;
    }
    let unit_count = units.len();
    file.rows
        .par_chunks_mut(part_len)
        .for_each(|part| distribute_in_place(part, &dense, unit_count, block));
}

/// Rows a unit's runs have at least, when grouping moves rows in place (18 KB of rows:
/// a walk over a unit's rows reads a run sequentially, then jumps).
const GROUP_BLOCK: usize = 256;
/// Below this many rows per run, grouping sorts instead.
const GROUP_BLOCK_MIN: usize = 16;

/// Reorders `rows` in place so that each unit's rows (unit numbers in `dense`, by symbol)
/// are runs of `block` rows, in the order read, followed at the end by each unit's last
/// few (fewer than `block`), units in number order. A unit's rows keep their order.
///
/// Each unit fills a staging block; a full block is written back over rows already
/// read: when the `k`-th block fills, at least `k × block` rows have been read, so the
/// `k`-th block's place, `(k-1) × block .. k × block`, holds only rows already staged or
/// written. After the last row the staged rest fills the tail exactly. One read and two
/// writes per row, sequential but for one stream per unit, and `units × block` rows of
/// extra memory.
fn distribute_in_place(rows: &mut [crate::ledger::Row], dense: &[u32], units: usize, block: usize) {
    let mut staged: Vec<Vec<crate::ledger::Row>> = vec![Vec::new(); units];
    let mut written = 0;
    for at in 0..rows.len() {
        let unit = dense[rows[at].unit.0 as usize] as usize;
        let stage = &mut staged[unit];
        if stage.capacity() == 0 {
            stage.reserve_exact(block);
        }
        stage.push(rows[at].clone());
        if stage.len() == block {
            debug_assert!(written + block <= at + 1);
            rows[written..written + block].clone_from_slice(stage);
            stage.clear();
            written += block;
        }
    }
    for stage in staged {
        rows[written..written + stage.len()].clone_from_slice(&stage);
        written += stage.len();
    }
    debug_assert_eq!(written, rows.len());
}

/// The rows of one unit: all of them in date order, and the runs of consecutive rows of
/// each file they came from (a few long ones per file once [`group_rows_by_unit`] has
/// run).
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

/// Every row of every file by unit: units in name order, rows in date order. The runs
/// are found a block of rows per worker (a run that crosses two blocks is two runs, one
/// after the other), and each unit's rows listed and checked in parallel.
fn rows_by_unit<'a>(ctx: &Ctx<'a>) -> Vec<Unit<'a>> {
    // (unit, file, first row, end row) of every run, in file and row order.
    let mut runs: Vec<(crate::ledger::Sym, u32, u32, u32)> = Vec::new();
    for (file_idx, file) in ctx.files.iter().enumerate() {
        let block = crate::ledger::rows_per_worker(file.rows.len());
        let parts: Vec<Vec<_>> = (file.rows.par_chunks(block).enumerate())
            .map(|(part, rows)| {
                let mut start = (part * block) as u32;
                (rows.chunk_by(|a, b| a.unit == b.unit))
                    .map(|run| {
                        let end = start + run.len() as u32;
                        let at = (run[0].unit, file_idx as u32, start, end);
                        start = end;
                        at
                    })
                    .collect()
            })
            .collect();
        runs.extend(parts.into_iter().flatten());
    }
    let mut units: BTreeMap<&str, Unit<'a>> = BTreeMap::new();
    for (unit, file, start, end) in runs {
        let name = ctx.files[file as usize].strings.get(unit);
        let unit = units.entry(name).or_insert_with(|| Unit {
            name,
            all: Vec::new(),
            runs: Vec::new(),
            runs_in_date_order: true,
        });
        unit.runs.push((file, start, end));
    }
    let mut units: Vec<Unit<'a>> = units.into_values().collect();
    units.par_iter_mut().for_each(|unit| {
        let rows = unit
            .runs
            .iter()
            .map(|&(_, start, end)| (end - start) as usize);
        unit.all.reserve_exact(rows.sum());
        for &(file, start, end) in &unit.runs {
            unit.all
                .extend((start..end).map(|row| RowRef { file, row }));
        }
        unit.runs_in_date_order = !ctx.sort_by_date(&mut unit.all);
    });
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

/// Runs `detector` on one unit's rows and its candidates among them.
fn run_unit(
    detector: &crate::detector::Detector,
    ctx: &Ctx,
    unit: &Unit,
    candidates: &[RowRef],
) -> Output {
    let mut out = Output::default();
    let rows = UnitRows {
        name: unit.name,
        all: &unit.all,
        candidates,
    };
    detector.run(ctx, &rows, &mut out);
    out
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
    let sets: Vec<&RowSet> = candidates.iter().collect();
    (rows_by_unit(&ctx).par_iter())
        .map(|unit| {
            let candidates = unit_candidates(&ctx, unit, &sets);
            (
                unit.name.to_string(),
                run_unit(detector, &ctx, unit, &candidates),
            )
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

/// Runs every detector rule: units in parallel, and a unit's rules in parallel too.
/// `candidates[file][rule]` are the candidate rows [`scan_file`] found (none for a rule
/// that takes another's, see [`RuleSet::candidate_sources`]). Returns the detectors'
/// findings after `row_findings` (the row rules'), unsorted, and the merged notes.
pub fn run_detectors(
    rules: &RuleSet,
    files: &[LedgerFile],
    candidates: &[Vec<RowSet>],
    calendar: &Calendar,
    refs: &crate::reference::References,
    mut row_findings: Vec<Finding>,
) -> (Vec<Finding>, Vec<Note>) {
    if rules.rules.iter().all(|rule| rule.detector.is_none()) {
        // Keyword packs: no text numbers or unit index to build.
        return (row_findings, Vec::new());
    }
    let started = std::time::Instant::now();
    let ids = crate::detector::ids::TextIds::new(files);
    let numbered = started.elapsed();
    // For the unit index and the units' candidate lists (detectors have their own).
    let base = Ctx::new(files, calendar, refs, &ids);
    let units = rows_by_unit(&base);
    tracing::debug!(
        text_ids_ms = numbered.as_millis() as u64,
        units_ms = (started.elapsed() - numbered).as_millis() as u64,
        "rows numbered and put in unit order"
    );
    // Unit by unit, every detector rule in turn: a unit's rows come from memory for its
    // first rule and from the cache for the others (rule by rule, every rule read every
    // unit's rows from memory again, and most of a detector's time went in waiting for
    // them). The rules of a unit run in parallel too, so one large unit (a single
    // union's ledger) still keeps every core busy. Order does not matter otherwise:
    // findings are sorted afterwards and notes merged.
    // Each candidate set a rule reads (its own, or the one it shares), once:
    // `sets[file]` per file. Rules that share a set (nine shipped ones take every expense
    // line) share a unit's list of candidates too.
    let sources = rules.candidate_sources();
    let empty = RowSet::default();
    let mut shared: Vec<(usize, Vec<&RowSet>)> = Vec::new();
    struct Plan<'r, 'c> {
        rule: &'r Rule,
        detector: &'r crate::detector::Detector,
        /// Where its candidate sets are in `shared`.
        list: usize,
        /// One per rule: it keeps what the rule works out once for all units.
        ctx: Ctx<'c>,
        /// Time spent in the rule, summed over units (nanoseconds), for the debug log.
        spent: std::sync::atomic::AtomicU64,
    }
    let mut plans: Vec<Plan> = Vec::new();
    for (idx, rule) in rules.rules.iter().enumerate() {
        let Some(detector) = &rule.detector else {
            continue;
        };
        let source = sources[idx];
        let list = match shared.iter().position(|(s, _)| *s == source) {
            Some(list) => list,
            None => {
                let sets = (candidates.iter())
                    .map(|per_rule| per_rule.get(source).unwrap_or(&empty))
                    .collect();
                shared.push((source, sets));
                shared.len() - 1
            }
        };
        plans.push(Plan {
            rule,
            detector,
            list,
            ctx: Ctx::new(files, calendar, refs, &ids),
            spent: Default::default(),
        });
    }
    let per_unit: Vec<Vec<(Vec<Finding>, Vec<Note>)>> = units
        .par_iter()
        .map(|unit| {
            let lists: Vec<Vec<RowRef>> = (shared.iter())
                .map(|(_, sets)| unit_candidates(&base, unit, sets))
                .collect();
            plans
                .par_iter()
                .map(|plan| {
                    let started = std::time::Instant::now();
                    let out = run_unit(plan.detector, &plan.ctx, unit, &lists[plan.list]);
                    // The unit's findings are made now, while its rows are in cache.
                    let findings: Vec<Finding> = (out.hits.into_iter())
                        .map(|hit| Finding::for_hit(plan.rule, hit, files, unit.name))
                        .collect();
                    let notes: Vec<Note> = (out.notes.into_iter())
                        .map(|message| Note {
                            unit: unit.name.to_string(),
                            rule_id: plan.rule.id.to_string(),
                            message,
                        })
                        .collect();
                    let spent = started.elapsed().as_nanos() as u64;
                    (plan.spent).fetch_add(spent, std::sync::atomic::Ordering::Relaxed);
                    (findings, notes)
                })
                .collect()
        })
        .collect();
    for (i, plan) in plans.iter().enumerate() {
        tracing::debug!(
            rule = %plan.rule.id,
            findings = per_unit.iter().map(|rules| rules[i].0.len()).sum::<usize>(),
            cpu_ms = plan.spent.load(std::sync::atomic::Ordering::Relaxed) / 1_000_000,
            "detector done"
        );
    }
    // One move of every detector finding, after the row rules' (merging per rule first
    // moved each of them twice, and took fresh memory for it twice).
    let total: usize = per_unit.iter().flatten().map(|(f, _)| f.len()).sum();
    row_findings.reserve_exact(total);
    let mut notes = Vec::new();
    for (mut f, mut n) in per_unit.into_iter().flatten() {
        row_findings.append(&mut f);
        notes.append(&mut n);
    }
    (row_findings, merge_notes(notes))
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

    /// The row memo changes nothing: row findings (rule, line, message, matched
    /// keywords in the message) and candidates are those of each rule checked on its own
    /// (`Rule::check`), with the memo unbounded, holding two rows, or none at all.
    #[test]
    fn remembered_rows_pass_the_rules_they_pass_alone() {
        let rules = crate::rule::load_rules(&[], false, &[]).expect("shipped pack");
        let index = super::RuleIndex::new(&rules);
        let sources = rules.candidate_sources();
        // Rows that differ from the one above only in the payee (a keyword in it or not)
        // or in the signs (a payment, its 红字 reversal, a credit): each gets its own rules.
        let made = "日期,凭证号,摘要,科目名称,借方金额,贷方金额,往来单位\n\
                    2024-03-01,记-1,职工活动,职工活动支出/会员活动支出,500,,某某KTV\n\
                    2024-03-01,记-2,职工活动,职工活动支出/会员活动支出,500,,某某书店\n\
                    2024-03-02,记-3,职工活动,职工活动支出/会员活动支出,-500,,某某KTV\n\
                    2024-03-02,记-4,职工活动,职工活动支出/会员活动支出,,500,某某KTV\n\
                    2024-03-03,记-5,职工活动,职工活动支出/会员活动支出,300,,某某KTV\n";
        let made =
            crate::ledger::read::read_bytes(made.as_bytes(), "made.csv", &Default::default())
                .expect("made ledger");
        // Enough rows of distinct summaries that a full memo stops being looked in.
        let mut distinct = String::from("日期,凭证号,摘要,科目名称,借方金额,贷方金额,往来单位\n");
        for i in 0..4000 {
            let payee = ["某某KTV", "某某书店", "某某酒楼"][i % 3];
            distinct.push_str(&format!(
                "2024-04-01,记-{i},职工活动第{i}号聚餐,职工活动支出/会员活动支出,{},,{payee}\n",
                100 + i % 50
            ));
        }
        let distinct = crate::ledger::read::read_bytes(
            distinct.as_bytes(),
            "distinct.csv",
            &Default::default(),
        )
        .expect("distinct ledger");
        let files = [
            "一中工会.csv",
            "城建集团工会.csv",
            "人民医院工会-用友U8序时账.xlsx",
        ]
        .map(|name| (name, sample_ledger(name)));
        let made = [("made.csv", made), ("distinct.csv", distinct)];
        for (name, file) in files.iter().chain(&made) {
            let mut hits = crate::rule::keywords::HitCache::new(&rules.keywords, file);
            let mut want_findings = Vec::new();
            let mut want_candidates = vec![Vec::new(); rules.rules.len()];
            for (i, row) in file.rows.iter().enumerate() {
                for (idx, rule) in rules.rules.iter().enumerate() {
                    let Some(ids) = rule.check(row, file, &mut hits) else {
                        continue;
                    };
                    if rule.detector.is_some() {
                        if sources[idx] == idx {
                            want_candidates[idx].push(i);
                        }
                    } else {
                        let matched: Vec<String> = (ids.iter())
                            .map(|&id| rules.keywords.keywords[id as usize].clone())
                            .collect();
                        let finding = crate::finding::Finding::for_row(rule, row, file, &matched);
                        want_findings.push((
                            finding.rule_id.to_string(),
                            finding.line,
                            finding.message,
                        ));
                    }
                }
            }
            want_findings.sort();
            assert!(
                !want_findings.is_empty(),
                "{name}: no row findings to compare"
            );
            for max_keys in [super::RowMemo::MAX_KEYS, 2, 0] {
                let mut hits = crate::rule::keywords::HitCache::new(&rules.keywords, file);
                let (findings, candidates) =
                    super::scan_block(&rules, &index, file, &mut hits, &file.rows, max_keys);
                let mut got: Vec<_> = (findings.into_iter())
                    .map(|f| (f.rule_id.to_string(), f.line, f.message))
                    .collect();
                got.sort();
                assert_eq!(got, want_findings, "{name}, memo of {max_keys}");
                for (idx, set) in candidates.iter().enumerate() {
                    if sources[idx] == idx && rules.rules[idx].detector.is_some() {
                        let got: Vec<usize> = set.rows_in(0..file.rows.len()).collect();
                        assert_eq!(
                            got, want_candidates[idx],
                            "{} in {name}, memo of {max_keys}",
                            rules.rules[idx].id
                        );
                    }
                }
            }
        }
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

    /// `copies` copies of a sample ledger's rows in date order, each row given one of
    /// three units in turn (a federation's export that interleaves its unions).
    fn interleaved_units(copies: u32) -> crate::ledger::LedgerFile {
        let sample = sample_ledger("一中工会.csv");
        let mut file = sample_ledger("一中工会.csv");
        file.rows = (0..copies)
            .flat_map(|copy| {
                sample.rows.iter().map(move |row| {
                    let mut row = row.clone();
                    row.line += copy * 10_000;
                    row
                })
            })
            .collect();
        file.rows.sort_by_key(|r| (r.date, r.sheet, r.line));
        let units = [
            sample.rows[0].unit,
            sample.rows[0].payee,
            sample.rows[0].summary,
        ];
        for (i, row) in file.rows.iter_mut().enumerate() {
            row.unit = units[(i * 7 + i / 3) % 3];
        }
        file
    }

    /// Grouping by unit keeps each unit's rows in (date, sheet, line) order and loses or
    /// repeats none, whether the rows are moved in place (each unit's rows in date order:
    /// a few units interleaved over many rows, as a federation's export) or sorted (rows
    /// out of date order, also only across two workers' parts, or so many units that their
    /// runs would be short); moved in place, a unit's rows are few runs.
    #[test]
    fn rows_grouped_by_unit_keep_each_units_date_order() {
        let key = |r: &crate::ledger::Row| (r.date, r.sheet, r.line);
        // Three units interleaved over 40 copies of the sample (about 10,000 rows):
        // moved in place; and the payee standing in for the unit (many units): sorted.
        let interleaved = interleaved_units(40);
        let by_payee = || {
            let mut file = sample_ledger("一中工会.csv");
            for row in &mut file.rows {
                row.unit = row.payee;
            }
            file
        };
        let mut reversed = by_payee();
        reversed.rows.reverse();
        // Halves swapped: each worker's part (two of them on two cores) has every unit in
        // date order, but a unit's last rows in the first part come after its first rows
        // in the second: sorted.
        let mut swapped = interleaved_units(40);
        let even = swapped.rows.len() / 2 * 2;
        swapped.rows.truncate(even);
        swapped.rows.rotate_left(even / 2);
        for (name, mut file, moved_in_place) in [
            ("interleaved", interleaved, true),
            ("by payee", by_payee(), false),
            ("reversed", reversed, false),
            ("halves swapped", swapped, false),
        ] {
            assert!(!file.rows.is_sorted_by_key(|r| (r.unit, key(r))), "{name}");
            let mut want: Vec<_> = file.rows.iter().map(|r| (r.unit, key(r))).collect();
            want.sort();
            super::group_rows_by_unit(&mut file);
            let mut got: Vec<_> = file.rows.iter().map(|r| (r.unit, key(r))).collect();
            // Each unit's rows in date order as they stand ...
            let mut last = std::collections::HashMap::new();
            for &(unit, at) in &got {
                let before = last.insert(unit, at);
                assert!(
                    before.is_none_or(|b| b < at),
                    "{name}: {unit:?} out of order"
                );
            }
            // ... and the same rows, none lost or repeated.
            let runs = file.rows.chunk_by(|a, b| a.unit == b.unit).count();
            got.sort();
            assert_eq!(got, want, "{name}");
            if moved_in_place {
                let parts = rayon::current_num_threads().clamp(1, 16);
                let most = file.rows.len() / super::GROUP_BLOCK + 3 * parts;
                assert!(runs <= most, "{name}: {runs} runs");
            } else {
                assert_eq!(runs, want.chunk_by(|a, b| a.0 == b.0).count(), "{name}");
            }
        }
    }

    /// The unit index lists every row of a unit once, in date order, from runs found a
    /// block of rows per worker (about 70,000 rows: more than one block on two cores).
    #[test]
    fn units_list_each_of_their_rows_once_in_date_order() {
        let sample_rows = sample_ledger("一中工会.csv").rows.len();
        let mut file = interleaved_units((70_000 / sample_rows + 1) as u32);
        super::group_rows_by_unit(&mut file);
        let files = [file];
        let ids = crate::detector::ids::TextIds::new(&files);
        let refs = crate::reference::References::default();
        let ctx = super::Ctx::new(&files, crate::calendar::Calendar::builtin(), &refs, &ids);
        let listed = super::rows_by_unit(&ctx);
        assert_eq!(listed.len(), 3);
        let mut seen = vec![false; files[0].rows.len()];
        for unit in &listed {
            assert!(unit.runs_in_date_order, "{}", unit.name);
            let dates: Vec<_> = unit
                .all
                .iter()
                .map(|&r| (ctx.row(r).date, ctx.row(r).line))
                .collect();
            assert!(dates.is_sorted(), "{}", unit.name);
            for r in &unit.all {
                assert_eq!(files[0].strings.get(ctx.row(*r).unit), unit.name);
                assert!(
                    !std::mem::replace(&mut seen[r.row as usize], true),
                    "row {} twice",
                    r.row
                );
            }
        }
        assert!(seen.iter().all(|&s| s), "a row is in no unit");
    }

    /// Moving in place: full blocks of one unit in the order they filled, then each unit's
    /// rest in unit order; every unit's rows in their first order; nothing lost.
    #[test]
    fn distributing_in_place_makes_blocks_and_keeps_order() {
        let sample = sample_ledger("一中工会.csv");
        let units: Vec<crate::ledger::Sym> = (sample.rows.iter().map(|r| r.payee))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .take(5)
            .collect();
        let mut dense = vec![u32::MAX; sample.strings.len()];
        for (n, unit) in units.iter().enumerate() {
            dense[unit.0 as usize] = n as u32;
        }
        for (len, block) in [
            (0, 4),
            (1, 4),
            (3, 4),
            (97, 4),
            (200, 1),
            (200, 7),
            (512, 64),
        ] {
            // Unit of row i: a fixed irregular pattern; lines number the rows.
            let rows: Vec<crate::ledger::Row> = (0..len)
                .map(|i| {
                    let mut row = sample.rows[0].clone();
                    row.unit = units[(i * i + i / 5) % units.len()];
                    row.line = i as u32;
                    row
                })
                .collect();
            let mut moved = rows.clone();
            super::distribute_in_place(&mut moved, &dense, units.len(), block);
            let lines = |rows: &[crate::ledger::Row], unit| -> Vec<u32> {
                (rows.iter())
                    .filter(|r| r.unit == unit)
                    .map(|r| r.line)
                    .collect()
            };
            for &unit in &units {
                assert_eq!(lines(&moved, unit), lines(&rows, unit), "{len}/{block}");
            }
            // Full blocks first (each of one unit), then the rests, one run per unit.
            let full: usize = (units.iter())
                .map(|&u| lines(&rows, u).len() / block * block)
                .sum();
            for chunk in moved[..full].chunks(block) {
                assert!(
                    chunk.iter().all(|r| r.unit == chunk[0].unit),
                    "{len}/{block}"
                );
            }
            let rests: Vec<_> = (moved[full..].chunk_by(|a, b| a.unit == b.unit))
                .map(|run| dense[run[0].unit.0 as usize])
                .collect();
            assert!(rests.is_sorted_by(|a, b| a < b), "{len}/{block}: {rests:?}");
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
