//! Loading rule packs: the pack embedded in the binary plus any `--rules DIR`, with
//! overrides by id, `--disable`, and every error collected with its location.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::file::{KeywordSpec, RuleFile};
use super::keywords::{self, KeywordCond, KeywordInterner, KeywordSet, TextField};
use super::template::Template;
use super::{Rule, Scope, sql};
use crate::error::ConfigError;
use crate::ledger::limits;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// Prefix shown for files of the embedded pack. (`params/` and `calendar/` hold data, not rules.)
pub const BUILTIN_PREFIX: &str = "<builtin>";

/// The compiled rules and their shared keyword automaton.
#[derive(Debug)]
pub struct RuleSet {
    /// Rules that run (active and draft), sorted by id.
    pub rules: Vec<Rule>,
    /// Retired rules, for listing only.
    pub retired: Vec<Rule>,
    pub keywords: KeywordSet,
    /// A short hash of every rule file loaded, for provenance.
    pub pack_hash: String,
}

impl RuleSet {
    /// Per rule, the rule whose candidate rows it takes: an earlier detector rule that
    /// selects the same rows ([`Rule::selects_as`]; nine shipped rules take every expense
    /// line and nothing else), else itself. The scan tries only the rules that are their
    /// own source.
    pub fn candidate_sources(&self) -> Vec<usize> {
        let mut sources: Vec<usize> = (0..self.rules.len()).collect();
        for (idx, rule) in self.rules.iter().enumerate() {
            if rule.detector.is_none() {
                continue;
            }
            if let Some(earlier) = (0..idx).find(|&other| {
                let earlier = &self.rules[other];
                sources[other] == other && earlier.detector.is_some() && earlier.selects_as(rule)
            }) {
                sources[idx] = earlier;
            }
        }
        sources
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .chain(&self.retired)
            .find(|r| &*r.id == id)
    }
}

/// One rule file's text and where it came from.
struct Source {
    display: String,
    text: String,
    /// Directory for `any_file` paths; `None` for the embedded pack.
    dir: Option<PathBuf>,
    /// Path inside the embedded pack, for resolving `any_file`.
    embedded_rel: Option<String>,
}

/// The files of the embedded pack: (path relative to `rules/`, contents).
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::EMBEDDED
}

/// Loads the embedded pack (unless `no_default`) and `dirs`, later packs overriding
/// earlier ones by id, then drops the `disable`d ids. Returns every error found.
pub fn load_rules(
    dirs: &[PathBuf],
    no_default: bool,
    disable: &[String],
) -> Result<RuleSet, Vec<ConfigError>> {
    let mut packs: Vec<Vec<Source>> = Vec::new();
    let mut errors = Vec::new();
    if !no_default {
        packs.push(
            embedded::EMBEDDED
                .iter()
                .filter(|(rel, _)| rel.ends_with(".toml") && !rel.starts_with("params/"))
                .map(|(rel, text)| Source {
                    display: format!("{BUILTIN_PREFIX}/{rel}"),
                    text: (*text).to_string(),
                    dir: None,
                    embedded_rel: Some((*rel).to_string()),
                })
                .collect(),
        );
    }
    for dir in dirs {
        match disk_sources(dir) {
            Ok(sources) => packs.push(sources),
            Err(e) => errors.push(e),
        }
    }
    load_packs(packs, errors, disable)
}

/// Compiles rule files given as (name, TOML text), without the embedded pack: the same
/// checks as [`load_rules`] (for fuzzing, tests and tools that hold rules in memory).
/// `any_file` keyword files resolve against the embedded pack only.
pub fn load_rule_texts(files: &[(&str, &str)]) -> Result<RuleSet, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut pack = Vec::new();
    for (display, text) in files {
        if text.len() as u64 > limits::MAX_RULE_FILE_BYTES {
            errors.push(ConfigError {
                path: (*display).to_string(),
                line: 1,
                column: 1,
                message: format!(
                    "file is {}, larger than the {} limit for rule and keyword files",
                    limits::human_bytes(text.len() as u64),
                    limits::human_bytes(limits::MAX_RULE_FILE_BYTES)
                ),
                hint: None,
            });
            continue;
        }
        pack.push(Source {
            display: (*display).to_string(),
            text: (*text).to_string(),
            dir: None,
            embedded_rel: None,
        });
    }
    load_packs(vec![pack], errors, &[])
}

