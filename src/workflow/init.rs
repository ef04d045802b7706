//! `fundwatch init`: writes a commented `fundwatch.toml`, a local rules directory with one
//! example rule (which passes `fundwatch rules test`), and an `exceptions.toml` template.
//! Existing files are never overwritten.

use std::path::{Path, PathBuf};

const CONFIG: &str = r#"# fundwatch 配置文件。`fundwatch scan` 在当前目录找到它时自动读取（也可 --config 指定）。
# 路径相对于本文件；命令行参数覆盖单值设置，并追加到列表设置。

[scan]
# 要扫描的账簿：文件、目录或通配符。
paths = ["ledgers/"]
# 本地规则目录：与内置规则同 id 的规则会覆盖内置规则。
rules = ["rules-local/"]
# 关闭的内置规则。
disable = []
# 有该级别及以上的问题时退出码为 1：info | low | medium | high | critical
fail_on = "high"
# 输出格式：table | csv | json | jsonl | junit
format = "table"
# output = "out/findings.json"
# 单位表（单位名称、会员人数、级别、省份）和预算表（单位名称、年度、科目、预算数、调整后预算数）。
# units = "units.csv"
# budget = "budget.csv"
# 单位表没有省份时使用的省份；C/D 级来源的参数集需显式启用。
# province = "山东"
# use_presets = false
# 例外清单。
exceptions = "exceptions.toml"
# 上月的 --format json 输出，用于标记新增 / 仍未整改 / 已整改。
# baseline = "out/2025-10.json"
# fail_on_new = true

# 单位可以收紧（不能放宽）省标准：
# [scan.caps."某某工会"]
# festival_gift_per_member_year = 1500
"#;

const EXCEPTIONS: &str = r#"# 例外清单：已经处理过、不再需要每月提示的问题。
# 每条须写明：用 fingerprint（扫描结果中的指纹）或 rule + unit + voucher 指定问题，
# reason（经批准 / 已整改 / 误报 / 另案处理）、approved_by（批准人）、document（批文号）、expires（到期日）。
# 过期或写错的条目不会屏蔽任何问题（问题会重新出现并注明例外已失效）；匹配不到任何问题的条目会被报告为过时。

# [[exception]]
# fingerprint = "0123456789abcdef"
# reason = "经批准"
# approved_by = "经审会 张三"
# document = "工审字〔2025〕3号"
# expires = 2026-06-30
# note = "经上级工会批准的专项活动"

# [[exception]]
# rule = "NEG-020"
# unit = "某某工会"
# voucher = "记-12"
# reason = "另案处理"
# approved_by = "财务监督小组"
# document = "监督组〔2025〕7号"
# expires = 2025-12-31
"#;

const RULE: &str = r#"# 本地规则示例：会员活动支出单笔 5,000 元以上且不是节日慰问品的，提请集体研究记录。
# 修改后运行 `fundwatch rules test rules-local/` 检查示例是否仍然成立。
id = "LOC-001"
title = "会员活动支出单笔超过 5,000 元（非节日慰问）"
severity = "low"
status = "draft"
tags = ["本地规则"]
message = "{date} 「{summary}」{amount} 元，单笔超过 5,000 元，请附集体研究记录"

[basis]
document = "本单位工会经费管理办法"
article = "单笔 5,000 元以上支出须经工会委员会集体研究"
source_tag = "A"

[scope]
accounts = ["会员活动支出"]

[match]
where = "金额 >= 5000 AND 摘要 NOT LIKE '%慰问品%'"

[docs]
what = "会员活动支出中单笔 5,000 元以上、摘要不含“慰问品”的支出。"
why = "本单位规定大额支出须集体研究；审计时需要核对会议记录。"
limitations = "不识别拆分成多笔的支出（见内置 PAT-002）。"

[[examples]]
expect = "flag"
summary = "组织会员观看演出"
account = "职工活动支出/会员活动支出"
debit = 8000

[[examples]]
expect = "ok"
summary = "春节慰问品"
account = "职工活动支出/会员活动支出"
debit = 60000
"#;

/// Writes the three starter files under `dir`; returns what was written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let files = [
        (dir.join("fundwatch.toml"), CONFIG),
        (dir.join("exceptions.toml"), EXCEPTIONS),
        (dir.join("rules-local").join("example.toml"), RULE),
    ];
    for (path, _) in &files {
        if path.exists() {
            return Err(format!(
                "{} already exists; nothing was written",
                path.display()
            ));
        }
    }
    let mut written = Vec::new();
    for (path, text) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
