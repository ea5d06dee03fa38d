"""Naming rules of Google Cloud and Kubernetes, each as (pattern, human description).

Every rule states the real constraint of the service that will receive the value, so a
config error says exactly what the service would have refused at deploy time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A regular expression plus the sentence a user reads when a value breaks it."""

    pattern: str
    description: str

    def check(self, value: str) -> str:
        """Return value when it matches; raise ValueError naming value and rule otherwise."""
        if not re.fullmatch(self.pattern, value):
            raise ValueError(f"{value!r} must match {self.pattern} ({self.description})")
        return value


# https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin
PROJECT_ID = Rule(
    r"[a-z][a-z0-9-]{4,28}[a-z0-9]",
    "6-30 characters: lowercase letters, digits, hyphens; starts with a letter, "
    "does not end with a hyphen",
)
PREFIX = Rule(r"[a-z][a-z0-9]{0,11}", "1-12 lowercase letters or digits, starting with a letter")
# Up to 16: with the default prefix, `<prefix>-<env>-server` then fits a service-account id (30);
# Names.check() names the derived name and the limit when a longer prefix makes one too long.
ENVIRONMENT = Rule(
    r"[a-z][a-z0-9]{0,15}", "1-16 lowercase letters or digits, starting with a letter"
)
# https://cloud.google.com/resource-manager/docs/creating-managing-projects#identifying_projects
PROJECT_NUMBER = Rule(r"[1-9][0-9]{5,19}", "the project's number: digits only, no leading zero")
HTTPS_URL = Rule(r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\s]*)?", "an https:// URL")
# https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools
WORKLOAD_IDENTITY_POOL_ID = Rule(
    r"[a-z0-9][a-z0-9-]{2,30}[a-z0-9]",
    "4-32 lowercase letters, digits, hyphens; does not start or end with a hyphen; the "
    "prefix gcp- is reserved",
)
# https://cloud.google.com/compute/docs/regions-zones
REGION = Rule(r"[a-z]+-[a-z]+[0-9]+", "a Google Cloud region such as europe-west1")
ZONE = Rule(r"[a-z]+-[a-z]+[0-9]+-[a-z]", "a Google Cloud zone such as europe-west1-b")
# https://cloud.google.com/storage/docs/locations: a region, a dual-region (EUR4), a
# multi-region (EU); either case. settings/locations.py knows the current names.
GCS_LOCATION = Rule(
    r"[A-Za-z]+[0-9]*|[A-Za-z]+-[A-Za-z]+[0-9]+",
    "a Cloud Storage location: a region (europe-west1), a dual-region (EUR4) or a "
    "multi-region (EU)",
)
# https://cloud.google.com/storage/docs/buckets#naming (dots need domain verification: refused)
BUCKET = Rule(
    r"[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]",
    "3-63 characters: lowercase letters, digits, hyphens, underscores; starts and ends "
    "with a letter or digit; no dots",
)
# https://cloud.google.com/sql/docs/postgres/create-instance (instance ID)
SQL_INSTANCE = Rule(
    r"[a-z][a-z0-9-]{0,61}[a-z0-9]",
    "lowercase letters, digits, hyphens; starts with a letter, ends with a letter or "
    "digit; at most 63 characters",
)
# https://cloud.google.com/iam/docs/service-accounts-create#creating
SERVICE_ACCOUNT_ID = Rule(
    r"[a-z][a-z0-9-]{4,28}[a-z0-9]",
    "6-30 characters: lowercase letters, digits, hyphens; starts with a letter",
)
# Compute Engine resource names (RFC 1035): networks, addresses, routers, clusters.
GCE_NAME = Rule(
    r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?",
    "RFC 1035: at most 63 lowercase letters, digits, hyphens; starts with a letter",
)
GKE_CLUSTER = Rule(
    r"[a-z]([-a-z0-9]{0,38}[a-z0-9])?",
    "at most 40 lowercase letters, digits, hyphens; starts with a letter",
)
# https://cloud.google.com/artifact-registry/docs/repositories/create-repos
REGISTRY_REPOSITORY = Rule(
    r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?",
    "at most 63 lowercase letters, digits, hyphens; starts with a letter",
)
# https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create
SECRET_ID = Rule(r"[a-zA-Z0-9_-]{1,255}", "letters, digits, hyphens, underscores; 1-255")
SERVICE_ACCOUNT_EMAIL = Rule(
    r"[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com"
    r"|[0-9]+-compute@developer\.gserviceaccount\.com",
    "a service account's email: <id>@<project>.iam.gserviceaccount.com, or the Compute "
    "Engine default <number>-compute@developer.gserviceaccount.com",
)
# Kubernetes DNS-1123 label (namespaces, service names, ...).
DNS1123_LABEL = Rule(
    r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?",
    "DNS-1123 label: at most 63 lowercase letters, digits, hyphens; starts and ends alphanumeric",
)
DNS1123_SUBDOMAIN = Rule(
    r"(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
    "DNS-1123 subdomain: dot-separated lowercase labels, at most 253 characters",
)
# https://cloud.google.com/resource-manager/docs/labels-overview#requirements
LABEL_KEY = Rule(
    r"[a-z][a-z0-9_-]{0,62}",
    "label key: 1-63 lowercase letters, digits, underscores, hyphens; starts with a letter",
)
LABEL_VALUE = Rule(
    r"[a-z0-9_-]{0,63}", "label value: at most 63 lowercase letters, digits, _ and -"
)
# An image reference pinned by tag or digest (the distribution spec's grammar, simplified).
IMAGE_REF = Rule(
    r"[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+"
    r"(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[a-f0-9]{64})",
    "registry/path:tag or registry/path@sha256:<digest>, with a registry host",
)
IMAGE_TAG = Rule(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}", "a Docker tag: [A-Za-z0-9_.-], max 128")
# https://cloud.google.com/sql/docs/postgres/instance-settings#machine-type-2ndgen and the
# machine series (https://cloud.google.com/sql/docs/postgres/machine-series-overview): Enterprise
# has the general-purpose dedicated-core series (db-custom-) and N4 (db-custom-N4-), Enterprise
# Plus N2 (db-perf-optimized-N-) and C4A (db-c4a-highmem-), as `gcloud sql tiers list` names them.
SQL_TIER = Rule(
    r"db-custom-(N4-)?[0-9]+-[0-9]+|db-perf-optimized-N-[0-9]+|db-c4a-highmem-[0-9]+",
    "a dedicated-core tier: db-custom-<vCPUs>-<MiB> or db-custom-N4-<vCPUs>-<MiB> "
    "(Enterprise), db-perf-optimized-N-<vCPUs> or db-c4a-highmem-<vCPUs> (Enterprise Plus); "
    "shared-core tiers have no SLA",
)
MACHINE_TYPE = Rule(
    r"[a-z][a-z0-9]*-(standard|highmem|highcpu|custom)-[0-9]+(-[0-9]+)?",
    "a Compute Engine machine type such as e2-standard-2 (shared-core e2-micro/small/"
    "medium cannot hold MLflow, the proxy and GKE's system pods)",
)
# IAM principals (user:, group:, principal://, ...): settings/members.py checks them by type.
# https://cloud.google.com/iap/docs/custom-oauth-configuration
OAUTH_CLIENT_ID = Rule(
    r"[0-9]+-[a-z0-9]+\.apps\.googleusercontent\.com",
    "an OAuth client ID: <project number>-<id>.apps.googleusercontent.com",
)
HH_MM = Rule(r"([01][0-9]|2[0-3]):[0-5][0-9]", "24-hour time HH:MM")
DURATION = Rule(r"[0-9]+s", "a duration in seconds such as 30s")
# Kubernetes label keys ([prefix/]name) and values; also annotation keys.
# https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
K8S_LABEL_KEY = Rule(
    r"([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?",
    "a Kubernetes label key: an optional DNS-subdomain prefix and '/', then at most 63 "
    "letters, digits, '-', '_' or '.', starting and ending alphanumeric",
)
K8S_LABEL_VALUE = Rule(
    r"([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?",
    "a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', starting and ending "
    "alphanumeric",
)
ENV_NAME = Rule(r"[A-Za-z_][A-Za-z0-9_]*", "an environment variable name: letters, digits, _")
# What Cloud Monitoring's email notification channel takes: a plain address, no display name.
EMAIL = Rule(
    r"[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+",
    "an email address such as ml-oncall@example.com",
)
# https://cloud.google.com/kms/docs/resource-hierarchy#retrieve_resource_id: a key's resource
# name. A key's location must be the location of what it encrypts (checked in
# settings/encryption.py).
KMS_KEY = Rule(
    r"projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/locations/[a-z0-9-]+/keyRings/[A-Za-z0-9_-]{1,63}"
    r"/cryptoKeys/[A-Za-z0-9_-]{1,63}",
    "a Cloud KMS key's resource name: projects/<project>/locations/<location>/keyRings/<ring>/"
    "cryptoKeys/<key>",
)
