//! The benchmark generator: one big generic-layout CSV (with a 单位名称
//! column, one union per ~8,000 rows (50 at least, so about 2,000 lines a union a
//! year), 2022–2025, balanced vouchers, ~1% planted anomalies),
//! streamed in constant memory. Every string is encoded once up front, so
//! the per-row work is byte copies and integer formatting.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use super::LargeEncoding;
use super::chart::{self, Acct};
use super::large_tpl::{ANOMALIES, Kind, LEGIT, Tpl};
use super::names::*;
use super::rng::Rng;
use super::text::{Date, to_gbk};

pub const LARGE_HEADER: &str =
    "日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额,往来单位,经办人,部门,附件数,单位名称";

/// A template's strings, already in the output encoding.
struct EncTpl {
    summary: Vec<u8>,
    code: Vec<u8>,
    name: Vec<u8>,
    payees: Vec<Vec<u8>>,
}

struct Enc {
    legit: Vec<EncTpl>,
    anomalies: Vec<EncTpl>,
    bank: EncTpl,
    cash: EncTpl,
    units: Vec<Vec<u8>>,
    handlers: Vec<Vec<u8>>,
    depts: Vec<Vec<u8>>,
    voucher_prefix: Vec<u8>,
}

/// Rows per union: a grassroots union books about 2,000 lines a year (four years here).
const ROWS_PER_UNIT: u64 = 8_000;

impl Enc {
    fn new(encoding: LargeEncoding, rows: u64) -> io::Result<Enc> {
        let enc = |s: &str| -> io::Result<Vec<u8>> {
            debug_assert!(!s.contains([',', '"', '\n']), "CSV-unsafe text: {s}");
            match encoding {
                LargeEncoding::Utf8 => Ok(s.as_bytes().to_vec()),
                LargeEncoding::Gbk => to_gbk(s),
            }
        };
        let tpl = |t: &Tpl| -> io::Result<EncTpl> {
            let a = chart::resolve(t.acct, 2022);
            Ok(EncTpl {
                summary: enc(t.summary)?,
                code: enc(a.code)?,
                name: enc(a.leaf())?,
                payees: t.payees.iter().map(|p| enc(p)).collect::<io::Result<_>>()?,
            })
        };
        let bank = chart::resolve(Acct::Bank, 2022);
        let cash = chart::resolve(Acct::Cash, 2022);
        let acct = |code: &str, name: &str| -> io::Result<EncTpl> {
            Ok(EncTpl {
                summary: Vec::new(),
                code: enc(code)?,
                name: enc(name)?,
                payees: Vec::new(),
            })
        };
        Ok(Enc {
            legit: LEGIT.iter().map(tpl).collect::<io::Result<_>>()?,
            anomalies: ANOMALIES.iter().map(tpl).collect::<io::Result<_>>()?,
            bank: acct(bank.code, bank.leaf())?,
            cash: acct(cash.code, cash.leaf())?,
            units: large_units((rows / ROWS_PER_UNIT).max(50) as usize)
                .iter()
                .map(|u| enc(u))
                .collect::<io::Result<_>>()?,
            handlers: LARGE_HANDLERS
                .iter()
                .map(|h| enc(h))
                .collect::<io::Result<_>>()?,
            depts: LARGE_DEPTS
                .iter()
                .map(|d| enc(d))
                .collect::<io::Result<_>>()?,
            voucher_prefix: enc("记-")?,
        })
    }
}

/// Append a non-negative integer in decimal.
fn push_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(crate::ledger::value::decimal_digits(n, &mut [0; 20]));
}

/// Append fen as yuan with two decimals.
fn push_money(out: &mut Vec<u8>, fen: u64) {
    push_u64(out, fen / 100);
    out.push(b'.');
    out.push(b'0' + (fen % 100 / 10) as u8);
    out.push(b'0' + (fen % 10) as u8);
}

/// Shared fields of one voucher.
struct Head<'a> {
    date: &'a [u8; 10],
    no: u32,
    handler: &'a [u8],
    dept: &'a [u8],
    attachments: u8,
    unit: &'a [u8],
    summary: &'a [u8],
    payee: &'a [u8],
}

