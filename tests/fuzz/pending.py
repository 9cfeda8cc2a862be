"""What the fuzzing suite found whose fix is another engineer's open work on issue 16.

Each failing case is pinned with `@example(...).xfail(raises=..., reason=<one of these>)` or,
where a whole property fails for that one reason, `pytest.mark.xfail(strict=True, reason=...)`.
Both are strict: the test fails once the fix lands, saying so; then drop the marker and keep
the example as a regression pin.

Nothing is pending now: everything the suite found is fixed and pinned (tests/fuzz/README.md).
"""
