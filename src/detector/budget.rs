//! `budget`: spending against the budget table (严禁无预算、超预算支出) and year-on-year
//! growth of 三公经费.
//!
//! ## What it finds
//! - `check = "over"`: per unit, year and budget line, net spending on the line's account
//!   and its sub-accounts above the budget in force (调整后预算数 when given) × (1 +
//!   `tolerance`).
//! - `check = "unbudgeted"`: spending on an account no budget line of that unit and year
//!   covers, when the unit has a budget for the year.
//! - `check = "early-warning"`: a line whose cumulative spending reaches `warn_share` of
//!   its budget before `warn_before` (MM-DD).
//! - `check = "growth"`: the candidates' yearly total (e.g. the 三公 accounts) growing
//!   more than `growth_limit` over the previous year. Needs no budget table.
//!
//! Budget lines match ledger accounts by name path first (at any level), code second.
//! Reversals net, closing entries are left out.
//!
//! ## Why it matters
//! 先有预算、后有支出: spending without or beyond a budget line and budgets adjusted
//! without approval are standard audit findings; 三公经费 must not grow.
//!
//! ## Parameters
//! `check`, `tolerance` (0.0), `warn_share` (0.8), `warn_before` ("10-01"),
//! `growth_limit` (0.0).
//!
//! ## Limits
//! A unit without a budget table, or without a budget for a year, is reported as a note
//! ("budget check skipped: no budget for unit X"), never silently passed.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{Ctx, Hit, Output, RowRef, UnitRows, yuan};
use crate::reference::budget::BudgetLine;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    Over,
    Unbudgeted,
    EarlyWarning,
    Growth,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub check: Check,
    #[serde(default)]
    pub tolerance: f64,
    #[serde(default = "default_share")]
    pub warn_share: f64,
    #[serde(default = "default_before")]
    pub warn_before: String,
    #[serde(default)]
    pub growth_limit: f64,
    #[serde(default = "default_label")]
    pub label: String,
}

fn default_share() -> f64 {
    0.8
}
fn default_before() -> String {
    "10-01".to_string()
}
fn default_label() -> String {
    "支出".to_string()
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    if p.check == Check::Growth {
        return growth(p, ctx, unit, out);
    }
    let Some(budget) = &ctx.refs.budget else {
        if !unit.candidates.is_empty() {
            out.notes.push("budget check skipped: no budget table given (--budget) / 未提供预算表，预算检查已跳过".to_string());
        }
        return;
    };
    let mut years: BTreeMap<i32, Vec<RowRef>> = BTreeMap::new();
    for &r in unit.candidates {
        years.entry(ctx.row(r).date.year()).or_default().push(r);
    }
    for (year, rows) in years {
        let lines = budget.lines_for(unit.name, year);
        if lines.is_empty() {
            out.notes.push(format!("budget check skipped: no budget for unit {} in {year} / 预算表中没有该单位 {year} 年的预算，预算检查已跳过", unit.name));
            continue;
        }
        match p.check {
            Check::Over => over(p, ctx, year, lines, &rows, out),
            Check::Unbudgeted => unbudgeted(ctx, year, lines, &rows, out),
            Check::EarlyWarning => early_warning(p, ctx, year, lines, &rows, out),
            Check::Growth => {}
        }
    }
}

fn covered(ctx: &Ctx, line: &BudgetLine, rows: &[RowRef]) -> Vec<RowRef> {
    rows.iter()
        .copied()
        .filter(|r| line.covers(ctx.account(*r), ctx.text(*r, ctx.row(*r).account_code)))
        .collect()
}

fn budget_text(line: &BudgetLine) -> String {
    match line.adjusted {
        Some(adj) => format!(
            "调整后预算 {} 元（原预算 {} 元）",
            yuan(adj),
            yuan(line.original)
        ),
        None => format!("预算 {} 元", yuan(line.amount)),
    }
}

