//! `sensitive-date`: spending in chosen categories on weekends, public holidays, or in the
//! days before a festival.
//!
//! ## What it finds
//! Candidate rows (the rule's `[match]` picks the categories: dining, gifts, travel …)
//! dated on a weekend (`weekends`), an official holiday (`holidays`), or within
//! `days_before` days before one of `festivals`. The official calendar with 调休 is
//! used: a weekend that is an official working day is not a weekend.
//!
//! ## Why it matters
//! Discipline-inspection cases cluster around 中秋/国庆 and 春节 (违规收送礼品礼金, 公款吃喝,
//! 公款旅游); weekend and holiday dining or travel is rarely union business.
//!
//! ## Parameters
//! `weekends` (true), `holidays` (true), `festivals` ([] = no window), `days_before` (15).
//!
//! ## Limits
//! The booking date is not always the spending date. For years beyond the shipped
//! calendar, holidays are computed from lunar dates without 调休 and each finding says so.

use serde::Deserialize;

use super::{Ctx, Hit, Output, UnitRows, yuan};
use crate::calendar::DayKind;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default = "yes")]
    pub weekends: bool,
    #[serde(default = "yes")]
    pub holidays: bool,
    #[serde(default)]
    pub festivals: Vec<String>,
    #[serde(default = "default_days")]
    pub days_before: i64,
}

fn yes() -> bool {
    true
}
fn default_days() -> i64 {
    15
}

const WEEKDAYS: [&str; 7] = [
    "星期一",
    "星期二",
    "星期三",
    "星期四",
    "星期五",
    "星期六",
    "星期日",
];

/// Why spending on `date` is sensitive, if it is: a holiday, a weekend, or a window
/// before a festival.
fn reason_of(p: &Params, ctx: &Ctx, date: chrono::NaiveDate) -> Option<String> {
    use chrono::Datelike;
    let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
    match ctx.calendar.day_kind(date) {
        DayKind::Holiday(festival) if p.holidays => Some(format!(
            "法定节假日（{}，{weekday}）",
            if festival.is_empty() {
                "假日"
            } else {
                &festival
            }
        )),
        DayKind::Weekend if p.weekends => Some(format!("周末（{weekday}）")),
        _ => None,
    }
    .or_else(|| {
        ctx.calendar
            .before_festival(date, &p.festivals, p.days_before)
            .map(|(festival, days)| {
                if days == 0 {
                    format!("{festival}当天")
                } else {
                    format!("{festival}前 {days} 天")
                }
            })
    })
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    use chrono::Datelike;
    let mut computed_years = std::collections::BTreeSet::new();
    // Candidates come in date order and a day has several: its reason is worked out once.
    let mut day: Option<(chrono::NaiveDate, Option<String>)> = None;
    for &r in unit.candidates {
        let row = ctx.row(r);
        let date = row.date;
        if day.as_ref().is_none_or(|(known, _)| *known != date) {
            day = Some((date, reason_of(p, ctx, date)));
        }
        let Some((_, Some(reason))) = &day else {
            continue;
        };
        if !ctx.calendar.covers(date.year()) {
            computed_years.insert(date.year());
        }
        out.hits.push(Hit {
            rows: vec![r],
            message: format!(
                "{} 发生于{reason}：「{}」{} 元",
                crate::ledger::value::date_text(date),
                ctx.summary(r),
                yuan(row.debit)
            ),
            amount_fen: row.debit,
            period: None,
        });
    }
    let (first, last) = ctx.calendar.coverage();
    for year in computed_years {
        out.notes.push(format!(
            "{year} 年不在官方节假日表范围（{first}–{last}）内，节假日按农历推算，未含调休安排 (holidays computed, no 调休 data)"
        ));
    }
}
