//! Declarative parameter rules and the one function that checks them.

use crate::{Params, Violation, Violations};
use base64::Engine as _;

/// How a wire value is read before its rules apply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Any text.
    String,
    /// A decimal integer (`i64`).
    Integer,
    /// A decimal number (`f64`).
    Number,
    /// A boolean spelled with the given literals (`true`/`false`, or `True`/`False`).
    Boolean {
        /// The spelling of `true`.
        true_literal: &'static str,
        /// The spelling of `false`.
        false_literal: &'static str,
    },
    /// One of the listed values, spelled exactly.
    Enum(&'static [&'static str]),
    /// JSON text.
    Json,
    /// JSON text holding an object whose members these entries check (each entry's `wire` is the
    /// member's JSON key); inside JSON, numbers and booleans may be JSON numbers and booleans.
    Object(&'static [ParamSpec]),
    /// JSON text holding an object (string keys) whose every value this entry checks.
    Map(&'static ParamSpec),
}

/// What a length counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    /// Unicode scalar values.
    Chars,
    /// UTF-8 bytes.
    Bytes,
}

/// A set of characters, used by character rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    /// `A`-`Z`.
    Upper,
    /// `a`-`z`.
    Lower,
    /// Any alphabetic character, Chinese included.
    Letter,
    /// `0`-`9`.
    Digit,
    /// Exactly these characters.
    Chars(&'static str),
}

impl CharClass {
    fn contains(self, c: char) -> bool {
        match self {
            CharClass::Upper => c.is_ascii_uppercase(),
            CharClass::Lower => c.is_ascii_lowercase(),
            CharClass::Letter => c.is_alphabetic(),
            CharClass::Digit => c.is_ascii_digit(),
            CharClass::Chars(set) => set.contains(c),
        }
    }

    /// The ASCII characters of the class as a bit set (bit `b` for byte `b`).
    fn ascii_bits(self) -> u128 {
        /// Bits `lo..=hi`.
        const fn span(lo: u8, hi: u8) -> u128 {
            (u128::MAX >> (127 - hi)) & (u128::MAX << lo)
        }
        const UPPER: u128 = span(b'A', b'Z');
        const LOWER: u128 = span(b'a', b'z');
        match self {
            CharClass::Upper => UPPER,
            CharClass::Lower => LOWER,
            CharClass::Letter => UPPER | LOWER,
            CharClass::Digit => span(b'0', b'9'),
            CharClass::Chars(set) => set
                .bytes()
                .filter(u8::is_ascii)
                .fold(0, |bits, b| bits | 1 << b),
        }
    }

    fn describe(self) -> String {
        match self {
            CharClass::Upper => "uppercase letters".into(),
            CharClass::Lower => "lowercase letters".into(),
            CharClass::Letter => "letters".into(),
            CharClass::Digit => "digits".into(),
            CharClass::Chars(set) => format!("the characters {set}"),
        }
    }
}

