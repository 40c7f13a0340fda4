import { HttpError, OpenStackError, RequestInfo, TimeoutError } from './errors';
import { parse } from 'yaml';
import { KeystoneSession, ServiceRequest } from './keystone';
import { pathSegment, sleep } from './http';

export type ExecutionState = 'IDLE' | 'RUNNING' | 'SUCCESS' | 'ERROR' | 'PAUSED' | 'CANCELLED';

export interface MistralExecution {
  id: string;
  workflow_name: string;
  workflow_id?: string;
  state: ExecutionState;
  state_info?: string | null;
  input?: string;
  output?: string;
  params?: string;
  created_at: string;
  updated_at?: string | null;
  description?: string;
  /** set for a sub-workflow: the task of the parent execution that runs it */
  task_execution_id?: string | null;
}

/** An execution that has ended, with its output parsed. */
export interface FinishedExecution extends MistralExecution {
  state: 'SUCCESS' | 'ERROR' | 'CANCELLED';
  /** the workflow's output; for an ERROR or CANCELLED one Mistral puts the reason in `result` */
  parsedOutput: Record<string, unknown>;
}

/** What workbooks and workflows have in common: a named, scoped YAML definition. */
interface MistralDefinition {
  id: string;
  name: string;
  namespace?: string;
  /** the YAML text as it was posted */
  definition: string;
  tags: string[];
  scope: 'private' | 'public';
  project_id?: string;
  created_at: string;
  updated_at?: string | null;
}

export type MistralWorkbook = MistralDefinition;

export interface MistralWorkflow extends MistralDefinition {
  /** "workbook.workflow" for a workflow of a workbook */
  name: string;
  /** the input as a signature, e.g. `container, who="world"` */
  input: string;
  /** JSON text: {"input": [...], "output": [...]} */
  interface?: string;
}

export type TaskState = 'IDLE' | 'WAITING' | 'RUNNING' | 'RUNNING_DELAYED' | 'SUCCESS' | 'ERROR' | 'CANCELLED' | 'PAUSED';

export interface MistralTask {
  id: string;
  name: string;
  type: 'ACTION' | 'WORKFLOW';
  workflow_name: string;
  workflow_execution_id: string;
  state: TaskState;
  state_info: string | null;
  /** JSON text of what the task published */
  published?: string;
  /** JSON text; only a single task (getTask) carries it */
  result?: string;
  processed?: boolean;
  created_at: string;
  updated_at?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
}

export interface MistralTaskWithResult extends MistralTask {
  result: string;
  parsedResult: unknown;
  parsedPublished: Record<string, unknown>;
}

export interface MistralEnvironment {
  id: string;
  name: string;
  description?: string | null;
  /** parsed: Mistral stores and returns them as JSON text */
  variables: Record<string, unknown>;
  scope: 'private' | 'public';
  project_id?: string;
  created_at: string;
  updated_at?: string | null;
}

export interface CreateExecutionOptions {
  input?: Record<string, unknown>;
  /** e.g. {env: "environment name" or {...}}, {task_name: ...} for reverse workflows */
  params?: Record<string, unknown>;
  description?: string;
  signal?: AbortSignal;
}

/** A state an execution can be moved to by a client. */
export type ExecutionStateChange = 'PAUSED' | 'RUNNING' | 'CANCELLED' | 'ERROR' | 'SUCCESS';

/** A synchronous action ended in ERROR; `result` is what the action reported. */
export class ActionExecutionError extends OpenStackError {
  constructor(
    request: RequestInfo,
    readonly action: string,
    readonly result: unknown,
  ) {
    super(`${request.service}: action ${action} failed: ${typeof result === 'string' ? result : JSON.stringify(result)}`, request);
  }
}

const enc = pathSegment;

/**
 * Mistral answers a YAML definition with JSON, yet refuses (406) a request that accepts only
 * application/json.
 */
const YAML_IN_JSON_OUT = { 'Content-Type': 'text/plain', Accept: 'application/json, */*' };

/** Mistral keeps JSON documents (input, output, variables, results) as text; a broken one reads as {}. */
function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Mistral v2 workflow service: workbooks, workflows, executions, tasks, environments, actions. */
export class MistralClient {
  constructor(private readonly session: KeystoneSession) {}

  private json<T>(method: string, path: string, body?: unknown, signal?: AbortSignal, extra: Partial<ServiceRequest> = {}): Promise<T> {
    return this.session.json<T>({ service: 'mistral', serviceType: 'workflowv2', method, path, body, signal, ...extra });
  }

