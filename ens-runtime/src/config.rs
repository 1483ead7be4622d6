//! The settings of a call: what the client uses unless a call says otherwise.
//!
//! [`CallOptions`] is the one type for them: set on the client with
//! [`ClientBuilder::call_options`](crate::ClientBuilder::call_options) (or the builder's
//! setters of the same names), on a view of the client with [`Client::with_options`], and per
//! call with [`Client::send_with`]. Each option left unset falls through to the level below:
//! call, then client view, then client, then the defaults documented on each setter.

use std::time::Duration;

use crate::client::{Client, SignatureVersion};
use crate::retry::RetryPolicy;

/// Settings that can differ from one call to the next: timeouts, body limits, retries, the
/// signature version, and whether a call that is not read-only may be sent again.
///
/// # Three levels
///
/// Every option starts unset, and an unset option falls through to the level below. Like the AWS
/// SDK's `customize().config_override(..)` or google-cloud-rust's request options, each level
/// overrides only what it sets:
///
/// 1. one call: [`Client::send_with`]`(request, options)`;
/// 2. a view of the client: [`Client::with_options`]`(options)`, for every call made through
///    it (generated methods, paginators and waiters included);
/// 3. the client: [`ClientBuilder::call_options`](crate::ClientBuilder::call_options), or the
///    builder's setters of the same names;
///
/// then the defaults below.
///
/// ```no_run
/// use std::time::Duration;
/// use ens_client::{CallOptions, Client, DescribeInstancesRequest, RetryPolicy};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder()
///     .call_options(CallOptions::new().operation_timeout(Duration::from_secs(60)))
///     .build()?;
/// // This call only: a short attempt, and no retry.
/// let quick = CallOptions::new()
///     .attempt_timeout(Duration::from_secs(3))
///     .retry_policy(RetryPolicy::none());
/// let page = client.send_with(DescribeInstancesRequest::builder().build(), quick).await?;
/// // Every call through this view: up to 5 attempts (and still 60 s in all, the client's).
/// let patient = client.with_options(CallOptions::new().retry_policy(RetryPolicy::new(5)));
/// let page = patient.send(DescribeInstancesRequest::builder().build()).await?;
/// # Ok(()) }
/// ```
///
/// # The settings
///
/// | setting | default | bounds | when it runs out or refuses |
/// |---|---|---|---|
/// | [`connect_timeout`](Self::connect_timeout) | 5 s | opening a connection, TLS included | [`SdkError::Timeout`] `Connect`; nothing was sent, so it is retried |
/// | [`read_timeout`](Self::read_timeout) | 30 s | each wait for bytes of the answer | `Timeout` `Read`; the service may have acted |
/// | [`attempt_timeout`](Self::attempt_timeout) | 60 s | one attempt, from sending to the answer's last byte | `Timeout` `Attempt`; the service may have acted |
/// | [`operation_timeout`](Self::operation_timeout) | 120 s | the whole call: rate limiter, connection, every attempt, backoff | `Timeout` `Operation` |
/// | [`min_body_rate`](Self::min_body_rate) | 1 KiB per 5 s | an answer trickling in | `Timeout` `StalledBody` |
/// | [`max_response_body`](Self::max_response_body) | 4 MiB | memory per answer | [`SdkError::UnreadableResponse`] with the first 8 KiB |
/// | [`retry_policy`](Self::retry_policy) | 3 attempts, 100 ms to 2 s backoff | attempts and waits | the last attempt's error |
/// | [`signature_version`](Self::signature_version) | [`SignatureVersion::V3`] | | |
/// | [`retry_writes_accepting_duplicates`](Self::retry_writes_accepting_duplicates) | `false` | re-sending calls that are not read-only | |
///
/// Whether a failure is retried is [`RetryPolicy`]'s rule, whatever the level: a call that is
/// not read-only is sent again only when the service's answer proves it did nothing, unless the
/// call accepts duplicates. A timeout during which the service may have acted ends such a call
/// in [`SdkError::OutcomeUnknown`].
///
/// Any value is taken without panicking: `Duration::MAX` means no limit, `Duration::ZERO` a
/// limit that runs out at once. What stays the client's whatever a call says: the credentials,
/// the endpoint, the transport and its connection pool, the retry budget, the rate limiter
/// ([`RateLimits`](crate::RateLimits)) and the signing clock's correction.
///
/// [`SdkError::Timeout`]: crate::SdkError::Timeout
/// [`SdkError::UnreadableResponse`]: crate::SdkError::UnreadableResponse
/// [`SdkError::OutcomeUnknown`]: crate::SdkError::OutcomeUnknown
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[must_use]
pub struct CallOptions {
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    min_body_rate: Option<(u64, Duration)>,
    max_response_body: Option<usize>,
    retry: Option<RetryPolicy>,
    signature_version: Option<SignatureVersion>,
    retry_writes: Option<bool>,
}

