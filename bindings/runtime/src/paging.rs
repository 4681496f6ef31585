//! Walking a continuation-token paged list as one stream of items.

use std::collections::HashSet;
use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt};
use reqwest::header::HeaderMap;

use crate::error::Error;

/// One page of a list.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub continuation_token: Option<String>,
    pub total_count: Option<i64>,
    pub status: u16,
    pub headers: HeaderMap,
    pub request_id: String,
}

impl<T> Page<T> {
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// Whether another page follows (an empty token counts as none).
    pub fn has_next(&self) -> bool {
        self.continuation_token
            .as_deref()
            .is_some_and(|t| !t.is_empty())
    }
}

enum Next {
    First,
    Token(String),
    /// The last page repeated an earlier token: following it would loop.
    Repeated {
        status: u16,
        request_id: String,
    },
    Done,
}

struct State<T, F> {
    fetch: F,
    items: std::vec::IntoIter<T>,
    next: Next,
    seen: HashSet<String>,
}

/// Streams every item of every page: fetch(None) is the first page, fetch(Some(token)) the next.
/// Ends after a page without a token (or with an empty one); a token seen twice ends the stream with
/// Error::Decode (no endless loop). Items of that last page are still yielded first. A fetch error
/// is yielded once and ends the stream.
pub fn paginate<T, F, Fut>(fetch: F) -> BoxStream<'static, Result<T, Error>>
where
    T: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
{
    let state = State {
        fetch,
        items: Vec::new().into_iter(),
        next: Next::First,
        seen: HashSet::new(),
    };
    stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.items.next() {
                return Some((Ok(item), st));
            }
            let token = match std::mem::replace(&mut st.next, Next::Done) {
                Next::Done => return None,
                Next::First => None,
                Next::Token(t) => Some(t),
                Next::Repeated { status, request_id } => {
                    let err = Error::Decode {
                        status,
                        message: "the service returned a continuation token it had already \
                                  returned; stopping to avoid an endless loop"
                            .into(),
                        body_excerpt: String::new(),
                        request_id: Some(request_id),
                    };
                    return Some((Err(err), st));
                }
            };
            match (st.fetch)(token).await {
                Ok(page) => {
                    st.next = match page.continuation_token {
                        Some(t) if t.is_empty() => Next::Done,
                        Some(t) => {
                            if st.seen.contains(&t) {
                                Next::Repeated {
                                    status: page.status,
                                    request_id: page.request_id,
                                }
                            } else {
                                st.seen.insert(t.clone());
                                Next::Token(t)
                            }
                        }
                        None => Next::Done,
                    };
                    st.items = page.items.into_iter();
                }
                Err(e) => return Some((Err(e), st)),
            }
        }
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use std::sync::{Arc, Mutex};

    fn page(items: Vec<u32>, token: Option<&str>) -> Page<u32> {
        Page {
            items,
            continuation_token: token.map(str::to_owned),
            total_count: None,
            status: 200,
            headers: HeaderMap::new(),
            request_id: "r".into(),
        }
    }

    #[test]
    fn walks_pages_until_no_token() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let log = calls.clone();
        let s = paginate(move |token: Option<String>| {
            if let Ok(mut l) = log.lock() {
                l.push(token.clone());
            }
            async move {
                Ok(match token.as_deref() {
                    None => page(vec![1, 2], Some("a")),
                    Some("a") => page(vec![], Some("b")),
                    Some("b") => page(vec![3], None),
                    Some(other) => return Err(Error::Config(other.into())),
                })
            }
        });
        let items: Vec<_> = block_on(s.collect::<Vec<_>>());
        let items: Vec<u32> = items.into_iter().filter_map(Result::ok).collect();
        assert_eq!(items, [1, 2, 3]);
        let calls = calls.lock().map(|c| c.clone()).unwrap_or_default();
        assert_eq!(calls, [None, Some("a".into()), Some("b".into())]);
    }

    #[test]
    fn repeated_token_ends_with_decode_error() {
        let s = paginate(|token: Option<String>| async move {
            Ok(match token {
                None => page(vec![1], Some("a")),
                Some(_) => page(vec![2], Some("a")),
            })
        });
        let out = block_on(s.collect::<Vec<_>>());
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(matches!(out[0], Ok(1)));
        assert!(matches!(out[1], Ok(2)));
        assert!(matches!(out[2], Err(Error::Decode { status: 200, .. })));
    }

    #[test]
    fn fetch_error_is_yielded_once() {
        let s = paginate(|token: Option<String>| async move {
            match token {
                None => Ok(page(vec![1], Some("a"))),
                Some(_) => Err(Error::Config("boom".into())),
            }
        });
        let out = block_on(s.collect::<Vec<_>>());
        assert_eq!(out.len(), 2);
        assert!(matches!(out[1], Err(Error::Config(_))));
    }

    #[test]
    fn empty_token_means_last_page() {
        let s = paginate(|token: Option<String>| async move {
            match token {
                None => Ok(page(vec![7], Some(""))),
                Some(_) => Err(Error::Config("must not fetch".into())),
            }
        });
        let out = block_on(s.collect::<Vec<_>>());
        assert_eq!(out.len(), 1);
        assert!(matches!(out[0], Ok(7)));
        assert!(!page(vec![], Some("")).has_next());
        assert_eq!(page(vec![4, 5], None).into_items(), [4, 5]);
    }
}
