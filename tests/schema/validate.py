#!/usr/bin/env python3
"""Validate JSON documents against the OCI runtime-spec schemas.

    validate.py --schema-dir DIR [--expect-invalid] LABEL SCHEMA DOC
        One check: prints "ok LABEL" or "FAIL LABEL: why" and exits 0 or 1.
        SCHEMA is a file name in DIR (config-schema.json, features-schema.json,
        state-schema.json); DOC is a file, or "-" for stdin. With
        --expect-invalid the check passes only when validation fails (used to
        prove the validator can fail at all).

    validate.py --schema-dir DIR --self-test
        Checks the validator itself: the spec's own good/bad example configs
        and hand-made features and state documents. One line per check.

The schemas $ref each other by relative file name ("defs.json#/..."), so
every schema in DIR is registered under its file:// URI. Works with
jsonschema >= 4.18 (referencing) and older releases (RefResolver).
"""
import argparse
import copy
import json
import pathlib
import sys

import jsonschema


def load_schemas(schema_dir):
    """{file name: schema with its file URI as base}."""
    schemas = {}
    for path in sorted(pathlib.Path(schema_dir).resolve().glob("*.json")):
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        schema = copy.deepcopy(schema)
        schema.setdefault("id", path.as_uri())  # draft 4 base URI
        schemas[path.name] = schema
    if not schemas:
        raise SystemExit(f"no schemas in {schema_dir}")
    return schemas


def make_validator(schemas, name):
    schema = schemas[name]
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4
    except ImportError:
        store = {s["id"]: s for s in schemas.values()}
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return cls(schema, resolver=resolver)
    registry = Registry().with_resources(
        (s["id"], Resource.from_contents(s, default_specification=DRAFT4))
        for s in schemas.values()
    )
    return cls(schema, registry=registry)


def problems(schemas, name, doc):
    """Validation errors as short strings ("" path = document root)."""
    validator = make_validator(schemas, name)
    out = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        out.append(f"{where}: {error.message}")
    return out


def check(schemas, label, name, doc_text, expect_invalid=False):
    """Prints one result line; returns True when the check passed."""
    try:
        doc = json.loads(doc_text)
    except (ValueError, TypeError) as e:
        if expect_invalid:
            print(f"ok {label} (not JSON, as expected)")
            return True
        print(f"FAIL {label}: not JSON: {e}")
        return False
    try:
        errors = problems(schemas, name, doc)
    except Exception as e:  # a broken schema or $ref must fail loudly, not pass
        print(f"FAIL {label}: validator error: {type(e).__name__}: {e}")
        return False
    if expect_invalid:
        if errors:
            print(f"ok {label} (refused: {errors[0]})")
            return True
        print(f"FAIL {label}: expected {name} to refuse it, but it validated")
        return False
    if errors:
        print(f"FAIL {label}: " + "; ".join(errors[:5]))
        return False
    print(f"ok {label}")
    return True


GOOD_FEATURES = {
    "ociVersionMin": "1.0.0",
    "ociVersionMax": "1.3.0",
    "hooks": ["prestart", "poststop"],
    "mountOptions": ["ro", "rbind"],
    "linux": {
        "namespaces": ["pid", "time"],
        "capabilities": ["CAP_KILL"],
        "cgroup": {"v1": False, "v2": True},
        "seccomp": {"enabled": True, "actions": ["SCMP_ACT_ALLOW"],
                    "operators": ["SCMP_CMP_EQ"], "archs": ["SCMP_ARCH_X86_64"],
                    "knownFlags": ["SECCOMP_FILTER_FLAG_LOG"], "supportedFlags": []},
        "apparmor": {"enabled": False},
        "mountExtensions": {"idmap": {"enabled": True}},
    },
}

GOOD_STATE = {"ociVersion": "1.3.0", "id": "c1", "status": "created", "pid": 42,
              "bundle": "/b", "annotations": {"k": "v"}}


def self_test(schemas, spec_dir):
    results = []
    examples = pathlib.Path(spec_dir) / "test" / "config"
    for kind in ("good", "bad"):
        for path in sorted((examples / kind).glob("*.json")):
            results.append(check(schemas, f"spec example {kind}/{path.name}", "config-schema.json",
                                 path.read_text(encoding="utf-8"), expect_invalid=kind == "bad"))

    def variant(base, **changes):
        doc = copy.deepcopy(base)
        for key, value in changes.items():
            if value is None:
                doc.pop(key, None)
            else:
                doc[key] = value
        return json.dumps(doc)

    results.append(check(schemas, "hand-made features", "features-schema.json",
                         json.dumps(GOOD_FEATURES)))
    results.append(check(schemas, "features without ociVersionMin is refused",
                         "features-schema.json", variant(GOOD_FEATURES, ociVersionMin=None),
                         expect_invalid=True))
    bad_ns = copy.deepcopy(GOOD_FEATURES)
    bad_ns["linux"]["namespaces"] = ["nett"]  # resolved through defs-linux.json
    results.append(check(schemas, "features with an unknown namespace is refused",
                         "features-schema.json", json.dumps(bad_ns), expect_invalid=True))
    results.append(check(schemas, "hand-made state", "state-schema.json", json.dumps(GOOD_STATE)))
    results.append(check(schemas, "state with status \"paused\" is refused", "state-schema.json",
                         variant(GOOD_STATE, status="paused"), expect_invalid=True))
    results.append(check(schemas, "state without bundle is refused", "state-schema.json",
                         variant(GOOD_STATE, bundle=None), expect_invalid=True))
    results.append(check(schemas, "state with a negative pid is refused", "state-schema.json",
                         variant(GOOD_STATE, pid=-1), expect_invalid=True))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema-dir", required=True)
    parser.add_argument("--expect-invalid", action="store_true")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("args", nargs="*")
    opts = parser.parse_args()
    schemas = load_schemas(opts.schema_dir)
    if opts.self_test:
        results = self_test(schemas, opts.schema_dir)
        return 0 if all(results) else 1
    if len(opts.args) != 3:
        parser.error("expected LABEL SCHEMA DOC")
    label, name, doc_path = opts.args
    if name not in schemas:
        print(f"FAIL {label}: no schema {name} in {opts.schema_dir}")
        return 1
    text = sys.stdin.read() if doc_path == "-" else pathlib.Path(doc_path).read_text(encoding="utf-8")
    return 0 if check(schemas, label, name, text, opts.expect_invalid) else 1


if __name__ == "__main__":
    sys.exit(main())
