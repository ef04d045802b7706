//! Expanding command-line inputs (files, directories, glob patterns) into a sorted list of
//! ledger files. Directories are walked recursively with symlink-loop detection; only
//! files with a ledger-like extension are taken from directories, while a file named
//! explicitly is always read (its content decides the format).

use std::path::{Path, PathBuf};

use crate::error::FileError;

/// Extensions picked up when walking a directory.
const LEDGER_EXTENSIONS: &[&str] = &["csv", "tsv", "txt", "xls", "xlsx", "xlsm", "htm", "html"];

/// An input file: its path and the text shown to users.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    pub display: String,
    pub path: PathBuf,
}

/// Expands `inputs` into files (sorted, deduplicated) and the errors met on the way.
pub fn expand(inputs: &[PathBuf]) -> (Vec<InputFile>, Vec<FileError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for input in inputs {
        let text = input.to_string_lossy();
        if !input.exists() && (text.contains('*') || text.contains('?') || text.contains('[')) {
            match glob::glob(&text) {
                Ok(paths) => {
                    let mut matched = 0;
                    for entry in paths {
                        match entry {
                            Ok(path) if path.is_dir() => walk(&path, &mut files, &mut errors),
                            Ok(path) => {
                                matched += 1;
                                files.push(file_of(&path));
                            }
                            Err(e) => errors.push(FileError {
                                path: e.path().display().to_string(),
                                message: format!("无法读取 (cannot read): {}", e.error()),
                            }),
                        }
                    }
                    if matched == 0 && files.is_empty() {
                        errors.push(FileError {
                            path: text.to_string(),
                            message: "通配符没有匹配到任何文件 (pattern matched no file)"
                                .to_string(),
                        });
                    }
                }
                Err(e) => errors.push(FileError {
                    path: text.to_string(),
                    message: format!("通配符无效 (bad pattern): {e}"),
                }),
            }
        } else if input.is_dir() {
            walk(input, &mut files, &mut errors);
        } else if input.exists() {
            files.push(file_of(input));
        } else {
            errors.push(FileError {
                path: text.to_string(),
                message: "文件不存在 (no such file or directory)".to_string(),
            });
        }
    }
    files.sort();
    files.dedup_by(|a, b| a.path == b.path);
    (files, errors)
}

fn file_of(path: &Path) -> InputFile {
    InputFile {
        display: path.display().to_string(),
        path: path.to_path_buf(),
    }
}

fn walk(dir: &Path, files: &mut Vec<InputFile>, errors: &mut Vec<FileError>) {
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                if entry.file_type().is_file() && !hidden && has_ledger_extension(path) {
                    files.push(file_of(path));
                }
            }
            Err(e) => errors.push(FileError {
                path: e
                    .path()
                    .map_or_else(|| dir.display().to_string(), |p| p.display().to_string()),
                message: if e.loop_ancestor().is_some() {
                    "符号链接形成循环，已跳过 (symlink loop, skipped)".to_string()
                } else {
                    format!("无法读取目录 (cannot read directory): {e}")
                },
            }),
        }
    }
}

fn has_ledger_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| LEDGER_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}
