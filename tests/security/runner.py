"""Request a matrix row as one role, each request in a savepoint so POSTs leave no trace."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from tests.security.matrix import Row
from tests.security.world import World


def url_for(world: World, row: Row) -> str:
    kwargs = {}
    for arg, ref in row.args.items():
        if ref.startswith("="):
            kwargs[arg] = ref[1:]
            continue
        name, _, attribute = ref.partition(".")
        obj = world.objects[name]
        kwargs[arg] = getattr(obj, attribute) if attribute else obj.pk
    url = reverse(row.name, kwargs=kwargs)
    return f"{url}?{row.query}" if row.query else url


def data_for(world: World, row: Row) -> dict:
    """The row's POST data, with "@name" values replaced by that object's pk."""
    return {
        key: world.objects[value[1:]].pk if str(value).startswith("@") else value
        for key, value in row.data.items()
    }


def status_token(response) -> str:
    """The response's status in the matrix's vocabulary."""
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return "LOG"
        if location.startswith("/admin/login/"):
            return "ADM"
        return "302"
    return str(response.status_code)


@dataclass
class Outcome:
    row: Row
    method: str
    url: str
    response: object

    @property
    def token(self) -> str:
        return status_token(self.response)

    @property
    def error(self) -> str:
        """The exception a 500 came from, to say in the failure."""
        exc_info = getattr(self.response, "exc_info", None)
        return repr(exc_info[1]) if exc_info else ""

    @property
    def body(self) -> str:
        if getattr(self.response, "streaming", False):
            return ""
        return self.response.content.decode(errors="replace")


def request(client, method: str, url: str, data: dict):
    """One request whose database writes are rolled back afterwards (the cache cleared)."""
    savepoint = transaction.savepoint()
    try:
        if method == "GET":
            return client.get(url)
        return client.post(url, data)
    finally:
        transaction.savepoint_rollback(savepoint)
        cache.clear()


def run(world: World, role: str, rows: list[Row], methods=("GET", "POST")) -> list[Outcome]:
    client = world.clients[role]
    outcomes = []
    for row in rows:
        try:
            url = url_for(world, row)
        except NoReverseMatch:
            continue  # a row for a URL that is gone: test_every_url_pattern_has_a_row says so
        for method in methods:
            response = request(client, method, url, data_for(world, row))
            outcomes.append(Outcome(row, method, url, response))
    return outcomes
