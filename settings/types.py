"""Building blocks every settings section shares: the section base, the rule-checked string
types and the CIDR type."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from settings import locations, members, rules


class Section(BaseModel):
    """A frozen settings section that refuses unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


def _rule(rule: rules.Rule) -> AfterValidator:
    return AfterValidator(rule.check)


ProjectId = Annotated[str, _rule(rules.PROJECT_ID)]
ProjectNumber = Annotated[str, _rule(rules.PROJECT_NUMBER)]
# Well-formed, then listed (settings/locations.py; GCP_LISTS=warn accepts an unlisted one).
Region = Annotated[str, _rule(rules.REGION), AfterValidator(locations.check_region)]
BucketName = Annotated[str, _rule(rules.BUCKET)]
GcsLocation = Annotated[str, _rule(rules.GCS_LOCATION)]
Dns1123Label = Annotated[str, _rule(rules.DNS1123_LABEL)]
ImageRef = Annotated[str, _rule(rules.IMAGE_REF)]
ImageTag = Annotated[str, _rule(rules.IMAGE_TAG)]
IamMember = Annotated[str, AfterValidator(members.check_member)]
# A list of principals, each once (settings/members.py).
IamMembers = Annotated[tuple[IamMember, ...], AfterValidator(members.distinct_members)]
# Listed first: a typo then earns its suggestion; the rule then refuses the shapes that are
# listed but cannot serve (shared-core, GPU).
MachineType = Annotated[
    str, AfterValidator(locations.check_machine_type), _rule(rules.MACHINE_TYPE)
]
SqlTier = Annotated[str, _rule(rules.SQL_TIER)]
HhMm = Annotated[str, _rule(rules.HH_MM)]
HttpsUrl = Annotated[str, _rule(rules.HTTPS_URL)]
SecretId = Annotated[str, _rule(rules.SECRET_ID)]
KmsKey = Annotated[str, _rule(rules.KMS_KEY)]
OAuthClientId = Annotated[str, _rule(rules.OAUTH_CLIENT_ID)]
EnvironmentName = Annotated[str, _rule(rules.ENVIRONMENT)]
Prefix = Annotated[str, _rule(rules.PREFIX)]
PositiveInt = Annotated[int, Field(gt=0)]


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


def _hostname(value: str) -> str:
    """A fully qualified DNS name: what the certificate and IAP's host condition name."""
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value)
    if scheme:
        raise ValueError(
            f"{value!r} must be a host name, not a URL: drop {scheme[0]}"
            + (" and the path" if "/" in value[scheme.end() :] else "")
        )
    if "/" in value or ":" in value:
        raise ValueError(f"{value!r} must be a host name alone: no port or path")
    rules.DNS1123_SUBDOMAIN.check(value)
    if "." not in value:
        raise ValueError(
            f"{value!r} must be a fully qualified name with a dot (mlflow.example.com): "
            "Google's managed certificate is issued for a public DNS name only"
        )
    return value


Hostname = Annotated[str, AfterValidator(_hostname)]


def _labels(value: dict[str, str]) -> dict[str, str]:
    for key, val in value.items():
        rules.LABEL_KEY.check(key)
        rules.LABEL_VALUE.check(val)
    if len(value) > 60:  # GCP allows 64; the project adds its own (app, environment, ...)
        raise ValueError("at most 60 labels (Google Cloud allows 64, the project adds 4)")
    return value


Labels = Annotated[dict[str, str], AfterValidator(_labels)]
