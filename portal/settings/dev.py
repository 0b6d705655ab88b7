from .base import *  # noqa: F403
from .base import env

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghij")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Dev runs over plain http on localhost; WebAuthn needs this to work there.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
PORTAL_SHOW_DEMO_LOGINS = True
