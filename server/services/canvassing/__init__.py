"""The round itself: campaigns, the walk list, the knock on the door, what residents do from it, their feedback."""

from .campaign_figures import campaign_figures
from .campaign_lookup import (CampaignRefused, campaign_for, campaigns_covering, campaigns_of, get_run_campaign,
                              may_run, may_run_campaigns, open_campaigns_covering)
from .campaign_texts import DEFAULT_MATERIALS, NOTICE_TEXT, PLEDGE_BODY, PLEDGE_TITLE, MaterialSpec, material_specs
from .campaigns import (CampaignError, activate_campaign, create_campaign, delete_campaign, end_campaign, has_records,
                        new_round, next_period, update_campaign)
from .feedback import FeedbackError, close_feedback, door_feedback, feedback_inbox, inbox_filters, reply_to_feedback
from .occupancy import confirm_vacant, occupancy_changed, revert_vacant
from .quiz import (AnswerElsewhere, QuizInvalid, answer_errors, answer_from_door, answer_quiz, current_answer, door_quiz,
                   parse_quiz_text, publish_quiz, quiz_text, quiz_version)
from .resident import (PRIVACY_NOTICE, FormKeyElsewhere, NoActiveCampaign, ResidentInputError, active_campaign,
                       feedback_from_door, sign_from_door)
from .team import invite_qr_png, team_of
from .visits import VisitConflict, VisitRejected, record_visit, sync_visits
from .walk_list import MAX_LIMIT, STATES, BadCursor, door_card, find_doors, household_by_scan, walk_list
from .worker_round import offline_copy, session_length, worker_round

__all__ = [
    "AnswerElsewhere",
    "QuizInvalid",
    "answer_errors",
    "answer_from_door",
    "answer_quiz",
    "current_answer",
    "door_quiz",
    "parse_quiz_text",
    "publish_quiz",
    "quiz_text",
    "quiz_version",
    "BadCursor",
    "CampaignError",
    "CampaignRefused",
    "DEFAULT_MATERIALS",
    "FeedbackError",
    "FormKeyElsewhere",
    "MAX_LIMIT",
    "MaterialSpec",
    "NOTICE_TEXT",
    "NoActiveCampaign",
    "PLEDGE_BODY",
    "PLEDGE_TITLE",
    "PRIVACY_NOTICE",
    "ResidentInputError",
    "STATES",
    "VisitConflict",
    "VisitRejected",
    "activate_campaign",
    "active_campaign",
    "campaign_figures",
    "campaign_for",
    "campaigns_covering",
    "campaigns_of",
    "close_feedback",
    "confirm_vacant",
    "create_campaign",
    "delete_campaign",
    "door_card",
    "door_feedback",
    "end_campaign",
    "feedback_from_door",
    "feedback_inbox",
    "find_doors",
    "get_run_campaign",
    "has_records",
    "household_by_scan",
    "inbox_filters",
    "invite_qr_png",
    "material_specs",
    "may_run",
    "may_run_campaigns",
    "new_round",
    "next_period",
    "occupancy_changed",
    "offline_copy",
    "open_campaigns_covering",
    "record_visit",
    "reply_to_feedback",
    "revert_vacant",
    "session_length",
    "sign_from_door",
    "sync_visits",
    "team_of",
    "update_campaign",
    "walk_list",
    "worker_round",
]
