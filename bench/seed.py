"""Seed the benchmark database `pluginstore_bench` with approved plugins.

    python bench/seed.py --plugins 10000     # create/migrate the database, top up to 10,000
    python bench/seed.py --plugins 100000    # top up the same database to 100,000 (search)
    python bench/seed.py --reset ...         # drop pluginstore_bench first (only that database)

Rows look like what pluginstore.services makes for an approved plugin: status approved, a
PluginVersion as live_version and latest_version, name/description/logo_url copied from the
manifest, install_count skewed, approved_at spread over three years, and search_vector built
with the same expression as services._update_search_vector (checked against it at the end).
Only the database named pluginstore_bench is ever created, migrated, written or dropped.
"""

import argparse
import hashlib
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from vocabulary import (  # noqa: E402
    ADJECTIVES,
    CATEGORIES,
    DEV_NAMES,
    FILLER,
    NOUNS,
    TOPICS,
    VERBS,
)

DB_NAME = "pluginstore_bench"
PG = "postgres://postgres@127.0.0.1:5432"
BENCH_REDIS_URL = "redis://127.0.0.1:6379/8"


def bench_environ() -> dict[str, str]:
    """The environment production settings need; shared with run.py."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DJANGO_LOG_LEVEL": "WARNING",
        # The cache on Redis as in production (every worker shares it), in a database of its
        # own (others' tests use /0, bench/latency.py /7); run.py empties it after seeding.
        "REDIS_URL": BENCH_REDIS_URL,
    }


# Vocabulary: topic words with rough frequencies, so broad terms match many rows.
DEV_COUNT = 200
USER_COUNT = 20


def _topic_picker(rng: random.Random):
    words = [w for w, _ in TOPICS]
    weights = [w for _, w in TOPICS]
    return lambda k: rng.choices(words, weights=weights, k=k)


def plugin_row(i: int, rng: random.Random, pick) -> dict:
    topics = list(dict.fromkeys(pick(3)))
    main = topics[0].replace("-", " ").title()
    name = f"{rng.choice(ADJECTIVES)} {main} {rng.choice(NOUNS)} {i}"
    parts = [f"{rng.choice(VERBS)} {topics[0].replace('-', ' ')}"]
    for t in topics[1:]:
        parts.append(f"{rng.choice(VERBS).lower()} {t.replace('-', ' ')}")
    description = (
        ", ".join(parts) + f" {rng.choice(FILLER)}. "
        f"{rng.choice(VERBS)} {rng.choice(topics)} {rng.choice(FILLER)}."
    )[:500]
    slug = f"bench-{i}"
    domain = f"{slug}.example.com"
    return {
        "name": name[:200],
        "description": description,
        "slug": slug,
        "domain": domain,
        "topics": topics,
    }


def manifest_for(row: dict) -> dict:
    domain = row["domain"]
    return {
        "schema_version": "v1",
        "name_for_human": row["name"][:20],
        "name_for_model": row["slug"].replace("-", "_"),
        "description_for_human": row["description"],
        "description_for_model": (
            f"Use this tool when the user asks about {', '.join(row['topics'])}. "
            "Call the search operation first, then the detail operation for one result."
        ),
        "auth": {"type": "none"},
        "api": {"type": "openapi", "url": f"https://{domain}/openapi.yaml"},
        "logo_url": f"https://{domain}/logo.png",
        "contact_email": f"support@{domain}",
        "legal_info_url": f"https://{domain}/legal",
    }


def spec_for(row: dict) -> dict:
    paths = {}
    for t in row["topics"]:
        key = t.replace("-", "_")
        paths[f"/{key}"] = {
            "get": {
                "operationId": f"search_{key}",
                "summary": f"Search {t}.",
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": {"200": {"description": "Results."}},
            }
        }
    return {
        "openapi": "3.0.1",
        "info": {"title": row["name"], "version": "1.0.0"},
        "servers": [{"url": f"https://{row['domain']}"}],
        "paths": paths,
    }


def ensure_database(reset: bool) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and reset:
            print(f"dropping {DB_NAME}")
            conn.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            print(f"creating {DB_NAME}")
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def seed_users(now: datetime) -> tuple[list[int], list[int]]:
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    password = make_password("bench-password-1")
    devs = []
    for d in range(DEV_COUNT):
        email = f"dev{d}@bench.example.com"
        u = User.objects.filter(email=email).first()
        if u is None:
            u = User.objects.create(
                email=email,
                display_name=f"{DEV_NAMES[d % len(DEV_NAMES)]} {d}",
                account_type="developer",
                password=password,
            )
        devs.append(u.pk)
    users = []
    for n in range(USER_COUNT):
        email = f"user{n}@bench.example.com"
        u = User.objects.filter(email=email).first()
        if u is None:
            u = User.objects.create(
                email=email, display_name=f"Bench User {n}", account_type="plus", password=password
            )
        users.append(u.pk)
    return devs, users


def seed_plugins(target: int, devs: list[int], now: datetime) -> int:
    from django.conf import settings
    from django.db import connection

    from pluginstore.models import Plugin

    have = Plugin.objects.filter(slug__startswith="bench-").count()
    if have >= target:
        print(f"{have} bench plugins already (target {target})")
        return 0
    rng = random.Random(have * 7919 + 1)
    pick = _topic_picker(rng)
    t0 = time.monotonic()
    plugin_cols = (
        "created_at, updated_at, owner_id, slug, domain, manifest_url, category, status, "
        "name, description, logo_url, install_count, approved_at, listed, rating_count, "
        "rating_sum, rating_score"
    )
    version_rows = []
    with connection.cursor() as cur:
        with cur.copy(f"COPY pluginstore_plugin ({plugin_cols}) FROM STDIN") as cp:
            for i in range(have, target):
                row = plugin_row(i, rng, pick)
                manifest = manifest_for(row)
                approved = now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
                created = approved - timedelta(days=rng.randint(1, 30))
                installs = int(rng.paretovariate(1.2)) - 1
                # Ratings on the cards: a third of the plugins rated, the score as the ratings
                # app damps it (recomputed below with its own function).
                ratings = int(rng.paretovariate(1.5)) - 1 if rng.random() < 0.33 else 0
                stars = sum(rng.randint(1, 5) for _ in range(min(ratings, 50)))
                stars = stars * ratings // max(min(ratings, 50), 1)
                cp.write_row(
                    (
                        created,
                        approved,
                        devs[i % len(devs)],
                        row["slug"],
                        row["domain"],
                        f"https://{row['domain']}/.well-known/ai-plugin.json",
                        rng.choice(CATEGORIES),
                        "approved",
                        row["name"],
                        row["description"],
                        manifest["logo_url"],
                        min(installs, 2_000_000),
                        approved,
                        True,
                        ratings,
                        max(min(stars, 5 * ratings), ratings),
                        0.0,
                    )
                )
                version_rows.append((row, manifest, created))
        ids = dict(
            Plugin.objects.filter(slug__startswith="bench-", live_version__isnull=True).values_list(
                "slug", "id"
            )
        )
        version_cols = (
            "plugin_id, number, manifest_url, spec_url, manifest_text, spec_text, manifest, spec, "
            "content_hash, findings, error_count, warning_count, fetched_at"
        )
        with cur.copy(f"COPY pluginstore_pluginversion ({version_cols}) FROM STDIN") as cp:
            for row, manifest, created in version_rows:
                manifest_text = json.dumps(manifest, indent=2)
                spec = spec_for(row)
                spec_text = json.dumps(spec, indent=2)
                cp.write_row(
                    (
                        ids[row["slug"]],
                        1,
                        f"https://{row['domain']}/.well-known/ai-plugin.json",
                        f"https://{row['domain']}/openapi.yaml",
                        manifest_text,
                        spec_text,
                        json.dumps(manifest),
                        json.dumps(spec),
                        hashlib.sha256((manifest_text + spec_text).encode()).hexdigest(),
                        "[]",
                        0,
                        0,
                        created,
                    )
                )
        cur.execute(
            """
            UPDATE pluginstore_plugin p
               SET live_version_id = v.id, latest_version_id = v.id
              FROM pluginstore_pluginversion v
             WHERE v.plugin_id = p.id AND v.number = 1 AND p.live_version_id IS NULL
               AND p.slug LIKE 'bench-%%'
            """
        )
        # The rating score as catalogue.rating_score computes it (checked below).
        cur.execute(
            """
            UPDATE pluginstore_plugin
               SET rating_score = (%(w)s * %(m)s + rating_sum)::float / (%(w)s + rating_count)
             WHERE rating_count > 0 AND rating_score = 0 AND slug LIKE 'bench-%%'
            """,
            {"w": settings.RATING_PRIOR_WEIGHT, "m": settings.RATING_PRIOR_MEAN},
        )
        # The same document as services._update_search_vector, for every new row at once:
        # name (english, A), description (english, B), domain (simple, B), developer (simple, C).
        cur.execute(
            """
            UPDATE pluginstore_plugin p
               SET search_vector =
                     setweight(to_tsvector('english'::regconfig, COALESCE(p.name, '')), 'A')
                  || setweight(to_tsvector('english'::regconfig, COALESCE(p.description, '')), 'B')
                  || setweight(to_tsvector('simple'::regconfig, COALESCE(p.domain, '')), 'B')
                  || setweight(to_tsvector('simple'::regconfig, COALESCE(u.display_name, '')), 'C')
              FROM accounts_user u
             WHERE u.id = p.owner_id AND p.search_vector IS NULL AND p.slug LIKE 'bench-%%'
            """
        )
    print(f"added {target - have} plugins in {time.monotonic() - t0:.1f}s")
    return target - have


def seed_installs(users: list[int], now: datetime) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        # Each bench user installs 40 of the most popular plugins (idempotent).
        cur.execute(
            """
            INSERT INTO pluginstore_installation (user_id, plugin_id, created_at, removed_reason)
            SELECT u.id, p.id, %s, ''
              FROM accounts_user u
              CROSS JOIN LATERAL (
                SELECT id FROM pluginstore_plugin
                 WHERE status = 'approved'
                 ORDER BY install_count DESC, id LIMIT 40 OFFSET (u.id %% 20)
              ) p
             WHERE u.id = ANY(%s)
            ON CONFLICT DO NOTHING
            """,
            [now, users],
        )


def check_search_vector(sample: int = 25) -> None:
    """The seeded vector equals what services._update_search_vector writes for the same row."""
    from django.db import connection

    from pluginstore.models import Plugin
    from pluginstore.services import catalogue

    ids = list(
        Plugin.objects.filter(slug__startswith="bench-")
        .order_by("?")
        .values_list("pk", flat=True)[:sample]
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, search_vector::text FROM pluginstore_plugin WHERE id = ANY(%s)", [ids]
        )
        before = dict(cur.fetchall())
        for pk in ids:
            catalogue._update_search_vector(pk)
        cur.execute(
            "SELECT id, search_vector::text FROM pluginstore_plugin WHERE id = ANY(%s)", [ids]
        )
        after = dict(cur.fetchall())
    bad = [pk for pk in ids if before[pk] != after[pk]]
    if bad:
        raise SystemExit(f"search_vector differs from services._update_search_vector for {bad}")
    print(f"search_vector matches services._update_search_vector on {len(ids)} sampled rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plugins", type=int, default=10_000)
    parser.add_argument("--reset", action="store_true", help=f"drop {DB_NAME} first")
    args = parser.parse_args()

    for key, value in bench_environ().items():
        os.environ[key] = value
    ensure_database(args.reset)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction

    assert settings.DATABASES["default"]["NAME"] == DB_NAME, settings.DATABASES["default"]["NAME"]
    call_command("migrate", verbosity=0, interactive=False)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with transaction.atomic():
        devs, users = seed_users(now)
        added = seed_plugins(args.plugins, devs, now)
        seed_installs(users, now)
    if added:
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE pluginstore_plugin")
            cur.execute("VACUUM ANALYZE pluginstore_pluginversion")
            cur.execute("VACUUM ANALYZE pluginstore_installation")
    check_search_vector()
    from pluginstore.models import Plugin
    from pluginstore.services.catalogue import rating_score

    for p in Plugin.objects.filter(slug__startswith="bench-", rating_count__gt=0)[:25]:
        if abs(p.rating_score - rating_score(p.rating_count, p.rating_sum)) > 1e-9:
            raise SystemExit(f"rating_score differs from catalogue.rating_score for {p.pk}")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FILTER (WHERE status = 'approved' AND live_version_id IS NOT NULL), "
            "count(*) FILTER (WHERE search_vector IS NULL) FROM pluginstore_plugin"
        )
        approved, no_vector = cur.fetchone()
    print(f"{DB_NAME}: {approved} approved live plugins, {no_vector} without a search vector")


if __name__ == "__main__":
    main()
