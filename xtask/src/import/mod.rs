//! `cargo xtask import`: every ENS operation from the newest sources.
//!
//! Three stages, each its own module: [`sources`] loads each of the four sources into one common
//! shape; [`facts`] merges them into one fact model per operation, every fact with its source;
//! [`emit`] writes spec JSON. [`diff`] compares a curated spec with what the sources now say,
//! [`shapes`] finds shapes shared across operations, [`parity`] checks the specs against the SDK.
//!
//! Curated specs (`specs/ens/operations/`) are never overwritten without `--force`; every other
//! operation's spec goes to `specs/ens/imported/` and is rewritten by each run (byte-identical when
//! the sources did not change).

pub mod areas;
pub mod diff;
pub mod emit;
pub mod facts;
pub mod parity;
pub mod shapes;
pub mod sources;
pub mod texts;

use facts::OperationFacts;
use sources::{METADATA, Sources};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Curated specs: edited by hand, never overwritten without `--force`.
pub const CURATED: &str = "specs/ens/operations";
/// Imported specs that no human has edited: rewritten by every import.
pub const IMPORTED: &str = "specs/ens/imported";
const SERVICE: &str = "specs/ens/service.json";

pub const USAGE: &str = "usage: cargo xtask import [<Operation>...] [--force] [--out <dir>] | --diff [--texts] [--apply] [<Operation>...] | --explain <Operation> | --shapes | --parity | --check";

/// Everything the import knows: the sources, our data, the merged facts.
#[derive(Debug)]
pub struct Import {
    pub sources: Sources,
    pub texts: texts::Texts,
    pub areas: areas::Areas,
    /// One per SDK operation, sorted by name.
    pub facts: Vec<OperationFacts>,
    /// Operations only older sources list (not imported).
    pub retired: Vec<String>,
    /// Codes of `service.json`'s `commonErrors`, which operations do not repeat.
    pub common_codes: BTreeSet<String>,
    /// Load and merge time.
    pub elapsed_ms: f64,
}

impl Import {
    /// Loads every source and our data under `root` and merges them.
    pub fn load(root: &Path) -> Result<Import, String> {
        let started = Instant::now();
        let metadata = root.join(METADATA);
        let sources = Sources::load(&metadata)?;
        let texts = texts::Texts::load(&metadata.join(texts::DIR))?;
        let areas = areas::Areas::load(
            &metadata.join(areas::FILE),
            &sources.api_docs_2024.directories,
        )?;
        let service = sources::read_json(&root.join(SERVICE))?;
        let common_codes = service["commonErrors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["code"].as_str().map(str::to_owned))
            .collect();
        let (facts, retired) = facts::merge_all(&sources, &texts, &areas);
        Ok(Import {
            sources,
            texts,
            areas,
            facts,
            retired,
            common_codes,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    pub fn facts_of(&self, op: &str) -> Option<&OperationFacts> {
        self.facts.iter().find(|f| f.name == op)
    }

    /// The spec the sources give for `op`.
    pub fn emit(&self, op: &OperationFacts) -> emit::Emitted {
        emit::emit(op, &self.common_codes)
    }

    /// Problems a human must fix in our data: missing English texts, stale translations, areas.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for op in &self.facts {
            if op.summary.is_none() {
                out.push(format!(
                    "{}: no English summary (add one to {}/summaries.json)",
                    op.name,
                    texts::DIR
                ));
            }
            for p in &op.params {
                missing_texts(&op.name, "", p, &mut out);
            }
            let zh = op
                .original_description
                .as_ref()
                .filter(|d| d.value.chars().any(char::is_alphanumeric));
            if zh.is_some() && op.description.is_none() {
                out.push(format!(
                    "{}: the zh-CN operation description has no translation (add one to {}/descriptions.json)",
                    op.name,
                    texts::DIR
                ));
            }
        }
        out.extend(self.texts.problems(|op, path| {
            let meta = self.sources.openapi_meta_2026.ops.get(op);
            let sdk = self.sources.sdk.ops.get(op)?;
            match path {
                Some("$description") => Some(
                    self.sources
                        .api_docs_2024
                        .ops
                        .get(op)
                        .and_then(|d| d.description.clone()),
                ),
                None => Some(
                    meta.and_then(|m| m.summary.clone())
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| texts::normalize(&s)),
                ),
                Some(path) => official_text(sdk, meta, path),
            }
        }));
        let ops: BTreeSet<String> = self.facts.iter().map(|f| f.name.clone()).collect();
        out.extend(self.areas.problems(&ops));
        out
    }
}

/// Request values without an English text (a list's element shares the list's text).
fn missing_texts(op: &str, prefix: &str, v: &facts::ValueFacts, out: &mut Vec<String>) {
    let path = format!("{prefix}{}", v.name);
    // A flat object (`SystemDisk`) is not a parameter itself: its fields are.
    let flat = v
        .style
        .as_ref()
        .is_some_and(|s| s.value == sources::Style::Flat)
        && matches!(v.kind.value, facts::ValueKind::Object(_));
    if v.description.is_none() && !flat {
        out.push(format!(
            "{op}.{path}: no English text (add one to {}/parameters.json)",
            texts::DIR
        ));
    }
    for m in v.members() {
        missing_texts(op, &format!("{path}."), m, out);
    }
}

/// The official English text of a request value (`Param` or `Param.Field`): the SDK's, else the
/// 2026 metadata's. `None` when there is no such value.
fn official_text(
    sdk: &sources::SourceOp,
    meta: Option<&sources::SourceOp>,
    path: &str,
) -> Option<Option<String>> {
    fn at<'a>(members: &'a [sources::Member], path: &[&str]) -> Option<&'a sources::Member> {
        let (first, rest) = path.split_first()?;
        let m = members.iter().find(|m| m.name == *first)?;
        if rest.is_empty() {
            Some(m)
        } else {
            at(m.shape.members(), rest)
        }
    }
    let parts: Vec<&str> = path.split('.').collect();
    let m = at(&sdk.params, &parts)?;
    let text = m.shape.text.clone().or_else(|| {
        meta.and_then(|meta| at(&meta.params, &parts))
            .and_then(|m| m.shape.text.clone())
    });
    Some(text.map(|t| texts::normalize(&t)))
}

