//! Findings: what a rule flagged, where, and why, with a fingerprint that stays the same
//! when the same ledger is exported again (other file name, other row order).

use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ledger::{LedgerFile, Row, value};
use crate::rule::{Rule, Severity, Status};

/// A row that supports a finding about a group of rows. Findings of a large scan carry
/// over a million of these: the file name is shared and the date and amount are kept as
/// values, written as text (`2022-05-10`, `8800.00`) only when serialised.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    pub file: Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub line: u64,
    pub voucher: Arc<str>,
    #[serde(serialize_with = "date_as_text")]
    pub date: chrono::NaiveDate,
    /// In fen.
    #[serde(rename = "amount", serialize_with = "fen_as_decimal")]
    pub amount_fen: i64,
}

fn date_as_text<S: serde::Serializer>(date: &chrono::NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    let mut text = String::with_capacity(10);
    value::push_date(&mut text, *date);
    s.serialize_str(&text)
}

fn fen_as_decimal<S: serde::Serializer>(fen: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&value::fen_to_decimal(*fen))
}

/// One flagged row (or group of rows).
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Rule id, title and basis are the rule's own strings, shared by all its findings.
    pub rule_id: Arc<str>,
    pub severity: Severity,
    pub status: Status,
    pub title: Arc<str>,
    pub message: String,
    pub basis: Arc<str>,
    pub unit: Arc<str>,
    pub file: Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub line: u64,
    pub voucher: Arc<str>,
    pub date: String,
    pub account: Arc<str>,
    pub summary: Arc<str>,
    pub payee: Arc<str>,
    /// Amount in yuan, as a decimal string (`1234.50`) so no precision is lost.
    pub amount: String,
    pub fingerprint: String,
    /// The period a unit-level finding concerns (`2022-12`), when it has no single row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// `new` or `open` when the scan was compared with a baseline (`--baseline`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::workflow::baseline::Status>,
    /// Set when an exception for this finding has lapsed (expired), so it is back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception_note: Option<String>,
    /// Sort key: sheet index within the file.
    #[serde(skip)]
    pub sheet_index: u16,
    /// Amount in fen, for totals.
    #[serde(skip)]
    pub amount_fen: i64,
}

impl Finding {
    /// A finding about one row.
    pub fn for_row(rule: &Rule, row: &Row, file: &LedgerFile, matched: &[String]) -> Finding {
        let mut finding = Finding::of_row(rule, row, file);
        let key = [
            &rule.id,
            &finding.unit,
            finding.date.as_str(),
            &finding.voucher,
            &finding.account,
            &finding.summary,
            &finding.payee,
            &row.amount().to_string(),
        ];
        finding.fingerprint = fingerprint(&key);
        finding.message = rule
            .message
            .render(row, file, matched, &rule.id, &rule.title);
        finding
    }

    /// A finding of `rule` with no row, message or fingerprint yet (a unit-level finding).
    fn blank(rule: &Rule) -> Finding {
        // One empty text for the six row texts (each `Arc::from("")` is an allocation).
        let empty: Arc<str> = Arc::from("");
        Finding::blank_of(
            rule.id.clone(),
            rule.severity,
            rule.status,
            rule.title.clone(),
            rule.basis_line.clone(),
            std::array::from_fn(|_| empty.clone()),
        )
    }

    /// A finding with no message or fingerprint yet; `texts` are its unit, file,
    /// voucher, account, summary and payee.
    fn blank_of(
        rule_id: Arc<str>,
        severity: Severity,
        status: Status,
        title: Arc<str>,
        basis: Arc<str>,
        texts: [Arc<str>; 6],
    ) -> Finding {
        let [unit, file, voucher, account, summary, payee] = texts;
        Finding {
            rule_id,
            severity,
            status,
            title,
            message: String::new(),
            basis,
            unit,
            file,
            sheet: None,
            line: 0,
            voucher,
            date: String::new(),
            account,
            summary,
            payee,
            amount: String::new(),
            fingerprint: String::new(),
            period: None,
            evidence: Vec::new(),
            baseline: None,
            exception_note: None,
            sheet_index: 0,
            amount_fen: 0,
        }
    }

    /// The fields a finding takes from its (primary) row; no message, no fingerprint.
    /// Made without [`Finding::blank`]'s empty texts: most findings have a row.
    fn of_row(rule: &Rule, row: &Row, file: &LedgerFile) -> Finding {
        let s = |sym| file.strings.shared(sym);
        let texts = [
            s(row.unit),
            file.display.clone(),
            s(row.voucher),
            s(row.account),
            s(row.summary),
            s(row.payee),
        ];
        Finding {
            sheet: file.sheet_label(row),
            line: u64::from(row.line),
            date: value::date_text(row.date),
            amount: value::fen_to_decimal(row.amount()),
            sheet_index: row.sheet,
            amount_fen: row.amount(),
            ..Finding::blank_of(
                rule.id.clone(),
                rule.severity,
                rule.status,
                rule.title.clone(),
                rule.basis_line.clone(),
                texts,
            )
        }
    }

