//! The spec format, as serde reads it. `specs/spec.schema.json` is derived from these types
//! (`cargo xtask regen` writes it, with the `schema` feature); `specs/README.md` explains the
//! format with examples.
//!
//! A service is a folder (`specs/ens/`) of four kinds of documents:
//! - `service.json` ([`ServiceSpec`]): version, endpoints, API areas, the common error codes;
//! - `errors.json` ([`ErrorCatalog`]): every error code, defined once;
//! - `shapes/<Name>.json` ([`ShapeSpec`]): named shapes (checked strings, enums, request objects,
//!   response structures) that parameters and response fields refer to by name;
//! - `operations/<Action>.json` ([`OperationSpec`]): one operation.
//!
//! Every key is generated; `specs/README.md` explains each with examples.

use serde::Deserialize;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// One ENS operation, transcribed from its API reference page.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OperationSpec {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The `Action` name, e.g. `CreateInstance`; the file is named after it.
    pub operation: String,
    /// The API version, e.g. `2017-11-10`.
    pub version: String,
    /// The API area the operation belongs to (one of `service.json`'s `areas`): its cargo
    /// feature. Required when `service.json` lists areas.
    #[serde(default)]
    pub area: Option<String>,
    /// One English line: what the operation does.
    pub summary: String,
    /// The summary in the source's original language (Chinese for Alibaba's api-docs).
    #[serde(default)]
    pub original_summary: Option<String>,
    /// The reference page's operation description, one paragraph an entry (English).
    #[serde(default)]
    pub description: Vec<String>,
    /// The description in the source's original language, one paragraph an entry.
    #[serde(default)]
    pub original_description: Vec<String>,
    /// The HTTP method the official SDKs send.
    pub method: HttpMethod,
    /// Documented throttling.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// Whether the operation only reads (retries after sending are safe only then).
    pub read_only: bool,
    /// Whether the operation finishes after it answers (resources still being created).
    #[serde(default)]
    pub asynchronous: bool,
    /// RAM authorization facts.
    #[serde(default)]
    pub ram: Option<Ram>,
    /// Request parameters, in the reference page's order.
    pub parameters: Vec<Parameter>,
    /// Rules between parameters.
    #[serde(default)]
    pub rules: Vec<CrossRule>,
    /// Response elements.
    pub response: Vec<Field>,
    /// The error codes the reference documents for this operation, by reference to
    /// `errors.json`.
    #[serde(default)]
    pub errors: Vec<ErrorRef>,
    /// How the operation pages through its results: a paginator is generated.
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// Waiters that poll this operation until a resource reaches a state.
    #[serde(default)]
    pub waiters: Vec<Waiter>,
    /// Where the spec was transcribed from (free text or a URL); informational.
    #[serde(default)]
    pub source: Option<String>,
    /// Which source each group of facts comes from; informational (the importer writes it).
    #[serde(default)]
    pub provenance: Vec<Provenance>,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl HttpMethod {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// Documented throttling.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RateLimit {
    /// Calls per second.
    pub per_second: u32,
    /// What the limit counts, e.g. `account`.
    #[serde(default)]
    pub scope: Option<String>,
}

/// RAM authorization facts.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Ram {
    /// RAM action, e.g. `ens:CreateInstance`.
    pub action: String,
    /// `create`, `list`, `get`, `update` or `delete`.
    pub access_level: String,
    /// Resource types the action can be limited to.
    #[serde(default)]
    pub resources: Vec<RamResource>,
    /// Condition keys.
    #[serde(default)]
    pub condition_keys: Vec<String>,
    /// Actions the caller also needs.
    #[serde(default)]
    pub dependent_actions: Vec<String>,
}

/// A resource type of a RAM action.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RamResource {
    /// e.g. `Instance`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether the resource is required (marked with `*` in the reference).
    pub required: bool,
    /// ARN pattern.
    pub arn: String,
}

/// Where one group of an operation's facts comes from.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Provenance {
    /// The source, as `shared/data/SOURCES.md` names it (e.g. `tea-python-12.1.0`,
    /// `api-docs-2024`, `openapi-meta-2026`, `reference-page`, `curated`).
    pub source: String,
    /// Which facts: any of `operation`, `parameters`, `locations`, `styles`, `types`,
    /// `descriptions`, `constraints`, `response`, `errors`, `examples`, `ram`.
    #[serde(default)]
    pub facts: Vec<String>,
    /// Free text: a version, a URL, what was changed by hand and why.
    #[serde(default)]
    pub note: Option<String>,
}

