import * as vscode from 'vscode';
import { cloudProfile, ConnectionProfile, loadClouds, profileFromEnv } from '../openstack/cloudConfig';
import { AuthError } from '../openstack/errors';
import type { Token } from '../openstack/keystone';
import { Undercloud } from '../tripleo/undercloud';
import { ensureWorkbooks } from '../tripleo/workbookInstaller';
import { channelLogger } from './logger';

/** What is remembered per workspace: which profile, never its secret. */
export type ProfileRef = { kind: 'cloud'; name: string } | { kind: 'env' } | { kind: 'saved'; id: string };

/** A connection entered step by step in VS Code, kept without its password. */
export interface SavedProfile {
  id: string;
  name: string;
  authUrl: string;
  username: string;
  userDomainName: string;
  projectName: string;
  projectDomainName: string;
  regionName?: string;
  caFile?: string;
  insecure?: boolean;
}

const SAVED_PROFILES_KEY = 'tripleo.savedProfiles';

export type ConnectionState =
  | { kind: 'disconnected' }
  | { kind: 'connecting'; ref: ProfileRef; label: string }
  | { kind: 'connected'; ref: ProfileRef; label: string; undercloud: Undercloud; token: Token }
  | { kind: 'failed'; ref: ProfileRef; label: string; error: string };

const LAST_CONNECTION_KEY = 'tripleo.lastConnection';

export function refLabel(ref: ProfileRef, saved: SavedProfile[] = []): string {
  if (ref.kind === 'cloud') return ref.name;
  if (ref.kind === 'saved') return saved.find((p) => p.id === ref.id)?.name ?? 'saved connection';
  return 'OS_* environment';
}

function refKey(ref: ProfileRef): string {
  return ref.kind === 'cloud' ? `cloud:${ref.name}` : ref.kind === 'saved' ? `saved:${ref.id}` : 'env';
}

function secretKey(ref: ProfileRef, profile: ConnectionProfile): string {
  return `tripleo.password:${refKey(ref)}:${profile.auth.authUrl}:${profile.auth.username ?? profile.auth.userId ?? ''}`;
}

export function profileFromSaved(p: SavedProfile): ConnectionProfile {
  return {
    name: p.name,
    source: 'entered in VS Code',
    auth: {
      authUrl: p.authUrl,
      username: p.username,
      userDomainName: p.userDomainName,
      projectName: p.projectName,
      projectDomainName: p.projectDomainName,
      ...(p.regionName ? { regionName: p.regionName } : {}),
    },
    tls: { ...(p.caFile ? { caFile: p.caFile } : {}), ...(p.insecure ? { insecure: true } : {}) },
  };
}

/** Owns the current connection; everything else listens to onDidChange. */
export class ConnectionManager implements vscode.Disposable {
  private _state: ConnectionState = { kind: 'disconnected' };
  private readonly emitter = new vscode.EventEmitter<ConnectionState>();
  readonly onDidChange = this.emitter.event;
  private attempt = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get state(): ConnectionState {
    return this._state;
  }

  get undercloud(): Undercloud | undefined {
    return this._state.kind === 'connected' ? this._state.undercloud : undefined;
  }

  private setState(s: ConnectionState): void {
    const old = this._state;
    if (old.kind === 'connected' && (s.kind !== 'connected' || s.undercloud !== old.undercloud)) old.undercloud.dispose();
    this._state = s;
    void vscode.commands.executeCommand('setContext', 'tripleo.connected', s.kind === 'connected');
    this.emitter.fire(s);
  }

