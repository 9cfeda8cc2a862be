"""`python manage.py seed_demo`: the demo accounts (and the demo catalogue, once it exists).

Safe to run any number of times: every record is found and brought back to its demo state,
never duplicated. `make run` runs it before starting the site.
"""

import importlib
import importlib.util

from django.core.management.base import BaseCommand

from accounts.demo import seed_accounts, sign_ins_table


class Command(BaseCommand):
    help = "Create or reset the demo accounts and catalogue, then print the demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-catalogue",
            action="store_true",
            help="Seed only the accounts, not the demo plugins.",
        )

    def handle(self, *args, **options):
        users = seed_accounts()
        self.stdout.write(self.style.SUCCESS(f"Demo accounts ready ({len(users)})."))

        if not options["no_catalogue"]:
            seed_catalogue = _catalogue_seeder()
            if seed_catalogue is not None:
                result = seed_catalogue(users)
                self.stdout.write(self.style.SUCCESS("Demo catalogue ready."))
                if isinstance(result, str) and result:
                    self.stdout.write(result)

        self.stdout.write("\nDemo sign-ins (local demo data only):\n" + sign_ins_table())


def _catalogue_seeder():
    """pluginstore.demo.seed_catalogue(users) if that module exists yet, else None."""
    if importlib.util.find_spec("pluginstore.demo") is None:
        return None
    module = importlib.import_module("pluginstore.demo")
    return getattr(module, "seed_catalogue", None)
