"""Every rule fastlint has, in code order."""

from __future__ import annotations

from fastlint.engine.rule import Rule
from fastlint.rules.api.response_model import MissingResponseModel
from fastlint.rules.async_.blocking_call import BlockingCallInAsync
from fastlint.rules.async_.dangling_task import DanglingTask
from fastlint.rules.async_.sequential_awaits import SequentialAwaitsInLoop
from fastlint.rules.async_.sync_route import SyncRouteHandler
from fastlint.rules.async_.transitive_blocking import TransitiveBlockingCall
from fastlint.rules.core.engine_rules import InternalErrorRule, SyntaxErrorRule
from fastlint.rules.db.missing_await import MissingAwaitOnAsyncSession
from fastlint.rules.db.sync_orm import SyncOrmInAsync
from fastlint.rules.quality.function_length import FunctionTooLong
from fastlint.rules.quality.mutable_default import MutableDefaultArgument

ALL_RULES: tuple[type[Rule], ...] = tuple(
    sorted(
        (
            SyntaxErrorRule,
            InternalErrorRule,
            BlockingCallInAsync,
            TransitiveBlockingCall,
            SyncRouteHandler,
            SequentialAwaitsInLoop,
            DanglingTask,
            SyncOrmInAsync,
            MissingAwaitOnAsyncSession,
            MissingResponseModel,
            MutableDefaultArgument,
            FunctionTooLong,
        ),
        key=lambda rule: rule.code,
    )
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}
