import { cancelStack, deleteStack } from '../tripleo/recovery';
import * as vscode from 'vscode';
import { stringify } from 'yaml';
import { deployPlan, describeFailure, followStack, FollowResult } from '../tripleo/deploy';
import { environmentValues, planHeatRequest, readPlanFiles } from '../tripleo/parameters';
import { requirePlanData } from '../tripleo/planData';
import { listPlans } from '../tripleo/plans';
import type { Undercloud } from '../tripleo/undercloud';
import { md5 } from '../openstack/swift';
import { isSecretName, redactValue } from '../openstack/redact';
import { templateParameters } from '../language/planIndex';
import type { ConnectionManager } from './connectionManager';
import type { Ui } from './ui';
import { preDeploymentStatus, runPreDeploymentValidations } from './validationCommands';
import type { PlanNode, PlanTreeProvider } from './views/planTreeProvider';

const LAST_DEPLOYED_KEY = 'tripleo.lastDeployedPlan';
const VALIDATE_FIRST = 'Validate First';
const SHOW_VALIDATIONS = 'Show Validation Results';
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

interface Side {
  templates: Record<string, string>;
  environments: string[];
  parameter_defaults: Record<string, unknown>;
}

/** Secret values show as a mask with a short MD5, so a change still shows; others are redacted inside (ExtraConfig). */
function masked(values: Record<string, unknown>, secret: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(values).sort()) out[k] = isSecretName(k, secret) ? `****** (md5 ${md5(JSON.stringify(values[k])).slice(0, 8)})` : redactValue(values[k], secret);
  return out;
}

/** The parameters the plan's templates declare hidden (NoEcho: SSLKey and the like). */
function hiddenParameters(files: Record<string, string>): string[] {
  return Object.entries(files)
    .filter(([name, text]) => /\.ya?ml$/.test(name) && !/\.j2\.ya?ml$/.test(name) && /\bhidden:\s*true/.test(text))
    .flatMap(([name, text]) => templateParameters(name, text).filter((p) => p.hidden).map((p) => p.name));
}

/**
 * What the stack has now and what a deploy would send: templates (by MD5), selected environments
 * and the merged parameter values, secrets masked. Returns undefined for the "deployed" side when
 * there is no stack yet.
 */
