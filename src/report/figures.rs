//! The figures the risk report shows, computed once from the scan so that report.html,
//! findings.xlsx and report.md cannot disagree: the unit ranking with its risk score, the
//! monthly trend, flagged amount by category, the top findings and the detector notes
//! sorted into "not applicable", "skipped for lack of a table" and other remarks.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::finding::Finding;

use crate::rule::{Severity, Status};
use crate::scan::{Note, ScanOutcome};

/// Risk-score weight of one active finding of each severity.
pub fn severity_weight(severity: Severity) -> i64 {
    match severity {
        Severity::Critical => 10,
        Severity::High => 5,
        Severity::Medium => 2,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// Points for flagged amount: `AMOUNT_POINTS × min(1, flagged / expense)`.
pub const AMOUNT_POINTS: i64 = 10;

/// Position of a severity in [`Severity::ALL`] (critical first).
pub fn severity_index(severity: Severity) -> usize {
    Severity::ALL
        .iter()
        .position(|s| *s == severity)
        .unwrap_or(Severity::ALL.len() - 1)
}

/// One unit in the ranking.
#[derive(Debug, Clone)]
pub struct UnitRisk {
    pub rank: usize,
    pub unit: String,
    /// Risk score in hundredths (1234 = 12.34).
    pub score: i64,
    /// Σ severity weights.
    pub severity_points: i64,
    /// `AMOUNT_POINTS × min(1, flagged / expense)`, in hundredths.
    pub amount_points: i64,
    /// Active findings by severity, in [`Severity::ALL`] order.
    pub by_severity: [u64; 5],
    pub findings: u64,
    pub flagged_fen: i64,
    pub expense_fen: i64,
    pub expense_rows: u64,
}

/// One month of the trend chart.
#[derive(Debug, Clone)]
pub struct Month {
    /// `2022-05`.
    pub month: String,
    /// Active findings by severity, in [`Severity::ALL`] order.
    pub by_severity: [u64; 5],
    pub flagged_fen: i64,
}

/// Flagged amount of one spending category (top-level account).
#[derive(Debug, Clone)]
pub struct Category {
    /// Top-level account name; empty for findings with no account (unit-level).
    pub name: String,
    pub findings: u64,
    pub flagged_fen: i64,
}

/// Where a detector remark belongs in the data-quality section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// A check skipped because a budget table, units table or parameter set was missing.
    Skipped,
    /// A test that does not apply to the data (e.g. Benford on too few rows).
    NotApplicable,
    Other,
}

/// Sorts a detector note by its wording (detectors write `…已跳过 (… skipped …)` and
/// `…不适用 (not applicable) …`).
pub fn note_kind(note: &Note) -> NoteKind {
    let m = note.message.to_lowercase();
    if m.contains("已跳过") || m.contains("skipped") {
        NoteKind::Skipped
    } else if m.contains("不适用") || m.contains("not applicable") {
        NoteKind::NotApplicable
    } else {
        NoteKind::Other
    }
}

/// Everything derived for the report.
#[derive(Debug)]
pub struct Figures<'a> {
    /// Every unit scanned, ranked by score (highest first).
    pub units: Vec<UnitRisk>,
    /// Every month from the first to the last (rows and findings), gaps filled with zeros.
    pub months: Vec<Month>,
    /// Active findings that have no month (none today; kept for honesty in the chart).
    pub undated: u64,
    /// Categories by flagged amount, largest first.
    pub categories: Vec<Category>,
    /// First and last entry date over all rows.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Active findings in report order (as sorted by the scan).
    pub active: Vec<&'a Finding>,
    /// Findings of draft rules (reported separately, never counted).
    pub drafts: Vec<&'a Finding>,
    /// Active findings, most serious first (severity, then amount), for summaries.
    pub top: Vec<&'a Finding>,
    pub skipped_checks: Vec<&'a Note>,
    pub not_applicable: Vec<&'a Note>,
    pub other_notes: Vec<&'a Note>,
}

