//! The HTTP/1.1 shell: a small server on tokio that reads requests (Content-Length or chunked
//! bodies, keep-alive), hands them to the core, and writes the answers, including the broken
//! ones fault injection asks for (resets, truncated or trickled bodies, lying Content-Length),
//! which is why it works on the raw socket rather than through an HTTP library.

use crate::control;
use crate::core::{IdleClose, Reply, Shared, Step, Wire};
use crate::request::HttpRequest;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted (ENS requests are small; UserData is at most 16 KiB).
const MAX_BODY: usize = 1024 * 1024;
/// The longest wait for the rest of a request once it has begun.
const IDLE: Duration = Duration::from_secs(120);

/// Serves `listener` until the task is dropped (which aborts every connection too).
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    shared.connections.accepted.fetch_add(1, Ordering::SeqCst);
                    connections.spawn(connection(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

enum ReadError {
    /// The peer closed or went idle: nothing to answer.
    Gone,
    /// Not HTTP we accept: answer this status, then close.
    Bad(u16, &'static str),
}

/// Waits until the next request may be read; `false` when the connection is to be closed as idle
/// (and then it is closed).
async fn await_next(
    stream: &mut TcpStream,
    shared: &Shared,
    idle_since: tokio::time::Instant,
) -> bool {
    let closed = || {
        shared
            .connections
            .idle_closed
            .fetch_add(1, Ordering::SeqCst);
        false
    };
    match shared.config.idle_close {
        IdleClose::After(limit) => {
            let deadline = idle_since + limit;
            match tokio::time::timeout_at(deadline, stream.readable()).await {
                Ok(ready) => ready.is_ok(),
                Err(_) => {
                    let _ = stream.shutdown().await;
                    closed()
                }
            }
        }
        IdleClose::OnNextRequest(limit) => {
            if stream.readable().await.is_err() {
                return false;
            }
            if idle_since.elapsed() < limit {
                return true;
            }
            // Unread data makes the close a reset, as a real server's would be.
            let _ = stream.set_zero_linger();
            closed()
        }
    }
}

/// Counts a request as in flight until dropped.
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn new(shared: &'a Shared) -> Self {
        let stats = &shared.connections;
        let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
        Self(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.connections.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    let mut idle_since: Option<tokio::time::Instant> = None;
    loop {
        if let Some(since) = idle_since
            && buf.is_empty()
            && !await_next(&mut stream, &shared, since).await
        {
            return;
        }
        let (request, keep_alive) = match read_request(&mut stream, &mut buf).await {
            Ok(r) => r,
            Err(ReadError::Gone) => return,
            Err(ReadError::Bad(status, why)) => {
                let body = serde_json::json!({"Code": "BadRequest", "Message": why});
                let reply = Reply::json(status, &body);
                let _ = write_reply(&mut stream, &reply, false, shared.wall_secs()).await;
                return;
            }
        };
        let in_flight = InFlight::new(&shared);
        let reply = if request.path.starts_with(control::PREFIX) {
            control::handle(&shared, &request)
        } else {
            match shared.admit(&request) {
                Step::Done(reply) => reply,
                Step::Proceed(ticket) => {
                    if !ticket.delay.is_zero() {
                        tokio::time::sleep(ticket.delay).await;
                    }
                    shared.execute(&ticket)
                }
            }
        };
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        let written = write_reply(&mut stream, &reply, keep_alive, shared.wall_secs()).await;
        drop(in_flight);
        match written {
            Ok(true) => idle_since = Some(tokio::time::Instant::now()),
            _ => return,
        }
    }
}

/// Reads one request; `buf` keeps bytes of the next one (pipelining).
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> Result<(HttpRequest, bool), ReadError> {
    let head_len = loop {
        if let Some(at) = find(buf, b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(ReadError::Bad(431, "request head too large"));
        }
        fill(stream, buf).await?;
    };
    let mut headers = [httparse::EMPTY_HEADER; 96];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&buf[..head_len]) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(ReadError::Bad(400, "malformed HTTP request")),
    }
    let method = parsed.method.unwrap_or_default().to_owned();
    let target = parsed.path.unwrap_or("/").to_owned();
    let http10 = parsed.version == Some(0);
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let connection = header("connection").map(str::to_ascii_lowercase);
    let keep_alive = match connection.as_deref() {
        Some(c) if c.contains("close") => false,
        Some(c) if c.contains("keep-alive") => true,
        _ => !http10,
    };
    let chunked =
        header("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let length = match header("content-length") {
        Some(v) => Some(
            v.trim()
                .parse::<usize>()
                .map_err(|_| ReadError::Bad(400, "bad Content-Length"))?,
        ),
        None => None,
    };
    if header("expect").is_some_and(|e| e.eq_ignore_ascii_case("100-continue")) {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await;
    }
    buf.drain(..head_len);
    let body = if chunked {
        read_chunked(stream, buf).await?
    } else {
        let n = length.unwrap_or(0);
        if n > MAX_BODY {
            return Err(ReadError::Bad(413, "request body too large"));
        }
        while buf.len() < n {
            fill(stream, buf).await?;
        }
        buf.drain(..n).collect()
    };
    let (path, raw_query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    let request = HttpRequest {
        method,
        path,
        raw_query,
        headers,
        body,
    };
    Ok((request, keep_alive))
}

async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(at) = find(buf, b"\r\n") {
                break at;
            }
            if buf.len() > MAX_HEAD {
                return Err(ReadError::Bad(400, "bad chunk size line"));
            }
            fill(stream, buf).await?;
        };
        let line = String::from_utf8_lossy(&buf[..line_end]).into_owned();
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| ReadError::Bad(400, "bad chunk size"))?;
        buf.drain(..line_end + 2);
        if size == 0 {
            // Trailers end with an empty line.
            loop {
                if let Some(at) = find(buf, b"\r\n") {
                    buf.drain(..at + 2);
                    if at == 0 {
                        return Ok(body);
                    }
                } else {
                    fill(stream, buf).await?;
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(ReadError::Bad(413, "request body too large"));
        }
        while buf.len() < size + 2 {
            fill(stream, buf).await?;
        }
        body.extend(buf.drain(..size));
        buf.drain(..2);
    }
}

async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(), ReadError> {
    let mut chunk = [0u8; 8192];
    match tokio::time::timeout(IDLE, stream.read(&mut chunk)).await {
        Ok(Ok(0)) | Ok(Err(_)) | Err(_) => Err(ReadError::Gone),
        Ok(Ok(n)) => {
            buf.extend_from_slice(&chunk[..n]);
            Ok(())
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Writes `reply`, dated `date` (seconds since the epoch, the service's wall clock); `Ok(true)`
/// when the connection can carry another request.
async fn write_reply(
    stream: &mut TcpStream,
    reply: &Reply,
    keep_alive: bool,
    date: i64,
) -> std::io::Result<bool> {
    match reply.wire {
        Wire::Close => {
            stream.shutdown().await?;
            return Ok(false);
        }
        Wire::Reset => {
            // SO_LINGER 0: closing sends a RST instead of a FIN.
            stream.set_zero_linger()?;
            return Ok(false);
        }
        _ => {}
    }
    let body = &reply.body;
    let declared = match reply.wire {
        Wire::ContentLength(delta) => usize::try_from(
            i64::try_from(body.len())
                .unwrap_or(i64::MAX)
                .saturating_add(delta),
        )
        .unwrap_or(0),
        _ => body.len(),
    };
    let broken = !matches!(reply.wire, Wire::Normal | Wire::Trickle { .. });
    let keep = keep_alive && !broken;
    let length = if reply.wire == Wire::Endless {
        String::new()
    } else {
        format!("Content-Length: {declared}\r\n")
    };
    let date = std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(date).unwrap_or(0));
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nDate: {}\r\nContent-Type: {}\r\n{length}x-ens-emulator: {}\r\nConnection: {}\r\n",
        reply.status,
        reason(reply.status),
        httpdate::fmt_http_date(date),
        reply.content_type,
        env!("CARGO_PKG_VERSION"),
        if keep { "keep-alive" } else { "close" },
    );
    if let Some(id) = &reply.request_id {
        head.push_str(&format!("x-acs-request-id: {id}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    match reply.wire {
        Wire::Truncate => {
            stream.write_all(&body[..body.len() / 2]).await?;
        }
        Wire::Endless => {
            stream.write_all(body).await?;
            let filler = vec![b'x'; 64 * 1024];
            // Until the client leaves (the write fails).
            loop {
                stream.write_all(&filler).await?;
            }
        }
        Wire::Trickle { chunk, interval } => {
            for (i, piece) in body.chunks(chunk).enumerate() {
                if i > 0 {
                    tokio::time::sleep(interval).await;
                }
                stream.write_all(piece).await?;
                stream.flush().await?;
            }
        }
        _ => stream.write_all(body).await?,
    }
    stream.flush().await?;
    if !keep {
        let _ = stream.shutdown().await;
    }
    Ok(keep)
}
