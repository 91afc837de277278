"""Pulumi DIY-backend stack locks: inspect, wait for release, report stale ones.

The DIY backend writes one JSON object per lock holder at
`<prefix>/.pulumi/locks/organization/<project>/<stack>/<lock-uuid>.json` holding
`{"pid", "username", "hostname", "timestamp"}` (timestamp is a Go RFC 3339 time with
nanoseconds). The CLI refuses to start a locking operation while any other lock object
exists and fails at once; this module turns that into a bounded wait.

Nothing here deletes a lock: clearing one is a human decision, we only print the command.
"""
from __future__ import annotations

import json
import os
import re
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Protocol
from urllib.parse import unquote, urlparse

from .backend import parse_s3_url

DEFAULT_TIMEOUT = timedelta(minutes=5)
DEFAULT_STALE_AFTER = timedelta(hours=2)
DEFAULT_POLL = 5.0
LOCKED_MESSAGE = "the stack is currently locked by"  # CLI error text when a lock is held

_FRACTION = re.compile(r"(\.\d{1,6})\d*")


@dataclass(frozen=True)
class LockInfo:
    key: str            # object key (S3) or file path
    lock_id: str
    pid: int | None
    username: str
    hostname: str
    timestamp: datetime  # timezone-aware

    def holder(self) -> str:
        pid = f" (pid {self.pid})" if self.pid is not None else ""
        return f"{self.username or '?'}@{self.hostname or '?'}{pid}"


def lock_dir(project: str, stack: str, prefix: str = "") -> str:
    rel = f".pulumi/locks/organization/{project}/{stack}/"
    return f"{prefix.strip('/')}/{rel}" if prefix.strip("/") else rel


def parse_go_time(text: str) -> datetime:
    """Parse Go's RFC 3339 (nano) timestamps, which Python's fromisoformat rejects."""
    value = text.strip().replace("Z", "+00:00")
    value = _FRACTION.sub(lambda m: m.group(1), value, count=1)
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_lock(key: str, body: bytes, fallback_time: datetime) -> LockInfo:
    """Build LockInfo from a lock object; unreadable content still counts as a held lock."""
    lock_id = key.rsplit("/", 1)[-1].removesuffix(".json")
    try:
        data: dict[str, Any] = json.loads(body)
        stamp = parse_go_time(str(data["timestamp"]))
        pid = int(data["pid"]) if data.get("pid") is not None else None
        return LockInfo(key, lock_id, pid, str(data.get("username", "")), str(data.get("hostname", "")), stamp)
    except (ValueError, KeyError, TypeError):
        return LockInfo(key, lock_id, None, "", "", fallback_time)


class LockReadError(Exception):
    """The lock objects could not be listed (bucket unreachable, credentials refused...)."""


class LockStore(Protocol):
    def list_locks(self, project: str, stack: str) -> list[LockInfo]: ...
    def location(self, lock: LockInfo) -> str: ...
    def delete_command(self, lock: LockInfo) -> str: ...


class S3LockStore:
    """Reads lock objects from an S3-compatible bucket (R2, MinIO, moto)."""

    def __init__(self, url: str, client: Any | None = None):
        loc = parse_s3_url(url)
        if loc is None:
            raise ValueError(f"not an s3:// backend URL: {url}")
        self.loc = loc
        if client is None:
            import boto3  # deferred: only needed when a real bucket is inspected

            client = boto3.client("s3", endpoint_url=loc.endpoint, region_name=loc.region or "us-east-1")
        self.client = client

    def list_locks(self, project: str, stack: str) -> list[LockInfo]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self._list(project, stack)
        except (BotoCoreError, ClientError) as exc:
            endpoint = f" at {self.loc.endpoint}" if self.loc.endpoint else ""
            raise LockReadError(
                f"could not read the stack locks of {project} from bucket {self.loc.bucket}{endpoint}: {exc}. "
                f"Check the state credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY hold the R2 token, "
                f"R2_ACCOUNT_ID the account) and that R2 is reachable; nothing was run.") from exc

    def _list(self, project: str, stack: str) -> list[LockInfo]:
        prefix = lock_dir(project, stack, self.loc.prefix)
        locks: list[LockInfo] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.loc.bucket, Prefix=prefix):
            for obj in page.get("Contents", []):
                key = obj["Key"]
                if not key.endswith(".json"):
                    continue
                try:
                    body = self.client.get_object(Bucket=self.loc.bucket, Key=key)["Body"].read()
                except self.client.exceptions.NoSuchKey:
                    continue  # released between list and read
                locks.append(parse_lock(key, body, obj["LastModified"]))
        return sorted(locks, key=lambda lk: lk.timestamp)

    def location(self, lock: LockInfo) -> str:
        return f"s3://{self.loc.bucket}/{lock.key}"

    def delete_command(self, lock: LockInfo) -> str:
        endpoint = f" --endpoint-url {self.loc.endpoint}" if self.loc.endpoint else ""
        return f"aws s3 rm '{self.location(lock)}'{endpoint}"


class FileLockStore:
    """Lock files of a file:// backend (local experiments, the bootstrap project)."""

    def __init__(self, url: str):
        parsed = urlparse(url)
        self.root = Path(os.path.expanduser(unquote(parsed.netloc + parsed.path)))

    def list_locks(self, project: str, stack: str) -> list[LockInfo]:
        directory = self.root / lock_dir(project, stack)
        if not directory.is_dir():
            return []
        locks = []
        for path in directory.glob("*.json"):
            try:
                body = path.read_bytes()
                mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
            except FileNotFoundError:
                continue
            locks.append(parse_lock(str(path), body, mtime))
        return sorted(locks, key=lambda lk: lk.timestamp)

    def location(self, lock: LockInfo) -> str:
        return lock.key

    def delete_command(self, lock: LockInfo) -> str:
        return f"rm '{lock.key}'"


