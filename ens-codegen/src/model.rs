//! The service model: every document of a service folder read, references resolved and checked,
//! before any code is generated. A fault names the file, the JSON path and what is wrong.

use crate::error::{Ctx, SpecError};
use crate::names::type_ident;
use crate::spec::{
    ErrorCatalog, ErrorDef, ErrorRef, Field, OperationSpec, ParamType, Parameter, ServiceSpec,
    ShapeSpec, ShapeType,
};
use std::collections::{BTreeMap, BTreeSet};

/// The text of every document of a service folder, with the names errors should show. Reading
/// is separate from lowering so that tests and fuzzing can build a service in memory.
#[derive(Debug, Clone, Default)]
pub struct ServiceSource {
    /// `service.json`: `(shown name, text)`.
    pub service: (String, String),
    /// `errors.json`.
    pub errors: (String, String),
    /// `shapes/*.json`, any order.
    pub shapes: Vec<(String, String)>,
    /// `operations/*.json`, any order.
    pub operations: Vec<(String, String)>,
}

impl ServiceSource {
    /// Reads the service folder `dir`; `shown` is how errors name it (`specs/ens`).
    pub fn read_dir(dir: &std::path::Path, shown: &str) -> Result<Self, SpecError> {
        let read = |name: &str| -> Result<(String, String), SpecError> {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path).map_err(|e| SpecError {
                file: format!("{shown}/{name}"),
                path: String::new(),
                message: format!("cannot read {}: {e}", path.display()),
            })?;
            Ok((format!("{shown}/{name}"), text))
        };
        let list = |sub: &str| -> Result<Vec<(String, String)>, SpecError> {
            let folder = dir.join(sub);
            let entries = match std::fs::read_dir(&folder) {
                Ok(entries) => entries,
                // A service without shared shapes has no `shapes/` folder.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && sub == "shapes" => {
                    return Ok(Vec::new());
                }
                Err(e) => {
                    return Err(SpecError {
                        file: format!("{shown}/{sub}"),
                        path: String::new(),
                        message: format!("cannot list {}: {e}", folder.display()),
                    });
                }
            };
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                .filter(|n| n.ends_with(".json"))
                .collect();
            names.sort();
            names.iter().map(|n| read(&format!("{sub}/{n}"))).collect()
        };
        Ok(Self {
            service: read("service.json")?,
            errors: read("errors.json")?,
            shapes: list("shapes")?,
            operations: list("operations")?,
        })
    }
}

/// The file stem of a shown path: `specs/ens/operations/CreateInstance.json` -> `CreateInstance`.
fn stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".json").unwrap_or(name)
}

/// A named shape with where it was defined and who uses it.
#[derive(Debug, Clone)]
pub struct Shape {
    /// The file it was read from.
    pub file: String,
    /// The document.
    pub spec: ShapeSpec,
    /// Whether a request parameter uses it.
    pub in_request: bool,
    /// Whether a response field uses it.
    pub in_response: bool,
}

/// One error code of the catalog.
#[derive(Debug, Clone)]
pub struct Code {
    /// Its place in `errors.json` (for errors).
    pub path: String,
    /// The definition.
    pub def: ErrorDef,
    /// The Rust variant.
    pub variant: String,
    /// Whether every operation can return it (`service.json`'s `commonErrors`).
    pub common: bool,
}

/// One documented code of an operation, resolved against the catalog.
#[derive(Debug, Clone)]
pub struct OpCode {
    /// Index into [`Model::codes`].
    pub code: usize,
    /// This operation's own status, where it differs from the catalog's.
    pub http_status: Option<u16>,
    /// This operation's own message, where it differs.
    pub message: Option<String>,
    /// This operation's own description, where it adds to the catalog's.
    pub description: Option<String>,
}

/// One operation, its references resolved.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The file it was read from.
    pub file: String,
    /// The document, with every parameter that uses a `shape` filled in with the shape's type keys
    /// (its `shape` kept, so the generator refers to the shared type).
    pub spec: OperationSpec,
    /// Its documented codes, common ones left out.
    pub codes: Vec<OpCode>,
    /// The shared shapes it uses, by name.
    pub shapes: BTreeSet<String>,
}

