import {
  CodeActionKind,
  createConnection,
  Diagnostic,
  DiagnosticSeverity,
  FileChangeType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as fs from 'node:fs';
import { SOURCE, TripleOLanguageService } from '../language/languageService';
import { redactText } from '../openstack/redact';
import { PlanIndex, updatePlanFile } from '../language/planIndex';
import { PLAN_STATE_NOTIFICATION } from '../language/planState';
import { URI } from 'vscode-uri';
import { indexPlans } from '../language/planFolders';
import { isRenderInput } from '../language/renderedPlan';

// The transport (IPC here) is chosen by the arguments the client starts us with.
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = new TripleOLanguageService();
const VALIDATE_DELAY_MS = 200;
const timers = new Map<string, NodeJS.Timeout>();

/** The server's log (the client's output channel): masked by the one rule, like every log. */
const log = {
  info: (m: string) => connection.console.info(redactText(m)),
  error: (m: string) => connection.console.error(redactText(m)),
};

/** Files whose re-indexing threw: the message, shown on the file as an internal-error diagnostic. */
const internalErrors = new Map<string, string>();

/** A callback that logs what it throws: a timer's or setImmediate's throw would end the process. */
function guarded<A extends unknown[]>(what: string, fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch (e) {
      log.error(`${what} failed: ${(e as Error).stack ?? e}`);
    }
  };
}

