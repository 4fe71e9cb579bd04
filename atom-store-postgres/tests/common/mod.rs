//! A real PostgreSQL server for the tests: `DATABASE_URL` when set; otherwise a throwaway
//! cluster started by this harness (initdb + pg_ctl from the Debian packages, on a free
//! loopback port, data and socket in a temp dir), one per test binary, stopped and removed
//! by a watchdog process once the test binary exits. Postgres refuses to run as root, so as
//! root the cluster runs as the `postgres` user (created by Debian's packages).
//!
//! No test may pass without a server: when none can be started the test fails with why.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use atom_store_postgres::{PostgresTokenStore, PostgresTokenStoreBuilder};

/// The server's URL; panics with the reason when there is none.
pub fn database_url() -> String {
    static URL: OnceLock<Result<String, String>> = OnceLock::new();
    match URL.get_or_init(|| match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => Ok(url),
        _ => Cluster::start().map(|c| c.url()),
    }) {
        Ok(url) => url.clone(),
        Err(why) => panic!(
            "no PostgreSQL server for the tests: {why}. Set DATABASE_URL, or install \
             Debian's postgresql-15 (.ci/run does) so that the harness can start one"
        ),
    }
}

/// A schema no other test uses.
pub fn fresh_schema(tag: &str) -> String {
    format!("t_{tag}_{}", uuid::Uuid::new_v4().simple())
}

/// A store on its own pool (like another replica) in `schema`.
pub async fn store_in(schema: &str, builder: PostgresTokenStoreBuilder) -> PostgresTokenStore {
    builder
        .schema(schema)
        .connect(&database_url())
        .await
        .expect("store")
}

fn pg_bin(tool: &str) -> Result<PathBuf, String> {
    if let Ok(path) = which(tool) {
        return Ok(path);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| format!("`{tool}` is not on PATH and /usr/lib/postgresql does not exist"))?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(tool)))
        .filter(|p| p.exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .ok_or_else(|| format!("no `{tool}` under /usr/lib/postgresql/*/bin"))
}

fn which(tool: &str) -> Result<PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .ok_or(())
}

fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The user the cluster runs as: ourselves, or `postgres` when we are root.
fn run_as() -> Result<Option<(String, u32, u32)>, String> {
    let uid = output(Command::new("id").arg("-u"))?;
    if uid != "0" {
        return Ok(None);
    }
    let user = "postgres";
    let uid = output(Command::new("id").args(["-u", user])).map_err(|_| {
        "running as root and there is no `postgres` user to run the server as".to_owned()
    })?;
    let gid = output(Command::new("id").args(["-g", user]))?;
    let parse = |s: &str| {
        s.parse::<u32>()
            .map_err(|e| format!("id printed {s:?}: {e}"))
    };
    Ok(Some((user.to_owned(), parse(&uid)?, parse(&gid)?)))
}

fn command(user: &Option<(String, u32, u32)>, program: &Path) -> Command {
    match user {
        Some((name, _, _)) => {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", name, "--"]).arg(program);
            cmd
        }
        None => Command::new(program),
    }
}

/// A throwaway cluster of this test process (see the module docs).
pub struct Cluster {
    pg_ctl: PathBuf,
    user: Option<(String, u32, u32)>,
    dir: PathBuf,
    port: u16,
    /// With TLS on: the CA that signed the server's certificate (for 127.0.0.1).
    ca: Option<PathBuf>,
}

impl Cluster {
    /// initdb into a new temp dir and start the server on a free loopback port. A watchdog
    /// stops it and removes the directory once this process has exited.
    pub fn start() -> Result<Self, String> {
        Self::start_with(false)
    }

    /// Like [`Cluster::start`], with TLS on: a throwaway CA (made with the `openssl` tool)
    /// signs a certificate for 127.0.0.1.
    pub fn start_with_tls() -> Result<Self, String> {
        Self::start_with(true)
    }

