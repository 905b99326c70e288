"""A grid worker's day on a 360×740 phone in Chromium: invite code, door code, visit form, and dead spots."""
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from models import Building, Household, HouseholdProgress, Pledge, Role, Standing, User, Visit, user_area
from server.extensions import db
from server.services.access.accounts import issue_invite_code
from server.services.reports.worker_activity import distance_m
from tests.browser.conftest import invite_sign_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"worker-{name}.png"), full_page=True)


@pytest.fixture
def worker(live_server):
    """A demo grid worker with a fresh invite code, and the unvisited doors of their grid."""
    with live_server.app_for_tests.app_context():
        user = db.session.scalars(select(User).where(User.role == Role.GRID_WORKER).order_by(User.id)).first()
        code = issue_invite_code(user)
        grid_id = db.session.scalar(select(user_area.c.area_id).where(user_area.c.user_id == user.id))
        doors = db.session.execute(
            select(Household.id, Household.token).join(Building).where(Building.grid_id == grid_id)
            .where(~Household.id.in_(select(HouseholdProgress.household_id)), Household.occupancy != "vacant")
            .order_by(Household.id)).all()
        db.session.commit()
        return {"id": user.id, "code": code, "doors": [tuple(d) for d in doors]}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url,
                                  geolocation={"latitude": 29.5333, "longitude": 108.7707},
                                  permissions=["geolocation"])
    page = context.new_page()
    yield page
    context.close()


def count(live_server, model, **where):
    with live_server.app_for_tests.app_context():
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def photo_file(tmp_path) -> Path:
    path = tmp_path / "door.jpg"
    Image.new("RGB", (3000, 2000), (120, 90, 60)).save(path, "JPEG")
    return path


def draw(page):
    page.get_by_test_id("signature-pad").scroll_into_view_if_needed()
    box = page.get_by_test_id("signature-pad").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 100)
    page.mouse.down()
    for step in range(1, 10):
        page.mouse.move(box["x"] + 20 + step * 28, box["y"] + 40 + (step % 3) * 40, steps=3)
    page.mouse.up()


def go_offline(page):
    """A dead spot: no network for the page, and none for the requests its service worker lets through."""
    page.context.set_offline(True)
    page.context.route("**/api/**", lambda route: route.abort("internetdisconnected"))


def go_online(page):
    page.context.unroute("**/api/**")
    page.context.set_offline(False)


def fill_contacted(page, photo=None, signer=None):
    page.get_by_test_id("material-notice").get_by_role("button", name="增加").click()
    if photo:
        page.get_by_test_id("photo").set_input_files(str(photo))
        page.locator("#photo-preview").wait_for(state="visible")
    if signer:
        page.locator("#signer-name").fill(signer)
        draw(page)


def queue_offline(page, doors):
    """Visits recorded in a dead spot: each saved to the phone's queue, none sent; ends on the home page."""
    go_offline(page)
    for household_id, _ in doors:
        page.goto(f"/w/visit?household={household_id}")
        page.get_by_test_id("household-label").filter(has_not_text="…").wait_for()
        fill_contacted(page)
        page.get_by_role("button", name="保存").click()
        page.get_by_text("待同步：有信号时自动发送").wait_for()
    page.goto("/w/")
    page.wait_for_function("(n) => document.querySelectorAll('[data-testid=queued]').length === n", arg=len(doors))

