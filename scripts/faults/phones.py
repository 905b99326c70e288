"""Phones as the fault scripts run them: each visit has its own UUID, and a send that fails is sent again later.

A phone records a visit, uploads its photo, then posts the visit. A request that
fails on the way (no answer, a 5xx) leaves the visit in the phone's outbox, and the
phone sends the very same request again after a pause: same UUID, same photo (the
same bytes from the same person are the same file). Every request is logged with
the moment its answer came and what it was, for the timelines the scripts print.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field

import requests

from scripts.bench.field_evening import API, photo

TIMEOUT = 15  # seconds a phone waits for an answer


@dataclass
class Tally:
    """What the phones sent and what the server said; ``sent`` and ``attempted`` as field_evening.verify reads them."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    log: list[tuple[float, str, str]] = field(default_factory=list)  # (answered at, action, "201" | "503" | "reset"…)
    attempted: set[str] = field(default_factory=set)  # every visit id a phone posted at least once
    sent: set[str] = field(default_factory=set)       # visit ids the server acknowledged with a 2xx
    retries: int = 0                                 # requests that repeat one that failed
    abandoned: dict[str, str] = field(default_factory=dict)  # id → SHA-256 of photos whose phone then died
    unsent: int = 0                                  # visits still in an outbox when the run ended
    samples: dict[str, str] = field(default_factory=dict)  # the first error answer of each status, as received
    misshapen: int = 0                               # error answers not in the error shape, 503s without Retry-After

    def record(self, action: str, outcome: str) -> None:
        with self.lock:
            self.log.append((time.time(), action, outcome))

    def record_error(self, response: requests.Response) -> None:
        status = str(response.status_code)
        with self.lock:
            self.samples.setdefault(status, f"Retry-After: {response.headers.get('Retry-After')}, "
                                            f"{response.text.strip()}")
            self.misshapen += not in_error_shape(response)

    def shape_ok(self) -> bool:
        return self.misshapen == 0


def in_error_shape(response: requests.Response) -> bool:
    """``{"code","status","message","errors"}`` with a Chinese message; a 503 also says when to try again."""
    try:
        body = response.json()
    except ValueError:
        return False
    return (isinstance(body, dict) and set(body) == {"code", "status", "message", "errors"}
            and body["code"] == response.status_code and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
            and (response.status_code != 503 or response.headers.get("Retry-After", "").isdigit()))


def _outcome_of(error: requests.RequestException) -> str:
    if isinstance(error, requests.Timeout):
        return "timeout"
    return "reset" if isinstance(error, requests.ConnectionError) else "error"


@dataclass
class _Pending:
    payload: dict
    photo: bytes | None
    tries: int = 0


class Phone:
    """One worker's phone: knocks, uploads, posts, and keeps what failed for later."""

    def __init__(self, base: str, token: str, doors: list[int], campaign: int, tally: Tally, seed: int,
                 think: float, die_share: float = 0.0):
        self.base, self.doors, self.campaign, self.tally = base, doors, campaign, tally
        self.rng = random.Random(seed)
        self.think, self.die_share = think, die_share
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.outbox: deque[_Pending] = deque()

    def _request(self, action: str, tries: int, send) -> requests.Response | None:
        if tries:
            with self.tally.lock:
                self.tally.retries += 1
        try:
            response = send()
        except requests.RequestException as error:
            self.tally.record(action, _outcome_of(error))
            return None
        self.tally.record(action, str(response.status_code))
        if response.status_code >= 300:
            self.tally.record_error(response)
            return None
        return response

    def knock(self) -> None:
        contacted = self.rng.random() < 0.7
        payload = {"id": str(uuid.uuid4()), "campaign_id": self.campaign, "household_id": self.rng.choice(self.doors),
                   "outcome": "contacted" if contacted else "not_home",
                   "visited_at": dt.datetime.now(dt.timezone.utc).isoformat(),
                   "materials": [{"code": "notice", "quantity": 1}] if contacted else []}
        self.outbox.append(_Pending(payload, photo(self.rng) if contacted else None))

    def deliver(self, visit: _Pending) -> bool:
        """Upload the photo if it has none yet, then post the visit; True once the server has it (or the phone died)."""
        if visit.photo is not None and "photo_file_id" not in visit.payload:
            uploaded = self._request("upload", visit.tries, lambda: self.session.post(
                f"{self.base}{API}/files", data={"kind": "photo"},
                files={"file": ("p.jpg", visit.photo, "image/jpeg")}, timeout=TIMEOUT))
            visit.tries += 1
            if uploaded is None:
                return False
            visit.payload["photo_file_id"] = uploaded.json()["id"]
            visit.tries = 0
            if self.rng.random() < self.die_share:  # the phone dies before the visit is posted
                with self.tally.lock:
                    self.tally.abandoned[uploaded.json()["id"]] = uploaded.json()["sha256"]
                return True
        with self.tally.lock:
            self.tally.attempted.add(visit.payload["id"])
        posted = self._request("visit", visit.tries, lambda: self.session.post(
            f"{self.base}{API}/visits", json=visit.payload, timeout=TIMEOUT))
        visit.tries += 1
        if posted is None:
            return False
        with self.tally.lock:
            self.tally.sent.add(visit.payload["id"])
        return True

    def run(self, until: float, drain: float) -> None:
        """Knock until ``until``, then only empty the outbox, for ``drain`` seconds at most."""
        while (now := time.time()) < until or (self.outbox and now < until + drain):
            if now < until:
                self.knock()
            while self.outbox and self.deliver(self.outbox[0]):
                self.outbox.popleft()
            # After a failure the phone tries again within a second (sooner than Retry-After asks): recovery shows.
            pause = self.think if not self.outbox else self.rng.uniform(0.2, 1.0)
            time.sleep(self.rng.uniform(0.5, 1.5) * pause)
        with self.tally.lock:
            self.tally.unsent += len(self.outbox)


def run_phones(base: str, data: dict, tally: Tally, seconds: float, think: float, die_share: float = 0.0,
               drain: float = 30.0) -> list[threading.Thread]:
    """Start one thread per worker prepared by field_evening.prepare; returns the running threads."""
    until = time.time() + seconds
    threads = [threading.Thread(target=Phone(base, token, data["doors"][grid], data["campaign"], tally, n, think,
                                             die_share).run, args=(until, drain), daemon=True)
               for n, (token, grid) in enumerate(data["workers"])]
    for thread in threads:
        thread.start()
    return threads


def add_phone_arguments(parser: argparse.ArgumentParser, seconds: float, think: float, households: int) -> None:
    """The options every fault script has: how many phones, for how long, how fast, in how large a city."""
    parser.add_argument("--phones", type=int, default=12, help="worker phones posting visits at once")
    parser.add_argument("--seconds", type=float, default=seconds, help="how long the phones knock")
    parser.add_argument("--think", type=float, default=think, help="seconds between one phone's doors")
    parser.add_argument("--households", type=int, default=households)
