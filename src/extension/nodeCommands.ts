import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IronicNode } from '../openstack/ironic';
import { NodeFileProblem, parseNodeFile } from '../tripleo/instackenv';
import {
  batchLabel,
  deleteNodes,
  introspectNodes,
  manageNodes,
  NodeOperationResult,
  nodeSummary,
  profileForRole,
  provideNodes,
  registerNodes,
  RegistrationResult,
  tagNodes,
} from '../tripleo/nodes';
import { listPlanRoles, listPlans } from '../tripleo/plans';
import type { Undercloud } from '../tripleo/undercloud';
import { commandGuard, connectedUndercloud } from './commandGuard';
import type { ConnectionManager } from './connectionManager';
import type { Ui } from './ui';
import type { NodeTreeElement, NodeTreeProvider } from './views/nodeTreeProvider';

interface Deps {
  context: vscode.ExtensionContext;
  manager: ConnectionManager;
  nodes: NodeTreeProvider;
  log: vscode.LogOutputChannel;
  ui: () => Ui;
  onWorkflowEnded: () => void;
}

function toDiagnostic(p: NodeFileProblem): vscode.Diagnostic {
  const line = Math.max(0, p.line - 1);
  const col = Math.max(0, p.column - 1);
  const d = new vscode.Diagnostic(
    new vscode.Range(line, col, line, Number.MAX_SAFE_INTEGER),
    `${p.node ? `${p.node}: ` : ''}${p.message}`,
    p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  d.source = 'tripleo';
  d.code = 'node-file';
  return d;
}

export function registerNodeCommands(d: Deps): void {
  const { context, manager, nodes, log } = d;
  const diagnostics = vscode.languages.createDiagnosticCollection('tripleo-nodes');
  context.subscriptions.push(diagnostics);

  const requireConnection = () => connectedUndercloud(manager, 'changing nodes');
  const guarded = commandGuard(log);

  /** The nodes a command acts on: the clicked one with the selection, else a pick among those in `states`. */
  const chooseNodes = async (
    verb: string,
    states: string[] | undefined,
    clicked?: NodeTreeElement | string,
    selected?: readonly NodeTreeElement[],
  ): Promise<IronicNode[] | undefined> => {
    const fromTree = (e: NodeTreeElement): IronicNode[] => (e.kind === 'node' ? [e.node] : e.kind === 'group' ? e.nodes : []);
    if (typeof clicked === 'string') {
      const all = await nodes.current();
      const n = all.find((x) => x.uuid === clicked || x.name === clicked);
      if (!n) throw new Error(`no such node: ${clicked}`);
      return [n];
    }
    if (clicked) {
      const list = selected?.length && selected.includes(clicked) ? selected.flatMap(fromTree) : fromTree(clicked);
      return [...new Map(list.map((n) => [n.uuid, n])).values()];
    }
    nodes.refresh();
    const all = (await nodes.current()).filter((n) => !states || states.includes(n.provision_state));
    if (!all.length) {
      void vscode.window.showInformationMessage(`TripleO: no node${states ? ` is ${states.join(' or ')}` : ''} to ${verb}`);
      return undefined;
    }
    const picked = await d.ui().showQuickPick(
      all.map((n) => ({
        label: nodeSummary(n).label,
        description: `${n.provision_state}${nodeSummary(n).profile ? ` · ${nodeSummary(n).profile}` : ''}`,
        node: n,
        picked: all.length === 1,
      })),
      { canPickMany: true, title: `TripleO: ${verb} which nodes?` },
    );
    return picked?.length ? picked.map((p) => p.node) : undefined;
  };

  /** Runs a node workflow with a progress notification that counts the nodes reaching `target`. */
  const runOnNodes = async (
    title: string,
    chosen: IronicNode[],
    target: string | undefined,
    work: (signal: AbortSignal, onStarted: (id: string) => void) => Promise<NodeOperationResult>,
  ): Promise<NodeOperationResult | undefined> => {
    const uc = requireConnection();
    const uuids = chosen.map((n) => n.uuid);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TripleO: ${title}`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        let execution: string | undefined;
        token.onCancellationRequested(() => {
          // stopping the workflow, not only our wait for it
          if (execution) void uc.mistral.updateExecutionState(execution, 'CANCELLED').catch(() => undefined);
          ac.abort();
        });
        let done = 0;
        const timer = target
          ? setInterval(() => {
              void nodes.current().then((list) => {
                const now = list.filter((n) => uuids.includes(n.uuid) && n.provision_state === target && !n.target_provision_state).length;
                if (now !== done) {
                  progress.report({ message: `${now} of ${uuids.length} ${target}`, increment: ((now - done) / uuids.length) * 100 });
                  done = now;
                }
              });
            }, 1500)
          : undefined;
        try {
          return await nodes.track(
            uuids,
            work(ac.signal, (id) => {
              execution = id;
              log.info(`${title}: execution ${id}`);
            }),
          );
        } finally {
          if (timer) clearInterval(timer);
        }
      },
    );
    d.onWorkflowEnded();
    report(title, result);
    return result;
  };

  const report = (title: string, r: NodeOperationResult) => {
    for (const n of r.nodes)
      log.info(`${title}: ${n.name}: ${n.ok ? 'ok' : 'failed'}${n.provisionState ? ` (${n.provisionState})` : ''}${n.message ? `: ${n.message}` : ''}`);
    if (r.ok) void vscode.window.showInformationMessage(`TripleO: ${r.message}`);
    else void vscode.window.showErrorMessage(`TripleO: ${r.message}`, 'Show Log').then((a) => a && log.show());
  };

  const transition = (command: string, verb: string, states: string[], target: string, run: typeof introspectNodes) =>
    vscode.commands.registerCommand(
      command,
      guarded(command, async (clicked?: NodeTreeElement | string, selected?: readonly NodeTreeElement[]) => {
        requireConnection();
        const chosen = await chooseNodes(verb, states, clicked, selected);
        if (!chosen?.length) return undefined;
        const uc = requireConnection();
        const title = `${verb[0].toUpperCase()}${verb.slice(1)} ${chosen.length === 1 ? nodeSummary(chosen[0]).label : `${chosen.length} nodes`}`;
        return runOnNodes(title, chosen, target, (signal, onStarted) =>
          run(
            uc,
            chosen.map((n) => n.uuid),
            { signal, onStarted },
          ),
        );
      }),
    );

  context.subscriptions.push(
    transition('tripleo.introspectNodes', 'introspect', ['manageable'], 'manageable', introspectNodes),
    transition('tripleo.provideNodes', 'provide', ['manageable'], 'available', provideNodes),
    transition('tripleo.manageNodes', 'manage', ['available', 'enroll', 'inspect failed', 'clean failed'], 'manageable', manageNodes),

    vscode.commands.registerCommand(
      'tripleo.tagNodes',
      guarded('tripleo.tagNodes', async (clicked?: NodeTreeElement | string, selected?: readonly NodeTreeElement[]) => {
        const uc = requireConnection();
        const chosen = await chooseNodes('tag', undefined, clicked, selected);
        if (!chosen?.length) return undefined;
        const profile = await pickProfile(uc, chosen);
        if (profile === undefined) return undefined;
        const title = profile
          ? `Tag ${chosen.length === 1 ? nodeSummary(chosen[0]).label : `${chosen.length} nodes`} with profile ${profile}`
          : 'Remove the profile';
        return runOnNodes(title, chosen, undefined, (signal, onStarted) =>
          tagNodes(
            uc,
            chosen.map((n) => n.uuid),
            profile,
            { signal, onStarted },
          ),
        );
      }),
    ),

    vscode.commands.registerCommand(
      'tripleo.deleteNodes',
      guarded('tripleo.deleteNodes', async (clicked?: NodeTreeElement | string, selected?: readonly NodeTreeElement[]) => {
        const uc = requireConnection();
        const chosen = await chooseNodes('delete', undefined, clicked, selected);
        if (!chosen?.length) return undefined;
        const names = chosen.map((n) => nodeSummary(n).label);
        const answer = await d
          .ui()
          .showWarningMessage(
            `Delete ${chosen.length === 1 ? `node ${names[0]}` : `${chosen.length} nodes`} from Ironic?`,
            { modal: true, detail: `${names.join(', ')}\n\nTheir ports go with them; registering them again needs the instackenv file.` },
            'Delete',
          );
        if (answer !== 'Delete') return undefined;
        return runOnNodes(`Delete ${chosen.length === 1 ? names[0] : `${chosen.length} nodes`}`, chosen, undefined, (signal, onStarted) =>
          deleteNodes(
            uc,
            chosen.map((n) => n.uuid),
            { signal, onStarted },
          ),
        );
      }),
    ),

    vscode.commands.registerCommand(
      'tripleo.registerNodes',
      guarded('tripleo.registerNodes', (uri?: vscode.Uri) => registerFromFile(uri)),
    ),
  );

  async function pickProfile(uc: Undercloud, chosen: IronicNode[]): Promise<string | undefined> {
    const roles = new Map<string, string[]>();
    for (const plan of await listPlans(uc)) {
      try {
        for (const r of await listPlanRoles(uc, plan.name)) roles.set(r.name, [...(roles.get(r.name) ?? []), plan.name]);
      } catch (e) {
        log.warn(`roles of ${plan.name}: ${(e as Error).message}`);
      }
    }
    const current = new Set(chosen.map((n) => nodeSummary(n).profile).filter(Boolean));
    type Item = vscode.QuickPickItem & { profile?: string; other?: boolean };
    const items: Item[] = [...roles.entries()].map(([role, plans]) => ({
      label: profileForRole(role),
      description: `${role} role`,
      detail: `in ${plans.join(', ')}`,
      profile: profileForRole(role),
    }));
    items.push({ label: 'Other profile…', other: true }, { label: 'No profile', description: 'remove the profile tag', profile: '' });
    const pick = await d.ui().showQuickPick(items, {
      title: `TripleO: tag ${chosen.length === 1 ? nodeSummary(chosen[0]).label : `${chosen.length} nodes`} for which role?`,
      placeHolder: current.size ? `now: ${[...current].join(', ')}` : 'untagged now',
    });
    if (!pick) return undefined;
    if (!pick.other) return pick.profile;
    return d.ui().showInputBox({
      title: 'TripleO: profile',
      prompt: 'The profile nodes get as capability profile:<name>',
      validateInput: (v) => (/^[A-Za-z0-9_.-]+$/.test(v) ? undefined : 'letters, digits, "_", "." and "-" only'),
    });
  }

  async function registerFromFile(uri?: vscode.Uri): Promise<RegistrationResult | undefined> {
    const uc = requireConnection();
    let file = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!file || !/\.(json|ya?ml|csv)$/i.test(file.fsPath)) {
      const picked = await d.ui().showOpenDialog({
        title: 'TripleO: register the nodes of which instackenv file?',
        canSelectMany: false,
        filters: { 'Node files': ['json', 'yaml', 'yml', 'csv'] },
      });
      file = picked?.[0];
    }
    if (!file) return undefined;
    const name = path.basename(file.fsPath);
    // an unsaved editor is what the person sees: read that, not the disk
    const open = vscode.workspace.textDocuments.find((t) => t.uri.toString() === file!.toString());
    const text = open ? open.getText() : await fs.readFile(file.fsPath, 'utf8');
    const parsed = parseNodeFile(text, file.fsPath, { drivers: await uc.ironic.listDrivers() });
    diagnostics.set(file, parsed.problems.map(toDiagnostic));
    const errors = parsed.problems.filter((p) => p.severity === 'error');
    if (errors.length) {
      log.error(`Register Nodes: ${name} has ${errors.length} error(s); nothing was sent`);
      for (const p of errors) log.error(`  ${name}:${p.line}:${p.column}: ${p.node ? `${p.node}: ` : ''}${p.message}`);
      void vscode.window
        .showErrorMessage(
          `TripleO: ${name} has ${errors.length === 1 ? 'an error' : `${errors.length} errors`} (line ${errors[0].line}: ${errors[0].message}); nothing was sent`,
          'Show Problems',
        )
        .then((a) => a && vscode.commands.executeCommand('workbench.actions.view.problems'));
      return undefined;
    }
    const preview = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TripleO: checking ${name} against Ironic` },
      () => registerNodes(uc, parsed.nodes, { dryRun: true, remove: true }),
    );
    if (!preview.ok) throw new Error(preview.message);
    const list = (xs: { name: string }[]) => (xs.length ? xs.map((x) => x.name).join(', ') : 'none');
    const detail = [
      `New: ${list(preview.registered)}`,
      `Updated in place: ${list(preview.updated)}`,
      `Registered but not in the file: ${list(preview.removed)}`,
    ].join('\n');
    const choices = ['Register', 'Register and Introspect', 'Register, Introspect and Provide'];
    if (preview.removed.length) choices.push('Register and Remove the Others');
    const answer = await d
      .ui()
      .showWarningMessage(`Register ${parsed.nodes.length} node${parsed.nodes.length === 1 ? '' : 's'} from ${name}?`, { modal: true, detail }, ...choices);
    if (!answer) return undefined;
    const opts = { introspect: /Introspect/.test(answer), provide: /Provide/.test(answer), remove: /Remove/.test(answer) };
    const known = (await nodes.current()).filter((n) => preview.updated.some((u) => u.uuid === n.uuid));
    const result = (await runOnNodes(`Register nodes from ${name}`, known, undefined, (signal, onStarted) =>
      registerNodes(uc, parsed.nodes, {
        ...opts,
        signal,
        onStarted,
        onBatch: (b) => b.count > 1 && log.info(`Register nodes from ${name}: ${batchLabel(b)}: ${b.message}`),
      }),
    )) as RegistrationResult;
    return result;
  }
}
