#!/usr/bin/env python
"""A local stand-in for WeChat's server API, for development and tests, over real HTTP on loopback.

It follows the documented protocol of the calls Qiaomen makes, errors included:

    GET  /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code
    POST /cgi-bin/stable_token                 {"grant_type","appid","secret","force_refresh"}
    POST /wxa/getwxacodeunlimit?access_token   {"scene","page","check_path","env_version","width"}
    POST /wxa/business/getuserphonenumber?access_token   {"code"}
    POST /wxa/msg_sec_check?access_token       {"content","version":2,"scene","openid"}

Codes given to ``jscode2session`` or ``getuserphonenumber`` work once; codes that
start with ``invalid`` answer 40029, ``busy`` answers -1, ``frequent`` 45011.
Content with 违禁 is ``risky`` and with 待审 ``review`` for ``msg_sec_check``.

Tests steer it through ``/_standin/...``: ``reset``, ``expire-tokens?errcode=42001``
(tokens already issued answer that code; ``&sticky=1``: new ones too), ``delay?seconds=2``, and ``calls``
(how often each API was called).

    python scripts/wechat_standin.py --port 9100 --appid wxstandin0000001 --secret standin-secret
    WECHAT_API_BASE=http://127.0.0.1:9100 WECHAT_APPID=wxstandin0000001 WECHAT_SECRET=standin-secret make run
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import secrets
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEFAULT_APPID = "wxstandin0000001"
DEFAULT_SECRET = "standin-secret"
SCENE = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}")
TOKEN_LIFETIME = 7200


class StandinState:
    """What the stand-in remembers: issued tokens, used codes, call counts, injected faults."""

    def __init__(self, appid: str, secret: str):
        self.appid, self.secret = appid, secret
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.tokens: dict[str, tuple[float, int]] = {}  # token → (expires at, errcode if spoilt)
            self.current: str | None = None
            self.used_codes: set[str] = set()
            self.calls: Counter = Counter()
            self.delay = 0.0
            self.spoil_new = 0  # errcode every newly issued token answers with (0: none)

    def issue_token(self, force: bool) -> tuple[str, int]:
        with self.lock:
            now = time.time()
            current = self.tokens.get(self.current) if self.current else None
            if current and not force and current[1] == 0 and current[0] > now:
                return self.current, int(current[0] - now)
            token = "ACCESS_" + secrets.token_urlsafe(24)
            self.tokens[token] = (now + TOKEN_LIFETIME, self.spoil_new)
            self.current = token
            return token, TOKEN_LIFETIME

    def token_error(self, token: str | None) -> int:
        """0 for a good token, else the errcode WeChat gives: 40001 unknown, 42001 expired, or the injected one."""
        with self.lock:
            if not token:
                return 41001  # access_token missing
            entry = self.tokens.get(token)
            if entry is None:
                return 40001
            expires, spoilt = entry
            if spoilt:
                return spoilt
            return 42001 if expires <= time.time() else 0

    def spoil_tokens(self, errcode: int, sticky: bool = False) -> None:
        with self.lock:
            self.tokens = {t: (exp, errcode) for t, (exp, _) in self.tokens.items()}
            if sticky:
                self.spoil_new = errcode

    def use_code(self, code: str) -> int:
        """0 for a fresh code; WeChat's errcode otherwise."""
        with self.lock:
            if not code or code.startswith("invalid"):
                return 40029
            if code.startswith("busy"):
                return -1
            if code.startswith("frequent"):
                return 45011
            if code in self.used_codes:
                return 40163
            self.used_codes.add(code)
            return 0


def _error(errcode: int) -> dict:
    messages = {-1: "system error", 40001: "invalid credential, access_token is invalid or not latest",
                40013: "invalid appid", 40029: "invalid code", 40125: "invalid appsecret",
                40163: "code been used", 40169: "invalid length for scene, or the data is not json string",
                41001: "access_token missing", 42001: "access_token expired", 45011: "api minute-quota reach limit",
                47001: "data format error", 40014: "invalid access_token"}
    return {"errcode": errcode, "errmsg": f"{messages.get(errcode, 'error')} rid: {secrets.token_hex(4)}"}


