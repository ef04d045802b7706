//! The catalogue of planted anomalies ([`Tag`], each with the kind of rule
//! that should catch it) and of legitimate look-alikes that must not be
//! flagged. The README generator reads the same definitions, so the
//! documentation never drifts from the data.

use super::book::Line;

/// Every kind of planted anomaly; attached to the voucher(s) that carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    ShoppingCard,
    FestivalCash,
    OvertimePay,
    Ktv,
    Bathhouse,
    Maotai,
    Cigarettes,
    RedPacket,
    Banquet,
    Feast,
    CommercialInsurance,
    ScenicTickets,
    TravelAgency,
    WomensDay,
    Lantern,
    MedicalExam,
    PropertyFee,
    Utilities,
    Reception,
    CashGift,
    WealthProduct,
    SplitPayment,
    Duplicate,
    LargeCash,
    SlushFund,
    DecemberSpike,
    /// A 慰问 above the province's per-event standard.
    EventCap,
    /// A training line above the 550 元/人天 standard.
    TrainingCap,
}

impl Tag {
    /// Which kind of rule should catch it.
    pub fn rule(self) -> &'static str {
        use Tag::*;
        match self {
            ShoppingCard => "keyword: 购物卡 (prepaid cards); payee is a 超市",
            FestivalCash => "keyword: 过节费; round per-head amount",
            OvertimePay => "keyword: 加班补贴 (wages/allowances paid from union funds)",
            Ktv | Bathhouse => "keyword: entertainment venue (KTV / 洗浴)",
            Maotai | Cigarettes => "keyword: 烟酒 (茅台 / 香烟)",
            RedPacket => "keyword: 红包",
            Banquet => "keyword: 宴请 (banqueting); on a Saturday, so also sensitive-date",
            Feast => "keyword: 宴请 / 酒席 (banqueting)",
            CommercialInsurance => "keyword: 商业保险",
            ScenicTickets | TravelAgency => {
                "context: 景区门票 / 旅行社 on a 培训 account (以训代游)"
            }
            WomensDay | Lantern => "keyword: non-national festival (三八 / 元宵)",
            MedicalExam | PropertyFee | Utilities => {
                "keyword: the employer's own costs (体检 / 物业费 / 水电费)"
            }
            Reception => "keyword: 接待 / 工作餐 (hospitality)",
            CashGift => "keyword: 发放现金 (cash instead of goods)",
            WealthProduct => "keyword: 理财产品 (investing union funds)",
            SplitPayment => {
                "pattern: split payment (same payee, 3 payments just under 5,000 within 6 days)"
            }
            Duplicate => {
                "pattern: duplicate payment (same payee and amount, two vouchers, within 10 days)"
            }
            LargeCash => "threshold: cash payment over 1,000 from 库存现金",
            SlushFund => {
                "pattern: 行政补助收入 57,000 10 days before 中秋, then 29,700 of 慰问品 (小金库)"
            }
            DecemberSpike => "statistics: December spending far above the monthly median",
            EventCap => "cap: 慰问 above the province's per-event standard (needs units.csv)",
            TrainingCap => "cap: 培训 above 550 元/人天 (headcount and days in the summary)",
        }
    }
}

/// A legitimate entry that naive rules might flag.
pub struct LookAlike {
    pub label: &'static str,
    pub why: &'static str,
    pub matches: fn(&Line) -> bool,
}

pub const LOOK_ALIKES: &[LookAlike] = &[
    LookAlike {
        label: "支付银行卡年费",
        why: "a bank charge, not a prepaid card",
        matches: |l| l.summary.contains("银行卡年费") && l.debit > 0,
    },
    LookAlike {
        label: "提取现金备用",
        why: "moving money to petty cash, not a cash payment",
        matches: |l| l.summary == "提取现金备用" && l.debit > 0,
    },
    LookAlike {
        label: "会员生日蛋糕券",
        why: "birthday cake vouchers are an allowed member benefit",
        matches: |l| l.summary.contains("会员生日蛋糕券") && l.debit > 0,
    },
    LookAlike {
        label: "春节慰问品",
        why: "gifts in kind before a national festival",
        matches: |l| l.summary == "春节慰问品" && l.debit > 0,
    },
    LookAlike {
        label: "中秋节慰问品",
        why: "gifts in kind before a national festival",
        matches: |l| l.summary == "中秋节慰问品" && l.debit > 0,
    },
    LookAlike {
        label: "会员生病住院慰问金",
        why: "allowed sick-visit payment (500, under the cash limit)",
        matches: |l| l.summary == "会员生病住院慰问金" && l.debit > 0,
    },
    LookAlike {
        label: "文体活动伙食补助",
        why: "allowed meal allowance during a sports event",
        matches: |l| l.summary == "文体活动伙食补助",
    },
    LookAlike {
        label: "职工互助保障",
        why: "the union's mutual-aid scheme, not commercial insurance",
        matches: |l| l.summary.contains("职工互助保障") && l.debit > 0,
    },
    LookAlike {
        label: "培训期间酒店住宿",
        why: "accommodation during training, not tourism",
        matches: |l| l.summary == "培训期间酒店住宿",
    },
    LookAlike {
        label: "payee in 烟台",
        why: "a fruit trader in Yantai; 烟 here is not tobacco",
        matches: |l| l.party.name().contains("烟台"),
    },
    LookAlike {
        label: "红字冲销 (red-ink reversal)",
        why: "negative reversal of an earlier payment, not a duplicate",
        matches: |l| l.summary.starts_with("冲销") && l.debit < 0,
    },
];
