import * as fs from 'node:fs/promises';
import type { IronicNode } from '../openstack/ironic';
import { PlanError } from './errors';
import { checkNodeCount, nodeBatchSize } from './limits';
import { formatNodeProblem, NodeFile, NodeSpec, parseNodeFile } from './instackenv';
import type { Undercloud } from './undercloud';
import { ensureWorkbooks } from './workbookInstaller';
import { startAndWait } from './workflows';
import { redactText } from '../openstack/redact';

const WORKBOOK = 'tripleo.baremetal.v1';

/** What a node workflow says about one node. */
export interface NodeReport {
  uuid?: string;
  name: string;
  ok: boolean;
  provisionState?: string | null;
  message: string;
}

export interface NodeOperationResult {
  executionId: string;
  ok: boolean;
  message: string;
  nodes: NodeReport[];
}

/** One batch of a registration (or its removal step), as it is reported while the next one runs. */
export interface NodeBatchReport {
  /** 1-based; the removal step comes after the last batch */
  index: number;
  count: number;
  step: 'register' | 'remove';
  /** positions in the file, 1-based, of the batch's first and last node */
  first: number;
  last: number;
  executionId?: string;
  ok: boolean;
  message: string;
}

export interface RegistrationResult extends NodeOperationResult {
  dryRun: boolean;
  registered: { uuid: string; name: string }[];
  updated: { uuid: string; name: string }[];
  removed: { uuid: string; name: string }[];
  /** every execution, in order (one per batch, then the removal step) */
  batches: NodeBatchReport[];
  /** the later steps asked for with --introspect / --provide */
  introspection?: NodeOperationResult;
  provision?: NodeOperationResult;
}

export interface NodeOperationOptions {
  signal?: AbortSignal;
  /** seconds a node may take to reach its state */
  timeout?: number;
  concurrency?: number;
  onStarted?: (executionId: string) => void;
}

/**
 * Reads and checks an instackenv file; with an undercloud, drivers are checked against the ones
 * Ironic has enabled. Errors throw a PlanError listing every problem with its line.
 */
export async function readNodeFile(file: string, uc?: Undercloud, signal?: AbortSignal): Promise<NodeFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new PlanError('node-file', `${file}: cannot read: ${(e as Error).message}`);
  }
  const drivers = uc ? await uc.ironic.listDrivers(signal) : undefined;
  return checkedNodeFile(parseNodeFile(text, file, { drivers }));
}

/** The parsed file, or a PlanError with every error when there is one. */
export function checkedNodeFile(parsed: NodeFile): NodeFile {
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    throw new PlanError(
      'node-file',
      `${errors.length === 1 ? 'the node file has an error' : `the node file has ${errors.length} errors`}; nothing was sent:\n${errors.map(formatNodeProblem).join('\n')}`,
    );
  }
  return parsed;
}

function reports(value: unknown): NodeReport[] {
  if (!Array.isArray(value)) return [];
  return value.map((r: Record<string, unknown>) => ({
    uuid: typeof r.uuid === 'string' ? r.uuid : undefined,
    name: String(r.name ?? r.node ?? r.uuid ?? '?'),
    ok: r.ok === true,
    provisionState: (r.provision_state as string | null | undefined) ?? undefined,
    message: redactText(String(r.message ?? '')),
  }));
}

/**
 * Runs a node workflow and returns its per-node report whether or not every node made it; only a
 * workflow that could not report (a bad request, Mistral itself failing) throws.
 */
async function runNodeWorkflow(
  uc: Undercloud,
  workflow: string,
  input: Record<string, unknown>,
  opts: NodeOperationOptions,
): Promise<{ result: NodeOperationResult; output: Record<string, unknown> }> {
  await ensureWorkbooks(uc.mistral);
  const done = await startAndWait(uc.mistral, `${WORKBOOK}.${workflow}`, input, {
    timeoutMs: ((opts.timeout ?? 1200) + 120) * 1000,
    intervalMs: 1000,
    signal: opts.signal,
    onStarted: opts.onStarted,
  });
  const output = done.parsedOutput ?? {};
  if (typeof output.message !== 'string' || !output.message) {
    throw new PlanError('workflow-failed', `${workflow} failed: ${redactText(done.state_info ?? String(output.result ?? done.state)).slice(0, 600)}`);
  }
  // the raw output is not returned: on failure Mistral puts the whole context, token included, in it
  return {
    result: {
      executionId: done.id,
      ok: done.state === 'SUCCESS' && output.status !== 'FAILED',
      message: redactText(output.message),
      nodes: reports(output.nodes),
    },
    output,
  };
}

