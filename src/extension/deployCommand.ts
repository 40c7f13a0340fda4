import { cancelStack, deleteStack } from '../tripleo/recovery';
import * as vscode from 'vscode';
import { deployPlan, describeFailure, followStack, FollowResult } from '../tripleo/deploy';
import { DeployDiff, deployDiff, formatDeployDiff } from '../tripleo/deployDiff';
import { listPlans } from '../tripleo/plans';
import type { Undercloud } from '../tripleo/undercloud';
import { preDeploymentStatus, runPreDeploymentValidations } from '../tripleo/validations';
import { commandGuard, connectedUndercloud } from './commandGuard';
import type { ConnectionManager } from './connectionManager';
import type { Ui } from './ui';
import type { PlanNode, PlanTreeProvider } from './views/planTreeProvider';

const LAST_DEPLOYED_KEY = 'tripleo.lastDeployedPlan';
const VALIDATE_FIRST = 'Validate First';
const SHOW_VALIDATIONS = 'Show Validation Results';
const SHOW_FILE = 'Show a Changed File…';
export const DEPLOY_PREVIEW_SCHEME = 'tripleo-deploy-preview';

/** Read-only documents for the deploy diff, kept in memory by URI. */
export class DeployPreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  set(uri: vscode.Uri, text: string): void {
    this.docs.set(uri.toString(), text);
    this.emitter.fire(uri);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '';
  }
}

/** Where the previews of a plan's deploy diff live: the summary, and each changed file on both sides. */
export const deployPreviewUri = (plan: string, what: { summary: true } | { side: 'stack' | 'plan'; path: string }) =>
  vscode.Uri.from({ scheme: DEPLOY_PREVIEW_SCHEME, path: 'summary' in what ? `/${plan}/${plan} changes.diff` : `/${plan}/${what.side}/${what.path}` });

/** Puts a diff's summary and both sides of each changed file in the previews. */
function showableDiff(previews: DeployPreviewProvider, diff: DeployDiff): vscode.Uri {
  const summary = deployPreviewUri(diff.plan, { summary: true });
  previews.set(summary, formatDeployDiff(diff));
  for (const f of diff.files) {
    previews.set(deployPreviewUri(diff.plan, { side: 'stack', path: f.path }), f.before ?? '');
    previews.set(deployPreviewUri(diff.plan, { side: 'plan', path: f.path }), f.after ?? '');
  }
  return summary;
}

