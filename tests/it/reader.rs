//! The ledger reader on each dialect, container, encoding and value format, through the
//! binary (`inspect --format json`) and the library.

use std::path::{Path, PathBuf};

use fundwatch::ledger::dialect;
use fundwatch::ledger::read::{ReadOptions, read_file};
use fundwatch::ledger::{Direction, LedgerFile};

use crate::{code, json, run_in, stderr};

fn opts() -> ReadOptions {
    ReadOptions {
        dialects: dialect::builtin(),
        ..ReadOptions::default()
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

fn gbk(text: &str) -> Vec<u8> {
    encoding_rs::GBK.encode(text).0.into_owned()
}

fn read(path: &Path) -> LedgerFile {
    read_file(path, &path.display().to_string(), &opts()).unwrap_or_else(|e| panic!("{e}"))
}

fn assert_reconciles(file: &LedgerFile) {
    assert_eq!(
        file.rows_read,
        file.rows_accepted() + file.rows_skipped() + file.rows_rejected(),
        "{}: read = accepted + skipped + rejected",
        file.display
    );
}

const K3_HEADER: &str = "凭证日期,会计年度,会计期间,凭证字,凭证号,科目代码,科目名称,币别代码,币别名称,原币金额,借方,贷方,制单,审核,核准,出纳,经办,结算方式,结算号,凭证摘要,数量,数量单位,单价,参考信息,业务日期,往来业务编号,附件数,序号,系统模块,业务描述,汇率类型,汇率,分录序号,核算项目,过账,机制凭证,现金流量";

#[test]
fn kingdee_k3_gbk_csv() {
    let dir = tempfile::tempdir().unwrap();
    let row = |date: &str,
               no: &str,
               code: &str,
               name: &str,
               d: &str,
               c: &str,
               summary: &str,
               aux: &str,
               entry: &str| {
        format!(
            "{date},2025,1,记,{no},{code},{name},RMB,人民币,0,{d},{c},张三,李四,,王五,赵六,,,{summary},0,,0,,{date},,2,1,总账,,公司汇率,1,{entry},{aux},1,0,\n"
        )
    };
    let mut text = format!("{K3_HEADER}\n");
    text += &row(
        "2025-01-08",
        "3",
        "50105",
        "职工活动支出_会员活动支出",
        "5000",
        "0",
        "购买购物卡",
        "供应商---某某超市",
        "1",
    );
    text += &row(
        "2025-01-08",
        "3",
        "102",
        "银行存款",
        "0",
        "5000",
        "购买购物卡",
        "",
        "2",
    );
    let path = write(dir.path(), "k3.csv", &gbk(&text));
    let file = read(&path);
    assert_eq!(file.encoding, "GBK");
    assert_eq!(file.dialect, "kingdee-k3-voucher");
    assert_eq!(file.rows.len(), 2);
    let r = &file.rows[0];
    assert_eq!(file.strings.get(r.account), "职工活动支出/会员活动支出");
    assert_eq!(file.strings.get(r.payee), "某某超市");
    assert_eq!(file.strings.get(r.voucher), "记-3");
    assert_eq!(file.strings.get(r.handler), "赵六");
    assert_eq!((r.debit, r.entry, r.attachments()), (500_000, 1, Some(2)));
    assert_eq!(
        file.strings.get(r.unit),
        "k3",
        "unit falls back to the file name"
    );
    assert_eq!(file.rows[1].direction, Direction::Credit);
    assert_reconciles(&file);
}

#[test]
fn yonyou_u8_xlsx_with_title_and_subtotal_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u8.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("序时账").unwrap();
    let rows: Vec<Vec<&str>> = vec![
        vec!["序时账"],
        vec!["单位名称:人民医院工会"],
        vec!["期间: 2025.01-2025.12"],
        vec![],
        vec![
            "日期",
            "凭证号数",
            "科目编码",
            "科目名称",
            "摘要",
            "方向",
            "数量",
            "外币",
            "金额",
        ],
        vec![
            "2025.01.05",
            "记-0001",
            "50105",
            "会员活动支出",
            "春节慰问品",
            "借",
            "",
            "",
            "1,234.50",
        ],
        vec![
            "2025.01.05",
            "记-0001",
            "102",
            "银行存款",
            "春节慰问品",
            "贷",
            "",
            "",
            "1,234.50",
        ],
        vec!["", "", "", "", "本月合计", "", "", "", "2,469.00"],
        vec![
            "2025.01.06",
            "记-0002",
            "50105",
            "会员活动支出",
            "冲销",
            "借",
            "",
            "",
            "-100",
        ],
        vec![
            "2025.01.07",
            "记-0003",
            "50105",
            "会员活动支出",
            "方向错",
            "X",
            "",
            "",
            "100",
        ],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    sheet.write_number(10, 0, 45663.0).unwrap();
    for (c, v) in ["记-0004", "50105", "会员活动支出", "生日蛋糕券", "借"]
        .iter()
        .enumerate()
    {
        sheet.write_string(10, c as u16 + 1, *v).unwrap();
    }
    sheet.write_number(10, 8, 300.0).unwrap();
    book.save(&path).unwrap();

    let file = read(&path);
    assert_eq!(file.container, "xlsx");
    assert_eq!(file.dialect, "yonyou-u8-journal");
    assert_eq!(file.header_line, Some(5), "header is on Excel row 5");
    assert_eq!(file.strings.get(file.rows[0].unit), "人民医院工会");
    assert_eq!(file.unit_source, "title row");
    assert_eq!(file.rows[0].debit, 123_450);
    assert_eq!(file.rows[1].credit, 123_450);
    assert_eq!(
        file.strings.get(file.rows[0].account),
        "职工活动支出/会员活动支出"
    );
    assert_eq!(file.rows[2].debit, -10_000, "红字 keeps its sign");
    assert_eq!(
        file.rows[3].date.to_string(),
        "2025-01-06",
        "Excel serial date"
    );
    assert_eq!(file.rows[3].line, 11);
    assert_eq!(file.rejects.len(), 1);
    assert_eq!(file.rejects[0].line, 10);
    assert_eq!(file.rejects[0].column, Some(6));
    assert!(file.rejects[0].reason.contains("借贷方向"));
    assert_eq!(file.skipped[&fundwatch::ledger::SkipKind::Subtotal], 1);
    assert_reconciles(&file);
}

#[test]
fn fake_xls_html_three_column_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let html = "<html><head><meta charset=\"gb2312\"></head><body><table>\n\
        <tr><td colspan=\"11\">单位名称：电力公司工会</td></tr>\n\
        <tr><th>年</th><th>月</th><th>日</th><th>凭证号数</th><th>摘要</th><th>科目编码</th><th>科目名称</th><th>借方</th><th>贷方</th><th>方向</th><th>余额</th></tr>\n\
        <tr><td>2022</td><td>1</td><td>1</td><td></td><td>期初余额</td><td></td><td></td><td></td><td></td><td>借</td><td>100</td></tr>\n\
        <tr><td>2022</td><td>1</td><td>5</td><td>记-1</td><td>工会活动KTV&amp;包厢</td><td>50105</td><td>会员活动支出</td><td>2,000.00</td><td></td><td>借</td><td>2100</td></tr>\n\
        <tr><td>2022</td><td>1</td><td>31</td><td></td><td>本月合计</td><td></td><td></td><td>2000</td><td></td><td>借</td><td>2100</td></tr>\n\
        </table></body></html>\n";
    let path = write(dir.path(), "ledger.xls", &gbk(html));
    let file = read(&path);
    assert_eq!(file.container, "html");
    assert_eq!(file.encoding, "GBK");
    assert_eq!(file.dialect, "yonyou-u8-ledger");
    assert_eq!(file.rows.len(), 1);
    let r = &file.rows[0];
    assert_eq!(file.strings.get(r.summary), "工会活动KTV&包厢");
    assert_eq!(r.date.to_string(), "2022-01-05");
    assert_eq!(r.line, 5, "line of the <tr> in the file");
    assert_eq!(file.strings.get(r.unit), "电力公司工会");
    assert_reconciles(&file);
}

#[test]
fn fake_xls_tab_separated_gbk_and_value_formats() {
    let dir = tempfile::tempdir().unwrap();
    let text = "日期\t凭证号\t摘要\t科目编码\t科目名称\t借方金额\t贷方金额\t往来单位\t经办人\t部门\t附件数\n\
        2022年3月5日\t记 - 7\t活动用品\t50105\t会员活动支出\t（1,000.00）\t\t某店\t张三\t工会办\t2\n\
        20220306\t记-8\t活动用品\t50105\t会员活动支出\t￥２００．５０\t\t某店\t张三\t工会办\t1\n\
        2022/3/7\t记-9\t活动用品\t50105\t会员活动支出\t1.2.3\t\t某店\t张三\t工会办\t1\n\
        2022-02-30\t记-10\t活动用品\t50105\t会员活动支出\t5\t\t某店\t张三\t工会办\t1\n";
    let path = write(dir.path(), "机械厂工会.xls", &gbk(text));
    let file = read(&path);
    assert_eq!(file.container, "text");
    assert_eq!(file.rows.len(), 2);
    assert_eq!(file.rows[0].debit, -100_000, "（…） is a 红字 negative");
    assert_eq!(file.rows[1].debit, 20_050, "full-width digits and ￥");
    assert_eq!(file.strings.get(file.rows[0].voucher), "记-7");
    let reasons: Vec<(u64, &str)> = file
        .rejects
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert_eq!(reasons[0].0, 4);
    assert!(reasons[0].1.contains("1.2.3"));
    assert_eq!(reasons[1].0, 5);
    assert!(reasons[1].1.contains("2022-02-30"));
    assert_eq!(file.rejects[0].column, Some(6));
    assert_reconciles(&file);
}

#[test]
fn utf8_is_never_mistaken_for_gbk() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}日期,凭证字,凭证号,附件数,分录序号,摘要,科目代码,科目名称,借方金额,贷方金额,客户,供应商,职员,项目,部门\n2021/3/5,记,12,1,1,购买茅台酒,50102,文体活动费,¥880.00,,,某酒行,王五,,\n";
    let path = write(dir.path(), "jdy.csv", text.as_bytes());
    let file = read(&path);
    assert_eq!(file.encoding, "UTF-8");
    assert_eq!(file.dialect, "kingdee-jdy");
    let r = &file.rows[0];
    assert_eq!(file.strings.get(r.summary), "购买茅台酒");
    assert_eq!(file.strings.get(r.payee), "某酒行");
    assert_eq!(file.strings.get(r.handler), "王五");
    assert_eq!(
        file.strings.get(r.account),
        "职工活动支出/文体活动费",
        "2021 rows use the 2009 chart"
    );
}

