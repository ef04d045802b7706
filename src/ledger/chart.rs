//! The 工会会计制度 charts of accounts (财会〔2009〕7号 and 财会〔2021〕7号), used to turn
//! a leaf account name or a bare code into a full name path.
//!
//! Rules match accounts by *name path* (e.g. `职工活动支出/会员活动支出`) so that they work
//! across the 2022 chart switch, where the same code means different things (2009 502 =
//! 维权支出, 2021 502 = 职工活动组织支出). Exports often carry only the leaf name or only
//! the code; this table fills in the parents. Source: domain.md §4 (tag A for 2021, B for
//! 2009).

use super::ChartVersion;

/// (code, name) of the 2021 chart, 基层工会 accounts plus the 县级以上 ones rules need.
const CHART_2021: &[(&str, &str)] = &[
    ("101", "库存现金"),
    ("102", "银行存款"),
    ("111", "零余额账户用款额度"),
    ("131", "应收上级经费"),
    ("132", "应收下级经费"),
    ("135", "其他应收款"),
    ("141", "库存物品"),
    ("151", "投资"),
    ("162", "固定资产"),
    ("163", "累计折旧"),
    ("182", "待处理财产损溢"),
    ("201", "应付职工薪酬"),
    ("211", "应付上级经费"),
    ("212", "应付下级经费"),
    ("215", "其他应付款"),
    ("221", "代管经费"),
    ("301", "资产基金"),
    ("321", "工会资金结转"),
    ("322", "工会资金结余"),
    ("401", "会费收入"),
    ("402", "拨缴经费收入"),
    ("403", "上级补助收入"),
    ("40301", "一般性转移支付补助"),
    ("40302", "专项转移支付补助"),
    ("404", "政府补助收入"),
    ("405", "行政补助收入"),
    ("406", "附属单位上缴收入"),
    ("407", "投资收益"),
    ("408", "其他收入"),
    ("501", "职工活动支出"),
    ("50101", "职工教育支出"),
    ("50102", "文体活动支出"),
    ("50103", "宣传活动支出"),
    ("50104", "劳模职工疗休养支出"),
    ("50105", "会员活动支出"),
    ("50106", "其他活动支出"),
    ("502", "职工活动组织支出"),
    ("503", "职工服务支出"),
    ("50301", "劳动和技能竞赛活动支出"),
    ("50302", "建家活动支出"),
    ("50303", "职工创新活动支出"),
    ("50304", "职工书屋活动支出"),
    ("50305", "其他服务支出"),
    ("504", "维权支出"),
    ("50401", "劳动关系协调支出"),
    ("50402", "劳动保护支出"),
    ("50403", "法律援助支出"),
    ("50404", "困难职工帮扶支出"),
    ("50405", "送温暖支出"),
    ("50406", "其他维权支出"),
    ("505", "业务支出"),
    ("50501", "培训支出"),
    ("50502", "会议支出"),
    ("50503", "专项业务支出"),
    ("50504", "其他业务支出"),
    ("506", "行政支出"),
    ("50602", "商品和服务支出"),
    ("507", "资本性支出"),
    ("50701", "房屋建筑物购建"),
    ("50702", "办公设备购置"),
    ("50703", "专用设备购置"),
    ("50704", "交通工具购置"),
    ("50705", "大型修缮"),
    ("50706", "信息网络购建"),
    ("50707", "其他资本性支出"),
    ("508", "补助下级支出"),
    ("509", "对附属单位的支出"),
    ("510", "其他支出"),
];

/// (code, name) of the 2009 chart.
const CHART_2009: &[(&str, &str)] = &[
    ("101", "库存现金"),
    ("102", "银行存款"),
    ("135", "其他应收款"),
    ("215", "其他应付款"),
    ("321", "工会资金结转"),
    ("322", "工会资金结余"),
    ("401", "会费收入"),
    ("402", "拨缴经费收入"),
    ("403", "上级补助收入"),
    ("40301", "回拨补助"),
    ("40302", "专项补助"),
    ("404", "政府补助收入"),
    ("405", "行政补助收入"),
    ("406", "事业收入"),
    ("407", "投资收益"),
    ("408", "其他收入"),
    ("501", "职工活动支出"),
    ("50101", "职工教育费"),
    ("50102", "文体活动费"),
    ("50103", "宣传活动费"),
    ("50104", "其他活动支出"),
    ("502", "维权支出"),
    ("50201", "劳动关系协调费"),
    ("50202", "劳动保护费"),
    ("50203", "法律援助费"),
    ("50204", "困难职工帮扶费"),
    ("50205", "送温暖费"),
    ("50206", "其他维权支出"),
    ("503", "业务支出"),
    ("50301", "培训费"),
    ("50302", "会议费"),
    ("50303", "外事费"),
    ("50304", "专项业务费"),
    ("50305", "其他业务支出"),
    ("504", "行政支出"),
    ("50401", "工资福利支出"),
    ("50402", "商品和服务支出"),
    ("50403", "对个人和家庭的补助"),
    ("50404", "其他行政支出"),
    ("505", "资本性支出"),
    ("506", "补助下级支出"),
    ("507", "事业支出"),
    ("508", "其他支出"),
];

