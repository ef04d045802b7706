//! Turns a file of any container into sheets of records (rows of text cells), each with
//! the line number a user would look up: the 1-based physical line for text, the row
//! number Excel shows for workbooks, the line of the `<tr>` tag for HTML tables.
//!
//! Text files are streamed (constant memory, any size); workbooks and HTML tables are
//! small enough in practice to be materialised. Only this file knows calamine, csv and tl.

use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader};
use encoding_rs::Encoding;

use super::sniff::{self, Container};

/// One data problem in one record, turned into a rejected row by the caller.
#[derive(Debug)]
pub struct CellError {
    pub column: Option<usize>,
    pub reason: String,
}

/// The records of one sheet (text files and HTML have exactly one).
pub struct Sheet {
    pub name: Option<String>,
    /// Added to a 0-based cell index to give the 1-based column a user sees.
    pub col_base: usize,
    records: Records,
}

enum Records {
    Text(TextRecords),
    Table(std::vec::IntoIter<(u64, Vec<String>)>),
}

struct TextRecords {
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::ByteRecord,
    /// Input is UTF-8 passed through undecoded: fields must be validated.
    validate_utf8: bool,
}

/// A file opened for reading: how it was understood and its sheets.
pub struct Opened {
    pub container: Container,
    pub encoding: String,
    pub sheets: Vec<Sheet>,
}

impl Sheet {
    /// Reads the next record into `cells` (reusing its strings) and returns its line.
    /// `Some(Err)` is a record that could not be decoded; reading may go on after it.
    pub fn next_record(&mut self, cells: &mut Vec<String>) -> Option<(u64, Result<(), CellError>)> {
        match &mut self.records {
            Records::Table(iter) => {
                let (line, row) = iter.next()?;
                *cells = row;
                Some((line, Ok(())))
            }
            Records::Text(text) => text.next_record(cells),
        }
    }
}

impl TextRecords {
    fn next_record(&mut self, cells: &mut Vec<String>) -> Option<(u64, Result<(), CellError>)> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Err(err) => {
                let line = err.position().map_or(0, csv::Position::line);
                Some((
                    line,
                    Err(CellError {
                        column: None,
                        reason: format!("无法读取该行 (unreadable record): {err}"),
                    }),
                ))
            }
            Ok(true) => {
                let line = self.record.position().map_or(0, csv::Position::line);
                cells.truncate(self.record.len());
                while cells.len() < self.record.len() {
                    cells.push(String::new());
                }
                for (idx, field) in self.record.iter().enumerate() {
                    let text = match std::str::from_utf8(field) {
                        Ok(text) => text,
                        Err(_) => {
                            return Some((
                                line,
                                Err(CellError {
                                    column: Some(idx + 1),
                                    reason: "无效的 UTF-8 字节，文件可能混用了编码 (invalid UTF-8: mixed encodings?)"
                                        .to_string(),
                                }),
                            ));
                        }
                    };
                    if !self.validate_utf8 && text.contains('\u{FFFD}') {
                        return Some((
                            line,
                            Err(CellError {
                                column: Some(idx + 1),
                                reason:
                                    "无法按所选编码解码 (bytes invalid in the detected encoding)"
                                        .to_string(),
                            }),
                        ));
                    }
                    let cell = &mut cells[idx];
                    cell.clear();
                    cell.push_str(text);
                }
                Some((line, Ok(())))
            }
        }
    }
}

/// Bytes looked at for sniffing.
const HEAD_LEN: usize = 64 * 1024;