#[test]
fn user_mapping_in_toml() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "mapping.toml",
        "[[dialect]]\nname = \"our-export\"\nsignature = [\"记账日\", \"说明\"]\n[dialect.columns]\ndate = [\"记账日\"]\nsummary = [\"说明\"]\ndebit = [\"支出额\"]\naccount = [\"用途科目\"]\n"
            .as_bytes(),
    );
    write(
        dir.path(),
        "ours.csv",
        "记账日,说明,用途科目,支出额\n2025-02-01,KTV,会员活动支出,800\n".as_bytes(),
    );
    let out = run_in(
        dir.path(),
        &[
            "inspect",
            "--format",
            "json",
            "--mapping",
            "mapping.toml",
            "ours.csv",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc = json(&out);
    let f = &doc["files"][0];
    assert_eq!(f["dialect"], "our-export");
    assert_eq!(f["mapping"]["date"], "记账日");
    assert_eq!(f["rows_accepted"], 1);

    write(
        dir.path(),
        "bad-mapping.toml",
        "[[dialect]]\nname = \"x\"\nsignature = []\n[dialect.columns]\nwhen = [\"a\"]\n".as_bytes(),
    );
    let out = run_in(
        dir.path(),
        &["inspect", "--mapping", "bad-mapping.toml", "ours.csv"],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("bad-mapping.toml:4:1: unknown canonical field `when`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unreadable_files_are_named_and_the_rest_still_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.csv", b"");
    write(
        dir.path(),
        "garbage.csv",
        &(0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 % 32)
            .collect::<Vec<u8>>(),
    );
    write(
        dir.path(),
        "truncated.xlsx",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    );
    write(dir.path(), "no-header.csv", b"1,2,3\n4,5,6\n");
    write(
        dir.path(),
        "good.csv",
        "日期,摘要,科目名称,借方金额\n2025-01-01,春节慰问品,会员活动支出,100\n".as_bytes(),
    );
    let out = run_in(dir.path(), &["inspect", "--format", "json", "."]);
    assert_eq!(code(&out), 2);
    let doc = json(&out);
    let files = doc["files"].as_array().unwrap();
    let by_path = |name: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(name))
            .unwrap()
            .clone()
    };
    assert_eq!(by_path("good.csv")["rows_accepted"], 1);
    assert!(
        by_path("empty.csv")["error"]
            .as_str()
            .unwrap()
            .contains("文件为空")
    );
    assert!(
        by_path("garbage.csv")["error"]
            .as_str()
            .unwrap()
            .contains("binary")
    );
    assert!(
        by_path("truncated.xlsx")["error"]
            .as_str()
            .unwrap()
            .contains("xlsx")
    );
    assert!(
        by_path("no-header.csv")["error"]
            .as_str()
            .unwrap()
            .contains("header")
    );

    let out = run_in(dir.path(), &["scan", "."]);
    assert_eq!(
        code(&out),
        2,
        "unreadable inputs exit 2 after scanning the rest"
    );
    for name in [
        "empty.csv",
        "garbage.csv",
        "truncated.xlsx",
        "no-header.csv",
    ] {
        assert!(
            stderr(&out).contains(name),
            "{name} named on stderr:\n{}",
            stderr(&out)
        );
    }
}

