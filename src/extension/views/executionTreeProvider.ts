import * as vscode from 'vscode';
import type { MistralExecution, MistralTask } from '../../openstack/mistral';
import type { Undercloud } from '../../tripleo/undercloud';
import { executionPlan } from '../../tripleo/workflows';
import { redactText, redactValue } from '../../openstack/redact';
import { MessageNode, UndercloudTreeProvider } from './undercloudTreeProvider';

export type ExecutionNode = { kind: 'execution'; ex: MistralExecution } | { kind: 'task'; task: MistralTask } | { kind: 'more' } | MessageNode;

const STATE_ICONS: Record<string, [string, string?]> = {
  RUNNING: ['sync~spin'],
  RUNNING_DELAYED: ['sync~spin'],
  WAITING: ['watch'],
  SUCCESS: ['pass', 'testing.iconPassed'],
  ERROR: ['error', 'testing.iconFailed'],
  PAUSED: ['debug-pause'],
  CANCELLED: ['circle-slash'],
  IDLE: ['circle-outline'],
};
const PAGE = 25;

function icon(state: string): vscode.ThemeIcon {
  const [name, color] = STATE_ICONS[state] ?? ['circle-outline'];
  return new vscode.ThemeIcon(name, color ? new vscode.ThemeColor(color) : undefined);
}

/** Mistral reports times in UTC without a zone. */
const utc = (t: string) => new Date(t.endsWith('Z') ? t : `${t.replace(' ', 'T')}Z`);

function duration(ex: MistralExecution): string {
  const end = ex.state === 'RUNNING' || ex.state === 'PAUSED' || !ex.updated_at ? new Date() : utc(ex.updated_at);
  const s = Math.max(0, Math.round((end.getTime() - utc(ex.created_at).getTime()) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** Mistral executions newest first, paged, with their tasks; refreshes itself while something runs and the view is visible. */
export class ExecutionTreeProvider extends UndercloudTreeProvider<ExecutionNode> {
  private executions: MistralExecution[] = [];
  private exhausted = false;
  private limit = PAGE;
  /** only executions of this plan, when set */
  planFilter?: string;

  loadMore(): void {
    this.limit += PAGE;
    this.refresh();
  }

  setFilter(plan: string | undefined): void {
    this.planFilter = plan;
    this.refresh();
  }

  protected override emptyText(): string {
    return this.planFilter ? `No executions for plan ${this.planFilter}` : 'No workflow executions yet';
  }

  protected async children(uc: Undercloud, node?: ExecutionNode): Promise<ExecutionNode[]> {
    if (!node) {
      const fetched = await uc.mistral.listExecutions({ limit: this.planFilter ? Math.max(this.limit * 4, 200) : this.limit * 3 + 1 });
      // a sub-workflow (one per node of a node operation) is part of its parent, not a row of its own
      const topLevel = fetched.filter((e) => !e.task_execution_id);
      const filtered = this.planFilter ? topLevel.filter((e) => executionPlan(e) === this.planFilter) : topLevel;
      this.exhausted = filtered.length <= this.limit;
      this.executions = filtered.slice(0, this.limit);
      this.poll(
        this.executions.some((e) => e.state === 'RUNNING'),
        3000,
      );
      if (!this.executions.length) return [];
      return [...this.executions.map((ex) => ({ kind: 'execution' as const, ex })), ...(this.exhausted ? [] : [{ kind: 'more' as const }])];
    }
    if (node.kind === 'execution') return (await uc.mistral.listTasks(node.ex.id)).map((task) => ({ kind: 'task', task }));
    return [];
  }

  protected treeItem(node: Exclude<ExecutionNode, MessageNode>): vscode.TreeItem {
    switch (node.kind) {
      case 'execution': {
        const ex = node.ex;
        const plan = executionPlan(ex);
        const item = new vscode.TreeItem(ex.workflow_name.split('.').pop()!, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `execution:${ex.id}`;
        item.description = [plan, ex.state, utc(ex.created_at).toLocaleString(), duration(ex)].filter(Boolean).join(' · ');
        item.iconPath = icon(ex.state);
        item.contextValue = `execution.${ex.state}`;
        item.tooltip = `${ex.workflow_name}\n${ex.id}\n${ex.state}${ex.state_info ? `: ${redactText(ex.state_info).slice(0, 300)}` : ''}`;
        item.command = { command: 'tripleo.showExecution', title: 'Show', arguments: [node] };
        return item;
      }
      case 'task': {
        const item = new vscode.TreeItem(node.task.name, vscode.TreeItemCollapsibleState.None);
        item.id = `task:${node.task.id}`;
        item.description = node.task.state;
        item.iconPath = icon(node.task.state);
        item.tooltip = node.task.state_info ? redactText(node.task.state_info).slice(0, 500) : node.task.state;
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…');
        item.iconPath = new vscode.ThemeIcon('more');
        item.command = { command: 'tripleo.loadMoreExecutions', title: 'Load more' };
        return item;
      }
    }
  }
}

/** The execution as a read-only JSON document: input, output and state info (tokens redacted). */
export function executionDocument(ex: MistralExecution): string {
  const parse = (s?: string | null) => {
    try {
      return s ? redactValue(JSON.parse(s)) : null;
    } catch {
      return redactText(s ?? '');
    }
  };
  return JSON.stringify(
    {
      workflow: ex.workflow_name,
      id: ex.id,
      state: ex.state,
      state_info: ex.state_info ? redactText(ex.state_info) : null,
      created_at: ex.created_at,
      updated_at: ex.updated_at,
      input: parse(ex.input),
      output: parse(ex.output),
    },
    null,
    2,
  );
}
