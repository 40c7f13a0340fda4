import { createHash, Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { GlanceClient, GlanceImage } from '../openstack/glance';
import { StreamBody } from '../openstack/http';
import { IronicNode } from '../openstack/ironic';
import { PlanError } from './errors';
import { resolveNodes } from './nodes';
import { Undercloud } from './undercloud';

/** The files TripleO's image build produces and the Glance images they become. */
export interface ImageSpec {
  file: string;
  name: string;
  diskFormat: string;
  containerFormat: string;
}

export const OVERCLOUD_KERNEL: ImageSpec = { file: 'overcloud-full.vmlinuz', name: 'overcloud-full-vmlinuz', diskFormat: 'aki', containerFormat: 'aki' };
export const OVERCLOUD_RAMDISK: ImageSpec = { file: 'overcloud-full.initrd', name: 'overcloud-full-initrd', diskFormat: 'ari', containerFormat: 'ari' };
export const OVERCLOUD_IMAGE: ImageSpec = { file: 'overcloud-full.qcow2', name: 'overcloud-full', diskFormat: 'qcow2', containerFormat: 'bare' };
export const DEPLOY_KERNEL: ImageSpec = { file: 'ironic-python-agent.kernel', name: 'bm-deploy-kernel', diskFormat: 'aki', containerFormat: 'aki' };
export const DEPLOY_RAMDISK: ImageSpec = { file: 'ironic-python-agent.initramfs', name: 'bm-deploy-ramdisk', diskFormat: 'ari', containerFormat: 'ari' };
/** Upload order: the overcloud image names its kernel and ramdisk, so they go first. */
export const IMAGE_SPECS: readonly ImageSpec[] = [OVERCLOUD_KERNEL, OVERCLOUD_RAMDISK, OVERCLOUD_IMAGE, DEPLOY_KERNEL, DEPLOY_RAMDISK];

/** Checksum files that may sit next to an image file (`<file>.md5`...), verified while uploading. */
const SIDE_CHECKSUMS = ['md5', 'sha256', 'sha512'] as const;
type Algorithm = (typeof SIDE_CHECKSUMS)[number];

export interface UploadProgress {
  file: string;
  /** bytes of this file sent so far, of `size` */
  sent: number;
  size: number;
  /** bytes of every file to upload sent so far, of `total` */
  totalSent: number;
  total: number;
}

export interface UploadOptions {
  /** Replace images whose data differ from the files (the old ones are renamed, not deleted). */
  updateExisting?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
  /** Called when an image's work begins: "checking", "uploading". */
  onStep?: (file: string, step: string) => void;
  /** The suffix of replaced images' new names; defaults to the time of the call. */
  timestamp?: string;
}

export type ImageAction = 'uploaded' | 'replaced' | 'unchanged' | 'kept';

export interface ImageResult {
  name: string;
  file: string;
  id: string;
  action: ImageAction;
  /** the image this one replaced, under its new name */
  previous?: { id: string; name: string };
}

export interface UploadResult {
  images: ImageResult[];
  /** bytes sent to Glance */
  bytes: number;
}

interface LocalImage {
  spec: ImageSpec;
  path: string;
  size: number;
  expected: Partial<Record<Algorithm, string>>;
}

/** The image files of a folder; a missing one (or an unreadable checksum file) is an error naming them all. */
export function findImageFiles(folder: string): LocalImage[] {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new PlanError('no-image-folder', `${folder} is not a folder`);
  const missing: string[] = [];
  const out: LocalImage[] = [];
  for (const spec of IMAGE_SPECS) {
    const p = path.join(folder, spec.file);
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st?.isFile()) {
      missing.push(spec.file);
      continue;
    }
    const expected: LocalImage['expected'] = {};
    for (const algo of SIDE_CHECKSUMS) {
      const side = `${p}.${algo}`;
      if (!fs.existsSync(side)) continue;
      const digest = fs.readFileSync(side, 'utf8').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
      const length = { md5: 32, sha256: 64, sha512: 128 }[algo];
      if (!new RegExp(`^[0-9a-f]{${length}}$`).test(digest)) throw new PlanError('bad-checksum-file', `${side}:1: not a ${algo} checksum`);
      expected[algo] = digest;
    }
    out.push({ spec, path: p, size: st.size, expected });
  }
  if (missing.length) {
    throw new PlanError(
      'missing-image-files',
      `${folder} lacks the image file${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected ${IMAGE_SPECS.map((s) => s.file).join(', ')})`,
    );
  }
  return out;
}