  /** A GET that answers undefined for a 404. */
  private async find<T>(path: string, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.json<T>('GET', path, undefined, signal);
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }

  private async remove(path: string, signal?: AbortSignal): Promise<void> {
    const res = await this.session.request({ service: 'mistral', serviceType: 'workflowv2', method: 'DELETE', path, okStatuses: [404], signal });
    await res.text().catch(() => '');
  }

  /**
   * Every item of a collection, following markers through pages of `limit`. The `next` link
   * Mistral gives is not followed: it rewrites the `fields` asked for.
   */
  private async listAll<T extends { id: string }>(
    path: string,
    key: string,
    query: Record<string, string>,
    opts: { limit?: number; max?: number; signal?: AbortSignal },
  ): Promise<T[]> {
    const limit = Math.min(opts.limit ?? 100, opts.max ?? Infinity);
    const out: T[] = [];
    let marker = '';
    for (;;) {
      const q = new URLSearchParams({ ...query, limit: String(limit) });
      if (marker) q.set('marker', marker);
      const page = await this.json<Record<string, unknown>>('GET', `${path}?${q}`, undefined, opts.signal);
      const items = (page[key] ?? []) as T[];
      out.push(...items);
      if (opts.max !== undefined && out.length >= opts.max) return out.slice(0, opts.max);
      if (!page.next || items.length < limit) return out;
      marker = items[items.length - 1].id;
    }
  }

  /** Executions newest first; `marker` is the id of the last one of the previous page. */
  async listExecutions(opts: { limit?: number; marker?: string; signal?: AbortSignal } = {}): Promise<MistralExecution[]> {
    const q = new URLSearchParams({ limit: String(opts.limit ?? 50), sort_keys: 'created_at,id', sort_dirs: 'desc,desc' });
    if (opts.marker) q.set('marker', opts.marker);
    const body = await this.json<{ executions: MistralExecution[] }>('GET', `/executions?${q}`, undefined, opts.signal);
    return body.executions ?? [];
  }

  // --- workbooks: YAML text in, the workbook (with its definition) out ---

  /** Creates a workbook from its YAML text; a syntax or spec error is an HttpError 400, an existing name a 409. */
  createWorkbook(definition: string, signal?: AbortSignal): Promise<MistralWorkbook> {
    return this.json<MistralWorkbook>('POST', '/workbooks', definition, signal, { headers: YAML_IN_JSON_OUT });
  }

  /** Replaces a workbook (the name inside the YAML says which) and its workflows; a missing one is a 404. */
  updateWorkbook(definition: string, signal?: AbortSignal): Promise<MistralWorkbook> {
    return this.json<MistralWorkbook>('PUT', '/workbooks', definition, signal, { headers: YAML_IN_JSON_OUT });
  }

  getWorkbook(name: string, signal?: AbortSignal): Promise<MistralWorkbook | undefined> {
    return this.find<MistralWorkbook>(`/workbooks/${enc(name)}`, signal);
  }

  /**
   * Every workbook, in one request: Mistral fails (HTTP 500, "get_workbook() missing 1 required
   * positional argument: 'namespace'") on any workbook page after the first.
   */
  async listWorkbooks(signal?: AbortSignal): Promise<MistralWorkbook[]> {
    const page = await this.json<{ workbooks: MistralWorkbook[] }>('GET', '/workbooks', undefined, signal);
    return page.workbooks ?? [];
  }

  /**
   * Deletes a workbook and the workflows it defines; a missing one is not an error. Mistral
   * itself deletes only the workbook and leaves its workflows behind, still runnable.
   */
  async deleteWorkbook(name: string, signal?: AbortSignal): Promise<void> {
    const wb = await this.getWorkbook(name, signal);
    await this.remove(`/workbooks/${enc(name)}`, signal);
    for (const wf of wb ? workflowNames(wb.definition) : []) await this.remove(`/workflows/${enc(`${name}.${wf}`)}`, signal);
  }

  // --- workflows ---

  /** Every workflow visible to the project; `nameContains` filters on the server. */
  listWorkflows(opts: { nameContains?: string; limit?: number; signal?: AbortSignal } = {}): Promise<MistralWorkflow[]> {
    return this.listAll<MistralWorkflow>('/workflows', 'workflows', opts.nameContains ? { name: `has:${opts.nameContains}` } : {}, opts);
  }

  /** By name ("workbook.workflow") or id. */
  getWorkflow(identifier: string, signal?: AbortSignal): Promise<MistralWorkflow | undefined> {
    return this.find<MistralWorkflow>(`/workflows/${enc(identifier)}`, signal);
  }

