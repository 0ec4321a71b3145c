//! `spof serve`: the interactive diagram over HTTP on this machine.
//!
//! - `GET /` is the page (styles and script inline, embedded in the binary);
//! - `GET /api/view` the view of the model as last read (with its errors, located, when the
//!   file no longer reads: the view is then the last good one);
//! - `GET /api/whatif?event=lb/1&event=zone:a` the answer to failing those events together,
//!   from the same engine calls as `spof whatif` (its JSON is in the answer, as `whatif`);
//! - `GET /api/plan` the remediation plan's frames, computed on first asking;
//! - `GET /api/events` server-sent events: `reload` each time the model (or an imported file,
//!   or an overlay) changes on disk.
//!
//! The files are watched through their folders (editors save by writing a new file and
//! renaming it over the old one), and changes that come together are read once.

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Router, middleware};
use spof_engine::Report;
use spof_model::{Date, Model};
use spof_report::Options;
use spof_report::web::{self, ErrorJson};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::broadcast;

/// A model read and checked, ready to be drawn.
pub struct Served {
    pub model: Model,
    pub report: Report,
    pub options: Options,
}

/// Reads the model again: the model file, or the imported files and overlays. Errors are
/// located where possible.
pub type Loader = dyn Fn() -> Result<Served, Vec<ErrorJson>> + Send + Sync;

pub struct Settings {
    pub addr: SocketAddr,
    /// The files whose change reloads the model.
    pub watch: Vec<PathBuf>,
    /// Today's date, for the plan.
    pub today: Option<Date>,
    /// How long to wait for more changes before reading again.
    pub debounce: Duration,
}

struct Current {
    served: Option<Arc<Served>>,
    /// The view as sent: the last good one, with the current errors.
    view: Arc<String>,
    version: u64,
    plan: Option<(u64, Arc<String>)>,
}

struct App {
    current: RwLock<Current>,
    loader: Box<Loader>,
    reloads: broadcast::Sender<u64>,
    today: Option<Date>,
    /// Plans are computed one at a time.
    planning: tokio::sync::Mutex<()>,
    /// The host names a request may carry (DNS rebinding: a page of another site must not
    /// read the model through a name that resolves here).
    hosts: Vec<String>,
}

fn view_json(served: &Served, errors: Vec<ErrorJson>) -> String {
    let mut view = web::view(
        &served.model,
        &served.report,
        &served.options,
        "live",
        false,
        None,
        None,
    );
    view.errors = errors;
    serde_json::to_string(&view).expect("the view serialises")
}

fn errors_only(errors: Vec<ErrorJson>) -> String {
    serde_json::json!({ "mode": "live", "errors": errors }).to_string()
}

impl App {
    fn reload(&self) {
        let loaded = (self.loader)();
        let mut current = self.current.write().expect("the lock is not poisoned");
        match loaded {
            Ok(served) => {
                current.view = Arc::new(view_json(&served, Vec::new()));
                current.served = Some(Arc::new(served));
            }
            Err(errors) => {
                current.view = Arc::new(match &current.served {
                    Some(served) => view_json(served, errors),
                    None => errors_only(errors),
                });
            }
        }
        current.version += 1;
        let version = current.version;
        drop(current);
        let _ = self.reloads.send(version);
    }
}

/// The address to tell the user, and whether it is reachable from other machines.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// Serves until Ctrl-C. `ready` is told the address bound (the port may have been 0).
pub fn serve(
    loader: Box<Loader>,
    settings: Settings,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(loader, settings, ready))
}

