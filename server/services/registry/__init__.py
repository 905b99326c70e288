"""The administrative tree and its doors: areas, buildings and their places, households, door codes, labels."""

from .addresses import parse_address
from .areas import (
    AreaError,
    add_child_area,
    area_tree,
    areas_of,
    areas_under,
    assign_path,
    buildings_under,
    child_areas,
    count_households_under,
    create_area,
    find_area,
    grid_ids_under,
    grids_under,
    households_under,
    new_area,
    subtree_filter,
    summarize_area,
)
from .door_codes import (
    RotationRefused,
    door_url,
    find_household_by_token,
    mask_label,
    may_rotate,
    qr_matrix,
    qr_png,
    qr_svg,
    rotate_door_token,
)
from .door_order import DOOR_KEY_TYPES, by_code_point, door_key, door_order, floor_key, natural, natural_key
from .font import CJKFontMissing, cjk_font
from .labels import LabelRow, area_labels, draw_cut_lines, label_rows, write_labels
from .positions import (
    NoSuggestion,
    PlacementRefused,
    PositionOutOfRange,
    accept_suggestion,
    count_unplaced,
    may_place,
    place_building,
    suggestions_under,
)
