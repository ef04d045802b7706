//! Parsing of cell values as they appear in Chinese ledger exports: amounts with 千分位
//! commas, currency signs, full-width digits and 红字 negatives; dates in every common
//! spelling including Excel serial numbers; voucher numbers such as `记-0001`.
//!
//! Every parser returns `Err(reason)` with a short Chinese-and-English reason that ends up
//! in the rejected-rows list; none of them panics on any input.

use chrono::{Datelike, NaiveDate};

/// Largest amount accepted, in yuan. Anything larger is a parse accident, not money.
const MAX_YUAN: i64 = 1_000_000_000_000;

/// `str::trim`, with a byte test first: most cells start and end with a character that
/// cannot be whitespace, and decoding a character at each end of every cell was 5% of
/// reading a large file. Unicode whitespace is ASCII or starts with byte 0xC2, 0xE1, 0xE2
/// or 0xE3, and the few non-ASCII whitespace characters are matched by their bytes at the
/// end; a text that starts and ends clean is returned as is.
#[inline]
pub fn trim(text: &str) -> &str {
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return text;
    };
    let clean_start = if first < 0x80 {
        !first.is_ascii_whitespace() && first != 0x0b
    } else {
        !matches!(first, 0xC2 | 0xE1 | 0xE2 | 0xE3)
    };
    // The non-ASCII whitespace characters: U+0085 and U+00A0 (C2 85, C2 A0), U+1680 (E1 9A
    // 80), U+2000..U+200A, U+2028, U+2029, U+202F, U+205F (E2 80 xx, E2 81 9F) and U+3000
    // (E3 80 80). Anything else ending the text is not whitespace. Their last bytes, less
    // 0x80, are the bits of `LAST`: a text ending in any other byte (three in four Chinese
    // characters) needs no look at the bytes before.
    const LAST: u64 = 0x7FF | 1 << 0x1F | 1 << 0x20 | 1 << 0x28 | 1 << 0x29 | 1 << 0x2F;
    let clean_end = if last < 0x80 {
        !last.is_ascii_whitespace() && last != 0x0b
    } else if LAST >> (last & 0x3F) & 1 == 0 {
        true
    } else {
        let n = bytes.len();
        let two = n >= 2 && bytes[n - 2] == 0xC2 && matches!(last, 0x85 | 0xA0);
        let three = n >= 3
            && matches!(
                (bytes[n - 3], bytes[n - 2], last),
                (0xE1, 0x9A, 0x80)
                    | (0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)
                    | (0xE2, 0x81, 0x9F)
                    | (0xE3, 0x80, 0x80)
            );
        !(two || three)
    };
    if clean_start && clean_end {
        text
    } else {
        text.trim()
    }
}

/// Maps full-width ASCII (U+FF01..U+FF5E) and the ideographic space to plain ASCII.
/// Whether `text` has a full-width ASCII form (U+FF01–U+FF5E, UTF-8 `EF BC 81` to
/// `EF BD 9E`) or the ideographic space (U+3000, `E3 80 80`), found by their lead bytes:
/// Chinese text needs no decoding into characters for this.
fn has_full_width(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(0xEF, 0xE3, bytes).any(|at| {
        matches!(
            bytes[at..],
            [0xEF, 0xBC, 0x81..=0xBF, ..] | [0xEF, 0xBD, 0x80..=0x9E, ..] | [0xE3, 0x80, 0x80, ..]
        )
    })
}

pub fn to_half_width(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    if !has_full_width(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                _ => c,
            })
            .collect(),
    )
}