export type RegistrationOptions = NodeOperationOptions & {
  remove?: boolean;
  dryRun?: boolean;
  instanceBootOption?: 'local' | 'netboot';
  introspect?: boolean;
  provide?: boolean;
  /** nodes per workflow execution (LIMITS.nodesPerBatch unless told) */
  batchSize?: number;
  /** after each batch and the removal step */
  onBatch?: (batch: NodeBatchReport) => void;
};

/** How a batch is named to the user: `batch 2/4 (nodes 251–500)`, or the removal step. */
export function batchLabel(b: NodeBatchReport): string {
  return b.step === 'remove' ? 'removal step' : `batch ${b.index}/${b.count} (nodes ${b.first}–${b.last})`;
}

/** `items` in consecutive slices of at most `size`. */
function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Pair = { uuid: string; name: string };
const pairs = (v: unknown): Pair[] => (Array.isArray(v) ? v.map((x: Pair) => ({ uuid: x.uuid, name: x.name })) : []);

function namesText(xs: { name: string }[], max = 20): string {
  return xs.length > max
    ? `${xs
        .slice(0, max)
        .map((x) => x.name)
        .join(', ')} … and ${xs.length - max} more`
    : xs.map((x) => x.name).join(', ');
}

/**
 * Registers the nodes in Ironic (or says what would change, with dryRun), then optionally
 * introspects them and makes them available. A file larger than one batch goes to Mistral batch
 * by batch, one execution each, so that no execution holds more than a batch of nodes.
 */
export async function registerNodes(uc: Undercloud, nodes: NodeSpec[], opts: RegistrationOptions = {}): Promise<RegistrationResult> {
  checkNodeCount(nodes.length);
  const size = nodeBatchSize(opts.batchSize);
  const batches = chunks(nodes, size);
  let result: RegistrationResult;
  if (batches.length <= 1) {
    // one execution decides everything, removal included, before it changes anything
    result = await registerBatch(uc, nodes, { index: 1, count: 1, first: 1, remove: !!opts.remove }, opts);
  } else {
    if (!opts.dryRun) {
      // every batch and the removal checked first: a refused driver, two entries matching one node
      // or a deployed node to remove then changes nothing rather than stopping after some batches
      const check = await registerInBatches(uc, batches, { ...opts, dryRun: true, onBatch: undefined });
      if (!check.ok) return { ...check, dryRun: false, message: `nothing was changed: ${check.message}` };
    }
    result = await registerInBatches(uc, batches, opts);
  }
  if (!result.ok || opts.dryRun) return result;
  // introspection needs manageable nodes: those already available are left as they are
  const uuids = result.nodes.filter((n) => n.provisionState === 'manageable' && n.uuid).map((n) => n.uuid!);
  if (opts.introspect && uuids.length) {
    result.introspection = await moveInBatches(uc, 'introspect', uuids, size, opts);
    result.message += `; introspection: ${result.introspection.message}`;
    if (!result.introspection.ok) return { ...result, ok: false };
  }
  if (opts.provide && uuids.length) {
    result.provision = await moveInBatches(uc, 'provide', uuids, size, opts);
    result.message += `; provide: ${result.provision.message}`;
    if (!result.provision.ok) return { ...result, ok: false };
  }
  return result;
}

async function registerBatch(
  uc: Undercloud,
  nodes: NodeSpec[],
  at: { index: number; count: number; first: number; remove: boolean },
  opts: RegistrationOptions,
): Promise<RegistrationResult> {
  const { result: r, output } = await runNodeWorkflow(
    uc,
    'register_or_update',
    { nodes, remove: at.remove, dry_run: !!opts.dryRun, instance_boot_option: opts.instanceBootOption ?? null, timeout: opts.timeout ?? 600 },
    opts,
  );
  const batch: NodeBatchReport = {
    index: at.index,
    count: at.count,
    step: 'register',
    first: at.first,
    last: at.first + nodes.length - 1,
    executionId: r.executionId,
    ok: r.ok,
    message: r.message,
  };
  opts.onBatch?.(batch);
  return {
    ...r,
    dryRun: !!opts.dryRun,
    registered: pairs(output.registered),
    updated: pairs(output.updated),
    removed: pairs(output.removed),
    batches: [batch],
  };
}

