"""The checksums SQS returns with every message, computed exactly as the SDKs verify them.

Java, .NET, Ruby and Go SDKs recompute ``MD5OfMessageBody`` and ``MD5OfMessageAttributes``
and fail the call on a mismatch, so these must be bit-exact: the body digest is the MD5 of
its UTF-8 bytes; the attribute digest hashes, for every attribute in name order, the name,
the data type, one transport byte and the value, each string or byte value prefixed by its
4-byte big-endian length.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["AttributeValue", "attributes_md5", "body_md5"]

#: Transport bytes: what kind of value follows the data type in the hashed stream.
STRING_TRANSPORT = 1
BINARY_TRANSPORT = 2
STRING_LIST_TRANSPORT = 3
BINARY_LIST_TRANSPORT = 4

_LENGTH = struct.Struct(">I")


@dataclass(frozen=True, slots=True)
class AttributeValue:
    """One message attribute (or message system attribute) as stored and hashed.

    ``string_value`` serves the ``String`` and ``Number`` families, ``binary_value`` the
    ``Binary`` family; the list forms are accepted and hashed but, as in SQS, never needed.
    """

    data_type: str
    string_value: str | None = None
    binary_value: bytes | None = None
    string_list: tuple[str, ...] = ()
    binary_list: tuple[bytes, ...] = ()

    @property
    def is_binary(self) -> bool:
        """Whether the data type is ``Binary`` or a custom ``Binary.x`` type."""
        return self.data_type.startswith("Binary")

    def size(self) -> int:
        """Bytes this attribute counts towards the message size limit (without its name)."""
        total = len(self.data_type.encode())
        if self.string_value is not None:
            total += len(self.string_value.encode())
        if self.binary_value is not None:
            total += len(self.binary_value)
        total += sum(len(item.encode()) for item in self.string_list)
        total += sum(len(item) for item in self.binary_list)
        return total


def body_md5(body: str) -> str:
    """``MD5OfMessageBody``: hex MD5 of the body's UTF-8 bytes."""
    return hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest()


def _chunk(digest: hashlib._Hash, data: bytes) -> None:
    digest.update(_LENGTH.pack(len(data)))
    digest.update(data)


def attributes_md5(attributes: Mapping[str, AttributeValue]) -> str | None:
    """``MD5OfMessageAttributes`` (or ``...SystemAttributes``); ``None`` when there are none,
    in which case SQS leaves the field out.
    """
    if not attributes:
        return None
    digest = hashlib.md5(usedforsecurity=False)
    for name in sorted(attributes):
        value = attributes[name]
        _chunk(digest, name.encode("utf-8"))
        _chunk(digest, value.data_type.encode("utf-8"))
        if value.string_value is not None:
            digest.update(bytes([STRING_TRANSPORT]))
            _chunk(digest, value.string_value.encode("utf-8"))
        elif value.binary_value is not None:
            digest.update(bytes([BINARY_TRANSPORT]))
            _chunk(digest, value.binary_value)
        elif value.string_list:
            digest.update(bytes([STRING_LIST_TRANSPORT]))
            for item in value.string_list:
                _chunk(digest, item.encode("utf-8"))
        elif value.binary_list:
            digest.update(bytes([BINARY_LIST_TRANSPORT]))
            for blob in value.binary_list:
                _chunk(digest, blob)
    return digest.hexdigest()
