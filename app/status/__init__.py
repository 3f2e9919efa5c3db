"""W3C Bitstring Status Lists: index allocation, revocation and suspension, signed lists."""