/**
 * The batches one after the other, then (with remove) one removal step given every uuid the batches
 * reported: a batch alone cannot tell a node another batch keeps from one the file dropped. The
 * first batch that fails stops the run, and the result says what was applied and what is registered.
 */
async function registerInBatches(uc: Undercloud, batches: NodeSpec[][], opts: RegistrationOptions): Promise<RegistrationResult> {
  const done: RegistrationResult[] = [];
  let first = 1;
  for (let i = 0; i < batches.length; i++) {
    const at = { index: i + 1, count: batches.length, first, remove: false };
    let r: RegistrationResult;
    try {
      r = await registerBatch(uc, batches[i], at, opts);
    } catch (e) {
      const batch: NodeBatchReport = { ...at, step: 'register', last: first + batches[i].length - 1, ok: false, message: (e as Error).message };
      opts.onBatch?.(batch);
      r = { executionId: '', ok: false, message: batch.message, nodes: [], dryRun: !!opts.dryRun, registered: [], updated: [], removed: [], batches: [batch] };
    }
    if (!r.ok) return failedBatch(uc, batches, done, r, opts);
    done.push(r);
    first += batches[i].length;
  }
  const merged: RegistrationResult = {
    executionId: done[done.length - 1].executionId,
    ok: true,
    message: '',
    nodes: done.flatMap((r) => r.nodes),
    dryRun: !!opts.dryRun,
    registered: done.flatMap((r) => r.registered),
    updated: done.flatMap((r) => r.updated),
    removed: [],
    batches: done.flatMap((r) => r.batches),
  };
  const sent = `in ${batches.length} batches of up to ${batches[0].length}`;
  if (opts.remove) {
    const keep = [...merged.registered, ...merged.updated].map((n) => n.uuid);
    const step = await removeAbsent(uc, keep, { index: batches.length + 1, count: batches.length, first: 1, last: first - 1 }, opts);
    merged.batches.push(step.batch);
    merged.removed = step.removed;
    merged.executionId = step.batch.executionId ?? merged.executionId;
    if (!step.batch.ok) {
      return {
        ...merged,
        ok: false,
        message: `all ${batches.length} batches were ${opts.dryRun ? 'checked' : 'applied'} (${opts.dryRun ? 'would register' : 'registered'} ${merged.registered.length}, ${opts.dryRun ? 'update' : 'updated'} ${merged.updated.length} nodes), but the removal step failed: ${step.batch.message}${step.removed.length ? `; removed before it stopped: ${namesText(step.removed)}` : ''}`,
      };
    }
  }
  merged.message = opts.dryRun
    ? `dry run: would register ${merged.registered.length}, update ${merged.updated.length} and remove ${merged.removed.length} nodes (${sent})`
    : `registered ${merged.registered.length}, updated ${merged.updated.length} and removed ${merged.removed.length} nodes ${sent}`;
  return merged;
}

async function removeAbsent(
  uc: Undercloud,
  keep: string[],
  at: { index: number; count: number; first: number; last: number },
  opts: RegistrationOptions,
): Promise<{ batch: NodeBatchReport; removed: Pair[] }> {
  let batch: NodeBatchReport;
  let removed: Pair[] = [];
  try {
    const { result, output } = await runNodeWorkflow(uc, 'remove_absent', { keep, dry_run: !!opts.dryRun, concurrency: opts.concurrency ?? 8 }, opts);
    removed = pairs(output.removed);
    batch = { ...at, step: 'remove', executionId: result.executionId, ok: result.ok, message: result.message };
  } catch (e) {
    batch = { ...at, step: 'remove', ok: false, message: (e as Error).message };
  }
  opts.onBatch?.(batch);
  return { batch, removed };
}

