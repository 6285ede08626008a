"""How to: use the fake cloud from a unittest suite (no pytest fixtures)."""

from __future__ import annotations

import os
import unittest

import requests

from pytest_mimic import MimicCloud


class CloudTestCase(unittest.TestCase):
    cloud: MimicCloud

    @classmethod
    def setUpClass(cls):
        cls.cloud = MimicCloud()
        cls.cloud.start()

    @classmethod
    def tearDownClass(cls):
        cls.cloud.stop()

    def setUp(self):
        self.cloud.begin_test()
        self.addCleanup(self.cloud.end_test)

    def test_environment_points_at_the_cloud(self):
        self.assertEqual(os.environ["OS_AUTH_URL"], self.cloud.auth_url)

    def test_login_with_the_default_user(self):
        creds = self.cloud.credentials
        body = {
            "auth": {
                "RAX-KSKEY:apiKeyCredentials": {"username": creds.username, "apiKey": creds.api_key}
            }
        }

        response = requests.post(self.cloud.auth_url + "/tokens", json=body)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["access"]["token"]["tenant"]["id"], creds.tenant_id)
