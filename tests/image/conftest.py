"""Fixtures for the Image service tests: raw HTTP to Glance's endpoint and an openstacksdk
connection, both logging in through the fake Identity and finding the endpoint in the
catalog, as clients do.
"""

from __future__ import annotations

import pytest
import requests

PATCH = "application/openstack-images-v2.1-json-patch"


class GlanceHTTP:
    """``requests`` against the image endpoint of one region, with a token."""

    def __init__(self, cloud, username=None, password="pw", region=None):
        creds = cloud.credentials
        body = {
            "auth": {
                "passwordCredentials": {
                    "username": username or creds.username,
                    "password": password if username else creds.password,
                }
            }
        }
        access = requests.post(f"{cloud.auth_url}/tokens", json=body, timeout=10).json()["access"]
        self.token = access["token"]["id"]
        self.tenant = access["token"]["tenant"]["id"]
        [entry] = [s for s in access["serviceCatalog"] if s["type"] == "image"]
        region = region or cloud.region
        self.url = next(e["publicURL"] for e in entry["endpoints"] if e["region"] == region)
        self.session = requests.Session()
        self.session.headers["X-Auth-Token"] = self.token

    def request(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, f"{self.url}{path}", **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def patch(self, path, changes, content_type=PATCH):
        return self.request("PATCH", path, json=changes, headers={"Content-Type": content_type})

    def create(self, **image):
        body = {"name": "mine", "disk_format": "raw", "container_format": "bare", **image}
        answer = self.post("/v2/images", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def upload(self, image_id, data=b"image bytes"):
        headers = {"Content-Type": "application/octet-stream"}
        return self.put(f"/v2/images/{image_id}/file", data=data, headers=headers)


def glance_error(answer):
    """``(status, message)`` of a Glance error, checked to be webob's JSON body."""
    body = answer.json()
    assert set(body) == {"message", "code", "title"}, body
    assert body["code"] == f"{answer.status_code} {body['title']}"
    assert body["message"].endswith("<br /><br />\n\n\n")
    return answer.status_code, body["message"].removesuffix("<br /><br />\n\n\n")


@pytest.fixture
def glance(mimic_cloud):
    """Raw HTTP to the default user's image endpoint in the default region."""
    return GlanceHTTP(mimic_cloud)


@pytest.fixture
def image_service(mimic_cloud):
    """The ``ImageService`` of the cloud (its ``catalog`` is the model)."""
    return mimic_cloud.service("image")
