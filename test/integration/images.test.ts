import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError, ConnectionError } from '../../src/openstack/errors';
import { GlanceClient } from '../../src/openstack/glance';
import { PlanError } from '../../src/tripleo/errors';
import { configureNodes, IMAGE_SPECS, tripleoImages, uploadImages } from '../../src/tripleo/images';
import { Undercloud } from '../../src/tripleo/undercloud';
import { uniqueName, undercloudProfile, tripleoCli } from '../support/undercloud';

const tripleo = tripleoCli();
const randomMac = () => `52:54:00:${[0, 0, 0].map(() => crypto.randomInt(256).toString(16).padStart(2, '0')).join(':')}`;

/** A folder with small random image files (and nothing else). */
function imageFolder(sizes: Partial<Record<string, number>> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-images-'));
  for (const s of IMAGE_SPECS) fs.writeFileSync(path.join(dir, s.file), crypto.randomBytes(sizes[s.file] ?? 64 * 1024));
  return dir;
}

/** Every image of the TripleO names (and their timestamped predecessors): the tests own them. */
async function tripleoNamedImages(uc: Undercloud) {
  const names = IMAGE_SPECS.map((s) => s.name);
  return (await uc.glance.listImages()).filter((i) => names.some((n) => i.name === n || i.name?.startsWith(`${n}_`)));
}

