//! Structurizr DSL workspaces to a spof model. A small tokenizer and a statement tree read the
//! subset real workspaces use: people, software systems, containers and components (with
//! groups, tags, `!identifiers hierarchical`, archetypes), relationships at every level,
//! deployment environments with nested deployment nodes (`instances`), infrastructure nodes,
//! container and software system instances, and deployment relationships. `views`, `styles`,
//! `configuration`, documentation and properties are skipped and listed; `!include`,
//! `workspace extends` and scripts cannot be followed and are located errors or notes.
//!
//! One deployment environment is mapped (one named Live or Production, else the first; the
//! others are listed). Each container or software system deployed there becomes a component
//! whose replicas are the product of the `instances` of its enclosing deployment nodes; data
//! centres, zones, regions and cloud providers among those nodes become failure domains, and a
//! host shared by several components becomes a host domain. A standby tagged `Failover` makes
//! the component active-passive (failover mode not stated: manual, and said so).
//! Relationships between components of containers are lifted to their containers, and become
//! dependencies between the deployed components; software systems used but not deployed are
//! external components. Containers that run on each user's device (browsers, mobile apps) are
//! not shared failure points and are left out, with the reason.

use crate::builder::{ModelBuilder, Numbering};
use crate::{
    ComponentDoc, DependencyDoc, DomainDoc, Import, ImportError, InstanceDoc, SourceFile, Unmapped,
    Unresolved,
};
use indexmap::{IndexMap, IndexSet};
use spof_model::{DomainKind, Kind};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Reads one Structurizr DSL workspace (the first `.dsl` file given, or the only file).
pub fn import(files: &[SourceFile]) -> Result<Import, ImportError> {
    let dsl: Vec<&SourceFile> = files
        .iter()
        .filter(|f| f.path.to_ascii_lowercase().ends_with(".dsl"))
        .collect();
    let file = match (dsl.as_slice(), files) {
        ([one], _) => *one,
        ([], [one]) => one,
        ([], []) => {
            return Err(ImportError::new(
                String::new(),
                None,
                None,
                "no Structurizr DSL file given".into(),
            ));
        }
        ([], _) => {
            return Err(ImportError::new(
                files[0].path.clone(),
                None,
                None,
                "no `.dsl` file among the files given: name the workspace file".into(),
            ));
        }
        (many, _) => {
            return Err(ImportError::new(
                many[1].path.clone(),
                None,
                None,
                format!(
                    "several workspaces given ({}): import one `.dsl` file at a time (`!include` is not followed)",
                    many.iter()
                        .map(|f| f.path.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    };
    let tokens = tokenize(&file.path, &file.text)?;
    let statements = parse_statements(&file.path, &tokens)?;
    let mut reader = Reader::new(&file.path);
    reader.top(&statements)?;
    let mut mapper = Mapper::new(&reader);
    mapper.run();
    let mut import = mapper.finish();
    import.make_usable();
    if import.model.components.is_empty() {
        return Err(ImportError::new(
            file.path.clone(),
            None,
            None,
            "nothing to model: the workspace deploys or names no container or software system that serves users (people and client-side containers are not failure points)".into(),
        ));
    }
    for other in files.iter().filter(|f| f.path != file.path) {
        import.report.unmapped.push(Unmapped {
            object: other.path.clone(),
            why: "not the workspace file: skipped".into(),
            source: other.path.clone(),
            runs: false,
        });
    }
    Ok(import)
}

// ---------------------------------------------------------------------------------------------
// Tokens and statements.

#[derive(Clone, Debug, PartialEq)]
enum TokKind {
    Word(String),
    Str(String),
    Open,
    Close,
    Newline,
}

#[derive(Clone, Debug)]
struct Tok {
    kind: TokKind,
    line: u32,
    column: u32,
}

fn located(file: &str, line: u32, column: u32, message: String) -> ImportError {
    ImportError::new(file.to_string(), Some(line), Some(column), message)
}

fn tokenize(file: &str, text: &str) -> Result<Vec<Tok>, ImportError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line, mut column) = (0usize, 1u32, 1u32);
    // One character forward, keeping the line and column.
    let advance = |i: &mut usize, line: &mut u32, column: &mut u32| {
        if chars.get(*i) == Some(&'\n') {
            *line += 1;
            *column = 1;
        } else {
            *column += 1;
        }
        *i += 1;
    };
    while i < chars.len() {
        let c = chars[i];
        let (start_line, start_column) = (line, column);
        match c {
            '\n' => {
                tokens.push(Tok {
                    kind: TokKind::Newline,
                    line,
                    column,
                });
                advance(&mut i, &mut line, &mut column);
            }
            ' ' | '\t' | '\r' | '\u{feff}' => advance(&mut i, &mut line, &mut column),
            '\\' if chars[i + 1..]
                .iter()
                .find(|c| !matches!(c, ' ' | '\t' | '\r'))
                .is_none_or(|c| *c == '\n') =>
            {
                // A line continuation: skip to the next line.
                while i < chars.len() && chars[i] != '\n' {
                    advance(&mut i, &mut line, &mut column);
                }
                advance(&mut i, &mut line, &mut column);
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                advance(&mut i, &mut line, &mut column);
                advance(&mut i, &mut line, &mut column);
                loop {
                    if i >= chars.len() {
                        return Err(located(
                            file,
                            start_line,
                            start_column,
                            "a `/*` comment is never closed".into(),
                        ));
                    }
                    if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        advance(&mut i, &mut line, &mut column);
                        advance(&mut i, &mut line, &mut column);
                        break;
                    }
                    advance(&mut i, &mut line, &mut column);
                }
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    advance(&mut i, &mut line, &mut column);
                }
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    advance(&mut i, &mut line, &mut column);
                }
            }
            '{' => {
                tokens.push(Tok {
                    kind: TokKind::Open,
                    line,
                    column,
                });
                advance(&mut i, &mut line, &mut column);
            }
            '}' => {
                tokens.push(Tok {
                    kind: TokKind::Close,
                    line,
                    column,
                });
                advance(&mut i, &mut line, &mut column);
            }
            '"' => {
                let triple = chars.get(i + 1) == Some(&'"') && chars.get(i + 2) == Some(&'"');
                let mut value = String::new();
                if triple {
                    for _ in 0..3 {
                        advance(&mut i, &mut line, &mut column);
                    }
                    loop {
                        if i >= chars.len() {
                            return Err(located(
                                file,
                                start_line,
                                start_column,
                                "a `\"\"\"` text block is never closed".into(),
                            ));
                        }
                        if chars[i] == '"'
                            && chars.get(i + 1) == Some(&'"')
                            && chars.get(i + 2) == Some(&'"')
                        {
                            for _ in 0..3 {
                                advance(&mut i, &mut line, &mut column);
                            }
                            break;
                        }
                        value.push(chars[i]);
                        advance(&mut i, &mut line, &mut column);
                    }
                } else {
                    advance(&mut i, &mut line, &mut column);
                    loop {
                        match chars.get(i) {
                            None | Some('\n') => {
                                return Err(located(
                                    file,
                                    start_line,
                                    start_column,
                                    "a string is not closed on its line (a `\"` is missing)".into(),
                                ));
                            }
                            Some('"') => {
                                advance(&mut i, &mut line, &mut column);
                                break;
                            }
                            Some('\\') if matches!(chars.get(i + 1), Some('"') | Some('\\')) => {
                                value.push(chars[i + 1]);
                                advance(&mut i, &mut line, &mut column);
                                advance(&mut i, &mut line, &mut column);
                            }
                            Some(&other) => {
                                value.push(other);
                                advance(&mut i, &mut line, &mut column);
                            }
                        }
                    }
                }
                tokens.push(Tok {
                    kind: TokKind::Str(value),
                    line: start_line,
                    column: start_column,
                });
            }
            _ => {
                let mut word = String::new();
                while i < chars.len()
                    && !matches!(chars[i], ' ' | '\t' | '\r' | '\n' | '{' | '}' | '"')
                {
                    word.push(chars[i]);
                    advance(&mut i, &mut line, &mut column);
                }
                tokens.push(Tok {
                    kind: TokKind::Word(word),
                    line: start_line,
                    column: start_column,
                });
            }
        }
    }
    Ok(tokens)
}