  // --- executions ---

  /**
   * Starts a workflow. Input and params travel as JSON text, the form Mistral's API reference
   * gives (newer versions take objects too). An unknown workflow is answered with HTTP 500, not 404.
   */
  createExecution(workflowName: string, opts: CreateExecutionOptions = {}): Promise<MistralExecution> {
    const body: Record<string, unknown> = { workflow_name: workflowName, input: JSON.stringify(opts.input ?? {}) };
    if (opts.params) body.params = JSON.stringify(opts.params);
    if (opts.description) body.description = opts.description;
    return this.json<MistralExecution>('POST', '/executions', body, opts.signal);
  }

  getExecution(id: string, signal?: AbortSignal): Promise<MistralExecution | undefined> {
    return this.find<MistralExecution>(`/executions/${enc(id)}`, signal);
  }

  /**
   * Pauses (PAUSED), resumes (RUNNING), cancels (CANCELLED) or fails (ERROR) an execution;
   * `stateInfo` becomes its state_info (and the `result` of its output). Mistral refuses some
   * changes with a 400 but silently ignores others (resuming a CANCELLED execution answers 200
   * with the execution unchanged): both are errors here.
   */
  async updateExecutionState(id: string, state: ExecutionStateChange, opts: { stateInfo?: string; signal?: AbortSignal } = {}): Promise<MistralExecution> {
    const body: Record<string, unknown> = { state };
    if (opts.stateInfo !== undefined) body.state_info = opts.stateInfo;
    const ex = await this.json<MistralExecution>('PUT', `/executions/${enc(id)}`, body, opts.signal);
    if (ex.state !== state) {
      throw new OpenStackError(`mistral: execution ${id} stayed ${ex.state}; Mistral did not move it to ${state}`, {
        service: 'mistral',
        method: 'PUT',
        url: `/executions/${id}`,
      });
    }
    return ex;
  }

