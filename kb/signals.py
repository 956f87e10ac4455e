"""Any change to the knowledge bumps KnowledgeStamp, so each server process
rebuilds its diagnosis index on its next request."""

from contextlib import contextmanager
from threading import local

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles.models import Article

from .models import CodeVariant, ErrorCode, KnowledgeStamp, Symptom, SymptomExample

_WATCHED = (ErrorCode, CodeVariant, Symptom, SymptomExample, Article)
_state = local()


@contextmanager
def bumps_suspended():
    """Bulk changes (loadkb) bump the stamp once themselves, not once per row."""
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = False


def _active() -> bool:
    return not getattr(_state, "suspended", False)


@receiver(post_save)
@receiver(post_delete)
def _bump_on_change(sender, raw=False, **kwargs):
    if sender in _WATCHED and not raw and _active():
        KnowledgeStamp.bump()


@receiver(m2m_changed, sender=Symptom.codes.through)
@receiver(m2m_changed, sender=ErrorCode.articles.through)
def _bump_on_relation_change(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and _active():
        KnowledgeStamp.bump()
