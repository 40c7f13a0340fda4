import * as fs from 'node:fs/promises';
import type { IronicNode } from '../openstack/ironic';
import { PlanError } from './errors';
import { checkNodeCount } from './limits';
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

export interface RegistrationResult extends NodeOperationResult {
  dryRun: boolean;
  registered: { uuid: string; name: string }[];
  updated: { uuid: string; name: string }[];
  removed: { uuid: string; name: string }[];
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

/**
 * Registers the nodes in Ironic (or says what would change, with dryRun), then optionally
 * introspects them and makes them available.
 */
export async function registerNodes(
  uc: Undercloud,
  nodes: NodeSpec[],
  opts: NodeOperationOptions & { remove?: boolean; dryRun?: boolean; instanceBootOption?: 'local' | 'netboot'; introspect?: boolean; provide?: boolean } = {},
): Promise<RegistrationResult> {
  checkNodeCount(nodes.length);
  const { result: r, output } = await runNodeWorkflow(
    uc,
    'register_or_update',
    { nodes, remove: !!opts.remove, dry_run: !!opts.dryRun, instance_boot_option: opts.instanceBootOption ?? null, timeout: opts.timeout ?? 600 },
    opts,
  );
  const pairs = (v: unknown) => (Array.isArray(v) ? v.map((x: { uuid: string; name: string }) => ({ uuid: x.uuid, name: x.name })) : []);
  const result: RegistrationResult = {
    ...r,
    dryRun: !!opts.dryRun,
    registered: pairs(output.registered),
    updated: pairs(output.updated),
    removed: pairs(output.removed),
  };
  if (!result.ok || opts.dryRun) return result;
  // introspection needs manageable nodes: those already available are left as they are
  const uuids = result.nodes.filter((n) => n.provisionState === 'manageable' && n.uuid).map((n) => n.uuid!);
  if (opts.introspect && uuids.length) {
    result.introspection = await introspectNodes(uc, uuids, opts);
    result.message += `; introspection: ${result.introspection.message}`;
    if (!result.introspection.ok) return { ...result, ok: false };
  }
  if (opts.provide && uuids.length) {
    result.provision = await provideNodes(uc, uuids, opts);
    result.message += `; provide: ${result.provision.message}`;
    if (!result.provision.ok) return { ...result, ok: false };
  }
  return result;
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
