//! Turns a file of any container into sheets of records (rows of text cells), each with
//! the line number a user would look up: the 1-based physical line for text, the row
//! number Excel shows for workbooks, the line of the `<tr>` tag for HTML tables.
//!
//! Records are *pushed* to a sink ([`Event`]s), one at a time, so nothing has to be held
//! whole: text is streamed line by line ([`super::text`]), xlsx worksheets are streamed
//! cell by cell from the zip. Only .xls (BIFF, at most 65,536 rows), .xlsb/.ods and HTML
//! tables are materialised. Every size is bounded by [`super::limits`]. Only this file
//! and `text.rs` know calamine, zip and tl.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, DataRef, Reader};
use encoding_rs::Encoding;

use super::batch;
use super::limits::{self, human_bytes};
use super::sniff::{self, Container};
use super::text::{LineDecoding, TextRecords};

/// One data problem in one record, turned into a rejected row by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub column: Option<usize>,
    pub reason: String,
}

/// What a reader tells its sink, in order: `Opened`, then per sheet `Sheet` and its
/// `Record`s, and `Note`s about the whole file.
#[derive(Debug)]
pub enum Event<'a> {
    Opened {
        container: Container,
        /// Shown to users: `UTF-8`, `GBK`, `UTF-16LE`, `-` for workbooks.
        encoding: &'a str,
    },
    Sheet {
        name: Option<&'a str>,
        /// Added to a 0-based cell index to give the 1-based column a user sees.
        col_base: usize,
    },
    /// `Err` is a record that could not be decoded; reading goes on after it.
    Record {
        line: u64,
        cells: Result<&'a [&'a str], CellError>,
        /// Text only: the record is the file's last and has no line break after it (a
        /// truncated file, when it also has fewer cells than the header).
        unterminated: bool,
        /// Large text files only: numbers of the cells' texts per position.
        ids: Option<RecordIds<'a>>,
    },
    Note(String),
}

/// Numbers of a record's cells, from the two-thread reader (`batch.rs`): the same text at
/// the same position has the same number throughout the file, so the consumer can map a
/// number to a symbol once. Only positions set in `wanted` (by the consumer, once it knows
/// the header) are numbered; others are [`batch::NO_ID`].
#[derive(Debug, Clone, Copy)]
pub struct RecordIds<'a> {
    pub ids: &'a [u32],
    pub wanted: &'a std::sync::atomic::AtomicU64,
    /// No cell of the record has whitespace to trim: its cells are taken as they are.
    pub trimmed: bool,
}

/// What the sink wants next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Skip the rest of this sheet.
    NextSheet,
    /// Stop reading the file.
    Stop,
}

/// Where the bytes come from.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    Path(&'a Path),
    Bytes(&'a [u8]),
}

/// Bytes looked at for sniffing.
const HEAD_LEN: usize = 64 * 1024;

