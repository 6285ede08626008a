"""``Known``: a symbol for a value that exists in the cloud during one example.

Every example starts from a fresh cloud, so strategies cannot draw real ids or tokens.
They draw ``Known("token")`` or ``Known("nova:/<region>/v2/<tenant>/servers/<server_id>")``
instead, and the example's ``World`` turns each symbol into a real value on first use.
A failing example therefore replays (and shrinks) the same way whatever ids come out.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Small changes to a real value: near misses a service must not mistake for the real one.
TWISTS = ("upper", "suffix", "truncate", "padded", "doubled")

#: ``variant`` 0 is a live value; 1 is its dead or foreign sibling (a deleted server, a
#: revoked token, another region) where the recipe has one.
LIVE, OTHER = 0, 1


@dataclass(frozen=True)
class Known:
    """What value to use: ``name`` is a recipe name (``token``, ``region``, ``tenant``...) or
    the scope of a path argument (``service:path-up-to-<argument>``)."""

    name: str
    variant: int = LIVE
    twist: str = ""

    def __repr__(self) -> str:
        label = self.name.rpartition("<")[2].rstrip(">") if ":" in self.name else self.name
        if self.variant != LIVE:
            label += ", other"
        if self.twist:
            label += f", {self.twist}"
        return f"<known {label}>"

    def apply_twist(self, value: str) -> str:
        """``value`` as changed by ``twist``."""
        if self.twist == "upper":
            return value.upper()
        if self.twist == "suffix":
            return value + "x"
        if self.twist == "truncate":
            return value[:-1]
        if self.twist == "padded":
            return f" {value} "
        if self.twist == "doubled":
            return value + value
        return value
