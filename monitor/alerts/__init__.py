"""Alerts in the store: raised from analysed episodes, deduplicated, with evidence and a review lifecycle."""

from monitor.alerts.records import STATUSES, AlertRecord, get_alert, list_alerts, set_status
from monitor.alerts.update import AlertUpdate, load_ledger, update_alerts

__all__ = (
    "STATUSES",
    "AlertRecord",
    "AlertUpdate",
    "get_alert",
    "list_alerts",
    "load_ledger",
    "set_status",
    "update_alerts",
)
