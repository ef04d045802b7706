//! Hostile and broken inputs (issue 8): every case of `tests/fixtures/hostile/cases.toml`
//! plus the big ones generated here, run through the real binary. For each: never exit
//! code 101 (a panic), the expected message or rejected row with its location, the other
//! inputs of the same run still read, and for text files rows_read checked against an
//! independent count of lines.
//!
//! The 200 MB line, the 1,048,576-row sheet (cached under `target/hostile-cache/`), the
//! 10 GB file (sparse) and the zip bomb always run; they take a few seconds each.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{code, json, root, stderr, stdout};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/hostile")
}

/// Runs the binary in `dir`; a panic (exit code 101) fails the test whatever the case.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(crate::bin())
        .args(args)
        .current_dir(dir)
        .env("CI", "true")
        .env_remove("RUST_LOG")
        .output()
        .expect("run fundwatch");
    assert_ne!(
        code(&out),
        101,
        "fundwatch panicked on {args:?}:\n{}",
        stderr(&out)
    );
    assert!(
        out.status.code().is_some(),
        "fundwatch was killed by a signal on {args:?} (stack overflow? out of memory?):\n{}",
        stderr(&out)
    );
    out
}

/// Non-empty physical lines, counted without the reader: `\r\n`, `\r` and `\n` end a line;
/// a line that is empty (or only the DOS end-of-file mark 0x1A) holds no record.
fn physical_lines(bytes: &[u8]) -> u64 {
    let mut count = 0;
    let mut line_has_data = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' | b'\r' => {
                if line_has_data {
                    count += 1;
                }
                line_has_data = false;
                if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            0x1A => {}
            _ => line_has_data = true,
        }
        i += 1;
    }
    count + u64::from(line_has_data)
}

/// The same count for UTF-16LE text with a BOM.
fn physical_lines_utf16(bytes: &[u8]) -> u64 {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16_lossy(&units);
    physical_lines(text.trim_start_matches('\u{FEFF}').as_bytes())
}

fn files_by_path(report: &Value) -> std::collections::BTreeMap<String, Value> {
    report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f.clone(),
            )
        })
        .collect()
}