/// A request parameter, the element of a request list, or a field of a request object.
///
/// Either `type` (with the keys that belong to it) or `shape` (a named shape from `shapes/`)
/// says what the value is; the other keys describe this use of it. The keys that belong to one
/// `type` ([`PARAM_TYPE_KEYS`]) are rejected on any other.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "schema", schemars(transform = crate::schema::param_type_keys))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Parameter {
    /// Wire name (`InstanceType`, `SystemDisk.Size`); for a list, the prefix (`DataDisk`).
    /// Left out for a list element.
    #[serde(default)]
    pub name: String,
    /// Rust field name; derived from `name` (snake case) when absent.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// The type the reference page's Type column gives (the wire form); informational.
    #[serde(default)]
    pub wire_type: Option<String>,
    /// What the parameter becomes in Rust. Required unless `shape` is given.
    #[serde(default, rename = "type")]
    pub kind: Option<ParamType>,
    /// The named shape (`shapes/<Name>.json`) that says what the value is, instead of `type`.
    #[serde(default)]
    pub shape: Option<String>,
    /// `string`: the name of the checked newtype (default: from the parameter name). Prefer a
    /// shared `shape` when another operation states the same rules.
    #[serde(default)]
    pub newtype: Option<String>,
    /// `string`, `integer`, `number`: rules on the value.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// `boolean`: the spelling of true and false on the wire (default `["true", "false"]`).
    #[serde(default)]
    pub literals: Option<[String; 2]>,
    /// `enum`: the Rust name of the enum.
    #[serde(default)]
    pub enum_name: Option<String>,
    /// `enum`: the allowed values.
    #[serde(default)]
    pub values: Vec<EnumValue>,
    /// `list`, `map`, `object`: how it goes on the wire.
    #[serde(default)]
    pub style: Option<ListStyle>,
    /// `list` with `style: simple`: the separator between items (default `,`; ENS also uses
    /// `;`).
    #[serde(default)]
    pub separator: Option<String>,
    /// `list` with `style: json`: an empty list is sent as `[]` (the service reads it as "match
    /// nothing") instead of being left out; the Rust field is then `Option<Vec<T>>`.
    #[serde(default)]
    pub send_empty: bool,
    /// `list`: the element.
    #[serde(default)]
    pub items: Option<Box<Parameter>>,
    /// `map`: the value of each entry (keys are strings).
    #[serde(default)]
    pub values_of: Option<Box<Parameter>>,
    /// `list`: fewest items.
    #[serde(default)]
    pub min_items: Option<u32>,
    /// `list`: most items (`Tag`: at most 20).
    #[serde(default)]
    pub max_items: Option<u32>,
    /// `object`: the Rust name of the struct.
    #[serde(default)]
    pub struct_name: Option<String>,
    /// `object`: the fields, named relative to the object (`Size` in `DataDisk.1.Size` and in
    /// `SystemDisk.Size`).
    #[serde(default)]
    pub fields: Vec<Parameter>,
    /// Whether the request is invalid without it.
    #[serde(default)]
    pub required: bool,
    /// `string`: the value must never be shown (passwords): redacted `Debug`, hidden in errors,
    /// zeroed on drop.
    #[serde(default)]
    pub secret: bool,
    /// English description; becomes the doc comment.
    #[serde(default)]
    pub description: Option<String>,
    /// The description in the source's original language, kept beside the English one.
    #[serde(default)]
    pub original_description: Option<String>,
    /// Example wire value.
    #[serde(default)]
    pub example: Option<String>,
    /// The service's default when the parameter is left out (the client does not send it).
    #[serde(default)]
    pub default: Option<String>,
    /// Where it goes: `query` (the default) or `body` (a form-encoded body).
    #[serde(default, rename = "in")]
    pub location: Option<Location>,
}

