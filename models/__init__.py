"""SQLAlchemy 2 typed models, one module per aggregate.

Importing this package registers every table on ``Base.metadata`` (Alembic needs that).
"""
from .area import Area, AreaLevel, CommunityType
from .assignment import Assignment, CoverageTarget
from .audit import AuditEvent
from .base import Base, UTCDateTime, utcnow
from .building import Building, PositionSource
from .campaign import Campaign, CampaignStatus, Material, NoticeText, PledgeText, PledgeTextInUse, text_sha256
from .column_mapping import ColumnMapping
from .feedback import Feedback, FeedbackCategory, FeedbackChannel, FeedbackStatus
from .household import Household, Occupancy, household_label, new_door_token
from .job import Job, JobStatus
from .ledger import (COUNTERS, DAY_COUNTERS, QUIZ_FLAGS, HouseholdProgress, LedgerArea, LedgerBuilding, LedgerDay, Standing,
                     evidences)
from .pledge import Pledge, PledgeChannel, Relation
from .quiz import SATISFACTION_SCALE, SATISFIED_TOP, Quiz, QuizAnswer, QuizChannel
from .spot_check import CheckReason, ResidentAnswer, ResidentWord, SpotCheck, SpotCheckRound
from .stored_file import FileKind, StoredFile
from .user import FIELD_ROLES, InviteCode, LoginLock, LoginSession, Role, RosterSheet, SessionChannel, User, user_area
from .visit import Outcome, Visit, VisitMaterial
from .wechat import WeChatAccessToken

__all__ = [
    "Assignment", "CoverageTarget",
    "FIELD_ROLES",
    "AuditEvent", "COUNTERS", "QUIZ_FLAGS", "DAY_COUNTERS", "LedgerDay", "Feedback", "FeedbackCategory", "FeedbackChannel", "FeedbackStatus", "FileKind", "HouseholdProgress", "LedgerArea",
    "LedgerBuilding", "Outcome", "Pledge", "PledgeChannel", "Relation", "StoredFile", "Visit", "VisitMaterial",
    "Area", "AreaLevel", "Base", "Building", "ColumnMapping", "PositionSource", "Campaign", "CampaignStatus", "CommunityType",
    "Household", "InviteCode", "LoginLock", "LoginSession", "SessionChannel", "Standing", "evidences", "Material", "NoticeText", "Occupancy", "PledgeText", "PledgeTextInUse", "Role", "RosterSheet",
    "UTCDateTime", "User", "WeChatAccessToken", "household_label", "new_door_token", "text_sha256", "user_area",
    "utcnow", "Quiz", "QuizAnswer", "QuizChannel", "SATISFACTION_SCALE", "SATISFIED_TOP",
    "Job", "JobStatus",
    "CheckReason", "ResidentAnswer", "ResidentWord", "SpotCheck", "SpotCheckRound",
]
