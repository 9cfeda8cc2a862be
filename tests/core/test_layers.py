"""The floors and the no-cycle rule in pyproject.toml, and that lint-imports (run by `make lint`)
really fails on an upward import or a cycle inside an app.

The planted imports go into a copy of the code, so the tree under test is never touched.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Top to bottom; "a | b" is one floor of two apps that must not import each other.
FLOORS = [
    "config",
    "demo",
    "api",
    "reviews",
    "reports | ratings | watch",
    "pluginstore",
    "domains",
    "accounts",
    "inbox",
    "core",
]
PACKAGES = [app for floor in FLOORS for app in floor.split(" | ")]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _importlinter() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]


def _contract(kind: str) -> dict:
    (contract,) = [c for c in _importlinter()["contracts"] if c["type"] == kind]
    return contract


def test_the_floors_are_the_decided_ones_top_to_bottom():
    assert _contract("layers")["layers"] == FLOORS
    assert "ignore_imports" not in _contract("layers")


def test_every_project_app_has_a_floor_and_is_checked_for_cycles():
    project_apps = {c.name for c in apps.get_app_configs() if Path(c.path).parent == ROOT}
    assert project_apps | {"config"} == set(PACKAGES)
    assert set(_importlinter()["root_packages"]) == set(PACKAGES)
    assert set(_contract("acyclic_siblings")["ancestors"]) == set(PACKAGES)
    assert "ignore_imports" not in _contract("acyclic_siblings")


def _copy_of_the_code(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint_imports(code: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", "pyproject.toml"],
        cwd=code,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _plant(code: Path, module: str, line: str) -> None:
    path = code / module
    path.write_text(f"{line}\n{path.read_text()}")


@pytest.mark.parametrize(
    ("module", "planted", "reported"),
    [
        ("pluginstore/models.py", "import reviews", "pluginstore.models -> reviews (l.1)"),
        ("inbox/models.py", "import accounts.models", "inbox.models -> accounts.models (l.1)"),
        ("core/models.py", "import demo", "core.models -> demo (l.1)"),
    ],
)
def test_an_import_from_a_higher_floor_fails(tmp_path, module, planted, reported):
    code = _copy_of_the_code(tmp_path)
    before = _lint_imports(code)
    assert reported not in before.stdout

    _plant(code, module, planted)
    after = _lint_imports(code)

    assert after.returncode != 0
    assert reported in after.stdout


def test_a_cycle_between_modules_of_one_app_fails(tmp_path):
    code = _copy_of_the_code(tmp_path)
    before = _lint_imports(code)
    assert "No cycles are allowed in pluginstore." not in before.stdout

    # pluginstore.models imports the rules; a rule importing the models closes the loop.
    _plant(code, "pluginstore/permissions.py", "import pluginstore.models")
    after = _lint_imports(code)

    assert after.returncode != 0
    assert "No cycles are allowed in pluginstore." in after.stdout


def test_a_cycle_dodged_inside_a_function_still_fails(tmp_path):
    code = _copy_of_the_code(tmp_path)
    path = code / "reviews" / "permissions.py"
    path.write_text(
        path.read_text() + "\n\ndef _late():\n    from reviews.models import Submission\n\n"
        "    return Submission\n"
    )

    result = _lint_imports(code)

    assert result.returncode != 0
    assert "No cycles are allowed in reviews." in result.stdout