/// The keys that belong to one parameter `type` each; any other type rejects them. One table
/// for the generator's check and the derived JSON schema.
pub const PARAM_TYPE_KEYS: &[(&str, &[ParamType])] = &[
    ("newtype", &[ParamType::String]),
    ("secret", &[ParamType::String]),
    (
        "constraints",
        &[ParamType::String, ParamType::Integer, ParamType::Number],
    ),
    ("literals", &[ParamType::Boolean]),
    ("enumName", &[ParamType::Enum]),
    ("values", &[ParamType::Enum]),
    (
        "style",
        &[ParamType::List, ParamType::Map, ParamType::Object],
    ),
    ("separator", &[ParamType::List]),
    ("sendEmpty", &[ParamType::List]),
    ("items", &[ParamType::List]),
    ("valuesOf", &[ParamType::Map]),
    ("minItems", &[ParamType::List]),
    ("maxItems", &[ParamType::List]),
    ("structName", &[ParamType::Object]),
    ("fields", &[ParamType::Object]),
];

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Location {
    /// The URL query (what ENS uses for almost everything).
    Query,
    /// An `application/x-www-form-urlencoded` body.
    Body,
}

/// The Rust type of a parameter.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ParamType {
    /// Text; with constraints it becomes a checked newtype.
    String,
    /// A decimal integer (`i64`).
    Integer,
    /// A decimal number (`f64`).
    Number,
    /// `bool`.
    Boolean,
    /// A closed set of values: a Rust enum with `Display` and `FromStr`.
    Enum,
    /// Any JSON (`serde_json::Value`, sent as JSON text): the SDKs' `any`.
    Json,
    /// A list (`Vec`).
    List,
    /// String keys to values (`BTreeMap<String, T>`, the SDKs' `Dict[str, T]`).
    Map,
    /// A group of fields: a list element (`DataDisk.1.Size`), a flat object (`SystemDisk.Size`)
    /// or a JSON object.
    Object,
}

/// How a list, map or object goes on the wire.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ListStyle {
    /// Lists: `X.1`, `X.2`, ... (`X.1.Field` for objects).
    RepeatList,
    /// Lists: one parameter, items joined with `separator` (default `,`).
    Simple,
    /// One parameter holding JSON text: an array for a list (`["a","b"]`, objects as JSON
    /// objects with wire names as keys), an object for a map or an object.
    Json,
    /// Objects and maps: one parameter per field or key, `X.Field` (`SystemDisk.Size`).
    Flat,
}

/// One allowed value of an enum.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnumValue {
    /// The wire spelling.
    pub value: String,
    /// Rust variant name; derived from the value when absent.
    #[serde(default)]
    pub variant: Option<String>,
    /// What it means (English).
    #[serde(default)]
    pub description: Option<String>,
    /// What it means, in the source's original language.
    #[serde(default)]
    pub original_description: Option<String>,
}

/// A declarative rule on one value.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Constraint {
    /// Length bounds (inclusive).
    Length {
        /// Shortest.
        #[serde(default)]
        min: Option<u64>,
        /// Longest.
        #[serde(default)]
        max: Option<u64>,
        /// `chars` (default) or `bytes`.
        #[serde(default)]
        unit: LengthUnit,
    },
    /// Numeric bounds (inclusive).
    Range {
        /// Smallest.
        #[serde(default)]
        min: Option<i64>,
        /// Largest.
        #[serde(default)]
        max: Option<i64>,
    },
    /// The value lies in one of these inclusive ranges (`[[1, 9], [12, 12]]`).
    OneOf(Vec<[i64; 2]>),
    /// The value is a multiple of this.
    MultipleOf(i64),
    /// Every character is from one of these classes.
    Charset(Vec<CharClass>),
    /// Characters from at least `atLeast` of the classes.
    MinClasses {
        /// How many classes must appear.
        #[serde(rename = "atLeast")]
        at_least: u8,
        /// The classes.
        classes: Vec<CharClass>,
    },
    /// The first character is from one of these classes.
    FirstChar(Vec<CharClass>),
    /// The value starts with none of these.
    ForbiddenPrefixes(Vec<String>),
    /// The value contains none of these.
    ForbiddenSubstrings(Vec<String>),
    /// Neither the first nor the last character is one of these.
    NoLeadingOrTrailing(String),
    /// No two characters of this set in a row (`..`, `--`, `.-`).
    NoConsecutive(String),
    /// Not digits alone.
    NotAllDigits(bool),
    /// An IP address, v4 or v6.
    IpAddress(bool),
    /// Standard base64, whose decoded data may have to start with a prefix.
    Base64 {
        /// Required start of the decoded data.
        #[serde(default, rename = "decodedPrefix")]
        decoded_prefix: Option<String>,
    },
    /// The whole value matches this regular expression (the reference's `pattern`), in the
    /// dialect `ens_core::pattern` reads: classes, groups, alternation, counted repetition.
    Pattern(String),
}

