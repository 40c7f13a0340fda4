import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from './errors';
import type { AuthOptions, Interface } from './keystone';
import type { TlsOptions } from './http';

/** Everything needed to connect, read the way openstacksdk reads it. */
export interface ConnectionProfile {
  /** The cloud's name in clouds.yaml, or "envvars". */
  name: string;
  /** Where it came from, for display. */
  source: string;
  /**
   * Set when the cloud comes from a clouds.yaml of the current folder (the workspace), not from
   * the user's own files: a repository may name any auth_url there, so it is used only once the
   * user confirms it.
   */
  localFile?: string;
  auth: AuthOptions;
  tls: TlsOptions;
}

export interface CloudConfigContext {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  /** the user confirmed using a clouds.yaml of the current folder */
  allowLocalFile?: boolean;
}

type Yamlish = Record<string, any>;

/**
 * clouds.yaml / secure.yaml locations: the file OS_CLIENT_CONFIG_FILE names, the user's own, the
 * system's, and last the current folder's (openstacksdk reads that one first; a cloned repository
 * must not get to name the user's clouds).
 */
export function configFileCandidates(base: 'clouds' | 'secure', ctx: CloudConfigContext = {}): string[] {
  const env = ctx.env ?? process.env;
  const explicit = base === 'clouds' ? env.OS_CLIENT_CONFIG_FILE : env.OS_CLIENT_SECURE_FILE;
  return [...(explicit ? [explicit] : []), ...configDirs(ctx).flatMap((d) => [`${base}.yaml`, `${base}.yml`].map((n) => path.join(d, n)))];
}

/** The user's own configuration folders, then the current folder. */
function configDirs(ctx: CloudConfigContext): string[] {
  return [...userDirs(ctx), ctx.cwd ?? process.cwd()];
}

function userDirs(ctx: CloudConfigContext): string[] {
  return [path.join(ctx.home ?? os.homedir(), '.config', 'openstack'), '/etc/openstack'];
}

