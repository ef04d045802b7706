//! `split-payment`: one purchase split into several payments that each stay under an
//! approval limit.
//!
//! ## What it finds
//! At least `min_count` candidate payments to the same payee (or by the same handler,
//! `by = "handler"`) within `window_days`, each below `threshold` yuan, together at or
//! above it.
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

use super::{Ctx, Hit, Output, UnitRows, fen, yuan};

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

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let limit = fen(p.threshold);
    let who = |row: &crate::ledger::Row| match p.by {
        By::Payee => row.payee,
        By::Handler => row.handler,
    };
    // A group needs two rows at least: one payment under the limit stays under it.
    let groups = super::group_by(
        unit.candidates.iter().filter_map(|&r| {
            let row = ctx.row(r);
            let key = who(row);
            (row.debit > 0 && row.debit < limit && key != crate::ledger::Sym::EMPTY)
                .then(|| (ctx.id(r, key), r))
        }),
        p.min_count.max(2),
    );
    for (_, rows) in groups.iter() {
        let key = ctx.text(rows[0], who(ctx.row(rows[0])));
        // Two pointers: `end` only moves forward, `sum` is the total of rows[start..end].
        let (mut start, mut end, mut sum) = (0usize, 0usize, 0i64);
        while start < rows.len() {
            if end < start {
                (end, sum) = (start, 0);
            }
            let first = ctx.row(rows[start]).date;
            while end < rows.len() && (ctx.row(rows[end]).date - first).num_days() <= p.window_days
            {
                sum += ctx.row(rows[end]).debit;
                end += 1;
            }
            let window = &rows[start..end];
            if window.len() >= p.min_count.max(2) && sum >= limit {
                let days = (ctx.row(window[window.len() - 1]).date - first).num_days() + 1;
                let who = match p.by {
                    By::Payee => format!("付给「{key}」"),
                    By::Handler => format!("经办人「{key}」经手"),
                };
                out.hits.push(Hit {
                    rows: window.to_vec(),
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
                sum -= ctx.row(rows[start]).debit;
                start += 1;
            }
        }
    }
}