export async function deployDiff(uc: Undercloud, plan: string): Promise<{ deployed?: string; next: string; stackStatus?: string; changes: number }> {
  const data = await requirePlanData(uc.mistral, plan);
  const { files } = await readPlanFiles(uc, plan);
  const req = planHeatRequest(files, data);
  const secret = new Set([...Object.keys(data.passwords ?? {}), ...hiddenParameters(files)]);
  // the order Heat applies them: selected environments, then passwords, then the plan's own values
  const merged = { ...environmentValues(files, data), ...data.passwords, ...data.parameter_defaults };
  const next: Side = {
    templates: Object.fromEntries(Object.keys(files).sort().map((n) => [n, md5(req.files[n] ?? files[n]).slice(0, 12)])),
    environments: req.environment_files.filter((e) => !e.startsWith('.tripleo/')),
    parameter_defaults: masked(merged, secret),
  };
  const stack = await uc.heat.getStack(plan);
  let deployed: string | undefined;
  let changes = 0;
  if (stack) {
    const [env, stackFiles] = await Promise.all([uc.heat.getEnvironment(plan), uc.heat.getFiles(plan)]);
    const before: Side = {
      templates: Object.fromEntries(
        Object.keys(stackFiles)
          .filter((n) => !n.startsWith('.tripleo/') && !n.startsWith('__'))
          .sort()
          .map((n) => [n, md5(stackFiles[n]).slice(0, 12)]),
      ),
      environments: next.environments.filter((e) => e in stackFiles),
      parameter_defaults: masked((env.parameter_defaults as Record<string, unknown>) ?? {}, secret),
    };
    deployed = `# stack ${plan} as deployed (${stack.stack_status})\n${stringify(before)}`;
    changes = [...new Set([...Object.keys(before.templates), ...Object.keys(next.templates)])].filter((k) => before.templates[k] !== next.templates[k]).length +
      [...new Set([...Object.keys(before.parameter_defaults), ...Object.keys(next.parameter_defaults)])].filter((k) => JSON.stringify(before.parameter_defaults[k]) !== JSON.stringify(next.parameter_defaults[k])).length;
  }
  return { deployed, next: `# plan ${plan} as it would be deployed\n${stringify(next)}`, stackStatus: stack?.stack_status, changes };
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
  const status = vscode.window.createStatusBarItem('tripleo.deploy', vscode.StatusBarAlignment.Left, 49);
  status.name = 'TripleO Deploy';
  context.subscriptions.push(status);

  context.subscriptions.push(
    vscode.commands.registerCommand('tripleo.deployPlan', async (node?: PlanNode | string, opts: { confirm?: boolean; showDiff?: boolean } = {}): Promise<FollowResult | undefined> => {
      const uc = manager.undercloud;
      if (!uc) return void vscode.window.showErrorMessage('TripleO: not connected to an undercloud');
      if (!vscode.workspace.isTrusted) return void vscode.window.showErrorMessage('TripleO: deploying needs a trusted workspace');
      try {
        let plan = typeof node === 'string' ? node : node && 'plan' in node ? node.plan : undefined;
        if (!plan) {
          const last = context.workspaceState.get<string>(LAST_DEPLOYED_KEY);
          const items = (await listPlans(uc)).map((p) => ({ label: p.name, description: p.name === last ? 'last deployed from this workspace' : `${p.objects} files` }));
          items.sort((a, b) => Number(b.label === last) - Number(a.label === last));
          plan = (await d.ui().showQuickPick(items, { title: 'TripleO: deploy which plan?' }))?.label;
        }
        if (!plan) return undefined;
        const target = plan;
        const diff = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `TripleO: comparing ${target} with its stack` }, () => deployDiff(uc, target));
        if (diff.stackStatus?.endsWith('_IN_PROGRESS')) return void (await offerStuckStack(uc, target, diff.stackStatus));
        const left = vscode.Uri.from({ scheme: DEPLOY_PREVIEW_SCHEME, path: `/${target}/deployed.yaml` });
        const right = vscode.Uri.from({ scheme: DEPLOY_PREVIEW_SCHEME, path: `/${target}/to-deploy.yaml` });
        d.previews.set(left, diff.deployed ?? `# ${target} has no stack yet: this deploy creates it\n`);
        d.previews.set(right, diff.next);
        if (opts.showDiff !== false) await vscode.commands.executeCommand('vscode.diff', left, right, `${target}: deployed ↔ to deploy`, { preview: true });
        const action = diff.deployed ? 'update' : 'create';
        // the pre-deployment validations: run first, or offered in the confirmation (setting)
        const validationMode = vscode.workspace.getConfiguration('tripleo').get<string>('deploy.preDeploymentValidations', 'offer');
        let checks = validationMode === 'never' || opts.confirm === false ? undefined : validationMode === 'always' ? await validateWithProgress(uc, target) : await preDeploymentStatus(uc, target).catch(() => undefined);
        let answer: string | undefined = opts.confirm === false ? 'Deploy' : undefined;
        while (answer === undefined || answer === VALIDATE_FIRST) {
          if (answer === VALIDATE_FIRST) checks = await validateWithProgress(uc, target);
          const items = ['Deploy', ...(checks?.failed ? [SHOW_VALIDATIONS] : []), ...(validationMode === 'never' ? [] : [VALIDATE_FIRST])];
          answer = await d.ui().showWarningMessage(
            `Deploy plan "${target}"? This ${action}s its Heat stack.`,
            { modal: true, detail: `${diff.deployed ? `${diff.changes} template or parameter change(s) since the last deploy (see the diff).` : 'The stack does not exist yet.'}${checks ? `\n\n${checks.summary}` : ''}` },
            ...items,
          );
          if (answer === undefined) break;
        }
        if (answer === SHOW_VALIDATIONS) await vscode.commands.executeCommand('tripleo.showValidationResults', { group: 'pre-deployment', plan: target });
        if (answer !== 'Deploy') return undefined;
        await context.workspaceState.update(LAST_DEPLOYED_KEY, target);
        return await runDeploy(uc, target, action);
      } catch (e) {
        const message = (e as Error).message;
        log.error(`deploy: ${message}`);
        void vscode.window.showErrorMessage(`TripleO: ${message}`, 'Show Log').then((a) => a && log.show());
        return undefined;
      }
    }),
  );

  /** A busy stack may be stuck for good (Heat was killed mid-way): offer the ways out, each confirmed. */
  async function offerStuckStack(uc: Undercloud, plan: string, stackStatus: string): Promise<void> {
    const CANCEL = 'Cancel Its Operation';
    const DELETE = 'Delete the Stack…';
    const answer = await d.ui().showWarningMessage(
      `Stack ${plan} is ${stackStatus}: a deploy cannot start now.`,
      { modal: true, detail: 'Wait for it to finish. If it stays in progress (Heat was restarted while it worked), cancel its operation or delete the stack.' },
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
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `TripleO: running the pre-deployment validations of ${plan}` }, () => runPreDeploymentValidations(uc, plan));
    log.info(`pre-deployment validations of ${plan}: ${r.group.message}`);
    for (const f of r.group.results) log.info(`  ${f.validation}: ${f.result}: ${f.message}`);
    return r;
  }

  async function runDeploy(uc: Undercloud, plan: string, action: 'create' | 'update'): Promise<FollowResult | undefined> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `TripleO: deploying ${plan}`, cancellable: true }, async (progress, token) => {
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
        if (ok) void vscode.window.showInformationMessage(`TripleO: ${plan} ${r.stack.stack_status} (${r.outputs.length} outputs in the log)`, 'Show Log').then((a) => a && log.show());
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
    });
  }
}
