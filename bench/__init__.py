"""`make bench`: seeds a PostgreSQL database, serves it with gunicorn and measures it.

See docs/benchmarks.md. Nothing here is imported by the application.
"""
