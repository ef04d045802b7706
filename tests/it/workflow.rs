//! The auditor workflow end to end: init, exceptions with expiry, baselines with
//! re-exported ledgers, --fail-on-new, sampling, JUnit output (issue 7).

use std::path::Path;

use crate::{code, json, root, run_in, stderr, stdout};

fn sample_ledger(dir: &Path) -> String {
    let src = root().join("sample-data/ledgers/一中工会.csv");
    let dst = dir.join("一中工会.csv");
    std::fs::copy(src, &dst).unwrap();
    dst.display().to_string()
}

#[test]
fn init_writes_a_working_starter_kit_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["init"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for f in [
        "fundwatch.toml",
        "exceptions.toml",
        "rules-local/example.toml",
    ] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    let out = run_in(dir.path(), &["rules", "test", "rules-local"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let out = run_in(dir.path(), &["init"]);
    assert_eq!(code(&out), 2, "never overwrites");
    assert!(stderr(&out).contains("already exists"));
    // The generated config is valid: a scan with it runs (ledgers/ does not exist yet → exit 2 for the input only).
    std::fs::create_dir(dir.path().join("ledgers")).unwrap();
    sample_ledger(&dir.path().join("ledgers"));
    let out = run_in(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(json(&out)["summary"]["rules_run"].as_u64().unwrap() > 40);
}

fn exceptions_file(dir: &Path, fingerprint: &str) {
    std::fs::write(
        dir.join("exceptions.toml"),
        format!(
            r#"[[exception]]
fingerprint = "{fingerprint}"
reason = "已整改"
approved_by = "经审会 张三"
document = "工审字〔2025〕3号"
expires = 2025-06-30

[[exception]]
fingerprint = "ffffffffffffffff"
reason = "误报"
approved_by = "经审会"
document = "工审字〔2025〕4号"
expires = 2026-01-01

[[exception]]
fingerprint = "{fingerprint}"
reason = "随便写的理由"
approved_by = "x"
document = "y"
expires = 2030-01-01
"#
        ),
    )
    .unwrap();
}

#[test]
fn exceptions_expire_at_the_end_of_their_day_and_fail_open() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = sample_ledger(dir.path());
    let doc = json(&run_in(dir.path(), &["scan", &ledger, "--format", "json"]));
    let target = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "NEG-001")
        .unwrap()
        .clone();
    let fp = target["fingerprint"].as_str().unwrap();
    exceptions_file(dir.path(), fp);
    let scan = |date: &str| {
        let out = run_in(
            dir.path(),
            &[
                "scan",
                &ledger,
                "--exceptions",
                "exceptions.toml",
                "--as-of",
                date,
                "--format",
                "json",
            ],
        );
        assert!(
            stderr(&out).contains(
                "exceptions.toml:15:1: exception #3 ignored: unknown variant `随便写的理由`"
            ),
            "{}",
            stderr(&out)
        );
        json(&out)
    };
    for (date, suppressed) in [
        ("2025-06-29", true),
        ("2025-06-30", true),
        ("2025-07-01", false),
    ] {
        let doc = scan(date);
        let s = &doc["summary"];
        let still_listed = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["fingerprint"] == fp);
        assert_eq!(still_listed, !suppressed, "{date}");
        assert_eq!(s["suppressed"], if suppressed { 1 } else { 0 }, "{date}");
        assert_eq!(
            s["lapsed_exceptions"],
            if suppressed { 0 } else { 1 },
            "{date}"
        );
        assert_eq!(
            s["stale_exceptions"], 1,
            "{date}: the ffff… entry matches nothing"
        );
        if suppressed {
            assert_eq!(doc["suppressed"][0]["finding"]["fingerprint"], fp);
            assert_eq!(
                doc["suppressed"][0]["exception"]["document"],
                "工审字〔2025〕3号"
            );
        } else {
            let back = doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["fingerprint"] == fp)
                .unwrap();
            assert!(
                back["exception_note"].as_str().unwrap().contains("到期"),
                "{back}"
            );
        }
    }
    // Suppressed findings are listed separately in the other formats too.
    let out = run_in(
        dir.path(),
        &[
            "scan",
            &ledger,
            "--exceptions",
            "exceptions.toml",
            "--as-of",
            "2025-06-01",
            "--format",
            "csv",
        ],
    );
    assert!(stdout(&out).contains(",suppressed,"), "{}", stdout(&out));
    let out = run_in(
        dir.path(),
        &[
            "scan",
            &ledger,
            "--exceptions",
            "exceptions.toml",
            "--as-of",
            "2025-06-01",
        ],
    );
    assert!(stdout(&out).contains("已豁免"));
}

