//! ENS's instance waiter over the runtime's id-list engine (hand-written until the spec waiter
//! takes its place).

use crate::Client;
// The instance waiter needs DescribeInstances, an operation of the `instance` area.
#[cfg(feature = "instance")]
use crate::core::Operation as _;
#[cfg(feature = "instance")]
use crate::{
    DescribeInstancesError, DescribeInstancesRequest, SdkError,
    describe_instances::Instance,
    wait::{Observation, Polling, WaitOptions},
};

/// Why [`Client::wait_for_instances`] did not return the instances.
#[cfg(feature = "instance")]
pub type WaitError = crate::wait::WaitError<SdkError<DescribeInstancesError>>;

/// How many ids one DescribeInstances call may filter on (the API's documented maximum).
#[cfg(feature = "instance")]
const IDS_PER_CALL: usize = 100;

impl Client {
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
    use crate::{ENS, endpoint_for_region};

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
        use crate::core::RetryClass;
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
