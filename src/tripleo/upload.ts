import * as fs from 'node:fs';
import * as path from 'node:path';
import { HttpError } from '../openstack/errors';
import { SwiftClient } from '../openstack/swift';
import { tarFiles } from '../openstack/archive';
import { mapLimit } from './concurrency';
import { PlanError } from './errors';
import { LocalFile, RESERVED_PREFIX, scanPlanFolder } from './localPlan';

export const JOURNAL = `${RESERVED_PREFIX}upload-journal.json`;

export type UploadMethod = 'auto' | 'parallel' | 'bulk';

export interface UploadProgress {
  phase: 'scanning' | 'comparing' | 'uploading' | 'deleting' | 'committing' | 'rolling back';
  done: number;
  total: number;
}

export interface UploadOptions {
  method?: UploadMethod;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
  /** Test hook: called before each object is written, so a test can fail the upload midway. */
  beforeWrite?: (name: string, index: number) => void | Promise<void>;
  /** the folder's files when the caller has scanned it already, with any rendered files (their `data`) */
  files?: LocalFile[];
}

export interface UploadResult {
  container: string;
  created: boolean;
  uploaded: string[];
  deleted: string[];
  unchanged: number;
  method: 'parallel' | 'bulk' | 'none';
  /** requests sent to Swift, for benchmarks */
  requests: number;
}

interface Journal {
  txn: string;
  /** objects that did not exist before: deleted on rollback */
  created: string[];
  /** objects overwritten or deleted: restored from their backup on rollback */
  saved: string[];
}

const backupName = (txn: string, name: string) => `${RESERVED_PREFIX}backup/${txn}/${name}`;

/**
 * Makes a container hold exactly the plan folder's files, sending only what changed (MD5 against
 * the listing's hash). All or nothing: overwritten and deleted objects are first copied aside
 * (server-side) and a journal is written, so a failure midway, even a crash, is rolled back here or
 * by the next upload.
 */
export async function uploadPlanFolder(swift: SwiftClient, folder: string, container: string, opts: UploadOptions = {}): Promise<UploadResult> {
  const concurrency = opts.concurrency ?? 16;
  const progress = opts.onProgress ?? (() => undefined);
  let requests = 0;
  const count = <T>(p: Promise<T>) => {
    requests++;
    return p;
  };
  progress({ phase: 'scanning', done: 0, total: 0 });
  const local = opts.files ?? scanPlanFolder(folder);
  if (!local.length) throw new PlanError('empty-folder', `${folder} has no files to upload`);

  progress({ phase: 'comparing', done: 0, total: local.length });
  // the first request also pays for the token's validation: time the second one
  const exists = (await count(swift.containerMetadata(container, opts.signal))) !== undefined;
  let started = Date.now();
  const remote = exists ? await count(swift.listObjects(container, { limit: 10_000, signal: opts.signal })) : [];
  let rtt = Date.now() - started;
  if (remote.some((o) => o.name === JOURNAL)) {
    await rollback(swift, container, opts.signal);
    return uploadPlanFolder(swift, folder, container, opts);
  }
  const remoteHash = new Map(remote.filter((o) => !o.name.startsWith(RESERVED_PREFIX)).map((o) => [o.name, o.hash]));
  const localNames = new Set(local.map((f) => f.name));
  const toWrite = local.filter((f) => remoteHash.get(f.name) !== f.md5);
  const toDelete = [...remoteHash.keys()].filter((n) => !localNames.has(n));
  const unchanged = local.length - toWrite.length;
  const result: UploadResult = { container, created: !exists, uploaded: toWrite.map((f) => f.name), deleted: toDelete, unchanged, method: 'none', requests };
  if (!toWrite.length && !toDelete.length) return { ...result, requests };

  if (!exists) {
    started = Date.now();
    await count(swift.createContainer(container, {}, opts.signal));
    rtt = Date.now() - started;
  }
  // Swift's object server is the bottleneck on a near undercloud, where parallel PUTs beat one
  // archive; far away (slow round trips) the single extract-archive request wins.
  const method = opts.method === 'bulk' || (opts.method !== 'parallel' && toWrite.length >= 20 && rtt > 60) ? 'bulk' : 'parallel';
  result.method = toWrite.length ? method : 'none';

  if (!exists) {
    try {
      requests += await writeFiles(swift, folder, container, toWrite, method, concurrency, opts, progress);
    } catch (e) {
      progress({ phase: 'rolling back', done: 0, total: toWrite.length });
      // nothing was there before: leave nothing behind
      const removed = await swift
        .listObjects(container)
        .then((left) => mapLimit(left, concurrency, (o) => swift.deleteObject(container, o.name)))
        .then(() => swift.deleteContainer(container))
        .then(
          () => true,
          () => false,
        );
      throw uploadFailed(e, container, removed);
    }
    return { ...result, requests };
  }

  const journal: Journal = {
    txn: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    created: toWrite.filter((f) => !remoteHash.has(f.name)).map((f) => f.name),
    saved: [...toWrite.filter((f) => remoteHash.has(f.name)).map((f) => f.name), ...toDelete],
  };
  await count(swift.putObject(container, JOURNAL, JSON.stringify(journal), { contentType: 'application/json', signal: opts.signal }));
  try {
    await mapLimit(journal.saved, concurrency, (name) => count(swift.copyObject(container, name, container, backupName(journal.txn, name), opts.signal)));
    requests += await writeFiles(swift, folder, container, toWrite, method, concurrency, opts, progress);
    progress({ phase: 'deleting', done: 0, total: toDelete.length });
    await mapLimit(toDelete, concurrency, (name) => count(swift.deleteObject(container, name, opts.signal)));
  } catch (e) {
    progress({ phase: 'rolling back', done: 0, total: journal.saved.length + journal.created.length });
    const rolledBack = await rollback(swift, container).then(
      () => true,
      () => false,
    );
    throw uploadFailed(e, container, rolledBack);
  }
  progress({ phase: 'committing', done: 0, total: journal.saved.length });
  // the new state is complete: from here on a failure only leaves backups to clean up
  await count(swift.deleteObject(container, JOURNAL));
  await mapLimit(journal.saved, concurrency, (name) => count(swift.deleteObject(container, backupName(journal.txn, name)))).catch(() => undefined);
  return { ...result, requests };
}

