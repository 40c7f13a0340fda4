import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { maskPlanState, PLAN_STATE_NOTIFICATION, PlanState } from '../language/planState';

export type { PlanState } from '../language/planState';

/** Starts the TripleO language server (dist/server.js) over IPC. */
export async function startLanguageClient(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    outputChannel: channel,
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,j2}'), configurationSection: 'tripleo' },
    initializationOptions: { templatePrefixes: vscode.workspace.getConfiguration('tripleo').get<string[]>('templatePrefixes') },
  };
  const client = new LanguageClient('tripleo.languageServer', 'TripleO Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}

/**
 * Tells the language server which plan is connected: its selected environments and parameter
 * values show in hovers. Hidden (NoEcho) and secret-looking values are masked here, before they
 * leave the extension host. `null` when no plan is connected any more.
 */
export async function pushPlanState(client: LanguageClient, state: PlanState | null): Promise<void> {
  // by method name: a NotificationType object is checked by identity against the jsonrpc copy of
  // whichever bundle created the client, and callers loaded from another copy (tests) would fail
  const masked: PlanState | null = state ? maskPlanState(state) : null;
  await client.sendNotification(PLAN_STATE_NOTIFICATION.method, masked);
}
