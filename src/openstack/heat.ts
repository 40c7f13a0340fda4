import { HttpError, OpenStackError, RequestInfo, TimeoutError } from './errors';
import { KeystoneSession, ServiceRequest } from './keystone';
import { pathSegment, sleep } from './http';

/** A template or environment as Heat takes it: a parsed document, or YAML/JSON text that Heat parses. */
export type HeatDocument = string | Record<string, unknown>;

export type StackStatus = `${string}_${'IN_PROGRESS' | 'COMPLETE' | 'FAILED'}`;

export interface HeatLink {
  href: string;
  rel: string;
}

export interface HeatOutput {
  output_key: string;
  description?: string;
  output_value?: unknown;
  /** set instead of a value when the output could not be resolved */
  output_error?: string;
}

export interface HeatStack {
  id: string;
  stack_name: string;
  stack_status: StackStatus;
  stack_status_reason: string;
  creation_time: string;
  updated_time: string | null;
  deletion_time?: string | null;
  description?: string;
  /** values as Heat holds them: numbers come back as strings, and OS::stack_id & co. are included */
  parameters?: Record<string, string>;
  outputs?: HeatOutput[];
  /** id of the parent stack for a nested one */
  parent: string | null;
  disable_rollback?: boolean;
  timeout_mins?: number | null;
  tags: string[] | null;
  stack_owner?: string;
  project?: string;
  links: HeatLink[];
}

export interface HeatResource {
  resource_name: string;
  logical_resource_id: string;
  physical_resource_id: string;
  resource_type: string;
  resource_status: string;
  resource_status_reason: string;
  creation_time: string;
  updated_time: string;
  required_by: string[];
  /** for resources of nested stacks (nested_depth > 0): the resource of the parent that holds them */
  parent_resource?: string;
  links: HeatLink[];
}

/** Resources Heat has not reached yet are INIT_COMPLETE in convergence: they are not done. */
export function isResourceComplete(r: Pick<HeatResource, 'resource_status'>): boolean {
  return r.resource_status.endsWith('_COMPLETE') && r.resource_status !== 'INIT_COMPLETE';
}

export interface HeatEvent {
  id: string;
  event_time: string;
  resource_name: string;
  logical_resource_id: string;
  physical_resource_id: string;
  resource_status: string;
  resource_status_reason: string;
  links: HeatLink[];
}

/** One parameter as validate describes it (Heat's CloudFormation-style capitalised keys). */
export interface HeatParameterInfo {
  Type: string;
  Description?: string;
  Label?: string;
  Default?: unknown;
  /** what the environment sets, when it sets something */
  Value?: unknown;
  NoEcho?: 'true' | 'false';
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number;
  MaxLength?: number;
  MinValue?: number;
  MaxValue?: number;
  CustomConstraint?: string;
  ConstraintDescription?: string;
  [key: string]: unknown;
}

export interface HeatParameterGroup {
  label?: string;
  description?: string;
  parameters: string[];
}

export interface HeatNestedParameters {
  Type: string;
  Description?: string;
  Parameters: Record<string, HeatParameterInfo>;
  ParameterGroups?: HeatParameterGroup[];
  NestedParameters?: Record<string, HeatNestedParameters>;
}

export interface HeatEnvironment {
  parameters: Record<string, unknown>;
  parameter_defaults: Record<string, unknown>;
  resource_registry: Record<string, unknown>;
  event_sinks?: unknown[];
  encrypted_param_names?: string[];
  [section: string]: unknown;
}

export interface HeatValidation {
  Description: string;
  Parameters: Record<string, HeatParameterInfo>;
  ParameterGroups?: HeatParameterGroup[];
  /** only with showNested: the parameters of every nested template, by resource name */
  NestedParameters?: Record<string, HeatNestedParameters>;
  /** the environment after merging environment_files and environment */
  Environment?: HeatEnvironment;
}

