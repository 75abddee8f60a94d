"""The dashboard's xAPI switch on a class page: shown only when forwarding is on, off by default,
turned on and off by the class's owner with the form's CSRF token, never by anyone else."""

from __future__ import annotations

import re
from collections.abc import Callable

from devtools.processes import free_port
from tests.xapi.conftest import EDUCATOR_PASSWORD, Api

TURN_ON, TURN_OFF = "Envoyer aussi le code de la classe", "Ne plus envoyer le code de la classe"


def sign_in(api: Api, email: str) -> str:
    """Sign in on the dashboard; the session's CSRF token."""
    page = api.client.get("/dashboard/connexion").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    form = {"email": email, "password": EDUCATOR_PASSWORD, "csrf_token": token.group(1)}
    response = api.client.post("/dashboard/connexion", data=form, follow_redirects=False)
    assert response.status_code == 303
    found = re.search(r'name="csrf_token" value="([^"]+)"', api.client.get("/dashboard").text)
    assert found is not None
    return found.group(1)


def test_the_owner_turns_the_class_group_on_and_off(make_api: Callable[..., Api]) -> None:
    api = make_api(f"http://127.0.0.1:{free_port()}")  # no LRS: nothing is sent
    alice = api.educator("alice@college.example")
    code = api.new_class(alice)
    page = f"/dashboard/classes/{code}"
    form = f"{page}/xapi-group"
    token = sign_in(api, "alice@college.example")
    assert TURN_ON in api.client.get(page).text  # off by default

    refused = api.client.post(form, data={"share": "1", "csrf_token": "forged"})
    assert refused.status_code == 403
    assert api.client.get(f"/api/v1/classes/{code}/xapi-group", headers=alice).json() == {
        "share_class_code": False
    }

    done = api.client.post(form, data={"share": "1", "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{page}#xapi"
    assert TURN_OFF in api.client.get(page).text
    assert api.client.get(f"/api/v1/classes/{code}/xapi-group", headers=alice).json() == {
        "share_class_code": True
    }
    api.client.post(form, data={"share": "0", "csrf_token": token})
    assert TURN_ON in api.client.get(page).text


def test_another_educator_cannot_touch_it(make_api: Callable[..., Api]) -> None:
    api = make_api(f"http://127.0.0.1:{free_port()}")
    alice = api.educator("alice@college.example")
    api.educator("bob@lycee.example")
    code = api.new_class(alice)
    token = sign_in(api, "bob@lycee.example")
    response = api.client.post(
        f"/dashboard/classes/{code}/xapi-group", data={"share": "1", "csrf_token": token}
    )
    assert response.status_code == 404
    assert api.client.get(f"/api/v1/classes/{code}/xapi-group", headers=alice).json() == {
        "share_class_code": False
    }


def test_no_switch_when_forwarding_is_off(make_api: Callable[..., Api]) -> None:
    api = make_api(f"http://127.0.0.1:{free_port()}", xapi_enabled=False)
    code = api.new_class(api.educator("alice@college.example"))
    sign_in(api, "alice@college.example")
    page = api.client.get(f"/dashboard/classes/{code}").text
    assert TURN_ON not in page and "xAPI" not in page