/// The month a finding concerns: its period when that is a month, else its date.
pub fn finding_month(f: &Finding) -> Option<String> {
    let candidate = f.period.as_deref().unwrap_or(&f.date);
    let bytes = candidate.as_bytes();
    (bytes.len() >= 7 && bytes[4] == b'-' && candidate.is_char_boundary(7))
        .then(|| candidate[..7].to_string())
}

/// The spending category of a finding: the first segment of its account path.
pub fn finding_category(f: &Finding) -> String {
    f.account.split('/').next().unwrap_or("").to_string()
}

fn next_month(month: &str) -> Option<String> {
    let date = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let next = date.checked_add_months(chrono::Months::new(1))?;
    Some(next.format("%Y-%m").to_string())
}

/// Computes the report figures.
pub fn compute(outcome: &ScanOutcome) -> Figures<'_> {
    let active: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.status != Status::Draft)
        .collect();
    let drafts: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.status == Status::Draft)
        .collect();

    // Per unit: expense from the rows, findings from the active list.
    let mut units: BTreeMap<String, UnitRisk> = BTreeMap::new();
    let blank = |unit: &str| UnitRisk {
        rank: 0,
        unit: unit.to_string(),
        score: 0,
        severity_points: 0,
        amount_points: 0,
        by_severity: [0; 5],
        findings: 0,
        flagged_fen: 0,
        expense_fen: 0,
        expense_rows: 0,
    };
    let mut row_months: Vec<String> = Vec::new();
    let mut period: Option<(NaiveDate, NaiveDate)> = None;
    for file in &outcome.files {
        let mut is_expense = file.expense_test();
        for row in &file.rows {
            period = Some(match period {
                None => (row.date, row.date),
                Some((a, b)) => (a.min(row.date), b.max(row.date)),
            });
            let unit = file.strings.get(row.unit);
            let entry = units.entry(unit.to_string()).or_insert_with(|| blank(unit));
            if is_expense(row) {
                entry.expense_fen += row.debit;
                entry.expense_rows += 1;
            }
        }
    }
    if let Some((a, b)) = period {
        row_months.push(a.format("%Y-%m").to_string());
        row_months.push(b.format("%Y-%m").to_string());
    }
    for f in &active {
        let entry = units
            .entry(f.unit.to_string())
            .or_insert_with(|| blank(&f.unit));
        entry.by_severity[severity_index(f.severity)] += 1;
        entry.findings += 1;
        entry.severity_points += severity_weight(f.severity);
        entry.flagged_fen += f.amount_fen;
    }
    let mut ranked: Vec<UnitRisk> = units
        .into_values()
        .map(|mut u| {
            u.amount_points = amount_points(u.flagged_fen, u.expense_fen);
            u.score = u.severity_points * 100 + u.amount_points;
            u
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.flagged_fen.cmp(&a.flagged_fen))
            .then(a.unit.cmp(&b.unit))
    });
    for (i, u) in ranked.iter_mut().enumerate() {
        u.rank = i + 1;
    }

    // Months.
    let mut by_month: BTreeMap<String, Month> = BTreeMap::new();
    let mut undated = 0;
    for f in &active {
        match finding_month(f) {
            Some(m) => {
                let entry = by_month.entry(m.clone()).or_insert_with(|| Month {
                    month: m,
                    by_severity: [0; 5],
                    flagged_fen: 0,
                });
                entry.by_severity[severity_index(f.severity)] += 1;
                entry.flagged_fen += f.amount_fen;
            }
            None => undated += 1,
        }
    }
    let bounds = by_month.keys().chain(row_months.iter()).fold(
        None::<(String, String)>,
        |acc, m| match acc {
            None => Some((m.clone(), m.clone())),
            Some((a, b)) => Some((a.min(m.clone()), b.max(m.clone()))),
        },
    );
    let mut months = Vec::new();
    if let Some((first, last)) = bounds {
        let mut m = first;
        while m <= last && months.len() < 600 {
            months.push(by_month.remove(&m).unwrap_or(Month {
                month: m.clone(),
                by_severity: [0; 5],
                flagged_fen: 0,
            }));
            match next_month(&m) {
                Some(n) => m = n,
                None => break,
            }
        }
    }

    // Categories.
    let mut cats: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    for f in &active {
        let entry = cats.entry(finding_category(f)).or_default();
        entry.0 += 1;
        entry.1 += f.amount_fen;
    }
    let mut categories: Vec<Category> = cats
        .into_iter()
        .map(|(name, (findings, flagged_fen))| Category {
            name,
            findings,
            flagged_fen,
        })
        .collect();
    categories.sort_by(|a, b| b.flagged_fen.cmp(&a.flagged_fen).then(a.name.cmp(&b.name)));

    let mut top = active.clone();
    top.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.amount_fen.cmp(&a.amount_fen))
            .then(a.fingerprint.cmp(&b.fingerprint))
    });

    let mut skipped_checks = Vec::new();
    let mut not_applicable = Vec::new();
    let mut other_notes = Vec::new();
    for note in &outcome.notes {
        match note_kind(note) {
            NoteKind::Skipped => skipped_checks.push(note),
            NoteKind::NotApplicable => not_applicable.push(note),
            NoteKind::Other => other_notes.push(note),
        }
    }

    Figures {
        units: ranked,
        months,
        undated,
        categories,
        period,
        active,
        drafts,
        top,
        skipped_checks,
        not_applicable,
        other_notes,
    }
}

