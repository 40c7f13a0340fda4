import * as vscode from 'vscode';
import type { CapabilityEnvironment, CapabilityGroup, CapabilityTopic } from '../../tripleo/capabilities';
import { roleFlavorStatus, RoleFlavorStatus } from '../../tripleo/flavors';
import type { PlanParameter } from '../../tripleo/parameters';
import { getPlanParameters } from '../../tripleo/parameters';
import { getPlanCapabilities, listPlanRoles, listPlans, planFileNames, updatePlanCapabilities } from '../../tripleo/plans';
import type { Undercloud } from '../../tripleo/undercloud';
import type { ConnectionManager } from '../connectionManager';
import { planUri } from '../planFileSystem';
import { MessageNode, UndercloudTreeProvider } from './undercloudTreeProvider';

export type PlanNode =
  | { kind: 'plan'; plan: string; files: number; stackStatus?: string }
  | { kind: 'section'; plan: string; section: 'environments' | 'parameters' | 'roles' | 'flavors' | 'templates' }
  | { kind: 'topic'; plan: string; topic: CapabilityTopic }
  | { kind: 'group'; plan: string; group: CapabilityGroup }
  | { kind: 'environment'; plan: string; env: CapabilityEnvironment; group: CapabilityGroup }
  | { kind: 'template-group'; plan: string; template: string; params: PlanParameter[] }
  | { kind: 'parameter'; plan: string; param: PlanParameter }
  | { kind: 'role'; plan: string; name: string; countDefault?: number; description?: string }
  | { kind: 'flavor'; plan: string; flavor: RoleFlavorStatus }
  | { kind: 'template'; plan: string; path: string }
  | MessageNode;

const SECTIONS = [
  { section: 'environments', label: 'Environments', icon: 'settings' },
  { section: 'parameters', label: 'Parameters', icon: 'symbol-parameter' },
  { section: 'roles', label: 'Roles', icon: 'organization' },
  { section: 'flavors', label: 'Flavors', icon: 'tag' },
  { section: 'templates', label: 'Templates', icon: 'files' },
] as const;

export function stackIcon(status?: string): vscode.ThemeIcon {
  if (!status) return new vscode.ThemeIcon('layers');
  if (status.endsWith('_IN_PROGRESS')) return new vscode.ThemeIcon('sync~spin');
  if (status.endsWith('_FAILED')) return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  if (status.endsWith('_COMPLETE')) return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
  return new vscode.ThemeIcon('layers');
}

export function displayValue(p: PlanParameter): string {
  if (p.value === undefined) return '(no value)';
  if (p.noEcho && p.value !== '') return '••••••';
  return typeof p.value === 'string' ? p.value : JSON.stringify(p.value);
}