/// A whole service, checked.
#[derive(Debug, Clone)]
pub struct Model {
    /// The file `service.json` was read from.
    pub service_file: String,
    /// `service.json`.
    pub service: ServiceSpec,
    /// The file `errors.json` was read from.
    pub errors_file: String,
    /// The catalog, in `errors.json`'s order (sorted by code).
    pub codes: Vec<Code>,
    /// The shapes, by name.
    pub shapes: BTreeMap<String, Shape>,
    /// The operations, sorted by name.
    pub operations: Vec<Operation>,
}

/// Which operations to lower.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// All of them; unused shapes and codes are faults.
    All,
    /// These (by `Action` name), with the shapes and codes they use.
    Only(&'a [String]),
}

impl Model {
    /// Reads, resolves and checks a service.
    pub fn load(source: &ServiceSource, selection: Selection<'_>) -> Result<Self, SpecError> {
        let (service_file, text) = &source.service;
        let service: ServiceSpec = crate::parse(service_file, text)?;
        let (errors_file, text) = &source.errors;
        let catalog: ErrorCatalog = crate::parse(errors_file, text)?;
        let codes = lower_catalog(errors_file, &catalog, service_file, &service)?;

        let mut shapes: BTreeMap<String, Shape> = BTreeMap::new();
        for (file, text) in &source.shapes {
            let spec: ShapeSpec = crate::parse(file, text)?;
            let ctx = Ctx { file };
            type_ident(ctx, "/shape", Some(&spec.shape), "")?;
            if spec.shape != stem(file) {
                return Err(ctx.err(
                    "/shape",
                    format!(
                        "the file is named {}.json but defines the shape `{}`",
                        stem(file),
                        spec.shape
                    ),
                ));
            }
            crate::TypeNames::check_reserved(ctx, "/shape", &spec.shape)?;
            let name = spec.shape.clone();
            shapes.insert(
                name,
                Shape {
                    file: file.clone(),
                    spec,
                    in_request: false,
                    in_response: false,
                },
            );
        }

        let mut operations = Vec::new();
        for (file, text) in &source.operations {
            // Chosen operations: the others are not even read (a file is named after its
            // operation, which is checked below).
            if let Selection::Only(names) = selection
                && !names.iter().any(|n| n == stem(file))
            {
                continue;
            }
            let spec: OperationSpec = crate::parse(file, text)?;
            if spec.operation != stem(file) {
                return Err(Ctx { file }.err(
                    "/operation",
                    format!(
                        "the file is named {}.json but describes {}",
                        stem(file),
                        spec.operation
                    ),
                ));
            }
            operations.push(lower_operation(file, spec, &service, &codes, &mut shapes)?);
        }
        operations.sort_by(|a, b| a.spec.operation.cmp(&b.spec.operation));
        if let Selection::Only(names) = selection {
            for name in names {
                if !operations.iter().any(|o| &o.spec.operation == name) {
                    return Err(SpecError {
                        file: service_file.clone(),
                        path: String::new(),
                        message: format!("no operation `{name}` in this service"),
                    });
                }
            }
        }

        let mut model = Model {
            service_file: service_file.clone(),
            service,
            errors_file: errors_file.clone(),
            codes,
            shapes,
            operations,
        };
        model.check_shapes()?;
        match selection {
            Selection::All => model.report_unused()?,
            Selection::Only(_) => model.keep_used(),
        }
        Ok(model)
    }

