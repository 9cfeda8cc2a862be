"""The layout's promises that no linter checks: one definition of each rule and limit, and
modules small enough to read (issue 10, README "How the code is laid out").

Each name below once existed twice or more (two plugin_ban, two root_domain, a reply limit of
4000 in reviews and 5000 in inbox...); copying one back makes these tests fail.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from tests.core.test_layers import FLOORS, PACKAGES

ROOT = Path(settings.BASE_DIR)
APPS = tuple(PACKAGES)
MAX_MODULE_LINES = 450

# name -> the one module that defines it
DEFINED_ONCE = {
    # moderation
    "plugin_ban": "reviews/moderation.py",
    "plugin_reinstate": "reviews/moderation.py",
    "plugin_keep_ban": "reviews/moderation.py",
    "ban_appeals": "reviews/moderation.py",
    "can_ban": "pluginstore/permissions.py",
    "is_reviewer": "accounts/permissions.py",
    "APPEAL_HINT": "reviews/permissions.py",
    # can this plugin be submitted?
    "submission_blocker": "reviews/permissions.py",
    # hosts and URLs
    "is_local_host": "core/hosts.py",
    "local_development": "core/hosts.py",
    "root_domain": "core/hosts.py",
    "on_domain": "core/hosts.py",
    "canonical_host": "core/hosts.py",
    "parse_target": "core/hosts.py",
    # limits
    "REPLY_MAX_LENGTH": "inbox/services.py",
    "NOTE_MAX_LENGTH": "reviews/models.py",
    "MANIFEST_MAX_BYTES": "core/fetch/limits.py",
    "SPEC_MAX_BYTES": "core/fetch/limits.py",
    "FETCH_DEADLINE_SECONDS": "core/fetch/limits.py",
    "MAX_REDIRECTS": "core/fetch/limits.py",
    "MAX_TARGET_LENGTH": "core/hosts.py",
    "UNVERIFIED_DEVELOPER_LIMIT": "config/settings/base.py",
    # statuses and the store's cache
    "PluginStatus": "pluginstore/choices.py",
    "SubmissionState": "reviews/choices.py",
    "AccountType": "accounts/choices.py",
    "NotificationKind": "inbox/kinds.py",
    "store_listing_changed": "pluginstore/store_cache.py",
}


def _sources() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def _definitions(path: Path) -> set[str]:
    """Names a module defines at its top level or in a class: functions, classes, constants."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


@pytest.fixture(scope="module")
def definitions() -> dict[str, set[str]]:
    return {str(path.relative_to(ROOT)): _definitions(path) for path in _sources()}


@pytest.mark.parametrize(("name", "home"), sorted(DEFINED_ONCE.items()))
def test_each_rule_and_limit_is_defined_in_one_place(definitions, name, home):
    where = sorted(module for module, names in definitions.items() if name in names)
    assert where == [home]


def test_the_scan_sees_a_second_definition():
    """The check above can fail: a module that defines a name twice over is seen twice."""
    twice = ast.parse("def plugin_ban(): ...\nclass Admin:\n    def plugin_ban(self): ...\n")
    found = [n.name for n in ast.walk(twice) if isinstance(n, ast.FunctionDef)]
    assert found == ["plugin_ban", "plugin_ban"]


def test_only_the_host_module_says_which_hosts_are_local():
    """One "is this localhost?" test: the dev-host spelling lives in core/hosts.py alone
    (settings' ALLOWED_HOSTS and the address policy's RFC 6761 rule are not that test)."""
    spelled = []
    for path in _sources():
        relative = str(path.relative_to(ROOT))
        if relative.startswith(("config/settings/", "core/fetch/")):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value == "localhost":
                spelled.append(relative)
    assert spelled == ["core/hosts.py"]


def test_no_module_is_over_the_size_the_readme_promises():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in [*_sources(), *(ROOT / "bench").glob("*.py"), *(ROOT / "scripts").glob("*.py")]
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_lower_floors_never_name_a_higher_floor_in_a_string():
    """Cross-app reach the linter cannot see: a dotted path in a string (a task name, a URL
    include) from a lower floor to a higher one."""

    def names_a_module_of(value: object, apps: set[str]) -> bool:
        """ "reviews.tasks.x" names a module of reviews; "api.url" names none of api."""
        app, _, rest = str(value).partition(".")
        module = rest.split(".")[0]
        return (
            app in apps
            and bool(module)
            and ((ROOT / app / f"{module}.py").exists() or (ROOT / app / module).is_dir())
        )

    reach = []
    for depth, floor in enumerate(FLOORS):
        above = {app for upper in FLOORS[:depth] for app in upper.split(" | ")} - {"config"}
        for app in floor.split(" | "):
            for path in (ROOT / app).rglob("*.py"):
                if "migrations" in path.parts:
                    continue
                for node in ast.walk(ast.parse(path.read_text())):
                    if isinstance(node, ast.Constant) and names_a_module_of(node.value, above):
                        reach.append((str(path.relative_to(ROOT)), node.value))
    assert reach == []