/** What a stack is made of; every field but the template is optional. */
export interface StackSource {
  template: HeatDocument;
  /** every file the template, its nested templates and the environments refer to, by the name they use */
  files?: Record<string, string>;
  /** names in `files`, merged in this order (later ones win) */
  environmentFiles?: string[];
  /** merged after environmentFiles (see INLINE_ENVIRONMENT_FILE) */
  environment?: HeatDocument;
  parameters?: Record<string, unknown>;
}

export interface CreateStackOptions extends StackSource {
  timeoutMins?: number;
  disableRollback?: boolean;
  tags?: string[];
  signal?: AbortSignal;
}

export interface UpdateStackOptions extends Partial<StackSource> {
  /** parameters to reset to their defaults */
  clearParameters?: string[];
  timeoutMins?: number;
  disableRollback?: boolean;
  tags?: string[];
  signal?: AbortSignal;
}

export interface StackProgress {
  status: StackStatus;
  reason: string;
  /** resources whose last action completed (not counting ones Heat has not started yet) */
  complete: number;
  failed: number;
  total: number;
  elapsedMs: number;
}

export interface WaitForStackOptions {
  /** default 60 minutes */
  timeoutMs?: number;
  /** default 5 s */
  intervalMs?: number;
  signal?: AbortSignal;
  /** called after every poll; resources are only listed when this is given */
  onProgress?: (p: StackProgress) => void;
  /** count resources of nested stacks this deep too (default 0: the top-level ones) */
  nestedDepth?: number;
}

export interface ListEventsOptions {
  /** only this resource's events (its logical name) */
  resource?: string;
  /** page size; every page after `marker` is fetched */
  limit?: number;
  /** id of the last event already seen: only later ones (in `sortDir` order) are returned */
  marker?: string;
  /** default 'asc': oldest first */
  sortDir?: 'asc' | 'desc';
  nestedDepth?: number;
  signal?: AbortSignal;
}

const enc = pathSegment;

/** "name/id" or "name": a path segment Heat understands either way. */
function stackPath(stack: string): string {
  return `/stacks/${stack.split('/').map(enc).join('/')}`;
}

/**
 * Heat orchestration: validation, stacks, their resources, events and outputs.
 *
 * A stack is named either "name" or "name/id". Heat only redirects GETs of a bare name (and not
 * even all of them: /outputs is not), so calls that change a stack, or that page, first resolve
 * the name to "name/id". Waiting on "name/id" also keeps following a stack once it is deleted,
 * when its name no longer finds it.
 */
export class HeatClient {
  constructor(private readonly session: KeystoneSession) {}

  private json<T>(method: string, path: string, extra: Partial<ServiceRequest> = {}): Promise<T> {
    return this.session.json<T>({ service: 'heat', serviceType: 'orchestration', method, path, ...extra });
  }

  /** A request whose answer we do not need; Heat answers some of them with an HTML page. */
  private async send(method: string, path: string, extra: Partial<ServiceRequest> = {}): Promise<void> {
    const res = await this.session.request({ service: 'heat', serviceType: 'orchestration', method, path, ...extra });
    // read the body so that the keep-alive socket can serve the next request
    await res.text().catch(() => '');
  }

  /**
   * Validates a template with its files and environments as a create would use them. An invalid
   * template is an HttpError (400) whose serviceMessage is Heat's explanation.
   */
  async validate(source: StackSource, opts: { showNested?: boolean; signal?: AbortSignal } = {}): Promise<HeatValidation> {
    const q = opts.showNested ? '?show_nested=true' : '';
    const body = sourceBody(source, { service: 'heat', method: 'POST', url: '/validate' });
    return this.json<HeatValidation>('POST', `/validate${q}`, { body: { files: {}, ...body }, signal: opts.signal });
  }

  /**
   * What a create would do, without creating anything. Unlike validate, it checks parameter
   * values against their constraints, in nested templates too (HttpError 400 when one fails).
   */
  async previewStack(name: string, source: StackSource, signal?: AbortSignal): Promise<void> {
    const body = sourceBody(source, { service: 'heat', method: 'POST', url: '/stacks/preview' });
    await this.json('POST', '/stacks/preview', { body: { stack_name: name, files: {}, ...body }, signal, timeoutMs: 180_000 });
  }

