//! Reading one file into a [`LedgerFile`]: header search, row conversion, reconciliation.
//!
//! Invariant: for every file, `rows_read = rows_accepted + rows_skipped + rows_rejected`,
//! where `rows_read` counts every record the container yields (title rows included). A row
//! is *skipped* when it is layout noise (title, blank, 合计, 期初余额) and *rejected* when
//! it looks like data but a value cannot be read; every rejected row keeps its line,
//! column and reason.

use std::path::Path;

use chrono::NaiveDate;
use encoding_rs::Encoding;

use super::chart;
use super::dialect::{Col, Dialect};
use super::grid::{self, CellError, Event, Flow};
use super::header::{self, HEADER_SEARCH_ROWS, Layout, Preamble};
use super::numbers::{TextTable, same_text};
use super::sniff::Container;
use super::value;
use super::{ChartVersion, Direction, LedgerFile, Reject, Row, SkipKind};
use crate::error::FileError;

/// Settings for reading ledgers.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// `--encoding`: overrides sniffing for text and HTML files.
    pub encoding: Option<&'static Encoding>,
    /// `--unit`: overrides the unit of every row.
    pub unit: Option<String>,
    /// User dialects first, then the built-in ones.
    pub dialects: Vec<Dialect>,
}

/// Summary texts that mark a subtotal row.
const SUBTOTAL_LABELS: &[&str] = &[
    "本日合计",
    "本月合计",
    "本年累计",
    "本期合计",
    "本年合计",
    "本月累计",
    "本期累计",
    "合计",
    "小计",
    "总计",
    "累计",
    "月计",
    "年计",
    "日计",
];
/// Summary texts that mark a carried balance rather than an entry.
const CARRIED_LABELS: &[&str] = &[
    "期初余额",
    "承前页",
    "过次页",
    "上年结转",
    "年初余额",
    "上月结转",
    "期末余额",
    "本期余额",
];
/// Summary fragments that mark a period-end closing entry.
const CLOSING_MARKERS: &[&str] = &[
    "期末结转",
    "本年收支结转",
    "年末结转",
    "结转本年",
    "结转本期",
    "收支结转",
    "损益结转",
    "结转收支",
];

/// Reads `path` (shown to users as `display`) into the canonical table.
pub fn read_file(path: &Path, display: &str, opts: &ReadOptions) -> Result<LedgerFile, FileError> {
    read_source(grid::Source::Path(path), path, display, opts)
}

/// Reads a ledger held in memory; `display` also gives the unit fallback (file stem).
/// The same reader as [`read_file`]: for tests, fuzzing and callers without a file.
pub fn read_bytes(
    bytes: &[u8],
    display: &str,
    opts: &ReadOptions,
) -> Result<LedgerFile, FileError> {
    read_source(
        grid::Source::Bytes(bytes),
        Path::new(display),
        display,
        opts,
    )
}

