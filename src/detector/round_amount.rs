//! `round-amount`: an unusually high share of round amounts for a unit and account.
//!
//! ## What it finds
//! Per unit and account, when at least `min_rows` candidate amounts exist and more than
//! `max_share` of them are whole multiples of `multiple` yuan.
//!
//! ## Why it matters
//! Real purchases rarely come to round thousands; many round amounts suggest estimates,
//! per-head cash handouts or invented costs (虚报费用).
//!
//! ## Parameters
//! `multiple` (1000), `min_rows` (10), `max_share` (0.5).
//!
//! ## Limits
//! Accounts that legitimately pay fixed sums (补助 standards, 会费 transfers) will show up;
//! exclude them in the rule's scope.

use serde::Deserialize;

use super::{Ctx, Hit, Output, RowRef, UnitRows, fen, yuan};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_multiple")]
    pub multiple: f64,
    #[serde(default = "default_rows")]
    pub min_rows: usize,
    #[serde(default = "default_share")]
    pub max_share: f64,
}

fn default_multiple() -> f64 {
    1000.0
}
fn default_rows() -> usize {
    10
}
fn default_share() -> f64 {
    0.5
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let step = fen(p.multiple).max(1);
    let accounts = super::payments_by_account(ctx, unit.candidates);
    for (_, rows) in accounts.iter() {
        let account = ctx.account(rows[0]);
        if rows.len() < p.min_rows {
            continue;
        }
        let round: Vec<RowRef> = rows
            .iter()
            .copied()
            .filter(|r| ctx.row(*r).debit % step == 0)
            .collect();
        let share = round.len() as f64 / rows.len() as f64;
        if share <= p.max_share {
            continue;
        }
        let total = round.iter().map(|r| ctx.row(*r).debit).sum();
        out.hits.push(Hit {
            message: format!(
                "科目「{account}」共 {} 笔支出，其中 {} 笔（{:.1}%）为 {} 元的整数倍，高于 {:.0}%，合计 {} 元",
                rows.len(),
                round.len(),
                share * 100.0,
                yuan(step),
                p.max_share * 100.0,
                yuan(total)
            ),
            rows: round,
            amount_fen: total,
            period: None,
        });
    }
}
