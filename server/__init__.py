"""Qiaomen (敲门): the door-to-door canvassing service."""
