#!/usr/bin/env node
// Independent verifier for W3C Data Integrity (eddsa-rdfc-2022) credentials,
// built on Digital Bazaar's published libraries. Used by tests/interop to check
// that NASSC credentials verify outside our own Python code. See README.md.
//
// Input (stdin, one JSON object):
//   single:  {"credential": {...}, "verificationMethods": [...],
//             "contexts": "<dir with manifest.json>",
//             "checkIssuer": true, "now": "<ISO 8601>"}
//   batch:   {"items": [{"credential": {...}, "verificationMethods"?: [...],
//                        "checkIssuer"?: bool, "now"?: "..."}, ...],
//             "verificationMethods": [...], "contexts": "<dir>",
//             "checkIssuer"?: bool, "now"?: "..."}
//   `contexts` may instead be given as `--contexts <dir>` on the command line
//   (the command line wins). Per-item fields override top-level ones.
//
// Output (stdout, one JSON object):
//   single:  {"verified": bool, "error": string|null}
//   batch:   {"verified": bool (all items), "error": string|null,
//             "results": [{"verified": bool, "error": string|null}, ...]}
// Exit status: 0 verified (all items), 1 not verified, 2 usage (or internal)
// error, i.e. no verification result.
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import process from 'node:process';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022Cryptosuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsigs from 'jsonld-signatures';
import jsonld from 'jsonld';

const {AssertionProofPurpose} = jsigs.purposes;

const DID_CONTEXT_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';

const EXIT_VERIFIED = 0;
const EXIT_NOT_VERIFIED = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

