//! Detectors: patterns that no single row shows (duplicates, split payments, sensitive
//! dates, cash, 小金库 flows, gaps, spikes, round amounts, Benford, outliers).
//!
//! Adding a kind: one file here with its documentation (What it finds / Why it matters /
//! Parameters / Limits), one variant in [`Detector`] and one arm in [`Detector::run`]. A
//! rule switches a detector on with a `[detector]` table; its `[scope]` and `[match]`
//! choose the candidate rows the detector looks at.

pub mod benford;
pub mod budget;
pub mod cap;
pub mod duplicate_payment;
pub mod ids;
pub mod large_cash;
pub mod near_threshold;
pub mod outlier;
pub mod round_amount;
pub mod sensitive_date;
pub mod slush_fund;
pub mod split_payment;
pub mod voucher_gap;
pub mod year_end_spike;

use serde::Deserialize;

use crate::calendar::Calendar;
use crate::ledger::{LedgerFile, Row, Sym};

/// A row in one of the scanned files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowRef {
    pub file: u32,
    pub row: u32,
}

/// Read access to every file of a scan.
pub struct Ctx<'a> {
    pub files: &'a [LedgerFile],
    pub calendar: &'a Calendar,
    pub refs: &'a crate::reference::References,
    /// Scan-wide numbers of the files' strings, for grouping.
    pub ids: &'a ids::TextIds,
}

impl<'a> Ctx<'a> {
    pub fn row(&self, r: RowRef) -> &'a Row {
        &self.files[r.file as usize].rows[r.row as usize]
    }

    pub fn text(&self, r: RowRef, sym: Sym) -> &'a str {
        self.files[r.file as usize].strings.get(sym)
    }

    /// The scan-wide number of a string of `r`'s file: equal numbers, equal texts, and
    /// numbers sort as the texts do.
    pub fn id(&self, r: RowRef, sym: Sym) -> u32 {
        self.ids.get(r.file, sym)
    }

    pub fn summary(&self, r: RowRef) -> &'a str {
        self.text(r, self.row(r).summary)
    }

    pub fn payee(&self, r: RowRef) -> &'a str {
        self.text(r, self.row(r).payee)
    }

    pub fn account(&self, r: RowRef) -> &'a str {
        self.text(r, self.row(r).account)
    }

    pub fn voucher(&self, r: RowRef) -> &'a str {
        self.text(r, self.row(r).voucher)
    }

    /// Where a row goes in date order: date, then file and line.
    fn date_order(&self, r: RowRef) -> (chrono::NaiveDate, u32, u32) {
        let row = self.row(r);
        (row.date, r.file, row.line)
    }

    /// Sorts rows by date, then file and line; false when they already were so (and
    /// were left as they are).
    pub fn sort_by_date(&self, rows: &mut [RowRef]) -> bool {
        if rows.is_sorted_by_key(|&r| self.date_order(r)) {
            return false;
        }
        rows.sort_by_key(|&r| self.date_order(r));
        true
    }
}

/// The rows of one unit: all of them (for voucher context and income) and the candidates
/// a rule selected.
pub struct UnitRows<'a> {
    pub name: &'a str,
    /// Every accepted row of the unit, sorted by date.
    pub all: &'a [RowRef],
    /// Rows admitted by the rule's scope and match conditions, sorted by date.
    pub candidates: &'a [RowRef],
}

/// One finding of a detector: its evidence rows (the first is the primary row), what it
/// says, the amount it concerns and, for unit-level findings, the period.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rows: Vec<RowRef>,
    pub message: String,
    pub amount_fen: i64,
    pub period: Option<String>,
}

/// What a detector produced for one unit.
#[derive(Debug, Default)]
pub struct Output {
    pub hits: Vec<Hit>,
    /// Remarks such as "not applicable: 312 rows < 500", shown in the report.
    pub notes: Vec<String>,
}

/// The detector kinds a rule can use (`[detector] kind = "…"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Detector {
    DuplicatePayment(duplicate_payment::Params),
    SplitPayment(split_payment::Params),
    NearThreshold(near_threshold::Params),
    SensitiveDate(sensitive_date::Params),
    LargeCash(large_cash::Params),
    SlushFund(slush_fund::Params),
    VoucherGap(voucher_gap::Params),
    YearEndSpike(year_end_spike::Params),
    RoundAmount(round_amount::Params),
    Benford(benford::Params),
    Outlier(outlier::Params),
    Cap(cap::Params),
    Budget(budget::Params),
}

