import * as vscode from 'vscode';
import { IMAGE_SPECS, tripleoImages } from '../tripleo/images';
import { listPlans } from '../tripleo/plans';
import type { Undercloud } from '../tripleo/undercloud';
import type { ConnectionManager } from './connectionManager';

export const WALKTHROUGH_ID = 'vscode-tripleo.vscode-tripleo#firstDeployment';

interface Step {
  id: string;
  /** the command the step's button runs */
  command: string;
  /** whether the undercloud shows the step done; without it, the command having returned a result counts */
  check?: (uc: Undercloud) => Promise<boolean>;
}

const anyNode = (uc: Undercloud, pred: (state: string) => boolean) => uc.ironic.listNodes().then((ns) => ns.some((n) => pred(n.provision_state)));

/**
 * The first-deployment walkthrough's steps. A step is checked off through its context key
 * `tripleo.walkthrough.<id>` (package.json completionEvents onContext), set once what the step
 * does is true on the undercloud (or its command returned a result), never merely on a click.
 */
export const STEPS: Step[] = [
  { id: 'connect', command: 'tripleo.connect', check: async () => true },
  { id: 'createPlan', command: 'tripleo.createPlan', check: async (uc) => (await listPlans(uc)).length > 0 },
  { id: 'selectEnvironments', command: 'tripleo.selectEnvironments' },
  { id: 'registerNodes', command: 'tripleo.registerNodes', check: (uc) => anyNode(uc, () => true) },
  {
    id: 'uploadImages',
    command: 'tripleo.uploadImages',
    check: async (uc) => (await tripleoImages(uc.glance)).filter((i) => i.image).length === IMAGE_SPECS.length,
  },
  {
    id: 'configureNodes',
    command: 'tripleo.configureNodes',
    check: async (uc) => {
      const nodes = (await uc.ironic.listNodes()).filter((n) => n.provision_state === 'manageable' || n.provision_state === 'available');
      return nodes.length > 0 && nodes.every((n) => n.driver_info.deploy_kernel && n.driver_info.deploy_ramdisk);
    },
  },
  { id: 'introspectNodes', command: 'tripleo.introspectNodes', check: (uc) => anyNode(uc, (s) => s === 'manageable' || s === 'available') },
  { id: 'provideNodes', command: 'tripleo.provideNodes', check: (uc) => anyNode(uc, (s) => s === 'available') },
  { id: 'syncFlavors', command: 'tripleo.syncFlavors' },
  { id: 'runValidations', command: 'tripleo.runValidationGroup' },
  {
    id: 'deploy',
    command: 'tripleo.deployPlan',
    check: async (uc) => (await uc.heat.listStacks()).some((s) => s.stack_status === 'CREATE_COMPLETE' || s.stack_status === 'UPDATE_COMPLETE'),
  },
];

export interface WalkthroughState {
  /** the steps checked off so far */
  readonly done: ReadonlySet<string>;
  /** a command succeeded: check off the steps it is the button of */
  succeeded(command: string): void;
  /** fired with a step's id when it is checked off */
  readonly onDidComplete: vscode.Event<string>;
}

export function registerWalkthrough(context: vscode.ExtensionContext, manager: ConnectionManager, log: vscode.LogOutputChannel): WalkthroughState {
  const done = new Set<string>();
  const completed = new vscode.EventEmitter<string>();
  const markDone = (id: string) => {
    if (done.has(id)) return;
    done.add(id);
    void vscode.commands.executeCommand('setContext', `tripleo.walkthrough.${id}`, true);
    log.info(`walkthrough: step "${id}" done`);
    completed.fire(id);
  };
  const state: WalkthroughState = {
    done,
    succeeded: (command) => STEPS.filter((s) => s.command === command).forEach((s) => markDone(s.id)),
    onDidComplete: completed.event,
  };
  context.subscriptions.push(
    completed,
    manager.onDidChange(() => manager.undercloud && markDone('connect')),
    vscode.commands.registerCommand('tripleo.walkthrough.run', async (id: string, ...args: unknown[]) => {
      const step = STEPS.find((s) => s.id === id);
      if (!step) throw new Error(`no walkthrough step "${id}"`);
      const result = await vscode.commands.executeCommand(step.command, ...args);
      const uc = manager.undercloud;
      let ok = result !== undefined && !step.check;
      if (uc && step.check) ok = await step.check(uc).catch((e: Error) => (log.warn(`walkthrough: checking "${id}": ${e.message}`), false));
      if (ok) markDone(id);
      return result;
    }),
    vscode.commands.registerCommand('tripleo.openWalkthrough', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
  );
  if (manager.undercloud) markDone('connect');
  // npm start (the demo) opens VS Code on the walkthrough
  if (process.env.TRIPLEO_OPEN_WALKTHROUGH === '1') void vscode.commands.executeCommand('tripleo.openWalkthrough');
  return state;
}
