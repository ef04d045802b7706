//! Units and budget tables, provincial parameter sets and the notes that say what could
//! not be checked (issue 4), end to end through the binary.

use crate::{code, json, run, run_in, stderr};

fn ledger(dir: &std::path::Path, rows: &str) {
    std::fs::write(
        dir.join("甲工会.csv"),
        format!("日期,凭证号,摘要,科目名称,借方金额,贷方金额\n{rows}"),
    )
    .unwrap();
}

#[test]
fn festival_cap_follows_the_units_table_and_province() {
    let dir = tempfile::tempdir().unwrap();
    ledger(
        dir.path(),
        "2025-01-20,记-1,春节慰问品,职工活动支出/会员活动支出,120000,\n2025-09-28,记-2,中秋节慰问品,职工活动支出/会员活动支出,144000,\n",
    );
    std::fs::write(
        dir.path().join("units.csv"),
        "单位名称,会员人数,级别,省份\n甲工会,100,基层,山东省\n",
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "甲工会.csv",
            "--units",
            "units.csv",
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    let caps: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "CAP-001")
        .collect();
    assert_eq!(
        caps.len(),
        1,
        "{}",
        serde_json::to_string_pretty(&doc["findings"]).unwrap()
    );
    let msg = caps[0]["message"].as_str().unwrap();
    assert!(msg.contains("2025 年节日慰问品人均 2,640.00 元"), "{msg}");
    assert!(
        msg.contains("超过上限 2,000.00 元/人/年（超 32.0%）"),
        "{msg}"
    );
    assert!(
        msg.contains("山东省 2019"),
        "names the parameter set: {msg}"
    );
    assert_eq!(
        caps[0]["evidence"].as_array().unwrap().len(),
        2,
        "every contributing row is evidence"
    );

    // Without the units table the cap is not checked, and the report says so.
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "甲工会.csv",
            "--province",
            "山东",
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule_id"] != "CAP-001")
    );
    let notes = serde_json::to_string(&doc["notes"]).unwrap();
    assert!(notes.contains("no member count"), "{notes}");
}

#[test]
fn budget_notes_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    ledger(
        dir.path(),
        "2025-03-01,记-1,购置办公设备,资本性支出/办公设备购置,30000,\n2025-03-02,记-2,春节慰问品,职工活动支出/会员活动支出,120000,\n",
    );
    let out = run_in(dir.path(), &["scan", "甲工会.csv", "--format", "json"]);
    let notes = serde_json::to_string(&json(&out)["notes"]).unwrap();
    assert!(
        notes.contains("budget check skipped: no budget table given"),
        "{notes}"
    );

    std::fs::write(dir.path().join("budget.csv"), "单位名称,年度,科目编码,科目名称,本年预算数,调整后预算数\n甲工会,2025,501,职工活动支出,100000,\n").unwrap();
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "甲工会.csv",
            "--budget",
            "budget.csv",
            "--format",
            "json",
        ],
    );
    let doc = json(&out);
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"BUD-001"), "over budget: {ids:?}");
    assert!(
        ids.contains(&"BUD-002"),
        "capital spending has no budget line: {ids:?}"
    );

    std::fs::write(dir.path().join("budget.csv"), "单位名称,年度,科目编码,科目名称,本年预算数,调整后预算数\n乙工会,2025,501,职工活动支出,100000,\n").unwrap();
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "甲工会.csv",
            "--budget",
            "budget.csv",
            "--format",
            "json",
        ],
    );
    let notes = serde_json::to_string(&json(&out)["notes"]).unwrap();
    assert!(
        notes.contains("budget check skipped: no budget for unit 甲工会 in 2025"),
        "{notes}"
    );
}

