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

use crate::connections::{CountingAcceptor, CountingListener};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod admin_body;
pub mod auth;
pub mod clock;
pub mod config;
pub mod connections;
pub mod countries;
pub mod datetime;
pub mod errors;
pub mod faults;
pub mod in_flight;
mod logging;
mod middleware;
pub mod model;
pub mod onboarding;
pub mod paging;
mod routes;
pub mod state;
pub mod throttle;
mod tls;
pub mod validation;
pub mod wire;

pub use config::{AuthMode, Config};
pub use faults::{FaultConfig, FaultKind, ScriptEntry};
pub use throttle::Settings as ThrottleSettings;

/// A running emulator. Dropping it stops the server too (without waiting).
pub struct Running {
    pub addr: SocketAddr,
    ca_pem: Option<String>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Running {
    /// "http://127.0.0.1:PORT", or "https://127.0.0.1:PORT" with `Config::tls`.
    pub fn base_url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// With `Config::tls`: the PEM of the CA that signed the server certificate (add it to
    /// a client's trust roots). `None` without TLS.
    pub fn ca_cert_pem(&self) -> Option<String> {
        self.ca_pem.clone()
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
/// runtime until [`Running::shutdown`] or drop. With `config.tls`, serves https with a
/// certificate made now (and writes its CA to `config.tls_cert_out` when set).
pub async fn start(config: Config) -> std::io::Result<Running> {
    let tls = if config.tls {
        let material = tls::generate()?;
        if let Some(path) = &config.tls_cert_out {
            std::fs::write(path, &material.ca_pem)?;
        }
        Some(material)
    } else {
        None
    };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let app = Arc::new(state::App::new(config));
    let connections = app.connections.clone();
    let router = routes::router(app);
    let (tx, rx) = oneshot::channel::<()>();
    let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
    let task = match tls {
        None => {
            // Small JSON responses: without TCP_NODELAY, Nagle + delayed ACK can add ~40 ms to a
            // request, which would swamp any client benchmark.
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            let listener = CountingListener::new(listener, connections);
            tokio::spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await;
            })
        }
        Some(material) => {
            use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
            let acceptor = RustlsAcceptor::new(RustlsConfig::from_config(material.server_config))
                .acceptor(CountingAcceptor::new(connections));
            let handle = axum_server::Handle::new();
            let server = axum_server::from_tcp(listener.into_std()?)?
                .acceptor(acceptor)
                .handle(handle.clone());
            tokio::spawn(async move {
                tokio::spawn(async move {
                    let _ = rx.await;
                    handle.graceful_shutdown(Some(Duration::from_secs(5)));
                });
                let _ = server.serve(router.into_make_service()).await;
            })
        }
    };
    Ok(Running {
        addr,
        ca_pem,
        shutdown: Some(tx),
        task: Some(task),
    })
}
