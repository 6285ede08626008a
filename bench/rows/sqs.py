"""SQS through boto3: sends, and receive+delete, at several queue depths, against a do-nothing
app answering canned SQS JSON to the same client (the ceiling) and, when the ``bench`` extra
is installed, moto's server.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import requests

from bench.ceiling import serving
from bench.harness import Bench, BenchError, Goal, Line, interleave, row
from bench.rows._cloud import bench_cloud

if TYPE_CHECKING:
    from collections.abc import Callable

_BODY = "x" * 100
_TARGET = "AmazonSQS."
_JSON = "application/x-amz-json-1.0"


class CannedSQS:
    """Replays one recorded answer per ``X-Amz-Target`` (every JSON call is ``POST /``)."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[str, list[tuple[str, str]], bytes]] = {}

    def record(self, operation: str, response: requests.Response) -> dict[str, Any]:
        headers = [
            (k, v)
            for k, v in response.headers.items()
            if k.lower() not in {"content-length", "connection", "date", "server"}
        ]
        self.answers[_TARGET + operation] = (
            f"{response.status_code} {response.reason}",
            headers,
            response.content,
        )
        return dict(response.json())

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            environ["wsgi.input"].read(length)
        status, headers, body = self.answers.get(
            environ.get("HTTP_X_AMZ_TARGET", ""), ("400 Bad Request", [], b"{}")
        )
        start_response(status, headers)
        return [body]


def _call(session: requests.Session, url: str, operation: str, body: dict[str, Any]) -> Any:
    answer = session.post(
        url,
        data=json.dumps(body),
        headers={"X-Amz-Target": _TARGET + operation, "Content-Type": _JSON},
    )
    if answer.status_code != 200:
        raise BenchError(f"{operation} answered {answer.status_code}: {answer.text[:200]}")
    return answer


def _fill(session: requests.Session, url: str, queue_url: str, count: int) -> None:
    for start in range(0, count, 10):
        entries = [{"Id": str(i), "MessageBody": _BODY} for i in range(min(10, count - start))]
        _call(session, url, "SendMessageBatch", {"QueueUrl": queue_url, "Entries": entries})


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _rate(count: int, call: Callable[[], object]) -> float:
    started = time.perf_counter()
    for _ in range(count):
        call()
    return count / (time.perf_counter() - started)


def _sides(
    endpoint: str, queue_url: str, count: int
) -> tuple[Callable[[], float], Callable[[], float]]:
    client = _client(endpoint)

    def send() -> None:
        client.send_message(QueueUrl=queue_url, MessageBody=_BODY)

    def receive_delete() -> None:
        got = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1)
        messages = got.get("Messages") or []
        if not messages:
            raise BenchError("the queue ran dry during receive+delete")
        client.delete_message(QueueUrl=queue_url, ReceiptHandle=messages[0]["ReceiptHandle"])

    return (lambda: _rate(count, send)), (lambda: _rate(count, receive_delete))


@row("sqs", "SQS sends and receive+delete through boto3 at depths 10, 2,000 and 100,000")
def sqs(bench: Bench) -> list[Line]:
    count = bench.pick(60, 20)
    rounds = bench.pick(8, 3)
    depths = bench.pick((10, 2_000, 100_000), (10, 2_000))
    session = requests.Session()
    lines: list[Line] = []
    with bench_cloud() as cloud:
        url = cloud.url("sqs")
        canned = CannedSQS()
        created = canned.record(
            "CreateQueue", _call(session, url, "CreateQueue", {"QueueName": "bench"})
        )
        queue_url = created["QueueUrl"]
        canned.record(
            "SendMessage",
            _call(session, url, "SendMessage", {"QueueUrl": queue_url, "MessageBody": _BODY}),
        )
        canned.record(
            "ReceiveMessage",
            _call(
                session, url, "ReceiveMessage", {"QueueUrl": queue_url, "MaxNumberOfMessages": 1}
            ),
        )
        handle = json.loads(canned.answers[_TARGET + "ReceiveMessage"][2])["Messages"][0]
        canned.record(
            "DeleteMessage",
            _call(
                session,
                url,
                "DeleteMessage",
                {"QueueUrl": queue_url, "ReceiptHandle": handle["ReceiptHandle"]},
            ),
        )
        with serving(canned) as ceiling:
            ceiling_queue = ceiling.url + "/sqs" + queue_url.split("/sqs", 1)[1]
            fake_send, fake_receive = _sides(url, queue_url, count)
            base_send, base_receive = _sides(ceiling.url + "/sqs", ceiling_queue, count)
            for depth in depths:
                _call(session, url, "PurgeQueue", {"QueueUrl": queue_url})
                cloud.configure(options={"sqs_cooldowns": False})
                before = _rss_mb()
                _fill(session, url, queue_url, depth)
                if depth >= 100_000:
                    lines.append(
                        Line(
                            f"memory of {depth:,} queued messages of {len(_BODY)} bytes "
                            "(process RSS growth while filling)",
                            "MB",
                            [_rss_mb() - before],
                            "their bodies alone",
                            [depth * len(_BODY) / 1e6],
                        )
                    )
                sends = interleave({"ceiling": base_send, "sqs": fake_send}, rounds)

                def refill(target: int = depth) -> None:
                    attributes = _call(
                        session,
                        url,
                        "GetQueueAttributes",
                        {"QueueUrl": queue_url, "AttributeNames": ["ApproximateNumberOfMessages"]},
                    ).json()["Attributes"]
                    missing = target + count - int(attributes["ApproximateNumberOfMessages"])
                    if missing > 0:
                        _fill(session, url, queue_url, missing)
                    cloud.journal.clear()

                receives = interleave(
                    {"ceiling": base_receive, "sqs": fake_receive}, rounds, between=refill
                )
                lines.append(
                    Line(
                        f"SendMessage through boto3, queue depth {depth:,}",
                        "msgs/s",
                        sends["sqs"],
                        "do-nothing app answering canned SQS JSON",
                        sends["ceiling"],
                        goal=Goal.ratio_at_least(0.85),
                    )
                )
                lines.append(
                    Line(
                        f"ReceiveMessage + DeleteMessage through boto3, queue depth {depth:,}",
                        "msgs/s",
                        receives["sqs"],
                        "do-nothing app answering canned SQS JSON",
                        receives["ceiling"],
                        goal=Goal.ratio_at_least(0.85),
                    )
                )
    lines += _against_moto(bench, count, rounds)
    session.close()
    return lines


