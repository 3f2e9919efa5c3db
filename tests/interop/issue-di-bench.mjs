#!/usr/bin/env node
// Digital Bazaar's `vc.issue` (eddsa-rdfc-2022) in a loop, in this one Node process: the
// in-process rate bench/http_issuance.py compares our HTTP issuance with. The contexts come
// from the pinned folder only (no network), the key is generated here.
//
// Input (stdin, one JSON object):
//   {"credential": {...unsigned...}, "contexts": "<dir with manifest.json>",
//    "seconds": 3, "controller": "did:web:..."}
// Output (stdout, one JSON object):
//   {"count": n, "seconds": wall, "cpuSeconds": user+system, "publicKeyMultibase": "z...",
//    "signed": {...the last credential issued...}}
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc2022Cryptosuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsonld from 'jsonld';

jsonld.documentLoader = async url => {
  throw new Error(`network access disabled; refusing to load "${url}"`);
};

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function loadContexts(dir) {
  const root = path.resolve(dir);
  const manifest = JSON.parse(await readFile(path.join(root, 'manifest.json'), 'utf8'));
  const contexts = new Map();
  for(const entry of manifest) {
    const file = path.resolve(root, entry.file);
    contexts.set(entry.url, JSON.parse(await readFile(file, 'utf8')));
  }
  return contexts;
}

const request = await readStdin();
const contexts = await loadContexts(request.contexts);
const documentLoader = async url => {
  const document = contexts.get(url);
  if(document === undefined) {
    throw new Error(`"${url}" is not a pinned context (no network access)`);
  }
  return {contextUrl: null, documentUrl: url, document: structuredClone(document)};
};
const keyPair = await Ed25519Multikey.generate({controller: request.controller});
keyPair.id = `${request.controller}#bench`;
const suite = new DataIntegrityProof({
  signer: keyPair.signer(), cryptosuite: eddsaRdfc2022Cryptosuite
});

async function issueOne(n) {
  const credential = structuredClone(request.credential);
  credential.id = `${request.credential.id}-${n}`;
  return vc.issue({credential, suite, documentLoader});
}

// Warm up (the JIT, the loader), then count for `seconds`.
for(let n = 0; n < 5; ++n) {
  await issueOne(n);
}
const cpuStart = process.cpuUsage();
const started = performance.now();
let count = 0;
let signed;
while(performance.now() - started < request.seconds * 1000 || count < 5) {
  signed = await issueOne(count);
  ++count;
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const exported = await keyPair.export({publicKey: true});
process.stdout.write(JSON.stringify({
  count,
  seconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  publicKeyMultibase: exported.publicKeyMultibase,
  signed
}));
