//! The risk report (`scan --report DIR`): report.html, findings.xlsx and report.md agree
//! with each other and with `--format json`, the xlsx reads back with the stable sheets
//! and headers, ledger text is escaped (HTML, Markdown) and never a formula (xlsx), and
//! the files are byte-identical across runs and thread counts. The browser checks of
//! report.html are in tests/browser/ (scripts/browser-test.sh).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use fundwatch::ledger::value;
use fundwatch::report::xlsx::{DETAIL_HEADERS, SUMMARY_HEADERS};
use serde_json::Value;

use crate::{bin, code, json, root, stderr};

const INJECTION: &str = "tests/browser/fixtures/injection.csv";

fn run_env(dir: &Path, args: &[&str], threads: &str) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("CI", "true")
        .env("RAYON_NUM_THREADS", threads)
        .env_remove("RUST_LOG")
        .output()
        .expect("run fundwatch")
}

/// Scans `inputs` (relative to the repository root) with `--format json --report DIR`;
/// returns the JSON document and the report directory.
fn scan_with_report(inputs: &[&str], extra: &[&str]) -> (Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let mut args = vec!["scan"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["--format", "json", "--report", report.to_str().unwrap()]);
    args.extend_from_slice(extra);
    let out = run_env(&root(), &args, "2");
    assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
    (json(&out), dir)
}

fn fen(decimal: &str) -> i64 {
    value::parse_amount(decimal).unwrap()
}

fn fen_of(cell: &Data) -> i64 {
    match cell {
        Data::Float(f) => (f * 100.0).round() as i64,
        Data::Int(i) => i * 100,
        other => panic!("not a number: {other:?}"),
    }
}