/// What a length counts.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum LengthUnit {
    /// Characters.
    #[default]
    Chars,
    /// UTF-8 bytes.
    Bytes,
}

/// A character class.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum CharClass {
    /// `A`-`Z`.
    Upper,
    /// `a`-`z`.
    Lower,
    /// Any alphabetic character.
    Letter,
    /// `0`-`9`.
    Digit,
    /// Exactly these characters.
    Chars(String),
}

/// A rule between parameters.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum CrossRule {
    /// `param` is required when the condition holds.
    RequiredWhen(Dependency),
    /// `param` must be empty when the condition holds.
    ForbiddenWhen(Dependency),
    /// At least one of the conditions must hold.
    AtLeastOne(AtLeastOne),
    /// When the condition holds, `param` (if given) must also obey `constraints` ("Period must
    /// be 3 when PeriodUnit is Day", "Amount must be 1 when PrivateIpAddress is set").
    ValueWhen(ValueWhen),
}

/// Conditions of which at least one must hold.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AtLeastOne {
    /// The conditions.
    pub of: Vec<Condition>,
    /// The reference text the rule comes from.
    #[serde(default)]
    pub description: Option<String>,
}

/// The parameter a cross rule constrains and when.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Dependency {
    /// Wire name of the constrained parameter.
    pub param: String,
    /// The condition.
    pub when: Condition,
    /// The reference text the rule comes from.
    #[serde(default)]
    pub description: Option<String>,
}

/// A value constraint that applies only under a condition.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ValueWhen {
    /// Wire name of the constrained parameter.
    pub param: String,
    /// The condition.
    pub when: Condition,
    /// What the value must obey then (the same constraints as a parameter's).
    pub constraints: Vec<Constraint>,
    /// The reference text the rule comes from.
    #[serde(default)]
    pub description: Option<String>,
}

/// A condition on a parameter's wire value.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Condition {
    /// Wire name.
    pub param: String,
    /// The wire value it must have; with neither `equals` nor `in` the condition is "is set".
    #[serde(default)]
    pub equals: Option<String>,
    /// Wire values any of which makes the condition hold.
    #[serde(default, rename = "in")]
    pub any_of: Vec<String>,
}

/// A response element, or the element of a response list, or a member of a structure.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "schema", schemars(transform = crate::schema::field_type_keys))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Field {
    /// JSON name; left out for a list element.
    #[serde(default)]
    pub name: String,
    /// Rust field name; derived from `name` when absent.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// The element's type. Numbers and booleans are read leniently (also from strings).
    /// Required unless `shape` is given.
    #[serde(default, rename = "type")]
    pub kind: Option<FieldType>,
    /// The named shape (`shapes/<Name>.json`: a `structure`, an `enum` or a `string`) instead
    /// of `type`. An enum read from a response keeps values it does not know.
    #[serde(default)]
    pub shape: Option<String>,
    /// `object`: Rust name of the struct (default: from the field name).
    #[serde(default)]
    pub struct_name: Option<String>,
    /// `object`: its fields.
    #[serde(default)]
    pub fields: Vec<Field>,
    /// `list`: the key of the object wrapping the list (`InstanceId` in
    /// `{"InstanceIds": {"InstanceId": [...]}}`); the Rust type flattens it away.
    #[serde(default)]
    pub wrapper: Option<String>,
    /// `list`: the element.
    #[serde(default)]
    pub items: Option<Box<Field>>,
    /// `map`: the value of each entry.
    #[serde(default)]
    pub values_of: Option<Box<Field>>,
    /// English description.
    #[serde(default)]
    pub description: Option<String>,
    /// The description in the source's original language.
    #[serde(default)]
    pub original_description: Option<String>,
    /// Example value.
    #[serde(default)]
    pub example: Option<String>,
    /// Top-level fields only: present and not empty in every successful answer, so an answer
    /// without it is not taken as a success (CreateInstance's `InstanceIds`).
    #[serde(default)]
    pub required: bool,
}

/// The keys that belong to one response field `type` each.
pub const FIELD_TYPE_KEYS: &[(&str, &[FieldType])] = &[
    ("structName", &[FieldType::Object]),
    ("fields", &[FieldType::Object]),
    ("wrapper", &[FieldType::List]),
    ("items", &[FieldType::List]),
    ("valuesOf", &[FieldType::Map]),
];

