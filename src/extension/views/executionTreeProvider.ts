import * as vscode from 'vscode';
import type { MistralExecution } from '../../openstack/mistral';
import type { Undercloud } from '../../tripleo/undercloud';
import { UndercloudTreeProvider } from './undercloudTreeProvider';

const STATE_ICONS: Record<string, [string, string?]> = {
  RUNNING: ['sync~spin'],
  SUCCESS: ['pass', 'testing.iconPassed'],
  ERROR: ['error', 'testing.iconFailed'],
  PAUSED: ['debug-pause'],
  CANCELLED: ['circle-slash'],
  IDLE: ['circle-outline'],
};

export class ExecutionTreeProvider extends UndercloudTreeProvider<MistralExecution> {
  protected readonly emptyMessage = 'No workflow executions yet';

  protected list(undercloud: Undercloud): Promise<MistralExecution[]> {
    return undercloud.mistral.listExecutions({ limit: 50 });
  }

  protected item(ex: MistralExecution): vscode.TreeItem {
    const item = new vscode.TreeItem(ex.workflow_name);
    item.id = `execution:${ex.id}`;
    item.description = `${ex.state} · ${new Date(ex.created_at + (ex.created_at.endsWith('Z') ? '' : 'Z')).toLocaleString()}`;
    const [icon, color] = STATE_ICONS[ex.state] ?? ['circle-outline'];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = `execution.${ex.state}`;
    item.tooltip = `${ex.id}\n${ex.state}${ex.state_info ? `: ${ex.state_info}` : ''}`;
    return item;
  }
}
