"""The OpenAPI validator, run in a child process that the parent can kill (see openapi.py).

openapi-spec-validator can take minutes on a valid 2 MiB spec (wide anyOf schemas, tens of
thousands of operations), and a thread cannot be stopped, so the parent runs this file as a
program and kills it when the budget is spent. It imports only the validator's libraries, never
Django or the rest of pluginstore (it is run by path, not as a module of the package).

The protocol, on stdin and stdout: each message is an 8-byte big-endian length and that many
bytes of JSON. Request {"version": "3.0" | "3.1" | "3.2", "spec": {...}}; the answer is
`validate`'s dict. The program serves requests until stdin closes.
"""

from __future__ import annotations

import json
import struct
import sys
from collections.abc import Iterator

from openapi_spec_validator import (
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    OpenAPIV32SpecValidator,
)
from referencing.exceptions import PointerToNowhere, Unresolvable

_HEADER = struct.Struct(">Q")
# Enough of an error for the parent's message, without shipping a repr of a huge instance.
_MESSAGE_LIMIT = 1000
_PATH_PART_LIMIT = 200


def _refuse_remote(uri: str) -> object:
    raise Unresolvable(ref=uri)


class _RefuseEveryScheme(dict):
    """Resolver handlers that refuse a $ref of any scheme, the empty one included.

    jsonschema_path looks a $ref's URI scheme up in its handlers and opens any scheme it does
    not find there with urllib.request.urlopen, so a handlers dict that names schemes (or the
    "<all_urls>" key it does not read) still lets file:// and http(s):// through.
    """

    def __contains__(self, scheme: object) -> bool:
        return True

    def __getitem__(self, scheme: str) -> object:
        return _refuse_remote


class _LocalRefsOnly:
    """Never follow a $ref outside the document, and don't cache validators forever.

    The stock validators resolve file:// and http(s):// references (a server-side request
    forgery from a spec a stranger wrote), and `iter_errors` is wrapped in an unbounded
    lru_cache keyed on the validator, which would keep every checked spec alive.
    """

    resolver_handlers = _RefuseEveryScheme()

    def iter_errors(self) -> Iterator:
        yield from self.schema_validator.iter_errors(self.schema)
        yield from self.root_validator(self.schema_path)


VALIDATORS = {
    "3.0": type("V30", (_LocalRefsOnly, OpenAPIV30SpecValidator), {}),
    "3.1": type("V31", (_LocalRefsOnly, OpenAPIV31SpecValidator), {}),
    "3.2": type("V32", (_LocalRefsOnly, OpenAPIV32SpecValidator), {}),
}


def validate(spec: dict, version: str) -> dict:
    """The first error of `spec` against OpenAPI `version`, as plain data.

    {"outcome": "valid"}, {"outcome": "invalid", "path": [...], "message": ...},
    {"outcome": "missing_ref" | "unresolvable_ref", "ref": ...}, {"outcome": "recursion"} (a
    $ref cycle with nothing else in it), or {"outcome": "crash", "error": type name} when the
    validator itself failed: that is our problem, not the developer's.
    """
    try:
        error = next(iter(VALIDATORS[version](spec).iter_errors()), None)
    except PointerToNowhere as problem:
        return {"outcome": "missing_ref", "ref": str(getattr(problem, "ref", ""))[:500]}
    except Unresolvable as problem:
        return {"outcome": "unresolvable_ref", "ref": str(getattr(problem, "ref", ""))[:500]}
    except RecursionError:
        return {"outcome": "recursion"}
    except Exception as problem:  # reported to the parent as our failure, not the spec's
        return {"outcome": "crash", "error": type(problem).__name__}
    if error is None:
        return {"outcome": "valid"}
    return {
        "outcome": "invalid",
        "path": [str(part)[:_PATH_PART_LIMIT] for part in error.absolute_path],
        "message": str(error.message)[:_MESSAGE_LIMIT],
    }


def _read_exactly(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if len(data) == size else None


def serve(stdin, stdout) -> None:
    """Answer requests until stdin closes."""
    while True:
        header = _read_exactly(stdin, _HEADER.size)
        if header is None:
            return
        payload = _read_exactly(stdin, _HEADER.unpack(header)[0])
        if payload is None:
            return
        request = json.loads(payload)
        answer = json.dumps(validate(request["spec"], request["version"])).encode()
        stdout.write(_HEADER.pack(len(answer)) + answer)
        stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
