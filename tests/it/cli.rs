//! Command-line behaviour: exit codes, formats, determinism, config file.

use crate::{code, json, run, run_in, stderr, stdout};

#[test]
fn exit_codes_follow_fail_on() {
    let out = run(&["scan", "sample-data/ledgers", "--format", "json"]);
    assert_eq!(
        code(&out),
        1,
        "sample data has high findings\n{}",
        stderr(&out)
    );
    let out = run(&[
        "scan",
        "sample-data/ledgers",
        "--format",
        "json",
        "--fail-on",
        "critical",
    ]);
    let doc = json(&out);
    let critical = doc["summary"]["findings_by_severity"]["critical"]
        .as_u64()
        .unwrap();
    assert_eq!(code(&out), if critical > 0 { 1 } else { 0 });
    let out = run(&["scan", "no/such/dir"]);
    assert_eq!(code(&out), 2);
    let out = run(&["scan", "--format", "nope", "x"]);
    assert_eq!(code(&out), 2, "usage errors exit 2");
}

#[test]
fn json_document_shape() {
    let out = run(&["scan", "sample-data/ledgers", "--format", "json"]);
    let doc = json(&out);
    assert_eq!(doc["schema_version"], 1);
    assert!(doc["tool_version"].is_string());
    let findings = doc["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for key in [
        "rule_id",
        "severity",
        "title",
        "message",
        "basis",
        "unit",
        "file",
        "line",
        "voucher",
        "date",
        "account",
        "summary",
        "payee",
        "amount",
        "fingerprint",
    ] {
        assert!(findings[0].get(key).is_some(), "finding has `{key}`");
    }
    let s = &doc["summary"];
    assert_eq!(
        s["rows_read"].as_u64().unwrap(),
        s["rows_accepted"].as_u64().unwrap()
            + s["rows_skipped"].as_u64().unwrap()
            + s["rows_rejected"].as_u64().unwrap()
    );
    assert_eq!(
        (s["findings"].as_u64().unwrap() + s["draft_findings"].as_u64().unwrap()) as usize,
        findings.len()
    );
}

