#!/usr/bin/env python3
"""Oracle for the template rendering tests and bench: renders a tripleo-heat-templates tree with Python's
Jinja2 (Debian python3-jinja2) the way tripleo-common's ProcessTemplatesAction processed a plan, and prints
JSON {"rendered": {path: text}, "errors": {path: message}, "seconds": [...]}.

    render_oracle.py TREE [--roles-data FILE] [--network-data FILE] [--runs N] [--compile-once]

--runs N repeats the whole processing N times and reports each run's time, measured here (files are read
into memory first, as they would be in Swift; interpreter start-up is not counted). tripleo-common built a new Environment for every file, so each template
and include was compiled again; --compile-once reuses one Environment per include search path and compiles
each source once (the fastest use of Jinja2), for the bench.
"""
import argparse
import json
import os
import sys
import time

import jinja2
import yaml


class PlanLoader(yaml.SafeLoader):
    """PyYAML's safe loader with timestamps kept as strings (Heat's rule, and the project's reader)."""


PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != 'tag:yaml.org,2002:timestamp']
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text):
    return yaml.load(text, Loader=PlanLoader)


class PlanFilesLoader(jinja2.BaseLoader):
    """Looks an include up beside the rendered file, then at the plan root."""

    def __init__(self, files, searchpath):
        self.files = files
        self.searchpath = [searchpath] if searchpath else []
        if '' not in self.searchpath:
            self.searchpath.append('')

    def get_source(self, environment, template):
        pieces = jinja2.loaders.split_template_path(template)
        for searchpath in self.searchpath:
            path = os.path.join(searchpath, *pieces)
            if path in self.files:
                return self.files[path], None, lambda: False
        raise jinja2.exceptions.TemplateNotFound(template)


def process(files, roles_text, network_text, compile_once=False):
    rendered = {}
    errors = {}
    role_data = load_yaml(roles_text)
    network_data = load_yaml(network_text) if network_text is not None else []
    network_data = network_data or []
    excl = load_yaml(files['j2_excludes.yaml']) if 'j2_excludes.yaml' in files else None
    if excl is None or excl.get('name') is None:
        excl = {'name': []}
    excl_templates = excl['name']

    r_map = {}
    for r in role_data:
        r_map[r.get('name')] = r
    n_map = {}
    for n in network_data:
        if n.get('enabled') is not False:
            n_map[n.get('name')] = n
            if not n.get('name_lower'):
                n_map[n.get('name')]['name_lower'] = n.get('name').lower()

    environments = {}
    compiled = {}

    def template_for(source, out):
        searchpath = os.path.dirname(out)
        if not compile_once:
            return jinja2.Environment(loader=PlanFilesLoader(files, searchpath)).from_string(files[source])
        key = (searchpath, source)
        if key not in compiled:
            if searchpath not in environments:
                environments[searchpath] = jinja2.Environment(loader=PlanFilesLoader(files, searchpath))
            compiled[key] = environments[searchpath].from_string(files[source])
        return compiled[key]

    def render(source, out, data):
        try:
            template = template_for(source, out)
            rendered[out] = template.render(**data)
        except Exception as ex:  # noqa: BLE001 - every failure is reported per file
            errors[out] = '%s: %s' % (type(ex).__name__, ex)

    for f in sorted(files, key=lambda p: p.encode('utf-8')):
        if not f.endswith('.j2.yaml'):
            continue
        text = files[f]
        d = os.path.dirname(f)
        if f.endswith('.role.j2.yaml'):
            for role in [r.get('name') for r in role_data]:
                out = os.path.join(d, '-'.join([role.lower(), os.path.basename(f).replace('.role.j2.yaml', '.yaml')]))
                if 'network/config' in d:
                    name = r_map[role].get('deprecated_nic_config_name') or '%s.yaml' % role.lower()
                    out = os.path.join(d, name)
                if out in excl_templates:
                    continue
                if '{{role.name}}' in text:
                    data = {'role': r_map[role], 'networks': network_data}
                else:
                    data = {'role': role, 'networks': network_data}
                    if r_map[role].get('disable_constraints', False):
                        data['disable_constraints'] = True
                render(f, out, data)
        elif f.endswith('.network.j2.yaml'):
            for network in n_map:
                out = os.path.basename(f).replace('.network.j2.yaml', '.yaml')
                if d.endswith('ports'):
                    out = out.replace('port', n_map[network]['name_lower'])
                else:
                    out = out.replace('network', n_map[network]['name_lower'])
                out = os.path.join(d, out)
                if out in excl_templates:
                    continue
                render(f, out, {'network': n_map[network]})
        else:
            render(f, f.replace('.j2.yaml', '.yaml'), {'roles': role_data, 'networks': network_data})
    return rendered, errors


def read_tree(root):
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root).replace(os.sep, '/')
            try:
                with open(path, encoding='utf-8') as fh:
                    files[rel] = fh.read()
            except (UnicodeDecodeError, OSError):
                pass
    return files


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('tree')
    parser.add_argument('--roles-data')
    parser.add_argument('--network-data')
    parser.add_argument('--runs', type=int, default=1)
    parser.add_argument('--compile-once', action='store_true')
    args = parser.parse_args()
    files = read_tree(args.tree)
    roles_text = open(args.roles_data, encoding='utf-8').read() if args.roles_data else files['roles_data.yaml']
    if args.network_data:
        network_text = open(args.network_data, encoding='utf-8').read()
    else:
        network_text = files.get('network_data.yaml')
    seconds = []
    for _ in range(args.runs):
        start = time.perf_counter()
        rendered, errors = process(files, roles_text, network_text, args.compile_once)
        seconds.append(time.perf_counter() - start)
    json.dump({'rendered': rendered, 'errors': errors, 'seconds': seconds, 'jinja2': jinja2.__version__}, sys.stdout)


if __name__ == '__main__':
    main()
