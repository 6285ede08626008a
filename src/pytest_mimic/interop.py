"""Living next to other HTTP mocking tools in the same test process."""

from __future__ import annotations

import sys


def let_responses_pass(url: str) -> None:
    """Let calls to ``url`` through ``responses``' default mock.

    ``responses`` replaces ``requests``' transport process-wide; while a test has it active,
    a call to the fake cloud would be refused as an unregistered mock. Its passthrough list
    is cleared whenever an activation ends, so this is renewed for every test. Tests that
    build their own ``responses.RequestsMock()`` must call ``add_passthru`` themselves.

    A test process that has not imported ``responses`` cannot have it active, and pays
    nothing: importing it costs more than a hundred tests' worth of fixture time.
    """
    responses = sys.modules.get("responses")
    if responses is None:
        return
    if url not in responses.mock.passthru_prefixes:
        responses.add_passthru(url)
