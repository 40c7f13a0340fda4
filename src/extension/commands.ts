import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ConnectionManager, ProfileRef } from './connectionManager';

interface ProfilePick extends vscode.QuickPickItem {
  ref: ProfileRef | 'new';
}

/** Asks for a new connection step by step; the password is only handed to connect(), never saved here. */
export async function enterConnection(manager: ConnectionManager): Promise<{ ref: ProfileRef; password: string } | undefined> {
  const steps = 7;
  const ask = (step: number, o: vscode.InputBoxOptions) =>
    vscode.window.showInputBox({ ignoreFocusOut: true, ...o, title: `TripleO: New Connection (${step}/${steps})` });
  const authUrl = await ask(1, {
    prompt: 'Keystone URL of the undercloud',
    placeHolder: 'https://192.168.24.2:13000',
    validateInput: (v) => (/^https?:\/\/[^\s/]+/.test(v.trim()) ? undefined : 'An http:// or https:// URL'),
  });
  if (!authUrl) return undefined;
  const username = await ask(2, { prompt: 'User name', value: 'admin', validateInput: (v) => (v.trim() ? undefined : 'Required') });
  if (!username) return undefined;
  const password = await ask(3, { prompt: `Password of ${username} (kept in VS Code's secret storage only)`, password: true });
  if (password === undefined) return undefined;
  const projectName = await ask(4, { prompt: 'Project', value: 'admin', validateInput: (v) => (v.trim() ? undefined : 'Required') });
  if (!projectName) return undefined;
  const domain = await ask(5, { prompt: 'Domain of the user and the project', value: 'Default', validateInput: (v) => (v.trim() ? undefined : 'Required') });
  if (!domain) return undefined;
  let caFile: string | undefined;
  if (authUrl.trim().startsWith('https:')) {
    const ca = await ask(6, {
      prompt: "CA bundle (PEM) to verify the undercloud's certificate; empty to use the system's",
      validateInput: (v) => (!v.trim() || fs.existsSync(v.trim()) ? undefined : 'No such file'),
    });
    if (ca === undefined) return undefined;
    caFile = ca.trim() || undefined;
  }
  const name = await ask(7, {
    prompt: 'Name of this connection',
    value: new URL(authUrl.trim()).hostname,
    validateInput: (v) => (v.trim() ? undefined : 'Required'),
  });
  if (!name) return undefined;
  const ref = await manager.saveProfile({
    id: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    name: name.trim(),
    authUrl: authUrl.trim(),
    username: username.trim(),
    userDomainName: domain.trim(),
    projectName: projectName.trim(),
    projectDomainName: domain.trim(),
    caFile,
  });
  return { ref, password };
}

/** Asks which profile to use: saved connections, clouds.yaml entries, the OS_* environment, or a new one. */
export async function pickProfile(manager: ConnectionManager): Promise<ProfileRef | 'new' | undefined> {
  let profiles;
  try {
    profiles = manager.availableProfiles();
  } catch (e) {
    void vscode.window.showErrorMessage(`TripleO: cannot read clouds.yaml: ${(e as Error).message}`);
    return undefined;
  }
  const last = manager.lastConnection();
  const items: ProfilePick[] = profiles.map(({ ref, profile }) => ({
    ref,
    label: `${ref.kind === 'cloud' ? '$(cloud)' : ref.kind === 'saved' ? '$(account)' : '$(terminal)'} ${manager.label(ref)}`,
    description: `${profile.auth.username ?? profile.auth.applicationCredentialId ?? ''}${profile.auth.projectName ? ` @ ${profile.auth.projectName}` : ''} — ${profile.auth.authUrl}`,
    detail: profile.source + (profile.tls.insecure ? ' · TLS verification off' : ''),
  }));
  items.sort((a, b) => Number(JSON.stringify(b.ref) === JSON.stringify(last)) - Number(JSON.stringify(a.ref) === JSON.stringify(last)));
  items.push({
    ref: 'new',
    label: '$(add) New connection…',
    detail: profiles.length ? undefined : 'No clouds.yaml (./, ~/.config/openstack/, /etc/openstack/, OS_CLIENT_CONFIG_FILE) and no OS_AUTH_URL found',
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'TripleO: Connect to an undercloud',
    placeHolder: 'Choose a connection profile',
    matchOnDescription: true,
  });
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
      let chosen = ref ?? (await pickProfile(manager));
      let password: string | undefined;
      if (chosen === 'new') {
        const entered = await enterConnection(manager);
        if (!entered) return false;
        ({ ref: chosen, password } = entered);
      }
      if (!chosen) return false;
      const target = chosen;
      const ok = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `TripleO: connecting to ${manager.label(target)}` }, () =>
        manager.connect(target, { interactive: true, password }),
      );
      const s = manager.state;
      if (!ok && s.kind === 'failed') {
        const action = await vscode.window.showErrorMessage(`TripleO: could not connect to ${s.label}: ${s.error}`, 'Show Log', 'Retry');
        if (action === 'Show Log') log.show();
        if (action === 'Retry') return vscode.commands.executeCommand('tripleo.connect', target);
      }
      return ok;
    }),
    vscode.commands.registerCommand('tripleo.disconnect', () => manager.disconnect()),
    vscode.commands.registerCommand('tripleo.forgetConnection', async (ref?: ProfileRef) => {
      const saved = manager.savedProfiles().map((p) => ({ label: p.name, description: p.authUrl, ref: { kind: 'saved', id: p.id } as ProfileRef }));
      const target = ref ?? (await vscode.window.showQuickPick(saved, { title: 'TripleO: forget which connection (and its stored password)?' }))?.ref;
      if (!target) return false;
      if (manager.state.kind !== 'disconnected' && JSON.stringify(manager.state.ref) === JSON.stringify(target)) await manager.disconnect();
      await manager.forgetProfile(target);
      return true;
    }),
    vscode.commands.registerCommand('tripleo.showLog', () => log.show()),
    vscode.commands.registerCommand('tripleo.connectionActions', async () => {
      const s = manager.state;
      const actions: (vscode.QuickPickItem & { run: () => unknown })[] = [];
      if (s.kind !== 'disconnected')
        actions.push({ label: '$(refresh) Reconnect', description: s.label, run: () => vscode.commands.executeCommand('tripleo.connect', s.ref) });
      actions.push({ label: '$(arrow-swap) Connect to another undercloud…', run: () => vscode.commands.executeCommand('tripleo.connect') });
      if (s.kind === 'connected') actions.push({ label: '$(debug-disconnect) Disconnect', run: () => manager.disconnect() });
      if (manager.savedProfiles().length)
        actions.push({ label: '$(trash) Forget a Connection…', run: () => vscode.commands.executeCommand('tripleo.forgetConnection') });
      actions.push({ label: '$(output) Show Log', run: () => log.show() });
      const picked = await vscode.window.showQuickPick(actions, { title: 'TripleO connection' });
      return picked?.run();
    }),
  );
}
