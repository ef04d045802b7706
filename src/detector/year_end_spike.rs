//! `year-end-spike`: December spending far above the unit's usual month (年末突击花钱).
//!
//! ## What it finds
//! Per unit and year, the candidate spending in December compared with the median of
//! the months January–November that have spending; flagged when December is at least
//! `ratio` times that median and at least `min_amount` yuan.
//!
//! ## Why it matters
//! Spending a budget down before year end (突击花钱) is a standard audit finding and often
//! hides purchases without need or approval.
//!
//! ## Parameters
//! `ratio` (2.0), `min_amount` (10000), `min_months` (6: months with spending needed
//! before the median means anything; fewer is reported as not applicable).
//!
//! ## Limits
//! Units whose activities really fall in December (年终慰问 budgets) will show up; the
//! evidence lists the ten largest December rows to check.

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::Deserialize;

use super::{Ctx, Hit, Output, RowRef, UnitRows, fen, median, yuan};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_ratio")]
    pub ratio: f64,
    #[serde(default = "default_min")]
    pub min_amount: f64,
    #[serde(default = "default_months")]
    pub min_months: usize,
}

fn default_ratio() -> f64 {
    2.0
}
fn default_min() -> f64 {
    10000.0
}
fn default_months() -> usize {
    6
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let mut years: BTreeMap<i32, [i64; 12]> = BTreeMap::new();
    let mut december: BTreeMap<i32, Vec<RowRef>> = BTreeMap::new();
    for &r in unit.candidates {
        let row = ctx.row(r);
        years.entry(row.date.year()).or_default()[row.date.month0() as usize] += row.debit;
        if row.date.month() == 12 {
            december.entry(row.date.year()).or_default().push(r);
        }
    }
    for (year, months) in years {
        let dec = months[11];
        if dec <= 0 {
            continue;
        }
        let mut others: Vec<f64> = months[..11]
            .iter()
            .filter(|m| **m > 0)
            .map(|m| *m as f64)
            .collect();
        if others.len() < p.min_months {
            out.notes.push(format!(
                "{year} 年：1–11 月只有 {} 个月有支出，少于 {}，不做年末突击检查 (not applicable)",
                others.len(),
                p.min_months
            ));
            continue;
        }
        let med = median(&mut others);
        if med <= 0.0 || (dec as f64) < p.ratio * med || dec < fen(p.min_amount) {
            continue;
        }
        let mut rows = december.remove(&year).unwrap_or_default();
        rows.sort_by_key(|r| std::cmp::Reverse(ctx.row(*r).debit));
        rows.truncate(10);
        out.hits.push(Hit {
            rows,
            message: format!(
                "{year} 年 12 月支出 {} 元，是 1–11 月月度中位数 {} 元的 {:.1} 倍（阈值 {:.1} 倍），疑似年末突击花钱",
                yuan(dec),
                yuan(med.round() as i64),
                dec as f64 / med,
                p.ratio
            ),
            amount_fen: dec,
            period: Some(format!("{year}-12")),
        });
    }
}
