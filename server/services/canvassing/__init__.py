"""The round itself: campaigns, the walk list, the knock on the door, what residents do from it, their feedback."""

from .campaign_figures import campaign_figures
from .campaign_lookup import (
    CampaignRefused,
    campaign_for,
    campaigns_covering,
    campaigns_of,
    get_campaign,
    get_run_campaign,
    may_run,
    may_run_campaigns,
    open_campaigns_covering,
    sees_drafts,
    worker_campaign,
)
from .campaign_texts import DEFAULT_MATERIALS, NOTICE_TEXT, PLEDGE_BODY, PLEDGE_TITLE, MaterialSpec, material_specs
from .campaigns import (
    CampaignError,
    activate_campaign,
    create_campaign,
    delete_campaign,
    end_campaign,
    has_records,
    new_round,
    next_period,
    update_campaign,
)
from .feedback import (
    FeedbackError,
    Inbox,
    InboxFilters,
    InboxItem,
    close_feedback,
    door_feedback,
    feedback_inbox,
    inbox_filters,
    reply_to_feedback,
)
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
from .team import INVITE_PREFIX, Team, invite_payload, invite_qr_png, team_of, workers_under
from .visits import VisitConflict, VisitNotFound, VisitRejected, record_visit, sync_visits
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
from .worker_round import OfflineCopy, OfflineDoor, WorkerRound, offline_copy, session_length, worker_round
