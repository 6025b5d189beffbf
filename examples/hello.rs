//! The baseline for `bench/verify.py`: a bare axum hello-world on the same
//! runtime settings as our server, so that our own middleware cost shows.
//!
//!     cargo run --release --features ssr --example hello -- 127.0.0.1:3100

#[tokio::main]
async fn main() {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3100".into());
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!("listening on http://{}", listener.local_addr().expect("bound address"));
    axum::serve(listener, app).await.expect("serve");
}
