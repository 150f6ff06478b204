"""Feast 0.66's own feature-server unit tests, rewritten to run against a server URL.

    server_tests.py run URL    runs every test, prints {test name: "passed" | "failed: why"}

Feast's tests (sdk/python/tests/unit/test_feature_server.py) call the app in-process through
FastAPI's TestClient; here the same requests go over HTTP to `feast serve` or `skewless serve`, and
errors come back as Feast's clients see them (rebuilt with `FeastError.from_error_detail`). The
repo is test/feast/wire-fixture.ts: its `pushed_driver_locations` view and `driver_locations_push`
source are the ones Feast's example repo declares.
"""
import sys
import traceback

import requests

from cli import run as run_cli


def _utc_now():
    from feast.utils import _utc_now as now
    return now()


def get_online_features_body():
    return {
        "features": ["pushed_driver_locations:driver_lat", "pushed_driver_locations:driver_long"],
        "entities": {"driver_id": [123]},
    }


def push_body(push_mode="online", lat=42.0):
    return {
        "push_source_name": "driver_locations_push",
        "df": {
            "driver_lat": [lat],
            "driver_long": ["42.0"],
            "driver_id": [123],
            "event_timestamp": [str(_utc_now())],
            "created_timestamp": [str(_utc_now())],
        },
        "to": push_mode,
    }


def assert_get_online_features_response_format(parsed_response, expected_entity_id):
    assert "metadata" in parsed_response
    names = parsed_response["metadata"]["feature_names"]
    assert sorted(names) == ["driver_id", "driver_lat", "driver_long"], names
    results = parsed_response["results"]
    for result in results:
        assert len(result["statuses"]) == 1  # one entity requested
        assert all(status == "PRESENT" for status in result["statuses"]), result["statuses"]
    assert results[names.index("driver_id")]["values"][0] == expected_entity_id


def raised_by(response):
    """The exception Feast's clients raise for an error response (None when they cannot rebuild one)."""
    from feast.errors import FeastError
    assert response.status_code >= 400, response.status_code
    return FeastError.from_error_detail(response.json())


def test_push_and_get(url):
    driver_lat = 55.1
    response = requests.post(f"{url}/push", json=push_body(lat=driver_lat))
    assert response.status_code == 200, (response.status_code, response.text)
    actual_resp = requests.post(f"{url}/get-online-features", json=get_online_features_body())
    assert actual_resp.status_code == 200, actual_resp.text
    actual = actual_resp.json()
    ix = actual["metadata"]["feature_names"].index("driver_lat")
    value = actual["results"][ix]["values"][0]
    assert abs(value - driver_lat) <= 0.0001 * driver_lat, value  # pytest.approx(driver_lat, 0.0001) in Feast's test
    assert_get_online_features_response_format(actual, 123)


def test_push_source_does_not_exist(url):
    from feast.errors import PushSourceNotFoundException
    response = requests.post(f"{url}/push", json={
        "push_source_name": "push_source_does_not_exist",
        "df": {"any_data": [1], "event_timestamp": [str(_utc_now())]},
    })
    error = raised_by(response)
    assert isinstance(error, PushSourceNotFoundException), repr(error)
    assert "Unable to find push source 'push_source_does_not_exist'" in str(error), str(error)


def test_get_online_features_unknown_view(url):
    from feast.errors import FeatureViewNotFoundException
    response = requests.post(f"{url}/get-online-features", json={"features": ["nope:x"], "entities": {"driver_id": [1]}})
    assert response.status_code == 404, response.status_code
    assert isinstance(raised_by(response), FeatureViewNotFoundException)


def test_materialize_with_timestamps(url):
    response = requests.post(f"{url}/materialize", json={
        "start_ts": "2021-01-01T00:00:00", "end_ts": "2026-01-02T00:00:00", "feature_views": ["pushed_driver_locations"],
    })
    assert response.status_code == 200, (response.status_code, response.text)


def test_materialize_disable_event_timestamp(url):
    response = requests.post(f"{url}/materialize", json={"feature_views": ["pushed_driver_locations"], "disable_event_timestamp": True})
    assert response.status_code == 200, (response.status_code, response.text)
    read = requests.post(f"{url}/get-online-features", json=get_online_features_body()).json()
    assert read["results"][read["metadata"]["feature_names"].index("driver_id")]["values"] == [123]


def test_materialize_requires_timestamps(url):
    response = requests.post(f"{url}/materialize", json={"feature_views": ["pushed_driver_locations"]})
    assert response.status_code >= 400, response.status_code


def test_materialize_unknown_view(url):
    from feast.errors import FeatureViewNotFoundException
    response = requests.post(f"{url}/materialize", json={
        "start_ts": "2021-01-01T00:00:00", "end_ts": "2026-01-02T00:00:00", "feature_views": ["nope"],
    })
    assert isinstance(raised_by(response), FeatureViewNotFoundException)


TESTS = [test_push_and_get, test_push_source_does_not_exist, test_get_online_features_unknown_view,
         test_materialize_with_timestamps, test_materialize_disable_event_timestamp,
         test_materialize_requires_timestamps, test_materialize_unknown_view]


def run_all(url):
    results = {}
    for test in TESTS:
        try:
            test(url)
            results[test.__name__] = "passed"
        except Exception as e:  # noqa: BLE001 - reported, not raised
            results[test.__name__] = f"failed: {type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}"
    return results


def main(argv):
    return run_cli(__doc__, {"run": run_all}, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
