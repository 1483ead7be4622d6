//! Paginators: an operation whose spec describes how it pages (`pagination`: page numbers with a
//! total count, or a next token) gets `client.<operation>_pages(request)`, a [`Stream`] of pages;
//! [`Pages::items`] turns it into a stream of the items of every page. With ENS's client
//! (`ens-client`, whose operations are generated over this runtime):
//!
//! ```no_run
//! # async fn run(client: ens_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use ens_client::DescribeInstancesRequest;
//!
//! let request = DescribeInstancesRequest::builder().page_size(100).build();
//! let mut instances = client.describe_instances_pages(request).items();
//! while let Some(instance) = instances.next().await {
//!     println!("{:?}", instance?.instance_id);
//! }
//! # Ok(()) }
//! ```
//!
//! Pages are fetched one at a time, when the stream is polled; each call is the client's own
//! (validated, retried as a read, bounded in time). The stream ends after the last page: for page
//! numbers, once the items seen reach the total count, or a page comes back empty or shorter than
//! the page size asked for; for tokens, once the answer has no next token (or the same token again,
//! which would never end). It does not bound the number of pages a service may claim: take what
//! you need. An error ends the stream after it is yielded.

use crate::{Client, SdkError};
use ens_core::Operation;
use futures_core::Stream;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// An operation that pages through its results; implemented by the generated request of each
/// operation whose spec has `pagination`.
pub trait Paginated: Operation + Clone {
    /// One item of a page (`Instance` for DescribeInstances).
    type Item: Send + 'static;

    /// The request for the page after `page`, which answered this request; `seen` counts the
    /// items of every page so far, this one's included. `None` after the last page.
    fn next_page(&self, page: &Self::Response, seen: usize) -> Option<Self>;

    /// How many items `page` holds.
    fn items_on(page: &Self::Response) -> usize;

    /// The items of `page`, taken out of it.
    fn take_items(page: &mut Self::Response) -> Vec<Self::Item>;
}

/// The page number after `current` (1 when not given), or `None` when the page that answered it
/// was the last: it held no item, fewer than the `size` asked for, or the items seen reach
/// `total`. For generated [`Paginated::next_page`]s.
pub fn next_page_number(
    current: Option<i64>,
    size: Option<i64>,
    total: Option<i64>,
    on_page: usize,
    seen: usize,
) -> Option<i64> {
    let on_page = i64::try_from(on_page).unwrap_or(i64::MAX);
    let seen = i64::try_from(seen).unwrap_or(i64::MAX);
    let short = size.is_some_and(|size| on_page < size);
    let all_seen = total.is_some_and(|total| seen >= total);
    if on_page == 0 || short || all_seen {
        return None;
    }
    current.unwrap_or(1).max(1).checked_add(1)
}

/// The token for the next page, or `None` when `answered` has none (or repeats the token that
/// asked for this page, which would never end). For generated [`Paginated::next_page`]s.
pub fn next_token(asked: Option<&str>, answered: Option<&str>) -> Option<String> {
    answered
        .filter(|t| !t.is_empty() && Some(*t) != asked)
        .map(str::to_owned)
}

type Call<O> = Pin<
    Box<
        dyn Future<
                Output = (
                    O,
                    Result<<O as Operation>::Response, SdkError<<O as Operation>::Error>>,
                ),
            > + Send,
    >,
>;

/// The pages of an operation's results, fetched one at a time as the stream is polled: a
/// [`Stream`] of `Result<Response, SdkError>`. Also `next().await` without a stream library.
#[must_use = "a paginator fetches nothing until it is polled"]
pub struct Pages<O: Paginated> {
    client: Client,
    /// The request for the next page; `None` once the last page came (or an error).
    next: Option<O>,
    /// Items seen so far.
    seen: usize,
    call: Option<Call<O>>,
}

impl<O: Paginated> std::fmt::Debug for Pages<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("action", &O::SPEC.action)
            .field("seen", &self.seen)
            .field("done", &(self.next.is_none() && self.call.is_none()))
            .finish()
    }
}

impl<O: Paginated> Pages<O> {
    /// The pages of `first`'s results, starting with `first` itself.
    pub fn new(client: Client, first: O) -> Self {
        Self {
            client,
            next: Some(first),
            seen: 0,
            call: None,
        }
    }