fn describe_classes(classes: &[CharClass]) -> String {
    classes
        .iter()
        .map(|c| c.describe())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Classes as one test per character: a bit set for ASCII (a rule looks at every character of
/// a value, and a password's special characters would each cost a search of the allowed set),
/// the classes themselves for the rest.
#[derive(Clone, Copy)]
struct ClassSet<'a> {
    ascii: u128,
    classes: &'a [CharClass],
}

impl<'a> ClassSet<'a> {
    fn new(classes: &'a [CharClass]) -> Self {
        let ascii = classes.iter().fold(0, |bits, k| bits | k.ascii_bits());
        Self { ascii, classes }
    }

    fn contains(self, c: char) -> bool {
        if c.is_ascii() {
            self.ascii & (1 << u32::from(c)) != 0
        } else {
            self.classes.iter().any(|k| k.contains(c))
        }
    }
}

/// One rule on a single value. Numeric rules apply to integers and numbers, text rules to text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Length within bounds (inclusive).
    Length {
        /// Shortest allowed.
        min: Option<u64>,
        /// Longest allowed.
        max: Option<u64>,
        /// What is counted.
        unit: LengthUnit,
    },
    /// A number within bounds (inclusive).
    Range {
        /// Smallest allowed.
        min: Option<i64>,
        /// Largest allowed.
        max: Option<i64>,
    },
    /// An integer within one of the inclusive ranges (`Period`: 1 to 9, or 12).
    OneOf(&'static [(i64, i64)]),
    /// An integer that is a multiple of this.
    MultipleOf(i64),
    /// Every character belongs to one of the classes.
    Charset(&'static [CharClass]),
    /// Characters from at least `at_least` of the classes (the password's 3-of-4 rule).
    MinClasses {
        /// The classes counted.
        classes: &'static [CharClass],
        /// How many must appear.
        at_least: u8,
    },
    /// The first character belongs to one of the classes.
    FirstChar(&'static [CharClass]),
    /// The value starts with none of these.
    ForbiddenPrefixes(&'static [&'static str]),
    /// The value contains none of these.
    ForbiddenSubstrings(&'static [&'static str]),
    /// How many items a list holds (checked on the whole list, not on each item).
    Items {
        /// Fewest items.
        min: Option<u32>,
        /// Most items.
        max: Option<u32>,
    },
    /// Neither the first nor the last character is one of these.
    NoLeadingOrTrailing(&'static str),
    /// No two characters of this set in a row (`..`, `--`, `.-`, `-.` for `".-"`).
    NoConsecutive(&'static str),
    /// An IP address, v4 or v6.
    IpAddress,
    /// Not made of digits alone.
    NotAllDigits,
    /// Standard base64; the decoded bytes may have to start with a prefix.
    Base64 {
        /// What the decoded data must start with (`#!` for user-data scripts).
        decoded_prefix: Option<&'static str>,
    },
    /// On an entry of an element of a list of objects (`Tag.{n}.Key`): the list holds at least
    /// one element (a required list of objects has no entry of its own).
    ListRequired,
    /// The whole value matches this pattern: a regular expression of the small dialect
    /// [`crate::pattern`] reads (anchored; classes, groups, alternation, counted repetition).
    Pattern(&'static str),
}

/// How one parameter's value holds a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// One value.
    Single,
    /// Items joined with commas: `a,b,c`.
    Comma,
    /// A JSON array: `["a","b"]` (numbers as JSON numbers; objects with `Kind::Object`).
    JsonArray,
    /// Items joined with this separator: `a;b;c` for `";"`.
    Separated(&'static str),
    /// A map sent flat, one parameter per entry: `Name.key` (the entry's `wire` is `Name`), each
    /// value read with `kind`.
    FlatMap,
}

impl Packing {
    /// The separator of a joined list.
    fn separator(self) -> Option<&'static str> {
        match self {
            Packing::Comma => Some(","),
            Packing::Separated(s) => Some(s),
            _ => None,
        }
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Location {
    /// In the URL query, as the official SDKs send most parameters.
    #[default]
    Query,
    /// In an `application/x-www-form-urlencoded` body (never in the URL): the few parameters the
    /// official SDKs send that way, passwords among them.
    Body,
}

/// A parameter as the checker sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// Wire name; `{n}` stands for a list position counted from 1 (`DataDisk.{n}.Size`).
    pub wire: &'static str,
    /// How the value is read.
    pub kind: Kind,
    /// Whether the request is invalid without it.
    pub required: bool,
    /// Whether the value must never be shown (passwords).
    pub secret: bool,
    /// Whether the value packs a list into one parameter; each item is read with `kind` and
    /// checked alone.
    pub packing: Packing,
    /// Rules on the value.
    pub rules: &'static [Rule],
    /// Where it travels.
    pub location: Location,
}

impl ParamSpec {
    /// An optional, non-secret, single-valued parameter without rules, sent in the query.
    pub const fn new(wire: &'static str, kind: Kind) -> Self {
        Self {
            wire,
            kind,
            required: false,
            secret: false,
            packing: Packing::Single,
            rules: &[],
            location: Location::Query,
        }
    }

    /// The same, sent in the form body.
    pub const fn in_body(mut self) -> Self {
        self.location = Location::Body;
        self
    }

    /// Whether wire name `name` is an instance of this parameter: its [`ParamSpec::wire`] with
    /// each `{n}` standing for a list position counted from 1, without leading zeros (`0` and
    /// `01` are not positions).
    #[inline]
    pub fn matches(&self, name: &str) -> bool {
        matches_wire(self.wire, name)
    }

    /// The same, required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The same, secret.
    pub const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// The same, as a list packed into one value.
    pub const fn packed(mut self, packing: Packing) -> Self {
        self.packing = packing;
        self
    }

    /// The same, with rules.
    pub const fn rules(mut self, rules: &'static [Rule]) -> Self {
        self.rules = rules;
        self
    }
}

/// A condition on another parameter's wire value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Condition {
    /// Wire name of the parameter looked at.
    pub param: &'static str,
    /// The values that make the condition hold; empty means "is present".
    pub any_of: &'static [&'static str],
}

impl Condition {
    fn holds(&self, params: &Params) -> bool {
        present(params, self.param)
            .is_some_and(|v| self.any_of.is_empty() || self.any_of.contains(&v))
    }

    fn describe(&self) -> String {
        match self.any_of {
            [] => format!("{} is set", self.param),
            values => format!("{} is {}", self.param, values.join(" or ")),
        }
    }
}

/// A rule between parameters. A violation names every side, so any can be fixed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CrossRule {
    /// `param` must be present whenever `when` holds.
    RequiredWhen {
        /// The parameter that becomes required.
        param: &'static str,
        /// When it does.
        when: Condition,
    },
    /// `param` must be absent or empty whenever `when` holds.
    ForbiddenWhen {
        /// The parameter that must be left out.
        param: &'static str,
        /// When it must.
        when: Condition,
    },
    /// At least one of the conditions must hold (a password, a key pair, or the image's
    /// password).
    AtLeastOne(&'static [Condition]),
    /// When `when` holds, `param` (if given) must also obey `rules` ("Period must be 3 when
    /// PeriodUnit is Day").
    ValueWhen {
        /// The parameter whose value is limited.
        param: &'static str,
        /// When it is.
        when: Condition,
        /// The rules it must obey then, read with the parameter's own kind.
        rules: &'static [Rule],
    },
}

fn present<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.get(name).filter(|v| !v.is_empty())
}

/// Whether `key` is an instance of `pattern`, where `{n}` matches a position counted from 1
/// (digits, no leading zero).
///
/// Walks both byte by byte: the checker asks this for every parameter against every spec entry,
/// so most calls end at the first byte, and a substring search for `{n}` would cost more than
/// the whole comparison.
#[inline]
fn matches_wire(pattern: &str, key: &str) -> bool {
    let (pattern, key) = (pattern.as_bytes(), key.as_bytes());
    // Most entries differ from the key in the first byte (unless the pattern starts with a
    // position).
    if pattern.first() != key.first() && pattern.first() != Some(&b'{') {
        return false;
    }
    let (mut p, mut k) = (0, 0);
    while p < pattern.len() {
        if pattern[p] == b'{' && pattern[p..].starts_with(b"{n}") {
            let digits = key[k..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 || key[k] == b'0' {
                return false;
            }
            p += 3;
            k += digits;
        } else if key.get(k) == Some(&pattern[p]) {
            p += 1;
            k += 1;
        } else {
            return false;
        }
    }
    k == key.len()
}

/// Checks a whole request given as wire parameters; returns every violation at once.
///
/// Unknown names, missing required parameters, values that do not read as their kind, broken
/// rules and broken cross-parameter rules are all reported, each by wire name.
pub fn check(
    params_spec: &[ParamSpec],
    cross_rules: &[CrossRule],
    params: &Params,
) -> Result<(), Violations> {
    let mut found = Vec::new();
    let index = FirstByteIndex::new(params_spec);
    for (key, value) in params {
        match index.find(params_spec, key) {
            // A flat map's entry names its prefix, which is no parameter itself.
            Some(spec) if spec.packing == Packing::FlatMap => found.push(unknown(key)),
            // An empty value is no value: required ones are reported below, optional ones
            // are as good as left out.
            Some(_) if value.is_empty() => {}
            Some(spec) => check_one(spec, key, value, &mut found),
            None => match flat_map_of(params_spec, key) {
                Some(_) if value.is_empty() => {}
                Some(spec) => check_item(spec, key, value, &mut found),
                None => found.push(unknown(key)),
            },
        }
    }
    for spec in params_spec.iter().filter(|p| p.required) {
        check_required(spec, params, &mut found);
    }
    for spec in params_spec {
        check_count(spec, params, &mut found);
    }
    for rule in cross_rules {
        check_cross(rule, params, params_spec, &mut found);
    }
    Violations(found).into_result()
}

fn unknown(key: &str) -> Violation {
    Violation::new(key, "unknown", "is not a parameter of this operation", None)
}

/// The flat map whose entries `key` (`Name.key`) belongs to.
fn flat_map_of<'a>(params_spec: &'a [ParamSpec], key: &str) -> Option<&'a ParamSpec> {
    params_spec.iter().find(|p| {
        p.packing == Packing::FlatMap
            && key
                .strip_prefix(p.wire)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|k| !k.is_empty())
    })
}

