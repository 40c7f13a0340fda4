import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { readPlanData, selectedPaths } from '../tripleo/planData';
import { listPlans } from '../tripleo/plans';
import type { ConnectionManager } from './connectionManager';
import { pushPlanState } from './languageClient';
import { findPlanFolders, UPLOAD_TARGETS_KEY } from './planCommands';

/**
 * Keeps the language server told which plan the workspace's plan folder was uploaded to (or is
 * named like), with its selection and values, so hovers can show them. Passwords are never sent:
 * their names go as hidden and pushPlanState masks any value that looks secret.
 */
export class PlanStateSync implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly subs: vscode.Disposable[];
  /** the last state sent, as JSON, so unchanged plans send nothing */
  private last = 'null';

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly manager: ConnectionManager,
    private readonly client: () => LanguageClient | undefined,
    planChanges: vscode.Event<unknown>,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subs = [manager.onDidChange(() => this.schedule()), planChanges(() => this.schedule())];
    this.schedule();
  }

  schedule(delayMs = 500): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.sync(), delayMs);
  }

  /** Sends the current state now; returns what was sent (for tests). */
  async sync(): Promise<{ plan: string; environments: string[] } | null> {
    const client = this.client();
    if (!client) return null;
    let state: Parameters<typeof pushPlanState>[1] = null;
    const uc = this.manager.undercloud;
    if (uc) {
      try {
        const targets = this.context.workspaceState.get<Record<string, string>>(UPLOAD_TARGETS_KEY, {});
        const names = new Set((await listPlans(uc)).map((p) => p.name));
        for (const folder of await findPlanFolders()) {
          const plan = [targets[folder.fsPath], path.basename(folder.fsPath)].find((p) => p && names.has(p));
          if (!plan) continue;
          const data = await readPlanData(uc.mistral, plan);
          if (!data) continue;
          const passwords = Object.keys(data.passwords);
          const parameters = Object.fromEntries(Object.entries(data.parameter_defaults).filter(([k]) => !passwords.includes(k)));
          state = { plan, planFolder: folder.toString(), environments: selectedPaths(data), parameters, hidden: passwords };
          break;
        }
      } catch (e) {
        this.log.warn(`the language server gets no plan values: ${(e as Error).message}`);
      }
    }
    const json = JSON.stringify(state);
    if (json !== this.last) {
      await pushPlanState(client, state);
      this.last = json;
      this.log.info(
        state ? `language server: values of plan ${state.plan} for ${vscode.Uri.parse(state.planFolder!).fsPath}` : 'language server: no plan values',
      );
    }
    return state ? { plan: state.plan, environments: state.environments } : null;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
  }
}