  /** Starts creating a stack; it is CREATE_IN_PROGRESS when this returns (see waitForStack). */
  async createStack(name: string, opts: CreateStackOptions): Promise<{ id: string; name: string }> {
    const body: Record<string, unknown> = { stack_name: name, files: {}, ...sourceBody(opts, { service: 'heat', method: 'POST', url: '/stacks' }) };
    if (opts.timeoutMins !== undefined) body.timeout_mins = opts.timeoutMins;
    if (opts.disableRollback !== undefined) body.disable_rollback = opts.disableRollback;
    if (opts.tags) body.tags = opts.tags.join(',');
    const res = await this.json<{ stack: { id: string } }>('POST', '/stacks', { body, signal: opts.signal });
    return { id: res.stack.id, name };
  }

  /**
   * Starts a PATCH update: whatever is not given (template, files, parameters, environment) stays
   * as the stack has it, so changing one parameter does not need the whole plan again.
   */
  async updateStack(stack: string, opts: UpdateStackOptions): Promise<{ id: string; name: string }> {
    const id = await this.identify(stack, opts.signal);
    // no check of the environment files: a PATCH may name files the stack already has
    const body = sourceBody(opts);
    if (opts.clearParameters) body.clear_parameters = opts.clearParameters;
    if (opts.timeoutMins !== undefined) body.timeout_mins = opts.timeoutMins;
    if (opts.disableRollback !== undefined) body.disable_rollback = opts.disableRollback;
    if (opts.tags) body.tags = opts.tags.join(',');
    await this.send('PATCH', stackPath(`${id.name}/${id.id}`), { body, signal: opts.signal });
    return id;
  }

