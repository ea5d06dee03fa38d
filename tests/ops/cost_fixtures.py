"""Known inputs for tests/ops/test_cost.py: Terraform JSON and manifests in the shapes cdktf
and cdk8s write, each value chosen so that every estimator has a case."""

from __future__ import annotations

import copy
from typing import Any

REGION = "europe-west1"

_SERVER = {
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "replicas": 2,
        "template": {
            "spec": {
                "initContainers": [
                    {
                        "name": "proxy",
                        "restartPolicy": "Always",
                        "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}},
                    },
                    {
                        "name": "migrate",
                        "resources": {"requests": {"cpu": "100m", "memory": "288Mi"}},
                    },
                ],
                "containers": [
                    {
                        "name": "app",
                        "resources": {
                            "requests": {
                                "cpu": "250m",
                                "memory": "640Mi",
                                "ephemeral-storage": "9Gi",
                            }
                        },
                    }
                ],
            }
        },
    },
}
MANIFESTS: list[dict[str, Any]] = [
    _SERVER,
    {
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {"scaleTargetRef": {"name": "web"}, "minReplicas": 2, "maxReplicas": 4},
    },
    {"kind": "CronJob", "metadata": {"name": "gc"}, "spec": {}},
    {
        "kind": "Ingress",
        "metadata": {"name": "web", "annotations": {"kubernetes.io/ingress.allow-http": "false"}},
        "spec": {"tls": [{"secretName": "cert"}]},
    },
    {
        "kind": "PodMonitoring",
        "metadata": {"name": "web"},
        "spec": {"endpoints": [{"port": "http", "interval": "30s"}]},
    },
]

_COMMON = {
    "google_sql_database_instance": {
        "pg": {
            "name": "pg",
            "database_version": "POSTGRES_18",
            "settings": {
                "tier": "db-perf-optimized-N-4",
                "availability_type": "REGIONAL",
                "disk_size": 20,
                "disk_autoresize_limit": 50,
                "backup_configuration": {"enabled": True},
            },
        },
        "replica": {
            "name": "replica",
            "database_version": "POSTGRES_15",
            "settings": {"tier": "db-custom-2-7680", "disk_autoresize": False},
        },
        "small": {
            "name": "small",
            "database_version": "POSTGRES_15",
            "settings": {"tier": "db-g1-small"},
        },
    },
    "google_compute_global_address": {
        "ip": {"name": "ip", "address_type": "EXTERNAL"},
        "psa": {"name": "psa", "address_type": "INTERNAL", "purpose": "VPC_PEERING"},
    },
    "google_compute_router_nat": {"nat": {"name": "nat", "nat_ip_allocate_option": "AUTO_ONLY"}},
    "google_dns_managed_zone": {"z": {"dns_name": "example.com."}},
    "google_storage_bucket": {
        "b": {"name": "b", "location": "EUROPE-WEST1", "storage_class": "NEARLINE"}
    },
    "google_secret_manager_secret": {
        "s": {
            "secret_id": "api-key",
            "replication": {
                "user_managed": {
                    "replicas": [{"location": "europe-west1"}, {"location": "europe-west4"}]
                }
            },
        }
    },
    "google_secret_manager_secret_version": {
        "v": {"secret": "${google_secret_manager_secret.s.id}"}
    },
    "google_monitoring_alert_policy": {"a": {"display_name": "two", "conditions": [{}, {}]}},
    "google_monitoring_uptime_check_config": {
        "u": {"period": "300s", "selected_regions": ["EUROPE", "USA", "ASIA_PACIFIC"]}
    },
}

STANDARD = {
    "resource": {
        **copy.deepcopy(_COMMON),
        "google_container_cluster": {
            "c": {
                "name": "c",
                "location": REGION,
                "remove_default_node_pool": True,
                "initial_node_count": 1,
            }
        },
        "google_container_node_pool": {
            "p": {
                "name": "pool",
                "location": REGION,
                "autoscaling": {"min_node_count": 1, "max_node_count": 2},
                "node_config": {
                    "machine_type": "n2-standard-4",
                    "disk_size_gb": 100,
                    "disk_type": "pd-ssd",
                },
            }
        },
    }
}

AUTOPILOT_CLUSTER = {
    "resource": {
        **copy.deepcopy(_COMMON),
        "google_container_cluster": {
            "c": {"name": "c", "location": REGION, "enable_autopilot": True}
        },
    }
}

EXISTING_AUTOPILOT = {
    "resource": copy.deepcopy(_COMMON),
    "data": {
        "google_container_cluster": {
            "c": {
                "name": "team",
                "lifecycle": {
                    "postcondition": [
                        {"condition": "${self.enable_autopilot == true}", "error_message": "..."}
                    ]
                },
            }
        }
    },
}
