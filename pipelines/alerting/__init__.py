"""Alerts: the cycle run, its inputs and records, messages, links, delivery, webhook, subscriptions, feedback, report."""
