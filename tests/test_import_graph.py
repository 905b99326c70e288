"""The code's import graph has no circle, among modules and among the service rooms."""
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "import_cycles.py"


def test_no_module_imports_itself_back_through_others():
    run = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
    assert "no circle" in run.stdout


def test_the_service_rooms_use_each_other_in_one_direction():
    run = subprocess.run([sys.executable, str(SCRIPT), "--rooms"], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
    assert "access " in run.stdout and "no circle" in run.stdout
