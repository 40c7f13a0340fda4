import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { SwiftClient } from '../openstack/swift';
import { getCapabilities, updateSelection, CapabilityTopic } from './capabilities';
import { CAPABILITIES_MAP_FILE, checkMapAgainstFiles, parseCapabilitiesMap, CapabilitiesMap } from './capabilitiesMap';
import { mapLimit } from './concurrency';
import { listRoles, PlanFiles } from './heatFiles';
import { PlanError } from './errors';
import { LocalFile, RESERVED_PREFIX, scanPlanFolder } from './localPlan';
import { planDataNames, PlanData, readPlanData, requirePlanData, selectedPaths, writePlanData } from './planData';
import { assertPlanName } from './planName';
import { withRenderedFiles } from './planRendering';
import type { Undercloud } from './undercloud';
import { PLAN_CONTAINER_META } from './undercloud';

/** Container metadata of a plan whose create has not finished (the next create resumes it). */
const CREATING_META = 'tripleo-creating';
import { uploadPlanFolder, UploadOptions, UploadResult } from './upload';
import { checkPlanSize } from './limits';
import { acquirePlanLock, ensurePlanSettled, withPlanLock } from './planLock';
import { ensureWorkbooks } from './workbookInstaller';
import { runWorkflow } from './workflows';

export const PLAN_WORKBOOK = 'tripleo.plan_management.v1';

export interface PlanSummary {
  name: string;
  objects: number;
  bytes: number;
}

/** Containers marked as deployment plans (X-Container-Meta-Usage-Tripleo: plan). */
export async function listPlanContainers(swift: SwiftClient, signal?: AbortSignal): Promise<PlanSummary[]> {
  const containers = await swift.listContainers({ signal });
  const infos = await mapLimit(containers, 8, async (c) => ({ name: c.name, info: await swift.containerInfo(c.name, signal) }));
  const plans = infos.filter((c) => c.info?.metadata[PLAN_CONTAINER_META] === 'plan');
  // the upload's journal, backups and lock are not the plan's files
  return mapLimit(plans, 8, async (c) => {
    const reserved = await swift.listObjects(c.name, { prefix: RESERVED_PREFIX, signal });
    return { name: c.name, objects: c.info!.count - reserved.length, bytes: c.info!.bytes - reserved.reduce((n, o) => n + o.bytes, 0) };
  });
}

/** Plans: marked containers that also have plan data. */
export async function listPlans(uc: Undercloud, signal?: AbortSignal): Promise<PlanSummary[]> {
  const [containers, data] = await Promise.all([listPlanContainers(uc.swift, signal), planDataNames(uc.mistral, signal)]);
  return containers.filter((c) => data.has(c.name));
}

/**
 * Checks a local plan folder before anything is sent: its capabilities map and the files it names.
 * `files` are the folder's files as they will be uploaded (rendered ones included), when already known.
 */
export function checkLocalPlan(folder: string, files: LocalFile[] = scanPlanFolder(folder)): CapabilitiesMap {
  const mapFile = path.join(folder, CAPABILITIES_MAP_FILE);
  if (!fs.existsSync(mapFile)) throw new PlanError('missing-capabilities-map', `${folder} has no ${CAPABILITIES_MAP_FILE}: it is not a plan folder`);
  const map = parseCapabilitiesMap(fs.readFileSync(mapFile, 'utf8'), mapFile);
  checkPlanSize(files, folder);
  // Released maps name environments their tree does not ship (queens: environments/aide.yaml...).
  // tripleo-common accepted them and such an environment cannot be enabled (updateSelection), so
  // only a missing root template or root environment, or a file listed twice, refuses the plan.
  const isRoot = (file: string) => file === map.rootTemplate || file === map.rootEnvironment;
  const problems = checkMapAgainstFiles(
    map,
    files.map((f) => f.name),
  ).filter((p) => p.kind === 'duplicate' || (p.kind === 'missing-file' && isRoot(p.file)));
  if (problems.length)
    throw new PlanError(
      'invalid-capabilities-map',
      `${mapFile} does not match the folder`,
      problems.map((p) => p.message),
    );
  return map;
}

