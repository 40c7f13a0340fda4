import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { commandGuard, connectedUndercloud } from './commandGuard';
import { registerConnectionCommands } from './commands';
import { ConnectionManager, ProfileRef } from './connectionManager';
import { startLanguageClient } from './languageClient';
import { ConnectionStatusBar } from './statusBar';
import { executionDocument, ExecutionNode, ExecutionTreeProvider } from './views/executionTreeProvider';
import { NodeTreeProvider } from './views/nodeTreeProvider';
import { PlanTreeProvider } from './views/planTreeProvider';
import { registerPlanCommands } from './planCommands';
import { registerNodeCommands } from './nodeCommands';
import { registerImageCommands } from './imageCommands';
import type { ImageTreeProvider } from './views/imageTreeProvider';
import { registerWalkthrough, WalkthroughState } from './walkthrough';
import { PlanStateSync } from './planStateSync';
import { DEPLOY_PREVIEW_SCHEME, DeployPreviewProvider, registerDeployCommand } from './deployCommand';
import { PARAMETERS_SCHEME, ParameterFileSystem, PLAN_SCHEME, PlanFileSystem } from './planFileSystem';
import { Ui, windowUi } from './ui';
import { ValidationTreeProvider } from './views/validationTreeProvider';
import { registerValidationCommands, ValidationResultsProvider } from './validationCommands';

let client: LanguageClient | undefined;

