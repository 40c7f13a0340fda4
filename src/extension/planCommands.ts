import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { getPlanCapabilities, createPlan, deletePlan, exportPlan, listPlans, updatePlan, updatePlanCapabilities } from '../tripleo/plans';
import { planNameProblem } from '../tripleo/planName';
import { RENDER_INPUTS } from '../tripleo/planRendering';
import type { UploadProgress, UploadResult } from '../tripleo/upload';
import { CAPABILITIES_MAP_FILE } from '../tripleo/capabilitiesMap';
import { commandGuard, connectedUndercloud } from './commandGuard';
import type { ConnectionManager } from './connectionManager';
import type { Undercloud } from '../tripleo/undercloud';
import { parametersUri } from './planFileSystem';
import type { Ui } from './ui';
import type { PlanNode, PlanTreeProvider } from './views/planTreeProvider';

export const UPLOAD_TARGETS_KEY = 'tripleo.uploadTargets';

interface Deps {
  context: vscode.ExtensionContext;
  manager: ConnectionManager;
  plans: PlanTreeProvider;
  log: vscode.LogOutputChannel;
  ui: () => Ui;
}

/** Plan folders of the workspace: every folder holding a capabilities map (multi-root too). */
export async function findPlanFolders(): Promise<vscode.Uri[]> {
  const maps = await vscode.workspace.findFiles(`**/${CAPABILITIES_MAP_FILE}`, '**/{node_modules,.git}/**', 50);
  return maps.map((u) => vscode.Uri.joinPath(u, '..')).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

function describeUpload(u: UploadResult): string {
  if (!u.uploaded.length && !u.deleted.length) return 'no file changed';
  return `${u.uploaded.length} file${u.uploaded.length === 1 ? '' : 's'} sent${u.deleted.length ? `, ${u.deleted.length} deleted` : ''}, ${u.unchanged} unchanged`;
}

export function registerPlanCommands(d: Deps): void {
  const { context, manager, plans, log } = d;
  const requireConnection = () => connectedUndercloud(manager, 'changing plans');
  const guarded = commandGuard(log);

  /**
   * The plan a command acts on: given by name, by the plan's tree node (or, with `fromAnyNode`,
   * any node under it), or else asked for.
   */
  const resolvePlan = async (uc: Undercloud, node: PlanNode | string | undefined, title: string, fromAnyNode = false): Promise<string | undefined> => {
    if (typeof node === 'string') return node;
    if (node && (node.kind === 'plan' || (fromAnyNode && 'plan' in node))) return node.plan;
    return (
      await d.ui().showQuickPick(
        (await listPlans(uc)).map((p) => ({ label: p.name })),
        { title },
      )
    )?.label;
  };

  const pickFolder = async (given?: vscode.Uri): Promise<vscode.Uri | undefined> => {
    if (given) return given;
    const folders = await findPlanFolders();
    const items = folders.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri }));
    items.push({ label: '$(folder-opened) Choose another folder…', description: '', uri: undefined as unknown as vscode.Uri });
    const picked = await d
      .ui()
      .showQuickPick(items, { title: 'TripleO: plan folder (with capabilities-map.yaml)', placeHolder: 'Which folder holds the plan?' });
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
    return (await d.ui().showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use as plan folder' }))?.[0];
  };

  const withUploadProgress = <T>(title: string, work: (onProgress: (p: UploadProgress) => void, signal: AbortSignal) => Promise<T>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      let last = 0;
      return work((p) => {
        const pct = p.total ? Math.round((p.done / p.total) * 100) : 0;
        progress.report({
          message: `${p.phase} ${p.total ? `${p.done}/${p.total} files` : ''}`,
          increment: p.phase === 'uploading' ? Math.max(0, pct - last) : undefined,
        });
        if (p.phase === 'uploading') last = pct;
      }, ac.signal);
    });

  context.subscriptions.push(
    vscode.commands.registerCommand(
      'tripleo.createPlan',
      guarded('Create Plan', async (folderArg?: vscode.Uri, nameArg?: string) => {
        const uc = requireConnection();
        const folder = await pickFolder(folderArg instanceof vscode.Uri ? folderArg : undefined);
        if (!folder) return undefined;
        if (!fs.existsSync(path.join(folder.fsPath, CAPABILITIES_MAP_FILE)))
          throw new Error(`${folder.fsPath} has no ${CAPABILITIES_MAP_FILE}: it is not a plan folder`);
        const name =
          nameArg ??
          (await d.ui().showInputBox({
            title: 'TripleO: name of the new plan (also the name of its Heat stack)',
            value: path.basename(folder.fsPath).replace(/[^a-zA-Z0-9_.-]/g, '-'),
            validateInput: (v) => planNameProblem(v.trim()),
          }));
        if (!name) return undefined;
        const r = await withUploadProgress(`TripleO: creating plan ${name}`, (onProgress, signal) =>
          createPlan(uc, name.trim(), folder.fsPath, { onProgress, signal }),
        );
        await context.workspaceState.update(UPLOAD_TARGETS_KEY, {
          ...context.workspaceState.get<Record<string, string>>(UPLOAD_TARGETS_KEY, {}),
          [folder.fsPath]: name.trim(),
        });
        log.info(`${r.message} (${describeUpload(r.upload)}; execution ${r.executionId})`);
        plans.refresh();
        void vscode.window.showInformationMessage(`TripleO: ${r.message}`);
        return name.trim();
      }),
    ),
    vscode.commands.registerCommand(
      'tripleo.uploadTemplates',
      guarded('Upload Templates', async (folderArg?: vscode.Uri, planArg?: string) => {
        const uc = requireConnection();
        const folder = await pickFolder(folderArg instanceof vscode.Uri ? folderArg : undefined);
        if (!folder) return undefined;
        const remembered = context.workspaceState.get<Record<string, string>>(UPLOAD_TARGETS_KEY, {})[folder.fsPath];
        let plan: string | undefined = planArg ?? remembered;
        if (!plan) {
          const all = await listPlans(uc);
          const picked = await d.ui().showQuickPick(
            all.map((p) => ({ label: p.name, description: `${p.objects} files` })),
            { title: `TripleO: upload ${path.basename(folder.fsPath)} to which plan?` },
          );
          plan = picked?.label;
        }
        if (!plan) return undefined;
        const target = plan;
        const r = await withUploadProgress(`TripleO: uploading templates to ${target}`, (onProgress, signal) =>
          updatePlan(uc, target, folder.fsPath, { onProgress, signal }),
        );
        await context.workspaceState.update(UPLOAD_TARGETS_KEY, {
          ...context.workspaceState.get<Record<string, string>>(UPLOAD_TARGETS_KEY, {}),
          [folder.fsPath]: target,
        });
        log.info(`${r.message}: ${describeUpload(r.upload)}`);
        plans.refresh();
        void vscode.window.showInformationMessage(
          `TripleO: ${target}: ${describeUpload(r.upload)}.${r.dropped.length ? ` Unselected (no longer in the templates): ${r.dropped.join(', ')}` : ''}`,
        );
        return r;
      }),
    ),
    vscode.commands.registerCommand(
      'tripleo.deletePlan',
      guarded('Delete Plan', async (node?: PlanNode | string) => {
        const uc = requireConnection();
        const plan = await resolvePlan(uc, node, 'TripleO: delete which plan?');
        if (!plan) return false;
        const answer = await d.ui().showWarningMessage(
          `Delete the deployment plan "${plan}"?`,
          {
            modal: true,
            detail: `Its templates, environment selection and parameter values are removed from the undercloud. A plan with a deployed stack cannot be deleted.`,
          },
          'Delete Plan',
        );
        if (answer !== 'Delete Plan') return false;
        const message = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `TripleO: deleting plan ${plan}` }, () =>
          deletePlan(uc, plan),
        );
        log.info(message);
        plans.refresh();
        void vscode.window.showInformationMessage(`TripleO: ${message}`);
        return true;
      }),
    ),
    vscode.commands.registerCommand(
      'tripleo.selectEnvironments',
      guarded('Select Environments', async (node?: PlanNode | string) => {
        const uc = requireConnection();
        const plan = await resolvePlan(uc, node, 'TripleO: which plan?', true);
        if (!plan) return undefined;
        const topics = await getPlanCapabilities(uc, plan);
        type Item = vscode.QuickPickItem & { file?: string };
        const items: Item[] = [];
        const before = new Set<string>();
        for (const t of topics) {
          for (const g of t.groups) {
            items.push({ label: `${t.title} › ${g.title}${g.mutuallyExclusive ? ' (choose one)' : ''}`, kind: vscode.QuickPickItemKind.Separator });
            for (const e of g.environments) {
              items.push({
                label: e.title,
                description: e.file,
                detail: e.requires.length ? `requires ${e.requires.join(', ')}` : e.description,
                picked: e.enabled,
                file: e.file,
              });
              if (e.enabled) before.add(e.file);
            }
          }
        }
        const picked = await d.ui().showQuickPick(items, { canPickMany: true, title: `TripleO: environments of ${plan}`, matchOnDescription: true });
        if (!picked) return undefined;
        const after = new Set(picked.map((i) => i.file).filter((f): f is string => !!f));
        const changes: Record<string, boolean> = {};
        for (const f of after) if (!before.has(f)) changes[f] = true;
        for (const f of before) if (!after.has(f)) changes[f] = false;
        if (!Object.keys(changes).length) return [...before];
        const selected = await updatePlanCapabilities(uc, plan, changes);
        plans.refresh();
        return selected;
      }),
    ),
    vscode.commands.registerCommand(
      'tripleo.editParameters',
      guarded('Edit Parameters', async (node?: PlanNode | string) => {
        const uc = requireConnection();
        const plan = await resolvePlan(uc, node, 'TripleO: which plan?', true);
        if (!plan) return undefined;
        const doc = await vscode.workspace.openTextDocument(parametersUri(plan));
        await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
        await vscode.window.showTextDocument(doc);
        return doc.uri;
      }),
    ),
    vscode.commands.registerCommand(
      'tripleo.exportPlan',
      guarded('Export Plan', async (node?: PlanNode | string, target?: vscode.Uri) => {
        const uc = requireConnection();
        const plan = await resolvePlan(uc, node, 'TripleO: export which plan?');
        if (!plan) return undefined;
        const folder = target ?? (await d.ui().showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Export here (empty folder)' }))?.[0];
        if (!folder) return undefined;
        const files = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `TripleO: exporting ${plan}` }, () =>
          exportPlan(uc, plan, folder.fsPath),
        );
        void vscode.window.showInformationMessage(`TripleO: exported ${files.length} files of ${plan} to ${folder.fsPath}`);
        return files;
      }),
    ),
    vscode.workspace.onDidSaveTextDocument((doc) => void offerRenderUpload(doc.uri)),
  );

  /**
   * A saved roles_data.yaml (or network_data.yaml, j2_excludes.yaml) of a folder uploaded to a plan
   * changes what the plan's Jinja templates render to: offer to upload the folder again, which
   * renders them. Offered rather than done, so that a half-edited role list never reaches the plan.
   */
  const offering = new Set<string>();
  const offerRenderUpload = async (file: vscode.Uri): Promise<void> => {
    if (file.scheme !== 'file' || !RENDER_INPUTS.includes(path.basename(file.fsPath))) return;
    const folder = path.dirname(file.fsPath);
    const plan = context.workspaceState.get<Record<string, string>>(UPLOAD_TARGETS_KEY, {})[folder];
    // one offer (and upload) per folder at a time: a save can be reported twice, and a second
    // upload would only meet the first one's plan lock
    if (!plan || !manager.undercloud || offering.has(folder)) return;
    offering.add(folder);
    try {
      await offerUpload(folder, plan, file);
    } finally {
      offering.delete(folder);
    }
  };
  const offerUpload = async (folder: string, plan: string, file: vscode.Uri): Promise<void> => {
    const answer = await d
      .ui()
      .showWarningMessage(
        `TripleO: plan ${plan} was uploaded from this folder and no longer matches ${path.basename(file.fsPath)}. Upload the folder again? Its Jinja templates are rendered again.`,
        {},
        'Upload',
      );
    if (answer === 'Upload') await vscode.commands.executeCommand('tripleo.uploadTemplates', vscode.Uri.file(folder), plan);
  };
}
