"""pywa, unmodified, gets an app access token and sets the app's callback through Graph on a
live wamm; the callback then receives the webhooks of the fields it asked for."""

from __future__ import annotations

from pywa import WhatsApp

from tests import seed_data as sd
from tests.e2e.conftest import VERIFY_TOKEN, LiveServer
from wamm.testing.threaded import ThreadedReceiver


def test_get_app_access_token_and_set_app_callback_url(
    wa: WhatsApp, live_server: LiveServer, webhook_receiver: ThreadedReceiver
) -> None:
    app_token = wa.get_app_access_token(app_id=int(sd.APP_ID), app_secret=sd.APP_SECRET)
    assert app_token == f"{sd.APP_ID}|{sd.APP_SECRET}"
    result = wa.set_app_callback_url(
        app_id=int(sd.APP_ID),
        app_access_token=app_token,
        callback_url=webhook_receiver.url,
        verify_token=VERIFY_TOKEN,
        fields=("messages", "message_template_status_update"),
    )
    assert result.success is True
    (app,) = live_server.control.state()["apps"]
    assert app["webhook"] == {"url": webhook_receiver.url, "verify_token": VERIFY_TOKEN}
