import * as vscode from 'vscode';
import { ConnectionManager, ConnectionState } from './connectionManager';

/** Shows the connection and its state; a click offers reconnect, switch and disconnect. */
export class ConnectionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tripleo.connection', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: vscode.Disposable;

  constructor(manager: ConnectionManager) {
    this.item.name = 'TripleO Connection';
    this.item.command = 'tripleo.connectionActions';
    this.sub = manager.onDidChange((s) => this.render(s));
    this.render(manager.state);
    this.item.show();
  }

  render(s: ConnectionState): void {
    this.item.backgroundColor = undefined;
    switch (s.kind) {
      case 'disconnected':
        this.item.text = '$(cloud) TripleO: not connected';
        this.item.tooltip = 'Click to connect to an undercloud';
        break;
      case 'connecting':
        this.item.text = `$(sync~spin) TripleO: connecting to ${s.label}…`;
        this.item.tooltip = `Authenticating to ${s.label}`;
        break;
      case 'connected':
        this.item.text = `$(cloud) ${s.label}${s.token.project ? ` (${s.token.project.name})` : ''}`;
        this.item.tooltip = new vscode.MarkdownString(
          `**TripleO: connected**\n\n- cloud: ${s.label}\n- user: ${s.token.user.name}\n- project: ${s.token.project?.name ?? '(system scope)'}\n- token expires: ${s.token.expiresAt.toLocaleString()}\n\nClick to reconnect, switch or disconnect.`,
        );
        break;
      case 'failed':
        this.item.text = `$(error) TripleO: ${s.label} failed`;
        this.item.tooltip = `Connection to ${s.label} failed: ${s.error}\n\nClick to reconnect or switch.`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
    }
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
