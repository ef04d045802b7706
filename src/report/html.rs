//! report.html: one self-contained page (inline CSS, inline SVG charts, a small inline
//! script for sorting, filtering and expanding findings; no network access at all). The
//! page carries a Content-Security-Policy that allows only its own style and script (by
//! SHA-256), so even a missed escape could not run injected code. Ledger text is
//! untrusted: every string goes through [`escape`], and the data for the script is
//! embedded as JSON inside `<script type="application/json">` with `<`, `>` and `&`
//! written as `\u003c`, `\u003e`, `\u0026`. The sections are in `html_sections.rs`.

use std::fmt::Write;

use serde::Serialize;

use super::figures::{self, Figures};
use super::html_sections as sections;
use super::text::Text;
use super::{ReportContext, Summary, sha256_hex};
use crate::finding::Finding;

/// The page's stylesheet.
pub const CSS: &str = include_str!("report.css");
/// The page's script: sorting, filtering, search and expandable rows of the findings table.
pub const JS: &str = include_str!("report.js");

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Serialises `value` as JSON that is safe inside a `<script>` element: no `<`, `>` or
/// `&` (so no `</script>` or `<!--`), and no U+2028/U+2029.
pub fn json_for_script<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_string());
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// Standard base64 (with padding), for CSP hashes.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `'sha256-…'` source expression for a CSP.
fn csp_hash(text: &str) -> String {
    let hex = sha256_hex(text.as_bytes());
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect();
    format!("'sha256-{}'", base64(&bytes))
}

/// What the script reads (and what tests compare with `--format json`).
#[derive(Serialize)]
struct PageData<'a> {
    lang: super::Lang,
    shown: &'a str,
    summary: &'a Summary,
    units: Vec<UnitData<'a>>,
    /// The findings the page lists ([`html_findings::listed`]); `data-i` indexes them.
    findings: &'a [&'a Finding],
}

#[derive(Serialize)]
struct UnitData<'a> {
    rank: usize,
    unit: &'a str,
    score: String,
    findings: u64,
    amount_flagged: String,
    expense_amount: String,
}

/// Renders the whole page.
pub fn render(ctx: &ReportContext, figs: &Figures) -> String {
    let t = Text::get(ctx.lang);
    let listed = super::html_findings::listed(&ctx.outcome.findings);
    let data = PageData {
        lang: ctx.lang,
        shown: t.shown,
        summary: ctx.summary,
        units: figs
            .units
            .iter()
            .map(|u| UnitData {
                rank: u.rank,
                unit: &u.unit,
                score: figures::score_text(u.score),
                findings: u.findings,
                amount_flagged: crate::ledger::value::fen_to_decimal(u.flagged_fen),
                expense_amount: crate::ledger::value::fen_to_decimal(u.expense_fen),
            })
            .collect(),
        findings: &listed,
    };
    let csp = format!(
        "default-src 'none'; style-src {}; script-src {}; img-src 'none'; font-src 'none'; \
         connect-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(CSS),
        csp_hash(JS)
    );
    let mut h = String::with_capacity(256 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"fundwatch {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        t.html_lang,
        escape(&csp),
        escape(&ctx.provenance.tool_version),
        escape(t.title)
    );
    header(&mut h, ctx, figs, t);
    nav(&mut h, figs, t);
    h.push_str("<main>\n");
    sections::overview(&mut h, ctx, figs, t);
    sections::ranking(&mut h, figs, t);
    sections::charts(&mut h, figs, t);
    sections::rules(&mut h, ctx, t);
    sections::findings(&mut h, ctx, figs, &listed, t);
    sections::drafts(&mut h, figs, t);
    sections::quality(&mut h, ctx, figs, t);
    sections::provenance(&mut h, ctx, t);
    h.push_str("</main>\n");
    let _ = write!(
        h,
        "<footer><p>{} {} · {}</p></footer>\n\
         <script type=\"application/json\" id=\"fw-data\">{}</script>\n<script>{JS}</script>\n</body>\n</html>\n",
        escape(t.generated_by),
        escape(&ctx.provenance.tool_version),
        escape(t.disclaimer),
        json_for_script(&data)
    );
    h
}

fn header(h: &mut String, ctx: &ReportContext, figs: &Figures, t: &Text) {
    let _ = write!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"sub\">",
        escape(t.title)
    );
    if let Some((first, last)) = figs.period {
        let _ = write!(
            h,
            "{} {} {} {} · ",
            escape(t.ledger_period),
            first.format("%Y-%m-%d"),
            escape(t.to),
            last.format("%Y-%m-%d")
        );
    }
    let _ = write!(
        h,
        "{} {} · {} {} · {} {}</p>\n<p class=\"note\">{}</p>\n</header>\n",
        escape(t.units_scanned),
        figs.units.len(),
        escape(t.findings),
        ctx.summary.findings,
        escape(t.generated_by),
        escape(&ctx.provenance.tool_version),
        escape(t.disclaimer)
    );
}

fn nav(h: &mut String, figs: &Figures, t: &Text) {
    let mut links = vec![
        ("overview", t.sec_overview),
        ("ranking", t.sec_ranking),
        ("charts", t.sec_charts),
        ("rules", t.sec_rules),
        ("findings", t.sec_findings),
    ];
    if !figs.drafts.is_empty() {
        links.push(("drafts", t.sec_drafts));
    }
    links.push(("quality", t.sec_quality));
    links.push(("provenance", t.sec_provenance));
    h.push_str("<nav>");
    for (id, label) in links {
        let _ = write!(h, "<a href=\"#{id}\">{}</a>", escape(label));
    }
    h.push_str("</nav>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#""><img src=x onerror='a()'>&"#),
            "&quot;&gt;&lt;img src=x onerror=&#39;a()&#39;&gt;&amp;"
        );
    }

    #[test]
    fn script_json_cannot_close_the_element() {
        let json = json_for_script(&"</script><!-- & \u{2028}");
        assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'));
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, "</script><!-- & \u{2028}");
    }

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