    /// A finding of a detector: the first evidence row is the primary row; a hit with no
    /// rows (Benford, gaps) names only the unit and period.
    pub fn for_hit(
        rule: &Rule,
        hit: crate::detector::Hit,
        files: &[LedgerFile],
        unit: &str,
    ) -> Finding {
        let row_of = |r: &crate::detector::RowRef| {
            let file = &files[r.file as usize];
            (file, &file.rows[r.row as usize])
        };
        // `date|voucher|summary|amount` per row, as the fingerprints have always been
        // made, back to back in one string and sorted as ranges.
        let mut parts = String::with_capacity(64 * hit.rows.len());
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::with_capacity(hit.rows.len());
        for r in &hit.rows {
            let (file, row) = row_of(r);
            let start = parts.len();
            value::push_date(&mut parts, row.date);
            parts.push('|');
            parts.push_str(file.strings.get(row.voucher));
            parts.push('|');
            parts.push_str(file.strings.get(row.summary));
            parts.push('|');
            let amount = row.amount();
            if amount < 0 {
                parts.push('-');
            }
            let mut digits = [0u8; 20];
            for &d in value::decimal_digits(amount.unsigned_abs(), &mut digits) {
                parts.push(char::from(d));
            }
            ranges.push(start..parts.len());
        }
        ranges.sort_unstable_by(|a, b| parts[a.clone()].cmp(&parts[b.clone()]));
        let period = hit.period.as_deref().unwrap_or_default();
        let mut key_refs: Vec<&str> = Vec::with_capacity(3 + ranges.len());
        key_refs.extend([&*rule.id, unit, period]);
        key_refs.extend(ranges.iter().map(|range| &parts[range.clone()]));
        let mut finding = match hit.rows.first() {
            Some(r) => {
                let (file, row) = row_of(r);
                Finding::of_row(rule, row, file)
            }
            None => Finding::blank(rule),
        };
        finding.fingerprint = fingerprint(&key_refs);
        drop(key_refs);
        finding.message = hit.message;
        if &*finding.unit != unit {
            finding.unit = unit.into();
        }
        if finding.amount_fen != hit.amount_fen || finding.amount.is_empty() {
            finding.amount = value::fen_to_decimal(hit.amount_fen);
        }
        finding.amount_fen = hit.amount_fen;
        finding.period = hit.period;
        if hit.rows.len() > 1 || finding.period.is_some() {
            finding.evidence = hit
                .rows
                .iter()
                .map(|r| {
                    let (file, row) = row_of(r);
                    Evidence {
                        file: file.display.clone(),
                        sheet: file.sheet_label(row),
                        line: u64::from(row.line),
                        voucher: file.strings.shared(row.voucher),
                        date: row.date,
                        amount_fen: row.amount(),
                    }
                })
                .collect();
        }
        finding
    }

    /// Sort key: unit, file, sheet, line, rule (what [`finalize`] sorts by).
    #[cfg(test)]
    fn sort_key(&self) -> (&str, &str, u16, u64, &str, &str) {
        (
            &self.unit,
            &self.file,
            self.sheet_index,
            self.line,
            &self.rule_id,
            &self.fingerprint,
        )
    }
}

/// First 16 hex digits of SHA-256 over the `\u{1f}`-joined parts.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex16(&hasher.finalize())
}

/// The first 8 bytes of `digest` as 16 lower-case hex digits.
fn hex16(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(16);
    for &b in digest.iter().take(8) {
        text.push(char::from(HEX[usize::from(b >> 4)]));
        text.push(char::from(HEX[usize::from(b & 15)]));
    }
    text
}

/// Where a finding sorts: ranks of its unit and file, sheet, line, rank of its rule.
type Position = (u32, u32, u16, u64, u32);

/// The address of a shared text: findings share their unit, file and rule texts, so a
/// few addresses stand for all of them (equal texts may still have several).
pub(crate) fn address(text: &Arc<str>) -> usize {
    Arc::as_ptr(text) as *const u8 as usize
}

/// Each distinct address among `texts`, with the rank of its text in sorted order (equal
/// texts, equal ranks): the text is hashed and compared once per address, not per finding.
fn ranks<'a>(texts: impl Iterator<Item = &'a Arc<str>>) -> rustc_hash::FxHashMap<usize, u32> {
    let mut distinct: rustc_hash::FxHashMap<usize, &str> = Default::default();
    let mut last = None;
    for text in texts {
        let at = address(text);
        if last != Some(at) {
            last = Some(at);
            distinct.entry(at).or_insert(&**text);
        }
    }
    let mut sorted: Vec<(&str, usize)> = distinct.into_iter().map(|(at, t)| (t, at)).collect();
    sorted.sort_unstable();
    let mut ranks: rustc_hash::FxHashMap<usize, u32> = Default::default();
    let mut rank = 0;
    for (i, &(text, at)) in sorted.iter().enumerate() {
        if i > 0 && sorted[i - 1].0 != text {
            rank += 1;
        }
        ranks.insert(at, rank);
    }
    ranks
}

