//! `cap`: totals or per-person amounts compared with a limit — the provincial 元/人/年
//! and 元/人/次 standards, activity limits, 会议/培训 定额.
//!
//! ## What it finds
//! - `aggregate = "per-member"`: per unit and `period` (year, quarter, month), the net
//!   candidate spending (红字 reversals subtract) divided by the unit's 会员人数 (units
//!   table) above the limit.
//! - `aggregate = "sum"` / `"count"`: the period total or number of rows above the limit.
//! - `aggregate = "per-person"`: each row's amount per person (a stated `30人`, or a
//!   stated `200元/人`; `individual = true` means one person unless stated), per day when
//!   `per_day = true` (a stated `3天`), above the limit.
//!
//! The limit is the parameter `param` from the unit's provincial set in force at the
//! period start (see `rules/params/provinces.toml`), or `limit` when no set has it.
//! Exactly at the limit is not over. Closing entries are left out.
//!
//! ## Why it matters
//! The rules people break most often are about totals: festival gifts above the
//! province's 元/人/年 cap, 慰问 above the per-event standard.
//!
//! ## Parameters
//! `aggregate`, `period` (year), `param`, `limit`, `per_day` (false), `individual`
//! (false), `label` (what is counted, for messages).
//!
//! ## Limits
//! Per-member caps need the units table; per-person caps need the headcount in the
//! summary. What cannot be checked is reported as a note, never skipped silently.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{Ctx, Hit, Output, RowRef, UnitRows, fen, yuan};

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregate {
    PerMember,
    PerPerson,
    Sum,
    Count,
    /// The period's total as a share of a budget line (`budget_account`), e.g. 全年节日慰问
    /// ≤ 50% of 当年本级工会预算收入 (北京).
    ShareOfBudget,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Year,
    Quarter,
    Month,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub aggregate: Aggregate,
    #[serde(default = "default_period")]
    pub period: Period,
    #[serde(default)]
    pub param: Option<String>,
    #[serde(default)]
    pub limit: Option<f64>,
    #[serde(default)]
    pub per_day: bool,
    #[serde(default)]
    pub individual: bool,
    #[serde(default = "default_label")]
    pub label: String,
    /// For `share-of-budget`: budget lines whose account path contains this text (e.g.
    /// `收入` for the income budget, `支出` for the expenditure budget) are added up.
    #[serde(default)]
    pub budget_account: Option<String>,
}

fn default_period() -> Period {
    Period::Year
}
fn default_label() -> String {
    "支出".to_string()
}

/// Where a limit in force comes from. It is put into words only for a finding's message:
/// a per-person rule looks its limit up on every date of every unit.
enum LimitSource<'a> {
    Param(crate::reference::params::Source<'a>),
    RuleDefault,
}

impl std::fmt::Display for LimitSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitSource::Param(source) => f.write_str(&source.describe()),
            LimitSource::RuleDefault => f.write_str("规则默认值"),
        }
    }
}

/// A limit in force and where it comes from; `None` when none applies.
type Limit<'a> = Option<(f64, LimitSource<'a>)>;

/// The limit in force for `unit` (in `province`) on `date`, and its source.
fn limit<'a>(
    p: &Params,
    params: &'a crate::reference::params::Params,
    unit: &str,
    province: Option<&str>,
    date: NaiveDate,
) -> Limit<'a> {
    if let Some(key) = &p.param
        && let Some((value, source)) = params.value(unit, province, date, key)
    {
        return Some((value, LimitSource::Param(source)));
    }
    p.limit.map(|v| (v, LimitSource::RuleDefault))
}

/// [`limit`] for one unit on dates in any order, remembered for the days between two
/// effective dates of the parameter sets: a limit can change only on one of them, and a
/// per-person rule asks on every date of every unit.
struct InForce<'a> {
    params: &'a crate::reference::params::Params,
    /// Every set's effective date, ascending.
    changes: Vec<NaiveDate>,
    /// The days the remembered limit holds for, `from..until`, and the limit.
    remembered: Option<(NaiveDate, NaiveDate, Limit<'a>)>,
}

