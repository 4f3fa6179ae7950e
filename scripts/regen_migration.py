"""Regenerate the initial migration from the models (before the first release only).

Usage: python scripts/regen_migration.py
Until the platform has a release with data to keep, the schema lives in one initial
migration; after that, add a new revision with `alembic revision --autogenerate` instead.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from conference.db.migrate import MIGRATIONS, alembic_config  # noqa: E402

for old in (MIGRATIONS / "versions").glob("*.py"):
    old.unlink()
with tempfile.TemporaryDirectory() as tmp:
    config = alembic_config(f"sqlite+aiosqlite:///{tmp}/empty.db")
    command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
generated = next((MIGRATIONS / "versions").glob("0001_*.py"))
generated.rename(MIGRATIONS / "versions" / "0001_initial.py")
subprocess.run(["ruff", "format", "--quiet", str(MIGRATIONS / "versions")], check=False)
print("wrote", MIGRATIONS / "versions" / "0001_initial.py")