/// A required entry: a single value is present; a list (`X.{n}`) has an item; a field of the
/// elements of a list of objects (`Tag.{n}.Key`) is in every element given; a flat map has an
/// entry.
fn check_required(spec: &ParamSpec, params: &Params, found: &mut Vec<Violation>) {
    // `{` appears in wire names only as the position placeholder `{n}`; a byte search first,
    // where a substring search costs more than the whole lookup of a plain name.
    if spec.packing != Packing::FlatMap && !spec.wire.as_bytes().contains(&b'{') {
        if present(params, spec.wire).is_none() {
            found.push(Violation::new(spec.wire, "required", "is required", None));
        }
        return;
    }
    if spec.packing == Packing::FlatMap {
        let prefix = format!("{}.", spec.wire);
        if params.with_prefix(&prefix).all(|(_, v)| v.is_empty()) {
            found.push(Violation::new(spec.wire, "required", "is required", None));
        }
        return;
    }
    match spec.wire.split_once("{n}") {
        Some((head, tail)) if !tail.is_empty() => {
            for position in positions(params, head) {
                let name = format!("{head}{position}{tail}");
                if present(params, &name).is_none() {
                    found.push(Violation::new(name, "required", "is required", None));
                }
            }
        }
        Some(_) if !params.names().any(|k| spec.matches(k)) => {
            found.push(Violation::new(spec.wire, "required", "is required", None));
        }
        Some(_) => {}
        None if present(params, spec.wire).is_none() => {
            found.push(Violation::new(spec.wire, "required", "is required", None));
        }
        None => {}
    }
}

