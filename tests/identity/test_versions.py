"""Version documents: what keystoneauth's discovery reads before it logs in."""

from __future__ import annotations

import pytest
import requests


@pytest.mark.parametrize("path", ["/identity/v2.0", "/identity/v2.0/"])
def test_v2_document_links_to_itself_absolutely(mimic_cloud, path):
    response = requests.get(mimic_cloud.base_url + path, headers={"Accept": "application/json"})
    assert response.status_code == 200
    version = response.json()["version"]
    assert (version["id"], version["status"]) == ("v2.0", "stable")
    self_links = [link["href"] for link in version["links"] if link["rel"] == "self"]
    assert self_links == [mimic_cloud.base_url + "/identity/v2.0/"]


@pytest.mark.parametrize("path", ["/identity/v3", "/identity/v3/"])
def test_v3_document_links_to_itself_absolutely(mimic_cloud, path):
    version = requests.get(mimic_cloud.base_url + path).json()["version"]
    assert version["id"].startswith("v3.")
    assert version["links"] == [{"rel": "self", "href": mimic_cloud.base_url + "/identity/v3/"}]
    assert version["media-types"][0]["type"] == "application/vnd.openstack.identity-v3+json"


def test_root_lists_both_versions_with_300_like_keystone(mimic_cloud):
    response = requests.get(mimic_cloud.url("identity"), allow_redirects=False)
    assert response.status_code == 300
    ids = [v["id"] for v in response.json()["versions"]["values"]]
    assert ids[1] == "v2.0"
    assert ids[0].startswith("v3.")


def test_version_links_follow_the_host_header(mimic_cloud):
    host = mimic_cloud.base_url.replace("127.0.0.1", "localhost")
    version = requests.get(f"{host}/identity/v2.0").json()["version"]
    assert version["links"][0]["href"] == f"{host}/identity/v2.0/"


def test_version_documents_need_no_token(mimic_cloud):
    """Discovery happens before login; a 401 here breaks the generic plugins."""
    assert requests.get(mimic_cloud.url("auth")).status_code == 200
    assert mimic_cloud.calls("identity", "version", api="v2.0")
