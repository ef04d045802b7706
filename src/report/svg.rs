//! The charts of report.html as inline SVG, drawn here so the report needs no script
//! library and prints exactly as shown: findings per month stacked by severity, amount
//! flagged by spending category, and the small score bars of the unit ranking. Every
//! label goes through [`escape`]; coordinates are rounded to 0.1 so output is stable.

use std::fmt::Write;

use super::figures::{Category, Month};
use super::html::escape;
use super::text::Text;
use crate::rule::Severity;

/// Fill colour of each severity, in [`Severity::ALL`] order (critical first).
pub const SEVERITY_COLORS: [&str; 5] = ["#7f1d1d", "#dc2626", "#f59e0b", "#2563eb", "#9ca3af"];

const CATEGORY_COLOR: &str = "#9a3412";

/// A number with at most one decimal, for coordinates.
fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A "nice" tick step (1, 2 or 5 × 10^k) giving at most `max_ticks` steps up to `max`.
fn tick_step(max: u64, max_ticks: u64) -> u64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if max.div_ceil(step * m) <= max_ticks {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// Findings per month as stacked bars, one colour per severity, with a legend.
pub fn monthly_trend(months: &[Month], t: &Text) -> String {
    let (w, h) = (900.0, 280.0);
    let (left, right, top, bottom) = (44.0, 12.0, 34.0, 36.0);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let totals: Vec<u64> = months.iter().map(|m| m.by_severity.iter().sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let step = tick_step(max, 5);
    let y_max = max.div_ceil(step) * step;
    let y = |v: f64| top + plot_h - v / y_max as f64 * plot_h;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(t.chart_trend)
    );
    // Legend.
    let mut lx = left;
    for (i, sev) in Severity::ALL.iter().enumerate() {
        let _ = write!(
            s,
            r#"<rect x="{}" y="8" width="12" height="12" fill="{}"/><text x="{}" y="18" class="lg">{}</text>"#,
            n(lx),
            SEVERITY_COLORS[i],
            n(lx + 16.0),
            escape(t.sev(*sev))
        );
        let label_width: f64 = t
            .sev(*sev)
            .chars()
            .map(|c| if c.is_ascii() { 7.0 } else { 12.0 })
            .sum();
        lx += 16.0 + label_width + 18.0;
    }
    // Grid and y labels.
    let mut v = 0;
    while v <= y_max {
        let yy = y(v as f64);
        let _ = write!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/><text x="{}" y="{}" class="ax" text-anchor="end">{v}</text>"#,
            n(left),
            n(yy),
            n(w - right),
            n(yy),
            n(left - 6.0),
            n(yy + 4.0)
        );
        v += step;
    }
    let count = months.len().max(1) as f64;
    let slot = plot_w / count;
    let bar = (slot * 0.72).max(1.0);
    let label_every = ((count * 52.0 / plot_w).ceil() as usize).max(1);
    for (i, m) in months.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut acc = 0u64;
        // Bottom to top: info first so the most serious sit on top.
        for idx in (0..5).rev() {
            let c = m.by_severity[idx];
            if c == 0 {
                continue;
            }
            let y0 = y(acc as f64);
            let y1 = y((acc + c) as f64);
            let _ = write!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} {} {c}</title></rect>"#,
                n(x),
                n(y1),
                n(bar),
                n(y0 - y1),
                SEVERITY_COLORS[idx],
                escape(&m.month),
                escape(t.sev(Severity::ALL[idx]))
            );
            acc += c;
        }
        if acc > 0 {
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" class="val" text-anchor="middle">{acc}</text>"#,
                n(x + bar / 2.0),
                n(y(acc as f64) - 3.0)
            );
        }
        if i % label_every == 0 {
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" class="ax" text-anchor="middle">{}</text>"#,
                n(x + bar / 2.0),
                n(h - bottom + 16.0),
                escape(&m.month)
            );
        }
    }
    let _ = write!(
        s,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/></svg>"#,
        n(left),
        n(top + plot_h),
        n(w - right),
        n(top + plot_h)
    );
    s
}

/// Amount flagged per category as horizontal bars, largest first.
pub fn categories(cats: &[Category], t: &Text) -> String {
    let w = 900.0;
    let row_h = 28.0;
    let label_w = 210.0;
    let value_w = 190.0;
    let bar_max = w - label_w - value_w;
    let h = row_h * cats.len().max(1) as f64 + 8.0;
    let max = cats.iter().map(|c| c.flagged_fen).max().unwrap_or(0).max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        n(h),
        escape(t.chart_category)
    );
    for (i, c) in cats.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let name = if c.name.is_empty() {
            t.no_account
        } else {
            c.name.as_str()
        };
        let bw = (c.flagged_fen.max(0) as f64 / max * bar_max).max(1.0);
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="lb" text-anchor="end">{}</text><rect x="{}" y="{}" width="{}" height="{}" fill="{CATEGORY_COLOR}"><title>{} {}</title></rect><text x="{}" y="{}" class="val">{} · {}</text>"#,
            n(label_w - 10.0),
            n(y + 18.0),
            escape(name),
            n(label_w),
            n(y + 5.0),
            n(bw),
            n(row_h - 10.0),
            escape(name),
            escape(&t.money(c.flagged_fen)),
            n(label_w + bw + 8.0),
            n(y + 18.0),
            escape(&t.money(c.flagged_fen)),
            c.findings
        );
    }
    s.push_str("</svg>");
    s
}

/// A small bar for a score relative to the highest score.
pub fn score_bar(score: i64, max: i64) -> String {
    let width = if max > 0 {
        (score.max(0) as f64 / max as f64 * 100.0).max(0.0)
    } else {
        0.0
    };
    format!(
        r##"<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" xmlns="http://www.w3.org/2000/svg"><rect width="100" height="10" fill="#f3e8e2"/><rect width="{}" height="10" fill="#b91c1c"/></svg>"##,
        n(width)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice() {
        assert_eq!(tick_step(1, 5), 1);
        assert_eq!(tick_step(6, 5), 2);
        assert_eq!(tick_step(23, 5), 5);
        assert_eq!(tick_step(230, 5), 50);
    }

    #[test]
    fn labels_are_escaped() {
        let cats = [Category {
            name: "<script>x</script>".into(),
            findings: 1,
            flagged_fen: 100,
        }];
        let svg = categories(&cats, &super::super::text::ZH);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
    }
}
