"""Block device mappings of a server create, read as Nova's API reads them.

``block_device_mapping_v2`` (what python-openstackclient, openstacksdk and novaclient send to
boot from a volume) and the legacy ``block_device_mapping`` are checked against Nova's
request schema and its ``BlockDeviceDict.from_api`` rules, with Nova's 400 texts, and become
``model.BlockDevice`` values. The checks that need state (images that exist, the boot
sequence, volume sizes, volumes shared by several servers) are the model's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pytest_mimic.errors import ServiceError
from pytest_mimic.parsing import shown
from pytest_mimic.services.nova.model import BlockDevice

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["block_devices"]

_SOURCE_TYPES = ["volume", "image", "snapshot", "blank"]
_DESTINATION_TYPES = ["local", "volume"]
#: What Nova's schema takes for a boolean.
_BOOLEANS: list[Any] = [
    *(True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes"),
    *(False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"),
]
_TRUE = frozenset(str(value) for value in _BOOLEANS[:11])
_MAX_INT = 0x7FFFFFFF
#: Nova's root device name: a legacy mapping for it is the boot device.
_ROOT_DEVICE = "vda"


def _schema_error(field: str, value: Any, message: str) -> ServiceError:
    """Nova's answer to a value its JSON schema refuses."""
    return ServiceError(
        400, f"Invalid input for field/attribute {field}. Value: {_value(value)}. {message}"
    )


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else shown(value, width=200)
    return text if len(text) <= 200 else f"{text[:197]}..."


def _invalid_format(details: str) -> ServiceError:
    return ServiceError(400, f"Block Device Mapping is Invalid: {details}")


def _text(
    *, minimum: int = 0, maximum: int = 255, pattern: str | None = None
) -> Callable[[str, Any], None]:
    """A string property: ``minimum``..``maximum`` characters matching ``pattern``."""

    def check(field: str, value: Any) -> None:
        if not isinstance(value, str):
            raise _schema_error(field, value, f"{shown(value)} is not of type 'string'")
        if len(value) < minimum:
            raise _schema_error(field, value, f"{shown(value)} is too short")
        if len(value) > maximum:
            raise _schema_error(field, value, f"{shown(value)} is too long")
        if pattern is not None and re.search(pattern, value) is None:
            raise _schema_error(field, value, f"{shown(value)} does not match '{pattern}'")

    return check


def _choice(choices: list[Any], *, booleans: bool = False) -> Callable[[str, Any], None]:
    """One of ``choices``: strings, or (``booleans``) also JSON ``true``/``false``."""
    types = "'boolean', 'string'" if booleans else "'string'"

    def check(field: str, value: Any) -> None:
        if not (isinstance(value, str) or (booleans and isinstance(value, bool))):
            raise _schema_error(field, value, f"{shown(value)} is not of type {types}")
        if value not in choices:
            raise _schema_error(field, value, f"{shown(value)} is not one of {choices!r}")

    return check


def _integer(
    *, pattern: str, nullable: bool = False, minimum: int | None = None
) -> Callable[[str, Any], None]:
    """An integer, or digits in a string (Nova compares those with the bounds too)."""
    types = "'integer', 'string', 'null'" if nullable else "'integer', 'string'"

    def check(field: str, value: Any) -> None:
        if value is None and nullable:
            return
        if isinstance(value, str):
            if re.search(pattern, value) is None:
                raise _schema_error(field, value, f"{shown(value)} does not match '{pattern}'")
            # Digits past the maximum's length are over it: no int() of a huge text.
            number = int(value) if len(value) <= 12 else _MAX_INT + 1
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            raise _schema_error(field, value, f"{shown(value)} is not of type {types}")
        if minimum is not None and number < minimum:
            raise _schema_error(field, value, f"{shown(value)} is less than the minimum of 1")
        if minimum is not None and number > _MAX_INT:
            raise _schema_error(
                field, value, f"{shown(value)} is greater than the maximum of {_MAX_INT}"
            )

    return check


def _anything(_field: str, _value: Any) -> None:
    """Nova's schema takes any value here (``no_device``)."""


_LEGACY_PROPERTIES: dict[str, Callable[[str, Any], None]] = {
    "virtual_name": _text(),
    "volume_id": _text(maximum=2**31),
    "snapshot_id": _text(maximum=2**31),
    "volume_size": _integer(pattern="^[0-9]+$", minimum=1),
    "device_name": _text(minimum=1, pattern="^[a-zA-Z0-9._/-]*$"),
    "delete_on_termination": _choice(_BOOLEANS, booleans=True),
    "no_device": _anything,
    "connection_info": _text(maximum=16777215),
}
_V2_PROPERTIES: dict[str, Callable[[str, Any], None]] = {
    **_LEGACY_PROPERTIES,
    "source_type": _choice(_SOURCE_TYPES),
    "uuid": _text(minimum=1, pattern="^[a-zA-Z0-9._-]*$"),
    "image_id": _text(maximum=2**31),
    "destination_type": _choice(_DESTINATION_TYPES),
    "guest_format": _text(),
    "device_type": _text(),
    "disk_bus": _text(),
    "boot_index": _integer(pattern="^-?[0-9]+$", nullable=True),
}