def test_a_worker_signs_in_with_an_invite_code_scans_a_door_and_records_a_visit(phone, live_server, worker, tmp_path):
    page = phone
    invite_sign_in(page, worker["code"])
    assert page.get_by_test_id("todo-list").locator("li").count() > 0
    shot(page, "home")
    household_id, token = worker["doors"][0]
    page.goto(f"/q/{token}")
    page.wait_for_url(f"**/w/visit?household={household_id}")
    page.get_by_test_id("household-label").filter(has_not_text="…").wait_for()
    page.get_by_text("已定位").wait_for()
    fill_contacted(page, photo_file(tmp_path), "张三")
    shot(page, "visit-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_function("() => ['这户现在', '未被接收', '待同步'].some(p => "
                           "document.getElementById('saved-state').textContent.startsWith(p))", timeout=15000)
    assert page.locator("#saved-state").inner_text() == "这户现在：三有齐全"
    shot(page, "visit-saved")
    with live_server.app_for_tests.app_context():
        visit = db.session.scalar(select(Visit).where(Visit.household_id == household_id))
        assert visit.photo_file_id and visit.lat and visit.accuracy_m is not None
        # The browser's WGS-84 fix is stored in GCJ-02, the map's system: a few hundred metres away in China.
        assert 300 < distance_m(visit.lat, visit.lng, 29.5333, 108.7707) < 700
        assert db.session.scalar(select(Pledge).where(Pledge.visit_id == visit.id)).signer_name == "张三"
        assert Standing(db.session.get(Household, household_id),
                        db.session.get(HouseholdProgress, (household_id, visit.campaign_id))).documented


def test_a_form_missing_what_its_outcome_needs_says_so_in_place(phone, live_server, worker):
    page = phone
    invite_sign_in(page, worker["code"])
    household_id, _ = worker["doors"][1]
    page.goto(f"/w/visit?household={household_id}")
    page.get_by_test_id("household-label").filter(has_not_text="…").wait_for()
    page.get_by_role("button", name="保存").click()
    assert page.locator("#error-materials").inner_text() == "入户宣传至少要发放一种资料"
    page.get_by_text("空置", exact=True).click()
    page.get_by_role("button", name="保存").click()
    assert page.locator("#error-outcome").inner_text() == "登记空置需要拍照或填写备注"
    page.get_by_test_id("photo").set_input_files({"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"})
    assert page.locator("#error-photo").inner_text() == "请选择照片文件"
    page.locator("#note").fill("门口贴了出租告示")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("这户现在：").wait_for(timeout=15000)
    assert count(live_server, Visit, household_id=household_id) == 1


def test_visits_recorded_in_a_dead_spot_survive_a_reload_and_arrive_exactly_once(phone, live_server, worker):
    page = phone
    invite_sign_in(page, worker["code"])
    doors = worker["doors"][2:5]
    queue_offline(page, doors)
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=queued]').length === 3")
    shot(page, "offline-queue")
    assert sum(count(live_server, Visit, household_id=h) for h, _ in doors) == 0
    go_online(page)
    page.get_by_role("button", name="同步").click()
    page.get_by_text("已同步 3 条").wait_for(timeout=15000)
    assert sum(count(live_server, Visit, household_id=h) for h, _ in doors) == 3
    page.get_by_role("button", name="同步").click()
    page.get_by_text("已同步 0 条").wait_for()
    assert sum(count(live_server, Visit, household_id=h) for h, _ in doors) == 3
    assert page.get_by_test_id("queued").count() == 0


def test_a_door_code_scanned_without_signal_opens_its_visit_form(phone, live_server, worker):
    page = phone
    invite_sign_in(page, worker["code"])
    page.wait_for_function("() => window.qiaomenWorker !== undefined")
    page.evaluate("window.qiaomenWorker.refreshApp()")
    household_id, token = worker["doors"][5]
    go_offline(page)
    page.goto(f"/q/{token}")
    page.wait_for_url(f"**/w/visit?household={household_id}")
    page.get_by_test_id("household-label").filter(has_not_text="…").wait_for()
    go_online(page)


def test_a_visit_the_server_refuses_stays_in_the_queue_with_its_reason(phone, live_server, worker):
    page = phone
    invite_sign_in(page, worker["code"])
    with live_server.app_for_tests.app_context():
        elsewhere = db.session.scalars(select(Household.id).join(Building).where(
            Building.grid_id != db.session.scalar(select(user_area.c.area_id).where(
                user_area.c.user_id == worker["id"])))).first()
    page.wait_for_function("() => window.qiaomenWorker !== undefined")
    page.evaluate("""async ([household]) => {
        const app = await window.qiaomenWorker.refreshApp();
        await window.qiaomenWorker.store.put("queue", {id: crypto.randomUUID(), label: "别的网格", outcomeLabel: "无人在家",
          status: "pending", visit: {id: crypto.randomUUID(), campaign_id: app.campaign.id, household_id: household,
          outcome: "not_home", visited_at: new Date().toISOString(), materials: []}});
    }""", [elsewhere])
    page.reload()
    page.get_by_role("button", name="同步").click()
    refused = page.get_by_test_id("queued").filter(has_text="未被接收")
    refused.wait_for(timeout=15000)
    assert "不在您的网格" in refused.inner_text()
    shot(page, "refused")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="清空队列").click()
    page.get_by_test_id("queue").wait_for(state="hidden")


