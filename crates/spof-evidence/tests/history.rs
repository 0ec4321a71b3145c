//! The history: migrated on open, and safe when two runs write at once.

use spof_engine::evidence::DrillRecord;
use spof_evidence::history::History;

#[test]
fn two_writers_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spof.history.sqlite");
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut history = History::open(&path).unwrap();
                for i in 0..40 {
                    let record = DrillRecord {
                        drill: format!("d{w}"),
                        component: format!("c{w}"),
                        date: spof_model::Date::parse("2026-12-01").unwrap(),
                        interruption_ms: Some(i),
                        met: true,
                    };
                    history
                        .record_drill(
                            "2026-12-01T00:00:00Z",
                            "m.yaml",
                            "t",
                            &record,
                            &serde_json::json!({}),
                        )
                        .unwrap();
                    history
                        .record_check("2026-12-01T00:00:00Z", "m.yaml", 1, &[], None)
                        .unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let history = History::open(&path).unwrap();
    assert_eq!(history.drills().unwrap().len(), 80);
    assert_eq!(history.checks().unwrap().len(), 80);
    assert_eq!(history.version().unwrap(), 1);
}
