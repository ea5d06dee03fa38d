"""The hostile-client suite: requests an attacker would send, each with what it must get.

Table modules (table_*.py), one per attack class, list the cases; test_hostile.py sends each
as its own test, raw (raw.py), through the ingress stand-in or straight to the pod from each
peer (tests/e2e/peers.py), against Alice's protected resources (world.py).
"""
