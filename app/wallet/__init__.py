"""Into the worker's wallet: SD-JWT VCs, their type metadata, and (OpenID4VCI) delivery."""
