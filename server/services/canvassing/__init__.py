"""The round itself: campaigns, the walk list, the knock on the door, what residents do from it, their feedback."""

from .campaigns import (
    CampaignError,
    CampaignRefused,
    DEFAULT_MATERIALS,
    MaterialSpec,
    NOTICE_TEXT,
    PLEDGE_BODY,
    PLEDGE_TITLE,
    activate_campaign,
    campaign_figures,
    campaign_for,
    campaigns_covering,
    campaigns_of,
    create_campaign,
    delete_campaign,
    end_campaign,
    get_run_campaign,
    has_records,
    material_specs,
    may_run,
    may_run_campaigns,
    new_round,
    next_period,
    open_campaigns_covering,
    update_campaign,
    worker_campaign,
)
from .feedback import FeedbackError, close_feedback, door_feedback, reply_to_feedback
from .occupancy import confirm_vacant, occupancy_changed, revert_vacant
from .resident import (
    FormKeyElsewhere,
    NoActiveCampaign,
    PRIVACY_NOTICE,
    ResidentInputError,
    active_campaign,
    feedback_from_door,
    sign_from_door,
)
from .visits import VisitConflict, VisitRejected, record_visit, sync_visits
from .walk_list import (
    BadCursor,
    MAX_LIMIT,
    STATES,
    door_card,
    find_doors,
    household_by_scan,
    walk_list,
    worker_doors,
    worker_grids,
)
