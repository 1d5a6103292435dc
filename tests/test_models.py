"""The model registry (``ctx.models``): Pydantic/SQLModel/settings classes, in the linted file and
through the project index, with inherited fields."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from fastlint.engine.context import Context
from fastlint.project import ProjectIndex
from fastlint.semantic.models import ModelClass


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def probe(
    text: str, path: str = "example.py", index: ProjectIndex | None = None
) -> ModelClass | None:
    """The model the module's last statement ``probe = <expr>`` names."""
    module = cst.parse_module(text)
    ctx = Context(path, text, module, {})
    if index is not None:
        index.provide(path, text)
        ctx.project = index
    last = module.body[-1]
    assert isinstance(last, cst.SimpleStatementLine)
    assign = last.body[0]
    assert isinstance(assign, cst.Assign)
    return ctx.models.model_of(assign.value, ())


SCHEMAS = """\
from pydantic import BaseModel, ConfigDict, Field


class UserBase(BaseModel):
    email: str
    name: str = Field(description="Display name")


class UserOut(UserBase):
    model_config = ConfigDict(from_attributes=True)
    id: int
    password_hash: str


class Plain:
    x: int
"""


def test_in_file_chain_and_inherited_fields() -> None:
    found = probe(SCHEMAS + "probe = UserOut\n")
    assert found is not None
    assert found.name == "UserOut"
    assert found.kinds == frozenset({"model"})
    assert [item.name for item in found.fields] == ["email", "name", "id", "password_hash"]
    assert found.field("name").default == 'Field(description="Display name")'
    assert found.field("id").annotation == "int"
    assert found.config_value("from_attributes") == "True"
    assert found.node is not None and found.field("email").node is not None


def test_non_models_are_none() -> None:
    assert probe(SCHEMAS + "probe = Plain\n") is None
    assert probe(SCHEMAS + "probe = BaseModel\n") is None
    assert probe("class E(Exception):\n    code: int\nprobe = E\n") is None
    assert probe("probe = Unknown\n") is None
    assert probe("import json\nprobe = json.JSONDecoder\n") is None


def test_forward_reference_and_string() -> None:
    found = probe(
        'probe = "Later"\nfrom pydantic import BaseModel\nclass Later(BaseModel):\n    a: int\n'
        "probe = 'Later'\n"
    )
    assert found is not None and found.name == "Later"


def test_sqlmodel_table_and_settings() -> None:
    text = (
        "from sqlmodel import Field, SQLModel\nfrom pydantic_settings import BaseSettings\n"
        "class HeroBase(SQLModel):\n    name: str\n"
        "class Hero(HeroBase, table=True):\n    id: int | None = Field(default=None, primary_key=True)\n"
        "class Settings(BaseSettings):\n    database_url: str\n"
    )
    hero = probe(text + "probe = Hero\n")
    assert hero is not None and hero.is_sqlmodel and hero.is_table
    assert [item.name for item in hero.fields] == ["name", "id"]
    base = probe(text + "probe = HeroBase\n")
    assert base is not None and not base.is_table
    settings = probe(text + "probe = Settings\n")
    assert settings is not None and settings.is_settings and not settings.is_sqlmodel


def test_class_var_private_and_class_keywords() -> None:
    text = (
        "from typing import ClassVar\nfrom pydantic import BaseModel\n"
        "class M(BaseModel, strict=True):\n    registry: ClassVar[dict] = {}\n    _cache: int = 0\n"
        "    a: int\n    class Config:\n        orm_mode = True\n"
    )
    found = probe(text + "probe = M\n")
    assert found is not None
    assert [item.name for item in found.fields] == ["a"]
    assert found.config_value("strict") == "True"
    assert found.config_value("orm_mode") == "True"


def project(tmp_path: Path) -> ProjectIndex:
    write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/schemas/__init__.py": "from .users import UserOut\nfrom pydantic import BaseModel\n",
            "app/schemas/base.py": "from pydantic import BaseModel as PydanticBase\n"
            "class Schema(PydanticBase, strict=True):\n    created: str\n",
            "app/schemas/users.py": "from app.schemas.base import Schema\n"
            "class UserOut(Schema):\n    id: int\n    password: str = 'x'\n"
            "class Other:\n    pass\n",
            "app/models.py": "from sqlmodel import SQLModel\n"
            "class User(SQLModel, table=True):\n    id: int\n",
            "app/api/__init__.py": "",
        },
    )
    return ProjectIndex(sorted(tmp_path.rglob("*.py")))


