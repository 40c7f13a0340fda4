import * as vscode from 'vscode';
import { ConnectionManager, ProfileRef, refLabel } from './connectionManager';

interface ProfilePick extends vscode.QuickPickItem {
  ref: ProfileRef;
}

/** Asks which profile to use: clouds.yaml entries and the OS_* environment. */
export async function pickProfile(manager: ConnectionManager): Promise<ProfileRef | undefined> {
  let profiles;
  try {
    profiles = manager.availableProfiles();
  } catch (e) {
    void vscode.window.showErrorMessage(`TripleO: cannot read clouds.yaml: ${(e as Error).message}`);
    return undefined;
  }
  if (!profiles.length) {
    void vscode.window.showWarningMessage(
      'TripleO: no clouds.yaml (./clouds.yaml, ~/.config/openstack/, /etc/openstack/ or OS_CLIENT_CONFIG_FILE) and no OS_AUTH_URL in the environment.',
    );
    return undefined;
  }
  const last = manager.lastConnection();
  const items: ProfilePick[] = profiles.map(({ ref, profile }) => ({
    ref,
    label: `${ref.kind === 'cloud' ? '$(cloud)' : '$(terminal)'} ${refLabel(ref)}`,
    description: `${profile.auth.username ?? profile.auth.applicationCredentialId ?? ''}${profile.auth.projectName ? ` @ ${profile.auth.projectName}` : ''} — ${profile.auth.authUrl}`,
    detail: profile.source + (profile.tls.insecure ? ' · TLS verification off' : ''),
  }));
  items.sort((a, b) => Number(JSON.stringify(b.ref) === JSON.stringify(last)) - Number(JSON.stringify(a.ref) === JSON.stringify(last)));
  const picked = await vscode.window.showQuickPick(items, { title: 'TripleO: Connect to an undercloud', placeHolder: 'Choose a connection profile', matchOnDescription: true });
  return picked?.ref;
}

export function registerConnectionCommands(context: vscode.ExtensionContext, manager: ConnectionManager, log: vscode.LogOutputChannel): void {
  const requireTrust = (): boolean => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage('TripleO: connecting to an undercloud needs a trusted workspace.');
    return false;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('tripleo.connect', async (ref?: ProfileRef) => {
      if (!requireTrust()) return false;
      const chosen = ref ?? (await pickProfile(manager));
      if (!chosen) return false;
      const ok = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `TripleO: connecting to ${refLabel(chosen)}` },
        () => manager.connect(chosen, { interactive: true }),
      );
      const s = manager.state;
      if (!ok && s.kind === 'failed') {
        const action = await vscode.window.showErrorMessage(`TripleO: could not connect to ${s.label}: ${s.error}`, 'Show Log', 'Retry');
        if (action === 'Show Log') log.show();
        if (action === 'Retry') return vscode.commands.executeCommand('tripleo.connect', chosen);
      }
      return ok;
    }),
    vscode.commands.registerCommand('tripleo.disconnect', () => manager.disconnect()),
    vscode.commands.registerCommand('tripleo.showLog', () => log.show()),
    vscode.commands.registerCommand('tripleo.connectionActions', async () => {
      const s = manager.state;
      const actions: (vscode.QuickPickItem & { run: () => unknown })[] = [];
      if (s.kind !== 'disconnected') actions.push({ label: '$(refresh) Reconnect', description: s.label, run: () => vscode.commands.executeCommand('tripleo.connect', s.ref) });
      actions.push({ label: '$(arrow-swap) Connect to another undercloud…', run: () => vscode.commands.executeCommand('tripleo.connect') });
      if (s.kind === 'connected') actions.push({ label: '$(debug-disconnect) Disconnect', run: () => manager.disconnect() });
      actions.push({ label: '$(output) Show Log', run: () => log.show() });
      const picked = await vscode.window.showQuickPick(actions, { title: 'TripleO connection' });
      return picked?.run();
    }),
  );
}