/// A statement: its words (and strings) on one line, and its block when it opens one.
#[derive(Clone, Debug)]
struct Stmt {
    words: Vec<Tok>,
    line: u32,
    column: u32,
    block: Option<Vec<Stmt>>,
}

impl Stmt {
    fn word(&self, i: usize) -> Option<&str> {
        match &self.words.get(i)?.kind {
            TokKind::Word(w) => Some(w),
            _ => None,
        }
    }

    /// A word or a string at position `i`.
    fn arg(&self, i: usize) -> Option<&str> {
        match &self.words.get(i)?.kind {
            TokKind::Word(w) | TokKind::Str(w) => Some(w),
            _ => None,
        }
    }

    fn keyword(&self) -> String {
        self.word(0).unwrap_or_default().to_ascii_lowercase()
    }
}

fn parse_statements(file: &str, tokens: &[Tok]) -> Result<Vec<Stmt>, ImportError> {
    let mut pos = 0;
    let statements = parse_block(file, tokens, &mut pos, 0, None)?;
    Ok(statements)
}

fn parse_block(
    file: &str,
    tokens: &[Tok],
    pos: &mut usize,
    depth: usize,
    opened: Option<(u32, u32)>,
) -> Result<Vec<Stmt>, ImportError> {
    if depth > 64 {
        let (line, column) = opened.unwrap_or((1, 1));
        return Err(located(
            file,
            line,
            column,
            "blocks nested too deeply (more than 64)".into(),
        ));
    }
    let mut out = Vec::new();
    let mut current: Vec<Tok> = Vec::new();
    let finish = |current: &mut Vec<Tok>, out: &mut Vec<Stmt>, block: Option<Vec<Stmt>>| {
        if current.is_empty() && block.is_none() {
            return;
        }
        let (line, column) = current.first().map_or((0, 0), |t| (t.line, t.column));
        out.push(Stmt {
            words: std::mem::take(current),
            line,
            column,
            block,
        });
    };
    while *pos < tokens.len() {
        let tok = &tokens[*pos];
        *pos += 1;
        match &tok.kind {
            TokKind::Newline => finish(&mut current, &mut out, None),
            TokKind::Open => {
                let block =
                    parse_block(file, tokens, pos, depth + 1, Some((tok.line, tok.column)))?;
                if current.is_empty() {
                    // `{` on its own line belongs to the statement before it.
                    if let Some(last) = out.last_mut()
                        && last.block.is_none()
                    {
                        last.block = Some(block);
                        continue;
                    }
                    current.push(Tok {
                        kind: TokKind::Word(String::new()),
                        line: tok.line,
                        column: tok.column,
                    });
                }
                finish(&mut current, &mut out, Some(block));
            }
            TokKind::Close => {
                finish(&mut current, &mut out, None);
                return match opened {
                    Some(_) => Ok(out),
                    None => Err(located(
                        file,
                        tok.line,
                        tok.column,
                        "a `}` closes no block".into(),
                    )),
                };
            }
            TokKind::Word(_) | TokKind::Str(_) => current.push(tok.clone()),
        }
    }
    finish(&mut current, &mut out, None);
    match opened {
        Some((line, column)) => Err(located(
            file,
            line,
            column,
            "this `{` is never closed".into(),
        )),
        None => Ok(out),
    }
}

// ---------------------------------------------------------------------------------------------
// The model as written.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ElKind {
    Person,
    System,
    Container,
    Component,
    Custom,
    Environment,
    Node,
    Infrastructure,
    ContainerInstance,
    SystemInstance,
    DeploymentGroup,
}

#[derive(Clone, Debug)]
struct Element {
    kind: ElKind,
    name: String,
    description: String,
    technology: String,
    tags: Vec<String>,
    parent: Option<usize>,
    identifier: Option<String>,
    line: u32,
    /// A deployment node's `instances` (at least 1).
    instances: u64,
    /// What an instance is an instance of, as written (resolved later).
    of: Option<(String, u32)>,
    health_checks: usize,
    /// Its hierarchical identifier (`system.container`), with `!identifiers hierarchical`.
    path: Option<String>,
}

impl Element {
    fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
    }

    fn text(&self) -> String {
        format!("{} {} {}", self.name, self.technology, self.tags.join(" ")).to_ascii_lowercase()
    }
}

#[derive(Clone, Debug)]
struct Rel {
    from: RefSpec,
    to: RefSpec,
    /// The element whose block it was written in, for `this` and hierarchical identifiers.
    scope: Option<usize>,
    description: String,
    technology: String,
    line: u32,
    /// The deployment environment it was written in.
    environment: Option<usize>,
}

#[derive(Clone, Debug)]
enum RefSpec {
    Id(String),
    Element(usize),
}

struct Reader {
    file: String,
    elements: Vec<Element>,
    ids: HashMap<String, usize>,
    rels: Vec<Rel>,
    hierarchical: bool,
    archetypes: HashMap<String, Archetype>,
    skipped: Vec<Unmapped>,
}

const ELEMENT_KEYWORDS: &[&str] = &[
    "person",
    "softwaresystem",
    "container",
    "component",
    "element",
    "deploymentenvironment",
    "deploymentnode",
    "infrastructurenode",
    "containerinstance",
    "softwaresysteminstance",
    "deploymentgroup",
];

/// An archetype: a name for a base keyword with default technology, tags and description.
#[derive(Clone, Debug, Default)]
struct Archetype {
    base: String,
    technology: Option<String>,
    description: Option<String>,
    tags: Vec<String>,
}

fn is_arrow(word: &str) -> bool {
    word == "->" || (word.starts_with('-') && word.ends_with("->") && word.len() > 2)
}

impl Reader {
    fn new(file: &str) -> Reader {
        Reader {
            file: file.to_string(),
            elements: Vec::new(),
            ids: HashMap::new(),
            rels: Vec::new(),
            hierarchical: false,
            archetypes: HashMap::new(),
            skipped: Vec::new(),
        }
    }

    fn at(&self, line: u32) -> String {
        format!("{}:{line}", self.file)
    }

    fn skip(&mut self, object: &str, why: &str, line: u32) {
        self.skipped.push(Unmapped {
            object: object.to_string(),
            why: why.to_string(),
            source: self.at(line),
            runs: false,
        });
    }

    fn error(&self, stmt: &Stmt, message: String) -> ImportError {
        located(&self.file, stmt.line, stmt.column, message)
    }

    /// Every `!include`, each a problem of its own: the importer reads one self-contained
    /// workspace file.
    fn check_directives(&self, statements: &[Stmt], problems: &mut Vec<ImportError>) {
        for s in statements {
            for w in &s.words {
                if let TokKind::Word(word) = &w.kind
                    && word.eq_ignore_ascii_case("!include")
                {
                    problems.push(located(
                        &self.file,
                        w.line,
                        w.column,
                        "`!include` is not supported: the importer reads one self-contained workspace file (inline the included file, or export the workspace to one DSL file)".into(),
                    ));
                }
            }
            if let Some(block) = &s.block {
                self.check_directives(block, problems);
            }
        }
    }

