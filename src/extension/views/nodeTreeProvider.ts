import * as vscode from 'vscode';
import type { IronicNode } from '../../openstack/ironic';
import { hardwareText, nodeSummary } from '../../tripleo/nodes';
import type { Undercloud } from '../../tripleo/undercloud';
import { MessageNode, UndercloudTreeProvider } from './undercloudTreeProvider';

export type NodeTreeElement = { kind: 'group'; state: string; nodes: IronicNode[] } | { kind: 'node'; node: IronicNode } | MessageNode;

/** The order a person reads the provision states in; states not listed come after, by name. */
const STATE_ORDER = [
  'enroll',
  'verifying',
  'manageable',
  'inspecting',
  'inspect wait',
  'cleaning',
  'clean wait',
  'available',
  'deploying',
  'wait call-back',
  'active',
  'deleting',
];
const FAILED = /failed$|^error$/;

function stateIcon(state: string): vscode.ThemeIcon {
  if (FAILED.test(state)) return new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  switch (state) {
    case 'available':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'active':
      return new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('charts.blue'));
    case 'manageable':
      return new vscode.ThemeIcon('tools');
    case 'enroll':
      return new vscode.ThemeIcon('circle-large-outline');
    default:
      return new vscode.ThemeIcon('sync');
  }
}

/**
 * Ironic nodes grouped by provision state. While a transition runs (in Ironic, or an operation
 * started here) the view polls so that nodes move between groups as they change, introspection's
 * end included; it stops polling when nothing is moving.
 */
export class NodeTreeProvider extends UndercloudTreeProvider<NodeTreeElement> {
  private nodes: IronicNode[] | undefined;
  private loading: Promise<IronicNode[]> | undefined;
  /** nodes an operation started here is working on, by uuid, with how many operations */
  private readonly working = new Map<string, number>();
  pollIntervalMs = 2000;

  override refresh(): void {
    this.nodes = undefined;
    super.refresh();
  }

  /** The nodes as last listed (listing them if they never were). */
  async current(): Promise<IronicNode[]> {
    if (this.nodes) return this.nodes;
    return this.load();
  }

  private load(): Promise<IronicNode[]> {
    const uc = this.manager.undercloud;
    if (!uc) return Promise.resolve([]);
    this.loading ??= uc.ironic
      .listNodes()
      .then((nodes) => {
        this.nodes = nodes.sort((a, b) => (a.name ?? a.uuid).localeCompare(b.name ?? b.uuid, undefined, { numeric: true }));
        this.schedulePoll();
        return this.nodes;
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Marks nodes as being worked on until the returned promise settles. */
  async track<T>(uuids: string[], work: Promise<T>): Promise<T> {
    for (const u of uuids) this.working.set(u, (this.working.get(u) ?? 0) + 1);
    super.refresh();
    this.schedulePoll();
    try {
      return await work;
    } finally {
      for (const u of uuids) {
        const n = (this.working.get(u) ?? 1) - 1;
        if (n > 0) this.working.set(u, n);
        else this.working.delete(u);
      }
      this.refresh();
    }
  }

  isBusy(node: IronicNode): boolean {
    return nodeSummary(node).busy || this.working.has(node.uuid);
  }

  private schedulePoll(): void {
    this.poll(this.working.size > 0 || (this.nodes ?? []).some((n) => this.isBusy(n)), this.pollIntervalMs);
  }

  protected override emptyText(): string {
    return 'No bare-metal nodes registered: run "TripleO: Register Nodes" on an instackenv file';
  }

  protected async children(_uc: Undercloud, element?: NodeTreeElement): Promise<NodeTreeElement[]> {
    if (element?.kind === 'group') return element.nodes.map((node) => ({ kind: 'node', node }));
    if (element) return [];
    const nodes = await this.current();
    const groups = new Map<string, IronicNode[]>();
    for (const n of nodes) groups.set(n.provision_state, [...(groups.get(n.provision_state) ?? []), n]);
    const rank = (s: string) => (STATE_ORDER.includes(s) ? STATE_ORDER.indexOf(s) : FAILED.test(s) ? -1 : STATE_ORDER.length);
    return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)).map(([state, list]) => ({ kind: 'group', state, nodes: list }));
  }

  protected treeItem(element: Exclude<NodeTreeElement, MessageNode>): vscode.TreeItem {
    if (element.kind === 'group') {
      const item = new vscode.TreeItem(element.state, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `state:${element.state}`;
      item.description = `${element.nodes.length}`;
      item.iconPath = stateIcon(element.state);
      item.contextValue = 'nodeGroup';
      return item;
    }
    const node = element.node;
    const s = nodeSummary(node);
    const item = new vscode.TreeItem(s.label);
    item.id = `node:${node.uuid}`;
    const hw = hardwareText(s);
    const moving = node.target_provision_state ? `→ ${node.target_provision_state}` : '';
    // Ironic's power states read "power on" / "power off" already
    item.description = [moving, s.profile ? `profile ${s.profile}` : 'no profile', hw, node.power_state ?? 'power unknown'].filter(Boolean).join(' · ');
    const trouble = !!node.last_error || node.maintenance;
    item.iconPath = this.isBusy(node)
      ? new vscode.ThemeIcon('loading~spin')
      : trouble
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
        : stateIcon(node.provision_state);
    item.contextValue = `node.${node.provision_state.replace(/\s+/g, '-')}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${s.label}**  \n`);
    md.appendMarkdown(`UUID: \`${node.uuid}\`  \nDriver: ${node.driver}  \n`);
    md.appendMarkdown(
      `Provision state: ${node.provision_state}${moving ? ` ${moving}` : ''}  \nPower: ${node.power_state ?? 'unknown'}${node.maintenance ? ' (maintenance)' : ''}  \n`,
    );
    md.appendMarkdown(`Profile: ${s.profile ?? 'none'}  \n`);
    if (hw) md.appendMarkdown(`Hardware: ${hw}  \n`);
    if (node.last_error) {
      md.appendMarkdown('\n$(warning) ');
      md.appendText(`Last error: ${node.last_error}`);
    }
    item.tooltip = md;
    return item;
  }
}
