//! A real SMTP server for the mail tests: `tests/smtp_sink.py` (aiosmtpd) as
//! a child process, each message it accepts a JSON file in a temporary
//! directory. Needs `scripts/setup.sh --test` (it installs aiosmtpd into
//! `.tools/venv`); `BANATA_TEST_PYTHON` names another interpreter.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a test waits for mail, for the sink to start, or to restart.
const PATIENCE: Duration = Duration::from_secs(20);

/// One message as the sink received it.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Mail {
    /// The envelope sender (MAIL FROM), not the From header.
    pub from: String,
    /// The envelope recipients (RCPT TO), not the To header.
    pub to: Vec<String>,
    /// Decoded; empty when the message has none.
    pub subject: String,
    /// Header name as sent -> decoded value; a repeated header's values
    /// joined by "\n".
    pub headers: BTreeMap<String, String>,
    /// The text/plain part, decoded, line endings "\n".
    pub text: Option<String>,
    /// The text/html part, decoded, line endings "\n".
    pub html: Option<String>,
    /// The whole message as sent (CRLF, still transfer-encoded).
    pub raw: String,
    /// The user name of the client's AUTH, if it authenticated.
    #[serde(default)]
    pub auth_user: Option<String>,
}

impl Mail {
    /// The first URL in the text part that starts with `starts_with`, up to
    /// whitespace or a quote or angle bracket, without trailing punctuation
    /// (as in "Open https://…/verify?token=x.").
    pub fn link(&self, starts_with: &str) -> String {
        let text = self.text.as_deref().unwrap_or_else(|| panic!("no text part in {:?}: {self:#?}", self.subject));
        let Some(at) = text.find(starts_with) else {
            panic!("no link starting with {starts_with:?} in the text of {:?}:\n{text}", self.subject)
        };
        let rest = &text[at..];
        let end = rest.find(|c: char| c.is_whitespace() || "<>\"'".contains(c)).unwrap_or(rest.len());
        rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']).to_string()
    }

    /// A header's value, its name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The sink process and its directory; both go when this is dropped.
pub struct SmtpSink {
    dir: PathBuf,
    port: u16,
    child: Option<tokio::process::Child>,
}

impl SmtpSink {
    /// Starts the sink on a free port, in a fresh temporary directory.
    pub async fn start() -> SmtpSink {
        let dir = std::env::temp_dir().join(super::db::unique("banata_smtp"));
        std::fs::create_dir_all(&dir).unwrap();
        let (child, port) = match spawn(&dir, 0).await {
            Ok(started) => started,
            Err(why) => panic!("the SMTP sink did not start: {why}"),
        };
        SmtpSink { dir, port, child: Some(child) }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// What the server under test is configured with.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Kills the sink (SIGKILL) and waits for it: connections are refused
    /// until `restart`, which takes the same port again.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// Starts the sink again on the same port and directory; the numbering
    /// of messages carries on. Retries while the port is not free yet.
    pub async fn restart(&mut self) {
        self.stop().await;
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            match spawn(&self.dir, self.port).await {
                Ok((child, _)) => {
                    self.child = Some(child);
                    return;
                }
                Err(why) if std::time::Instant::now() >= deadline => {
                    panic!("the SMTP sink did not restart on port {}: {why}", self.port)
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Every message received so far, in the order received.
    pub fn messages(&self) -> Vec<Mail> {
        self.files()
            .into_iter()
            .map(|path| {
                let json = std::fs::read_to_string(&path).unwrap();
                serde_json::from_str::<Mail>(&json).unwrap_or_else(|e| panic!("{}: {e}\n{json}", path.display()))
            })
            .collect()
    }

    /// Waits until at least `n` messages have arrived; all of them.
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        let arrived = super::eventually(PATIENCE, || async { self.files().len() >= n }).await;
        let messages = self.messages();
        if !arrived {
            let got: Vec<_> = messages.iter().map(|m| (&m.to, &m.subject)).collect();
            panic!("waited {PATIENCE:?} for {n} message(s) at {}, got {}: {got:?}", self.url(), messages.len());
        }
        messages
    }

    /// The `<seq>.json` files, by seq (the sink renames each into place
    /// complete, so none is ever half written).
    fn files(&self) -> Vec<PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|entry| {
                let path = entry.ok()?.path();
                let name = path.file_name()?.to_str()?.strip_suffix(".json")?;
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let seq: u64 = name.parse().ok()?;
                Some((seq, path))
            })
            .collect();
        files.sort();
        files.into_iter().map(|(_, path)| path).collect()
    }
}

/// Runs the sink and reads its `listening <port>` line; an error if it exits
/// first (e.g. the port is taken) or says nothing within the deadline.
async fn spawn(dir: &Path, port: u16) -> Result<(tokio::process::Child, u16), String> {
    use tokio::io::AsyncBufReadExt;
    let root = env!("CARGO_MANIFEST_DIR");
    let python = std::env::var("BANATA_TEST_PYTHON").unwrap_or_else(|_| format!("{root}/.tools/venv/bin/python"));
    let port = port.to_string();
    let mut child = tokio::process::Command::new(&python)
        .arg(format!("{root}/tests/smtp_sink.py"))
        .arg("--dir")
        .arg(dir)
        .args(["--port", port.as_str()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{python}: {e} (scripts/setup.sh --test makes .tools/venv)"))?;
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = match tokio::time::timeout(PATIENCE, lines.next_line()).await {
        Ok(Ok(Some(line))) => line,
        outcome => {
            let _ = child.kill().await;
            return Err(format!("no \"listening\" line ({outcome:?}); its stderr is in the test output"));
        }
    };
    match line.strip_prefix("listening ").and_then(|port| port.trim().parse::<u16>().ok()) {
        Some(port) => Ok((child, port)),
        None => {
            let _ = child.kill().await;
            Err(format!("unexpected first line {line:?}"))
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.start_kill();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
