"""Catalog entries for services hosted elsewhere (a stub of yours, a real endpoint).

The original Mimic let tests register "external APIs" so they appear in the service
catalog; here a test adds them with ``mimic_cloud.add_catalog_service(...)`` (or the
``mimic_stub`` fixture, which puts a pytest-httpserver stub there). Nothing is served under
the prefix: the entries point at absolute URLs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pytest_mimic.services.base import CatalogEntry, RoutedService

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pytest_mimic.services.base import ServiceContext


class ExternalServices(RoutedService):
    """Holds catalog entries with absolute URLs; forgets them on reset."""

    name: ClassVar[str] = "external"
    prefix: ClassVar[str] = "/external"

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        self._entries: list[CatalogEntry] = []

    def add(
        self, type: str, name: str, url: str, *, regions: Sequence[str] | None = None
    ) -> CatalogEntry:
        """Add an entry; ``url`` is absolute and may contain ``{region}`` and ``{tenant}``."""
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"an external service needs an absolute http(s) URL, not {url!r}")
        entry = CatalogEntry(type, name, url, tuple(regions) if regions is not None else None)
        self._entries.append(entry)
        return entry

    def catalog_entries(self) -> Sequence[CatalogEntry]:
        return tuple(self._entries)

    def operation_names(self) -> frozenset[str]:
        """Calls to an entry (a stub's, when its requests are journaled) are named after it."""
        return frozenset(entry.name for entry in self._entries) | {"unknown"}

    def attribute_names(self) -> frozenset[str]:
        return frozenset({"method", "path", "type"})

    def reset(self) -> None:
        self._entries.clear()
