// Makes the Sigstore bundle v0.3 fixtures of this directory with sigstore-js
// (@sigstore/sign's DSSEBundleBuilder, a key-based signer, and its
// RekorWitness talking to a stand-in Rekor on 127.0.0.1), so ward's bundle
// verifier is tested against bundles another implementation wrote. Each
// bundle is checked with @sigstore/verify before it is written: a fixture
// that is "good" is good by sigstore-js's own verifier.
//
//   node make-fixtures.js IMAGE_LAYOUT OUT_DIR     (make-fixtures.sh runs it)
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { DSSEBundleBuilder, RekorWitness } = require('@sigstore/sign');
const { bundleToJSON, bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity } = require('@sigstore/verify');

const [layout, out] = process.argv.slice(2);
const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
const COSIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const INTOTO = 'application/vnd.in-toto+json';
const IDENTITY = 'registry.example/team/app';
// A fixed log time: fixtures regenerate with the same tlog fields.
const INTEGRATED_TIME = 1767225600;

function keyPair() {
  return crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
}
const pem = (k) => k.export({ type: 'spki', format: 'pem' });
const spkiDigest = (k) =>
  crypto.createHash('sha256').update(k.export({ type: 'spki', format: 'der' })).digest();

// What a signing service would hand back: a DER ECDSA-SHA256 signature and
// the public key (hint: the key's SPKI digest, as cosign's key hint is).
function keySigner(pair) {
  return {
    sign: async (data) => ({
      signature: crypto.sign('sha256', data, pair.privateKey),
      key: { $case: 'publicKey', publicKey: pem(pair.publicKey), hint: spkiDigest(pair.publicKey).toString('base64') },
    }),
  };
}

// Rekor's canonical JSON for the values it signs: keys sorted, no spaces.
function canonical(v) {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']';
  if (v && typeof v === 'object')
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
  return JSON.stringify(v);
}

// A stand-in Rekor v1: takes a proposed dsse entry, stores the body Rekor
// would (payload hash, envelope hash, signatures with their verifier) and
// answers with a signed entry timestamp made with `log`'s key.
function startRekor(log) {
  let index = 41;
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const proposed = JSON.parse(text);
      const content = proposed.spec.proposedContent;
      const env = JSON.parse(content.envelope);
      const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
      const body = canonical({
        apiVersion: '0.0.1',
        kind: 'dsse',
        spec: {
          envelopeHash: { algorithm: 'sha256', value: sha(content.envelope) },
          payloadHash: { algorithm: 'sha256', value: sha(Buffer.from(env.payload, 'base64')) },
          signatures: env.signatures.map((s) => ({ signature: s.sig, verifier: content.verifiers[0] })),
        },
      });
      const entry = {
        body: Buffer.from(body).toString('base64'),
        integratedTime: INTEGRATED_TIME,
        logID: spkiDigest(log.publicKey).toString('hex'),
        logIndex: ++index,
      };
      const set = crypto.sign('sha256', Buffer.from(canonical(entry)), log.privateKey);
      entry.verification = { signedEntryTimestamp: set.toString('base64'), inclusionProof: proofOfOnly(body, log) };
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ [crypto.randomUUID().replace(/-/g, '')]: entry }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// An RFC 6962 tree holding only this entry: its root is the leaf hash, the
// proof has no hashes, and the checkpoint (a signed note) is signed by the
// log's key with the first four bytes of its log ID as key hint.
function proofOfOnly(body, log) {
  const root = crypto.createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(body)])).digest();
  const note = `127.0.0.1 - 1\n1\n${root.toString('base64')}\n`;
  const sig = crypto.sign('sha256', Buffer.from(note), log.privateKey);
  const signed = Buffer.concat([spkiDigest(log.publicKey).subarray(0, 4), sig]).toString('base64');
  return { logIndex: 0, treeSize: 1, rootHash: root.toString('hex'), hashes: [], checkpoint: `${note}\n\u2014 127.0.0.1 ${signed}\n` };
}

function statement(digestHex, predicateType) {
  return JSON.stringify({
    _type: STATEMENT_TYPE,
    subject: [{ name: IDENTITY, digest: { sha256: digestHex } }],
    predicateType,
    predicate: {},
  });
}

