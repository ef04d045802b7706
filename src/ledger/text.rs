//! Delimited text (CSV, TSV, fake-xls text) as records, line by line, in bounded memory.
//!
//! The reader works on *physical lines* first and fields second, so that:
//! - every record carries the physical line a user finds in an editor (`\n`, `\r\n` and a
//!   lone `\r` all end a line, so old Mac exports are numbered right);
//! - blank lines are records too (counted as skipped, never silently dropped);
//! - a line longer than [`limits::MAX_LINE_BYTES`] is a rejected record whose bytes are
//!   skipped, not a huge allocation;
//! - a quote that never closes (`"购物卡,…` to the end of the file) rejects its own line
//!   and the lines after it are read on their own, instead of vanishing into one cell;
//! - each line is decoded on its own, so a GBK line in a UTF-8 file (or the reverse) is a
//!   rejected record with its line, not a garbled file.
//!
//! Quoting follows RFC 4180 as the `csv` crate reads it: a quote opens only at the start
//! of a field, `""` inside quotes is one quote, text after a closing quote is kept.

use std::collections::VecDeque;
use std::io::{self, Read};

use super::grid::CellError;
use super::limits;

/// How the bytes of a line become text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineDecoding {
    /// UTF-8, validated per line.
    Utf8,
    /// GBK / GB18030, decoded per line (CR and LF never occur inside a GBK character).
    Gb18030,
    /// Already decoded to UTF-8 by a streaming decoder (UTF-16 and other encodings).
    Decoded,
}

/// One physical line, without its terminator.
struct RawLine {
    number: u64,
    bytes: Vec<u8>,
    /// Total length when the line was longer than the limit (its bytes are not kept).
    overlong: Option<u64>,
    /// The input ended without a line break after this line.
    unterminated: bool,
}

/// Physical lines of a byte stream.
struct Lines<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    eof: bool,
    /// The previous line ended with `\r`: a `\n` right after it belongs to it.
    skip_lf: bool,
    next_number: u64,
    /// A line buffer handed back after use, so most lines need no allocation.
    spare: Vec<u8>,
}

impl<R: Read> Lines<R> {
    fn new(inner: R, buffer: usize) -> Self {
        Lines {
            inner,
            buf: vec![0u8; buffer.max(1)].into_boxed_slice(),
            pos: 0,
            len: 0,
            eof: false,
            skip_lf: false,
            next_number: 1,
            spare: Vec::new(),
        }
    }

    /// Makes bytes available; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos < self.len {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        loop {
            match self.inner.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.pos = 0;
                    self.len = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Where the next line lies in the buffer, `start..end` (its terminator at `end`),
    /// when it ends there and is not overlong: nearly every line of a large file, read
    /// from the buffer without a copy. `None` otherwise (at the end of the input too);
    /// then [`Self::next_line`] reads it. The line is still unread until
    /// [`Self::consume_buffered`].
    fn buffered_line(&mut self) -> io::Result<Option<std::ops::Range<usize>>> {
        loop {
            if !self.fill()? {
                return Ok(None);
            }
            if !self.skipped_split_lf() {
                break;
            }
        }
        let chunk = &self.buf[self.pos..self.len];
        Ok(memchr::memchr2(b'\n', b'\r', chunk)
            .filter(|&end| end <= limits::MAX_LINE_BYTES)
            .map(|end| self.pos..self.pos + end))
    }

    /// Passes over the `\n` of a `\r\n` whose `\r` ended the last line; true when it
    /// did (the buffer may then need filling again). Call with bytes available.
    fn skipped_split_lf(&mut self) -> bool {
        let skip = std::mem::take(&mut self.skip_lf) && self.buf[self.pos] == b'\n';
        if skip {
            self.pos += 1;
        }
        skip
    }

    /// Reads the line [`Self::buffered_line`] found (ending at `end`); returns its number.
    fn consume_buffered(&mut self, end: usize) -> u64 {
        self.skip_lf = self.buf[end] == b'\r';
        self.pos = end + 1;
        let number = self.next_number;
        self.next_number += 1;
        number
    }

    fn next_line(&mut self) -> io::Result<Option<RawLine>> {
        let mut bytes = std::mem::take(&mut self.spare);
        bytes.clear();
        let mut total: u64 = 0;
        let mut overlong = false;
        let mut started = false;
        let mut unterminated = false;
        loop {
            if !self.fill()? {
                if started {
                    unterminated = true;
                    break;
                }
                return Ok(None);
            }
            if self.skipped_split_lf() {
                continue;
            }
            started = true;
            let chunk = &self.buf[self.pos..self.len];
            let end = memchr::memchr2(b'\n', b'\r', chunk);
            let piece = &chunk[..end.unwrap_or(chunk.len())];
            total += piece.len() as u64;
            if !overlong {
                if bytes.len() + piece.len() > limits::MAX_LINE_BYTES {
                    overlong = true;
                    bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(piece);
                }
            }
            match end {
                Some(i) => {
                    self.skip_lf = chunk[i] == b'\r';
                    self.pos += i + 1;
                    break;
                }
                None => self.pos = self.len,
            }
        }
        let number = self.next_number;
        self.next_number += 1;
        Ok(Some(RawLine {
            number,
            bytes,
            overlong: overlong.then_some(total),
            unterminated,
        }))
    }
}

