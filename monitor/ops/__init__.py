"""Unattended operation: crontab lines and schedules, site status, logging for cron, data-folder hygiene."""