/// One CSV row; `with_payee` is false for the bank side of income and cash
/// withdrawals.
fn push_row(
    out: &mut Vec<u8>,
    e: &Enc,
    h: &Head<'_>,
    acct: &EncTpl,
    debit: u64,
    credit: u64,
    with_payee: bool,
) {
    out.extend_from_slice(h.date);
    out.push(b',');
    out.extend_from_slice(&e.voucher_prefix);
    push_u64(out, u64::from(h.no));
    out.push(b',');
    out.extend_from_slice(h.summary);
    out.push(b',');
    out.extend_from_slice(&acct.code);
    out.push(b',');
    out.extend_from_slice(&acct.name);
    out.push(b',');
    if debit > 0 {
        push_money(out, debit);
    }
    out.push(b',');
    if credit > 0 {
        push_money(out, credit);
    }
    out.push(b',');
    if with_payee {
        out.extend_from_slice(h.payee);
    }
    out.push(b',');
    out.extend_from_slice(h.handler);
    out.push(b',');
    out.extend_from_slice(h.dept);
    out.push(b',');
    out.push(b'0' + h.attachments);
    out.push(b',');
    out.extend_from_slice(h.unit);
    out.push(b'\n');
}

fn date_bytes(d: Date) -> [u8; 10] {
    let mut b = *b"0000-00-00";
    let digits = |buf: &mut [u8], mut n: u32| {
        for slot in buf.iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    digits(&mut b[0..4], u32::from(d.y));
    digits(&mut b[5..7], u32::from(d.m));
    digits(&mut b[8..10], u32::from(d.d));
    b
}

fn amount(rng: &mut Rng, t: &Tpl) -> u64 {
    let yuan = rng.range(t.lo, t.hi) as u64;
    let fen = if t.lo == t.hi || rng.chance(500) {
        0
    } else {
        rng.below(100)
    };
    yuan * 100 + fen
}

/// Days from 2022-01-01 to 2025-12-31 inclusive.
const SPAN_DAYS: u64 = 1461;

/// Stream `rows` data rows (plus a header) to `path`; returns bytes written.
pub fn write_large(path: &Path, rows: u64, seed: u64, encoding: LargeEncoding) -> io::Result<u64> {
    let e = Enc::new(encoding, rows)?;
    let mut rng = Rng::fork(seed, 0x1A26E);
    let mut file = File::create(path)?;
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    let header = match encoding {
        LargeEncoding::Utf8 => LARGE_HEADER.as_bytes().to_vec(),
        LargeEncoding::Gbk => to_gbk(LARGE_HEADER)?,
    };
    buf.extend_from_slice(&header);
    buf.push(b'\n');

    let mut date = Date::new(2022, 1, 1);
    let mut day_index = 0u64;
    let mut date_text = date_bytes(date);
    let mut counters = vec![0u32; e.units.len()];
    let mut written = 0u64;
    let mut total_bytes = 0u64;

    while written < rows {
        // Advance the calendar in proportion to progress through the file.
        let target = (u128::from(written) * u128::from(SPAN_DAYS) / u128::from(rows)) as u64;
        while day_index < target {
            let next = date.succ();
            if next.m != date.m {
                counters.iter_mut().for_each(|c| *c = 0);
            }
            date = next;
            day_index += 1;
            date_text = date_bytes(date);
        }
        let left = rows - written;
        let unit = rng.below(e.units.len() as u64) as usize;
        counters[unit] += 1;
        let (mut tpl, mut enc) = if rng.chance(10) {
            let i = rng.below(ANOMALIES.len() as u64) as usize;
            (&ANOMALIES[i], &e.anomalies[i])
        } else {
            let i = rng.below(LEGIT.len() as u64) as usize;
            (&LEGIT[i], &e.legit[i])
        };
        if left == 3 && matches!(tpl.kind, Kind::Income | Kind::Withdraw) {
            // The last three rows must be one three-line payment.
            (tpl, enc) = (&LEGIT[0], &e.legit[0]);
        }
        let head = Head {
            date: &date_text,
            no: counters[unit],
            handler: &e.handlers[rng.below(e.handlers.len() as u64) as usize],
            dept: &e.depts[rng.below(e.depts.len() as u64) as usize],
            attachments: rng.range(0, 6) as u8,
            unit: &e.units[unit],
            summary: &enc.summary,
            payee: if enc.payees.is_empty() {
                &[]
            } else {
                &enc.payees[rng.below(enc.payees.len() as u64) as usize]
            },
        };
        let amt = amount(&mut rng, tpl);
        let b = &mut buf;
        if left == 1 {
            // A lone final row cannot balance; this only happens when the
            // caller asks for a single row. Write the debit side.
            push_row(b, &e, &head, enc, amt, 0, true);
            written += 1;
        } else {
            match tpl.kind {
                Kind::Income => {
                    push_row(b, &e, &head, &e.bank, amt, 0, false);
                    push_row(b, &e, &head, enc, 0, amt, true);
                    written += 2;
                }
                Kind::Withdraw => {
                    push_row(b, &e, &head, &e.cash, amt, 0, false);
                    push_row(b, &e, &head, &e.bank, 0, amt, false);
                    written += 2;
                }
                Kind::Pay | Kind::Cash => {
                    let from = if tpl.kind == Kind::Cash {
                        &e.cash
                    } else {
                        &e.bank
                    };
                    // Split into two debit lines for some vouchers, never
                    // leaving a single row for the end of the file.
                    let split = left == 3 || (left >= 5 && rng.chance(300));
                    if split {
                        let first = amt / 2 + rng.below((amt / 4).max(1));
                        push_row(b, &e, &head, enc, first, 0, true);
                        push_row(b, &e, &head, enc, amt - first, 0, true);
                    } else {
                        push_row(b, &e, &head, enc, amt, 0, true);
                    }
                    push_row(b, &e, &head, from, 0, amt, true);
                    written += if split { 3 } else { 2 };
                }
            }
        }
        if buf.len() >= (1 << 20) - 4096 {
            file.write_all(&buf)?;
            total_bytes += buf.len() as u64;
            buf.clear();
        }
    }
    file.write_all(&buf)?;
    total_bytes += buf.len() as u64;
    file.flush()?;
    Ok(total_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!(
            "fundwatch-synth-large-{}-{name}",
            std::process::id()
        ))
    }

    #[test]
    fn thousand_rows_give_1001_lines_and_balance() {
        let p = tmp("1000.csv");
        let bytes = write_large(&p, 1000, 7, LargeEncoding::Utf8).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(bytes as usize, text.len());
        assert_eq!(text.lines().count(), 1001);
        assert_eq!(text.lines().next().unwrap(), LARGE_HEADER);
        let (mut debit, mut credit) = (0.0f64, 0.0f64);
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 12, "{line}");
            debit += f[5].parse::<f64>().unwrap_or(0.0);
            credit += f[6].parse::<f64>().unwrap_or(0.0);
        }
        assert!((debit - credit).abs() < 0.005, "{debit} vs {credit}");
        std::fs::remove_file(&p).unwrap();
    }

    #[test]
    fn same_seed_same_bytes_and_gbk_decodes() {
        let (a, b) = (tmp("a.csv"), tmp("b.csv"));
        write_large(&a, 5000, 42, LargeEncoding::Gbk).unwrap();
        write_large(&b, 5000, 42, LargeEncoding::Gbk).unwrap();
        let (x, y) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        assert_eq!(x, y);
        let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&x);
        assert!(!had_errors);
        assert_eq!(text.lines().count(), 5001);
        assert!(text.contains("单位名称") && text.contains("2025-12"));
        std::fs::remove_file(&a).unwrap();
        std::fs::remove_file(&b).unwrap();
    }

    #[test]
    fn odd_row_counts_are_exact() {
        for rows in [1u64, 2, 3, 4, 5, 7, 10] {
            let p = tmp(&format!("odd-{rows}.csv"));
            write_large(&p, rows, 3, LargeEncoding::Utf8).unwrap();
            let text = std::fs::read_to_string(&p).unwrap();
            assert_eq!(text.lines().count() as u64, rows + 1);
            std::fs::remove_file(&p).unwrap();
        }
    }
}
