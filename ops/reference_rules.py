"""What each validator of the settings model enforces, in the words docs/configuration.md uses.

ops/reference.py renders these beside the fields; a validator missing here stops the render
(ReferenceError), so the reference cannot fall behind the model.
"""

from __future__ import annotations

from settings import rules
from settings.auth import _LOCAL_NAME, _PROJECT_NUMBER, _SERVICE_ID, _WORKFORCE
from settings.registry import _POOL

# Validators that are plain functions rather than a `rules.Rule`: what each one enforces.
FUNCTION_RULES = {
    "_cidr": "a private (RFC 1918) IPv4 CIDR block with its prefix length and its host bits zero",
    "_labels": "at most 60 entries; keys and values follow Google Cloud's label rules "
    f"(key `{rules.LABEL_KEY.pattern}`, value `{rules.LABEL_VALUE.pattern}`)",
    "_quantities": "keys cpu, memory, ephemeral-storage; values Kubernetes quantities "
    "(250m, 576Mi, 1Gi, ...)",
    "_byte_quantity": "a Kubernetes quantity of bytes, at least 1Mi (500Mi, 4Gi, ...)",
    "_schedule": "a five-field cron schedule (minute hour day-of-month month day-of-week) or "
    "a macro (@daily, @weekly, ...)",
    "_age": "an age as `mlflow gc --older-than` reads it: days, hours, minutes, seconds "
    "(30d, 12h, 1d12h)",
    "_time_zone": "an IANA time zone name (Etc/UTC, Europe/Paris)",
    "_hhmm": "a UTC time of day HH:MM (24 hours)",
    "_days": "days of the week MO, TU, WE, TH, FR, SA, SU (RFC 5545 BYDAY), each once",
    "_timestamp": "a UTC timestamp YYYY-MM-DDTHH:MM:SSZ",
    "_affinity": "keys nodeAffinity, podAffinity, podAntiAffinity, each a non-empty mapping in "
    "a pod spec's shape",
    "_pod_labels": "Kubernetes label keys and values; app.kubernetes.io/* are the project's",
    "_annotations": "Kubernetes annotation keys; checksum/config is the project's",
    "_extra_env": "environment variable names; not one the project sets (the message names "
    "the setting that does), nor one that looks like a credential",
    "_network": "a network name, or projects/<host project>/global/networks/<name>",
    "_hostname": "a fully qualified DNS name (a dot, lowercase DNS-1123 labels); no scheme, "
    "port or path",
    "check_member": "an IAM principal by its type: `user:`, `group:` or `serviceAccount:` with "
    "an email address (a domain after the @), `domain:` with a domain, or a workforce / "
    "workload identity `principal://iam.googleapis.com/...` (subject) or `principalSet://` "
    "(group, attribute, `*`) address with a valid pool id; never allUsers or "
    "allAuthenticatedUsers",
    "check_region": "a region in settings/data/gcp_locations.json (`make refresh-gcp-lists`; "
    "GCP_LISTS=warn accepts an unlisted one with a warning)",
    "check_machine_type": "a predefined machine type in settings/data/gcp_locations.json, or a "
    "custom shape (`make refresh-gcp-lists`; GCP_LISTS=warn accepts an unlisted one with a "
    "warning)",
    "distinct_members": "each principal once (emails compared without case)",
    "_extra_args": "each --name or --name=value; not an option the project sets (the message "
    "names the setting that does)",
}

