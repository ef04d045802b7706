//! The in-memory ledger every sample file is rendered from: vouchers of
//! balanced lines, built through [`Builder`] and then finished (sorted,
//! numbered per month, closed at year end) into a [`Book`].

use super::chart::{self, Account, Acct};
use super::names::Unit;
use super::rng::Rng;
use super::tags::Tag;
use super::text::Date;

/// Who a line was paid to or received from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    None,
    /// A company (供应商).
    Supplier(&'static str),
    /// A staff member (职员).
    Staff(&'static str),
    /// A payer of income (客户), e.g. the city federation.
    Customer(&'static str),
}

impl Party {
    pub fn name(self) -> &'static str {
        match self {
            Party::None => "",
            Party::Supplier(n) | Party::Staff(n) | Party::Customer(n) => n,
        }
    }
}

/// One entry line; exactly one of `debit` / `credit` is non-zero (either may
/// be negative for a red-ink reversal).
#[derive(Debug, Clone)]
pub struct Line {
    pub summary: String,
    pub account: Account,
    pub debit: i64,
    pub credit: i64,
    pub party: Party,
}

#[derive(Debug, Clone)]
pub struct Voucher {
    pub date: Date,
    /// Number within its month (restarts at 1 every month).
    pub no: u32,
    pub attachments: u32,
    pub handler: &'static str,
    pub dept: &'static str,
    pub lines: Vec<Line>,
    pub tag: Option<Tag>,
    seq: u32,
}

impl Voucher {
    pub fn total_debit(&self) -> i64 {
        self.lines.iter().map(|l| l.debit).sum()
    }
    #[cfg(test)]
    pub fn total_credit(&self) -> i64 {
        self.lines.iter().map(|l| l.credit).sum()
    }
}

/// A finished two-year ledger of one unit.
pub struct Book {
    pub unit: &'static Unit,
    pub vouchers: Vec<Voucher>,
    /// Opening balances on 2021-01-01 (debit-positive), by logical account.
    pub opening: Vec<(Acct, i64)>,
    /// A deliberately skipped voucher number: (year, month, missing number).
    pub gap: Option<(u16, u8, u32)>,
}

impl Book {
    /// Number of entry lines (data rows, without any 合计 rows).
    pub fn rows(&self) -> usize {
        self.vouchers.iter().map(|v| v.lines.len()).sum()
    }
}

/// One debit item of a payment voucher.
pub struct Item<'a> {
    pub summary: &'a str,
    pub acct: Acct,
    pub amount: i64,
    pub party: Party,
}

pub fn item(summary: &str, acct: Acct, amount: i64, party: Party) -> Item<'_> {
    Item {
        summary,
        acct,
        amount,
        party,
    }
}

/// Accumulates vouchers in any order; [`Builder::finish`] sorts them.
pub struct Builder {
    pub rng: Rng,
    pub unit: &'static Unit,
    vouchers: Vec<Voucher>,
    seq: u32,
}

impl Builder {
    pub fn new(unit: &'static Unit, rng: Rng) -> Self {
        Builder {
            rng,
            unit,
            vouchers: Vec::new(),
            seq: 0,
        }
    }

