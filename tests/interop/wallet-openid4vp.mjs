#!/usr/bin/env node
// An independent wallet's side of OpenID4VP 1.0: the OpenWallet Foundation's client
// (@openid4vc/openid4vp) parses a NASSC request link, fetches the request by reference
// (request_uri), checks its client identifier (redirect_uri:), DCQL query and response mode,
// then builds and submits the authorization response (direct_post) with the vp_token it is
// given. Used by tests/interop/test_openid4vp_interop.py.
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

const callbacks = {
  fetch: (...args) => fetch(...args),
  hash: (data, alg) => new Uint8Array(
    crypto.createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
  generateRandom: size => new Uint8Array(crypto.randomBytes(size)),
  // A redirect_uri: client's requests are never signed: there is nothing to verify.
  verifyJwt: async () => ({verified: false}),
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