  private cwd(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  savedProfiles(): SavedProfile[] {
    return this.context.globalState.get<SavedProfile[]>(SAVED_PROFILES_KEY, []);
  }

  /** Keeps a connection entered in VS Code (without its password, which goes to SecretStorage). */
  async saveProfile(p: SavedProfile): Promise<ProfileRef> {
    const others = this.savedProfiles().filter((o) => o.id !== p.id);
    await this.context.globalState.update(SAVED_PROFILES_KEY, [...others, p]);
    return { kind: 'saved', id: p.id };
  }

  /** Forgets a connection entered in VS Code, its password in SecretStorage too (Forget Connection). */
  async forgetProfile(ref: ProfileRef): Promise<void> {
    if (ref.kind !== 'saved') return;
    const saved = this.savedProfiles().find((o) => o.id === ref.id);
    if (saved) await this.context.secrets.delete(secretKey(ref, profileFromSaved(saved)));
    await this.context.globalState.update(
      SAVED_PROFILES_KEY,
      this.savedProfiles().filter((o) => o.id !== ref.id),
    );
  }

  label(ref: ProfileRef): string {
    return refLabel(ref, this.savedProfiles());
  }

  /** Profiles that can be offered: every cloud of clouds.yaml, the OS_* variables when set, and saved ones. */
  availableProfiles(): { ref: ProfileRef; profile: ConnectionProfile }[] {
    const out: { ref: ProfileRef; profile: ConnectionProfile }[] = [];
    for (const p of this.savedProfiles()) out.push({ ref: { kind: 'saved', id: p.id }, profile: profileFromSaved(p) });
    const { clouds, origins } = loadClouds({ cwd: this.cwd() });
    for (const [name, cloud] of Object.entries(clouds)) {
      try {
        out.push({ ref: { kind: 'cloud', name }, profile: cloudProfile(name, cloud, origins[name]) });
      } catch (e) {
        this.log.warn(`skipping cloud "${name}": ${(e as Error).message}`);
      }
    }
    const env = profileFromEnv(process.env);
    if (env) out.push({ ref: { kind: 'env' }, profile: env });
    return out;
  }

  resolve(ref: ProfileRef): ConnectionProfile {
    const found = this.availableProfiles().find((p) => JSON.stringify(p.ref) === JSON.stringify(ref));
    if (!found) {
      throw new Error(
        ref.kind === 'cloud'
          ? `cloud "${ref.name}" is no longer in clouds.yaml`
          : ref.kind === 'saved'
            ? 'the saved connection was removed'
            : 'OS_AUTH_URL is not set in the environment',
      );
    }
    return found.profile;
  }

  /**
   * A cloud from a clouds.yaml of the workspace names its own auth_url: the user says once whether
   * it may get their credentials (remembered for that file and auth_url in this workspace).
   */
  private async confirmLocalCloud(profile: ConnectionProfile, interactive: boolean): Promise<boolean> {
    const key = `tripleo.localCloud:${profile.localFile}:${profile.name}:${profile.auth.authUrl}`;
    if (this.context.workspaceState.get<boolean>(key)) return true;
    if (!interactive) throw new Error(`cloud "${profile.name}" comes from ${profile.localFile} in the workspace: run "TripleO: Connect" to confirm it`);
    const use = 'Use it';
    const answer = await vscode.window.showWarningMessage(
      `Cloud "${profile.name}" is defined in ${profile.localFile}, a file of this workspace, not in your own clouds.yaml. Connecting sends your credentials to ${profile.auth.authUrl}${profile.tls.insecure ? ' without verifying its certificate' : ''}.`,
      { modal: true },
      use,
    );
    if (answer !== use) return false;
    await this.context.workspaceState.update(key, true);
    return true;
  }

  lastConnection(): ProfileRef | undefined {
    return this.context.workspaceState.get<ProfileRef>(LAST_CONNECTION_KEY);
  }

  /**
   * Connects with a profile. A profile without a password gets it from SecretStorage, or
   * asks for it (interactive only) and keeps it there. Returns whether it connected.
   */
  async connect(ref: ProfileRef, opts: { interactive: boolean; password?: string }): Promise<boolean> {
    const attempt = ++this.attempt;
    const label = this.label(ref);
    this.setState({ kind: 'connecting', ref, label });
    try {
      const profile = this.resolve(ref);
      if (profile.localFile && !(await this.confirmLocalCloud(profile, opts.interactive))) {
        this.setState({ kind: 'disconnected' });
        return false;
      }
      const needsPassword = !profile.auth.password && !profile.auth.applicationCredentialSecret;
      const key = secretKey(ref, profile);
      let fromSecrets = false;
      if (needsPassword && opts.password !== undefined) {
        profile.auth.password = opts.password;
      } else if (needsPassword) {
        const stored = await this.context.secrets.get(key);
        if (stored) {
          profile.auth.password = stored;
          fromSecrets = true;
        } else if (opts.interactive) {
          const entered = await vscode.window.showInputBox({
            title: `Password for ${profile.auth.username ?? 'user'} at ${profile.auth.authUrl}`,
            password: true,
            ignoreFocusOut: true,
            prompt: "Kept in VS Code's secret storage, never in settings or logs.",
          });
          if (entered === undefined) {
            this.setState({ kind: 'disconnected' });
            return false;
          }
          profile.auth.password = entered;
        } else {
          throw new Error(`no password for ${label}: run "TripleO: Connect"`);
        }
      }
      const undercloud = new Undercloud(profile, {
        logger: channelLogger(this.log),
        extraCaFile: vscode.workspace.getConfiguration('tripleo').get<string>('caBundle') || undefined,
        insecure: vscode.workspace.getConfiguration('tripleo').get<boolean>('insecure') || undefined,
      });
      if (vscode.workspace.getConfiguration('tripleo').get<boolean>('insecure') && !profile.tls.insecure) {
        void vscode.window.showWarningMessage(
          `tripleo.insecure is on: the certificate of ${profile.auth.authUrl} is not verified, anyone in between can read your credentials.`,
        );
      }
      let token: Token;
      try {
        token = await undercloud.connect();
      } catch (e) {
        undercloud.dispose();
        // a stale stored password must not keep failing silently
        if (e instanceof AuthError && fromSecrets) await this.context.secrets.delete(key);
        throw e;
      }
      if (attempt !== this.attempt) {
        undercloud.dispose();
        return false;
      }
      if (needsPassword && !fromSecrets) await this.context.secrets.store(key, profile.auth.password!);
      await this.context.workspaceState.update(LAST_CONNECTION_KEY, ref);
      this.setState({ kind: 'connected', ref, label, undercloud, token });
      // a token that can no longer be renewed (password changed, user disabled) shows as failed
      undercloud.session.onAuthenticationFailed = (e) => {
        if (this._state.kind === 'connected' && this._state.undercloud === undercloud) {
          this.log.error(`the connection to ${label} expired and could not be renewed: ${e.message}`);
          this.setState({ kind: 'failed', ref, label, error: `expired: ${e.message}` });
        }
      };
      void ensureWorkbooks(undercloud.mistral).then(
        (r) => this.log.info(`Mistral workbooks: ${r.map((w) => `${w.name} ${w.action}`).join(', ')}`),
        (e) => this.log.warn(`could not install the Mistral workbooks: ${(e as Error).message}`),
      );
      this.log.info(`connected to ${label}: user ${token.user.name}, project ${token.project?.name ?? '-'}`);
      return true;
    } catch (e) {
      if (attempt !== this.attempt) return false;
      const error = (e as Error).message;
      this.log.error(`connecting to ${label} failed: ${error}`);
      this.setState({ kind: 'failed', ref, label, error });
      return false;
    }
  }

  async disconnect(): Promise<void> {
    this.attempt++;
    const s = this._state;
    if (s.kind === 'connected') await s.undercloud.session.revoke().catch(() => undefined);
    await this.context.workspaceState.update(LAST_CONNECTION_KEY, undefined);
    this.setState({ kind: 'disconnected' });
    this.log.info('disconnected');
  }

  dispose(): void {
    if (this._state.kind === 'connected') this._state.undercloud.dispose();
    this.emitter.dispose();
  }
}
