"""Flask CLI commands: ``flask --app wsgi <command>``."""
from __future__ import annotations

import functools

import click
from sqlalchemy.exc import OperationalError

from server.config import ConfigError


def commands() -> list:
    """Every command the app registers, imported only when the factory asks."""
    from .areas import create_area_command, list_areas_command
    from .campaigns import activate_campaign_command, create_campaign_command, end_campaign_command
    from .demo import seed_demo_command
    from .exports import export_ledger_command
    from .households import import_households_command
    from .jobs import jobs_group
    from .labels import qr_labels_command
    from .ledger import rebuild_ledger_command
    from .maintenance import backup_command, sweep_files_command
    from .pledges import verify_pledges_command
    from .reports import monthly_report_command
    from .retention import purge_command
    from .roster import import_workers_command
    from .users import create_user_command, set_password_command

    return [_in_plain_words(command) for command in (
        seed_demo_command, import_households_command, create_user_command, qr_labels_command,
        rebuild_ledger_command, verify_pledges_command, export_ledger_command, purge_command,
        backup_command, sweep_files_command, set_password_command, create_area_command, list_areas_command,
        import_workers_command, create_campaign_command, activate_campaign_command, end_campaign_command,
        monthly_report_command, jobs_group)]


def _in_plain_words(command: click.Command) -> click.Command:
    """A command stopped by its configuration says so in one Chinese line and exits 1, never with a traceback."""
    if isinstance(command, click.Group):  # ``flask jobs worker``: each command of the group
        for sub in command.commands.values():
            _in_plain_words(sub)
        return command
    callback = command.callback
    if getattr(callback, "in_plain_words", False):  # the factory runs once per app; wrap once
        return command

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except ConfigError as error:
            message = f"配置错误：{error}"
        except OperationalError as error:
            name = type(error.orig).__name__ if error.orig is not None else "OperationalError"
            message = (f"无法使用数据库（{name}）：请检查 DATABASE_URL，以及数据库是否已启动、"
                       "是否已运行 flask --app wsgi db upgrade")
        click.echo(message, err=True)
        click.get_current_context().exit(1)

    run.in_plain_words = True
    command.callback = run
    return command
