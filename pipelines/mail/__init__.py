"""Mail: building and sending messages over SMTP, the embedded local server, the operator notice."""
