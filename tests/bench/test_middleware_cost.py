"""bench/middleware.py: the in-process cost of each middleware on a bare request."""

import pytest

from bench.middleware import NEEDED_BY_OTHERS, STOCK_MIDDLEWARE, middleware_costs


@pytest.mark.django_db
def test_each_middleware_is_left_out_in_turn_and_the_bare_view_still_answers(settings):
    settings.ROOT_URLCONF = "bench.urls"  # where /bench/ok is
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    ours = list(settings.MIDDLEWARE)

    rows = middleware_costs(requests=20, rounds=1)  # raises if any list answers other than 200

    labels = [label for label, _spent, _cost in rows]
    assert labels[:3] == ["our whole stack", "no middleware", "startproject's seven"]
    left_out = [m for m in ours if m not in NEEDED_BY_OTHERS]
    assert labels[3:] == [f"without {m}" for m in left_out]
    whole = rows[0][1]
    assert all(spent > 0 for _label, spent, _cost in rows)
    assert all(cost == pytest.approx(whole - spent) for _label, spent, cost in rows[3:])
    assert len(STOCK_MIDDLEWARE) == 7 and set(STOCK_MIDDLEWARE) <= set(ours)