#[test]
fn baseline_survives_a_reexport_and_fail_on_new() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = sample_ledger(dir.path());
    let out = run_in(
        dir.path(),
        &["scan", &ledger, "--format", "json", "-o", "prev.json"],
    );
    assert_eq!(code(&out), 1);
    // Re-export: other file name, rows in reverse order, same unit.
    let raw = std::fs::read(&ledger).unwrap();
    let mut lines: Vec<&[u8]> = raw
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let header = lines.remove(0);
    lines.reverse();
    let mut again = header.to_vec();
    for l in lines {
        again.push(b'\n');
        again.extend_from_slice(l);
    }
    std::fs::write(dir.path().join("export-2.csv"), again).unwrap();
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "export-2.csv",
            "--unit",
            "一中工会",
            "--baseline",
            "prev.json",
            "--fail-on-new",
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    let b = &doc["summary"]["baseline"];
    assert_eq!(b["new"], 0, "{b}");
    assert_eq!(b["resolved"], 0, "{b}");
    assert!(b["open"].as_u64().unwrap() > 5);
    assert_eq!(code(&out), 0, "nothing new: a --fail-on-new check passes");
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "export-2.csv",
            "--unit",
            "一中工会",
            "--baseline",
            "prev.json",
            "--report",
            "rep",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let md = std::fs::read_to_string(dir.path().join("rep/report.md")).unwrap();
    let html = std::fs::read_to_string(dir.path().join("rep/report.html")).unwrap();
    for text in [&md, &html] {
        assert!(
            text.contains("与上期比较：新增 0 项，仍未整改"),
            "the report shows the baseline counts"
        );
    }

    // A new high finding fails the check.
    let mut text = std::fs::read_to_string(dir.path().join("export-2.csv")).unwrap_or_default();
    if text.is_empty() {
        // The K/3 sample is GBK; add the row in GBK.
        let mut bytes = std::fs::read(dir.path().join("export-2.csv")).unwrap();
        let row = "\n2022-12-20,2022,12,记,30,50105,职工活动支出_会员活动支出,RMB,人民币,0,3000,0,x,x,,x,x,,,购买KTV会员卡,0,,0,,2022-12-20,,1,1,总账,,公司汇率,1,1,,1,0,";
        bytes.extend_from_slice(&encoding_rs::GBK.encode(row).0);
        std::fs::write(dir.path().join("export-3.csv"), bytes).unwrap();
    } else {
        text.push_str("\n2022-12-20,2022,12,记,30,50105,职工活动支出_会员活动支出,RMB,人民币,0,3000,0,x,x,,x,x,,,购买KTV会员卡,0,,0,,2022-12-20,,1,1,总账,,公司汇率,1,1,,1,0,");
        std::fs::write(dir.path().join("export-3.csv"), text).unwrap();
    }
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "export-3.csv",
            "--unit",
            "一中工会",
            "--baseline",
            "prev.json",
            "--fail-on-new",
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    assert!(
        doc["summary"]["baseline"]["new"].as_u64().unwrap() >= 1,
        "{}",
        doc["summary"]
    );
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["baseline"] == "new" && f["summary"] == "购买KTV会员卡")
    );
    assert_eq!(code(&out), 1);
}

#[test]
fn sampling_is_reproducible_and_extendable() {
    let dir = tempfile::tempdir().unwrap();
    let ledgers = root().join("sample-data/ledgers");
    let ledgers = ledgers.to_str().unwrap();
    let draw = |size: &str, seed: &str, method: &str| {
        let out = run_in(
            dir.path(),
            &[
                "sample", ledgers, "--size", size, "--seed", seed, "--method", method,
            ],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
            .lines()
            .skip(1)
            .map(|l| l.split(',').skip(1).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
    };
    for method in ["random", "mus"] {
        let a = draw("10", "7", method);
        assert_eq!(a.len(), 10);
        assert_eq!(a, draw("10", "7", method), "same seed, same draw");
        assert_eq!(
            a[..],
            draw("20", "7", method)[..10],
            "asking for more keeps the first picks"
        );
        assert_ne!(a, draw("10", "8", method));
    }
    let out = run_in(
        dir.path(),
        &[
            "sample",
            ledgers,
            "--size",
            "3",
            "--seed",
            "1",
            "--per-unit",
            "-o",
            "picks.xlsx",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("picks.xlsx")).unwrap();
    let range = book.worksheet_range("抽样").unwrap();
    assert_eq!(
        range.get((0, 4)).map(|c| c.to_string()),
        Some("行号".to_string())
    );
    assert_eq!(
        range
            .rows()
            .filter(|r| r[0].to_string().parse::<u32>().is_ok())
            .count(),
        15,
        "3 per unit × 5 units"
    );
}

#[test]
fn junit_has_one_case_per_rule() {
    let dir = tempfile::tempdir().unwrap();
    let ledgers = root().join("sample-data/ledgers");
    let out = run_in(
        dir.path(),
        &["scan", ledgers.to_str().unwrap(), "--format", "junit"],
    );
    assert_eq!(code(&out), 1);
    let xml = stdout(&out);
    let rules = json(&run_in(dir.path(), &["rules", "list", "--format", "json"]))["rules"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(xml.matches("<testcase ").count(), rules);
    assert!(xml.contains(r#"name="NEG-001 "#));
    assert!(xml.contains("<failure "));
    assert!(xml.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
    assert!(!xml.contains("<script"), "ledger text is escaped");
}
