"""The Excel 台账 reads back to exactly the ledger's numbers, and every export is audited."""
import io

from openpyxl import load_workbook
from sqlalchemy import select

from models import AuditEvent, LedgerArea
from server.extensions import db as _db
from tests.field import bearer, upload, visit_payload
from tests.jobs import export
from tests.staff import sign_in

API = "/api/mp/v1"


def record_some_visits(client, app, field):
    headers = bearer(app, field.users["worker_a1"])
    photo, signature = upload(client, headers, "photo"), upload(client, headers, "signature")
    for n, household in enumerate(field.households_a1):
        outcome = ["contacted", "not_home", "refused"][n % 3]
        extra = {}
        if outcome == "contacted":
            extra = {"materials": [{"code": "notice", "quantity": 1}], "photo_file_id": photo}
            if n % 2 == 0:
                extra["pledge"] = {"signer_name": f"签字人{n}", "relation": "family", "signature_file_id": signature}
        client.post(f"{API}/visits", json=visit_payload(field.campaign, household, outcome, **extra), headers=headers)


def read(data):
    workbook = load_workbook(io.BytesIO(data))
    return workbook["入户宣传台账"], workbook["汇总"]


def test_the_downloaded_file_matches_the_ledger_exactly(client, app, field):
    record_some_visits(client, app, field)
    sign_in(client, "head_a")
    response = export(client, field.campaign, field.community_a)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    households, summary = read(response.data)
    header = [c.value for c in households[1]]
    assert header[:7] == ["序号", "街道", "社区", "网格", "楼栋", "单元", "户号"] and header[-4:] == ["回复情况", "答题得分", "知晓", "满意度"]
    assert households.freeze_panes == "A2"
    rows = [[c.value for c in r] for r in households.iter_rows(min_row=2)]
    ledger = _db.session.get(LedgerArea, (field.campaign.id, field.community_a.id))
    assert len(rows) == ledger.households
    assert sum(r[11] == "是" for r in rows) == ledger.pledged
    assert sum(r[9] == "入户宣传" for r in rows) == ledger.contacted
    assert sum(r[9] != "未走访" for r in rows) == ledger.visited
    assert sum(str(r[13]).startswith("=HYPERLINK") for r in rows) == ledger.contacted
    total = [c.value for c in list(summary.iter_rows())[-1]]
    assert total[0] == "金桥社区 合计"
    assert total[2:6] == [ledger.households, ledger.in_scope, ledger.visited, ledger.contacted]
    assert total[7] == ledger.pledged and total[9] == ledger.documented and total[11] == ledger.revisit_due
    event = _db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export_ledger"))
    assert event.user_id == field.users["head_a"].id and event.object_id == field.community_a.id


def test_the_cli_writes_the_same_export(runner, client, app, field, tmp_path):
    record_some_visits(client, app, field)
    output = tmp_path / "台账.xlsx"
    result = runner.invoke(args=["export-ledger", "--campaign", str(field.campaign.id), "--area",
                                 str(field.street.id), "-o", str(output)])
    assert result.exit_code == 0, result.output
    households, summary = read(output.read_bytes())
    assert households.max_row - 1 == 18 and "城西街道 合计" in [r[0].value for r in summary.iter_rows()]


def test_an_empty_area_exports_a_valid_file_with_headers(client, app, field):
    from models import AreaLevel
    from server.services.registry.areas import create_area

    empty = create_area("空网格", AreaLevel.GRID, field.community_a)
    _db.session.commit()
    sign_in(client, "head_a")
    response = export(client, field.campaign, empty)
    households, summary = read(response.data)
    assert households.max_row == 1 and households["A1"].value == "序号"


def test_another_communitys_export_is_404(client, field):
    sign_in(client, "head_b")
    area = f"campaign={field.campaign.id}&area={field.community_a.id}"
    assert client.get(f"/dashboard/jobs?{area}").status_code == 404
    assert client.post(f"/dashboard/export?{area}").status_code in (400, 404)  # no CSRF token from a page, or 404
