//! The canonical ledger table: what every reader produces and every rule reads.
//!
//! A ledger file, whatever its container, encoding or vendor dialect, becomes one
//! [`LedgerFile`]: a list of [`Row`]s whose text fields are interned symbols into the
//! file's own [`Interner`], plus the reconciliation counts (read = accepted + skipped +
//! rejected) and the list of rejected rows with their reasons. Only this module and its
//! children know about containers, encodings and header aliases.

pub mod batch;
pub mod chart;
pub mod dialect;
pub mod grid;
pub mod header;
pub mod limits;
pub mod numbers;
pub mod read;
pub mod sniff;
pub mod text;
pub mod value;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

/// Index of a string in a file's [`Interner`]. `Sym::EMPTY` is the empty string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Sym(pub u32);

impl Sym {
    pub const EMPTY: Sym = Sym(0);
}

/// Deduplicating string store. Ledgers repeat the same account names, payees and
/// summaries millions of times; storing each once keeps memory near the file size and
/// lets keyword matching run once per distinct string instead of once per row.
#[derive(Debug)]
pub struct Interner {
    /// Shared, so that findings can hold a row's texts without copying them.
    strings: Vec<Arc<str>>,
    /// Each string's hash and symbol. The hash is kept so that growing the table does not
    /// hash every string again (a ledger whose summaries are all distinct interns one
    /// per row, and the table grows about twenty times).
    index: hashbrown::HashTable<(u64, Sym)>,
}

impl Default for Interner {
    fn default() -> Self {
        let mut interner = Interner {
            strings: Vec::new(),
            index: hashbrown::HashTable::new(),
        };
        interner.intern("");
        interner
    }
}

impl Interner {
    pub fn intern(&mut self, text: &str) -> Sym {
        use std::hash::BuildHasher;
        let hash = rustc_hash::FxBuildHasher.hash_one(text);
        let strings = &self.strings;
        if let Some(&(_, sym)) = self.index.find(hash, |&(h, sym)| {
            h == hash && &*strings[sym.0 as usize] == text
        }) {
            return sym;
        }
        let sym = Sym(u32::try_from(self.strings.len()).unwrap_or(u32::MAX));
        self.strings.push(text.into());
        self.index.insert_unique(hash, (hash, sym), |&(h, _)| h);
        sym
    }

    pub fn get(&self, sym: Sym) -> &str {
        self.strings.get(sym.0 as usize).map_or("", |s| s)
    }

    /// The text of `sym`, shared (no copy).
    pub fn shared(&self, sym: Sym) -> Arc<str> {
        self.strings
            .get(sym.0 as usize)
            .map_or_else(|| Arc::from(""), Arc::clone)
    }

    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.len() <= 1
    }
}

/// Which side of the entry a line is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Direction {
    #[serde(rename = "借")]
    Debit,
    #[serde(rename = "贷")]
    Credit,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::Debit => "借",
            Direction::Credit => "贷",
        }
    }
}

/// Which 工会会计制度 chart of accounts a row's date falls under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ChartVersion {
    /// 财会〔2009〕7号, used until 2021-12-31.
    #[serde(rename = "2009")]
    Y2009,
    /// 财会〔2021〕7号, in force from 2022-01-01.
    #[serde(rename = "2021")]
    Y2021,
}

impl ChartVersion {
    pub fn for_date(date: NaiveDate) -> Self {
        use chrono::Datelike;
        if date.year() <= 2021 {
            ChartVersion::Y2009
        } else {
            ChartVersion::Y2021
        }
    }
}

/// One accepted ledger line in canonical form. Money is in fen (1/100 yuan).
#[derive(Clone, Debug)]
pub struct Row {
    /// 1-based physical line (text files) or the sheet row number as Excel shows it. 32
    /// bits are enough: a text file is at most 4 GiB ([`limits::MAX_TEXT_BYTES`]) and a
    /// sheet has at most 1,048,576 rows; [`Row::line_of`] saturates all the same.
    pub line: u32,
    /// Index into [`LedgerFile::sheets`]; 0 for text files.
    pub sheet: u16,
    pub date: NaiveDate,
    pub voucher: Sym,
    /// Entry (分录) number inside the voucher, 0 when the export has none.
    pub entry: u32,
    pub summary: Sym,
    pub account_code: Sym,
    /// Full account name path joined with `/`, e.g. `职工活动支出/会员活动支出`.
    pub account: Sym,
    pub debit: i64,
    pub credit: i64,
    pub direction: Direction,
    pub payee: Sym,
    pub handler: Sym,
    pub department: Sym,
    pub project: Sym,
    /// 附件数 plus one, `None` when the export has no such column or the cell is blank
    /// (read it with [`Row::attachments`]; the offset lets `None` take no extra space).
    pub attachments_plus_one: Option<std::num::NonZeroU32>,
    pub unit: Sym,
    /// Period-end closing entry (期末结转, 本年收支结转): kept, but left out of spending.
    pub closing: bool,
}

