//! The transport seam: which connections calls reuse (the default transport against
//! ens-emulator), reqwest clients of the user's, and the replay transport with virtual time.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use ens_client::time::ManualTime;
use ens_client::transport::{ReplayEvent, ReplayTransport, TransportErrorKind};
use ens_client::{Client, Credentials, RateLimits, RetryPolicy, SdkError, WaitError, WaitOptions};
use support::{
    ACCESS_KEY_ID, IdleClose, SECRET, SIGNATURES, client, create_request, describe_request,
    emulator, emulator_started, start,
};

#[tokio::test]
async fn calls_in_a_steady_stream_share_one_connection() {
    for version in SIGNATURES {
        let emu = emulator_started().await;
        let c = client(&emu, version).build().unwrap();
        for _ in 0..10 {
            c.send(create_request()).await.unwrap();
            c.send(describe_request()).await.unwrap();
        }
        assert_eq!(emu.instances().len(), 20);
        assert_eq!(emu.connections_accepted(), 1, "{version:?}");
    }
}

/// A call that is not read-only takes only a connection that sent a request within
/// `reuse_for_writes`; a read-only call takes any kept one.
#[tokio::test(start_paused = true)]
async fn writes_take_only_recently_used_connections() {
    let emu = emulator_started().await;
    let c = client(&emu, SIGNATURES[0]).build().unwrap();
    c.send(describe_request()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    c.send(create_request()).await.unwrap();
    assert_eq!(
        emu.connections_accepted(),
        2,
        "past 250 ms: a new connection"
    );
    c.send(create_request()).await.unwrap();
    assert_eq!(emu.connections_accepted(), 2, "just used: reused");
    tokio::time::sleep(Duration::from_secs(2)).await;
    c.send(describe_request()).await.unwrap();
    assert_eq!(emu.connections_accepted(), 2, "reads take a kept one");
    tokio::time::sleep(Duration::from_secs(5)).await;
    c.send(describe_request()).await.unwrap();
    assert_eq!(
        emu.connections_accepted(),
        3,
        "past the 4 s idle timeout: closed"
    );

    let never = client(&emu, SIGNATURES[0])
        .reuse_for_writes(Duration::ZERO)
        .build()
        .unwrap();
    for _ in 0..3 {
        never.send(create_request()).await.unwrap();
    }
    assert_eq!(
        emu.connections_accepted(),
        6,
        "reuse_for_writes(0): a connection of its own each"
    );
}

/// A server that closes idle connections as a server does (a FIN after its keep-alive timeout):
/// the kept connection is found closed before the request is written, and the request goes on
/// a new one. Even a write that may take any kept connection arrives once, and succeeds.
#[tokio::test(start_paused = true)]
async fn a_connection_closed_while_idle_is_found_before_writing() {
    for version in SIGNATURES {
        let emu = start(emulator().idle_close(IdleClose::After(Duration::from_millis(500)))).await;
        let c = client(&emu, version)
            .reuse_for_writes(Duration::from_secs(10))
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        for round in 0..3 {
            c.send(create_request())
                .await
                .unwrap_or_else(|e| panic!("{version:?} round {round}: {e}"));
            tokio::time::sleep(Duration::from_millis(600)).await;
        }
        assert_eq!(emu.count("CreateInstance"), 3, "each arrived once");
        assert_eq!(emu.instances().len(), 6);
        assert_eq!(emu.idle_closed(), 3, "{version:?}");
        assert_eq!(emu.connections_accepted(), 3);
    }
}

/// A server that resets connections idle for 500 ms as the next request arrives on them: the
/// client cannot see that before writing, but one such failure tells it that the connections
/// kept as long are dead too, and it drops them, so the read's second attempt goes on a new
/// connection instead of on another dead one.
#[tokio::test(start_paused = true)]
async fn one_connection_found_dead_drops_those_idle_as_long() {
    let emu =
        start(emulator().idle_close(IdleClose::OnNextRequest(Duration::from_millis(500)))).await;
    let c = client(&emu, SIGNATURES[0])
        .retry_policy(RetryPolicy::new(2).with_base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    // Four reads at once, each answered after 10 ms: four kept connections.
    emu.add_fault(support::Fault::new(support::Effect::Delay { ms: 10 }).on("DescribeInstances"));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let c = c.clone();
        calls.spawn(async move { c.send(describe_request()).await.map(drop) });
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap().unwrap();
    }
    emu.clear_faults();
    assert_eq!(emu.connections_accepted(), 4);
    // All four are dead now; two attempts would both meet one without the eviction.
    tokio::time::sleep(Duration::from_millis(600)).await;
    c.send(describe_request()).await.unwrap();
    // One new connection: the second attempt's (the three dropped are not reused).
    assert_eq!(emu.connections_accepted(), 5);
    assert_eq!(emu.count("DescribeInstances"), 5);
}

#[tokio::test]
async fn a_users_reqwest_client_and_its_fresh_connections_for_writes() {
    let emu = emulator_started().await;
    let with_fresh = client(&emu, SIGNATURES[0])
        .http_client(reqwest::Client::new())
        .http_client_for_writes(
            reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    for _ in 0..3 {
        with_fresh.send(describe_request()).await.unwrap();
    }
    assert_eq!(emu.connections_accepted(), 1, "reads keep their connection");
    for _ in 0..3 {
        with_fresh.send(create_request()).await.unwrap();
    }
    assert_eq!(emu.connections_accepted(), 4, "each write on its own");

    let pooled_only = client(&emu, SIGNATURES[1])
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    for _ in 0..3 {
        pooled_only.send(create_request()).await.unwrap();
    }
    assert_eq!(
        emu.connections_accepted(),
        5,
        "without one, writes share the pool"
    );
    assert!(format!("{pooled_only:?}").contains("ReqwestTransport"));
}

fn replay_client(replay: &ReplayTransport, time: &ManualTime) -> Client {
    Client::builder()
        .credentials(Credentials::new(ACCESS_KEY_ID, SECRET))
        .transport(replay.clone())
        .time_source(time.clone())
        .sleep_impl(time.clone())
        .build()
        .unwrap()
}

const CREATED: &str = r#"{"RequestId":"R-2","InstanceIds":{"InstanceId":["i-1","i-2"]},"Code":0}"#;

#[tokio::test]
async fn replayed_transport_failures_follow_the_retry_rules() {
    // A connection that could not be opened: nothing was sent, so even a create is retried.
    let replay = ReplayTransport::new([
        ReplayEvent::transport_error(TransportErrorKind::NotSent, "connection refused"),
        ReplayEvent::json(200, CREATED).expect_action("CreateInstance"),
    ]);
    let time = ManualTime::new();
    let c = replay_client(&replay, &time);
    let done = c.send(create_request()).await.unwrap();
    assert_eq!(done.instance_ids, ["i-1", "i-2"]);
    replay.assert_requests_match();
    let sleeps = time.sleeps();
    assert_eq!(sleeps.len(), 1);
    assert!(
        sleeps[0] <= RetryPolicy::default().delay_bound(1),
        "{sleeps:?}"
    );
    let (first, second) = (&replay.requests()[0], &replay.requests()[1]);
    assert_ne!(
        first.header("x-acs-signature-nonce"),
        second.header("x-acs-signature-nonce"),
        "signed anew"
    );

    // Lost after sending: a create is not sent again.
    let replay = ReplayTransport::new([ReplayEvent::transport_error(
        TransportErrorKind::MayHaveBeenSent,
        "connection reset",
    )]);
    let c = replay_client(&replay, &time);
    let err = c.send(create_request()).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    replay.assert_requests_match();

    // Out of events: an error naming the request, not retried.
    let replay = ReplayTransport::new([]);
    let c = replay_client(&replay, &time);
    let err = c.send(describe_request()).await.unwrap_err();
    assert!(
        matches!(
            err,
            SdkError::Dispatch {
                reached_server: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("no answer left"), "{err}");
    assert_eq!(replay.requests().len(), 1);
}

#[tokio::test]
async fn replay_reports_requests_that_do_not_match() {
    let replay = ReplayTransport::new([
        ReplayEvent::json(200, CREATED)
            .expect_action("DescribeInstances")
            .expect_param("Quantity", "7")
            .expect_param("Nowhere", "x"),
        ReplayEvent::json(200, CREATED),
    ]);
    let c = replay_client(&replay, &ManualTime::new());
    c.send(create_request()).await.unwrap();
    let failure = std::panic::catch_unwind(|| replay.assert_requests_match())
        .expect_err("a mismatch and an unused event");
    let message = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    for part in [
        "request 0",
        "\"CreateInstance\", expected \"DescribeInstances\"",
        "Quantity differs",
        "Nowhere is missing",
        "1 event(s) left",
    ] {
        assert!(message.contains(part), "{message} lacks {part}");
    }
    assert!(!message.contains(support::PASSWORD));
    let recorded = format!("{:?}", replay.requests());
    assert!(!recorded.contains(support::PASSWORD), "{recorded}");
}

/// A waiter on virtual time: a ten-minute wait ends exactly at its timeout on the injected clock
/// (every pause went through it: a real one would hold the test for ten minutes).
#[tokio::test]
async fn a_wait_runs_on_the_injected_clock() {
    let pending = r#"{"RequestId":"R","Code":0,"TotalCount":1,"Instances":{"Instance":[{"InstanceId":"i-1","Status":"Pending"}]}}"#;
    let replay = ReplayTransport::new((0..200).map(|_| ReplayEvent::json(200, pending)));
    let time = ManualTime::new();
    let c = replay_client(&replay, &time);
    let err = c
        .wait_for_instances(["i-1"], "Running", &WaitOptions::default())
        .await
        .unwrap_err();
    let WaitError::TimedOut { waited, polls, .. } = err else {
        panic!("{err}")
    };
    assert_eq!(waited, Duration::from_secs(600));
    assert_eq!(time.elapsed(), Duration::from_secs(600));
    assert_eq!(replay.requests().len(), polls as usize);
    // At 0 s, then after pauses of 2, 3, 4.5, 6.75, 10.1 and 15.2 s (41.6 s in all), then every
    // 20 s up to 581.6 s: 34 polls in ten minutes.
    assert_eq!(polls, 34);
}

/// Eight calls in flight on one client: each connection goes back to the pool as its answer
/// ends, so eight connections carry them all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_calls_in_flight_keep_eight_connections() {
    let emu = emulator_started().await;
    // Unpaced: 200 creates at CreateInstance's 10 calls/s would take 20 s, and a create that
    // waited for its slot finds no connection recent enough for a write.
    let c = client(&emu, SIGNATURES[0])
        .rate_limits(RateLimits::off())
        .build()
        .unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let c = c.clone();
        calls.spawn(async move {
            for i in 0..50 {
                if i % 2 == 0 {
                    c.send(create_request()).await.unwrap();
                } else {
                    c.send(describe_request()).await.unwrap();
                }
            }
        });
    }
    while let Some(done) = calls.join_next().await {
        done.unwrap();
    }
    assert_eq!(emu.requests().len(), 400);
    assert!(
        emu.connections_accepted() <= 8,
        "{} connections",
        emu.connections_accepted()
    );
}

/// A TLS front for `emu` on `https://localhost:PORT`, with the test CA's server certificate
/// (`support/tls`, test-only keys): it relays each connection's bytes to the emulator.
async fn tls_front(emu: &support::Emulator) -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = vec![
        CertificateDer::from_pem_slice(include_bytes!("support/tls/server.pem")).unwrap(),
        CertificateDer::from_pem_slice(include_bytes!("support/tls/ca.pem")).unwrap(),
    ];
    let key = PrivateKeyDer::from_pem_slice(include_bytes!("support/tls/server.key")).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let backend = emu.addr();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    format!("https://localhost:{port}")
}

/// HTTPS through the default transport: rustls with the roots it is given, connections kept;
/// with the default roots, which do not know the test CA, the handshake fails and nothing is
/// sent.
#[tokio::test]
async fn https_keeps_connections_and_a_failed_handshake_sends_nothing() {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let emu = emulator_started().await;
    let url = tls_front(&emu).await;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(include_bytes!("support/tls/ca.pem")).unwrap())
        .unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let transport = ens_client::transport::HyperTransport::builder()
        .tls_config(std::sync::Arc::new(config))
        .build();
    for version in SIGNATURES {
        let c = client(&emu, version)
            .endpoint(&url)
            .transport(transport.clone())
            .build()
            .unwrap();
        for _ in 0..3 {
            c.send(create_request()).await.unwrap();
            c.send(describe_request()).await.unwrap();
        }
    }
    assert_eq!(emu.instances().len(), 12);
    assert_eq!(
        transport.connections_opened(),
        1,
        "one TLS connection for all"
    );

    let strict = client(&emu, SIGNATURES[0])
        .endpoint(&url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = strict.send(create_request()).await.unwrap_err();
    assert!(
        matches!(
            err,
            SdkError::Dispatch {
                reached_server: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("certificate"), "{err}");
    assert_eq!(
        emu.count("CreateInstance"),
        6,
        "the refused one never arrived"
    );
}
