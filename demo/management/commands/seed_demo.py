"""`python manage.py seed_demo`: the demo accounts and the demo catalogue.

Safe to run any number of times: every record is found and brought back to its demo state,
never duplicated. `make run` runs it before starting the site.
"""

from django.core.management.base import BaseCommand

from demo.accounts import seed_accounts, sign_ins_table
from demo.catalogue import seed_catalogue


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
            seed_catalogue(users)
            self.stdout.write(self.style.SUCCESS("Demo catalogue ready."))

        self.stdout.write("\nDemo sign-ins (local demo data only):\n" + sign_ins_table())
