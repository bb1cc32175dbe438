"""The production settings (read from the environment as always) with the bench's query
log in front: what `make bench` serves through gunicorn to count queries with DEBUG off."""

from kaiyihui.settings import *  # noqa: F403
from kaiyihui.settings import MIDDLEWARE

MIDDLEWARE = ["bench.query_log.QueryLogMiddleware", *MIDDLEWARE]
