"""Alert delivery for unattended operation: e-mail (SMTP) and a JSON webhook, each new alert once."""

from monitor.notify.config import EmailChannel, NotifyConfig, WebhookChannel

__all__ = ("EmailChannel", "NotifyConfig", "WebhookChannel")
