"""Where earlier versions kept each IAP grant, so that an upgrade moves it instead of replacing it.

Until the grants were keyed by a hash of the member (infra/edge.py `member_id`), each one's
construct id was a slug of the member's text (`iap-accessor-group-ml-team-example-com`). A new
Terraform address for the same binding would make Terraform create the new resource and
destroy the old one, in no guaranteed order; both manage the same member, role and condition,
so a destroy that runs last removes the grant the create just made, and users lose access until
the next deploy. A `moved` block from the old address to the new one
(https://developer.hashicorp.com/terraform/language/modules/develop/refactoring) makes it a
rename in state, nothing in Google Cloud. A `moved` block whose old address is not in the state
(a new deployment) does nothing.

The old address is cdktf's logical id of the old construct path: the stack-relative path's
components joined by "_" (characters outside [A-Za-z0-9_-] removed), then "_" and the first 8
hex digits, upper case, of the MD5 of the components joined by "/" (cdktf's makeUniqueId,
lib/private/unique.ts). tests/infra/test_iap_members.py checks it against the address the
previous release committed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence

from cdktf import TerraformResource, TerraformStack
from constructs import Construct

OLD_PREFIX = "iap-accessor-"


def slug(member: str) -> str:
    """The construct id part earlier versions derived from a member's text."""
    return re.sub(r"[^a-z0-9]+", "-", member.lower()).strip("-")


def logical_id(components: Sequence[str]) -> str:
    """cdktf's logical id (resource name in the Terraform JSON) of a stack-relative path."""
    human = "_".join(re.sub(r"[^A-Za-z0-9_-]", "", c) for c in components)
    digest = hashlib.md5("/".join(components).encode(), usedforsecurity=False).hexdigest()
    return f"{human}_{digest[:8].upper()}"


def earlier_address(scope: Construct, member: str, members: Sequence[str]) -> str | None:
    """The address the grant of `member` had, or None: when earlier versions could not have
    deployed it (two members with one slug made synth fail), and for workforce and workload
    identity principals, whose slug carries the identity provider's object ids (what secret
    scanners flag, and what the hashed ids keep out of the repository): those grants are made
    anew, which docs/operate.md#change-or-upgrade covers (`make deploy` twice)."""
    if member.startswith(("principal://", "principalSet://")):
        return None
    if Counter(slug(m) for m in members)[slug(member)] != 1:
        return None
    stack_path = TerraformStack.of(scope).node.path
    relative = scope.node.path.removeprefix(stack_path).strip("/")
    components = (
        [*relative.split("/"), OLD_PREFIX + slug(member)]
        if relative
        else [OLD_PREFIX + slug(member)]
    )
    return logical_id(components)


def moved_from_slug(
    scope: Construct, member: str, members: Sequence[str], grant: TerraformResource
) -> TerraformResource:
    """`grant`, with a `moved` block from where earlier versions kept it."""
    old = earlier_address(scope, member, members)
    if old is not None:
        grant.move_from_id(f"{grant.terraform_resource_type}.{old}")
    return grant
