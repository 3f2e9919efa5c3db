#!/usr/bin/env node
// An independent wallet: the OpenWallet Foundation's OpenID4VCI client (@openid4vc/openid4vci)
// receives NASSC credentials from a running server, then @sd-jwt/sd-jwt-vc and
// @sd-jwt/jwt-status-list verify each SD-JWT VC it got (signature, disclosures, holder
// binding, a Key Binding JWT it makes itself, the Token Status List fetched from its URI).
// Signing, hashing and randomness are Node's own crypto; nothing comes from the server but
// what the wallet fetches. Used by tests/interop/test_openid4vci_interop.py.
//
// Input (stdin): {"offers": [{
//   "link": "openid-credential-offer://?credential_offer_uri=...",   // or by value
//   "txCode": "123456",        // optional: the PIN given separately
//   "dpop": true,              // optional: ask for a DPoP-bound access token (RFC 9449)
//   "proofs": 2                // key proofs (one holder key each) per dc+sd-jwt request
// }, ...]}
// Output (stdout): {"verified": bool, "error": null, "results": [{"verified": bool,
//   "error": string|null, "tokenType": string, "credentials": {configurationId: [...]},
//   "sdJwt": [{"claims": {...}, "status": n, "holderBound": bool, "keyBinding": bool,
//   "presentation": "<sd-jwt>~<kb-jwt>" (name disclosed, for https://employer.example),
//   "nonce": "..."}]}]}
// Exit status: 0 every offer went through and verified, 1 one did not, 2 usage error.
import crypto from 'node:crypto';
import process from 'node:process';

import {Openid4vciClient} from '@openid4vc/openid4vci';
import {clientAuthenticationAnonymous} from '@openid4vc/oauth2';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';
import {digest, generateSalt} from '@sd-jwt/crypto-nodejs';
import {getListFromStatusListJWT} from '@sd-jwt/jwt-status-list';

const EXIT_VERIFIED = 0;
const EXIT_NOT_VERIFIED = 1;
const EXIT_USAGE = 2;
const VERIFIER_AUDIENCE = 'https://employer.example';

const b64url = data => Buffer.from(data).toString('base64url');

// The wallet's keys, found again by their public JWK when the library asks for a signature.
const privateKeys = new Map();

function newKey(alg) {
  const {privateKey, publicKey} = alg === 'EdDSA' ?
    crypto.generateKeyPairSync('ed25519') :
    crypto.generateKeyPairSync('ec', {namedCurve: 'P-256'});
  const publicJwk = publicKey.export({format: 'jwk'});
  privateKeys.set(JSON.stringify(publicJwk), privateKey);
  return {method: 'jwk', alg, publicJwk};
}

function signWith(privateKey, alg, header, payload) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = crypto.sign(
    alg === 'EdDSA' ? null : 'sha256', Buffer.from(input),
    {key: privateKey, dsaEncoding: 'ieee-p1363'});
  return `${input}.${b64url(signature)}`;
}

function publicKeyVerifier(jwk) {
  const key = crypto.createPublicKey({key: jwk, format: 'jwk'});
  return async (data, signature) => crypto.verify(
    key.asymmetricKeyType === 'ed25519' ? null : 'sha256', Buffer.from(data),
    {key, dsaEncoding: 'ieee-p1363'}, Buffer.from(signature, 'base64url'));
}

const callbacks = {
  hash: (data, alg) => {
    const name = {'sha-256': 'sha256', 'sha-384': 'sha384', 'sha-512': 'sha512'}[alg];
    return new Uint8Array(crypto.createHash(name).update(data).digest());
  },
  generateRandom: length => new Uint8Array(crypto.randomBytes(length)),
  signJwt: async (signer, {header, payload}) => {
    if(signer.method !== 'jwk') {
      throw new Error(`this wallet signs with its JWKs only, not ${signer.method}`);
    }
    const privateKey = privateKeys.get(JSON.stringify(signer.publicJwk));
    if(!privateKey) {
      throw new Error('asked to sign with a key this wallet does not hold');
    }
    return {jwt: signWith(privateKey, signer.alg, header, payload), signerJwk: signer.publicJwk};
  },
  clientAuthentication: clientAuthenticationAnonymous(),
};

async function fetchJson(url) {
  const response = await fetch(url);
  if(!response.ok) {
    throw new Error(`GET ${url}: ${response.status}`);
  }
  return response.json();
}

// SD-JWT VC §5: the issuer's keys at /.well-known/jwt-vc-issuer inserted before the path of iss.
async function issuerJwks(iss) {
  const url = new URL(iss);
  const path = url.pathname === '/' ? '' : url.pathname;
  const metadata = await fetchJson(`${url.origin}/.well-known/jwt-vc-issuer${path}`);
  if(metadata.issuer !== iss) {
    throw new Error(`jwt-vc-issuer metadata names ${metadata.issuer}, not ${iss}`);
  }
  return metadata.jwks ?? await fetchJson(metadata.jwks_uri);
}

