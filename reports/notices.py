"""The notification kinds of user reports and of installs that follow a plugin's life
(PRODUCT.md sections 2, 8 and 11). InboxConfig.ready imports this module, which registers them.

None of them goes in a plugin's thread: the reporter and the installer do not own the plugin,
and reviewers hear of reports in their Account notices like they hear of appeals.
"""

from inbox.notices import Notice, ThreadKind, typed


@typed
class ReportFiled(Notice):
    """A user reported a plugin: to every reviewer, once per report."""

    kind = "report_filed"
    label = "A plugin was reported"
    thread = ThreadKind.ACCOUNT
    key = "report:{report_id}:filed"
    template = "inbox/messages/report_filed.txt"

    report_id: int
    plugin_id: int
    plugin_name: str
    reason: str
    text: str
    open_count: int
    review_path: str


@typed
class ReportDismissed(Notice):
    """A reviewer dismissed the report: to its reporter, once, with the reviewer's note."""

    kind = "report_dismissed"
    label = "Your report was dismissed"
    thread = ThreadKind.ACCOUNT
    key = "report:{report_id}:dismissed"
    template = "inbox/messages/report_dismissed.txt"

    report_id: int
    plugin_id: int
    plugin_name: str
    note: str


@typed
class ReportLedToBan(Notice):
    """The reported plugin was banned: to each reporter whose report was open, once."""

    kind = "report_led_to_ban"
    label = "Your report led to a ban"
    thread = ThreadKind.ACCOUNT
    key = "report:{report_id}:led-to-ban"
    template = "inbox/messages/report_led_to_ban.txt"

    report_id: int
    plugin_id: int
    plugin_name: str


@typed
class InstallRemoved(Notice):
    """A ban ended the user's install: once per ban (keyed by its status change)."""

    kind = "install_removed"
    label = "An installed plugin was removed"
    thread = ThreadKind.ACCOUNT
    key = "plugin:{plugin_id}:install-removed:{status_change_id}"
    template = "inbox/messages/install_removed.txt"

    plugin_id: int
    plugin_name: str
    status_change_id: int
    reason: str


@typed
class PluginBack(Notice):
    """A plugin whose ban removed the user's install is approved again: once per approval."""

    kind = "plugin_back"
    label = "A removed plugin is back"
    thread = ThreadKind.ACCOUNT
    key = "plugin:{plugin_id}:back:{status_change_id}"
    template = "inbox/messages/plugin_back.txt"

    plugin_id: int
    plugin_name: str
    plugin_slug: str
    status_change_id: int