fn over(p: &Params, ctx: &Ctx, year: i32, lines: &[BudgetLine], rows: &[RowRef], out: &mut Output) {
    for line in lines {
        let rows = covered(ctx, line, rows);
        let spent: i64 = rows.iter().map(|r| ctx.row(*r).debit).sum();
        let allowed = line.amount as f64 * (1.0 + p.tolerance);
        if rows.is_empty() || (spent as f64) <= allowed {
            continue;
        }
        let pct = if line.amount > 0 {
            format!(
                "超 {:.1}%",
                (spent - line.amount) as f64 / line.amount as f64 * 100.0
            )
        } else {
            "预算为 0".to_string()
        };
        out.hits.push(Hit {
            message: format!(
                "{year} 年「{}」{} {} 元，超过{}（{pct}）；预算行 {}",
                line.label(),
                p.label,
                yuan(spent),
                budget_text(line),
                line.source
            ),
            rows,
            amount_fen: spent - line.amount,
            period: Some(format!("{year}")),
        });
    }
}

fn unbudgeted(ctx: &Ctx, year: i32, lines: &[BudgetLine], rows: &[RowRef], out: &mut Output) {
    let mut by_account: BTreeMap<&str, Vec<RowRef>> = BTreeMap::new();
    for &r in rows {
        let row = ctx.row(r);
        if !lines
            .iter()
            .any(|l| l.covers(ctx.account(r), ctx.text(r, row.account_code)))
        {
            by_account.entry(ctx.account(r)).or_default().push(r);
        }
    }
    for (account, rows) in by_account {
        let spent: i64 = rows.iter().map(|r| ctx.row(*r).debit).sum();
        if spent <= 0 {
            continue;
        }
        out.hits.push(Hit {
            message: format!("{year} 年「{account}」支出 {} 元（{} 笔），预算表中没有覆盖该科目的预算行，属无预算支出", yuan(spent), rows.len()),
            rows,
            amount_fen: spent,
            period: Some(format!("{year}")),
        });
    }
}

fn early_warning(
    p: &Params,
    ctx: &Ctx,
    year: i32,
    lines: &[BudgetLine],
    rows: &[RowRef],
    out: &mut Output,
) {
    let deadline = NaiveDate::parse_from_str(&format!("{year}-{}", p.warn_before), "%Y-%m-%d").ok();
    for line in lines {
        if line.amount <= 0 {
            continue;
        }
        let rows = covered(ctx, line, rows);
        let mut cumulative = 0i64;
        for (idx, &r) in rows.iter().enumerate() {
            cumulative += ctx.row(r).debit;
            let share = cumulative as f64 / line.amount as f64;
            if share >= p.warn_share {
                let date = ctx.row(r).date;
                if deadline.is_some_and(|d| date < d) {
                    out.hits.push(Hit {
                        message: format!(
                            "{} 「{}」累计支出 {} 元，已达{}的 {:.1}%（预警线 {:.0}%，早于 {}）",
                            date.format("%Y-%m-%d"),
                            line.label(),
                            yuan(cumulative),
                            budget_text(line),
                            share * 100.0,
                            p.warn_share * 100.0,
                            p.warn_before
                        ),
                        rows: rows[..=idx].iter().rev().take(20).copied().collect(),
                        amount_fen: cumulative,
                        period: Some(format!("{year}")),
                    });
                }
                break;
            }
        }
    }
}

fn growth(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let mut years: BTreeMap<i32, (i64, Vec<RowRef>)> = BTreeMap::new();
    for &r in unit.candidates {
        let e = years.entry(ctx.row(r).date.year()).or_default();
        e.0 += ctx.row(r).debit;
        e.1.push(r);
    }
    let mut previous: Option<(i32, i64)> = None;
    for (year, (total, rows)) in years {
        if let Some((prev_year, prev)) = previous
            && prev_year + 1 == year
            && prev > 0
            && total as f64 > prev as f64 * (1.0 + p.growth_limit)
        {
            out.hits.push(Hit {
                message: format!(
                    "{year} 年{} {} 元，比 {prev_year} 年 {} 元增长 {:.1}%（上限 {:.1}%）",
                    p.label,
                    yuan(total),
                    yuan(prev),
                    (total - prev) as f64 / prev as f64 * 100.0,
                    p.growth_limit * 100.0
                ),
                rows,
                amount_fen: total - prev,
                period: Some(format!("{year}")),
            });
        }
        previous = Some((year, total));
    }
}