/// Where the spec of `op` lives: curated if a file exists there, else imported.
pub fn spec_path(root: &Path, op: &str) -> (PathBuf, bool) {
    let curated = root.join(CURATED).join(format!("{op}.json"));
    if curated.exists() {
        (curated, true)
    } else {
        (root.join(IMPORTED).join(format!("{op}.json")), false)
    }
}

/// What a write run did.
#[derive(Debug, Default)]
pub struct Report {
    pub written: usize,
    pub unchanged: usize,
    pub kept_curated: Vec<String>,
    pub gaps: Vec<emit::Gap>,
}

/// Writes the specs of `ops` (all when empty). With `out`, everything goes there; otherwise
/// curated specs are kept unless `force`, the rest goes to `specs/ens/imported/`.
pub fn write(
    root: &Path,
    import: &Import,
    ops: &[String],
    out: Option<&Path>,
    force: bool,
) -> Result<Report, String> {
    let mut report = Report::default();
    let chosen: Vec<&OperationFacts> = if ops.is_empty() {
        import.facts.iter().collect()
    } else {
        ops.iter()
            .map(|op| {
                import.facts_of(op).ok_or_else(|| {
                    if import.retired.contains(op) {
                        format!("`{op}` is only in older sources (retired); not imported")
                    } else {
                        format!("`{op}` is not an ENS operation of the sources")
                    }
                })
            })
            .collect::<Result<_, _>>()?
    };
    for facts in chosen {
        let (path, curated) = match out {
            Some(dir) => (dir.join(format!("{}.json", facts.name)), false),
            None => spec_path(root, &facts.name),
        };
        if curated && !force {
            report.kept_curated.push(facts.name.clone());
            continue;
        }
        let emitted = import.emit(facts);
        report.gaps.extend(emitted.gaps);
        let text = emit::to_text(&emitted.spec);
        if fs::read_to_string(&path).is_ok_and(|old| old == text) {
            report.unchanged += 1;
            continue;
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        report.written += 1;
    }
    // Imported specs of operations the sources no longer have.
    if out.is_none() && ops.is_empty() {
        let known: BTreeSet<String> = import.facts.iter().map(|f| f.name.clone()).collect();
        for path in spec_files(&root.join(IMPORTED))? {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if !known.contains(stem) {
                fs::remove_file(&path)
                    .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            }
        }
    }
    Ok(report)
}

/// `*.json` files of a directory, sorted (none if it does not exist).
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    out.sort();
    Ok(out)
}