/// Why a decoded line is suspect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Issue {
    None,
    /// Bytes invalid in the file's encoding (shown as U+FFFD).
    Invalid,
    /// A UTF-8 line in a GBK file.
    Utf8InGbk,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes one line to UTF-8 text.
fn decode(raw: &[u8], decoding: LineDecoding) -> (std::borrow::Cow<'_, str>, Issue) {
    use std::borrow::Cow;
    // A BOM at the start of any line: files concatenated from several exports.
    let raw = if raw.first() == Some(&UTF8_BOM[0]) {
        raw.strip_prefix(UTF8_BOM).unwrap_or(raw)
    } else {
        raw
    };
    let (text, issue) = match decoding {
        LineDecoding::Utf8 | LineDecoding::Decoded => match simdutf8::basic::from_utf8(raw) {
            Ok(text) if decoding == LineDecoding::Decoded && text.contains('\u{FFFD}') => {
                (Cow::Borrowed(text), Issue::Invalid)
            }
            Ok(text) => (Cow::Borrowed(text), Issue::None),
            Err(_) => (String::from_utf8_lossy(raw), Issue::Invalid),
        },
        LineDecoding::Gb18030 => {
            // Most GBK lines are invalid UTF-8 within their first Chinese character, and
            // `std` stops there; `simdutf8::basic` reads the whole line before it says so.
            if let Ok(text) = std::str::from_utf8(raw) {
                if text.is_ascii() {
                    (Cow::Borrowed(text), Issue::None)
                } else {
                    let cjk = text
                        .chars()
                        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
                        .take(2)
                        .count();
                    // Valid UTF-8 with Chinese in it is almost never GBK by chance.
                    match encoding_rs::GB18030
                        .decode_without_bom_handling_and_without_replacement(raw)
                    {
                        Some(decoded) if cjk < 2 => (decoded, Issue::None),
                        _ => (Cow::Borrowed(text), Issue::Utf8InGbk),
                    }
                }
            } else {
                match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(raw)
                {
                    Some(decoded) => (decoded, Issue::None),
                    None => (
                        encoding_rs::GB18030.decode_without_bom_handling(raw).0,
                        Issue::Invalid,
                    ),
                }
            }
        }
    };
    // U+FEFF starts with byte 0xEF; most lines do not, and skip the comparison.
    if !text.as_bytes().starts_with(&[0xEF]) {
        return (text, issue);
    }
    match text {
        Cow::Borrowed(t) => (
            Cow::Borrowed(t.strip_prefix('\u{FEFF}').unwrap_or(t)),
            issue,
        ),
        Cow::Owned(t) => match t.strip_prefix('\u{FEFF}') {
            Some(rest) => (Cow::Owned(rest.to_string()), issue),
            None => (Cow::Owned(t), issue),
        },
    }
}

/// Field splitting state, carried across the lines of one quoted record.
#[derive(Default)]
struct Splitter {
    /// The record's text: fields back to back, or the line as read when `gapped`.
    rec: String,
    /// End offset of each completed field in `rec`.
    ends: Vec<usize>,
    in_quotes: bool,
    /// Something (text or a quote) has been read for the current field.
    field_began: bool,
    /// 1-based field where the still-open quote started.
    quote_field: usize,
    /// Delimiters met inside quotes on the current continuation line.
    quoted_delims: usize,
    /// `rec` is the line as read, delimiters included: field `i` ends at `ends[i]` and
    /// the next starts one byte later. Set for a line without quotes (nearly every line),
    /// which is then copied once instead of field by field.
    gapped: bool,
    /// The record is one line without NUL bytes or 0xEF (the first byte of a BOM), found
    /// by [`Self::cut_unquoted`]; false when not known.
    plain: bool,
    /// No cell of the line has anything to trim ([`Cut::trimmed`]); found by
    /// [`Self::cut_unquoted`], false when not known.
    trimmed: bool,
}

impl Splitter {
    fn reset(&mut self) {
        self.rec.clear();
        self.ends.clear();
        self.in_quotes = false;
        self.field_began = false;
        self.quote_field = 0;
        self.quoted_delims = 0;
        self.gapped = false;
        self.plain = false;
        self.trimmed = false;
    }