    fn top(&mut self, statements: &[Stmt]) -> Result<(), ImportError> {
        let mut problems = Vec::new();
        self.check_directives(statements, &mut problems);
        if let Some(error) = ImportError::collected(problems) {
            return Err(error);
        }
        let Some(workspace) = statements.iter().find(|s| s.keyword() == "workspace") else {
            let (line, column) = statements.first().map_or((1, 1), |s| (s.line, s.column));
            return Err(located(
                &self.file,
                line,
                column,
                "not a Structurizr DSL workspace: no `workspace { ... }`".into(),
            ));
        };
        if workspace
            .word(1)
            .is_some_and(|w| w.eq_ignore_ascii_case("extends"))
        {
            return Err(self.error(
                workspace,
                "`workspace extends` is not supported: the importer reads one self-contained workspace".into(),
            ));
        }
        let Some(block) = &workspace.block else {
            return Err(self.error(workspace, "the workspace has no `{ ... }` block".into()));
        };
        for s in block {
            match s.keyword().as_str() {
                "model" => {
                    if let Some(b) = &s.block {
                        self.model_block(b, None, None);
                    }
                }
                "!identifiers" => {
                    self.hierarchical = s
                        .arg(1)
                        .is_some_and(|a| a.eq_ignore_ascii_case("hierarchical"));
                }
                "views" => self.skip(
                    "views",
                    "diagrams and their layout: not part of the system model",
                    s.line,
                ),
                "styles" | "themes" | "theme" | "branding" | "terminology" => {
                    self.skip(&s.keyword(), "presentation only", s.line)
                }
                "configuration" => self.skip(
                    "configuration",
                    "workspace settings (users, scope, visibility)",
                    s.line,
                ),
                "!docs" | "!adrs" => self.skip(&s.keyword(), "documentation, not read", s.line),
                "!script" | "!plugin" => self.skip(
                    &s.keyword(),
                    "scripts and plugins are not run: elements they would add are missing",
                    s.line,
                ),
                "name"
                | "description"
                | "properties"
                | "!impliedrelationships"
                | "!constant"
                | "!const"
                | "!var"
                | "" => {}
                other => self.skip(
                    other,
                    "a workspace statement the importer does not read",
                    s.line,
                ),
            }
        }
        Ok(())
    }

    /// Statements inside `model`, a group, an element or a deployment block.
    fn model_block(
        &mut self,
        statements: &[Stmt],
        parent: Option<usize>,
        environment: Option<usize>,
    ) {
        for s in statements {
            self.statement(s, parent, environment);
        }
    }

    fn statement(&mut self, s: &Stmt, parent: Option<usize>, environment: Option<usize>) {
        // Relationships: `a -> b ...`, `-> b ...`, `id = a -> b ...`.
        let mut words: Vec<Tok> = s.words.clone();
        let mut identifier = None;
        if words.len() >= 3
            && matches!(&words[1].kind, TokKind::Word(w) if w == "=")
            && let TokKind::Word(id) = &words[0].kind
        {
            identifier = Some(id.clone());
            words.drain(..2);
        }
        let word_at = |i: usize| match words.get(i).map(|t| &t.kind) {
            Some(TokKind::Word(w)) => Some(w.as_str()),
            _ => None,
        };
        let arrow_at = if word_at(0).is_some_and(is_arrow) {
            Some(0)
        } else if word_at(1).is_some_and(is_arrow) {
            Some(1)
        } else {
            None
        };
        if let Some(a) = arrow_at {
            let from = if a == 0 {
                match parent {
                    Some(p) => RefSpec::Element(p),
                    None => {
                        self.skip(
                            "relationship",
                            "`->` without a source outside an element",
                            s.line,
                        );
                        return;
                    }
                }
            } else {
                match word_at(0) {
                    Some("this") => match parent {
                        Some(p) => RefSpec::Element(p),
                        None => return,
                    },
                    Some(id) => RefSpec::Id(id.to_string()),
                    None => return,
                }
            };
            let to = match words.get(a + 1).map(|t| &t.kind) {
                Some(TokKind::Word(w)) if w == "this" => match parent {
                    Some(p) => RefSpec::Element(p),
                    None => return,
                },
                Some(TokKind::Word(w)) => RefSpec::Id(w.clone()),
                _ => {
                    self.skip("relationship", "no destination after `->`", s.line);
                    return;
                }
            };
            let text = |i: usize| match words.get(i).map(|t| &t.kind) {
                Some(TokKind::Str(v)) | Some(TokKind::Word(v)) => v.clone(),
                _ => String::new(),
            };
            self.rels.push(Rel {
                from,
                to,
                scope: parent,
                description: text(a + 2),
                technology: text(a + 3),
                line: s.line,
                environment,
            });
            return;
        }
        let mut keyword = word_at(0).unwrap_or_default().to_ascii_lowercase();
        // Archetypes name a base keyword, with defaults.
        let mut defaults: Vec<Archetype> = Vec::new();
        while let Some(archetype) = self.archetypes.get(&keyword) {
            keyword = archetype.base.clone();
            defaults.push(archetype.clone());
            if defaults.len() > 16 {
                break;
            }
        }
        let arg = |i: usize| match words.get(i).map(|t| &t.kind) {
            Some(TokKind::Str(v)) | Some(TokKind::Word(v)) => Some(v.clone()),
            _ => None,
        };
        match keyword.as_str() {
            "group" | "enterprise" => {
                if let Some(b) = &s.block {
                    self.model_block(b, parent, environment);
                }
            }
            "archetypes" => {
                if let Some(b) = &s.block {
                    for a in b {
                        if a.word(1) == Some("=")
                            && let (Some(name), Some(base)) = (a.word(0), a.word(2))
                        {
                            let mut archetype = Archetype {
                                base: base.to_ascii_lowercase(),
                                ..Archetype::default()
                            };
                            for d in a.block.iter().flatten() {
                                match (d.keyword().as_str(), d.arg(1)) {
                                    ("technology", Some(t)) => {
                                        archetype.technology = Some(t.to_string());
                                    }
                                    ("description", Some(t)) => {
                                        archetype.description = Some(t.to_string());
                                    }
                                    ("tag" | "tags", Some(t)) => archetype.tags.extend(
                                        t.split(',')
                                            .map(|x| x.trim().to_string())
                                            .filter(|x| !x.is_empty()),
                                    ),
                                    _ => {}
                                }
                            }
                            self.archetypes.insert(name.to_ascii_lowercase(), archetype);
                        }
                    }
                }
            }
            "!identifiers" => {
                self.hierarchical = arg(1).is_some_and(|a| a.eq_ignore_ascii_case("hierarchical"));
            }
            "!ref" | "!element" | "!extend" => {
                if let Some(target) = arg(1)
                    && let Some(e) = self.resolve_name(&target)
                    && let Some(b) = &s.block
                {
                    self.model_block(b, Some(e), environment);
                }
            }
            "tags" | "tag" => {
                if let Some(p) = parent {
                    for i in 1..words.len() {
                        if let Some(t) = arg(i) {
                            self.elements[p].tags.extend(
                                t.split(',')
                                    .map(|t| t.trim().to_string())
                                    .filter(|t| !t.is_empty()),
                            );
                        }
                    }
                }
            }
            "description" => {
                if let (Some(p), Some(d)) = (parent, arg(1)) {
                    self.elements[p].description = d;
                }
            }
            "technology" => {
                if let (Some(p), Some(t)) = (parent, arg(1)) {
                    self.elements[p].technology = t;
                }
            }
            "instances" => {
                if let (Some(p), Some(n)) = (parent, arg(1)) {
                    self.elements[p].instances = parse_instances(&n);
                }
            }
            "healthcheck" => {
                if let Some(p) = parent {
                    self.elements[p].health_checks += 1;
                }
            }
            "url" | "properties" | "perspectives" | "!docs" | "!adrs" | "metadata"
            | "!decisions" => {}
            "!script" | "!plugin" => self.skip(
                &keyword,
                "scripts and plugins are not run: elements they would add are missing",
                s.line,
            ),
            k if ELEMENT_KEYWORDS.contains(&k) => {
                let kind = match k {
                    "person" => ElKind::Person,
                    "softwaresystem" => ElKind::System,
                    "container" => ElKind::Container,
                    "component" => ElKind::Component,
                    "element" => ElKind::Custom,
                    "deploymentenvironment" => ElKind::Environment,
                    "deploymentnode" => ElKind::Node,
                    "infrastructurenode" => ElKind::Infrastructure,
                    "containerinstance" => ElKind::ContainerInstance,
                    "softwaresysteminstance" => ElKind::SystemInstance,
                    _ => ElKind::DeploymentGroup,
                };
                let mut element = Element {
                    kind,
                    name: String::new(),
                    description: String::new(),
                    technology: String::new(),
                    tags: Vec::new(),
                    parent,
                    identifier: identifier.clone(),
                    line: s.line,
                    instances: 1,
                    of: None,
                    health_checks: 0,
                    path: None,
                };
                let split_tags = |t: Option<String>| -> Vec<String> {
                    t.map(|t| {
                        t.split(',')
                            .map(|x| x.trim().to_string())
                            .filter(|x| !x.is_empty())
                            .collect()
                    })
                    .unwrap_or_default()
                };
                match kind {
                    ElKind::Person | ElKind::System => {
                        element.name = arg(1).unwrap_or_default();
                        element.description = arg(2).unwrap_or_default();
                        element.tags = split_tags(arg(3));
                    }
                    ElKind::Container | ElKind::Component | ElKind::Infrastructure => {
                        element.name = arg(1).unwrap_or_default();
                        element.description = arg(2).unwrap_or_default();
                        element.technology = arg(3).unwrap_or_default();
                        element.tags = split_tags(arg(4));
                    }
                    ElKind::Custom => {
                        element.name = arg(1).unwrap_or_default();
                        element.technology = arg(2).unwrap_or_default();
                        element.description = arg(3).unwrap_or_default();
                        element.tags = split_tags(arg(4));
                    }
                    ElKind::Environment | ElKind::DeploymentGroup => {
                        element.name = arg(1).unwrap_or_default();
                    }
                    ElKind::Node => {
                        element.name = arg(1).unwrap_or_default();
                        element.description = arg(2).unwrap_or_default();
                        element.technology = arg(3).unwrap_or_default();
                        element.tags = split_tags(arg(4));
                        if let Some(n) = arg(5) {
                            element.instances = parse_instances(&n);
                        }
                    }
                    ElKind::ContainerInstance | ElKind::SystemInstance => {
                        let target = arg(1).unwrap_or_default();
                        element.name = target.clone();
                        element.of = Some((target, s.line));
                        // `containerInstance x [deploymentGroups] [tags]`.
                        element.tags = split_tags(arg(3));
                    }
                }
                for d in &defaults {
                    if element.technology.is_empty()
                        && let Some(t) = &d.technology
                    {
                        element.technology = t.clone();
                    }
                    if element.description.is_empty()
                        && let Some(t) = &d.description
                    {
                        element.description = t.clone();
                    }
                    element.tags.extend(d.tags.iter().cloned());
                }
                let index = self.elements.len();
                self.elements.push(element);
                if let Some(id) = &identifier {
                    self.register(id, index, parent);
                }
                let environment = if kind == ElKind::Environment {
                    Some(index)
                } else {
                    environment
                };
                if let Some(b) = &s.block {
                    self.model_block(b, Some(index), environment);
                }
            }
            "" => {}
            other => {
                let what = if identifier.is_some() {
                    format!("`{other}` (an element of a kind the importer does not know)")
                } else {
                    format!("`{other}`")
                };
                self.skip(&what, "a statement the importer does not read", s.line);
            }
        }
    }

