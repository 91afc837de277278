"""Lock handling against lock objects laid out exactly as Pulumi's DIY backend writes them."""
from __future__ import annotations

import json
import os
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest

from tools.ops.locks import (LockTimeout, S3LockStore, StaleLock, WaitPolicy, parse_duration, parse_go_time,
                             wait_for_release)

NOW = datetime(2026, 3, 1, 4, 30, tzinfo=timezone.utc)


def go_lock(pid: int, user: str, host: str, when: datetime) -> bytes:
    # encoding/json of the DIY lockContent struct: compact, RFC 3339 with nanoseconds
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S") + ".123456789Z"
    return json.dumps({"pid": pid, "username": user, "hostname": host, "timestamp": stamp},
                      separators=(",", ":")).encode()


@pytest.fixture
def bucket(s3_endpoint, aws_test_creds):
    name = f"state-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    return name, client


def put_lock(client, bucket: str, project: str, body: bytes, prefix: str = "") -> str:
    key = f"{prefix}.pulumi/locks/organization/{project}/prod/{uuid.uuid4()}.json"
    client.put_object(Bucket=bucket, Key=key, Body=body)
    return key


class FakeTime:
    """Monotonic clock that only moves when the code under test sleeps."""

    def __init__(self, on_sleep=None):
        self.now = 0.0
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep:
            self.on_sleep(len(self.sleeps))


def test_reads_lock_objects_where_the_diy_backend_writes_them(bucket, s3_endpoint):
    name, client = bucket
    put_lock(client, name, "dashy", go_lock(4242, "runner", "ci-pod-1", NOW - timedelta(minutes=3)))
    put_lock(client, name, "other", go_lock(1, "x", "y", NOW))  # another project: not ours
    store = S3LockStore(f"s3://{name}?endpoint={s3_endpoint}&region=us-east-1")
    locks = store.list_locks("dashy", "prod")
    assert len(locks) == 1
    assert (locks[0].pid, locks[0].username, locks[0].hostname) == (4242, "runner", "ci-pod-1")
    assert locks[0].timestamp == NOW - timedelta(minutes=3) + timedelta(microseconds=123456)
    assert store.location(locks[0]).startswith(f"s3://{name}/.pulumi/locks/organization/dashy/prod/")


def test_bucket_prefix_in_backend_url_is_honoured(bucket, s3_endpoint):
    name, client = bucket
    put_lock(client, name, "dashy", go_lock(7, "op", "devvm", NOW), prefix="homelab/")
    store = S3LockStore(f"s3://{name}/homelab?endpoint={s3_endpoint}")
    assert [lk.pid for lk in store.list_locks("dashy", "prod")] == [7]


def test_waits_until_the_holder_releases(bucket, s3_endpoint):
    name, client = bucket
    key = put_lock(client, name, "dashy", go_lock(4242, "runner", "ci-pod-1", NOW - timedelta(seconds=30)))
    store = S3LockStore(f"s3://{name}?endpoint={s3_endpoint}")
    t = FakeTime(on_sleep=lambda n: n == 2 and client.delete_object(Bucket=name, Key=key))
    logs: list[str] = []
    wait_for_release(store, "dashy", "prod", WaitPolicy(poll_seconds=5), log=logs.append, clock=lambda: NOW,
                     monotonic=t.monotonic, sleep=t.sleep, this_host="devvm")
    assert len(t.sleeps) == 2
    assert "runner@ci-pod-1 (pid 4242)" in logs[0]


def test_live_lock_times_out_naming_holder_and_since(bucket, s3_endpoint):
    name, client = bucket
    put_lock(client, name, "dashy", go_lock(4242, "runner", "ci-pod-1", NOW - timedelta(minutes=10)))
    store = S3LockStore(f"s3://{name}?endpoint={s3_endpoint}")
    t = FakeTime()
    with pytest.raises(LockTimeout) as err:
        wait_for_release(store, "dashy", "prod", WaitPolicy(timeout=timedelta(minutes=5), poll_seconds=5),
                         log=lambda m: None, clock=lambda: NOW, monotonic=t.monotonic, sleep=t.sleep,
                         this_host="devvm")
    text = str(err.value)
    assert "runner@ci-pod-1 (pid 4242)" in text and "since 2026-03-01T04:20:00" in text
    assert "after waiting 300s" in text or "after waiting 5m" in text
    assert t.now == pytest.approx(300)
    # the lock is still there: we never clear it
    assert client.list_objects_v2(Bucket=name)["KeyCount"] == 1


def test_stale_lock_from_dead_local_pid_is_reported_with_clear_commands(bucket, s3_endpoint):
    name, client = bucket
    key = put_lock(client, name, "dashy", go_lock(999999, "viktor", "devvm", NOW - timedelta(hours=3)))
    store = S3LockStore(f"s3://{name}?endpoint={s3_endpoint}")
    t = FakeTime()
    with pytest.raises(StaleLock) as err:
        wait_for_release(store, "dashy", "prod", WaitPolicy(), log=lambda m: None, clock=lambda: NOW,
                         monotonic=t.monotonic, sleep=t.sleep, this_host="devvm", alive=lambda pid: False)
    text = str(err.value)
    assert "pid 999999 is no longer running on devvm" in text
    assert "cd stacks/dashy && pulumi cancel --yes prod" in text
    assert f"aws s3 rm 's3://{name}/{key}' --endpoint-url {s3_endpoint}" in text
    assert t.sleeps == []  # no point waiting on a dead holder
    assert client.list_objects_v2(Bucket=name)["KeyCount"] == 1