impl<'a> InForce<'a> {
    fn new(params: &'a crate::reference::params::Params) -> InForce<'a> {
        let mut changes: Vec<NaiveDate> = (params.sets.iter())
            .filter_map(|s| s.effective_date())
            .collect();
        changes.sort_unstable();
        changes.dedup();
        InForce {
            params,
            changes,
            remembered: None,
        }
    }

    fn get(
        &mut self,
        p: &Params,
        unit: &str,
        province: Option<&str>,
        date: NaiveDate,
    ) -> &Limit<'a> {
        let fresh = match &self.remembered {
            Some((from, until, _)) => date < *from || date >= *until,
            None => true,
        };
        if fresh {
            let next = self.changes.partition_point(|&c| c <= date);
            let from = next
                .checked_sub(1)
                .map_or(NaiveDate::MIN, |i| self.changes[i]);
            let until = self.changes.get(next).copied().unwrap_or(NaiveDate::MAX);
            let found = limit(p, self.params, unit, province, date);
            self.remembered = Some((from, until, found));
        }
        &self.remembered.as_ref().expect("remembered above").2
    }
}

/// The first day of the period `date` falls in.
fn period_start(p: Period, date: NaiveDate) -> NaiveDate {
    let (y, m) = (date.year(), date.month());
    let month = match p {
        Period::Year => 1,
        Period::Quarter => (m - 1) / 3 * 3 + 1,
        Period::Month => m,
    };
    NaiveDate::from_ymd_opt(y, month, 1).unwrap_or(date)
}

/// How a period is named in messages: `2022 年`, `2022 年第 2 季度`, `2022 年 4 月`.
fn period_label(p: Period, start: NaiveDate) -> String {
    let y = start.year();
    match p {
        Period::Year => format!("{y} 年"),
        Period::Quarter => format!("{y} 年第 {} 季度", start.month0() / 3 + 1),
        Period::Month => format!("{y} 年 {} 月", start.month()),
    }
}

fn over_text(value: f64, limit: f64) -> String {
    if limit > 0.0 {
        format!("超 {:.1}%", (value - limit) / limit * 100.0)
    } else {
        "上限为 0".to_string()
    }
}

