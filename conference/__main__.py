"""`python -m conference` is the `conference` command."""

from conference.cli import main

raise SystemExit(main())