/// Parses an amount into fen. Blank means zero.
///
/// Accepts `1,234.56`, `¥1234.5`, `￥ 1 234`, full-width digits, `-12.00` and `(12.00)`
/// (红字), and more than two decimals when they round to fen. Rejects anything else.
pub fn parse_amount(raw: &str) -> Result<i64, String> {
    // A blank cell (the other side of a split 借方/贷方 pair, half of all amount cells)
    // is 0 without the normalising copy below.
    if raw.is_empty() {
        return Ok(0);
    }
    if let Some(fen) = plain_amount(raw.as_bytes()) {
        return Ok(fen);
    }
    let text = to_half_width(raw.trim());
    let mut text: &str = text.trim();
    if text.is_empty() || text == "-" {
        return Ok(0);
    }
    let mut negative = false;
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        negative = true;
        text = inner.trim();
    }
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '¥' | '￥' | ' ' | '、' | '\u{a0}' | '元' => {}
            _ => cleaned.push(c),
        }
    }
    let mut digits = cleaned.as_str();
    if let Some(rest) = digits.strip_prefix('-') {
        negative = !negative;
        digits = rest;
    } else if let Some(rest) = digits.strip_prefix('+') {
        digits = rest;
    }
    if digits.is_empty() {
        return Err(format!("金额无法识别 (amount not a number): `{raw}`"));
    }
    let (grouped_int, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    // 千分位: commas only in the integer part, between groups of three digits.
    let ungrouped;
    let int_part = if grouped_int.contains(',') {
        let groups: Vec<&str> = grouped_int.split(',').collect();
        let well_formed =
            (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3);
        if !well_formed {
            return Err(format!(
                "千分位格式错误 (misplaced thousands separator): `{raw}`"
            ));
        }
        ungrouped = groups.concat();
        ungrouped.as_str()
    } else {
        grouped_int
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part)
        || !all_digits(frac_part)
        || (int_part.is_empty() && frac_part.is_empty())
    {
        return Err(format!("金额无法识别 (amount not a number): `{raw}`"));
    }
    let int_trimmed = int_part.trim_start_matches('0');
    if int_trimmed.len() > 13 {
        return Err(format!("金额超出范围 (amount out of range): `{raw}`"));
    }
    let yuan: i64 = if int_trimmed.is_empty() {
        0
    } else {
        int_trimmed
            .parse()
            .map_err(|_| format!("金额无法识别 (amount not a number): `{raw}`"))?
    };
    if yuan > MAX_YUAN {
        return Err(format!("金额超出范围 (amount out of range): `{raw}`"));
    }
    let frac = frac_part.as_bytes();
    let digit = |i: usize| frac.get(i).map_or(0, |b| i64::from(b - b'0'));
    let mut fen = digit(0) * 10 + digit(1);
    if digit(2) >= 5 {
        fen += 1;
    }
    let total = yuan * 100 + fen;
    Ok(if negative { -total } else { total })
}

/// Fast path for the common spelling: optional `-`, ASCII digits, optional `.` and up to
/// two decimals (`1234.5`, `-12.00`). Anything else goes through the full parser.
fn plain_amount(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (int, frac) = match digits.iter().position(|&b| b == b'.') {
        Some(p) => (&digits[..p], &digits[p + 1..]),
        None => (digits, &[][..]),
    };
    if int.is_empty()
        || int.len() > 13
        || frac.len() > 2
        || !int.iter().chain(frac).all(u8::is_ascii_digit)
    {
        return None;
    }
    let mut fen: i64 = 0;
    for &b in int {
        fen = fen * 10 + i64::from(b - b'0');
    }
    let mut cents = 0;
    for i in 0..2 {
        cents = cents * 10 + frac.get(i).map_or(0, |b| i64::from(b - b'0'));
    }
    fen = fen * 100 + cents;
    if fen > MAX_YUAN * 100 {
        return None;
    }
    Some(if negative { -fen } else { fen })
}

/// Converts a numeric cell (from xlsx/xls) into fen, rounding half away from zero.
pub fn amount_from_f64(value: f64) -> Result<i64, String> {
    if !value.is_finite() || value.abs() > MAX_YUAN as f64 {
        return Err(format!("金额超出范围 (amount out of range): `{value}`"));
    }
    Ok((value * 100.0).round() as i64)
}

/// Formats fen as `1,234.56` (千分位), as Chinese reports show money.
pub fn format_fen(fen: i64) -> String {
    let negative = fen < 0;
    let abs = fen.unsigned_abs();
    let yuan = (abs / 100).to_string();
    let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3 + 4);
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!(
        "{}{grouped}.{:02}",
        if negative { "-" } else { "" },
        abs % 100
    )
}

/// Formats fen as a plain decimal `1234.56` for machine-readable outputs.
pub fn fen_to_decimal(fen: i64) -> String {
    let mut out = String::with_capacity(16);
    if fen < 0 {
        out.push('-');
    }
    let abs = fen.unsigned_abs();
    push_digits(&mut out, abs / 100);
    out.push('.');
    out.push(char::from(b'0' + (abs % 100 / 10) as u8));
    out.push(char::from(b'0' + (abs % 10) as u8));
    out
}