    /// Splits one decoded line; returns true when the record is complete (no open quote).
    /// The delimiter and quotes are ASCII, so every cut falls between characters and the
    /// text is copied in runs, never re-validated.
    fn feed(&mut self, line: &str, delimiter: u8, continuation: bool) -> bool {
        let bytes = line.as_bytes();
        self.quoted_delims = 0;
        if !self.in_quotes {
            // Fast path: no quoting on this line, which is then the whole record (a record
            // continues only inside quotes). Delimiters and quotes are found in one pass;
            // a quote sends the line to the slow path below. Delimiters are ASCII, so every
            // cut falls between characters.
            debug_assert!(self.rec.is_empty() && self.ends.is_empty() && !continuation);
            if self.cut_unquoted(bytes, delimiter) {
                self.rec.push_str(line);
                self.ends.push(bytes.len());
                self.gapped = true;
                self.field_began = false;
                return true;
            }
            self.ends.clear();
        }
        // `run`: start of the text read but not yet copied to `rec`.
        let mut run = 0;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if self.in_quotes {
                if b == b'"' {
                    self.rec.push_str(&line[run..i]);
                    if bytes.get(i + 1) == Some(&b'"') {
                        self.rec.push('"');
                        i += 2;
                        run = i;
                        continue;
                    }
                    self.in_quotes = false;
                    run = i + 1;
                } else if b == delimiter && continuation {
                    self.quoted_delims += 1;
                }
            } else if b == delimiter {
                self.rec.push_str(&line[run..i]);
                self.ends.push(self.rec.len());
                self.field_began = false;
                run = i + 1;
            } else if b == b'"' && !self.field_began {
                self.rec.push_str(&line[run..i]);
                self.in_quotes = true;
                self.field_began = true;
                self.quote_field = self.ends.len() + 1;
                run = i + 1;
            } else {
                self.field_began = true;
            }
            i += 1;
        }
        self.rec.push_str(&line[run..]);
        if self.in_quotes {
            self.rec.push('\n');
            false
        } else {
            self.ends.push(self.rec.len());
            self.field_began = false;
            true
        }
    }

    /// The fast path of [`Self::feed`]: [`cut_unquoted`] into the splitter.
    fn cut_unquoted(&mut self, bytes: &[u8], delimiter: u8) -> bool {
        match cut_unquoted(bytes, delimiter, &mut self.ends, 0) {
            Some(cut) => {
                (self.plain, self.trimmed) = (cut.plain, cut.trimmed);
                true
            }
            None => false,
        }
    }

    fn fields(&self) -> impl Iterator<Item = &str> {
        let gap = usize::from(self.gapped);
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let field = self.rec.get(start..end).unwrap_or("");
            start = end + gap;
            field
        })
    }
}

/// What [`cut_unquoted`] found in a line besides its delimiters.
struct Cut {
    /// No NUL byte and no 0xEF (the first byte of a BOM).
    plain: bool,
    /// No byte of a whitespace character, so no cell has anything to trim: none of
    /// 0x08–0x0F (tab, VT, FF; CR and LF end a line) and space, and none of the lead
    /// bytes 0xC2 and 0xE0–0xE3 of the other characters `str::trim` removes (U+0085,
    /// U+00A0, U+1680, U+2000–U+205F, U+3000). 0x08, 0x0E, 0x0F and 0xE0 are no
    /// whitespace: a line with one is only trimmed as usual.
    trimmed: bool,
}

/// Pushes `offset` + the offset of every delimiter of `bytes` to `ends`, or returns
/// `None` on a line with a quote (`ends` may then have some of them, for the caller to
/// drop). Sixteen bytes are compared at a time (SSE2 through `wide`, no `unsafe` here):
/// a line has a dozen delimiters, and a search call per delimiter (`memchr2_iter`) made
/// this a tenth of the reader's time.
fn cut_unquoted(bytes: &[u8], delimiter: u8, ends: &mut Vec<usize>, offset: usize) -> Option<Cut> {
    use wide::u8x16;
    let (quote, delim) = (u8x16::from(b'"'), u8x16::from(delimiter));
    let (nul, bom) = (u8x16::from(0), u8x16::from(0xEF));
    let (space, c2) = (u8x16::from(b' '), u8x16::from(0xC2));
    let (high5, high6) = (u8x16::from(0xF8), u8x16::from(0xFC));
    let (controls, e0) = (u8x16::from(0x08), u8x16::from(0xE0));
    let mut blocks = bytes.chunks_exact(16);
    let mut base = offset;
    let mut special = 0;
    let mut spaced = 0;
    let mut cut = |block: [u8; 16], valid: u32, base: usize| {
        let block = u8x16::from(block);
        if block.simd_eq(quote).to_bitmask() & valid != 0 {
            return false;
        }
        special |= (block.simd_eq(nul) | block.simd_eq(bom)).to_bitmask() & valid;
        let blank = block.simd_eq(space)
            | block.simd_eq(c2)
            | (block & high5).simd_eq(controls)
            | (block & high6).simd_eq(e0);
        spaced |= blank.to_bitmask() & valid;
        let mut delims = block.simd_eq(delim).to_bitmask() & valid;
        while delims != 0 {
            ends.push(base + delims.trailing_zeros() as usize);
            delims &= delims - 1;
        }
        true
    };
    for block in &mut blocks {
        if !cut(block.try_into().expect("16 bytes"), u32::MAX, base) {
            return None;
        }
        base += 16;
    }
    let rest = blocks.remainder();
    let mut last = [0u8; 16];
    last[..rest.len()].copy_from_slice(rest);
    if !cut(last, (1 << rest.len()) - 1, base) {
        return None;
    }
    Some(Cut {
        plain: special == 0,
        trimmed: spaced == 0,
    })
}

