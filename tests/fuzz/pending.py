"""What the fuzzing suite found whose fix is another engineer's open work on issue 16.

Each failing case is pinned with `@example(...).xfail(raises=..., reason=<one of these>)`, which
is strict: the example must still fail. When the fix lands the example passes and its test
fails, saying so; then drop `.xfail(...)` and keep the example as a regression pin.
"""

YAML_DIGITS = (
    "issue 16 finding 3 (a body that fails to decode): a YAML integer over 4,300 digits makes "
    "int() raise ValueError in pluginstore/checks/documents.py parse_yaml, uncaught"
)
