"""A believable demo catalogue for `make run`, built through the real services. Idempotent."""

import json
import random

from django.db import transaction

from accounts.models import AccountType, User
from domains import services as domain_services
from pluginstore import services
from pluginstore.models import Category, Plugin, PluginStatus
from reviews import moderation

STUDIOS = [
    ("northwind@studios.example", "Northwind Labs"),
    ("kettle@studios.example", "Kettle & Co"),
    ("orbit@studios.example", "Orbit Works"),
    ("fable@studios.example", "Fable Games"),
]

# (domain, name, description, category, operationIds)
CATALOGUE = [
    (
        "skycast.example",
        "SkyCast Weather",
        "Hourly forecasts and rain alerts for any city in Europe.",
        Category.RETRIEVAL,
        ["getForecast", "getRainAlerts"],
    ),
    (
        "pantry.example",
        "Pantry Chef",
        "Recipes from what is already in your fridge, with shopping lists.",
        Category.RETRIEVAL,
        ["searchRecipes", "buildShoppingList"],
    ),
    (
        "railwise.example",
        "RailWise",
        "Train times and delays across Germany, Austria and Switzerland.",
        Category.RETRIEVAL,
        ["searchConnections", "getDelayReport"],
    ),
    (
        "paperstack.example",
        "PaperStack",
        "Search open-access research papers and read their abstracts.",
        Category.RETRIEVAL,
        ["searchPapers", "getPaperAbstract"],
    ),
    (
        "flatfinder.example",
        "Flat Finder",
        "Rental listings in Dutch cities, filtered by budget and size.",
        Category.RETRIEVAL,
        ["searchListings", "getListingDetails"],
    ),
    (
        "lexicon.example",
        "Lexicon",
        "Definitions, synonyms and example sentences in twelve languages.",
        Category.RETRIEVAL,
        ["defineWord", "listSynonyms"],
    ),
    (
        "menuscan.example",
        "Menu Scan",
        "Allergen information for dishes at chain restaurants in the UK.",
        Category.RETRIEVAL,
        ["searchDishes", "getAllergenInfo"],
    ),
    (
        "trailhead.example",
        "Trailhead",
        "Hiking trails near you with length, climb and current conditions.",
        Category.RETRIEVAL,
        ["searchTrails", "getTrailConditions"],
    ),
    (
        "gigguide.example",
        "Gig Guide",
        "Concerts and club nights this week in major US cities.",
        Category.RETRIEVAL,
        ["searchEvents", "getVenueDetails"],
    ),
    (
        "openshelf.example",
        "OpenShelf",
        "Find public-domain books and read them chapter by chapter.",
        Category.RETRIEVAL,
        ["searchBooks", "getChapterText"],
    ),
    (
        "statsbureau.example",
        "Stats Bureau",
        "Official population and economic statistics for EU regions.",
        Category.RETRIEVAL,
        ["searchIndicators", "getIndicatorSeries"],
    ),
    (
        "linkbridge.example",
        "Link Bridge",
        "Pass results between your installed tools, such as maps to calendars.",
        Category.INTEROP,
        ["createHandoff", "getHandoffStatus"],
    ),
    (
        "calendarsync.example",
        "Calendar Sync",
        "Reads events shared by other tools and finds free slots for you.",
        Category.INTEROP,
        ["findFreeSlots", "listSharedEvents"],
    ),
    (
        "notebin.example",
        "NoteBin",
        "Collect notes from other tools into one searchable notebook.",
        Category.INTEROP,
        ["searchNotes", "getNotebookSummary"],
    ),
    (
        "mapmate.example",
        "MapMate",
        "Turns addresses from other tools into routes and travel times.",
        Category.INTEROP,
        ["planRoute", "getTravelTime"],
    ),
    (
        "tablejoin.example",
        "Table Join",
        "Combine tables produced by other tools into one clean dataset.",
        Category.INTEROP,
        ["previewJoin", "describeColumns"],
    ),
    (
        "translink.example",
        "TransLink",
        "Translate the output of any other tool into 30 languages.",
        Category.INTEROP,
        ["translateText", "listSupportedLanguages"],
    ),
    (
        "mathdesk.example",
        "MathDesk",
        "Solves equations step by step and plots the result.",
        Category.COMPUTATION,
        ["solveEquation", "plotFunction"],
    ),
    (
        "unitwise.example",
        "UnitWise",
        "Exact unit and currency conversions with sources for every rate.",
        Category.COMPUTATION,
        ["convertUnits", "convertCurrency"],
    ),
    (
        "taxpal.example",
        "TaxPal",
        "Estimates income tax for employees in Canada, by province.",
        Category.COMPUTATION,
        ["estimateIncomeTax", "listProvinces"],
    ),
    (
        "loanlens.example",
        "Loan Lens",
        "Mortgage and loan schedules, with the total interest you will pay.",
        Category.COMPUTATION,
        ["computeSchedule", "compareLoans"],
    ),
    (
        "carbonmeter.example",
        "Carbon Meter",
        "Estimates the carbon footprint of trips, meals and purchases.",
        Category.COMPUTATION,
        ["estimateTripEmissions", "estimateMealEmissions"],
    ),
    (
        "statcalc.example",
        "StatCalc",
        "Runs t-tests, regressions and confidence intervals on your numbers.",
        Category.COMPUTATION,
        ["runTTest", "fitLinearRegression"],
    ),
    (
        "chesscoach.example",
        "Chess Coach",
        "Analyses chess positions and explains the best move.",
        Category.COMPUTATION,
        ["analysePosition", "explainMove"],
    ),
    (
        "sudokusmith.example",
        "Sudoku Smith",
        "Solves and grades sudoku puzzles, with hints one step at a time.",
        Category.COMPUTATION,
        ["solvePuzzle", "getNextHint"],
    ),
    (
        "dungeontales.example",
        "Dungeon Tales",
        "A text adventure where you and the assistant explore a cursed castle.",
        Category.EXPERIENCES,
        ["startAdventure", "takeTurn"],
    ),
    (
        "riddlebox.example",
        "Riddle Box",
        "A new riddle every day, with hints if you get stuck!",
        Category.EXPERIENCES,
        ["getDailyRiddle", "checkRiddleAnswer"],
    ),
    (
        "stargazer.example",
        "Stargazer",
        "What is in tonight's sky above you, and when to look up.",
        Category.EXPERIENCES,
        ["getTonightsSky", "getNextPassOver"],
    ),
    (
        "poemforge.example",
        "Poem Forge",
        "Write poems together in strict forms, from haiku to sonnet.",
        Category.EXPERIENCES,
        ["listPoemForms", "checkMeter"],
    ),
    (
        "quizquest.example",
        "Quiz Quest",
        "Trivia quizzes on history, science and film, with a leaderboard.",
        Category.EXPERIENCES,
        ["startQuiz", "submitQuizAnswer"],
    ),
    (
        "moodtunes.example",
        "Mood Tunes",
        "Playlists matched to how you feel, from public radio archives.",
        Category.EXPERIENCES,
        ["suggestPlaylist", "describeTrack"],
    ),
    (
        "wordladder.example",
        "Word Ladder",
        "Climb from one word to another, one letter at a time.",
        Category.EXPERIENCES,
        ["startLadder", "checkLadderStep"],
    ),
    (
        "旅のしおり.example",
        "旅のしおり",
        "日本国内の旅行プランを、季節に合わせて提案します。",
        Category.EXPERIENCES,
        ["suggestTripPlan", "listSeasonalEvents"],
    ),
]
UNVERIFIED = [
    (
        "budgetbuddy.example",
        "Budget Buddy",
        "Track spending by category and get a weekly summary.",
        Category.COMPUTATION,
        ["summariseSpending", "listCategories"],
    ),
    (
        "petpal.example",
        "Pet Pal",
        "Care tips for cats and dogs, by breed and age.",
        Category.RETRIEVAL,
        ["getCareTips", "listBreeds"],
    ),
]
BANNED = (
    "freegiftcards.example",
    "Free Gift Cards",
    "Claim free gift cards from top brands every day.",
    Category.EXPERIENCES,
    ["claimGiftCard", "listBrands"],
)


