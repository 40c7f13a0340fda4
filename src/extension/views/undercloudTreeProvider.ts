import * as vscode from 'vscode';
import type { Undercloud } from '../../tripleo/undercloud';
import type { ConnectionManager } from '../connectionManager';
import { messageItem } from './messageItem';

/** The one row a view shows instead of its content (messageItem): nothing there yet, or why listing failed. */
export interface MessageNode {
  kind: 'message';
  text: string;
  error?: boolean;
}

const message = (text: string, error?: boolean): MessageNode => ({ kind: 'message', text, error });
const isMessage = (node?: { kind: string }): node is MessageNode => node?.kind === 'message';

/**
 * What every view of the undercloud shares: it empties when disconnected and refreshes on a new
 * connection, shows a failed listing as one error row, and while something it shows is moving it
 * refreshes itself on a timer, only while the view is visible.
 */
export abstract class UndercloudTreeProvider<T extends { kind: string }> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<T | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  protected readonly subs: vscode.Disposable[] = [this.emitter];
  private timer?: NodeJS.Timeout;
  visible = true;

  constructor(protected readonly manager: ConnectionManager) {
    this.subs.push(manager.onDidChange(() => this.connectionChanged()));
  }

  /** Forgets what belongs to the previous connection; then refreshes. */
  protected connectionChanged(): void {
    this.refresh();
  }

  refresh(node?: T): void {
    this.emitter.fire(node);
  }

  /** Follows the view's visibility: polling stops while it is hidden, and showing it refreshes it. */
  attach(view: vscode.TreeView<unknown>): vscode.Disposable {
    this.visible = view.visible;
    return view.onDidChangeVisibility((e) => {
      this.visible = e.visible;
      if (e.visible) this.refresh();
    });
  }

  /** Refreshes after `ms` while `moving` (and the view is visible and connected); otherwise stops. */
  protected poll(moving: boolean, ms: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.visible && moving && this.manager.undercloud) this.timer = setTimeout(() => this.refresh(), ms);
  }

  async getChildren(node?: T): Promise<T[]> {
    const uc = this.manager.undercloud;
    if (!uc || isMessage(node)) return [];
    try {
      const children = await this.children(uc, node as Exclude<T, MessageNode> | undefined);
      const empty = node ? undefined : this.emptyText();
      return !children.length && empty ? [message(empty) as unknown as T] : children;
    } catch (e) {
      return [message((e as Error).message, true) as unknown as T];
    }
  }

  getTreeItem(node: T): vscode.TreeItem {
    return isMessage(node) ? messageItem(node.text, node.error) : this.treeItem(node as Exclude<T, MessageNode>);
  }

  /** The children of a node, or the top level; a rejection becomes an error row. */
  protected abstract children(uc: Undercloud, node?: Exclude<T, MessageNode>): Promise<T[]>;

  protected abstract treeItem(node: Exclude<T, MessageNode>): vscode.TreeItem;

  /** The row shown when the top level is empty, if any. */
  protected emptyText(): string | undefined {
    return undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subs.forEach((s) => s.dispose());
  }
}
