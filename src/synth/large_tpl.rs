//! The fixed summary templates of the benchmark file: about 60 summaries,
//! each with its account, how it is paid, an amount range in yuan and the
//! payees it may go to. The planted anomalies mirror the sample set's.

use super::chart::Acct;
use super::names::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Expense paid from the bank.
    Pay,
    /// Expense paid in cash.
    Cash,
    /// Income into the bank.
    Income,
    /// 提取现金备用.
    Withdraw,
}

pub struct Tpl {
    pub summary: &'static str,
    pub acct: Acct,
    pub kind: Kind,
    pub lo: i64,
    pub hi: i64,
    pub payees: &'static [&'static str],
}

const fn t(
    summary: &'static str,
    acct: Acct,
    kind: Kind,
    lo: i64,
    hi: i64,
    payees: &'static [&'static str],
) -> Tpl {
    Tpl {
        summary,
        acct,
        kind,
        lo,
        hi,
        payees,
    }
}

const NONE: &[&str] = &[];
const FED: &[&str] = &[CITY_FEDERATION];

/// Everyday, legitimate summaries.
#[rustfmt::skip]
pub const LEGIT: &[Tpl] = &[
    t("购买文体活动用品", Acct::Sports, Kind::Pay, 800, 6_000, SPORTS_SHOPS),
    t("职工羽毛球比赛场地费", Acct::Sports, Kind::Pay, 600, 2_400, VENUES),
    t("文体活动伙食补助", Acct::Sports, Kind::Pay, 300, 1_500, NONE),
    t("职工篮球赛服装采购", Acct::Sports, Kind::Pay, 1_500, 8_000, SPORTS_SHOPS),
    t("职工趣味运动会奖品", Acct::Sports, Kind::Pay, 1_000, 6_000, GIFT_TRADERS),
    t("职工摄影比赛奖品", Acct::Sports, Kind::Pay, 500, 3_000, GIFT_TRADERS),
    t("职工书屋购置图书", Acct::Education, Kind::Pay, 1_000, 5_000, BOOKSTORES),
    t("职工读书活动购书", Acct::Education, Kind::Pay, 500, 3_000, BOOKSTORES),
    t("职工心理健康讲座", Acct::Education, Kind::Pay, 1_000, 4_000, TRAINING_ORGS),
    t("工会干部业务培训费", Acct::Training, Kind::Pay, 3_000, 12_000, TRAINING_ORGS),
    t("培训期间酒店住宿", Acct::Training, Kind::Pay, 1_500, 6_000, HOTELS),
    t("会员代表大会会议费", Acct::Meeting, Kind::Pay, 4_000, 12_000, HOTELS),
    t("工会委员会会议资料印制", Acct::Meeting, Kind::Pay, 200, 1_500, PRINTERS),
    t("制作工会宣传栏", Acct::Publicity, Kind::Pay, 500, 4_000, PRINTERS),
    t("印制劳动保护宣传资料", Acct::Publicity, Kind::Pay, 300, 2_500, PRINTERS),
    t("女职工权益保护宣传", Acct::Publicity, Kind::Pay, 300, 2_000, PRINTERS),
    t("春节慰问品", Acct::MemberActivity, Kind::Pay, 10_000, 80_000, SUPERMARKETS),
    t("中秋节慰问品", Acct::MemberActivity, Kind::Pay, 8_000, 60_000, GIFT_TRADERS),
    t("端午节慰问品", Acct::MemberActivity, Kind::Pay, 5_000, 40_000, SUPERMARKETS),
    t("发放会员生日蛋糕券", Acct::MemberActivity, Kind::Pay, 2_000, 12_000, CAKE_SHOPS),
    t("会员生病住院慰问金", Acct::MemberActivity, Kind::Cash, 500, 500, NONE),
    // 结婚、生育: 慰问品 in kind (全总 2017 办法); cash would be a NEG-009 finding.
    t("会员结婚慰问品", Acct::MemberActivity, Kind::Pay, 300, 1_000, GIFT_TRADERS),
    t("会员退休纪念品", Acct::MemberActivity, Kind::Pay, 500, 3_000, GIFT_TRADERS),
    t("困难职工帮扶", Acct::Hardship, Kind::Pay, 2_000, 5_000, NONE),
    t("春节送温暖慰问困难职工", Acct::Warmth, Kind::Pay, 1_000, 3_000, NONE),
    t("夏季送清凉慰问品", Acct::Warmth, Kind::Pay, 2_000, 15_000, GIFT_TRADERS),
    t("缴纳职工互助保障费", Acct::StaffService, Kind::Pay, 3_000, 20_000, &[MUTUAL_AID]),
    t("劳模职工疗休养费用", Acct::Sanatorium, Kind::Pay, 8_000, 20_000, &["市职工疗休养院"]),
    t("职工之家购置电脑设备", Acct::Capital, Kind::Pay, 5_000, 12_000, ELECTRONICS),
    t("职工之家购置健身器材", Acct::Capital, Kind::Pay, 3_000, 15_000, SPORTS_SHOPS),
    t("银行手续费", Acct::OtherExpense, Kind::Pay, 3, 45, NONE),
    t("支付银行卡年费", Acct::OtherExpense, Kind::Pay, 10, 10, NONE),
    t("收到会费", Acct::Dues, Kind::Income, 5_000, 40_000, NONE),
    t("收到市总工会返还拨缴经费", Acct::Allocation, Kind::Income, 10_000, 90_000, FED),
    t("收到市总工会上级补助", Acct::SuperiorGrant, Kind::Income, 10_000, 40_000, FED),
    t("收到行政补助", Acct::AdminGrant, Kind::Income, 30_000, 90_000, NONE),
    t("银行存款利息", Acct::OtherIncome, Kind::Income, 40, 600, NONE),
    t("提取现金备用", Acct::Cash, Kind::Withdraw, 2_000, 5_000, NONE),
];

