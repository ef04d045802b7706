//! `outlier`: amounts far from what the unit (or its peers) usually pays on an account.
//!
//! ## What it finds
//! Candidate rows whose robust z-score, 0.6745 × (x − median) / MAD over the amounts of
//! the same account, is at least `min_z`. With `compare = "peers"` the median and MAD are
//! taken over every unit in the scan (the same account path), so a unit paying far more
//! than its peers stands out.
//!
//! ## Why it matters
//! A single payment far above the usual (an inflated invoice, a purchase in the wrong
//! account) is what sampling should look at first. The median/MAD form is not distorted
//! by the outliers it is looking for (Iglewicz & Hoaglin's 3.5 rule).
//!
//! ## Parameters
//! `min_z` (3.5), `min_rows` (10), `compare` (`unit` | `peers`).
//!
//! ## Limits
//! Accounts with one big annual payment (insurance, equipment) produce expected outliers.
//! When more than half of the amounts are equal the MAD is zero and the account is skipped.

use serde::Deserialize;

use super::{Ctx, Hit, Output, UnitRows, median, yuan};

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Compare {
    Unit,
    Peers,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_z")]
    pub min_z: f64,
    #[serde(default = "default_rows")]
    pub min_rows: usize,
    #[serde(default = "default_compare")]
    pub compare: Compare,
}

fn default_z() -> f64 {
    3.5
}
fn default_rows() -> usize {
    10
}
fn default_compare() -> Compare {
    Compare::Unit
}

/// (median, MAD) of positive amounts (which it reorders), or None when the MAD is zero.
fn center(amounts: &mut [f64]) -> Option<(f64, f64)> {
    let med = median(amounts);
    let mut dev: Vec<f64> = amounts.iter().map(|a| (a - med).abs()).collect();
    let mad = median(&mut dev);
    (mad > 0.0).then_some((med, mad))
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let accounts = super::payments_by_account(ctx, unit.candidates);
    for (_, rows) in accounts.iter() {
        let account = ctx.account(rows[0]);
        let mut reference: Vec<f64> = match p.compare {
            Compare::Unit => rows.iter().map(|r| ctx.row(*r).debit as f64).collect(),
            Compare::Peers => peer_amounts(ctx, account),
        };
        if reference.len() < p.min_rows {
            continue;
        }
        let Some((med, mad)) = center(&mut reference) else {
            continue;
        };
        for &r in rows {
            let x = ctx.row(r).debit as f64;
            let z = 0.6745 * (x - med) / mad;
            if z >= p.min_z {
                let scope = match p.compare {
                    Compare::Unit => "本单位",
                    Compare::Peers => "全部单位",
                };
                out.hits.push(Hit {
                    rows: vec![r],
                    message: format!(
                        "「{}」{} 元远高于{scope}该科目的典型金额（中位数 {} 元，稳健 Z 值 {z:.1}，阈值 {:.1}）",
                        ctx.summary(r),
                        yuan(x as i64),
                        yuan(med.round() as i64),
                        p.min_z
                    ),
                    amount_fen: x as i64,
                    period: None,
                });
            }
        }
    }
}

/// Amounts of `account` across every file of the scan.
fn peer_amounts(ctx: &Ctx, account: &str) -> Vec<f64> {
    ctx.files
        .iter()
        .flat_map(|f| {
            f.rows
                .iter()
                .filter(move |r| r.debit > 0 && !r.closing && f.strings.get(r.account) == account)
                .map(|r| r.debit as f64)
        })
        .collect()
}
