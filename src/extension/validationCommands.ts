import * as vscode from 'vscode';
import { listPlans } from '../tripleo/plans';
import { GroupRun, listValidations, runGroup, runValidation, stopValidation, validationResults, ValidationRun } from '../tripleo/validations';
import { commandGuard, connectedUndercloud } from './commandGuard';
import type { ConnectionManager } from './connectionManager';
import type { Ui } from './ui';
import type { ValidationNode, ValidationTreeProvider } from './views/validationTreeProvider';

export const VALIDATION_RESULTS_SCHEME = 'tripleo-validation';

const MARK: Record<ValidationRun['result'], string> = { pass: '✔ PASS', warning: '⚠ WARNING', fail: '✘ FAIL', running: '… RUNNING', cancelled: '⊘ STOPPED' };

function runSection(r: ValidationRun, heading: string): string[] {
  return [
    `${heading} ${MARK[r.result]} — ${r.validation}${r.plan ? ` for ${r.plan}` : ''}, ${r.createdAt} UTC`,
    '',
    r.message || '(no message)',
    '',
    ...r.messages.map((m) => `- ${m}`),
    '',
    `Execution \`${r.executionId}\` (${r.state})`,
    '',
  ];
}

/**
 * Results as Markdown documents: `/<plan>/<validation>.md` is the runs of one validation for a
 * plan, newest first; `/<plan>/group/<group>.md` the last run of each validation of a group.
 * A plan of `-` means runs without a plan.
 */
export class ValidationResultsProvider implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  constructor(private readonly manager: ConnectionManager) {}

  static uri(plan: string | undefined, what: { validation: string } | { group: string }): vscode.Uri {
    const p = plan ?? '-';
    return vscode.Uri.from({ scheme: VALIDATION_RESULTS_SCHEME, path: 'group' in what ? `/${p}/group/${what.group}.md` : `/${p}/${what.validation}.md` });
  }

  update(uri: vscode.Uri): void {
    this.emitter.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const uc = this.manager.undercloud;
    if (!uc) return '# Not connected to an undercloud\n';
    const parts = uri.path.replace(/\.md$/, '').split('/').filter(Boolean);
    const plan = parts[0] === '-' ? undefined : parts[0];
    const all = await listValidations(uc);
    if (parts[1] === 'group') {
      const group = parts[2];
      const members = all.filter((v) => v.groups.includes(group));
      const runs = await validationResults(uc, { plan, limit: 1 });
      const lines = [`# Validations of the ${group} group${plan ? ` for ${plan}` : ''}`, ''];
      const counts = { pass: 0, warning: 0, fail: 0, other: 0 };
      for (const v of members) {
        const r = runs.find((x) => x.validation === v.id);
        if (!r) {
          lines.push(`## ○ NOT RUN — ${v.name} (\`${v.id}\`)`, '', v.description, '');
          counts.other++;
          continue;
        }
        if (r.result === 'pass' || r.result === 'warning' || r.result === 'fail') counts[r.result]++;
        else counts.other++;
        lines.push(...runSection(r, `## ${v.name}:`));
      }
      lines.splice(
        2,
        0,
        `${counts.pass} passed, ${counts.warning} with warnings, ${counts.fail} failed${counts.other ? `, ${counts.other} not run or not finished` : ''}`,
        '',
      );
      return lines.join('\n');
    }
    const v = all.find((x) => x.id === parts[1]);
    if (!v) return `# No validation is named ${parts[1]}\n`;
    const runs = await validationResults(uc, { plan, validation: v.id, limit: 10 });
    const lines = [`# ${v.name} (\`${v.id}\`)${plan ? ` for ${plan}` : ''}`, '', `Groups: ${v.groups.join(', ')}`, '', v.description, ''];
    if (!runs.length) lines.push('Not run yet.');
    runs.forEach((r, i) => lines.push(...runSection(r, i === 0 ? '## Last run:' : '### Earlier:')));
    return lines.join('\n');
  }
}

