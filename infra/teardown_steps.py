"""Teardown steps Terraform runs itself, for what Google makes it wait for.

`PeeringCleanup` removes the VPC peering `servicenetworking-googleapis-com` that an abandoned
private services connection leaves behind. Cloud SQL keeps its producer side of the connection
for a while after an instance is deleted (minutes to hours; Google documents no bound), and the
network cannot be deleted while the peering exists. The step retries for up to an hour, then
fails with the command to run by hand; `make destroy` can then simply be run again.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import DataResource, ITerraformDependable, LocalExecProvisioner
from constructs import Construct

PEERING = "servicenetworking-googleapis-com"
RETRY_SECONDS = 60
ATTEMPTS = 60

# bash, on the machine that runs `terraform destroy` (it has gcloud:
# docs/deploy.md#prerequisites requires it).
# Destroy-time provisioners may refer only to self: the names come through `input`.
_SCRIPT = f"""\
set -u
network='${{self.input.network}}'
project='${{self.input.project}}'
for attempt in $(seq 1 {ATTEMPTS}); do
  if ! gcloud compute networks peerings list --network="$network" --project="$project" \\
      --format='value(peerings.name)' | tr ';' '\\n' | grep -qx {PEERING}; then
    exit 0
  fi
  if gcloud compute networks peerings delete {PEERING} --network="$network" \\
      --project="$project" --quiet; then
    exit 0
  fi
  echo "peering {PEERING} still held by Cloud SQL; retry $attempt/{ATTEMPTS}" \
    "in {RETRY_SECONDS} s" >&2
  sleep {RETRY_SECONDS}
done
echo "gave up: run gcloud compute networks peerings delete {PEERING} --network=$network \\
--project=$project, then make destroy again" >&2
exit 1
"""


class PeeringCleanup(Construct):
    """A `terraform_data` whose destroy-time step deletes the private services peering.

    Options:
      project, network_name: the VPC. Required.
      depends_on: the network (so that this runs before the network is deleted). Required.
    Make the private services connection depend on `.resource`, so that it is destroyed first.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        project: str,
        network_name: str,
        depends_on: Sequence[ITerraformDependable],
    ) -> None:
        super().__init__(scope, id)
        self.resource = DataResource(
            self,
            "step",
            input={"project": project, "network": network_name},
            depends_on=list(depends_on),
            provisioners=[
                LocalExecProvisioner(
                    type="local-exec",
                    when="destroy",
                    interpreter=["/bin/bash", "-c"],
                    command=_SCRIPT,
                )
            ],
        )
