"""A street office's own spreadsheets brought in: household registers (step by step) and rosters of workers."""

from .column_mappings import remembered_mapping
from .household_files import FileFormatError, HEADER_OF, SourceRow, read_header, read_household_file
from .households import ImportRejected, import_households, required_fields
from .invite_sheet import invite_sheet_for, write_invite_sheet, write_invite_sheet_pdf
from .register_steps import Preview, confirm_upload, map_upload, preview_upload, upload_header
from .roster import RosterRejected, check_roster, import_roster, read_roster
from .roster_steps import confirm_roster, discard_roster, preview_roster
from .staged import NotStaged, discard_import, get_staged, stage_import, sweep_staged
from .templates import REGISTER_TEMPLATE, ROSTER_TEMPLATE, write_template

__all__ = [
    "FileFormatError",
    "HEADER_OF",
    "ImportRejected",
    "NotStaged",
    "Preview",
    "REGISTER_TEMPLATE",
    "ROSTER_TEMPLATE",
    "RosterRejected",
    "SourceRow",
    "check_roster",
    "confirm_roster",
    "confirm_upload",
    "discard_import",
    "discard_roster",
    "get_staged",
    "import_households",
    "import_roster",
    "invite_sheet_for",
    "map_upload",
    "preview_roster",
    "preview_upload",
    "read_header",
    "read_household_file",
    "read_roster",
    "remembered_mapping",
    "required_fields",
    "stage_import",
    "sweep_staged",
    "upload_header",
    "write_invite_sheet",
    "write_invite_sheet_pdf",
    "write_template",
]