    /// The items of every page, one by one.
    pub fn items(self) -> Items<O> {
        Items {
            pages: self,
            buffer: VecDeque::new(),
        }
    }

    /// The next page, or `None` after the last.
    pub async fn next(&mut self) -> Option<Result<O::Response, SdkError<O::Error>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every remaining page, in order; the first error ends it.
    pub async fn collect(mut self) -> Result<Vec<O::Response>, SdkError<O::Error>> {
        let mut pages = Vec::new();
        while let Some(page) = self.next().await {
            pages.push(page?);
        }
        Ok(pages)
    }
}

// Nothing is pinned in place: the call in flight is boxed.
impl<O: Paginated> Unpin for Pages<O> {}

impl<O: Paginated> Stream for Pages<O> {
    type Item = Result<O::Response, SdkError<O::Error>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.call.is_none() {
            let Some(request) = this.next.take() else {
                return Poll::Ready(None);
            };
            let client = this.client.clone();
            this.call = Some(Box::pin(async move {
                let answer = client.send(request.clone()).await;
                (request, answer)
            }));
        }
        let Some(call) = this.call.as_mut() else {
            return Poll::Ready(None);
        };
        let (request, answer) = match call.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(done) => done,
        };
        this.call = None;
        if let Ok(page) = &answer {
            this.seen = this.seen.saturating_add(O::items_on(page));
            this.next = request.next_page(page, this.seen);
        }
        Poll::Ready(Some(answer))
    }
}

/// The items of every page of an operation's results, one by one: a [`Stream`] of
/// `Result<Item, SdkError>`. An error fetching a page is yielded once and ends it.
#[must_use = "a paginator fetches nothing until it is polled"]
pub struct Items<O: Paginated> {
    pages: Pages<O>,
    buffer: VecDeque<O::Item>,
}

impl<O: Paginated> std::fmt::Debug for Items<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<O: Paginated> Items<O> {
    /// The next item, or `None` after the last.
    pub async fn next(&mut self) -> Option<Result<O::Item, SdkError<O::Error>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every remaining item, in order; the first error ends it.
    pub async fn collect(mut self) -> Result<Vec<O::Item>, SdkError<O::Error>> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

impl<O: Paginated> Unpin for Items<O> {}

impl<O: Paginated> Stream for Items<O> {
    type Item = Result<O::Item, SdkError<O::Error>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(mut page))) => this.buffer.extend(O::take_items(&mut page)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_end_at_the_total_a_short_page_or_an_empty_one() {
        // 25 items, 10 a page: pages 1, 2, 3.
        assert_eq!(next_page_number(None, Some(10), Some(25), 10, 10), Some(2));
        assert_eq!(
            next_page_number(Some(2), Some(10), Some(25), 10, 20),
            Some(3)
        );
        assert_eq!(next_page_number(Some(3), Some(10), Some(25), 5, 25), None);
        // Exactly full pages: the total ends it.
        assert_eq!(next_page_number(Some(2), Some(10), Some(20), 10, 20), None);
        // No total: a short or empty page ends it.
        assert_eq!(next_page_number(Some(1), None, None, 10, 10), Some(2));
        assert_eq!(next_page_number(Some(4), None, None, 0, 30), None);
        assert_eq!(next_page_number(Some(1), Some(10), None, 3, 3), None);
        // A total the pages never reach (items went away meanwhile): an empty page ends it.
        assert_eq!(next_page_number(Some(9), Some(10), Some(1000), 0, 80), None);
        // Hostile numbers do not overflow.
        assert_eq!(next_page_number(Some(i64::MAX), None, None, 1, 1), None);
        assert_eq!(next_page_number(Some(-5), None, None, 1, 1), Some(2));
        assert_eq!(
            next_page_number(None, Some(-1), Some(-1), 1, usize::MAX),
            None
        );
    }

    #[test]
    fn tokens_end_when_absent_empty_or_repeated() {
        assert_eq!(next_token(None, Some("t1")), Some("t1".into()));
        assert_eq!(next_token(Some("t1"), Some("t2")), Some("t2".into()));
        assert_eq!(next_token(Some("t2"), Some("t2")), None);
        assert_eq!(next_token(Some("t2"), Some("")), None);
        assert_eq!(next_token(Some("t2"), None), None);
    }
}
