//! Property tests for the value parsers: money round-trips through every spelling the
//! reader accepts, dates through every date format, and no input makes them panic.

use chrono::NaiveDate;
use fundwatch::ledger::value::{
    fen_to_decimal, format_fen, parse_amount, parse_date, to_half_width,
};
use proptest::prelude::*;

/// Full-width spelling of ASCII digits and punctuation, as some exports write them.
fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| {
            if ('!'..='~').contains(&c) {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn amounts_round_trip(fen in -99_999_999_999_999i64..99_999_999_999_999i64) {
        let plain = fen_to_decimal(fen);
        let grouped = format_fen(fen);
        prop_assert_eq!(parse_amount(&plain), Ok(fen));
        prop_assert_eq!(parse_amount(&grouped), Ok(fen), "千分位 {}", grouped);
        prop_assert_eq!(parse_amount(&format!("¥{grouped}")), Ok(fen));
        prop_assert_eq!(parse_amount(&full_width(&grouped)), Ok(fen), "full width");
        let abs = fen_to_decimal(fen.abs());
        prop_assert_eq!(parse_amount(&format!("({abs})")), Ok(-fen.abs()), "红字 in parentheses");
    }

    #[test]
    fn dates_round_trip(days in 0i64..73_000) {
        let date = NaiveDate::from_ymd_opt(1901, 1, 1).unwrap() + chrono::Duration::days(days);
        use chrono::Datelike;
        let (y, m, d) = (date.year(), date.month(), date.day());
        for text in [
            format!("{y}-{m:02}-{d:02}"),
            format!("{y}/{m}/{d}"),
            format!("{y}.{m:02}.{d:02}"),
            format!("{y}年{m}月{d}日"),
            format!("{y}{m:02}{d:02}"),
            format!("{y}-{m:02}-{d:02} 00:00:00"),
            full_width(&format!("{y}-{m:02}-{d:02}")),
        ] {
            prop_assert_eq!(parse_date(&text, None), Ok(date), "{}", text);
        }
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,40}") {
        let _ = parse_amount(&text);
        let _ = parse_date(&text, Some(2025));
        let _ = to_half_width(&text);
    }

    #[test]
    fn amount_like_noise_is_rejected_or_exact(int in 0u64..1_000_000, frac in 0u32..100, sep in "[,.]{2}") {
        // `1.2.3`-style strings (two separators in a row or a comma after the point) must
        // never be read as some other number.
        let text = format!("{int}{sep}{frac}");
        prop_assert!(parse_amount(&text).is_err(), "{} parsed as {:?}", text, parse_amount(&text));
    }
}
