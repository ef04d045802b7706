//! The official Chinese holiday calendar (法定节假日 and 调休 working days), shipped as data
//! in `rules/calendar/` (source and regeneration script in its README), with a computed
//! fallback for years the table does not cover.
//!
//! Within the table's years a day is a holiday, an adjusted working day (a weekend the
//! State Council made a working day, which is *not* a weekend), a weekend or a workday.
//! Outside them, weekends are plain Saturdays and Sundays, festivals come from the lunar
//! table (1990–2100), and every answer says it was computed so reports can warn.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};

/// What kind of day a date is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DayKind {
    Workday,
    Weekend,
    /// An official day off; the festival name when known.
    Holiday(String),
    /// A weekend day that is an official 调休 working day.
    AdjustedWorkday(String),
}

/// The national festivals union rules name (逢年过节).
pub const FESTIVALS: [&str; 7] = [
    "元旦",
    "春节",
    "清明节",
    "劳动节",
    "端午节",
    "中秋节",
    "国庆节",
];

#[derive(Debug)]
pub struct Calendar {
    days: HashMap<NaiveDate, DayKind>,
    first_year: i32,
    last_year: i32,
    lunar: HashMap<i32, [NaiveDate; 4]>,
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

impl Calendar {
    /// Builds a calendar from the two CSV tables (see `rules/calendar/README.md`).
    pub fn from_tables(holidays: &str, lunar: &str) -> Calendar {
        let mut days = HashMap::new();
        let (mut first_year, mut last_year) = (i32::MAX, i32::MIN);
        for line in holidays.lines().skip(1) {
            let mut cols = line.split(',');
            let (Some(date), Some(kind)) = (cols.next().and_then(parse_date), cols.next()) else {
                continue;
            };
            let festival = cols.next().unwrap_or("").trim().to_string();
            first_year = first_year.min(date.year());
            last_year = last_year.max(date.year());
            let kind = if kind.trim() == "work" {
                DayKind::AdjustedWorkday(festival)
            } else {
                DayKind::Holiday(festival)
            };
            days.insert(date, kind);
        }
        let mut lunar_days = HashMap::new();
        for line in lunar.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            if let [year, chunjie, duanwu, zhongqiu, qingming] = cols.as_slice()
                && let (Ok(year), Some(a), Some(b), Some(c), Some(d)) = (
                    year.trim().parse::<i32>(),
                    parse_date(chunjie),
                    parse_date(duanwu),
                    parse_date(zhongqiu),
                    parse_date(qingming),
                )
            {
                lunar_days.insert(year, [a, b, c, d]);
            }
        }
        Calendar {
            days,
            first_year,
            last_year,
            lunar: lunar_days,
        }
    }

