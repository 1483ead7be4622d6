use std::fmt;

/// What is wrong with a spec, and where: the file, the JSON path (a JSON pointer such as
/// `/parameters/3/constraints`) and the fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file as the user named it.
    pub file: String,
    /// JSON pointer to the offending value; empty for the whole document.
    pub path: String,
    /// The fault.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(
            f,
            "invalid spec {}: at {}: {}",
            self.file, path, self.message
        )
    }
}

impl std::error::Error for SpecError {}

/// Builds errors for one file; every generation step reports through it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub file: &'a str,
}

impl Ctx<'_> {
    pub fn err(&self, path: impl Into<String>, message: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.to_owned(),
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Turns serde_path_to_error's `parameters[3].constraints` into `/parameters/3/constraints`.
pub(crate) fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        out.push('/');
        match segment {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Segment::Enum { variant } => out.push_str(variant),
            Segment::Unknown => out.push('?'),
        }
    }
    out
}
