//! Open TCP connections (`connections` in `GET /_sandbox/health`): every accepted stream is
//! wrapped in [`Counted`], which counts from accept until hyper drops the stream (the
//! connection closed, by either side). Lets a test see that a client which gave up on an
//! answer really closed its connection, and that the emulator stopped serving it.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

#[derive(Default)]
pub struct Connections {
    open: AtomicUsize,
}

impl Connections {
    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }
}

/// A stream counted as an open connection until dropped.
pub struct Counted<I> {
    io: I,
    gauge: Arc<Connections>,
}

impl<I> Counted<I> {
    pub fn new(io: I, gauge: Arc<Connections>) -> Self {
        gauge.open.fetch_add(1, Ordering::SeqCst);
        Counted { io, gauge }
    }
}

impl<I> Drop for Counted<I> {
    fn drop(&mut self) {
        self.gauge.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Counted<I> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Counted<I> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// An axum listener whose connections are [`Counted`] (plain http).
pub struct CountingListener<L> {
    inner: L,
    gauge: Arc<Connections>,
}

impl<L> CountingListener<L> {
    pub fn new(inner: L, gauge: Arc<Connections>) -> Self {
        CountingListener { inner, gauge }
    }
}

impl<L: Listener> Listener for CountingListener<L> {
    type Io = Counted<L::Io>;
    type Addr = L::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = self.inner.accept().await;
        (Counted::new(io, self.gauge.clone()), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// The `--tls` server's innermost acceptor: sets `TCP_NODELAY` and counts the connection
/// (before the TLS handshake, so a failed handshake is counted until it closes too).
#[derive(Clone)]
pub struct CountingAcceptor {
    gauge: Arc<Connections>,
}

impl CountingAcceptor {
    pub fn new(gauge: Arc<Connections>) -> Self {
        CountingAcceptor { gauge }
    }
}

impl<S> axum_server::accept::Accept<TcpStream, S> for CountingAcceptor {
    type Stream = Counted<TcpStream>;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Self::Stream, Self::Service)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let counted = Counted::new(stream, self.gauge.clone());
        std::future::ready(counted.io.set_nodelay(true).map(|()| (counted, service)))
    }
}
