import * as vscode from 'vscode';
import { syncFlavors } from '../tripleo/flavors';
import { configureNodes, uploadImages, UploadResult } from '../tripleo/images';
import { listPlans } from '../tripleo/plans';
import { commandGuard, connectedUndercloud } from './commandGuard';
import type { ConnectionManager } from './connectionManager';
import type { Ui } from './ui';
import { ImageTreeProvider } from './views/imageTreeProvider';
import type { NodeTreeElement, NodeTreeProvider } from './views/nodeTreeProvider';
import type { PlanNode, PlanTreeProvider } from './views/planTreeProvider';

interface Deps {
  context: vscode.ExtensionContext;
  manager: ConnectionManager;
  plans: PlanTreeProvider;
  nodes: NodeTreeProvider;
  log: vscode.LogOutputChannel;
  ui: () => Ui;
  /** a command of this module succeeded (the walkthrough checks its step off) */
  onSucceeded: (command: string) => void;
}

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** Images view, Upload Images (explorer folder or picked), Configure Nodes, Sync Flavors. */
export function registerImageCommands(d: Deps): { images: ImageTreeProvider; imagesView: vscode.TreeView<unknown> } {
  const { context, manager, log } = d;
  const images = new ImageTreeProvider(manager);
  const imagesView = vscode.window.createTreeView('tripleo.images', { treeDataProvider: images });
  const guarded = commandGuard(log);

  const upload = async (target?: vscode.Uri, opts: { updateExisting?: boolean } = {}): Promise<UploadResult | undefined> => {
    const uc = connectedUndercloud(manager, 'uploading images');
    const folder =
      target ?? (await d.ui().showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Upload the images of this folder' }))?.[0];
    if (!folder) return undefined;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `TripleO: uploading images from ${vscode.workspace.asRelativePath(folder)}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let shown = 0;
        return uploadImages(uc.glance, folder.fsPath, {
          updateExisting: opts.updateExisting,
          signal: abort.signal,
          onStep: (file, step) => progress.report({ message: `${step} ${file}` }),
          onProgress: (p) => {
            const pct = p.total ? (p.totalSent * 100) / p.total : 100;
            progress.report({ increment: pct - shown, message: `${p.file}: ${mib(p.totalSent)} of ${mib(p.total)}` });
            shown = pct;
          },
        });
      },
    );
    images.refresh();
    const counts = ['uploaded', 'replaced', 'unchanged', 'kept']
      .map((a) => [a, result.images.filter((i) => i.action === a).length] as const)
      .filter(([, n]) => n);
    const message = `images ${counts.map(([a, n]) => `${n} ${a}`).join(', ')} (${mib(result.bytes)} sent)`;
    log.info(`${folder.fsPath}: ${message}`);
    void vscode.window.showInformationMessage(`TripleO: ${message}`);
    d.onSucceeded('tripleo.uploadImages');
    return result;
  };

  context.subscriptions.push(
    images,
    imagesView,
    vscode.commands.registerCommand('tripleo.refreshImages', () => images.refresh()),
    vscode.commands.registerCommand(
      'tripleo.uploadImages',
      guarded('Upload Images', (target?: vscode.Uri) => upload(target instanceof vscode.Uri ? target : undefined)),
    ),
    vscode.commands.registerCommand(
      'tripleo.updateImages',
      guarded('Update Images', (target?: vscode.Uri) => upload(target instanceof vscode.Uri ? target : undefined, { updateExisting: true })),
    ),
    vscode.commands.registerCommand(
      'tripleo.configureNodes',
      guarded('Configure Nodes', async (clicked?: NodeTreeElement | string, selected?: readonly NodeTreeElement[]) => {
        const uc = connectedUndercloud(manager, 'configuring nodes');
        const fromTree = (e: NodeTreeElement) => (e.kind === 'node' ? [e.node.uuid] : e.kind === 'group' ? e.nodes.map((n) => n.uuid) : []);
        const refs = typeof clicked === 'string' ? [clicked] : clicked ? (selected?.includes(clicked) ? selected : [clicked]).flatMap(fromTree) : [];
        const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'TripleO: configuring nodes' }, () =>
          configureNodes(uc, refs),
        );
        d.nodes.refresh();
        const configured = r.nodes.filter((n) => n.action === 'configured').length;
        const skipped = r.nodes.filter((n) => n.action === 'skipped');
        for (const n of skipped) log.warn(`Configure Nodes: ${n.name} skipped: ${n.message}`);
        const message = `${configured} node(s) configured, ${r.nodes.length - configured - skipped.length} already were${skipped.length ? `, ${skipped.length} skipped (see the log)` : ''}: deploy kernel ${r.kernel}, ramdisk ${r.ramdisk}`;
        if (skipped.length) void vscode.window.showWarningMessage(`TripleO: ${message}`);
        else {
          void vscode.window.showInformationMessage(`TripleO: ${message}`);
          d.onSucceeded('tripleo.configureNodes');
        }
        return r;
      }),
    ),
    vscode.commands.registerCommand(
      'tripleo.syncFlavors',
      guarded('Sync Flavors', async (target?: PlanNode | string) => {
        const uc = connectedUndercloud(manager, 'changing flavors');
        let plan = typeof target === 'string' ? target : target && 'plan' in target ? target.plan : undefined;
        if (!plan) {
          const names = (await listPlans(uc)).map((p) => p.name);
          plan =
            names.length === 1
              ? names[0]
              : (
                  await d.ui().showQuickPick(
                    names.map((label) => ({ label })),
                    { title: 'TripleO: sync the flavors of which plan?' },
                  )
                )?.label;
        }
        if (!plan) return undefined;
        const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `TripleO: syncing the flavors of ${plan}` }, () =>
          syncFlavors(uc, plan!),
        );
        d.plans.refresh();
        const message = r.flavors.map((f) => `${f.role}: ${f.flavor} ${f.action}`).join(', ');
        log.info(`Sync Flavors ${plan}: ${message}`);
        void vscode.window.showInformationMessage(`TripleO: flavors of ${plan}: ${message}`);
        d.onSucceeded('tripleo.syncFlavors');
        return r;
      }),
    ),
  );
  return { images, imagesView };
}
