import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from kb.settings import env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_extra={
            "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
            "ALLOWED_HOSTS": "mailfix.example.com",
            "HTTPS": "1",
            "SECURE_HSTS_PRELOAD": "1",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "MAILFIX_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_keeps_a_generated_secret_key_in_var(tmp_path):
    first = _manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)",
                    env_extra={"MAILFIX_VAR_DIR": str(tmp_path)})
    second = _manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)",
                     env_extra={"MAILFIX_VAR_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip().splitlines()[-1]) > 50
    assert (tmp_path / "secret_key").exists()


def test_debug_is_off_unless_asked(tmp_path):
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                     env_extra={"MAILFIX_VAR_DIR": str(tmp_path)})
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("name,func", [("X_BOOL", env_bool), ("X_INT", env_int)])
def test_it_refuses_junk_in_environment_variables(monkeypatch, name, func):
    monkeypatch.setenv(name, "maybe")
    with pytest.raises(ImproperlyConfigured):
        func(name, 0) if func is env_int else func(name)