def test_old_lock_whose_local_pid_is_alive_is_not_stale(bucket, s3_endpoint):
    name, client = bucket
    put_lock(client, name, "dashy", go_lock(1234, "viktor", "devvm", NOW - timedelta(hours=3)))
    store = S3LockStore(f"s3://{name}?endpoint={s3_endpoint}")
    t = FakeTime()
    with pytest.raises(LockTimeout):
        wait_for_release(store, "dashy", "prod", WaitPolicy(timeout=timedelta(seconds=10)), log=lambda m: None,
                         clock=lambda: NOW, monotonic=t.monotonic, sleep=t.sleep, this_host="devvm",
                         alive=lambda pid: True)


def test_young_lock_is_never_stale_even_if_pid_is_gone(bucket, s3_endpoint):
    name, client = bucket
    put_lock(client, name, "dashy", go_lock(5, "viktor", "devvm", NOW - timedelta(minutes=1)))
    store = S3LockStore(f"s3://{name}?endpoint={s3_endpoint}")
    t = FakeTime()
    with pytest.raises(LockTimeout):
        wait_for_release(store, "dashy", "prod", WaitPolicy(timeout=timedelta(seconds=10)), log=lambda m: None,
                         clock=lambda: NOW, monotonic=t.monotonic, sleep=t.sleep, this_host="devvm",
                         alive=lambda pid: False)


def test_unreadable_lock_object_still_counts_as_held(bucket, s3_endpoint):
    name, client = bucket
    put_lock(client, name, "dashy", b"not json")
    store = S3LockStore(f"s3://{name}?endpoint={s3_endpoint}")
    assert len(store.list_locks("dashy", "prod")) == 1


def test_go_timestamps_with_offsets_and_nanoseconds():
    assert parse_go_time("2026-03-01T05:30:00.123456789+01:00") == datetime(2026, 3, 1, 4, 30, 0, 123456,
                                                                           tzinfo=timezone.utc)
    assert parse_go_time("2026-03-01T04:30:00Z") == NOW


def test_durations_from_env():
    assert parse_duration("90", timedelta(0)) == timedelta(seconds=90)
    assert parse_duration("5m", timedelta(0)) == timedelta(minutes=5)
    assert parse_duration(None, timedelta(hours=2)) == timedelta(hours=2)
    with pytest.raises(ValueError):
        parse_duration("soon", timedelta(0))
    assert WaitPolicy.from_env({"PU_LOCK_TIMEOUT": "0"}).timeout == timedelta(0)


def test_pid_alive_probes_real_processes():
    import subprocess
    import sys

    from tools.ops.locks import pid_alive

    assert pid_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # reaped: the pid no longer names a process
    assert not pid_alive(child.pid)
    assert pid_alive(1)  # init: owned by root or not, it exists (EPERM counts as alive)


def test_stale_threshold_is_exactly_stale_after():
    from tools.ops.locks import DEFAULT_STALE_AFTER, LockInfo, stale_reason

    assert DEFAULT_STALE_AFTER == timedelta(hours=2)
    def lock(age):
        return LockInfo("k", "id", 7, "runner", "ci-pod-1", NOW - age)
    just_young = stale_reason(lock(DEFAULT_STALE_AFTER - timedelta(microseconds=1)), NOW, DEFAULT_STALE_AFTER, "devvm")
    at_limit = stale_reason(lock(DEFAULT_STALE_AFTER), NOW, DEFAULT_STALE_AFTER, "devvm")
    assert just_young is None
    assert at_limit is not None and "cannot be probed" in at_limit
    # same host: the pid decides, even past the threshold
    local = LockInfo("k", "id", 7, "viktor", "devvm", NOW - DEFAULT_STALE_AFTER)
    assert stale_reason(local, NOW, DEFAULT_STALE_AFTER, "devvm", alive=lambda pid: True) is None
    assert "no longer running" in stale_reason(local, NOW, DEFAULT_STALE_AFTER, "devvm", alive=lambda pid: False)


def test_unreachable_or_refused_bucket_is_a_clear_message_not_a_traceback(bucket, s3_endpoint, monkeypatch):
    from tools.ops.locks import LockReadError

    store = S3LockStore(f"s3://no-such-bucket-{uuid.uuid4().hex[:6]}?endpoint={s3_endpoint}")
    with pytest.raises(LockReadError, match="could not read the stack locks of dashy from bucket no-such-bucket"):
        store.list_locks("dashy", "prod")
    down = S3LockStore("s3://homelab-pulumi-state?endpoint=http://127.0.0.1:9&region=auto")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(LockReadError, match="Check the state credentials"):
        down.list_locks("dashy", "prod")