    fn register(&mut self, id: &str, index: usize, parent: Option<usize>) {
        self.ids.entry(id.to_string()).or_insert(index);
        if self.hierarchical {
            let mut path = vec![id.to_string()];
            let mut p = parent;
            while let Some(i) = p {
                if let Some(pid) = &self.elements[i].identifier
                    && self.elements[i].kind != ElKind::Environment
                {
                    path.push(pid.clone());
                }
                p = self.elements[i].parent;
            }
            path.reverse();
            let path = path.join(".");
            self.elements[index].path = Some(path.clone());
            self.ids.insert(path, index);
        }
    }

    /// What a relationship end names: `this`, an identifier relative to the enclosing
    /// elements (hierarchical identifiers), or a workspace-wide identifier.
    fn resolve(&self, spec: &RefSpec, scope: Option<usize>) -> Option<usize> {
        let id = match spec {
            RefSpec::Element(e) => return Some(*e),
            RefSpec::Id(id) => id,
        };
        let mut s = scope;
        while let Some(i) = s {
            if let Some(path) = &self.elements[i].path
                && let Some(&found) = self.ids.get(&format!("{path}.{id}"))
            {
                return Some(found);
            }
            s = self.elements[i].parent;
        }
        self.ids.get(id).copied()
    }

    /// An identifier, or for `!ref`, an element's name.
    fn resolve_name(&self, text: &str) -> Option<usize> {
        self.ids
            .get(text)
            .copied()
            .or_else(|| self.elements.iter().position(|e| e.name == text))
    }
}

fn parse_instances(text: &str) -> u64 {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<u64>().unwrap_or(1).clamp(1, 1_000_000)
}

// ---------------------------------------------------------------------------------------------
// The mapping.

/// A failure-domain kind read from a deployment node's name and technology.
fn node_domain_kind(node: &Element) -> Option<&'static str> {
    let text = format!("{} {}", node.name, node.technology).to_ascii_lowercase();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    let region_code = |w: &str| {
        let parts: Vec<&str> = w.split('-').collect();
        parts.len() >= 3
            && parts[0].len() == 2
            && parts[0].chars().all(|c| c.is_ascii_alphabetic())
            && parts[parts.len() - 1]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
    };
    if words
        .iter()
        .any(|w| region_code(w) && w.ends_with(|c: char| c.is_ascii_alphabetic()))
        || text.contains("availability zone")
        || text.contains("data center")
        || text.contains("datacenter")
        || text.contains("data centre")
        || text.contains("datacentre")
        || words.contains(&"zone")
        || words.contains(&"az")
    {
        return Some("zone");
    }
    if words.iter().any(|w| region_code(w)) || words.contains(&"region") {
        return Some("region");
    }
    if text.contains("amazon web services")
        || words.contains(&"aws")
        || words.contains(&"azure")
        || text.contains("google cloud")
        || words.contains(&"gcp")
        || text.contains("cloud provider")
    {
        return Some("provider");
    }
    None
}

/// Words that say a container runs on each user's own device.
const CLIENT_WORDS: &[&str] = &[
    "browser",
    "mobile",
    "customer's",
    "user's",
    "desktop",
    "laptop",
    "smartphone",
    "tablet",
    "single page application",
    "single-page application",
];

/// Whether a text (a node's name and technology, a container's technology and tags) says it
/// runs on each user's device.
fn client_side_text(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    CLIENT_WORDS.iter().any(|w| text.contains(w))
        || text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "ios" | "android" | "spa"))
}

fn component_kind(text: &str, default: Kind) -> Kind {
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&[
        "database",
        "oracle",
        "postgres",
        "mysql",
        "sql",
        "mongo",
        "schema",
        "cassandra",
        "dynamodb",
        "rds",
    ]) {
        Kind::Database
    } else if has(&["cache", "redis", "memcache"]) {
        Kind::Cache
    } else if has(&[
        "queue",
        "kafka",
        "rabbit",
        "topic",
        "message bus",
        "broker",
        "sqs",
        "sns",
    ]) {
        Kind::Queue
    } else if has(&["load balancer", "elastic load", "elb", "haproxy", "f5"]) {
        Kind::LoadBalancer
    } else if has(&["route 53", "route53", "dns"]) {
        Kind::Dns
    } else if has(&["cdn", "cloudfront", "akamai"]) {
        Kind::Cdn
    } else if has(&["api gateway", "gateway"]) {
        Kind::ApiGateway
    } else if has(&["firewall", "waf", "router", "switch"]) {
        Kind::Network
    } else if has(&["search", "elasticsearch", "opensearch", "solr"]) {
        Kind::Search
    } else if has(&["bucket", "s3", "blob", "object stor"]) {
        Kind::ObjectStorage
    } else if has(&["e-mail", "email", "smtp", "exchange"]) {
        default
    } else if has(&["web application", "web server", "website", "frontend"]) {
        Kind::Web
    } else {
        default
    }
}