/// The decimal digits of `n`, written into the end of `buf` (the formatting machinery is
/// slow for the millions of small numbers a scan writes into findings).
pub fn decimal_digits(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[at..]
}

fn push_digits(out: &mut String, n: u64) {
    out.extend(
        decimal_digits(n, &mut [0; 20])
            .iter()
            .map(|&d| char::from(d)),
    );
}

/// Appends `date` as `YYYY-MM-DD`, what `date.to_string()` gives, without the
/// formatting machinery.
pub fn push_date(out: &mut String, date: NaiveDate) {
    use chrono::Datelike;
    let year = date.year();
    if !(0..=9999).contains(&year) {
        out.push_str(&date.to_string());
        return;
    }
    for n in [
        year as u32 / 100,
        year as u32 % 100,
        100,
        date.month(),
        100,
        date.day(),
    ] {
        if n == 100 {
            out.push('-');
        } else {
            out.push(char::from(b'0' + (n / 10) as u8));
            out.push(char::from(b'0' + (n % 10) as u8));
        }
    }
}

/// `date` as `YYYY-MM-DD`.
pub fn date_text(date: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    push_date(&mut out, date);
    out
}

/// Converts an Excel serial day number (1900 date system) into a date.
pub fn date_from_excel_serial(serial: f64) -> Result<NaiveDate, String> {
    // Serial 60 is Excel's fictitious 1900-02-29; dates after it use the 1899-12-30 base.
    if !(1.0..2_958_466.0).contains(&serial) {
        return Err(format!(
            "日期无法识别 (Excel serial out of range): `{serial}`"
        ));
    }
    let days = serial.trunc() as i64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or("bad base date")?;
    let date = base
        .checked_add_signed(chrono::Duration::days(days))
        .ok_or_else(|| format!("日期无法识别 (Excel serial out of range): `{serial}`"))?;
    // The same years as written dates (1900-2100): `99999` is not a ledger date.
    if date.year() > 2100 {
        return Err(format!("日期年份超出范围 (year out of range): `{serial}`"));
    }
    Ok(date)
}

/// Parses a date cell. `default_year` fills in dates written as month and day only.
///
/// Accepts `2025-01-05`, `2025/1/5`, `2025.01.05`, `2025年1月5日`, `20250105`, a time
/// suffix (`2025-01-05 00:00:00`), and Excel serial numbers (`45662`).
pub fn parse_date(raw: &str, default_year: Option<i32>) -> Result<NaiveDate, String> {
    // Fast path: `2025-01-05`.
    let b = raw.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10))
            && (1900..=2100).contains(&y)
            && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
        {
            return Ok(date);
        }
    }
    let half = to_half_width(raw.trim());
    let text = half.trim();
    if text.is_empty() {
        return Err("日期为空 (date is blank)".to_string());
    }
    // Drop a time part: `2025-01-05 00:00:00` or `2025-01-05T08:00`.
    let text = text.split([' ', 'T']).next().unwrap_or(text);
    let bad = || format!("日期无法识别 (unparseable date): `{raw}`");
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.len() {
            8 => ymd(&text[0..4], &text[4..6], &text[6..8], raw),
            1..=5 => date_from_excel_serial(text.parse::<f64>().map_err(|_| bad())?),
            _ => Err(bad()),
        };
    }
    if let Ok(serial) = text.parse::<f64>()
        && text.contains('.')
        && text.split('.').next().is_some_and(|i| i.len() == 5)
    {
        return date_from_excel_serial(serial);
    }
    let parts: Vec<&str> = text
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [y, m, d] => ymd(y, m, d, raw),
        [m, d] if default_year.is_some() && m.len() <= 2 => {
            let year = default_year.unwrap_or_default().to_string();
            ymd(&year, m, d, raw)
        }
        _ => Err(bad()),
    }
}

fn ymd(y: &str, m: &str, d: &str, raw: &str) -> Result<NaiveDate, String> {
    let num = |s: &str| -> Option<u32> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    let (Some(year), Some(month), Some(day)) = (num(y), num(m), num(d)) else {
        return Err(format!("日期无法识别 (unparseable date): `{raw}`"));
    };
    if y.len() != 4 {
        return Err(format!(
            "日期无法识别 (year must have four digits): `{raw}`"
        ));
    }
    if !(1900..=2100).contains(&year) {
        return Err(format!("日期年份超出范围 (year out of range): `{raw}`"));
    }
    NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| format!("日期不存在 (no such date): `{raw}`"))
}