#[test]
fn bad_reference_tables_are_located() {
    let dir = tempfile::tempdir().unwrap();
    ledger(
        dir.path(),
        "2025-01-20,记-1,春节慰问品,会员活动支出,1200,\n",
    );
    std::fs::write(dir.path().join("units.csv"), "单位名称,会员人数,级别,省份\n甲工会,一百,基层,山东\n乙工会,20,基层,山东\n乙工会,30,基层,山东\n丙工会,5,市级,山东\n").unwrap();
    std::fs::write(
        dir.path().join("budget.csv"),
        "单位名称,年度,科目编码,科目名称,本年预算数\n甲工会,2025,501,职工活动支出,1.2.3\n甲工会,2025,501,职工活动支出,100\n甲工会,2025,501,职工活动支出,200\n",
    )
    .unwrap();
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "甲工会.csv",
            "--units",
            "units.csv",
            "--budget",
            "budget.csv",
        ],
    );
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    for expected in [
        "units.csv:2:2: 会员人数无法识别",
        "units.csv:4:1: 单位「乙工会」重复",
        "units.csv:5:3: 级别应为",
        "budget.csv:2:5: 金额无法识别",
        "budget.csv:4:4: 预算行重复",
    ] {
        assert!(err.contains(expected), "expected `{expected}` in:\n{err}");
    }
    assert!(
        out.stdout.is_empty(),
        "nothing is scanned with bad reference tables"
    );
}

#[test]
fn units_may_tighten_caps_but_not_loosen_them() {
    let dir = tempfile::tempdir().unwrap();
    ledger(
        dir.path(),
        "2025-01-20,记-1,春节慰问品,职工活动支出/会员活动支出,180000,\n",
    );
    std::fs::write(
        dir.path().join("units.csv"),
        "单位名称,会员人数,级别,省份\n甲工会,100,基层,山东\n",
    )
    .unwrap();
    let config = |value: u32| {
        format!(
            "[scan]\npaths = [\"甲工会.csv\"]\nunits = \"units.csv\"\nformat = \"json\"\n[scan.caps.\"甲工会\"]\nfestival_gift_per_member_year = {value}\n"
        )
    };
    std::fs::write(dir.path().join("fundwatch.toml"), config(1500)).unwrap();
    let doc = json(&run_in(dir.path(), &["scan"]));
    let cap = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "CAP-001")
        .cloned()
        .expect("1,800 > 1,500");
    assert!(
        cap["message"].as_str().unwrap().contains("本单位配置"),
        "{}",
        cap["message"]
    );
    std::fs::write(dir.path().join("fundwatch.toml"), config(3000)).unwrap();
    let out = run_in(dir.path(), &["scan"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("looser than 山东省"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn secondary_sources_are_opt_in_presets() {
    let dir = tempfile::tempdir().unwrap();
    ledger(
        dir.path(),
        "2022-01-20,记-1,春节慰问品,职工活动支出/会员活动支出,300000,\n",
    );
    std::fs::write(
        dir.path().join("units.csv"),
        "单位名称,会员人数,级别,省份\n甲工会,100,基层,湖南\n",
    )
    .unwrap();
    let doc = json(&run_in(
        dir.path(),
        &[
            "scan",
            "甲工会.csv",
            "--units",
            "units.csv",
            "--format",
            "json",
        ],
    ));
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule_id"] != "CAP-001"),
        "湖南 has only a C-grade preset"
    );
    let doc = json(&run_in(
        dir.path(),
        &[
            "scan",
            "甲工会.csv",
            "--units",
            "units.csv",
            "--use-presets",
            "--format",
            "json",
        ],
    ));
    let cap = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "CAP-001")
        .cloned()
        .expect("preset enabled");
    assert!(
        cap["message"].as_str().unwrap().contains("参考预设"),
        "{}",
        cap["message"]
    );
}

#[test]
fn sample_reference_tables_load() {
    let out = run(&[
        "scan",
        "sample-data/ledgers",
        "--units",
        "sample-data/units.csv",
        "--budget",
        "sample-data/budget.csv",
        "--format",
        "json",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let notes = serde_json::to_string(&json(&out)["notes"]).unwrap();
    assert!(
        notes.contains("内蒙古"),
        "a province without a set in force is reported: {notes}"
    );
}
