"""Booting from a block device: an empty or absent ``imageRef`` with a boot index 0 mapping,
as ``openstack server create --block-device``/``--volume``, openstacksdk and novaclient send it.
"""

from __future__ import annotations

import pytest

from tests.nova.test_http import fault

IMAGE = "img-1"
VOLUME = "8a4f1f6e-9d5b-4c43-9b7e-0d6a3f0b2c11"

#: What ``openstack server create --block-device
#: source_type=image,uuid=ID,destination_type=volume,volume_size=10,boot_index=0`` sends.
FROM_IMAGE_TO_VOLUME = {
    "boot_index": 0,
    "uuid": IMAGE,
    "source_type": "image",
    "destination_type": "volume",
    "volume_size": "10",
}


def create(compute, **server):
    body = {"server": {"name": "bfv", "flavorRef": "2", **server}}
    return compute.post("/servers", json=body)


def test_the_openstack_clients_block_device_boot_is_volume_backed(compute):
    response = create(compute, imageRef="", block_device_mapping_v2=[FROM_IMAGE_TO_VOLUME])
    assert response.status_code == 202, response.text

    server = compute.server(response.json()["server"]["id"])
    assert server["status"] == "ACTIVE"
    assert server["image"] == ""  # Nova shows no image for a volume-backed server
    [volume] = server["os-extended-volumes:volumes_attached"]
    assert volume["id"] not in ("", IMAGE)


def test_an_existing_volume_boots_without_imageref_and_is_listed_as_attached(compute):
    mapping = {"boot_index": "0", "uuid": VOLUME, "source_type": "volume"}
    response = create(compute, block_device_mapping_v2=[{**mapping, "destination_type": "volume"}])
    assert response.status_code == 202, response.text

    server = compute.server(response.json()["server"]["id"])
    assert server["image"] == ""
    assert server["os-extended-volumes:volumes_attached"] == [{"id": VOLUME}]


def test_only_the_requests_own_image_may_map_to_a_local_disk(compute):
    """``openstack server create --image X`` sends ``imageRef`` and a mapping of X to a local
    disk at boot index 0: an ordinary image-backed server. Without the image, Nova refuses
    the same mapping."""
    mapping = {
        "uuid": IMAGE,
        "boot_index": 0,
        "source_type": "image",
        "destination_type": "local",
        "delete_on_termination": True,
    }
    response = create(compute, imageRef=IMAGE, block_device_mapping_v2=[mapping], networks=[])
    assert response.status_code == 202, response.text
    server = compute.server(response.json()["server"]["id"])
    assert (server["image"]["id"], server["os-extended-volumes:volumes_attached"]) == (IMAGE, [])

    assert fault(create(compute, imageRef="", block_device_mapping_v2=[mapping])) == (
        400,
        "badRequest",
        "Block Device Mapping is Invalid: Mapping image to local is not supported.",
    )


def test_a_legacy_mapping_of_the_root_device_boots_from_that_volume(compute):
    legacy = [{"volume_id": VOLUME, "device_name": "/dev/vda", "delete_on_termination": "0"}]
    response = create(compute, imageRef="", block_device_mapping=legacy)
    assert response.status_code == 202, response.text

    server = compute.server(response.json()["server"]["id"])
    assert (server["image"], server["os-extended-volumes:volumes_attached"]) == (
        "",
        [{"id": VOLUME}],
    )


V2 = "block_device_mapping_v2"


