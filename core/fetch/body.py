"""Reading a response body: every way a body can lie ends in a FetchError with its own code.

The fetcher asks for `Accept-Encoding: identity`, but a server may compress anyway, announce a
length it does not send, or declare a charset its bytes are not in. Each is refused with a
stable code and a message that says how to fix it:

- `fetch.content_length`: the Content-Length is not one number, or the body is shorter or
  longer than it says (longer: bytes already received past the announced end);
- `fetch.truncated`: a chunked body, or a gzip or deflate stream, ends before its end;
- `fetch.decompression`: the body is not the gzip or deflate data its Content-Encoding names
  (a plain body under `Content-Encoding: gzip`, corrupt data, data after the end);
- `fetch.content_encoding`: an encoding the fetcher does not read (br, zstd, two at once...);
- `fetch.too_large`: over the cap on the wire or once decompressed (a gzip bomb stops at the
  cap, however small it is on the wire);
- `fetch.charset`: the declared charset is unknown, is not the one the caller reads, or does
  not decode the body.
"""

from __future__ import annotations

import codecs
import http.client
import zlib
from collections.abc import Callable
from email.message import Message

from core.fetch.errors import FetchError, too_large

_READ_CHUNK = 16 * 1024  # small reads keep the deadline check close to every byte
_GZIP_MAGIC = b"\x1f\x8b"
_ENCODINGS = ("identity", "gzip", "x-gzip", "deflate")


def content_length_error(url: str, detail: str) -> FetchError:
    """fetch.content_length: the announced length is unreadable or not what was sent."""
    return FetchError(
        "fetch.content_length",
        f"{url} {detail}. Send a Content-Length that matches the body exactly, or none at all.",
    )


def truncated(url: str, what: str) -> FetchError:
    """fetch.truncated: the body stopped before its own end."""
    return FetchError(
        "fetch.truncated",
        f"{url} stopped sending before the end of its {what}, or sent it malformed. Check "
        "that the server sends the whole file (a proxy or a crashing handler can cut it short).",
    )


def _decompression_error(url: str, encoding: str, detail: str) -> FetchError:
    return FetchError(
        "fetch.decompression",
        f"{url} says its body is {encoding}-compressed (Content-Encoding: {encoding}), but "
        f"{detail}. Serve the file uncompressed without a Content-Encoding header, or make the "
        "header match the body.",
    )


class _Decoder:
    """gzip (several members allowed) or deflate (zlib-wrapped or raw), bounded output."""

    def __init__(self, url: str, encoding: str) -> None:
        self.url = url
        self.encoding = "gzip" if encoding == "x-gzip" else encoding
        self._head = b""  # deflate: the first bytes, until they say zlib-wrapped or raw
        self._stream = self._new_stream(raw=False)

    def _new_stream(self, *, raw: bool):
        if self.encoding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)

    def feed(self, data: bytes, limit: int) -> bytes:
        """Decoded bytes for data, at most `limit` of them (the caller then refuses)."""
        try:
            return self._feed(data, limit)
        except zlib.error:
            raise _decompression_error(
                self.url, self.encoding, f"it is not valid {self.encoding} data"
            ) from None

    def _feed(self, data: bytes, limit: int) -> bytes:
        if self._head is not None and self.encoding == "deflate":
            # "deflate" is zlib-wrapped by the standard and raw in many servers; the two-byte
            # zlib header tells them apart.
            self._head += data
            if len(self._head) < 2:
                return b""
            data, self._head = self._head, None
            self._stream = self._new_stream(raw=not _zlib_header(data))
        self._head = None
        out = self._stream.decompress(data, limit)
        while self._stream.eof and self._stream.unused_data:
            rest = self._stream.unused_data.lstrip(b"\0")  # zero padding between members
            if not rest:
                break
            if self.encoding != "gzip" or not rest.startswith(_GZIP_MAGIC[: len(rest)]):
                raise _decompression_error(
                    self.url, self.encoding, "data follows the end of the compressed stream"
                )
            self._stream = self._new_stream(raw=False)
            out += self._stream.decompress(rest, max(1, limit - len(out)))
        return out

    def finish(self) -> bytes:
        """What the stream still holds; fetch.truncated if it never reached its end."""
        if self._head:
            raise truncated(self.url, f"{self.encoding}-compressed body")
        try:
            tail = self._stream.flush()
        except zlib.error:
            tail = b""
        if not self._stream.eof:
            raise truncated(self.url, f"{self.encoding}-compressed body")
        return tail


def _zlib_header(data: bytes) -> bool:
    """Whether data starts with a zlib header (RFC 1950: deflate method, checksum of 31)."""
    return data[0] & 0x0F == 8 and (data[0] * 256 + data[1]) % 31 == 0