/// The list positions given under `head` (`Tag.`): `Tag.3.Key` and `Tag.3` give 3. Sorted, each
/// once; only positions counted from 1 without leading zeros.
fn positions(params: &Params, head: &str) -> Vec<u64> {
    let mut found: Vec<u64> = params
        .with_prefix(head)
        .filter_map(|(k, _)| {
            let rest = &k[head.len()..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let after = &rest[digits..];
            (digits > 0 && !rest.starts_with('0') && (after.is_empty() || after.starts_with('.')))
                .then(|| rest[..digits].parse().ok())
                .flatten()
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// Which entries of a parameter table can match a name, by the name's first byte: the checker
/// looks up every parameter of a request, and a table has dozens of entries of which one or two
/// start with the same byte.
struct FirstByteIndex {
    /// Bit `i` of `by_byte[b]`: entry `i` starts with ASCII byte `b`.
    by_byte: [u64; 128],
    /// Entries that may match a name with any first byte (`{n}` first, empty, non-ASCII).
    any: u64,
    /// More than 64 entries: no index, a scan of the table.
    scan: bool,
}

impl FirstByteIndex {
    fn new(table: &[ParamSpec]) -> Self {
        let mut index = Self {
            by_byte: [0; 128],
            any: 0,
            scan: table.len() > 64,
        };
        if !index.scan {
            for (i, spec) in table.iter().enumerate() {
                match spec.wire.as_bytes().first() {
                    Some(&b) if b.is_ascii() && b != b'{' => {
                        index.by_byte[usize::from(b)] |= 1 << i
                    }
                    _ => index.any |= 1 << i,
                }
            }
        }
        index
    }

    /// The first entry of `table` (the one it was built from) that `name` is an instance of.
    fn find<'a>(&self, table: &'a [ParamSpec], name: &str) -> Option<&'a ParamSpec> {
        if self.scan {
            return table.iter().find(|p| p.matches(name));
        }
        let first = name.as_bytes().first().copied().unwrap_or(0);
        let mut candidates = self.any | self.by_byte.get(usize::from(first)).copied().unwrap_or(0);
        while candidates != 0 {
            let spec = &table[candidates.trailing_zeros() as usize];
            if spec.matches(name) {
                return Some(spec);
            }
            candidates &= candidates - 1;
        }
        None
    }
}

/// Checks one value against one parameter's kind and rules, as a newtype constructor does.
pub fn check_value(spec: &ParamSpec, wire_name: &str, value: &str) -> Result<(), Violations> {
    let mut found = Vec::new();
    check_one(spec, wire_name, value, &mut found);
    Violations(found).into_result()
}

/// Checks a list's item count: positions of `X.{n}` (or of `X.{n}.Field`: elements), or the
/// items of a packed value. A packed list inside JSON is counted where it is read.
fn check_count(spec: &ParamSpec, params: &Params, found: &mut Vec<Violation>) {
    let bounds_rule = spec.rules.iter().find_map(|r| match r {
        Rule::Items { min, max } => Some((*min, *max)),
        _ => None,
    });
    let list_required = spec.rules.contains(&Rule::ListRequired);
    if bounds_rule.is_none() && !list_required {
        return;
    }
    let (name, count) = match spec.packing {
        Packing::Single | Packing::FlatMap => match spec.wire.split_once("{n}") {
            Some((head, _)) => (
                head.strip_suffix('.').unwrap_or(head),
                positions(params, head).len(),
            ),
            None => (spec.wire, usize::from(present(params, spec.wire).is_some())),
        },
        Packing::Comma | Packing::Separated(_) => (
            spec.wire,
            present(params, spec.wire).map_or(0, |v| {
                v.split(spec.packing.separator().unwrap_or(",")).count()
            }),
        ),
        Packing::JsonArray => (
            spec.wire,
            present(params, spec.wire)
                .and_then(|v| serde_json::from_str::<Vec<serde::de::IgnoredAny>>(v).ok())
                .map_or(0, |items| items.len()),
        ),
    };
    if list_required && count == 0 {
        found.push(Violation::new(name, "required", "is required", None));
        return;
    }
    if let Some((min, max)) = bounds_rule {
        count_violation(name, count, min, max, spec.required, found);
    }
}

/// An item count out of `min..=max`; an empty list passes unless it is required (an optional list
/// may be left out).
pub(crate) fn count_violation(
    name: &str,
    count: usize,
    min: Option<u32>,
    max: Option<u32>,
    required: bool,
    found: &mut Vec<Violation>,
) {
    let ok = min.is_none_or(|m| count >= m as usize) && max.is_none_or(|m| count <= m as usize);
    if !ok && (count > 0 || required) {
        found.push(Violation::new(
            name,
            "items",
            format!("must hold {} items, holds {count}", bounds(min, max)),
            None,
        ));
    }
}

fn check_cross(
    rule: &CrossRule,
    params: &Params,
    params_spec: &[ParamSpec],
    found: &mut Vec<Violation>,
) {
    match *rule {
        CrossRule::RequiredWhen { param, when } => {
            if when.holds(params) && present(params, param).is_none() {
                let because = when.describe();
                found.push(Violation::new(
                    param,
                    "required_when",
                    format!("is required when {because}"),
                    None,
                ));
                found.push(Violation::new(
                    when.param,
                    "required_when",
                    format!("{because}, which requires {param}"),
                    None,
                ));
            }
        }
        CrossRule::AtLeastOne(conditions) => {
            if !conditions.iter().any(|c| c.holds(params)) {
                let options: Vec<String> = conditions.iter().map(Condition::describe).collect();
                let message = format!("at least one of these is needed: {}", options.join(", or "));
                for c in conditions {
                    found.push(Violation::new(
                        c.param,
                        "at_least_one",
                        message.clone(),
                        None,
                    ));
                }
            }
        }
        CrossRule::ForbiddenWhen { param, when } => {
            if when.holds(params) && present(params, param).is_some() {
                let because = when.describe();
                found.push(Violation::new(
                    param,
                    "forbidden_when",
                    format!("must be empty when {because}"),
                    None,
                ));
                found.push(Violation::new(
                    when.param,
                    "forbidden_when",
                    format!("{because}, which forbids {param}"),
                    None,
                ));
            }
        }
        CrossRule::ValueWhen { param, when, rules } => {
            let (Some(value), true) = (present(params, param), when.holds(params)) else {
                return;
            };
            // The value is read as its own entry reads it; a value that does not read at all
            // is reported by that entry already.
            let Some(own) = params_spec.iter().find(|p| p.wire == param) else {
                return;
            };
            let limited = ParamSpec { rules, ..*own };
            let mut broken = Vec::new();
            check_one(&limited, param, value, &mut broken);
            broken.retain(|v| v.rule != "type" && v.rule != "enum");
            if broken.is_empty() {
                return;
            }
            let because = when.describe();
            for v in broken {
                found.push(Violation {
                    rule: "value_when",
                    message: format!("{} when {because}", v.message),
                    ..v
                });
            }
            found.push(Violation::new(
                when.param,
                "value_when",
                format!("{because}, which limits {param}"),
                None,
            ));
        }
    }
}

fn check_one(spec: &ParamSpec, key: &str, value: &str, found: &mut Vec<Violation>) {
    if matches!(spec.kind, Kind::Object(_) | Kind::Map(_))
        || (spec.packing == Packing::JsonArray && spec.kind == Kind::Json)
    {
        return crate::nested::check_json_text(spec, key, value, found);
    }
    match spec.packing {
        Packing::Single | Packing::FlatMap => check_item(spec, key, value, found),
        Packing::Comma | Packing::Separated(_) => value
            .split(spec.packing.separator().unwrap_or(","))
            .for_each(|item| check_item(spec, key, item, found)),
        Packing::JsonArray => match crate::wire::json_items(value) {
            Some(items) => items
                .iter()
                .for_each(|item| check_item(spec, key, item, found)),
            None => found.push(Violation::new(
                key,
                "type",
                "must be a JSON array of values",
                (!spec.secret).then_some(value),
            )),
        },
    }
}

pub(crate) fn check_item(spec: &ParamSpec, key: &str, value: &str, found: &mut Vec<Violation>) {
    if matches!(spec.kind, Kind::Object(_) | Kind::Map(_)) {
        return crate::nested::check_json_text(spec, key, value, found);
    }
    let shown = (!spec.secret).then_some(value);
    let mut fail = |rule: &'static str, message: String| {
        found.push(Violation::new(key, rule, message, shown));
    };
    let mut number = None;
    match spec.kind {
        Kind::String => {}
        Kind::Integer => match value.parse::<i64>() {
            Ok(n) => number = Some(Number::Int(n)),
            Err(_) => return fail("type", "must be an integer".into()),
        },
        Kind::Number => match value.parse::<f64>() {
            Ok(n) if n.is_finite() => number = Some(Number::Float(n)),
            _ => return fail("type", "must be a number".into()),
        },
        Kind::Boolean {
            true_literal,
            false_literal,
        } => {
            if value != true_literal && value != false_literal {
                return fail("type", format!("must be {true_literal} or {false_literal}"));
            }
        }
        Kind::Enum(values) => {
            if !values.contains(&value) {
                return fail("enum", format!("must be one of {}", values.join(", ")));
            }
        }
        Kind::Json => {
            if serde_json::from_str::<serde::de::IgnoredAny>(value).is_err() {
                return fail("type", "must be JSON text".into());
            }
        }
        // Read as JSON above.
        Kind::Object(_) | Kind::Map(_) => {}
    }
    for rule in spec.rules {
        if let Some(message) = broken(rule, value, number) {
            fail(rule_name(rule), message);
        }
    }
}

fn rule_name(rule: &Rule) -> &'static str {
    match rule {
        Rule::Length { .. } => "length",
        Rule::Range { .. } => "range",
        Rule::OneOf(_) => "one_of",
        Rule::MultipleOf(_) => "multiple_of",
        Rule::Charset(_) => "charset",
        Rule::MinClasses { .. } => "min_classes",
        Rule::FirstChar(_) => "first_char",
        Rule::ForbiddenPrefixes(_) => "forbidden_prefix",
        Rule::ForbiddenSubstrings(_) => "forbidden_substring",
        Rule::Items { .. } => "items",
        Rule::NoLeadingOrTrailing(_) => "no_leading_or_trailing",
        Rule::NoConsecutive(_) => "no_consecutive",
        Rule::NotAllDigits => "not_all_digits",
        Rule::IpAddress => "ip_address",
        Rule::Base64 { .. } => "base64",
        Rule::ListRequired => "required",
        Rule::Pattern(_) => "pattern",
    }
}

