//! The sections of report.html, in page order. Every ledger-derived string goes through
//! `html::escape`; numbers are formatted here, never in the script.

use std::fmt::Write;

use super::figures::{self, Figures};
use super::html::escape;
use super::html_findings::where_text;
use super::text::Text;
use super::{ReportContext, svg};
use crate::ledger::value;
use crate::rule::Severity;

pub(super) fn yuan(t: &Text, decimal: &str) -> String {
    escape(&t.money(value::parse_amount(decimal).unwrap_or(0)))
}

pub(super) fn sev_badge(t: &Text, sev: Severity) -> String {
    format!(
        "<span class=\"sev sev-{}\">{}</span>",
        sev.name(),
        escape(t.sev(sev))
    )
}

pub(super) fn section_start(h: &mut String, id: &str, title: &str) {
    let _ = write!(h, "<section id=\"{id}\">\n<h2>{}</h2>\n", escape(title));
}

pub(super) fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

pub fn overview(h: &mut String, ctx: &ReportContext, figs: &Figures, t: &Text) {
    let s = ctx.summary;
    let expense = value::parse_amount(&s.expense_amount).unwrap_or(0);
    let flagged = value::parse_amount(&s.amount_flagged).unwrap_or(0);
    section_start(h, "overview", t.sec_overview);
    h.push_str("<div class=\"cards\">\n");
    let card = |h: &mut String, id: &str, label: &str, value: String, detail: String| {
        let _ = writeln!(
            h,
            "<div class=\"card\" id=\"fig-{id}\"><div class=\"label\">{}</div><div class=\"value\">{value}</div><div class=\"detail\">{detail}</div></div>",
            escape(label)
        );
    };
    card(
        h,
        "units",
        t.units_scanned,
        s.units.to_string(),
        format!(
            "{} {} · {} {}",
            escape(t.files),
            s.files_read + s.files_failed,
            escape(t.files_failed),
            s.files_failed
        ),
    );
    card(
        h,
        "rows",
        t.rows_total,
        s.rows_read.to_string(),
        format!(
            "{} {} · {} {} · {} {}",
            escape(t.rows_accepted),
            s.rows_accepted,
            escape(t.rows_skipped),
            s.rows_skipped,
            escape(t.rows_rejected),
            s.rows_rejected
        ),
    );
    card(
        h,
        "scanned",
        t.amount_scanned,
        escape(&t.money(expense)),
        format!(
            "{} {} {}",
            escape(t.expense_lines),
            s.expense_rows,
            escape(t.rows)
        ),
    );
    let chips: Vec<String> = Severity::ALL
        .iter()
        .map(|sev| {
            format!(
                "{} {}",
                sev_badge(t, *sev),
                s.findings_by_severity.get(sev).copied().unwrap_or(0)
            )
        })
        .collect();
    card(
        h,
        "findings",
        t.findings,
        s.findings.to_string(),
        chips.join(" "),
    );
    card(
        h,
        "flagged",
        t.amount_flagged,
        escape(&t.money(flagged)),
        format!(
            "{} {}",
            escape(t.flagged_share),
            figures::percent_text(flagged, expense)
        ),
    );
    card(
        h,
        "rules",
        t.rules_run,
        s.rules_run.to_string(),
        format!("{} {}", escape(t.drafts_not_counted), figs.drafts.len()),
    );
    let _ = write!(h, "</div>\n<p class=\"note\">{}", escape(t.overlap_note));
    if s.suppressed > 0 {
        let _ = write!(
            h,
            " {}",
            escape(&t.suppressed_note.replace("{}", &s.suppressed.to_string()))
        );
    }
    if let Some(b) = &s.baseline {
        let _ = write!(
            h,
            " <strong class=\"baseline\">{}</strong>",
            escape(&t.baseline_text(b))
        );
    }
    h.push_str("</p>\n</section>\n");
}

