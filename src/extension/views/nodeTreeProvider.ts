import * as vscode from 'vscode';
import type { IronicNode } from '../../openstack/ironic';
import type { Undercloud } from '../../tripleo/undercloud';
import { UndercloudTreeProvider } from './undercloudTreeProvider';

export class NodeTreeProvider extends UndercloudTreeProvider<IronicNode> {
  protected readonly emptyMessage = 'No bare-metal nodes registered';

  protected list(undercloud: Undercloud): Promise<IronicNode[]> {
    return undercloud.ironic.listNodes();
  }

  protected item(node: IronicNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.name ?? node.uuid);
    item.id = `node:${node.uuid}`;
    item.description = `${node.provision_state} · power ${node.power_state ?? 'unknown'}`;
    const bad = !!node.last_error || node.maintenance;
    item.iconPath = new vscode.ThemeIcon(bad ? 'warning' : 'server', bad ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
    item.contextValue = `node.${node.provision_state}`;
    item.tooltip = `${node.uuid}\ndriver ${node.driver}${node.last_error ? `\nlast error: ${node.last_error}` : ''}`;
    return item;
  }
}
