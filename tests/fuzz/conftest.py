"""Hypothesis settings for the fuzzing suite, and the security suite's world for the web tests.

Two profiles, chosen by FUZZ_PROFILE (default `ci`):

- `ci`: a fixed number of examples per test, a fixed per-example deadline, derandomized (the
  same examples on every run, so a red CI run is reproducible with the same command) and no
  example database, so a run leaves no files behind.
- `dev`: many more examples, random each run, and the failing examples kept in
  `.hypothesis/` (git-ignored) so the next local run tries them first.

    FUZZ_PROFILE=dev .venv/bin/pytest tests/fuzz -q
"""

import os

from hypothesis import HealthCheck, Phase, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from tests.fuzz.budget import CI_EXAMPLES

# The web tests reuse the security suite's world: one set of users and plugins per module.
from tests.security.conftest import _module_world, world  # noqa: F401

# Tests that run many Django requests per example share the world and roll each request back
# (a savepoint per request), so a function-scoped fixture is not a leak between examples.
_SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

settings.register_profile(
    "ci",
    max_examples=CI_EXAMPLES,
    # ms per example: the slowest example (a fetch, a check, a store and three pages) takes
    # well under a second; the margin is for a CI machine that is busy with other work.
    deadline=10_000,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=_SUPPRESSED,
    # No "explain" phase: it reruns failures to annotate them, which costs minutes in CI.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)
settings.register_profile(
    "dev",
    max_examples=10 * CI_EXAMPLES,
    deadline=20_000,
    database=DirectoryBasedExampleDatabase(".hypothesis/examples"),
    print_blob=True,
    suppress_health_check=_SUPPRESSED,
)
settings.load_profile(os.environ.get("FUZZ_PROFILE", "ci"))
