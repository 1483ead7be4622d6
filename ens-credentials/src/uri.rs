//! Credentials from a URL (`ALIBABA_CLOUD_CREDENTIALS_URI`), such as a sidecar that hands out
//! short-lived keys.

use std::fmt;
use std::time::Duration;

use ens_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
use reqwest::Method;

use crate::http::{Failure, Http, credentials_from, json_object, service_error, wipe};
use crate::sts::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

/// The name credentials from here carry, and the start of every message about it.
pub(crate) const CREDENTIALS_URI: &str = "credentials URI";

/// GETs a URL that answers with a JSON object holding `AccessKeyId`, `AccessKeySecret` and,
/// for temporary keys, `SecurityToken` and `Expiration` (`yyyy-MM-ddTHH:mm:ssZ`).
///
/// The URL is configured, so any failure to get credentials from it is an error, not "not found".
///
/// ```no_run
/// use ens_credentials::UriProvider;
///
/// let sidecar = UriProvider::new("http://127.0.0.1:8902/credentials");
/// ```
#[derive(Clone)]
pub struct UriProvider {
    url: String,
    http: Http,
}

impl UriProvider {
    /// Asks `url`, with the default timeouts ([`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_TIMEOUT`]).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            http: Http::new(DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, true),
        }
    }

    /// Bounds each request: `connect` for the connection, `total` for the whole exchange.
    pub fn timeouts(mut self, connect: Duration, total: Duration) -> Self {
        self.http = Http::new(connect, total, true);
        self
    }

    pub(crate) fn with_http(mut self, http: Http) -> Self {
        self.http = http;
        self
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let label = format!("{CREDENTIALS_URI} {}", shown_url(&self.url));
        let failed = |reason: String| CredentialsError::failed(&label, reason);
        let request = self
            .http
            .request(Method::GET, &self.url)
            .map_err(|f| failed(f.into_reason()))?
            .header("accept", "application/json");
        let answer = self.http.send(request).await.map_err(|f| match f {
            Failure::Connect(reason) => failed(format!("cannot connect: {reason}")),
            Failure::Other(reason) => failed(reason),
        })?;
        if answer.status != 200 {
            return Err(failed(service_error(answer.status, &answer.body, &[])));
        }
        let mut object = json_object(&answer.body).map_err(&failed)?;
        let result = credentials_from(&object, CREDENTIALS_URI);
        wipe(&mut object);
        result.map_err(failed)
    }
}

/// The URL without what may carry a token of its own: user info, query and fragment.
fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            // Both fail only for URLs that cannot have user info, which then has none.
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            parsed.set_fragment(None);
            parsed.to_string()
        }
        Err(e) => format!("(not a valid URL: {e})"),
    }
}

impl ProvideCredentials for UriProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        ProvideFuture::new(self.load())
    }
}

impl fmt::Debug for UriProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UriProvider")
            .field("url", &shown_url(&self.url))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shown_urls_drop_the_query() {
        assert_eq!(
            super::shown_url("http://user:pw@127.0.0.1:1/c?token=abc#x"),
            "http://127.0.0.1:1/c"
        );
        assert_eq!(super::shown_url("http://h/c"), "http://h/c");
        assert_eq!(
            super::shown_url("not a url"),
            "(not a valid URL: relative URL without a base)"
        );
    }
}
