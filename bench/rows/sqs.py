"""SQS through boto3: sends, and receive+delete, at several queue depths, against a do-nothing
app answering canned SQS JSON to the same client (the ceiling) and, when the ``bench`` extra
is installed, moto's server.
"""

from __future__ import annotations

import gc
import json
import threading
import time
import tracemalloc
from typing import TYPE_CHECKING, Any

import requests

from bench.ceiling import serving
from bench.harness import Bench, BenchError, Goal, Line, interleave, row
from bench.rows._cloud import bench_cloud
from pytest_mimic.cloud import MimicCloud
from pytest_mimic.services.sqs.model import Scope, SendSpec, Sqs

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


def _rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


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


#: The memory issue's goal: queued messages cost at most this many times their bodies.
MEMORY_GOAL = Goal("ratio", "<=", 4)
#: Calls the journal keeps while the memory row fills (``serve``'s default): an unbounded
#: journal would count the requests' bodies, not the queue.
_JOURNAL = 1000


@row("sqs-memory", "memory of 100,000 queued 100-byte messages against their bodies")
def sqs_memory(bench: Bench) -> list[Line]:
    """RSS growth while a queue fills through SendMessageBatch (the journal bounded and
    full already, as in ``serve``), and the model alone counted by tracemalloc.
    """
    depth = bench.pick(100_000, 20_000)
    bodies = depth * len(_BODY)
    session = requests.Session()
    with MimicCloud(journal_size=_JOURNAL) as cloud, cloud.test():
        cloud.configure(options={"sqs_cooldowns": False})
        url = cloud.url("sqs")
        created = _call(session, url, "CreateQueue", {"QueueName": "memory"}).json()
        queue_url = created["QueueUrl"]
        _fill(session, url, queue_url, _JOURNAL * 10)  # the journal at its bound
        _call(session, url, "PurgeQueue", {"QueueUrl": queue_url})
        gc.collect()
        before = _rss_bytes()
        _fill(session, url, queue_url, depth)
        gc.collect()
        grown = _rss_bytes() - before
    session.close()

    sqs = Sqs(lambda: 1_000_000.0, cooldowns=lambda: False)
    queue = sqs.create_queue(Scope("123456789012", "us-east-1"), "memory", {}, {})
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for i in range(depth):
            sqs.send(queue, SendSpec(body=f"{i:0{len(_BODY)}d}"))
        traced = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    bench.note(
        f"sqs-memory: {grown / depth:,.0f} bytes of RSS and {traced / depth:,.0f} bytes "
        f"traced per queued message of {len(_BODY)} bytes."
    )
    return [
        Line(
            f"memory of {depth:,} queued messages of {len(_BODY)} bytes, through "
            "SendMessageBatch (process RSS growth; journal bounded as in serve)",
            "MB",
            [grown / 1e6],
            "their bodies alone",
            [bodies / 1e6],
            goal=MEMORY_GOAL,
        ),
        Line(
            f"the same {depth:,} messages in the model alone (tracemalloc)",
            "MB",
            [traced / 1e6],
            "their bodies alone",
            [bodies / 1e6],
            goal=MEMORY_GOAL,
        ),
    ]


class IdlePolls:
    """``len(queues)`` long polls (``WaitTimeSeconds=20``), one per queue, each issued
    again as it ends, until ``stop`` sends every queue a message to end them.
    """

    def __init__(self, url: str, queues: list[str]) -> None:
        self.url = url
        self.queues = queues
        self.active = False
        self.threads: list[threading.Thread] = []
        self.errors: list[str] = []

    def _poll(self, queue_url: str) -> None:
        session = requests.Session()
        body = {"QueueUrl": queue_url, "WaitTimeSeconds": 20, "MaxNumberOfMessages": 10}
        while self.active:
            try:
                got = _call(session, self.url, "ReceiveMessage", body).json()
            except Exception as error:  # reported by stop()
                self.errors.append(repr(error))
                return
            for message in got.get("Messages", []):
                _call(
                    session,
                    self.url,
                    "DeleteMessage",
                    {"QueueUrl": queue_url, "ReceiptHandle": message["ReceiptHandle"]},
                )
        session.close()

    def start(self, cloud: MimicCloud) -> None:
        self.active = True
        self.threads = [threading.Thread(target=self._poll, args=(q,)) for q in self.queues]
        for thread in self.threads:
            thread.start()
        if not cloud.dispatcher.wait_for_waiters(len(self.queues), timeout=60):
            raise BenchError("the idle long polls did not all start waiting")

    def stop(self) -> None:
        self.active = False
        session = requests.Session()
        for queue_url in self.queues:
            _call(session, self.url, "SendMessage", {"QueueUrl": queue_url, "MessageBody": "x"})
        session.close()
        for thread in self.threads:
            thread.join(timeout=60)
        if self.errors or any(thread.is_alive() for thread in self.threads):
            raise BenchError(f"idle long polls failed: {self.errors[:3]}")


@row("sqs-idle-polls", "SendMessage while 200 long polls wait on 200 other queues")
def sqs_idle_polls(bench: Bench) -> list[Line]:
    """Each send used to wake every waiting poll (one condition for the whole cloud); a
    send now wakes the polls of its own queue only. The baseline is the same client
    sending with no poll waiting, in the same interleaved rounds.
    """
    polls = 200
    count = bench.pick(200, 60)
    rounds = bench.pick(6, 3)
    session = requests.Session()
    with bench_cloud() as cloud:
        url = cloud.url("sqs")
        queues = [
            _call(session, url, "CreateQueue", {"QueueName": f"idle-{i}"}).json()["QueueUrl"]
            for i in range(polls)
        ]
        target = _call(session, url, "CreateQueue", {"QueueName": "sends"}).json()["QueueUrl"]
        client = _client(url)
        idle = IdlePolls(url, queues)

        def send() -> None:
            client.send_message(QueueUrl=target, MessageBody=_BODY)

        def with_polls() -> float:
            idle.start(cloud)
            try:
                woken = cloud.dispatcher.woken
                rate = _rate(count, send)
                if cloud.dispatcher.woken != woken:
                    bench.note(
                        f"sqs-idle-polls: {cloud.dispatcher.woken - woken} polls woken "
                        f"by {count} sends to another queue."
                    )
                return rate
            finally:
                idle.stop()

        def without_polls() -> float:
            return _rate(count, send)

        def forget() -> None:
            # Let the stopped polls' server threads end and their garbage go, so neither
            # side pays for the previous round.
            cloud.journal.clear()
            time.sleep(0.5)
            gc.collect()

        got = interleave({"none": without_polls, "idle": with_polls}, rounds, between=forget)
    session.close()
    return [
        Line(
            f"SendMessage through boto3 with {polls} idle long polls on {polls} other queues",
            "msgs/s",
            got["idle"],
            "the same sends with no poll waiting",
            got["none"],
            goal=Goal.ratio_at_least(0.8),
        )
    ]


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
                _fill(session, url, queue_url, depth)
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
