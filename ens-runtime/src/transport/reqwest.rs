//! A transport over [`reqwest::Client`]: for your own HTTP settings (proxies, roots, local
//! address, ...), and the client's choice when the environment names a proxy.

use std::fmt;

use super::{
    ConnectionReuse, HttpRequest, HttpResponse, HttpTransport, ResponseBody, SendFuture,
    TransportError, TransportErrorKind,
};
use crate::error::BoxError;

/// Sends requests with [`reqwest`].
///
/// reqwest cannot tell a kept connection that the server closed while it sat idle from one that
/// failed after the request arrived, so a request that may only go on a recently used connection
/// ([`ConnectionReuse::IdleAtMost`], calls that are not read-only) takes the `fresh` client when
/// there is one: build it with `.pool_max_idle_per_host(0)` so that each such request gets a
/// connection of its own, and a connection that cannot be opened proves nothing was sent. Without
/// it, such requests use the pooled client; then a server closing a kept connection just as a
/// request is written ends that call in `OutcomeUnknown` (never in a duplicate).
#[derive(Clone)]
pub struct ReqwestTransport {
    pooled: reqwest::Client,
    fresh: Option<reqwest::Client>,
}

impl ReqwestTransport {
    /// Every request through `client`.
    pub fn new(client: reqwest::Client) -> Self {
        Self {
            pooled: client,
            fresh: None,
        }
    }

    /// Requests that may not reuse any kept connection go through `fresh` (build it with
    /// `.pool_max_idle_per_host(0)`).
    pub fn with_fresh_connections(mut self, fresh: reqwest::Client) -> Self {
        self.fresh = Some(fresh);
        self
    }

    fn client_for(&self, reuse: ConnectionReuse) -> &reqwest::Client {
        match (reuse, &self.fresh) {
            (ConnectionReuse::IdleAtMost(_), Some(fresh)) => fresh,
            _ => &self.pooled,
        }
    }
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("fresh_connections", &self.fresh.is_some())
            .finish_non_exhaustive()
    }
}

impl HttpTransport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> SendFuture<'_> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|e| {
                TransportError::new(TransportErrorKind::Unsendable, Box::new(e) as BoxError)
            })?;
            let mut builder = self.client_for(request.reuse).request(method, request.url);
            for (name, value) in request.headers {
                builder = builder.header(name, value);
            }
            let response = builder.body(request.body).send().await.map_err(classify)?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = http_body_util::BodyExt::map_err(reqwest::Body::from(response), |e| {
                // The URL carries the parameters, STS tokens included.
                Box::new(e.without_url()) as BoxError
            });
            Ok(HttpResponse {
                status,
                headers,
                body: ResponseBody::from_stream(body),
            })
        })
    }
}

/// What a reqwest error says about the request.
fn classify(e: reqwest::Error) -> TransportError {
    // The URL carries the parameters, STS tokens included.
    let e = e.without_url();
    let kind = if e.is_connect() && e.is_timeout() {
        TransportErrorKind::ConnectTimeout
    } else if e.is_connect() {
        TransportErrorKind::NotSent
    } else if e.is_builder() {
        TransportErrorKind::Unsendable
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::MayHaveBeenSent
    };
    TransportError::new(kind, e)
}