def test_imported_first_party_model(tmp_path: Path) -> None:
    index = project(tmp_path)
    route = str(tmp_path / "app/api/routes.py")
    found = probe("from app.schemas.users import UserOut\nprobe = UserOut\n", route, index)
    assert found is not None
    assert found.qualified == "app.schemas.users.UserOut"
    assert found.path.endswith("users.py")
    assert [(item.name, item.module) for item in found.fields] == [
        ("created", "app.schemas.base"),
        ("id", "app.schemas.users"),
        ("password", "app.schemas.users"),
    ]
    assert found.fields[0].line == 3
    assert found.config_value("strict") == "True"


def test_module_attribute_and_reexport(tmp_path: Path) -> None:
    index = project(tmp_path)
    route = str(tmp_path / "app/api/routes.py")
    found = probe("from app import schemas\nprobe = schemas.UserOut\n", route, index)
    assert found is not None and found.name == "UserOut"
    found = probe("from ..schemas import users\nprobe = users.UserOut\n", route, index)
    assert found is not None and found.name == "UserOut"
    assert probe("from app.schemas.users import Other\nprobe = Other\n", route, index) is None
    # A library base re-exported by a first-party module is the base, not a model.
    assert probe("from app.schemas import BaseModel\nprobe = BaseModel\n", route, index) is None


def test_in_file_class_on_imported_base(tmp_path: Path) -> None:
    index = project(tmp_path)
    path = str(tmp_path / "app/api/payloads.py")
    text = "from app.schemas.base import Schema\nclass Payload(Schema):\n    body: str\nprobe = Payload\n"
    found = probe(text, path, index)
    assert found is not None and [item.name for item in found.fields] == ["created", "body"]
    assert probe(text, path) is None  # without an index the base is unknown


def test_sqlmodel_through_the_index_and_dependencies(tmp_path: Path) -> None:
    index = project(tmp_path)
    route = str(tmp_path / "app/api/routes.py")
    index.start_recording()
    found = probe("from app.models import User\nprobe = User\n", route, index)
    touched = index.stop_recording()
    assert found is not None and found.is_table and found.is_sqlmodel
    assert ["models", "User"] in [entry[:2] for entry in touched["app.models"][2]]


def test_the_two_readers_agree(tmp_path: Path) -> None:
    """A class read from the linted file's libcst tree and from the index's ``ast`` facts."""
    text = (
        "from typing import Annotated, ClassVar\nfrom pydantic import BaseModel, ConfigDict, Field\n"
        "class Base(BaseModel, strict=True):\n    model_config = ConfigDict(extra='forbid')\n"
        "    created: Annotated[str, Field(description='When')]\n"
        "    def dict(self):\n        return {}\n"
        "class M(Base):\n    kind: ClassVar[str] = 'm'\n    _secret: str = ''\n"
        "    tags: list[str] = Field(default_factory=list)\n    class Config:\n        orm_mode = True\n"
    )
    write(tmp_path, {"pkg/__init__.py": "", "pkg/schemas.py": text})
    index = ProjectIndex(sorted(tmp_path.rglob("*.py")))
    local = probe(text + "probe = M\n")
    other = probe("from pkg.schemas import M\nprobe = M\n", str(tmp_path / "pkg/use.py"), index)
    assert local is not None and other is not None
    shape = lambda m: (  # noqa: E731
        [(f.name, f.annotation, f.default) for f in m.fields],
        m.config,
        m.kinds,
        m.methods,
    )
    assert shape(local) == shape(other)
    assert shape(other)[0] == [
        ("created", "Annotated[str, Field(description='When')]", None),
        ("tags", "list[str]", "Field(default_factory=list)"),
    ]
    assert other.config == (("strict", "True"), ("extra", "'forbid'"), ("orm_mode", "True"))
    assert other.methods == frozenset({"dict"})
