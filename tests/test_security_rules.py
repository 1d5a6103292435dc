"""The security family (FST401-FST408): dataflow, project-wide models and exceptions, options,
and each value FST403 must not take for a secret."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fastlint.config.settings import build_settings, read_config_table
from fastlint.engine.diagnostic import Diagnostic
from fastlint.engine.linter import Linter
from fastlint.project.index import ProjectIndex
from fastlint.rules import RULES_BY_CODE
from fastlint.rules.security.debug import is_test_file
from fastlint.rules.security.secrets import secret_name, secret_value
from fastlint.run.discovery import discover
from fastlint.run.runner import lint_files

SECURITY = ["FST401", "FST402", "FST403", "FST404", "FST405", "FST406", "FST407", "FST408"]


def lint(code: str, *codes: str, filename: str = "app/example.py", **options: object) -> list:
    rules = [RULES_BY_CODE[c] for c in codes or SECURITY]
    project = ProjectIndex([Path(filename)])
    linter = Linter(rules, dict(options), project)
    return linter.lint_text(textwrap.dedent(code), filename)


def lint_project(root: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.chdir(root)
    settings = build_settings({"select": SECURITY}, origin="test", root=root)
    found: list[Diagnostic] = lint_files(discover([Path(".")], settings), settings)
    return sorted(found)


# -- FST401 / FST402: a value followed from its assignment to the sink ----------------------


def test_cors_origins_followed_from_a_module_level_name_into_a_factory() -> None:
    found = lint(
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        ORIGINS = ["https://a.example", "*"]

        def create_app() -> FastAPI:
            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)
            return app
        """,
        "FST401",
    )
    assert [(d.row, d.code) for d in found] == [(9, "FST401")]
    assert "severe" in found[0].message


def test_cors_name_reassigned_from_settings_is_not_reported() -> None:
    found = lint(
        """
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware
        from app.config import settings

        app = FastAPI()
        origins = ["*"]
        origins = settings.CORS_ORIGINS
        app.add_middleware(CORSMiddleware, allow_origins=origins)
        """,
        "FST401",
    )
    assert found == []


def test_exception_detail_followed_through_two_names() -> None:
    found = lint(
        """
        from fastapi import HTTPException

        async def handler():
            try:
                await work()
            except Exception as exc:
                text = str(exc)
                detail = {"message": "failed", "reason": text}
                raise HTTPException(status_code=500, detail=detail)
        """,
        "FST402",
    )
    assert [(d.row, d.column) for d in found] == [(10, 15)]
    assert "`str(exc)`" in found[0].message


def test_exception_name_does_not_leak_outside_its_handler() -> None:
    found = lint(
        """
        from fastapi import HTTPException

        async def handler(exc: str):
            try:
                await work()
            except Exception as exc:
                pass
            raise HTTPException(status_code=400, detail=str(exc))
        """,
        "FST402",
    )
    assert found == []


def test_exception_of_a_first_party_module_is_not_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = lint_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/errors.py": "class PlanLimitReached(Exception):\n    pass\n",
            "app/routes.py": """
                import httpx
                from fastapi import HTTPException

                from app.errors import PlanLimitReached

                async def upgrade():
                    try:
                        await work()
                    except PlanLimitReached as exc:
                        raise HTTPException(402, detail=str(exc))
                    except httpx.HTTPError as exc:
                        raise HTTPException(502, detail=str(exc))
                """,
        },
        monkeypatch,
    )
    assert [(d.path.replace("\\", "/"), d.row, d.code) for d in found] == [
        ("app/routes.py", 13, "FST402")
    ]


def test_allowed_exceptions_option_extends_and_empties_the_list() -> None:
    code = """
        import sqlalchemy.exc
        from fastapi import HTTPException

        async def handler():
            try:
                await work()
            except sqlalchemy.exc.IntegrityError as exc:
                raise HTTPException(409, detail=str(exc.orig))
            except ValueError as exc:
                raise HTTPException(400, detail=str(exc))
        """
    assert [d.row for d in lint(code, "FST402")] == [9]
    allowed = {"allowed-exceptions": ["sqlalchemy.exc.IntegrityError", "ValueError"]}
    assert lint(code, "FST402", **allowed) == []
    assert [d.row for d in lint(code, "FST402", **{"allowed-exceptions": []})] == [9, 11]


