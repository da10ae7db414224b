"""Source-IP allow-lists (IPs and CIDR networks, IPv4 and IPv6)."""

from __future__ import annotations

import ipaddress
import re

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_SEPARATORS = re.compile(r"[,\s]+")
_MAX_SHOWN = 64


def parse_allowlist(text: str | None) -> list[IPNetwork]:
    """Networks of a comma/space/newline separated allow-list; ValueError names a bad entry."""
    networks: list[IPNetwork] = []
    for entry in _SEPARATORS.split(text or ""):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            shown = entry if len(entry) <= _MAX_SHOWN else entry[:_MAX_SHOWN] + "…"
            raise ValueError(f"not an IP address or network: {shown!r}") from None
    return networks


def _candidates(ip: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The address and its other form: IPv4 <-> IPv4-mapped IPv6."""
    address = ipaddress.ip_address(ip.strip())
    if isinstance(address, ipaddress.IPv4Address):
        return [address, ipaddress.IPv6Address(f"::ffff:{address}")]
    return [address, address.ipv4_mapped] if address.ipv4_mapped else [address]


def ip_allowed(ip: str | None, text: str | None) -> bool:
    """Whether ``ip`` may call: an empty list allows any; a bad IP or a bad list allows none.

    IPv4-mapped IPv6 addresses (``::ffff:10.0.0.1``) match IPv4 entries and vice versa.
    """
    try:
        networks = parse_allowlist(text)
    except ValueError:
        return False
    if not networks:
        return True
    if not isinstance(ip, str):
        return False
    try:
        addresses = _candidates(ip)
    except ValueError:
        return False
    return any(address in network for network in networks for address in addresses)