pub fn run(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    if p.aggregate == Aggregate::PerPerson {
        return per_person(p, ctx, unit, out);
    }
    // Candidates are in date order: a period's rows are one run, no map needed.
    let mut periods: Vec<(NaiveDate, Vec<RowRef>)> = Vec::new();
    for &r in unit.candidates {
        let start = period_start(p.period, ctx.row(r).date);
        match periods.last_mut() {
            Some((last, rows)) if *last == start => rows.push(r),
            _ => periods.push((start, vec![r])),
        }
    }
    debug_assert!(periods.is_sorted_by_key(|(start, _)| *start));
    let members = ctx.refs.members(unit.name);
    let province = ctx.refs.province_of(unit.name);
    for (start, rows) in periods {
        let label = period_label(p.period, start);
        let total: i64 = rows.iter().map(|r| ctx.row(*r).debit).sum();
        let Some((limit, source)) =
            limit(p, &ctx.refs.params, unit.name, province.as_deref(), start)
        else {
            let province = province.as_deref().unwrap_or("未知");
            out.notes.push(format!(
                "{label}：单位所在省份（{province}）没有适用的参数“{}”，{}限额检查已跳过 (no parameter set in force; give --province or a units table, or --use-presets)",
                p.param.as_deref().unwrap_or(""),
                p.label
            ));
            continue;
        };
        let (value, shown, unit_text) = match p.aggregate {
            Aggregate::PerMember => {
                let Some(n) = members else {
                    out.notes.push(format!(
                        "{label}：没有会员人数，{}人均限额检查已跳过 (per-member cap skipped: no member count; give --units)",
                        p.label
                    ));
                    break;
                };
                let per = total as f64 / 100.0 / f64::from(n);
                let unit_text = match p.period {
                    Period::Year => "元/人/年",
                    Period::Quarter => "元/人/季度",
                    Period::Month => "元/人/月",
                };
                (
                    per,
                    format!(
                        "人均 {} 元（合计 {} 元 ÷ 会员 {n} 人）",
                        yuan((per * 100.0).round() as i64),
                        yuan(total)
                    ),
                    unit_text,
                )
            }
            Aggregate::Sum => (
                total as f64 / 100.0,
                format!("合计 {} 元", yuan(total)),
                "元",
            ),
            Aggregate::Count => (rows.len() as f64, format!("共 {} 笔", rows.len()), "笔"),
            Aggregate::ShareOfBudget => {
                use chrono::Datelike;
                let fragment = p.budget_account.as_deref().unwrap_or("支出");
                let lines = ctx
                    .refs
                    .budget
                    .as_ref()
                    .map(|b| b.lines_for(unit.name, start.year()))
                    .unwrap_or(&[]);
                let budget: i64 = lines
                    .iter()
                    .filter(|l| l.account.contains(fragment))
                    .map(|l| l.amount)
                    .sum();
                if budget <= 0 {
                    out.notes.push(format!(
                        "{label}：预算表中没有该单位含“{fragment}”的预算行，{}占预算比例检查已跳过 (budget check skipped: no budget for unit {})",
                        p.label, unit.name
                    ));
                    continue;
                }
                let share = total as f64 / budget as f64;
                if share > limit {
                    out.hits.push(Hit {
                        message: format!(
                            "{label}{}合计 {} 元，占预算（含“{fragment}”的预算行合计 {} 元）的 {:.1}%，超过上限 {:.1}%；参数：{source}",
                            p.label,
                            yuan(total),
                            yuan(budget),
                            share * 100.0,
                            limit * 100.0
                        ),
                        rows,
                        amount_fen: total,
                        period: Some(label),
                    });
                }
                continue;
            }
            // Handled row by row in `per_person` above.
            Aggregate::PerPerson => continue,
        };
        if value > limit {
            let limit_text = if p.aggregate == Aggregate::Count {
                format!("{limit}")
            } else {
                yuan(fen(limit))
            };
            out.hits.push(Hit {
                message: format!(
                    "{label}{}{shown}，超过上限 {limit_text} {unit_text}（{}）；参数：{source}",
                    p.label,
                    over_text(value, limit)
                ),
                rows,
                amount_fen: total,
                period: Some(label),
            });
        }
    }
}

/// The first number in `text` directly followed by one of `suffixes`.
pub fn number_before(text: &str, suffixes: &[&str]) -> Option<f64> {
    let text = crate::ledger::value::to_half_width(text);
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let rest: String = chars[j..].iter().take(4).collect();
            if suffixes.iter().any(|s| rest.starts_with(s)) {
                return number.parse().ok();
            }
        } else {
            i += 1;
        }
    }
    None
}

/// What a summary states: amount per person, number of people, number of days.
type SummaryNumbers = (Option<f64>, Option<f64>, Option<f64>);

