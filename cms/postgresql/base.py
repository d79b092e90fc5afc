"""Django's PostgreSQL backend, with a health check that costs no round trip.

Django checks a kept connection before the first query of each request (CONN_HEALTH_CHECKS)
by sending `SELECT 1` and waiting for the answer. On the verify API that wait was a
fourteenth of a lookup's CPU, and one of five round trips of a signed-in module page
(decision 0210). An idle connection has nothing to read unless the server has said something
since: when it ends a connection (a restart, `pg_terminate_backend`, `idle_session_timeout`)
it sends a FATAL message and closes the socket, and a crashed server's socket reads
end-of-file. So a connection whose socket has nothing to read is used as it is, with no
query sent. One with something to read is checked Django's way, with `SELECT 1`: usually it
is ending, but a live connection may have been sent something harmless (a notice, a
notification), and that one is kept. A server gone silently (a cut network) is found by
neither check: `SELECT 1` would wait for it as the request's own first query does.

Subclassing a built-in backend is how Django's documentation says to change one
("Subclassing the built-in database backends"), and `is_usable` is the method each backend
implements for the health check.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        return connection_is_quiet(self.connection) or super().is_usable()


def connection_is_quiet(connection):
    """True for an open psycopg connection with nothing waiting to be read on its socket."""
    if connection is None or connection.closed or connection.broken:
        return False
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN)
    return not poller.poll(0)