    /// A random staff member of the unit.
    pub fn staff(&mut self) -> &'static str {
        let staff = self.unit.staff;
        staff[self.rng.below(staff.len() as u64) as usize]
    }

    fn push(&mut self, date: Date, lines: Vec<Line>, tag: Option<Tag>) -> usize {
        let handler = *self.rng.pick(self.unit.staff);
        let dept = if self.rng.chance(600) {
            self.unit.depts[0]
        } else {
            *self.rng.pick(self.unit.depts)
        };
        let attachments = self.rng.range(1, 4) as u32;
        self.seq += 1;
        self.vouchers.push(Voucher {
            date,
            no: 0,
            attachments,
            handler,
            dept,
            lines,
            tag,
            seq: self.seq,
        });
        self.vouchers.len() - 1
    }

    /// Expense (or other debit) items paid out of `from` (银行存款 / 库存现金).
    /// Returns the voucher's index for [`Builder::reverse`].
    pub fn pay(&mut self, date: Date, from: Acct, items: &[Item<'_>], tag: Option<Tag>) -> usize {
        let y = date.y;
        let mut lines: Vec<Line> = items
            .iter()
            .map(|it| Line {
                summary: it.summary.to_string(),
                account: chart::resolve(it.acct, y),
                debit: it.amount,
                credit: 0,
                party: it.party,
            })
            .collect();
        let total = items.iter().map(|it| it.amount).sum();
        lines.push(Line {
            summary: items[0].summary.to_string(),
            account: chart::resolve(from, y),
            debit: 0,
            credit: total,
            party: Party::None,
        });
        self.push(date, lines, tag)
    }

    /// Income received into the bank.
    pub fn receive(
        &mut self,
        date: Date,
        summary: &str,
        income: Acct,
        amount: i64,
        party: Party,
        tag: Option<Tag>,
    ) {
        let y = date.y;
        let lines = vec![
            Line {
                summary: summary.to_string(),
                account: chart::resolve(Acct::Bank, y),
                debit: amount,
                credit: 0,
                party: Party::None,
            },
            Line {
                summary: summary.to_string(),
                account: chart::resolve(income, y),
                debit: 0,
                credit: amount,
                party,
            },
        ];
        self.push(date, lines, tag);
    }

    /// 提取现金备用: debit 库存现金, credit 银行存款.
    pub fn withdraw_cash(&mut self, date: Date, amount: i64, tag: Option<Tag>) {
        let s = "提取现金备用";
        let y = date.y;
        let lines = vec![
            Line {
                summary: s.to_string(),
                account: chart::resolve(Acct::Cash, y),
                debit: amount,
                credit: 0,
                party: Party::None,
            },
            Line {
                summary: s.to_string(),
                account: chart::resolve(Acct::Bank, y),
                debit: 0,
                credit: amount,
                party: Party::None,
            },
        ];
        self.push(date, lines, tag);
    }

    /// A red-ink (红字) reversal of voucher `index` on `date`: same sides,
    /// negated amounts.
    pub fn reverse(&mut self, index: usize, date: Date, summary: &str) {
        let lines = self.vouchers[index]
            .lines
            .iter()
            .map(|l| Line {
                summary: summary.to_string(),
                account: l.account,
                debit: -l.debit,
                credit: -l.credit,
                party: l.party,
            })
            .collect();
        self.push(date, lines, None);
    }

    /// Sort, add the year-end closing vouchers, number every month from 1
    /// (skipping one number in `gap`'s month after `gap.2 - 1`).
    pub fn finish(
        mut self,
        closing_summary: &str,
        opening: Vec<(Acct, i64)>,
        gap: Option<(u16, u8, u32)>,
    ) -> Book {
        self.vouchers.sort_by_key(|v| (v.date, v.seq));
        let years: Vec<u16> = {
            let mut ys: Vec<u16> = self.vouchers.iter().map(|v| v.date.y).collect();
            ys.dedup();
            ys
        };
        for y in years {
            let lines = closing_lines(&self.vouchers, y, closing_summary);
            self.push(Date::new(y, 12, 31), lines, None);
        }
        self.vouchers.sort_by_key(|v| (v.date, v.seq));
        let mut month = (0, 0);
        let mut no = 0;
        for v in &mut self.vouchers {
            if (v.date.y, v.date.m) != month {
                month = (v.date.y, v.date.m);
                no = 0;
            }
            no += 1;
            if let Some((gy, gm, missing)) = gap
                && (gy, gm) == month
                && no == missing
            {
                no += 1;
            }
            v.no = no;
        }
        Book {
            unit: self.unit,
            vouchers: self.vouchers,
            opening,
            gap,
        }
    }
}

/// 本年收支结转: debit every income account and credit 工会资金结余 with the
/// total, then debit 工会资金结余 and credit every expense account.
fn closing_lines(vouchers: &[Voucher], year: u16, summary: &str) -> Vec<Line> {
    let mut sums: Vec<(Account, i64)> = Vec::new();
    for l in vouchers
        .iter()
        .filter(|v| v.date.y == year)
        .flat_map(|v| &v.lines)
    {
        if !(l.account.expense || l.account.income) {
            continue;
        }
        let net = l.debit - l.credit;
        match sums.iter_mut().find(|(a, _)| a.code == l.account.code) {
            Some((_, s)) => *s += net,
            None => sums.push((l.account, net)),
        }
    }
    sums.sort_by_key(|(a, _)| a.code);
    let fund = chart::resolve(Acct::Fund, year);
    let line = |account, debit, credit| Line {
        summary: summary.to_string(),
        account,
        debit,
        credit,
        party: Party::None,
    };
    let mut lines = Vec::new();
    let income: i64 = sums.iter().filter(|(a, _)| a.income).map(|(_, s)| -s).sum();
    for (a, s) in sums.iter().filter(|(a, s)| a.income && *s != 0) {
        lines.push(line(*a, -s, 0));
    }
    lines.push(line(fund, 0, income));
    let expense: i64 = sums
        .iter()
        .filter(|(a, _)| a.expense)
        .map(|(_, s)| *s)
        .sum();
    lines.push(line(fund, expense, 0));
    for (a, s) in sums.iter().filter(|(a, s)| a.expense && *s != 0) {
        lines.push(line(*a, 0, *s));
    }
    lines
}
