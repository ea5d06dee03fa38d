"""Building blocks every settings section shares: the section base and the CIDR type."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict


class Section(BaseModel):
    """A frozen settings section that refuses unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


def _cidr(value: str) -> str:
    if "/" not in value:
        raise ValueError(f"{value!r} is an address, not a CIDR block: add its prefix length (/20)")
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a CIDR block with its host bits zero ({exc})") from None
    if not (net.version == 4 and net.is_private):
        raise ValueError(f"{value!r} must be a private (RFC 1918) IPv4 range")
    return value


Cidr = Annotated[str, AfterValidator(_cidr)]
