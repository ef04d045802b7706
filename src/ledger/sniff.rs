//! Container and encoding detection from file content, never from the file name.
//!
//! 用友 and 金蝶 users routinely hand over "xls" files that are really HTML tables or
//! tab-separated text, and CSV files saved by Chinese Excel are GBK. This module looks at
//! the first bytes of a file and decides which reader to use and how to decode text.

use encoding_rs::Encoding;

/// How a file is packaged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    /// Delimited text: CSV, TSV, TXT (including "fake .xls" text).
    Text,
    /// Office Open XML workbook (a zip).
    Xlsx,
    /// OLE2 compound file: real BIFF8 .xls (or an encrypted xlsx, which is OLE2 too).
    Xls,
    /// An HTML table, usually saved with an .xls name.
    Html,
}

impl Container {
    pub fn label(self) -> &'static str {
        match self {
            Container::Text => "text",
            Container::Xlsx => "xlsx",
            Container::Xls => "xls",
            Container::Html => "html",
        }
    }
}

const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Decides the container from the first bytes (`head` should be up to 64 KiB).
pub fn container(head: &[u8]) -> Result<Container, String> {
    if head.is_empty() {
        return Err("文件为空 (file is empty)".to_string());
    }
    if head.starts_with(OLE2_MAGIC) {
        return Ok(Container::Xls);
    }
    if head.starts_with(ZIP_MAGIC) {
        return Ok(Container::Xlsx);
    }
    if head.starts_with(b"PK") {
        return Err("不是可读的 Excel 文件：压缩包结构损坏 (damaged zip container)".to_string());
    }
    let text_start = strip_bom(head);
    let lowered: Vec<u8> = text_start
        .iter()
        .take(4096)
        .map(u8::to_ascii_lowercase)
        .collect();
    let trimmed = lowered.trim_ascii_start();
    if trimmed.starts_with(b"<") {
        if contains(&lowered, b"urn:schemas-microsoft-com:office:spreadsheet")
            || contains(&lowered, b"<workbook")
        {
            return Err(
                "Excel 2003 XML 电子表格暂不支持，请在 Excel 中另存为 .xlsx (SpreadsheetML 2003 is not supported; re-save as .xlsx)"
                    .to_string(),
            );
        }
        let whole: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
        if contains(&whole, b"<table") || contains(&whole, b"<html") || contains(&whole, b"<tr") {
            return Ok(Container::Html);
        }
    }
    if looks_binary(head) {
        if looks_utf16_without_bom(head) {
            return Err("像是没有 BOM 的 UTF-16 文本，请加 --encoding utf-16le (looks like UTF-16 text without a BOM: use --encoding utf-16le)".to_string());
        }
        return Err("二进制内容，不是账簿文件 (binary content, not a ledger)".to_string());
    }
    Ok(Container::Text)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .or_else(|| bytes.strip_prefix(b"\xFF\xFE"))
        .or_else(|| bytes.strip_prefix(b"\xFE\xFF"))
        .unwrap_or(bytes)
}

/// True when the bytes are clearly not text: many control bytes that no encoding of
/// Chinese text produces. A UTF-16 file (BOM) is text.
fn looks_binary(head: &[u8]) -> bool {
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return false;
    }
    let sample = &head[..head.len().min(8192)];
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A))
        .count();
    control * 10 > sample.len()
}

/// True when every other byte of the sample is NUL: ASCII-heavy UTF-16LE without a BOM.
fn looks_utf16_without_bom(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(4096) & !1];
    let odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    sample.len() >= 8 && odd_nuls * 4 >= sample.len() && even_nuls * 20 < sample.len()
}