/** MD5 of a file, read as a stream. */
export async function fileMd5(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of fs.createReadStream(file, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The newest active image of that name. */
export function newestImage(images: GlanceImage[], name: string): GlanceImage | undefined {
  return images.filter((i) => i.name === name && i.status === 'active').sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')))[0];
}

function timestampSuffix(d = new Date()): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * Uploads the overcloud image (with its kernel and ramdisk linked as kernel_id/ramdisk_id) and
 * the deploy kernel and ramdisk from a folder. Existing images are kept; with `updateExisting`
 * an image whose MD5 differs from its file is uploaded anew and the old one renamed
 * `<name>_<timestamp>` once every upload succeeded. Each upload is streamed and its MD5/SHA-512
 * compared with Glance's and with any `<file>.md5|sha256|sha512`. On any failure or cancel the
 * images this call created are deleted, so nothing half-registered is left.
 */
export async function uploadImages(glance: GlanceClient, folder: string, opts: UploadOptions = {}): Promise<UploadResult> {
  const files = findImageFiles(folder);
  const existing = await glance.listImages({}, opts.signal);
  const plan: { local: LocalImage; current?: GlanceImage; upload: boolean }[] = [];
  for (const local of files) {
    const current = newestImage(existing, local.spec.name);
    let upload = !current;
    if (current && opts.updateExisting) {
      opts.onStep?.(local.spec.file, 'checking');
      upload = current.checksum !== (await fileMd5(local.path, opts.signal));
    }
    plan.push({ local, current, upload });
  }
  const total = plan.filter((p) => p.upload).reduce((n, p) => n + p.local.size, 0);
  const created: GlanceImage[] = [];
  const results: ImageResult[] = [];
  let totalSent = 0;
  try {
    const idOf = (spec: ImageSpec) => results.find((r) => r.name === spec.name)?.id;
    for (const { local, current, upload } of plan) {
      const links: Record<string, string> = {};
      if (local.spec === OVERCLOUD_IMAGE) {
        links.kernel_id = idOf(OVERCLOUD_KERNEL)!;
        links.ramdisk_id = idOf(OVERCLOUD_RAMDISK)!;
      }
      if (!upload) {
        const id = current!.id;
        // a kept overcloud image must still name the kernel and ramdisk in use
        const stale = Object.entries(links).filter(([k, v]) => current![k] !== v);
        if (stale.length) await glance.updateImage(id, Object.fromEntries(stale), opts.signal);
        results.push({ name: local.spec.name, file: local.spec.file, id, action: opts.updateExisting ? 'unchanged' : 'kept' });
        continue;
      }
      opts.onStep?.(local.spec.file, 'uploading');
      const image = await glance.createImage(
        { name: local.spec.name, disk_format: local.spec.diskFormat, container_format: local.spec.containerFormat, visibility: 'public', properties: links },
        opts.signal,
      );
      created.push(image);
      const base = totalSent;
      await streamUpload(glance, image, local, opts.signal, (sent) => {
        totalSent = base + sent;
        opts.onProgress?.({ file: local.spec.file, sent, size: local.size, totalSent, total });
      });
      results.push({
        name: local.spec.name,
        file: local.spec.file,
        id: image.id,
        action: current ? 'replaced' : 'uploaded',
        previous: current ? { id: current.id, name: current.name ?? '' } : undefined,
      });
    }
  } catch (e) {
    await deleteCreated(glance, created, e);
    throw e;
  }
  const suffix = opts.timestamp ?? timestampSuffix();
  for (const r of results) {
    if (r.action !== 'replaced' || !r.previous) continue;
    const renamed = `${r.previous.name}_${suffix}`;
    await glance.updateImage(r.previous.id, { name: renamed });
    r.previous.name = renamed;
  }
  return { images: results, bytes: totalSent };
}

/** Streams one file into an image and checks what Glance stored against what was read. */
async function streamUpload(
  glance: GlanceClient,
  image: GlanceImage,
  local: LocalImage,
  signal: AbortSignal | undefined,
  onSent: (n: number) => void,
): Promise<void> {
  const hashes: Record<Algorithm, Hash> = { md5: createHash('md5'), sha256: createHash('sha256'), sha512: createHash('sha512') };
  let sent = 0;
  const body = new StreamBody(() => {
    for (const a of SIDE_CHECKSUMS) hashes[a] = createHash(a);
    sent = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        for (const a of SIDE_CHECKSUMS) hashes[a].update(chunk);
        sent += chunk.length;
        onSent(sent);
        done(null, chunk);
      },
    });
    const source = fs.createReadStream(local.path, { highWaterMark: 1 << 20 });
    source.on('error', (e) => meter.destroy(e));
    return source.pipe(meter);
  });
  await glance.uploadData(image.id, body, local.size, { signal });
  const digests = Object.fromEntries(SIDE_CHECKSUMS.map((a) => [a, hashes[a].digest('hex')])) as Record<Algorithm, string>;
  for (const algo of SIDE_CHECKSUMS) {
    const want = local.expected[algo];
    if (want && want !== digests[algo]) {
      throw new PlanError(
        'checksum-mismatch',
        `${local.path}: its ${algo} is ${digests[algo]} but ${local.path}.${algo} says ${want}; the file is corrupt or the checksum file belongs to another file`,
      );
    }
  }
  const stored = await glance.getImage(image.id, signal);
  const problems: string[] = [];
  if (stored?.status !== 'active') problems.push(`its status is ${stored?.status ?? 'gone'}`);
  if (stored?.size !== local.size) problems.push(`Glance holds ${stored?.size} bytes, the file has ${local.size}`);
  if (stored?.checksum && stored.checksum !== digests.md5) problems.push(`Glance's MD5 ${stored.checksum} differs from the file's ${digests.md5}`);
  if (stored?.os_hash_algo === 'sha512' && stored.os_hash_value !== digests.sha512) problems.push(`Glance's SHA-512 differs from the file's`);
  if (problems.length) throw new PlanError('upload-mismatch', `image ${local.spec.name} from ${local.path} did not arrive intact`, problems);
}

