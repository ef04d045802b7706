//! The findings table of report.html: filter controls, sortable headers, and one
//! `<tbody>` per finding (a main row and a hidden detail row with message, basis and
//! evidence) that the page script sorts, filters and expands.

use std::fmt::Write;

use super::ReportContext;
use super::figures::Figures;
use super::html::escape;
use super::html_sections::{base_name, section_start, sev_badge, yuan};
use super::text::Text;
use crate::finding::Finding;
use crate::rule::Severity;

/// Options of a filter `<select>`: value and label.
fn select(h: &mut String, id: &str, all: &str, options: &[(String, String)]) {
    let _ = write!(
        h,
        "<select id=\"{id}\" aria-label=\"{}\"><option value=\"\">{}</option>",
        escape(all),
        escape(all)
    );
    for (value, label) in options {
        let _ = write!(
            h,
            "<option value=\"{}\">{}</option>",
            escape(value),
            escape(label)
        );
    }
    h.push_str("</select>");
}

pub(super) fn where_text(f: &Finding) -> String {
    if f.file.is_empty() {
        return String::new();
    }
    match &f.sheet {
        Some(sheet) => format!("{} [{}]:{}", base_name(&f.file), sheet, f.line),
        None => format!("{}:{}", base_name(&f.file), f.line),
    }
}

/// Findings listed per unit and rule at most, and on the page at most: a large scan's
/// page would otherwise run to hundreds of megabytes (44,000 findings of a
/// million-row ledger made 175 MB) and a browser hardly opens it. findings.xlsx and the
/// JSON/CSV outputs keep every finding.
pub const LISTED_PER_UNIT_RULE: usize = 200;
pub const LISTED_ON_PAGE: usize = 10_000;

/// The findings report.html lists, in the findings' order: each unit's first
/// [`LISTED_PER_UNIT_RULE`] of each rule, and of those at most [`LISTED_ON_PAGE`]: active
/// findings before drafts, the most severe first, then the first in the findings' order.
/// The table leaves drafts out (the page lists them apart, from the figures).
pub fn listed(findings: &[Finding]) -> Vec<&Finding> {
    let mut seen: std::collections::HashMap<(&str, &str), usize> = Default::default();
    let mut kept: Vec<usize> = (0..findings.len())
        .filter(|&i| {
            let f = &findings[i];
            let n = seen.entry((&*f.unit, &*f.rule_id)).or_insert(0);
            *n += 1;
            *n <= LISTED_PER_UNIT_RULE
        })
        .collect();
    if kept.len() > LISTED_ON_PAGE {
        let f = |i: usize| &findings[i];
        kept.sort_by_key(|&i| {
            let draft = f(i).status == crate::rule::Status::Draft;
            (draft, std::cmp::Reverse(f(i).severity), i)
        });
        kept.truncate(LISTED_ON_PAGE);
        kept.sort_unstable();
    }
    kept.into_iter().map(|i| &findings[i]).collect()
}