impl CallOptions {
    /// Options that set nothing: every setting is the client's.
    ///
    /// ```
    /// use ens_client::CallOptions;
    ///
    /// assert_eq!(CallOptions::new().get_attempt_timeout(), None);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// How long to wait for a connection, TLS handshake included. Default 5 s.
    ///
    /// Running out is always safe to retry, whatever the operation: nothing was sent. Applies
    /// to the default transport; a `reqwest::Client` given to
    /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) keeps its own, bounded
    /// by the client at this plus the read timeout.
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use ens_client::{CallOptions, DescribeInstancesRequest};
    ///
    /// // A health check: fail fast when the endpoint cannot be reached.
    /// let probe = CallOptions::new().connect_timeout(Duration::from_millis(500));
    /// client.send_with(DescribeInstancesRequest::builder().page_size(1).build(), probe).await?;
    /// # Ok(()) }
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long to wait for the next bytes of the answer: its head after sending (counted
    /// from the start of connecting), then each chunk of its body. Default 30 s (CreateInstance
    /// can take seconds to answer).
    ///
    /// Running out means the request may have been acted on: a read-only call is retried, any
    /// other ends in [`SdkError::OutcomeUnknown`](crate::SdkError::OutcomeUnknown).
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use ens_client::{CallOptions, DescribeInstancesRequest};
    ///
    /// let listing = CallOptions::new().read_timeout(Duration::from_secs(10));
    /// client.send_with(DescribeInstancesRequest::builder().build(), listing).await?;
    /// # Ok(()) }
    /// ```
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// The longest one attempt may take, from sending the request to the last byte of the
    /// answer, however steadily it arrives. Default 60 s.
    ///
    /// Running out means the request may have been acted on, as for the read timeout. Each
    /// retry gets an attempt timeout of its own; the [operation
    /// timeout](Self::operation_timeout) bounds them all.
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use ens_client::{CallOptions, DescribeInstancesRequest, SdkError, TimeoutKind};
    ///
    /// let quick = CallOptions::new().attempt_timeout(Duration::from_secs(2));
    /// match client.send_with(DescribeInstancesRequest::builder().build(), quick).await {
    ///     Ok(page) => println!("{} instances", page.total_count.unwrap_or_default()),
    ///     // Every attempt was too slow (reads are retried, 3 attempts by default).
    ///     Err(SdkError::Timeout { kind: TimeoutKind::Attempt, .. }) => println!("too slow today"),
    ///     Err(e) => return Err(e.into()),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The longest the whole call may take: the wait for a slot under the client's rate limit
    /// and for a free connection, every attempt, and the backoff between them. Default 120 s.
    ///
    /// A retry whose backoff would end after it is not made, and a call whose slot under the
    /// rate limit comes after it fails at once, unsent. The deadline for a wait or a page loop
    /// is [`WaitOptions::timeout`](crate::WaitOptions::timeout); this bounds each of its calls.
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use ens_client::{CallOptions, StartInstanceRequest};
    ///
    /// // Inside a request handler with a 10 s budget of its own.
    /// let budget = CallOptions::new().operation_timeout(Duration::from_secs(8));
    /// let request = StartInstanceRequest::builder().instance_id("i-5uf6d2xx").build();
    /// client.send_with(request, budget).await?;
    /// # Ok(()) }
    /// ```
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Stalled-stream protection: the answer's body must bring at least `bytes` in every
    /// `window` until it ends. Default 1 KiB per 5 s; `bytes` 0 or a zero `window` turns it
    /// off.
    ///
    /// A body trickling a byte at a time never trips the read timeout; this ends it as an
    /// [`SdkError::Timeout`](crate::SdkError::Timeout) of kind
    /// [`TimeoutKind::StalledBody`](crate::TimeoutKind::StalledBody) (the request may have been
    /// acted on).
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use ens_client::{CallOptions, DescribeInstancesRequest};
    ///
    /// // A slow satellite link: 256 bytes in every 10 s is still alive.
    /// let slow_link = CallOptions::new().min_body_rate(256, Duration::from_secs(10));
    /// client.send_with(DescribeInstancesRequest::builder().build(), slow_link).await?;
    /// # Ok(()) }
    /// ```
    pub fn min_body_rate(mut self, bytes: u64, window: Duration) -> Self {
        self.min_body_rate = Some((bytes, window));
        self
    }

    /// The largest answer body read, in bytes. Default 4 MiB (DescribeInstances' largest page
    /// is far smaller).
    ///
    /// A larger body is never held whole: the call ends in an
    /// [`SdkError::UnreadableResponse`](crate::SdkError::UnreadableResponse) keeping its first 8 KiB
    /// (secrets masked).
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use ens_client::{CallOptions, DescribeInstancesRequest};
    ///
    /// // A memory-tight edge box: pages of 10 fit in 256 KiB.
    /// let small = CallOptions::new().max_response_body(256 * 1024);
    /// client.send_with(DescribeInstancesRequest::builder().page_size(10).build(), small).await?;
    /// # Ok(()) }
    /// ```
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// Attempts and backoff. Default [`RetryPolicy::default`]: 3 attempts, full-jitter backoff
    /// from 100 ms up to 2 s. What is retried is [`RetryPolicy`]'s rule and does not change
    /// here.
    ///
    /// The retry budget in `policy` is ignored: the budget is the client's, shared by all its
    /// calls (set it with [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy)).
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use ens_client::{CallOptions, DescribeInstancesRequest, RetryPolicy};
    ///
    /// // A caller with a retry loop of its own: one attempt here.
    /// let once = CallOptions::new().retry_policy(RetryPolicy::none());
    /// client.send_with(DescribeInstancesRequest::builder().build(), once).await?;
    /// # Ok(()) }
    /// ```
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Which signature to send. Default [`SignatureVersion::V3`] (`ACS3-HMAC-SHA256`, as the
    /// current official SDKs); [`SignatureVersion::RpcV1`] for gateways that know only the
    /// classic form. Dry runs through a view sign with the view's.
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use ens_client::{CallOptions, DescribeInstancesRequest, SignatureVersion};
    ///
    /// let classic = client.with_options(CallOptions::new().signature_version(SignatureVersion::RpcV1));
    /// println!("{}", classic.dry_run(&DescribeInstancesRequest::builder().build()).await?);
    /// # Ok(()) }
    /// ```
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = Some(version);
        self
    }

    /// Whether a call that is not read-only may be sent again after a failure during which the
    /// service may have acted on it. Default `false`; keep it so for anything that creates or
    /// bills resources. **Turning it on accepts duplicates**: a CreateInstance that timed out
    /// after reaching the service may have created instances, and sending it again creates
    /// more.
    ///
    /// With `true`, such a call is retried after the failures that read-only calls are retried
    /// after (a timeout or a connection lost after sending, `InternalError`, a 5xx without the
    /// service's own code, a reused `SignatureNonce`), within the same attempts and budget.
    /// Nothing else changes: a 2xx answer that cannot be read is still not sent again, and a
    /// call that ends in failure after any attempt that may have been acted on still ends in
    /// [`SdkError::OutcomeUnknown`](crate::SdkError::OutcomeUnknown). A call that succeeds after such
    /// an attempt logs a warning (an earlier attempt may have done the work too). Meant for
    /// operations that are idempotent in effect, such as StopInstance on an instance already
    /// stopping.
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use ens_client::{CallOptions, StopInstanceRequest};
    ///
    /// // Stopping twice stops once: a lost answer may be sent again.
    /// let idempotent = CallOptions::new().retry_writes_accepting_duplicates(true);
    /// let request = StopInstanceRequest::builder().instance_id("i-5uf6d2xx").build();
    /// client.send_with(request, idempotent).await?;
    /// # Ok(()) }
    /// ```
    pub fn retry_writes_accepting_duplicates(mut self, accept: bool) -> Self {
        self.retry_writes = Some(accept);
        self
    }

    /// These options with every option `other` sets taken from `other`.
    pub fn overridden_by(self, other: CallOptions) -> Self {
        Self {
            connect_timeout: other.connect_timeout.or(self.connect_timeout),
            read_timeout: other.read_timeout.or(self.read_timeout),
            attempt_timeout: other.attempt_timeout.or(self.attempt_timeout),
            operation_timeout: other.operation_timeout.or(self.operation_timeout),
            min_body_rate: other.min_body_rate.or(self.min_body_rate),
            max_response_body: other.max_response_body.or(self.max_response_body),
            retry: other.retry.or(self.retry),
            signature_version: other.signature_version.or(self.signature_version),
            retry_writes: other.retry_writes.or(self.retry_writes),
        }
    }

    /// The connect timeout these options set, if any.
    pub fn get_connect_timeout(&self) -> Option<Duration> {
        self.connect_timeout
    }

    /// The read timeout these options set, if any.
    pub fn get_read_timeout(&self) -> Option<Duration> {
        self.read_timeout
    }

    /// The attempt timeout these options set, if any.
    pub fn get_attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The operation timeout these options set, if any.
    pub fn get_operation_timeout(&self) -> Option<Duration> {
        self.operation_timeout
    }

    /// The minimum body rate these options set, if any: bytes per window.
    pub fn get_min_body_rate(&self) -> Option<(u64, Duration)> {
        self.min_body_rate
    }

    /// The body size limit these options set, if any.
    pub fn get_max_response_body(&self) -> Option<usize> {
        self.max_response_body
    }

    /// The retry policy these options set, if any.
    pub fn get_retry_policy(&self) -> Option<RetryPolicy> {
        self.retry
    }

    /// The signature version these options set, if any.
    pub fn get_signature_version(&self) -> Option<SignatureVersion> {
        self.signature_version
    }

    /// Whether these options accept duplicates of calls that are not read-only, if they say.
    pub fn get_retry_writes_accepting_duplicates(&self) -> Option<bool> {
        self.retry_writes
    }
}