async function verifySdJwtVc(serialized, holderJwk) {
  const [issuerJwt] = serialized.split('~');
  const [headerPart, payloadPart] = issuerJwt.split('.');
  const header = JSON.parse(Buffer.from(headerPart, 'base64url'));
  const payload = JSON.parse(Buffer.from(payloadPart, 'base64url'));
  const jwks = await issuerJwks(payload.iss);
  const issuerJwk = jwks.keys.find(key => key.kid === header.kid);
  if(!issuerJwk) {
    throw new Error(`no issuer key ${header.kid}`);
  }
  let fetchedStatusToken = null;
  const issuerVerifier = publicKeyVerifier(issuerJwk);
  const instance = new SDJwtVcInstance({
    hasher: digest,
    saltGenerator: generateSalt,
    verifier: issuerVerifier,
    statusVerifier: async (data, signature) => {
      const [statusHeader] = data.split('.');
      const kid = JSON.parse(Buffer.from(statusHeader, 'base64url')).kid;
      const key = jwks.keys.find(candidate => candidate.kid === kid);
      return key ? publicKeyVerifier(key)(data, signature) : false;
    },
    kbVerifier: async (data, signature, kbPayload) =>
      publicKeyVerifier(kbPayload.cnf.jwk)(data, signature),
    kbSigner: async data => {
      const privateKey = privateKeys.get(JSON.stringify(holderJwk));
      const signature = crypto.sign(
        holderJwk.kty === 'OKP' ? null : 'sha256', Buffer.from(data),
        {key: privateKey, dsaEncoding: 'ieee-p1363'});
      return b64url(signature);
    },
    kbSignAlg: holderJwk.kty === 'OKP' ? 'EdDSA' : 'ES256',
    statusListFetcher: async uri => {
      const response = await fetch(uri);
      if(!response.ok) {
        throw new Error(`GET ${uri}: ${response.status}`);
      }
      fetchedStatusToken = await response.text();
      return fetchedStatusToken;
    },
    statusValidator: async () => {},
  });
  const bound = payload.cnf?.jwk;
  const holderBound = Boolean(bound) && bound.kty === holderJwk.kty && bound.x === holderJwk.x &&
    bound.y === holderJwk.y;
  // The holder shows the name only, bound to a verifier's nonce.
  const nonce = b64url(crypto.randomBytes(16));
  const presentation = await instance.present(serialized, {name: true}, {
    kb: {payload: {aud: VERIFIER_AUDIENCE, nonce, iat: Math.floor(Date.now() / 1000)}},
  });
  const shown = await instance.verify(presentation, {keyBindingNonce: nonce});
  if(shown.kb?.payload.aud !== VERIFIER_AUDIENCE) {
    throw new Error('the key binding JWT does not name the verifier');
  }
  const statusList = getListFromStatusListJWT(fetchedStatusToken);
  const status = statusList.getStatus(payload.status.status_list.idx);
  return {
    claims: await instance.getClaims(serialized),
    presented: await instance.getClaims(presentation),
    status,
    holderBound,
    keyBinding: true,
    vct: payload.vct,
    serialized,
    presentation,
    nonce,
  };
}

async function receive(client, item) {
  const credentialOffer = await client.resolveCredentialOffer(item.link);
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const dpopSigner = item.dpop ? newKey('ES256') : null;
  const token = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer,
    issuerMetadata,
    txCode: item.txCode,
    dpop: dpopSigner ? {signer: dpopSigner} : undefined,
  });
  let dpop = token.dpop;
  const accessToken = token.accessTokenResponse.access_token;
  const credentials = {};
  const sdJwt = [];
  for(const configurationId of credentialOffer.credential_configuration_ids) {
    const configuration =
      issuerMetadata.credentialIssuer.credential_configurations_supported[configurationId];
    let proofs;
    const holders = [];
    if(configuration.proof_types_supported?.jwt) {
      const {c_nonce: nonce} = await client.requestNonce({issuerMetadata});
      const jwts = [];
      for(let index = 0; index < (item.proofs ?? 1); index += 1) {
        const signer = newKey(index % 2 === 0 ? 'ES256' : 'EdDSA');
        holders.push(signer.publicJwk);
        const {jwt} = await client.createCredentialRequestJwtProof({
          issuerMetadata, credentialConfigurationId: configurationId, signer, nonce,
        });
        jwts.push(jwt);
      }
      proofs = {jwt: jwts};
    }
    const response = await client.retrieveCredentials({
      issuerMetadata, credentialConfigurationId: configurationId, accessToken, proofs, dpop,
    });
    if(!response.ok) {
      const body = await response.response.clone().text();
      throw new Error(`${configurationId}: ${response.response.status} ${body}`);
    }
    dpop = response.dpop ? {...dpop, nonce: response.dpop.nonce} : dpop;
    const received = response.credentialResponse.credentials.map(entry => entry.credential);
    credentials[configurationId] = received;
    if(configuration.format === 'dc+sd-jwt') {
      if(received.length !== holders.length) {
        throw new Error(`${holders.length} proofs gave ${received.length} credentials`);
      }
      for(const [index, serialized] of received.entries()) {
        sdJwt.push(await verifySdJwtVc(serialized, holders[index]));
      }
    }
  }
  return {
    verified: true,
    error: null,
    tokenType: token.accessTokenResponse.token_type,
    configurationIds: credentialOffer.credential_configuration_ids,
    credentialIssuer: issuerMetadata.credentialIssuer.credential_issuer,
    credentials,
    sdJwt,
  };
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
  const client = new Openid4vciClient({callbacks});
  const results = [];
  for(const item of request.offers ?? []) {
    try {
      results.push(await receive(client, item));
    } catch(error) {
      const detail = error?.errorResponse ? ` ${JSON.stringify(error.errorResponse)}` : '';
      results.push({verified: false, error: `${error?.message ?? error}${detail}`});
    }
  }
  const verified = results.length > 0 && results.every(result => result.verified);
  process.stdout.write(JSON.stringify({verified, error: null, results}));
  return verified ? EXIT_VERIFIED : EXIT_NOT_VERIFIED;
}

process.exitCode = await main().catch(error => {
  process.stdout.write(JSON.stringify({verified: false, error: String(error?.stack ?? error)}));
  return EXIT_USAGE;
});
