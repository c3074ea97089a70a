"""Parser version, stored with every record; bump whenever the output changes."""

PARSER_VERSION = "0.4.0"
