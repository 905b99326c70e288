#!/usr/bin/env python
"""Play the WeChat mini-program against a running Qiaomen server, over HTTP, and watch the ledger move.

It logs in through WeChat (the local stand-in), binds an invite code, scans a
door URL, uploads a photo and a signature, records visits with a signed
pledge, sends an offline batch twice, and prints the ledger of the worker's
grid before and after. It checks that the ledger moved exactly as the visits say.

    python scripts/play_miniprogram.py            # self-contained: stand-in, demo database and gunicorn of its own
    python scripts/play_miniprogram.py --server http://127.0.0.1:8000 --invite ABCDE-FGHJK \\
        --door-url http://127.0.0.1:8000/q/<token> [--door-url …]   # against a server you run (unvisited doors)

In the second form the server must point at the stand-in (WECHAT_API_BASE) or run without WECHAT_APPID
(development login).
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
API = "/api/mp/v1"
COUNTERS = ("visited", "contacted", "pledged", "documented", "revisit_due")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def own_server():
    """A stand-in for WeChat, a demo database and gunicorn serving Qiaomen against them."""
    sys.path.insert(0, str(ROOT))
    from scripts.wechat_standin import DEFAULT_APPID, DEFAULT_SECRET, make_server

    standin = make_server()
    threading.Thread(target=standin.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {**os.environ, "QIAOMEN_ENV": "development", "QIAOMEN_INSTANCE_DIR": folder,
               "DATABASE_URL": f"sqlite:///{folder}/play.db",
               "UPLOAD_DIR": f"{folder}/uploads", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
               "WECHAT_APPID": DEFAULT_APPID, "WECHAT_SECRET": DEFAULT_SECRET, "WECHAT_API_BASE": standin.url}
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        subprocess.run(flask + ["db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run(flask + ["seed-demo", "--households", "300"], env=env, cwd=ROOT, check=True, capture_output=True)
        with sqlite3.connect(f"{folder}/play.db") as conn:
            grid_id = conn.execute("SELECT id FROM area WHERE level = 'grid' ORDER BY id LIMIT 1").fetchone()[0]
            doors = [f"http://127.0.0.1:{port}/q/{token}" for (token,) in conn.execute(
                "SELECT h.token FROM household h JOIN building b ON b.id = h.building_id "
                "WHERE b.grid_id = ? AND h.occupancy != 'vacant' "
                "AND h.id NOT IN (SELECT household_id FROM household_progress) ORDER BY h.id LIMIT 6", (grid_id,))]
        made = subprocess.run(flask + ["create-user", "--role", "grid_worker", "--area", str(grid_id), "--name", "张三"],
                              env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
        invite = re.search(r"一次性邀请码：(\S+)（", made).group(1)
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
                                   "wsgi:app"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(f"{base}/healthz", timeout=5).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            else:
                raise SystemExit("gunicorn did not come up: " + server.stderr.read1().decode(errors="replace"))
            yield base, invite, doors
        finally:
            server.terminate()
            server.wait(timeout=60)
            standin.shutdown()


def photo_bytes() -> bytes:
    image = Image.new("RGB", (1200, 900), (200, 220, 240))
    ImageDraw.Draw(image).rectangle((300, 200, 900, 800), fill=(120, 80, 40))  # a door
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def signature_bytes() -> bytes:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(40, 150), (160, 40), (260, 160), (380, 50), (560, 140)], fill=(0, 0, 0, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class Phone:
    """What the mini-program does, one HTTP call at a time."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def call(self, method: str, path: str, expect: tuple[int, ...] = (200,), **kwargs):
        response = self.session.request(method, self.base + API + path, timeout=30, **kwargs)
        if response.status_code not in expect:
            raise SystemExit(f"{method} {path} → {response.status_code}: {response.text}")
        return response.json()

    def login(self, invite: str) -> dict:
        login = self.call("POST", "/auth/login", json={"code": f"wx-{uuid.uuid4().hex[:8]}:张三的微信"})
        self.session.headers["Authorization"] = f"Bearer {login['token']}"
        if not login["bound"]:
            login = self.call("POST", "/auth/bind", json={"invite_code": invite})
            self.session.headers["Authorization"] = f"Bearer {login['token']}"
        return login["user"]

    def upload(self, kind: str, data: bytes) -> str:
        return self.call("POST", "/files", expect=(201,), data={"kind": kind},
                         files={"file": (f"{kind}.bin", data, "application/octet-stream")})["id"]


def visit(campaign_id, household_id, outcome, **extra) -> dict:
    return {"id": str(uuid.uuid4()), "campaign_id": campaign_id, "household_id": household_id, "outcome": outcome,
            "visited_at": dt.datetime.now(dt.timezone.utc).isoformat(), **extra}


