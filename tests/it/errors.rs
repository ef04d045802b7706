//! Rule-file errors: each is reported with file, line and column, and nothing is scanned.

use crate::{code, root, run_in, stderr};

/// (fixture directory, expected `path:line:col: message` fragment).
const CASES: &[(&str, &str)] = &[
    (
        "unknown-key",
        "unknown-key/rule.toml:4:1: unknown field `severty`",
    ),
    (
        "bad-severity",
        "bad-severity/rule.toml:3:12: unknown variant `urgent`",
    ),
    ("bad-sql", "bad-sql/rule.toml:11:"),
    (
        "unknown-field",
        "unknown-field/rule.toml:11:25: unknown field `金钱`",
    ),
    ("type-mismatch", "type-mismatch/rule.toml:11:"),
    (
        "bad-placeholder",
        "bad-placeholder/rule.toml:4:26: unknown placeholder `{amout}`",
    ),
    (
        "no-ok-example",
        "no-ok-example/rule.toml:1:6: rule needs at least one `flag` and one `ok` example",
    ),
    (
        "missing-keyword-file",
        "missing-keyword-file/rule.toml:15:12: cannot read keyword file",
    ),
    ("dup", "dup/b.toml:1:6: duplicate rule id `T-001`"),
];

#[test]
fn bad_rule_files_are_located() {
    let dir = root().join("tests/fixtures/bad-rules");
    for (case, expected) in CASES {
        let out = run_in(&dir, &["rules", "check", case]);
        assert_eq!(code(&out), 2, "{case}: exit code\n{}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{case}: expected `{expected}` in:\n{}",
            stderr(&out)
        );
    }
}

#[test]
fn bad_rules_stop_the_scan() {
    let dir = root().join("tests/fixtures/bad-rules");
    let out = run_in(
        &dir,
        &[
            "scan",
            "--rules",
            "bad-sql",
            "../../../sample-data/ledgers",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 2);
    assert!(
        out.stdout.is_empty(),
        "nothing is scanned when a rule is wrong"
    );
    assert!(stderr(&out).contains("nothing was scanned"));
}

#[test]
fn disabling_an_unknown_rule_is_an_error() {
    let out = crate::run(&["scan", "sample-data/ledgers", "--disable", "NEG-999"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no rule with id `NEG-999`"));
}
