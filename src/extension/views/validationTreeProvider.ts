import * as vscode from 'vscode';
import { listPlans } from '../../tripleo/plans';
import type { Undercloud } from '../../tripleo/undercloud';
import type { ConnectionManager } from '../connectionManager';
import { latestRuns, listValidations, Validation, VALIDATION_GROUPS, ValidationRun } from '../../tripleo/validations';
import { MessageNode, UndercloudTreeProvider } from './undercloudTreeProvider';

export type ValidationNode =
  | { kind: 'group'; group: string; validations: Validation[] }
  | { kind: 'validation'; group: string; validation: Validation; run?: ValidationRun }
  | { kind: 'line'; text: string; result: ValidationRun['result'] }
  | MessageNode;

const RESULT_ICONS: Record<ValidationRun['result'], [string, string?]> = {
  pass: ['pass', 'testing.iconPassed'],
  warning: ['warning', 'list.warningForeground'],
  fail: ['error', 'testing.iconFailed'],
  running: ['sync~spin'],
  cancelled: ['circle-slash'],
};

export function resultIcon(result?: ValidationRun['result']): vscode.ThemeIcon {
  if (!result) return new vscode.ThemeIcon('circle-outline');
  const [name, color] = RESULT_ICONS[result];
  return new vscode.ThemeIcon(name, color ? new vscode.ThemeColor(color) : undefined);
}

/** Mistral reports times in UTC without a zone. */
const utc = (t: string) => new Date(t.endsWith('Z') ? t : `${t.replace(' ', 'T')}Z`);

/**
 * The validations by group, each with the result of its last run for the selected plan (the
 * first plan until the user picks one); a validation expands into that run's messages.
 */
export class ValidationTreeProvider extends UndercloudTreeProvider<ValidationNode> {
  private readonly planEmitter = new vscode.EventEmitter<string | undefined>();
  /** fires when the plan the view shows changes */
  readonly onDidChangePlan = this.planEmitter.event;
  private chosenPlan?: string;
  private shownPlan?: string;
  private runs = new Map<string, ValidationRun>();

  constructor(manager: ConnectionManager) {
    super(manager);
    this.subs.push(this.planEmitter);
  }

  protected override connectionChanged(): void {
    this.chosenPlan = undefined;
    this.refresh();
  }

  /** The plan whose runs the view shows. */
  get plan(): string | undefined {
    return this.chosenPlan ?? this.shownPlan;
  }

  setPlan(plan: string | undefined): void {
    this.chosenPlan = plan;
    this.refresh();
  }

  /** The last run of a validation for the shown plan, as last read. */
  lastRun(validation: string): ValidationRun | undefined {
    return this.runs.get(validation);
  }

  protected async children(uc: Undercloud, node?: ValidationNode): Promise<ValidationNode[]> {
    if (!node) {
      let plan = this.chosenPlan;
      if (!plan) plan = (await listPlans(uc))[0]?.name;
      if (plan !== this.shownPlan) {
        this.shownPlan = plan;
        this.planEmitter.fire(plan);
      }
      const [validations, runs] = await Promise.all([listValidations(uc), latestRuns(uc, plan)]);
      this.runs = runs;
      this.poll(
        [...runs.values()].some((r) => r.result === 'running'),
        3000,
      );
      const groups = [
        ...VALIDATION_GROUPS,
        ...new Set(validations.flatMap((v) => v.groups).filter((g) => !(VALIDATION_GROUPS as readonly string[]).includes(g))),
      ];
      return groups
        .map((group) => ({ kind: 'group' as const, group, validations: validations.filter((v) => v.groups.includes(group)) }))
        .filter((g) => g.validations.length > 0);
    }
    if (node.kind === 'group')
      return node.validations.map((validation) => ({ kind: 'validation', group: node.group, validation, run: this.runs.get(validation.id) }));
    if (node.kind === 'validation' && node.run)
      return [node.run.message, ...node.run.messages].filter(Boolean).map((text) => ({ kind: 'line', text, result: node.run!.result }));
    return [];
  }

  protected treeItem(node: Exclude<ValidationNode, MessageNode>): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(node.group, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `validation-group:${node.group}`;
        const results = node.validations.map((v) => this.runs.get(v.id)?.result);
        const count = (r: ValidationRun['result']) => results.filter((x) => x === r).length;
        const parts = [
          count('pass') && `${count('pass')} passed`,
          count('warning') && `${count('warning')} warning`,
          count('fail') && `${count('fail')} failed`,
          count('running') && `${count('running')} running`,
          results.filter((x) => !x).length && `${results.filter((x) => !x).length} not run`,
        ].filter(Boolean);
        item.description = parts.join(', ');
        item.iconPath = resultIcon(
          count('running') ? 'running' : count('fail') ? 'fail' : count('warning') ? 'warning' : results.every((x) => x === 'pass') ? 'pass' : undefined,
        );
        item.contextValue = `validationGroup${count('running') ? '.running' : ''}`;
        item.tooltip = `${node.group}: ${node.validations.map((v) => v.name).join(', ')}`;
        return item;
      }
      case 'validation': {
        const { validation: v, run } = node;
        const item = new vscode.TreeItem(v.name, run ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `validation:${node.group}:${v.id}:${run?.executionId ?? 'none'}`;
        item.description = run ? `${run.result} · ${utc(run.createdAt).toLocaleString()}` : 'not run';
        item.iconPath = resultIcon(run?.result);
        item.contextValue = `validation.${run?.result ?? 'none'}`;
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${v.name}** (\`${v.id}\`, groups: ${v.groups.join(', ')})\n\n`);
        md.appendText(`${v.description}\n`);
        if (run) md.appendText(`\nLast run: ${run.result}${run.plan ? ` for ${run.plan}` : ''} — ${run.message}`);
        item.tooltip = md;
        item.command = run ? { command: 'tripleo.showValidationResults', title: 'Show Results', arguments: [node] } : undefined;
        return item;
      }
      case 'line': {
        const item = new vscode.TreeItem(node.text);
        item.tooltip = node.text;
        item.iconPath = new vscode.ThemeIcon('dash');
        return item;
      }
    }
  }
}
