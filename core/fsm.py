"""Helpers for django-fsm-2's protected state fields."""

from django_fsm import FSMFieldMixin


class RefreshableProtectedFSMMixin:
    """Let refresh_from_db reload a protected FSM field.

    A protected field refuses every assignment once loaded, including the one
    refresh_from_db makes; dropping the cached value first lets a reload through while
    any other assignment still fails loudly.
    """

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        for field in self._meta.concrete_fields:
            if isinstance(field, FSMFieldMixin) and (fields is None or field.attname in fields):
                self.__dict__.pop(field.attname, None)
        return super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
