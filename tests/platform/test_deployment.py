"""The deployment files agree with the code: compose services, the image, the entrypoint."""

import os
import runpy
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_every_service_with_a_health_check():
    services = COMPOSE["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert all("healthcheck" in service for service in services.values())
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_web_worker_and_beat_share_one_definition_on_the_real_engines():
    app = COMPOSE["x-app"]
    assert app["build"]["dockerfile"] == "platform/Dockerfile"
    for name, role in (("web", "web"), ("worker", "worker"), ("beat", "beat")):
        service = COMPOSE["services"][name]
        assert service["build"] == app["build"] and service["command"] == [role]
        environment = service["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://")
        assert set(service["depends_on"]) == {"db", "redis"}


def test_the_image_copies_what_it_runs():
    dockerfile = (ROOT / "platform" / "Dockerfile").read_text()
    ignored = (ROOT / ".dockerignore").read_text().split()
    for needed in (
        "config",
        "learning",
        "content",
        "kernels",
        "templates",
        "manage.py",
        "platform",
    ):
        assert (ROOT / needed).exists(), needed
        assert needed not in ignored, needed
    assert 'ENTRYPOINT ["/app/platform/entrypoint.sh"]' in dockerfile


def test_the_entrypoint_knows_every_role_compose_asks_for():
    entrypoint = ROOT / "platform" / "entrypoint.sh"
    assert os.access(entrypoint, os.X_OK)
    subprocess.run(["sh", "-n", str(entrypoint)], check=True)
    script = entrypoint.read_text()
    for role in ("web)", "worker)", "beat)"):
        assert role in script
    assert "gunicorn config.wsgi" in script and "celery -A config" in script


def test_gunicorn_settings_load():
    settings = runpy.run_path(str(ROOT / "platform" / "gunicorn.conf.py"))
    assert settings["bind"].endswith(":8000") and settings["workers"] >= 1
