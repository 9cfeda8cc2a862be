"""What the watch tells a plugin's owner (PRODUCT.md sections 8 and 10), each once per event.

All go in the plugin's thread. A drift is told once per stored version; an outage's three
notices (unreachable 3 days, unavailable at 7, back) are keyed by the slot of its first failed
check, so the next outage is told again.
"""

import datetime

from inbox.notices import Notice, ThreadKind, typed


@typed
class WatchDrifted(Notice):
    kind = "watch_drifted"
    label = "Live plugin drifted"
    thread = ThreadKind.PLUGIN
    key = "plugin:{plugin_id}:drifted:{version_id}"
    template = "inbox/messages/watch_drifted.txt"

    plugin_id: int
    plugin_name: str
    version_id: int
    version_number: int
    live_version_number: int
    error_count: int
    plugin_path: str


@typed
class WatchUnreachable(Notice):
    kind = "watch_unreachable"
    label = "Live plugin unreachable"
    thread = ThreadKind.PLUGIN
    key = "plugin:{plugin_id}:unreachable:{since:%Y%m%d%H%M}"
    template = "inbox/messages/watch_unreachable.txt"

    plugin_id: int
    plugin_name: str
    since: datetime.datetime
    days: int
    unavailable_after_days: int
    error: str
    plugin_path: str


@typed
class WatchUnavailable(Notice):
    kind = "watch_unavailable"
    label = "Plugin unavailable in the store"
    thread = ThreadKind.PLUGIN
    key = "plugin:{plugin_id}:unavailable:{since:%Y%m%d%H%M}"
    template = "inbox/messages/watch_unavailable.txt"

    plugin_id: int
    plugin_name: str
    since: datetime.datetime
    days: int
    error: str
    plugin_path: str


@typed
class WatchBack(Notice):
    kind = "watch_back"
    label = "Live plugin reachable again"
    thread = ThreadKind.PLUGIN
    key = "plugin:{plugin_id}:back:{since:%Y%m%d%H%M}"
    template = "inbox/messages/watch_back.txt"

    plugin_id: int
    plugin_name: str
    since: datetime.datetime
    was_unavailable: bool
    plugin_path: str