// Belt and braces: if any code path ever falls back to jsonld's default
// loader (which would use the network), refuse.
jsonld.documentLoader = async url => {
  throw new Error(`network access disabled; refusing to load "${url}"`);
};

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseArgs(argv) {
  const options = {contexts: undefined};
  for(let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    if(arg === '--contexts') {
      if(i + 1 >= argv.length) {
        throw new UsageError('--contexts needs a directory argument');
      }
      options.contexts = argv[++i];
    } else if(arg.startsWith('--contexts=')) {
      options.contexts = arg.slice('--contexts='.length);
    } else if(arg === '-h' || arg === '--help') {
      throw new UsageError(
        'usage: node verify-di.mjs [--contexts DIR] < request.json');
    } else {
      throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return options;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// Reads `<dir>/manifest.json`: a JSON list of objects with at least
// `url` and `file` (other keys such as `sha256`, `source`, `package` are
// ignored). Returns Map(url -> parsed context document).
async function loadContexts(dir) {
  if(typeof dir !== 'string' || dir === '') {
    throw new UsageError(
      'no contexts directory: give "contexts" in the input or --contexts DIR');
  }
  const root = path.resolve(dir);
  const manifestPath = path.join(root, 'manifest.json');
  let manifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch(e) {
    throw new UsageError(`cannot read ${manifestPath}: ${e.message}`);
  }
  if(!Array.isArray(manifest)) {
    throw new UsageError(`${manifestPath} must be a JSON list`);
  }
  const contexts = new Map();
  for(const entry of manifest) {
    if(!isPlainObject(entry) || typeof entry.url !== 'string' ||
      typeof entry.file !== 'string') {
      throw new UsageError(
        `${manifestPath}: every entry needs string "url" and "file"`);
    }
    const filePath = path.resolve(root, entry.file);
    if(path.dirname(filePath) !== root) {
      throw new UsageError(
        `${manifestPath}: "${entry.file}" is not a file in ${root}`);
    }
    if(contexts.has(entry.url)) {
      throw new UsageError(`${manifestPath}: duplicate url "${entry.url}"`);
    }
    try {
      contexts.set(entry.url, JSON.parse(await readFile(filePath, 'utf8')));
    } catch(e) {
      throw new UsageError(`cannot read context ${filePath}: ${e.message}`);
    }
  }
  return contexts;
}

function checkVerificationMethods(vms, where) {
  if(!Array.isArray(vms)) {
    throw new UsageError(`${where}: "verificationMethods" must be a list`);
  }
  for(const vm of vms) {
    if(!isPlainObject(vm)) {
      throw new UsageError(`${where}: verification method must be an object`);
    }
    for(const key of ['id', 'controller', 'publicKeyMultibase']) {
      if(typeof vm[key] !== 'string' || vm[key] === '') {
        throw new UsageError(
          `${where}: verification method needs a string "${key}"`);
      }
    }
    if(vm.type !== 'Multikey') {
      throw new UsageError(
        `${where}: verification method "${vm.id}" must have type "Multikey"`);
    }
  }
}

// Builds the documents that the loader may return besides the contexts:
// every verification method (by its id) and one minimal controller document
// per controller listing its methods under `assertionMethod`.
function buildKeyDocuments(vms, contexts) {
  const docs = new Map();
  const byController = new Map();
  for(const vm of vms) {
    const method = {
      id: vm.id,
      type: 'Multikey',
      controller: vm.controller,
      publicKeyMultibase: vm.publicKeyMultibase
    };
    if(docs.has(vm.id) || contexts.has(vm.id)) {
      throw new UsageError(`verification method id "${vm.id}" is not unique`);
    }
    docs.set(vm.id, {'@context': MULTIKEY_CONTEXT_V1, ...method});
    if(!byController.has(vm.controller)) {
      byController.set(vm.controller, []);
    }
    byController.get(vm.controller).push(method);
  }
  for(const [controller, methods] of byController) {
    if(docs.has(controller) || contexts.has(controller)) {
      throw new UsageError(`controller id "${controller}" clashes with ` +
        'another document id');
    }
    docs.set(controller, {
      '@context': [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
      id: controller,
      assertionMethod: methods.map(m => m.id),
      verificationMethod: methods
    });
  }
  return docs;
}

function makeDocumentLoader(contexts, keyDocs) {
  return async url => {
    let document = contexts.get(url);
    if(document === undefined) {
      document = keyDocs.get(url);
    }
    if(document === undefined) {
      throw new Error(`document loader: "${url}" is not a pinned context or ` +
        'a given verification method/controller (no network access)');
    }
    // hand out a copy so that no library can alter our pinned documents
    return {contextUrl: null, documentUrl: url, document: structuredClone(document)};
  };
}

// Gathers human-readable messages from the nested error structures that
// jsonld-signatures / vc / jsonld produce.
function collectErrors(result) {
  const messages = [];
  const seen = new Set();
  const visit = error => {
    if(!error || seen.has(error)) {
      return;
    }
    seen.add(error);
    if(Array.isArray(error.errors) && error.errors.length > 0) {
      error.errors.forEach(visit);
    } else if(error.message) {
      messages.push(error.name && error.name !== 'Error' ?
        `${error.name}: ${error.message}` : error.message);
    } else {
      messages.push(String(error));
    }
    if(error.details?.cause) {
      visit(error.details.cause);
    }
    if(error.cause) {
      visit(error.cause);
    }
  };
  visit(result.error);
  for(const r of result.results || []) {
    visit(r.error);
    visit(r.purposeResult?.error);
  }
  const unique = [...new Set(messages)];
  return unique.length > 0 ? unique.join('; ') : 'verification failed';
}

async function verifyOne({credential, vms, contexts, checkIssuer, now}) {
  const keyDocs = buildKeyDocuments(vms, contexts);
  const documentLoader = makeDocumentLoader(contexts, keyDocs);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022Cryptosuite});
  const options = {
    credential,
    suite,
    documentLoader,
    // Status (revocation) is tested elsewhere; tell vc it is fine so that it
    // does not refuse credentials that carry `credentialStatus`.
    checkStatus: async () => ({verified: true})
  };
  if(!checkIssuer) {
    // Plain assertionMethod purpose: does not require the credential's
    // issuer to equal the verification method's controller.
    options.purpose = new AssertionProofPurpose();
  }
  if(now !== undefined) {
    options.now = now;
  }
  try {
    const result = await vc.verifyCredential(options);
    if(result.verified === true) {
      return {verified: true, error: null};
    }
    return {verified: false, error: collectErrors(result)};
  } catch(e) {
    return {verified: false, error: collectErrors({error: e})};
  }
}

function itemOptions(item, defaults, where) {
  if(!isPlainObject(item)) {
    throw new UsageError(`${where} must be an object`);
  }
  if(!isPlainObject(item.credential)) {
    throw new UsageError(`${where}: "credential" must be a JSON object`);
  }
  const vms = item.verificationMethods ?? defaults.verificationMethods;
  checkVerificationMethods(vms, where);
  const checkIssuer = item.checkIssuer ?? defaults.checkIssuer ?? true;
  if(typeof checkIssuer !== 'boolean') {
    throw new UsageError(`${where}: "checkIssuer" must be a boolean`);
  }
  const now = item.now ?? defaults.now;
  if(now !== undefined &&
    (typeof now !== 'string' || Number.isNaN(Date.parse(now)))) {
    throw new UsageError(`${where}: "now" must be an ISO 8601 date-time`);
  }
  return {credential: item.credential, vms, checkIssuer, now};
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let request;
  try {
    request = JSON.parse(await readStdin());
  } catch(e) {
    throw new UsageError(`stdin is not valid JSON: ${e.message}`);
  }
  if(!isPlainObject(request)) {
    throw new UsageError('stdin must hold a JSON object');
  }
  const contexts = await loadContexts(args.contexts ?? request.contexts);

  if('items' in request) {
    if(!Array.isArray(request.items)) {
      throw new UsageError('"items" must be a list');
    }
    // validate every item before verifying any of them
    const jobs = request.items.map(
      (item, i) => itemOptions(item, request, `items[${i}]`));
    const results = [];
    for(const job of jobs) {
      results.push(await verifyOne({...job, contexts}));
    }
    const failed = results.filter(r => !r.verified).length;
    const verified = failed === 0;
    return {
      output: {
        verified,
        error: verified ? null : `${failed} of ${results.length} not verified`,
        results
      },
      code: verified ? EXIT_VERIFIED : EXIT_NOT_VERIFIED
    };
  }

  const job = itemOptions(request, {}, 'input');
  const output = await verifyOne({...job, contexts});
  return {output, code: output.verified ? EXIT_VERIFIED : EXIT_NOT_VERIFIED};
}

let output;
let code;
try {
  ({output, code} = await main());
} catch(e) {
  // no verification result: bad request, or a bug in this harness
  const kind = e instanceof UsageError ? 'usage error' : 'internal error';
  output = {verified: false, error: `${kind}: ${e.message}`};
  code = EXIT_USAGE;
  process.stderr.write(`verify-di: ${kind}: ${
    e instanceof UsageError ? e.message : (e.stack ?? e.message)}\n`);
}
process.stdout.write(JSON.stringify(output) + '\n');
process.exitCode = code;
