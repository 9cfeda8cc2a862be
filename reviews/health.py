"""Queue health (PRODUCT.md section 7): how the review queue did over the last 90 days.

Everything is aggregated in the database in a fixed number of queries, whatever the
size of the history (eight on PostgreSQL):

- **Queue size** and **overdue count** per day are rebuilt from the audit
  (SubmissionEvent): an event that moves a submission to the reviewers (filed, or answered
  after a request for changes) counts +1, one that moves it away (decided, withdrawn,
  changes requested) counts -1; a day's value is the sum of every move before the day ended.
  A submission is overdue from max(its arrival, its due date) until it leaves, so the same
  moves, each counted at max(its time, the due date), give the overdue count: a submission
  that left before it was due adds and removes itself at the same instant.
- **Days to decision** (median and p90) per week and over the whole window: PostgreSQL's
  percentile_cont. SQLite has no percentile aggregate; there the durations of the window's
  decisions are read and the percentiles taken in Python (development only).
- **Decisions per reviewer**: grouped counts, divided by the window's days.
"""

import datetime
import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest, TruncDate, TruncWeek
from django.utils import timezone

from accounts.models import User
from reviews.models import QUEUE_STATES, Submission, SubmissionEvent, SubmissionState

WINDOW_DAYS = 90
DECIDED = (SubmissionState.APPROVED, SubmissionState.REJECTED)
# Who decided when no person did: a request for changes whose deadline passed.
SYSTEM_NAME = "Automatic (deadline passed)"


@dataclass(frozen=True)
class DayCount:
    day: datetime.date
    count: int


@dataclass(frozen=True)
class WeekTimes:
    week: datetime.date  # its Monday
    decisions: int
    median_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class ReviewerRate:
    name: str
    email: str
    decisions: int
    per_day: float


@dataclass(frozen=True)
class QueueHealth:
    first_day: datetime.date
    last_day: datetime.date
    days: int
    queue_now: int
    overdue_now: int
    decisions: int
    median_days: float | None
    p90_days: float | None
    queue_size: list[DayCount]
    overdue: list[DayCount]
    decision_times: list[WeekTimes]
    reviewers: list[ReviewerRate]


class _Percentile(Aggregate):
    """PostgreSQL's percentile_cont over a duration; `fraction` is one of our constants."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _moves():
    """The audit rows that move a submission to or away from the reviewers, with their sign."""
    arrives = Q(to_state__in=QUEUE_STATES) & ~Q(from_state__in=QUEUE_STATES)
    leaves = Q(from_state__in=QUEUE_STATES) & ~Q(to_state__in=QUEUE_STATES)
    return (
        SubmissionEvent.objects.filter(arrives | leaves)
        .annotate(
            delta=Case(
                When(arrives, then=Value(1)), default=Value(-1), output_field=IntegerField()
            ),
            overdue_at=Greatest("created_at", "submission__due_at"),
        )
        .order_by()
    )


def _daily(baseline: int, deltas: dict, days: list[datetime.date]) -> list[DayCount]:
    running, counts = baseline, []
    for day in days:
        running += deltas.get(day, 0)
        counts.append(DayCount(day, running))
    return counts


def _day_deltas(moves, field: str, start, now) -> dict:
    rows = (
        moves.filter(**{f"{field}__gte": start, f"{field}__lte": now})
        .annotate(day=TruncDate(field))
        .values("day")
        .annotate(total=Sum("delta"))
    )
    return {row["day"]: row["total"] for row in rows}


def _percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks, as percentile_cont does."""
    if not values:
        return None
    values = sorted(values)
    rank = fraction * (len(values) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return values[low] + (values[high] - values[low]) * (rank - low)


def _days(value: datetime.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 86400


def _monday(week: datetime.datetime | datetime.date) -> datetime.date:
    """TruncWeek's value (a datetime in the current time zone) as the date of its Monday."""
    return timezone.localdate(week) if isinstance(week, datetime.datetime) else week


def _decision_times(decided, weeks: list[datetime.date]):
    """(per-week WeekTimes, overall median, overall p90): two queries on PostgreSQL, one else."""
    wait = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    by_week = decided.annotate(week=TruncWeek("decided_at"), wait=wait)
    if connection.vendor == "postgresql":
        rows = by_week.values("week").annotate(
            n=Count("id"), median=_Percentile("wait", 0.5), p90=_Percentile("wait", 0.9)
        )
        overall = decided.annotate(wait=wait).aggregate(
            median=_Percentile("wait", 0.5), p90=_Percentile("wait", 0.9)
        )
        stats = {
            _monday(row["week"]): (row["n"], _days(row["median"]), _days(row["p90"]))
            for row in rows
        }
        median, p90 = _days(overall["median"]), _days(overall["p90"])
    else:
        waits: dict = {}
        for week, value in by_week.values_list("week", "wait"):
            waits.setdefault(_monday(week), []).append(_days(value))
        stats = {
            week: (len(values), _percentile(values, 0.5), _percentile(values, 0.9))
            for week, values in waits.items()
        }
        every = [value for values in waits.values() for value in values]
        median, p90 = _percentile(every, 0.5), _percentile(every, 0.9)
    times = [WeekTimes(week, *stats.get(week, (0, None, None))) for week in weeks]
    return times, median, p90


def queue_health(*, now: datetime.datetime | None = None, days: int = WINDOW_DAYS) -> QueueHealth:
    """The queue's last `days` days, today included; eight queries whatever the history."""
    now = now or timezone.now()
    last_day = timezone.localdate(now)
    first_day = last_day - datetime.timedelta(days=days - 1)
    day_list = [first_day + datetime.timedelta(days=i) for i in range(days)]
    start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min))
    first_monday = first_day - datetime.timedelta(days=first_day.weekday())
    weeks = [
        first_monday + datetime.timedelta(weeks=i)
        for i in range((last_day - first_monday).days // 7 + 1)
    ]

    moves = _moves()
    before = moves.aggregate(
        queue=Sum("delta", filter=Q(created_at__lt=start)),
        overdue=Sum("delta", filter=Q(overdue_at__lt=start)),
    )
    queue_size = _daily(
        before["queue"] or 0, _day_deltas(moves, "created_at", start, now), day_list
    )
    overdue = _daily(before["overdue"] or 0, _day_deltas(moves, "overdue_at", start, now), day_list)

    current = Submission.objects.aggregate(
        queue=Count("id", filter=Q(state__in=QUEUE_STATES)),
        overdue=Count("id", filter=Q(state__in=QUEUE_STATES, due_at__lt=now)),
    )
    decided = Submission.objects.filter(
        state__in=DECIDED, decided_at__gte=start, decided_at__lte=now
    ).order_by()
    decision_times, median, p90 = _decision_times(decided, weeks)
    counts = list(decided.values("decided_by").annotate(n=Count("id")).order_by("-n", "decided_by"))
    people = User.objects.in_bulk([row["decided_by"] for row in counts if row["decided_by"]])
    reviewers = [
        ReviewerRate(
            name=people[row["decided_by"]].public_name if row["decided_by"] else SYSTEM_NAME,
            email=people[row["decided_by"]].email if row["decided_by"] else "",
            decisions=row["n"],
            per_day=row["n"] / days,
        )
        for row in counts
    ]
    return QueueHealth(
        first_day=first_day,
        last_day=last_day,
        days=days,
        queue_now=current["queue"],
        overdue_now=current["overdue"],
        decisions=sum(rate.decisions for rate in reviewers),
        median_days=median,
        p90_days=p90,
        queue_size=queue_size,
        overdue=overdue,
        decision_times=decision_times,
        reviewers=reviewers,
    )