/// The time and size limits of a call, resolved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Limits {
    pub(crate) connect_timeout: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) operation_timeout: Duration,
    /// At least this many bytes of body in every `min_body_window` (0: no minimum).
    pub(crate) min_body_bytes: u64,
    pub(crate) min_body_window: Duration,
    pub(crate) max_response_body: usize,
}

/// Every setting of a call, resolved: the defaults, overridden by the client's options, then by
/// a view's and a call's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Settings {
    pub(crate) limits: Limits,
    pub(crate) retry: RetryPolicy,
    pub(crate) signature_version: SignatureVersion,
    pub(crate) retry_writes: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            limits: Limits {
                connect_timeout: Duration::from_secs(5),
                read_timeout: Duration::from_secs(30),
                attempt_timeout: Duration::from_secs(60),
                operation_timeout: Duration::from_secs(120),
                min_body_bytes: 1024,
                min_body_window: Duration::from_secs(5),
                max_response_body: 4 * 1024 * 1024,
            },
            retry: RetryPolicy::default(),
            signature_version: SignatureVersion::default(),
            retry_writes: false,
        }
    }
}

impl Settings {
    /// These settings with what `options` sets.
    pub(crate) fn with(mut self, options: &CallOptions) -> Self {
        let l = &mut self.limits;
        l.connect_timeout = options.connect_timeout.unwrap_or(l.connect_timeout);
        l.read_timeout = options.read_timeout.unwrap_or(l.read_timeout);
        l.attempt_timeout = options.attempt_timeout.unwrap_or(l.attempt_timeout);
        l.operation_timeout = options.operation_timeout.unwrap_or(l.operation_timeout);
        if let Some((bytes, window)) = options.min_body_rate {
            l.min_body_bytes = bytes;
            l.min_body_window = window;
        }
        l.max_response_body = options.max_response_body.unwrap_or(l.max_response_body);
        if let Some(retry) = options.retry {
            // The budget stays the client's.
            self.retry = retry.with_retry_tokens(self.retry.retry_tokens());
        }
        self.signature_version = options.signature_version.unwrap_or(self.signature_version);
        self.retry_writes = options.retry_writes.unwrap_or(self.retry_writes);
        self
    }

