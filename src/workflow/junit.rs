//! `--format junit`: one test case per rule that ran, failing when the rule has active
//! findings at or above `--fail-on`, so Jenkins, GitLab and Azure dashboards show the
//! monthly scan like a test run. Drafts are skipped cases; lower-severity findings are
//! listed in `system-out`.

use std::collections::BTreeMap;
use std::io::Write;

use crate::finding::Finding;
use crate::rule::{RuleSet, Severity, Status};

/// XML-escapes text; control characters XML 1.0 cannot carry are dropped.
fn escape(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|&c| (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    crate::report::html::escape(&clean)
}

fn line(f: &Finding) -> String {
    let place = if f.file.is_empty() {
        f.period.clone().unwrap_or_default()
    } else {
        format!("{}:{}", f.file, f.line)
    };
    format!(
        "[{}] {} {} {} {} 元 {}",
        f.severity.name(),
        f.unit,
        place,
        f.voucher,
        f.amount,
        f.message
    )
}

pub fn write(
    out: &mut dyn Write,
    rules: &RuleSet,
    findings: &[Finding],
    fail_on: Severity,
) -> std::io::Result<()> {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_rule.entry(&f.rule_id).or_default().push(f);
    }
    let failing = |id: &str| {
        by_rule.get(id).is_some_and(|fs| {
            fs.iter()
                .any(|f| f.status == Status::Active && f.severity >= fail_on)
        })
    };
    let tests = rules.rules.len();
    let failures = rules
        .rules
        .iter()
        .filter(|r| r.status == Status::Active && failing(&r.id))
        .count();
    let skipped = rules
        .rules
        .iter()
        .filter(|r| r.status == Status::Draft)
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="fundwatch" tests="{tests}" failures="{failures}" skipped="{skipped}">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="fundwatch rules" tests="{tests}" failures="{failures}" skipped="{skipped}" errors="0">"#
    )?;
    for rule in &rules.rules {
        let prefix = rule.id.split('-').next().unwrap_or("");
        let found = by_rule.get(&*rule.id).cloned().unwrap_or_default();
        writeln!(
            out,
            r#"    <testcase classname="fundwatch.{}" name="{} {}">"#,
            escape(prefix),
            escape(&rule.id),
            escape(&rule.title)
        )?;
        let body: Vec<String> = found.iter().map(|f| escape(&line(f))).collect();
        if rule.status == Status::Draft {
            writeln!(
                out,
                r#"      <skipped message="draft rule: {} finding(s), never fails a check"/>"#,
                found.len()
            )?;
        } else if failing(&rule.id) {
            writeln!(
                out,
                r#"      <failure message="{} finding(s) at or above {}" type="{}">{}</failure>"#,
                found.len(),
                fail_on.name(),
                rule.severity.name(),
                body.join("\n")
            )?;
        }
        if !body.is_empty() && !failing(&rule.id) {
            writeln!(out, "      <system-out>{}</system-out>", body.join("\n"))?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
