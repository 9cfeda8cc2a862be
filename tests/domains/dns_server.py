"""A real DNS server for the tests: UDP on 127.0.0.1 and a free port, answering TXT queries from
a table, built with dnspython (dns.message.from_wire / make_response).

`records` maps a name to its TXT values (an empty list: the name exists with no TXT record);
any other name is NXDOMAIN. A name in `silent` gets no answer at all, so the resolver times
out. Every question is recorded in `asked`.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


class DnsServer:
    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.silent: set[str] = set()
        self.asked: list[str] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, peer = self._sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                query = dns.message.from_wire(wire)
            except Exception:  # noqa: BLE001 - a test server ignores what it can't read
                continue
            question = query.question[0]
            name = question.name.to_text(omit_final_dot=True).lower()
            self.asked.append(name)
            if name in self.silent:
                continue
            response = dns.message.make_response(query)
            response.flags |= dns.flags.AA
            if name not in self.records:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif question.rdtype == dns.rdatatype.TXT and self.records[name]:
                quoted = ['"' + value.replace('"', '\\"') + '"' for value in self.records[name]]
                response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "TXT", *quoted))
            self._sock.sendto(response.to_wire(), peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()


@contextmanager
def dns_server() -> Iterator[DnsServer]:
    server = DnsServer()
    try:
        yield server
    finally:
        server.close()