def show(title: str, ledger: dict) -> None:
    totals = ledger["totals"]
    print(f"{title:<8}" + "".join(f"{name:>13}" for name in ("households", "in_scope") + COUNTERS))
    print(f"{'':<8}" + "".join(f"{totals[name]:>13}" for name in ("households", "in_scope") + COUNTERS))


def play(base: str, invite: str, doors: list[str]) -> int:
    phone = Phone(base)
    user = phone.login(invite)
    grid = next(a for a in user["areas"] if a["level"] == "grid")
    print(f"登录并绑定：{user['name']}（{user['role_label']}），网格 {grid['name']}（{grid['id']}）")
    campaign = phone.call("GET", "/campaigns?active=1")[0]
    print(f"活动：{campaign['name']}；承诺书 v{campaign['pledge_text']['version']}")
    ledger_path = f"/ledger?campaign_id={campaign['id']}&area_id={grid['id']}"
    before = phone.call("GET", ledger_path)
    show("before", before)

    cards = [phone.call("GET", f"/households/by-qr/{door}") for door in doors[:6]]
    for card in cards[:1]:
        print(f"扫码：{card['household']['community']} {card['household']['label']}，已走访 {card['progress']['visits']} 次")
    photo, signature = phone.upload("photo", photo_bytes()), phone.upload("signature", signature_bytes())
    ids = [card["household"]["id"] for card in cards]
    materials = [{"code": "notice", "quantity": 1}, {"code": "pledge", "quantity": 1}, {"code": "brochure", "quantity": 1}]
    pledge = {"signer_name": "张三", "relation": "householder", "signature_file_id": signature}
    location = {"lat": 29.5333, "lng": 108.7707, "accuracy_m": 15}

    expected = dict.fromkeys(COUNTERS, 0)
    online = [visit(campaign["id"], ids[0], "contacted", materials=materials, photo_file_id=photo, pledge=pledge,
                    location=location, feedback={"category": "drop_off", "text": "希望楼下多放一个厨余垃圾桶"}),
              visit(campaign["id"], ids[1], "not_home", location=location)]
    for body in online:
        answer = phone.call("POST", "/visits", expect=(201,), json=body)
        print(f"走访 {body['outcome']:<10} → 201，进度 {answer['progress']}")
    replay = phone.call("POST", "/visits", expect=(200,), json=online[0])
    assert replay["visit"]["id"] == online[0]["id"]
    expected.update(visited=2, contacted=1, pledged=1, documented=1, revisit_due=1)

    offline = [visit(campaign["id"], ids[2], "contacted", materials=materials[:1], photo_file_id=photo, pledge=pledge),
               visit(campaign["id"], ids[3], "refused", note="住户表示不需要"),
               visit(campaign["id"], ids[4], "not_home"),
               visit(campaign["id"], ids[1], "contacted", materials=materials[2:], note="第二次上门，家里有人")]
    first = phone.call("POST", "/sync", json={"visits": offline})["results"]
    second = phone.call("POST", "/sync", json={"visits": offline})["results"]
    print("离线同步第一次：", [r["status"] for r in first])
    print("离线同步第二次：", [r["status"] for r in second])
    assert [r["status"] for r in first] == ["created"] * 4 and [r["status"] for r in second] == ["duplicate"] * 4
    # ids[2]: visited, contacted, pledged, documented; ids[3]: visited; ids[4]: visited, revisit;
    # ids[1]: was a revisit, now contacted (no photo: not documented).
    expected["visited"] += 3
    expected["contacted"] += 2
    expected["pledged"] += 1
    expected["documented"] += 1
    expected["revisit_due"] += 1 - 1

    after = phone.call("GET", ledger_path)
    show("after", after)
    moved = {name: after["totals"][name] - before["totals"][name] for name in COUNTERS}
    print("变化：", moved)
    print("应为：", expected)
    if moved != expected:
        print("台账变化与走访不符！")
        return 1
    print("台账的变化与走访完全一致。")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", help="a running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--invite", help="a worker's one-time invite code (with --server)")
    parser.add_argument("--door-url", action="append", default=[],
                        help="URLs of doors not yet visited in that worker's grid (5 or more)")
    args = parser.parse_args()
    if args.server:
        if not args.invite or len(args.door_url) < 5:
            parser.error("--server needs --invite and at least five --door-url")
        sys.exit(play(args.server.rstrip("/"), args.invite, args.door_url))
    with own_server() as (base, invite, doors):
        sys.exit(play(base, invite, doors))


if __name__ == "__main__":
    main()
