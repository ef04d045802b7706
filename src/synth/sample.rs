//! The bundled sample set: which unit goes into which dialect and file, how
//! each two-year book is built (routine + planted anomalies), and writing
//! `ledgers/`, `broken/` and `README.md` under the target directory.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::book::{Book, Builder, Voucher};
use super::chart::Acct;
use super::names::{self, Unit};
use super::rng::Rng;
use super::{broken, generic, kingdee, plant, readme, reference, routine, yonyou};

/// One ledger of the sample set.
pub struct Spec {
    pub path: &'static str,
    pub dialect: &'static str,
    pub container: &'static str,
    pub unit: &'static Unit,
    plant: fn(&mut Builder),
    closing: &'static str,
    gap: Option<(u16, u8, u32)>,
    pub label: fn(&Voucher) -> String,
}

pub const SPECS: [Spec; 5] = [
    Spec {
        path: "ledgers/一中工会.csv",
        dialect: "金蝶 K/3·KIS 凭证引出 (37 columns)",
        container: "CSV, GBK, CRLF",
        unit: &names::SCHOOL,
        plant: plant::school,
        closing: "本年收支结转",
        gap: Some(plant::SCHOOL_GAP),
        label: kingdee::voucher_label,
    },
    Spec {
        path: "ledgers/人民医院工会-用友U8序时账.xlsx",
        dialect: "用友 U8 序时账 (方向 + 金额)",
        container: "xlsx",
        unit: &names::HOSPITAL,
        plant: plant::hospital,
        closing: "期末结转",
        gap: None,
        label: yonyou::voucher_label,
    },
    Spec {
        path: "ledgers/城建集团工会.csv",
        dialect: "金蝶精斗云 / KIS 云 凭证",
        container: "CSV, UTF-8 with BOM, CRLF",
        unit: &names::BUILDER,
        plant: plant::builder,
        closing: "本年收支结转",
        gap: None,
        label: kingdee::voucher_label,
    },
    Spec {
        path: "ledgers/电力公司工会-用友明细账.xls",
        dialect: "用友 三栏式明细账 (all accounts)",
        container: "fake .xls: HTML table, UTF-8",
        unit: &names::POWER,
        plant: plant::power,
        closing: "期末结转",
        gap: None,
        label: yonyou::voucher_label,
    },
    Spec {
        path: "ledgers/机械厂工会.xls",
        dialect: "generic layout (no unit column)",
        container: "fake .xls: tab-separated text, GBK, CRLF",
        unit: &names::FACTORY,
        plant: plant::factory,
        closing: "本年收支结转",
        gap: None,
        label: generic::voucher_label,
    },
];

pub const YEARS: [u16; 2] = [2021, 2022];

/// The finished book of sample ledger `index` (into [`SPECS`]).
pub fn build_book(index: usize, seed: u64) -> Book {
    let spec = &SPECS[index];
    let mut b = Builder::new(spec.unit, Rng::fork(seed, index as u64 + 1));
    let bank = spec.unit.members * 300_000 + b.rng.range(0, 99_999);
    let cash = b.rng.range(800, 2_000) * 100;
    routine::fill(&mut b, &YEARS);
    (spec.plant)(&mut b);
    let opening = vec![
        (Acct::Cash, cash),
        (Acct::Bank, bank),
        (Acct::Fund, -(bank + cash)),
    ];
    b.finish(spec.closing, opening, spec.gap)
}

/// The bytes of sample ledger `index`.
fn render(index: usize, book: &Book, seed: u64) -> io::Result<Vec<u8>> {
    let mut rng = Rng::fork(seed, 100 + index as u64);
    match index {
        0 => kingdee::k3_csv(book),
        1 => yonyou::u8_xlsx(book, &mut rng),
        2 => kingdee::jdy_csv(book, &mut rng),
        3 => Ok(yonyou::detail_ledger_html(book)),
        _ => generic::tsv_gbk(book, &mut rng),
    }
}

/// Write the whole sample set under `dir`; returns the paths written, sorted.
pub fn write_all(dir: &Path, seed: u64) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut put = |rel: &str, bytes: &[u8]| -> io::Result<()> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, bytes)?;
        written.push(path);
        Ok(())
    };

    let mut books = Vec::new();
    let mut xlsx = Vec::new();
    for (i, spec) in SPECS.iter().enumerate() {
        let book = build_book(i, seed);
        let bytes = render(i, &book, seed)?;
        put(spec.path, &bytes)?;
        if i == 1 {
            xlsx = bytes;
        }
        books.push(book);
    }

    let mut rng = Rng::fork(seed, 200);
    put("broken/empty.csv", &[])?;
    put("broken/truncated.xlsx", &broken::truncated(&xlsx))?;
    put("broken/garbage.csv", &broken::garbage(&mut rng))?;
    put("broken/no-header.csv", &broken::no_header(&mut rng))?;
    put("broken/bad-values.csv", &broken::bad_values())?;
    put("fundwatch.toml", reference::CONFIG.as_bytes())?;
    put("units.csv", reference::units_csv(&books).as_bytes())?;
    put("budget.csv", reference::budget_csv(&books).as_bytes())?;
    put("README.md", readme::render(&books, seed).as_bytes())?;

    written.sort();
    Ok(written)
}
