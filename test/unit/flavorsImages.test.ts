import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flavorSpecs, roleFlavorName } from '../../src/tripleo/flavors';
import { profileForRole } from '../../src/tripleo/nodes';
import { findImageFiles, IMAGE_SPECS } from '../../src/tripleo/images';

describe('flavor names and image folders', () => {
  it('a role deploys on its Overcloud<Role>Flavor, or on TripleO\'s flavor for it when that is unset or "baremetal"', () => {
    assert.equal(roleFlavorName('Controller', 'my-ctl'), 'my-ctl');
    assert.equal(roleFlavorName('Controller', 'baremetal'), 'control');
    assert.equal(roleFlavorName('CephStorage', undefined), 'ceph-storage');
    assert.equal(roleFlavorName('ObjectStorage', ''), 'swift-storage');
    assert.equal(profileForRole('ComputeOvsDpdk'), 'compute-ovs-dpdk');
    assert.equal(flavorSpecs('control')['capabilities:profile'], 'control');
  });

  it('an image folder: every file found with its size and checksum files; a missing file or a bad checksum file is an error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'images-unit-'));
    try {
      for (const s of IMAGE_SPECS) fs.writeFileSync(path.join(dir, s.file), s.name);
      fs.writeFileSync(path.join(dir, 'overcloud-full.qcow2.md5'), `${'a'.repeat(32)}  overcloud-full.qcow2\n`);
      const found = findImageFiles(dir);
      assert.deepEqual(
        found.map((f) => [f.spec.file, f.size]),
        IMAGE_SPECS.map((s) => [s.file, s.name.length]),
      );
      assert.deepEqual(found.find((f) => f.spec.name === 'overcloud-full')!.expected, { md5: 'a'.repeat(32) });
      fs.writeFileSync(path.join(dir, 'overcloud-full.qcow2.sha256'), 'xyz');
      assert.throws(() => findImageFiles(dir), /overcloud-full\.qcow2\.sha256:1: not a sha256 checksum/);
      fs.rmSync(path.join(dir, 'overcloud-full.qcow2.sha256'));
      fs.rmSync(path.join(dir, 'overcloud-full.vmlinuz'));
      assert.throws(() => findImageFiles(dir), new RegExp(`${dir} lacks the image file overcloud-full\\.vmlinuz \\(expected`));
      assert.throws(() => findImageFiles(path.join(dir, 'nope')), /nope is not a folder/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
