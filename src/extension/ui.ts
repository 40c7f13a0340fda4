import * as vscode from 'vscode';

/**
 * The window calls commands make, behind one object so that extension-host tests can answer
 * prompts without a person at the keyboard.
 */
export interface Ui {
  showInputBox(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions & { canPickMany: true }): Thenable<T[] | undefined>;
  showQuickPick<T extends vscode.QuickPickItem>(items: T[], options?: vscode.QuickPickOptions): Thenable<T | undefined>;
  showWarningMessage(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  showOpenDialog(options: vscode.OpenDialogOptions): Thenable<vscode.Uri[] | undefined>;
}

export const windowUi: Ui = {
  showInputBox: (o) => vscode.window.showInputBox(o),
  showQuickPick: ((items: vscode.QuickPickItem[], o?: vscode.QuickPickOptions) => vscode.window.showQuickPick(items, o)) as Ui['showQuickPick'],
  showWarningMessage: (m, o, ...items) => vscode.window.showWarningMessage(m, o, ...items),
  showOpenDialog: (o) => vscode.window.showOpenDialog(o),
};
