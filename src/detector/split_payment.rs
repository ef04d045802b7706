//! `split-payment`: one purchase split into several payments that each stay under an
//! approval limit.
//!
//! ## What it finds
//! At least `min_count` candidate payments to the same payee (or by the same handler,
//! `by = "handler"`) within `window_days`, each below `threshold` yuan, together at or
//! above it. A payment is a voucher: its lines to the payee count once, with their total
//! (a reimbursement booked on several lines was approved once, as one sum), as in
//! `duplicate-payment`.
//!
//! ## Why it matters
//! Splitting (拆分报销) is the usual way round a second approver or a procurement rule.
//!
//! ## Parameters
//! `threshold` (5000), `window_days` (7), `min_count` (2), `by` (`payee` | `handler`).
//!
//! ## Limits
//! Payees are matched by name only; rows with an empty payee/handler are not grouped.

use serde::Deserialize;

use super::{Ctx, Hit, Output, RowRef, UnitRows, fen, yuan};

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum By {
    Payee,
    Handler,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    #[serde(default = "default_window")]
    pub window_days: i64,
    #[serde(default = "default_min_count")]
    pub min_count: usize,
    #[serde(default = "default_by")]
    pub by: By,
}

fn default_threshold() -> f64 {
    5000.0
}
fn default_window() -> i64 {
    7
}
fn default_min_count() -> usize {
    2
}
fn default_by() -> By {
    By::Payee
}

/// One payment to a payee: the lines of one voucher to it (their total), as
/// `rows[start..end]` of the group's rows regrouped by payment.
struct Payment {
    date: chrono::NaiveDate,
    total: i64,
    start: usize,
    end: usize,
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let limit = fen(p.threshold);
    let min_count = p.min_count.max(2);
    let who = |row: &crate::ledger::Row| match p.by {
        By::Payee => row.payee,
        By::Handler => row.handler,
    };
    // A group needs two rows at least: one payment under the limit stays under it. A
    // line at or over the limit is kept here: its voucher's total decides.
    let groups = super::group_by(
        unit.candidates.iter().filter_map(|&r| {
            let row = ctx.row(r);
            let key = who(row);
            (row.debit > 0 && key != crate::ledger::Sym::EMPTY).then(|| (ctx.id(r, key), r))
        }),
        min_count,
    );
    let mut rows: Vec<RowRef> = Vec::new();
    let mut payments: Vec<Payment> = Vec::new();
    for (_, group) in groups.iter() {
        payments_of(ctx, group, limit, &mut rows, &mut payments);
        if payments.len() < min_count {
            continue;
        }
        let key = ctx.text(group[0], who(ctx.row(group[0])));
        // Two pointers over payments: `end` only moves forward, `sum` is the total of
        // payments[start..end].
        let (mut start, mut end, mut sum) = (0usize, 0usize, 0i64);
        while start < payments.len() {
            if end < start {
                (end, sum) = (start, 0);
            }
            let first = payments[start].date;
            while end < payments.len() && (payments[end].date - first).num_days() <= p.window_days {
                sum += payments[end].total;
                end += 1;
            }
            let window = &payments[start..end];
            if window.len() >= min_count && sum >= limit {
                let days = (window[window.len() - 1].date - first).num_days() + 1;
                let who = match p.by {
                    By::Payee => format!("付给「{key}」"),
                    By::Handler => format!("经办人「{key}」经手"),
                };
                out.hits.push(Hit {
                    rows: rows[window[0].start..window[window.len() - 1].end].to_vec(),
                    message: format!(
                        "{} 笔{}的款项在 {days} 天内合计 {} 元，单笔均低于审批限额 {} 元，疑似拆分支付",
                        window.len(),
                        who,
                        yuan(sum),
                        yuan(limit)
                    ),
                    amount_fen: sum,
                    period: None,
                });
                (start, sum) = (end, 0);
            } else {
                sum -= payments[start].total;
                start += 1;
            }
        }
    }
}

/// The payments among `group` (one payee's rows in date order): the lines of one voucher
/// are one payment, as they are one reimbursement approved once, and a payment of `limit`
/// or more is left out (it went through approval). `rows` gets the kept payments' rows,
/// each payment's together, payments in date order (on one day, in order of first line).
fn payments_of(
    ctx: &Ctx,
    group: &[RowRef],
    limit: i64,
    rows: &mut Vec<RowRef>,
    payments: &mut Vec<Payment>,
) {
    rows.clear();
    payments.clear();
    let voucher = |r: RowRef| (r.file, ctx.row(r).voucher);
    // (voucher number within the day, row); a day usually has one voucher per payee.
    let mut order: Vec<(usize, RowRef)> = Vec::new();
    let mut seen: Vec<(u32, crate::ledger::Sym)> = Vec::new();
    for day in group.chunk_by(|&a, &b| ctx.row(a).date == ctx.row(b).date) {
        order.clear();
        seen.clear();
        for &r in day {
            let v = voucher(r);
            let n = seen.iter().position(|&s| s == v).unwrap_or_else(|| {
                seen.push(v);
                seen.len() - 1
            });
            order.push((n, r));
        }
        // Each voucher's lines together, vouchers in order of their first line.
        order.sort_by_key(|&(n, _)| n);
        for same in order.chunk_by(|a, b| a.0 == b.0) {
            let total: i64 = same.iter().map(|&(_, r)| ctx.row(r).debit).sum();
            if total < limit {
                let start = rows.len();
                rows.extend(same.iter().map(|&(_, r)| r));
                payments.push(Payment {
                    date: ctx.row(same[0].1).date,
                    total,
                    start,
                    end: rows.len(),
                });
            }
        }
    }
}