def _against_moto(bench: Bench, count: int, rounds: int) -> list[Line]:
    """The fake against moto's server at small depths (moto is O(depth) per call)."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        return []
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    lines: list[Line] = []
    try:
        host, port = server.get_host_and_port()
        moto_url = f"http://{host}:{port}"
        session = requests.Session()
        with bench_cloud() as cloud:
            fake_url = cloud.url("sqs")
            cloud.configure(options={"sqs_cooldowns": False})
            for depth in bench.pick((10, 300), (10,)):
                queues = {}
                for name, endpoint in (("sqs", fake_url), ("moto", moto_url)):
                    queue = _client(endpoint).create_queue(QueueName=f"vs-moto-{depth}")
                    queues[name] = queue["QueueUrl"]
                    _fill(session, endpoint, queue["QueueUrl"], depth)
                fake_send, _ = _sides(fake_url, queues["sqs"], count)
                moto_send, _ = _sides(moto_url, queues["moto"], count)
                got = interleave({"moto": moto_send, "sqs": fake_send}, rounds)
                lines.append(
                    Line(
                        f"SendMessage through boto3, depth {depth:,}, against moto's server",
                        "msgs/s",
                        got["sqs"],
                        "moto_server, same client",
                        got["moto"],
                    )
                )
    finally:
        server.stop()
    return lines


@row("sqs-in-process", "SQS through boto3 with no socket (mimic_transport = in-process)")
def sqs_in_process(bench: Bench) -> list[Line]:
    """One boto3 client, made before the transport starts, on both sides of every round.

    Besides the rates, the process CPU time per message (client and server thread alike):
    on a loaded machine it still says what the socket costs when the rates are noise.
    """
    count = bench.pick(100, 20)
    rounds = bench.pick(12, 3)
    session = requests.Session()
    cpu: dict[str, list[float]] = {}
    with bench_cloud() as cloud:
        url = cloud.url("sqs")
        queue_url = _call(session, url, "CreateQueue", {"QueueName": "transport"}).json()[
            "QueueUrl"
        ]
        send, receive_delete = _sides(url, queue_url, count)

        def timed(name: str, measure: Callable[[], float], no_socket: bool) -> Callable[[], float]:
            def side() -> float:
                started = time.process_time()
                if no_socket:
                    with cloud.in_process():
                        rate = measure()
                else:
                    rate = measure()
                cpu.setdefault(name, []).append((time.process_time() - started) * 1000 / count)
                return rate

            return side

        def refill() -> None:
            _fill(session, url, queue_url, count)
            cloud.journal.clear()

        sends = interleave(
            {
                "socket": timed("send socket", send, False),
                "in-process": timed("send in-process", send, True),
            },
            rounds,
            between=cloud.journal.clear,
        )
        _call(session, url, "PurgeQueue", {"QueueUrl": queue_url})
        receives = interleave(
            {
                "socket": timed("receive socket", receive_delete, False),
                "in-process": timed("receive in-process", receive_delete, True),
            },
            rounds,
            between=refill,
        )
    session.close()
    # The warm-up run of each side is not a sample.
    cpu = {name: samples[1:] for name, samples in cpu.items()}
    return [
        Line(
            "SendMessage through boto3, in-process (no socket)",
            "msgs/s",
            sends["in-process"],
            "the same client through the socket, keep-alive",
            sends["socket"],
            goal=Goal.ratio_at_least(2),
        ),
        Line(
            "ReceiveMessage + DeleteMessage through boto3, in-process (no socket)",
            "msgs/s",
            receives["in-process"],
            "the same client through the socket, keep-alive",
            receives["socket"],
            goal=Goal.ratio_at_least(2),
        ),
        Line(
            "SendMessage through the socket: process CPU per message",
            "ms",
            cpu["send socket"],
            "in-process",
            cpu["send in-process"],
        ),
        Line(
            "ReceiveMessage + DeleteMessage through the socket: process CPU per message",
            "ms",
            cpu["receive socket"],
            "in-process",
            cpu["receive in-process"],
        ),
    ]