/// Reads `source`, pushing its records to `sink`. `max_bytes` lowers the size limit of
/// every container (reference tables); `None` uses the limits for ledgers. `Err` is a file
/// that cannot be read at all (or stops being readable); the sink may have seen records.
pub fn read(
    source: Source<'_>,
    forced_encoding: Option<&'static Encoding>,
    max_bytes: Option<u64>,
    sink: &mut dyn FnMut(Event<'_>) -> Flow,
) -> Result<(), String> {
    let (mut input, size): (Box<dyn Read + Send + '_>, u64) = match source {
        Source::Path(path) => {
            let file = File::open(path).map_err(|e| format!("无法打开文件 (cannot open): {e}"))?;
            let meta = file
                .metadata()
                .map_err(|e| format!("无法读取文件 (cannot read): {e}"))?;
            if meta.is_dir() {
                return Err("这是目录，不是文件 (a directory, not a file)".to_string());
            }
            (Box::new(file), meta.len())
        }
        Source::Bytes(bytes) => (Box::new(bytes), bytes.len() as u64),
    };
    let mut head = Vec::with_capacity(HEAD_LEN);
    (&mut input)
        .take(HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| format!("无法读取文件 (cannot read): {e}"))?;
    let size = size.max(head.len() as u64);
    // Above the largest limit nothing is looked at: refused before sniffing.
    let largest = max_bytes.map_or(limits::MAX_TEXT_BYTES, |m| m.min(limits::MAX_TEXT_BYTES));
    if size > largest {
        return Err(format!(
            "文件大小 {} 超过 {} 上限，未读取；请按期间拆分后再读 (file of {} is larger than the {} limit; split it by period)",
            human_bytes(size),
            human_bytes(largest),
            human_bytes(size),
            human_bytes(largest)
        ));
    }
    let is_complete = head.len() < HEAD_LEN;
    let container = match sniff::container(&head) {
        // `--encoding utf-16le` on a UTF-16 file without a BOM (it looks binary).
        Err(_)
            if forced_encoding
                .is_some_and(|e| e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE) =>
        {
            Container::Text
        }
        other => other?,
    };
    let (limit, what) = match container {
        Container::Text => (limits::MAX_TEXT_BYTES, "文本账簿 (text ledger)"),
        Container::Xlsx | Container::Xls => (limits::MAX_WORKBOOK_BYTES, "工作簿 (workbook)"),
        Container::Html => (limits::MAX_HTML_BYTES, "HTML 表格 (HTML table)"),
    };
    let limit = max_bytes.map_or(limit, |m| m.min(limit));
    let too_big = |size: u64| {
        format!(
            "文件大小 {} 超过{what}的 {} 上限，未读取；请按期间拆分后再读 (file of {} is larger than the {} limit; split it by period)",
            human_bytes(size),
            human_bytes(limit),
            human_bytes(size),
            human_bytes(limit)
        )
    };
    if size > limit {
        return Err(too_big(size));
    }
    let mut counter = RowCounter::default();
    let mut sink = |event: Event<'_>| -> Flow { sink(event) };
    match container {
        Container::Text => {
            let enc = forced_encoding.unwrap_or_else(|| sniff::encoding(&head, is_complete));
            let delimiter = sniff_delimiter(&head, enc);
            let label = sniff::encoding_label(enc);
            // Reading stops one byte past the limit: a file that grows while read is refused.
            let rest: Box<dyn Read + Send + '_> =
                Box::new(Cursor::new(head).chain(input).take(limit + 1));
            let pipelined = size >= batch::PIPELINE_MIN_BYTES;
            read_text(
                rest,
                enc,
                delimiter,
                label,
                limit,
                pipelined,
                &mut counter,
                &mut sink,
            )
        }
        Container::Xlsx | Container::Xls | Container::Html => {
            let mut bytes = head;
            input
                .take(limit + 1 - bytes.len() as u64)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("无法读取文件 (cannot read): {e}"))?;
            if bytes.len() as u64 > limit {
                return Err(too_big(bytes.len() as u64));
            }
            match container {
                Container::Xlsx => xlsx(bytes, &mut counter, &mut sink),
                Container::Xls => xls(bytes, &mut counter, &mut sink),
                _ => html(&bytes, forced_encoding, &mut counter, &mut sink),
            }
        }
    }
}

/// Counts records against [`limits::MAX_ROWS_PER_FILE`].
#[derive(Default)]
struct RowCounter {
    rows: u64,
}

impl RowCounter {
    fn tick(&mut self) -> Result<(), String> {
        self.rows += 1;
        if self.rows > limits::MAX_ROWS_PER_FILE {
            return Err(format!(
                "超过每个文件 {} 行的上限，未读完；请按期间拆分 (more than {} rows in one file; split it by period)",
                limits::MAX_ROWS_PER_FILE,
                limits::MAX_ROWS_PER_FILE
            ));
        }
        Ok(())
    }
}