function parameterTooltip(p: PlanParameter): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${p.name}**${p.label ? ` — ${p.label}` : ''}\n\n`);
  if (p.description) md.appendText(`${p.description}\n\n`);
  md.appendMarkdown(`- type: \`${p.type}\`\n`);
  if (p.default !== undefined && !p.noEcho) md.appendMarkdown(`- default: \`${JSON.stringify(p.default)}\`\n`);
  md.appendMarkdown(
    `- value: \`${displayValue(p)}\` (${p.valueSource === 'plan' ? 'set in the plan' : p.valueSource === 'environment' ? 'from an environment' : p.valueSource})\n`,
  );
  const c = p.constraints;
  if (c.allowedValues) md.appendMarkdown(`- allowed values: ${c.allowedValues.map((v) => `\`${JSON.stringify(v)}\``).join(', ')}\n`);
  if (c.minValue !== undefined || c.maxValue !== undefined) md.appendMarkdown(`- range: ${c.minValue ?? '…'} to ${c.maxValue ?? '…'}\n`);
  if (c.minLength !== undefined || c.maxLength !== undefined) md.appendMarkdown(`- length: ${c.minLength ?? 0} to ${c.maxLength ?? '…'}\n`);
  if (c.allowedPattern) md.appendMarkdown(`- pattern: \`${c.allowedPattern}\`\n`);
  if (c.description) md.appendText(`${c.description}\n`);
  md.appendMarkdown(`\ndefined in: ${p.definedIn.map((t) => `\`${t}\``).join(', ')}`);
  return md;
}

/** Plans of the undercloud, each with its environments, parameters, roles and templates. */
export class PlanTreeProvider extends UndercloudTreeProvider<PlanNode> {
  /** Fired when a change of the selection was refused (tests and status messages listen). */
  readonly onDidRefuse = new vscode.EventEmitter<string>();

  constructor(manager: ConnectionManager) {
    super(manager);
    this.subs.push(this.onDidRefuse);
  }

  protected override emptyText(): string {
    return 'No deployment plans yet: run "TripleO: Create Plan from Folder"';
  }

  protected async children(uc: Undercloud, node?: PlanNode): Promise<PlanNode[]> {
    if (!node) {
      const [plans, stacks] = await Promise.all([listPlans(uc), stackStatuses(uc).catch(() => new Map<string, string>())]);
      return plans.map((p) => ({ kind: 'plan', plan: p.name, files: p.objects, stackStatus: stacks.get(p.name) }));
    }
    switch (node.kind) {
      case 'plan':
        return SECTIONS.map((s) => ({ kind: 'section', plan: node.plan, section: s.section }));
      case 'section':
        if (node.section === 'environments') return (await getPlanCapabilities(uc, node.plan)).map((topic) => ({ kind: 'topic', plan: node.plan, topic }));
        if (node.section === 'roles') return (await listPlanRoles(uc, node.plan)).map((r) => ({ kind: 'role', plan: node.plan, ...r }));
        if (node.section === 'flavors') return (await roleFlavorStatus(uc, node.plan)).map((flavor) => ({ kind: 'flavor', plan: node.plan, flavor }));
        if (node.section === 'templates') return (await planFileNames(uc, node.plan)).sort().map((path) => ({ kind: 'template', plan: node.plan, path }));
        {
          const { parameters } = await getPlanParameters(uc, node.plan);
          const byTemplate = new Map<string, PlanParameter[]>();
          for (const p of parameters) {
            const t = p.definedIn[0];
            byTemplate.set(t, [...(byTemplate.get(t) ?? []), p]);
          }
          return [...byTemplate.entries()].map(([template, params]) => ({ kind: 'template-group', plan: node.plan, template, params }));
        }
      case 'topic':
        return node.topic.groups.map((group) => ({ kind: 'group', plan: node.plan, group }));
      case 'group':
        return node.group.environments.map((env) => ({ kind: 'environment', plan: node.plan, env, group: node.group }));
      case 'template-group':
        return node.params.map((param) => ({ kind: 'parameter', plan: node.plan, param }));
      default:
        return [];
    }
  }

  protected treeItem(node: Exclude<PlanNode, MessageNode>): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'plan': {
        const item = new vscode.TreeItem(node.plan, C.Collapsed);
        item.id = `plan:${node.plan}`;
        item.description = node.stackStatus ? `${node.stackStatus} · ${node.files} files` : `not deployed · ${node.files} files`;
        item.iconPath = stackIcon(node.stackStatus);
        item.contextValue = 'plan';
        item.tooltip = `Deployment plan ${node.plan}\n${node.files} files\nstack: ${node.stackStatus ?? 'none'}`;
        return item;
      }
      case 'section': {
        const s = SECTIONS.find((x) => x.section === node.section)!;
        const item = new vscode.TreeItem(s.label, C.Collapsed);
        item.id = `plan:${node.plan}/${node.section}`;
        item.iconPath = new vscode.ThemeIcon(s.icon);
        item.contextValue = `plan.${node.section}`;
        return item;
      }
      case 'topic': {
        const item = new vscode.TreeItem(node.topic.title, C.Expanded);
        item.id = `plan:${node.plan}/env/${node.topic.title}`;
        item.tooltip = node.topic.description;
        item.contextValue = 'topic';
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.group.title, C.Expanded);
        item.id = `plan:${node.plan}/env/group/${node.group.title}/${node.group.environments[0]?.file ?? ''}`;
        item.description = [node.group.mutuallyExclusive ? 'choose one' : '', node.group.noGui ? 'no-gui' : ''].filter(Boolean).join(' · ');
        item.tooltip = node.group.description;
        item.contextValue = 'group';
        return item;
      }
      case 'environment': {
        const item = new vscode.TreeItem(node.env.title, C.None);
        item.id = `plan:${node.plan}/env/file/${node.env.file}`;
        item.description = node.env.file;
        item.checkboxState = node.env.enabled ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
        const md = new vscode.MarkdownString(`**${node.env.title}**\n\n`);
        if (node.env.description) md.appendText(`${node.env.description}\n\n`);
        md.appendMarkdown(`\`${node.env.file}\``);
        if (node.env.requires.length) md.appendMarkdown(`\n\nrequires: ${node.env.requires.map((r) => `\`${r}\``).join(', ')}`);
        if (node.group.mutuallyExclusive) md.appendMarkdown(`\n\nOnly one environment of "${node.group.title}" can be selected.`);
        item.tooltip = md;
        item.contextValue = 'environment';
        item.command = { command: 'vscode.open', title: 'Open', arguments: [planUri(node.plan, node.env.file)] };
        return item;
      }
      case 'template-group': {
        const item = new vscode.TreeItem(node.template, C.Collapsed);
        item.id = `plan:${node.plan}/params/${node.template}`;
        item.description = `${node.params.length}`;
        item.iconPath = new vscode.ThemeIcon('file-code');
        return item;
      }
      case 'parameter': {
        const p = node.param;
        const item = new vscode.TreeItem(p.name, C.None);
        item.id = `plan:${node.plan}/param/${node.param.definedIn[0]}/${p.name}`;
        item.description = displayValue(p);
        item.iconPath = new vscode.ThemeIcon(p.valueSource === 'plan' ? 'edit' : p.noEcho ? 'lock' : 'symbol-parameter');
        item.tooltip = parameterTooltip(p);
        item.contextValue = 'parameter';
        return item;
      }
      case 'role': {
        const item = new vscode.TreeItem(node.name, C.None);
        item.id = `plan:${node.plan}/role/${node.name}`;
        item.description = node.countDefault !== undefined ? `default count ${node.countDefault}` : undefined;
        item.tooltip = node.description;
        item.iconPath = new vscode.ThemeIcon('server-environment');
        return item;
      }
      case 'flavor': {
        const f = node.flavor;
        const item = new vscode.TreeItem(f.role, C.None);
        item.id = `plan:${node.plan}/flavor/${f.role}`;
        const profile = f.flavorProfile ?? f.profile;
        item.description = `${f.flavor}${f.exists ? '' : ' (not in Nova)'} · profile ${profile} · ${f.availableNodes} available node(s)`;
        item.iconPath = new vscode.ThemeIcon(
          f.exists && f.availableNodes >= f.count ? 'pass' : 'warning',
          new vscode.ThemeColor(f.exists && f.availableNodes >= f.count ? 'testing.iconPassed' : 'list.warningForeground'),
        );
        item.tooltip = `${f.role} deploys ${f.count} node(s) on flavor ${f.flavor}${f.exists ? '' : ', which Nova does not have yet: run "TripleO: Sync Flavors"'}\nprofile ${profile}: ${f.availableNodes} available node(s) carry it`;
        item.contextValue = f.exists ? 'flavor' : 'flavor.missing';
        return item;
      }
      case 'template': {
        const item = new vscode.TreeItem(node.path.split('/').pop()!, C.None);
        item.id = `plan:${node.plan}/file/${node.path}`;
        item.description = node.path.includes('/') ? node.path.slice(0, node.path.lastIndexOf('/')) : undefined;
        item.resourceUri = planUri(node.plan, node.path);
        item.command = { command: 'vscode.open', title: 'Open', arguments: [planUri(node.plan, node.path)] };
        item.contextValue = 'template';
        return item;
      }
    }
  }

  /**
   * Applies checkbox changes to the plan's selection. A conflict changes nothing: the reason is
   * shown and the boxes go back to what the plan has.
   */
  async applyCheckboxes(changes: readonly [PlanNode, vscode.TreeItemCheckboxState][]): Promise<{ ok: boolean; message?: string }> {
    const uc = this.manager.undercloud;
    const byPlan = new Map<string, Record<string, boolean>>();
    for (const [node, state] of changes) {
      if (node.kind !== 'environment') continue;
      byPlan.set(node.plan, { ...(byPlan.get(node.plan) ?? {}), [node.env.file]: state === vscode.TreeItemCheckboxState.Checked });
    }
    if (!uc || !byPlan.size) return { ok: false };
    try {
      for (const [plan, c] of byPlan) await updatePlanCapabilities(uc, plan, c);
      return { ok: true };
    } catch (e) {
      const message = (e as Error).message;
      this.onDidRefuse.fire(message);
      return { ok: false, message };
    } finally {
      this.refresh();
    }
  }
}

async function stackStatuses(uc: Undercloud): Promise<Map<string, string>> {
  return new Map((await uc.heat.listStacks()).map((s) => [s.stack_name, s.stack_status]));
}
