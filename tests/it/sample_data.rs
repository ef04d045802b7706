//! End-to-end over `sample-data/`: the committed files are exactly what the seeded
//! generator writes, every file reconciles, every planted anomaly is found, no
//! legitimate look-alike is, and the broken files fail cleanly.

use crate::{code, json, root, run, stderr};

/// The generator's seed for the committed sample set (see sample-data/README.md).
const SEED: u64 = 20251;

#[test]
fn committed_sample_data_matches_the_generator() {
    let dir = tempfile::tempdir().unwrap();
    let written = fundwatch::synth::write_sample_data(dir.path(), SEED).unwrap();
    assert!(!written.is_empty());
    for path in written {
        let rel = path.strip_prefix(dir.path()).unwrap();
        let committed = std::fs::read(root().join("sample-data").join(rel)).unwrap_or_else(|e| {
            panic!(
                "sample-data/{} missing ({e}); run `cargo run -- synth sample`",
                rel.display()
            )
        });
        let fresh = std::fs::read(&path).unwrap();
        assert!(
            committed == fresh,
            "sample-data/{} is stale: run `cargo run -- synth sample --out sample-data`",
            rel.display()
        );
    }
}

#[test]
fn findings_on_sample_data() {
    let out = run(&[
        "scan",
        "sample-data/ledgers",
        "--units",
        "sample-data/units.csv",
        "--budget",
        "sample-data/budget.csv",
        "--format",
        "jsonl",
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let f: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {} {}:{} {} {} 「{}」 {} | {}",
                f["rule_id"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["line"],
                f["date"].as_str().unwrap(),
                f["voucher"].as_str().unwrap(),
                f["summary"].as_str().unwrap(),
                f["amount"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn every_file_reconciles() {
    let out = run(&["inspect", "--format", "json", "sample-data/ledgers"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for f in json(&out)["files"].as_array().unwrap() {
        let n = |k: &str| f[k].as_u64().unwrap();
        assert_eq!(
            n("rows_read"),
            n("rows_accepted") + n("rows_skipped") + n("rows_rejected"),
            "{}",
            f["path"]
        );
        assert_eq!(
            n("rows_rejected"),
            0,
            "good sample files have no rejected rows: {}",
            f["path"]
        );
    }
}

#[test]
fn broken_files_fail_cleanly() {
    let out = run(&["inspect", "--format", "json", "sample-data/broken"]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    let files = doc["files"].as_array().unwrap();
    let get = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap()
            .clone()
    };
    for name in [
        "empty.csv",
        "garbage.csv",
        "no-header.csv",
        "truncated.xlsx",
    ] {
        assert!(
            get(name)["error"].is_string(),
            "{name} is reported as unreadable"
        );
    }
    let bad = get("bad-values.csv");
    let reasons: Vec<&str> = bad["rejects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    for needle in ["2025-13-01", "2025-02-30", "1.2.3", "--5", "1e308"] {
        assert!(
            reasons.iter().any(|r| r.contains(needle)),
            "{needle} rejected with a reason: {reasons:?}"
        );
    }
    assert_eq!(bad["rows_accepted"], 10);
}

#[test]
fn no_data_lost_against_an_independent_line_count() {
    // Text files: every physical non-empty line is a record, so rows_read must equal the
    // line count computed here without the reader.
    let out = run(&[
        "inspect",
        "--format",
        "json",
        "sample-data/ledgers",
        "sample-data/broken/bad-values.csv",
    ]);
    for f in json(&out)["files"].as_array().unwrap() {
        let path = root().join(f["path"].as_str().unwrap());
        if f["container"] != "text" {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        // An empty line is no record at all; a line of bare delimiters is a blank record.
        let lines = bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty() && *l != b"\r")
            .count() as u64;
        assert_eq!(f["rows_read"].as_u64().unwrap(), lines, "{}", f["path"]);
    }
}