/** A TCP proxy to Glance that cuts the first upload (PUT) once `after` bytes went through: Glance vanishing mid-upload. */
async function cuttingProxy(target: URL, after: number): Promise<{ url: string; cut: () => boolean; close: () => void }> {
  let cut = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    // keep-alive: one connection carries many requests; count the bytes since the last PUT began
    let seen = 0;
    let inPut = false;
    client.on('data', (chunk: Buffer) => {
      const start = /^(GET|POST|PUT|PATCH|DELETE|HEAD) \//.exec(chunk.subarray(0, 8).toString('latin1'));
      if (start) {
        inPut = start[1] === 'PUT';
        seen = 0;
      }
      seen += chunk.length;
      if (inPut && !cut && seen > after) {
        cut = true;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (d) => client.write(d));
    upstream.on('end', () => client.end());
    client.on('end', () => upstream.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, cut: () => cut, close: () => server.close() };
}

describe('images in the real Glance, nodes configured with them', function () {
  this.timeout(300_000);
  let uc: Undercloud;
  const folders: string[] = [];
  const nodes: string[] = [];

  before(async () => {
    uc = new Undercloud(undercloudProfile());
    for (const i of await tripleoNamedImages(uc)) await uc.glance.deleteImage(i.id);
  });

  after(async () => {
    for (const n of nodes) await uc.ironic.deleteNode(n).catch(() => undefined);
    for (const i of await tripleoNamedImages(uc)) await uc.glance.deleteImage(i.id).catch(() => undefined);
    for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
    uc.dispose();
  });

  it('uploads fresh (kernel and ramdisk linked, checksums Glance computed match), keeps them on a second run, replaces only changed ones with --update-existing', async () => {
    const dir = imageFolder({ 'overcloud-full.qcow2': 3 * 1024 * 1024 + 17 });
    folders.push(dir);
    let lastProgress = { totalSent: 0, total: 0 };
    const first = await uploadImages(uc.glance, dir, { onProgress: (p) => (lastProgress = p) });
    assert.deepEqual(
      first.images.map((i) => [i.name, i.action]),
      IMAGE_SPECS.map((s) => [s.name, 'uploaded']),
    );
    const total = IMAGE_SPECS.reduce((n, s) => n + fs.statSync(path.join(dir, s.file)).size, 0);
    assert.equal(first.bytes, total);
    assert.deepEqual(lastProgress, { ...lastProgress, totalSent: total, total });
    const byName = Object.fromEntries(first.images.map((i) => [i.name, i.id]));
    const full = (await uc.glance.getImage(byName['overcloud-full']))!;
    assert.equal(full.kernel_id, byName['overcloud-full-vmlinuz']);
    assert.equal(full.ramdisk_id, byName['overcloud-full-initrd']);
    assert.equal(full.disk_format, 'qcow2');
    assert.equal(
      full.checksum,
      crypto
        .createHash('md5')
        .update(fs.readFileSync(path.join(dir, 'overcloud-full.qcow2')))
        .digest('hex'),
    );
    assert.equal((await uc.glance.getImage(byName['bm-deploy-kernel']))!.disk_format, 'aki');

    const again = await uploadImages(uc.glance, dir);
    assert.deepEqual(
      again.images.map((i) => [i.name, i.action, i.id]),
      first.images.map((i) => [i.name, 'kept', i.id]),
    );
    assert.equal(again.bytes, 0);
    const unchanged = await uploadImages(uc.glance, dir, { updateExisting: true });
    assert.deepEqual(
      unchanged.images.map((i) => i.action),
      IMAGE_SPECS.map(() => 'unchanged'),
    );

    // a new kernel: it is replaced, the overcloud image (same data) now names it
    fs.appendFileSync(path.join(dir, 'overcloud-full.vmlinuz'), 'rebuilt');
    const updated = await uploadImages(uc.glance, dir, { updateExisting: true, timestamp: '20261201T000000Z' });
    const kernel = updated.images.find((i) => i.name === 'overcloud-full-vmlinuz')!;
    assert.equal(kernel.action, 'replaced');
    assert.deepEqual(kernel.previous, { id: byName['overcloud-full-vmlinuz'], name: 'overcloud-full-vmlinuz_20261201T000000Z' });
    assert.equal((await uc.glance.getImage(byName['overcloud-full-vmlinuz']))!.name, 'overcloud-full-vmlinuz_20261201T000000Z');
    assert.deepEqual(
      updated.images.filter((i) => i.action !== 'unchanged').map((i) => i.name),
      ['overcloud-full-vmlinuz'],
    );
    assert.equal((await uc.glance.getImage(byName['overcloud-full']))!.kernel_id, kernel.id);

    const listed = await tripleoImages(uc.glance);
    assert.deepEqual(
      listed.map((l) => [l.spec.name, l.image?.id]),
      updated.images.map((i) => [i.name, i.id]),
    );
    const { stdout } = await tripleo('image', 'list', '--json');
    const rows = JSON.parse(stdout) as { name: string; id: string; status: string; kernel_id: string | null }[];
    assert.deepEqual(
      rows.map((r) => [r.name, r.id, r.status]),
      updated.images.map((i) => [i.name, i.id, 'active']),
    );
    assert.equal(rows.find((r) => r.name === 'overcloud-full')!.kernel_id, kernel.id);
  });

  it('tripleo image upload from the CLI: the second run keeps every image', async () => {
    for (const i of await tripleoNamedImages(uc)) await uc.glance.deleteImage(i.id);
    const dir = imageFolder();
    folders.push(dir);
    const first = JSON.parse((await tripleo('image', 'upload', '--folder', dir, '--json')).stdout) as {
      images: { action: string }[];
      bytes: number;
    };
    assert.deepEqual(
      first.images.map((i) => i.action),
      IMAGE_SPECS.map(() => 'uploaded'),
    );
    const second = await tripleo('image', 'upload', '--folder', dir);
    assert.match(second.stdout, /^kept {6}overcloud-full\t/m);
    assert.match(second.stdout, /0\.0 MiB uploaded/);
  });

  it('configure nodes: every manageable node named gets the deploy kernel and ramdisk ids in driver_info', async () => {
    const images = Object.fromEntries((await tripleoImages(uc.glance)).map((l) => [l.spec.name, l.image?.id]));
    for (let i = 0; i < 2; i++) {
      const name = uniqueName('img-node');
      const node = await uc.ironic.createNode({ driver: 'fake-hardware', name, properties: { cpus: 2, memory_mb: 4096, local_gb: 20, cpu_arch: 'x86_64' } });
      nodes.push(name);
      await uc.ironic.createPort(node.uuid, randomMac());
      await uc.ironic.setProvisionState(name, 'manage');
      await uc.ironic.waitForProvisionState(name, 'manageable', { timeoutMs: 60_000 });
    }
    const r = await configureNodes(uc, [nodes[0]]);
    assert.deepEqual(
      r.nodes.map((n) => [n.name, n.action]),
      [[nodes[0], 'configured']],
    );
    assert.equal(r.kernel, images['bm-deploy-kernel']);
    const configured = (await uc.ironic.getNode(nodes[0]))!;
    assert.equal(configured.driver_info.deploy_kernel, images['bm-deploy-kernel']);
    assert.equal(configured.driver_info.deploy_ramdisk, images['bm-deploy-ramdisk']);
    assert.equal((await uc.ironic.getNode(nodes[1]))!.driver_info.deploy_kernel, undefined);

    const { stdout } = await tripleo('node', 'configure', ...nodes, '--json');
    const cli = JSON.parse(stdout) as { nodes: { name: string; action: string }[] };
    assert.deepEqual(
      cli.nodes.map((n) => [n.name, n.action]),
      [
        [nodes[0], 'unchanged'],
        [nodes[1], 'configured'],
      ],
    );
    assert.equal((await uc.ironic.getNode(nodes[1]))!.driver_info.deploy_ramdisk, images['bm-deploy-ramdisk']);
  });

  it('a folder without the image files: an error naming the missing ones, Glance untouched', async () => {
    const before = (await uc.glance.listImages()).map((i) => i.id).sort();
    const dir = imageFolder();
    folders.push(dir);
    fs.rmSync(path.join(dir, 'overcloud-full.qcow2'));
    fs.rmSync(path.join(dir, 'ironic-python-agent.initramfs'));
    await assert.rejects(
      uploadImages(uc.glance, dir),
      (e: Error) =>
        e instanceof PlanError &&
        e.code === 'missing-image-files' &&
        e.message.includes(`${dir} lacks the image files overcloud-full.qcow2, ironic-python-agent.initramfs`),
    );
    await assert.rejects(
      tripleo('image', 'upload', '--folder', path.join(dir, 'nope')),
      (e: { stderr: string; code: number }) => e.code === 1 && /is not a folder/.test(e.stderr),
    );
    assert.deepEqual((await uc.glance.listImages()).map((i) => i.id).sort(), before);
  });

  it('a corrupt file (its .md5 disagrees): an error naming the file, the images of that run deleted', async () => {
    for (const i of await tripleoNamedImages(uc)) await uc.glance.deleteImage(i.id);
    const before = (await uc.glance.listImages()).map((i) => i.id).sort();
    const dir = imageFolder();
    folders.push(dir);
    const file = path.join(dir, 'overcloud-full.qcow2');
    fs.writeFileSync(`${file}.md5`, `${crypto.createHash('md5').update('something else').digest('hex')}  overcloud-full.qcow2\n`);
    await assert.rejects(
      uploadImages(uc.glance, dir),
      (e: Error) => e instanceof PlanError && e.code === 'checksum-mismatch' && e.message.startsWith(`${file}: its md5 is`),
    );
    assert.deepEqual((await uc.glance.listImages()).map((i) => i.id).sort(), before);
    fs.writeFileSync(`${file}.md5`, 'not a checksum\n');
    await assert.rejects(uploadImages(uc.glance, dir), (e: Error) => e instanceof PlanError && e.message === `${file}.md5:1: not a md5 checksum`);
  });

  it('Glance gone mid-upload: a connection error, and no image of that run left behind', async () => {
    const before = (await uc.glance.listImages()).map((i) => i.id).sort();
    const dir = imageFolder({ 'overcloud-full.qcow2': 32 * 1024 * 1024 });
    folders.push(dir);
    const glanceUrl = new URL(await uc.session.endpoint('image'));
    // the kernel and ramdisk (64 KiB each) go through; the overcloud image is cut after 1 MiB of it
    const proxy = await cuttingProxy(glanceUrl, 1024 * 1024);
    try {
      const glance = new GlanceClient(uc.session, { endpoint: proxy.url });
      let sentOfImage = 0;
      await assert.rejects(
        uploadImages(glance, dir, { onProgress: (p) => p.file === 'overcloud-full.qcow2' && (sentOfImage = p.sent) }),
        (e: Error) => e instanceof ConnectionError && /glance: PUT http:\/\/127\.0\.0\.1:\d+\/v2\/images\/[0-9a-f-]+\/file could not connect/.test(e.message),
      );
      assert.ok(proxy.cut());
      // socket buffers take some of the file before the cut shows; not all of it
      assert.ok(sentOfImage > 0 && sentOfImage < 32 * 1024 * 1024, `${sentOfImage}`);
    } finally {
      proxy.close();
    }
    assert.deepEqual((await uc.glance.listImages()).map((i) => i.id).sort(), before);
  });

  it('cancelled mid-upload: a cancelled error, and no image of that run left behind', async () => {
    for (const i of await tripleoNamedImages(uc)) await uc.glance.deleteImage(i.id);
    const before = (await uc.glance.listImages()).map((i) => i.id).sort();
    const dir = imageFolder({ 'overcloud-full.qcow2': 8 * 1024 * 1024 });
    folders.push(dir);
    const abort = new AbortController();
    await assert.rejects(
      uploadImages(uc.glance, dir, { signal: abort.signal, onProgress: (p) => p.file === 'overcloud-full.qcow2' && p.sent > 0 && abort.abort() }),
      (e: Error) => e instanceof CancelledError,
    );
    assert.deepEqual((await uc.glance.listImages()).map((i) => i.id).sort(), before);
  });
});
