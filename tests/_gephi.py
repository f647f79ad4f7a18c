"""A check that reads a GraphML file the way Gephi's importer does, and says what it would trip on.

Gephi (ImporterGraphML) reads each <key> by id, takes a node key whose id or
name is "label" as the label, the keys r, g, b (integers 0-255) as the color,
x, y as the position and size as the size, and parses every <data> by its
key's declared type: a value that does not parse, or a <data> whose key is
not declared, is reported as an issue in Gephi's import report.
"""

from __future__ import annotations

from lxml import etree

NS = "{http://graphml.graphdrawing.org/xmlns}"
GEPHI_TYPES = {"boolean", "int", "long", "float", "double", "string"}


def _parses(value: str, kind: str) -> bool:
    try:
        if kind in ("int", "long"):
            int(value)
        elif kind in ("float", "double"):
            float(value)
        elif kind == "boolean":
            return value in ("true", "false")
    except ValueError:
        return False
    return True


def gephi_issues(path) -> list[str]:
    """What Gephi's GraphML importer would warn about; empty when the file is clean."""
    root = etree.parse(str(path)).getroot()
    issues: list[str] = []
    keys: dict[str, tuple[str, str, str]] = {}
    for key in root.iter(f"{NS}key"):
        key_id, name, kind, domain = key.get("id"), key.get("attr.name"), key.get("attr.type"), key.get("for")
        if key_id in keys:
            issues.append(f"key id {key_id!r} declared twice")
        if key_id != name:
            issues.append(f"key id {key_id!r} is not its name {name!r} (Gephi reads keys by id)")
        if kind not in GEPHI_TYPES:
            issues.append(f"key {key_id!r}: type {kind!r} unknown to Gephi")
        keys[key_id] = (name, kind, domain)
    names_by_domain: dict[str, list[str]] = {}
    for name, _, domain in keys.values():
        names_by_domain.setdefault(domain, []).append(name)
    for domain, names in names_by_domain.items():
        if len(names) != len(set(names)):
            issues.append(f"two {domain} keys share a name (two columns in Gephi)")
    for kind in ("r", "g", "b"):
        if kind in keys and keys[kind][1] not in ("int", "long"):
            issues.append(f"color key {kind!r} is {keys[kind][1]}, Gephi wants an integer")
    for element in root.iter(f"{NS}node", f"{NS}edge"):
        domain = "node" if element.tag == f"{NS}node" else "edge"
        data = {d.get("key"): d.text or "" for d in element.findall(f"{NS}data")}
        for key_id, value in data.items():
            if key_id not in keys:
                issues.append(f"{domain} {element.get('id')}: data for undeclared key {key_id!r}")
            elif not _parses(value, keys[key_id][1]):
                issues.append(f"{domain} {element.get('id')}: {key_id}={value!r} is not {keys[key_id][1]}")
            elif key_id in ("r", "g", "b") and not 0 <= int(value) <= 255:
                issues.append(f"node {element.get('id')}: {key_id}={value} outside 0-255")
        if domain == "node" and not data.get("label"):
            issues.append(f"node {element.get('id')} has no label")
    return issues