impl Row {
    /// Signed amount in fen: debit − credit.
    pub fn amount(&self) -> i64 {
        self.debit - self.credit
    }

    /// 附件数, `None` when the export has no such column or the cell is blank.
    pub fn attachments(&self) -> Option<u32> {
        self.attachments_plus_one.map(|n| n.get() - 1)
    }

    /// The stored form of `count` attachments ([`Row::attachments_plus_one`]); `None`
    /// only for `u32::MAX`, which no real voucher has.
    pub fn stored_attachments(count: u32) -> Option<std::num::NonZeroU32> {
        std::num::NonZeroU32::new(count.checked_add(1)?)
    }

    /// A row's `line` from a 64-bit line number (saturating; see [`Row::line`]).
    pub fn line_of(line: u64) -> u32 {
        u32::try_from(line).unwrap_or(u32::MAX)
    }
}

/// A row that could not be read, with where and why.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Reject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub line: u64,
    /// 1-based column of the offending cell, when one cell is to blame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    pub reason: String,
}

/// Why a row was skipped rather than read (not an error: layout noise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// Title and header rows above the data (单位名称, 期间, the header itself).
    Preamble,
    Blank,
    /// 本日合计 / 本月合计 / 本年累计 / 合计 / 小计.
    Subtotal,
    /// 期初余额 / 承前页 / 过次页 / 上年结转: carried balances, not entries.
    Carried,
    /// A sheet with no recognisable ledger header (e.g. 金蝶's FieldInfo sheet).
    OtherSheet,
}

/// How the columns of a file were understood: canonical field → header text.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Mapping {
    pub columns: Vec<(String, String)>,
    pub missing: Vec<String>,
}

/// An account of spending (支出) in either chart.
fn is_expense_account(account: &str) -> bool {
    account.contains("支出")
}

/// Everything read from one input file.
#[derive(Debug)]
pub struct LedgerFile {
    pub path: PathBuf,
    /// The path as shown to users and in findings (relative as given on the command line).
    /// Shared with the file's findings.
    pub display: Arc<str>,
    pub container: String,
    pub encoding: String,
    pub dialect: String,
    pub sheets: Vec<String>,
    /// 1-based line (or sheet row) of the header, per sheet that had one.
    pub header_line: Option<u64>,
    pub mapping: Mapping,
    pub unit_source: String,
    pub strings: Interner,
    pub rows: Vec<Row>,
    pub rows_read: u64,
    pub skipped: std::collections::BTreeMap<SkipKind, u64>,
    pub rejects: Vec<Reject>,
    /// Non-fatal remarks about how the file was read (e.g. an ignored sheet).
    pub notes: Vec<String>,
}

