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
//! Rows without a payee are compared by summary instead. A payment that was reversed
//! (a 红字 row of the same payee and amount in the unit) does not count. Instalments of
//! equal size to one supplier inside the window look like duplicates.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Ctx, Hit, Output, RowRef, UnitRows, vouchers, yuan};

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

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    // Reversals: (payee-or-summary, amount) pairs that were cancelled with a 红字 row.
    let mut reversed: BTreeMap<(&str, i64), usize> = BTreeMap::new();
    for &r in unit.all {
        let row = ctx.row(r);
        if row.debit < 0 {
            *reversed.entry((key(ctx, r), -row.debit)).or_default() += 1;
        }
    }
    let mut by_key: BTreeMap<&str, Vec<RowRef>> = BTreeMap::new();
    for &r in unit.candidates {
        if ctx.row(r).debit > 0 {
            by_key.entry(key(ctx, r)).or_default().push(r);
        }
    }
    for (payee, rows) in by_key {
        let mut used = vec![false; rows.len()];
        for i in 0..rows.len() {
            if used[i] {
                continue;
            }
            let a = ctx.row(rows[i]);
            let mut group = vec![rows[i]];
            for j in i + 1..rows.len() {
                let b = ctx.row(rows[j]);
                if (b.date - a.date).num_days() > p.window_days {
                    break;
                }
                let same_voucher =
                    a.voucher == b.voucher && rows[i].file == rows[j].file && a.date == b.date;
                let same_summary = ctx.summary(rows[i]) == ctx.summary(rows[j]);
                let exact = a.debit == b.debit && (!p.same_summary || same_summary);
                let near = p.near_tolerance > 0.0
                    && same_summary
                    && (a.debit - b.debit).abs() as f64
                        <= p.near_tolerance * a.debit.max(b.debit) as f64;
                if !used[j] && !same_voucher && (exact || near) {
                    group.push(rows[j]);
                    used[j] = true;
                }
            }
            let cancelled = reversed.get(&(payee, a.debit)).copied().unwrap_or(0);
            if group.len() < 2 + cancelled {
                continue;
            }
            let first = ctx.row(group[0]).date;
            let last = ctx.row(group[group.len() - 1]).date;
            let exact_all = group.iter().all(|r| ctx.row(*r).debit == a.debit);
            let message = format!(
                "付给「{payee}」的款项在 {} 天内支付了 {} 次（凭证 {}），{}，疑似重复支付",
                (last - first).num_days() + 1,
                group.len(),
                vouchers(ctx, &group),
                if exact_all {
                    format!("每次 {} 元", yuan(a.debit))
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
    }
}

fn key<'a>(ctx: &Ctx<'a>, r: RowRef) -> &'a str {
    let payee = ctx.payee(r);
    if payee.is_empty() {
        ctx.summary(r)
    } else {
        payee
    }
}