pub fn findings(
    h: &mut String,
    ctx: &ReportContext,
    figs: &Figures,
    listed: &[&Finding],
    t: &Text,
) {
    section_start(h, "findings", t.sec_findings);
    let shown = listed
        .iter()
        .filter(|f| f.status != crate::rule::Status::Draft)
        .count();
    h.push_str("<div class=\"controls\">");
    let _ = write!(
        h,
        "<input type=\"search\" id=\"f-q\" placeholder=\"{}\" aria-label=\"{}\">",
        escape(t.search),
        escape(t.search)
    );
    let units: Vec<(String, String)> = figs
        .units
        .iter()
        .filter(|u| u.findings > 0)
        .map(|u| (u.unit.clone(), u.unit.clone()))
        .collect();
    select(h, "f-unit", t.all_units, &units);
    let rules: Vec<(String, String)> = ctx
        .summary
        .by_rule
        .iter()
        .map(|r| (r.rule_id.clone(), format!("{} {}", r.rule_id, r.title)))
        .collect();
    select(h, "f-rule", t.all_rules, &rules);
    let sevs: Vec<(String, String)> = Severity::ALL
        .iter()
        .map(|s| (s.name().to_string(), t.sev(*s).to_string()))
        .collect();
    select(h, "f-sev", t.all_severities, &sevs);
    let _ = writeln!(
        h,
        "<button type=\"button\" id=\"f-reset\">{}</button><span id=\"f-count\">{} {n} / {n}</span></div>",
        escape(t.reset),
        escape(t.shown),
        n = shown
    );
    if shown < figs.active.len() {
        let note = t
            .findings_capped
            .replace("{cap}", &LISTED_PER_UNIT_RULE.to_string())
            .replace("{page}", &LISTED_ON_PAGE.to_string())
            .replace("{total}", &figs.active.len().to_string())
            .replace("{listed}", &shown.to_string());
        let _ = writeln!(h, "<p class=\"note\" id=\"f-capped\">{}</p>", escape(&note));
    }
    let cols = [
        ("sev", t.severity, ""),
        ("rule", t.rule, ""),
        ("unit", t.unit, ""),
        ("date", t.date, ""),
        ("voucher", t.voucher, ""),
        ("summary", t.summary, ""),
        ("amount", t.amount, " class=\"num\""),
        ("loc", t.location, ""),
    ];
    let _ = write!(
        h,
        "<table class=\"data findings\" id=\"findings-table\"><thead><tr><th class=\"tg\"><span class=\"sr\">{}</span></th>",
        escape(t.expand)
    );
    for (key, label, class) in cols {
        let _ = write!(
            h,
            "<th{class} aria-sort=\"none\"><button type=\"button\" class=\"sort\" data-sort=\"{key}\">{}</button></th>",
            escape(label)
        );
    }
    h.push_str("</tr></thead>\n");
    for (i, f) in listed.iter().enumerate() {
        if f.status == crate::rule::Status::Draft {
            continue;
        }
        finding_rows(h, i, f, t);
    }
    let _ = write!(
        h,
        "<tbody id=\"f-none\"{}><tr><td colspan=\"9\">{}</td></tr></tbody></table>\n</section>\n",
        if figs.active.is_empty() {
            ""
        } else {
            " hidden"
        },
        escape(t.no_findings)
    );
}

fn finding_rows(h: &mut String, i: usize, f: &Finding, t: &Text) {
    let when = f.period.as_deref().unwrap_or(&f.date);
    let shown_text = if f.summary.is_empty() {
        f.message.as_str()
    } else {
        &*f.summary
    };
    let _ = writeln!(
        h,
        "<tbody class=\"f\" data-i=\"{i}\"><tr class=\"main\"><td class=\"tg\"><button type=\"button\" class=\"toggle\" aria-expanded=\"false\" aria-controls=\"d{i}\" aria-label=\"{}\">▸</button></td>\
         <td>{}</td><td><span class=\"rid\">{}</span> <span class=\"rtitle\">{}</span></td><td class=\"unit\">{}</td><td class=\"nw\">{}</td><td class=\"nw\">{}</td><td class=\"sum\">{}</td><td class=\"num nw\">{}</td><td class=\"loc\" title=\"{}\">{}</td></tr>",
        escape(t.expand),
        sev_badge(t, f.severity),
        escape(&f.rule_id),
        escape(&f.title),
        escape(&f.unit),
        escape(when),
        escape(&f.voucher),
        escape(shown_text),
        yuan(t, &f.amount),
        escape(&f.file),
        escape(&where_text(f))
    );
    let _ = write!(
        h,
        "<tr class=\"detail\" id=\"d{i}\" hidden><td colspan=\"9\"><dl class=\"kv\"><dt>{}</dt><dd class=\"msg\">{}</dd><dt>{}</dt><dd>{}</dd>",
        escape(t.message),
        escape(&f.message),
        escape(t.basis),
        escape(&f.basis)
    );
    for (label, value) in [
        (t.summary, &f.summary),
        (t.account, &f.account),
        (t.payee, &f.payee),
        (t.file, &f.file),
    ] {
        if !value.is_empty() {
            let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value));
        }
    }
    let _ = write!(
        h,
        "<dt>{}</dt><dd><code>{}</code></dd></dl>",
        escape(t.fingerprint),
        escape(&f.fingerprint)
    );
    if !f.evidence.is_empty() {
        let _ = write!(
            h,
            "<table class=\"evidence\"><caption>{} ({})</caption><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
            escape(t.evidence),
            f.evidence.len(),
            escape(t.file),
            escape(t.sheet),
            escape(t.line),
            escape(t.voucher),
            escape(t.date),
            escape(t.amount)
        );
        for e in &f.evidence {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&e.file),
                escape(e.sheet.as_deref().unwrap_or("")),
                e.line,
                escape(&e.voucher),
                e.date,
                escape(&t.money(e.amount_fen))
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</td></tr></tbody>\n");
}
