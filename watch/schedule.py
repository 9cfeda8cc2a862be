"""When each approved plugin is checked: one slot a day, spread by its id."""

import datetime

MINUTES_PER_DAY = 24 * 60
DAY = datetime.timedelta(days=1)


def slot_minute(plugin_id: int) -> int:
    """The plugin's minute of the day (UTC): consecutive ids fall on consecutive minutes, so
    10,000 plugins are about 7 a minute, all day."""
    return plugin_id % MINUTES_PER_DAY


def slot_on(day: datetime.date, minute: int) -> datetime.datetime:
    midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    return midnight + datetime.timedelta(minutes=minute)


def first_due(minute: int, now: datetime.datetime) -> datetime.datetime:
    """A new watch's first slot: today's if it is still ahead (or now), else tomorrow's."""
    slot = slot_on(now.astimezone(datetime.UTC).date(), minute)
    return slot if slot >= now else slot + DAY


def next_due(served: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    """The slot after the one just served: the next day's, or, when the check ran over a day
    late (workers down), the first one after now. Never a past slot: a late check is that
    day's check, not a backlog to work through."""
    due = served + DAY
    while due <= now:
        due += DAY
    return due