/// Builds a date from split 年/月/日 cells.
pub fn date_from_parts(year: &str, month: &str, day: &str) -> Result<NaiveDate, String> {
    let clean = |s: &str| {
        let half = to_half_width(s.trim()).into_owned();
        // Cells from xlsx may read `3.0`; 金蝶 periods may read `3.00000`.
        match half.split_once('.') {
            Some((int, frac)) if frac.bytes().all(|b| b == b'0') => int.to_string(),
            _ => half,
        }
    };
    let raw = format!("{}-{}-{}", year.trim(), month.trim(), day.trim());
    ymd(&clean(year), &clean(month), &clean(day), &raw)
}

/// Normalises a voucher number: `记-0001`, `记 - 1`, `记1`, `1` → `记-1` / `1`.
/// True when `normalize_voucher("", text)` is `text` itself (`记-123`, `123`): the
/// common case, interned as it is without building the normalised copy.
pub fn is_canonical_voucher(text: &str) -> bool {
    let Some(first_digit) = text.bytes().position(|b| b.is_ascii_digit()) else {
        return false;
    };
    let (prefix, digits) = text.split_at(first_digit);
    if !digits.bytes().all(|b| b.is_ascii_digit()) || (digits.starts_with('0') && digits != "0") {
        return false;
    }
    if prefix.is_empty() {
        return true;
    }
    let Some(word) = prefix.strip_suffix('-') else {
        return false;
    };
    !word.is_empty()
        && !word.ends_with(['-', '_', '字', '#', '第'])
        && word.chars().all(|c| {
            !c.is_whitespace() && !('\u{FF01}'..='\u{FF5E}').contains(&c) && c != '\u{3000}'
        })
}

