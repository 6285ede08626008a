"""State documents: what a cloud holds, as data one can write, load, export and load again.

A document is a table of sections, one per service that declares ``seed_fields``
(``{"identity": {...}, "nova": {...}}``), read from a TOML or JSON file or given as a
mapping. The core reads only the outline; each service reads its own section
(``Service.check_seed``), loads it (``load_seed``) and writes it back (``export``), so the
core names no service and a new service joins by declaring its fields.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_mimic.names import listing, suggest
from pytest_mimic.parsing import shown
from pytest_mimic.seeding import Fields, SeedError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pytest_mimic.services.base import Service

__all__ = ["Document", "SeedError", "StatePlan", "check_document", "export", "read_document"]

#: A state document, or the path of a ``.toml`` or ``.json`` file holding one.
Document = Mapping[str, Any] | str | os.PathLike[str]

#: File kinds a document may be read from, by suffix.
_READERS = {".toml": tomllib.loads, ".json": json.loads}


@dataclass(frozen=True)
class StatePlan:
    """A document checked section by section: ``(service name, what its check_seed returned)``.

    Kept by the cloud and loaded after every reset without reading the document again.
    """

    sections: tuple[tuple[str, Any], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.sections)


def read_document(source: Document, *, base: Path | None = None) -> dict[str, Any]:
    """The document ``source`` is, or the one in the file it names (relative paths from
    ``base``, else the working directory). ``SeedError`` for a missing or unreadable file.
    """
    if isinstance(source, Mapping):
        return dict(source)
    if not isinstance(source, str | os.PathLike):
        raise SeedError(
            f"a state document is a mapping or the path of a .toml or .json file, "
            f"not {shown(source)}"
        )
    path = Path(source)
    if base is not None and not path.is_absolute():
        path = base / path
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise SeedError(f"{path}: a state document is a .toml or a .json file")
    try:
        document = reader(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SeedError(f"{path}: {error.strerror or error}") from None
    except ValueError as error:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        raise SeedError(f"{path}: not valid {path.suffix[1:].upper()}: {error}") from None
    if not isinstance(document, dict):
        raise SeedError(f"{path}: a state document is a table (an object) of sections")
    return document


def check_document(
    document: Mapping[str, Any],
    services: Iterable[Service | type[Service]],
    *,
    partial: bool = False,
) -> StatePlan:
    """Check every section against the service of that name; ``SeedError`` for the first
    mistake. ``partial`` leaves sections of services not in ``services`` for later (pytest
    checks markers before services registered in a ``conftest.py`` exist).
    """
    seedable = {
        service.name: service if isinstance(service, type) else type(service)
        for service in services
        if service.seed_fields
    }
    sections: list[tuple[str, Any]] = []
    for name, section in document.items():
        kind = seedable.get(name)
        if kind is None:
            if partial:
                continue
            raise SeedError(
                f"no section named {shown(name)}{suggest(str(name), seedable)}; "
                f"sections: {listing(seedable)}"
            )
        Fields(section, name, kind.seed_fields)  # the outline: a table of declared fields
        sections.append((name, kind.check_seed(section)))
    return StatePlan(tuple(sections))


def load(plan: StatePlan, services: Iterable[Service]) -> None:
    """Load each section into the registered service of its name."""
    by_name = {service.name: service for service in services}
    for name, checked in plan.sections:
        service = by_name.get(name)
        if service is None:
            raise SeedError(f"no service named {name!r} is registered in this cloud")
        service.load_seed(checked)


def export(services: Iterable[Service]) -> dict[str, Any]:
    """The state of every service that declares ``seed_fields``, sections with nothing
    left out: a document ``check_document`` takes back.
    """
    document: dict[str, Any] = {}
    for service in services:
        if service.seed_fields:
            section = {key: value for key, value in service.export().items() if value}
            if section:
                document[service.name] = section
    return document
