#!/usr/bin/env python3
"""Edits OCI layouts for tests/trust/check.sh, independently of ward: finds
blobs, tampers with them, wraps a manifest in a platform index, and stores a
cosign-format signature (made by the openssl CLI) the way cosign lays it out.

  blob LAYOUT TAG manifest|config|layerN   print the blob path
  digest LAYOUT TAG                         print the tag's digest
  flip FILE [OFFSET]                        flip one bit of one byte in place
  index-set LAYOUT TAG FIELD VALUE          edit the tag's index.json entry (size: int)
  nest LAYOUT TAG NEWTAG                    tag an index listing TAG's manifest for linux/amd64
                                            and a linux/arm64 entry
  add-sig LAYOUT DIGEST PAYLOAD SIGB64 [tag|kind]
                                            store a signature manifest for DIGEST
  diff-id LAYOUT TAG N                      give layer N a wrong rootfs.diff_ids entry: new
                                            config and manifest blobs, index entry updated
                                            (every digest stays consistent); prints the
                                            new manifest digest
"""
import hashlib
import json
import os
import sys


def load_index(layout):
    with open(os.path.join(layout, "index.json")) as f:
        return json.load(f)


def save_index(layout, index):
    with open(os.path.join(layout, "index.json"), "w") as f:
        json.dump(index, f, separators=(",", ":"))


def entry(index, tag):
    for m in index["manifests"]:
        if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag:
            return m
    sys.exit(f"no tag {tag}")


def blob_path(layout, digest):
    return os.path.join(layout, "blobs", "sha256", digest.split(":", 1)[1])


def write_blob(layout, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob_path(layout, digest), "wb") as f:
        f.write(data)
    return digest, len(data)


def main(argv):
    cmd = argv[1]
    if cmd == "blob":
        layout, tag, which = argv[2:5]
        d = entry(load_index(layout), tag)["digest"]
        if which == "manifest":
            print(blob_path(layout, d))
            return
        with open(blob_path(layout, d)) as f:
            m = json.load(f)
        if which == "config":
            print(blob_path(layout, m["config"]["digest"]))
        else:
            print(blob_path(layout, m["layers"][int(which[5:])]["digest"]))
    elif cmd == "digest":
        print(entry(load_index(argv[2]), argv[3])["digest"])
    elif cmd == "flip":
        path = argv[2]
        off = int(argv[3]) if len(argv) > 3 else os.path.getsize(path) // 2
        with open(path, "r+b") as f:
            f.seek(off)
            b = f.read(1)
            f.seek(off)
            f.write(bytes([b[0] ^ 1]))
    elif cmd == "index-set":
        layout, tag, field, value = argv[2:6]
        index = load_index(layout)
        entry(index, tag)[field] = int(value) if field == "size" else value
        save_index(layout, index)
    elif cmd == "nest":
        layout, tag, newtag = argv[2:5]
        index = load_index(layout)
        e = dict(entry(index, tag))
        e.pop("annotations", None)
        e["platform"] = {"os": "linux", "architecture": "amd64"}
        arm = dict(e)
        arm["platform"] = {"os": "linux", "architecture": "arm64", "variant": "v8"}
        nested = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                  "manifests": [arm, e]}
        digest, size = write_blob(layout, json.dumps(nested).encode())
        index["manifests"].append({"mediaType": "application/vnd.oci.image.index.v1+json",
                                   "digest": digest, "size": size,
                                   "annotations": {"org.opencontainers.image.ref.name": newtag}})
        save_index(layout, index)
        print(digest)
    elif cmd == "diff-id":
        layout, tag, n = argv[2], argv[3], int(argv[4])
        index = load_index(layout)
        e = entry(index, tag)
        with open(blob_path(layout, e["digest"])) as f:
            m = json.load(f)
        with open(blob_path(layout, m["config"]["digest"])) as f:
            c = json.load(f)
        c["rootfs"]["diff_ids"][n] = "sha256:" + hashlib.sha256(b"not this layer").hexdigest()
        m["config"]["digest"], m["config"]["size"] = write_blob(
            layout, json.dumps(c, separators=(",", ":")).encode())
        e["digest"], e["size"] = write_blob(layout, json.dumps(m, separators=(",", ":")).encode())
        save_index(layout, index)
        print(e["digest"])
    elif cmd == "add-sig":
        layout, signed, payload_file, sig_file = argv[2:6]
        how = argv[6] if len(argv) > 6 else "tag"
        with open(payload_file, "rb") as f:
            payload = f.read()
        with open(sig_file) as f:
            sig = f.read().strip()
        pdigest, psize = write_blob(layout, payload)
        config = {"architecture": "", "created": "0001-01-01T00:00:00Z",
                  "history": [{"created": "0001-01-01T00:00:00Z"}], "os": "",
                  "rootfs": {"type": "layers", "diff_ids": [pdigest]}, "config": {}}
        cdigest, csize = write_blob(layout, json.dumps(config, separators=(",", ":")).encode())
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                               "size": csize, "digest": cdigest},
                    "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                                "size": psize, "digest": pdigest,
                                "annotations": {"dev.cosignproject.cosign/signature": sig}}]}
        mdigest, msize = write_blob(layout, json.dumps(manifest).encode())
        if how == "kind":
            ann = {"kind": "dev.cosignproject.cosign/sigs"}
        else:
            ann = {"org.opencontainers.image.ref.name": "sha256-" + signed.split(":")[1] + ".sig"}
        index = load_index(layout)
        index["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                   "digest": mdigest, "size": msize, "annotations": ann})
        save_index(layout, index)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
