"""Reading the ledger's figures back from every place that shows them: pages, the API, the export, a recount.

Each reader returns what a person would count there, by the names of the ledger's counters
(``households``, ``in_scope``, ``visited``, ``contacted``, ``pledged``, ``documented``, ``revisit_due``)
and ``to_visit`` (not yet visited), so that a test can ask: does every place say the same?
"""
from __future__ import annotations

import io
import re
from collections import Counter

from openpyxl import load_workbook

from models import COUNTERS, AreaLevel, LedgerArea
from server.extensions import db
from server.services.ledger.rebuild import expected_rollups
from server.services.registry.areas import areas_under, buildings_under
from tests import jobs

API = "/api/mp/v1"


def stored(campaign, area) -> dict:
    """The live roll-up of ``area``, with ``to_visit`` as the overview implies it (in scope, not visited)."""
    row = db.session.get(LedgerArea, (campaign.id, area.id))
    counts = {name: getattr(row, name) if row else 0 for name in COUNTERS}
    return {**counts, "to_visit": counts["in_scope"] - counts["visited"]}


def recounted(campaign, area) -> dict:
    """A fresh count from the household rows (the rebuild's count)."""
    _, by_area = expected_rollups(campaign)
    counts = by_area.get(area.id, dict.fromkeys(COUNTERS, 0))
    return {**counts, "to_visit": counts["in_scope"] - counts["visited"]}


def overview(client, campaign, area) -> dict:
    """The overview's headline figures, and 住户 / 已走访 under them."""
    page = client.get(f"/dashboard/?campaign={campaign.id}&area={area.id}").get_data(as_text=True)
    figures = {key: int(value) for key, value in re.findall(
        r'figure-(\w+)">\s*<div class="qd-figure__label">[^<]+</div>\s*<div class="qd-figure__value">(\d+)</div>',
        page)}
    households, vacant, visited = map(int, re.search(
        r"住户 (\d+) 户（其中确认空置 (\d+) 户不计入）· 已走访 (\d+) 户", page).groups())
    assert households - vacant == figures["in_scope"]
    opinion = {name: int(re.search(rf'data-testid="{key}-respondents">(\d+)<', page).group(1))
               for key, name in (("knowledge", "quiz_respondents"), ("satisfaction", "satisfaction_respondents"))}
    return {**figures, **opinion, "households": households, "visited": visited,
            "to_visit": figures["in_scope"] - visited}


def revisits_page(client, campaign, area) -> tuple[dict, list[str], list[str]]:
    """The 待回访 page: its two counts, and the labels it lists due a revisit and not yet visited, in order."""
    page = client.get(f"/dashboard/revisits?campaign={campaign.id}&area={area.id}").get_data(as_text=True)
    counts = {"revisit_due": int(re.search(r'data-testid="revisit-count">(\d+)<', page).group(1)),
              "to_visit": int(re.search(r'data-testid="unvisited-count">(\d+)<', page).group(1))}
    due, unvisited = page.split('data-testid="unvisited"')
    link = r'/dashboard/households/\d+[^"]*">([^<]+)</a>'
    return counts, re.findall(link, due.split('data-testid="revisits"')[1]), re.findall(link, unvisited)


def walk_sheet(client, campaign, area) -> tuple[int, list[str]]:
    """The printable walk sheet: its count and its doors, in order."""
    page = client.get(f"/dashboard/revisits/print?campaign={campaign.id}&area={area.id}").get_data(as_text=True)
    count = int(re.search(r'共 (?:<span data-testid="revisit-count">)?(\d+)', page).group(1))
    return count, re.findall(r"<tr><td>([^<]+)</td><td>", page)


def api_walk(client, headers, campaign, area, state: str) -> list[dict]:
    """The API walk list of every grid under ``area`` in ``state``, paged through with its cursors, 3 at a time."""
    items = []
    for grid in db.session.scalars(areas_under(area, AreaLevel.GRID)).all():
        cursor = None
        while True:
            url = f"{API}/households?grid_id={grid.id}&campaign_id={campaign.id}&state={state}&limit=3"
            response = client.get(url + (f"&cursor={cursor}" if cursor else ""), headers=headers)
            assert response.status_code == 200, response.get_json()
            page = response.get_json()
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break
    return items


def api_counts(client, headers, campaign, area) -> dict:
    """What the API's walk lists and progress answers add up to."""
    everyone = api_walk(client, headers, campaign, area, "all")
    in_scope = [i for i in everyone if i["occupancy"] != "vacant"]
    counts = {"households": len(everyone), "in_scope": len(in_scope),
              **{name: sum(i["progress"][name] for i in in_scope)
                 for name in ("visited", "contacted", "pledged", "documented")},
              "revisit_due": len(api_walk(client, headers, campaign, area, "revisit")),
              "to_visit": len(api_walk(client, headers, campaign, area, "todo"))}
    assert counts["revisit_due"] == sum(i["progress"]["revisit_due"] for i in everyone)
    done = api_walk(client, headers, campaign, area, "done")
    assert len(done) == sum(i["progress"]["visited"] for i in everyone) - counts["revisit_due"]
    return counts


