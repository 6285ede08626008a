"""Eight threads on one queue: every message is delivered exactly once while it is invisible,
nothing is lost, and the counters agree at the end.
"""

from __future__ import annotations

import collections
import threading

from pytest_mimic.clock import real_monotonic
from tests.sqs.conftest import make_client

SENDERS = 4
RECEIVERS = 4
PER_SENDER = 100
#: Liveness bound: the test fails instead of hanging if messages go missing.
DEADLINE_SECONDS = 120


def test_eight_threads_send_receive_and_delete_without_loss_or_duplicates(mimic_cloud, sqs):
    url = sqs.create_queue(QueueName="stress", Attributes={"VisibilityTimeout": "600"})["QueueUrl"]
    endpoint = mimic_cloud.url("sqs")
    total = SENDERS * PER_SENDER
    sent: list[str] = []
    received: list[str] = []
    failures: list[object] = []
    lock = threading.Lock()
    senders_done = threading.Barrier(SENDERS + 1)
    deadline = real_monotonic() + DEADLINE_SECONDS

    def send(worker):
        client = make_client(endpoint)
        try:
            for i in range(PER_SENDER):
                body = f"{worker}-{i}"
                client.send_message(QueueUrl=url, MessageBody=body)
                with lock:
                    sent.append(body)
        except Exception as error:  # reported below
            failures.append(error)
        finally:
            senders_done.wait()

    def receive():
        client = make_client(endpoint)
        try:
            while real_monotonic() < deadline:
                with lock:
                    if len(received) >= total:
                        return
                answer = client.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1
                )
                messages = answer.get("Messages", [])
                if not messages:
                    continue
                with lock:
                    received.extend(m["Body"] for m in messages)
                deleted = client.delete_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                        for n, m in enumerate(messages)
                    ],
                )
                if deleted.get("Failed"):
                    failures.append(deleted["Failed"])
        except Exception as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
    threads += [threading.Thread(target=receive) for _ in range(RECEIVERS)]
    for thread in threads:
        thread.start()
    senders_done.wait()
    for thread in threads:
        thread.join(timeout=DEADLINE_SECONDS)

    assert not failures
    assert len(sent) == total
    duplicates = [body for body, n in collections.Counter(received).items() if n > 1]
    assert duplicates == []
    assert sorted(received) == sorted(sent)
    counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == "0"
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "0"
    assert counts["ApproximateNumberOfMessagesDelayed"] == "0"
    assert mimic_cloud.service("sqs").messages("stress") == []
    assert len(mimic_cloud.calls("sqs", "SendMessage")) == total
