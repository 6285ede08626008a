"""The fuzz tests' Hypothesis profiles: ``ci`` (the default) and ``long``.

Registered when ``tests/fuzz/conftest.py`` is imported, which, when ``tests/fuzz`` is on
the command line, happens before Hypothesis reads ``--hypothesis-profile``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: Environment variable choosing the profile of the fuzz tests: ``ci`` or ``long``.
PROFILE_ENV = "PYTEST_MIMIC_FUZZ"
#: Environment variable overriding ``max_examples`` (per route) of the chosen profile.
EXAMPLES_ENV = "PYTEST_MIMIC_FUZZ_EXAMPLES"
PROFILES = ("ci", "long")
#: Examples the ``ci`` profile spends over all routes, so CI time stays put (about a minute
#: on two cores) as services add routes; but never fewer than ``CI_MINIMUM`` per route.
CI_BUDGET = 2000
CI_MINIMUM = 5

_COMMON = {
    "deadline": None,
    "database": None,
    # Examples are HTTP round trips, and some bodies are a megabyte on purpose.
    "suppress_health_check": (HealthCheck.too_slow, HealthCheck.data_too_large),
}

settings.register_profile(
    "ci", max_examples=CI_MINIMUM, derandomize=True, print_blob=False, **_COMMON
)
settings.register_profile("long", max_examples=2000, print_blob=True, **_COMMON)


def fuzz_settings(routes: int) -> settings:
    """The settings of the fuzz tests of ``routes`` routes: ``$PYTEST_MIMIC_FUZZ`` if set,
    else the profile loaded with ``--hypothesis-profile`` if it is one of ours, else ``ci``
    (whose examples per route are ``CI_BUDGET`` shared out)."""
    name = os.environ.get(PROFILE_ENV, "").strip()
    if not name:
        current = settings.get_current_profile_name()
        name = current if current in PROFILES else "ci"
    if name not in PROFILES:
        raise ValueError(f"{PROFILE_ENV} must be one of {', '.join(PROFILES)}, not {name!r}")
    chosen = settings.get_profile(name)
    examples = os.environ.get(EXAMPLES_ENV, "").strip()
    if examples:
        return settings(chosen, max_examples=int(examples))
    if name == "ci":
        return settings(chosen, max_examples=max(CI_MINIMUM, CI_BUDGET // max(routes, 1)))
    return settings(chosen)