/** Scans a folder once, renders its Jinja templates where it has roles_data.yaml and checks the result: nothing is sent yet. */
async function preparePlanFolder(folder: string, opts: UploadOptions): Promise<UploadOptions> {
  opts.onProgress?.({ phase: 'scanning', done: 0, total: 0 });
  const files = await withRenderedFiles(folder, scanPlanFolder(folder));
  checkLocalPlan(folder, files);
  return { ...opts, files };
}

export interface PlanCommandOptions extends UploadOptions {
  /** Generate passwords for the root template's *Password parameters (default true). */
  generatePasswords?: boolean;
}

/**
 * Upload a folder and make it a plan. A create that fails removes what it wrote; one that could
 * not (Swift or the client died) leaves a container marked as being created, which the next
 * create of that name resumes.
 */
export async function createPlan(
  uc: Undercloud,
  name: string,
  folder: string,
  opts: PlanCommandOptions = {},
): Promise<{ message: string; upload: UploadResult; executionId: string }> {
  assertPlanName(name);
  const prepared = await preparePlanFolder(folder, opts);
  if (await readPlanData(uc.mistral, name, opts.signal)) throw new PlanError('plan-exists', `plan "${name}" already exists`);
  const meta = await uc.swift.containerMetadata(name, opts.signal);
  if (meta && meta[CREATING_META] === undefined) {
    throw new PlanError('container-exists', `a Swift container named "${name}" already exists and is not a plan: choose another name or delete it`);
  }
  await ensureWorkbooks(uc.mistral);
  if (!meta) await uc.swift.createContainer(name, { [CREATING_META]: new Date().toISOString() }, opts.signal);
  return withPlanLock(uc.swift, name, 'plan create', async () => {
    try {
      const upload = await uploadPlanFolder(uc.swift, folder, name, prepared);
      const r = await runWorkflow(
        uc.mistral,
        `${PLAN_WORKBOOK}.create_deployment_plan`,
        { container: name, generate_passwords: opts.generatePasswords ?? true },
        { signal: opts.signal },
      );
      await uc.swift.setContainerMetadata(name, { [CREATING_META]: '' }).catch(() => undefined);
      return { message: r.message, upload: { ...upload, created: true }, executionId: r.executionId };
    } catch (e) {
      if (await readPlanData(uc.mistral, name).catch(() => undefined)) throw e;
      const removed = await removeContainer(uc.swift, name);
      if (removed || !(e instanceof PlanError)) throw e;
      throw new PlanError(
        e.code,
        `${e.message.replace(/; the plan was left as it was before$/, '')}; what was written could not be removed yet: run the same "plan create" again to resume it`,
      );
    }
  });
}

/** Replace a plan's templates with a folder's; selections and parameter values are kept where they still apply. */
export async function updatePlan(
  uc: Undercloud,
  name: string,
  folder: string,
  opts: UploadOptions = {},
): Promise<{ message: string; upload: UploadResult; dropped: string[] }> {
  const prepared = await preparePlanFolder(folder, opts);
  await requirePlanData(uc.mistral, name, opts.signal);
  await ensureWorkbooks(uc.mistral);
  return withPlanLock(uc.swift, name, 'plan update', async () => {
    const upload = await uploadPlanFolder(uc.swift, folder, name, prepared);
    const r = await runWorkflow(uc.mistral, `${PLAN_WORKBOOK}.update_deployment_plan`, { container: name }, { signal: opts.signal });
    return { message: r.message, upload, dropped: (r.output.dropped_environments as string[]) ?? [] };
  });
}

