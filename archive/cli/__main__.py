"""``python -m archive.cli``: the zfxxgk command, as ``zfxxgk watch`` starts its crawls."""

from archive.cli import main

main()
