//! The history: every check, probe and drill in an SQLite file (WAL, so readers do not block
//! the writer; a busy timeout and immediate transactions, so two runs writing at once wait for
//! each other instead of failing). The schema is versioned by migrations; a newer file than
//! this spof knows is refused rather than misread.

use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};
use serde::Serialize;
use spof_engine::evidence::{DrillRecord, Observation};
use std::path::Path;
use std::time::Duration;

/// The migrations, oldest first; never edit one that has shipped, add another.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE IF NOT EXISTS checks (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    model TEXT NOT NULL,
    spofs INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    availability TEXT
);
CREATE TABLE IF NOT EXISTS check_findings (
    check_id INTEGER NOT NULL REFERENCES checks(id),
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    components TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS probes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    model TEXT NOT NULL,
    component TEXT,
    endpoint TEXT NOT NULL,
    observation TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS drills (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    date TEXT NOT NULL,
    model TEXT NOT NULL,
    drill TEXT NOT NULL,
    target TEXT NOT NULL,
    component TEXT NOT NULL,
    interruption_ms INTEGER,
    met INTEGER NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS drills_by_component ON drills(component, date);
"#];

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot open the history {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("cannot bring the history {path} up to date: {source}")]
    Migrate {
        path: String,
        source: rusqlite_migration::Error,
    },
    #[error("the history: {0}")]
    Sql(#[from] rusqlite::Error),
}

impl HistoryError {
    /// Whether another connection held the lock (SQLite's "busy" or "locked").
    fn is_busy(&self) -> bool {
        let busy = |e: &rusqlite::Error| {
            matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            )
        };
        match self {
            HistoryError::Open { source, .. } | HistoryError::Sql(source) => busy(source),
            HistoryError::Migrate {
                source: rusqlite_migration::Error::RusqliteError { err, .. },
                ..
            } => busy(err),
            HistoryError::Migrate { .. } => false,
        }
    }
}

pub struct History {
    connection: Connection,
}

/// One check as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct CheckRow {
    pub at: String,
    pub model: String,
    pub spofs: u64,
    pub findings: u64,
    /// The availability of each journey, as JSON (`{"checkout": 0.9995}`), when computed.
    pub availability: Option<serde_json::Value>,
}

/// One finding of a check, for recording.
#[derive(Clone, Debug)]
pub struct FindingRow {
    pub code: String,
    pub severity: String,
    pub components: Vec<String>,
    pub message: String,
}

/// One drill as recorded: the record the analysis uses and the full outcome.
#[derive(Clone, Debug, Serialize)]
pub struct DrillRow {
    pub at: String,
    pub model: String,
    pub target: String,
    #[serde(flatten)]
    pub record: DrillRecord,
    pub outcome: serde_json::Value,
}

/// One probe observation as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct ProbeRow {
    pub model: String,
    #[serde(flatten)]
    pub observation: Observation,
}

