"""The operation table matches the botocore model boto3 ships: the same 23 operations with
the same member names in and out, so requests from current SDKs are read in full.
"""

from __future__ import annotations

import botocore.session

from pytest_mimic.services.sqs.operations import OPERATIONS, ListShape, MapShape, Structure


def _model():
    return botocore.session.get_session().get_service_model("sqs")


def test_the_table_has_every_operation_of_the_model():
    assert sorted(OPERATIONS) == sorted(_model().operation_names)
    assert len(OPERATIONS) == 23


def _names(shape):
    """Member names of a table shape, nested structures included."""
    if isinstance(shape, Structure):
        return {m.name: _names(m.shape) for m in shape.members}
    if isinstance(shape, ListShape):
        return _names(shape.member)
    if isinstance(shape, MapShape):
        return _names(shape.value)
    return None


def _model_names(shape):
    if shape is None:
        return {}
    if shape.type_name == "structure":
        return {name: _model_names(member) for name, member in shape.members.items()}
    if shape.type_name == "list":
        return _model_names(shape.member)
    if shape.type_name == "map":
        return _model_names(shape.value)
    return None


def test_members_in_and_out_match_the_model():
    model = _model()
    for name, spec in OPERATIONS.items():
        operation = model.operation_model(name)
        assert _names(spec.input) == _model_names(operation.input_shape), name
        assert _names(spec.output) == _model_names(operation.output_shape), name


def test_required_members_match_the_model():
    model = _model()
    for name, spec in OPERATIONS.items():
        required = set(model.operation_model(name).input_shape.required_members)
        declared = {m.name for m in spec.input.members if m.required}
        # QueueUrl may come from the request path instead (query clients post to it).
        assert declared == required - {"QueueUrl"}, name
