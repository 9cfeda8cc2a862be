"""What makes a user's Help > Messages copies stale (core/versions.py, scope INBOX_SCOPE): the
unread count in the header and the thread list. Every change to a thread or a message goes
through a save (the read marks' bulk updates bump in inbox.services), and a plugin's new name
is the title of its threads."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import versions
from inbox.models import Message, Thread

INBOX_SCOPE = "inbox"


# Every page's header reads the unread count: read with the user's row (core/versions.py).
versions.add_to_group("user", lambda user_id: [(INBOX_SCOPE, user_id, "unread")])


def inbox_changed(owner_ids) -> None:
    """These users' unread counts and thread lists are to be read afresh."""
    versions.bump(INBOX_SCOPE, owner_ids)


@receiver(post_save, sender=Thread, dispatch_uid="inbox.thread_saved")
@receiver(post_delete, sender=Thread, dispatch_uid="inbox.thread_deleted")
def thread_changed(sender, instance: Thread, **kwargs) -> None:
    inbox_changed([instance.owner_id])


@receiver(post_save, sender=Message, dispatch_uid="inbox.message_saved")
def message_saved(sender, instance: Message, **kwargs) -> None:
    # The services save the thread along with each message; a message saved on its own (a
    # fixture, the admin) still counts.
    if Message.thread.is_cached(instance):
        owner_id = instance.thread.owner_id
    else:
        owner_id = Thread.objects.filter(pk=instance.thread_id).values_list("owner_id").first()
        owner_id = owner_id and owner_id[0]
    if owner_id:
        inbox_changed([owner_id])


@receiver(post_save, sender="pluginstore.Plugin", dispatch_uid="inbox.plugin_renamed")
def plugin_saved(sender, instance, update_fields=None, **kwargs) -> None:
    """A plugin thread's title is the plugin's name (or its domain)."""
    if update_fields is not None and not {"name", "domain"} & set(update_fields):
        return
    if kwargs.get("created"):
        return
    owners = Thread.objects.filter(plugin_id=instance.pk).values_list("owner_id", flat=True)
    inbox_changed(set(owners))
