//! The last two sections of report.html: data quality (per-file reconciliation, rejected
//! rows, unreadable files, detector notes) and provenance (versions, hashes, inputs,
//! command line).

use std::fmt::Write;

use super::ReportContext;
use super::figures::Figures;
use super::html::escape;
use super::text::Text;
use crate::scan::Note;

fn notes_table(h: &mut String, id: &str, title: &str, notes: &[&Note], empty: &str, t: &Text) {
    let _ = writeln!(h, "<h3>{}</h3>", escape(title));
    if notes.is_empty() {
        let _ = writeln!(h, "<p class=\"muted\" id=\"{id}\">{}</p>", escape(empty));
        return;
    }
    let _ = writeln!(
        h,
        "<table class=\"data\" id=\"{id}\"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        escape(t.unit),
        escape(t.rule),
        escape(t.reason)
    );
    for n in notes {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&n.unit),
            escape(&n.rule_id),
            escape(&n.message)
        );
    }
    h.push_str("</tbody></table>\n");
}

pub fn quality(h: &mut String, ctx: &ReportContext, figs: &Figures, t: &Text) {
    let _ = write!(
        h,
        "<section id=\"quality\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
        escape(t.sec_quality),
        escape(t.reconciles)
    );
    let _ = writeln!(
        h,
        "<table class=\"data\" id=\"files-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        escape(t.file),
        escape(t.dialect),
        escape(t.encoding),
        escape(t.unit),
        escape(t.rows_read),
        escape(t.rows_accepted),
        escape(t.rows_skipped),
        escape(t.rows_rejected)
    );
    for f in &ctx.outcome.files {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&f.display),
            escape(&f.dialect),
            escape(&f.container),
            escape(&f.encoding),
            escape(&f.units().join("、")),
            f.rows_read,
            f.rows_accepted(),
            f.rows_skipped(),
            f.rows_rejected()
        );
    }
    let s = ctx.summary;
    let _ = writeln!(
        h,
        "</tbody><tfoot><tr><td colspan=\"4\">Σ</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr></tfoot></table>",
        s.rows_read, s.rows_accepted, s.rows_skipped, s.rows_rejected
    );

    let _ = writeln!(h, "<h3>{}</h3>", escape(t.rejected_rows));
    let rejects: Vec<_> = ctx
        .outcome
        .files
        .iter()
        .flat_map(|f| f.rejects.iter().map(move |r| (f, r)))
        .collect();
    if rejects.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"muted\" id=\"rejects-table\">{}</p>",
            escape(t.none)
        );
    } else {
        let _ = writeln!(
            h,
            "<table class=\"data\" id=\"rejects-table\"><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>",
            escape(t.file),
            escape(t.sheet),
            escape(t.line),
            escape(t.column),
            escape(t.reason)
        );
        for (f, r) in rejects {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape(&f.display),
                escape(r.sheet.as_deref().unwrap_or("")),
                r.line,
                r.column.map(|c| c.to_string()).unwrap_or_default(),
                escape(&r.reason)
            );
        }
        h.push_str("</tbody></table>\n");
    }

    let _ = writeln!(h, "<h3>{}</h3>", escape(t.unreadable));
    if ctx.outcome.errors.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"muted\" id=\"errors-list\">{}</p>",
            escape(t.none)
        );
    } else {
        h.push_str("<ul id=\"errors-list\">");
        for e in &ctx.outcome.errors {
            let _ = write!(
                h,
                "<li><code>{}</code>: {}</li>",
                escape(&e.path),
                escape(&e.message)
            );
        }
        h.push_str("</ul>\n");
    }
    notes_table(
        h,
        "skipped-table",
        t.skipped_checks,
        &figs.skipped_checks,
        t.no_skipped_checks,
        t,
    );
    notes_table(
        h,
        "na-table",
        t.not_applicable,
        &figs.not_applicable,
        t.none,
        t,
    );
    if !figs.other_notes.is_empty() {
        notes_table(
            h,
            "notes-table",
            t.other_notes,
            &figs.other_notes,
            t.none,
            t,
        );
    }
    h.push_str("</section>\n");
}

pub fn provenance(h: &mut String, ctx: &ReportContext, t: &Text) {
    let p = &ctx.provenance;
    let _ = write!(
        h,
        "<section id=\"provenance\">\n<h2>{}</h2>\n<dl class=\"kv\">",
        escape(t.sec_provenance)
    );
    let parameter_set = p.parameter_set.as_deref().unwrap_or(t.parameter_set_none);
    let _ = write!(
        h,
        "<dt>{}</dt><dd id=\"parameter-set\">{}</dd>",
        escape(t.parameter_set),
        escape(parameter_set)
    );
    for (label, value) in [
        (t.tool_version, format!("fundwatch {}", p.tool_version)),
        (t.rule_pack, p.rule_pack.clone()),
        (t.holiday_table, p.holiday_table.clone()),
    ] {
        let _ = write!(
            h,
            "<dt>{}</dt><dd><code>{}</code></dd>",
            escape(label),
            escape(&value)
        );
    }
    let _ = writeln!(
        h,
        "<dt>{}</dt><dd><code id=\"command-line\">{}</code></dd></dl>",
        escape(t.command_line),
        escape(&p.command_text())
    );
    let _ = write!(
        h,
        "<h3>{}</h3>\n<table class=\"data\" id=\"inputs-table\"><thead><tr><th>{}</th><th>SHA-256</th></tr></thead><tbody>\n",
        escape(t.inputs),
        escape(t.file)
    );
    for (path, hash) in &p.inputs {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td><code class=\"hash\">{}</code></td></tr>",
            escape(path),
            escape(hash)
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
}
