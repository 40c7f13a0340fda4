import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TripleOLanguageService } from '../language/languageService';

// The transport (IPC here) is chosen by the arguments the client starts us with.
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = new TripleOLanguageService();
const VALIDATE_DELAY_MS = 200;
const timers = new Map<string, NodeJS.Timeout>();

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
  },
  serverInfo: { name: 'tripleo-language-server', version: '0.1.0' },
}));

function validate(doc: TextDocument): void {
  try {
    const diagnostics = service.validate(doc);
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
documents.onDidChangeContent((e) => schedule(e.document));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  timers.delete(e.document.uri);
  service.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover((params) => {
  const doc = documents.get(params.textDocument.uri);
  return doc ? service.hover(doc, params.position) : null;
});

documents.listen(connection);
connection.listen();
connection.console.info(`TripleO language server started (pid ${process.pid}, node ${process.version})`);