fn bounds<T: std::fmt::Display>(min: Option<T>, max: Option<T>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("from {a} to {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any".into(),
    }
}

/// A numeric value: integers are compared exactly (an `f64` cannot hold every `i64`).
#[derive(Debug, Clone, Copy)]
enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    fn at_least(self, bound: i64) -> bool {
        match self {
            Number::Int(n) => n >= bound,
            Number::Float(x) => x >= bound as f64,
        }
    }

    fn at_most(self, bound: i64) -> bool {
        match self {
            Number::Int(n) => n <= bound,
            Number::Float(x) => x <= bound as f64,
        }
    }

    /// Whether it is a multiple of `m`; never for `m == 0`. Works on magnitudes, so that
    /// `i64::MIN` and `-1` cannot overflow.
    fn is_multiple_of(self, m: i64) -> bool {
        match self {
            _ if m == 0 => false,
            Number::Int(n) => n.unsigned_abs() % m.unsigned_abs() == 0,
            Number::Float(x) => x.fract() == 0.0 && x % (m as f64) == 0.0,
        }
    }
}

/// `Some(what the rule asks)` when `value` breaks `rule`.
fn broken(rule: &Rule, value: &str, number: Option<Number>) -> Option<String> {
    match *rule {
        Rule::Length { min, max, unit } => {
            let (len, what) = match unit {
                LengthUnit::Chars => (value.chars().count() as u64, "characters"),
                LengthUnit::Bytes => (value.len() as u64, "bytes"),
            };
            let ok = min.is_none_or(|m| len >= m) && max.is_none_or(|m| len <= m);
            (!ok).then(|| format!("must be {} {what} long", bounds(min, max)))
        }
        Rule::Range { min, max } => {
            let n = number?;
            let ok = min.is_none_or(|m| n.at_least(m)) && max.is_none_or(|m| n.at_most(m));
            (!ok).then(|| format!("must be {}", bounds(min, max)))
        }
        Rule::OneOf(ranges) => {
            let n = number?;
            let ok = ranges.iter().any(|&(a, b)| n.at_least(a) && n.at_most(b));
            (!ok).then(|| {
                let allowed: Vec<String> = ranges
                    .iter()
                    .map(|&(a, b)| {
                        if a == b {
                            a.to_string()
                        } else {
                            format!("{a} to {b}")
                        }
                    })
                    .collect();
                format!("must be one of {}", allowed.join(", "))
            })
        }
        Rule::MultipleOf(m) => {
            let ok = number?.is_multiple_of(m);
            (!ok).then(|| format!("must be a multiple of {m}"))
        }
        Rule::Charset(classes) => {
            let set = ClassSet::new(classes);
            let ok = value.chars().all(|c| set.contains(c));
            (!ok).then(|| format!("may contain only {}", describe_classes(classes)))
        }
        Rule::MinClasses { classes, at_least } => {
            let used = classes
                .iter()
                .filter(|k| {
                    let set = ClassSet::new(std::slice::from_ref(k));
                    value.chars().any(|c| set.contains(c))
                })
                .count();
            (used < at_least as usize).then(|| {
                format!(
                    "must contain at least {at_least} of: {}",
                    describe_classes(classes)
                )
            })
        }
        Rule::FirstChar(classes) => {
            let ok = value
                .chars()
                .next()
                .is_some_and(|c| classes.iter().any(|k| k.contains(c)));
            (!ok).then(|| format!("must start with {}", describe_classes(classes)))
        }
        Rule::ForbiddenPrefixes(prefixes) => prefixes
            .iter()
            .find(|p| value.starts_with(**p))
            .map(|p| format!("must not start with {p}")),
        Rule::ForbiddenSubstrings(parts) => parts
            .iter()
            .find(|p| value.contains(**p))
            .map(|p| format!("must not contain {p}")),
        // Counted over the whole list by `check_count`.
        Rule::Items { .. } | Rule::ListRequired => None,
        Rule::Pattern(pattern) => (!crate::pattern::matches(pattern, value))
            .then(|| format!("must match the pattern {pattern}")),
        Rule::NoLeadingOrTrailing(chars) => {
            let edge = |c: Option<char>| c.is_some_and(|c| chars.contains(c));
            (edge(value.chars().next()) || edge(value.chars().last()))
                .then(|| format!("must not start or end with any of {chars}"))
        }
        Rule::NoConsecutive(chars) => {
            // Any two of the set in a row: `..`, `--`, and also `.-` (a DNS label cannot
            // start or end with a hyphen).
            let mut prev = None;
            let twice = value.chars().any(|c| {
                let hit = prev.is_some_and(|p| chars.contains(p)) && chars.contains(c);
                prev = Some(c);
                hit
            });
            twice.then(|| format!("must not have two of {chars} in a row"))
        }
        Rule::IpAddress => value
            .parse::<std::net::IpAddr>()
            .is_err()
            .then(|| "must be an IP address".into()),
        Rule::NotAllDigits => (!value.is_empty() && value.chars().all(|c| c.is_ascii_digit()))
            .then(|| "must not be made of digits only".into()),
        Rule::Base64 { decoded_prefix } => {
            match base64::engine::general_purpose::STANDARD.decode(value) {
                Err(_) => Some("must be base64 (standard alphabet, padded)".into()),
                Ok(bytes) => decoded_prefix
                    .filter(|p| !bytes.starts_with(p.as_bytes()))
                    .map(|p| format!("must decode to data starting with {p}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERIOD: ParamSpec = ParamSpec {
        wire: "Period",
        kind: Kind::Integer,
        required: true,
        secret: false,
        packing: Packing::Single,
        rules: &[Rule::OneOf(&[(1, 9), (12, 12)])],
        location: Location::Query,
    };
    const DISK: ParamSpec = ParamSpec {
        wire: "DataDisk.{n}.Size",
        kind: Kind::Integer,
        required: false,
        secret: false,
        packing: Packing::Single,
        rules: &[
            Rule::Range {
                min: Some(20),
                max: None,
            },
            Rule::MultipleOf(10),
        ],
        location: Location::Query,
    };
    const SECRET: ParamSpec = ParamSpec {
        wire: "Password",
        kind: Kind::String,
        required: false,
        secret: true,
        packing: Packing::Single,
        rules: &[Rule::Length {
            min: Some(8),
            max: Some(30),
            unit: LengthUnit::Chars,
        }],
        location: Location::Body,
    };

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn positions_match_only_numbers_from_one() {
        assert!(matches_wire("DataDisk.{n}.Size", "DataDisk.1.Size"));
        assert!(matches_wire("DataDisk.{n}.Size", "DataDisk.12.Size"));
        assert!(!matches_wire("DataDisk.{n}.Size", "DataDisk.0.Size"));
        assert!(!matches_wire("DataDisk.{n}.Size", "DataDisk.01.Size"));
        assert!(!matches_wire("DataDisk.{n}.Size", "DataDisk.x.Size"));
        assert!(!matches_wire("DataDisk.{n}.Size", "DataDisk.1.Sizes"));
        assert!(matches_wire("Tag.{n}.Key", "Tag.3.Key"));
    }

    #[test]
    fn reports_every_fault_at_once() {
        let err = check(
            &[PERIOD, DISK, SECRET],
            &[],
            &params(&[("Period", "13"), ("DataDisk.1.Size", "15"), ("Bogus", "x")]),
        )
        .unwrap_err();
        let rules: Vec<_> = err.iter().map(|v| (v.parameter.as_str(), v.rule)).collect();
        assert_eq!(
            rules,
            [
                ("Bogus", "unknown"),
                ("DataDisk.1.Size", "range"),
                ("DataDisk.1.Size", "multiple_of"),
                ("Period", "one_of"),
            ]
        );
    }

    #[test]
    fn empty_values_count_as_absent() {
        let err = check(
            &[PERIOD, SECRET],
            &[],
            &params(&[("Period", ""), ("Password", "")]),
        )
        .unwrap_err();
        let found: Vec<_> = err.iter().map(|v| (v.parameter.as_str(), v.rule)).collect();
        assert_eq!(found, [("Period", "required")]);
    }

    #[test]
    fn missing_required_and_secret_values_hidden() {
        let err = check(&[PERIOD, SECRET], &[], &params(&[("Password", "short")])).unwrap_err();
        assert_eq!(err.parameters(), ["Password", "Period"]);
        assert!(err.iter().all(|v| v.value.is_none()));
        assert!(!err.to_string().contains("short"));
    }

    #[test]
    fn cross_rules_name_both_sides() {
        let cross = [CrossRule::ForbiddenWhen {
            param: "Password",
            when: Condition {
                param: "PasswordInherit",
                any_of: &["true"],
            },
        }];
        let inherit = ParamSpec::new(
            "PasswordInherit",
            Kind::Boolean {
                true_literal: "true",
                false_literal: "false",
            },
        );
        let table = [PERIOD, SECRET, inherit];
        let p = params(&[
            ("Period", "1"),
            ("Password", "Abcdefg1"),
            ("PasswordInherit", "true"),
        ]);
        let err = check(&table, &cross, &p).unwrap_err();
        assert_eq!(err.parameters(), ["Password", "PasswordInherit"]);
        let p = params(&[
            ("Period", "1"),
            ("Password", "Abcdefg1"),
            ("PasswordInherit", "false"),
        ]);
        assert!(check(&table, &cross, &p).is_ok());
    }

    #[test]
    fn packed_lists_check_each_item() {
        let ids = ParamSpec::new("InstanceIds", Kind::String)
            .packed(Packing::JsonArray)
            .rules(&[Rule::FirstChar(&[CharClass::Lower])]);
        let ports = ParamSpec::new("Ports", Kind::Integer).packed(Packing::Comma);
        let ok = params(&[("InstanceIds", r#"["i-1","i-2"]"#), ("Ports", "80,443")]);
        assert!(check(&[ids, ports], &[], &ok).is_ok());
        let bad = params(&[("InstanceIds", r#"["i-1","X-2"]"#), ("Ports", "80,x")]);
        let err = check(&[ids, ports], &[], &bad).unwrap_err();
        assert_eq!(err.parameters(), ["InstanceIds", "Ports"]);
        let not_json = params(&[("InstanceIds", "i-1,i-2")]);
        assert_eq!(check(&[ids], &[], &not_json).unwrap_err().0[0].rule, "type");
    }

    #[test]
    fn at_least_one_and_item_counts() {
        let key = ParamSpec::new("KeyPairName", Kind::String);
        let password = ParamSpec::new("Password", Kind::String).secret();
        let ids = ParamSpec::new("InstanceIds", Kind::String)
            .packed(Packing::JsonArray)
            .rules(&[Rule::Items {
                min: None,
                max: Some(2),
            }]);
        let tags = ParamSpec::new("Tag.{n}", Kind::String).rules(&[Rule::Items {
            min: Some(1),
            max: Some(2),
        }]);
        let table = [key, password, ids, tags];
        let cross = [CrossRule::AtLeastOne(&[
            Condition {
                param: "Password",
                any_of: &[],
            },
            Condition {
                param: "KeyPairName",
                any_of: &[],
            },
        ])];
        let err = check(&table, &cross, &params(&[])).unwrap_err();
        assert_eq!(err.parameters(), ["Password", "KeyPairName"]);
        assert!(check(&table, &cross, &params(&[("KeyPairName", "k")])).is_ok());
        let p = params(&[
            ("KeyPairName", "k"),
            ("InstanceIds", r#"["a","b","c"]"#),
            ("Tag.1", "x"),
            ("Tag.2", "y"),
            ("Tag.3", "z"),
        ]);
        let err = check(&table, &cross, &p).unwrap_err();
        assert_eq!(err.parameters(), ["InstanceIds", "Tag"]);
        assert!(err.iter().all(|v| v.rule == "items"), "{err}");
    }

    #[test]
    fn value_when_limits_a_value_under_a_condition() {
        let period =
            ParamSpec::new("Period", Kind::Integer).rules(&[Rule::OneOf(&[(1, 9), (12, 12)])]);
        let unit = ParamSpec::new("PeriodUnit", Kind::Enum(&["Month", "Day"]));
        let table = [period, unit];
        let cross = [CrossRule::ValueWhen {
            param: "Period",
            when: Condition {
                param: "PeriodUnit",
                any_of: &["Day"],
            },
            rules: &[Rule::OneOf(&[(3, 3)])],
        }];
        let run = |pairs: &[(&str, &str)]| check(&table, &cross, &params(pairs));
        assert!(run(&[("Period", "3"), ("PeriodUnit", "Day")]).is_ok());
        assert!(run(&[("Period", "5"), ("PeriodUnit", "Month")]).is_ok());
        assert!(
            run(&[("PeriodUnit", "Day")]).is_ok(),
            "only a given value is limited"
        );
        let err = run(&[("Period", "5"), ("PeriodUnit", "Day")]).unwrap_err();
        assert_eq!(err.parameters(), ["Period", "PeriodUnit"]);
        assert!(err.iter().all(|v| v.rule == "value_when"), "{err}");
        assert!(
            err.to_string()
                .contains("must be one of 3 when PeriodUnit is Day"),
            "{err}"
        );
        // A value that does not read is reported once, by its own entry.
        let err = run(&[("Period", "x"), ("PeriodUnit", "Day")]).unwrap_err();
        assert_eq!(err.parameters(), ["Period"]);
    }

    #[test]
    fn other_separators_and_flat_maps() {
        let ids = ParamSpec::new("InstanceIds", Kind::String)
            .packed(Packing::Separated(";"))
            .rules(&[
                Rule::Items {
                    min: None,
                    max: Some(2),
                },
                Rule::FirstChar(&[CharClass::Lower]),
            ]);
        let labels = ParamSpec::new("Labels", Kind::Integer).packed(Packing::FlatMap);
        let table = [ids, labels];
        let ok = params(&[
            ("InstanceIds", "i-1;i-2"),
            ("Labels.a", "1"),
            ("Labels.b.c", "2"),
        ]);
        assert!(check(&table, &[], &ok).is_ok());
        let bad = params(&[
            ("InstanceIds", "i-1;I-2;i-3"),
            ("Labels", "1"),
            ("Labels.", "1"),
            ("Labels.x", "y"),
        ]);
        let err = check(&table, &[], &bad).unwrap_err();
        let found: Vec<_> = err.iter().map(|v| (v.parameter.as_str(), v.rule)).collect();
        assert_eq!(
            found,
            [
                ("InstanceIds", "first_char"),
                ("Labels", "unknown"),
                ("Labels.", "unknown"),
                ("Labels.x", "type"),
                ("InstanceIds", "items"),
            ]
        );
        let required = [labels.required()];
        assert_eq!(
            check(&required, &[], &params(&[]))
                .unwrap_err()
                .parameters(),
            ["Labels"]
        );
    }

    #[test]
    fn fields_of_list_elements_are_required_in_each_element() {
        let key = ParamSpec::new("Tag.{n}.Key", Kind::String)
            .required()
            .rules(&[
                Rule::ListRequired,
                Rule::Items {
                    min: None,
                    max: Some(2),
                },
            ]);
        let value = ParamSpec::new("Tag.{n}.Value", Kind::String);
        let table = [key, value];
        let faults = |pairs: &[(&str, &str)]| match check(&table, &[], &params(pairs)) {
            Ok(()) => Vec::new(),
            Err(v) => v.0.into_iter().map(|v| (v.parameter, v.rule)).collect(),
        };
        assert_eq!(faults(&[("Tag.1.Key", "a"), ("Tag.2.Key", "b")]), []);
        assert_eq!(
            faults(&[("Tag.1.Key", "a"), ("Tag.2.Value", "b")]),
            [("Tag.2.Key".to_owned(), "required")]
        );
        assert_eq!(faults(&[]), [("Tag".to_owned(), "required")]);
        assert_eq!(
            faults(&[("Tag.1.Key", "a"), ("Tag.2.Key", "b"), ("Tag.3.Value", "c")]),
            [
                ("Tag.3.Key".to_owned(), "required"),
                ("Tag".to_owned(), "items")
            ]
        );
    }

    /// Public knobs never panic: `i64::MIN % -1` overflows, so multiples work on magnitudes.
    #[test]
    fn numeric_rules_take_extreme_values() {
        let spec = |rules: &'static [Rule]| ParamSpec::new("N", Kind::Integer).rules(rules);
        let min = i64::MIN.to_string();
        let max = i64::MAX.to_string();
        assert!(check_value(&spec(&[Rule::MultipleOf(-1)]), "N", &min).is_ok());
        assert!(check_value(&spec(&[Rule::MultipleOf(i64::MIN)]), "N", &min).is_ok());
        assert!(check_value(&spec(&[Rule::MultipleOf(i64::MIN)]), "N", "-1").is_err());
        assert!(check_value(&spec(&[Rule::MultipleOf(0)]), "N", "0").is_err());
        assert!(check_value(&spec(&[Rule::MultipleOf(3)]), "N", "-9").is_ok());
        // Exact at the edges, where an f64 would round i64::MAX up to 2^63.
        let below_max = spec(&[Rule::Range {
            min: None,
            max: Some(i64::MAX - 1),
        }]);
        assert!(check_value(&below_max, "N", &max).is_err());
        assert!(check_value(&below_max, "N", &(i64::MAX - 1).to_string()).is_ok());
        let float = ParamSpec::new("F", Kind::Number).rules(&[Rule::MultipleOf(-1)]);
        assert!(check_value(&float, "F", "-9223372036854775808").is_ok());
        assert!(check_value(&float, "F", "1.5").is_err());
        assert!(check_value(&float, "F", "1e999").is_err());
    }

    #[test]
    fn required_entries_count_every_entry_a_name_matches() {
        // "Tag.1" is an instance of both entries; each is satisfied by it.
        let table = [
            ParamSpec::new("Tag.{n}", Kind::String).required(),
            ParamSpec::new("Tag.1", Kind::String).required(),
        ];
        assert!(check(&table, &[], &params(&[("Tag.1", "x")])).is_ok());
        // An empty value: no value for the plain entry, but the list has an element.
        let err = check(&table, &[], &params(&[("Tag.1", "")])).unwrap_err();
        assert_eq!(err.parameters(), ["Tag.1"]);
        let err = check(&table, &[], &params(&[])).unwrap_err();
        assert_eq!(err.parameters(), ["Tag.{n}", "Tag.1"]);
    }

    #[test]
    fn first_byte_index_finds_what_a_scan_finds() {
        let table = [
            ParamSpec::new("Tag.{n}.Key", Kind::String),
            ParamSpec::new("{n}", Kind::String),
            ParamSpec::new("Tag.{n}", Kind::String),
            ParamSpec::new("", Kind::String),
            ParamSpec::new("é", Kind::String),
            ParamSpec::new("Period", Kind::Integer),
            ParamSpec::new("Tag.1", Kind::String),
        ];
        let big: Vec<ParamSpec> = (0..70)
            .map(|i| ParamSpec::new(if i % 2 == 0 { "A" } else { "Tag.{n}" }, Kind::String))
            .collect();
        for t in [&table[..], &big[..], &[]] {
            let index = FirstByteIndex::new(t);
            for name in [
                "Tag.1",
                "Tag.1.Key",
                "1",
                "",
                "é",
                "Period",
                "P",
                "A",
                "Tag.01",
                "\u{7f}",
            ] {
                let want = t.iter().position(|p| p.matches(name));
                let got = index
                    .find(t, name)
                    .map(|p| t.iter().position(|q| std::ptr::eq(p, q)).expect("an entry"));
                assert_eq!(got, want, "{name:?}");
            }
        }
    }

    #[test]
    fn class_sets_agree_with_their_classes() {
        let classes = [
            CharClass::Upper,
            CharClass::Lower,
            CharClass::Letter,
            CharClass::Digit,
            CharClass::Chars("()`~!@#$%^&*-_+=|{}[]:;'<>,.?/é"),
            CharClass::Chars(""),
        ];
        let samples = (0..=0x2ffu32)
            .chain([0x4e2d, 0x1f600, 0x10ffff])
            .filter_map(char::from_u32);
        for c in samples {
            for k in classes {
                assert_eq!(
                    ClassSet::new(&[k]).contains(c),
                    k.contains(c),
                    "{k:?} {c:?}"
                );
            }
            let all = ClassSet::new(&classes);
            assert_eq!(
                all.contains(c),
                classes.iter().any(|k| k.contains(c)),
                "{c:?}"
            );
        }
    }

    #[test]
    fn text_rules() {
        let b = |rule: Rule, v: &str| broken(&rule, v, None).is_some();
        assert!(b(Rule::NoConsecutive(".-"), "a..b"));
        assert!(b(Rule::NoConsecutive(".-"), "a.-b"));
        assert!(b(Rule::NoConsecutive(".-"), "a-.b"));
        assert!(!b(Rule::NoConsecutive(".-"), "a.b-c.d"));
        assert!(b(Rule::IpAddress, "10.0.0.999"));
        assert!(!b(Rule::IpAddress, "10.0.0.9"));
        assert!(!b(Rule::IpAddress, "fd00::1"));
        assert!(b(Rule::NoLeadingOrTrailing(".-"), "ab-"));
        assert!(b(Rule::ForbiddenPrefixes(&["http://"]), "http://x"));
        assert!(b(Rule::ForbiddenSubstrings(&["https://"]), "a https://x"));
        assert!(!b(Rule::ForbiddenSubstrings(&["https://"]), "a http:x"));
        assert!(b(Rule::FirstChar(&[CharClass::Letter]), "9x"));
        assert!(!b(Rule::FirstChar(&[CharClass::Letter]), "名字"));
        assert!(b(Rule::NotAllDigits, "123"));
        let classes = &[CharClass::Upper, CharClass::Lower, CharClass::Digit];
        assert!(b(
            Rule::MinClasses {
                classes,
                at_least: 3
            },
            "abc123"
        ));
        assert!(!b(
            Rule::MinClasses {
                classes,
                at_least: 3
            },
            "Abc123"
        ));
        assert!(b(
            Rule::Base64 {
                decoded_prefix: Some("#!")
            },
            "dXB0aW1lCg=="
        ));
        assert!(!b(
            Rule::Base64 {
                decoded_prefix: Some("#!")
            },
            "IyEvYmluL3NoCg=="
        ));
        assert!(b(
            Rule::Base64 {
                decoded_prefix: None
            },
            "not base64!"
        ));
    }
}
