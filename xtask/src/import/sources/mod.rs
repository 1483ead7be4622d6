//! The four sources `cargo xtask import` reads, each loaded into one common shape ([`SourceOp`]) so
//! the merge compares like with like. A loader only reads: it keeps what its source says, in the
//! source's own words and language, and decides nothing.

pub mod api_docs;
pub mod openapi_meta;
pub mod sdk;

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::Path;

/// Where a fact came from. Ordered oldest to newest among Alibaba's sources; then our own data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// The 2024 api-docs (zh-CN texts, examples, responses, error codes).
    ApiDocs2024,
    /// The 2025 api-docs (request side only).
    ApiDocs2025,
    /// The 2026 aliyun-openapi-meta en-US files (English texts).
    OpenapiMeta2026,
    /// The official Python SDK 12.1.0, the newest.
    Sdk,
    /// Our reviewed texts (`translations/`): translations and texts no source has.
    Texts,
    /// Our area mapping (`areas.json`).
    Areas,
    /// A rule of the importer (e.g. "Describe* only reads"), stated in `specs/README.md`.
    Rule,
}

impl Source {
    /// The id used in provenance and reports.
    pub fn id(self) -> &'static str {
        match self {
            Source::ApiDocs2024 => "api-docs-2024",
            Source::ApiDocs2025 => "api-docs-2025",
            Source::OpenapiMeta2026 => "openapi-meta-2026",
            Source::Sdk => "tea-python-12.1.0",
            Source::Texts => "translations",
            Source::Areas => "areas",
            Source::Rule => "import-rule",
        }
    }
}

impl Source {
    /// What the source is, for a spec's provenance.
    pub fn note(self) -> &'static str {
        match self {
            Source::ApiDocs2024 => {
                "Alibaba api-docs of 2024-06-24 (zh-CN): texts kept as originals, examples, defaults, error codes, rate limits, directories"
            }
            Source::ApiDocs2025 => {
                "Alibaba api-docs of 2025-12-03 (request side): enums, ranges, lengths, item counts"
            }
            Source::OpenapiMeta2026 => {
                "aliyun-openapi-meta of 2026-04-21 (en-US): English summaries and texts"
            }
            Source::Sdk => {
                "the official Python SDK alibabacloud-ens20171110 12.1.0, the newest source: what is sent, how and where, and the response"
            }
            Source::Texts => "reviewed English texts of specs/ens/metadata/translations",
            Source::Areas => "the API area mapping of specs/ens/metadata/areas.json",
            Source::Rule => {
                "import rules (specs/README.md, Merged import): read-only by name, pagination from the parameters and response"
            }
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }

    fn parse(s: &str) -> Option<Method> {
        match s.trim().to_ascii_uppercase().as_str() {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            _ => None,
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Query,
    /// The form body (`formData` in the api-docs, `Body` in the meta, `body` in the SDK).
    Body,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Query => "query",
            Location::Body => "body",
        }
    }

    fn parse(s: &str) -> Option<Location> {
        match s.to_ascii_lowercase().as_str() {
            "query" => Some(Location::Query),
            "body" | "formdata" => Some(Location::Body),
            _ => None,
        }
    }
}

/// How a parameter is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// One scalar value.
    Plain,
    /// One parameter holding JSON text.
    Json,
    /// Comma-joined.
    Simple,
    /// `X.1`, `X.2` (`X.1.Field`).
    RepeatList,
    /// An object's fields as `X.Field`; the api-docs also say `flat` for arrays sent as `X.1`.
    Flat,
}

impl Style {
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Plain => "plain",
            Style::Json => "json",
            Style::Simple => "simple",
            Style::RepeatList => "repeatList",
            Style::Flat => "flat",
        }
    }

    fn parse(s: &str) -> Option<Style> {
        match s {
            "plain" => Some(Style::Plain),
            "json" => Some(Style::Json),
            "simple" => Some(Style::Simple),
            "repeatList" => Some(Style::RepeatList),
            "flat" => Some(Style::Flat),
            _ => None,
        }
    }
}

/// A value's type as a source states it.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    String,
    /// With the source's width when it gives one (`int32`, `int64`).
    Integer,
    Number,
    Boolean,
    Array(Box<Shape>),
    Object(Vec<Member>),
    /// String keys to values of this shape.
    Map(Box<Shape>),
    /// Any JSON (the SDK's `Any`, the meta's `Json`).
    Any,
}

impl Kind {
    /// A one-word name for reports: `string`, `array`, ...
    pub fn word(&self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Array(_) => "array",
            Kind::Object(_) => "object",
            Kind::Map(_) => "map",
            Kind::Any => "any",
        }
    }
}

/// A value (a parameter's, a field's, a list element's) as a source states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub kind: Kind,
    /// The type word the source itself uses (`string`, `Long`, `RepeatList`), for `wireType`.
    pub wire_type: Option<String>,
    /// Integer width (`int32`, `int64`) where given.
    pub format: Option<String>,
    /// The source's text, in its language (zh-CN for the api-docs).
    pub text: Option<String>,
    pub example: Option<String>,
    pub default: Option<String>,
    pub enum_values: Vec<String>,
    pub minimum: Option<String>,
    pub maximum: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub pattern: Option<String>,
}