/** What activate() returns: used by the extension-host tests. */
export interface TripleOApi {
  connection: ConnectionManager;
  plans: PlanTreeProvider;
  nodes: NodeTreeProvider;
  executions: ExecutionTreeProvider;
  validations: ValidationTreeProvider;
  statusBar: ConnectionStatusBar;
  languageClient: () => LanguageClient | undefined;
  /** Where the log output channels write their files. */
  logDirectory: vscode.Uri;
  /** Prompts go through this; tests replace it to answer them. */
  ui: Ui;
  plansView: vscode.TreeView<unknown>;
  nodesView: vscode.TreeView<unknown>;
  planState: PlanStateSync;
  images: ImageTreeProvider;
  walkthrough: WalkthroughState;
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
    vscode.workspace.registerFileSystemProvider(PLAN_SCHEME, new PlanFileSystem(connection), { isReadonly: true, isCaseSensitive: true }),
    vscode.commands.registerCommand('tripleo.refreshPlans', () => plans.refresh()),
    vscode.commands.registerCommand('tripleo.refreshNodes', () => nodes.refresh()),
    vscode.commands.registerCommand('tripleo.refreshExecutions', () => executions.refresh()),
    vscode.commands.registerCommand('tripleo.showLanguageServerLog', () => lsLog.show()),
  );
  registerConnectionCommands(context, connection, log);
  const parameterDiagnostics = vscode.languages.createDiagnosticCollection('tripleo-parameters');
  const plansView = vscode.window.createTreeView('tripleo.plans', { treeDataProvider: plans, manageCheckboxStateManually: true, showCollapseAll: true });
  context.subscriptions.push(
    parameterDiagnostics,
    plansView,
    vscode.workspace.registerFileSystemProvider(PARAMETERS_SCHEME, new ParameterFileSystem(connection, parameterDiagnostics), { isCaseSensitive: true }),
    plansView.onDidChangeCheckboxState(async (e) => {
      const r = await plans.applyCheckboxes(e.items);
      if (!r.ok && r.message) void vscode.window.showErrorMessage(`TripleO: ${r.message}`);
    }),
  );
  const executionsView = vscode.window.createTreeView('tripleo.executions', { treeDataProvider: executions });
  const guarded = commandGuard(log);
  const executionAction = (state: 'PAUSED' | 'RUNNING' | 'CANCELLED') =>
    guarded(`execution ${state.toLowerCase()}`, async (node?: ExecutionNode) => {
      const uc = connectedUndercloud(connection, 'changing an execution');
      if (node?.kind !== 'execution') return;
      try {
        await uc.mistral.updateExecutionState(node.ex.id, state);
      } finally {
        executions.refresh();
      }
    });
  context.subscriptions.push(
    executionsView,
    executions.attach(executionsView),
    vscode.commands.registerCommand('tripleo.loadMoreExecutions', () => executions.loadMore()),
    vscode.commands.registerCommand('tripleo.pauseExecution', executionAction('PAUSED')),
    vscode.commands.registerCommand('tripleo.resumeExecution', executionAction('RUNNING')),
    vscode.commands.registerCommand('tripleo.cancelExecution', executionAction('CANCELLED')),
    vscode.commands.registerCommand('tripleo.filterExecutions', async (plan?: string) => {
      const chosen =
        plan ??
        (await vscode.window.showInputBox({ title: 'TripleO: show the executions of which plan? (empty for all)', value: executions.planFilter ?? '' }));
      if (chosen === undefined) return;
      executions.setFilter(chosen.trim() || undefined);
    }),
    vscode.commands.registerCommand(
      'tripleo.showExecution',
      guarded('show execution', async (node?: ExecutionNode) => {
        const uc = connection.undercloud;
        if (!uc) throw new Error('not connected to an undercloud: run "TripleO: Connect"');
        if (node?.kind !== 'execution') return undefined;
        const ex = (await uc.mistral.getExecution(node.ex.id)) ?? node.ex;
        const doc = await vscode.workspace.openTextDocument({ language: 'json', content: executionDocument(ex) });
        await vscode.window.showTextDocument(doc, { preview: true });
        return doc;
      }),
    ),
  );
  const api = { ui: windowUi } as TripleOApi;
  registerPlanCommands({ context, manager: connection, plans, log, ui: () => api.ui });
  const nodesView = vscode.window.createTreeView('tripleo.nodes', { treeDataProvider: nodes, canSelectMany: true, showCollapseAll: true });
  context.subscriptions.push(nodesView);
  registerNodeCommands({ context, manager: connection, nodes, log, ui: () => api.ui, onWorkflowEnded: () => executions.refresh() });
  const walkthrough = registerWalkthrough(context, connection, log);
  const { images } = registerImageCommands({ context, manager: connection, plans, nodes, log, ui: () => api.ui, onSucceeded: (c) => walkthrough.succeeded(c) });
  const validations = new ValidationTreeProvider(connection);
  const validationsView = vscode.window.createTreeView('tripleo.validations', { treeDataProvider: validations, showCollapseAll: true });
  context.subscriptions.push(
    validations,
    validationsView,
    validations.onDidChangePlan((plan) => (validationsView.description = plan ? `plan ${plan}` : 'no plan')),
    validations.attach(validationsView),
  );
  registerValidationCommands({ context, manager: connection, validations, results: new ValidationResultsProvider(connection), log, ui: () => api.ui });
  const previews = new DeployPreviewProvider();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(DEPLOY_PREVIEW_SCHEME, previews));
  registerDeployCommand({
    context,
    manager: connection,
    plans,
    log,
    ui: () => api.ui,
    previews,
    onDeployEnded: () => {
      plans.refresh();
      executions.refresh();
    },
  });

  // The language server gets no credentials and works in untrusted workspaces too.
  try {
    client = await startLanguageClient(context, lsLog);
  } catch (e) {
    log.error(`the language server did not start: ${(e as Error).message}`);
  }
  const planState = new PlanStateSync(context, connection, () => client, plans.onDidChangeTreeData, log);
  context.subscriptions.push(planState);

  // Restore the last connection, or use OS_CLOUD / OS_AUTH_URL the way openstackclient would.
  if (vscode.workspace.isTrusted && vscode.workspace.getConfiguration('tripleo').get<boolean>('connectOnStartup', true)) {
    const ref: ProfileRef | undefined =
      connection.lastConnection() ??
      (process.env.OS_CLOUD ? { kind: 'cloud', name: process.env.OS_CLOUD } : process.env.OS_AUTH_URL ? { kind: 'env' } : undefined);
    if (ref) void connection.connect(ref, { interactive: false });
  }
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      const ref = connection.lastConnection();
      if (ref && connection.state.kind === 'disconnected') void connection.connect(ref, { interactive: false });
    }),
  );

  log.info(`TripleO extension activated in ${Date.now() - started} ms (VS Code ${vscode.version})`);
  return Object.assign(api, {
    connection,
    plans,
    nodes,
    executions,
    validations,
    statusBar,
    languageClient: () => client,
    logDirectory: context.logUri,
    plansView,
    nodesView,
    planState,
    images,
    walkthrough,
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
