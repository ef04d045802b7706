//! Command glue: turns parsed arguments into calls on the library and an exit status.
//! Results go to stdout (or `--output`); diagnostics go to stderr.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;

use crate::cli::{
    Format, InspectArgs, InspectFormat, ReadArgs, RulesCommand, SampleArgs, ScanArgs, SynthCommand,
};
use crate::error::ConfigError;
use crate::ledger::dialect;
use crate::ledger::read::ReadOptions;
use crate::ledger::sniff;
use crate::reference::References;
use crate::reference::budget::Budget;
use crate::reference::params::Params;
use crate::reference::units::Units;
use crate::report;
use crate::rule::{self, RuleSet, Severity};
use crate::{ExitStatus, config, input, inspect, scan, workflow};

fn print_config_errors(errors: &[ConfigError]) {
    for e in errors {
        eprintln!("fundwatch: error: {e}");
    }
    eprintln!("fundwatch: {} error(s); nothing was scanned", errors.len());
}

/// Builds reader options from flags; errors are configuration errors.
fn read_options(read: &ReadArgs) -> Result<ReadOptions, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let encoding = match &read.encoding {
        Some(label) => match sniff::encoding_from_label(label) {
            Ok(enc) => Some(enc),
            Err(message) => {
                errors.push(ConfigError {
                    path: "--encoding".to_string(),
                    line: 1,
                    column: 1,
                    message,
                    hint: None,
                });
                None
            }
        },
        None => None,
    };
    let mut dialects = Vec::new();
    for path in &read.mappings {
        match dialect::load_user_dialects(path) {
            Ok(mut user) => dialects.append(&mut user),
            Err(e) => errors.push(e),
        }
    }
    dialects.extend(dialect::builtin());
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ReadOptions {
        encoding,
        unit: read.unit.clone(),
        dialects,
    })
}

fn progress_bar(len: usize, quiet: bool) -> indicatif::ProgressBar {
    let visible =
        !quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() && len > 1;
    if !visible {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} 读取账簿 {pos}/{len} {wide_bar} {elapsed}",
    ) {
        bar.set_style(style);
    }
    bar
}

fn open_output(path: Option<&PathBuf>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

fn set_threads(threads: usize) {
    if threads > 0 {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
    }
}

/// Provenance for `--report`: the command line (program name as `fundwatch`) and the
/// SHA-256 of every ledger, the settings file and the other given files (mappings,
/// units and budget tables).
fn report_provenance(
    rules: &RuleSet,
    files: &[input::InputFile],
    config_file: Option<&PathBuf>,
    others: &[PathBuf],
    parameter_set: String,
) -> report::Provenance {
    let command_line = std::iter::once("fundwatch".to_string())
        .chain(
            std::env::args_os()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned()),
        )
        .collect();
    let default_config = PathBuf::from(config::DEFAULT_NAME);
    let config_file = config_file.or(default_config.is_file().then_some(&default_config));
    let mut inputs: Vec<(String, PathBuf)> = files
        .iter()
        .map(|f| (f.display.clone(), f.path.clone()))
        .collect();
    for path in config_file.into_iter().chain(others) {
        inputs.push((path.display().to_string(), path.clone()));
    }
    report::Provenance::collect(rules, command_line, &inputs, Some(parameter_set))
}

