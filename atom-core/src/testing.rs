//! Test support for property tests (feature `testing`): one configuration for every suite in
//! the workspace, so a failure in CI reproduces locally with the same command.

use proptest::test_runner::{Config, RngSeed};

/// The seed every property suite runs with.
pub const SEED: u64 = 0x5eed;

/// A fixed seed, no failure files, and `cases` cases (the `PROPTEST_CASES` environment
/// variable overrides it for a longer local run). Proptest prints the minimal failing input.
///
/// ```
/// let config = atom_core::testing::proptest_config(1_000);
/// assert!(config.cases >= 1);
/// ```
pub fn proptest_config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        rng_seed: RngSeed::Fixed(SEED),
        failure_persistence: None,
        ..Config::default()
    }
}

/// A Stoplight Prism mock serving an OpenAPI description, for the workspace's contract tests
/// (started by the repository's `tools/prism-mock`, which installs the pinned Prism). Prism
/// validates every request against the description (a request that breaks it gets 422, or
/// 400 for bad query parameters) and answers with the description's examples. Killed by PID
/// when dropped; its log is removed unless the test failed.
#[derive(Debug)]
pub struct PrismMock {
    pid: u32,
    port: u16,
    log: std::path::PathBuf,
}

impl PrismMock {
    /// Starts Prism on a free loopback port with `script` (`tools/prism-mock`) serving
    /// `spec`. Fails with the reason when node/npm are missing or Prism does not start.
    pub fn start(script: &std::path::Path, spec: &std::path::Path) -> Result<Self, String> {
        use std::process::Command;
        for tool in ["node", "npm"] {
            let found = Command::new(tool)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success());
            if !found {
                return Err(format!(
                    "the Prism contract test needs `{tool}` on PATH (run it through .ci/run, \
                     which installs node/npm)"
                ));
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let name = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
        let log = std::env::temp_dir().join(format!("atom-prism-{name}-{port}.log"));
        let output = Command::new(script)
            .arg("start")
            .arg(spec)
            .arg(port.to_string())
            .arg(&log)
            .output()
            .map_err(|e| format!("could not run {}: {e}", script.display()))?;
        if !output.status.success() {
            return Err(format!(
                "prism-mock failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let pid = String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .map_err(|e| format!("prism-mock printed no PID: {e}"))?;
        Ok(Self { pid, port, log })
    }

    /// The port Prism listens on (loopback).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Prism's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Where the log is.
    pub fn log_path(&self) -> &std::path::Path {
        &self.log
    }

    /// The log lines that report a request breaking the description (Prism also flags some
    /// of a provider's own response examples; those are not the client's and are left out).
    pub fn request_violations(&self) -> Vec<String> {
        self.log_text()
            .lines()
            .filter(|l| {
                l.contains("Violation: request")
                    || (l.contains('✖') && !l.contains("response.body"))
            })
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for PrismMock {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .arg(self.pid.to_string())
            .status();
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}
