"""The client's logger: named after the generated package, switched on without code by the
environment variable ``<PACKAGE>_LOG=debug|info``.

What is logged says which request and how it went (method, URL with API keys in the query
redacted, status, time taken, retries); never headers or bodies, so no credential is logged.
"""

from __future__ import annotations

import logging
import os

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
FORMAT = "[%(asctime)s %(name)s %(levelname)s] %(message)s"


def package_logger(module: str) -> logging.Logger:
    """The logger named after the package that holds the runtime module ``module``."""
    return logging.getLogger(module.rpartition("._runtime")[0] or module)


def log_env_name(logger: logging.Logger) -> str:
    """``CHAT_CLIENT_LOG`` for the logger ``chat_client``."""
    return logger.name.replace(".", "_").upper() + "_LOG"


def enable_from_env(logger: logging.Logger) -> None:
    """Honour ``<PACKAGE>_LOG``: set the logger's level and log to stderr (one handler,
    however many clients are made). Any other value, or none, leaves logging as the
    application configured it."""
    level = LEVELS.get(os.environ.get(log_env_name(logger), "").strip().lower())
    if level is None:
        return
    logger.setLevel(level)
    name = log_env_name(logger)  # names the handler, so that it is added once
    if not any(handler.get_name() == name for handler in logger.handlers):
        handler = logging.StreamHandler()  # stderr
        handler.set_name(name)
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
