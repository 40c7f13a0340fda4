import * as vscode from 'vscode';
import { CancelledError } from '../openstack/errors';
import type { Undercloud } from '../tripleo/undercloud';
import type { ConnectionManager } from './connectionManager';

/**
 * Wraps command bodies so that a failure becomes one error message with "Show Log" (and a log
 * line) instead of an unhandled rejection; a cancelled one is only logged.
 */
export function commandGuard(log: vscode.LogOutputChannel) {
  return <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R | undefined> => {
      try {
        return await fn(...args);
      } catch (e) {
        if (e instanceof CancelledError || e instanceof vscode.CancellationError) {
          log.info(`${name}: cancelled`);
          return undefined;
        }
        const message = (e as Error).message;
        log.error(`${name}: ${message}`);
        void vscode.window.showErrorMessage(`TripleO: ${message}`, 'Show Log').then((a) => a && log.show());
        return undefined;
      }
    };
}

/** The connected undercloud for a command that changes something (trusted workspaces only). */
export function connectedUndercloud(manager: ConnectionManager, what: string): Undercloud {
  const uc = manager.undercloud;
  if (!uc) throw new Error('not connected to an undercloud: run "TripleO: Connect"');
  if (!vscode.workspace.isTrusted) throw new Error(`${what} needs a trusted workspace`);
  return uc;
}
