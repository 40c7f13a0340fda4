import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TripleOLanguageService } from '../language/languageService';
import type { PlanIndex } from '../language/planIndex';
import { URI } from 'vscode-uri';
import { indexPlans } from '../tripleo/planFolders';

// The transport (IPC here) is chosen by the arguments the client starts us with.
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = new TripleOLanguageService();
const VALIDATE_DELAY_MS = 200;
const timers = new Map<string, NodeJS.Timeout>();

let roots: string[] = [];
let plans: PlanIndex[] = [];
let reindexTimer: NodeJS.Timeout | undefined;

function reindex(): void {
  try {
    plans = indexPlans(roots, (uri) => documents.get(uri)?.getText());
    connection.console.info(`indexed ${plans.length} plan folder(s): ${plans.map((p) => `${p.root} (${p.parameters.size} parameters)`).join(', ')}`);
  } catch (e) {
    connection.console.error(`indexing the plan folders failed: ${(e as Error).message}`);
  }
  documents.all().forEach(validate);
}

/** Cross-file knowledge is rebuilt shortly after any file of a plan changes, on disk or in an editor. */
function scheduleReindex(): void {
  clearTimeout(reindexTimer);
  reindexTimer = setTimeout(reindex, 300);
}

connection.onInitialize((params) => {
  roots = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
  if (!roots.length && params.rootUri) roots = [URI.parse(params.rootUri).fsPath];
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      completionProvider: { triggerCharacters: [] },
    },
    serverInfo: { name: 'tripleo-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => reindex());
connection.onDidChangeWatchedFiles(() => scheduleReindex());

function validate(doc: TextDocument): void {
  try {
    const diagnostics = service.validate(doc, plans);
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  } catch (e) {
    connection.console.error(`validating ${doc.uri} failed: ${(e as Error).stack ?? e}`);
  }
}

function schedule(doc: TextDocument): void {
  clearTimeout(timers.get(doc.uri));
  timers.set(
    doc.uri,
    setTimeout(() => {
      timers.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (current) validate(current);
    }, VALIDATE_DELAY_MS),
  );
}

documents.onDidOpen((e) => validate(e.document));
documents.onDidChangeContent((e) => {
  schedule(e.document);
  // a template edited in an editor changes what its plan's environments may say
  if (e.document.getText().includes('heat_template_version') && plans.some((p) => e.document.uri.startsWith(`${p.root}/`))) scheduleReindex();
});
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  timers.delete(e.document.uri);
  service.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover((params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? service.hover(doc, params.position, plans) : null;
});

connection.onDefinition((params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? service.definition(doc, params.position, plans) : [];
});

connection.onCompletion((params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? service.completion(doc, params.position, plans) : [];
});

documents.listen(connection);
connection.listen();
connection.console.info(`TripleO language server started (pid ${process.pid}, node ${process.version})`);
