//! `cargo xtask import`: every ENS operation from the newest sources.
//!
//! Three stages, each its own module: [`sources`] loads each of the four sources into one common
//! shape; [`facts`] merges them into one fact model per operation, every fact with its source;
//! [`emit`] writes documents in the service-model format (operations, shared [`shapes`], the error
//! [`catalog`]). [`diff`] compares a curated spec with what the sources now say, [`parity`] checks
//! the specs against the SDK.
//!
//! It writes into the one service folder `specs/ens/` (`service.json`'s areas, `errors.json`,
//! `shapes/`, `operations/`), next to what humans curate there. A curated document (one the
//! import did not write, or one marked `curated`: [`is_curated`]) is never overwritten without
//! `--force`; every other one is rewritten by each run (byte-identical when the sources did not
//! change), and removed when the import no longer writes it.

pub mod areas;
pub mod catalog;
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

/// The service folder.
pub const SERVICE_DIR: &str = "specs/ens";
/// Every operation's spec: curated ones (never overwritten without `--force`) and imported ones.
pub const OPERATIONS: &str = "specs/ens/operations";
/// The shapes, curated and imported.
pub const SHAPES: &str = "specs/ens/shapes";

pub const USAGE: &str = "usage: cargo xtask import [<Operation>...] [--force] | --diff [--texts] [--apply] [<Operation>...] | --explain <Operation> | --shapes | --parity | --check";

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
    /// The curated part of `errors.json`: the common codes and those a curated spec lists (the
    /// import defines the others).
    pub curated_errors: serde_json::Value,
    /// The curated shapes by name.
    pub curated_shapes: BTreeMap<String, serde_json::Value>,
    /// The shapes the import wrote, by name (rewritten or removed by the next run).
    pub imported_shapes: BTreeSet<String>,
    /// The waiters of `metadata/waiters.json`, by operation: our data, as translations are.
    pub waiters: BTreeMap<String, serde_json::Value>,
    /// The specs of `specs/ens/operations/` by operation, and whether each is curated.
    pub service_specs: BTreeMap<String, (serde_json::Value, bool)>,
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
        let service_dir = root.join(SERVICE_DIR);
        let service = sources::read_json(&service_dir.join("service.json"))?;
        let common_codes: BTreeSet<String> = service["commonErrors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str().or_else(|| e["code"].as_str()).map(str::to_owned))
            .collect();
        let mut curated_shapes = BTreeMap::new();
        let mut imported_shapes = BTreeSet::new();
        for path in spec_files(&root.join(SHAPES))? {
            let doc = sources::read_json(&path)?;
            if let Some(name) = doc["shape"].as_str() {
                if is_curated(&doc) {
                    curated_shapes.insert(name.to_owned(), doc);
                } else {
                    imported_shapes.insert(name.to_owned());
                }
            }
        }
        let mut service_specs = BTreeMap::new();
        for path in spec_files(&root.join(OPERATIONS))? {
            let spec = sources::read_json(&path)?;
            if let Some(name) = spec["operation"].as_str() {
                let curated = is_curated(&spec);
                service_specs.insert(name.to_owned(), (spec, curated));
            }
        }
        // The codes a curated spec lists (in its `errors`, by reference), and the common ones.
        let curated_codes: BTreeSet<String> = service_specs
            .values()
            .filter(|(_, curated)| *curated)
            .flat_map(|(spec, _)| spec["errors"].as_array().cloned().unwrap_or_default())
            .filter_map(|e| e["code"].as_str().map(str::to_owned))
            .chain(common_codes.iter().cloned())
            .collect();
        let mut curated_errors = sources::read_json(&service_dir.join("errors.json"))?;
        if let Some(codes) = curated_errors["codes"].as_array_mut() {
            codes.retain(|c| {
                c["code"]
                    .as_str()
                    .is_some_and(|c| curated_codes.contains(c))
            });
        }
        let (facts, retired) = facts::merge_all(&sources, &texts, &areas);
        let waiters = load_waiters(&metadata.join(WAITERS))?;
        Ok(Import {
            sources,
            texts,
            areas,
            facts,
            retired,
            common_codes,
            curated_errors,
            curated_shapes,
            imported_shapes,
            waiters,
            service_specs,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }

    /// Whether `op` has a curated spec.
    pub fn is_curated(&self, op: &str) -> bool {
        self.service_specs.get(op).is_some_and(|(_, c)| *c)
    }

    /// Every document the import writes: the spec of each operation (curated ones too, as the
    /// sources give them, for `--diff`), the shapes and the error codes the imported operations
    /// need beyond the curated ones.
    pub fn output(&self) -> Output {
        let imported: Vec<&OperationFacts> = self
            .facts
            .iter()
            .filter(|f| !self.is_curated(&f.name))
            .collect();
        let all: Vec<&OperationFacts> = self.facts.iter().collect();
        let catalog = catalog::Catalog::build(&self.curated_errors, &all, &self.common_codes);
        let curated_names: BTreeSet<String> = self.curated_shapes.keys().cloned().collect();
        let env = emit::Env {
            catalog: &catalog,
            common_codes: &self.common_codes,
            schema: SERVICE_SCHEMA,
            shape_names: &curated_names,
            waiters: &self.waiters,
        };
        let candidates: Vec<shapes::Candidate> = imported
            .iter()
            .flat_map(|f| emit::emit(f, env, emit::Mode::Collect).candidates)
            .collect();
        let plan = shapes::plan(&candidates, &self.curated_shapes);
        let all_names: BTreeSet<String> = curated_names
            .iter()
            .cloned()
            .chain(plan.written_names())
            .collect();
        let env = emit::Env {
            shape_names: &all_names,
            ..env
        };
        let mut out = Output::default();
        for f in &self.facts {
            let mut emitted = emit::emit(f, env, emit::Mode::Emit(&plan));
            if !self.is_curated(&f.name) {
                out.gaps.append(&mut emitted.gaps);
                for (name, doc) in emitted.shapes {
                    out.shapes.entry(name).or_insert(doc);
                }
            }
            out.specs.insert(f.name.clone(), emitted.spec);
        }
        let used: BTreeSet<&str> = imported
            .iter()
            .flat_map(|f| f.errors.iter().map(|e| e.value.code.as_str()))
            .collect();
        out.errors = catalog.document(&self.curated_errors, |code| used.contains(code));
        out.catalog = catalog;
        out.plan = plan;
        out
    }

    pub fn facts_of(&self, op: &str) -> Option<&OperationFacts> {
        self.facts.iter().find(|f| f.name == op)
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
        for op in self.waiters.keys() {
            if !ops.contains(op) {
                out.push(format!(
                    "{WAITERS}: `{op}` is not an operation of the sources"
                ));
            } else if self.is_curated(op) {
                out.push(format!(
                    "{WAITERS}: `{op}` is curated: write its waiters in its spec"
                ));
            }
        }
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

/// Our waiters (`specs/ens/metadata/waiters.json`): `{"Operation": [waiter, ...]}`.
pub const WAITERS: &str = "waiters.json";

/// The waiters of our data, by operation (none without the file).
fn load_waiters(path: &Path) -> Result<BTreeMap<String, serde_json::Value>, String> {
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let doc = sources::read_json(path)?;
    let map = doc["waiters"].as_object().ok_or_else(|| {
        format!(
            "{}: `waiters` is not an object by operation",
            path.display()
        )
    })?;
    Ok(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// `$schema` of the documents in `operations/` and `shapes/`.
pub const SERVICE_SCHEMA: &str = "../../spec.schema.json";

/// Whether a spec or shape is curated: anything the import did not write (its `source` starts
/// with [`emit::MARK`]), or one whose `provenance` names the source `curated` (how an imported
/// document is marked when a human edits it).
pub fn is_curated(spec: &serde_json::Value) -> bool {
    let imported = spec["source"]
        .as_str()
        .is_some_and(|s| s.starts_with(emit::MARK));
    let marked = spec["provenance"]
        .as_array()
        .is_some_and(|p| p.iter().any(|e| e["source"] == "curated"));
    !imported || marked
}

/// Everything the import writes (see [`Import::output`]).
#[derive(Debug, Default)]
pub struct Output {
    /// Every operation's spec as the sources give it.
    pub specs: BTreeMap<String, serde_json::Value>,
    /// Shape documents the import writes, by name.
    pub shapes: BTreeMap<String, serde_json::Value>,
    /// `errors.json`: the curated codes and those the imported specs add.
    pub errors: serde_json::Value,
    pub catalog: catalog::Catalog,
    pub plan: shapes::Plan,
    pub gaps: Vec<emit::Gap>,
}

/// What a write run did.
#[derive(Debug, Default)]
pub struct Report {
    pub written: usize,
    pub unchanged: usize,
    pub kept_curated: Vec<String>,
    pub removed: usize,
    pub gaps: Vec<emit::Gap>,
    pub shapes: usize,
    pub added_codes: usize,
    /// Shared shapes and near-misses of the plan.
    pub shared: usize,
    pub near_misses: usize,
}

/// Every file the import writes, and its text.
fn files(
    root: &Path,
    import: &Import,
    output: &Output,
    ops: &[String],
    force: bool,
    report: &mut Report,
) -> Result<BTreeMap<PathBuf, String>, String> {
    let mut files = BTreeMap::new();
    let chosen: Vec<&String> = if ops.is_empty() {
        output.specs.keys().collect()
    } else {
        ops.iter()
            .map(|op| {
                if output.specs.contains_key(op) {
                    Ok(op)
                } else if import.retired.contains(op) {
                    Err(format!(
                        "`{op}` is only in older sources (retired); not imported"
                    ))
                } else {
                    Err(format!("`{op}` is not an ENS operation of the sources"))
                }
            })
            .collect::<Result<_, _>>()?
    };
    for op in chosen {
        if import.is_curated(op) && !force {
            report.kept_curated.push(op.clone());
            continue;
        }
        let path = root.join(OPERATIONS).join(format!("{op}.json"));
        files.insert(path, emit::to_text(&output.specs[op]));
    }
    for (name, doc) in &output.shapes {
        files.insert(
            root.join(SHAPES).join(format!("{name}.json")),
            emit::to_text(doc),
        );
    }
    let service = root.join(SERVICE_DIR);
    files.insert(service.join("errors.json"), emit::to_text(&output.errors));
    let service = service.join("service.json");
    let text = fs::read_to_string(&service)
        .map_err(|e| format!("cannot read {}: {e}", service.display()))?;
    files.insert(service, with_areas(&text, &import.areas.service_areas())?);
    report.shapes = output.shapes.len();
    report.added_codes = output.catalog.added.len();
    Ok(files)
}

/// `service.json`'s text with `areas` set to `areas`: the block replaced, or put before
/// `commonErrors`; the rest of the text stays as it is.
pub fn with_areas(text: &str, areas: &serde_json::Value) -> Result<String, String> {
    let current: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("service.json: {e}"))?;
    if current["areas"] == *areas {
        return Ok(text.to_owned());
    }
    let mut lines: Vec<&str> = text.lines().collect();
    if let Some(start) = lines.iter().position(|l| l.starts_with("  \"areas\": ")) {
        let end = if lines[start].trim_end().ends_with('[') {
            lines[start..]
                .iter()
                .position(|l| l.starts_with("  ]"))
                .map_or(start, |n| start + n)
        } else {
            start
        };
        lines.drain(start..=end);
    }
    let at = lines
        .iter()
        .position(|l| l.starts_with("  \"commonErrors\": "))
        .ok_or("service.json has no `commonErrors`")?;
    let pretty = serde_json::to_string_pretty(areas).unwrap_or_default();
    let block = format!("  \"areas\": {},", pretty.replace('\n', "\n  "));
    lines.insert(at, &block);
    let mut out = lines.join("\n");
    out.push('\n');
    let check: serde_json::Value =
        serde_json::from_str(&out).map_err(|e| format!("service.json with areas: {e}"))?;
    if check["areas"] != *areas {
        return Err("service.json: could not set `areas`".into());
    }
    Ok(out)
}

/// Writes the specs of `ops` (all when empty), the shapes and the error codes they need, into the
/// service folder: curated specs are kept unless `force`.
pub fn write(root: &Path, import: &Import, ops: &[String], force: bool) -> Result<Report, String> {
    let mut report = Report::default();
    let output = import.output();
    report.gaps = output.gaps.clone();
    report.shared = output.plan.shared.len();
    report.near_misses = output.plan.near_misses.len();
    let files = files(root, import, &output, ops, force, &mut report)?;
    for (path, text) in &files {
        if fs::read_to_string(path).is_ok_and(|old| old == *text) {
            report.unchanged += 1;
            continue;
        }
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        report.written += 1;
    }
    if ops.is_empty() {
        for path in no_longer_written(root, import, &files)? {
            fs::remove_file(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            report.removed += 1;
        }
    }
    Ok(report)
}

/// Documents the import wrote before that it no longer writes (an operation gone from the sources,
/// a shape no longer shared); never a curated one.
fn no_longer_written(
    root: &Path,
    import: &Import,
    files: &BTreeMap<PathBuf, String>,
) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for (dir, key, curated) in [
        (OPERATIONS, "operation", &|name: &str| {
            import.is_curated(name) || !import.service_specs.contains_key(name)
        }),
        (SHAPES, "shape", &|name: &str| {
            !import.imported_shapes.contains(name)
        }),
    ] as [(&str, &str, &dyn Fn(&str) -> bool); 2]
    {
        for path in spec_files(&root.join(dir))? {
            let doc = sources::read_json(&path)?;
            let name = doc[key].as_str().unwrap_or_default();
            if !files.contains_key(&path) && !curated(name) {
                out.push(path);
            }
        }
    }
    Ok(out)
}

/// Every shape document of the service, by name (to read specs that refer to shapes).
pub fn all_shapes(root: &Path) -> Result<BTreeMap<String, serde_json::Value>, String> {
    let mut out = BTreeMap::new();
    for path in spec_files(&root.join(SHAPES))? {
        let doc = sources::read_json(&path)?;
        if let Some(name) = doc["shape"].as_str() {
            out.insert(name.to_owned(), doc);
        }
    }
    Ok(out)
}

/// Every spec of the service (curated and imported), by operation.
pub fn all_specs(root: &Path) -> Result<BTreeMap<String, serde_json::Value>, String> {
    let mut out = BTreeMap::new();
    for path in spec_files(&root.join(OPERATIONS))? {
        let spec = sources::read_json(&path)?;
        if let Some(name) = spec["operation"].as_str() {
            out.insert(name.to_owned(), spec);
        }
    }
    Ok(out)
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
    let mut names = Vec::new();
    let mut mode = "write";
    for a in args {
        match a.as_str() {
            "--force" => force = true,
            "--diff" => mode = "diff",
            "--explain" => mode = "explain",
            "--check" => mode = "check",
            "--shapes" => mode = "shapes",
            "--parity" => mode = "parity",
            "--apply" | "--texts" if mode == "diff" => names.push(a.clone()),
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
            print!("{}", shapes::report(&import.output().plan));
            return Ok(());
        }
        "check" => return check(root, &import),
        "parity" => return parity_report(root, &import),
        _ => {}
    }
    let write_started = Instant::now();
    let report = write(root, &import, &names, force)?;
    let write_ms = write_started.elapsed().as_secs_f64() * 1000.0;
    for op in &report.kept_curated {
        println!(
            "kept curated {OPERATIONS}/{op}.json (--force overwrites it; --diff {op} shows what the sources would change)"
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
    println!("what the spec format cannot say (kept in the text):");
    for (kind, (n, example)) in group_gaps(&report.gaps) {
        println!("  {n:>4} x {kind}   e.g. {example}");
    }
    println!(
        "{} operations merged in {:.0} ms, documents written in {write_ms:.0} ms: {} written, {} unchanged, {} removed, {} curated kept; {} shapes written, {} error codes added; {} shared shapes, {} near-misses (--shapes lists them); {} problems",
        import.facts.len(),
        import.elapsed_ms,
        report.written,
        report.unchanged,
        report.removed,
        report.kept_curated.len(),
        report.shapes,
        report.added_codes,
        report.shared,
        report.near_misses,
        problems.len()
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{} problem(s) in the import data", problems.len()))
    }
}

/// The documents the import would write that differ from what is committed (stale), and those
/// it would remove.
pub fn stale(root: &Path, import: &Import) -> Result<Vec<String>, String> {
    let output = import.output();
    let mut report = Report::default();
    let files = files(root, import, &output, &[], false, &mut report)?;
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let mut stale = Vec::new();
    for (path, text) in &files {
        if fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            stale.push(shown(path));
        }
    }
    for path in no_longer_written(root, import, &files)? {
        stale.push(format!("{} (no longer written)", shown(&path)));
    }
    Ok(stale)
}

/// `--check`: the committed documents are what the import writes, and the data has no problem.
fn check(root: &Path, import: &Import) -> Result<(), String> {
    let stale = stale(root, import)?;
    let problems = import.problems();
    if stale.is_empty() && problems.is_empty() {
        println!(
            "the imported documents of {} operations are up to date",
            import.facts.len()
        );
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
    let specs = all_specs(root)?;
    let shapes = all_shapes(root)?;
    let accepted = parity::load_accepted(&root.join(METADATA).join(parity::FILE))?;
    let outcome = parity::compare(&specs, &shapes, &import.sources.sdk.ops, &accepted);
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

/// The checkout the tests were built from (tests read its committed documents).
#[cfg(test)]
pub(crate) fn test_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

#[cfg(test)]
mod tests;
