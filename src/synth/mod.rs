//! Deterministic, seeded generator of realistic trade-union (工会) ledgers:
//! the bundled sample set (five dialects of 用友 and 金蝶 exports with planted
//! anomalies and legitimate look-alikes, plus deliberately broken files and a
//! README) and a large streamed CSV for benchmarks. The same seed always
//! gives byte-identical output: the PRNG is hand-written and nothing reads
//! the clock.

mod book;
mod broken;
mod chart;
mod generic;
mod kingdee;
mod large;
mod large_tpl;
mod names;
mod plant;
mod readme;
mod reference;
mod rng;
mod routine;
mod sample;
mod tags;
mod text;
mod yonyou;

use std::io;
use std::path::{Path, PathBuf};

/// Text encoding of the benchmark file written by [`write_large`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LargeEncoding {
    /// UTF-8 without BOM.
    Utf8,
    /// GBK (as exported by older Chinese accounting software).
    Gbk,
}

/// Write the bundled sample set into `dir` (normally the repo's
/// `sample-data/`): `ledgers/` with five good two-year ledgers, `broken/`
/// with deliberately bad files, and `README.md` describing every file and
/// every planted anomaly. Existing files of the same names are overwritten;
/// nothing else in `dir` is touched. Returns the files written, sorted.
pub fn write_sample_data(dir: &Path, seed: u64) -> io::Result<Vec<PathBuf>> {
    sample::write_all(dir, seed)
}

/// Stream a large generic-layout CSV (`日期,凭证号,摘要,科目编码,科目名称,
/// 借方金额,贷方金额,往来单位,经办人,部门,附件数,单位名称`) with `rows` data
/// rows after the header to `path`, in constant memory. About 140 bytes per
/// row in UTF-8 (fewer in GBK). Returns the number of bytes written.
pub fn write_large(path: &Path, rows: u64, seed: u64, encoding: LargeEncoding) -> io::Result<u64> {
    large::write_large(path, rows, seed, encoding)
}

#[cfg(test)]
mod tests {
    use super::book::Book;
    use super::sample::{SPECS, build_book};
    use super::*;
    use std::fs;

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("fundwatch-synth-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn same_seed_gives_identical_bytes_for_every_file() {
        let (a, b) = (temp_dir("det-a"), temp_dir("det-b"));
        let fa = write_sample_data(&a, 20251).unwrap();
        let fb = write_sample_data(&b, 20251).unwrap();
        assert_eq!(fa.len(), 14);
        assert_eq!(fa.len(), fb.len());
        for (x, y) in fa.iter().zip(&fb) {
            assert_eq!(x.strip_prefix(&a).unwrap(), y.strip_prefix(&b).unwrap());
            assert!(
                fs::read(x).unwrap() == fs::read(y).unwrap(),
                "{} differs",
                x.display()
            );
        }
        let mut sorted = fa.clone();
        sorted.sort();
        assert_eq!(fa, sorted);
        let other = temp_dir("det-c");
        write_sample_data(&other, 7).unwrap();
        let k3 = "ledgers/一中工会.csv";
        assert_ne!(
            fs::read(a.join(k3)).unwrap(),
            fs::read(other.join(k3)).unwrap()
        );
        for d in [a, b, other] {
            fs::remove_dir_all(d).unwrap();
        }
    }

    #[test]
    fn gbk_files_decode_cleanly() {
        let dir = temp_dir("gbk");
        write_sample_data(&dir, 20251).unwrap();
        for (rel, first) in [
            ("ledgers/一中工会.csv", "凭证日期,会计年度,会计期间,凭证字"),
            ("ledgers/机械厂工会.xls", "日期\t凭证号\t摘要"),
        ] {
            let bytes = fs::read(dir.join(rel)).unwrap();
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
            assert!(!had_errors, "{rel}");
            assert!(text.starts_with(first), "{rel}");
            assert!(
                std::str::from_utf8(&bytes).is_err(),
                "{rel} should not be UTF-8"
            );
        }
        let k3 = fs::read(dir.join("ledgers/一中工会.csv")).unwrap();
        let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(&k3);
        let header = text.lines().next().unwrap();
        assert_eq!(header.split(',').count(), 37);
        assert!(text.contains("职工活动支出_会员活动支出") && text.contains("供应商---"));
        let jdy = fs::read(dir.join("ledgers/城建集团工会.csv")).unwrap();
        assert!(jdy.starts_with(&[0xEF, 0xBB, 0xBF]));
        let readme = fs::read_to_string(dir.join("README.md")).unwrap();
        assert!(readme.contains("cargo run -- synth sample --out sample-data --seed 20251"));
        assert_eq!(fs::metadata(dir.join("broken/empty.csv")).unwrap().len(), 0);
        assert_eq!(
            fs::metadata(dir.join("broken/truncated.xlsx"))
                .unwrap()
                .len(),
            3000
        );
        assert_eq!(
            fs::metadata(dir.join("broken/garbage.csv")).unwrap().len(),
            4096
        );
        fs::remove_dir_all(dir).unwrap();
    }

