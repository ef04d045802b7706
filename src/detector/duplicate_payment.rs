//! `duplicate-payment`: the same payment made twice.
//!
//! ## What it finds
//! Candidate rows to the same payee with the same amount (and, with `same_summary`, the
//! same summary) in *different* vouchers within `window_days`. The near form
//! (`near_tolerance` > 0) also pairs rows with the same payee and summary whose amounts
//! differ by at most that fraction.
//!
//! ## Why it matters
//! Paying an invoice twice, or booking one expense in two vouchers, is the commonest
//! way money leaves without a purchase behind it (重复报销).
//!
//! ## Parameters
//! `window_days` (10), `same_summary` (false), `near_tolerance` (0.0 = exact only).
//!
//! ## Limits
//! Rows without a payee are compared by summary instead (exact form only). A payment
//! that was reversed (a 红字 row of the same payee and amount in the unit) does not count.
//! Instalments of equal size to one supplier inside the window look like duplicates. The
//! near form compares each payment with the next 16 of the same payee and summary, so
//! the cost stays linear. Runs in O(n log n).

use serde::Deserialize;

use super::{Ctx, Hit, Output, RowRef, UnitRows, group_by, vouchers, yuan};
use crate::ledger::Sym;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_window")]
    pub window_days: i64,
    #[serde(default)]
    pub same_summary: bool,
    #[serde(default)]
    pub near_tolerance: f64,
}

fn default_window() -> i64 {
    10
}

/// How many later rows of the same payee and summary a row is compared with for the near
/// form: keeps the cost linear when one payee has thousands of payments in a window.
const NEAR_NEIGHBOURS: usize = 16;

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    // Reversals: (payee-or-summary, amount) pairs that were cancelled with a 红字 row.
    let mut reversed: rustc_hash::FxHashMap<(u32, i64), usize> = Default::default();
    for &r in unit.all {
        let row = ctx.row(r);
        if row.debit < 0 {
            *reversed.entry((key(ctx, r), -row.debit)).or_default() += 1;
        }
    }
    // Exact form: rows with the same key and amount, in date order (candidates are).
    let exact = group_by(
        unit.candidates.iter().filter_map(|&r| {
            let debit = ctx.row(r).debit;
            (debit > 0).then(|| ((key(ctx, r), debit), r))
        }),
        2,
    );
    for ((payee, amount), rows) in exact.iter() {
        let cancelled = reversed.get(&(payee, amount)).copied().unwrap_or(0);
        // Most (payee, amount) pairs occur once: nothing to compare.
        if rows.len() < 2 + cancelled {
            continue;
        }
        let payee = key_text(ctx, rows[0]);
        let mut start = 0;
        while start < rows.len() {
            let first = ctx.row(rows[start]).date;
            let mut end = start + 1;
            while end < rows.len() && (ctx.row(rows[end]).date - first).num_days() <= p.window_days
            {
                end += 1;
            }
            if end - start >= 2 + cancelled {
                let mut group: Vec<RowRef> = Vec::with_capacity(end - start);
                for &r in &rows[start..end] {
                    // Lines of one voucher are one payment, not two.
                    if !group.iter().any(|g| same_voucher(ctx, *g, r)) {
                        group.push(r);
                    }
                }
                if group.len() >= 2 + cancelled && (!p.same_summary || same_summaries(ctx, &group))
                {
                    push(ctx, out, payee, group);
                }
            }
            start = end;
        }
    }
    if p.near_tolerance <= 0.0 {
        return;
    }
    // Near form: same payee and summary, amounts within the tolerance but not equal.
    let near = group_by(
        unit.candidates
            .iter()
            .filter(|&&r| ctx.row(r).debit > 0 && ctx.row(r).payee != Sym::EMPTY)
            .map(|&r| {
                (
                    (ctx.id(r, ctx.row(r).payee), ctx.id(r, ctx.row(r).summary)),
                    r,
                )
            }),
        2,
    );
    let mut used: Vec<bool> = Vec::new();
    for (_, rows) in near.iter() {
        used.clear();
        used.resize(rows.len(), false);
        for i in 0..rows.len() {
            if used[i] {
                continue;
            }
            let a = ctx.row(rows[i]);
            let mut group: Vec<RowRef> = Vec::new();
            for j in (i + 1..rows.len()).take(NEAR_NEIGHBOURS) {
                let b = ctx.row(rows[j]);
                if (b.date - a.date).num_days() > p.window_days {
                    break;
                }
                let close = (a.debit - b.debit).abs() as f64
                    <= p.near_tolerance * a.debit.max(b.debit) as f64;
                if !used[j] && a.debit != b.debit && close && !same_voucher(ctx, rows[i], rows[j]) {
                    if group.is_empty() {
                        group.push(rows[i]);
                    }
                    group.push(rows[j]);
                    used[j] = true;
                }
            }
            if group.len() >= 2 {
                used[i] = true;
                push(ctx, out, ctx.payee(rows[0]), group);
            }
        }
    }
}

fn same_voucher(ctx: &Ctx, a: RowRef, b: RowRef) -> bool {
    let (x, y) = (ctx.row(a), ctx.row(b));
    a.file == b.file && x.date == y.date && x.voucher == y.voucher
}

fn same_summaries(ctx: &Ctx, rows: &[RowRef]) -> bool {
    rows.windows(2)
        .all(|w| ctx.summary(w[0]) == ctx.summary(w[1]))
}

fn push(ctx: &Ctx, out: &mut Output, payee: &str, group: Vec<RowRef>) {
    let first = ctx.row(group[0]).date;
    let last = ctx.row(group[group.len() - 1]).date;
    let amount = ctx.row(group[0]).debit;
    let exact_all = group.iter().all(|r| ctx.row(*r).debit == amount);
    let message = format!(
        "付给「{payee}」的款项在 {} 天内支付了 {} 次（凭证 {}），{}，疑似重复支付",
        (last - first).num_days() + 1,
        group.len(),
        vouchers(ctx, &group),
        if exact_all {
            format!("每次 {} 元", yuan(amount))
        } else {
            format!(
                "金额相近（{}）",
                group
                    .iter()
                    .map(|r| yuan(ctx.row(*r).debit))
                    .collect::<Vec<_>>()
                    .join("、")
            )
        }
    );
    let amount_fen = group.iter().skip(1).map(|r| ctx.row(*r).debit).sum();
    out.hits.push(Hit {
        rows: group,
        message,
        amount_fen,
        period: None,
    });
}

/// Who was paid: the payee, or the summary when there is none.
fn key_text<'a>(ctx: &Ctx<'a>, r: RowRef) -> &'a str {
    let payee = ctx.payee(r);
    if payee.is_empty() {
        ctx.summary(r)
    } else {
        payee
    }
}

/// [`key_text`] as a scan-wide number (a payee and a summary of the same text are the
/// same key, as they were when the texts were compared).
fn key(ctx: &Ctx, r: RowRef) -> u32 {
    let row = ctx.row(r);
    let sym = if row.payee == Sym::EMPTY {
        row.summary
    } else {
        row.payee
    };
    ctx.id(r, sym)
}
