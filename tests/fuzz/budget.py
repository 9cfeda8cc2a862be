"""How many examples a test runs: its CI count under the `ci` profile, more under `dev`."""

from hypothesis import settings

CI_EXAMPLES = 60  # the `ci` profile's max_examples (tests/fuzz/conftest.py)


def scaled(ci_examples: int) -> int:
    """`ci_examples` under the ci profile; as many more, proportionally, under dev."""
    return max(1, ci_examples * settings.default.max_examples // CI_EXAMPLES)
