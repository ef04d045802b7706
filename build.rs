//! Embeds the shipped rule pack (`rules/`) into the binary, so `fundwatch scan LEDGERS`
//! works with no other argument. Generates a sorted list of (relative path, contents).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, root, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("toml" | "txt" | "csv")
        ) {
            out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut code = String::from(
        "/// Files of the shipped rule pack: (path relative to `rules/`, contents).\npub static EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for rel in &files {
        let rel_text = rel.to_string_lossy().replace('\\', "/");
        let abs = root.join(rel);
        let _ = writeln!(
            code,
            "    ({rel_text:?}, include_str!({:?})),",
            abs.to_string_lossy()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("embedded_rules.rs");
    std::fs::write(out, code).unwrap_or_else(|e| panic!("cannot write embedded_rules.rs: {e}"));
}