    fn books() -> Vec<Book> {
        (0..SPECS.len()).map(|i| build_book(i, 20251)).collect()
    }

    #[test]
    fn every_voucher_balances_and_money_never_runs_out() {
        for book in books() {
            let (mut cash, mut bank) = (0i64, 0i64);
            for (acct, amount) in &book.opening {
                match super::chart::resolve(*acct, 2021).code {
                    "101" => cash += amount,
                    "102" => bank += amount,
                    _ => {}
                }
            }
            for v in &book.vouchers {
                assert_eq!(
                    v.total_debit(),
                    v.total_credit(),
                    "{} {:?}",
                    book.unit.name,
                    v.date
                );
                assert!(v.lines.len() >= 2);
                for l in &v.lines {
                    assert!((l.debit == 0) != (l.credit == 0), "one side per line");
                    match l.account.code {
                        "101" => cash += l.debit - l.credit,
                        "102" => bank += l.debit - l.credit,
                        _ => {}
                    }
                }
                assert!(
                    cash >= 0,
                    "{} cash negative on {:?}",
                    book.unit.name,
                    v.date
                );
                assert!(
                    bank >= 0,
                    "{} bank negative on {:?}",
                    book.unit.name,
                    v.date
                );
            }
        }
    }

    #[test]
    fn ledgers_have_realistic_size_and_structure() {
        for book in books() {
            let rows = book.rows();
            assert!(
                (150..=300).contains(&rows),
                "{} has {rows} rows",
                book.unit.name
            );
            // Numbers restart monthly and are consecutive except the planted gap.
            let mut prev: Option<((u16, u8), u32)> = None;
            for v in &book.vouchers {
                let month = (v.date.y, v.date.m);
                let expected = match prev {
                    Some((m, n)) if m == month => n + 1,
                    _ => 1,
                };
                if v.no != expected {
                    let (gy, gm, missing) = book.gap.expect("unexpected voucher gap");
                    assert_eq!(((gy, gm), missing), (month, expected));
                }
                prev = Some((month, v.no));
            }
            // Year-end closing zeroes every expense and income account.
            for y in [2021u16, 2022] {
                let mut net = std::collections::BTreeMap::<&str, i64>::new();
                for l in book
                    .vouchers
                    .iter()
                    .filter(|v| v.date.y == y)
                    .flat_map(|v| &v.lines)
                {
                    if l.account.expense || l.account.income {
                        *net.entry(l.account.code).or_default() += l.debit - l.credit;
                    }
                }
                assert!(
                    net.values().all(|&n| n == 0),
                    "{} {y}: {net:?}",
                    book.unit.name
                );
            }
        }
    }

    #[test]
    fn chart_switches_between_years() {
        for book in books() {
            for v in &book.vouchers {
                for l in &v.lines {
                    let old_only = ["50204", "50205", "50301", "50302", "505", "508"];
                    let new_only = [
                        "50105", "50106", "50404", "50405", "50501", "50502", "507", "510",
                    ];
                    if v.date.y == 2021 {
                        assert!(
                            !new_only.contains(&l.account.code),
                            "{:?} {}",
                            v.date,
                            l.account.code
                        );
                    } else {
                        assert!(
                            !old_only.contains(&l.account.code),
                            "{:?} {}",
                            v.date,
                            l.account.code
                        );
                    }
                }
            }
        }
    }
}
