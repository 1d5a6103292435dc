"""Words of REST paths and handler names: verbs that make a path an RPC call, and the actions
that a POST route performs without creating anything."""

from __future__ import annotations

# A path segment that starts with one of these is an RPC call spelled as a path (FST217):
# ``/getUser``, ``/create-order``, ``/users/delete``. The HTTP method already says it.
PATH_VERBS = frozenset(
    {
        *("get", "fetch", "retrieve", "read", "create", "add", "insert", "update", "modify"),
        *("delete", "remove", "destroy", "save", "upsert"),
    }
)
# Verbs reported only when more words follow (``/set-default``, ``/listUsers``): alone they are
# also nouns or conventions (``/sets``, ``/edit`` of Rails-style forms, ``/items/list``?).
PATH_VERBS_WITH_OBJECT = frozenset({"set", "list", "make", "do", "edit", "change"})

# The first word of a POST handler's name that says it creates something (FST206 reports only
# POST routes that say so, by this name or by a ``CREATION_SEGMENTS`` path: POST also carries
# searches, logins, uploads to process, RPC actions and proxies, which answer 200).
CREATION_VERBS = frozenset({"create", "add", "new", "insert", "register", "signup"})
# The last static path segment of a creating POST route: ``/users/create``, ``/cart/add``.
CREATION_SEGMENTS = frozenset({"create", "add", "new", "register", "signup"})
# A path that ends with one of these is a login, whatever the handler is called
# (``create_access_token`` at ``/token``).
AUTH_ACTIONS = frozenset(
    {
        *("token", "tokens", "login", "logout", "signin", "signout", "refresh", "authenticate"),
        *("authorize", "callback", "verify", "otp", "mfa", "2fa"),
    }
)

# Operational endpoints that are not part of a versioned API (FST212): these paths, paths
# below these first segments, and files (a last segment with an extension: ``/manifest.json``).
OPERATIONAL_PATHS = frozenset(
    {"/", "/ping", "/status", "/version", "/favicon.ico", "/robots.txt", "/openapi.json"}
)
OPERATIONAL_ROOTS = frozenset(
    {
        *("health", "healthz", "healthcheck", "health-check", "ready", "readyz", "readiness"),
        *("live", "livez", "liveness", "metrics", "docs", "redoc", "static", "assets"),
        *(".well-known", "oauth", "oauth2"),
    }
)
# Handler-name words of a POST that computes what a creation would do without making it.
DRY_RUN_WORDS = frozenset({"dry", "preview", "validate", "check", "test", "estimate", "simulate"})