/// Reads delimited text; `pipelined` splits records on a second thread
/// ([`batch::run`], same records in the same order).
#[allow(clippy::too_many_arguments)]
fn read_text(
    input: Box<dyn Read + Send + '_>,
    enc: &'static Encoding,
    delimiter: u8,
    label: &str,
    limit: u64,
    pipelined: bool,
    counter: &mut RowCounter,
    sink: &mut dyn FnMut(Event<'_>) -> Flow,
) -> Result<(), String> {
    // Count the bytes read to enforce the limit on inputs whose size was unknown.
    let counted = CountingReader::new(input);
    let consumed = counted.count_handle();
    let (decoding, stream): (LineDecoding, Box<dyn Read + Send + '_>) = if enc == encoding_rs::UTF_8
    {
        (LineDecoding::Utf8, Box::new(counted))
    } else if enc == encoding_rs::GB18030 || enc == encoding_rs::GBK {
        (LineDecoding::Gb18030, Box::new(counted))
    } else {
        let decoder = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(enc))
            .strip_bom(true)
            .bom_override(true)
            .build(counted);
        (LineDecoding::Decoded, Box::new(decoder))
    };
    let mut records = TextRecords::new(stream, decoding, delimiter);
    if sink(Event::Opened {
        container: Container::Text,
        encoding: label,
    }) == Flow::Stop
    {
        return Ok(());
    }
    let mut flow = sink(Event::Sheet {
        name: None,
        col_base: 1,
    });
    let read_error = |counter: &RowCounter, e: std::io::Error| {
        format!("读取中断 (read error after {} records): {e}", counter.rows)
    };
    let joined_lines;
    if pipelined && flow == Flow::Continue {
        let (joined, error) = batch::run(records, &mut |(line, cells, unterminated, ids)| {
            counter.tick()?;
            let flow = sink(Event::Record {
                line,
                cells,
                unterminated,
                ids,
            });
            Ok(flow == Flow::Continue)
        })?;
        if let Some(e) = error {
            return Err(read_error(counter, e));
        }
        joined_lines = joined;
    } else {
        let mut cells: Vec<String> = Vec::new();
        while flow == Flow::Continue {
            let next = records
                .next_record(&mut cells)
                .map_err(|e| read_error(counter, e))?;
            let Some((line, res)) = next else {
                break;
            };
            counter.tick()?;
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            flow = sink(Event::Record {
                line,
                cells: res.map(|()| refs.as_slice()),
                unterminated: records.last_unterminated,
                ids: None,
            });
        }
        joined_lines = records.joined_lines;
    }
    if consumed.get() > limit {
        return Err(format!(
            "文件在读取中超过了 {} 上限 (the file grew past the {} limit while being read)",
            human_bytes(limit),
            human_bytes(limit)
        ));
    }
    if joined_lines > 0 {
        sink(Event::Note(format!(
            "{joined_lines} 个物理行属于引号内换行，已并入上一行 ({joined_lines} physical lines joined into the record above by quoted line breaks)"
        )));
    }
    Ok(())
}

/// A reader that counts the bytes it hands out (shared counter, readable after the
/// reader has been moved into a decoder).
struct CountingReader<R> {
    inner: R,
    count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

#[derive(Clone)]
struct Count(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl Count {
    fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl<R> CountingReader<R> {
    fn new(inner: R) -> CountingReader<R> {
        CountingReader {
            inner,
            count: std::sync::Arc::default(),
        }
    }
}

impl<R> CountingReader<R> {
    fn count_handle(&self) -> Count {
        Count(self.count.clone())
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Picks `,`, tab, `;` or `|` by how consistently each splits the first lines.
fn sniff_delimiter(head: &[u8], enc: &'static Encoding) -> u8 {
    let (text, _, _) = enc.decode(head);
    let lines: Vec<&str> = text
        .split(['\n', '\r'])
        .filter(|l| !l.trim().is_empty())
        .take(40)
        .collect();
    let mut best = (b',', 0usize);
    for delim in [b'\t', b',', b';', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| l.bytes().filter(|&b| b == delim).count())
            .collect();
        // Score: the number of lines that share the most common non-zero count, weighted by it.
        let mut score = 0;
        for &c in counts.iter().filter(|&&c| c > 0) {
            let same = counts.iter().filter(|&&x| x == c).count();
            score = score.max(same * 1000 + c);
        }
        if score > best.1 {
            best = (delim, score);
        }
    }
    best.0
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

const PASSWORD_MESSAGE: &str = "工作簿设置了打开密码，无法读取；请在 Excel 中取消密码后另存 (password-protected workbook: remove the password in Excel and save it again)";

/// True for an OLE2 file that wraps an encrypted OOXML package (a password-protected xlsx).
fn is_encrypted_package(bytes: &[u8]) -> bool {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    contains(bytes, &name)
}

/// Streams the sheets of an xlsx (or reads an .xlsb / .ods found in a zip).
fn xlsx(
    bytes: Vec<u8>,
    counter: &mut RowCounter,
    sink: &mut dyn FnMut(Event<'_>) -> Flow,
) -> Result<(), String> {
    let damaged = |e: &dyn std::fmt::Display| {
        format!(
            "无法读取 .xlsx 工作簿：文件被截断、损坏或不是 Excel 文件 (cannot read the xlsx workbook; truncated, damaged or a zip of something else): {e}"
        )
    };
    let names: Vec<String> = {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).map_err(|e| {
            format!(
                "不是可读的 .xlsx 工作簿：压缩包被截断或损坏 (truncated or damaged xlsx/zip container): {e}"
            )
        })?;
        let names: Vec<String> = archive
            .file_names_raw()
            .map(|raw| String::from_utf8_lossy(raw).into_owned())
            .collect();
        // A zip bomb in the shared strings would be loaded whole: measure it first.
        if let Some(strings) = names
            .iter()
            .find(|n| n.eq_ignore_ascii_case("xl/sharedStrings.xml"))
            .cloned()
        {
            let entry = archive.by_name(&strings).map_err(|e| damaged(&e))?;
            let mut limited = entry.take(limits::MAX_SHARED_STRINGS_BYTES + 1);
            let n = std::io::copy(&mut limited, &mut std::io::sink()).map_err(|e| damaged(&e))?;
            if n > limits::MAX_SHARED_STRINGS_BYTES {
                return Err(format!(
                    "工作簿的共享字符串解压后超过 {} 上限（可能是压缩炸弹） (the shared strings of the workbook expand beyond the {} limit: a zip bomb?)",
                    human_bytes(limits::MAX_SHARED_STRINGS_BYTES),
                    human_bytes(limits::MAX_SHARED_STRINGS_BYTES)
                ));
            }
        }
        names
    };
    let has = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    if has("xl/workbook.bin") {
        let wb = calamine::Xlsb::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
        return ranges(wb, Container::Xlsx, counter, sink);
    }
    if has("content.xml") && !has("xl/workbook.xml") {
        let wb = calamine::Ods::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
        return ranges(wb, Container::Xlsx, counter, sink);
    }
    if !has("xl/workbook.xml") {
        let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
        let kind = if has("word/document.xml") {
            "Word 文档 (a Word document)"
        } else if has("ppt/presentation.xml") {
            "PowerPoint 演示文稿 (a PowerPoint file)"
        } else {
            "普通压缩包 (a plain zip archive)"
        };
        return Err(format!(
            "这是{kind}，不是 Excel 工作簿：没有 xl/workbook.xml (a zip archive that is not an xlsx workbook; it holds {})",
            shown.join(", ")
        ));
    }
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        if matches!(e, calamine::XlsxError::Password) {
            PASSWORD_MESSAGE.to_string()
        } else {
            damaged(&e)
        }
    })?;
    if sink(Event::Opened {
        container: Container::Xlsx,
        encoding: "-",
    }) == Flow::Stop
    {
        return Ok(());
    }
    let mut cells_seen: u64 = 0;
    for name in wb.sheet_names() {
        if sink(Event::Sheet {
            name: Some(&name),
            col_base: 1,
        }) != Flow::Continue
        {
            continue;
        }
        let mut reader = wb
            .worksheet_cells_reader(&name)
            .map_err(|e| format!("无法读取工作表「{name}」 (cannot read sheet): {e}"))?;
        let mut row_cells: Vec<String> = Vec::new();
        let mut current: Option<u32> = None;
        let mut flow = Flow::Continue;
        let bad_sheet = |e: &dyn std::fmt::Display, row: Option<u32>| -> String {
            format!(
                "工作表「{name}」在第 {} 行附近损坏 (sheet is damaged near row {}): {e}",
                row.map_or(1, |r| u64::from(r) + 1),
                row.map_or(1, |r| u64::from(r) + 1)
            )
        };
        loop {
            let cell = match reader.next_cell() {
                Ok(Some(cell)) => cell,
                Ok(None) => break,
                Err(e) => return Err(bad_sheet(&e, current)),
            };
            let text = data_ref_text(cell.get_value());
            if text.is_empty() {
                continue;
            }
            let (row, col) = cell.get_position();
            if u64::from(row) >= limits::MAX_SHEET_ROWS || col as usize >= limits::MAX_COLUMNS {
                return Err(format!(
                    "工作表「{name}」有超出 Excel 范围的单元格（第 {} 行第 {} 列）(cell beyond Excel's 1,048,576 rows × 16,384 columns)",
                    u64::from(row) + 1,
                    u64::from(col) + 1
                ));
            }
            cells_seen += 1;
            if cells_seen > limits::MAX_WORKBOOK_CELLS {
                return Err(format!(
                    "工作簿超过 {} 个非空单元格的上限 (more than {} non-empty cells in one workbook)",
                    limits::MAX_WORKBOOK_CELLS,
                    limits::MAX_WORKBOOK_CELLS
                ));
            }
            if current != Some(row) {
                if let Some(prev) = current {
                    flow = emit_row(prev, &row_cells, counter, sink)?;
                    // Rows with nothing in them between two rows are blank records, as
                    // Excel shows them.
                    let mut gap = prev + 1;
                    while flow == Flow::Continue && gap < row {
                        flow = emit_row(gap, &[], counter, sink)?;
                        gap += 1;
                    }
                    if flow != Flow::Continue {
                        break;
                    }
                }
                current = Some(row);
                row_cells.clear();
            }
            let col = col as usize;
            if row_cells.len() <= col {
                row_cells.resize(col + 1, String::new());
            }
            row_cells[col] = text;
        }
        if flow == Flow::Continue
            && let Some(prev) = current
        {
            flow = emit_row(prev, &row_cells, counter, sink)?;
        }
        if flow == Flow::Stop {
            return Ok(());
        }
    }
    Ok(())
}

fn emit_row(
    row: u32,
    cells: &[String],
    counter: &mut RowCounter,
    sink: &mut dyn FnMut(Event<'_>) -> Flow,
) -> Result<Flow, String> {
    counter.tick()?;
    let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
    Ok(sink(Event::Record {
        line: u64::from(row) + 1,
        cells: Ok(&refs),
        unterminated: false,
        ids: None,
    }))
}

/// A real BIFF8 .xls (an OLE2 file), or a password-protected xlsx, which is OLE2 too.
fn xls(
    bytes: Vec<u8>,
    counter: &mut RowCounter,
    sink: &mut dyn FnMut(Event<'_>) -> Flow,
) -> Result<(), String> {
    if is_encrypted_package(&bytes) {
        return Err(PASSWORD_MESSAGE.to_string());
    }
    let wb = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| {
        if matches!(e, calamine::XlsError::Password) {
            PASSWORD_MESSAGE.to_string()
        } else {
            format!(
                "无法读取 .xls 工作簿 (cannot read the OLE2 workbook; it may be password-protected, damaged or not Excel): {e}"
            )
        }
    })?;
    ranges(wb, Container::Xls, counter, sink)
}

/// Reads workbooks that calamine only gives as whole ranges (.xls, .xlsb, .ods).
fn ranges<RS, W>(
    mut wb: W,
    container: Container,
    counter: &mut RowCounter,
    sink: &mut dyn FnMut(Event<'_>) -> Flow,
) -> Result<(), String>
where
    RS: std::io::Read + std::io::Seek,
    W: Reader<RS>,
    W::Error: std::fmt::Display,
{
    if sink(Event::Opened {
        container,
        encoding: "-",
    }) == Flow::Stop
    {
        return Ok(());
    }
    let names = wb.sheet_names().to_vec();
    let mut cells_seen: u64 = 0;
    for name in names {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| format!("无法读取工作表「{name}」 (cannot read sheet): {e}"))?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let (height, width) = range.get_size();
        if height as u64 > limits::MAX_SHEET_ROWS || width > limits::MAX_COLUMNS {
            return Err(format!(
                "工作表「{name}」有 {height} 行 × {width} 列，超出 Excel 的范围 (sheet larger than 1,048,576 rows × 16,384 columns)"
            ));
        }
        let col_base = col0 as usize + 1;
        if sink(Event::Sheet {
            name: Some(&name),
            col_base,
        }) != Flow::Continue
        {
            continue;
        }
        let mut cells: Vec<String> = Vec::new();
        let mut flow = Flow::Continue;
        for (idx, row) in range.rows().enumerate() {
            cells.clear();
            for cell in row {
                let text = cell_text(cell);
                if !text.is_empty() {
                    cells_seen += 1;
                }
                cells.push(text);
            }
            if cells_seen > limits::MAX_WORKBOOK_CELLS {
                return Err(format!(
                    "工作簿超过 {} 个非空单元格的上限 (more than {} non-empty cells in one workbook)",
                    limits::MAX_WORKBOOK_CELLS,
                    limits::MAX_WORKBOOK_CELLS
                ));
            }
            counter.tick()?;
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            flow = sink(Event::Record {
                line: u64::from(row0) + idx as u64 + 1,
                cells: Ok(&refs),
                unterminated: false,
                ids: None,
            });
            if flow != Flow::Continue {
                break;
            }
        }
        if flow == Flow::Stop {
            return Ok(());
        }
    }
    Ok(())
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn date_text(serial: f64) -> String {
    match super::value::date_from_excel_serial(serial) {
        Ok(date) => date.format("%Y-%m-%d").to_string(),
        Err(_) => serial.to_string(),
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => date_text(dt.as_f64()),
        Data::Error(e) => format!("#ERROR {e:?}"),
    }
}

fn data_ref_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) => date_text(dt.as_f64()),
        DataRef::Error(e) => format!("#ERROR {e:?}"),
    }
}

fn html(
    bytes: &[u8],
    forced_encoding: Option<&'static Encoding>,
    counter: &mut RowCounter,
    sink: &mut dyn FnMut(Event<'_>) -> Flow,
) -> Result<(), String> {
    let enc = forced_encoding
        .or_else(|| html_charset(bytes))
        .unwrap_or_else(|| sniff::encoding(bytes, true));
    let (text, _, _) = enc.decode(bytes);
    let rows = html_rows(&text)?;
    if sink(Event::Opened {
        container: Container::Html,
        encoding: sniff::encoding_label(enc),
    }) == Flow::Stop
    {
        return Ok(());
    }
    if sink(Event::Sheet {
        name: None,
        col_base: 1,
    }) != Flow::Continue
    {
        return Ok(());
    }
    for (line, cells) in rows {
        counter.tick()?;
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        if sink(Event::Record {
            line,
            cells: Ok(&refs),
            unterminated: false,
            ids: None,
        }) != Flow::Continue
        {
            break;
        }
    }
    Ok(())
}

/// Finds `charset=…` in an HTML head.
fn html_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head: String = bytes
        .iter()
        .take(4096)
        .map(|&b| (b as char).to_ascii_lowercase())
        .collect();
    let pos = head.find("charset=")?;
    let rest = head[pos + 8..].trim_start_matches(['"', '\'']);
    let label: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    sniff::encoding_from_label(&label).ok()
}

/// Extracts the rows of every `<tr>` in an HTML document.
fn html_rows(text: &str) -> Result<Vec<(u64, Vec<String>)>, String> {
    let dom = tl::parse(text, tl::ParserOptions::default())
        .map_err(|e| format!("无法解析 HTML 表格 (cannot parse HTML): {e}"))?;
    let parser = dom.parser();
    let mut rows = Vec::new();
    let Some(trs) = dom.query_selector("tr") else {
        return Ok(rows);
    };
    let mut last_offset = 0usize;
    let mut last_line = 1u64;
    for handle in trs {
        let Some(tr) = handle.get(parser).and_then(tl::Node::as_tag) else {
            continue;
        };
        let (start, _) = tr.boundaries(parser);
        if start >= last_offset {
            last_line += text.as_bytes()[last_offset..start.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            last_offset = start.min(text.len());
        }
        let mut cells = Vec::new();
        for child in tr.children().top().iter() {
            let Some(cell) = child.get(parser).and_then(tl::Node::as_tag) else {
                continue;
            };
            let name = cell.name().as_utf8_str().to_ascii_lowercase();
            if name != "td" && name != "th" {
                continue;
            }
            if cells.len() >= limits::MAX_COLUMNS {
                break;
            }
            let text = decode_entities(&cell.inner_text(parser));
            cells.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
            let span = cell
                .attributes()
                .get("colspan")
                .flatten()
                .and_then(|v| v.as_utf8_str().trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 1000)
                .min(limits::MAX_COLUMNS - cells.len() + 1);
            cells.extend(std::iter::repeat_n(String::new(), span - 1));
        }
        rows.push((last_line, cells));
    }
    Ok(rows)
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let window = rest
            .char_indices()
            .take_while(|(i, _)| *i < 12)
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
        let end = rest[..window].find(';');
        let decoded = end.and_then(|end| {
            let entity = &rest[1..end];
            let ch = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" | "#160" => Some(' '),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            ch.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n", encoding_rs::UTF_8), b',');
        assert_eq!(
            sniff_delimiter(b"a\tb\tc\n1\t2,5\t3\n", encoding_rs::UTF_8),
            b'\t'
        );
        assert_eq!(
            sniff_delimiter(b"a\tb\tc\r1\t2,5\t3\r", encoding_rs::UTF_8),
            b'\t'
        );
    }

    #[test]
    fn html_table() {
        let rows = html_rows(
            "<table>\n<tr><td>a &amp; b</td><td colspan=2>c</td></tr>\n<tr><th>1</th></tr></table>",
        )
        .unwrap();
        assert_eq!(
            rows[0],
            (2, vec!["a & b".to_string(), "c".to_string(), String::new()])
        );
        assert_eq!(rows[1].0, 3);
    }

    #[test]
    fn entities_near_multibyte_text() {
        assert_eq!(decode_entities("&慰问慰问慰问慰问"), "&慰问慰问慰问慰问");
        assert_eq!(decode_entities("a&#x4E2D;b"), "a中b");
    }

    #[test]
    fn events_for_a_text_file() {
        let mut seen = Vec::new();
        read(Source::Bytes(b"a,b\r\r1,2"), None, None, &mut |event| {
            seen.push(format!("{event:?}"));
            Flow::Continue
        })
        .unwrap();
        // Opened, Sheet, line 1, line 3 (the empty line 2 holds no record).
        assert_eq!(seen.len(), 4, "{seen:?}");
        assert!(seen[3].contains("line: 3"), "{seen:?}");
    }

    /// Every event of `bytes` read as text, on one thread or two; `stop_after` records.
    fn text_events(
        bytes: &[u8],
        enc: &'static Encoding,
        pipelined: bool,
        stop_after: usize,
    ) -> Vec<String> {
        let mut seen = Vec::new();
        let mut counter = RowCounter::default();
        let res = read_text(
            Box::new(bytes),
            enc,
            b',',
            "test",
            u64::MAX,
            pipelined,
            &mut counter,
            &mut |event| {
                // Cell numbers are the two-thread reader's own; the records must match.
                seen.push(match &event {
                    Event::Record {
                        line,
                        cells,
                        unterminated,
                        ..
                    } => format!("Record {line} {cells:?} {unterminated}"),
                    other => format!("{other:?}"),
                });
                if seen.len() >= stop_after {
                    Flow::Stop
                } else {
                    Flow::Continue
                }
            },
        );
        seen.push(format!("{res:?}"));
        seen
    }

    #[test]
    fn the_second_thread_changes_nothing() {
        // Several batches of records with every kind of trouble the line reader knows:
        // quoted line breaks, doubled quotes, an unbalanced quote, CR-only and CRLF
        // endings, blank lines, a BOM, a NUL, invalid UTF-8 and no final line break.
        let mut text: Vec<u8> = b"\xEF\xBB\xBF\xE6\x97\xA5\xE6\x9C\x9F,a,b\n".to_vec();
        for i in 0..5000 {
            match i % 9 {
                0 => text.extend_from_slice(
                    format!("2024-01-{:02},\"multi\nline {i}\",x\n", i % 28 + 1).as_bytes(),
                ),
                1 => text.extend_from_slice(b"2024-02-01,\"say \"\"hi\"\"\",y\r\n"),
                2 => text.extend_from_slice(b"\r\n\n"),
                3 => text.extend_from_slice(b"bad,\xFF\xFE,z\n"),
                4 => text.extend_from_slice(b"nul,\0,z\r"),
                5 if i == 2000 => text.extend_from_slice(b"open,\"never closed,q\n"),
                _ => text.extend_from_slice(format!("2024-03-01,{i},摘\n").as_bytes()),
            }
        }
        text.extend_from_slice(b"last,row,no-break");
        let one = text_events(&text, encoding_rs::UTF_8, false, usize::MAX);
        assert!(one.len() > 4000, "{}", one.len());
        // Compared event by event, so a failure shows the first difference only.
        let same = |a: Vec<String>, b: Vec<String>| {
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x, y);
            }
            assert_eq!(a.len(), b.len());
        };
        same(
            one,
            text_events(&text, encoding_rs::UTF_8, true, usize::MAX),
        );
        // A sink that stops early stops both at the same record, with the same note.
        same(
            text_events(&text, encoding_rs::UTF_8, false, 3000),
            text_events(&text, encoding_rs::UTF_8, true, 3000),
        );
        let lossy = String::from_utf8_lossy(&text);
        let (gbk, _, _) = encoding_rs::GBK.encode(&lossy);
        assert!(gbk.len() > 50_000, "{}", gbk.len());
        same(
            text_events(&gbk, encoding_rs::GBK, false, usize::MAX),
            text_events(&gbk, encoding_rs::GBK, true, usize::MAX),
        );
    }
}
