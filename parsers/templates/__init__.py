"""Template-specific readers: the national formats (gb) and Beijing's 2008–2018 table."""