/// The type of a response element.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum FieldType {
    /// Text.
    String,
    /// Integer (`i64`).
    Integer,
    /// Number (`f64`).
    Number,
    /// Boolean.
    Boolean,
    /// Any JSON (`serde_json::Value`): the SDKs' `any`.
    Json,
    /// An object: a Rust struct.
    Object,
    /// A list, plain or wrapped.
    List,
    /// String keys to values (`BTreeMap<String, T>`).
    Map,
}

/// A named shape, one file each: `shapes/<Name>.json`. Parameters and response fields refer
/// to it with `"shape": "<Name>"`; the shape is generated once, in `types`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "schema", schemars(transform = crate::schema::shape_type_keys))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ShapeSpec {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The Rust type name (`Password`); the file is named after it.
    pub shape: String,
    /// What the shape is.
    #[serde(rename = "type")]
    pub kind: ShapeType,
    /// English description of the shape itself (what every use shares); each use keeps its own
    /// `description` too.
    #[serde(default)]
    pub description: Option<String>,
    /// The description in the source's original language.
    #[serde(default)]
    pub original_description: Option<String>,
    /// `string`, `integer`, `number`: rules on the value.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// `string`: never shown (redacted `Debug`, hidden in errors, zeroed on drop).
    #[serde(default)]
    pub secret: bool,
    /// `enum`: the allowed values.
    #[serde(default)]
    pub values: Vec<EnumValue>,
    /// `object`: the fields (request parameters, named relative to the object).
    #[serde(default)]
    pub fields: Vec<Parameter>,
    /// `structure`: the members (response fields).
    #[serde(default)]
    pub members: Vec<Field>,
    /// Where the shape was transcribed from (free text); informational. The importer's shapes
    /// start it with its mark.
    #[serde(default)]
    pub source: Option<String>,
    /// Which sources state the shape's rules; informational.
    #[serde(default)]
    pub provenance: Vec<Provenance>,
}

/// The keys that belong to one shape `type` each.
pub const SHAPE_TYPE_KEYS: &[(&str, &[ShapeType])] = &[
    (
        "constraints",
        &[ShapeType::String, ShapeType::Integer, ShapeType::Number],
    ),
    ("secret", &[ShapeType::String]),
    ("values", &[ShapeType::Enum]),
    ("fields", &[ShapeType::Object]),
    ("members", &[ShapeType::Structure]),
];

/// What a named shape is.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum ShapeType {
    /// A checked string newtype (needs `constraints` or `secret`).
    String,
    /// Integer rules shared by several parameters (the Rust type stays `i64`).
    Integer,
    /// Number rules shared by several parameters (the Rust type stays `f64`).
    Number,
    /// A closed set of values; read from a response it keeps unknown values.
    Enum,
    /// A request object: a list element (`DataDisk.N.Size`) or a flat object (`SystemDisk.Size`).
    Object,
    /// A response structure.
    Structure,
}

/// A documented error code of an operation: a reference to `errors.json`, with this
/// operation's own message, status or description where its reference page differs.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorRef {
    /// The code, as `errors.json` defines it.
    pub code: String,
    /// This operation's HTTP status, where its reference differs from the catalog's.
    #[serde(default)]
    pub http_status: Option<u16>,
    /// This operation's message, where its reference differs from the catalog's.
    #[serde(default)]
    pub message: Option<String>,
    /// This operation's description, where its reference adds to the catalog's.
    #[serde(default)]
    pub description: Option<String>,
}

/// `errors.json`: every error code of the service, defined once.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorCatalog {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The codes, sorted by code.
    pub codes: Vec<ErrorDef>,
}

/// One error code.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorDef {
    /// The code; `%s` stands for a part the service fills in (`InvalidParameter.%s`).
    pub code: String,
    /// HTTP status the service answers with.
    pub http_status: u16,
    /// The service's message, verbatim (typos included).
    pub message: String,
    /// What it means (English), when it adds to the message.
    #[serde(default)]
    pub description: Option<String>,
    /// The description in the source's original language.
    #[serde(default)]
    pub original_description: Option<String>,
    /// Rust variant name; derived from the code when absent.
    #[serde(default)]
    pub variant: Option<String>,
    /// How a client should react.
    #[serde(default)]
    pub retry: RetryClass,
}

