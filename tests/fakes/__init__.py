"""In-memory implementations of the ports in ``engine.ports``, for service tests that
run in milliseconds without Redis or SQL.

Each fake passes the same contract suite as the adapter it stands in for
(``tests/contract``), so a service test on fakes says what it would say on the real
stores. They keep state in plain dicts and are not thread-safe.
"""