fn per_person(p: &Params, ctx: &Ctx, unit: &UnitRows, out: &mut Output) {
    let mut unstated = 0;
    // Summaries repeat: a summary's numbers are read once; the limit in force is looked
    // up once per span of days between two parameter sets' effective dates.
    let mut noted_years: Vec<i32> = Vec::new();
    let mut in_force = InForce::new(&ctx.refs.params);
    let province = ctx.refs.province_of(unit.name);
    // By the summary's scan-wide number: no string hashing per candidate.
    let mut numbers: rustc_hash::FxHashMap<u32, SummaryNumbers> = Default::default();
    for &r in unit.candidates {
        let row = ctx.row(r);
        if row.debit <= 0 {
            continue;
        }
        let Some((limit, source)) = in_force.get(p, unit.name, province.as_deref(), row.date)
        else {
            if !noted_years.contains(&row.date.year()) {
                noted_years.push(row.date.year());
                out.notes.push(format!(
                    "{} 年：单位所在省份没有适用的参数“{}”，{}限额检查已跳过 (no parameter set in force)",
                    row.date.year(),
                    p.param.as_deref().unwrap_or(""),
                    p.label
                ));
            }
            continue;
        };
        let limit = *limit;
        let summary = ctx.summary(r);
        let (stated_each, people, days) =
            *numbers.entry(ctx.id(r, row.summary)).or_insert_with(|| {
                (
                    number_before(summary, &["元/人", "元每人", "元／人"]),
                    number_before(summary, &["人", "名"]).filter(|n| *n >= 1.0),
                    number_before(summary, &["天", "日"]).filter(|d| *d >= 1.0),
                )
            });
        let people = people.or(p.individual.then_some(1.0));
        let days = if p.per_day { days } else { Some(1.0) };
        let (Some(days), Some(each)) = (
            days,
            stated_each.or_else(|| people.map(|n| row.debit as f64 / 100.0 / n)),
        ) else {
            unstated += 1;
            continue;
        };
        let each = if stated_each.is_some() {
            each
        } else {
            each / days
        };
        if each > limit {
            let basis = match (stated_each, people, p.per_day) {
                (Some(_), _, _) => "摘要注明的人均金额".to_string(),
                (None, Some(n), true) => format!("{} 元 ÷ {n} 人 ÷ {days} 天", yuan(row.debit)),
                (None, Some(n), false) => format!("{} 元 ÷ {n} 人", yuan(row.debit)),
                _ => String::new(),
            };
            let per = if p.per_day { "元/人·天" } else { "元/人" };
            out.hits.push(Hit {
                rows: vec![r],
                message: format!(
                    "「{summary}」{}{} {} 元（{basis}），超过上限 {} {per}（{}）；参数：{source}",
                    p.label,
                    if p.per_day { "每人每天" } else { "人均" },
                    yuan((each * 100.0).round() as i64),
                    yuan(fen(limit)),
                    over_text(each, limit)
                ),
                amount_fen: row.debit,
                period: None,
            });
        }
    }
    if unstated > 0 {
        out.notes.push(format!(
            "{} 笔{}的摘要未注明人数{}，无法按人均检查 (per-person cap not checkable)",
            unstated,
            p.label,
            if p.per_day { "或天数" } else { "" }
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The limit remembered between effective dates is the one looked up on the day,
        /// whatever the order of the dates, for every province, shipped key and preset
        /// choice.
        #[test]
        fn limits_in_force_match_the_lookup(
            days in proptest::collection::vec(0u64..5_000, 1..60),
            province in 0usize..6,
            key in 0usize..5,
            use_presets: bool,
            rule_default in proptest::option::of(1.0f64..1000.0),
        ) {
            let provinces = [None, Some("安徽"), Some("福建"), Some("湖北"), Some("山东"), Some("全国")];
            let keys = ["wedding_per_event", "birthday_per_event", "training_per_person_day", "sanatorium_per_person_day", "no_such_key"];
            let mut params = crate::reference::params::Params::builtin().expect("shipped parameters");
            params.use_presets = use_presets;
            let p: Params = toml::from_str(&format!(
                "period = \"year\"\naggregate = \"per-person\"\nparam = \"{}\"{}",
                keys[key],
                rule_default.map_or(String::new(), |v| format!("\nlimit = {v}"))
            ))
            .expect("cap parameters");
            let start = NaiveDate::from_ymd_opt(2014, 1, 1).expect("valid date");
            let mut in_force = InForce::new(&params);
            for &day in &days {
                let date = start + chrono::Days::new(day);
                let want = limit(&p, &params, "某工会", provinces[province], date)
                    .map(|(v, source)| (v, source.to_string()));
                let got = (in_force.get(&p, "某工会", provinces[province], date).as_ref())
                    .map(|(v, source)| (*v, source.to_string()));
                proptest::prop_assert_eq!(got, want, "on {}", date);
            }
        }
    }

    #[test]
    fn numbers_in_summaries() {
        assert_eq!(number_before("会员生日蛋糕券 30人", &["人"]), Some(30.0));
        assert_eq!(number_before("疗休养 12人 3天", &["天"]), Some(3.0));
        assert_eq!(
            number_before("纪念品每人120元，共50名", &["名"]),
            Some(50.0)
        );
        assert_eq!(number_before("慰问品200元/人", &["元/人"]), Some(200.0));
        assert_eq!(number_before("春节慰问品", &["人"]), None);
    }
}
