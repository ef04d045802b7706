//! Micro-benchmarks of the read and the scan through the library (divan).
//!
//! Run: `cargo bench --bench read_scan` (about ten seconds once built). Set
//! `FUNDWATCH_BENCH_ROWS` to change the size of the generated ledgers (default 100 000
//! rows, ~14 MB in UTF-8; 1 000 when `cargo test --all-targets` runs it as a smoke test).
//! The end-to-end benchmark of the binary, with DuckDB as the reference, is
//! `scripts/bench.sh`.
//!
//! The ledgers are written once per run with `fundwatch::synth::write_large` (seed 1) to
//! `std::env::temp_dir()` and removed at the end.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};
use fundwatch::ledger::LedgerFile;
use fundwatch::ledger::dialect;
use fundwatch::ledger::read::{ReadOptions, read_file};
use fundwatch::rule::{RuleSet, load_rules};
use fundwatch::scan::scan_rows;
use fundwatch::synth::{LargeEncoding, write_large};

/// Rows of the generated ledgers: `FUNDWATCH_BENCH_ROWS`, else 100 000 under
/// `cargo bench`, else 1 000 (`cargo test --all-targets` runs each benchmark once, in
/// the unoptimised test profile, as a smoke test).
fn rows() -> u64 {
    let benching = std::env::args().any(|a| a == "--bench");
    std::env::var("FUNDWATCH_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 100_000 } else { 1_000 })
}

/// A generated ledger on disk.
struct Ledger {
    path: PathBuf,
    bytes: u64,
}

fn make(encoding: LargeEncoding, tag: &str) -> Ledger {
    let path =
        std::env::temp_dir().join(format!("fundwatch-bench-{}-{tag}.csv", std::process::id()));
    let bytes = write_large(&path, rows(), 1, encoding).expect("cannot write the benchmark ledger");
    Ledger { path, bytes }
}

fn utf8() -> &'static Ledger {
    static L: OnceLock<Ledger> = OnceLock::new();
    L.get_or_init(|| make(LargeEncoding::Utf8, "utf8"))
}

fn gbk() -> &'static Ledger {
    static L: OnceLock<Ledger> = OnceLock::new();
    L.get_or_init(|| make(LargeEncoding::Gbk, "gbk"))
}

fn options() -> &'static ReadOptions {
    static O: OnceLock<ReadOptions> = OnceLock::new();
    O.get_or_init(|| ReadOptions {
        dialects: dialect::builtin(),
        ..ReadOptions::default()
    })
}

/// The shipped pack, as `fundwatch scan` loads it with no flags.
fn rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| load_rules(&[], false, &[]).expect("the shipped rule pack must load"))
}

/// The UTF-8 ledger, read once, for the scan benchmark.
fn read_utf8() -> &'static LedgerFile {
    static F: OnceLock<LedgerFile> = OnceLock::new();
    F.get_or_init(|| read(utf8()))
}

fn read(ledger: &Ledger) -> LedgerFile {
    let display = ledger.path.display().to_string();
    read_file(&ledger.path, &display, options()).expect("the benchmark ledger must read")
}

fn main() {
    // Generate outside the timed region so the first sample is not penalised.
    let (u, g) = (utf8(), gbk());
    let file = read_utf8();
    assert_eq!(
        file.rows.len() as u64 + file.rows_skipped() + file.rows_rejected(),
        file.rows_read
    );
    divan::main();
    for path in [&u.path, &g.path] {
        let _ = std::fs::remove_file(Path::new(path));
    }
}

/// `read_file` on the UTF-8 ledger: sniffing, CSV parsing, conversion, interning.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn read_file_utf8(bencher: Bencher) {
    let ledger = utf8();
    bencher
        .counter(BytesCount::new(ledger.bytes))
        .bench(|| read(ledger));
}

/// `read_file` on the same rows in GBK: adds the decode to UTF-8.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn read_file_gbk(bencher: Bencher) {
    let ledger = gbk();
    bencher
        .counter(BytesCount::new(ledger.bytes))
        .bench(|| read(ledger));
}

/// `scan_rows` with the shipped pack on the already-read UTF-8 ledger (findings built,
/// not sorted or written).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn scan_rows_shipped_pack(bencher: Bencher) {
    let (rules, file) = (rules(), read_utf8());
    bencher
        .counter(ItemsCount::new(file.rows.len()))
        .bench(|| scan_rows(rules, file));
}

/// Compiling the shipped pack (TOML parse, SQL parse, Aho-Corasick build).
#[divan::bench(sample_count = 10)]
fn load_shipped_rules() -> RuleSet {
    load_rules(&[], false, &[]).expect("the shipped rule pack must load")
}