async function writeFiles(
  swift: SwiftClient,
  folder: string,
  container: string,
  files: LocalFile[],
  method: 'parallel' | 'bulk',
  concurrency: number,
  opts: UploadOptions,
  progress: (p: UploadProgress) => void,
): Promise<number> {
  let done = 0;
  const total = files.length;
  progress({ phase: 'uploading', done, total });
  let requests = 0;
  if (method === 'bulk') {
    // the archive is read from the folder: files made in memory go as their own PUTs below
    const onDisk = files.filter((f) => !f.data);
    if (onDisk.length) {
      for (const [i, f] of onDisk.entries()) await opts.beforeWrite?.(f.name, i);
      const archive = await tarFiles(
        fs.realpathSync(folder),
        onDisk.map((f) => f.name),
        { gzip: true },
      );
      await swift.extractArchive(container, archive, { gzip: true, signal: opts.signal });
      done = onDisk.length;
      progress({ phase: 'uploading', done, total });
      requests = 1;
    }
    files = files.filter((f) => f.data);
  }
  await mapLimit(files, concurrency, async (f, i) => {
    await opts.beforeWrite?.(f.name, i);
    await swift.putObject(container, f.name, f.data ?? fs.readFileSync(f.absolute), { contentType: contentType(f.name), signal: opts.signal });
    progress({ phase: 'uploading', done: ++done, total });
  });
  return requests + files.length;
}

/**
 * Undoes an interrupted upload from its journal: new objects removed, saved ones restored. A killed
 * client's last requests may still be queued in Swift's proxy and land during the rollback, so it
 * repeats until two passes a second apart find nothing left to undo.
 */
export async function rollback(swift: SwiftClient, container: string, signal?: AbortSignal): Promise<boolean> {
  let journal: Journal;
  try {
    journal = JSON.parse(await swift.getObjectText(container, JOURNAL, signal)) as Journal;
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return false;
    throw e;
  }
  const backups = new Map((await swift.listObjects(container, { prefix: `${RESERVED_PREFIX}backup/${journal.txn}/`, signal })).map((o) => [o.name, o.hash]));
  for (let pass = 0, quiet = 0; quiet < 2; pass++) {
    const current = new Map((await swift.listObjects(container, { signal })).map((o) => [o.name, o.hash]));
    const extra = journal.created.filter((name) => current.has(name));
    const changed = journal.saved.filter(
      (name) => backups.has(backupName(journal.txn, name)) && current.get(name) !== backups.get(backupName(journal.txn, name)),
    );
    if (!extra.length && !changed.length) {
      if (++quiet < 2) await sleep(1000);
      continue;
    }
    if (pass >= 10)
      throw new PlanError('rollback-unsettled', `${container} keeps changing while its interrupted upload is rolled back: is another client writing to it?`);
    quiet = 0;
    await mapLimit(extra, 16, (name) => swift.deleteObject(container, name, signal));
    await mapLimit(changed, 16, (name) => swift.copyObject(container, backupName(journal.txn, name), container, name, signal));
  }
  await swift.deleteObject(container, JOURNAL, signal);
  await mapLimit([...backups.keys()], 16, (b) => swift.deleteObject(container, b, signal));
  return true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function uploadFailed(e: unknown, container: string, rolledBack: boolean): PlanError {
  const reason = e instanceof Error ? e.message : String(e);
  return new PlanError(
    'upload-failed',
    `uploading to ${container} failed (${reason}); ${rolledBack ? 'the plan was left as it was before' : 'rolling back failed too: the next upload will finish the rollback'}`,
  );
}

function contentType(name: string): string {
  const ext = path.extname(name).toLowerCase();
  return ext === '.yaml' || ext === '.yml'
    ? 'application/x-yaml'
    : ext === '.json'
      ? 'application/json'
      : ext === '.j2'
        ? 'text/plain'
        : 'application/octet-stream';
}
