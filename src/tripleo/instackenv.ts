import * as path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, Node as YamlNode, parseDocument, YAMLMap } from 'yaml';
import { closestName } from './names';

/** One node of an instackenv, with numbers as numbers and MACs in lower case. */
export interface NodeSpec {
  name?: string;
  uuid?: string;
  pm_type: string;
  pm_addr?: string;
  pm_user?: string;
  pm_password?: string;
  pm_port?: number;
  pm_system_id?: string;
  mac: string[];
  cpu?: number;
  memory?: number;
  disk?: number;
  arch?: string;
  capabilities?: string;
  kernel_id?: string;
  ramdisk_id?: string;
}

export interface NodeFileProblem {
  file: string;
  /** 1-based */
  line: number;
  column: number;
  severity: 'error' | 'warning';
  /** "node 2 (lite-compute-0)", or empty for the file as a whole */
  node: string;
  message: string;
}

export interface NodeFile {
  nodes: NodeSpec[];
  problems: NodeFileProblem[];
}

const KNOWN_FIELDS = [
  'name',
  'uuid',
  'pm_type',
  'pm_addr',
  'pm_user',
  'pm_password',
  'pm_port',
  'pm_system_id',
  'mac',
  'cpu',
  'memory',
  'disk',
  'arch',
  'capabilities',
  'kernel_id',
  'ramdisk_id',
] as const;

/** Old driver names still found in instackenv files, and the hardware types that replaced them. */
const LEGACY_DRIVERS: Record<string, string> = {
  pxe_ipmitool: 'ipmi',
  pxe_ssh: 'ipmi',
  pxe_drac: 'idrac',
  pxe_ilo: 'ilo',
  pxe_irmc: 'irmc',
  fake_pxe: 'fake-hardware',
  fake: 'fake-hardware',
};

/** Hardware types a file may name when the enabled ones are not known (offline checks). */
export const KNOWN_DRIVERS = ['ipmi', 'redfish', 'idrac', 'ilo', 'ilo5', 'irmc', 'xclarity', 'ibmc', 'snmp', 'manual-management', 'fake-hardware'];

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;
const CSV_COLUMNS = ['pm_type', 'pm_addr', 'pm_user', 'pm_password', 'mac'];

export interface ParseOptions {
  /** The drivers Ironic has enabled; without them, KNOWN_DRIVERS. */
  drivers?: string[];
}

interface Located {
  value: unknown;
  line: number;
  column: number;
  /** where each element of a list value is */
  items?: { line: number; column: number }[];
}

/**
 * Reads an instackenv (JSON, YAML or CSV; `{nodes: [...]}` or a bare list) and checks every node
 * before anything is sent, naming the file, line and node of each problem. Passwords never appear
 * in a message.
 */