PHONE_COPY = """() => new Promise((resolve) => {
    const opened = indexedDB.open("qiaomen-worker", 1);
    opened.onsuccess = () => {
        const counts = {}, stores = ["app", "doors", "queue"];
        const t = opened.result.transaction(stores, "readonly");
        stores.forEach((name) => { const c = t.objectStore(name).count(); c.onsuccess = () => { counts[name] = c.result; }; });
        t.oncomplete = () => resolve(counts);
    };
})"""



def test_logging_out_with_unsent_visits_says_how_many_and_sends_them_before_forgetting_the_phones_copy(
        phone, live_server, worker):
    page = phone
    invite_sign_in(page, worker["code"])
    page.wait_for_function("() => window.qiaomenWorker !== undefined")  # worker.js is deferred
    token = page.evaluate("window.qiaomenWorker.refreshApp().then((app) => app.token)")
    doors = worker["doors"][6:8]
    queue_offline(page, doors)
    page.get_by_role("button", name="退出登录").click()
    assert "还有 2 条走访记录没有发送" in page.get_by_test_id("logout-count").inner_text()
    shot(page, "logout-queued")
    page.get_by_role("button", name="先同步再退出").click()
    page.get_by_text("没有网络，无法同步").wait_for(timeout=15000)
    assert page.url.endswith("/w/") and page.evaluate(PHONE_COPY)["queue"] == 2
    go_online(page)
    page.get_by_role("button", name="先同步再退出").click()
    page.wait_for_url("**/w/login", timeout=15000)
    assert sum(count(live_server, Visit, household_id=h) for h, _ in doors) == 2
    assert page.evaluate(PHONE_COPY) == {"app": 0, "doors": 0, "queue": 0}
    refused = page.request.get("/api/mp/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status == 401, "the page's token ended with its sign-in"


def test_a_worker_may_give_up_unsent_visits_only_by_saying_so_and_then_nothing_stays_on_the_phone(
        phone, live_server, worker):
    page = phone
    invite_sign_in(page, worker["code"])
    doors = worker["doors"][8:9]
    page.context.route("**/api/mp/v1/sync", lambda route: route.abort("internetdisconnected"))
    queue_offline(page, doors)
    go_online(page)  # the pages are reachable again, but a visit still cannot be sent
    page.get_by_role("button", name="退出登录").click()
    page.get_by_test_id("logout-dialog").wait_for()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="放弃这些记录并退出").click()
    assert page.url.endswith("/w/") and page.evaluate(PHONE_COPY)["queue"] == 1, "dismissed: nothing dropped"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="放弃这些记录并退出").click()
    page.wait_for_url("**/w/login", timeout=15000)
    assert page.evaluate(PHONE_COPY) == {"app": 0, "doors": 0, "queue": 0}
    assert count(live_server, Visit, household_id=doors[0][0]) == 0


def test_logging_out_with_nothing_queued_signs_out_at_once_and_clears_the_phones_copy(phone, live_server, worker):
    page = phone
    invite_sign_in(page, worker["code"])
    page.wait_for_function("() => window.qiaomenWorker !== undefined")
    page.evaluate("window.qiaomenWorker.refreshApp()")
    assert page.evaluate(PHONE_COPY)["doors"] > 0
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/w/login", timeout=15000)
    assert page.evaluate(PHONE_COPY) == {"app": 0, "doors": 0, "queue": 0}
    page.goto("/w/")
    page.wait_for_url("**/w/login**")


def test_a_worker_finds_a_door_by_the_heads_phone_without_the_number_entering_any_address(phone, live_server, worker):
    page = phone
    invite_sign_in(page, worker["code"])
    with live_server.app_for_tests.app_context():
        household = next(h for h in (db.session.get(Household, i) for i, _ in worker["doors"]) if h.head_phone)
        number, label, household_id = household.head_phone, household.label, household.id
    sent = []
    page.on("request", lambda request: sent.append(f"{request.url} {request.headers.get('referer', '')}"))
    page.goto("/w/search")
    page.get_by_placeholder("或输入户主完整手机号").fill(number)
    page.get_by_role("button", name="按电话找").click()
    page.get_by_test_id("search-results").get_by_role("link", name=label).click()
    page.wait_for_url(f"**/w/visit?household={household_id}")
    assert len(sent) >= 3 and not [line for line in sent if number in line]
