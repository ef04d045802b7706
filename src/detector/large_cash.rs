//! `large-cash`: expense lines paid from 库存现金 above the cash threshold.
//!
//! ## What it finds
//! Candidate expense rows at or above `threshold` yuan whose voucher (same file, date and
//! voucher number) credits a cash account (`cash_accounts`).
//!
//! ## Why it matters
//! 现金管理暂行条例 sets 1,000 元 as the 结算起点; 公务卡强制结算目录 items should not be paid
//! in cash, and cash payouts "以活动名义" are a recurring audit finding.
//!
//! ## Parameters
//! `threshold` (1000), `cash_accounts` (["库存现金", "现金"]).
//!
//! ## Limits
//! Needs voucher numbers; rows without one are not grouped. 慰问金 to individuals may
//! legitimately be cash (narrow the rule's `[match]` to exclude them).

use rustc_hash::FxHashMap;

use serde::Deserialize;

use super::{Ctx, Hit, Output, UnitRows, fen, yuan};
use crate::ledger::Sym;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    #[serde(default = "default_cash")]
    pub cash_accounts: Vec<String>,
}

fn default_threshold() -> f64 {
    1000.0
}
fn default_cash() -> Vec<String> {
    vec!["库存现金".to_string(), "现金".to_string()]
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let limit = fen(p.threshold);
    // Cash paid out per voucher (a voucher is its file, date and number).
    let mut cash_out: FxHashMap<(u32, chrono::NaiveDate, Sym), i64> = FxHashMap::default();
    for &r in unit.all {
        let row = ctx.row(r);
        if row.credit > 0
            && row.voucher != Sym::EMPTY
            && p.cash_accounts
                .iter()
                .any(|a| ctx.account(r).starts_with(a.as_str()))
        {
            *cash_out.entry((r.file, row.date, row.voucher)).or_default() += row.credit;
        }
    }
    if cash_out.is_empty() {
        return;
    }
    for &r in unit.candidates {
        let row = ctx.row(r);
        let Some(&cash) = cash_out.get(&(r.file, row.date, row.voucher)) else {
            continue;
        };
        let voucher = ctx.voucher(r);
        if row.debit >= limit {
            out.hits.push(Hit {
                rows: vec![r],
                message: format!(
                    "凭证 {voucher} 以库存现金支付「{}」{} 元（该凭证现金付出 {} 元），超过现金结算起点 {} 元",
                    ctx.summary(r),
                    yuan(row.debit),
                    yuan(cash),
                    yuan(limit)
                ),
                amount_fen: row.debit,
                period: None,
            });
        }
    }
}
