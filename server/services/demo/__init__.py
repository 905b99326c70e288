"""The demo city and its fortnight of door-knocking."""

from .activity import simulate_field_work
from .city import DEMO_PASSWORD, seed_demo_city

__all__ = [
    "DEMO_PASSWORD",
    "seed_demo_city",
    "simulate_field_work",
]
