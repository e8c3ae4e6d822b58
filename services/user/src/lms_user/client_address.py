"""The client's address from the gRPC peer and X-Forwarded-For.

The gateway (Envoy, `use_remote_address: true`) appends the address it received the
connection from to `x-forwarded-for`, so the list reads client, proxy1, ..., with
the hop nearest to us last. Only hops added by proxies we trust can be believed:
walking from the right (starting with the gRPC peer itself), every address in a
trusted network is a proxy of ours and is skipped; the first address that is not
is the client. Anything to its left was written by the client and is ignored. A
caller that reaches the service directly (not through a trusted proxy) is the
client, whatever header it sends.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def peer_host(peer: str) -> str:
    """`ipv4:1.2.3.4:5678` / `ipv6:[::1]:5678` -> the address."""
    kind, _, rest = peer.partition(":")
    if kind == "ipv4":
        return rest.rsplit(":", 1)[0]
    if kind == "ipv6":
        return rest.rsplit(":", 1)[0].strip("[]").replace("%25", "%")
    return ""


@dataclass(frozen=True)
class ClientAddressResolver:
    trusted: Sequence[Network]

    @classmethod
    def from_setting(cls, value: str) -> ClientAddressResolver:
        return cls(
            [ipaddress.ip_network(item.strip(), strict=False) for item in value.split(",") if item.strip()]
        )

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def resolve(self, peer: str, forwarded_for: str) -> str:
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()] if forwarded_for else []
        host = peer_host(peer)  # empty for a Unix socket: local, so trusted
        chain = [*hops, host] if host else hops
        for address in reversed(chain):
            if not self._is_trusted(address):
                return address[:64]
        return chain[0][:64] if chain else ""
