"""Importing a household register into the tree: all rows or none, and idempotent.

Rows are checked one by one, then written in batches: missing streets,
communities, grids and buildings are made on the way; households are inserted
or updated by (building, unit, room). The import goes into a target area: the
levels at and above it come from the target, so a community's own register
needs no 街道 or 社区 column, a grid's no 网格 column either. A row with no grid
goes to its building's grid, else to the community's only grid, else to a new
grid named after the community when it has none; a community with several grids
needs a 网格 column. A 小区 (column, or written before the building in the
address) becomes part of the building's name: ``阳光小区3栋``, since two 小区 of
one community each have their 3栋. A cell left blank never erases what is
already stored. Importing the same file twice changes nothing. If any row is
bad, ``ImportRejected`` is raised and the caller rolls the whole import back.

Checking a row is ``household_rows``'; writing the checked rows, ``household_tree``'s.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from models import Area, AreaLevel
from server.extensions import db
from server.services.canvassing.campaign_lookup import open_campaigns_covering
from server.services.imports.household_files import HEADER_OF, LEVELS, SourceRow
from server.services.imports.household_rows import SAMPLE_ROWS, HouseholdRow, ImportRejected, ImportReport, check_row
from server.services.imports.household_tree import KnownBuilding, Registry, Writer
from server.services.imports.table_files import RowError
from server.services.ledger.rebuild import refresh_population

__all__ = ["HouseholdRow", "ImportRejected", "ImportReport", "RowError", "check_row", "import_households",
           "preview_households", "required_fields", "target_levels"]


def _scope_error(row: HouseholdRow, number: int, scope: tuple[str, ...]) -> RowError | None:
    """A row outside the importer's area: its street, community or grid differs from the scope's."""
    for name, expected, value in zip(("street", "community", "grid"), scope, (row.street, row.community, row.grid)):
        if value != expected:
            return RowError(number, HEADER_OF[name], f"“{value}”不在您的管辖范围内（只能导入{expected}）")
    return None


def target_levels(area: Area) -> tuple[Area, tuple[str, ...]]:
    """The district an import into ``area`` goes under, and the names of the street, community and grid the
    target fixes (none for a district, the street for a street, …, all three for a grid)."""
    ancestors = [db.session.get(Area, i) for i in area.ancestor_ids]
    return ancestors[0], tuple(a.name for a in ancestors[1:])


def required_fields(area: Area) -> tuple[str, ...]:
    """The columns a register imported into ``area`` must have: the levels below the district the target does
    not fix (not the grid: see the module's docstring), and the door."""
    fixed = len(target_levels(area)[1])
    return tuple(level for level in LEVELS[fixed:2]) + ("building", "room")


def import_households(rows: Iterable[SourceRow], district: Area, batch_size: int = 5000,
                      progress: Callable[[int], None] | None = None,
                      scope: tuple[str, ...] = ()) -> ImportReport:
    """Import household rows into the area ``district`` (a district, or any area below one), creating missing
    areas and buildings.

    Into an area below a district, the levels the target fixes are taken from it
    where a row leaves them blank, and a row naming another area there is an
    error. Streams: rows are checked and written ``batch_size`` at a time.
    Flushes, never commits; on ``ImportRejected`` the caller must roll back.
    ``scope`` names the street (and community, and grid) the importer may write
    to; rows elsewhere are errors.

    Raises:
        ImportRejected: one or more rows were bad (each named by row and column),
            or the same household appears twice in the file.
        household_files.FileFormatError: the file itself cannot be read.
    """
    report = ImportReport()
    fixed: tuple[str, ...] = ()
    if district.level is not AreaLevel.DISTRICT:
        district, fixed = target_levels(district)
        scope = scope or fixed
    fill = tuple(zip(LEVELS, fixed))
    registry = Registry(district, report)
    writer = Writer(registry, report)
    # Duplicates within a batch are found here; across batches, by the rows this import already wrote
    # (``Writer.write``). Memory stays bounded by the batch, however long the file.
    seen: dict[tuple, int] = {}
    batch: list[tuple[int, HouseholdRow, KnownBuilding]] = []
    for source in rows:
        report.rows += 1
        if fill:
            values = source.values
            for level, name in fill:
                if not values.get(level):
                    values[level] = name
        checked = check_row(source)
        if isinstance(checked, list):
            for error in checked:
                report.add_error(error)
            continue
        key = (checked.street, checked.community, checked.building, checked.unit, checked.room)
        if key in seen:
            report.add_error(RowError(source.number, HEADER_OF["room"], f"与第 {seen[key]} 行是同一户"))
            continue
        seen[key] = source.number
        if scope and (outside := _scope_error(checked, source.number, scope)):
            report.add_error(outside)
            continue
        known = registry.building(checked, source.number)
        if isinstance(known, RowError):
            report.add_error(known)
            continue
        if checked.lat is not None and (moved := registry.place_building(known, checked, source.number)):
            report.add_error(moved)
            continue
        if report.error_count:
            continue  # nothing will be kept: only go on checking
        batch.append((source.number, checked, known))
        if len(report.sample) < SAMPLE_ROWS:
            report.sample.append((source.number, checked, known.grid.name))
        if len(batch) >= batch_size:
            writer.write(batch)
            batch.clear()
            seen.clear()
            if progress:
                progress(report.rows)
    if batch and not report.error_count:
        writer.write(batch)
    if report.error_count:
        raise ImportRejected(report)
    for campaign in open_campaigns_covering(district):
        refresh_population(campaign)  # the ledgers now count the new households
    if progress:
        progress(report.rows)
    return report


def preview_households(rows: Iterable[SourceRow], area: Area, **options) -> ImportReport:
    """What ``import_households`` would do, its counts and first rows, with nothing kept.

    The import runs in a savepoint that is rolled back, whatever happens.

    Raises:
        ImportRejected: as ``import_households`` (its report lists every error).
        household_files.FileFormatError: the file itself cannot be read.
    """
    savepoint = db.session.begin_nested()
    try:
        return import_households(rows, area, **options)
    finally:
        savepoint.rollback()
