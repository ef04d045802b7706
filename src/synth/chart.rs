//! The two union charts of accounts the synthetic ledgers switch between:
//! rows dated 2021 use the 2009 chart (工会会计制度 2009), rows dated 2022 and
//! later the 2021 chart. Generators speak in logical accounts ([`Acct`]);
//! [`resolve`] turns one into the code and name path used in a given year.

/// What kind of balance an account carries (for running balances).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nature {
    /// Assets and expenses: debit-normal.
    Debit,
    /// Net assets and income: credit-normal.
    Credit,
}

/// A concrete account in one chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub code: &'static str,
    /// Names from the top-level account down to the leaf.
    pub path: &'static [&'static str],
    pub nature: Nature,
    pub expense: bool,
    pub income: bool,
}

impl Account {
    pub fn leaf(&self) -> &'static str {
        self.path[self.path.len() - 1]
    }

    /// `职工活动支出_会员活动支出` (金蝶 style full name).
    pub fn joined(&self) -> String {
        self.path.join("_")
    }
}

/// Logical accounts; several may share one code in the 2009 chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acct {
    Cash,
    Bank,
    Fund,
    Dues,
    Allocation,
    SuperiorGrant,
    AdminGrant,
    OtherIncome,
    Education,
    Sports,
    Publicity,
    Sanatorium,
    MemberActivity,
    OtherActivity,
    StaffService,
    Hardship,
    Warmth,
    Training,
    Meeting,
    Capital,
    OtherExpense,
}

const fn asset(code: &'static str, path: &'static [&'static str]) -> Account {
    Account {
        code,
        path,
        nature: Nature::Debit,
        expense: false,
        income: false,
    }
}
const fn equity(code: &'static str, path: &'static [&'static str]) -> Account {
    Account {
        code,
        path,
        nature: Nature::Credit,
        expense: false,
        income: false,
    }
}
const fn income(code: &'static str, path: &'static [&'static str]) -> Account {
    Account {
        code,
        path,
        nature: Nature::Credit,
        expense: false,
        income: true,
    }
}
const fn expense(code: &'static str, path: &'static [&'static str]) -> Account {
    Account {
        code,
        path,
        nature: Nature::Debit,
        expense: true,
        income: false,
    }
}

const CASH: Account = asset("101", &["库存现金"]);
const BANK: Account = asset("102", &["银行存款"]);
const FUND: Account = equity("322", &["工会资金结余"]);
const DUES: Account = income("401", &["会费收入"]);
const ALLOC: Account = income("402", &["拨缴经费收入"]);
const SUPERIOR: Account = income("403", &["上级补助收入"]);
const ADMIN: Account = income("405", &["行政补助收入"]);
const OTHER_INCOME: Account = income("408", &["其他收入"]);

/// The 2021 chart (used for rows dated 2022 and later).
fn chart_2021(a: Acct) -> Account {
    match a {
        Acct::Education => expense("50101", &["职工活动支出", "职工教育支出"]),
        Acct::Sports => expense("50102", &["职工活动支出", "文体活动支出"]),
        Acct::Publicity => expense("50103", &["职工活动支出", "宣传活动支出"]),
        Acct::Sanatorium => expense("50104", &["职工活动支出", "劳模职工疗休养支出"]),
        Acct::MemberActivity => expense("50105", &["职工活动支出", "会员活动支出"]),
        Acct::OtherActivity => expense("50106", &["职工活动支出", "其他活动支出"]),
        Acct::StaffService => expense("503", &["职工服务支出"]),
        Acct::Hardship => expense("50404", &["维权支出", "困难职工帮扶支出"]),
        Acct::Warmth => expense("50405", &["维权支出", "送温暖支出"]),
        Acct::Training => expense("50501", &["业务支出", "培训支出"]),
        Acct::Meeting => expense("50502", &["业务支出", "会议支出"]),
        Acct::Capital => expense("507", &["资本性支出"]),
        Acct::OtherExpense => expense("510", &["其他支出"]),
        _ => common(a),
    }
}

/// The 2009 chart (used for rows dated 2021).
fn chart_2009(a: Acct) -> Account {
    match a {
        Acct::Education => expense("50101", &["职工活动支出", "职工教育费"]),
        Acct::Sports => expense("50102", &["职工活动支出", "文体活动费"]),
        Acct::Publicity => expense("50103", &["职工活动支出", "宣传活动费"]),
        Acct::Sanatorium | Acct::MemberActivity | Acct::OtherActivity | Acct::StaffService => {
            expense("50104", &["职工活动支出", "其他活动支出"])
        }
        Acct::Hardship => expense("50204", &["维权支出", "困难职工帮扶费"]),
        Acct::Warmth => expense("50205", &["维权支出", "送温暖费"]),
        Acct::Training => expense("50301", &["业务支出", "培训费"]),
        Acct::Meeting => expense("50302", &["业务支出", "会议费"]),
        Acct::Capital => expense("505", &["资本性支出"]),
        Acct::OtherExpense => expense("508", &["其他支出"]),
        _ => common(a),
    }
}

fn common(a: Acct) -> Account {
    match a {
        Acct::Cash => CASH,
        Acct::Bank => BANK,
        Acct::Fund => FUND,
        Acct::Dues => DUES,
        Acct::Allocation => ALLOC,
        Acct::SuperiorGrant => SUPERIOR,
        Acct::AdminGrant => ADMIN,
        Acct::OtherIncome => OTHER_INCOME,
        _ => unreachable!("expense accounts are chart-specific"),
    }
}

/// The concrete account for `a` in a row dated in `year`.
pub fn resolve(a: Acct, year: u16) -> Account {
    if year <= 2021 {
        chart_2009(a)
    } else {
        chart_2021(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_differ_across_the_switch() {
        assert_eq!(resolve(Acct::Training, 2021).code, "50301");
        assert_eq!(resolve(Acct::Training, 2022).code, "50501");
        assert_eq!(
            resolve(Acct::MemberActivity, 2022).joined(),
            "职工活动支出_会员活动支出"
        );
        assert_eq!(resolve(Acct::MemberActivity, 2021).leaf(), "其他活动支出");
        assert_eq!(resolve(Acct::Bank, 2021), resolve(Acct::Bank, 2022));
    }
}