export function registerDeployCommand(d: {
  context: vscode.ExtensionContext;
  manager: ConnectionManager;
  plans: PlanTreeProvider;
  log: vscode.LogOutputChannel;
  ui: () => Ui;
  previews: DeployPreviewProvider;
  onDeployEnded: () => void;
}): void {
  const { context, manager, log } = d;
  /** the last diff of each plan computed for a deploy: the files the list offers */
  const lastDiffs = new Map<string, DeployDiff>();
  const status = vscode.window.createStatusBarItem('tripleo.deploy', vscode.StatusBarAlignment.Left, 49);
  status.name = 'TripleO Deploy';
  context.subscriptions.push(status);

  context.subscriptions.push(
    vscode.commands.registerCommand(
      'tripleo.deployPlan',
      commandGuard(log)('deploy', async (node?: PlanNode | string, opts: { confirm?: boolean; showDiff?: boolean } = {}): Promise<FollowResult | undefined> => {
        const uc = connectedUndercloud(manager, 'deploying');
        let plan = typeof node === 'string' ? node : node && 'plan' in node ? node.plan : undefined;
        if (!plan) {
          const last = context.workspaceState.get<string>(LAST_DEPLOYED_KEY);
          const items = (await listPlans(uc)).map((p) => ({
            label: p.name,
            description: p.name === last ? 'last deployed from this workspace' : `${p.objects} files`,
          }));
          items.sort((a, b) => Number(b.label === last) - Number(a.label === last));
          plan = (await d.ui().showQuickPick(items, { title: 'TripleO: deploy which plan?' }))?.label;
        }
        if (!plan) return undefined;
        const target = plan;
        const diff = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `TripleO: comparing ${target} with its stack` }, () =>
          deployDiff(uc, target),
        );
        if (diff.stackStatus?.endsWith('_IN_PROGRESS')) return void (await offerStuckStack(uc, target, diff.stackStatus));
        const summary = showableDiff(d.previews, diff);
        lastDiffs.set(target, diff);
        if (opts.showDiff !== false) await vscode.window.showTextDocument(summary, { preview: true });
        const action = diff.stackStatus ? 'update' : 'create';
        // the pre-deployment validations: run first, or offered in the confirmation (setting)
        const validationMode = vscode.workspace.getConfiguration('tripleo').get<string>('deploy.preDeploymentValidations', 'offer');
        let checks =
          validationMode === 'never' || opts.confirm === false
            ? undefined
            : validationMode === 'always'
              ? await validateWithProgress(uc, target)
              : await preDeploymentStatus(uc, target).catch(() => undefined);
        let answer: string | undefined = opts.confirm === false ? 'Deploy' : undefined;
        const changedFiles = diff.stackStatus ? diff.files : [];
        while (answer === undefined || answer === VALIDATE_FIRST || answer === SHOW_FILE) {
          if (answer === VALIDATE_FIRST) checks = await validateWithProgress(uc, target);
          if (answer === SHOW_FILE) await vscode.commands.executeCommand('tripleo.showDeployChange', target);
          const items = [
            'Deploy',
            ...(changedFiles.length ? [SHOW_FILE] : []),
            ...(checks?.failed ? [SHOW_VALIDATIONS] : []),
            ...(validationMode === 'never' ? [] : [VALIDATE_FIRST]),
          ];
          answer = await d
            .ui()
            .showWarningMessage(
              `Deploy plan "${target}"? This ${action}s its Heat stack.`,
              { modal: true, detail: `${diff.stackStatus ? changeSummary(diff) : 'The stack does not exist yet.'}${checks ? `\n\n${checks.summary}` : ''}` },
              ...items,
            );
          if (answer === undefined) break;
        }
        if (answer === SHOW_VALIDATIONS) await vscode.commands.executeCommand('tripleo.showValidationResults', { group: 'pre-deployment', plan: target });
        if (answer !== 'Deploy') return undefined;
        await context.workspaceState.update(LAST_DEPLOYED_KEY, target);
        return await runDeploy(uc, target, action);
      }),
    ),
  );

  context.subscriptions.push(
    vscode.commands.registerCommand(
      'tripleo.showDeployChange',
      commandGuard(log)('show deploy change', async (plan?: string, path?: string) => {
        const uc = connectedUndercloud(manager, 'comparing a plan with its stack');
        const target =
          plan ??
          (
            await d.ui().showQuickPick(
              (await listPlans(uc)).map((p) => ({ label: p.name })),
              { title: 'TripleO: compare which plan with its stack?' },
            )
          )?.label;
        if (!target) return undefined;
        // the deploy's confirmation names only the plan: its list is the diff it shows; otherwise compare afresh
        let diff = plan !== undefined && path === undefined ? lastDiffs.get(target) : undefined;
        if (!diff) {
          diff = await deployDiff(uc, target);
          lastDiffs.set(target, diff);
          await vscode.window.showTextDocument(showableDiff(d.previews, diff), { preview: true });
        }
        const files = diff.stackStatus ? diff.files : [];
        const mark = { added: 'added', removed: 'removed', changed: 'changed' } as const;
        const file =
          path ??
          (
            await d.ui().showQuickPick(
              files.map((f) => ({ label: f.path, description: mark[f.change] })),
              { title: `TripleO: ${target}: which file, against the stack?` },
            )
          )?.label;
        if (!file) return undefined;
        if (!files.some((f) => f.path === file)) throw new Error(`${file} does not change in a deploy of ${target}`);
        const left = deployPreviewUri(target, { side: 'stack', path: file });
        const right = deployPreviewUri(target, { side: 'plan', path: file });
        await vscode.commands.executeCommand('vscode.diff', left, right, `${file}: deployed ↔ to deploy`, { preview: false });
        return file;
      }),
    ),
  );

  /** A busy stack may be stuck for good (Heat was killed mid-way): offer the ways out, each confirmed. */
  async function offerStuckStack(uc: Undercloud, plan: string, stackStatus: string): Promise<void> {
    const CANCEL = 'Cancel Its Operation';
    const DELETE = 'Delete the Stack…';
    const answer = await d.ui().showWarningMessage(
      `Stack ${plan} is ${stackStatus}: a deploy cannot start now.`,
      {
        modal: true,
        detail: 'Wait for it to finish. If it stays in progress (Heat was restarted while it worked), cancel its operation or delete the stack.',
      },
      CANCEL,
      DELETE,
    );
    if (answer === CANCEL) {
      const was = await cancelStack(uc, plan);
      log.info(`asked Heat to cancel ${was} of ${plan}`);
      void vscode.window.showInformationMessage(`TripleO: asked Heat to cancel ${was} of ${plan}.`);
    } else if (answer === DELETE) {
      const sure = await d.ui().showWarningMessage(`Delete stack ${plan} and every server it deployed? The plan stays.`, { modal: true }, 'Delete Stack');
      if (sure !== 'Delete Stack') return;
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `TripleO: deleting stack ${plan}` }, (progress) =>
        deleteStack(uc, plan, { onProgress: (s) => progress.report({ message: s }) }),
      );
      log.info(`stack ${plan} deleted`);
      void vscode.window.showInformationMessage(`TripleO: stack ${plan} deleted.`);
      d.onDeployEnded();
    }
  }

  async function validateWithProgress(uc: Undercloud, plan: string) {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TripleO: running the pre-deployment validations of ${plan}` },
      () => runPreDeploymentValidations(uc, plan),
    );
    log.info(`pre-deployment validations of ${plan}: ${r.group.message}`);
    for (const f of r.group.results) log.info(`  ${f.validation}: ${f.result}: ${f.message}`);
    return r;
  }

  async function runDeploy(uc: Undercloud, plan: string, action: 'create' | 'update'): Promise<FollowResult | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TripleO: deploying ${plan}`, cancellable: true },
      async (progress, token) => {
        const follow = new AbortController();
        let cancelled = false;
        token.onCancellationRequested(async () => {
          cancelled = true;
          if (action === 'update') {
            log.warn(`cancelling the update of ${plan} (Heat rolls it back)`);
            await uc.heat.cancelUpdate(plan).catch((e) => log.error(`cancel_update failed: ${(e as Error).message}`));
            void vscode.window.showWarningMessage(`TripleO: asked Heat to cancel the update of ${plan}; it rolls back.`);
          } else {
            log.warn(`stopped following the creation of ${plan}; Heat goes on creating it`);
            void vscode.window.showWarningMessage(`TripleO: stopped following ${plan}. A create cannot be cancelled: Heat goes on creating the stack.`);
            follow.abort();
          }
        });
        const started = await deployPlan(uc, plan);
        log.info(`${started.message} (execution ${started.executionId})`);
        status.text = `$(sync~spin) ${plan}: ${started.stackAction}_IN_PROGRESS`;
        status.command = 'tripleo.showLog';
        status.show();
        d.plans.refresh();
        try {
          const r = await followStack(uc, plan, {
            signal: follow.signal,
            onProgress: (p) => {
              status.text = `$(sync~spin) ${plan}: ${p.status} ${p.complete}/${p.total}`;
              status.tooltip = `${p.status}: ${p.complete} of ${p.total} resources complete${p.failed ? `, ${p.failed} failed` : ''}\nClick for the log`;
              progress.report({ message: `${p.status} · ${p.complete}/${p.total} resources` });
            },
            onEvent: (e) => log.info(`[${plan}] ${e}`),
          });
          const ok = r.stack.stack_status.endsWith('_COMPLETE') && !r.stack.stack_status.startsWith('ROLLBACK');
          status.text = `${ok ? '$(pass)' : '$(error)'} ${plan}: ${r.stack.stack_status}`;
          for (const o of r.outputs) log.info(`[${plan}] output ${o.key} = ${JSON.stringify(o.value)}`);
          if (ok)
            void vscode.window
              .showInformationMessage(`TripleO: ${plan} ${r.stack.stack_status} (${r.outputs.length} outputs in the log)`, 'Show Log')
              .then((a) => a && log.show());
          else {
            log.error(describeFailure(r));
            void vscode.window.showErrorMessage(`TripleO: ${describeFailure(r)}`, 'Show Log').then((a) => a && log.show());
          }
          return r;
        } catch (e) {
          if (cancelled) return undefined;
          throw e;
        } finally {
          d.onDeployEnded();
          setTimeout(() => status.hide(), 60_000);
        }
      },
    );
  }
}

/** One line for the confirmation: how many files, environments and parameters a deploy changes. */
function changeSummary(diff: DeployDiff): string {
  const envs = diff.environments ? diff.environments.added.length + diff.environments.removed.length : 0;
  return `${diff.changes} change(s) since the last deploy: ${diff.files.length} file(s), ${envs} environment(s), ${diff.parameters.length} parameter(s) (see ${diff.plan} changes.diff).`;
}
