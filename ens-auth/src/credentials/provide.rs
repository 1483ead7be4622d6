//! The provider trait: async, yet object-safe and free of any runtime.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::{Credentials, CredentialsError};

/// A source of credentials.
///
/// Asked before each request, so implementations that do I/O should sit behind a cache (the
/// client puts every provider behind `ens_credentials::CachedProvider`, which calls it only when
/// its last answer is about to expire). Object-safe: a client holds an
/// `Arc<dyn ProvideCredentials>`.
///
/// ```
/// use ens_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture};
///
/// /// Credentials from a vault the application already talks to.
/// #[derive(Debug)]
/// struct Vault;
///
/// impl ProvideCredentials for Vault {
///     fn provide_credentials(&self) -> ProvideFuture<'_> {
///         ProvideFuture::new(async {
///             // ... an async call to the vault ...
///             Ok(Credentials::new("LTAI5tExampleId", "example-secret").with_provider_name("vault"))
///         })
///     }
/// }
/// ```
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// The credentials to sign the next request with.
    fn provide_credentials(&self) -> ProvideFuture<'_>;
}

/// The future of [`ProvideCredentials::provide_credentials`]: either an answer that is already
/// there (no allocation, the common case of a cache hit or fixed credentials) or a boxed future.
#[must_use = "a future does nothing unless awaited"]
pub struct ProvideFuture<'a>(State<'a>);

type Pending<'a> = Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

enum State<'a> {
    Ready(Option<Result<Credentials, CredentialsError>>),
    Pending(Pending<'a>),
}

impl<'a> ProvideFuture<'a> {
    /// A future that completes at once with `result`.
    pub fn ready(result: Result<Credentials, CredentialsError>) -> Self {
        Self(State::Ready(Some(result)))
    }

    /// Wraps (and boxes) an async computation.
    pub fn new(
        future: impl Future<Output = Result<Credentials, CredentialsError>> + Send + 'a,
    ) -> Self {
        Self(State::Pending(Box::pin(future)))
    }
}

impl Future for ProvideFuture<'_> {
    type Output = Result<Credentials, CredentialsError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Both states are `Unpin` (an `Option` and a `Pin<Box<_>>`).
        match &mut self.get_mut().0 {
            State::Ready(result) => Poll::Ready(
                result
                    .take()
                    .expect("ProvideFuture polled again after it completed"),
            ),
            State::Pending(future) => future.as_mut().poll(cx),
        }
    }
}

impl fmt::Debug for ProvideFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            State::Ready(_) => "ProvideFuture(ready)",
            State::Pending(_) => "ProvideFuture(pending)",
        })
    }
}

/// Fixed credentials are their own provider: every call hands out a clone of the same shared
/// value, without reading anything again.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        ProvideFuture::ready(Ok(self.clone()))
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        (**self).provide_credentials()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        (**self).provide_credentials()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    /// Polls once with a no-op waker: enough for futures that never wait.
    fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
        let mut cx = Context::from_waker(Waker::noop());
        Pin::new(future).poll(&mut cx)
    }

    #[test]
    fn fixed_credentials_are_ready_at_once_and_shared() {
        let creds = Credentials::new("id", "secret").with_security_token("tok");
        let shared: Arc<dyn ProvideCredentials> = Arc::new(creds.clone());
        for _ in 0..3 {
            let mut future = shared.provide_credentials();
            assert!(format!("{future:?}").contains("ready"));
            let Poll::Ready(Ok(got)) = poll_once(&mut future) else {
                panic!("fixed credentials must be ready at the first poll");
            };
            assert!(Credentials::ptr_eq(&got, &creds), "not re-created per call");
        }
        let boxed: Box<dyn ProvideCredentials> = Box::new(creds);
        assert!(matches!(
            poll_once(&mut boxed.provide_credentials()),
            Poll::Ready(Ok(_))
        ));
    }

    #[test]
    fn boxed_futures_are_driven_to_completion() {
        let mut future = ProvideFuture::new(async {
            Err(CredentialsError::NotFound {
                searched: vec!["test: nothing".into()],
            })
        });
        assert!(format!("{future:?}").contains("pending"));
        let Poll::Ready(Err(e)) = poll_once(&mut future) else {
            panic!("an async block without awaits completes at the first poll");
        };
        assert_eq!(e.to_string(), "no credentials found: test: nothing");
    }
}
