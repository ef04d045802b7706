//! The reference tables of the sample set: `units.csv` (会员人数, 级别, 省份 per unit) and
//! `budget.csv` (per unit, year and top-level expense account). Budgets are derived from
//! each book's own spending so that some lines are over budget, one account has no
//! budget line, and two units have no budget at all (the scan must say it skipped them).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::book::Book;
use super::text;

/// `fundwatch.toml` of the sample set: the README's main command is
/// `fundwatch scan --config sample-data/fundwatch.toml`.
pub const CONFIG: &str = r#"# 示例数据的扫描配置：fundwatch scan --config sample-data/fundwatch.toml
# 路径相对于本文件。
[scan]
paths = ["ledgers"]
units = "units.csv"
budget = "budget.csv"
report = "../out/sample-report"
format = "table"
fail_on = "high"
"#;

/// Province of each sample unit, in `SPECS` order (机械厂工会's 内蒙古 has no parameter
/// set in force for 2021–2022, which the report must say).
const PROVINCES: [&str; 5] = ["山东省", "湖北省", "安徽省", "福建省", "内蒙古自治区"];

/// `units.csv`: UTF-8 with BOM, as Excel on Chinese Windows saves "CSV UTF-8".
pub fn units_csv(books: &[Book]) -> String {
    let mut out = String::from("\u{feff}单位名称,会员人数,级别,省份\n");
    for (book, province) in books.iter().zip(PROVINCES) {
        let _ = writeln!(
            out,
            "{},{},基层,{province}",
            book.unit.name, book.unit.members
        );
    }
    out
}

/// Net expense per (year, top-level account), closing vouchers excluded.
fn spending(book: &Book) -> BTreeMap<(u16, &'static str, &'static str), i64> {
    let mut totals = BTreeMap::new();
    for v in &book.vouchers {
        let closing = v.lines.iter().any(|l| l.summary.contains("结转"));
        if closing {
            continue;
        }
        for l in &v.lines {
            if l.account.expense && l.debit != 0 {
                let top = l.account.path.first().copied().unwrap_or("");
                let code = &l.account.code[..3.min(l.account.code.len())];
                *totals.entry((v.date.y, code, top)).or_insert(0) += l.debit;
            }
        }
    }
    totals
}

/// `budget.csv` for the first two units: budget = spending × 1.1 rounded to thousands,
/// except 一中工会's 2022 职工活动支出 (budget 85% of spending: over budget) and
/// 人民医院工会's 2022 业务支出 (no line: unbudgeted spending).
pub fn budget_csv(books: &[Book]) -> String {
    let mut out = String::from("\u{feff}单位名称,年度,科目编码,科目名称,本年预算数,调整后预算数\n");
    for book in books.iter().take(2) {
        for ((year, code, name), spent) in spending(book) {
            let over = book.unit.name == "一中工会" && year == 2022 && name == "职工活动支出";
            let unbudgeted = book.unit.name == "人民医院工会" && year == 2022 && name == "业务支出";
            if unbudgeted {
                continue;
            }
            let factor = if over { 85 } else { 110 };
            let budget = (spent * factor / 100 / 100_000 + 1) * 100_000;
            let adjusted =
                if book.unit.name == "人民医院工会" && year == 2021 && name == "职工活动支出"
                {
                    text::plain(budget + 2_000_000)
                } else {
                    String::new()
                };
            let _ = writeln!(
                out,
                "{},{year},{code},{name},{},{adjusted}",
                book.unit.name,
                text::plain(budget)
            );
        }
    }
    out
}