    /// Every shape checked once, whoever uses it; a shape's fields may use other shapes.
    fn check_shapes(&mut self) -> Result<(), SpecError> {
        let names: Vec<String> = self.shapes.keys().cloned().collect();
        for name in names {
            let shape = &self.shapes[&name];
            let file = shape.file.clone();
            let ctx = Ctx { file: &file };
            check_shape_keys(ctx, &shape.spec)?;
            let spec = shape.spec.clone();
            match spec.kind {
                ShapeType::String if spec.constraints.is_empty() && !spec.secret => {
                    return Err(ctx.err(
                        "/type",
                        "a string shape needs `constraints` or `secret` (a plain string needs no shape)",
                    ));
                }
                ShapeType::Enum if spec.values.is_empty() => {
                    return Err(ctx.err("/values", "an enum needs at least one value"));
                }
                ShapeType::Object if spec.fields.is_empty() => {
                    return Err(ctx.err("/fields", "an object needs at least one field"));
                }
                ShapeType::Integer | ShapeType::Number if spec.constraints.is_empty() => {
                    return Err(ctx.err(
                        "/type",
                        "an integer or number shape needs `constraints` (a plain number needs no shape)",
                    ));
                }
                _ => {}
            }
            // Checked against a copy: a shape used by an unused shape is not used.
            let mut scratch = self.shapes.clone();
            let mut used = BTreeSet::new();
            let mut fields = spec.fields.clone();
            for (i, f) in fields.iter_mut().enumerate() {
                resolve_param(ctx, &format!("/fields/{i}"), f, &mut scratch, &mut used)?;
            }
            // The generator reads the fields resolved (a field's `shape` filled in).
            if let Some(shape) = self.shapes.get_mut(&name) {
                shape.spec.fields = fields;
            }
            for (i, m) in spec.members.iter().enumerate() {
                resolve_field(ctx, &format!("/members/{i}"), m, &mut scratch, &mut used)?;
            }
        }
        Ok(())
    }

    /// In a whole service, a shape or code nobody uses is a fault: it would be generated for
    /// nothing, and is usually a leftover of a rename.
    fn report_unused(&self) -> Result<(), SpecError> {
        for (name, shape) in &self.shapes {
            if !shape.in_request && !shape.in_response {
                return Err(SpecError {
                    file: shape.file.clone(),
                    path: "/shape".into(),
                    message: format!(
                        "the shape `{name}` is used by no operation: use it or delete the file"
                    ),
                });
            }
        }
        let mut used = vec![false; self.codes.len()];
        for op in &self.operations {
            for c in &op.codes {
                used[c.code] = true;
            }
        }
        for (code, used) in self.codes.iter().zip(used) {
            if !used && !code.common {
                return Err(SpecError {
                    file: self.errors_file.clone(),
                    path: code.path.clone(),
                    message: format!(
                        "the code `{}` is documented by no operation and is not common: list it in an operation's `errors` or delete it",
                        code.def.code
                    ),
                });
            }
        }
        Ok(())
    }

    /// With chosen operations, only the shapes and codes they use are generated.
    fn keep_used(&mut self) {
        self.shapes.retain(|_, s| s.in_request || s.in_response);
        let mut keep: Vec<bool> = self.codes.iter().map(|c| c.common).collect();
        for op in &self.operations {
            for c in &op.codes {
                keep[c.code] = true;
            }
        }
        let mut new_index = Vec::with_capacity(keep.len());
        let mut next = 0;
        for k in &keep {
            new_index.push(next);
            if *k {
                next += 1;
            }
        }
        for op in &mut self.operations {
            for c in &mut op.codes {
                c.code = new_index[c.code];
            }
        }
        let mut i = 0;
        self.codes.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }

    /// The catalog entry of a code.
    pub fn code(&self, index: usize) -> &Code {
        &self.codes[index]
    }
}

/// The variant a code gets: `variant`, else the code in UpperCamelCase (`%s` read as `Field`).
fn code_variant(def: &ErrorDef) -> String {
    def.variant
        .clone()
        .unwrap_or_else(|| derived_variant(&def.code))
}

/// The Rust variant a code gets when the catalog gives none: `InvalidParameter.%s` ->
/// `InvalidParameterField`. For the importer, which must avoid two codes with one variant.
pub fn derived_variant(code: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(code.replace("%s", "Field").as_str())
}

