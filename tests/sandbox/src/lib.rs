//! A local emulator of the Partner Center integration sandbox (customer endpoints).
//!
//! Library first, so test suites can run it in-process:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = sandbox::start(sandbox::Config::default()).await?; // port 0 = free port
//! let base = server.base_url(); // "http://127.0.0.1:PORT"
//! # let _ = base;
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The binary (`src/main.rs`) is a thin CLI over [`start`]. Behaviour, conventions and
//! the deterministic rules are documented in tests/sandbox/README.md.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod config;
pub mod countries;
pub mod errors;
pub mod faults;
mod logging;
mod middleware;
pub mod model;
pub mod paging;
mod routes;
pub mod state;
pub mod throttle;
pub mod validation;
pub mod wire;

pub use config::Config;
pub use faults::{FaultConfig, FaultKind, ScriptEntry};

/// A running emulator. Dropping it stops the server too (without waiting).
pub struct Running {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Running {
    /// "http://127.0.0.1:PORT"
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish (at most 5 s), then returns.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            // Cannot await in Drop: stop the accept loop now.
            task.abort();
        }
    }
}

/// Binds 127.0.0.1:`config.port` (0 = a free port) and serves on the current tokio
/// runtime until [`Running::shutdown`] or drop.
pub async fn start(config: Config) -> std::io::Result<Running> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    // Small JSON responses: without TCP_NODELAY, Nagle + delayed ACK can add ~40 ms to a
    // request, which would swamp any client benchmark.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = Arc::new(state::App::new(config));
    let router = routes::router(app);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(Running {
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}