/** Delete a plan (refused by the workflow while a stack of that name exists, or while another client holds it). */
export async function deletePlan(uc: Undercloud, name: string, signal?: AbortSignal): Promise<string> {
  assertPlanName(name);
  await ensureWorkbooks(uc.mistral);
  const exists = await uc.swift.containerMetadata(name, signal);
  const run = async () => (await runWorkflow(uc.mistral, `${PLAN_WORKBOOK}.delete_deployment_plan`, { container: name }, { signal })).message;
  // the workflow deletes the lock object with everything else
  if (!exists) return run();
  const lock = await acquirePlanLock(uc.swift, name, 'plan delete', { signal });
  try {
    return await run();
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/** Whether every object and the container are gone. */
async function removeContainer(swift: SwiftClient, name: string): Promise<boolean> {
  try {
    const objects = await swift.listObjects(name);
    await mapLimit(objects, 16, (o) => swift.deleteObject(name, o.name));
    await swift.deleteContainer(name);
    return true;
  } catch {
    return false;
  }
}

/** The plan's template file names (not the upload bookkeeping). */
export async function planFileNames(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<string[]> {
  return (await uc.swift.listObjects(plan, { signal })).map((o) => o.name).filter((n) => !n.startsWith(RESERVED_PREFIX));
}

export async function readPlanMap(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<CapabilitiesMap> {
  return parseCapabilitiesMap(await uc.swift.getObjectText(plan, CAPABILITIES_MAP_FILE, signal), `${plan}/${CAPABILITIES_MAP_FILE}`);
}

export async function getPlanCapabilities(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<CapabilityTopic[]> {
  // the plan data first: a missing plan is "does not exist", not whichever 404 comes back first
  const data = await requirePlanData(uc.mistral, plan, signal);
  const [map, files] = await Promise.all([readPlanMap(uc, plan, signal), planFileNames(uc, plan, signal)]);
  return getCapabilities(map, selectedPaths(data), files);
}

/** Enable or disable environments; refuses (changing nothing) what breaks `requires` or exclusivity. */
export async function updatePlanCapabilities(uc: Undercloud, plan: string, changes: Record<string, boolean>, signal?: AbortSignal): Promise<string[]> {
  await requirePlanData(uc.mistral, plan, signal);
  return withPlanLock(uc.swift, plan, 'capabilities set', () => setCapabilities(uc, plan, changes, signal), { signal });
}

async function setCapabilities(uc: Undercloud, plan: string, changes: Record<string, boolean>, signal?: AbortSignal): Promise<string[]> {
  const [data, map, files] = await Promise.all([requirePlanData(uc.mistral, plan, signal), readPlanMap(uc, plan, signal), planFileNames(uc, plan, signal)]);
  const next = updateSelection(map, selectedPaths(data), changes, files);
  // inline {data: ...} environments keep their place at the front of the list
  const inline = data.environments.filter((e) => !('path' in e));
  await writePlanData(uc.mistral, plan, { ...data, environments: [...inline, ...next.map((p) => ({ path: p }))] }, signal);
  return next;
}

/**
 * Writes a plan's files and a plan-environment.yaml (without passwords unless asked) into a folder
 * that must not exist yet or be empty: nothing of the user's is overwritten.
 */
export async function exportPlan(
  uc: Undercloud,
  plan: string,
  folder: string,
  opts: { includePasswords?: boolean; signal?: AbortSignal } = {},
): Promise<string[]> {
  if (fs.existsSync(folder) && fs.readdirSync(folder).length)
    throw new PlanError('folder-not-empty', `${folder} is not empty: export into a new or empty folder`);
  const data = await requirePlanData(uc.mistral, plan, opts.signal);
  await ensurePlanSettled(uc.swift, plan, { signal: opts.signal });
  const files = await planFileNames(uc, plan, opts.signal);
  const root = path.resolve(folder);
  const written: string[] = [];
  await mapLimit(files, 16, async (name) => {
    const target = path.resolve(root, name);
    if (!target.startsWith(root + path.sep)) throw new PlanError('unsafe-object-name', `object "${name}" would be written outside ${root}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, await uc.swift.getObject(plan, name, opts.signal));
    written.push(name);
  });
  const planEnv: Record<string, unknown> = {
    version: 1.0,
    name: plan,
    template: data.template,
    environments: data.environments,
    parameter_defaults: data.parameter_defaults,
    ...(opts.includePasswords ? { passwords: data.passwords } : {}),
  };
  if (!written.includes('plan-environment.yaml')) {
    fs.writeFileSync(path.join(root, 'plan-environment.yaml'), stringify(planEnv));
    written.push('plan-environment.yaml');
  }
  return written.sort();
}

/** Roles from the plan's roles_data.yaml, else from the ResourceGroups of its root template. */
export async function listPlanRoles(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<ReturnType<typeof listRoles>> {
  const data = await requirePlanData(uc.mistral, plan, signal);
  const names = new Set(await planFileNames(uc, plan, signal));
  const files: PlanFiles = {};
  for (const f of ['roles_data.yaml', data.template]) if (names.has(f)) files[f] = await uc.swift.getObjectText(plan, f, signal);
  return listRoles(files, data.template);
}

export type { PlanData };
