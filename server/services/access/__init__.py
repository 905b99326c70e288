"""Who may come in and what they may see: staff accounts, sign-ins, API tokens and the scope of every object."""

from .accounts import (
    AccountError,
    AccountLocked,
    DEMO_PASSWORD,
    InvalidCredentials,
    InviteNotValid,
    PublicPassword,
    appoint_staff,
    authenticate,
    create_user,
    deactivate_user,
    issue_invite_code,
    login_network,
    may_appoint,
    password_account,
    redeem_invite,
    reinvite,
    reset_password,
    set_password,
    sign_out_devices,
)
from .audit import record, record_read
from .scope import (
    OutOfScope,
    area_in_scope,
    get_area,
    get_area_or_first,
    get_building,
    get_campaign,
    get_feedback,
    get_file,
    get_grid,
    get_household,
    get_worker,
    household_in_scope,
    manages,
    sees_drafts,
)
from .sessions import api_token, end_session, signed_in_user, start_session
from .tokens import BIND, FULL, InvalidToken, TokenClaims, read_token