def _documents(
    domain: str, name: str, description: str, operations: list[str]
) -> tuple[bytes, bytes]:
    base = f"https://{domain}"
    manifest = {
        "schema_version": "v1",
        "name_for_human": name,
        "name_for_model": "".join(c if c.isascii() and c.isalnum() else "_" for c in name).strip(
            "_"
        )[:50]
        or "demo_plugin",
        "description_for_human": description,
        "description_for_model": f"{description} Use it when the user asks about this topic.",
        "auth": {"type": "none"},
        "api": {"type": "openapi", "url": f"{base}/openapi.json"},
        "logo_url": f"{base}/logo.png",
        "contact_email": f"support@{domain}",
        "legal_info_url": f"{base}/legal",
    }
    paths = {
        f"/{op}": {
            "get": {
                "operationId": op,
                "summary": f"{op[0].upper()}{op[1:]} for the assistant.",
                "responses": {"200": {"description": "The result."}},
            }
        }
        for op in operations
    }
    spec = {"openapi": "3.0.3", "info": {"title": name, "version": "1.0"}, "paths": paths}
    return json.dumps(manifest, ensure_ascii=False).encode(), json.dumps(spec).encode()


def _studio(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "account_type": AccountType.DEVELOPER}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _register(owner: User, entry) -> Plugin:
    domain, name, description, category, operations = entry
    manifest_url = f"https://{domain}/.well-known/ai-plugin.json"
    # Compared as stored: the canonical spelling (旅のしおり.example is xn--...example).
    existing = Plugin.objects.filter(domain=services.plugin_domain_for(manifest_url)).first()
    if existing:
        return existing
    manifest, spec = _documents(domain, name, description, operations)
    return services.plugin_register_documents(
        owner=owner,
        manifest_url=manifest_url,
        manifest=manifest,
        spec=spec,
        spec_url=f"https://{domain}/openapi.json",
        category=category,
    )