/// A cloud service that is redundant by design, named in an infrastructure node.
fn managed_service(text: &str) -> bool {
    [
        "route 53",
        "route53",
        "elastic load balancer",
        "application load balancer",
        "cloudfront",
        "amazon s3",
        "azure front door",
        "cloud load balancing",
        "cloud dns",
        "azure dns",
    ]
    .iter()
    .any(|w| text.contains(w))
}

struct Unit {
    /// The container or software system (or infrastructure node) deployed.
    element: usize,
    /// Its instance elements in the environment, each with its multiplier and its nodes
    /// (outermost first).
    instances: Vec<(usize, u64, Vec<usize>)>,
}

struct Mapper<'r> {
    r: &'r Reader,
    out: ModelBuilder,
    environment: Option<usize>,
    /// Element (container, system, infrastructure node) to its component.
    component_of: HashMap<usize, String>,
    /// Deployment element (instance, node, infrastructure node) to its components.
    deployed_of: HashMap<usize, Vec<String>>,
    domains_of_node: HashMap<usize, String>,
    external: IndexMap<usize, String>,
    /// Containers whose instances run on users' devices.
    client_side: BTreeSet<usize>,
}

impl<'r> Mapper<'r> {
    fn new(r: &'r Reader) -> Mapper<'r> {
        Mapper {
            r,
            out: ModelBuilder::new("structurizr"),
            environment: None,
            component_of: HashMap::new(),
            deployed_of: HashMap::new(),
            domains_of_node: HashMap::new(),
            external: IndexMap::new(),
            client_side: BTreeSet::new(),
        }
    }

    fn el(&self, i: usize) -> &'r Element {
        &self.r.elements[i]
    }

    fn at(&self, line: u32) -> String {
        self.r.at(line)
    }

    fn label(&self, i: usize) -> String {
        let e = self.el(i);
        e.identifier.clone().unwrap_or_else(|| e.name.clone())
    }

    fn unique_name(&mut self, wanted: &str) -> String {
        self.out.unique_name(wanted, Numbering::Parenthesised)
    }

    /// The container an element belongs to (itself for a container), or its software system.
    fn lift(&self, mut i: usize) -> Option<usize> {
        loop {
            match self.el(i).kind {
                ElKind::Container | ElKind::System | ElKind::Custom | ElKind::Infrastructure => {
                    return Some(i);
                }
                ElKind::Component => i = self.el(i).parent?,
                _ => return None,
            }
        }
    }

    fn chain(&self, mut i: usize) -> Vec<usize> {
        let mut nodes = Vec::new();
        while let Some(p) = self.el(i).parent {
            if self.el(p).kind == ElKind::Node {
                nodes.push(p);
            }
            i = p;
        }
        nodes.reverse();
        nodes
    }

    fn is_client_side(&self, instance: usize, target: usize) -> bool {
        let mut texts: Vec<String> = self
            .chain(instance)
            .into_iter()
            .map(|n| format!("{} {}", self.el(n).name, self.el(n).technology).to_ascii_lowercase())
            .collect();
        let t = self.el(target);
        texts.push(format!("{} {}", t.technology, t.tags.join(" ")).to_ascii_lowercase());
        texts.iter().any(|text| client_side_text(text))
    }

    fn run(&mut self) {
        let environments: Vec<usize> = (0..self.r.elements.len())
            .filter(|&i| self.el(i).kind == ElKind::Environment)
            .collect();
        let preferred = ["live", "production", "prod"];
        let chosen = preferred
            .iter()
            .find_map(|p| {
                environments
                    .iter()
                    .copied()
                    .find(|&e| self.el(e).name.eq_ignore_ascii_case(p))
            })
            .or_else(|| environments.first().copied());
        self.environment = chosen;
        for &e in &environments {
            if Some(e) != chosen {
                self.out.report.unmapped.push(Unmapped {
                    object: format!("deployment environment {}", self.el(e).name),
                    why: format!(
                        "one environment is mapped ({}); import again choosing this one to see it",
                        chosen.map(|c| self.el(c).name.clone()).unwrap_or_default()
                    ),
                    source: self.at(self.el(e).line),
                    runs: false,
                });
            }
        }
        match chosen {
            Some(env) => self.deployment(env),
            None => self.static_model(),
        }
        self.relationships();
        self.leftovers();
    }

    /// Without deployment environments: each container (or system without containers) is a
    /// component whose redundancy is unknown.
    fn static_model(&mut self) {
        self.out.report.not_modelled.push(
            "deployment: the workspace has no deployment environment, so instances, hosts and data centres are unknown; each container is one instance until an overlay says otherwise".into(),
        );
        // Containers are the components; software systems are when the workspace has no
        // container, else only when something uses them (see `relationships`).
        let any_container = self.r.elements.iter().any(|e| e.kind == ElKind::Container);
        for i in 0..self.r.elements.len() {
            let e = self.el(i);
            let deployable = match e.kind {
                ElKind::Container => true,
                ElKind::System | ElKind::Custom => !any_container,
                _ => false,
            };
            if !deployable {
                continue;
            }
            if e.kind == ElKind::Container
                && client_side_text(&format!("{} {}", e.technology, e.tags.join(" ")))
            {
                self.client_side.insert(i);
                self.out.report.unmapped.push(Unmapped {
                    object: format!("container {}", self.label(i)),
                    why: "runs on each user's own device: not a shared failure point".into(),
                    source: self.at(e.line),
                    runs: false,
                });
                continue;
            }
            let name = self.unique_name(&self.label(i));
            let default = if e.kind == ElKind::Container {
                Kind::Service
            } else {
                Kind::External
            };
            let doc = ComponentDoc {
                kind: component_kind(&e.text(), default),
                description: Some(describe(e)),
                source: Some(self.at(e.line)),
                ..ComponentDoc::default()
            };
            self.out.map(
                format!("{} {}", kind_word(e.kind), self.label(i)),
                &name,
                self.at(e.line),
            );
            self.out.report.not_modelled.push(format!(
                "`{name}`: redundancy not stated (no deployment): one instance assumed"
            ));
            self.component_of.insert(i, name.clone());
            self.out.model.components.insert(name, doc);
        }
    }

