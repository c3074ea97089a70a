"""The bundled sample portal: report generator, renderers, static site and its HTTP server.

Tests crawl this copy of the real portals' layouts on 127.0.0.1 instead of the
real sites. ``render`` turns a report into text, HTML, .docx or .pdf;
``variants`` makes consistent random reports; ``build`` writes ``site/``;
``server`` serves it with conditional requests, noise and faults.
"""