/// Planted anomalies (drawn for about 1% of vouchers).
#[rustfmt::skip]
pub const ANOMALIES: &[Tpl] = &[
    t("购买超市购物卡发放会员", Acct::MemberActivity, Kind::Pay, 20_000, 90_000, SUPERMARKETS),
    t("春节发放过节费", Acct::MemberActivity, Kind::Pay, 50_000, 150_000, NONE),
    t("发放加班补贴", Acct::OtherActivity, Kind::Pay, 5_000, 30_000, NONE),
    t("工会活动KTV包厢费用", Acct::Sports, Kind::Pay, 1_000, 5_000, &[KTV]),
    t("职工活动洗浴中心消费", Acct::Sports, Kind::Pay, 1_000, 6_000, &[BATHHOUSE]),
    t("采购茅台酒", Acct::MemberActivity, Kind::Pay, 10_000, 40_000, &[LIQUOR_SHOP]),
    t("购买中华香烟", Acct::OtherActivity, Kind::Pay, 2_000, 10_000, &[LIQUOR_SHOP]),
    t("微信红包发放", Acct::MemberActivity, Kind::Pay, 5_000, 20_000, NONE),
    t("宴请协作单位", Acct::Meeting, Kind::Pay, 2_000, 9_000, RESTAURANTS),
    t("工会聚餐酒席", Acct::Sports, Kind::Pay, 5_000, 30_000, RESTAURANTS),
    t("为职工购买商业保险", Acct::StaffService, Kind::Pay, 20_000, 100_000, &[INSURER]),
    t("培训期间景区门票", Acct::Training, Kind::Pay, 1_000, 6_000, &[SCENIC_SPOT]),
    t("职工培训费（旅行社代办）", Acct::Training, Kind::Pay, 10_000, 40_000, TRAVEL_AGENCIES),
    t("三八妇女节慰问品", Acct::MemberActivity, Kind::Pay, 5_000, 20_000, GIFT_TRADERS),
    t("元宵节礼品", Acct::MemberActivity, Kind::Pay, 5_000, 20_000, SUPERMARKETS),
    t("职工体检费", Acct::StaffService, Kind::Pay, 20_000, 150_000, &[CLINIC]),
    t("支付办公楼物业费", Acct::OtherExpense, Kind::Pay, 5_000, 20_000, &[PROPERTY_CO]),
    t("支付水电费", Acct::OtherExpense, Kind::Pay, 2_000, 9_000, &[WATER_CO]),
    t("接待上级检查工作餐", Acct::Meeting, Kind::Pay, 800, 3_000, RESTAURANTS),
    t("中秋慰问发放现金", Acct::MemberActivity, Kind::Pay, 20_000, 80_000, NONE),
    t("购买银行理财产品", Acct::OtherExpense, Kind::Pay, 100_000, 500_000, &[WEALTH_BANK]),
];
