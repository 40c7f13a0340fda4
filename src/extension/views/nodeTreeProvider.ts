import * as vscode from 'vscode';
import type { IronicNode } from '../../openstack/ironic';
import type { ConnectionManager } from '../connectionManager';

/**
 * Ironic nodes. Empty while not connected (so the view's welcome message shows); a single message
 * row when there are none or listing failed.
 */
export class NodeTreeProvider implements vscode.TreeDataProvider<IronicNode | string>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly manager: ConnectionManager) {
    this.sub = manager.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.emitter.fire();
  }

  async getChildren(element?: IronicNode | string): Promise<(IronicNode | string)[]> {
    const undercloud = this.manager.undercloud;
    if (element !== undefined || !undercloud) return [];
    try {
      const nodes = await undercloud.ironic.listNodes();
      return nodes.length ? nodes : ['No bare-metal nodes registered'];
    } catch (e) {
      return [`error: ${(e as Error).message}`];
    }
  }

  getTreeItem(element: IronicNode | string): vscode.TreeItem {
    if (typeof element === 'string') {
      const error = element.startsWith('error: ');
      const item = new vscode.TreeItem(error ? element.slice(7) : element);
      item.iconPath = new vscode.ThemeIcon(error ? 'error' : 'info', error ? new vscode.ThemeColor('errorForeground') : undefined);
      item.contextValue = error ? 'error' : 'message';
      item.tooltip = element;
      return item;
    }
    const node = element;
    const item = new vscode.TreeItem(node.name ?? node.uuid);
    item.id = `node:${node.uuid}`;
    item.description = `${node.provision_state} · power ${node.power_state ?? 'unknown'}`;
    const bad = !!node.last_error || node.maintenance;
    item.iconPath = new vscode.ThemeIcon(bad ? 'warning' : 'server', bad ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
    item.contextValue = `node.${node.provision_state}`;
    item.tooltip = `${node.uuid}\ndriver ${node.driver}${node.last_error ? `\nlast error: ${node.last_error}` : ''}`;
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
