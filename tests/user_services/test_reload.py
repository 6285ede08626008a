"""Editing, adding and deleting service files shows on the next request after the check
interval, and touches no other service; a broken file breaks only its own service.
"""

from __future__ import annotations

import logging

import pytest
import requests

from pytest_mimic.cloud import MimicCloud
from pytest_mimic.user_services import ServicesFolder, attach_folder
from pytest_mimic.user_services.folder import CHECK_INTERVAL


def greeting(word):
    return f"""
        from pytest_mimic.user_services import route

        @route("/hello")
        def hello(request):
            return {{"says": "{word}"}}
    """


NOTES = """
    from pytest_mimic.user_services import Collection, route

    notes = Collection("notes")

    @route("/notes", methods=["POST"])
    def add_note(request):
        return notes.create(**request.json), 201

    @route("/notes")
    def list_notes(request):
        return notes.list()
"""


def says(base, name="greeter"):
    response = requests.get(f"{base}/{name}/hello", timeout=5)
    return response.status_code, response.json()


def test_an_edit_shows_on_the_first_request_after_the_check_interval(write, serve, ticks):
    write("greeter", greeting("hello"))
    _folder, base = serve()
    assert says(base) == (200, {"says": "hello"})

    write("greeter", greeting("bonjour"))
    ticks.advance(CHECK_INTERVAL / 2)
    assert says(base) == (200, {"says": "hello"}), "looked at the folder too soon"

    ticks.advance(CHECK_INTERVAL)
    assert says(base) == (200, {"says": "bonjour"})


def test_a_reload_leaves_other_services_state_alone(write, serve, ticks):
    write("greeter", greeting("hello"))
    write("notes", NOTES)
    _folder, base = serve()
    requests.post(f"{base}/notes/notes", json={"text": "keep me"}, timeout=5)

    write("greeter", greeting("hi"))
    ticks.advance(CHECK_INTERVAL)

    assert says(base) == (200, {"says": "hi"})
    assert [n["text"] for n in requests.get(f"{base}/notes/notes", timeout=5).json()] == ["keep me"]


def test_a_new_file_is_served_and_a_deleted_one_is_gone(write, serve, ticks, tmp_path, cloud):
    write("greeter", greeting("hello"))
    _folder, base = serve()

    write("other", greeting("new"))
    (tmp_path / "greeter.py").unlink()
    ticks.advance(CHECK_INTERVAL)

    assert says(base, "other") == (200, {"says": "new"})
    assert requests.get(f"{base}/greeter/hello", timeout=5).status_code == 404
    assert {s.name for s in cloud.services} == {"mimic", "dashboard", "external", "other"}


def test_a_broken_file_answers_503_with_the_error_and_only_that_service(
    write, serve, ticks, caplog
):
    write("greeter", greeting("hello"))
    write("notes", NOTES)
    _folder, base = serve()

    caplog.set_level(logging.ERROR, logger="pytest_mimic")
    write("greeter", "from pytest_mimic.user_services import route\n\ndef hello(:\n")
    ticks.advance(CHECK_INTERVAL)
    broken = requests.get(f"{base}/greeter/hello", timeout=5)

    assert broken.status_code == 503
    message = broken.json()["error"]["message"]
    assert broken.json()["error"]["code"] == 503
    assert "greeter.py failed to import: SyntaxError" in message
    assert "greeter.py" in caplog.text
    assert requests.get(f"{base}/notes/notes", timeout=5).status_code == 200

    write("greeter", greeting("fixed"))
    ticks.advance(CHECK_INTERVAL)
    assert says(base) == (200, {"says": "fixed"})


def test_a_file_raising_at_import_or_with_no_app_answers_503_saying_so(write, serve):
    write("crashes", "raise RuntimeError('no database here')\n")
    write("empty", "VALUE = 1\n")
    _folder, base = serve()

    crashes = requests.get(f"{base}/crashes/anything", timeout=5).json()["error"]["message"]
    empty = requests.get(f"{base}/empty/anything", timeout=5).json()["error"]["message"]

    assert "RuntimeError: no database here" in crashes
    assert "defines no FastAPI `router`, no `app` (ASGI or WSGI) and no @route functions" in empty


def test_helper_files_starting_with_an_underscore_are_not_services(write, serve, cloud):
    write("_helpers", "raise RuntimeError('not a service')\n")
    write("greeter", greeting("hello"))
    serve()

    assert [s.name for s in cloud.services] == ["mimic", "dashboard", "external", "greeter"]


def test_a_file_named_like_a_registered_service_is_refused_at_attach(write, tmp_path):
    write("external", greeting("clash"))
    with MimicCloud(services=[]) as cloud, pytest.raises(ValueError, match="rename the file"):
        attach_folder(cloud, tmp_path)


def test_refresh_reloads_at_once_and_names_what_changed(write, serve, tmp_path):
    write("greeter", greeting("hello"))
    folder, base = serve()

    write("greeter", greeting("now"))

    assert folder.refresh() == ["greeter"]
    assert folder.refresh() == []
    assert says(base) == (200, {"says": "now"})


def test_a_folder_that_is_not_a_directory_is_refused(tmp_path):
    with pytest.raises(NotADirectoryError, match="is not a directory"):
        ServicesFolder(tmp_path / "missing")