fn read_source(
    source: grid::Source<'_>,
    path: &Path,
    display: &str,
    opts: &ReadOptions,
) -> Result<LedgerFile, FileError> {
    let fail = |message: String| FileError {
        path: display.to_string(),
        message,
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut file = LedgerFile::empty(display);
    file.path = path.to_path_buf();
    let mut single_sheet = true;
    let mut current: Option<SheetReader> = None;
    let mut headerless: Vec<String> = Vec::new();
    let mut found_header = false;
    let mut first_problem: Option<(u64, String)> = None;
    let mut chart_notes = ChartMismatch::default();
    let result = grid::read(source, opts.encoding, None, &mut |event| match event {
        Event::Opened {
            container,
            encoding,
        } => {
            file.container = container.label().to_string();
            file.encoding = encoding.to_string();
            single_sheet = matches!(container, Container::Text | Container::Html);
            Flow::Continue
        }
        Event::Sheet { name, col_base } => {
            if let Some(sheet) = current.take() {
                finish_sheet(
                    sheet,
                    &mut file,
                    &mut headerless,
                    &mut found_header,
                    &mut chart_notes,
                );
            }
            file.sheets.push(name.unwrap_or_default().to_string());
            let sheet_no = u16::try_from(file.sheets.len() - 1).unwrap_or(u16::MAX);
            current = Some(SheetReader::new(
                name.map(str::to_string),
                col_base,
                sheet_no,
            ));
            Flow::Continue
        }
        Event::Record {
            line,
            cells,
            unterminated,
            ids,
        } => {
            let Some(sheet) = current.as_mut() else {
                return Flow::Stop;
            };
            if let Err(e) = &cells
                && first_problem.is_none()
            {
                first_problem = Some((line, e.reason.clone()));
            }
            sheet.push(
                line,
                cells,
                unterminated,
                ids,
                &mut file,
                opts,
                &stem,
                single_sheet,
            )
        }
        Event::Note(note) => {
            file.notes.push(note);
            Flow::Continue
        }
    });
    if let Some(sheet) = current.take() {
        finish_sheet(
            sheet,
            &mut file,
            &mut headerless,
            &mut found_header,
            &mut chart_notes,
        );
    }
    result.map_err(fail)?;
    if !found_header {
        let mut message = format!(
            "找不到账簿表头：前 {HEADER_SEARCH_ROWS} 行中没有同时包含日期、金额(借方/贷方/金额)和摘要或科目的行 (no recognisable ledger header)"
        );
        if let Some((line, reason)) = first_problem {
            message.push_str(&format!("；第 {line} 行：{reason}"));
        }
        return Err(fail(message));
    }
    if file.sheets.len() > 1 {
        for name in headerless {
            file.notes.push(format!(
                "工作表「{name}」没有可识别的账簿表头，已跳过 (sheet has no ledger header; its rows are counted as skipped)"
            ));
        }
    }
    if let Some(note) = chart_notes.note() {
        file.notes.push(note);
    }
    Ok(file)
}

/// Ends a sheet: counts what it left, remembers a sheet without a header.
fn finish_sheet(
    sheet: SheetReader,
    file: &mut LedgerFile,
    headerless: &mut Vec<String>,
    found_header: &mut bool,
    chart_notes: &mut ChartMismatch,
) {
    let name = sheet.name.clone().unwrap_or_default();
    let (had, mismatch) = sheet.finish(file);
    chart_notes.merge(mismatch);
    if had {
        *found_header = true;
    } else {
        headerless.push(name);
    }
}

/// Rows whose account code and name belong to the chart of the other period (a ledger
/// dated 2022 or later still keyed in the 2009 chart, or the reverse).
#[derive(Default)]
struct ChartMismatch {
    rows: u64,
    /// (line, code, name, chart used) of the first such row.
    first: Option<(u64, String, String, ChartVersion)>,
}

impl ChartMismatch {
    fn merge(&mut self, other: ChartMismatch) {
        self.rows += other.rows;
        if self.first.is_none() {
            self.first = other.first;
        }
    }

    fn note(&self) -> Option<String> {
        let (line, code, name, used) = self.first.as_ref()?;
        let (used_label, dated) = match used {
            ChartVersion::Y2009 => ("2009", "2022 年及以后 (dated 2022 or later)"),
            ChartVersion::Y2021 => ("2021", "2021 年及以前 (dated 2021 or earlier)"),
        };
        Some(format!(
            "{} 行的科目编码与名称属于 {used_label} 年科目表，但日期在 {dated}（例如第 {line} 行 {code} {name}）；已按 {used_label} 年科目表补全科目路径，请核对账套的会计制度 ({} rows use the {used_label} chart of accounts against their dates; their account paths follow the {used_label} chart)",
            self.rows, self.rows
        ))
    }
}

/// Reading state of one sheet: looking for the header, then converting rows.
struct SheetReader {
    name: Option<String>,
    col_base: usize,
    sheet_no: u16,
    /// Records above the header while it is being looked for.
    lookahead: Vec<(u64, Result<Vec<String>, CellError>)>,
    state: SheetState,
}

enum SheetState {
    Searching,
    Reading(Box<Converter>),
    /// No header in the first rows: the rest is counted as skipped.
    NoHeader,
}

impl SheetReader {
    fn new(name: Option<String>, col_base: usize, sheet_no: u16) -> SheetReader {
        SheetReader {
            name,
            col_base,
            sheet_no,
            lookahead: Vec::new(),
            state: SheetState::Searching,
        }
    }

    // The record's parts as the reader hands them over, and the file's constants.
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        line: u64,
        cells: Result<&[&str], CellError>,
        unterminated: bool,
        ids: Option<super::grid::RecordIds<'_>>,
        file: &mut LedgerFile,
        opts: &ReadOptions,
        stem: &str,
        single_sheet: bool,
    ) -> Flow {
        match &mut self.state {
            SheetState::Reading(converter) => {
                file.rows_read += 1;
                let outcome = match cells {
                    Ok(cells) if unterminated && cells.len() < converter.header_width() => {
                        Outcome::Reject(
                            None,
                            format!(
                                "文件末行没有换行且只有 {} 列（表头 {} 列），文件可能被截断 (the last line has no line break and fewer cells than the header: a truncated file?)",
                                cells.len(),
                                converter.header_width()
                            ),
                        )
                    }
                    Ok(cells) => converter.convert(line, cells, ids, file),
                    Err(err) => {
                        Outcome::Reject(err.column.map(|c| c + self.col_base - 1), err.reason)
                    }
                };
                match outcome {
                    Outcome::Row(row) => file.rows.push(row),
                    Outcome::Skip(kind) => *file.skipped.entry(kind).or_default() += 1,
                    Outcome::Reject(column, reason) => file.rejects.push(Reject {
                        sheet: self.name.clone(),
                        line,
                        column,
                        reason,
                    }),
                }
                Flow::Continue
            }
            SheetState::NoHeader => {
                file.rows_read += 1;
                *file.skipped.entry(SkipKind::OtherSheet).or_default() += 1;
                Flow::Continue
            }
            SheetState::Searching => {
                if let Ok(found) = &cells
                    && let Some(layout) = header::layout_of(found, &opts.dialects)
                {
                    let header_cells: Vec<String> =
                        found.iter().map(|s| (*s).to_string()).collect();
                    self.start_reading(line, layout, header_cells, file, opts, stem);
                    if let (Some(ids), SheetState::Reading(converter)) = (ids, &self.state) {
                        ids.wanted.store(
                            converter.numbered_positions(),
                            std::sync::atomic::Ordering::Relaxed,
                        );
                    }
                    return Flow::Continue;
                }
                self.lookahead.push((
                    line,
                    cells.map(|c| c.iter().map(|s| (*s).to_string()).collect()),
                ));
                if self.lookahead.len() < HEADER_SEARCH_ROWS {
                    return Flow::Continue;
                }
                let count = self.lookahead.len() as u64;
                self.lookahead.clear();
                file.rows_read += count;
                *file.skipped.entry(SkipKind::OtherSheet).or_default() += count;
                self.state = SheetState::NoHeader;
                // A text file or HTML table without a header fails as a whole: stop here.
                if single_sheet {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            }
        }
    }

    fn start_reading(
        &mut self,
        header_line: u64,
        layout: Layout,
        header_cells: Vec<String>,
        file: &mut LedgerFile,
        opts: &ReadOptions,
        stem: &str,
    ) {
        let mut preamble = Preamble::default();
        for (_, res) in &self.lookahead {
            if let Ok(cells) = res {
                header::read_preamble(cells, &mut preamble);
            }
        }
        let above = self.lookahead.len() as u64;
        self.lookahead.clear();
        file.rows_read += above + 1;
        *file.skipped.entry(SkipKind::Preamble).or_default() += above + 1;
        for (col, first, again) in &layout.duplicates {
            let text = header_cells.get(*again).map_or("", |c| c.trim());
            file.notes.push(format!(
                "表头「{text}」重复：第 {} 列与第 {} 列都是 {}，只读第 {} 列 (duplicate header: only the first column is read)",
                first + self.col_base,
                again + self.col_base,
                col.key(),
                first + self.col_base
            ));
        }
        if file.header_line.is_none() {
            file.header_line = Some(header_line);
            file.dialect = layout.dialect.clone();
            file.mapping = layout.mapping.clone();
            file.unit_source = if opts.unit.is_some() {
                "--unit".to_string()
            } else if layout.has(Col::Unit) {
                "column".to_string()
            } else if preamble.unit.is_some() {
                "title row".to_string()
            } else {
                "file name".to_string()
            };
        }
        let default_unit = opts
            .unit
            .clone()
            .or_else(|| preamble.unit.clone())
            .unwrap_or_else(|| stem.to_string());
        self.state = SheetState::Reading(Box::new(Converter {
            layout,
            header_cells,
            preamble,
            default_unit,
            unit_override: opts.unit.is_some(),
            sheet_no: self.sheet_no,
            col_base: self.col_base,
            previous: None,
            chart: ChartMismatch::default(),
            accounts: Default::default(),
            vouchers: Default::default(),
            key: String::new(),
            syms: Default::default(),
            summary_facts: Vec::new(),
            last_date: None,
            by_id: Vec::new(),
            cells_trimmed: false,
        }));
    }

    /// Ends the sheet: returns whether it had a header, and its chart-of-accounts remarks.
    fn finish(self, file: &mut LedgerFile) -> (bool, ChartMismatch) {
        match self.state {
            SheetState::Reading(converter) => (true, converter.chart),
            SheetState::NoHeader => (false, ChartMismatch::default()),
            SheetState::Searching => {
                // A short sheet without a header: its rows are counted as skipped.
                let count = self.lookahead.len() as u64;
                file.rows_read += count;
                if count > 0 {
                    *file.skipped.entry(SkipKind::OtherSheet).or_default() += count;
                }
                (false, ChartMismatch::default())
            }
        }
    }
}

/// (raw code, raw name, chart is 2021) → (code, path, chart used against the date).
type AccountCache = std::collections::HashMap<
    (super::Sym, super::Sym, bool),
    (super::Sym, super::Sym, Option<ChartVersion>),
    rustc_hash::FxBuildHasher,
>;

enum Outcome {
    Row(Row),
    Skip(SkipKind),
    Reject(Option<usize>, String),
}

struct Converter {
    layout: Layout,
    /// The header row as read, to skip it where it repeats (concatenated exports).
    header_cells: Vec<String>,
    preamble: Preamble,
    default_unit: String,
    unit_override: bool,
    sheet_no: u16,
    col_base: usize,
    /// Date and voucher of the last accepted row, for continuation lines that leave both blank.
    previous: Option<(NaiveDate, super::Sym)>,
    chart: ChartMismatch,
    /// (raw code, raw name, chart is 2021) → (code, full account path, the chart used
    /// when the row's date says otherwise): exports repeat the same few dozen accounts,
    /// so the chart lookup runs once per distinct pair.
    accounts: AccountCache,
    /// Raw voucher cells (word, U+1F, number) → normalised voucher.
    vouchers: std::collections::HashMap<Box<str>, super::Sym, rustc_hash::FxBuildHasher>,
    key: String,
    /// Per-column fronts of the file's interner (`SYM_*`).
    syms: [ColumnSyms; SYM_COLUMNS],
    /// Summary symbol → what the summary says of its row ([`SummaryFacts`]), worked out
    /// once per distinct summary; 0 not yet.
    summary_facts: Vec<u8>,
    /// The last date cell read and its date: a ledger's lines come in date order, so most
    /// date cells repeat the one above.
    last_date: Option<(String, chrono::NaiveDate)>,
    /// Per cell position, the symbol of each numbered text ([`super::grid::RecordIds`]),
    /// or [`UNKNOWN`] until first seen.
    by_id: Vec<Vec<super::Sym>>,
    /// No cell of the record being converted has whitespace to trim
    /// ([`super::grid::RecordIds::trimmed`]): [`Converter::cell`] takes cells as they are.
    cells_trimmed: bool,
}

/// Not yet known, in [`Converter::by_id`].
const UNKNOWN: super::Sym = super::Sym(u32::MAX);

/// Bits of what a summary says of its row, in [`Converter::summary_facts`].
struct SummaryFacts;

impl SummaryFacts {
    /// Set for every summary looked at, so 0 means "not yet".
    const KNOWN: u8 = 1;
    /// Holds one of 计余页结, as every subtotal and carried-forward label does.
    const LABEL_CHAR: u8 = 2;
    /// A period-end closing entry ([`CLOSING_MARKERS`]).
    const CLOSING: u8 = 4;

    fn of(summary: &str) -> u8 {
        let mut facts = SummaryFacts::KNOWN;
        if has_label_char(summary) {
            facts |= SummaryFacts::LABEL_CHAR;
        }
        if summary.contains('结') && CLOSING_MARKERS.iter().any(|m| summary.contains(m)) {
            facts |= SummaryFacts::CLOSING;
        }
        facts
    }
}

const SYM_SUMMARY: usize = 0;
const SYM_PAYEE: usize = 1;
const SYM_HANDLER: usize = 2;
const SYM_DEPARTMENT: usize = 3;
const SYM_PROJECT: usize = 4;
const SYM_UNIT: usize = 5;
const SYM_VOUCHER: usize = 6;
const SYM_CODE: usize = 7;
const SYM_NAME: usize = 8;
const SYM_COLUMNS: usize = 9;

/// Whether `text` contains 计, 余, 页 or 结, one of which every subtotal and carried-forward
/// label has. Compares UTF-8 bytes: decoding every summary into characters for this was
/// a tenth of the row conversion.
fn has_label_char(text: &str) -> bool {
    // The three bytes of each: 计 E8 AE A1, 余 E4 BD 99, 页 E9 A1 B5, 结 E7 BB 93.
    text.as_bytes().windows(3).any(|w| {
        matches!(
            w,
            [0xE8, 0xAE, 0xA1] | [0xE4, 0xBD, 0x99] | [0xE9, 0xA1, 0xB5] | [0xE7, 0xBB, 0x93]
        )
    })
}

/// A column's own small cache in front of the file's interner ([`TextTable`]: a repeat
/// of the cell above costs one comparison). Same symbols as interning directly; a column
/// with more than [`TextTable::MAX`] texts goes to the interner for the rest.
#[derive(Default)]
struct ColumnSyms {
    table: TextTable<super::Sym>,
}

impl ColumnSyms {
    fn intern(&mut self, text: &str, strings: &mut super::Interner) -> super::Sym {
        match self
            .table
            .get_or_insert_with(text, |_| strings.intern(text))
        {
            Some(sym) => sym,
            None => strings.intern(text),
        }
    }
}

impl Converter {
    /// Cells up to the last non-empty header cell.
    fn header_width(&self) -> usize {
        self.header_cells
            .iter()
            .rposition(|c| !value::trim(c).is_empty())
            .map_or(0, |i| i + 1)
    }

    /// The date of a date cell, parsed once per run of equal cells.
    fn date_of(&mut self, cell: &str) -> Result<chrono::NaiveDate, String> {
        if let Some((text, date)) = &self.last_date
            && same_text(text, cell)
        {
            return Ok(*date);
        }
        let date = value::parse_date(cell, self.preamble.year)?;
        let (text, last) = self.last_date.get_or_insert_with(Default::default);
        text.clear();
        text.push_str(cell);
        *last = date;
        Ok(date)
    }

    fn cell<'a>(&self, cells: &'a [&str], col: Col) -> &'a str {
        self.layout
            .get(col)
            .and_then(|idx| cells.get(idx))
            .map_or("", |c| self.trim(c))
    }

    /// `cell` trimmed, as it is when the record has nothing to trim.
    fn trim<'a>(&self, cell: &'a str) -> &'a str {
        if self.cells_trimmed {
            cell
        } else {
            value::trim(cell)
        }
    }

    fn column(&self, col: Col) -> Option<usize> {
        self.layout.get(col).map(|idx| idx + self.col_base)
    }

    /// The cell positions whose numbers [`Converter::convert`] uses: the columns it interns
    /// as they are.
    fn numbered_positions(&self) -> u64 {
        let mut mask = 0u64;
        let mut want = |col: Col| {
            if let Some(pos) = self.layout.get(col)
                && pos < 64
            {
                mask |= 1 << pos;
            }
        };
        for col in [
            Col::Summary,
            Col::AccountCode,
            Col::Account,
            Col::Payee,
            Col::Handler,
            Col::Department,
            Col::Project,
        ] {
            want(col);
        }
        if !self.layout.has(Col::VoucherWord) {
            want(Col::Voucher);
        }
        if !self.unit_override {
            want(Col::Unit);
        }
        mask
    }

    /// The symbol of the (trimmed) cell of `col`: by the cell's number when the record has
    /// one, else through the column cache `kind`.
    fn sym_of_cell(
        &mut self,
        kind: usize,
        col: Col,
        cells: &[&str],
        ids: Option<&[u32]>,
        file: &mut LedgerFile,
    ) -> super::Sym {
        let numbered = Self::number_of(col, &self.layout, ids);
        if let Some((pos, id)) = numbered
            && let Some(sym) = self.known_sym(pos, id)
        {
            return sym;
        }
        let text = self.cell(cells, col);
        let sym = self.syms[kind].intern(text, &mut file.strings);
        if let Some((pos, id)) = numbered {
            self.remember(pos, id, sym);
        }
        sym
    }

    /// Maps number `id` at position `pos` to `sym` from now on.
    fn remember(&mut self, pos: usize, id: usize, sym: super::Sym) {
        if self.by_id.len() <= pos {
            self.by_id.resize_with(pos + 1, Vec::new);
        }
        let known = &mut self.by_id[pos];
        if known.len() <= id {
            known.resize(id + 1, UNKNOWN);
        }
        known[id] = sym;
    }

    /// The position and number of the cell of `col`, when the record has one.
    fn number_of(col: Col, layout: &Layout, ids: Option<&[u32]>) -> Option<(usize, usize)> {
        let pos = layout.get(col)?;
        let &id = ids?.get(pos)?;
        (id != super::batch::NO_ID).then_some((pos, id as usize))
    }

    /// The symbol of number `id` at position `pos`, once a cell with it has been interned.
    fn known_sym(&self, pos: usize, id: usize) -> Option<super::Sym> {
        let sym = *self.by_id.get(pos)?.get(id)?;
        (sym != UNKNOWN).then_some(sym)
    }

    fn convert(
        &mut self,
        _line: u64,
        cells: &[&str],
        record: Option<super::grid::RecordIds<'_>>,
        file: &mut LedgerFile,
    ) -> Outcome {
        self.cells_trimmed = record.is_some_and(|r| r.trimmed);
        let ids = record.map(|r| r.ids);
        if cells.iter().all(|c| self.trim(c).is_empty()) {
            return Outcome::Skip(SkipKind::Blank);
        }
        // The header again (files concatenated from several exports).
        if self.layout.cols.iter().all(|(_, idx)| {
            cells.get(*idx).map(|c| self.trim(c))
                == self.header_cells.get(*idx).map(|c| value::trim(c))
        }) {
            return Outcome::Skip(SkipKind::Preamble);
        }
        let summary = self.cell(cells, Col::Summary);
        // Summaries repeat: whether one holds a label character is worked out once per
        // distinct summary (interning a label that turns out to be skipped is harmless).
        let summary_sym = self.sym_of_cell(SYM_SUMMARY, Col::Summary, cells, ids, file);
        let slot = summary_sym.0 as usize;
        if self.summary_facts.len() <= slot {
            self.summary_facts.resize(slot + 1, 0);
        }
        if self.summary_facts[slot] == 0 {
            self.summary_facts[slot] = SummaryFacts::of(summary);
        }
        let facts = self.summary_facts[slot];
        let summary_has_label = facts & SummaryFacts::LABEL_CHAR != 0;
        let date_cell = self.cell(cells, Col::Date);
        let probes = [
            summary,
            date_cell,
            self.cell(cells, Col::Voucher),
            self.cell(cells, Col::Day),
            cells
                .iter()
                .map(|c| self.trim(c))
                .find(|c| !c.is_empty())
                .unwrap_or(""),
        ];
        for (at, probe) in probes.into_iter().enumerate() {
            // Every label contains one of these characters; most cells contain none, so
            // the normalising copy below is made only for candidates.
            let candidate = if at == 0 {
                summary_has_label
            } else {
                !probe.is_ascii() && has_label_char(probe)
            };
            if !candidate {
                continue;
            }
            let compact: String = value::to_half_width(probe)
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ':' && *c != '*')
                .collect();
            if compact.is_empty() {
                continue;
            }
            if CARRIED_LABELS.iter().any(|l| compact.starts_with(l)) {
                return Outcome::Skip(SkipKind::Carried);
            }
            if SUBTOTAL_LABELS
                .iter()
                .any(|l| compact == *l || (l.len() > 6 && compact.starts_with(l)))
            {
                return Outcome::Skip(SkipKind::Subtotal);
            }
        }

        // Amounts first: a row with no readable amount is rejected whatever else it has.
        let (debit, credit) = match self.amounts(cells) {
            Ok(pair) => pair,
            Err(e) => return e,
        };

        // Date: one column, or 年/月/日 split, or blank on a continuation line.
        let voucher_raw = self.voucher(cells, ids, file);
        let date = if self.layout.has(Col::Date) {
            if date_cell.is_empty() && voucher_raw == super::Sym::EMPTY && self.previous.is_some() {
                self.previous.map(|(d, _)| d).ok_or_else(String::new)
            } else {
                self.date_of(date_cell)
            }
        } else {
            let year = self.cell(cells, Col::Year);
            let year = if year.is_empty() {
                self.preamble
                    .year
                    .map(|y| y.to_string())
                    .unwrap_or_default()
            } else {
                year.to_string()
            };
            value::date_from_parts(
                &year,
                self.cell(cells, Col::Month),
                self.cell(cells, Col::Day),
            )
        };
        let date = match date {
            Ok(date) => date,
            Err(reason) => {
                let column = self.column(Col::Date).or_else(|| self.column(Col::Month));
                return Outcome::Reject(column, reason);
            }
        };
        let dated_version = ChartVersion::for_date(date);

        let direction = if debit != 0 {
            Direction::Debit
        } else if credit != 0 {
            Direction::Credit
        } else {
            match parse_direction(self.cell(cells, Col::Direction)) {
                Some(d) if !self.layout.has(Col::Debit) => d,
                _ => Direction::Debit,
            }
        };

        let (code_sym, account_sym) = self.account(cells, ids, dated_version, _line, file);
        if account_sym == super::Sym::EMPTY && summary.is_empty() {
            return Outcome::Reject(
                self.column(Col::Account),
                "既无科目也无摘要 (neither account nor summary)".to_string(),
            );
        }

        let voucher = if voucher_raw == super::Sym::EMPTY {
            match self.previous {
                Some((_, v)) if date_cell.is_empty() => v,
                _ => super::Sym::EMPTY,
            }
        } else {
            voucher_raw
        };
        let (payee, staff, payee_from_cell) = self.payee_and_staff(cells);
        let mut handler = self.cell(cells, Col::Handler);
        let handler_from_cell = !handler.is_empty();
        if handler.is_empty() {
            handler = staff;
        }
        let attachments_cell = self.cell(cells, Col::Attachments);
        let attachments = if attachments_cell.is_empty() {
            None
        } else {
            match parse_count(attachments_cell).map(Row::stored_attachments) {
                Some(Some(n)) => Some(n),
                Some(None) => {
                    return Outcome::Reject(
                        self.column(Col::Attachments),
                        format!("附件数过大 (attachments too large): `{attachments_cell}`"),
                    );
                }
                None => {
                    return Outcome::Reject(
                        self.column(Col::Attachments),
                        format!("附件数无法识别 (attachments not a number): `{attachments_cell}`"),
                    );
                }
            }
        };
        let unit_cell = self.cell(cells, Col::Unit);
        let unit_from_cell = !(self.unit_override || unit_cell.is_empty());
        let closing = facts & SummaryFacts::CLOSING != 0;
        // Cell numbers stand for a column's own cell only: a payee, handler or unit taken
        // from elsewhere goes through the column cache.
        let payee = if payee_from_cell {
            self.sym_of_cell(SYM_PAYEE, Col::Payee, cells, ids, file)
        } else {
            self.syms[SYM_PAYEE].intern(payee, &mut file.strings)
        };
        let handler = if handler_from_cell {
            self.sym_of_cell(SYM_HANDLER, Col::Handler, cells, ids, file)
        } else {
            self.syms[SYM_HANDLER].intern(handler, &mut file.strings)
        };
        let department = self.sym_of_cell(SYM_DEPARTMENT, Col::Department, cells, ids, file);
        let project = self.sym_of_cell(SYM_PROJECT, Col::Project, cells, ids, file);
        let unit = if unit_from_cell {
            self.sym_of_cell(SYM_UNIT, Col::Unit, cells, ids, file)
        } else {
            self.syms[SYM_UNIT].intern(self.default_unit.as_str(), &mut file.strings)
        };
        let entry = parse_count(self.cell(cells, Col::Entry)).unwrap_or(0);
        let row = Row {
            line: Row::line_of(_line),
            sheet: self.sheet_no,
            date,
            voucher,
            entry,
            summary: summary_sym,
            account_code: code_sym,
            account: account_sym,
            debit,
            credit,
            direction,
            payee,
            handler,
            department,
            project,
            attachments_plus_one: attachments,
            unit,
            closing,
        };
        self.previous = Some((date, voucher));
        Outcome::Row(row)
    }

    /// The normalised voucher number, computed once per distinct raw cell pair. Without a
    /// 凭证字 the voucher is its number cell alone, so a numbered cell's normalised
    /// voucher is remembered by its number.
    fn voucher(
        &mut self,
        cells: &[&str],
        ids: Option<&[u32]>,
        file: &mut LedgerFile,
    ) -> super::Sym {
        let word = self.cell(cells, Col::VoucherWord);
        let numbered = if word.is_empty() {
            Self::number_of(Col::Voucher, &self.layout, ids)
        } else {
            None
        };
        if let Some((pos, id)) = numbered
            && let Some(sym) = self.known_sym(pos, id)
        {
            return sym;
        }
        let number = self.cell(cells, Col::Voucher);
        let sym = if word.is_empty() && value::is_canonical_voucher(number) {
            self.syms[SYM_VOUCHER].intern(number, &mut file.strings)
        } else {
            self.key.clear();
            self.key.push_str(word);
            self.key.push('\u{1f}');
            self.key.push_str(number);
            match self.vouchers.get(self.key.as_str()) {
                Some(&sym) => sym,
                None => {
                    let sym = file.strings.intern(&value::normalize_voucher(word, number));
                    self.vouchers.insert(self.key.as_str().into(), sym);
                    sym
                }
            }
        };
        if let Some((pos, id)) = numbered {
            self.remember(pos, id, sym);
        }
        sym
    }

    /// The account code and full name path, computed once per distinct raw pair. The
    /// chart is the one in force at `dated`, unless the code and name agree only with the
    /// other one (a 2009-keyed ledger dated 2023): that row is counted for a note.
    fn account(
        &mut self,
        cells: &[&str],
        ids: Option<&[u32]>,
        dated: ChartVersion,
        line: u64,
        file: &mut LedgerFile,
    ) -> (super::Sym, super::Sym) {
        let code_cell = self.cell(cells, Col::AccountCode);
        let name_cell = self.cell(cells, Col::Account);
        // Both blank: the account of a title row (`科目: 50105 会员活动支出`).
        let from_title = code_cell.is_empty() && name_cell.is_empty();
        let key = if from_title {
            let code = self.preamble.account_code.as_deref().unwrap_or("");
            let name = self.preamble.account_name.as_deref().unwrap_or("");
            (
                self.syms[SYM_CODE].intern(code, &mut file.strings),
                self.syms[SYM_NAME].intern(name, &mut file.strings),
                dated == ChartVersion::Y2021,
            )
        } else {
            (
                self.sym_of_cell(SYM_CODE, Col::AccountCode, cells, ids, file),
                self.sym_of_cell(SYM_NAME, Col::Account, cells, ids, file),
                dated == ChartVersion::Y2021,
            )
        };
        let (code, name) = if from_title {
            (
                self.preamble.account_code.as_deref().unwrap_or(""),
                self.preamble.account_name.as_deref().unwrap_or(""),
            )
        } else {
            (code_cell, name_cell)
        };
        let (code_sym, path_sym, other_chart) = match self.accounts.get(&key) {
            Some(&hit) => hit,
            None => {
                // `50105 会员活动支出` in one cell.
                let (code, name) = match name.split_once(' ') {
                    Some((first, rest))
                        if code.is_empty() && first.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        (first, rest.trim())
                    }
                    _ => (code, name),
                };
                let version = chart::version_for(dated, code, name);
                let path = chart::full_path(version, code, name);
                let value = (
                    file.strings.intern(code),
                    file.strings.intern(&path),
                    (version != dated).then_some(version),
                );
                self.accounts.insert(key, value);
                value
            }
        };
        if let Some(used) = other_chart {
            self.chart.rows += 1;
            if self.chart.first.is_none() {
                let code = file.strings.get(code_sym).to_string();
                self.chart.first = Some((line, code, name.to_string(), used));
            }
        }
        (code_sym, path_sym)
    }

    /// Debit and credit in fen, from split columns or 金额 + 方向.
    fn amounts(&self, cells: &[&str]) -> Result<(i64, i64), Outcome> {
        let parse = |col: Col| -> Result<i64, Outcome> {
            value::parse_amount(self.cell(cells, col))
                .map_err(|reason| Outcome::Reject(self.column(col), reason))
        };
        if self.layout.has(Col::Debit) || self.layout.has(Col::Credit) {
            return Ok((parse(Col::Debit)?, parse(Col::Credit)?));
        }
        let amount = parse(Col::Amount)?;
        let direction_cell = self.cell(cells, Col::Direction);
        if !self.layout.has(Col::Direction) {
            return Ok((amount, 0));
        }
        match parse_direction(direction_cell) {
            Some(Direction::Debit) => Ok((amount, 0)),
            Some(Direction::Credit) => Ok((0, amount)),
            None if amount == 0 => Ok((0, 0)),
            None => Err(Outcome::Reject(
                self.column(Col::Direction),
                format!("借贷方向无法识别 (direction must be 借 or 贷): `{direction_cell}`"),
            )),
        }
    }

    /// The counterparty, a staff name to use as handler when there is no handler column,
    /// and whether the counterparty is the payee column's own cell.
    fn payee_and_staff<'c>(&self, cells: &'c [&str]) -> (&'c str, &'c str, bool) {
        let mut payee = self.cell(cells, Col::Payee);
        let from_cell = !payee.is_empty();
        for col in [Col::Supplier, Col::Customer] {
            if payee.is_empty() {
                payee = self.cell(cells, col);
            }
        }
        let mut staff = self.cell(cells, Col::Staff);
        // 金蝶 核算项目: `供应商---某超市` or `客户---A;职员---张三`.
        let aux = self.cell(cells, Col::Aux);
        if aux.is_empty() {
            return (payee, staff, from_cell);
        }
        for item in aux.split([';', '；', ',']) {
            let Some((kind, name)) = item.split_once("---").or_else(|| item.split_once("--"))
            else {
                if payee.is_empty() && !item.trim().is_empty() {
                    payee = item.trim();
                }
                continue;
            };
            let (kind, name) = (kind.trim(), name.trim().trim_start_matches('-').trim());
            if kind.contains("职员") || kind.contains("人员") {
                if staff.is_empty() {
                    staff = name;
                }
            } else if payee.is_empty() && !kind.contains("部门") && !kind.contains("项目") {
                payee = name;
            }
        }
        (payee, staff, from_cell)
    }
}