    fn deployment(&mut self, env: usize) {
        // Elements named by the environment's relationships.
        let related: BTreeSet<usize> = self
            .r
            .rels
            .iter()
            .filter(|rel| rel.environment == Some(env))
            .flat_map(|rel| {
                [
                    self.r.resolve(&rel.from, rel.scope),
                    self.r.resolve(&rel.to, rel.scope),
                ]
            })
            .flatten()
            .collect();
        // Every instance and infrastructure node in the environment.
        let mut units: IndexMap<usize, Unit> = IndexMap::new();
        for i in 0..self.r.elements.len() {
            let e = self.el(i);
            if !self.in_environment(i, env) {
                continue;
            }
            let target = match e.kind {
                ElKind::ContainerInstance | ElKind::SystemInstance => {
                    let Some((id, line)) = &e.of else { continue };
                    match self.r.ids.get(id) {
                        Some(&t) => t,
                        None => {
                            self.out.report.unresolved.push(Unresolved {
                                reference: id.clone(),
                                from: format!("instance in {}", self.el(env).name),
                                source: self.at(*line),
                            });
                            continue;
                        }
                    }
                }
                ElKind::Infrastructure if related.contains(&i) => i,
                ElKind::Infrastructure => {
                    self.out.report.unmapped.push(Unmapped {
                        object: format!("infrastructureNode {}", e.name),
                        why: "no relationship puts it on a request path (a server process hosting an instance shares its fate)".into(),
                        source: self.at(e.line), runs: false,
                    });
                    continue;
                }
                _ => continue,
            };
            let nodes = self.chain(i);
            let multiplier: u64 = nodes
                .iter()
                .map(|&n| self.el(n).instances)
                .fold(1u64, |a, b| a.saturating_mul(b))
                .min(1_000_000);
            if e.kind != ElKind::Infrastructure && self.is_client_side(i, target) {
                self.client_side.insert(target);
                let place: Vec<String> = nodes.iter().map(|&n| self.el(n).name.clone()).collect();
                self.out.report.unmapped.push(Unmapped {
                    object: format!("instance of {}", self.label(target)),
                    why: format!(
                        "runs on each user's own device ({}): not a shared failure point",
                        place.join(" > ")
                    ),
                    source: self.at(e.line),
                    runs: false,
                });
                continue;
            }
            units
                .entry(target)
                .or_insert_with(|| Unit {
                    element: target,
                    instances: Vec::new(),
                })
                .instances
                .push((i, multiplier, nodes));
        }
        // Hosts shared by several deployed elements become host domains.
        let mut host_users: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for unit in units.values() {
            for (_, _, nodes) in &unit.instances {
                if let Some(h) = self.host_of(nodes) {
                    host_users.entry(h).or_default().insert(unit.element);
                }
            }
        }
        let shared_hosts: BTreeSet<usize> = host_users
            .into_iter()
            .filter(|(_, users)| users.len() > 1)
            .map(|(h, _)| h)
            .collect();
        for unit in units.values() {
            self.unit(unit, &shared_hosts);
        }
    }

    fn in_environment(&self, mut i: usize, env: usize) -> bool {
        while let Some(p) = self.el(i).parent {
            if p == env {
                return true;
            }
            i = p;
        }
        false
    }

    /// The outermost single-instance node under the failure domains: the machine.
    fn host_of(&self, nodes: &[usize]) -> Option<usize> {
        nodes
            .iter()
            .copied()
            .find(|&n| node_domain_kind(self.el(n)).is_none())
            .filter(|&n| self.el(n).instances == 1)
            .filter(|&n| {
                // Every node outside it runs once.
                nodes
                    .iter()
                    .take_while(|&&m| m != n)
                    .all(|&m| self.el(m).instances == 1)
            })
    }