# Model validators (checks across fields), per section: what each one enforces.
MODEL_RULES = {
    "ExistingCluster._never_owns_the_peering": "`private_services.create: true` is refused: a "
    "VPC has one private services access peering, shared by every producer of every project on "
    "it, which the stack never creates or removes in a network it did not create (the error "
    "names the network owner's two gcloud commands).",
    "CloudArmor._has_a_rule": "at least one of `allowed_cidrs`, `throttle_per_minute`, "
    "`waf_rules`: a policy whose only rule allows everything protects nothing.",
    "Settings._coherent": "platform `local` needs a `local` section and "
    "`database.allow_public_ip: true`, and `project_number` with workload identity "
    "federation; platform `gke-existing` needs an `existing_cluster` section in the region "
    "and refuses the `cluster` and `network` sections, and on Autopilot keeps Autopilot's "
    "resource rules (a pod's requests at most 30 vCPU and 110 GiB, 1-6.5 GiB per vCPU, at "
    "most 10 GiB of ephemeral storage, a container requesting none counting Autopilot's 1 GiB, "
    "for the server's and the garbage collector's pods; node_selector by compute class, spot, "
    "machine family, "
    "architecture or zone only); each section is refused on the other platforms; "
    "`cluster.location` must be the region or one of its zones, listed in settings/data/"
    "gcp_locations.json; on a created Standard cluster one node of `cluster.machine_type` "
    "must hold the server's pod (allocatable after GKE's reservations, minus 400m CPU and "
    "600 MiB for GKE's system pods: settings/capacity.py) and `server.node_selector` may name "
    "only the stack's node pool, its machine type, and Spot only with `cluster.spot`; "
    "`auth.enabled` needs a GKE "
    "platform and the number of the cluster's project (`auth.project_number`, or "
    "`project_number` when the cluster is in `project_id`); `ingress.api: gateway` needs a "
    "GKE platform; `registry.build_pool` must be in the region; every derived name (below) "
    "must satisfy the naming rule of the service that receives it.",
    "NetworkSettings._disjoint": "the ranges must not overlap (`master_cidr` only with "
    "`control_plane: peering`, where it must be a /28); `private_services_cidr` must be /24 or "
    "larger; each `master_authorized_cidrs` entry must be a CIDR block with its prefix length; "
    "with `control_plane: dns`, `master_cidr`, `master_authorized_cidrs` and "
    "`control_plane_google_cloud_access` are refused (they shape the peering endpoints).",
    "BucketSettings._soft_delete_range": "`soft_delete_days` is 0 (off) or 7 to 90.",
    "DatabaseSettings._tier_matches_edition": "`transaction_log_retention_days` is at most 7 on "
    "`ENTERPRISE`; `disk_autoresize_limit_gb` is 0 or at least `disk_size_gb`; "
    "`db-custom-*` tiers need edition `ENTERPRISE`, "
    "`db-perf-optimized-N-*` tiers need `ENTERPRISE_PLUS`; a custom tier has 1 or an even "
    "number of vCPUs up to 96 and a multiple of 256 MiB of memory, at least 3840 MiB and "
    "0.9-6.5 GiB per vCPU.",
    "ClusterSettings._bounds": "`max_nodes` must not be below `min_nodes`; with `mode: "
    "autopilot` the node pool settings (`machine_type`, `min_nodes`, `max_nodes`, "
    "`disk_size_gb`, `spot`) are refused.",
    "Settings._local_login_default": "on `platform: local`, `database.auth` defaults to "
    "`password` (`iam` is refused there); elsewhere it defaults to `iam`.",
    "Settings._autopilot_defaults": "on Autopilot (`cluster.mode: autopilot`, or "
    "`existing_cluster.autopilot`), `server.artifact_transfers.largest` defaults to 3Gi and "
    "the `mlflow` container's ephemeral-storage request to its limit (Autopilot sets limits to "
    "requests).",
    "MaintenanceSettings._enough_maintenance": "the window must give at least 48 hours in any "
    "32 days (days a week x 4 x `hours`), GKE's minimum; at most 20 exclusions.",
    "MaintenanceExclusion._ordered": "`end` after `start`; `NO_UPGRADES` lasts at most 30 days.",
    "ServerSettings._storage_follows_transfers": "the `mlflow` container's ephemeral-storage "
    "request defaults to the /tmp that `artifact_transfers` needs (`largest` x `concurrent` + "
    "1Gi), its limit to that plus 1Gi for logs; the /tmp emptyDir's size limit is that /tmp.",
    "ServerSettings._transfers_fit": "`resources.server.limits.ephemeral-storage` is not below "
    "that /tmp; `upload_timeout_seconds`, when set, is not shorter than the largest transfer "
    "takes (`largest` at `slowest_client_mib_per_second`, then the server's copy to Cloud "
    "Storage at 50 MiB/s).",
    "ServerSettings._one_owner_of_the_replica_count": "`replicas` and `autoscaling.enabled` "
    "are not set together: the HorizontalPodAutoscaler owns the replica count.",
    "Resources._merge_defaults": "a container, `requests` or `limits` given in the config is "
    "merged key by key into the defaults.",
    "ContainerResources._limits_cover_requests": "`requests.memory` and `limits.memory` are "
    "required; no limit is below its request.",
    "Autoscaling._coherent": "`max_replicas` is not below `min_replicas`; an enabled "
    "autoscaler has a cpu or a memory target.",
    "PrivateServices._existing_needs_a_name": "`range_name` is required with `create` false.",
    "Toleration._coherent": "`Exists` takes no value, `Equal` needs a key, "
    "`toleration_seconds` only with effect `NoExecute`.",
    "LocalSettings._federation_inputs": "`workload_identity_federation` needs `oidc_issuer`; "
    "`jwks_file`, when set, must be a JWKS of public keys only; both are refused with "
    "`service_account_key`.",
    "IngressSettings._gateway_has_a_client": "`api: gateway` needs `oauth_client`: IAP on the "
    "Gateway API takes only a custom OAuth client (GoogleCloudPlatform/gke-gateway-api#57).",
    "AuthSettings._complete": "when `enabled`: `admins` names at least one principal, and "
    "`port_forward_user` differs from `in_cluster_user`.",
}

