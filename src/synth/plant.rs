//! Which planted anomalies go into which unit's ledger: one function per
//! sample unit adds its anomalous vouchers (tagged with [`Tag`]) on top of
//! the routine year, plus the school's voucher-number gap.

use super::book::{Builder, Party, item};
use super::chart::Acct;
use super::names::*;
use super::tags::Tag;
use super::text::Date;

fn d(y: u16, m: u8, day: u8) -> Date {
    Date::new(y, m, day)
}

fn pay1(
    b: &mut Builder,
    date: Date,
    s: &str,
    acct: Acct,
    fen: i64,
    party: Party,
    tag: Tag,
) -> usize {
    b.pay(date, Acct::Bank, &[item(s, acct, fen, party)], Some(tag))
}

/// 一中工会 (金蝶 K/3): prepaid cards, red packets, 三八, a duplicate
/// payment and (see `gap`) a voucher-number gap in 2021-07.
pub fn school(b: &mut Builder) {
    let m = b.unit.members;
    pay1(
        b,
        d(2022, 1, 14),
        "购买超市购物卡发放会员",
        Acct::MemberActivity,
        m * 30_000,
        Party::Supplier(SUPERMARKETS[0]),
        Tag::ShoppingCard,
    );
    let who = b.staff();
    pay1(
        b,
        d(2021, 2, 7),
        "春节微信红包发放",
        Acct::MemberActivity,
        m * 10_000,
        Party::Staff(who),
        Tag::RedPacket,
    );
    pay1(
        b,
        d(2022, 3, 4),
        "三八妇女节慰问品",
        Acct::MemberActivity,
        98 * 20_000,
        Party::Supplier(GIFT_TRADERS[0]),
        Tag::WomensDay,
    );
    for day in [10, 17] {
        pay1(
            b,
            d(2022, 5, day),
            "购买文体活动用品",
            Acct::Sports,
            486_000,
            Party::Supplier(SPORTS_SHOPS[0]),
            Tag::Duplicate,
        );
    }
    pay1(
        b,
        d(2021, 11, 16),
        "接待上级检查工作餐",
        Acct::Meeting,
        238_600,
        Party::Supplier(RESTAURANTS[0]),
        Tag::Reception,
    );
}

/// Where the school ledger skips a voucher number: (year, month, number).
pub const SCHOOL_GAP: (u16, u8, u32) = (2021, 7, 4);

/// 人民医院工会 (用友 U8): 过节费, banquets, insurance, medical exams and a
/// December 2022 spending spike.
pub fn hospital(b: &mut Builder) {
    let m = b.unit.members;
    // 湖北 (units.csv): 住院慰问 ≤ 1,000 per person, 生日 ≤ 300 per person.
    pay1(
        b,
        d(2022, 3, 16),
        "会员王五住院慰问金",
        Acct::MemberActivity,
        300_000,
        Party::None,
        Tag::EventCap,
    );
    pay1(
        b,
        d(2022, 4, 12),
        "会员生日蛋糕券 30人",
        Acct::MemberActivity,
        1_200_000,
        Party::Supplier(CAKE_SHOPS[0]),
        Tag::EventCap,
    );
    pay1(
        b,
        d(2022, 1, 21),
        "春节发放过节费",
        Acct::MemberActivity,
        m * 50_000,
        Party::None,
        Tag::FestivalCash,
    );
    pay1(
        b,
        // A Saturday: also a sensitive-date case (weekend dining).
        d(2021, 6, 19),
        "宴请协作单位",
        Acct::Meeting,
        688_000,
        Party::Supplier(RESTAURANTS[1]),
        Tag::Banquet,
    );
    pay1(
        b,
        d(2022, 5, 20),
        "职工体检费",
        Acct::StaffService,
        m * 38_000,
        Party::Supplier(CLINIC),
        Tag::MedicalExam,
    );
    pay1(
        b,
        d(2021, 3, 22),
        "为职工购买商业保险",
        Acct::StaffService,
        m * 26_000,
        Party::Supplier(INSURER),
        Tag::CommercialInsurance,
    );
    pay1(
        b,
        d(2022, 12, 28),
        "工会年终聚餐酒席",
        Acct::Sports,
        2_860_000,
        Party::Supplier(RESTAURANTS[2]),
        Tag::Feast,
    );
    let spike: [(u8, &str, Acct, i64, &str); 4] = [
        (
            6,
            "年终集中采购文体用品",
            Acct::Sports,
            8_640_000,
            SPORTS_SHOPS[1],
        ),
        (
            12,
            "年终慰问品集中采购",
            Acct::MemberActivity,
            12_360_000,
            SUPERMARKETS[2],
        ),
        (
            19,
            "职工活动中心设备购置",
            Acct::Capital,
            9_800_000,
            ELECTRONICS[0],
        ),
        (
            23,
            "支付明年职工培训费",
            Acct::Training,
            4_500_000,
            TRAINING_ORGS[1],
        ),
    ];
    for (day, s, acct, fen, payee) in spike {
        pay1(
            b,
            d(2022, 12, day),
            s,
            acct,
            fen,
            Party::Supplier(payee),
            Tag::DecemberSpike,
        );
    }
}

