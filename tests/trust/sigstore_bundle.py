#!/usr/bin/env python3
"""Sigstore bundles v0.3 for the trust tests, independently of ward.

  attach LAYOUT DIGEST BUNDLE referrer|tag
      store BUNDLE (a file) as cosign v3 does: a blob, an OCI 1.1 artifact
      manifest (artifactType the bundle type, subject DIGEST) listed in
      index.json (referrer), or listed by an index tagged sha256-<hex>, the
      referrers fallback tag (tag)
  sign DIGEST KEY OUT
      assemble a bundle over DIGEST with the openssl CLI (for images made at
      test time, whose digest no committed fixture can know): an in-toto
      statement with cosign's predicate, DSSE pre-auth encoding signed by
      `openssl dgst -sha256 -sign KEY`, no log entry
"""
import base64
import json
import subprocess
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from layout_edit import blob_path, load_index, save_index, write_blob  # noqa: E402

BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"


def attach(layout, digest, bundle_file, how):
    with open(bundle_file, "rb") as f:
        bdigest, bsize = write_blob(layout, f.read())
    edigest, esize = write_blob(layout, b"{}")
    subject_type = MANIFEST
    for m in load_index(layout)["manifests"]:
        if m["digest"] == digest:
            subject_type = m["mediaType"]
    with open(blob_path(layout, digest), "rb") as f:
        subject_size = len(f.read())
    manifest = {"schemaVersion": 2, "mediaType": MANIFEST, "artifactType": BUNDLE,
                "config": {"mediaType": "application/vnd.oci.empty.v1+json",
                           "digest": edigest, "size": esize},
                "layers": [{"mediaType": BUNDLE, "digest": bdigest, "size": bsize}],
                "subject": {"mediaType": subject_type, "digest": digest, "size": subject_size},
                "annotations": {"dev.sigstore.bundle.content": "dsse-envelope",
                                "dev.sigstore.bundle.predicateType":
                                    "https://sigstore.dev/cosign/sign/v1"}}
    mdigest, msize = write_blob(layout, json.dumps(manifest).encode())
    listed = {"mediaType": MANIFEST, "digest": mdigest, "size": msize, "artifactType": BUNDLE,
              "annotations": {"dev.sigstore.bundle.content": "dsse-envelope"}}
    index = load_index(layout)
    if how == "referrer":
        index["manifests"].append(listed)
    else:
        referrers = {"schemaVersion": 2, "mediaType": INDEX, "manifests": [listed]}
        rdigest, rsize = write_blob(layout, json.dumps(referrers).encode())
        index["manifests"].append({"mediaType": INDEX, "digest": rdigest, "size": rsize,
                                   "annotations": {"org.opencontainers.image.ref.name":
                                                   "sha256-" + digest.split(":", 1)[1]}})
    save_index(layout, index)


def sign(digest, key, out):
    statement = json.dumps({"_type": "https://in-toto.io/Statement/v1",
                            "subject": [{"name": "test", "digest": {"sha256": digest.split(":")[1]}}],
                            "predicateType": "https://sigstore.dev/cosign/sign/v1",
                            "predicate": {}}, separators=(",", ":")).encode()
    ptype = b"application/vnd.in-toto+json"
    pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(statement), statement)
    der = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=pae,
                         capture_output=True, check=True).stdout
    bundle = {"mediaType": BUNDLE,
              "verificationMaterial": {"publicKey": {"hint": ""}},
              "dsseEnvelope": {"payload": base64.b64encode(statement).decode(),
                               "payloadType": ptype.decode(),
                               "signatures": [{"sig": base64.b64encode(der).decode(),
                                               "keyid": ""}]}}
    with open(out, "w") as f:
        json.dump(bundle, f)


def main(argv):
    if len(argv) == 6 and argv[1] == "attach" and argv[5] in ("referrer", "tag"):
        attach(*argv[2:6])
    elif len(argv) == 5 and argv[1] == "sign":
        sign(*argv[2:5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