/// `AMOUNT_POINTS × min(1, flagged / expense)` in hundredths, rounded half up; 0 when
/// the unit has no expense or nothing flagged.
pub fn amount_points(flagged_fen: i64, expense_fen: i64) -> i64 {
    if flagged_fen <= 0 || expense_fen <= 0 {
        return 0;
    }
    let scale = i128::from(AMOUNT_POINTS) * 100;
    let points = (i128::from(flagged_fen) * scale * 2 + i128::from(expense_fen))
        / (2 * i128::from(expense_fen));
    i64::try_from(points.min(scale)).unwrap_or(0)
}

/// A score in hundredths as text with one decimal (`12.3`).
pub fn score_text(hundredths: i64) -> String {
    let tenths = (hundredths * 2 + if hundredths >= 0 { 10 } else { -10 }) / 20;
    format!("{}.{}", tenths / 10, (tenths % 10).abs())
}

/// `num / den` as a percentage with one decimal (`34.1%`); `—` when `den` is not positive.
pub fn percent_text(num: i64, den: i64) -> String {
    if den <= 0 {
        return "—".to_string();
    }
    let permille = (i128::from(num) * 2000 + i128::from(den)).div_euclid(2 * i128::from(den));
    format!("{}.{}%", permille.div_euclid(10), permille.rem_euclid(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_points_are_capped_and_rounded() {
        assert_eq!(amount_points(0, 100), 0);
        assert_eq!(amount_points(50, 100), 500);
        assert_eq!(amount_points(300, 100), 1000);
        assert_eq!(amount_points(1, 3), 333);
        assert_eq!(amount_points(100, 0), 0);
    }

    #[test]
    fn percent_text_has_one_decimal() {
        assert_eq!(percent_text(1, 3), "33.3%");
        assert_eq!(percent_text(2, 3), "66.7%");
        assert_eq!(percent_text(5, 0), "—");
    }

    #[test]
    fn score_text_rounds_to_one_decimal() {
        assert_eq!(score_text(0), "0.0");
        assert_eq!(score_text(1234), "12.3");
        assert_eq!(score_text(1235), "12.4");
        assert_eq!(score_text(5000), "50.0");
    }

    #[test]
    fn notes_are_sorted_by_wording() {
        let note = |m: &str| Note {
            unit: "u".into(),
            rule_id: "r".into(),
            message: m.into(),
        };
        assert_eq!(
            note_kind(&note("本福特检验不适用 (not applicable): 85 行 < 500")),
            NoteKind::NotApplicable
        );
        assert_eq!(
            note_kind(&note("2022：没有会员人数，人均限额检查已跳过")),
            NoteKind::Skipped
        );
        assert_eq!(note_kind(&note("2031 年按农历推算")), NoteKind::Other);
    }
}
