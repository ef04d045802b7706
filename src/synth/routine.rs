//! The everyday, legitimate bookkeeping of a union over one year: income,
//! bank fees, cash withdrawals, festival gifts before 春节 and 中秋, birthday
//! cake vouchers, sports, training, hardship aid and so on. Planted anomalies
//! are added on top of this by `plant.rs`.

use super::book::{Builder, Party, item};
use super::chart::Acct;
use super::names::*;
use super::rng::Rng;
use super::text::{Date, days_in_month, mid_autumn, spring_festival};

/// A random amount in fen between `lo` and `hi` yuan: half whole yuan, a
/// quarter ending in .50, the rest with arbitrary fen.
pub fn money(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    let yuan = rng.range(lo, hi);
    match rng.below(4) {
        0 | 1 => yuan * 100,
        2 => yuan * 100 + 50,
        _ => yuan * 100 + rng.range(1, 99),
    }
}

fn day(rng: &mut Rng, y: u16, m: u8, lo: u8, hi: u8) -> Date {
    let hi = hi.min(days_in_month(y, m));
    Date::new(y, m, rng.range(i64::from(lo), i64::from(hi)) as u8)
}

/// Fill two years of routine vouchers.
pub fn fill(b: &mut Builder, years: &[u16]) {
    for &y in years {
        for m in 1..=12u8 {
            month(b, y, m);
        }
        festivals(b, y);
        yearly(b, y);
    }
}

fn month(b: &mut Builder, y: u16, m: u8) {
    let members = b.unit.members;
    let d = day(&mut b.rng, y, m, 24, 28);
    let fee = b.rng.range(300, 4_500);
    b.pay(
        d,
        Acct::Bank,
        &[item("银行手续费", Acct::OtherExpense, fee, Party::None)],
        None,
    );

    if m % 3 == 1 {
        let d = day(&mut b.rng, y, m, 2, 5);
        let cash = b.rng.range(4, 10) * 50_000;
        b.withdraw_cash(d, cash, None);
        let d = day(&mut b.rng, y, m, 8, 15);
        let q = ["一", "二", "三", "四"][usize::from(m / 3)];
        let s = format!("收到{y}年{q}季度会费");
        let amt = members * b.rng.range(8_500, 9_500);
        b.receive(d, &s, Acct::Dues, amt, Party::None, None);
    }
    if m % 3 == 2 {
        let d = day(&mut b.rng, y, m, 10, 20);
        let amt = members * b.rng.range(20_000, 23_000);
        b.receive(
            d,
            "收到市总工会返还拨缴经费",
            Acct::Allocation,
            amt,
            Party::Customer(CITY_FEDERATION),
            None,
        );
    }
    if m.is_multiple_of(3) {
        let interest = b.rng.range(4_000, 60_000);
        b.receive(
            Date::new(y, m, 21),
            "银行存款利息",
            Acct::OtherIncome,
            interest,
            Party::None,
            None,
        );
        let d = day(&mut b.rng, y, m, 5, 12);
        let s = format!("发放{}-{}月会员生日蛋糕券", m - 2, m);
        let amt = members / 4 * [15_000, 20_000][b.rng.below(2) as usize];
        let shop = *b.rng.pick(CAKE_SHOPS);
        b.pay(
            d,
            Acct::Bank,
            &[item(&s, Acct::MemberActivity, amt, Party::Supplier(shop))],
            None,
        );
    }
    // One or two everyday activity payments most months.
    let n = if b.rng.chance(350) { 2 } else { 1 };
    for _ in 0..n {
        if b.rng.chance(250) {
            continue;
        }
        everyday(b, y, m);
    }
}

fn everyday(b: &mut Builder, y: u16, m: u8) {
    let d = day(&mut b.rng, y, m, 3, 27);
    match b.rng.below(6) {
        0 => {
            let shop = *b.rng.pick(SPORTS_SHOPS);
            let amt = money(&mut b.rng, 800, 6_000);
            b.pay(
                d,
                Acct::Bank,
                &[item(
                    "购买文体活动用品",
                    Acct::Sports,
                    amt,
                    Party::Supplier(shop),
                )],
                None,
            );
        }
        1 => {
            let venue = *b.rng.pick(VENUES);
            let hire = money(&mut b.rng, 600, 2_400);
            let people = b.rng.range(12, 24);
            let meals = people * 5_000;
            let s = [
                "职工羽毛球比赛场地费",
                "职工篮球赛场地租赁费",
                "职工乒乓球比赛场地费",
            ][b.rng.below(3) as usize];
            let who = b.staff();
            b.pay(
                d,
                Acct::Bank,
                &[
                    item(s, Acct::Sports, hire, Party::Supplier(venue)),
                    item("文体活动伙食补助", Acct::Sports, meals, Party::Staff(who)),
                ],
                None,
            );
        }
        2 => {
            let who = b.staff();
            b.pay(
                d,
                Acct::Cash,
                &[item(
                    "会员生病住院慰问金",
                    Acct::MemberActivity,
                    50_000,
                    Party::Staff(who),
                )],
                None,
            );
        }
        3 => {
            let p = *b.rng.pick(PRINTERS);
            let amt = money(&mut b.rng, 500, 4_000);
            let s = ["制作工会宣传栏", "印制劳动保护宣传资料", "职工书画展布展费"]
                [b.rng.below(3) as usize];
            b.pay(
                d,
                Acct::Bank,
                &[item(s, Acct::Publicity, amt, Party::Supplier(p))],
                None,
            );
        }
        4 => {
            let shop = *b.rng.pick(BOOKSTORES);
            let amt = money(&mut b.rng, 1_000, 5_000);
            b.pay(
                d,
                Acct::Bank,
                &[item(
                    "职工书屋购置图书",
                    Acct::Education,
                    amt,
                    Party::Supplier(shop),
                )],
                None,
            );
        }
        _ => {
            let n = b.rng.range(1, 3);
            let mut people = Vec::new();
            for _ in 0..n {
                let who = b.staff();
                if !people.iter().any(|(w, _)| *w == who) {
                    people.push((who, b.rng.range(20, 50) * 10_000));
                }
            }
            let items: Vec<_> = people
                .iter()
                .map(|(w, a)| item("困难职工帮扶", Acct::Hardship, *a, Party::Staff(w)))
                .collect();
            b.pay(d, Acct::Bank, &items, None);
        }
    }
}

