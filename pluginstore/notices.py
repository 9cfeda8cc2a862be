"""The notification kinds of a plugin's team and life (PRODUCT.md section 13), each told once
per event: every notice is keyed by its audit row (pluginstore.models.PluginEvent), so the
same change never tells the same person twice.

Who hears what (pluginstore.services.team and .lifecycle choose the recipients):
- an invitation to join or to take over: the developer with that email, in Account notices;
- its cancellation: that developer; a decline: the owner;
- a new co-developer: the owner and the other co-developers, in their plugin thread;
- a co-developer removed: the one removed (Account notices); one who left: the owner;
- a transfer done: the old owner and the co-developers, in their plugin thread;
- unlisted, listed again: the co-developers (the owner did it); deleted: the co-developers.

`owner_only` keeps these out of inbox's copy to co-developers of what goes to the owner's
plugin thread: they choose their recipients themselves.
"""

from typing import ClassVar

from inbox.notices import Notice, ThreadKind, typed


@typed
class TeamNotice(Notice):
    """The fields every team and lifecycle notice carries."""

    owner_only: ClassVar[bool] = True
    key = "plugin-event:{event_id}"

    event_id: int
    plugin_id: int
    plugin_name: str
    actor_name: str
    # The developer the change is about (the invitee, the one removed, the new owner).
    subject_email: str
    invitation_id: int | None = None


@typed
class CoDeveloperInvited(TeamNotice):
    kind = "co_developer_invited"
    label = "Invited as a co-developer"
    thread = ThreadKind.ACCOUNT
    template = "inbox/messages/co_developer_invited.txt"


@typed
class TransferOffered(TeamNotice):
    kind = "transfer_offered"
    label = "Offered a plugin"
    thread = ThreadKind.ACCOUNT
    template = "inbox/messages/transfer_offered.txt"


@typed
class InvitationCancelled(TeamNotice):
    kind = "team_invitation_cancelled"
    label = "Invitation cancelled"
    thread = ThreadKind.ACCOUNT
    template = "inbox/messages/team_invitation_cancelled.txt"


@typed
class InvitationDeclined(TeamNotice):
    kind = "team_invitation_declined"
    label = "Invitation declined"
    thread = ThreadKind.PLUGIN
    template = "inbox/messages/team_invitation_declined.txt"

    transfer: bool


@typed
class CoDeveloperJoined(TeamNotice):
    kind = "co_developer_joined"
    label = "New co-developer"
    thread = ThreadKind.PLUGIN
    template = "inbox/messages/co_developer_joined.txt"


@typed
class CoDeveloperRemoved(TeamNotice):
    kind = "co_developer_removed"
    label = "Removed as co-developer"
    thread = ThreadKind.ACCOUNT
    template = "inbox/messages/co_developer_removed.txt"


@typed
class CoDeveloperLeft(TeamNotice):
    kind = "co_developer_left"
    label = "A co-developer left"
    thread = ThreadKind.PLUGIN
    template = "inbox/messages/co_developer_left.txt"


@typed
class OwnershipTransferred(TeamNotice):
    kind = "ownership_transferred"
    label = "Ownership transferred"
    thread = ThreadKind.PLUGIN
    template = "inbox/messages/ownership_transferred.txt"

    previous_owner_email: str


@typed
class PluginUnlisted(TeamNotice):
    kind = "plugin_unlisted"
    label = "Unlisted"
    thread = ThreadKind.PLUGIN
    template = "inbox/messages/plugin_unlisted.txt"


@typed
class PluginRelisted(TeamNotice):
    kind = "plugin_relisted"
    label = "Listed again"
    thread = ThreadKind.PLUGIN
    template = "inbox/messages/plugin_relisted.txt"


@typed
class PluginDeleted(TeamNotice):
    kind = "plugin_deleted"
    label = "Plugin deleted"
    thread = ThreadKind.ACCOUNT
    template = "inbox/messages/plugin_deleted.txt"
