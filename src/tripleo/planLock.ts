import * as os from 'node:os';
import { HttpError } from '../openstack/errors';
import type { SwiftClient } from '../openstack/swift';
import { PlanError } from './errors';
import { RESERVED_PREFIX } from './localPlan';
import { assertPlanName } from './planName';
import { JOURNAL, rollback } from './upload';

export const LOCK_OBJECT = `${RESERVED_PREFIX}lock.json`;
/** The holder renews its lock this often; a lock not renewed for LOCK_TTL_MS belongs to a dead client. */
const RENEW_MS = 15_000;
export const LOCK_TTL_MS = 90_000;

/** What a plan's lock object says about its holder. */
export interface LockRecord {
  operation: string;
  user: string;
  host: string;
  pid: number;
  taken: string;
  /** renewed by the holder; past it the lock is stale */
  expires: string;
  token: string;
}

export interface LockOptions {
  signal?: AbortSignal;
  /** keep trying this long while another client holds the plan (default: refuse at once) */
  waitMs?: number;
}

export function describeHolder(r: LockRecord): string {
  return `${r.operation} by ${r.user}@${r.host} (pid ${r.pid}, since ${r.taken})`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Dead for sure: its process is gone from this host, or it stopped renewing the lock long ago. */
export function holderDead(r: LockRecord, now = Date.now()): boolean {
  if (r.host === os.hostname() && !pidAlive(r.pid)) return true;
  return Date.parse(r.expires) < now;
}

async function readLock(swift: SwiftClient, plan: string, signal?: AbortSignal): Promise<{ record: LockRecord; etag: string } | undefined> {
  const meta = await swift.objectMetadata(plan, LOCK_OBJECT, signal);
  if (!meta) return undefined;
  try {
    return { record: JSON.parse(await swift.getObjectText(plan, LOCK_OBJECT, signal)) as LockRecord, etag: meta.etag };
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) return undefined;
    if (e instanceof SyntaxError)
      return { record: { operation: 'unknown', user: '?', host: '?', pid: 0, taken: '?', expires: new Date(0).toISOString(), token: '' }, etag: meta.etag };
    throw e;
  }
}

/** A plan held by this client: renewed in the background until released. */
export class PlanLock {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly swift: SwiftClient,
    readonly plan: string,
    private record: LockRecord,
  ) {
    this.timer = setInterval(() => void this.renew(), RENEW_MS);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    this.record = { ...this.record, expires: new Date(Date.now() + LOCK_TTL_MS).toISOString() };
    const current = await readLock(this.swift, this.plan).catch(() => undefined);
    // someone took it over (we were presumed dead): never write over their lock
    if (current?.record.token !== this.record.token) return;
    await this.swift.putObject(this.plan, LOCK_OBJECT, JSON.stringify(this.record), { contentType: 'application/json' }).catch(() => undefined);
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const current = await readLock(this.swift, this.plan).catch(() => undefined);
    if (current?.record.token === this.record.token) await this.swift.deleteObject(this.plan, LOCK_OBJECT);
  }
}

/**
 * Takes a plan's lock: an object created with `If-None-Match: *`, so of two clients only one can.
 * A lock whose holder provably died is taken over; a live holder is named in the refusal.
 */
export async function acquirePlanLock(swift: SwiftClient, plan: string, operation: string, opts: LockOptions = {}): Promise<PlanLock> {
  assertPlanName(plan);
  const deadline = Date.now() + (opts.waitMs ?? 0);
  for (;;) {
    const record: LockRecord = {
      operation,
      user: os.userInfo().username,
      host: os.hostname(),
      pid: process.pid,
      taken: new Date().toISOString(),
      expires: new Date(Date.now() + LOCK_TTL_MS).toISOString(),
      token: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    };
    try {
      await swift.putObject(plan, LOCK_OBJECT, JSON.stringify(record), { contentType: 'application/json', ifNoneMatch: true, signal: opts.signal });
      return new PlanLock(swift, plan, record);
    } catch (e) {
      if (!(e instanceof HttpError && e.status === 412)) {
        if (e instanceof HttpError && e.status === 404) throw new PlanError('plan-not-found', `plan "${plan}" does not exist`);
        throw e;
      }
    }
    const held = await readLock(swift, plan, opts.signal);
    if (held && holderDead(held.record)) {
      // only remove the very lock we judged: a newer one (someone else's takeover) stays
      const again = await swift.objectMetadata(plan, LOCK_OBJECT, opts.signal);
      if (again?.etag === held.etag) await swift.deleteObject(plan, LOCK_OBJECT, opts.signal);
      continue;
    }
    if (held && Date.now() >= deadline) {
      throw new PlanError('plan-busy', `plan "${plan}" is busy: ${describeHolder(held.record)}; try again when it has finished`);
    }
    if (held) await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Runs fn while holding the plan; the lock is released however fn ends. */
export async function withPlanLock<T>(swift: SwiftClient, plan: string, operation: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = await acquirePlanLock(swift, plan, operation, opts);
  try {
    return await fn();
  } finally {
    await lock.release().catch(() => undefined);
  }
}

/**
 * Readers call this before reading a plan's files: an upload journal means the files are a mix of
 * old and new. A live upload makes the read wait for it or be refused; a dead one's journal is rolled
 * back first (under the lock), so nobody reads the mix.
 */
export async function ensurePlanSettled(swift: SwiftClient, plan: string, opts: LockOptions = {}): Promise<void> {
  assertPlanName(plan);
  if (!(await swift.objectMetadata(plan, JOURNAL, opts.signal))) return;
  await withPlanLock(swift, plan, 'rollback of an interrupted upload', () => rollback(swift, plan, opts.signal), { waitMs: 30_000, ...opts });
}