/// What [`TextRecords::next_record_into`] appended: the number of cells and whether they
/// are one delimiter byte apart (else back to back), or why the record was rejected.
pub type AppendedCells = Result<(usize, bool), CellError>;

/// Records of a delimited text stream.
pub struct TextRecords<'a> {
    lines: Lines<Box<dyn Read + Send + 'a>>,
    decoding: LineDecoding,
    delimiter: u8,
    /// Lines read ahead while looking for a closing quote, to be read again on their own.
    pending: VecDeque<RawLine>,
    splitter: Splitter,
    /// Physical lines joined into the record before them by quoted line breaks.
    pub joined_lines: u64,
    /// Records whose quote never closed.
    pub unbalanced: u64,
    /// The last record returned ended the input without a line break.
    pub last_unterminated: bool,
    /// No cell of the last record [`Self::next_record_into`] returned has whitespace to
    /// trim (false when not known): the reader then takes its cells as they are.
    pub last_trimmed: bool,
    /// Cells of a record that needs cleaning, for [`Self::next_record_into`].
    scratch: Vec<String>,
}

impl<'a> TextRecords<'a> {
    pub fn new(input: Box<dyn Read + Send + 'a>, decoding: LineDecoding, delimiter: u8) -> Self {
        Self::with_buffer(input, decoding, delimiter, 256 << 10)
    }

    /// [`Self::new`] reading `buffer` bytes at a time (tests make it tiny, so lines
    /// cross the buffer's end).
    fn with_buffer(
        input: Box<dyn Read + Send + 'a>,
        decoding: LineDecoding,
        delimiter: u8,
        buffer: usize,
    ) -> Self {
        // Fields are cut at the delimiter inside UTF-8 text: it must be one ASCII byte.
        debug_assert!(delimiter.is_ascii());
        TextRecords {
            lines: Lines::new(input, buffer),
            decoding,
            delimiter,
            pending: VecDeque::new(),
            splitter: Splitter::default(),
            joined_lines: 0,
            unbalanced: 0,
            last_unterminated: false,
            last_trimmed: false,
            scratch: Vec::new(),
        }
    }

    fn take_line(&mut self) -> io::Result<Option<RawLine>> {
        match self.pending.pop_front() {
            Some(line) => Ok(Some(line)),
            None => self.lines.next_line(),
        }
    }

    /// Reads the next record into `cells`; returns its first physical line. `Err` is a
    /// record that is rejected as a whole or in one cell; reading goes on after it.
    /// An I/O error ends the file.
    pub fn next_record(
        &mut self,
        cells: &mut Vec<String>,
    ) -> io::Result<Option<(u64, Result<(), CellError>)>> {
        Ok(self
            .load_record()?
            .map(|(number, res)| (number, res.and_then(|issue| self.fill_cells(cells, issue)))))
    }

    /// [`Self::next_record`], with the cells appended to `text` (back to back, or the line
    /// as read when the record is `gapped`, see [`AppendedCells`]) and their end
    /// offsets to `ends` (nothing is appended for a rejected record): the two-thread
    /// reader's batches, without a copy per cell.
    pub fn next_record_into(
        &mut self,
        text: &mut String,
        ends: &mut Vec<usize>,
    ) -> io::Result<Option<(u64, AppendedCells)>> {
        if self.pending.is_empty()
            && let Some(record) = self.buffered_record_into(text, ends)?
        {
            return Ok(Some(record));
        }
        self.last_trimmed = false;
        let Some((number, res)) = self.load_record()? else {
            return Ok(None);
        };
        let issue = match res {
            Ok(issue) => issue,
            Err(e) => return Ok(Some((number, Err(e)))),
        };
        let rec = &self.splitter.rec;
        let count = self.splitter.ends.len();
        // A BOM inside the record starts with byte 0xEF, which Chinese text rarely has
        // (full-width punctuation does): look for that byte before the character.
        let bytes = rec.as_bytes();
        let clean = issue == Issue::None
            && count <= limits::MAX_COLUMNS
            && (self.splitter.plain
                || !memchr::memchr2_iter(0, 0xEF, bytes)
                    .any(|at| bytes[at] == 0 || bytes[at..].starts_with(UTF8_BOM)));
        if clean {
            // What `fill_cells` would copy cell by cell, in one go.
            let base = text.len();
            text.push_str(rec);
            ends.extend(self.splitter.ends.iter().map(|end| base + end));
            return Ok(Some((number, Ok((count, self.splitter.gapped)))));
        }
        let mut cells = std::mem::take(&mut self.scratch);
        let res = self.fill_cells(&mut cells, issue).map(|()| {
            for cell in &cells {
                text.push_str(cell);
                ends.push(text.len());
            }
            (cells.len(), false)
        });
        self.scratch = cells;
        Ok(Some((number, res)))
    }

