//! ENS's half of the runtime seam: the service description the runtime runs on, the entry point
//! `Client::builder()`, and the instance waiter. Hand-written glue over generated items until the
//! generator emits it (then this file goes away and the runtime moves to a crate of its own).

use crate::{Client, ClientBuilder, Service};
// The instance waiter needs DescribeInstances, an operation of the `instance` area.
#[cfg(feature = "instance")]
use crate::{
    DescribeInstancesError, DescribeInstancesRequest, Error,
    describe_instances::Instance,
    wait::{Observation, Polling, WaitOptions},
};
#[cfg(feature = "instance")]
use ens_core::Operation as _;

/// ENS as the runtime sees it: API version, endpoints, common error codes (from
/// `specs/ens/service.json`, through the generated constants).
pub static ENS: Service = Service {
    name: "ENS",
    api_version: crate::API_VERSION,
    default_endpoint: crate::DEFAULT_ENDPOINT,
    endpoints: crate::ENDPOINTS,
    retry_class: |code| crate::CommonError::from_code(code, "").map(|e| e.retry_class()),
};

/// The host of `region`: from the service's endpoint list, else the default endpoint (which
/// serves every cn-* region).
pub fn endpoint_for_region(region: &str) -> &'static str {
    ENS.endpoint_for_region(region)
}

/// Why [`Client::wait_for_instances`] did not return the instances.
#[cfg(feature = "instance")]
pub type WaitError = crate::wait::WaitError<Error<DescribeInstancesError>>;

/// How many ids one DescribeInstances call may filter on (the API's documented maximum).
#[cfg(feature = "instance")]
const IDS_PER_CALL: usize = 100;

impl Client {
    /// A builder with the defaults: default credential chain, `ens.aliyuncs.com`, V3
    /// signature, 3 attempts.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new(&ENS)
    }

    #[cfg(feature = "instance")]
    #[cfg_attr(docsrs, doc(cfg(feature = "instance")))]
    /// Polls DescribeInstances until every instance in `ids` reports `status` (for example
    /// `"Running"` after CreateInstance), and returns them in the order of `ids`.
    ///
    /// An id given more than once is waited for and returned once, at its first place. Only
    /// the instances still pending are asked about, up to 100 per call; pauses grow from
    /// `options.initial_delay` to `options.max_delay`, and calls are never closer than
    /// DescribeInstances' documented rate limit allows.
    ///
    /// Returns within `options.timeout` (a DescribeInstances call still running then is
    /// abandoned; it only reads). On timeout the error lists each instance not there yet with
    /// its last status, in the order of `ids`.
    pub async fn wait_for_instances<I, S>(
        &self,
        ids: I,
        status: &str,
        options: &WaitOptions,
    ) -> Result<Vec<Instance>, WaitError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let polling = Polling::new(
            IDS_PER_CALL,
            DescribeInstancesRequest::SPEC.rate_limit_per_second,
        );
        self.wait_for(ids, status, options, polling, |chunk| async move {
            let request = DescribeInstancesRequest::builder()
                .instance_ids(chunk)
                .page_size(IDS_PER_CALL as i64)
                .build();
            let answer = self.send(request).await?;
            Ok(answer
                .instances
                .into_iter()
                .filter_map(|instance| {
                    Some(Observation {
                        id: instance.instance_id.clone()?,
                        status: instance.status.as_ref().map(|s| s.as_str().to_owned()),
                        resource: instance,
                    })
                })
                .collect())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(
            endpoint_for_region("ap-southeast-1"),
            "ens.ap-southeast-1.aliyuncs.com"
        );
        assert_eq!(endpoint_for_region("cn-hangzhou"), "ens.aliyuncs.com");
        assert_eq!(endpoint_for_region("xx-nowhere-1"), crate::DEFAULT_ENDPOINT);
    }

    #[test]
    fn common_codes_keep_their_retry_class() {
        use ens_core::RetryClass;
        assert_eq!(
            (ENS.retry_class)("Throttling.User"),
            Some(RetryClass::Throttling)
        );
        assert_eq!(
            (ENS.retry_class)("ServiceUnavailable"),
            Some(RetryClass::Unavailable)
        );
        assert_eq!(
            (ENS.retry_class)("InternalError"),
            Some(RetryClass::Transient)
        );
        assert_eq!((ENS.retry_class)("Brand.New"), None);
    }
}