def store_for(url: str) -> LockStore | None:
    """A lock reader for the backend URL, or None where we cannot list locks (postgres://)."""
    scheme = urlparse(url).scheme
    if scheme == "s3":
        return S3LockStore(url)
    if scheme == "file":
        return FileLockStore(url)
    return None


def pid_alive(pid: int) -> bool:
    """Signal-0 probe; errs towards alive (a kept stale lock beats a stolen live one)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_reason(lock: LockInfo, now: datetime, stale_after: timedelta, this_host: str,
                 alive: Callable[[int], bool] = pid_alive) -> str | None:
    """Why the holder cannot be alive, or None if it may be."""
    age = now - lock.timestamp
    if age < stale_after:
        return None
    if lock.hostname == this_host and lock.pid is not None:
        if alive(lock.pid):
            return None
        return f"pid {lock.pid} is no longer running on {this_host}"
    return (f"held for {fmt_age(age)}, longer than any run may take (stale after {fmt_age(stale_after)}); "
            f"host {lock.hostname or '?'} cannot be probed from here")


def fmt_age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"


class LockError(Exception):
    def __init__(self, message: str, locks: list[LockInfo]):
        super().__init__(message)
        self.locks = locks


class LockTimeout(LockError):
    pass


class StaleLock(LockError):
    pass


def clear_instructions(store: LockStore, stack_project: str, locks: list[LockInfo]) -> str:
    lines = [
        "  To clear it (only once you are sure no run is using it):",
        f"    cd stacks/{stack_project} && pulumi cancel --yes prod    # removes every lock of this stack",
    ]
    for lock in locks:
        lines.append(f"    {store.delete_command(lock)}    # removes only lock {lock.lock_id}")
    return "\n".join(lines)


def describe_locks(store: LockStore, locks: list[LockInfo], now: datetime) -> str:
    return "\n".join(
        f"  {store.location(lk)}: held by {lk.holder()} since {lk.timestamp.isoformat(timespec='seconds')} "
        f"({fmt_age(now - lk.timestamp)} ago)"
        for lk in locks
    )


@dataclass
class WaitPolicy:
    timeout: timedelta = DEFAULT_TIMEOUT
    stale_after: timedelta = DEFAULT_STALE_AFTER
    poll_seconds: float = DEFAULT_POLL

    @classmethod
    def from_env(cls, env: dict[str, str] | os._Environ[str]) -> "WaitPolicy":
        """PU_LOCK_TIMEOUT / PU_LOCK_STALE_AFTER in seconds (or with s/m/h suffix)."""
        return cls(
            timeout=parse_duration(env.get("PU_LOCK_TIMEOUT"), DEFAULT_TIMEOUT),
            stale_after=parse_duration(env.get("PU_LOCK_STALE_AFTER"), DEFAULT_STALE_AFTER),
            poll_seconds=float(env.get("PU_LOCK_POLL_SECONDS", DEFAULT_POLL)),
        )


def parse_duration(text: str | None, default: timedelta) -> timedelta:
    if text is None or text.strip() == "":
        return default
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not match:
        raise ValueError(f"bad duration {text!r}: use seconds or a number with s/m/h")
    value, unit = float(match.group(1)), match.group(2) or "s"
    return timedelta(seconds=value * {"s": 1, "m": 60, "h": 3600}[unit])


def wait_for_release(
    store: LockStore,
    project: str,
    stack: str,
    policy: WaitPolicy,
    *,
    log: Callable[[str], None],
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    this_host: str | None = None,
    alive: Callable[[int], bool] = pid_alive,
    deadline: float | None = None,
) -> float:
    """Block until no lock is held on project/stack. Returns the monotonic deadline used.

    Raises StaleLock at once when every held lock is stale (waiting cannot help), and
    LockTimeout when live locks are still held after `policy.timeout`.
    """
    host = this_host or socket.gethostname()
    if deadline is None:
        deadline = monotonic() + policy.timeout.total_seconds()
    announced: set[str] = set()
    while True:
        locks = store.list_locks(project, stack)
        if not locks:
            return deadline
        now = clock()
        reasons = {lk.lock_id: stale_reason(lk, now, policy.stale_after, host, alive) for lk in locks}
        if all(reasons.values()):
            detail = "\n".join(f"  {store.location(lk)}: held by {lk.holder()} since "
                               f"{lk.timestamp.isoformat(timespec='seconds')}; stale: {reasons[lk.lock_id]}"
                               for lk in locks)
            raise StaleLock(
                f"stack {project} ({stack}) is locked by a stale lock; waiting will not release it.\n"
                f"{detail}\n{clear_instructions(store, project, locks)}", locks)
        if monotonic() >= deadline:
            raise LockTimeout(
                f"stack {project} ({stack}) is still locked after waiting {fmt_age(policy.timeout)}:\n"
                f"{describe_locks(store, locks, now)}\n"
                f"  Wait for that run to finish, or raise PU_LOCK_TIMEOUT. If the holder is gone:\n"
                f"{clear_instructions(store, project, locks)}", locks)
        new = [lk for lk in locks if lk.lock_id not in announced]
        if new:
            log(f"[{project}] waiting for the stack lock (up to {fmt_age(policy.timeout)}):\n"
                f"{describe_locks(store, new, now)}")
            announced.update(lk.lock_id for lk in new)
        sleep(max(0.0, min(policy.poll_seconds, deadline - monotonic())))
