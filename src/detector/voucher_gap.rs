//! `voucher-gap`: missing voucher numbers (凭证断号) per unit, voucher word and month.
//!
//! ## What it finds
//! For each unit, voucher word (记, 收, 付 …) and month, the numbers between 1 and the
//! highest number used that never appear. All rows of the unit are used, not only
//! candidates (a voucher has lines on many accounts).
//!
//! ## Why it matters
//! A missing number can be a deleted or withheld voucher; auditors reconcile the sequence
//! (凭证断号检查).
//!
//! ## Parameters
//! `max_listed` (10): how many missing numbers a message lists.
//!
//! ## Limits
//! An export filtered by account (one 明细账 per account) lacks other accounts'
//! vouchers and will show false gaps; scan the full 序时账. Numbering per year rather
//! than per month is read as a month with a late start.

use chrono::Datelike;
use serde::Deserialize;

use super::{Ctx, Hit, Output, RowRef, UnitRows};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_listed")]
    pub max_listed: usize,
}

fn default_listed() -> usize {
    10
}

/// Splits `记-12` into (`记`, 12).
fn split(voucher: &str) -> Option<(&str, u32)> {
    let (word, number) = match voucher.rsplit_once('-') {
        Some((w, n)) => (w, n),
        None => ("", voucher),
    };
    number.parse().ok().map(|n| (word, n))
}

/// A voucher split into word and number, if it has a number.
type Parsed<'a> = Option<(&'a str, u32)>;

/// (year, month, voucher word).
type MonthKey<'a> = (i32, u32, &'a str);

/// Each (month, word) key of `unit`'s rows with the row's voucher number, in the rows'
/// order; closing entries and vouchers without a number left out. The lines of a
/// voucher come together: its number is parsed once.
fn numbered<'a>(ctx: &Ctx<'a>, unit: &UnitRows, mut each: impl FnMut(MonthKey<'a>, u32, RowRef)) {
    // (file, voucher, what `split` made of it)
    let mut voucher: Option<(u32, crate::ledger::Sym, Parsed)> = None;
    for &r in unit.all {
        let row = ctx.row(r);
        if row.closing {
            continue;
        }
        let parsed = match voucher {
            Some((file, sym, parsed)) if file == r.file && sym == row.voucher => parsed,
            _ => {
                let parsed = split(ctx.voucher(r));
                voucher = Some((r.file, row.voucher, parsed));
                parsed
            }
        };
        if let Some((word, number)) = parsed {
            each((row.date.year(), row.date.month(), word), number, r);
        }
    }
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    // Per (year, month, word): the voucher numbers, once per voucher (a voucher's lines
    // come together). Rows come in date order, so the month of the row before is almost
    // always the month of this one.
    let mut index: rustc_hash::FxHashMap<MonthKey, usize> = Default::default();
    let mut months: Vec<(MonthKey, Vec<u32>)> = Vec::new();
    let mut last: Option<(usize, u32)> = None;
    numbered(ctx, unit, |key, number, _| {
        let slot = match last {
            Some((i, _)) if months[i].0 == key => i,
            _ => *index.entry(key).or_insert_with(|| {
                months.push((key, Vec::new()));
                months.len() - 1
            }),
        };
        if last != Some((slot, number)) {
            months[slot].1.push(number);
        }
        last = Some((slot, number));
    });
    // The months with gaps: (key, numbers present, highest, how many are missing).
    let mut gaps: Vec<(MonthKey, Vec<u32>, u32, u64)> = Vec::new();
    for (key, mut numbers) in months {
        numbers.sort_unstable();
        numbers.dedup();
        let Some(&max) = numbers.last() else {
            continue;
        };
        if max < 2 {
            continue; // vouchers 0 and 1 only: nothing can be missing
        }
        let below_max = &numbers[..numbers.partition_point(|&n| n < max)];
        let present = below_max.iter().filter(|&&n| n >= 1).count() as u64;
        let missing_count = u64::from(max).saturating_sub(1) - present;
        if missing_count > 0 {
            gaps.push((key, numbers, max, missing_count));
        }
    }
    if gaps.is_empty() {
        return;
    }
    gaps.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let is_missing = |gap: usize, n: u32| {
        let (_, numbers, max, _) = &gaps[gap];
        n >= 1 && n < *max && numbers.binary_search(&n).is_err()
    };
    // Evidence: the lines of the voucher just before each gap, found in a second pass
    // (only for units with gaps).
    let mut evidence: Vec<Vec<RowRef>> = vec![Vec::new(); gaps.len()];
    numbered(ctx, unit, |key, number, r| {
        if let Ok(gap) = gaps.binary_search_by(|g| g.0.cmp(&key))
            && number
                .checked_add(1)
                .is_some_and(|next| is_missing(gap, next))
        {
            evidence[gap].push(r);
        }
    });
    for (((year, month, word), numbers, max, missing_count), evidence) in gaps.iter().zip(evidence)
    {
        let (year, month, word, max, missing_count) = (*year, *month, *word, *max, *missing_count);
        let mut listed: Vec<String> = Vec::new();
        let mut previous = 0u32;
        for &n in numbers.iter().filter(|&&n| n >= 1) {
            let mut gap = previous + 1;
            while gap < n && listed.len() < p.max_listed {
                listed.push(gap.to_string());
                gap += 1;
            }
            previous = n;
            if listed.len() >= p.max_listed {
                break;
            }
        }
        let more = if missing_count > p.max_listed as u64 {
            "…"
        } else {
            ""
        };
        let word_label = if word.is_empty() {
            String::new()
        } else {
            format!("{word}字")
        };
        out.hits.push(Hit {
            rows: evidence,
            message: format!(
                "{year} 年 {month} 月{word_label}凭证断号：缺 {}{more}（共 {} 个，最大号 {max}）",
                listed.join("、"),
                missing_count
            ),
            amount_fen: 0,
            period: Some(format!("{year}-{month:02}")),
        });
    }
}
