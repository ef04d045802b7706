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
    /// The outlier detector's center of each account over every file (`compare =
    /// "peers"`), worked out on first use and then shared by all units.
    pub peer_centers: std::sync::OnceLock<outlier::PeerCenters>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        files: &'a [LedgerFile],
        calendar: &'a Calendar,
        refs: &'a crate::reference::References,
        ids: &'a ids::TextIds,
    ) -> Ctx<'a> {
        Ctx {
            files,
            calendar,
            refs,
            ids,
            peer_centers: std::sync::OnceLock::new(),
        }
    }

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

/// Groups rows by key, keeping the groups of at least `min_rows` rows: what a
/// `BTreeMap<K, Vec<RowRef>>` gives (groups in key order, rows in the order given),
/// without a tree insert or a vector per group. Each row's group is found by hashing and
/// only the kept groups' keys are sorted, so a key that is nearly unique per row (a payee
/// and an amount) costs no sort of all the rows.
pub fn group_by<K: Ord + Copy + std::hash::Hash>(
    rows: impl IntoIterator<Item = (K, RowRef)>,
    min_rows: usize,
) -> Groups<K> {
    // Group numbers in order of first appearance, each group's size, each row's group.
    // Sized for the rows up front (a key nearly unique per row grew the table a dozen
    // times per unit), the table up to a few thousand keys.
    let rows = rows.into_iter();
    let most = rows.size_hint().1.unwrap_or(0);
    let mut numbers: rustc_hash::FxHashMap<K, u32> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(most.min(4096), Default::default());
    let mut found: Vec<(K, usize)> = Vec::new();
    let mut tagged: Vec<(u32, RowRef)> = Vec::with_capacity(most);
    for (key, r) in rows {
        let group = *numbers.entry(key).or_insert_with(|| {
            found.push((key, 0));
            (found.len() - 1) as u32
        });
        found[group as usize].1 += 1;
        tagged.push((group, r));
    }
    let mut kept: Vec<u32> = (0..found.len() as u32)
        .filter(|&g| found[g as usize].1 >= min_rows)
        .collect();
    kept.sort_unstable_by_key(|&g| found[g as usize].0);
    // Where each kept group's rows go (usize::MAX: dropped), then the rows put there.
    let mut next = vec![usize::MAX; found.len()];
    let mut keys: Vec<(K, usize)> = Vec::with_capacity(kept.len());
    let mut end = 0;
    for &g in &kept {
        let (key, len) = found[g as usize];
        next[g as usize] = end;
        end += len;
        keys.push((key, end));
    }
    let mut grouped = vec![RowRef { file: 0, row: 0 }; end];
    for (group, r) in tagged {
        let slot = &mut next[group as usize];
        if *slot != usize::MAX {
            grouped[*slot] = r;
            *slot += 1;
        }
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
        1,
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

/// Median of `values` (0 for none), which it reorders: the middle value, or the mean of
/// the two middle values, found by selection rather than a full sort.
pub fn median(values: &mut [f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let (below, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        upper
    } else {
        let lower = below
            .iter()
            .copied()
            .max_by(f64::total_cmp)
            .unwrap_or(upper);
        (lower + upper) / 2.0
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

#[cfg(test)]
mod tests {
    /// Groups come in key order with their rows in the order given, and groups smaller
    /// than the minimum are left out.
    #[test]
    fn groups_are_in_key_order_with_rows_in_input_order() {
        let r = |row| super::RowRef { file: 0, row };
        let input = [
            (5, r(0)),
            (2, r(1)),
            (5, r(2)),
            (9, r(3)),
            (2, r(4)),
            (5, r(5)),
        ];
        let collect = |min| {
            super::group_by(input, min)
                .iter()
                .map(|(key, rows)| (key, rows.iter().map(|x| x.row).collect::<Vec<_>>()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            collect(1),
            vec![(2, vec![1, 4]), (5, vec![0, 2, 5]), (9, vec![3])]
        );
        assert_eq!(collect(2), vec![(2, vec![1, 4]), (5, vec![0, 2, 5])]);
        assert_eq!(collect(3), vec![(5, vec![0, 2, 5])]);
        assert!(collect(4).is_empty());
    }

    /// The selection median is the textbook one: the middle of the sorted values, or the
    /// mean of the two middle ones, whatever order the values come in.
    #[test]
    fn median_is_the_middle_of_the_sorted_values() {
        let cases: [&[f64]; 6] = [
            &[],
            &[7.0],
            &[3.0, 1.0],
            &[5.0, 1.0, 4.0, 1.0, 9.0],
            &[8.0, 2.0, 6.0, 2.0, 2.0, 10.0],
            &[-1.5, 0.0, 100.25, 3.0, 3.0, -7.0, 12.0, 0.5],
        ];
        for values in cases {
            let mut sorted = values.to_vec();
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len();
            let want = match n {
                0 => 0.0,
                _ if n % 2 == 1 => sorted[n / 2],
                _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
            };
            assert_eq!(super::median(&mut values.to_vec()), want, "{values:?}");
        }
    }
}