#[test]
fn unit_override_flag() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.csv",
        "单位名称,日期,摘要,科目名称,借方金额\n甲工会,2025-01-01,x,会员活动支出,1\n".as_bytes(),
    );
    let out = run_in(dir.path(), &["inspect", "--format", "json", "a.csv"]);
    assert_eq!(json(&out)["files"][0]["unit"], "甲工会");
    let out = run_in(
        dir.path(),
        &["inspect", "--format", "json", "--unit", "乙工会", "a.csv"],
    );
    assert_eq!(json(&out)["files"][0]["unit"], "乙工会");
}

#[test]
fn real_council_xls_when_available() {
    // shared/realdata sits beside the checkout in CI; it is never copied into the repo.
    let dir = crate::root().join("../shared/realdata/birmingham-pcard-2014-2018/raw-xls");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {} not present", dir.display());
        return;
    };
    let mut checked = 0;
    for entry in entries.flatten().take(5) {
        let path = entry.path();
        // These are English purchase-card listings, not ledgers: the reader must open the
        // OLE2 container and then say clearly that there is no ledger header.
        let result = read_file(&path, &path.display().to_string(), &opts());
        match result {
            Ok(file) => assert_reconciles(&file),
            Err(e) => assert!(
                e.message.contains("header") || e.message.contains(".xls"),
                "{e}"
            ),
        }
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn real_biff8_xls_from_yonyou() {
    // A real OLE2/BIFF8 workbook (made with xlwt by scripts/make-xls-fixture.py): title
    // rows, date cells, numeric amounts, 金额 + 方向, a 本月合计 row.
    let path = crate::root().join("tests/fixtures/ledgers/u8-biff8.xls");
    let file = read(&path);
    assert_eq!(file.container, "xls");
    assert_eq!(file.dialect, "yonyou-u8-journal");
    assert_eq!(file.header_line, Some(5));
    assert_eq!(file.strings.get(file.rows[0].unit), "纺织厂工会");
    assert_eq!(file.rows.len(), 4);
    assert_eq!(file.rows[0].date.to_string(), "2023-01-05");
    assert_eq!(file.rows[2].debit, 1_234_550);
    assert_eq!(file.rows[3].credit, 1_234_550);
    assert_eq!(file.rows[0].line, 6, "the row number Excel shows");
    assert_eq!(
        file.strings.get(file.rows[0].account),
        "职工活动支出/会员活动支出"
    );
    assert_eq!(file.skipped[&fundwatch::ledger::SkipKind::Subtotal], 1);
    assert_reconciles(&file);
}

/// The two-thread reader (files of 4 MB or more) numbers repeated cell texts so the
/// converting thread can skip interning them; the rows must be exactly those a one-thread
/// read makes. The same rows are read as one large ledger and as small pieces, and every
/// field of every row is compared: repeated and unique texts (past the 4,096 numbered per
/// column), blank handlers and units, payees from 核算项目.
#[test]
fn numbered_cells_give_the_same_rows_as_a_one_thread_read() {
    use fundwatch::ledger::read::read_bytes;
    let header = "日期,凭证号,摘要,科目编码,科目名称,借方金额,贷方金额,往来单位,经办人,部门,项目,附件数,单位名称,核算项目";
    let mut rows: Vec<String> = Vec::new();
    for i in 0..60_000u32 {
        // Some records are quoted (a delimiter and a doubled quote inside): their cells
        // reach the converter back to back instead of as the line read, numbered too.
        let summary = if i % 3 == 0 {
            format!("购买文体用品第{i}批")
        } else if i % 19 == 0 {
            "\"购买,文体用品 \"\"特价\"\"\"".to_string()
        } else {
            ["职工羽毛球比赛场地费", "会员生日蛋糕券", "工会宣传栏制作"][(i % 7 % 3) as usize]
                .to_string()
        };
        let payee = if i % 11 == 0 {
            ""
        } else {
            ["某体育用品店", "市全民健身中心", "博文广告"][(i % 5 % 3) as usize]
        };
        let aux = if i % 11 == 0 {
            "供应商---核算项目供应商"
        } else {
            ""
        };
        let handler = if i % 13 == 0 {
            ""
        } else {
            ["张伟", "李娜", "王芳"][(i % 4 % 3) as usize]
        };
        let unit = if i % 17 == 0 {
            ""
        } else {
            ["甲工会", "乙工会"][(i % 2) as usize]
        };
        let project = if i % 5 == 0 {
            format!("项目{}", i % 9000)
        } else {
            String::new()
        };
        // Cells padded with ASCII and Unicode spaces: a line without any is taken
        // untrimmed by the two-thread reader, these must be trimmed as on one thread.
        let (summary, handler) = if i % 23 == 0 && !summary.starts_with('"') {
            (format!("\u{3000}{summary} "), format!(" {handler}\u{a0}"))
        } else {
            (summary, handler.to_string())
        };
        let (code, name) = [
            ("50101", "会员活动支出"),
            ("50102", "职工活动支出/文体活动支出"),
        ][(i % 2) as usize];
        rows.push(format!(
            "2024-{:02}-{:02},记-{},{summary},{code},{name},{}.{:02},,{payee},{handler},部门{},{project},{},{unit},{aux}",
            i % 12 + 1,
            i % 28 + 1,
            i % 300 + 1,
            100 + i % 5000,
            i % 100,
            i % 6,
            i % 3,
        ));
    }
    let whole = format!("{header}\n{}\n", rows.join("\n"));
    assert!(
        whole.len() >= 4 << 20,
        "{} bytes: too small for two threads",
        whole.len()
    );
    let fields = |file: &LedgerFile| -> Vec<String> {
        let s = |sym| file.strings.get(sym).to_string();
        file.rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {} {} {} {} {} {} {} {} {} {:?} {}",
                    r.date,
                    s(r.voucher),
                    s(r.summary),
                    s(r.account_code),
                    s(r.account),
                    r.debit,
                    r.credit,
                    s(r.payee),
                    s(r.handler),
                    s(r.department),
                    s(r.project),
                    s(r.unit),
                    r.attachments(),
                    r.closing
                )
            })
            .collect()
    };
    let big = read_bytes(whole.as_bytes(), "ledger.csv", &opts()).unwrap();
    assert_reconciles(&big);
    assert_eq!(big.rows.len(), 60_000);
    let mut pieces = Vec::new();
    for chunk in rows.chunks(20_000) {
        let text = format!("{header}\n{}\n", chunk.join("\n"));
        assert!(text.len() < 4 << 20);
        let file = read_bytes(text.as_bytes(), "ledger.csv", &opts()).unwrap();
        pieces.extend(fields(&file));
    }
    let big_fields = fields(&big);
    for (at, (a, b)) in big_fields.iter().zip(&pieces).enumerate() {
        assert_eq!(a, b, "row {at}");
    }
    assert_eq!(big_fields.len(), pieces.len());
    let quoted = big
        .rows
        .iter()
        .filter(|r| big.strings.get(r.summary) == "购买,文体用品 \"特价\"");
    assert!(quoted.count() > 1000);
}