/// Sorts findings deterministically and makes fingerprints unique: identical rows (same
/// voucher, account, summary, amount …) get `-2`, `-3` … in line order.
pub fn finalize(findings: &mut [Finding]) {
    // Sort positions, not the (large) findings, then put each finding in place by
    // following the permutation's cycles (no second copy of the findings).
    use rayon::prelude::*;
    // The strings of the key (unit, file, rule) are few: sort by their ranks, and compare
    // fingerprints only between findings whose other keys are equal.
    let units = ranks(findings.iter().map(|f| &f.unit));
    let files = ranks(findings.iter().map(|f| &f.file));
    let rules = ranks(findings.iter().map(|f| &f.rule_id));
    let mut keyed: Vec<(Position, u32)> = findings
        .par_iter()
        .enumerate()
        .map(|(at, f)| {
            (
                (
                    units[&address(&f.unit)],
                    files[&address(&f.file)],
                    f.sheet_index,
                    f.line,
                    rules[&address(&f.rule_id)],
                ),
                at as u32,
            )
        })
        .collect();
    drop((units, files, rules));
    keyed.par_sort_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            findings[a.1 as usize]
                .fingerprint
                .cmp(&findings[b.1 as usize].fingerprint)
        })
    });
    let order: Vec<u32> = keyed.into_iter().map(|(_, at)| at).collect();
    let mut placed = vec![false; findings.len()];
    for start in 0..findings.len() {
        let mut k = start;
        while !placed[k] {
            placed[k] = true;
            let from = order[k] as usize;
            if from == start {
                break;
            }
            // Position k takes the finding at `from`; the one from `start` moves on.
            findings.swap(k, from);
            k = from;
        }
    }
    // The n-th finding with a fingerprint (n ≥ 2) gets `-n`: (fingerprint, position)
    // pairs sorted put each fingerprint's findings together, in the findings' order.
    // A fingerprint is 16 hex digits: its value orders it (the text is compared only
    // where values tie, or for one that is not).
    let mut by_print: Vec<(u64, &str, u32)> = findings
        .par_iter()
        .enumerate()
        .map(|(at, f)| {
            let value = u64::from_str_radix(&f.fingerprint, 16).unwrap_or(u64::MAX);
            (value, f.fingerprint.as_str(), at as u32)
        })
        .collect();
    by_print.par_sort_unstable();
    let renames: Vec<(u32, usize)> = by_print
        .chunk_by(|a, b| a.0 == b.0 && a.1 == b.1)
        .flat_map(|same| {
            same.iter()
                .enumerate()
                .skip(1)
                .map(|(n, &(_, _, at))| (at, n + 1))
        })
        .collect();
    drop(by_print);
    for (at, n) in renames {
        let finding = &mut findings[at as usize];
        finding.fingerprint = format!("{}-{n}", finding.fingerprint);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(unit: &str, file: &str, line: u64, rule: &str, fingerprint: &str) -> Finding {
        Finding {
            message: format!("{unit}{file}{line}{rule}"),
            unit: unit.into(),
            file: file.into(),
            line,
            fingerprint: fingerprint.to_string(),
            ..Finding::blank_of(
                rule.into(),
                Severity::High,
                Status::Active,
                "".into(),
                "".into(),
                std::array::from_fn(|_| "".into()),
            )
        }
    }

    proptest::proptest! {
        /// `finalize` (sort positions, then cycles) gives what a plain stable sort and a
        /// counting pass give.
        #[test]
        fn finalize_matches_a_plain_sort(
            items in proptest::collection::vec((0u8..3, 0u8..2, 0u64..6, 0u8..3, 0u8..6), 0..60)
        ) {
            // Fingerprints as made (16 hex digits) and, for the fallback, two that are not.
            let print = |p: u8| if p < 4 { format!("{p:016x}") } else { format!("not hex {p}") };
            let mut got: Vec<Finding> = items
                .iter()
                .map(|&(u, f, l, r, p)| finding(&format!("u{u}"), &format!("f{f}"), l, &format!("R{r}"), &print(p)))
                .collect();
            let mut want = got.clone();
            want.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            let mut seen = std::collections::HashMap::new();
            for f in &mut want {
                let n = seen.entry(f.fingerprint.clone()).or_insert(0);
                *n += 1;
                if *n > 1 {
                    f.fingerprint = format!("{}-{n}", f.fingerprint);
                }
            }
            finalize(&mut got);
            let show = |v: &[Finding]| v.iter().map(|f| format!("{} {} {}", f.message, f.fingerprint, f.line)).collect::<Vec<_>>();
            proptest::prop_assert_eq!(show(&got), show(&want));
        }
    }
}
