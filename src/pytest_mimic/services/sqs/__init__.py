"""Amazon SQS: a stateful fake of the 2012-11-05 API, both wire protocols.

``SQSService`` (``api``) is the HTTP layer over the state model (``model``, which is made of
``queue``, ``attributes``, ``checks``, ``permissions`` and ``tasks``, none of them HTTP);
``operations`` is the one table of the 23 operations that ``protocol_json`` and
``protocol_query`` read and write from; ``md5`` computes the checksums clients verify;
``errors`` names every error in both protocols' spellings.
"""

from __future__ import annotations

from pytest_mimic.services.sqs.api import SQSService

__all__ = ["SQSService"]
