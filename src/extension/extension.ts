import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerConnectionCommands } from './commands';
import { ConnectionManager, ProfileRef } from './connectionManager';
import { startLanguageClient } from './languageClient';
import { ConnectionStatusBar } from './statusBar';
import { ExecutionTreeProvider } from './views/executionTreeProvider';
import { NodeTreeProvider } from './views/nodeTreeProvider';
import { PlanTreeProvider } from './views/planTreeProvider';

let client: LanguageClient | undefined;

/** What activate() returns: used by the extension-host tests. */
export interface TripleOApi {
  connection: ConnectionManager;
  plans: PlanTreeProvider;
  nodes: NodeTreeProvider;
  executions: ExecutionTreeProvider;
  statusBar: ConnectionStatusBar;
  languageClient: () => LanguageClient | undefined;
  /** Where the log output channels write their files. */
  logDirectory: vscode.Uri;
}

export async function activate(context: vscode.ExtensionContext): Promise<TripleOApi> {
  const started = Date.now();
  const log = vscode.window.createOutputChannel('TripleO', { log: true });
  const lsLog = vscode.window.createOutputChannel('TripleO Language Server', { log: true });
  context.subscriptions.push(log, lsLog);
  void vscode.commands.executeCommand('setContext', 'tripleo.connected', false);

  const connection = new ConnectionManager(context, log);
  const statusBar = new ConnectionStatusBar(connection);
  const plans = new PlanTreeProvider(connection);
  const nodes = new NodeTreeProvider(connection);
  const executions = new ExecutionTreeProvider(connection);
  context.subscriptions.push(
    connection,
    statusBar,
    plans,
    nodes,
    executions,
    vscode.window.registerTreeDataProvider('tripleo.plans', plans),
    vscode.window.registerTreeDataProvider('tripleo.nodes', nodes),
    vscode.window.registerTreeDataProvider('tripleo.executions', executions),
    vscode.commands.registerCommand('tripleo.refreshPlans', () => plans.refresh()),
    vscode.commands.registerCommand('tripleo.refreshNodes', () => nodes.refresh()),
    vscode.commands.registerCommand('tripleo.refreshExecutions', () => executions.refresh()),
    vscode.commands.registerCommand('tripleo.showLanguageServerLog', () => lsLog.show()),
  );
  registerConnectionCommands(context, connection, log);

  // The language server gets no credentials and works in untrusted workspaces too.
  try {
    client = await startLanguageClient(context, lsLog);
  } catch (e) {
    log.error(`the language server did not start: ${(e as Error).message}`);
  }

  // Restore the last connection, or use OS_CLOUD / OS_AUTH_URL the way openstackclient would.
  if (vscode.workspace.isTrusted) {
    const ref: ProfileRef | undefined =
      connection.lastConnection() ?? (process.env.OS_CLOUD ? { kind: 'cloud', name: process.env.OS_CLOUD } : process.env.OS_AUTH_URL ? { kind: 'env' } : undefined);
    if (ref) void connection.connect(ref, { interactive: false });
  }
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      const ref = connection.lastConnection();
      if (ref && connection.state.kind === 'disconnected') void connection.connect(ref, { interactive: false });
    }),
  );

  log.info(`TripleO extension activated in ${Date.now() - started} ms (VS Code ${vscode.version})`);
  return { connection, plans, nodes, executions, statusBar, languageClient: () => client, logDirectory: context.logUri };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