/// Gaps grouped by kind: (count, first example).
pub fn group_gaps(gaps: &[emit::Gap]) -> BTreeMap<&'static str, (usize, String)> {
    let mut out: BTreeMap<&'static str, (usize, String)> = BTreeMap::new();
    for g in gaps {
        let e = out.entry(g.kind).or_insert((0, g.at.clone()));
        e.0 += 1;
    }
    out
}

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let mut force = false;
    let mut out = None;
    let mut names = Vec::new();
    let mut mode = "write";
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--force" => force = true,
            "--out" => out = Some(PathBuf::from(it.next().ok_or(USAGE)?)),
            "--diff" => mode = "diff",
            "--explain" => mode = "explain",
            "--check" => mode = "check",
            "--shapes" => mode = "shapes",
            "--parity" => mode = "parity",
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n{USAGE}")),
            s => names.push(s.to_owned()),
        }
    }
    let import = Import::load(root)?;
    match mode {
        "diff" => return diff::run(root, &import, &names),
        "explain" => {
            let [op] = names.as_slice() else {
                return Err(USAGE.to_owned());
            };
            let facts = import
                .facts_of(op)
                .ok_or_else(|| format!("`{op}` is not an ENS operation of the sources"))?;
            print!("{}", diff::explain(facts));
            return Ok(());
        }
        "shapes" => {
            print!("{}", shapes::report(&shapes::find(&import)));
            return Ok(());
        }
        "check" => return check(root, &import),
        "parity" => return parity_report(root, &import),
        _ => {}
    }
    let write_started = Instant::now();
    let report = write(root, &import, &names, out.as_deref(), force)?;
    let write_ms = write_started.elapsed().as_secs_f64() * 1000.0;
    for op in &report.kept_curated {
        println!(
            "kept curated {CURATED}/{op}.json (--force overwrites it; --diff {op} shows what the sources would change)"
        );
    }
    if !import.retired.is_empty() && names.is_empty() {
        println!(
            "not imported (only in older sources): {}",
            import.retired.join(", ")
        );
    }
    let problems = import.problems();
    for p in &problems {
        println!("problem: {p}");
    }
    println!("facts by source:");
    for ((what, source), n) in facts::provenance_counts(&import.facts) {
        println!("  {n:>5} {what} from {source}");
    }
    println!("what the spec format cannot say yet (left out or widened):");
    for (kind, (n, example)) in group_gaps(&report.gaps) {
        println!("  {n:>4} x {kind}   e.g. {example}");
    }
    let shapes = shapes::find(&import);
    println!(
        "{} operations merged in {:.0} ms, specs written in {write_ms:.0} ms: {} written, {} unchanged, {} curated kept; {} shared shapes, {} near-misses (--shapes lists them); {} problems",
        import.facts.len(),
        import.elapsed_ms,
        report.written,
        report.unchanged,
        report.kept_curated.len(),
        shapes.shared.len(),
        shapes.near_misses.len(),
        problems.len()
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{} problem(s) in the import data", problems.len()))
    }
}

/// `--check`: the committed imported specs are what the import writes, and the data has no problem.
fn check(root: &Path, import: &Import) -> Result<(), String> {
    let mut stale = Vec::new();
    for facts in &import.facts {
        let (path, curated) = spec_path(root, &facts.name);
        if curated {
            continue;
        }
        let text = emit::to_text(&import.emit(facts).spec);
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(facts.name.clone());
        }
    }
    let problems = import.problems();
    if stale.is_empty() && problems.is_empty() {
        println!("{} imported specs are up to date", import.facts.len());
        return Ok(());
    }
    Err(format!(
        "out of date (run `cargo xtask import`): {}\n{}",
        stale.join(", "),
        problems.join("\n")
    ))
}

/// `--parity`: the committed specs against the SDK, with the differences not accepted yet in the
/// form `sdk-differences.json` takes.
fn parity_report(root: &Path, import: &Import) -> Result<(), String> {
    let mut specs = BTreeMap::new();
    for dir in [IMPORTED, CURATED] {
        for path in spec_files(&root.join(dir))? {
            let value = sources::read_json(&path)?;
            if let Some(name) = value["operation"].as_str() {
                specs.insert(name.to_owned(), value);
            }
        }
    }
    let accepted = parity::load_accepted(&root.join(METADATA).join(parity::FILE))?;
    let outcome = parity::compare(&specs, &import.sources.sdk.ops, &accepted);
    for d in &outcome.unaccepted {
        println!("{d},");
    }
    for a in &outcome.stale {
        println!("stale: {:?}", a.key);
    }
    println!(
        "{} operations, {} parameters, {} response fields compared with the SDK: {} differences, {} accepted, {} without a reason, {} stale",
        outcome.compared_operations,
        outcome.compared_parameters,
        outcome.compared_response_fields,
        outcome.differences.len(),
        outcome.differences.len() - outcome.unaccepted.len(),
        outcome.unaccepted.len(),
        outcome.stale.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests;