#[test]
fn output_is_deterministic_across_threads_and_input_order() {
    let one = run(&["scan", "sample-data/ledgers", "--format", "json", "-j", "1"]);
    let many = run(&["scan", "sample-data/ledgers", "--format", "json", "-j", "4"]);
    assert_eq!(one.stdout, many.stdout);
    let mut files: Vec<String> = std::fs::read_dir(crate::root().join("sample-data/ledgers"))
        .unwrap()
        .map(|e| {
            format!(
                "sample-data/ledgers/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    files.sort();
    files.reverse();
    let mut args = vec!["scan", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let reversed = run(&args);
    assert_eq!(one.stdout, reversed.stdout);
}

#[test]
fn jsonl_csv_and_table_agree() {
    let jsonl = run(&["scan", "sample-data/ledgers", "--format", "jsonl"]);
    let json_doc = json(&run(&["scan", "sample-data/ledgers", "--format", "json"]));
    let n = json_doc["findings"].as_array().unwrap().len();
    assert_eq!(stdout(&jsonl).lines().count(), n);
    let csv = run(&["scan", "sample-data/ledgers", "--format", "csv"]);
    let text = stdout(&csv);
    assert!(text.starts_with('\u{feff}'), "CSV carries a BOM for Excel");
    assert_eq!(text.lines().count(), n + 1);
    let active = json_doc["summary"]["findings"].as_u64().unwrap();
    let table = run(&["scan", "sample-data/ledgers"]);
    assert!(
        stdout(&table).contains(&format!("发现问题 {active} 项")),
        "{}",
        stdout(&table)
    );
    assert_eq!(
        stdout(&table).matches("\n[").count(),
        n,
        "every finding is listed in the table"
    );
    // The listing ends with the total and the verdict the exit code gives.
    let last = stdout(&table).lines().last().unwrap_or("").to_string();
    assert!(last.starts_with(&format!("共 {active} 项问题（")), "{last}");
    assert_eq!(code(&table), 1);
    assert!(
        last.ends_with("检查未通过：有「高」级及以上的问题（--fail-on high）"),
        "{last}"
    );
    // Without the rules of the critical findings, `--fail-on critical` passes.
    let mut args = vec!["scan", "sample-data/ledgers", "--fail-on", "critical"];
    let findings = json_doc["findings"].as_array().unwrap();
    let critical: Vec<&str> = (findings.iter())
        .filter(|f| f["severity"] == "critical")
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(!critical.is_empty());
    for id in &critical {
        args.extend(["--disable", id]);
    }
    let passed = run(&args);
    assert_eq!(code(&passed), 0);
    let last = stdout(&passed).lines().last().unwrap_or("").to_string();
    assert!(last.starts_with("共 "), "{last}");
    assert!(
        last.ends_with("检查通过：没有「严重」级及以上的问题（--fail-on critical）"),
        "{last}"
    );

    // The detectors' remarks: the JSON keeps each unit's; the table puts a remark that
    // several units or years share on one line, and names every unit or counts it.
    let text = stdout(&table);
    let remarks: Vec<&str> = text
        .split("\n说明:\n")
        .nth(1)
        .expect("a remarks section")
        .lines()
        .take_while(|line| line.starts_with("  "))
        .collect();
    let notes = json_doc["notes"].as_array().unwrap();
    assert!(remarks.len() < notes.len(), "{remarks:#?}");
    for note in notes {
        let (unit, rule) = (
            note["unit"].as_str().unwrap(),
            note["rule_id"].as_str().unwrap(),
        );
        assert!(
            remarks
                .iter()
                .any(|line| line.contains(rule)
                    && (line.contains(unit) || line.contains(" 个单位 "))),
            "{unit} {rule} is in no remark line: {remarks:#?}"
        );
    }
    assert!(
        remarks
            .iter()
            .any(|line| line.contains(" 等 5 个单位 CAP-010: 2021、2022 年：")),
        "{remarks:#?}"
    );
}

#[test]
fn config_file_makes_the_job_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let ledgers = crate::root().join("sample-data/ledgers");
    std::fs::write(
        dir.path().join("fundwatch.toml"),
        format!("[scan]\npaths = [{:?}]\nformat = \"json\"\nfail_on = \"critical\"\ndisable = [\"NEG-001\"]\n", ledgers.display().to_string()),
    )
    .unwrap();
    let out = run_in(dir.path(), &["scan"]);
    let doc = json(&out);
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule_id"] != "NEG-001")
    );
    std::fs::write(dir.path().join("fundwatch.toml"), "[scan]\npathz = []\n").unwrap();
    let out = run_in(dir.path(), &["scan"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("fundwatch.toml:2:1: unknown field `pathz`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn rules_commands() {
    let out = run(&["rules", "list", "--format", "json"]);
    assert_eq!(code(&out), 0);
    assert!(json(&out)["rules"].as_array().unwrap().len() >= 20);
    let out = run(&["rules", "show", "NEG-001"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains("依据"));
    let out = run(&["rules", "test"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("0 failed"));
}

#[test]
fn a_wrong_example_fails_rules_test() {
    let dir = tempfile::tempdir().unwrap();
    let rule =
        std::fs::read_to_string(crate::root().join("tests/fixtures/bad-rules/dup/a.toml")).unwrap();
    // The `ok` example says 春节慰问品; claim it must be flagged.
    let wrong = rule
        .replacen("expect = \"ok\"", "expect = \"flag\"", 1)
        .replacen(
            "expect = \"flag\"\nsummary = \"购物卡\"",
            "expect = \"ok\"\nsummary = \"购物卡\"",
            1,
        );
    std::fs::create_dir(dir.path().join("r")).unwrap();
    std::fs::write(dir.path().join("r/rule.toml"), wrong).unwrap();
    let out = run_in(dir.path(), &["rules", "test", "r"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("FAIL T-001"));
    assert!(stdout(&out).contains("expected flag, not flagged"));
}

#[test]
fn override_a_shipped_rule_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let shipped =
        std::fs::read_to_string(crate::root().join("rules/negative-list/shopping-cards.toml"))
            .unwrap();
    let tightened = shipped.replacen("severity = \"high\"", "severity = \"critical\"", 1);
    assert_ne!(shipped, tightened, "fixture assumption: NEG-001 is high");
    std::fs::create_dir(dir.path().join("mine")).unwrap();
    std::fs::write(dir.path().join("mine/cards.toml"), tightened).unwrap();
    let ledgers = crate::root().join("sample-data/ledgers");
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "--rules",
            "mine",
            "--format",
            "json",
            ledgers.to_str().unwrap(),
        ],
    );
    let doc = json(&out);
    let cards: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "NEG-001")
        .collect();
    assert!(!cards.is_empty());
    assert!(cards.iter().all(|f| f["severity"] == "critical"));
}

#[test]
fn no_progress_bar_in_pipes_or_ci_logs() {
    // stderr is a pipe here and CI is set: a clean scan of several files writes nothing
    // there (no progress bar, no spinner), so CI logs stay readable.
    let out = run(&["scan", "sample-data/ledgers", "--format", "json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(stderr(&out), "", "stderr must stay empty");
}

/// A ledger big enough to be read on two threads (≥ 4 MB) and scanned in several row
/// blocks, through the CLI: every row is read, `-j1` and `-j4` give the same bytes, and
/// the same rows cut into three small files (each read on one thread) give the same
/// findings (fingerprints do not depend on file names or line numbers).
#[test]
fn a_large_ledger_reads_and_scans_like_small_ones() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    let big_arg = big.to_str().unwrap();
    let out = run(&[
        "synth", "large", "--out", big_arg, "--rows", "60000", "--seed", "3",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = std::fs::read_to_string(&big).unwrap();
    assert!(
        text.len() > 4 << 20,
        "{} bytes: too small for the two-thread reader",
        text.len()
    );

    let inspect = json(&run(&["inspect", "--format", "json", big_arg]));
    let file = &inspect["files"][0];
    assert_eq!(file["rows_read"], 60_001, "{file}");
    assert_eq!(file["rows_accepted"], 60_000, "{file}");
    assert_eq!(file["rows_rejected"], 0, "{file}");

    let scan = |threads: &str, paths: &[&str]| {
        let mut args = vec!["scan", "--format", "jsonl", "-j", threads];
        args.extend_from_slice(paths);
        let out = run(&args);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        out.stdout
    };
    let one = scan("1", &[big_arg]);
    let four = scan("4", &[big_arg]);
    if one != four {
        // Name the first differing line, not megabytes of output.
        let (a, b) = (
            String::from_utf8_lossy(&one),
            String::from_utf8_lossy(&four),
        );
        let at = a.lines().zip(b.lines()).position(|(x, y)| x != y);
        panic!(
            "-j1 and -j4 differ: {} vs {} lines, first difference at line {at:?}",
            a.lines().count(),
            b.lines().count()
        );
    }

    let lines: Vec<&str> = text.lines().collect();
    let (header, rows) = (lines[0], &lines[1..]);
    let mut parts = Vec::new();
    for (i, chunk) in rows.chunks(rows.len().div_ceil(3)).enumerate() {
        let path = dir.path().join(format!("part-{i}.csv"));
        std::fs::write(&path, format!("{header}\n{}\n", chunk.join("\n"))).unwrap();
        parts.push(path.to_str().unwrap().to_string());
    }
    let part_args: Vec<&str> = parts.iter().map(String::as_str).collect();
    let key = |jsonl: &[u8]| {
        let mut keys: Vec<String> = String::from_utf8_lossy(jsonl)
            .lines()
            .map(|line| {
                let f: serde_json::Value = serde_json::from_str(line).unwrap();
                format!(
                    "{} {} {} {}",
                    f["rule_id"], f["fingerprint"], f["amount"], f["message"]
                )
            })
            .collect();
        keys.sort();
        keys
    };
    let whole = key(&one);
    assert!(whole.len() > 1000, "{} findings", whole.len());
    let parts_keys = key(&scan("4", &part_args));
    let missing: Vec<&String> = whole
        .iter()
        .filter(|k| !parts_keys.contains(k))
        .take(3)
        .collect();
    assert!(
        whole == parts_keys,
        "{} findings from the whole file, {} from its parts; e.g. only in the whole: {missing:?}",
        whole.len(),
        parts_keys.len()
    );
}

/// `outlier` with `compare = "peers"` through the CLI: a union that always pays about
/// 5,000 on an account where its peers pay about 1,000 is flagged against the peers, and
/// not against its own typical amount (`compare = "unit"`).
#[test]
fn outliers_against_peer_units() {
    let dir = tempfile::tempdir().unwrap();
    let header = "日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额,往来单位,经办人,部门,附件数,单位名称\n";
    let ledger = |unit: &str, rows: usize, base: u32| {
        let mut text = header.to_string();
        for i in 0..rows {
            text.push_str(&format!(
                "2024-03-{:02},记-{},职工文体活动用品,50102,文体活动支出,{}.00,,市体育用品公司,张伟,工会办,1,{unit}\n",
                i + 1,
                i + 1,
                base + 10 * i as u32
            ));
        }
        text
    };
    std::fs::write(dir.path().join("a.csv"), ledger("甲工会", 20, 1000)).unwrap();
    std::fs::write(dir.path().join("b.csv"), ledger("乙工会", 11, 5000)).unwrap();
    let shipped =
        std::fs::read_to_string(crate::root().join("rules/patterns/outlier.toml")).unwrap();
    let flagged_units = |compare: &str| {
        let rule = shipped
            .replacen("compare = \"unit\"", &format!("compare = \"{compare}\""), 1)
            .replacen("id = \"PAT-011\"", "id = \"PEER-001\"", 1);
        assert!(rule.contains("PEER-001") && rule.contains(compare));
        std::fs::create_dir_all(dir.path().join(compare)).unwrap();
        std::fs::write(dir.path().join(compare).join("outlier.toml"), rule).unwrap();
        let out = run_in(
            dir.path(),
            &[
                "scan",
                "--no-default-rules",
                "--rules",
                compare,
                "--format",
                "json",
                "a.csv",
                "b.csv",
            ],
        );
        let mut units: Vec<String> = json(&out)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["unit"].as_str().unwrap().to_string())
            .collect();
        units.dedup();
        (units, json(&out)["findings"].as_array().unwrap().len())
    };
    assert_eq!(flagged_units("unit"), (vec![], 0));
    assert_eq!(flagged_units("peers"), (vec!["乙工会".to_string()], 11));
}

/// A federation's combined export names many unions: `inspect` on the terminal names
/// the first ten and the count, the JSON lists them all.
#[test]
fn inspect_counts_many_units() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("日期,凭证号,摘要,科目名称,借方金额,贷方金额,单位名称\n");
    for i in 1..=12 {
        text.push_str(&format!(
            "2025-03-{i:02},记-{i},会员活动,会员活动支出,100.00,,第{i:02}工会\n"
        ));
    }
    std::fs::write(dir.path().join("federation.csv"), text).unwrap();
    let out = run_in(dir.path(), &["inspect", "federation.csv"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("第01工会、第02工会、") && shown.contains("第10工会 等 12 个单位"),
        "{shown}"
    );
    assert!(!shown.contains("第11工会"), "{shown}");
    let doc = json(&run_in(
        dir.path(),
        &["inspect", "--format", "json", "federation.csv"],
    ));
    assert_eq!(doc["files"][0]["units"].as_array().unwrap().len(), 12);
}
