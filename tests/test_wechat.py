"""The WeChat client against the local stand-in, over real HTTP: codes, token sharing, retries, failures."""
import pytest
import requests
from sqlalchemy import select

from models import Role, WeChatAccessToken
from server.app import create_app
from server.extensions import db as _db
from server.services.wechat.client import WeChatClient, WeChatError, WeChatUnavailable
from tests.factories import make_building, make_household, make_tree, make_user
from tests.qr import decode_image

PASSWORD = "correct-horse-9"


def calls(server, path):
    return requests.get(f"{server.url}/_standin/calls", timeout=5).json().get(path, 0)


def control(server, action, **params):
    requests.post(f"{server.url}/_standin/{action}", params=params, timeout=5).raise_for_status()


@pytest.fixture
def client_(app, wechat):
    return WeChatClient.from_config(app.config)


@pytest.fixture
def household(db):
    _, _, community, grids = make_tree()
    household = make_household(make_building(grids[0], "3栋"), unit="2", room="501")
    make_user(Role.COMMUNITY_HEAD, [community], username="head", password=PASSWORD)
    _db.session.commit()
    return household


def test_a_miniprogram_code_comes_back_as_an_image_carrying_the_door_token(client_, household):
    data, content_type = client_.unlimited_wxacode(household.token, "pages/door/index")
    assert content_type == "image/png"
    assert decode_image(data) == [f"standin-wxacode:pages/door/index?scene={household.token}"]


def test_the_access_token_is_fetched_once_and_shared_by_two_app_instances(app, wechat, database, client_):
    first = client_.access_token()
    assert _db.session.scalar(select(WeChatAccessToken.access_token)) == first
    other_app = create_app({**{k: app.config[k] for k in (
        "QIAOMEN_ENV", "SQLALCHEMY_DATABASE_URI", "WECHAT_APPID", "WECHAT_SECRET", "WECHAT_API_BASE",
        "WECHAT_TIMEOUT")}})
    with other_app.app_context():
        assert WeChatClient.from_config(other_app.config).access_token() == first
        _db.engine.dispose()
    assert calls(wechat, "/cgi-bin/stable_token") == 1


@pytest.mark.parametrize("errcode", [40001, 42001])
def test_a_refused_token_is_refreshed_and_the_call_retried_once(client_, wechat, household, errcode):
    client_.unlimited_wxacode(household.token, "pages/door/index")
    control(wechat, "expire-tokens", errcode=errcode)
    data, _ = client_.unlimited_wxacode(household.token, "pages/door/index")
    assert data.startswith(b"\x89PNG")
    assert calls(wechat, "/cgi-bin/stable_token") == 2
    assert calls(wechat, "/wxa/getwxacodeunlimit") == 3


def test_a_token_that_keeps_failing_is_retried_once_never_in_a_loop(client_, wechat, household):
    control(wechat, "expire-tokens", errcode=40001, sticky=1)
    with pytest.raises(WeChatError) as error:
        client_.unlimited_wxacode(household.token, "pages/door/index")
    assert error.value.errcode == 40001
    assert calls(wechat, "/wxa/getwxacodeunlimit") == 2


def test_an_invalid_scene_is_reported_with_wechats_errcode(client_):
    with pytest.raises(WeChatError) as error:
        client_.unlimited_wxacode("中文不是合法的场景值", "pages/door/index")
    assert error.value.errcode == 40169


def test_json_instead_of_an_image_is_an_error_with_its_errcode(client_, household):
    with pytest.raises(WeChatError) as error:
        client_.unlimited_wxacode(household.token, "/pages/with/leading/slash")
    assert error.value.errcode == 41030


def test_a_slow_wechat_times_out_as_unavailable(app, client_, wechat, household):
    client_.timeout = 0.3
    control(wechat, "delay", seconds=1)
    with pytest.raises(WeChatUnavailable):
        client_.unlimited_wxacode(household.token, "pages/door/index")


def test_an_unreachable_wechat_is_unavailable(app, household):
    app.config.update(WECHAT_APPID="wx1", WECHAT_SECRET="s", WECHAT_API_BASE="http://127.0.0.1:9", WECHAT_TIMEOUT=1)
    with pytest.raises(WeChatUnavailable):
        WeChatClient.from_config(app.config).access_token()


def test_a_head_gets_the_households_miniprogram_code_fetched_once_then_cached(client, login, wechat, household):
    login("head", PASSWORD)
    first = client.get(f"/staff/households/{household.id}/wxacode")
    second = client.get(f"/staff/households/{household.id}/wxacode")
    assert first.status_code == second.status_code == 200
    assert first.mimetype == "image/png" and first.data == second.data
    assert calls(wechat, "/wxa/getwxacodeunlimit") == 1


def test_wechat_failures_reach_the_head_as_a_clear_502_never_a_500(client, login, app, wechat, household):
    login("head", PASSWORD)
    app.config["WECHAT_MP_PAGE"] = "/bad/page"
    refused = client.get(f"/staff/households/{household.id}/wxacode")
    assert refused.status_code == 502 and "errcode 41030" in refused.get_data(as_text=True)
    app.config.update(WECHAT_MP_PAGE="pages/door/index", WECHAT_TIMEOUT=0.3)
    control(wechat, "delay", seconds=1)
    slow = client.get(f"/staff/households/{household.id}/wxacode")
    assert slow.status_code == 502 and "微信接口暂时无法访问" in slow.get_data(as_text=True)


def test_without_wechat_settings_there_is_no_miniprogram_code(client, login, household):
    login("head", PASSWORD)
    assert client.get(f"/staff/households/{household.id}/wxacode").status_code == 404


def test_the_standin_follows_jscode2session_codes_work_once(client_):
    session = client_.code_to_session("wx-login-code:张三")
    assert session["openid"].startswith("o") and session["session_key"]
    again = client_.code_to_session("wx-login-code-2:张三")
    assert again["openid"] == session["openid"], "the same person gets the same openid"
    for code, errcode in (("wx-login-code:张三", 40163), ("invalid-code", 40029), ("frequent", 45011),
                          ("busy", -1)):
        with pytest.raises(WeChatError) as error:
            client_.code_to_session(code)
        assert error.value.errcode == errcode


def test_the_standin_follows_getuserphonenumber_and_msg_sec_check(client_):
    phone = client_.user_phone_number("phone-code-1")
    assert phone["purePhoneNumber"].startswith("1") and phone["countryCode"] == "86"
    assert client_.msg_sec_check("楼道很干净，谢谢社区", "o123")["suggest"] == "pass"
    assert client_.msg_sec_check("这里有违禁内容", "o123")["suggest"] == "risky"
    assert client_.msg_sec_check("这段话待审", "o123")["suggest"] == "review"


def test_the_app_secret_and_codes_never_reach_the_log_when_wechat_is_unreachable(app, caplog):
    app.config.update(WECHAT_APPID="wx1", WECHAT_SECRET="app-secret-do-not-log", WECHAT_API_BASE="http://127.0.0.1:9",
                      WECHAT_TIMEOUT=1)
    with caplog.at_level("INFO"), pytest.raises(WeChatUnavailable):
        WeChatClient.from_config(app.config).code_to_session("js-code-do-not-log")
    assert "unreachable" in caplog.text
    assert "app-secret-do-not-log" not in caplog.text and "js-code-do-not-log" not in caplog.text


def test_a_bearer_token_never_reaches_the_log_even_when_it_is_refused(client, app, caplog):
    token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.secret-token-part"
    with caplog.at_level("DEBUG"):
        assert client.get("/api/mp/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "secret-token-part" not in caplog.text
