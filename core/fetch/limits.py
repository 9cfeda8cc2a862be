"""The fetcher's limits, each defined here only; the checker holds documents to the same caps."""

MANIFEST_MAX_BYTES = 64 * 1024
SPEC_MAX_BYTES = 2 * 1024 * 1024
FETCH_DEADLINE_SECONDS = 15.0
MAX_REDIRECTS = 3