pub fn scan(args: ScanArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let config = match config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            print_config_errors(&[e]);
            return Ok(ExitStatus::Error);
        }
    };
    let paths = if args.paths.is_empty() {
        config.paths.clone()
    } else {
        args.paths.clone()
    };
    if paths.is_empty() {
        eprintln!(
            "fundwatch: error: no ledger given (fundwatch scan PATH…, or `paths` in fundwatch.toml)"
        );
        return Ok(ExitStatus::Error);
    }
    let mut rule_dirs = config.rules.clone();
    rule_dirs.extend(args.rules.iter().cloned());
    let mut disable = config.disable.clone();
    disable.extend(args.disable.iter().cloned());
    let rules = match rule::load_rules(
        &rule_dirs,
        args.no_default_rules || config.no_default_rules,
        &disable,
    ) {
        Ok(rules) => rules,
        Err(errors) => {
            print_config_errors(&errors);
            return Ok(ExitStatus::Error);
        }
    };
    let mut read = args.read.clone();
    read.encoding = read.encoding.or(config.encoding.clone());
    read.unit = read.unit.or(config.unit.clone());
    read.mappings.extend(config.mappings.iter().cloned());
    let opts = match read_options(&read) {
        Ok(o) => o,
        Err(errors) => {
            print_config_errors(&errors);
            return Ok(ExitStatus::Error);
        }
    };
    let format = args.format.or(config.format).unwrap_or(Format::Table);
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(Severity::High);
    let output = args.output.clone().or(config.output.clone());
    let refs = match load_references(&args, &config) {
        Ok(refs) => refs,
        Err(errors) => {
            print_config_errors(&errors);
            return Ok(ExitStatus::Error);
        }
    };
    let exceptions = args
        .exceptions
        .as_ref()
        .or(config.exceptions.as_ref())
        .map(|p| workflow::exceptions::load(p));
    let baseline = args
        .baseline
        .as_ref()
        .or(config.baseline.as_ref())
        .map(|p| workflow::baseline::load(p));
    let (exceptions, baseline) = match (exceptions.transpose(), baseline.transpose()) {
        (Ok(exceptions), Ok(baseline)) => (exceptions, baseline),
        (e, b) => {
            print_config_errors(&[e.err(), b.err()].into_iter().flatten().collect::<Vec<_>>());
            return Ok(ExitStatus::Error);
        }
    };
    set_threads(args.threads);

    let (files, input_errors) = input::expand(&paths);
    let bar = progress_bar(files.len(), quiet);
    let mut outcome = scan::scan(&files, &opts, &rules, &refs, &bar);
    bar.finish_and_clear();
    outcome.errors.extend(input_errors);
    outcome.workflow.fail_on_new = args.fail_on_new || config.fail_on_new;
    if let Some(loaded) = &exceptions {
        let today = args
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        let applied = workflow::exceptions::apply(&mut outcome.findings, loaded, today);
        outcome.workflow.suppressed = applied.suppressed;
        outcome.workflow.stale_exceptions = applied.stale;
        outcome.workflow.lapsed_exceptions = applied.lapsed;
        outcome.workflow.exception_problems =
            loaded.problems.iter().map(ToString::to_string).collect();
        for problem in &outcome.workflow.exception_problems {
            eprintln!("fundwatch: warning: {problem}");
        }
    }
    if let Some(previous) = &baseline {
        let findings = outcome.findings.iter_mut().chain(
            outcome
                .workflow
                .suppressed
                .iter_mut()
                .map(|s| &mut s.finding),
        );
        let (counts, resolved) = workflow::baseline::compare(findings, previous);
        outcome.workflow.baseline = Some(counts);
        outcome.workflow.resolved = resolved;
    }
    outcome.errors.sort_by(|a, b| a.path.cmp(&b.path));
    for e in &outcome.errors {
        eprintln!("fundwatch: error: {e}");
    }
    for file in &outcome.files {
        if !file.rejects.is_empty() {
            tracing::warn!(
                "{}: {} row(s) rejected (see `fundwatch inspect {}`)",
                file.display,
                file.rejects.len(),
                file.display
            );
        }
    }
    let started = std::time::Instant::now();
    let summary = report::summarize(&outcome, &rules, fail_on);
    let summarized = started.elapsed();
    let mut out = open_output(output.as_ref())?;
    match format {
        Format::Table => report::table::write_table(
            &mut out,
            &outcome.findings,
            &summary,
            &outcome.notes,
            &outcome.workflow,
            &outcome.errors,
        )?,
        Format::Csv => {
            report::write_csv(&mut out, &outcome.findings, &outcome.workflow.suppressed)?
        }
        Format::Json => report::write_json(&mut out, &outcome, &summary)?,
        Format::Jsonl => {
            report::write_jsonl(&mut out, &outcome.findings, &outcome.workflow.suppressed)?
        }
        Format::Junit => workflow::junit::write(&mut out, &rules, &outcome.findings, fail_on)?,
    }
    out.flush()?;
    tracing::debug!(
        summary_ms = summarized.as_millis() as u64,
        write_ms = (started.elapsed() - summarized).as_millis() as u64,
        "summary made, findings written"
    );
    if let Some(dir) = args.report.clone().or(config.report.clone()) {
        let ctx = report::ReportContext {
            outcome: &outcome,
            summary: &summary,
            rules: &rules,
            lang: args.lang.or(config.lang).unwrap_or_default(),
            provenance: report_provenance(
                &rules,
                &files,
                args.config.as_ref(),
                &[
                    args.units.clone().or(config.units.clone()),
                    args.budget.clone().or(config.budget.clone()),
                ]
                .into_iter()
                .flatten()
                .chain(read.mappings.iter().cloned())
                .collect::<Vec<_>>(),
                report::provenance::parameter_set_text(&refs, &outcome),
            ),
        };
        report::write_reports(&dir, &ctx)
            .with_context(|| format!("cannot write the report to {}", dir.display()))?;
    }
    let status = if !outcome.errors.is_empty() {
        ExitStatus::Error
    } else if summary.failed {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    };
    // The process ends right after this: freeing millions of rows, strings and findings
    // one by one would only delay the exit (about half a second on 10 million rows).
    std::mem::forget(outcome);
    Ok(status)
}

