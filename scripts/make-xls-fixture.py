#!/usr/bin/env python3
"""Writes tests/fixtures/ledgers/u8-biff8.xls: a small 用友 U8 序时账 as a real BIFF8 .xls.

No Rust crate writes BIFF8, so this fixture is produced once with xlwt (PyPI) and
committed; rerun after `pip install xlwt` to regenerate. The file has the layout U8
exports have: title rows above the header, real date cells, numeric amounts, 金额 + 方向
and a 本月合计 row.
"""
import datetime
import pathlib

import xlwt

out = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/ledgers/u8-biff8.xls"
book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("序时账")
date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
rows = [
    ["序时账"],
    ["单位名称:纺织厂工会"],
    ["期间: 2023.01-2023.01"],
    [],
    ["日期", "凭证号数", "科目编码", "科目名称", "摘要", "方向", "数量", "外币", "金额"],
]
for r, cells in enumerate(rows):
    for c, v in enumerate(cells):
        sheet.write(r, c, v)
data = [
    (datetime.date(2023, 1, 5), "记-0001", "50105", "会员活动支出", "购买超市购物卡发放会员", "借", 8800.0),
    (datetime.date(2023, 1, 5), "记-0001", "102", "银行存款", "购买超市购物卡发放会员", "贷", 8800.0),
    (datetime.date(2023, 1, 9), "记-0002", "50105", "会员活动支出", "春节慰问品", "借", 12345.5),
    (datetime.date(2023, 1, 9), "记-0002", "102", "银行存款", "春节慰问品", "贷", 12345.5),
]
r = len(rows)
for date, voucher, code, name, summary, direction, amount in data:
    sheet.write(r, 0, date, date_style)
    for c, v in enumerate([voucher, code, name, summary, direction, "", ""], start=1):
        sheet.write(r, c, v)
    sheet.write(r, 8, amount)
    r += 1
sheet.write(r, 4, "本月合计")
sheet.write(r, 8, 21145.5)
book.save(str(out))
print(f"wrote {out}")
