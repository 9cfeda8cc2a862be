"""Line diffs of two documents, as the reviewer's workbench and the drifted list show them.

The documents are JSON (a manifest, an OpenAPI spec) pretty-printed with sorted keys, so a
diff shows content, not formatting; difflib's unified diff, as structured lines each page can
mark (added, removed, context, hunk header) with a limit on the lines kept.
"""

import difflib
import json
from dataclasses import dataclass


def pretty_encoder() -> json.JSONEncoder:
    return json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)


def pretty_lines(document, text: str) -> list[str]:
    """A document as the reviewer reads it: the parsed JSON indented with sorted keys (so a
    diff shows content, not formatting), or the text as fetched when it did not parse."""
    if document is not None:
        text = pretty_encoder().encode(document)
    return (text or "").splitlines()


# Diff line kinds; the submission page styles each (reviews/admin/workbench.py).
DIFF_ADDED, DIFF_REMOVED, DIFF_CONTEXT, DIFF_HUNK = "add", "del", "ctx", "hunk"
DIFF_CONTEXT_LINES = 3


@dataclass(frozen=True)
class DiffLine:
    kind: str  # DIFF_ADDED, DIFF_REMOVED, DIFF_CONTEXT or DIFF_HUNK (an "@@ ... @@" header)
    text: str
    old_number: int | None = None  # 1-based line in the approved version's document
    new_number: int | None = None  # 1-based line in this version's document


@dataclass(frozen=True)
class DocumentDiff:
    """One document's unified diff against the approved version, as structured lines."""

    label: str  # "manifest" or "spec"
    from_label: str
    to_label: str
    lines: tuple[DiffLine, ...]  # at most the limit asked for
    added: int  # every added line, shown or not
    removed: int
    hidden: int  # diff lines left out by the limit

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def _hunk_header(group) -> str:
    def span(start: int, end: int) -> str:
        length = end - start
        if length == 1:
            return str(start + 1)
        return f"{start + 1 if length else start},{length}"

    first, last = group[0], group[-1]
    return f"@@ -{span(first[1], last[2])} +{span(first[3], last[4])} @@"


def document_diff(
    label: str, old: list[str], new: list[str], *, from_label: str, to_label: str, limit=None
) -> DocumentDiff:
    """The unified diff of two documents' lines (difflib's), at most `limit` lines kept."""
    matcher = difflib.SequenceMatcher(None, old, new)
    lines: list[DiffLine] = []
    total = added = removed = 0

    def keep(line: DiffLine) -> None:
        nonlocal total
        total += 1
        if limit is None or len(lines) < limit:
            lines.append(line)

    for group in matcher.get_grouped_opcodes(DIFF_CONTEXT_LINES):
        keep(DiffLine(DIFF_HUNK, _hunk_header(group)))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset in range(i2 - i1):
                    keep(DiffLine(DIFF_CONTEXT, old[i1 + offset], i1 + offset + 1, j1 + offset + 1))
                continue
            if tag in ("replace", "delete"):
                removed += i2 - i1
                for i in range(i1, i2):
                    keep(DiffLine(DIFF_REMOVED, old[i], old_number=i + 1))
            if tag in ("replace", "insert"):
                added += j2 - j1
                for j in range(j1, j2):
                    keep(DiffLine(DIFF_ADDED, new[j], new_number=j + 1))
    return DocumentDiff(
        label, from_label, to_label, tuple(lines), added, removed, total - len(lines)
    )