pub fn normalize_voucher(word: &str, number: &str) -> String {
    let word = to_half_width(word.trim()).into_owned();
    let number = to_half_width(number.trim()).into_owned();
    let combined = if number.is_empty() {
        word
    } else if word.is_empty() {
        number
    } else {
        format!("{word}-{number}")
    };
    let compact: String = combined.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.trim_end_matches('号');
    // Split into the leading word (记, 收, 付, 转 …) and the number.
    let split_at = compact
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit())
        .map_or(compact.len(), |(i, _)| i);
    let (prefix, digits) = compact.split_at(split_at);
    let prefix = prefix.trim_end_matches(['-', '_', '字', '#', '第']);
    let digits_trimmed = match digits.split_once('.') {
        Some((int, frac)) if frac.bytes().all(|b| b == b'0') => int,
        _ => digits,
    };
    let number = digits_trimmed.trim_start_matches('0');
    let number = if number.is_empty() && !digits_trimmed.is_empty() {
        "0"
    } else {
        number
    };
    match (prefix.is_empty(), number.is_empty()) {
        (true, _) => number.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}-{number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_vouchers_are_their_own_normal_form() {
        for text in ["记-123", "123", "0", "收-7", "记账凭证-45", "银付-1"] {
            assert!(is_canonical_voucher(text), "{text}");
            assert_eq!(normalize_voucher("", text), text);
        }
        for text in [
            "记-0123",
            "记 -1",
            "记123",
            "记-12号",
            "记字-3",
            "记_-3",
            "",
            "记-",
            "１２",
            "记-1.0",
            "第-3",
        ] {
            assert!(!is_canonical_voucher(text), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_text_matches_the_formatting_machinery(fen in proptest::num::i64::ANY, day in -800_000i32..4_000_000) {
            let sign = if fen < 0 { "-" } else { "" };
            let abs = fen.unsigned_abs();
            proptest::prop_assert_eq!(fen_to_decimal(fen), format!("{sign}{}.{:02}", abs / 100, abs % 100));
            if let Some(date) = NaiveDate::from_num_days_from_ce_opt(day) {
                proptest::prop_assert_eq!(date_text(date), date.to_string());
                proptest::prop_assert_eq!(date_text(date), date.format("%Y-%m-%d").to_string());
            }
        }

        #[test]
        fn fast_trim_is_str_trim(
            text in "[ \t\r\n\u{b}\u{c}\u{1c}\u{85}\u{a0}\u{1680}\u{2000}-\u{200b}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}a1记¥￥\u{ff10}\u{e3}\u{3001}\u{2030}]{0,6}"
        ) {
            proptest::prop_assert_eq!(trim(&text), text.trim());
        }

        #[test]
        fn fast_trim_is_str_trim_on_any_text(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(trim(&text), text.trim());
        }

        #[test]
        fn full_width_found_by_bytes_as_by_characters(text in "[a-zA-Z0-9 ,.\u{3000}-\u{3003}\u{FF00}-\u{FF60}\u{FFE0}-\u{FFEE}记账工会费]{0,12}") {
            let by_chars = text
                .chars()
                .any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}');
            proptest::prop_assert_eq!(has_full_width(&text), by_chars);
        }

        #[test]
        fn canonical_check_agrees_with_normalize(text in "[记收付转字第号 _#\\-０-９0-9a-z\u{3000}]{0,8}") {
            if is_canonical_voucher(&text) {
                proptest::prop_assert_eq!(normalize_voucher("", &text), text);
            }
        }
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("1,234.56"), Ok(123_456));
        assert_eq!(parse_amount("¥1234.5"), Ok(123_450));
        assert_eq!(parse_amount("￥ 12"), Ok(1200));
        assert_eq!(parse_amount("１，２３４．５０"), Ok(123_450));
        assert_eq!(parse_amount("(12.00)"), Ok(-1200));
        assert_eq!(parse_amount("-12"), Ok(-1200));
        assert_eq!(parse_amount(""), Ok(0));
        assert_eq!(parse_amount("0.005"), Ok(1));
        assert_eq!(parse_amount("1234.5600"), Ok(123_456));
        assert!(parse_amount("1.2.3").is_err());
        assert!(parse_amount("--5").is_err());
        assert!(parse_amount("1e308").is_err());
        assert!(parse_amount("abc").is_err());
        assert!(parse_amount("99999999999999999999").is_err());
        assert!(parse_amount("1,23.00").is_err(), "misplaced 千分位");
        assert!(parse_amount("1.000,5").is_err(), "comma after the point");
        assert_eq!(parse_amount("12,345,678.9"), Ok(1_234_567_890));
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 5).unwrap();
        for raw in [
            "2025-01-05",
            "2025/1/5",
            "2025.01.05",
            "2025年1月5日",
            "20250105",
            "45662",
            "2025-01-05 00:00:00",
            "２０２５－０１－０５",
        ] {
            assert_eq!(parse_date(raw, None), Ok(d), "{raw}");
        }
        assert_eq!(parse_date("01.05", Some(2025)), Ok(d));
        assert!(parse_date("2025-13-01", None).is_err());
        assert!(parse_date("2025-02-30", None).is_err());
        assert!(parse_date("01.05", None).is_err());
        assert!(parse_date("yesterday", None).is_err());
        assert!(parse_date("99999", None).is_err(), "serial beyond 2100");
        assert_eq!(date_from_parts("2025", "1.0", "05"), Ok(d));
    }

    #[test]
    fn vouchers() {
        assert_eq!(normalize_voucher("记-0001", ""), "记-1");
        assert_eq!(normalize_voucher("记 - 1", ""), "记-1");
        assert_eq!(normalize_voucher("记", "12"), "记-12");
        assert_eq!(normalize_voucher("记字第0003号", ""), "记-3");
        assert_eq!(normalize_voucher("", "0007"), "7");
    }

    #[test]
    fn fast_path_agrees_with_the_full_parser() {
        for raw in [
            "0",
            "1",
            "12.5",
            "-12.05",
            "9999999999999.99",
            "007",
            "1.",
            "-0.01",
        ] {
            assert_eq!(
                plain_amount(raw.as_bytes()),
                parse_amount(&format!(" {raw}")).ok(),
                "{raw}"
            );
        }
        assert_eq!(plain_amount(b"1.234"), None);
        assert_eq!(plain_amount(b"1,000"), None);
        assert_eq!(plain_amount(b"--5"), None);
        assert!(parse_date("2025-02-30", None).is_err());
        assert!(parse_date("1800-01-01", None).is_err());
    }

    #[test]
    fn money_format() {
        assert_eq!(format_fen(123_456_789), "1,234,567.89");
        assert_eq!(format_fen(-5), "-0.05");
        assert_eq!(fen_to_decimal(-123_456), "-1234.56");
    }
}
