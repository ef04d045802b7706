//! Small value types and formatters shared by the synthetic-ledger writers:
//! a calendar date, money in fen (cents), and GBK encoding that refuses to
//! silently replace characters.

use std::fmt::Write as _;
use std::io;

/// A plain calendar date (no time zone, no clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub y: u16,
    pub m: u8,
    pub d: u8,
}

impl Date {
    pub const fn new(y: u16, m: u8, d: u8) -> Self {
        Date { y, m, d }
    }

    /// `2022-01-05`
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }

    /// `2022.01.05` (用友 U8)
    pub fn dotted(self) -> String {
        format!("{:04}.{:02}.{:02}", self.y, self.m, self.d)
    }

    /// `2021/3/5` (精斗云)
    pub fn slash_short(self) -> String {
        format!("{}/{}/{}", self.y, self.m, self.d)
    }

    /// `2022年3月5日`
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.y, self.m, self.d)
    }

    /// `20220305`
    pub fn compact(self) -> String {
        format!("{:04}{:02}{:02}", self.y, self.m, self.d)
    }

    /// The date `days` later (or earlier when negative), within a few months.
    pub fn add_days(self, days: i32) -> Date {
        let mut d = self;
        let mut left = days;
        while left > 0 {
            d = d.succ();
            left -= 1;
        }
        while left < 0 {
            d = d.pred();
            left += 1;
        }
        d
    }

    pub fn succ(self) -> Date {
        if self.d < days_in_month(self.y, self.m) {
            Date::new(self.y, self.m, self.d + 1)
        } else if self.m < 12 {
            Date::new(self.y, self.m + 1, 1)
        } else {
            Date::new(self.y + 1, 1, 1)
        }
    }

    pub fn pred(self) -> Date {
        if self.d > 1 {
            Date::new(self.y, self.m, self.d - 1)
        } else if self.m > 1 {
            Date::new(self.y, self.m - 1, days_in_month(self.y, self.m - 1))
        } else {
            Date::new(self.y - 1, 12, 31)
        }
    }
}

pub fn is_leap(y: u16) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

pub fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Spring Festival (春节) for the years the sample set covers.
pub fn spring_festival(y: u16) -> Date {
    match y {
        2021 => Date::new(2021, 2, 12),
        _ => Date::new(2022, 2, 1),
    }
}

/// Mid-Autumn Festival (中秋) for the years the sample set covers.
pub fn mid_autumn(y: u16) -> Date {
    match y {
        2021 => Date::new(2021, 9, 21),
        _ => Date::new(2022, 9, 10),
    }
}

/// `123456` fen ⇒ `1234.56`; negative values get a leading `-`.
pub fn plain(fen: i64) -> String {
    let mut s = String::with_capacity(16);
    push_plain(&mut s, fen);
    s
}

pub fn push_plain(out: &mut String, fen: i64) {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:02}", a / 100, a % 100);
}

/// `123456789` fen ⇒ `1,234,567.89` (千分位).
pub fn thousands(fen: i64) -> String {
    let a = fen.unsigned_abs();
    let int = (a / 100).to_string();
    let mut s = String::with_capacity(int.len() + 8);
    if fen < 0 {
        s.push('-');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(ch);
    }
    let _ = write!(s, ".{:02}", a % 100);
    s
}

/// Encode to GBK, failing instead of emitting `&#NNNN;` replacements.
pub fn to_gbk(s: &str) -> io::Result<Vec<u8>> {
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(s);
    if had_errors {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "synthetic text contains a character that GBK cannot encode",
        ));
    }
    Ok(bytes.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats() {
        assert_eq!(plain(123_450), "1234.50");
        assert_eq!(plain(-5), "-0.05");
        assert_eq!(thousands(123_450), "1,234.50");
        assert_eq!(thousands(100_000_000), "1,000,000.00");
        assert_eq!(thousands(99_900), "999.00");
    }

    #[test]
    fn date_arithmetic() {
        assert_eq!(Date::new(2021, 12, 31).succ(), Date::new(2022, 1, 1));
        assert_eq!(Date::new(2022, 3, 1).pred(), Date::new(2022, 2, 28));
        assert_eq!(Date::new(2022, 9, 10).add_days(-10), Date::new(2022, 8, 31));
        assert_eq!(Date::new(2022, 3, 5).chinese(), "2022年3月5日");
        assert_eq!(Date::new(2021, 3, 5).slash_short(), "2021/3/5");
    }
}
