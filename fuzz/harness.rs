//! What each fuzz target does with its input. Shared (by `#[path]`) with
//! `tests/it/fuzz_regressions.rs`, so every saved crashing input is replayed through
//! exactly the code that found it. A harness panics only on a bug: a panic inside
//! fundwatch, or a broken invariant checked here.

#![allow(dead_code)]

use std::path::Path;
use std::sync::OnceLock;

use fundwatch::calendar::Calendar;
use fundwatch::ledger::read::{ReadOptions, read_bytes};
use fundwatch::ledger::{LedgerFile, dialect, sniff, value};
use fundwatch::reference::References;
use fundwatch::reference::budget::Budget;
use fundwatch::reference::params::Params;
use fundwatch::reference::units::Units;
use fundwatch::rule::{RuleSet, load_rules};
use fundwatch::scan::{run_detectors, scan_file};

fn options() -> &'static ReadOptions {
    static OPTS: OnceLock<ReadOptions> = OnceLock::new();
    OPTS.get_or_init(|| ReadOptions {
        dialects: dialect::builtin(),
        ..ReadOptions::default()
    })
}

fn shipped_rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| load_rules(&[], false, &[]).expect("the shipped rules load"))
}

/// A small well-formed ledger to evaluate fuzzed rules and conditions on.
fn sample_ledger() -> &'static LedgerFile {
    static FILE: OnceLock<LedgerFile> = OnceLock::new();
    FILE.get_or_init(|| {
        let text = "日期,凭证号,摘要,科目编码,科目名称,借方,贷方,往来单位,经办人,附件数\n\
            2025-01-05,记-1,购买超市购物卡发放会员,50105,会员活动支出,5000.00,,惠万家超市,张三,2\n\
            2025-01-05,记-1,购买超市购物卡发放会员,102,银行存款,,5000.00,,张三,2\n\
            2025-02-10,记-2,春节慰问品 40人,50105,会员活动支出,(120.50),,,李四,\n\
            2021-12-31,记-3,期末结转,321,工会资金结转,0,99999999.99,,,\n\
            2023-06-01,记-4,会议费,50302,会议费,4980,,某酒店,王五,1\n";
        read_bytes(text.as_bytes(), "sample.csv", options()).expect("the sample ledger reads")
    })
}

fn check_reconciles(file: &LedgerFile) {
    assert_eq!(
        file.rows_read,
        file.rows_accepted() + file.rows_skipped() + file.rows_rejected(),
        "rows_read = accepted + skipped + rejected"
    );
    for row in &file.rows {
        assert!(row.line >= 1, "a row has a line");
    }
    for reject in &file.rejects {
        assert!(!reject.reason.is_empty(), "a rejected row has a reason");
    }
}

/// The ledger reader on arbitrary bytes: sniffing, every container, every conversion,
/// then every shipped rule and detector on whatever rows came out.
pub fn ledger_bytes(data: &[u8]) {
    let Ok(file) = read_bytes(data, "fuzz.csv", options()) else {
        return;
    };
    check_reconciles(&file);
    let rules = shipped_rules();
    let (_, candidates) = scan_file(rules, &file);
    let refs = References::builtin();
    let _ = run_detectors(
        rules,
        std::slice::from_ref(&file),
        &[candidates],
        Calendar::builtin(),
        &refs,
        Vec::new(),
    );
}

/// Container and encoding sniffing alone (fast, so it runs many more inputs).
pub fn sniff(data: &[u8]) {
    let _ = sniff::container(data);
    let enc = sniff::encoding(data, data.len() < 65536);
    let _ = sniff::encoding_label(enc);
    if let Ok(label) = std::str::from_utf8(data) {
        let _ = sniff::encoding_from_label(label);
    }
}

/// Amount, date and voucher parsing; accepted amounts must survive a round trip.
pub fn values(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(fen) = value::parse_amount(&text) {
        let again = value::parse_amount(&value::fen_to_decimal(fen));
        assert_eq!(again, Ok(fen), "amount round trip of {text:?}");
        let _ = value::format_fen(fen);
    }
    let year = data.first().map(|&b| 1990 + i32::from(b));
    let _ = value::parse_date(&text, year);
    let _ = value::parse_date(&text, None);
    let mut parts = text.splitn(3, '\u{0}');
    let (y, m, d) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let _ = value::date_from_parts(y, m, d);
    let _ = value::normalize_voucher(y, m);
    let _ = value::to_half_width(&text);
    if data.len() >= 8 {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&data[..8]);
        let number = f64::from_le_bytes(bytes);
        let _ = value::amount_from_f64(number);
        let _ = value::date_from_excel_serial(number);
    }
}

/// A rule file: TOML schema, SQL, keywords, templates, detector tables; when it loads,
/// its own examples run and it scans the sample ledger.
pub fn rule_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(rules) = fundwatch::rule::load::load_rule_texts(&[("fuzz.toml", text)]) else {
        return;
    };
    let _ = fundwatch::rule::example::test_all(&rules);
    let file = sample_ledger();
    let (_, candidates) = scan_file(&rules, file);
    let refs = References::builtin();
    let _ = run_detectors(
        &rules,
        std::slice::from_ref(file),
        &[candidates],
        Calendar::builtin(),
        &refs,
        Vec::new(),
    );
}

/// A `where` condition: parse, type-check, and evaluate on every sample row.
pub fn sql_condition(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expr) = fundwatch::rule::sql::compile(text) else {
        return;
    };
    let file = sample_ledger();
    // The per-string LIKE memo must give what a fresh evaluation gives.
    let mut shared = fundwatch::rule::sql::LikeMemo::default();
    for row in &file.rows {
        let fresh = expr.is_true(row, file, &mut Default::default());
        assert_eq!(expr.is_true(row, file, &mut shared), fresh, "{text}");
    }
}

/// Units and budget tables (any container) and the parameter-set TOML.
pub fn reference_tables(data: &[u8]) {
    let _ = Units::load_bytes(data, "units.csv");
    let _ = Budget::load_bytes(data, "budget.csv");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Params::parse(text, Path::new("provinces.toml"));
    }
}