fn chart(version: ChartVersion) -> &'static [(&'static str, &'static str)] {
    match version {
        ChartVersion::Y2009 => CHART_2009,
        ChartVersion::Y2021 => CHART_2021,
    }
}

/// The name of `code` in `version`'s chart.
pub fn name_of(version: ChartVersion, code: &str) -> Option<&'static str> {
    chart(version)
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

/// The chart to complete a row's account with: the one in force at its date
/// (`dated`), unless its code and leaf name agree only with the other chart (a ledger
/// dated 2022 or later still keyed in the 2009 chart, or the reverse).
pub fn version_for(dated: ChartVersion, code: &str, name: &str) -> ChartVersion {
    let code: String = code.trim().chars().filter(char::is_ascii_digit).collect();
    let Some(leaf) = split_path(name).last().copied() else {
        return dated;
    };
    if code.len() < 3 || name_of(dated, &code) == Some(leaf) {
        return dated;
    }
    let other = match dated {
        ChartVersion::Y2009 => ChartVersion::Y2021,
        ChartVersion::Y2021 => ChartVersion::Y2009,
    };
    if name_of(other, &code) == Some(leaf) {
        other
    } else {
        dated
    }
}

/// Splits an account name written with any of the separators exports use.
fn split_path(name: &str) -> Vec<&str> {
    name.split(['_', '/', '\\', '－', '—', '-', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Builds the full name path of an account from what a row carries.
///
/// A name that already has separators is normalised to `/`. A leaf name or a bare code
/// gets its parents from the chart in force at the row's date.
pub fn full_path(version: ChartVersion, code: &str, name: &str) -> String {
    let code = code.trim();
    let parts = split_path(name);
    if parts.len() > 1 {
        return parts.join("/");
    }
    let leaf = parts.first().copied().unwrap_or("");
    let table = chart(version);
    // Prefer the code: its first three digits name the top-level account.
    let code_digits: String = code.chars().filter(char::is_ascii_digit).collect();
    if code_digits.len() >= 5 {
        let top = name_of(version, &code_digits[..3]);
        let second = name_of(version, &code_digits[..5]);
        let leaf_name = if leaf.is_empty() {
            second.unwrap_or("")
        } else {
            leaf
        };
        return match top {
            Some(top) if top != leaf_name && !leaf_name.is_empty() => match second {
                Some(second) if second != leaf_name && code_digits.len() > 5 => {
                    format!("{top}/{second}/{leaf_name}")
                }
                _ => format!("{top}/{leaf_name}"),
            },
            Some(top) if leaf_name.is_empty() => top.to_string(),
            _ => leaf_name.to_string(),
        };
    }
    if leaf.is_empty() {
        return name_of(version, &code_digits).unwrap_or("").to_string();
    }
    // A known sub-account name without a code: look its parent up by name.
    if let Some((sub_code, _)) = table.iter().find(|(c, n)| c.len() == 5 && *n == leaf)
        && let Some(top) = name_of(version, &sub_code[..3])
    {
        return format!("{top}/{leaf}");
    }
    leaf.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let v21 = ChartVersion::Y2021;
        let v09 = ChartVersion::Y2009;
        assert_eq!(
            full_path(v21, "", "职工活动支出_会员活动支出"),
            "职工活动支出/会员活动支出"
        );
        assert_eq!(
            full_path(v21, "", "职工活动支出\\会员活动支出"),
            "职工活动支出/会员活动支出"
        );
        assert_eq!(
            full_path(v21, "50105", "会员活动支出"),
            "职工活动支出/会员活动支出"
        );
        assert_eq!(
            full_path(v21, "", "会员活动支出"),
            "职工活动支出/会员活动支出"
        );
        assert_eq!(full_path(v21, "50105", ""), "职工活动支出/会员活动支出");
        assert_eq!(full_path(v09, "50302", "会议费"), "业务支出/会议费");
        // A 2009-keyed row dated 2023 keeps the 2009 chart; a consistent row keeps its own.
        assert_eq!(version_for(v21, "50302", "会议费"), v09);
        assert_eq!(version_for(v21, "50302", "建家活动支出"), v21);
        assert_eq!(version_for(v21, "502", "职工活动组织支出"), v21);
        assert_eq!(version_for(v09, "502", "职工活动组织支出"), v21);
        assert_eq!(version_for(v21, "", "会议费"), v21);
        assert_eq!(version_for(v21, "9999", "自定义"), v21);
        assert_eq!(
            full_path(v21, "50302", "建家活动支出"),
            "职工服务支出/建家活动支出"
        );
        assert_eq!(full_path(v21, "102", "银行存款"), "银行存款");
        assert_eq!(
            full_path(v21, "5010501", "节日慰问"),
            "职工活动支出/会员活动支出/节日慰问"
        );
    }
}