    /// The domain of a node, made on first use.
    fn domain(&mut self, node: usize, kind: &str, parent: Option<String>) -> String {
        if let Some(d) = self.domains_of_node.get(&node) {
            return d.clone();
        }
        let mut name = self.el(node).name.clone();
        if name.trim().is_empty() {
            name = format!("node at line {}", self.el(node).line);
        }
        let base = name.clone();
        let mut n = 2;
        while self.out.model.domains.contains_key(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        let e = self.el(node);
        let description = if e.technology.is_empty() {
            format!("deployment node {}", e.name)
        } else {
            format!("deployment node {} ({})", e.name, e.technology)
        };
        self.out.model.domains.insert(
            name.clone(),
            DomainDoc {
                kind: DomainKind::parse(kind),
                parent,
                description: Some(description),
                ..DomainDoc::default()
            },
        );
        self.out.map(
            format!("deploymentNode {}", e.name),
            &format!("{kind}:{name}"),
            self.at(e.line),
        );
        self.domains_of_node.insert(node, name.clone());
        name
    }

    /// The innermost domain of an instance: its shared host, else its zone, region or provider.
    fn placement(&mut self, nodes: &[usize], shared_hosts: &BTreeSet<usize>) -> Option<String> {
        let mut innermost: Option<String> = None;
        let ranks = ["provider", "region", "zone"];
        let mut last_rank: Option<usize> = None;
        for &n in nodes {
            if let Some(kind) = node_domain_kind(self.el(n)) {
                let rank = ranks.iter().position(|k| *k == kind).unwrap_or(0);
                // A kind below one already seen (a region inside a zone) is ignored.
                if last_rank.is_some_and(|r| rank <= r) {
                    continue;
                }
                let d = self.domain(n, kind, innermost.clone());
                innermost = Some(d);
                last_rank = Some(rank);
            }
        }
        if let Some(h) = self.host_of(nodes)
            && shared_hosts.contains(&h)
        {
            let d = self.domain(h, "host", innermost.clone());
            innermost = Some(d);
        }
        innermost
    }

    fn unit(&mut self, unit: &Unit, shared_hosts: &BTreeSet<usize>) {
        let e = self.el(unit.element);
        let name = self.unique_name(&self.label(unit.element));
        let default = match e.kind {
            ElKind::Infrastructure => Kind::Network,
            ElKind::System | ElKind::Custom => Kind::Service,
            _ => Kind::Service,
        };
        let mut kind = component_kind(&e.text(), default);
        // A container's deployment nodes may name the technology (Oracle, Tomcat).
        if kind == default && e.kind != ElKind::Infrastructure {
            for (_, _, nodes) in &unit.instances {
                for &n in nodes {
                    let k = component_kind(&self.el(n).technology.to_ascii_lowercase(), default);
                    if k == Kind::Database
                        || k == Kind::Cache
                        || k == Kind::Queue
                        || k == Kind::Search
                    {
                        kind = k;
                    }
                }
            }
        }
        // Instances, expanded by their multipliers, with placement and role.
        let mut instances: Vec<(String, Option<String>, bool)> = Vec::new();
        let mut health = 0;
        for (inst, multiplier, nodes) in &unit.instances {
            let place = self.placement(nodes, shared_hosts);
            let standby = self.el(*inst).has_tag("Failover")
                || nodes.iter().any(|&n| self.el(n).has_tag("Failover"));
            health += self.el(*inst).health_checks;
            let host = self.host_of(nodes).map(|h| self.el(h).name.clone());
            for _ in 0..*multiplier {
                let label = match (&host, *multiplier) {
                    (Some(h), 1) => h.clone(),
                    _ => (instances.len() + 1).to_string(),
                };
                instances.push((label, place.clone(), standby));
            }
        }
        let count = instances.len() as u64;
        let standby = instances.iter().any(|(_, _, s)| *s);
        let primary = instances.iter().any(|(_, _, s)| !*s);
        let mut doc = ComponentDoc {
            kind,
            description: Some(describe(e)),
            source: Some(self.at(self.el(unit.instances[0].0).line)),
            ..ComponentDoc::default()
        };
        if e.kind == ElKind::Infrastructure && managed_service(&e.text()) {
            doc.managed = Some(true);
            self.out.infer(
                &name,
                &name,
                format!(
                    "managed: `{}` names a cloud service that is redundant by design",
                    if e.technology.is_empty() {
                        &e.name
                    } else {
                        &e.technology
                    }
                ),
                &self.at(e.line),
            );
        }
        if standby && primary && count >= 2 {
            doc.failover = Some("manual".into());
            let mut seen = BTreeSet::new();
            // Active-passive has one primary: the first instance not tagged `Failover`.
            let mut primary_given = false;
            doc.instances = instances
                .iter()
                .enumerate()
                .map(|(i, (label, place, s))| {
                    let mut n = label.clone();
                    if !seen.insert(n.clone()) {
                        n = format!("{label} ({})", i + 1);
                    }
                    let role = if *s {
                        Some("standby".into())
                    } else if !primary_given {
                        primary_given = true;
                        Some("primary".into())
                    } else {
                        None
                    };
                    InstanceDoc {
                        name: n,
                        domains: place.iter().cloned().collect(),
                        role,
                    }
                })
                .collect();
            let active = instances.iter().filter(|(_, _, s)| !*s).count();
            if active > 1 {
                self.out.report.not_modelled.push(format!(
                    "`{name}`: {active} instances are not tagged `Failover`, and an active-passive component has one primary: the first serves, the others are modelled as waiting like the standbys"
                ));
            }
            // The first primary serves; order primaries first.
            doc.instances
                .sort_by_key(|i| i.role.as_deref() != Some("primary"));
            let evidence = "instances tagged `Failover` are standbys: active-passive; the workspace does not say whether failover is automatic, so manual is assumed".to_string();
            self.out.infer(&name, &name, evidence, &self.at(e.line));
            self.out.report.not_modelled.push(format!(
                "`{name}`: failover mode not stated (a `Failover` standby exists): manual assumed; set `failover: automatic` in an overlay if it is"
            ));
        } else {
            let places: Vec<Option<String>> = instances.iter().map(|(_, p, _)| p.clone()).collect();
            let distinct: IndexSet<Option<String>> = places.iter().cloned().collect();
            if distinct.len() <= 1 {
                if let Some(Some(d)) = distinct.into_iter().next() {
                    doc.domains = vec![d];
                }
                if count > 1 {
                    doc.replicas = Some(count);
                }
            } else {
                let mut seen = BTreeSet::new();
                doc.instances = instances
                    .iter()
                    .enumerate()
                    .map(|(i, (label, place, _))| {
                        let mut n = label.clone();
                        if !seen.insert(n.clone()) {
                            n = format!("{label} ({})", i + 1);
                        }
                        InstanceDoc {
                            name: n,
                            domains: place.iter().cloned().collect(),
                            role: None,
                        }
                    })
                    .collect();
            }
            if health > 0 && count > 1 {
                doc.health_check = Some(true);
            }
        }
        let multipliers: Vec<String> = unit
            .instances
            .iter()
            .map(|(_, m, nodes)| {
                let path: Vec<String> = nodes
                    .iter()
                    .map(|&n| {
                        let node = self.el(n);
                        if node.instances > 1 {
                            format!("{} x{}", node.name, node.instances)
                        } else {
                            node.name.clone()
                        }
                    })
                    .collect();
                format!("{} ({m})", path.join(" > "))
            })
            .collect();
        self.out.infer(
            &name,
            &name,
            format!(
                "{count} instance(s): the product of the enclosing deployment nodes' instances: {}",
                multipliers.join(", ")
            ),
            &self.at(self.el(unit.instances[0].0).line),
        );
        for (inst, _, _) in &unit.instances {
            let i = self.el(*inst);
            self.out.map(
                match i.kind {
                    ElKind::Infrastructure => format!("infrastructureNode {}", i.name),
                    ElKind::SystemInstance => format!("softwareSystemInstance {}", i.name),
                    _ => format!("containerInstance {}", i.name),
                },
                &name,
                self.at(i.line),
            );
            self.deployed_of
                .entry(*inst)
                .or_default()
                .push(name.clone());
            for n in self.chain(*inst) {
                self.deployed_of.entry(n).or_default().push(name.clone());
            }
        }
        self.out.map(
            format!("{} {}", kind_word(e.kind), self.label(unit.element)),
            &name,
            self.at(e.line),
        );
        if !standby && count == 1 && doc.managed != Some(true) {
            self.out.report.not_modelled.push(format!(
                "`{name}`: one instance in {}: no redundancy stated",
                self.environment
                    .map(|e| self.el(e).name.clone())
                    .unwrap_or_default()
            ));
        }
        self.component_of.insert(unit.element, name.clone());
        self.out.model.components.insert(name, doc);
    }

    /// The component an element stands for in the chosen environment, made for a software
    /// system that is used but not deployed (an external system).
    fn component_for(&mut self, element: usize, create: bool) -> Option<String> {
        let unit = self.lift(element)?;
        if let Some(c) = self.component_of.get(&unit) {
            return Some(c.clone());
        }
        let e = self.el(unit);
        match e.kind {
            ElKind::System | ElKind::Custom if create => {
                // A system whose containers are deployed: the relationship is a summary.
                let has_deployed_containers = self.component_of.keys().any(|&c| {
                    self.el(c).kind == ElKind::Container && self.el(c).parent == Some(unit)
                });
                let has_containers = self
                    .r
                    .elements
                    .iter()
                    .any(|c| c.kind == ElKind::Container && c.parent == Some(unit));
                if has_deployed_containers || (has_containers && self.environment.is_some()) {
                    return None;
                }
                if let Some(c) = self.external.get(&unit) {
                    return Some(c.clone());
                }
                let name = self.unique_name(&self.label(unit));
                let doc = ComponentDoc {
                    kind: component_kind(&e.text(), Kind::External),
                    description: Some(match self.environment {
                        Some(x) => format!(
                            "{} (not deployed in the workspace's {} environment)",
                            describe(e),
                            self.el(x).name
                        ),
                        None => format!("{} (a software system the containers use)", describe(e)),
                    }),
                    source: Some(self.at(e.line)),
                    ..ComponentDoc::default()
                };
                self.out.map(
                    format!("softwareSystem {}", self.label(unit)),
                    &name,
                    self.at(e.line),
                );
                self.out.report.not_modelled.push(format!(
                    "`{name}`: used but not deployed in the mapped environment; one instance, redundancy not stated"
                ));
                self.external.insert(unit, name.clone());
                self.component_of.insert(unit, name.clone());
                self.out.model.components.insert(name.clone(), doc);
                Some(name)
            }
            _ => None,
        }
    }

    fn relationships(&mut self) {
        // Systems used (directly or through other used systems) by what is deployed become
        // external components; systems that only use the deployed ones are clients, left out.
        loop {
            let before = self.component_of.len();
            for rel in &self.r.rels {
                if rel.environment.is_some() {
                    continue;
                }
                let from = self.r.resolve(&rel.from, rel.scope);
                let to = self.r.resolve(&rel.to, rel.scope);
                if let (Some(from), Some(to)) = (from, to)
                    && self.el(from).kind != ElKind::Person
                    && self.el(to).kind != ElKind::Person
                    && self.component_for(from, false).is_some()
                {
                    self.component_for(to, true);
                }
            }
            if self.component_of.len() == before {
                break;
            }
        }
        let mut deps: IndexMap<(String, String), (String, u32)> = IndexMap::new();
        for rel in &self.r.rels {
            let from = self.r.resolve(&rel.from, rel.scope);
            let to = self.r.resolve(&rel.to, rel.scope);
            let (Some(from), Some(to)) = (from, to) else {
                let missing = match (&rel.from, from, &rel.to) {
                    (RefSpec::Id(id), None, _) | (_, _, RefSpec::Id(id)) => id.clone(),
                    _ => String::new(),
                };
                self.out.report.unresolved.push(Unresolved {
                    reference: missing,
                    from: "relationship".into(),
                    source: self.at(rel.line),
                });
                continue;
            };
            let text = format!(
                "`{} -> {}`{}",
                self.label(from),
                self.label(to),
                match (rel.description.is_empty(), rel.technology.is_empty()) {
                    (true, true) => String::new(),
                    (false, true) => format!(" \"{}\"", rel.description),
                    (true, false) => format!(" \"\" \"{}\"", rel.technology),
                    (false, false) => format!(" \"{}\" \"{}\"", rel.description, rel.technology),
                }
            );
            if let Some(env) = rel.environment {
                if Some(env) != self.environment {
                    continue;
                }
                // Between deployment elements: their components.
                let a = self.deployed_of.get(&from).cloned().unwrap_or_default();
                let b = self.deployed_of.get(&to).cloned().unwrap_or_default();
                let a: BTreeSet<String> = a.into_iter().collect();
                let b: BTreeSet<String> = b.into_iter().collect();
                if !a.is_empty() && a == b {
                    let source = self.at(rel.line);
                    self.out.infer(
                        &a.iter().cloned().collect::<Vec<_>>().join(", "),
                        &b.iter().cloned().collect::<Vec<_>>().join(", "),
                        format!(
                            "deployment relationship {text} within one component: replication between its instances"
                        ),
                        &source,
                    );
                    continue;
                }
                for x in &a {
                    for y in &b {
                        if x != y {
                            deps.entry((x.clone(), y.clone()))
                                .or_insert((text.clone(), rel.line));
                        }
                    }
                }
                continue;
            }
            let persons = [from, to]
                .iter()
                .any(|&e| self.el(e).kind == ElKind::Person);
            if persons {
                continue;
            }
            let a = self.component_for(from, false);
            let b = self.component_for(to, false);
            match (a, b) {
                (Some(x), Some(y)) if x != y => {
                    deps.entry((x, y)).or_insert((text, rel.line));
                }
                (Some(_), Some(_)) => {}
                (None, _) | (_, None) => {
                    let summary = [from, to].iter().any(|&e| {
                        matches!(self.el(e).kind, ElKind::System)
                            && self
                                .r
                                .elements
                                .iter()
                                .any(|c| c.kind == ElKind::Container && c.parent == Some(e))
                    });
                    self.out.report.unmapped.push(Unmapped {
                        object: format!("relationship {text}"),
                        why: if summary {
                            "between software systems whose containers are modelled: the container-level relationships are used".into()
                        } else {
                            "one end is not deployed in the mapped environment (or runs on users' devices)".into()
                        },
                        source: self.at(rel.line), runs: false,
                    });
                }
            }
        }
        for ((from, to), (text, line)) in deps {
            if self.out.add_dependency(
                &from,
                DependencyDoc {
                    component: to.clone(),
                    ..DependencyDoc::default()
                },
            ) {
                self.out.map(
                    format!("relationship {text}"),
                    &format!("{from} -> {to}"),
                    self.at(line),
                );
            }
        }
    }

    /// People, unused systems and containers not deployed: listed with the reason.
    fn leftovers(&mut self) {
        let mut people = Vec::new();
        for i in 0..self.r.elements.len() {
            let e = self.el(i);
            match e.kind {
                ElKind::Person => people.push(self.at(e.line)),
                ElKind::Component => {
                    if let Some(c) = e.parent.and_then(|p| self.component_of.get(&p)).cloned() {
                        self.out
                            .map(format!("component {}", self.label(i)), &c, self.at(e.line));
                    }
                }
                ElKind::Container | ElKind::System | ElKind::Custom
                    if !self.component_of.contains_key(&i) && !self.client_side.contains(&i) =>
                {
                    let deployed_containers = self.r.elements.iter().enumerate().any(|(c, x)| {
                        x.kind == ElKind::Container
                            && x.parent == Some(i)
                            && self.component_of.contains_key(&c)
                    });
                    if deployed_containers {
                        continue;
                    }
                    let env = self
                        .environment
                        .map(|x| self.el(x).name.clone())
                        .unwrap_or_else(|| "the workspace".into());
                    self.out.report.unmapped.push(Unmapped {
                        object: format!("{} {}", kind_word(e.kind), self.label(i)),
                        why: format!("not deployed in {env}, and nothing deployed there uses it"),
                        source: self.at(e.line),
                        runs: false,
                    });
                }
                _ => {}
            }
        }
        if !people.is_empty() {
            self.out.report.unmapped.push(Unmapped {
                object: format!("person ({})", people.len()),
                why: "users and staff: the start of journeys, not failure points".into(),
                source: people.join(", "),
                runs: false,
            });
        }
    }

    fn finish(mut self) -> Import {
        let mut skipped = self.r.skipped.clone();
        self.out.report.unmapped.append(&mut skipped);
        self.out.report.not_modelled.push(
            "journeys: people's relationships show where requests enter, but the workspace names no journey; the whole system is one journey until an overlay names them".into(),
        );
        self.out.report.not_modelled.push(
            "hard or optional calls: every relationship between deployed components is taken as a hard dependency".into(),
        );
        if !self
            .out
            .model
            .components
            .values()
            .any(|c| c.kind == Kind::LoadBalancer)
        {
            self.out.report.not_modelled.push(
                "load balancers: none in the workspace; whatever spreads requests over several instances is not modelled".into(),
            );
        }
        if !self
            .out
            .model
            .components
            .values()
            .any(|c| c.kind == Kind::Dns)
        {
            self.out
                .report
                .not_modelled
                .push("DNS: none in the workspace".into());
        }
        let env = self.environment.map(|e| self.el(e).name.clone());
        self.out.model.name = Some(match &env {
            Some(e) => format!("structurizr {} ({e})", self.r.file),
            None => format!("structurizr {}", self.r.file),
        });
        self.out.model.description = Some(match env {
            Some(e) => format!("Imported from a Structurizr workspace, deployment environment {e}"),
            None => "Imported from a Structurizr workspace (no deployment environment)".into(),
        });
        self.out.finish()
    }
}

fn kind_word(kind: ElKind) -> &'static str {
    match kind {
        ElKind::Person => "person",
        ElKind::System => "softwareSystem",
        ElKind::Container => "container",
        ElKind::Component => "component",
        ElKind::Custom => "element",
        ElKind::Environment => "deploymentEnvironment",
        ElKind::Node => "deploymentNode",
        ElKind::Infrastructure => "infrastructureNode",
        ElKind::ContainerInstance => "containerInstance",
        ElKind::SystemInstance => "softwareSystemInstance",
        ElKind::DeploymentGroup => "deploymentGroup",
    }
}