/// Checks read = accepted + skipped + rejected and returns (read, accepted, skipped, rejected).
fn counts(f: &Value) -> [u64; 4] {
    let n = |k: &str| f[k].as_u64().unwrap_or_else(|| panic!("{k} in {f}"));
    let c = [
        n("rows_read"),
        n("rows_accepted"),
        n("rows_skipped"),
        n("rows_rejected"),
    ];
    assert_eq!(
        c[0],
        c[1] + c[2] + c[3],
        "read = accepted + skipped + rejected: {f}"
    );
    c
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    case: Vec<Case>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    what: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    errors: Vec<String>,
    #[serde(default)]
    rows: Option<[u64; 4]>,
    #[serde(default)]
    rejects: Vec<ExpectedReject>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    joined: u64,
    #[serde(default)]
    args: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedReject {
    line: u64,
    #[serde(default)]
    column: Option<u64>,
    reason: String,
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(fixtures().join("cases.toml")).expect("cases.toml");
    toml::from_str(&text).expect("cases.toml parses")
}

/// Checks one ledger case against its entry in an `inspect --format json` report.
fn check_ledger_case(case: &Case, f: &Value) {
    let label = format!("{} ({})", case.file, case.what);
    if let Some(error) = &case.error {
        let got = f["error"].as_str().unwrap_or_else(|| {
            panic!("{label}: expected the error `{error}`, but the file was read: {f}")
        });
        assert!(
            got.contains(error),
            "{label}: error `{got}` lacks `{error}`"
        );
        return;
    }
    assert!(
        f["error"].is_null(),
        "{label}: unexpected error {}",
        f["error"]
    );
    let c = counts(f);
    if let Some(rows) = case.rows {
        assert_eq!(c, rows, "{label}: [read, accepted, skipped, rejected]");
    }
    let rejects = f["rejects"].as_array().expect("rejects");
    assert_eq!(
        rejects.len(),
        case.rejects.len(),
        "{label}: rejected rows {rejects:?}"
    );
    for (want, got) in case.rejects.iter().zip(rejects) {
        assert_eq!(got["line"].as_u64(), Some(want.line), "{label}: {got}");
        assert_eq!(got["column"].as_u64(), want.column, "{label}: {got}");
        let reason = got["reason"].as_str().unwrap_or_default();
        assert!(
            reason.contains(&want.reason),
            "{label}: reason `{reason}` lacks `{}`",
            want.reason
        );
    }
    let notes: Vec<&str> = f["notes"]
        .as_array()
        .map(|n| n.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for want in &case.notes {
        assert!(
            notes.iter().any(|n| n.contains(want.as_str())),
            "{label}: no note with `{want}` in {notes:?}"
        );
    }
    // No data lost: every non-empty physical line of a text file is a record.
    if f["container"] == "text" {
        let bytes = std::fs::read(fixtures().join(&case.file)).expect("fixture");
        let utf16 = bytes.starts_with(b"\xFF\xFE") || case.args.iter().any(|a| a == "utf-16le");
        let lines = if utf16 {
            physical_lines_utf16(&bytes)
        } else {
            physical_lines(&bytes)
        };
        assert_eq!(
            c[0] + case.joined,
            lines,
            "{label}: rows_read (+ joined lines) against an independent count of lines"
        );
    }
}

/// Every ledger case of the manifest in one run: each gets its outcome, and the run
/// exits 2 (some files cannot be read) with the control file still read.
#[test]
fn hostile_ledgers_in_one_run() {
    let manifest = manifest();
    let cases: Vec<&Case> = manifest
        .case
        .iter()
        .filter(|c| c.kind.is_none() && c.args.is_empty())
        .collect();
    assert!(
        manifest.case.len() >= 40,
        "the corpus has at least 40 cases"
    );
    let mut args = vec!["inspect", "--format", "json"];
    args.extend(cases.iter().map(|c| c.file.as_str()));
    let out = run_in(&fixtures(), &args);
    assert_eq!(code(&out), 2, "some inputs cannot be read: exit 2");
    let report = json(&out);
    let files = files_by_path(&report);
    for case in &cases {
        let f = files
            .get(&case.file)
            .unwrap_or_else(|| panic!("{} missing from the report", case.file));
        check_ledger_case(case, f);
    }
}

#[test]
fn hostile_ledgers_with_their_own_arguments() {
    for case in manifest()
        .case
        .iter()
        .filter(|c| c.kind.is_none() && !c.args.is_empty())
    {
        let mut args = vec!["inspect", "--format", "json"];
        args.extend(case.args.iter().map(String::as_str));
        // The arguments apply to every file of a run, so the case runs alone.
        args.push(&case.file);
        let out = run_in(&fixtures(), &args);
        let files = files_by_path(&json(&out));
        check_ledger_case(case, &files[&case.file]);
    }
}

/// The scan over the whole corpus: exit 2, every unreadable file in `errors`, every other
/// file scanned (its unit is in the report).
#[test]
fn scan_over_the_hostile_corpus_goes_on() {
    let manifest = manifest();
    let cases: Vec<&Case> = manifest
        .case
        .iter()
        .filter(|c| c.kind.is_none() && c.args.is_empty())
        .collect();
    let mut args = vec!["scan", "--format", "json", "--fail-on", "critical"];
    args.extend(cases.iter().map(|c| c.file.as_str()));
    let out = run_in(&fixtures(), &args);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let report = json(&out);
    let errors: Vec<&str> = report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    let read: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    let err = stderr(&out);
    for case in &cases {
        if let Some(error) = &case.error {
            assert!(
                errors.contains(&case.file.as_str()),
                "{} in errors",
                case.file
            );
            // Named on stderr with its reason: `fundwatch: error: FILE: message`.
            let line = err
                .lines()
                .find(|l| l.starts_with(&format!("fundwatch: error: {}: ", case.file)))
                .unwrap_or_else(|| panic!("{} is named on stderr:\n{err}", case.file));
            assert!(line.contains(error.as_str()), "{line}");
        } else {
            assert!(read.contains(&case.file.as_str()), "{} scanned", case.file);
        }
    }
}

/// Same bytes with one thread and with four, and with the inputs in reverse order.
#[test]
fn hostile_corpus_output_is_deterministic() {
    let manifest = manifest();
    let mut files: Vec<&str> = manifest
        .case
        .iter()
        .filter(|c| c.kind.is_none() && c.args.is_empty())
        .map(|c| c.file.as_str())
        .collect();
    files.dedup();
    let scan = |threads: &str, files: &[&str]| {
        let mut args = vec!["scan", "--format", "json", "-j", threads];
        args.extend(files);
        let out = run_in(&fixtures(), &args);
        let err = stderr(&out);
        (out.stdout, err)
    };
    let (one, err_one) = scan("1", &files);
    let (four, err_four) = scan("4", &files);
    files.reverse();
    let (reversed, err_reversed) = scan("4", &files);
    assert!(one == four, "-j1 and -j4 give the same bytes");
    assert!(one == reversed, "input order does not matter");
    assert_eq!(err_one, err_four);
    assert_eq!(err_one, err_reversed);
}

/// Units and budget tables: every bad line is a `file:line:col` error, nothing is scanned.
#[test]
fn hostile_reference_tables() {
    for case in manifest().case.iter().filter(|c| c.kind.is_some()) {
        let flag = match case.kind.as_deref() {
            Some("units") => "--units",
            Some("budget") => "--budget",
            other => panic!("unknown kind {other:?}"),
        };
        let out = run_in(&fixtures(), &["scan", "control.csv", flag, &case.file]);
        assert_eq!(code(&out), 2, "{}: exit 2", case.file);
        let err = stderr(&out);
        for want in &case.errors {
            assert!(err.contains(want), "{}: `{want}` in\n{err}", case.file);
        }
        assert!(err.contains("nothing was scanned"), "{err}");
    }
}

// ---------------------------------------------------------------- generated inputs

const HEADER: &str = "日期,凭证号,摘要,科目编码,科目名称,借方,贷方,往来单位\n";
const GOOD_ROW: &str =
    "2025-01-05,记-1,购买文体活动用品,50102,文体活动支出,1200.00,,健力体育用品店\n";

/// A cache for big generated inputs that do not change between runs.
fn cache_dir() -> PathBuf {
    let dir = root().join("target/hostile-cache");
    std::fs::create_dir_all(&dir).expect("cache dir");
    dir
}

/// A 200 MB single line between two good rows: one rejected row naming the limit, the
/// rows around it read, memory stays small.
#[test]
fn a_200_mb_line_is_one_rejected_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long-line.csv");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        w.write_all(HEADER.as_bytes()).unwrap();
        w.write_all(GOOD_ROW.as_bytes()).unwrap();
        let chunk = "2025-01-06,记-2,很长的摘要".repeat(1 << 12);
        let mut written = 0usize;
        while written < 200 << 20 {
            w.write_all(chunk.as_bytes()).unwrap();
            written += chunk.len();
        }
        w.write_all(b"\n").unwrap();
        w.write_all(GOOD_ROW.as_bytes()).unwrap();
    }
    let started = Instant::now();
    let out = run_in(
        dir.path(),
        &["inspect", "--format", "json", "long-line.csv"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let f = &json(&out)["files"][0];
    assert_eq!(counts(f), [4, 2, 1, 1]);
    let reject = &f["rejects"][0];
    assert_eq!(reject["line"], 3);
    let reason = reject["reason"].as_str().unwrap();
    assert!(reason.contains("exceeds the 1.0 MiB limit"), "{reason}");
    assert!(started.elapsed() < Duration::from_secs(120));
}

/// 10,000 columns in a CSV and in an xlsx: read, with the ledger columns found among them.
#[test]
fn ten_thousand_columns() {
    let dir = tempfile::tempdir().unwrap();
    let width = 10_000;
    let filler =
        |prefix: &str| -> Vec<String> { (0..width - 8).map(|i| format!("{prefix}{i}")).collect() };
    let mut text = HEADER.trim_end().to_string();
    text.push(',');
    text.push_str(&filler("列").join(","));
    text.push('\n');
    for _ in 0..3 {
        text.push_str(GOOD_ROW.trim_end());
        text.push(',');
        text.push_str(&filler("x").join(","));
        text.push('\n');
    }
    std::fs::write(dir.path().join("wide.csv"), &text).unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            sheet.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    book.save(dir.path().join("wide.xlsx")).unwrap();
    let out = run_in(
        dir.path(),
        &["inspect", "--format", "json", "wide.csv", "wide.xlsx"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for f in json(&out)["files"].as_array().unwrap() {
        assert_eq!(counts(f), [4, 3, 1, 0], "{}", f["path"]);
    }
}

/// Writes the 1,048,576-row sheet once (constant memory) and keeps it.
fn million_row_sheet() -> PathBuf {
    let path = cache_dir().join("million-rows-v1.xlsx");
    if path.exists() {
        return path;
    }
    let partial = path.with_extension("partial");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book
        .add_worksheet_with_constant_memory()
        .expect("constant-memory worksheet");
    for (c, h) in ["日期", "凭证号", "摘要", "科目名称", "借方", "贷方"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..1_048_576u32 {
        let day = 45_658.0 + f64::from(r % 365);
        sheet.write_number(r, 0, day).unwrap();
        sheet.write_number(r, 1, f64::from(r / 2 + 1)).unwrap();
        sheet.write_string(r, 2, "购买文体活动用品").unwrap();
        sheet
            .write_string(
                r,
                3,
                if r % 2 == 1 {
                    "文体活动支出"
                } else {
                    "银行存款"
                },
            )
            .unwrap();
        let amount = f64::from(r % 5000) + 0.5;
        if r % 2 == 1 {
            sheet.write_number(r, 4, amount).unwrap();
        } else {
            sheet.write_number(r, 5, amount).unwrap();
        }
    }
    book.save(&partial).unwrap();
    std::fs::rename(&partial, &path).unwrap();
    path
}

/// Excel's largest sheet: every row is read (streamed), none lost.
#[test]
fn a_sheet_with_1_048_576_rows() {
    let path = million_row_sheet();
    let started = Instant::now();
    let out = run_in(
        path.parent().unwrap(),
        &[
            "inspect",
            "--format",
            "json",
            path.file_name().unwrap().to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let f = &json(&out)["files"][0];
    assert_eq!(counts(f), [1_048_576, 1_048_575, 1, 0]);
    assert!(started.elapsed() < Duration::from_secs(300));
}

/// A 10 GB file (sparse: no disk used) is refused at once, naming the limit; the other
/// input of the run is read.
#[test]
fn a_10_gb_file_is_refused_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let big = std::fs::File::create(dir.path().join("huge.csv")).unwrap();
    big.set_len(10 << 30).unwrap();
    std::fs::write(dir.path().join("small.csv"), format!("{HEADER}{GOOD_ROW}")).unwrap();
    let started = Instant::now();
    let out = run_in(
        dir.path(),
        &["inspect", "--format", "json", "huge.csv", "small.csv"],
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(code(&out), 2);
    let files = files_by_path(&json(&out));
    let error = files["huge.csv"]["error"].as_str().unwrap();
    assert!(error.contains("larger than the 4.0 GiB limit"), "{error}");
    assert_eq!(counts(&files["small.csv"]), [2, 1, 1, 0]);
}

/// An xlsx whose shared strings inflate past the limit (a zip bomb) is refused.
#[test]
fn a_zip_bomb_is_refused() {
    use std::io::Write;
    let path = cache_dir().join("zip-bomb-v2.xlsx");
    if !path.exists() {
        let partial = path.with_extension("partial");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&partial).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("[Content_Types].xml", options).unwrap();
        zip.write_all(b"<Types/>").unwrap();
        zip.start_file("xl/workbook.xml", options).unwrap();
        zip.write_all(b"<workbook/>").unwrap();
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..260 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
        std::fs::rename(&partial, &path).unwrap();
    }
    assert!(std::fs::metadata(&path).unwrap().len() < 4 << 20);
    let out = run_in(
        path.parent().unwrap(),
        &["inspect", "--format", "json", "zip-bomb-v2.xlsx"],
    );
    assert_eq!(code(&out), 2);
    let error = json(&out)["files"][0]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(error.contains("zip bomb"), "{error}");
}

/// A directory with a symlink loop: the loop is reported, the ledger next to it is read.
#[cfg(unix)]
#[test]
fn a_symlink_loop_in_an_input_directory() {
    let dir = tempfile::tempdir().unwrap();
    let ledgers = dir.path().join("ledgers");
    std::fs::create_dir_all(ledgers.join("sub")).unwrap();
    std::fs::write(ledgers.join("a.csv"), format!("{HEADER}{GOOD_ROW}")).unwrap();
    std::os::unix::fs::symlink(&ledgers, ledgers.join("sub/loop")).unwrap();
    let out = run_in(dir.path(), &["scan", "--format", "json", "ledgers"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["files"].as_array().unwrap().len(), 1);
    let err = stderr(&out);
    assert!(
        err.contains("ledgers/sub/loop") && err.contains("symlink loop"),
        "{err}"
    );
}

// ---------------------------------------------------------------- hostile rules

fn rule(id: &str, condition: &str) -> String {
    format!(
        r#"id = "{id}"
title = "测试规则"
severity = "high"
message = "摘要「{{summary}}」，{{amount}} 元"

[basis]
document = "测试文件"
source_tag = "B"

[match]
{condition}

[docs]
what = "测试"
why = "测试"

[[examples]]
expect = "flag"
summary = "购物卡"
account = "职工活动支出/会员活动支出"
debit = 5000

[[examples]]
expect = "ok"
summary = "春节慰问品"
account = "职工活动支出/会员活动支出"
debit = 5000
"#
    )
}

fn rules_check(dir: &Path, name: &str, text: &str) -> (i32, String) {
    let rule_dir = dir.join(name);
    std::fs::create_dir_all(&rule_dir).unwrap();
    std::fs::write(rule_dir.join("rule.toml"), text).unwrap();
    let out = run_in(dir, &["rules", "check", name]);
    (code(&out), stderr(&out))
}

/// Rule files that are broken on purpose: each is a located error, never a crash.
#[test]
fn hostile_rule_files_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "missing-field",
            rule("H-001", "where = \"不存在的字段 > 1\""),
            "missing-field/rule.toml:11:10: unknown field `不存在的字段`",
        ),
        (
            "deep-parentheses",
            rule(
                "H-002",
                &format!("where = \"{}金额 > 1{}\"", "(".repeat(300), ")".repeat(300)),
            ),
            "nested too deeply",
        ),
        (
            "deep-not",
            rule(
                "H-003",
                &format!("where = \"{}closing\"", "NOT ".repeat(2000)),
            ),
            "rule.toml:11:",
        ),
        (
            "long-arithmetic",
            rule(
                "H-004",
                &format!("where = \"金额 {} > 1\"", "+ 1 ".repeat(500)),
            ),
            "nests more than 64 levels",
        ),
        (
            "condition-over-8k",
            rule(
                "H-005",
                &format!("where = \"{}\"", vec!["金额 > 1"; 2000].join(" AND ")),
            ),
            "the limit is 8.0 KiB",
        ),
        (
            "deep-toml-arrays",
            format!("x = {}1{}\n", "[".repeat(20_000), "]".repeat(20_000)),
            "deep-toml-arrays/rule.toml:1:",
        ),
        (
            "binary",
            String::from_utf8_lossy(&(0..=255u8).cycle().take(3000).collect::<Vec<u8>>())
                .into_owned(),
            "binary/rule.toml:",
        ),
    ];
    for (name, text, expected) in &cases {
        let started = Instant::now();
        let (exit, err) = rules_check(dir.path(), name, text);
        assert_eq!(exit, 2, "{name}: exit 2\n{err}");
        assert!(err.contains(expected), "{name}: `{expected}` in\n{err}");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{name} is quick"
        );
    }
    // Not UTF-8, a 10 MB rule file, 120,000 keywords: refused, naming the limit.
    let gbk_dir = dir.path().join("gbk");
    std::fs::create_dir_all(&gbk_dir).unwrap();
    let text = rule("H-006", "where = \"金额 > 1\"");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(gbk_dir.join("rule.toml"), gbk).unwrap();
    let out = run_in(dir.path(), &["rules", "check", "gbk"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("gbk/rule.toml:1:1: file is not UTF-8"),
        "{}",
        stderr(&out)
    );

    let mut big = rule("H-007", "where = \"金额 > 1\"");
    big.push_str(&format!("# {}\n", "填充".repeat((10 << 20) / 6)).repeat(2));
    let (exit, err) = rules_check(dir.path(), "ten-mb", &big);
    assert_eq!(exit, 2, "{err}");
    assert!(err.contains("larger than the 1.0 MiB limit"), "{err}");

    let kw_dir = dir.path().join("keywords");
    std::fs::create_dir_all(&kw_dir).unwrap();
    let words: String = (0..120_000).map(|i| format!("{i:x}\n")).collect();
    std::fs::write(kw_dir.join("words.txt"), words).unwrap();
    std::fs::write(
        kw_dir.join("rule.toml"),
        rule("H-008", "[match.summary]\nany_file = \"words.txt\""),
    )
    .unwrap();
    let out = run_in(dir.path(), &["rules", "check", "keywords"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("the limit is 100000"),
        "{}",
        stderr(&out)
    );
}

/// A pathological LIKE (`'%a%a…%a%b%'`, 400 segments) and 50,000 keywords against
/// summaries of 900 KB: the scan finishes, in seconds, with the expected findings.
#[test]
fn pathological_rules_cannot_hang_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    let pattern = format!("{}%b%", "%a".repeat(400));
    let like = rule(
        "H-010",
        &format!("where = \"摘要 LIKE '{pattern}' OR 摘要 LIKE '%购物卡%'\""),
    );
    std::fs::write(rules.join("like.toml"), like).unwrap();
    let words: String = (0..50_000).map(|i| format!("词{i}\n")).collect();
    std::fs::write(rules.join("words.txt"), words).unwrap();
    let keywords = rule(
        "H-011",
        "[match.summary]\nany_file = \"words.txt\"\nany = [\"购物卡\"]",
    );
    std::fs::write(rules.join("keywords.toml"), keywords).unwrap();

    let long = "a".repeat(900_000);
    let mut ledger = String::from(HEADER);
    for i in 0..20 {
        ledger.push_str(&format!(
            "2025-01-05,记-{i},{long},50105,会员活动支出,100.00,,某超市\n"
        ));
    }
    ledger.push_str("2025-01-06,记-99,购买购物卡,50105,会员活动支出,100.00,,某超市\n");
    std::fs::write(dir.path().join("long.csv"), ledger).unwrap();
    let started = Instant::now();
    let out = run_in(
        dir.path(),
        &[
            "scan",
            "long.csv",
            "--rules",
            "rules",
            "--no-default-rules",
            "--format",
            "jsonl",
            "--fail-on",
            "critical",
        ],
    );
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(120), "took {elapsed:?}");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    let ids: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["rule_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        ids,
        ["H-010", "H-011"],
        "one finding each, on the 购物卡 row"
    );
}

/// No data lost in workbooks and HTML tables either: for every such file of sample-data
/// and the fixtures, rows_read equals an independent count — calamine's whole-sheet
/// ranges (the reader streams cells instead) or the `<tr>` tags of an HTML table.
#[test]
fn no_data_lost_in_workbooks_and_html_tables() {
    use calamine::Reader;
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in [
        "sample-data/ledgers",
        "tests/fixtures/ledgers",
        "tests/fixtures/hostile",
    ] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
            continue;
        };
        paths.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
    }
    paths.sort();
    let mut checked = 0;
    for path in paths {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "xlsx" | "xls") {
            continue;
        }
        let out = run_in(
            path.parent().unwrap(),
            &[
                "inspect",
                "--format",
                "json",
                path.file_name().unwrap().to_str().unwrap(),
            ],
        );
        let f = json(&out)["files"][0].clone();
        if !f["error"].is_null() || f["container"] == "text" {
            continue;
        }
        let expected: u64 = if f["container"] == "html" {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).to_lowercase();
            text.matches("<tr").count() as u64
        } else {
            let mut book = calamine::open_workbook_auto(&path).expect("calamine opens it");
            book.sheet_names()
                .iter()
                .map(|name| book.worksheet_range(name).map_or(0, |r| r.height() as u64))
                .sum()
        };
        assert_eq!(counts(&f)[0], expected, "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 4, "workbooks and HTML tables checked: {checked}");
}
