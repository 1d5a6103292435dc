"""HTTP status codes and the names of ``starlette.status`` (re-exported as ``fastapi.status``).

Used when the installed Starlette's own ``status.py`` cannot be read (``rules/api/status_names``
reads it first). Starlette 0.48 renamed four constants to RFC 9110's names and keeps the old
ones only as deprecated aliases; older Starlette has only the old names. Without the installed
source we cannot know which exist, so those codes have no single safe name (``RENAMED``).
"""

from __future__ import annotations

_STABLE_NAMES = (
    *("CONTINUE", "SWITCHING_PROTOCOLS", "PROCESSING", "EARLY_HINTS"),
    *("OK", "CREATED", "ACCEPTED", "NON_AUTHORITATIVE_INFORMATION", "NO_CONTENT"),
    *("RESET_CONTENT", "PARTIAL_CONTENT", "MULTI_STATUS", "ALREADY_REPORTED", "IM_USED"),
    *("MULTIPLE_CHOICES", "MOVED_PERMANENTLY", "FOUND", "SEE_OTHER", "NOT_MODIFIED"),
    *("USE_PROXY", "RESERVED", "TEMPORARY_REDIRECT", "PERMANENT_REDIRECT"),
    *("BAD_REQUEST", "UNAUTHORIZED", "PAYMENT_REQUIRED", "FORBIDDEN", "NOT_FOUND"),
    *("METHOD_NOT_ALLOWED", "NOT_ACCEPTABLE", "PROXY_AUTHENTICATION_REQUIRED"),
    *("REQUEST_TIMEOUT", "CONFLICT", "GONE", "LENGTH_REQUIRED", "PRECONDITION_FAILED"),
    *("UNSUPPORTED_MEDIA_TYPE", "EXPECTATION_FAILED", "IM_A_TEAPOT", "MISDIRECTED_REQUEST"),
    *("LOCKED", "FAILED_DEPENDENCY", "TOO_EARLY", "UPGRADE_REQUIRED", "PRECONDITION_REQUIRED"),
    *("TOO_MANY_REQUESTS", "REQUEST_HEADER_FIELDS_TOO_LARGE", "UNAVAILABLE_FOR_LEGAL_REASONS"),
    *("INTERNAL_SERVER_ERROR", "NOT_IMPLEMENTED", "BAD_GATEWAY", "SERVICE_UNAVAILABLE"),
    *("GATEWAY_TIMEOUT", "HTTP_VERSION_NOT_SUPPORTED", "VARIANT_ALSO_NEGOTIATES"),
    *("INSUFFICIENT_STORAGE", "LOOP_DETECTED", "NOT_EXTENDED", "NETWORK_AUTHENTICATION_REQUIRED"),
)
_STABLE_CODES = (
    *(100, 101, 102, 103),
    *(200, 201, 202, 203, 204, 205, 206, 207, 208, 226),
    *(300, 301, 302, 303, 304, 305, 306, 307, 308),
    *(400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 415, 417, 418, 421),
    *(423, 424, 425, 426, 428, 429, 431, 451),
    *(500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511),
)

# Code -> constant name, in every Starlette release FastAPI supports.
STATUS_NAMES: dict[int, str] = {
    code: f"HTTP_{code}_{name}" for code, name in zip(_STABLE_CODES, _STABLE_NAMES, strict=True)
}

# Code -> (name in Starlette >= 0.48, deprecated name of older releases).
RENAMED: dict[int, tuple[str, str]] = {
    413: ("HTTP_413_CONTENT_TOO_LARGE", "HTTP_413_REQUEST_ENTITY_TOO_LARGE"),
    414: ("HTTP_414_URI_TOO_LONG", "HTTP_414_REQUEST_URI_TOO_LONG"),
    416: ("HTTP_416_RANGE_NOT_SATISFIABLE", "HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE"),
    422: ("HTTP_422_UNPROCESSABLE_CONTENT", "HTTP_422_UNPROCESSABLE_ENTITY"),
}

# The modules whose ``HTTP_...`` constants are status codes.
STATUS_MODULES = frozenset({"fastapi.status", "starlette.status"})
HTTP_STATUS = "http.HTTPStatus"

# ``HTTPException`` classes whose first argument (or ``status_code=``) is a status code.
HTTP_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
    }
)