  /**
   * The stack, or undefined when there is none. By "name/id" a deleted stack is still found
   * (DELETE_COMPLETE); by name it counts as gone, although Heat keeps finding it by that name
   * until it purges it a moment later.
   */
  async getStack(stack: string, opts: { resolveOutputs?: boolean; signal?: AbortSignal } = {}): Promise<HeatStack | undefined> {
    try {
      const s = await this.show(stack, opts.resolveOutputs ?? true, opts.signal);
      return !stack.includes('/') && s.stack_status === 'DELETE_COMPLETE' ? undefined : s;
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }

  private async show(stack: string, resolveOutputs: boolean, signal?: AbortSignal): Promise<HeatStack> {
    // resolving outputs can take long on a big stack; callers that only want the status skip it
    const q = resolveOutputs ? '' : '?resolve_outputs=false';
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.json<{ stack: HeatStack }>('GET', `${stackPath(stack)}${q}`, { signal })).stack;
      } catch (e) {
        // Heat sometimes answers 404 "ResourcePropertiesData with id {} not found" for a stack that
        // has just finished an update, while it drops the old resources' data: asking again works
        if (!(e instanceof HttpError && e.status === 404 && /ResourcePropertiesData/.test(e.serviceMessage ?? '')) || attempt >= 5) throw e;
        await sleep(500 * (attempt + 1), signal, { service: 'heat', method: 'GET', url: stack });
      }
    }
  }

  /**
   * Starts deleting a stack and returns its "name/id" to wait on, or undefined when there was
   * no such stack (deleting twice is not an error).
   */
  async deleteStack(stack: string, signal?: AbortSignal): Promise<string | undefined> {
    const found = await this.getStack(stack, { resolveOutputs: false, signal });
    if (!found || found.stack_status === 'DELETE_COMPLETE') return undefined;
    const id = { name: found.stack_name, id: found.id };
    await this.send('DELETE', stackPath(`${id.name}/${id.id}`), { okStatuses: [404], signal });
    return `${id.name}/${id.id}`;
  }

  /** Every stack of the project, newest first, through pages of `limit`. */
  async listStacks(opts: { name?: string; status?: string; showNested?: boolean; limit?: number; signal?: AbortSignal } = {}): Promise<HeatStack[]> {
    const limit = opts.limit ?? 100;
    const out: HeatStack[] = [];
    let marker = '';
    for (;;) {
      const q = new URLSearchParams({ limit: String(limit), sort_keys: 'creation_time', sort_dir: 'desc' });
      if (opts.name) q.set('name', opts.name);
      if (opts.status) q.set('status', opts.status);
      if (opts.showNested) q.set('show_nested', 'true');
      if (marker) q.set('marker', marker);
      const page = await this.json<{ stacks: HeatStack[] }>('GET', `/stacks?${q}`, { signal: opts.signal });
      // a stack just deleted can be listed DELETE_COMPLETE for a moment before Heat marks its row
      // deleted; Heat's answer for it by name is already 404, so it is gone for the list too
      out.push(...page.stacks.filter((s) => s.stack_status !== 'DELETE_COMPLETE' || opts.status === 'DELETE_COMPLETE'));
      if (page.stacks.length < limit) return out;
      marker = page.stacks[page.stacks.length - 1].id;
    }
  }

  /** The stack's resources; with nestedDepth > 0 also those of nested stacks (they carry parent_resource). */
  async listResources(stack: string, opts: { nestedDepth?: number; signal?: AbortSignal } = {}): Promise<HeatResource[]> {
    const q = opts.nestedDepth ? `?nested_depth=${opts.nestedDepth}` : '';
    const res = await this.json<{ resources: HeatResource[] }>('GET', `${stackPath(stack)}/resources${q}`, { signal: opts.signal });
    return res.resources;
  }

  /**
   * Events in time order (oldest first unless sortDir is 'desc'), fetched in pages of `limit`.
   * Heat ignores a marker it does not know and starts over from the first event, so only pass
   * ids it gave.
   */
  async listEvents(stack: string, opts: ListEventsOptions = {}): Promise<HeatEvent[]> {
    const id = await this.identify(stack, opts.signal);
    const limit = opts.limit ?? 200;
    const out: HeatEvent[] = [];
    let marker = opts.marker ?? '';
    for (;;) {
      const q = new URLSearchParams({ limit: String(limit), sort_dir: opts.sortDir ?? 'asc' });
      if (marker) q.set('marker', marker);
      if (opts.resource) q.set('resource_name', opts.resource);
      if (opts.nestedDepth) q.set('nested_depth', String(opts.nestedDepth));
      const page = await this.json<{ events: HeatEvent[] }>('GET', `${stackPath(`${id.name}/${id.id}`)}/events?${q}`, { signal: opts.signal });
      out.push(...page.events);
      if (page.events.length < limit) return out;
      marker = page.events[page.events.length - 1].id;
    }
  }

  /** The environment the stack was last created or updated with, all environment files merged. */
  getEnvironment(stack: string, signal?: AbortSignal): Promise<HeatEnvironment> {
    return this.json<HeatEnvironment>('GET', `${stackPath(stack)}/environment`, { signal });
  }

  /** The stack's template, as Heat parsed it. */
  getTemplate(stack: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.json<Record<string, unknown>>('GET', `${stackPath(stack)}/template`, { signal });
  }

  /** The files map the stack was last created or updated with. */
  getFiles(stack: string, signal?: AbortSignal): Promise<Record<string, string>> {
    return this.json<Record<string, string>>('GET', `${stackPath(stack)}/files`, { signal });
  }

  /**
   * Every output with its value. Heat's /outputs list leaves the values out, so they come from
   * the stack itself, resolved in one request.
   */
  async getOutputs(stack: string, signal?: AbortSignal): Promise<HeatOutput[]> {
    return (await this.show(stack, true, signal)).outputs ?? [];
  }

  /** One output, resolved on its own; undefined when the stack has no such output. */
  async showOutput(stack: string, key: string, signal?: AbortSignal): Promise<HeatOutput | undefined> {
    const id = await this.identify(stack, signal);
    const res = await this.json<{ output: HeatOutput } | undefined>('GET', `${stackPath(`${id.name}/${id.id}`)}/outputs/${enc(key)}`, {
      okStatuses: [404],
      signal,
    });
    return res && 'output' in res ? res.output : undefined;
  }

  /**
   * Stops an update in progress. With rollback (the default) Heat rolls back to the previous
   * template (ROLLBACK_COMPLETE); without, the stack ends UPDATE_FAILED. Heat refuses (HttpError
   * 400) when no update is in progress. Resources already being updated finish first.
   */
  async cancelUpdate(stack: string, opts: { rollback?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    const id = await this.identify(stack, opts.signal);
    const action = opts.rollback === false ? 'cancel_without_rollback' : 'cancel_update';
    await this.send('POST', `${stackPath(`${id.name}/${id.id}`)}/actions`, { body: { [action]: null }, signal: opts.signal });
  }

  /**
   * Polls a stack until its status is *_COMPLETE or *_FAILED and returns it then; a failed stack
   * is returned, not thrown. Times out with a TimeoutError and stops on the signal with a
   * CancelledError.
   */
  async waitForStack(stack: string, opts: WaitForStackOptions = {}): Promise<HeatStack> {
    const info: RequestInfo = { service: 'heat', method: 'WAIT', url: `stack ${stack}` };
    const timeoutMs = opts.timeoutMs ?? 60 * 60_000;
    const intervalMs = opts.intervalMs ?? 5000;
    const started = Date.now();
    // by id, so that a stack being deleted is still found once it is gone
    const id = await this.identify(stack, opts.signal);
    const path = `${id.name}/${id.id}`;
    for (;;) {
      const s = await this.show(path, false, opts.signal);
      const done = !s.stack_status.endsWith('_IN_PROGRESS');
      if (opts.onProgress) {
        const resources =
          done && s.stack_status === 'DELETE_COMPLETE' ? [] : await this.listResources(path, { nestedDepth: opts.nestedDepth, signal: opts.signal });
        const complete = resources.filter(isResourceComplete).length;
        const failed = resources.filter((r) => r.resource_status.endsWith('_FAILED')).length;
        opts.onProgress({ status: s.stack_status, reason: s.stack_status_reason, complete, failed, total: resources.length, elapsedMs: Date.now() - started });
      }
      if (done) return s;
      if (Date.now() - started + intervalMs > timeoutMs) throw new TimeoutError(info, timeoutMs);
      await sleep(intervalMs, opts.signal, info);
    }
  }

  /** "name" or "name/id" to its name and id; a bare name costs one request. */
  private async identify(stack: string, signal?: AbortSignal): Promise<{ name: string; id: string }> {
    const [name, id] = stack.split('/');
    if (id) return { name, id };
    const s = await this.show(name, false, signal);
    return { name: s.stack_name, id: s.id };
  }
}