def _code_image(text: str, width: int) -> bytes:
    """A stand-in 小程序码: a QR code of the scene, as WeChat returns an image."""
    import qrcode

    image = qrcode.make(text, box_size=max(2, width // 45), border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Handler(BaseHTTPRequestHandler):
    server_version = "WeChatStandin/1.0"
    state: StandinState

    def log_message(self, *args):  # quiet under tests
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer

    def _send_json(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _send_image(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> dict | None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return None

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/_standin/calls":
            return self._send_json(dict(self.state.calls))
        if url.path == "/sns/jscode2session":
            return self._jscode2session(query)
        self._send_json(_error(47001), 404)

    def do_POST(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path.startswith("/_standin/"):
            return self._control(url.path.removeprefix("/_standin/"), query)
        body = self._body()
        handlers = {"/cgi-bin/stable_token": self._stable_token, "/wxa/getwxacodeunlimit": self._wxacode,
                    "/wxa/business/getuserphonenumber": self._phone, "/wxa/msg_sec_check": self._msg_sec_check}
        handler = handlers.get(url.path)
        if handler is None:
            return self._send_json(_error(47001), 404)
        self.state.calls[url.path] += 1
        if self.state.delay:
            time.sleep(self.state.delay)
        if body is None:
            return self._send_json(_error(47001))
        if url.path != "/cgi-bin/stable_token":
            errcode = self.state.token_error(query.get("access_token"))
            if errcode:
                return self._send_json(_error(errcode))
        handler(body)

    def _control(self, action: str, query: dict) -> None:
        if action == "reset":
            self.state.reset()
        elif action == "expire-tokens":
            self.state.spoil_tokens(int(query.get("errcode", 42001)), sticky=query.get("sticky") == "1")
        elif action == "delay":
            self.state.delay = float(query.get("seconds", 0))
        else:
            return self._send_json({"error": "unknown control"}, 404)
        self._send_json({"ok": True})

    def _jscode2session(self, query: dict) -> None:
        self.state.calls["/sns/jscode2session"] += 1
        if self.state.delay:
            time.sleep(self.state.delay)
        if query.get("appid") != self.state.appid:
            return self._send_json(_error(40013))
        if query.get("secret") != self.state.secret:
            return self._send_json(_error(40125))
        if query.get("grant_type") != "authorization_code":
            return self._send_json(_error(40002))
        code = query.get("js_code", "")
        errcode = self.state.use_code(code)
        if errcode:
            return self._send_json(_error(errcode))
        person = code.split(":", 1)[-1] if ":" in code else code
        openid = "o" + hashlib.sha256(f"{self.state.appid}:{person}".encode()).hexdigest()[:27]
        self._send_json({"openid": openid, "session_key": secrets.token_urlsafe(16)})

    def _stable_token(self, body: dict) -> None:
        if body.get("grant_type") != "client_credential":
            return self._send_json(_error(40002))
        if body.get("appid") != self.state.appid:
            return self._send_json(_error(40013))
        if body.get("secret") != self.state.secret:
            return self._send_json(_error(40125))
        token, expires_in = self.state.issue_token(bool(body.get("force_refresh")))
        self._send_json({"access_token": token, "expires_in": expires_in})

    def _wxacode(self, body: dict) -> None:
        scene = body.get("scene")
        if not isinstance(scene, str) or not SCENE.fullmatch(scene):
            return self._send_json(_error(40169))
        page = body.get("page", "")
        if page.startswith("/") or "?" in page:
            return self._send_json({"errcode": 41030, "errmsg": "invalid page"})
        width = int(body.get("width") or 430)
        self._send_image(_code_image(f"standin-wxacode:{page}?scene={scene}", max(280, min(width, 1280))))

    def _phone(self, body: dict) -> None:
        code = body.get("code", "")
        errcode = self.state.use_code(code)
        if errcode:
            return self._send_json(_error(errcode))
        digits = int(hashlib.sha256(code.encode()).hexdigest(), 16) % 10**8
        number = f"139{digits:08d}"
        self._send_json({"errcode": 0, "errmsg": "ok", "phone_info": {
            "phoneNumber": number, "purePhoneNumber": number, "countryCode": "86",
            "watermark": {"timestamp": int(time.time()), "appid": self.state.appid}}})

    def _msg_sec_check(self, body: dict) -> None:
        if body.get("version") != 2 or not body.get("openid") or body.get("scene") not in (1, 2, 3, 4):
            return self._send_json(_error(47001))
        content = body.get("content", "")
        suggest, label = ("risky", 20006) if "违禁" in content else ("review", 21000) if "待审" in content \
            else ("pass", 100)
        self._send_json({"errcode": 0, "errmsg": "ok", "trace_id": secrets.token_hex(8),
                         "result": {"suggest": suggest, "label": label},
                         "detail": [{"strategy": "content_model", "errcode": 0, "suggest": suggest,
                                     "label": label, "prob": 90}]})


def make_server(port: int = 0, appid: str = DEFAULT_APPID, secret: str = DEFAULT_SECRET) -> ThreadingHTTPServer:
    """A stand-in bound to 127.0.0.1 (port 0: any free port); ``.url`` and ``.state`` are set."""
    state = StandinState(appid, secret)
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    server.state = state
    server.url = f"http://127.0.0.1:{server.server_port}"
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--appid", default=DEFAULT_APPID)
    parser.add_argument("--secret", default=DEFAULT_SECRET)
    args = parser.parse_args()
    server = make_server(args.port, args.appid, args.secret)
    print(f"WeChat stand-in on {server.url} (appid {args.appid})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