impl LedgerFile {
    /// An empty file named `display`, for readers and example ledgers to fill.
    pub fn empty(display: &str) -> LedgerFile {
        LedgerFile {
            path: PathBuf::from(display),
            display: display.into(),
            container: String::new(),
            encoding: String::new(),
            dialect: String::new(),
            sheets: Vec::new(),
            header_line: None,
            mapping: Mapping::default(),
            unit_source: String::new(),
            strings: Interner::default(),
            rows: Vec::new(),
            rows_read: 0,
            skipped: std::collections::BTreeMap::new(),
            rejects: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn rows_skipped(&self) -> u64 {
        self.skipped.values().sum()
    }

    pub fn rows_rejected(&self) -> u64 {
        self.rejects.len() as u64
    }

    pub fn rows_accepted(&self) -> u64 {
        self.rows.len() as u64
    }

    /// An expense line: a positive debit on an account whose name path contains 支出
    /// (both charts), closing entries left out. The one definition behind the summary's
    /// expense figures, the report's unit spending and the sampling population; rule
    /// scopes use the same test with a per-account cache.
    pub fn is_expense(&self, row: &Row) -> bool {
        !row.closing && row.debit > 0 && is_expense_account(self.strings.get(row.account))
    }

    /// [`LedgerFile::is_expense`] for many rows, each account's text searched once.
    pub fn expense_test(&self) -> impl FnMut(&Row) -> bool + '_ {
        let mut accounts: Vec<Option<bool>> = vec![None; self.strings.len()];
        move |row| {
            !row.closing
                && row.debit > 0
                && *accounts[row.account.0 as usize]
                    .get_or_insert_with(|| is_expense_account(self.strings.get(row.account)))
        }
    }

    pub fn sheet_name(&self, row: &Row) -> Option<&str> {
        self.sheets.get(row.sheet as usize).map(String::as_str)
    }

    /// The sheet a finding names: none for text files (their one sheet has no name).
    pub fn sheet_label(&self, row: &Row) -> Option<String> {
        self.sheet_name(row)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// Units that appear in this file, sorted. A block of rows per worker
    /// ([`rows_per_worker`]): it runs over every row of a large file.
    pub fn units(&self) -> Vec<&str> {
        self.units_and(|| (), |_, _| {}).0
    }

    /// [`LedgerFile::units`] and, in the same pass, a value per block of rows (in row
    /// order) made by `start` and fed each row by `step`: a caller that needs something
    /// else of every row reads the rows once (a second pass over a block of millions of
    /// rows reads them from memory again).
    pub fn units_and<A: Send>(
        &self,
        start: impl Fn() -> A + Sync,
        step: impl Fn(&mut A, &Row) + Sync,
    ) -> (Vec<&str>, Vec<A>) {
        use rayon::prelude::*;
        let blocks: Vec<(Vec<Sym>, A)> = (self.rows.par_chunks(rows_per_worker(self.rows.len())))
            .map(|rows| {
                let mut seen = vec![false; self.strings.len()];
                let mut firsts = Vec::new();
                let mut acc = start();
                for row in rows {
                    if let Some(slot) = seen.get_mut(row.unit.0 as usize)
                        && !*slot
                    {
                        *slot = true;
                        firsts.push(row.unit);
                    }
                    step(&mut acc, row);
                }
                (firsts, acc)
            })
            .collect();
        let mut units: Vec<&str> = Vec::new();
        let mut results = Vec::with_capacity(blocks.len());
        for (firsts, acc) in blocks {
            units.extend(firsts.into_iter().map(|unit| self.strings.get(unit)));
            results.push(acc);
        }
        units.sort_unstable();
        units.dedup();
        (units, results)
    }
}

/// Rows per block when a pass over a file's rows is cut into one block per worker
/// thread; at least 32,768 (below that, splitting costs more than it saves).
pub fn rows_per_worker(rows: usize) -> usize {
    rows.div_ceil(rayon::current_num_threads().max(1))
        .max(32 * 1024)
}

#[cfg(test)]
mod tests {

    /// A text interned again gets its symbol back, also after the table has grown many
    /// times (hashes kept, not recomputed), and a symbol gives its text.
    #[test]
    fn interned_texts_keep_their_symbols_as_the_table_grows() {
        let mut strings = Interner::default();
        assert_eq!(strings.intern(""), Sym::EMPTY);
        let texts: Vec<String> = (0..20_000).map(|i| format!("摘要{i}")).collect();
        let syms: Vec<Sym> = texts.iter().map(|t| strings.intern(t)).collect();
        assert_eq!(strings.len(), texts.len() + 1);
        for (text, &sym) in texts.iter().zip(&syms).rev() {
            assert_eq!(strings.intern(text), sym);
            assert_eq!(strings.get(sym), text);
        }
        assert_eq!(strings.len(), texts.len() + 1);
    }
    use super::{Direction, Interner, Row, Sym};

    fn blank_row() -> Row {
        Row {
            line: 1,
            sheet: 0,
            date: chrono::NaiveDate::default(),
            voucher: Sym::EMPTY,
            entry: 0,
            summary: Sym::EMPTY,
            account_code: Sym::EMPTY,
            account: Sym::EMPTY,
            debit: 0,
            credit: 0,
            direction: Direction::Debit,
            payee: Sym::EMPTY,
            handler: Sym::EMPTY,
            department: Sym::EMPTY,
            project: Sym::EMPTY,
            attachments_plus_one: None,
            unit: Sym::EMPTY,
            closing: false,
        }
    }

    /// Ten million rows are 720 MB: a wider row costs every large read and scan memory
    /// and time (fresh pages are a large part of both).
    #[test]
    fn a_row_is_72_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 72);
    }

    #[test]
    fn attachments_and_lines_round_trip() {
        for count in [0, 1, 7, u32::MAX - 1] {
            let row = Row {
                attachments_plus_one: Row::stored_attachments(count),
                ..blank_row()
            };
            assert_eq!(row.attachments(), Some(count));
        }
        assert_eq!(blank_row().attachments(), None);
        assert_eq!(Row::stored_attachments(u32::MAX), None);
        assert_eq!(Row::line_of(7), 7);
        assert_eq!(Row::line_of(u64::from(u32::MAX) + 5), u32::MAX);
    }
}
