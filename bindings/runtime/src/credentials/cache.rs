//! The token cache in front of a [`TokenSource`]: when to refresh, one refresh at a time, and what
//! to do when a refresh fails.
//!
//! The rules are the Azure SDKs' and MSAL's: reuse a token until a few minutes before it expires
//! (earlier for short-lived tokens, and at a random point so that many processes started together
//! do not refresh together); whatever the number of waiting calls, one request to the token
//! endpoint; when a refresh fails while the old token is still valid, keep using it and try again
//! a little later; a token the server rejected (401) is dropped.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use super::{AccessToken, TokenSource};
use crate::auth::{BoxFuture, TokenProvider, TokenRequest};
use crate::error::Error;
use crate::secret::Secret;

/// When a [`Cached`] credential refreshes.
#[derive(Clone, Debug, PartialEq)]
pub struct RefreshPolicy {
    /// Refresh this long before expiry (default 5 minutes); tokens that live less than twice this
    /// refresh at half their life, tokens that live 2 hours or more at half their life too.
    pub window: Duration,
    /// Up to this much earlier still, drawn at random per token (default 60 s, at most a tenth of
    /// the token's life).
    pub max_jitter: Duration,
    /// After a refresh fails while the token is still valid, keep using it this long before
    /// asking again (default 30 s).
    pub retry_delay: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(300),
            max_jitter: Duration::from_secs(60),
            retry_delay: Duration::from_secs(30),
        }
    }
}

const LONG_LIVED: Duration = Duration::from_secs(2 * 3600);

impl RefreshPolicy {
    /// When to stop handing out `token` (issued `now`) and get another.
    pub fn refresh_at(&self, token: &AccessToken, now: SystemTime) -> SystemTime {
        if let Some(on) = token.refresh_on
            && on < token.expires_on
        {
            return on;
        }
        let life = token.expires_on.duration_since(now).unwrap_or_default();
        let lead = if life >= LONG_LIVED {
            life / 2
        } else {
            self.window.min(life / 2)
        };
        let jitter_cap = self.max_jitter.min(life / 10);
        let jitter = if jitter_cap.is_zero() {
            Duration::ZERO
        } else {
            jitter_cap.mul_f64(rand::random::<f64>())
        };
        token.expires_on - lead - jitter
    }
}

/// A [`TokenSource`] behind the token cache: what a client takes as its token provider.
pub struct Cached<S> {
    source: S,
    policy: RefreshPolicy,
    slots: Mutex<Vec<(SlotKey, Arc<Slot>)>>,
}

/// One cache entry per cloud and scopes: a credential shared by clients of two clouds keeps both.
#[derive(PartialEq, Eq)]
struct SlotKey {
    authority_host: String,
    app_scope: String,
    user_scope: String,
}

#[derive(Default)]
struct Slot {
    current: Mutex<Option<Entry>>,
    /// Held while asking the source: the one refresh in flight (see [`Flight`]).
    flight: Mutex<Flight>,
}

/// The lock of the one refresh in flight, and the process it belongs to. A process forked while
/// a refresh was in flight (a Python prefork worker) inherits the lock held by a task that does
/// not exist there and would wait for it for ever; it takes a lock of its own instead. The
/// process id is read only on the way to a refresh, never when a cached token is handed out.
#[derive(Default)]
struct Flight {
    process: u32,
    lock: Arc<tokio::sync::Mutex<()>>,
}

struct Entry {
    token: AccessToken,
    refresh_at: SystemTime,
    /// Set after a failed refresh: until then the old token is handed out without asking again.
    quiet_until: Option<SystemTime>,
}

impl Entry {
    /// The token, when it may be handed out without asking the source.
    fn fresh(&self, now: SystemTime) -> Option<&Secret> {
        let quiet = self.quiet_until.is_some_and(|q| now < q);
        (now < self.token.expires_on && (now < self.refresh_at || quiet))
            .then_some(&self.token.token)
    }
}

