import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { URI } from 'vscode-uri';
import { until } from '../support/until';

const ROOT = path.resolve(__dirname, '../../..');

interface Published {
  uri: string;
  diagnostics: { code?: string; message: string }[];
}

/** The bundled language server in a child process, spoken to over stdio like an editor would. */
describe('language server process: hostile files', () => {
  let dir: string;
  let child: ChildProcess;
  let conn: MessageConnection;
  let exited: number | null | undefined;
  const published = new Map<string, Published['diagnostics']>();
  const logs: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-server-'));
    fs.cpSync(path.join(ROOT, 'samples/overcloud-lite'), dir, { recursive: true });
    // on disk at start: the first indexing meets it
    fs.writeFileSync(path.join(dir, 'environments/merge.yaml'), 'parameter_defaults:\n  ExtraConfig: {<<: 1}\n');
    child = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.on('exit', (code) => (exited = code));
    conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      published.set(p.uri, p.diagnostics);
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => {
      logs.push(p.message);
    });
    conn.listen();
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      workspaceFolders: [{ uri: URI.file(dir).toString(), name: 'w' }],
    });
    await conn.sendNotification('initialized', {});
  });
  after(() => {
    conn?.dispose();
    child?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const open = async (rel: string, text: string, version = 1) => {
    const uri = URI.file(path.join(dir, rel)).toString();
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
    return uri;
  };

  it('survives a merge key being opened, edited and closed, and still answers', async () => {
    const uri = await open('environments/typed.yaml', 'parameter_defaults:\n  Debug: true\n');
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: 'a: &b 1\nparameter_defaults:\n  Debug: {<<: *b}\n  X: {<<: 1}\n' }],
    });
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    const other = await open('environments/debug.yaml', fs.readFileSync(path.join(dir, 'environments/debug.yaml'), 'utf8'));
    await until('diagnostics of debug.yaml', () => published.has(other), 10_000);
    const hover = await conn.sendRequest('textDocument/hover', { textDocument: { uri: other }, position: { line: 2, character: 4 } });
    assert.equal(exited, undefined, `the server exited: ${logs.join('\n')}`);
    assert.ok(hover, 'a hover on Debug after the hostile edits');
  });

  it('keeps the plan of a file that cannot be indexed, and shows every problem on the file', async () => {
    const uri = await open('environments/merge.yaml', 'parameter_defaults:\n  ExtraConfig: {<<: 1}\n');
    await until('diagnostics of merge.yaml', () => published.has(uri), 10_000);
    const diags = published.get(uri)!;
    // an internal error shows on the file when reading it throws; once the reader copes, no diagnostics crash anything
    for (const d of diags) if (d.code === 'internal-error') assert.match(d.message, /failed/);
    assert.equal(exited, undefined);
    const deb = URI.file(path.join(dir, 'environments/debug.yaml')).toString();
    const hover = (await conn.sendRequest('textDocument/hover', { textDocument: { uri: deb }, position: { line: 2, character: 4 } })) as {
      contents: { value: string };
    } | null;
    assert.match(String(hover?.contents.value), /Debug/, 'the plan is still indexed');
  });
});
