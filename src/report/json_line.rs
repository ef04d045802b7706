//! One finding as one line of compact JSON, written by hand for `--format jsonl`: a
//! federation's scan writes hundreds of thousands of findings (about 1 KB each), and
//! serde_json's escaper looks at every byte of every text one at a time. Here a text
//! that needs no escaping (nearly all of them) is checked a word at a time and copied
//! whole; one that does is handed to serde_json. The bytes are exactly serde_json's
//! (`serde_json::to_writer` of the derived `Serialize`), which the tests check on
//! generated findings with every kind of character.

use crate::finding::{Evidence, Finding};
use crate::ledger::value;

/// Appends `finding` to `out` as serde_json would write it (no newline).
pub fn write_finding(out: &mut Vec<u8>, f: &Finding) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"rule_id\":");
    text(out, &f.rule_id)?;
    out.extend_from_slice(b",\"severity\":");
    serde_json::to_writer(&mut *out, &f.severity)?;
    out.extend_from_slice(b",\"status\":");
    serde_json::to_writer(&mut *out, &f.status)?;
    field(out, "title", &f.title)?;
    field(out, "message", &f.message)?;
    field(out, "basis", &f.basis)?;
    field(out, "unit", &f.unit)?;
    field(out, "file", &f.file)?;
    if let Some(sheet) = &f.sheet {
        field(out, "sheet", sheet)?;
    }
    out.extend_from_slice(b",\"line\":");
    number(out, f.line);
    field(out, "voucher", &f.voucher)?;
    field(out, "date", &f.date)?;
    field(out, "account", &f.account)?;
    field(out, "summary", &f.summary)?;
    field(out, "payee", &f.payee)?;
    field(out, "amount", &f.amount)?;
    field(out, "fingerprint", &f.fingerprint)?;
    if let Some(period) = &f.period {
        field(out, "period", period)?;
    }
    if !f.evidence.is_empty() {
        out.extend_from_slice(b",\"evidence\":[");
        for (i, e) in f.evidence.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            evidence(out, e)?;
        }
        out.push(b']');
    }
    if let Some(baseline) = &f.baseline {
        out.extend_from_slice(b",\"baseline\":");
        serde_json::to_writer(&mut *out, baseline)?;
    }
    if let Some(note) = &f.exception_note {
        field(out, "exception_note", note)?;
    }
    out.push(b'}');
    Ok(())
}

fn evidence(out: &mut Vec<u8>, e: &Evidence) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"file\":");
    text(out, &e.file)?;
    if let Some(sheet) = &e.sheet {
        field(out, "sheet", sheet)?;
    }
    out.extend_from_slice(b",\"line\":");
    number(out, e.line);
    field(out, "voucher", &e.voucher)?;
    // Dates and amounts are digits and punctuation: nothing to escape.
    out.extend_from_slice(b",\"date\":\"");
    let mut date = String::with_capacity(10);
    value::push_date(&mut date, e.date);
    out.extend_from_slice(date.as_bytes());
    out.extend_from_slice(b"\",\"amount\":\"");
    if e.amount_fen < 0 {
        out.push(b'-');
    }
    let abs = e.amount_fen.unsigned_abs();
    let mut digits = [0u8; 20];
    out.extend_from_slice(value::decimal_digits(abs / 100, &mut digits));
    out.extend_from_slice(&[b'.', b'0' + (abs % 100 / 10) as u8, b'0' + (abs % 10) as u8]);
    out.extend_from_slice(b"\"}");
    Ok(())
}

/// `,"name":"value"` (names here need no escaping).
fn field(out: &mut Vec<u8>, name: &str, value: &str) -> serde_json::Result<()> {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
    text(out, value)
}

fn number(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    out.extend_from_slice(value::decimal_digits(n, &mut digits));
}

/// A JSON string: copied between quotes when no byte needs escaping, else serde_json's.
fn text(out: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    if needs_escape(s.as_bytes()) {
        return serde_json::to_writer(&mut *out, s);
    }
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
    Ok(())
}

