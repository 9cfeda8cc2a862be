"""Columns of the developer's plugin list (/developer/plugins/) that a higher floor fills.

The review state of each plugin and whether it can be submitted are the reviews app's to say,
and pluginstore must not import it: reviews registers a filler here in its AppConfig.ready. A
filler takes the user and the list's plugins (already loaded) and sets attributes on them in a
fixed number of queries, whatever the number of plugins.
"""

from collections.abc import Callable, Iterable

RowFiller = Callable[[object, list], None]
_FILLERS: list[RowFiller] = []


def register_row_filler(filler: RowFiller) -> RowFiller:
    if filler not in _FILLERS:
        _FILLERS.append(filler)
    return filler


def fill_rows(user, plugins: Iterable) -> None:
    """Let every registered filler add its attributes to the plugins (a queryset is evaluated
    once here, and the template iterates the same cached instances)."""
    rows = list(plugins)
    if not rows:
        return
    for filler in _FILLERS:
        filler(user, rows)
