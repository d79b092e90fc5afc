"""Our credentials, checked by software nobody here wrote: Digital Bazaar's JavaScript stack.

`@digitalbazaar/vc` 7.3 with `@digitalbazaar/data-integrity` 2.5,
`@digitalbazaar/eddsa-rdfc-2022-cryptosuite` 1.3 and `@digitalbazaar/vc-bitstring-status-list`,
installed from the npm registry into tests/verifiers/js (pinned by its package-lock.json;
`npm ci` there, which `.ci/run` and `make install` do). tests/verifiers/js/verify.mjs gives it a
plain document loader: our bundled contexts, the security v2 context from its npm package, and
HTTP GET to the test server for the issuer profile and the status list, nothing else.

Outside CI the tests skip, with the reason, when node or the npm packages are missing; in CI
(CI=true) that fails the run. The same module checks that our own
`POST /api/v1/credentials/verify` agrees on every case.
"""

import copy
import json
import os
import shutil
import subprocess  # noqa: S404 - runs node on a fixed script, no shell
from pathlib import Path

from django.core.cache import cache

import pytest

from certificates import openbadges
from certificates.credentials.jsonld import BUNDLED_CONTEXTS, CONTEXTS_DIR
from certificates.issuing import revoke_certificate
from certificates.openbadges import signed_credential
from certificates.status_list import status_list_credential

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

JS_DIR = Path(__file__).resolve().parents[1] / "verifiers" / "js"
SCRIPT = JS_DIR / "verify.mjs"
NODE_TIMEOUT_SECONDS = 120


def _missing_js_stack():
    """Why the JavaScript verifier cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm)"
    if not (JS_DIR / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        return f"the npm packages are not installed (cd {JS_DIR} && npm ci)"
    return None


@pytest.fixture
def js_verify(live_server, settings, tmp_path):
    """verify(credential) -> the JavaScript verifier's {"verified", "revoked", "errors"}.

    The credential's URLs (issuer, keys, status list) point at the live test server.
    """
    problem = _missing_js_stack()
    if problem:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(problem)
        pytest.skip(problem)
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_KEY_FILE = str(tmp_path / "key.txt")
    contexts = tmp_path / "contexts.json"
    contexts.write_text(
        json.dumps({url: str(CONTEXTS_DIR / name) for url, (name, _) in BUNDLED_CONTEXTS.items()})
    )

    def verify(credential):
        completed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [shutil.which("node"), str(SCRIPT), str(contexts), live_server.url],
            input=json.dumps(credential),
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_SECONDS,
            cwd=JS_DIR,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout)

    return verify


def api_verify(client, credential):
    response = client.post(
        "/api/v1/credentials/verify", credential, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_fresh_credential_and_its_status_list_verify(
    js_verify, live_server, client, certificate
):
    credential = signed_credential(certificate)
    # The verifier fetches the issuer profile and the status list from the test server.
    assert credential["issuer"]["id"] == live_server.url + "/credentials/issuer"
    result = js_verify(credential)
    assert result == {"verified": True, "revoked": False, "errors": []}
    status_list = js_verify(status_list_credential())
    assert status_list["verified"] is True, status_list["errors"]
    assert api_verify(client, credential)["verified"] is True


def test_a_credential_issued_before_the_change_still_verifies(
    js_verify, client, certificate, monkeypatch
):
    # As stored before: identityType "name" and the proof as a single object.
    monkeypatch.setattr(openbadges, "NAME_IDENTITY_TYPE", "name")
    old = copy.deepcopy(signed_credential(certificate))
    (old["proof"],) = old["proof"]
    assert js_verify(old) == {"verified": True, "revoked": False, "errors": []}
    assert api_verify(client, old)["verified"] is True


def _change_name(credential):
    credential["credentialSubject"]["identifier"][1]["identityHash"] = "Someone Else"


def _change_hours(credential):
    credential["credentialSubject"]["creditsEarned"] = 40
    credential["credentialSubject"]["achievement"]["creditsAvailable"] = 40


def _change_proof_value(credential):
    (proof,) = credential["proof"]
    value = proof["proofValue"]
    middle = len(value) // 2
    proof["proofValue"] = (
        value[:middle] + ("2" if value[middle] != "2" else "3") + value[middle + 1 :]
    )


@pytest.mark.parametrize("tamper", [_change_name, _change_hours, _change_proof_value])
def test_a_tampered_copy_is_rejected(js_verify, client, certificate, tamper):
    credential = copy.deepcopy(signed_credential(certificate))
    tamper(credential)
    result = js_verify(credential)
    assert result["verified"] is False
    # Refused for its signature, not for some other reason (an unreadable issuer profile).
    assert "Invalid signature." in result["errors"], result["errors"]
    assert api_verify(client, credential)["verified"] is False


def test_a_revoked_credential_is_revoked_by_its_status_list(
    js_verify, client, certificate, admin_user
):
    credential = signed_credential(certificate)
    revoke_certificate(certificate, admin_user, "Issued in error")
    cache.clear()  # the status list is signed again, with the revocation
    result = js_verify(credential)
    assert result["revoked"] is True, result["errors"]
    report = api_verify(client, credential)
    assert report["verified"] is False
    assert report["checks"][-1]["check"] == "status"
