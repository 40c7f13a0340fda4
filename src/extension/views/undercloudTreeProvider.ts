import * as vscode from 'vscode';
import { ConnectionManager } from '../connectionManager';
import type { Undercloud } from '../../tripleo/undercloud';

/**
 * A flat tree of things listed from the undercloud. Empty (so the view's welcome message shows)
 * while not connected; a single message row when the list is empty or failed.
 */
export abstract class UndercloudTreeProvider<T> implements vscode.TreeDataProvider<T | string>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(protected readonly manager: ConnectionManager) {
    this.sub = manager.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.emitter.fire();
  }

  protected abstract list(undercloud: Undercloud): Promise<T[]>;
  protected abstract item(element: T): vscode.TreeItem;
  protected abstract readonly emptyMessage: string;

  async getChildren(element?: T | string): Promise<(T | string)[]> {
    if (element !== undefined) return [];
    const undercloud = this.manager.undercloud;
    if (!undercloud) return [];
    try {
      const items = await this.list(undercloud);
      return items.length ? items : [this.emptyMessage];
    } catch (e) {
      return [`error: ${(e as Error).message}`];
    }
  }

  getTreeItem(element: T | string): vscode.TreeItem {
    if (typeof element !== 'string') return this.item(element);
    const error = element.startsWith('error: ');
    const item = new vscode.TreeItem(error ? element.slice(7) : element);
    item.iconPath = new vscode.ThemeIcon(error ? 'error' : 'info', error ? new vscode.ThemeColor('errorForeground') : undefined);
    item.contextValue = error ? 'error' : 'message';
    item.tooltip = element;
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