def export(client, campaign, area) -> tuple[dict, dict, list[list]]:
    """The Excel 台账: what its rows count to, its 汇总 total for ``area``, and the rows."""
    response = jobs.export(client, campaign, area)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    header = [c.value for c in workbook["入户宣传台账"][1]]
    rows = [dict(zip(header, (c.value for c in r))) for r in workbook["入户宣传台账"].iter_rows(min_row=2)]
    in_scope = [r for r in rows if r["走访结果"] != "空置（已确认）"]
    from_rows = {"households": len(rows), "in_scope": len(in_scope),
                 "visited": sum(r["走访结果"] != "未走访" for r in in_scope),
                 "contacted": sum(r["走访结果"] == "入户宣传" for r in in_scope),
                 "pledged": sum(r["是否签字"] == "是" for r in in_scope),
                 "documented": sum(r.get("三有齐全") == "是" for r in in_scope),
                 "revisit_due": sum(r["走访结果"] == "无人在家" for r in in_scope),
                 "to_visit": sum(r["走访结果"] == "未走访" for r in in_scope),
                 "quiz_respondents": sum(r["知晓"] is not None for r in in_scope),
                 "quiz_passed": sum(r["知晓"] == "是" for r in in_scope),
                 "satisfaction_respondents": sum(r["满意度"] is not None for r in in_scope),
                 "satisfied": sum(r["满意度"] in ("非常满意", "满意") for r in in_scope)}
    total = [c.value for c in list(workbook["汇总"].iter_rows())[-1]]
    assert total[0] == f"{area.name} 合计"
    summary = dict(zip(("households", "in_scope", "visited", "contacted"), total[2:6]))
    summary.update(pledged=total[7], documented=total[9], revisit_due=total[11],
                   to_visit=total[3] - total[4], quiz_respondents=total[12], quiz_passed=total[13],
                   satisfaction_respondents=total[15], satisfied=total[16])
    for column, name, whole in ((6, "contacted", "in_scope"), (8, "pledged", "in_scope"),
                                (10, "documented", "in_scope"), (14, "quiz_passed", "quiz_respondents"),
                                (17, "satisfied", "satisfaction_respondents")):
        assert total[column] == (round(summary[name] / summary[whole], 4) if summary[whole] else None)
    return from_rows, summary, rows


def building_charts(client, campaign, area) -> dict:
    """What the building charts of every building under ``area`` add up to, cell by cell."""
    states = Counter()
    for building in db.session.scalars(buildings_under(area)).all():
        page = client.get(f"/dashboard/buildings/{building.id}?campaign={campaign.id}").get_data(as_text=True)
        cells = re.findall(r'class="cell s-(\w+)"', page)
        legend = dict(re.findall(r'<span class="cell-key s-(\w+)"></span>[^<\d]+ (\d+)', page))
        assert {state: int(n) for state, n in legend.items() if int(n)} == Counter(cells), "legend = cells"
        states.update(cells)
    households = sum(states.values())
    return {"households": households, "in_scope": households - states["vacant"],
            "visited": households - states["vacant"] - states["not_visited"],
            "pledged": states["documented"] + states["pledged"], "documented": states["documented"],
            "to_visit": states["not_visited"]}


def rankings_page(client, campaign, area) -> list[tuple]:
    """The 红黑榜 page: each line as shown: the area's name (a grid's after its community's), 应宣传, 入户率, 三有率,
    答题户, 知晓率, 满意度答题户, 满意度."""
    page = client.get(f"/dashboard/rankings?campaign={campaign.id}&area={area.id}").get_data(as_text=True)
    cell = r'\s*<td data-value="[^"]*"[^>]*>([^<]+)</td>'
    return [(name, int(in_scope), contact, documented, int(answered), knowledge, int(rated), satisfaction)
            for name, in_scope, contact, _, documented, _, answered, knowledge, rated, satisfaction in re.findall(
                r"<td>\d+</td><td>([^<]+)</td><td>(\d+)</td>" + cell * 4 + r"\s*<td>(\d+)</td>" + cell
                + r"\s*<td>(\d+)</td>" + cell, page)]


def every_count(client, headers, campaign, area) -> dict[str, dict]:
    """Each place's figures for ``area``, by place: only the counters each place shows."""
    rows, summary, _ = export(client, campaign, area)
    return {"ledger": stored(campaign, area), "recount": recounted(campaign, area),
            "overview": overview(client, campaign, area), "revisits page": revisits_page(client, campaign, area)[0],
            "walk sheet": {"revisit_due": walk_sheet(client, campaign, area)[0]},
            "api": api_counts(client, headers, campaign, area), "export rows": rows, "export 汇总": summary,
            "building charts": building_charts(client, campaign, area)}


def assert_every_place_agrees(client, headers, campaign, area) -> dict:
    """Every place's figures for ``area`` equal the live ledger's, counter by counter; returns the ledger's."""
    places = every_count(client, headers, campaign, area)
    truth = places["ledger"]
    for place, counts in places.items():
        for name, value in counts.items():
            assert value == truth[name], f"{area.name}: {place} says {name} = {value}, the ledger {truth[name]}"
    return truth
