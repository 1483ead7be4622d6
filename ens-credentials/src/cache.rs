//! Caching credentials until shortly before they expire, refreshing them once for everyone.

use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use ens_auth::{Credentials, CredentialsError, ProvideCredentials, ProvideFuture, SigningTime};

/// How long before their expiry credentials are refreshed by default: three minutes, as
/// Alibaba's own SDKs do.
pub const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(180);
/// How long credentials without an expiry (long-term keys from the environment or a file) are
/// kept before the source is asked again by default: 15 minutes, as the AWS SDK does.
pub const DEFAULT_TTL: Duration = Duration::from_secs(15 * 60);
/// How long one load may take by default before it fails: longer than any provider's own
/// network timeouts, a backstop for custom providers.
pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(30);

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Puts a provider behind a cache: its credentials are handed out (one shared copy, no I/O)
/// until shortly before they expire, and then refreshed by exactly one caller while the others
/// wait for that result, however many ask at once.
///
/// - **Refresh ahead** ([`CachedProviderBuilder::refresh_ahead`], default 3 minutes):
///   credentials are refreshed that long before their `Expiration`. While they are still valid,
///   callers that find a refresh under way keep using them instead of waiting; if the refresh
///   fails, the still-valid credentials are used and the next call tries again.
/// - **Credentials without expiry** ([`CachedProviderBuilder::default_ttl`], default 15
///   minutes): kept that long, then the source is asked again, so a rotated or removed key is
///   noticed without re-reading a file per request.
/// - **Load timeout** ([`CachedProviderBuilder::load_timeout`], default 30 s): a load that takes
///   longer fails.
/// - **Failures**: not cached; every caller that waited for a failed refresh gets its error, and
///   the next call tries again. Credentials that arrive already expired are refused with
///   [`CredentialsError::Expired`], which names the provider and both times (a wrong system
///   clock shows there).
///
/// The client puts every provider it is given behind one of these.
///
/// ```
/// use std::time::Duration;
/// use ens_credentials::{CachedProvider, DefaultChain};
///
/// let provider = CachedProvider::builder()
///     .refresh_ahead(Duration::from_secs(300))
///     .build(DefaultChain::builder().build());
/// ```
pub struct CachedProvider {
    provider: Box<dyn ProvideCredentials>,
    refresh_ahead: Duration,
    default_ttl: Duration,
    load_timeout: Duration,
    clock: Clock,
    cached: RwLock<Option<Entry>>,
    /// Held by the one caller that refreshes.
    refresh: tokio::sync::Mutex<()>,
    /// Counts finished loads, so a caller that waited can tell someone else already tried.
    loads: AtomicU64,
    /// The error of the last load, when it failed.
    last_error: RwLock<Option<CredentialsError>>,
}

#[derive(Clone)]
struct Entry {
    credentials: Credentials,
    refresh_at: SystemTime,
    /// When they may no longer be handed out: their expiry, or for keys without one the end of
    /// the TTL (so a key removed from its source stops being used then).
    expires_at: SystemTime,
}

impl Entry {
    fn is_fresh(&self, now: SystemTime) -> bool {
        now < self.refresh_at
    }

    fn is_valid(&self, now: SystemTime) -> bool {
        now < self.expires_at
    }
}

/// Configures a [`CachedProvider`].
#[derive(Clone)]
pub struct CachedProviderBuilder {
    refresh_ahead: Duration,
    default_ttl: Duration,
    load_timeout: Duration,
    clock: Option<Clock>,
}