/// What the converter works out once per distinct cell (the date of a run of equal date
/// cells, whether a summary marks a closing entry) and the attachment count's range: a
/// bad date inside a run of good ones is rejected alone, a summary with 结 that is not a
/// closing entry stays ordinary, and a count too large to store is rejected.
#[test]
fn cell_facts_worked_out_once_stay_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "日期,凭证号,摘要,科目名称,借方金额,贷方金额,附件数\n\
        2024-03-05,记-1,期末结转,本年收支结转,,100.00,0\n\
        2024-03-05,记-2,结婚慰问,职工活动支出,200.00,,1\n\
        2024-13-05,记-3,结婚慰问,职工活动支出,300.00,,2\n\
        2024-03-05,记-4,期末结转,本年收支结转,400.00,,3\n\
        2024-03-06,记-5,结婚慰问,职工活动支出,500.00,,4294967295\n\
        2024-03-06,记-6,结婚慰问,职工活动支出,600.00,,4294967294\n";
    let file = read(&write(dir.path(), "facts.csv", csv.as_bytes()));
    assert_reconciles(&file);
    let got: Vec<(u32, String, bool, Option<u32>)> = file
        .rows
        .iter()
        .map(|r| (r.line, r.date.to_string(), r.closing, r.attachments()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "2024-03-05".to_string(), true, Some(0)),
            (3, "2024-03-05".to_string(), false, Some(1)),
            (5, "2024-03-05".to_string(), true, Some(3)),
            (7, "2024-03-06".to_string(), false, Some(4_294_967_294)),
        ]
    );
    let rejected: Vec<(u64, Option<usize>)> =
        file.rejects.iter().map(|r| (r.line, r.column)).collect();
    assert_eq!(rejected, vec![(4, Some(1)), (6, Some(7))]);
    assert!(
        file.rejects[0].reason.contains("2024-13-05"),
        "{:?}",
        file.rejects[0]
    );
    assert!(
        file.rejects[1].reason.contains("附件数过大"),
        "{:?}",
        file.rejects[1]
    );
}
