//! `near-threshold`: single amounts just below an approval threshold.
//!
//! ## What it finds
//! Candidate rows whose amount is below one of `thresholds` by at most `within` (a
//! fraction: 0.05 = 5%).
//!
//! ## Why it matters
//! Amounts bunched just under 5,000 / 10,000 / 50,000 suggest a request shaped to avoid
//! the next approval level.
//!
//! ## Parameters
//! `thresholds` ([5000, 10000, 50000]), `within` (0.05).
//!
//! ## Limits
//! Legitimate prices near a round number are flagged too; use it as a sampling aid.

use serde::Deserialize;

use super::{Ctx, Hit, Output, UnitRows, fen, yuan};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_thresholds")]
    pub thresholds: Vec<f64>,
    #[serde(default = "default_within")]
    pub within: f64,
}

fn default_thresholds() -> Vec<f64> {
    vec![5000.0, 10000.0, 50000.0]
}
fn default_within() -> f64 {
    0.05
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    // (floor, limit) in fen per threshold, worked out once, not per candidate.
    let bands: Vec<(i64, i64)> = (p.thresholds.iter())
        .map(|&t| {
            let limit = fen(t);
            (limit - (limit as f64 * p.within).round() as i64, limit)
        })
        .collect();
    for &r in unit.candidates {
        let amount = ctx.row(r).debit;
        for &(floor, limit) in &bands {
            if amount >= floor && amount < limit {
                let gap = (limit - amount) as f64 / limit as f64 * 100.0;
                out.hits.push(Hit {
                    rows: vec![r],
                    message: format!(
                        "「{}」金额 {} 元，略低于审批限额 {} 元（差 {gap:.1}%）",
                        ctx.summary(r),
                        yuan(amount),
                        yuan(limit)
                    ),
                    amount_fen: amount,
                    period: None,
                });
                break;
            }
        }
    }
}
