//! report.md: the short summary for an email or a 通报 — the headline figures, the units
//! with the highest risk scores and the main findings, with the same numbers as
//! report.html and findings.xlsx. Ledger text is escaped with [`md`] so a 摘要 cannot
//! become markup, a link or a broken table.

use std::fmt::Write;

use super::ReportContext;
use super::figures::{self, Figures};
use super::text::Text;
use crate::ledger::value;
use crate::rule::Severity;

/// How many units and findings the summary lists.
pub const TOP_UNITS: usize = 5;
pub const TOP_FINDINGS: usize = 10;

/// Escapes text for Markdown: every character that could start inline markup, HTML, a
/// link or a table cell gets a backslash (CommonMark renders it literally); newlines
/// become spaces. Escaped text never starts a line here, so block markers need nothing.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn money(t: &Text, decimal: &str) -> String {
    t.money(value::parse_amount(decimal).unwrap_or(0))
}

pub fn render(ctx: &ReportContext, figs: &Figures) -> String {
    let t = Text::get(ctx.lang);
    let s = ctx.summary;
    let expense = value::parse_amount(&s.expense_amount).unwrap_or(0);
    let flagged = value::parse_amount(&s.amount_flagged).unwrap_or(0);
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", t.title);
    if let Some((first, last)) = figs.period {
        let _ = write!(
            m,
            "{} {} {} {} · ",
            t.ledger_period,
            first.format("%Y-%m-%d"),
            t.to,
            last.format("%Y-%m-%d")
        );
    }
    let _ = writeln!(
        m,
        "{} {} · {} `{}`\n",
        t.generated_by, ctx.provenance.tool_version, t.rule_pack, s.rule_pack
    );
    let _ = writeln!(m, "## {}\n", t.sec_overview);
    let _ = writeln!(
        m,
        "- {}: **{}** ({} {}, {} {})",
        t.units_scanned,
        s.units,
        t.files,
        s.files_read + s.files_failed,
        t.files_failed,
        s.files_failed
    );
    let _ = writeln!(
        m,
        "- {}: {} = {} {} + {} {} + {} {}",
        t.rows_total,
        s.rows_read,
        t.rows_accepted,
        s.rows_accepted,
        t.rows_skipped,
        s.rows_skipped,
        t.rows_rejected,
        s.rows_rejected
    );
    let _ = writeln!(
        m,
        "- {}: **{}** ({} {} {})",
        t.amount_scanned,
        t.money(expense),
        t.expense_lines,
        s.expense_rows,
        t.rows
    );
    let by_sev: Vec<String> = Severity::ALL
        .iter()
        .map(|sev| {
            format!(
                "{} {}",
                t.sev(*sev),
                s.findings_by_severity.get(sev).copied().unwrap_or(0)
            )
        })
        .collect();
    let _ = writeln!(
        m,
        "- {}: **{}** ({})",
        t.findings,
        s.findings,
        by_sev.join(" · ")
    );
    let _ = writeln!(
        m,
        "- {}: **{}** ({} {})",
        t.amount_flagged,
        t.money(flagged),
        t.flagged_share,
        figures::percent_text(flagged, expense)
    );
    let _ = writeln!(m, "- {}: {}", t.drafts_not_counted, s.draft_findings);
    let _ = writeln!(m, "\n{}\n", t.overlap_note);
    if s.suppressed > 0 {
        let note = t.suppressed_note.replace("{}", &s.suppressed.to_string());
        let _ = writeln!(m, "{note}\n");
    }
    if let Some(b) = &s.baseline {
        let _ = writeln!(m, "{}\n", t.baseline_text(b));
    }

    let _ = writeln!(m, "## {}\n", t.md_top_units);
    let _ = writeln!(
        m,
        "| {} | {} | {} | {} | {} | {} |\n|---:|---|---:|---:|---:|---:|",
        t.rank, t.unit, t.score, t.count, t.amount_flagged, t.flagged_share
    );
    for u in figs.units.iter().take(TOP_UNITS) {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} | {} | {} |",
            u.rank,
            md(&u.unit),
            figures::score_text(u.score),
            u.findings,
            t.money(u.flagged_fen),
            figures::percent_text(u.flagged_fen, u.expense_fen)
        );
    }
    let _ = writeln!(m, "\n{}\n", t.score_formula);

    let _ = writeln!(m, "## {}\n", t.md_top_findings);
    if figs.top.is_empty() {
        let _ = writeln!(m, "{}\n", t.nothing_flagged);
    }
    for (i, f) in figs.top.iter().take(TOP_FINDINGS).enumerate() {
        let when = f.period.as_deref().unwrap_or(&f.date);
        let _ = writeln!(
            m,
            "{}. **{}** {} {} · {} · {} · {}  \n   {}",
            i + 1,
            t.sev(f.severity),
            md(&f.rule_id),
            md(&f.title),
            md(&f.unit),
            md(when),
            money(t, &f.amount),
            md(&f.message)
        );
    }
    if figs.top.len() > TOP_FINDINGS {
        let rest = (figs.top.len() - TOP_FINDINGS).to_string();
        let _ = writeln!(m, "\n{}", t.md_rest.replace("{}", &rest));
    }
    let _ = writeln!(m, "\n## {}\n", t.md_files);
    let _ = writeln!(m, "- {}", t.reconciles);
    let _ = writeln!(
        m,
        "- {}: {} · {}: {} · {}: {}",
        t.rows_rejected,
        s.rows_rejected,
        t.unreadable,
        s.files_failed,
        t.skipped_checks,
        figs.skipped_checks.len()
    );
    let _ = writeln!(m, "\n{}", t.md_more);
    m
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn markup_in_ledger_text_is_escaped() {
        assert_eq!(md("<script>"), "\\<script\\>");
        assert_eq!(md("a|b\nc"), "a\\|b c");
        assert_eq!(md("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(md("2022-05"), "2022-05");
    }
}