async function makeBundle(signer, digestHex, { predicateType = COSIGN_PREDICATE, rekorURL } = {}) {
  const witnesses = rekorURL ? [new RekorWitness({ rekorBaseURL: rekorURL, entryType: 'dsse' })] : [];
  const builder = new DSSEBundleBuilder({ signer: keySigner(signer), witnesses });
  const bundle = await builder.create({ data: Buffer.from(statement(digestHex, predicateType)), type: INTOTO });
  return bundleToJSON(bundle);
}

// @sigstore/verify's verdict on a bundle: the signer's key always, the
// transparency log when `log` is given.
function sigstoreVerifies(json, signer, log) {
  const material = {
    certificateAuthorities: [],
    timestampAuthorities: [],
    ctlogs: [],
    tlogs: log
      ? [{ logID: spkiDigest(log.publicKey), baseURL: 'http://127.0.0.1', publicKey: log.publicKey,
           validFor: { start: new Date(0), end: new Date(8.64e15) } }]
      : [],
    publicKey: () => ({ publicKey: signer.publicKey, validFor: () => true }),
  };
  const options = log ? { tlogThreshold: 1, timestampThreshold: 1 } : { tlogThreshold: 0, timestampThreshold: 0 };
  try {
    new Verifier(material, options).verify(toSignedEntity(bundleFromJSON(json)));
    return 'verifies';
  } catch (e) {
    return 'refused: ' + e.message;
  }
}

function write(name, value) {
  fs.writeFileSync(path.join(out, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2) + '\n');
}

async function main() {
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json')));
  const manifest = index.manifests[0].digest;
  const hex = manifest.split(':')[1];
  const signer = keyPair();
  const other = keyPair();
  const rekor = keyPair();
  const rekorOther = keyPair();
  const rekorServer = await startRekor(rekor);
  const rekorURL = `http://127.0.0.1:${rekorServer.address().port}`;

  const good = await makeBundle(signer, hex);
  const otherDigest = await makeBundle(signer, crypto.createHash('sha256').update('another image').digest('hex'));
  const wrongPredicate = await makeBundle(signer, hex, { predicateType: 'https://slsa.dev/provenance/v1' });
  const tlog = await makeBundle(signer, hex, { rekorURL });
  rekorServer.close();

  // Tampered: the statement names another digest, the signature is kept.
  const tampered = structuredClone(good);
  const st = JSON.parse(Buffer.from(tampered.dsseEnvelope.payload, 'base64'));
  st.subject[0].digest.sha256 = '0'.repeat(64);
  tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString('base64');
  // Bad SET: the log's promise no longer covers the time the entry claims.
  const badSet = structuredClone(tlog);
  badSet.verificationMaterial.tlogEntries[0].integratedTime = String(INTEGRATED_TIME + 3600);

  const verdicts = {
    'good.bundle.json': sigstoreVerifies(good, signer),
    'other-digest.bundle.json': sigstoreVerifies(otherDigest, signer),
    'wrong-predicate.bundle.json': sigstoreVerifies(wrongPredicate, signer),
    'tampered.bundle.json': sigstoreVerifies(tampered, signer),
    'tlog.bundle.json': sigstoreVerifies(tlog, signer, rekor),
    'bad-set.bundle.json': sigstoreVerifies(badSet, signer, rekor),
    'good.bundle.json with other.pub': sigstoreVerifies(good, other),
  };
  for (const [name, v] of Object.entries(verdicts)) console.log(`@sigstore/verify: ${name}: ${v}`);
  const want = (n, ok) => {
    if ((verdicts[n] === 'verifies') !== ok) throw new Error(`${n}: ${verdicts[n]}, want ${ok ? 'verifies' : 'refused'}`);
  };
  ['good.bundle.json', 'other-digest.bundle.json', 'wrong-predicate.bundle.json', 'tlog.bundle.json'].forEach((n) => want(n, true));
  ['tampered.bundle.json', 'bad-set.bundle.json', 'good.bundle.json with other.pub'].forEach((n) => want(n, false));

  write('good.bundle.json', good);
  write('other-digest.bundle.json', otherDigest);
  write('wrong-predicate.bundle.json', wrongPredicate);
  write('tampered.bundle.json', tampered);
  write('tlog.bundle.json', tlog);
  write('bad-set.bundle.json', badSet);
  write('signer.pub', pem(signer.publicKey));
  write('other.pub', pem(other.publicKey));
  write('rekor.pub', pem(rekor.publicKey));
  write('rekor-other.pub', pem(rekorOther.publicKey));
  write('manifest-digest', manifest + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