  /** Deletes an execution; Mistral refuses (403) one that has not ended unless `force`. A missing one is not an error. */
  deleteExecution(id: string, opts: { force?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    return this.remove(`/executions/${enc(id)}${opts.force ? '?force=true' : ''}`, opts.signal);
  }

  /**
   * Executions of one workflow, newest first, through pages of `limit`, at most `max` of them.
   * Lists leave `output` out unless `fields` asks for it.
   */
  listExecutionsOf(
    workflowName: string,
    opts: { state?: ExecutionState; limit?: number; max?: number; fields?: string[]; signal?: AbortSignal } = {},
  ): Promise<MistralExecution[]> {
    const query: Record<string, string> = { workflow_name: workflowName, sort_keys: 'created_at,id', sort_dirs: 'desc,desc' };
    if (opts.state) query.state = opts.state;
    if (opts.fields) query.fields = [...new Set(['id', 'created_at', ...opts.fields])].join(',');
    return this.listAll<MistralExecution>('/executions', 'executions', query, opts);
  }

  /**
   * Polls an execution until it is SUCCESS, ERROR or CANCELLED and returns it with its output
   * parsed; an ERROR is returned, not thrown. A PAUSED execution is waited on like a running one.
   */
  async waitForExecution(id: string, opts: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {}): Promise<FinishedExecution> {
    const info: RequestInfo = { service: 'mistral', method: 'WAIT', url: `execution ${id}` };
    const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
    const started = Date.now();
    let interval = opts.intervalMs ?? 250;
    for (;;) {
      const ex = await this.json<MistralExecution>('GET', `/executions/${enc(id)}`, undefined, opts.signal);
      if (ex.state === 'SUCCESS' || ex.state === 'ERROR' || ex.state === 'CANCELLED') {
        return { ...ex, state: ex.state, parsedOutput: parseJson<Record<string, unknown>>(ex.output, {}) };
      }
      if (Date.now() - started + interval > timeoutMs) throw new TimeoutError(info, timeoutMs);
      await sleep(interval, opts.signal, info);
      // unless told otherwise: quick workflows end in a fraction of a second, long ones need not be polled that often
      if (opts.intervalMs === undefined) interval = Math.min(interval * 1.5, 2000);
    }
  }

  // --- tasks ---

  /** The tasks of an execution (without their results: Mistral leaves them out of lists). */
  listTasks(executionId: string, opts: { limit?: number; signal?: AbortSignal } = {}): Promise<MistralTask[]> {
    return this.listAll<MistralTask>(`/executions/${enc(executionId)}/tasks`, 'tasks', {}, opts);
  }

  /** One task with its result and what it published, parsed. */
  async getTask(id: string, signal?: AbortSignal): Promise<MistralTaskWithResult | undefined> {
    const t = await this.find<MistralTask>(`/tasks/${enc(id)}`, signal);
    if (!t) return undefined;
    return {
      ...t,
      result: t.result ?? '',
      parsedResult: parseJson<unknown>(t.result, undefined),
      parsedPublished: parseJson<Record<string, unknown>>(t.published, {}),
    };
  }

  // --- environments: variables are an object here and JSON text on the wire ---

  async createEnvironment(
    name: string,
    variables: Record<string, unknown>,
    opts: { description?: string; signal?: AbortSignal } = {},
  ): Promise<MistralEnvironment> {
    const body: Record<string, unknown> = { name, variables: JSON.stringify(variables) };
    if (opts.description !== undefined) body.description = opts.description;
    return environmentFrom(await this.json<RawEnvironment>('POST', '/environments', body, opts.signal));
  }

  /** Replaces the variables and/or the description; what is not given stays. */
  async updateEnvironment(
    name: string,
    opts: { variables?: Record<string, unknown>; description?: string; signal?: AbortSignal },
  ): Promise<MistralEnvironment> {
    const body: Record<string, unknown> = { name };
    if (opts.variables) body.variables = JSON.stringify(opts.variables);
    if (opts.description !== undefined) body.description = opts.description;
    return environmentFrom(await this.json<RawEnvironment>('PUT', '/environments', body, opts.signal));
  }

  /** Every environment (their variables parsed). */
  async listEnvironments(signal?: AbortSignal): Promise<MistralEnvironment[]> {
    const body = await this.json<{ environments: (Omit<MistralEnvironment, 'variables'> & { variables?: unknown })[] }>(
      'GET',
      '/environments',
      undefined,
      signal,
    );
    return (body.environments ?? []).map((e) => ({
      ...e,
      variables: typeof e.variables === 'string' ? parseJson<Record<string, unknown>>(e.variables, {}) : ((e.variables as Record<string, unknown>) ?? {}),
    }));
  }

  async getEnvironment(name: string, signal?: AbortSignal): Promise<MistralEnvironment | undefined> {
    const raw = await this.find<RawEnvironment>(`/environments/${enc(name)}`, signal);
    return raw && environmentFrom(raw);
  }

  /** A missing environment is not an error. */
  deleteEnvironment(name: string, signal?: AbortSignal): Promise<void> {
    return this.remove(`/environments/${enc(name)}`, signal);
  }

  // --- actions ---

  /**
   * Runs one action synchronously in the API and returns its result. An action that fails is an
   * ActionExecutionError carrying the result. Nothing is stored unless `saveResult`: stored action
   * executions cannot be deleted through the API on a default Mistral.
   */
  async runAction<T = unknown>(
    name: string,
    input: Record<string, unknown> = {},
    opts: { saveResult?: boolean; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    const body = {
      name,
      input: JSON.stringify(input),
      params: JSON.stringify({ run_sync: true, save_result: opts.saveResult ?? false }),
    };
    const ex = await this.json<{ state: string; output?: string; state_info?: string | null }>('POST', '/action_executions', body, opts.signal, {
      timeoutMs: opts.timeoutMs,
    });
    const result = parseJson<{ result?: unknown }>(ex.output, {}).result;
    if (ex.state !== 'SUCCESS') {
      throw new ActionExecutionError({ service: 'mistral', method: 'POST', url: '/action_executions' }, name, result ?? ex.state_info ?? ex.state);
    }
    return result as T;
  }
}

/** The workflows a workbook definition declares, by their short names. */
function workflowNames(definition: string): string[] {
  try {
    const doc = parse(definition) as { workflows?: Record<string, unknown> } | null;
    // like Mistral, ignore the "version" key that a spec list may carry
    return Object.keys(doc?.workflows ?? {}).filter((k) => k !== 'version');
  } catch {
    return [];
  }
}

type RawEnvironment = Omit<MistralEnvironment, 'variables'> & { variables?: string | Record<string, unknown> | null };

function environmentFrom(raw: RawEnvironment): MistralEnvironment {
  // JSON text from every Mistral we know, but an object costs nothing to accept
  const variables = typeof raw.variables === 'string' ? parseJson<Record<string, unknown>>(raw.variables, {}) : (raw.variables ?? {});
  return { ...raw, variables };
}
