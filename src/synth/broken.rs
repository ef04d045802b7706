//! The deliberately bad inputs under `broken/`: an empty file, a truncated
//! xlsx, random bytes, a header-less CSV of numbers, and a generic ledger
//! whose tail holds one unparseable value per line.

use super::generic::GENERIC_HEADER;
use super::rng::Rng;

/// `broken/truncated.xlsx`: the first 3000 bytes of a real workbook.
pub fn truncated(xlsx: &[u8]) -> Vec<u8> {
    xlsx[..xlsx.len().min(3000)].to_vec()
}

/// `broken/garbage.csv`: 4 KiB of seeded random bytes.
pub fn garbage(rng: &mut Rng) -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    rng.fill(&mut buf);
    buf
}

/// `broken/no-header.csv`: rows of numbers only.
pub fn no_header(rng: &mut Rng) -> Vec<u8> {
    let mut s = String::new();
    for _ in 0..40 {
        let row = [
            rng.range(1, 99_999).to_string(),
            format!("{}.{:02}", rng.range(0, 50_000), rng.range(0, 99)),
            rng.range(0, 1).to_string(),
            rng.range(2021, 2025).to_string(),
            rng.range(1, 12).to_string(),
            format!("{}.{:02}", rng.range(0, 9_999), rng.range(0, 99)),
        ];
        s.push_str(&row.join(","));
        s.push('\n');
    }
    s.into_bytes()
}

/// Number of well-formed entry rows in `broken/bad-values.csv`.
pub const BAD_VALUES_GOOD_ROWS: usize = 10;

/// The lines of `broken/bad-values.csv` that hold an unparseable value, with
/// what is wrong in each (for the README).
pub const BAD_VALUES: [(&str, &str); 7] = [
    (
        "2025-13-01,记-6,购买文体活动用品,50102,文体活动支出,1200.00,,健力体育用品店,张伟,工会办公室,1",
        "month 13",
    ),
    (
        "2025-02-30,记-7,制作工会宣传栏,50103,宣传活动支出,860.00,,博文广告印务有限公司,王芳,工会办公室,1",
        "30 February",
    ),
    (
        "2025-02-10,记-8,职工书屋购置图书,50101,职工教育支出,1.2.3,,博学书店,李娜,工会办公室,2",
        "amount `1.2.3`",
    ),
    (
        "2025-02-11,记-9,银行手续费,510,其他支出,--5,,,刘洋,工会办公室,1",
        "amount `--5`",
    ),
    (
        "2025-02-12,记-10,会员代表大会会议费,50502,会议支出,1e308,,锦程商务酒店,陈静,工会办公室,3",
        "amount `1e308`",
    ),
    (",,本月合计,,,12345.00,12345.00,,,,", "a 本月合计 total row"),
    ("", "a blank line"),
];

/// `broken/bad-values.csv`: a valid generic UTF-8 ledger (10 good rows, five
/// balanced vouchers in January 2025) followed by the bad lines above.
pub fn bad_values() -> Vec<u8> {
    let good: [(u8, &str, &str, &str, i64, &str); 5] = [
        (
            6,
            "购买文体活动用品",
            "50102",
            "文体活动支出",
            238_000,
            "健力体育用品店",
        ),
        (
            9,
            "发放1月会员生日蛋糕券",
            "50105",
            "会员活动支出",
            460_000,
            "麦香园蛋糕店",
        ),
        (
            15,
            "制作工会宣传栏",
            "50103",
            "宣传活动支出",
            125_050,
            "博文广告印务有限公司",
        ),
        (
            20,
            "职工书屋购置图书",
            "50101",
            "职工教育支出",
            318_000,
            "博学书店",
        ),
        (27, "银行手续费", "510", "其他支出", 1_200, ""),
    ];
    let mut s = GENERIC_HEADER.join(",");
    s.push('\n');
    for (no, (day, summary, code, name, fen, payee)) in good.iter().enumerate() {
        let amount = format!("{}.{:02}", fen / 100, fen % 100);
        let no = no + 1;
        s.push_str(&format!(
            "2025-01-{day:02},记-{no},{summary},{code},{name},{amount},,{payee},张伟,工会办公室,1\n"
        ));
        s.push_str(&format!(
            "2025-01-{day:02},记-{no},{summary},102,银行存款,,{amount},,张伟,工会办公室,1\n"
        ));
    }
    for (line, _) in BAD_VALUES {
        s.push_str(line);
        s.push('\n');
    }
    s.into_bytes()
}