    fn start_with(tls: bool) -> Result<Self, String> {
        let initdb = pg_bin("initdb")?;
        let pg_ctl = pg_bin("pg_ctl")?;
        let user = run_as()?;
        let dir = std::env::temp_dir().join(format!(
            "atom-pg-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        if let Some((_, uid, gid)) = &user {
            std::os::unix::fs::chown(&dir, Some(*uid), Some(*gid))
                .map_err(|e| format!("cannot give {} to postgres: {e}", dir.display()))?;
        }
        let mut cluster = Self {
            pg_ctl,
            user,
            dir,
            port: 0,
            ca: None,
        };
        output(
            command(&cluster.user, &initdb)
                .arg("-D")
                .arg(cluster.data())
                .args([
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ]),
        )?;
        cluster.watchdog()?;
        if tls {
            cluster.make_certificates()?;
        }
        let mut last = String::new();
        for _ in 0..5 {
            cluster.port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("no free port: {e}"))?
                .port();
            match cluster.run() {
                Ok(()) => return Ok(cluster),
                Err(e) => {
                    last = e;
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
        Err(format!("the server did not start: {last}"))
    }

    /// The CA certificate, when TLS is on.
    pub fn ca(&self) -> Option<&Path> {
        self.ca.as_deref()
    }

    fn make_certificates(&mut self) -> Result<(), String> {
        let d = &self.dir;
        std::fs::write(d.join("san.ext"), "subjectAltName=IP:127.0.0.1\n")
            .map_err(|e| format!("cannot write the certificate extension: {e}"))?;
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        output(
            Command::new("openssl")
                .current_dir(d)
                .args(["req", "-x509", "-days", "2", "-subj", "/CN=atom test CA"])
                .args(ec)
                .args(["-keyout", "ca.key", "-out", "ca.crt"]),
        )
        .map_err(|e| format!("the TLS test needs the `openssl` tool: {e}"))?;
        output(
            Command::new("openssl")
                .current_dir(d)
                .args(["req", "-subj", "/CN=127.0.0.1"])
                .args(ec)
                .args(["-keyout", "server.key", "-out", "server.csr"]),
        )?;
        output(Command::new("openssl").current_dir(d).args([
            "x509",
            "-req",
            "-days",
            "2",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-extfile",
            "san.ext",
            "-out",
            "server.crt",
        ]))?;
        for file in ["server.key", "server.crt"] {
            let path = d.join(file);
            std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
                .map_err(|e| format!("cannot protect {file}: {e}"))?;
            if let Some((_, uid, gid)) = &self.user {
                std::os::unix::fs::chown(&path, Some(*uid), Some(*gid))
                    .map_err(|e| format!("cannot give {file} to postgres: {e}"))?;
            }
        }
        self.ca = Some(d.join("ca.crt"));
        Ok(())
    }

    /// The URL of the server (superuser `postgres`, trusted on loopback).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Starts the server (again) on its port.
    pub fn run(&self) -> Result<(), String> {
        // Durability is not what the tests check, so commits skip the disk flush, unless
        // ATOM_PG_FSYNC=on asks for a server as durable as a production one (for figures).
        let fsync = match std::env::var("ATOM_PG_FSYNC").as_deref() {
            Ok("on") => "on",
            _ => "off",
        };
        let mut opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync={fsync} -c max_connections=200",
            self.port,
            self.dir.display()
        );
        if self.ca.is_some() {
            opts.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={0}/server.crt -c ssl_key_file={0}/server.key",
                self.dir.display()
            ));
        }
        output(
            command(&self.user, &self.pg_ctl)
                .arg("-D")
                .arg(self.data())
                .args(["-o", &opts, "-l"])
                .arg(self.dir.join("log"))
                .args(["-w", "-t", "60", "start"]),
        )
        .map(drop)
        .map_err(|e| {
            let log = std::fs::read_to_string(self.dir.join("log")).unwrap_or_default();
            format!("{e}\nserver log:\n{log}")
        })
    }

    /// Stops the server at once (connections are cut, as in a crash or a failover).
    pub fn stop(&self) -> Result<(), String> {
        output(
            command(&self.user, &self.pg_ctl)
                .arg("-D")
                .arg(self.data())
                .args(["-m", "immediate", "-w", "stop"]),
        )
        .map(drop)
    }

    fn watchdog(&self) -> Result<(), String> {
        // A static is never dropped and a test binary may abort, so a separate process
        // waits for this one to end, then stops the server and removes the directory.
        let stop = command(&self.user, &self.pg_ctl);
        let stop_cmd = stop.get_args().fold(
            stop.get_program().to_string_lossy().into_owned(),
            |acc, a| acc + " " + &a.to_string_lossy(),
        );
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             {stop_cmd} -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
            pid = std::process::id(),
            data = self.data().display(),
            dir = self.dir.display()
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(drop)
            .map_err(|e| format!("cannot start the watchdog: {e}"))
    }
}