async function deleteCreated(glance: GlanceClient, created: GlanceImage[], cause: unknown): Promise<void> {
  const left: string[] = [];
  for (const image of created) {
    // Glance may still be finishing the broken upload (the image "saving"): try again until it is gone
    let gone = false;
    for (let attempt = 0; attempt < 10 && !gone; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 500 * attempt));
      try {
        await glance.deleteImage(image.id);
        gone = !(await glance.getImage(image.id));
      } catch {
        gone = false;
      }
    }
    if (!gone) left.push(`${image.name} ${image.id}`);
  }
  if (left.length && cause instanceof Error)
    cause.message += ` (could not delete the partly uploaded image${left.length > 1 ? 's' : ''} ${left.join(', ')}: delete ${left.length > 1 ? 'them' : 'it'} with openstack image delete)`;
}

/** The images TripleO deploys with, newest of each name; undefined where none is active. */
export async function tripleoImages(glance: GlanceClient, signal?: AbortSignal): Promise<{ spec: ImageSpec; image?: GlanceImage }[]> {
  const all = await glance.listImages({}, signal);
  return IMAGE_SPECS.map((spec) => ({ spec, image: newestImage(all, spec.name) }));
}

export interface ConfiguredNode {
  uuid: string;
  name: string;
  action: 'configured' | 'unchanged' | 'skipped';
  message?: string;
}

/** Provision states in which a node may have its deploy images set (TripleO's configure). */
const CONFIGURABLE = new Set(['manageable', 'available', 'enroll']);

/**
 * Points every manageable or available node (or the named ones) at the deploy kernel and ramdisk:
 * driver_info/deploy_kernel and deploy_ramdisk hold their image ids.
 */
export async function configureNodes(
  uc: Undercloud,
  refs: string[] = [],
  opts: { signal?: AbortSignal } = {},
): Promise<{ kernel: string; ramdisk: string; nodes: ConfiguredNode[] }> {
  const all = await uc.glance.listImages({}, opts.signal);
  const kernel = newestImage(all, DEPLOY_KERNEL.name);
  const ramdisk = newestImage(all, DEPLOY_RAMDISK.name);
  const lacking = [!kernel && DEPLOY_KERNEL.name, !ramdisk && DEPLOY_RAMDISK.name].filter(Boolean);
  if (!kernel || !ramdisk)
    throw new PlanError('no-deploy-images', `Glance has no active ${lacking.join(' or ')} image: upload the images first (tripleo image upload)`);
  const nodes: IronicNode[] = refs.length
    ? await resolveNodes(uc, refs, opts.signal)
    : (await uc.ironic.listNodes(opts.signal)).filter((n) => n.provision_state === 'manageable' || n.provision_state === 'available');
  const out: ConfiguredNode[] = [];
  for (const n of nodes) {
    const name = n.name ?? n.uuid;
    if (!CONFIGURABLE.has(n.provision_state)) {
      out.push({ uuid: n.uuid, name, action: 'skipped', message: `${n.provision_state}: only manageable or available nodes are configured` });
      continue;
    }
    if (n.driver_info.deploy_kernel === kernel.id && n.driver_info.deploy_ramdisk === ramdisk.id) {
      out.push({ uuid: n.uuid, name, action: 'unchanged' });
      continue;
    }
    await uc.ironic.updateNode(
      n.uuid,
      [
        { op: 'add', path: '/driver_info/deploy_kernel', value: kernel.id },
        { op: 'add', path: '/driver_info/deploy_ramdisk', value: ramdisk.id },
      ],
      opts.signal,
    );
    out.push({ uuid: n.uuid, name, action: 'configured' });
  }
  return { kernel: kernel.id, ramdisk: ramdisk.id, nodes: out };
}
