"""The one exception of the package.

Used internally to abandon a section that cannot be read; public functions
catch it and record a problem instead of raising.
"""


class ParseError(Exception):
    """A part of a report could not be read; the message says why."""
