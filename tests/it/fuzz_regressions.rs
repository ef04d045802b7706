//! Replays every input the fuzzers ever saved (`tests/fixtures/fuzz-regressions/TARGET/`,
//! written by `scripts/fuzz.sh`) through the same harness code the fuzz targets run
//! (`fuzz/harness.rs`): none may panic or break an invariant again.

#[path = "../../fuzz/harness.rs"]
mod harness;

use crate::root;

/// What a fuzz target runs on one input.
type Harness = fn(&[u8]);

fn replay(target: &str, run: Harness) -> usize {
    let dir = root().join("tests/fixtures/fuzz-regressions").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in &paths {
        let data = std::fs::read(path).expect("read regression input");
        let result = std::panic::catch_unwind(|| run(&data));
        assert!(result.is_ok(), "{target}: {} panics again", path.display());
    }
    paths.len()
}

#[test]
fn fuzz_regressions_stay_fixed() {
    let targets: [(&str, Harness); 6] = [
        ("ledger_bytes", harness::ledger_bytes),
        ("sniff", harness::sniff),
        ("values", harness::values),
        ("rule_toml", harness::rule_toml),
        ("sql_condition", harness::sql_condition),
        ("reference_tables", harness::reference_tables),
    ];
    let mut total = 0;
    for (name, run) in targets {
        total += replay(name, run);
    }
    eprintln!("replayed {total} saved fuzz inputs");
}
