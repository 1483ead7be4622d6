//! The spec format, as serde reads it. `specs/spec.schema.json` describes the same format for
//! editors; `specs/README.md` explains it with a worked example.

use serde::Deserialize;

/// One ENS operation, transcribed from its API reference page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OperationSpec {
    /// Editor hint; ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The `Action` name, e.g. `CreateInstance`.
    pub operation: String,
    /// The API version, e.g. `2017-11-10`.
    pub version: String,
    /// One line: what the operation does.
    pub summary: String,
    /// The reference page's operation description, one paragraph an entry.
    #[serde(default)]
    pub description: Vec<String>,
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
    /// Documented error codes.
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
    /// Where the spec was transcribed from (free text or a URL); informational.
    #[serde(default)]
    pub source: Option<String>,
}

/// HTTP method.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
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

/// A request parameter, or the element of a request list.
///
/// The shape fields (`newtype`, `constraints`, `literals`, `enumName`, `values`, `style`, `items`,
/// `structName`, `fields`) each belong to one `type`; the generator reports any that is misplaced.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Parameter {
    /// Wire name (`InstanceType`, `SystemDisk.Size`); for a list, the prefix (`DataDisk`).
    /// Empty for a list element.
    #[serde(default)]
    pub name: String,
    /// Rust field name; derived from `name` (snake case) when absent.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// The type the reference page's Type column gives (the wire form); informational.
    #[serde(default)]
    pub wire_type: Option<String>,
    /// What the parameter becomes in Rust.
    #[serde(rename = "type")]
    pub kind: ParamType,
    /// `string`: the name of the checked newtype (default: from the parameter name).
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
    /// `list`: how it goes on the wire.
    #[serde(default)]
    pub style: Option<ListStyle>,
    /// `list`: the element.
    #[serde(default)]
    pub items: Option<Box<Parameter>>,
    /// `list` of scalars: fewest items.
    #[serde(default)]
    pub min_items: Option<u32>,
    /// `list` of scalars: most items.
    #[serde(default)]
    pub max_items: Option<u32>,
    /// `object` (a list element): the Rust name of the struct.
    #[serde(default)]
    pub struct_name: Option<String>,
    /// `object`: the fields, named relative to the element (`Size` in `DataDisk.1.Size`).
    #[serde(default)]
    pub fields: Vec<Parameter>,
    /// Whether the request is invalid without it.
    #[serde(default)]
    pub required: bool,
    /// Whether the value must never be shown (passwords): redacted `Debug`, hidden in errors.
    #[serde(default)]
    pub secret: bool,
    /// English description; becomes the doc comment.
    #[serde(default)]
    pub description: Option<String>,
    /// The description in the metadata's original language, kept beside the English one.
    #[serde(default)]
    pub original_description: Option<String>,
    /// Example wire value.
    #[serde(default)]
    pub example: Option<String>,
    /// The service's default when the parameter is left out (the client does not send it).
    #[serde(default)]
    pub default: Option<String>,
    /// Where it goes: `query` (the default) or `body` (a form body; single values only).
    #[serde(default, rename = "in")]
    pub location: Option<String>,
}

/// The Rust type of a parameter.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
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
    /// JSON text (`serde_json::Value`).
    Json,
    /// A list.
    List,
    /// A group of fields; only as a list element.
    Object,
}

/// How a list goes on the wire.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ListStyle {
    /// `X.1`, `X.2`, ... (`X.1.Field` for objects).
    RepeatList,
    /// One parameter, comma-joined.
    Simple,
    /// One parameter holding the list as a JSON array (`["a","b"]`).
    Json,
}

/// One allowed value of an enum.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnumValue {
    /// The wire spelling.
    pub value: String,
    /// Rust variant name; derived from the value when absent.
    #[serde(default)]
    pub variant: Option<String>,
    /// What it means.
    #[serde(default)]
    pub description: Option<String>,
}

/// A declarative rule on one value.
#[derive(Debug, Clone, Deserialize)]
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
}

/// What a length counts.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum CrossRule {
    /// `param` is required when the condition holds.
    RequiredWhen(Dependency),
    /// `param` must be empty when the condition holds.
    ForbiddenWhen(Dependency),
    /// At least one of the conditions must hold.
    AtLeastOne(AtLeastOne),
}

/// Conditions of which at least one must hold.
#[derive(Debug, Clone, Deserialize)]
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

/// A condition on a parameter's wire value.
#[derive(Debug, Clone, Deserialize)]
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

/// A response element, or the element of a response list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Field {
    /// JSON name; empty for a list element.
    #[serde(default)]
    pub name: String,
    /// Rust field name; derived from `name` when absent.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// The element's type. Numbers and booleans are read leniently (also from strings).
    #[serde(rename = "type")]
    pub kind: FieldType,
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
    /// English description.
    #[serde(default)]
    pub description: Option<String>,
    /// The description in the metadata's original language.
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

/// The type of a response element.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
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
    /// Any JSON.
    Json,
    /// An object: a Rust struct.
    Object,
    /// A list, plain or wrapped.
    List,
}

/// A documented error code.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorCode {
    /// HTTP status the service answers with.
    pub http_status: u16,
    /// The code; `%s` stands for a part the service fills in (`InvalidParameter.%s`).
    pub code: String,
    /// The service's message.
    pub message: String,
    /// What it means, from the reference.
    #[serde(default)]
    pub description: Option<String>,
    /// Rust variant name; derived from the code when absent.
    #[serde(default)]
    pub variant: Option<String>,
}

/// The service: version, endpoints and the error codes every operation can return.
#[derive(Debug, Clone, Deserialize)]
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
    /// Error codes any operation can return.
    pub common_errors: Vec<CommonErrorCode>,
}

/// An endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Endpoint {
    /// Region id, e.g. `ap-southeast-1`.
    pub region_id: String,
    /// Host name.
    pub host: String,
}

/// An error code common to all operations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CommonErrorCode {
    /// HTTP status the service answers with.
    pub http_status: u16,
    /// The code.
    pub code: String,
    /// The service's message.
    pub message: String,
    /// What it means.
    #[serde(default)]
    pub description: Option<String>,
    /// Rust variant name; derived from the code when absent.
    #[serde(default)]
    pub variant: Option<String>,
    /// How a client should react: `throttling` and `transient` codes may be retried.
    #[serde(default)]
    pub retry: RetryClass,
}

/// How a client should react to an error.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
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
