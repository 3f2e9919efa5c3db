#!/usr/bin/env node
// An independent wallet's side of OpenID4VP 1.0: the OpenWallet Foundation's client
// (@openid4vc/openid4vp) parses a NASSC request link, fetches the request by reference
// (request_uri, with the request_uri_method the link names), checks its client identifier
// (redirect_uri:, or decentralized_identifier: with a signed Request Object), DCQL query and
// response mode, then builds and submits the authorization response (direct_post) with the
// vp_token it is given. Used by tests/interop/test_openid4vp_interop.py.
//
// A signed Request Object is verified here the way a wallet would: the library hands over
// the signer (the DID URL in its kid); this script resolves the did:web over HTTPS, takes the
// verification method only if the DID document lists it under `authentication`, decodes
// its P-256 Multikey and checks the ES256 signature with Node's crypto.
//
// Input (stdin): {"link": "openid4vp://?client_id=...&request_uri=...",
//   "vpToken": {"<credential query id>": ["<presentation>"]}}   // vpToken optional
// Output (stdout): {"verified": bool, "error": string|null, "request": {...resolved payload},
//   "client": {...}, "version": n, "dcqlIds": [...], "status": n, "body": {...}}
// Exit status: 0 parsed (and, with vpToken, accepted with 200), 1 not, 2 usage error.
import crypto from 'node:crypto';
import process from 'node:process';

import {Openid4vpClient} from '@openid4vc/openid4vp';

const EXIT_VERIFIED = 0;
const EXIT_NOT_VERIFIED = 1;
const EXIT_USAGE = 2;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
// SubjectPublicKeyInfo of a compressed P-256 point, up to the point itself (RFC 5480).
const P256_SPKI_PREFIX = Buffer.from(
  '3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');

function base58Decode(text) {
  let value = 0n;
  for (const char of text) {
    const digit = BASE58.indexOf(char);
    if (digit < 0) throw new Error(`not base58: ${char}`);
    value = value * 58n + BigInt(digit);
  }
  const bytes = [];
  for (; value > 0n; value /= 256n) bytes.unshift(Number(value % 256n));
  for (const char of text) {
    if (char !== '1') break;
    bytes.unshift(0);
  }
  return Buffer.from(bytes);
}

// A P-256 Multikey (multibase z, multicodec p256-pub 0x1200) as a Node public key.
function p256Multikey(multibase) {
  const bytes = base58Decode(multibase.slice(1));
  if (!multibase.startsWith('z') || bytes.length !== 35 || bytes[0] !== 0x80 || bytes[1] !== 0x24) {
    throw new Error('not a P-256 Multikey');
  }
  return crypto.createPublicKey({
    key: Buffer.concat([P256_SPKI_PREFIX, bytes.subarray(2)]), format: 'der', type: 'spki'});
}

// did:web resolution (https://w3c-ccg.github.io/did-method-web/): HTTPS only.
async function resolveDidWeb(did) {
  const [method, host, ...path] = did.split(':').slice(1);
  if (method !== 'web') throw new Error(`not a did:web: ${did}`);
  const origin = `https://${decodeURIComponent(host)}`;
  const url = path.length
    ? `${origin}/${path.map(decodeURIComponent).join('/')}/did.json`
    : `${origin}/.well-known/did.json`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function verifyRequestObject(signer, {compact, header}) {
  if (signer.method !== 'did' || header.alg !== 'ES256') return {verified: false};
  const [did] = signer.didUrl.split('#');
  const document = await resolveDidWeb(did);
  const listed = document.id === did && (document.authentication ?? []).includes(signer.didUrl);
  const method = (document.verificationMethod ?? []).find(item => item.id === signer.didUrl);
  if (!listed || !method) return {verified: false};
  const key = p256Multikey(method.publicKeyMultibase);
  const [head, payload, signature] = compact.split('.');
  const verified = crypto.verify(
    'sha256', Buffer.from(`${head}.${payload}`), {key, dsaEncoding: 'ieee-p1363'},
    Buffer.from(signature, 'base64url'));
  return {verified, signerJwk: key.export({format: 'jwk'})};
}

const callbacks = {
  fetch: (...args) => fetch(...args),
  hash: (data, alg) => new Uint8Array(
    crypto.createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
  generateRandom: size => new Uint8Array(crypto.randomBytes(size)),
  // A redirect_uri: client's requests are never signed; a decentralized_identifier: one's are.
  verifyJwt: verifyRequestObject,
};

async function main() {
  let input;
  try {
    input = await readStdin();
  } catch (error) {
    process.stdout.write(JSON.stringify({verified: false, error: `bad input: ${error}`}));
    return EXIT_USAGE;
  }
  const client = new Openid4vpClient({callbacks});
  const output = {verified: false, error: null};
  try {
    const parsed = client.parseOpenid4vpAuthorizationRequest({authorizationRequest: input.link});
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: parsed.params,
    });
    output.request = resolved.authorizationRequestPayload;
    output.client = resolved.client;
    output.version = resolved.version;
    output.dcqlIds = (resolved.dcql?.query?.credentials ?? []).map(query => query.id);
    if (input.vpToken) {
      const response = await client.createOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload,
        authorizationResponsePayload: {vp_token: input.vpToken},
      });
      const submitted = await client.submitOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: resolved.authorizationRequestPayload,
        authorizationResponsePayload: response.authorizationResponsePayload,
      });
      output.status = submitted.response.status;
      output.body = await submitted.response.json();
      output.verified = submitted.response.status === 200;
    } else {
      output.verified = true;
    }
  } catch (error) {
    output.error = `${error?.name}: ${error?.message} ${JSON.stringify(error?.errorResponse ?? '')}`;
  }
  process.stdout.write(JSON.stringify(output));
  return output.verified ? EXIT_VERIFIED : EXIT_NOT_VERIFIED;
}

process.exitCode = await main();
