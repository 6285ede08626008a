"""Handlers that wait (long polls) release the cloud lock and wake on every relevant change;
services can claim requests no prefix matched.
"""

from __future__ import annotations

import threading

import pytest
import requests

from tests.support.mailbox import MailboxService

#: Liveness bound: a long poll that is not woken runs into this instead of hanging the suite.
LONG = 20


@pytest.fixture
def mailbox(mimic_session_cloud, mimic_cloud):
    if "mailbox" not in {s.name for s in mimic_session_cloud.services}:
        mimic_session_cloud.register(MailboxService)
    return mimic_cloud.base_url + "/mailbox/letters"


def _in_thread(target):
    result: dict[str, object] = {}

    def run():
        result["answer"] = target()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_a_send_from_another_thread_ends_the_long_poll_early(mimic_cloud, mailbox):
    thread, result = _in_thread(lambda: requests.get(mailbox, params={"wait": LONG}, timeout=60))
    assert mimic_cloud.dispatcher.wait_for_waiters(1)
    # The poll holds no lock: this request is served while it waits.
    assert requests.post(mailbox, json={"text": "hello"}, timeout=10).status_code == 201
    thread.join(timeout=LONG)

    assert not thread.is_alive()
    assert result["answer"].json() == {"letter": "hello"}


def test_other_clients_are_served_while_a_poll_waits(mimic_cloud, mailbox):
    thread, result = _in_thread(lambda: requests.get(mailbox, params={"wait": 2}, timeout=60))
    assert mimic_cloud.dispatcher.wait_for_waiters(1)
    counts = [requests.get(mailbox.replace("letters", "count"), timeout=10) for _ in range(5)]
    thread.join(timeout=LONG)

    assert all(c.json() == {"count": 0} for c in counts)
    assert result["answer"].json() == {"letter": None}


def test_a_clock_move_ends_the_poll_when_it_makes_a_letter_due(time_travel, mimic_cloud, mailbox):
    time_travel.freeze()
    requests.post(mailbox, json={"text": "later", "delay": 3600}, timeout=10)
    thread, result = _in_thread(lambda: requests.get(mailbox, params={"wait": LONG}, timeout=60))
    assert mimic_cloud.dispatcher.wait_for_waiters(1)

    time_travel.advance(3600)
    thread.join(timeout=LONG)

    assert result["answer"].json() == {"letter": "later"}


def test_a_reset_ends_the_poll_with_the_documented_503(mimic_session_cloud, mailbox):
    """The poll must not go on to take letters from the next test's state."""
    cloud = mimic_session_cloud
    thread, result = _in_thread(lambda: requests.get(mailbox, params={"wait": LONG}, timeout=60))
    assert cloud.dispatcher.wait_for_waiters(1)

    cloud.reset()
    thread.join(timeout=LONG)

    assert result["answer"].status_code == 503
    assert "reset while this request was in flight" in result["answer"].text


def test_a_request_no_prefix_matches_can_be_claimed(mimic_cloud, mailbox):
    posted = requests.post(
        mimic_cloud.base_url + "/", json={"text": "at the root"}, headers={"X-Mailbox": "1"}
    )

    assert posted.status_code == 201
    assert [c.operation for c in mimic_cloud.calls("mailbox")] == ["post_letter"]
    assert requests.post(mimic_cloud.base_url + "/", json={}).status_code == 404


def test_a_server_stop_ends_the_poll(mailbox):
    from pytest_mimic.cloud import MimicCloud

    cloud = MimicCloud(services=[MailboxService])
    cloud.start()
    url = cloud.base_url + "/mailbox/letters"

    def poll():
        try:
            return requests.get(url, params={"wait": LONG}, timeout=60).status_code
        except requests.ConnectionError:
            return "closed"

    thread, result = _in_thread(poll)
    assert cloud.dispatcher.wait_for_waiters(1)

    cloud.stop()
    thread.join(timeout=LONG)

    assert not thread.is_alive()
    assert result["answer"] in {503, "closed"}


def _wait_for_topic(dispatcher, topic):
    """A handler-like thread waiting for ``topic`` under the cloud lock; returns (thread,
    outcome): ``"woke"``, or ``"stale"`` after a reset.
    """
    from types import SimpleNamespace

    from pytest_mimic.dispatch import GENERATION_KEY, StaleRequest

    request = SimpleNamespace(environ={GENERATION_KEY: dispatcher.generation})
    outcome: dict[str, str] = {}

    def run():
        with dispatcher.lock:
            try:
                dispatcher.wait_for_change(request, LONG, topic)
                outcome["end"] = "woke"
            except StaleRequest:
                outcome["end"] = "stale"

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_change_wakes_only_the_waiters_of_its_topic(mimic_cloud):
    dispatcher = mimic_cloud.dispatcher
    first, first_outcome = _wait_for_topic(dispatcher, ("queue", "a"))
    second, second_outcome = _wait_for_topic(dispatcher, ("queue", "b"))
    assert dispatcher.wait_for_waiters(2)
    before = dispatcher.woken

    dispatcher.notify_change(("queue", "c"))
    assert dispatcher.woken == before
    dispatcher.notify_change(("queue", "a"))
    assert dispatcher.woken == before + 1
    first.join(timeout=LONG)
    assert first_outcome == {"end": "woke"}

    dispatcher.notify_change()  # no topic: everyone, as a clock move or a stop
    assert dispatcher.woken == before + 2
    second.join(timeout=LONG)
    assert second_outcome == {"end": "woke"}


def test_a_reset_wakes_every_topic_waiter_as_stale(mimic_session_cloud, mimic_cloud):
    dispatcher = mimic_session_cloud.dispatcher
    waiting = [_wait_for_topic(dispatcher, ("queue", name)) for name in "abc"]
    assert dispatcher.wait_for_waiters(3)

    mimic_session_cloud.reset()
    for thread, _outcome in waiting:
        thread.join(timeout=LONG)
    assert [outcome for _thread, outcome in waiting] == [{"end": "stale"}] * 3