fn load_packs(
    packs: Vec<Vec<Source>>,
    mut errors: Vec<ConfigError>,
    disable: &[String],
) -> Result<RuleSet, Vec<ConfigError>> {
    let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
    let mut chosen: BTreeMap<String, (RuleFile, usize)> = BTreeMap::new();
    let mut all_sources: Vec<Source> = Vec::new();
    for pack in packs {
        let mut ids_in_pack: BTreeMap<String, String> = BTreeMap::new();
        for source in pack {
            sha2::Digest::update(&mut hasher, source.display.as_bytes());
            sha2::Digest::update(&mut hasher, source.text.as_bytes());
            let parsed: RuleFile = match toml::from_str(&source.text) {
                Ok(parsed) => parsed,
                Err(e) => {
                    errors.push(crate::error::toml_error(
                        Path::new(&source.display),
                        &source.text,
                        &e,
                    ));
                    continue;
                }
            };
            let id = parsed.id.get_ref().trim().to_string();
            if let Some(first) = ids_in_pack.get(&id) {
                errors.push(
                    ConfigError::at(
                        Path::new(&source.display),
                        &source.text,
                        parsed.id.span().start,
                        format!("duplicate rule id `{id}`"),
                    )
                    .with_hint(format!(
                        "`{id}` is already defined in {first}; ids must be unique within a pack"
                    )),
                );
                continue;
            }
            if id.is_empty() {
                errors.push(ConfigError::at(
                    Path::new(&source.display),
                    &source.text,
                    parsed.id.span().start,
                    "rule id is empty",
                ));
                continue;
            }
            ids_in_pack.insert(id.clone(), source.display.clone());
            if let Some((_, previous)) = chosen.get(&id) {
                tracing::info!(
                    "rule {id} from {} overrides {}",
                    source.display,
                    all_sources[*previous].display
                );
            }
            all_sources.push(source);
            chosen.insert(id, (parsed, all_sources.len() - 1));
        }
    }
    for id in disable {
        if chosen.remove(id.trim()).is_none() {
            errors.push(ConfigError {
                path: "--disable".to_string(),
                line: 1,
                column: 1,
                message: format!("no rule with id `{id}` to disable"),
                hint: Some("run `fundwatch rules list` to see the ids".to_string()),
            });
        }
    }
    let mut interner = KeywordInterner::default();
    let mut rules = Vec::new();
    let mut retired = Vec::new();
    for (_, (parsed, idx)) in chosen {
        match compile(parsed, &all_sources[idx], &mut interner) {
            Ok(rule) if rule.status == super::Status::Retired => retired.push(rule),
            Ok(rule) => rules.push(rule),
            Err(mut errs) => errors.append(&mut errs),
        }
    }
    // Keyword ids are handed out in order: the largest one counts the distinct keywords.
    let distinct_keywords = rules
        .iter()
        .chain(&retired)
        .flat_map(|r| r.keywords.iter())
        .flat_map(|k| {
            k.any
                .iter()
                .chain(&k.all)
                .chain(&k.none)
                .chain(k.groups.iter().flatten())
        })
        .max()
        .map_or(0, |&id| id as usize + 1);
    if distinct_keywords > limits::MAX_KEYWORDS {
        errors.push(ConfigError {
            path: "rules".to_string(),
            line: 1,
            column: 1,
            message: format!(
                "the rules have {distinct_keywords} distinct keywords together; the limit is {}",
                limits::MAX_KEYWORDS
            ),
            hint: None,
        });
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        return Err(errors);
    }
    let digest = sha2::Digest::finalize(hasher);
    let pack_hash = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Ok(RuleSet {
        rules,
        retired,
        keywords: interner.build(),
        pack_hash,
    })
}

