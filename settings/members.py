"""IAM principals the config grants roles to (ingress.iap_members, registry.writers and
builders), checked by type against Google's grammar, and each listed once.

The grammar is the allow-policy table of https://cloud.google.com/iam/docs/principal-identifiers:
`user:`, `group:` and `serviceAccount:` take an email address (a service account also its
Kubernetes form PROJECT.svc.id.goog[NAMESPACE/KSA]), `domain:` a domain, and workforce and
workload identity federation principals are `principal://` (one identity) or `principalSet://`
(a group, an attribute value, or the whole pool) addresses under iam.googleapis.com.
`allUsers` and `allAuthenticatedUsers` are refused: they would make MLflow public.
"""

from __future__ import annotations

import difflib
import re

DOCS = "https://cloud.google.com/iam/docs/principal-identifiers"
_DOMAIN = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+"
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@" + _DOMAIN)
_KSA = re.compile(
    r"[a-z][a-z0-9-]{4,28}[a-z0-9]\.svc\.id\.goog\[[a-z0-9-]{1,63}/[a-z0-9.-]{1,253}\]"
)
# Workforce pool ids: "6 to 63 lowercase letters, digits, or hyphens. It must start with a
# letter, and cannot have a trailing hyphen" (iam/docs/reference/rest/v1/locations.workforcePools/
# create); workload identity pool ids: 4 to 32 of the same (projects.locations.
# workloadIdentityPools/create).
_WORKFORCE_POOL = r"locations/global/workforcePools/(?P<pool>[^/]+)"
_WORKLOAD_POOL = (
    r"projects/(?P<number>[^/]+)/locations/global/workloadIdentityPools/(?P<pool>[^/]+)"
)
_POOL_RULES = {
    "workforce": (
        re.compile(r"[a-z][a-z0-9-]{4,61}[a-z0-9]"),
        "6-63 lowercase letters, digits, hyphens; starts with a letter, does not end with a hyphen",
    ),
    "workload": (
        re.compile(r"[a-z0-9][a-z0-9-]{2,30}[a-z0-9]"),
        "4-32 lowercase letters, digits, hyphens; does not start or end with a hyphen",
    ),
}
# What follows the pool: one identity (principal://) or a set of them (principalSet://).
_ONE = r"/subject/(?P<rest>.+)"
_SET = r"/(group/(?P<group>.+)|attribute\.(?P<attr>[a-z0-9_]+)/(?P<value>.+)|\*)"
_FEDERATED = {
    "principal://": [
        ("workforce", re.compile(f"principal://iam\\.googleapis\\.com/{_WORKFORCE_POOL}{_ONE}")),
        ("workload", re.compile(f"principal://iam\\.googleapis\\.com/{_WORKLOAD_POOL}{_ONE}")),
    ],
    "principalSet://": [
        ("workforce", re.compile(f"principalSet://iam\\.googleapis\\.com/{_WORKFORCE_POOL}{_SET}")),
        ("workload", re.compile(f"principalSet://iam\\.googleapis\\.com/{_WORKLOAD_POOL}{_SET}")),
    ],
}
_FORMS = {
    "principal://": "principal://iam.googleapis.com/locations/global/workforcePools/POOL_ID/"
    "subject/SUBJECT (a workforce identity) or principal://iam.googleapis.com/projects/"
    "PROJECT_NUMBER/locations/global/"
    "workloadIdentityPools/POOL_ID/subject/SUBJECT",  # pragma: allowlist secret
    "principalSet://": "principalSet://iam.googleapis.com/locations/global/workforcePools/"
    "POOL_ID/group/GROUP_ID, .../attribute.NAME/VALUE or .../* (workforce; workload identity "
    "pools: projects/PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL_ID/...)",
}
_EMAIL_KINDS = ("user", "group", "serviceAccount")
KINDS = ("user:", "group:", "serviceAccount:", "domain:", "principal://", "principalSet://")


def check_member(value: str) -> str:
    """Return value when it is a principal IAM accepts in an allow policy; raise ValueError
    naming the value, its type and the form it needs otherwise."""
    if value in ("allUsers", "allAuthenticatedUsers"):
        raise ValueError(f"{value!r} would make MLflow public: name groups, users or principals")
    if re.search(r"\s", value):
        raise ValueError(f"{value!r} must not contain spaces")
    for prefix in ("principal://", "principalSet://"):
        if value.startswith(prefix):
            return _federated(value, prefix)
    kind, sep, rest = value.partition(":")
    if not sep or kind not in (*_EMAIL_KINDS, "domain"):
        close = difflib.get_close_matches(f"{kind}:", KINDS, n=1, cutoff=0.7) if sep else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"{value!r} must start with one of {', '.join(KINDS)}{hint} ({DOCS})")
    if kind == "domain":
        if not re.fullmatch(_DOMAIN, rest):
            raise ValueError(
                f"{value!r}: a domain: member needs a domain name (domain:example.com)"
            )
        return value
    if kind == "serviceAccount" and _KSA.fullmatch(rest):
        return value
    if not _EMAIL.fullmatch(rest):
        example = (
            "ci@my-project.iam.gserviceaccount.com"
            if kind == "serviceAccount"
            else (f"{rest.split('@')[0] or 'jane'}@example.com")
        )
        raise ValueError(
            f"{value!r}: a {kind}: member needs an email address with a domain ({kind}:{example})"
        )
    return value


def _federated(value: str, prefix: str) -> str:
    for flavour, pattern in _FEDERATED[prefix]:
        match = pattern.fullmatch(value)
        if match is None:
            continue
        rule, words = _POOL_RULES[flavour]
        if not rule.fullmatch(match["pool"]):
            raise ValueError(f"{value!r}: the {flavour} pool id {match['pool']!r} must be {words}")
        number = match.groupdict().get("number")
        if number is not None and not re.fullmatch(r"[1-9][0-9]{5,19}", number):
            raise ValueError(
                f"{value!r}: a workload identity pool is named by its project's number "
                f"(digits), not {number!r}"
            )
        return value
    raise ValueError(
        f"{value!r} is not a {prefix} identifier IAM accepts: use {_FORMS[prefix]} ({DOCS})"
    )


def _key(member: str) -> str:
    """Two entries that IAM reads as the same principal: emails and domains ignore case."""
    return member if member.startswith("principal") else member.lower()


def distinct_members(value: tuple[str, ...]) -> tuple[str, ...]:
    """Refuse a principal listed twice: Terraform would manage one grant with two resources, and
    removing either one later would revoke the grant the other still declares."""
    seen: dict[str, int] = {}
    for i, member in enumerate(value):
        first = seen.setdefault(_key(member), i)
        if first != i:
            same = "" if value[first] == member else f" (as {value[first]!r})"
            raise ValueError(
                f"{member!r} is listed twice{same}, entries {first + 1} and {i + 1}: list each "
                "principal once"
            )
    return value
