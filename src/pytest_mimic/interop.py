"""Living next to other HTTP mocking tools in the same test process."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_httpserver import HTTPServer
    from werkzeug.wrappers import Request, Response

    from pytest_mimic.cloud import MimicCloud
    from pytest_mimic.services.base import CatalogEntry


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


def journal_httpserver(cloud: MimicCloud, httpserver: HTTPServer, entry: CatalogEntry) -> None:
    """Every request a pytest-httpserver stub serves joins the cloud's journal, as the
    operation ``external.<catalog name>``; undone with the cloud's other test patches.
    """
    serve = httpserver.dispatch
    if getattr(serve, "_mimic_journaled", False):
        return

    def dispatch(request: Request) -> Response:
        response = serve(request)
        cloud.record_external(
            entry,
            request.method,
            request.path,
            request.query_string.decode("latin-1"),
            response.status_code,
            request.get_data(cache=True),
            response.get_data(),
        )
        return response

    dispatch._mimic_journaled = True  # type: ignore[attr-defined]
    cloud.patch_attribute(httpserver, "dispatch", dispatch)