    /// The calendar shipped in the rule pack.
    pub fn builtin() -> &'static Calendar {
        static CAL: OnceLock<Calendar> = OnceLock::new();
        CAL.get_or_init(|| {
            let find = |name: &str| {
                crate::rule::load::embedded_files()
                    .iter()
                    .find(|(p, _)| *p == name)
                    .map_or("", |(_, t)| *t)
            };
            Calendar::from_tables(
                find("calendar/holidays-cn.csv"),
                find("calendar/lunar-festivals.csv"),
            )
        })
    }

    /// Years with official data, e.g. (2004, 2026).
    pub fn coverage(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    /// True when `year` has official holiday data (else answers are computed).
    pub fn covers(&self, year: i32) -> bool {
        (self.first_year..=self.last_year).contains(&year)
    }

    /// The kind of day `date` is.
    pub fn day_kind(&self, date: NaiveDate) -> DayKind {
        if let Some(kind) = self.days.get(&date) {
            return kind.clone();
        }
        if !self.covers(date.year())
            && let Some(festival) = self.computed_holiday(date)
        {
            return DayKind::Holiday(festival.to_string());
        }
        match date.weekday() {
            Weekday::Sat | Weekday::Sun => DayKind::Weekend,
            _ => DayKind::Workday,
        }
    }

    /// Festival days by the statutory rule, for years without official data.
    fn computed_holiday(&self, date: NaiveDate) -> Option<&'static str> {
        let (m, d) = (date.month(), date.day());
        if (m, d) == (1, 1) {
            return Some("元旦");
        }
        if m == 5 && d <= 2 {
            return Some("劳动节");
        }
        if m == 10 && d <= 3 {
            return Some("国庆节");
        }
        let [chunjie, duanwu, zhongqiu, qingming] = *self.lunar.get(&date.year())?;
        let days_from = |day: NaiveDate| (date - day).num_days();
        if (-1..=2).contains(&days_from(chunjie)) {
            return Some("春节");
        }
        [
            (duanwu, "端午节"),
            (zhongqiu, "中秋节"),
            (qingming, "清明节"),
        ]
        .into_iter()
        .find(|(day, _)| days_from(*day) == 0)
        .map(|(_, name)| name)
    }

    /// The main day of `festival` in `year` (春节 = 正月初一, 中秋 = 八月十五 …).
    pub fn festival_date(&self, festival: &str, year: i32) -> Option<NaiveDate> {
        let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d);
        match festival {
            "元旦" => fixed(1, 1),
            "劳动节" => fixed(5, 1),
            "国庆节" => fixed(10, 1),
            _ => {
                let [chunjie, duanwu, zhongqiu, qingming] = *self.lunar.get(&year)?;
                match festival {
                    "春节" => Some(chunjie),
                    "端午节" => Some(duanwu),
                    "中秋节" => Some(zhongqiu),
                    "清明节" => Some(qingming),
                    _ => None,
                }
            }
        }
    }

    /// If `date` falls within `days_before` days before one of `festivals` (or on it),
    /// that festival and the number of days to it.
    pub fn before_festival(
        &self,
        date: NaiveDate,
        festivals: &[String],
        days_before: i64,
    ) -> Option<(String, i64)> {
        for festival in festivals {
            for year in [date.year(), date.year() + 1] {
                if let Some(day) = self.festival_date(festival, year) {
                    let ahead = (day - date).num_days();
                    if (0..=days_before).contains(&ahead) {
                        return Some((festival.clone(), ahead));
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn official_days_2025_and_2026() {
        let cal = Calendar::builtin();
        assert_eq!(cal.coverage().0, 2004);
        assert!(cal.covers(2026) && !cal.covers(2027));
        assert!(matches!(cal.day_kind(d(2025, 1, 28)), DayKind::Holiday(f) if f == "春节"));
        // 2025-01-26 is a Sunday made a working day: not a weekend.
        assert!(matches!(
            cal.day_kind(d(2025, 1, 26)),
            DayKind::AdjustedWorkday(_)
        ));
        assert_eq!(cal.day_kind(d(2025, 1, 25)), DayKind::Weekend);
        assert_eq!(cal.day_kind(d(2025, 1, 27)), DayKind::Workday);
        assert!(matches!(cal.day_kind(d(2026, 2, 23)), DayKind::Holiday(_)));
        assert!(matches!(
            cal.day_kind(d(2026, 2, 28)),
            DayKind::AdjustedWorkday(_)
        ));
    }

    #[test]
    fn computed_beyond_the_table() {
        let cal = Calendar::builtin();
        assert_eq!(cal.festival_date("春节", 2027), Some(d(2027, 2, 6)));
        assert!(matches!(cal.day_kind(d(2027, 2, 6)), DayKind::Holiday(f) if f == "春节"));
        assert!(matches!(cal.day_kind(d(2027, 10, 2)), DayKind::Holiday(f) if f == "国庆节"));
        assert_eq!(
            cal.before_festival(d(2025, 9, 25), &["中秋节".to_string()], 15),
            Some(("中秋节".to_string(), 11))
        );
        assert_eq!(
            cal.before_festival(d(2025, 12, 20), &["春节".to_string()], 15),
            None
        );
        assert_eq!(
            cal.before_festival(d(2026, 2, 10), &["春节".to_string()], 15),
            Some(("春节".to_string(), 7))
        );
    }
}