    /// The common case of [`Self::next_record_into`], read straight from the line
    /// reader's buffer: a line that ends in the buffer, decodes cleanly and has no quote,
    /// NUL or BOM is appended to `text` as it is, without the two copies the general path
    /// makes (into a line of its own, then into the splitter). Lines that hold no record
    /// (blank, or DOS end-of-file marks) are passed over as `load_record` passes them.
    /// `None` leaves the next line unread, for the general path; the records and line
    /// numbers are the same either way.
    fn buffered_record_into(
        &mut self,
        text: &mut String,
        ends: &mut Vec<usize>,
    ) -> io::Result<Option<(u64, AppendedCells)>> {
        loop {
            let Some(range) = self.lines.buffered_line()? else {
                return Ok(None);
            };
            let end = range.end;
            let line = &self.lines.buf[range];
            if line.iter().all(|&b| b == 0x1A) {
                self.lines.consume_buffered(end);
                continue;
            }
            let (decoded, issue) = decode(line, self.decoding);
            if issue != Issue::None {
                return Ok(None);
            }
            let bytes = decoded.as_bytes();
            // The cells' ends go straight to `ends`, taken back if the line is not clean.
            let (base, first_end) = (text.len(), ends.len());
            let clean = cut_unquoted(bytes, self.delimiter, ends, base).filter(|cut| {
                ends.len() - first_end < limits::MAX_COLUMNS
                    && (cut.plain
                        || !memchr::memchr2_iter(0, 0xEF, bytes)
                            .any(|at| bytes[at] == 0 || bytes[at..].starts_with(UTF8_BOM)))
            });
            let Some(cut) = clean else {
                ends.truncate(first_end);
                return Ok(None);
            };
            text.push_str(&decoded);
            ends.push(text.len());
            let number = self.lines.consume_buffered(end);
            self.last_unterminated = false;
            self.last_trimmed = cut.trimmed;
            return Ok(Some((number, Ok((ends.len() - first_end, true)))));
        }
    }

    /// Reads the next record into the splitter; returns its first line and how it decoded.
    fn load_record(&mut self) -> io::Result<Option<(u64, Result<Issue, CellError>)>> {
        // An empty line holds no record (as in the csv crate); its number is still counted.
        let first = loop {
            match self.take_line()? {
                None => return Ok(None),
                // `\x1A` is the DOS end-of-file mark old exports end with.
                Some(line) if line.overlong.is_none() && line.bytes.iter().all(|&b| b == 0x1A) => {}
                Some(line) => break line,
            }
        };
        let number = first.number;
        self.last_unterminated = first.unterminated;
        if let Some(total) = first.overlong {
            return Ok(Some((number, Err(overlong_error(total)))));
        }
        self.splitter.reset();
        let (text, mut issue) = decode(&first.bytes, self.decoding);
        if !self.splitter.feed(&text, self.delimiter, false) {
            let mut consumed: Vec<RawLine> = Vec::new();
            let complete = loop {
                if consumed.len() + 1 >= limits::MAX_QUOTED_LINES
                    || self.splitter.rec.len() > limits::MAX_LINE_BYTES
                {
                    break false;
                }
                let Some(next) = self.take_line()? else {
                    break false;
                };
                if next.overlong.is_some() {
                    consumed.push(next);
                    break false;
                }
                let (text, next_issue) = decode(&next.bytes, self.decoding);
                if issue == Issue::None {
                    issue = next_issue;
                }
                let done = self.splitter.feed(&text, self.delimiter, true);
                let suspicious = self.splitter.quoted_delims >= 2;
                self.last_unterminated = next.unterminated;
                consumed.push(next);
                if suspicious {
                    break false;
                }
                if done {
                    break true;
                }
            };
            if !complete {
                self.last_unterminated = false;
                let column = self.splitter.quote_field;
                for line in consumed.into_iter().rev() {
                    self.pending.push_front(line);
                }
                self.unbalanced += 1;
                return Ok(Some((
                    number,
                    Err(CellError {
                        column: Some(column.max(1)),
                        reason: format!(
                            "引号不配对：此处的引号在文件末尾或 {} 行内没有闭合（或吞进了整行数据），该行已拒收，后面各行照常读取 (unbalanced quote: the quoted cell never closes; this line is rejected and the following lines are read on their own)",
                            limits::MAX_QUOTED_LINES
                        ),
                    }),
                )));
            }
            self.joined_lines += consumed.len() as u64;
        }
        if first.bytes.capacity() <= 4096 {
            self.lines.spare = first.bytes;
        }
        Ok(Some((number, Ok(issue))))
    }

