//! ENS's "wait for these instances": a thin convenience over DescribeInstances' spec waiters
//! (`InstanceRunning`, `InstanceStopped`), for a list of ids of any length.

#[cfg(feature = "instance")]
use crate::{
    Client, DescribeInstancesError, DescribeInstancesRequest, SdkError,
    describe_instances::{INSTANCE_RUNNING, INSTANCE_STOPPED, Instance},
    wait::{Observation, WaitOptions},
};

/// Why [`Client::wait_for_instances`] did not return the instances.
#[cfg(feature = "instance")]
pub type WaitError = crate::wait::WaitError<SdkError<DescribeInstancesError>>;

/// How many ids one DescribeInstances call may filter on (the API's documented maximum).
#[cfg(feature = "instance")]
const IDS_PER_CALL: usize = 100;

#[cfg(feature = "instance")]
impl Client {
    /// Waits until every instance in `ids` is `status`, `"Running"` (after CreateInstance or
    /// StartInstance) or `"Stopped"`, and returns them in the order of `ids`.
    ///
    /// The spec waiter for that status decides, as
    /// [`wait_until_instance_running`](Client::wait_until_instance_running) and
    /// [`wait_until_instance_stopped`](Client::wait_until_instance_stopped) do: an instance not
    /// listed yet is waited for, an `Expired` one ends the wait as [`WaitError::Failed`](crate::wait::WaitError::Failed).
    /// The ids are asked about 100 per DescribeInstances call (its documented maximum), a group
    /// after the other ([`Client::wait_for_ids`](ens_runtime::Client::wait_for_ids)); an id given
    /// more than once is waited for and returned once, at its first place. Pauses grow from
    /// `options.initial_delay` to `options.max_delay`, and the client keeps DescribeInstances
    /// within its documented rate limit.
    ///
    /// Returns within `options.timeout` (a DescribeInstances call still running then is
    /// abandoned; it only reads). On timeout the error lists each instance not there yet with its
    /// last status, in the order of `ids`. A `status` no spec waiter waits for is refused at once
    /// ([`WaitError::NoWaiter`](crate::wait::WaitError::NoWaiter)).
    ///
    /// ```no_run
    /// # async fn run(client: ens_client::Client, ids: Vec<String>) -> Result<(), Box<dyn std::error::Error>> {
    /// use ens_client::WaitOptions;
    ///
    /// let running = client.wait_for_instances(ids, "Running", &WaitOptions::default()).await?;
    /// for instance in running {
    ///     println!("{:?} is up", instance.instance_id);
    /// }
    /// # Ok(()) }
    /// ```
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
        let waiters = [&INSTANCE_RUNNING, &INSTANCE_STOPPED];
        let Some(waiter) = waiters.into_iter().find(|w| {
            w.acceptors.iter().any(|a| {
                a.state == crate::core::WaitState::Success
                    && matches!(a.matcher, crate::core::Matcher::Path { expected, .. } if expected == status)
            })
        }) else {
            return Err(WaitError::NoWaiter {
                status: status.to_owned(),
                waiters: waiters.iter().map(|w| w.name).collect(),
            });
        };
        self.wait_for_ids(
            ids,
            waiter,
            options,
            IDS_PER_CALL,
            |group| {
                DescribeInstancesRequest::builder()
                    .instance_ids(group)
                    .page_size(IDS_PER_CALL as i64)
                    .build()
            },
            |answer| {
                answer
                    .instances
                    .iter()
                    .filter_map(|instance| {
                        Some(Observation {
                            id: instance.instance_id.clone()?,
                            status: instance.status.as_ref().map(|s| s.as_str().to_owned()),
                            resource: instance.clone(),
                        })
                    })
                    .collect()
            },
        )
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