export function readYamlFile(file: string): Yamlish {
  const text = fs.readFileSync(file, 'utf8');
  const doc = parseDocument(text, { version: '1.1', prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = e.linePos?.[0];
    throw new ConfigError(`${file}${line ? `:${line.line}:${line.col}` : ''}: ${e.message.split('\n')[0]}`);
  }
  const value = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${file}: expected a mapping at the top`);
  return value as Yamlish;
}

function firstExisting(files: string[]): string | undefined {
  return files.find((f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

function deepMerge(a: Yamlish, b: Yamlish): Yamlish {
  const out: Yamlish = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? deepMerge(out[k], v) : v;
  }
  return out;
}

export interface CloudOrigin {
  file: string;
  /** the secure.yaml merged into it */
  secureFile?: string;
  /** a file of the current folder rather than the user's own */
  local: boolean;
}

export interface CloudsFile {
  /** the first clouds file found */
  file?: string;
  clouds: Record<string, Yamlish>;
  /** where each cloud was read */
  origins: Record<string, CloudOrigin>;
}

/**
 * Every cloud of the clouds files, the first file naming a cloud winning. A secure.yaml merges only
 * into the clouds.yaml beside it (OS_CLIENT_SECURE_FILE into the user's files): the user's
 * passwords never join a cloud that a workspace file defines.
 */
export function loadClouds(ctx: CloudConfigContext = {}): CloudsFile {
  const env = ctx.env ?? process.env;
  const cwd = path.resolve(ctx.cwd ?? process.cwd());
  const clouds: Record<string, Yamlish> = {};
  const origins: Record<string, CloudOrigin> = {};
  const seen = new Set<string>();
  let first: string | undefined;
  const explicitSecure = env.OS_CLIENT_SECURE_FILE && firstExisting([env.OS_CLIENT_SECURE_FILE]);
  const sources = [
    ...(env.OS_CLIENT_CONFIG_FILE ? [{ dir: undefined as string | undefined, files: [env.OS_CLIENT_CONFIG_FILE] }] : []),
    ...configDirs(ctx).map((dir) => ({ dir, files: ['clouds.yaml', 'clouds.yml'].map((n) => path.join(dir, n)) })),
  ];
  for (const { dir, files } of sources) {
    const file = firstExisting(files);
    if (!file || seen.has(path.resolve(file))) continue;
    seen.add(path.resolve(file));
    first ??= file;
    // the CLI may run from ~/.config/openstack itself: that folder stays the user's
    const local = dir !== undefined && path.resolve(dir) === cwd && !userDirs(ctx).some((d) => path.resolve(d) === cwd);
    const secureFile =
      (dir ? firstExisting(['secure.yaml', 'secure.yml'].map((n) => path.join(dir, n))) : undefined) ?? (local ? undefined : explicitSecure || undefined);
    const own = (readYamlFile(file).clouds ?? {}) as Record<string, Yamlish>;
    const secure = secureFile ? ((readYamlFile(secureFile).clouds ?? {}) as Record<string, Yamlish>) : {};
    for (const [name, cloud] of Object.entries(own)) {
      if (name in clouds || !cloud || typeof cloud !== 'object') continue;
      clouds[name] = secure[name] ? deepMerge(cloud, secure[name]) : cloud;
      origins[name] = { file, ...(secure[name] ? { secureFile } : {}), local };
    }
  }
  return { file: first, clouds, origins };
}

function bool(v: unknown): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  return /^(1|true|yes|on)$/i.test(String(v));
}

function iface(v: unknown): Interface | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v).replace(/URL$/i, '').toLowerCase();
  if (s === 'public' || s === 'internal' || s === 'admin') return s;
  throw new ConfigError(`interface must be public, internal or admin, not "${v}"`);
}

/** A clouds.yaml entry turned into a profile. */
export function profileFromCloud(name: string, cloud: Yamlish, source: string): ConnectionProfile {
  const a = (cloud.auth ?? {}) as Yamlish;
  if (!a.auth_url) throw new ConfigError(`${source}: cloud "${name}" has no auth.auth_url`);
  const verify = cloud.verify;
  const auth: AuthOptions = {
    authUrl: String(a.auth_url),
    username: a.username,
    userId: a.user_id,
    password: a.password === undefined ? undefined : String(a.password),
    userDomainName: a.user_domain_name ?? a.domain_name,
    userDomainId: a.user_domain_id ?? a.domain_id,
    applicationCredentialId: a.application_credential_id,
    applicationCredentialName: a.application_credential_name,
    applicationCredentialSecret: a.application_credential_secret,
    projectName: a.project_name ?? a.tenant_name,
    projectId: a.project_id ?? a.tenant_id,
    projectDomainName: a.project_domain_name ?? a.domain_name,
    projectDomainId: a.project_domain_id ?? a.domain_id,
    systemScope: a.system_scope,
    regionName: cloud.region_name,
    interface: iface(cloud.interface),
  };
  const tls: TlsOptions = {
    caFile: cloud.cacert ?? (typeof verify === 'string' ? verify : undefined),
    insecure: bool(cloud.insecure) ?? (verify === false ? true : undefined),
  };
  return { name, source, auth: strip(auth), tls: strip(tls) };
}

/** A profile of loadClouds' result, marked when it comes from a file of the current folder. */
export function cloudProfile(name: string, cloud: Yamlish, origin: CloudOrigin): ConnectionProfile {
  const profile = profileFromCloud(name, cloud, origin.file);
  return origin.local ? { ...profile, localFile: origin.file } : profile;
}

/** A profile from OS_* variables, or undefined when OS_AUTH_URL is not set. */
export function profileFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionProfile | undefined {
  if (!env.OS_AUTH_URL) return undefined;
  const auth: AuthOptions = {
    authUrl: env.OS_AUTH_URL,
    username: env.OS_USERNAME,
    userId: env.OS_USER_ID,
    password: env.OS_PASSWORD,
    userDomainName: env.OS_USER_DOMAIN_NAME ?? env.OS_DOMAIN_NAME,
    userDomainId: env.OS_USER_DOMAIN_ID ?? env.OS_DOMAIN_ID,
    applicationCredentialId: env.OS_APPLICATION_CREDENTIAL_ID,
    applicationCredentialName: env.OS_APPLICATION_CREDENTIAL_NAME,
    applicationCredentialSecret: env.OS_APPLICATION_CREDENTIAL_SECRET,
    projectName: env.OS_PROJECT_NAME ?? env.OS_TENANT_NAME,
    projectId: env.OS_PROJECT_ID ?? env.OS_TENANT_ID,
    projectDomainName: env.OS_PROJECT_DOMAIN_NAME,
    projectDomainId: env.OS_PROJECT_DOMAIN_ID,
    systemScope: env.OS_SYSTEM_SCOPE,
    regionName: env.OS_REGION_NAME,
    interface: iface(env.OS_INTERFACE),
  };
  const tls: TlsOptions = { caFile: env.OS_CACERT, insecure: bool(env.OS_INSECURE) };
  return { name: 'envvars', source: 'OS_* environment variables', auth: strip(auth), tls: strip(tls) };
}

/**
 * The profile openstackclient would use: the named cloud (or OS_CLOUD) from clouds.yaml,
 * with OS_* variables overriding; plain OS_* variables when no cloud is named.
 */
export function resolveProfile(cloudName: string | undefined, ctx: CloudConfigContext = {}): ConnectionProfile {
  const env = ctx.env ?? process.env;
  const name = cloudName ?? env.OS_CLOUD;
  if (name) {
    const { file, clouds, origins } = loadClouds(ctx);
    const cloud = clouds[name];
    if (!cloud) {
      const where = file ?? `none of ${configFileCandidates('clouds', ctx).join(', ')}`;
      const known = Object.keys(clouds);
      throw new ConfigError(`cloud "${name}" not found in ${where}${known.length ? ` (clouds there: ${known.join(', ')})` : ''}`);
    }
    const origin = origins[name];
    if (origin.local && !ctx.allowLocalFile) {
      throw new ConfigError(
        `cloud "${name}" is defined only in ${origin.file}, a file of the current folder, not in your own clouds.yaml: its auth_url would get your credentials. ` +
          `To use it, name it yourself: OS_CLIENT_CONFIG_FILE=${origin.file}`,
      );
    }
    return cloudProfile(name, cloud, origin);
  }
  const fromEnv = profileFromEnv(env);
  if (!fromEnv) throw new ConfigError('no cloud given: pass --os-cloud, set OS_CLOUD, or set OS_AUTH_URL and the other OS_* variables');
  return fromEnv;
}

function strip<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