    fn fill_cells(&self, cells: &mut Vec<String>, issue: Issue) -> Result<(), CellError> {
        let n = self.splitter.ends.len();
        if n > limits::MAX_COLUMNS {
            cells.clear();
            return Err(CellError {
                column: None,
                reason: format!(
                    "该行有 {n} 列，超过 {} 列上限 (more than {} columns)",
                    limits::MAX_COLUMNS,
                    limits::MAX_COLUMNS
                ),
            });
        }
        cells.truncate(n);
        while cells.len() < n {
            cells.push(String::new());
        }
        let mut first_bad: Option<usize> = None;
        let mut first_nul: Option<usize> = None;
        // Rare characters, looked for once per record rather than once per cell.
        let has_bom = self.splitter.rec.contains('\u{FEFF}');
        let has_nul = memchr::memchr(0, self.splitter.rec.as_bytes()).is_some();
        for (idx, text) in self.splitter.fields().enumerate() {
            let cell = &mut cells[idx];
            cell.clear();
            if has_bom && text.contains('\u{FEFF}') {
                cell.extend(text.chars().filter(|&c| c != '\u{FEFF}'));
            } else {
                cell.push_str(text);
            }
            let bad = match issue {
                Issue::None => false,
                Issue::Invalid => cell.contains('\u{FFFD}'),
                Issue::Utf8InGbk => !cell.is_ascii(),
            };
            if bad && first_bad.is_none() {
                first_bad = Some(idx);
            }
            if has_nul && first_nul.is_none() && cell.contains('\0') {
                first_nul = Some(idx);
            }
        }
        match issue {
            Issue::Invalid => {
                return Err(CellError {
                    column: first_bad.map(|i| i + 1),
                    reason: if self.decoding == LineDecoding::Utf8 {
                        "无效的 UTF-8 字节，文件可能混用了编码 (invalid UTF-8: mixed encodings?)"
                            .to_string()
                    } else {
                        "无法按所选编码解码 (bytes invalid in the detected encoding)".to_string()
                    },
                });
            }
            Issue::Utf8InGbk => {
                return Err(CellError {
                    column: first_bad.map(|i| i + 1),
                    reason: "该行是 UTF-8 编码，而文件是 GBK，文件混用了编码 (a UTF-8 line in a GBK file: mixed encodings)".to_string(),
                });
            }
            Issue::None => {}
        }
        if let Some(idx) = first_nul {
            return Err(CellError {
                column: Some(idx + 1),
                reason: "单元格含 NUL 字节（二进制内容，或无 BOM 的 UTF-16？） (NUL byte in a cell: binary data or UTF-16 without BOM?)".to_string(),
            });
        }
        Ok(())
    }
}