export function registerValidationCommands(d: {
  context: vscode.ExtensionContext;
  manager: ConnectionManager;
  validations: ValidationTreeProvider;
  results: ValidationResultsProvider;
  log: vscode.LogOutputChannel;
  ui: () => Ui;
}): void {
  const { context, manager, validations, results, log } = d;
  /** group runs started from this window and not ended: what Stop on a group stops */
  const groupRuns = new Map<string, string>();

  const requireConnection = () => connectedUndercloud(manager, 'running validations');
  const guarded = commandGuard(log);

  const showResults = async (plan: string | undefined, what: { validation: string } | { group: string }): Promise<vscode.TextDocument> => {
    const uri = ValidationResultsProvider.uri(plan, what);
    results.update(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false });
    return doc;
  };

  /** Runs with a cancellable notification: cancelling stops the execution in Mistral. */
  const withStop = <R>(title: string, body: (onStarted: (id: string) => void) => Promise<R>): Thenable<R> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (_p, token) => {
      let started: string | undefined;
      let cancelled = false;
      token.onCancellationRequested(() => {
        cancelled = true;
        if (started) void stopValidation(requireConnection(), started).catch((e) => log.warn(`stop: ${(e as Error).message}`));
      });
      return body((id) => {
        started = id;
        validations.refresh();
        if (cancelled) void stopValidation(requireConnection(), id).catch(() => undefined);
      });
    });

  const report = (what: string, failed: boolean, open: () => Promise<unknown>) => {
    const show = failed ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(`TripleO: ${what}`, 'Show Results').then((a) => a && open());
  };

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(VALIDATION_RESULTS_SCHEME, results),
    vscode.commands.registerCommand('tripleo.refreshValidations', () => validations.refresh()),
    vscode.commands.registerCommand(
      'tripleo.selectValidationPlan',
      guarded('select plan', async (plan?: string) => {
        const uc = requireConnection();
        const chosen =
          plan ??
          (
            await d.ui().showQuickPick(
              (await listPlans(uc)).map((p) => ({ label: p.name, description: p.name === validations.plan ? 'shown now' : `${p.objects} files` })),
              { title: 'TripleO: show the validations of which plan?' },
            )
          )?.label;
        if (chosen) validations.setPlan(chosen);
        return chosen;
      }),
    ),
    vscode.commands.registerCommand(
      'tripleo.runValidation',
      guarded('run validation', async (node?: ValidationNode | string, plan?: string): Promise<ValidationRun> => {
        const uc = requireConnection();
        const id =
          typeof node === 'string'
            ? node
            : node?.kind === 'validation'
              ? node.validation.id
              : (
                  await d.ui().showQuickPick(
                    (await listValidations(uc)).map((v) => ({ label: v.id, description: v.name, detail: v.groups.join(', ') })),
                    { title: 'TripleO: run which validation?' },
                  )
                )?.label;
        if (!id) throw new Error('no validation chosen');
        const target = plan ?? validations.plan;
        const run = await withStop(`TripleO: validating ${id}${target ? ` for ${target}` : ''}`, (onStarted) =>
          runValidation(uc, id, { plan: target, onStarted }),
        );
        log.info(`validation ${id}${target ? ` (${target})` : ''}: ${run.result}: ${run.message}`);
        validations.refresh();
        report(`${id}: ${run.result} — ${run.message}`, run.result !== 'pass', () => showResults(target, { validation: id }));
        return run;
      }),
    ),
    vscode.commands.registerCommand(
      'tripleo.runValidationGroup',
      guarded('run validation group', async (node?: ValidationNode | string, plan?: string): Promise<GroupRun> => {
        const uc = requireConnection();
        const group =
          typeof node === 'string'
            ? node
            : node?.kind === 'group'
              ? node.group
              : (
                  await d.ui().showQuickPick(
                    ['prep', 'pre-introspection', 'pre-deployment', 'post-deployment'].map((label) => ({ label })),
                    { title: 'TripleO: run which group?' },
                  )
                )?.label;
        if (!group) throw new Error('no group chosen');
        const target = plan ?? validations.plan;
        const t0 = Date.now();
        try {
          const g = await withStop(`TripleO: running the ${group} validations${target ? ` for ${target}` : ''}`, (onStarted) =>
            runGroup(uc, group, {
              plan: target,
              onStarted: (id) => {
                groupRuns.set(group, id);
                onStarted(id);
              },
            }),
          );
          log.info(`validation group ${group}${target ? ` (${target})` : ''} in ${Date.now() - t0} ms: ${g.message}`);
          for (const r of g.results) log.info(`  ${r.validation}: ${r.result}: ${r.message}`);
          report(g.message, g.state !== 'SUCCESS', () => showResults(target, { group }));
          return g;
        } finally {
          groupRuns.delete(group);
          validations.refresh();
        }
      }),
    ),
    vscode.commands.registerCommand(
      'tripleo.stopValidation',
      guarded('stop validation', async (node?: ValidationNode | string): Promise<string> => {
        const uc = requireConnection();
        let id: string | undefined;
        if (typeof node === 'string') id = node;
        else if (node?.kind === 'group')
          id = groupRuns.get(node.group) ?? node.validations.map((v) => validations.lastRun(v.id)).find((r) => r?.result === 'running')?.executionId;
        else if (node?.kind === 'validation') id = node.run?.result === 'running' ? node.run.executionId : undefined;
        if (!id) throw new Error('nothing of that is running');
        const ex = await stopValidation(uc, id);
        log.info(`stopped ${ex.workflow_name} ${id}`);
        validations.refresh();
        return ex.state;
      }),
    ),
    vscode.commands.registerCommand(
      'tripleo.showValidationResults',
      guarded(
        'show validation results',
        async (node?: ValidationNode | { validation?: string; group?: string; plan?: string }): Promise<vscode.TextDocument> => {
          requireConnection();
          if (node && 'kind' in node) {
            if (node.kind === 'group') return showResults(validations.plan, { group: node.group });
            if (node.kind === 'validation') return showResults(node.run?.plan ?? validations.plan, { validation: node.validation.id });
            throw new Error('choose a validation or a group');
          }
          const plan = node?.plan ?? validations.plan;
          if (node?.group) return showResults(plan, { group: node.group });
          if (node?.validation) return showResults(plan, { validation: node.validation });
          return showResults(plan, { group: 'pre-deployment' });
        },
      ),
    ),
  );
}
