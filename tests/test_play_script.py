"""The mini-program player script, run as a person would: it must end with the ledger matching the visits."""
import subprocess
import sys

from server.config import PROJECT_ROOT


def test_the_player_logs_in_binds_scans_visits_syncs_twice_and_the_ledger_moves_as_the_visits_say():
    result = subprocess.run([sys.executable, "scripts/play_miniprogram.py"], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "离线同步第二次： ['duplicate', 'duplicate', 'duplicate', 'duplicate']" in result.stdout
    assert "台账的变化与走访完全一致。" in result.stdout
