#!/usr/bin/env node
// Independent verifier for SD-JWT VCs and Token Status Lists, built on the OpenWallet
// Foundation's published libraries (@sd-jwt/sd-jwt-vc, @sd-jwt/jwt-status-list). Used by
// tests/interop to check that NASSC's wallet credentials verify outside our Python code.
//
// Input (stdin, one JSON object): {"items": [{
//   "credential": "<issuer-jwt>~<disclosure>~...~[<kb-jwt>]",
//   "issuerJwk": {...},                 // the issuer's public JWK (Ed25519 or P-256)
//   "statusListToken": "<jwt>",         // optional: served for the credential's status uri
//   "statusListJwk": {...},             // optional: the key of that token (else issuerJwk)
//   "keyBinding": {"aud": "...", "nonce": "..."},   // optional: require and check a KB-JWT
//   "now": 1780000000                   // optional: the clock, in seconds
// }, ...]}
// Output (stdout): {"verified": bool (all items), "error": null, "results": [{"verified":
//   bool, "error": string|null, "claims": {...}|null, "status": number|null,
//   "vct": string|null}, ...]}
// Exit status: 0 all verified, 1 some not verified, 2 usage or internal error.
import crypto from 'node:crypto';
import process from 'node:process';

import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {getListFromStatusListJWT} from '@sd-jwt/jwt-status-list';

const EXIT_VERIFIED = 0;
const EXIT_NOT_VERIFIED = 1;
const EXIT_USAGE = 2;

function jwkVerifier(jwk) {
  const key = crypto.createPublicKey({key: jwk, format: 'jwk'});
  return async (data, signature) => crypto.verify(
    key.asymmetricKeyType === 'ed25519' ? null : 'sha256',
    Buffer.from(data),
    {key, dsaEncoding: 'ieee-p1363'},
    Buffer.from(signature, 'base64url'));
}

async function verifyItem(item) {
  let status = null;
  const issuerVerifier = jwkVerifier(item.issuerJwk);
  const instance = new SDJwtVcInstance({
    hasher: digest,
    saltGenerator: generateSalt,
    verifier: issuerVerifier,
    statusVerifier: item.statusListJwk ? jwkVerifier(item.statusListJwk) : issuerVerifier,
    kbVerifier: async (data, signature, payload) =>
      jwkVerifier(payload.cnf.jwk)(data, signature),
    statusListFetcher: async uri => {
      if(!item.statusListToken) {
        throw new Error(`no status list token given for ${uri}`);
      }
      return item.statusListToken;
    },
    statusValidator: async value => {
      status = value;
    },
  });
  const options = {currentDate: item.now};
  if(item.keyBinding) {
    options.keyBindingNonce = item.keyBinding.nonce;
    options.requiredClaimKeys = [];
  }
  const result = await instance.verify(item.credential, options);
  if(item.keyBinding) {
    if(!result.kb) {
      throw new Error('no key binding JWT');
    }
    if(result.kb.payload.aud !== item.keyBinding.aud) {
      throw new Error('key binding JWT for another audience');
    }
  }
  if(item.statusListToken) {
    // The list read again without the SD-JWT VC library: bits, and the entry's status.
    const list = getListFromStatusListJWT(item.statusListToken);
    const own = list.getStatus(result.payload.status.status_list.idx);
    if(status !== null && own !== status) {
      throw new Error(`status ${status} and ${own} differ`);
    }
    status = own;
  }
  const claims = await instance.getClaims(item.credential);
  return {verified: true, error: null, claims, status, vct: result.payload.vct ?? null};
}

async function main() {
  let input = '';
  for await (const chunk of process.stdin) {
    input += chunk;
  }
  let request;
  try {
    request = JSON.parse(input);
  } catch(error) {
    process.stdout.write(JSON.stringify({verified: false, error: `bad input: ${error}`}));
    return EXIT_USAGE;
  }
  const results = [];
  for(const item of request.items ?? []) {
    try {
      results.push(await verifyItem(item));
    } catch(error) {
      results.push({
        verified: false, error: String(error?.message ?? error), claims: null,
        status: null, vct: null,
      });
    }
  }
  const verified = results.length > 0 && results.every(result => result.verified);
  process.stdout.write(JSON.stringify({verified, error: null, results}));
  return verified ? EXIT_VERIFIED : EXIT_NOT_VERIFIED;
}

process.exitCode = await main().catch(error => {
  process.stdout.write(JSON.stringify({verified: false, error: String(error)}));
  return EXIT_USAGE;
});