impl Slot {
    fn entry(&self) -> std::sync::MutexGuard<'_, Option<Entry>> {
        // The entry is replaced whole; a panic elsewhere cannot leave it half-written.
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fresh(&self, now: SystemTime) -> Option<Secret> {
        self.entry().as_ref().and_then(|e| e.fresh(now)).cloned()
    }

    /// This process's refresh lock.
    fn flight(&self) -> Arc<tokio::sync::Mutex<()>> {
        let process = std::process::id();
        let mut flight = self.flight.lock().unwrap_or_else(PoisonError::into_inner);
        if flight.process != process {
            *flight = Flight {
                process,
                lock: Arc::default(),
            };
        }
        Arc::clone(&flight.lock)
    }
}

impl<S: TokenSource> Cached<S> {
    pub fn with_source(source: S, policy: RefreshPolicy) -> Self {
        Self {
            source,
            policy,
            slots: Mutex::new(Vec::new()),
        }
    }

    /// The flow behind the cache.
    pub fn source(&self) -> &S {
        &self.source
    }

    fn slot(&self, request: &TokenRequest) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let found = slots.iter().find(|(k, _)| {
            k.authority_host == request.authority_host
                && k.app_scope == request.app_scope
                && k.user_scope == request.user_scope
        });
        if let Some((_, slot)) = found {
            return Arc::clone(slot);
        }
        let slot = Arc::new(Slot::default());
        slots.push((
            SlotKey {
                authority_host: request.authority_host.clone(),
                app_scope: request.app_scope.clone(),
                user_scope: request.user_scope.clone(),
            },
            Arc::clone(&slot),
        ));
        slot
    }

    /// A token for `request`: the cached one while it is fresh, else a new one from the source.
    pub async fn get(&self, request: &TokenRequest) -> Result<Secret, Error> {
        let slot = self.slot(request);
        if let Some(token) = slot.fresh(SystemTime::now()) {
            return Ok(token);
        }
        let flight = slot.flight();
        let _flight = flight.lock().await;
        // Whoever held the flight before us may have refreshed already.
        let now = SystemTime::now();
        if let Some(token) = slot.fresh(now) {
            return Ok(token);
        }
        match self.source.fetch(request).await {
            Ok(token) => {
                let now = SystemTime::now();
                let secret = token.token.clone();
                *slot.entry() = Some(Entry {
                    refresh_at: self.policy.refresh_at(&token, now),
                    token,
                    quiet_until: None,
                });
                Ok(secret)
            }
            Err(error) => {
                let mut entry = slot.entry();
                match entry.as_mut() {
                    Some(e) if now < e.token.expires_on => {
                        tracing::warn!(
                            error = %error,
                            "token refresh failed; using the cached token while it is valid"
                        );
                        e.quiet_until = Some(now + self.policy.retry_delay);
                        Ok(e.token.token.clone())
                    }
                    _ => Err(error),
                }
            }
        }
    }

    /// Drops `rejected` wherever it is cached.
    pub fn invalidate(&self, rejected: &Secret) {
        let slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        for (_, slot) in slots.iter() {
            let mut entry = slot.entry();
            if entry.as_ref().is_some_and(|e| &e.token.token == rejected) {
                *entry = None;
            }
        }
    }
}

impl<S: TokenSource> TokenProvider for Cached<S> {
    fn token<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<Secret, Error>> {
        Box::pin(self.get(request))
    }

    fn invalidate(&self, rejected: &Secret) {
        Cached::invalidate(self, rejected)
    }
}