fn lower_catalog(
    file: &str,
    catalog: &ErrorCatalog,
    service_file: &str,
    service: &ServiceSpec,
) -> Result<Vec<Code>, SpecError> {
    let ctx = Ctx { file };
    let mut codes: Vec<Code> = Vec::new();
    for (i, def) in catalog.codes.iter().enumerate() {
        let path = format!("/codes/{i}");
        if def.code.is_empty() {
            return Err(ctx.err(format!("{path}/code"), "the code is empty"));
        }
        if def.code.matches("%s").count() > 1 {
            return Err(ctx.err(format!("{path}/code"), "a code may hold `%s` once"));
        }
        if def.code == "%s" {
            return Err(ctx.err(format!("{path}/code"), "a code cannot be `%s` alone"));
        }
        let variant = code_variant(def);
        let ident =
            type_ident(ctx, &format!("{path}/variant"), Some(&variant), "").map_err(|mut e| {
                if def.variant.is_none() {
                    e.message = format!(
                        "code `{}` gives no Rust variant name: set `variant`",
                        def.code
                    );
                }
                e
            })?;
        if ["Common", "Unhandled"].contains(&variant.as_str()) {
            return Err(ctx.err(
                format!("{path}/variant"),
                format!("variant name `{ident}` is reserved: set `variant`"),
            ));
        }
        if let Some(other) = codes.iter().find(|c| c.def.code == def.code) {
            return Err(ctx.err(
                format!("{path}/code"),
                format!(
                    "code `{}` is defined twice (also at {})",
                    def.code, other.path
                ),
            ));
        }
        if let Some(other) = codes.iter().find(|c| c.variant == variant) {
            return Err(ctx.err(
                format!("{path}/code"),
                format!(
                    "codes `{}` and `{}` both map to the variant `{variant}`: set `variant` on one",
                    other.def.code, def.code
                ),
            ));
        }
        codes.push(Code {
            path,
            def: def.clone(),
            variant,
            common: false,
        });
    }
    let sctx = Ctx { file: service_file };
    if service.common_errors.is_empty() {
        return Err(sctx.err("/commonErrors", "list at least one common error code"));
    }
    for (i, name) in service.common_errors.iter().enumerate() {
        let path = format!("/commonErrors/{i}");
        match codes.iter_mut().find(|c| &c.def.code == name) {
            Some(c) if c.common => {
                return Err(sctx.err(path, format!("`{name}` is listed twice")));
            }
            Some(c) => c.common = true,
            None => {
                return Err(sctx.err(path, format!("`{name}` is not defined in {file}")));
            }
        }
    }
    Ok(codes)
}

fn lower_operation(
    file: &str,
    mut spec: OperationSpec,
    service: &ServiceSpec,
    codes: &[Code],
    shapes: &mut BTreeMap<String, Shape>,
) -> Result<Operation, SpecError> {
    let ctx = Ctx { file };
    if let Some(area) = &spec.area
        && !service.areas.iter().any(|a| &a.name == area)
    {
        return Err(ctx.err(
            "/area",
            format!("`{area}` is not one of the areas service.json lists"),
        ));
    }
    if spec.area.is_none() && !service.areas.is_empty() {
        return Err(ctx.err("/area", "name the API area (one of service.json's `areas`)"));
    }
    let mut used = BTreeSet::new();
    for (i, p) in spec.parameters.iter_mut().enumerate() {
        resolve_param(ctx, &format!("/parameters/{i}"), p, shapes, &mut used)?;
    }
    for (i, f) in spec.response.iter().enumerate() {
        resolve_field(ctx, &format!("/response/{i}"), f, shapes, &mut used)?;
    }
    let mut op_codes: Vec<OpCode> = Vec::new();
    for (i, r) in spec.errors.iter().enumerate() {
        op_codes.push(lower_error_ref(
            ctx,
            &format!("/errors/{i}"),
            r,
            codes,
            &op_codes,
        )?);
    }
    Ok(Operation {
        file: file.to_owned(),
        spec,
        codes: op_codes,
        shapes: used,
    })
}

fn lower_error_ref(
    ctx: Ctx<'_>,
    path: &str,
    r: &ErrorRef,
    codes: &[Code],
    seen: &[OpCode],
) -> Result<OpCode, SpecError> {
    let Some(index) = codes.iter().position(|c| c.def.code == r.code) else {
        return Err(ctx.err(
            format!("{path}/code"),
            format!("`{}` is not defined in errors.json: add it there", r.code),
        ));
    };
    let def = &codes[index].def;
    if codes[index].common {
        return Err(ctx.err(
            format!("{path}/code"),
            format!(
                "`{}` is a common code (service.json): every operation has it, do not list it",
                r.code
            ),
        ));
    }
    if seen.iter().any(|c| c.code == index) {
        return Err(ctx.err(
            format!("{path}/code"),
            format!("code `{}` is listed twice", r.code),
        ));
    }
    // An override that says what the catalog says is noise, and hides later catalog edits.
    if r.http_status == Some(def.http_status) {
        return Err(ctx.err(
            format!("{path}/httpStatus"),
            "the same status as errors.json: leave it out",
        ));
    }
    if r.message.as_deref() == Some(def.message.as_str()) {
        return Err(ctx.err(
            format!("{path}/message"),
            "the same message as errors.json: leave it out",
        ));
    }
    if r.description.is_some() && r.description == def.description {
        return Err(ctx.err(
            format!("{path}/description"),
            "the same description as errors.json: leave it out",
        ));
    }
    Ok(OpCode {
        code: index,
        http_status: r.http_status,
        message: r.message.clone(),
        description: r.description.clone(),
    })
}

