//! Finding the header row and reading the title rows above it.
//!
//! Exports put report titles, `单位名称: …`, `期间: …` and blank rows above the real
//! header, and some sheets have no ledger at all. The header is the first row whose cells
//! match enough known column aliases to make a ledger: a date, an amount, and a summary
//! or account. The title rows yield the unit, a default year and, for 明细账 printed per
//! account, the account.

use super::dialect::{Col, Dialect, normalize_header};
use super::{Mapping, value};

/// How many records at the top of a sheet are searched for the header.
pub const HEADER_SEARCH_ROWS: usize = 60;

/// The column layout found in a header row.
#[derive(Clone, Debug)]
pub struct Layout {
    pub dialect: String,
    /// Column kind → 0-based cell index (first occurrence wins).
    pub cols: Vec<(Col, usize)>,
    pub mapping: Mapping,
    /// Headers that name a column kind already taken: (kind, first index, this index).
    pub duplicates: Vec<(Col, usize, usize)>,
    /// `cols` by kind: the reader asks for a column a dozen times per row.
    index: [Option<usize>; Col::ALL.len()],
}

impl Layout {
    pub fn new(
        dialect: String,
        cols: Vec<(Col, usize)>,
        mapping: Mapping,
        duplicates: Vec<(Col, usize, usize)>,
    ) -> Layout {
        let mut index = [None; Col::ALL.len()];
        for &(col, idx) in cols.iter().rev() {
            index[col as usize] = Some(idx);
        }
        Layout {
            dialect,
            cols,
            mapping,
            duplicates,
            index,
        }
    }

    #[inline]
    pub fn get(&self, col: Col) -> Option<usize> {
        self.index[col as usize]
    }

    pub fn has(&self, col: Col) -> bool {
        self.get(col).is_some()
    }
}

/// Facts gathered from title rows above the header.
#[derive(Clone, Debug, Default)]
pub struct Preamble {
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub account_code: Option<String>,
    pub account_name: Option<String>,
}

/// Tries to read `cells` as a header row.
pub fn layout_of<S: AsRef<str>>(cells: &[S], dialects: &[Dialect]) -> Option<Layout> {
    let headers: Vec<String> = cells.iter().map(|c| normalize_header(c.as_ref())).collect();
    let generic = super::dialect::generic();
    let dialect = dialects
        .iter()
        .find(|d| d.matches(&headers))
        .unwrap_or(&generic);
    let mut cols: Vec<(Col, usize)> = Vec::new();
    let mut duplicates = Vec::new();
    let mut mapping = Mapping::default();
    for (idx, header) in headers.iter().enumerate() {
        if header.is_empty() {
            continue;
        }
        let Some(col) = dialect.column_for(header) else {
            continue;
        };
        if let Some(&(_, first)) = cols.iter().find(|(c, _)| *c == col) {
            duplicates.push((col, first, idx));
            mapping.columns.push((
                format!("(duplicate {})", col.key()),
                cells[idx].as_ref().trim().to_string(),
            ));
            continue;
        }
        cols.push((col, idx));
        mapping.columns.push((
            col.key().to_string(),
            cells[idx].as_ref().trim().to_string(),
        ));
    }
    let has = |col: Col| cols.iter().any(|(c, _)| *c == col);
    let has_date = has(Col::Date) || (has(Col::Month) && has(Col::Day));
    let has_amount = has(Col::Debit) || has(Col::Credit) || has(Col::Amount);
    let has_what = has(Col::Summary) || has(Col::Account) || has(Col::AccountCode);
    if !(has_date && has_amount && has_what) {
        return None;
    }
    let canonical: [(&str, &[Col]); 13] = [
        ("date", &[Col::Date, Col::Day]),
        ("voucher", &[Col::Voucher]),
        ("entry", &[Col::Entry]),
        ("summary", &[Col::Summary]),
        ("account_code", &[Col::AccountCode]),
        ("account", &[Col::Account]),
        ("debit", &[Col::Debit, Col::Amount]),
        ("credit", &[Col::Credit, Col::Amount]),
        (
            "payee",
            &[Col::Payee, Col::Supplier, Col::Customer, Col::Aux],
        ),
        ("handler", &[Col::Handler, Col::Staff]),
        ("department", &[Col::Department]),
        ("project", &[Col::Project]),
        ("attachments", &[Col::Attachments]),
    ];
    mapping.missing = canonical
        .iter()
        .filter(|(_, sources)| !sources.iter().any(|c| has(*c)))
        .map(|(name, _)| (*name).to_string())
        .collect();
    if !has(Col::Unit) {
        mapping.missing.push("unit".to_string());
    }
    Some(Layout::new(dialect.name.clone(), cols, mapping, duplicates))
}