fn overlong_error(total: u64) -> CellError {
    CellError {
        column: None,
        reason: format!(
            "该行长 {}，超过单行 {} 上限，已拒收 (line of {} exceeds the {} limit)",
            limits::human_bytes(total),
            limits::human_bytes(limits::MAX_LINE_BYTES as u64),
            limits::human_bytes(total),
            limits::human_bytes(limits::MAX_LINE_BYTES as u64)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(bytes: &[u8], decoding: LineDecoding) -> Vec<(u64, Result<Vec<String>, String>)> {
        let mut reader =
            TextRecords::new(Box::new(io::Cursor::new(bytes.to_vec())), decoding, b',');
        let mut out = Vec::new();
        let mut cells = Vec::new();
        while let Some((line, res)) = reader.next_record(&mut cells).unwrap() {
            out.push((line, res.map(|()| cells.clone()).map_err(|e| e.reason)));
        }
        out
    }

    fn ok(cells: &[&str]) -> Result<Vec<String>, String> {
        Ok(cells.iter().map(|s| (*s).to_string()).collect())
    }

    proptest::proptest! {
        /// Cutting a line at its delimiters finds what a byte-by-byte loop finds, and
        /// whether the line has NUL or 0xEF bytes; it gives up on a line with a quote.
        #[test]
        fn cutting_a_line_finds_every_delimiter(
            line in proptest::collection::vec(
                proptest::sample::select(vec![
                    b',', b'\t', b'"', b'a', 0x80, 0xE5, 0xEF, 0,
                    b' ', 0x07, 0x08, 0x0B, 0x0D, 0x0F, 0x10, 0xC1, 0xC2, 0xC3, 0xDF, 0xE0,
                    0xE1, 0xE3, 0xE4,
                ]),
                0..70,
            ),
            tab in proptest::bool::ANY,
        ) {
            let delimiter = if tab { b'\t' } else { b',' };
            let mut splitter = Splitter::default();
            let unquoted = splitter.cut_unquoted(&line, delimiter);
            proptest::prop_assert_eq!(unquoted, !line.contains(&b'"'));
            if unquoted {
                let expected: Vec<usize> =
                    (0..line.len()).filter(|&i| line[i] == delimiter).collect();
                proptest::prop_assert_eq!(splitter.ends, expected);
                let plain = !line.iter().any(|&b| b == 0 || b == 0xEF);
                proptest::prop_assert_eq!(splitter.plain, plain);
                let trimmed = !line
                    .iter()
                    .any(|&b| matches!(b, 0x08..=0x0F | b' ' | 0xC2 | 0xE0..=0xE3));
                proptest::prop_assert_eq!(splitter.trimmed, trimmed);
            }
        }

        /// A line found `trimmed` has no cell that trimming would change, whichever
        /// whitespace characters (ASCII or not) the other lines hold.
        #[test]
        fn a_trimmed_line_has_nothing_to_trim(
            line in proptest::collection::vec(
                proptest::sample::select(vec![
                    'a', '1', ',', '中', '、', '，', '（', '￥', '\u{80}', '\u{FF}', ' ', '\t',
                    '\u{0B}', '\u{85}', '\u{A0}', '\u{1680}', '\u{2003}', '\u{2028}',
                    '\u{202F}', '\u{205F}', '\u{3000}', '\u{2010}', '\u{1F600}',
                ]),
                0..30,
            ),
        ) {
            let line: String = line.into_iter().collect();
            let mut splitter = Splitter::default();
            proptest::prop_assert!(splitter.cut_unquoted(line.as_bytes(), b','));
            if splitter.trimmed {
                for cell in line.split(',') {
                    proptest::prop_assert_eq!(cell.trim(), cell);
                    proptest::prop_assert_eq!(crate::ledger::value::trim(cell), cell);
                }
            }
        }
    }

    /// A record as a test compares it: line, cells or reason, unterminated.
    type ReadRecord = (u64, Result<Vec<String>, String>, bool);

    /// Records as the batch reader takes them ([`TextRecords::next_record_into`]), read
    /// through a buffer of `buffer` bytes: line, cells or reason, unterminated; then the
    /// lines joined and the unbalanced quotes.
    fn appended_records(
        bytes: &[u8],
        decoding: LineDecoding,
        buffer: usize,
    ) -> (Vec<ReadRecord>, u64, u64) {
        let input = Box::new(io::Cursor::new(bytes.to_vec()));
        let mut reader = TextRecords::with_buffer(input, decoding, b',', buffer);
        let (mut out, mut text, mut ends) = (Vec::new(), String::new(), Vec::new());
        loop {
            text.clear();
            ends.clear();
            let Some((line, res)) = reader.next_record_into(&mut text, &mut ends).unwrap() else {
                break;
            };
            if res.is_err() {
                assert!(
                    text.is_empty() && ends.is_empty(),
                    "a rejected record appends nothing"
                );
            }
            let cells = res.map_err(|e| e.reason).map(|(count, gapped)| {
                assert_eq!(ends.len(), count);
                let mut start = 0;
                (ends.iter())
                    .map(|&end| {
                        let cell = text[start..end].to_string();
                        start = end + usize::from(gapped);
                        cell
                    })
                    .collect()
            });
            out.push((line, cells, reader.last_unterminated));
        }
        (out, reader.joined_lines, reader.unbalanced)
    }

    proptest::proptest! {
        /// The batch reader's records, most of them read straight from the line buffer,
        /// are those of the general path, whatever the lines and wherever the buffer ends.
        #[test]
        fn records_read_from_the_buffer_are_the_general_paths(
            bytes in proptest::collection::vec(
                // Mostly text and delimiters, so that lines run over a few 16-byte blocks.
                proptest::sample::select(vec![
                    b',', b',', b',', b'"', b'\r', b'\n', b'\n', 0x1A, 0, b'a', b'a', b'a',
                    b'a', b'a', b'a', b'1', b'1', b' ', 0xEF, 0xBB, 0xBF, 0xE6, 0x97, 0xA5,
                    0xFF, 0xB0, 0xA1,
                ]),
                0..300,
            ),
            buffer in 1usize..24,
            gbk in proptest::bool::ANY,
        ) {
            let decoding = if gbk { LineDecoding::Gb18030 } else { LineDecoding::Utf8 };
            let input = Box::new(io::Cursor::new(bytes.clone()));
            let mut reader = TextRecords::new(input, decoding, b',');
            let mut general = Vec::new();
            let mut cells = Vec::new();
            while let Some((line, res)) = reader.next_record(&mut cells).unwrap() {
                let res = res.map(|()| cells.clone()).map_err(|e| e.reason);
                general.push((line, res, reader.last_unterminated));
            }
            let want = (general, reader.joined_lines, reader.unbalanced);
            proptest::prop_assert_eq!(appended_records(&bytes, decoding, buffer), want.clone());
            proptest::prop_assert_eq!(appended_records(&bytes, decoding, 256 << 10), want);
        }
    }

    /// GBK lines the buffer path takes, and those it leaves to the general path (a UTF-8
    /// line, bytes that are no GB18030, a quote, a NUL), read as the general path reads
    /// them; UTF-8 BOM bytes before a line are dropped on either path.
    #[test]
    fn gbk_lines_read_from_the_buffer_are_the_general_paths() {
        let gbk = |text: &str| encoding_rs::GBK.encode(text).0.into_owned();
        let mut bytes = gbk("日期,摘要,金额\n2025-01-01,慰问品,1\n");
        bytes.extend_from_slice(UTF8_BOM);
        // BOM bytes then `A`: decoded with them, 0xEF 0xBB and 0xBF `A` would be two
        // (valid) GB18030 characters; the BOM must go first.
        bytes.extend(gbk("A慰问品,2025-01-02,2\n"));
        bytes.extend("2025-01-03,慰问品,3\n".as_bytes());
        bytes.extend(gbk("2025-01-04,慰问"));
        bytes.extend(b"\xFF\xFF,4\n");
        bytes.extend(gbk(
            "2025-01-05,\"慰问,品\",5\n2025-01-06,慰\0问,6\nascii,only,7\n",
        ));
        for buffer in [1, 7, 256 << 10] {
            let (appended, joined, unbalanced) =
                appended_records(&bytes, LineDecoding::Gb18030, buffer);
            let general: Vec<_> = records(&bytes, LineDecoding::Gb18030)
                .into_iter()
                .map(|(line, cells)| (line, cells, false))
                .collect();
            assert_eq!(
                (appended, joined, unbalanced),
                (general, 0, 0),
                "buffer {buffer}"
            );
        }
        let read = records(&bytes, LineDecoding::Gb18030);
        assert_eq!(read[2].1, ok(&["A慰问品", "2025-01-02", "2"]));
        assert!(read[3].1.as_ref().unwrap_err().contains("mixed encodings"));
        assert!(read[4].1.is_err());
        assert_eq!(read[5].1, ok(&["2025-01-05", "慰问,品", "5"]));
    }

    /// A record of the most cells allowed is read, one more is rejected, on either path.
    #[test]
    fn the_column_limit_holds_on_both_paths() {
        for cells in [limits::MAX_COLUMNS, limits::MAX_COLUMNS + 1] {
            let mut line = vec![b'a'; cells * 2];
            for comma in line.iter_mut().skip(1).step_by(2) {
                *comma = b',';
            }
            *line.last_mut().unwrap() = b'\n';
            let general = records(&line, LineDecoding::Utf8);
            let (appended, _, _) = appended_records(&line, LineDecoding::Utf8, 256 << 10);
            assert_eq!(appended.len(), 1);
            assert_eq!(
                (appended[0].0, &appended[0].1),
                (general[0].0, &general[0].1)
            );
            match &general[0].1 {
                Ok(read) => assert_eq!(read.len(), cells),
                Err(reason) => {
                    assert!(
                        cells > limits::MAX_COLUMNS && reason.contains("columns"),
                        "{reason}"
                    );
                }
            }
        }
    }

    #[test]
    fn line_endings_and_empty_lines() {
        // An empty line is no record, but it still counts for the line numbers.
        for text in [
            "a,b\n\nc,d\n",
            "a,b\r\rc,d\r",
            "a,b\r\n\r\nc,d\r\n",
            "a,b\n\r\nc,d",
        ] {
            let got = records(text.as_bytes(), LineDecoding::Utf8);
            assert_eq!(
                got,
                vec![(1, ok(&["a", "b"])), (3, ok(&["c", "d"]))],
                "{text:?}"
            );
        }
    }

    #[test]
    fn quotes() {
        let got = records(
            b"\"a,b\",\"say \"\"hi\"\"\"\n\"multi\nline\",x\ny,z\n",
            LineDecoding::Utf8,
        );
        assert_eq!(
            got,
            vec![
                (1, ok(&["a,b", "say \"hi\""])),
                (2, ok(&["multi\nline", "x"])),
                (4, ok(&["y", "z"]))
            ]
        );
    }

    #[test]
    fn unbalanced_quote_rejects_one_line() {
        let got = records(b"a,\"b,c\nd,e,f\ng,h,i\n", LineDecoding::Utf8);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, 1);
        assert!(got[0].1.as_ref().unwrap_err().contains("unbalanced quote"));
        assert_eq!(got[1], (2, ok(&["d", "e", "f"])));
        assert_eq!(got[2], (3, ok(&["g", "h", "i"])));
    }

    #[test]
    fn mixed_encodings() {
        let mut bytes = "日期,摘要\n".as_bytes().to_vec();
        bytes.extend_from_slice(&encoding_rs::GBK.encode("2025-01-01,慰问品\n").0);
        let got = records(&bytes, LineDecoding::Utf8);
        assert_eq!(got[0].1, ok(&["日期", "摘要"]));
        assert!(got[1].1.as_ref().unwrap_err().contains("invalid UTF-8"));
        let mut bytes = encoding_rs::GBK.encode("日期,摘要\n").0.into_owned();
        bytes.extend_from_slice("2025-01-01,慰问品\n".as_bytes());
        let got = records(&bytes, LineDecoding::Gb18030);
        assert_eq!(got[0].1, ok(&["日期", "摘要"]));
        assert!(got[1].1.as_ref().unwrap_err().contains("mixed encodings"));
    }

    #[test]
    fn boms_nuls_and_long_lines() {
        let got = records(
            b"\xEF\xBB\xBFa,b\n\xEF\xBB\xBFc,d\ne\0,f\n",
            LineDecoding::Utf8,
        );
        assert_eq!(got[0].1, ok(&["a", "b"]));
        assert_eq!(got[1].1, ok(&["c", "d"]));
        assert!(got[2].1.as_ref().unwrap_err().contains("NUL"));
        let mut long = vec![b'x'; limits::MAX_LINE_BYTES + 10];
        long.extend_from_slice(b"\na,b\n");
        let got = records(&long, LineDecoding::Utf8);
        assert!(got[0].1.as_ref().unwrap_err().contains("exceeds"));
        assert_eq!(got[1], (2, ok(&["a", "b"])));
    }
}
