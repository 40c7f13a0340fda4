import * as vscode from 'vscode';

/** The one row a view shows instead of its content: nothing there yet, or why listing failed. */
export function messageItem(text: string, error = false): vscode.TreeItem {
  const item = new vscode.TreeItem(text);
  item.iconPath = new vscode.ThemeIcon(error ? 'error' : 'info', error ? new vscode.ThemeColor('errorForeground') : undefined);
  item.contextValue = error ? 'error' : 'message';
  item.tooltip = text;
  return item;
}
