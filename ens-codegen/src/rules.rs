//! The rule tables: one `rt::ParamSpec` per parameter (kind, required, secret, rules) and the
//! cross rules, as data the checker in `ens-core` interprets.

use crate::error::{Ctx, SpecError};
use crate::spec::{
    CharClass, Condition, Constraint, CrossRule, LengthUnit, Location, OperationSpec, ParamType,
    Parameter,
};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

pub(crate) fn literals(p: &Parameter) -> (String, String) {
    match &p.literals {
        Some([t, f]) => (t.clone(), f.clone()),
        None => ("true".into(), "false".into()),
    }
}

/// Rejects keys that do not belong to the parameter's type ([`crate::spec::PARAM_TYPE_KEYS`]).
pub(crate) fn check_param_keys(ctx: Ctx<'_>, path: &str, p: &Parameter) -> Result<(), SpecError> {
    let Some(t) = p.kind else {
        return Err(ctx.err(path, "a parameter needs a `type` (or a `shape`)"));
    };
    for (key, types) in crate::spec::PARAM_TYPE_KEYS {
        let given = match *key {
            "newtype" => p.newtype.is_some(),
            "secret" => p.secret,
            "constraints" => !p.constraints.is_empty(),
            "literals" => p.literals.is_some(),
            "enumName" => p.enum_name.is_some(),
            "values" => !p.values.is_empty(),
            "style" => p.style.is_some(),
            "separator" => p.separator.is_some(),
            "sendEmpty" => p.send_empty,
            "items" => p.items.is_some(),
            "valuesOf" => p.values_of.is_some(),
            "minItems" => p.min_items.is_some(),
            "maxItems" => p.max_items.is_some(),
            "structName" => p.struct_name.is_some(),
            "fields" => !p.fields.is_empty(),
            _ => false,
        };
        if given && !types.contains(&t) {
            let belongs: Vec<String> = types.iter().map(|t| format!("{t:?}")).collect();
            return Err(ctx.err(
                format!("{path}/{key}"),
                format!(
                    "`{key}` belongs to `type: {}`, not to this `{t:?}` parameter",
                    belongs.join(" or ")
                )
                .to_lowercase(),
            ));
        }
    }
    check_constraint_kinds(ctx, path, t, &p.constraints)?;
    if let Some([t, f]) = &p.literals
        && (t == f || t.is_empty() || f.is_empty())
    {
        return Err(ctx.err(
            format!("{path}/literals"),
            "true and false need two different, non-empty spellings",
        ));
    }
    Ok(())
}

/// Numeric rules go on numbers, text rules on text.
fn check_constraint_kinds(
    ctx: Ctx<'_>,
    path: &str,
    t: ParamType,
    constraints: &[Constraint],
) -> Result<(), SpecError> {
    for (i, c) in constraints.iter().enumerate() {
        let numeric = matches!(
            c,
            Constraint::Range { .. } | Constraint::OneOf(_) | Constraint::MultipleOf(_)
        );
        let is_number = matches!(t, ParamType::Integer | ParamType::Number);
        if numeric != is_number {
            let kind = if numeric {
                "a numeric rule on text"
            } else {
                "a text rule on a number"
            };
            return Err(ctx.err(
                format!("{path}/constraints/{i}"),
                format!("{kind}: it can never apply"),
            ));
        }
    }
    Ok(())
}

/// One entry of the rule table.
pub(crate) fn param_spec(
    ctx: Ctx<'_>,
    path: &str,
    p: &Parameter,
    wire: &str,
    packing: Option<TokenStream>,
) -> Result<TokenStream, SpecError> {
    param_spec_with(ctx, path, p, wire, packing, Vec::new())
}

