"""The one error the entry point reports as a setting's fault (exit code 2, one line)."""


class ConfigError(Exception):
    """A missing or malformed setting; the message names it and never holds a secret."""