fn count_of(cell: &Data) -> u64 {
    match cell {
        Data::Float(f) => *f as u64,
        Data::Int(i) => *i as u64,
        other => panic!("not a number: {other:?}"),
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn sheet(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Range<Data> {
    wb.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn headers(range: &Range<Data>) -> Vec<String> {
    range.rows().next().unwrap().iter().map(cell_text).collect()
}

/// Data rows of the first table on a sheet: from row 2 to the first blank row.
fn table_rows(range: &Range<Data>) -> Vec<Vec<Data>> {
    range
        .rows()
        .skip(1)
        .take_while(|r| !r.iter().all(|c| matches!(c, Data::Empty)))
        .map(<[Data]>::to_vec)
        .collect()
}

/// The JSON data block the page's script reads.
fn page_data(html: &str) -> Value {
    let start = html
        .find(r#"<script type="application/json" id="fw-data">"#)
        .expect("data block");
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(body).expect("data block is JSON")
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn report_of_sample_data_agrees_with_json() {
    let (doc, dir) = scan_with_report(&["sample-data/ledgers"], &[]);
    let report = dir.path().join("report");
    let summary = &doc["summary"];
    let findings = doc["findings"].as_array().unwrap();
    let n = |k: &str| summary[k].as_u64().unwrap();
    let flagged = fen(summary["amount_flagged"].as_str().unwrap());
    let expense = fen(summary["expense_amount"].as_str().unwrap());
    assert!(n("findings") > 0 && flagged > 0);

    // report.html: the embedded data is the JSON's, and the cards show the same figures.
    let html = read(report.join("report.html"));
    let data = page_data(&html);
    assert_eq!(data["summary"], *summary);
    assert_eq!(data["findings"], doc["findings"]);
    assert!(
        !html.contains("f-capped"),
        "every finding listed, no limit named"
    );
    assert!(html.contains(&format!(
        r#"id="fig-findings"><div class="label">发现问题</div><div class="value">{}</div>"#,
        n("findings")
    )));
    assert!(html.contains(&format!("{} 元", value::format_fen(flagged))));
    assert!(
        html.contains("风险分 = Σ 严重程度权重"),
        "score formula is documented"
    );
    let units = data["units"].as_array().unwrap();
    assert_eq!(units.len() as u64, n("units"));
    let unit_fen = |k: &str| -> i64 { units.iter().map(|u| fen(u[k].as_str().unwrap())).sum() };
    assert_eq!(unit_fen("amount_flagged"), flagged);
    assert_eq!(unit_fen("expense_amount"), expense);
    assert_eq!(
        units
            .iter()
            .map(|u| u["findings"].as_u64().unwrap())
            .sum::<u64>(),
        n("findings")
    );
    for forbidden in ["<link", "src=\"http", "@import", "url("] {
        assert!(!html.contains(forbidden), "external resource: {forbidden}");
    }

    // findings.xlsx.
    let mut wb: Xlsx<_> = open_workbook(report.join("findings.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), ["汇总", "明细", "规则", "数据质量"]);

    let detail = sheet(&mut wb, "明细");
    assert_eq!(headers(&detail), DETAIL_HEADERS);
    assert_eq!(&headers(&detail)[20..], ["处理意见", "责任人", "整改期限"]);
    let rows = table_rows(&detail);
    assert_eq!(rows.len(), findings.len());
    let mut active_fen = 0;
    let mut drafts = 0;
    for (row, f) in rows.iter().zip(findings) {
        assert_eq!(cell_text(&row[1]), f["fingerprint"].as_str().unwrap());
        assert_eq!(cell_text(&row[4]), f["rule_id"].as_str().unwrap());
        assert_eq!(fen_of(&row[13]), fen(f["amount"].as_str().unwrap()));
        assert_eq!(cell_text(&row[11]), f["summary"].as_str().unwrap());
        let evidence = f["evidence"].as_array().map_or(0, Vec::len);
        assert_eq!(
            cell_text(&row[19])
                .lines()
                .filter(|l| !l.is_empty())
                .count(),
            evidence
        );
        if cell_text(&row[2]) == "草稿" {
            drafts += 1;
        } else {
            active_fen += fen_of(&row[13]);
        }
        assert!(row[20..].iter().all(|c| matches!(c, Data::Empty)));
    }
    assert_eq!(active_fen, flagged);
    assert_eq!(drafts, n("draft_findings"));

    let sum = sheet(&mut wb, "汇总");
    assert_eq!(headers(&sum), SUMMARY_HEADERS);
    let rows = table_rows(&sum);
    assert_eq!(
        rows.iter().map(|r| count_of(&r[6])).sum::<u64>(),
        n("findings")
    );
    assert_eq!(rows.iter().map(|r| fen_of(&r[7])).sum::<i64>(), flagged);
    let mut sheet_units: Vec<String> = rows.iter().map(|r| cell_text(&r[1])).collect();
    sheet_units.dedup();
    assert_eq!(sheet_units.len() as u64, n("units"));
    let total = sum
        .rows()
        .find(|r| cell_text(&r[0]) == "合计")
        .expect("合计 row");
    assert_eq!(count_of(&total[6]), n("findings"));
    assert_eq!(fen_of(&total[7]), flagged);
    for r in summary["by_rule"].as_array().unwrap() {
        let id = r["rule_id"].as_str().unwrap();
        let count: u64 = rows
            .iter()
            .filter(|row| cell_text(&row[3]) == id)
            .map(|row| count_of(&row[6]))
            .sum();
        assert_eq!(count, r["findings"].as_u64().unwrap(), "{id}");
    }

    let rules = sheet(&mut wb, "规则");
    assert_eq!(headers(&rules)[..3], ["规则编号", "规则名称", "级别"]);
    let rows = table_rows(&rules);
    assert_eq!(rows.len() as u64, n("rules_run"));
    let active_count: u64 = rows
        .iter()
        .filter(|r| cell_text(&r[3]) == "active")
        .map(|r| count_of(&r[8]))
        .sum();
    assert_eq!(active_count, n("findings"));
    assert!(
        rows.iter().all(|r| !cell_text(&r[5]).is_empty()),
        "every rule has a basis"
    );

    let quality = sheet(&mut wb, "数据质量");
    assert_eq!(
        headers(&quality)[5..],
        ["读取行数", "接受行数", "跳过行数", "拒绝行数"]
    );
    let rows = table_rows(&quality);
    assert_eq!(rows.len() as u64, n("files_read"));
    for (col, key) in [
        (5, "rows_read"),
        (6, "rows_accepted"),
        (7, "rows_skipped"),
        (8, "rows_rejected"),
    ] {
        assert_eq!(
            rows.iter().map(|r| count_of(&r[col])).sum::<u64>(),
            n(key),
            "{key}"
        );
    }

    // report.md: the same headline figures and the top unit.
    let md = read(report.join("report.md"));
    assert!(
        md.contains(&format!("发现问题: **{}**", n("findings"))),
        "{md}"
    );
    assert!(md.contains(&format!("涉及金额: **{} 元**", value::format_fen(flagged))));
    assert!(md.contains(&format!(
        "检查支出金额: **{} 元**",
        value::format_fen(expense)
    )));
    assert!(md.contains(&format!("被检单位: **{}**", n("units"))));
    assert!(md.contains(&format!(
        "{} = 接受 {} + 跳过 {} + 拒绝 {}",
        n("rows_read"),
        n("rows_accepted"),
        n("rows_skipped"),
        n("rows_rejected")
    )));
    let top = units[0]["unit"].as_str().unwrap();
    assert!(md.contains(&format!(
        "| 1 | {top} | {} |",
        units[0]["score"].as_str().unwrap()
    )));
}

#[test]
fn ledger_text_is_escaped_and_never_a_formula() {
    let (doc, dir) = scan_with_report(&[INJECTION], &[]);
    let report = dir.path().join("report");
    let html = read(report.join("report.html"));
    assert_eq!(
        html.matches("<script").count(),
        2,
        "only the data block and the page script"
    );
    for raw in ["<script>window", "<img", "<i>测试"] {
        assert!(!html.contains(raw), "unescaped {raw}");
    }
    assert!(html.contains("购物卡&lt;script&gt;window.__pwned=1&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=window.__pwned=3&gt;"));
    assert!(html.contains("注入&lt;i&gt;测试&lt;/i&gt;工会"));
    assert_eq!(page_data(&html)["findings"], doc["findings"]);

    let formula = r#"=HYPERLINK("http://example.invalid/x","点我")购物卡"#;
    let mut wb: Xlsx<_> = open_workbook(report.join("findings.xlsx")).unwrap();
    let detail = sheet(&mut wb, "明细");
    let cells: Vec<&Data> = detail.rows().flat_map(|r| r.iter()).collect();
    for text in [
        formula,
        "@SUM(1+1)",
        "-1+1",
        "购物卡<script>window.__pwned=1</script>",
    ] {
        assert!(
            cells.contains(&&Data::String(text.to_string())),
            "{text} is a plain string cell"
        );
    }
    for name in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "sheet {name} has a formula"
        );
    }

    let md = read(report.join("report.md"));
    assert!(
        md.contains(r"\<script\>window.\_\_pwned=1\</script\>"),
        "{md}"
    );
    assert!(!md.contains("<script>"));
}

#[test]
fn report_is_byte_identical_across_runs_and_threads() {
    let ledgers = root().join("sample-data/ledgers");
    let ledgers = ledgers.to_str().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2", "2"] {
        let dir = tempfile::tempdir().unwrap();
        let out = run_env(
            dir.path(),
            &["scan", ledgers, "--report", "out", "-q"],
            threads,
        );
        assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
        let files: Vec<Vec<u8>> = fundwatch::report::REPORT_FILES
            .iter()
            .map(|f| std::fs::read(dir.path().join("out").join(f)).unwrap())
            .collect();
        outputs.push(files);
    }
    for (i, name) in fundwatch::report::REPORT_FILES.iter().enumerate() {
        assert!(
            outputs[0][i] == outputs[1][i],
            "{name} differs between -j1 and -j2"
        );
        assert!(
            outputs[1][i] == outputs[2][i],
            "{name} differs between runs"
        );
    }
}

#[test]
fn english_report_and_settings_file() {
    let dir = tempfile::tempdir().unwrap();
    let ledgers = root().join("sample-data/ledgers");
    std::fs::write(
        dir.path().join("fundwatch.toml"),
        format!(
            "[scan]\npaths = [{:?}]\nreport = \"monthly\"\nlang = \"en\"\nformat = \"json\"\n",
            ledgers.to_str().unwrap()
        ),
    )
    .unwrap();
    let out = run_env(dir.path(), &["scan", "-o", "findings.json"], "2");
    assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
    let html = read(dir.path().join("monthly/report.html"));
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("Union Fund Risk Report"));
    assert!(html.contains("Risk score = Σ severity weights"));
    assert!(
        html.contains("fundwatch.toml"),
        "the settings file is listed with its hash"
    );
    let md = read(dir.path().join("monthly/report.md"));
    assert!(md.starts_with("# Union Fund Risk Report"));
    // The workbook keeps its Chinese sheet names in every language.
    let wb: Xlsx<_> = open_workbook(dir.path().join("monthly/findings.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), ["汇总", "明细", "规则", "数据质量"]);
}

#[test]
fn provenance_lists_inputs_with_their_hashes() {
    let (_, dir) = scan_with_report(&["sample-data/ledgers"], &["--lang", "zh"]);
    let html = read(dir.path().join("report/report.html"));
    for entry in std::fs::read_dir(root().join("sample-data/ledgers")).unwrap() {
        let path = entry.unwrap().path();
        let hash = fundwatch::report::sha256_hex(&std::fs::read(&path).unwrap());
        assert!(html.contains(&hash), "{} hash missing", path.display());
    }
    assert!(html.contains("fundwatch scan sample-data/ledgers --format json --report"));
    assert!(html.contains("holidays-cn.csv"));
    assert!(html.contains(r#"<dd id="parameter-set">省份："#));
}

#[test]
fn unwritable_report_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "x").unwrap();
    let out = run_env(
        &root(),
        &[
            "scan",
            "sample-data/ledgers",
            "-q",
            "--report",
            blocker.to_str().unwrap(),
        ],
        "2",
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("cannot write the report"),
        "{}",
        stderr(&out)
    );
}

/// Scans (with `--report`) a ledger where each `(unit, rows)` buys gift cards `rows`
/// times, every row flagged by the gift-card rule (`extra`: more arguments); returns the
/// JSON and the temp dir.
fn scan_gift_cards(units: &[(&str, usize)], extra: &[&str]) -> (Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("购物卡.csv");
    let mut csv = String::from("日期,凭证号,摘要,科目名称,借方金额,贷方金额,往来单位,单位名称\n");
    for (unit, rows) in units {
        for i in 0..*rows {
            csv.push_str(&format!(
                "2023-03-{day:02},记-{n},购买购物卡发放职工,职工活动支出/会员活动支出,{amount}.00,,某商场,{unit}\n",
                day = 1 + i % 28,
                n = i + 1,
                amount = 300 + i
            ));
        }
    }
    std::fs::write(&ledger, csv).unwrap();
    scan_with_report(&[ledger.to_str().unwrap()], extra)
}

/// A large scan's page lists each unit's first 200 findings of each rule (so it stays a
/// page a browser opens) and says how many it left out; the JSON keeps them all.
#[test]
fn report_page_lists_at_most_200_findings_per_unit_and_rule() {
    let (doc, report) = scan_gift_cards(&[("甲工会", 250), ("乙工会", 3)], &[]);
    let html = read(report.path().join("report").join("report.html"));

    let per_key = |list: &[Value]| {
        let mut counts = std::collections::BTreeMap::new();
        for f in list {
            let key = (
                f["unit"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
            );
            *counts.entry(key).or_insert(0usize) += 1;
        }
        counts
    };
    let all = per_key(doc["findings"].as_array().unwrap());
    let listed = per_key(page_data(&html)["findings"].as_array().unwrap());
    assert!(
        all.values().any(|&n| n == 250),
        "one rule flags all 250 rows of 甲工会: {all:?}"
    );
    assert!(all.values().any(|&n| n == 3), "{all:?}");
    let want: std::collections::BTreeMap<_, _> =
        all.iter().map(|(k, &n)| (k.clone(), n.min(200))).collect();
    assert_eq!(listed, want);
    let (total, shown) = (all.values().sum::<usize>(), want.values().sum::<usize>());
    assert!(shown < total);
    assert_eq!(html.matches("<tbody class=\"f\"").count(), shown);
    assert!(html.contains(&format!("共 {total} 条发现，本页列出 {shown} 条")));
    assert!(html.contains(&format!(
        r#"<span id="f-count">显示 {shown} / {shown}</span>"#
    )));
}

/// Past 10,000 findings the page lists 10,000: active findings before drafts, the most
/// severe first.
#[test]
fn report_page_lists_at_most_10000_findings_most_severe_first() {
    // 120 units with 100 gift-card rows each: 12,000 findings of one rule, none over the
    // per-unit limit, and as many of a critical draft rule.
    let rules = tempfile::tempdir().unwrap();
    let draft = std::fs::read_to_string(
        root().join("rules/negative-list/admin-premises-and-utilities.toml"),
    )
    .unwrap()
    .replace("id = \"NEG-016\"", "id = \"TRY-001\"")
    .replace("severity = \"medium\"", "severity = \"critical\"")
    .replace("status = \"active\"", "status = \"draft\"")
    .replace("any = [", "any = [\"购物卡\", ");
    std::fs::write(rules.path().join("draft.toml"), draft).unwrap();
    let units: Vec<(String, usize)> = (0..120).map(|u| (format!("第{u:03}工会"), 100)).collect();
    let units: Vec<(&str, usize)> = units.iter().map(|(u, n)| (u.as_str(), *n)).collect();
    let (doc, report) = scan_gift_cards(&units, &["--rules", rules.path().to_str().unwrap()]);
    let html = read(report.path().join("report").join("report.html"));
    let all = doc["findings"].as_array().unwrap();
    let listed = page_data(&html)["findings"].as_array().unwrap().clone();
    assert!(all.len() > 24_000, "{}", all.len());
    assert_eq!(listed.len(), 10_000);
    // Listed in the findings' order, and none left out is more severe than one listed.
    let at: std::collections::HashMap<&str, usize> = (all.iter().enumerate())
        .map(|(i, f)| (f["fingerprint"].as_str().unwrap(), i))
        .collect();
    let positions: Vec<usize> = (listed.iter())
        .map(|f| at[f["fingerprint"].as_str().unwrap()])
        .collect();
    assert!(positions.is_sorted());
    let rank = |f: &Value| {
        ["info", "low", "medium", "high", "critical"]
            .iter()
            .position(|s| f["severity"] == *s)
            .unwrap()
    };
    let draft = |f: &Value| f["status"] == "draft";
    assert_eq!(all.iter().filter(|f| draft(f)).count(), 12_000);
    assert!(
        !listed.iter().any(draft),
        "active findings come before drafts"
    );
    let least_listed = listed.iter().map(rank).min().unwrap();
    let most_left_out = (0..all.len())
        .filter(|i| positions.binary_search(i).is_err() && !draft(&all[*i]))
        .map(|i| rank(&all[i]))
        .max()
        .unwrap();
    assert!(most_left_out <= least_listed);
    let active = all.iter().filter(|f| !draft(f)).count();
    assert!(html.contains(&format!("共 {active} 条发现，本页列出 10000 条")));
}
