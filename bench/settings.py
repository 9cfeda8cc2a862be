"""Benchmark settings: production settings, plus a ceiling view and a temporary STATIC_ROOT.

Everything else (middleware, CSP, whitenoise, CONN_MAX_AGE, DEBUG=False) is production's own.
bench/run.py and bench/seed.py set the environment production needs before importing this.
"""

import os

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.benchurls"
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