// the last line of defence: nothing a workspace holds may end the server
process.on('uncaughtException', (e) => log.error(`uncaught: ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => log.error(`unhandled rejection: ${(e as Error)?.stack ?? e}`));

let roots: string[] = [];
let plans: PlanIndex[] = [];
let reindexTimer: NodeJS.Timeout | undefined;

function reindex(): void {
  try {
    const started = Date.now();
    plans = indexPlans(roots, (uri) => documents.get(uri)?.getText());
    log.info(
      `indexed ${plans.length} plan folder(s) in ${Date.now() - started} ms: ${plans.map((p) => `${p.root} (${p.parameters.size} parameters)`).join(', ')}`,
    );
  } catch (e) {
    log.error(`indexing the plan folders failed: ${(e as Error).message}`);
  }
  documents.all().forEach(validate);
}

/** Plan folders appear or go: everything is indexed again, shortly after. */
function scheduleReindex(): void {
  clearTimeout(reindexTimer);
  reindexTimer = setTimeout(guarded('re-indexing the plan folders', reindex), 300);
}

/** The plan a URI belongs to and its path there. */
function placeOf(uri: string): { index: PlanIndex; path: string } | undefined {
  const index = plans.filter((p) => uri.startsWith(`${p.root}/`)).sort((a, b) => b.root.length - a.root.length)[0];
  return index && { index, path: decodeURIComponent(uri.slice(index.root.length + 1)) };
}

/**
 * Takes one file's text (open editor first, else disk; undefined: gone) into its plan's index.
 * A throw is logged and shown on the file; the index keeps what it had.
 */
function reindexFile(uri: string): boolean {
  try {
    const planWide = takeFile(uri);
    internalErrors.delete(uri);
    return planWide;
  } catch (e) {
    internalErrors.set(uri, (e as Error).message);
    log.error(`indexing ${uri} failed: ${(e as Error).stack ?? e}`);
    return false;
  }
}

function takeFile(uri: string): boolean {
  const place = placeOf(uri);
  if (!place) return false;
  const open = documents.get(uri);
  let text: string | undefined = open?.getText();
  // what rendering reads is not summarized from a parse: no parse of it until a hover asks for one
  if (open) return updatePlanFile(place.index, place.path, text, isRenderInput(place.path) ? undefined : service.analyze(open).parsed);
  try {
    text = /\.(ya?ml|j2)$/.test(uri) ? fs.readFileSync(URI.parse(uri).fsPath, 'utf8') : '';
  } catch {
    text = undefined;
  }
  return updatePlanFile(place.index, place.path, text);
}

connection.onInitialize((params) => {
  service.setTemplatePrefixes((params.initializationOptions as { templatePrefixes?: string[] } | undefined)?.templatePrefixes);
  roots = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
  if (!roots.length && params.rootUri) roots = [URI.parse(params.rootUri).fsPath];
  return {
    capabilities: {
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      documentLinkProvider: { resolveProvider: false },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      completionProvider: { triggerCharacters: [' ', '/', '['], resolveProvider: true },
    },
    serverInfo: { name: 'tripleo-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(
  guarded('indexing the plan folders', () => {
    reindex();
    // a folder added to or removed from the workspace: its plan folders are indexed or dropped
    connection.workspace.onDidChangeWorkspaceFolders(
      guarded('following the workspace folders', ({ added, removed }) => {
        const gone = new Set(removed.map((f) => URI.parse(f.uri).fsPath));
        roots = [...roots.filter((r) => !gone.has(r)), ...added.map((f) => URI.parse(f.uri).fsPath)];
        scheduleReindex();
      }),
    );
  }),
);
connection.onDidChangeConfiguration(
  guarded('reading the settings', ({ settings }: { settings: unknown }) => {
    service.setTemplatePrefixes((settings as { tripleo?: { templatePrefixes?: string[] } } | undefined)?.tripleo?.templatePrefixes);
    documents.all().forEach(schedule);
  }),
);
connection.onDidChangeWatchedFiles(({ changes }) => {
  if (changes.some((c) => c.type !== FileChangeType.Changed && c.uri.endsWith('/capabilities-map.yaml'))) return scheduleReindex();
  let planWide = false;
  for (const c of changes) planWide = reindexFile(c.uri) || planWide;
  if (planWide) documents.all().forEach(schedule);
});

connection.onNotification(PLAN_STATE_NOTIFICATION, (state) => {
  service.setPlanState(state);
  log.info(
    state
      ? `plan ${state.plan}: ${state.environments.length} selected environment(s), ${Object.keys(state.parameters ?? {}).length} value(s)`
      : 'no plan connected',
  );
});

const internalError = (message: string): Diagnostic => ({
  range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  message,
  code: 'internal-error',
  severity: DiagnosticSeverity.Error,
  source: SOURCE,
});

function validate(doc: TextDocument): void {
  let diagnostics: Diagnostic[];
  try {
    diagnostics = service.validate(doc, plans);
  } catch (e) {
    log.error(`validating ${doc.uri} failed: ${(e as Error).stack ?? e}`);
    diagnostics = [internalError(`checking this file failed (the language server's fault, not necessarily the file's): ${(e as Error).message}`)];
  }
  const place = placeOf(doc.uri);
  const indexing = internalErrors.get(doc.uri) ?? (place && place.index.failures?.get(place.path));
  if (indexing) diagnostics.push(internalError(`indexing this file failed (the language server's fault, not necessarily the file's): ${indexing}`));
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

/** Documents to check again once typing pauses, because what they are checked against changed. */
let othersStale = false;

function schedule(doc: TextDocument): void {
  clearTimeout(timers.get(doc.uri));
  timers.set(
    doc.uri,
    setTimeout(
      guarded(`checking ${doc.uri}`, () => {
        timers.delete(doc.uri);
        const current = documents.get(doc.uri);
        if (!current) return;
        if (othersStale) documents.all().forEach((d) => d !== current && validate(d));
        othersStale = false;
        validate(current);
      }),
      VALIDATE_DELAY_MS,
    ),
  );
}

documents.onDidOpen((e) => {
  // an editor may hold text that differs from the disk's (a restored unsaved file)
  if (reindexFile(e.document.uri)) documents.all().forEach(schedule);
  validate(e.document);
});
documents.onDidChangeContent((e) => {
  // the index follows every version at once (one parse, shared with hover and completion);
  // a template's parameters change what the plan's environments may say
  if (reindexFile(e.document.uri)) othersStale = true;
  schedule(e.document);
});
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  timers.delete(e.document.uri);
  service.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  // what is on disk counts again once the editor (and its unsaved text) is gone
  setImmediate(guarded(`re-indexing ${e.document.uri}`, () => reindexFile(e.document.uri) && documents.all().forEach(schedule)));
});

const withDocument =
  <P extends { textDocument: { uri: string } }, R>(empty: R, fn: (doc: TextDocument, params: P) => R) =>
  (params: P): R => {
    const doc = documents.get(params.textDocument.uri);
    return doc ? fn(doc, params) : empty;
  };

connection.onHover(withDocument(null, (doc, p) => service.hover(doc, p.position, plans)));
connection.onDefinition(withDocument([], (doc, p) => service.definition(doc, p.position, plans)));
connection.onReferences(withDocument([], (doc, p) => service.references(doc, p.position, plans, p.context.includeDeclaration)));
connection.onDocumentLinks(withDocument([], (doc) => service.documentLinks(doc, plans)));
connection.onDocumentSymbol(withDocument([], (doc) => service.documentSymbols(doc)));
connection.onCodeAction(withDocument([], (doc, p) => service.codeActions(doc, p.context.diagnostics, plans)));
connection.onCompletion(
  withDocument([], (doc, p) => {
    // a space typed as indentation is no reason to offer every parameter of the plan
    const typed = doc.getText({ start: { line: p.position.line, character: 0 }, end: p.position });
    if (p.context?.triggerCharacter === ' ' && /^\s*$/.test(typed)) return [];
    return service.completion(doc, p.position, plans);
  }),
);

connection.onCompletionResolve((item) => service.resolveCompletion(item, plans));

documents.listen(connection);
connection.listen();
log.info(`TripleO language server started (pid ${process.pid}, node ${process.version})`);
