"""The small web service behind the links in e-mails (``sdg87 serve``): confirm, unsubscribe, feedback."""