    /// Every setting, as options that set each one.
    pub(crate) fn to_options(self) -> CallOptions {
        let l = self.limits;
        CallOptions {
            connect_timeout: Some(l.connect_timeout),
            read_timeout: Some(l.read_timeout),
            attempt_timeout: Some(l.attempt_timeout),
            operation_timeout: Some(l.operation_timeout),
            min_body_rate: Some((l.min_body_bytes, l.min_body_window)),
            max_response_body: Some(l.max_response_body),
            retry: Some(self.retry),
            signature_version: Some(self.signature_version),
            retry_writes: Some(self.retry_writes),
        }
    }
}

impl Client {
    /// A view of this client whose calls use `options` over the client's settings (and over the
    /// view's own, when called on a view): for a group of calls (a wait, a page loop, a batch)
    /// that need other timeouts or retries, through any method, generated or not.
    ///
    /// The view shares everything else with the client: the connection pool, the credentials
    /// cache, the retry budget, the rate limiter and the signing clock's correction. It is as
    /// cheap as a clone (one `Arc` and the settings), and the client keeps its own settings.
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use ens_client::{CallOptions, DescribeInstancesRequest, WaitOptions};
    ///
    /// // Each poll of this wait gives up after 5 s and is not retried: the next poll comes soon.
    /// let polling = client.with_options(
    ///     CallOptions::new()
    ///         .operation_timeout(Duration::from_secs(5))
    ///         .retry_policy(ens_client::RetryPolicy::none()),
    /// );
    /// let request = DescribeInstancesRequest::builder().instance_ids(["i-5uf6d2xx"]).build();
    /// polling.wait_until_instance_running(request, &WaitOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    pub fn with_options(&self, options: CallOptions) -> Client {
        let mut view = self.clone();
        view.settings = view.settings.with(&options);
        view
    }

    /// Every setting this client's calls use, resolved: what an unset option of
    /// [`Client::send_with`] falls back to. Every option is set.
    ///
    /// ```
    /// use std::time::Duration;
    /// use ens_client::{CallOptions, Client};
    ///
    /// let client = Client::builder().build()?;
    /// assert_eq!(client.options().get_attempt_timeout(), Some(Duration::from_secs(60)));
    /// let view = client.with_options(CallOptions::new().attempt_timeout(Duration::from_secs(5)));
    /// assert_eq!(view.options().get_attempt_timeout(), Some(Duration::from_secs(5)));
    /// assert_eq!(view.options().get_operation_timeout(), Some(Duration::from_secs(120)));
    /// # Ok::<(), ens_client::BuildError>(())
    /// ```
    pub fn options(&self) -> CallOptions {
        self.settings.to_options()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_options_fall_through_and_set_ones_win() {
        let base = Settings::default();
        assert_eq!(base.with(&CallOptions::new()), base);
        let call = CallOptions::new()
            .attempt_timeout(Duration::from_secs(3))
            .signature_version(SignatureVersion::RpcV1)
            .retry_policy(RetryPolicy::new(7).with_retry_tokens(1))
            .retry_writes_accepting_duplicates(true);
        let s = base.with(&call);
        assert_eq!(s.limits.attempt_timeout, Duration::from_secs(3));
        assert_eq!(s.limits.operation_timeout, base.limits.operation_timeout);
        assert_eq!(s.signature_version, SignatureVersion::RpcV1);
        assert_eq!(s.retry.max_attempts(), 7);
        assert_eq!(s.retry.retry_tokens(), 500, "the budget is the client's");
        assert!(s.retry_writes);
        // A later level that sets nothing keeps what an earlier one set; one that sets wins.
        let view = CallOptions::new().attempt_timeout(Duration::from_secs(9));
        let merged = view.overridden_by(call);
        assert_eq!(merged.get_attempt_timeout(), Some(Duration::from_secs(3)));
        assert_eq!(
            CallOptions::new().overridden_by(view).get_attempt_timeout(),
            Some(Duration::from_secs(9))
        );
        assert_eq!(base.with(&s.to_options()), s);
    }
}