impl Shape {
    pub fn of(kind: Kind) -> Shape {
        Shape {
            kind,
            wire_type: None,
            format: None,
            text: None,
            example: None,
            default: None,
            enum_values: Vec::new(),
            minimum: None,
            maximum: None,
            min_length: None,
            max_length: None,
            min_items: None,
            max_items: None,
            pattern: None,
        }
    }

    /// The fields of an object, or of an array's object element.
    pub fn members(&self) -> &[Member] {
        match &self.kind {
            Kind::Object(m) => m,
            Kind::Array(items) => items.members(),
            _ => &[],
        }
    }
}

/// A named value: a request parameter, an object's field, a response element.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    pub shape: Shape,
    /// Request side only.
    pub required: Option<bool>,
    /// Top-level request parameters only.
    pub location: Option<Location>,
    /// Top-level request parameters only.
    pub style: Option<Style>,
}

/// A documented error code.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceError {
    pub http_status: String,
    pub code: String,
    pub message: String,
    pub description: Option<String>,
}

/// One operation as one source describes it.
#[derive(Debug, Clone, Default)]
pub struct SourceOp {
    pub name: String,
    /// The methods the source allows, the preferred (or only) one first.
    pub methods: Vec<Method>,
    pub summary: Option<String>,
    pub title: Option<String>,
    /// The operation description (zh-CN in the api-docs).
    pub description: Option<String>,
    /// The api-docs' `systemTags.operationType` (`get`, `list`, `create`, ...).
    pub operation_type: Option<String>,
    pub params: Vec<Member>,
    /// The response body's fields; `None` when the source has no response side.
    pub response: Option<Vec<Member>>,
    pub errors: Vec<SourceError>,
}

/// One source, loaded.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub ops: BTreeMap<String, SourceOp>,
    /// api-docs directories: title and operations (2024 only).
    pub directories: Vec<(String, Vec<String>)>,
}

/// All four sources.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub api_docs_2024: Loaded,
    pub api_docs_2025: Loaded,
    pub openapi_meta_2026: Loaded,
    pub sdk: Loaded,
}

/// The folder (under the workspace) holding the copies, and each source's place in it.
pub const METADATA: &str = "specs/ens/metadata";
pub const API_DOCS_2024: &str = "api-docs-2024/api-docs.json";
pub const API_DOCS_2025: &str = "api-docs-2025/api-docs.from-php-20251203.json";
pub const OPENAPI_META_2026: &str = "openapi-meta-2026/en-US";
pub const SDK: &str = "tea-python-12.1.0/ens-2017-11-10.json";

impl Sources {
    /// Loads every source from `metadata` (normally `specs/ens/metadata`).
    pub fn load(metadata: &Path) -> Result<Sources, String> {
        Ok(Sources {
            api_docs_2024: api_docs::load(&metadata.join(API_DOCS_2024))?,
            api_docs_2025: api_docs::load(&metadata.join(API_DOCS_2025))?,
            openapi_meta_2026: openapi_meta::load(&metadata.join(OPENAPI_META_2026))?,
            sdk: sdk::load(&metadata.join(SDK))?,
        })
    }

    /// Each source with its id, oldest first.
    pub fn each(&self) -> [(Source, &Loaded); 4] {
        [
            (Source::ApiDocs2024, &self.api_docs_2024),
            (Source::ApiDocs2025, &self.api_docs_2025),
            (Source::OpenapiMeta2026, &self.openapi_meta_2026),
            (Source::Sdk, &self.sdk),
        ]
    }
}

pub(crate) fn read_json(path: &Path) -> Result<Value, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A scalar as text (`1`, `true`, `"x"` -> `x`); `None` for null, empty text and containers.
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.trim().is_empty()).then_some(s)
}

/// A non-empty string field.
pub(crate) fn text(v: &Value) -> Option<String> {
    v.as_str()
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

/// A count given as a number or as text (`"20"`).
pub(crate) fn count(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use std::path::PathBuf;

    pub(crate) fn metadata() -> PathBuf {
        crate::import::test_root().join(METADATA)
    }

    /// The copies are what `SHA256SUMS` says: an edit to a source shows up here, not as a silent
    /// change in the specs.
    #[test]
    fn copies_match_their_checksums() {
        let dir = metadata();
        let sums = fs::read_to_string(dir.join("SHA256SUMS")).expect("SHA256SUMS");
        let mut listed = 0;
        let mut bad = Vec::new();
        for line in sums.lines().filter(|l| !l.trim().is_empty()) {
            let (sum, path) = line.split_once("  ").expect("`<sha256>  <path>` lines");
            let bytes = fs::read(dir.join(path)).unwrap_or_default();
            let actual = format!("{:x}", Sha256::digest(&bytes));
            if actual != sum {
                bad.push(path.to_owned());
            }
            listed += 1;
        }
        assert!(bad.is_empty(), "changed or missing copies: {bad:?}");
        assert_eq!(listed, 317, "SHA256SUMS lists every copied file");
    }

    #[test]
    fn every_source_loads_with_its_operation_count() {
        let sources = Sources::load(&metadata()).expect("sources load");
        assert_eq!(sources.api_docs_2024.ops.len(), 231);
        assert_eq!(sources.api_docs_2025.ops.len(), 291);
        assert_eq!(sources.openapi_meta_2026.ops.len(), 312);
        assert_eq!(sources.sdk.ops.len(), 339);
        assert_eq!(sources.api_docs_2024.directories.len(), 21);
    }
}
