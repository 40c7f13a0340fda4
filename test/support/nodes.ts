import type { NodeSpec } from '../../src/tripleo/instackenv';

const octet = () => Math.floor(Math.random() * 200) + 20;
const hex = (n: number) => n.toString(16).padStart(2, '0');

/**
 * Fake-hardware nodes whose names, MACs and power addresses no other test or run uses: a random
 * /16 of power addresses and a random MAC prefix, so several thousand nodes fit in one fleet.
 */
export function fakeFleet(count: number, prefix: string, password = 'never-shown-pw'): NodeSpec[] {
  const net = `10.${octet()}`;
  const mac = `52:54:${hex(octet())}:${hex(octet())}`;
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i}`,
    pm_type: 'fake-hardware',
    pm_addr: `${net}.${(i + 1) >> 8}.${(i + 1) & 255}`,
    pm_user: 'admin',
    pm_password: password,
    mac: [`${mac}:${hex((i + 1) >> 8)}:${hex((i + 1) & 255)}`],
    cpu: 4,
    memory: 8192,
    disk: 40,
    arch: 'x86_64',
  }));
}