impl CachedProvider {
    /// Caches `provider` with the default settings.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::builder().build(provider)
    }

    /// `provider` behind a cache with the default settings, ready to share, unless it already
    /// is a cache (a `CachedProvider` or an `Arc` of one), which is kept as it is with its own
    /// settings. What the client does with the provider it is given.
    pub fn shared<P: ProvideCredentials + 'static>(provider: P) -> Arc<dyn ProvideCredentials> {
        let mut slot = Some(provider);
        let any: &mut dyn Any = &mut slot;
        if let Some(cache) = any
            .downcast_mut::<Option<CachedProvider>>()
            .and_then(Option::take)
        {
            return Arc::new(cache);
        }
        if let Some(cache) = any
            .downcast_mut::<Option<Arc<CachedProvider>>>()
            .and_then(Option::take)
        {
            return cache;
        }
        // Neither branch took it: `slot` still holds a provider of another type.
        let provider = slot.take().expect("not taken: the provider is not a cache");
        Arc::new(Self::new(provider))
    }

    /// Settings for a cache.
    pub fn builder() -> CachedProviderBuilder {
        CachedProviderBuilder {
            refresh_ahead: DEFAULT_REFRESH_AHEAD,
            default_ttl: DEFAULT_TTL,
            load_timeout: DEFAULT_LOAD_TIMEOUT,
            clock: None,
        }
    }

    fn current(&self) -> Option<Entry> {
        self.cached
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn refresh(&self) -> Result<Credentials, CredentialsError> {
        let seen_loads = self.loads.load(Ordering::Acquire);
        let _guard = match self.refresh.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                // Someone is refreshing: still-valid credentials need not wait for them.
                if let Some(entry) = self.current().filter(|e| e.is_valid((self.clock)())) {
                    return Ok(entry.credentials);
                }
                self.refresh.lock().await
            }
        };
        let now = (self.clock)();
        if let Some(entry) = self.current().filter(|e| e.is_fresh(now)) {
            return Ok(entry.credentials);
        }
        if self.loads.load(Ordering::Acquire) != seen_loads {
            // A load finished while this caller waited and did not leave fresh credentials:
            // it failed. Share its error instead of asking the source once per waiter.
            let last = self
                .last_error
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            if let Some(error) = last {
                return Err(error);
            }
        }
        let result = self.load(now).await;
        self.loads.fetch_add(1, Ordering::Release);
        let mut last_error = self
            .last_error
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(entry) => {
                *last_error = None;
                let credentials = entry.credentials.clone();
                *self.cached.write().unwrap_or_else(PoisonError::into_inner) = Some(entry);
                Ok(credentials)
            }
            Err(error) => {
                *last_error = Some(error.clone());
                drop(last_error);
                match self.current().filter(|e| e.is_valid((self.clock)())) {
                    Some(entry) => {
                        tracing::warn!(
                            provider = entry.credentials.provider_name(),
                            %error,
                            "refreshing credentials failed; using the current ones until they expire"
                        );
                        Ok(entry.credentials)
                    }
                    None => Err(error),
                }
            }
        }
    }

    /// Asks the provider, bounded in time, and decides how long to keep the answer.
    async fn load(&self, started: SystemTime) -> Result<Entry, CredentialsError> {
        let load = self.provider.provide_credentials();
        // Without a tokio runtime there is no timer; the providers' own timeouts still apply.
        let loaded = if tokio::runtime::Handle::try_current().is_ok() {
            tokio::time::timeout(self.load_timeout, load).await
        } else {
            Ok(load.await)
        };
        let credentials = match loaded {
            Ok(result) => result?,
            Err(_) => {
                return Err(CredentialsError::failed(
                    type_name_of(&*self.provider),
                    format!(
                        "loading credentials took longer than {:?}",
                        self.load_timeout
                    ),
                ));
            }
        };
        let now = (self.clock)().max(started);
        let Some(expiry) = credentials.expiry() else {
            return Ok(Entry {
                credentials,
                refresh_at: now + self.default_ttl,
                expires_at: now + self.default_ttl,
            });
        };
        let remaining = match expiry.duration_since(now) {
            Ok(remaining) if !remaining.is_zero() => remaining,
            _ => {
                return Err(CredentialsError::Expired {
                    provider: credentials.provider_name().to_owned(),
                    expired_at: SigningTime::from(expiry),
                    now: SigningTime::from(now),
                });
            }
        };
        // Short-lived credentials are refreshed halfway through, not at once and at every call.
        let ahead = self.refresh_ahead.min(remaining / 2);
        tracing::debug!(
            provider = credentials.provider_name(),
            expires = %SigningTime::from(expiry),
            "loaded credentials"
        );
        Ok(Entry {
            credentials,
            refresh_at: expiry - ahead,
            expires_at: expiry,
        })
    }
}

/// The provider's type as its `Debug` starts (`ChainProvider`, not the whole chain).
fn type_name_of(provider: &dyn ProvideCredentials) -> String {
    let debug = format!("{provider:?}");
    let end = debug.find([' ', '{', '(']).unwrap_or(debug.len());
    debug[..end].to_owned()
}

impl ProvideCredentials for CachedProvider {
    fn provide_credentials(&self) -> ProvideFuture<'_> {
        if let Some(entry) = self.current().filter(|e| e.is_fresh((self.clock)())) {
            return ProvideFuture::ready(Ok(entry.credentials));
        }
        ProvideFuture::new(self.refresh())
    }
}

impl fmt::Debug for CachedProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedProvider")
            .field("provider", &self.provider)
            .field("refresh_ahead", &self.refresh_ahead)
            .field("default_ttl", &self.default_ttl)
            .finish_non_exhaustive()
    }
}

impl CachedProviderBuilder {
    /// How long before their expiry credentials are refreshed (default
    /// [`DEFAULT_REFRESH_AHEAD`]). Credentials that live less than twice this long are refreshed
    /// halfway through their life.
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    /// How long credentials without an expiry are kept (default [`DEFAULT_TTL`]).
    pub fn default_ttl(mut self, ttl: Duration) -> Self {
        self.default_ttl = ttl;
        self
    }

    /// How long one load may take (default [`DEFAULT_LOAD_TIMEOUT`]).
    pub fn load_timeout(mut self, timeout: Duration) -> Self {
        self.load_timeout = timeout;
        self
    }

    /// Replaces the clock that decides what is expired (default: the system clock), for tests.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// The cache in front of `provider`.
    pub fn build(self, provider: impl ProvideCredentials + 'static) -> CachedProvider {
        CachedProvider {
            provider: Box::new(provider),
            refresh_ahead: self.refresh_ahead,
            default_ttl: self.default_ttl,
            load_timeout: self.load_timeout,
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemTime::now)),
            cached: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            loads: AtomicU64::new(0),
            last_error: RwLock::new(None),
        }
    }
}

impl fmt::Debug for CachedProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedProviderBuilder")
            .field("refresh_ahead", &self.refresh_ahead)
            .field("default_ttl", &self.default_ttl)
            .field("load_timeout", &self.load_timeout)
            .finish_non_exhaustive()
    }
}
