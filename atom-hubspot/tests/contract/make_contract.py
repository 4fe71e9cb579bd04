#!/usr/bin/env python3
"""Builds tests/fixtures/hubspot-contract.json, the description tests/contract_prism.rs
serves with Prism, from HubSpot's official OpenAPI descriptions (one per API).

usage: make_contract.py SPEC_DIR OUT.json

SPEC_DIR holds HubSpot's descriptions (crm-objects-v3.json, crm-contacts-v3.json,
crm-associations-v4.json, crm-pipelines-v3.json, auth-oauth-v1.json). The paths below are
kept, the components they reach are merged (same-named components must be equal, or the
script stops), and the result is prepared for Prism the way `prism-mock --star-to-json`
does it: `*/*` responses are served as `application/json`, HubSpot's `example: null`
placeholders are dropped (Prism would answer `null`), and `nullable` without `type` is
spelled out. Only the Python 3 standard library is used; the output is minified JSON.
"""
import json
import re
import sys

KEEP = {
    "crm-objects-v3.json": [r"^/crm/v3/objects/\{objectType\}(/.*)?$"],
    "crm-contacts-v3.json": [r"^/crm/v3/objects/contacts/merge$"],
    "crm-associations-v4.json": [
        r"^/crm/v4/objects/.*$",
        r"^/crm/v4/associations/\{fromObjectType\}/\{toObjectType\}/batch/(create|read|archive|associate/default)$",
    ],
    "crm-pipelines-v3.json": [
        r"^/crm/v3/pipelines/\{objectType\}$",
        r"^/crm/v3/pipelines/\{objectType\}/\{pipelineId\}$",
        r"^/crm/v3/pipelines/\{objectType\}/\{pipelineId\}/stages(/\{stageId\})?$",
    ],
    "auth-oauth-v1.json": [r"^/oauth/v1/.*$"],
}
PROSE = {"description", "summary", "title", "externalDocs", "tags"}
NULL = {"enum": [None]}


def refs(node, out):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            out.add(tuple(ref[len("#/components/"):].split("/", 1)))
        for v in node.values():
            refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)


def prepare(node, in_schema_props=False):
    if isinstance(node, dict):
        if node.get("nullable") is True and "type" not in node and "$ref" not in node:
            node.pop("nullable")
            comb = next((k for k in ("oneOf", "anyOf", "allOf") if k in node), None)
            if comb:
                node["anyOf"] = [{comb: node.pop(comb)}, NULL]
        if "example" in node and node["example"] is None:
            node.pop("example")
        content = node.get("content")
        if isinstance(content, dict) and "*/*" in content and "application/json" not in content:
            content["application/json"] = content.pop("*/*")
        for key in list(node.keys()):
            # Keep property *names* that happen to be prose words.
            if not in_schema_props and key in PROSE and not isinstance(node[key], dict):
                node.pop(key)
            elif not in_schema_props and (key.startswith("x-")):
                node.pop(key)
            else:
                prepare(node[key], key == "properties")
    elif isinstance(node, list):
        for v in node:
            prepare(v)


def strip(node):
    """A copy without prose, extensions or examples, for comparing shapes."""
    copy = json.loads(json.dumps(node))
    prepare(copy)

    def drop(n):
        if isinstance(n, dict):
            n.pop("example", None)
            n.pop("examples", None)
            for v in n.values():
                drop(v)
        elif isinstance(n, list):
            for v in n:
                drop(v)

    drop(copy)
    return copy


def main(spec_dir, out):
    merged = {"openapi": "3.0.1", "info": {"title": "HubSpot (atom-hubspot contract)", "version": "v3"},
              "servers": [{"url": "https://api.hubapi.com"}], "paths": {}, "components": {}}
    for name, patterns in KEEP.items():
        spec = json.load(open(f"{spec_dir}/{name}"))
        kept = {p: item for p, item in spec["paths"].items() if any(re.match(r, p) for r in patterns)}
        if not kept:
            sys.exit(f"{name}: no path kept")
        merged["paths"].update(kept)
        # Components reachable from the kept paths, transitively.
        todo, seen = set(), set()
        refs(kept, todo)
        for kind, scheme in spec["components"].get("securitySchemes", {}).items():
            todo.add(("securitySchemes", kind))
        while todo:
            kind, key = todo.pop()
            if (kind, key) in seen:
                continue
            seen.add((kind, key))
            value = spec["components"][kind][key]
            refs(value, todo)
            section = merged["components"].setdefault(kind, {})
            if kind == "securitySchemes" and key in section:
                # The OAuth scheme lists each API's scopes: keep them all.
                for flow, spec_flow in value.get("flows", {}).items():
                    mine = section[key].setdefault("flows", {}).setdefault(flow, spec_flow)
                    mine.setdefault("scopes", {}).update(spec_flow.get("scopes", {}))
                continue
            if key in section and section[key] != value:
                # Same name, other shape: keep the first when only prose or examples differ.
                a, b = strip(section[key]), strip(value)
                if a != b:
                    sys.exit(f"component {kind}/{key} differs between descriptions")
            section.setdefault(key, value)
    prepare(merged)
    json.dump(merged, open(out, "w"), separators=(",", ":"))
    print(f"{len(merged['paths'])} paths, "
          + ", ".join(f"{len(v)} {k}" for k, v in merged["components"].items()))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