/// Reads what a title row says: `单位名称: X`, `核算单位：X`, `期间: 2025.01-2025.12`,
/// `2025年度`, `科目: 50105 会员活动支出`.
pub fn read_preamble<S: AsRef<str>>(cells: &[S], preamble: &mut Preamble) {
    let joined: String = cells
        .iter()
        .map(|c| c.as_ref().trim())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let text = value::to_half_width(&joined).into_owned();
    for part in split_labels(&text) {
        let Some((label, rest)) = part.split_once(':') else {
            if preamble.year.is_none() {
                preamble.year = year_in(&part);
            }
            continue;
        };
        let label: String = label.chars().filter(|c| !c.is_whitespace()).collect();
        let rest = rest.trim();
        match label.as_str() {
            "单位名称" | "核算单位" | "单位" | "账套名称" | "编制单位" | "工会名称"
                if !rest.is_empty() =>
            {
                preamble.unit = Some(rest.split_whitespace().next().unwrap_or(rest).to_string());
            }
            "期间" | "会计期间" | "日期" | "年度" if preamble.year.is_none() => {
                preamble.year = year_in(rest);
            }
            "科目" | "会计科目" => {
                let mut words = rest.split_whitespace();
                let first = words.next().unwrap_or("");
                if first.bytes().all(|b| b.is_ascii_digit()) && !first.is_empty() {
                    preamble.account_code = Some(first.to_string());
                    preamble.account_name = words.next().map(str::to_string);
                } else if !first.is_empty() {
                    preamble.account_name = Some(first.to_string());
                }
            }
            _ => {}
        }
    }
}

/// Splits `单位名称: A  期间: 2025.01` into `["单位名称: A", "期间: 2025.01"]`.
fn split_labels(text: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match parts.last_mut() {
            Some(last) if !word.contains(':') || last.ends_with(':') => {
                last.push(' ');
                last.push_str(word);
            }
            _ => parts.push(word.to_string()),
        }
    }
    parts
}

/// The first plausible four-digit year in `text`.
fn year_in(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        if bytes[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !bytes[i - 1].is_ascii_digit())
            && (i + 4 == bytes.len() || !bytes[i + 4].is_ascii_digit())
        {
            let year: i32 = text[i..i + 4].parse().ok()?;
            if (1990..=2100).contains(&year) {
                return Some(year);
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn u8_header() {
        let dialects = super::super::dialect::builtin();
        let layout = layout_of(
            &strings(&[
                "日期",
                "凭证号数",
                "科目编码",
                "科目名称",
                "摘要",
                "方向",
                "数量",
                "外币",
                "金额",
            ]),
            &dialects,
        )
        .unwrap();
        assert_eq!(layout.dialect, "yonyou-u8-journal");
        assert_eq!(layout.get(Col::Amount), Some(8));
        assert!(layout.mapping.missing.contains(&"payee".to_string()));
        assert!(layout_of(&strings(&["单位名称:某工会", "", ""]), &dialects).is_none());
    }

    #[test]
    fn preamble() {
        let mut p = Preamble::default();
        read_preamble(
            &strings(&["单位名称：人民医院工会", "期间: 2021.01-2022.12"]),
            &mut p,
        );
        assert_eq!(p.unit.as_deref(), Some("人民医院工会"));
        assert_eq!(p.year, Some(2021));
        let mut p = Preamble::default();
        read_preamble(&strings(&["科目: 50105 会员活动支出"]), &mut p);
        assert_eq!(p.account_code.as_deref(), Some("50105"));
        assert_eq!(p.account_name.as_deref(), Some("会员活动支出"));
    }
}
