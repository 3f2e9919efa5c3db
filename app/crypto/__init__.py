"""Pure cryptography for verifiable credentials: bytes, dicts and keys in; bytes and dicts out.

No database, network, settings or clock: timestamps, keys and pinned contexts are arguments.
Modules, one concept each:

- `errors`: the `CryptoError` tree, with spec error codes.
- `multibase`, `multikey`: base58btc / base64url multibase; Ed25519 Multikey, JWK, did:key.
- `contexts`: pinned JSON-LD contexts checked against sha256, served to pyld; never fetched.
- `rdfc`: RDFC-1.0 canonicalization (pyld) that refuses documents it would sign lossily.
- `data_integrity`: the `eddsa-rdfc-2022` cryptosuite (create / verify proof).
- `jose`: VC-JOSE compact JWS (`vc+jwt`, EdDSA).
- `status_list`: Bitstring Status List bitstrings and `encodedList`.
- `hashing`: Open Badges 3.0 IdentityHash.

Two verification styles, each following its spec: `data_integrity.verify_proof` returns a
verification result (`verified` plus problems) and raises only for documents it cannot
process; `jose.verify_vc_jwt` returns the payload or raises `JoseError`.
"""