/// 城建集团工会 (金蝶精斗云): a split payment, KTV, liquor and cigarettes;
/// also two legitimate red-ink reversals.
pub fn builder(b: &mut Builder) {
    // 40 people for 3 days at 90,000: 750 元/人天 against the 550 standard.
    pay1(
        b,
        d(2022, 11, 9),
        "工会干部培训班 40人 3天",
        Acct::Training,
        9_000_000,
        Party::Supplier(HOTELS[0]),
        Tag::TrainingCap,
    );
    for (day, fen) in [(8, 498_000), (10, 495_000), (13, 499_000)] {
        pay1(
            b,
            d(2022, 8, day),
            "职工之家装修工程款",
            Acct::Capital,
            fen,
            Party::Supplier(DECORATOR),
            Tag::SplitPayment,
        );
    }
    pay1(
        b,
        d(2021, 11, 19),
        "工会活动KTV包厢费用",
        Acct::Sports,
        328_000,
        Party::Supplier(KTV),
        Tag::Ktv,
    );
    pay1(
        b,
        d(2022, 1, 18),
        "采购茅台酒",
        Acct::MemberActivity,
        12 * 298_000,
        Party::Supplier(LIQUOR_SHOP),
        Tag::Maotai,
    );
    pay1(
        b,
        d(2021, 9, 15),
        "购买中华香烟",
        Acct::OtherActivity,
        20 * 45_000,
        Party::Supplier(LIQUOR_SHOP),
        Tag::Cigarettes,
    );

    let first = b.pay(
        d(2021, 4, 12),
        Acct::Bank,
        &[item(
            "购买文体活动用品",
            Acct::Sports,
            238_000,
            Party::Supplier(SPORTS_SHOPS[1]),
        )],
        None,
    );
    b.reverse(first, d(2021, 4, 20), "冲销4月12日购买文体活动用品（退货）");
    let second = b.pay(
        d(2022, 6, 8),
        Acct::Bank,
        &[item(
            "制作工会宣传栏",
            Acct::Publicity,
            165_000,
            Party::Supplier(PRINTERS[0]),
        )],
        None,
    );
    b.reverse(
        second,
        d(2022, 6, 15),
        "冲销6月8日制作工会宣传栏（重复录入）",
    );
}

/// 电力公司工会 (用友明细账): 以训代游, a cash gift, overtime pay, the
/// employer's property and utility bills, and a large cash payment.
pub fn power(b: &mut Builder) {
    let m = b.unit.members;
    pay1(
        b,
        d(2022, 6, 14),
        "培训期间景区门票",
        Acct::Training,
        564_000,
        Party::Supplier(SCENIC_SPOT),
        Tag::ScenicTickets,
    );
    pay1(
        b,
        d(2022, 6, 16),
        "职工培训费（旅行社代办）",
        Acct::Training,
        3_850_000,
        Party::Supplier(TRAVEL_AGENCIES[0]),
        Tag::TravelAgency,
    );
    let who = b.staff();
    pay1(
        b,
        d(2021, 9, 14),
        "中秋慰问发放现金",
        Acct::MemberActivity,
        m * 20_000,
        Party::Staff(who),
        Tag::CashGift,
    );
    pay1(
        b,
        d(2022, 10, 25),
        "发放加班补贴",
        Acct::OtherActivity,
        2_460_000,
        Party::None,
        Tag::OvertimePay,
    );
    pay1(
        b,
        d(2022, 3, 18),
        "支付办公楼物业费",
        Acct::OtherExpense,
        1_800_000,
        Party::Supplier(PROPERTY_CO),
        Tag::PropertyFee,
    );
    pay1(
        b,
        d(2021, 8, 20),
        "支付水电费",
        Acct::OtherExpense,
        643_218,
        Party::Supplier(WATER_CO),
        Tag::Utilities,
    );
    b.withdraw_cash(d(2022, 4, 11), 500_000, None);
    let shop = SPORTS_SHOPS[2];
    b.pay(
        d(2022, 4, 13),
        Acct::Cash,
        &[item(
            "购买活动用品",
            Acct::Sports,
            360_000,
            Party::Supplier(shop),
        )],
        Some(Tag::LargeCash),
    );
}

/// 机械厂工会 (generic tab-separated): the 小金库 pattern before 中秋 2022,
/// 元宵, a bathhouse and a wealth-management product.
pub fn factory(b: &mut Builder) {
    let m = b.unit.members;
    let admin = b.unit.name.trim_end_matches("工会");
    b.receive(
        d(2022, 8, 31),
        "收到行政补助",
        Acct::AdminGrant,
        5_700_000,
        Party::Customer(admin),
        Some(Tag::SlushFund),
    );
    pay1(
        b,
        d(2022, 9, 5),
        "采购中秋慰问品",
        Acct::MemberActivity,
        2_970_000,
        Party::Supplier(GIFT_TRADERS[2]),
        Tag::SlushFund,
    );
    pay1(
        b,
        d(2022, 2, 14),
        "元宵节礼品",
        Acct::MemberActivity,
        m * 8_000,
        Party::Supplier(SUPERMARKETS[1]),
        Tag::Lantern,
    );
    pay1(
        b,
        d(2022, 7, 22),
        "职工活动洗浴中心消费",
        Acct::Sports,
        456_000,
        Party::Supplier(BATHHOUSE),
        Tag::Bathhouse,
    );
    pay1(
        b,
        d(2022, 6, 15),
        "购买银行理财产品",
        Acct::OtherExpense,
        20_000_000,
        Party::Supplier(WEALTH_BANK),
        Tag::WealthProduct,
    );
}