impl Detector {
    /// Detectors that sum amounts see 红字 reversals too, so totals are net.
    pub fn nets_reversals(&self) -> bool {
        matches!(
            self,
            Detector::Cap(_) | Detector::Budget(_) | Detector::YearEndSpike(_)
        )
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Detector::DuplicatePayment(_) => "duplicate-payment",
            Detector::SplitPayment(_) => "split-payment",
            Detector::NearThreshold(_) => "near-threshold",
            Detector::SensitiveDate(_) => "sensitive-date",
            Detector::LargeCash(_) => "large-cash",
            Detector::SlushFund(_) => "slush-fund",
            Detector::VoucherGap(_) => "voucher-gap",
            Detector::YearEndSpike(_) => "year-end-spike",
            Detector::RoundAmount(_) => "round-amount",
            Detector::Benford(_) => "benford",
            Detector::Outlier(_) => "outlier",
            Detector::Cap(_) => "cap",
            Detector::Budget(_) => "budget",
        }
    }

    /// Runs the detector on one unit.
    pub fn run(&self, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
        match self {
            Detector::DuplicatePayment(p) => duplicate_payment::run(p, ctx, unit, out),
            Detector::SplitPayment(p) => split_payment::run(p, ctx, unit, out),
            Detector::NearThreshold(p) => near_threshold::run(p, ctx, unit, out),
            Detector::SensitiveDate(p) => sensitive_date::run(p, ctx, unit, out),
            Detector::LargeCash(p) => large_cash::run(p, ctx, unit, out),
            Detector::SlushFund(p) => slush_fund::run(p, ctx, unit, out),
            Detector::VoucherGap(p) => voucher_gap::run(p, ctx, unit, out),
            Detector::YearEndSpike(p) => year_end_spike::run(p, ctx, unit, out),
            Detector::RoundAmount(p) => round_amount::run(p, ctx, unit, out),
            Detector::Benford(p) => benford::run(p, ctx, unit, out),
            Detector::Outlier(p) => outlier::run(p, ctx, unit, out),
            Detector::Cap(p) => cap::run(p, ctx, unit, out),
            Detector::Budget(p) => budget::run(p, ctx, unit, out),
        }
    }
}

/// Rows grouped by a key: groups in key order, rows in the order given.
pub struct Groups<K> {
    /// Each group's key and the end of its rows in `rows`.
    keys: Vec<(K, usize)>,
    rows: Vec<RowRef>,
}

impl<K: Copy> Groups<K> {
    pub fn iter(&self) -> impl Iterator<Item = (K, &[RowRef])> + '_ {
        let mut start = 0;
        self.keys.iter().map(move |&(key, end)| {
            let rows = &self.rows[start..end];
            start = end;
            (key, rows)
        })
    }
}

/// Groups rows by key with one sort of (key, position) pairs: what a
/// `BTreeMap<K, Vec<RowRef>>` gives, without a tree insert or a vector per group.
pub fn group_by<K: Ord + Copy>(rows: impl IntoIterator<Item = (K, RowRef)>) -> Groups<K> {
    let mut pairs: Vec<(K, u32, RowRef)> = rows
        .into_iter()
        .enumerate()
        .map(|(at, (key, r))| (key, at as u32, r))
        .collect();
    // Positions are distinct, so the unstable sort keeps each group's rows in order.
    pairs.sort_unstable_by_key(|&(key, at, _)| (key, at));
    let mut keys: Vec<(K, usize)> = Vec::new();
    let mut grouped = Vec::with_capacity(pairs.len());
    for (key, _, r) in pairs {
        match keys.last_mut() {
            Some((last, end)) if *last == key => *end += 1,
            _ => keys.push((key, grouped.len() + 1)),
        }
        grouped.push(r);
    }
    Groups {
        keys,
        rows: grouped,
    }
}

/// The candidates with a positive debit, grouped by account (groups in account order).
pub fn payments_by_account(ctx: &Ctx, candidates: &[RowRef]) -> Groups<u32> {
    group_by(
        candidates
            .iter()
            .filter(|&&r| ctx.row(r).debit > 0)
            .map(|&r| (ctx.id(r, ctx.row(r).account), r)),
    )
}

/// Yuan with 千分位, for messages.
pub fn yuan(fen: i64) -> String {
    crate::ledger::value::format_fen(fen)
}

/// Converts a yuan parameter to fen.
pub fn fen(yuan: f64) -> i64 {
    (yuan * 100.0).round() as i64
}

/// Median of a sorted, non-empty slice.
pub fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Joins voucher numbers of rows for a message: `记-3、记-9`.
pub fn vouchers(ctx: &Ctx, rows: &[RowRef]) -> String {
    let mut v: Vec<&str> = rows
        .iter()
        .map(|r| ctx.voucher(*r))
        .filter(|v| !v.is_empty())
        .collect();
    v.dedup();
    if v.is_empty() {
        "（无凭证号）".to_string()
    } else {
        v.join("、")
    }
}
