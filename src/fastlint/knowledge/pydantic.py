"""Pydantic's and SQLModel's names: the model and settings bases, the v1 API and its v2 names."""

from __future__ import annotations

# Classes whose subclasses are Pydantic models (qualified as imported; re-exports included).
MODEL_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.RootModel",
        "pydantic.root_model.RootModel",
        "pydantic.generics.GenericModel",  # v1 generic models
        "pydantic.v1.BaseModel",
        "pydantic.v1.main.BaseModel",
        "pydantic.v1.generics.GenericModel",
    }
)
SQLMODEL_BASES = frozenset({"sqlmodel.SQLModel", "sqlmodel.main.SQLModel"})
# Settings classes: their fields are read from the environment.
SETTINGS_BASES = frozenset(
    {
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "pydantic.BaseSettings",  # v1 only (v2 raises on import)
        "pydantic.env_settings.BaseSettings",
        "pydantic.v1.BaseSettings",
        "pydantic.v1.env_settings.BaseSettings",
    }
)
# ``BaseSettings`` where Pydantic v1 had it: in v2 it moved to the pydantic-settings package.
V1_SETTINGS = frozenset({"pydantic.BaseSettings", "pydantic.env_settings.BaseSettings"})


def base_kind(qualified: str | None) -> str | None:
    """ "model", "sqlmodel" or "settings" for a library base class, else None."""
    if qualified in MODEL_BASES:
        return "model"
    if qualified in SQLMODEL_BASES:
        return "sqlmodel"
    if qualified in SETTINGS_BASES:
        return "settings"
    return None


# Model configuration: ``model_config = ConfigDict(...)`` (v2) and its settings flavour.
CONFIG_DICT = frozenset({"pydantic.ConfigDict", "pydantic.config.ConfigDict"})
SETTINGS_CONFIG_DICT = frozenset(
    {"pydantic_settings.SettingsConfigDict", "pydantic_settings.main.SettingsConfigDict"}
)

# The v1 validator decorators and what replaces them (with a different signature, so no fix).
V1_DECORATORS = {
    "pydantic.validator": "field_validator",
    "pydantic.class_validators.validator": "field_validator",
    "pydantic.root_validator": "model_validator",
    "pydantic.class_validators.root_validator": "model_validator",
}

# v1 model methods deprecated in v2 -> their v2 names. Class methods are called on the class
# (``User.parse_obj(data)``), the others on an instance (``user.dict()``).
V1_INSTANCE_METHODS = {
    "dict": "model_dump",
    "json": "model_dump_json",
    "copy": "model_copy",
}
V1_CLASS_METHODS = {
    "parse_obj": "model_validate",
    "parse_raw": "model_validate_json",
    "parse_file": "model_validate_json",
    "from_orm": "model_validate",
    "construct": "model_construct",
    "schema": "model_json_schema",
    "schema_json": "model_json_schema",
    "update_forward_refs": "model_rebuild",
    "validate": "model_validate",
}
V1_METHODS = {**V1_INSTANCE_METHODS, **V1_CLASS_METHODS}
# Renamed one to one with the same arguments: the call can be renamed mechanically.
V1_RENAMES = frozenset(
    {"dict", "json", "copy", "parse_obj", "construct", "update_forward_refs", "from_orm"}
)

# ``class Config`` keys of v1 renamed in v2 (the value keeps its meaning).
V1_CONFIG_RENAMED = {
    "allow_population_by_field_name": "populate_by_name",
    "anystr_lower": "str_to_lower",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "anystr_upper": "str_to_upper",
    "keep_untouched": "ignored_types",
    "max_anystr_length": "str_max_length",
    "min_anystr_length": "str_min_length",
    "orm_mode": "from_attributes",
    "schema_extra": "json_schema_extra",
    "validate_all": "validate_default",
}
# v1 keys with no v2 equivalent of the same meaning (``allow_mutation = False`` is
# ``frozen=True``: inverted, so not renamed mechanically).
V1_CONFIG_REMOVED = frozenset(
    {
        "allow_mutation",
        "copy_on_model_validation",
        "error_msg_templates",
        "fields",
        "getter_dict",
        "json_dumps",
        "json_loads",
        "post_init_call",
        "smart_union",
        "underscore_attrs_are_private",
    }
)
V1_CONFIG_KEYS = frozenset(V1_CONFIG_RENAMED) | V1_CONFIG_REMOVED

# Environment variables that describe the process, the terminal or the CI machine rather than
# configure the application: reading them directly is not configuration (FST602).
PROCESS_VARIABLES = frozenset(
    {
        *("PATH", "HOME", "USER", "USERNAME", "LOGNAME", "SHELL", "PWD", "HOSTNAME"),
        *("TERM", "COLORTERM", "COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "CLICOLOR"),
        *("LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "EDITOR", "VISUAL", "PAGER"),
        *("DISPLAY", "VIRTUAL_ENV", "CONDA_PREFIX", "CI", "SYSTEMROOT", "APPDATA"),
        *("LOCALAPPDATA", "USERPROFILE", "COMSPEC", "PATHEXT", "LD_LIBRARY_PATH"),
        *("SSH_AUTH_SOCK", "SSH_CONNECTION", "SSH_TTY"),
        # the interpreter's own
        *("PYTHONPATH", "PYTHONHOME", "PYTHONASYNCIODEBUG", "PYTHONDEVMODE", "PYTHONUNBUFFERED"),
        *("PYTHONDONTWRITEBYTECODE", "PYTHONHASHSEED", "PYTHONWARNINGS", "PYTHONIOENCODING"),
        *("PYTHONUTF8", "PYTHONBREAKPOINT", "PYTHONSTARTUP", "PYTHONOPTIMIZE"),
        *("PYTHONFAULTHANDLER", "PYTHONTRACEMALLOC"),
        # what a CI runner tells about the build (GitHub Actions, Bitbucket; GitLab's are CI_*)
        *("GITHUB_ACTIONS", "GITHUB_SHA", "GITHUB_REF", "GITHUB_REF_NAME", "GITHUB_HEAD_REF"),
        *("GITHUB_BASE_REF", "GITHUB_REPOSITORY", "GITHUB_SERVER_URL", "GITHUB_RUN_ID"),
        *("GITHUB_RUN_NUMBER", "GITHUB_WORKFLOW", "GITHUB_EVENT_NAME", "GITHUB_ACTOR"),
        *("GITHUB_WORKSPACE", "GITHUB_JOB", "BITBUCKET_COMMIT", "BITBUCKET_BRANCH"),
        *("BITBUCKET_REPO_SLUG", "BITBUCKET_GIT_HTTP_ORIGIN", "BITBUCKET_BUILD_NUMBER"),
    }
)
PROCESS_PREFIXES = ("LC_", "XDG_", "CI_")