fn describe(e: &Element) -> String {
    let mut text = e.name.clone();
    if !e.description.is_empty() {
        text = format!("{text}: {}", e.description);
    }
    if !e.technology.is_empty() {
        text = format!("{text} [{}]", e.technology);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<TokKind> {
        tokenize("w.dsl", text)
            .expect("tokenizes")
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn tokenizer_reads_strings_comments_and_continuations() {
        assert_eq!(
            tokens("a -> b \"say \\\"hi\\\"\" // note\n# comment\n/* x\ny */ c \\\n d {}"),
            vec![
                TokKind::Word("a".into()),
                TokKind::Word("->".into()),
                TokKind::Word("b".into()),
                TokKind::Str("say \"hi\"".into()),
                TokKind::Newline,
                TokKind::Newline,
                TokKind::Word("c".into()),
                TokKind::Word("d".into()),
                TokKind::Open,
                TokKind::Close,
            ]
        );
    }

    #[test]
    fn errors_are_located() {
        let e = tokenize("w.dsl", "workspace {\n  model \"open\n}").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(9)));
        let tokens = tokenize("w.dsl", "workspace {\n  model {\n}").expect("tokenizes");
        let e = parse_statements("w.dsl", &tokens).unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(11)));
        assert!(e.message.contains("never closed"), "{e}");
    }

    #[test]
    fn node_kinds() {
        let node = |name: &str, technology: &str| Element {
            kind: ElKind::Node,
            name: name.into(),
            description: String::new(),
            technology: technology.into(),
            tags: Vec::new(),
            parent: None,
            identifier: None,
            line: 1,
            instances: 1,
            of: None,
            health_checks: 0,
            path: None,
        };
        assert_eq!(
            node_domain_kind(&node("Big Bank plc", "Big Bank plc data center")),
            Some("zone")
        );
        assert_eq!(node_domain_kind(&node("US-East-1", "")), Some("region"));
        assert_eq!(node_domain_kind(&node("us-east-1a", "")), Some("zone"));
        assert_eq!(
            node_domain_kind(&node("Amazon Web Services", "")),
            Some("provider")
        );
        assert_eq!(
            node_domain_kind(&node("bigbank-web***", "Ubuntu 16.04 LTS")),
            None
        );
    }
}