/// Opens `path`, sniffing its container and (for text) its encoding and delimiter.
pub fn open(path: &Path, forced_encoding: Option<&'static Encoding>) -> Result<Opened, String> {
    let mut file = File::open(path).map_err(|e| format!("无法打开文件 (cannot open): {e}"))?;
    let mut head = Vec::with_capacity(HEAD_LEN);
    (&mut file)
        .take(HEAD_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| format!("无法读取文件 (cannot read): {e}"))?;
    let is_complete = head.len() < HEAD_LEN;
    let container = sniff::container(&head)?;
    match container {
        Container::Text => {
            let enc = forced_encoding.unwrap_or_else(|| sniff::encoding(&head, is_complete));
            let delimiter = sniff_delimiter(&head, enc);
            let rest = BufReader::with_capacity(1 << 20, Cursor::new(head).chain(file));
            Ok(Opened {
                container,
                encoding: sniff::encoding_label(enc).to_string(),
                sheets: vec![text_sheet(Box::new(rest), enc, delimiter)],
            })
        }
        Container::Xlsx | Container::Xls => {
            let mut bytes = head;
            file.read_to_end(&mut bytes)
                .map_err(|e| format!("无法读取文件 (cannot read): {e}"))?;
            Ok(Opened {
                container,
                encoding: "-".to_string(),
                sheets: workbook_sheets(bytes, container)?,
            })
        }
        Container::Html => {
            let mut bytes = head;
            file.read_to_end(&mut bytes)
                .map_err(|e| format!("无法读取文件 (cannot read): {e}"))?;
            let enc = forced_encoding
                .or_else(|| html_charset(&bytes))
                .unwrap_or_else(|| sniff::encoding(&bytes, true));
            let (text, _, _) = enc.decode(&bytes);
            Ok(Opened {
                container,
                encoding: sniff::encoding_label(enc).to_string(),
                sheets: vec![Sheet {
                    name: None,
                    col_base: 1,
                    records: Records::Table(html_rows(&text)?.into_iter()),
                }],
            })
        }
    }
}

fn text_sheet(input: Box<dyn Read + Send>, enc: &'static Encoding, delimiter: u8) -> Sheet {
    let passthrough = enc == encoding_rs::UTF_8;
    let decoded: Box<dyn Read + Send> = Box::new(
        encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(enc))
            .utf8_passthru(passthrough)
            .strip_bom(true)
            .bom_override(true)
            .build(input),
    );
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(1 << 20)
        .from_reader(decoded);
    Sheet {
        name: None,
        col_base: 1,
        records: Records::Text(TextRecords {
            reader,
            record: csv::ByteRecord::new(),
            validate_utf8: passthrough,
        }),
    }
}

/// Picks `,`, tab or `;` by how consistently each splits the first lines.
fn sniff_delimiter(head: &[u8], enc: &'static Encoding) -> u8 {
    let (text, _, _) = enc.decode(head);
    let lines: Vec<&str> = text
        .lines()
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

fn workbook_sheets(bytes: Vec<u8>, container: Container) -> Result<Vec<Sheet>, String> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        if container == Container::Xls {
            format!(
                "无法读取 .xls 工作簿 (cannot read the OLE2 workbook; it may be password-protected, damaged or not Excel): {e}"
            )
        } else {
            format!("无法读取 .xlsx 工作簿 (cannot read the xlsx workbook; truncated, damaged or a zip of something else): {e}")
        }
    })?;
    let names = workbook.sheet_names().to_vec();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| format!("无法读取工作表 `{name}` (cannot read sheet): {e}"))?;
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let rows: Vec<(u64, Vec<String>)> = range
            .rows()
            .enumerate()
            .map(|(idx, row)| {
                (
                    u64::from(row0) + idx as u64 + 1,
                    row.iter().map(cell_text).collect(),
                )
            })
            .collect();
        sheets.push(Sheet {
            name: Some(name),
            col_base: col0 as usize + 1,
            records: Records::Table(rows.into_iter()),
        });
    }
    Ok(sheets)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                format!("{f}")
            }
        }
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => match super::value::date_from_excel_serial(dt.as_f64()) {
            Ok(date) => date.format("%Y-%m-%d").to_string(),
            Err(_) => dt.as_f64().to_string(),
        },
        Data::Error(e) => format!("#ERROR {e:?}"),
    }
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
            let text = decode_entities(&cell.inner_text(parser));
            cells.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
            let span = cell
                .attributes()
                .get("colspan")
                .flatten()
                .and_then(|v| v.as_utf8_str().trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, 1000);
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
        let end = rest[..rest.len().min(12)].find(';');
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
}