/// Fills a parameter that names a `shape` with the shape's type keys, so the generator sees a
/// complete parameter whose `shape` says the type is shared. Recurses into list items and object
/// fields.
fn resolve_param(
    ctx: Ctx<'_>,
    path: &str,
    p: &mut Parameter,
    shapes: &mut BTreeMap<String, Shape>,
    used: &mut BTreeSet<String>,
) -> Result<(), SpecError> {
    resolve_param_at(ctx, path, p, shapes, used, 0)
}

/// Objects nest this deep at most: deeper is a shape that contains itself.
const MAX_DEPTH: usize = 8;

fn resolve_param_at(
    ctx: Ctx<'_>,
    path: &str,
    p: &mut Parameter,
    shapes: &mut BTreeMap<String, Shape>,
    used: &mut BTreeSet<String>,
    depth: usize,
) -> Result<(), SpecError> {
    if depth > MAX_DEPTH {
        return Err(ctx.err(path, "objects nest too deep: does a shape contain itself?"));
    }
    match (&p.shape, p.kind) {
        (Some(_), Some(_)) => {
            return Err(ctx.err(format!("{path}/shape"), "give `type` or `shape`, not both"));
        }
        (None, None) => {
            return Err(ctx.err(path, "a parameter needs a `type` (or a `shape`)"));
        }
        (None, Some(_)) => {
            if let Some(items) = p.items.as_deref_mut() {
                resolve_param_at(
                    ctx,
                    &format!("{path}/items"),
                    items,
                    shapes,
                    used,
                    depth + 1,
                )?;
            }
            if let Some(values) = p.values_of.as_deref_mut() {
                resolve_param_at(
                    ctx,
                    &format!("{path}/valuesOf"),
                    values,
                    shapes,
                    used,
                    depth + 1,
                )?;
            }
            for (i, f) in p.fields.iter_mut().enumerate() {
                resolve_param_at(
                    ctx,
                    &format!("{path}/fields/{i}"),
                    f,
                    shapes,
                    used,
                    depth + 1,
                )?;
            }
            return Ok(());
        }
        (Some(name), None) => {
            let name = name.clone();
            let Some(shape) = shapes.get_mut(&name) else {
                return Err(ctx.err(
                    format!("{path}/shape"),
                    format!("no shape `{name}` (specs/<service>/shapes/{name}.json)"),
                ));
            };
            shape.in_request = true;
            used.insert(name.clone());
            for (key, given) in [
                ("newtype", p.newtype.is_some()),
                ("constraints", !p.constraints.is_empty()),
                ("secret", p.secret),
                ("enumName", p.enum_name.is_some()),
                ("values", !p.values.is_empty()),
                ("structName", p.struct_name.is_some()),
                ("fields", !p.fields.is_empty()),
            ] {
                if given {
                    return Err(ctx.err(
                        format!("{path}/{key}"),
                        format!(
                            "`{key}` is the shape's to say (shapes/{name}.json), not the use's"
                        ),
                    ));
                }
            }
            let s = &shape.spec;
            match s.kind {
                ShapeType::String => {
                    p.kind = Some(ParamType::String);
                    p.newtype = Some(name.clone());
                    p.constraints = s.constraints.clone();
                    p.secret = s.secret;
                }
                ShapeType::Enum => {
                    p.kind = Some(ParamType::Enum);
                    p.enum_name = Some(name.clone());
                    p.values = s.values.clone();
                }
                ShapeType::Object => {
                    p.kind = Some(ParamType::Object);
                    p.struct_name = Some(name.clone());
                    p.fields = s.fields.clone();
                    let file = shape.file.clone();
                    let fctx = Ctx { file: &file };
                    for (i, f) in p.fields.iter_mut().enumerate() {
                        resolve_param_at(
                            fctx,
                            &format!("/fields/{i}"),
                            f,
                            shapes,
                            used,
                            depth + 1,
                        )?;
                    }
                }
                ShapeType::Structure => {
                    return Err(ctx.err(
                        format!("{path}/shape"),
                        format!("`{name}` is a response structure; a request needs an `object`"),
                    ));
                }
                ShapeType::Integer | ShapeType::Number => {
                    p.kind = Some(if s.kind == ShapeType::Integer {
                        ParamType::Integer
                    } else {
                        ParamType::Number
                    });
                    p.constraints = s.constraints.clone();
                }
            }
        }
    }
    Ok(())
}