fn parse_direction(cell: &str) -> Option<Direction> {
    match value::to_half_width(cell)
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "借" | "借方" | "d" | "dr" | "debit" | "1" => Some(Direction::Debit),
        "贷" | "贷方" | "c" | "cr" | "credit" | "-1" => Some(Direction::Credit),
        _ => None,
    }
}

/// Parses a small count such as 附件数 or 分录序号 (`3`, `3.0`, `3.00000`).
fn parse_count(cell: &str) -> Option<u32> {
    match cell.as_bytes() {
        [] => return None,
        // Most counts are one digit: no general parse for them.
        &[digit @ b'0'..=b'9'] => return Some(u32::from(digit - b'0')),
        _ => {}
    }
    if cell.len() <= 9 && cell.bytes().all(|b| b.is_ascii_digit()) {
        return cell.parse().ok();
    }
    let cell = value::to_half_width(cell.trim()).into_owned();
    let int = match cell.split_once('.') {
        Some((int, frac)) if frac.bytes().all(|b| b == b'0') => int.to_string(),
        Some(_) => return None,
        None => cell,
    };
    int.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn label_chars_found_as_by_chars(text in "[a1计余页结算页面总数-]{0,12}") {
            proptest::prop_assert_eq!(
                has_label_char(&text),
                text.contains(['计', '余', '页', '结'])
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn counts_read_every_whole_number(n in proptest::prelude::any::<u32>()) {
            proptest::prop_assert_eq!(parse_count(&n.to_string()), Some(n));
            proptest::prop_assert_eq!(parse_count(&format!("{n}.00")), Some(n));
        }
    }

    /// Counts (附件数, 分录号) are whole numbers, written plainly, as `3.0` or in
    /// full-width digits; a fraction, a sign or a word is not a count.
    #[test]
    fn counts_are_whole_numbers() {
        for (cell, want) in [
            ("0", Some(0)),
            ("7", Some(7)),
            ("12", Some(12)),
            ("3.00", Some(3)),
            ("４", Some(4)),
            ("", None),
            ("2.5", None),
            ("x", None),
            ("-1", None),
        ] {
            assert_eq!(parse_count(cell), want, "{cell}");
        }
    }

    #[test]
    fn layout_index_follows_the_kinds() {
        for (i, col) in Col::ALL.into_iter().enumerate() {
            assert_eq!(col as usize, i, "{col:?}");
        }
    }
}