export function parseNodeFile(text: string, file: string, opts: ParseOptions = {}): NodeFile {
  const csv = path.extname(file).toLowerCase() === '.csv' || (!/^\s*[[{]/.test(text) && looksLikeCsv(text));
  const raw = csv ? readCsv(text, file) : readYaml(text, file);
  if (raw.problems.some((p) => p.severity === 'error')) return { nodes: [], problems: raw.problems };
  const problems = raw.problems;
  const drivers = opts.drivers ?? KNOWN_DRIVERS;
  const nodes: NodeSpec[] = [];
  const macOwner = new Map<string, string>();
  const nameOwner = new Map<string, string>();
  raw.nodes.forEach((fields, i) => {
    const label = `node ${i + 1}${typeof fields.name?.value === 'string' ? ` (${fields.name.value})` : ''}`;
    const at = (key: string | undefined, message: string, severity: 'error' | 'warning' = 'error', item?: number) => {
      const where = (key && (item !== undefined ? fields[key]?.items?.[item] : undefined)) || (key && fields[key]) || fields[''];
      problems.push({ file, line: where.line, column: where.column, severity, node: label, message });
    };
    const spec: Partial<NodeSpec> = { mac: [] };
    for (const key of Object.keys(fields)) {
      if (!key || (KNOWN_FIELDS as readonly string[]).includes(key)) continue;
      const near = closestName(key, KNOWN_FIELDS);
      at(key, `unknown field "${key}"${near ? `; did you mean "${near}"?` : ''}`);
    }
    const str = (key: keyof NodeSpec): string | undefined => {
      const f = fields[key];
      if (!f || f.value === null || f.value === undefined || f.value === '') return undefined;
      if (typeof f.value === 'object') {
        at(key, `${key} must be a single value`);
        return undefined;
      }
      return String(f.value);
    };
    const num = (key: 'cpu' | 'memory' | 'disk' | 'pm_port', unit: string): number | undefined => {
      const s = str(key);
      if (s === undefined) return undefined;
      const n = Number(s);
      if (!/^\s*\d+\s*$/.test(s) || !Number.isSafeInteger(n)) {
        at(key, `${key} must be a whole number${unit ? ` of ${unit}` : ''}, not "${s}"`);
        return undefined;
      }
      return n;
    };

    let driver = str('pm_type');
    if (!driver) at('pm_type', 'pm_type (the driver) is missing');
    else {
      if (LEGACY_DRIVERS[driver]) {
        at('pm_type', `driver "${driver}" is the old name of "${LEGACY_DRIVERS[driver]}", which is used instead`, 'warning');
        driver = LEGACY_DRIVERS[driver];
      }
      if (!drivers.includes(driver)) {
        const near = closestName(driver, drivers);
        at(
          'pm_type',
          `unknown driver "${driver}"${near ? `; did you mean "${near}"?` : ''} (${opts.drivers ? 'enabled in Ironic' : 'known'}: ${drivers.join(', ')})`,
        );
      }
      spec.pm_type = driver;
    }
    spec.pm_addr = str('pm_addr');
    if (!spec.pm_addr && driver !== 'manual-management') at('pm_addr', 'pm_addr (the power address) is missing');
    spec.pm_user = str('pm_user');
    // read without ever quoting the value
    const pw = fields.pm_password;
    if (pw && pw.value !== null && pw.value !== undefined) {
      if (typeof pw.value === 'object') at('pm_password', 'pm_password must be a single value');
      else spec.pm_password = String(pw.value);
    }
    spec.pm_port = num('pm_port', '');
    spec.pm_system_id = str('pm_system_id');
    spec.name = str('name');
    spec.uuid = str('uuid');
    if (spec.uuid && !/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(spec.uuid)) at('uuid', `uuid "${spec.uuid}" is not a UUID`);
    spec.cpu = num('cpu', 'CPUs');
    spec.memory = num('memory', 'MiB');
    spec.disk = num('disk', 'GiB');
    spec.arch = str('arch');
    spec.kernel_id = str('kernel_id');
    spec.ramdisk_id = str('ramdisk_id');

    const mac = fields.mac;
    const macs =
      mac === undefined || mac.value === null
        ? []
        : Array.isArray(mac.value)
          ? mac.value
          : typeof mac.value === 'string'
            ? mac.value.split(/[\s;]+/).filter(Boolean)
            : [mac.value];
    macs.forEach((m, k) => {
      const s = String(m).trim();
      if (!MAC.test(s)) {
        at('mac', `"${s}" is not a MAC address (six hex pairs like 52:54:00:12:34:56)`, 'error', k);
        return;
      }
      const norm = s.toLowerCase().replace(/-/g, ':');
      const owner = macOwner.get(norm);
      if (owner) at('mac', `MAC ${norm} is also given to ${owner}`, 'error', k);
      else macOwner.set(norm, label);
      if (!spec.mac!.includes(norm)) spec.mac!.push(norm);
    });
    if (!macs.length && driver !== 'manual-management')
      at(mac ? 'mac' : undefined, 'no MAC address: the node needs at least one to boot from the network', 'warning');

    if (spec.name) {
      const owner = nameOwner.get(spec.name);
      if (owner) at('name', `name "${spec.name}" is also used by ${owner}`);
      else nameOwner.set(spec.name, label);
      if (!/^[A-Za-z0-9\-._~]+$/.test(spec.name)) at('name', `name "${spec.name}" may only contain letters, digits, "-", ".", "_" and "~" (Ironic's rule)`);
    }

    const caps = fields.capabilities?.value;
    if (caps !== undefined && caps !== null) {
      if (typeof caps === 'string') spec.capabilities = caps;
      else if (typeof caps === 'object' && !Array.isArray(caps))
        spec.capabilities = Object.entries(caps)
          .map(([k, v]) => `${k}:${String(v)}`)
          .join(',');
      else at('capabilities', 'capabilities must be "key:value,key:value" or a mapping');
      for (const part of (spec.capabilities ?? '').split(',').filter(Boolean)) {
        if (!/^[^:\s]+:[^:]*$/.test(part)) at('capabilities', `capability "${part}" is not key:value`);
      }
    }
    const clean = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as unknown as NodeSpec;
    nodes.push(clean);
  });
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { nodes, problems };
}

/** `file:line:column: node 2 (name): message`, the form editors and CI annotators understand. */
export function formatNodeProblem(p: NodeFileProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.node ? `${p.node}: ` : ''}${p.message}`;
}

type RawNode = Record<string, Located>;

function readYaml(text: string, file: string): { nodes: RawNode[]; problems: NodeFileProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: NodeFileProblem[] = [];
  const pos = (n: YamlNode | null | undefined) => {
    const p = lines.linePos(n?.range?.[0] ?? 0);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length) {
    for (const e of doc.errors) {
      const p = lines.linePos(e.pos[0]);
      problems.push({ file, line: p.line, column: p.col, severity: 'error', node: '', message: `not valid JSON or YAML: ${e.message.split('\n')[0]}` });
    }
    return { nodes: [], problems };
  }
  let list: YamlNode | null | undefined = doc.contents;
  if (isMap(list)) {
    const nodesItem = (list as YAMLMap).items.find((it) => isScalar(it.key) && it.key.value === 'nodes');
    if (!nodesItem) {
      problems.push({ file, ...pos(list), severity: 'error', node: '', message: 'expected {"nodes": [...]} or a list of nodes' });
      return { nodes: [], problems };
    }
    list = nodesItem.value as YamlNode;
  }
  if (!isSeq(list)) {
    problems.push({ file, ...pos(list), severity: 'error', node: '', message: '"nodes" must be a list of nodes' });
    return { nodes: [], problems };
  }
  const nodes: RawNode[] = [];
  list.items.forEach((item, i) => {
    const node = item as YamlNode;
    if (!isMap(node)) {
      problems.push({ file, ...pos(node), severity: 'error', node: `node ${i + 1}`, message: 'a node must be a mapping of fields' });
      return;
    }
    const raw: RawNode = { '': { value: null, ...pos(node) } };
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const v = pair.value as YamlNode | null;
      raw[key] = {
        value: v && 'toJSON' in v ? (v as { toJSON(): unknown }).toJSON() : null,
        ...pos(pair.key as YamlNode),
        items: isSeq(v) ? v.items.map((x) => pos(x as YamlNode)) : undefined,
      };
    }
    nodes.push(raw);
  });
  if (!nodes.length && !problems.length) problems.push({ file, ...pos(list), severity: 'error', node: '', message: 'the file lists no nodes' });
  return { nodes, problems };
}

function looksLikeCsv(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => l.trim() && !l.trim().startsWith('#')) ?? '';
  return first.split(',').length >= CSV_COLUMNS.length && !/:\s/.test(first);
}

/** One CSV line into cells with their 1-based columns: commas separate, double quotes protect commas and quotes (""). */
function csvCells(line: string): { text: string; column: number }[] {
  const cells: { text: string; column: number }[] = [];
  let cur = '';
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') ((cur += '"'), i++);
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push({ text: cur.trim(), column: start + 1 });
      cur = '';
      start = i + 1;
    } else cur += c;
  }
  cells.push({ text: cur.trim(), column: start + 1 });
  return cells;
}

/** CSV rows `pm_type,pm_addr,pm_user,pm_password,mac`; a first row naming fields sets the columns instead. */
function readCsv(text: string, file: string): { nodes: RawNode[]; problems: NodeFileProblem[] } {
  const problems: NodeFileProblem[] = [];
  const nodes: RawNode[] = [];
  let columns = CSV_COLUMNS;
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('#')) return;
    const cells = csvCells(line);
    if (!nodes.length && columns === CSV_COLUMNS && cells.some((c) => c.text === 'pm_type')) {
      columns = cells.map((c) => c.text);
      return;
    }
    if (cells.length !== columns.length) {
      problems.push({
        file,
        line: i + 1,
        column: 1,
        severity: 'error',
        node: `node ${nodes.length + 1}`,
        message: `expected ${columns.length} columns (${columns.join(',')}), found ${cells.length}`,
      });
      return;
    }
    const raw: RawNode = { '': { value: null, line: i + 1, column: 1 } };
    cells.forEach((cell, k) => {
      raw[columns[k]] = { value: columns[k] === 'mac' ? cell.text.split(/[\s;]+/).filter(Boolean) : cell.text, line: i + 1, column: cell.column };
    });
    nodes.push(raw);
  });
  if (!nodes.length && !problems.length) problems.push({ file, line: 1, column: 1, severity: 'error', node: '', message: 'the file lists no nodes' });
  return { nodes, problems };
}