/// [`param_spec`] with rules that do not come from the parameter's own constraints (a list's
/// item count).
pub(crate) fn param_spec_with(
    ctx: Ctx<'_>,
    path: &str,
    p: &Parameter,
    wire: &str,
    packing: Option<TokenStream>,
    extra_rules: Vec<TokenStream>,
) -> Result<TokenStream, SpecError> {
    let kind = match p.kind.unwrap_or(ParamType::Json) {
        ParamType::String => quote!(rt::Kind::String),
        ParamType::Integer => quote!(rt::Kind::Integer),
        ParamType::Number => quote!(rt::Kind::Number),
        ParamType::Json => quote!(rt::Kind::Json),
        ParamType::Boolean => {
            let (t, f) = literals(p);
            quote!(rt::Kind::Boolean { true_literal: #t, false_literal: #f })
        }
        ParamType::Enum => {
            let values = p.values.iter().map(|v| v.value.as_str());
            quote!(rt::Kind::Enum(&[#(#values),*]))
        }
        ParamType::List | ParamType::Object | ParamType::Map => {
            return Err(ctx.err(format!("{path}/type"), "not a single value"));
        }
    };
    let mut rules = Vec::new();
    for (i, c) in p.constraints.iter().enumerate() {
        rules.push(rule(ctx, &format!("{path}/constraints/{i}"), c)?);
    }
    let mut spec = quote!(rt::ParamSpec::new(#wire, #kind));
    if p.required {
        spec = quote!(#spec.required());
    }
    if p.secret {
        spec = quote!(#spec.secret());
    }
    if p.location == Some(Location::Body) {
        spec = quote!(#spec.in_body());
    }
    if let Some(packing) = packing {
        spec = quote!(#spec.packed(#packing));
    }
    rules.extend(extra_rules);
    if !rules.is_empty() {
        spec = quote!(#spec.rules(&[#(#rules),*]));
    }
    Ok(spec)
}

fn opt<T: quote::ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn classes(ctx: Ctx<'_>, path: &str, cs: &[CharClass]) -> Result<TokenStream, SpecError> {
    if cs.is_empty() {
        return Err(ctx.err(path, "name at least one character class"));
    }
    let items = cs.iter().map(|c| match c {
        CharClass::Upper => quote!(rt::CharClass::Upper),
        CharClass::Lower => quote!(rt::CharClass::Lower),
        CharClass::Letter => quote!(rt::CharClass::Letter),
        CharClass::Digit => quote!(rt::CharClass::Digit),
        CharClass::Chars(s) => quote!(rt::CharClass::Chars(#s)),
    });
    Ok(quote!(&[#(#items),*]))
}

pub(crate) fn rule(ctx: Ctx<'_>, path: &str, c: &Constraint) -> Result<TokenStream, SpecError> {
    Ok(match c {
        Constraint::Length { min, max, unit } => {
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return Err(ctx.err(path, format!("length min {a} is above max {b}")));
            }
            let unit = match unit {
                LengthUnit::Chars => quote!(rt::LengthUnit::Chars),
                LengthUnit::Bytes => quote!(rt::LengthUnit::Bytes),
            };
            let (min, max) = (
                opt(min.map(Literal::u64_unsuffixed)),
                opt(max.map(Literal::u64_unsuffixed)),
            );
            quote!(rt::Rule::Length { min: #min, max: #max, unit: #unit })
        }
        Constraint::Range { min, max } => {
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                return Err(ctx.err(path, format!("range min {a} is above max {b}")));
            }
            let (min, max) = (
                opt(min.map(Literal::i64_unsuffixed)),
                opt(max.map(Literal::i64_unsuffixed)),
            );
            quote!(rt::Rule::Range { min: #min, max: #max })
        }
        Constraint::OneOf(ranges) => {
            if ranges.is_empty() || ranges.iter().any(|[a, b]| a > b) {
                return Err(ctx.err(path, "oneOf needs ranges `[min, max]` with min <= max"));
            }
            let pairs = ranges.iter().map(|[a, b]| {
                let (a, b) = (Literal::i64_unsuffixed(*a), Literal::i64_unsuffixed(*b));
                quote!((#a, #b))
            });
            quote!(rt::Rule::OneOf(&[#(#pairs),*]))
        }
        Constraint::MultipleOf(m) => {
            if *m <= 0 {
                return Err(ctx.err(path, "multipleOf must be positive"));
            }
            let m = Literal::i64_unsuffixed(*m);
            quote!(rt::Rule::MultipleOf(#m))
        }
        Constraint::Charset(cs) => {
            let cs = classes(ctx, path, cs)?;
            quote!(rt::Rule::Charset(#cs))
        }
        Constraint::MinClasses {
            at_least,
            classes: cs,
        } => {
            if *at_least as usize > cs.len() || *at_least == 0 {
                return Err(ctx.err(
                    path,
                    format!("atLeast {at_least} of {} classes can never hold", cs.len()),
                ));
            }
            let cs = classes(ctx, path, cs)?;
            let n = Literal::u8_unsuffixed(*at_least);
            quote!(rt::Rule::MinClasses { classes: #cs, at_least: #n })
        }
        Constraint::FirstChar(cs) => {
            let cs = classes(ctx, path, cs)?;
            quote!(rt::Rule::FirstChar(#cs))
        }
        Constraint::ForbiddenPrefixes(ps) => quote!(rt::Rule::ForbiddenPrefixes(&[#(#ps),*])),
        Constraint::ForbiddenSubstrings(ps) => quote!(rt::Rule::ForbiddenSubstrings(&[#(#ps),*])),
        Constraint::NoLeadingOrTrailing(s) => quote!(rt::Rule::NoLeadingOrTrailing(#s)),
        Constraint::NoConsecutive(s) => quote!(rt::Rule::NoConsecutive(#s)),
        Constraint::NotAllDigits(true) => quote!(rt::Rule::NotAllDigits),
        Constraint::IpAddress(true) => quote!(rt::Rule::IpAddress),
        Constraint::IpAddress(false) => {
            return Err(ctx.err(path, "`ipAddress: false` says nothing: leave it out"));
        }
        Constraint::NotAllDigits(false) => {
            return Err(ctx.err(path, "`notAllDigits: false` says nothing: leave it out"));
        }
        Constraint::Base64 { decoded_prefix } => {
            let p = opt(decoded_prefix.as_deref());
            quote!(rt::Rule::Base64 { decoded_prefix: #p })
        }
        Constraint::Pattern(pattern) => {
            ens_core::pattern::parse_check(pattern).map_err(|e| {
                ctx.err(
                    path,
                    format!("the pattern is outside the dialect the checker reads: {e}"),
                )
            })?;
            quote!(rt::Rule::Pattern(#pattern))
        }
    })
}

/// The cross rules of an operation; `params` are the single values rules may name (top-level
/// parameters and the fields of flat objects), by wire name.
pub(crate) fn cross_rules(
    ctx: Ctx<'_>,
    spec: &OperationSpec,
    params: &[(String, Parameter)],
) -> Result<Vec<TokenStream>, SpecError> {
    let known = |path: &str, name: &str| -> Result<&Parameter, SpecError> {
        params
            .iter()
            .find(|(w, _)| w == name)
            .map(|(_, p)| p)
            .ok_or_else(|| {
                ctx.err(
                    format!("{path}/param"),
                    format!("`{name}` is not a parameter of this operation"),
                )
            })
    };
    let condition = |path: &str, c: &Condition| -> Result<TokenStream, SpecError> {
        known(path, &c.param)?;
        if c.equals.is_some() && !c.any_of.is_empty() {
            return Err(ctx.err(path, "give `equals` or `in`, not both"));
        }
        let param = c.param.as_str();
        let values = c.equals.iter().chain(&c.any_of).map(String::as_str);
        Ok(quote!(rt::Condition { param: #param, any_of: &[#(#values),*] }))
    };
    let mut out = Vec::new();
    for (i, cross) in spec.rules.iter().enumerate() {
        let (variant, dep, key) = match cross {
            CrossRule::RequiredWhen(d) => (quote!(RequiredWhen), d, "requiredWhen"),
            CrossRule::ForbiddenWhen(d) => (quote!(ForbiddenWhen), d, "forbiddenWhen"),
            CrossRule::ValueWhen(v) => {
                let path = format!("/rules/{i}/valueWhen");
                let p = known(&path, &v.param)?;
                let kind = match p.kind {
                    Some(k @ (ParamType::String | ParamType::Integer | ParamType::Number)) => k,
                    _ => {
                        return Err(ctx.err(
                            format!("{path}/param"),
                            format!(
                                "`{}` is not text or a number: `valueWhen` limits those",
                                v.param
                            ),
                        ));
                    }
                };
                if v.constraints.is_empty() {
                    return Err(ctx.err(
                        format!("{path}/constraints"),
                        "name at least one constraint",
                    ));
                }
                check_constraint_kinds(ctx, &path, kind, &v.constraints)?;
                let rules = v
                    .constraints
                    .iter()
                    .enumerate()
                    .map(|(j, c)| rule(ctx, &format!("{path}/constraints/{j}"), c))
                    .collect::<Result<Vec<_>, _>>()?;
                let when = condition(&format!("{path}/when"), &v.when)?;
                let param = v.param.as_str();
                out.push(quote!(rt::CrossRule::ValueWhen { param: #param, when: #when, rules: &[#(#rules),*] }));
                continue;
            }
            CrossRule::AtLeastOne(a) => {
                let path = format!("/rules/{i}/atLeastOne/of");
                if a.of.len() < 2 {
                    return Err(ctx.err(path, "name at least two conditions"));
                }
                let conditions =
                    a.of.iter()
                        .enumerate()
                        .map(|(j, c)| condition(&format!("{path}/{j}"), c))
                        .collect::<Result<Vec<_>, _>>()?;
                out.push(quote!(rt::CrossRule::AtLeastOne(&[#(#conditions),*])));
                continue;
            }
        };
        let path = format!("/rules/{i}/{key}");
        known(&path, &dep.param)?;
        let param = dep.param.as_str();
        let when = condition(&format!("{path}/when"), &dep.when)?;
        out.push(quote!(rt::CrossRule::#variant { param: #param, when: #when }));
    }
    Ok(out)
}
