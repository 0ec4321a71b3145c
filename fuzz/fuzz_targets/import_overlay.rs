//! Fuzzes the overlay reader: any text, applied as an overlay to a fixed small imported model
//! (a compose file with five services, a volume and a host), gives errors located in the
//! overlay, or a merged model text with one origin per line that is valid YAML for the model
//! reader (its diagnostics, if any, are about values, located on the lines that have an
//! origin); the engine analyses every model that comes back. Nothing may panic, hang or run
//! out of memory.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use spof_import::overlay;
use spof_model::{ParseLimits, parse_model};
use std::sync::OnceLock;

const PATH: &str = "overlay.yaml";
const ORIGIN: &str = "the compose import";

const COMPOSE: &str = "services:
  web:
    build: ./web
    ports: [\"80:80\"]
    depends_on:
      db: {condition: service_healthy}
      cache: {condition: service_started, required: false}
    environment:
      - DB_URL=postgres://u:p@db:5432/x
      - API_HOST=api
    deploy: {replicas: 2}
  worker:
    image: example/worker
    environment: {QUEUE: amqp://mq:5672}
    links: [db]
  db:
    image: postgres:16
    volumes: [data:/var/lib/postgresql/data]
    healthcheck: {test: [CMD, pg_isready]}
  cache: {image: redis:7, container_name: cache-box}
  mq: {image: rabbitmq:3}
volumes: {data: {}}
";

/// The imported model's text, made once.
fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let import = spof_import::compose::import(&common::file("compose.yaml", COMPOSE))
            .expect("the base compose file imports");
        import.model.to_yaml("Imported by spof from compose.yaml.")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    match overlay::apply(base(), ORIGIN, &common::file(PATH, text)) {
        Ok(result) => {
            assert_eq!(
                result.origins.len(),
                result.text.lines().count(),
                "not one origin per line:\n{}",
                result.text
            );
            let parsed = parse_model(&result.text, &ParseLimits::default());
            for d in &parsed.diagnostics {
                assert_ne!(d.code, "yaml", "{}\n{}", d.message, result.text);
                if let Some(span) = d.span {
                    assert!(
                        span.line as usize <= result.origins.len() + 1,
                        "a diagnostic past the last origin: {d:?}\n{}",
                        result.text
                    );
                }
            }
            if let Some(model) = parsed.model {
                let _report = spof_engine::check(&model, &spof_engine::Config::default());
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "an error result without errors");
            for error in &errors {
                common::check_error(error, PATH, text);
                assert!(
                    error.line.is_some(),
                    "an overlay error without a line: {error}"
                );
            }
        }
    }
});