pub fn ranking(h: &mut String, figs: &Figures, t: &Text) {
    section_start(h, "ranking", t.sec_ranking);
    let max = figs.units.first().map_or(0, |u| u.score);
    let _ = write!(
        h,
        "<table class=\"data\" id=\"ranking-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th>",
        escape(t.rank),
        escape(t.unit),
        escape(t.score)
    );
    for sev in Severity::ALL {
        let _ = write!(h, "<th class=\"num\">{}</th>", escape(t.sev(sev)));
    }
    let _ = writeln!(
        h,
        "<th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        escape(t.amount_flagged),
        escape(t.expense),
        escape(t.flagged_share)
    );
    for u in &figs.units {
        let _ = write!(
            h,
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"score\"><b>{}</b> {}<small>{} + {}</small></td>",
            u.rank,
            escape(&u.unit),
            figures::score_text(u.score),
            svg::score_bar(u.score, max),
            u.severity_points,
            figures::score_text(u.amount_points)
        );
        for c in u.by_severity {
            let _ = write!(h, "<td class=\"num\">{c}</td>");
        }
        let _ = writeln!(
            h,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&t.money(u.flagged_fen)),
            escape(&t.money(u.expense_fen)),
            figures::percent_text(u.flagged_fen, u.expense_fen)
        );
    }
    let _ = write!(
        h,
        "</tbody></table>\n<p class=\"formula\" id=\"score-formula\">{}</p>\n</section>\n",
        escape(t.score_formula)
    );
}

pub fn charts(h: &mut String, figs: &Figures, t: &Text) {
    section_start(h, "charts", t.sec_charts);
    let _ = write!(
        h,
        "<figure><figcaption>{}</figcaption>{}<p class=\"note\">{}",
        escape(t.chart_trend),
        svg::monthly_trend(&figs.months, t),
        escape(t.chart_trend_note)
    );
    if figs.undated > 0 {
        let _ = write!(h, " {}: {}", escape(t.undated), figs.undated);
    }
    let _ = write!(
        h,
        "</p></figure>\n<figure><figcaption>{}</figcaption>",
        escape(t.chart_category)
    );
    if figs.categories.is_empty() {
        let _ = write!(h, "<p>{}</p>", escape(t.nothing_flagged));
    } else {
        h.push_str(&svg::categories(&figs.categories, t));
    }
    h.push_str("</figure>\n</section>\n");
}

pub fn rules(h: &mut String, ctx: &ReportContext, t: &Text) {
    section_start(h, "rules", t.sec_rules);
    if ctx.summary.by_rule.is_empty() {
        let _ = writeln!(h, "<p>{}</p></section>", escape(t.nothing_flagged));
        return;
    }
    let _ = writeln!(
        h,
        "<table class=\"data\" id=\"rules-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
        escape(t.rule),
        escape(t.rule_title),
        escape(t.severity),
        escape(t.count),
        escape(t.amount),
        escape(t.basis)
    );
    for r in &ctx.summary.by_rule {
        let basis = ctx
            .rules
            .get(&r.rule_id)
            .map(crate::rule::Rule::basis_text)
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td class=\"rid nw\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num nw\">{}</td><td class=\"basis\">{}</td></tr>",
            escape(&r.rule_id),
            escape(&r.title),
            sev_badge(t, r.severity),
            r.findings,
            yuan(t, &r.amount),
            escape(basis)
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
}

pub fn drafts(h: &mut String, figs: &Figures, t: &Text) {
    if figs.drafts.is_empty() {
        return;
    }
    section_start(h, "drafts", t.sec_drafts);
    let _ = writeln!(
        h,
        "<p class=\"note\">{}</p><table class=\"data\" id=\"drafts-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
        escape(t.drafts_intro),
        escape(t.rule),
        escape(t.unit),
        escape(t.date),
        escape(t.location),
        escape(t.amount),
        escape(t.message)
    );
    for f in &figs.drafts {
        let _ = writeln!(
            h,
            "<tr><td><span class=\"rid\">{}</span> {}</td><td>{}</td><td class=\"nw\">{}</td><td class=\"loc\">{}</td><td class=\"num nw\">{}</td><td>{}</td></tr>",
            escape(&f.rule_id),
            escape(&f.title),
            escape(&f.unit),
            escape(f.period.as_deref().unwrap_or(&f.date)),
            escape(&where_text(f)),
            yuan(t, &f.amount),
            escape(&f.message)
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
}

pub use super::html_findings::findings;
pub use super::html_quality::{provenance, quality};