impl<S: fmt::Debug> fmt::Debug for Cached<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The cached tokens are left out, not just redacted: their number says nothing useful.
        f.debug_struct("Cached")
            .field("source", &self.source)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Tokens "t1", "t2", … living `life`; fails when `fail` is set.
    struct Counting {
        calls: AtomicU32,
        life: Duration,
        fail: std::sync::atomic::AtomicBool,
    }

    impl TokenSource for Counting {
        fn fetch<'a>(&'a self, _: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, Error>> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
                if self.fail.load(Ordering::SeqCst) {
                    return Err(Error::Config("refused".into()));
                }
                Ok(AccessToken {
                    token: Secret::new(format!("t{n}")),
                    expires_on: SystemTime::now() + self.life,
                    refresh_on: None,
                })
            })
        }
    }

    fn cached(life: Duration) -> Cached<Counting> {
        Cached::with_source(
            Counting {
                calls: AtomicU32::new(0),
                life,
                fail: false.into(),
            },
            RefreshPolicy::default(),
        )
    }

    #[test]
    fn refresh_point_follows_the_policy() {
        let p = RefreshPolicy::default();
        let now = SystemTime::now();
        let token = |life: u64, refresh_on: Option<u64>| AccessToken {
            token: Secret::new("x"),
            expires_on: now + Duration::from_secs(life),
            refresh_on: refresh_on.map(|s| now + Duration::from_secs(s)),
        };
        for _ in 0..50 {
            // One hour: 5 minutes before expiry, up to 60 s earlier.
            let at = p.refresh_at(&token(3600, None), now);
            let lead = (now + Duration::from_secs(3600))
                .duration_since(at)
                .unwrap();
            assert!((300..=360).contains(&lead.as_secs()), "{lead:?}");
            // Two seconds: at about half-life.
            let at = p.refresh_at(&token(2, None), now);
            let lead = (now + Duration::from_secs(2)).duration_since(at).unwrap();
            assert!(lead >= Duration::from_secs(1) && lead <= Duration::from_millis(1200));
            // Long-lived: half-life.
            let at = p.refresh_at(&token(86_400, None), now);
            let lead = (now + Duration::from_secs(86_400))
                .duration_since(at)
                .unwrap();
            assert!((43_200..=43_260).contains(&lead.as_secs()));
        }
        // The issuer's refresh_in wins.
        assert_eq!(
            p.refresh_at(&token(3600, Some(100)), now),
            now + Duration::from_secs(100)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_waiting_calls_share_one_refresh() {
        let c = Arc::new(cached(Duration::from_secs(3600)));
        let req = TokenRequest::new("https://login.test", "a/.default", "a/user");
        let calls: Vec<_> = (0..200)
            .map(|_| {
                let c = Arc::clone(&c);
                let req = req.clone();
                tokio::spawn(async move { c.get(&req).await.map(Secret::into_inner) })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap().unwrap(), "t1");
        }
        assert_eq!(c.source().calls.load(Ordering::SeqCst), 1);
        // Another cloud is another entry.
        let other = TokenRequest::new("https://login.other", "a/.default", "a/user");
        assert_eq!(c.get(&other).await.unwrap().expose(), "t2");
        assert_eq!(c.get(&req).await.unwrap().expose(), "t1");
    }

    #[tokio::test]
    async fn a_rejected_token_is_dropped_and_only_that_one() {
        let c = cached(Duration::from_secs(3600));
        let req = TokenRequest::default();
        let first = c.get(&req).await.unwrap();
        c.invalidate(&Secret::new("not-cached"));
        assert_eq!(c.get(&req).await.unwrap(), first);
        c.invalidate(&first);
        assert_eq!(c.get(&req).await.unwrap().expose(), "t2");
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_the_valid_token_then_fails_once_expired() {
        // Lives 1.5 s: refreshed after ~0.75 s.
        let c = cached(Duration::from_millis(1500));
        let req = TokenRequest::default();
        assert_eq!(c.get(&req).await.unwrap().expose(), "t1");
        c.source().fail.store(true, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(900)).await;
        assert_eq!(c.get(&req).await.unwrap().expose(), "t1");
        // Quiet for the retry delay: no second call to the source.
        assert_eq!(c.get(&req).await.unwrap().expose(), "t1");
        assert_eq!(c.source().calls.load(Ordering::SeqCst), 2);
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert!(
            c.get(&req).await.is_err(),
            "an expired token is never handed out"
        );
    }
}
