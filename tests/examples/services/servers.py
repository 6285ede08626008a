"""A stateful fake of your own: servers that build for 30 simulated seconds.

Served at ``/servers/`` when this folder is a services folder (``mimic_services_dir`` in
your ini, ``--mimic-services-dir`` or ``pytest-mimic serve --services-dir``).
"""

from __future__ import annotations

from pytest_mimic.user_services import Collection, json_object, route

catalog_type = "servers"  # the Identity catalog lists /servers under this type

servers = Collection("servers", lifecycle=[("BUILD", 0), ("ACTIVE", 30)])


@route("/servers", methods=["POST"])
def create_server(request):
    body = json_object(request)  # a 400 unless the body is a JSON object
    return {"server": servers.create(name=str(body.get("name", "")))}, 202


@route("/servers")
def list_servers(request):
    return {"servers": servers.list(**request.args.to_dict())}


@route("/servers/<server_id>")
def get_server(request, server_id):
    return {"server": servers.get(server_id)}  # an unknown id answers 404


@route("/servers/<server_id>", methods=["DELETE"])
def delete_server(request, server_id):
    servers.delete(server_id)
    return "", 204
