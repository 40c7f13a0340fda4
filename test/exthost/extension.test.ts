import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TripleOApi } from '../../src/extension/extension';
import { Undercloud } from '../../src/tripleo/undercloud';

import { until } from '../support/until';

const EXTENSION_ID = 'vscode-tripleo.vscode-tripleo';

describe('the TripleO extension in a real VS Code', () => {
  let api: TripleOApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<TripleOApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
  });

  it('runs in VS Code 1.100', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  it('registers its commands and the three views', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const c of [
      'tripleo.connect',
      'tripleo.disconnect',
      'tripleo.showLog',
      'tripleo.refreshPlans',
      'tripleo.refreshNodes',
      'tripleo.refreshExecutions',
      'tripleo.connectionActions',
    ]) {
      assert.ok(commands.includes(c), `${c} is not registered`);
    }
    // VS Code makes a focus command for every registered view
    for (const v of ['tripleo.plans', 'tripleo.nodes', 'tripleo.executions']) assert.ok(commands.includes(`${v}.focus`), `view ${v} is missing`);
    await vscode.commands.executeCommand('tripleo.plans.focus');
  });

  it('shows empty views and "not connected" while not connected', async () => {
    assert.equal(api.connection.state.kind, 'disconnected');
    assert.deepEqual(await api.plans.getChildren(), []);
    assert.match(api.statusBar.text, /not connected/);
  });

  it('starts the language server, which reports problems in an environment file', async () => {
    const doc = await vscode.workspace.openTextDocument({
      language: 'yaml',
      content: 'parameter_defaults:\n  Debug: true\nresource_registy:\n  OS::TripleO::X: x.yaml\n',
    });
    await vscode.window.showTextDocument(doc);
    const diags = await until('a diagnostic from the language server', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length ? d : undefined;
    });
    assert.equal(diags.length, 1);
    assert.equal(diags[0].source, 'tripleo');
    assert.equal(diags[0].code, 'env-unknown-section');
    assert.match(diags[0].message, /did you mean "resource_registry"/);
    assert.equal(diags[0].range.start.line, 2);
  });

  it('answers hover through the language server', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'parameter_defaults:\n  Debug: true\n' });
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 5));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /parameter_defaults/);
    assert.match(text, /every\*\* template/);
  });

  it('knows the sample plan: definition and completion of parameters in an environment file', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const uri = vscode.Uri.joinPath(folder, 'environments/debug.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc
      .getText()
      .split('\n')
      .findIndex((l) => /^\s+Debug:/.test(l));
    assert.ok(line > 0, 'debug.yaml has no Debug parameter');
    const locations = await until('a definition from the language server', async () => {
      const l = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
        'vscode.executeDefinitionProvider',
        uri,
        new vscode.Position(line, 4),
      );
      return l?.length ? l : undefined;
    });
    const targets = locations.map((l) => ('uri' in l ? l.uri : l.targetUri).path.split('/overcloud-lite/')[1]);
    assert.ok(targets.includes('overcloud.yaml'), JSON.stringify(targets));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(line, 2));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('ComputeCount'), `no ComputeCount among ${labels.length} items`);
  });

  it('reports a failed connection with the reason in the status bar', async () => {
    const ok = await api.connection.connect({ kind: 'cloud', name: 'undercloud-badpass' }, { interactive: false });
    assert.equal(ok, false);
    const s = api.connection.state;
    assert.equal(s.kind, 'failed');
    assert.match(s.kind === 'failed' ? s.error : '', /authentication to .* failed/);
    assert.match(api.statusBar.text, /failed/);
  });

  it('connects to the undercloud from clouds.yaml and fills the views', async () => {
    const ok = await vscode.commands.executeCommand<boolean>('tripleo.connect', { kind: 'cloud', name: 'undercloud' });
    assert.equal(ok, true);
    const s = api.connection.state;
    assert.equal(s.kind, 'connected');
    assert.match(api.statusBar.text, /undercloud \(admin\)/);
    const roots = await api.plans.getChildren();
    assert.ok(roots.length >= 1, 'the Plans view shows nothing while connected');
    const nodes = await api.nodes.getChildren();
    assert.ok(nodes.length >= 1);
    const executions = await api.executions.getChildren();
    assert.ok(executions.length >= 1);
  });

  it('connects with the OS_* environment variables, as openstackclient would', async () => {
    assert.ok(
      api.connection.availableProfiles().some((p) => p.ref.kind === 'env'),
      'no environment profile offered',
    );
    assert.equal(await vscode.commands.executeCommand('tripleo.connect', { kind: 'env' }), true);
    assert.match(api.statusBar.text, /OS_\* environment \(admin\)/);
  });

  it('keeps the password of a connection entered in VS Code in SecretStorage, not in its profile', async () => {
    const ref = await api.connection.saveProfile({
      id: 'exthost-saved',
      name: 'saved-undercloud',
      authUrl: 'http://127.0.0.1:5000/v3',
      username: 'admin',
      userDomainName: 'Default',
      projectName: 'admin',
      projectDomainName: 'Default',
    });
    assert.equal(await api.connection.connect(ref, { interactive: false, password: 'admin' }), true);
    assert.match(api.statusBar.text, /saved-undercloud \(admin\)/);
    assert.ok(!JSON.stringify(api.connection.savedProfiles()).includes('"admin"}') && !JSON.stringify(api.connection.savedProfiles()).includes('password'));
    await api.connection.disconnect();
    // the second time, non-interactive: the password can only come from SecretStorage
    assert.equal(await api.connection.connect(ref, { interactive: false }), true);
    await api.connection.disconnect();
    assert.equal(await vscode.commands.executeCommand('tripleo.forgetConnection', ref), true);
    assert.equal(api.connection.savedProfiles().length, 0);
  });

  it('shows a connection whose token can no longer be renewed as expired, with the reason', async () => {
    // a connection of our own for the admin calls: the extension's changes with each connect
    const adminUc = new Undercloud(api.connection.resolve({ kind: 'cloud', name: 'undercloud' }));
    const admin = adminUc.session;
    const name = `exthost-user-${Date.now().toString(36)}`;
    const keystone = <T>(method: string, path: string, body?: unknown) => admin.json<T>({ service: 'keystone', serviceType: 'identity', method, path, body });
    const user = (await keystone<{ user: { id: string } }>('POST', '/users', { user: { name, password: 'first-password-1', domain_id: 'default' } })).user;
    try {
      const project = (await keystone<{ projects: { id: string }[] }>('GET', '/projects?name=admin')).projects[0];
      const member = (await keystone<{ roles: { id: string }[] }>('GET', '/roles?name=member')).roles[0];
      await admin.request({ service: 'keystone', serviceType: 'identity', method: 'PUT', path: `/projects/${project.id}/users/${user.id}/roles/${member.id}` });
      const ref = await api.connection.saveProfile({
        id: 'exthost-expiring',
        name: 'expiring',
        authUrl: 'http://127.0.0.1:5000/v3',
        username: name,
        userDomainName: 'Default',
        projectName: 'admin',
        projectDomainName: 'Default',
      });
      assert.equal(await api.connection.connect(ref, { interactive: false, password: 'first-password-1' }), true);
      // the password changes behind our back, then the token has to be renewed
      await keystone('PATCH', `/users/${user.id}`, { user: { password: 'second-password-2' } });
      api.connection.undercloud!.session.invalidate();
      await api.plans.getChildren();
      const s = api.connection.state;
      assert.equal(s.kind, 'failed');
      assert.match(s.kind === 'failed' ? s.error : '', /^expired: authentication to .* failed/);
      assert.match(api.statusBar.text, /expiring failed/);
      await api.connection.forgetProfile(ref);
    } finally {
      await admin.request({ service: 'keystone', serviceType: 'identity', method: 'DELETE', path: `/users/${user.id}` });
      adminUc.dispose();
      await vscode.commands.executeCommand('tripleo.connect', { kind: 'cloud', name: 'undercloud' });
    }
  });

  it('writes neither passwords nor tokens to its logs', async () => {
    await vscode.commands.executeCommand('tripleo.connect', { kind: 'cloud', name: 'undercloud' });
    const token = (api.connection.state as { token: { id: string } }).token.id;
    const dir = api.logDirectory.fsPath;
    const logs = await until('the log file', () => {
      const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.log')) : [];
      const text = files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
      return text.includes('connected to undercloud') ? text : undefined;
    });
    assert.match(logs, /authentication to .* failed/);
    assert.ok(!logs.includes('not-the-password-123'), 'the wrong password is in the log');
    assert.ok(!logs.includes(token), 'the token is in the log');
  });

  it('disconnects and forgets the connection', async () => {
    await vscode.commands.executeCommand('tripleo.connect', { kind: 'cloud', name: 'undercloud' });
    await vscode.commands.executeCommand('tripleo.disconnect');
    assert.equal(api.connection.state.kind, 'disconnected');
    assert.equal(api.connection.lastConnection(), undefined);
    assert.deepEqual(await api.plans.getChildren(), []);
  });
});