/// Checks a response field's `shape` references (recursively) and marks the shapes used.
fn resolve_field(
    ctx: Ctx<'_>,
    path: &str,
    f: &Field,
    shapes: &mut BTreeMap<String, Shape>,
    used: &mut BTreeSet<String>,
) -> Result<(), SpecError> {
    match (&f.shape, f.kind) {
        (Some(_), Some(_)) => {
            Err(ctx.err(format!("{path}/shape"), "give `type` or `shape`, not both"))
        }
        (None, None) => Err(ctx.err(path, "a response field needs a `type` (or a `shape`)")),
        (None, Some(_)) => {
            if let Some(items) = f.items.as_deref() {
                resolve_field(ctx, &format!("{path}/items"), items, shapes, used)?;
            }
            if let Some(values) = f.values_of.as_deref() {
                resolve_field(ctx, &format!("{path}/valuesOf"), values, shapes, used)?;
            }
            for (i, x) in f.fields.iter().enumerate() {
                resolve_field(ctx, &format!("{path}/fields/{i}"), x, shapes, used)?;
            }
            Ok(())
        }
        (Some(name), None) => {
            let Some(shape) = shapes.get_mut(name) else {
                return Err(ctx.err(
                    format!("{path}/shape"),
                    format!("no shape `{name}` (specs/<service>/shapes/{name}.json)"),
                ));
            };
            for (key, given) in [
                ("structName", f.struct_name.is_some()),
                ("fields", !f.fields.is_empty()),
                ("items", f.items.is_some()),
                ("wrapper", f.wrapper.is_some()),
            ] {
                if given {
                    return Err(ctx.err(
                        format!("{path}/{key}"),
                        format!("`{key}` does not go with `shape`"),
                    ));
                }
            }
            match shape.spec.kind {
                ShapeType::Structure
                | ShapeType::Enum
                | ShapeType::String
                | ShapeType::Integer
                | ShapeType::Number => {}
                ShapeType::Object => {
                    return Err(ctx.err(
                        format!("{path}/shape"),
                        format!("`{name}` is a request object; a response needs a `structure`"),
                    ));
                }
            }
            let first = !shape.in_response;
            shape.in_response = true;
            used.insert(name.clone());
            if first && shape.spec.kind == ShapeType::Structure {
                let file = shape.file.clone();
                let members = shape.spec.members.clone();
                let sctx = Ctx { file: &file };
                for (i, m) in members.iter().enumerate() {
                    resolve_field(sctx, &format!("/members/{i}"), m, shapes, used)?;
                }
            }
            Ok(())
        }
    }
}

/// Rejects a shape's keys that belong to another shape type.
fn check_shape_keys(ctx: Ctx<'_>, s: &ShapeSpec) -> Result<(), SpecError> {
    for (key, types) in crate::spec::SHAPE_TYPE_KEYS {
        let given = match *key {
            "constraints" => !s.constraints.is_empty(),
            "secret" => s.secret,
            "values" => !s.values.is_empty(),
            "fields" => !s.fields.is_empty(),
            "members" => !s.members.is_empty(),
            _ => false,
        };
        if given && !types.contains(&s.kind) {
            return Err(ctx.err(
                format!("/{key}"),
                format!("`{key}` does not belong to a `{:?}` shape", s.kind).to_lowercase(),
            ));
        }
    }
    Ok(())
}
