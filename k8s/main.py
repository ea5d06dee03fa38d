"""cdk8s entry point (cdk8s.yaml "app"): load settings, build the app, synth."""

from ops.cli import run
from settings import load_settings


def main() -> None:
    settings = load_settings()  # a bad config fails here, in milliseconds, before jsii starts
    from k8s.app import synth

    synth(settings)


if __name__ == "__main__":
    run(main)
