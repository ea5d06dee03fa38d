"""The monthly estimate of an environment from its synthesized outputs (make cost), and the
price table it uses (make refresh-prices). docs/cost.md explains both."""
