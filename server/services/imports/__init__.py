"""A street office's own spreadsheets brought in: household registers (step by step) and rosters of workers."""

from .column_mappings import remembered_mapping
from .household_files import FileFormatError, HEADER_OF, SourceRow, read_header, read_household_file
from .households import ImportRejected, import_households, required_fields
from .invite_sheet import write_invite_sheet
from .register_steps import Preview, confirm_upload, map_upload, preview_upload, upload_header
from .register_template import register_template
from .roster import (
    PreviewExpired,
    RosterRejected,
    check_roster,
    import_previewed_roster,
    import_roster,
    invite_sheet_for,
    preview_roster,
    read_roster,
    write_invite_sheet_pdf,
    write_roster_template,
)
from .staged import discard_import, get_staged, stage_import, sweep_staged
from .table_files import FileFormatError