fn festivals(b: &mut Builder, y: u16) {
    let members = b.unit.members;
    // 春节: gifts to members, and 送温暖 for families in difficulty.
    let spring = spring_festival(y);
    let back = b.rng.range(8, 14) as i32;
    let shop = *b.rng.pick(SUPERMARKETS);
    let amt = members * b.rng.range(300, 450) * 100 + b.rng.range(0, 99);
    b.pay(
        spring.add_days(-back),
        Acct::Bank,
        &[item(
            "春节慰问品",
            Acct::MemberActivity,
            amt,
            Party::Supplier(shop),
        )],
        None,
    );
    let back = b.rng.range(4, 7) as i32;
    let (a, c) = (b.staff(), b.staff());
    let mut items = vec![item(
        "春节送温暖慰问困难职工",
        Acct::Warmth,
        200_000,
        Party::Staff(a),
    )];
    if a != c {
        items.push(item(
            "春节送温暖慰问困难职工",
            Acct::Warmth,
            150_000,
            Party::Staff(c),
        ));
    }
    b.pay(spring.add_days(-back), Acct::Bank, &items, None);

    // 中秋: gifts, bought from the Yantai fruit trader in 2021.
    let moon = mid_autumn(y);
    let back = b.rng.range(7, 12) as i32;
    let shop = if y == 2021 {
        YANTAI_TRADER
    } else {
        *b.rng.pick(GIFT_TRADERS)
    };
    let amt = members * b.rng.range(200, 350) * 100 + b.rng.range(0, 99);
    b.pay(
        moon.add_days(-back),
        Acct::Bank,
        &[item(
            "中秋节慰问品",
            Acct::MemberActivity,
            amt,
            Party::Supplier(shop),
        )],
        None,
    );
}

fn yearly(b: &mut Builder, y: u16) {
    let members = b.unit.members;
    let admin = b.unit.name.trim_end_matches("工会");
    let d = day(&mut b.rng, y, 3, 10, 20);
    let amt = b.rng.range(30, 90) * 100_000;
    b.receive(
        d,
        "收到行政补助",
        Acct::AdminGrant,
        amt,
        Party::Customer(admin),
        None,
    );
    let d = day(&mut b.rng, y, 5, 10, 25);
    let amt = b.rng.range(10, 40) * 100_000;
    b.receive(
        d,
        "收到市总工会上级补助",
        Acct::SuperiorGrant,
        amt,
        Party::Customer(CITY_FEDERATION),
        None,
    );

    let d = day(&mut b.rng, y, 3, 1, 10);
    b.pay(
        d,
        Acct::Bank,
        &[item(
            "支付银行卡年费",
            Acct::OtherExpense,
            1_000,
            Party::None,
        )],
        None,
    );

    // Training: once with the hotel on the same voucher.
    let d = day(&mut b.rng, y, 4, 8, 26);
    let school = *b.rng.pick(TRAINING_ORGS);
    let hotel = *b.rng.pick(HOTELS);
    let fee = money(&mut b.rng, 3_000, 12_000);
    let stay = money(&mut b.rng, 2_000, 6_000);
    b.pay(
        d,
        Acct::Bank,
        &[
            item(
                "工会干部业务培训费",
                Acct::Training,
                fee,
                Party::Supplier(school),
            ),
            item(
                "培训期间酒店住宿",
                Acct::Training,
                stay,
                Party::Supplier(hotel),
            ),
        ],
        None,
    );

    let d = day(&mut b.rng, y, 1, 10, 20);
    let hotel = *b.rng.pick(HOTELS);
    let amt = money(&mut b.rng, 4_000, 12_000);
    b.pay(
        d,
        Acct::Bank,
        &[item(
            "会员代表大会会议费",
            Acct::Meeting,
            amt,
            Party::Supplier(hotel),
        )],
        None,
    );

    let d = day(&mut b.rng, y, 6, 5, 25);
    let amt = members * b.rng.range(30, 50) * 100;
    b.pay(
        d,
        Acct::Bank,
        &[item(
            "缴纳职工互助保障费",
            Acct::StaffService,
            amt,
            Party::Supplier(MUTUAL_AID),
        )],
        None,
    );

    let d = day(&mut b.rng, y, 7, 5, 25);
    let amt = money(&mut b.rng, 8_000, 20_000);
    b.pay(
        d,
        Acct::Bank,
        &[item(
            "劳模职工疗休养费用",
            Acct::Sanatorium,
            amt,
            Party::Supplier("市职工疗休养院"),
        )],
        None,
    );

    if y == 2021 {
        let d = day(&mut b.rng, y, 11, 5, 25);
        let shop = *b.rng.pick(ELECTRONICS);
        let amt = money(&mut b.rng, 5_000, 12_000);
        b.pay(
            d,
            Acct::Bank,
            &[item(
                "职工之家购置电脑设备",
                Acct::Capital,
                amt,
                Party::Supplier(shop),
            )],
            None,
        );
    }
}
