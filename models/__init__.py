"""SQLAlchemy 2 typed models, one module per aggregate.

Importing this package registers every table on ``Base.metadata`` (Alembic needs that).
"""
from .area import Area, AreaLevel, CommunityType
from .base import Base, UTCDateTime, utcnow
from .building import Building
from .campaign import Campaign, CampaignStatus, Material, PledgeText, PledgeTextInUse, text_sha256
from .household import Household, Occupancy, household_label
from .user import InviteCode, Role, User, user_area

__all__ = [
    "Area", "AreaLevel", "Base", "Building", "Campaign", "CampaignStatus", "CommunityType",
    "Household", "InviteCode", "Material", "Occupancy", "PledgeText", "PledgeTextInUse", "Role",
    "UTCDateTime", "User", "household_label", "text_sha256", "user_area", "utcnow",
]
