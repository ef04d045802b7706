//! `slush-fund`: money from the employer flowing in shortly before a festival and out
//! again on member gifts (小金库 / 行政经费转入工会发福利).
//!
//! ## What it finds
//! An inflow on one of `inflow_accounts` (行政补助收入, 其他收入) of at least `min_inflow`
//! yuan, followed within `follow_days` by candidate outflows (the rule's `[match]`: 慰问,
//! 会员活动 …) that fall within `days_before` days before one of `festivals`.
//!
//! ## Why it matters
//! "不准单位行政利用工会账户违规设立小金库" (八不准 #4); 人民日报 (2025-09-29) reported 行政
//! transferring 57,000 元 to a union account before 中秋国庆 to buy 29,700 元 of gifts.
//!
//! ## Parameters
//! `inflow_accounts`, `min_inflow` (10000), `follow_days` (30), `festivals`
//! (["春节", "中秋节", "国庆节"]), `days_before` (30).
//!
//! ## Limits
//! A legitimate 行政补助 paid before a festival looks the same; the finding asks for the
//! approval behind the transfer.

use serde::Deserialize;

use chrono::{Datelike, NaiveDate};

use super::{Ctx, Hit, Output, UnitRows, fen, vouchers, yuan};
use crate::calendar::Calendar;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "default_inflow")]
    pub inflow_accounts: Vec<String>,
    #[serde(default = "default_min")]
    pub min_inflow: f64,
    #[serde(default = "default_follow")]
    pub follow_days: i64,
    #[serde(default = "default_festivals")]
    pub festivals: Vec<String>,
    #[serde(default = "default_before")]
    pub days_before: i64,
}

fn default_inflow() -> Vec<String> {
    vec!["行政补助收入".to_string(), "其他收入".to_string()]
}
fn default_min() -> f64 {
    10000.0
}
fn default_follow() -> i64 {
    30
}
fn default_festivals() -> Vec<String> {
    ["春节", "中秋节", "国庆节"]
        .iter()
        .map(|s| (*s).to_string())
        .collect()
}
fn default_before() -> i64 {
    30
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let min = fen(p.min_inflow);
    // The candidates dated in a window before a festival (in date order), picked on first
    // need: most units have no inflow at all.
    let mut eligible: Option<Vec<super::RowRef>> = None;
    for &inflow in unit.all {
        let row = ctx.row(inflow);
        if row.credit < min {
            continue;
        }
        let account = ctx.account(inflow);
        if !p
            .inflow_accounts
            .iter()
            .any(|a| account.contains(a.as_str()))
        {
            continue;
        }
        let eligible = eligible.get_or_insert_with(|| {
            let dates: Vec<NaiveDate> = unit.candidates.iter().map(|&r| ctx.row(r).date).collect();
            let before = festival_windows(ctx.calendar, &p.festivals, p.days_before, &dates);
            (unit.candidates.iter().zip(before))
                .filter_map(|(&r, before)| before.then_some(r))
                .collect()
        });
        // Candidates are in date order: look only at those on or after the inflow.
        let from = eligible.partition_point(|r| ctx.row(*r).date < row.date);
        let outflows: Vec<_> = (eligible[from..].iter().copied())
            .take_while(|r| (ctx.row(*r).date - row.date).num_days() <= p.follow_days)
            .collect();
        if outflows.is_empty() {
            continue;
        }
        let spent: i64 = outflows.iter().map(|r| ctx.row(*r).debit).sum();
        let festival = ctx
            .calendar
            .before_festival(ctx.row(outflows[0]).date, &p.festivals, p.days_before)
            .map(|(f, days)| format!("{f}前 {days} 天"))
            .unwrap_or_default();
        let mut rows = vec![inflow];
        rows.extend(&outflows);
        out.hits.push(Hit {
            message: format!(
                "{} 收到「{}」{} 元，随后 {} 天内于{}支出「{}」等 {} 笔共 {} 元（凭证 {}），疑似行政经费转入工会发放福利（小金库）",
                row.date.format("%Y-%m-%d"),
                account.rsplit('/').next().unwrap_or(account),
                yuan(row.credit),
                (ctx.row(outflows[outflows.len() - 1]).date - row.date).num_days(),
                festival,
                ctx.summary(outflows[0]),
                outflows.len(),
                yuan(spent),
                vouchers(ctx, &outflows)
            ),
            rows,
            amount_fen: spent,
            period: None,
        });
    }
}

/// For each of `dates`, whether it falls within `days_before` days before one of
/// `festivals` in its year or the next, as [`Calendar::before_festival`] decides; the
/// festivals' days of each year are looked up once, not once per date.
fn festival_windows(
    calendar: &Calendar,
    festivals: &[String],
    days_before: i64,
    dates: &[NaiveDate],
) -> Vec<bool> {
    let (Some(first), Some(last)) = (
        dates.iter().map(|d| d.year()).min(),
        dates.iter().map(|d| d.year()).max(),
    ) else {
        return Vec::new();
    };
    // days[y - first]: the festivals' days in year y, for first ..= last + 1.
    let days: Vec<Vec<NaiveDate>> = (first..=last + 1)
        .map(|year| {
            (festivals.iter())
                .filter_map(|f| calendar.festival_date(f, year))
                .collect()
        })
        .collect();
    (dates.iter())
        .map(|&date| {
            let at = (date.year() - first) as usize;
            days[at..at + 2]
                .iter()
                .flatten()
                .any(|&day| (0..=days_before).contains(&(day - date).num_days()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The per-year table gives what asking the calendar date by date gives, for
        /// dates inside and beyond the official table and windows up to a year.
        #[test]
        fn festival_windows_match_the_calendar(
            days in proptest::collection::vec(0i64..12_000, 0..40),
            days_before in 0i64..400,
            which in proptest::collection::vec(0usize..7, 0..4),
        ) {
            let names = ["春节", "中秋节", "国庆节", "元旦", "端午节", "清明节", "无此节日"];
            let festivals: Vec<String> = which.iter().map(|&i| names[i].to_string()).collect();
            let start = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");
            let dates: Vec<NaiveDate> = days.iter().map(|&d| start + chrono::Days::new(d as u64)).collect();
            let calendar = Calendar::builtin();
            let want: Vec<bool> = (dates.iter())
                .map(|&d| calendar.before_festival(d, &festivals, days_before).is_some())
                .collect();
            proptest::prop_assert_eq!(festival_windows(calendar, &festivals, days_before, &dates), want);
        }
    }
}