@transaction.atomic
def seed_catalogue(users: dict[str, User]) -> dict[str, int]:
    """Approved plugins in every category, two unverified, one banned, and some installs."""
    reviewer = users["reviewer"]
    developer = users["developer"]
    studios = [_studio(email, name) for email, name in STUDIOS]
    rng = random.Random(7)  # noqa: S311 - the same catalogue every time, not security

    approved = []
    for i, entry in enumerate(CATALOGUE):
        plugin = _register(studios[i % len(studios)], entry)
        if plugin.live_version_id is None and plugin.status == PluginStatus.UNVERIFIED:
            services.plugin_version_make_live(
                plugin_id=plugin.pk,
                version_id=plugin.latest_version_id,
                by=reviewer,
                reason="Demo catalogue",
            )
        # Approved plugins' developers own their domains (PRODUCT.md section 9); the demo's
        # domains are invented, so no proof is looked for.
        domain_services.claim_confirm(
            developer=plugin.owner,
            domain=plugin.domain,
            by=None,
            reason="Demo catalogue",
            notify=False,
        )
        approved.append(plugin)

    unverified = [_register(developer, UNVERIFIED[0]), _register(studios[0], UNVERIFIED[1])]
    if not unverified[1].testers.filter(developer=developer).exists():
        services.tester_invite(plugin_id=unverified[1].pk, by=studios[0], email=developer.email)

    banned = _register(studios[3], BANNED)
    if banned.status != PluginStatus.BANNED:
        services.plugin_version_make_live(
            plugin_id=banned.pk, version_id=banned.latest_version_id, by=reviewer, reason="Demo"
        )
        if "plus" in users:
            services.installation_create(user=users["plus"], plugin_id=banned.pk)
        moderation.plugin_ban(
            plugin_id=banned.pk,
            by=reviewer,
            reason="Misleading: promises free gift cards and collects personal data (C1).",
        )

    # A small community of Plus users so "most installed" means something.
    community = []
    for n in range(24):
        user, created = User.objects.get_or_create(
            email=f"member{n}@community.example", defaults={"account_type": AccountType.PLUS}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        community.append(user)
    for plugin in approved:
        for user in rng.sample(community, rng.randint(0, len(community))):
            services.installation_create(user=user, plugin_id=plugin.pk)
    return {"approved": len(approved), "unverified": len(unverified), "banned": 1}
