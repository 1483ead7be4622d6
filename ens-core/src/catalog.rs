//! Error codes as data: the generated catalog is a `static` table of [`ErrorDef`]s, and one
//! function here matches a service's code against it.

use crate::RetryClass;

/// One documented error code, defined once for the whole service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorDef {
    /// The code; `%s` stands for a part the service fills in (`InvalidParameter.%s`).
    pub code: &'static str,
    /// The HTTP status the documentation gives.
    pub http_status: u16,
    /// The message the documentation gives (the service's own message is in the error).
    pub message: &'static str,
    /// How a client may react.
    pub retry: RetryClass,
}

impl ErrorDef {
    /// The part of `code` in place of `%s`, when this is a pattern code that `code` matches
    /// (`Foo` for `InvalidParameter.Foo` against `InvalidParameter.%s`); never empty.
    pub fn pattern_field<'c>(&self, code: &'c str) -> Option<&'c str> {
        let (prefix, suffix) = self.code.split_once("%s")?;
        code.strip_prefix(prefix)?
            .strip_suffix(suffix)
            .filter(|field| !field.is_empty())
    }
}

/// The position in `defs` of the definition of `code`: an exact code first, else the first
/// pattern code that matches it.
pub fn find_code(defs: &[ErrorDef], code: &str) -> Option<usize> {
    defs.iter()
        .position(|d| d.code == code)
        .or_else(|| defs.iter().position(|d| d.pattern_field(code).is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFS: &[ErrorDef] = &[
        ErrorDef {
            code: "InvalidParameter.%s",
            http_status: 400,
            message: "The specified field %s invalid.",
            retry: RetryClass::Never,
        },
        ErrorDef {
            code: "InvalidParameter.Image",
            http_status: 400,
            message: "The specified image does not support.",
            retry: RetryClass::Never,
        },
        ErrorDef {
            code: "%s.NotFound",
            http_status: 404,
            message: "%s not found.",
            retry: RetryClass::Never,
        },
    ];

    #[test]
    fn exact_codes_win_over_patterns() {
        assert_eq!(find_code(DEFS, "InvalidParameter.Image"), Some(1));
        assert_eq!(find_code(DEFS, "InvalidParameter.Foo"), Some(0));
        assert_eq!(find_code(DEFS, "Disk.NotFound"), Some(2));
        assert_eq!(DEFS[0].pattern_field("InvalidParameter.Foo"), Some("Foo"));
        assert_eq!(DEFS[2].pattern_field("Disk.NotFound"), Some("Disk"));
    }

    #[test]
    fn an_empty_field_is_no_match() {
        assert_eq!(find_code(DEFS, "InvalidParameter."), None);
        assert_eq!(find_code(DEFS, ".NotFound"), None);
        assert_eq!(find_code(DEFS, "Nope"), None);
        assert_eq!(DEFS[1].pattern_field("InvalidParameter.Image"), None);
    }
}
