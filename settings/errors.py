"""The one error type a user sees for bad input: a message, never a traceback."""


class ConfigError(Exception):
    """Bad configuration or a missing input file. str(error) is the whole message."""