def _items(
    server: Mapping[str, Any], key: str, properties: Mapping[str, Callable[[str, Any], None]]
) -> list[dict[str, Any]]:
    """The mappings under ``key``, each checked against Nova's schema for one item."""
    value = server.get(key, [])
    if not isinstance(value, list):
        raise _schema_error(key, value, f"{shown(value)} is not of type 'array'")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise _schema_error(str(index), item, f"{shown(item)} is not of type 'object'")
        extra = [name for name in item if name not in properties]
        if extra:
            verb = "was" if len(extra) == 1 else "were"
            names = ", ".join(repr(name) for name in extra)
            raise _schema_error(
                str(index),
                item,
                f"Additional properties are not allowed ({names} {verb} unexpected)",
            )
        for name, field_value in item.items():
            properties[name](name, field_value)
    return value


def _boot_index(item: Mapping[str, Any]) -> int | None:
    value = item.get("boot_index")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:  # digits past Python's integer-from-text limit, as in Nova
        raise _invalid_format("Boot index is invalid.") from None


def _size(item: Mapping[str, Any]) -> int | None:
    value = item.get("volume_size")
    return None if value is None else int(value)


def _deleted_with_server(item: Mapping[str, Any]) -> bool:
    return str(item.get("delete_on_termination", False)) in _TRUE


def _from_v2(item: Mapping[str, Any], image_given: bool) -> BlockDevice:
    """One ``block_device_mapping_v2`` entry, by Nova's ``from_api`` rules."""
    source = item.get("source_type")
    uuid = item.get("uuid")
    destination = item.get("destination_type")
    if not item.get("no_device"):
        if source == "blank" and uuid:
            raise _invalid_format("Invalid device UUID.")
        if source != "blank" and not uuid:
            raise _invalid_format("Missing device UUID.")
        if (
            source == "image"
            and destination == "local"
            and not (image_given and _boot_index(item) == 0)
        ):
            # Only the mapping clients add for the request's own image may copy an image
            # to a local disk.
            raise _invalid_format("Mapping image to local is not supported.")
        if source is None:
            raise _invalid_format("Some required fields are missing")
    return BlockDevice(
        source_type=source or "blank",
        destination_type=destination,
        uuid=uuid or None,
        boot_index=_boot_index(item),
        volume_size=_size(item),
        delete_on_termination=_deleted_with_server(item),
    )


def _from_legacy(item: Mapping[str, Any], boot: bool) -> BlockDevice:
    """One legacy ``block_device_mapping`` entry as Nova converts it; ``boot``: it is the
    root device of a server with no image."""
    size, delete = _size(item), _deleted_with_server(item)
    virtual = item.get("virtual_name") or ""
    if virtual == "swap" or virtual.startswith("ephemeral"):
        return BlockDevice("blank", "local", None, -1, size, True)
    for key, source in (("snapshot_id", "snapshot"), ("volume_id", "volume")):
        if item.get(key):
            index = 0 if boot else -1
            return BlockDevice(source, "volume", item[key], index, size, delete)
    if item.get("no_device"):
        return BlockDevice("blank", None, None, None, size, delete)
    raise _invalid_format("Unrecognized legacy format.")


def _is_root(item: Mapping[str, Any]) -> bool:
    name = item.get("device_name") or ""
    return name.removeprefix("/dev/") == _ROOT_DEVICE and bool(
        item.get("volume_id") or item.get("snapshot_id")
    )


def block_devices(server: Mapping[str, Any], image_ref: str) -> tuple[BlockDevice, ...]:
    """The block devices of a create's ``server`` object (empty when it has none).

    ``image_ref`` is the request's image (empty when absent): without one, a mapping must
    say what to boot from, or Nova's "Missing imageRef attribute" is the answer.
    """
    legacy = _items(server, "block_device_mapping", _LEGACY_PROPERTIES)
    mapped = _items(server, "block_device_mapping_v2", _V2_PROPERTIES)
    if legacy and mapped:
        raise ServiceError(
            400,
            "Using different block_device_mapping syntaxes is not allowed in the same request.",
        )
    devices = tuple(_from_v2(item, bool(image_ref)) for item in mapped)
    if legacy:
        # As Nova converts legacy mappings: the volume at the root device name boots a
        # server with no image; with an image, the image boots and the rest are attached.
        devices = tuple(_from_legacy(item, not image_ref and _is_root(item)) for item in legacy)
        if image_ref and not any(device.boot_index == 0 for device in devices):
            devices = (BlockDevice("image", "local", image_ref, 0, None, True), *devices)
    if not image_ref and not devices:
        raise ServiceError(400, "Missing imageRef attribute")
    return devices
