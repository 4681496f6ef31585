//! Reading an answer's body with a size cap, so a broken or hostile server cannot make the client
//! hold hundreds of megabytes: a declared `Content-Length` over the cap is refused before reading,
//! and an undeclared one stops being read at the cap.

use bytes::{Bytes, BytesMut};

use crate::error::{DECODE_EXCERPT_CAP, Error, excerpt};

/// The default cap: far above any Partner Center answer (a page of 500 customers is under 1 MB),
/// far below what would hurt a worker process.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Why a body could not be read whole.
pub(crate) enum ReadError {
    /// Over the cap; carries the start of what had arrived (maybe nothing).
    TooLarge { start: Bytes },
    /// The connection failed while reading.
    Transport(reqwest::Error),
}

/// Reads `response`'s body whole if it is at most `cap` bytes.
pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
    cap: usize,
) -> Result<Bytes, ReadError> {
    if response
        .content_length()
        .is_some_and(|declared| declared > cap as u64)
    {
        return Err(ReadError::TooLarge {
            start: Bytes::new(),
        });
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        if body.len() + chunk.len() > cap {
            body.extend_from_slice(&chunk[..DECODE_EXCERPT_CAP.min(chunk.len())]);
            return Err(ReadError::TooLarge {
                start: body.freeze(),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The Decode error for an answer over the cap.
pub(crate) fn too_large(status: u16, cap: usize, start: &[u8], request_id: &str) -> Error {
    Error::Decode {
        status,
        message: format!(
            "the answer is larger than this client's limit of {cap} bytes \
             (raise the client's maximum response size if such answers are expected)"
        ),
        body_excerpt: excerpt(start, DECODE_EXCERPT_CAP),
        request_id: Some(request_id.to_owned()),
    }
}