async fn run(
    loader: Box<Loader>,
    settings: Settings,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(settings.addr).await?;
    let bound = listener.local_addr()?;
    let (reloads, _) = broadcast::channel(16);
    let mut hosts = vec![
        format!("localhost:{}", bound.port()),
        format!("127.0.0.1:{}", bound.port()),
        format!("[::1]:{}", bound.port()),
    ];
    if !is_loopback(&bound) {
        hosts.clear(); // bound for others on purpose: any name may reach it
    }
    let app = Arc::new(App {
        current: RwLock::new(Current {
            served: None,
            view: Arc::new(errors_only(Vec::new())),
            version: 0,
            plan: None,
        }),
        loader,
        reloads,
        today: settings.today,
        planning: tokio::sync::Mutex::new(()),
        hosts,
    });
    {
        let app = app.clone();
        tokio::task::spawn_blocking(move || app.reload())
            .await
            .map_err(std::io::Error::other)?;
    }
    let _watcher = watch(app.clone(), &settings.watch, settings.debounce)?;
    let router = Router::new()
        .route("/", get(index))
        .route("/api/view", get(view))
        .route("/api/whatif", get(whatif))
        .route("/api/plan", get(plan))
        .route("/api/events", get(events))
        .layer(middleware::from_fn_with_state(app.clone(), check_host))
        .with_state(app);
    ready(bound);
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

async fn check_host(
    State(app): State<Arc<App>>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    if !app.hosts.is_empty() {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !app.hosts.iter().any(|h| h == host) {
            return (
                StatusCode::FORBIDDEN,
                "spof serve answers only requests to localhost",
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// Watches the folders of `files`; a change to one of the files reloads the model once the
/// changes stop coming for `debounce`.
fn watch(
    app: Arc<App>,
    files: &[PathBuf],
    debounce: Duration,
) -> std::io::Result<Option<notify::RecommendedWatcher>> {
    use notify::{RecursiveMode, Watcher};
    if files.is_empty() {
        return Ok(None);
    }
    let files: Vec<PathBuf> = files
        .iter()
        .map(|f| std::path::absolute(f).unwrap_or_else(|_| f.clone()))
        .collect();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let wanted = files.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && event.paths.iter().any(|p| {
                wanted
                    .iter()
                    .any(|w| p == w || (w.is_dir() && p.starts_with(w)))
            })
        {
            let _ = tx.send(());
        }
    })
    .map_err(std::io::Error::other)?;
    let mut folders: Vec<PathBuf> = Vec::new();
    for file in &files {
        let (folder, mode) = if file.is_dir() {
            (file.clone(), RecursiveMode::Recursive)
        } else {
            (
                file.parent()
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from(".")),
                RecursiveMode::NonRecursive,
            )
        };
        if !folders.contains(&folder) {
            watcher
                .watch(&folder, mode)
                .map_err(std::io::Error::other)?;
            folders.push(folder);
        }
    }
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            // Wait for the writes to stop, then read once.
            loop {
                match tokio::time::timeout(debounce, rx.recv()).await {
                    Ok(Some(())) => continue,
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
            let app = app.clone();
            let _ = tokio::task::spawn_blocking(move || app.reload()).await;
        }
    });
    Ok(Some(watcher))
}

async fn index(State(app): State<Arc<App>>) -> Response {
    let title = {
        let current = app.current.read().expect("the lock is not poisoned");
        current
            .served
            .as_ref()
            .map(|s| {
                s.model
                    .name
                    .clone()
                    .unwrap_or_else(|| s.options.file.clone())
            })
            .unwrap_or_else(|| "spof".into())
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        web::page(&format!("spof: {title}"), None),
    )
        .into_response()
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn error(status: StatusCode, message: String) -> Response {
    json_response(status, serde_json::json!({ "error": message }).to_string())
}

async fn view(State(app): State<Arc<App>>) -> Response {
    let view = app
        .current
        .read()
        .expect("the lock is not poisoned")
        .view
        .clone();
    json_response(StatusCode::OK, view.as_ref().clone())
}

/// The events asked for: `event=` repeated, each an event id, a component, a domain or a
/// person, as `spof whatif` takes them.
fn asked_events(query: Option<String>) -> Vec<String> {
    query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k == "event")
                .map(|(_, v)| v.into_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn whatif(State(app): State<Arc<App>>, RawQuery(query): RawQuery) -> Response {
    let asked = asked_events(query);
    if asked.is_empty() {
        return error(StatusCode::BAD_REQUEST, "no event= given".into());
    }
    let Some(served) = app
        .current
        .read()
        .expect("the lock is not poisoned")
        .served
        .clone()
    else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "no model read yet".into());
    };
    let answer = tokio::task::spawn_blocking(move || answer(&served, &asked)).await;
    match answer {
        Ok(Ok(body)) => json_response(StatusCode::OK, body),
        Ok(Err(message)) => error(StatusCode::BAD_REQUEST, message),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The answer to failing `asked` together, as the page reads it.
pub fn answer(served: &Served, asked: &[String]) -> Result<String, String> {
    let graph = &served.report.analysis.graph;
    let mut events = Vec::new();
    let mut problems = Vec::new();
    for text in asked {
        match spof_engine::graph::resolve_events(&served.model, graph, text) {
            Ok(found) => events.extend(found),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    events.sort_unstable();
    events.dedup();
    let selection = web::selection(&served.model, &served.report, &events, true);
    Ok(serde_json::to_string(&selection).expect("the answer serialises"))
}

async fn plan(State(app): State<Arc<App>>) -> Response {
    let _one_at_a_time = app.planning.lock().await;
    let (served, version, cached) = {
        let current = app.current.read().expect("the lock is not poisoned");
        (
            current.served.clone(),
            current.version,
            current.plan.clone(),
        )
    };
    if let Some((at, plan)) = cached
        && at == version
    {
        return json_response(StatusCode::OK, plan.as_ref().clone());
    }
    let Some(served) = served else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "no model read yet".into());
    };
    let today = app.today;
    let body = tokio::task::spawn_blocking(move || plan_json(&served, today)).await;
    match body {
        Ok(body) => {
            let body = Arc::new(body);
            app.current.write().expect("the lock is not poisoned").plan =
                Some((version, body.clone()));
            json_response(StatusCode::OK, body.as_ref().clone())
        }
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The plan's frames with their diagrams, as the page reads them.
pub fn plan_json(served: &Served, today: Option<Date>) -> String {
    let plan = spof_engine::plan::plan(
        &served.model,
        &spof_engine::plan::PlanConfig {
            today,
            max_steps: 40,
        },
        &|_, _, _| {},
    );
    let view = web::view(
        &served.model,
        &served.report,
        &served.options,
        "live",
        false,
        Some(&plan),
        None,
    );
    serde_json::to_string(&view.plan).expect("the plan serialises")
}

async fn events(
    State(app): State<Arc<App>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, std::convert::Infallible>>> {
    use tokio_stream::StreamExt;
    let stream = tokio_stream::wrappers::BroadcastStream::new(app.reloads.subscribe()).filter_map(
        |version| {
            version
                .ok()
                .map(|v| Ok(Event::default().event("reload").data(v.to_string())))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