/** The files entry that carries `environment` when there are environment files too. */
export const INLINE_ENVIRONMENT_FILE = '__environment__.yaml';

/**
 * The request body for a template, its files and environments. Heat drops the `environment`
 * field when `environment_files` is given (on validate and create alike), so the environment
 * then travels as the last environment file. Heat also answers an environment file missing from
 * `files` with a bare HTTP 500 (KeyError), so `checkFiles` refuses that here with its name.
 */
function sourceBody(s: Partial<StackSource>, checkFiles?: RequestInfo): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (s.template !== undefined) body.template = s.template;
  const files = s.files ? { ...s.files } : undefined;
  let envFiles = s.environmentFiles ? [...s.environmentFiles] : undefined;
  if (checkFiles) {
    const missing = (envFiles ?? []).filter((f) => !files || !(f in files));
    if (missing.length)
      throw new OpenStackError(`${checkFiles.service}: environment file${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in files`, checkFiles);
  }
  if (s.environment !== undefined && envFiles?.length) {
    const text = typeof s.environment === 'string' ? s.environment : JSON.stringify(s.environment);
    body.files = { ...files, [INLINE_ENVIRONMENT_FILE]: text };
    envFiles = [...envFiles, INLINE_ENVIRONMENT_FILE];
  } else {
    if (files) body.files = files;
    if (s.environment !== undefined) body.environment = s.environment;
  }
  if (envFiles) body.environment_files = envFiles;
  if (s.parameters) body.parameters = s.parameters;
  return body;
}