fn disk_sources(dir: &Path) -> Result<Vec<Source>, ConfigError> {
    if !dir.is_dir() {
        return Err(ConfigError {
            path: dir.display().to_string(),
            line: 1,
            column: 1,
            message: "rule directory does not exist".to_string(),
            hint: None,
        });
    }
    let mut sources = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| ConfigError {
            path: dir.display().to_string(),
            line: 1,
            column: 1,
            message: format!("cannot read rule directory: {e}"),
            hint: None,
        })?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().and_then(|e| e.to_str()) != Some("toml")
        {
            continue;
        }
        let text = read_limited(path).map_err(|message| ConfigError {
            path: path.display().to_string(),
            line: 1,
            column: 1,
            message,
            hint: None,
        })?;
        sources.push(Source {
            display: path.display().to_string(),
            text,
            dir: path.parent().map(Path::to_path_buf),
            embedded_rel: None,
        });
    }
    Ok(sources)
}

/// Reads a rule or keyword file, refusing one larger than [`limits::MAX_RULE_FILE_BYTES`].
fn read_limited(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read file: {e}"))?;
    let mut bytes = Vec::new();
    file.take(limits::MAX_RULE_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read file: {e}"))?;
    if bytes.len() as u64 > limits::MAX_RULE_FILE_BYTES {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Err(format!(
            "file is {}, larger than the {} limit for rule and keyword files",
            limits::human_bytes(size),
            limits::human_bytes(limits::MAX_RULE_FILE_BYTES)
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "file is not UTF-8 (invalid byte at offset {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Byte offset in the file of position (line, column) of a string value's content.
fn offset_in_value(text: &str, span: std::ops::Range<usize>, line: u64, column: u64) -> usize {
    let raw = &text[span.clone()];
    let mut start = span.start;
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if raw.starts_with(quote) {
            start += quote.len();
            if quote.len() == 3 && text[start..].starts_with('\n') {
                start += 1;
            }
            break;
        }
    }
    let content = &text[start..span.end];
    let mut offset = 0;
    for (idx, l) in content.split_inclusive('\n').enumerate() {
        if idx + 1 == line as usize {
            let col_bytes: usize = l
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(char::len_utf8)
                .sum();
            return start + offset + col_bytes;
        }
        offset += l.len();
    }
    start
}

fn compile(
    parsed: RuleFile,
    source: &Source,
    interner: &mut KeywordInterner,
) -> Result<Rule, Vec<ConfigError>> {
    let path = Path::new(&source.display);
    let text = &source.text;
    let mut errors = Vec::new();
    let message = match &parsed.message {
        Some(message) => match Template::parse(message.get_ref()) {
            Ok(t) => Some(t),
            Err((offset, msg)) => {
                let at = offset_in_value(text, message.span(), 1, 1) + offset;
                errors.push(ConfigError::at(path, text, at, msg));
                None
            }
        },
        None if parsed.detector.is_some() => Template::parse("").ok(),
        None => {
            errors.push(ConfigError::at(
                path,
                text,
                parsed.id.span().start,
                "missing `message` (row rules need a message template)",
            ));
            None
        }
    };
    let mut detector = None;
    if let Some(table) = &parsed.detector {
        match crate::detector::Detector::deserialize(toml::Value::Table(table.get_ref().clone())) {
            Ok(d) => detector = Some(d),
            Err(e) => errors.push(ConfigError::at(
                path,
                text,
                table.span().start,
                format!("in [detector]: {}", e.message().trim()),
            )),
        }
        for (idx, case) in parsed.cases.iter().enumerate() {
            if let Some(params) = &case.params {
                let mut merged = table.get_ref().clone();
                merged.extend(params.clone());
                if let Err(e) = crate::detector::Detector::deserialize(toml::Value::Table(merged)) {
                    errors.push(ConfigError::at(
                        path,
                        text,
                        table.span().start,
                        format!("in [[cases]] #{} params: {}", idx + 1, e.message().trim()),
                    ));
                }
            }
        }
    } else if !parsed.cases.is_empty() {
        errors.push(ConfigError::at(
            path,
            text,
            parsed.id.span().start,
            "[[cases]] are for detector rules; use [[examples]] for row rules",
        ));
    }
    let mut condition = None;
    let mut where_text = None;
    if let Some(spanned) = &parsed.matcher.where_ {
        where_text = Some(spanned.get_ref().clone());
        match sql::compile(spanned.get_ref()) {
            Ok(expr) => condition = Some(sql::Condition::new(expr)),
            Err(e) => {
                let at = offset_in_value(text, spanned.span(), e.line, e.column);
                errors.push(ConfigError::at(path, text, at, e.message).with_hint(
                    "fields can be English or Chinese, e.g. `金额 >= 5000 AND 摘要 LIKE '%慰问%'`",
                ));
            }
        }
    }
    let mut keywords = Vec::new();
    let mut keyword_text = Vec::new();
    let specs = [
        (TextField::Summary, &parsed.matcher.summary),
        (TextField::Payee, &parsed.matcher.payee),
        (TextField::Account, &parsed.matcher.account),
        (TextField::Text, &parsed.matcher.text),
    ];
    for (field, spec) in specs {
        let Some(spec) = spec else { continue };
        match keyword_cond(field, spec.get_ref(), source, interner) {
            Ok(cond) => {
                keyword_text.push((field.name().to_string(), describe(spec.get_ref())));
                keywords.push(cond);
            }
            Err((at, msg)) => errors.push(ConfigError::at(
                path,
                text,
                at.unwrap_or(spec.span().start),
                msg,
            )),
        }
        let spec = spec.get_ref();
        if spec.any.is_empty()
            && spec.all.is_empty()
            && spec.groups.is_empty()
            && spec.any_file.is_none()
        {
            errors.push(ConfigError::at(
                path,
                text,
                parsed.matcher_span_hint(field).unwrap_or(0),
                format!("[match.{}] has no any/all/groups keywords (only exclusions would match every row)", field.name()),
            ));
        }
    }
    if condition.is_none() && keywords.is_empty() && parsed.detector.is_none() && errors.is_empty()
    {
        errors.push(ConfigError::at(
            path,
            text,
            parsed.id.span().start,
            "rule has no condition: add `[match] where = …` or a keyword list",
        ));
    }
    let example_rows = || {
        parsed
            .examples
            .iter()
            .chain(parsed.cases.iter().flat_map(|c| c.rows.iter()))
    };
    if !example_rows().any(|e| e.expect == super::file::Expect::Flag)
        || !example_rows().any(|e| e.expect == super::file::Expect::Ok)
    {
        errors.push(
            ConfigError::at(
                path,
                text,
                parsed.id.span().start,
                "rule needs at least one `flag` and one `ok` example",
            )
            .with_hint("add [[examples]] rows with expect = \"flag\" and expect = \"ok\""),
        );
    }
    let Some(message) = message.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let account_set = keywords::IdSet::new(&scope_ids(&parsed.scope.accounts, interner));
    let exclude_set = keywords::IdSet::new(&scope_ids(&parsed.scope.exclude_accounts, interner));
    Ok(Rule {
        id: parsed.id.into_inner().trim().into(),
        title: parsed.title.into(),
        basis_line: Rule::basis_line_of(&parsed.basis).into(),
        severity: parsed.severity,
        status: parsed.status,
        tags: parsed.tags,
        message,
        basis: parsed.basis,
        scope: Scope {
            lines: parsed.scope.lines,
            accounts: parsed.scope.accounts,
            exclude_accounts: parsed.scope.exclude_accounts,
            include_closing: parsed.scope.include_closing,
            include_reversals: detector
                .as_ref()
                .is_some_and(crate::detector::Detector::nets_reversals),
            account_set,
            exclude_set,
        },
        docs: parsed.docs,
        where_text,
        condition,
        keywords,
        keyword_text,
        examples: parsed.examples,
        cases: parsed.cases,
        detector,
        detector_table: parsed.detector.map(toml::Spanned::into_inner),
        source: source.display.clone(),
    })
}

impl RuleFile {
    /// Start of the `[match.<field>]` table, for errors about it as a whole.
    fn matcher_span_hint(&self, field: TextField) -> Option<usize> {
        let spec = match field {
            TextField::Summary => &self.matcher.summary,
            TextField::Payee => &self.matcher.payee,
            TextField::Account => &self.matcher.account,
            TextField::Text => &self.matcher.text,
        };
        spec.as_ref().map(|s| s.span().start)
    }
}

/// Scope account fragments become keywords matched on the account path, so the account
/// filter costs a bitmap lookup per row instead of substring searches.
fn scope_ids(fragments: &[String], interner: &mut KeywordInterner) -> Vec<u32> {
    fragments
        .iter()
        .filter(|f| !f.trim().is_empty())
        .map(|f| interner.id(f))
        .collect()
}

fn describe(spec: &KeywordSpec) -> String {
    let mut parts = Vec::new();
    if !spec.any.is_empty() {
        parts.push(format!("any: {}", spec.any.join("、")));
    }
    if !spec.all.is_empty() {
        parts.push(format!("all: {}", spec.all.join("、")));
    }
    for group in &spec.groups {
        parts.push(format!("group: {}", group.join("、")));
    }
    if !spec.none.is_empty() {
        parts.push(format!("none: {}", spec.none.join("、")));
    }
    if let Some(file) = &spec.any_file {
        parts.push(format!("any_file: {}", file.get_ref()));
    }
    parts.join("; ")
}

fn keyword_cond(
    field: TextField,
    spec: &KeywordSpec,
    source: &Source,
    interner: &mut KeywordInterner,
) -> Result<KeywordCond, (Option<usize>, String)> {
    let mut ids = |words: &[String]| -> Result<Vec<u32>, (Option<usize>, String)> {
        words
            .iter()
            .map(|w| {
                if w.trim().is_empty() {
                    Err((None, "empty keyword (it would match every row)".to_string()))
                } else {
                    Ok(interner.id(w))
                }
            })
            .collect()
    };
    let count = spec.any.len()
        + spec.all.len()
        + spec.none.len()
        + spec.groups.iter().map(Vec::len).sum::<usize>();
    if count > limits::MAX_KEYWORDS {
        return Err((
            None,
            format!(
                "{count} keywords; the limit is {} for all rules together",
                limits::MAX_KEYWORDS
            ),
        ));
    }
    let mut any = ids(&spec.any)?;
    let all = ids(&spec.all)?;
    let none = ids(&spec.none)?;
    let mut groups = Vec::new();
    for group in &spec.groups {
        if group.is_empty() {
            return Err((None, "empty keyword group".to_string()));
        }
        groups.push(ids(group)?);
    }
    if let Some(file) = &spec.any_file {
        let rel = file.get_ref();
        let content = read_sibling(source, rel).map_err(|msg| (Some(file.span().start), msg))?;
        let words: Vec<String> = content
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        if words.is_empty() {
            return Err((
                Some(file.span().start),
                format!("keyword file `{rel}` has no keywords"),
            ));
        }
        if words.len() > limits::MAX_KEYWORDS {
            return Err((
                Some(file.span().start),
                format!(
                    "keyword file `{rel}` has {} keywords; the limit is {} for all rules together",
                    words.len(),
                    limits::MAX_KEYWORDS
                ),
            ));
        }
        any.extend(ids(&words)?);
    }
    Ok(KeywordCond::new(field, any, all, groups, none))
}

/// Reads a file named relative to a rule file, from disk or from the embedded pack.
fn read_sibling(source: &Source, rel: &str) -> Result<String, String> {
    if let Some(dir) = &source.dir {
        let path = dir.join(rel);
        return read_limited(&path)
            .map_err(|e| format!("cannot read keyword file `{}`: {e}", path.display()));
    }
    let base = source
        .embedded_rel
        .as_deref()
        .and_then(|r| r.rsplit_once('/').map(|(d, _)| d.to_string()))
        .unwrap_or_default();
    let mut parts: Vec<&str> = if base.is_empty() {
        Vec::new()
    } else {
        base.split('/').collect()
    };
    for piece in rel.split('/') {
        match piece {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let wanted = parts.join("/");
    embedded::EMBEDDED
        .iter()
        .find(|(p, _)| *p == wanted)
        .map(|(_, text)| (*text).to_string())
        .ok_or_else(|| format!("keyword file `{rel}` is not in the shipped pack"))
}