def test_allowed_exceptions_must_be_a_list_of_strings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.fastlint]\nallowed-exceptions = "ValueError"\n', encoding="utf-8"
    )
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "fastlint", "check", "a.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "allowed-exceptions" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- FST403: what is not a secret -------------------------------------------------------------

NOT_SECRET_NAMES = [
    "token_url",
    "tokenUrl",
    "password_reset_path",
    "TOKEN_TYPE",
    "SECRET_KEY_ENV",
    "PASSWORD_MIN_LENGTH",
    "API_KEY_NAME",
    "ACCESS_TOKEN_EXPIRE_MINUTES",
    "key",
    "cache_key",
    "PASS",
    "passport_number",
]
SECRET_NAMES = [
    "SECRET_KEY",
    "secret_key",
    "jwtSecret",
    "DB_PASSWORD",
    "db_pass",
    "api_key",
    "APIKey",
    "GITHUB_TOKEN",
    "client_secret",
    "PRIVATE_KEY",
    "password2",
    "AWS_SECRET_ACCESS_KEY",
]


@pytest.mark.parametrize("name", NOT_SECRET_NAMES)
def test_names_that_do_not_hold_a_secret(name: str) -> None:
    assert not secret_name(name)


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_names_that_hold_a_secret(name: str) -> None:
    assert secret_name(name)


