"""Django's PostgreSQL backend, with a health check that costs no round trip.

Django checks a kept connection before the first query of each request (CONN_HEALTH_CHECKS)
by sending `SELECT 1` and waiting for the answer. On the verify API that wait was a
fourteenth of a lookup's CPU, and one of five round trips of a signed-in module page
(decision 0210). This backend answers the same question without asking the server: an idle
connection has nothing to read unless the server has closed it or is about to (a restart,
`pg_terminate_backend`, `idle_session_timeout`: PostgreSQL sends a FATAL message and closes
the socket; a crashed server's socket reads end-of-file). So a connection whose socket has
anything to read, or that psycopg already knows is closed or broken, is unusable and Django
opens a new one; any other is used. A server gone silently (a cut network) is found by
neither check: `SELECT 1` would wait for it as the request's own query does.

Subclassing a built-in backend is how Django's documentation says to change one: see "Using
a 3rd-party database backend" and "Subclassing the built-in database backends". `is_usable`
is the method every backend implements for the health check.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        return connection_is_quiet(self.connection)


def connection_is_quiet(connection):
    """True for an open psycopg connection with nothing waiting to be read on its socket."""
    if connection is None or connection.closed or connection.broken:
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN)
    return not poller.poll(0)