/** What a registration stopped by a failed batch leaves: the batches applied, the nodes registered, what was not sent. */
async function failedBatch(
  uc: Undercloud,
  batches: NodeSpec[][],
  done: RegistrationResult[],
  failed: RegistrationResult,
  opts: RegistrationOptions,
): Promise<RegistrationResult> {
  const b = failed.batches[0];
  const applied = done.flatMap((r) => [...r.registered, ...r.updated]);
  const parts = [`batch ${b.index} of ${b.count} (nodes ${b.first}–${b.last}) failed: ${b.message}`];
  if (opts.dryRun) {
    parts.push(done.length ? `batches 1–${done.length} were checked` : 'no batch was checked before it');
  } else {
    parts.push(
      done.length
        ? `applied before it: batch${done.length > 1 ? `es 1–${done.length}` : ' 1'} (nodes 1–${b.first - 1}: registered ${done.reduce((n, r) => n + r.registered.length, 0)}, updated ${done.reduce((n, r) => n + r.updated.length, 0)})`
        : 'no batch was applied before it',
    );
    // the failed batch deletes the nodes it created when Ironic refuses one; a node that did not become
    // manageable stays: Ironic's own listing says which nodes of the file are there now
    const listed = await uc.ironic.listNodes(opts.signal).catch(() => undefined);
    const candidates = [...applied, ...failed.registered, ...failed.updated];
    if (listed) {
      const present = new Set(listed.map((n) => n.uuid));
      const registered = candidates.filter((n) => present.has(n.uuid));
      parts.push(
        `registered in Ironic now: ${registered.length} of the file's ${batches.flat().length} nodes${registered.length ? ` (${namesText(registered)})` : ''}`,
      );
    } else parts.push('Ironic could not be asked which nodes are registered now (tripleo node list shows them)');
    if (b.index < b.count)
      parts.push(`not sent: batch${b.index + 1 < b.count ? `es ${b.index + 1}–${b.count}` : ` ${b.count}`} (nodes ${b.last + 1}–${batches.flat().length})`);
    if (opts.remove) parts.push('nothing was removed');
    parts.push('run the same import again to finish: registered nodes are matched and updated in place');
  }
  return {
    executionId: b.executionId ?? done[done.length - 1]?.executionId ?? '',
    ok: false,
    message: parts.join('; '),
    nodes: [...done.flatMap((r) => r.nodes), ...failed.nodes],
    dryRun: !!opts.dryRun,
    registered: [...done.flatMap((r) => r.registered), ...failed.registered],
    updated: [...done.flatMap((r) => r.updated), ...failed.updated],
    removed: [],
    batches: [...done.flatMap((r) => r.batches), b],
  };
}

/** introspect or provide for many nodes: the same batches as the registration, one execution each. */
async function moveInBatches(
  uc: Undercloud,
  move: 'introspect' | 'provide',
  uuids: string[],
  size: number,
  opts: NodeOperationOptions,
): Promise<NodeOperationResult> {
  const results: NodeOperationResult[] = [];
  for (const batch of chunks(uuids, size)) {
    const r = await moveNodes(uc, move, batch, opts);
    results.push(r);
    if (!r.ok) break;
  }
  if (results.length === 1) return results[0];
  const last = results[results.length - 1];
  return {
    executionId: last.executionId,
    ok: last.ok,
    message: last.ok ? results.map((r) => r.message).join('; ') : `batch ${results.length} failed: ${last.message}`,
    nodes: results.flatMap((r) => r.nodes),
  };
}

/** introspect, provide and manage: tripleo.baremetal.v1.set_provision_state with the move's verb and target. */
function moveNodes(uc: Undercloud, move: 'introspect' | 'provide' | 'manage', nodes: string[], opts: NodeOperationOptions): Promise<NodeOperationResult> {
  return runNodeWorkflow(uc, move, { node_uuids: nodes, concurrency: opts.concurrency ?? 8, timeout: opts.timeout ?? 1200 }, opts).then((r) => r.result);
}

/** Introspects the nodes (every manageable one when none are named). */
export function introspectNodes(uc: Undercloud, nodes: string[], opts: NodeOperationOptions = {}): Promise<NodeOperationResult> {
  return moveNodes(uc, 'introspect', nodes, opts);
}

/** Makes the nodes available (every manageable one when none are named). */
export function provideNodes(uc: Undercloud, nodes: string[], opts: NodeOperationOptions = {}): Promise<NodeOperationResult> {
  return moveNodes(uc, 'provide', nodes, opts);
}

