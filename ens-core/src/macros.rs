//! The impls every generated enum and operation error shares, written once: the generator
//! writes the types (with their docs) and one line naming their variants, so a generated module
//! stays data plus thin glue.

/// `Display`, `FromStr`, `WireValue`, `ALL`, `VALUES` and `as_str` for a generated enum whose
/// last variant is `Unknown($unknown)`; with `deserialize`, serde's `Deserialize` too (for
/// answers). Parsing never fails: a value the spec does not list becomes `Unknown`, which a
/// request's rule table rejects.
#[doc(hidden)]
#[macro_export]
macro_rules! enum_impls {
    ($name:ident, $unknown:ty, [$($variant:ident = $value:literal),+ $(,)?] $(, $de:ident)?) => {
        impl $name {
            /// Every known value, in the spec's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// The wire spelling of every known value.
            pub const VALUES: &'static [&'static str] = &[$($value),+];

            /// The wire spelling.
            #[allow(deprecated)]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            #[allow(deprecated)]
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(match s {
                    $($value => Self::$variant,)+
                    other => Self::Unknown(<$unknown>::new(other)),
                })
            }
        }

        impl $crate::wire::WireValue for $name {
            fn to_wire(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }
            fn from_wire(s: &str) -> ::std::option::Option<Self> {
                s.parse().ok()
            }
        }

        impl $crate::forms::JsonText for $name {}

        $($crate::enum_impls!(@$de $name);)?
    };
    (@deserialize $name:ident) => {
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::de::from_text(d)
            }
        }
    };
}

/// `error_code`, `is_*`, `OperationError`, `Display` and `Error` for a generated operation
/// error: `$name { Variant: is_variant, ... }` for its exact codes, `patterns { ... }` for its
/// `%s` codes (variants `{ field, code }`), `statuses { Variant: 403 }` where the operation
/// documents another HTTP status than the catalog. The variants are named as the catalog's
/// `ErrorCode`, whose definitions hold the codes; `ErrorCode`, `CommonError` and `Unhandled` must
/// be in scope where it is invoked.
#[doc(hidden)]
#[macro_export]
macro_rules! operation_error_impls {
    (
        $name:ident { $($variant:ident: $is:ident),* $(,)? }
        patterns { $($pvariant:ident: $pis:ident),* $(,)? }
        statuses { $($svariant:ident: $status:literal),* $(,)? }
    ) => {
        impl $name {
            /// The catalog's code, for a code this operation or every operation documents.
            #[allow(deprecated)]
            pub fn error_code(&self) -> ::std::option::Option<ErrorCode> {
                ::std::option::Option::Some(match self {
                    $(Self::$variant => ErrorCode::$variant,)*
                    $(Self::$pvariant { .. } => ErrorCode::$pvariant,)*
                    Self::Common(e) => e.error_code(),
                    Self::Unhandled(_) => return ::std::option::Option::None,
                })
            }

            $(
                #[doc = concat!(" Whether this is [`", stringify!($name), "::", stringify!($variant), "`].")]
                pub fn $is(&self) -> bool {
                    matches!(self, Self::$variant)
                }
            )*

            $(
                #[doc = concat!(" Whether this is [`", stringify!($name), "::", stringify!($pvariant), "`].")]
                pub fn $pis(&self) -> bool {
                    matches!(self, Self::$pvariant { .. })
                }
            )*
        }

        impl $crate::OperationError for $name {
            #[allow(deprecated)]
            fn from_code(code: &str, _message: &str) -> Self {
                // The operation's exact codes first, then its patterns, then the common codes.
                $(
                    if code == ErrorCode::$variant.as_str() {
                        return Self::$variant;
                    }
                )*
                $(
                    if let ::std::option::Option::Some(field) =
                        ErrorCode::$pvariant.definition().pattern_field(code)
                    {
                        return Self::$pvariant { field: field.to_owned(), code: code.to_owned() };
                    }
                )*
                match CommonError::from_code(code, "") {
                    ::std::option::Option::Some(common) => Self::Common(common),
                    ::std::option::Option::None => Self::Unhandled(Unhandled::new(code)),
                }
            }

            #[allow(deprecated)]
            fn code(&self) -> &str {
                match self {
                    $(Self::$pvariant { code, .. } => code,)*
                    Self::Unhandled(e) => e.code(),
                    _ => self.error_code().map_or("", ErrorCode::as_str),
                }
            }

            fn http_status(&self) -> ::std::option::Option<u16> {
                $(
                    if matches!(self, Self::$svariant { .. }) {
                        return ::std::option::Option::Some($status);
                    }
                )*
                self.error_code().map(|c| c.definition().http_status)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::OperationError::code(self))
            }
        }

        impl ::std::error::Error for $name {}
    };
}

/// The inherent methods of a generated request, so that callers need not import
/// [`Operation`](crate::Operation): `builder`, `validate`, `to_params`, `from_params`.
#[doc(hidden)]
#[macro_export]
macro_rules! request_impls {
    ($request:ident, $builder:ident) => {
        impl $request {
            /// Starts a request; the compiler checks that every required parameter is set.
            pub fn builder() -> $builder {
                <$builder as ::std::default::Default>::default()
            }

            /// Checks every rule of the spec; reports all violations at once, by wire name.
            pub fn validate(&self) -> ::std::result::Result<(), $crate::Violations> {
                $crate::Operation::validate(self)
            }

            /// The wire parameters (lists numbered from 1), without the common ones.
            pub fn to_params(&self) -> $crate::Params {
                $crate::Operation::to_params(self)
            }

            /// A checked request from wire parameters; unknown names are violations too.
            pub fn from_params(
                params: &$crate::Params,
            ) -> ::std::result::Result<Self, $crate::Violations> {
                $crate::Operation::from_params(params)
            }
        }
    };
}
