"""Flask CLI commands: ``flask --app wsgi <command>``."""


def commands() -> list:
    """Every command the app registers, imported only when the factory asks."""
    from .demo import seed_demo_command
    from .exports import export_ledger_command
    from .households import import_households_command
    from .labels import qr_labels_command
    from .ledger import rebuild_ledger_command
    from .maintenance import backup_command, sweep_files_command
    from .pledges import verify_pledges_command
    from .retention import purge_command
    from .users import create_user_command

    return [seed_demo_command, import_households_command, create_user_command, qr_labels_command,
            rebuild_ledger_command, verify_pledges_command, export_ledger_command, purge_command,
            backup_command, sweep_files_command]