/// Picks the text encoding: a BOM wins; else UTF-8 if the sample is valid UTF-8 (so
/// UTF-8 files are never garbled), or if most of its non-ASCII lines are (a UTF-8 file
/// with a few GBK lines: those lines are then rejected one by one); else GB18030, the
/// superset decoder for GBK.
pub fn encoding(head: &[u8], _is_complete: bool) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(head) {
        return enc;
    }
    match std::str::from_utf8(head) {
        Ok(_) => return encoding_rs::UTF_8,
        // A multi-byte character cut at the end of the sample (or of a truncated file) is
        // still UTF-8.
        Err(e) if e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => {
            return encoding_rs::UTF_8;
        }
        Err(_) => {}
    }
    let (mut utf8, mut other) = (0usize, 0usize);
    let mut lines = head.split(|&b| b == b'\n' || b == b'\r').peekable();
    while let Some(line) = lines.next() {
        if line.is_ascii() {
            continue;
        }
        match std::str::from_utf8(line) {
            Ok(_) => utf8 += 1,
            // The last line of the sample may be cut inside a character.
            Err(e) if lines.peek().is_none() && e.error_len().is_none() => utf8 += 1,
            Err(_) => other += 1,
        }
    }
    if utf8 > other {
        encoding_rs::UTF_8
    } else {
        encoding_rs::GB18030
    }
}

/// The name shown to users for an encoding: GB18030 is reported as `GBK` because that is
/// what the exports call themselves; the decoder is the same (WHATWG).
pub fn encoding_label(enc: &'static Encoding) -> &'static str {
    if enc == encoding_rs::GB18030 || enc == encoding_rs::GBK {
        "GBK"
    } else {
        enc.name()
    }
}

/// Parses a user-given `--encoding` value.
pub fn encoding_from_label(label: &str) -> Result<&'static Encoding, String> {
    let enc = Encoding::for_label(label.trim().as_bytes())
        .ok_or_else(|| format!("unknown encoding `{label}` (try utf-8, gbk, gb18030, utf-16le)"))?;
    // Decode GBK with the GB18030 decoder: it is a superset and identical on GBK bytes.
    Ok(if enc == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        enc
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers() {
        assert_eq!(container(b"a,b\n1,2\n"), Ok(Container::Text));
        assert_eq!(container(b"PK\x03\x04rest"), Ok(Container::Xlsx));
        assert_eq!(container(OLE2_MAGIC), Ok(Container::Xls));
        assert_eq!(
            container(b"<html><table><tr><td>1</td></tr></table>"),
            Ok(Container::Html)
        );
        assert_eq!(container(b"\xEF\xBB\xBF<table>"), Ok(Container::Html));
        assert!(container(b"").is_err());
        assert!(container(&[0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0]).is_err());
    }

    #[test]
    fn encodings() {
        assert_eq!(encoding("日期".as_bytes(), true), encoding_rs::UTF_8);
        let (gbk, _, _) = encoding_rs::GBK.encode("日期,摘要");
        assert_eq!(encoding(&gbk, true), encoding_rs::GB18030);
        let cut = &"日期".as_bytes()[..4];
        assert_eq!(encoding(cut, false), encoding_rs::UTF_8);
        assert_eq!(encoding(b"\xEF\xBB\xBFabc", true), encoding_rs::UTF_8);
        assert_eq!(encoding_from_label("gbk").unwrap(), encoding_rs::GB18030);
        // A truncated UTF-8 file, and a UTF-8 file with one GBK line, are UTF-8.
        assert_eq!(encoding(cut, true), encoding_rs::UTF_8);
        let mut mixed = "日期,摘要\n2025-01-01,慰问\n2025-01-02,会员\n"
            .as_bytes()
            .to_vec();
        mixed.extend_from_slice(&gbk);
        assert_eq!(encoding(&mixed, true), encoding_rs::UTF_8);
        let mut mostly_gbk = gbk.to_vec();
        mostly_gbk.extend_from_slice(b"\n");
        mostly_gbk.extend_from_slice(&gbk);
        mostly_gbk.extend_from_slice("\n日期".as_bytes());
        assert_eq!(encoding(&mostly_gbk, true), encoding_rs::GB18030);
    }
}
