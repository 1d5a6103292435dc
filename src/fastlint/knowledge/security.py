"""Names the security rules (FST401-FST408) know: CORS, JWT libraries, hashes, HTTP clients."""

from __future__ import annotations

CORS_MIDDLEWARE = frozenset(
    {
        "fastapi.middleware.cors.CORSMiddleware",
        "starlette.middleware.cors.CORSMiddleware",
    }
)
MIDDLEWARE = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})

# HTTPException classes whose ``detail`` goes to the client as it is.
HTTP_EXCEPTIONS = frozenset(
    {
        "fastapi.HTTPException",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
        "fastapi.WebSocketException",
        "fastapi.exceptions.WebSocketException",
        "starlette.exceptions.WebSocketException",
    }
)
# Calls that turn an exception into text (a traceback, the message).
TRACEBACK_TEXT = frozenset(
    {
        "traceback.format_exc",
        "traceback.format_exception",
        "traceback.format_exception_only",
        "traceback.format_tb",
        "traceback.format_stack",
    }
)

# ``jwt.decode`` / ``jwt.encode`` of PyJWT (``import jwt``) and python-jose (``from jose import jwt``).
JWT_DECODE = frozenset({"jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode"})
JWT_ENCODE = frozenset({"jwt.encode", "jwt.api_jwt.encode", "jose.jwt.encode"})

# Fast digests: fine for checksums and tokens, never for passwords.
FAST_HASHES = frozenset(
    {
        *("md5", "sha1", "sha224", "sha256", "sha384", "sha512"),
        *("sha3_224", "sha3_256", "sha3_384", "sha3_512", "blake2b", "blake2s"),
    }
)

HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
REQUESTS_SESSION = "requests.Session"  # the client kind of knowledge/blocking.py
HTTPX_CLIENT = "httpx.Client"
HTTPX_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})
AIOHTTP_SESSION = frozenset({"aiohttp.ClientSession", "aiohttp.client.ClientSession"})
AIOHTTP_TIMEOUT = frozenset({"aiohttp.ClientTimeout", "aiohttp.client.ClientTimeout"})
HTTPX_TIMEOUT = frozenset({"httpx.Timeout"})
URLOPEN = "urllib.request.urlopen"

APP_CLASSES = frozenset(
    {"fastapi.FastAPI", "fastapi.applications.FastAPI", "starlette.applications.Starlette"}
)
UVICORN_RUN = frozenset(
    {"uvicorn.run", "uvicorn.main.run", "uvicorn.Config", "uvicorn.config.Config"}
)
ENUM_BASES = frozenset(
    {
        *("enum.Enum", "enum.StrEnum", "enum.IntEnum", "enum.Flag", "enum.IntFlag"),
        *("strenum.StrEnum", "django.db.models.TextChoices"),
    }
)
