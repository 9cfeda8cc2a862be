"""The fetcher's limits, each defined here only; the checker holds documents to the same caps."""

MANIFEST_MAX_BYTES = 64 * 1024
SPEC_MAX_BYTES = 2 * 1024 * 1024
FETCH_DEADLINE_SECONDS = 15.0
MAX_REDIRECTS = 3
# The longest ETag or Last-Modified kept and sent back in a conditional request; a longer one is
# not kept (sending back a clipped validator would be a lie).
VALIDATOR_MAX_LENGTH = 256
