import { NovaFlavor } from '../openstack/nova';
import { listRoles } from './heatFiles';
import { nodeCapabilities, profileForRole } from './nodes';
import { getPlanParameters, readPlanFiles } from './parameters';
import { requirePlanData } from './planData';
import { Undercloud } from './undercloud';

/** The size TripleO gives its bare-metal flavors; the scheduler matches nodes by the resources:* specs. */
export const FLAVOR_SIZE = { ram: 4096, vcpus: 1, disk: 40 };

/** TripleO's flavor specs: the node profile, and a custom resource class instead of RAM/CPU/disk. */
export function flavorSpecs(profile: string): Record<string, string> {
  return {
    'capabilities:boot_option': 'local',
    'capabilities:profile': profile,
    'resources:CUSTOM_BAREMETAL': '1',
    'resources:DISK_GB': '0',
    'resources:MEMORY_MB': '0',
    'resources:VCPU': '0',
  };
}

export interface RoleFlavor {
  role: string;
  /** the Nova flavor the role deploys on */
  flavor: string;
  /** the node profile that flavor asks for */
  profile: string;
  /** <Role>Count */
  count: number;
}

/**
 * The flavor of a role: the plan's Overcloud<Role>Flavor, unless it is unset or the shared
 * "baremetal" flavor, in which case the role's own (profileForRole). The node_counts validation
 * follows the same rule.
 */
export function roleFlavorName(role: string, flavorParameter: unknown): string {
  return typeof flavorParameter === 'string' && flavorParameter && flavorParameter !== 'baremetal' ? flavorParameter : profileForRole(role);
}

export async function planRoleFlavors(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<RoleFlavor[]> {
  const data = await requirePlanData(uc.mistral, plan, signal);
  const { files } = await readPlanFiles(uc, plan, signal);
  const roles = listRoles(files, data.template);
  const params = await getPlanParameters(uc, plan, signal);
  const value = (name: string) => params.parameters.find((p) => p.name === name)?.value;
  return roles.map((r) => {
    const flavor = roleFlavorName(r.name, value(`Overcloud${r.name}Flavor`));
    const count = Number(value(`${r.name}Count`) ?? r.countDefault ?? 0);
    return { role: r.name, flavor, profile: flavor, count: Number.isFinite(count) ? count : 0 };
  });
}

export interface FlavorSyncResult {
  flavors: (RoleFlavor & { id: string; action: 'created' | 'updated' | 'unchanged'; changedSpecs: string[] })[];
}

/**
 * One flavor per role of the plan, created with TripleO's size and specs, or its specs brought
 * back to them (other specs and the size of an existing flavor are left as they are). Roles sharing
 * a flavor share one.
 */
export async function syncFlavors(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<FlavorSyncResult> {
  const wanted = await planRoleFlavors(uc, plan, signal);
  const existing = await uc.nova.listFlavors(signal);
  const out: FlavorSyncResult['flavors'] = [];
  const done = new Map<string, { id: string }>();
  for (const rf of wanted) {
    const seen = done.get(rf.flavor);
    if (seen) {
      out.push({ ...rf, id: seen.id, action: 'unchanged', changedSpecs: [] });
      continue;
    }
    const specs = flavorSpecs(rf.profile);
    let flavor = existing.find((f) => f.name === rf.flavor);
    let action: 'created' | 'updated' | 'unchanged' = 'unchanged';
    if (!flavor) {
      flavor = await uc.nova.createFlavor({ name: rf.flavor, ...FLAVOR_SIZE }, signal);
      action = 'created';
    }
    const have = flavor.extra_specs ?? {};
    const changed = Object.keys(specs).filter((k) => have[k] !== specs[k]);
    if (changed.length) {
      await uc.nova.setExtraSpecs(flavor.id, specs, signal);
      if (action === 'unchanged') action = 'updated';
    }
    done.set(rf.flavor, { id: flavor.id });
    out.push({ ...rf, id: flavor.id, action, changedSpecs: action === 'created' ? [] : changed });
  }
  return { flavors: out };
}

export interface FlavorRow {
  id: string;
  name: string;
  profile?: string;
  ram: number;
  vcpus: number;
  disk: number;
}

export function flavorRow(f: NovaFlavor): FlavorRow {
  return { id: f.id, name: f.name, profile: f.extra_specs?.['capabilities:profile'], ram: f.ram, vcpus: f.vcpus, disk: f.disk };
}

export interface RoleFlavorStatus extends RoleFlavor {
  /** the flavor exists in Nova */
  exists: boolean;
  /** the profile the existing flavor asks for (may differ from the plan's) */
  flavorProfile?: string;
  /** available nodes (not in maintenance) tagged with that profile */
  availableNodes: number;
}

/** Each role's flavor, whether Nova has it, and how many available nodes carry its profile. */
export async function roleFlavorStatus(uc: Undercloud, plan: string, signal?: AbortSignal): Promise<RoleFlavorStatus[]> {
  const [roles, flavors, nodes] = await Promise.all([planRoleFlavors(uc, plan, signal), uc.nova.listFlavors(signal), uc.ironic.listNodes(signal)]);
  const available = nodes.filter((n) => n.provision_state === 'available' && !n.maintenance);
  return roles.map((r) => {
    const f = flavors.find((x) => x.name === r.flavor);
    const profile = f?.extra_specs?.['capabilities:profile'] ?? r.profile;
    return {
      ...r,
      exists: !!f,
      flavorProfile: f?.extra_specs?.['capabilities:profile'],
      availableNodes: available.filter((n) => nodeCapabilities(n).profile === profile).length,
    };
  });
}