/// Whether serde_json escapes any byte of `bytes`: a quote, a backslash or a control
/// character below 0x20 (it leaves DEL and all non-ASCII as they are). Eight bytes at a
/// time, with the usual bit tricks for "some byte is below n" and "some byte equals c".
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte is flagged if it is < 0x20 (x - 0x20 borrows into its high bit while its
    // own high bit is clear) or it equals '"' or '\\' (x ^ c is zero: same test with 1).
    let word_has = |w: u64| {
        let below = w.wrapping_sub(ONES * 0x20) & !w;
        let quote = w ^ (ONES * u64::from(b'"'));
        let slash = w ^ (ONES * u64::from(b'\\'));
        let zero = |v: u64| v.wrapping_sub(ONES) & !v;
        (below | zero(quote) | zero(slash)) & HIGHS != 0
    };
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("chunks of 8"));
        if word_has(word) {
            return true;
        }
    }
    (chunks.remainder().iter()).any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::rule::{Severity, Status};

    /// The texts a ledger can hold: Chinese, ASCII, quotes, backslashes, every control
    /// character, DEL, and characters beyond the BMP.
    fn any_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex(
            "[a-z0-9 _\\-/\"\\\\\u{0}-\u{1f}\u{7f}\u{80}-\u{ff}工会经费「」，。￥\u{1F600}]{0,40}",
        )
        .expect("valid regex")
    }

    fn finding_of(texts: Vec<String>, numbers: (u64, i64, u8), flags: u8) -> Finding {
        let t = |i: usize| texts[i % texts.len()].clone();
        let arc = |i: usize| -> Arc<str> { Arc::from(t(i)) };
        let (line, amount_fen, severity) = numbers;
        let evidence = (0..usize::from(flags % 3))
            .map(|i| Evidence {
                file: arc(i),
                sheet: (flags & 8 != 0).then(|| t(i + 1)),
                line: line.wrapping_add(i as u64),
                voucher: arc(i + 2),
                date: chrono::NaiveDate::from_ymd_opt(2000 + i as i32, 1 + i as u32, 28)
                    .expect("valid date"),
                amount_fen: amount_fen.wrapping_mul(i as i64 - 1),
            })
            .collect();
        let severities = [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ];
        Finding {
            rule_id: arc(0),
            severity: severities[usize::from(severity) % severities.len()],
            status: if flags & 16 != 0 {
                Status::Draft
            } else {
                Status::Active
            },
            title: arc(1),
            message: t(2),
            basis: arc(3),
            unit: arc(4),
            file: arc(5),
            sheet: (flags & 32 != 0).then(|| t(6)),
            line,
            voucher: arc(7),
            date: t(8),
            account: arc(9),
            summary: arc(10),
            payee: arc(11),
            amount: t(12),
            fingerprint: t(13),
            period: (flags & 64 != 0).then(|| t(14)),
            evidence,
            baseline: match flags % 5 {
                0 => Some(crate::workflow::baseline::Status::New),
                1 => Some(crate::workflow::baseline::Status::Open),
                _ => None,
            },
            exception_note: (flags & 128 != 0).then(|| t(15)),
            sheet_index: 0,
            amount_fen,
        }
    }

    proptest::proptest! {
        /// The hand-written line is byte for byte what serde_json writes.
        #[test]
        fn matches_serde_json(
            texts in proptest::collection::vec(any_text(), 1..17),
            numbers in (proptest::num::u64::ANY, proptest::num::i64::ANY, 0u8..5),
            flags in proptest::num::u8::ANY,
        ) {
            let finding = finding_of(texts, numbers, flags);
            let mut ours = Vec::new();
            write_finding(&mut ours, &finding).expect("writes");
            let theirs = serde_json::to_vec(&finding).expect("serialises");
            proptest::prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        }

        /// The word-at-a-time test agrees with the byte-at-a-time one.
        #[test]
        fn escape_test_matches_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
            let want = bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
            proptest::prop_assert_eq!(needs_escape(&bytes), want);
        }
    }

    #[test]
    fn escape_test_finds_each_special_byte_at_each_place() {
        for special in (0u8..0x20).chain([b'"', b'\\']) {
            for len in 1..20 {
                for at in 0..len {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = special;
                    assert!(needs_escape(&bytes), "{special:#x} at {at} of {len}");
                }
            }
        }
        for plain in (0x20u8..=0xff).filter(|b| !matches!(b, b'"' | b'\\')) {
            assert!(!needs_escape(&[plain; 19]), "{plain:#x}");
        }
    }
}