NOT_SECRET_VALUES = [
    ("SECRET_KEY", ""),  # empty
    ("SECRET_KEY", "abc"),  # shorter than 4
    ("PASSWORD", "Your password is too short"),  # a message
    ("PASSWORD", "********"),  # a mask
    ("API_KEY", "xxxxxxxx"),
    ("AUTH_TOKEN", "https://auth.example.com/token"),  # a URL
    ("PRIVATE_KEY", "/etc/keys/private.pem"),  # a path
    ("PRIVATE_KEY", "keys/private.pem"),
    ("RESET_TOKEN", "reset:{user_id}"),  # a template
    ("PASSWORD", "Password must contain %s"),
    ("JWT_SECRET", "<your-jwt-secret>"),  # a placeholder in angle brackets
    ("API_KEY", "OPENAI_API_KEY"),  # the name of an environment variable
    ("API_KEY", "X-API-Key"),  # a header name
    ("TOKEN", "auth.jwt.token"),  # a config key
    ("ACCESS_TOKEN", "bearer"),  # a token type
    ("SIGNING_KEY", "HS256"),  # an algorithm
    ("ACCESS_TOKEN", "access_token"),  # the name of the field
    ("PASSWORD", "password"),
    ("RESOURCE_PASSWORD", "Passwords"),
]
SECRET_VALUES = [
    ("SECRET_KEY", "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"),
    ("JWT_SECRET", "changeme"),
    ("SECRET_KEY", "your-secret-key"),
    ("ADMIN_PASSWORD", "admin"),
    ("SECRET_KEY", "secret"),
    ("TOKEN", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"),
    ("API_KEY", "sk-live-4f9a8b7c"),
]


@pytest.mark.parametrize(("name", "value"), NOT_SECRET_VALUES)
def test_values_that_are_not_secrets(name: str, value: str) -> None:
    assert not secret_value(value, name)
    assert lint(f"{name} = {value!r}\n", "FST403") == []


@pytest.mark.parametrize(("name", "value"), SECRET_VALUES)
def test_values_that_are_secrets(name: str, value: str) -> None:
    assert secret_value(value, name)
    assert [d.code for d in lint(f"{name} = {value!r}\n", "FST403")] == ["FST403"]


@pytest.mark.parametrize(
    "code",
    [
        "import os\nSECRET_KEY = os.environ['SECRET_KEY']\n",
        "import os\nSECRET_KEY = os.getenv('SECRET_KEY', '')\n",
        "from app.config import settings\nAPI_KEY = settings.API_KEY\n",
        "from pydantic import BaseModel, Field\nclass Login(BaseModel):\n"
        "    password: str = Field(..., min_length=8)\n",
        "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n"
        "    SECRET_KEY: str\n    TOKEN_TYPE: str = 'bearer'\n",
        "from enum import StrEnum\nclass Grant(StrEnum):\n    PASSWORD = 'p4ssw0rd-grant'\n",
        "import enum\nclass Kind(enum.Enum):\n    API_KEY = 'api-key-kind'\n",
        "token = Token(access_token=make(), token_type='bearer')\n",
        "from fastapi.security import OAuth2PasswordBearer\n"
        "scheme = OAuth2PasswordBearer(tokenUrl='token')\n",
        "api_key = f'{prefix}_{secrets.token_hex(16)}'\n",
    ],
)
def test_code_that_holds_no_secret(code: str) -> None:
    assert lint(code, "FST403") == []


def test_jwt_key_reported_once_when_its_name_is_reported_already() -> None:
    found = lint(
        """
        import jwt
        SECRET_KEY = "d8f7a6b5c4e3f2a1"

        def make(data):
            return jwt.encode(data, SECRET_KEY, algorithm="HS256")
        """,
        "FST403",
    )
    assert [d.row for d in found] == [3]


def test_tests_are_silenced_with_per_file_ignores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, text in {
        "pyproject.toml": '[tool.fastlint]\nper-file-ignores = { "tests/**" = ["FST403"] }\n',
        "tests/test_login.py": "TEST_PASSWORD = 'changeme123'\n",
        "app/config.py": "ADMIN_PASSWORD = 'changeme123'\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    table = read_config_table(tmp_path / "pyproject.toml")
    settings = build_settings({**table, "select": ["FST403"]}, origin="test", root=tmp_path)
    found = lint_files(discover([Path(".")], settings), settings)
    assert [d.path.replace("\\", "/") for d in found] == ["app/config.py"]


# -- FST404 / FST405 / FST407 / FST408 --------------------------------------------------------


def test_password_followed_through_a_local_name_to_update() -> None:
    found = lint(
        """
        import hashlib

        def digest(user):
            data = user.password.encode()
            h = hashlib.sha1()
            h.update(data)
            return h.hexdigest()
        """,
        "FST404",
    )
    assert [(d.row, d.code) for d in found] == [(7, "FST404")]


def test_jwt_decode_of_a_project_module_named_jwt_is_not_pyjwt() -> None:
    found = lint("from app import jwt\n\ndef f(t):\n    return jwt.decode(t)\n", "FST405")
    assert found == []


def test_requests_session_attribute_and_with_binding() -> None:
    found = lint(
        """
        import requests

        class Client:
            def __init__(self) -> None:
                self.session = requests.Session()

            def fetch(self, url: str) -> bytes:
                return self.session.get(url).content
        """,
        "FST407",
    )
    assert [d.row for d in found] == [9]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_app.py", True),
        ("app/tests/helpers.py", True),
        ("conftest.py", True),
        ("app/main_test.py", True),
        ("app/main.py", False),
        ("app/contest.py", False),
    ],
)
def test_test_files(path: str, expected: bool) -> None:
    assert is_test_file(path) is expected


# -- FST406 across modules --------------------------------------------------------------------


MODELS_PROJECT = {
    "app/__init__.py": "",
    "app/schemas/__init__.py": "from app.schemas.user import UserInDB, UserOut\n",
    "app/schemas/base.py": """
        from pydantic import BaseModel

        class Secrets(BaseModel):
            hashed_password: str
        """,
    "app/schemas/user.py": """
        from app.schemas.base import Secrets

        class UserOut(Secrets):
            id: int

        class UserInDB(UserOut):
            pass
        """,
    "app/routes.py": """
        from typing import Optional

        from fastapi import APIRouter

        from app import schemas
        from app.schemas import UserOut

        router = APIRouter()

        @router.get("/users", response_model=list[schemas.UserInDB])
        async def users():
            ...

        @router.get("/me")
        async def me() -> Optional[UserOut]:
            ...
        """,
}


def test_response_model_of_another_module_through_its_bases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = lint_project(
        tmp_path,
        MODELS_PROJECT,
        monkeypatch,
    )
    assert [(d.path.replace("\\", "/"), d.row, d.column) for d in found] == [
        ("app/routes.py", 11, 23),
        ("app/routes.py", 16, 19),
    ]
    assert "`hashed_password` in base.py:5" in found[0].message
    assert "route `GET /users`" in found[0].message
