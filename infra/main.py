"""cdktf entry point (cdktf.json "app"): load settings, build the app, synth."""

from ops.cli import run
from settings import load_settings
from settings.advice import print_advice
from settings.load import config_source


def main() -> None:
    settings = load_settings()  # a bad config fails here, in milliseconds, before jsii starts
    print_advice(settings, config_source())
    from infra.app import synth

    synth(settings)


if __name__ == "__main__":
    run(main)
