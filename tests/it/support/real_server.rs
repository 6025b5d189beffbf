//! The real `banata` binary as a child process.

use std::sync::Arc;

/// The real `banata` binary, its log collected as it runs.
pub struct RealServer {
    pub base: String,
    child: std::process::Child,
    log: Arc<std::sync::Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl RealServer {
    /// Starts the binary (on a free port unless `args` give `--addr`) and
    /// waits for its "listening" line.
    pub fn start(db_url: &str, args: &[&str]) -> RealServer {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};
        let addr: &[&str] = if args.contains(&"--addr") { &[] } else { &["--addr", "127.0.0.1:0"] };
        let mut child = Command::new(env!("CARGO_BIN_EXE_banata"))
            .args(addr)
            .args(["--database-url", db_url])
            .args(args)
            .env("BANATA_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the banata binary");
        let mut lines = BufReader::new(child.stdout.take().unwrap());
        let log = Arc::new(std::sync::Mutex::new(String::new()));
        let base = loop {
            let mut line = String::new();
            let read = lines.read_line(&mut line).unwrap();
            log.lock().unwrap().push_str(&line);
            assert!(read > 0, "server exited: {}", log.lock().unwrap());
            if let Some(at) = line.find("listening on ") {
                break line[at + "listening on ".len()..].trim().to_string();
            }
        };
        // Keep draining the pipe so that the server never blocks on logging.
        let sink = log.clone();
        let reader = std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        RealServer { base, child, log, reader: Some(reader) }
    }

    /// SIGTERM, as an orchestrator stops it; waits for a clean exit.
    pub fn stop_gracefully(&mut self) -> String {
        let status = std::process::Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
        assert!(self.child.wait().unwrap().success(), "a clean exit");
        self.finish()
    }

    /// SIGKILL: no chance to save anything.
    pub fn kill(&mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.finish()
    }

    fn finish(&mut self) -> String {
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.log.lock().unwrap().clone()
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