impl History {
    /// Opens (creating when missing) the history at `path` and migrates it.
    pub fn open(path: &Path) -> Result<History, HistoryError> {
        let shown = path.display().to_string();
        let mut connection = Connection::open(path).map_err(|source| HistoryError::Open {
            path: shown.clone(),
            source,
        })?;
        connection
            .busy_timeout(Duration::from_secs(10))
            .map_err(|source| HistoryError::Open {
                path: shown.clone(),
                source,
            })?;
        // Switching to WAL and migrating take the write lock. When another run holds it,
        // SQLite may answer "busy" at once rather than wait (a reader cannot wait to become
        // a writer without risking a deadlock), so these steps are tried again, for as long
        // as the busy timeout.
        let started = std::time::Instant::now();
        let migrations = Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect());
        loop {
            let result = connection
                .pragma_update(None, "journal_mode", "WAL")
                .and_then(|()| connection.pragma_update(None, "synchronous", "NORMAL"))
                .map_err(|source| HistoryError::Open {
                    path: shown.clone(),
                    source,
                })
                .and_then(|()| {
                    migrations
                        .to_latest(&mut connection)
                        .map_err(|source| HistoryError::Migrate {
                            path: shown.clone(),
                            source,
                        })
                });
            match result {
                Err(e) if e.is_busy() && started.elapsed() < Duration::from_secs(10) => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other.map(|()| History { connection }),
            }
        }
    }

    pub fn record_check(
        &mut self,
        at: &str,
        model: &str,
        spofs: usize,
        findings: &[FindingRow],
        availability: Option<&serde_json::Value>,
    ) -> Result<(), HistoryError> {
        let tx = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO checks (at, model, spofs, findings, availability) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                at,
                model,
                spofs as i64,
                findings.len() as i64,
                availability.map(|v| v.to_string())
            ],
        )?;
        let id = tx.last_insert_rowid();
        for finding in findings {
            tx.execute(
                "INSERT INTO check_findings (check_id, code, severity, components, message) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    finding.code,
                    finding.severity,
                    finding.components.join(","),
                    finding.message
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn record_probe(
        &mut self,
        model: &str,
        observations: &[Observation],
    ) -> Result<(), HistoryError> {
        let tx = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for observation in observations {
            tx.execute(
                "INSERT INTO probes (at, model, component, endpoint, observation) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    observation.at,
                    model,
                    observation.component,
                    observation.endpoint,
                    serde_json::to_string(&observation.what).unwrap_or_default()
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn record_drill(
        &mut self,
        at: &str,
        model: &str,
        target: &str,
        record: &DrillRecord,
        outcome: &serde_json::Value,
    ) -> Result<(), HistoryError> {
        let tx = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO drills (at, date, model, drill, target, component, interruption_ms, met, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                at,
                record.date.to_string(),
                model,
                record.drill,
                target,
                record.component,
                record.interruption_ms.map(|v| v as i64),
                record.met,
                outcome.to_string()
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every check, oldest first.
    pub fn checks(&self) -> Result<Vec<CheckRow>, HistoryError> {
        let mut statement = self.connection.prepare(
            "SELECT at, model, spofs, findings, availability FROM checks ORDER BY at, id",
        )?;
        let rows = statement.query_map([], |row| {
            let availability: Option<String> = row.get(4)?;
            Ok(CheckRow {
                at: row.get(0)?,
                model: row.get(1)?,
                spofs: row.get::<_, i64>(2)? as u64,
                findings: row.get::<_, i64>(3)? as u64,
                availability: availability.and_then(|a| serde_json::from_str(&a).ok()),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every drill, oldest first.
    pub fn drills(&self) -> Result<Vec<DrillRow>, HistoryError> {
        let mut statement = self.connection.prepare(
            "SELECT at, date, model, drill, target, component, interruption_ms, met, outcome FROM drills ORDER BY at, id",
        )?;
        let rows = statement.query_map([], |row| {
            let date: String = row.get(1)?;
            let outcome: String = row.get(8)?;
            Ok((
                row.get::<_, String>(0)?,
                date,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, Option<i64>>(6)?,
                row.get::<_, bool>(7)?,
                outcome,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, date, model, drill, target, component, interruption, met, outcome) = row?;
            // A row whose date does not read is skipped rather than failing the whole history.
            let Ok(date) = spof_model::Date::parse(&date) else {
                continue;
            };
            out.push(DrillRow {
                at,
                model,
                target,
                record: DrillRecord {
                    drill,
                    component,
                    date,
                    interruption_ms: interruption.map(|v| v.max(0) as u64),
                    met,
                },
                outcome: serde_json::from_str(&outcome).unwrap_or(serde_json::Value::Null),
            });
        }
        Ok(out)
    }

    /// The latest probe observations (of the newest probe run's time per endpoint).
    pub fn probes(&self) -> Result<Vec<ProbeRow>, HistoryError> {
        let mut statement = self.connection.prepare(
            "SELECT model, component, endpoint, at, observation FROM probes ORDER BY at, id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (model, component, endpoint, at, what) = row?;
            let Ok(what) = serde_json::from_str(&what) else {
                continue;
            };
            out.push(ProbeRow {
                model,
                observation: Observation {
                    component,
                    endpoint,
                    at,
                    what,
                },
            });
        }
        Ok(out)
    }

    /// The schema version of the file (the number of migrations applied).
    pub fn version(&self) -> Result<i64, HistoryError> {
        Ok(self
            .connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .optional()?
            .unwrap_or(0))
    }
}