/// How an operation pages through its results.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Pagination {
    /// `pageNumber` (PageNumber/PageSize/TotalCount) or `nextToken`.
    pub style: PaginationStyle,
    /// Request parameter (wire name) of the page number or of the token (`PageNumber`,
    /// `NextToken`).
    pub input: String,
    /// Request parameter of the page size (`PageSize`, `MaxResults`).
    #[serde(default)]
    pub page_size: Option<String>,
    /// Response path (JSON names, `.`-separated) of the next token (`nextToken` style).
    #[serde(default)]
    pub output_token: Option<String>,
    /// Response path of the total count (`pageNumber` style).
    #[serde(default)]
    pub total_count: Option<String>,
    /// Response path of the list that holds the items (`Instances`).
    pub items: String,
}

/// How pages are addressed.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum PaginationStyle {
    /// Numbered pages from 1; done when the items seen reach the total count (or a page is
    /// short).
    PageNumber,
    /// An opaque token from each answer; done when it is empty.
    NextToken,
}

/// Polls an operation until its answer says a resource has reached a state.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Waiter {
    /// Name, UpperCamel: `InstanceRunning` gives `wait_until_instance_running`.
    pub name: String,
    /// What it waits for.
    pub description: String,
    /// Seconds between polls, at first.
    #[serde(default)]
    pub min_delay: Option<u32>,
    /// Seconds between polls, at most.
    #[serde(default)]
    pub max_delay: Option<u32>,
    /// In order; the first that matches decides. No match: poll again.
    pub acceptors: Vec<Acceptor>,
    /// Which ids a poll asks about and where the answer lists them: a success acceptor decides
    /// only once the answer lists every id asked for (a resource just created may not be listed
    /// yet).
    #[serde(default)]
    pub ids: Option<WaiterIds>,
}

/// The ids a waiter's poll asks about, and where its answer lists them.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WaiterIds {
    /// The request parameter (wire name) holding the ids (`InstanceIds`).
    pub request: String,
    /// The response path of each listed resource's id (`Instances.InstanceId`).
    pub response: String,
}

/// One outcome of a waiter's poll.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Acceptor {
    /// What a match means.
    pub state: AcceptorState,
    /// Response path (JSON names, `.`-separated; a list is crossed into its items:
    /// `Instances.Status`). Give `path` + `expected`, or `errorCode`.
    #[serde(default)]
    pub path: Option<String>,
    /// The value at `path`.
    #[serde(default)]
    pub expected: Option<String>,
    /// How `expected` is compared with what is at `path`.
    #[serde(default)]
    pub comparator: Comparator,
    /// An error code the poll answers with (e.g. a resource not found yet).
    #[serde(default)]
    pub error_code: Option<String>,
}

/// What an acceptor's match means.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum AcceptorState {
    /// Done: the resource is in the state waited for.
    Success,
    /// Done: it never will be (a terminal failure state).
    Failure,
    /// Poll again.
    Retry,
}

/// How a waiter compares values.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Comparator {
    /// The one value at the path equals `expected`.
    #[default]
    Equals,
    /// Every value at the path (at least one) equals `expected`.
    AllEqual,
    /// Some value at the path equals `expected`.
    AnyEquals,
}

/// The service: version, endpoints, API areas and the common error codes.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceSpec {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Product code, `Ens`.
    pub product: String,
    /// API version.
    pub version: String,
    /// Signature style, `RPC`.
    pub style: String,
    /// Endpoint for regions not listed.
    pub default_endpoint: String,
    /// Region id to host name.
    pub endpoints: Vec<Endpoint>,
    /// The API areas operations belong to (cargo features of the generated crate).
    #[serde(default)]
    pub areas: Vec<Area>,
    /// Codes any operation can return (throttling, signature, ...), by reference to
    /// `errors.json`.
    pub common_errors: Vec<String>,
}

/// An API area: a cargo feature of the generated crate.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Area {
    /// The feature name, kebab case (`instance`, `network`, `load-balancer`).
    pub name: String,
    /// What it covers.
    pub description: String,
    /// Whether the feature is on by default.
    #[serde(default)]
    pub default: bool,
}

/// An endpoint.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Endpoint {
    /// Region id, e.g. `ap-southeast-1`.
    pub region_id: String,
    /// Host name.
    pub host: String,
}

/// How a client should react to an error.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum RetryClass {
    /// Never retried.
    #[default]
    Never,
    /// Slow down and retry.
    Throttling,
    /// The service turned the request away before acting on it (503): any request may retry.
    Unavailable,
    /// The service had a passing fault and may have acted; retry only requests safe to repeat.
    Transient,
}