def _declared_length(url: str, response: http.client.HTTPResponse) -> int | None:
    values = response.headers.get_all("Content-Length") or []
    if not values or response.chunked:
        return None  # with chunked transfer coding the length is ignored (RFC 9112 6.3)
    numbers = {value.strip() for value in ",".join(values).split(",")}
    if len(numbers) != 1 or not next(iter(numbers)).isdigit():
        shown = ", ".join(sorted(numbers))[:60]
        raise content_length_error(url, f"announced an unreadable Content-Length ({shown!r})")
    return int(next(iter(numbers)))


def _decoder(url: str, response: http.client.HTTPResponse) -> _Decoder | None:
    header = (response.getheader("Content-Encoding") or "identity").strip().lower()
    codings = [part.strip() for part in header.split(",") if part.strip()] or ["identity"]
    codings = [coding for coding in codings if coding != "identity"]
    if not codings:
        return None
    if len(codings) > 1 or codings[0] not in _ENCODINGS:
        raise FetchError(
            "fetch.content_encoding",
            f"{url} was sent compressed as {header[:60]!r}, which the checker does not read. "
            "Serve it uncompressed, or compressed once with gzip.",
        )
    return _Decoder(url, codings[0])


def read_body(
    url: str,
    response: http.client.HTTPResponse,
    max_bytes: int,
    *,
    more_pending: Callable[[], bool],
) -> bytes:
    """The decoded body, refused as soon as it is known to lie or to exceed max_bytes.

    `more_pending` says whether bytes past the body have already arrived (the transport looks
    without waiting), so a body longer than its Content-Length is caught too.
    """
    declared = _declared_length(url, response)
    decoder = _decoder(url, response)
    if declared is not None and declared > max_bytes:
        raise too_large(url, max_bytes)
    parts: list[bytes] = []
    received = size = 0
    while True:
        try:
            chunk = response.read1(min(_READ_CHUNK, max_bytes + 1 - received))
        except http.client.IncompleteRead:
            if declared is None:
                raise truncated(url, "chunked body") from None
            chunk = b""  # reported below with the length it announced
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise too_large(url, max_bytes)
        if decoder is not None:
            # The output is bounded, so a small gzip bomb never inflates past the cap.
            chunk = decoder.feed(chunk, max_bytes + 1 - size)
        size += len(chunk)
        if size > max_bytes:
            raise too_large(url, max_bytes)
        parts.append(chunk)
    if declared is not None:
        if received < declared:
            raise content_length_error(
                url, f"announced {declared:,} bytes (Content-Length) but sent only {received:,}"
            )
        if more_pending():
            raise content_length_error(
                url, f"sent more than the {declared:,} bytes its Content-Length announced"
            )
    if decoder is not None:
        tail = decoder.finish()
        size += len(tail)
        if size > max_bytes:
            raise too_large(url, max_bytes)
        parts.append(tail)
    return b"".join(parts)


def declared_charset(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, lower-case, or None."""
    if "charset" not in content_type.lower():
        return None
    message = Message()
    message["Content-Type"] = content_type
    try:
        charset = message.get_param("charset")
    except (ValueError, LookupError, TypeError):
        return "?"
    if isinstance(charset, tuple):  # RFC 2231 form: (charset, language, value)
        charset = charset[2]
    return str(charset).strip().strip('"').lower() or None


def check_charset(url: str, content_type: str, body: bytes, expected: str) -> None:
    """fetch.charset unless the declared charset (if any) is `expected` and decodes the body.

    A body of plain ASCII reads the same in every ASCII-based charset, so an old server's
    `charset=iso-8859-1` on ASCII text is let through.
    """
    declared = declared_charset(content_type)
    if declared is None:
        return
    try:
        declared_codec = codecs.lookup(declared).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        declared_codec = None
    expected_codec = codecs.lookup(expected).name
    fix = (
        f"Serve it as {expected.upper()} and declare it so "
        f"(Content-Type: application/json; charset={expected}), or declare no charset."
    )
    if declared_codec is None:
        raise FetchError(
            "fetch.charset",
            f"{url} declares the charset {declared[:40]!r}, which is not a known text "
            f"encoding. {fix}",
        )
    same = declared_codec == expected_codec or declared_codec.replace("-sig", "") == expected_codec
    if not same:
        if body.isascii() and _reads_as_ascii(body, declared_codec):
            return
        raise FetchError(
            "fetch.charset",
            f"{url} declares charset={declared_codec}; PluginStore reads manifests and specs "
            f"only as {expected.upper()}. {fix}",
        )
    try:
        body.decode(declared_codec)
    except UnicodeDecodeError as error:
        raise FetchError(
            "fetch.charset",
            f"{url} declares charset={declared_codec}, but byte {error.start:,} is not "
            f"{expected.upper()}. Save the file as {expected.upper()}, or fix the header.",
        ) from None


def _reads_as_ascii(body: bytes, codec: str) -> bool:
    try:
        return body.decode(codec) == body.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False
