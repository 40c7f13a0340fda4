import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { md5 } from '../../src/openstack/swift';
import { PlanError } from '../../src/tripleo/errors';
import { uploadPlanFolder } from '../../src/tripleo/upload';
import { Undercloud } from '../../src/tripleo/undercloud';
import { uniqueName, undercloudProfile } from '../support/undercloud';

describe('uploading a plan folder to Swift (real Swift)', () => {
  let uc: Undercloud;
  let dir: string;
  const containers: string[] = [];
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  const snapshot = async (c: string) => Object.fromEntries((await uc.swift.listObjects(c)).map((o) => [o.name, o.hash]));

  before(() => {
    uc = new Undercloud(undercloudProfile());
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tripleo-upload-'));
    write('overcloud.yaml', 'heat_template_version: rocky\n');
    write('capabilities-map.yaml', 'topics: []\n');
    write('environments/a.yaml', 'parameter_defaults: {A: 1}\n');
    write('environments/b.yaml', 'parameter_defaults: {B: 2}\n');
    write('.git/config', '[core]\n');
    write('notes/todo.txt', 'not a template\n');
    write('.tripleoignore', 'notes/\n*.bak\n');
    write('overcloud.yaml.bak', 'old\n');
    fs.symlinkSync('environments/a.yaml', path.join(dir, 'link-to-a.yaml'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  after(async () => {
    for (const c of containers) {
      for (const o of await uc.swift.listObjects(c)) await uc.swift.deleteObject(c, o.name);
      await uc.swift.deleteContainer(c);
    }
    uc.dispose();
  });

  const EXPECTED = ['capabilities-map.yaml', 'environments/a.yaml', 'environments/b.yaml', 'link-to-a.yaml', 'overcloud.yaml'];

  it('uploads a new plan, skipping .git, .tripleoignore patterns, and following a symlink inside', async () => {
    const c = uniqueName('up-new');
    containers.push(c);
    const r = await uploadPlanFolder(uc.swift, dir, c);
    assert.equal(r.created, true);
    assert.deepEqual([...r.uploaded].sort(), EXPECTED);
    const objects = await snapshot(c);
    assert.deepEqual(Object.keys(objects).sort(), EXPECTED);
    assert.equal(objects['link-to-a.yaml'], md5('parameter_defaults: {A: 1}\n'));
  });

  it('sends nothing for an unchanged folder, in at most 2 requests', async () => {
    const c = uniqueName('up-same');
    containers.push(c);
    await uploadPlanFolder(uc.swift, dir, c);
    const r = await uploadPlanFolder(uc.swift, dir, c);
    assert.deepEqual(r.uploaded, []);
    assert.deepEqual(r.deleted, []);
    assert.equal(r.unchanged, EXPECTED.length);
    assert.ok(r.requests <= 2, `${r.requests} requests`);
  });

  it('sends only what changed and deletes what is gone, leaving no bookkeeping behind', async () => {
    const c = uniqueName('up-diff');
    containers.push(c);
    await uploadPlanFolder(uc.swift, dir, c);
    write('environments/a.yaml', 'parameter_defaults: {A: 10}\n');
    write('environments/c.yaml', 'parameter_defaults: {C: 3}\n');
    fs.rmSync(path.join(dir, 'environments/b.yaml'));
    const r = await uploadPlanFolder(uc.swift, dir, c);
    assert.deepEqual([...r.uploaded].sort(), ['environments/a.yaml', 'environments/c.yaml', 'link-to-a.yaml']);
    assert.deepEqual(r.deleted, ['environments/b.yaml']);
    const objects = await snapshot(c);
    assert.deepEqual(Object.keys(objects).sort(), ['capabilities-map.yaml', 'environments/a.yaml', 'environments/c.yaml', 'link-to-a.yaml', 'overcloud.yaml']);
    assert.equal(objects['environments/a.yaml'], md5('parameter_defaults: {A: 10}\n'));
  });

  it('rolls back a failure midway: the plan stays exactly as it was', async () => {
    const c = uniqueName('up-fault');
    containers.push(c);
    await uploadPlanFolder(uc.swift, dir, c);
    const before = await snapshot(c);
    write('environments/a.yaml', 'parameter_defaults: {A: 99}\n');
    write('environments/new.yaml', 'parameter_defaults: {N: 1}\n');
    write('overcloud.yaml', 'heat_template_version: queens\n');
    fs.rmSync(path.join(dir, 'environments/b.yaml'));
    await assert.rejects(
      uploadPlanFolder(uc.swift, dir, c, {
        concurrency: 1,
        beforeWrite: (_name, i) => {
          if (i === 2) throw new Error('connection lost (injected)');
        },
      }),
      (e: Error) => e instanceof PlanError && e.code === 'upload-failed' && /connection lost \(injected\).*left as it was before/.test(e.message),
    );
    assert.deepEqual(await snapshot(c), before);
  });

  it('finishes the rollback of an upload that died midway before uploading again', async () => {
    const c = uniqueName('up-crash');
    containers.push(c);
    await uploadPlanFolder(uc.swift, dir, c);
    const before = await snapshot(c);
    // what a process killed mid-upload leaves: a journal, a backup, an overwritten and a new object
    await uc.swift.putObject(
      c,
      '.tripleo/upload-journal.json',
      JSON.stringify({ txn: 't1', created: ['environments/half.yaml'], saved: ['environments/a.yaml'] }),
    );
    await uc.swift.copyObject(c, 'environments/a.yaml', c, '.tripleo/backup/t1/environments/a.yaml');
    await uc.swift.putObject(c, 'environments/a.yaml', 'garbage');
    await uc.swift.putObject(c, 'environments/half.yaml', 'half');
    const r = await uploadPlanFolder(uc.swift, dir, c);
    assert.deepEqual(r.uploaded, []);
    assert.deepEqual(await snapshot(c), before);
  });

  it('leaves no container behind when a first upload fails', async () => {
    const c = uniqueName('up-first-fault');
    await assert.rejects(
      uploadPlanFolder(uc.swift, dir, c, {
        beforeWrite: (_n, i) => {
          if (i === 3) throw new Error('disk full (injected)');
        },
      }),
      /disk full/,
    );
    assert.equal(await uc.swift.containerMetadata(c), undefined);
  });

  it('refuses a symlink that leaves the folder before touching Swift', async () => {
    const c = uniqueName('up-symlink');
    fs.symlinkSync('/etc/hostname', path.join(dir, 'environments/escape.yaml'));
    await assert.rejects(
      uploadPlanFolder(uc.swift, dir, c),
      (e: Error) => e instanceof PlanError && e.code === 'symlink-outside' && /environments\/escape.yaml is a symlink to \/etc\/hostname/.test(e.message),
    );
    assert.equal(await uc.swift.containerMetadata(c), undefined);
  });

  it('can send everything as one extract-archive request', async () => {
    const c = uniqueName('up-bulk');
    containers.push(c);
    const r = await uploadPlanFolder(uc.swift, dir, c, { method: 'bulk' });
    assert.equal(r.method, 'bulk');
    assert.deepEqual(Object.keys(await snapshot(c)).sort(), EXPECTED);
  });
});
