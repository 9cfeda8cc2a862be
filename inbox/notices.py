"""The typed record every notification kind is declared as (inbox.kinds declares the kinds).

A notice is a frozen, keyword-only dataclass whose constructor checks each field against its
annotation, so a wrong field is a TypeError in the service that builds it, not in a template
on a worker later.
"""

import dataclasses
import datetime
import functools
import types
import typing
from typing import Any, ClassVar

from django.db import models
from django.utils.dateparse import parse_datetime


class ThreadKind(models.TextChoices):
    PLUGIN = "plugin", "Plugin"
    ACCOUNT = "account", "Account notices"


def _matches(value: Any, hint: Any) -> bool:
    """isinstance() for the few annotations notices use: X, X | None, tuple[X, ...]."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if origin is tuple:
        item, _ellipsis = typing.get_args(hint)
        return isinstance(value, tuple) and all(_matches(v, item) for v in value)
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Typed:
    """A frozen record whose constructor checks each field against its annotation."""

    def __post_init__(self) -> None:
        hints = _hints(type(self))
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not _matches(value, hints[field.name]):
                expected = getattr(hints[field.name], "__name__", hints[field.name])
                raise TypeError(
                    f"{type(self).__name__}.{field.name} must be {expected}, "
                    f"not {type(value).__name__} ({value!r:.80})"
                )


N = typing.TypeVar("N", bound=Typed)

# Every declared kind -> its Notice class. Filled as the classes are defined: inbox.kinds
# declares the first kinds, and each app may declare its own in its `notices` module, which
# InboxConfig.ready imports (django.utils.module_loading.autodiscover_modules).
REGISTRY: dict[str, type["Notice"]] = {}


@typing.dataclass_transform(frozen_default=True, kw_only_default=True)
def typed(cls: type[N]) -> type[N]:
    """Make the class a frozen, keyword-only dataclass (a missing or unknown field is a
    TypeError) that checks its fields' types."""
    return dataclasses.dataclass(frozen=True, kw_only=True)(cls)


@typed
class Notice(Typed):
    """The fields of one notification kind. Each subclass declares one kind."""

    kind: ClassVar[str]  # unique across the site; at most 40 characters
    # What the admin and the inbox call the kind; a TextChoices member's label by default.
    label: ClassVar[str]
    # PLUGIN: the plugin's thread when the recipient owns the plugin (the caller says so by
    # passing thread_plugin_id), else Account notices. ACCOUNT: always Account notices.
    thread: ClassVar[ThreadKind]
    # A str.format() pattern over the fields; override event_key() when one pattern won't do.
    key: ClassVar[str]
    template: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if kind is None:  # an abstract base, not a kind
            return
        if len(kind) > 40:
            raise ValueError(f"Notification kind {kind!r} is longer than 40 characters")
        other = REGISTRY.get(str(kind))
        if other is not None and other.__qualname__ != cls.__qualname__:
            raise RuntimeError(f"Notification kind {kind!r} is declared twice: {other}, {cls}")
        if "label" not in cls.__dict__:
            cls.label = getattr(kind, "label", str(kind).replace("_", " ").capitalize())
        REGISTRY[str(kind)] = cls

    def event_key(self) -> str:
        """What happened, unique per event: one notification per event and recipient."""
        return self.key.format_map(self.fields())

    def fields(self) -> dict[str, Any]:
        """The fields as the notification's context (nested records become dicts)."""
        return dataclasses.asdict(self)

    @classmethod
    def template_context(cls, stored: dict[str, Any]) -> dict[str, Any]:
        """A stored context for the template, its datetime fields back as datetimes."""
        context = dict(stored)
        hints = _hints(cls)
        for field in dataclasses.fields(cls):
            value = context.get(field.name)
            if isinstance(value, str) and _matches(datetime.datetime.min, hints[field.name]):
                context[field.name] = parse_datetime(value) or value
        return context
