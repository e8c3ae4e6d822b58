"""The client's address, by the one rule of the mesh.

X-Forwarded-For is believed only on calls that the gateway vouches for: Envoy adds
`x-lms-gateway: <LMS_GATEWAY_SECRET>` to every request it forwards (and removes a
client's own), and the kit compares it in constant time. Any other caller, inside the
mesh or not, is the client itself: its peer address, whatever headers it sends.

On a vouched-for call the gateway (Envoy, `use_remote_address: true`) has appended the
address it received the connection from, so the list reads client, proxy1, ..., with the
hop nearest to the gateway last. Walking from the right, hops inside `LMS_TRUSTED_PROXIES`
(load balancers in front of the gateway; none by default) are skipped; the first other
address is the client. Anything to its left was written by the client and is ignored.

The kit's pipeline applies this to every call; servicers read the result with
`lms_kit.caller.origin()`, and per-address rate limits key on it.
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

    def resolve(self, peer: str, forwarded_for: str = "") -> str:
        """The client of a call from `peer`; `forwarded_for` only for calls the gateway
        vouched for (it is ignored otherwise: pass "")."""
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()] if forwarded_for else []
        if not hops:
            return peer_host(peer)[:64]
        for address in reversed(hops):
            if not self._is_trusted(address):
                return address[:64]
        return hops[0][:64]


# The header by which the gateway vouches for a call (its value: LMS_GATEWAY_SECRET).
GATEWAY_HEADER = "x-lms-gateway"