/// Loads the units and budget tables and the parameter sets; every problem is located.
fn load_references(
    args: &ScanArgs,
    config: &config::ScanConfig,
) -> Result<References, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let mut refs = References::builtin();
    match Params::builtin() {
        Ok(params) => refs.params = params,
        Err(e) => errors.push(e),
    }
    refs.params.use_presets = args.use_presets || config.use_presets;
    refs.params.unit_caps = config.caps.clone();
    refs.province = args.province.clone().or(config.province.clone());
    if let Some(path) = args.units.as_ref().or(config.units.as_ref()) {
        match Units::load(path) {
            Ok(units) => refs.units = Some(units),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if let Some(path) = args.budget.as_ref().or(config.budget.as_ref()) {
        match Budget::load(path) {
            Ok(budget) => refs.budget = Some(budget),
            Err(mut e) => errors.append(&mut e),
        }
    }
    errors.extend(
        refs.params
            .validate_unit_caps(|unit| refs.province_of(unit)),
    );
    if errors.is_empty() {
        Ok(refs)
    } else {
        Err(errors)
    }
}

pub fn inspect(args: InspectArgs) -> anyhow::Result<ExitStatus> {
    let opts = match read_options(&args.read) {
        Ok(o) => o,
        Err(errors) => {
            print_config_errors(&errors);
            return Ok(ExitStatus::Error);
        }
    };
    let (files, input_errors) = input::expand(&args.paths);
    let mut results = scan::read_all(&files, &opts, &indicatif::ProgressBar::hidden());
    let failed = !input_errors.is_empty() || results.iter().any(Result::is_err);
    results.extend(input_errors.into_iter().map(Err));
    let mut out = open_output(None)?;
    match args.format {
        InspectFormat::Json => inspect::write_json(&mut out, &results)?,
        InspectFormat::Text => inspect::write_text(&mut out, &results, args.max_rejects)?,
    }
    out.flush()?;
    // As in `scan`: the process ends now, the OS takes the memory back at once.
    std::mem::forget(results);
    Ok(if failed {
        ExitStatus::Error
    } else {
        ExitStatus::Clean
    })
}

fn load_for_listing(dirs: &[PathBuf], only_dirs: bool) -> Result<RuleSet, ExitStatus> {
    rule::load_rules(dirs, only_dirs, &[]).map_err(|errors| {
        print_config_errors(&errors);
        ExitStatus::Error
    })
}

pub fn rules(command: RulesCommand) -> anyhow::Result<ExitStatus> {
    let mut out = open_output(None)?;
    let status = match command {
        RulesCommand::List { rules, format } => match load_for_listing(&rules, false) {
            Ok(set) => {
                crate::report::rules::write_list(&mut out, &set, format)?;
                ExitStatus::Clean
            }
            Err(status) => status,
        },
        RulesCommand::Show { id, rules } => match load_for_listing(&rules, false) {
            Ok(set) => match set.get(&id) {
                Some(rule) => {
                    crate::report::rules::write_show(&mut out, rule)?;
                    ExitStatus::Clean
                }
                None => {
                    eprintln!(
                        "fundwatch: error: no rule with id `{id}` (see `fundwatch rules list`)"
                    );
                    ExitStatus::Error
                }
            },
            Err(status) => status,
        },
        RulesCommand::Check { dirs } => match load_for_listing(&dirs, !dirs.is_empty()) {
            Ok(set) => {
                writeln!(
                    out,
                    "ok: {} rule(s) valid ({} retired)",
                    set.rules.len(),
                    set.retired.len()
                )?;
                ExitStatus::Clean
            }
            Err(status) => status,
        },
        RulesCommand::Test { dirs } => match load_for_listing(&dirs, !dirs.is_empty()) {
            Ok(set) => {
                let results = rule::example::test_all(&set);
                crate::report::rules::write_tests(&mut out, &results)?;
                if results.iter().all(rule::example::RuleTest::passed) {
                    ExitStatus::Clean
                } else {
                    ExitStatus::Findings
                }
            }
            Err(status) => status,
        },
    };
    out.flush()?;
    Ok(status)
}

pub fn sample(args: SampleArgs) -> anyhow::Result<ExitStatus> {
    let opts = match read_options(&args.read) {
        Ok(o) => o,
        Err(errors) => {
            print_config_errors(&errors);
            return Ok(ExitStatus::Error);
        }
    };
    let (files, input_errors) = input::expand(&args.paths);
    let results = scan::read_all(&files, &opts, &indicatif::ProgressBar::hidden());
    let mut failed = !input_errors.is_empty();
    for e in &input_errors {
        eprintln!("fundwatch: error: {e}");
    }
    let mut ledgers = Vec::new();
    for r in results {
        match r {
            Ok(f) => ledgers.push(f),
            Err(e) => {
                eprintln!("fundwatch: error: {e}");
                failed = true;
            }
        }
    }
    let picks = workflow::sample::draw(&ledgers, args.size, args.seed, args.method, args.per_unit);
    match &args.output {
        Some(path)
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
        {
            workflow::sample::write_xlsx(path, &picks, args.method, args.seed)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        other => {
            let mut out = open_output(other.as_ref())?;
            workflow::sample::write_csv(&mut out, &picks)?;
            out.flush()?;
        }
    }
    eprintln!(
        "抽样 {} 行（方法 {:?}，种子 {}）",
        picks.len(),
        args.method,
        args.seed
    );
    Ok(if failed {
        ExitStatus::Error
    } else {
        ExitStatus::Clean
    })
}

pub fn init(dir: &std::path::Path) -> anyhow::Result<ExitStatus> {
    match workflow::init::init(dir) {
        Ok(written) => {
            for path in written {
                eprintln!("wrote {}", path.display());
            }
            Ok(ExitStatus::Clean)
        }
        Err(message) => {
            eprintln!("fundwatch: error: {message}");
            Ok(ExitStatus::Error)
        }
    }
}

pub fn synth(command: SynthCommand) -> anyhow::Result<ExitStatus> {
    match command {
        SynthCommand::Sample { out, seed } => {
            let files = crate::synth::write_sample_data(&out, seed)
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("wrote {} files under {}", files.len(), out.display());
        }
        SynthCommand::Large {
            out,
            rows,
            seed,
            encoding,
        } => {
            let enc = match encoding.to_ascii_lowercase().as_str() {
                "utf8" | "utf-8" => crate::synth::LargeEncoding::Utf8,
                "gbk" | "gb18030" => crate::synth::LargeEncoding::Gbk,
                other => anyhow::bail!("unknown encoding `{other}` (utf8 or gbk)"),
            };
            let bytes = crate::synth::write_large(&out, rows, seed, enc)
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!("wrote {rows} rows, {bytes} bytes to {}", out.display());
        }
    }
    Ok(ExitStatus::Clean)
}
