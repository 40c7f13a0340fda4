"""Loads YAML files the way Heat does (PyYAML's safe loader, timestamps kept as their text) and prints,
one JSON line per file named on stdin, {"value": ...} or {"error": message, "line": 1-based line}."""
import json
import math
import sys

import yaml

Base = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


class HeatLoader(Base):
    def _construct_yaml_str(self, node):
        return self.construct_scalar(node)


HeatLoader.add_constructor('tag:yaml.org,2002:str', HeatLoader._construct_yaml_str)
HeatLoader.add_constructor('tag:yaml.org,2002:timestamp', HeatLoader._construct_yaml_str)


def plain(v):
    """A JSON-able copy: keys as JavaScript names them, non-finite floats as tagged strings."""
    if isinstance(v, dict):
        return {key(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return {'$float': 'nan' if math.isnan(v) else ('inf' if v > 0 else '-inf')}
    if isinstance(v, (bytes, bytearray)):
        return {'$bytes': v.hex()}
    if isinstance(v, (set, frozenset)):
        return {'$set': sorted(key(x) for x in v)}
    return v


def key(k):
    if k is True:
        return 'true'
    if k is False:
        return 'false'
    if k is None:
        return 'null'
    if isinstance(k, float) and k == int(k):
        return str(int(k))
    return str(k)


for name in sys.stdin.read().split('\n'):
    if not name:
        continue
    try:
        with open(name, encoding='utf-8') as f:
            value = yaml.load(f, Loader=HeatLoader)
        out = {'value': plain(value)}
    except yaml.YAMLError as e:
        mark = getattr(e, 'problem_mark', None)
        out = {'error': str(e).split('\n')[0], 'line': mark.line + 1 if mark else None}
    print(json.dumps(out, sort_keys=True))