@pytest.mark.parametrize(
    ("server", "message"),
    [
        ({}, "Missing imageRef attribute"),
        ({"imageRef": ""}, "Missing imageRef attribute"),
        ({"imageRef": "", V2: []}, "Missing imageRef attribute"),
        (
            {V2: [{**FROM_IMAGE_TO_VOLUME, "boot_index": 1}]},
            "Block Device Mapping is Invalid: Boot sequence for the instance and image/block "
            "device mapping combination is not valid.",
        ),
        (
            {V2: [{"source_type": "volume", "boot_index": 0}]},
            "Block Device Mapping is Invalid: Missing device UUID.",
        ),
        (
            {V2: [{"source_type": "blank", "uuid": VOLUME, "boot_index": 0}]},
            "Block Device Mapping is Invalid: Invalid device UUID.",
        ),
        (
            {V2: [{"uuid": VOLUME, "boot_index": 0}]},
            "Block Device Mapping is Invalid: Some required fields are missing",
        ),
        (
            {V2: [{key: v for key, v in FROM_IMAGE_TO_VOLUME.items() if key != "volume_size"}]},
            "Images with destination_type 'volume' need to have a non-zero size specified",
        ),
        (
            {
                V2: [
                    FROM_IMAGE_TO_VOLUME,
                    {"source_type": "blank", "destination_type": "volume", "boot_index": -1},
                ]
            },
            "Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size",
        ),
        (
            {V2: [{**FROM_IMAGE_TO_VOLUME, "uuid": "INVALID-IMAGE-ID"}]},
            "Block Device Mapping is Invalid: failed to get image INVALID-IMAGE-ID.",
        ),
        (
            {V2: [{**FROM_IMAGE_TO_VOLUME, "source_type": "cdrom"}]},
            "Invalid input for field/attribute source_type. Value: cdrom. 'cdrom' is not one "
            "of ['volume', 'image', 'snapshot', 'blank']",
        ),
        (
            {V2: [{**FROM_IMAGE_TO_VOLUME, "boot_index": "first"}]},
            "Invalid input for field/attribute boot_index. Value: first. 'first' does not "
            "match '^-?[0-9]+$'",
        ),
        (
            {V2: [{**FROM_IMAGE_TO_VOLUME, "volume_size": 0}]},
            "Invalid input for field/attribute volume_size. Value: 0. 0 is less than the "
            "minimum of 1",
        ),
        (
            {V2: [{**FROM_IMAGE_TO_VOLUME, "tag": "root"}]},
            "Invalid input for field/attribute 0. Value: {'boot_index': 0, 'uuid': 'img-1', "
            "'source_type': 'image', 'destination_type': 'volume', 'volume_size': '10', "
            "'tag': 'root'}. Additional properties are not allowed ('tag' was unexpected)",
        ),
        (
            {V2: {"boot_index": 0}},
            "Invalid input for field/attribute block_device_mapping_v2. Value: "
            "{'boot_index': 0}. {'boot_index': 0} is not of type 'array'",
        ),
        (
            {V2: [FROM_IMAGE_TO_VOLUME], "block_device_mapping": [{"volume_id": VOLUME}]},
            "Using different block_device_mapping syntaxes is not allowed in the same request.",
        ),
        (
            {"block_device_mapping": [{"device_name": "vda"}]},
            "Block Device Mapping is Invalid: Unrecognized legacy format.",
        ),
        (
            {
                "max_count": 2,
                V2: [{"source_type": "volume", "uuid": VOLUME, "boot_index": 0}],
            },
            "Cannot attach one or more volumes to multiple instances",
        ),
    ],
)
def test_bad_mappings_get_novas_400(compute, server, message):
    assert fault(create(compute, **server)) == (400, "badRequest", message)
    assert compute.get("/servers").json() == {"servers": []}


def test_a_volume_backed_server_rebuilds_only_with_the_image_of_its_volume(compute):
    response = create(compute, imageRef="", block_device_mapping_v2=[FROM_IMAGE_TO_VOLUME])
    server_id = response.json()["server"]["id"]

    other = compute.action(server_id, {"rebuild": {"imageRef": "img-2"}})
    assert fault(other) == (
        400,
        "badRequest",
        "Image img-2 is unacceptable: Unable to rebuild with a different image for a "
        "volume-backed server.",
    )
    assert compute.action(server_id, {"rebuild": {"imageRef": IMAGE}}).status_code == 202
    assert compute.server(server_id)["image"] == ""


def test_the_image_filter_passes_over_volume_backed_servers(compute):
    """Nova filters on the server's own image, which a volume-backed server has none of."""
    response = create(compute, imageRef="", block_device_mapping_v2=[FROM_IMAGE_TO_VOLUME])
    volume_backed = response.json()["server"]["id"]
    image_backed = compute.create("from-image", imageRef=IMAGE)

    def listed(**params):
        return [s["id"] for s in compute.get("/servers", params=params).json()["servers"]]

    assert listed() == [image_backed, volume_backed]
    assert listed(image=IMAGE) == [image_backed]


def test_openstacksdk_create_server_with_block_device_mapping(sdk):
    server = sdk.compute.create_server(
        name="sdk-bfv", flavor_id="2", block_device_mapping=[FROM_IMAGE_TO_VOLUME]
    )
    server = sdk.compute.wait_for_server(server, interval=0.01, wait=5)

    assert server.status == "ACTIVE"
    assert not server.image  # sdk reads Nova's "" as an empty image
    assert len(server.attached_volumes) == 1


def test_novaclient_boots_from_a_volume_without_an_image(nova):
    mapping = {"uuid": VOLUME, "source_type": "volume", "destination_type": "volume"}
    server = nova.servers.create(
        "nova-bfv", image=None, flavor="2", block_device_mapping_v2=[{**mapping, "boot_index": 0}]
    )
    fetched = nova.servers.get(server.id)

    assert fetched.image == ""
    assert getattr(fetched, "os-extended-volumes:volumes_attached") == [{"id": VOLUME}]
