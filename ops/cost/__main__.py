"""The monthly estimate of each environment, offline, from its committed outputs.

python -m ops.cost                 # every environment of config/, then dev -> the others
python -m ops.cost dev             # one environment
python -m ops.cost dev prod        # both, and prod minus dev
"""

from __future__ import annotations

import argparse

from ops.cli import run
from ops.cost.estimate import estimate_environment
from ops.cost.prices import load_prices
from ops.cost.report import render, render_difference
from ops.environments import environments
from settings.errors import ConfigError
from settings.load import DEFAULT_ENV


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("envs", nargs="*", help="environments (default: all of config/)")
    args = parser.parse_args()
    known = environments()
    chosen = args.envs or known
    for env in chosen:
        if env not in known:
            raise ConfigError(
                f"environment '{env}' has no config file: choose from {', '.join(known)}"
            )
    prices = load_prices()
    estimates = [estimate_environment(env, prices) for env in chosen]
    print("\n\n".join(render(e) for e in estimates))
    if len(estimates) == 2 or (not args.envs and len(estimates) > 1):
        base = next((e for e in estimates if e.environment == DEFAULT_ENV), estimates[0])
        for other in estimates:
            if other is not base:
                print()
                print(render_difference(base, other))


if __name__ == "__main__":
    run(main)
