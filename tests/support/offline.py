"""Names kept for examples resolve to no address at once in the tests' processes, as on a machine without a network.

The tests name peers and web sites under `example.org`, `.example`, `.test` or `.invalid` (RFC 2606, RFC 6761):
names that never stand for a real server. Left to the machine's resolver, a lookup of one gave "no such name" at
once or after its 5 s timeout, by turns; so what the code does with a name that resolves to nothing is tested
without waiting on a resolver. Every other name, and every address, is resolved as the machine resolves it.
"""

from __future__ import annotations

import re
import socket
from typing import Any

RESERVED = re.compile(r"(?:^|\.)(?:example\.(?:org|com|net)|example|test|invalid)\.?$", re.IGNORECASE)
_RESOLVE = socket.getaddrinfo


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode("ascii", "replace") if isinstance(host, (bytes, bytearray)) else host
    if isinstance(name, str) and RESERVED.search(name):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return _RESOLVE(host, *args, **kwargs)


def install() -> None:
    socket.getaddrinfo = _getaddrinfo