/** Takes the nodes back to manageable (every available one when none are named). */
export function manageNodes(uc: Undercloud, nodes: string[], opts: NodeOperationOptions = {}): Promise<NodeOperationResult> {
  return moveNodes(uc, 'manage', nodes, opts);
}

/** The profile TripleO's flavors use for a role (Controller nodes are tagged "control"). */
export function profileForRole(role: string): string {
  const known: Record<string, string> = {
    Controller: 'control',
    Compute: 'compute',
    CephStorage: 'ceph-storage',
    BlockStorage: 'block-storage',
    ObjectStorage: 'swift-storage',
  };
  return known[role] ?? role.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** Tags the nodes for a role (capability profile:<role>); an empty profile removes the tag. */
export function tagNodes(uc: Undercloud, nodes: string[], profile: string, opts: NodeOperationOptions = {}): Promise<NodeOperationResult> {
  if (!nodes.length) throw new PlanError('no-nodes', 'name at least one node to tag');
  if (profile && !/^[A-Za-z0-9_.-]+$/.test(profile))
    throw new PlanError('bad-profile', `"${profile}" cannot be a profile: letters, digits, "_", "." and "-" only`);
  return runNodeWorkflow(uc, 'tag_nodes', { node_uuids: nodes, profile }, opts).then((r) => r.result);
}

export function deleteNodes(uc: Undercloud, nodes: string[], opts: NodeOperationOptions = {}): Promise<NodeOperationResult> {
  if (!nodes.length) throw new PlanError('no-nodes', 'name at least one node to delete');
  return runNodeWorkflow(uc, 'delete', { node_uuids: nodes, concurrency: opts.concurrency ?? 8 }, opts).then((r) => r.result);
}

/** The capabilities of a node as a map (`profile:compute,boot_option:local`). */
export function nodeCapabilities(node: Pick<IronicNode, 'properties'>): Record<string, string> {
  const out: Record<string, string> = {};
  const caps = node.properties?.capabilities;
  const text =
    typeof caps === 'string'
      ? caps
      : caps && typeof caps === 'object'
        ? Object.entries(caps)
            .map(([k, v]) => `${k}:${String(v)}`)
            .join(',')
        : '';
  for (const part of text.split(',')) {
    const i = part.indexOf(':');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export interface NodeSummary {
  label: string;
  profile?: string;
  cpus?: number;
  memoryMb?: number;
  diskGb?: number;
  arch?: string;
  /** a provision or power transition is under way */
  busy: boolean;
}

function numberProperty(v: unknown): number | undefined {
  // inspector stores hardware facts as strings
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

export function nodeSummary(node: IronicNode): NodeSummary {
  const p = node.properties ?? {};
  return {
    label: node.name ?? node.uuid,
    profile: nodeCapabilities(node).profile,
    cpus: numberProperty(p.cpus),
    memoryMb: numberProperty(p.memory_mb),
    diskGb: numberProperty(p.local_gb),
    arch: typeof p.cpu_arch === 'string' ? p.cpu_arch : undefined,
    busy: !!node.target_provision_state || !!node.target_power_state,
  };
}

/** `4 CPU · 8 GiB · 40 GB · x86_64`, leaving out what is not known. */
export function hardwareText(s: NodeSummary): string {
  const parts: string[] = [];
  if (s.cpus !== undefined) parts.push(`${s.cpus} CPU`);
  if (s.memoryMb !== undefined) parts.push(s.memoryMb >= 1024 && s.memoryMb % 1024 === 0 ? `${s.memoryMb / 1024} GiB` : `${s.memoryMb} MiB`);
  if (s.diskGb !== undefined) parts.push(`${s.diskGb} GB`);
  if (s.arch) parts.push(s.arch);
  return parts.join(' · ');
}

/** Node names or UUIDs to UUIDs; an unknown one is an error naming it (and a near name). */
export async function resolveNodes(uc: Undercloud, refs: string[], signal?: AbortSignal): Promise<IronicNode[]> {
  const all = await uc.ironic.listNodes(signal);
  const missing: string[] = [];
  const out: IronicNode[] = [];
  for (const ref of refs) {
    const n = all.find((x) => x.uuid === ref || x.name === ref);
    if (n) out.push(n);
    else missing.push(ref);
  }
  if (missing.length) throw new PlanError('no-such-node', `no such node${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  return out;
}
