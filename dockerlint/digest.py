"""The hash of the result cache (keys, the digests of files' bytes) and of the run's CRD texts.

BLAKE2b with a 32-byte digest, from CPython's own `_blake2`, which imports in 0.5 ms: `hashlib`
loads OpenSSL first, ~4 ms of every process that hashed (each cached run, warm ones included,
and each run that finds a CRD). Measured on the Kubernetes corpus (12 MB, this host's SHA
extensions): SHA-256 through OpenSSL 10.6 ms, BLAKE2b 21.2 ms, so a first cached run of the
whole corpus pays ~10 ms more, and every later run ~3.5 ms less. Nothing outside dockerlint's
own cache sees these digests (SARIF fingerprints keep SHA-256: code scanning tracks alerts by
them).
"""
try:
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - a Python without CPython's own BLAKE2 module
    from hashlib import blake2b as _blake2b

SIZE = 32  # bytes: 64 hex digits, as SHA-256's


def new(data: bytes = b""):
    """A hash object (`update`, `copy`, `digest`, `hexdigest`) over `data`."""
    return _blake2b(data, digest_size=SIZE)
