//! Stated limits on what the reader accepts, so that a hostile or broken input is refused
//! with a clear message instead of exhausting memory or time.
//!
//! Each limit names what it protects. README.md ("Limits") lists them for users; the
//! messages that enforce them quote the limit. Text files are streamed, so their size
//! limit only bounds the rows kept in memory (~100 bytes per accepted row); workbooks and
//! HTML tables are held in memory whole, so their limit is lower.

/// Largest text file (CSV, TSV, fake-xls text) read: 4 GiB. Text is streamed; this bounds
/// the rows kept in memory together with [`MAX_ROWS_PER_FILE`].
pub const MAX_TEXT_BYTES: u64 = 4 << 30;

/// Largest .xlsx / .xls file read: 256 MiB. The zip (or OLE2 file) is held in memory and
/// the worksheets are streamed from it; a 1,048,576-row sheet is well under this.
pub const MAX_WORKBOOK_BYTES: u64 = 256 << 20;

/// Largest HTML table ("fake .xls") read: 256 MiB. HTML is parsed into a DOM in memory
/// (about 3× the file size).
pub const MAX_HTML_BYTES: u64 = 256 << 20;

/// Largest decompressed shared-strings part of an xlsx: 256 MiB (all of it is loaded before
/// the first row; a zip bomb stops here).
pub const MAX_SHARED_STRINGS_BYTES: u64 = 256 << 20;

/// Longest physical line (or quoted record) of a text file: 1 MiB. A longer line becomes
/// a rejected row; its bytes are skipped, never stored.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Most physical lines one quoted cell may span before the quote is taken as unbalanced.
pub const MAX_QUOTED_LINES: usize = 50;

/// Most cells in one record: 16,384, Excel's column limit (XFD).
pub const MAX_COLUMNS: usize = 16_384;

/// Most rows of one worksheet: 1,048,576, Excel's row limit.
pub const MAX_SHEET_ROWS: u64 = 1_048_576;

/// Most non-empty cells read from one workbook: 100 million (a 1,048,576-row sheet with
/// 95 filled columns). Bounds the time a workbook can take.
pub const MAX_WORKBOOK_CELLS: u64 = 100_000_000;

/// Most records (rows of any kind) read from one file: 20 million. Bounds memory for
/// files of short lines.
pub const MAX_ROWS_PER_FILE: u64 = 20_000_000;

/// Largest rule file (TOML) and keyword file: 1 MiB. Rule files are written by hand; the
/// shipped ones are under 10 KiB.
pub const MAX_RULE_FILE_BYTES: u64 = 1 << 20;

/// Longest `where` condition: 8 KiB of SQL.
pub const MAX_WHERE_BYTES: usize = 8 << 10;

/// Deepest nesting of a compiled `where` condition (parentheses, NOT, functions,
/// arithmetic); chains of AND / OR are flat and do not count.
pub const MAX_CONDITION_DEPTH: usize = 64;

/// Most keywords of all rules together: 100,000.
pub const MAX_KEYWORDS: usize = 100_000;

/// Largest reference table (units, budget) or mapping file: 64 MiB.
pub const MAX_REFERENCE_BYTES: u64 = 64 << 20;

/// Most data lines of a reference table: 1,000,000.
pub const MAX_REFERENCE_LINES: usize = 1_000_000;

/// `12.5 MiB` / `300 KiB` for messages.
pub fn human_bytes(bytes: u64) -> String {
    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    if bytes >= GIB {
        format!("{:.1} GiB", bytes as f64 / GIB as f64)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        format!("{:.1} KiB", bytes as f64 / KIB as f64)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(MAX_LINE_BYTES as u64), "1.0 MiB");
        assert_eq!(human_bytes(MAX_TEXT_BYTES), "4.0 GiB");
    }
}