# @field_validator methods, per `Model.method`: what each one enforces on its fields.
FIELD_VALIDATOR_RULES = {
    "ServerSettings._log_level_in_any_case": "in any case (`info` is `INFO`)",
    "RegistrySettings._pool_path": f"`{_POOL.pattern}` "
    "(projects/<project>/locations/<region>/workerPools/<name>)",
    "CloudArmor._cidrs": "each item: a CIDR block with its prefix length and its host bits zero",
    "AuthSettings._project_number": f"`{_PROJECT_NUMBER.pattern}` (the project's number: 6 to "
    "20 digits)",
    "AuthSettings._service_id": f"`{_SERVICE_ID.pattern}` (the backend service's numeric id)",
    "AuthSettings._admins": "each item: an email (compared lowercased) or a workforce identity "
    f"federation principal `{_WORKFORCE.pattern}`",
    "AuthSettings._cap": "`NO_PERMISSIONS` is refused (to refuse port-forward, deny "
    "pods/portforward in the cluster's RBAC)",
    "AuthSettings._local_name": f"`{_LOCAL_NAME.pattern}` (never an IAP identity, which has an "
    "@ or principal://)",
    "LocationsSettings._known": "each item: a region, a zone, a multi-region (`eu`, `us`, "
    "`asia`, ...), `global`, or a value group `in:<region>-locations`, `in:eu-locations`, "
    "`in:europe-locations`, `in:us-locations`, `in:asia-locations`",
}

# What a check across fields (a model validator above) asks of one field, said on its row too.
FIELD_RULES = {
    "network.master_authorized_cidrs": "each item: a CIDR block with its prefix length and its "
    "host bits zero, listed once; only with `control_plane: peering`",
    "network.control_plane_google_cloud_access": "`true` or `false`; only with "
    "`control_plane: peering`",
    "database.psc_endpoint_address": "a private (RFC 1918) IPv4 address; only with "
    "`connectivity: psc`; on platform gke inside `network.subnet_cidr`; required with psc on "
    "gke-existing",
    "database.psc_subnetwork": "a subnet's name, in the network's project and region; only with "
    "`connectivity: psc`; required with psc on gke-existing",
    "database.data_cache": "`true` or `false`; `true` needs edition `ENTERPRISE_PLUS`",
    "database.allow_public_ip": "`true` or `false`; platform `local` needs `true`",
    "cluster.location": "empty, the region, or one of its zones (`<region>-a`, ...); on "
    "Autopilot empty or the region",
    "cluster.spot": "`true` or `false`; refused with `mode: autopilot`",
    "existing_cluster.location": "the region or one of its zones (`<region>-a`, ...)",
    "existing_cluster.private_services.create": "`false`: `true` is refused (see the "
    "check across fields under `existing_cluster`)",
    "server.autoscaling.enabled": "`true` or `false`; not with `server.replicas` set",
    "local.jwks_file": "a path to a JWKS file: an object with a non-empty `keys` list, every key "
    "with a `kty` and no private member; only with `credentials: workload_identity_federation`",
    "auth.admins": "at least one when `enabled`",
    "auth.port_forward_user": "differs from `in_cluster_user`",
    "registry.build_pool": "in the region",
}

# A default the loader supplies, not the model.
DEFAULT_TEXT = {"environment": "the config file's stem"}
