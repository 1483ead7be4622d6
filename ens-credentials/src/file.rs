//! Reading small local files (the aliyun CLI configuration, OIDC tokens) without trusting them.
//!
//! A path may name a FIFO (opening it for reading waits for a writer, forever), a device such as
//! `/dev/zero` (endless), a huge file, or sit on a hung network mount. So: only regular files are
//! read, they are opened non-blocking, at most `limit` bytes are read, and the read runs on
//! tokio's blocking pool under a deadline so the async threads never wait on the disk.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

use zeroize::Zeroizing;

/// How long a local read may take before it is given up (the thread finishes on its own).
pub(crate) const READ_DEADLINE: Duration = Duration::from_secs(5);

/// The contents of a file, wiped from memory when dropped (they hold secrets).
pub(crate) type Contents = Zeroizing<Vec<u8>>;

/// Reads the regular file at `path`: `Ok(None)` when nothing is there, an error (a sentence, no
/// contents) for anything that is not a readable regular file of at most `limit` bytes.
pub(crate) async fn read_bounded(path: &Path, limit: u64) -> Result<Option<Contents>, String> {
    // Without a tokio runtime there is no blocking pool; the read is still bounded and cannot
    // hang on a FIFO, so it runs in place.
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return read_blocking(path, limit);
    };
    let owned: PathBuf = path.to_owned();
    let job = runtime.spawn_blocking(move || read_blocking(&owned, limit));
    match tokio::time::timeout(READ_DEADLINE, job).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(format!("reading it failed: {join}")),
        Err(_) => Err(format!(
            "reading it took longer than {} s (a hung network file system?)",
            READ_DEADLINE.as_secs()
        )),
    }
}

fn read_blocking(path: &Path, limit: u64) -> Result<Option<Contents>, String> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read it: {e}")),
    };
    check(&meta, limit)?;
    let file = open_nonblocking(path).map_err(|e| format!("cannot open it: {e}"))?;
    // The path may have been swapped between the check and the open: check what was opened.
    check(
        &file
            .metadata()
            .map_err(|e| format!("cannot read it: {e}"))?,
        limit,
    )?;
    let mut buf = Zeroizing::new(Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0)));
    file.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read it: {e}"))?;
    if buf.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(Some(buf))
}

fn check(meta: &std::fs::Metadata, limit: u64) -> Result<(), String> {
    if !meta.is_file() {
        let kind = if meta.is_dir() {
            "a directory"
        } else {
            "a FIFO, socket or device"
        };
        return Err(format!("is not a regular file (it is {kind})"));
    }
    if meta.len() > limit {
        return Err(too_large(limit));
    }
    Ok(())
}

fn too_large(limit: u64) -> String {
    format!("is larger than the limit of {limit} bytes")
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A directory under the temp dir unique to the test, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static N: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "ens-credentials-file-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&dir).expect("temp dir");
            Self(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[tokio::test]
    async fn regular_files_are_read_and_missing_ones_are_none() {
        let dir = TempDir::new();
        let path = dir.0.join("config.json");
        std::fs::write(&path, b"{}").expect("write");
        let got = read_bounded(&path, 16).await.expect("readable");
        assert_eq!(got.as_deref().map(Vec::as_slice), Some(&b"{}"[..]));
        assert!(
            read_bounded(&dir.0.join("absent"), 16)
                .await
                .expect("ok")
                .is_none()
        );
        // Exactly at the limit is fine; one byte over is not.
        std::fs::write(&path, [b' '; 16]).expect("write");
        assert!(read_bounded(&path, 16).await.is_ok());
        let e = read_bounded(&path, 15).await.expect_err("too large");
        assert_eq!(e, "is larger than the limit of 15 bytes");
    }

    #[tokio::test]
    async fn a_huge_sparse_file_is_refused_without_reading_it() {
        let dir = TempDir::new();
        let path = dir.0.join("huge.json");
        let file = File::create(&path).expect("create");
        file.set_len(8 << 30).expect("sparse 8 GiB");
        let e = read_bounded(&path, 1 << 20).await.expect_err("too large");
        assert!(e.contains("larger than the limit"), "{e}");
    }

    #[tokio::test]
    async fn a_directory_is_refused() {
        let dir = TempDir::new();
        let e = read_bounded(&dir.0, 1 << 20).await.expect_err("dir");
        assert_eq!(e, "is not a regular file (it is a directory)");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_link_to_dev_zero_is_refused() {
        let dir = TempDir::new();
        let path = dir.0.join("config.json");
        std::os::unix::fs::symlink("/dev/zero", &path).expect("symlink");
        let e = read_bounded(&path, 1 << 20).await.expect_err("endless");
        assert_eq!(e, "is not a regular file (it is a FIFO, socket or device)");
    }

    /// On a single-threaded runtime: if reading the FIFO blocked the thread, neither the read
    /// nor the ticking task could make progress, and the test would hang instead of failing.
    #[cfg(unix)]
    #[tokio::test(flavor = "current_thread")]
    async fn a_fifo_without_writer_neither_hangs_nor_blocks_the_runtime() {
        let dir = TempDir::new();
        let path = dir.0.join("config.json");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo failed");
        let ticks = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&ticks);
        let ticker = tokio::spawn(async move {
            loop {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
        });
        let e = read_bounded(&path, 1 << 20).await.expect_err("a FIFO");
        assert_eq!(e, "is not a regular file (it is a FIFO, socket or device)");
        // The open itself is non-blocking too, for a FIFO swapped in after the check.
        let opened = open_nonblocking(&path);
        assert!(opened.is_ok(), "{opened:?}");
        tokio::task::yield_now().await;
        assert!(ticks.load(Ordering::SeqCst) > 0, "the runtime kept running");
        ticker.abort();
    }

    #[test]
    fn works_without_a_runtime() {
        let dir = TempDir::new();
        let path = dir.0.join("token");
        std::fs::write(&path, b"jwt").expect("write");
        let mut future = std::pin::pin!(read_bounded(&path, 16));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let std::task::Poll::Ready(got) = future.as_mut().poll(&mut cx) else {
            panic!("no runtime: the read runs in place and completes at once");
        };
        assert_eq!(
            got.expect("ok").as_deref().map(Vec::as_slice),
            Some(&b"jwt"[..])
        );
    }
}
